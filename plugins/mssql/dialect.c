/*
 * plugins/mssql/dialect.c - how Microsoft SQL Server (2012 and later) spells
 * SQL, after SQLAlchemy 2.0's MSSQL dialect (sqlalchemy/dialects/mssql/base.py):
 * [brackets], its RESERVED_WORDS, MSTypeCompiler with deprecate_large_types
 * (VARCHAR(max), NVARCHAR(max), VARBINARY(max) rather than TEXT, NTEXT, IMAGE),
 * BIT for booleans (and 1/0 literals), UNIQUEIDENTIFIER, TOP / OFFSET ... FETCH,
 * "+" concatenation, IDENTITY(1,1) and OUTPUT inserted.
 *
 * Pure data plus a type-name function: no host service is used, so the golden
 * tests compile this file in without loading any plugin.
 */
#include <stdio.h>
#include <string.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

extern const sqlkit_dialect sqlkit__dialect_mssql;

/* SQLAlchemy's mssql RESERVED_WORDS, lower case. KEEP SORTED (strcmp order,
 * '_' before letters): the core looks words up by binary search. */
static const char *const reserved[] = {
	"add", "all", "alter", "and", "any", "as", "asc", "authorization", "backup", "begin",
	"between", "break", "browse", "bulk", "by", "cascade", "case", "check", "checkpoint",
	"close", "clustered", "coalesce", "collate", "column", "commit", "compute", "constraint",
	"contains", "containstable", "continue", "convert", "create", "cross", "current",
	"current_date", "current_time", "current_timestamp", "current_user", "cursor", "database",
	"dbcc", "deallocate", "declare", "default", "delete", "deny", "desc", "disk", "distinct",
	"distributed", "double", "drop", "dump", "else", "end", "errlvl", "escape", "except",
	"exec", "execute", "exists", "exit", "external", "fetch", "file", "fillfactor", "for",
	"foreign", "freetext", "freetexttable", "from", "full", "function", "goto", "grant",
	"group", "having", "holdlock", "identity", "identity_insert", "identitycol", "if", "in",
	"index", "inner", "insert", "intersect", "into", "is", "join", "key", "kill", "left",
	"like", "lineno", "load", "merge", "national", "nocheck", "nonclustered", "not", "null",
	"nullif", "of", "off", "offsets", "on", "open", "opendatasource", "openquery",
	"openrowset", "openxml", "option", "or", "order", "outer", "over", "percent", "pivot",
	"plan", "precision", "primary", "print", "proc", "procedure", "public", "raiserror",
	"read", "readtext", "reconfigure", "references", "replication", "restore", "restrict",
	"return", "revert", "revoke", "right", "rollback", "rowcount", "rowguidcol", "rule",
	"save", "schema", "securityaudit", "select", "session_user", "set", "setuser", "shutdown",
	"some", "statistics", "system_user", "table", "tablesample", "textsize", "then", "to",
	"top", "tran", "transaction", "trigger", "truncate", "tsequal", "union", "unique",
	"unpivot", "update", "updatetext", "use", "user", "values", "varying", "view", "waitfor",
	"when", "where", "while", "with", "writetext", NULL
};

/* NAME(length), or NAME(max) without one (SQLAlchemy: length=type_.length or
 * "max"). A length above the server's limit is refused here rather than by the
 * server: without a length the column holds up to 2 GB. */
static int sized_type(char *buf, size_t size, const char *name, int length, int limit)
{
	if (length < 0) {
		snprintf(buf, size, "%s length %d is not valid", name, length);
		return SQLKIT_ENOTSUPPORTED;
	}
	if (length > limit) {
		snprintf(buf, size, "%s length %d is more than %d (give no length for %s(max))",
		         name, length, limit, name);
		return SQLKIT_ENOTSUPPORTED;
	}
	if (length)
		snprintf(buf, size, "%s(%d)", name, length);
	else
		snprintf(buf, size, "%s(max)", name);
	return 0;
}

static int mssql_type_ddl(char *buf, size_t size, const sqlkit_sqltype *t)
{
	const char *const *v;
	size_t longest = 0;

	switch (t->kind) {
	case SQLKIT_SQLT_INTEGER:      snprintf(buf, size, "INTEGER"); return 0;
	case SQLKIT_SQLT_SMALLINT:     snprintf(buf, size, "SMALLINT"); return 0;
	case SQLKIT_SQLT_BIGINT:       snprintf(buf, size, "BIGINT"); return 0;
	case SQLKIT_SQLT_STRING:       return sized_type(buf, size, "VARCHAR", t->length, 8000);
	case SQLKIT_SQLT_UNICODE:      return sized_type(buf, size, "NVARCHAR", t->length, 4000);
	case SQLKIT_SQLT_TEXT:         snprintf(buf, size, "VARCHAR(max)"); return 0;
	case SQLKIT_SQLT_UNICODE_TEXT: snprintf(buf, size, "NVARCHAR(max)"); return 0;
	case SQLKIT_SQLT_BOOLEAN:      snprintf(buf, size, "BIT"); return 0;
	case SQLKIT_SQLT_FLOAT:        snprintf(buf, size, "FLOAT"); return 0;
	case SQLKIT_SQLT_NUMERIC:
		if (t->precision > 0)
			snprintf(buf, size, "NUMERIC(%d, %d)", t->precision, t->scale);
		else
			snprintf(buf, size, "NUMERIC");
		return 0;
	case SQLKIT_SQLT_DATE:         snprintf(buf, size, "DATE"); return 0;
	case SQLKIT_SQLT_TIME:         snprintf(buf, size, "TIME"); return 0;
	case SQLKIT_SQLT_DATETIME:
	case SQLKIT_SQLT_TIMESTAMP:
		/* SQLAlchemy writes DATETIME, which keeps 1/300 s, and TIMESTAMP, which
		 * on SQL Server is ROWVERSION (no value may be inserted). DATETIME2 keeps
		 * microseconds; with a time zone both are DATETIMEOFFSET, as in
		 * SQLAlchemy. */
		snprintf(buf, size, "%s", t->timezone ? "DATETIMEOFFSET" : "DATETIME2");
		return 0;
	case SQLKIT_SQLT_INTERVAL:
		/* SQLAlchemy stores an Interval as a DATETIME counted from the epoch;
		 * an interval value here is text, which a DATETIME column refuses. */
		return sqlkit_type_unsupported(buf, size, "INTERVAL is not a column type");
	case SQLKIT_SQLT_LARGE_BINARY: return sized_type(buf, size, "VARBINARY", t->length, 8000);
	case SQLKIT_SQLT_JSON:         snprintf(buf, size, "NVARCHAR(max)"); return 0;
	case SQLKIT_SQLT_UUID:         snprintf(buf, size, "UNIQUEIDENTIFIER"); return 0;
	case SQLKIT_SQLT_ENUM:
		/* A non-native Enum: VARCHAR as long as the longest value. */
		for (v = t->enum_values; v && *v; v++)
			if (sqlkit_utf8_length(*v) > longest)
				longest = sqlkit_utf8_length(*v);
		return sized_type(buf, size, "VARCHAR", (int)longest, 8000);
	case SQLKIT_SQLT_NULLTYPE:
		return sqlkit_type_unsupported(buf, size, "the column has no type");
	}
	return sqlkit_type_unsupported(buf, size, "unknown type");
}

const sqlkit_dialect sqlkit__dialect_mssql = {
	.struct_size = sizeof(sqlkit_dialect),
	.name = "mssql",
	.quote_open = '[',
	.quote_close = ']',
	.reserved = reserved,
	.flags = SQLKIT_DIALECT_FULL_OUTER_JOIN | SQLKIT_DIALECT_OUTPUT_INSERTED |
	         SQLKIT_DIALECT_SEQUENCES | SQLKIT_DIALECT_MULTI_VALUES | SQLKIT_DIALECT_CTE |
	         SQLKIT_DIALECT_BOOLEAN_IS_BIT,
	.limit_style = SQLKIT_LIMIT_TOP_FETCH,
	.no_limit = NULL,
	.concat_style = SQLKIT_CONCAT_PLUS,
	.autoinc_style = SQLKIT_AUTOINC_IDENTITY,
	.max_identifier_length = 128,
	.type_ddl = mssql_type_ddl,
	.type_value = NULL,
};
