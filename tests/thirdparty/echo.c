/*
 * echo - a small third-party sqlkit plugin, built only against the installed
 * <sqlkit/plugin.h>. It is the plugin authors' example and a test double:
 *
 *   echo://anything/db
 *
 * Every statement answers one row: the SQL text exactly as the driver received it
 * (column "sql"), then each bound parameter (columns "p1", "p2"...), so a test
 * can see what the core sends a driver. A statement whose SQL starts with
 * "FAIL" fails with an IntegrityError; "DIE" reports the connection dead.
 * URL options: "?fail=1" refuses to connect; "?ping=dead" makes every ping say
 * the connection died (what a server restart looks like to an idle connection).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlkit/plugin.h>

static const sqlkit_host *host;

struct sqlkit_pconn {
	int in_tx;
	int64_t last_id;
	int ping_dead;
};

struct sqlkit_pstmt {
	struct sqlkit_pconn *conn;
	char *sql;
	unsigned nparams;
	sqlkit_value *vals;      /* copies of the bound values */
	char **bytes;            /* their text, owned */
	char names[16][8];
	int row;                 /* 1 while the row is current */
};

static int echo_connect(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver)
{
	size_t i;

	int ping_dead = 0;

	(void)driver;
	for (i = 0; i < url->nquery; i++) {
		if (strcmp(url->query_keys[i], "fail") == 0)
			return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08001", 0, 1,
			                   "echo server \"%s\" refused the connection",
			                   url->host ? url->host : "");
		else if (strcmp(url->query_keys[i], "ping") == 0 &&
		         strcmp(url->query_values[i], "dead") == 0)
			ping_dead = 1;
		else
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "unknown echo option \"%s\" (known: fail, ping=dead)",
			                   url->query_keys[i]);
	}
	if (!(*out = host->calloc(1, sizeof **out)))
		return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0, "out of memory");
	(*out)->ping_dead = ping_dead;
	return 0;
}

static void echo_close(sqlkit_pconn *c)
{
	host->free(c);
}

static int echo_ping(sqlkit_pconn *c)
{
	if (c->ping_dead)
		return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08006", 2006, 1,
		                   "echo server has gone away");
	return 0;
}

static int echo_begin(sqlkit_pconn *c) { c->in_tx = 1; return 0; }
static int echo_commit(sqlkit_pconn *c) { c->in_tx = 0; return 0; }
static int echo_rollback(sqlkit_pconn *c) { c->in_tx = 0; return 0; }
static int echo_last_id(sqlkit_pconn *c, int64_t *out) { *out = c->last_id; return 0; }

static void clear(sqlkit_pstmt *s)
{
	unsigned i;
	for (i = 0; s->bytes && i < s->nparams; i++) {
		host->free(s->bytes[i]);
		s->bytes[i] = NULL;
	}
	s->row = 0;
}

static int echo_prepare(sqlkit_pstmt **out, sqlkit_pconn *c, const char *sql, size_t len,
                        unsigned nparams)
{
	sqlkit_pstmt *s;
	unsigned i;

	if (nparams > 16)
		return host->error(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                   "echo takes at most 16 parameters, not %u", nparams);
	if (!(s = host->calloc(1, sizeof *s)) || !(s->sql = host->malloc(len + 1)) ||
	    !(s->vals = host->calloc(nparams + 1, sizeof *s->vals)) ||
	    !(s->bytes = host->calloc(nparams + 1, sizeof *s->bytes))) {
		if (s) {
			host->free(s->sql);
			host->free(s->vals);
		}
		host->free(s);
		return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0, "out of memory");
	}
	memcpy(s->sql, sql, len);
	s->sql[len] = '\0';
	s->conn = c;
	s->nparams = nparams;
	for (i = 0; i < nparams; i++)
		snprintf(s->names[i], sizeof s->names[i], "p%u", i + 1);
	*out = s;
	return 0;
}

static int echo_execute(sqlkit_pstmt *s, const sqlkit_value *params, unsigned n, int *has_row)
{
	unsigned i;

	clear(s);
	if (n != s->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07001", 0, 0,
		                   "%u parameters for %u markers", n, s->nparams);
	if (strncmp(s->sql, "FAIL", 4) == 0)
		return host->error(SQLKIT_ECONSTRAINT, SQLKIT_ERRCLASS_INTEGRITY, "23505", 1062, 0,
		                   "duplicate key (echo)");
	if (strncmp(s->sql, "DIE", 3) == 0)
		return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08006", 2013, 1,
		                   "lost connection to echo server");
	for (i = 0; i < n; i++) {
		s->vals[i] = params[i];
		if (params[i].type == SQLKIT_TYPE_TEXT || params[i].type == SQLKIT_TYPE_BLOB ||
		    params[i].type == SQLKIT_TYPE_DECIMAL || params[i].type == SQLKIT_TYPE_JSON) {
			if (!(s->bytes[i] = host->malloc(params[i].u.s.len + 1)))
				return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0,
				                   "out of memory");
			memcpy(s->bytes[i], params[i].u.s.ptr, params[i].u.s.len);
			s->bytes[i][params[i].u.s.len] = '\0';
			s->vals[i].u.s.ptr = s->bytes[i];
		}
	}
	s->conn->last_id++;
	s->row = 1;
	*has_row = 1;
	return 0;
}

static int echo_step(sqlkit_pstmt *s)
{
	s->row = 0;
	return 0;
}

static unsigned echo_column_count(sqlkit_pstmt *s) { return s->nparams + 1; }

static const char *echo_column_name(sqlkit_pstmt *s, unsigned i)
{
	return i == 0 ? "sql" : s->names[i - 1];
}

static sqlkit_type echo_column_type(sqlkit_pstmt *s, unsigned i)
{
	(void)s;
	return i == 0 ? SQLKIT_TYPE_TEXT : SQLKIT_TYPE_NULL;
}

static int echo_column_value(sqlkit_pstmt *s, unsigned i, sqlkit_value *out)
{
	if (!s->row || i > s->nparams)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
	if (i == 0) {
		out->type = SQLKIT_TYPE_TEXT;
		out->u.s.ptr = s->sql;
		out->u.s.len = strlen(s->sql);
	} else {
		*out = s->vals[i - 1];
	}
	return 0;
}

static int64_t echo_rows_affected(sqlkit_pstmt *s) { (void)s; return 1; }
static void echo_reset(sqlkit_pstmt *s) { clear(s); }

static void echo_finalize(sqlkit_pstmt *s)
{
	clear(s);
	host->free(s->bytes);
	host->free(s->vals);
	host->free(s->sql);
	host->free(s);
}

static const char *const schemes[] = { "echo", NULL };
static const char *const drivers[] = { "loopback", NULL };

static const sqlkit_plugin echo_plugin = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = SQLKIT_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(sqlkit_plugin),
	.name = "echo",
	.version = "1.0.0",
	.schemes = schemes,
	.drivers = drivers,
	.features = SQLKIT_FEATURE_LASTROWID,
	.paramstyle = SQLKIT_PARAMSTYLE_DOLLAR,
	.description = "echoes SQL and parameters back (third-party example)",
	.connect = echo_connect,
	.close = echo_close,
	.ping = echo_ping,
	.begin = echo_begin,
	.commit = echo_commit,
	.rollback = echo_rollback,
	.last_insert_id = echo_last_id,
	.prepare = echo_prepare,
	.execute = echo_execute,
	.step = echo_step,
	.column_count = echo_column_count,
	.column_name = echo_column_name,
	.column_type = echo_column_type,
	.column_value = echo_column_value,
	.rows_affected = echo_rows_affected,
	.reset = echo_reset,
	.finalize = echo_finalize,
};

SQLKIT_PLUGIN_EXPORT int echo_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                                     const sqlkit_host *h,
                                                     const sqlkit_plugin **out);
int echo_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor, const sqlkit_host *h,
                                const sqlkit_plugin **out)
{
	(void)abi_minor;
	if (abi_major != SQLKIT_PLUGIN_ABI_MAJOR || !h ||
	    h->struct_size < offsetof(sqlkit_host, uuid_format) + sizeof h->uuid_format)
		return SQLKIT_EABI;
	host = h;
	*out = &echo_plugin;
	return 0;
}
