#!/bin/sh
# A throw-away PostgreSQL server for the tests.
#
#   pg-server.sh start DIR   creates a cluster in DIR (which must exist and
#                            be empty), starts it listening only on a Unix
#                            socket in DIR (no TCP, trust authentication)
#                            and prints its libpq connection string
#   pg-server.sh stop DIR    stops that server (nothing if none runs)
#   pg-server.sh restart DIR stops that server (fast: its clients'
#                            connections are closed) and starts it again,
#                            on the same socket
#
# The server runs as the calling user, or, when that is root (CI runs as
# root; PostgreSQL refuses to), as the system user "postgres" that
# Debian's postgresql package creates, or else as a system user
# "csvc-pg" made here with useradd. PG_SERVER_OPTIONS adds server
# settings to those of start and restart (e.g. "-c shared_buffers=1GB").
# PG_BINDIR overrides where initdb and
# pg_ctl are looked for (default /usr/lib/postgresql/15/bin, then the
# newest /usr/lib/postgresql/*/bin, then PATH).
set -eu

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		bindir=/usr/lib/postgresql/15/bin
	else
		bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
		if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
			bindir=$(dirname "$(command -v initdb)")
		fi
	fi
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
	echo "pg-server.sh: no PostgreSQL server found (initdb, pg_ctl); sh scripts/deps.sh installs it" >&2
	exit 1
fi

# Runs a command as the server's user.
as_server() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	else
		runuser -u "$server_user" -- "$@"
	fi
}

server_user=""
if [ "$(id -u)" -eq 0 ]; then
	if id -u postgres >/dev/null 2>&1; then
		server_user=postgres
	else
		if ! id -u csvc-pg >/dev/null 2>&1; then
			useradd --system --no-create-home --shell /usr/sbin/nologin csvc-pg
		fi
		server_user=csvc-pg
	fi
fi

case $cmd in
start)
	[ -d "$dir" ] || { echo "pg-server.sh: no directory $dir" >&2; exit 1; }
	dir=$(cd "$dir" && pwd)
	if [ -n "$server_user" ]; then
		chown "$server_user" "$dir"
		# The server's user must reach DIR through its parents.
		d=$dir
		while [ "$d" != / ]; do
			d=$(dirname "$d")
			runuser -u "$server_user" -- test -x "$d" || {
				echo "pg-server.sh: $server_user cannot reach $dir (no search permission on $d)" >&2
				exit 1
			}
		done
	fi
	chmod 700 "$dir"
	# The port only names the socket (.s.PGSQL.<port> in DIR): any free
	# number will do, and a random one keeps parallel servers apart.
	port=$(( ($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000) + 20000 ))
	while [ -e "$dir/.s.PGSQL.$port" ]; do
		port=$((port + 1))
	done
	as_server "$bindir/initdb" -D "$dir/data" -U csvc -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
		>"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_SERVER_OPTIONS:-}" \
		start >"$dir/pg_ctl.log" 2>&1 || {
		cat "$dir/pg_ctl.log" "$dir/server.log" >&2
		exit 1
	}
	echo "$port" >"$dir/port"
	echo "host=$dir port=$port user=csvc dbname=postgres"
	;;
restart)
	as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart \
		>"$dir/pg_ctl.log" 2>&1 || {
		cat "$dir/pg_ctl.log" "$dir/server.log" >&2
		exit 1
	}
	;;
stop)
	[ -f "$dir/data/postmaster.pid" ] || exit 0
	as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
	;;
*)
	usage
	;;
esac
