/*
 * plugins/sqlite/sqlite.c - the SQLite plugin, on the sqlite3 C API.
 *
 *   sqlite://                       in-memory database
 *   sqlite:///relative/path.db      file, relative to the working directory
 *   sqlite:////absolute/path.db     file, absolute
 *   sqlite:///file.db?mode=ro&timeout=2.5&journal_mode=wal
 *
 * Query options: mode (ro, rw, rwc, memory), timeout (seconds to wait on a
 * locked database, default 5), foreign_keys (on by default), journal_mode,
 * cache (shared, private), uri (the database is a "file:" URI). Any other key
 * is an error. See README in this folder for the type mapping.
 *
 * Everything but the entry point is static. The plugin keeps no state but the
 * host table and its description, both written by the entry point, which the
 * registry calls under its loader lock.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

#if SQLITE_VERSION_NUMBER < 3020000
#error "the sqlite plugin needs SQLite 3.20 or newer (sqlite3_prepare_v3)"
#endif
#if SQLITE_VERSION_NUMBER < 3037000
#define sqlite3_changes64 sqlite3_changes
#endif
#ifndef SQLITE_OPEN_EXRESCODE
#define SQLITE_OPEN_EXRESCODE 0
#endif

#define PLUGIN_VERSION "0.1.0"
#define DEFAULT_TIMEOUT_MS 5000
#define NO_SET ((size_t)-1)        /* "not in execute_many" for fail() */

static const sqlkit_host *host;

/* ---------------------------------------------------------------- objects */

struct sqlkit_pconn {
	sqlite3 *db;
};

/* What the core knows about one result column. */
typedef struct column {
	const char *name;          /* copied: sqlite's own may move on re-prepare */
	sqlkit_type type;          /* from the declared type */
	char scratch[32];          /* text of a number read as DECIMAL or JSON */
} column;

/* The columns as of one compilation of the statement. SQLite re-prepares a
 * statement by itself after a schema change, which can change its columns;
 * the older layouts stay until finalize, because the core may still hold
 * names borrowed from them. */
typedef struct layout {
	struct layout *older;
	unsigned ncols;
	column col[];              /* then the names' bytes */
} layout;

enum { ST_IDLE, ST_ROW, ST_DONE };

/* A statement does not point at its connection: the core may finalize it after
 * closing the connection (sqlite3_close_v2 waits for it), so anything needing
 * the handle asks sqlite3_db_handle(). */
struct sqlkit_pstmt {
	sqlite3_stmt *stmt;
	layout *cols;
	unsigned nparams;
	int state;                 /* ST_* */
	int is_dml;                /* INSERT, UPDATE, DELETE or REPLACE */
	int reprepares;            /* SQLITE_STMTSTATUS_REPREPARE when cols was made */
	int64_t rows_affected;
	int stepped;               /* stepped since the last sqlite3_reset() */
	int big_copies;            /* a large text or blob was copied into a binding */
};

/* ---------------------------------------------------------------- small helpers */

static int oom(void)
{
	return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, SQLITE_NOMEM, 0,
	                   "out of memory");
}






/* Skip white space and comments (and semicolons when semis): the first byte of
 * SQL that matters, or end. */
static const char *skip_blank(const char *p, const char *end, int semis)
{
	while (p < end) {
		if (*p == ' ' || (*p >= '\t' && *p <= '\r') || (semis && *p == ';')) {
			p++;
		} else if (*p == '-' && p + 1 < end && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < end && p[1] == '*') {
			for (p += 2; p < end && !(*p == '*' && p + 1 < end && p[1] == '/'); p++)
				;
			p = p < end ? p + 2 : end;
		} else {
			break;
		}
	}
	return p;
}

static int is_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || c >= 0x80;
}

static int is_dml_word(const char *w, size_t n)
{
	return sqlkit_word_is(w, n, "insert") || sqlkit_word_is(w, n, "update") || sqlkit_word_is(w, n, "delete") ||
	       sqlkit_word_is(w, n, "replace");
}

/* Whether one statement's text is INSERT, UPDATE, DELETE or REPLACE, possibly
 * after a WITH clause: the only statements whose sqlite3_changes64() is theirs
 * (for DDL it still holds the previous DML's count). */
static int sql_is_dml(const char *p, const char *end)
{
	const char *w;
	int depth = 0;

	p = skip_blank(p, end, 1);
	for (w = p; p < end && is_ident_char((unsigned char)*p); p++)
		;
	if (!sqlkit_word_is(w, (size_t)(p - w), "with"))
		return is_dml_word(w, (size_t)(p - w));

	/* the first keyword outside the common table expressions' parentheses */
	while ((p = skip_blank(p, end, 0)) < end) {
		char c = *p;
		if (c == '(') {
			depth++, p++;
		} else if (c == ')') {
			depth--, p++;
		} else if (c == '\'' || c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : c;
			for (p++; p < end && *p != close; p++)
				;
			p = p < end ? p + 1 : end;   /* a doubled quote reads as two strings */
		} else if (is_ident_char((unsigned char)c)) {
			for (w = p; p < end && is_ident_char((unsigned char)*p); p++)
				;
			if (depth == 0 && is_dml_word(w, (size_t)(p - w)))
				return 1;
			if (depth == 0 && (sqlkit_word_is(w, (size_t)(p - w), "select") ||
			                   sqlkit_word_is(w, (size_t)(p - w), "values")))
				return 0;
		} else {
			p++;
		}
	}
	return 0;
}


/* ---------------------------------------------------------------- errors */

/* sqlite result code -> sqlkit code, PEP 249 class and SQLSTATE. */
static void map_code(int ext, int *code, sqlkit_error_class *klass, const char **sqlstate)
{
	*code = SQLKIT_ERROR;
	*klass = SQLKIT_ERRCLASS_OPERATIONAL;
	*sqlstate = NULL;

	switch (ext & 0xff) {
	case SQLITE_CONSTRAINT:
		*code = SQLKIT_ECONSTRAINT;
		*klass = SQLKIT_ERRCLASS_INTEGRITY;
		switch (ext) {
		case SQLITE_CONSTRAINT_UNIQUE:
		case SQLITE_CONSTRAINT_PRIMARYKEY:
		case SQLITE_CONSTRAINT_ROWID:
			*sqlstate = "23505";
			break;
		case SQLITE_CONSTRAINT_FOREIGNKEY:
			*sqlstate = "23503";
			break;
		case SQLITE_CONSTRAINT_NOTNULL:
			*sqlstate = "23502";
			break;
		case SQLITE_CONSTRAINT_CHECK:
			*sqlstate = "23514";
			break;
		default:
			*sqlstate = "23000";
			break;
		}
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		*code = SQLKIT_EBUSY;
		break;
	case SQLITE_ERROR:
		*code = SQLKIT_ESQL;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*sqlstate = "42000";
		break;
	case SQLITE_RANGE:             /* a parameter index, not a value, out of range */
		*code = SQLKIT_EPARAM;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*sqlstate = "07009";
		break;
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		*klass = SQLKIT_ERRCLASS_DATA;
		*sqlstate = "22000";
		break;
	case SQLITE_READONLY:
		*sqlstate = "25006";
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
	case SQLITE_AUTH:
		*klass = SQLKIT_ERRCLASS_DATABASE;
		break;
	case SQLITE_NOMEM:
		*code = SQLKIT_ENOMEM;
		break;
	case SQLITE_MISUSE:
		*code = SQLKIT_ESTATE;
		*klass = SQLKIT_ERRCLASS_INTERFACE;
		break;
	case SQLITE_INTERNAL:
		*klass = SQLKIT_ERRCLASS_INTERNAL;
		break;
	default:                       /* CANTOPEN, IOERR, FULL, PERM, INTERRUPT, ABORT... */
		break;
	}
}

/* Report sqlite's error rc on db: "[context: ]<sqlite message>[ in "<sql>"][ (parameter set N)]". */
static int fail(sqlite3 *db, int rc, const char *context, const char *sql, size_t sqllen,
                size_t set)
{
	char snip[SQLKIT_SNIPPET_MAX + 4], setbuf[48] = "";
	sqlkit_error_class klass;
	const char *sqlstate, *msg;
	int code, ext = rc;

	if (db && (rc & 0xff) == rc) {
		int e = sqlite3_extended_errcode(db);
		if ((e & 0xff) == rc)
			ext = e;
	}
	map_code(ext, &code, &klass, &sqlstate);
	msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(ext);
	if (set != NO_SET)
		snprintf(setbuf, sizeof setbuf, " (parameter set %zu)", set);
	return host->error(code, klass, sqlstate, ext, 0, "%s%s%s%s%s%s%s",
	                   context ? context : "", context ? ": " : "", msg,
	                   sql ? " in \"" : "", sql ? sqlkit_snippet(snip, sql, sqllen) : "",
	                   sql ? "\"" : "", setbuf);
}

/* ---------------------------------------------------------------- connections */

typedef struct options {
	int flags;                 /* SQLITE_OPEN_* for the mode */
	int memory;                /* mode=memory */
	int timeout_ms;
	int foreign_keys;
	const char *journal_mode;  /* one of journal_modes[], or NULL */
	int cache;                 /* SQLITE_OPEN_SHAREDCACHE, _PRIVATECACHE or 0 */
	int uri;
} options;

static const char *const known_options = "mode, timeout, foreign_keys, journal_mode, cache, uri";
static const char *const journal_modes[] = { "delete", "truncate", "persist", "memory", "wal",
                                             "off", NULL };

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "on", "true", "yes", "1", NULL };
	static const char *const no[] = { "off", "false", "no", "0", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (sqlkit_equal_ci(s, yes[i]))
			return *out = 1, 0;
	for (i = 0; no[i]; i++)
		if (sqlkit_equal_ci(s, no[i]))
			return *out = 0, 0;
	return -1;
}

/* Seconds as "5", "0.25" or ".5" (no locale, no exponent) -> milliseconds. */
static int parse_timeout(const char *s, int *ms)
{
	long long whole = 0;
	int frac = 0, scale = 100, digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((whole = whole * 10 + (*s - '0')) > INT_MAX / 1000)
			return -1;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, scale /= 10)
			frac += (*s - '0') * scale;
	if (*s || !digits)
		return -1;
	*ms = (int)(whole * 1000) + frac;
	return 0;
}

static int bad_value(const char *key, const char *value, const char *expected)
{
	return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
	                   "invalid value \"%s\" for sqlite option \"%s\": expected %s",
	                   value, key, expected);
}

static int parse_options(options *o, const sqlkit_plugin_url *url)
{
	size_t i, j;

	o->flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	o->memory = 0;
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	o->foreign_keys = 1;
	o->journal_mode = NULL;
	o->cache = 0;
	o->uri = 0;

	for (i = 0; i < url->nquery; i++) {
		const char *k = url->query_keys[i], *v = url->query_values[i] ? url->query_values[i] : "";

		for (j = 0; j < i; j++)
			if (strcmp(url->query_keys[j], k) == 0)
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "sqlite option \"%s\" is given more than once", k);

		if (strcmp(k, "mode") == 0) {
			o->memory = 0;
			if (strcmp(v, "ro") == 0)
				o->flags = SQLITE_OPEN_READONLY;
			else if (strcmp(v, "rw") == 0)
				o->flags = SQLITE_OPEN_READWRITE;
			else if (strcmp(v, "rwc") == 0)
				o->flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
			else if (strcmp(v, "memory") == 0)
				o->flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, o->memory = 1;
			else
				return bad_value(k, v, "ro, rw, rwc or memory");
		} else if (strcmp(k, "timeout") == 0) {
			if (parse_timeout(v, &o->timeout_ms) < 0)
				return bad_value(k, v, "seconds, such as 5 or 0.5");
		} else if (strcmp(k, "foreign_keys") == 0) {
			if (parse_bool(v, &o->foreign_keys) < 0)
				return bad_value(k, v, "on or off");
		} else if (strcmp(k, "journal_mode") == 0) {
			for (j = 0; journal_modes[j] && !sqlkit_equal_ci(v, journal_modes[j]); j++)
				;
			if (!journal_modes[j])
				return bad_value(k, v, "delete, truncate, persist, memory, wal or off");
			o->journal_mode = journal_modes[j];
		} else if (strcmp(k, "cache") == 0) {
			if (strcmp(v, "shared") == 0)
				o->cache = SQLITE_OPEN_SHAREDCACHE;
			else if (strcmp(v, "private") == 0)
				o->cache = SQLITE_OPEN_PRIVATECACHE;
			else
				return bad_value(k, v, "shared or private");
		} else if (strcmp(k, "uri") == 0) {
			if (parse_bool(v, &o->uri) < 0)
				return bad_value(k, v, "true or false");
		} else {
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "unknown sqlite option \"%s\" (known: %s)", k, known_options);
		}
	}
	return 0;
}

/* SQLite URLs name a file, never a server: "sqlite://foo.db" is a mistake for
 * "sqlite:///foo.db" that would otherwise open an empty database somewhere. */
static int check_no_server(const sqlkit_plugin_url *url)
{
	if (url->host && *url->host)
		return host->error(SQLKIT_EURL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "sqlite URLs have no host, but \"%s\" was given: "
		                   "write sqlite:///%s for a relative path", url->host, url->host);
	if ((url->username && *url->username) || (url->password && *url->password) || url->port)
		return host->error(SQLKIT_EURL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "sqlite URLs take no user name, password or port");
	return 0;
}

static int exec_sql(sqlite3 *db, const char *sql, const char *context)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(db, rc, context, NULL, 0, NO_SET);
}

/* PRAGMA journal_mode answers the mode in force, which may not be the one asked
 * for (an in-memory database stays "memory"): say so in the log. */
static int set_journal_mode(sqlite3 *db, const char *mode, const char *name)
{
	char sql[40], context[64];
	sqlite3_stmt *st;
	const char *now;
	int rc;

	snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", mode);
	snprintf(context, sizeof context, "could not set journal mode \"%s\"", mode);
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return fail(db, rc, context, NULL, 0, NO_SET);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fail(db, rc, context, NULL, 0, NO_SET);
		sqlite3_finalize(st);
		return rc;
	}
	now = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (now && !sqlkit_equal_ci(now, mode))
		host->log(SQLKIT_LOG_WARNING, "sqlite database \"%s\" keeps journal mode \"%s\", "
		          "not \"%s\"", name, now, mode);
	sqlite3_finalize(st);
	return 0;
}

static int sqlite_connect(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver)
{
	const char *name = url->database;
	char *path = NULL;
	sqlite3 *db = NULL;
	sqlkit_pconn *conn = NULL;
	options o;
	int rc, flags;

	(void)driver;              /* "sqlite3" and "pysqlite" are the same driver */
	*out = NULL;
	if ((rc = check_no_server(url)) < 0 || (rc = parse_options(&o, url)) < 0)
		return rc;

	flags = o.flags | o.cache | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	if (o.uri) {
		if (!name || !*name)
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "sqlite option \"uri\" needs a \"file:\" URI as the database");
		flags |= SQLITE_OPEN_URI;
	} else if (!name || !*name || strcmp(name, ":memory:") == 0) {
		name = ":memory:";
	} else if (!o.memory && strncmp(name, "file:", 5) == 0) {
		/* a file that happens to be called "file:...", even where sqlite was
		 * built to read every name as a URI */
		if (!(path = sqlite3_mprintf("./%s", name)))
			return oom();
	}
	if (o.memory)
		flags |= SQLITE_OPEN_MEMORY;   /* a name then only matters to a shared cache */

	rc = sqlite3_open_v2(path ? path : name, &db, flags, NULL);
	sqlite3_free(path);
	if (rc != SQLITE_OK) {
		char context[1100];
		snprintf(context, sizeof context, "could not open database \"%s\"", name);
		rc = fail(db, rc, context, NULL, 0, NO_SET);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, o.timeout_ms);
	/* said either way: sqlite may be built with foreign keys on by default */
	if ((rc = exec_sql(db, o.foreign_keys ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF",
	                   "could not set foreign_keys")) < 0)
		goto fail;
	if (o.journal_mode && (rc = set_journal_mode(db, o.journal_mode, name)) < 0)
		goto fail;
	if (!(conn = host->malloc(sizeof *conn))) {
		rc = oom();
		goto fail;
	}
	conn->db = db;
	*out = conn;
	return 0;

fail:
	sqlite3_close(db);
	return rc;
}

static void sqlite_close(sqlkit_pconn *conn)
{
	if (!conn)
		return;
	/* _v2: statements the core has not finalized yet keep the handle alive */
	sqlite3_close_v2(conn->db);
	host->free(conn);
}

/* An SQLite connection is a file handle: it is alive while it is open. */
static int sqlite_ping(sqlkit_pconn *conn)
{
	(void)conn;
	return 0;
}

static int sqlite_begin(sqlkit_pconn *conn)
{
	return exec_sql(conn->db, "BEGIN", NULL);
}

static int sqlite_commit(sqlkit_pconn *conn)
{
	return exec_sql(conn->db, "COMMIT", NULL);
}

/* Some errors (SQLITE_FULL, IOERR, BUSY, NOMEM) end the transaction by
 * themselves; rolling back what is already rolled back is not an error. */
static int sqlite_rollback(sqlkit_pconn *conn)
{
	if (sqlite3_get_autocommit(conn->db))
		return 0;
	return exec_sql(conn->db, "ROLLBACK", NULL);
}

static int savepoint_sql(sqlkit_pconn *conn, const char *verb, const char *name)
{
	char *sql = sqlite3_mprintf("%s \"%w\"", verb, name);
	int rc;

	if (!sql)
		return oom();
	rc = exec_sql(conn->db, sql, NULL);
	sqlite3_free(sql);
	return rc;
}

static int sqlite_savepoint(sqlkit_pconn *conn, const char *name)
{
	return savepoint_sql(conn, "SAVEPOINT", name);
}

static int sqlite_release_savepoint(sqlkit_pconn *conn, const char *name)
{
	return savepoint_sql(conn, "RELEASE SAVEPOINT", name);
}

static int sqlite_rollback_to_savepoint(sqlkit_pconn *conn, const char *name)
{
	return savepoint_sql(conn, "ROLLBACK TO SAVEPOINT", name);
}

static int sqlite_last_insert_id(sqlkit_pconn *conn, int64_t *out)
{
	*out = sqlite3_last_insert_rowid(conn->db);
	return 0;
}

/* ---------------------------------------------------------------- column types */

/* A declared type, SQLite's affinity rules first (so "POINT" is an INT, as
 * SQLite stores it), then the names SQLAlchemy's SQLite dialect writes. */
static sqlkit_type decltype_to_type(const char *decl)
{
	if (!decl || !*decl)
		return SQLKIT_TYPE_NULL;
	if (sqlkit_contains_ci(decl, "BOOL"))
		return SQLKIT_TYPE_BOOL;
	if (sqlkit_contains_ci(decl, "INT"))
		return SQLKIT_TYPE_INT;
	if (sqlkit_contains_ci(decl, "CHAR") || sqlkit_contains_ci(decl, "CLOB") || sqlkit_contains_ci(decl, "TEXT"))
		return SQLKIT_TYPE_TEXT;
	if (sqlkit_contains_ci(decl, "BLOB"))
		return SQLKIT_TYPE_BLOB;
	if (sqlkit_contains_ci(decl, "REAL") || sqlkit_contains_ci(decl, "FLOA") || sqlkit_contains_ci(decl, "DOUB"))
		return SQLKIT_TYPE_FLOAT;
	if (sqlkit_contains_ci(decl, "DECIMAL") || sqlkit_contains_ci(decl, "NUMERIC"))
		return SQLKIT_TYPE_DECIMAL;
	if (sqlkit_contains_ci(decl, "DATETIME") || sqlkit_contains_ci(decl, "TIMESTAMP"))
		return SQLKIT_TYPE_DATETIME;
	if (sqlkit_contains_ci(decl, "DATE"))
		return SQLKIT_TYPE_DATE;
	if (sqlkit_contains_ci(decl, "TIME"))
		return SQLKIT_TYPE_TIME;
	if (sqlkit_contains_ci(decl, "JSON"))
		return SQLKIT_TYPE_JSON;
	if (sqlkit_contains_ci(decl, "UUID") || sqlkit_contains_ci(decl, "UNIQUEIDENTIFIER"))
		return SQLKIT_TYPE_UUID;
	return SQLKIT_TYPE_NULL;
}

/* Describe the statement's columns as compiled now; the previous layout is kept. */
static int load_columns(sqlkit_pstmt *st)
{
	unsigned i, n = (unsigned)sqlite3_column_count(st->stmt);
	size_t size = sizeof(layout) + n * sizeof(column);
	layout *l;
	char *p;

	for (i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st->stmt, (int)i);
		if (!name)
			return oom();
		size += strlen(name) + 1;
	}
	if (!(l = host->malloc(size)))
		return oom();
	l->older = st->cols;
	l->ncols = n;
	p = (char *)&l->col[n];
	for (i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st->stmt, (int)i);
		size_t len = name ? strlen(name) : 0;
		memcpy(p, name ? name : "", len + 1);
		l->col[i].name = p;
		l->col[i].type = decltype_to_type(sqlite3_column_decltype(st->stmt, (int)i));
		l->col[i].scratch[0] = '\0';
		p += len + 1;
	}
	st->cols = l;
	st->reprepares = sqlite3_stmt_status(st->stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
	return 0;
}

/* After a step: if SQLite re-prepared the statement (schema change), describe it again. */
static int refresh_columns(sqlkit_pstmt *st)
{
	if (st->is_dml && st->cols->ncols == 0)   /* no rows: a new layout would still have none */
		return 0;
	if (sqlite3_stmt_status(st->stmt, SQLITE_STMTSTATUS_REPREPARE, 0) == st->reprepares)
		return 0;
	return load_columns(st);
}

/* ---------------------------------------------------------------- statements */

static void sqlite_finalize(sqlkit_pstmt *st)
{
	layout *l, *older;

	if (!st)
		return;
	sqlite3_finalize(st->stmt);
	for (l = st->cols; l; l = older) {
		older = l->older;
		host->free(l);
	}
	host->free(st);
}

static int check_markers(sqlite3_stmt *stmt, unsigned nparams, const char *sql, size_t len)
{
	char snip[SQLKIT_SNIPPET_MAX + 4];
	int i, n = sqlite3_bind_parameter_count(stmt);

	if (n != (int)nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07001", 0, 0,
		                   "statement has %d parameter markers, %u expected, in \"%s\"",
		                   n, nparams, sqlkit_snippet(snip, sql, len));
	/* ?1..?n, each index written as itself: anything else binds by surprise */
	for (i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(stmt, i), *q;
		long v = 0;
		if (name && name[0] == '?' && name[1] && name[1] != '0') {
			for (q = name + 1; *q >= '0' && *q <= '9' && v <= INT_MAX; q++)
				v = v * 10 + (*q - '0');
			if (!*q && v == i)
				continue;
		}
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07001", 0, 0,
		                   "parameter marker %d is \"%s\", expected \"?%d\", in \"%s\"",
		                   i, name ? name : "?", i, sqlkit_snippet(snip, sql, len));
	}
	return 0;
}

static int sqlite_prepare(sqlkit_pstmt **out, sqlkit_pconn *conn, const char *sql, size_t len,
                          unsigned nparams)
{
	char snip[SQLKIT_SNIPPET_MAX + 4];
	const char *start, *tail = NULL, *end = sql + len;
	sqlite3_stmt *stmt = NULL;
	sqlkit_pstmt *st;
	int rc;

	*out = NULL;
	if (len > INT_MAX)
		return host->error(SQLKIT_ESQL, SQLKIT_ERRCLASS_PROGRAMMING, "54000", SQLITE_TOOBIG, 0,
		                   "statement of %zu bytes is too long for sqlite", len);
	start = skip_blank(sql, end, 1);
	rc = sqlite3_prepare_v3(conn->db, start, (int)(end - start), SQLITE_PREPARE_PERSISTENT,
	                        &stmt, &tail);
	if (rc != SQLITE_OK)
		return fail(conn->db, rc, NULL, sql, len, NO_SET);
	if (!stmt)
		return host->error(SQLKIT_ESQL, SQLKIT_ERRCLASS_PROGRAMMING, "42000", 0, 0,
		                   "no statement in \"%s\"", sqlkit_snippet(snip, sql, len));
	if (tail && (tail = skip_blank(tail, end, 1)) < end) {
		const char *p = tail;
		while (p < end && !*p)   /* a length that counts the terminator */
			p++;
		if (p < end) {
			rc = host->error(SQLKIT_ESQL, SQLKIT_ERRCLASS_PROGRAMMING, "42000", 0, 0,
			                 "%s in \"%s\"", memchr(tail, '\0', (size_t)(end - tail)) ?
			                 "NUL byte" : "more than one statement", sqlkit_snippet(snip, sql, len));
			goto fail;
		}
	}
	if ((rc = check_markers(stmt, nparams, sql, len)) < 0)
		goto fail;

	if (!(st = host->calloc(1, sizeof *st))) {
		rc = oom();
		goto fail;
	}
	st->stmt = stmt;
	st->cols = NULL;
	st->nparams = nparams;
	st->state = ST_IDLE;
	st->is_dml = !sqlite3_stmt_readonly(stmt) && sql_is_dml(start, tail ? tail : end);
	st->rows_affected = -1;
	if ((rc = load_columns(st)) < 0) {
		sqlite_finalize(st);
		return rc;
	}
	*out = st;
	return 0;

fail:
	sqlite3_finalize(stmt);
	return rc;
}

/* SQLAlchemy's SQLite storage keeps six fraction digits even when they are
 * zero ("12:00:00.000000"), so stored values compare and sort as text. */
static int format_datetime(char *buf, size_t size, const sqlkit_value *v)
{
	int n = host->datetime_format(buf, size, v);
	char *p;
	size_t at;

	if (n < 0 || v->type == SQLKIT_TYPE_DATE || v->u.dt.microsecond != 0)
		return n;
	if (!(p = strchr(buf, ':')) || !(p = strchr(p + 1, ':')) || p + 3 > buf + n)
		return n;
	at = (size_t)(p + 3 - buf);
	if (buf[at] == '.' || (size_t)n + 7 >= size)
		return n;
	memmove(buf + at + 7, buf + at, (size_t)n - at + 1);
	memcpy(buf + at, ".000000", 7);
	return n + 7;
}

/* " (parameter set N)" for a message about set N of execute_many, "" for a
 * single execute. Only formatted when there is an error to report: it used to
 * be written for every set on entry, most of bind_params' cost per set. */
static const char *set_note(char buf[48], size_t set)
{
	if (set == NO_SET)
		return "";
	snprintf(buf, 48, " (parameter set %zu)", set);
	return buf;
}

/* Bind one set of values: execute binds the only one (set NO_SET), execute_many
 * each in turn (set counted from 0 within the call, for messages). */
static int bind_params(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams, size_t set)
{
	char setbuf[48];
	unsigned i;

	if (nparams != st->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07001", 0, 0,
		                   "statement takes %u parameters, %u given%s", st->nparams, nparams,
		                   set_note(setbuf, set));
	if (nparams && !params)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no parameter values for %u parameters%s", nparams,
		                   set_note(setbuf, set));

	/* A statement without result columns runs to its end inside this call, so
	 * sqlite may borrow the caller's bytes (STATIC); one with rows may read its
	 * bindings again at a later step, after the caller's bytes are gone. */
	sqlite3_destructor_type keep = st->cols->ncols == 0 ? SQLITE_STATIC : SQLITE_TRANSIENT;

	for (i = 0; i < nparams; i++) {
		const sqlkit_value *v = &params[i];
		int rc, at = (int)i + 1;
		char buf[64];

		switch (v->type) {
		case SQLKIT_TYPE_NULL:
			rc = sqlite3_bind_null(st->stmt, at);
			break;
		case SQLKIT_TYPE_INT:
			rc = sqlite3_bind_int64(st->stmt, at, v->u.i);
			break;
		case SQLKIT_TYPE_FLOAT:
			if (v->u.f != v->u.f)   /* sqlite would store NaN as NULL */
				return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22000", 0, 0,
				                   "parameter ?%d is NaN, which sqlite cannot store%s",
				                   at, set_note(setbuf, set));
			rc = sqlite3_bind_double(st->stmt, at, v->u.f);
			break;
		case SQLKIT_TYPE_BOOL:
			rc = sqlite3_bind_int(st->stmt, at, v->u.b != 0);
			break;
		case SQLKIT_TYPE_TEXT:
		case SQLKIT_TYPE_JSON:
		case SQLKIT_TYPE_DECIMAL:   /* as text: exact, whatever the column makes of it */
			if (!v->u.s.ptr && v->u.s.len)
				goto no_bytes;
			if (keep == SQLITE_TRANSIENT && v->u.s.len > 4096)
				st->big_copies = 1;
			rc = sqlite3_bind_text64(st->stmt, at, v->u.s.ptr ? v->u.s.ptr : "",
			                         (sqlite3_uint64)v->u.s.len, keep, SQLITE_UTF8);
			break;
		case SQLKIT_TYPE_BLOB:
			if (!v->u.s.ptr && v->u.s.len)
				goto no_bytes;
			if (!v->u.s.len)        /* a NULL pointer would bind NULL */
				rc = sqlite3_bind_zeroblob(st->stmt, at, 0);
			else
			{
				if (keep == SQLITE_TRANSIENT && v->u.s.len > 4096)
					st->big_copies = 1;
				rc = sqlite3_bind_blob64(st->stmt, at, v->u.s.ptr,
				                         (sqlite3_uint64)v->u.s.len, keep);
			}
			break;
		case SQLKIT_TYPE_DATE:
		case SQLKIT_TYPE_TIME:
		case SQLKIT_TYPE_DATETIME: {
			int n = format_datetime(buf, sizeof buf, v);
			if (n < 0)
				return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22007", 0, 0,
				                   "parameter ?%d is not a valid date or time%s", at,
				                   set_note(setbuf, set));
			rc = sqlite3_bind_text(st->stmt, at, buf, n, SQLITE_TRANSIENT);
			break;
		}
		case SQLKIT_TYPE_UUID:
			host->uuid_format(buf, v->u.uuid);
			rc = sqlite3_bind_text(st->stmt, at, buf, 36, SQLITE_TRANSIENT);
			break;
		default:
			return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "parameter ?%d has unknown type %d%s", at, (int)v->type,
			                   set_note(setbuf, set));
		}
		if (rc != SQLITE_OK) {
			char context[32];
			snprintf(context, sizeof context, "parameter ?%d", at);
			return fail(sqlite3_db_handle(st->stmt), rc, context, NULL, 0, set);
		}
		continue;
no_bytes:
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "parameter ?%d has a length but no bytes%s", at,
		                   set_note(setbuf, set));
	}
	return 0;
}

static int sqlite_execute(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                          int *has_row)
{
	int rc;

	*has_row = 0;
	if (st->stepped)   /* the core usually reset it already */
		sqlite3_reset(st->stmt);
	st->state = ST_IDLE;
	st->rows_affected = -1;
	if ((rc = bind_params(st, params, nparams, NO_SET)) < 0)
		return rc;

	st->stepped = 1;
	rc = sqlite3_step(st->stmt);
	if (rc == SQLITE_ROW) {
		st->state = ST_ROW;
		*has_row = 1;
	} else if (rc == SQLITE_DONE) {
		st->state = ST_DONE;
		if (st->is_dml)
			st->rows_affected = sqlite3_changes64(sqlite3_db_handle(st->stmt));
	} else {
		rc = fail(sqlite3_db_handle(st->stmt), rc, NULL, NULL, 0, NO_SET);
		sqlite3_reset(st->stmt);
		return rc;
	}
	if ((rc = refresh_columns(st)) < 0) {
		sqlite3_reset(st->stmt);
		st->state = ST_IDLE;
		*has_row = 0;
		return rc;
	}
	return 0;
}

static int sqlite_step(sqlkit_pstmt *st)
{
	sqlite3 *db = sqlite3_db_handle(st->stmt);
	int rc;

	if (st->state == ST_DONE)   /* stepping again would run the statement again */
		return 0;
	if (st->state != ST_ROW)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "statement is not executing");
	rc = sqlite3_step(st->stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		st->state = ST_DONE;
		if (st->is_dml)   /* INSERT ... RETURNING: counted when it ends */
			st->rows_affected = sqlite3_changes64(db);
		return 0;
	}
	rc = fail(db, rc, NULL, NULL, 0, NO_SET);
	sqlite3_reset(st->stmt);
	st->state = ST_IDLE;
	return rc;
}

static unsigned sqlite_column_count(sqlkit_pstmt *st)
{
	return st->cols->ncols;
}

static const char *sqlite_column_name(sqlkit_pstmt *st, unsigned i)
{
	return i < st->cols->ncols ? st->cols->col[i].name : NULL;
}

static sqlkit_type sqlite_column_type(sqlkit_pstmt *st, unsigned i)
{
	return i < st->cols->ncols ? st->cols->col[i].type : SQLKIT_TYPE_NULL;
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

/* Out of memory converting a column: a sqlite3_column_*() call lets sqlite
 * clear its malloc-failed state and record SQLITE_NOMEM on the statement, as
 * sqlite3_column_text() itself would have done. */
static int column_oom(sqlite3_stmt *s, unsigned i, sqlkit_value *out)
{
	(void)sqlite3_column_type(s, (int)i);
	out->type = SQLKIT_TYPE_NULL;
	return oom();
}

/* The stored value of column i (< ncols) of the current row, read as the
 * declared type says where the two agree. Every case sets the type and the
 * part of the value it uses (no clearing of the whole value first: this runs
 * for every column of every row). Inlined into both readers below, so
 * row_values is one loop without a call per column.
 *
 * One sqlite3_column_value() per column, then the sqlite3_value_*() getters
 * on it: each sqlite3_column_*() call looks the column up again (and enters
 * and leaves the connection's mutex), which was half of this function's cost.
 * sqlite calls that value "unprotected": its getters take no mutex. Our
 * connections are opened SQLITE_OPEN_NOMUTEX and used by one thread at a
 * time, so the column getters would take none either. */
static ALWAYS_INLINE int read_column(sqlkit_pstmt *st, sqlite3_stmt *s, unsigned i,
                                     sqlkit_value *out)
{
	sqlite3_value *v = sqlite3_column_value(s, (int)i);
	column *c = &st->cols->col[i];
	int n;

	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		out->type = SQLKIT_TYPE_NULL;
		return 0;

	case SQLITE_INTEGER: {
		int64_t iv = sqlite3_value_int64(v);
		if (c->type == SQLKIT_TYPE_BOOL) {
			out->type = SQLKIT_TYPE_BOOL;
			out->u.b = iv != 0;
		} else if (c->type == SQLKIT_TYPE_DECIMAL || c->type == SQLKIT_TYPE_JSON) {
			n = snprintf(c->scratch, sizeof c->scratch, "%" PRId64, iv);
			set_text(out, c->type, c->scratch, (size_t)n);
		} else {
			out->type = SQLKIT_TYPE_INT;
			out->u.i = iv;
		}
		return 0;
	}

	case SQLITE_FLOAT:
		/* NUMERIC affinity (JSON, UUID, DATETIME... columns) stores "1.5" as a real */
		if (c->type == SQLKIT_TYPE_JSON) {
			const char *p = (const char *)sqlite3_value_text(v);
			if (!p)
				return column_oom(s, i, out);
			set_text(out, SQLKIT_TYPE_JSON, p, (size_t)sqlite3_value_bytes(v));
		} else if (c->type == SQLKIT_TYPE_DECIMAL && isfinite(sqlite3_value_double(v))) {
			/* NUMERIC affinity keeps a decimal as a real only when its first 15
			 * significant digits survive the round trip (longer ones stay text):
			 * 15 digits give back exactly the number that was stored. */
			n = snprintf(c->scratch, sizeof c->scratch, "%.15g", sqlite3_value_double(v));
			set_text(out, SQLKIT_TYPE_DECIMAL, c->scratch, (size_t)n);
		} else {
			out->type = SQLKIT_TYPE_FLOAT;
			out->u.f = sqlite3_value_double(v);
		}
		return 0;

	case SQLITE_TEXT: {
		/* text first, then its length: the order sqlite documents as safe */
		const char *p = (const char *)sqlite3_value_text(v);
		size_t len;
		if (!p)
			return column_oom(s, i, out);
		len = (size_t)sqlite3_value_bytes(v);
		switch (c->type) {
		case SQLKIT_TYPE_DATE:
		case SQLKIT_TYPE_TIME:
		case SQLKIT_TYPE_DATETIME: {
			sqlkit_value dt;
			if (host->datetime_parse(&dt, p, len) != 0)
				break;   /* not a date: the text as it is */
			if (c->type == SQLKIT_TYPE_DATETIME && dt.type == SQLKIT_TYPE_DATE)
				dt.type = SQLKIT_TYPE_DATETIME;   /* midnight */
			*out = dt;
			return 0;
		}
		case SQLKIT_TYPE_UUID:
			if (host->uuid_parse(out->u.uuid, p, len) == 0) {
				out->type = SQLKIT_TYPE_UUID;
				return 0;
			}
			memset(out, 0, sizeof *out);
			break;
		case SQLKIT_TYPE_JSON:
			set_text(out, SQLKIT_TYPE_JSON, p, len);
			return 0;
		case SQLKIT_TYPE_DECIMAL:
			if (sqlkit_decimal_text_valid(p, len)) {
				set_text(out, SQLKIT_TYPE_DECIMAL, p, len);
				return 0;
			}
			break;
		default:
			break;
		}
		set_text(out, SQLKIT_TYPE_TEXT, p, len);
		return 0;
	}

	case SQLITE_BLOB: {
		const void *p = sqlite3_value_blob(v);
		size_t len = (size_t)sqlite3_value_bytes(v);
		if (!p && len)
			return column_oom(s, i, out);
		if (c->type == SQLKIT_TYPE_UUID && len == 16) {
			out->type = SQLKIT_TYPE_UUID;
			memcpy(out->u.uuid, p, 16);
			return 0;
		}
		set_text(out, SQLKIT_TYPE_BLOB, p ? p : "", len);   /* never NULL, even when empty */
		return 0;
	}
	}
	out->type = SQLKIT_TYPE_NULL;
	return host->error(SQLKIT_ERROR, SQLKIT_ERRCLASS_INTERNAL, NULL, 0, 0,
	                   "column %u has an unknown sqlite storage class", i);
}

static int no_row(void)
{
	return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
}

static int sqlite_column_value(sqlkit_pstmt *st, unsigned i, sqlkit_value *out)
{
	if (st->state != ST_ROW || i >= st->cols->ncols) {
		memset(out, 0, sizeof *out);
		if (st->state != ST_ROW)
			return no_row();
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no column %u: the row has %u", i, st->cols->ncols);
	}
	return read_column(st, st->stmt, i, out);
}

/* The whole row: the state and the count checked once, not per column. */
static int sqlite_row_values(sqlkit_pstmt *st, sqlkit_value *out, unsigned n)
{
	sqlite3_stmt *s = st->stmt;
	unsigned i;
	int rc;

	if (st->state != ST_ROW)
		return no_row();
	if (n > st->cols->ncols)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "%u values asked for: the row has %u", n, st->cols->ncols);
	for (i = 0; i < n; i++)
		if ((rc = read_column(st, s, i, &out[i])) < 0)
			return rc;
	return 0;
}

static int64_t sqlite_rows_affected(sqlkit_pstmt *st)
{
	return st->rows_affected;
}

static void sqlite_reset(sqlkit_pstmt *st)
{
	if (st->stepped) {
		sqlite3_reset(st->stmt);
		st->stepped = 0;
	}
	if (st->big_copies) {   /* drop copies of big texts and blobs now */
		sqlite3_clear_bindings(st->stmt);
		st->big_copies = 0;
	}
	st->state = ST_IDLE;
}

/* Every set in turn, stopping at the first error. The sets before it stay
 * applied (the caller's transaction or savepoint decides), and *rows_affected
 * counts them. Rows a set returns (RETURNING) are discarded. */
static int sqlite_execute_many(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                               size_t nsets, int64_t *rows_affected)
{
	sqlite3 *db = sqlite3_db_handle(st->stmt);
	int64_t total = 0;
	size_t k;
	int rc = 0;

	sqlite3_reset(st->stmt);
	st->stepped = 0;
	st->state = ST_IDLE;
	for (k = 0; k < nsets; k++) {
		if ((rc = bind_params(st, params ? params + k * nparams : NULL, nparams, k)) < 0)
			break;
		while ((rc = sqlite3_step(st->stmt)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			rc = fail(db, rc, NULL, NULL, 0, k);
			break;
		}
		rc = 0;
		if (st->is_dml)
			total += sqlite3_changes64(db);
		sqlite3_reset(st->stmt);
	}
	sqlite3_reset(st->stmt);
	if (st->big_copies) {
		sqlite3_clear_bindings(st->stmt);
		st->big_copies = 0;
	}
	st->rows_affected = st->is_dml ? total : -1;
	if (rows_affected)
		*rows_affected = st->rows_affected;
	return rc;
}

/* ---------------------------------------------------------------- entry point */

static const char *const schemes[] = { "sqlite", NULL };
static const char *const drivers[] = { "sqlite3", "pysqlite", NULL };
static char description[64];

/* Every connection to an in-memory database (without a shared cache) is a
 * database of its own: an engine must share one connection. */
static int sqlite_single_connection(const sqlkit_plugin_url *url)
{
	const char *name = url->database;
	options o;

	if (parse_options(&o, url) < 0)
		return 0;    /* connect will report the bad option */
	if (o.cache == SQLITE_OPEN_SHAREDCACHE || o.uri)
		return 0;
	return o.memory || !name || !*name || strcmp(name, ":memory:") == 0;
}

/* SQLite is serializable; READ UNCOMMITTED applies between connections that share
 * a cache. */
static int sqlite_set_isolation_level(sqlkit_pconn *conn, const char *level)
{
	if (sqlkit_equal_ci(level, "SERIALIZABLE"))
		return exec_sql(conn->db, "PRAGMA read_uncommitted = 0", "set isolation level");
	if (sqlkit_equal_ci(level, "READ UNCOMMITTED"))
		return exec_sql(conn->db, "PRAGMA read_uncommitted = 1", "set isolation level");
	return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
	                   "sqlite has no isolation level \"%s\" (it has SERIALIZABLE and "
	                   "READ UNCOMMITTED)", level);
}

/* How SQLite spells SQL (dialect.c). */
extern const sqlkit_dialect sqlkit__dialect_sqlite;

/* A table or view of that name in the main or temp schema. */
static int sqlite_has_table(sqlkit_pconn *conn, const char *name)
{
	static const char sql[] = "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') "
	                          "AND name = ?1 UNION ALL SELECT 1 FROM sqlite_temp_master "
	                          "WHERE type IN ('table', 'view') AND name = ?1";
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(conn->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return fail(conn->db, rc, "has_table", NULL, 0, NO_SET);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(conn->db, rc, "has_table", NULL, 0, NO_SET);
}

/* Not const: RETURNING and the description depend on the sqlite3 library
 * found at run time. */
static sqlkit_plugin plugin = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = SQLKIT_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(sqlkit_plugin),
	.name = "sqlite",
	.version = PLUGIN_VERSION,
	.schemes = schemes,
	.drivers = drivers,
	.features = SQLKIT_FEATURE_SAVEPOINTS | SQLKIT_FEATURE_TRANSACTIONAL_DDL |
	            SQLKIT_FEATURE_LASTROWID | SQLKIT_FEATURE_MULTI_VALUES,
	.paramstyle = SQLKIT_PARAMSTYLE_NUMERIC_QMARK,
	.description = description,

	.connect = sqlite_connect,
	.close = sqlite_close,
	.ping = sqlite_ping,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.savepoint = sqlite_savepoint,
	.release_savepoint = sqlite_release_savepoint,
	.rollback_to_savepoint = sqlite_rollback_to_savepoint,
	.last_insert_id = sqlite_last_insert_id,

	.prepare = sqlite_prepare,
	.execute = sqlite_execute,
	.step = sqlite_step,
	.column_count = sqlite_column_count,
	.column_name = sqlite_column_name,
	.column_type = sqlite_column_type,
	.column_value = sqlite_column_value,
	.rows_affected = sqlite_rows_affected,
	.reset = sqlite_reset,
	.finalize = sqlite_finalize,
	.execute_many = sqlite_execute_many,

	.single_connection = sqlite_single_connection,
	.set_isolation_level = sqlite_set_isolation_level,
	.has_table = sqlite_has_table,

	.dialect = &sqlkit__dialect_sqlite,

	.row_values = sqlite_row_values,
};

SQLKIT_PLUGIN_EXPORT int sqlite_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
		const sqlkit_host *h, const sqlkit_plugin **out);

SQLKIT_PLUGIN_EXPORT int sqlite_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
		const sqlkit_host *h, const sqlkit_plugin **out)
{
	(void)abi_minor;
	/* before anything else: a host too old for us cannot even take an error */
	if (abi_major != SQLKIT_PLUGIN_ABI_MAJOR || !h || h->abi_major != SQLKIT_PLUGIN_ABI_MAJOR ||
	    h->struct_size < offsetof(sqlkit_host, uuid_format) + sizeof h->uuid_format)
		return SQLKIT_EABI;
	host = h;
	if (!out)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "sqlite plugin: no place for the description");

	if (sqlite3_libversion_number() >= 3035000)
		plugin.features |= SQLKIT_FEATURE_RETURNING;
	snprintf(description, sizeof description, "SQLite %s (sqlite3 C API)", sqlite3_libversion());
	*out = &plugin;
	return 0;
}
