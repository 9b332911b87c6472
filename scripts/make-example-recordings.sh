#!/usr/bin/env bash
# Regenerate the synthetic stand-in recordings, their transcripts and chapters, and the cover
# image of the example archive.
#
# The real recordings of feeds/iran-protests-anniversary.toml are not available, so each
# episode gets espeak-ng reading its published `excerpt`, encoded into the container named by
# its `audio` path (.opus, .mp3, .flac or .m4a). Each paragraph of the excerpt (paragraphs are
# separated by blank lines) is synthesized on its own and the paragraphs are joined with
# GAP_SAMPLES of silence, so the exact start and end of every paragraph in the recording is
# known from the sample counts. From those, an episode with `transcript = "recordings/….vtt"`
# gets a WebVTT transcript (one cue per paragraph, the excerpt's original text) and one with
# `chapters = "recordings/….json"` a Podcasting 2.0 JSON chapters file (one chapter per
# paragraph). The feed's `[feed].image` is drawn with ffmpeg. Recordings are mono, low bitrate,
# each under 1 MB, and all outputs are byte-for-byte reproducible for a given
# espeak-ng/ffmpeg version.
#
# Needs: python3 (>= 3.11, for tomllib), espeak-ng, ffmpeg and ffprobe (with libopus,
# libmp3lame and, for the cover title, drawtext + a DejaVu font: apt-get install fonts-dejavu-core).
#
# Usage: scripts/make-example-recordings.sh   (from anywhere)
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

CATALOG=feeds/iran-protests-anniversary.toml
SPEAKERS=feeds/speakers.toml
MAX_AUDIO_BYTES=1000000   # every recording must be under 1 MB
MAX_COVER_BYTES=100000    # the cover must be under 100 KB
SPEED=165                 # espeak-ng words per minute
GAP_SAMPLES=13230         # silence between paragraphs: 0.6 s at espeak-ng's 22050 Hz
COMMENT="Synthetic stand-in recording (espeak-ng reading the published excerpt)"

for tool in python3 espeak-ng ffmpeg ffprobe; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 1. Read the catalog ---------------------------------------------------------------------
# Writes $work/episodes.tsv (id, audio, transcript, chapters, title, artist, album, first
# speaker id; "-" for no transcript/chapters), one text file per excerpt paragraph
# ($work/<id>.p<NNN>.txt, typographic punctuation flattened for the synthesizer), the original
# paragraphs for the transcript and chapters ($work/<id>.paragraphs.json), $work/feed.tsv
# (title, image) and the cover title's lines ($work/title-<n>.txt).
python3 - "$CATALOG" "$SPEAKERS" "$work" <<'PY'
import json, pathlib, re, sys, textwrap, tomllib

catalog_path, speakers_path, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
catalog = tomllib.loads(pathlib.Path(catalog_path).read_text(encoding="utf-8"))
speakers = tomllib.loads(pathlib.Path(speakers_path).read_text(encoding="utf-8")).get("speakers", {})
events = {e["id"]: e for e in catalog.get("event", [])}

def field(value):
    value = " ".join(str(value).split())
    if "\t" in value:
        sys.exit(f"tab in catalog field: {value!r}")
    return value

def speakable(text):
    for a, b in {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
                 "\u2026": "... ", "\u2013": " - ", "\u2014": " - ", "[": "", "]": ""}.items():
        text = text.replace(a, b)
    return re.sub(r"[ \t]+", " ", text).strip() + "\n"

def paragraphs(text):
    # Paragraphs are separated by one or more blank lines; a single line break stays inside.
    paras = [p.strip() for p in re.split(r"\n(?:[ \t]*\n)+", text.strip())]
    for p in paras:
        if "-->" in p:
            sys.exit(f"'-->' cannot appear in a WebVTT cue: {p[:60]!r}")
    return [p for p in paras if p]

def output_path(ep, key, ext):
    path = ep.get(key)
    if path is None:
        return "-"
    if not re.fullmatch(r"recordings/[A-Za-z0-9._-]+\." + ext, path):
        sys.exit(f"{ep['id']}: `{key}` must be recordings/<name>.{ext}, got {path!r}")
    return path

rows = []
for ep in catalog.get("episode", []):
    ep_id, audio = ep["id"], ep["audio"]
    if not re.fullmatch(r"[a-z0-9-]+", ep_id):
        sys.exit(f"bad episode id {ep_id!r}")
    if not re.fullmatch(r"recordings/[A-Za-z0-9._-]+\.(opus|mp3|flac|m4a)", audio):
        sys.exit(f"{ep_id}: unsupported audio path {audio!r}")
    ids = ep.get("speakers", [])
    missing = [s for s in ids if s not in speakers]
    if missing:
        sys.exit(f"{ep_id}: unknown speaker(s) {missing}")
    artist = ", ".join(speakers[s]["name"] for s in ids)
    album = events[ep["event"]]["title"] if ep.get("event") in events else catalog["feed"]["title"]
    paras = paragraphs(ep["excerpt"])
    if not paras:
        sys.exit(f"{ep_id}: empty excerpt")
    for n, para in enumerate(paras, 1):
        (work / f"{ep_id}.p{n:03}.txt").write_text(speakable(para), encoding="utf-8")
    (work / f"{ep_id}.paragraphs.json").write_text(json.dumps(paras), encoding="utf-8")
    rows.append("\t".join(field(v) for v in (ep_id, audio, output_path(ep, "transcript", "vtt"),
                                              output_path(ep, "chapters", "json"),
                                              ep["title"], artist, album,
                                              ids[0] if ids else "-")))
if not rows:
    sys.exit("no episodes in catalog")
(work / "episodes.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")

feed = catalog["feed"]
(work / "feed.tsv").write_text(f"{field(feed['title'])}\t{field(feed['image'])}\n", encoding="utf-8")
for n, line in enumerate(textwrap.wrap(feed["title"], width=16)):
    (work / f"title-{n}.txt").write_text(line, encoding="utf-8")  # no trailing newline
PY

# Voice per speaker (women: Maryam Rajavi, Hasti Hesami).
voice_for() {
  case "$1" in
    maryam-rajavi)  echo "en-us+f2" ;;
    ramesh-separad) echo "en-us+m3" ;;
    hasti-hesami)   echo "en-us+f4" ;;
    aidin-saidian)  echo "en+m1" ;;
    *)              echo "en-us" ;;
  esac
}

# Deterministic output: no encoder/version strings, random Ogg serials or creation times.
FF=(ffmpeg -hide_banner -nostdin -loglevel error -y)
BITEXACT=(-fflags +bitexact -flags:a +bitexact -map_metadata -1)

# --- 2. Synthesize, join, write transcript/chapters and encode -------------------------------
# join.py <work> <id> <transcript|-> <chapters|->: concatenates $work/<id>.p<NNN>.wav with
# GAP_SAMPLES of silence between them into $work/<id>.wav and writes the WebVTT transcript and
# the JSON chapters from the paragraphs' sample offsets in that WAV. Encoder delay and padding
# are trimmed by gapless decoders (Ogg Opus pre-skip, the MP3 LAME tag, the MP4 edit list), so
# these times hold in the encoded recordings to within a few milliseconds.
cat > "$work/join.py" <<'PY'
import json, pathlib, re, sys, wave

work, ep_id, transcript, chapters = pathlib.Path(sys.argv[1]), *sys.argv[2:5]
gap = int(sys.argv[5])
paras = json.loads((work / f"{ep_id}.paragraphs.json").read_text(encoding="utf-8"))
wavs = sorted(work.glob(f"{ep_id}.p[0-9][0-9][0-9].wav"))
if len(wavs) != len(paras):
    sys.exit(f"{ep_id}: {len(wavs)} paragraph WAVs for {len(paras)} paragraphs")

params, chunks, spans, pos = None, [], [], 0
for path in wavs:
    with wave.open(str(path), "rb") as w:
        p = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        if params is None:
            params = p
        elif p != params:
            sys.exit(f"{path.name}: {p} differs from {params} (channels, width, rate)")
        frames = w.readframes(w.getnframes())
    count = len(frames) // (p[0] * p[1])
    if chunks:
        chunks.append(b"\0" * (gap * p[0] * p[1]))
        pos += gap
    chunks.append(frames)
    spans.append((pos, pos + count))
    pos += count
channels, width, rate = params
with wave.open(str(work / f"{ep_id}.wav"), "wb") as w:
    w.setnchannels(channels); w.setsampwidth(width); w.setframerate(rate)
    w.writeframes(b"".join(chunks))

def ms(samples):  # nearest millisecond
    return (samples * 1000 + rate // 2) // rate

def vtt_time(samples):
    t = ms(samples)
    return f"{t // 3600000:02}:{t // 60000 % 60:02}:{t // 1000 % 60:02}.{t % 1000:03}"

def vtt_text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

if transcript != "-":
    cues = [f"{vtt_time(a)} --> {vtt_time(b)}\n{vtt_text(t)}\n" for (a, b), t in zip(spans, paras)]
    pathlib.Path(transcript).write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")

def title(text, words=6):
    # The paragraph's first words, without quotation marks or editorial brackets.
    ws = re.sub(r"[\u201c\u201d\"\[\]]", "", text).split()
    if len(ws) <= words:
        return " ".join(ws)
    return " ".join(ws[:words]).rstrip(",;:.\u2026\u2013\u2014- ") + "\u2026"

if chapters != "-":
    rows = [f'    {{"startTime": {ms(0 if n == 0 else a) / 1000:.3f}, '
            f'"title": {json.dumps(title(t), ensure_ascii=False)}}}'
            for n, ((a, _), t) in enumerate(zip(spans, paras))]
    text = '{\n  "version": "1.2.0",\n  "chapters": [\n' + ",\n".join(rows) + "\n  ]\n}\n"
    json.loads(text)
    pathlib.Path(chapters).write_text(text, encoding="utf-8")
PY

mkdir -p recordings
outputs=()     # recordings
timed=()       # "recording<TAB>transcript<TAB>chapters" for the checks in step 4
while IFS=$'\t' read -r id audio transcript chapters title artist album speaker; do
  voice=$(voice_for "$speaker")
  wav="$work/$id.wav"
  for txt in "$work/$id".p[0-9][0-9][0-9].txt; do
    espeak-ng -v "$voice" -s "$SPEED" -f "$txt" -w "${txt%.txt}.wav"
  done
  python3 "$work/join.py" "$work" "$id" "$transcript" "$chapters" "$GAP_SAMPLES"

  tags=(-metadata "title=$title" -metadata "artist=$artist" -metadata "album=$album"
        -metadata "comment=$COMMENT")
  case "$audio" in
    *.opus) codec=(-c:a libopus -b:a 20k -vbr on -application voip -ar 48000 -f opus) ;;
    *.mp3)  codec=(-c:a libmp3lame -b:a 32k -ar 22050 -id3v2_version 3 -f mp3) ;;
    *.flac) codec=(-c:a flac -ar 16000 -sample_fmt s16 -compression_level 12 -f flac) ;;
    *.m4a)  codec=(-c:a aac -b:a 32k -ar 22050 -movflags +faststart -f ipod) ;;
    *) echo "error: $id: unsupported container $audio" >&2; exit 1 ;;
  esac
  "${FF[@]}" -i "$wav" -map 0:a:0 -ac 1 "${BITEXACT[@]}" "${codec[@]}" "${tags[@]}" "$audio"
  outputs+=("$audio")
  timed+=("$audio"$'\t'"$transcript"$'\t'"$chapters")
done < "$work/episodes.tsv"

# --- 3. Cover image ----------------------------------------------------------------------------
IFS=$'\t' read -r _ image < "$work/feed.tsv"
case "$image" in *.png) ;; *) echo "error: [feed].image must be a .png, got $image" >&2; exit 1 ;; esac
mkdir -p "$(dirname "$image")"

BG=0x14213d       # dark navy
ACCENT=0xc8102e   # red
# Two-colour base design: dark background, accent bar across the lower third.
base="drawbox=x=140:y=980:w=1120:h=24:color=${ACCENT}:t=fill"
font=""
if command -v fc-match >/dev/null; then
  font=$(fc-match -f '%{file}' 'DejaVu Sans:bold' 2>/dev/null || true)
fi
[[ -f "$font" ]] || font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

filter="$base"
if [[ -f "$font" ]]; then
  lines=("$work"/title-*.txt)
  n=${#lines[@]}
  size=118; lead=150
  top=$(( 560 - (n * lead) / 2 ))
  for ((i = 0; i < n; i++)); do
    filter+=",drawtext=fontfile=${font}:textfile=$work/title-$i.txt:expansion=none"
    filter+=":fontsize=${size}:fontcolor=white:x=(w-text_w)/2:y=$((top + i * lead))"
  done
fi
cover_cmd=("${FF[@]}" -f lavfi -i "color=c=${BG}:s=1400x1400:r=1" -frames:v 1
           -pix_fmt rgb24 -fflags +bitexact -flags:v +bitexact -map_metadata -1 -f image2 -update 1)
if ! "${cover_cmd[@]}" -vf "$filter" "$image" 2>"$work/cover.log"; then
  echo "warning: drawtext failed ($(head -c 300 "$work/cover.log")); drawing a plain cover" >&2
  "${cover_cmd[@]}" -vf "$base" "$image"
fi

# --- 4. Check and report -----------------------------------------------------------------------
fail=0
probe() { ffprobe -v error -select_streams "$2" -show_entries "$3" -of default=nw=1:nk=1 "$1" | head -n1; }

printf '%-45s %-22s %10s %10s\n' file container size duration
for f in "${outputs[@]}"; do
  bytes=$(stat -c %s "$f")
  fmt=$(ffprobe -v error -show_entries format=format_name -of default=nw=1:nk=1 "$f")
  codec=$(probe "$f" a:0 stream=codec_name)
  channels=$(probe "$f" a:0 stream=channels)
  dur=$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$f")
  fmt=${fmt%%,*}; [[ "$fmt" == mov ]] && fmt=mp4
  case "$f" in
    *.opus) want=ogg/opus ;; *.mp3) want=mp3/mp3 ;; *.flac) want=flac/flac ;; *.m4a) want=mp4/aac ;;
  esac
  printf '%-45s %-22s %10s %9.1fs\n' "$f" "$fmt/$codec" "$bytes" "$dur"
  if [[ "$fmt/$codec" != "$want" ]]; then echo "error: $f: $fmt/$codec, expected $want" >&2; fail=1; fi
  if [[ "$channels" != 1 ]]; then echo "error: $f: $channels channels, expected mono" >&2; fail=1; fi
  if (( bytes >= MAX_AUDIO_BYTES )); then
    echo "error: $f: $bytes bytes, must be under $MAX_AUDIO_BYTES" >&2; fail=1
  fi
done

# Transcripts and chapters: well-formed, times in order, nothing after the recording's end.
for row in "${timed[@]}"; do
  IFS=$'\t' read -r f transcript chapters <<<"$row"
  dur=$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$f")
  python3 - "$dur" "$transcript" "$chapters" <<'PY' || fail=1
import json, os, re, sys

dur, transcript, chapters = float(sys.argv[1]), sys.argv[2], sys.argv[3]
ok = True
def error(message):
    global ok
    print(f"error: {message}", file=sys.stderr)
    ok = False

def seconds(t):
    h, m, s = t.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)

if transcript != "-":
    text = open(transcript, encoding="utf-8").read()
    blocks = text.split("\n\n")
    if blocks[0] != "WEBVTT" or not text.endswith("\n") or "\r" in text:
        error(f"{transcript}: must start with a WEBVTT line and a blank line, LF line ends")
    end = 0.0
    times = r"(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)"
    for block in blocks[1:]:
        timing, _, payload = block.strip("\n").partition("\n")
        m = re.fullmatch(times, timing)
        if not m or not payload.strip() or "-->" in payload:
            error(f"{transcript}: bad cue {block[:60]!r}")
            continue
        a, b = seconds(m[1]), seconds(m[2])
        if not end <= a < b:
            error(f"{transcript}: cue {timing} overlaps or is out of order")
        end = b
    if end > dur:
        error(f"{transcript}: last cue ends at {end:.3f}s, after the recording ({dur:.3f}s)")
    print(f"{transcript:<45} {'webvtt':<22} {os.path.getsize(transcript):>10} {len(blocks) - 1:>6} cues")

if chapters != "-":
    doc = json.load(open(chapters, encoding="utf-8"))
    starts = [c.get("startTime") for c in doc.get("chapters", [])]
    if (doc.get("version") != "1.2.0" or not starts or starts[0] != 0
            or not all(isinstance(t, (int, float)) for t in starts)
            or starts != sorted(set(starts)) or starts[-1] >= dur
            or not all(isinstance(c.get("title"), str) for c in doc["chapters"])):
        error(f"{chapters}: not version 1.2.0 chapters starting at 0, in order, with titles, "
              f"within the recording ({dur:.3f}s)")
    print(f"{chapters:<45} {'json chapters':<22} {os.path.getsize(chapters):>10} {len(starts):>3} chapters")
sys.exit(0 if ok else 1)
PY
done

bytes=$(stat -c %s "$image")
dims=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,pix_fmt -of csv=p=0 "$image")
printf '%-45s %-22s %10s %10s\n' "$image" "png/${dims//,/ }" "$bytes" "-"
if [[ "$dims" != "1400,1400,rgb24" ]]; then echo "error: $image: $dims, expected 1400,1400,rgb24" >&2; fail=1; fi
if (( bytes >= MAX_COVER_BYTES )); then
  echo "error: $image: $bytes bytes, must be under $MAX_COVER_BYTES" >&2; fail=1
fi

exit "$fail"
