#!/usr/bin/env bash
# Installs the podcast clients the tests parse our feeds with: gPodder's podcastparser and
# feedparser (PyPI, into tests/clients/.venv) and Podcast Index's podcast-partytime (npm, into
# tests/clients/node_modules), and playwright-core, which drives Debian's chromium in the
# browser test. Idempotent; needs python3 (with venv), npm, xmllint and chromium.
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
