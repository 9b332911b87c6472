#!/usr/bin/env bash
# scripts/bench/search.sh: the search index at scale (issue 18). Makes the 10,000-episode
# archive of scripts/bench.sh (line 4), gives every episode a synthetic transcript
# (scripts/bench/transcripts.py: 5 to 25 minutes of Zipf-distributed words), syncs it, and
# measures: the CPU time of `archive build` with every output deleted (3 runs), the size of
# the index (gzip -9: what a first search loads, and all of it), and query times in headless
# Chromium from file:// (scripts/bench/query.js). Timings are printed, never asserted.
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
echo "index.js: $(gz "$A/feeds/search/index.js") B gzip"
echo "all term chunks: $(cat "$A"/feeds/search/terms-*.js | gzip -9c | wc -c) B gzip ($(ls "$A"/feeds/search/terms-*.js | wc -l) files)"
echo "largest chunk: $(for f in "$A"/feeds/search/terms-*.js; do gz "$f"; done | sort -n | tail -1) B gzip"
echo "search.js: $(wc -c < "$A/feeds/search.js") B"
# Queries: a word of every transcript, a common one, a rare one, two words, a prefix.
words=$(sed -n '4p' "$A/transcripts/ep-00000.vtt")
set -- $words
node "$REPO/scripts/bench/query.js" "$A" "$1" "$2 $3" "$4" "${5:0:3}" "Speech 5000"
