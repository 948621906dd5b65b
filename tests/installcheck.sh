#!/bin/sh
# make installcheck: build the third-party example plugin (tests/thirdparty/echo.c)
# out of tree against the installed headers, exactly as a plugin author would,
# install it into a directory on SQLKIT_PLUGIN_PATH, and load it by its URL scheme
# from a program linked against the installed library.
#   installcheck.sh DESTDIR PREFIX SRCDIR
set -eu
destdir=$1 prefix=$2 srcdir=$3
: "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pc="$PKG_CONFIG"
if [ -n "$destdir" ]; then
	pc="$PKG_CONFIG --define-variable=prefix=$destdir$prefix"
fi
cflags=$($pc --cflags sqlkit)
libs=$($pc --libs sqlkit)
libdir=$($pc --variable=libdir sqlkit)
plugindir=$($pc --variable=plugindir sqlkit)
echo "installcheck: sqlkit $($pc --modversion sqlkit), plugins in $plugindir"
test -d "$plugindir" || { echo "installcheck: no plugin directory $plugindir"; exit 1; }
ls "$plugindir"/sqlite.* >/dev/null || { echo "installcheck: sqlite plugin not installed"; exit 1; }

mkdir -p "$tmp/plugins"
# A plugin needs only the headers: no libsqlkit on its link line.
$CC -std=c99 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden $cflags \
	"$srcdir/tests/thirdparty/echo.c" -o "$tmp/plugins/echo.so"
$CC -std=c99 -Wall -Wextra -Werror $cflags "$srcdir/tests/thirdparty/use_echo.c" -o "$tmp/use_echo" \
	$libs -Wl,-rpath,"$libdir"

SQLKIT_PLUGIN_PATH="$tmp/plugins" LD_LIBRARY_PATH="$libdir" "$tmp/use_echo"
SQLKIT_PLUGIN_PATH="$tmp/plugins" LD_LIBRARY_PATH="$libdir" "$destdir$prefix/bin/sqlkit" plugins \
	| tee "$tmp/list"
grep -q '^echo ' "$tmp/list" && grep -q '^sqlite ' "$tmp/list"
echo "installcheck: ok"
