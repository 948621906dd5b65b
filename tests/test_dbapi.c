/*
 * tests/test_dbapi.c - the DBAPI layer on SQLite, loaded as a plugin by URL:
 * connections, typed values both ways, results, transactions and savepoints,
 * executemany, the statement cache, and errors with their PEP 249 classes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlkit/sqlkit.h>

#define OK(call) do { int rc_ = (call); \
	if (rc_ != 0) fail_msg("%s -> %d: %s", #call, rc_, sqlkit_error_last()->message); } while (0)
#define assert_message_has(s) do { \
	const char *m_ = sqlkit_error_last()->message; \
	if (!strstr(m_, (s))) fail_msg("message \"%s\" lacks \"%s\"", m_, (s)); } while (0)

static int open_memory(void **state)
{
	sqlkit_conn *c;
	if (sqlkit_conn_open(&c, "sqlite://") != 0)
		return -1;
	*state = c;
	return 0;
}

static int close_conn(void **state)
{
	sqlkit_conn_close(*state);
	return 0;
}

static void exec(sqlkit_conn *c, const char *sql)
{
	OK(sqlkit_conn_execute(NULL, c, sql, NULL, 0));
}

static int64_t count(sqlkit_conn *c, const char *table)
{
	char sql[128];
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t n;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	OK(sqlkit_conn_execute(&r, c, sql, NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	n = sqlkit_row_int(row, 0);
	sqlkit_result_free(r);
	return n;
}

/* ---------------------------------------------------------------- values */

static void test_dbapi__typed_values_round_trip(void **state)
{
	sqlkit_conn *c = *state;
	static const unsigned char uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
	                                        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	static const char blob[5] = { 'a', 0, 'b', 0, 'c' };
	sqlkit_value when = sqlkit_datetime_v(2024, 2, 29, 23, 59, 58, 123456);
	sqlkit_result *r;
	const sqlkit_row *row;
	const sqlkit_value *v;
	sqlkit_param p[] = {
		SQLKIT_PARAM("i", sqlkit_int(INT64_MIN)),
		SQLKIT_PARAM("f", sqlkit_float(0.1)),
		SQLKIT_PARAM("t", sqlkit_text("h\xc3\xa9llo \xf0\x9f\x98\x80")),
		SQLKIT_PARAM("b", sqlkit_blob(blob, sizeof blob)),
		SQLKIT_PARAM("ok", sqlkit_bool(1)),
		SQLKIT_PARAM("d", sqlkit_date(1999, 12, 31)),
		SQLKIT_PARAM("tm", sqlkit_time(7, 8, 9, 10)),
		SQLKIT_PARAM("ts", when),
		SQLKIT_PARAM("j", sqlkit_json("{\"a\": [1, 2]}")),
		SQLKIT_PARAM("u", sqlkit_uuid(uuid)),
		SQLKIT_PARAM("dec", sqlkit_decimal("12345678901234567890.123456789")),
		SQLKIT_PARAM("n", sqlkit_null()),
	};

	exec(c, "CREATE TABLE v (i INTEGER, f FLOAT, t TEXT, b BLOB, ok BOOLEAN, d DATE, tm TIME, "
	        "ts DATETIME, j JSON, u UUID, dec, n INTEGER)");
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO v VALUES (:i, :f, :t, :b, :ok, :d, :tm, :ts, "
	                       ":j, :u, :dec, :n)", p, 12));
	OK(sqlkit_conn_execute(&r, c, "SELECT * FROM v", NULL, 0));
	assert_int_equal(sqlkit_result_column_count(r), 12);
	assert_string_equal(sqlkit_result_column_name(r, 7), "ts");
	assert_int_equal(sqlkit_result_column_type(r, 4), SQLKIT_TYPE_BOOL);
	assert_int_equal(sqlkit_result_column_type(r, 7), SQLKIT_TYPE_DATETIME);
	assert_int_equal(sqlkit_result_column_index(r, "j"), 8);
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);

	v = sqlkit_row_value(row, 0);
	assert_int_equal(v->type, SQLKIT_TYPE_INT);
	assert_true(v->u.i == INT64_MIN);
	v = sqlkit_row_value(row, 1);
	assert_int_equal(v->type, SQLKIT_TYPE_FLOAT);
	assert_true(v->u.f == 0.1);
	assert_string_equal(sqlkit_row_text(row, 2), "h\xc3\xa9llo \xf0\x9f\x98\x80");
	v = sqlkit_row_value(row, 3);
	assert_int_equal(v->type, SQLKIT_TYPE_BLOB);
	assert_int_equal(v->u.s.len, 5);
	assert_memory_equal(v->u.s.ptr, blob, 5);
	v = sqlkit_row_value_by_name(row, "ok");
	assert_int_equal(v->type, SQLKIT_TYPE_BOOL);   /* a boolean reads back as a boolean */
	assert_int_equal(v->u.b, 1);
	v = sqlkit_row_value(row, 5);
	assert_int_equal(v->type, SQLKIT_TYPE_DATE);
	assert_int_equal(v->u.dt.year, 1999);
	assert_int_equal(v->u.dt.day, 31);
	v = sqlkit_row_value(row, 6);
	assert_int_equal(v->type, SQLKIT_TYPE_TIME);
	assert_int_equal(v->u.dt.second, 9);
	assert_int_equal(v->u.dt.microsecond, 10);
	v = sqlkit_row_value(row, 7);
	assert_int_equal(v->type, SQLKIT_TYPE_DATETIME);   /* keeps its microseconds */
	assert_int_equal(v->u.dt.month, 2);
	assert_int_equal(v->u.dt.day, 29);
	assert_int_equal(v->u.dt.hour, 23);
	assert_int_equal(v->u.dt.microsecond, 123456);
	v = sqlkit_row_value(row, 8);
	assert_int_equal(v->type, SQLKIT_TYPE_JSON);
	assert_string_equal(v->u.s.ptr, "{\"a\": [1, 2]}");
	v = sqlkit_row_value(row, 9);
	assert_int_equal(v->type, SQLKIT_TYPE_UUID);
	assert_memory_equal(v->u.uuid, uuid, 16);
	assert_string_equal(sqlkit_row_text(row, 10), "12345678901234567890.123456789");
	assert_true(sqlkit_row_is_null(row, 11));
	assert_null(sqlkit_row_value(row, 12));

	OK(sqlkit_result_fetchone(&row, r));
	assert_null(row);
	sqlkit_result_free(r);
}

/* A NUMERIC column keeps a decimal's value up to 15 significant digits: SQLite's
 * NUMERIC affinity stores it as a real, and the plugin reads back exactly the
 * digits stored (longer decimals belong in a text column on SQLite). */
static void test_dbapi__numeric_columns_keep_decimals_exact(void **state)
{
	sqlkit_conn *c = *state;
	static const char *const in[] = { "12.50", "-0.001", "1234567890.12345", "42", "0.1" };
	static const char *const out[] = { "12.5", "-0.001", "1234567890.12345", "42", "0.1" };
	sqlkit_result *r;
	const sqlkit_row *row;
	size_t i;

	exec(c, "CREATE TABLE price (id INTEGER PRIMARY KEY, amount NUMERIC(30, 9))");
	for (i = 0; i < 5; i++) {
		sqlkit_param p[] = { SQLKIT_PARAM("id", sqlkit_int((int64_t)i)),
		                     SQLKIT_PARAM("a", sqlkit_decimal(in[i])) };
		OK(sqlkit_conn_execute(NULL, c, "INSERT INTO price VALUES (:id, :a)", p, 2));
	}
	OK(sqlkit_conn_execute(&r, c, "SELECT amount FROM price ORDER BY id", NULL, 0));
	for (i = 0; i < 5; i++) {
		OK(sqlkit_result_fetchone(&row, r));
		assert_non_null(row);
		assert_int_equal(sqlkit_row_value(row, 0)->type, SQLKIT_TYPE_DECIMAL);
		assert_string_equal(sqlkit_row_text(row, 0), out[i]);
	}
	sqlkit_result_free(r);
	/* and they still sort and add as numbers */
	OK(sqlkit_conn_execute(&r, c, "SELECT sum(amount) > 12 FROM price WHERE amount < 100", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_int_equal(sqlkit_row_int(row, 0), 1);
	sqlkit_result_free(r);
}

static void test_dbapi__null_is_not_zero_or_empty(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_result *r;
	sqlkit_rowset *rs;

	exec(c, "CREATE TABLE z (id INTEGER PRIMARY KEY, n INTEGER, s TEXT)");
	exec(c, "INSERT INTO z (n, s) VALUES (NULL, NULL), (0, ''), (1, 'x')");
	OK(sqlkit_conn_execute(&r, c, "SELECT n, s FROM z ORDER BY id", NULL, 0));
	OK(sqlkit_result_fetchall(&rs, r));
	sqlkit_result_free(r);
	assert_int_equal(sqlkit_rowset_count(rs), 3);
	assert_int_equal(sqlkit_row_value(sqlkit_rowset_row(rs, 0), 0)->type, SQLKIT_TYPE_NULL);
	assert_int_equal(sqlkit_row_value(sqlkit_rowset_row(rs, 0), 1)->type, SQLKIT_TYPE_NULL);
	assert_int_equal(sqlkit_row_value(sqlkit_rowset_row(rs, 1), 0)->type, SQLKIT_TYPE_INT);
	assert_int_equal(sqlkit_row_value(sqlkit_rowset_row(rs, 1), 1)->type, SQLKIT_TYPE_TEXT);
	assert_int_equal(sqlkit_row_value(sqlkit_rowset_row(rs, 1), 1)->u.s.len, 0);
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(rs, 2), 1), "x");
	assert_null(sqlkit_rowset_row(rs, 3));
	sqlkit_rowset_free(rs);
}

/* ---------------------------------------------------------------- results */

static void test_dbapi__fetchmany_and_fetchall_copy_rows(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_result *r;
	sqlkit_rowset *a, *b, *d;
	int i;

	exec(c, "CREATE TABLE f (id INTEGER PRIMARY KEY, name TEXT)");
	for (i = 1; i <= 10; i++) {
		char name[16];
		sqlkit_param p;
		snprintf(name, sizeof name, "name-%d", i);
		p = SQLKIT_PARAM("name", sqlkit_text(name));
		OK(sqlkit_conn_execute(NULL, c, "INSERT INTO f (name) VALUES (:name)", &p, 1));
	}
	OK(sqlkit_conn_execute(&r, c, "SELECT id, name FROM f ORDER BY id", NULL, 0));
	OK(sqlkit_result_fetchmany(&a, r, 4));
	OK(sqlkit_result_fetchall(&b, r));
	OK(sqlkit_result_fetchmany(&d, r, 4));
	sqlkit_result_free(r);   /* rowsets outlive their result */
	assert_int_equal(sqlkit_rowset_count(a), 4);
	assert_int_equal(sqlkit_rowset_count(b), 6);
	assert_int_equal(sqlkit_rowset_count(d), 0);
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(a, 3), 1), "name-4");
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(b, 0), 1), "name-5");
	assert_int_equal(sqlkit_row_int(sqlkit_rowset_row(b, 5), 0), 10);
	assert_string_equal(sqlkit_row_column_name(sqlkit_rowset_row(b, 5), 1), "name");
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(b, 5), 1), "name-10");
	sqlkit_rowset_free(a);
	sqlkit_rowset_free(b);
	sqlkit_rowset_free(d);
}

static void test_dbapi__rowcount_and_last_insert_id(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_result *r;
	int64_t id;

	exec(c, "CREATE TABLE k (id INTEGER PRIMARY KEY, v INTEGER)");
	exec(c, "INSERT INTO k (v) VALUES (1)");
	exec(c, "INSERT INTO k (v) VALUES (1)");
	OK(sqlkit_conn_last_insert_id(c, &id));
	assert_int_equal(id, 2);
	OK(sqlkit_conn_execute(&r, c, "UPDATE k SET v = v + 1", NULL, 0));
	assert_int_equal(sqlkit_result_rowcount(r), 2);
	assert_int_equal(sqlkit_result_column_count(r), 0);
	sqlkit_result_free(r);
	OK(sqlkit_conn_execute(&r, c, "DELETE FROM k WHERE id = :id",
	                       (sqlkit_param[]){ SQLKIT_PARAM("id", sqlkit_int(5)) }, 1));
	assert_int_equal(sqlkit_result_rowcount(r), 0);
	sqlkit_result_free(r);
}

static void test_dbapi__returning_runs_before_fetch(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_result *r;
	const sqlkit_row *row;

	exec(c, "CREATE TABLE rt (id INTEGER PRIMARY KEY, v TEXT)");
	OK(sqlkit_conn_execute(&r, c, "INSERT INTO rt (v) VALUES (:v) RETURNING id",
	                       (sqlkit_param[]){ SQLKIT_PARAM("v", sqlkit_text("a")) }, 1));
	/* the insert happened at execute, even before a row is fetched */
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_int_equal(sqlkit_row_int(row, 0), 1);
	sqlkit_result_free(r);
	assert_int_equal(count(c, "rt"), 1);
}

/* ---------------------------------------------------------------- statements */

static void test_dbapi__prepared_statement_is_reused(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_stmt *ins, *sel;
	sqlkit_result *r;
	const sqlkit_row *row;
	int i;

	exec(c, "CREATE TABLE ps (id INTEGER PRIMARY KEY, sq INTEGER)");
	OK(sqlkit_conn_prepare(&ins, c, "INSERT INTO ps (id, sq) VALUES (:id, :id * :id)"));
	assert_int_equal(sqlkit_stmt_param_count(ins), 1);
	assert_string_equal(sqlkit_stmt_param_name(ins, 0), "id");
	assert_string_equal(sqlkit_stmt_sql(ins), "INSERT INTO ps (id, sq) VALUES (?1, ?1 * ?1)");
	for (i = 1; i <= 100; i++) {
		sqlkit_param p = SQLKIT_PARAM("id", sqlkit_int(i));
		OK(sqlkit_stmt_execute(NULL, ins, &p, 1));
	}
	OK(sqlkit_conn_prepare(&sel, c, "SELECT sq FROM ps WHERE id = :id"));
	for (i = 1; i <= 100; i += 33) {
		sqlkit_param p = SQLKIT_PARAM(":id", sqlkit_int(i));  /* a leading colon is accepted */
		OK(sqlkit_stmt_execute(&r, sel, &p, 1));
		/* one open result per statement */
		assert_int_equal(sqlkit_stmt_execute(NULL, sel, &p, 1), SQLKIT_ESTATE);
		OK(sqlkit_result_fetchone(&row, r));
		assert_int_equal(sqlkit_row_int(row, 0), i * i);
		sqlkit_result_free(r);
	}
	sqlkit_stmt_free(ins);
	sqlkit_stmt_free(sel);
}

static void test_dbapi__same_sql_twice_while_a_result_is_open(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_result *r1, *r2;
	const sqlkit_row *a, *b;

	exec(c, "CREATE TABLE two (v INTEGER)");
	exec(c, "INSERT INTO two VALUES (1), (2)");
	OK(sqlkit_conn_execute(&r1, c, "SELECT v FROM two ORDER BY v", NULL, 0));
	OK(sqlkit_result_fetchone(&a, r1));
	OK(sqlkit_conn_execute(&r2, c, "SELECT v FROM two ORDER BY v", NULL, 0));
	OK(sqlkit_result_fetchone(&b, r2));
	assert_int_equal(sqlkit_row_int(a, 0), 1);
	assert_int_equal(sqlkit_row_int(b, 0), 1);
	OK(sqlkit_result_fetchone(&a, r1));
	assert_int_equal(sqlkit_row_int(a, 0), 2);
	sqlkit_result_free(r2);
	sqlkit_result_free(r1);
}

static void test_dbapi__statement_outliving_its_connection_is_safe(void **state)
{
	sqlkit_conn *c;
	sqlkit_stmt *s;
	(void)state;

	OK(sqlkit_conn_open(&c, "sqlite://"));
	OK(sqlkit_conn_prepare(&s, c, "SELECT 1"));
	sqlkit_conn_close(c);
	assert_int_equal(sqlkit_stmt_execute(NULL, s, NULL, 0), SQLKIT_ESTATE);
	sqlkit_stmt_free(s);
}

static void test_dbapi__binds_inside_literals_are_not_binds(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_result *r;
	const sqlkit_row *row;

	OK(sqlkit_conn_execute(&r, c, "SELECT ':a' AS \":b\", /* :c */ :d -- :e\n",
	                       (sqlkit_param[]){ SQLKIT_PARAM("d", sqlkit_text("only d")) }, 1));
	OK(sqlkit_result_fetchone(&row, r));
	assert_string_equal(sqlkit_row_text(row, 0), ":a");
	assert_string_equal(sqlkit_row_column_name(row, 0), ":b");
	assert_string_equal(sqlkit_row_text(row, 1), "only d");
	sqlkit_result_free(r);
}

/* ---------------------------------------------------------------- parameters */

static void test_dbapi__parameter_mistakes_are_clear_errors(void **state)
{
	sqlkit_conn *c = *state;
	const char *sql = "SELECT :a, :b";

	assert_int_equal(sqlkit_conn_execute(NULL, c, sql,
	                 (sqlkit_param[]){ SQLKIT_PARAM("a", sqlkit_int(1)) }, 1), SQLKIT_EPARAM);
	assert_message_has("missing value for parameter \"b\"");
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_PROGRAMMING);
	assert_int_equal(sqlkit_conn_execute(NULL, c, sql, (sqlkit_param[]){
	                 SQLKIT_PARAM("a", sqlkit_int(1)), SQLKIT_PARAM("b", sqlkit_int(2)),
	                 SQLKIT_PARAM("zz", sqlkit_int(3)) }, 3), SQLKIT_EPARAM);
	assert_message_has("parameter \"zz\" is not in the statement");
	assert_int_equal(sqlkit_conn_execute(NULL, c, sql, (sqlkit_param[]){
	                 SQLKIT_PARAM("a", sqlkit_int(1)), SQLKIT_PARAM("b", sqlkit_int(2)),
	                 SQLKIT_PARAM("a", sqlkit_int(3)) }, 3), SQLKIT_EPARAM);
	assert_message_has("parameter \"a\" is given twice");
	assert_int_equal(sqlkit_conn_execute(NULL, c, "SELECT ?", NULL, 0), SQLKIT_EPARAM);
	assert_message_has("use named parameters");
	assert_int_equal(sqlkit_conn_execute(NULL, c, "SELECT :d",
	                 (sqlkit_param[]){ SQLKIT_PARAM("d", sqlkit_decimal("12,5")) }, 1),
	                 SQLKIT_EPARAM);
	assert_message_has("\"12,5\" is not a decimal number");
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_DATA);
}

/* ---------------------------------------------------------------- transactions */

static void test_dbapi__commit_keeps_and_rollback_undoes(void **state)
{
	sqlkit_conn *c = *state;

	exec(c, "CREATE TABLE t (v INTEGER)");
	assert_int_equal(sqlkit_conn_commit(c), SQLKIT_ESTATE);
	assert_int_equal(sqlkit_conn_rollback(c), SQLKIT_ESTATE);
	OK(sqlkit_conn_begin(c));
	assert_true(sqlkit_conn_in_transaction(c));
	assert_int_equal(sqlkit_conn_begin(c), SQLKIT_ESTATE);
	exec(c, "INSERT INTO t VALUES (1)");
	OK(sqlkit_conn_commit(c));
	assert_false(sqlkit_conn_in_transaction(c));
	OK(sqlkit_conn_begin(c));
	exec(c, "INSERT INTO t VALUES (2)");
	assert_int_equal(count(c, "t"), 2);
	OK(sqlkit_conn_rollback(c));
	assert_int_equal(count(c, "t"), 1);
}

static void test_dbapi__savepoints_nest(void **state)
{
	sqlkit_conn *c = *state;

	exec(c, "CREATE TABLE s (v INTEGER)");
	OK(sqlkit_conn_savepoint(c, NULL));          /* begins the transaction too */
	assert_true(sqlkit_conn_in_transaction(c));
	exec(c, "INSERT INTO s VALUES (1)");
	OK(sqlkit_conn_savepoint(c, "inner"));
	exec(c, "INSERT INTO s VALUES (2)");
	OK(sqlkit_conn_savepoint(c, NULL));
	exec(c, "INSERT INTO s VALUES (3)");
	assert_int_equal(sqlkit_conn_savepoint_depth(c), 3);
	OK(sqlkit_conn_release_savepoint(c, NULL));  /* keeps 3 */
	assert_int_equal(sqlkit_conn_savepoint_depth(c), 2);
	assert_int_equal(count(c, "s"), 3);
	OK(sqlkit_conn_rollback_to_savepoint(c, "inner"));  /* undoes 2 and 3 */
	assert_int_equal(sqlkit_conn_savepoint_depth(c), 1);
	assert_int_equal(count(c, "s"), 1);
	assert_int_equal(sqlkit_conn_rollback_to_savepoint(c, "inner"), SQLKIT_ENOTFOUND);
	assert_message_has("no savepoint \"inner\"");
	assert_int_equal(sqlkit_conn_savepoint(c, "bad name; DROP"), SQLKIT_EINVAL);
	OK(sqlkit_conn_commit(c));
	assert_int_equal(sqlkit_conn_savepoint_depth(c), 0);
	assert_int_equal(sqlkit_conn_release_savepoint(c, NULL), SQLKIT_ENOTFOUND);
	assert_int_equal(count(c, "s"), 1);
}

/* ---------------------------------------------------------------- executemany */

static void test_dbapi__executemany_inserts_every_set(void **state)
{
	sqlkit_conn *c = *state;
	enum { N = 1000 };
	static sqlkit_param sets[N * 3];
	static char names[N][16];
	int64_t rows = 0;
	int i;

	exec(c, "CREATE TABLE m (id INTEGER PRIMARY KEY, name TEXT, score FLOAT)");
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "n%d", i);
		/* parameters may come in any order within a set */
		sets[i * 3 + 0] = SQLKIT_PARAM("name", sqlkit_text(names[i]));
		sets[i * 3 + 1] = SQLKIT_PARAM("id", sqlkit_int(i + 1));
		sets[i * 3 + 2] = SQLKIT_PARAM("score", i % 7 ? sqlkit_float(i / 2.0) : sqlkit_null());
	}
	OK(sqlkit_conn_executemany(c, "INSERT INTO m (id, name, score) VALUES (:id, :name, :score)",
	                           sets, 3, N, &rows));
	assert_int_equal(rows, N);
	assert_int_equal(count(c, "m"), N);
	assert_false(sqlkit_conn_in_transaction(c));
}

/* Each set may name its parameters in its own order: values go to the markers
 * their names say, whatever order the set before had. */
static void test_dbapi__executemany_sets_in_different_orders(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_param sets[] = {
		SQLKIT_PARAM("a", sqlkit_int(1)), SQLKIT_PARAM("b", sqlkit_int(10)),
		SQLKIT_PARAM("b", sqlkit_int(20)), SQLKIT_PARAM("a", sqlkit_int(2)),
		SQLKIT_PARAM("a", sqlkit_int(3)), SQLKIT_PARAM("b", sqlkit_int(30)),
		SQLKIT_PARAM(":b", sqlkit_int(40)), SQLKIT_PARAM(":a", sqlkit_int(4)),
	};
	int64_t rows = 0;

	exec(c, "CREATE TABLE o (a INTEGER PRIMARY KEY, b INTEGER)");
	OK(sqlkit_conn_executemany(c, "INSERT INTO o (a, b) VALUES (:a, :b)", sets, 2, 4, &rows));
	assert_int_equal(rows, 4);
	assert_int_equal(count(c, "o WHERE b = a * 10"), 4);
}

static void test_dbapi__executemany_is_all_or_nothing(void **state)
{
	sqlkit_conn *c = *state;
	sqlkit_param sets[] = {
		SQLKIT_PARAM("id", sqlkit_int(1)), SQLKIT_PARAM("id", sqlkit_int(2)),
		SQLKIT_PARAM("id", sqlkit_int(1)), SQLKIT_PARAM("id", sqlkit_int(3)),
	};
	int64_t rows = 99;

	exec(c, "CREATE TABLE u (id INTEGER PRIMARY KEY)");
	assert_int_equal(sqlkit_conn_executemany(c, "INSERT INTO u (id) VALUES (:id)", sets, 1, 4,
	                                         &rows), SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_int_equal(rows, 0);
	assert_int_equal(count(c, "u"), 0);
	assert_false(sqlkit_conn_in_transaction(c));
	/* a set that names other parameters is refused with its index */
	{
		sqlkit_param odd[] = { SQLKIT_PARAM("id", sqlkit_int(1)), SQLKIT_PARAM("idx", sqlkit_int(2)) };
		assert_int_equal(sqlkit_conn_executemany(c, "INSERT INTO u (id) VALUES (:id)", odd, 1, 2,
		                                         NULL), SQLKIT_EPARAM);
		assert_message_has("parameter set 1");
		assert_int_equal(count(c, "u"), 0);
	}
}

/* ---------------------------------------------------------------- errors */

static void test_dbapi__constraint_violations_are_integrity_errors(void **state)
{
	sqlkit_conn *c = *state;

	exec(c, "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
	exec(c, "CREATE TABLE child (id INTEGER PRIMARY KEY, "
	        "parent_id INTEGER REFERENCES parent(id))");
	exec(c, "INSERT INTO parent VALUES (1, 'a')");
	assert_int_equal(sqlkit_conn_execute(NULL, c, "INSERT INTO parent VALUES (2, 'a')", NULL, 0),
	                 SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23505");
	assert_message_has("UNIQUE");
	assert_int_equal(sqlkit_conn_execute(NULL, c, "INSERT INTO parent VALUES (3, NULL)", NULL, 0),
	                 SQLKIT_ECONSTRAINT);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23502");
	/* foreign keys are enforced */
	assert_int_equal(sqlkit_conn_execute(NULL, c, "INSERT INTO child VALUES (1, 42)", NULL, 0),
	                 SQLKIT_ECONSTRAINT);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23503");
	/* and nothing changed */
	assert_int_equal(count(c, "parent"), 1);
	assert_int_equal(count(c, "child"), 0);
	assert_false(sqlkit_conn_is_dead(c));
}

static void test_dbapi__bad_sql_is_a_programming_error(void **state)
{
	sqlkit_conn *c = *state;

	assert_int_equal(sqlkit_conn_execute(NULL, c, "SELEKT 1", NULL, 0), SQLKIT_ESQL);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_PROGRAMMING);
	assert_message_has("syntax error");
	assert_int_equal(sqlkit_conn_execute(NULL, c, "SELECT * FROM no_such_table", NULL, 0),
	                 SQLKIT_ESQL);
	assert_message_has("no_such_table");
	/* the connection still works */
	OK(sqlkit_conn_ping(c));
	exec(c, "SELECT 1");
}

static void test_dbapi__file_database_options(void **state)
{
	char path[] = "/tmp/sqlkit-test-XXXXXX";
	char url[256], url_ro[300], url_busy[300];
	sqlkit_conn *a, *b;
	int fd;
	(void)state;

	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	snprintf(url, sizeof url, "sqlite:///%s", path);   /* sqlite:////tmp/... : absolute */
	OK(sqlkit_conn_open(&a, url));
	exec(a, "CREATE TABLE t (v INTEGER)");
	exec(a, "INSERT INTO t VALUES (1)");

	/* read-only */
	snprintf(url_ro, sizeof url_ro, "%s?mode=ro", url);
	OK(sqlkit_conn_open(&b, url_ro));
	assert_int_equal(count(b, "t"), 1);
	assert_true(sqlkit_conn_execute(NULL, b, "INSERT INTO t VALUES (2)", NULL, 0) < 0);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_OPERATIONAL);
	sqlkit_conn_close(b);

	/* a locked database is an OperationalError, SQLKIT_EBUSY */
	snprintf(url_busy, sizeof url_busy, "%s?timeout=0", url);
	OK(sqlkit_conn_open(&b, url_busy));
	OK(sqlkit_conn_begin(a));
	exec(a, "INSERT INTO t VALUES (3)");
	assert_int_equal(sqlkit_conn_execute(NULL, b, "INSERT INTO t VALUES (4)", NULL, 0),
	                 SQLKIT_EBUSY);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_OPERATIONAL);
	OK(sqlkit_conn_commit(a));
	exec(b, "INSERT INTO t VALUES (4)");
	assert_int_equal(count(a, "t"), 3);
	sqlkit_conn_close(b);

	/* unknown options are errors, not ignored */
	snprintf(url_busy, sizeof url_busy, "%s?colour=blue", url);
	assert_true(sqlkit_conn_open(&b, url_busy) < 0);
	assert_message_has("colour");
	sqlkit_conn_close(a);
	unlink(path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, open_memory, close_conn)
	const struct CMUnitTest tests[] = {
		T(test_dbapi__typed_values_round_trip),
		T(test_dbapi__numeric_columns_keep_decimals_exact),
		T(test_dbapi__null_is_not_zero_or_empty),
		T(test_dbapi__fetchmany_and_fetchall_copy_rows),
		T(test_dbapi__rowcount_and_last_insert_id),
		T(test_dbapi__returning_runs_before_fetch),
		T(test_dbapi__prepared_statement_is_reused),
		T(test_dbapi__same_sql_twice_while_a_result_is_open),
		T(test_dbapi__statement_outliving_its_connection_is_safe),
		T(test_dbapi__binds_inside_literals_are_not_binds),
		T(test_dbapi__parameter_mistakes_are_clear_errors),
		T(test_dbapi__commit_keeps_and_rollback_undoes),
		T(test_dbapi__savepoints_nest),
		T(test_dbapi__executemany_inserts_every_set),
		T(test_dbapi__executemany_sets_in_different_orders),
		T(test_dbapi__executemany_is_all_or_nothing),
		T(test_dbapi__constraint_violations_are_integrity_errors),
		T(test_dbapi__bad_sql_is_a_programming_error),
		T(test_dbapi__file_database_options),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	sqlkit_shutdown();
	return rc;
}
