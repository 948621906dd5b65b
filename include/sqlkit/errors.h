/*
 * sqlkit/errors.h - the thread-local last error.
 *
 * Thread safety: each thread has its own last error; nothing here is shared.
 */
#ifndef SQLKIT_ERRORS_H
#define SQLKIT_ERRORS_H

#include "sqlkit/common.h"

SQLKIT_BEGIN_DECLS

/** Error classes, after PEP 249 (the Python DBAPI). */
typedef enum sqlkit_error_class {
	SQLKIT_ERRCLASS_NONE = 0,
	SQLKIT_ERRCLASS_INTERFACE,      /**< misuse of sqlkit itself: bad URL, plugin, argument */
	SQLKIT_ERRCLASS_DATABASE,       /**< a database error not classified further */
	SQLKIT_ERRCLASS_DATA,           /**< bad value: out of range, division by zero */
	SQLKIT_ERRCLASS_OPERATIONAL,    /**< connection lost, database locked, out of resources */
	SQLKIT_ERRCLASS_INTEGRITY,      /**< constraint violated: unique, foreign key, not null, check */
	SQLKIT_ERRCLASS_INTERNAL,       /**< the database's internal state is bad */
	SQLKIT_ERRCLASS_PROGRAMMING,    /**< bad SQL, no such table, wrong number of parameters */
	SQLKIT_ERRCLASS_NOT_SUPPORTED   /**< the database or plugin cannot do it */
} sqlkit_error_class;

/** The detail of the last failure on this thread. */
typedef struct sqlkit_error {
	int code;                   /**< the sqlkit_rc that was returned */
	sqlkit_error_class klass;   /**< PEP 249 class */
	char sqlstate[6];           /**< five-character SQLSTATE, or "" when unknown */
	int native_code;            /**< the database's own error number, or 0 */
	int connection_dead;        /**< non-zero when the connection can no longer be used */
	const char *message;        /**< one line, never NULL */
} sqlkit_error;

/** The last error set on the calling thread. The pointer stays valid until
 *  the next sqlkit call on this thread that fails or clears it. Never NULL:
 *  when nothing failed, code is 0 and message is "". @since 0.1 */
SQLKIT_EXTERN const sqlkit_error *sqlkit_error_last(void);

/** Forget the calling thread's last error. @since 0.1 */
SQLKIT_EXTERN void sqlkit_error_clear(void);

/** "IntegrityError", "OperationalError"... for a class. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_error_class_name(sqlkit_error_class klass);

SQLKIT_END_DECLS

#endif
