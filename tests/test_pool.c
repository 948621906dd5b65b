/*
 * tests/test_pool.c - the pools behind an engine: QueuePool sizes, overflow,
 * timeouts and first-come-first-served waiting; recycle, pre-ping, dead and
 * invalidated connections; reset on return; NullPool and StaticPool; dispose;
 * freeing an engine with connections out; and many threads sharing one pool.
 * Most of it runs on the echo plugin ("echo://", tests/thirdparty/echo.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlkit/sqlkit.h>

#define OK(call) do { int rc_ = (call); \
	if (rc_ != 0) fail_msg("%s -> %d: %s", #call, rc_, sqlkit_error_last()->message); } while (0)
#define assert_message_has(s) do { \
	const char *m_ = sqlkit_error_last()->message; \
	if (!strstr(m_, (s))) fail_msg("message \"%s\" lacks \"%s\"", m_, (s)); } while (0)

#define ECHO_URL "echo://h/db"

static int teardown(void **state)
{
	(void)state;
	sqlkit_shutdown();
	return 0;
}

static sqlkit_engine *engine_for(const char *url, sqlkit_pool_class cls, int size, int overflow,
                                 double timeout)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e = NULL;

	o.pool_class = cls;
	o.pool_size = size;
	o.max_overflow = overflow;
	o.pool_timeout = timeout;
	OK(sqlkit_engine_create(&e, url, &o));
	assert_non_null(e);
	return e;
}

static sqlkit_pool_status status_of(const sqlkit_engine *e)
{
	sqlkit_pool_status s;
	memset(&s, 0xff, sizeof s);
	sqlkit_engine_pool_status(e, &s);
	return s;
}

static sqlkit_conn *checkout(sqlkit_engine *e)
{
	sqlkit_conn *c = NULL;
	OK(sqlkit_engine_connect(&c, e));
	assert_non_null(c);
	return c;
}

/* Run "SELECT :t" on an echo connection; 1 when the row echoes t back. Safe to
 * call from any thread (no cmocka assertions). */
static int echo_ok(sqlkit_conn *c, int64_t t)
{
	sqlkit_param p = SQLKIT_PARAM("t", sqlkit_int(t));
	sqlkit_result *r;
	const sqlkit_row *row;
	const char *sql;
	int ok;

	if (sqlkit_conn_execute(&r, c, "SELECT :t", &p, 1) < 0)
		return 0;
	ok = sqlkit_result_fetchone(&row, r) == 0 && row && sqlkit_row_int(row, 1) == t &&
	     (sql = sqlkit_row_text(row, 0)) && strcmp(sql, "SELECT $1") == 0;
	sqlkit_result_free(r);
	return ok;
}

/* A fresh SQLite database file; url receives "sqlite:///<path>". */
static void temp_db(char *path, size_t pathsize, char *url, size_t urlsize)
{
	int fd;
	snprintf(path, pathsize, "/tmp/sqlkit-pool-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	snprintf(url, urlsize, "sqlite:///%s", path);
}

static int64_t count_rows(sqlkit_conn *c, const char *table)
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spin (no sleeping) until n threads wait on the pool; 0 after 20 seconds. */
static int spin_until_waiters(const sqlkit_engine *e, int n)
{
	double t0 = now();
	sqlkit_pool_status s;

	for (;;) {
		sqlkit_engine_pool_status(e, &s);
		if (s.waiters >= n)
			return s.waiters == n;
		if (now() - t0 > 20)
			return 0;
		sched_yield();
	}
}

/* ---------------------------------------------------------------- QueuePool */

static void test_pool__queue_reuses_an_idle_connection(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 1, 0, 0);
	sqlkit_conn *c;
	sqlkit_pool_status s;
	uint64_t serial;
	(void)state;

	s = status_of(e);
	assert_int_equal(s.pool_class, SQLKIT_POOL_QUEUE);
	assert_int_equal(s.open, 0);   /* no connection before the first checkout */
	assert_true(s.connects == 0);

	c = checkout(e);
	serial = sqlkit_conn_serial(c);
	assert_true(serial != 0);
	assert_true(echo_ok(c, 1));
	sqlkit_conn_close(c);
	s = status_of(e);
	assert_int_equal(s.open, 1);
	assert_int_equal(s.idle, 1);
	assert_int_equal(s.checked_out, 0);

	c = checkout(e);
	assert_true(sqlkit_conn_serial(c) == serial);
	assert_true(echo_ok(c, 2));
	sqlkit_conn_close(c);
	assert_true(status_of(e).connects == 1);
	sqlkit_engine_free(e);
}

static void test_pool__overflow_opens_more_then_closes_them(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 2, 1, 0);
	sqlkit_conn *c[4] = { NULL, NULL, NULL, NULL };
	sqlkit_pool_status s;
	int i;
	(void)state;

	s = status_of(e);
	assert_int_equal(s.pool_size, 2);
	assert_int_equal(s.max_overflow, 1);
	assert_int_equal(s.overflow, -2);   /* room left */
	for (i = 0; i < 3; i++)
		c[i] = checkout(e);
	assert_int_equal(sqlkit_engine_connect(&c[3], e), SQLKIT_ETIMEOUT);
	assert_int_equal(sqlkit_error_last()->code, SQLKIT_ETIMEOUT);
	assert_message_has("timed out");
	assert_message_has("2");   /* the sizes, loosely */
	s = status_of(e);
	assert_int_equal(s.open, 3);
	assert_int_equal(s.checked_out, 3);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.overflow, 1);
	assert_int_equal(s.waiters, 0);
	assert_true(s.connects == 3);
	assert_true(sqlkit_conn_serial(c[0]) != sqlkit_conn_serial(c[1]));
	assert_true(sqlkit_conn_serial(c[1]) != sqlkit_conn_serial(c[2]));
	assert_true(sqlkit_conn_serial(c[0]) != sqlkit_conn_serial(c[2]));

	for (i = 0; i < 3; i++)
		sqlkit_conn_close(c[i]);
	s = status_of(e);
	assert_int_equal(s.open, 2);   /* the overflow one was closed */
	assert_int_equal(s.idle, 2);
	assert_int_equal(s.checked_out, 0);
	assert_int_equal(s.overflow, 0);
	sqlkit_engine_free(e);
}

static void test_pool__unlimited_overflow(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 1, -1, 0);
	sqlkit_conn *c[12];
	sqlkit_pool_status s;
	int i;
	(void)state;

	for (i = 0; i < 12; i++)
		c[i] = checkout(e);
	s = status_of(e);
	assert_int_equal(s.open, 12);
	assert_int_equal(s.overflow, 11);
	for (i = 0; i < 12; i++)
		sqlkit_conn_close(c[i]);
	s = status_of(e);
	assert_int_equal(s.open, 1);
	assert_int_equal(s.idle, 1);
	sqlkit_engine_free(e);
}

static void test_pool__timeout_zero_does_not_wait(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 1, 0, 0);
	sqlkit_conn *c = checkout(e), *d = NULL;
	(void)state;

	assert_int_equal(sqlkit_engine_connect(&d, e), SQLKIT_ETIMEOUT);
	assert_message_has("timed out");
	assert_message_has("1");
	assert_int_equal(status_of(e).waiters, 0);
	/* the connection that is out is not disturbed */
	assert_true(echo_ok(c, 3));
	sqlkit_conn_close(c);
	d = checkout(e);
	sqlkit_conn_close(d);
	sqlkit_engine_free(e);
}

static void test_pool__blocks_until_timeout(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 1, 0, 0.05);
	sqlkit_conn *c = checkout(e), *d = NULL;
	sqlkit_pool_status s;
	(void)state;

	assert_int_equal(sqlkit_engine_connect(&d, e), SQLKIT_ETIMEOUT);
	assert_message_has("timed out");
	s = status_of(e);
	assert_int_equal(s.waiters, 0);
	assert_int_equal(s.checked_out, 1);
	assert_int_equal(s.open, 1);
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);
}

static void test_pool__failed_connect_gives_its_slot_back(void **state)
{
	sqlkit_engine *e = engine_for("echo://scott:tiger@h/db?fail=1", SQLKIT_POOL_QUEUE, 1, 0, 0);
	sqlkit_conn *c = NULL;
	sqlkit_pool_status s;
	int i;
	(void)state;

	/* the driver's error each time, never a timeout: no slot is lost */
	for (i = 0; i < 3; i++) {
		assert_int_equal(sqlkit_engine_connect(&c, e), SQLKIT_EDISCONNECTED);
		assert_message_has("refused the connection");
		assert_null(strstr(sqlkit_error_last()->message, "tiger"));
	}
	s = status_of(e);
	assert_int_equal(s.open, 0);
	assert_int_equal(s.checked_out, 0);
	assert_int_equal(s.waiters, 0);
	assert_true(s.connects == 0);
	sqlkit_engine_free(e);
}

/* ---------------------------------------------------------------- waiting in order */

struct fifo {
	sqlkit_engine *engine;
	pthread_mutex_t mu;
	int served;            /* how many have had the connection */
	int order[2];          /* 1 or 2: when thread A / B was served */
	uint64_t serial[2];
	int rc[2];
	int ok[2];
};

struct fifo_arg {
	struct fifo *f;
	int who;
};

static void *fifo_waiter(void *arg)
{
	struct fifo_arg *a = arg;
	struct fifo *f = a->f;
	sqlkit_conn *c = NULL;

	if ((f->rc[a->who] = sqlkit_engine_connect(&c, f->engine)) != 0)
		return NULL;
	pthread_mutex_lock(&f->mu);
	f->order[a->who] = ++f->served;
	pthread_mutex_unlock(&f->mu);
	f->serial[a->who] = sqlkit_conn_serial(c);
	f->ok[a->who] = echo_ok(c, a->who);
	sqlkit_conn_close(c);
	return NULL;
}

static void test_pool__waiters_are_served_first_come_first_served(void **state)
{
	struct fifo f;
	struct fifo_arg a = { &f, 0 }, b = { &f, 1 };
	pthread_t ta, tb;
	sqlkit_conn *c;
	uint64_t serial;
	int a_waits, b_waits = 0;
	(void)state;

	memset(&f, 0, sizeof f);
	pthread_mutex_init(&f.mu, NULL);
	f.engine = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 1, 0, 30);
	c = checkout(f.engine);
	serial = sqlkit_conn_serial(c);

	assert_int_equal(pthread_create(&ta, NULL, fifo_waiter, &a), 0);
	a_waits = spin_until_waiters(f.engine, 1);
	if (a_waits) {
		assert_int_equal(pthread_create(&tb, NULL, fifo_waiter, &b), 0);
		b_waits = spin_until_waiters(f.engine, 2);
	}
	sqlkit_conn_close(c);   /* A first, then B when A gives it back */
	pthread_join(ta, NULL);
	if (a_waits)
		pthread_join(tb, NULL);
	if (!a_waits || !b_waits)
		fail_msg("status.waiters never reached %d", a_waits ? 2 : 1);

	assert_int_equal(f.rc[0], 0);
	assert_int_equal(f.rc[1], 0);
	assert_int_equal(f.order[0], 1);
	assert_int_equal(f.order[1], 2);
	assert_true(f.ok[0] && f.ok[1]);
	assert_true(f.serial[0] == serial && f.serial[1] == serial);
	assert_int_equal(status_of(f.engine).waiters, 0);
	assert_true(status_of(f.engine).connects == 1);
	sqlkit_engine_free(f.engine);
	pthread_mutex_destroy(&f.mu);
}

/* ---------------------------------------------------------------- recycle, ping, dead */

static void test_pool__recycle_replaces_old_connections(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e;
	sqlkit_conn *c;
	sqlkit_pool_status s;
	uint64_t first;
	(void)state;

	o.pool_size = 1;
	o.max_overflow = 0;
	o.pool_recycle = 1e-9;
	OK(sqlkit_engine_create(&e, ECHO_URL, &o));
	c = checkout(e);
	first = sqlkit_conn_serial(c);
	sqlkit_conn_close(c);
	c = checkout(e);
	assert_true(sqlkit_conn_serial(c) != first);
	assert_true(echo_ok(c, 4));
	s = status_of(e);
	assert_int_equal(s.open, 1);   /* the old one was closed, not kept */
	assert_int_equal(s.checked_out, 1);
	assert_true(s.connects == 2);
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);
}

static void test_pool__pre_ping_keeps_live_connections(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	char path[64], url[96];
	sqlkit_engine *e;
	sqlkit_conn *c;
	uint64_t first;
	(void)state;

	temp_db(path, sizeof path, url, sizeof url);
	o.pool_size = 1;
	o.pool_pre_ping = 1;
	OK(sqlkit_engine_create(&e, url, &o));
	c = checkout(e);
	first = sqlkit_conn_serial(c);
	OK(sqlkit_conn_execute(NULL, c, "CREATE TABLE t (a INTEGER)", NULL, 0));
	sqlkit_conn_close(c);
	c = checkout(e);
	assert_true(sqlkit_conn_serial(c) == first);
	assert_int_equal(count_rows(c, "t"), 0);
	sqlkit_conn_close(c);
	assert_true(status_of(e).connects == 1);
	sqlkit_engine_free(e);
	unlink(path);
}

/* An idle connection that died (its ping fails) is replaced at checkout with
 * pre_ping, and handed out as it is without. */
static void test_pool__pre_ping_replaces_a_dead_idle_connection(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e;
	sqlkit_conn *c;
	uint64_t first;
	int pre_ping;
	(void)state;

	for (pre_ping = 0; pre_ping <= 1; pre_ping++) {
		o.pool_size = 1;
		o.pool_pre_ping = pre_ping;
		OK(sqlkit_engine_create(&e, "echo://h/db?ping=dead", &o));
		c = checkout(e);
		first = sqlkit_conn_serial(c);
		sqlkit_conn_close(c);
		c = checkout(e);
		if (pre_ping) {
			assert_true(sqlkit_conn_serial(c) != first);
			assert_false(sqlkit_conn_is_dead(c));
			assert_true(status_of(e).connects == 2);
			assert_int_equal(status_of(e).open, 1);
		} else {
			assert_true(sqlkit_conn_serial(c) == first);
		}
		sqlkit_conn_close(c);
		sqlkit_engine_free(e);
	}
}

static void dead_connection_is_discarded(int pre_ping)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e;
	sqlkit_conn *c;
	sqlkit_pool_status s;
	uint64_t first;

	o.pool_size = 1;
	o.max_overflow = 0;
	o.pool_timeout = 0;
	o.pool_pre_ping = pre_ping;
	OK(sqlkit_engine_create(&e, ECHO_URL, &o));
	c = checkout(e);
	first = sqlkit_conn_serial(c);
	assert_int_equal(sqlkit_conn_execute(NULL, c, "DIE", NULL, 0), SQLKIT_EDISCONNECTED);
	assert_true(sqlkit_conn_is_dead(c));
	sqlkit_conn_close(c);
	s = status_of(e);
	assert_int_equal(s.open, 0);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.checked_out, 0);

	c = checkout(e);   /* a new one; the slot came back too (timeout 0) */
	assert_true(sqlkit_conn_serial(c) != first);
	assert_false(sqlkit_conn_is_dead(c));
	assert_true(echo_ok(c, 5));
	sqlkit_conn_close(c);
	s = status_of(e);
	assert_int_equal(s.open, 1);
	assert_true(s.connects == 2);
	sqlkit_engine_free(e);
}

static void test_pool__dead_connection_is_not_pooled(void **state)
{
	(void)state;
	dead_connection_is_discarded(0);
	dead_connection_is_discarded(1);
}

static void test_pool__invalidated_connection_is_closed(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 2, 0, 0);
	sqlkit_conn *c, *d;
	sqlkit_pool_status s;
	uint64_t first, sd;
	(void)state;

	c = checkout(e);
	d = checkout(e);
	first = sqlkit_conn_serial(c);
	sqlkit_conn_invalidate(c);
	sqlkit_conn_close(c);
	s = status_of(e);
	assert_int_equal(s.open, 1);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.checked_out, 1);
	sd = sqlkit_conn_serial(d);
	sqlkit_conn_close(d);
	c = checkout(e);   /* the idle one, never the invalidated one */
	assert_true(sqlkit_conn_serial(c) == sd);
	d = checkout(e);   /* and a new one in the freed slot */
	assert_true(sqlkit_conn_serial(d) != first && sqlkit_conn_serial(d) != sd);
	sqlkit_conn_close(c);
	sqlkit_conn_close(d);
	assert_true(status_of(e).connects == 3);
	sqlkit_engine_free(e);

	/* on a connection outside any pool it is harmless: close closes */
	OK(sqlkit_conn_open(&c, ECHO_URL));
	sqlkit_conn_invalidate(c);
	sqlkit_conn_close(c);
}

/* A statement prepared on a checkout must not reach the connection once it is back
 * in the pool (where another checkout may own it): as with a closed connection, it
 * only refuses to run and can be freed. */
static void test_pool__statement_outliving_its_checkout_is_safe(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 1, 0, 0);
	sqlkit_conn *c, *d;
	sqlkit_stmt *s;
	uint64_t first;
	(void)state;

	c = checkout(e);
	first = sqlkit_conn_serial(c);
	OK(sqlkit_conn_prepare(&s, c, "SELECT 1"));
	OK(sqlkit_stmt_execute(NULL, s, NULL, 0));
	sqlkit_conn_close(c);
	d = checkout(e);   /* the same physical connection, someone else's now */
	assert_true(sqlkit_conn_serial(d) == first);
	assert_int_equal(sqlkit_stmt_execute(NULL, s, NULL, 0), SQLKIT_ESTATE);
	sqlkit_stmt_free(s);
	assert_true(echo_ok(d, 11));
	sqlkit_conn_close(d);
	sqlkit_engine_free(e);
}

/* ---------------------------------------------------------------- reset on return */

static void test_pool__reset_on_return_rolls_back(void **state)
{
	char path[64], url[96];
	sqlkit_engine *e;
	sqlkit_conn *c;
	uint64_t first;
	(void)state;

	temp_db(path, sizeof path, url, sizeof url);
	e = engine_for(url, SQLKIT_POOL_QUEUE, 1, 0, 0);
	OK(sqlkit_engine_execute(NULL, e, "CREATE TABLE t (a INTEGER)", NULL, 0));
	c = checkout(e);
	first = sqlkit_conn_serial(c);
	OK(sqlkit_conn_begin(c));
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO t VALUES (1)", NULL, 0));
	sqlkit_conn_close(c);   /* back to the pool inside the transaction */

	c = checkout(e);
	assert_true(sqlkit_conn_serial(c) == first);   /* kept, but rolled back */
	assert_false(sqlkit_conn_in_transaction(c));
	assert_int_equal(count_rows(c, "t"), 0);
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);
	unlink(path);
}

static void test_pool__reset_none_leaves_the_transaction(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	char path[64], url[96];
	sqlkit_engine *e;
	sqlkit_conn *c;
	(void)state;

	temp_db(path, sizeof path, url, sizeof url);
	o.pool_size = 1;
	o.max_overflow = 0;
	o.pool_timeout = 0;
	o.reset_on_return = SQLKIT_RESET_NONE;
	OK(sqlkit_engine_create(&e, url, &o));
	OK(sqlkit_engine_execute(NULL, e, "CREATE TABLE t (a INTEGER)", NULL, 0));
	c = checkout(e);
	OK(sqlkit_conn_begin(c));
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO t VALUES (1)", NULL, 0));
	sqlkit_conn_close(c);

	c = checkout(e);
	assert_true(sqlkit_conn_in_transaction(c));
	assert_int_equal(count_rows(c, "t"), 1);
	OK(sqlkit_conn_rollback(c));
	assert_int_equal(count_rows(c, "t"), 0);
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);
	unlink(path);
}

/* ---------------------------------------------------------------- NullPool, StaticPool */

static void test_pool__null_pool_connects_every_time(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_NULL, 1, 0, 0);
	sqlkit_conn *c, *d;
	sqlkit_pool_status s;
	uint64_t first;
	(void)state;

	assert_int_equal(status_of(e).pool_class, SQLKIT_POOL_NULL);
	c = checkout(e);
	first = sqlkit_conn_serial(c);
	assert_true(echo_ok(c, 6));
	sqlkit_conn_close(c);
	s = status_of(e);
	assert_int_equal(s.open, 0);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.checked_out, 0);

	c = checkout(e);
	d = checkout(e);   /* no limit and no waiting */
	assert_true(sqlkit_conn_serial(c) != first);
	assert_true(sqlkit_conn_serial(d) != first);
	assert_true(sqlkit_conn_serial(c) != sqlkit_conn_serial(d));
	s = status_of(e);
	assert_int_equal(s.open, 2);
	assert_int_equal(s.checked_out, 2);
	sqlkit_conn_close(c);
	sqlkit_conn_close(d);
	s = status_of(e);
	assert_int_equal(s.open, 0);
	assert_true(s.connects == 3);
	sqlkit_engine_free(e);
}

static void static_pool_shares_one_database(sqlkit_engine *e)
{
	sqlkit_conn *c, *d;

	assert_int_equal(status_of(e).pool_class, SQLKIT_POOL_STATIC);
	c = checkout(e);
	OK(sqlkit_conn_execute(NULL, c, "CREATE TABLE t (a INTEGER)", NULL, 0));
	OK(sqlkit_conn_execute(NULL, c, "INSERT INTO t VALUES (1)", NULL, 0));
	d = checkout(e);   /* while c is still out */
	assert_true(sqlkit_conn_serial(d) == sqlkit_conn_serial(c));
	assert_int_equal(count_rows(d, "t"), 1);
	sqlkit_conn_close(d);
	assert_int_equal(count_rows(c, "t"), 1);
	sqlkit_conn_close(c);
	c = checkout(e);
	assert_int_equal(count_rows(c, "t"), 1);   /* the database outlives the checkouts */
	sqlkit_conn_close(c);
	assert_int_equal(status_of(e).open, 1);
	assert_true(status_of(e).connects == 1);
	sqlkit_engine_free(e);
}

static void test_pool__static_pool_shares_one_database(void **state)
{
	(void)state;
	static_pool_shares_one_database(engine_for("sqlite://", SQLKIT_POOL_STATIC, 5, 10, 30));
	/* the default for an in-memory SQLite database */
	static_pool_shares_one_database(engine_for("sqlite://", SQLKIT_POOL_DEFAULT, 5, 10, 30));
	static_pool_shares_one_database(engine_for("sqlite:///:memory:", SQLKIT_POOL_DEFAULT, 5, 10, 30));
}

/* ---------------------------------------------------------------- dispose, free */

static void *static_checkout_now(void *arg)
{
	sqlkit_engine *e = arg;
	sqlkit_conn *c = NULL;
	intptr_t rc = sqlkit_engine_connect(&c, e);
	sqlkit_conn_close(c);
	return (void *)rc;
}

/* The static pool's one connection belongs to one thread at a time: the owner
 * may nest checkouts, another thread waits (here: pool_timeout 0, so it fails
 * at once) until the owner gave it all back. */
static void test_pool__static_pool_is_one_thread_at_a_time(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e;
	sqlkit_conn *a, *b;
	pthread_t t;
	void *rc;
	(void)state;

	o.pool_timeout = 0;
	OK(sqlkit_engine_create(&e, "sqlite://", &o));
	assert_int_equal(status_of(e).pool_class, SQLKIT_POOL_STATIC);
	a = checkout(e);
	b = checkout(e);                       /* nested in this thread: the same one */
	assert_true(a == b);
	assert_int_equal(pthread_create(&t, NULL, static_checkout_now, e), 0);
	assert_int_equal(pthread_join(t, &rc), 0);
	assert_int_equal((intptr_t)rc, SQLKIT_ETIMEOUT);
	sqlkit_conn_close(b);
	sqlkit_conn_close(a);
	assert_int_equal(pthread_create(&t, NULL, static_checkout_now, e), 0);
	assert_int_equal(pthread_join(t, &rc), 0);
	assert_int_equal((intptr_t)rc, 0);   /* free now */
	sqlkit_engine_free(e);
}

static void test_pool__dispose_closes_idle_now_and_busy_on_return(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 3, 0, 0);
	sqlkit_conn *a, *b, *c, *d;
	sqlkit_pool_status s;
	uint64_t sa, sb, sc;
	(void)state;

	a = checkout(e);
	b = checkout(e);
	c = checkout(e);
	sa = sqlkit_conn_serial(a);
	sb = sqlkit_conn_serial(b);
	sc = sqlkit_conn_serial(c);
	sqlkit_conn_close(a);
	sqlkit_conn_close(b);
	s = status_of(e);
	assert_int_equal(s.open, 3);
	assert_int_equal(s.idle, 2);

	sqlkit_engine_dispose(e);
	s = status_of(e);
	assert_int_equal(s.open, 1);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.checked_out, 1);
	assert_true(echo_ok(c, 7));   /* still usable until given back */
	sqlkit_conn_close(c);
	s = status_of(e);
	assert_int_equal(s.open, 0);
	assert_int_equal(s.idle, 0);
	assert_int_equal(s.checked_out, 0);

	d = checkout(e);   /* the pool fills again on demand */
	assert_true(sqlkit_conn_serial(d) != sa && sqlkit_conn_serial(d) != sb &&
	            sqlkit_conn_serial(d) != sc);
	assert_true(echo_ok(d, 8));
	sqlkit_conn_close(d);
	s = status_of(e);
	assert_int_equal(s.open, 1);
	assert_int_equal(s.idle, 1);
	assert_true(s.connects == 4);
	sqlkit_engine_free(e);
}

static void test_pool__engine_free_leaves_checked_out_connections_usable(void **state)
{
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 2, 1, 0);
	sqlkit_conn *c, *idle;
	sqlkit_result *r;
	const sqlkit_row *row;
	sqlkit_param p = SQLKIT_PARAM("x", sqlkit_int(42));
	(void)state;

	c = checkout(e);
	idle = checkout(e);
	sqlkit_conn_close(idle);
	OK(sqlkit_engine_execute(&r, e, "SELECT :x", &p, 1));   /* holds a connection too */
	sqlkit_engine_free(e);

	assert_true(echo_ok(c, 9));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_int_equal(sqlkit_row_int(row, 1), 42);
	sqlkit_result_free(r);
	assert_true(echo_ok(c, 10));
	OK(sqlkit_conn_begin(c));
	sqlkit_conn_close(c);   /* the last one: everything goes now */

	sqlkit_engine_free(NULL);
}

/* ---------------------------------------------------------------- threads */

#define NTHREADS 8
#define NCHECKOUTS 2000
#define NSLOTS 32768

static unsigned char in_use[NSLOTS];   /* by serial - base; __atomic access */
static unsigned char seen[NSLOTS];
static int holding;                    /* connections held right now */
static pthread_barrier_t start_line;   /* so the threads really overlap */

struct worker {
	sqlkit_engine *engine;
	uint64_t base;
	int t;
	int failed_connect, failed_echo, shared, out_of_range, too_many;
	char why[256];
};

static void *checkout_loop(void *arg)
{
	struct worker *w = arg;
	int i;

	pthread_barrier_wait(&start_line);
	for (i = 0; i < NCHECKOUTS; i++) {
		sqlkit_conn *c;
		uint64_t idx;
		int rc;

		if ((rc = sqlkit_engine_connect(&c, w->engine)) != 0) {
			if (!w->failed_connect++)
				snprintf(w->why, sizeof w->why, "%d: %s", rc, sqlkit_error_last()->message);
			continue;
		}
		if (__atomic_add_fetch(&holding, 1, __ATOMIC_ACQ_REL) > 6)
			w->too_many++;
		idx = sqlkit_conn_serial(c) - w->base;
		if (idx >= NSLOTS) {
			w->out_of_range++;
		} else {
			if (__atomic_exchange_n(&in_use[idx], 1, __ATOMIC_ACQ_REL))
				w->shared++;
			__atomic_store_n(&seen[idx], 1, __ATOMIC_RELAXED);
		}
		if (!echo_ok(c, w->t))
			w->failed_echo++;
		if (i % 2)
			sched_yield();   /* hold it a little: others must wait or overflow */
		if (!echo_ok(c, w->t))
			w->failed_echo++;
		if (idx < NSLOTS)
			__atomic_store_n(&in_use[idx], 0, __ATOMIC_RELEASE);
		__atomic_sub_fetch(&holding, 1, __ATOMIC_ACQ_REL);
		sqlkit_conn_close(c);
	}
	return NULL;
}

static void test_pool__threads_never_share_a_connection(void **state)
{
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	sqlkit_engine *e = engine_for(ECHO_URL, SQLKIT_POOL_QUEUE, 4, 2, 30);
	sqlkit_conn *probe;
	sqlkit_pool_status s;
	uint64_t base;
	int i, distinct = 0;
	(void)state;

	/* serials are process-wide: index the flags from one made just before */
	OK(sqlkit_conn_open(&probe, ECHO_URL));
	base = sqlkit_conn_serial(probe);
	sqlkit_conn_close(probe);
	memset(in_use, 0, sizeof in_use);
	memset(seen, 0, sizeof seen);
	holding = 0;
	assert_int_equal(pthread_barrier_init(&start_line, NULL, NTHREADS), 0);

	for (i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].engine = e;
		w[i].base = base;
		w[i].t = i + 1;
		assert_int_equal(pthread_create(&t[i], NULL, checkout_loop, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start_line);

	for (i = 0; i < NTHREADS; i++) {
		if (w[i].failed_connect)
			fail_msg("thread %d: %d checkouts failed, first: %s", w[i].t, w[i].failed_connect,
			         w[i].why);
		if (w[i].shared)
			fail_msg("thread %d: %d times a connection another thread held", w[i].t, w[i].shared);
		if (w[i].too_many)
			fail_msg("thread %d: %d times more than pool_size + max_overflow out", w[i].t,
			         w[i].too_many);
		assert_int_equal(w[i].failed_echo, 0);
		assert_int_equal(w[i].out_of_range, 0);
	}
	for (i = 0; i < NSLOTS; i++)
		distinct += seen[i];

	s = status_of(e);
	assert_int_equal(s.checked_out, 0);
	assert_int_equal(s.waiters, 0);
	assert_int_equal(s.overflow, s.open - 4);
	/* all back: at most pool_size kept, the overflow ones were closed */
	assert_true(s.open >= 1 && s.open <= 4);
	assert_int_equal(s.idle, s.open);
	/* every connection made was handed out; overflow ones closed on return account
	 * for any beyond six */
	assert_true(distinct >= 1);
	if (s.connects != (uint64_t)distinct)
		fail_msg("%llu connects, %d distinct connections handed out",
		         (unsigned long long)s.connects, distinct);
	sqlkit_engine_free(e);
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pool__queue_reuses_an_idle_connection),
		T(test_pool__overflow_opens_more_then_closes_them),
		T(test_pool__unlimited_overflow),
		T(test_pool__timeout_zero_does_not_wait),
		T(test_pool__blocks_until_timeout),
		T(test_pool__failed_connect_gives_its_slot_back),
		T(test_pool__waiters_are_served_first_come_first_served),
		T(test_pool__recycle_replaces_old_connections),
		T(test_pool__pre_ping_keeps_live_connections),
		T(test_pool__pre_ping_replaces_a_dead_idle_connection),
		T(test_pool__dead_connection_is_not_pooled),
		T(test_pool__invalidated_connection_is_closed),
		T(test_pool__statement_outliving_its_checkout_is_safe),
		T(test_pool__reset_on_return_rolls_back),
		T(test_pool__reset_none_leaves_the_transaction),
		T(test_pool__null_pool_connects_every_time),
		T(test_pool__static_pool_shares_one_database),
		T(test_pool__static_pool_is_one_thread_at_a_time),
		T(test_pool__dispose_closes_idle_now_and_busy_on_return),
		T(test_pool__engine_free_leaves_checked_out_connections_usable),
		T(test_pool__threads_never_share_a_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
