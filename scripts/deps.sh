#!/bin/sh
# Installs the Debian 12 packages that building and testing libcsvc need,
# when they are missing. Run as root (or with sudo available).
set -eu
pkgs="gcc g++ clang meson ninja-build pkg-config libsqlite3-dev uuid-dev libcmocka-dev tzdata valgrind binutils python3 python3-dev libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
