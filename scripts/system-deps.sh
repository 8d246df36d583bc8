#!/usr/bin/env bash
# The Debian/Ubuntu packages famdesk needs outside its virtual environment.
#
#   scripts/system-deps.sh run    Qt's libraries (+ the X11/xcb ones when a display is used)
#   scripts/system-deps.sh test   Qt's libraries for the offscreen platform
#   scripts/system-deps.sh ci     as test, plus PostgreSQL (throwaway test cluster) and poppler-utils
#
# Missing packages are installed when running as root; otherwise the one `sudo apt-get install`
# line to run is printed and the script fails. On a system without dpkg it only prints a note.
set -euo pipefail

usage() {
    echo "usage: $0 run|test|ci" >&2
    exit 2
}

[ $# -eq 1 ] || usage
mode=$1

qt_packages=(libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core)
xcb_packages=(
    libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
    libxcb-shape0 libxkbcommon-x11-0 libxcb-randr0 libxcb-xfixes0 libxcb-sync1 libxcb-xkb1
    libx11-xcb1
)
ci_packages=(postgresql poppler-utils)

# Qt reaches the X server through its xcb plugin: the app's default platform, and what a
# DISPLAY (a desktop session, xvfb-run) is used through.
needs_xcb() {
    [ -n "${DISPLAY:-}" ] && return 0
    case "${QT_QPA_PLATFORM:-}" in
        "" | xcb*) return 0 ;;
        *) return 1 ;;
    esac
}

wanted=()
case "$mode" in
    run)
        wanted=("${qt_packages[@]}")
        if needs_xcb; then
            wanted+=("${xcb_packages[@]}")
        fi
        ;;
    test) wanted=("${qt_packages[@]}") ;;
    ci) wanted=("${qt_packages[@]}" "${ci_packages[@]}") ;;
    *) usage ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: not a Debian-like system; make sure Qt 6's runtime libraries" \
        "(GL, EGL, fontconfig, xkbcommon, D-Bus, xcb) are installed." >&2
    exit 0
fi

# Installed under its name or, since the 64-bit time_t transition, under <name>t64.
is_installed() {
    local name
    for name in "$1" "${1}t64"; do
        if dpkg-query -W -f='${db:Status-Status}\n' "$name" 2>/dev/null | grep -qx installed; then
            return 0
        fi
    done
    return 1
}

missing=()
for package in "${wanted[@]}"; do
    is_installed "$package" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "system-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
    exit 0
fi

echo "famdesk needs these system packages ($mode): ${missing[*]}" >&2
echo "Install them with:" >&2
echo "sudo apt-get install -y ${missing[*]}"
exit 1
