/* core/ddl.c - being written */
typedef int sqlkit__placeholder_ddl;
