/*
 * core/exec.c - executing expression statements: compile (cached by shape),
 * gather the bound values, hand the ":name" SQL to the DBAPI layer; rendering a
 * statement for display; the inserted primary key.
 *
 * insert(table) without values: at execution the column list is the columns
 * the caller's params name (in the table's order) plus the columns with a
 * client-side default (a constant, or a function called at each execution),
 * which is what SQLAlchemy compiles for an execute with a dict of values.
 */
#include <stdlib.h>
#include <string.h>

#include "dbapi.h"
#include "expr.h"
#include "registry.h"
#include "schema_internal.h"
#include "util.h"

static int name_is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* For insert(table) without values: which columns the params name. */
static int insert_opts(sqlkit__compile_opts *o, unsigned char **flags, const sqlkit_expr *stmt,
                       const sqlkit_param *params, size_t nparams)
{
	const sqlkit_table *t;
	size_t i, k;

	memset(o, 0, sizeof *o);
	*flags = NULL;
	if (stmt->kind != SQLKIT__N_INSERT || stmt->st->slot[SQLKIT__S_VALUES].n ||
	    stmt->st->slot[SQLKIT__S_ROWS].n || stmt->st->slot[SQLKIT__S_SELECT].n)
		return 0;
	t = stmt->table;
	if (!(*flags = calloc(t->ncolumns + 1, 1)))
		return sqlkit__error_oom();
	for (k = 0; k < nparams; k++) {
		for (i = 0; i < t->ncolumns; i++)
			if (name_is(params[k].name, t->columns[i]->name)) {
				(*flags)[i] = 1;
				break;
			}
		if (i == t->ncolumns) {
			free(*flags);
			*flags = NULL;
			return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
			                         "table \"%s\" has no column \"%s\" to insert into", t->name,
			                         params[k].name ? params[k].name : "(null)");
		}
	}
	o->ins_cols = *flags;
	o->ncols = t->ncolumns;
	return 0;
}

/* The values of one execution, in the compiled bind order. */
static int build_params(sqlkit_param *out, const sqlkit__compiled_x *x, const sqlkit_expr *stmt,
                        const sqlkit_param *params, size_t nparams)
{
	size_t i, j;
	int rc;

	for (i = 0; i < x->pub.nbinds; i++) {
		const sqlkit__bind_how *h = &x->how[i];
		out[i].name = x->pub.binds[i].name;
		out[i].value = x->pub.binds[i].value;
		switch (h->src) {
		case SQLKIT__SRC_VALUE:
		case SQLKIT__SRC_CONST:
			break;
		case SQLKIT__SRC_PARAM:
			for (j = 0; j < nparams; j++)
				if (name_is(params[j].name, h->key))
					break;
			if (j == nparams)
				return sqlkit__error_set(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
				                         "missing value for parameter \"%s\"", h->key);
			out[i].value = params[j].value;
			break;
		case SQLKIT__SRC_DEFAULT: {
			const sqlkit_column *col = stmt->table->columns[h->index];
			if (col->default_fn) {
				out[i].value = sqlkit_null();
				sqlkit_error_clear();   /* so a callback's own error can be told apart */
				if ((rc = col->default_fn(&out[i].value, col->default_userdata)) < 0) {
					if (sqlkit_error_last()->code == 0)
						sqlkit__error(rc, "default of column \"%s.%s\" failed", col->table->name,
						              col->name);
					return rc;
				}
			} else {
				out[i].value = col->default_value;
			}
			break;
		}
		}
	}
	return 0;
}

/* Keep a copy of v in the result: the bytes of text-like values go in the same
 * block as the row's value array (which the result frees), after it. */
static int keep_pk(sqlkit_result *r, const sqlkit_value *v)
{
	size_t ncols = r->stmt->cols ? r->stmt->cols->n : 0;
	size_t head = (ncols + 1) * sizeof(sqlkit_value);
	sqlkit_value *vals;

	r->inserted_pk = *v;
	r->has_inserted_pk = 1;
	switch (v->type) {
	case SQLKIT_TYPE_TEXT:
	case SQLKIT_TYPE_BLOB:
	case SQLKIT_TYPE_DECIMAL:
	case SQLKIT_TYPE_JSON:
		if (!(vals = realloc(r->row.values, head + v->u.s.len + 1))) {
			r->has_inserted_pk = 0;
			return sqlkit__error_oom();
		}
		r->row.values = vals;
		memcpy((char *)vals + head, v->u.s.ptr, v->u.s.len);
		((char *)vals)[head + v->u.s.len] = '\0';
		r->inserted_pk.u.s.ptr = (char *)vals + head;
		break;
	default:
		break;
	}
	return 0;
}

/* The row RETURNING / OUTPUT sent back: its first value is the key. */
static int read_returned_pk(sqlkit_result *r)
{
	const sqlkit_row *row = NULL;
	sqlkit_value v;
	char *copy = NULL;
	int rc;

	if ((rc = sqlkit_result_fetchone(&row, r)) < 0)
		return rc;
	if (!row)
		return 0;
	v = *sqlkit_row_value(row, 0);
	if (v.type == SQLKIT_TYPE_TEXT || v.type == SQLKIT_TYPE_BLOB || v.type == SQLKIT_TYPE_DECIMAL ||
	    v.type == SQLKIT_TYPE_JSON) {
		if (!(copy = malloc(v.u.s.len + 1)))
			return sqlkit__error_oom();
		memcpy(copy, v.u.s.ptr, v.u.s.len);
		v.u.s.ptr = copy;
	}
	/* read to the end: the statement goes back to the connection */
	while ((rc = sqlkit_result_fetchone(&row, r)) == 0 && row)
		;
	if (rc == 0)
		rc = keep_pk(r, &v);
	free(copy);
	r->rowcount = 1;
	return rc;
}

static int set_inserted_pk(sqlkit_result *r, sqlkit_conn *conn, const sqlkit__compiled_x *x,
                           const sqlkit_expr *stmt, const sqlkit_param *p)
{
	const sqlkit_column *pk = sqlkit__expr_single_pk(stmt->table);
	int64_t id;
	int rc;

	if (!pk)
		return 0;
	if (x->pub.returns_pk)
		return read_returned_pk(r);
	if (x->pk_from_values)
		return keep_pk(r, &p[x->pk_bind].value);
	if (sqlkit__column_is_autoincrement(pk)) {
		sqlkit_value v;
		if ((rc = sqlkit_conn_last_insert_id(conn, &id)) < 0) {
			if (rc == SQLKIT_ENOTSUPPORTED) {
				sqlkit_error_clear();
				return 0;
			}
			return rc;
		}
		v = sqlkit_int(id);
		return keep_pk(r, &v);
	}
	return 0;
}

int sqlkit_conn_exec(sqlkit_result **out, sqlkit_conn *conn, const sqlkit_expr *stmt,
                     const sqlkit_param *params, size_t nparams)
{
	const sqlkit_dialect *d;
	sqlkit__compile_opts opts;
	unsigned char *flags = NULL;
	sqlkit__compiled_x *x = NULL;
	sqlkit_param *p = NULL;
	sqlkit_result *res = NULL;
	int rc, single_insert;

	if (out)
		*out = NULL;
	if (!conn || !stmt)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_exec: %s is NULL", conn ? "statement" : "connection");
	if (nparams && !params)
		return sqlkit__error(SQLKIT_EINVAL, "%zu parameters announced but params is NULL", nparams);
	if ((rc = sqlkit__dialect_of_conn(&d, conn)) < 0)
		return rc;
	if ((rc = insert_opts(&opts, &flags, stmt, params, nparams)) < 0)
		return rc;
	if ((rc = sqlkit__compile_ex(&x, stmt, d, flags ? &opts : NULL)) < 0)
		goto done;
	if (!(p = calloc(x->pub.nbinds + 1, sizeof *p))) {
		rc = sqlkit__error_oom();
		goto done;
	}
	if ((rc = build_params(p, x, stmt, params, nparams)) < 0)
		goto done;
	single_insert = x->pub.is_insert && !stmt->st->slot[SQLKIT__S_ROWS].n &&
	                !stmt->st->slot[SQLKIT__S_SELECT].n;
	if ((rc = sqlkit_conn_execute((out || x->pub.returns_pk) ? &res : NULL, conn, x->pub.sql, p,
	                              x->pub.nbinds)) < 0)
		goto done;
	if (res && single_insert && (rc = set_inserted_pk(res, conn, x, stmt, p)) < 0)
		goto done;
	if (out && res && x->pub.ncolumns) {
		/* Results typed by the statement's column types. */
		size_t i, n = x->pub.ncolumns;
		sqlkit_type *want = malloc(n * sizeof *want);
		if (!want) {
			rc = sqlkit__error_oom();
			goto done;
		}
		for (i = 0; i < n; i++)
			want[i] = sqlkit__sqltype_value_type(d, &x->pub.column_types[i]);
		rc = sqlkit__result_coerce(res, want, (unsigned)n);
		free(want);
		if (rc < 0)
			goto done;
	}
	if (out) {
		*out = res;
		res = NULL;
	}
done:
	sqlkit_result_free(res);
	free(p);
	free(flags);
	sqlkit__compiled_free(x ? &x->pub : NULL);
	return rc;
}

int sqlkit_conn_exec_many(sqlkit_conn *conn, const sqlkit_expr *stmt, const sqlkit_param *sets,
                          size_t per_set, size_t nsets, int64_t *rows_affected)
{
	const sqlkit_dialect *d;
	sqlkit__compile_opts opts;
	unsigned char *flags = NULL;
	sqlkit__compiled_x *x = NULL;
	sqlkit_param *p = NULL;
	size_t s, nb;
	int rc;

	if (rows_affected)
		*rows_affected = 0;
	if (!conn || !stmt)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_conn_exec_many: %s is NULL",
		                     conn ? "statement" : "connection");
	if (nsets && per_set && !sets)
		return sqlkit__error(SQLKIT_EINVAL, "%zu parameter sets announced but sets is NULL", nsets);
	if (!nsets)
		return 0;
	if ((rc = sqlkit__dialect_of_conn(&d, conn)) < 0)
		return rc;
	if ((rc = insert_opts(&opts, &flags, stmt, sets, per_set)) < 0)
		return rc;
	if ((rc = sqlkit__compile_ex(&x, stmt, d, flags ? &opts : NULL)) < 0)
		goto done;
	nb = x->pub.nbinds;
	if ((nb && nsets > ((size_t)-1 / sizeof *p - 1) / nb) ||
	    !(p = calloc(nsets * nb + 1, sizeof *p))) {
		rc = sqlkit__error_oom();
		goto done;
	}
	for (s = 0; s < nsets; s++)
		if ((rc = build_params(p + s * nb, x, stmt, sets + s * per_set, per_set)) < 0) {
			sqlkit__error_prefix("parameter set %zu", s);
			goto done;
		}
	rc = sqlkit_conn_executemany(conn, x->pub.sql, p, nb, nsets, rows_affected);
done:
	free(p);
	free(flags);
	sqlkit__compiled_free(x ? &x->pub : NULL);
	return rc;
}

int sqlkit_result_inserted_primary_key(const sqlkit_result *res, sqlkit_value *out)
{
	if (!res || !out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_result_inserted_primary_key: %s is NULL",
		                     res ? "out" : "result");
	if (!res->has_inserted_pk) {
		*out = sqlkit_null();
		return sqlkit__error(SQLKIT_ENOTFOUND, "no inserted primary key: not the result of a "
		                     "one-row INSERT into a table with a single-column primary key");
	}
	*out = res->inserted_pk;
	return 0;
}

int sqlkit_expr_to_string(char **out, const sqlkit_expr *stmt, const char *dialect, unsigned flags)
{
	const sqlkit_plugin *plugin = NULL;
	const sqlkit_dialect *d;
	const char *driver = NULL;
	sqlkit__compiled *c = NULL;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_expr_to_string: out is NULL");
	*out = NULL;
	if (!stmt || !dialect)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_expr_to_string: %s is NULL",
		                     stmt ? "dialect" : "statement");
	if ((rc = sqlkit__registry_resolve(&plugin, &driver, dialect, NULL)) < 0)
		return rc;
	if ((rc = sqlkit__dialect_by_name(&d, dialect)) < 0)
		return rc;
	if ((rc = sqlkit__compile(&c, stmt, d)) < 0)
		return rc;
	rc = sqlkit__render(out, c, plugin->paramstyle, d, flags);
	sqlkit__compiled_free(c);
	return rc;
}
