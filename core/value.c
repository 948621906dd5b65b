/*
 * core/value.c - typed values: names, date/time and UUID text forms, decimal checks.
 */
#include <stdio.h>
#include <string.h>

#include "sqlkit/value.h"
#include "sqlkit/plugin_util.h"
#include "dbapi.h"
#include "util.h"

const char *sqlkit_type_name(sqlkit_type type)
{
	switch (type) {
	case SQLKIT_TYPE_NULL: return "NULL";
	case SQLKIT_TYPE_INT: return "INT";
	case SQLKIT_TYPE_FLOAT: return "FLOAT";
	case SQLKIT_TYPE_DECIMAL: return "DECIMAL";
	case SQLKIT_TYPE_TEXT: return "TEXT";
	case SQLKIT_TYPE_BLOB: return "BLOB";
	case SQLKIT_TYPE_BOOL: return "BOOL";
	case SQLKIT_TYPE_DATE: return "DATE";
	case SQLKIT_TYPE_TIME: return "TIME";
	case SQLKIT_TYPE_DATETIME: return "DATETIME";
	case SQLKIT_TYPE_JSON: return "JSON";
	case SQLKIT_TYPE_UUID: return "UUID";
	}
	return "UNKNOWN";
}

/* Read exactly n digits at *p. */
static int digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;
	for (; n; n--, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int parse_time(const char **p, const char *end, sqlkit_datetime *dt)
{
	if (digits(p, end, 2, &dt->hour) || *p >= end || **p != ':' || (++*p, 0) ||
	    digits(p, end, 2, &dt->minute))
		return -1;
	dt->second = 0;
	if (*p < end && **p == ':') {
		++*p;
		if (digits(p, end, 2, &dt->second))
			return -1;
	}
	dt->microsecond = 0;
	if (*p < end && **p == '.') {
		int scale = 100000, n = 0;
		++*p;
		while (*p < end && **p >= '0' && **p <= '9') {
			if (scale) {
				dt->microsecond += (**p - '0') * scale;
				scale /= 10;
			}
			++*p;
			n++;
		}
		if (!n)
			return -1;
	}
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 60)
		return -1;
	return 0;
}

static int parse_offset(const char **p, const char *end, sqlkit_datetime *dt)
{
	int sign, h, m = 0;

	if (*p >= end)
		return 0;
	if (**p == 'Z' || **p == 'z') {
		++*p;
		dt->has_offset = 1;
		dt->offset_minutes = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	++*p;
	if (digits(p, end, 2, &h))
		return -1;
	if (*p < end && **p == ':')
		++*p;
	if (*p < end && digits(p, end, 2, &m))
		return -1;
	if (h > 23 || m > 59)
		return -1;
	dt->has_offset = 1;
	dt->offset_minutes = sign * (h * 60 + m);
	return 0;
}

int sqlkit_datetime_parse(sqlkit_value *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	sqlkit_value v = sqlkit_null();
	sqlkit_datetime *dt = &v.u.dt;

	if (!text)
		return SQLKIT_EINVAL;
	if (len >= 3 && text[2] == ':') {
		v.type = SQLKIT_TYPE_TIME;
		if (parse_time(&p, end, dt) || parse_offset(&p, end, dt) || p != end)
			return SQLKIT_EINVAL;
		*out = v;
		return 0;
	}
	if (digits(&p, end, 4, &dt->year) || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &dt->month) || p >= end || *p++ != '-' ||
	    digits(&p, end, 2, &dt->day))
		return SQLKIT_EINVAL;
	if (dt->month < 1 || dt->month > 12 || dt->day < 1 ||
	    dt->day > days_in_month(dt->year, dt->month))
		return SQLKIT_EINVAL;
	if (p == end) {
		v.type = SQLKIT_TYPE_DATE;
		*out = v;
		return 0;
	}
	if (*p != ' ' && *p != 'T' && *p != 't')
		return SQLKIT_EINVAL;
	p++;
	v.type = SQLKIT_TYPE_DATETIME;
	if (parse_time(&p, end, dt))
		return SQLKIT_EINVAL;
	if (p < end && *p == ' ')
		p++;
	if (parse_offset(&p, end, dt) || p != end)
		return SQLKIT_EINVAL;
	*out = v;
	return 0;
}

int sqlkit_datetime_format(char *buf, size_t size, const sqlkit_value *v)
{
	const sqlkit_datetime *dt;
	int n = 0, r;

	if (!v || !buf)
		return SQLKIT_EINVAL;
	dt = &v->u.dt;
#define OUT(...) do { \
	r = snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, __VA_ARGS__); \
	if (r < 0 || (size_t)(n + r) >= size) return SQLKIT_EINVAL; \
	n += r; } while (0)
	switch (v->type) {
	case SQLKIT_TYPE_DATE:
		OUT("%04d-%02d-%02d", dt->year, dt->month, dt->day);
		return n;
	case SQLKIT_TYPE_DATETIME:
		OUT("%04d-%02d-%02d ", dt->year, dt->month, dt->day);
		/* fall through */
	case SQLKIT_TYPE_TIME:
		OUT("%02d:%02d:%02d", dt->hour, dt->minute, dt->second);
		if (dt->microsecond)
			OUT(".%06d", dt->microsecond);
		if (dt->has_offset) {
			int off = dt->offset_minutes < 0 ? -dt->offset_minutes : dt->offset_minutes;
			OUT("%c%02d:%02d", dt->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
		}
		return n;
	default:
		return SQLKIT_EINVAL;
	}
#undef OUT
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int sqlkit_uuid_parse(unsigned char out[16], const char *text, size_t len)
{
	unsigned char u[16];
	size_t i, n = 0;

	if (!text)
		return SQLKIT_EINVAL;
	if (len >= 2 && text[0] == '{' && text[len - 1] == '}') {
		text++;
		len -= 2;
	}
	if (len != 32 && len != 36)
		return SQLKIT_EINVAL;
	for (i = 0; i < len;) {
		int hi, lo;
		if (len == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (text[i] != '-')
				return SQLKIT_EINVAL;
			i++;
			continue;
		}
		if ((hi = hexval(text[i])) < 0 || i + 1 >= len || (lo = hexval(text[i + 1])) < 0)
			return SQLKIT_EINVAL;
		u[n++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	if (n != 16)
		return SQLKIT_EINVAL;
	memcpy(out, u, 16);
	return 0;
}

void sqlkit_uuid_format(char buf[37], const unsigned char uuid[16])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[n++] = '-';
		buf[n++] = hex[uuid[i] >> 4];
		buf[n++] = hex[uuid[i] & 15];
	}
	buf[n] = '\0';
}

int sqlkit__decimal_valid(const char *s, size_t len)
{
	return sqlkit_decimal_text_valid(s, len);
}
