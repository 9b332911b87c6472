#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine, then the podcast clients they parse our
# feeds with. Idempotent: what is there already is left alone.
#
# 1. Debian packages, with apt-get (as root, or through sudo): xmllint (libxml2-utils) checks
#    the generated feeds, chromium runs the browser test, ffmpeg makes test audio, python3
#    with venv and npm install the clients, procps and util-linux give `kill` and `unshare`,
#    and a C compiler builds Garage and LAME.
# 2. gPodder's podcastparser and feedparser (PyPI, into tests/clients/.venv), and Podcast
#    Index's podcast-partytime, rss-parser and feedsmith (npm, pinned in package-lock.json,
#    into tests/clients/node_modules), and playwright-core, which drives Debian's chromium in
#    the browser test, and axe-core, which checks the pages' accessibility there. (feed-rs and
#    the rss crate, the other two clients, are dev-dependencies.) Also mutagen (PyPI), a peer of
#    the rendition tests.
# 3. Garage, the S3-compatible store the publish tests upload to, built from crates.io into
#    tests/clients/.garage (about 20 minutes on two cores, once).
set -euo pipefail
cd "$(dirname "$0")"

packages=()
command -v xmllint >/dev/null 2>&1 || packages+=(libxml2-utils)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || packages+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || packages+=(ffmpeg)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
command -v npm >/dev/null 2>&1 || packages+=(npm)
[ -x /usr/bin/kill ] || [ -x /bin/kill ] || packages+=(procps)
command -v unshare >/dev/null 2>&1 || packages+=(util-linux)
command -v cc >/dev/null 2>&1 || packages+=(build-essential)
if [ ${#packages[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: missing ${packages[*]} (Debian's names) and apt-get is not here; install them" >&2
        exit 1
    fi
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "setup: missing ${packages[*]}; run this as root, or install sudo" >&2
            exit 1
        fi
        as_root=(sudo)
    fi
    echo "setup: installing ${packages[*]} with apt-get" >&2
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
npm ci --silent --no-audit --no-fund
# Garage 2.5.0: skipped when GARAGE names a binary or the right version is already on PATH.
garage_version=2.5.0
if [ -z "${GARAGE:-}" ] && [ ! -x .garage/bin/garage ] \
    && ! garage --version 2>/dev/null | grep -qF "$garage_version"; then
    echo "setup: building garage $garage_version into tests/clients/.garage (once; about 20 minutes)" >&2
    cargo install garage --version "$garage_version" --locked --quiet --root .garage \
        --no-default-features --features bundled-libs,sqlite
fi
