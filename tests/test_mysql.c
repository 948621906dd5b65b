/*
 * tests/test_mysql.c - what the MySQL plugin does beyond the conformance suite,
 * on a real MariaDB ($SQLKIT_TEST_URL, set by tests/conformance-mysql.sh):
 *
 *   - character sets: utf8mb4 keeps emoji; a latin1 connection (charset= or the
 *     tutorials' encoding=) stores latin1 bytes and gives UTF-8 back, and refuses
 *     a character latin1 cannot hold instead of storing '?';
 *   - a connection killed from another session (KILL) is found dead, never pooled
 *     again, and the pool recovers; with pre_ping the pool replaces it unseen;
 *   - MySQL error numbers as SQLSTATEs and PEP 249 classes;
 *   - bad URL options as clear errors;
 *   - executemany in one batch, with NULLs, mixed types and a failing set;
 *   - a result read part way, another statement on the same connection, then
 *     the rest of the result: nothing lost, nothing cut short;
 *   - MySQL's own types: TINYINT(1), BIGINT UNSIGNED, DECIMAL(38,10), long TIME,
 *     a text longer than the first fetch buffer.
 *
 * Without $SQLKIT_TEST_URL every case is skipped (the wrapper starts the server).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlkit/sqlkit.h>

#define OK(call) do { int rc_ = (call); \
	if (rc_ != 0) fail_msg("%s -> %d: %s", #call, rc_, sqlkit_error_last()->message); } while (0)
#define FAILS(call, code) do { int rc_ = (call); \
	if (rc_ != (code)) fail_msg("%s -> %d, expected %d (%s)", #call, rc_, (code), \
	                            sqlkit_error_last()->message); } while (0)
#define assert_message_has(s) do { \
	const char *m_ = sqlkit_error_last()->message; \
	if (!strstr(m_, (s))) fail_msg("message \"%s\" lacks \"%s\"", m_, (s)); } while (0)

static const char *base_url;

/* The test URL with a query appended ("charset=latin1"), in buf. */
static const char *url_with(char *buf, size_t size, const char *query)
{
	snprintf(buf, size, "%s%s%s", base_url, strchr(base_url, '?') ? "&" : "?", query);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	base_url = getenv("SQLKIT_TEST_URL");
	if (base_url && !*base_url)
		base_url = NULL;
	return 0;
}

static sqlkit_conn *open_conn(const char *query)
{
	char url[1024];
	sqlkit_conn *c;

	if (!base_url)
		skip();
	OK(sqlkit_conn_open(&c, query ? url_with(url, sizeof url, query) : base_url));
	return c;
}

static void exec(sqlkit_conn *c, const char *sql)
{
	OK(sqlkit_conn_execute(NULL, c, sql, NULL, 0));
}

static int64_t one_int(sqlkit_conn *c, const char *sql, const sqlkit_param *p, size_t n)
{
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t v;

	OK(sqlkit_conn_execute(&r, c, sql, p, n));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	v = sqlkit_row_int(row, 0);
	sqlkit_result_free(r);
	return v;
}

/* The first column of the first row as text, copied into buf. */
static const char *one_text(char *buf, size_t size, sqlkit_conn *c, const char *sql,
                            const sqlkit_param *p, size_t n)
{
	sqlkit_result *r;
	const sqlkit_row *row;
	const sqlkit_value *v;

	OK(sqlkit_conn_execute(&r, c, sql, p, n));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	v = sqlkit_row_value(row, 0);
	if (v->type != SQLKIT_TYPE_TEXT)
		fail_msg("\"%s\" gave %s, not TEXT", sql, sqlkit_type_name(v->type));
	snprintf(buf, size, "%.*s", (int)v->u.s.len, v->u.s.ptr);
	sqlkit_result_free(r);
	return buf;
}

/* ---------------------------------------------------------------- character sets */

static void test_mysql__utf8mb4_keeps_emoji(void **state)
{
	static const char *const s = "h\xc3\xa9llo \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac";
	sqlkit_conn *c = open_conn(NULL);
	sqlkit_param p = SQLKIT_PARAM("s", sqlkit_text(s));
	char got[128];

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_emoji");
	exec(c, "CREATE TABLE my_emoji (id INT PRIMARY KEY AUTO_INCREMENT, "
	        "s VARCHAR(40) CHARACTER SET utf8mb4)");
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO my_emoji (s) VALUES (:s)", &p, 1));
	assert_string_equal(one_text(got, sizeof got, c, "SELECT s FROM my_emoji", NULL, 0), s);
	/* the server counts characters, so it holds them as characters */
	assert_int_equal(one_int(c, "SELECT CHAR_LENGTH(s) FROM my_emoji", NULL, 0), 10);
	assert_string_equal(one_text(got, sizeof got, c, "SELECT @@character_set_client", NULL, 0),
	                    "utf8mb4");
	exec(c, "DROP TABLE my_emoji");
	sqlkit_conn_close(c);
}

static void test_mysql__latin1_connection_converts(void **state)
{
	/* "café €": é is E9 and € is 80 in MySQL's latin1 (Windows-1252) */
	static const char *const s = "caf\xc3\xa9 \xe2\x82\xac";
	sqlkit_conn *c = open_conn(NULL), *l1 = open_conn("charset=latin1");
	sqlkit_conn *enc = open_conn("encoding=latin1");
	sqlkit_param p = SQLKIT_PARAM("s", sqlkit_text(s));
	sqlkit_param emoji = SQLKIT_PARAM("s", sqlkit_text("smile \xf0\x9f\x98\x80"));
	char got[128];

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_latin1");
	exec(c, "CREATE TABLE my_latin1 (id INT PRIMARY KEY AUTO_INCREMENT, "
	        "s VARCHAR(40) CHARACTER SET latin1)");
	assert_string_equal(one_text(got, sizeof got, l1, "SELECT @@character_set_client", NULL, 0),
	                    "latin1");
	assert_string_equal(one_text(got, sizeof got, enc, "SELECT @@character_set_client", NULL, 0),
	                    "latin1");
	OK(sqlkit_conn_execute(NULL, l1, "INSERT INTO my_latin1 (s) VALUES (:s)", &p, 1));
	/* stored as latin1 bytes, read back as UTF-8 through both connections */
	assert_string_equal(one_text(got, sizeof got, c, "SELECT HEX(s) FROM my_latin1", NULL, 0),
	                    "636166E92080");
	assert_string_equal(one_text(got, sizeof got, enc, "SELECT s FROM my_latin1", NULL, 0), s);
	assert_string_equal(one_text(got, sizeof got, c, "SELECT s FROM my_latin1", NULL, 0), s);
	/* a literal in the SQL text is converted too */
	assert_string_equal(one_text(got, sizeof got, enc, "SELECT 'd\xc3\xa9j\xc3\xa0' AS x", NULL, 0),
	                    "d\xc3\xa9j\xc3\xa0");

	/* a character latin1 has not: an error, and nothing stored */
	FAILS(sqlkit_conn_execute(NULL, l1, "INSERT INTO my_latin1 (s) VALUES (:s)", &emoji, 1),
	      SQLKIT_EPARAM);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_DATA);
	assert_message_has("latin1");
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_latin1", NULL, 0), 1);
	/* executemany converts every set */
	{
		sqlkit_param sets[] = { SQLKIT_PARAM("s", sqlkit_text("\xc3\xa0")),
		                        SQLKIT_PARAM("s", sqlkit_text("\xc3\xbc")) };
		int64_t rows = 0;
		OK(sqlkit_conn_executemany(l1, "INSERT INTO my_latin1 (s) VALUES (:s)", sets, 1, 2, &rows));
		assert_int_equal(rows, 2);
		assert_string_equal(one_text(got, sizeof got, c,
		                             "SELECT HEX(GROUP_CONCAT(s ORDER BY id SEPARATOR '')) FROM my_latin1",
		                             NULL, 0), "636166E92080E0FC");
	}
	exec(c, "DROP TABLE my_latin1");
	sqlkit_conn_close(enc);
	sqlkit_conn_close(l1);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- options */

static void test_mysql__bad_options_are_clear_errors(void **state)
{
	char url[1024];
	sqlkit_conn *c = NULL;

	(void)state;
	if (!base_url)
		skip();
	FAILS(sqlkit_conn_open(&c, url_with(url, sizeof url, "sslmode=require")), SQLKIT_EINVAL);
	assert_message_has("unknown mysql option \"sslmode\"");
	assert_message_has("charset");
	FAILS(sqlkit_conn_open(&c, url_with(url, sizeof url, "connect_timeout=soon")), SQLKIT_EINVAL);
	assert_message_has("connect_timeout");
	FAILS(sqlkit_conn_open(&c, url_with(url, sizeof url, "charset=klingon")), SQLKIT_EINVAL);
	assert_message_has("klingon");
	FAILS(sqlkit_conn_open(&c, url_with(url, sizeof url, "charset=utf8mb4&encoding=latin1")),
	      SQLKIT_EINVAL);
	assert_message_has("more than once");
	FAILS(sqlkit_conn_open(&c, url_with(url, sizeof url, "ssl_verify_cert=perhaps")), SQLKIT_EINVAL);
	assert_null(c);

	/* a wrong password: the server's refusal, with its number */
	{
		char bad[1024];
		const char *at = strchr(base_url, '@');
		const char *colon = strchr(base_url + strlen("mysql://"), ':');
		assert_non_null(at);
		assert_non_null(colon);
		snprintf(bad, sizeof bad, "%.*s:wrong%s", (int)(colon - base_url), base_url, at);
		assert_true(sqlkit_conn_open(&c, bad) < 0);
		assert_int_equal(sqlkit_error_last()->native_code, 1045);
		assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_OPERATIONAL);
		assert_null(strstr(sqlkit_error_last()->message, "wrong"));   /* no password shown */
	}
	/* every option MySQL has, accepted */
	OK(sqlkit_conn_open(&c, url_with(url, sizeof url,
		"charset=utf8mb4&connect_timeout=5&read_timeout=30&write_timeout=30&compress=false"
		"&init_command=SET%20@sqlkit_init%20%3D%2042")));
	assert_int_equal(one_int(c, "SELECT @sqlkit_init", NULL, 0), 42);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- errors */

static void test_mysql__error_numbers_map_to_classes(void **state)
{
	sqlkit_conn *c = open_conn(NULL);
	const sqlkit_error *e;
	sqlkit_param p = SQLKIT_PARAM("id", sqlkit_int(1));

	(void)state;
	FAILS(sqlkit_conn_execute(NULL, c, "SELECT * FROM my_no_such_table", NULL, 0), SQLKIT_ESQL);
	e = sqlkit_error_last();
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_PROGRAMMING);
	assert_string_equal(e->sqlstate, "42S02");
	assert_int_equal(e->native_code, 1146);
	assert_message_has("MySQL error 1146");

	FAILS(sqlkit_conn_execute(NULL, c, "SELEKT 1", NULL, 0), SQLKIT_ESQL);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_PROGRAMMING);
	assert_int_equal(sqlkit_error_last()->native_code, 1064);

	exec(c, "DROP TABLE IF EXISTS my_dup");
	exec(c, "CREATE TABLE my_dup (id INT PRIMARY KEY, n INT NOT NULL, "
	        "CONSTRAINT my_dup_n CHECK (n >= 0))");
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO my_dup VALUES (:id, 1)", &p, 1));
	FAILS(sqlkit_conn_execute(NULL, c, "INSERT INTO my_dup VALUES (:id, 1)", &p, 1),
	      SQLKIT_ECONSTRAINT);
	e = sqlkit_error_last();
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_string_equal(e->sqlstate, "23505");
	assert_int_equal(e->native_code, 1062);
	assert_false(e->connection_dead);
	FAILS(sqlkit_conn_execute(NULL, c, "INSERT INTO my_dup VALUES (2, -1)", NULL, 0),
	      SQLKIT_ECONSTRAINT);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23514");
	/* out of range: a DataError */
	FAILS(sqlkit_conn_execute(NULL, c, "INSERT INTO my_dup VALUES (3, 99999999999)", NULL, 0),
	      SQLKIT_ERROR);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_DATA);
	exec(c, "DROP TABLE my_dup");
	OK(sqlkit_conn_ping(c));
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- KILL */

static sqlkit_engine *kill_engine(int pre_ping)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e;

	o.pool_size = 1;
	o.max_overflow = 0;
	o.pool_pre_ping = pre_ping;
	OK(sqlkit_engine_create(&e, base_url, &o));
	return e;
}

/* KILL the session of the engine's one pooled connection from another session;
 * returns that connection's serial. */
static uint64_t kill_pooled(sqlkit_engine *e, sqlkit_conn *killer)
{
	sqlkit_conn *c;
	sqlkit_param p;
	uint64_t serial;

	OK(sqlkit_engine_connect(&c, e));
	p = SQLKIT_PARAM("id", sqlkit_int(one_int(c, "SELECT CONNECTION_ID()", NULL, 0)));
	serial = sqlkit_conn_serial(c);
	sqlkit_conn_close(c);
	OK(sqlkit_conn_execute(NULL, killer, "KILL :id", &p, 1));
	return serial;
}

static void test_mysql__killed_connection_is_dead_and_the_pool_recovers(void **state)
{
	sqlkit_conn *killer = open_conn(NULL), *c;
	sqlkit_engine *plain, *pinged;
	sqlkit_pool_status st;
	const sqlkit_error *e;
	uint64_t serial;
	int rc;

	(void)state;
	plain = kill_engine(0);
	serial = kill_pooled(plain, killer);
	OK(sqlkit_engine_connect(&c, plain));
	assert_true(sqlkit_conn_serial(c) == serial);   /* not pinged: the same connection */
	rc = sqlkit_conn_execute(NULL, c, "SELECT 1", NULL, 0);
	e = sqlkit_error_last();
	if (rc != SQLKIT_EDISCONNECTED)
		fail_msg("a statement on a killed connection -> %d (%s)", rc, e->message);
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_OPERATIONAL);
	assert_true(e->connection_dead);
	printf("# on the killed connection: SQLSTATE \"%s\", MySQL error %d: %s\n", e->sqlstate,
	       e->native_code, e->message);
	assert_true(sqlkit_conn_is_dead(c));
	FAILS(sqlkit_conn_ping(c), SQLKIT_EDISCONNECTED);
	sqlkit_conn_close(c);                            /* invalidated, not pooled */
	sqlkit_engine_pool_status(plain, &st);
	assert_int_equal(st.open, 0);
	OK(sqlkit_engine_connect(&c, plain));
	assert_true(sqlkit_conn_serial(c) != serial);
	assert_int_equal(one_int(c, "SELECT 41 + 1", NULL, 0), 42);
	sqlkit_conn_close(c);
	sqlkit_engine_free(plain);

	/* pre_ping: the killed connection is replaced at checkout, unseen */
	pinged = kill_engine(1);
	serial = kill_pooled(pinged, killer);
	OK(sqlkit_engine_connect(&c, pinged));
	assert_true(sqlkit_conn_serial(c) != serial);
	assert_int_equal(one_int(c, "SELECT 2", NULL, 0), 2);
	sqlkit_conn_close(c);
	sqlkit_engine_pool_status(pinged, &st);
	assert_int_equal(st.connects, 2);
	sqlkit_engine_free(pinged);
	sqlkit_conn_close(killer);
}

/* ---------------------------------------------------------------- executemany */

/* The server's count of prepared-statement executions in this session (this
 * SELECT's own included). */
#define STMT_EXECUTES "SELECT CAST(VARIABLE_VALUE AS SIGNED) FROM information_schema.SESSION_STATUS " \
                      "WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'"

static void test_mysql__executemany_batches(void **state)
{
	enum { N = 1000 };
	static sqlkit_param sets[N * 3];
	static char names[N][16];
	sqlkit_conn *c = open_conn(NULL);
	sqlkit_param mixed[] = {
		SQLKIT_PARAM("id", sqlkit_int(5001)), SQLKIT_PARAM("name", sqlkit_text("a")),
		SQLKIT_PARAM("score", sqlkit_float(1.5)),
		SQLKIT_PARAM("id", sqlkit_int(5002)), SQLKIT_PARAM("name", sqlkit_int(7)),
		SQLKIT_PARAM("score", sqlkit_decimal("2.25")),
	};
	sqlkit_param dup[] = {
		SQLKIT_PARAM("id", sqlkit_int(6001)), SQLKIT_PARAM("name", sqlkit_text("x")),
		SQLKIT_PARAM("score", sqlkit_null()),
		SQLKIT_PARAM("id", sqlkit_int(1)), SQLKIT_PARAM("name", sqlkit_text("y")),
		SQLKIT_PARAM("score", sqlkit_null()),
	};
	const char *ins = "INSERT INTO my_many (id, name, score) VALUES (:id, :name, :score)";
	int64_t rows = 0, want = 0, before, after;
	int i;

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_many");
	exec(c, "CREATE TABLE my_many (id INT PRIMARY KEY, name VARCHAR(20), score DOUBLE)");
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "n%d", i);
		sets[i * 3 + 0] = SQLKIT_PARAM("id", sqlkit_int(i + 1));
		sets[i * 3 + 1] = SQLKIT_PARAM("name", i % 7 ? sqlkit_text(names[i]) : sqlkit_null());
		sets[i * 3 + 2] = SQLKIT_PARAM("score", sqlkit_float(i / 2.0));
		want += i + 1;
	}
	before = one_int(c, STMT_EXECUTES, NULL, 0);
	OK(sqlkit_conn_executemany(c, ins, sets, 3, N, &rows));
	after = one_int(c, STMT_EXECUTES, NULL, 0);
	assert_int_equal(rows, N);
	/* array binding: the server ran a few batches, not one execute per set */
	printf("# executemany of %d sets: %lld statement executions on the server\n", N,
	       (long long)(after - before - 1));
	assert_true(after - before - 1 <= 4);
	assert_int_equal(one_int(c, "SELECT SUM(id) FROM my_many", NULL, 0), want);
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_many WHERE name IS NULL", NULL, 0),
	                 (N + 6) / 7);
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_many WHERE name = 'n999' AND score = 499.5",
	                         NULL, 0), 1);

	/* sets that disagree on a parameter's type still go in */
	OK(sqlkit_conn_executemany(c, ins, mixed, 3, 2, &rows));
	assert_int_equal(rows, 2);
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_many WHERE id > 5000 AND "
	                            "(name = '7' OR score = 1.5)", NULL, 0), 2);

	/* a failing set: nothing of the batch stays */
	FAILS(sqlkit_conn_executemany(c, ins, dup, 3, 2, &rows), SQLKIT_ECONSTRAINT);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23505");
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_many WHERE id = 6001", NULL, 0), 0);
	assert_false(sqlkit_conn_in_transaction(c));
	exec(c, "DROP TABLE my_many");
	sqlkit_conn_close(c);
}

/* Array binding of dates and times, and a batch with a failing set that the
 * message names. */
static void test_mysql__executemany_dates_and_the_failing_set(void **state)
{
	enum { N = 300 };
	static sqlkit_param sets[N * 3];
	sqlkit_conn *c = open_conn(NULL);
	const char *ins = "INSERT INTO my_dates (id, d, ts) VALUES (:id, :d, :ts)";
	int64_t rows = 0, before, after;
	int i;

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_dates");
	exec(c, "CREATE TABLE my_dates (id INT PRIMARY KEY, d DATE, ts DATETIME(6))");
	for (i = 0; i < N; i++) {
		sets[i * 3 + 0] = SQLKIT_PARAM("id", sqlkit_int(i + 1));
		sets[i * 3 + 1] = SQLKIT_PARAM("d", sqlkit_date(2024, 1 + i % 12, 1 + i % 28));
		sets[i * 3 + 2] = SQLKIT_PARAM("ts", sqlkit_datetime_v(2000 + i % 50, 2, 29 - (i % 50 != 0 && (2000 + i % 50) % 4 != 0), 23, 59, 58, i));
	}
	before = one_int(c, STMT_EXECUTES, NULL, 0);
	OK(sqlkit_conn_executemany(c, ins, sets, 3, N, &rows));
	after = one_int(c, STMT_EXECUTES, NULL, 0);
	assert_int_equal(rows, N);
	assert_true(after - before - 1 <= 2);
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_dates WHERE d = '2024-12-20' AND id = 300",
	                         NULL, 0), 1);
	assert_int_equal(one_int(c, "SELECT MICROSECOND(ts) FROM my_dates WHERE id = 300", NULL, 0), 299);

	/* set 201 repeats a key: the message names it, and nothing of the batch stays */
	exec(c, "DELETE FROM my_dates");
	sets[200 * 3 + 0] = SQLKIT_PARAM("id", sqlkit_int(7));
	FAILS(sqlkit_conn_executemany(c, ins, sets, 3, N, &rows), SQLKIT_ECONSTRAINT);
	assert_message_has("parameter set 201");
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_dates", NULL, 0), 0);
	exec(c, "DROP TABLE my_dates");
	sqlkit_conn_close(c);
}

/* Run N inserts through executemany on a connection with ?executemany_mode=mode
 * and return the server's statement executions it took. */
static int64_t many_in_mode(const char *mode, const char *ins, int n, int base, int64_t want_rows)
{
	char q[64];
	sqlkit_param *sets = calloc((size_t)n * 3, sizeof *sets);
	sqlkit_conn *c;
	int64_t rows = 0, before, after;
	int i;

	assert_non_null(sets);
	snprintf(q, sizeof q, "executemany_mode=%s", mode);
	c = open_conn(q);
	for (i = 0; i < n; i++) {
		sets[i * 3 + 0] = SQLKIT_PARAM("id", sqlkit_int(base + i));
		sets[i * 3 + 1] = SQLKIT_PARAM("name", i % 3 ? sqlkit_text("it's") : sqlkit_null());
		sets[i * 3 + 2] = SQLKIT_PARAM("score", i % 2 ? sqlkit_float(i) : sqlkit_int(i));
	}
	before = one_int(c, STMT_EXECUTES, NULL, 0);
	OK(sqlkit_conn_executemany(c, ins, sets, 3, (size_t)n, &rows));
	after = one_int(c, STMT_EXECUTES, NULL, 0);
	assert_int_equal(rows, want_rows);
	sqlkit_conn_close(c);
	free(sets);
	return after - before - 1;
}

/* Without array binding (Oracle's client library or server, or asked for):
 * multi-row VALUES, 1,000 rows a statement; "each" is one execute per set. */
static void test_mysql__executemany_modes(void **state)
{
	const char *ins = "INSERT INTO my_modes (id, name, score) VALUES (:id, :name, :score)";
	const char *upsert = "INSERT INTO my_modes (id, name, score) VALUES (:id, :name, :score) "
	                     "ON DUPLICATE KEY UPDATE score = score + 1000";
	sqlkit_conn *c = open_conn(NULL), *bad = NULL;
	char url[1024];

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_modes");
	exec(c, "CREATE TABLE my_modes (id INT PRIMARY KEY, name VARCHAR(20), score DOUBLE)");
	assert_int_equal(many_in_mode("values", ins, 2500, 1, 2500), 3);       /* 1000 + 1000 + 500 */
	assert_int_equal(many_in_mode("each", ins, 30, 10001, 30), 30);
	/* auto: array binding (test_mysql__executemany_batches), but these sets mix INT and
	 * FLOAT scores, which array binding cannot take: multi-row VALUES then */
	assert_int_equal(many_in_mode("auto", ins, 2500, 20001, 2500), 3);
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_modes", NULL, 0), 5030);
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_modes WHERE name = 'it''s'", NULL, 0),
	                 1666 + 20 + 1666);
	assert_int_equal(one_int(c, "SELECT CAST(SUM(score) AS SIGNED) FROM my_modes WHERE id <= 2500",
	                         NULL, 0), 2499 * 2500 / 2);
	/* the text after the VALUES group goes once, after all the rows: rows 1..10
	 * exist, so each gets its score raised once (MySQL counts an updated row twice) */
	assert_int_equal(many_in_mode("values", upsert, 10, 1, 20), 1);
	assert_int_equal(one_int(c, "SELECT CAST(SUM(score) AS SIGNED) FROM my_modes WHERE id <= 10",
	                         NULL, 0), 45 + 10000);
	if (!base_url)
		skip();
	FAILS(sqlkit_conn_open(&bad, url_with(url, sizeof url, "executemany_mode=fast")), SQLKIT_EINVAL);
	assert_message_has("executemany_mode");
	exec(c, "DROP TABLE my_modes");
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- streaming */

static void test_mysql__a_second_statement_while_a_result_streams(void **state)
{
	enum { N = 3000 };
	sqlkit_conn *c = open_conn(NULL);
	sqlkit_result *r;
	const sqlkit_row *row;
	sqlkit_param p;
	char first[64];
	int64_t seen = 0, sum = 0;
	int rc;

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_stream");
	exec(c, "CREATE TABLE my_stream (id INT PRIMARY KEY, label VARCHAR(40), big LONGTEXT)");
	exec(c, "SET SESSION max_recursive_iterations = 10000");
	exec(c, "INSERT INTO my_stream (id, label) WITH RECURSIVE seq(n) AS "
	        "(SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 3000) "
	        "SELECT n, CONCAT('label-', n) FROM seq");
	/* one text far longer than the first fetch buffer */
	p = SQLKIT_PARAM("n", sqlkit_int(100000));
	OK(sqlkit_conn_execute(NULL, c, "UPDATE my_stream SET big = REPEAT('x', :n) WHERE id = 2000",
	                       &p, 1));

	OK(sqlkit_conn_execute(&r, c, "SELECT id, label, big FROM my_stream ORDER BY id", NULL, 0));
	while (seen < 10 && (rc = sqlkit_result_fetchone(&row, r)) == 0 && row) {
		seen++;
		sum += sqlkit_row_int(row, 0);
	}
	snprintf(first, sizeof first, "%s", sqlkit_row_text(row, 1));
	assert_string_equal(first, "label-10");
	/* the connection is needed while 2,990 rows wait: they are read first */
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_stream", NULL, 0), N);
	exec(c, "INSERT INTO my_stream (id, label) VALUES (3001, 'late')");
	/* the current row is still what it was */
	assert_string_equal(sqlkit_row_text(row, 1), "label-10");
	while ((rc = sqlkit_result_fetchone(&row, r)) == 0 && row) {
		const sqlkit_value *big = sqlkit_row_value(row, 2);
		seen++;
		sum += sqlkit_row_int(row, 0);
		if (sqlkit_row_int(row, 0) == 2000) {
			assert_int_equal(big->type, SQLKIT_TYPE_TEXT);
			assert_int_equal(big->u.s.len, 100000);
			assert_int_equal(big->u.s.ptr[99999], 'x');
			assert_int_equal(big->u.s.ptr[100000], '\0');
		} else {
			assert_int_equal(big->type, SQLKIT_TYPE_NULL);
		}
	}
	OK(rc);
	sqlkit_result_free(r);
	assert_int_equal(seen, N);               /* the late row came after the SELECT */
	assert_int_equal(sum, (int64_t)N * (N + 1) / 2);
	exec(c, "DROP TABLE my_stream");
	sqlkit_conn_close(c);
}

/* A cached statement whose table gains a column; a CALL read to its end; a first
 * row longer than the first fetch buffer. The connection stays usable. */
static void test_mysql__statements_that_change_under_us(void **state)
{
	sqlkit_conn *c = open_conn(NULL);
	sqlkit_result *r;
	const sqlkit_row *row;

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_shape");
	exec(c, "DROP PROCEDURE IF EXISTS my_proc");
	exec(c, "CREATE TABLE my_shape (a INT)");
	exec(c, "INSERT INTO my_shape VALUES (1)");
	OK(sqlkit_conn_execute(&r, c, "SELECT * FROM my_shape", NULL, 0));
	assert_int_equal(sqlkit_result_column_count(r), 1);
	sqlkit_result_free(r);
	exec(c, "ALTER TABLE my_shape ADD COLUMN b VARCHAR(10) DEFAULT 'new'");
	OK(sqlkit_conn_execute(&r, c, "SELECT * FROM my_shape", NULL, 0));   /* the cached one */
	assert_int_equal(sqlkit_result_column_count(r), 2);
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_string_equal(sqlkit_row_text(row, 1), "new");
	sqlkit_result_free(r);
	OK(sqlkit_conn_begin(c));
	OK(sqlkit_conn_commit(c));

	exec(c, "CREATE PROCEDURE my_proc() SELECT a, b FROM my_shape");
	OK(sqlkit_conn_execute(&r, c, "CALL my_proc()", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_int_equal(sqlkit_row_int(row, 0), 1);
	OK(sqlkit_result_fetchone(&row, r));
	assert_null(row);
	sqlkit_result_free(r);
	OK(sqlkit_conn_begin(c));               /* not "commands out of sync" */
	OK(sqlkit_conn_commit(c));
	assert_int_equal(one_int(c, "SELECT COUNT(*) FROM my_shape", NULL, 0), 1);

	OK(sqlkit_conn_execute(&r, c, "SELECT REPEAT('y', 50000) AS big, 7 AS n", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_int_equal(sqlkit_row_value(row, 0)->u.s.len, 50000);
	assert_int_equal(sqlkit_row_value(row, 0)->u.s.ptr[49999], 'y');
	assert_int_equal(sqlkit_row_int(row, 1), 7);
	sqlkit_result_free(r);
	exec(c, "DROP PROCEDURE my_proc");
	exec(c, "DROP TABLE my_shape");
	sqlkit_conn_close(c);
}

/* A result being read into memory when its connection is killed: the rows that
 * arrived are served, then the error, not a result that quietly ends. */
static void test_mysql__a_result_cut_by_a_lost_connection_says_so(void **state)
{
	sqlkit_conn *c = open_conn(NULL), *killer = open_conn(NULL);
	sqlkit_result *r;
	const sqlkit_row *row;
	sqlkit_param id;
	int64_t seen = 0;
	int rc;

	(void)state;
	exec(c, "SET SESSION max_recursive_iterations = 1000000");
	id = SQLKIT_PARAM("id", sqlkit_int(one_int(c, "SELECT CONNECTION_ID()", NULL, 0)));
	/* some 40 MB: far more than the socket buffers hold */
	OK(sqlkit_conn_execute(&r, c, "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 "
	                       "FROM seq WHERE n < 400000) SELECT n, REPEAT('z', 100) FROM seq", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	OK(sqlkit_conn_execute(NULL, killer, "KILL :id", &id, 1));
	/* another statement needs the connection: the rest is read, and cut short */
	FAILS(sqlkit_conn_execute(NULL, c, "SELECT 1", NULL, 0), SQLKIT_EDISCONNECTED);
	while ((rc = sqlkit_result_fetchone(&row, r)) == 0 && row)
		seen++;
	if (rc != SQLKIT_EDISCONNECTED)
		fail_msg("after %lld rows the result ended with %d, not SQLKIT_EDISCONNECTED",
		         (long long)seen, rc);
	assert_true(seen < 399999);
	assert_true(sqlkit_error_last()->connection_dead);
	sqlkit_result_free(r);
	sqlkit_conn_close(c);
	sqlkit_conn_close(killer);
}

/* ---------------------------------------------------------------- types */

static void test_mysql__mysql_types(void **state)
{
	sqlkit_conn *c = open_conn(NULL);
	sqlkit_result *r;
	const sqlkit_row *row;
	const sqlkit_value *v;
	sqlkit_param p[] = { SQLKIT_PARAM("d", sqlkit_decimal("-1234567890123456789012345678.0123456789")),
	                     SQLKIT_PARAM("b", sqlkit_bool(1)) };

	(void)state;
	exec(c, "DROP TABLE IF EXISTS my_types");
	exec(c, "CREATE TABLE my_types (b TINYINT(1), u BIGINT UNSIGNED, d DECIMAL(38,10), "
	        "t TIME(6), y YEAR, bits BIT(8))");
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO my_types VALUES (:b, 18446744073709551615, :d, "
	                       "'-838:59:59.000001', 2024, b'10100101')", p, 2));
	OK(sqlkit_conn_execute(&r, c, "SELECT b, u, d, t, y, bits FROM my_types", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	v = sqlkit_row_value(row, 0);
	assert_int_equal(v->type, SQLKIT_TYPE_BOOL);
	assert_int_equal(v->u.b, 1);
	v = sqlkit_row_value(row, 1);           /* beyond int64: exact, as a decimal */
	assert_int_equal(v->type, SQLKIT_TYPE_DECIMAL);
	assert_string_equal(v->u.s.ptr, "18446744073709551615");
	v = sqlkit_row_value(row, 2);
	assert_int_equal(v->type, SQLKIT_TYPE_DECIMAL);
	assert_string_equal(v->u.s.ptr, "-1234567890123456789012345678.0123456789");
	v = sqlkit_row_value(row, 3);           /* an elapsed time, not a time of day */
	assert_int_equal(v->type, SQLKIT_TYPE_TEXT);
	assert_string_equal(v->u.s.ptr, "-838:59:59.000001");
	assert_int_equal(sqlkit_row_int(row, 4), 2024);
	v = sqlkit_row_value(row, 5);
	assert_int_equal(v->type, SQLKIT_TYPE_INT);
	assert_int_equal(v->u.i, 0xA5);
	sqlkit_result_free(r);
	exec(c, "DROP TABLE my_types");
	sqlkit_conn_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mysql__utf8mb4_keeps_emoji),
		cmocka_unit_test(test_mysql__latin1_connection_converts),
		cmocka_unit_test(test_mysql__bad_options_are_clear_errors),
		cmocka_unit_test(test_mysql__error_numbers_map_to_classes),
		cmocka_unit_test(test_mysql__killed_connection_is_dead_and_the_pool_recovers),
		cmocka_unit_test(test_mysql__executemany_batches),
		cmocka_unit_test(test_mysql__executemany_modes),
		cmocka_unit_test(test_mysql__executemany_dates_and_the_failing_set),
		cmocka_unit_test(test_mysql__a_second_statement_while_a_result_streams),
		cmocka_unit_test(test_mysql__statements_that_change_under_us),
		cmocka_unit_test(test_mysql__a_result_cut_by_a_lost_connection_says_so),
		cmocka_unit_test(test_mysql__mysql_types),
	};
	int rc = cmocka_run_group_tests(tests, setup, NULL);
	sqlkit_shutdown();
	return rc;
}
