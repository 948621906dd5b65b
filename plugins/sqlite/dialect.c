/*
 * plugins/sqlite/dialect.c - how SQLite spells SQL, after SQLAlchemy 2.0's
 * SQLite dialect (sqlalchemy/dialects/sqlite/base.py): its reserved words
 * (SQLiteIdentifierPreparer.reserved_words), SQLiteTypeCompiler on top of the
 * GenericTypeCompiler, 1/0 for true/false (SQLiteCompiler.visit_true) and
 * LIMIT -1 when only an offset is given (SQLiteCompiler.limit_clause).
 *
 * Pure data plus a type-name function: no host service is used, so the golden
 * tests compile this file in without loading the plugin.
 */
#include <stdio.h>
#include <string.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

extern const sqlkit_dialect sqlkit__dialect_sqlite;

/* SQLAlchemy's SQLiteIdentifierPreparer.reserved_words, lower case. KEEP SORTED
 * (strcmp order, '_' before letters): the core looks words up by binary search. */
static const char *const reserved[] = {
	"add", "after", "all", "alter", "analyze", "and", "as", "asc", "attach", "autoincrement",
	"before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate",
	"column", "commit", "conflict", "constraint", "create", "cross", "current_date",
	"current_time", "current_timestamp", "database", "default", "deferrable", "deferred",
	"delete", "desc", "detach", "distinct", "drop", "each", "else", "end", "escape", "except",
	"exclusive", "exists", "explain", "fail", "false", "for", "foreign", "from", "full",
	"glob", "group", "having", "if", "ignore", "immediate", "in", "index", "indexed",
	"initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join",
	"key", "left", "like", "limit", "match", "natural", "not", "notnull", "null", "of",
	"offset", "on", "or", "order", "outer", "plan", "pragma", "primary", "query", "raise",
	"references", "reindex", "rename", "replace", "restrict", "right", "rollback", "row",
	"select", "set", "table", "temp", "temporary", "then", "to", "transaction", "trigger",
	"true", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual",
	"when", "where", NULL
};

static int sqlite_type_ddl(char *buf, size_t size, const sqlkit_sqltype *t)
{
	const char *const *v;
	size_t longest = 0;

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
		/* SQLAlchemy's NUMERIC(p, s). SQLite gives the column NUMERIC affinity,
		 * so "12.50" is stored as the real 12.5: exact only to 15 digits. */
		if (t->precision > 0)
			snprintf(buf, size, "NUMERIC(%d, %d)", t->precision, t->scale);
		else
			snprintf(buf, size, "NUMERIC");
		return 0;
	case SQLKIT_SQLT_DATE:         snprintf(buf, size, "DATE"); return 0;
	case SQLKIT_SQLT_TIME:         snprintf(buf, size, "TIME"); return 0;
	case SQLKIT_SQLT_DATETIME:     snprintf(buf, size, "DATETIME"); return 0;
	case SQLKIT_SQLT_TIMESTAMP:    snprintf(buf, size, "TIMESTAMP"); return 0;
	/* SQLAlchemy's Interval is a DATETIME where the database has no INTERVAL;
	 * SQLite keeps the text of an interval in it as it is. */
	case SQLKIT_SQLT_INTERVAL:     snprintf(buf, size, "DATETIME"); return 0;
	case SQLKIT_SQLT_LARGE_BINARY: snprintf(buf, size, "BLOB"); return 0;
	case SQLKIT_SQLT_JSON:         snprintf(buf, size, "JSON"); return 0;
	/* Uuid without a native type: CHAR(32), the 32 hex digits. */
	case SQLKIT_SQLT_UUID:         snprintf(buf, size, "CHAR(32)"); return 0;
	case SQLKIT_SQLT_ENUM:
		/* A non-native Enum: VARCHAR as long as the longest value. */
		for (v = t->enum_values; v && *v; v++)
			if (sqlkit_utf8_length(*v) > longest)
				longest = sqlkit_utf8_length(*v);
		return sqlkit_type_sized(buf, size, "VARCHAR", (int)longest);
	case SQLKIT_SQLT_NULLTYPE:
		return sqlkit_type_unsupported(buf, size, "the column has no type");
	}
	return sqlkit_type_unsupported(buf, size, "unknown type");
}

const sqlkit_dialect sqlkit__dialect_sqlite = {
	.struct_size = sizeof(sqlkit_dialect),
	.name = "sqlite",
	.quote_open = '"',
	.quote_close = '"',
	.reserved = reserved,
	/* RETURNING needs SQLite 3.35, NULLS FIRST/LAST 3.30, FULL OUTER JOIN 3.39. */
	.flags = SQLKIT_DIALECT_NULLS_ORDER | SQLKIT_DIALECT_FULL_OUTER_JOIN |
	         SQLKIT_DIALECT_RETURNING | SQLKIT_DIALECT_MULTI_VALUES | SQLKIT_DIALECT_CTE |
	         SQLKIT_DIALECT_IF_NOT_EXISTS,
	.limit_style = SQLKIT_LIMIT_OFFSET,
	.no_limit = "-1",
	.concat_style = SQLKIT_CONCAT_PIPES,
	.autoinc_style = SQLKIT_AUTOINC_ROWID,
	.max_identifier_length = 0,
	.type_ddl = sqlite_type_ddl,
	.type_value = NULL,
};
