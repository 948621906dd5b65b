/*
 * tests/test_url.c - sqlkit_url_parse(), sqlkit_url_format() and the plugin view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sqlkit/errors.h"
#include "sqlkit/url.h"
#include "url_internal.h"

/* ---- helpers ---- */

static void assert_str_or_null(const char *actual, const char *expected)
{
	if (!expected)
		assert_null(actual);
	else {
		assert_non_null(actual);
		assert_string_equal(actual, expected);
	}
}

static sqlkit_url *parse_ok(const char *text)
{
	sqlkit_url *url = NULL;
	int rc = sqlkit_url_parse(&url, text);

	if (rc != 0)
		fail_msg("parsing \"%s\" failed (%d): %s", text, rc, sqlkit_error_last()->message);
	assert_non_null(url);
	return url;
}

static void check(const sqlkit_url *url, const char *dialect, const char *driver,
                  const char *username, const char *password, const char *host, int port,
                  const char *database)
{
	assert_str_or_null(sqlkit_url_dialect(url), dialect);
	assert_str_or_null(sqlkit_url_driver(url), driver);
	assert_str_or_null(sqlkit_url_username(url), username);
	assert_str_or_null(sqlkit_url_password(url), password);
	assert_str_or_null(sqlkit_url_host(url), host);
	assert_int_equal(sqlkit_url_port(url), port);
	assert_str_or_null(sqlkit_url_database(url), database);
}

static void check_parse(const char *text, const char *dialect, const char *driver,
                        const char *username, const char *password, const char *host,
                        int port, const char *database)
{
	sqlkit_url *url = parse_ok(text);
	check(url, dialect, driver, username, password, host, port, database);
	assert_int_equal(sqlkit_url_query_count(url), 0);
	sqlkit_url_free(url);
}

/* Parsing text must fail with SQLKIT_EURL, leave *out NULL, and say part
 * (quoted by the caller) but never secret. */
static void expect_fail(const char *text, const char *part, const char *secret)
{
	sqlkit_url *url = (sqlkit_url *)&url; /* anything but NULL */
	const sqlkit_error *e;
	int rc;

	sqlkit_error_clear();
	rc = sqlkit_url_parse(&url, text);
	e = sqlkit_error_last();
	if (rc != SQLKIT_EURL)
		fail_msg("\"%s\": expected SQLKIT_EURL, got %d (%s)", text ? text : "(null)",
		         rc, e->message);
	assert_null(url);
	assert_int_equal(e->code, SQLKIT_EURL);
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_INTERFACE);
	assert_null(strchr(e->message, '\n'));
	assert_null(strchr(e->message, '\r'));
	if (part && !strstr(e->message, part))
		fail_msg("message for \"%s\" lacks '%s': %s", text, part, e->message);
	if (secret && strstr(e->message, secret))
		fail_msg("message for \"%s\" shows the password: %s", text, e->message);
}

static void assert_same(const sqlkit_url *a, const sqlkit_url *b)
{
	size_t i;

	check(b, sqlkit_url_dialect(a), sqlkit_url_driver(a), sqlkit_url_username(a),
	      sqlkit_url_password(a), sqlkit_url_host(a), sqlkit_url_port(a),
	      sqlkit_url_database(a));
	assert_int_equal(sqlkit_url_query_count(a), sqlkit_url_query_count(b));
	for (i = 0; i < sqlkit_url_query_count(a); i++) {
		const char *ka, *va, *kb, *vb;
		assert_int_equal(sqlkit_url_query_at(a, i, &ka, &va), 0);
		assert_int_equal(sqlkit_url_query_at(b, i, &kb, &vb), 0);
		assert_string_equal(ka, kb);
		assert_string_equal(va, vb);
	}
}

static char *format_ok(const sqlkit_url *url, unsigned flags)
{
	char *s = NULL;
	assert_int_equal(sqlkit_url_format(&s, url, flags), 0);
	assert_non_null(s);
	return s;
}

/* parse -> format -> parse gives the same components; returns the rendering
 * when want is NULL, else checks it. */
static void round_trip(const char *text, const char *want)
{
	sqlkit_url *a = parse_ok(text), *b;
	char *s = format_ok(a, 0);

	if (want)
		assert_string_equal(s, want);
	b = parse_ok(s);
	assert_same(a, b);
	sqlkit_url_free(a);
	sqlkit_url_free(b);
	sqlkit_free(s);
}

/* ---- the SQLAlchemy documentation's examples ---- */

static void test_url__parses_sqlalchemy_examples(void **state)
{
	(void)state;
	check_parse("postgresql://scott:tiger@localhost/test",
	            "postgresql", NULL, "scott", "tiger", "localhost", 0, "test");
	check_parse("postgresql+psycopg2://scott:tiger@localhost:5432/mydatabase",
	            "postgresql", "psycopg2", "scott", "tiger", "localhost", 5432, "mydatabase");
	check_parse("postgresql+pg8000://dbuser:kx%40jj5%2Fg@pghost10/appdb",
	            "postgresql", "pg8000", "dbuser", "kx@jj5/g", "pghost10", 0, "appdb");
	check_parse("mssql://u:p@host:1433/db", "mssql", NULL, "u", "p", "host", 1433, "db");
	check_parse("mssql+pyodbc://scott:tiger@mydsn", "mssql", "pyodbc", "scott", "tiger",
	            "mydsn", 0, NULL);
	check_parse("postgresql://me@localhost/mydb",
	            "postgresql", NULL, "me", NULL, "localhost", 0, "mydb");
	check_parse("oracle+cx_oracle://scott:tiger@tnsname",
	            "oracle", "cx_oracle", "scott", "tiger", "tnsname", 0, NULL);
	check_parse("postgresql://localhost", "postgresql", NULL, NULL, NULL, "localhost", 0, NULL);
	check_parse("postgresql://", "postgresql", NULL, NULL, NULL, NULL, 0, NULL);
	check_parse("postgresql://:5432/db", "postgresql", NULL, NULL, NULL, NULL, 5432, "db");
	check_parse("postgresql://localhost:65535/db", "postgresql", NULL, NULL, NULL,
	            "localhost", 65535, "db");
	check_parse("postgresql://localhost:1/db", "postgresql", NULL, NULL, NULL,
	            "localhost", 1, "db");
	check_parse("postgresql://localhost:05432/db", "postgresql", NULL, NULL, NULL,
	            "localhost", 5432, "db");
}

static void test_url__parses_mysql_query(void **state)
{
	sqlkit_url *url = parse_ok("mysql+mysqlclient://u:p@host/db?charset=utf8mb4");
	const char *k, *v;

	(void)state;
	check(url, "mysql", "mysqlclient", "u", "p", "host", 0, "db");
	assert_int_equal(sqlkit_url_query_count(url), 1);
	assert_int_equal(sqlkit_url_query_at(url, 0, &k, &v), 0);
	assert_string_equal(k, "charset");
	assert_string_equal(v, "utf8mb4");
	assert_string_equal(sqlkit_url_query_get(url, "charset", 0), "utf8mb4");
	assert_null(sqlkit_url_query_get(url, "charset", 1));
	assert_null(sqlkit_url_query_get(url, "Charset", 0));
	assert_null(sqlkit_url_query_get(url, NULL, 0));
	sqlkit_url_free(url);
}

static void test_url__parses_sqlite_forms(void **state)
{
	sqlkit_url *url;

	(void)state;
	check_parse("sqlite://", "sqlite", NULL, NULL, NULL, NULL, 0, NULL);
	check_parse("sqlite:///:memory:", "sqlite", NULL, NULL, NULL, NULL, 0, ":memory:");
	check_parse("sqlite:///relative.db", "sqlite", NULL, NULL, NULL, NULL, 0, "relative.db");
	check_parse("sqlite:////absolute/path.db", "sqlite", NULL, NULL, NULL, NULL, 0,
	            "/absolute/path.db");
	check_parse("sqlite+pysqlite:///sub/dir/file.db", "sqlite", "pysqlite", NULL, NULL,
	            NULL, 0, "sub/dir/file.db");
	check_parse("sqlite:///", "sqlite", NULL, NULL, NULL, NULL, 0, "");
	check_parse("sqlite:///C:\\path\\to\\foo.db", "sqlite", NULL, NULL, NULL, NULL, 0,
	            "C:\\path\\to\\foo.db");

	url = parse_ok("sqlite:///file.db?mode=ro&timeout=5");
	check(url, "sqlite", NULL, NULL, NULL, NULL, 0, "file.db");
	assert_int_equal(sqlkit_url_query_count(url), 2);
	assert_string_equal(sqlkit_url_query_get(url, "mode", 0), "ro");
	assert_string_equal(sqlkit_url_query_get(url, "timeout", 0), "5");
	sqlkit_url_free(url);

	url = parse_ok("sqlite://?mode=memory");
	check(url, "sqlite", NULL, NULL, NULL, NULL, 0, NULL);
	assert_string_equal(sqlkit_url_query_get(url, "mode", 0), "memory");
	sqlkit_url_free(url);
}

/* ---- decoding ---- */

static void test_url__decodes_userinfo(void **state)
{
	(void)state;
	check_parse("postgresql://scott:p%40ss@localhost/db",
	            "postgresql", NULL, "scott", "p@ss", "localhost", 0, "db");
	check_parse("postgresql://us%3Aer:a%2Fb%3Fc%23d%25e@h/db",
	            "postgresql", NULL, "us:er", "a/b?c#d%e", "h", 0, "db");
	/* '+' is literal outside the query, and a raw ':' may be in the password */
	check_parse("postgresql://a+b:c+d:e@h/db", "postgresql", NULL, "a+b", "c+d:e", "h", 0, "db");
	check_parse("postgresql://caf%C3%A9:x@h/db", "postgresql", NULL, "caf\xc3\xa9", "x", "h",
	            0, "db");
}

static void test_url__parses_empty_password(void **state)
{
	(void)state;
	check_parse("postgresql://user:@host/db", "postgresql", NULL, "user", "", "host", 0, "db");
	check_parse("postgresql://:secret@host/db", "postgresql", NULL, "", "secret", "host", 0,
	            "db");
	check_parse("postgresql://@host/db", "postgresql", NULL, "", NULL, "host", 0, "db");
	check_parse("postgresql://user@/db", "postgresql", NULL, "user", NULL, NULL, 0, "db");
}

/* As SQLAlchemy: the user name may hold a raw '@' (Azure's "user@server"). */
static void test_url__keeps_raw_at_in_username(void **state)
{
	(void)state;
	check_parse("postgresql://user@corp@host/db",
	            "postgresql", NULL, "user@corp", NULL, "host", 0, "db");
	check_parse("postgresql://user@server:pw@host:5432/db",
	            "postgresql", NULL, "user@server", "pw", "host", 5432, "db");
}

static void test_url__decodes_database(void **state)
{
	(void)state;
	check_parse("postgresql://h/my%2Fdb", "postgresql", NULL, NULL, NULL, "h", 0, "my/db");
	check_parse("postgresql://h/a+b c", "postgresql", NULL, NULL, NULL, "h", 0, "a+b c");
	check_parse("postgresql://h/a%20b%3Fc", "postgresql", NULL, NULL, NULL, "h", 0, "a b?c");
	check_parse("sqlite:///a#b.db", "sqlite", NULL, NULL, NULL, NULL, 0, "a#b.db");
	check_parse("sqlite:///~user@x/f.db", "sqlite", NULL, NULL, NULL, NULL, 0, "~user@x/f.db");
}

static void test_url__decodes_host(void **state)
{
	(void)state;
	check_parse("postgresql://user@%2Fvar%2Frun%2Fpostgresql/db",
	            "postgresql", NULL, "user", NULL, "/var/run/postgresql", 0, "db");
}

static void test_url__decodes_query(void **state)
{
	sqlkit_url *url = parse_ok("postgresql://h/db?q=a+b%2Bc&na+me=x%3Dy%26z&e=%40");

	(void)state;
	assert_int_equal(sqlkit_url_query_count(url), 3);
	assert_string_equal(sqlkit_url_query_get(url, "q", 0), "a b+c");
	assert_string_equal(sqlkit_url_query_get(url, "na me", 0), "x=y&z");
	assert_string_equal(sqlkit_url_query_get(url, "e", 0), "@");
	sqlkit_url_free(url);
}

static void test_url__keeps_repeated_query_keys(void **state)
{
	sqlkit_url *url = parse_ok("postgresql:///db?host=a&port=1&host=b&host=c");
	const char *k = "x", *v = "y";

	(void)state;
	assert_int_equal(sqlkit_url_query_count(url), 4);
	assert_int_equal(sqlkit_url_query_count_key(url, "host"), 3);
	assert_int_equal(sqlkit_url_query_count_key(url, "port"), 1);
	assert_int_equal(sqlkit_url_query_count_key(url, "nope"), 0);
	assert_string_equal(sqlkit_url_query_get(url, "host", 0), "a");
	assert_string_equal(sqlkit_url_query_get(url, "host", 1), "b");
	assert_string_equal(sqlkit_url_query_get(url, "host", 2), "c");
	assert_null(sqlkit_url_query_get(url, "host", 3));
	assert_int_equal(sqlkit_url_query_at(url, 1, &k, &v), 0);
	assert_string_equal(k, "port");
	assert_string_equal(v, "1");
	assert_int_equal(sqlkit_url_query_at(url, 3, &k, NULL), 0);
	assert_string_equal(k, "host");
	assert_int_equal(sqlkit_url_query_at(url, 4, &k, &v), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_error_last()->code, SQLKIT_EINVAL);
	sqlkit_url_free(url);
}

static void test_url__reads_blank_query_parameters(void **state)
{
	sqlkit_url *url = parse_ok("postgresql://h/db?a=&b&&c=1=2&");

	(void)state;
	assert_int_equal(sqlkit_url_query_count(url), 3);
	assert_string_equal(sqlkit_url_query_get(url, "a", 0), "");
	assert_string_equal(sqlkit_url_query_get(url, "b", 0), "");
	assert_string_equal(sqlkit_url_query_get(url, "c", 0), "1=2");
	sqlkit_url_free(url);

	url = parse_ok("postgresql://h/db?");
	assert_int_equal(sqlkit_url_query_count(url), 0);
	assert_string_equal(sqlkit_url_database(url), "db");
	sqlkit_url_free(url);
}

/* ---- hosts ---- */

static void test_url__parses_ipv6_host(void **state)
{
	(void)state;
	check_parse("postgresql://[::1]:5432/db", "postgresql", NULL, NULL, NULL, "::1", 5432, "db");
	check_parse("postgresql://u:p@[2001:db8::7]/db", "postgresql", NULL, "u", "p",
	            "2001:db8::7", 0, "db");
	check_parse("postgresql://[::1]", "postgresql", NULL, NULL, NULL, "::1", 0, NULL);
	check_parse("postgresql://[::ffff:192.0.2.1]:6432", "postgresql", NULL, NULL, NULL,
	            "::ffff:192.0.2.1", 6432, NULL);
}

static void test_url__parses_ipv6_zone(void **state)
{
	(void)state;
	check_parse("postgresql://[fe80::1%25eth0]:5432/db", "postgresql", NULL, NULL, NULL,
	            "fe80::1%eth0", 5432, "db");
	check_parse("postgresql://[fe80::1%25eth0]", "postgresql", NULL, NULL, NULL,
	            "fe80::1%eth0", 0, NULL);
}

/* An '@' after an IPv6 host cannot be part of a password. */
static void test_url__allows_at_after_ipv6_host(void **state)
{
	sqlkit_url *url = parse_ok("postgresql://[::1]:5432/db?mail=a@b");

	(void)state;
	check(url, "postgresql", NULL, NULL, NULL, "::1", 5432, "db");
	assert_string_equal(sqlkit_url_query_get(url, "mail", 0), "a@b");
	sqlkit_url_free(url);
}

static void test_url__keeps_scheme_as_given(void **state)
{
	(void)state;
	check_parse("PostgreSQL+Psycopg2://h/db", "PostgreSQL", "Psycopg2", NULL, NULL, "h", 0, "db");
	check_parse("my-dialect.v2_x+drv-1.0_b://h", "my-dialect.v2_x", "drv-1.0_b", NULL, NULL,
	            "h", 0, NULL);
}

/* ---- formatting ---- */

static void test_url__formats_canonical_urls_unchanged(void **state)
{
	static const char *const urls[] = {
		"postgresql://scott:tiger@localhost/test",
		"postgresql+psycopg2://scott:tiger@localhost:5432/mydatabase",
		"mysql+mysqlclient://u:p@host/db?charset=utf8mb4",
		"mssql://u:p@host:1433/db",
		"postgresql://me@localhost/mydb",
		"sqlite://",
		"sqlite:///:memory:",
		"sqlite:///relative.db",
		"sqlite:////absolute/path.db",
		"sqlite:///file.db?mode=ro&timeout=5",
		"postgresql://[::1]:5432/db",
		"postgresql://[fe80::1%25eth0]/db",
		"postgresql://user:@host/db",
		"postgresql://h/db?host=a&host=b",
		"postgresql://:5432",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++)
		round_trip(urls[i], urls[i]);
}

static void test_url__formats_with_percent_encoding(void **state)
{
	(void)state;
	round_trip("postgresql://scott:p%40ss@localhost/db", "postgresql://scott:p%40ss@localhost/db");
	round_trip("postgresql://user@corp@host/db", "postgresql://user%40corp@host/db");
	round_trip("postgresql://a%2Fb:c%3Ad%20e@h/db", "postgresql://a%2Fb:c%3Ad%20e@h/db");
	round_trip("postgresql://h/db?q=a+b%2Bc&k=%26%3D", "postgresql://h/db?q=a+b%2Bc&k=%26%3D");
	round_trip("postgresql://h/db?flag", "postgresql://h/db?flag=");
	round_trip("postgresql://h:5432/a%40b%3Fc", "postgresql://h:5432/a%40b%3Fc");
	round_trip("postgresql://user@%2Fvar%2Frun%2Fpostgresql/db",
	           "postgresql://user@%2Fvar%2Frun%2Fpostgresql/db");
	round_trip("sqlite:///a b+c#d.db", "sqlite:///a%20b+c%23d.db");
	round_trip("postgresql://h%3Ax/db", "postgresql://[h:x]/db");
}

static void test_url__round_trips(void **state)
{
	static const char *const urls[] = {
		"postgresql://us%3Aer:a%2Fb%3Fc%23d%25e@h/db",
		"postgresql://a+b:c+d:e@h/db",
		"postgresql://:secret@host/db",
		"postgresql://@host/db",
		"postgresql://user@/db",
		"postgresql://caf%C3%A9:x@h/caf%C3%A9?caf%C3%A9=%C3%A9",
		"postgresql:///db?host=a&port=1&host=b&host=c",
		"postgresql://h/db?a=&b&&c=1=2&",
		"postgresql://[::ffff:192.0.2.1]:6432",
		"postgresql://[::1]:5432/db?mail=a@b",
		"PostgreSQL+Psycopg2://h/db",
		"sqlite:///C:\\path\\to\\foo.db",
		"sqlite:///~user@x/f.db",
		"sqlite:///",
		"sqlite://?mode=memory",
		"mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BSERVER%3Dx",
		"postgresql://h/%25%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D",
		"postgresql://u:%01%7F%FF@h/db",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++)
		round_trip(urls[i], NULL);
}

static void test_url__masks_password(void **state)
{
	sqlkit_url *url = parse_ok("postgresql+psycopg2://scott:tiger@localhost:5432/db?a=1");
	char *s = format_ok(url, SQLKIT_URL_MASK_PASSWORD);

	(void)state;
	assert_string_equal(s, "postgresql+psycopg2://scott:***@localhost:5432/db?a=1");
	sqlkit_free(s);
	s = format_ok(url, 0);
	assert_string_equal(s, "postgresql+psycopg2://scott:tiger@localhost:5432/db?a=1");
	sqlkit_free(s);
	sqlkit_url_free(url);

	url = parse_ok("postgresql://scott:@localhost/db");
	s = format_ok(url, SQLKIT_URL_MASK_PASSWORD);
	assert_string_equal(s, "postgresql://scott:***@localhost/db");
	sqlkit_free(s);
	sqlkit_url_free(url);

	url = parse_ok("postgresql://scott@localhost/db");
	s = format_ok(url, SQLKIT_URL_MASK_PASSWORD);
	assert_string_equal(s, "postgresql://scott@localhost/db");
	sqlkit_free(s);
	sqlkit_url_free(url);
}

static void test_url__format_rejects_null(void **state)
{
	char *s = (char *)&s;
	sqlkit_url *url = parse_ok("sqlite://");

	(void)state;
	assert_int_equal(sqlkit_url_format(&s, NULL, 0), SQLKIT_EINVAL);
	assert_null(s);
	assert_int_equal(sqlkit_url_format(NULL, url, 0), SQLKIT_EINVAL);
	sqlkit_url_free(url);
}

/* ---- the plugin's view, freeing ---- */

static void test_url__fills_plugin_view(void **state)
{
	sqlkit_url *url = parse_ok("postgresql+psycopg2://u:p%40w@[::1]:5433/d%2Fb?k=1&k=2&z");
	sqlkit_plugin_url v;

	(void)state;
	sqlkit__url_view(url, &v);
	assert_string_equal(v.dialect, "postgresql");
	assert_string_equal(v.driver, "psycopg2");
	assert_string_equal(v.username, "u");
	assert_string_equal(v.password, "p@w");
	assert_string_equal(v.host, "::1");
	assert_int_equal(v.port, 5433);
	assert_string_equal(v.database, "d/b");
	assert_int_equal(v.nquery, 3);
	assert_string_equal(v.query_keys[0], "k");
	assert_string_equal(v.query_values[0], "1");
	assert_string_equal(v.query_keys[1], "k");
	assert_string_equal(v.query_values[1], "2");
	assert_string_equal(v.query_keys[2], "z");
	assert_string_equal(v.query_values[2], "");
	assert_ptr_equal(v.host, sqlkit_url_host(url));
	sqlkit_url_free(url);

	url = parse_ok("sqlite://");
	sqlkit__url_view(url, &v);
	assert_string_equal(v.dialect, "sqlite");
	assert_null(v.driver);
	assert_null(v.username);
	assert_null(v.password);
	assert_null(v.host);
	assert_int_equal(v.port, 0);
	assert_null(v.database);
	assert_int_equal(v.nquery, 0);
	sqlkit_url_free(url);
}

static void test_url__free_null_is_noop(void **state)
{
	(void)state;
	sqlkit_url_free(NULL);
	assert_null(sqlkit_url_dialect(NULL));
	assert_int_equal(sqlkit_url_port(NULL), 0);
	assert_int_equal(sqlkit_url_query_count(NULL), 0);
}

/* ---- malformed URLs ---- */

static void test_url__fails_on_null(void **state)
{
	sqlkit_url *url = (sqlkit_url *)&url;

	(void)state;
	expect_fail(NULL, "NULL", NULL);
	assert_int_equal(sqlkit_url_parse(NULL, "sqlite://"), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_url_parse(&url, NULL), SQLKIT_EURL);
	assert_null(url);
}

static void test_url__fails_without_scheme(void **state)
{
	(void)state;
	expect_fail("localhost/db", "invalid URL \"localhost/db\": no scheme "
	            "(expected \"dialect[+driver]://...\")", NULL);
	expect_fail("localhost:5432/db", "\"localhost:5432/db\": no scheme", NULL);
	expect_fail("postgresql:/db", "\"postgresql:/db\": no scheme", NULL);
	expect_fail("postgresql", "\"postgresql\": no scheme", NULL);
	expect_fail("", "\"\": no scheme", NULL);
	expect_fail("localhost/db?next=http://x", "no scheme", NULL);
	/* a forgotten scheme still hides the password */
	expect_fail("scott:tiger@localhost/db", "\"scott:***@localhost/db\": no scheme", "tiger");
}

static void test_url__fails_on_empty_scheme(void **state)
{
	(void)state;
	expect_fail("://localhost/db", "\"://localhost/db\": empty scheme", NULL);
	expect_fail("://u:secret@h/db", "\"://u:***@h/db\"", "secret");
}

static void test_url__fails_on_bad_scheme_character(void **state)
{
	(void)state;
	expect_fail("p\xc3\xb6stgres://h/db", "invalid scheme \"p\xc3\xb6stgres\"", NULL);
	expect_fail("p\xc3\xb6stgres://h/db", "non-ASCII", NULL);
	expect_fail("pg sql://h/db", "invalid scheme \"pg sql\"", NULL);
	expect_fail("pg sql://h/db", "invalid character \" \"", NULL);
	expect_fail("pg!://h/db", "invalid character \"!\"", NULL);
	expect_fail(" postgresql://h/db", "invalid scheme \" postgresql\"", NULL);
	expect_fail("1pg://h/db", "invalid scheme \"1pg\"", NULL);
	expect_fail("pg+1x://h/db", "invalid scheme \"pg+1x\"", NULL);
}

static void test_url__fails_on_empty_driver_or_dialect(void **state)
{
	(void)state;
	expect_fail("postgresql+://h/db", "invalid scheme \"postgresql+\"", NULL);
	expect_fail("postgresql+://h/db", "empty driver", NULL);
	expect_fail("+psycopg2://h/db", "invalid scheme \"+psycopg2\"", NULL);
	expect_fail("+psycopg2://h/db", "empty dialect", NULL);
	expect_fail("a+b+c://h/db", "invalid scheme \"a+b+c\"", NULL);
}

static void test_url__fails_on_bad_port(void **state)
{
	(void)state;
	expect_fail("postgresql://u:secret@h:54x2/db", "invalid port \"54x2\"", "secret");
	expect_fail("postgresql://u:secret@h:54x2/db", "\"postgresql://u:***@h:54x2/db\"", NULL);
	expect_fail("postgresql://h:/db", "invalid port \"\"", NULL);
	expect_fail("postgresql://h:", "invalid port \"\"", NULL);
	expect_fail("postgresql://h:99999/db", "invalid port \"99999\" in URL "
	            "\"postgresql://h:99999/db\": out of range 1-65535", NULL);
	expect_fail("postgresql://h:65536/db", "invalid port \"65536\"", NULL);
	expect_fail("postgresql://h:0/db", "invalid port \"0\"", NULL);
	expect_fail("postgresql://h:0/db", "out of range", NULL);
	expect_fail("postgresql://h:99999999999999999999999/db",
	            "invalid port \"99999999999999999999999\"", NULL);
	expect_fail("postgresql://h:+5432/db", "invalid port \"+5432\"", NULL);
	expect_fail("postgresql://h:-1/db", "invalid port \"-1\"", NULL);
	expect_fail("postgresql://h: 5432/db", "invalid port \" 5432\"", NULL);
	expect_fail("postgresql://::1:5432/db", "needs brackets", NULL);
	expect_fail("postgresql://[::1]:/db", "invalid port \"\"", NULL);
	expect_fail("postgresql://[::1]:x/db", "invalid port \"x\"", NULL);
}

static void test_url__fails_on_bad_ipv6_host(void **state)
{
	(void)state;
	expect_fail("postgresql://[::1/db", "invalid host \"[::1\"", NULL);
	expect_fail("postgresql://[::1/db", "unterminated \"[\"", NULL);
	expect_fail("postgresql://u:secret@[::1:5432", "invalid host \"[::1:5432\"", "secret");
	expect_fail("postgresql://[]/db", "invalid host \"[]\"", NULL);
	expect_fail("postgresql://[::1]x:5432/db", "invalid host \"[::1]x:5432\"", NULL);
	expect_fail("postgresql://[::1]x:5432/db", "expected \":port\"", NULL);
	expect_fail("postgresql://[::1]]/db", "invalid host \"[::1]]\"", NULL);
	expect_fail("postgresql://[[::1]/db", "invalid host \"[[::1]\"", NULL);
	expect_fail("postgresql://ho[st/db", "invalid host \"ho[st\"", NULL);
	expect_fail("postgresql://host]:5432/db", "invalid host \"host]:5432\"", NULL);
}

static void test_url__fails_on_raw_at_in_host(void **state)
{
	(void)state;
	/* SQLAlchemy would read password "p", host "ss@localhost" */
	expect_fail("postgresql://scott:p@ss@localhost/db",
	            "\"postgresql://scott:***@localhost/db\": raw \"@\"", "p@ss");
	expect_fail("postgresql://scott:p@ss@localhost/db", NULL, "ss@");
	expect_fail("postgresql://u:p@h@x:5432/db", "raw \"@\"", "p@h");
}

static void test_url__fails_on_ambiguous_at(void **state)
{
	(void)state;
	/* SQLAlchemy: password "pa/ss"; by the authority: host "u", port "pa" */
	expect_fail("postgresql://u:pa/ss@h/db", "\"postgresql://u:***@h/db\": ambiguous \"@\"",
	            "pa/ss");
	/* SQLAlchemy: password "12/ss"; by the authority: port 12, database "ss@h/db" */
	expect_fail("postgresql://u:12/ss@h/db", "ambiguous \"@\"", "12/ss");
	expect_fail("postgresql://u:pa?ss@h/db", "ambiguous \"@\"", "pa?ss");
	/* SQLAlchemy: user "h", password "5432/db?mail=a", host "b" */
	expect_fail("postgresql://h:5432/db?mail=a@b", "ambiguous \"@\"", NULL);
	/* SQLAlchemy: user "u@h", password "5432/db", host "x" */
	expect_fail("postgresql://u@h:5432/db@x", "ambiguous \"@\"", NULL);
}

static void test_url__fails_on_bad_percent_escape(void **state)
{
	(void)state;
	expect_fail("postgresql://h/d%zzb", "invalid percent escape \"%zz\"", NULL);
	expect_fail("postgresql://h/d%zzb", "in the database", NULL);
	expect_fail("postgresql://h/db%4", "invalid percent escape \"%4\"", NULL);
	expect_fail("postgresql://h/db%", "invalid percent escape \"%\"", NULL);
	expect_fail("postgresql://h/d%4gb", "invalid percent escape \"%4g\"", NULL);
	expect_fail("postgresql://h/d%00b", "invalid percent escape \"%00\"", NULL);
	expect_fail("postgresql://h/d%00b", "NUL byte", NULL);
	expect_fail("postgresql://us%zr@h/db", "invalid percent escape \"%zr\"", NULL);
	expect_fail("postgresql://us%zr@h/db", "in the user name", NULL);
	expect_fail("postgresql://h%4/db", "invalid percent escape \"%4\"", NULL);
	expect_fail("postgresql://h%G1/db", "in the host", NULL);
	expect_fail("postgresql://[fe80::1%eth0]/db", "invalid percent escape \"%et\"", NULL);
	expect_fail("postgresql://h/db?a=%g1", "invalid percent escape \"%g1\"", NULL);
	expect_fail("postgresql://h/db?a%=1", "invalid percent escape \"%\"", NULL);
	expect_fail("postgresql://h/db?a=1%00", "NUL byte", NULL);
	/* in a password the escape is not quoted: it would show part of it */
	expect_fail("postgresql://u:Zq9sec%zzret@h/db",
	            "\"postgresql://u:***@h/db\": invalid percent escape in the password", "Zq9");
	expect_fail("postgresql://u:Zq9sec%zzret@h/db", NULL, "ret");
	expect_fail("postgresql://u:Zq9sec%00ret@h/db", "in the password", "Zq9");
}

static void test_url__fails_on_control_characters(void **state)
{
	(void)state;
	expect_fail("postgresql://h/d\nb", "control character \"\\x0a\" at offset 16", NULL);
	expect_fail("postgresql://h/d\nb", "\"postgresql://h/d\\x0ab\"", NULL);
	expect_fail("postgresql://h/db\x7f", "\"\\x7f\"", NULL);
	expect_fail("postgresql://h\t/db", "\"\\x09\"", NULL);
	expect_fail("postgres\rql://h/db", "\"\\x0d\"", NULL);
	expect_fail("postgresql://h/db?a=b\x1b[0m", "\"\\x1b\"", NULL);
	expect_fail("postgresql://u:se\tcret@h/db", "control character in the password", "cret");
}

static void test_url__fails_on_empty_query_name(void **state)
{
	(void)state;
	expect_fail("postgresql://h/db?=v", "invalid query parameter \"=v\"", NULL);
	expect_fail("postgresql://h/db?a=1&=", "invalid query parameter \"=\"", NULL);
}

static void test_url__error_quotes_escape_quotes(void **state)
{
	(void)state;
	expect_fail("pg\"x://h/db", "invalid scheme \"pg\\\"x\"", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url__parses_sqlalchemy_examples),
		cmocka_unit_test(test_url__parses_mysql_query),
		cmocka_unit_test(test_url__parses_sqlite_forms),
		cmocka_unit_test(test_url__decodes_userinfo),
		cmocka_unit_test(test_url__parses_empty_password),
		cmocka_unit_test(test_url__keeps_raw_at_in_username),
		cmocka_unit_test(test_url__decodes_database),
		cmocka_unit_test(test_url__decodes_host),
		cmocka_unit_test(test_url__decodes_query),
		cmocka_unit_test(test_url__keeps_repeated_query_keys),
		cmocka_unit_test(test_url__reads_blank_query_parameters),
		cmocka_unit_test(test_url__parses_ipv6_host),
		cmocka_unit_test(test_url__parses_ipv6_zone),
		cmocka_unit_test(test_url__allows_at_after_ipv6_host),
		cmocka_unit_test(test_url__keeps_scheme_as_given),
		cmocka_unit_test(test_url__formats_canonical_urls_unchanged),
		cmocka_unit_test(test_url__formats_with_percent_encoding),
		cmocka_unit_test(test_url__round_trips),
		cmocka_unit_test(test_url__masks_password),
		cmocka_unit_test(test_url__format_rejects_null),
		cmocka_unit_test(test_url__fills_plugin_view),
		cmocka_unit_test(test_url__free_null_is_noop),
		cmocka_unit_test(test_url__fails_on_null),
		cmocka_unit_test(test_url__fails_without_scheme),
		cmocka_unit_test(test_url__fails_on_empty_scheme),
		cmocka_unit_test(test_url__fails_on_bad_scheme_character),
		cmocka_unit_test(test_url__fails_on_empty_driver_or_dialect),
		cmocka_unit_test(test_url__fails_on_bad_port),
		cmocka_unit_test(test_url__fails_on_bad_ipv6_host),
		cmocka_unit_test(test_url__fails_on_raw_at_in_host),
		cmocka_unit_test(test_url__fails_on_ambiguous_at),
		cmocka_unit_test(test_url__fails_on_bad_percent_escape),
		cmocka_unit_test(test_url__fails_on_control_characters),
		cmocka_unit_test(test_url__fails_on_empty_query_name),
		cmocka_unit_test(test_url__error_quotes_escape_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
