/*
 * tests/test_value.c - typed values (sqlkit/value.h): the date/time and UUID
 * text forms, type names and the inline constructors.
 *
 * Text is handed over in a heap buffer of exactly its length, with no NUL
 * after it, so a sanitizer run catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlkit/value.h>

static int parse(sqlkit_value *out, const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	rc = sqlkit_datetime_parse(out, copy, len);
	free(copy);
	return rc;
}

static sqlkit_value parse_ok(const char *text, sqlkit_type type)
{
	sqlkit_value v;
	int rc = parse(&v, text);

	if (rc != 0)
		fail_msg("parsing \"%s\" returned %d", text, rc);
	if (v.type != type)
		fail_msg("parsing \"%s\" gave a %s, want a %s", text, sqlkit_type_name(v.type),
		         sqlkit_type_name(type));
	return v;
}

static void expect_dt(const sqlkit_datetime *dt, int y, int mo, int d, int h, int mi, int s,
                      int us, int has_offset, int offset)
{
	assert_int_equal(dt->year, y);
	assert_int_equal(dt->month, mo);
	assert_int_equal(dt->day, d);
	assert_int_equal(dt->hour, h);
	assert_int_equal(dt->minute, mi);
	assert_int_equal(dt->second, s);
	assert_int_equal(dt->microsecond, us);
	assert_int_equal(dt->has_offset, has_offset);
	if (has_offset)
		assert_int_equal(dt->offset_minutes, offset);
}

/* format(parse(text)) must give want. */
static void expect_format(const char *text, const char *want)
{
	sqlkit_value v;
	char buf[40];
	int n;

	if (parse(&v, text) != 0)
		fail_msg("parsing \"%s\" failed", text);
	n = sqlkit_datetime_format(buf, sizeof buf, &v);
	if (n < 0)
		fail_msg("formatting \"%s\" returned %d", text, n);
	if (strcmp(buf, want) != 0)
		fail_msg("\"%s\" formats as \"%s\", want \"%s\"", text, buf, want);
	assert_int_equal(n, strlen(want));
}

/* ------------------------------------------------------------ parsing */

static void test_value__parses_dates(void **state)
{
	sqlkit_value v;

	(void)state;
	v = parse_ok("2024-01-31", SQLKIT_TYPE_DATE);
	expect_dt(&v.u.dt, 2024, 1, 31, 0, 0, 0, 0, 0, 0);
	v = parse_ok("0001-01-01", SQLKIT_TYPE_DATE);
	expect_dt(&v.u.dt, 1, 1, 1, 0, 0, 0, 0, 0, 0);
	v = parse_ok("9999-12-31", SQLKIT_TYPE_DATE);
	expect_dt(&v.u.dt, 9999, 12, 31, 0, 0, 0, 0, 0, 0);
	v = parse_ok("2024-04-30", SQLKIT_TYPE_DATE);
	expect_dt(&v.u.dt, 2024, 4, 30, 0, 0, 0, 0, 0, 0);
}

static void test_value__parses_times(void **state)
{
	sqlkit_value v;

	(void)state;
	v = parse_ok("12:34:56", SQLKIT_TYPE_TIME);
	expect_dt(&v.u.dt, 0, 0, 0, 12, 34, 56, 0, 0, 0);
	v = parse_ok("00:00:00", SQLKIT_TYPE_TIME);
	expect_dt(&v.u.dt, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	v = parse_ok("23:59:59.999999", SQLKIT_TYPE_TIME);
	expect_dt(&v.u.dt, 0, 0, 0, 23, 59, 59, 999999, 0, 0);
	v = parse_ok("23:59:60", SQLKIT_TYPE_TIME);  /* a leap second */
	expect_dt(&v.u.dt, 0, 0, 0, 23, 59, 60, 0, 0, 0);
	v = parse_ok("12:34:56+02:00", SQLKIT_TYPE_TIME);  /* PostgreSQL's timetz */
	expect_dt(&v.u.dt, 0, 0, 0, 12, 34, 56, 0, 1, 120);
}

static void test_value__parses_datetimes_with_t_or_space(void **state)
{
	sqlkit_value v;

	(void)state;
	v = parse_ok("2024-01-31 12:34:56", SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 2024, 1, 31, 12, 34, 56, 0, 0, 0);
	v = parse_ok("2024-01-31T12:34:56", SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 2024, 1, 31, 12, 34, 56, 0, 0, 0);
	v = parse_ok("2024-01-31t00:00:01", SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 2024, 1, 31, 0, 0, 1, 0, 0, 0);
	v = parse_ok("1999-12-31T23:59:59.5", SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 1999, 12, 31, 23, 59, 59, 500000, 0, 0);
}

static void test_value__parses_microseconds(void **state)
{
	static const struct { const char *text; int us; } cases[] = {
		{ "2024-01-31 12:00:00.1", 100000 },
		{ "2024-01-31 12:00:00.12", 120000 },
		{ "2024-01-31 12:00:00.123", 123000 },
		{ "2024-01-31 12:00:00.1234", 123400 },
		{ "2024-01-31 12:00:00.12345", 123450 },
		{ "2024-01-31 12:00:00.123456", 123456 },
		{ "2024-01-31 12:00:00.000001", 1 },
		{ "2024-01-31 12:00:00.000000", 0 },
		/* More than six digits: truncated, not rounded. */
		{ "2024-01-31 12:00:00.1234567", 123456 },
		{ "2024-01-31 12:00:00.999999999", 999999 },
		{ "2024-01-31 12:00:00.0000009", 0 },
		{ "12:00:00.123456789012", 123456 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		sqlkit_value v;
		assert_int_equal(parse(&v, cases[i].text), 0);
		if (v.u.dt.microsecond != cases[i].us)
			fail_msg("\"%s\" gave %d microseconds, want %d", cases[i].text,
			         v.u.dt.microsecond, cases[i].us);
		assert_int_equal(v.u.dt.second, 0);
	}
}

static void test_value__parses_offsets(void **state)
{
	static const struct { const char *text; int minutes; } cases[] = {
		{ "2024-01-31T12:00:00Z", 0 },
		{ "2024-01-31T12:00:00z", 0 },
		{ "2024-01-31 12:00:00+05:30", 330 },
		{ "2024-01-31 12:00:00-08:00", -480 },
		{ "2024-01-31 12:00:00+0530", 330 },
		{ "2024-01-31 12:00:00-0800", -480 },
		{ "2024-01-31 12:00:00+00:00", 0 },
		{ "2024-01-31 12:00:00-00:30", -30 },
		{ "2024-01-31 12:00:00+23:59", 23 * 60 + 59 },
		{ "2024-01-31 12:00:00+05", 300 },  /* PostgreSQL writes whole hours so */
		{ "2024-01-31 12:00:00.25+01:00", 60 },
		{ "2024-01-31 12:00:00.123456789Z", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		sqlkit_value v;
		if (parse(&v, cases[i].text) != 0)
			fail_msg("parsing \"%s\" failed", cases[i].text);
		assert_int_equal(v.type, SQLKIT_TYPE_DATETIME);
		assert_int_equal(v.u.dt.has_offset, 1);
		if (v.u.dt.offset_minutes != cases[i].minutes)
			fail_msg("\"%s\" gave offset %d, want %d", cases[i].text,
			         v.u.dt.offset_minutes, cases[i].minutes);
		assert_int_equal(v.u.dt.hour, 12);
	}
}

static void test_value__rejects_invalid_text(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"2023-02-29",            /* not a leap year */
		"1900-02-29",            /* divisible by 100, not by 400 */
		"2024-13-01",
		"2024-00-10",
		"2024-01-00",
		"2024-01-32",
		"2024-04-31",
		"2024-1-31",
		"24-01-31",
		"2024/01/31",
		"2024-01-31x",
		"2024-01-31 ",
		"2024-01-31T",
		"2024-01-31 12",
		"2024-01-31 24:00:00",
		"2024-01-31 12:60:00",
		"2024-01-31 12:00:61",
		"2024-01-31 1:00:00",
		"2024-01-31 12:00:00.",
		"2024-01-31 12:00:00junk",
		"2024-01-31 12:00:00Zjunk",
		"2024-01-31 12:00:00+05:30x",
		"2024-01-31 12:00:00+",
		"2024-01-31 12:00:00+5:30",
		"2024-01-31 12:00:00+05:3",
		"2024-01-31 12:00:00+24:00",
		"2024-01-31 12:00:00+05:60",
		"2024-01-31_12:00:00",
		"24:00:00",
		"12:3",
		"12:34:5",
		"12:34:56 ",
		"12:34:56x",
		"ab:cd:ef",
		"T12:00:00",
		" 2024-01-31",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		sqlkit_value v = sqlkit_int(42);
		int rc = parse(&v, bad[i]);
		if (rc != SQLKIT_EINVAL)
			fail_msg("parsing \"%s\" returned %d, want SQLKIT_EINVAL", bad[i], rc);
		/* out is left alone on failure */
		assert_int_equal(v.type, SQLKIT_TYPE_INT);
		assert_int_equal(v.u.i, 42);
	}
	{
		sqlkit_value v;
		assert_int_equal(sqlkit_datetime_parse(&v, NULL, 0), SQLKIT_EINVAL);
	}
}

static void test_value__leap_years(void **state)
{
	sqlkit_value v;

	(void)state;
	v = parse_ok("2024-02-29", SQLKIT_TYPE_DATE);
	expect_dt(&v.u.dt, 2024, 2, 29, 0, 0, 0, 0, 0, 0);
	v = parse_ok("2000-02-29 06:00:00", SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 2000, 2, 29, 6, 0, 0, 0, 0, 0);
	parse_ok("2023-02-28", SQLKIT_TYPE_DATE);
	assert_int_equal(parse(&v, "2024-02-30"), SQLKIT_EINVAL);
	assert_int_equal(parse(&v, "2100-02-29"), SQLKIT_EINVAL);
}

static void test_value__parse_respects_the_length(void **state)
{
	const char *text = "2024-01-31 12:34:56.789+01:00";
	sqlkit_value v;

	(void)state;
	assert_int_equal(sqlkit_datetime_parse(&v, text, 10), 0);
	assert_int_equal(v.type, SQLKIT_TYPE_DATE);
	assert_int_equal(sqlkit_datetime_parse(&v, text, 19), 0);
	assert_int_equal(v.type, SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 2024, 1, 31, 12, 34, 56, 0, 0, 0);
	assert_int_equal(sqlkit_datetime_parse(&v, text, 23), 0);
	expect_dt(&v.u.dt, 2024, 1, 31, 12, 34, 56, 789000, 0, 0);
	assert_int_equal(sqlkit_datetime_parse(&v, text, 9), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_datetime_parse(&v, text + 11, 8), 0);
	assert_int_equal(v.type, SQLKIT_TYPE_TIME);
	expect_dt(&v.u.dt, 0, 0, 0, 12, 34, 56, 0, 0, 0);
}

/* ------------------------------------------------------------ formatting */

static void test_value__format_round_trips(void **state)
{
	static const char *const canonical[] = {
		"2024-01-31",
		"0001-01-01",
		"00:00:00",
		"12:34:56.000001",
		"23:59:59.999999",
		"12:00:00+05:30",
		"2024-01-31 12:00:00",
		"2024-01-31 12:00:00.500000",
		"2024-01-31 12:00:00+00:00",
		"2024-01-31 12:00:00.000001+02:00",
		"1999-12-31 23:59:59-08:00",
		"2024-01-31 12:00:00+05:30",
		"2024-01-31 12:00:00-00:30",
		"2024-02-29 00:00:00",
		"9999-12-31 23:59:60.999999-23:59",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof canonical / sizeof *canonical; i++)
		expect_format(canonical[i], canonical[i]);
	/* Other spellings come back in the canonical form. */
	expect_format("2024-01-31T12:00:00", "2024-01-31 12:00:00");
	expect_format("2024-01-31T12:00:00Z", "2024-01-31 12:00:00+00:00");
	expect_format("2024-01-31 12:00:00.5", "2024-01-31 12:00:00.500000");
	expect_format("2024-01-31 12:00:00.000000", "2024-01-31 12:00:00");
	expect_format("2024-01-31t12:00:00.123456789+0530", "2024-01-31 12:00:00.123456+05:30");
	expect_format("2024-01-31 12:00:00+05", "2024-01-31 12:00:00+05:00");
	expect_format("12:00:00.1-0800", "12:00:00.100000-08:00");
}

static void test_value__format_microseconds_only_when_nonzero(void **state)
{
	sqlkit_value v;
	char buf[40];

	(void)state;
	v = sqlkit_datetime_v(2024, 1, 31, 12, 0, 0, 0);
	assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, &v), 19);
	assert_string_equal(buf, "2024-01-31 12:00:00");
	v = sqlkit_datetime_v(2024, 1, 31, 12, 0, 0, 7);
	assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, &v), 26);
	assert_string_equal(buf, "2024-01-31 12:00:00.000007");
	v = sqlkit_time(1, 2, 3, 0);
	assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, &v), 8);
	assert_string_equal(buf, "01:02:03");
	v = sqlkit_time(1, 2, 3, 400000);
	assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, &v), 15);
	assert_string_equal(buf, "01:02:03.400000");
	/* A DATE ignores time fields. */
	v = sqlkit_date(2024, 2, 29);
	v.u.dt.hour = 5;
	v.u.dt.microsecond = 5;
	assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, &v), 10);
	assert_string_equal(buf, "2024-02-29");
}

static void test_value__format_offset_when_present(void **state)
{
	sqlkit_value v;
	char buf[40];

	(void)state;
	v = sqlkit_datetime_v(2024, 1, 31, 12, 0, 0, 0);
	v.u.dt.offset_minutes = 120;  /* without has_offset: not printed */
	sqlkit_datetime_format(buf, sizeof buf, &v);
	assert_string_equal(buf, "2024-01-31 12:00:00");
	v.u.dt.has_offset = 1;
	sqlkit_datetime_format(buf, sizeof buf, &v);
	assert_string_equal(buf, "2024-01-31 12:00:00+02:00");
	v.u.dt.offset_minutes = -90;
	sqlkit_datetime_format(buf, sizeof buf, &v);
	assert_string_equal(buf, "2024-01-31 12:00:00-01:30");
	v.u.dt.offset_minutes = 0;
	sqlkit_datetime_format(buf, sizeof buf, &v);
	assert_string_equal(buf, "2024-01-31 12:00:00+00:00");
	v = sqlkit_time(23, 0, 0, 1);
	v.u.dt.has_offset = 1;
	v.u.dt.offset_minutes = 5 * 60 + 45;
	sqlkit_datetime_format(buf, sizeof buf, &v);
	assert_string_equal(buf, "23:00:00.000001+05:45");
	/* A DATE has no offset to print. */
	v = sqlkit_date(2024, 1, 31);
	v.u.dt.has_offset = 1;
	v.u.dt.offset_minutes = 60;
	sqlkit_datetime_format(buf, sizeof buf, &v);
	assert_string_equal(buf, "2024-01-31");
}

static void test_value__format_needs_room_for_the_nul(void **state)
{
	static const char *const texts[] = {
		"2024-01-31", "12:34:56", "12:34:56.000001+05:30",
		"2024-01-31 12:00:00", "2024-01-31 12:00:00.123456-08:00",
	};
	size_t i, size;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof *texts; i++) {
		size_t len = strlen(texts[i]);
		sqlkit_value v;
		assert_int_equal(parse(&v, texts[i]), 0);
		for (size = 0; size <= len + 1; size++) {
			/* exactly size bytes on the heap: a write past them is caught */
			char *buf = malloc(size ? size : 1);
			int rc;
			assert_non_null(buf);
			rc = sqlkit_datetime_format(buf, size, &v);
			if (size <= len)
				assert_int_equal(rc, SQLKIT_EINVAL);
			else {
				assert_int_equal(rc, (int)len);
				assert_string_equal(buf, texts[i]);
			}
			free(buf);
		}
	}
}

static void test_value__format_rejects_other_types(void **state)
{
	static const unsigned char u[16] = { 1 };
	const sqlkit_value others[] = {
		sqlkit_null(), sqlkit_int(20240131), sqlkit_float(1.5), sqlkit_bool(1),
		sqlkit_text("2024-01-31"), sqlkit_blob("x", 1), sqlkit_decimal("1"),
		sqlkit_json("{}"), sqlkit_uuid(u),
	};
	sqlkit_value d = sqlkit_date(2024, 1, 31);
	char buf[40];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof others / sizeof *others; i++)
		assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, &others[i]), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_datetime_format(buf, sizeof buf, NULL), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_datetime_format(NULL, 40, &d), SQLKIT_EINVAL);
}

/* ------------------------------------------------------------ UUIDs */

static const unsigned char UUID_BYTES[16] = {
	0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
	0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00,
};

static int uuid_parse(unsigned char out[16], const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	rc = sqlkit_uuid_parse(out, copy, len);
	free(copy);
	return rc;
}

static void test_value__uuid_parses_every_spelling(void **state)
{
	static const char *const good[] = {
		"123e4567-e89b-12d3-a456-426614174000",
		"123e4567e89b12d3a456426614174000",
		"{123e4567-e89b-12d3-a456-426614174000}",
		"{123e4567e89b12d3a456426614174000}",
		"123E4567-E89B-12D3-A456-426614174000",
		"123E4567e89B12d3A456426614174000",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof *good; i++) {
		unsigned char u[16];
		memset(u, 0, sizeof u);
		if (uuid_parse(u, good[i]) != 0)
			fail_msg("parsing UUID \"%s\" failed", good[i]);
		assert_memory_equal(u, UUID_BYTES, 16);
	}
}

static void test_value__uuid_rejects_bad_text(void **state)
{
	static const char *const bad[] = {
		"",
		"{}",
		"123e4567-e89b-12d3-a456-42661417400",      /* 35 */
		"123e4567-e89b-12d3-a456-4266141740000",    /* 37 */
		"123e4567e89b12d3a45642661417400",          /* 31 */
		"123e4567e89b12d3a4564266141740000",        /* 33 */
		"123e4567-e89b-12d3-a456-42661417400g",
		"123e4567e89b12d3a45642661417400z",
		"123e4567-e89b-12d3-a456_426614174000",
		"123e456-7e89b-12d3-a456-426614174000",     /* dash misplaced */
		"123e4567-e89b12d3-a456-4266141740000",
		"-123e4567e89b12d3a456426614174000-",       /* 34 */
		"{123e4567-e89b-12d3-a456-426614174000",
		"123e4567-e89b-12d3-a456-426614174000}",
		"(123e4567-e89b-12d3-a456-426614174000)",
		" 123e4567e89b12d3a456426614174000",
		"123e4567 e89b 12d3 a456 426614174000",
		"0x123e4567e89b12d3a45642661417400",
	};
	size_t i;
	unsigned char u[16];

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(u, 0xab, sizeof u);
		if (uuid_parse(u, bad[i]) != SQLKIT_EINVAL)
			fail_msg("UUID \"%s\" was accepted", bad[i]);
		{
			/* out is left alone on failure */
			unsigned char same[16];
			memset(same, 0xab, sizeof same);
			assert_memory_equal(u, same, 16);
		}
	}
	assert_int_equal(sqlkit_uuid_parse(u, NULL, 0), SQLKIT_EINVAL);
}

static void test_value__uuid_formats_lower_case(void **state)
{
	unsigned char zero[16], ones[16], back[16];
	char buf[37];
	size_t i;

	(void)state;
	memset(buf, 'x', sizeof buf);
	sqlkit_uuid_format(buf, UUID_BYTES);
	assert_string_equal(buf, "123e4567-e89b-12d3-a456-426614174000");
	assert_int_equal(strlen(buf), 36);

	memset(zero, 0, sizeof zero);
	sqlkit_uuid_format(buf, zero);
	assert_string_equal(buf, "00000000-0000-0000-0000-000000000000");

	memset(ones, 0xff, sizeof ones);
	sqlkit_uuid_format(buf, ones);
	assert_string_equal(buf, "ffffffff-ffff-ffff-ffff-ffffffffffff");

	for (i = 0; i < 16; i++)
		ones[i] = (unsigned char)(0xa0 + i * 17);
	sqlkit_uuid_format(buf, ones);
	assert_int_equal(strlen(buf), 36);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(buf[i], '-');
		else
			assert_true((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f'));
	}
	assert_int_equal(sqlkit_uuid_parse(back, buf, 36), 0);
	assert_memory_equal(back, ones, 16);
}

/* ------------------------------------------------------------ names, constructors */

static void test_value__type_names(void **state)
{
	(void)state;
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_NULL), "NULL");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_INT), "INT");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_FLOAT), "FLOAT");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_DECIMAL), "DECIMAL");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_TEXT), "TEXT");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_BLOB), "BLOB");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_BOOL), "BOOL");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_DATE), "DATE");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_TIME), "TIME");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_DATETIME), "DATETIME");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_JSON), "JSON");
	assert_string_equal(sqlkit_type_name(SQLKIT_TYPE_UUID), "UUID");
	assert_string_equal(sqlkit_type_name((sqlkit_type)99), "UNKNOWN");
}

static void expect_zero_dt(const sqlkit_value *v)
{
	expect_dt(&v->u.dt, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(v->u.dt.offset_minutes, 0);
}

static void test_value__constructors(void **state)
{
	static const unsigned char blob[] = { 0, 1, 2, 0xff };
	static const char text_with_nul[] = { 'a', '\0', 'b' };
	sqlkit_value v;

	(void)state;
	v = sqlkit_null();
	assert_int_equal(v.type, SQLKIT_TYPE_NULL);
	expect_zero_dt(&v);

	v = sqlkit_int(INT64_MIN);
	assert_int_equal(v.type, SQLKIT_TYPE_INT);
	assert_true(v.u.i == INT64_MIN);
	v = sqlkit_int(INT64_MAX);
	assert_true(v.u.i == INT64_MAX);

	v = sqlkit_float(-2.5);
	assert_int_equal(v.type, SQLKIT_TYPE_FLOAT);
	assert_true(v.u.f == -2.5);

	v = sqlkit_bool(5);
	assert_int_equal(v.type, SQLKIT_TYPE_BOOL);
	assert_int_equal(v.u.b, 1);
	v = sqlkit_bool(0);
	assert_int_equal(v.u.b, 0);

	v = sqlkit_text("héllo");
	assert_int_equal(v.type, SQLKIT_TYPE_TEXT);
	assert_int_equal(v.u.s.len, strlen("héllo"));
	assert_memory_equal(v.u.s.ptr, "héllo", v.u.s.len);
	v = sqlkit_text("");
	assert_int_equal(v.type, SQLKIT_TYPE_TEXT);
	assert_int_equal(v.u.s.len, 0);
	v = sqlkit_text(NULL);
	assert_int_equal(v.type, SQLKIT_TYPE_NULL);
	v = sqlkit_textn(text_with_nul, sizeof text_with_nul);
	assert_int_equal(v.type, SQLKIT_TYPE_TEXT);
	assert_ptr_equal(v.u.s.ptr, text_with_nul);
	assert_int_equal(v.u.s.len, 3);

	v = sqlkit_blob(blob, sizeof blob);
	assert_int_equal(v.type, SQLKIT_TYPE_BLOB);
	assert_ptr_equal(v.u.s.ptr, (const char *)blob);  /* borrowed, not copied */
	assert_int_equal(v.u.s.len, 4);
	v = sqlkit_blob(NULL, 0);
	assert_int_equal(v.type, SQLKIT_TYPE_BLOB);
	assert_int_equal(v.u.s.len, 0);

	v = sqlkit_decimal("-12.50");
	assert_int_equal(v.type, SQLKIT_TYPE_DECIMAL);
	assert_int_equal(v.u.s.len, 6);
	assert_memory_equal(v.u.s.ptr, "-12.50", 6);
	v = sqlkit_decimal(NULL);
	assert_int_equal(v.type, SQLKIT_TYPE_NULL);

	v = sqlkit_json("{\"a\": [1, 2]}");
	assert_int_equal(v.type, SQLKIT_TYPE_JSON);
	assert_int_equal(v.u.s.len, 13);
	v = sqlkit_json(NULL);
	assert_int_equal(v.type, SQLKIT_TYPE_NULL);

	v = sqlkit_uuid(UUID_BYTES);
	assert_int_equal(v.type, SQLKIT_TYPE_UUID);
	assert_memory_equal(v.u.uuid, UUID_BYTES, 16);

	v = sqlkit_date(2024, 2, 29);
	assert_int_equal(v.type, SQLKIT_TYPE_DATE);
	expect_dt(&v.u.dt, 2024, 2, 29, 0, 0, 0, 0, 0, 0);

	v = sqlkit_time(23, 59, 58, 123456);
	assert_int_equal(v.type, SQLKIT_TYPE_TIME);
	expect_dt(&v.u.dt, 0, 0, 0, 23, 59, 58, 123456, 0, 0);

	v = sqlkit_datetime_v(1999, 12, 31, 23, 59, 59, 1);
	assert_int_equal(v.type, SQLKIT_TYPE_DATETIME);
	expect_dt(&v.u.dt, 1999, 12, 31, 23, 59, 59, 1, 0, 0);
	assert_int_equal(v.u.dt.offset_minutes, 0);
}

static void test_value__constructed_values_match_parsed_ones(void **state)
{
	sqlkit_value a, b;

	(void)state;
	a = sqlkit_datetime_v(2024, 1, 31, 12, 34, 56, 789000);
	b = parse_ok("2024-01-31T12:34:56.789", SQLKIT_TYPE_DATETIME);
	assert_memory_equal(&a.u.dt, &b.u.dt, sizeof a.u.dt);
	a = sqlkit_date(2024, 1, 31);
	b = parse_ok("2024-01-31", SQLKIT_TYPE_DATE);
	assert_memory_equal(&a.u.dt, &b.u.dt, sizeof a.u.dt);
	a = sqlkit_time(0, 0, 1, 0);
	b = parse_ok("00:00:01", SQLKIT_TYPE_TIME);
	assert_memory_equal(&a.u.dt, &b.u.dt, sizeof a.u.dt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value__parses_dates),
		cmocka_unit_test(test_value__parses_times),
		cmocka_unit_test(test_value__parses_datetimes_with_t_or_space),
		cmocka_unit_test(test_value__parses_microseconds),
		cmocka_unit_test(test_value__parses_offsets),
		cmocka_unit_test(test_value__rejects_invalid_text),
		cmocka_unit_test(test_value__leap_years),
		cmocka_unit_test(test_value__parse_respects_the_length),
		cmocka_unit_test(test_value__format_round_trips),
		cmocka_unit_test(test_value__format_microseconds_only_when_nonzero),
		cmocka_unit_test(test_value__format_offset_when_present),
		cmocka_unit_test(test_value__format_needs_room_for_the_nul),
		cmocka_unit_test(test_value__format_rejects_other_types),
		cmocka_unit_test(test_value__uuid_parses_every_spelling),
		cmocka_unit_test(test_value__uuid_rejects_bad_text),
		cmocka_unit_test(test_value__uuid_formats_lower_case),
		cmocka_unit_test(test_value__type_names),
		cmocka_unit_test(test_value__constructors),
		cmocka_unit_test(test_value__constructed_values_match_parsed_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
