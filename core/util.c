/*
 * core/util.c - buffers and strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int sqlkit__buf_grow(sqlkit_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return SQLKIT_ENOMEM;
	if (extra > (size_t)-1 / 2 - b->len - 1) {
		b->oom = 1;
		return SQLKIT_ENOMEM;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->ptr, cap);
	if (!p) {
		b->oom = 1;
		return SQLKIT_ENOMEM;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int sqlkit__buf_put(sqlkit_buf *b, const char *data, size_t len)
{
	if (sqlkit__buf_grow(b, len) < 0)
		return SQLKIT_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int sqlkit__buf_puts(sqlkit_buf *b, const char *s)
{
	return sqlkit__buf_put(b, s, strlen(s));
}

int sqlkit__buf_putc(sqlkit_buf *b, char c)
{
	return sqlkit__buf_put(b, &c, 1);
}

int sqlkit__buf_printf(sqlkit_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return SQLKIT_ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sqlkit__buf_grow(b, (size_t)n) < 0)
		return SQLKIT_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *sqlkit__buf_detach(sqlkit_buf *b)
{
	char *p;

	if (b->oom) {
		sqlkit__buf_free(b);
		return NULL;
	}
	if (!b->ptr && sqlkit__buf_put(b, "", 0) < 0)
		return NULL;
	p = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void sqlkit__buf_free(sqlkit_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

char *sqlkit__strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sqlkit__strdup(const char *s)
{
	return s ? sqlkit__strndup(s, strlen(s)) : NULL;
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int sqlkit__strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = lower((unsigned char)*a) - lower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
	return 0;
}

int sqlkit__strcasecmp(const char *a, const char *b)
{
	return sqlkit__strncasecmp(a, b, (size_t)-1);
}

void sqlkit_free(void *ptr)
{
	free(ptr);
}

const char *sqlkit_version(void)
{
	return SQLKIT_VERSION;
}
