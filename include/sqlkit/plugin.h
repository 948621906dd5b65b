/*
 * sqlkit/plugin.h - the plugin ABI: what a database plugin implements and what
 * the core hands it. This is the contract third-party plugins build against.
 *
 * A plugin is a libtool module (-module -avoid-version) named after its dialect
 * ("sqlite.la", "postgresql.la"), installed in `pkg-config --variable=plugindir sqlkit`.
 * It exports exactly one symbol, in libltdl's preload-safe form:
 *
 *     SQLKIT_PLUGIN_EXPORT int <name>_LTX_sqlkit_plugin_init(unsigned abi_major,
 *             unsigned abi_minor, const sqlkit_host *host, const sqlkit_plugin **out);
 *
 * The core passes the ABI version it speaks and a table of host services; the
 * plugin checks abi_major, keeps the host pointer, and points *out at its static
 * sqlkit_plugin description. The plugin never links against libsqlkit: every
 * service it needs is in the host table.
 *
 * Both structs only ever grow at the end. The core reads a field of
 * sqlkit_plugin only if struct_size covers it; a plugin reads a field of
 * sqlkit_host only if host->struct_size covers it. A different ABI major is
 * refused on both sides.
 *
 * The core calls the entry point once per load, under its registry lock; the
 * host table stays valid until the plugin is unloaded (sqlkit_shutdown()).
 * The core finalizes every statement of a connection before closing it, never
 * calls step() after it returned 0 or before execute(), and always passes a
 * has_row pointer.
 *
 * Thread safety: the core calls a plugin's connection and statement operations
 * from one thread at a time per connection; different connections may be used
 * from different threads at once, so a plugin keeps no unguarded global state.
 */
#ifndef SQLKIT_PLUGIN_H
#define SQLKIT_PLUGIN_H

#include "sqlkit/common.h"
#include "sqlkit/errors.h"
#include "sqlkit/schema.h"
#include "sqlkit/value.h"

SQLKIT_BEGIN_DECLS

#define SQLKIT_PLUGIN_ABI_MAJOR 1
#define SQLKIT_PLUGIN_ABI_MINOR 1   /* 1.1: row_values */

/** The entry point's name, before libltdl's "<name>_LTX_" prefix. */
#define SQLKIT_PLUGIN_ENTRY "sqlkit_plugin_init"

#if defined(__GNUC__) && __GNUC__ >= 4
#define SQLKIT_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SQLKIT_PLUGIN_EXPORT
#endif

/** A plugin's own connection and statement objects; opaque to the core. */
typedef struct sqlkit_pconn sqlkit_pconn;
typedef struct sqlkit_pstmt sqlkit_pstmt;

/** The parsed URL as a plugin sees it. Strings are percent-decoded and owned by
 *  the core for the duration of the connect call; absent components are NULL. */
typedef struct sqlkit_plugin_url {
	const char *dialect;
	const char *driver;            /**< the "+driver" part, NULL when absent */
	const char *username;
	const char *password;
	const char *host;              /**< IPv6 without brackets */
	int port;                      /**< 0 when absent */
	const char *database;
	size_t nquery;                 /**< query parameters, repeated keys included */
	const char *const *query_keys;
	const char *const *query_values;
} sqlkit_plugin_url;

/** Services the core offers a plugin. */
typedef struct sqlkit_host {
	unsigned abi_major;
	unsigned abi_minor;
	size_t struct_size;

	void *(*malloc)(size_t size);
	void *(*calloc)(size_t n, size_t size);
	void *(*realloc)(void *ptr, size_t size);
	void (*free)(void *ptr);
	char *(*strdup)(const char *s);

	/** Record the error of the operation in progress as the calling thread's
	 *  last error (sqlkit_error_last()) and return code, so a plugin writes
	 *  `return host->error(SQLKIT_ECONSTRAINT, SQLKIT_ERRCLASS_INTEGRITY, "23505", n, 0, "...", ...)`.
	 *  sqlstate may be NULL. */
	int (*error)(int code, sqlkit_error_class klass, const char *sqlstate,
	             int native_code, int connection_dead, const char *fmt, ...)
#if defined(__GNUC__)
		__attribute__((format(printf, 6, 7)))
#endif
		;
	/** Send a line to the application's log hook. */
	void (*log)(sqlkit_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
		__attribute__((format(printf, 2, 3)))
#endif
		;

	/** The core's value helpers (see sqlkit/value.h), so plugins share one
	 *  implementation of date/time and UUID text forms. They return
	 *  SQLKIT_EINVAL on bad input without touching the last error, so a plugin
	 *  may call them just to see whether a text parses. */
	int (*datetime_parse)(sqlkit_value *out, const char *text, size_t len);
	int (*datetime_format)(char *buf, size_t size, const sqlkit_value *v);
	int (*uuid_parse)(unsigned char out[16], const char *text, size_t len);
	void (*uuid_format)(char buf[37], const unsigned char uuid[16]);
} sqlkit_host;

/** How a driver spells bound parameters; the core's lexer turns ":name" into these. */
typedef enum sqlkit_paramstyle {
	SQLKIT_PARAMSTYLE_QMARK = 1,        /**< ?   one per occurrence */
	SQLKIT_PARAMSTYLE_NUMERIC_QMARK,    /**< ?1  one per distinct name */
	SQLKIT_PARAMSTYLE_DOLLAR,           /**< $1  one per distinct name */
	SQLKIT_PARAMSTYLE_AT_P              /**< @P1 one per distinct name */
} sqlkit_paramstyle;

/** Feature bits: what a dialect can do, declared rather than discovered. */
#define SQLKIT_FEATURE_RETURNING          (UINT64_C(1) << 0)
#define SQLKIT_FEATURE_MULTI_VALUES       (UINT64_C(1) << 1)
#define SQLKIT_FEATURE_SAVEPOINTS         (UINT64_C(1) << 2)
#define SQLKIT_FEATURE_SERVER_CURSORS     (UINT64_C(1) << 3)
#define SQLKIT_FEATURE_TRANSACTIONAL_DDL  (UINT64_C(1) << 4)
#define SQLKIT_FEATURE_LASTROWID          (UINT64_C(1) << 5)
#define SQLKIT_FEATURE_BATCH              (UINT64_C(1) << 6)
/** String literals take backslash escapes (MySQL); the bind lexer must know. */
#define SQLKIT_FEATURE_BACKSLASH_ESCAPES  (UINT64_C(1) << 7)

/* ---------------------------------------------------------------- dialects */

/** How LIMIT and OFFSET are written. */
typedef enum sqlkit_limit_style {
	SQLKIT_LIMIT_OFFSET = 1,   /**< LIMIT n OFFSET m (SQLite, PostgreSQL) */
	SQLKIT_LIMIT_COMMA,        /**< LIMIT m, n (MySQL) */
	SQLKIT_LIMIT_TOP_FETCH     /**< TOP (n); OFFSET m ROWS FETCH NEXT n ROWS ONLY with an
	                                offset, which needs an ORDER BY (MS SQL 2012+) */
} sqlkit_limit_style;

/** How string concatenation is written. */
typedef enum sqlkit_concat_style {
	SQLKIT_CONCAT_PIPES = 1,   /**< a || b */
	SQLKIT_CONCAT_PLUS,        /**< a + b */
	SQLKIT_CONCAT_FUNCTION     /**< concat(a, b) */
} sqlkit_concat_style;

/** How an autoincrementing integer primary key is declared. */
typedef enum sqlkit_autoinc_style {
	SQLKIT_AUTOINC_ROWID = 1,  /**< INTEGER PRIMARY KEY is the rowid (SQLite) */
	SQLKIT_AUTOINC_SERIAL,     /**< SERIAL / BIGSERIAL / SMALLSERIAL (PostgreSQL) */
	SQLKIT_AUTOINC_KEYWORD,    /**< type then AUTO_INCREMENT (MySQL) */
	SQLKIT_AUTOINC_IDENTITY    /**< type then IDENTITY (MS SQL) */
} sqlkit_autoinc_style;

/** Dialect flags: what the SQL compiler may use. */
#define SQLKIT_DIALECT_ILIKE            0x0001u /**< a ILIKE b (else lower(a) LIKE lower(b)) */
#define SQLKIT_DIALECT_NULLS_ORDER      0x0002u /**< ORDER BY ... NULLS FIRST/LAST */
#define SQLKIT_DIALECT_FULL_OUTER_JOIN  0x0004u
#define SQLKIT_DIALECT_RETURNING        0x0008u /**< INSERT/UPDATE/DELETE ... RETURNING */
#define SQLKIT_DIALECT_OUTPUT_INSERTED  0x0010u /**< OUTPUT inserted.col (MS SQL) */
#define SQLKIT_DIALECT_TRUE_FALSE       0x0020u /**< boolean literals true/false (else 1/0) */
#define SQLKIT_DIALECT_SEQUENCES        0x0040u /**< CREATE SEQUENCE, nextval */
#define SQLKIT_DIALECT_MULTI_VALUES     0x0080u /**< INSERT ... VALUES (...), (...) */
#define SQLKIT_DIALECT_CTE              0x0100u /**< WITH ... */
#define SQLKIT_DIALECT_IF_NOT_EXISTS    0x0200u /**< CREATE TABLE IF NOT EXISTS, DROP TABLE IF EXISTS */
#define SQLKIT_DIALECT_NATIVE_ENUM      0x0400u /**< CREATE TYPE ... AS ENUM (else VARCHAR + CHECK) */
#define SQLKIT_DIALECT_BOOLEAN_IS_BIT   0x0800u /**< comparisons must be wrapped to be values (MS SQL) */
#define SQLKIT_DIALECT_DISTINCT_ON      0x1000u
#define SQLKIT_DIALECT_INNER_JOIN       0x2000u /**< write INNER JOIN, not JOIN */
#define SQLKIT_DIALECT_BACKSLASH_ESCAPES 0x4000u /**< '...' literals take \\ escapes (MySQL) */

/** What a dialect says about its SQL. The core's one compiler reads it; a plugin
 *  supplies data and a type-name hook, never a compiler of its own. */
typedef struct sqlkit_dialect {
	size_t struct_size;              /**< sizeof(sqlkit_dialect) */
	const char *name;                /**< "sqlite" */
	char quote_open, quote_close;    /**< '"' '"', '`' '`', '[' ']' */
	const char *const *reserved;     /**< NULL-terminated reserved words, lower case, sorted */
	unsigned flags;                  /**< SQLKIT_DIALECT_* */
	sqlkit_limit_style limit_style;
	const char *no_limit;            /**< LIMIT written when only an offset is given ("-1"),
	                                      or NULL when OFFSET may stand alone */
	sqlkit_concat_style concat_style;
	sqlkit_autoinc_style autoinc_style;
	int max_identifier_length;       /**< 0: no limit */
	/** The DDL name of a type, e.g. "VARCHAR(50)", written into buf (NUL-terminated).
	 *  Returns 0, or SQLKIT_ENOTSUPPORTED with the reason written into buf when the
	 *  database cannot store the type as given ("VARCHAR requires a length"); the
	 *  core turns that into the error, naming table, column and dialect. Pure: it
	 *  uses no host service, so it works before the plugin is initialised. */
	int (*type_ddl)(char *buf, size_t size, const sqlkit_sqltype *type);
	/** The generic sqlkit_type a column of this type reads back as (optional: NULL
	 *  lets the core decide). */
	sqlkit_type (*type_value)(const sqlkit_sqltype *type);
	/** The type written in CAST(x AS ...) when it differs from the DDL name (MySQL
	 *  casts to CHAR, SIGNED, DECIMAL...); same contract as type_ddl. Optional:
	 *  NULL uses type_ddl. */
	int (*cast_type)(char *buf, size_t size, const sqlkit_sqltype *type);
	/** How an INSERT with no column values is finished: NULL for " DEFAULT VALUES",
	 *  or e.g. " () VALUES ()" (MySQL). */
	const char *empty_insert;
} sqlkit_dialect;

/** A plugin's description and operations. Fill it with designated initializers.
 *
 *  Return conventions for the operations: 0 on success, a negative sqlkit_rc on
 *  failure after calling host->error(). Operations marked optional may be NULL. */
typedef struct sqlkit_plugin {
	unsigned abi_major;            /**< SQLKIT_PLUGIN_ABI_MAJOR */
	unsigned abi_minor;            /**< SQLKIT_PLUGIN_ABI_MINOR */
	size_t struct_size;            /**< sizeof(sqlkit_plugin) */
	const char *name;              /**< the dialect, also the module's file name */
	const char *version;           /**< the plugin's own version */
	const char *const *schemes;    /**< NULL-terminated URL schemes answered to */
	const char *const *drivers;    /**< NULL-terminated "+driver" names; the first is the default */
	uint64_t features;             /**< SQLKIT_FEATURE_* */
	sqlkit_paramstyle paramstyle;
	const char *description;       /**< one line for listings */

	/* --- connections --- */
	/** Open a connection. driver is one of `drivers` (the default when the URL names none). */
	int (*connect)(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver);
	/** Close and free; never fails. */
	void (*close)(sqlkit_pconn *conn);
	/** Check that the connection is alive; a dead one reports connection_dead. */
	int (*ping)(sqlkit_pconn *conn);
	int (*begin)(sqlkit_pconn *conn);
	int (*commit)(sqlkit_pconn *conn);
	int (*rollback)(sqlkit_pconn *conn);
	/** Savepoints; name is a validated identifier. Optional when the
	 *  plugin does not declare SQLKIT_FEATURE_SAVEPOINTS. */
	int (*savepoint)(sqlkit_pconn *conn, const char *name);
	int (*release_savepoint)(sqlkit_pconn *conn, const char *name);
	int (*rollback_to_savepoint)(sqlkit_pconn *conn, const char *name);
	/** The id generated by the last insert on this connection. Optional. */
	int (*last_insert_id)(sqlkit_pconn *conn, int64_t *out);

	/* --- statements --- */
	/** Prepare sql (already in the plugin's paramstyle, with nparams markers; the
	 *  numbered styles use exactly 1..nparams). Column names and types may be
	 *  read after prepare; a driver whose statements can change shape when
	 *  re-prepared (schema changes) reports the new shape after execute. */
	int (*prepare)(sqlkit_pstmt **out, sqlkit_pconn *conn, const char *sql, size_t len,
	               unsigned nparams);
	/** Bind params (nparams of them, in marker order) and run the statement up to
	 *  its first row, so that errors and DML effects happen here. *has_row is set
	 *  to 1 when a first row is current, 0 when there is none. A statement may be
	 *  executed again once the previous execution was reset. */
	int (*execute)(sqlkit_pstmt *stmt, const sqlkit_value *params, unsigned nparams,
	               int *has_row);
	/** Advance to the next row: 1 when a row is current, 0 when done, < 0 on error. */
	int (*step)(sqlkit_pstmt *stmt);
	unsigned (*column_count)(sqlkit_pstmt *stmt);
	/** Column name, owned by the statement, valid until finalize. */
	const char *(*column_name)(sqlkit_pstmt *stmt, unsigned i);
	/** The column's declared type mapped to a sqlkit_type, SQLKIT_TYPE_NULL when unknown. */
	sqlkit_type (*column_type)(sqlkit_pstmt *stmt, unsigned i);
	/** The current row's value. Text, decimal, JSON and blob bytes are borrowed until
	 *  the next step, reset or finalize, and text-like ones are NUL-terminated. */
	int (*column_value)(sqlkit_pstmt *stmt, unsigned i, sqlkit_value *out);
	/** Rows changed by the last execution (-1 when unknown). */
	int64_t (*rows_affected)(sqlkit_pstmt *stmt);
	/** End the current execution (discarding unread rows); never fails. */
	void (*reset)(sqlkit_pstmt *stmt);
	void (*finalize)(sqlkit_pstmt *stmt);
	/** Optional: execute with nsets parameter sets (nparams values each, laid out
	 *  one set after another) without a round trip per set, discarding any rows
	 *  they return; stop at the first failing set and name it in the message.
	 *  The core makes the whole batch all-or-nothing with a transaction and
	 *  ignores *rows_affected after a failure. NULL: the core loops over
	 *  execute/reset. */
	int (*execute_many)(sqlkit_pstmt *stmt, const sqlkit_value *params, unsigned nparams,
	                    size_t nsets, int64_t *rows_affected);

	/* --- engine support (all optional) --- */
	/** Non-zero when every connect() to this URL opens a database of its own (SQLite
	 *  in memory), so an engine must share one connection (a static pool). */
	int (*single_connection)(const sqlkit_plugin_url *url);
	/** Set the connection's transaction isolation level, given as SQL spells it
	 *  ("READ COMMITTED", "SERIALIZABLE"...); an unknown level is SQLKIT_EINVAL
	 *  naming the levels the database has. */
	int (*set_isolation_level)(sqlkit_pconn *conn, const char *level);

	/* --- SQL dialect --- */
	/** How this database spells SQL; NULL: text SQL only (no expression language). */
	const sqlkit_dialect *dialect;

	/* --- reflection (optional) --- */
	/** 1 when a table of that name exists, 0 when not, < 0 on error. NULL: the core
	 *  probes with a SELECT that fails when the table is missing. */
	int (*has_table)(sqlkit_pconn *conn, const char *name);

	/* --- ABI 1.1 --- */
	/** Optional: the current row's values in one call, out[i] as column_value
	 *  gives column i, for i in 0..n-1 (the core passes n = column_count(), the
	 *  count it read after prepare or execute). The same contract as
	 *  column_value for each value: text, decimal, JSON and blob bytes borrowed
	 *  until the next step, reset or finalize, text-like ones NUL-terminated.
	 *  Called only while a row is current (after execute set *has_row, or step
	 *  returned 1). On failure call host->error() and return its code; the core
	 *  then ignores out. NULL (or a description built against ABI 1.0, whose
	 *  struct_size does not cover the field): the core calls column_value once
	 *  per column. @since ABI 1.1 */
	int (*row_values)(sqlkit_pstmt *stmt, sqlkit_value *out, unsigned n);
} sqlkit_plugin;

/** Whether plugin p's description is large enough to hold field and fills it. */
#define SQLKIT_PLUGIN_HAS(p, field) \
	(offsetof(sqlkit_plugin, field) + sizeof((p)->field) <= (p)->struct_size && (p)->field != NULL)

/** The entry point's type. */
typedef int (*sqlkit_plugin_init_fn)(unsigned abi_major, unsigned abi_minor,
                                     const sqlkit_host *host, const sqlkit_plugin **out);

SQLKIT_END_DECLS

#endif
