/* core/schema.c - being written */
typedef int sqlkit__placeholder_schema;
