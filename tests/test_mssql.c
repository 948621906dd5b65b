/*
 * tests/test_mssql.c - the MS SQL Server plugin (FreeTDS) against tests/tds_server,
 * a TDS test server started on 127.0.0.1 for this suite and stopped afterwards:
 * loading by URL and its options, what goes over the wire (the SQL text, the
 * sp_executesql declaration and each typed parameter, as the server records
 * them), typed rows, long and Unicode text both ways, server errors mapped to
 * sqlkit's codes, a dropped connection, transactions and INSERT ... OUTPUT.
 *
 * Everything goes through the public API, with the plugin loaded as a plugin.
 * Without the mssql plugin the suite is skipped (77); with
 * SQLKIT_TEST_REQUIRE=all (or mssql) that is a failure (99).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlkit/sqlkit.h>

#include "tds_long_text.h"

#define OK(call) do { int rc_ = (call); \
	if (rc_ != 0) fail_msg("%s -> %d: %s", #call, rc_, sqlkit_error_last()->message); } while (0)
#define FAILS(call, code) do { int rc_ = (call); \
	if (rc_ != (code)) fail_msg("%s -> %d, expected %d (%s)", #call, rc_, (code), \
	                            sqlkit_error_last()->message); } while (0)
#define assert_message_has(s) do { \
	const char *m_ = sqlkit_error_last()->message; \
	if (!strstr(m_, (s))) fail_msg("message \"%s\" lacks \"%s\"", m_, (s)); } while (0)
#define P(n, v) SQLKIT_PARAM((n), (v))

static struct {
	pid_t pid;
	int port;
	char log[256];
	char url[128];
} srv;

/* ---------------------------------------------------------------- the server */

static void stop_server(void)
{
	if (srv.pid > 0) {
		kill(-srv.pid, SIGTERM);   /* its own process group: the sessions too */
		kill(srv.pid, SIGTERM);
		while (waitpid(srv.pid, NULL, 0) < 0 && errno == EINTR)
			;
		srv.pid = 0;
	}
	if (srv.log[0]) {
		unlink(srv.log);
		srv.log[0] = '\0';
	}
}

static int plugin_built(const char *top)
{
	char path[1024];
	struct stat sb;

	snprintf(path, sizeof path, "%s/plugins/mssql/mssql.la", top);
	if (stat(path, &sb) == 0)
		return 1;
	snprintf(path, sizeof path, "%s/plugins/mssql/libsqlkit_mssql.la", top);
	return stat(path, &sb) == 0;
}

static int required(void)
{
	const char *r = getenv("SQLKIT_TEST_REQUIRE");
	return r && (strstr(r, "all") || strstr(r, "mssql"));
}

/* Start tests/tds_server and read the port it prints. */
static int start_server(void)
{
	const char *top = getenv("top_builddir"), *tmp = getenv("TMPDIR");
	char server[1024], line[32];
	int fds[2], fd;
	ssize_t n;
	size_t got = 0;

	if (!top || !*top)
		top = ".";
	snprintf(server, sizeof server, "%s/tests/tds_server", top);
	snprintf(srv.log, sizeof srv.log, "%s/sqlkit-tds-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if ((fd = mkstemp(srv.log)) < 0)
		return -1;
	close(fd);
	if (pipe(fds) < 0)
		return -1;
	fflush(stdout);
	if ((srv.pid = fork()) < 0)
		return -1;
	if (srv.pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(server, server, srv.log, (char *)NULL);
		fprintf(stderr, "test_mssql: cannot run %s: %s\n", server, strerror(errno));
		_exit(127);
	}
	setpgid(srv.pid, srv.pid);
	close(fds[1]);
	while (got + 1 < sizeof line && (n = read(fds[0], line + got, sizeof line - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
		if (memchr(line, '\n', got))
			break;
	}
	close(fds[0]);
	line[got] = '\0';
	srv.port = atoi(line);
	if (srv.port <= 0) {
		fprintf(stderr, "test_mssql: the TDS test server did not start\n");
		return -1;
	}
	snprintf(srv.url, sizeof srv.url, "mssql://sa:secret@127.0.0.1:%d/testdb", srv.port);
	return 0;
}

/* The whole log, as the server wrote it. The caller frees it. */
static char *read_log(void)
{
	FILE *f = fopen(srv.log, "rb");
	char *s;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The log's last record that starts with what ("RPC ", "BATCH ", "LOGIN "),
 * up to its END for an RPC. The caller frees it. */
static char *last_record(const char *what)
{
	char *log = read_log(), *p = log, *last = NULL, *end, *out;
	size_t wl = strlen(what);

	while (p && *p) {
		if (strncmp(p, what, wl) == 0)
			last = p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!last) {
		free(log);
		fail_msg("no %s record in the server's log", what);
	}
	end = strcmp(what, "RPC ") == 0 ? strstr(last, "\nEND\n") : strchr(last, '\n');
	if (!end)
		end = last + strlen(last);
	out = strndup(last, (size_t)(end - last) + 1);
	free(log);
	return out;
}

#define assert_has(hay, needle) do { \
	if (!strstr((hay), (needle))) fail_msg("\"%s\"\nlacks\n\"%s\"", (hay), (needle)); } while (0)
#define assert_lacks(hay, needle) do { \
	if (strstr((hay), (needle))) fail_msg("\"%s\"\nhas\n\"%s\"", (hay), (needle)); } while (0)

static int group_setup(void **state)
{
	const char *top = getenv("top_builddir");

	(void)state;
	if (!plugin_built(top && *top ? top : ".")) {
		printf("SKIP: the mssql plugin is not built (configure needs FreeTDS: apt-get install "
		       "freetds-dev)\n");
		if (required()) {
			printf("ERROR: SQLKIT_TEST_REQUIRE=%s makes a skipped suite a failure\n",
			       getenv("SQLKIT_TEST_REQUIRE"));
			exit(99);
		}
		exit(77);
	}
	atexit(stop_server);
	return start_server();
}

static int group_teardown(void **state)
{
	(void)state;
	stop_server();
	sqlkit_shutdown();
	return 0;
}

static sqlkit_conn *open_conn(void)
{
	sqlkit_conn *c = NULL;
	OK(sqlkit_conn_open(&c, srv.url));
	return c;
}

/* ---------------------------------------------------------------- loading */

static void test_mssql__url_loads_the_plugin(void **state)
{
	static const char *const schemes[] = { "mssql", "sqlserver", "mssql+freetds" };
	char url[160], *rec;
	sqlkit_conn *c;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(url, sizeof url, "%s://sa:secret@127.0.0.1:%d/testdb", schemes[i], srv.port);
		OK(sqlkit_conn_open(&c, url));
		assert_string_equal(sqlkit_conn_dialect(c), "mssql");
		assert_string_equal(sqlkit_conn_driver(c), "freetds");
		sqlkit_conn_close(c);
	}
	/* UTF-8 login as TDS 7.4, named sqlkit; the session gets ANSI behaviour */
	rec = last_record("LOGIN ");
	assert_has(rec, "user=sa password=secret db=testdb app=sqlkit tds=74000004");
	free(rec);
	rec = last_record("BATCH ");
	assert_has(rec, "SET ANSI_NULLS ON");
	assert_has(rec, "SET QUOTED_IDENTIFIER ON");
	assert_has(rec, "SET TEXTSIZE 2147483647");
	free(rec);
}

static void test_mssql__options(void **state)
{
	char url[256], *rec;
	sqlkit_conn *c = NULL;

	(void)state;
	snprintf(url, sizeof url, "mssql://sa:secret@127.0.0.1:%d/testdb?tds_version=7.3&appname=myapp"
	         "&timeout=30&login_timeout=5", srv.port);
	OK(sqlkit_conn_open(&c, url));
	sqlkit_conn_close(c);
	rec = last_record("LOGIN ");
	assert_has(rec, "app=myapp tds=730b0003");
	free(rec);

	snprintf(url, sizeof url, "mssql://sa@127.0.0.1:%d/testdb?bogus=1", srv.port);
	FAILS(sqlkit_conn_open(&c, url), SQLKIT_EINVAL);
	assert_message_has("unknown mssql option \"bogus\"");
	assert_message_has("tds_version, timeout, login_timeout, appname");
	snprintf(url, sizeof url, "mssql://sa@127.0.0.1:%d/testdb?tds_version=8.0", srv.port);
	FAILS(sqlkit_conn_open(&c, url), SQLKIT_EINVAL);
	assert_message_has("invalid value \"8.0\" for mssql option \"tds_version\"");
	snprintf(url, sizeof url, "mssql://sa@127.0.0.1:%d/testdb?timeout=soon", srv.port);
	FAILS(sqlkit_conn_open(&c, url), SQLKIT_EINVAL);
	assert_message_has("\"timeout\"");
	snprintf(url, sizeof url, "mssql://sa@127.0.0.1:%d/testdb?login_timeout=0", srv.port);
	FAILS(sqlkit_conn_open(&c, url), SQLKIT_EINVAL);
	assert_message_has("\"login_timeout\"");
	snprintf(url, sizeof url, "mssql://sa@127.0.0.1:%d/testdb?appname=a&appname=b", srv.port);
	FAILS(sqlkit_conn_open(&c, url), SQLKIT_EINVAL);
	assert_message_has("given more than once");
	snprintf(url, sizeof url, "mssql+odbc://sa@127.0.0.1:%d/testdb", srv.port);
	assert_int_not_equal(sqlkit_conn_open(&c, url), 0);
	assert_message_has("odbc");
}

/* ---------------------------------------------------------------- what goes over the wire */

static void test_mssql__values_travel_as_typed_parameters(void **state)
{
	static const char hostile[] = "'; DROP TABLE x; --";
	sqlkit_conn *c = open_conn();
	char *rec;

	(void)state;
	{
		sqlkit_param p[2] = { P("name", sqlkit_text(hostile)), P("id", sqlkit_int(5)) };
		OK(sqlkit_conn_execute(NULL, c, "SELECT name FROM t WHERE name = :name AND id = :id", p, 2));
	}
	rec = last_record("RPC ");
	assert_has(rec, "RPC sp_executesql\n");
	assert_has(rec, "STMT SELECT name FROM t WHERE name = @P1 AND id = @P2 [");
	assert_has(rec, "PARAMS @P1 nvarchar(4000), @P2 bigint [");
	assert_has(rec, "PARAM @P1 nvarchar(19) '; DROP TABLE x; --\n");
	assert_has(rec, "PARAM @P2 intn(8) 5\n");
	/* the hostile text is a value, never SQL */
	assert_int_equal(strstr(rec, "DROP") - rec, strstr(rec, "PARAM @P1") - rec + 26);
	free(rec);

	/* every value type */
	{
		static const unsigned char u[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
		                                     0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
		sqlkit_value dto = sqlkit_datetime_v(2024, 1, 31, 12, 0, 0, 0);
		sqlkit_param p[13];
		dto.u.dt.has_offset = 1;
		dto.u.dt.offset_minutes = 120;
		p[0] = P("f", sqlkit_float(2.5));
		p[1] = P("b", sqlkit_bool(1));
		p[2] = P("d", sqlkit_decimal("-12345678901234567890.0123456789"));
		p[3] = P("e", sqlkit_decimal("1.5e-3"));
		p[4] = P("day", sqlkit_date(2024, 2, 29));
		p[5] = P("ts", sqlkit_datetime_v(2024, 1, 31, 12, 34, 56, 123456));
		p[6] = P("tz", dto);
		p[7] = P("tm", sqlkit_time(13, 14, 15, 500000));
		p[8] = P("u", sqlkit_uuid(u));
		p[9] = P("bin", sqlkit_blob("\x00\x01\xfe", 3));
		p[10] = P("nul", sqlkit_null());
		p[11] = P("empty", sqlkit_text(""));
		p[12] = P("noblob", sqlkit_blob("", 0));
		OK(sqlkit_conn_execute(NULL, c, "INSERT INTO t OUTPUT inserted.id VALUES (:f, :b, :d, :e, "
		                       ":day, :ts, :tz, :tm, :u, :bin, :nul, :empty, :noblob)", p, 13));
	}
	rec = last_record("RPC ");
	/* a NULL of no known type is the NULL constant in the SQL, not declared */
	assert_has(rec, "PARAMS @P1 float, @P2 bit, @P3 decimal(30,10), @P4 decimal(4,4), @P5 date, "
	           "@P6 datetime2(7), @P7 datetimeoffset(7), @P8 time(7), @P9 uniqueidentifier, "
	           "@P10 varbinary(max), @P12 nvarchar(4000), @P13 varbinary(max) [");
	/* an empty text or blob is set in the statement (db-lib would send NULL) */
	assert_has(rec, "STMT SET @P12 = N'';\\nSET @P13 = 0x;\\nINSERT INTO t OUTPUT inserted.id VALUES (@P1,");
	assert_has(rec, "@P9, @P10, NULL, @P12, @P13) [");
	assert_lacks(rec, "PARAM @P11");
	assert_has(rec, "PARAM @P1 fltn(8) 2.5\n");
	assert_has(rec, "PARAM @P2 bitn 1\n");
	assert_has(rec, "-12345678901234567890.0123456789\n");
	assert_has(rec, " 0.0015\n");
	assert_has(rec, "PARAM @P5 datetime2n(7) 2024-02-29 00:00:00.0000000\n");
	assert_has(rec, "PARAM @P6 datetime2n(7) 2024-01-31 12:34:56.1234560\n");
	assert_has(rec, "PARAM @P7 datetimeoffsetn(7) 2024-01-31 10:00:00.0000000 +120\n");
	assert_has(rec, "PARAM @P8 timen(7) 13:14:15.5000000\n");
	assert_has(rec, "PARAM @P9 nvarchar(36) 12345678-9abc-def0-1234-56789abcdef0\n");
	assert_has(rec, "PARAM @P10 varbinary(3) 0x0001fe\n");
	free(rec);

	/* a NULL takes the type its parameter had before */
	{
		sqlkit_param p = P("v", sqlkit_blob("ab", 2));
		OK(sqlkit_conn_execute(NULL, c, "UPDATE t SET v = :v", &p, 1));
		p = P("v", sqlkit_null());
		OK(sqlkit_conn_execute(NULL, c, "UPDATE t SET v = :v", &p, 1));
	}
	rec = last_record("RPC ");
	assert_has(rec, "PARAMS @P1 varbinary(max) [");
	assert_has(rec, "PARAM @P1 varbinary(1) NULL\n");
	free(rec);

	/* only placeholders become NULL: not text in strings, quoted names or
	 * comments, nor @P10 for @P1 */
	{
		sqlkit_param p[10] = {
			P("a", sqlkit_null()), P("b", sqlkit_int(1)), P("c", sqlkit_int(2)),
			P("d", sqlkit_int(3)), P("e", sqlkit_int(4)), P("f", sqlkit_int(5)),
			P("g", sqlkit_int(6)), P("h", sqlkit_int(7)), P("i", sqlkit_int(8)),
			P("j", sqlkit_int(9))
		};
		OK(sqlkit_conn_execute(NULL, c, "SELECT :a AS a, '@P1 it''s' AS \"@P1\", [@P1]] x] /* @P1 "
		                       "/* @P1 */ @P1 */ FROM t WHERE x = :a -- @P1\n AND y IN (:b, :c, "
		                       ":d, :e, :f, :g, :h, :i, :j)", p, 10));
	}
	rec = last_record("RPC ");
	assert_has(rec, "STMT SELECT NULL AS a, '@P1 it''s' AS \"@P1\", [@P1]] x] /* @P1 /* @P1 */ "
	           "@P1 */ FROM t WHERE x = NULL -- @P1\\n AND y IN (@P2, @P3, @P4, @P5, @P6, @P7, "
	           "@P8, @P9, @P10) [");
	assert_has(rec, "PARAMS @P2 bigint, @P3 bigint,");
	assert_lacks(rec, "@P1 bigint");
	assert_lacks(rec, "PARAM @P1 ");
	assert_has(rec, "PARAM @P10 intn(8) 9\n");
	free(rec);
	/* only such NULLs: no declaration at all; once typed, a NULL keeps the type */
	{
		sqlkit_param p = P("v", sqlkit_null());
		OK(sqlkit_conn_execute(NULL, c, "SELECT :v", &p, 1));
		rec = last_record("RPC ");
		assert_has(rec, "STMT SELECT NULL [");
		assert_lacks(rec, "PARAMS");
		assert_lacks(rec, "PARAM @P1");
		free(rec);
	}

	/* a day its month does not have is refused, naming the parameter */
	{
		static const struct { int y, m, d, ok; } days[] = {
			{ 2023, 2, 30, 0 }, { 2023, 2, 29, 0 }, { 2100, 2, 29, 0 }, { 2023, 4, 31, 0 },
			{ 2023, 6, 31, 0 }, { 2000, 2, 29, 1 }, { 2024, 2, 29, 1 }, { 2023, 12, 31, 1 },
		};
		size_t k;
		for (k = 0; k < sizeof days / sizeof days[0]; k++) {
			sqlkit_param p[2] = { P("n", sqlkit_int(1)),
			                      P("d", sqlkit_date(days[k].y, days[k].m, days[k].d)) };
			char text[16];
			if (days[k].ok) {
				OK(sqlkit_conn_execute(NULL, c, "SELECT :n, :d", p, 2));
				continue;
			}
			FAILS(sqlkit_conn_execute(NULL, c, "SELECT :n, :d", p, 2), SQLKIT_EPARAM);
			assert_message_has("@P2");
			snprintf(text, sizeof text, "%04d-%02d-%02d", days[k].y, days[k].m, days[k].d);
			assert_message_has(text);
			p[1] = P("d", sqlkit_datetime_v(days[k].y, days[k].m, days[k].d, 12, 0, 0, 0));
			FAILS(sqlkit_conn_execute(NULL, c, "SELECT :n, :d", p, 2), SQLKIT_EPARAM);
			assert_message_has("@P2");
		}
	}

	/* values SQL Server cannot take are refused before anything is sent */
	{
		sqlkit_param p = P("v", sqlkit_decimal("123456789012345678901234567890123456789"));
		FAILS(sqlkit_conn_execute(NULL, c, "SELECT :v", &p, 1), SQLKIT_EPARAM);
		assert_message_has("@P1");
		assert_message_has("38 digits");
	}
	sqlkit_conn_close(c);
}

static void test_mssql__long_and_unicode_text_both_ways(void **state)
{
	sqlkit_conn *c = open_conn();
	char *lt = tds_long_text(), *rec;
	const char *uni = "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80";
	unsigned char blob[10000];
	sqlkit_result *r;
	const sqlkit_row *row;
	sqlkit_param p[3];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof blob; i++)
		blob[i] = (unsigned char)(i * 13);
	p[0] = P("long", sqlkit_text(lt));
	p[1] = P("uni", sqlkit_text(uni));
	p[2] = P("blob", sqlkit_blob(blob, sizeof blob));
	OK(sqlkit_conn_execute(&r, c, "SELECT /*tds echo*/ :long, :uni, :blob", p, 3));
	rec = last_record("RPC ");
	assert_has(rec, "PARAMS @P1 nvarchar(max), @P2 nvarchar(4000), @P3 varbinary(max) [");
	assert_has(rec, "PARAM @P1 nvarchar(max) azaz");
	assert_has(rec, "PARAM @P2 nvarchar(");
	assert_has(rec, ") h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80\nPARAM @P3");
	assert_has(rec, "PARAM @P3 varbinary(max) 0x000d1a");
	free(rec);
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_int_equal(sqlkit_row_value(row, 0)->type, SQLKIT_TYPE_TEXT);
	assert_int_equal(sqlkit_row_value(row, 0)->u.s.len, strlen(lt));
	assert_string_equal(sqlkit_row_text(row, 0), lt);
	assert_string_equal(sqlkit_row_text(row, 1), uni);
	assert_int_equal(sqlkit_row_value(row, 2)->type, SQLKIT_TYPE_BLOB);
	assert_int_equal(sqlkit_row_value(row, 2)->u.s.len, sizeof blob);
	assert_memory_equal(sqlkit_row_value(row, 2)->u.s.ptr, blob, sizeof blob);
	sqlkit_result_free(r);
	free(lt);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- typed rows */

static void test_mssql__typed_rows(void **state)
{
	sqlkit_conn *c = open_conn();
	sqlkit_result *r;
	const sqlkit_row *row;
	const sqlkit_value *v;
	char *lt = tds_long_text();
	size_t k;

	(void)state;
	OK(sqlkit_conn_execute(&r, c, "SELECT /*tds types*/ *", NULL, 0));
	assert_int_equal(sqlkit_result_column_count(r), 20);
	assert_string_equal(sqlkit_result_column_name(r, 0), "i");
	assert_int_equal(sqlkit_result_column_type(r, 0), SQLKIT_TYPE_INT);
	assert_int_equal(sqlkit_result_column_type(r, 2), SQLKIT_TYPE_BOOL);
	assert_int_equal(sqlkit_result_column_type(r, 4), SQLKIT_TYPE_DECIMAL);
	assert_int_equal(sqlkit_result_column_type(r, 6), SQLKIT_TYPE_TEXT);
	assert_int_equal(sqlkit_result_column_type(r, 8), SQLKIT_TYPE_BLOB);
	assert_int_equal(sqlkit_result_column_type(r, 9), SQLKIT_TYPE_DATETIME);
	assert_int_equal(sqlkit_result_column_type(r, 10), SQLKIT_TYPE_DATE);
	assert_int_equal(sqlkit_result_column_type(r, 11), SQLKIT_TYPE_TIME);
	assert_int_equal(sqlkit_result_column_type(r, 12), SQLKIT_TYPE_UUID);
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_int_equal(sqlkit_row_int(row, 0), -7);
	assert_int_equal(sqlkit_row_int(row, 1), INT64_C(9000000000));
	v = sqlkit_row_value(row, 2);
	assert_int_equal(v->type, SQLKIT_TYPE_BOOL);
	assert_int_equal(v->u.b, 1);
	assert_true(sqlkit_row_float(row, 3) == 2.5);
	v = sqlkit_row_value(row, 4);
	assert_int_equal(v->type, SQLKIT_TYPE_DECIMAL);
	assert_string_equal(sqlkit_row_text(row, 4), "12345.6789");
	assert_string_equal(sqlkit_row_text(row, 5), "-12345678901234567890.0123456789");
	assert_string_equal(sqlkit_row_text(row, 6), "h\xc3\xa9llo w\xc3\xb6rld \xe2\x98\x83 \xf0\x9f\x98\x80");
	assert_string_equal(sqlkit_row_text(row, 7), lt);
	v = sqlkit_row_value(row, 8);
	assert_int_equal(v->type, SQLKIT_TYPE_BLOB);
	assert_int_equal(v->u.s.len, 4);
	assert_memory_equal(v->u.s.ptr, "\x00\x01\xfe\xff", 4);
	v = sqlkit_row_value(row, 9);
	assert_int_equal(v->type, SQLKIT_TYPE_DATETIME);
	assert_int_equal(v->u.dt.year, 2024);
	assert_int_equal(v->u.dt.month, 1);
	assert_int_equal(v->u.dt.day, 31);
	assert_int_equal(v->u.dt.hour, 12);
	assert_int_equal(v->u.dt.minute, 34);
	assert_int_equal(v->u.dt.second, 56);
	assert_int_equal(v->u.dt.microsecond, 123456);
	assert_int_equal(v->u.dt.has_offset, 0);
	v = sqlkit_row_value(row, 10);
	assert_int_equal(v->type, SQLKIT_TYPE_DATE);
	assert_int_equal(v->u.dt.year, 2024);
	assert_int_equal(v->u.dt.month, 2);
	assert_int_equal(v->u.dt.day, 29);
	v = sqlkit_row_value(row, 11);
	assert_int_equal(v->type, SQLKIT_TYPE_TIME);
	assert_int_equal(v->u.dt.hour, 13);
	assert_int_equal(v->u.dt.minute, 14);
	assert_int_equal(v->u.dt.second, 15);
	assert_int_equal(v->u.dt.microsecond, 500000);
	v = sqlkit_row_value(row, 12);
	assert_int_equal(v->type, SQLKIT_TYPE_UUID);
	{
		char text[37];
		sqlkit_uuid_format(text, v->u.uuid);
		assert_string_equal(text, "12345678-9abc-def0-1234-56789abcdef0");
	}
	v = sqlkit_row_value(row, 13);   /* DATETIMEOFFSET: local time and its offset */
	assert_int_equal(v->type, SQLKIT_TYPE_DATETIME);
	assert_int_equal(v->u.dt.hour, 12);
	assert_int_equal(v->u.dt.has_offset, 1);
	assert_int_equal(v->u.dt.offset_minutes, 120);
	v = sqlkit_row_value(row, 14);   /* DATETIME */
	assert_int_equal(v->type, SQLKIT_TYPE_DATETIME);
	assert_int_equal(v->u.dt.year, 2001);
	assert_int_equal(v->u.dt.month, 2);
	assert_int_equal(v->u.dt.day, 3);
	assert_int_equal(v->u.dt.hour, 4);
	assert_int_equal(v->u.dt.minute, 5);
	assert_int_equal(v->u.dt.second, 6);
	assert_string_equal(sqlkit_row_text(row, 15), "caf\xc3\xa9!");   /* VARCHAR in cp1252 */
	assert_true(sqlkit_row_is_null(row, 16));
	assert_true(sqlkit_row_is_null(row, 17));
	v = sqlkit_row_value(row, 18);
	assert_int_equal(v->type, SQLKIT_TYPE_BOOL);
	assert_int_equal(v->u.b, 0);
	v = sqlkit_row_value(row, 19);
	assert_int_equal(v->u.s.len, 10000);
	for (k = 0; k < 10000; k++)
		if ((unsigned char)v->u.s.ptr[k] != (unsigned char)(k * 7))
			fail_msg("VARBINARY(max) byte %zu differs", k);
	OK(sqlkit_result_fetchone(&row, r));
	assert_null(row);
	sqlkit_result_free(r);
	free(lt);
	sqlkit_conn_close(c);
}

/* An empty value (not NULL) of a type read as text (XML) or through
 * dbconvert() (SQL_VARIANT) is empty, not blanks. */
static void test_mssql__empty_values_are_empty(void **state)
{
	sqlkit_conn *c = open_conn();
	sqlkit_result *r;
	const sqlkit_row *row;
	const sqlkit_value *v;

	(void)state;
	OK(sqlkit_conn_execute(&r, c, "SELECT /*tds empty*/ x, y, v", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	v = sqlkit_row_value(row, 0);
	assert_int_equal(v->type, SQLKIT_TYPE_TEXT);
	assert_int_equal(v->u.s.len, 0);
	assert_string_equal(sqlkit_row_text(row, 0), "");
	assert_string_equal(sqlkit_row_text(row, 1), "<a/>");
	v = sqlkit_row_value(row, 2);
	assert_int_equal(v->type, SQLKIT_TYPE_TEXT);
	if (v->u.s.len != 0)
		fail_msg("an empty SQL_VARIANT reads as \"%.*s\"", (int)v->u.s.len, v->u.s.ptr);
	sqlkit_result_free(r);
	sqlkit_conn_close(c);
}

static void test_mssql__rows_stream_and_make_room(void **state)
{
	sqlkit_conn *c = open_conn();
	sqlkit_result *r, *r2;
	const sqlkit_row *row;
	int64_t n = 0;

	(void)state;
	OK(sqlkit_conn_execute(&r, c, "SELECT /*tds rows 50*/ n", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_int_equal(sqlkit_row_int(row, 0), 1);
	/* another statement while rows are still coming: they are read ahead */
	OK(sqlkit_conn_execute(&r2, c, "SELECT /*tds rows 3*/ n", NULL, 0));
	while (sqlkit_result_fetchone(&row, r2) == 0 && row)
		n++;
	assert_int_equal(n, 3);
	sqlkit_result_free(r2);
	for (n = 1; sqlkit_result_fetchone(&row, r) == 0 && row; )
		assert_int_equal(sqlkit_row_int(row, 0), ++n);
	assert_int_equal(n, 50);
	sqlkit_result_free(r);

	sqlkit_conn_close(c);
}

/* rows_affected: the count of an UPDATE or DELETE travels in the DONEINPROC
 * of its statement inside sp_executesql (the DONEPROC has none); an INSERT's
 * comes with its identity (FreeTDS shows no count of a statement without
 * rows that another result follows). */
static void test_mssql__rows_affected(void **state)
{
	static const struct { const char *sql; int64_t count; } cases[] = {
		{ "UPDATE t SET a = 1 /*tds count 3*/", 3 },
		{ "UPDATE t SET a = :v /*tds count 3*/", 3 },
		{ "DELETE FROM t WHERE a = :v /*tds count 2*/", 2 },
		{ "WITH x AS (SELECT a FROM t) UPDATE x SET a = :v /*tds count 3*/", 3 },
		{ "WITH [update] (a) AS (SELECT ')' /* ( */) DELETE FROM t /*tds count 4*/", 4 },
		{ "INSERT INTO t (a) VALUES (:v)", 1 },
		{ "INSERT INTO t (a) SELECT a FROM u WHERE a > :v /*tds count 3*/", 3 },
		{ "WITH x AS (SELECT a FROM u) INSERT INTO t (a) SELECT a FROM x /*tds count 2*/", 2 },
		{ "WITH x AS (SELECT 'update' AS [insert]) SELECT /*tds rows 2*/ n", -1 },
	};
	sqlkit_conn *c = open_conn();
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t last;
	char *rec;
	size_t i;
	int wrong = 0;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sqlkit_param p = P("v", sqlkit_int(5));
		OK(sqlkit_conn_execute(&r, c, cases[i].sql, &p, strstr(cases[i].sql, ":v") ? 1 : 0));
		while (sqlkit_result_fetchone(&row, r) == 0 && row)
			;
		if (sqlkit_result_rowcount(r) != cases[i].count) {
			print_error("%s: rowcount %lld, expected %lld\n", cases[i].sql,
			            (long long)sqlkit_result_rowcount(r), (long long)cases[i].count);
			wrong++;
		}
		sqlkit_result_free(r);
		if (strstr(cases[i].sql, "INSERT")) {
			/* ROWCOUNT_BIG() in the SELECT of SCOPE_IDENTITY(), before anything resets it */
			rec = last_record("RPC ");
			assert_has(rec, "\\n;SELECT CAST(SCOPE_IDENTITY() AS BIGINT) AS [sqlkit_identity], "
			           "ROWCOUNT_BIG() AS [sqlkit_rowcount] [");
			free(rec);
			last = 0;
			OK(sqlkit_conn_last_insert_id(c, &last));
			assert_int_equal(last, 77);
		}
	}
	assert_int_equal(wrong, 0);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- errors */

static void test_mssql__server_errors_map(void **state)
{
	sqlkit_conn *c = open_conn();
	const sqlkit_error *e;
	sqlkit_result *r;

	(void)state;
	FAILS(sqlkit_conn_execute(NULL, c, "INSERT INTO t VALUES (1) /*tds error 2627*/", NULL, 0),
	      SQLKIT_ECONSTRAINT);
	e = sqlkit_error_last();
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_string_equal(e->sqlstate, "23000");
	assert_int_equal(e->native_code, 2627);
	assert_int_equal(e->connection_dead, 0);
	assert_message_has("Violation of PRIMARY KEY constraint");

	FAILS(sqlkit_conn_execute(NULL, c, "INSERT INTO t VALUES (1) /*tds error 2601*/", NULL, 0),
	      SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->native_code, 2601);

	FAILS(sqlkit_conn_execute(&r, c, "SELECT * FROM nope /*tds error 208*/", NULL, 0), SQLKIT_ESQL);
	e = sqlkit_error_last();
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_PROGRAMMING);
	assert_string_equal(e->sqlstate, "42S02");
	assert_int_equal(e->native_code, 208);
	assert_message_has("Invalid object name 'nope'");

	FAILS(sqlkit_conn_execute(NULL, c, "UPDATE t SET a = 1 /*tds error 1205*/", NULL, 0), SQLKIT_EBUSY);
	assert_string_equal(sqlkit_error_last()->sqlstate, "40001");
	FAILS(sqlkit_conn_execute(NULL, c, "SELECT 1/0 /*tds error 8134*/", NULL, 0), SQLKIT_ERROR);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_DATA);
	assert_string_equal(sqlkit_error_last()->sqlstate, "22012");

	/* the connection goes on */
	assert_int_equal(sqlkit_conn_is_dead(c), 0);
	OK(sqlkit_conn_execute(NULL, c, "SELECT /*tds rows 1*/ n", NULL, 0));
	OK(sqlkit_conn_ping(c));
	sqlkit_conn_close(c);
}

static void test_mssql__dropped_connection_is_dead(void **state)
{
	sqlkit_conn *c = open_conn();
	const sqlkit_error *e;

	(void)state;
	FAILS(sqlkit_conn_execute(NULL, c, "SELECT 1 /*tds drop*/", NULL, 0), SQLKIT_EDISCONNECTED);
	e = sqlkit_error_last();
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_OPERATIONAL);
	assert_int_equal(e->connection_dead, 1);
	assert_true(sqlkit_conn_is_dead(c));
	sqlkit_conn_close(c);

	/* nothing listens: a clear connect error */
	{
		sqlkit_conn *d = NULL;
		FAILS(sqlkit_conn_open(&d, "mssql://sa@127.0.0.1:1/testdb?login_timeout=2"),
		      SQLKIT_EDISCONNECTED);
		assert_string_equal(sqlkit_error_last()->sqlstate, "08001");
		assert_message_has("could not connect to SQL Server");
	}
}

/* ---------------------------------------------------------------- transactions, inserts */

static void test_mssql__transactions(void **state)
{
	sqlkit_conn *c = open_conn();
	char *rec;

	(void)state;
	OK(sqlkit_conn_begin(c));
	rec = last_record("BATCH ");
	assert_string_equal(rec, "BATCH BEGIN TRANSACTION\n");
	free(rec);
	OK(sqlkit_conn_savepoint(c, "sp1"));
	rec = last_record("BATCH ");
	assert_string_equal(rec, "BATCH SAVE TRANSACTION [sp1]\n");
	free(rec);
	OK(sqlkit_conn_rollback_to_savepoint(c, "sp1"));
	rec = last_record("BATCH ");
	assert_string_equal(rec, "BATCH ROLLBACK TRANSACTION [sp1]\n");
	free(rec);
	OK(sqlkit_conn_commit(c));
	rec = last_record("BATCH ");
	assert_string_equal(rec, "BATCH COMMIT TRANSACTION\n");
	free(rec);
	OK(sqlkit_conn_begin(c));
	OK(sqlkit_conn_rollback(c));
	rec = last_record("BATCH ");
	assert_string_equal(rec, "BATCH IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION\n");
	free(rec);
	sqlkit_conn_close(c);
}

static void test_mssql__insert_returns_the_new_key_in_the_same_call(void **state)
{
	sqlkit_conn *c = open_conn();
	sqlkit_metadata *md;
	sqlkit_table *people;
	sqlkit_expr *ins, *q;
	sqlkit_result *r;
	sqlkit_value id;
	int64_t last = 0;
	char *rec;

	(void)state;
	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&people, md, "people"));
	OK(sqlkit_table_add_column(people, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(people, "name", sqlkit_Unicode(50), 0));

	/* the expression language: OUTPUT inserted.id */
	ins = sqlkit_insert(people);
	assert_non_null(ins);
	q = sqlkit_values(ins, "name", sqlkit_lit_text("ed"), NULL);
	assert_non_null(q);
	OK(sqlkit_conn_exec(&r, c, q, NULL, 0));
	OK(sqlkit_result_inserted_primary_key(r, &id));
	assert_int_equal(id.type, SQLKIT_TYPE_INT);
	assert_int_equal(id.u.i, 101);
	sqlkit_result_free(r);
	rec = last_record("RPC ");
	assert_has(rec, "STMT INSERT INTO people (name) OUTPUT inserted.id VALUES (@P1) [");
	assert_has(rec, "PARAM @P1 nvarchar(2) ed\n");
	free(rec);
	sqlkit_expr_free(q);
	sqlkit_expr_free(ins);

	/* TOP for a limit */
	q = sqlkit_select(1, sqlkit_c(people, "name"));
	ins = sqlkit_limit(q, 10);
	OK(sqlkit_conn_exec(&r, c, ins, NULL, 0));
	sqlkit_result_free(r);
	rec = last_record("RPC ");
	assert_has(rec, "STMT SELECT TOP (@P1) people.name \\nFROM people [");
	assert_has(rec, "PARAM @P1 intn(8) 10\n");
	free(rec);
	sqlkit_expr_free(ins);
	sqlkit_expr_free(q);

	/* text SQL: SCOPE_IDENTITY() in the same sp_executesql call */
	{
		sqlkit_param p = P("n", sqlkit_text("al"));
		OK(sqlkit_conn_execute(NULL, c, "INSERT INTO people (name) VALUES (:n)", &p, 1));
	}
	rec = last_record("RPC ");
	assert_has(rec, "STMT INSERT INTO people (name) VALUES (@P1)\\n;SELECT CAST(SCOPE_IDENTITY() AS BIGINT)");
	free(rec);
	OK(sqlkit_conn_last_insert_id(c, &last));
	assert_int_equal(last, 77);
	{
		sqlkit_result *u;
		OK(sqlkit_conn_execute(&u, c, "UPDATE people SET name = 'x'", NULL, 0));
		assert_int_equal(sqlkit_result_rowcount(u), 1);
		sqlkit_result_free(u);
	}

	sqlkit_metadata_free(md);
	sqlkit_conn_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mssql__url_loads_the_plugin),
		cmocka_unit_test(test_mssql__options),
		cmocka_unit_test(test_mssql__values_travel_as_typed_parameters),
		cmocka_unit_test(test_mssql__long_and_unicode_text_both_ways),
		cmocka_unit_test(test_mssql__typed_rows),
		cmocka_unit_test(test_mssql__empty_values_are_empty),
		cmocka_unit_test(test_mssql__rows_stream_and_make_room),
		cmocka_unit_test(test_mssql__rows_affected),
		cmocka_unit_test(test_mssql__server_errors_map),
		cmocka_unit_test(test_mssql__dropped_connection_is_dead),
		cmocka_unit_test(test_mssql__transactions),
		cmocka_unit_test(test_mssql__insert_returns_the_new_key_in_the_same_call),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
