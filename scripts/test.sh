#!/bin/sh
# Quick start, part 2: install what is missing, build with warnings as
# errors, and run every test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -f build-test/build.ninja ] || meson setup build-test -Dwerror=true -Dtests=enabled -Dpython=enabled
ninja -C build-test
meson test -C build-test --print-errorlogs "$@"
