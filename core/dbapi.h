/*
 * core/dbapi.h - the bodies of connections, statements, results and rows,
 * shared by core/connection.c and core/result.c.
 */
#ifndef SQLKIT_CORE_DBAPI_H
#define SQLKIT_CORE_DBAPI_H

#include "sqlkit/connection.h"
#include "sqlkit/engine.h"
#include "sqlkit/plugin.h"
#include "lexer.h"

/* Column names and types, shared (refcounted) by a statement and the rowsets
 * copied from its results. */
typedef struct sqlkit__columns {
	unsigned refs;
	unsigned n;
	char **names;
	sqlkit_type *types;
} sqlkit__columns;

struct sqlkit_row {
	const sqlkit__columns *cols;
	sqlkit_value *values;
};

#define SQLKIT__STMT_CACHE 32

struct sqlkit_stmt {
	sqlkit_conn *conn;            /* NULL once the connection closed under it */
	sqlkit_pstmt *pstmt;
	sqlkit__lexed lex;
	char *text;                   /* the SQL as given (the cache key) */
	size_t text_len;
	unsigned long hash;
	int cached;                   /* owned by the connection's cache */
	int busy;                     /* a result is open on it */
	unsigned long long used;      /* last use tick, for LRU eviction */
	sqlkit__columns *cols;        /* built at the first execution */
	sqlkit_value *scratch;        /* nmarkers values handed to the plugin */
	size_t *map;                  /* distinct name -> index into the caller's params */
	int direct;                   /* marker i is name i: params in name order bind as they are */
	int mapped;                   /* map is not the identity */
	struct sqlkit_stmt *next, *prev;  /* user-prepared statements of the connection */
	struct sqlkit_result *spare;  /* the last result freed, kept for the next execution */
};

/* Where a connection's statements are echoed (owned by its engine). */
typedef struct sqlkit__echo {
	sqlkit_echo_fn fn;
	void *userdata;
} sqlkit__echo;

struct sqlkit__pool;

struct sqlkit_conn {
	const sqlkit_plugin *plugin;
	sqlkit_pconn *pconn;
	const char *driver;
	unsigned lex_flags;
	int in_tx;
	int dead;
	char **savepoints;
	size_t nsavepoints, capsavepoints;
	unsigned savepoint_seq;
	sqlkit_stmt *cache[SQLKIT__STMT_CACHE];
	size_t ncache;
	unsigned long long tick;
	sqlkit_stmt *user_stmts;
	/* pooling */
	struct sqlkit__pool *pool;    /* NULL: sqlkit_conn_close() really closes */
	uint64_t serial;
	double created;               /* sqlkit__now() at connect */
	unsigned generation;          /* the pool's generation at connect (dispose) */
	int invalidated;
	struct sqlkit_conn *next_idle;
	const sqlkit__echo *echo;     /* NULL: echo off */
};

struct sqlkit_result {
	sqlkit_stmt *stmt;
	sqlkit_conn *release_conn;    /* given back when the result is freed (engine execute) */
	int owns_stmt;                /* a one-off statement freed with the result */
	int pending;                  /* execute left a first row current */
	int started;
	int done;
	int64_t rowcount;
	sqlkit_row row;
	unsigned values_cap;          /* row.values holds at least this many values */
	sqlkit_type *coerce;          /* per column: the type the statement says, or NULL */
	char *coerce_text;            /* 32 bytes per column for numbers made text */
	unsigned ncoerce;
	/* The plugin's row_values (ABI 1.1), NULL when it has none: column_value
	 * per column then. Looked up once per execution, not per row. */
	int (*row_values)(sqlkit_pstmt *stmt, sqlkit_value *out, unsigned n);
	/* After an INSERT through sqlkit_conn_exec (core/exec.c). */
	sqlkit_value inserted_pk;
	int has_inserted_pk;
};

struct sqlkit_rowset {
	sqlkit__columns *cols;
	size_t n, cap;
	sqlkit_row *rows;
};

/* After a driver failure: mark the connection dead when the driver said so. */
int sqlkit__conn_failed(sqlkit_conn *conn, int rc);
/* Bind the caller's params to the statement's markers into stmt->scratch. */
int sqlkit__stmt_bind(sqlkit_stmt *stmt, const sqlkit_param *params, size_t nparams);
/* Build (once) the statement's column list. */
int sqlkit__stmt_columns(sqlkit_stmt *stmt);
/* Create a result on an executed statement. */
int sqlkit__result_new(sqlkit_result **out, sqlkit_stmt *stmt, int owns, int has_row);
void sqlkit__columns_unref(sqlkit__columns *cols);
/* Type a result's values by the statement's column types (sqlkit_conn_exec):
 * types[i] is what column i should read back as, SQLKIT_TYPE_NULL for "as the
 * driver says". Ignored when n is not the result's column count. */
int sqlkit__result_coerce(sqlkit_result *r, const sqlkit_type *types, unsigned n);
/* A decimal written as text: [+-]digits[.digits][e[+-]digits]. */
int sqlkit__decimal_valid(const char *s, size_t len);
void sqlkit__stmt_destroy(sqlkit_stmt *stmt);
/* Open a physical connection through a resolved plugin; shown_url (masked) names it
 * in messages. */
int sqlkit__conn_connect(sqlkit_conn **out, const sqlkit_plugin *plugin, const char *driver,
                         const sqlkit_plugin_url *view, const char *shown_url);
/* Finalize the statements the caller prepared on conn and cut them loose (they
 * then fail with SQLKIT_ESTATE): a connection given back to a pool. */
void sqlkit__conn_detach_user_stmts(sqlkit_conn *conn);
/* Really close: roll back, finalize statements, close the driver's connection. */
void sqlkit__conn_destroy(sqlkit_conn *conn);
/* Seconds on a monotonic clock. */
double sqlkit__now(void);

#endif
