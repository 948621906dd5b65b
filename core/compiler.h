/*
 * core/compiler.h - the one SQL compiler: expression trees and DDL to SQL text
 * for a dialect. Shared by core/compiler.c, core/ddl.c and core/exec.c.
 *
 * The compiler writes SQL with named binds (":name") — the same form users write
 * in text SQL — plus the ordered list of what each bind's value comes from. The
 * connection layer's lexer then turns the names into the driver's markers, and
 * its statement cache keeps the prepared statement, so compiled statements and
 * text statements share one path to the driver.
 */
#ifndef SQLKIT_CORE_COMPILER_H
#define SQLKIT_CORE_COMPILER_H

#include "sqlkit/plugin.h"
#include "sqlkit/sql.h"
#include "util.h"

/* The dialect of a connection (its plugin's), or SQLKIT_ENOTSUPPORTED when the
 * plugin has none. */
int sqlkit__dialect_of_conn(const sqlkit_dialect **out, const sqlkit_conn *conn);
/* A dialect by plugin name, loading the plugin ("sqlite", "postgresql"...). */
int sqlkit__dialect_by_name(const sqlkit_dialect **out, const char *name);

/* Append an identifier, quoted only when it needs it (a reserved word, upper-case
 * letters, a character other than [a-z0-9_], a leading digit), as SQLAlchemy does;
 * embedded quote characters are doubled. */
int sqlkit__quote_ident(sqlkit_buf *b, const sqlkit_dialect *d, const char *name);

/* Append the DDL type of a column for a dialect; an error names table, column and
 * dialect when the dialect cannot store the type. */
int sqlkit__type_ddl(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_sqltype *t,
                     const char *table, const char *column);

/* Append the type written in CAST(x AS type) for a dialect. */
int sqlkit__cast_type(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_sqltype *t);

/* The sqlkit_type a value of SQL type t reads back as. */
sqlkit_type sqlkit__sqltype_value_type(const sqlkit_dialect *d, const sqlkit_sqltype *t);

/* Where a bind's value comes from. */
typedef enum sqlkit__bind_kind {
	SQLKIT__BIND_VALUE = 1,      /* a value in the tree (value) */
	SQLKIT__BIND_PARAM           /* a bindparam, given at execution by name */
} sqlkit__bind_kind;

typedef struct sqlkit__bind {
	char *name;                  /* the name written in the SQL (without ':') */
	sqlkit__bind_kind kind;
	sqlkit_value value;          /* BIND_VALUE: borrowed from the tree */
	sqlkit_sqltype type;         /* the SQL type the value is for, when known */
} sqlkit__bind;

typedef struct sqlkit__compiled {
	char *sql;                   /* with :name binds */
	size_t nbinds;
	sqlkit__bind *binds;         /* distinct names, in order of first appearance */
	size_t ncolumns;             /* result columns' SQL types, for typing results */
	sqlkit_sqltype *column_types;
	int is_insert;               /* for inserted_primary_key */
	int returns_pk;              /* RETURNING/OUTPUT of the primary key was added */
} sqlkit__compiled;

/* Compile stmt for dialect d. */
int sqlkit__compile(sqlkit__compiled **out, const sqlkit_expr *stmt, const sqlkit_dialect *d);
void sqlkit__compiled_free(sqlkit__compiled *c);

/* Render a compiled statement's SQL in the dialect's marker style (what a driver
 * with paramstyle receives), or with values inlined for display. */
int sqlkit__render(char **out, const sqlkit__compiled *c, sqlkit_paramstyle style,
                   const sqlkit_dialect *d, unsigned flags);

/* ---------------------------------------------------------------- DDL (core/ddl.c)
 * SQLAlchemy's DDLCompiler for a dialect, without a connection (golden tests,
 * `--compile`). Statements carry no trailing ';'; the functions that may write
 * several end each with ";\n". Errors name the table and column. */

/* CREATE TABLE with its columns and table constraints:
 * "CREATE TABLE t (\n\tid INTEGER NOT NULL, \n\t...\n\tPRIMARY KEY (id)\n)". */
int sqlkit__ddl_create_table(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d,
                             int if_not_exists);
/* CREATE [UNIQUE] INDEX for the table's indexed columns, then its Index objects. */
int sqlkit__ddl_create_indexes(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d);
/* What must exist before the CREATE TABLE: CREATE TYPE ... AS ENUM where the dialect
 * has SQLKIT_DIALECT_NATIVE_ENUM, CREATE SEQUENCE where it has SQLKIT_DIALECT_SEQUENCES. */
int sqlkit__ddl_create_prelude(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d);
/* DROP TABLE [IF EXISTS]. */
int sqlkit__ddl_drop_table(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d,
                           int if_exists);

#endif
