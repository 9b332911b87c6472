#!/usr/bin/env python3
"""Prepares the benchmark data under target/bench/ (see scripts/bench.sh).

Two kinds of data:

* Audio (`data/`), made with ffmpeg from deterministic sources (a pink-noise generator
  with fixed seeds, bit-exact encoder flags, no encoder version tags):
  - `data/probe/`: 500 small files in ten container variants (MP3 CBR/VBR with and without
    a Xing header, M4A with moov first and last, Ogg Vorbis, Ogg Opus, FLAC, WAV), made
    from 50 unique encodes, and `data/probe.json`, which lists them with the duration
    of each encode decoded by ffmpeg (the sample count, the reference for accuracy);
  - `data/garbage/`: MP3s followed by what breaks naive frame scanners: 1–8 MB of random
    bytes, or zeros up to 1 GB (sparse files), and `data/garbage.json` with the decoded
    duration of the MP3 before the garbage (the reference);
  - `data/www/`: the loopback server's files: `sync/` 200 recordings of about 2 MB,
    `noop/` 1,000 small recordings, `big/big.mp3` about 1 GB of CBR MPEG frames;
  - `data/rec/`: three small local recordings shared by the 10,000-episode feed.
  Audio is made once and kept while `data/.stamp` matches this script's hash.

* Archives (`arch/`), written on every run because their URLs carry the server's port:
  `sync` (200 http episodes), `noop` (1,000 http episodes), `build` (10,000 local
  episodes), `big` (one 1 GB http episode), each with `feeds/speakers.toml` and
  `feeds/bench.toml`.

Usage: gen_data.py BENCH_DIR PORT
"""

import concurrent.futures
import datetime
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

SEED = 20201110
PROBE_FILES = 500
SYNC_FILES = 200
NOOP_FILES = 1000
BUILD_EPISODES = 10_000
BIG_BYTES = 1_000_000_000

# name, extension, encoder arguments, decoded sample rate
VARIANTS = [
    ("mp3-cbr-xing", "mp3", ["-c:a", "libmp3lame", "-b:a", "128k"], 44100),
    ("mp3-cbr-noxing", "mp3", ["-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0"], 44100),
    ("mp3-vbr-xing", "mp3", ["-c:a", "libmp3lame", "-q:a", "2"], 44100),
    ("mp3-vbr-noxing", "mp3", ["-c:a", "libmp3lame", "-q:a", "2", "-write_xing", "0"], 44100),
    ("m4a-moov-last", "m4a", ["-c:a", "aac", "-b:a", "96k"], 44100),
    ("m4a-moov-first", "m4a", ["-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart"], 44100),
    ("ogg-vorbis", "ogg", ["-c:a", "libvorbis", "-q:a", "3"], 44100),
    ("opus", "opus", ["-c:a", "libopus", "-b:a", "48k"], 48000),
    ("flac", "flac", ["-c:a", "flac"], 44100),
    ("wav", "wav", ["-c:a", "pcm_s16le"], 44100),
]
# Seconds of noise after one second of silence: the silent first frames make header-based
# estimates of a VBR MP3 without Xing header (first frame's bitrate × size) go wrong, as
# they do on real recordings that start quietly.
PROBE_SECONDS = [2.3, 3.1, 4.7, 5.9, 7.2]

WORDS = (
    "freedom people uprising resistance speech conference community justice democracy "
    "protest voice memory courage future history women youth rights nation council "
    "solidarity hope unity change truth remembrance city province movement society"
).split()


def ffmpeg(*args):
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True
    )


def noise_source(seconds, seed, lead_silence=1.0, rate=44100, channels=1):
    """lavfi input: `lead_silence` s of silence, then pink noise with a tone."""
    layout = "mono" if channels == 1 else "stereo"
    graph = (
        f"anullsrc=r={rate}:cl={layout},atrim=0:{lead_silence}[s];"
        f"anoisesrc=d={seconds}:c=pink:r={rate}:a=0.25:seed={seed},"
        f"aformat=channel_layouts={layout}[n];"
        f"sine=f=330:r={rate}:d={seconds},aformat=channel_layouts={layout}[t];"
        f"[n][t]amix=inputs=2:normalize=0[m];[s][m]concat=n=2:v=0:a=1"
    )
    return ["-f", "lavfi", "-i", graph]


BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


def encode_probe(out, variant, seconds, seed):
    _, ext, args, _ = VARIANTS[variant]
    ffmpeg(
        *noise_source(seconds, seed),
        *BITEXACT,
        "-metadata", f"title=Probe {seed}",
        "-metadata", "artist=Bench Speaker",
        *args,
        str(out),
    )


def decoded_samples(path):
    """Samples per channel that ffmpeg decodes (mono s16 output: 2 bytes a sample)."""
    out = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
         "-ac", "1", "-f", "s16le", "-"],
        check=True, stdout=subprocess.PIPE,
    ).stdout
    return len(out) // 2


def make_probe(data, pool):
    src = data / "src"
    probe = data / "probe"
    for d in (src, probe):
        d.mkdir(parents=True, exist_ok=True)
    uniques = []
    for v, (name, ext, _, rate) in enumerate(VARIANTS):
        for k, seconds in enumerate(PROBE_SECONDS):
            seed = SEED + 100 * v + k
            uniques.append((src / f"{name}-{k}.{ext}", v, seconds, seed, rate))
    list(pool.map(lambda u: encode_probe(u[0], u[1], u[2], u[3]), uniques))
    samples = list(pool.map(lambda u: decoded_samples(u[0]), uniques))
    files = []
    for i in range(PROBE_FILES):
        path, v, _, _, rate = uniques[i % len(uniques)]
        dest = probe / f"{i:03d}-{path.name}"
        shutil.copyfile(path, dest)
        n = samples[i % len(uniques)]
        files.append({
            "path": str(dest),
            "variant": VARIANTS[v][0],
            "unique": path.name,
            "decoded_samples": n,
            "decoded_rate": rate,
            "decoded_duration": n / rate,
        })
    (data / "probe.json").write_text(json.dumps(files, indent=1))


# Trailing-garbage corpus: 20 unique files, each listed 5 times (hard links), so that the
# process start of `archive probe` is spread over 100 files as line 1 spreads it over 500.
GARBAGE_RANDOM_MB = [1, 2, 4, 8]
GARBAGE_ZEROS_TO = 1 << 30
GARBAGE_COPIES = 5


def make_garbage(data):
    """MP3s with random bytes or a sparse run of zeros after their last frame."""
    src = data / "src"
    garbage = data / "garbage"
    garbage.mkdir(parents=True, exist_ok=True)
    probe = json.loads((data / "probe.json").read_text())
    clean = {m["unique"]: m for m in probe if m["variant"].startswith("mp3")}
    files = []
    rng = random.Random(SEED)
    for i, (unique, m) in enumerate(sorted(clean.items())):
        body = (src / unique).read_bytes()
        dest = garbage / f"{i:03d}-{unique}"
        with open(dest, "wb") as f:
            f.write(body)
            if i % 5 == 4:
                f.truncate(GARBAGE_ZEROS_TO)
                tail = f"zeros to {GARBAGE_ZEROS_TO >> 20} MiB"
            else:
                mb = GARBAGE_RANDOM_MB[i % len(GARBAGE_RANDOM_MB)]
                f.write(rng.randbytes(mb << 20))
                tail = f"{mb} MiB random"
        for copy in range(GARBAGE_COPIES):
            path = dest if copy == 0 else dest.with_name(f"{dest.stem}-{copy}{dest.suffix}")
            if copy:
                os.link(dest, path)
            files.append({"path": str(path), "variant": m["variant"], "tail": tail,
                          "decoded_duration": m["decoded_duration"],
                          "trailing_bytes": dest.stat().st_size - len(body)})
    (data / "garbage.json").write_text(json.dumps(files, indent=1))


def make_www(data):
    www = data / "www"
    for d in ("sync", "noop", "big"):
        (www / d).mkdir(parents=True, exist_ok=True)
    # ~2 MB: 250 s of mono CBR at 64 kbit/s is 2,000,000 bytes of frames.
    two_mb = data / "src" / "two-mb.mp3"
    ffmpeg(*noise_source(249, SEED + 7), *BITEXACT, "-metadata", "title=Two megabytes",
           "-c:a", "libmp3lame", "-b:a", "64k", str(two_mb))
    for i in range(SYNC_FILES):
        shutil.copyfile(two_mb, www / "sync" / f"e{i:03d}.mp3")
    small = data / "src" / "small.mp3"
    ffmpeg(*noise_source(2, SEED + 8, lead_silence=0.2), *BITEXACT,
           "-c:a", "libmp3lame", "-b:a", "64k", str(small))
    for i in range(NOOP_FILES):
        shutil.copyfile(small, www / "noop" / f"e{i:04d}.mp3")
    # ~1 GB: one minute of stereo 320 kbit/s CBR frames without Xing header or ID3 tag,
    # repeated. Concatenated MPEG frames are a valid stream (each chunk's first frame
    # uses no bit reservoir), and costs a second to write instead of hours to encode.
    chunk_path = data / "src" / "minute-320k.mp3"
    ffmpeg(*noise_source(59, SEED + 9, channels=2), *BITEXACT, "-c:a", "libmp3lame",
           "-b:a", "320k", "-write_xing", "0", "-id3v2_version", "0", "-write_id3v1", "0",
           str(chunk_path))
    chunk = chunk_path.read_bytes()
    repeats = -(-BIG_BYTES // len(chunk))
    with open(www / "big" / "big.mp3", "wb") as out:
        for _ in range(repeats):
            out.write(chunk)


def make_rec(data):
    rec = data / "rec"
    rec.mkdir(parents=True, exist_ok=True)
    for name, args, seed in [
        ("r0.mp3", ["-c:a", "libmp3lame", "-b:a", "48k"], 1),
        ("r1.m4a", ["-c:a", "aac", "-b:a", "48k"], 2),
        ("r2.opus", ["-c:a", "libopus", "-b:a", "24k"], 3),
    ]:
        ffmpeg(*noise_source(2.5, SEED + 20 + seed, lead_silence=0.2), *BITEXACT,
               "-metadata", "title=Shared recording", *args, str(rec / name))


def make_audio(data):
    stamp = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    stamp_file = data / ".stamp"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        print("bench: audio data is up to date", flush=True)
        return
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = [pool.submit(make_www, data), pool.submit(make_rec, data)]
        make_probe(data, pool)
        make_garbage(data)
        for f in futures:
            f.result()
    stamp_file.write_text(stamp)


# ---------------------------------------------------------------- archives


def toml_str(text):
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def speakers_toml(count):
    lines = ["# Generated by scripts/bench/gen_data.py\n"]
    for s in range(count):
        lines.append(
            f"[speakers.speaker-{s}]\nname = {toml_str(f'Speaker {s}')}\n"
            f"title = {toml_str(f'Community member {s}')}\n\n"
        )
    return "".join(lines)


def feed_header(title):
    return (
        "# Generated by scripts/bench/gen_data.py\n"
        "[feed]\n"
        f"title = {toml_str(title)}\n"
        'description = "A synthetic archive for the benchmark harness."\n'
        'language = "en"\n'
        'public_url = "https://archive.example.org/"\n'
        'author = "Bench"\n'
        'owner = { name = "Bench", email = "bench@example.org" }\n'
        'categories = ["News > Politics"]\n'
        "explicit = false\n\n"
        # Lines 2 to 5 measure downloads and builds against curl and feedgen, which make no
        # renditions; line 6 measures renditions on their own.
        "[feed.rendition]\n"
        "enabled = false\n\n"
    )


def excerpt(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_archive(root, title, audio_urls, speakers=1, events=1, excerpt_words=12):
    """A fresh archive at `root` whose feed `bench` has one episode per audio source."""
    if root.exists():
        shutil.rmtree(root)
    (root / "feeds").mkdir(parents=True)
    rng = random.Random(SEED + len(audio_urls))
    (root / "feeds" / "speakers.toml").write_text(speakers_toml(speakers))
    parts = [feed_header(title)]
    for e in range(events):
        parts.append(
            f'[[event]]\nid = "event-{e}"\ntitle = "Conference {e}"\n'
            f"date = {2000 + e // 12:04d}-{e % 12 + 1:02d}-01\n\n"
        )
    per_event = -(-len(audio_urls) // events)
    for i, audio in enumerate(audio_urls):
        e = i // per_event
        published = datetime.datetime(2000 + e // 12, e % 12 + 1, 1, 10) + datetime.timedelta(
            minutes=i % per_event)
        parts.append(
            f'[[episode]]\nid = "ep-{i:05d}"\n'
            f"title = {toml_str(f'Speech {i}: ' + excerpt(rng, 5))}\n"
            f'event = "event-{e}"\nspeakers = ["speaker-{i % speakers}"]\n'
            f"audio = {toml_str(audio)}\n"
            f"published = {published.isoformat()}Z\n"
            f"excerpt = {toml_str(excerpt(rng, excerpt_words))}\n\n"
        )
    (root / "feeds" / "bench.toml").write_text("".join(parts))


def make_archives(bench, port):
    data, arch = bench / "data", bench / "arch"
    base = f"http://127.0.0.1:{port}"
    write_archive(arch / "sync", "Sync throughput",
                  [f"{base}/sync/e{i:03d}.mp3" for i in range(SYNC_FILES)])
    write_archive(arch / "noop", "No-op re-sync",
                  [f"{base}/noop/e{i:04d}.mp3" for i in range(NOOP_FILES)])
    write_archive(arch / "big", "One big recording", [f"{base}/big/big.mp3"])
    recs = sorted(p.name for p in (data / "rec").iterdir())
    write_archive(arch / "build", "Ten thousand speeches",
                  [f"recordings/{recs[i % len(recs)]}" for i in range(BUILD_EPISODES)],
                  speakers=10, events=100, excerpt_words=70)
    shutil.copytree(data / "rec", arch / "build" / "recordings")
    # The curl peers' URL lists (curl config files) and output folders.
    peers = bench / "peers"
    peers.mkdir(exist_ok=True)
    with open(peers / "sync.curl", "w") as f:
        for i in range(SYNC_FILES):
            f.write(f'url = "{base}/sync/e{i:03d}.mp3"\noutput = "e{i:03d}.mp3"\n')
    with open(peers / "sync.aria2", "w") as f:
        for i in range(SYNC_FILES):
            f.write(f"{base}/sync/e{i:03d}.mp3\n out=e{i:03d}.mp3\n")
    # nginx's ETag is "<mtime hex>-<size hex>": a conditional GET per URL, like a re-sync.
    with open(peers / "noop.curl", "w") as f:
        for i in range(NOOP_FILES):
            st = os.stat(data / "www" / "noop" / f"e{i:04d}.mp3")
            etag = f'\\"{int(st.st_mtime):x}-{st.st_size:x}\\"'  # escaped for curl's config
            if i:
                f.write("next\n")
            f.write(f'url = "{base}/noop/e{i:04d}.mp3"\noutput = "/dev/null"\n'
                    f'header = "If-None-Match: {etag}"\n')


def main():
    bench, port = Path(sys.argv[1]).resolve(), int(sys.argv[2])
    make_audio(bench / "data")
    make_archives(bench, port)


if __name__ == "__main__":
    main()
