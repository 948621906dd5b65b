/*
 * sqlkit/connection.h - the DBAPI layer: connections, prepared statements,
 * results and rows.
 *
 * SQL text uses named binds, ":name". One lexer turns them into the driver's own
 * markers; it knows quoted strings, quoted identifiers, comments, PostgreSQL's
 * "::" casts and dollar quoting, so ":word" inside a literal is never a bind.
 * Write "\:" for a literal colon outside quotes. Every value travels as a bound
 * parameter.
 *
 * A connection is in autocommit mode until sqlkit_conn_begin(); then every
 * statement runs in that transaction until commit or rollback.
 *
 * Thread safety: a connection and everything made from it (statements,
 * results, rows) is used by one thread at a time. Rowsets are independent
 * copies and may be handed to another thread.
 */
#ifndef SQLKIT_CONNECTION_H
#define SQLKIT_CONNECTION_H

#include "sqlkit/common.h"
#include "sqlkit/url.h"
#include "sqlkit/value.h"

SQLKIT_BEGIN_DECLS

typedef struct sqlkit_conn sqlkit_conn;
typedef struct sqlkit_stmt sqlkit_stmt;
typedef struct sqlkit_result sqlkit_result;
typedef struct sqlkit_row sqlkit_row;
typedef struct sqlkit_rowset sqlkit_rowset;

/** A named parameter: name without the colon. */
typedef struct sqlkit_param {
	const char *name;
	sqlkit_value value;
} sqlkit_param;

/** Build a sqlkit_param inline: SQLKIT_PARAM("id", sqlkit_int(1)). */
#define SQLKIT_PARAM(n, v) ((sqlkit_param){ (n), (v) })

/* ------------------------------------------------------------------ connections */

/** Open a connection: parse the URL, load the plugin its scheme names, connect.
 *  @param[out] out  the connection; close it with sqlkit_conn_close()
 *  @return 0, SQLKIT_EURL, SQLKIT_ENOTFOUND (no plugin for the scheme or driver),
 *          SQLKIT_EPLUGIN, SQLKIT_EABI, or the driver's error (e.g. SQLKIT_EDISCONNECTED)
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_open(sqlkit_conn **out, const char *url);

/** Open a connection from a parsed URL (not kept: the caller still owns it). @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_open_url(sqlkit_conn **out, const sqlkit_url *url);

/** Close a connection: rolls back an open transaction and frees its statements.
 *  Results and statements made from it must have been freed first. NULL is a
 *  no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_conn_close(sqlkit_conn *conn);

/** Check that the connection is alive.
 *  @return 0, or SQLKIT_EDISCONNECTED (sqlkit_conn_is_dead() is then true). @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_ping(sqlkit_conn *conn);

/** Non-zero once the driver reported the connection dead. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_is_dead(const sqlkit_conn *conn);

/** The plugin's name ("sqlite") and the driver in use. Borrowed. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_conn_dialect(const sqlkit_conn *conn);
SQLKIT_EXTERN const char *sqlkit_conn_driver(const sqlkit_conn *conn);

/* ----------------------------------------------------------------- transactions */

/** Start a transaction. @return 0 or SQLKIT_ESTATE when one is open. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_begin(sqlkit_conn *conn);
/** Commit the transaction (and release its savepoints).
 *  @return 0, SQLKIT_ESTATE when none is open, or the driver's error. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_commit(sqlkit_conn *conn);
/** Roll the transaction back. @return 0 or SQLKIT_ESTATE when none is open. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_rollback(sqlkit_conn *conn);
/** Non-zero inside a transaction. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_in_transaction(const sqlkit_conn *conn);

/** Set a savepoint (a nested transaction); begins a transaction when none is open.
 *  @param name  an identifier ([A-Za-z_][A-Za-z0-9_]*), or NULL for a generated one
 *  @return 0, SQLKIT_EINVAL for a bad name, SQLKIT_ENOTSUPPORTED. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_savepoint(sqlkit_conn *conn, const char *name);
/** Release a savepoint (keeping its work) and those set after it; NULL names the
 *  innermost. @return 0 or SQLKIT_ENOTFOUND. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_release_savepoint(sqlkit_conn *conn, const char *name);
/** Undo the work since a savepoint and remove it and those set after it; NULL
 *  names the innermost. @return 0 or SQLKIT_ENOTFOUND. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_rollback_to_savepoint(sqlkit_conn *conn, const char *name);
/** Number of savepoints currently set. @since 0.1 */
SQLKIT_EXTERN size_t sqlkit_conn_savepoint_depth(const sqlkit_conn *conn);

/* ------------------------------------------------------------------- executing */

/** Run SQL with named parameters. The statement is prepared once and kept in the
 *  connection's statement cache, keyed by its text.
 *  @param[out] out  the result (free with sqlkit_result_free()), or NULL to run the
 *                   statement to completion and discard any rows
 *  @return 0, SQLKIT_EPARAM (a parameter missing or not in the SQL),
 *          SQLKIT_ESQL, SQLKIT_ECONSTRAINT, SQLKIT_EBUSY, SQLKIT_EDISCONNECTED...
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_execute(sqlkit_result **out, sqlkit_conn *conn, const char *sql,
                                      const sqlkit_param *params, size_t nparams);

/** Run one statement once per parameter set (executemany). sets holds nsets
 *  groups of per_set parameters, one group after another; each group names the
 *  same parameters. All or nothing: inside a transaction a failure leaves the
 *  transaction as the driver left it; outside one, sqlkit wraps the batch in its
 *  own transaction and rolls it back on failure.
 *  @param[out] rows_affected  total rows changed, may be NULL
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_executemany(sqlkit_conn *conn, const char *sql,
                                          const sqlkit_param *sets, size_t per_set,
                                          size_t nsets, int64_t *rows_affected);

/** The id generated by the last INSERT on this connection.
 *  @return 0, or SQLKIT_ENOTSUPPORTED when the database has no such notion. @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_last_insert_id(sqlkit_conn *conn, int64_t *out);

/** Prepare a statement for repeated execution.
 *  @param[out] out  free with sqlkit_stmt_free() before the connection is closed
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_prepare(sqlkit_stmt **out, sqlkit_conn *conn, const char *sql);
/** Execute a prepared statement; see sqlkit_conn_execute(). A statement has at most
 *  one open result: free it before executing again (SQLKIT_ESTATE otherwise). @since 0.1 */
SQLKIT_EXTERN int sqlkit_stmt_execute(sqlkit_result **out, sqlkit_stmt *stmt,
                                      const sqlkit_param *params, size_t nparams);
/** executemany on a prepared statement; see sqlkit_conn_executemany(). @since 0.1 */
SQLKIT_EXTERN int sqlkit_stmt_executemany(sqlkit_stmt *stmt, const sqlkit_param *sets,
                                          size_t per_set, size_t nsets, int64_t *rows_affected);
/** The distinct parameter names of a statement, in order of first appearance. @since 0.1 */
SQLKIT_EXTERN size_t sqlkit_stmt_param_count(const sqlkit_stmt *stmt);
SQLKIT_EXTERN const char *sqlkit_stmt_param_name(const sqlkit_stmt *stmt, size_t i);
/** The SQL as sent to the driver (markers rewritten). Borrowed. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_stmt_sql(const sqlkit_stmt *stmt);
/** Free a statement; NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_stmt_free(sqlkit_stmt *stmt);

/* --------------------------------------------------------------------- results */

/** Columns of a result (0 for statements that return no rows). @since 0.1 */
SQLKIT_EXTERN unsigned sqlkit_result_column_count(const sqlkit_result *res);
SQLKIT_EXTERN const char *sqlkit_result_column_name(const sqlkit_result *res, unsigned i);
/** The declared type of column i as the driver reports it, SQLKIT_TYPE_NULL when unknown. */
SQLKIT_EXTERN sqlkit_type sqlkit_result_column_type(const sqlkit_result *res, unsigned i);
/** Index of a column by name, or SQLKIT_ENOTFOUND. @since 0.1 */
SQLKIT_EXTERN int sqlkit_result_column_index(const sqlkit_result *res, const char *name);
/** Rows changed by an INSERT, UPDATE or DELETE; -1 when not known. @since 0.1 */
SQLKIT_EXTERN int64_t sqlkit_result_rowcount(const sqlkit_result *res);

/** Fetch the next row. *row is NULL when there are no more rows. The row and its
 *  values are borrowed: valid until the next fetch or sqlkit_result_free().
 *  @return 0 or the driver's error. @since 0.1 */
SQLKIT_EXTERN int sqlkit_result_fetchone(const sqlkit_row **row, sqlkit_result *res);
/** Fetch up to n rows into a rowset the caller owns (free with sqlkit_rowset_free()).
 *  An empty rowset means no more rows. @since 0.1 */
SQLKIT_EXTERN int sqlkit_result_fetchmany(sqlkit_rowset **out, sqlkit_result *res, size_t n);
/** Fetch every remaining row into a rowset the caller owns. @since 0.1 */
SQLKIT_EXTERN int sqlkit_result_fetchall(sqlkit_rowset **out, sqlkit_result *res);
/** Free a result (discarding unread rows); NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_result_free(sqlkit_result *res);

/* ------------------------------------------------------------------------ rows */

/** Number of values in a row. @since 0.1 */
SQLKIT_EXTERN unsigned sqlkit_row_count(const sqlkit_row *row);
/** Value i, or NULL when i is out of range. Text-like values are NUL-terminated. @since 0.1 */
SQLKIT_EXTERN const sqlkit_value *sqlkit_row_value(const sqlkit_row *row, unsigned i);
/** Value by column name (the first column of that name), or NULL when there is none. @since 0.1 */
SQLKIT_EXTERN const sqlkit_value *sqlkit_row_value_by_name(const sqlkit_row *row, const char *name);
/** Name of column i of the row, or NULL. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_row_column_name(const sqlkit_row *row, unsigned i);
/** Conveniences: value i as an integer (INT, BOOL, an integral DECIMAL that fits, or 0),
 *  a double (INT or FLOAT, or 0.0),
 *  or text (TEXT, DECIMAL, JSON, or NULL). @since 0.1 */
SQLKIT_EXTERN int64_t sqlkit_row_int(const sqlkit_row *row, unsigned i);
SQLKIT_EXTERN double sqlkit_row_float(const sqlkit_row *row, unsigned i);
SQLKIT_EXTERN const char *sqlkit_row_text(const sqlkit_row *row, unsigned i);
/** Non-zero when value i is SQL NULL (or i is out of range). @since 0.1 */
SQLKIT_EXTERN int sqlkit_row_is_null(const sqlkit_row *row, unsigned i);

/** Rows a rowset holds, and row i of it (NULL when out of range); the rows live
 *  as long as the rowset. @since 0.1 */
SQLKIT_EXTERN size_t sqlkit_rowset_count(const sqlkit_rowset *rs);
SQLKIT_EXTERN const sqlkit_row *sqlkit_rowset_row(const sqlkit_rowset *rs, size_t i);
/** Free a rowset; NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_rowset_free(sqlkit_rowset *rs);

SQLKIT_END_DECLS

#endif
