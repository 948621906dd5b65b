/*
 * core/dialect.c - what the compiler asks of a dialect: which one a connection
 * speaks, identifier quoting, DDL type names and the value type of a SQL type.
 *
 * The core knows no dialect by name: a dialect is whatever the plugin that
 * answers a URL scheme supplies (sqlkit_plugin.dialect). Quoting follows
 * SQLAlchemy's IdentifierPreparer (sqlalchemy/sql/compiler.py, 2.0):
 *
 *     def _requires_quotes(self, value):
 *         lc_value = value.lower()
 *         return (lc_value in self.reserved_words
 *                 or value[0] in self.illegal_initial_characters   # 0-9 and $
 *                 or not self.legal_characters.match(str(value))   # [A-Z0-9_$]+, re.I
 *                 or (lc_value != value))
 *
 * and _escape_identifier() doubles the closing quote character.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "dbapi.h"
#include "registry.h"
#include "util.h"

/* Whether dialect d is large enough to hold field. */
#define DIALECT_HAS(d, field) \
	(offsetof(sqlkit_dialect, field) + sizeof((d)->field) <= (d)->struct_size && (d)->field != NULL)

/* The longest DDL type name accepted from a dialect's type_ddl hook. */
#define TYPE_DDL_MAX 65536

static int plugin_dialect(const sqlkit_dialect **out, const sqlkit_plugin *p)
{
	if (!SQLKIT_PLUGIN_HAS(p, dialect))
		return sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                         "plugin \"%s\" has no SQL dialect", p->name ? p->name : "?");
	if (p->dialect->struct_size < offsetof(sqlkit_dialect, type_ddl) + sizeof(p->dialect->type_ddl) ||
	    !p->dialect->type_ddl)
		return sqlkit__error(SQLKIT_EPLUGIN, "plugin \"%s\" has an incomplete SQL dialect",
		                     p->name ? p->name : "?");
	*out = p->dialect;
	return 0;
}

int sqlkit__dialect_of_conn(const sqlkit_dialect **out, const sqlkit_conn *conn)
{
	if (!out || !conn || !conn->plugin)
		return sqlkit__error(SQLKIT_EINVAL, "no connection given");
	return plugin_dialect(out, conn->plugin);
}

int sqlkit__dialect_by_name(const sqlkit_dialect **out, const char *name)
{
	const sqlkit_plugin *p = NULL;
	const char *driver = NULL;
	int rc;

	if (!out || !name || !*name)
		return sqlkit__error(SQLKIT_EINVAL, "no dialect name given");
	if ((rc = sqlkit__registry_resolve(&p, &driver, name, NULL)) < 0)
		return rc;
	return plugin_dialect(out, p);
}

/* ---------------------------------------------------------------- identifiers */

static int is_reserved(const sqlkit_dialect *d, const char *lower)
{
	size_t lo = 0, hi = 0, mid;
	int c;

	if (!d->reserved)
		return 0;
	while (d->reserved[hi])
		hi++;
	/* The list is sorted (plugin.h), so a binary search will do. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(lower, d->reserved[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int requires_quotes(const sqlkit_dialect *d, const char *name, size_t len)
{
	char small[64], *lower = small;
	size_t i;
	int r;

	if ((name[0] >= '0' && name[0] <= '9') || name[0] == '$')
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		/* Upper case is quoted too: unquoted names are case insensitive. */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$'))
			return 1;
	}
	/* Only [a-z0-9_$] from here on: the name is its own lower case. */
	if (len >= sizeof small && !(lower = malloc(len + 1)))
		return -1;
	memcpy(lower, name, len + 1);
	r = is_reserved(d, lower);
	if (lower != small)
		free(lower);
	return r;
}

/* Characters (not bytes) in UTF-8 text. */
static size_t utf8_length(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

int sqlkit__quote_ident(sqlkit_buf *b, const sqlkit_dialect *d, const char *name)
{
	size_t len;
	int q;

	if (!name || !*name)
		return sqlkit__error(SQLKIT_EINVAL, "empty identifier");
	len = strlen(name);
	if (d->max_identifier_length > 0 && utf8_length(name, len) > (size_t)d->max_identifier_length)
		return sqlkit__error(SQLKIT_EINVAL,
		                     "identifier \"%.*s...\" is longer than %d characters on dialect \"%s\"",
		                     32, name, d->max_identifier_length, d->name);
	if ((q = requires_quotes(d, name, len)) < 0)
		return sqlkit__error_oom();
	if (!q)
		return sqlkit__buf_put(b, name, len) < 0 ? sqlkit__error_oom() : 0;

	sqlkit__buf_putc(b, d->quote_open);
	for (; *name; name++) {
		if (*name == d->quote_close)
			sqlkit__buf_putc(b, d->quote_close);
		sqlkit__buf_putc(b, *name);
	}
	sqlkit__buf_putc(b, d->quote_close);
	return b->oom ? sqlkit__error_oom() : 0;
}

/* ---------------------------------------------------------------- types */

static int name_type(sqlkit_buf *b, const sqlkit_dialect *d,
                     int (*hook)(char *, size_t, const sqlkit_sqltype *),
                     const sqlkit_sqltype *t, const char *table, const char *column)
{
	char small[256], *buf = small;
	size_t size = sizeof small;
	int rc;

	for (;;) {
		buf[0] = '\0';
		rc = hook(buf, size, t);
		/* A result that fills the buffer may have been cut: try a larger one. */
		if (rc == 0 && strlen(buf) + 1 >= size && size < TYPE_DDL_MAX) {
			char *bigger;
			size *= 4;
			if (!(bigger = malloc(size))) {
				rc = sqlkit__error_oom();
				break;
			}
			if (buf != small)
				free(buf);
			buf = bigger;
			continue;
		}
		if (rc == SQLKIT_ENOTSUPPORTED) {
			buf[size - 1] = '\0';
			if (table && column)
				rc = sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
				                       "column \"%s.%s\": %s on dialect \"%s\"", table, column,
				                       *buf ? buf : "type not supported", d->name);
			else if (column)
				rc = sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
				                       "column \"%s\": %s on dialect \"%s\"", column,
				                       *buf ? buf : "type not supported", d->name);
			else
				rc = sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
				                       "%s on dialect \"%s\"", *buf ? buf : "type not supported",
				                       d->name);
		} else if (rc < 0) {
			rc = sqlkit__error(rc, "dialect \"%s\" could not name the type of column \"%s%s%s\"",
			                   d->name, table ? table : "", table ? "." : "", column ? column : "?");
		} else if (strlen(buf) + 1 >= size) {
			rc = sqlkit__error(SQLKIT_EINVAL, "type of column \"%s%s%s\" is too long on dialect \"%s\"",
			                   table ? table : "", table ? "." : "", column ? column : "?", d->name);
		} else if (sqlkit__buf_puts(b, buf) < 0) {
			rc = sqlkit__error_oom();
		}
		break;
	}
	if (buf != small)
		free(buf);
	return rc;
}

sqlkit_type sqlkit__sqltype_value_type(const sqlkit_dialect *d, const sqlkit_sqltype *t)
{
	if (d && DIALECT_HAS(d, type_value))
		return d->type_value(t);
	switch (t->kind) {
	case SQLKIT_SQLT_INTEGER:
	case SQLKIT_SQLT_SMALLINT:
	case SQLKIT_SQLT_BIGINT:
		return SQLKIT_TYPE_INT;
	case SQLKIT_SQLT_STRING:
	case SQLKIT_SQLT_TEXT:
	case SQLKIT_SQLT_UNICODE:
	case SQLKIT_SQLT_UNICODE_TEXT:
	case SQLKIT_SQLT_ENUM:
	case SQLKIT_SQLT_INTERVAL:
		return SQLKIT_TYPE_TEXT;
	case SQLKIT_SQLT_BOOLEAN:
		return SQLKIT_TYPE_BOOL;
	case SQLKIT_SQLT_FLOAT:
		return SQLKIT_TYPE_FLOAT;
	case SQLKIT_SQLT_NUMERIC:
		return SQLKIT_TYPE_DECIMAL;
	case SQLKIT_SQLT_DATE:
		return SQLKIT_TYPE_DATE;
	case SQLKIT_SQLT_TIME:
		return SQLKIT_TYPE_TIME;
	case SQLKIT_SQLT_DATETIME:
	case SQLKIT_SQLT_TIMESTAMP:
		return SQLKIT_TYPE_DATETIME;
	case SQLKIT_SQLT_LARGE_BINARY:
		return SQLKIT_TYPE_BLOB;
	case SQLKIT_SQLT_JSON:
		return SQLKIT_TYPE_JSON;
	case SQLKIT_SQLT_UUID:
		return SQLKIT_TYPE_UUID;
	case SQLKIT_SQLT_NULLTYPE:
	default:
		return SQLKIT_TYPE_NULL;
	}
}

/* SQLAlchemy's generic names (the __visit_name__ of its upper-case types). */
const char *sqlkit_sqltype_name(sqlkit_sqltype_kind kind)
{
	switch (kind) {
	case SQLKIT_SQLT_NULLTYPE:     return "NULL";
	case SQLKIT_SQLT_INTEGER:      return "INTEGER";
	case SQLKIT_SQLT_SMALLINT:     return "SMALLINT";
	case SQLKIT_SQLT_BIGINT:       return "BIGINT";
	case SQLKIT_SQLT_STRING:       return "VARCHAR";
	case SQLKIT_SQLT_TEXT:         return "TEXT";
	case SQLKIT_SQLT_UNICODE:      return "VARCHAR";
	case SQLKIT_SQLT_UNICODE_TEXT: return "TEXT";
	case SQLKIT_SQLT_BOOLEAN:      return "BOOLEAN";
	case SQLKIT_SQLT_FLOAT:        return "FLOAT";
	case SQLKIT_SQLT_NUMERIC:      return "NUMERIC";
	case SQLKIT_SQLT_DATE:         return "DATE";
	case SQLKIT_SQLT_TIME:         return "TIME";
	case SQLKIT_SQLT_DATETIME:     return "DATETIME";
	case SQLKIT_SQLT_TIMESTAMP:    return "TIMESTAMP";
	case SQLKIT_SQLT_INTERVAL:     return "INTERVAL";
	case SQLKIT_SQLT_LARGE_BINARY: return "BLOB";
	case SQLKIT_SQLT_JSON:         return "JSON";
	case SQLKIT_SQLT_UUID:         return "UUID";
	case SQLKIT_SQLT_ENUM:         return "VARCHAR";
	}
	return "UNKNOWN";
}

int sqlkit__type_ddl(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_sqltype *t,
                     const char *table, const char *column)
{
	return name_type(b, d, d->type_ddl, t, table, column);
}

int sqlkit__cast_type(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_sqltype *t)
{
	int (*hook)(char *, size_t, const sqlkit_sqltype *) = d->type_ddl;

	if (offsetof(sqlkit_dialect, cast_type) + sizeof d->cast_type <= d->struct_size && d->cast_type)
		hook = d->cast_type;
	return name_type(b, d, hook, t, NULL, NULL);
}
