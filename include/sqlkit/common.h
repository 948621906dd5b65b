/*
 * sqlkit/common.h - export macro, version, return codes.
 *
 * Everything here is constant; nothing in this header holds state.
 */
#ifndef SQLKIT_COMMON_H
#define SQLKIT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "sqlkit/version.h"

#ifdef __cplusplus
#define SQLKIT_BEGIN_DECLS extern "C" {
#define SQLKIT_END_DECLS }
#else
#define SQLKIT_BEGIN_DECLS
#define SQLKIT_END_DECLS
#endif

/* SQLKIT_EXTERN marks a public function: libsqlkit is built with
 * -fvisibility=hidden and exports only what carries this mark. */
#if defined(_WIN32) && defined(SQLKIT_BUILDING_LIBRARY)
#define SQLKIT_EXTERN __declspec(dllexport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define SQLKIT_EXTERN __attribute__((visibility("default")))
#else
#define SQLKIT_EXTERN
#endif

/** Return codes. 0 is success; every failure is negative and the detail
 *  (message, error class, SQLSTATE...) is in sqlkit_error_last().
 *  Codes are only ever appended, never renumbered. */
typedef enum sqlkit_rc {
	SQLKIT_OK = 0,
	SQLKIT_ERROR = -1,         /**< anything not listed below */
	SQLKIT_ENOMEM = -2,        /**< out of memory */
	SQLKIT_EINVAL = -3,        /**< bad argument from the caller */
	SQLKIT_ENOTFOUND = -4,     /**< no such plugin, column, savepoint... */
	SQLKIT_EURL = -5,          /**< malformed URL */
	SQLKIT_EPLUGIN = -6,       /**< a plugin could not be loaded or initialised */
	SQLKIT_EABI = -7,          /**< a plugin speaks another ABI major */
	SQLKIT_EPARAM = -8,        /**< missing, extra or badly typed bound parameter */
	SQLKIT_ECONSTRAINT = -9,   /**< integrity constraint violated */
	SQLKIT_EBUSY = -10,        /**< database locked or busy */
	SQLKIT_ETIMEOUT = -11,     /**< a wait ran out */
	SQLKIT_EDISCONNECTED = -12,/**< the connection is dead */
	SQLKIT_ENOTSUPPORTED = -13,/**< the plugin or database cannot do it */
	SQLKIT_ESTATE = -14,       /**< call not valid in the object's current state */
	SQLKIT_ECONF = -15,        /**< malformed configuration file */
	SQLKIT_ESQL = -16          /**< the database rejected the statement */
} sqlkit_rc;

/** Log levels. */
typedef enum sqlkit_log_level {
	SQLKIT_LOG_DEBUG = 10,
	SQLKIT_LOG_INFO = 20,
	SQLKIT_LOG_WARNING = 30,
	SQLKIT_LOG_ERROR = 40
} sqlkit_log_level;

/** A log handler: one line, without newline. Called from any thread. */
typedef void (*sqlkit_log_fn)(sqlkit_log_level level, const char *line, void *userdata);

/** Send sqlkit's log lines (from the core and from plugins) to fn; NULL, the
 *  default, discards them. The library itself never prints. @since 0.1 */
SQLKIT_EXTERN void sqlkit_log_set_handler(sqlkit_log_fn fn, void *userdata);

/** Free memory that sqlkit handed to the caller (strings from
 *  sqlkit_url_format(), ...). NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_free(void *ptr);

/** The library's version as "MAJOR.MINOR.PATCH". @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_version(void);

/** Release process-wide state: loaded plugins, the configuration cache.
 *  Call only when no sqlkit object is alive any more; sqlkit works again
 *  afterwards (state is rebuilt on demand). @since 0.1 */
SQLKIT_EXTERN void sqlkit_shutdown(void);

#endif
