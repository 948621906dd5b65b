/*
 * plugins/mysql/mysql.c - the MySQL / MariaDB plugin, on the MySQL C client API
 * (libmariadb from Debian's default-libmysqlclient-dev, or Oracle's libmysqlclient).
 *
 *   mysql://scott:tiger@localhost/test                     (localhost: the Unix socket)
 *   mysql+mysqlclient://u:p@127.0.0.1:3306/db?charset=utf8mb4
 *   mariadb://u:p@db/app?encoding=latin1&connect_timeout=5
 *   mysql://u@/app?unix_socket=/run/mysqld/mysqld.sock
 *
 * Query options: charset (default utf8mb4) or its tutorial name encoding,
 * unix_socket, connect_timeout, read_timeout, write_timeout, compress,
 * init_command, ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher,
 * ssl_verify_cert, executemany_mode; an unknown name is an error. Text
 * crosses the sqlkit API as UTF-8 whatever the connection's character set:
 * with another one (latin1...) the plugin converts both ways, and a character
 * the set cannot hold is a DataError rather than a '?' in the table. See README
 * in this folder.
 *
 * Every statement is a server-side prepared statement (mysql_stmt_*) with '?'
 * markers and typed binds. Results stream: rows are fetched from the wire one
 * at a time (unbuffered), so a large result never sits in memory; when another
 * statement needs the connection before a result is read to its end, the rest
 * of that result is read into memory first, so neither is cut short.
 * executemany uses MariaDB's array binding (one round trip for the whole batch)
 * when both the client library and the server have it, one multi-row INSERT
 * ... VALUES per 1,000 rows otherwise, and one execute per set for statements
 * that are not such INSERTs.
 *
 * UPDATE row counts are rows matched, not rows changed (CLIENT_FOUND_ROWS), as
 * SQLAlchemy has them.
 *
 * Everything but the entry point is static. The plugin's only state outside
 * its connections is the host table and its description, written by the entry
 * point (under the registry's lock).
 */
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>
#ifdef LIBMARIADB
#include <mariadb_version.h>
#endif

#include "sqlkit/plugin.h"
#include "sqlkit/plugin_util.h"

#define PLUGIN_VERSION "0.1.0"
#define NO_SET ((size_t)-1)
#define MAX_PARAMS 65535           /* the protocol's limit */
#define FIRST_BUF 4096             /* a text column's first buffer, at most */
#define CHARSET_BINARY 63          /* charsetnr of binary strings */
#define BULK_MAX_SETS 4096         /* parameter sets in one array-bound execute */
#define BULK_MAX_BYTES (4u << 20)  /* and about this many bytes of values */
#define VALUES_MAX_ROWS 1000       /* rows in one multi-row INSERT */

/* executemany_mode=: how executemany reaches the server. */
enum { MANY_AUTO, MANY_VALUES, MANY_EACH };

/* my_bool went away in MySQL 8.0 (bool); libmariadb keeps it. */
#if defined(LIBMARIADB) || defined(MARIADB_BASE_VERSION) || !defined(MYSQL_VERSION_ID) || \
	MYSQL_VERSION_ID < 80000
typedef my_bool flag_t;
#else
typedef bool flag_t;
#endif

/* MariaDB's array binding (Connector/C 3.0+, server 10.2+). */
#if defined(LIBMARIADB) && defined(MARIADB_PACKAGE_VERSION_ID) && MARIADB_PACKAGE_VERSION_ID >= 30000
#define HAVE_BULK 1
#else
#define HAVE_BULK 0
#endif

static const sqlkit_host *host;
static int library_ready;          /* mysql_library_init() done */

/* A buffer the plugin grows as needed. */
typedef struct buf {
	char *p;
	size_t cap;
} buf;

struct sqlkit_pconn {
	MYSQL *my;
	int dead;
	sqlkit_pstmt *streaming;       /* the statement whose rows are still on the wire */
	int64_t last_id;
	char charset[32];
	iconv_t to_conn, from_conn;    /* (iconv_t)-1 when the charset is UTF-8 */
	int bulk;                      /* the server takes array binding */
	int many_mode;                 /* MANY_*: executemany_mode= */
	unsigned long thread_id;
};

/* How a column's value is held, decided once per result shape. */
enum {
	K_BYTES,                       /* text, JSON, blob, decimal: data and len */
	K_INT, K_UINT,                 /* num.i (UINT: BIGINT UNSIGNED, may pass int64) */
	K_FLOAT, K_BOOL, K_TIME,       /* num.f, num.i, num.t */
	K_BIT                          /* BIT(n): big-endian bytes in data */
};

/* A result column and the buffer its values are fetched into. */
typedef struct column {
	char *name;
	sqlkit_type type;
	unsigned char kind;            /* K_* */
	enum enum_field_types ftype;
	int is_unsigned;
	int text;                      /* character data in the connection's charset */
	buf data;                      /* strings; numbers and times use num */
	unsigned long len;
	flag_t is_null, error;
	union {
		int64_t i;
		double f;
		MYSQL_TIME t;
	} num;
	buf conv;                      /* UTF-8 form of text fetched in another charset */
} column;

/* A row read ahead into memory, each column as [flag byte][length][bytes]. */
typedef struct spooled {
	char *rows;                    /* records, one after another */
	size_t len, cap;
	size_t pos;                    /* the next record to serve */
	size_t count, served;
} spooled;

enum { ST_IDLE, ST_ROW, ST_DONE };

/* A parameter's storage for one execution. */
typedef union pval {
	int64_t i;
	double f;
	signed char b;
	MYSQL_TIME t;
} pval;

struct sqlkit_pstmt {
	sqlkit_pconn *conn;
	MYSQL_STMT *my;
	char *sql;
	size_t sqllen;
	unsigned nparams;
	MYSQL_BIND *pbind;
	pval *pv;
	unsigned long *plen;
	buf *pconv;                    /* per parameter: text converted or formatted */
	unsigned ncols;
	column *cols;
	MYSQL_BIND *rbind;
	int bound;                     /* rbind given to the library for the current shape */
	int state;
	int on_wire;                   /* rows still to be read from the server */
	spooled spool;
	/* why the spool stopped short (reported once its rows are served): 0 or a code */
	int deferred;
	unsigned deferred_errno;
	char deferred_msg[256];
	int64_t affected;
	/* executemany as one INSERT ... VALUES (...), (...) of many rows */
	int values_state;              /* 0 not looked at, 1 usable, -1 not such an INSERT */
	size_t group_at, group_len;    /* the "(?, ?...)" after VALUES, in sql */
	MYSQL_STMT *multi[2];          /* prepared for multi_rows[k] rows: a full batch, a tail */
	unsigned multi_rows[2];
	MYSQL_BIND *mbind;             /* nparams x rows: their binds and storage */
	pval *mpv;
	unsigned long *mlen;
	buf *mconv;
	size_t mcap;
};

/* ---------------------------------------------------------------- small helpers */

static int oom(void)
{
	return host->error(SQLKIT_ENOMEM, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "out of memory");
}

static int grow(buf *b, size_t need)
{
	char *p;
	size_t cap;

	if (b->cap >= need)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (!(p = host->realloc(b->p, cap)))
		return oom();
	b->p = p;
	b->cap = cap;
	return 0;
}

static void buf_free(buf *b)
{
	host->free(b->p);
	b->p = NULL;
	b->cap = 0;
}

/* Error numbers after which the connection is gone. */
static int dead_errno(unsigned n)
{
	switch (n) {
	case CR_SERVER_GONE_ERROR:        /* 2006 */
	case CR_SERVER_LOST:              /* 2013 */
	case 2055:                        /* CR_SERVER_LOST_EXTENDED */
	case CR_CONNECTION_ERROR:         /* 2002 */
	case CR_CONN_HOST_ERROR:          /* 2003 */
	case 1927:                        /* ER_CONNECTION_KILLED (MariaDB) */
	case 1053:                        /* ER_SERVER_SHUTDOWN */
	case 4031:                        /* ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8) */
		return 1;
	default:
		return 0;
	}
}

/* MySQL error number -> sqlkit code, PEP 249 class and SQLSTATE. The
 * integrity errors get the finer SQLSTATEs the other plugins report (MySQL
 * says 23000 for all of them); the server's number stays in native_code. */
static void map_error(unsigned n, const char **state, int *code, sqlkit_error_class *klass)
{
	switch (n) {
	case 1062: case 1586: case 1557:  /* ER_DUP_ENTRY, ..._WITH_KEY_NAME, ER_FOREIGN_DUPLICATE_KEY */
		*state = "23505";
		break;
	case 1451: case 1452: case 1216: case 1217:  /* foreign key, child and parent side */
		*state = "23503";
		break;
	case 1048: case 1364: case 1263:  /* ER_BAD_NULL_ERROR, NO_DEFAULT_FOR_FIELD, WARN_NULL_TO_NOTNULL */
		*state = "23502";
		break;
	case 4025: case 3819:             /* check constraint: MariaDB, MySQL */
		*state = "23514";
		break;
	default:
		break;
	}
	sqlkit_sqlstate_class(*state, code, klass);
	if (*state && strcmp(*state, "HY000") == 0) {
		/* MySQL's catch-all: a few numbers say more */
		*code = SQLKIT_ERROR;
		*klass = SQLKIT_ERRCLASS_DATABASE;
		if (n == 1205) {                   /* ER_LOCK_WAIT_TIMEOUT */
			*code = SQLKIT_EBUSY;
			*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		}
	}
	if (n == 1213) {                           /* ER_LOCK_DEADLOCK */
		*code = SQLKIT_EBUSY;
		*klass = SQLKIT_ERRCLASS_OPERATIONAL;
	}
	if (n >= 2000 && n < 3000 && !dead_errno(n)) {
		/* the client library's own errors */
		if (n == CR_COMMANDS_OUT_OF_SYNC || n == 2030 /* CR_NO_PREPARE_STMT */) {
			*code = SQLKIT_ESTATE;
			*klass = SQLKIT_ERRCLASS_INTERFACE;
		} else if (n == CR_OUT_OF_MEMORY) {
			*code = SQLKIT_ENOMEM;
			*klass = SQLKIT_ERRCLASS_INTERFACE;
		} else {
			*klass = SQLKIT_ERRCLASS_OPERATIONAL;
		}
	}
}

/* Report an error from the connection (stmt NULL) or a statement:
 * "[context: ]<message> (MySQL error N)[ in "<sql>"][ (parameter set N)]". */
static int my_fail(sqlkit_pconn *c, MYSQL_STMT *stmt, const char *context, const char *sql,
                   size_t sqllen, size_t set)
{
	unsigned n = stmt ? mysql_stmt_errno(stmt) : mysql_errno(c->my);
	const char *msg = stmt ? mysql_stmt_error(stmt) : mysql_error(c->my);
	const char *state = stmt ? mysql_stmt_sqlstate(stmt) : mysql_sqlstate(c->my);
	char snip[SQLKIT_SNIPPET_MAX + 4], setbuf[48] = "", statebuf[6];
	sqlkit_error_class klass;
	int code, dead;

	if (!n && stmt) {   /* some failures are recorded on the connection only */
		n = mysql_errno(c->my);
		msg = mysql_error(c->my);
		state = mysql_sqlstate(c->my);
	}
	if (!msg || !*msg)
		msg = "unknown error";
	snprintf(statebuf, sizeof statebuf, "%s", state ? state : "");
	state = *statebuf && strcmp(statebuf, "00000") != 0 ? statebuf : NULL;
	map_error(n, &state, &code, &klass);
	dead = dead_errno(n);
	if (dead) {
		c->dead = 1;
		c->streaming = NULL;
		code = SQLKIT_EDISCONNECTED;
		klass = SQLKIT_ERRCLASS_OPERATIONAL;
		if (!state || strcmp(state, "HY000") == 0)
			state = "08S01";
	}
	if (set != NO_SET)
		snprintf(setbuf, sizeof setbuf, " (parameter set %zu)", set);
	return host->error(code, klass, state, (int)n, dead, "%s%s%s (MySQL error %u)%s%s%s%s",
	                   context ? context : "", context ? ": " : "", msg, n,
	                   sql ? " in \"" : "", sql ? sqlkit_snippet(snip, sql, sqllen) : "",
	                   sql ? "\"" : "", setbuf);
}

static int check_alive(sqlkit_pconn *c)
{
	if (!c->dead)
		return 0;
	return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08003", 0, 1,
	                   "the connection to the server was lost");
}

/* ---------------------------------------------------------------- character sets */

/* MySQL character set names and iconv's names for them. The UTF-8 ones need no
 * conversion. */
static const struct {
	const char *mysql, *iconv;
} charsets[] = {
	{ "utf8mb4", NULL }, { "utf8mb3", NULL }, { "utf8", NULL },
	{ "latin1", "CP1252" },        /* MySQL's latin1 is Windows-1252 */
	{ "latin2", "ISO-8859-2" }, { "latin5", "ISO-8859-9" }, { "latin7", "ISO-8859-13" },
	{ "ascii", "ASCII" }, { "cp1250", "CP1250" }, { "cp1251", "CP1251" },
	{ "cp1256", "CP1256" }, { "cp1257", "CP1257" }, { "greek", "ISO-8859-7" },
	{ "hebrew", "ISO-8859-8" }, { "koi8r", "KOI8-R" }, { "koi8u", "KOI8-U" },
	{ "gbk", "GBK" }, { "gb2312", "GB2312" }, { "big5", "BIG5" }, { "sjis", "SHIFT_JIS" },
	{ "cp932", "CP932" }, { "ujis", "EUC-JP" }, { "eucjpms", "EUC-JP-MS" },
	{ "euckr", "EUC-KR" },
	{ NULL, NULL }
};

static int set_charset(sqlkit_pconn *c, const char *name)
{
	size_t i;

	for (i = 0; charsets[i].mysql; i++)
		if (sqlkit_equal_ci(charsets[i].mysql, name))
			break;
	if (!charsets[i].mysql)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mysql: unsupported charset \"%s\": sqlkit exchanges text as UTF-8 "
		                   "and converts from utf8mb4, utf8mb3, latin1, latin2, latin5, latin7, "
		                   "ascii, cp1250, cp1251, cp1256, cp1257, greek, hebrew, koi8r, koi8u, "
		                   "gbk, gb2312, big5, sjis, cp932, ujis, eucjpms, euckr", name);
	snprintf(c->charset, sizeof c->charset, "%s", charsets[i].mysql);
	if (!charsets[i].iconv)
		return 0;
	c->to_conn = iconv_open(charsets[i].iconv, "UTF-8");
	c->from_conn = iconv_open("UTF-8", charsets[i].iconv);
	if (c->to_conn == (iconv_t)-1 || c->from_conn == (iconv_t)-1)
		return host->error(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                   "mysql: charset \"%s\": this system's iconv cannot convert %s",
		                   name, charsets[i].iconv);
	return 0;
}

/* Convert len bytes at in with cd into b (NUL-terminated); *out_len gets the
 * length. EILSEQ/EINVAL mean the text cannot be converted. */
static int convert(iconv_t cd, const char *in, size_t len, buf *b, size_t *out_len, int *bad)
{
	size_t need = len * 4 + 8, left, inleft = len;
	char *src = (char *)in, *dst;
	int rc;

	*bad = 0;
	if ((rc = grow(b, need)) < 0)
		return rc;
	iconv(cd, NULL, NULL, NULL, NULL);
	dst = b->p;
	left = b->cap - 1;
	while (inleft) {
		if (iconv(cd, &src, &inleft, &dst, &left) == (size_t)-1) {
			if (errno == E2BIG) {
				size_t used = (size_t)(dst - b->p);
				if ((rc = grow(b, b->cap * 2)) < 0)
					return rc;
				dst = b->p + used;
				left = b->cap - 1 - used;
				continue;
			}
			*bad = 1;
			*out_len = (size_t)(src - in);   /* where it stopped */
			return 0;
		}
	}
	*dst = '\0';
	*out_len = (size_t)(dst - b->p);
	return 0;
}

/* ---------------------------------------------------------------- connections */

static const char *const option_names =
	"charset, encoding, unix_socket, connect_timeout, read_timeout, write_timeout, compress, "
	"init_command, ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, ssl_verify_cert, "
	"executemany_mode";

static int parse_uint(const char *v, unsigned *out)
{
	char *end;
	unsigned long n;

	if (!v || !*v || *v == '-')
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n > UINT_MAX)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!v || sqlkit_equal_ci(v, "1") || sqlkit_equal_ci(v, "true") || sqlkit_equal_ci(v, "yes") ||
	    sqlkit_equal_ci(v, "on"))
		*out = 1;
	else if (sqlkit_equal_ci(v, "0") || sqlkit_equal_ci(v, "false") || sqlkit_equal_ci(v, "no") ||
	         sqlkit_equal_ci(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int bad_value(const char *k, const char *v, const char *want)
{
	return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
	                   "invalid value \"%s\" for mysql option \"%s\": %s", v ? v : "", k, want);
}

/* The URL's query options onto the handle; *socket gets unix_socket. */
static int apply_options(sqlkit_pconn *c, const sqlkit_plugin_url *url, const char **socket,
                         const char **charset)
{
	size_t i, j;

	*socket = NULL;
	*charset = "utf8mb4";
	for (i = 0; i < url->nquery; i++) {
		const char *k = url->query_keys[i], *v = url->query_values[i];
		unsigned n;
		int b, rc = 0;

		for (j = 0; j < i; j++)
			if (strcmp(url->query_keys[j], k) == 0 ||
			    ((strcmp(k, "charset") == 0 || strcmp(k, "encoding") == 0) &&
			     (strcmp(url->query_keys[j], "charset") == 0 ||
			      strcmp(url->query_keys[j], "encoding") == 0)))
				return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
				                   "mysql option \"%s\" is given more than once%s", k,
				                   strcmp(k, url->query_keys[j]) ? " (as charset and encoding)" : "");
		if (strcmp(k, "charset") == 0 || strcmp(k, "encoding") == 0) {
			if (!v || !*v)
				return bad_value(k, v, "a character set name such as utf8mb4 or latin1");
			*charset = v;
		} else if (strcmp(k, "unix_socket") == 0) {
			if (!v || !*v)
				return bad_value(k, v, "the path of the server's socket");
			*socket = v;
		} else if (strcmp(k, "connect_timeout") == 0 || strcmp(k, "read_timeout") == 0 ||
		           strcmp(k, "write_timeout") == 0) {
			if (parse_uint(v, &n) < 0)
				return bad_value(k, v, "a number of seconds");
			rc = mysql_options(c->my, k[0] == 'c' ? MYSQL_OPT_CONNECT_TIMEOUT :
			                   k[0] == 'r' ? MYSQL_OPT_READ_TIMEOUT : MYSQL_OPT_WRITE_TIMEOUT, &n);
		} else if (strcmp(k, "executemany_mode") == 0) {
			if (v && strcmp(v, "auto") == 0)
				c->many_mode = MANY_AUTO;
			else if (v && strcmp(v, "values") == 0)
				c->many_mode = MANY_VALUES;
			else if (v && strcmp(v, "each") == 0)
				c->many_mode = MANY_EACH;
			else
				return bad_value(k, v, "auto (array binding, else multi-row VALUES), values or each");
		} else if (strcmp(k, "compress") == 0) {
			if (parse_bool(v, &b) < 0)
				return bad_value(k, v, "true or false");
			if (b)
				rc = mysql_options(c->my, MYSQL_OPT_COMPRESS, NULL);
		} else if (strcmp(k, "init_command") == 0) {
			if (!v || !*v)
				return bad_value(k, v, "an SQL statement");
			rc = mysql_options(c->my, MYSQL_INIT_COMMAND, v);
		} else if (strcmp(k, "ssl_ca") == 0 || strcmp(k, "ssl_capath") == 0 ||
		           strcmp(k, "ssl_cert") == 0 || strcmp(k, "ssl_key") == 0 ||
		           strcmp(k, "ssl_cipher") == 0) {
			enum mysql_option o = strcmp(k, "ssl_ca") == 0 ? MYSQL_OPT_SSL_CA :
			                      strcmp(k, "ssl_capath") == 0 ? MYSQL_OPT_SSL_CAPATH :
			                      strcmp(k, "ssl_cert") == 0 ? MYSQL_OPT_SSL_CERT :
			                      strcmp(k, "ssl_key") == 0 ? MYSQL_OPT_SSL_KEY : MYSQL_OPT_SSL_CIPHER;
			if (!v || !*v)
				return bad_value(k, v, "a file name or value");
			rc = mysql_options(c->my, o, v);
		} else if (strcmp(k, "ssl_verify_cert") == 0) {
			if (parse_bool(v, &b) < 0)
				return bad_value(k, v, "true or false");
#if defined(LIBMARIADB) || !defined(MYSQL_VERSION_ID) || MYSQL_VERSION_ID < 80000
			{
				flag_t f = (flag_t)b;
				rc = mysql_options(c->my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &f);
			}
#else
			{
				unsigned mode = b ? SSL_MODE_VERIFY_IDENTITY : SSL_MODE_PREFERRED;
				rc = mysql_options(c->my, MYSQL_OPT_SSL_MODE, &mode);
			}
#endif
		} else {
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "unknown mysql option \"%s\" (the options are %s)", k, option_names);
		}
		if (rc != 0)
			return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
			                   "mysql option \"%s\": the client library refused it", k);
	}
	return 0;
}

static void my_close(sqlkit_pconn *c)
{
	if (!c)
		return;
	if (c->my)
		mysql_close(c->my);
	if (c->to_conn != (iconv_t)-1)
		iconv_close(c->to_conn);
	if (c->from_conn != (iconv_t)-1)
		iconv_close(c->from_conn);
	host->free(c);
}

static int my_connect(sqlkit_pconn **out, const sqlkit_plugin_url *url, const char *driver)
{
	sqlkit_pconn *c;
	const char *socket, *charset;
	unsigned timeout = 10;
	int rc;

	(void)driver;
	*out = NULL;
	if (!(c = host->calloc(1, sizeof *c)))
		return oom();
	c->to_conn = c->from_conn = (iconv_t)-1;
	if (!(c->my = mysql_init(NULL))) {
		my_close(c);
		return oom();
	}
	/* a default bound on connecting; the URL may change it */
	mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if ((rc = apply_options(c, url, &socket, &charset)) < 0 || (rc = set_charset(c, charset)) < 0) {
		my_close(c);
		return rc;
	}
	mysql_options(c->my, MYSQL_SET_CHARSET_NAME, c->charset);
	if (!mysql_real_connect(c->my, url->host, url->username, url->password ? url->password : "",
	                        url->database, (unsigned)url->port, socket, CLIENT_FOUND_ROWS)) {
		unsigned n = mysql_errno(c->my);
		const char *state = mysql_sqlstate(c->my);
		sqlkit_error_class klass;
		int code;
		char statebuf[6];

		snprintf(statebuf, sizeof statebuf, "%s", state ? state : "");
		state = *statebuf && strcmp(statebuf, "00000") != 0 ? statebuf : NULL;
		map_error(n, &state, &code, &klass);
		if (n == 1045 || n == 1044 || n == 1049 || n >= 2000) {
			/* access denied, unknown database, can't connect */
			code = SQLKIT_ERROR;
			klass = SQLKIT_ERRCLASS_OPERATIONAL;
		}
		rc = host->error(code, klass, state, (int)n, 0, "%s (MySQL error %u)",
		                 mysql_error(c->my), n);
		my_close(c);
		return rc;
	}
	c->thread_id = mysql_thread_id(c->my);
#if HAVE_BULK
	{
		unsigned long caps = 0, ext = 0;
		if (!mariadb_get_infov(c->my, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) &&
		    !mariadb_get_infov(c->my, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext))
			c->bulk = !(caps & CLIENT_MYSQL) &&
			          (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
	}
#endif
	*out = c;
	return 0;
}

static void spool_free(spooled *s)
{
	host->free(s->rows);
	memset(s, 0, sizeof *s);
}

static int spool_rest(sqlkit_pstmt *st);

/* Make the connection free for a command of self's (NULL: a connection command):
 * a statement still streaming has the rest of its rows read into memory. */
static int claim(sqlkit_pconn *c, sqlkit_pstmt *self)
{
	sqlkit_pstmt *s = c->streaming;

	if (!s || s == self)
		return 0;
	return spool_rest(s);
}

/* A plain SQL command with no parameters (BEGIN, SAVEPOINT x...). */
static int command(sqlkit_pconn *c, const char *sql, const char *context)
{
	int rc;

	if ((rc = check_alive(c)) < 0 || (rc = claim(c, NULL)) < 0)
		return rc;
	if (mysql_real_query(c->my, sql, (unsigned long)strlen(sql)) != 0)
		return my_fail(c, NULL, context, sql, strlen(sql), NO_SET);
	return 0;
}

static int my_ping(sqlkit_pconn *c)
{
	int rc;

	if ((rc = check_alive(c)) < 0 || (rc = claim(c, NULL)) < 0)
		return rc;
	if (mysql_ping(c->my) != 0) {
		unsigned n = mysql_errno(c->my);
		rc = my_fail(c, NULL, "ping", NULL, 0, NO_SET);
		if (!dead_errno(n)) {    /* no answer at all: the connection is of no use */
			c->dead = 1;
			rc = host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08S01", (int)n, 1,
			                 "ping: %s (MySQL error %u)", mysql_error(c->my), n);
		}
		return rc;
	}
	/* libmariadb may have reconnected behind our back: that is a new session */
	if (mysql_thread_id(c->my) != c->thread_id) {
		c->dead = 1;
		return host->error(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, "08S01", 0, 1,
		                   "ping: the connection was lost and its session with it");
	}
	return 0;
}

static int my_begin(sqlkit_pconn *c)
{
	return command(c, "START TRANSACTION", "begin");
}

static int my_commit(sqlkit_pconn *c)
{
	return command(c, "COMMIT", "commit");
}

static int my_rollback(sqlkit_pconn *c)
{
	return command(c, "ROLLBACK", "rollback");
}

static int savepoint_sql(sqlkit_pconn *c, const char *verb, const char *name)
{
	char sql[160];

	if (strlen(name) > 64)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "savepoint name \"%.40s...\" is longer than MySQL's 64 characters", name);
	snprintf(sql, sizeof sql, "%s `%s`", verb, name);
	return command(c, sql, verb);
}

static int my_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "SAVEPOINT", name);
}

static int my_release_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "RELEASE SAVEPOINT", name);
}

static int my_rollback_to_savepoint(sqlkit_pconn *c, const char *name)
{
	return savepoint_sql(c, "ROLLBACK TO SAVEPOINT", name);
}

static int my_last_insert_id(sqlkit_pconn *c, int64_t *out)
{
	*out = c->last_id;
	return 0;
}

/* ---------------------------------------------------------------- result columns */

static sqlkit_type field_type(const MYSQL_FIELD *f, int *text)
{
	*text = 0;
	switch (f->type) {
	case MYSQL_TYPE_TINY:
		/* BOOL is TINYINT(1) */
		return f->length == 1 ? SQLKIT_TYPE_BOOL : SQLKIT_TYPE_INT;
	case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG: case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR: case MYSQL_TYPE_BIT:
		return SQLKIT_TYPE_INT;
	case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
		return SQLKIT_TYPE_FLOAT;
	case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL:
		return SQLKIT_TYPE_DECIMAL;
	case MYSQL_TYPE_DATE: case MYSQL_TYPE_NEWDATE:
		return SQLKIT_TYPE_DATE;
	case MYSQL_TYPE_TIME:
		return SQLKIT_TYPE_TIME;
	case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP:
		return SQLKIT_TYPE_DATETIME;
	case 245:                 /* MYSQL_TYPE_JSON, MySQL 8 (charset 63: not a BLOB) */
		*text = 1;
		return SQLKIT_TYPE_JSON;
	case MYSQL_TYPE_NULL:
		return SQLKIT_TYPE_NULL;
	case MYSQL_TYPE_GEOMETRY:
		return SQLKIT_TYPE_BLOB;
	default:
		if (f->charsetnr == CHARSET_BINARY)
			return SQLKIT_TYPE_BLOB;
		*text = 1;
		return SQLKIT_TYPE_TEXT;
	}
}

static void free_columns(sqlkit_pstmt *st)
{
	unsigned i;

	for (i = 0; i < st->ncols; i++) {
		host->free(st->cols[i].name);
		buf_free(&st->cols[i].data);
		buf_free(&st->cols[i].conv);
	}
	host->free(st->cols);
	host->free(st->rbind);
	st->cols = NULL;
	st->rbind = NULL;
	st->ncols = 0;
	st->bound = 0;
}

/* Point rbind[i] at column i's storage. */
static void bind_column(sqlkit_pstmt *st, unsigned i)
{
	column *col = &st->cols[i];
	MYSQL_BIND *b = &st->rbind[i];

	memset(b, 0, sizeof *b);
	b->is_null = &col->is_null;
	b->error = &col->error;
	b->length = &col->len;
	switch (col->type) {
	case SQLKIT_TYPE_INT:
	case SQLKIT_TYPE_BOOL:
		if (col->ftype == MYSQL_TYPE_BIT)
			goto bytes;
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &col->num.i;
		b->is_unsigned = (flag_t)col->is_unsigned;
		return;
	case SQLKIT_TYPE_FLOAT:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &col->num.f;
		return;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME:
		b->buffer_type = col->ftype == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : col->ftype;
		b->buffer = &col->num.t;
		b->buffer_length = sizeof col->num.t;
		return;
	case SQLKIT_TYPE_NULL:
	default:
	bytes:
		/* one byte kept for the NUL the API promises */
		b->buffer_type = MYSQL_TYPE_STRING;
		if (col->type == SQLKIT_TYPE_BLOB || col->ftype == MYSQL_TYPE_BIT)
			b->buffer_type = MYSQL_TYPE_BLOB;
		b->buffer = col->data.p;
		b->buffer_length = col->data.cap ? (unsigned long)(col->data.cap - 1) : 0;
		return;
	}
}

/* Read the statement's result shape (after prepare, and after an execute that
 * reports another one). */
static int load_columns(sqlkit_pstmt *st)
{
	MYSQL_RES *meta;
	MYSQL_FIELD *f;
	unsigned i, n = mysql_stmt_field_count(st->my);
	int rc = 0;

	free_columns(st);
	if (!n)
		return 0;
	if (!(meta = mysql_stmt_result_metadata(st->my)))
		return my_fail(st->conn, st->my, "result metadata", st->sql, st->sqllen, NO_SET);
	f = mysql_fetch_fields(meta);
	if (!(st->cols = host->calloc(n, sizeof *st->cols)) ||
	    !(st->rbind = host->calloc(n, sizeof *st->rbind))) {
		mysql_free_result(meta);
		host->free(st->cols);
		st->cols = NULL;
		return oom();
	}
	st->ncols = n;
	for (i = 0; i < n && rc == 0; i++) {
		column *col = &st->cols[i];
		size_t first;

		col->type = field_type(&f[i], &col->text);
		col->ftype = f[i].type;
		col->is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
		col->kind = col->ftype == MYSQL_TYPE_BIT ? K_BIT :
		            col->type == SQLKIT_TYPE_INT ? (col->is_unsigned ? K_UINT : K_INT) :
		            col->type == SQLKIT_TYPE_FLOAT ? K_FLOAT :
		            col->type == SQLKIT_TYPE_BOOL ? K_BOOL :
		            (col->type == SQLKIT_TYPE_DATE || col->type == SQLKIT_TYPE_TIME ||
		             col->type == SQLKIT_TYPE_DATETIME) ? K_TIME : K_BYTES;
		if (st->conn->from_conn != (iconv_t)-1 && f[i].name) {
			size_t nlen;
			int bad;
			if ((rc = convert(st->conn->from_conn, f[i].name, strlen(f[i].name), &col->conv, &nlen,
			                  &bad)) == 0 && !(col->name = host->strdup(bad ? f[i].name : col->conv.p)))
				rc = oom();
		} else if (!(col->name = host->strdup(f[i].name ? f[i].name : ""))) {
			rc = oom();
		}
		/* text and decimals: room for the declared length, within reason */
		first = f[i].length < FIRST_BUF ? (size_t)f[i].length + 1 : FIRST_BUF;
		if (first < 32)
			first = 32;
		if (rc == 0 && (col->type == SQLKIT_TYPE_TEXT || col->type == SQLKIT_TYPE_JSON ||
		                col->type == SQLKIT_TYPE_BLOB || col->type == SQLKIT_TYPE_DECIMAL ||
		                col->type == SQLKIT_TYPE_NULL || col->ftype == MYSQL_TYPE_BIT))
			rc = grow(&col->data, first);
	}
	mysql_free_result(meta);
	if (rc < 0) {
		free_columns(st);
		return rc;
	}
	for (i = 0; i < n; i++)
		bind_column(st, i);
	return 0;
}

static int bind_result(sqlkit_pstmt *st)
{
	if (st->bound || !st->ncols)
		return 0;
	if (mysql_stmt_bind_result(st->my, st->rbind))
		return my_fail(st->conn, st->my, "bind result", st->sql, st->sqllen, NO_SET);
	st->bound = 1;
	return 0;
}

/* After a fetch that said MYSQL_DATA_TRUNCATED: grow the buffers that were too
 * small and fetch those columns again; the next rows use the bigger buffers. */
static int refetch_truncated(sqlkit_pstmt *st)
{
	unsigned i;
	int rc;

	for (i = 0; i < st->ncols; i++) {
		column *col = &st->cols[i];
		MYSQL_BIND *b = &st->rbind[i];

		if (col->is_null || b->buffer != col->data.p || col->len <= b->buffer_length)
			continue;
		if ((rc = grow(&col->data, (size_t)col->len + 1)) < 0)
			return rc;
		bind_column(st, i);
		if (mysql_stmt_fetch_column(st->my, b, i, 0))
			return my_fail(st->conn, st->my, "fetch", st->sql, st->sqllen, NO_SET);
		st->bound = 0;    /* the bigger buffers are given to the library before the next fetch */
	}
	return 0;
}

/* After a result's last row: the further results a CALL leaves (its status
 * among them) are read and dropped, so the connection is free again. */
static void drain_more(sqlkit_pstmt *st)
{
	while (mysql_stmt_more_results(st->my)) {
		if (mysql_stmt_next_result(st->my) != 0)
			break;
		mysql_stmt_free_result(st->my);
	}
}

/* Fetch the next row from the wire: 1 row, 0 done, < 0 error. */
static int fetch_wire(sqlkit_pstmt *st)
{
	int r, rc;

	if ((rc = bind_result(st)) < 0)
		return rc;
	r = mysql_stmt_fetch(st->my);
	if (r == 0)
		return 1;
	if (r == MYSQL_DATA_TRUNCATED)
		return (rc = refetch_truncated(st)) < 0 ? rc : 1;
	st->on_wire = 0;
	if (st->conn->streaming == st)
		st->conn->streaming = NULL;
	if (r == MYSQL_NO_DATA) {
		drain_more(st);
		return 0;
	}
	return my_fail(st->conn, st->my, "fetch", st->sql, st->sqllen, NO_SET);
}

/* ---------------------------------------------------------------- spooling */

/* The size of column i's current value in a spooled record. */
static size_t value_size(const column *col)
{
	if (col->is_null)
		return 0;
	return col->kind == K_BYTES || col->kind == K_BIT ? (size_t)col->len : sizeof col->num;
}

/* Where the current value's bytes are: the data buffer or num. */
static const void *value_bytes(const column *col)
{
	return col->kind == K_BYTES || col->kind == K_BIT ? (const void *)col->data.p : &col->num;
}

/* Append the row now in the column buffers to the spool. */
static int spool_row(sqlkit_pstmt *st)
{
	spooled *s = &st->spool;
	size_t need = 0, i;
	char *p;

	for (i = 0; i < st->ncols; i++)
		need += 1 + sizeof(size_t) + value_size(&st->cols[i]);
	if (s->len + need > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < s->len + need)
			cap *= 2;
		if (!(p = host->realloc(s->rows, cap)))
			return oom();
		s->rows = p;
		s->cap = cap;
	}
	p = s->rows + s->len;
	for (i = 0; i < st->ncols; i++) {
		const column *col = &st->cols[i];
		size_t n = value_size(col);
		*p++ = (char)col->is_null;
		memcpy(p, &n, sizeof n);
		p += sizeof n;
		if (n)
			memcpy(p, value_bytes(col), n);
		p += n;
	}
	s->len += need;
	s->count++;
	return 0;
}

/* Read the rest of st's rows into memory so the connection is free. The current
 * row stays where it is: the rest is fetched through a copy of the columns. */
static int spool_rest(sqlkit_pstmt *st)
{
	column *saved;
	unsigned i;
	int r, rc = 0;

	if (!st->on_wire)
		return 0;
	/* keep the current row's buffers: fetch into fresh ones */
	if (!(saved = host->malloc(st->ncols * sizeof *saved)))
		return oom();
	memcpy(saved, st->cols, st->ncols * sizeof *saved);
	for (i = 0; i < st->ncols; i++) {
		memset(&st->cols[i].data, 0, sizeof st->cols[i].data);
		memset(&st->cols[i].conv, 0, sizeof st->cols[i].conv);
	}
	for (i = 0; i < st->ncols && rc == 0; i++)
		if (saved[i].data.cap)
			rc = grow(&st->cols[i].data, saved[i].data.cap);
	for (i = 0; i < st->ncols; i++)
		bind_column(st, i);
	st->bound = 0;
	while (rc == 0 && (r = fetch_wire(st)) != 0) {
		if (r < 0) {
			rc = r;
			break;
		}
		rc = spool_row(st);
	}
	for (i = 0; i < st->ncols; i++) {
		buf_free(&st->cols[i].data);
		st->cols[i] = saved[i];
		bind_column(st, i);
	}
	host->free(saved);
	st->bound = 0;
	if (rc < 0) {
		/* The rows read so far are served; then the caller of this result hears
		 * why the rest is missing, instead of a result that merely ends. */
		st->deferred = rc;
		st->deferred_errno = mysql_stmt_errno(st->my);
		snprintf(st->deferred_msg, sizeof st->deferred_msg, "%s",
		         mysql_stmt_errno(st->my) ? mysql_stmt_error(st->my) : "out of memory");
		if (st->on_wire && !st->conn->dead)
			mysql_stmt_free_result(st->my);
		st->on_wire = 0;
	}
	if (st->conn->streaming == st)
		st->conn->streaming = NULL;
	return rc;
}

/* Serve the next spooled row into the column buffers: 1, or 0 when none is left. */
static int unspool(sqlkit_pstmt *st)
{
	spooled *s = &st->spool;
	const char *p;
	unsigned i;
	int rc;

	if (s->served == s->count)
		return 0;
	p = s->rows + s->pos;
	for (i = 0; i < st->ncols; i++) {
		column *col = &st->cols[i];
		size_t n;
		col->is_null = (flag_t)*p++;
		memcpy(&n, p, sizeof n);
		p += sizeof n;
		col->len = (unsigned long)n;
		if (col->is_null)
			continue;
		if (value_bytes(col) == col->data.p) {
			if ((rc = grow(&col->data, n + 1)) < 0)
				return rc;
			memcpy(col->data.p, p, n);
			st->bound = 0;
		} else {
			memcpy(&col->num, p, n);
		}
		p += n;
	}
	s->pos = (size_t)(p - s->rows);
	s->served++;
	if (!st->bound) {
		for (i = 0; i < st->ncols; i++)
			bind_column(st, i);
	}
	return 1;
}

/* ---------------------------------------------------------------- statements */

static void my_reset(sqlkit_pstmt *st)
{
	if (st->on_wire) {
		mysql_stmt_free_result(st->my);
		if (!st->conn->dead)
			drain_more(st);
		st->on_wire = 0;
	}
	st->deferred = 0;
	if (st->conn->streaming == st)
		st->conn->streaming = NULL;
	spool_free(&st->spool);
	st->state = ST_IDLE;
}

static void my_finalize(sqlkit_pstmt *st)
{
	unsigned i;

	if (!st)
		return;
	my_reset(st);
	/* Closing talks to the server: a result another statement is streaming is
	 * read into memory first, or the close would read its rows. */
	if (!st->conn->dead)
		(void)claim(st->conn, st);
	if (st->my)
		mysql_stmt_close(st->my);
	free_columns(st);
	for (i = 0; st->pconv && i < st->nparams; i++)
		buf_free(&st->pconv[i]);
	host->free(st->pconv);
	for (i = 0; i < 2; i++)
		if (st->multi[i])
			mysql_stmt_close(st->multi[i]);
	for (i = 0; i < st->mcap; i++)
		buf_free(&st->mconv[i]);
	host->free(st->mconv);
	host->free(st->mbind);
	host->free(st->mpv);
	host->free(st->mlen);
	host->free(st->pbind);
	host->free(st->pv);
	host->free(st->plen);
	host->free(st->sql);
	host->free(st);
}

/* mysql_stmt_prepare() of sql, in the connection's character set. */
static int prepare_text(sqlkit_pconn *c, MYSQL_STMT *h, const char *sql, size_t len)
{
	int rc;

	if (c->to_conn != (iconv_t)-1) {
		/* the statement's own text (literals, names) in the connection's charset */
		buf text = { NULL, 0 };
		size_t n;
		int bad;
		if ((rc = convert(c->to_conn, sql, len, &text, &n, &bad)) < 0 || bad) {
			if (rc == 0)
				rc = host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_DATA, "22021", 0, 0,
				                 "the SQL text has a character the connection's character set %s "
				                 "cannot hold (at byte %zu) in \"%.200s\"", c->charset, n, sql);
			buf_free(&text);
			return rc;
		}
		rc = mysql_stmt_prepare(h, text.p, (unsigned long)n) ? -1 : 0;
		buf_free(&text);
	} else {
		rc = mysql_stmt_prepare(h, sql, (unsigned long)len) ? -1 : 0;
	}
	return rc ? my_fail(c, h, NULL, sql, len, NO_SET) : 0;
}

static int my_prepare(sqlkit_pstmt **out, sqlkit_pconn *c, const char *sql, size_t len,
                      unsigned nparams)
{
	sqlkit_pstmt *st;
	int rc;

	*out = NULL;
	if ((rc = check_alive(c)) < 0 || (rc = claim(c, NULL)) < 0)
		return rc;
	if (nparams > MAX_PARAMS)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
		                   "%u parameters: MySQL takes at most %d in a statement", nparams,
		                   MAX_PARAMS);
	if (!(st = host->calloc(1, sizeof *st)))
		return oom();
	st->conn = c;
	st->nparams = nparams;
	st->sqllen = len;
	if (!(st->sql = host->malloc(len + 1)) ||
	    (nparams && (!(st->pbind = host->calloc(nparams, sizeof *st->pbind)) ||
	                 !(st->pv = host->calloc(nparams, sizeof *st->pv)) ||
	                 !(st->plen = host->calloc(nparams, sizeof *st->plen)) ||
	                 !(st->pconv = host->calloc(nparams, sizeof *st->pconv))))) {
		my_finalize(st);
		return oom();
	}
	memcpy(st->sql, sql, len);
	st->sql[len] = '\0';
	if (!(st->my = mysql_stmt_init(c->my))) {
		my_finalize(st);
		return oom();
	}
	if ((rc = prepare_text(c, st->my, sql, len)) < 0) {
		my_finalize(st);
		return rc;
	}
	if (mysql_stmt_param_count(st->my) != nparams) {
		rc = host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
		                 "the statement has %lu parameter markers, %u were expected in \"%.200s\"",
		                 mysql_stmt_param_count(st->my), nparams, st->sql);
		my_finalize(st);
		return rc;
	}
	if ((rc = load_columns(st)) < 0) {
		my_finalize(st);
		return rc;
	}
	*out = st;
	return 0;
}

static void to_mysql_time(MYSQL_TIME *t, const sqlkit_value *v)
{
	memset(t, 0, sizeof *t);
	t->year = (unsigned)v->u.dt.year;
	t->month = (unsigned)v->u.dt.month;
	t->day = (unsigned)v->u.dt.day;
	t->hour = (unsigned)v->u.dt.hour;
	t->minute = (unsigned)v->u.dt.minute;
	t->second = (unsigned)v->u.dt.second;
	t->second_part = (unsigned long)v->u.dt.microsecond;
	/* A MySQL DATETIME has no time zone: the wall time is stored, as
	 * PostgreSQL's timestamp without time zone does. */
	t->time_type = v->type == SQLKIT_TYPE_DATE ? MYSQL_TIMESTAMP_DATE :
	               v->type == SQLKIT_TYPE_TIME ? MYSQL_TIMESTAMP_TIME : MYSQL_TIMESTAMP_DATETIME;
}

/* Text into the connection's character set (into conv when it differs). */
static int text_param(sqlkit_pstmt *st, unsigned i, buf *conv, const char *p, size_t len,
                      const char **out, size_t *out_len, size_t set)
{
	int bad, rc;

	if (st->conn->to_conn == (iconv_t)-1) {
		*out = p;
		*out_len = len;
		return 0;
	}
	if ((rc = convert(st->conn->to_conn, p, len, conv, out_len, &bad)) < 0)
		return rc;
	if (bad) {
		char setbuf[48] = "";
		if (set != NO_SET)
			snprintf(setbuf, sizeof setbuf, " (parameter set %zu)", set);
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22021", 0, 0,
		                   "parameter %u: the text has a character the connection's character set "
		                   "%s cannot hold (at byte %zu)%s", i + 1, st->conn->charset, *out_len,
		                   setbuf);
	}
	*out = conv->p;
	return 0;
}

/* Fill bind b for parameter i from v; pv, plen and conv are its storage. */
static int bind_value(sqlkit_pstmt *st, unsigned i, const sqlkit_value *v, MYSQL_BIND *b,
                      pval *pv, unsigned long *plen, buf *conv, size_t set)
{
	const char *p = NULL;
	size_t n = 0;
	int rc;

	memset(b, 0, sizeof *b);
	switch (v->type) {
	case SQLKIT_TYPE_NULL:
		b->buffer_type = MYSQL_TYPE_NULL;
		return 0;
	case SQLKIT_TYPE_INT:
		pv->i = v->u.i;
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &pv->i;
		return 0;
	case SQLKIT_TYPE_FLOAT:
		pv->f = v->u.f;
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &pv->f;
		return 0;
	case SQLKIT_TYPE_BOOL:
		pv->b = (signed char)(v->u.b != 0);
		b->buffer_type = MYSQL_TYPE_TINY;
		b->buffer = &pv->b;
		return 0;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME:
		to_mysql_time(&pv->t, v);
		b->buffer_type = v->type == SQLKIT_TYPE_DATE ? MYSQL_TYPE_DATE :
		                 v->type == SQLKIT_TYPE_TIME ? MYSQL_TYPE_TIME : MYSQL_TYPE_DATETIME;
		b->buffer = &pv->t;
		b->buffer_length = sizeof pv->t;
		return 0;
	case SQLKIT_TYPE_UUID: {
		/* no native type: the 32 hex digits of a CHAR(32) column */
		static const char hex[] = "0123456789abcdef";
		int k;
		if ((rc = grow(conv, 33)) < 0)
			return rc;
		for (k = 0; k < 16; k++) {
			conv->p[2 * k] = hex[v->u.uuid[k] >> 4];
			conv->p[2 * k + 1] = hex[v->u.uuid[k] & 15];
		}
		*plen = 32;
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = conv->p;
		b->buffer_length = 32;
		b->length = plen;
		return 0;
	}
	case SQLKIT_TYPE_DECIMAL:
		if (!sqlkit_decimal_text_valid(v->u.s.ptr, v->u.s.len))
			return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_DATA, "22P02", 0, 0,
			                   "parameter %u: \"%.*s\" is not a decimal number", i + 1,
			                   (int)(v->u.s.len > 60 ? 60 : v->u.s.len), v->u.s.ptr);
		b->buffer_type = MYSQL_TYPE_NEWDECIMAL;
		b->buffer = (void *)v->u.s.ptr;
		*plen = (unsigned long)v->u.s.len;
		b->buffer_length = *plen;
		b->length = plen;
		return 0;
	case SQLKIT_TYPE_BLOB:
		b->buffer_type = MYSQL_TYPE_BLOB;
		b->buffer = (void *)(v->u.s.ptr ? v->u.s.ptr : "");
		*plen = (unsigned long)v->u.s.len;
		b->buffer_length = *plen;
		b->length = plen;
		return 0;
	case SQLKIT_TYPE_TEXT:
	case SQLKIT_TYPE_JSON:
	default:
		if ((rc = text_param(st, i, conv, v->u.s.ptr ? v->u.s.ptr : "", v->u.s.len, &p, &n, set)) < 0)
			return rc;
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = (void *)p;
		*plen = (unsigned long)n;
		b->buffer_length = *plen;
		b->length = plen;
		return 0;
	}
}

static int bind_params(sqlkit_pstmt *st, const sqlkit_value *params, size_t set)
{
	unsigned i;
	int rc;

	if (!st->nparams)
		return 0;
	for (i = 0; i < st->nparams; i++)
		if ((rc = bind_value(st, i, &params[i], &st->pbind[i], &st->pv[i], &st->plen[i],
		                     &st->pconv[i], set)) < 0)
			return rc;
	if (mysql_stmt_bind_param(st->my, st->pbind))
		return my_fail(st->conn, st->my, "bind", st->sql, st->sqllen, set);
	return 0;
}

/* What an execution leaves behind: row count, insert id, a result to stream. */
static int after_execute(sqlkit_pstmt *st, int *has_row)
{
	my_ulonglong id;
	unsigned n = mysql_stmt_field_count(st->my);
	int rc;

	st->affected = -1;
	if (!n) {
		my_ulonglong a = mysql_stmt_affected_rows(st->my);
		st->affected = a == (my_ulonglong)-1 ? -1 : (int64_t)a;
		if ((id = mysql_stmt_insert_id(st->my)) != 0)
			st->conn->last_id = (int64_t)id;
		st->state = ST_DONE;
		*has_row = 0;
		return 0;
	}
	/* a statement whose result changed shape (ALTER TABLE under it) */
	if (n != st->ncols && (rc = load_columns(st)) < 0)
		return rc;
	if ((rc = bind_result(st)) < 0)
		return rc;
	st->on_wire = 1;
	st->conn->streaming = st;
	if ((rc = fetch_wire(st)) < 0)
		return rc;
	st->state = rc ? ST_ROW : ST_DONE;
	*has_row = rc;
	return 0;
}

/* A new server-side statement for st's SQL, and its result's new shape. */
static int reprepare(sqlkit_pstmt *st)
{
	MYSQL_STMT *h;
	int rc;

	mysql_stmt_free_result(st->my);
	if (!(h = mysql_stmt_init(st->conn->my)))
		return oom();
	if ((rc = prepare_text(st->conn, h, st->sql, st->sqllen)) < 0) {
		mysql_stmt_close(h);
		return rc;
	}
	mysql_stmt_close(st->my);
	st->my = h;
	return load_columns(st);
}

static int my_execute(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                      int *has_row)
{
	sqlkit_pconn *c = st->conn;
	int rc;

	*has_row = 0;
	if ((rc = check_alive(c)) < 0)
		return rc;
	if (nparams != st->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
		                   "%u parameters given, the statement takes %u", nparams, st->nparams);
	if (st->state != ST_IDLE)
		my_reset(st);
	if ((rc = claim(c, st)) < 0 || (rc = bind_params(st, params, NO_SET)) < 0)
		return rc;
	if (mysql_stmt_execute(st->my)) {
		/* The table changed under the statement and its result has another
		 * number of columns (CR_NEW_STMT_METADATA): prepare it again, once. */
		if (mysql_stmt_errno(st->my) != 2057 || (rc = reprepare(st)) < 0 ||
		    (rc = bind_params(st, params, NO_SET)) < 0 || mysql_stmt_execute(st->my))
			return rc < 0 ? rc : my_fail(c, st->my, NULL, st->sql, st->sqllen, NO_SET);
	}
	return after_execute(st, has_row);
}

static int my_step(sqlkit_pstmt *st)
{
	int rc;

	if (st->state != ST_ROW)
		return 0;
	if (st->spool.count || st->deferred)
		rc = unspool(st);
	else if (st->on_wire)
		rc = fetch_wire(st);
	else
		rc = 0;
	if (rc == 0 && st->deferred) {
		int dead = dead_errno(st->deferred_errno) || st->conn->dead;
		rc = host->error(dead ? SQLKIT_EDISCONNECTED : st->deferred,
		                 dead ? SQLKIT_ERRCLASS_OPERATIONAL : SQLKIT_ERRCLASS_DATABASE,
		                 dead ? "08S01" : NULL, (int)st->deferred_errno, dead,
		                 "the rest of the result could not be read when another statement "
		                 "needed the connection: %s", st->deferred_msg);
		st->deferred = 0;
	}
	if (rc <= 0)
		st->state = ST_DONE;
	return rc;
}

static unsigned my_column_count(sqlkit_pstmt *st)
{
	return st->ncols;
}

static const char *my_column_name(sqlkit_pstmt *st, unsigned i)
{
	return i < st->ncols ? st->cols[i].name : NULL;
}

static sqlkit_type my_column_type(sqlkit_pstmt *st, unsigned i)
{
	return i < st->ncols ? st->cols[i].type : SQLKIT_TYPE_NULL;
}

static void set_bytes(sqlkit_value *out, sqlkit_type type, const char *p, size_t len)
{
	out->type = type;
	out->u.s.ptr = p;
	out->u.s.len = len;
}

static int my_column_value(sqlkit_pstmt *st, unsigned i, sqlkit_value *out)
{
	column *col;
	const MYSQL_TIME *t;

	memset(out, 0, sizeof *out);
	if (st->state != ST_ROW)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
	if (i >= st->ncols)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "no column %u: the row has %u", i, st->ncols);
	col = &st->cols[i];
	if (col->is_null)
		return 0;
	if (value_bytes(col) == col->data.p) {
		char *p = col->data.p;
		size_t len = col->len;

		p[len] = '\0';     /* the buffer always has the room */
		if (col->ftype == MYSQL_TYPE_BIT) {
			uint64_t v = 0;
			size_t k;
			for (k = 0; k < len; k++)
				v = v << 8 | (unsigned char)p[k];
			out->type = col->type;
			if (col->type == SQLKIT_TYPE_BOOL)
				out->u.b = v != 0;
			else
				out->u.i = (int64_t)v;
			return 0;
		}
		if (col->text && st->conn->from_conn != (iconv_t)-1) {
			size_t n;
			int bad, rc;
			if ((rc = convert(st->conn->from_conn, p, len, &col->conv, &n, &bad)) < 0)
				return rc;
			if (bad)
				return host->error(SQLKIT_ERROR, SQLKIT_ERRCLASS_DATA, "22021", 0, 0,
				                   "column \"%s\": the server sent text that is not valid %s",
				                   col->name, st->conn->charset);
			p = col->conv.p;
			len = n;
		}
		set_bytes(out, col->type == SQLKIT_TYPE_NULL ? SQLKIT_TYPE_TEXT : col->type, p, len);
		return 0;
	}
	switch (col->type) {
	case SQLKIT_TYPE_BOOL:
		out->type = SQLKIT_TYPE_BOOL;
		out->u.b = col->num.i != 0;
		return 0;
	case SQLKIT_TYPE_INT:
		if (col->is_unsigned && (uint64_t)col->num.i > INT64_MAX) {
			/* BIGINT UNSIGNED beyond int64: exact, as a decimal */
			int n = snprintf(col->data.p ? col->data.p : NULL, 0, "%" PRIu64, (uint64_t)col->num.i);
			int rc;
			if ((rc = grow(&col->conv, (size_t)n + 1)) < 0)
				return rc;
			snprintf(col->conv.p, col->conv.cap, "%" PRIu64, (uint64_t)col->num.i);
			set_bytes(out, SQLKIT_TYPE_DECIMAL, col->conv.p, (size_t)n);
			return 0;
		}
		out->type = SQLKIT_TYPE_INT;
		out->u.i = col->num.i;
		return 0;
	case SQLKIT_TYPE_FLOAT:
		out->type = SQLKIT_TYPE_FLOAT;
		out->u.f = col->num.f;
		return 0;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME:
		t = &col->num.t;
		if (col->type == SQLKIT_TYPE_TIME && (t->neg || t->day || t->hour > 23)) {
			/* an elapsed time, not a time of day: its text */
			unsigned long h = t->hour + 24ul * t->day;
			int n, rc;
			if ((rc = grow(&col->conv, 48)) < 0)
				return rc;
			n = snprintf(col->conv.p, col->conv.cap, "%s%lu:%02u:%02u", t->neg ? "-" : "", h,
			             t->minute, t->second);
			if (t->second_part)
				n += snprintf(col->conv.p + n, col->conv.cap - (size_t)n, ".%06lu", t->second_part);
			set_bytes(out, SQLKIT_TYPE_TEXT, col->conv.p, (size_t)n);
			return 0;
		}
		out->type = col->type;
		out->u.dt.year = (int)t->year;
		out->u.dt.month = (int)t->month;
		out->u.dt.day = (int)t->day;
		out->u.dt.hour = (int)t->hour;
		out->u.dt.minute = (int)t->minute;
		out->u.dt.second = (int)t->second;
		out->u.dt.microsecond = (int)t->second_part;
		if (col->type == SQLKIT_TYPE_TIME)
			out->u.dt.year = out->u.dt.month = out->u.dt.day = 0;
		return 0;
	default:
		return 0;
	}
}

/* The whole row in one call (ABI 1.1): the state checked once, not per
 * column. The common cases (NULL; text and other bytes already in UTF-8;
 * integers, floats, booleans) are read here as my_column_value reads them;
 * the rest (BIT, text to convert, BIGINT UNSIGNED beyond int64, dates and
 * times) goes through my_column_value itself, so there is one copy of that. */
static int my_row_values(sqlkit_pstmt *st, sqlkit_value *out, unsigned n)
{
	int utf8 = st->conn->from_conn == (iconv_t)-1;
	unsigned i;
	int rc;

	if (st->state != ST_ROW)
		return host->error(SQLKIT_ESTATE, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0, "no current row");
	if (n > st->ncols)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "%u values asked for: the row has %u", n, st->ncols);
	for (i = 0; i < n; i++) {
		column *col = &st->cols[i];
		sqlkit_value *v = &out[i];

		if (col->is_null) {
			v->type = SQLKIT_TYPE_NULL;
			continue;
		}
		switch (col->kind) {
		case K_BYTES:
			if (!col->text || utf8) {
				col->data.p[col->len] = '\0';     /* the buffer always has the room */
				set_bytes(v, col->type == SQLKIT_TYPE_NULL ? SQLKIT_TYPE_TEXT : col->type,
				          col->data.p, col->len);
				continue;
			}
			break;
		case K_UINT:
			if ((uint64_t)col->num.i > INT64_MAX)
				break;
			/* fall through */
		case K_INT:
			v->type = SQLKIT_TYPE_INT;
			v->u.i = col->num.i;
			continue;
		case K_FLOAT:
			v->type = SQLKIT_TYPE_FLOAT;
			v->u.f = col->num.f;
			continue;
		case K_BOOL:
			v->type = SQLKIT_TYPE_BOOL;
			v->u.b = col->num.i != 0;
			continue;
		default:
			break;
		}
		if ((rc = my_column_value(st, i, v)) < 0)
			return rc;
	}
	return 0;
}

static int64_t my_rows_affected(sqlkit_pstmt *st)
{
	return st->affected;
}

/* ---------------------------------------------------------------- executemany */

#if HAVE_BULK
/* Column-wise arrays for one batch. */
typedef struct bulk {
	MYSQL_BIND *b;
	char *ind;                      /* nparams x nsets indicators */
	void **arrays;                  /* per parameter: the value array */
	unsigned long **lens;           /* per parameter: lengths (strings) */
	/* per parameter: pointers to each set's MYSQL_TIME. Connector/C reads the
	 * buffer of a type without a fixed wire size (strings, blobs, dates and
	 * times) as an array of pointers, one per set. */
	void ***times;
} bulk;

static void bulk_free(bulk *k, unsigned nparams)
{
	unsigned i;

	if (k->arrays)
		for (i = 0; i < nparams; i++)
			host->free(k->arrays[i]);
	if (k->lens)
		for (i = 0; i < nparams; i++)
			host->free(k->lens[i]);
	if (k->times)
		for (i = 0; i < nparams; i++)
			host->free(k->times[i]);
	host->free(k->times);
	host->free(k->b);
	host->free(k->ind);
	host->free(k->arrays);
	host->free(k->lens);
}

/* The type every set agrees on for parameter i (NULLs aside), or NULL type when
 * all are NULL; -1 when two sets differ. */
static int column_type_of(const sqlkit_value *params, unsigned nparams, size_t nsets, unsigned i)
{
	sqlkit_type t = SQLKIT_TYPE_NULL;
	size_t s;

	for (s = 0; s < nsets; s++) {
		sqlkit_type u = params[s * nparams + i].type;
		if (u == SQLKIT_TYPE_NULL)
			continue;
		if (u == SQLKIT_TYPE_JSON)
			u = SQLKIT_TYPE_TEXT;
		if (t != SQLKIT_TYPE_NULL && u != t)
			return -1;
		t = u;
	}
	return (int)t;
}

/* 1 when the batch went as one array-bound execution; 0 when the values do not
 * suit it (the caller loops); < 0 on error. */
static int execute_bulk(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                        size_t first, size_t nsets, int64_t *rows_affected)
{
	bulk k;
	unsigned i, size = (unsigned)nsets;
	size_t s;
	int rc = 0, type;

	memset(&k, 0, sizeof k);
	/* Values that need converting or checking one by one go the slow way. */
	for (i = 0; i < nparams; i++)
		if ((type = column_type_of(params, nparams, nsets, i)) < 0 ||
		    type == SQLKIT_TYPE_UUID || type == SQLKIT_TYPE_DECIMAL ||
		    ((type == SQLKIT_TYPE_TEXT) && st->conn->to_conn != (iconv_t)-1))
			return 0;
	if (!(k.b = host->calloc(nparams, sizeof *k.b)) || !(k.ind = host->calloc(nparams, nsets)) ||
	    !(k.arrays = host->calloc(nparams, sizeof *k.arrays)) ||
	    !(k.lens = host->calloc(nparams, sizeof *k.lens)) ||
	    !(k.times = host->calloc(nparams, sizeof *k.times))) {
		bulk_free(&k, nparams);
		return oom();
	}
	for (i = 0; i < nparams && rc == 0; i++) {
		MYSQL_BIND *b = &k.b[i];
		char *ind = k.ind + (size_t)i * nsets;
		size_t esize;

		type = column_type_of(params, nparams, nsets, i);
		b->u.indicator = ind;
		switch (type) {
		case SQLKIT_TYPE_NULL:
			b->buffer_type = MYSQL_TYPE_NULL;
			esize = 1;
			break;
		case SQLKIT_TYPE_INT:
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			esize = sizeof(int64_t);
			break;
		case SQLKIT_TYPE_FLOAT:
			b->buffer_type = MYSQL_TYPE_DOUBLE;
			esize = sizeof(double);
			break;
		case SQLKIT_TYPE_BOOL:
			b->buffer_type = MYSQL_TYPE_TINY;
			esize = 1;
			break;
		case SQLKIT_TYPE_DATE:
		case SQLKIT_TYPE_TIME:
		case SQLKIT_TYPE_DATETIME:
			b->buffer_type = type == SQLKIT_TYPE_DATE ? MYSQL_TYPE_DATE :
			                 type == SQLKIT_TYPE_TIME ? MYSQL_TYPE_TIME : MYSQL_TYPE_DATETIME;
			esize = sizeof(MYSQL_TIME);
			break;
		default:   /* text, JSON, blob: arrays of pointers and lengths */
			b->buffer_type = type == SQLKIT_TYPE_BLOB ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
			esize = sizeof(char *);
			if (!(k.lens[i] = host->calloc(nsets, sizeof *k.lens[i])))
				rc = oom();
			b->length = k.lens[i];
			break;
		}
		if (rc == 0 && !(k.arrays[i] = host->calloc(nsets, esize)))
			rc = oom();
		b->buffer = k.arrays[i];
		if (rc == 0 && (type == SQLKIT_TYPE_DATE || type == SQLKIT_TYPE_TIME ||
		                type == SQLKIT_TYPE_DATETIME)) {
			if (!(k.times[i] = host->calloc(nsets, sizeof *k.times[i]))) {
				rc = oom();
			} else {
				for (s = 0; s < nsets; s++)
					k.times[i][s] = &((MYSQL_TIME *)k.arrays[i])[s];
				b->buffer = k.times[i];
			}
		}
		for (s = 0; rc == 0 && s < nsets; s++) {
			const sqlkit_value *v = &params[s * nparams + i];
			if (v->type == SQLKIT_TYPE_NULL) {
				ind[s] = STMT_INDICATOR_NULL;
				continue;
			}
			ind[s] = STMT_INDICATOR_NONE;
			switch (type) {
			case SQLKIT_TYPE_INT:
				((int64_t *)k.arrays[i])[s] = v->u.i;
				break;
			case SQLKIT_TYPE_FLOAT:
				((double *)k.arrays[i])[s] = v->u.f;
				break;
			case SQLKIT_TYPE_BOOL:
				((signed char *)k.arrays[i])[s] = (signed char)(v->u.b != 0);
				break;
			case SQLKIT_TYPE_DATE:
			case SQLKIT_TYPE_TIME:
			case SQLKIT_TYPE_DATETIME:
				to_mysql_time(&((MYSQL_TIME *)k.arrays[i])[s], v);
				break;
			case SQLKIT_TYPE_BLOB:
				((const char **)k.arrays[i])[s] = v->u.s.ptr ? v->u.s.ptr : "";
				k.lens[i][s] = (unsigned long)v->u.s.len;
				break;
			default:
				((const char **)k.arrays[i])[s] = v->u.s.ptr ? v->u.s.ptr : "";
				k.lens[i][s] = (unsigned long)v->u.s.len;
				break;
			}
		}
	}
	if (rc < 0) {
		bulk_free(&k, nparams);
		return rc;
	}
	if (mysql_stmt_attr_set(st->my, STMT_ATTR_ARRAY_SIZE, &size) ||
	    mysql_stmt_bind_param(st->my, k.b)) {
		rc = my_fail(st->conn, st->my, "executemany", st->sql, st->sqllen, NO_SET);
	} else if (mysql_stmt_execute(st->my)) {
		char ctx[96];
		snprintf(ctx, sizeof ctx, "executemany (parameter sets %zu-%zu, sent as one batch)",
		         first + 1, first + nsets);
		rc = my_fail(st->conn, st->my, ctx, st->sql, st->sqllen, NO_SET);
	} else {
		my_ulonglong a = mysql_stmt_affected_rows(st->my);
		my_ulonglong id = mysql_stmt_insert_id(st->my);
		*rows_affected = a == (my_ulonglong)-1 ? -1 : (int64_t)a;
		if (id)
			st->conn->last_id = (int64_t)id;
		if (mysql_stmt_field_count(st->my))
			mysql_stmt_free_result(st->my);
		rc = 1;
	}
	size = 0;
	mysql_stmt_attr_set(st->my, STMT_ATTR_ARRAY_SIZE, &size);
	bulk_free(&k, nparams);
	return rc;
}
#endif

/* ---- multi-row VALUES */

static size_t wire_bytes(const sqlkit_value *set, unsigned nparams);

static int is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* Whether the word at sql[i] is w (any case), standing alone. */
static int word_at(const char *sql, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);

	return i + n <= len && (i == 0 || !is_word_char(sql[i - 1])) &&
	       sqlkit_word_is(sql + i, n, w) && (i + n == len || !is_word_char(sql[i + n]));
}

/* In an INSERT (or REPLACE) whose markers are '?', find the "(...)" after the
 * top-level VALUES: 0 with its place, or -1 when the statement is not such an
 * INSERT or has a marker outside that group. */
static int find_values_group(const char *sql, size_t len, unsigned nparams, size_t *at,
                             size_t *glen)
{
	size_t i = 0, start = 0, depth = 0;
	unsigned inside = 0, outside = 0;
	int state = 0;   /* 0 before VALUES, 1 between VALUES and '(', 2 in the group, 3 after */

	while (i < len && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r'))
		i++;
	if (!word_at(sql, len, i, "insert") && !word_at(sql, len, i, "replace"))
		return -1;
	for (; i < len; i++) {
		char c = sql[i];
		if (c == '\'' || c == '"' || c == '`') {
			for (i++; i < len && sql[i] != c; i++)
				if (c != '`' && sql[i] == '\\')
					i++;
			if (state == 1)
				return -1;
			continue;
		}
		if ((c == '-' && i + 1 < len && sql[i + 1] == '-') || c == '#') {
			while (i < len && sql[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < len && sql[i + 1] == '*') {
			for (i += 2; i + 1 < len && !(sql[i] == '*' && sql[i + 1] == '/'); i++)
				;
			i++;
			continue;
		}
		if (c == '?') {
			if (state == 2)
				inside++;
			else
				outside++;
		}
		switch (state) {
		case 0:
			if (word_at(sql, len, i, "values") || word_at(sql, len, i, "value")) {
				i += sql[i + 5] == 's' || sql[i + 5] == 'S' ? 5 : 4;
				state = 1;
			} else if (word_at(sql, len, i, "select")) {
				return -1;    /* INSERT ... SELECT */
			}
			break;
		case 1:
			if (c == '(') {
				state = 2;
				start = i;
				depth = 1;
			} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return -1;
			}
			break;
		case 2:
			if (c == '(')
				depth++;
			else if (c == ')' && --depth == 0) {
				state = 3;
				*at = start;
				*glen = i + 1 - start;
			}
			break;
		default:
			if (c == '(' && state == 3) {
				/* a second row already written in the SQL: leave it alone */
				size_t k = i;
				while (k > *at + *glen && (sql[k - 1] == ' ' || sql[k - 1] == '\n' ||
				                           sql[k - 1] == '\t' || sql[k - 1] == '\r'))
					k--;
				if (k > *at + *glen && sql[k - 1] == ',')
					return -1;
			}
			break;
		}
	}
	return state == 3 && outside == 0 && inside == nparams ? 0 : -1;
}

/* The statement for rows rows of st's VALUES group, prepared in slot. */
static int prepare_multi(sqlkit_pstmt *st, int slot, unsigned rows)
{
	size_t len = st->sqllen + (size_t)(rows - 1) * (st->group_len + 2), n, end;
	char *sql;
	unsigned r;
	int rc;

	if (st->multi[slot] && st->multi_rows[slot] == rows)
		return 0;
	if (st->multi[slot])
		mysql_stmt_close(st->multi[slot]);
	st->multi[slot] = NULL;
	st->multi_rows[slot] = 0;
	if (!(sql = host->malloc(len + 1)))
		return oom();
	end = st->group_at + st->group_len;
	memcpy(sql, st->sql, end);
	n = end;
	for (r = 1; r < rows; r++) {
		sql[n++] = ',';
		sql[n++] = ' ';
		memcpy(sql + n, st->sql + st->group_at, st->group_len);
		n += st->group_len;
	}
	memcpy(sql + n, st->sql + end, st->sqllen - end);
	n += st->sqllen - end;
	sql[n] = '\0';
	if (!(st->multi[slot] = mysql_stmt_init(st->conn->my))) {
		host->free(sql);
		return oom();
	}
	if ((rc = prepare_text(st->conn, st->multi[slot], sql, n)) < 0) {
		mysql_stmt_close(st->multi[slot]);
		st->multi[slot] = NULL;
	} else {
		st->multi_rows[slot] = rows;
	}
	host->free(sql);
	return rc;
}

/* Binds and storage for n parameters. */
static int multi_room(sqlkit_pstmt *st, size_t n)
{
	void *p;

	if (st->mcap >= n)
		return 0;
	if (!(p = host->realloc(st->mbind, n * sizeof *st->mbind)))
		return oom();
	st->mbind = p;
	if (!(p = host->realloc(st->mpv, n * sizeof *st->mpv)))
		return oom();
	st->mpv = p;
	if (!(p = host->realloc(st->mlen, n * sizeof *st->mlen)))
		return oom();
	st->mlen = p;
	if (!(p = host->realloc(st->mconv, n * sizeof *st->mconv)))
		return oom();
	st->mconv = p;
	memset(st->mconv + st->mcap, 0, (n - st->mcap) * sizeof *st->mconv);
	st->mcap = n;
	return 0;
}

/* Send sets [first, first + *done) as one multi-row INSERT; *done is how many
 * fitted (at most n). */
static int execute_values(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                          size_t first, size_t n, int64_t *rows_affected, size_t *done)
{
	unsigned full = VALUES_MAX_ROWS < MAX_PARAMS / nparams ? VALUES_MAX_ROWS : MAX_PARAMS / nparams;
	size_t k, bytes = 0, r;
	MYSQL_STMT *h;
	unsigned i;
	int rc, slot;

	for (k = 0; k < n && k < full; k++) {
		bytes += wire_bytes(params + (first + k) * nparams, nparams);
		if (k && bytes > BULK_MAX_BYTES)
			break;
	}
	slot = k == full ? 0 : 1;
	if ((rc = prepare_multi(st, slot, (unsigned)k)) < 0 || (rc = multi_room(st, k * nparams)) < 0)
		return rc;
	h = st->multi[slot];
	for (r = 0; r < k; r++)
		for (i = 0; i < nparams; i++) {
			size_t j = r * nparams + i;
			if ((rc = bind_value(st, i, &params[(first + r) * nparams + i], &st->mbind[j],
			                     &st->mpv[j], &st->mlen[j], &st->mconv[j], first + r + 1)) < 0)
				return rc;
		}
	*done = k;
	if (mysql_stmt_bind_param(h, st->mbind))
		return my_fail(st->conn, h, "executemany", st->sql, st->sqllen, NO_SET);
	if (mysql_stmt_execute(h)) {
		char ctx[96];
		snprintf(ctx, sizeof ctx, "executemany (parameter sets %zu-%zu, sent as one INSERT)",
		         first + 1, first + k);
		return my_fail(st->conn, h, ctx, st->sql, st->sqllen, NO_SET);
	}
	{
		my_ulonglong a = mysql_stmt_affected_rows(h), id = mysql_stmt_insert_id(h);
		*rows_affected = a == (my_ulonglong)-1 ? -1 : (int64_t)a;
		if (id)
			st->conn->last_id = (int64_t)id;
	}
	*done = k;
	return 0;
}

/* Whether st's executemany may go as multi-row VALUES. */
static int values_usable(sqlkit_pstmt *st)
{
	if (!st->values_state)
		st->values_state = !st->ncols && st->nparams &&
		                   find_values_group(st->sql, st->sqllen, st->nparams, &st->group_at,
		                                     &st->group_len) == 0 ? 1 : -1;
	return st->values_state > 0;
}

/* The sets [first, first + n) one execute each. */
static int execute_each(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                        size_t first, size_t n, int64_t *total)
{
	size_t s;
	int rc, has_row;

	for (s = first; s < first + n; s++) {
		if ((rc = bind_params(st, params + s * nparams, s + 1)) < 0)
			return rc;
		if (mysql_stmt_execute(st->my))
			return my_fail(st->conn, st->my, NULL, st->sql, st->sqllen, s + 1);
		if ((rc = after_execute(st, &has_row)) < 0)
			return rc;
		if (st->affected > 0)
			*total += st->affected;
		my_reset(st);
	}
	return 0;
}

/* About how many bytes set s puts on the wire. */
static size_t wire_bytes(const sqlkit_value *set, unsigned nparams)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < nparams; i++) {
		const sqlkit_value *v = &set[i];
		n += 16;
		if (v->type == SQLKIT_TYPE_TEXT || v->type == SQLKIT_TYPE_BLOB ||
		    v->type == SQLKIT_TYPE_JSON || v->type == SQLKIT_TYPE_DECIMAL)
			n += v->u.s.len;
	}
	return n;
}

/* A batch sent as one statement failed with rc: the server does not say which
 * set. The statement was undone as a whole, so the sets are run again one by
 * one up to the one that fails, whose error (with "(parameter set N)") is what
 * executemany reports; the core then rolls the whole executemany back. Only for
 * errors of the data (a constraint, a bad value), never on a lost connection. */
static int find_failing_set(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                            size_t first, size_t n, int rc)
{
	int64_t ignored = 0;
	int again;

	if (st->conn->dead || (rc != SQLKIT_ECONSTRAINT && rc != SQLKIT_ERROR))
		return rc;
	if ((again = execute_each(st, params, nparams, first, n, &ignored)) < 0)
		return again;
	return rc;   /* every set went in one by one: the batch's own error stands */
}

static int my_execute_many(sqlkit_pstmt *st, const sqlkit_value *params, unsigned nparams,
                           size_t nsets, int64_t *rows_affected)
{
	sqlkit_pconn *c = st->conn;
	int64_t total = 0;
	size_t first = 0;
	int rc;

	*rows_affected = 0;
	if ((rc = check_alive(c)) < 0)
		return rc;
	if (nparams != st->nparams)
		return host->error(SQLKIT_EPARAM, SQLKIT_ERRCLASS_PROGRAMMING, NULL, 0, 0,
		                   "%u parameters given, the statement takes %u", nparams, st->nparams);
	if (st->state != ST_IDLE)
		my_reset(st);
	if ((rc = claim(c, st)) < 0)
		return rc;
	while (first < nsets) {
		size_t n = nsets - first, done = 0;
		int64_t rows = 0;
#if HAVE_BULK
		if (c->bulk && c->many_mode == MANY_AUTO && nparams && n > 1 && !st->ncols) {
			/* batches well under the server's max_allowed_packet (16 MB by default) */
			size_t bytes = 0, k;
			for (k = 0; k < n && k < BULK_MAX_SETS; k++) {
				bytes += wire_bytes(params + (first + k) * nparams, nparams);
				if (k && bytes > BULK_MAX_BYTES)
					break;
			}
			if ((rc = execute_bulk(st, params + first * nparams, nparams, first, k, &rows)) < 0)
				return find_failing_set(st, params, nparams, first, k, rc);
			if (rc == 1) {
				total += rows > 0 ? rows : 0;
				first += k;
				continue;
			}
		}
#endif
		if (c->many_mode != MANY_EACH && n > 1 && values_usable(st)) {
			if ((rc = execute_values(st, params, nparams, first, n, &rows, &done)) < 0)
				return find_failing_set(st, params, nparams, first, done ? done : n, rc);
			total += rows > 0 ? rows : 0;
			first += done;
			continue;
		}
		if ((rc = execute_each(st, params, nparams, first, n, &total)) < 0)
			return rc;
		first += n;
	}
	*rows_affected = total;
	return 0;
}

/* ---------------------------------------------------------------- engine support */

static int my_set_isolation_level(sqlkit_pconn *c, const char *level)
{
	static const char *const levels[] = { "READ UNCOMMITTED", "READ COMMITTED",
	                                      "REPEATABLE READ", "SERIALIZABLE", NULL };
	char sql[96];
	size_t i;

	for (i = 0; levels[i]; i++)
		if (sqlkit_equal_ci(levels[i], level))
			break;
	if (!levels[i])
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "unknown isolation level \"%s\" for mysql: READ UNCOMMITTED, "
		                   "READ COMMITTED, REPEATABLE READ or SERIALIZABLE", level);
	snprintf(sql, sizeof sql, "SET SESSION TRANSACTION ISOLATION LEVEL %s", levels[i]);
	return command(c, sql, "isolation level");
}

static int my_has_table(sqlkit_pconn *c, const char *name)
{
	static const char sql[] = "SELECT 1 FROM information_schema.tables "
	                          "WHERE table_schema = DATABASE() AND table_name = ?";
	sqlkit_pstmt *st;
	sqlkit_value v = sqlkit_text(name);
	int rc, has_row = 0;

	if ((rc = my_prepare(&st, c, sql, sizeof sql - 1, 1)) < 0)
		return rc;
	rc = my_execute(st, &v, 1, &has_row);
	my_finalize(st);
	return rc < 0 ? rc : has_row;
}

/* ---------------------------------------------------------------- entry point */

/* When the core unloads the plugin (sqlkit_shutdown()) or the process ends: give
 * back the client library's process-wide state. Every connection is closed by
 * then. */
#if defined(__GNUC__)
__attribute__((destructor))
#endif
static void teardown(void)
{
	if (library_ready)
		mysql_library_end();
	library_ready = 0;
}

/* How MySQL spells SQL (dialect.c). */
extern const sqlkit_dialect sqlkit__dialect_mysql;

static const char *const schemes[] = { "mysql", NULL };
static const char *const drivers[] = { "mysqlclient", "mysqldb", "mariadbconnector", NULL };
static char description[96];

static const sqlkit_plugin plugin = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = SQLKIT_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(sqlkit_plugin),
	.name = "mysql",
	.version = PLUGIN_VERSION,
	.schemes = schemes,
	.drivers = drivers,
	.features = SQLKIT_FEATURE_MULTI_VALUES | SQLKIT_FEATURE_SAVEPOINTS |
	            SQLKIT_FEATURE_LASTROWID | SQLKIT_FEATURE_BATCH |
	            SQLKIT_FEATURE_BACKSLASH_ESCAPES,
	.paramstyle = SQLKIT_PARAMSTYLE_QMARK,
	.description = description,

	.connect = my_connect,
	.close = my_close,
	.ping = my_ping,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.savepoint = my_savepoint,
	.release_savepoint = my_release_savepoint,
	.rollback_to_savepoint = my_rollback_to_savepoint,
	.last_insert_id = my_last_insert_id,

	.prepare = my_prepare,
	.execute = my_execute,
	.step = my_step,
	.column_count = my_column_count,
	.column_name = my_column_name,
	.column_type = my_column_type,
	.column_value = my_column_value,
	.row_values = my_row_values,
	.rows_affected = my_rows_affected,
	.reset = my_reset,
	.finalize = my_finalize,
	.execute_many = my_execute_many,

	.single_connection = NULL,
	.set_isolation_level = my_set_isolation_level,
	.dialect = &sqlkit__dialect_mysql,
	.has_table = my_has_table,
};

SQLKIT_PLUGIN_EXPORT int mysql_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                                      const sqlkit_host *h,
                                                      const sqlkit_plugin **out);

SQLKIT_PLUGIN_EXPORT int mysql_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                                      const sqlkit_host *h,
                                                      const sqlkit_plugin **out)
{
	(void)abi_minor;
	if (abi_major != SQLKIT_PLUGIN_ABI_MAJOR || !h || h->abi_major != SQLKIT_PLUGIN_ABI_MAJOR ||
	    h->struct_size < offsetof(sqlkit_host, uuid_format) + sizeof h->uuid_format)
		return SQLKIT_EABI;
	host = h;
	if (!out)
		return host->error(SQLKIT_EINVAL, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mysql plugin: no place for the description");
	/* The client library's global setup is not thread-safe: done here, under the
	 * registry's lock, before any connection. */
	if (!library_ready && mysql_library_init(0, NULL, NULL))
		return host->error(SQLKIT_EPLUGIN, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
		                   "mysql plugin: the client library failed to initialise");
	library_ready = 1;
#ifdef MARIADB_PACKAGE_VERSION
	snprintf(description, sizeof description, "MySQL / MariaDB (MariaDB Connector/C %s)",
	         mysql_get_client_info());
#else
	snprintf(description, sizeof description, "MySQL / MariaDB (libmysqlclient %s)",
	         mysql_get_client_info());
#endif
	*out = &plugin;
	return 0;
}
