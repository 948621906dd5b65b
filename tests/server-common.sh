# tests/server-common.sh - what tests/pg-server.sh and tests/mariadb-server.sh
# share: running a command as the server's owner, the server log's tail, and a
# free loopback port. Sourced; expects $run_user (empty: ourselves) and $log.

quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

as_user() {
	if [ -z "$run_user" ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u "$run_user" -- "$@"
	else
		line=
		for a in "$@"; do
			line="$line $(quote "$a")"
		done
		su -s /bin/sh "$run_user" -c "$line"
	fi
}

show_log() {
	if [ -f "$log" ]; then
		echo "--- last lines of $log:" >&2
		tail -n 20 "$log" >&2
	fi
}

# A quick check that nothing listens on 127.0.0.1:port; without python3 every
# port counts as free and a failed start moves on to the next one.
port_free() {
	command -v python3 >/dev/null 2>&1 || return 0
	python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1" 2>/dev/null
}

random_port() {
	n=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	[ -n "$n" ] || n=$(( $$ * 7919 + $(date +%s) ))
	echo $(( 20000 + n % 40000 ))
}
