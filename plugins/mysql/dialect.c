/*
 * plugins/mysql/dialect.c - how MySQL spells SQL, after SQLAlchemy 2.0's MySQL
 * dialect (sqlalchemy/dialects/mysql/base.py, reserved_words.py): backquotes,
 * RESERVED_WORDS_MYSQL, MySQLTypeCompiler (BOOL, a VARCHAR needs a length,
 * inline ENUM('a','b')), LIMIT offset, count with 18446744073709551615 standing
 * for "no limit", concat(), AUTO_INCREMENT.
 *
 * Pure data plus a type-name function: no host service is used, so the golden
 * tests compile this file in without loading any plugin.
 */
#include <stdio.h>
#include <string.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

extern const sqlkit_dialect sqlkit__dialect_mysql;

/* SQLAlchemy's RESERVED_WORDS_MYSQL, lower case. KEEP SORTED (strcmp order,
 * '_' before letters): the core looks words up by binary search. */
static const char *const reserved[] = {
	"accessible", "add", "admin", "all", "alter", "analyze", "and", "array", "as", "asc",
	"asensitive", "before", "between", "bigint", "binary", "blob", "both", "by", "call",
	"cascade", "case", "change", "char", "character", "check", "collate", "column",
	"condition", "constraint", "continue", "convert", "create", "cross", "cube", "cume_dist",
	"current_date", "current_time", "current_timestamp", "current_user", "cursor", "database",
	"databases", "day_hour", "day_microsecond", "day_minute", "day_second", "dec", "decimal",
	"declare", "default", "delayed", "delete", "dense_rank", "desc", "describe",
	"deterministic", "distinct", "distinctrow", "div", "double", "drop", "dual", "each",
	"else", "elseif", "empty", "enclosed", "escaped", "except", "exists", "exit", "explain",
	"false", "fetch", "first_value", "float", "float4", "float8", "for", "force", "foreign",
	"from", "fulltext", "function", "general", "generated", "get", "get_master_public_key",
	"grant", "group", "grouping", "groups", "having", "high_priority", "hour_microsecond",
	"hour_minute", "hour_second", "if", "ignore", "ignore_server_ids", "in", "index",
	"infile", "inner", "inout", "insensitive", "insert", "int", "int1", "int2", "int3",
	"int4", "int8", "integer", "interval", "into", "io_after_gtids", "io_before_gtids", "is",
	"iterate", "join", "json_table", "key", "keys", "kill", "lag", "last_value", "lateral",
	"lead", "leading", "leave", "left", "like", "limit", "linear", "lines", "load",
	"localtime", "localtimestamp", "lock", "long", "longblob", "longtext", "loop",
	"low_priority", "master_bind", "master_heartbeat_period", "master_ssl_verify_server_cert",
	"match", "maxvalue", "mediumblob", "mediumint", "mediumtext", "member", "middleint",
	"minute_microsecond", "minute_second", "mod", "modifies", "natural", "no_write_to_binlog",
	"not", "nth_value", "ntile", "null", "numeric", "of", "on", "optimize", "optimizer_costs",
	"option", "optionally", "or", "order", "out", "outer", "outfile", "over",
	"parse_gcol_expr", "partition", "percent_rank", "persist", "persist_only", "precision",
	"primary", "procedure", "purge", "range", "rank", "read", "read_write", "reads", "real",
	"recursive", "references", "regexp", "release", "rename", "repeat", "replace", "require",
	"resignal", "restrict", "return", "revoke", "right", "rlike", "role", "row", "row_number",
	"rows", "schema", "schemas", "second_microsecond", "select", "sensitive", "separator",
	"set", "show", "signal", "slow", "smallint", "spatial", "specific", "sql",
	"sql_after_gtids", "sql_before_gtids", "sql_big_result", "sql_calc_found_rows",
	"sql_small_result", "sqlexception", "sqlstate", "sqlwarning", "ssl", "starting", "stored",
	"straight_join", "system", "table", "terminated", "then", "tinyblob", "tinyint",
	"tinytext", "to", "trailing", "trigger", "true", "undo", "union", "unique", "unlock",
	"unsigned", "update", "usage", "use", "using", "utc_date", "utc_time", "utc_timestamp",
	"values", "varbinary", "varchar", "varcharacter", "varying", "virtual", "when", "where",
	"while", "window", "with", "write", "xor", "year_month", "zerofill", NULL
};

/* Append what fits; a result cut short fills buf to size - 1, and the core then
 * asks again with more room. */
static void append(char *buf, size_t size, size_t *n, const char *s, size_t len)
{
	for (; len && *n + 1 < size; len--)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

/* ENUM('a','b'): SQLAlchemy's _visit_enumerated_values. The values are schema
 * constants written into DDL, not user data, so they are quoted here: ''
 * doubles a quote, and a backslash is doubled too because MySQL reads
 * backslash escapes in string literals (SQLAlchemy leaves it alone). */
static int enum_type(char *buf, size_t size, const char *const *values)
{
	const char *const *v;
	const char *p;
	size_t n = 0;

	if (!values || !*values)
		return sqlkit_type_unsupported(buf, size, "ENUM requires at least one value");
	append(buf, size, &n, "ENUM(", 5);
	for (v = values; *v; v++) {
		if (v != values)
			append(buf, size, &n, ",", 1);
		append(buf, size, &n, "'", 1);
		for (p = *v; *p; p++) {
			if (*p == '\'' || *p == '\\')
				append(buf, size, &n, p, 1);
			append(buf, size, &n, p, 1);
		}
		append(buf, size, &n, "'", 1);
	}
	append(buf, size, &n, ")", 1);
	return 0;
}

static int mysql_type_ddl(char *buf, size_t size, const sqlkit_sqltype *t)
{
	switch (t->kind) {
	case SQLKIT_SQLT_INTEGER:      snprintf(buf, size, "INTEGER"); return 0;
	case SQLKIT_SQLT_SMALLINT:     snprintf(buf, size, "SMALLINT"); return 0;
	case SQLKIT_SQLT_BIGINT:       snprintf(buf, size, "BIGINT"); return 0;
	case SQLKIT_SQLT_STRING:
	case SQLKIT_SQLT_UNICODE:      /* Unicode is VARCHAR in the connection's charset */
		if (t->length <= 0)
			return sqlkit_type_unsupported(buf, size, "VARCHAR requires a length");
		snprintf(buf, size, "VARCHAR(%d)", t->length);
		return 0;
	/* Not SQLAlchemy's TEXT, which stops at 64 KB: a Text without a length holds
	 * any text, as it does on the other databases. */
	case SQLKIT_SQLT_TEXT:
	case SQLKIT_SQLT_UNICODE_TEXT: snprintf(buf, size, "LONGTEXT"); return 0;
	case SQLKIT_SQLT_BOOLEAN:      snprintf(buf, size, "BOOL"); return 0;
	/* Not SQLAlchemy's FLOAT: MySQL's FLOAT is single precision and a sqlkit
	 * float is a double. */
	case SQLKIT_SQLT_FLOAT:        snprintf(buf, size, "DOUBLE"); return 0;
	case SQLKIT_SQLT_NUMERIC:
		if (t->precision > 0)
			snprintf(buf, size, "NUMERIC(%d, %d)", t->precision, t->scale);
		else
			snprintf(buf, size, "NUMERIC");
		return 0;
	case SQLKIT_SQLT_DATE:         snprintf(buf, size, "DATE"); return 0;
	/* fsp 6, not SQLAlchemy's bare names: without it MySQL drops microseconds. */
	case SQLKIT_SQLT_TIME:         snprintf(buf, size, "TIME(6)"); return 0;
	case SQLKIT_SQLT_DATETIME:     snprintf(buf, size, "DATETIME(6)"); return 0;
	case SQLKIT_SQLT_TIMESTAMP:    snprintf(buf, size, "TIMESTAMP(6)"); return 0;
	case SQLKIT_SQLT_INTERVAL:
		/* SQLAlchemy stores an Interval as a DATETIME counted from the epoch;
		 * an interval value here is text, which a DATETIME column refuses. */
		return sqlkit_type_unsupported(buf, size, "INTERVAL is not a column type");
	case SQLKIT_SQLT_LARGE_BINARY:
		if (t->length < 0)
			return sqlkit_type_unsupported(buf, size, "BLOB length is not valid");
		if (t->length)
			snprintf(buf, size, "BLOB(%d)", t->length);
		else   /* any length, as Text: not BLOB's 64 KB */
			snprintf(buf, size, "LONGBLOB");
		return 0;
	case SQLKIT_SQLT_JSON:         snprintf(buf, size, "JSON"); return 0;
	/* Uuid without a native type: CHAR(32), the 32 hex digits. */
	case SQLKIT_SQLT_UUID:         snprintf(buf, size, "CHAR(32)"); return 0;
	case SQLKIT_SQLT_ENUM:         return enum_type(buf, size, t->enum_values);
	case SQLKIT_SQLT_NULLTYPE:
		return sqlkit_type_unsupported(buf, size, "the column has no type");
	}
	return sqlkit_type_unsupported(buf, size, "unknown type");
}

/* CAST(x AS ...) takes only a few type names on MySQL: SQLAlchemy's visit_cast. */
static int mysql_cast_type(char *buf, size_t size, const sqlkit_sqltype *t)
{
	switch (t->kind) {
	case SQLKIT_SQLT_INTEGER: case SQLKIT_SQLT_SMALLINT: case SQLKIT_SQLT_BIGINT:
	case SQLKIT_SQLT_BOOLEAN:
		snprintf(buf, size, "SIGNED INTEGER");
		return 0;
	case SQLKIT_SQLT_STRING: case SQLKIT_SQLT_UNICODE:
		if (t->length > 0)
			snprintf(buf, size, "CHAR(%d)", t->length);
		else
			snprintf(buf, size, "CHAR");
		return 0;
	case SQLKIT_SQLT_TEXT: case SQLKIT_SQLT_UNICODE_TEXT: case SQLKIT_SQLT_ENUM:
		snprintf(buf, size, "CHAR");
		return 0;
	case SQLKIT_SQLT_UUID:
		snprintf(buf, size, "CHAR(32)");
		return 0;
	case SQLKIT_SQLT_NUMERIC:
		if (t->precision > 0)
			snprintf(buf, size, "DECIMAL(%d, %d)", t->precision, t->scale);
		else
			snprintf(buf, size, "DECIMAL");
		return 0;
	case SQLKIT_SQLT_FLOAT:
		snprintf(buf, size, "DOUBLE");
		return 0;
	case SQLKIT_SQLT_DATETIME: case SQLKIT_SQLT_TIMESTAMP:
		snprintf(buf, size, "DATETIME(6)");
		return 0;
	case SQLKIT_SQLT_LARGE_BINARY:
		snprintf(buf, size, "BINARY");
		return 0;
	case SQLKIT_SQLT_DATE: case SQLKIT_SQLT_TIME: case SQLKIT_SQLT_JSON:
		return mysql_type_ddl(buf, size, t);
	default:
		snprintf(buf, size, "CAST to %s is not possible", t->kind == SQLKIT_SQLT_INTERVAL ?
		         "INTERVAL" : "this type");
		return SQLKIT_ENOTSUPPORTED;
	}
}

const sqlkit_dialect sqlkit__dialect_mysql = {
	.struct_size = sizeof(sqlkit_dialect),
	.name = "mysql",
	.quote_open = '`',
	.quote_close = '`',
	.reserved = reserved,
	/* CTE: MySQL 8.0, MariaDB 10.2. RETURNING is MariaDB 10.5 only: left out. */
	.flags = SQLKIT_DIALECT_TRUE_FALSE | SQLKIT_DIALECT_MULTI_VALUES | SQLKIT_DIALECT_CTE |
	         SQLKIT_DIALECT_IF_NOT_EXISTS | SQLKIT_DIALECT_INNER_JOIN |
	         SQLKIT_DIALECT_BACKSLASH_ESCAPES,
	.limit_style = SQLKIT_LIMIT_COMMA,
	.no_limit = "18446744073709551615",
	.concat_style = SQLKIT_CONCAT_FUNCTION,
	.autoinc_style = SQLKIT_AUTOINC_KEYWORD,
	.max_identifier_length = 64,
	.type_ddl = mysql_type_ddl,
	.type_value = NULL,
	.cast_type = mysql_cast_type,
	.empty_insert = " () VALUES ()",
};
