/*
 * core/connection.c - connections, transactions, savepoints, statements and
 * the per-connection statement cache.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "dbapi.h"
#include "pool.h"
#include "registry.h"
#include "url_internal.h"
#include "util.h"

/* ---------------------------------------------------------------- helpers */

/* For the few helpers of an execution's path that must not stay calls. */
#if defined(__GNUC__)
#define RUN_INLINE inline __attribute__((always_inline))
#else
#define RUN_INLINE inline
#endif

int sqlkit__conn_failed(sqlkit_conn *conn, int rc)
{
	const sqlkit_error *e = sqlkit_error_last();

	if (conn && (e->connection_dead || rc == SQLKIT_EDISCONNECTED))
		conn->dead = 1;
	return rc;
}

static int check_usable(const sqlkit_conn *conn)
{
	if (!conn)
		return sqlkit__error(SQLKIT_ESTATE, "the connection is closed");
	if (conn->dead)
		return sqlkit__error_set(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 1,
		                         "the connection is dead (the driver lost it earlier); "
		                         "close it and open another");
	return 0;
}

static unsigned long hash_text(const char *s, size_t n)
{
	unsigned long h = 2166136261u;
	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* ---------------------------------------------------------------- open / close */

double sqlkit__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sqlkit__conn_connect(sqlkit_conn **out, const sqlkit_plugin *plugin, const char *driver,
                         const sqlkit_plugin_url *view, const char *shown_url)
{
	static uint64_t serials;
	sqlkit_conn *conn;
	int rc;

	*out = NULL;
	if (!(conn = calloc(1, sizeof *conn)))
		return sqlkit__error_oom();
	conn->plugin = plugin;
	conn->driver = driver;
	conn->lex_flags = sqlkit__lex_flags(SQLKIT_PLUGIN_HAS(plugin, dialect) ? plugin->dialect : NULL,
	                                    plugin->features);
	sqlkit_error_clear();
	if ((rc = plugin->connect(&conn->pconn, view, driver)) < 0 || !conn->pconn) {
		if (rc >= 0)
			rc = sqlkit__error(SQLKIT_EPLUGIN, "plugin \"%s\" returned no connection",
			                   plugin->name);
		sqlkit__error_prefix("could not connect to \"%s\"", shown_url);
		free(conn);
		return rc;
	}
	conn->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	conn->created = sqlkit__now();
	*out = conn;
	return 0;
}

int sqlkit_conn_open_url(sqlkit_conn **out, const sqlkit_url *url)
{
	const sqlkit_plugin *plugin;
	const char *driver;
	sqlkit_plugin_url view;
	char *shown = NULL;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_open: out is NULL");
	*out = NULL;
	if (!url)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_open: url is NULL");
	if ((rc = sqlkit__registry_resolve(&plugin, &driver, sqlkit_url_dialect(url),
	                                   sqlkit_url_driver(url))) < 0)
		return rc;
	if (sqlkit_url_format(&shown, url, SQLKIT_URL_MASK_PASSWORD) < 0)
		return sqlkit__error_oom();
	sqlkit__url_view(url, &view);
	rc = sqlkit__conn_connect(out, plugin, driver, &view, shown);
	sqlkit_free(shown);
	return rc;
}

int sqlkit_conn_open(sqlkit_conn **out, const char *text)
{
	sqlkit_url *url;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_open: out is NULL");
	*out = NULL;
	if ((rc = sqlkit_url_parse(&url, text)) < 0)
		return rc;
	rc = sqlkit_conn_open_url(out, url);
	sqlkit_url_free(url);
	return rc;
}

static void drop_savepoints(sqlkit_conn *conn, size_t keep)
{
	while (conn->nsavepoints > keep)
		free(conn->savepoints[--conn->nsavepoints]);
}

void sqlkit__stmt_destroy(sqlkit_stmt *stmt)
{
	if (stmt->pstmt && stmt->conn)
		stmt->conn->plugin->finalize(stmt->pstmt);
	stmt->pstmt = NULL;
	sqlkit__lexed_free(&stmt->lex);
	sqlkit__columns_unref(stmt->cols);
	if (stmt->spare) {
		free(stmt->spare->row.values);
		free(stmt->spare->coerce);
		free(stmt->spare->coerce_text);
		free(stmt->spare);
	}
	free(stmt->text);
	free(stmt->scratch);
	free(stmt->map);
	free(stmt);
}

void sqlkit_conn_close(sqlkit_conn *conn)
{
	if (!conn)
		return;
	if (conn->pool)
		sqlkit__pool_return(conn->pool, conn);
	else
		sqlkit__conn_destroy(conn);
}

void sqlkit__conn_detach_user_stmts(sqlkit_conn *conn)
{
	sqlkit_stmt *s, *next;

	/* Statements the caller still holds lose their driver half now; freeing
	 * them later only releases memory. */
	for (s = conn->user_stmts; s; s = next) {
		next = s->next;
		if (s->pstmt)
			conn->plugin->finalize(s->pstmt);
		s->pstmt = NULL;
		s->conn = NULL;
		s->next = s->prev = NULL;
	}
	conn->user_stmts = NULL;
}

void sqlkit__conn_destroy(sqlkit_conn *conn)
{
	size_t i;

	if (!conn)
		return;
	if (conn->in_tx && !conn->dead)
		(void)conn->plugin->rollback(conn->pconn);
	for (i = 0; i < conn->ncache; i++)
		sqlkit__stmt_destroy(conn->cache[i]);
	sqlkit__conn_detach_user_stmts(conn);
	conn->plugin->close(conn->pconn);
	drop_savepoints(conn, 0);
	free(conn->savepoints);
	free(conn);
}

int sqlkit_conn_ping(sqlkit_conn *conn)
{
	int rc;

	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!conn->plugin->ping)
		return 0;
	if ((rc = conn->plugin->ping(conn->pconn)) < 0) {
		sqlkit__conn_failed(conn, rc);
		if (conn->dead && rc != SQLKIT_EDISCONNECTED)
			rc = SQLKIT_EDISCONNECTED;
	}
	return rc;
}

int sqlkit_conn_is_dead(const sqlkit_conn *conn)
{
	return conn ? conn->dead : 1;
}

uint64_t sqlkit_conn_serial(const sqlkit_conn *conn)
{
	return conn ? conn->serial : 0;
}

void sqlkit_conn_invalidate(sqlkit_conn *conn)
{
	if (conn)
		conn->invalidated = 1;
}

const char *sqlkit_conn_dialect(const sqlkit_conn *conn)
{
	return conn ? conn->plugin->name : NULL;
}

const char *sqlkit_conn_driver(const sqlkit_conn *conn)
{
	return conn ? conn->driver : NULL;
}

/* ---------------------------------------------------------------- transactions */

int sqlkit_conn_begin(sqlkit_conn *conn)
{
	int rc;

	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (conn->in_tx)
		return sqlkit__error(SQLKIT_ESTATE, "a transaction is already open on this connection");
	if ((rc = conn->plugin->begin(conn->pconn)) < 0)
		return sqlkit__conn_failed(conn, rc);
	conn->in_tx = 1;
	return 0;
}

int sqlkit_conn_commit(sqlkit_conn *conn)
{
	int rc;

	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!conn->in_tx)
		return sqlkit__error(SQLKIT_ESTATE, "no transaction is open on this connection");
	if ((rc = conn->plugin->commit(conn->pconn)) < 0) {
		sqlkit__conn_failed(conn, rc);
		if (conn->dead)
			conn->in_tx = 0;
		return rc;
	}
	conn->in_tx = 0;
	drop_savepoints(conn, 0);
	return 0;
}

int sqlkit_conn_rollback(sqlkit_conn *conn)
{
	int rc;

	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!conn->in_tx)
		return sqlkit__error(SQLKIT_ESTATE, "no transaction is open on this connection");
	rc = conn->plugin->rollback(conn->pconn);
	/* Whatever the driver says, the transaction is over for us. */
	conn->in_tx = 0;
	drop_savepoints(conn, 0);
	return rc < 0 ? sqlkit__conn_failed(conn, rc) : 0;
}

int sqlkit_conn_in_transaction(const sqlkit_conn *conn)
{
	return conn && conn->in_tx;
}

static int valid_identifier(const char *s)
{
	size_t n = 0;

	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return n <= 63;
}

int sqlkit_conn_savepoint(sqlkit_conn *conn, const char *name)
{
	char generated[32];
	char *copy;
	int rc, began = 0;

	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!(conn->plugin->features & SQLKIT_FEATURE_SAVEPOINTS) || !conn->plugin->savepoint ||
	    !conn->plugin->release_savepoint || !conn->plugin->rollback_to_savepoint)
		return sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                         "plugin \"%s\" does not support savepoints", conn->plugin->name);
	if (!name) {
		snprintf(generated, sizeof generated, "sqlkit_sp_%u", ++conn->savepoint_seq);
		name = generated;
	} else if (!valid_identifier(name)) {
		return sqlkit__error(SQLKIT_EINVAL, "bad savepoint name \"%s\": expected an identifier "
		                     "([A-Za-z_][A-Za-z0-9_]*, at most 63 characters)", name);
	}
	if (conn->nsavepoints == conn->capsavepoints) {
		size_t cap = conn->capsavepoints ? conn->capsavepoints * 2 : 4;
		char **p = realloc(conn->savepoints, cap * sizeof *p);
		if (!p)
			return sqlkit__error_oom();
		conn->savepoints = p;
		conn->capsavepoints = cap;
	}
	if (!(copy = sqlkit__strdup(name)))
		return sqlkit__error_oom();
	if (!conn->in_tx) {
		if ((rc = sqlkit_conn_begin(conn)) < 0) {
			free(copy);
			return rc;
		}
		began = 1;
	}
	if ((rc = conn->plugin->savepoint(conn->pconn, name)) < 0) {
		free(copy);
		sqlkit__conn_failed(conn, rc);
		if (began && !conn->dead) {
			(void)conn->plugin->rollback(conn->pconn);
			conn->in_tx = 0;
		}
		return rc;
	}
	conn->savepoints[conn->nsavepoints++] = copy;
	return 0;
}

static int find_savepoint(const sqlkit_conn *conn, const char *name, size_t *at)
{
	size_t i;

	if (conn->nsavepoints == 0)
		return sqlkit__error(SQLKIT_ENOTFOUND, "no savepoint is set on this connection");
	if (!name) {
		*at = conn->nsavepoints - 1;
		return 0;
	}
	for (i = conn->nsavepoints; i-- > 0;)
		if (strcmp(conn->savepoints[i], name) == 0) {
			*at = i;
			return 0;
		}
	return sqlkit__error(SQLKIT_ENOTFOUND, "no savepoint \"%s\" is set on this connection", name);
}

int sqlkit_conn_release_savepoint(sqlkit_conn *conn, const char *name)
{
	size_t at;
	int rc;

	if ((rc = check_usable(conn)) < 0 || (rc = find_savepoint(conn, name, &at)) < 0)
		return rc;
	if ((rc = conn->plugin->release_savepoint(conn->pconn, conn->savepoints[at])) < 0)
		return sqlkit__conn_failed(conn, rc);
	drop_savepoints(conn, at);
	return 0;
}

int sqlkit_conn_rollback_to_savepoint(sqlkit_conn *conn, const char *name)
{
	size_t at;
	int rc;

	if ((rc = check_usable(conn)) < 0 || (rc = find_savepoint(conn, name, &at)) < 0)
		return rc;
	/* Undo, then remove the savepoint from the database's stack as from ours. */
	if ((rc = conn->plugin->rollback_to_savepoint(conn->pconn, conn->savepoints[at])) < 0 ||
	    (rc = conn->plugin->release_savepoint(conn->pconn, conn->savepoints[at])) < 0)
		return sqlkit__conn_failed(conn, rc);
	drop_savepoints(conn, at);
	return 0;
}

size_t sqlkit_conn_savepoint_depth(const sqlkit_conn *conn)
{
	return conn ? conn->nsavepoints : 0;
}

/* ---------------------------------------------------------------- statements */

static int stmt_new(sqlkit_stmt **out, sqlkit_conn *conn, const char *sql, size_t len)
{
	sqlkit_stmt *s;
	size_t i;
	int rc;

	*out = NULL;
	if (!(s = calloc(1, sizeof *s)))
		return sqlkit__error_oom();
	s->conn = conn;
	if ((rc = sqlkit__lex_binds(&s->lex, sql, len, conn->plugin->paramstyle, conn->lex_flags)) < 0)
		goto fail;
	if (!(s->text = sqlkit__strndup(sql, len)) ||
	    !(s->scratch = calloc(s->lex.nmarkers + 1, sizeof *s->scratch)) ||
	    !(s->map = calloc(s->lex.nnames + 1, sizeof *s->map))) {
		rc = sqlkit__error_oom();
		goto fail;
	}
	s->text_len = len;
	s->hash = hash_text(sql, len);
	for (i = 0; i < s->lex.nnames; i++)
		s->map[i] = i;
	s->direct = s->lex.nmarkers == s->lex.nnames;
	for (i = 0; s->direct && i < s->lex.nmarkers; i++)
		s->direct = s->lex.marker_name[i] == i;
	if ((rc = conn->plugin->prepare(&s->pstmt, conn->pconn, s->lex.sql, s->lex.sql_len,
	                                (unsigned)s->lex.nmarkers)) < 0) {
		s->pstmt = NULL;
		sqlkit__conn_failed(conn, rc);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	sqlkit__stmt_destroy(s);
	return rc;
}

/* A cached statement for sql, prepared on a miss. *temp is set when the
 * statement could not be cached (its result must free it). */
static int stmt_cached(sqlkit_stmt **out, int *temp, sqlkit_conn *conn, const char *sql)
{
	size_t len = strlen(sql), i, victim = SQLKIT__STMT_CACHE;
	unsigned long h = hash_text(sql, len);
	sqlkit_stmt *s;
	int rc;

	*temp = 0;
	for (i = 0; i < conn->ncache; i++) {
		s = conn->cache[i];
		if (s->hash == h && s->text_len == len && memcmp(s->text, sql, len) == 0) {
			if (s->busy)
				break;  /* in use by an open result: use a one-off */
			s->used = ++conn->tick;
			*out = s;
			return 0;
		}
	}
	if ((rc = stmt_new(&s, conn, sql, len)) < 0)
		return rc;
	if (i < conn->ncache) {  /* the cached one is busy */
		*temp = 1;
		*out = s;
		return 0;
	}
	if (conn->ncache < SQLKIT__STMT_CACHE) {
		victim = conn->ncache++;
	} else {
		for (i = 0; i < conn->ncache; i++)
			if (!conn->cache[i]->busy &&
			    (victim == SQLKIT__STMT_CACHE || conn->cache[i]->used < conn->cache[victim]->used))
				victim = i;
		if (victim == SQLKIT__STMT_CACHE) {
			*temp = 1;
			*out = s;
			return 0;
		}
		sqlkit__stmt_destroy(conn->cache[victim]);
	}
	s->cached = 1;
	s->used = ++conn->tick;
	conn->cache[victim] = s;
	*out = s;
	return 0;
}

int sqlkit_conn_prepare(sqlkit_stmt **out, sqlkit_conn *conn, const char *sql)
{
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_prepare: out is NULL");
	*out = NULL;
	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!sql)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_prepare: sql is NULL");
	if ((rc = stmt_new(out, conn, sql, strlen(sql))) < 0)
		return rc;
	(*out)->next = conn->user_stmts;
	if (conn->user_stmts)
		conn->user_stmts->prev = *out;
	conn->user_stmts = *out;
	return 0;
}

void sqlkit_stmt_free(sqlkit_stmt *stmt)
{
	if (!stmt)
		return;
	if (stmt->conn) {
		if (stmt->prev)
			stmt->prev->next = stmt->next;
		else
			stmt->conn->user_stmts = stmt->next;
		if (stmt->next)
			stmt->next->prev = stmt->prev;
	}
	sqlkit__stmt_destroy(stmt);
}

size_t sqlkit_stmt_param_count(const sqlkit_stmt *stmt)
{
	return stmt ? stmt->lex.nnames : 0;
}

const char *sqlkit_stmt_param_name(const sqlkit_stmt *stmt, size_t i)
{
	return (stmt && i < stmt->lex.nnames) ? stmt->lex.names[i] : NULL;
}

const char *sqlkit_stmt_sql(const sqlkit_stmt *stmt)
{
	return stmt ? stmt->lex.sql : NULL;
}

/* ---------------------------------------------------------------- binding */

/* Whether the caller's name (with or without ':') is name. Inline: names are
 * short, and this runs for every parameter of every execution. */
static inline int name_is(const char *given, const char *name)
{
	if (!given)
		return 0;
	given += *given == ':';
	/* the C library's strcmp compares a short name in a few vector
	 * instructions; a byte loop here cost 7 instructions per character */
	return strcmp(given, name) == 0;
}

static int check_value_slow(const sqlkit_value *v, const char *name)
{
	switch (v->type) {
	case SQLKIT_TYPE_NULL: case SQLKIT_TYPE_INT: case SQLKIT_TYPE_FLOAT: case SQLKIT_TYPE_BOOL:
	case SQLKIT_TYPE_DATE: case SQLKIT_TYPE_TIME: case SQLKIT_TYPE_DATETIME: case SQLKIT_TYPE_UUID:
		return 0;
	case SQLKIT_TYPE_DECIMAL:
		if (!v->u.s.ptr || !sqlkit__decimal_valid(v->u.s.ptr, v->u.s.len))
			return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22018", 0, 0,
			                         "parameter \"%s\": \"%.*s\" is not a decimal number", name,
			                         v->u.s.ptr ? (int)(v->u.s.len > 64 ? 64 : v->u.s.len) : 0,
			                         v->u.s.ptr ? v->u.s.ptr : "");
		return 0;
	case SQLKIT_TYPE_TEXT: case SQLKIT_TYPE_BLOB: case SQLKIT_TYPE_JSON:
		if (!v->u.s.ptr && v->u.s.len)
			return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                         "parameter \"%s\": NULL pointer with length %zu", name,
			                         v->u.s.len);
		return 0;
	}
	return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
	                         "parameter \"%s\": unknown value type %d", name, (int)v->type);
}

/* The types that need no check pass without a call. */
static inline int check_value(const sqlkit_value *v, const char *name)
{
	switch (v->type) {
	case SQLKIT_TYPE_NULL: case SQLKIT_TYPE_INT: case SQLKIT_TYPE_FLOAT: case SQLKIT_TYPE_BOOL:
		return 0;
	case SQLKIT_TYPE_TEXT: case SQLKIT_TYPE_BLOB: case SQLKIT_TYPE_JSON:
		if (v->u.s.ptr || !v->u.s.len)
			return 0;
		break;
	default:
		break;
	}
	return check_value_slow(v, name);
}

static int param_error(const sqlkit_stmt *stmt, const sqlkit_param *params, size_t n)
{
	size_t j, k;

	for (j = 0; j < n; j++) {
		int found = 0;
		if (!params[j].name)
			return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
			                         "parameter %zu has no name", j);
		for (k = 0; k < stmt->lex.nnames && !found; k++)
			found = name_is(params[j].name, stmt->lex.names[k]);
		if (!found)
			return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
			                         "parameter \"%s\" is not in the statement \"%.200s\"",
			                         params[j].name, stmt->text);
		for (k = 0; k < j; k++)
			if (name_is(params[k].name, params[j].name[0] == ':' ? params[j].name + 1 :
			                                                       params[j].name))
				return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
				                         "parameter \"%s\" is given twice", params[j].name);
	}
	return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
	                         "wrong parameters for \"%.200s\"", stmt->text);
}

static int stmt_bind_slow(sqlkit_stmt *stmt, const sqlkit_param *params, size_t nparams);

/* Inlined where a statement runs: the usual case (the caller's params in the
 * statement's order) costs no call of its own. */
static RUN_INLINE int stmt_bind(sqlkit_stmt *stmt, const sqlkit_param *params, size_t nparams)
{
	const sqlkit__lexed *lx = &stmt->lex;
	size_t k;
	int rc;

	if (stmt->direct && nparams == lx->nnames && params && !stmt->mapped) {
		for (k = 0; k < nparams && name_is(params[k].name, lx->names[k]); k++) {
			if ((rc = check_value(&params[k].value, lx->names[k])) < 0)
				return rc;
			stmt->scratch[k] = params[k].value;
		}
		if (k == nparams)
			return 0;
	}
	return stmt_bind_slow(stmt, params, nparams);
}

int sqlkit__stmt_bind(sqlkit_stmt *stmt, const sqlkit_param *params, size_t nparams)
{
	return stmt_bind(stmt, params, nparams);
}

static int stmt_bind_slow(sqlkit_stmt *stmt, const sqlkit_param *params, size_t nparams)
{
	const sqlkit__lexed *lx = &stmt->lex;
	size_t k, m;
	int rc;

	if (nparams && !params)
		return sqlkit__error(SQLKIT_EINVAL, "%zu parameters announced but params is NULL", nparams);
	if (stmt->direct && nparams == lx->nnames) {
		/* the usual case: the caller's params in the statement's order, and
		 * one marker per name in that order: no search, no map */
		for (k = 0; k < nparams && name_is(params[k].name, lx->names[k]); k++) {
			if ((rc = check_value(&params[k].value, lx->names[k])) < 0)
				return rc;
			stmt->scratch[k] = params[k].value;
		}
		if (k == nparams) {
			if (stmt->mapped) {   /* map is identity again (executemany reads it) */
				for (k = 0; k < nparams; k++)
					stmt->map[k] = k;
				stmt->mapped = 0;
			}
			return 0;
		}
	}
	stmt->mapped = 1;
	for (k = 0; k < lx->nnames; k++) {
		size_t j;
		if (k < nparams && name_is(params[k].name, lx->names[k])) {
			j = k;
		} else {
			for (j = 0; j < nparams; j++)
				if (name_is(params[j].name, lx->names[k]))
					break;
			if (j == nparams)
				return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
				                         "missing value for parameter \"%s\" in \"%.200s\"",
				                         lx->names[k], stmt->text);
		}
		if ((rc = check_value(&params[j].value, lx->names[k])) < 0)
			return rc;
		stmt->map[k] = j;
	}
	if (nparams != lx->nnames)
		return param_error(stmt, params, nparams);
	for (m = 0; m < lx->nmarkers; m++)
		stmt->scratch[m] = params[stmt->map[lx->marker_name[m]]].value;
	return 0;
}

/* ---------------------------------------------------------------- executing */

/* Read the remaining rows of an execution and end it; a row that fails is
 * the statement's failure. */
static int drain_rows(sqlkit_stmt *stmt)
{
	const sqlkit_plugin *p = stmt->conn->plugin;
	int rc;

	while ((rc = p->step(stmt->pstmt)) > 0)
		;
	if (rc < 0) {
		sqlkit__conn_failed(stmt->conn, rc);
		if (stmt->conn->dead)
			return rc;
	}
	p->reset(stmt->pstmt);
	return rc < 0 ? rc : 0;
}

/* An execution without a first row (INSERT, UPDATE...) only needs its reset. */
static RUN_INLINE int drain_and_reset(sqlkit_stmt *stmt, int has_row)
{
	if (has_row)
		return drain_rows(stmt);
	stmt->conn->plugin->reset(stmt->pstmt);
	return 0;
}

/* Inlined into both callers: one call less per execution. */
static RUN_INLINE int stmt_run(sqlkit_result **out, sqlkit_stmt *stmt, int owns,
                               const sqlkit_param *params, size_t nparams)
{
	sqlkit_conn *conn = stmt->conn;
	int rc, has_row = 0;

	if (out)
		*out = NULL;
	if ((rc = check_usable(conn)) < 0)
		goto fail;
	if (!stmt->pstmt) {
		rc = sqlkit__error(SQLKIT_ESTATE, "the statement's connection was closed");
		goto fail;
	}
	if (stmt->busy) {
		rc = sqlkit__error(SQLKIT_ESTATE, "the statement still has an open result: free it "
		                   "before executing the statement again");
		goto fail;
	}
	if ((rc = stmt_bind(stmt, params, nparams)) < 0)
		goto fail;
	sqlkit_error_clear();
	if ((rc = conn->plugin->execute(stmt->pstmt, stmt->scratch, (unsigned)stmt->lex.nmarkers,
	                                &has_row)) < 0) {
		sqlkit__conn_failed(conn, rc);
		if (!conn->dead)
			conn->plugin->reset(stmt->pstmt);
		goto fail;
	}
	if (!out) {
		rc = drain_and_reset(stmt, has_row);
		if (owns)
			sqlkit__stmt_destroy(stmt);
		return rc;
	}
	if ((rc = sqlkit__result_new(out, stmt, owns, has_row)) < 0) {
		conn->plugin->reset(stmt->pstmt);
		goto fail;
	}
	return 0;
fail:
	if (owns)
		sqlkit__stmt_destroy(stmt);
	return rc;
}

/* Tell the engine's echo hook about a statement. The thread's last error is
 * kept across the hook. */
static void echo(const sqlkit_conn *conn, const char *sql, const sqlkit_param *params,
                 size_t nparams, size_t nsets, double t0, int rc)
{
	sqlkit_echo_event ev;
	sqlkit__saved_error saved;

	if (rc < 0)
		sqlkit__error_save(&saved);
	ev.level = rc < 0 ? SQLKIT_LOG_ERROR : SQLKIT_LOG_INFO;
	ev.sql = sql;
	ev.params = params;
	ev.nparams = nparams;
	ev.nsets = nsets;
	ev.elapsed = sqlkit__now() - t0;
	ev.rc = rc;
	ev.connection = conn->serial;
	conn->echo->fn(&ev, conn->echo->userdata);
	if (rc < 0)
		sqlkit__error_restore(&saved);
}

int sqlkit_conn_execute(sqlkit_result **out, sqlkit_conn *conn, const char *sql,
                        const sqlkit_param *params, size_t nparams)
{
	sqlkit_stmt *stmt;
	double t0 = 0;
	int rc, temp;

	if (out)
		*out = NULL;
	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!sql)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_execute: sql is NULL");
	if (conn->echo)
		t0 = sqlkit__now();
	if ((rc = stmt_cached(&stmt, &temp, conn, sql)) == 0)
		rc = stmt_run(out, stmt, temp, params, nparams);
	if (conn->echo)
		echo(conn, sql, params, nparams, 1, t0, rc);
	return rc;
}

int sqlkit_stmt_execute(sqlkit_result **out, sqlkit_stmt *stmt, const sqlkit_param *params,
                        size_t nparams)
{
	sqlkit_conn *conn;
	double t0 = 0;
	int rc;

	if (out)
		*out = NULL;
	if (!stmt)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_stmt_execute: stmt is NULL");
	if ((conn = stmt->conn) && conn->echo)
		t0 = sqlkit__now();
	rc = stmt_run(out, stmt, 0, params, nparams);
	if (conn && conn->echo)
		echo(conn, stmt->text, params, nparams, 1, t0, rc);
	return rc;
}

/* Sets per batch handed to the plugin at once: as many as fit in MANY_VALUES
 * values (640 KiB), at least MANY_CHUNK. A batch is one pipeline with one
 * Sync for a client/server driver, so fewer batches mean fewer waits for the
 * server between them. */
#define MANY_CHUNK 256
#define MANY_VALUES 16384

static int run_many(sqlkit_stmt *stmt, const sqlkit_param *sets, size_t per_set, size_t nsets,
                    int64_t *total)
{
	sqlkit_conn *conn = stmt->conn;
	const sqlkit_plugin *p = conn->plugin;
	const sqlkit__lexed *lx = &stmt->lex;
	const sqlkit_param *ref;
	size_t nm = lx->nmarkers, i, m, k, chunk;
	sqlkit_value *vals = NULL;
	int rc = 0;

	if (p->execute_many && nm) {
		chunk = MANY_VALUES / nm > MANY_CHUNK ? MANY_VALUES / nm : MANY_CHUNK;
		if (chunk > nsets)
			chunk = nsets;
		if (!(vals = malloc(chunk * nm * sizeof *vals)))
			return sqlkit__error_oom();
	} else {
		chunk = 1;
	}
	/* The set the current name mapping was made from: a set whose names are
	 * the same pointers at the mapped places is laid out like it. (Comparing
	 * with set 0 after another set had remapped bound values to the wrong
	 * markers.) */
	ref = sets;
	for (i = 0; i < nsets; i += chunk) {
		size_t n = nsets - i < chunk ? nsets - i : chunk, s;

		for (s = 0; s < n; s++) {
			const sqlkit_param *set = sets + (i + s) * per_set;
			/* this set's values go straight into the batch (or scratch) */
			sqlkit_value *dst = vals ? vals + s * nm : stmt->scratch;
			const size_t *map = stmt->map;
			int same = (i + s) > 0;
			/* Sets laid out like the reference one reuse its name mapping
			 * (set 0 was bound by executemany() and left the mapping). */
			for (k = 0; same && k < lx->nnames; k++)
				same = set[map[k]].name == ref[map[k]].name ||
				       name_is(set[map[k]].name, lx->names[k]);
			if (same) {
				for (k = 0; k < lx->nnames; k++)
					if ((rc = check_value(&set[map[k]].value, lx->names[k])) < 0)
						goto done;
				if (stmt->direct) {      /* marker m is name m */
					for (m = 0; m < nm; m++)
						dst[m] = set[map[m]].value;
				} else {
					for (m = 0; m < nm; m++)
						dst[m] = set[map[lx->marker_name[m]]].value;
				}
			} else if ((rc = sqlkit__stmt_bind(stmt, set, per_set)) < 0) {
				sqlkit__error_prefix("parameter set %zu", i + s);
				goto done;
			} else {
				ref = set;
				if (vals)
					memcpy(dst, stmt->scratch, nm * sizeof *vals);
			}
		}
		if (vals) {
			int64_t rows = 0;
			sqlkit_error_clear();
			if ((rc = p->execute_many(stmt->pstmt, vals, (unsigned)nm, n, &rows)) < 0) {
				sqlkit__conn_failed(conn, rc);
				sqlkit__error_prefix("executemany batch of %zu sets starting at set %zu", n, i);
				goto done;
			}
			*total += rows > 0 ? rows : 0;
		} else {
			int has_row = 0;
			sqlkit_error_clear();
			if ((rc = p->execute(stmt->pstmt, stmt->scratch, (unsigned)nm, &has_row)) < 0) {
				sqlkit__conn_failed(conn, rc);
				if (!conn->dead)
					p->reset(stmt->pstmt);
				sqlkit__error_prefix("parameter set %zu", i);
				goto done;
			}
			if (p->rows_affected) {
				int64_t r = p->rows_affected(stmt->pstmt);
				*total += r > 0 ? r : 0;
			}
			if ((rc = drain_and_reset(stmt, has_row)) < 0) {
				sqlkit__error_prefix("parameter set %zu", i);
				goto done;
			}
		}
	}
done:
	free(vals);
	return rc;
}

static int executemany(sqlkit_stmt *stmt, const sqlkit_param *sets, size_t per_set,
                       size_t nsets, int64_t *rows_affected)
{
	sqlkit_conn *conn = stmt->conn;
	int64_t total = 0;
	int rc, own_tx = 0;

	if (rows_affected)
		*rows_affected = 0;
	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!stmt->pstmt)
		return sqlkit__error(SQLKIT_ESTATE, "the statement's connection was closed");
	if (stmt->busy)
		return sqlkit__error(SQLKIT_ESTATE, "the statement still has an open result");
	if (nsets == 0)
		return 0;
	if (!sets)
		return sqlkit__error(SQLKIT_EINVAL, "executemany: sets is NULL");
	/* The first set fixes the name mapping that later sets are checked against. */
	if ((rc = sqlkit__stmt_bind(stmt, sets, per_set)) < 0) {
		sqlkit__error_prefix("parameter set 0");
		return rc;
	}
	if (!conn->in_tx) {
		if ((rc = sqlkit_conn_begin(conn)) < 0)
			return rc;
		own_tx = 1;
	}
	rc = run_many(stmt, sets, per_set, nsets, &total);
	if (own_tx) {
		if (rc == 0)
			rc = sqlkit_conn_commit(conn);
		if (rc < 0) {
			sqlkit__saved_error saved;
			sqlkit__error_save(&saved);
			if (!conn->dead && conn->in_tx)
				(void)sqlkit_conn_rollback(conn);
			conn->in_tx = 0;
			sqlkit__error_restore(&saved);
		}
	}
	if (rc == 0 && rows_affected)
		*rows_affected = total;
	return rc;
}

int sqlkit_stmt_executemany(sqlkit_stmt *stmt, const sqlkit_param *sets, size_t per_set,
                            size_t nsets, int64_t *rows_affected)
{
	sqlkit_conn *conn;
	double t0 = 0;
	int rc;

	if (!stmt)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_stmt_executemany: stmt is NULL");
	if ((conn = stmt->conn) && conn->echo)
		t0 = sqlkit__now();
	rc = executemany(stmt, sets, per_set, nsets, rows_affected);
	if (conn && conn->echo)
		echo(conn, stmt->text, sets, per_set, nsets, t0, rc);
	return rc;
}

int sqlkit_conn_executemany(sqlkit_conn *conn, const char *sql, const sqlkit_param *sets,
                            size_t per_set, size_t nsets, int64_t *rows_affected)
{
	sqlkit_stmt *stmt;
	double t0 = 0;
	int rc, temp;

	if (rows_affected)
		*rows_affected = 0;
	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!sql)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_executemany: sql is NULL");
	if (conn->echo)
		t0 = sqlkit__now();
	if ((rc = stmt_cached(&stmt, &temp, conn, sql)) == 0) {
		rc = executemany(stmt, sets, per_set, nsets, rows_affected);
		if (temp)
			sqlkit__stmt_destroy(stmt);
	}
	if (conn->echo)
		echo(conn, sql, sets, per_set, nsets, t0, rc);
	return rc;
}

int sqlkit_conn_last_insert_id(sqlkit_conn *conn, int64_t *out)
{
	int rc;

	if ((rc = check_usable(conn)) < 0)
		return rc;
	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_last_insert_id: out is NULL");
	if (!conn->plugin->last_insert_id)
		return sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                         "plugin \"%s\" has no last insert id; use RETURNING",
		                         conn->plugin->name);
	if ((rc = conn->plugin->last_insert_id(conn->pconn, out)) < 0)
		return sqlkit__conn_failed(conn, rc);
	return 0;
}
