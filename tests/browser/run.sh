#!/bin/sh
# The dashboard in a real browser: installs Debian's chromium and a CJK
# font when missing (needs root and the Debian archive), builds build-test
# if needed, then runs dashboard-test.py, which keeps the pages and the
# screenshots (390 px and 1366 px wide) in build-test/browser/.
#   sh tests/browser/run.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build-test}
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
# Chinese text needs a CJK font; the page names common system ones.
fc-list :lang=zh 2>/dev/null | grep -q . || need="$need fonts-wqy-microhei"
if [ -n "$need" ]; then
	echo "installing:$need"
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 apt-get update -qq
	timeout 900 apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
[ -f "$build/build.ninja" ] || meson setup "$build" -Dwerror=true -Dtests=enabled -Dpython=enabled
ninja -C "$build" examples/cli/csvc >/dev/null
timeout 600 python3 tests/browser/dashboard-test.py --csvc "$build/examples/cli/csvc" --out "$build/browser"
