#!/bin/sh
# Compile each public header alone, as C99 and C11, with -Wall -Wextra -pedantic -Werror:
# every header must stand on its own and stay warning-free for our users.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${CC:=cc}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for h in "$top_srcdir"/include/sqlkit/*.h; do
	name=$(basename "$h")
	for std in c99 c11; do
		printf '#include <sqlkit/%s>\nint sqlkit_header_test_%s;\n' "$name" "$std" > "$tmp/t.c"
		if $CC -std=$std -Wall -Wextra -pedantic -Werror -I"$top_builddir/include" \
			-I"$top_srcdir/include" -c "$tmp/t.c" -o "$tmp/t.o" 2> "$tmp/err"; then
			echo "ok - $name ($std)"
		else
			echo "not ok - $name ($std)"; cat "$tmp/err"; fail=$((fail + 1))
		fi
		n=$((n + 1))
	done
done
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
