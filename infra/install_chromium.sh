#!/bin/sh
# Installs Debian's chromium for the headless-browser tests (tests/heatmap, tests/explorer).
# Idempotent: does nothing when /usr/bin/chromium exists. Never fails the build: without root
# or apt-get it says what to run, and the browser test skips until chromium is there.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium is installed at $CHROMIUM"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and this is not a Debian-like system: install chromium with your" \
        "package manager so that $CHROMIUM exists; the heat map browser test skips until then" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing; install it as root:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
    echo "(or: sudo $0); the heat map browser test skips until then" >&2
    exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
echo "chromium is installed at $CHROMIUM"
