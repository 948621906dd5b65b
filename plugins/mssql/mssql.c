/*
 * plugins/mssql/mssql.c - the Microsoft SQL Server plugin, on FreeTDS db-lib.
 *
 *   mssql://scott:tiger@db.example.com:1433/test
 *   mssql+freetds://scott:tiger@db/test?tds_version=7.3&timeout=30&login_timeout=5&appname=app
 *   sqlserver://...                                  alias (conf/sqlkit.conf)
 *
 * Every statement goes to the server as an RPC call to sp_executesql with
 * typed parameters (dbrpcinit / dbrpcparam): the SQL text, the declaration of
 * its parameters ("@P1 bigint, @P2 nvarchar(4000)", built from the values of
 * each execution) and the values, so a value never becomes SQL text. Text
 * travels as NVARCHAR (UTF-16 on the wire, UTF-8 here), NVARCHAR(max) beyond
 * 4000 bytes. Transactions are language batches. An INSERT without OUTPUT
 * asks for SCOPE_IDENTITY() in the same call, for last_insert_id.
 *
 * Rows are read as they arrive; when another statement needs the connection
 * the rest of a result is read into memory first. FreeTDS's global setup
 * (dbinit, the error and message handlers) happens once per process; the
 * handlers find the connection through dbgetuserdata(), or a thread-local
 * record while dbopen() has not returned. Everything else is per connection.
 * See README in this folder.
 *
 * Everything but the entry point is static.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sybfront.h>
#include <sybdb.h>

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

#define PLUGIN_VERSION "0.1.0"
#define MAX_PARAMS 2098            /* SQL Server takes 2100 parameters, two are sp_executesql's own */
#define MAX_SHORT_TEXT 4000        /* bytes sent as NVARCHAR(n); longer: NVARCHAR(max) */
#define MAX_SHORT_BLOB 8000        /* bytes sent as VARBINARY(n); longer: VARBINARY(max) */
#define MS_UNIQUE 36               /* UNIQUEIDENTIFIER (SYBUNIQUE, not in sybdb.h) */
#define IDENTITY_COLUMN "sqlkit_identity"
#define ROWCOUNT_COLUMN "sqlkit_rowcount"
#define DEFAULT_LOGIN_TIMEOUT 60

static const sqlkit_host *host;

/* ---------------------------------------------------------------- errors collected by the handlers */

/* What FreeTDS's handlers said during one call. */
typedef struct errsink {
	int have_server;           /* the first server message of severity > 10 */
	int server_no, server_sev, server_state;
	char server_msg[512];
	int have_lib;              /* the first db-lib error (not SYBESMSG) */
	int lib_no, os_err;
	char lib_msg[512];
} errsink;

struct sqlkit_pconn {
	DBPROCESS *db;
	errsink err;
	int dead;
	int64_t last_id;
	int has_last_id;
	sqlkit_pstmt *active;      /* the statement whose results are on the wire */
};

static __thread errsink *connecting;   /* the sink of a dbopen() in progress on this thread */
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static int setup_failed;
static int setup_done;
static pthread_mutex_t login_lock = PTHREAD_MUTEX_INITIALIZER;   /* dbsetlogintime() is global */

static errsink *sink_of(DBPROCESS *db)
{
	sqlkit_pconn *c = db ? (sqlkit_pconn *)dbgetuserdata(db) : NULL;

	return c ? &c->err : connecting;
}

static void copy_line(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = (unsigned char)*src < 0x20 ? ' ' : *src;
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int on_error(DBPROCESS *db, int severity, int dberr, int oserr, char *dberrstr, char *oserrstr)
{
	errsink *s = sink_of(db);

	(void)oserrstr;
	if (dberr == SYBESMSG)            /* "check messages from the server": we have them */
		return INT_CANCEL;
	if (s && !s->have_lib) {
		s->have_lib = 1;
		s->lib_no = dberr;
		s->os_err = oserr;
		copy_line(s->lib_msg, sizeof s->lib_msg, dberrstr ? dberrstr : "unknown FreeTDS error");
	}
	return INT_CANCEL;
}

static int on_message(DBPROCESS *db, DBINT msgno, int msgstate, int severity, char *msgtext,
                      char *srvname, char *procname, int line)
{
	errsink *s = sink_of(db);

	(void)srvname; (void)procname; (void)line;
	if (severity <= 10) {            /* PRINT, "changed database context"...: information */
		if (host)
			host->log(msgno == 5701 || msgno == 5703 ? SQLKIT_LOG_DEBUG : SQLKIT_LOG_INFO,
			          "mssql: %s", msgtext ? msgtext : "");
		return 0;
	}
	if (s && !s->have_server) {
		s->have_server = 1;
		s->server_no = (int)msgno;
		s->server_sev = severity;
		s->server_state = msgstate;
		copy_line(s->server_msg, sizeof s->server_msg, msgtext ? msgtext : "");
	}
	return 0;
}

static void setup(void)
{
	if (dbinit() == FAIL) {
		setup_failed = 1;
		return;
	}
	dberrhandle(on_error);
	dbmsghandle(on_message);
	setup_done = 1;
}

/* When the core unloads the plugin (sqlkit_shutdown()) or the process ends:
 * give back FreeTDS's process-wide state, which nothing else can reach. The
 * core has closed every connection by then. */
#if defined(__GNUC__)
__attribute__((destructor))
#endif
static void teardown(void)
{
	if (setup_done)
		dbexit();
}

static int oom(void)
{
	return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0, "out of memory");
}

/* A db-lib error that means the connection is gone. */
static int lib_error_is_fatal(int no)
{
	return no == SYBESEOF || no == SYBEREAD || no == SYBEWRIT || no == SYBECONN ||
	       no == SYBEFCON || no == SYBESOCK || no == SYBEDDNE || no == SYBETIME ||
	       no == SYBESYNC;
}

/* SQL Server error number -> sqlkit code, PEP 249 class and SQLSTATE (after
 * the SQLSTATEs Microsoft's ODBC driver reports for them). */
static void map_server_error(int no, int severity, int *code, sqlkit_error_class *klass,
                             const char **state)
{
	*code = SQLKIT_ERROR;
	*klass = SQLKIT_ERRCLASS_DATABASE;
	*state = "42000";
	switch (no) {
	case 2627: case 2601: case 547: case 515:
		*code = SQLKIT_ECONSTRAINT;
		*klass = SQLKIT_ERRCLASS_INTEGRITY;
		*state = "23000";
		return;
	case 208: case 3701:
		*code = SQLKIT_ESQL;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*state = "42S02";
		return;
	case 207:
		*code = SQLKIT_ESQL;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*state = "42S22";
		return;
	case 2714:
		*code = SQLKIT_ESQL;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*state = "42S01";
		return;
	case 102: case 105: case 156: case 170: case 137: case 1038: case 4145: case 4104:
	case 229: case 230: case 262:
		*code = SQLKIT_ESQL;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*state = "42000";
		return;
	case 201: case 8144: case 8145: case 8178:
		*code = SQLKIT_EPARAM;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
		*state = "07002";
		return;
	case 8134:
		*klass = SQLKIT_ERRCLASS_DATA;
		*state = "22012";
		return;
	case 8152: case 2628:
		*klass = SQLKIT_ERRCLASS_DATA;
		*state = "22001";
		return;
	case 220: case 232: case 8115: case 8116:
		*klass = SQLKIT_ERRCLASS_DATA;
		*state = "22003";
		return;
	case 241: case 242: case 295: case 9810:
		*klass = SQLKIT_ERRCLASS_DATA;
		*state = "22007";
		return;
	case 245: case 8114: case 8169:
		*klass = SQLKIT_ERRCLASS_DATA;
		*state = "22018";
		return;
	case 1205:
		*code = SQLKIT_EBUSY;
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		*state = "40001";
		return;
	case 1222:
		*code = SQLKIT_EBUSY;
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		*state = "HYT00";
		return;
	case 3902: case 3903: case 3908: case 628: case 3930:
		*klass = SQLKIT_ERRCLASS_INTERNAL;
		*state = "25000";
		return;
	case 18456: case 4060: case 18452:
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		*state = "28000";
		return;
	default:
		break;
	}
	if (severity >= 20) {
		*code = SQLKIT_EDISCONNECTED;
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		*state = "08S01";
	} else if (severity == 15) {
		*code = SQLKIT_ESQL;
		*klass = SQLKIT_ERRCLASS_PROGRAMMING;
	} else if (severity >= 17) {
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		*state = "HY000";
	}
}

/* A failure as it will be reported. */
typedef struct errinfo {
	int code, native, dead;
	sqlkit_error_class klass;
	const char *state;
	char msg[1200];
} errinfo;

/* Decide what the handlers collected in s means (and forget it): the server's
 * message when there is one, else FreeTDS's. A lost connection is
 * SQLKIT_EDISCONNECTED with connection_dead set. */
static void take_error(errinfo *e, sqlkit_pconn *c, errsink *s)
{
	e->native = 0;
	e->dead = (c && (c->dead || (c->db && dbdead(c->db)))) ||
	          (s->have_lib && lib_error_is_fatal(s->lib_no)) ||
	          (s->have_server && s->server_sev >= 20);
	if (s->have_server) {
		map_server_error(s->server_no, s->server_sev, &e->code, &e->klass, &e->state);
		e->native = s->server_no;
		snprintf(e->msg, sizeof e->msg, "%s", s->server_msg);
	} else if (s->have_lib) {
		e->code = SQLKIT_ERROR;
		e->klass = SQLKIT_ERRCLASS_OPERATIONAL;
		e->state = "HY000";
		if (s->lib_no == SYBETIME) {
			e->code = SQLKIT_ETIMEOUT;
			e->state = "HYT00";
		} else if (s->lib_no == SYBEICONVO || s->lib_no == SYBEICONVI || s->lib_no == SYBEICONVIU) {
			e->klass = SQLKIT_ERRCLASS_DATA;
			e->state = "22018";
		}
		if (s->os_err > 0)
			snprintf(e->msg, sizeof e->msg, "%s (%s)", s->lib_msg, strerror(s->os_err));
		else
			snprintf(e->msg, sizeof e->msg, "%s", s->lib_msg);
	} else {
		e->code = SQLKIT_ERROR;
		e->klass = SQLKIT_ERRCLASS_DATABASE;
		e->state = "HY000";
		snprintf(e->msg, sizeof e->msg, "the server refused the statement without saying why");
	}
	if (e->dead) {
		if (c)
			c->dead = 1;
		if (e->code != SQLKIT_ETIMEOUT)
			e->code = SQLKIT_EDISCONNECTED;
		e->klass = SQLKIT_ERRCLASS_OPERATIONAL;
		if (!s->have_server || s->server_sev < 20)
			e->state = e->code == SQLKIT_ETIMEOUT ? "HYT00" : "08S01";
	}
	memset(s, 0, sizeof *s);
}

static int raise_error(const errinfo *e, const char *context, const char *sql, size_t len)
{
	char snip[SQLKIT_SNIPPET_MAX + 4];

	return host->error(e->code, e->klass, e->state, e->native, e->dead, "%s%s%s%s%s%s",
	                   context ? context : "", context ? ": " : "", e->msg, sql ? " in \"" : "",
	                   sql ? sqlkit_snippet(snip, sql, len) : "", sql ? "\"" : "");
}

static int fail_with(sqlkit_pconn *c, errsink *s, const char *context, const char *sql, size_t len)
{
	errinfo e;

	take_error(&e, c, s);
	return raise_error(&e, context, sql, len);
}

/* An error of our own, reported like FreeTDS's. */
static void lib_error(errsink *s, int no, const char *msg)
{
	s->have_lib = 1;
	s->lib_no = no;
	snprintf(s->lib_msg, sizeof s->lib_msg, "%s", msg);
}

static int has_error(const sqlkit_pconn *c)
{
	return c->err.have_server || c->err.have_lib;
}

static int check_alive(sqlkit_pconn *c)
{
	if (!c->dead && !dbdead(c->db))
		return 0;
	c->dead = 1;
	return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08003", 0, 1,
	                   "the connection to the server was lost");
}

/* ---------------------------------------------------------------- dates */

/* days since 1900-01-01 <-> y-m-d, proleptic Gregorian (H. Hinnant's algorithms) */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + 25567;   /* 1970 -> 1900 */
}

static void civil_from_days(long days, int *y, int *m, int *d)
{
	long z = days - 25567 + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---------------------------------------------------------------- rows */

/* One row read from the wire, values and their bytes in one block. */
typedef struct mrow {
	struct mrow *next;
	sqlkit_value v[];          /* then the bytes */
} mrow;

typedef struct column {
	const char *name;
	int dbtype;                /* dbcoltype() */
	sqlkit_type type;
} column;

/* The columns of one result shape. A statement keeps every shape it had until
 * finalize, because the core may hold names borrowed from an older one. */
typedef struct layout {
	struct layout *older;
	unsigned ncols;
	column col[];              /* then the names' bytes */
} layout;

enum { ST_IDLE, ST_ROW, ST_DONE };

struct sqlkit_pstmt {
	sqlkit_pconn *conn;
	char *sql;                 /* as given, NUL-terminated */
	size_t len;
	unsigned nparams;
	int is_insert;             /* INSERT without OUTPUT: ask for SCOPE_IDENTITY() */
	int is_dml;
	int count_final;           /* rows_affected came with the INSERT's identity */
	char **prev_decl;          /* each parameter's last declared type (for NULLs) */

	layout *layout;            /* NULL until a result with columns came */
	column *cols;              /* layout->col */
	unsigned ncols;
	int state;                 /* ST_* */
	int got_rows;              /* the result with rows was found */
	int on_wire;               /* that result's rows are still on the wire */
	mrow *cur;                 /* the current row */
	mrow *queue, *queue_tail;  /* rows read ahead */
	int deferred;              /* an error came after the rows read ahead: */
	errinfo def;               /* reported when the steps reach it */
	errinfo row_err;           /* why the last row could not be read */
	int64_t rows_affected;
};

static sqlkit_type map_dbtype(int t)
{
	switch (t) {
	case SYBINT1: case SYBINT2: case SYBINT4: case SYBINT8: case SYBINTN:
		return SQLKIT_TYPE_INT;
	case SYBBIT: case SYBBITN:
		return SQLKIT_TYPE_BOOL;
	case SYBREAL: case SYBFLT8: case SYBFLTN:
		return SQLKIT_TYPE_FLOAT;
	case SYBDECIMAL: case SYBNUMERIC: case SYBMONEY: case SYBMONEY4: case SYBMONEYN:
		return SQLKIT_TYPE_DECIMAL;
	case SYBBINARY: case SYBVARBINARY: case SYBIMAGE:
		return SQLKIT_TYPE_BLOB;
	case SYBDATETIME: case SYBDATETIME4: case SYBDATETIMN: case SYBMSDATETIME2:
	case SYBMSDATETIMEOFFSET:
		return SQLKIT_TYPE_DATETIME;
	case SYBMSDATE:
		return SQLKIT_TYPE_DATE;
	case SYBMSTIME:
		return SQLKIT_TYPE_TIME;
	case MS_UNIQUE:
		return SQLKIT_TYPE_UUID;
	default:   /* char, varchar, nvarchar, text, ntext, xml, sql_variant...: text */
		return SQLKIT_TYPE_TEXT;
	}
}

static void free_rows(mrow *r)
{
	while (r) {
		mrow *next = r->next;
		host->free(r);
		r = next;
	}
}

static int load_columns(sqlkit_pstmt *st)
{
	DBPROCESS *db = st->conn->db;
	unsigned i, n = (unsigned)dbnumcols(db);
	size_t size = sizeof(layout) + n * sizeof(column);
	layout *l = st->layout;
	char *p;

	if (l && l->ncols == n) {
		for (i = 0; i < n; i++) {
			const char *name = dbcolname(db, (int)i + 1);
			if (l->col[i].dbtype != dbcoltype(db, (int)i + 1) ||
			    strcmp(l->col[i].name, name ? name : "") != 0)
				break;
		}
		if (i == n)
			return 0;
	}
	for (i = 0; i < n; i++) {
		const char *name = dbcolname(db, (int)i + 1);
		size += (name ? strlen(name) : 0) + 1;
	}
	if (!(l = host->malloc(size)))
		return oom();
	l->older = st->layout;
	l->ncols = n;
	p = (char *)&l->col[n];
	for (i = 0; i < n; i++) {
		const char *name = dbcolname(db, (int)i + 1);
		size_t len = name ? strlen(name) : 0;
		memcpy(p, name ? name : "", len + 1);
		l->col[i].name = p;
		l->col[i].dbtype = dbcoltype(db, (int)i + 1);
		l->col[i].type = map_dbtype(l->col[i].dbtype);
		p += len + 1;
	}
	st->layout = l;
	st->cols = l->col;
	st->ncols = n;
	return 0;
}

/* A DECIMAL's text from db-lib's exact conversion. */
static int numeric_text(DBPROCESS *db, int type, const BYTE *data, int len, char *out, size_t size)
{
	int64_t v;
	int n;

	if (type == SYBMONEY || type == SYBMONEYN || type == SYBMONEY4) {
		if (len == 8) {
			const DBMONEY *m = (const DBMONEY *)(const void *)data;
			v = (int64_t)(((uint64_t)(uint32_t)m->mnyhigh << 32) | m->mnylow);
		} else {
			v = ((const DBMONEY4 *)(const void *)data)->mny4;
		}
		return snprintf(out, size, "%s%" PRIu64 ".%04" PRIu64, v < 0 ? "-" : "",
		                (v < 0 ? 0 - (uint64_t)v : (uint64_t)v) / 10000,
		                (v < 0 ? 0 - (uint64_t)v : (uint64_t)v) % 10000);
	}
	n = dbconvert(db, type, data, len, SYBCHAR, (BYTE *)out, (DBINT)size - 1);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return n;
}

/* The bytes a value of column i needs in a row block. */
static size_t value_bytes(int type, int len)
{
	switch (map_dbtype(type)) {
	case SQLKIT_TYPE_TEXT:
		return (size_t)len * 4 + 64 + 1;   /* room for a conversion of odd types */
	case SQLKIT_TYPE_BLOB:
		return (size_t)len + 1;
	case SQLKIT_TYPE_DECIMAL:
		return 96;
	default:
		return 0;
	}
}

static void set_datetime(sqlkit_value *v, sqlkit_type type, long days, uint64_t units,
                         uint64_t per_second)
{
	uint64_t secs = units / per_second, frac = units % per_second;

	v->type = type;
	if (type != SQLKIT_TYPE_TIME)
		civil_from_days(days, &v->u.dt.year, &v->u.dt.month, &v->u.dt.day);
	if (type != SQLKIT_TYPE_DATE) {
		v->u.dt.hour = (int)(secs / 3600);
		v->u.dt.minute = (int)(secs / 60 % 60);
		v->u.dt.second = (int)(secs % 60);
		v->u.dt.microsecond = (int)(frac * 1000000 / per_second);
	}
}

/* Why a row could not be read, kept for an error reported later (a row read
 * ahead for another statement). */
static void row_error(sqlkit_pstmt *st, int code, sqlkit_error_class klass, const char *state,
                      const char *msg)
{
	memset(&st->row_err, 0, sizeof st->row_err);
	st->row_err.code = code;
	st->row_err.klass = klass;
	st->row_err.state = state;
	snprintf(st->row_err.msg, sizeof st->row_err.msg, "%s", msg);
}

/* The current row of the wire, copied into a block of its own. */
static int materialize(sqlkit_pstmt *st, mrow **out)
{
	DBPROCESS *db = st->conn->db;
	size_t size = sizeof(mrow) + st->ncols * sizeof(sqlkit_value), off;
	unsigned i;
	mrow *r;
	char *bytes;

	*out = NULL;
	for (i = 0; i < st->ncols; i++)
		size += value_bytes(st->cols[i].dbtype, dbdatlen(db, (int)i + 1));
	if (!(r = host->calloc(1, size))) {
		row_error(st, SQLKIT_ENOMEM, SQLKIT_ERRCLASS_OPERATIONAL, "HY001", "out of memory");
		return oom();
	}
	bytes = (char *)&r->v[st->ncols];
	off = 0;
	for (i = 0; i < st->ncols; i++) {
		sqlkit_value *v = &r->v[i];
		int t = st->cols[i].dbtype, len = dbdatlen(db, (int)i + 1);
		const BYTE *d = dbdata(db, (int)i + 1);
		char *p = bytes + off;

		v->type = SQLKIT_TYPE_NULL;
		off += value_bytes(t, len);
		if (!d)
			continue;
		switch (t) {
		case SYBINT1: v->type = SQLKIT_TYPE_INT; v->u.i = *(const DBTINYINT *)d; break;
		case SYBINT2: v->type = SQLKIT_TYPE_INT; v->u.i = *(const DBSMALLINT *)(const void *)d; break;
		case SYBINT4: v->type = SQLKIT_TYPE_INT; v->u.i = *(const DBINT *)(const void *)d; break;
		case SYBINT8: v->type = SQLKIT_TYPE_INT; v->u.i = *(const DBBIGINT *)(const void *)d; break;
		case SYBBIT: case SYBBITN: v->type = SQLKIT_TYPE_BOOL; v->u.b = *d != 0; break;
		case SYBREAL: v->type = SQLKIT_TYPE_FLOAT; v->u.f = *(const DBREAL *)(const void *)d; break;
		case SYBFLT8: v->type = SQLKIT_TYPE_FLOAT; v->u.f = *(const DBFLT8 *)(const void *)d; break;
		case SYBDECIMAL: case SYBNUMERIC: case SYBMONEY: case SYBMONEY4: case SYBMONEYN: {
			int n = numeric_text(db, t, d, len, p, 96);
			if (n < 0) {
				host->free(r);
				row_error(st, SQLKIT_ERROR, SQLKIT_ERRCLASS_DATA, "22018",
				          "could not read a decimal");
				return host->error(SQLKIT_ERROR, SQLKIT_ERRCLASS_DATA, "22018", 0, 0,
				                   "could not read the decimal in column \"%s\"",
				                   st->cols[i].name);
			}
			v->type = SQLKIT_TYPE_DECIMAL;
			v->u.s.ptr = p;
			v->u.s.len = (size_t)n;
			break;
		}
		case SYBBINARY: case SYBVARBINARY: case SYBIMAGE:
			memcpy(p, d, (size_t)len);
			v->type = SQLKIT_TYPE_BLOB;
			v->u.s.ptr = p;
			v->u.s.len = (size_t)len;
			break;
		case SYBDATETIME: {
			const DBDATETIME *dt = (const DBDATETIME *)(const void *)d;
			/* 1/300 s ticks -> microseconds */
			set_datetime(v, SQLKIT_TYPE_DATETIME, dt->dtdays, (uint64_t)dt->dttime * 10000 / 3,
			             1000000);
			break;
		}
		case SYBDATETIME4: {
			const DBDATETIME4 *dt = (const DBDATETIME4 *)(const void *)d;
			set_datetime(v, SQLKIT_TYPE_DATETIME, dt->days, (uint64_t)dt->minutes * 60, 1);
			break;
		}
		case SYBMSDATE: case SYBMSTIME: case SYBMSDATETIME2: case SYBMSDATETIMEOFFSET: {
			const DBDATETIMEALL *a = (const DBDATETIMEALL *)(const void *)d;
			long days = a->date;
			int64_t units = (int64_t)a->time;
			if (t == SYBMSDATETIMEOFFSET) {   /* UTC on the wire: local time, offset kept */
				units += (int64_t)a->offset * 60 * 10000000;
				while (units < 0)
					units += INT64_C(864000000000), days--;
				while (units >= INT64_C(864000000000))
					units -= INT64_C(864000000000), days++;
			}
			set_datetime(v, map_dbtype(t), days, (uint64_t)units, 10000000);
			if (t == SYBMSDATETIMEOFFSET) {
				v->u.dt.has_offset = 1;
				v->u.dt.offset_minutes = a->offset;
			}
			break;
		}
		case MS_UNIQUE: {
			static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
			int k;
			if (len != 16)
				goto as_text;
			for (k = 0; k < 16; k++)
				v->u.uuid[k] = d[order[k]];
			v->type = SQLKIT_TYPE_UUID;
			break;
		}
		case SYBCHAR: case SYBVARCHAR: case SYBTEXT: case SYBNTEXT: case SYBNVARCHAR:
			memcpy(p, d, (size_t)len);
			p[len] = '\0';
			v->type = SQLKIT_TYPE_TEXT;
			v->u.s.ptr = p;
			v->u.s.len = (size_t)len;
			break;
		default:
		as_text: {
			/* dbconvert() pads an empty source with blanks: empty is empty */
			DBINT n = len > 0 ? dbconvert(db, t, d, len, SYBCHAR, (BYTE *)p, len * 4 + 64) : 0;
			if (n < 0)
				n = 0;
			p[n] = '\0';
			v->type = SQLKIT_TYPE_TEXT;
			v->u.s.ptr = p;
			v->u.s.len = (size_t)n;
			break;
		}
		}
	}
	*out = r;
	return 0;
}

/* ---------------------------------------------------------------- results */

/* Read results up to the one with rows (when want_rows and none was found
 * yet), or to the end. Counts, the identity of an INSERT and errors are
 * collected on the way. Returns 1 when rows are ready on the wire, 0 at the
 * end, < 0 on a lost connection (the error is recorded). */
static int advance(sqlkit_pstmt *st, int want_rows)
{
	sqlkit_pconn *c = st->conn;
	DBPROCESS *db = c->db;
	int r, fails = 0;

	for (;;) {
		r = dbresults(db);
		if (r == NO_MORE_RESULTS)
			break;
		if (r == FAIL) {
			if (dbdead(db) || ++fails > 64) {
				c->dead = c->dead || dbdead(db);
				break;
			}
			continue;
		}
		if (dbnumcols(db) > 0) {
			if (dbnumcols(db) <= 2 && st->is_insert && dbcolname(db, 1) &&
			    strcmp(dbcolname(db, 1), IDENTITY_COLUMN) == 0) {
				/* the appended SELECT: SCOPE_IDENTITY() and the INSERT's
				 * ROWCOUNT_BIG() (FreeTDS shows no count of a statement
				 * without rows inside the call) */
				int counted = dbnumcols(db) == 2 && dbcolname(db, 2) &&
				              strcmp(dbcolname(db, 2), ROWCOUNT_COLUMN) == 0;
				while ((r = dbnextrow(db)) != NO_MORE_ROWS && r != FAIL) {
					const BYTE *d = dbdata(db, 1);
					c->has_last_id = 0;
					if (d && dbcoltype(db, 1) == SYBINT8) {
						c->last_id = *(const DBBIGINT *)(const void *)d;
						c->has_last_id = 1;
					}
					d = counted ? dbdata(db, 2) : NULL;
					if (d && dbcoltype(db, 2) == SYBINT8)
						st->rows_affected = *(const DBBIGINT *)(const void *)d;
					else if (d && dbcoltype(db, 2) == SYBINT4)
						st->rows_affected = *(const DBINT *)(const void *)d;
					st->count_final = st->count_final || d != NULL;
				}
				continue;
			}
			if (want_rows && !st->got_rows) {
				int rc;
				st->got_rows = 1;
				if ((rc = load_columns(st)) < 0) {
					dbcanquery(db);
					continue;
				}
				st->on_wire = 1;
				c->active = st;
				return 1;
			}
			dbcanquery(db);   /* a further result with rows: not ours to show */
			continue;
		}
		if (dbcount(db) >= 0 && !st->count_final)
			st->rows_affected = dbcount(db);
	}
	st->on_wire = 0;
	if (c->active == st)
		c->active = NULL;
	return 0;
}

/* The rows of st's result after the current one: 1 with a row in *out, 0 at
 * the end of the result (the rest of the call is read), < 0 on error. */
static int wire_row(sqlkit_pstmt *st, mrow **out)
{
	DBPROCESS *db = st->conn->db;
	int r;

	*out = NULL;
	r = dbnextrow(db);
	if (r == REG_ROW)
		return materialize(st, out) < 0 ? -1 : 1;
	if (r == NO_MORE_ROWS) {
		if (st->is_dml && dbcount(db) >= 0 && !st->count_final)
			st->rows_affected = dbcount(db);
		advance(st, 0);
		return 0;
	}
	if (r == FAIL) {
		advance(st, 0);
		return 0;
	}
	/* a COMPUTE row or BUF_FULL: skip it */
	return wire_row(st, out);
}

/* Another statement needs the connection: read the rest of st's result into
 * memory, where its next steps find it. */
static void read_ahead(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;
	mrow *r;
	int rc;

	host->log(SQLKIT_LOG_DEBUG, "mssql: another statement needs the connection: "
	          "reading the rest of a result into memory");
	while ((rc = wire_row(st, &r)) == 1) {
		if (st->queue_tail)
			st->queue_tail->next = r;
		else
			st->queue = r;
		st->queue_tail = r;
	}
	if (st->on_wire) {
		/* a row could not be kept (out of memory): drop the rest of the
		 * result first, dbresults() refuses while rows are pending */
		if (rc < 0 && !c->dead)
			dbcanquery(c->db);
		advance(st, 0);
	}
	if (rc < 0 && !has_error(c) && !st->deferred) {
		st->def = st->row_err;       /* what materialize() met */
		st->deferred = 1;
	} else if ((rc < 0 || has_error(c)) && !st->deferred) {
		take_error(&st->def, c, &c->err);
		st->deferred = 1;
	}
}

static int claim(sqlkit_pconn *c, sqlkit_pstmt *self)
{
	if (c->active && c->active != self)
		read_ahead(c->active);
	c->active = NULL;
	return 0;
}

/* ---------------------------------------------------------------- language batches */

/* A command as a language batch (transactions, session settings). */
static int exec_batch(sqlkit_pconn *c, const char *sql, const char *context)
{
	int r, fails = 0;

	claim(c, NULL);
	if (check_alive(c) < 0)
		return SQLKIT_EDISCONNECTED;
	memset(&c->err, 0, sizeof c->err);
	if (dbcmd(c->db, sql) == FAIL || dbsqlexec(c->db) == FAIL) {
		if (!dbdead(c->db))
			while ((r = dbresults(c->db)) != NO_MORE_RESULTS && (r != FAIL || ++fails < 64))
				if (r == SUCCEED)
					dbcanquery(c->db);
		if (!has_error(c))
			lib_error(&c->err, 0, "the command was not sent");
		return fail_with(c, &c->err, context, NULL, 0);
	}
	while ((r = dbresults(c->db)) != NO_MORE_RESULTS) {
		if (r == FAIL) {
			if (dbdead(c->db) || ++fails > 64)
				break;
			continue;
		}
		dbcanquery(c->db);
	}
	if (has_error(c) || dbdead(c->db)) {
		if (!has_error(c))
			lib_error(&c->err, SYBESEOF, "the connection to the server was lost");
		return fail_with(c, &c->err, context, NULL, 0);
	}
	return 0;
}

/* ---------------------------------------------------------------- connections */

static const char *const known_options = "tds_version, timeout, login_timeout, appname";

static int parse_seconds(const char *key, const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || errno || n <= 0 || n > INT_MAX / 1000)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "invalid value \"%s\" for mssql option \"%s\": give a whole number of "
		                   "seconds, at least 1", v ? v : "", key);
	*out = (int)n;
	return 0;
}

typedef struct options {
	int tds_version;
	int timeout, login_timeout;
	const char *appname;
} options;

static int parse_options(options *o, const sqlkit_plugin_url *url)
{
	static const struct { const char *name; int version; } versions[] = {
		{ "7.0", DBVERSION_70 }, { "7.1", DBVERSION_71 }, { "7.2", DBVERSION_72 },
		{ "7.3", DBVERSION_73 }, { "7.4", DBVERSION_74 }, { NULL, 0 }
	};
	size_t i, j;
	int rc;

	o->tds_version = DBVERSION_74;
	o->timeout = 0;
	o->login_timeout = DEFAULT_LOGIN_TIMEOUT;
	o->appname = "sqlkit";
	for (i = 0; i < url->nquery; i++) {
		const char *k = url->query_keys[i], *v = url->query_values[i] ? url->query_values[i] : "";
		for (j = 0; j < i; j++)
			if (strcmp(url->query_keys[j], k) == 0)
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "mssql option \"%s\" is given more than once", k);
		if (strcmp(k, "tds_version") == 0) {
			for (j = 0; versions[j].name && strcmp(versions[j].name, v) != 0; j++)
				;
			if (!versions[j].name)
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "invalid value \"%s\" for mssql option \"tds_version\" "
				                   "(7.0, 7.1, 7.2, 7.3 or 7.4)", v);
			o->tds_version = versions[j].version;
		} else if (strcmp(k, "timeout") == 0) {
			if ((rc = parse_seconds(k, v, &o->timeout)) < 0)
				return rc;
		} else if (strcmp(k, "login_timeout") == 0) {
			if ((rc = parse_seconds(k, v, &o->login_timeout)) < 0)
				return rc;
		} else if (strcmp(k, "appname") == 0) {
			if (!*v || strlen(v) > 128)
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "invalid value \"%s\" for mssql option \"appname\": give 1 "
				                   "to 128 characters", v);
			o->appname = v;
		} else {
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "unknown mssql option \"%s\" (the options are %s)", k,
			                   known_options);
		}
	}
	return 0;
}

static void ms_close(sqlkit_pconn *c)
{
	if (!c)
		return;
	if (c->db) {
		dbsetuserdata(c->db, NULL);
		dbclose(c->db);
	}
	host->free(c);
}

/* What db-lib and the server leave to the client: the ANSI behaviour ODBC
 * drivers (and so SQLAlchemy) get, and no cut on long text. */
static const char session_setup[] =
	"SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; SET ARITHABORT ON; "
	"SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET ANSI_NULL_DFLT_ON ON; "
	"SET IMPLICIT_TRANSACTIONS OFF; SET TEXTSIZE 2147483647";

static int ms_connect(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver)
{
	sqlkit_pconn *c;
	LOGINREC *login;
	errsink sink;
	options o;
	char server[300];
	int rc;

	(void)driver;   /* "freetds" is the only one */
	*out = NULL;
	pthread_once(&setup_once, setup);
	if (setup_failed)
		return host->error(SQLKIT_EPLUGIN, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mssql: FreeTDS could not be initialised (dbinit failed)");
	if ((rc = parse_options(&o, url)) < 0)
		return rc;
	if (url->host && strchr(url->host, ':'))
		snprintf(server, sizeof server, "[%s]:%d", url->host, url->port ? url->port : 1433);
	else
		snprintf(server, sizeof server, "%s:%d", url->host && *url->host ? url->host : "localhost",
		         url->port ? url->port : 1433);

	if (!(c = host->calloc(1, sizeof *c)))
		return oom();
	if (!(login = dblogin())) {
		host->free(c);
		return oom();
	}
	if ((url->username && DBSETLUSER(login, url->username) == FAIL) ||
	    (url->password && DBSETLPWD(login, url->password) == FAIL) ||
	    DBSETLAPP(login, o.appname) == FAIL || DBSETLCHARSET(login, "UTF-8") == FAIL ||
	    DBSETLUTF16(login, 1) == FAIL || dbsetlversion(login, (BYTE)o.tds_version) == FAIL ||
	    (url->database && *url->database && DBSETLDBNAME(login, url->database) == FAIL)) {
		dbloginfree(login);
		host->free(c);
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mssql: FreeTDS refused the login details (a name too long?)");
	}

	memset(&sink, 0, sizeof sink);
	connecting = &sink;
	pthread_mutex_lock(&login_lock);
	dbsetlogintime(o.login_timeout);
	c->db = dbopen(login, server);
	pthread_mutex_unlock(&login_lock);
	connecting = NULL;
	dbloginfree(login);
	if (!c->db) {
		host->free(c);
		if (!sink.have_server && !sink.have_lib)
			lib_error(&sink, 0, "no answer from the server");
		{
			errinfo e;
			take_error(&e, NULL, &sink);
			e.dead = 1;
			e.code = SQLKIT_EDISCONNECTED;
			e.klass = SQLKIT_ERRCLASS_OPERATIONAL;
			if (strcmp(e.state, "28000") != 0)
				e.state = "08001";
			return raise_error(&e, "could not connect to SQL Server", NULL, 0);
		}
	}
	dbsetuserdata(c->db, (BYTE *)c);
	if (o.timeout) {
		char t[16];
		snprintf(t, sizeof t, "%d", o.timeout);
		if (dbsetopt(c->db, DBSETTIME, t, 0) == FAIL) {
			ms_close(c);
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "mssql: FreeTDS refused timeout=%d", o.timeout);
		}
	}
	if ((rc = exec_batch(c, session_setup, "could not set up the session")) < 0) {
		ms_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* ---------------------------------------------------------------- statements */

static int is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '@' || c == '#' || c >= 0x80;
}

/* The statement's first keyword, after blanks, comments and parentheses. */
static const char *first_word(const char *p, const char *end, size_t *n)
{
	const char *w;

	p = sqlkit_sql_skip_lead(p, end);
	for (w = p; p < end && is_word_char((unsigned char)*p); p++)
		;
	*n = (size_t)(p - w);
	return w;
}

/* When p starts a string ('...', N'...' from its quote), a quoted name ("..."
 * or [...]) or a comment (--, nested block comments): the end of it. Else
 * NULL. */
static const char *skip_literal(const char *p, const char *end)
{
	if (*p == '\'' || *p == '"' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		for (p++; p < end; p++)
			if (*p == close) {
				if (p + 1 < end && p[1] == close)
					p++;                  /* '' "" ]] inside */
				else
					return p + 1;
			}
		return end;
	}
	if (*p == '-' && p + 1 < end && p[1] == '-') {
		while (p < end && *p != '\n')
			p++;
		return p;
	}
	if (*p == '/' && p + 1 < end && p[1] == '*') {
		int depth = 0;
		while (p < end) {
			if (*p == '/' && p + 1 < end && p[1] == '*')
				depth++, p += 2;
			else if (*p == '*' && p + 1 < end && p[1] == '/') {
				p += 2;
				if (--depth == 0)
					return p;
			} else
				p++;
		}
		return end;
	}
	return NULL;
}

/* The statement's verb: its first word, or after WITH (common table
 * expressions, XMLNAMESPACES) the first SELECT, INSERT, UPDATE, DELETE or
 * MERGE outside parentheses, strings, quoted names and comments. */
static const char *statement_verb(const char *p, const char *end, size_t *n)
{
	static const char *const verbs[] = { "select", "insert", "update", "delete", "merge", NULL };
	const char *w = first_word(p, end, n), *q;
	int depth = 0, k;

	if (!sqlkit_word_is(w, *n, "with"))
		return w;
	for (p = w + *n; p < end; ) {
		if ((q = skip_literal(p, end)) != NULL) {
			p = q;
		} else if (*p == '(' || *p == ')') {
			depth += *p++ == '(' ? 1 : -1;
		} else if (is_word_char((unsigned char)*p)) {
			for (q = p; q < end && is_word_char((unsigned char)*q); q++)
				;
			if (depth == 0)
				for (k = 0; verbs[k]; k++)
					if (sqlkit_word_is(p, (size_t)(q - p), verbs[k])) {
						*n = (size_t)(q - p);
						return p;
					}
			p = q;
		} else {
			p++;
		}
	}
	return w;
}

static void ms_reset(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;

	host->free(st->cur);
	st->cur = NULL;
	free_rows(st->queue);
	st->queue = st->queue_tail = NULL;
	if (st->on_wire && c->active == st && !c->dead) {
		dbcanquery(c->db);
		advance(st, 0);
		memset(&c->err, 0, sizeof c->err);   /* errors of an abandoned result */
	}
	if (c->active == st)
		c->active = NULL;
	st->on_wire = 0;
	st->deferred = 0;
	st->state = ST_IDLE;
}

static void ms_finalize(sqlkit_pstmt *st)
{
	layout *l, *older;
	unsigned i;

	if (!st)
		return;
	ms_reset(st);
	for (l = st->layout; l; l = older) {
		older = l->older;
		host->free(l);
	}
	if (st->prev_decl)
		for (i = 0; i < st->nparams; i++)
			host->free(st->prev_decl[i]);
	host->free(st->prev_decl);
	host->free(st->sql);
	host->free(st);
}

static int ms_prepare(sqlkit_pstmt **out, sqlkit_pconn *c, const char *sql, size_t len,
                      unsigned nparams)
{
	char snip[SQLKIT_SNIPPET_MAX + 4];
	sqlkit_pstmt *st;
	const char *w;
	size_t n;

	*out = NULL;
	while (len > 0 && sql[len - 1] == '\0')
		len--;
	if (memchr(sql, '\0', len))
		return host->error(SQLKIT_ESQL, SQLKIT_ERRCLASS_PROGRAMMING, "42000", 0, 0,
		                   "NUL byte in \"%s\"", sqlkit_snippet(snip, sql, len));
	if (nparams > MAX_PARAMS)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07002", 0, 0,
		                   "statement has %u parameters; SQL Server takes at most %d",
		                   nparams, MAX_PARAMS);
	if (!(st = host->calloc(1, sizeof *st)))
		return oom();
	st->conn = c;
	st->nparams = nparams;
	st->len = len;
	st->rows_affected = -1;
	if (!(st->sql = host->malloc(len + 1)) ||
	    (nparams && !(st->prev_decl = host->calloc(nparams, sizeof *st->prev_decl)))) {
		ms_finalize(st);
		return oom();
	}
	memcpy(st->sql, sql, len);
	st->sql[len] = '\0';
	w = statement_verb(st->sql, st->sql + len, &n);
	st->is_dml = sqlkit_word_is(w, n, "insert") || sqlkit_word_is(w, n, "update") ||
	             sqlkit_word_is(w, n, "delete") || sqlkit_word_is(w, n, "merge");
	st->is_insert = sqlkit_word_is(w, n, "insert") && !sqlkit_contains_ci(st->sql, "output") &&
	                !sqlkit_contains_ci(st->sql, "scope_identity");
	*out = st;
	return 0;
}

/* ---------------------------------------------------------------- parameters */

/* One parameter as db-lib takes it. */
typedef struct pbind {
	int dbtype;
	DBINT datalen;
	BYTE *value;
	char decl[40];             /* its type in the @params declaration */
	int inline_null;           /* a NULL of no known type: written as NULL in the SQL */
	const char *empty;         /* an empty value is set in the SQL: N'' or 0x */
	union {
		DBBIGINT i;
		DBFLT8 f;
		DBBIT b;
		DBDATETIMEALL dt;
		BYTE uuid[16];
		char dec[96];
	} u;
} pbind;

/* A decimal's text without an exponent (SQL Server's conversion takes none),
 * and its precision and scale: -1 when it is no number, -2 when it has more
 * digits than DECIMAL(38) holds. */
static int plain_decimal(const char *p, size_t n, char *out, size_t size, int *prec, int *scale)
{
	char digits[128];
	long nd = 0, point = -1, exp = 0, k, intlen = 0;
	size_t i = 0, o = 0;
	int neg = 0;

	if (!sqlkit_decimal_text_valid(p, n))
		return -1;
	if (p[i] == '+' || p[i] == '-')
		neg = p[i++] == '-';
	for (; i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'); i++) {
		if (p[i] == '.')
			point = nd;
		else if (nd == 0 && p[i] == '0' && point < 0)
			continue;                  /* leading zeros of the integer part */
		else if (nd + 1 < (long)sizeof digits)
			digits[nd++] = p[i];
		else
			return -2;
	}
	if (point < 0)
		point = nd;
	if (i < n) {                           /* e / E: the text is valid, so digits follow */
		char buf[16];
		size_t len = n - i - 1 < sizeof buf - 1 ? n - i - 1 : sizeof buf - 1;
		memcpy(buf, p + i + 1, len);
		buf[len] = '\0';
		exp = strtol(buf, NULL, 10);
		if (exp > 80 || exp < -80)
			return -2;
	}
	point += exp;                          /* digits before the point */
	*scale = nd > point ? (int)(nd - point) : 0;
	if (o + 1 >= size)
		return -2;
	if (neg)
		out[o++] = '-';
	if (point <= 0) {
		out[o++] = '0';
	} else {
		for (k = 0; k < point; k++) {
			if (o + 3 >= size)
				return -2;
			out[o++] = k < nd ? digits[k] : '0';
			intlen++;
		}
	}
	if (*scale) {
		out[o++] = '.';
		for (k = point; k < nd; k++) {
			if (o + 2 >= size)
				return -2;
			out[o++] = k < 0 ? '0' : digits[k];
		}
	}
	out[o] = '\0';
	*prec = (int)intlen + *scale;
	if (*prec < 1)
		*prec = 1;
	return *prec > 38 ? -2 : 0;
}

static void set_dt(DBDATETIMEALL *a, const sqlkit_value *v)
{
	memset(a, 0, sizeof *a);
	if (v->type != SQLKIT_TYPE_TIME) {
		a->date = (DBINT)days_from_civil(v->u.dt.year, v->u.dt.month, v->u.dt.day);
		a->has_date = 1;
	}
	if (v->type != SQLKIT_TYPE_DATE) {
		a->time = ((DBUBIGINT)v->u.dt.hour * 3600 + (DBUBIGINT)v->u.dt.minute * 60 +
		           (DBUBIGINT)v->u.dt.second) * 10000000 + (DBUBIGINT)v->u.dt.microsecond * 10;
		a->time_prec = 7;
		a->has_time = 1;
	}
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int bad_param(unsigned i, const char *state, const char *why)
{
	return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, state, 0, 0, "parameter @P%u %s", i + 1,
	                   why);
}

/* The value of parameter i as db-lib takes it, and its declared type. */
static int bind_value(pbind *b, const sqlkit_value *v, unsigned i, const char *prev)
{
	int prec, scale, rc;

	memset(b, 0, sizeof *b);
	switch (v->type) {
	case SQLKIT_TYPE_NULL:
		/* the type this parameter had before; else no declared type converts
		 * to every type (NVARCHAR not to the binary ones, SQL_VARIANT to
		 * none implicitly): the NULL constant, which converts to all, is
		 * written in the SQL instead */
		if (!prev) {
			b->inline_null = 1;
			return 0;
		}
		snprintf(b->decl, sizeof b->decl, "%s", prev);
		b->dbtype = strncmp(prev, "varbinary", 9) == 0 ? SYBVARBINARY : SYBVARCHAR;
		return 0;
	case SQLKIT_TYPE_INT:
		b->u.i = v->u.i;
		b->dbtype = SYBINT8;
		b->datalen = -1;
		b->value = (BYTE *)&b->u.i;
		snprintf(b->decl, sizeof b->decl, "bigint");
		return 0;
	case SQLKIT_TYPE_FLOAT:
		if (isnan(v->u.f) || isinf(v->u.f))
			return bad_param(i, "22003", "is NaN or infinite, which SQL Server cannot store");
		b->u.f = v->u.f;
		b->dbtype = SYBFLT8;
		b->datalen = -1;
		b->value = (BYTE *)&b->u.f;
		snprintf(b->decl, sizeof b->decl, "float");
		return 0;
	case SQLKIT_TYPE_BOOL:
		b->u.b = v->u.b != 0;
		b->dbtype = SYBBIT;
		b->datalen = -1;
		b->value = (BYTE *)&b->u.b;
		snprintf(b->decl, sizeof b->decl, "bit");
		return 0;
	case SQLKIT_TYPE_DECIMAL:
		/* exact: its text, declared DECIMAL(p, s); the server converts */
		if ((rc = plain_decimal(v->u.s.ptr ? v->u.s.ptr : "", v->u.s.len, b->u.dec,
		                        sizeof b->u.dec, &prec, &scale)) < 0)
			return bad_param(i, rc == -2 ? "22003" : "22018",
			                 rc == -2 ? "has more than 38 digits, more than SQL Server's DECIMAL holds"
			                          : "is not a decimal number");
		b->dbtype = SYBVARCHAR;
		b->datalen = (DBINT)strlen(b->u.dec);
		b->value = (BYTE *)b->u.dec;
		snprintf(b->decl, sizeof b->decl, "decimal(%d,%d)", prec, scale);
		return 0;
	case SQLKIT_TYPE_TEXT:
	case SQLKIT_TYPE_JSON:
		if (!v->u.s.ptr && v->u.s.len)
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "parameter @P%u has a length but no bytes", i + 1);
		if (v->u.s.len > INT_MAX / 2)
			return bad_param(i, "22001", "is too long");
		b->value = (BYTE *)v->u.s.ptr;
		b->datalen = (DBINT)v->u.s.len;
		if (v->u.s.len == 0) {          /* db-lib sends an empty value as NULL */
			b->dbtype = SYBVARCHAR;
			b->empty = "N''";
			snprintf(b->decl, sizeof b->decl, "nvarchar(4000)");
		} else if (v->u.s.len <= MAX_SHORT_TEXT) {
			b->dbtype = SYBVARCHAR;   /* FreeTDS sends it as NVARCHAR(n) */
			snprintf(b->decl, sizeof b->decl, "nvarchar(4000)");
		} else {
			b->dbtype = SYBNTEXT;     /* NVARCHAR(max), never cut */
			snprintf(b->decl, sizeof b->decl, "nvarchar(max)");
		}
		return 0;
	case SQLKIT_TYPE_BLOB:
		if (!v->u.s.ptr && v->u.s.len)
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "parameter @P%u has a length but no bytes", i + 1);
		if (v->u.s.len > INT_MAX)
			return bad_param(i, "22001", "is too long");
		b->value = (BYTE *)v->u.s.ptr;
		b->datalen = (DBINT)v->u.s.len;
		snprintf(b->decl, sizeof b->decl, "varbinary(max)");
		if (v->u.s.len == 0) {
			b->dbtype = SYBVARBINARY;
			b->empty = "0x";
		} else {
			b->dbtype = v->u.s.len <= MAX_SHORT_BLOB ? SYBVARBINARY : SYBIMAGE;
		}
		return 0;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME:
		if (v->u.dt.hour < 0 || v->u.dt.hour > 23 || v->u.dt.minute < 0 || v->u.dt.minute > 59 ||
		    v->u.dt.second < 0 || v->u.dt.second > 59 || v->u.dt.microsecond < 0 ||
		    v->u.dt.microsecond > 999999 ||
		    (v->type != SQLKIT_TYPE_TIME &&
		     (v->u.dt.year < 1 || v->u.dt.year > 9999 || v->u.dt.month < 1 || v->u.dt.month > 12 ||
		      v->u.dt.day < 1)))
			return bad_param(i, "22007", "is not a date or time SQL Server can store");
		if (v->type != SQLKIT_TYPE_TIME && v->u.dt.day > days_in_month(v->u.dt.year, v->u.dt.month)) {
			char why[96];
			snprintf(why, sizeof why, "is %04d-%02d-%02d, a day its month does not have",
			         v->u.dt.year, v->u.dt.month, v->u.dt.day);
			return bad_param(i, "22007", why);
		}
		if (v->type == SQLKIT_TYPE_TIME && v->u.dt.has_offset)
			return bad_param(i, "22007", "is a time with a UTC offset, which SQL Server's TIME cannot keep");
		set_dt(&b->u.dt, v);
		b->value = (BYTE *)&b->u.dt;
		b->datalen = (DBINT)sizeof b->u.dt;
		if (v->type == SQLKIT_TYPE_DATE) {
			/* db-lib refuses DATE parameters (a "fixed" type it wants no length
			 * for and a "nullable" one it wants a length for): a DATETIME2 at
			 * midnight, declared date */
			b->u.dt.has_time = 1;
			b->u.dt.time_prec = 7;
			b->dbtype = SYBMSDATETIME2;
			snprintf(b->decl, sizeof b->decl, "date");
		} else if (v->type == SQLKIT_TYPE_TIME) {
			b->dbtype = SYBMSTIME;
			snprintf(b->decl, sizeof b->decl, "time(7)");
		} else if (v->u.dt.has_offset) {
			/* the wire has UTC and the offset */
			long days = b->u.dt.date;
			int64_t units = (int64_t)b->u.dt.time - (int64_t)v->u.dt.offset_minutes * 60 * 10000000;
			while (units < 0)
				units += INT64_C(864000000000), days--;
			while (units >= INT64_C(864000000000))
				units -= INT64_C(864000000000), days++;
			b->u.dt.date = (DBINT)days;
			b->u.dt.time = (DBUBIGINT)units;
			b->u.dt.offset = (DBSMALLINT)v->u.dt.offset_minutes;
			b->u.dt.has_offset = 1;
			b->dbtype = SYBMSDATETIMEOFFSET;
			snprintf(b->decl, sizeof b->decl, "datetimeoffset(7)");
		} else {
			b->dbtype = SYBMSDATETIME2;
			snprintf(b->decl, sizeof b->decl, "datetime2(7)");
		}
		return 0;
	case SQLKIT_TYPE_UUID:
		/* as its text, declared uniqueidentifier: db-lib takes no GUID parameter */
		host->uuid_format(b->u.dec, v->u.uuid);
		b->dbtype = SYBVARCHAR;
		b->datalen = 36;
		b->value = (BYTE *)b->u.dec;
		snprintf(b->decl, sizeof b->decl, "uniqueidentifier");
		return 0;
	default:
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "parameter @P%u has unknown type %d", i + 1, (int)v->type);
	}
}

/* Text for an NVARCHAR parameter of sp_executesql: NVARCHAR(max) when long. */
static RETCODE text_param(DBPROCESS *db, const char *name, const char *text, size_t len)
{
	return dbrpcparam(db, name, 0, len <= MAX_SHORT_TEXT ? SYBVARCHAR : SYBNTEXT, -1,
	                  (DBINT)len, (BYTE *)text);
}

/* sql into out (room for len * 4 / 3 + 4 bytes) with each @Pn of a NULL of
 * no known type written as NULL, outside strings, quoted names and
 * comments. Returns the bytes written. */
static size_t inline_nulls(char *out, const char *sql, size_t len, const pbind *b,
                           unsigned nparams)
{
	const char *p = sql, *end = sql + len, *q;
	size_t o = 0;

	while (p < end) {
		if ((q = skip_literal(p, end)) == NULL && *p == '@' && p + 2 < end &&
		    (p[1] == 'P' || p[1] == 'p') && p[2] >= '0' && p[2] <= '9' &&
		    (p == sql || !is_word_char((unsigned char)p[-1]))) {
			unsigned long k = 0;
			for (q = p + 2; q < end && *q >= '0' && *q <= '9'; q++)
				k = k < 100000 ? k * 10 + (unsigned long)(*q - '0') : k;
			if ((q == end || !is_word_char((unsigned char)*q)) && k >= 1 && k <= nparams &&
			    b[k - 1].inline_null) {
				memcpy(out + o, "NULL", 4);
				o += 4;
				p = q;
				continue;
			}
		}
		if (!q)
			q = p + 1;
		memcpy(out + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		p = q;
	}
	return o;
}

/* Send st with params as sp_executesql @stmt, @params, @P1... */
static int send_call(sqlkit_pstmt *st, const sqlkit_value *params)
{
	sqlkit_pconn *c = st->conn;
	/* ROWCOUNT_BIG() in the same SELECT, right after the INSERT: the next
	 * statement would reset it */
	static const char identity[] =
		"\n;SELECT CAST(SCOPE_IDENTITY() AS BIGINT) AS [" IDENTITY_COLUMN "], "
		"ROWCOUNT_BIG() AS [" ROWCOUNT_COLUMN "]";
	pbind *b = NULL;
	char *text = NULL, *decl = NULL, name[16];
	size_t tlen = 0, dlen = 0, cap;
	unsigned i, declared = 0, inlined = 0;
	int rc = 0;

	if (st->nparams && !(b = host->calloc(st->nparams, sizeof *b)))
		return oom();
	cap = st->len + sizeof identity + 1;
	for (i = 0; i < st->nparams; i++) {
		if ((rc = bind_value(&b[i], &params[i], i, st->prev_decl[i])) < 0)
			goto done;
		if (b[i].empty)
			cap += 32;
		inlined += (unsigned)b[i].inline_null;
	}
	if (inlined)
		cap += st->len / 3 + 4;    /* "@P1" (3 bytes at least) -> "NULL" */
	if (!(text = host->malloc(cap)) || !(decl = host->malloc((size_t)st->nparams * 48 + 1))) {
		rc = oom();
		goto done;
	}
	decl[0] = '\0';
	for (i = 0; i < st->nparams; i++) {
		if (b[i].inline_null)
			continue;
		dlen += (size_t)sprintf(decl + dlen, "%s@P%u %s", declared++ ? ", " : "", i + 1,
		                        b[i].decl);
		if (b[i].empty)
			tlen += (size_t)sprintf(text + tlen, "SET @P%u = %s;\n", i + 1, b[i].empty);
	}
	if (inlined) {
		tlen += inline_nulls(text + tlen, st->sql, st->len, b, st->nparams);
	} else {
		memcpy(text + tlen, st->sql, st->len);
		tlen += st->len;
	}
	if (st->is_insert) {
		memcpy(text + tlen, identity, sizeof identity - 1);
		tlen += sizeof identity - 1;
		c->has_last_id = 0;
	}
	text[tlen] = '\0';

	memset(&c->err, 0, sizeof c->err);
	if (dbrpcinit(c->db, "sp_executesql", 0) == FAIL ||
	    text_param(c->db, "@stmt", text, tlen) == FAIL ||
	    (declared && text_param(c->db, "@params", decl, dlen) == FAIL)) {
		rc = fail_with(c, &c->err, "could not build the call", NULL, 0);
		goto reset;
	}
	for (i = 0; i < st->nparams; i++) {
		if (b[i].inline_null)
			continue;
		snprintf(name, sizeof name, "@P%u", i + 1);
		if (dbrpcparam(c->db, name, 0, b[i].dbtype, -1, b[i].value ? b[i].datalen : 0,
		               b[i].value) == FAIL) {
			char what[48];
			snprintf(what, sizeof what, "could not bind parameter %s", name);
			rc = fail_with(c, &c->err, what, NULL, 0);
			goto reset;
		}
	}
	if (dbrpcsend(c->db) == FAIL) {
		rc = fail_with(c, &c->err, NULL, st->sql, st->len);
		goto reset;
	}
	if (dbsqlok(c->db) == FAIL && dbdead(c->db)) {
		rc = fail_with(c, &c->err, NULL, st->sql, st->len);
		goto done;
	}
	/* the declared types, for NULLs of later executions */
	for (i = 0; i < st->nparams; i++) {
		if (params[i].type == SQLKIT_TYPE_NULL)
			continue;
		if (!st->prev_decl[i] || strcmp(st->prev_decl[i], b[i].decl) != 0) {
			char *copy = host->strdup(b[i].decl);
			if (copy) {
				host->free(st->prev_decl[i]);
				st->prev_decl[i] = copy;
			}
		}
	}
	goto done;
reset:
	dbrpcinit(c->db, "", DBRPCRESET);
done:
	host->free(text);
	host->free(decl);
	host->free(b);
	return rc;
}

static int ms_execute(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                      int *has_row)
{
	sqlkit_pconn *c = st->conn;
	mrow *row;
	int rc;

	*has_row = 0;
	if (nparams != st->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, "07002", 0, 0,
		                   "statement takes %u parameters, %u given", st->nparams, nparams);
	if (nparams && !params)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no parameter values for %u parameters", nparams);
	if (st->state != ST_IDLE || st->on_wire || st->queue || st->cur)
		ms_reset(st);
	st->rows_affected = -1;
	st->count_final = 0;
	st->got_rows = 0;
	claim(c, st);
	if ((rc = check_alive(c)) < 0 || (rc = send_call(st, params)) < 0)
		return rc;

	st->state = ST_DONE;
	if (advance(st, 1) == 1) {
		if ((rc = wire_row(st, &row)) < 0) {
			ms_reset(st);
			return rc;
		}
		if (rc == 1) {
			st->cur = row;
			st->state = ST_ROW;
			*has_row = 1;
		}
	}
	if (has_error(c) || c->dead) {
		if (!has_error(c))
			lib_error(&c->err, SYBESEOF, "the connection to the server was lost");
		{
			errinfo e;
			take_error(&e, c, &c->err);
			*has_row = 0;
			ms_reset(st);
			return raise_error(&e, NULL, NULL, 0);
		}
	}
	return 0;
}

static int ms_step(sqlkit_pstmt *st)
{
	sqlkit_pconn *c = st->conn;
	mrow *r;
	int rc;

	if (st->state == ST_DONE)
		return 0;
	if (st->state != ST_ROW)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "statement is not executing");
	host->free(st->cur);
	st->cur = NULL;
	if (st->queue) {
		st->cur = st->queue;
		st->queue = st->queue->next;
		if (!st->queue)
			st->queue_tail = NULL;
		st->cur->next = NULL;
		return 1;
	}
	if (st->deferred) {
		st->deferred = 0;
		st->state = ST_IDLE;
		return raise_error(&st->def, NULL, NULL, 0);
	}
	if (!st->on_wire || c->active != st) {
		st->state = ST_DONE;
		return 0;
	}
	rc = wire_row(st, &r);
	if (rc == 1) {
		st->cur = r;
		return 1;
	}
	if (rc < 0) {
		ms_reset(st);
		return rc;
	}
	if (has_error(c) || c->dead) {
		st->state = ST_IDLE;
		if (!has_error(c))
			return check_alive(c);
		return fail_with(c, &c->err, NULL, NULL, 0);
	}
	st->state = ST_DONE;
	return 0;
}

static unsigned ms_column_count(sqlkit_pstmt *st)
{
	return st->ncols;
}

static const char *ms_column_name(sqlkit_pstmt *st, unsigned i)
{
	return i < st->ncols ? st->cols[i].name : NULL;
}

static sqlkit_type ms_column_type(sqlkit_pstmt *st, unsigned i)
{
	return i < st->ncols ? st->cols[i].type : SQLKIT_TYPE_NULL;
}

static int ms_column_value(sqlkit_pstmt *st, unsigned i, sqlkit_value *out)
{
	memset(out, 0, sizeof *out);
	if (st->state != ST_ROW || !st->cur)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
	if (i >= st->ncols)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no column %u: the row has %u", i, st->ncols);
	*out = st->cur->v[i];
	return 0;
}

static int64_t ms_rows_affected(sqlkit_pstmt *st)
{
	return st->is_dml ? st->rows_affected : -1;
}

/* ---------------------------------------------------------------- transactions */

static int ms_ping(sqlkit_pconn *c)
{
	return exec_batch(c, "SELECT 1", "ping");
}

static int ms_begin(sqlkit_pconn *c)
{
	return exec_batch(c, "BEGIN TRANSACTION", NULL);
}

static int ms_commit(sqlkit_pconn *c)
{
	return exec_batch(c, "COMMIT TRANSACTION", NULL);
}

/* A failed statement may have ended the transaction already (XACT_ABORT,
 * severe errors): roll back only what is open. */
static int ms_rollback(sqlkit_pconn *c)
{
	return exec_batch(c, "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION", NULL);
}

static int savepoint_sql(sqlkit_pconn *c, const char *verb, const char *name)
{
	size_t n = strlen(verb) + 2 * strlen(name) + 4;
	char *sql = host->malloc(n), *p;
	int rc;

	if (!sql)
		return oom();
	p = sql + sprintf(sql, "%s [", verb);
	for (; *name; name++) {
		if (*name == ']')
			*p++ = ']';
		*p++ = *name;
	}
	strcpy(p, "]");
	rc = exec_batch(c, sql, NULL);
	host->free(sql);
	return rc;
}

static int ms_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "SAVE TRANSACTION", name);
}

/* SQL Server has no RELEASE SAVEPOINT: a savepoint lives until the transaction ends. */
static int ms_release_savepoint(sqlkit_pconn *c, const char *name)
{
	(void)c;
	(void)name;
	return 0;
}

static int ms_rollback_to_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "ROLLBACK TRANSACTION", name);
}

static int ms_last_insert_id(sqlkit_pconn *c, int64_t *out)
{
	if (!c->has_last_id)
		return host->error(SQLKIT_ENOTFOUND, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
		                   "no id: the last INSERT on this connection generated none "
		                   "(no IDENTITY column, or no INSERT ran)");
	*out = c->last_id;
	return 0;
}

static int ms_set_isolation_level(sqlkit_pconn *c, const char *level)
{
	static const char *const levels[] = { "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ",
	                                      "SNAPSHOT", "SERIALIZABLE", NULL };
	char sql[80];
	int i;

	for (i = 0; levels[i] && !sqlkit_equal_ci(level, levels[i]); i++)
		;
	if (!levels[i])
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mssql has no isolation level \"%s\" (it has READ UNCOMMITTED, READ "
		                   "COMMITTED, REPEATABLE READ, SNAPSHOT and SERIALIZABLE)", level);
	snprintf(sql, sizeof sql, "SET TRANSACTION ISOLATION LEVEL %s", levels[i]);
	return exec_batch(c, sql, "set isolation level");
}

/* ---------------------------------------------------------------- entry point */

/* How SQL Server spells SQL (dialect.c). */
extern const sqlkit_dialect sqlkit__dialect_mssql;

static const char *const schemes[] = { "mssql", NULL };
static const char *const drivers[] = { "freetds", NULL };
static char description[64];

static const sqlkit_plugin plugin = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = SQLKIT_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(sqlkit_plugin),
	.name = "mssql",
	.version = PLUGIN_VERSION,
	.schemes = schemes,
	.drivers = drivers,
	.features = SQLKIT_FEATURE_RETURNING | SQLKIT_FEATURE_MULTI_VALUES |
	            SQLKIT_FEATURE_SAVEPOINTS | SQLKIT_FEATURE_TRANSACTIONAL_DDL |
	            SQLKIT_FEATURE_LASTROWID,
	.paramstyle = SQLKIT_PARAMSTYLE_AT_P,
	.description = description,

	.connect = ms_connect,
	.close = ms_close,
	.ping = ms_ping,
	.begin = ms_begin,
	.commit = ms_commit,
	.rollback = ms_rollback,
	.savepoint = ms_savepoint,
	.release_savepoint = ms_release_savepoint,
	.rollback_to_savepoint = ms_rollback_to_savepoint,
	.last_insert_id = ms_last_insert_id,

	.prepare = ms_prepare,
	.execute = ms_execute,
	.step = ms_step,
	.column_count = ms_column_count,
	.column_name = ms_column_name,
	.column_type = ms_column_type,
	.column_value = ms_column_value,
	.rows_affected = ms_rows_affected,
	.reset = ms_reset,
	.finalize = ms_finalize,
	.execute_many = NULL,      /* the core loops: one sp_executesql call per set */

	.single_connection = NULL,
	.set_isolation_level = ms_set_isolation_level,
	.dialect = &sqlkit__dialect_mssql,
	.has_table = NULL,         /* the core probes */
};

SQLKIT_PLUGIN_EXPORT int mssql_LTX_sqlkit_plugin_init(unsigned abi_major,
		unsigned abi_minor, const sqlkit_host *h, const sqlkit_plugin **out);

SQLKIT_PLUGIN_EXPORT int mssql_LTX_sqlkit_plugin_init(unsigned abi_major,
		unsigned abi_minor, const sqlkit_host *h, const sqlkit_plugin **out)
{
	(void)abi_minor;
	/* before anything else: a host too old for us cannot even take an error */
	if (abi_major != SQLKIT_PLUGIN_ABI_MAJOR || !h || h->abi_major != SQLKIT_PLUGIN_ABI_MAJOR ||
	    h->struct_size < offsetof(sqlkit_host, uuid_format) + sizeof h->uuid_format)
		return SQLKIT_EABI;
	host = h;
	if (!out)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mssql plugin: no place for the description");
	snprintf(description, sizeof description, "Microsoft SQL Server (FreeTDS %s)",
	         dbversion() ? dbversion() : "db-lib");
	*out = &plugin;
	return 0;
}
