/*
 * A plugin as built against plugin ABI 1.0: its description ends before the
 * ABI 1.1 row_values operation (struct_size stops at has_table). The field
 * itself is filled with an operation that aborts, so a core that read a field
 * struct_size does not cover would crash the test instead of passing it.
 *
 *   abi10://h/db   every statement answers its SQL text and the row number
 *                  (columns "sql" and "n") for rows 1..3; SQL starting with
 *                  "STEPFAIL" fails on the step to row 2 with an IntegrityError
 *                  (connection alive), "STEPDIE" with a dead connection.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sqlkit/plugin.h"

static const sqlkit_host *host;

struct sqlkit_pconn { int unused; };
struct sqlkit_pstmt { char *sql; size_t len; int row; };

static int a_connect(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver)
{
	(void)url; (void)driver;
	if (!(*out = host->calloc(1, sizeof **out)))
		return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0, "out of memory");
	return 0;
}

static void a_close(sqlkit_pconn *c) { host->free(c); }
static int a_tx(sqlkit_pconn *c) { (void)c; return 0; }

static int a_prepare(sqlkit_pstmt **out, sqlkit_pconn *c, const char *sql, size_t len,
                     unsigned nparams)
{
	sqlkit_pstmt *s;

	(void)c; (void)nparams;
	if (!(s = host->calloc(1, sizeof *s)) || !(s->sql = host->malloc(len + 1))) {
		host->free(s);
		return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0, "out of memory");
	}
	memcpy(s->sql, sql, len);
	s->sql[len] = '\0';
	s->len = len;
	*out = s;
	return 0;
}

static int a_execute(sqlkit_pstmt *s, const sqlkit_value *params, unsigned n, int *has_row)
{
	(void)params; (void)n;
	s->row = 1;
	*has_row = 1;
	return 0;
}

static int a_step(sqlkit_pstmt *s)
{
	if (s->row == 1 && strncmp(s->sql, "STEPFAIL", 8) == 0) {
		s->row = 0;
		return host->error(SQLKIT_ECONSTRAINT, SQLKIT_ERRCLASS_INTEGRITY, "23000", 0, 0,
		                   "row 2 broke a constraint");
	}
	if (s->row == 1 && strncmp(s->sql, "STEPDIE", 7) == 0) {
		s->row = 0;
		return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08006", 0, 1,
		                   "server went away after row 1");
	}
	if (s->row == 0 || s->row >= 3) {
		s->row = 0;
		return 0;
	}
	s->row++;
	return 1;
}

static unsigned a_column_count(sqlkit_pstmt *s) { (void)s; return 2; }

static const char *a_column_name(sqlkit_pstmt *s, unsigned i)
{
	(void)s;
	return i == 0 ? "sql" : i == 1 ? "n" : NULL;
}

static sqlkit_type a_column_type(sqlkit_pstmt *s, unsigned i)
{
	(void)s;
	return i == 0 ? SQLKIT_TYPE_TEXT : i == 1 ? SQLKIT_TYPE_INT : SQLKIT_TYPE_NULL;
}

static int a_column_value(sqlkit_pstmt *s, unsigned i, sqlkit_value *out)
{
	memset(out, 0, sizeof *out);
	if (!s->row)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
	if (i == 0) {
		out->type = SQLKIT_TYPE_TEXT;
		out->u.s.ptr = s->sql;
		out->u.s.len = s->len;
	} else if (i == 1) {
		out->type = SQLKIT_TYPE_INT;
		out->u.i = s->row;
	} else {
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no column %u", i);
	}
	return 0;
}

static int64_t a_rows_affected(sqlkit_pstmt *s) { (void)s; return -1; }
static void a_reset(sqlkit_pstmt *s) { s->row = 0; }

static void a_finalize(sqlkit_pstmt *s)
{
	host->free(s->sql);
	host->free(s);
}

/* Past the end of an ABI 1.0 description: never to be called. */
static int a_row_values(sqlkit_pstmt *s, sqlkit_value *out, unsigned n)
{
	(void)s; (void)out; (void)n;
	abort();
}

static const char *const schemes[] = { "abi10", NULL };
static const char *const drivers[] = { "old", NULL };

static const sqlkit_plugin desc = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = 0,
	/* what sizeof(sqlkit_plugin) was in ABI 1.0 */
	.struct_size = offsetof(sqlkit_plugin, has_table) + sizeof(int (*)(sqlkit_pconn *, const char *)),
	.name = "abi10",
	.version = "1.0.0",
	.schemes = schemes,
	.drivers = drivers,
	.paramstyle = SQLKIT_PARAMSTYLE_QMARK,
	.description = "a plugin built against plugin ABI 1.0 (tests)",
	.connect = a_connect,
	.close = a_close,
	.begin = a_tx,
	.commit = a_tx,
	.rollback = a_tx,
	.prepare = a_prepare,
	.execute = a_execute,
	.step = a_step,
	.column_count = a_column_count,
	.column_name = a_column_name,
	.column_type = a_column_type,
	.column_value = a_column_value,
	.rows_affected = a_rows_affected,
	.reset = a_reset,
	.finalize = a_finalize,
	.row_values = a_row_values,
};

SQLKIT_PLUGIN_EXPORT int abi10_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                                      const sqlkit_host *h,
                                                      const sqlkit_plugin **out);
int abi10_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor, const sqlkit_host *h,
                                 const sqlkit_plugin **out)
{
	(void)abi_minor;
	if (abi_major != SQLKIT_PLUGIN_ABI_MAJOR)
		return SQLKIT_EABI;
	host = h;
	*out = &desc;
	return 0;
}
