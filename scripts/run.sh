#!/usr/bin/env bash
# One command on a fresh machine: install, start the bench PBX (a real Asterisk 22),
# migrate the embedded SQLite database and serve on http://127.0.0.1:8080 (/health).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/callcenter pbx up
exec .venv/bin/callcenter serve
