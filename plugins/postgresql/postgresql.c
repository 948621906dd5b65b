/*
 * plugins/postgresql/postgresql.c - the PostgreSQL plugin, on libpq.
 *
 *   postgresql://scott:tiger@localhost/test
 *   postgresql+libpq://scott@db:5433/test?sslmode=require&application_name=app
 *   postgresql:///test?host=/var/run/postgresql           Unix socket directory
 *   postgresql://scott@/test?host=a:5432&host=b:5433&target_session_attrs=read-write
 *
 * Every query parameter is a libpq connection keyword (checked against
 * PQconndefaults(): an unknown one is an error); repeated host, hostaddr and
 * port keys make libpq's comma-separated lists. See README in this folder.
 *
 * Statements are prepared on the server (PQprepare) at their first execution,
 * with the parameter types of that execution, under names unique to the
 * connection. Statements that return rows stream them in single-row mode;
 * executemany sends its parameter sets in one pipeline.
 *
 * Everything but the entry point is static. The plugin's only state outside
 * its connections is the host table and its description, written by the
 * entry point (under the registry's lock), and an atomic connection counter.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

#ifndef LIBPQ_HAS_PIPELINING
#error "the postgresql plugin needs libpq 14 or newer (pipeline mode)"
#endif

#define PLUGIN_VERSION "0.1.0"
#define NO_SET ((size_t)-1)        /* "not in execute_many" for pg_fail() */
#define MAX_PARAMS 65535           /* the protocol's limit */
#define DEALLOC_BATCH 16           /* names dropped together in one round trip */

/* Type OIDs (pg_type.oid), fixed for the built-in types. */
#define OID_BOOL        16
#define OID_BYTEA       17
#define OID_CHAR        18
#define OID_NAME        19
#define OID_INT8        20
#define OID_INT2        21
#define OID_INT4        23
#define OID_TEXT        25
#define OID_OID         26
#define OID_JSON        114
#define OID_FLOAT4      700
#define OID_FLOAT8      701
#define OID_BPCHAR      1042
#define OID_VARCHAR     1043
#define OID_DATE        1082
#define OID_TIME        1083
#define OID_TIMESTAMP   1114
#define OID_TIMESTAMPTZ 1184
#define OID_INTERVAL    1186
#define OID_TIMETZ      1266
#define OID_NUMERIC     1700
#define OID_UUID        2950
#define OID_JSONB       3802
#define OID_UNKNOWN     0          /* the server infers the type from the SQL */
#define OID_ANY         ((Oid)-1)  /* a NULL parameter: any prepared type will do */

static const sqlkit_host *host;
static uint64_t connections;       /* atomic: numbers connections for statement names */

/* ---------------------------------------------------------------- objects */

struct sqlkit_pconn {
	PGconn *pg;
	uint64_t serial;           /* statement names are sqlkit_<serial>_<n> */
	uint64_t statements;       /* names given so far */
	sqlkit_pstmt *streaming;   /* the statement whose rows are still on the wire */
	unsigned gen;              /* bumped by what may change a result's shape (DDL) */
	unsigned names_gen;        /* statements prepared before it were dropped (DISCARD) */
	int tx_ddl;                /* DDL ran in the open transaction */
	char **dealloc;            /* names to DEALLOCATE, DEALLOC_BATCH at a time */
	size_t ndealloc;
	locale_t c_numeric;        /* "C" numbers, whatever the application's locale */
};

typedef struct column {
	const char *name;
	Oid oid;
	sqlkit_type type;
	unsigned char *blob;       /* the current row's bytea, unescaped (PQfreemem) */
	size_t bloblen;
} column;

/* The columns of one result shape. A statement keeps every shape it had until
 * finalize, because the core may hold names borrowed from an older one. */
typedef struct layout {
	struct layout *older;
	unsigned ncols;
	column col[];              /* then the names' bytes */
} layout;

enum { ST_IDLE, ST_ROW, ST_DONE };

/* What a statement is, from its first keyword. */
enum {
	K_OTHER,
	K_ROWS,      /* SELECT, WITH, VALUES, TABLE, SHOW, FETCH, EXPLAIN: streamed */
	K_DML,       /* INSERT, UPDATE, DELETE, MERGE: buffered, counted at once */
	K_DDL,       /* CREATE, ALTER, DROP, DO, CALL, SET search_path: shapes may change */
	K_DISCARD,   /* DISCARD ALL, DEALLOCATE: prepared statements are gone */
	K_ROLLBACK,  /* ROLLBACK [TO], ABORT: undone DDL changes shapes back */
	K_TXEND      /* COMMIT, END */
};

struct sqlkit_pstmt {
	sqlkit_pconn *conn;
	char *sql;                 /* NUL-terminated copy */
	size_t len;
	unsigned nparams;
	int kind;                  /* K_* */
	char name[64];             /* on the server; "" while not prepared */
	unsigned prep_gen;         /* conn->gen when prepared */
	Oid *prep_types;           /* the types it was prepared with */
	Oid *want;                 /* the types of the execution being bound */
	const char **values;       /* the execution's parameters, libpq's way */
	int *lengths;
	int *formats;
	char *buf;                 /* their bytes */
	size_t bufcap;

	layout *cols;              /* NULL until known */
	PGresult *res;             /* the current row(s) */
	int row;                   /* the current row in res */
	int state;                 /* ST_* */
	int streaming;             /* more rows may come: from queue, then from the wire */
	int lost;                  /* rows read ahead were lost (out of memory) */
	PGresult **queue;          /* results read ahead when the connection was needed */
	size_t qhead, qlen, qcap;
	int64_t rows_affected;
};

/* ---------------------------------------------------------------- small helpers */

static int oom(void)
{
	return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0, "out of memory");
}






/* Append s to b[*n] (cap bytes, *n < cap) on one line: runs of white space
 * become one space; cut when full. */
static void put_flat(char *b, size_t cap, size_t *n, const char *s)
{
	int space = *n > 0 && b[*n - 1] == ' ';

	for (; s && *s && *n + 1 < cap; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f) {
			if (!space && *n > 0)
				b[(*n)++] = ' ';
			space = 1;
		} else {
			b[(*n)++] = *s;
			space = 0;
		}
	}
	b[*n] = '\0';
}

static void trim_end(char *b, size_t *n)
{
	while (*n > 0 && b[*n - 1] == ' ')
		b[--*n] = '\0';
}

static int is_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || c >= 0x80;
}

/* The statement's first keyword (after blanks, comments and opening
 * parentheses) says how it runs. */
static int classify(const char *p, const char *end)
{
	const char *w;
	size_t n;

	p = sqlkit_sql_skip_lead(p, end);
	for (w = p; p < end && is_ident_char((unsigned char)*p); p++)
		;
	n = (size_t)(p - w);
	if (sqlkit_word_is(w, n, "select") || sqlkit_word_is(w, n, "with") || sqlkit_word_is(w, n, "values") ||
	    sqlkit_word_is(w, n, "table") || sqlkit_word_is(w, n, "show") || sqlkit_word_is(w, n, "fetch") ||
	    sqlkit_word_is(w, n, "explain"))
		return K_ROWS;
	if (sqlkit_word_is(w, n, "insert") || sqlkit_word_is(w, n, "update") || sqlkit_word_is(w, n, "delete") ||
	    sqlkit_word_is(w, n, "merge"))
		return K_DML;
	if (sqlkit_word_is(w, n, "create") || sqlkit_word_is(w, n, "alter") || sqlkit_word_is(w, n, "drop") ||
	    sqlkit_word_is(w, n, "do") || sqlkit_word_is(w, n, "call"))
		return K_DDL;
	if ((sqlkit_word_is(w, n, "set") || sqlkit_word_is(w, n, "reset")) && sqlkit_contains_ci(p, "search_path"))
		return K_DDL;
	if ((sqlkit_word_is(w, n, "discard") && sqlkit_contains_ci(p, "all")) || sqlkit_word_is(w, n, "deallocate"))
		return K_DISCARD;
	if (sqlkit_word_is(w, n, "rollback") || sqlkit_word_is(w, n, "abort"))
		return K_ROLLBACK;
	if (sqlkit_word_is(w, n, "commit") || sqlkit_word_is(w, n, "end"))
		return K_TXEND;
	return K_OTHER;
}


static int parse_int64(const char *p, int64_t *out)
{
	uint64_t v = 0, limit;
	int neg = *p == '-';

	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (limit - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* Rows a command changed, from its tag: only INSERT, UPDATE, DELETE and MERGE
 * count (as in the other plugins); anything else is -1. */
static int64_t affected(PGresult *r)
{
	const char *tag = PQcmdStatus(r), *n = PQcmdTuples(r);
	int64_t v;

	if (!tag || !(sqlkit_word_is(tag, strcspn(tag, " "), "insert") ||
	              sqlkit_word_is(tag, strcspn(tag, " "), "update") ||
	              sqlkit_word_is(tag, strcspn(tag, " "), "delete") ||
	              sqlkit_word_is(tag, strcspn(tag, " "), "merge")))
		return -1;
	return n && parse_int64(n, &v) == 0 ? v : -1;
}

static void put_be64(char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (char)(v & 0xff);
}

/* ---------------------------------------------------------------- errors */

static int dead_sqlstate(const char *s)
{
	return s && (strcmp(s, "08000") == 0 || strcmp(s, "08003") == 0 ||
	             strcmp(s, "08006") == 0 || strcmp(s, "57P01") == 0 ||
	             strcmp(s, "57P02") == 0 || strcmp(s, "57P03") == 0);
}

/* Report the failure in r (or, when r is NULL, the connection's error):
 * "[context: ]<message>[ (detail: ...)][ (hint: ...)][ in "<sql>"][ (parameter set N)]".
 * A connection libpq has lost, or a server that said so, is reported dead. */
static int pg_fail(sqlkit_pconn *c, const PGresult *r, const char *context, const char *sql,
                   size_t sqllen, size_t set)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
	char snip[SQLKIT_SNIPPET_MAX + 4], setbuf[48] = "", *msg;
	size_t cap = 512, n = 0;
	sqlkit_error_class klass;
	int code, dead, rc;

	if (!primary)   /* made by libpq: the whole text, which has no fields */
		primary = r ? PQresultErrorMessage(r) : c ? PQerrorMessage(c->pg) : NULL;
	if (!primary || !*primary)
		primary = "unknown error";
	cap += strlen(primary) + (detail ? strlen(detail) : 0) + (hint ? strlen(hint) : 0) +
	       (context ? strlen(context) : 0);
	if (!(msg = host->malloc(cap)))
		return oom();
	msg[0] = '\0';
	if (context) {
		put_flat(msg, cap, &n, context);
		put_flat(msg, cap, &n, ": ");
	}
	put_flat(msg, cap, &n, primary);
	trim_end(msg, &n);
	if (detail && *detail) {
		put_flat(msg, cap, &n, " (detail: ");
		put_flat(msg, cap, &n, detail);
		trim_end(msg, &n);
		put_flat(msg, cap, &n, ")");
	}
	if (hint && *hint) {
		put_flat(msg, cap, &n, " (hint: ");
		put_flat(msg, cap, &n, hint);
		trim_end(msg, &n);
		put_flat(msg, cap, &n, ")");
	}

	sqlkit_sqlstate_class(state, &code, &klass);
	dead = (c && PQstatus(c->pg) == CONNECTION_BAD) || dead_sqlstate(state);
	if (!dead && state && strcmp(state, "08P01") == 0) {
		/* on a live connection, a Bind with the wrong number of values */
		code = SQLKIT_EPARAM;
		klass = SQLKIT_ERRCLASS_PROGRAMMING;
	}
	if (dead) {
		code = SQLKIT_EDISCONNECTED;
		klass = SQLKIT_ERRCLASS_OPERATIONAL;
		if (!state)
			state = "08006";
	}
	if (set != NO_SET)
		snprintf(setbuf, sizeof setbuf, " (parameter set %zu)", set);
	rc = host->error(code, klass, state, 0, dead, "%s%s%s%s%s", msg,
	                 sql ? " in \"" : "", sql ? sqlkit_snippet(snip, sql, sqllen) : "",
	                 sql ? "\"" : "", setbuf);
	host->free(msg);
	return rc;
}

/* The connection, checked before use: a lost one fails at once. */
static int check_alive(sqlkit_pconn *c)
{
	if (PQstatus(c->pg) != CONNECTION_BAD)
		return 0;
	return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08003", 0, 1,
	                   "the connection to the server was lost");
}

/* ---------------------------------------------------------------- the wire */

/* Read and drop what the connection still has for the command in progress,
 * ending a COPY the server started (sqlkit does not speak COPY). */
static void drain(PGconn *pg)
{
	PGresult *r;

	while ((r = PQgetResult(pg))) {
		ExecStatusType s = PQresultStatus(r);
		PQclear(r);
		if (s == PGRES_COPY_IN || s == PGRES_COPY_BOTH) {
			if (PQputCopyEnd(pg, "COPY is not supported by sqlkit") < 0)
				break;
		} else if (s == PGRES_COPY_OUT) {
			char *buf;
			int n;
			while ((n = PQgetCopyData(pg, &buf, 0)) > 0)
				PQfreemem(buf);
			if (n == -2)
				break;
		}
	}
}

static void free_blobs(sqlkit_pstmt *st)
{
	unsigned i;

	if (!st->cols)
		return;
	for (i = 0; i < st->cols->ncols; i++)
		if (st->cols->col[i].blob) {
			PQfreemem(st->cols->col[i].blob);
			st->cols->col[i].blob = NULL;
		}
}

static void clear_queue(sqlkit_pstmt *st)
{
	while (st->qhead < st->qlen)
		PQclear(st->queue[st->qhead++]);
	st->qhead = st->qlen = 0;
}

/* The statement's rows are over: read the wire to its end, drop what was read ahead. */
static void end_stream(sqlkit_pstmt *st)
{
	if (st->conn->streaming == st) {
		drain(st->conn->pg);
		st->conn->streaming = NULL;
	}
	clear_queue(st);
	st->streaming = 0;
	st->lost = 0;
}

/* Another statement needs the connection while st's rows are still arriving:
 * read them all into memory, where st's next steps find them. */
static int read_ahead(sqlkit_pstmt *st)
{
	PGconn *pg = st->conn->pg;
	PGresult *r;

	st->conn->streaming = NULL;
	host->log(SQLKIT_LOG_DEBUG, "postgresql: another statement needs the connection: "
	          "reading the rest of a result into memory");
	while ((r = PQgetResult(pg))) {
		if (st->qlen == st->qcap && st->qhead > 0) {   /* reuse the consumed front */
			memmove(st->queue, st->queue + st->qhead, (st->qlen - st->qhead) * sizeof *st->queue);
			st->qlen -= st->qhead;
			st->qhead = 0;
		}
		if (st->qlen == st->qcap) {
			size_t cap = st->qcap ? st->qcap * 2 : 64;
			PGresult **q = host->realloc(st->queue, cap * sizeof *q);
			if (!q) {
				PQclear(r);
				drain(pg);
				st->lost = 1;
				return oom();
			}
			st->queue = q;
			st->qcap = cap;
		}
		st->queue[st->qlen++] = r;
	}
	return 0;
}

/* Make the connection free for a new command: a result still streaming on it
 * (other than self's) is read ahead. */
static int claim(sqlkit_pconn *c, sqlkit_pstmt *self)
{
	if (c->streaming && c->streaming != self)
		return read_ahead(c->streaming);
	return 0;
}

/* DEALLOCATE the names of finalized or re-prepared statements, several in one
 * round trip, when a transaction can take it (not in a failed one). */
static void flush_dealloc(sqlkit_pconn *c)
{
	PGTransactionStatusType ts = PQtransactionStatus(c->pg);
	size_t i, size = 1;
	char *sql, *p;
	PGresult *r;

	if (c->ndealloc < DEALLOC_BATCH || c->streaming ||
	    (ts != PQTRANS_IDLE && ts != PQTRANS_INTRANS))
		return;
	for (i = 0; i < c->ndealloc; i++)
		size += strlen(c->dealloc[i]) + 16;
	if (!(sql = host->malloc(size)))
		return;   /* next time */
	for (p = sql, i = 0; i < c->ndealloc; i++)
		p += sprintf(p, "DEALLOCATE %s;", c->dealloc[i]);
	r = PQexec(c->pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		host->log(SQLKIT_LOG_WARNING, "postgresql: could not drop prepared statements: %s",
		          r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
	PQclear(r);
	host->free(sql);
	for (i = 0; i < c->ndealloc; i++)
		host->free(c->dealloc[i]);
	c->ndealloc = 0;
}

/* The statement's server-side name is no longer wanted. */
static void release_name(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;
	char **list, *copy;

	if (!st->name[0])
		return;
	if (st->prep_gen - c->names_gen < UINT_MAX / 2 && PQstatus(c->pg) == CONNECTION_OK &&
	    (copy = host->strdup(st->name))) {
		if ((list = host->realloc(c->dealloc, (c->ndealloc + 1) * sizeof *list))) {
			c->dealloc = list;
			list[c->ndealloc++] = copy;
		} else {
			host->free(copy);   /* the server keeps it until the session ends */
		}
	}
	st->name[0] = '\0';
}

/* After a statement ran: what it may have done to prepared results' shapes. */
static void note_effects(sqlkit_pconn *c, int kind)
{
	switch (kind) {
	case K_DDL:
		c->gen++;
		c->tx_ddl = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
		break;
	case K_DISCARD:
		c->names_gen = ++c->gen;
		break;
	case K_ROLLBACK:
		if (c->tx_ddl)
			c->gen++;
		/* fall through */
	case K_TXEND:
		if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
			c->tx_ddl = 0;
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- connections */

static const char *const known_hint = "query parameters are libpq connection keywords, such as "
                                      "sslmode, application_name, connect_timeout, options, "
                                      "target_session_attrs";

/* Append item to the comma-separated *list. */
static int append_csv(char **list, const char *item)
{
	size_t old = *list ? strlen(*list) : 0, n = strlen(item);
	char *p = host->realloc(*list, old + n + 2);

	if (!p)
		return oom();
	if (old)
		p[old++] = ',';
	memcpy(p + old, item, n + 1);
	*list = p;
	return 0;
}

/* SQLAlchemy's "host=name:port" (and "[v6]:port"): split when the text ends in
 * ":digits" after a name that is neither a socket directory nor a bare IPv6. */
static void split_host_port(char *h, const char **port)
{
	char *colon;
	size_t i;

	*port = NULL;
	if (h[0] == '/' || h[0] == '@')
		return;
	if (h[0] == '[') {
		char *close = strchr(h, ']');
		if (!close || (close[1] && close[1] != ':'))
			return;
		if (close[1] == ':' && close[2])
			*port = close + 2;
		memmove(h, h + 1, (size_t)(close - h - 1));
		h[close - h - 1] = '\0';
		return;
	}
	if (!(colon = strchr(h, ':')) || strchr(colon + 1, ':') || !colon[1])
		return;
	for (i = 1; colon[i]; i++)
		if (colon[i] < '0' || colon[i] > '9')
			return;
	*colon = '\0';
	*port = colon + 1;
}

static int known_keyword(const PQconninfoOption *defs, const char *k)
{
	for (; defs && defs->keyword; defs++)
		if (strcmp(defs->keyword, k) == 0)
			return 1;
	return 0;
}

static int is_utf8_name(const char *v)
{
	return sqlkit_equal_ci(v, "UTF8") || sqlkit_equal_ci(v, "UTF-8") || sqlkit_equal_ci(v, "UNICODE");
}

typedef struct conninfo {
	const char **kw, **val;
	size_t n;
	char *hosts, *ports, *hostaddrs, *host_ports;
	char portbuf[16];
} conninfo;

static void conninfo_free(conninfo *ci)
{
	host->free(ci->kw);
	host->free(ci->val);
	host->free(ci->hosts);
	host->free(ci->ports);
	host->free(ci->hostaddrs);
	host->free(ci->host_ports);
}

static int in_query(const sqlkit_plugin_url *url, const char *key)
{
	size_t i;

	for (i = 0; i < url->nquery; i++)
		if (strcmp(url->query_keys[i], key) == 0)
			return 1;
	return 0;
}

static void add(conninfo *ci, const char *k, const char *v)
{
	ci->kw[ci->n] = k;
	ci->val[ci->n++] = v;
}

/* The URL as PQconnectdbParams() keywords. Query parameters win over the
 * URL's parts, as in libpq's own URIs. */
static int build_conninfo(conninfo *ci, const sqlkit_plugin_url *url)
{
	PQconninfoOption *defs = NULL;
	size_t i, j, nhosts = 0;
	int rc = 0, host_has_port = 0, encoding = 0;
	const char *url_port = NULL;

	memset(ci, 0, sizeof *ci);
	if (!(ci->kw = host->calloc(url->nquery + 10, sizeof *ci->kw)) ||
	    !(ci->val = host->calloc(url->nquery + 10, sizeof *ci->val)))
		return oom();
	if (url->port) {
		snprintf(ci->portbuf, sizeof ci->portbuf, "%d", url->port);
		url_port = ci->portbuf;
	}
	if (url->nquery && !(defs = PQconndefaults()))
		return oom();

	for (i = 0; i < url->nquery && rc == 0; i++) {
		const char *k = url->query_keys[i], *v = url->query_values[i] ? url->query_values[i] : "";

		if (!known_keyword(defs, k)) {
			rc = host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                 "unknown postgresql option \"%s\" (%s)", k, known_hint);
		} else if (strcmp(k, "host") == 0) {
			char *h = host->strdup(v);
			const char *port;
			if (!h)
				return PQconninfoFree(defs), oom();
			split_host_port(h, &port);
			if (port)
				host_has_port = 1;
			/* each host's port, or "" (the default) until we know one is given */
			if ((rc = append_csv(&ci->hosts, h)) == 0)
				rc = append_csv(&ci->host_ports, port ? port : "");
			nhosts++;
			host->free(h);
		} else if (strcmp(k, "port") == 0) {
			rc = append_csv(&ci->ports, v);
		} else if (strcmp(k, "hostaddr") == 0) {
			rc = append_csv(&ci->hostaddrs, v);
		} else {
			for (j = 0; j < i; j++)
				if (strcmp(url->query_keys[j], k) == 0)
					break;
			if (j < i) {
				rc = host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                 "postgresql option \"%s\" is given more than once", k);
			} else if (strcmp(k, "client_encoding") == 0 && !is_utf8_name(v)) {
				rc = host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                 "invalid value \"%s\" for postgresql option "
				                 "\"client_encoding\": sqlkit exchanges text as UTF8", v);
			} else {
				encoding |= strcmp(k, "client_encoding") == 0;
				add(ci, k, v);
			}
		}
	}
	PQconninfoFree(defs);
	if (rc < 0)
		return rc;

	if (host_has_port) {
		if (ci->ports)
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "postgresql ports are given both as host=NAME:PORT and as "
			                   "port=: use one way");
		/* hosts without a port get the URL's (or libpq's default) */
		if (url_port) {
			char *list = NULL, *p = ci->host_ports, *q;
			for (j = 0; j < nhosts && rc == 0; j++) {
				q = strchr(p, ',');
				if (q)
					*q = '\0';
				rc = append_csv(&list, *p ? p : url_port);
				p = q ? q + 1 : p + strlen(p);
			}
			host->free(ci->host_ports);
			ci->host_ports = list;
			if (rc < 0)
				return rc;
		}
		add(ci, "port", ci->host_ports);
	} else if (ci->ports) {
		add(ci, "port", ci->ports);
	} else if (url_port) {
		add(ci, "port", url_port);
	}
	if (ci->hosts)
		add(ci, "host", ci->hosts);
	else if (url->host && *url->host)
		add(ci, "host", url->host);
	if (ci->hostaddrs)
		add(ci, "hostaddr", ci->hostaddrs);
	if (url->username && *url->username && !in_query(url, "user"))
		add(ci, "user", url->username);
	if (url->password && !in_query(url, "password"))
		add(ci, "password", url->password);
	if (url->database && *url->database && !in_query(url, "dbname"))
		add(ci, "dbname", url->database);
	if (!encoding)
		add(ci, "client_encoding", "UTF8");
	add(ci, "fallback_application_name", "sqlkit");
	ci->kw[ci->n] = NULL;
	ci->val[ci->n] = NULL;
	return 0;
}

/* libpq's messages are several lines ("...failed: Connection refused\n\tIs the
 * server running..."; one per host tried): one line, joined with "; ". */
static int connect_failed(PGconn *pg)
{
	const char *m = pg ? PQerrorMessage(pg) : "out of memory";
	char buf[1024], line[512];
	size_t n = 0;

	buf[0] = '\0';
	while (*m) {
		size_t len = strcspn(m, "\n"), k = 0;
		snprintf(line, sizeof line, "%.*s", (int)len, m);
		while (line[k] == ' ' || line[k] == '\t')
			k++;
		if (line[k]) {
			if (n)
				put_flat(buf, sizeof buf, &n, "; ");
			put_flat(buf, sizeof buf, &n, line + k);
			trim_end(buf, &n);
		}
		m += len;
		if (*m)
			m++;
	}
	return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08001", 0, 1, "%s",
	                   n ? buf : "could not connect to the server");
}

/* Server NOTICEs and WARNINGs go to the log hook, not to stderr. */
static void on_notice(void *arg, const PGresult *r)
{
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	sqlkit_log_level level = SQLKIT_LOG_INFO;

	(void)arg;
	if (!msg)
		msg = PQresultErrorMessage(r);
	if (sev && strcmp(sev, "WARNING") == 0)
		level = SQLKIT_LOG_WARNING;
	else if (sev && (strcmp(sev, "DEBUG") == 0 || strcmp(sev, "LOG") == 0))
		level = SQLKIT_LOG_DEBUG;
	host->log(level, "postgresql %s: %.*s", sev ? sev : "NOTICE", (int)strcspn(msg, "\n"), msg);
}

/* A plain command on the connection, for transactions and settings. */
static int exec_command(sqlkit_pconn *c, const char *sql, const char *context, PGresult **keep)
{
	PGresult *r;
	int rc = 0;

	if (keep)
		*keep = NULL;
	if ((rc = claim(c, NULL)) < 0 || (rc = check_alive(c)) < 0)
		return rc;
	r = PQexec(c->pg, sql);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	default:
		rc = pg_fail(c, r, context, NULL, 0, NO_SET);
		break;
	}
	if (keep && rc == 0)
		*keep = r;
	else
		PQclear(r);
	return rc;
}

static void pg_close(sqlkit_pconn *c)
{
	size_t i;

	if (!c)
		return;
	PQfinish(c->pg);   /* the server drops the session's prepared statements */
	for (i = 0; i < c->ndealloc; i++)
		host->free(c->dealloc[i]);
	host->free(c->dealloc);
	if (c->c_numeric)
		freelocale(c->c_numeric);
	host->free(c);
}

static int pg_connect(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver)
{
	sqlkit_pconn *c = NULL;
	PGconn *pg;
	conninfo ci;
	int rc;

	(void)driver;              /* "libpq" and "psycopg2" are the same driver */
	*out = NULL;
	if ((rc = build_conninfo(&ci, url)) < 0) {
		conninfo_free(&ci);
		return rc;
	}
	pg = PQconnectdbParams(ci.kw, ci.val, 0);
	conninfo_free(&ci);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		rc = connect_failed(pg);
		PQfinish(pg);
		return rc;
	}
	PQsetNoticeReceiver(pg, on_notice, NULL);
	if (!(c = host->calloc(1, sizeof *c))) {
		PQfinish(pg);
		return oom();
	}
	c->pg = pg;
	c->serial = __atomic_add_fetch(&connections, 1, __ATOMIC_RELAXED);
	if (!(c->c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0))) {
		pg_close(c);
		return oom();
	}
	/* What the value conversions rely on: ISO dates, exact floats, and string
	 * literals without backslash escapes (the core's bind lexer reads them). */
	if ((rc = exec_command(c, "SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; "
	                       "SET standard_conforming_strings = on",
	                       "could not set up the session", NULL)) < 0) {
		pg_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int pg_ping(sqlkit_pconn *c)
{
	return exec_command(c, "", "ping", NULL);
}

static int pg_begin(sqlkit_pconn *c)
{
	return exec_command(c, "BEGIN", NULL, NULL);
}

/* COMMIT of a failed transaction rolls it back and says only "ROLLBACK": that
 * is an error to the caller, who believes the work is saved. */
static int pg_commit(sqlkit_pconn *c)
{
	PGresult *r;
	int rc, rolled_back;

	if ((rc = exec_command(c, "COMMIT", NULL, &r)) < 0)
		return rc;
	rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
	PQclear(r);
	note_effects(c, rolled_back ? K_ROLLBACK : K_TXEND);
	if (rolled_back)
		return host->error(SQLKIT_ERROR, SQLKIT_ERRCLASS_INTERNAL, "25P02", 0, 0,
		                   "could not commit: the transaction was rolled back because a "
		                   "statement in it failed");
	return 0;
}

/* Rolling back with no transaction open is a no-op (PostgreSQL would warn). */
static int pg_rollback(sqlkit_pconn *c)
{
	int rc;

	if ((rc = claim(c, NULL)) < 0)
		return rc;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return 0;
	rc = exec_command(c, "ROLLBACK", NULL, NULL);
	note_effects(c, K_ROLLBACK);
	return rc;
}

static int savepoint_sql(sqlkit_pconn *c, const char *verb, const char *name, int kind)
{
	size_t n = strlen(verb) + 2 * strlen(name) + 4;
	char *sql = host->malloc(n), *p;
	int rc;

	if (!sql)
		return oom();
	p = sql + sprintf(sql, "%s \"", verb);
	for (; *name; name++) {
		if (*name == '"')
			*p++ = '"';
		*p++ = *name;
	}
	strcpy(p, "\"");
	rc = exec_command(c, sql, NULL, NULL);
	host->free(sql);
	if (rc == 0)
		note_effects(c, kind);
	return rc;
}

static int pg_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "SAVEPOINT", name, K_OTHER);
}

static int pg_release_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "RELEASE SAVEPOINT", name, K_OTHER);
}

static int pg_rollback_to_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "ROLLBACK TO SAVEPOINT", name, K_ROLLBACK);
}

/* ---------------------------------------------------------------- column types */

static sqlkit_type oid_to_type(Oid oid)
{
	switch (oid) {
	case OID_BOOL:
		return SQLKIT_TYPE_BOOL;
	case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID:
		return SQLKIT_TYPE_INT;
	case OID_FLOAT4: case OID_FLOAT8:
		return SQLKIT_TYPE_FLOAT;
	case OID_NUMERIC:
		return SQLKIT_TYPE_DECIMAL;
	case OID_BYTEA:
		return SQLKIT_TYPE_BLOB;
	case OID_DATE:
		return SQLKIT_TYPE_DATE;
	case OID_TIME: case OID_TIMETZ:
		return SQLKIT_TYPE_TIME;
	case OID_TIMESTAMP: case OID_TIMESTAMPTZ:
		return SQLKIT_TYPE_DATETIME;
	case OID_JSON: case OID_JSONB:
		return SQLKIT_TYPE_JSON;
	case OID_UUID:
		return SQLKIT_TYPE_UUID;
	default:   /* text, varchar, char, name, interval, enums, arrays...: their text */
		return SQLKIT_TYPE_TEXT;
	}
}

/* Describe the result's columns; a shape like the current one is kept. */
static int load_columns(sqlkit_pstmt *st, const PGresult *r)
{
	unsigned i, n = (unsigned)PQnfields(r);
	size_t size = sizeof(layout) + n * sizeof(column);
	layout *l = st->cols;
	char *p;

	if (l && l->ncols == n) {
		for (i = 0; i < n; i++)
			if (l->col[i].oid != PQftype(r, (int)i) ||
			    strcmp(l->col[i].name, PQfname(r, (int)i)) != 0)
				break;
		if (i == n)
			return 0;
	}
	for (i = 0; i < n; i++)
		size += strlen(PQfname(r, (int)i)) + 1;
	if (!(l = host->malloc(size)))
		return oom();
	free_blobs(st);
	l->older = st->cols;
	l->ncols = n;
	p = (char *)&l->col[n];
	for (i = 0; i < n; i++) {
		const char *name = PQfname(r, (int)i);
		size_t len = strlen(name);
		memcpy(p, name, len + 1);
		l->col[i].name = p;
		l->col[i].oid = PQftype(r, (int)i);
		l->col[i].type = oid_to_type(l->col[i].oid);
		l->col[i].blob = NULL;
		l->col[i].bloblen = 0;
		p += len + 1;
	}
	st->cols = l;
	return 0;
}

/* ---------------------------------------------------------------- statements */

static void pg_reset(sqlkit_pstmt *st)
{
	free_blobs(st);
	PQclear(st->res);
	st->res = NULL;
	if (st->streaming)
		end_stream(st);
	st->state = ST_IDLE;
}

static void pg_finalize(sqlkit_pstmt *st)
{
	layout *l, *older;

	if (!st)
		return;
	pg_reset(st);
	release_name(st);
	for (l = st->cols; l; l = older) {
		older = l->older;
		host->free(l);
	}
	host->free(st->queue);
	host->free(st->sql);
	host->free(st->prep_types);
	host->free(st->want);
	host->free(st->values);
	host->free(st->lengths);
	host->free(st->formats);
	host->free(st->buf);
	host->free(st);
}

static int pg_prepare(sqlkit_pstmt **out, sqlkit_pconn *c, const char *sql, size_t len,
                      unsigned nparams)
{
	char snip[SQLKIT_SNIPPET_MAX + 4];
	sqlkit_pstmt *st;
	size_t n = nparams ? nparams : 1;

	*out = NULL;
	while (len > 0 && sql[len - 1] == '\0')   /* a length that counts the terminator */
		len--;
	if (memchr(sql, '\0', len))
		return host->error(SQLKIT_ESQL, SQLKIT_ERRCLASS_PROGRAMMING, "42601", 0, 0,
		                   "NUL byte in \"%s\"", sqlkit_snippet(snip, sql, len));
	if (nparams > MAX_PARAMS)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "54023", 0, 0,
		                   "statement has %u parameters; PostgreSQL takes at most %d",
		                   nparams, MAX_PARAMS);
	if (!(st = host->calloc(1, sizeof *st)))
		return oom();
	st->conn = c;
	st->nparams = nparams;
	st->len = len;
	st->rows_affected = -1;
	st->kind = classify(sql, sql + len);
	if (!(st->sql = host->malloc(len + 1)) ||
	    !(st->prep_types = host->calloc(n, sizeof *st->prep_types)) ||
	    !(st->want = host->calloc(n, sizeof *st->want)) ||
	    !(st->values = host->calloc(n, sizeof *st->values)) ||
	    !(st->lengths = host->calloc(n, sizeof *st->lengths)) ||
	    !(st->formats = host->calloc(n, sizeof *st->formats))) {
		pg_finalize(st);
		return oom();
	}
	memcpy(st->sql, sql, len);
	st->sql[len] = '\0';
	*out = st;
	return 0;
}

/* The type a value is sent as. */
static Oid value_oid(const sqlkit_value *v)
{
	switch (v->type) {
	case SQLKIT_TYPE_NULL:     return OID_ANY;
	case SQLKIT_TYPE_INT:      return OID_INT8;
	case SQLKIT_TYPE_FLOAT:    return OID_FLOAT8;
	case SQLKIT_TYPE_BOOL:     return OID_BOOL;
	case SQLKIT_TYPE_DECIMAL:  return OID_NUMERIC;
	case SQLKIT_TYPE_BLOB:     return OID_BYTEA;
	case SQLKIT_TYPE_DATE:     return OID_DATE;
	case SQLKIT_TYPE_TIME:     return v->u.dt.has_offset ? OID_TIMETZ : OID_TIME;
	case SQLKIT_TYPE_DATETIME: return v->u.dt.has_offset ? OID_TIMESTAMPTZ : OID_TIMESTAMP;
	case SQLKIT_TYPE_UUID:     return OID_UUID;
	case SQLKIT_TYPE_TEXT:     /* unknown: "WHERE int_col = $1" still works */
	case SQLKIT_TYPE_JSON:     /* unknown: json and jsonb columns both take it */
	default:                   return OID_UNKNOWN;
	}
}

/* " (parameter set N)" for a message about set N of an executemany; "" for
 * a single execution. Made only when a message is. */
static const char *set_suffix(char *buf, size_t size, size_t set)
{
	buf[0] = '\0';
	if (set != NO_SET)
		snprintf(buf, size, " (parameter set %zu)", set);
	return buf;
}

/* Put params into st->values (text, or binary where exact and cheap), for a
 * statement prepared with st->prep_types. A value whose parameter was prepared
 * as unknown goes as text, for the server to read as the type it inferred. */
static int bind_params(sqlkit_pstmt *st, const sqlkit_value *params, size_t set)
{
	char setbuf[48];   /* " (parameter set N)", made only for a message */
	size_t need = 0, off = 0;
	unsigned i;

	for (i = 0; i < st->nparams; i++) {
		const sqlkit_value *v = &params[i];
		switch (v->type) {
		case SQLKIT_TYPE_TEXT: case SQLKIT_TYPE_JSON: case SQLKIT_TYPE_DECIMAL:
			if (!v->u.s.ptr && v->u.s.len)
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "parameter $%u has a length but no bytes%s", i + 1, set_suffix(setbuf, sizeof setbuf, set));
			if (v->u.s.len && memchr(v->u.s.ptr, '\0', v->u.s.len))
				return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22021", 0, 0,
				                   "parameter $%u contains a NUL byte, which PostgreSQL "
				                   "text cannot hold%s", i + 1, set_suffix(setbuf, sizeof setbuf, set));
			need += v->u.s.len + 1;
			break;
		case SQLKIT_TYPE_BLOB:
			if (v->u.s.len > INT_MAX)
				return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "54000", 0, 0,
				                   "parameter $%u: a blob of %zu bytes is too large%s",
				                   i + 1, v->u.s.len, set_suffix(setbuf, sizeof setbuf, set));
			if (!v->u.s.ptr && v->u.s.len)
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "parameter $%u has a length but no bytes%s", i + 1, set_suffix(setbuf, sizeof setbuf, set));
			break;
		case SQLKIT_TYPE_NULL:
			break;
		case SQLKIT_TYPE_INT: case SQLKIT_TYPE_FLOAT: case SQLKIT_TYPE_BOOL:
		case SQLKIT_TYPE_DATE: case SQLKIT_TYPE_TIME: case SQLKIT_TYPE_DATETIME:
		case SQLKIT_TYPE_UUID:
			need += 48;
			break;
		default:
			return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "parameter $%u has unknown type %d%s", i + 1, (int)v->type,
			                   set_suffix(setbuf, sizeof setbuf, set));
		}
	}
	if (need > st->bufcap) {
		char *b = host->realloc(st->buf, need);
		if (!b)
			return oom();
		st->buf = b;
		st->bufcap = need;
	}

	for (i = 0; i < st->nparams; i++) {
		const sqlkit_value *v = &params[i];
		char *p = st->buf + off;
		int text = st->prep_types[i] == OID_UNKNOWN;   /* binary needs the exact type */
		int n;

		st->values[i] = p;
		st->lengths[i] = 0;
		st->formats[i] = 0;
		switch (v->type) {
		case SQLKIT_TYPE_NULL:
			st->values[i] = NULL;
			break;
		case SQLKIT_TYPE_INT:
			if (text) {
				n = snprintf(p, 48, "%" PRId64, v->u.i);
			} else {
				put_be64(p, (uint64_t)v->u.i);
				st->lengths[i] = n = 8;
				st->formats[i] = 1;
			}
			off += (size_t)n + 1;
			break;
		case SQLKIT_TYPE_FLOAT:
			if (text) {
				locale_t old = uselocale(st->conn->c_numeric);
				n = isnan(v->u.f) ? snprintf(p, 48, "NaN") :
				    isinf(v->u.f) ? snprintf(p, 48, v->u.f > 0 ? "Infinity" : "-Infinity") :
				    snprintf(p, 48, "%.17g", v->u.f);
				uselocale(old);
			} else {
				uint64_t bits;
				memcpy(&bits, &v->u.f, 8);
				put_be64(p, bits);
				st->lengths[i] = n = 8;
				st->formats[i] = 1;
			}
			off += (size_t)n + 1;
			break;
		case SQLKIT_TYPE_BOOL:
			if (text) {
				p[0] = v->u.b ? 't' : 'f';
				p[1] = '\0';
			} else {
				p[0] = v->u.b != 0;
				st->lengths[i] = 1;
				st->formats[i] = 1;
			}
			off += 2;
			break;
		case SQLKIT_TYPE_TEXT: case SQLKIT_TYPE_JSON: case SQLKIT_TYPE_DECIMAL:
			if (v->u.s.len)
				memcpy(p, v->u.s.ptr, v->u.s.len);
			p[v->u.s.len] = '\0';
			off += v->u.s.len + 1;
			break;
		case SQLKIT_TYPE_BLOB:
			st->values[i] = v->u.s.len ? v->u.s.ptr : "";
			st->lengths[i] = (int)v->u.s.len;
			st->formats[i] = 1;
			break;
		case SQLKIT_TYPE_DATE: case SQLKIT_TYPE_TIME: case SQLKIT_TYPE_DATETIME:
			if ((n = host->datetime_format(p, 48, v)) < 0)
				return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22007", 0, 0,
				                   "parameter $%u is not a valid date or time%s", i + 1,
				                   set_suffix(setbuf, sizeof setbuf, set));
			off += (size_t)n + 1;
			break;
		case SQLKIT_TYPE_UUID:
			if (text) {
				host->uuid_format(p, v->u.uuid);
				off += 37;
			} else {
				memcpy(p, v->u.uuid, 16);
				st->lengths[i] = 16;
				st->formats[i] = 1;
				off += 16;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Whether the statement on the server takes st->want as they are. */
static int prepared_fits(const sqlkit_pstmt *st)
{
	unsigned i;

	if (!st->name[0] || st->prep_gen - st->conn->names_gen >= UINT_MAX / 2)
		return 0;
	/* after DDL, a result may have another shape ("cached plan must not change
	 * result type"): prepare statements with columns again */
	if (st->prep_gen != st->conn->gen && st->cols && st->cols->ncols > 0)
		return 0;
	for (i = 0; i < st->nparams; i++)
		if (st->want[i] != OID_ANY && st->want[i] != st->prep_types[i])
			return 0;
	return 1;
}

/* Prepare the statement on the server for the types in st->want, unless it
 * already is. */
static int ensure_prepared(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;
	PGresult *r;
	unsigned i;
	int rc;

	if (prepared_fits(st))
		return 0;
	release_name(st);
	for (i = 0; i < st->nparams; i++)
		st->prep_types[i] = st->want[i] == OID_ANY ? OID_UNKNOWN : st->want[i];
	snprintf(st->name, sizeof st->name, "sqlkit_%" PRIu64 "_%" PRIu64, c->serial,
	         ++c->statements);
	r = PQprepare(c->pg, st->name, st->sql, (int)st->nparams, st->prep_types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = pg_fail(c, r, NULL, st->sql, st->len, NO_SET);
		PQclear(r);
		st->name[0] = '\0';
		return rc;
	}
	PQclear(r);
	st->prep_gen = c->gen;
	return 0;
}

/* The server dropped or outdated the prepared statement behind our back
 * (DDL from another session changed a result's shape, DISCARD ALL). */
static int stale_statement(const PGresult *r)
{
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

	if (!s)
		return 0;
	if (strcmp(s, "26000") == 0)
		return 2;
	return strcmp(s, "0A000") == 0 && m && strstr(m, "cached plan must not change result type");
}

/* The first result of an execution: a first row, a complete result, or an error. */
static int take_first(sqlkit_pstmt *st, PGresult *r, int streamed, int *has_row)
{
	sqlkit_pconn *c = st->conn;
	int rc;

	switch (PQresultStatus(r)) {
	case PGRES_SINGLE_TUPLE:
		if ((rc = load_columns(st, r)) < 0) {
			PQclear(r);
			drain(c->pg);
			return rc;
		}
		st->res = r;
		st->row = 0;
		st->state = ST_ROW;
		st->streaming = 1;
		c->streaming = st;
		*has_row = 1;
		return 0;

	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
	case PGRES_EMPTY_QUERY:
		if (streamed)
			drain(c->pg);
		if ((rc = load_columns(st, r)) < 0) {
			PQclear(r);
			return rc;
		}
		st->rows_affected = affected(r);
		note_effects(c, st->kind);
		if (PQntuples(r) > 0) {   /* buffered: DML ... RETURNING */
			st->res = r;
			st->row = 0;
			st->state = ST_ROW;
			*has_row = 1;
		} else {
			PQclear(r);
			st->state = ST_DONE;
		}
		return 0;

	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		PQclear(r);
		drain(c->pg);
		return host->error(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, "0A000", 0, 0,
		                   "COPY is not supported by sqlkit's postgresql plugin");

	default:
		rc = pg_fail(c, r, NULL, NULL, 0, NO_SET);
		PQclear(r);
		if (streamed)
			drain(c->pg);
		return rc;
	}
}

static int pg_execute(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                      int *has_row)
{
	sqlkit_pconn *c = st->conn;
	unsigned i;
	int rc, attempt;

	*has_row = 0;
	if (nparams != st->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07001", 0, 0,
		                   "statement takes %u parameters, %u given", st->nparams, nparams);
	if (nparams && !params)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no parameter values for %u parameters", nparams);
	if (st->state != ST_IDLE)   /* the core usually reset it already */
		pg_reset(st);
	st->rows_affected = -1;
	if ((rc = claim(c, st)) < 0 || (rc = check_alive(c)) < 0)
		return rc;
	flush_dealloc(c);
	for (i = 0; i < nparams; i++)
		st->want[i] = value_oid(&params[i]);

	for (attempt = 0;; attempt++) {
		int idle = PQtransactionStatus(c->pg) == PQTRANS_IDLE, streamed = 0, stale;
		PGresult *r;

		if ((rc = ensure_prepared(st)) < 0 || (rc = bind_params(st, params, NO_SET)) < 0)
			return rc;
		if (st->kind == K_ROWS) {
			if (!PQsendQueryPrepared(c->pg, st->name, (int)nparams, st->values, st->lengths,
			                         st->formats, 0))
				return pg_fail(c, NULL, NULL, NULL, 0, NO_SET);
			(void)PQsetSingleRowMode(c->pg);   /* else the result comes whole: fine too */
			streamed = 1;
			r = PQgetResult(c->pg);
		} else {
			r = PQexecPrepared(c->pg, st->name, (int)nparams, st->values, st->lengths,
			                   st->formats, 0);
		}
		if (!r) {
			rc = pg_fail(c, NULL, NULL, NULL, 0, NO_SET);
			if (streamed)
				drain(c->pg);
			return rc;
		}
		/* Outside a transaction nothing was lost by the failure: prepare again, once. */
		if (attempt == 0 && idle && PQresultStatus(r) == PGRES_FATAL_ERROR &&
		    (stale = stale_statement(r)) != 0) {
			PQclear(r);
			if (streamed)
				drain(c->pg);
			if (stale == 2)
				st->name[0] = '\0';   /* gone: nothing to drop */
			else
				release_name(st);
			continue;
		}
		return take_first(st, r, streamed, has_row);
	}
}

/* The next result of a streaming statement: read ahead, then from the wire. */
static PGresult *next_result(sqlkit_pstmt *st)
{
	if (st->qhead < st->qlen)
		return st->queue[st->qhead++];
	if (st->conn->streaming == st)
		return PQgetResult(st->conn->pg);
	return NULL;
}

static int pg_step(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;
	PGresult *r;
	int rc;

	if (st->state == ST_DONE)
		return 0;
	if (st->state != ST_ROW)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "statement is not executing");
	free_blobs(st);
	if (st->res && st->row + 1 < PQntuples(st->res)) {
		st->row++;
		return 1;
	}
	PQclear(st->res);
	st->res = NULL;
	if (!st->streaming) {
		st->state = ST_DONE;
		return 0;
	}

	if (!(r = next_result(st))) {   /* ended without its final result */
		int lost = st->lost;
		end_stream(st);
		st->state = ST_IDLE;
		if (lost)
			return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0,
			                   "out of memory: rows read ahead were lost");
		if (PQstatus(c->pg) == CONNECTION_BAD)
			return pg_fail(c, NULL, NULL, NULL, 0, NO_SET);
		st->state = ST_DONE;
		return 0;
	}
	switch (PQresultStatus(r)) {
	case PGRES_SINGLE_TUPLE:
		st->res = r;
		st->row = 0;
		return 1;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		st->rows_affected = affected(r);
		PQclear(r);
		end_stream(st);
		st->state = ST_DONE;
		return 0;
	default:
		rc = pg_fail(c, r, NULL, NULL, 0, NO_SET);
		PQclear(r);
		end_stream(st);
		st->state = ST_IDLE;
		return rc;
	}
}

/* Columns before the first execution: prepare with the parameter types
 * unknown and ask the server (the first execution may prepare again). */
static void describe(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;
	PGresult *r;
	unsigned i;

	if (st->cols || st->state != ST_IDLE || claim(c, st) < 0 || check_alive(c) < 0)
		return;
	if (!st->name[0]) {
		for (i = 0; i < st->nparams; i++)
			st->want[i] = OID_ANY;
		if (ensure_prepared(st) < 0)
			return;
	}
	r = PQdescribePrepared(c->pg, st->name);
	if (PQresultStatus(r) == PGRES_COMMAND_OK)
		(void)load_columns(st, r);
	else
		(void)pg_fail(c, r, "describe", st->sql, st->len, NO_SET);
	PQclear(r);
}

static unsigned pg_column_count(sqlkit_pstmt *st)
{
	describe(st);
	return st->cols ? st->cols->ncols : 0;
}

static const char *pg_column_name(sqlkit_pstmt *st, unsigned i)
{
	describe(st);
	return st->cols && i < st->cols->ncols ? st->cols->col[i].name : NULL;
}

static sqlkit_type pg_column_type(sqlkit_pstmt *st, unsigned i)
{
	describe(st);
	return st->cols && i < st->cols->ncols ? st->cols->col[i].type : SQLKIT_TYPE_NULL;
}

static void set_text(sqlkit_value *out, sqlkit_type type, const char *p, size_t len)
{
	out->type = type;
	out->u.s.ptr = p;
	out->u.s.len = len;
}

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Column i (< ncols) of the current row, from its text form. A text the type's
 * parser does not take (dates BC or infinity, NaN numerics...) comes as TEXT.
 * Every case sets the type and the part of the value it uses. strtod() runs
 * in the connection's "C" numeric locale: the first float column switches the
 * thread to it and sets *old to what to restore (*switched = 1); the caller
 * restores it once, after the last column. Inlined into both readers. */
static ALWAYS_INLINE int read_column(sqlkit_pstmt *st, unsigned i, sqlkit_value *out,
                                     int *switched, locale_t *old)
{
	const char *p;
	size_t len;
	column *c = &st->cols->col[i];

	if (PQgetisnull(st->res, st->row, (int)i)) {
		out->type = SQLKIT_TYPE_NULL;
		return 0;
	}
	p = PQgetvalue(st->res, st->row, (int)i);
	len = (size_t)PQgetlength(st->res, st->row, (int)i);

	switch (c->type) {
	case SQLKIT_TYPE_INT:
		if (parse_int64(p, &out->u.i) == 0) {
			out->type = SQLKIT_TYPE_INT;
			return 0;
		}
		break;
	case SQLKIT_TYPE_FLOAT: {
		char *end;
		if (!*switched) {
			*old = uselocale(st->conn->c_numeric);
			*switched = 1;
		}
		out->u.f = strtod(p, &end);
		if (end != p && !*end) {
			out->type = SQLKIT_TYPE_FLOAT;
			return 0;
		}
		out->u.f = 0;
		break;
	}
	case SQLKIT_TYPE_BOOL:
		out->type = SQLKIT_TYPE_BOOL;
		out->u.b = p[0] == 't';
		return 0;
	case SQLKIT_TYPE_DECIMAL:
		if (sqlkit_decimal_text_valid(p, len)) {
			set_text(out, SQLKIT_TYPE_DECIMAL, p, len);
			return 0;
		}
		break;
	case SQLKIT_TYPE_BLOB:
		if (!c->blob && !(c->blob = PQunescapeBytea((const unsigned char *)p, &c->bloblen)))
			return oom();
		set_text(out, SQLKIT_TYPE_BLOB, (const char *)c->blob, c->bloblen);
		return 0;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME: {
		sqlkit_value dt;
		if (host->datetime_parse(&dt, p, len) == 0 && dt.type == c->type) {
			*out = dt;
			return 0;
		}
		break;
	}
	case SQLKIT_TYPE_JSON:
		set_text(out, SQLKIT_TYPE_JSON, p, len);
		return 0;
	case SQLKIT_TYPE_UUID:
		if (host->uuid_parse(out->u.uuid, p, len) == 0) {
			out->type = SQLKIT_TYPE_UUID;
			return 0;
		}
		memset(out, 0, sizeof *out);
		break;
	default:
		break;
	}
	set_text(out, SQLKIT_TYPE_TEXT, p, len);
	return 0;
}

static int no_row(void)
{
	return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
}

static int pg_column_value(sqlkit_pstmt *st, unsigned i, sqlkit_value *out)
{
	locale_t old = (locale_t)0;
	int switched = 0, rc;

	memset(out, 0, sizeof *out);
	if (st->state != ST_ROW || !st->res)
		return no_row();
	if (i >= st->cols->ncols)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no column %u: the row has %u", i, st->cols->ncols);
	rc = read_column(st, i, out, &switched, &old);
	if (switched)
		uselocale(old);
	return rc;
}

/* The whole row: the state and the count checked once, the numeric locale
 * switched at most once. */
static int pg_row_values(sqlkit_pstmt *st, sqlkit_value *out, unsigned n)
{
	locale_t old = (locale_t)0;
	int switched = 0, rc = 0;
	unsigned i;

	if (st->state != ST_ROW || !st->res)
		return no_row();
	if (n > st->cols->ncols)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "%u values asked for: the row has %u", n, st->cols->ncols);
	for (i = 0; i < n; i++)
		if ((rc = read_column(st, i, &out[i], &switched, &old)) < 0)
			break;
	if (switched)
		uselocale(old);
	return rc;
}

static int64_t pg_rows_affected(sqlkit_pstmt *st)
{
	return st->rows_affected;
}

/* ---------------------------------------------------------------- executemany */

/* Every set in one pipeline: all sent, one Sync, then every result read.
 * libpq reads the server's answers while it waits to write, so a long
 * pipeline cannot deadlock. The server skips everything after the first
 * failing set up to the Sync; the sets before it stay applied (the core's
 * transaction decides) and are counted. Rows the sets return are discarded. */
static int pg_execute_many(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                           size_t nsets, int64_t *rows_affected)
{
	sqlkit_pconn *c = st->conn;
	PGresult *r, *failed = NULL;
	size_t k, sent = 0, failed_set = NO_SET;
	int64_t total = 0;
	unsigned i;
	int rc = 0, bind_rc = 0;

	if (rows_affected)
		*rows_affected = -1;
	if (nparams != st->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07001", 0, 0,
		                   "statement takes %u parameters, %u given", st->nparams, nparams);
	if (nparams && nsets && !params)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no parameter values for %u parameters", nparams);
	if (st->state != ST_IDLE)
		pg_reset(st);
	st->rows_affected = -1;
	if (nsets == 0)
		return 0;
	if ((rc = claim(c, st)) < 0 || (rc = check_alive(c)) < 0)
		return rc;
	flush_dealloc(c);

	/* One type per parameter for every set: sets that disagree (NULLs aside)
	 * leave it to the server, and their values go as text. */
	for (i = 0; i < nparams; i++) {
		Oid t = OID_ANY;
		for (k = 0; k < nsets; k++) {
			Oid o = value_oid(&params[k * nparams + i]);
			if (o == OID_ANY || o == t)
				continue;
			if (t != OID_ANY) {
				t = OID_UNKNOWN;
				break;
			}
			t = o;
		}
		st->want[i] = t;
	}
	if ((rc = ensure_prepared(st)) < 0)
		return rc;

	if (!PQenterPipelineMode(c->pg))
		return pg_fail(c, NULL, "could not enter pipeline mode", NULL, 0, NO_SET);
	for (k = 0; k < nsets; k++) {
		if ((bind_rc = bind_params(st, params + k * nparams, k)) < 0)
			break;
		if (!PQsendQueryPrepared(c->pg, st->name, (int)nparams, st->values, st->lengths,
		                         st->formats, 0)) {
			bind_rc = pg_fail(c, NULL, NULL, NULL, 0, k);
			break;
		}
		sent++;
	}
	if (!PQpipelineSync(c->pg) && !bind_rc)
		bind_rc = pg_fail(c, NULL, NULL, NULL, 0, sent);

	/* Each set's result, then a NULL; then the Sync's. */
	for (k = 0; k < sent && PQstatus(c->pg) == CONNECTION_OK; k++) {
		while ((r = PQgetResult(c->pg))) {
			switch (PQresultStatus(r)) {
			case PGRES_COMMAND_OK:
			case PGRES_TUPLES_OK:
			case PGRES_EMPTY_QUERY:
			{
				int64_t n = affected(r);   /* parses the command tag: once */
				if (n > 0)
					total += n;
				break;
			}
			case PGRES_PIPELINE_ABORTED:
				break;
			default:
				if (!failed) {
					failed = r;
					failed_set = k;
					r = NULL;
				}
				break;
			}
			PQclear(r);
		}
	}
	while (PQstatus(c->pg) == CONNECTION_OK && (r = PQgetResult(c->pg))) {
		ExecStatusType s = PQresultStatus(r);
		PQclear(r);
		if (s == PGRES_PIPELINE_SYNC)
			break;
	}
	if (!PQexitPipelineMode(c->pg) && PQstatus(c->pg) == CONNECTION_OK)
		host->log(SQLKIT_LOG_WARNING, "postgresql: could not leave pipeline mode: %s",
		          PQerrorMessage(c->pg));

	if (failed) {
		rc = pg_fail(c, failed, NULL, NULL, 0, failed_set);
		PQclear(failed);
	} else if (bind_rc < 0) {
		rc = bind_rc;   /* the error is already recorded */
	} else if (PQstatus(c->pg) != CONNECTION_OK) {
		rc = pg_fail(c, NULL, NULL, NULL, 0, sent ? sent - 1 : 0);
	} else {
		note_effects(c, st->kind);
	}
	st->rows_affected = st->kind == K_DML || total > 0 ? total : -1;
	if (rows_affected)
		*rows_affected = st->rows_affected;
	return rc;
}

/* ---------------------------------------------------------------- engine support */

static int pg_set_isolation_level(sqlkit_pconn *c, const char *level)
{
	static const char *const levels[] = { "READ UNCOMMITTED", "READ COMMITTED",
	                                      "REPEATABLE READ", "SERIALIZABLE", NULL };
	char sql[96];
	int i;

	for (i = 0; levels[i] && !sqlkit_equal_ci(level, levels[i]); i++)
		;
	if (!levels[i])
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "postgresql has no isolation level \"%s\" (it has READ UNCOMMITTED, "
		                   "READ COMMITTED, REPEATABLE READ and SERIALIZABLE)", level);
	snprintf(sql, sizeof sql, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL %s",
	         levels[i]);
	return exec_command(c, sql, "set isolation level", NULL);
}

/* A table, view, materialized view or foreign table of that name that an
 * unqualified name finds on the search path (temporary ones included), as
 * SQLAlchemy's has_table() asks. */
static int pg_has_table(sqlkit_pconn *c, const char *name)
{
	static const char sql[] = "SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = $1 "
	                          "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
	                          "AND pg_catalog.pg_table_is_visible(c.oid)";
	const char *values[1] = { name };
	PGresult *r;
	int rc;

	if ((rc = claim(c, NULL)) < 0 || (rc = check_alive(c)) < 0)
		return rc;
	r = PQexecParams(c->pg, sql, 1, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		rc = PQntuples(r) > 0;
	else
		rc = pg_fail(c, r, "has_table", NULL, 0, NO_SET);
	PQclear(r);
	return rc;
}

/* ---------------------------------------------------------------- entry point */

/* How PostgreSQL spells SQL (dialect.c). */
extern const sqlkit_dialect sqlkit__dialect_postgresql;

static const char *const schemes[] = { "postgresql", NULL };
static const char *const drivers[] = { "libpq", "psycopg2", NULL };
static char description[64];

static const sqlkit_plugin plugin = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = SQLKIT_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(sqlkit_plugin),
	.name = "postgresql",
	.version = PLUGIN_VERSION,
	.schemes = schemes,
	.drivers = drivers,
	.features = SQLKIT_FEATURE_RETURNING | SQLKIT_FEATURE_MULTI_VALUES |
	            SQLKIT_FEATURE_SAVEPOINTS | SQLKIT_FEATURE_TRANSACTIONAL_DDL |
	            SQLKIT_FEATURE_SERVER_CURSORS | SQLKIT_FEATURE_BATCH,
	.paramstyle = SQLKIT_PARAMSTYLE_DOLLAR,
	.description = description,

	.connect = pg_connect,
	.close = pg_close,
	.ping = pg_ping,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.savepoint = pg_savepoint,
	.release_savepoint = pg_release_savepoint,
	.rollback_to_savepoint = pg_rollback_to_savepoint,
	.last_insert_id = NULL,    /* INSERT ... RETURNING */

	.prepare = pg_prepare,
	.execute = pg_execute,
	.step = pg_step,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.column_value = pg_column_value,
	.rows_affected = pg_rows_affected,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.execute_many = pg_execute_many,

	.single_connection = NULL,
	.set_isolation_level = pg_set_isolation_level,
	.dialect = &sqlkit__dialect_postgresql,
	.has_table = pg_has_table,
	.row_values = pg_row_values,
};

SQLKIT_PLUGIN_EXPORT int postgresql_LTX_sqlkit_plugin_init(unsigned abi_major,
		unsigned abi_minor, const sqlkit_host *h, const sqlkit_plugin **out);

SQLKIT_PLUGIN_EXPORT int postgresql_LTX_sqlkit_plugin_init(unsigned abi_major,
		unsigned abi_minor, const sqlkit_host *h, const sqlkit_plugin **out)
{
	int v;

	(void)abi_minor;
	/* before anything else: a host too old for us cannot even take an error */
	if (abi_major != SQLKIT_PLUGIN_ABI_MAJOR || !h || h->abi_major != SQLKIT_PLUGIN_ABI_MAJOR ||
	    h->struct_size < offsetof(sqlkit_host, uuid_format) + sizeof h->uuid_format)
		return SQLKIT_EABI;
	host = h;
	if (!out)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "postgresql plugin: no place for the description");
	v = PQlibVersion();
	snprintf(description, sizeof description, "PostgreSQL (libpq %d.%d)", v / 10000, v % 100);
	*out = &plugin;
	return 0;
}
