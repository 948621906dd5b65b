/*
 * core/expr.h - the body of an expression node, shared by core/expr.c (the
 * builders), core/compiler.c (tree -> SQL) and core/exec.c (execution).
 *
 * Every expression, clause and statement is one refcounted node. A node is
 * immutable once a builder returned it: the generative functions
 * (sqlkit_where, sqlkit_limit...) copy the statement node shallowly, share its
 * unchanged part lists and give the copy new ones only where it changes.
 *
 * Memory: a node is one block with its kids array, its statement parts (st),
 * its name and its value bytes (core/expr.c's node_alloc); nothing of it is
 * freed on its own. A part list (sqlkit__list) is read as n and v[0..n-1];
 * with n >= 2, v is the array of a refcounted block shared by the statements
 * that have the same list; with n == 1 it may also point at the element's
 * own self field (no block). See list_* in core/expr.c.
 */
#ifndef SQLKIT_CORE_EXPR_H
#define SQLKIT_CORE_EXPR_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sqlkit/sql.h"
#include "compiler.h"

/* calloc() for the many small blocks of trees and compiled forms: glibc's
 * calloc() bypasses the per-thread cache that malloc() and free() use, which
 * makes it several times dearer for blocks freed and made again at once. */
static inline void *sqlkit__zalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	if ((p = malloc(n * size)))
		memset(p, 0, n * size);
	return p;
}

typedef enum sqlkit__node_kind {
	SQLKIT__N_TABLE = 1,   /* table: a FROM element, or every column in a select list */
	SQLKIT__N_COLUMN,      /* column (table's), or name of kids[0] (alias/subquery/cte) */
	SQLKIT__N_STAR,        /* * */
	SQLKIT__N_VALUE,       /* value (a bound parameter), bytes owned */
	SQLKIT__N_NULL,        /* NULL */
	SQLKIT__N_BINDPARAM,   /* name, type */
	SQLKIT__N_FRAGMENT,    /* trusted SQL text in name */
	SQLKIT__N_BINARY,      /* op (SQLKIT__OP_*), kids[0] op kids[1] */
	SQLKIT__N_BOOL,        /* op AND/OR over kids */
	SQLKIT__N_NOT,         /* NOT kids[0] */
	SQLKIT__N_NEG,         /* -kids[0] */
	SQLKIT__N_IN,          /* kids[0] IN (kids[1..] values); negate: NOT IN */
	SQLKIT__N_IN_SELECT,   /* kids[0] IN (kids[1]); negate: NOT IN */
	SQLKIT__N_BETWEEN,     /* kids[0] BETWEEN kids[1] AND kids[2]; negate */
	SQLKIT__N_IS_NULL,     /* kids[0] IS NULL; negate: IS NOT NULL */
	SQLKIT__N_EXISTS,      /* EXISTS (kids[0]) */
	SQLKIT__N_SCALAR,      /* (kids[0]) as a value */
	SQLKIT__N_CAST,        /* CAST(kids[0] AS type) */
	SQLKIT__N_CASE,        /* kids: cond, result pairs, then the else (flag CASE_ELSE) */
	SQLKIT__N_LABEL,       /* kids[0] AS name */
	SQLKIT__N_ORDER,       /* kids[0] ASC/DESC, NULLS FIRST/LAST (op: ORDER_* bits) */
	SQLKIT__N_FUNC,        /* name(kids...); flag FUNC_STAR: count(*) */
	SQLKIT__N_ALIAS,       /* table AS name, or (kids[0]) AS name: a subquery */
	SQLKIT__N_JOIN,        /* kids[0] JOIN kids[1] ON kids[2]; op: JOIN_* */
	SQLKIT__N_CTE,         /* name AS (kids[0]) */
	SQLKIT__N_SELECT,      /* st */
	SQLKIT__N_COMPOUND,    /* kids[0] UNION [ALL] kids[1]; st (ORDER, LIMIT, OFFSET, CTES) */
	SQLKIT__N_INSERT,      /* table, st */
	SQLKIT__N_UPDATE,      /* table, st */
	SQLKIT__N_DELETE,      /* table, st */
	SQLKIT__N_TEXT,        /* a whole statement as text (name) */
	SQLKIT__N_ASSIGN,      /* column name = kids[0] (VALUES / SET); no kid: a bare column name */
	SQLKIT__N_ROW          /* one row of a multi-row VALUES: ASSIGN kids */
} sqlkit__node_kind;

/* Binary operators. */
enum {
	SQLKIT__OP_EQ = 1, SQLKIT__OP_NE, SQLKIT__OP_LT, SQLKIT__OP_LE, SQLKIT__OP_GT, SQLKIT__OP_GE,
	SQLKIT__OP_ADD, SQLKIT__OP_SUB, SQLKIT__OP_MUL, SQLKIT__OP_DIV, SQLKIT__OP_MOD,
	SQLKIT__OP_CONCAT, SQLKIT__OP_LIKE, SQLKIT__OP_NOT_LIKE, SQLKIT__OP_ILIKE, SQLKIT__OP_NOT_ILIKE,
	SQLKIT__OP_AND, SQLKIT__OP_OR
};

/* N_ORDER op bits. */
#define SQLKIT__ORDER_ASC         0x1
#define SQLKIT__ORDER_DESC        0x2
#define SQLKIT__ORDER_NULLS_FIRST 0x4
#define SQLKIT__ORDER_NULLS_LAST  0x8

/* N_JOIN op. */
enum { SQLKIT__JOIN_INNER = 1, SQLKIT__JOIN_LEFT, SQLKIT__JOIN_FULL };
/* N_COMPOUND op. */
enum { SQLKIT__UNION = 1, SQLKIT__UNION_ALL };

/* Node flags. */
#define SQLKIT__F_NEGATE    0x1   /* IN, IN_SELECT, BETWEEN, IS_NULL: the NOT form */
#define SQLKIT__F_CASE_ELSE 0x2   /* CASE has an ELSE (the last kid) */
#define SQLKIT__F_FUNC_STAR 0x4   /* count(*) */
#define SQLKIT__F_DISTINCT  0x8   /* SELECT DISTINCT */

/* The parts of a statement, one list each. */
enum {
	SQLKIT__S_COLS,       /* select columns */
	SQLKIT__S_FROM,       /* select_from */
	SQLKIT__S_WHERE,      /* ANDed */
	SQLKIT__S_GROUP,
	SQLKIT__S_HAVING,     /* ANDed */
	SQLKIT__S_ORDER,
	SQLKIT__S_LIMIT,      /* 0 or 1 VALUE node */
	SQLKIT__S_OFFSET,     /* 0 or 1 VALUE node */
	SQLKIT__S_CTES,       /* attached with sqlkit_with() */
	SQLKIT__S_VALUES,     /* insert/update: ASSIGN nodes */
	SQLKIT__S_ROWS,       /* insert: multi-row VALUES, ROW nodes */
	SQLKIT__S_INSCOLS,    /* insert from select: bare ASSIGN nodes (column names) */
	SQLKIT__S_SELECT,     /* insert from select: the select */
	SQLKIT__S_RETURNING,
	SQLKIT__NSLOTS
};

typedef struct sqlkit__list {
	size_t n;
	sqlkit_expr **v;                /* read-only: shared between statements */
} sqlkit__list;

typedef struct sqlkit__stmt {
	sqlkit__list slot[SQLKIT__NSLOTS];
} sqlkit__stmt;

struct sqlkit_expr {
	unsigned refs;                  /* atomic */
	sqlkit__node_kind kind;
	int op;
	unsigned flags;
	size_t nkids;
	sqlkit_expr **kids;
	char *name;                     /* label, alias, function, bindparam, fragment, text */
	sqlkit_table *table;            /* TABLE, COLUMN (of a table), ALIAS of a table, DML target */
	sqlkit_column *column;          /* COLUMN (NULL for a subquery's column: name has it) */
	sqlkit_value value;             /* VALUE: text and blob bytes in bytes */
	char *bytes;
	sqlkit_sqltype type;            /* CAST, BINDPARAM */
	sqlkit__stmt *st;               /* statements */
	sqlkit_expr *self;              /* this node: a one-element list points here */
};

/* Options the executor gives the compiler (part of the cache key). */
typedef struct sqlkit__compile_opts {
	/* INSERT without values: which columns the caller's params name (table
	 * column positions, ncols flags), or NULL for every column. */
	const unsigned char *ins_cols;
	size_t ncols;
} sqlkit__compile_opts;

/* Where a compiled bind's value comes from at execution (kept beside the
 * public sqlkit__bind list, in the same order). */
typedef enum sqlkit__bind_src {
	SQLKIT__SRC_VALUE = 1,          /* index into the tree's value list */
	SQLKIT__SRC_PARAM,              /* the caller's param named key */
	SQLKIT__SRC_DEFAULT,            /* client-side default of the DML table's column pos */
	SQLKIT__SRC_CONST               /* a constant of the compiled form (SQLite's LIMIT -1) */
} sqlkit__bind_src;

typedef struct sqlkit__bind_how {
	sqlkit__bind_src src;
	size_t index;                   /* VALUE: value index; DEFAULT: column position */
	const char *key;                /* PARAM: the name the caller uses */
} sqlkit__bind_how;

/* The compiled form with what the executor needs besides the public part. */
typedef struct sqlkit__compiled_x {
	sqlkit__compiled pub;
	sqlkit__bind_how *how;          /* pub.nbinds of them */
	struct sqlkit__centry *entry;   /* shared compiled text, names, types */
	int pk_from_values;             /* the primary key's value is bind pk_bind */
	size_t pk_bind;
} sqlkit__compiled_x;

/* Compile with executor options (NULL: none). */
int sqlkit__compile_ex(sqlkit__compiled_x **out, const sqlkit_expr *stmt, const sqlkit_dialect *d,
                       const sqlkit__compile_opts *opts);
/* The compile cache's counters, and emptying it (tests, shutdown). */
void sqlkit__compile_cache_stats(unsigned long *hits, unsigned long *misses);
void sqlkit__compile_cache_clear(void);

/* The single autoincrement primary key column of a table, or NULL. */
sqlkit_column *sqlkit__expr_autoinc_pk(const sqlkit_table *t);
/* The primary key column of a table when it has exactly one, or NULL. */
sqlkit_column *sqlkit__expr_single_pk(const sqlkit_table *t);

#endif
