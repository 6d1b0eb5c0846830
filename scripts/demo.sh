#!/bin/sh
# Quick start, part 1: install what is missing, build, and run `csvc demo`
# (a scripted day in a two-store mall) on an embedded SQLite file
# (./csvc-demo.db), which the other csvc commands can then explore.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
./build/examples/cli/csvc demo csvc-demo.db
