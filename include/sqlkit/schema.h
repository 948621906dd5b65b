/*
 * sqlkit/schema.h - MetaData, Table, Column, constraints and generic types.
 *
 * Describe tables once; the dialect compiler spells their DDL and statements for
 * each database.
 *
 *   sqlkit_metadata *md;  sqlkit_table *users;
 *   sqlkit_metadata_new(&md);
 *   sqlkit_table_new(&users, md, "users");
 *   sqlkit_table_add_column(users, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
 *   sqlkit_table_add_column(users, "name", sqlkit_String(50), SQLKIT_COL_NOT_NULL);
 *   sqlkit_metadata_create_all(md, conn);
 *
 * Tables and columns belong to their MetaData and live until sqlkit_metadata_free().
 * Names and texts given to these functions are copied.
 *
 * Thread safety: build a MetaData in one thread; once it is no longer changed it may
 * be shared by every thread.
 */
#ifndef SQLKIT_SCHEMA_H
#define SQLKIT_SCHEMA_H

#include "sqlkit/common.h"
#include "sqlkit/connection.h"
#include "sqlkit/value.h"

SQLKIT_BEGIN_DECLS

typedef struct sqlkit_metadata sqlkit_metadata;
typedef struct sqlkit_table sqlkit_table;
typedef struct sqlkit_column sqlkit_column;

/* ---------------------------------------------------------------- types */

/** Generic SQL types, after SQLAlchemy's. */
typedef enum sqlkit_sqltype_kind {
	SQLKIT_SQLT_NULLTYPE = 0,   /**< unknown (an expression's type not known) */
	SQLKIT_SQLT_INTEGER,
	SQLKIT_SQLT_SMALLINT,
	SQLKIT_SQLT_BIGINT,
	SQLKIT_SQLT_STRING,         /**< VARCHAR(length); length 0: no length */
	SQLKIT_SQLT_TEXT,
	SQLKIT_SQLT_UNICODE,        /**< NVARCHAR where the database distinguishes */
	SQLKIT_SQLT_UNICODE_TEXT,
	SQLKIT_SQLT_BOOLEAN,
	SQLKIT_SQLT_FLOAT,
	SQLKIT_SQLT_NUMERIC,        /**< exact: precision, scale */
	SQLKIT_SQLT_DATE,
	SQLKIT_SQLT_TIME,
	SQLKIT_SQLT_DATETIME,
	SQLKIT_SQLT_TIMESTAMP,      /**< timezone: WITH TIME ZONE */
	SQLKIT_SQLT_INTERVAL,
	SQLKIT_SQLT_LARGE_BINARY,
	SQLKIT_SQLT_JSON,
	SQLKIT_SQLT_UUID,
	SQLKIT_SQLT_ENUM            /**< enum_values, enum_name */
} sqlkit_sqltype_kind;

/** A column type: plain data, passed by value. */
typedef struct sqlkit_sqltype {
	sqlkit_sqltype_kind kind;
	int length;                     /**< STRING, UNICODE, LARGE_BINARY: 0 = none */
	int precision, scale;           /**< NUMERIC (0, 0: the database's default) */
	int timezone;                   /**< DATETIME, TIMESTAMP, TIME */
	const char *const *enum_values; /**< ENUM: NULL-terminated, must outlive the MetaData */
	const char *enum_name;          /**< ENUM: the type's name where the database names it */
} sqlkit_sqltype;

#define SQLKIT__SQLT(k) { (k), 0, 0, 0, 0, NULL, NULL }
static inline sqlkit_sqltype sqlkit_sqltype_of(sqlkit_sqltype_kind k)
{ sqlkit_sqltype t = SQLKIT__SQLT(SQLKIT_SQLT_NULLTYPE); t.kind = k; return t; }
static inline sqlkit_sqltype sqlkit_Integer(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_INTEGER); }
static inline sqlkit_sqltype sqlkit_SmallInteger(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_SMALLINT); }
static inline sqlkit_sqltype sqlkit_BigInteger(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_BIGINT); }
static inline sqlkit_sqltype sqlkit_String(int length)
{ sqlkit_sqltype t = sqlkit_sqltype_of(SQLKIT_SQLT_STRING); t.length = length; return t; }
static inline sqlkit_sqltype sqlkit_Text(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_TEXT); }
static inline sqlkit_sqltype sqlkit_Unicode(int length)
{ sqlkit_sqltype t = sqlkit_sqltype_of(SQLKIT_SQLT_UNICODE); t.length = length; return t; }
static inline sqlkit_sqltype sqlkit_UnicodeText(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_UNICODE_TEXT); }
static inline sqlkit_sqltype sqlkit_Boolean(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_BOOLEAN); }
static inline sqlkit_sqltype sqlkit_Float(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_FLOAT); }
static inline sqlkit_sqltype sqlkit_Numeric(int precision, int scale)
{ sqlkit_sqltype t = sqlkit_sqltype_of(SQLKIT_SQLT_NUMERIC); t.precision = precision; t.scale = scale; return t; }
static inline sqlkit_sqltype sqlkit_Date(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_DATE); }
static inline sqlkit_sqltype sqlkit_Time(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_TIME); }
static inline sqlkit_sqltype sqlkit_DateTime(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_DATETIME); }
static inline sqlkit_sqltype sqlkit_TIMESTAMP(int timezone)
{ sqlkit_sqltype t = sqlkit_sqltype_of(SQLKIT_SQLT_TIMESTAMP); t.timezone = timezone; return t; }
static inline sqlkit_sqltype sqlkit_Interval(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_INTERVAL); }
static inline sqlkit_sqltype sqlkit_LargeBinary(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_LARGE_BINARY); }
static inline sqlkit_sqltype sqlkit_JSON(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_JSON); }
static inline sqlkit_sqltype sqlkit_Uuid(void) { return sqlkit_sqltype_of(SQLKIT_SQLT_UUID); }
static inline sqlkit_sqltype sqlkit_Enum(const char *name, const char *const *values)
{ sqlkit_sqltype t = sqlkit_sqltype_of(SQLKIT_SQLT_ENUM); t.enum_name = name; t.enum_values = values; return t; }

/** "INTEGER", "VARCHAR"... the generic name of a type kind. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_sqltype_name(sqlkit_sqltype_kind kind);

/* ---------------------------------------------------------------- metadata and tables */

/** @since 0.1 */
SQLKIT_EXTERN int sqlkit_metadata_new(sqlkit_metadata **out);
/** Free a MetaData with its tables and columns; NULL is a no-op. Expressions that
 *  refer to its tables must be freed first. @since 0.1 */
SQLKIT_EXTERN void sqlkit_metadata_free(sqlkit_metadata *md);

/** Add a table. @return 0, SQLKIT_EINVAL when the name is empty or already used. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_new(sqlkit_table **out, sqlkit_metadata *md, const char *name);
/** Look a table up by name; NULL when there is none. @since 0.1 */
SQLKIT_EXTERN sqlkit_table *sqlkit_metadata_table(const sqlkit_metadata *md, const char *name);
/** Number of tables and the i-th in the order they were added. @since 0.1 */
SQLKIT_EXTERN size_t sqlkit_metadata_table_count(const sqlkit_metadata *md);
SQLKIT_EXTERN sqlkit_table *sqlkit_metadata_table_at(const sqlkit_metadata *md, size_t i);

/** The tables in dependency order: a table comes after every table its foreign keys
 *  point to (SQLAlchemy's sorted_tables).
 *  @param[out] out  an array of *count borrowed tables; free the array with sqlkit_free()
 *  @return 0, or SQLKIT_EINVAL when the foreign keys form a
 *          cycle, with a message naming the tables in it @since 0.1 */
SQLKIT_EXTERN int sqlkit_metadata_sorted_tables(sqlkit_table ***out, size_t *count,
                                                const sqlkit_metadata *md);

/** CREATE TABLE (and its indexes) for every table in dependency order, skipping
 *  tables that exist. @since 0.1 */
SQLKIT_EXTERN int sqlkit_metadata_create_all(sqlkit_metadata *md, sqlkit_conn *conn);
/** DROP TABLE for every table that exists, in reverse dependency order. @since 0.1 */
SQLKIT_EXTERN int sqlkit_metadata_drop_all(sqlkit_metadata *md, sqlkit_conn *conn);
/** One table. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_create(sqlkit_table *t, sqlkit_conn *conn, int if_not_exists);
SQLKIT_EXTERN int sqlkit_table_drop(sqlkit_table *t, sqlkit_conn *conn, int if_exists);
/** Whether a table exists in the connection's database (the plugin's reflection,
 *  or a probe). @return 1, 0, or < 0 on error. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_exists(const sqlkit_table *t, sqlkit_conn *conn);

SQLKIT_EXTERN const char *sqlkit_table_name(const sqlkit_table *t);
SQLKIT_EXTERN size_t sqlkit_table_column_count(const sqlkit_table *t);
SQLKIT_EXTERN sqlkit_column *sqlkit_table_column_at(const sqlkit_table *t, size_t i);
/** A column by name, or NULL. @since 0.1 */
SQLKIT_EXTERN sqlkit_column *sqlkit_table_column(const sqlkit_table *t, const char *name);

/* ---------------------------------------------------------------- columns */

/** Column flags. */
#define SQLKIT_COL_PRIMARY_KEY      0x01u  /**< part of the primary key (several: composite) */
#define SQLKIT_COL_NOT_NULL         0x02u  /**< nullable=False (primary keys are NOT NULL anyway) */
#define SQLKIT_COL_UNIQUE           0x04u
#define SQLKIT_COL_INDEX            0x08u  /**< CREATE INDEX ix_<table>_<column> */
#define SQLKIT_COL_AUTOINCREMENT    0x10u  /**< force it (the default: a lone integer primary key) */
#define SQLKIT_COL_NO_AUTOINCREMENT 0x20u  /**< never */

/** Add a column. @return 0, SQLKIT_EINVAL for an empty or repeated name. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_add_column(sqlkit_table *t, const char *name, sqlkit_sqltype type,
                                          unsigned flags);
/* The same, returning the column (NULL on error, the error set). @since 0.1 */
SQLKIT_EXTERN sqlkit_column *sqlkit_table_add(sqlkit_table *t, const char *name,
                                              sqlkit_sqltype type, unsigned flags);

SQLKIT_EXTERN const char *sqlkit_column_name(const sqlkit_column *c);
SQLKIT_EXTERN sqlkit_table *sqlkit_column_table(const sqlkit_column *c);
SQLKIT_EXTERN sqlkit_sqltype sqlkit_column_type(const sqlkit_column *c);
SQLKIT_EXTERN unsigned sqlkit_column_flags(const sqlkit_column *c);

/** A client-side default used when an INSERT gives no value: a constant (copied). @since 0.1 */
SQLKIT_EXTERN int sqlkit_column_set_default(sqlkit_column *c, sqlkit_value value);
/** A client-side default computed at each INSERT: fn fills *out (text it points at must
 *  live until the statement has run, e.g. static or owned by userdata). @since 0.1 */
SQLKIT_EXTERN int sqlkit_column_set_default_fn(sqlkit_column *c,
                                               int (*fn)(sqlkit_value *out, void *userdata),
                                               void *userdata);
/** DEFAULT in the DDL, as SQL text (e.g. "CURRENT_TIMESTAMP", "0"); trusted text,
 *  never user input. @since 0.1 */
SQLKIT_EXTERN int sqlkit_column_set_server_default(sqlkit_column *c, const char *sql);

/** Referential actions. */
typedef enum sqlkit_fk_action {
	SQLKIT_FK_NONE = 0, SQLKIT_FK_CASCADE, SQLKIT_FK_SET_NULL, SQLKIT_FK_SET_DEFAULT,
	SQLKIT_FK_RESTRICT, SQLKIT_FK_NO_ACTION
} sqlkit_fk_action;

/** ForeignKey("table.column"). The target is looked up when DDL or joins need it,
 *  so tables may be declared in any order. @since 0.1 */
SQLKIT_EXTERN int sqlkit_column_set_foreign_key(sqlkit_column *c, const char *target,
                                                sqlkit_fk_action on_delete,
                                                sqlkit_fk_action on_update);
/** Sequence("name") as the column's default where the database has sequences; start
 *  and increment 0 mean "the database's default", as in SQLAlchemy 2.0. @since 0.1 */
SQLKIT_EXTERN int sqlkit_column_set_sequence(sqlkit_column *c, const char *name, int64_t start,
                                             int64_t increment);

/* ---------------------------------------------------------------- table constraints */

/** UniqueConstraint over the NULL-terminated column names; name may be NULL. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_add_unique(sqlkit_table *t, const char *name,
                                          const char *const *columns);
/** CheckConstraint with trusted SQL text. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_add_check(sqlkit_table *t, const char *name, const char *sql);
/** A (composite) ForeignKeyConstraint. @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_add_foreign_key(sqlkit_table *t, const char *name,
                                               const char *const *columns, const char *ref_table,
                                               const char *const *ref_columns,
                                               sqlkit_fk_action on_delete,
                                               sqlkit_fk_action on_update);
/** An Index; name may be NULL (ix_<table>_<first column>). @since 0.1 */
SQLKIT_EXTERN int sqlkit_table_add_index(sqlkit_table *t, const char *name,
                                         const char *const *columns, int unique);

SQLKIT_END_DECLS

#endif
