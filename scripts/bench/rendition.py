#!/usr/bin/env python3
"""Line 6 of the benchmark: feed renditions (issue 14), run by run.py.

Renders 20 speech recordings of 10 minutes (five containers and rates, four loudness levels
from -30 to -10 LUFS) to MP3 at -19 LUFS / -1 dBTP, mono, 64 kbit/s, 44.1 kHz:

* archive's engine, through `examples/render.rs` (`cargo build --release --example render`),
  two renditions at a time in one process (`--jobs 2`);
* ffmpeg doing the same job as two-pass loudnorm: pass 1 `loudnorm=I=-19:TP=-1:print_format=json`
  to measure, pass 2 with the measured values (`linear=true`) and
  `-ac 1 -ar 44100 -b:a 64k -c:a libmp3lame`, two files at a time (same core count).

Every output is then measured by ffmpeg's `ebur128=peak=true` (the same judge for both), and
the largest loudness error and true peak are reported. Peak RSS is GNU time's for archive's
one process, and for one rendition of a 60-minute recording on its own.

The speech is espeak-ng reading a fixed text (made once under target/bench/rendition/ and
kept while this script is unchanged).
"""

import concurrent.futures
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RENDITION_RUNS", "2"))

FILES = 20
MINUTES = 10
TARGET_I = -19.0
TARGET_TP = -1.0
# container, encoder arguments, filters before encoding (rate and channels)
SOURCES = [
    ("m4a", ["-c:a", "aac", "-b:a", "96k"], "aresample=48000"),
    ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"], "aresample=44100,pan=stereo|c0=c0|c1=c0"),
    ("opus", ["-c:a", "libopus", "-b:a", "48k"], "aresample=48000"),
    ("flac", ["-c:a", "flac"], "aresample=16000"),
    ("wav", ["-c:a", "pcm_s16le"], "aresample=44100,pan=stereo|c0=c0|c1=c0"),
]
LEVELS = [-30.0, -23.0, -16.0, -10.0]
TEXT = (
    "Four score and seven years ago our fathers brought forth on this continent a new "
    "nation, conceived in liberty, and dedicated to the proposition that all men are "
    "created equal. Now we are engaged in a great civil war, testing whether that nation, "
    "or any nation so conceived and so dedicated, can long endure. We are met on a great "
    "battlefield of that war. We have come to dedicate a portion of that field, as a final "
    "resting place for those who here gave their lives that that nation might live. "
)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, **kw)


def ebur128(path):
    """(integrated LUFS, true peak dBTP) by ffmpeg."""
    out = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL).stderr
    summary = out.split("Summary:")[-1]
    i = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    tp = float(re.search(r"Peak:\s+(-?[\d.inf]+) dBFS", summary).group(1))
    return i, tp


def make_data(root):
    """The 20 sources and a 60-minute one, made once per version of this script."""
    stamp = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    data = root / "data"
    if (data / ".stamp").exists() and (data / ".stamp").read_text() == stamp:
        return sorted(data.glob("s[0-9][0-9].*")), data / "hour.flac"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    speech = data / "speech.wav"
    run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(speech), TEXT * 4])
    base = data / "base.wav"  # 10 minutes: the speech looped, each loop a bit apart
    run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(speech), "-af",
         f"apad=pad_dur=0.7,atrim=0:{MINUTES * 60}", "-ar", "22050", str(base)])
    sources = []
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for n in range(FILES):
            ext, codec, layout = SOURCES[n % len(SOURCES)]
            level = LEVELS[n % len(LEVELS)]
            out = data / f"s{n:02d}.{ext}"
            # Speech from espeak reads about -20.6 LUFS; clipping makes the loud ones.
            gain = level - (-20.6) + (3.0 if "stereo" in layout else 0.0)
            filters = f"{layout},volume={gain:.1f}dB"
            jobs.append(pool.submit(run, ["ffmpeg", "-v", "error", "-y", "-i", str(base),
                                          "-af", filters, *codec, "-map_metadata", "-1",
                                          str(out)]))
            sources.append(out)
        hour = data / "hour.flac"
        jobs.append(pool.submit(run, ["ffmpeg", "-v", "error", "-y", "-stream_loop", "5", "-i",
                                      str(base), "-ar", "44100", "-c:a", "flac", str(hour)]))
        for job in jobs:
            job.result()
    (data / ".stamp").write_text(stamp)
    return sources, hour


def ffmpeg_two_pass(src, out):
    first = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-threads", "1", "-i", str(src),
                            "-af", f"loudnorm=I={TARGET_I}:TP={TARGET_TP}:print_format=json",
                            "-f", "null", "-"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, check=True).stderr
    m = json.loads(first[first.rindex("{"):first.rindex("}") + 1])
    measured = (f"measured_I={m['input_i']}:measured_TP={m['input_tp']}:"
                f"measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}:"
                f"offset={m['target_offset']}:linear=true")
    run(["ffmpeg", "-v", "error", "-y", "-threads", "1", "-i", str(src), "-af",
         f"loudnorm=I={TARGET_I}:TP={TARGET_TP}:{measured}", "-ac", "1", "-ar", "44100",
         "-b:a", "64k", "-c:a", "libmp3lame", str(out)])


def line(bench, repo, time_cmd):
    """Runs the line; returns (rows, notes, raw)."""
    root = bench / "rendition"
    sources, hour = make_data(root)
    run(["cargo", "build", "--release", "--quiet", "--example", "render"], cwd=repo)
    render = Path(os.environ.get("CARGO_TARGET_DIR", repo / "target")) / "release/examples/render"
    ours_dir, peer_dir = root / "ours", root / "ffmpeg"
    for d in (ours_dir, peer_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    audio_seconds = len(sources) * MINUTES * 60.0

    args = ["--jobs", "2"]
    for src in sources:
        args += [str(src), str(ours_dir / (src.stem + ".mp3"))]

    def cpu():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def ours():
        c0 = cpu()
        wall, rss, out = time_cmd([str(render), *args])
        return wall, cpu() - c0, rss, out

    def peer():
        c0, t0 = cpu(), time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: ffmpeg_two_pass(s, peer_dir / (s.stem + ".mp3")), sources))
        return time.perf_counter() - t0, cpu() - c0

    # Alternating rounds, medians: other load on the machine hits both alike.
    ours_runs, peer_runs = [], []
    for _ in range(max(RUNS, 1)):
        ours_runs.append(ours())
        peer_runs.append(peer())
    ours_wall = statistics.median(r[0] for r in ours_runs)
    ours_cpu = statistics.median(r[1] for r in ours_runs)
    ours_rss = max(r[2] for r in ours_runs)
    ours_out = ours_runs[-1][3]
    peer_wall = statistics.median(r[0] for r in peer_runs)
    peer_cpu = statistics.median(r[1] for r in peer_runs)
    results = [json.loads(l) for l in ours_out.splitlines() if l.strip()]
    failed = [r for r in results if "error" in r]
    passes = [r["rendition"]["passes"] for r in results if "rendition" in r]

    _, hour_rss, _ = time_cmd([str(render), str(hour), str(root / "hour.mp3")])

    def judge(d):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            return list(pool.map(ebur128, [d / (s.stem + ".mp3") for s in sources]))

    ours_m, peer_m = judge(ours_dir), judge(peer_dir)
    err = lambda ms: max(abs(i - TARGET_I) for i, _ in ms)
    peak = lambda ms: max(tp for _, tp in ms)
    cores = os.cpu_count() or 1
    speed = lambda wall: audio_seconds / wall / 2  # two jobs on two cores: × realtime per core
    ratio = peer_wall / ours_wall
    rows = [
        ("6. Rendition, 20 × 10 min speech → MP3 -19 LUFS, wall time (2 at a time)",
         f"{ours_wall:.1f} s ({speed(ours_wall):.0f}× realtime per core)",
         f"ffmpeg loudnorm two-pass {peer_wall:.1f} s ({speed(peer_wall):.0f}× realtime per core)",
         f"{ratio:.2f}× faster (target ≥ 1.5×); CPU time {ours_cpu:.0f} s vs {peer_cpu:.0f} s "
         f"({peer_cpu / ours_cpu:.2f}×)", "met" if ratio >= 1.5 and not failed else "**MISSED**"),
        ("6. Rendition, loudness error (largest |I − (−19)| by ffmpeg ebur128)",
         f"{err(ours_m):.2f} LU", f"ffmpeg {err(peer_m):.2f} LU", "no worse than ffmpeg's",
         "met" if err(ours_m) <= err(peer_m) + 0.05 else "**MISSED**"),
        ("6. Rendition, highest true peak (ffmpeg ebur128)", f"{peak(ours_m):.1f} dBTP",
         f"ffmpeg {peak(peer_m):.1f} dBTP", "≤ −1.0 dBTP",
         "met" if peak(ours_m) <= TARGET_TP else "**MISSED**"),
        ("6. Rendition, peak RSS (2 jobs; one 60-minute recording alone)",
         f"{ours_rss / 1024:.1f} MiB; {hour_rss / 1024:.1f} MiB", "–", "< 64 MB",
         "met" if max(ours_rss, hour_rss) < 64 * 1000 * 1000 / 1024 else "**MISSED**"),
    ]
    notes = [
        f"Rendition: {len(sources)} sources of {MINUTES} min ({', '.join(s[0] for s in SOURCES)};"
        f" 16–48 kHz, mono and stereo; {', '.join(f'{l:g}' for l in LEVELS)} LUFS), "
        f"{audio_seconds / 3600:.1f} h of audio on {cores} cores. archive: `examples/render "
        f"--jobs 2`, passes of its render step per file {dict(sorted({p: passes.count(p) for p in passes}.items()))}"
        f"{f', {len(failed)} failed' if failed else ''}. ffmpeg: loudnorm pass 1 to measure, "
        f"pass 2 with `measured_*` and `linear=true`, `-ac 1 -ar 44100 -b:a 64k -c:a libmp3lame`, "
        f"two files at a time, `-threads 1`. Medians of {max(RUNS, 1)} alternating rounds; "
        f"× realtime per core = audio seconds / wall / 2; CPU time is user + system of all "
        f"processes, less sensitive to other load on the machine."]
    raw = {"ours_runs": [r[:3] for r in ours_runs], "peer_runs": peer_runs,
           "ours_wall": ours_wall, "peer_wall": peer_wall, "ours_rss_kib": ours_rss,
           "hour_rss_kib": hour_rss, "ours": ours_m, "ffmpeg": peer_m, "passes": passes}
    return rows, notes, raw
