/*
 * tests/test_engine.c - the Engine: creating one from a URL and options, options
 * from text, driver options, the echo hook, the masked URL, one-shot execute,
 * begin and transaction, and the pool class chosen by default. Runs on SQLite
 * (the echo plugin only where it can be loaded).
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

static int teardown(void **state)
{
	(void)state;
	sqlkit_shutdown();
	return 0;
}

static sqlkit_pool_status status_of(const sqlkit_engine *e)
{
	sqlkit_pool_status s;
	memset(&s, 0xff, sizeof s);
	sqlkit_engine_pool_status(e, &s);
	return s;
}

/* A fresh SQLite database file; url receives "sqlite:///<path>". */
static void temp_db(char *path, size_t pathsize, char *url, size_t urlsize)
{
	int fd;
	snprintf(path, pathsize, "/tmp/sqlkit-engine-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	snprintf(url, urlsize, "sqlite:///%s", path);
}

static sqlkit_engine *file_engine(char *path, size_t pathsize)
{
	char url[128];
	sqlkit_engine *e = NULL;

	temp_db(path, pathsize, url, sizeof url);
	OK(sqlkit_engine_create(&e, url, NULL));
	OK(sqlkit_engine_execute(NULL, e, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
	                         NULL, 0));
	return e;
}

static int64_t count_rows(sqlkit_engine *e)
{
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t n;

	OK(sqlkit_engine_execute(&r, e, "SELECT count(*) FROM t", NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	n = sqlkit_row_int(row, 0);
	sqlkit_result_free(r);
	return n;
}

/* ---------------------------------------------------------------- creating */

static void expect_create_fails(const char *url, const sqlkit_engine_options *o, int code,
                                const char *part)
{
	sqlkit_engine *e = (sqlkit_engine *)&e;   /* anything but NULL */
	int rc = sqlkit_engine_create(&e, url, o);

	if (rc != code)
		fail_msg("\"%s\": expected %d, got %d (%s)", url, code, rc, sqlkit_error_last()->message);
	assert_null(e);
	assert_int_equal(sqlkit_error_last()->code, code);
	if (part)
		assert_message_has(part);
}

static void test_engine__bad_url_and_unknown_scheme(void **state)
{
	sqlkit_engine *e = (sqlkit_engine *)&e;
	(void)state;

	expect_create_fails("localhost/db", NULL, SQLKIT_EURL, "no scheme");
	assert_int_equal(sqlkit_engine_create(&e, NULL, NULL), SQLKIT_EURL);
	assert_null(e);
	assert_int_equal(sqlkit_engine_create(NULL, "sqlite://", NULL), SQLKIT_EINVAL);
	expect_create_fails("nosuchdb://scott:tiger@h/db", NULL, SQLKIT_ENOTFOUND, "nosuchdb");
	assert_null(strstr(sqlkit_error_last()->message, "tiger"));
}

static void test_engine__bad_options_name_the_option(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	(void)state;

	o.pool_size = -1;
	expect_create_fails("sqlite://", &o, SQLKIT_EINVAL, "pool_size");
	o = (sqlkit_engine_options)SQLKIT_ENGINE_OPTIONS_INIT;
	o.pool_timeout = -1;
	expect_create_fails("sqlite://", &o, SQLKIT_EINVAL, "pool_timeout");
	o = (sqlkit_engine_options)SQLKIT_ENGINE_OPTIONS_INIT;
	o.version = 999;
	expect_create_fails("sqlite://", &o, SQLKIT_EINVAL, "version");
	o = (sqlkit_engine_options)SQLKIT_ENGINE_OPTIONS_INIT;
	o.pool_class = (sqlkit_pool_class)42;
	expect_create_fails("sqlite://", &o, SQLKIT_EINVAL, "pool_class");
	o = (sqlkit_engine_options)SQLKIT_ENGINE_OPTIONS_INIT;
	o.reset_on_return = (sqlkit_reset_on_return)42;
	expect_create_fails("sqlite://", &o, SQLKIT_EINVAL, "reset_on_return");
	/* a file URL (QUEUE pool) checks them too */
	o = (sqlkit_engine_options)SQLKIT_ENGINE_OPTIONS_INIT;
	o.pool_size = -1;
	expect_create_fails("sqlite:////tmp/sqlkit-never-created.db", &o, SQLKIT_EINVAL, "pool_size");
	assert_int_equal(access("/tmp/sqlkit-never-created.db", F_OK), -1);
}

static void test_engine__options_from_text(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	const char *level = "READ COMMITTED";
	(void)state;

	OK(sqlkit_engine_options_set(&o, "pool_size", "20"));
	assert_int_equal(o.pool_size, 20);
	OK(sqlkit_engine_options_set(&o, "echo", "true"));
	assert_true(o.echo);
	OK(sqlkit_engine_options_set(&o, "echo", "false"));
	assert_false(o.echo);
	OK(sqlkit_engine_options_set(&o, "echo", "1"));
	assert_true(o.echo);
	OK(sqlkit_engine_options_set(&o, "echo", "0"));
	assert_false(o.echo);
	OK(sqlkit_engine_options_set(&o, "pool_class", "null"));
	assert_int_equal(o.pool_class, SQLKIT_POOL_NULL);
	OK(sqlkit_engine_options_set(&o, "pool_class", "static"));
	assert_int_equal(o.pool_class, SQLKIT_POOL_STATIC);
	OK(sqlkit_engine_options_set(&o, "pool_class", "queue"));
	assert_int_equal(o.pool_class, SQLKIT_POOL_QUEUE);
	OK(sqlkit_engine_options_set(&o, "pool_timeout", "2.5"));
	assert_true(o.pool_timeout == 2.5);
	OK(sqlkit_engine_options_set(&o, "max_overflow", "-1"));
	assert_int_equal(o.max_overflow, -1);
	OK(sqlkit_engine_options_set(&o, "pool_recycle", "3600"));
	assert_true(o.pool_recycle == 3600.0);
	OK(sqlkit_engine_options_set(&o, "pool_pre_ping", "1"));
	assert_true(o.pool_pre_ping);
	OK(sqlkit_engine_options_set(&o, "reset_on_return", "none"));
	assert_int_equal(o.reset_on_return, SQLKIT_RESET_NONE);
	OK(sqlkit_engine_options_set(&o, "reset_on_return", "rollback"));
	assert_int_equal(o.reset_on_return, SQLKIT_RESET_ROLLBACK);
	OK(sqlkit_engine_options_set(&o, "isolation_level", level));
	assert_string_equal(o.isolation_level, "READ COMMITTED");

	assert_int_equal(sqlkit_engine_options_set(&o, "colour", "blue"), SQLKIT_EINVAL);
	assert_message_has("colour");
	assert_int_equal(sqlkit_engine_options_set(&o, "pool_size", "abc"), SQLKIT_EINVAL);
	assert_message_has("pool_size");
	assert_int_equal(sqlkit_engine_options_set(&o, "pool_size", "20x"), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_engine_options_set(&o, "pool_size", ""), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_engine_options_set(&o, "pool_timeout", "soon"), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_engine_options_set(&o, "pool_class", "fancy"), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_engine_options_set(&o, "reset_on_return", "sometimes"), SQLKIT_EINVAL);
	assert_int_equal(sqlkit_engine_options_set(&o, "echo", "maybe"), SQLKIT_EINVAL);
	assert_int_equal(o.pool_size, 20);   /* what was set stays */
}

static void test_engine__driver_options_pass_through(void **state)
{
	char path[64], url[96];
	char key[16], value[16];
	const char *opts[3] = { key, value, NULL };
	const char *bad[] = { "colour", "blue", NULL };
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e = NULL;
	sqlkit_conn *c = NULL;
	int rc;
	(void)state;

	temp_db(path, sizeof path, url, sizeof url);
	snprintf(key, sizeof key, "timeout");
	snprintf(value, sizeof value, "0");
	o.driver_options = opts;
	OK(sqlkit_engine_create(&e, url, &o));
	/* copied: what the caller does with its array afterwards does not matter */
	snprintf(key, sizeof key, "nonsense");
	snprintf(value, sizeof value, "x");
	OK(sqlkit_engine_connect(&c, e));
	OK(sqlkit_conn_execute(NULL, c, "CREATE TABLE t (a INTEGER)", NULL, 0));
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);

	/* the plugin rejects an option it does not know, at create or first checkout */
	o.driver_options = bad;
	e = NULL;
	if ((rc = sqlkit_engine_create(&e, url, &o)) == 0) {
		assert_non_null(e);
		c = (sqlkit_conn *)&c;
		rc = sqlkit_engine_connect(&c, e);
		assert_true(rc < 0);
		assert_message_has("colour");
		assert_int_equal(status_of(e).checked_out, 0);
		sqlkit_engine_free(e);
	} else {
		assert_true(rc < 0);
		assert_null(e);
		assert_message_has("colour");
	}
	unlink(path);
}

static void test_engine__isolation_level_is_copied_and_checked(void **state)
{
	char path[64], url[96], level[32];
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e = NULL;
	sqlkit_conn *c = NULL;
	int rc;
	(void)state;

	temp_db(path, sizeof path, url, sizeof url);
	snprintf(level, sizeof level, "SERIALIZABLE");
	o.isolation_level = level;
	OK(sqlkit_engine_create(&e, url, &o));
	snprintf(level, sizeof level, "CHAOS");   /* copied at create */
	OK(sqlkit_engine_connect(&c, e));
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);

	o.isolation_level = "CHAOS";
	e = NULL;
	if ((rc = sqlkit_engine_create(&e, url, &o)) == 0) {
		assert_int_equal(sqlkit_engine_connect(&c, e), SQLKIT_EINVAL);
		assert_message_has("CHAOS");
		assert_int_equal(status_of(e).open, 0);
		sqlkit_engine_free(e);
	} else {
		assert_int_equal(rc, SQLKIT_EINVAL);
		assert_message_has("CHAOS");
	}
	unlink(path);
}

static void test_engine__url_masks_the_password(void **state)
{
	sqlkit_engine *e;
	const char *shown;
	(void)state;

	if (sqlkit_plugin_load("echo") != 0)
		skip();   /* a static build: no plugin files */
	OK(sqlkit_engine_create(&e, "echo://scott:tiger@h/db", NULL));
	shown = sqlkit_engine_url(e);
	assert_non_null(shown);
	assert_non_null(strstr(shown, "scott:***@"));
	assert_null(strstr(shown, "tiger"));
	assert_string_equal(sqlkit_engine_dialect(e), "echo");
	assert_string_equal(sqlkit_engine_driver(e), "loopback");
	assert_int_equal(status_of(e).open, 0);   /* nothing connected yet */
	sqlkit_engine_free(e);
}

static void test_engine__dialect_and_driver(void **state)
{
	sqlkit_engine *e;
	(void)state;

	OK(sqlkit_engine_create(&e, "sqlite://", NULL));
	assert_string_equal(sqlkit_engine_dialect(e), "sqlite");
	assert_string_equal(sqlkit_engine_driver(e), "sqlite3");
	assert_non_null(strstr(sqlkit_engine_url(e), "sqlite://"));
	sqlkit_engine_free(e);
	sqlkit_engine_free(NULL);
}

/* ---------------------------------------------------------------- echo */

struct echoed {
	int level;
	char sql[128];
	size_t nparams, nsets;
	char p0name[16];
	sqlkit_type p0type;
	int64_t p0int;
	char p0text[32];
	double elapsed;
	int rc;
	uint64_t connection;
};

struct echo_log {
	int n;
	struct echoed ev[64];
};

static void record(const sqlkit_echo_event *ev, void *userdata)
{
	struct echo_log *log = userdata;
	struct echoed *e;

	if (log->n >= 64)
		return;
	e = &log->ev[log->n++];
	memset(e, 0, sizeof *e);
	e->level = ev->level;
	snprintf(e->sql, sizeof e->sql, "%s", ev->sql ? ev->sql : "(null)");
	e->nparams = ev->nparams;
	e->nsets = ev->nsets;
	if (ev->nparams > 0 && ev->params) {
		snprintf(e->p0name, sizeof e->p0name, "%s", ev->params[0].name);
		e->p0type = ev->params[0].value.type;
		if (e->p0type == SQLKIT_TYPE_INT)
			e->p0int = ev->params[0].value.u.i;
		else if (e->p0type == SQLKIT_TYPE_TEXT)
			snprintf(e->p0text, sizeof e->p0text, "%.*s", (int)ev->params[0].value.u.s.len,
			         ev->params[0].value.u.s.ptr);
	}
	e->elapsed = ev->elapsed;
	e->rc = ev->rc;
	e->connection = ev->connection;
}

/* The first event from index *from on for sql; fails the test when there is none. */
static const struct echoed *find_event(const struct echo_log *log, int *from, const char *sql)
{
	int i;
	for (i = *from; i < log->n; i++)
		if (strcmp(log->ev[i].sql, sql) == 0) {
			*from = i + 1;
			return &log->ev[i];
		}
	fail_msg("no echo event for \"%s\" (of %d)", sql, log->n);
	return NULL;
}

static int count_events(const struct echo_log *log, const char *sql)
{
	int i, n = 0;
	for (i = 0; i < log->n; i++)
		n += strcmp(log->ev[i].sql, sql) == 0;
	return n;
}

#define CREATE "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"
#define INSERT "INSERT INTO t (name) VALUES (:name)"
#define DUP "INSERT INTO t (id, name) VALUES (:id, :name)"
#define COUNT "SELECT count(*) FROM t"

static void run_statements(sqlkit_engine *e, uint64_t *serial)
{
	sqlkit_conn *c;
	sqlkit_param one = SQLKIT_PARAM("name", sqlkit_text("ed"));
	sqlkit_param sets[] = {
		SQLKIT_PARAM("name", sqlkit_text("a")),
		SQLKIT_PARAM("name", sqlkit_text("b")),
		SQLKIT_PARAM("name", sqlkit_text("c")),
	};
	sqlkit_param dup[] = { SQLKIT_PARAM("id", sqlkit_int(1)), SQLKIT_PARAM("name", sqlkit_text("x")) };
	int64_t n = 0;

	OK(sqlkit_engine_connect(&c, e));
	*serial = sqlkit_conn_serial(c);
	OK(sqlkit_conn_execute(NULL, c, CREATE, NULL, 0));
	OK(sqlkit_conn_execute(NULL, c, INSERT, &one, 1));
	OK(sqlkit_conn_executemany(c, INSERT, sets, 1, 3, &n));
	assert_int_equal(n, 3);
	assert_int_equal(sqlkit_conn_execute(NULL, c, DUP, dup, 2), SQLKIT_ECONSTRAINT);
	/* the hook does not disturb the caller's last error */
	assert_int_equal(sqlkit_error_last()->code, SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	sqlkit_conn_close(c);
	OK(sqlkit_engine_execute(NULL, e, COUNT, NULL, 0));
}

static void test_engine__echo_hook_sees_every_statement(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	struct echo_log log;
	const struct echoed *ev;
	sqlkit_engine *e;
	uint64_t serial;
	int at = 0;
	(void)state;

	memset(&log, 0, sizeof log);
	o.echo = 1;
	o.echo_hook = record;
	o.echo_userdata = &log;
	OK(sqlkit_engine_create(&e, "sqlite://", &o));
	run_statements(e, &serial);

	ev = find_event(&log, &at, CREATE);
	assert_int_equal(ev->level, SQLKIT_LOG_INFO);
	assert_int_equal(ev->rc, 0);
	assert_int_equal(ev->nparams, 0);
	assert_int_equal(ev->nsets, 1);
	assert_true(ev->connection == serial);
	assert_true(ev->elapsed >= 0);

	ev = find_event(&log, &at, INSERT);
	assert_int_equal(ev->level, SQLKIT_LOG_INFO);
	assert_int_equal(ev->rc, 0);
	assert_int_equal(ev->nparams, 1);
	assert_int_equal(ev->nsets, 1);
	assert_string_equal(ev->p0name, "name");
	assert_int_equal(ev->p0type, SQLKIT_TYPE_TEXT);
	assert_string_equal(ev->p0text, "ed");
	assert_true(ev->connection == serial);

	/* executemany: once, with the number of sets and the first set */
	ev = find_event(&log, &at, INSERT);
	assert_int_equal(ev->rc, 0);
	assert_int_equal(ev->nsets, 3);
	assert_int_equal(ev->nparams, 1);
	assert_string_equal(ev->p0name, "name");
	assert_string_equal(ev->p0text, "a");
	assert_int_equal(count_events(&log, INSERT), 2);

	ev = find_event(&log, &at, DUP);
	assert_int_equal(ev->level, SQLKIT_LOG_ERROR);
	assert_true(ev->rc < 0);
	assert_int_equal(ev->rc, SQLKIT_ECONSTRAINT);
	assert_int_equal(ev->nparams, 2);
	assert_int_equal(ev->nsets, 1);
	assert_true(ev->connection == serial);

	ev = find_event(&log, &at, COUNT);   /* one-shot execute is echoed too */
	assert_int_equal(ev->rc, 0);
	assert_true(ev->connection == serial);   /* in memory: one shared connection */
	sqlkit_engine_free(e);
}

static void test_engine__echo_off_calls_no_hook(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	struct echo_log log;
	sqlkit_engine *e;
	uint64_t serial;
	(void)state;

	memset(&log, 0, sizeof log);
	o.echo = 0;
	o.echo_hook = record;
	o.echo_userdata = &log;
	OK(sqlkit_engine_create(&e, "sqlite://", &o));
	run_statements(e, &serial);
	assert_int_equal(log.n, 0);
	sqlkit_engine_free(e);
}

/* ---------------------------------------------------------------- execute, begin, transaction */

static void test_engine__execute_gives_the_connection_back(void **state)
{
	char path[64];
	sqlkit_engine *e = file_engine(path, sizeof path);
	sqlkit_param p = SQLKIT_PARAM("name", sqlkit_text("wendy"));
	sqlkit_result *r;
	const sqlkit_row *row;
	(void)state;

	assert_int_equal(status_of(e).pool_class, SQLKIT_POOL_QUEUE);
	OK(sqlkit_engine_execute(NULL, e, "INSERT INTO t (name) VALUES (:name)", &p, 1));
	assert_int_equal(status_of(e).checked_out, 0);

	/* with a result, the connection stays out until the result is freed */
	OK(sqlkit_engine_execute(&r, e, "SELECT name FROM t WHERE name = :name", &p, 1));
	assert_int_equal(status_of(e).checked_out, 1);
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_string_equal(sqlkit_row_text(row, 0), "wendy");
	sqlkit_result_free(r);
	assert_int_equal(status_of(e).checked_out, 0);
	assert_int_equal(status_of(e).idle, 1);

	/* autocommit: another checkout sees the row */
	assert_int_equal(count_rows(e), 1);

	/* a failure is returned and the connection still comes back */
	r = (sqlkit_result *)&r;
	assert_int_equal(sqlkit_engine_execute(&r, e, "SELEKT nothing", NULL, 0), SQLKIT_ESQL);
	assert_int_equal(sqlkit_error_last()->code, SQLKIT_ESQL);
	assert_int_equal(status_of(e).checked_out, 0);
	assert_int_equal(sqlkit_engine_execute(NULL, e, "SELEKT nothing", NULL, 0), SQLKIT_ESQL);
	assert_int_equal(status_of(e).checked_out, 0);
	sqlkit_engine_free(e);
	unlink(path);
}

static void test_engine__begin_without_commit_rolls_back(void **state)
{
	char path[64];
	sqlkit_engine *e = file_engine(path, sizeof path);
	sqlkit_conn *c;
	(void)state;

	OK(sqlkit_engine_begin(&c, e));
	assert_true(sqlkit_conn_in_transaction(c));
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO t (name) VALUES ('lost')", NULL, 0));
	sqlkit_conn_close(c);
	assert_int_equal(count_rows(e), 0);

	OK(sqlkit_engine_begin(&c, e));
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO t (name) VALUES ('kept')", NULL, 0));
	OK(sqlkit_conn_commit(c));
	sqlkit_conn_close(c);
	assert_int_equal(count_rows(e), 1);
	assert_int_equal(status_of(e).checked_out, 0);
	sqlkit_engine_free(e);
	unlink(path);
}

struct work {
	int result;          /* what fn returns; 1: return the insert's own result */
	int called;
	int in_transaction;
};

static int insert_row(sqlkit_conn *c, void *userdata)
{
	struct work *w = userdata;
	int rc;

	w->called++;
	w->in_transaction = sqlkit_conn_in_transaction(c);
	rc = sqlkit_conn_execute(NULL, c, "INSERT INTO t (id, name) VALUES (1, 'one')", NULL, 0);
	return w->result == 1 ? rc : w->result;
}

static void test_engine__transaction_commits_or_rolls_back(void **state)
{
	char path[64];
	sqlkit_engine *e = file_engine(path, sizeof path);
	struct work w;
	(void)state;

	memset(&w, 0, sizeof w);
	w.result = 7;   /* non-zero: rolled back, and returned */
	assert_int_equal(sqlkit_engine_transaction(e, insert_row, &w), 7);
	assert_int_equal(w.called, 1);
	assert_true(w.in_transaction);
	assert_int_equal(count_rows(e), 0);
	assert_int_equal(status_of(e).checked_out, 0);

	memset(&w, 0, sizeof w);
	assert_int_equal(sqlkit_engine_transaction(e, insert_row, &w), 0);
	assert_int_equal(count_rows(e), 1);

	/* a failing statement's code comes back through */
	memset(&w, 0, sizeof w);
	w.result = 1;
	assert_int_equal(sqlkit_engine_transaction(e, insert_row, &w), SQLKIT_ECONSTRAINT);
	assert_int_equal(count_rows(e), 1);
	assert_int_equal(status_of(e).checked_out, 0);
	sqlkit_engine_free(e);
	unlink(path);
}

/* "rolled back otherwise" holds whatever the pool does on return */
static void test_engine__transaction_rolls_back_without_reset_on_return(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	char path[64], url[96];
	sqlkit_engine *e;
	sqlkit_conn *c;
	struct work w;
	(void)state;

	temp_db(path, sizeof path, url, sizeof url);
	o.pool_size = 1;
	o.max_overflow = 0;
	o.reset_on_return = SQLKIT_RESET_NONE;
	OK(sqlkit_engine_create(&e, url, &o));
	OK(sqlkit_engine_execute(NULL, e, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
	                         NULL, 0));
	memset(&w, 0, sizeof w);
	w.result = 7;
	assert_int_equal(sqlkit_engine_transaction(e, insert_row, &w), 7);
	OK(sqlkit_engine_connect(&c, e));
	assert_false(sqlkit_conn_in_transaction(c));
	sqlkit_conn_close(c);
	assert_int_equal(count_rows(e), 0);
	sqlkit_engine_free(e);
	unlink(path);
}

/* In memory every checkout shares one connection; a transaction that fails is still
 * rolled back when another checkout is out. */
static void test_engine__transaction_rolls_back_on_a_shared_connection(void **state)
{
	sqlkit_engine *e;
	sqlkit_conn *held;
	struct work w;
	(void)state;

	OK(sqlkit_engine_create(&e, "sqlite://", NULL));
	OK(sqlkit_engine_execute(NULL, e, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
	                         NULL, 0));
	OK(sqlkit_engine_connect(&held, e));
	memset(&w, 0, sizeof w);
	w.result = 7;
	assert_int_equal(sqlkit_engine_transaction(e, insert_row, &w), 7);
	assert_false(sqlkit_conn_in_transaction(held));
	assert_int_equal(count_rows(e), 0);
	memset(&w, 0, sizeof w);
	assert_int_equal(sqlkit_engine_transaction(e, insert_row, &w), 0);
	assert_false(sqlkit_conn_in_transaction(held));
	assert_int_equal(count_rows(e), 1);
	sqlkit_conn_close(held);
	sqlkit_engine_free(e);
}

/* ---------------------------------------------------------------- pool class by default */

static void expect_pool_class(const char *url, const sqlkit_engine_options *o,
                              sqlkit_pool_class want)
{
	sqlkit_engine *e;
	OK(sqlkit_engine_create(&e, url, o));
	if (status_of(e).pool_class != want)
		fail_msg("\"%s\": pool class %d, expected %d", url, status_of(e).pool_class, want);
	sqlkit_engine_free(e);
}

static void test_engine__default_pool_class_follows_the_database(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	char path[64], url[96];
	sqlkit_engine *e;
	sqlkit_pool_status s;
	(void)state;

	expect_pool_class("sqlite://", NULL, SQLKIT_POOL_STATIC);
	expect_pool_class("sqlite:///:memory:", NULL, SQLKIT_POOL_STATIC);
	expect_pool_class("sqlite:///:memory:", &o, SQLKIT_POOL_STATIC);
	temp_db(path, sizeof path, url, sizeof url);
	expect_pool_class(url, NULL, SQLKIT_POOL_QUEUE);
	o.pool_class = SQLKIT_POOL_NULL;
	expect_pool_class(url, &o, SQLKIT_POOL_NULL);

	OK(sqlkit_engine_create(&e, url, NULL));   /* the documented defaults */
	s = status_of(e);
	assert_int_equal(s.pool_size, 5);
	assert_int_equal(s.max_overflow, 10);
	assert_int_equal(s.open, 0);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.checked_out, 0);
	assert_int_equal(s.waiters, 0);
	assert_true(s.connects == 0);
	sqlkit_engine_free(e);
	unlink(path);
}

static int add_users(sqlkit_conn *c, void *userdata)
{
	sqlkit_param sets[] = {
		SQLKIT_PARAM("name", sqlkit_text("spongebob")),
		SQLKIT_PARAM("name", sqlkit_text("sandy")),
	};
	(void)userdata;
	return sqlkit_conn_executemany(c, "INSERT INTO users (name) VALUES (:name)", sets, 1, 2, NULL);
}

/* create_engine("sqlite:///:memory:"), then the tutorial's first steps, each on
 * its own checkout: they share the one in-memory database. */
static void test_engine__tutorial_flow_in_memory(void **state)
{
	sqlkit_engine *e;
	sqlkit_result *r;
	sqlkit_rowset *rs;
	(void)state;

	OK(sqlkit_engine_create(&e, "sqlite:///:memory:", NULL));
	assert_int_equal(status_of(e).pool_class, SQLKIT_POOL_STATIC);
	OK(sqlkit_engine_execute(NULL, e, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
	                         NULL, 0));
	OK(sqlkit_engine_transaction(e, add_users, NULL));
	OK(sqlkit_engine_execute(&r, e, "SELECT id, name FROM users ORDER BY id", NULL, 0));
	OK(sqlkit_result_fetchall(&rs, r));
	sqlkit_result_free(r);
	assert_int_equal(sqlkit_rowset_count(rs), 2);
	assert_int_equal(sqlkit_row_int(sqlkit_rowset_row(rs, 0), 0), 1);
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(rs, 1), 1), "sandy");
	sqlkit_rowset_free(rs);
	assert_int_equal(status_of(e).checked_out, 0);
	assert_int_equal(status_of(e).open, 1);
	sqlkit_engine_free(e);
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, teardown)
	const struct CMUnitTest tests[] = {
		T(test_engine__bad_url_and_unknown_scheme),
		T(test_engine__bad_options_name_the_option),
		T(test_engine__options_from_text),
		T(test_engine__driver_options_pass_through),
		T(test_engine__isolation_level_is_copied_and_checked),
		T(test_engine__url_masks_the_password),
		T(test_engine__dialect_and_driver),
		T(test_engine__echo_hook_sees_every_statement),
		T(test_engine__echo_off_calls_no_hook),
		T(test_engine__execute_gives_the_connection_back),
		T(test_engine__begin_without_commit_rolls_back),
		T(test_engine__transaction_commits_or_rolls_back),
		T(test_engine__transaction_rolls_back_without_reset_on_return),
		T(test_engine__transaction_rolls_back_on_a_shared_connection),
		T(test_engine__default_pool_class_follows_the_database),
		T(test_engine__tutorial_flow_in_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
