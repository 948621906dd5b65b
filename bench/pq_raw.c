/*
 * bench/pq_raw.c - the workloads through libpq, as a careful C programmer
 * writes them, and the "postgresql" backend.
 *
 * The server comes from $SQLKIT_BENCH_PG_URL (`make bench` starts a throwaway
 * one with tests/pg-server.sh when the variable is unset). Each run gets two
 * databases of its own on that server, one per side, created by locate() and
 * dropped by cleanup(), so the two sides never share a table.
 *
 * The raw connection is set up as sqlkit's plugin sets up its own
 * (client_encoding UTF8, DateStyle, extra_float_digits 3,
 * standard_conforming_strings on). The SQL is the sqlkit side's text with the
 * ":name" binds turned into $1, $2..., i.e. the text sqlkit itself sends.
 * Statements are prepared once per connection, at their first use (a timed
 * one; the warm-up normally), and kept, as sqlkit's per-connection statement
 * cache keeps them. Parameters are sent as text with their types left to the
 * server; results are read in text form.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "bench.h"

#define PG_URL_ENV "SQLKIT_BENCH_PG_URL"

/* Server-side names of the statements a raw connection keeps. */
enum { Q_INSERT, Q_FETCH, Q_LOOKUP, Q_COUNT };
static const char *const stmt_names[Q_COUNT] = { "bench_insert", "bench_fetch", "bench_lookup" };

typedef struct raw {
	PGconn *pg;
	int prepared[Q_COUNT];
	char sql[Q_COUNT][256];     /* the statements with $n markers */
} raw;

/* libpq's message on one line, without its trailing newline. */
static const char *one_line(const char *m)
{
	static char buf[512];
	size_t n = 0;

	for (; m && *m && n + 2 < sizeof buf; m++) {
		if (*m == '\n') {
			if (!m[1])
				break;
			buf[n++] = ';';
			buf[n++] = ' ';
			while (m[1] == '\t' || m[1] == ' ')
				m++;
		} else {
			buf[n++] = *m;
		}
	}
	buf[n] = '\0';
	return buf;
}

static int pq_fail(PGconn *pg, const PGresult *r, const char *what)
{
	const char *m = r ? PQresultErrorMessage(r) : NULL;

	if (!m || !*m)
		m = pg ? PQerrorMessage(pg) : "out of memory";
	return bench_fail("libpq: %s: %s", what, one_line(m));
}

/* ":name" binds to $1, $2... in order of appearance (each name occurs once in
 * the bench's statements); quoted text and "::" are left alone. */
static int to_dollar(char *out, size_t size, const char *sql)
{
	size_t n = 0;
	int k = 0;
	char quote = 0;

	for (; *sql; sql++) {
		char c = *sql;
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == ':' && sql[1] == ':') {
			if (n + 2 >= size)
				return -1;
			out[n++] = *sql++;
		} else if (c == ':' && (sql[1] == '_' || (sql[1] >= 'a' && sql[1] <= 'z') ||
		                        (sql[1] >= 'A' && sql[1] <= 'Z'))) {
			int w = snprintf(out + n, size - n, "$%d", ++k);
			if (w < 0 || (size_t)w >= size - n)
				return -1;
			n += (size_t)w;
			while (sql[1] == '_' || (sql[1] >= 'a' && sql[1] <= 'z') ||
			       (sql[1] >= 'A' && sql[1] <= 'Z') || (sql[1] >= '0' && sql[1] <= '9'))
				sql++;
			continue;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* What sqlkit's plugin runs on a new connection. */
static const char session_setup[] =
	"SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; "
	"SET standard_conforming_strings = on";

/* Connect to a libpq URI (or conninfo string); NULL with bench_error() set. */
static PGconn *connect_dsn(const char *dsn, const char *what)
{
	static const char *const kw[] = { "dbname", "client_encoding", "fallback_application_name",
	                                  NULL };
	const char *val[] = { dsn, "UTF8", "sqlkit-bench", NULL };
	PGconn *pg = PQconnectdbParams(kw, val, 1);
	PGresult *r;

	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		pq_fail(pg, NULL, what);
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, quiet_notice, NULL);
	r = PQexec(pg, session_setup);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pq_fail(pg, r, "session set-up");
		PQclear(r);
		PQfinish(pg);
		return NULL;
	}
	PQclear(r);
	return pg;
}

static int raw_open(void **h, const bench_target *t)
{
	raw *r;

	*h = NULL;
	if (!(r = calloc(1, sizeof *r)))
		return bench_fail("out of memory");
	if (to_dollar(r->sql[Q_INSERT], sizeof r->sql[Q_INSERT], BENCH_INSERT_SQL) < 0 ||
	    to_dollar(r->sql[Q_FETCH], sizeof r->sql[Q_FETCH], BENCH_FETCH_SQL) < 0 ||
	    to_dollar(r->sql[Q_LOOKUP], sizeof r->sql[Q_LOOKUP], BENCH_LOOKUP_SQL) < 0) {
		free(r);
		return bench_fail("a statement is too long");
	}
	if (!(r->pg = connect_dsn(t->raw_dsn, "connect"))) {
		free(r);
		return -1;
	}
	*h = r;
	return 0;
}

static void raw_close(void *h)
{
	raw *r = h;

	if (!r)
		return;
	PQfinish(r->pg);
	free(r);
}

static int exec_pg(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		pq_fail(pg, res, sql);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int raw_exec(void *h, const char *sql)
{
	return exec_pg(((raw *)h)->pg, sql);
}

/* Prepare statement q on this connection unless it already is. */
static int prepare(raw *r, int q)
{
	PGresult *res;

	if (r->prepared[q])
		return 0;
	res = PQprepare(r->pg, stmt_names[q], r->sql[q], 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pq_fail(r->pg, res, r->sql[q]);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	r->prepared[q] = 1;
	return 0;
}

/* ---------------------------------------------------------------- parameters as text */

/* Decimal text of v into buf (at least 21 bytes); returns buf. */
static const char *int_text(char *buf, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[k++] = '-';
	while (n)
		buf[k++] = tmp[--n];
	buf[k] = '\0';
	return buf;
}

/* The text of row i's four parameters; values[3] is NULL for SQL NULL. */
typedef struct row_text {
	char id[24], score[32], maybe[24];
	const char *values[4];
	int lengths[4];
} row_text;

static void row_params(row_text *p, const bench_data *d, size_t i)
{
	p->values[0] = int_text(p->id, d->id[i]);
	p->values[1] = bench_name(d, i);
	p->lengths[1] = (int)d->name_len[i];
	snprintf(p->score, sizeof p->score, "%.17g", d->score[i]);   /* exact round trip */
	p->values[2] = p->score;
	p->values[3] = d->maybe_null[i] ? NULL : int_text(p->maybe, d->maybe[i]);
}

/* ---------------------------------------------------------------- workloads */

/* One prepared INSERT, executed once per row, in one transaction. */
static int raw_insert(void *h, const bench_data *d, bench_sum *s)
{
	raw *r = h;
	size_t i;

	if (prepare(r, Q_INSERT) < 0 || exec_pg(r->pg, "BEGIN") < 0)
		return -1;
	for (i = 0; i < d->nrows; i++) {
		row_text p;
		PGresult *res;
		row_params(&p, d, i);
		/* text format: lengths are not looked at; the name is NUL-terminated */
		res = PQexecPrepared(r->pg, stmt_names[Q_INSERT], 4, p.values, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			pq_fail(r->pg, res, "insert");
			PQclear(res);
			PQclear(PQexec(r->pg, "ROLLBACK"));   /* keeps the first error */
			return -1;
		}
		PQclear(res);
		bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i],
		              d->maybe_null[i], d->maybe[i]);
	}
	return exec_pg(r->pg, "COMMIT");
}

/* Pipeline mode: every row sent with PQsendQueryPrepared, one Sync (the
 * pipeline's implicit transaction makes the batch atomic, as a BEGIN/COMMIT
 * would), then every result read. libpq reads the server's answers while it
 * waits to write, so a long pipeline does not deadlock. */
static int raw_insertmany(void *h, const bench_data *d, bench_sum *s)
{
	raw *r = h;
	PGresult *res;
	size_t i, sent = 0, done = 0;
	int rc = 0;
	uint64_t changed = 0;

	if (prepare(r, Q_INSERT) < 0)
		return -1;
	if (!PQenterPipelineMode(r->pg))
		return pq_fail(r->pg, NULL, "enter pipeline mode");
	for (i = 0; i < d->nrows; i++) {
		row_text p;
		row_params(&p, d, i);
		if (!PQsendQueryPrepared(r->pg, stmt_names[Q_INSERT], 4, p.values, NULL, NULL, 0)) {
			rc = pq_fail(r->pg, NULL, "insertmany: send");
			break;
		}
		sent++;
	}
	if (!PQpipelineSync(r->pg) && rc == 0)
		rc = pq_fail(r->pg, NULL, "insertmany: sync");
	/* each query's result, then a NULL; then the Sync's */
	for (i = 0; i < sent && PQstatus(r->pg) == CONNECTION_OK; i++) {
		while ((res = PQgetResult(r->pg))) {
			if (PQresultStatus(res) == PGRES_COMMAND_OK) {
				changed += strtoull(PQcmdTuples(res), NULL, 10);
				done++;
			} else if (rc == 0) {
				rc = pq_fail(r->pg, res, "insertmany");
			}
			PQclear(res);
		}
	}
	while (PQstatus(r->pg) == CONNECTION_OK && (res = PQgetResult(r->pg))) {
		ExecStatusType st = PQresultStatus(res);
		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(r->pg) && rc == 0)
		rc = pq_fail(r->pg, NULL, "exit pipeline mode");
	if (rc < 0)
		return -1;
	if (done != d->nrows || changed != d->nrows)
		return bench_fail("libpq: insertmany: %zu results, %llu rows changed, %zu expected",
		                  done, (unsigned long long)changed, d->nrows);
	for (i = 0; i < d->nrows; i++)
		bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i],
		              d->maybe_null[i], d->maybe[i]);
	return 0;
}

/* Every column of row `row` of res as C values: integers with strtoll, the
 * double with strtod, the name as the result's own text. */
static inline void read_row(const PGresult *res, int row, bench_sum *s)
{
	int64_t id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
	const char *name = PQgetvalue(res, row, 1);
	size_t len = (size_t)PQgetlength(res, row, 1);
	double score = strtod(PQgetvalue(res, row, 2), NULL);
	int is_null = PQgetisnull(res, row, 3);
	int64_t maybe = is_null ? 0 : strtoll(PQgetvalue(res, row, 3), NULL, 10);

	bench_sum_row(s, id, name, len, score, is_null, maybe);
}

/* Stream the rows of the query just sent in single-row mode, as sqlkit does;
 * probe(arg) after every `every` rows when given. */
static int stream_rows(raw *r, const char *what, size_t every, void (*probe)(void *arg),
                       void *arg, bench_sum *s)
{
	PGresult *res;
	int rc = 0;

	if (!PQsetSingleRowMode(r->pg))
		rc = pq_fail(r->pg, NULL, "single-row mode");
	while ((res = PQgetResult(r->pg))) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			read_row(res, 0, s);
			if (probe && every && s->rows % every == 0)
				probe(arg);
			break;
		case PGRES_TUPLES_OK:   /* the end (or everything, without single-row mode) */
		{
			int k, n = PQntuples(res);
			for (k = 0; k < n; k++)
				read_row(res, k, s);
			break;
		}
		default:
			if (rc == 0)
				rc = pq_fail(r->pg, res, what);
			break;
		}
		PQclear(res);
	}
	return rc;
}

static int raw_fetch(void *h, bench_sum *s)
{
	raw *r = h;

	if (prepare(r, Q_FETCH) < 0)
		return -1;
	if (!PQsendQueryPrepared(r->pg, stmt_names[Q_FETCH], 0, NULL, NULL, NULL, 0))
		return pq_fail(r->pg, NULL, "fetch");
	return stream_rows(r, "fetch", 0, NULL, NULL, s);
}

static int raw_lookup(void *h, const bench_data *d, bench_sum *s)
{
	raw *r = h;
	size_t i;

	if (prepare(r, Q_LOOKUP) < 0)
		return -1;
	for (i = 0; i < d->nkeys; i++) {
		char key[24];
		const char *values[1] = { int_text(key, d->keys[i]) };
		PGresult *res = PQexecPrepared(r->pg, stmt_names[Q_LOOKUP], 1, values, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			pq_fail(r->pg, res, "lookup");
			PQclear(res);
			return -1;
		}
		if (PQntuples(res) > 0)
			read_row(res, 0, s);
		PQclear(res);
	}
	return 0;
}

static int raw_stream(void *h, const char *sql, size_t nrows, size_t every,
                      void (*probe)(void *arg), void *arg, bench_sum *s)
{
	raw *r = h;
	char text[1024], n[24];
	const char *values[1] = { int_text(n, (int64_t)nrows) };

	if (to_dollar(text, sizeof text, sql) < 0)
		return bench_fail("the stream statement is too long");
	if (!PQsendQueryParams(r->pg, text, 1, NULL, values, NULL, NULL, 0))
		return pq_fail(r->pg, NULL, "stream");
	return stream_rows(r, "stream", every, probe, arg, s);
}

static const bench_side pq_side = {
	.name = "libpq",
	.open = raw_open,
	.close = raw_close,
	.exec = raw_exec,
	.insert = raw_insert,
	.insertmany = raw_insertmany,
	.fetch = raw_fetch,
	.lookup = raw_lookup,
	.stream = raw_stream,
};

/* ---------------------------------------------------------------- the backend */

/* SQLite's table with PostgreSQL's types: a 64-bit key (the data's int64 ids,
 * and what sqlkit binds integers as), varchar(64), double precision, and a
 * nullable integer. */
static const char create_sql[] =
	"CREATE TABLE %s (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, "
	"score DOUBLE PRECISION NOT NULL, maybe INTEGER)";

/* SQLite's recursive CTE as generate_series; CAST rather than "::" (the bind
 * lexers read ':'). The score must come out as float8, not numeric. */
static const char stream_sql[] =
	"SELECT x AS id, 'generated-row-' || x AS name, "
	"CAST(x AS DOUBLE PRECISION) * CAST(0.25 AS DOUBLE PRECISION) AS score, "
	"CASE WHEN x % 5 = 0 THEN NULL ELSE x * 3 END AS maybe "
	"FROM generate_series(CAST(1 AS BIGINT), CAST(:n AS BIGINT)) AS g(x)";

static const char *pq_version_line(void)
{
	static char line[64];
	int v = PQlibVersion();

	snprintf(line, sizeof line, "libpq %d.%d", v / 10000, v % 10000);
	return line;
}

/* The parts of a URL "scheme://authority/path?query": where the authority
 * starts, where the path starts (or the query, or the end when no path). */
typedef struct url_parts {
	size_t scheme_end;     /* index of "://" */
	size_t auth;           /* first character after "://" */
	size_t path;           /* '/', '?' or the end */
	size_t query;          /* '?' or the end */
} url_parts;

static int split_url(const char *url, url_parts *u)
{
	const char *sep = strstr(url, "://"), *p;

	if (!sep)
		return -1;
	u->scheme_end = (size_t)(sep - url);
	u->auth = u->scheme_end + 3;
	for (p = url + u->auth; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		;
	u->path = (size_t)(p - url);
	for (; *p && *p != '?' && *p != '#'; p++)
		;
	u->query = (size_t)(p - url);
	return 0;
}

/* url with its database replaced by db (NULL: kept) and its scheme by scheme
 * (NULL: kept). */
static int url_with(char *out, size_t size, const char *url, const char *scheme,
                    const char *db)
{
	url_parts u;
	int n, slen;

	if (split_url(url, &u) < 0)
		return -1;
	slen = scheme ? (int)strlen(scheme) : (int)u.scheme_end;
	if (!scheme)
		scheme = url;
	if (db)
		n = snprintf(out, size, "%.*s://%.*s/%s%s", slen, scheme, (int)(u.path - u.auth),
		             url + u.auth, db, url + u.query);
	else
		n = snprintf(out, size, "%.*s%s", slen, scheme, url + u.scheme_end);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The URL from the environment, checked: NULL with bench_error() set. */
static const char *server_url(void)
{
	const char *url = getenv(PG_URL_ENV);
	url_parts u;
	const char *q;

	if (!url || !*url) {
		bench_fail("no server: " PG_URL_ENV " is not set (make bench starts a throwaway "
		           "server when PostgreSQL's server binaries are installed)");
		return NULL;
	}
	if (split_url(url, &u) < 0) {
		bench_fail(PG_URL_ENV " is not a postgresql:// URL");
		return NULL;
	}
	/* the bench puts each side's database in the path; a dbname= would win over it */
	for (q = url + u.query; (q = strstr(q, "dbname=")); q++)
		if (q[-1] == '?' || q[-1] == '&') {
			bench_fail(PG_URL_ENV ": give the database in the URL's path, not as dbname=");
			return NULL;
		}
	return url;
}

static void db_names(char names[2][BENCH_PATH_MAX], const char *tag)
{
	snprintf(names[0], BENCH_PATH_MAX, "sqlkit_bench_%ld_%s_raw", (long)getpid(), tag);
	snprintf(names[1], BENCH_PATH_MAX, "sqlkit_bench_%ld_%s_sqlkit", (long)getpid(), tag);
}

/* A connection to the URL's own database, for CREATE and DROP DATABASE. */
static PGconn *admin_connect(const char *url)
{
	char dsn[BENCH_PATH_MAX];
	PGconn *pg;

	/* libpq takes postgresql:// and postgres:// URIs; sqlkit also takes
	 * postgresql+libpq:// and its aliases */
	if (url_with(dsn, sizeof dsn, url, "postgresql", NULL) < 0) {
		bench_fail(PG_URL_ENV " is too long");
		return NULL;
	}
	if (!(pg = connect_dsn(dsn, "no server at " PG_URL_ENV))) {
		char msg[1100];
		snprintf(msg, sizeof msg, "%s", bench_error());
		/* "libpq: no server at ...": keep "no server" first in the skip note */
		bench_fail("%s", strncmp(msg, "libpq: ", 7) == 0 ? msg + 7 : msg);
	}
	return pg;
}

static int drop_databases(PGconn *pg, char names[2][BENCH_PATH_MAX])
{
	char sql[BENCH_PATH_MAX + 64];
	int i, rc = 0;

	for (i = 0; i < 2; i++) {
		if (!names[i][0])
			continue;
		/* WITH (FORCE) (13+): a connection left behind by a failed run does not block it */
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s%s", names[i],
		         PQserverVersion(pg) >= 130000 ? " WITH (FORCE)" : "");
		if (exec_pg(pg, sql) < 0)
			rc = -1;
	}
	return rc;
}

static int locate_pg(bench_target *t, const char *dir, const char *tag)
{
	const char *url = server_url();
	char sql[BENCH_PATH_MAX + 64];
	PGconn *pg;
	int i;

	(void)dir;
	t->files[0][0] = t->files[1][0] = '\0';
	if (!url || !(pg = admin_connect(url)))
		return -1;
	db_names(t->files, tag);
	if (drop_databases(pg, t->files) < 0)
		goto fail;
	for (i = 0; i < 2; i++) {
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->files[i]);
		if (exec_pg(pg, sql) < 0)
			goto fail;
	}
	PQfinish(pg);
	if (url_with(t->raw_dsn, sizeof t->raw_dsn, url, "postgresql", t->files[0]) < 0 ||
	    url_with(t->sqlkit_url, sizeof t->sqlkit_url, url, NULL, t->files[1]) < 0)
		return bench_fail(PG_URL_ENV " is too long");
	return 0;
fail:
	PQfinish(pg);
	return -1;
}

/* Drop the run's two databases. */
static void cleanup_pg(const bench_target *t)
{
	char names[2][BENCH_PATH_MAX];
	const char *url;
	PGconn *pg;

	if (!t->files[0][0] && !t->files[1][0])
		return;
	memcpy(names, t->files, sizeof names);
	if (!(url = getenv(PG_URL_ENV)) || !(pg = admin_connect(url))) {
		fprintf(stderr, "sqlkit-bench: could not drop databases %s and %s: %s\n", names[0],
		        names[1], bench_error());
		return;
	}
	if (drop_databases(pg, names) < 0)
		fprintf(stderr, "sqlkit-bench: %s\n", bench_error());
	PQfinish(pg);
}

const bench_backend bench_postgresql = {
	.name = "postgresql",
	.description = "PostgreSQL server from $" PG_URL_ENV ", a database per side",
	.raw = &pq_side,
	.dialect = "postgresql",
	.create_sql = create_sql,
	.stream_sql = stream_sql,
	.locate = locate_pg,
	.cleanup = cleanup_pg,
	.version = pq_version_line,
};
