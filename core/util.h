/*
 * core/util.h - internal helpers shared by the core's files: the thread-local
 * error, growable buffers, strings. Not installed, not API.
 */
#ifndef SQLKIT_CORE_UTIL_H
#define SQLKIT_CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "sqlkit/common.h"
#include "sqlkit/errors.h"

#if defined(__GNUC__)
#define SQLKIT__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SQLKIT__PRINTF(a, b)
#endif

/* Set the calling thread's last error and return code. */
int sqlkit__error_set(int code, sqlkit_error_class klass, const char *sqlstate,
                      int native_code, int connection_dead, const char *fmt, ...)
	SQLKIT__PRINTF(6, 7);
int sqlkit__error_setv(int code, sqlkit_error_class klass, const char *sqlstate,
                       int native_code, int connection_dead, const char *fmt, va_list ap);
/* Shorthands: an interface error (misuse, bad input) and out of memory. */
int sqlkit__error(int code, const char *fmt, ...) SQLKIT__PRINTF(2, 3);
int sqlkit__error_oom(void);
/* Keep the current error across cleanup that may fail (a rollback after the
 * real failure): save, clean up, restore. restore also frees what save took. */
typedef struct sqlkit__saved_error {
	sqlkit_error err;
	char *message;
} sqlkit__saved_error;
void sqlkit__error_save(sqlkit__saved_error *s);
void sqlkit__error_restore(sqlkit__saved_error *s);

/* Free the calling thread's message buffer (sqlkit_shutdown). */
void sqlkit__error_release(void);
/* Prefix the current message with "prefix: " (keeps code, class, SQLSTATE). */
void sqlkit__error_prefix(const char *fmt, ...) SQLKIT__PRINTF(1, 2);

/* A growable byte buffer, always NUL-terminated once anything was written.
 * After an allocation failure it stays failed (oom set) and ignores writes. */
typedef struct sqlkit_buf {
	char *ptr;
	size_t len;
	size_t cap;
	int oom;
} sqlkit_buf;

#define SQLKIT_BUF_INIT { NULL, 0, 0, 0 }

int sqlkit__buf_grow(sqlkit_buf *b, size_t extra);
int sqlkit__buf_put(sqlkit_buf *b, const char *data, size_t len);
int sqlkit__buf_puts(sqlkit_buf *b, const char *s);
int sqlkit__buf_putc(sqlkit_buf *b, char c);
int sqlkit__buf_printf(sqlkit_buf *b, const char *fmt, ...) SQLKIT__PRINTF(2, 3);
/* Hand the bytes over (an empty string if nothing was written, NULL after oom). */
char *sqlkit__buf_detach(sqlkit_buf *b);
void sqlkit__buf_free(sqlkit_buf *b);

char *sqlkit__strdup(const char *s);
char *sqlkit__strndup(const char *s, size_t n);
/* ASCII-only, locale-independent case-insensitive compare. */
int sqlkit__strcasecmp(const char *a, const char *b);
int sqlkit__strncasecmp(const char *a, const char *b, size_t n);

#endif
