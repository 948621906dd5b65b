/*
 * plugins/postgresql/dialect.c - how PostgreSQL spells SQL, after SQLAlchemy
 * 2.0's PostgreSQL dialect (sqlalchemy/dialects/postgresql/base.py): its
 * RESERVED_WORDS, PGTypeCompiler (TIMESTAMP/TIME WITH[OUT] TIME ZONE, BYTEA,
 * native UUID, INTERVAL, a named ENUM type), ILIKE, DISTINCT ON, RETURNING.
 *
 * Pure data plus a type-name function: no host service is used, so the golden
 * tests compile this file in without loading any plugin.
 */
#include <stdio.h>
#include <string.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

extern const sqlkit_dialect sqlkit__dialect_postgresql;

/* SQLAlchemy's postgresql RESERVED_WORDS, lower case. KEEP SORTED (strcmp
 * order, '_' before letters): the core looks words up by binary search. */
static const char *const reserved[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
	"authorization", "between", "binary", "both", "case", "cast", "check", "collate",
	"column", "constraint", "create", "cross", "current_catalog", "current_date",
	"current_role", "current_schema", "current_time", "current_timestamp", "current_user",
	"default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
	"fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
	"in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "leading",
	"left", "like", "limit", "localtime", "localtimestamp", "natural", "new", "not",
	"notnull", "null", "of", "off", "offset", "old", "on", "only", "or", "order", "outer",
	"over", "overlaps", "placing", "primary", "references", "returning", "right", "select",
	"session_user", "similar", "some", "symmetric", "table", "then", "to", "trailing", "true",
	"union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
	"with", NULL
};

static int is_reserved(const char *name)
{
	size_t lo = 0, hi = sizeof reserved / sizeof reserved[0] - 1, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, reserved[mid])) == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* The ENUM type's name as SQLAlchemy's format_type() writes it: quoted by the
 * same rule as every identifier (core/dialect.c), embedded quotes doubled. */
static int enum_type(char *buf, size_t size, const char *name)
{
	const char *p;
	size_t n = 0;
	int quote = 0;

	if (!name || !*name)
		return sqlkit_type_unsupported(buf, size, "ENUM requires a name");
	if ((*name >= '0' && *name <= '9') || *name == '$')
		quote = 1;
	for (p = name; *p && !quote; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
			quote = 1;
	if (!quote && is_reserved(name))
		quote = 1;
	if (!quote) {
		snprintf(buf, size, "%s", name);
		return 0;
	}
	/* Filled to size - 1 when cut: the core then asks again with more room. */
	if (n + 1 < size)
		buf[n++] = '"';
	for (p = name; *p; p++) {
		if (*p == '"' && n + 1 < size)
			buf[n++] = '"';
		if (n + 1 < size)
			buf[n++] = *p;
	}
	if (n + 1 < size)
		buf[n++] = '"';
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return 0;
}

static int pg_type_ddl(char *buf, size_t size, const sqlkit_sqltype *t)
{
	switch (t->kind) {
	case SQLKIT_SQLT_INTEGER:      snprintf(buf, size, "INTEGER"); return 0;
	case SQLKIT_SQLT_SMALLINT:     snprintf(buf, size, "SMALLINT"); return 0;
	case SQLKIT_SQLT_BIGINT:       snprintf(buf, size, "BIGINT"); return 0;
	case SQLKIT_SQLT_STRING:
	case SQLKIT_SQLT_UNICODE:      return sqlkit_type_sized(buf, size, "VARCHAR", t->length);
	case SQLKIT_SQLT_TEXT:
	case SQLKIT_SQLT_UNICODE_TEXT: snprintf(buf, size, "TEXT"); return 0;
	case SQLKIT_SQLT_BOOLEAN:      snprintf(buf, size, "BOOLEAN"); return 0;
	case SQLKIT_SQLT_FLOAT:        snprintf(buf, size, "FLOAT"); return 0;
	case SQLKIT_SQLT_NUMERIC:
		if (t->precision > 0)
			snprintf(buf, size, "NUMERIC(%d, %d)", t->precision, t->scale);
		else
			snprintf(buf, size, "NUMERIC");
		return 0;
	case SQLKIT_SQLT_DATE:         snprintf(buf, size, "DATE"); return 0;
	case SQLKIT_SQLT_TIME:
		snprintf(buf, size, "TIME %s TIME ZONE", t->timezone ? "WITH" : "WITHOUT");
		return 0;
	case SQLKIT_SQLT_DATETIME:     /* visit_datetime is visit_TIMESTAMP */
	case SQLKIT_SQLT_TIMESTAMP:
		snprintf(buf, size, "TIMESTAMP %s TIME ZONE", t->timezone ? "WITH" : "WITHOUT");
		return 0;
	case SQLKIT_SQLT_INTERVAL:     snprintf(buf, size, "INTERVAL"); return 0;
	case SQLKIT_SQLT_LARGE_BINARY: snprintf(buf, size, "BYTEA"); return 0;
	case SQLKIT_SQLT_JSON:         snprintf(buf, size, "JSON"); return 0;
	case SQLKIT_SQLT_UUID:         snprintf(buf, size, "UUID"); return 0;
	case SQLKIT_SQLT_ENUM:         return enum_type(buf, size, t->enum_name);
	case SQLKIT_SQLT_NULLTYPE:
		return sqlkit_type_unsupported(buf, size, "the column has no type");
	}
	return sqlkit_type_unsupported(buf, size, "unknown type");
}

const sqlkit_dialect sqlkit__dialect_postgresql = {
	.struct_size = sizeof(sqlkit_dialect),
	.name = "postgresql",
	.quote_open = '"',
	.quote_close = '"',
	.reserved = reserved,
	.flags = SQLKIT_DIALECT_ILIKE | SQLKIT_DIALECT_NULLS_ORDER | SQLKIT_DIALECT_FULL_OUTER_JOIN |
	         SQLKIT_DIALECT_RETURNING | SQLKIT_DIALECT_TRUE_FALSE | SQLKIT_DIALECT_SEQUENCES |
	         SQLKIT_DIALECT_MULTI_VALUES | SQLKIT_DIALECT_CTE | SQLKIT_DIALECT_IF_NOT_EXISTS |
	         SQLKIT_DIALECT_NATIVE_ENUM | SQLKIT_DIALECT_DISTINCT_ON,
	.limit_style = SQLKIT_LIMIT_OFFSET,
	.no_limit = NULL,
	.concat_style = SQLKIT_CONCAT_PIPES,
	.autoinc_style = SQLKIT_AUTOINC_SERIAL,
	.max_identifier_length = 63,
	.type_ddl = pg_type_ddl,
	.type_value = NULL,
};
