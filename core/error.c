/*
 * core/error.c - the thread-local last error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct error_state {
	sqlkit_error pub;
	char *msg;
} error_state;

static _Thread_local error_state tl_err;
static char oom_message[] = "out of memory";

/* The message buffer is freed when the thread exits through this key. */
#include <pthread.h>
static pthread_key_t err_key;
static pthread_once_t err_once = PTHREAD_ONCE_INIT;

static void err_destroy(void *p)
{
	error_state *st = p;
	free(st->msg);
	st->msg = NULL;
}

static void err_key_init(void)
{
	(void)pthread_key_create(&err_key, err_destroy);
}

/* Format into a fresh buffer, so that arguments may point into the current
 * message (a caller adding context to the last error). */
static void set_message(const char *fmt, va_list ap)
{
	va_list cp;
	char *m;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		tl_err.pub.message = "(unformattable error message)";
		return;
	}
	if (!(m = malloc((size_t)n + 1))) {
		tl_err.pub.message = oom_message;
		return;
	}
	vsnprintf(m, (size_t)n + 1, fmt, ap);
	if (!tl_err.msg) {
		pthread_once(&err_once, err_key_init);
		pthread_setspecific(err_key, &tl_err);
	}
	free(tl_err.msg);
	tl_err.msg = m;
	tl_err.pub.message = m;
}

int sqlkit__error_setv(int code, sqlkit_error_class klass, const char *sqlstate,
                       int native_code, int connection_dead, const char *fmt, va_list ap)
{
	tl_err.pub.code = code;
	tl_err.pub.klass = klass;
	if (sqlstate && strlen(sqlstate) == 5)
		memcpy(tl_err.pub.sqlstate, sqlstate, 6);
	else
		tl_err.pub.sqlstate[0] = '\0';
	tl_err.pub.native_code = native_code;
	tl_err.pub.connection_dead = connection_dead != 0;
	set_message(fmt, ap);
	return code;
}

int sqlkit__error_set(int code, sqlkit_error_class klass, const char *sqlstate,
                      int native_code, int connection_dead, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlkit__error_setv(code, klass, sqlstate, native_code, connection_dead, fmt, ap);
	va_end(ap);
	return code;
}

int sqlkit__error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlkit__error_setv(code, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int sqlkit__error_oom(void)
{
	tl_err.pub.code = SQLKIT_ENOMEM;
	tl_err.pub.klass = SQLKIT_ERRCLASS_OPERATIONAL;
	tl_err.pub.sqlstate[0] = '\0';
	tl_err.pub.native_code = 0;
	tl_err.pub.connection_dead = 0;
	tl_err.pub.message = oom_message;
	return SQLKIT_ENOMEM;
}

void sqlkit__error_prefix(const char *fmt, ...)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	va_list ap;
	char *old;

	va_start(ap, fmt);
	{
		char tmp[512];
		vsnprintf(tmp, sizeof tmp, fmt, ap);
		sqlkit__buf_puts(&b, tmp);
	}
	va_end(ap);
	old = sqlkit__strdup(sqlkit_error_last()->message);
	sqlkit__buf_puts(&b, ": ");
	sqlkit__buf_puts(&b, old ? old : "");
	if (!b.oom)
		sqlkit__error_set(tl_err.pub.code, tl_err.pub.klass,
		                  tl_err.pub.sqlstate[0] ? tl_err.pub.sqlstate : NULL,
		                  tl_err.pub.native_code, tl_err.pub.connection_dead, "%s", b.ptr);
	free(old);
	sqlkit__buf_free(&b);
}

void sqlkit__error_save(sqlkit__saved_error *s)
{
	s->err = *sqlkit_error_last();
	s->message = sqlkit__strdup(s->err.message);
}

void sqlkit__error_restore(sqlkit__saved_error *s)
{
	sqlkit__error_set(s->err.code, s->err.klass, s->err.sqlstate[0] ? s->err.sqlstate : NULL,
	                  s->err.native_code, s->err.connection_dead, "%s",
	                  s->message ? s->message : "(error message lost: out of memory)");
	free(s->message);
	s->message = NULL;
}

void sqlkit__error_release(void)
{
	sqlkit_error_clear();
	free(tl_err.msg);
	tl_err.msg = NULL;
}

const sqlkit_error *sqlkit_error_last(void)
{
	if (!tl_err.pub.message)
		tl_err.pub.message = "";
	return &tl_err.pub;
}

void sqlkit_error_clear(void)
{
	tl_err.pub.code = 0;
	tl_err.pub.klass = SQLKIT_ERRCLASS_NONE;
	tl_err.pub.sqlstate[0] = '\0';
	tl_err.pub.native_code = 0;
	tl_err.pub.connection_dead = 0;
	tl_err.pub.message = "";
}

const char *sqlkit_error_class_name(sqlkit_error_class klass)
{
	switch (klass) {
	case SQLKIT_ERRCLASS_NONE: return "NoError";
	case SQLKIT_ERRCLASS_INTERFACE: return "InterfaceError";
	case SQLKIT_ERRCLASS_DATABASE: return "DatabaseError";
	case SQLKIT_ERRCLASS_DATA: return "DataError";
	case SQLKIT_ERRCLASS_OPERATIONAL: return "OperationalError";
	case SQLKIT_ERRCLASS_INTEGRITY: return "IntegrityError";
	case SQLKIT_ERRCLASS_INTERNAL: return "InternalError";
	case SQLKIT_ERRCLASS_PROGRAMMING: return "ProgrammingError";
	case SQLKIT_ERRCLASS_NOT_SUPPORTED: return "NotSupportedError";
	}
	return "UnknownError";
}
