#!/usr/bin/env bash
# Installs everything the service and its tests need on a fresh Debian 12 machine (as root):
# Debian packages, the bench PBX chroot (Asterisk 22 from Debian sid, cached outside the repo),
# and the Python virtual environment with the project in editable mode. Idempotent: a second
# run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# chromium (Debian's own build) and CJK fonts: the agent page's browser tests (never a
# browser downloaded by Playwright).
DEBS=(debootstrap postgresql-client redis-tools chromium fonts-noto-cjk)
missing=()
for pkg in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash .ci/install-pbx.sh

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml requirements-dev.lock | sha256sum | cut -c1-16)
if [[ ! -f "$stamp" ]]; then
    log "installing Python packages from requirements-dev.lock"
    .venv/bin/pip install -q --upgrade pip
    # Exact versions with hashes (runtime, tests and tools), so a fresh machine type-checks
    # and tests what was committed; the project itself then goes in without its dependencies.
    # The lock brings Playwright's Python package only: the browser tests drive Debian's
    # /usr/bin/chromium; `playwright install` (which downloads browsers) is never run.
    .venv/bin/pip install -q --require-hashes -r requirements-dev.lock
    .venv/bin/pip install -q --no-deps -e .
    rm -f .venv/.installed-* && touch "$stamp"
fi
# Front-end libraries the pages use (Swagger UI for /api/docs), from the npm registry through
# the committed lock, served by the service itself: nothing is loaded from a CDN.
# --ignore-scripts: no package's install hook runs (one would send telemetry).
if ! command -v npm >/dev/null; then
    log "installing Debian packages: nodejs npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm_stamp=agent_ui/node_modules/.installed-$(sha256sum agent_ui/package-lock.json | cut -c1-16)
if [[ ! -f "$npm_stamp" ]]; then
    log "installing front-end packages from agent_ui/package-lock.json"
    npm ci --prefix agent_ui --ignore-scripts --no-audit --no-fund >/dev/null
    touch "$npm_stamp"
fi
# `callcenter` on the PATH, as the README uses it (the newest setup's checkout wins).
if [[ -w /usr/local/bin ]]; then
    ln -sfn "$PWD/.venv/bin/callcenter" /usr/local/bin/callcenter
fi
log "ready"
