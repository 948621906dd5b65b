/*
 * sqlkit/url.h - database URLs.
 *
 *   dialect[+driver]://[user[:password]@][host | [ipv6]][:port][/database][?key=value&...]
 *
 * The format SQLAlchemy users know. User, password, database and query keys and
 * values are percent-decoded; a query key may repeat and keeps all its values in
 * order. SQLite forms: "sqlite://" and "sqlite:///:memory:" (in memory),
 * "sqlite:///relative.db", "sqlite:////absolute/path.db".
 *
 * Thread safety: a parsed URL is immutable and may be shared between threads.
 */
#ifndef SQLKIT_URL_H
#define SQLKIT_URL_H

#include "sqlkit/common.h"

SQLKIT_BEGIN_DECLS

typedef struct sqlkit_url sqlkit_url;

/** Parse a URL.
 *  @param[out] out  the URL; free it with sqlkit_url_free()
 *  @return 0, or SQLKIT_EURL with a message that quotes the offending part,
 *          or SQLKIT_ENOMEM. *out is NULL on failure.
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_url_parse(sqlkit_url **out, const char *text);

/** Free a URL; NULL is a no-op. @since 0.1 */
SQLKIT_EXTERN void sqlkit_url_free(sqlkit_url *url);

/** Components. Each returns a string owned by the URL, or NULL when the
 *  component is absent. The dialect is never NULL. @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_url_dialect(const sqlkit_url *url);
SQLKIT_EXTERN const char *sqlkit_url_driver(const sqlkit_url *url);
SQLKIT_EXTERN const char *sqlkit_url_username(const sqlkit_url *url);
SQLKIT_EXTERN const char *sqlkit_url_password(const sqlkit_url *url);
/** The host; an IPv6 address comes without its brackets. */
SQLKIT_EXTERN const char *sqlkit_url_host(const sqlkit_url *url);
/** The port (1-65535), or 0 when the URL has none. */
SQLKIT_EXTERN int sqlkit_url_port(const sqlkit_url *url);
SQLKIT_EXTERN const char *sqlkit_url_database(const sqlkit_url *url);

/** Number of query parameters, counting each repetition of a key. @since 0.1 */
SQLKIT_EXTERN size_t sqlkit_url_query_count(const sqlkit_url *url);
/** The i-th query parameter in URL order (i < sqlkit_url_query_count()).
 *  @return 0, or SQLKIT_EINVAL when i is out of range. @since 0.1 */
SQLKIT_EXTERN int sqlkit_url_query_at(const sqlkit_url *url, size_t i,
                                      const char **key, const char **value);
/** The nth value (0 = first) of a query key, or NULL when there are fewer.
 *  @since 0.1 */
SQLKIT_EXTERN const char *sqlkit_url_query_get(const sqlkit_url *url,
                                               const char *key, size_t nth);
/** How many times a query key appears. @since 0.1 */
SQLKIT_EXTERN size_t sqlkit_url_query_count_key(const sqlkit_url *url, const char *key);

/** Flags for sqlkit_url_format(). */
#define SQLKIT_URL_MASK_PASSWORD 0x1u /**< render the password as "***" */

/** Render a URL back to text, percent-encoding what needs it; with
 *  SQLKIT_URL_MASK_PASSWORD for anything that is logged.
 *  @param[out] out  a string to free with sqlkit_free()
 *  @return 0 or SQLKIT_ENOMEM. @since 0.1 */
SQLKIT_EXTERN int sqlkit_url_format(char **out, const sqlkit_url *url, unsigned flags);

SQLKIT_END_DECLS

#endif
