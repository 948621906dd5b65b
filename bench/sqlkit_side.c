/*
 * bench/sqlkit_side.c - the workloads through sqlkit's public API, written as a
 * sqlkit user would write them; the same code runs against every backend, only
 * the URL changes. Also the pool and compile workloads, which have no raw side.
 *
 * Uses nothing but sqlkit's public headers.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlkit/sqlkit.h>
#include <sqlkit/schema.h>
#include <sqlkit/sql.h>

#include "bench.h"

typedef struct sk {
	sqlkit_conn *conn;
	sqlkit_param *sets;       /* insertmany's parameter sets, kept between runs */
	size_t cap;               /* rows sets has room for */
} sk;

static int sk_fail(const char *what)
{
	const sqlkit_error *e = sqlkit_error_last();
	return bench_fail("sqlkit: %s: %s%s%s%s", what, e->message, e->klass ? " (" : "",
	                  e->klass ? sqlkit_error_class_name(e->klass) : "", e->klass ? ")" : "");
}

static int sk_open(void **h, const bench_target *t)
{
	sk *k;

	*h = NULL;
	if (!(k = calloc(1, sizeof *k)))
		return bench_fail("out of memory");
	if (sqlkit_conn_open(&k->conn, t->sqlkit_url) < 0) {
		sk_fail(t->sqlkit_url);
		free(k);
		return -1;
	}
	*h = k;
	return 0;
}

static void sk_close(void *h)
{
	sk *k = h;

	if (!k)
		return;
	sqlkit_conn_close(k->conn);
	free(k->sets);
	free(k);
}

static int sk_exec(void *h, const char *sql)
{
	sk *k = h;

	if (sqlkit_conn_execute(NULL, k->conn, sql, NULL, 0) < 0)
		return sk_fail(sql);
	return 0;
}

/* The four parameters of row i. The text is borrowed: sqlkit copies it (or uses
 * it) before the call returns. */
static inline void row_params(sqlkit_param p[4], const bench_data *d, size_t i)
{
	p[0] = SQLKIT_PARAM("id", sqlkit_int(d->id[i]));
	p[1] = SQLKIT_PARAM("name", sqlkit_textn(bench_name(d, i), d->name_len[i]));
	p[2] = SQLKIT_PARAM("score", sqlkit_float(d->score[i]));
	p[3] = SQLKIT_PARAM("maybe", d->maybe_null[i] ? sqlkit_null() : sqlkit_int(d->maybe[i]));
}

static int sk_insert(void *h, const bench_data *d, bench_sum *s)
{
	sk *k = h;
	sqlkit_stmt *st = NULL;
	size_t i;

	if (sqlkit_conn_prepare(&st, k->conn, BENCH_INSERT_SQL) < 0)
		return sk_fail("prepare insert");
	if (sqlkit_conn_begin(k->conn) < 0)
		goto fail;
	for (i = 0; i < d->nrows; i++) {
		sqlkit_param p[4];
		row_params(p, d, i);
		if (sqlkit_stmt_execute(NULL, st, p, 4) < 0)
			goto fail;
		bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i],
		              d->maybe_null[i], d->maybe[i]);
	}
	if (sqlkit_conn_commit(k->conn) < 0)
		goto fail;
	sqlkit_stmt_free(st);
	return 0;
fail:
	sk_fail("insert");
	if (sqlkit_conn_in_transaction(k->conn))
		sqlkit_conn_rollback(k->conn);
	sqlkit_stmt_free(st);
	return -1;
}

/* executemany over every row at once; it makes its own transaction. Filling
 * the parameter array is part of the timed work (a program has to), allocating
 * it is not (it is kept from the warm-up run). */
static int sk_insertmany(void *h, const bench_data *d, bench_sum *s)
{
	sk *k = h;
	sqlkit_stmt *st = NULL;
	int64_t changed = 0;
	size_t i;

	if (k->cap < d->nrows) {
		sqlkit_param *p = realloc(k->sets, d->nrows * 4 * sizeof *p);
		if (!p)
			return bench_fail("out of memory for %zu parameter sets", d->nrows);
		k->sets = p;
		k->cap = d->nrows;
	}
	for (i = 0; i < d->nrows; i++)
		row_params(k->sets + i * 4, d, i);
	if (sqlkit_conn_prepare(&st, k->conn, BENCH_INSERT_SQL) < 0)
		return sk_fail("prepare insertmany");
	if (sqlkit_stmt_executemany(st, k->sets, 4, d->nrows, &changed) < 0) {
		sk_fail("insertmany");
		sqlkit_stmt_free(st);
		return -1;
	}
	sqlkit_stmt_free(st);
	if ((uint64_t)changed != d->nrows)
		return bench_fail("sqlkit: insertmany: %lld rows changed, %zu expected",
		                  (long long)changed, d->nrows);
	for (i = 0; i < d->nrows; i++)
		bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i],
		              d->maybe_null[i], d->maybe[i]);
	return 0;
}

/* Every column of the current row through sqlkit_row_value(). */
static inline void read_row(const sqlkit_row *row, bench_sum *s)
{
	const sqlkit_value *id = sqlkit_row_value(row, 0);
	const sqlkit_value *name = sqlkit_row_value(row, 1);
	const sqlkit_value *score = sqlkit_row_value(row, 2);
	const sqlkit_value *maybe = sqlkit_row_value(row, 3);
	double f = score->type == SQLKIT_TYPE_FLOAT ? score->u.f : (double)score->u.i;
	int is_null = maybe->type == SQLKIT_TYPE_NULL;

	bench_sum_row(s, id->u.i, name->u.s.ptr, name->u.s.len, f, is_null, is_null ? 0 : maybe->u.i);
}

static int sk_fetch(void *h, bench_sum *s)
{
	sk *k = h;
	sqlkit_stmt *st = NULL;
	sqlkit_result *res = NULL;
	const sqlkit_row *row;
	int rc;

	if (sqlkit_conn_prepare(&st, k->conn, BENCH_FETCH_SQL) < 0)
		return sk_fail("prepare fetch");
	if (sqlkit_stmt_execute(&res, st, NULL, 0) < 0) {
		sk_fail("fetch");
		sqlkit_stmt_free(st);
		return -1;
	}
	while ((rc = sqlkit_result_fetchone(&row, res)) == 0 && row)
		read_row(row, s);
	if (rc < 0)
		sk_fail("fetch");
	sqlkit_result_free(res);
	sqlkit_stmt_free(st);
	return rc < 0 ? -1 : 0;
}

static int sk_lookup(void *h, const bench_data *d, bench_sum *s)
{
	sk *k = h;
	sqlkit_stmt *st = NULL;
	size_t i;

	if (sqlkit_conn_prepare(&st, k->conn, BENCH_LOOKUP_SQL) < 0)
		return sk_fail("prepare lookup");
	for (i = 0; i < d->nkeys; i++) {
		sqlkit_param p = SQLKIT_PARAM("id", sqlkit_int(d->keys[i]));
		sqlkit_result *res;
		const sqlkit_row *row;
		if (sqlkit_stmt_execute(&res, st, &p, 1) < 0)
			goto fail;
		if (sqlkit_result_fetchone(&row, res) < 0) {
			sqlkit_result_free(res);
			goto fail;
		}
		if (row)
			read_row(row, s);
		sqlkit_result_free(res);
	}
	sqlkit_stmt_free(st);
	return 0;
fail:
	sk_fail("lookup");
	sqlkit_stmt_free(st);
	return -1;
}

static int sk_stream(void *h, const char *sql, size_t nrows, size_t every,
                     void (*probe)(void *arg), void *arg, bench_sum *s)
{
	sk *k = h;
	sqlkit_stmt *st = NULL;
	sqlkit_result *res = NULL;
	sqlkit_param p = SQLKIT_PARAM("n", sqlkit_int((int64_t)nrows));
	const sqlkit_row *row;
	int rc;

	if (sqlkit_conn_prepare(&st, k->conn, sql) < 0)
		return sk_fail("prepare stream");
	if (sqlkit_stmt_execute(&res, st, &p, 1) < 0) {
		sk_fail("stream");
		sqlkit_stmt_free(st);
		return -1;
	}
	while ((rc = sqlkit_result_fetchone(&row, res)) == 0 && row) {
		read_row(row, s);
		if (probe && every && s->rows % every == 0)
			probe(arg);
	}
	if (rc < 0)
		sk_fail("stream");
	sqlkit_result_free(res);
	sqlkit_stmt_free(st);
	return rc < 0 ? -1 : 0;
}

const bench_side bench_sqlkit_side = {
	.name = "sqlkit",
	.open = sk_open,
	.close = sk_close,
	.exec = sk_exec,
	.insert = sk_insert,
	.insertmany = sk_insertmany,
	.fetch = sk_fetch,
	.lookup = sk_lookup,
	.stream = sk_stream,
};

/* ---------------------------------------------------------------- pool */

/* Threads wait here until every one of them exists, then start together. */
typedef struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int open;
	int cancelled;
} gate;

typedef struct pool_job {
	sqlkit_engine *engine;
	size_t ops;
	gate *start;
	int rc;
	char message[256];
} pool_job;

static void pool_loop(pool_job *j)
{
	size_t i;

	for (i = 0; i < j->ops; i++) {
		sqlkit_conn *c;
		if (sqlkit_engine_connect(&c, j->engine) < 0) {
			j->rc = -1;
			strncpy(j->message, sqlkit_error_last()->message, sizeof j->message - 1);
			return;
		}
		sqlkit_conn_close(c);
	}
}

static void *pool_thread(void *arg)
{
	pool_job *j = arg;
	int cancelled;

	pthread_mutex_lock(&j->start->lock);
	while (!j->start->open)
		pthread_cond_wait(&j->start->cond, &j->start->lock);
	cancelled = j->start->cancelled;
	pthread_mutex_unlock(&j->start->lock);
	if (!cancelled)
		pool_loop(j);
	return NULL;
}

static const char *pool_class_name(sqlkit_pool_class c)
{
	switch (c) {
	case SQLKIT_POOL_QUEUE: return "queue";
	case SQLKIT_POOL_NULL: return "null";
	case SQLKIT_POOL_STATIC: return "static";
	case SQLKIT_POOL_DEFAULT: break;
	}
	return "default";
}

int bench_sqlkit_pool(const char *url, size_t ops, int nthreads, double *seconds,
                      const char **pool_class)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *engine;
	sqlkit_pool_status st;
	sqlkit_conn *c;
	pool_job jobs[64];
	pthread_t tids[64];
	gate start = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	double t0;
	int i, started = 0, rc = 0;

	if (nthreads < 1 || nthreads > 64)
		return bench_fail("threads: %d is not between 1 and 64", nthreads);
	o.echo = 0;
	if (o.pool_size < nthreads)
		o.pool_size = nthreads;   /* measure checkout, not waiting for a connection */
	if (sqlkit_engine_create(&engine, url, &o) < 0)
		return sk_fail(url);
	/* The first checkout connects; that is not what is measured. */
	if (sqlkit_engine_connect(&c, engine) < 0) {
		sk_fail("connect");
		sqlkit_engine_free(engine);
		return -1;
	}
	sqlkit_conn_close(c);
	sqlkit_engine_pool_status(engine, &st);
	*pool_class = pool_class_name(st.pool_class);

	memset(jobs, 0, sizeof jobs);
	for (i = 0; i < nthreads; i++) {
		jobs[i].engine = engine;
		jobs[i].ops = ops / (size_t)nthreads + ((size_t)i < ops % (size_t)nthreads);
	}
	if (nthreads == 1) {
		t0 = bench_now();
		pool_loop(&jobs[0]);
		*seconds = bench_now() - t0;
	} else {
		for (i = 0; i < nthreads; i++) {
			jobs[i].start = &start;
			if (pthread_create(&tids[i], NULL, pool_thread, &jobs[i]) != 0)
				break;
			started++;
		}
		pthread_mutex_lock(&start.lock);
		start.open = 1;
		start.cancelled = started < nthreads;
		t0 = bench_now();
		pthread_cond_broadcast(&start.cond);
		pthread_mutex_unlock(&start.lock);
		for (i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
		*seconds = bench_now() - t0;
		if (started < nthreads)
			rc = bench_fail("could not start %d threads", nthreads);
	}
	for (i = 0; i < nthreads && rc == 0; i++)
		if (jobs[i].rc < 0) {
			rc = bench_fail("sqlkit: pool checkout: %s", jobs[i].message);
			break;
		}
	sqlkit_engine_free(engine);
	return rc;
}

/* ---------------------------------------------------------------- compile */

typedef struct schema {
	sqlkit_metadata *md;
	sqlkit_table *users, *addresses;
} schema;

static int make_schema(schema *sc)
{
	sqlkit_column *fk;

	memset(sc, 0, sizeof *sc);
	if (sqlkit_metadata_new(&sc->md) < 0 ||
	    sqlkit_table_new(&sc->users, sc->md, "users") < 0 ||
	    sqlkit_table_add_column(sc->users, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY) < 0 ||
	    sqlkit_table_add_column(sc->users, "name", sqlkit_String(50), SQLKIT_COL_NOT_NULL) < 0 ||
	    sqlkit_table_new(&sc->addresses, sc->md, "addresses") < 0 ||
	    sqlkit_table_add_column(sc->addresses, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY) < 0 ||
	    !(fk = sqlkit_table_add(sc->addresses, "user_id", sqlkit_Integer(), SQLKIT_COL_NOT_NULL)) ||
	    sqlkit_column_set_foreign_key(fk, "users.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE) < 0 ||
	    sqlkit_table_add_column(sc->addresses, "email", sqlkit_String(100), SQLKIT_COL_NOT_NULL) < 0)
		return sk_fail("compile: schema");
	return 0;
}

/* The generative calls borrow their statement and return a new one: drop the
 * previous step as soon as the next exists. */
static sqlkit_expr *step(sqlkit_expr *prev, sqlkit_expr *next)
{
	sqlkit_expr_free(prev);
	return next;
}

/* SELECT users.id, users.name AS <label>, addresses.email
 * FROM users JOIN addresses ON users.id = addresses.user_id
 * WHERE users.name = :name AND addresses.email LIKE <value> ORDER BY users.id LIMIT 10 */
static sqlkit_expr *typical_select(const schema *sc, const char *label)
{
	sqlkit_table *u = sc->users, *a = sc->addresses;
	sqlkit_expr *s;

	s = sqlkit_select(3, sqlkit_c(u, "id"), sqlkit_label(sqlkit_c(u, "name"), label),
	                  sqlkit_c(a, "email"));
	if (s)
		s = step(s, sqlkit_select_from(s, sqlkit_join_fk(sqlkit_t(u), sqlkit_t(a))));
	if (s)
		s = step(s, sqlkit_where(s, sqlkit_eq(sqlkit_c(u, "name"),
		                                      sqlkit_bindparam("name", sqlkit_String(50)))));
	if (s)
		s = step(s, sqlkit_where(s, sqlkit_like(sqlkit_c(a, "email"),
		                                        sqlkit_lit_text("%@example.com"))));
	if (s)
		s = step(s, sqlkit_order_by(s, 1, sqlkit_c(u, "id")));
	if (s)
		s = step(s, sqlkit_limit(s, 10));
	return s;
}

int bench_sqlkit_compile(const char *dialect, size_t ops, int mode, double *seconds)
{
	schema sc;
	double t0;
	size_t i;
	int rc = 0;

	if (make_schema(&sc) < 0) {
		sqlkit_metadata_free(sc.md);
		return -1;
	}
	t0 = bench_now();
	for (i = 0; i < ops; i++) {
		char label[40];
		char *sql = NULL;
		sqlkit_expr *s;

		/* the same formatting in every mode; only the uncached one varies the name */
		snprintf(label, sizeof label, "user_name_%zu", mode == BENCH_COMPILE_UNCACHED ? i : 0);
		if (!(s = typical_select(&sc, label))) {
			rc = sk_fail("compile: building the select");
			break;
		}
		if (mode != BENCH_COMPILE_BUILD && sqlkit_expr_to_string(&sql, s, dialect, 0) < 0) {
			rc = sk_fail("compile");
			sqlkit_expr_free(s);
			break;
		}
		sqlkit_free(sql);
		sqlkit_expr_free(s);
	}
	*seconds = bench_now() - t0;
	sqlkit_metadata_free(sc.md);
	return rc;
}
