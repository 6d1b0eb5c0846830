#!/bin/sh
# Quick start, part 1: install what is missing, build, and run the demo on
# an embedded SQLite file (./csvc-demo.db).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
./build/examples/csvc-demo csvc-demo.db
