#!/bin/bash
# The browser suite: real Chromium and Firefox ESR call a real Apache with
# mod_cors through fetch() (tests/browser/README.md).  Prints pytest's
# summary line; exits non-zero when a test fails.  With CI set (CI=true) a
# browser that cannot start is a failure; without it, its tests are skipped.
#
#   tests/browser/run.sh [pytest args...]     e.g. -k firefox, -x, -v
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
if [ ! -f .libs/mod_cors.so ] && [ -z "${MOD_CORS_SO:-}" ]; then
    echo "browser: .libs/mod_cors.so not built: run 'make build'" >&2
    exit 1
fi
# Debian's pytest, selenium and websocket, not a pyenv/venv python.
exec /usr/bin/python3 -m pytest tests/browser -q -p no:cacheprovider "$@"
