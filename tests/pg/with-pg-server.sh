#!/bin/sh
# Runs a test program against a PostgreSQL server of its own:
#
#   with-pg-server.sh PROGRAM [ARGS...]
#
# starts a server in a new temporary directory (tests/pg/pg-server.sh),
# runs PROGRAM with CSVC_PG_CONNINFO and CSVC_TEST_PG set to its
# connection string (the driver's test reads the first, the unit suites'
# store helpers in tests/csvc-test.h the second), and CSVC_TEST_PG_RESTART
# set to a command that restarts the server (for tests of a server that
# goes away between calls), then
# stops the server and removes the directory, whatever PROGRAM returned
# (also when the test is interrupted). CSVC_TEST_EXEC_WRAPPER, when set,
# is put before PROGRAM (meson's valgrind setup sets it, so that memcheck
# runs the test program and not only this script). The exit status is
# PROGRAM's.
set -u
# Under meson's valgrind setup this script itself runs under memcheck,
# which reports the shell's own leaks: it starts again in a fresh shell
# (valgrind does not follow exec), and memcheck runs the test program
# through CSVC_TEST_EXEC_WRAPPER instead.
if [ -z "${CSVC_PG_WRAPPED:-}" ]; then
	CSVC_PG_WRAPPED=1 exec sh "$0" "$@"
fi
unset CSVC_PG_WRAPPED
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARGS...]" >&2; exit 2; }

# The server is not under test: it starts and stops without the
# LD_PRELOAD that runs the test program under a sanitizer (.ci/run runs the
# Python suite so; initdb and runuser hang with ASan's runtime preloaded).
server() {
	env -u LD_PRELOAD sh "$here/pg-server.sh" "$@"
}
# Under /tmp, which every user may search: the server's user must reach it.
dir=$(mktemp -d /tmp/csvc-pg.XXXXXX) || exit 1
cleanup() {
	server stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

conninfo=$(server start "$dir") || {
	echo "with-pg-server.sh: the PostgreSQL server did not start" >&2
	exit 1
}
echo "with-pg-server.sh: server at $conninfo"
status=0
# shellcheck disable=SC2086
CSVC_PG_CONNINFO=$conninfo CSVC_TEST_PG=$conninfo CSVC_TEST_PG_RESTART="sh '$here/pg-server.sh' restart '$dir'" \
	${CSVC_TEST_EXEC_WRAPPER:-} "$@" || status=$?
exit $status
