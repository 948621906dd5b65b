/* plugins/sqlite/dialect.c - being written */
typedef int sqlkit__placeholder_dialect_sqlite;
