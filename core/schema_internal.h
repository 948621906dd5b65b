/*
 * core/schema_internal.h - the bodies of MetaData, Table and Column, shared by
 * core/schema.c, core/ddl.c and the SQL compiler.
 */
#ifndef SQLKIT_CORE_SCHEMA_INTERNAL_H
#define SQLKIT_CORE_SCHEMA_INTERNAL_H

#include "sqlkit/schema.h"

typedef struct sqlkit__fk {
	char *name;                    /* constraint name or NULL */
	size_t ncols;
	char **columns;                /* local column names */
	char *ref_table;               /* target table name */
	char **ref_columns;            /* target column names (ncols of them) */
	sqlkit_fk_action on_delete, on_update;
	size_t order;                  /* table-level ones: see sqlkit__unique.order */
} sqlkit__fk;

typedef struct sqlkit__unique {
	char *name;
	size_t ncols;
	char **columns;
	size_t order;                  /* position among the table-level unique, check and
	                                  foreign key constraints, in the order they were added */
} sqlkit__unique;

typedef struct sqlkit__check {
	char *name;
	char *sql;
	size_t order;                  /* see sqlkit__unique.order */
} sqlkit__check;

typedef struct sqlkit__index {
	char *name;
	size_t ncols;
	char **columns;
	int unique;
} sqlkit__index;

struct sqlkit_column {
	sqlkit_table *table;
	char *name;
	size_t position;               /* index in the table */
	sqlkit_sqltype type;
	unsigned flags;                /* SQLKIT_COL_* */
	int has_default;
	sqlkit_value default_value;    /* text/blob bytes owned (default_bytes) */
	char *default_bytes;
	int (*default_fn)(sqlkit_value *out, void *userdata);
	void *default_userdata;
	char *server_default;
	char *fk_target;               /* "table.column" from sqlkit_column_set_foreign_key */
	sqlkit_fk_action fk_on_delete, fk_on_update;
	char *sequence;                /* Sequence name or NULL */
	int64_t sequence_start, sequence_increment;
};

struct sqlkit_table {
	sqlkit_metadata *metadata;
	char *name;
	size_t ncolumns, capcolumns;
	sqlkit_column **columns;
	/* Table-level constraints. A column's own foreign key (fk_target) is
	 * not repeated here: use sqlkit__table_foreign_keys() to see them all. */
	size_t nfks;       sqlkit__fk *fks;
	size_t nuniques;   sqlkit__unique *uniques;
	size_t nchecks;    sqlkit__check *checks;
	size_t nindexes;   sqlkit__index *indexes;
};

struct sqlkit_metadata {
	size_t ntables, captables;
	sqlkit_table **tables;
};

/* Every foreign key of a table, column-level ones first, as sqlkit__fk values
 * (the array and its strings are owned by the caller's buffer: free with
 * sqlkit__fks_free). */
int sqlkit__table_foreign_keys(sqlkit__fk **out, size_t *n, const sqlkit_table *t);
void sqlkit__fks_free(sqlkit__fk *fks, size_t n);
/* The table's primary key columns in order. */
size_t sqlkit__table_primary_key(const sqlkit_table *t, sqlkit_column **out, size_t max);
/* Whether column c is an autoincrementing integer primary key (SQLAlchemy's rule:
 * the table's only primary key column, of an integer type, not NO_AUTOINCREMENT,
 * no foreign key; or flagged AUTOINCREMENT). */
int sqlkit__column_is_autoincrement(const sqlkit_column *c);
/* Split a column's "table.column" foreign key target; 0, or SQLKIT_EINVAL when c
 * has none. The parts point into c->fk_target (tlen: the table part's length). */
int sqlkit__fk_target(const sqlkit_column *c, const char **table, size_t *tlen,
                      const char **column);
/* The column a column-level foreign key points at, or NULL when its table or
 * column is not (yet) in the metadata. */
sqlkit_column *sqlkit__fk_target_column(const sqlkit_column *c);

#endif
