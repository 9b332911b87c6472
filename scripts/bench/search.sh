#!/usr/bin/env bash
# scripts/bench/search.sh: the search index at scale (issue 18). Makes the 10,000-episode
# archive of scripts/bench.sh (line 4), gives every episode a synthetic transcript
# (scripts/bench/transcripts.py: 5 to 25 minutes of Zipf-distributed words), syncs it, and
# measures: the CPU time of `archive build` with every output deleted (3 runs), the size of
# the index (gzip -9: what a first search loads, and all of it) against the information
# bound of its postings (scripts/bench/bound.py), and query times in headless Chromium from
# file:// (scripts/bench/query.js). Timings are printed, never asserted.
# Usage: scripts/bench/search.sh   (needs the release build, ffmpeg, python3, node, chromium)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$REPO/target/bench/search
BIN=$REPO/target/release/archive
(cd "$REPO" && cargo build --release --quiet)
mkdir -p "$OUT"
python3 - "$REPO/scripts/bench" "$OUT" <<'PY'
import shutil, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import gen_data
out = Path(sys.argv[2])
if not (out / "data" / "rec").exists():
    gen_data.make_rec(out / "data")
arch = out / "archive"
recs = sorted(p.name for p in (out / "data" / "rec").iterdir())
gen_data.write_archive(arch, "Ten thousand speeches",
    [f"recordings/{recs[i % len(recs)]}" for i in range(gen_data.BUILD_EPISODES)],
    speakers=10, events=100, excerpt_words=70)
shutil.copytree(out / "data" / "rec", arch / "recordings")
PY
python3 "$REPO/scripts/bench/transcripts.py" "$OUT/archive"
A=$OUT/archive
eatmydata "$BIN" --root "$A" -q sync 2>/dev/null || "$BIN" --root "$A" -q sync
for run in 1 2 3; do
    rm -rf "$A/feeds/speakers" "$A/feeds/search" "$A/feeds/bench" "$A/feeds/search.js" "$A"/feeds/*.xml "$A"/feeds/*.html
    /usr/bin/time -f "build: user %U s, system %S s, wall %e s, peak RSS %M kB" "$BIN" --root "$A" -q build
done
gz() { gzip -9c "$@" | wc -c; }
echo "transcripts: $(cat "$A"/transcripts/*.vtt | wc -w) words, $(du -sh "$A/transcripts" | cut -f1)"
index=$(gz "$A/feeds/search/index.js")
chunks=$(cat "$A"/feeds/search/terms-*.js | gzip -9c | wc -c)
echo "index.js: $index B gzip"
echo "all term chunks: $chunks B gzip ($(ls "$A"/feeds/search/terms-*.js | wc -l) files)"
echo "largest chunk: $(for f in "$A"/feeds/search/terms-*.js; do gz "$f"; done | sort -n | tail -1) B gzip"
echo "index in all: $((index + chunks)) B gzip"
# What the chunks hold: the posting lists' bits, and the front-coded terms (gzip -9).
python3 - "$A/feeds/search" <<'PY'
import base64, glob, gzip, json, sys
bits, terms = b"", ""
for path in glob.glob(sys.argv[1] + "/terms-*.js"):
    text = open(path, encoding="utf-8").read()
    chunk = json.loads(text[len("archiveSearchData("):-len(");\n")])
    bits += base64.b64decode(chunk["b"])
    terms += chunk["t"] + "\n"
print(f"posting lists: {len(bits)} B of bits; terms: {len(gzip.compress(terms.encode(), 9))} B gzip")
PY
python3 "$REPO/scripts/bench/bound.py" "$A"
echo "passages files: $(ls "$A"/feeds/search/bench/*.js | wc -l), median $(wc -c "$A"/feeds/search/bench/*.js | sort -n | awk '{a[NR]=$1} END {print a[int(NR/2)]}') B"
echo "search.js: $(wc -c < "$A/feeds/search.js") B"
# Queries: a word of every transcript, a common one, a rare one, two words, a prefix.
words=$(sed -n '4p' "$A/transcripts/ep-00000.vtt")
set -- $words
node "$REPO/scripts/bench/query.js" "$A" "$1" "$2 $3" "$4" "${5:0:3}" "Speech 5000"
