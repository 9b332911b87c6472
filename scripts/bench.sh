#!/usr/bin/env bash
# scripts/bench.sh: the performance benchmark of issue 7. It measures `archive` side by side
# with the tools users would otherwise pick, in one run, on the same synthetic data:
#   1. probe of 500 files vs ffprobe (one process per file), mutagen and tinytag
#   2. sync of 200 × 2 MB from a loopback nginx vs curl --parallel-max 4 and aria2c -j4
#   3. no-op re-sync of 1,000 unchanged http episodes (every answer a 304) vs curl
#   4. archive build of a 10,000-episode archive vs python-feedgen: full build into a fresh
#      copy of the inputs, its peak RSS, the no-op build and the build after one change
#   5. peak RSS of a sync of one ~1 GB recording (vs curl)
#   6. renditions of 20 × 10 min speech to -19 LUFS MP3 vs ffmpeg two-pass loudnorm
#      (scripts/bench/rendition.py; needs espeak-ng to make the speech)
# and prints a Markdown table of medians and ratios, also written to target/bench/results.md.
#
# It installs its peers when they are missing (Debian packages with apt-get as root, Python
# packages into a venv under target/bench/venv), says which it could not install, and runs
# every line it can. It builds the release binary first (`cargo build --release`), makes its
# data under target/bench/ (audio is kept between runs while its generator is unchanged),
# starts nginx on a free loopback port and stops it on exit.
#
# Usage: scripts/bench.sh
#   BENCH_RUNS=N          runs per line (default 5; slow lines stop earlier, see run.py)
#   BENCH_FFPROBE_RUNS=N  passes of ffprobe over the 500 files (default 1: ~1 min a pass)
#   BENCH_ONLY=1,4        only these lines
set -euo pipefail

START=$(date +%s.%N)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$REPO/target/bench
mkdir -p "$BENCH/logs"
export PATH=$PATH:/usr/sbin:/sbin
log() { echo "bench: $*" >&2; }

NGINX_PID=
cleanup() {
    if [[ -n $NGINX_PID ]] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- peers
missing=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v curl >/dev/null || missing+=(curl)
command -v nginx >/dev/null || missing+=(nginx)
command -v aria2c >/dev/null || missing+=(aria2)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v eatmydata >/dev/null || missing+=(eatmydata)  # untimed setup syncs only
command -v espeak-ng >/dev/null || missing+=(espeak-ng)  # the speech of line 6
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        log "installing ${missing[*]} with apt-get (log: target/bench/logs/install.log)"
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
                >>"$BENCH/logs/install.log" 2>&1; then
            log "WARNING: apt-get could not install ${missing[*]}; lines that need them are skipped"
        fi
    else
        log "WARNING: cannot install ${missing[*]} (needs root and apt-get); lines that need them are skipped"
    fi
fi
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
command -v ffmpeg >/dev/null || { log "ffmpeg is required to make the data"; exit 1; }

VENV=$BENCH/venv
PY_PEERS=(mutagen==1.48.1 tinytag==2.3.2 feedgen==1.0.0)
if ! "$VENV/bin/python" -c 'import mutagen, tinytag, feedgen' 2>/dev/null; then
    log "installing ${PY_PEERS[*]} into target/bench/venv"
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check \
            "${PY_PEERS[@]}"; } >>"$BENCH/logs/install.log" 2>&1; then
        log "WARNING: pip could not install ${PY_PEERS[*]}; the Python peers are skipped"
        rm -rf "$VENV"
    fi
fi

# ---------------------------------------------------------------- build
log "cargo build --release"
BUILD_START=$(date +%s.%N)
(cd "$REPO" && cargo build --release --quiet)
BUILD_SECONDS=$(python3 -c "import time; print(round(time.time() - $BUILD_START, 1))")
ARCHIVE=${CARGO_TARGET_DIR:-$REPO/target}/release/archive
log "built $ARCHIVE in ${BUILD_SECONDS%.*} s"

# ---------------------------------------------------------------- data and server
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "making the data under target/bench/ (audio is reused while unchanged)"
python3 "$REPO/scripts/bench/gen_data.py" "$BENCH" "$PORT"

SERVER=down
if command -v nginx >/dev/null; then
    mkdir -p "$BENCH/nginx/tmp"
    : >"$BENCH/nginx/access.log"
    user=""
    [[ $(id -u) == 0 ]] && user="user root root;"
    sed -e "s|@PREFIX@|$BENCH/nginx|g" -e "s|@ROOT@|$BENCH/data/www|g" \
        -e "s|@PORT@|$PORT|g" -e "s|@USER@|$user|g" \
        "$REPO/scripts/bench/nginx.conf.in" >"$BENCH/nginx/nginx.conf"
    nginx -p "$BENCH/nginx" -c "$BENCH/nginx/nginx.conf" &
    NGINX_PID=$!
    for _ in $(seq 50); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/noop/e0000.mp3" 2>/dev/null; then
            SERVER=up
            break
        fi
        sleep 0.1
    done
    [[ $SERVER == up ]] || log "WARNING: nginx did not answer on 127.0.0.1:$PORT (see target/bench/nginx/error.log)"
    : >"$BENCH/nginx/access.log"
else
    log "WARNING: no nginx: the sync, no-op and memory lines are skipped"
fi

# ---------------------------------------------------------------- measure
BENCH_SERVER=$SERVER python3 "$REPO/scripts/bench/run.py" "$BENCH" "$ARCHIVE" "$PORT" \
    "$START" "$BUILD_SECONDS"
log "table written to target/bench/results.md"
