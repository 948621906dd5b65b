#!/bin/sh
# tests/conformance-postgresql.sh - the dialect conformance suite (tests/test_conformance)
# on a real PostgreSQL, then the tutorials' flow (examples/core_tutorial) on
# create_engine('postgresql://scott:tiger@.../test'): a throwaway server started by
# tests/pg-server.sh in a temporary directory, stopped and removed afterwards, whatever
# happens.
#
# Without the server binaries or the PostgreSQL plugin this suite is skipped, loudly
# (exit 77); with SQLKIT_TEST_REQUIRE=all (what ./quickstart check and CI set) that
# is a hard error instead (exit 99).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}" "${top_builddir:=.}"

required() {
	case " ${SQLKIT_TEST_REQUIRE:-} " in
	*" all "*|*" postgresql "*|*",postgresql"*|*"postgresql,"*) return 0 ;;
	esac
	return 1
}

# skip WHY: SKIP, or a hard error when the suite is required.
skip() {
	echo "SKIP: PostgreSQL conformance suite not run: $*"
	if required; then
		echo "ERROR: SQLKIT_TEST_REQUIRE=${SQLKIT_TEST_REQUIRE} makes a skipped suite a failure"
		exit 99
	fi
	exit 77
}

# A shared build loads postgresql.la; a static one has the plugin linked in.
if [ ! -f "$top_builddir/plugins/postgresql/postgresql.la" ] &&
   [ ! -f "$top_builddir/plugins/postgresql/libsqlkit_postgresql.la" ]; then
	skip "the PostgreSQL plugin is not built (configure needs libpq for it: apt-get install libpq-dev)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sqlkit-pg.XXXXXX") || exit 99
cleanup() {
	sh "$top_srcdir/tests/pg-server.sh" stop "$tmp" >/dev/null 2>&1 ||
		sh "$top_srcdir/tests/pg-server.sh" stop "$tmp"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

url=$(sh "$top_srcdir/tests/pg-server.sh" start "$tmp")
rc=$?
case $rc in
0) ;;
77) skip "no PostgreSQL server binaries (apt-get install postgresql)" ;;
*) skip "the throwaway PostgreSQL server did not start (see the messages above)" ;;
esac
echo "conformance-postgresql: server at $url"

SQLKIT_TEST_URL=$url SQLKIT_TEST_SERVER_DIR=$tmp SQLKIT_TEST_SERVER_SCRIPT=pg-server.sh \
	"$top_builddir/tests/test_conformance"
rc=$?
[ $rc -eq 0 ] || exit $rc

# The tutorials' engine: user scott, password tiger, database test.
port=$(cat "$tmp/port")
sqlkit="$top_builddir/cli/sqlkit"
"$sqlkit" exec "$url" "CREATE ROLE scott LOGIN PASSWORD 'tiger'" >/dev/null &&
"$sqlkit" exec "$url" "CREATE DATABASE test OWNER scott" >/dev/null || {
	echo "FAIL: could not create the tutorial's role and database"; exit 1; }
tutorial_url="postgresql://scott:tiger@127.0.0.1:$port/test"
echo "conformance-postgresql: the Core tutorial on $tutorial_url"
if ! "$top_builddir/examples/core_tutorial" "$tutorial_url" > "$tmp/tutorial.out" 2>&1; then
	cat "$tmp/tutorial.out"
	echo "FAIL: examples/core_tutorial on PostgreSQL"
	exit 1
fi
grep -q "Hello, World!" "$tmp/tutorial.out" || { cat "$tmp/tutorial.out"; echo "FAIL: no Hello, World!"; exit 1; }
echo "conformance-postgresql: tutorial ok"
exit 0
