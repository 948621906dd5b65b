/*
 * core/expr.c - the builders of the expression language (include/sqlkit/sql.h).
 *
 * Ownership: a builder takes the expressions passed to it. When one of them is
 * NULL (an inner builder failed, or the caller passed NULL) the builder frees
 * the others and returns NULL; the error of the inner failure is kept, a NULL
 * given by the caller is reported as SQLKIT_EINVAL. Generative functions borrow
 * their first argument and build a new statement node that shares the
 * original's children and its part lists, except the one it changes.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "schema_internal.h"
#include "util.h"

/* ---------------------------------------------------------------- nodes */

enum { ST_NONE, ST_EMPTY, ST_UNSET };

/* A node in one block: the node, its nkids kids (left for the caller to fill),
 * its statement parts when st (ST_EMPTY: empty lists; ST_UNSET: left for the
 * caller to fill), a copy of name, and nbytes bytes of value storage. Out of
 * memory: the error is set and NULL comes back. */
static sqlkit_expr *node_alloc(sqlkit__node_kind kind, size_t nkids, int st, const char *name,
                               size_t nbytes)
{
	size_t namelen = name ? strlen(name) + 1 : 0, okids, ost, oname, obytes, size;
	sqlkit_expr *e;
	char *p;

	okids = sizeof *e;
	if (nkids > (SIZE_MAX / 4) / sizeof *e->kids || namelen > SIZE_MAX / 4 ||
	    nbytes > SIZE_MAX / 4) {
		sqlkit__error_oom();
		return NULL;
	}
	ost = okids + nkids * sizeof *e->kids;
	oname = ost + (st ? sizeof *e->st : 0);
	obytes = oname + namelen;
	size = obytes + nbytes;
	if (!(p = malloc(size))) {
		sqlkit__error_oom();
		return NULL;
	}
	memset(p, 0, sizeof *e);
	if (st == ST_EMPTY)
		memset(p + ost, 0, sizeof *e->st);
	e = (sqlkit_expr *)p;
	e->refs = 1;
	e->kind = kind;
	e->self = e;
	if (nkids)
		e->kids = (sqlkit_expr **)(p + okids);
	if (st)
		e->st = (sqlkit__stmt *)(p + ost);
	if (name) {
		e->name = p + oname;
		memcpy(e->name, name, namelen);
	}
	if (nbytes)
		e->bytes = p + obytes;
	return e;
}

static sqlkit_expr *node_new(sqlkit__node_kind kind)
{
	return node_alloc(kind, 0, 0, NULL, 0);
}

sqlkit_expr *sqlkit_expr_ref(sqlkit_expr *e)
{
	if (e)
		__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
	return e;
}

/* ---------------------------------------------------------------- part lists
 *
 * A statement's part list is immutable once the statement was returned, and
 * shared with the statements generated from it. Two forms:
 *  - n == 1 and v == &v[0]->self: the list is its one element (a reference
 *    on it), no block;
 *  - otherwise a listbuf: a refcounted block of elements, each referenced
 *    once by the block, whatever the number of lists that share it.
 * A list being built (its statement not yet returned) holds the only
 * reference on its block, and may change it in place. */

typedef struct listbuf {
	unsigned refs;                  /* atomic */
	unsigned cap;                   /* room in v[] */
	size_t n;                       /* elements in v[], each one reference */
	sqlkit_expr *v[];
} listbuf;

static listbuf *list_buf(const sqlkit__list *l)
{
	return (listbuf *)(void *)((char *)l->v - offsetof(listbuf, v));
}

static int list_is_self(const sqlkit__list *l)
{
	return l->n == 1 && l->v == &l->v[0]->self;
}

static void list_clear(sqlkit__list *l)
{
	size_t i;
	listbuf *b;

	if (!l->v) {
		l->n = 0;
		return;
	}
	if (list_is_self(l)) {
		sqlkit_expr_free(l->v[0]);
	} else if (__atomic_sub_fetch(&(b = list_buf(l))->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		for (i = 0; i < b->n; i++)
			sqlkit_expr_free(b->v[i]);
		free(b);
	}
	l->v = NULL;
	l->n = 0;
}

/* Another list shares the (non-empty) list l: a reference more on it. */
static void list_share_ref(const sqlkit__list *l)
{
	if (list_is_self(l))
		sqlkit_expr_ref(l->v[0]);
	else
		__atomic_add_fetch(&list_buf(l)->refs, 1, __ATOMIC_RELAXED);
}

/* Make l a block of its own with room for need more elements (l belongs to a
 * statement being built); when it needs a new block, room for want more
 * (want >= need). */
static int list_reserve(sqlkit__list *l, size_t need, size_t want)
{
	listbuf *b = NULL, *old;
	size_t i, cap;

	if (l->v && !list_is_self(l)) {
		old = list_buf(l);
		if (__atomic_load_n(&old->refs, __ATOMIC_ACQUIRE) == 1 && old->cap - l->n >= need)
			return 0;
	}
	if (want > UINT_MAX / 2 || l->n > UINT_MAX / 2 - want)
		return sqlkit__error_oom();
	cap = l->n + want;
	if (!(b = malloc(sizeof *b + cap * sizeof *b->v)))
		return sqlkit__error_oom();
	b->refs = 1;
	b->cap = (unsigned)cap;
	b->n = l->n;
	for (i = 0; i < l->n; i++)
		b->v[i] = sqlkit_expr_ref(l->v[i]);
	list_clear(l);
	l->v = b->v;
	l->n = b->n;
	return 0;
}

/* Append e (taken) to l (of a statement being built). */
static int list_push(sqlkit__list *l, sqlkit_expr *e)
{
	listbuf *b;

	if (l->n == 0) {
		l->v = &e->self;
		l->n = 1;
		return 0;
	}
	if (list_reserve(l, 1, l->n < 4 ? 1 : l->n) < 0)
		return -1;
	b = list_buf(l);
	b->v[b->n++] = e;
	l->n = b->n;
	return 0;
}

/* Append the nadd expressions of add (taken) to l, of a statement being built;
 * on failure they are freed. */
static int list_push_all(sqlkit__list *l, sqlkit_expr **add, size_t nadd)
{
	listbuf *b;
	size_t i;

	if (nadd == 0)
		return 0;
	if (nadd == 1) {
		if (list_push(l, add[0]) < 0) {
			sqlkit_expr_free(add[0]);
			return -1;
		}
		return 0;
	}
	if (list_reserve(l, nadd, nadd) < 0) {
		for (i = 0; i < nadd; i++)
			sqlkit_expr_free(add[i]);
		return -1;
	}
	b = list_buf(l);
	for (i = 0; i < nadd; i++)
		b->v[b->n++] = add[i];
	l->n = b->n;
	return 0;
}

void sqlkit_expr_free(sqlkit_expr *e)
{
	size_t i;

	if (!e || __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < e->nkids; i++)
		sqlkit_expr_free(e->kids[i]);
	if (e->st)
		for (i = 0; i < SQLKIT__NSLOTS; i++)
			if (e->st->slot[i].v)
				list_clear(&e->st->slot[i]);
	free(e);
}

/* Set the error for a NULL argument unless an inner builder already did. */
static void null_arg(const char *fn)
{
	if (sqlkit_error_last()->code == 0)
		sqlkit__error(SQLKIT_EINVAL, "%s: an argument is NULL", fn);
}

/* A node with n kids taken from kids[] and a copy of name (or none); on any
 * NULL kid everything is freed. */
static sqlkit_expr *with_kids_named(const char *fn, sqlkit__node_kind kind, int op, size_t n,
                                    sqlkit_expr **kids, const char *name)
{
	sqlkit_expr *e = NULL;
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++)
		if (!kids[i])
			bad = 1;
	if (bad)
		null_arg(fn);
	else
		e = node_alloc(kind, n, 0, name, 0);
	if (!e) {
		for (i = 0; i < n; i++)
			sqlkit_expr_free(kids[i]);
		return NULL;
	}
	e->op = op;
	e->nkids = n;
	for (i = 0; i < n; i++)
		e->kids[i] = kids[i];
	return e;
}

static sqlkit_expr *with_kids(const char *fn, sqlkit__node_kind kind, int op, size_t n,
                              sqlkit_expr **kids)
{
	return with_kids_named(fn, kind, op, n, kids, NULL);
}

static sqlkit_expr *node1(const char *fn, sqlkit__node_kind kind, int op, sqlkit_expr *a)
{
	return with_kids(fn, kind, op, 1, &a);
}

static sqlkit_expr *node2(const char *fn, sqlkit__node_kind kind, int op, sqlkit_expr *a,
                          sqlkit_expr *b)
{
	sqlkit_expr *k[2];
	k[0] = a;
	k[1] = b;
	return with_kids(fn, kind, op, 2, k);
}

static int is_select_like(const sqlkit_expr *e)
{
	return e && (e->kind == SQLKIT__N_SELECT || e->kind == SQLKIT__N_COMPOUND);
}

/* Whether name is an identifier we may write into SQL unquoted ([A-Za-z_][A-Za-z0-9_]*). */
static int is_identifier(const char *name)
{
	const char *p = name;

	if (!name || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return 0;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- leaves */

/* sqlkit_table_column(), comparing first bytes before calling strcmp. */
static sqlkit_column *table_column(const sqlkit_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncolumns; i++) {
		const char *n = t->columns[i]->name;
		if (n[0] == name[0] && strcmp(n, name) == 0)
			return t->columns[i];
	}
	return NULL;
}

sqlkit_expr *sqlkit_t(sqlkit_table *table)
{
	sqlkit_expr *e;

	if (!table) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_t: table is NULL");
		return NULL;
	}
	if ((e = node_new(SQLKIT__N_TABLE)))
		e->table = table;
	return e;
}

sqlkit_expr *sqlkit_c(sqlkit_table *table, const char *column)
{
	sqlkit_column *c;
	sqlkit_expr *e;

	if (!table || !column) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_c: %s is NULL", table ? "column" : "table");
		return NULL;
	}
	if (!(c = table_column(table, column))) {
		sqlkit__error(SQLKIT_ENOTFOUND, "table \"%s\" has no column \"%s\"", table->name, column);
		return NULL;
	}
	if ((e = node_new(SQLKIT__N_COLUMN))) {
		e->table = table;
		e->column = c;
	}
	return e;
}

/* The names of the columns a select exposes (as a subquery or CTE): a column's
 * name or a label. Returns the i-th name or NULL when it has none. */
static const char *select_column_name(const sqlkit_expr *col)
{
	switch (col->kind) {
	case SQLKIT__N_COLUMN:
		return col->column ? col->column->name : col->name;
	case SQLKIT__N_LABEL:
		return col->name;
	default:
		return NULL;
	}
}

/* Find column name in what a select (or a union: its first select) exposes. */
static int select_has_column(const sqlkit_expr *sel, const char *name)
{
	const sqlkit__list *cols;
	size_t i, j;

	while (sel->kind == SQLKIT__N_COMPOUND)
		sel = sel->kids[0];
	cols = &sel->st->slot[SQLKIT__S_COLS];
	for (i = 0; i < cols->n; i++) {
		const sqlkit_expr *c = cols->v[i];
		const char *n;
		if (c->kind == SQLKIT__N_TABLE) {
			for (j = 0; j < c->table->ncolumns; j++)
				if (strcmp(c->table->columns[j]->name, name) == 0)
					return 1;
			continue;
		}
		if ((n = select_column_name(c)) && strcmp(n, name) == 0)
			return 1;
	}
	return 0;
}

sqlkit_expr *sqlkit_alias_c(sqlkit_expr *from, const char *column)
{
	sqlkit_expr *e;
	sqlkit_column *c = NULL;
	const sqlkit_expr *inner;

	if (!from || !column) {
		if (!from)
			null_arg("sqlkit_alias_c");
		else
			sqlkit__error(SQLKIT_EINVAL, "sqlkit_alias_c: column is NULL");
		sqlkit_expr_free(from);
		return NULL;
	}
	if (from->kind != SQLKIT__N_ALIAS && from->kind != SQLKIT__N_CTE) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_alias_c: not an alias, subquery or cte");
		sqlkit_expr_free(from);
		return NULL;
	}
	if (from->kind == SQLKIT__N_ALIAS && from->table) {
		if (!(c = sqlkit_table_column(from->table, column))) {
			sqlkit__error(SQLKIT_ENOTFOUND, "alias \"%s\" of table \"%s\" has no column \"%s\"",
			              from->name, from->table->name, column);
			sqlkit_expr_free(from);
			return NULL;
		}
	} else {
		inner = from->kids[0];
		if (!select_has_column(inner, column)) {
			sqlkit__error(SQLKIT_ENOTFOUND, "%s \"%s\" has no column \"%s\"",
			              from->kind == SQLKIT__N_CTE ? "cte" : "subquery", from->name, column);
			sqlkit_expr_free(from);
			return NULL;
		}
	}
	if (!(e = with_kids_named("sqlkit_alias_c", SQLKIT__N_COLUMN, 0, 1, &from, c ? NULL : column)))
		return NULL;
	e->column = c;
	e->table = c ? from->table : NULL;
	return e;
}

sqlkit_expr *sqlkit_star(void)
{
	return node_new(SQLKIT__N_STAR);
}

sqlkit_expr *sqlkit_null_(void)
{
	return node_new(SQLKIT__N_NULL);
}

static int value_has_bytes(const sqlkit_value *v)
{
	return v->type == SQLKIT_TYPE_TEXT || v->type == SQLKIT_TYPE_BLOB ||
	       v->type == SQLKIT_TYPE_DECIMAL || v->type == SQLKIT_TYPE_JSON;
}

/* The room node_alloc needs for v's bytes (with a NUL), or SIZE_MAX, which
 * it refuses. */
static size_t value_room(const sqlkit_value *v)
{
	if (!value_has_bytes(v))
		return 0;
	return v->u.s.len < SIZE_MAX / 4 ? v->u.s.len + 1 : SIZE_MAX;
}

/* Copy value v into node e, whose bytes have value_room(&v). */
static void value_copy_into(sqlkit_expr *e, sqlkit_value v)
{
	e->value = v;
	if (value_has_bytes(&v)) {
		if (v.u.s.len)
			memcpy(e->bytes, v.u.s.ptr, v.u.s.len);
		e->bytes[v.u.s.len] = '\0';
		e->value.u.s.ptr = e->bytes;
	}
}

static sqlkit_expr *value_node(sqlkit_value v)
{
	sqlkit_expr *e;

	if (value_has_bytes(&v) && !v.u.s.ptr && v.u.s.len) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_lit: %s value without bytes", sqlkit_type_name(v.type));
		return NULL;
	}
	if (!(e = node_alloc(SQLKIT__N_VALUE, 0, 0, NULL, value_room(&v))))
		return NULL;
	value_copy_into(e, v);
	return e;
}

sqlkit_expr *sqlkit_lit(sqlkit_value v)
{
	/* A NULL value is the NULL keyword: col == NULL becomes IS NULL, as
	 * SQLAlchemy does with None. */
	if (v.type == SQLKIT_TYPE_NULL)
		return node_new(SQLKIT__N_NULL);
	return value_node(v);
}

sqlkit_expr *sqlkit_lit_int(int64_t i) { return value_node(sqlkit_int(i)); }
sqlkit_expr *sqlkit_lit_float(double f) { return value_node(sqlkit_float(f)); }
sqlkit_expr *sqlkit_lit_bool(int b) { return value_node(sqlkit_bool(b)); }

sqlkit_expr *sqlkit_lit_text(const char *s)
{
	if (!s) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_lit_text: text is NULL");
		return NULL;
	}
	return value_node(sqlkit_text(s));
}

sqlkit_expr *sqlkit_bindparam(const char *name, sqlkit_sqltype type)
{
	sqlkit_expr *e;

	if (!is_identifier(name)) {
		sqlkit__error(SQLKIT_EINVAL, "bindparam name \"%s\" is not an identifier",
		              name ? name : "(null)");
		return NULL;
	}
	if (!(e = node_alloc(SQLKIT__N_BINDPARAM, 0, 0, name, 0)))
		return NULL;
	e->type = type;
	e->type.enum_values = NULL;  /* only the kind matters to a bind */
	e->type.enum_name = NULL;
	return e;
}

static sqlkit_expr *text_node(sqlkit__node_kind kind, const char *sql, const char *fn)
{
	if (!sql || !*sql) {
		sqlkit__error(SQLKIT_EINVAL, "%s: SQL text is empty", fn);
		return NULL;
	}
	return node_alloc(kind, 0, 0, sql, 0);
}

sqlkit_expr *sqlkit_sql_fragment(const char *sql)
{
	return text_node(SQLKIT__N_FRAGMENT, sql, "sqlkit_sql_fragment");
}

sqlkit_expr *sqlkit_text_stmt(const char *sql)
{
	return text_node(SQLKIT__N_TEXT, sql, "sqlkit_text_stmt");
}

/* ---------------------------------------------------------------- operators */

static sqlkit_expr *binary(const char *fn, int op, sqlkit_expr *a, sqlkit_expr *b)
{
	return node2(fn, SQLKIT__N_BINARY, op, a, b);
}

/* a == NULL and a != NULL are IS [NOT] NULL, as in SQLAlchemy. */
static sqlkit_expr *compare_null(const char *fn, int negate, sqlkit_expr *a, sqlkit_expr *b)
{
	sqlkit_expr *e;

	if (a && b && b->kind == SQLKIT__N_NULL && a->kind != SQLKIT__N_NULL) {
		sqlkit_expr_free(b);
		e = node1(fn, SQLKIT__N_IS_NULL, 0, a);
	} else if (a && b && a->kind == SQLKIT__N_NULL && b->kind != SQLKIT__N_NULL) {
		sqlkit_expr_free(a);
		e = node1(fn, SQLKIT__N_IS_NULL, 0, b);
	} else {
		return binary(fn, negate ? SQLKIT__OP_NE : SQLKIT__OP_EQ, a, b);
	}
	if (e && negate)
		e->flags |= SQLKIT__F_NEGATE;
	return e;
}

sqlkit_expr *sqlkit_eq(sqlkit_expr *a, sqlkit_expr *b) { return compare_null("sqlkit_eq", 0, a, b); }
sqlkit_expr *sqlkit_ne(sqlkit_expr *a, sqlkit_expr *b) { return compare_null("sqlkit_ne", 1, a, b); }
sqlkit_expr *sqlkit_lt(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_lt", SQLKIT__OP_LT, a, b); }
sqlkit_expr *sqlkit_le(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_le", SQLKIT__OP_LE, a, b); }
sqlkit_expr *sqlkit_gt(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_gt", SQLKIT__OP_GT, a, b); }
sqlkit_expr *sqlkit_ge(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_ge", SQLKIT__OP_GE, a, b); }
sqlkit_expr *sqlkit_add(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_add", SQLKIT__OP_ADD, a, b); }
sqlkit_expr *sqlkit_sub(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_sub", SQLKIT__OP_SUB, a, b); }
sqlkit_expr *sqlkit_mul(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_mul", SQLKIT__OP_MUL, a, b); }
sqlkit_expr *sqlkit_div(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_div", SQLKIT__OP_DIV, a, b); }
sqlkit_expr *sqlkit_mod(sqlkit_expr *a, sqlkit_expr *b) { return binary("sqlkit_mod", SQLKIT__OP_MOD, a, b); }
sqlkit_expr *sqlkit_concat(sqlkit_expr *a, sqlkit_expr *b)
{
	return binary("sqlkit_concat", SQLKIT__OP_CONCAT, a, b);
}
sqlkit_expr *sqlkit_like(sqlkit_expr *a, sqlkit_expr *p) { return binary("sqlkit_like", SQLKIT__OP_LIKE, a, p); }
sqlkit_expr *sqlkit_not_like(sqlkit_expr *a, sqlkit_expr *p)
{
	return binary("sqlkit_not_like", SQLKIT__OP_NOT_LIKE, a, p);
}
sqlkit_expr *sqlkit_ilike(sqlkit_expr *a, sqlkit_expr *p) { return binary("sqlkit_ilike", SQLKIT__OP_ILIKE, a, p); }

sqlkit_expr *sqlkit_neg(sqlkit_expr *a)
{
	return node1("sqlkit_neg", SQLKIT__N_NEG, 0, a);
}

/* The n expressions of a variadic builder, in buf when it has room for n + 1,
 * else in a new array (one slot more); out of memory: they are freed and NULL
 * comes back. Free the result with args_free(). */
#define ARGS_STACK 16
static sqlkit_expr **collect_args(size_t n, va_list ap, sqlkit_expr **buf)
{
	sqlkit_expr **v = n < ARGS_STACK ? buf : sqlkit__zalloc(n + 1, sizeof *v);
	size_t i;

	for (i = 0; i < n; i++) {
		sqlkit_expr *e = va_arg(ap, sqlkit_expr *);
		if (v)
			v[i] = e;
		else
			sqlkit_expr_free(e);
	}
	if (!v)
		sqlkit__error_oom();
	return v;
}

static void args_free(sqlkit_expr **v, sqlkit_expr **buf)
{
	if (v != buf)
		free(v);
}

static sqlkit_expr *bool_list(const char *fn, int op, size_t n, va_list ap)
{
	sqlkit_expr **kids, *e, *buf[ARGS_STACK];

	if (n == 0) {
		sqlkit__error(SQLKIT_EINVAL, "%s: no conditions", fn);
		return NULL;
	}
	if (!(kids = collect_args(n, ap, buf)))
		return NULL;
	if (n == 1) {
		/* and_(x) is x */
		e = kids[0];
		if (!e)
			null_arg(fn);
	} else {
		e = with_kids(fn, SQLKIT__N_BOOL, op, n, kids);
	}
	args_free(kids, buf);
	return e;
}

sqlkit_expr *sqlkit_and(size_t n, ...)
{
	sqlkit_expr *e;
	va_list ap;

	va_start(ap, n);
	e = bool_list("sqlkit_and", SQLKIT__OP_AND, n, ap);
	va_end(ap);
	return e;
}

sqlkit_expr *sqlkit_or(size_t n, ...)
{
	sqlkit_expr *e;
	va_list ap;

	va_start(ap, n);
	e = bool_list("sqlkit_or", SQLKIT__OP_OR, n, ap);
	va_end(ap);
	return e;
}

/* A copy of node a (sharing its kids, and a statement's part lists) with
 * another op or flags. */
static sqlkit_expr *shallow_copy(const sqlkit_expr *a)
{
	sqlkit_expr *e;
	size_t i;

	if (!(e = node_alloc(a->kind, a->nkids, a->st ? ST_UNSET : ST_NONE, a->name,
	                     a->kind == SQLKIT__N_VALUE ? value_room(&a->value) : 0)))
		return NULL;
	e->op = a->op;
	e->flags = a->flags;
	e->table = a->table;
	e->column = a->column;
	e->type = a->type;
	e->nkids = a->nkids;
	for (i = 0; i < a->nkids; i++)
		e->kids[i] = sqlkit_expr_ref(a->kids[i]);
	if (a->kind == SQLKIT__N_VALUE)
		value_copy_into(e, a->value);
	if (a->st) {
		const sqlkit__list *from = a->st->slot;
		memcpy(e->st, a->st, sizeof *e->st);
		for (i = 0; i < SQLKIT__NSLOTS; i++)
			if (from[i].v)
				list_share_ref(&from[i]);
	}
	return e;
}

/* not_(): SQLAlchemy negates what it can (= becomes !=, IN becomes NOT IN,
 * LIKE becomes NOT LIKE...) and writes NOT (...) for the rest. */
sqlkit_expr *sqlkit_not(sqlkit_expr *a)
{
	sqlkit_expr *e;
	int op = 0;

	if (!a) {
		null_arg("sqlkit_not");
		return NULL;
	}
	switch (a->kind) {
	case SQLKIT__N_BINARY:
		switch (a->op) {
		case SQLKIT__OP_EQ: op = SQLKIT__OP_NE; break;
		case SQLKIT__OP_NE: op = SQLKIT__OP_EQ; break;
		case SQLKIT__OP_LT: op = SQLKIT__OP_GE; break;
		case SQLKIT__OP_GE: op = SQLKIT__OP_LT; break;
		case SQLKIT__OP_GT: op = SQLKIT__OP_LE; break;
		case SQLKIT__OP_LE: op = SQLKIT__OP_GT; break;
		case SQLKIT__OP_LIKE: op = SQLKIT__OP_NOT_LIKE; break;
		case SQLKIT__OP_NOT_LIKE: op = SQLKIT__OP_LIKE; break;
		case SQLKIT__OP_ILIKE: op = SQLKIT__OP_NOT_ILIKE; break;
		case SQLKIT__OP_NOT_ILIKE: op = SQLKIT__OP_ILIKE; break;
		default: break;
		}
		if (op) {
			if ((e = shallow_copy(a)))
				e->op = op;
			sqlkit_expr_free(a);
			return e;
		}
		break;
	case SQLKIT__N_IN:
	case SQLKIT__N_IN_SELECT:
	case SQLKIT__N_BETWEEN:
	case SQLKIT__N_IS_NULL:
		if ((e = shallow_copy(a)))
			e->flags ^= SQLKIT__F_NEGATE;
		sqlkit_expr_free(a);
		return e;
	case SQLKIT__N_NOT:
		e = sqlkit_expr_ref(a->kids[0]);
		sqlkit_expr_free(a);
		return e;
	default:
		break;
	}
	return node1("sqlkit_not", SQLKIT__N_NOT, 0, a);
}

static sqlkit_expr *in_list(const char *fn, int negate, sqlkit_expr *a, const sqlkit_value *values,
                            size_t n)
{
	sqlkit_expr **kids, *e;
	size_t i;

	if (!a) {
		null_arg(fn);
		return NULL;
	}
	if (n && !values) {
		sqlkit__error(SQLKIT_EINVAL, "%s: %zu values announced but values is NULL", fn, n);
		sqlkit_expr_free(a);
		return NULL;
	}
	if (!(kids = sqlkit__zalloc(n + 1, sizeof *kids))) {
		sqlkit_expr_free(a);
		sqlkit__error_oom();
		return NULL;
	}
	kids[0] = a;
	for (i = 0; i < n; i++)
		kids[i + 1] = values[i].type == SQLKIT_TYPE_NULL ? node_new(SQLKIT__N_NULL)
		                                                : value_node(values[i]);
	e = with_kids(fn, SQLKIT__N_IN, 0, n + 1, kids);
	free(kids);
	if (e && negate)
		e->flags |= SQLKIT__F_NEGATE;
	return e;
}

sqlkit_expr *sqlkit_in(sqlkit_expr *a, const sqlkit_value *values, size_t n)
{
	return in_list("sqlkit_in", 0, a, values, n);
}

sqlkit_expr *sqlkit_not_in(sqlkit_expr *a, const sqlkit_value *values, size_t n)
{
	return in_list("sqlkit_not_in", 1, a, values, n);
}

sqlkit_expr *sqlkit_in_select(sqlkit_expr *a, sqlkit_expr *select)
{
	if (select && !is_select_like(select)) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_in_select: not a select");
		sqlkit_expr_free(a);
		sqlkit_expr_free(select);
		return NULL;
	}
	return node2("sqlkit_in_select", SQLKIT__N_IN_SELECT, 0, a, select);
}

sqlkit_expr *sqlkit_between(sqlkit_expr *a, sqlkit_expr *low, sqlkit_expr *high)
{
	sqlkit_expr *k[3];
	k[0] = a;
	k[1] = low;
	k[2] = high;
	return with_kids("sqlkit_between", SQLKIT__N_BETWEEN, 0, 3, k);
}

sqlkit_expr *sqlkit_is_null(sqlkit_expr *a)
{
	return node1("sqlkit_is_null", SQLKIT__N_IS_NULL, 0, a);
}

sqlkit_expr *sqlkit_is_not_null(sqlkit_expr *a)
{
	sqlkit_expr *e = node1("sqlkit_is_not_null", SQLKIT__N_IS_NULL, 0, a);
	if (e)
		e->flags |= SQLKIT__F_NEGATE;
	return e;
}

static sqlkit_expr *wrap_select(const char *fn, sqlkit__node_kind kind, sqlkit_expr *select)
{
	if (select && !is_select_like(select)) {
		sqlkit__error(SQLKIT_EINVAL, "%s: not a select", fn);
		sqlkit_expr_free(select);
		return NULL;
	}
	return node1(fn, kind, 0, select);
}

sqlkit_expr *sqlkit_exists(sqlkit_expr *select)
{
	return wrap_select("sqlkit_exists", SQLKIT__N_EXISTS, select);
}

sqlkit_expr *sqlkit_scalar_subquery(sqlkit_expr *select)
{
	return wrap_select("sqlkit_scalar_subquery", SQLKIT__N_SCALAR, select);
}

sqlkit_expr *sqlkit_cast(sqlkit_expr *a, sqlkit_sqltype type)
{
	sqlkit_expr *e = node1("sqlkit_cast", SQLKIT__N_CAST, 0, a);
	if (e)
		e->type = type;
	return e;
}

sqlkit_expr *sqlkit_case(size_t n, ...)
{
	sqlkit_expr **kids, *e, *buf[ARGS_STACK];
	size_t i;
	va_list ap;

	va_start(ap, n);
	kids = collect_args(2 * n + 1, ap, buf);
	va_end(ap);
	if (!kids)
		return NULL;
	if (n == 0) {
		sqlkit_expr_free(kids[0]);
		args_free(kids, buf);
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_case: no WHEN");
		return NULL;
	}
	/* Every argument is required (a NULL is a failed builder); an ELSE of the
	 * NULL literal means no ELSE, which is the same in SQL. */
	for (i = 0; i < 2 * n + 1; i++)
		if (!kids[i]) {
			for (i = 0; i < 2 * n + 1; i++)
				sqlkit_expr_free(kids[i]);
			args_free(kids, buf);
			null_arg("sqlkit_case");
			return NULL;
		}
	if (kids[2 * n]->kind == SQLKIT__N_NULL) {
		sqlkit_expr_free(kids[2 * n]);
		kids[2 * n] = NULL;
	}
	e = with_kids("sqlkit_case", SQLKIT__N_CASE, 0, kids[2 * n] ? 2 * n + 1 : 2 * n, kids);
	if (e && kids[2 * n])
		e->flags |= SQLKIT__F_CASE_ELSE;
	args_free(kids, buf);
	return e;
}

static sqlkit_expr *named1(const char *fn, sqlkit__node_kind kind, sqlkit_expr *a, const char *name)
{
	if (a && (!name || !*name)) {
		sqlkit__error(SQLKIT_EINVAL, "%s: name is empty", fn);
		sqlkit_expr_free(a);
		return NULL;
	}
	return with_kids_named(fn, kind, 0, 1, &a, name);
}

sqlkit_expr *sqlkit_label(sqlkit_expr *a, const char *name)
{
	return named1("sqlkit_label", SQLKIT__N_LABEL, a, name);
}

static sqlkit_expr *ordering(const char *fn, unsigned bit, sqlkit_expr *a)
{
	sqlkit_expr *e;

	if (!a) {
		null_arg(fn);
		return NULL;
	}
	if (a->kind == SQLKIT__N_ORDER) {
		if ((e = shallow_copy(a))) {
			if (bit & (SQLKIT__ORDER_ASC | SQLKIT__ORDER_DESC))
				e->op &= ~(SQLKIT__ORDER_ASC | SQLKIT__ORDER_DESC);
			else
				e->op &= ~(SQLKIT__ORDER_NULLS_FIRST | SQLKIT__ORDER_NULLS_LAST);
			e->op |= (int)bit;
		}
		sqlkit_expr_free(a);
		return e;
	}
	return node1(fn, SQLKIT__N_ORDER, (int)bit, a);
}

sqlkit_expr *sqlkit_asc(sqlkit_expr *a) { return ordering("sqlkit_asc", SQLKIT__ORDER_ASC, a); }
sqlkit_expr *sqlkit_desc(sqlkit_expr *a) { return ordering("sqlkit_desc", SQLKIT__ORDER_DESC, a); }
sqlkit_expr *sqlkit_nulls_first(sqlkit_expr *o)
{
	return ordering("sqlkit_nulls_first", SQLKIT__ORDER_NULLS_FIRST, o);
}
sqlkit_expr *sqlkit_nulls_last(sqlkit_expr *o)
{
	return ordering("sqlkit_nulls_last", SQLKIT__ORDER_NULLS_LAST, o);
}

static sqlkit_expr *func_v(const char *name, size_t n, sqlkit_expr **args)
{
	size_t i;
	const char *p;

	/* A function name is written into SQL as given: an identifier, maybe
	 * dotted (schema.function). */
	for (p = name; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '.'))
			break;
	if (!name || !*name || *p || (*name >= '0' && *name <= '9')) {
		sqlkit__error(SQLKIT_EINVAL, "function name \"%s\" is not an identifier",
		              name ? name : "(null)");
		for (i = 0; i < n; i++)
			sqlkit_expr_free(args[i]);
		return NULL;
	}
	return with_kids_named("sqlkit_func", SQLKIT__N_FUNC, 0, n, args, name);
}

sqlkit_expr *sqlkit_func(const char *name, size_t n, ...)
{
	sqlkit_expr **args, *e, *buf[ARGS_STACK];
	va_list ap;

	va_start(ap, n);
	args = collect_args(n, ap, buf);
	va_end(ap);
	if (!args)
		return NULL;
	e = func_v(name, n, args);
	args_free(args, buf);
	return e;
}

sqlkit_expr *sqlkit_count(sqlkit_expr *a)
{
	sqlkit_expr *e;

	if (!a) {
		null_arg("sqlkit_count");
		return NULL;
	}
	if (a->kind != SQLKIT__N_STAR)
		return func_v("count", 1, &a);
	/* count(sqlkit_star()) is count(*) */
	sqlkit_expr_free(a);
	if ((e = func_v("count", 0, NULL)))
		e->flags |= SQLKIT__F_FUNC_STAR;
	return e;
}

static sqlkit_expr *func1(const char *name, sqlkit_expr *a)
{
	if (!a) {
		null_arg(name);
		return NULL;
	}
	return func_v(name, 1, &a);
}

sqlkit_expr *sqlkit_sum(sqlkit_expr *a) { return func1("sum", a); }
sqlkit_expr *sqlkit_avg(sqlkit_expr *a) { return func1("avg", a); }
sqlkit_expr *sqlkit_min(sqlkit_expr *a) { return func1("min", a); }
sqlkit_expr *sqlkit_max(sqlkit_expr *a) { return func1("max", a); }

/* ---------------------------------------------------------------- FROM elements */

sqlkit_expr *sqlkit_alias(sqlkit_expr *from, const char *name)
{
	sqlkit_expr *e;

	if (!from) {
		null_arg("sqlkit_alias");
		return NULL;
	}
	if (!name || !*name) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_alias: name is empty");
		sqlkit_expr_free(from);
		return NULL;
	}
	if (from->kind == SQLKIT__N_TABLE) {
		if ((e = node_alloc(SQLKIT__N_ALIAS, 0, 0, name, 0)))
			e->table = from->table;
		sqlkit_expr_free(from);
		return e;
	}
	if (!is_select_like(from)) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_alias: not a table or a select");
		sqlkit_expr_free(from);
		return NULL;
	}
	return named1("sqlkit_alias", SQLKIT__N_ALIAS, from, name);
}

/* The table a join leaf stands for (a table or an alias of one), or NULL. */
static const sqlkit_table *leaf_table(const sqlkit_expr *e)
{
	if (e->kind == SQLKIT__N_TABLE || (e->kind == SQLKIT__N_ALIAS && e->table))
		return e->table;
	return NULL;
}

/* Collect the leaves (tables and aliases) of a FROM element. */
static void join_leaves(const sqlkit_expr *e, const sqlkit_expr **out, size_t *n, size_t max)
{
	if (e->kind == SQLKIT__N_JOIN) {
		join_leaves(e->kids[0], out, n, max);
		join_leaves(e->kids[1], out, n, max);
	} else if (*n < max) {
		out[(*n)++] = e;
	}
}

/* A column of a leaf as an expression (alias.c.x or table.c.x). */
static sqlkit_expr *leaf_column(const sqlkit_expr *leaf, const char *name)
{
	if (leaf->kind == SQLKIT__N_ALIAS)
		return sqlkit_alias_c(sqlkit_expr_ref((sqlkit_expr *)leaf), name);
	return sqlkit_c(leaf->table, name);
}

/* A foreign key of a table seen in place (no copy): a column's own
 * ("table.column" in fk_target, one column) or a table-level one. */
typedef struct fk_view {
	const char *ref_table;          /* not NUL-terminated for a column's own: ref_tlen */
	size_t ref_tlen;
	size_t ncols;
	const sqlkit_column *col;       /* a column's own: the column */
	const char *ref_col;            /* a column's own: the referenced column's name */
	const sqlkit__fk *fk;           /* a table-level one */
} fk_view;

/* The next foreign key of t from *pos on, in sqlkit__table_foreign_keys()'s
 * order (the columns' own first); 0 when there is none left. */
static int fk_next(const sqlkit_table *t, size_t *pos, fk_view *v)
{
	const char *table, *column;
	size_t tlen;

	while (*pos < t->ncolumns) {
		const sqlkit_column *c = t->columns[(*pos)++];
		if (sqlkit__fk_target(c, &table, &tlen, &column) < 0)
			continue;
		v->ref_table = table;
		v->ref_tlen = tlen;
		v->ncols = 1;
		v->col = c;
		v->ref_col = column;
		v->fk = NULL;
		return 1;
	}
	if (*pos - t->ncolumns < t->nfks) {
		const sqlkit__fk *fk = &t->fks[(*pos)++ - t->ncolumns];
		v->ref_table = fk->ref_table;
		v->ref_tlen = strlen(fk->ref_table);
		v->ncols = fk->ncols;
		v->col = NULL;
		v->ref_col = NULL;
		v->fk = fk;
		return 1;
	}
	return 0;
}

static int fk_refers_to(const fk_view *v, const sqlkit_table *t)
{
	return strncmp(v->ref_table, t->name, v->ref_tlen) == 0 && t->name[v->ref_tlen] == '\0';
}

static const char *fk_column(const fk_view *v, size_t k)
{
	return v->fk ? v->fk->columns[k] : v->col->name;
}

static const char *fk_ref_column(const fk_view *v, size_t k)
{
	return v->fk ? v->fk->ref_columns[k] : v->ref_col;
}

/* The ON clause of a join without one: the one foreign key between the right
 * side and a table of the left side, in either direction (SQLAlchemy's
 * join_condition): referenced column = foreign key column, ANDed. */
static sqlkit_expr *infer_on(const sqlkit_expr *left, const sqlkit_expr *right)
{
	const sqlkit_expr *leaves[64], *rleaf = right;
	const sqlkit_table *rt = leaf_table(right);
	size_t nleaves = 0, i, k, pos, found = 0;
	const sqlkit_expr *fk_leaf = NULL, *ref_leaf = NULL;
	fk_view the_fk, v;
	sqlkit_expr *on = NULL, *part;

	if (!rt) {
		sqlkit__error(SQLKIT_EINVAL, "cannot infer the ON clause of a join to a subquery: give one");
		return NULL;
	}
	memset(&the_fk, 0, sizeof the_fk);
	join_leaves(left, leaves, &nleaves, 64);
	for (i = 0; i < nleaves; i++) {
		const sqlkit_table *lt = leaf_table(leaves[i]);
		if (!lt)
			continue;
		/* right -> left */
		for (pos = 0; fk_next(rt, &pos, &v);)
			if (fk_refers_to(&v, lt) && found++ == 0) {
				the_fk = v;
				fk_leaf = rleaf;
				ref_leaf = leaves[i];
			}
		/* left -> right */
		if (lt == rt)
			continue;
		for (pos = 0; fk_next(lt, &pos, &v);)
			if (fk_refers_to(&v, rt) && found++ == 0) {
				the_fk = v;
				fk_leaf = leaves[i];
				ref_leaf = rleaf;
			}
	}
	if (found != 1) {
		char lnames[256];

		lnames[0] = '\0';
		for (i = 0; i < nleaves; i++) {
			const sqlkit_table *lt = leaf_table(leaves[i]);
			size_t len = strlen(lnames);
			snprintf(lnames + len, sizeof lnames - len, "%s\"%s\"", i ? ", " : "",
			         lt ? lt->name : leaves[i]->name ? leaves[i]->name : "?");
		}
		sqlkit__error(SQLKIT_EINVAL, "cannot infer the ON clause of a join between %s and \"%s\": "
		              "%s foreign key between them", lnames, rt->name,
		              found ? "more than one" : "no");
		return NULL;
	}
	for (k = 0; k < the_fk.ncols; k++) {
		part = sqlkit_eq(leaf_column(ref_leaf, fk_ref_column(&the_fk, k)),
		                 leaf_column(fk_leaf, fk_column(&the_fk, k)));
		if (!part) {
			sqlkit_expr_free(on);
			return NULL;
		}
		if (!(on = on ? sqlkit_and(2, on, part) : part))
			return NULL;
	}
	return on;
}

static int is_from_element(const sqlkit_expr *e)
{
	return e->kind == SQLKIT__N_TABLE || e->kind == SQLKIT__N_ALIAS || e->kind == SQLKIT__N_JOIN ||
	       e->kind == SQLKIT__N_CTE;
}

static sqlkit_expr *join(const char *fn, int op, sqlkit_expr *left, sqlkit_expr *right,
                         sqlkit_expr *on, int infer)
{
	sqlkit_expr *k[3];

	if (!left || !right || (!on && !infer)) {
		null_arg(fn);
		sqlkit_expr_free(left);
		sqlkit_expr_free(right);
		sqlkit_expr_free(on);
		return NULL;
	}
	if (!is_from_element(left) || !is_from_element(right)) {
		sqlkit__error(SQLKIT_EINVAL, "%s: both sides must be tables, aliases, subqueries or joins", fn);
		sqlkit_expr_free(left);
		sqlkit_expr_free(right);
		sqlkit_expr_free(on);
		return NULL;
	}
	if (!on && !(on = infer_on(left, right))) {
		sqlkit_expr_free(left);
		sqlkit_expr_free(right);
		return NULL;
	}
	k[0] = left;
	k[1] = right;
	k[2] = on;
	return with_kids(fn, SQLKIT__N_JOIN, op, 3, k);
}

sqlkit_expr *sqlkit_join(sqlkit_expr *l, sqlkit_expr *r, sqlkit_expr *on)
{
	return join("sqlkit_join", SQLKIT__JOIN_INNER, l, r, on, 0);
}

sqlkit_expr *sqlkit_outerjoin(sqlkit_expr *l, sqlkit_expr *r, sqlkit_expr *on)
{
	return join("sqlkit_outerjoin", SQLKIT__JOIN_LEFT, l, r, on, 0);
}

sqlkit_expr *sqlkit_full_outerjoin(sqlkit_expr *l, sqlkit_expr *r, sqlkit_expr *on)
{
	return join("sqlkit_full_outerjoin", SQLKIT__JOIN_FULL, l, r, on, 0);
}

sqlkit_expr *sqlkit_join_fk(sqlkit_expr *l, sqlkit_expr *r)
{
	return join("sqlkit_join_fk", SQLKIT__JOIN_INNER, l, r, NULL, 1);
}

sqlkit_expr *sqlkit_outerjoin_fk(sqlkit_expr *l, sqlkit_expr *r)
{
	return join("sqlkit_outerjoin_fk", SQLKIT__JOIN_LEFT, l, r, NULL, 1);
}

sqlkit_expr *sqlkit_full_outerjoin_fk(sqlkit_expr *l, sqlkit_expr *r)
{
	return join("sqlkit_full_outerjoin_fk", SQLKIT__JOIN_FULL, l, r, NULL, 1);
}

/* ---------------------------------------------------------------- statements */

static sqlkit_expr *stmt_new(sqlkit__node_kind kind)
{
	return node_alloc(kind, 0, ST_EMPTY, NULL, 0);
}

/* The shallow copy a generative function changes: the same parts, sharing
 * every list until the copy changes one (list_reserve, list_push). */
static sqlkit_expr *stmt_copy(const sqlkit_expr *s)
{
	return shallow_copy(s);
}

static sqlkit_expr *select_v(size_t n, sqlkit_expr **cols)
{
	sqlkit_expr *e;
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++)
		if (!cols || !cols[i])
			bad = 1;
	if (bad || n == 0) {
		if (n == 0)
			sqlkit__error(SQLKIT_EINVAL, "sqlkit_select: no columns");
		else
			null_arg("sqlkit_select");
		for (i = 0; cols && i < n; i++)
			sqlkit_expr_free(cols[i]);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (cols[i]->kind == SQLKIT__N_SELECT || cols[i]->kind == SQLKIT__N_COMPOUND ||
		    cols[i]->kind == SQLKIT__N_INSERT || cols[i]->kind == SQLKIT__N_UPDATE ||
		    cols[i]->kind == SQLKIT__N_DELETE || cols[i]->kind == SQLKIT__N_TEXT ||
		    cols[i]->kind == SQLKIT__N_JOIN || cols[i]->kind == SQLKIT__N_ORDER) {
			sqlkit__error(SQLKIT_EINVAL, "sqlkit_select: column %zu is not a column expression "
			              "(use sqlkit_scalar_subquery() for a select)", i + 1);
			bad = 1;
		}
	if (bad || !(e = stmt_new(SQLKIT__N_SELECT))) {
		for (i = 0; i < n; i++)
			sqlkit_expr_free(cols[i]);
		return NULL;
	}
	if (list_push_all(&e->st->slot[SQLKIT__S_COLS], cols, n) < 0) {
		sqlkit_expr_free(e);
		return NULL;
	}
	return e;
}

sqlkit_expr *sqlkit_select_v(size_t n, sqlkit_expr **columns)
{
	return select_v(n, columns);
}

sqlkit_expr *sqlkit_select(size_t n, ...)
{
	sqlkit_expr **cols, *e, *buf[ARGS_STACK];
	va_list ap;

	va_start(ap, n);
	cols = collect_args(n, ap, buf);
	va_end(ap);
	if (!cols)
		return NULL;
	e = select_v(n, cols);
	args_free(cols, buf);
	return e;
}

/* Generative helper: check stmt's kind against mask, copy it, push the
 * expressions into slot (taking them). */
#define K(k) (1u << (k))
#define K_SELECT K(SQLKIT__N_SELECT)
#define K_COMPOUND K(SQLKIT__N_COMPOUND)
#define K_DML (K(SQLKIT__N_INSERT) | K(SQLKIT__N_UPDATE) | K(SQLKIT__N_DELETE))

static void free_all(sqlkit_expr **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		sqlkit_expr_free(v[i]);
}

static sqlkit_expr *generate(const char *fn, const sqlkit_expr *stmt, unsigned kinds, int slot,
                             sqlkit_expr **add, size_t nadd, int replace)
{
	sqlkit_expr *e;
	size_t i;

	for (i = 0; i < nadd; i++)
		if (!add[i]) {
			null_arg(fn);
			free_all(add, nadd);
			return NULL;
		}
	if (!stmt) {
		null_arg(fn);
		free_all(add, nadd);
		return NULL;
	}
	if (!(K(stmt->kind) & kinds)) {
		sqlkit__error(SQLKIT_EINVAL, "%s: not allowed on this kind of statement", fn);
		free_all(add, nadd);
		return NULL;
	}
	if (!(e = stmt_copy(stmt))) {
		free_all(add, nadd);
		return NULL;
	}
	if (replace)
		list_clear(&e->st->slot[slot]);
	if (list_push_all(&e->st->slot[slot], add, nadd) < 0) {
		sqlkit_expr_free(e);
		return NULL;
	}
	return e;
}

sqlkit_expr *sqlkit_select_from(const sqlkit_expr *stmt, sqlkit_expr *from)
{
	if (from && !is_from_element(from)) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_select_from: not a table, alias, subquery or join");
		sqlkit_expr_free(from);
		return NULL;
	}
	return generate("sqlkit_select_from", stmt, K_SELECT, SQLKIT__S_FROM, &from, 1, 0);
}

sqlkit_expr *sqlkit_where(const sqlkit_expr *stmt, sqlkit_expr *cond)
{
	return generate("sqlkit_where", stmt, K_SELECT | K(SQLKIT__N_UPDATE) | K(SQLKIT__N_DELETE),
	                SQLKIT__S_WHERE, &cond, 1, 0);
}

sqlkit_expr *sqlkit_having(const sqlkit_expr *stmt, sqlkit_expr *cond)
{
	return generate("sqlkit_having", stmt, K_SELECT, SQLKIT__S_HAVING, &cond, 1, 0);
}

static sqlkit_expr *generate_va(const char *fn, const sqlkit_expr *stmt, unsigned kinds, int slot,
                                size_t n, va_list ap)
{
	sqlkit_expr **v, *e, *buf[ARGS_STACK];

	if (!(v = collect_args(n, ap, buf)))
		return NULL;
	e = generate(fn, stmt, kinds, slot, v, n, 0);
	args_free(v, buf);
	return e;
}

sqlkit_expr *sqlkit_order_by(const sqlkit_expr *stmt, size_t n, ...)
{
	sqlkit_expr *e;
	va_list ap;

	va_start(ap, n);
	e = generate_va("sqlkit_order_by", stmt, K_SELECT | K_COMPOUND, SQLKIT__S_ORDER, n, ap);
	va_end(ap);
	return e;
}

sqlkit_expr *sqlkit_group_by(const sqlkit_expr *stmt, size_t n, ...)
{
	sqlkit_expr *e;
	va_list ap;

	va_start(ap, n);
	e = generate_va("sqlkit_group_by", stmt, K_SELECT, SQLKIT__S_GROUP, n, ap);
	va_end(ap);
	return e;
}

sqlkit_expr *sqlkit_returning(const sqlkit_expr *stmt, size_t n, ...)
{
	sqlkit_expr *e;
	va_list ap;

	va_start(ap, n);
	e = generate_va("sqlkit_returning", stmt, K_DML, SQLKIT__S_RETURNING, n, ap);
	va_end(ap);
	return e;
}

static sqlkit_expr *limit_offset(const char *fn, const sqlkit_expr *stmt, int slot, int64_t n)
{
	sqlkit_expr *v;

	if (n < 0) {
		sqlkit__error(SQLKIT_EINVAL, "%s: %lld is negative", fn, (long long)n);
		return NULL;
	}
	if (!(v = sqlkit_lit_int(n)))
		return NULL;
	return generate(fn, stmt, K_SELECT | K_COMPOUND, slot, &v, 1, 1);
}

sqlkit_expr *sqlkit_limit(const sqlkit_expr *stmt, int64_t n)
{
	return limit_offset("sqlkit_limit", stmt, SQLKIT__S_LIMIT, n);
}

sqlkit_expr *sqlkit_offset(const sqlkit_expr *stmt, int64_t n)
{
	return limit_offset("sqlkit_offset", stmt, SQLKIT__S_OFFSET, n);
}

sqlkit_expr *sqlkit_distinct(const sqlkit_expr *stmt)
{
	sqlkit_expr *e = generate("sqlkit_distinct", stmt, K_SELECT, 0, NULL, 0, 0);
	if (e)
		e->flags |= SQLKIT__F_DISTINCT;
	return e;
}

static sqlkit_expr *named_select(const char *fn, sqlkit__node_kind kind, const sqlkit_expr *select,
                                 const char *name)
{
	if (!select) {
		null_arg(fn);
		return NULL;
	}
	if (!is_select_like(select)) {
		sqlkit__error(SQLKIT_EINVAL, "%s: not a select", fn);
		return NULL;
	}
	return named1(fn, kind, sqlkit_expr_ref((sqlkit_expr *)select), name);
}

sqlkit_expr *sqlkit_subquery(const sqlkit_expr *select, const char *name)
{
	return named_select("sqlkit_subquery", SQLKIT__N_ALIAS, select, name);
}

sqlkit_expr *sqlkit_cte(const sqlkit_expr *select, const char *name)
{
	return named_select("sqlkit_cte", SQLKIT__N_CTE, select, name);
}

sqlkit_expr *sqlkit_with(const sqlkit_expr *stmt, sqlkit_expr *cte)
{
	if (cte && cte->kind != SQLKIT__N_CTE) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_with: not a cte");
		sqlkit_expr_free(cte);
		return NULL;
	}
	return generate("sqlkit_with", stmt, K_SELECT | K_COMPOUND | K_DML, SQLKIT__S_CTES, &cte, 1, 0);
}

static sqlkit_expr *compound(const char *fn, int op, const sqlkit_expr *a, const sqlkit_expr *b)
{
	sqlkit_expr *e;

	if (!a || !b) {
		null_arg(fn);
		return NULL;
	}
	if (!is_select_like(a) || !is_select_like(b)) {
		sqlkit__error(SQLKIT_EINVAL, "%s: both sides must be selects", fn);
		return NULL;
	}
	if (!(e = node_alloc(SQLKIT__N_COMPOUND, 2, ST_EMPTY, NULL, 0)))
		return NULL;
	e->op = op;
	e->nkids = 2;
	e->kids[0] = sqlkit_expr_ref((sqlkit_expr *)a);
	e->kids[1] = sqlkit_expr_ref((sqlkit_expr *)b);
	return e;
}

sqlkit_expr *sqlkit_union(const sqlkit_expr *a, const sqlkit_expr *b)
{
	return compound("sqlkit_union", SQLKIT__UNION, a, b);
}

sqlkit_expr *sqlkit_union_all(const sqlkit_expr *a, const sqlkit_expr *b)
{
	return compound("sqlkit_union_all", SQLKIT__UNION_ALL, a, b);
}

static sqlkit_expr *dml(const char *fn, sqlkit__node_kind kind, sqlkit_table *table)
{
	sqlkit_expr *e;

	if (!table) {
		sqlkit__error(SQLKIT_EINVAL, "%s: table is NULL", fn);
		return NULL;
	}
	if ((e = stmt_new(kind)))
		e->table = table;
	return e;
}

sqlkit_expr *sqlkit_insert(sqlkit_table *table) { return dml("sqlkit_insert", SQLKIT__N_INSERT, table); }
sqlkit_expr *sqlkit_update(sqlkit_table *table) { return dml("sqlkit_update", SQLKIT__N_UPDATE, table); }
sqlkit_expr *sqlkit_delete(sqlkit_table *table) { return dml("sqlkit_delete", SQLKIT__N_DELETE, table); }

/* An ASSIGN node: column = value (value may be NULL for a bare column name). */
static sqlkit_expr *assign(const sqlkit_table *t, const char *column, sqlkit_expr *value)
{
	sqlkit_expr *e;
	sqlkit_column *c = sqlkit_table_column(t, column);

	if (!c) {
		sqlkit__error(SQLKIT_ENOTFOUND, "table \"%s\" has no column \"%s\"", t->name, column);
		sqlkit_expr_free(value);
		return NULL;
	}
	if (value) {
		if (!(e = node1("sqlkit_values", SQLKIT__N_ASSIGN, 0, value)))
			return NULL;
	} else if (!(e = node_new(SQLKIT__N_ASSIGN))) {
		return NULL;
	}
	e->table = (sqlkit_table *)t;
	e->column = c;
	return e;
}

/* Replace or add an ASSIGN in a list (of a statement being built), keeping
 * the first position of a column. */
static int assign_put(sqlkit__list *l, sqlkit_expr *a)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->column == a->column) {
			if (l->n == 1) {
				list_clear(l);
				return list_push(l, a);
			}
			if (list_reserve(l, 0, 0) < 0)
				return -1;
			sqlkit_expr_free(l->v[i]);
			l->v[i] = a;
			return 0;
		}
	return list_push(l, a);
}

sqlkit_expr *sqlkit_values(const sqlkit_expr *stmt, ...)
{
	sqlkit_expr *e = NULL, *v, *a;
	const char *col;
	va_list ap;
	int failed = 0;

	if (!stmt)
		null_arg("sqlkit_values");
	else if (stmt->kind != SQLKIT__N_INSERT && stmt->kind != SQLKIT__N_UPDATE)
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_values: not an insert or update");
	else if (stmt->kind == SQLKIT__N_INSERT &&
	         (stmt->st->slot[SQLKIT__S_ROWS].n || stmt->st->slot[SQLKIT__S_SELECT].n))
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_values: the insert already has rows or a select");
	else
		e = stmt_copy(stmt);
	failed = !e;
	/* Take every pair, even after a failure, so nothing leaks. */
	va_start(ap, stmt);
	while ((col = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, sqlkit_expr *);
		if (failed) {
			sqlkit_expr_free(v);
			continue;
		}
		if (!v) {
			null_arg("sqlkit_values");
			failed = 1;
			continue;
		}
		if (v->kind == SQLKIT__N_SELECT || v->kind == SQLKIT__N_COMPOUND) {
			/* a select as a value is its scalar subquery */
			if (!(v = sqlkit_scalar_subquery(v))) {
				failed = 1;
				continue;
			}
		}
		if (!(a = assign(e->table, col, v)) || assign_put(&e->st->slot[SQLKIT__S_VALUES], a) < 0) {
			sqlkit_expr_free(a);
			failed = 1;
		}
	}
	va_end(ap);
	if (failed) {
		sqlkit_expr_free(e);
		return NULL;
	}
	if (e->st->slot[SQLKIT__S_VALUES].n == 0) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_values: no values");
		sqlkit_expr_free(e);
		return NULL;
	}
	return e;
}

sqlkit_expr *sqlkit_values_rows(const sqlkit_expr *insert, size_t ncols,
                                const char *const *columns, size_t nrows,
                                const sqlkit_value *values)
{
	sqlkit_expr *e, *row, *a, *v;
	size_t r, c;

	if (!insert || insert->kind != SQLKIT__N_INSERT) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_values_rows: not an insert");
		return NULL;
	}
	if (!ncols || !nrows || !columns || !values) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_values_rows: no columns or no rows");
		return NULL;
	}
	if (insert->st->slot[SQLKIT__S_VALUES].n || insert->st->slot[SQLKIT__S_SELECT].n) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_values_rows: the insert already has values or a select");
		return NULL;
	}
	for (c = 0; c < ncols; c++) {
		size_t k;
		if (!columns[c] || !sqlkit_table_column(insert->table, columns[c])) {
			sqlkit__error(SQLKIT_ENOTFOUND, "table \"%s\" has no column \"%s\"", insert->table->name,
			              columns[c] ? columns[c] : "(null)");
			return NULL;
		}
		for (k = 0; k < c; k++)
			if (strcmp(columns[k], columns[c]) == 0) {
				sqlkit__error(SQLKIT_EINVAL, "sqlkit_values_rows: column \"%s\" given twice", columns[c]);
				return NULL;
			}
	}
	if (!(e = stmt_copy(insert)))
		return NULL;
	list_clear(&e->st->slot[SQLKIT__S_ROWS]);
	for (r = 0; r < nrows; r++) {
		if (!(row = node_alloc(SQLKIT__N_ROW, ncols, 0, NULL, 0))) {
			sqlkit_expr_free(e);
			return NULL;
		}
		for (c = 0; c < ncols; c++) {
			v = sqlkit_lit(values[r * ncols + c]);
			if (!v || !(a = assign(e->table, columns[c], v))) {
				sqlkit_expr_free(row);
				sqlkit_expr_free(e);
				return NULL;
			}
			row->kids[row->nkids++] = a;
		}
		if (list_push(&e->st->slot[SQLKIT__S_ROWS], row) < 0) {
			sqlkit_expr_free(row);
			sqlkit_expr_free(e);
			return NULL;
		}
	}
	return e;
}

sqlkit_expr *sqlkit_from_select(const sqlkit_expr *insert, const char *const *columns,
                                sqlkit_expr *select)
{
	sqlkit_expr *e, *a;
	size_t i;

	if (!insert || !select) {
		null_arg("sqlkit_from_select");
		sqlkit_expr_free(select);
		return NULL;
	}
	if (insert->kind != SQLKIT__N_INSERT || !is_select_like(select) || !columns || !columns[0]) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_from_select: needs an insert, column names and a select");
		sqlkit_expr_free(select);
		return NULL;
	}
	if (insert->st->slot[SQLKIT__S_VALUES].n || insert->st->slot[SQLKIT__S_ROWS].n) {
		sqlkit__error(SQLKIT_EINVAL, "sqlkit_from_select: the insert already has values");
		sqlkit_expr_free(select);
		return NULL;
	}
	if (!(e = stmt_copy(insert))) {
		sqlkit_expr_free(select);
		return NULL;
	}
	list_clear(&e->st->slot[SQLKIT__S_INSCOLS]);
	list_clear(&e->st->slot[SQLKIT__S_SELECT]);
	if (list_push(&e->st->slot[SQLKIT__S_SELECT], select) < 0) {
		sqlkit_expr_free(select);
		sqlkit_expr_free(e);
		return NULL;
	}
	for (i = 0; columns[i]; i++)
		if (!(a = assign(e->table, columns[i], NULL)) ||
		    list_push(&e->st->slot[SQLKIT__S_INSCOLS], a) < 0) {
			sqlkit_expr_free(a);
			sqlkit_expr_free(e);
			return NULL;
		}
	return e;
}

/* ---------------------------------------------------------------- schema helpers */

sqlkit_column *sqlkit__expr_single_pk(const sqlkit_table *t)
{
	sqlkit_column *pk[2];

	if (sqlkit__table_primary_key(t, pk, 2) != 1)
		return NULL;
	return pk[0];
}

sqlkit_column *sqlkit__expr_autoinc_pk(const sqlkit_table *t)
{
	sqlkit_column *c = sqlkit__expr_single_pk(t);

	return (c && sqlkit__column_is_autoincrement(c)) ? c : NULL;
}
