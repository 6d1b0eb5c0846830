#!/bin/sh
# Installs the Debian 12 packages that building and testing libcsvc need,
# when they are missing, and generates the de_DE.UTF-8 locale (a decimal
# comma: the report test checks that JSON numbers do not follow the host's
# LC_NUMERIC). mypy gives the Python suite's stubtest check.
# doxygen builds the reference manual (ninja -C build-test manual) and runs
# the manual test, which fails on any Doxygen warning. libpq-dev builds the
# PostgreSQL driver; postgresql is the server that the driver's test
# starts in a temporary directory of its own (tests/pg/pg-server.sh).
# Run as root (or with sudo available).
set -eu
pkgs="gcc g++ clang meson ninja-build pkg-config libsqlite3-dev uuid-dev libcmocka-dev tzdata valgrind binutils python3 python3-dev mypy libclang-rt-14-dev locales doxygen libpq-dev postgresql"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
	$SUDO localedef -i de_DE -c -f UTF-8 -A /usr/share/locale/locale.alias de_DE.UTF-8
fi
