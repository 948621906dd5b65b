#!/bin/sh
# tests/conformance-mssql.sh - the dialect conformance suite (tests/test_conformance)
# on a real Microsoft SQL Server, named by SQLKIT_TEST_MSSQL_URL, e.g.
#
#   SQLKIT_TEST_MSSQL_URL='mssql://sa:Secret-1@127.0.0.1:1433/tempdb' make check
#
# No SQL Server can run on the machines that build sqlkit, so without the URL
# this suite is skipped (exit 77), even with SQLKIT_TEST_REQUIRE=all: the
# plugin's wire behaviour is checked by tests/test_mssql against
# tests/tds_server instead. With the URL set but no mssql plugin built, the
# suite fails (the URL asks for it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}" "${top_builddir:=.}"

url=${SQLKIT_TEST_MSSQL_URL:-}
if [ -z "$url" ]; then
	echo "SKIP: MS SQL conformance suite not run: set SQLKIT_TEST_MSSQL_URL to a SQL Server" \
	     "(mssql://user:password@host:1433/database) to run it"
	exit 77
fi

# A shared build loads mssql.la; a static one has the plugin linked in.
if [ ! -f "$top_builddir/plugins/mssql/mssql.la" ] &&
   [ ! -f "$top_builddir/plugins/mssql/libsqlkit_mssql.la" ]; then
	echo "ERROR: SQLKIT_TEST_MSSQL_URL is set but the mssql plugin is not built" \
	     "(configure needs FreeTDS for it: apt-get install freetds-dev)"
	exit 99
fi

masked=$(printf '%s\n' "$url" | sed 's|://\([^:@/]*\):[^@/]*@|://\1:***@|')
echo "conformance-mssql: server at $masked"
SQLKIT_TEST_URL=$url exec "$top_builddir/tests/test_conformance"
