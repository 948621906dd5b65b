#!/bin/sh
# tests/pg-server.sh - a throwaway PostgreSQL server for the test suites.
#
#   pg-server.sh start DIR     initdb DIR/data, start a server on 127.0.0.1 and a
#                              free port, write its URL to DIR/url and print it
#   pg-server.sh url DIR       print the URL of the server started in DIR
#   pg-server.sh restart DIR   stop the server and start it again on the same port
#                              (the fault tests: a server restarted under a live pool)
#   pg-server.sh stop DIR      stop it; safe to call twice, or when nothing started
#
# The server is ours alone: its own data directory, TCP on the loopback address
# only, its Unix socket in DIR, a port picked at random in 20000-59999 (never
# 5432), fsync off. No system service or cluster is touched. Run as root, every
# server command runs as an unprivileged user (postgres when it exists, else
# nobody), who is given DIR.
#
# Exit status: 0; 77 when no PostgreSQL server binaries are installed (the
# automake SKIP status); 1 on any other failure, with the server log's tail.
set -u

me=pg-server.sh
cmd=${1:-}
dir=${2:-}

usage() {
	echo "usage: $me start|stop|restart|url DIR" >&2
	exit 2
}
die() {
	echo "$me: $*" >&2
	exit 1
}

case "$cmd" in start|stop|restart|url) ;; *) usage ;; esac
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir=$(cd "$dir" 2>/dev/null && pwd) || die "no directory \"$2\"" ;; esac
data=$dir/data
log=$dir/server.log

# Never let the environment point our commands at another server.
unset PGDATA PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS 2>/dev/null || true

# The directory holding initdb, pg_ctl and postgres: PATH first, then Debian's
# /usr/lib/postgresql/<version>/bin, newest version first.
find_bindir() {
	p=$(command -v pg_ctl 2>/dev/null) || p=
	if [ -n "$p" ]; then
		# Follow a symlink (/usr/local/bin/pg_ctl -> .../bin/pg_ctl): postgres lives beside the target.
		r=$(readlink -f "$p" 2>/dev/null) || r=$p
		d=$(dirname "$r")
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
			echo "$d"
			return 0
		fi
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
		if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# Run a command as the server's owner: ourselves, or the unprivileged user when root.
run_user=
if [ "$(id -u)" -eq 0 ]; then
	if id -u postgres >/dev/null 2>&1; then
		run_user=postgres
	else
		run_user=nobody
	fi
fi

# shared helpers: quote, as_user, show_log, port_free, random_port
. "$(dirname "$0")/server-common.sh"


# pg_ctl with the data directory, the log and a bounded wait.
pg_ctl_() {
	as_user "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 "$@"
}

running() {
	[ -f "$data/postmaster.pid" ] && as_user "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

write_url() {
	echo "postgresql://postgres@127.0.0.1:$1/postgres" > "$dir/url"
	echo "$1" > "$dir/port"
}

need_binaries() {
	if ! bindir=$(find_bindir); then
		echo "SKIP: no PostgreSQL server binaries (apt-get install postgresql)" >&2
		exit 77
	fi
}

case "$cmd" in
url)
	[ -f "$dir/url" ] || die "no server was started in $dir"
	cat "$dir/url"
	;;

stop)
	[ -f "$data/postmaster.pid" ] || exit 0
	bindir=$(find_bindir) || die "no pg_ctl to stop the server in $data"
	if running; then
		pg_ctl_ -m fast stop >/dev/null || { show_log; die "could not stop the server in $data"; }
	fi
	;;

restart)
	need_binaries
	[ -f "$dir/port" ] || die "no server was started in $dir"
	pg_ctl_ -m fast restart >/dev/null || { show_log; die "could not restart the server in $data"; }
	;;

start)
	need_binaries
	[ -d "$dir" ] || die "no directory $dir"
	[ ! -e "$data" ] || die "$data exists: one server per directory"
	if [ -n "$run_user" ]; then
		chown "$run_user" "$dir" || die "could not give $dir to $run_user"
		as_user test -w "$dir" ||
			die "$run_user cannot write to $dir (is a parent directory closed to it?)"
	fi
	version=$("$bindir/postgres" --version 2>/dev/null)
	if ! as_user "$bindir/initdb" -D "$data" -A trust -U postgres --no-sync -E UTF8 --locale=C \
		>"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed in $data"
	fi
	# Our settings in a file of their own; the port is written per attempt.
	as_user sh -c "cat >> '$data/postgresql.conf'" <<-EOF

		# pg-server.sh: a throwaway test server
		include = 'sqlkit-test.conf'
	EOF
	tries=0
	port=$(random_port)
	while :; do
		tries=$((tries + 1))
		[ $tries -le 25 ] || { show_log; die "no free port found for the server"; }
		port=$((port + 1))
		[ $port -lt 60000 ] || port=20000
		port_free $port || continue
		as_user sh -c "cat > '$data/sqlkit-test.conf'" <<-EOF
			port = $port
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$dir'
			fsync = off
			synchronous_commit = off
			full_page_writes = off
			max_connections = 50
			log_min_messages = warning
		EOF
		if pg_ctl_ start >/dev/null 2>&1; then
			break
		fi
		# Someone took the port between the check and the start: try the next one.
		if grep -q -e 'could not bind' -e 'could not create any TCP/IP sockets' \
			-e 'already in use' "$log" 2>/dev/null; then
			: > "$log" 2>/dev/null || true
			continue
		fi
		show_log
		die "the server in $data did not start"
	done
	write_url $port
	echo "$me: $version on 127.0.0.1:$port, data in $data${run_user:+, run as $run_user}" >&2
	cat "$dir/url"
	;;
esac
exit 0
