/*
 * core/lexer.c - one lexer for bind parameters.
 *
 * It walks SQL text once, copying it through, and replaces each ":name" that
 * stands outside string literals, quoted identifiers, comments and dollar
 * quoting with the driver's marker. "::" (PostgreSQL casts) and "\:" (an escaped
 * colon, written as ':') are not binds, nor is a colon right after a word
 * character ("a:b"), as in SQLAlchemy. Dialect conventions come as flags:
 * MySQL's backslash escapes and '#' comments, MS SQL's [bracketed] names.
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

/* Past the quoted run opened at p and closed by q (a doubled q inside stands for itself). */
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

unsigned sqlkit__lex_flags(const sqlkit_dialect *d, uint64_t features)
{
	unsigned f = 0;

	if ((features & SQLKIT_FEATURE_BACKSLASH_ESCAPES) ||
	    (d && (d->flags & SQLKIT_DIALECT_BACKSLASH_ESCAPES)))
		f |= SQLKIT_LEX_BACKSLASH_ESCAPES;
	if (d && d->quote_open == '[')
		f |= SQLKIT_LEX_BRACKETS;
	if (d && d->quote_open == '`')
		f |= SQLKIT_LEX_HASH_COMMENTS;
	/* A plugin without a dialect but with MySQL's string escapes has its comments too. */
	if (f & SQLKIT_LEX_BACKSLASH_ESCAPES)
		f |= SQLKIT_LEX_HASH_COMMENTS;
	return f;
}

int sqlkit__scan_sql(const char *sql, size_t len, unsigned flags, sqlkit__scan_fn fn, void *ud)
{
	const char *p = sql, *end = sql + len;
	int rc;

	while (p < end) {
		char c = *p;
		if (c == '\'') {
			int bs = (flags & SQLKIT_LEX_BACKSLASH_ESCAPES) ||
			         (p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
			          (p - 1 == sql || !is_ident(p[-2])));
			p = skip_quoted(p, end, '\'', bs);
		} else if (c == '"' || c == '`') {
			p = skip_quoted(p, end, c, c == '"' && (flags & SQLKIT_LEX_BACKSLASH_ESCAPES));
		} else if (c == '[' && (flags & SQLKIT_LEX_BRACKETS)) {
			p = skip_quoted(p, end, ']', 0);
		} else if ((c == '-' && p + 1 < end && p[1] == '-') ||
		           (c == '#' && (flags & SQLKIT_LEX_HASH_COMMENTS))) {
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
			if ((rc = fn(ud, SQLKIT_SCAN_ESCAPED_COLON, (size_t)(p - sql), 2)) != 0)
				return rc;
			p += 2;
		} else if (c == ':' && p + 1 < end && p[1] == ':') {
			p += 2;
			while (p < end && *p == ':')
				p++;
		} else if (c == ':' && p + 1 < end && is_ident_start(p[1]) &&
		           (p == sql || (p[-1] != ':' && !is_ident(p[-1])))) {
			/* As SQLAlchemy: not after a word character, so "a:b" is no bind. */
			const char *e = p + 1;

			while (e < end && is_ident(*e))
				e++;
			if ((rc = fn(ud, SQLKIT_SCAN_BIND, (size_t)(p - sql), (size_t)(e - p - 1))) != 0)
				return rc;
			p = e;
		} else if (c == '?') {
			if ((rc = fn(ud, SQLKIT_SCAN_QMARK, (size_t)(p - sql), 1)) != 0)
				return rc;
			p++;
		} else if (c == '$' && p + 1 < end && p[1] >= '0' && p[1] <= '9' &&
		           (p == sql || !is_ident(p[-1]))) {
			const char *e = p + 1;

			while (e < end && *e >= '0' && *e <= '9')
				e++;
			if ((rc = fn(ud, SQLKIT_SCAN_DOLLAR_NUMBER, (size_t)(p - sql), (size_t)(e - p))) != 0)
				return rc;
			p = e;
		} else {
			p++;
		}
	}
	return 0;
}

typedef struct lex_ud {
	sqlkit__lexed *out;
	sqlkit_buf b;
	const char *sql;
	size_t len;
	const char *run;         /* start of the text not yet copied */
	sqlkit_paramstyle style;
	size_t cap_names, cap_markers;
} lex_ud;

static int lex_token(void *ud, sqlkit__scan_kind kind, size_t at, size_t len)
{
	lex_ud *l = ud;
	const char *p = l->sql + at;
	unsigned idx;
	int fresh;

	switch (kind) {
	case SQLKIT_SCAN_ESCAPED_COLON:
		sqlkit__buf_put(&l->b, l->run, (size_t)(p - l->run));
		sqlkit__buf_putc(&l->b, ':');
		l->run = p + 2;
		return 0;
	case SQLKIT_SCAN_BIND:
		sqlkit__buf_put(&l->b, l->run, (size_t)(p - l->run));
		if ((fresh = add_name(l->out, p + 1, len, &l->cap_names, &idx)) < 0)
			return sqlkit__error_oom();
		switch (l->style) {
		case SQLKIT_PARAMSTYLE_QMARK:
			sqlkit__buf_putc(&l->b, '?');
			if (add_marker(l->out, idx, &l->cap_markers) < 0)
				return sqlkit__error_oom();
			break;
		case SQLKIT_PARAMSTYLE_NUMERIC_QMARK:
		case SQLKIT_PARAMSTYLE_DOLLAR:
		case SQLKIT_PARAMSTYLE_AT_P:
			sqlkit__buf_printf(&l->b, "%s%u", l->style == SQLKIT_PARAMSTYLE_NUMERIC_QMARK ? "?" :
			                   l->style == SQLKIT_PARAMSTYLE_DOLLAR ? "$" : "@P", idx + 1);
			if (fresh && add_marker(l->out, idx, &l->cap_markers) < 0)
				return sqlkit__error_oom();
			break;
		}
		l->run = p + 1 + len;
		return 0;
	case SQLKIT_SCAN_QMARK:
		if (l->style != SQLKIT_PARAMSTYLE_QMARK && l->style != SQLKIT_PARAMSTYLE_NUMERIC_QMARK)
			return 0;
		break;
	case SQLKIT_SCAN_DOLLAR_NUMBER:
		if (l->style != SQLKIT_PARAMSTYLE_DOLLAR)
			return 0;
		break;
	}
	return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
	                         "positional parameter \"%.*s\" at offset %zu in \"%.*s\": "
	                         "use named parameters (:name)", (int)len, p, at,
	                         l->len > 200 ? 200 : (int)l->len, l->sql);
}

int sqlkit__lex_binds(sqlkit__lexed *out, const char *sql, size_t len,
                      sqlkit_paramstyle style, unsigned flags)
{
	lex_ud l;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&l, 0, sizeof l);
	l.out = out;
	l.b = (sqlkit_buf)SQLKIT_BUF_INIT;
	l.sql = l.run = sql;
	l.len = len;
	l.style = style;
	sqlkit__buf_grow(&l.b, len + 16);
	if ((rc = sqlkit__scan_sql(sql, len, flags, lex_token, &l)) < 0)
		goto done;
	sqlkit__buf_put(&l.b, l.run, (size_t)(sql + len - l.run));
	if (l.b.oom) {
		rc = sqlkit__error_oom();
		goto done;
	}
	out->sql_len = l.b.len;
	out->sql = sqlkit__buf_detach(&l.b);
done:
	if (rc < 0) {
		sqlkit__buf_free(&l.b);
		sqlkit__lexed_free(out);
	}
	return rc;
}
