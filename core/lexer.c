/*
 * core/lexer.c - one lexer for bind parameters.
 *
 * It walks SQL text once, copying it through, and replaces each ":name" that
 * stands outside string literals, quoted identifiers, comments and dollar
 * quoting with the driver's marker. "::" (PostgreSQL casts) and "\:" (an escaped
 * colon, written as ':') are not binds, nor is a colon right after a word
 * character ("a:b"), as in SQLAlchemy.
 */
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "util.h"

static int is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

void sqlkit__lexed_free(sqlkit__lexed *lx)
{
	size_t i;

	if (!lx)
		return;
	for (i = 0; i < lx->nnames; i++)
		free(lx->names[i]);
	free(lx->names);
	free(lx->marker_name);
	free(lx->sql);
	memset(lx, 0, sizeof *lx);
}

static int add_name(sqlkit__lexed *lx, const char *name, size_t n, size_t *cap_names, unsigned *idx)
{
	size_t i;

	for (i = 0; i < lx->nnames; i++)
		if (strlen(lx->names[i]) == n && memcmp(lx->names[i], name, n) == 0) {
			*idx = (unsigned)i;
			return 0;
		}
	if (lx->nnames == *cap_names) {
		size_t cap = *cap_names ? *cap_names * 2 : 8;
		char **p = realloc(lx->names, cap * sizeof *p);
		if (!p)
			return SQLKIT_ENOMEM;
		lx->names = p;
		*cap_names = cap;
	}
	if (!(lx->names[lx->nnames] = sqlkit__strndup(name, n)))
		return SQLKIT_ENOMEM;
	*idx = (unsigned)lx->nnames++;
	return 1;
}

static int add_marker(sqlkit__lexed *lx, unsigned idx, size_t *cap)
{
	if (lx->nmarkers == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		unsigned *p = realloc(lx->marker_name, c * sizeof *p);
		if (!p)
			return SQLKIT_ENOMEM;
		lx->marker_name = p;
		*cap = c;
	}
	lx->marker_name[lx->nmarkers++] = idx;
	return 0;
}

/* Length of a PostgreSQL dollar-quote tag ("$$" or "$tag$") at p, or 0. */
static size_t dollar_tag(const char *p, const char *end)
{
	const char *q = p + 1;

	if (q < end && *q == '$')
		return 2;
	if (q >= end || !is_ident_start(*q))
		return 0;
	while (q < end && is_ident(*q))
		q++;
	return (q < end && *q == '$') ? (size_t)(q - p + 1) : 0;
}

static const char *skip_quoted(const char *p, const char *end, char q, int backslash)
{
	for (p++; p < end; p++) {
		if (backslash && *p == '\\' && p + 1 < end) {
			p++;
			continue;
		}
		if (*p == q) {
			if (p + 1 < end && p[1] == q) {  /* doubled quote */
				p++;
				continue;
			}
			return p + 1;
		}
	}
	return end;  /* unterminated: the database will say so */
}

int sqlkit__lex_binds(sqlkit__lexed *out, const char *sql, size_t len,
                      sqlkit_paramstyle style, unsigned flags)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	const char *p = sql, *end = sql + len, *run = sql;
	size_t cap_names = 0, cap_markers = 0;
	int rc = 0;

	memset(out, 0, sizeof *out);
	sqlkit__buf_grow(&b, len + 16);
	while (p < end) {
		char c = *p;
		if (c == '\'') {
			int bs = (flags & SQLKIT_LEX_BACKSLASH_ESCAPES) ||
			         (p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
			          (p - 1 == sql || !is_ident(p[-2])));
			p = skip_quoted(p, end, '\'', bs);
		} else if (c == '"' || c == '`') {
			p = skip_quoted(p, end, c, c == '"' && (flags & SQLKIT_LEX_BACKSLASH_ESCAPES));
		} else if (c == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (c == '/' && p + 1 < end && p[1] == '*') {
			const char *e = p + 2;
			while (e + 1 < end && !(e[0] == '*' && e[1] == '/'))
				e++;
			p = (e + 1 < end) ? e + 2 : end;
		} else if (c == '$' && (p == sql || !is_ident(p[-1])) && dollar_tag(p, end)) {
			size_t t = dollar_tag(p, end);
			const char *e = p + t;
			while (e + t <= end && memcmp(e, p, t) != 0)
				e++;
			p = (e + t <= end) ? e + t : end;
		} else if (c == '\\' && p + 1 < end && p[1] == ':') {
			sqlkit__buf_put(&b, run, (size_t)(p - run));
			sqlkit__buf_putc(&b, ':');
			p += 2;
			run = p;
		} else if (c == ':' && p + 1 < end && p[1] == ':') {
			p += 2;
			while (p < end && *p == ':')
				p++;
		} else if (c == ':' && p + 1 < end && is_ident_start(p[1]) &&
		           (p == sql || (p[-1] != ':' && !is_ident(p[-1])))) {
			/* As SQLAlchemy: not after a word character, so "a:b" is no bind. */
			const char *name = p + 1, *e = name;
			unsigned idx;
			int fresh;

			while (e < end && is_ident(*e))
				e++;
			sqlkit__buf_put(&b, run, (size_t)(p - run));
			if ((fresh = add_name(out, name, (size_t)(e - name), &cap_names, &idx)) < 0) {
				rc = sqlkit__error_oom();
				goto done;
			}
			switch (style) {
			case SQLKIT_PARAMSTYLE_QMARK:
				sqlkit__buf_putc(&b, '?');
				if (add_marker(out, idx, &cap_markers) < 0) {
					rc = sqlkit__error_oom();
					goto done;
				}
				break;
			case SQLKIT_PARAMSTYLE_NUMERIC_QMARK:
			case SQLKIT_PARAMSTYLE_DOLLAR:
			case SQLKIT_PARAMSTYLE_AT_P:
				sqlkit__buf_printf(&b, "%s%u", style == SQLKIT_PARAMSTYLE_NUMERIC_QMARK ? "?" :
				                   style == SQLKIT_PARAMSTYLE_DOLLAR ? "$" : "@P", idx + 1);
				if (fresh && add_marker(out, idx, &cap_markers) < 0) {
					rc = sqlkit__error_oom();
					goto done;
				}
				break;
			}
			p = e;
			run = p;
		} else if (c == '?' && (style == SQLKIT_PARAMSTYLE_QMARK ||
		                        style == SQLKIT_PARAMSTYLE_NUMERIC_QMARK)) {
			rc = sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
			                       "positional parameter \"?\" at offset %zu in \"%.*s\": "
			                       "use named parameters (:name)", (size_t)(p - sql),
			                       len > 200 ? 200 : (int)len, sql);
			goto done;
		} else if (c == '$' && style == SQLKIT_PARAMSTYLE_DOLLAR && p + 1 < end &&
		           p[1] >= '0' && p[1] <= '9' && (p == sql || !is_ident(p[-1]))) {
			const char *e = p + 1;

			while (e < end && *e >= '0' && *e <= '9')
				e++;
			rc = sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
			                       "positional parameter \"%.*s\" at offset %zu in \"%.*s\": "
			                       "use named parameters (:name)", (int)(e - p), p, (size_t)(p - sql),
			                       len > 200 ? 200 : (int)len, sql);
			goto done;
		} else {
			p++;
		}
	}
	sqlkit__buf_put(&b, run, (size_t)(end - run));
	if (b.oom) {
		rc = sqlkit__error_oom();
		goto done;
	}
	out->sql_len = b.len;
	out->sql = sqlkit__buf_detach(&b);
done:
	if (rc < 0) {
		sqlkit__buf_free(&b);
		sqlkit__lexed_free(out);
	}
	return rc;
}
