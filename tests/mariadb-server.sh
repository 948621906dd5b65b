#!/bin/sh
# tests/mariadb-server.sh - a throwaway MariaDB server for the test suites.
#
#   mariadb-server.sh start DIR     install a data directory in DIR/data, start a server
#                                   on 127.0.0.1 and a free port, write its URL to DIR/url
#                                   and print it
#   mariadb-server.sh url DIR       print the URL of the server started in DIR
#   mariadb-server.sh restart DIR   stop the server and start it again on the same port
#                                   (the fault tests: a server restarted under a live pool)
#   mariadb-server.sh stop DIR      stop it; safe to call twice, or when nothing started
#
# The server is ours alone: --no-defaults (no /etc/mysql file is read), its own
# data directory, TCP on the loopback address only, its Unix socket in DIR, a
# port picked at random in 20000-59999 (never 3306), no binary log, InnoDB
# without flushing. No system service is touched. Run as root, the server runs
# as an unprivileged user (mysql when it exists, else nobody), who is given DIR.
#
# Accounts, made by an init file at every start:
#   root@127.0.0.1  password "sqlkit"   database sqlkit_test  (the URL printed)
#   scott@127.0.0.1 password "tiger"    database test         (the tutorials' engine)
#
# Exit status: 0; 77 when no MariaDB (or MySQL) server binaries are installed
# (the automake SKIP status); 1 on any other failure, with the server log's tail.
set -u

me=mariadb-server.sh
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
sock=$dir/mysqld.sock
pidfile=$dir/mysqld.pid

# Never let the environment point our commands at another server.
unset MYSQL_HOST MYSQL_TCP_PORT MYSQL_UNIX_PORT MYSQL_PWD 2>/dev/null || true

# find NAME...: the first of the programs found in PATH or in /usr/sbin, /usr/bin.
find_prog() {
	for n in "$@"; do
		p=$(command -v "$n" 2>/dev/null) && { echo "$p"; return 0; }
		for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
			[ -x "$d/$n" ] && { echo "$d/$n"; return 0; }
		done
	done
	return 1
}

need_binaries() {
	if ! server=$(find_prog mariadbd mysqld) || ! installdb=$(find_prog mariadb-install-db mysql_install_db) ||
	   ! admin=$(find_prog mariadb-admin mysqladmin); then
		echo "SKIP: no MariaDB server binaries (apt-get install mariadb-server)" >&2
		exit 77
	fi
}

run_user=
if [ "$(id -u)" -eq 0 ]; then
	if id -u mysql >/dev/null 2>&1; then
		run_user=mysql
	else
		run_user=nobody
	fi
fi

# shared helpers: quote, as_user, show_log, port_free, random_port
. "$(dirname "$0")/server-common.sh"


server_pid() {
	[ -f "$pidfile" ] && cat "$pidfile" 2>/dev/null
}

alive() {
	p=$(server_pid) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

# Start the server on port $1 in the background and wait until it answers on
# its socket (bounded: 60 s), or until it exits. 0 when up; 2 when the port was
# taken; 1 on another failure.
start_on() {
	rm -f "$pidfile"
	# In a subshell of its own: a function run with redirections in the background
	# would keep the shell's saved copy of our stdout, and a caller reading our
	# output ($(mariadb-server.sh start DIR)) would wait for the server to exit.
	(as_user "$server" --no-defaults --datadir="$data" --socket="$sock" --pid-file="$pidfile" \
		--port="$1" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$log" \
		--tmpdir="$dir" --init-file="$dir/init.sql" --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_unicode_ci --skip-log-bin --innodb-buffer-pool-size=64M \
		--innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
		--max-connections=100 --max-allowed-packet=64M) </dev/null >/dev/null 2>&1 &
	bg=$!
	i=0
	while [ $i -lt 600 ]; do
		if "$admin" --no-defaults --socket="$sock" -uroot --connect-timeout=2 ping >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 $bg 2>/dev/null && ! alive; then
			if grep -q -e 'Address already in use' -e "Can't start server: Bind" "$log" 2>/dev/null; then
				return 2
			fi
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

stop_server() {
	alive || return 0
	p=$(server_pid)
	"$admin" --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 600 ] || { kill -KILL "$p" 2>/dev/null; break; }
		sleep 0.1
	done
	return 0
}

write_url() {
	echo "mysql://root:sqlkit@127.0.0.1:$1/sqlkit_test" > "$dir/url"
	echo "$1" > "$dir/port"
}

case "$cmd" in
url)
	[ -f "$dir/url" ] || die "no server was started in $dir"
	cat "$dir/url"
	;;

stop)
	[ -d "$data" ] || exit 0
	need_binaries
	stop_server
	;;

restart)
	need_binaries
	[ -f "$dir/port" ] || die "no server was started in $dir"
	stop_server
	start_on "$(cat "$dir/port")" || { show_log; die "could not restart the server in $data"; }
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
	version=$("$server" --version 2>/dev/null | sed 's/^.*Ver //')
	if ! as_user "$installdb" --no-defaults --datadir="$data" --auth-root-authentication-method=normal \
		--skip-test-db --skip-name-resolve >"$dir/install.log" 2>&1; then
		cat "$dir/install.log" >&2
		die "mariadb-install-db failed in $data"
	fi
	as_user sh -c "cat > '$dir/init.sql'" <<-'EOF'
		CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
		ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY 'sqlkit';
		GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
		CREATE DATABASE IF NOT EXISTS sqlkit_test;
		CREATE USER IF NOT EXISTS 'scott'@'127.0.0.1' IDENTIFIED BY 'tiger';
		CREATE DATABASE IF NOT EXISTS test;
		GRANT ALL PRIVILEGES ON test.* TO 'scott'@'127.0.0.1';
	EOF
	tries=0
	port=$(random_port)
	while :; do
		tries=$((tries + 1))
		[ $tries -le 25 ] || { show_log; die "no free port found for the server"; }
		port=$((port + 1))
		[ $port -lt 60000 ] || port=20000
		port_free $port || continue
		start_on $port
		case $? in
		0) break ;;
		2) stop_server; continue ;;   # someone took the port between the check and the start
		*) show_log; stop_server; die "the server in $data did not start" ;;
		esac
	done
	write_url $port
	echo "$me: $version on 127.0.0.1:$port, data in $data${run_user:+, run as $run_user}" >&2
	cat "$dir/url"
	;;
esac
exit 0
