#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never
# downloads a browser of its own). Does nothing when Chromium is already installed; installs
# it with apt-get when run as root on Debian; otherwise says how, and the browser tests skip.
set -u
CHROMIUM="${COPYDESK_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium and chromium-driver for the browser tests (once)..."
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; then
        exit 0
    fi
    echo "warning: apt-get could not install chromium; the browser tests will be skipped" >&2
    exit 0
fi
echo "note: $CHROMIUM not found; install it with 'sudo apt-get install chromium chromium-driver'" \
     "(or set COPYDESK_CHROMIUM); the browser tests will be skipped" >&2
exit 0
