/*
 * sqlkit/sql.h - the SQL expression language: expressions and statements built as
 * immutable trees, compiled per dialect, executed with bound parameters.
 *
 *   sqlkit_expr *s = sqlkit_select(2, sqlkit_c(users, "id"), sqlkit_c(users, "name"));
 *   sqlkit_expr *q = sqlkit_where(s, sqlkit_eq(sqlkit_c(users, "name"), sqlkit_lit_text("ed")));
 *   sqlkit_conn_exec(&res, conn, q, NULL, 0);
 *   sqlkit_expr_free(q); sqlkit_expr_free(s);
 *
 * Ownership: a builder takes ownership of the expressions passed to it, so nested
 * calls never leak, even when one of them failed: a NULL argument makes the builder
 * free the others and return NULL, and the error stays in sqlkit_error_last().
 * The "generative" functions that make a variant of a statement (sqlkit_where,
 * sqlkit_order_by, sqlkit_limit...) BORROW their first argument and return a new
 * statement: the original is never changed and stays the caller's. Use
 * sqlkit_expr_ref() to pass the same expression twice.
 *
 * Every value is a bound parameter; identifiers are quoted by the dialect only where
 * needed. Literal rendering exists only for display (sqlkit_expr_to_string).
 *
 * Thread safety: an expression is immutable once built and may be shared by threads
 * (reference counts are atomic).
 */
#ifndef SQLKIT_SQL_H
#define SQLKIT_SQL_H

#include "sqlkit/common.h"
#include "sqlkit/connection.h"
#include "sqlkit/schema.h"
#include "sqlkit/value.h"

SQLKIT_BEGIN_DECLS

typedef struct sqlkit_expr sqlkit_expr;

/** Take another reference (returns e). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_expr_ref(sqlkit_expr *e);
/** Drop a reference; NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_expr_free(sqlkit_expr *e);

/* ---------------------------------------------------------------- leaves */

/** A table as a FROM element, or as "every column" in a select list. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_t(sqlkit_table *table);
/** table.c.name: NULL (error set) when the table has no such column. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_c(sqlkit_table *table, const char *column);
/** A column of an alias or subquery: alias.c.name. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_alias_c(sqlkit_expr *alias_or_subquery, const char *column);
/** "*" @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_star(void);
/** A value, always sent as a bound parameter; text and blobs are copied. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_lit(sqlkit_value v);
SQLKIT_EXTERN sqlkit_expr *sqlkit_lit_int(int64_t i);
SQLKIT_EXTERN sqlkit_expr *sqlkit_lit_float(double f);
SQLKIT_EXTERN sqlkit_expr *sqlkit_lit_text(const char *s);
SQLKIT_EXTERN sqlkit_expr *sqlkit_lit_bool(int b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_null_(void);
/** A named parameter whose value is given at execution (bindparam("name")). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_bindparam(const char *name, sqlkit_sqltype type);
/** Trusted SQL text as an expression (literal_column / text fragment); it may hold
 *  ":name" binds. Never put user input here. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_sql_fragment(const char *sql);

/* ---------------------------------------------------------------- operators */

SQLKIT_EXTERN sqlkit_expr *sqlkit_eq(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_ne(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_lt(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_le(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_gt(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_ge(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_add(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_sub(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_mul(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_div(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_mod(sqlkit_expr *a, sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_neg(sqlkit_expr *a);
/** String concatenation: || , + or CONCAT() as the dialect spells it. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_concat(sqlkit_expr *a, sqlkit_expr *b);
/** and_(...) / or_(...) of n expressions (n >= 1). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_and(size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_or(size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_not(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_like(sqlkit_expr *a, sqlkit_expr *pattern);
SQLKIT_EXTERN sqlkit_expr *sqlkit_not_like(sqlkit_expr *a, sqlkit_expr *pattern);
/** Case-insensitive LIKE: ILIKE, or lower(a) LIKE lower(b). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_ilike(sqlkit_expr *a, sqlkit_expr *pattern);
/** a IN (values...): n bound values (copied). n == 0 renders the dialect's empty IN,
 *  which is false (true for NOT IN). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_in(sqlkit_expr *a, const sqlkit_value *values, size_t n);
SQLKIT_EXTERN sqlkit_expr *sqlkit_not_in(sqlkit_expr *a, const sqlkit_value *values, size_t n);
/** a IN (subquery). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_in_select(sqlkit_expr *a, sqlkit_expr *select);
SQLKIT_EXTERN sqlkit_expr *sqlkit_between(sqlkit_expr *a, sqlkit_expr *low, sqlkit_expr *high);
SQLKIT_EXTERN sqlkit_expr *sqlkit_is_null(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_is_not_null(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_exists(sqlkit_expr *select);
/** A select used as a single value. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_scalar_subquery(sqlkit_expr *select);
SQLKIT_EXTERN sqlkit_expr *sqlkit_cast(sqlkit_expr *a, sqlkit_sqltype type);
/** CASE WHEN c1 THEN r1 ... ELSE e END: n (condition, result) pairs, then the else:
 *  sqlkit_null_() for none. Every argument is required. */
SQLKIT_EXTERN sqlkit_expr *sqlkit_case(size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_label(sqlkit_expr *a, const char *name);

/** Ordering. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_asc(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_desc(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_nulls_first(sqlkit_expr *ordering);
SQLKIT_EXTERN sqlkit_expr *sqlkit_nulls_last(sqlkit_expr *ordering);

/** Functions: any name (an identifier) with n arguments; sqlkit_count(sqlkit_star()) is
 *  count(*). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_func(const char *name, size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_count(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_sum(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_avg(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_min(sqlkit_expr *a);
SQLKIT_EXTERN sqlkit_expr *sqlkit_max(sqlkit_expr *a);

/* ---------------------------------------------------------------- FROM elements */

/** alias(table or select, "name"). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_alias(sqlkit_expr *from, const char *name);
/** join(left, right, on), LEFT OUTER and FULL OUTER: on is required. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_join(sqlkit_expr *left, sqlkit_expr *right, sqlkit_expr *on);
SQLKIT_EXTERN sqlkit_expr *sqlkit_outerjoin(sqlkit_expr *left, sqlkit_expr *right, sqlkit_expr *on);
SQLKIT_EXTERN sqlkit_expr *sqlkit_full_outerjoin(sqlkit_expr *left, sqlkit_expr *right,
                                                 sqlkit_expr *on);
/** The same with the ON clause inferred from the one foreign key between right and a
 *  table of left (either direction); none or several is SQLKIT_EINVAL naming them.
 *  @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_join_fk(sqlkit_expr *left, sqlkit_expr *right);
SQLKIT_EXTERN sqlkit_expr *sqlkit_outerjoin_fk(sqlkit_expr *left, sqlkit_expr *right);
SQLKIT_EXTERN sqlkit_expr *sqlkit_full_outerjoin_fk(sqlkit_expr *left, sqlkit_expr *right);

/* ---------------------------------------------------------------- statements */

/** select(columns...): n columns, labels, tables or sqlkit_star(). The FROM list is
 *  inferred from the columns unless select_from says otherwise. @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_select(size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_select_v(size_t n, sqlkit_expr **columns);

/* Generative: borrow stmt, take the other arguments, return a new statement. */
SQLKIT_EXTERN sqlkit_expr *sqlkit_select_from(const sqlkit_expr *stmt, sqlkit_expr *from);
/** WHERE for select, update and delete; called twice, the conditions are ANDed. */
SQLKIT_EXTERN sqlkit_expr *sqlkit_where(const sqlkit_expr *stmt, sqlkit_expr *cond);
SQLKIT_EXTERN sqlkit_expr *sqlkit_order_by(const sqlkit_expr *stmt, size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_group_by(const sqlkit_expr *stmt, size_t n, ...);
SQLKIT_EXTERN sqlkit_expr *sqlkit_having(const sqlkit_expr *stmt, sqlkit_expr *cond);
SQLKIT_EXTERN sqlkit_expr *sqlkit_limit(const sqlkit_expr *stmt, int64_t n);
SQLKIT_EXTERN sqlkit_expr *sqlkit_offset(const sqlkit_expr *stmt, int64_t n);
SQLKIT_EXTERN sqlkit_expr *sqlkit_distinct(const sqlkit_expr *stmt);
/** Make a select a named subquery usable in FROM (select.subquery("name")). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_subquery(const sqlkit_expr *select, const char *name);
/** A common table expression named name, and a select that uses it (WITH). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_cte(const sqlkit_expr *select, const char *name);
SQLKIT_EXTERN sqlkit_expr *sqlkit_with(const sqlkit_expr *stmt, sqlkit_expr *cte);
/** UNION / UNION ALL of two selects (each borrowed). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_union(const sqlkit_expr *a, const sqlkit_expr *b);
SQLKIT_EXTERN sqlkit_expr *sqlkit_union_all(const sqlkit_expr *a, const sqlkit_expr *b);

/** insert(table). Without values, every column gets a bindparam of its own name
 *  (what executemany with dicts needs). @since 0.1 */
SQLKIT_EXTERN sqlkit_expr *sqlkit_insert(sqlkit_table *table);
/** .values(col=expr, ...): NULL-terminated pairs of (const char *column, sqlkit_expr *). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_values(const sqlkit_expr *stmt, ...);
/** Multi-row VALUES: nrows rows of ncols values (row after row) for the named columns. */
SQLKIT_EXTERN sqlkit_expr *sqlkit_values_rows(const sqlkit_expr *insert, size_t ncols,
                                              const char *const *columns, size_t nrows,
                                              const sqlkit_value *values);
/** INSERT ... SELECT into the named columns (NULL-terminated). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_from_select(const sqlkit_expr *insert,
                                              const char *const *columns, sqlkit_expr *select);
/** RETURNING (OUTPUT on MS SQL) n columns. */
SQLKIT_EXTERN sqlkit_expr *sqlkit_returning(const sqlkit_expr *stmt, size_t n, ...);
/** update(table); set values with sqlkit_values(). */
SQLKIT_EXTERN sqlkit_expr *sqlkit_update(sqlkit_table *table);
SQLKIT_EXTERN sqlkit_expr *sqlkit_delete(sqlkit_table *table);
/** text(sql): a whole statement as trusted text with ":name" binds. */
SQLKIT_EXTERN sqlkit_expr *sqlkit_text_stmt(const char *sql);

/* ---------------------------------------------------------------- compiling and executing */

/** Flags for sqlkit_expr_to_string(). */
#define SQLKIT_RENDER_LITERAL_BINDS 0x1u /**< values inlined, safely quoted: display only */

/** Render a statement for a dialect ("sqlite", "postgresql", "mysql", "mssql", or any
 *  plugin name), as the driver would receive it (markers in the dialect's style) or
 *  with values inlined for display.
 *  @param[out] out  free with sqlkit_free()
 *  @return 0, SQLKIT_ENOTSUPPORTED when the dialect cannot express a construct (the
 *          message names both), SQLKIT_ENOTFOUND for an unknown dialect @since 0.1 */
SQLKIT_EXTERN int sqlkit_expr_to_string(char **out, const sqlkit_expr *stmt, const char *dialect,
                                        unsigned flags);

/** Execute a statement on a connection. Values in the tree are bound; params gives
 *  the values of bindparams by name. Results are typed by the statement's column
 *  types. The compiled SQL is cached by the statement's shape, so running the same
 *  (or a structurally identical) statement again compiles nothing.
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_conn_exec(sqlkit_result **out, sqlkit_conn *conn, const sqlkit_expr *stmt,
                                   const sqlkit_param *params, size_t nparams);
/** executemany for a statement with bindparams: nsets groups of per_set params. */
SQLKIT_EXTERN int sqlkit_conn_exec_many(sqlkit_conn *conn, const sqlkit_expr *stmt,
                                        const sqlkit_param *sets, size_t per_set, size_t nsets,
                                        int64_t *rows_affected);
/** After an INSERT through sqlkit_conn_exec: the new row's primary key value (by
 *  RETURNING where the dialect has it, the driver's last id otherwise). @since 0.1 */
SQLKIT_EXTERN int sqlkit_result_inserted_primary_key(const sqlkit_result *res, sqlkit_value *out);

SQLKIT_END_DECLS

#endif
