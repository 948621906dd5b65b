#!/bin/sh
# tests/conformance-mysql.sh - the MySQL plugin on a real MariaDB: the dialect
# conformance suite (tests/test_conformance), the plugin's own tests
# (tests/test_mysql: character sets, a connection killed from another session,
# executemany, streaming, error numbers), then the tutorials' flow
# (examples/core_tutorial) on create_engine('mysql://scott:tiger@.../test',
# encoding='latin1'). The server is a throwaway one started by
# tests/mariadb-server.sh in a temporary directory, stopped and removed
# afterwards, whatever happens.
#
# Without the server binaries or the MySQL plugin this suite is skipped, loudly
# (exit 77); with SQLKIT_TEST_REQUIRE=all (what ./quickstart check and CI set) that
# is a hard error instead (exit 99).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}" "${top_builddir:=.}"

required() {
	case " ${SQLKIT_TEST_REQUIRE:-} " in
	*" all "*|*" mysql "*|*",mysql"*|*"mysql,"*) return 0 ;;
	esac
	return 1
}

skip() {
	echo "SKIP: MySQL conformance suite not run: $*"
	if required; then
		echo "ERROR: SQLKIT_TEST_REQUIRE=${SQLKIT_TEST_REQUIRE} makes a skipped suite a failure"
		exit 99
	fi
	exit 77
}

if [ ! -f "$top_builddir/plugins/mysql/mysql.la" ] &&
   [ ! -f "$top_builddir/plugins/mysql/libsqlkit_mysql.la" ]; then
	skip "the MySQL plugin is not built (configure needs the client library: apt-get install default-libmysqlclient-dev)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sqlkit-mariadb.XXXXXX") || exit 99
chmod 755 "$tmp"
cleanup() {
	sh "$top_srcdir/tests/mariadb-server.sh" stop "$tmp" >/dev/null 2>&1 ||
		sh "$top_srcdir/tests/mariadb-server.sh" stop "$tmp"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

url=$(sh "$top_srcdir/tests/mariadb-server.sh" start "$tmp")
rc=$?
case $rc in
0) ;;
77) skip "no MariaDB server binaries (apt-get install mariadb-server)" ;;
*) skip "the throwaway MariaDB server did not start (see the messages above)" ;;
esac
echo "conformance-mysql: server at $url"

SQLKIT_TEST_URL=$url SQLKIT_TEST_SERVER_DIR=$tmp SQLKIT_TEST_SERVER_SCRIPT=mariadb-server.sh \
	"$top_builddir/tests/test_conformance"
rc=$?
[ $rc -eq 0 ] || exit $rc

if [ -x "$top_builddir/tests/test_mysql" ]; then
	SQLKIT_TEST_URL=$url SQLKIT_TEST_SERVER_DIR=$tmp "$top_builddir/tests/test_mysql"
	rc=$?
	[ $rc -eq 0 ] || exit $rc
fi

# The tutorials' engine: user scott, password tiger, database test, encoding latin1.
port=$(cat "$tmp/port")
tutorial_url="mysql://scott:tiger@127.0.0.1:$port/test?encoding=latin1"
echo "conformance-mysql: the Core tutorial on $tutorial_url"
if ! "$top_builddir/examples/core_tutorial" "$tutorial_url" > "$tmp/tutorial.out" 2>&1; then
	cat "$tmp/tutorial.out"
	echo "FAIL: examples/core_tutorial on MariaDB"
	exit 1
fi
grep -q "Hello, World!" "$tmp/tutorial.out" || { cat "$tmp/tutorial.out"; echo "FAIL: no Hello, World!"; exit 1; }
grep -q "dialect mysql" "$tmp/tutorial.out" || { cat "$tmp/tutorial.out"; echo "FAIL: not the mysql dialect"; exit 1; }
echo "conformance-mysql: tutorial ok"
exit 0
