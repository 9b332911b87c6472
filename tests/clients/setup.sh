#!/usr/bin/env bash
# Installs the podcast clients the tests parse our feeds with: gPodder's podcastparser and
# feedparser (PyPI, into tests/clients/.venv), and Podcast Index's podcast-partytime,
# rss-parser and feedsmith (npm, pinned in package-lock.json, into tests/clients/node_modules),
# playwright-core, which drives Debian's chromium in the browser test, and axe-core, which checks
# the pages' accessibility there. (feed-rs and the rss
# crate, the other two clients, are dev-dependencies.) It also builds Garage, the S3-compatible store the publish tests upload to,
# into tests/clients/.garage (from crates.io; about 20 minutes on two cores, once). Idempotent;
# needs python3 (with venv), npm, cargo, xmllint and chromium.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
npm ci --silent --no-audit --no-fund
if ! command -v xmllint >/dev/null 2>&1; then
    echo "setup: xmllint is missing; install it (Debian: apt-get install libxml2-utils)" >&2
    exit 1
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "setup: chromium is missing; install it (Debian: apt-get install chromium)" >&2
    exit 1
fi
# Garage 2.5.0: skipped when GARAGE names a binary or the right version is already on PATH.
garage_version=2.5.0
if [ -z "${GARAGE:-}" ] && [ ! -x .garage/bin/garage ] \
    && ! garage --version 2>/dev/null | grep -qF "$garage_version"; then
    echo "setup: building garage $garage_version into tests/clients/.garage (once; about 20 minutes)" >&2
    cargo install garage --version "$garage_version" --locked --quiet --root .garage \
        --no-default-features --features bundled-libs,sqlite
fi
