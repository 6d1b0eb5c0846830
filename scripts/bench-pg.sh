#!/bin/sh
# Runs the benchmark on a throw-away PostgreSQL server:
#
#   sh scripts/bench-pg.sh [CSVC-BENCH-ARGUMENTS...]
#
# starts a server in a new temporary directory (tests/pg/pg-server.sh:
# a Unix socket there, no TCP; fsync and synchronous_commit off, as for
# the tests; shared_buffers 1 GB, see below), runs csvc-bench --db with
# its connection string and the
# arguments given (--scale, --dir, sections), then stops the server and
# removes the directory, whatever the benchmark returned. The exit status
# is csvc-bench's. CSVC_BENCH names the csvc-bench program (default: the
# first of build-rel/, build/ and build-test/ that has one).
set -u
cd "$(dirname "$0")/.."
bench=${CSVC_BENCH:-}
if [ -z "$bench" ]; then
	for b in build-rel build build-test; do
		if [ -x "$b/tests/bench/csvc-bench" ]; then
			bench=$b/tests/bench/csvc-bench
			break
		fi
	done
fi
if [ -z "$bench" ] || [ ! -x "$bench" ]; then
	echo "bench-pg.sh: no csvc-bench built (meson setup build-rel -Dbuildtype=release -Dtests=enabled;" \
		"ninja -C build-rel tests/bench/csvc-bench), or set CSVC_BENCH" >&2
	exit 2
fi
# Under /tmp, which every user may search: the server's user must reach it.
dir=$(mktemp -d /tmp/csvc-bench-pg.XXXXXX) || exit 1
cleanup() {
	sh tests/pg/pg-server.sh stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A hub's server is given memory for the rows it serves: PostgreSQL's
# default shared_buffers (128 MB) holds a tenth of the reports section's
# 1,000,000 tickets, and each page beyond it is copied in from the
# kernel's cache on every read. PG_SERVER_OPTIONS replaces the setting
# ("" for the server's defaults).
PG_SERVER_OPTIONS=${PG_SERVER_OPTIONS-"-c shared_buffers=1GB"}
export PG_SERVER_OPTIONS
conninfo=$(sh tests/pg/pg-server.sh start "$dir") || {
	echo "bench-pg.sh: the PostgreSQL server did not start" >&2
	exit 1
}
echo "# bench-pg.sh: server at $conninfo"
status=0
"$bench" --db "$conninfo" "$@" || status=$?
exit $status
