/*
 * sqlkit/engine.h - the Engine: a URL, its plugin, a connection pool and
 * options (echo, pool sizes, isolation level). The "home base" of a program.
 *
 *   sqlkit_engine *engine;
 *   sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
 *   o.pool_size = 20; o.max_overflow = 0; o.echo = 1;
 *   sqlkit_engine_create(&engine, "postgresql://scott:tiger@localhost/test", &o);
 *   sqlkit_engine_connect(&conn, engine);   ... sqlkit_conn_close(conn);  (back to the pool)
 *
 * Thread safety: an engine and its pool may be shared by every thread of a
 * program; each connection checked out of it is used by one thread at a time.
 */
#ifndef SQLKIT_ENGINE_H
#define SQLKIT_ENGINE_H

#include "sqlkit/common.h"
#include "sqlkit/connection.h"

SQLKIT_BEGIN_DECLS

typedef struct sqlkit_engine sqlkit_engine;

/** Pool classes, after SQLAlchemy's. */
typedef enum sqlkit_pool_class {
	SQLKIT_POOL_DEFAULT = 0,  /**< STATIC where the plugin says every connection is a separate
	                               database (SQLite in memory), QUEUE otherwise */
	SQLKIT_POOL_QUEUE,        /**< up to pool_size kept, max_overflow more under load */
	SQLKIT_POOL_NULL,         /**< no pooling: connect on checkout, close on return */
	SQLKIT_POOL_STATIC        /**< one connection for everything: held by one thread at a
	                               time (that thread may check it out again, nested;
	                               others wait up to pool_timeout) */
} sqlkit_pool_class;

/** What happens to a connection given back to the pool. */
typedef enum sqlkit_reset_on_return {
	SQLKIT_RESET_ROLLBACK = 0, /**< roll back an open transaction (the default) */
	SQLKIT_RESET_NONE          /**< leave it; only for those who know why */
} sqlkit_reset_on_return;

/** One statement, as the echo hook sees it. */
typedef struct sqlkit_echo_event {
	sqlkit_log_level level;       /**< INFO for statements, ERROR when one failed */
	const char *sql;              /**< the SQL as given */
	const sqlkit_param *params;   /**< its parameters (the first set for executemany) */
	size_t nparams;
	size_t nsets;                 /**< 1, or the number of executemany sets */
	double elapsed;               /**< seconds spent executing */
	int rc;                       /**< 0 or the error code */
	uint64_t connection;          /**< sqlkit_conn_serial() of the connection */
} sqlkit_echo_event;

typedef void (*sqlkit_echo_fn)(const sqlkit_echo_event *ev, void *userdata);

#define SQLKIT_ENGINE_OPTIONS_VERSION 1

/** Engine options. Start from SQLKIT_ENGINE_OPTIONS_INIT and change what you need. */
typedef struct sqlkit_engine_options {
	unsigned version;                 /**< SQLKIT_ENGINE_OPTIONS_VERSION */
	int echo;                         /**< log every statement and its parameters */
	sqlkit_echo_fn echo_hook;         /**< where echo goes; NULL: one line each on stderr
	                                       (and one when the engine is created) */
	void *echo_userdata;
	sqlkit_pool_class pool_class;
	int pool_size;                    /**< connections kept (default 5) */
	int max_overflow;                 /**< more allowed under load (default 10; -1: no limit) */
	double pool_timeout;              /**< seconds to wait for a connection (default 30) */
	double pool_recycle;              /**< close connections older than this many seconds at
	                                       checkout; <= 0: never (default -1) */
	int pool_pre_ping;                /**< check a connection at checkout, replace it if dead */
	sqlkit_reset_on_return reset_on_return;
	const char *isolation_level;      /**< e.g. "SERIALIZABLE", "READ COMMITTED"; NULL: the
	                                       database's default */
	const char *const *driver_options;/**< NULL-terminated key, value, key, value... passed to
	                                       the plugin like URL query options (connect_args) */
} sqlkit_engine_options;

#define SQLKIT_ENGINE_OPTIONS_INIT \
	{ SQLKIT_ENGINE_OPTIONS_VERSION, 0, NULL, NULL, SQLKIT_POOL_DEFAULT, 5, 10, 30.0, -1.0, 0, \
	  SQLKIT_RESET_ROLLBACK, NULL, NULL }

/** Set an option by name from text, for options read from a configuration file:
 *  "echo", "pool_class" (queue|null|static), "pool_size", "max_overflow", "pool_timeout",
 *  "pool_recycle", "pool_pre_ping", "reset_on_return" (rollback|none), "isolation_level".
 *  The string given for isolation_level is borrowed.
 *  @return 0, or SQLKIT_EINVAL for an unknown name or a value of the wrong type. @since 0.1 */
SQLKIT_EXTERN int sqlkit_engine_options_set(sqlkit_engine_options *opts, const char *name,
                                            const char *value);

/** Create an engine: parse the URL, load its plugin, set up the pool. No connection is
 *  made until the first checkout.
 *  @param opts  NULL for the defaults; copied (driver_options and isolation_level too)
 *  @return 0, SQLKIT_EURL, SQLKIT_ENOTFOUND, SQLKIT_EPLUGIN, SQLKIT_EABI, or SQLKIT_EINVAL for
 *          a bad option (the message names it) @since 0.1 */
SQLKIT_EXTERN int sqlkit_engine_create(sqlkit_engine **out, const char *url,
                                       const sqlkit_engine_options *opts);

/** Dispose of the pool and free the engine. Connections still checked out stay
 *  usable; they are closed when given back, and the engine's memory goes with the
 *  last of them. NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_engine_free(sqlkit_engine *engine);

/** Check a connection out of the pool. Give it back with sqlkit_conn_close().
 *  @return 0, SQLKIT_ETIMEOUT when the pool stays exhausted for pool_timeout (the message
 *          says the sizes), or the driver's error when a new connection fails @since 0.1 */
SQLKIT_EXTERN int sqlkit_engine_connect(sqlkit_conn **out, sqlkit_engine *engine);

/** A connection with a transaction begun. Commit it with sqlkit_conn_commit(); giving
 *  it back without committing rolls the work back. @since 0.1 */
SQLKIT_EXTERN int sqlkit_engine_begin(sqlkit_conn **out, sqlkit_engine *engine);

/** Run fn in a transaction on a pooled connection: committed when fn returns 0, rolled
 *  back otherwise. @return fn's result, or the error of checkout or commit. @since 0.1 */
SQLKIT_EXTERN int sqlkit_engine_transaction(sqlkit_engine *engine,
                                            int (*fn)(sqlkit_conn *conn, void *userdata),
                                            void *userdata);

/** One-shot execute for scripts: check out, run (autocommit), give back. With out, the
 *  connection stays checked out until the result is freed. @since 0.1 */
SQLKIT_EXTERN int sqlkit_engine_execute(sqlkit_result **out, sqlkit_engine *engine,
                                        const char *sql, const sqlkit_param *params,
                                        size_t nparams);

/** Close every idle connection; connections checked out now are closed when they come
 *  back. The pool fills again on demand. @since 0.1 */
SQLKIT_EXTERN void sqlkit_engine_dispose(sqlkit_engine *engine);

/** Pool statistics. */
typedef struct sqlkit_pool_status {
	sqlkit_pool_class pool_class;
	int pool_size;        /**< configured size */
	int max_overflow;
	int open;             /**< connections open now, idle or checked out */
	int idle;             /**< kept in the pool, ready */
	int checked_out;
	int overflow;         /**< open beyond pool_size (may be negative: room left) */
	int waiters;          /**< threads waiting for a connection */
	uint64_t connects;    /**< connections made since the engine was created */
} sqlkit_pool_status;

/** Read the pool's statistics (a consistent snapshot). @since 0.1 */
SQLKIT_EXTERN void sqlkit_engine_pool_status(const sqlkit_engine *engine, sqlkit_pool_status *out);

/** The engine's URL as text with the password masked; borrowed. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_engine_url(const sqlkit_engine *engine);
/** The plugin's name ("sqlite") and the driver in use; borrowed. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_engine_dialect(const sqlkit_engine *engine);
SQLKIT_EXTERN const char *sqlkit_engine_driver(const sqlkit_engine *engine);

/** A number that identifies the physical connection behind conn, unique for the life
 *  of the process (for logs and tests: a recycled connection gets a new one). @since 0.1 */
SQLKIT_EXTERN uint64_t sqlkit_conn_serial(const sqlkit_conn *conn);

/** Mark a connection as unusable: it is closed, not pooled, when given back.
 *  @since 0.1 */
SQLKIT_EXTERN void sqlkit_conn_invalidate(sqlkit_conn *conn);

SQLKIT_END_DECLS

#endif
