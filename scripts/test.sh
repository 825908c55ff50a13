#!/usr/bin/env bash
# The whole test suite: unit, integration (real PostgreSQL and Redis) and end-to-end (the real
# bench PBX). Extra arguments go to pytest, e.g. `bash scripts/test.sh -m unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
exec .venv/bin/pytest "$@"
