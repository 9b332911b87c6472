#!/usr/bin/env bash
# Regenerate the synthetic stand-in recordings and the cover image of the example archive.
#
# The real recordings of feeds/iran-protests-anniversary.toml are not available, so each
# episode gets espeak-ng reading its published `excerpt`, encoded into the container named by
# its `audio` path (.opus, .mp3, .flac or .m4a). The feed's `[feed].image` is drawn with
# ffmpeg. Outputs are mono, low bitrate, each under 1 MB, and byte-for-byte reproducible for a
# given espeak-ng/ffmpeg version.
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
COMMENT="Synthetic stand-in recording (espeak-ng reading the published excerpt)"

for tool in python3 espeak-ng ffmpeg ffprobe; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 1. Read the catalog ---------------------------------------------------------------------
# Writes $work/episodes.tsv (id, audio, title, artist, album, first speaker id), one excerpt text
# file per episode ($work/<id>.txt, typographic punctuation flattened for the synthesizer),
# $work/feed.tsv (title, image) and the cover title's lines ($work/title-<n>.txt).
python3 - "$CATALOG" "$SPEAKERS" "$work" <<'PY'
import pathlib, re, sys, textwrap, tomllib

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
    (work / f"{ep_id}.txt").write_text(speakable(ep["excerpt"]), encoding="utf-8")
    rows.append("\t".join(field(v) for v in (ep_id, audio, ep["title"], artist, album,
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

# --- 2. Synthesize and encode ------------------------------------------------------------------
mkdir -p recordings
outputs=()
while IFS=$'\t' read -r id audio title artist album speaker; do
  voice=$(voice_for "$speaker")
  wav="$work/$id.wav"
  espeak-ng -v "$voice" -s "$SPEED" -f "$work/$id.txt" -w "$wav"

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

bytes=$(stat -c %s "$image")
dims=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,pix_fmt -of csv=p=0 "$image")
printf '%-45s %-22s %10s %10s\n' "$image" "png/${dims//,/ }" "$bytes" "-"
if [[ "$dims" != "1400,1400,rgb24" ]]; then echo "error: $image: $dims, expected 1400,1400,rgb24" >&2; fail=1; fi
if (( bytes >= MAX_COVER_BYTES )); then
  echo "error: $image: $bytes bytes, must be under $MAX_COVER_BYTES" >&2; fail=1
fi

exit "$fail"
