/*
 * sqlkit/plugin_util.h - small text helpers for plugin authors: ASCII
 * case-insensitive comparison and SQL snippets for error messages. Header only:
 * a plugin never links against libsqlkit.
 *
 * Thread safety: pure functions.
 */
#ifndef SQLKIT_PLUGIN_UTIL_H
#define SQLKIT_PLUGIN_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sqlkit/common.h"
#include "sqlkit/errors.h"

/** Bytes of SQL quoted in an error message. */
#define SQLKIT_SNIPPET_MAX 200

/** ASCII lower case, whatever the locale. @since 0.1 */
static inline int sqlkit_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/** ASCII case-insensitive equality of two NUL-terminated strings. @since 0.1 */
static inline int sqlkit_equal_ci(const char *a, const char *b)
{
	while (*a && sqlkit_ascii_lower((unsigned char)*a) == sqlkit_ascii_lower((unsigned char)*b))
		a++, b++;
	return *a == *b;
}

/** Whether the n bytes at p are word, ignoring ASCII case. @since 0.1 */
static inline int sqlkit_word_is(const char *p, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n && word[i]; i++)
		if (sqlkit_ascii_lower((unsigned char)p[i]) != sqlkit_ascii_lower((unsigned char)word[i]))
			return 0;
	return i == n && !word[i];
}

/** Whether needle occurs in hay, ignoring ASCII case. @since 0.1 */
static inline int sqlkit_contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t k = 0;
		while (k < n && hay[k])
			k++;
		if (sqlkit_word_is(hay, k, needle))
			return 1;
	}
	return 0;
}

/** Up to SQLKIT_SNIPPET_MAX bytes of sql on one line, cut on a UTF-8 boundary,
 *  "..." when cut: for quoting a statement in an error message. @since 0.1 */
static inline const char *sqlkit_snippet(char buf[SQLKIT_SNIPPET_MAX + 4], const char *sql,
                                         size_t len)
{
	size_t i, n = len;

	if (n > SQLKIT_SNIPPET_MAX) {
		n = SQLKIT_SNIPPET_MAX;
		while (n > 0 && ((unsigned char)sql[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)sql[i] < 0x20 || sql[i] == 0x7f ? ' ' : sql[i];
	if (n < len)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
	return buf;
}

/** Characters (not bytes) of UTF-8 text, as SQLAlchemy counts an enum's
 *  length. @since 0.1 */
static inline size_t sqlkit_utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/** For a dialect's type_ddl hook: write reason into buf and return the
 *  "cannot store this type" code, SQLKIT_ENOTSUPPORTED. @since 0.1 */
static inline int sqlkit_type_unsupported(char *buf, size_t size, const char *reason)
{
	snprintf(buf, size, "%s", reason);
	return SQLKIT_ENOTSUPPORTED;
}

/** For a dialect's type_ddl hook: "NAME", or "NAME(length)" when length > 0
 *  (SQLAlchemy's _render_string_type); a negative length is refused. @since 0.1 */
static inline int sqlkit_type_sized(char *buf, size_t size, const char *name, int length)
{
	if (length < 0) {
		snprintf(buf, size, "%s length %d is not valid", name, length);
		return SQLKIT_ENOTSUPPORTED;
	}
	if (length)
		snprintf(buf, size, "%s(%d)", name, length);
	else
		snprintf(buf, size, "%s", name);
	return 0;
}

/** Whether the len bytes at p are a decimal number as sqlkit accepts it for a
 *  DECIMAL value: optional sign, digits, optional fraction, optional exponent.
 *  @since 0.1 */
static inline int sqlkit_decimal_text_valid(const char *p, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (p[i] == '+' || p[i] == '-'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t exp = 0;
		if (++i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			exp++;
		if (!exp)
			return 0;
	}
	return i == n;
}


/** Past what stands before a statement's first keyword: blanks, "--" and
 *  block comments, opening parentheses and semicolons. Returns the keyword's
 *  start (end when there is none), for plugins that classify statements by it.
 *  @since 0.1 */
static inline const char *sqlkit_sql_skip_lead(const char *p, const char *end)
{
	while (p < end) {
		if (*p == ' ' || (*p >= '\t' && *p <= '\r') || *p == '(' || *p == ';') {
			p++;
		} else if (*p == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < end && p[1] == '*') {
			for (p += 2; p < end && !(*p == '*' && p + 1 < end && p[1] == '/'); p++)
				;
			p = p < end ? p + 2 : end;
		} else {
			break;
		}
	}
	return p;
}

/** The sqlkit return code and PEP 249 error class for a five-character SQLSTATE,
 *  by its class (the first two characters), after psycopg2's table with the
 *  connection classes made OperationalError: 23 integrity, 22 data, 42 and 2x
 *  programming, 40 operational (40001 serialization failure and 40P01
 *  deadlock give SQLKIT_EBUSY: retry), 0A not supported, 08/53-58/HY
 *  operational. Anything else, or no SQLSTATE, is SQLKIT_ERROR / DatabaseError.
 *  A plugin overrides what its database means otherwise (MySQL's catch-all
 *  HY000). @since 0.1 */
static inline void sqlkit_sqlstate_class(const char *s, int *code, sqlkit_error_class *klass)
{
	char c0 = s ? s[0] : 0, c1 = s && s[0] ? s[1] : 0;

	*code = SQLKIT_ERROR;
	*klass = SQLKIT_ERRCLASS_DATABASE;
	if (!s || strlen(s) != 5)
		return;
	switch (c0) {
	case '0':
		if (c1 == 'A')
			*code = SQLKIT_ENOTSUPPORTED, *klass = SQLKIT_ERRCLASS_NOT_SUPPORTED;
		else if (c1 == '8')
			*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		break;
	case '2':
		if (c1 == '0' || c1 == '1')
			*code = SQLKIT_ESQL, *klass = SQLKIT_ERRCLASS_PROGRAMMING;
		else if (c1 == '2')
			*klass = SQLKIT_ERRCLASS_DATA;
		else if (c1 == '3')
			*code = SQLKIT_ECONSTRAINT, *klass = SQLKIT_ERRCLASS_INTEGRITY;
		else if (c1 == '4' || c1 == '5' || c1 == 'B' || c1 == 'D' || c1 == 'F')
			*klass = SQLKIT_ERRCLASS_INTERNAL;
		else if (c1 == '6' || c1 == '7' || c1 == '8')
			*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		break;
	case '3':
		if (c1 == '4')
			*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		else if (c1 == '8' || c1 == '9' || c1 == 'B')
			*klass = SQLKIT_ERRCLASS_INTERNAL;
		else if (c1 == 'D' || c1 == 'F')
			*code = SQLKIT_ESQL, *klass = SQLKIT_ERRCLASS_PROGRAMMING;
		break;
	case '4':
		if (c1 == '0') {
			*klass = SQLKIT_ERRCLASS_OPERATIONAL;
			if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
				*code = SQLKIT_EBUSY;
		} else if (c1 == '2' || c1 == '4') {
			*code = SQLKIT_ESQL, *klass = SQLKIT_ERRCLASS_PROGRAMMING;
		}
		break;
	case '5':
	case 'H':
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		break;
	case 'F': case 'P': case 'X':
		*klass = SQLKIT_ERRCLASS_INTERNAL;
		break;
	default:
		break;
	}
}

#endif
