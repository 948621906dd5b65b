/*
 * sqlkit/value.h - typed values crossing the API.
 *
 * A sqlkit_value is a small tagged union passed by value. Text, blob, decimal
 * and JSON values point at bytes they do not own: a value given to sqlkit is
 * copied (or used) before the call returns; a value sqlkit gives back is
 * borrowed from its row and lives as long as that row.
 *
 * Nothing goes through time_t or double when it would lose data: decimals
 * travel as text, date/times keep microseconds and their UTC offset.
 *
 * Thread safety: plain data, no shared state.
 */
#ifndef SQLKIT_VALUE_H
#define SQLKIT_VALUE_H

#include <string.h>

#include "sqlkit/common.h"

SQLKIT_BEGIN_DECLS

typedef enum sqlkit_type {
	SQLKIT_TYPE_NULL = 0,
	SQLKIT_TYPE_INT,       /**< 64-bit signed integer: u.i */
	SQLKIT_TYPE_FLOAT,     /**< double: u.f */
	SQLKIT_TYPE_DECIMAL,   /**< exact number as text, e.g. "-12.3400": u.s */
	SQLKIT_TYPE_TEXT,      /**< UTF-8 text, not necessarily NUL-terminated: u.s */
	SQLKIT_TYPE_BLOB,      /**< bytes: u.s */
	SQLKIT_TYPE_BOOL,      /**< 0 or 1: u.b */
	SQLKIT_TYPE_DATE,      /**< u.dt, date fields only */
	SQLKIT_TYPE_TIME,      /**< u.dt, time fields only */
	SQLKIT_TYPE_DATETIME,  /**< u.dt */
	SQLKIT_TYPE_JSON,      /**< JSON document as UTF-8 text: u.s */
	SQLKIT_TYPE_UUID       /**< 16 bytes: u.uuid */
} sqlkit_type;

/** A calendar date and/or time of day. */
typedef struct sqlkit_datetime {
	int year, month, day;          /**< month 1-12, day 1-31 */
	int hour, minute, second;      /**< 0-23, 0-59, 0-60 */
	int microsecond;               /**< 0-999999 */
	int has_offset;                /**< non-zero when offset_minutes is meaningful */
	int offset_minutes;            /**< UTC offset, east positive */
} sqlkit_datetime;

typedef struct sqlkit_value {
	sqlkit_type type;
	union {
		int64_t i;
		double f;
		int b;
		struct { const char *ptr; size_t len; } s;
		sqlkit_datetime dt;
		unsigned char uuid[16];
	} u;
} sqlkit_value;

/* Constructors, for building parameters inline. */
static inline sqlkit_value sqlkit_null(void)
{ sqlkit_value v; memset(&v, 0, sizeof v); v.type = SQLKIT_TYPE_NULL; return v; }
static inline sqlkit_value sqlkit_int(int64_t i)
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_INT; v.u.i = i; return v; }
static inline sqlkit_value sqlkit_float(double f)
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_FLOAT; v.u.f = f; return v; }
static inline sqlkit_value sqlkit_bool(int b)
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_BOOL; v.u.b = b != 0; return v; }
static inline sqlkit_value sqlkit_textn(const char *s, size_t len)
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_TEXT; v.u.s.ptr = s; v.u.s.len = len; return v; }
/** NUL-terminated text; NULL gives a NULL value. */
static inline sqlkit_value sqlkit_text(const char *s)
{ return s ? sqlkit_textn(s, strlen(s)) : sqlkit_null(); }
static inline sqlkit_value sqlkit_blob(const void *p, size_t len)
{ sqlkit_value v = sqlkit_textn((const char *)p, len); v.type = SQLKIT_TYPE_BLOB; return v; }
/** An exact number written as text ("12.50"); checked when bound. */
static inline sqlkit_value sqlkit_decimal(const char *s)
{ sqlkit_value v = sqlkit_text(s); if (s) v.type = SQLKIT_TYPE_DECIMAL; return v; }
static inline sqlkit_value sqlkit_json(const char *s)
{ sqlkit_value v = sqlkit_text(s); if (s) v.type = SQLKIT_TYPE_JSON; return v; }
static inline sqlkit_value sqlkit_uuid(const unsigned char bytes[16])
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_UUID; memcpy(v.u.uuid, bytes, 16); return v; }
static inline sqlkit_value sqlkit_date(int y, int mo, int d)
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_DATE;
  v.u.dt.year = y; v.u.dt.month = mo; v.u.dt.day = d; return v; }
static inline sqlkit_value sqlkit_time(int h, int mi, int s, int us)
{ sqlkit_value v = sqlkit_null(); v.type = SQLKIT_TYPE_TIME;
  v.u.dt.hour = h; v.u.dt.minute = mi; v.u.dt.second = s; v.u.dt.microsecond = us; return v; }
static inline sqlkit_value sqlkit_datetime_v(int y, int mo, int d, int h, int mi, int s, int us)
{ sqlkit_value v = sqlkit_date(y, mo, d); v.type = SQLKIT_TYPE_DATETIME;
  v.u.dt.hour = h; v.u.dt.minute = mi; v.u.dt.second = s; v.u.dt.microsecond = us; return v; }

/** "NULL", "INT", "TEXT"... @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_type_name(sqlkit_type type);

/** Parse "YYYY-MM-DD", "HH:MM:SS[.ffffff]" or "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+HH:MM]"
 *  into a DATE, TIME or DATETIME value (whichever the text is).
 *  @return 0, or SQLKIT_EINVAL when the text is none of these. @since 0.1 */
SQLKIT_EXTERN int sqlkit_datetime_parse(sqlkit_value *out, const char *text, size_t len);

/** Write a DATE, TIME or DATETIME value in ISO 8601 form ("2024-01-31 12:00:00.000001+02:00";
 *  microseconds only when non-zero, offset only when present) into buf, NUL-terminated.
 *  @return the length written, or SQLKIT_EINVAL for another type or a too small buffer
 *  (40 bytes always suffice). @since 0.1 */
SQLKIT_EXTERN int sqlkit_datetime_format(char *buf, size_t size, const sqlkit_value *v);

/** Parse a UUID written as 32 hex digits, with or without the four dashes and braces.
 *  @return 0 or SQLKIT_EINVAL. @since 0.1 */
SQLKIT_EXTERN int sqlkit_uuid_parse(unsigned char out[16], const char *text, size_t len);

/** Write a UUID in its 36-character form into buf (at least 37 bytes). @since 0.1 */
SQLKIT_EXTERN void sqlkit_uuid_format(char buf[37], const unsigned char uuid[16]);

SQLKIT_END_DECLS

#endif
