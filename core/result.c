/*
 * core/result.c - results, rows and rowsets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbapi.h"
#include "util.h"

/* ---------------------------------------------------------------- columns */

void sqlkit__columns_unref(sqlkit__columns *cols)
{
	unsigned i;

	if (!cols || __atomic_sub_fetch(&cols->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < cols->n; i++)
		free(cols->names[i]);
	free(cols->names);
	free(cols->types);
	free(cols);
}

int sqlkit__stmt_columns(sqlkit_stmt *stmt)
{
	const sqlkit_plugin *p = stmt->conn->plugin;
	sqlkit__columns *c;
	unsigned i, n;

	n = p->column_count(stmt->pstmt);
	if (stmt->cols && stmt->cols->n == n)
		return 0;
	if (!(c = calloc(1, sizeof *c)) || !(c->names = calloc(n + 1, sizeof *c->names)) ||
	    !(c->types = calloc(n + 1, sizeof *c->types))) {
		if (c)
			free(c->names);
		free(c);
		return sqlkit__error_oom();
	}
	c->refs = 1;
	c->n = n;
	for (i = 0; i < n; i++) {
		const char *name = p->column_name ? p->column_name(stmt->pstmt, i) : NULL;
		char fallback[24];
		if (!name) {
			snprintf(fallback, sizeof fallback, "column%u", i + 1);
			name = fallback;
		}
		c->types[i] = p->column_type ? p->column_type(stmt->pstmt, i) : SQLKIT_TYPE_NULL;
		if (!(c->names[i] = sqlkit__strdup(name))) {
			sqlkit__columns_unref(c);
			return sqlkit__error_oom();
		}
	}
	sqlkit__columns_unref(stmt->cols);
	stmt->cols = c;
	return 0;
}

/* ---------------------------------------------------------------- results */

int sqlkit__result_new(sqlkit_result **out, sqlkit_stmt *stmt, int owns, int has_row)
{
	const sqlkit_plugin *p = stmt->conn->plugin;
	sqlkit_result *r;
	int rc;

	if ((rc = sqlkit__stmt_columns(stmt)) < 0)
		return rc;
	if (stmt->spare && stmt->spare->values_cap >= stmt->cols->n + 1) {
		/* Reuse the last result's memory: no allocation per execution. */
		sqlkit_value *values;
		unsigned cap;
		r = stmt->spare;
		stmt->spare = NULL;
		values = r->row.values;
		cap = r->values_cap;
		free(r->coerce);
		free(r->coerce_text);
		memset(r, 0, sizeof *r);
		r->row.values = values;
		r->values_cap = cap;
	} else {
		if (!(r = calloc(1, sizeof *r)) ||
		    !(r->row.values = calloc(stmt->cols->n + 1, sizeof *r->row.values))) {
			free(r);
			return sqlkit__error_oom();
		}
		r->values_cap = stmt->cols->n + 1;
	}
	r->stmt = stmt;
	r->row_values = SQLKIT_PLUGIN_HAS(p, row_values) ? p->row_values : NULL;
	r->owns_stmt = owns;
	r->pending = has_row;
	r->row.cols = stmt->cols;
	r->rowcount = p->rows_affected ? p->rows_affected(stmt->pstmt) : -1;
	stmt->busy = 1;
	if (!has_row) {
		/* Nothing to read: give the statement back at once. */
		r->started = r->done = 1;
		p->reset(stmt->pstmt);
	}
	*out = r;
	return 0;
}

unsigned sqlkit_result_column_count(const sqlkit_result *res)
{
	return res ? res->stmt->cols->n : 0;
}

const char *sqlkit_result_column_name(const sqlkit_result *res, unsigned i)
{
	return (res && i < res->stmt->cols->n) ? res->stmt->cols->names[i] : NULL;
}

sqlkit_type sqlkit_result_column_type(const sqlkit_result *res, unsigned i)
{
	return (res && i < res->stmt->cols->n) ? res->stmt->cols->types[i] : SQLKIT_TYPE_NULL;
}

int sqlkit_result_column_index(const sqlkit_result *res, const char *name)
{
	unsigned i;

	for (i = 0; res && name && i < res->stmt->cols->n; i++)
		if (strcmp(res->stmt->cols->names[i], name) == 0)
			return (int)i;
	return sqlkit__error(SQLKIT_ENOTFOUND, "no column \"%s\" in the result", name ? name : "(null)");
}

int64_t sqlkit_result_rowcount(const sqlkit_result *res)
{
	return res ? res->rowcount : -1;
}

static void finish(sqlkit_result *r)
{
	if (!r->done) {
		r->done = 1;
		if (r->stmt->conn && r->stmt->pstmt && !r->stmt->conn->dead)
			r->stmt->conn->plugin->reset(r->stmt->pstmt);
	}
}

static void coerce(sqlkit_value *v, sqlkit_type want, char *buf);

/* A driver failure while reading rows. The core does not clear the thread's
 * last error before every step (that was per-row work): a plugin reports its
 * failure with host->error() before returning it, so the last error is this
 * failure's. One that returns a code without reporting it would leave an older
 * error in its place, with that error's connection_dead: replace it. */
static int row_failed(sqlkit_conn *conn, int rc)
{
	if (sqlkit_error_last()->code != rc)
		sqlkit__error_set(rc, SQLKIT_ERRCLASS_INTERNAL, NULL, 0, 0,
		                  "plugin \"%s\" failed reading a row (code %d) without reporting why",
		                  conn->plugin->name, rc);
	return sqlkit__conn_failed(conn, rc);
}

#if defined(__GNUC__)
#define ROW_INLINE inline __attribute__((always_inline))
#else
#define ROW_INLINE inline
#endif

/* The current row's values into r->row: one plugin call for the row when the
 * plugin has row_values, else one per column. */
static ROW_INLINE int read_row(sqlkit_result *r, sqlkit_stmt *s)
{
	sqlkit_pstmt *ps = s->pstmt;
	sqlkit_value *v = r->row.values;
	unsigned i, n = s->cols->n;
	int rc;

	if (r->row_values) {
		if ((rc = r->row_values(ps, v, n)) < 0)
			return row_failed(s->conn, rc);
	} else {
		int (*column_value)(sqlkit_pstmt *, unsigned, sqlkit_value *) =
			s->conn->plugin->column_value;
		for (i = 0; i < n; i++)
			if ((rc = column_value(ps, i, &v[i])) < 0)
				return row_failed(s->conn, rc);
	}
	if (r->coerce)
		for (i = 0; i < n; i++)
			if (r->coerce[i] != SQLKIT_TYPE_NULL && v[i].type != r->coerce[i] &&
			    v[i].type != SQLKIT_TYPE_NULL)
				coerce(&v[i], r->coerce[i], r->coerce_text + 32 * i);
	return 0;
}

/* Advance r (not done) to its next row and read it into r->row: 1 with a row,
 * 0 at the end (the statement is given back), < 0 on failure. The one row
 * loop behind fetchone, fetchmany and fetchall. */
static ROW_INLINE int next_row(sqlkit_result *r)
{
	sqlkit_stmt *s = r->stmt;
	int rc;

	if (!s->conn || !s->pstmt)
		return sqlkit__error(SQLKIT_ESTATE, "the result's connection was closed");
	if (!r->started) {
		r->started = 1;
		r->pending = 0;
	} else if ((rc = s->conn->plugin->step(s->pstmt)) <= 0) {
		if (rc < 0)
			row_failed(s->conn, rc);
		finish(r);
		return rc;
	}
	if ((rc = read_row(r, s)) < 0)
		return rc;
	return 1;
}

int sqlkit_result_fetchone(const sqlkit_row **row, sqlkit_result *r)
{
	int rc;

	if (!row)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_result_fetchone: row is NULL");
	*row = NULL;
	if (!r)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_result_fetchone: result is NULL");
	if (r->done || (rc = next_row(r)) == 0)
		return 0;
	if (rc < 0)
		return rc;
	*row = &r->row;
	return 0;
}

/* An integral decimal text ("-12", "340.000") as an int64: 0, or -1 when it has
 * a fraction or does not fit. */
static int decimal_to_int(const char *p, size_t n, int64_t *out)
{
	uint64_t v = 0, limit;
	size_t i = 0;
	int neg = 0;

	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (i == n || p[i] < '0' || p[i] > '9')
		return -1;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		unsigned d = (unsigned)(p[i] - '0');
		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] == '0'; i++)
			;
	if (i != n)
		return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* What the statement says a column is, where the driver could not know it
 * (SQLite: expressions, sums, casts). A value that does not convert is left as
 * the driver gave it. */
static void coerce(sqlkit_value *v, sqlkit_type want, char *buf)
{
	sqlkit_value t;
	int n;

	switch (want) {
	case SQLKIT_TYPE_INT:
		/* MySQL: SUM() of integers is DECIMAL; an integral one that fits is the int */
		if (v->type == SQLKIT_TYPE_DECIMAL && decimal_to_int(v->u.s.ptr, v->u.s.len, &t.u.i) == 0) {
			v->type = SQLKIT_TYPE_INT;
			v->u.i = t.u.i;
		}
		break;
	case SQLKIT_TYPE_BOOL:
		if (v->type == SQLKIT_TYPE_INT) {
			int b = v->u.i != 0;
			v->type = SQLKIT_TYPE_BOOL;
			v->u.b = b;
		}
		break;
	case SQLKIT_TYPE_FLOAT:
		if (v->type == SQLKIT_TYPE_INT) {
			double f = (double)v->u.i;
			v->type = SQLKIT_TYPE_FLOAT;
			v->u.f = f;
		}
		break;
	case SQLKIT_TYPE_DECIMAL:
		if (v->type == SQLKIT_TYPE_INT)
			n = snprintf(buf, 32, "%lld", (long long)v->u.i);
		else if (v->type == SQLKIT_TYPE_FLOAT && isfinite(v->u.f))
			n = snprintf(buf, 32, "%.15g", v->u.f);
		else if (v->type == SQLKIT_TYPE_TEXT && sqlkit__decimal_valid(v->u.s.ptr, v->u.s.len)) {
			v->type = SQLKIT_TYPE_DECIMAL;
			break;
		} else
			break;
		v->type = SQLKIT_TYPE_DECIMAL;
		v->u.s.ptr = buf;
		v->u.s.len = (size_t)n;
		break;
	case SQLKIT_TYPE_DATE: case SQLKIT_TYPE_TIME: case SQLKIT_TYPE_DATETIME:
		if (v->type == SQLKIT_TYPE_TEXT && sqlkit_datetime_parse(&t, v->u.s.ptr, v->u.s.len) == 0)
			*v = t;
		break;
	case SQLKIT_TYPE_UUID:
		if ((v->type == SQLKIT_TYPE_TEXT && sqlkit_uuid_parse(t.u.uuid, v->u.s.ptr, v->u.s.len) == 0) ||
		    (v->type == SQLKIT_TYPE_BLOB && v->u.s.len == 16 && (memcpy(t.u.uuid, v->u.s.ptr, 16), 1))) {
			t.type = SQLKIT_TYPE_UUID;
			*v = t;
		}
		break;
	case SQLKIT_TYPE_JSON:
		if (v->type == SQLKIT_TYPE_TEXT)
			v->type = SQLKIT_TYPE_JSON;
		break;
	default:
		break;
	}
}

int sqlkit__result_coerce(sqlkit_result *r, const sqlkit_type *types, unsigned n)
{
	unsigned i, any = 0;

	if (!r || !types || n != r->stmt->cols->n)
		return 0;
	for (i = 0; i < n; i++)
		any |= types[i] != SQLKIT_TYPE_NULL;
	if (!any)
		return 0;
	if (!(r->coerce = malloc(n * sizeof *r->coerce)) || !(r->coerce_text = malloc((size_t)n * 32))) {
		free(r->coerce);
		r->coerce = NULL;
		return sqlkit__error_oom();
	}
	memcpy(r->coerce, types, n * sizeof *types);
	r->ncoerce = n;
	return 0;
}

/* ---------------------------------------------------------------- rowsets */

static int is_bytes(sqlkit_type t)
{
	return t == SQLKIT_TYPE_TEXT || t == SQLKIT_TYPE_BLOB || t == SQLKIT_TYPE_DECIMAL ||
	       t == SQLKIT_TYPE_JSON;
}

/* Copy a row: one block holding the values and then their bytes. */
static int row_copy(sqlkit_row *dst, const sqlkit_row *src, const sqlkit__columns *cols)
{
	size_t size = cols->n * sizeof(sqlkit_value), off;
	unsigned i;
	char *block;

	for (i = 0; i < cols->n; i++)
		if (is_bytes(src->values[i].type))
			size += src->values[i].u.s.len + 1;
	if (!(block = malloc(size ? size : 1)))
		return sqlkit__error_oom();
	dst->cols = cols;
	dst->values = (sqlkit_value *)(void *)block;
	off = cols->n * sizeof(sqlkit_value);
	for (i = 0; i < cols->n; i++) {
		dst->values[i] = src->values[i];
		if (is_bytes(src->values[i].type)) {
			size_t len = src->values[i].u.s.len;
			if (len)
				memcpy(block + off, src->values[i].u.s.ptr, len);
			block[off + len] = '\0';
			dst->values[i].u.s.ptr = block + off;
			off += len + 1;
		}
	}
	return 0;
}

static int fetch_into(sqlkit_rowset **out, sqlkit_result *r, size_t limit)
{
	sqlkit_rowset *rs;
	int rc = 0;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "fetch: out is NULL");
	*out = NULL;
	if (!r)
		return sqlkit__error(SQLKIT_EINVAL, "fetch: result is NULL");
	if (!(rs = calloc(1, sizeof *rs)))
		return sqlkit__error_oom();
	rs->cols = r->stmt->cols;
	__atomic_add_fetch(&rs->cols->refs, 1, __ATOMIC_RELAXED);
	while (rs->n < limit && !r->done) {
		if ((rc = next_row(r)) <= 0)
			break;
		if (rs->n == rs->cap) {
			size_t cap = rs->cap ? rs->cap * 2 : 16;
			sqlkit_row *p = realloc(rs->rows, cap * sizeof *p);
			if (!p) {
				rc = sqlkit__error_oom();
				break;
			}
			rs->rows = p;
			rs->cap = cap;
		}
		if ((rc = row_copy(&rs->rows[rs->n], &r->row, rs->cols)) < 0)
			break;
		rs->n++;
	}
	if (rc < 0) {
		sqlkit_rowset_free(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

int sqlkit_result_fetchmany(sqlkit_rowset **out, sqlkit_result *res, size_t n)
{
	return fetch_into(out, res, n);
}

int sqlkit_result_fetchall(sqlkit_rowset **out, sqlkit_result *res)
{
	return fetch_into(out, res, (size_t)-1);
}

void sqlkit_result_free(sqlkit_result *r)
{
	sqlkit_conn *release;

	if (!r)
		return;
	finish(r);
	r->stmt->busy = 0;
	if (r->owns_stmt)
		sqlkit__stmt_destroy(r->stmt);
	release = r->release_conn;
	if (!r->owns_stmt && !r->stmt->spare) {
		r->stmt->spare = r;
	} else {
		free(r->row.values);
		free(r->coerce);
		free(r->coerce_text);
		free(r);
	}
	sqlkit_conn_close(release);
}

size_t sqlkit_rowset_count(const sqlkit_rowset *rs)
{
	return rs ? rs->n : 0;
}

const sqlkit_row *sqlkit_rowset_row(const sqlkit_rowset *rs, size_t i)
{
	return (rs && i < rs->n) ? &rs->rows[i] : NULL;
}

void sqlkit_rowset_free(sqlkit_rowset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		free(rs->rows[i].values);
	free(rs->rows);
	sqlkit__columns_unref(rs->cols);
	free(rs);
}

/* ---------------------------------------------------------------- rows */

unsigned sqlkit_row_count(const sqlkit_row *row)
{
	return row ? row->cols->n : 0;
}

const sqlkit_value *sqlkit_row_value(const sqlkit_row *row, unsigned i)
{
	return (row && i < row->cols->n) ? &row->values[i] : NULL;
}

const char *sqlkit_row_column_name(const sqlkit_row *row, unsigned i)
{
	return (row && i < row->cols->n) ? row->cols->names[i] : NULL;
}

const sqlkit_value *sqlkit_row_value_by_name(const sqlkit_row *row, const char *name)
{
	unsigned i;

	for (i = 0; row && name && i < row->cols->n; i++)
		if (strcmp(row->cols->names[i], name) == 0)
			return &row->values[i];
	return NULL;
}

int64_t sqlkit_row_int(const sqlkit_row *row, unsigned i)
{
	const sqlkit_value *v = sqlkit_row_value(row, i);
	if (!v)
		return 0;
	if (v->type == SQLKIT_TYPE_INT)
		return v->u.i;
	if (v->type == SQLKIT_TYPE_BOOL)
		return v->u.b;
	if (v->type == SQLKIT_TYPE_DECIMAL) {     /* MySQL's SUM() of integers */
		int64_t n;
		if (decimal_to_int(v->u.s.ptr, v->u.s.len, &n) == 0)
			return n;
	}
	return 0;
}

double sqlkit_row_float(const sqlkit_row *row, unsigned i)
{
	const sqlkit_value *v = sqlkit_row_value(row, i);
	if (!v)
		return 0.0;
	if (v->type == SQLKIT_TYPE_FLOAT)
		return v->u.f;
	if (v->type == SQLKIT_TYPE_INT)
		return (double)v->u.i;
	return 0.0;
}

const char *sqlkit_row_text(const sqlkit_row *row, unsigned i)
{
	const sqlkit_value *v = sqlkit_row_value(row, i);
	if (v && (v->type == SQLKIT_TYPE_TEXT || v->type == SQLKIT_TYPE_DECIMAL ||
	          v->type == SQLKIT_TYPE_JSON))
		return v->u.s.ptr;
	return NULL;
}

int sqlkit_row_is_null(const sqlkit_row *row, unsigned i)
{
	const sqlkit_value *v = sqlkit_row_value(row, i);
	return !v || v->type == SQLKIT_TYPE_NULL;
}
