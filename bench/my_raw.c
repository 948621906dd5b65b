/*
 * bench/my_raw.c - the workloads through the MySQL C API (MariaDB Connector/C),
 * as a careful C programmer writes them, and the "mysql" backend.
 *
 * The server comes from $SQLKIT_BENCH_MYSQL_URL (`make bench` starts a
 * throwaway MariaDB with tests/mariadb-server.sh when the variable is unset).
 * Each run gets two databases of its own on that server, one per side,
 * created by locate() and dropped by cleanup(), so the two sides never share
 * a table.
 *
 * The raw connection is set up as sqlkit's plugin sets up its own (utf8mb4,
 * CLIENT_FOUND_ROWS, a 10 s connect timeout). The SQL is the sqlkit side's text
 * with the ":name" binds turned into '?', i.e. the text sqlkit itself sends.
 * Every statement is a server-side prepared statement (mysql_stmt_prepare),
 * prepared once per connection at its first use (a timed one; the warm-up
 * normally) and kept, as sqlkit's per-connection statement cache keeps them.
 * Parameters and results are typed binds (MYSQL_BIND): integers as
 * MYSQL_TYPE_LONGLONG, the double as MYSQL_TYPE_DOUBLE, the name as a string
 * with its length. Results are read unbuffered (mysql_stmt_fetch straight off
 * the wire, no mysql_stmt_store_result), into buffers bound once per statement.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>
#ifdef LIBMARIADB
#include <mariadb_version.h>
#endif

#include "bench.h"

/* my_bool went away in MySQL 8.0 (bool); libmariadb keeps it. */
#if defined(LIBMARIADB) || defined(MARIADB_BASE_VERSION) || !defined(MYSQL_VERSION_ID) || \
	MYSQL_VERSION_ID < 80000
typedef my_bool flag_t;
#else
typedef bool flag_t;
#endif

/* MariaDB's array binding (Connector/C 3.0+ against a MariaDB server 10.2+);
 * without it insertmany is insert's loop (as sqlkit's plugin falls back). */
#if defined(LIBMARIADB) && defined(MARIADB_PACKAGE_VERSION_ID) && MARIADB_PACKAGE_VERSION_ID >= 30000
#define HAVE_BULK 1
#else
#define HAVE_BULK 0
#endif

#define MY_URL_ENV "SQLKIT_BENCH_MYSQL_URL"
#define BATCH_MAX 4096               /* rows per array-bound execute, as the plugin's */
#define NAME_BUF (BENCH_NAME_MAX * 4 + 1)   /* varchar(64) in utf8mb4, and a NUL */

/* The connection parameters of a mysql:// URL. */
typedef struct my_dsn {
	char user[256], password[256], host[256], db[256], socket[BENCH_PATH_MAX];
	unsigned port;
	int has_password, has_socket;
} my_dsn;

/* The result columns every read binds: id, name, score, maybe. */
typedef struct row_buf {
	int64_t id, maybe;
	double score;
	char name[NAME_BUF];
	unsigned long name_len;
	flag_t is_null[4];
	flag_t error[4];
	MYSQL_BIND bind[4];
} row_buf;

enum { Q_INSERT, Q_INSERTMANY, Q_FETCH, Q_LOOKUP, Q_COUNT };

typedef struct raw {
	MYSQL *my;
	MYSQL_STMT *st[Q_COUNT];     /* prepared at first use, kept */
	char sql[Q_COUNT][256];      /* the statements with '?' markers */
	row_buf row;                 /* fetch's and lookup's result buffers */
	/* insert's parameters, bound once */
	int bulk;                    /* the server takes array binding */
	int64_t p_id, p_maybe, p_key;
	double p_score;
	char p_name[NAME_BUF];
	unsigned long p_name_len;
	flag_t p_maybe_null;
	MYSQL_BIND ins[4], key[1];
	/* insertmany's per-batch column arrays, kept between runs */
	const char **names;
	unsigned long *lens;
	char *ind;
} raw;

/* ---------------------------------------------------------------- errors */

static int my_fail(MYSQL *my, MYSQL_STMT *st, const char *what)
{
	if (st && mysql_stmt_errno(st))
		return bench_fail("mysql: %s: %s (MySQL error %u)", what, mysql_stmt_error(st),
		                  mysql_stmt_errno(st));
	if (my && mysql_errno(my))
		return bench_fail("mysql: %s: %s (MySQL error %u)", what, mysql_error(my),
		                  mysql_errno(my));
	return bench_fail("mysql: %s failed", what);
}

/* ":name" binds to '?' in order of appearance; quoted text is left alone.
 * Returns the number of markers, or -1 when out does not have room. */
static int to_qmark(char *out, size_t size, const char *sql)
{
	size_t n = 0;
	int k = 0;
	char quote = 0;

	for (; *sql; sql++) {
		char c = *sql;
		if (quote) {
			if (c == '\\' && sql[1]) {
				if (n + 2 >= size)
					return -1;
				out[n++] = *sql++;
				c = *sql;
			} else if (c == quote) {
				quote = 0;
			}
		} else if (c == '\'' || c == '"' || c == '`') {
			quote = c;
		} else if (c == ':' && (sql[1] == '_' || (sql[1] >= 'a' && sql[1] <= 'z') ||
		                        (sql[1] >= 'A' && sql[1] <= 'Z'))) {
			c = '?';
			k++;
			while (sql[1] == '_' || (sql[1] >= 'a' && sql[1] <= 'z') ||
			       (sql[1] >= 'A' && sql[1] <= 'Z') || (sql[1] >= '0' && sql[1] <= '9'))
				sql++;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return k;
}

/* ---------------------------------------------------------------- URLs */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* [p, end) percent-decoded into out. */
static int decode(char *out, size_t size, const char *p, const char *end)
{
	size_t n = 0;

	for (; p < end; p++) {
		char c = *p;
		if (c == '%' && end - p >= 3 && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* The parts of "scheme://authority/path?query". */
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

/* url with its database replaced by db. */
static int url_with_db(char *out, size_t size, const char *url, const char *db)
{
	url_parts u;
	int n;

	if (split_url(url, &u) < 0)
		return -1;
	n = snprintf(out, size, "%.*s/%s%s", (int)u.path, url, db, url + u.query);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* mysql://user:password@host:port/db?unix_socket=PATH: what the raw side
 * understands of sqlkit's mysql URLs (other query options are refused, so the
 * two sides never connect differently without saying so). */
static int parse_dsn(my_dsn *d, const char *url)
{
	url_parts u;
	const char *a, *end, *at, *colon, *q;

	memset(d, 0, sizeof *d);
	if (split_url(url, &u) < 0)
		return bench_fail(MY_URL_ENV " is not a mysql:// URL");
	a = url + u.auth;
	end = url + u.path;
	for (at = end; at > a && at[-1] != '@'; at--)
		;
	if (at > a) {   /* user[:password]@ */
		for (colon = a; colon < at - 1 && *colon != ':'; colon++)
			;
		if (decode(d->user, sizeof d->user, a, colon) < 0 ||
		    (colon < at - 1 && decode(d->password, sizeof d->password, colon + 1, at - 1) < 0))
			return bench_fail(MY_URL_ENV ": user or password too long");
		d->has_password = colon < at - 1;
		a = at;
	}
	for (colon = end; colon > a && colon[-1] != ':' && colon[-1] != ']'; colon--)
		;
	if (colon > a && colon[-1] == ':') {
		char *e;
		unsigned long p = strtoul(colon, &e, 10);
		if (e != end || colon == end || p > 65535)
			return bench_fail(MY_URL_ENV ": bad port");
		d->port = (unsigned)p;
		end = colon - 1;
	}
	if (decode(d->host, sizeof d->host, a, end) < 0)
		return bench_fail(MY_URL_ENV ": host too long");
	if (url[u.path] == '/' &&
	    decode(d->db, sizeof d->db, url + u.path + 1, url + u.query) < 0)
		return bench_fail(MY_URL_ENV ": database name too long");
	for (q = url + u.query; *q == '?' || *q == '&';) {
		const char *k = q + 1, *e = k;
		while (*e && *e != '&' && *e != '#')
			e++;
		if (strncmp(k, "unix_socket=", 12) == 0) {
			if (decode(d->socket, sizeof d->socket, k + 12, e) < 0)
				return bench_fail(MY_URL_ENV ": unix_socket too long");
			d->has_socket = 1;
		} else if (e > k) {
			return bench_fail(MY_URL_ENV ": the bench's raw side takes no option \"%.*s\" "
			                  "(only unix_socket)", (int)(e - k), k);
		}
		q = e;
	}
	return 0;
}

/* Connect as sqlkit's plugin does; db NULL: the URL's own database. */
static MYSQL *connect_url(const char *url, const char *db, const char *what)
{
	my_dsn d;
	MYSQL *my;
	unsigned timeout = 10;

	if (parse_dsn(&d, url) < 0)
		return NULL;
	if (!(my = mysql_init(NULL))) {
		bench_fail("out of memory");
		return NULL;
	}
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(my, d.host[0] ? d.host : NULL, d.user[0] ? d.user : NULL,
	                        d.has_password ? d.password : "", db ? db : d.db[0] ? d.db : NULL,
	                        d.port, d.has_socket ? d.socket : NULL, CLIENT_FOUND_ROWS)) {
		my_fail(my, NULL, what);
		mysql_close(my);
		return NULL;
	}
	return my;
}

/* ---------------------------------------------------------------- the side */

static void bind_row(row_buf *r)
{
	MYSQL_BIND *b = r->bind;
	int i;

	memset(b, 0, sizeof r->bind);
	b[0].buffer_type = MYSQL_TYPE_LONGLONG;
	b[0].buffer = &r->id;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = r->name;
	b[1].buffer_length = sizeof r->name;
	b[1].length = &r->name_len;
	b[2].buffer_type = MYSQL_TYPE_DOUBLE;
	b[2].buffer = &r->score;
	b[3].buffer_type = MYSQL_TYPE_LONGLONG;
	b[3].buffer = &r->maybe;
	for (i = 0; i < 4; i++) {
		b[i].is_null = &r->is_null[i];
		b[i].error = &r->error[i];
	}
}

static int raw_open(void **h, const bench_target *t)
{
	raw *r;
	int q;
	static const char *const text[Q_COUNT] = { BENCH_INSERT_SQL, BENCH_INSERT_SQL,
	                                           BENCH_FETCH_SQL, BENCH_LOOKUP_SQL };

	*h = NULL;
	if (!(r = calloc(1, sizeof *r)))
		return bench_fail("out of memory");
	for (q = 0; q < Q_COUNT; q++)
		if (to_qmark(r->sql[q], sizeof r->sql[q], text[q]) < 0) {
			free(r);
			return bench_fail("a statement is too long");
		}
	bind_row(&r->row);
	/* insert's four parameters and lookup's key: bound once, filled per row */
	r->ins[0].buffer_type = MYSQL_TYPE_LONGLONG;
	r->ins[0].buffer = &r->p_id;
	r->ins[1].buffer_type = MYSQL_TYPE_STRING;
	r->ins[1].buffer = r->p_name;
	r->ins[1].buffer_length = sizeof r->p_name;
	r->ins[1].length = &r->p_name_len;
	r->ins[2].buffer_type = MYSQL_TYPE_DOUBLE;
	r->ins[2].buffer = &r->p_score;
	r->ins[3].buffer_type = MYSQL_TYPE_LONGLONG;
	r->ins[3].buffer = &r->p_maybe;
	r->ins[3].is_null = &r->p_maybe_null;
	r->key[0].buffer_type = MYSQL_TYPE_LONGLONG;
	r->key[0].buffer = &r->p_key;
	if (!(r->my = connect_url(t->raw_dsn, NULL, "connect"))) {
		free(r);
		return -1;
	}
#if HAVE_BULK
	{
		unsigned long caps = 0, ext = 0;
		if (!mariadb_get_infov(r->my, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) &&
		    !mariadb_get_infov(r->my, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext))
			r->bulk = !(caps & CLIENT_MYSQL) &&
			          (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
	}
#endif
	*h = r;
	return 0;
}

static void raw_close(void *h)
{
	raw *r = h;
	int q;

	if (!r)
		return;
	for (q = 0; q < Q_COUNT; q++)
		if (r->st[q])
			mysql_stmt_close(r->st[q]);
	mysql_close(r->my);
	free(r->names);
	free(r->lens);
	free(r->ind);
	free(r);
}

static int exec_my(MYSQL *my, const char *sql)
{
	MYSQL_RES *res;

	if (mysql_real_query(my, sql, (unsigned long)strlen(sql)) != 0)
		return my_fail(my, NULL, sql);
	if ((res = mysql_store_result(my)))
		mysql_free_result(res);
	else if (mysql_field_count(my))
		return my_fail(my, NULL, sql);
	return 0;
}

static int raw_exec(void *h, const char *sql)
{
	return exec_my(((raw *)h)->my, sql);
}

/* Prepare statement q on this connection unless it already is; bind what
 * stays bound. */
static MYSQL_STMT *prepare(raw *r, int q)
{
	MYSQL_STMT *st = r->st[q];

	if (st)
		return st;
	if (!(st = mysql_stmt_init(r->my))) {
		bench_fail("out of memory");
		return NULL;
	}
	if (mysql_stmt_prepare(st, r->sql[q], (unsigned long)strlen(r->sql[q])) ||
	    (q == Q_INSERT && mysql_stmt_bind_param(st, r->ins)) ||
	    (q == Q_LOOKUP && mysql_stmt_bind_param(st, r->key)) ||
	    ((q == Q_FETCH || q == Q_LOOKUP) && mysql_stmt_bind_result(st, r->row.bind))) {
		my_fail(r->my, st, r->sql[q]);
		mysql_stmt_close(st);
		return NULL;
	}
	r->st[q] = st;
	return st;
}

/* ---------------------------------------------------------------- workloads */

/* One prepared INSERT, executed once per row, in one transaction. */
static int raw_insert(void *h, const bench_data *d, bench_sum *s)
{
	raw *r = h;
	MYSQL_STMT *st;
	size_t i;

	if (!(st = prepare(r, Q_INSERT)) || exec_my(r->my, "START TRANSACTION") < 0)
		return -1;
	for (i = 0; i < d->nrows; i++) {
		/* the bound buffers, filled; bound once, so the types go to the server once */
		r->p_id = d->id[i];
		memcpy(r->p_name, bench_name(d, i), d->name_len[i]);
		r->p_name_len = (unsigned long)d->name_len[i];
		r->p_score = d->score[i];
		r->p_maybe = d->maybe[i];
		r->p_maybe_null = (flag_t)d->maybe_null[i];
		if (mysql_stmt_execute(st)) {
			my_fail(r->my, st, "insert");
			mysql_real_query(r->my, "ROLLBACK", 8);   /* keeps the first error */
			return -1;
		}
		bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i],
		              d->maybe_null[i], d->maybe[i]);
	}
	return exec_my(r->my, "COMMIT");
}

/* MariaDB's array binding (STMT_ATTR_ARRAY_SIZE, COM_STMT_BULK_EXECUTE): the
 * rows in batches of at most BATCH_MAX, each one execute and one round trip,
 * column-wise: the id and score arrays are the data's own, the names an array
 * of pointers and one of lengths, the nullable column an indicator array.
 * One transaction around all batches, as executemany has. */
static int raw_insertmany(void *h, const bench_data *d, bench_sum *s)
{
#if HAVE_BULK
	raw *r = h;
	MYSQL_STMT *st;
	MYSQL_BIND b[4];
	size_t first, i;
	uint64_t changed = 0;

	if (!r->bulk)   /* an Oracle MySQL server: no array binding */
		return raw_insert(h, d, s);
	if (!r->names) {
		r->names = calloc(BATCH_MAX, sizeof *r->names);
		r->lens = calloc(BATCH_MAX, sizeof *r->lens);
		r->ind = calloc(BATCH_MAX, 1);
		if (!r->names || !r->lens || !r->ind)
			return bench_fail("out of memory");
	}
	if (!(st = prepare(r, Q_INSERTMANY)) || exec_my(r->my, "START TRANSACTION") < 0)
		return -1;
	for (first = 0; first < d->nrows; first += BATCH_MAX) {
		unsigned n = (unsigned)(d->nrows - first < BATCH_MAX ? d->nrows - first : BATCH_MAX);
		my_ulonglong a;

		for (i = 0; i < n; i++) {
			r->names[i] = bench_name(d, first + i);
			r->lens[i] = (unsigned long)d->name_len[first + i];
			r->ind[i] = d->maybe_null[first + i] ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
		}
		memset(b, 0, sizeof b);
		b[0].buffer_type = MYSQL_TYPE_LONGLONG;
		b[0].buffer = (void *)(d->id + first);
		b[1].buffer_type = MYSQL_TYPE_STRING;
		b[1].buffer = (void *)r->names;
		b[1].length = r->lens;
		b[2].buffer_type = MYSQL_TYPE_DOUBLE;
		b[2].buffer = (void *)(d->score + first);
		b[3].buffer_type = MYSQL_TYPE_LONGLONG;
		b[3].buffer = (void *)(d->maybe + first);
		b[3].u.indicator = r->ind;
		if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &n) || mysql_stmt_bind_param(st, b) ||
		    mysql_stmt_execute(st)) {
			my_fail(r->my, st, "insertmany");
			mysql_real_query(r->my, "ROLLBACK", 8);
			return -1;
		}
		a = mysql_stmt_affected_rows(st);
		if (a != (my_ulonglong)-1)
			changed += a;
	}
	if (exec_my(r->my, "COMMIT") < 0)
		return -1;
	if (changed != d->nrows)
		return bench_fail("mysql: insertmany: %llu rows changed, %zu expected",
		                  (unsigned long long)changed, d->nrows);
	for (i = 0; i < d->nrows; i++)
		bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i],
		              d->maybe_null[i], d->maybe[i]);
	return 0;
#else
	return raw_insert(h, d, s);
#endif
}

/* Read every row of st's result off the wire into r->row; probe(arg) after
 * every `every` rows when given. */
static int fetch_rows(raw *r, MYSQL_STMT *st, const char *what, size_t every,
                      void (*probe)(void *arg), void *arg, bench_sum *s)
{
	row_buf *w = &r->row;
	int rc;

	while ((rc = mysql_stmt_fetch(st)) == 0) {
		bench_sum_row(s, w->id, w->name, w->name_len, w->score, w->is_null[3],
		              w->is_null[3] ? 0 : w->maybe);
		if (probe && every && s->rows % every == 0)
			probe(arg);
	}
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == MYSQL_DATA_TRUNCATED)
		bench_fail("mysql: %s: a value did not fit its buffer", what);
	else
		my_fail(r->my, st, what);
	mysql_stmt_free_result(st);
	return -1;
}

static int raw_fetch(void *h, bench_sum *s)
{
	raw *r = h;
	MYSQL_STMT *st = prepare(r, Q_FETCH);

	if (!st)
		return -1;
	if (mysql_stmt_execute(st))
		return my_fail(r->my, st, "fetch");
	return fetch_rows(r, st, "fetch", 0, NULL, NULL, s);
}

static int raw_lookup(void *h, const bench_data *d, bench_sum *s)
{
	raw *r = h;
	row_buf *w = &r->row;
	MYSQL_STMT *st = prepare(r, Q_LOOKUP);
	size_t i;

	if (!st)
		return -1;
	for (i = 0; i < d->nkeys; i++) {
		int rc;
		r->p_key = d->keys[i];
		if (mysql_stmt_execute(st))
			return my_fail(r->my, st, "lookup");
		rc = mysql_stmt_fetch(st);
		if (rc == 0)
			bench_sum_row(s, w->id, w->name, w->name_len, w->score, w->is_null[3],
			              w->is_null[3] ? 0 : w->maybe);
		else if (rc != MYSQL_NO_DATA)
			return rc == MYSQL_DATA_TRUNCATED ?
			       bench_fail("mysql: lookup: a value did not fit its buffer") :
			       my_fail(r->my, st, "lookup");
		/* the end of the result (one row at most) */
		if (mysql_stmt_free_result(st))
			return my_fail(r->my, st, "lookup");
	}
	return 0;
}

/* The generated rows, prepared for the one call (a statement a program runs
 * once), streamed as fetch streams. */
static int raw_stream(void *h, const char *sql, size_t nrows, size_t every,
                      void (*probe)(void *arg), void *arg, bench_sum *s)
{
	raw *r = h;
	char text[2048];
	int64_t n = (int64_t)nrows;
	MYSQL_BIND p[1];
	MYSQL_STMT *st;
	int rc;

	if (to_qmark(text, sizeof text, sql) != 1)
		return bench_fail("the stream statement is too long or has not one :n");
	memset(p, 0, sizeof p);
	p[0].buffer_type = MYSQL_TYPE_LONGLONG;
	p[0].buffer = &n;
	if (!(st = mysql_stmt_init(r->my)))
		return bench_fail("out of memory");
	if (mysql_stmt_prepare(st, text, (unsigned long)strlen(text)) ||
	    mysql_stmt_bind_param(st, p) || mysql_stmt_bind_result(st, r->row.bind) ||
	    mysql_stmt_execute(st)) {
		my_fail(r->my, st, "stream");
		mysql_stmt_close(st);
		return -1;
	}
	rc = fetch_rows(r, st, "stream", every, probe, arg, s);
	mysql_stmt_close(st);
	return rc;
}

static const bench_side my_side = {
	.name = "mysqlclient",
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

/* The bench's table in MySQL's types; InnoDB (the default engine, said). */
static const char create_sql[] =
	"CREATE TABLE %s (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, "
	"score DOUBLE NOT NULL, maybe INT NULL) ENGINE=InnoDB";

/* :n generated rows without a table. A recursive CTE counting one by one would
 * need :n iterations (max_recursive_iterations is 1000 by default, and each is
 * a step of its own); this one doubles the rows each iteration, about
 * log2(:n) of them: level k holds 1..2^k, and the first level with 2^k >= :n
 * is cut at :n. The counters are BIGINT from the start (a recursive CTE's
 * column types come from its first part). */
static const char stream_sql[] =
	"WITH RECURSIVE p(n) AS (SELECT CAST(:n AS SIGNED)), "
	"g(x, s) AS (SELECT CAST(1 AS SIGNED), CAST(1 AS SIGNED) "
	"UNION ALL SELECT g.x + g.s * b.d, g.s * 2 FROM g "
	"CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1) AS b CROSS JOIN p WHERE g.s < p.n) "
	"SELECT g.x AS id, CONCAT('generated-row-', g.x) AS name, g.x * 0.25e0 AS score, "
	"CASE WHEN g.x % 5 = 0 THEN NULL ELSE g.x * 3 END AS maybe "
	"FROM g CROSS JOIN p WHERE g.s >= p.n AND g.x <= p.n";

static const char *my_version_line(void)
{
	static char line[96];

	snprintf(line, sizeof line, "MariaDB Connector/C %s", mysql_get_client_info());
	return line;
}

/* The URL from the environment, checked: NULL with bench_error() set. */
static const char *server_url(void)
{
	const char *url = getenv(MY_URL_ENV);
	my_dsn d;

	if (!url || !*url) {
		bench_fail("no server: " MY_URL_ENV " is not set (make bench starts a throwaway "
		           "server when MariaDB's server binaries are installed)");
		return NULL;
	}
	if (parse_dsn(&d, url) < 0)
		return NULL;
	return url;
}

static void db_names(char names[2][BENCH_PATH_MAX], const char *tag)
{
	snprintf(names[0], BENCH_PATH_MAX, "sqlkit_bench_%ld_%s_raw", (long)getpid(), tag);
	snprintf(names[1], BENCH_PATH_MAX, "sqlkit_bench_%ld_%s_sqlkit", (long)getpid(), tag);
}

/* A connection to the URL's own database, for CREATE and DROP DATABASE. */
static MYSQL *admin_connect(const char *url)
{
	MYSQL *my = connect_url(url, NULL, "no server at " MY_URL_ENV);

	if (!my) {
		char msg[1100];
		snprintf(msg, sizeof msg, "%s", bench_error());
		/* "mysql: no server at ...": keep "no server" first in the skip note */
		bench_fail("%s", strncmp(msg, "mysql: ", 7) == 0 ? msg + 7 : msg);
	}
	return my;
}

static int drop_databases(MYSQL *my, char names[2][BENCH_PATH_MAX])
{
	char sql[BENCH_PATH_MAX + 64];
	int i, rc = 0;

	for (i = 0; i < 2; i++) {
		if (!names[i][0])
			continue;
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS `%s`", names[i]);
		if (exec_my(my, sql) < 0)
			rc = -1;
	}
	return rc;
}

static int locate_my(bench_target *t, const char *dir, const char *tag)
{
	const char *url = server_url();
	char sql[BENCH_PATH_MAX + 64];
	MYSQL *my;
	int i;

	(void)dir;
	t->files[0][0] = t->files[1][0] = '\0';
	if (!url || !(my = admin_connect(url)))
		return -1;
	db_names(t->files, tag);
	if (drop_databases(my, t->files) < 0)
		goto fail;
	for (i = 0; i < 2; i++) {
		snprintf(sql, sizeof sql, "CREATE DATABASE `%s` CHARACTER SET utf8mb4", t->files[i]);
		if (exec_my(my, sql) < 0)
			goto fail;
	}
	mysql_close(my);
	if (url_with_db(t->raw_dsn, sizeof t->raw_dsn, url, t->files[0]) < 0 ||
	    url_with_db(t->sqlkit_url, sizeof t->sqlkit_url, url, t->files[1]) < 0)
		return bench_fail(MY_URL_ENV " is too long");
	return 0;
fail:
	mysql_close(my);
	return -1;
}

/* Drop the run's two databases. */
static void cleanup_my(const bench_target *t)
{
	char names[2][BENCH_PATH_MAX];
	const char *url;
	MYSQL *my;

	if (!t->files[0][0] && !t->files[1][0])
		return;
	memcpy(names, t->files, sizeof names);
	if (!(url = getenv(MY_URL_ENV)) || !(my = admin_connect(url))) {
		fprintf(stderr, "sqlkit-bench: could not drop databases %s and %s: %s\n", names[0],
		        names[1], bench_error());
		return;
	}
	if (drop_databases(my, names) < 0)
		fprintf(stderr, "sqlkit-bench: %s\n", bench_error());
	mysql_close(my);
}

const bench_backend bench_mysql = {
	.name = "mysql",
	.description = "MariaDB/MySQL server from $" MY_URL_ENV ", a database per side",
	.raw = &my_side,
	.dialect = "mysql",
	.create_sql = create_sql,
	.stream_sql = stream_sql,
	.locate = locate_my,
	.cleanup = cleanup_my,
	.version = my_version_line,
};
