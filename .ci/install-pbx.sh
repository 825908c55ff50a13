#!/usr/bin/env bash
# Build (once) the Debian sid chroot that runs the real Asterisk bench PBX.
# Asterisk is not packaged for Debian 12; sid has Asterisk 22. The chroot lives in a cache
# directory outside the repository so later runs and CI on the same machine reuse it.
#
#   CALLCENTER_PBX_ROOT   chroot directory (default /var/cache/callcenter/pbx-sid)
#   CALLCENTER_PBX_MIRROR Debian mirror (default: the one the host's apt already uses)
set -euo pipefail

ROOT="${CALLCENTER_PBX_ROOT:-/var/cache/callcenter/pbx-sid}"
MARKER="$ROOT/.callcenter-pbx-ready"
APT_OPTS=(-o Acquire::Check-Valid-Until=false -o Acquire::Retries=3)
# Queue callers hear music on hold; without the files every Queue() logs a warning.
PACKAGES=(asterisk asterisk-modules asterisk-moh-opsound-gsm)

log() { printf 'install-pbx: %s\n' "$*" >&2; }

host_mirror() {
    local uri=""
    if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
        uri="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list.d/debian.sources)"
    fi
    if [[ -z "$uri" && -r /etc/apt/sources.list ]]; then
        uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:.*\/debian\/?$/) { print $i; exit } }' \
            /etc/apt/sources.list)"
    fi
    printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

if [[ -f "$MARKER" && -x "$ROOT/usr/sbin/asterisk" ]] \
    && grep -qxF "packages ${PACKAGES[*]}" "$MARKER"; then
    log "cached: $ROOT ($(head -n1 "$MARKER"))"
    exit 0
fi

if [[ $EUID -ne 0 ]]; then
    log "must run as root (debootstrap and chroot)"
    exit 1
fi

if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

MIRROR="${CALLCENTER_PBX_MIRROR:-$(host_mirror)}"

# Functions below run in an `if` context where `set -e` does not apply: every step checks.
bootstrap() {
    log "debootstrap sid into $ROOT from $MIRROR"
    mkdir -p "$(dirname "$ROOT")" || return 1
    debootstrap --variant=minbase sid "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 || {
        tail -n 20 "$ROOT.debootstrap.log" >&2
        return 1
    }
}

install_asterisk() {
    log "installing ${PACKAGES[*]} in the chroot"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
    {
        chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update &&
            chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive \
                apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${PACKAGES[@]}" &&
            chroot "$ROOT" apt-get clean
    } >"$ROOT.apt.log" 2>&1 || {
        tail -n 20 "$ROOT.apt.log" >&2
        return 1
    }
}

build() {
    # debootstrap removes its /debootstrap work dir only when it completed.
    if [[ -d "$ROOT/debootstrap" || ! -x "$ROOT/usr/bin/apt-get" || ! -f "$ROOT/etc/debian_version" ]]; then
        rm -rf "$ROOT"
        bootstrap || return 1
    fi
    install_asterisk || return 1
    [[ -x "$ROOT/usr/sbin/asterisk" ]]
}

if ! build; then
    log "first attempt failed (logs: $ROOT.debootstrap.log, $ROOT.apt.log); retrying from scratch"
    rm -rf "$ROOT"
    build
fi

version="$(chroot "$ROOT" dpkg-query -W -f='${Version}' asterisk)"
printf 'asterisk %s built %s\npackages %s\n' "$version" "$(date -u +%FT%TZ)" "${PACKAGES[*]}" \
    >"$MARKER"
log "ready: asterisk $version in $ROOT"
