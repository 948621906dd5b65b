/*
 * tests/tds_server.c - a small TDS 7.x test server for the mssql plugin's tests.
 *
 *   tds_server LOGFILE
 *
 * Listens on 127.0.0.1 at a free port, prints that port on a line of its own on
 * stdout, and serves every connection in a child process. It speaks just enough
 * of MS-TDS for FreeTDS: PRELOGIN (no encryption), LOGIN7 -> ENVCHANGE,
 * LOGINACK, DONE; SQL batches -> DONE; RPC calls to sp_executesql (by name or
 * by proc id 10) -> the answer below; ATTENTION -> DONE(ATTN).
 *
 * Everything a client sends is recorded in LOGFILE, one record per line, written
 * before the answer goes out (so a client that has its answer finds the record):
 *
 *   LOGIN user=U db=D app=A tds=74000004 packet=4096
 *   BATCH <sql>
 *   RPC sp_executesql
 *   STMT <sql>
 *   PARAMS <declaration>
 *   PARAM @P1 <wire type> <value>
 *   END
 *
 * Text is UTF-8 with \\, \n, \r, \t and \xHH escapes; values are decimal numbers,
 * text, hex bytes ("0x0001ff"), ISO dates, or NULL.
 *
 * What the server answers is scripted by a comment in the statement's SQL that
 * starts with "/" "*tds " and a word:
 *
 *   echo        one row: every parameter back, as the type it came as
 *   types       one row with a column of every type the tests read
 *   rows N      N rows of one INT column "n" (1..N)
 *   count N     no rows, N rows affected (in the DONEINPROC of the statement, as
 *               SQL Server does; the DONEPROC has no count); with SCOPE_IDENTITY()
 *               the identity result follows, its ROWCOUNT_BIG() N
 *   empty       one row: XML "x" (empty, not NULL), XML "y" ("<a/>") and
 *               SQL_VARIANT "v" (an empty NVARCHAR, not NULL)
 *   error N     a server ERROR token with error number N (2627, 2601, 208, 547,
 *               515, 102, 1205, 8134...), then DONE(ERROR)
 *   drop        the connection is closed without an answer
 *
 * Without a comment: an INSERT with "OUTPUT inserted." gets one row (INT "id"
 * 101); a statement with "SCOPE_IDENTITY()" gets a result with one BIGINT 77
 * (and a BIGINT "sqlkit_rowcount", the INSERT's count, when it asks for
 * ROWCOUNT_BIG() too); INSERT, UPDATE and DELETE count 1 row; anything else
 * is DONE.
 *
 * Stop it with SIGTERM to its process group. Test code only: no TLS, no
 * authentication, trusts its one client.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tds_long_text.h"

static int logfd = -1;

/* ---------------------------------------------------------------- buffers */

typedef struct buf {
	unsigned char *p;
	size_t n, cap;
} buf;

static void die(const char *what)
{
	fprintf(stderr, "tds_server: %s: %s\n", what, strerror(errno));
	_exit(2);
}

static void put(buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		while (cap < b->n + n)
			cap *= 2;
		if (!(b->p = realloc(b->p, cap)))
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put1(buf *b, unsigned v) { unsigned char c = (unsigned char)v; put(b, &c, 1); }
static void put2(buf *b, unsigned v) { put1(b, v & 0xff); put1(b, (v >> 8) & 0xff); }
static void put4(buf *b, uint32_t v) { put2(b, v & 0xffff); put2(b, v >> 16); }
static void put8(buf *b, uint64_t v) { put4(b, (uint32_t)v); put4(b, (uint32_t)(v >> 32)); }
static void putstr(buf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* UTF-8 -> UTF-16LE */
static void put_ucs2(buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		uint32_t c = *p++;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		if (more)
			c &= 0x3f >> more;
		while (more-- > 0 && p < end)
			c = (c << 6) | (*p++ & 0x3f);
		if (c >= 0x10000) {
			c -= 0x10000;
			put2(b, 0xd800 | (c >> 10));
			put2(b, 0xdc00 | (c & 0x3ff));
		} else {
			put2(b, c);
		}
	}
}

static size_t ucs2_units(const char *s)
{
	buf t = { 0 };
	size_t n;

	put_ucs2(&t, s, strlen(s));
	n = t.n / 2;
	free(t.p);
	return n;
}

/* UTF-16LE -> UTF-8 */
static void get_utf8(buf *out, const unsigned char *p, size_t nbytes)
{
	size_t i;

	for (i = 0; i + 1 < nbytes; i += 2) {
		uint32_t c = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < nbytes) {
			uint32_t lo = (uint32_t)p[i + 2] | ((uint32_t)p[i + 3] << 8);
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			}
		}
		if (c < 0x80) {
			put1(out, c);
		} else if (c < 0x800) {
			put1(out, 0xc0 | (c >> 6));
			put1(out, 0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			put1(out, 0xe0 | (c >> 12));
			put1(out, 0x80 | ((c >> 6) & 0x3f));
			put1(out, 0x80 | (c & 0x3f));
		} else {
			put1(out, 0xf0 | (c >> 18));
			put1(out, 0x80 | ((c >> 12) & 0x3f));
			put1(out, 0x80 | ((c >> 6) & 0x3f));
			put1(out, 0x80 | (c & 0x3f));
		}
	}
}

/* Text for the log, escaped onto one line. */
static void put_escaped(buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == '\\')
			putstr(b, "\\\\");
		else if (c == '\n')
			putstr(b, "\\n");
		else if (c == '\r')
			putstr(b, "\\r");
		else if (c == '\t')
			putstr(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			putf(b, "\\x%02x", c);
		else
			put1(b, c);
	}
}

static void log_write(buf *b)
{
	size_t off = 0;

	while (off < b->n) {
		ssize_t w = write(logfd, b->p + off, b->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write log");
		off += (size_t)w;
	}
}

/* ---------------------------------------------------------------- packets */

static int readn(int fd, unsigned char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One message (all its packets): type, then the bytes in msg. */
static int read_message(int fd, int *type, buf *msg)
{
	unsigned char h[8];

	msg->n = 0;
	for (;;) {
		size_t len;
		unsigned char body[65536];
		if (readn(fd, h, 8) < 0)
			return -1;
		len = ((size_t)h[2] << 8) | h[3];
		if (len < 8)
			return -1;
		if (readn(fd, body, len - 8) < 0)
			return -1;
		put(msg, body, len - 8);
		*type = h[0];
		if (h[1] & 0x01)
			return 0;
	}
}

static void send_message(int fd, int type, const buf *msg)
{
	size_t off = 0, chunk = 4096 - 8;
	unsigned char pkt[4096];
	int id = 1;

	do {
		size_t n = msg->n - off < chunk ? msg->n - off : chunk, w = 0;
		pkt[0] = (unsigned char)type;
		pkt[1] = off + n == msg->n ? 0x01 : 0x00;
		pkt[2] = (unsigned char)((n + 8) >> 8);
		pkt[3] = (unsigned char)((n + 8) & 0xff);
		pkt[4] = pkt[5] = 0;
		pkt[6] = (unsigned char)id++;
		pkt[7] = 0;
		if (n)
			memcpy(pkt + 8, msg->p + off, n);
		while (w < n + 8) {
			ssize_t r = write(fd, pkt + w, n + 8 - w);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				_exit(0);   /* the client went away */
			w += (size_t)r;
		}
		off += n;
	} while (off < msg->n);
}

/* ---------------------------------------------------------------- tokens */

#define T_COLMETADATA 0x81
#define T_ERROR       0xAA
#define T_LOGINACK    0xAD
#define T_ROW         0xD1
#define T_ENVCHANGE   0xE3
#define T_DONE        0xFD
#define T_DONEPROC    0xFE
#define T_DONEINPROC  0xFF
#define T_RETURNSTATUS 0x79

#define DONE_MORE  0x0001
#define DONE_ERROR 0x0002
#define DONE_COUNT 0x0010
#define DONE_ATTN  0x0020

static const unsigned char collation[5] = { 0x09, 0x04, 0xd0, 0x00, 0x34 };

static void put_bvarchar(buf *b, const char *s)
{
	put1(b, (unsigned)ucs2_units(s));
	put_ucs2(b, s, strlen(s));
}

static void put_usvarchar(buf *b, const char *s)
{
	put2(b, (unsigned)ucs2_units(s));
	put_ucs2(b, s, strlen(s));
}

static void done(buf *b, int token, unsigned status, uint64_t count)
{
	put1(b, (unsigned)token);
	put2(b, status);
	put2(b, 0xc1);   /* curcmd: SELECT; FreeTDS does not care */
	put8(b, count);
}

static void envchange(buf *b, int type, const char *newv, const char *oldv)
{
	buf t = { 0 };

	put1(&t, (unsigned)type);
	put_bvarchar(&t, newv);
	put_bvarchar(&t, oldv);
	put1(b, T_ENVCHANGE);
	put2(b, (unsigned)t.n);
	put(b, t.p, t.n);
	free(t.p);
}

static void server_error(buf *b, int number, int klass, const char *msg)
{
	buf t = { 0 };

	put4(&t, (uint32_t)number);
	put1(&t, 1);                 /* state */
	put1(&t, (unsigned)klass);
	put_usvarchar(&t, msg);
	put_bvarchar(&t, "sqlkit-tds-test");
	put_bvarchar(&t, "");
	put4(&t, 1);                 /* line */
	put1(b, T_ERROR);
	put2(b, (unsigned)t.n);
	put(b, t.p, t.n);
	free(t.p);
}

/* A column description: its TYPE_INFO bytes and name. */
typedef struct col {
	const char *name;
	unsigned char ti[16];
	size_t tilen;
} col;

static void colmetadata(buf *b, const col *cols, size_t n)
{
	size_t i;

	put1(b, T_COLMETADATA);
	put2(b, (unsigned)n);
	for (i = 0; i < n; i++) {
		put4(b, 0);          /* user type */
		put2(b, 0x0009);     /* nullable, updateable unknown */
		put(b, cols[i].ti, cols[i].tilen);
		put_bvarchar(b, cols[i].name);
	}
}

static col mkcol(const char *name, size_t n, const unsigned char *ti)
{
	col c;
	c.name = name;
	memcpy(c.ti, ti, n);
	c.tilen = n;
	return c;
}

/* ---------------------------------------------------------------- requests */

typedef struct param {
	char name[64];
	int type;
	unsigned char ti[16];        /* TYPE_INFO as received */
	size_t tilen;
	int plp;                     /* value came as PLP chunks */
	int null;
	buf value;                   /* the raw value bytes (data only) */
	int scale, prec;
} param;

typedef struct reader {
	const unsigned char *p, *end;
	int bad;
} reader;

static unsigned r1(reader *r) { if (r->p + 1 > r->end) { r->bad = 1; return 0; } return *r->p++; }
static unsigned r2(reader *r) { unsigned a = r1(r); return a | (r1(r) << 8); }
static uint32_t r4(reader *r) { uint32_t a = r2(r); return a | ((uint32_t)r2(r) << 16); }
static uint64_t r8(reader *r) { uint64_t a = r4(r); return a | ((uint64_t)r4(r) << 32); }
static const unsigned char *rn(reader *r, size_t n)
{
	const unsigned char *p = r->p;
	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return p;
}

static void type_name(buf *b, const param *pm)
{
	switch (pm->type) {
	case 0x26: putf(b, "intn(%u)", pm->ti[1]); break;
	case 0x30: putstr(b, "int1"); break;
	case 0x34: putstr(b, "int2"); break;
	case 0x38: putstr(b, "int4"); break;
	case 0x7f: putstr(b, "int8"); break;
	case 0x32: putstr(b, "bit"); break;
	case 0x68: putstr(b, "bitn"); break;
	case 0x3e: putstr(b, "flt8"); break;
	case 0x3b: putstr(b, "flt4"); break;
	case 0x6d: putf(b, "fltn(%u)", pm->ti[1]); break;
	case 0x6a: putf(b, "decimaln(%d,%d)", pm->prec, pm->scale); break;
	case 0x6c: putf(b, "numericn(%d,%d)", pm->prec, pm->scale); break;
	case 0x28: putstr(b, "daten"); break;
	case 0x29: putf(b, "timen(%d)", pm->scale); break;
	case 0x2a: putf(b, "datetime2n(%d)", pm->scale); break;
	case 0x2b: putf(b, "datetimeoffsetn(%d)", pm->scale); break;
	case 0x6f: putstr(b, "datetimn"); break;
	case 0x3d: putstr(b, "datetime"); break;
	case 0x24: putstr(b, "guid"); break;
	case 0xe7: case 0xef: case 0xa7: case 0xaf: case 0xa5: case 0xad: {
		const char *n = pm->type == 0xe7 ? "nvarchar" : pm->type == 0xef ? "nchar" :
		                pm->type == 0xa7 ? "varchar" : pm->type == 0xaf ? "char" :
		                pm->type == 0xa5 ? "varbinary" : "binary";
		unsigned max = pm->ti[1] | (pm->ti[2] << 8);
		if (max == 0xffff)
			putf(b, "%s(max)", n);
		else
			putf(b, "%s(%u)", n, (pm->type == 0xe7 || pm->type == 0xef) ? max / 2 : max);
		break;
	}
	case 0x63: putstr(b, "ntext"); break;
	case 0x23: putstr(b, "text"); break;
	case 0x22: putstr(b, "image"); break;
	default: putf(b, "type0x%02x", pm->type); break;
	}
}

static int64_t le_int(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	if (n < 8 && n > 0 && (p[n - 1] & 0x80))
		v |= ~(uint64_t)0 << (8 * n);
	return (int64_t)v;
}

/* days since 0001-01-01 -> y, m, d (proleptic Gregorian) */
static void civil(long days, int *y, int *m, int *d)
{
	long z = days - 719162 + 719468;   /* to days since 1970-01-01, then shift */
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned long doe = (unsigned long)(z - era * 146097);
	unsigned long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static long days_from_civil(int y, int m, int d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468 + 719162;   /* days since 0001-01-01 */
}

static void put_time_units(buf *b, uint64_t units, int scale)
{
	/* units of 10^-scale s -> h:m:s.fraction */
	uint64_t div = 1;
	int i;
	for (i = 0; i < scale; i++)
		div *= 10;
	putf(b, "%02u:%02u:%02u", (unsigned)(units / div / 3600), (unsigned)(units / div / 60 % 60),
	     (unsigned)(units / div % 60));
	if (scale)
		putf(b, ".%0*" PRIu64, scale, units % div);
}

static void value_text(buf *b, const param *pm)
{
	const unsigned char *v = pm->value.p;
	size_t n = pm->value.n, i;

	if (pm->null) {
		putstr(b, "NULL");
		return;
	}
	switch (pm->type) {
	case 0x26: case 0x30: case 0x34: case 0x38: case 0x7f:
		putf(b, "%" PRId64, pm->type == 0x30 ? (int64_t)v[0] : le_int(v, n));
		break;
	case 0x32: case 0x68:
		putf(b, "%d", v[0] != 0);
		break;
	case 0x3e: case 0x6d: case 0x3b:
		if (n == 8) {
			double d;
			memcpy(&d, v, 8);
			putf(b, "%.17g", d);
		} else {
			float f;
			memcpy(&f, v, 4);
			putf(b, "%.9g", (double)f);
		}
		break;
	case 0x6a: case 0x6c: {
		unsigned __int128 mag = 0;
		char digits[64];
		int k = 0, s;
		for (i = n - 1; i >= 1; i--)
			mag = (mag << 8) | v[i];
		do {
			digits[k++] = (char)('0' + (int)(mag % 10));
			mag /= 10;
		} while (mag);
		while (k <= pm->scale)
			digits[k++] = '0';
		if (v[0] == 0)
			put1(b, '-');
		for (s = k - 1; s >= 0; s--) {
			put1(b, (unsigned)digits[s]);
			if (s == pm->scale && s)
				put1(b, '.');
		}
		break;
	}
	case 0x28: case 0x29: case 0x2a: case 0x2b: {
		size_t tl = pm->scale <= 2 ? 3 : pm->scale <= 4 ? 4 : 5, off = 0;
		uint64_t units = 0;
		int y, m, d;
		if (pm->type != 0x28) {
			for (i = 0; i < tl; i++)
				units |= (uint64_t)v[i] << (8 * i);
			off = tl;
		}
		if (pm->type != 0x29) {
			long days = (long)(v[off] | (v[off + 1] << 8) | (v[off + 2] << 16));
			civil(days, &y, &m, &d);
			putf(b, "%04d-%02d-%02d", y, m, d);
			if (pm->type != 0x28)
				put1(b, ' ');
		}
		if (pm->type != 0x28)
			put_time_units(b, units, pm->scale);
		if (pm->type == 0x2b)
			putf(b, " %+d", (int)(int16_t)(v[off + 3] | (v[off + 4] << 8)));
		break;
	}
	case 0x24:
		for (i = 0; i < n; i++)
			putf(b, "%02x", v[i]);
		break;
	case 0xe7: case 0xef: case 0x63: {
		buf t = { 0 };
		get_utf8(&t, v, n);
		put_escaped(b, t.p, t.n);
		free(t.p);
		break;
	}
	case 0xa7: case 0xaf: case 0x23:
		put_escaped(b, v, n);
		break;
	default:
		putstr(b, "0x");
		for (i = 0; i < n; i++)
			putf(b, "%02x", v[i]);
		break;
	}
}

/* TYPE_INFO, then the value. */
static int read_param(reader *r, param *pm)
{
	const unsigned char *start = r->p, *d;
	unsigned len;

	pm->type = (int)r1(r);
	pm->plp = pm->null = 0;
	pm->value.n = 0;
	switch (pm->type) {
	case 0x30: case 0x32: len = 1; goto fixed;
	case 0x34: len = 2; goto fixed;
	case 0x38: case 0x3b: case 0x3a: case 0x7a: len = 4; goto fixed;
	case 0x7f: case 0x3e: case 0x3d: case 0x3c: len = 8;
	fixed:
		pm->tilen = 1;
		memcpy(pm->ti, start, 1);
		if ((d = rn(r, len)))
			put(&pm->value, d, len);
		return r->bad ? -1 : 0;
	case 0x26: case 0x68: case 0x6d: case 0x6e: case 0x6f: case 0x24:
		r1(r);
		break;
	case 0x6a: case 0x6c:
		r1(r);
		pm->prec = (int)r1(r);
		pm->scale = (int)r1(r);
		break;
	case 0x28:
		pm->scale = 0;
		break;
	case 0x29: case 0x2a: case 0x2b:
		pm->scale = (int)r1(r);
		break;
	case 0xe7: case 0xef: case 0xa7: case 0xaf:
		if (r2(r) == 0xffff)
			pm->plp = 1;
		rn(r, 5);
		break;
	case 0xa5: case 0xad:
		if (r2(r) == 0xffff)
			pm->plp = 1;
		break;
	case 0x63: case 0x23:
		r4(r);
		rn(r, 5);
		break;
	case 0x22:
		r4(r);
		break;
	default:
		return -1;
	}
	if (r->bad || (size_t)(r->p - start) > sizeof pm->ti)
		return -1;
	pm->tilen = (size_t)(r->p - start);
	memcpy(pm->ti, start, pm->tilen);

	if (pm->plp) {
		uint64_t total = r8(r);
		if (total == UINT64_MAX) {
			pm->null = 1;
			return r->bad ? -1 : 0;
		}
		for (;;) {
			uint32_t n = r4(r);
			if (r->bad || n == 0)
				break;
			if ((d = rn(r, n)))
				put(&pm->value, d, n);
		}
	} else if (pm->type == 0x63 || pm->type == 0x23 || pm->type == 0x22) {
		uint32_t n = r4(r);
		if (n == 0xffffffffu)
			pm->null = 1;
		else if ((d = rn(r, n)))
			put(&pm->value, d, n);
	} else if (pm->type >= 0xa0) {
		unsigned n = r2(r);
		if (n == 0xffff)
			pm->null = 1;
		else if ((d = rn(r, n)))
			put(&pm->value, d, n);
	} else {
		unsigned n = r1(r);
		if (n == 0)
			pm->null = 1;
		else if ((d = rn(r, n)))
			put(&pm->value, d, n);
	}
	return r->bad ? -1 : 0;
}

/* ---------------------------------------------------------------- answers */

static void put_plp(buf *b, const unsigned char *p, size_t n)
{
	put8(b, n);
	if (n) {
		put4(b, (uint32_t)n);
		put(b, p, n);
	}
	put4(b, 0);
}

/* Every parameter back as a column of the type it came as (long text as
 * NVARCHAR(max)). */
static void answer_echo(buf *b, param *ps, size_t n)
{
	size_t i;

	put1(b, T_COLMETADATA);
	put2(b, (unsigned)n);
	for (i = 0; i < n; i++) {
		put4(b, 0);
		put2(b, 0x0009);
		if (ps[i].type == 0x63) {   /* ntext: answered as nvarchar(max) */
			unsigned char ti[8] = { 0xe7, 0xff, 0xff };
			memcpy(ti + 3, collation, 5);
			put(b, ti, 8);
		} else if (ps[i].type == 0x22) {
			unsigned char ti[3] = { 0xa5, 0xff, 0xff };
			put(b, ti, 3);
		} else {
			put(b, ps[i].ti, ps[i].tilen);
		}
		put_bvarchar(b, ps[i].name[0] == '@' ? ps[i].name + 1 : ps[i].name);
	}
	put1(b, T_ROW);
	for (i = 0; i < n; i++) {
		param *pm = &ps[i];
		int t = pm->type;
		if (pm->plp || t == 0x63 || t == 0x22) {
			if (pm->null)
				put8(b, UINT64_MAX);
			else
				put_plp(b, pm->value.p, pm->value.n);
		} else if (pm->tilen == 1) {
			put(b, pm->value.p, pm->value.n);
		} else if (t >= 0xa0) {
			if (pm->null)
				put2(b, 0xffff);
			else {
				put2(b, (unsigned)pm->value.n);
				put(b, pm->value.p, pm->value.n);
			}
		} else {
			put1(b, pm->null ? 0 : (unsigned)pm->value.n);
			put(b, pm->value.p, pm->value.n);
		}
	}
}

static void put_nvarchar_value(buf *b, const char *s)
{
	buf t = { 0 };
	put_ucs2(&t, s, strlen(s));
	put2(b, (unsigned)t.n);
	put(b, t.p, t.n);
	free(t.p);
}

static void answer_types(buf *b)
{
	static const unsigned char t_int[] = { 0x26, 4 }, t_big[] = { 0x26, 8 }, t_bit[] = { 0x68, 1 },
		t_flt[] = { 0x6d, 8 }, t_num[] = { 0x6c, 9, 10, 4 }, t_big_num[] = { 0x6a, 17, 38, 10 },
		t_bin[] = { 0xa5, 16, 0 }, t_dt2[] = { 0x2a, 6 }, t_date[] = { 0x28 },
		t_time[] = { 0x29, 7 }, t_guid[] = { 0x24, 16 }, t_dto[] = { 0x2b, 7 },
		t_dtold[] = { 0x6f, 8 }, t_maxbin[] = { 0xa5, 0xff, 0xff };
	unsigned char t_nv[8] = { 0xe7, 100, 0 }, t_nvmax[8] = { 0xe7, 0xff, 0xff },
		t_vc[8] = { 0xa7, 20, 0 }, t_nvnull[8] = { 0xe7, 20, 0 };
	col cols[20];
	size_t n = 0;
	buf t = { 0 };
	char *lt;
	unsigned __int128 mag;
	uint64_t units;
	long days;
	int i;

	memcpy(t_nv + 3, collation, 5);
	memcpy(t_nvmax + 3, collation, 5);
	memcpy(t_vc + 3, collation, 5);
	memcpy(t_nvnull + 3, collation, 5);
	cols[n++] = mkcol("i", sizeof t_int, t_int);
	cols[n++] = mkcol("bi", sizeof t_big, t_big);
	cols[n++] = mkcol("b", sizeof t_bit, t_bit);
	cols[n++] = mkcol("f", sizeof t_flt, t_flt);
	cols[n++] = mkcol("num", sizeof t_num, t_num);
	cols[n++] = mkcol("bignum", sizeof t_big_num, t_big_num);
	cols[n++] = mkcol("s", 8, t_nv);
	cols[n++] = mkcol("long", 8, t_nvmax);
	cols[n++] = mkcol("bin", sizeof t_bin, t_bin);
	cols[n++] = mkcol("dt", sizeof t_dt2, t_dt2);
	cols[n++] = mkcol("d", sizeof t_date, t_date);
	cols[n++] = mkcol("tm", sizeof t_time, t_time);
	cols[n++] = mkcol("g", sizeof t_guid, t_guid);
	cols[n++] = mkcol("dto", sizeof t_dto, t_dto);
	cols[n++] = mkcol("dtold", sizeof t_dtold, t_dtold);
	cols[n++] = mkcol("vc", 8, t_vc);
	cols[n++] = mkcol("n", sizeof t_int, t_int);
	cols[n++] = mkcol("ns", 8, t_nvnull);
	cols[n++] = mkcol("b0", sizeof t_bit, t_bit);
	cols[n++] = mkcol("bigbin", sizeof t_maxbin, t_maxbin);
	colmetadata(b, cols, n);

	put1(b, T_ROW);
	put1(b, 4); put4(b, (uint32_t)-7);                         /* i */
	put1(b, 8); put8(b, UINT64_C(9000000000));                 /* bi */
	put1(b, 1); put1(b, 1);                                    /* b */
	{ double d = 2.5; put1(b, 8); put(b, &d, 8); }             /* f */
	put1(b, 9); put1(b, 1); put8(b, 123456789);                /* num 12345.6789 */
	/* bignum -12345678901234567890.0123456789 */
	mag = (unsigned __int128)UINT64_C(12345678901234567890) * 10000000000ULL + 123456789ULL;
	put1(b, 17); put1(b, 0); put8(b, (uint64_t)mag); put8(b, (uint64_t)(mag >> 64));
	put_nvarchar_value(b, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x98\x83 \xf0\x9f\x98\x80");   /* s */
	lt = tds_long_text();
	put_ucs2(&t, lt, strlen(lt));
	free(lt);
	put_plp(b, t.p, t.n);                                     /* long */
	free(t.p);
	put2(b, 4); put1(b, 0x00); put1(b, 0x01); put1(b, 0xfe); put1(b, 0xff);   /* bin */
	units = ((uint64_t)12 * 3600 + 34 * 60 + 56) * 1000000 + 123456;
	days = days_from_civil(2024, 1, 31);
	put1(b, 8);                                                 /* dt */
	for (i = 0; i < 5; i++) put1(b, (unsigned)(units >> (8 * i)) & 0xff);
	for (i = 0; i < 3; i++) put1(b, (unsigned)(days >> (8 * i)) & 0xff);
	days = days_from_civil(2024, 2, 29);
	put1(b, 3);                                                 /* d */
	for (i = 0; i < 3; i++) put1(b, (unsigned)(days >> (8 * i)) & 0xff);
	units = ((uint64_t)13 * 3600 + 14 * 60 + 15) * 10000000 + 5000000;
	put1(b, 5);                                                 /* tm */
	for (i = 0; i < 5; i++) put1(b, (unsigned)(units >> (8 * i)) & 0xff);
	{   /* g: 12345678-9abc-def0-1234-56789abcdef0, first three groups little-endian */
		static const unsigned char g[16] = { 0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde,
			0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
		put1(b, 16);
		put(b, g, 16);
	}
	/* dto: 2024-01-31 12:00:00 +02:00, stored as UTC 10:00 */
	units = (uint64_t)10 * 3600 * 10000000;
	days = days_from_civil(2024, 1, 31);
	put1(b, 10);
	for (i = 0; i < 5; i++) put1(b, (unsigned)(units >> (8 * i)) & 0xff);
	for (i = 0; i < 3; i++) put1(b, (unsigned)(days >> (8 * i)) & 0xff);
	put2(b, 120);
	/* dtold: 2001-02-03 04:05:06 (DATETIME: days since 1900, 1/300 s) */
	put1(b, 8);
	put4(b, (uint32_t)(days_from_civil(2001, 2, 3) - days_from_civil(1900, 1, 1)));
	put4(b, (uint32_t)((4 * 3600 + 5 * 60 + 6) * 300));
	put2(b, 5); putstr(b, "caf"); put1(b, 0xe9); put1(b, '!');   /* vc: cp1252 */
	put1(b, 0);                                                 /* n: NULL */
	put2(b, 0xffff);                                            /* ns: NULL */
	put1(b, 1); put1(b, 0);                                     /* b0 */
	{
		unsigned char big[10000];
		size_t k;
		for (k = 0; k < sizeof big; k++)
			big[k] = (unsigned char)(k * 7);
		put_plp(b, big, sizeof big);                         /* bigbin */
	}
}

static int word_at(const char *p, const char *w)
{
	size_t n = strlen(w), i;
	for (i = 0; i < n; i++)
		if (!p[i] || (p[i] | 0x20) != (w[i] | 0x20))
			return 0;
	return 1;
}

static int starts_with_word(const char *sql, const char *w)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return word_at(sql, w);
}

static const char *error_text(int number, int *klass)
{
	*klass = 16;
	switch (number) {
	case 2627: *klass = 14;
		return "Violation of PRIMARY KEY constraint 'PK__t'. Cannot insert duplicate key in object 'dbo.t'. The duplicate key value is (1).";
	case 2601: *klass = 14;
		return "Cannot insert duplicate key row in object 'dbo.t' with unique index 'ix_t_name'. The duplicate key value is (x).";
	case 208: return "Invalid object name 'nope'.";
	case 207: return "Invalid column name 'nope'.";
	case 547: return "The INSERT statement conflicted with the FOREIGN KEY constraint \"fk\".";
	case 515: return "Cannot insert the value NULL into column 'name', table 'dbo.t'; column does not allow nulls. INSERT fails.";
	case 102: *klass = 15; return "Incorrect syntax near 'x'.";
	case 1205: *klass = 13;
		return "Transaction (Process ID 52) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.";
	case 8134: return "Divide by zero error encountered.";
	default: return "Scripted error.";
	}
}

/* The SELECT of SCOPE_IDENTITY() after an INSERT that counted n rows. */
static void answer_identity(buf *b, const char *sql, int more_token, int in_proc, uint64_t n)
{
	static const unsigned char t_big[] = { 0x26, 8 };
	col c[2];
	int counted = strstr(sql, "ROWCOUNT_BIG() AS [sqlkit_rowcount]") != NULL;

	c[0] = mkcol(strstr(sql, "[sqlkit_identity]") ? "sqlkit_identity" : "id", sizeof t_big, t_big);
	c[1] = mkcol("sqlkit_rowcount", sizeof t_big, t_big);
	colmetadata(b, c, counted ? 2 : 1);
	put1(b, T_ROW);
	put1(b, 8);
	put8(b, 77);
	if (counted) {
		put1(b, 8);
		put8(b, n);
	}
	done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), 1);
}

/* A SQL_VARIANT value holding an NVARCHAR of n UTF-16 bytes. */
static void put_variant_nvarchar(buf *b, const unsigned char *p, size_t n)
{
	put4(b, (uint32_t)(2 + 7 + n));
	put1(b, 0xe7);               /* base type NVARCHAR */
	put1(b, 7);                  /* its properties: collation, max length */
	put(b, collation, 5);
	put2(b, 8000);
	put(b, p, n);
}

static void answer_empty(buf *b)
{
	static const unsigned char t_xml[] = { 0xf1, 0 },    /* XML, no schema */
		t_var[] = { 0x62, 0x50, 0x1f, 0, 0 };          /* SQL_VARIANT, 8016 */
	static const unsigned char y[] = { '<', 0, 'a', 0, '/', 0, '>', 0 };
	col c[3];

	c[0] = mkcol("x", sizeof t_xml, t_xml);
	c[1] = mkcol("y", sizeof t_xml, t_xml);
	c[2] = mkcol("v", sizeof t_var, t_var);
	colmetadata(b, c, 3);
	put1(b, T_ROW);
	put_plp(b, (const unsigned char *)"", 0);
	put_plp(b, y, sizeof y);
	put_variant_nvarchar(b, (const unsigned char *)"", 0);
}

/* The answer to one statement (batch text or sp_executesql). Returns 0, or -1
 * to drop the connection. */
static int answer(buf *b, const char *sql, param *ps, size_t np, int in_proc)
{
	const char *d = strstr(sql, "/*tds ");
	int more_token = in_proc ? T_DONEINPROC : T_DONE;

	if (d) {
		d += 6;
		if (word_at(d, "drop"))
			return -1;
		if (word_at(d, "echo")) {
			answer_echo(b, ps, np);
			done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), 1);
		} else if (word_at(d, "types")) {
			answer_types(b);
			done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), 1);
		} else if (word_at(d, "rows ")) {
			static const unsigned char t_int[] = { 0x26, 4 };
			col c = mkcol("n", sizeof t_int, t_int);
			long i, n = strtol(d + 5, NULL, 10);
			colmetadata(b, &c, 1);
			for (i = 1; i <= n; i++) {
				put1(b, T_ROW);
				put1(b, 4);
				put4(b, (uint32_t)i);
			}
			done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), (uint64_t)n);
		} else if (word_at(d, "count ")) {
			uint64_t n = (uint64_t)strtol(d + 6, NULL, 10);
			done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), n);
			if (strstr(sql, "SCOPE_IDENTITY()"))
				answer_identity(b, sql, more_token, in_proc, n);
		} else if (word_at(d, "empty")) {
			answer_empty(b);
			done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), 1);
		} else if (word_at(d, "error ")) {
			int klass, number = (int)strtol(d + 6, NULL, 10);
			const char *msg = error_text(number, &klass);
			server_error(b, number, klass, msg);
			done(b, more_token, DONE_ERROR | (in_proc ? DONE_MORE : 0), 0);
		} else {
			done(b, more_token, in_proc ? DONE_MORE : 0, 0);
		}
		return 0;
	}
	if (strstr(sql, "OUTPUT inserted.")) {
		static const unsigned char t_int[] = { 0x26, 4 };
		col c = mkcol("id", sizeof t_int, t_int);
		colmetadata(b, &c, 1);
		put1(b, T_ROW);
		put1(b, 4);
		put4(b, 101);
		done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), 1);
	} else if (starts_with_word(sql, "insert") || starts_with_word(sql, "update") ||
	           starts_with_word(sql, "delete")) {
		done(b, more_token, DONE_COUNT | (in_proc ? DONE_MORE : 0), 1);
	} else if (!strstr(sql, "SCOPE_IDENTITY()")) {
		done(b, more_token, in_proc ? DONE_MORE : 0, 0);
	}
	if (strstr(sql, "SCOPE_IDENTITY()"))
		answer_identity(b, sql, more_token, in_proc, 1);
	return 0;
}

/* ---------------------------------------------------------------- the session */

static void skip_all_headers(reader *r)
{
	const unsigned char *start = r->p;
	uint32_t total;

	if (r->end - r->p < 4)
		return;
	total = r4(r);
	if (total < 4 || (size_t)(r->end - start) < total) {   /* no ALL_HEADERS (before 7.2) */
		r->p = start;
		return;
	}
	r->p = start + total;
}

static void handle_prelogin(int fd)
{
	buf b = { 0 };
	/* VERSION, ENCRYPTION (2: not supported), INSTOPT, MARS */
	static const unsigned char hdr[] = {
		0x00, 0, 21, 0, 6,
		0x01, 0, 27, 0, 1,
		0x02, 0, 28, 0, 1,
		0x04, 0, 29, 0, 1,
		0xff,
		11, 0, 0x0c, 0x38, 0, 0,    /* 11.0.3128.0 */
		2,
		0,
		0
	};
	put(&b, hdr, sizeof hdr);
	send_message(fd, 0x04, &b);
	free(b.p);
}

static void login_field(buf *out, const buf *msg, size_t at, int password)
{
	size_t off, len, i;
	buf raw = { 0 };

	if (at + 4 > msg->n)
		return;
	off = msg->p[at] | (msg->p[at + 1] << 8);
	len = (size_t)(msg->p[at + 2] | (msg->p[at + 3] << 8)) * 2;
	if (off + len > msg->n)
		return;
	put(&raw, msg->p + off, len);
	if (password)
		for (i = 0; i < raw.n; i++) {
			unsigned char c = raw.p[i] ^ 0xa5;
			raw.p[i] = (unsigned char)((c >> 4) | (c << 4));
		}
	get_utf8(out, raw.p, raw.n);
	free(raw.p);
}

static void handle_login(int fd, const buf *msg)
{
	buf rec = { 0 }, b = { 0 }, user = { 0 }, db = { 0 }, app = { 0 }, pwd = { 0 };
	uint32_t version, packet;
	buf t = { 0 };

	if (msg->n < 94)
		_exit(1);
	version = (uint32_t)msg->p[4] | ((uint32_t)msg->p[5] << 8) | ((uint32_t)msg->p[6] << 16) |
	          ((uint32_t)msg->p[7] << 24);
	packet = (uint32_t)msg->p[8] | ((uint32_t)msg->p[9] << 8) | ((uint32_t)msg->p[10] << 16) |
	         ((uint32_t)msg->p[11] << 24);
	login_field(&user, msg, 40, 0);
	login_field(&pwd, msg, 44, 1);
	login_field(&app, msg, 48, 0);
	login_field(&db, msg, 68, 0);
	putstr(&rec, "LOGIN user=");
	put_escaped(&rec, user.p, user.n);
	putstr(&rec, " password=");
	put_escaped(&rec, pwd.p, pwd.n);
	putstr(&rec, " db=");
	put_escaped(&rec, db.p, db.n);
	putstr(&rec, " app=");
	put_escaped(&rec, app.p, app.n);
	putf(&rec, " tds=%08x packet=%u\n", (unsigned)version, (unsigned)packet);
	log_write(&rec);

	put1(&db, 0);
	envchange(&b, 1, db.n > 1 ? (char *)db.p : "master", "master");
	/* SQL collation (binary values) */
	put1(&t, 7);
	put1(&t, 5);
	put(&t, collation, 5);
	put1(&t, 0);
	put1(&b, T_ENVCHANGE);
	put2(&b, (unsigned)t.n);
	put(&b, t.p, t.n);
	envchange(&b, 2, "us_english", "");
	{
		/* LOGINACK: interface, TDS version (as the client asked), program, version */
		buf a = { 0 };
		put1(&a, 1);
		put1(&a, (version >> 24) & 0xff);
		put1(&a, (version >> 16) & 0xff);
		put1(&a, (version >> 8) & 0xff);
		put1(&a, version & 0xff);
		put_bvarchar(&a, "Microsoft SQL Server");
		put1(&a, 11); put1(&a, 0); put1(&a, 0x0c); put1(&a, 0x38);
		put1(&b, T_LOGINACK);
		put2(&b, (unsigned)a.n);
		put(&b, a.p, a.n);
		free(a.p);
	}
	envchange(&b, 4, "4096", "4096");
	done(&b, T_DONE, 0, 0);
	send_message(fd, 0x04, &b);
	free(b.p); free(t.p); free(rec.p); free(user.p); free(db.p); free(app.p); free(pwd.p);
}

static int handle_batch(int fd, const buf *msg)
{
	reader r = { msg->p, msg->p + msg->n, 0 };
	buf sql = { 0 }, rec = { 0 }, b = { 0 };
	int rc;

	skip_all_headers(&r);
	get_utf8(&sql, r.p, (size_t)(r.end - r.p));
	putstr(&rec, "BATCH ");
	put_escaped(&rec, sql.p, sql.n);
	putstr(&rec, "\n");
	log_write(&rec);
	put1(&sql, 0);
	rc = answer(&b, (char *)sql.p, NULL, 0, 0);
	if (rc == 0)
		send_message(fd, 0x04, &b);
	free(sql.p); free(rec.p); free(b.p);
	return rc;
}

static int handle_rpc(int fd, const buf *msg)
{
	reader r = { msg->p, msg->p + msg->n, 0 };
	buf rec = { 0 }, b = { 0 }, name = { 0 }, stmt = { 0 };
	param ps[256];
	size_t np = 0, i, nvals = 0;
	unsigned namelen;
	int rc = 0, is_exec = 0;

	memset(ps, 0, sizeof ps);
	skip_all_headers(&r);
	namelen = r2(&r);
	if (namelen == 0xffff) {
		unsigned id = r2(&r);
		putf(&name, "procid %u", id);
		is_exec = id == 10;
	} else {
		const unsigned char *p = rn(&r, (size_t)namelen * 2);
		if (p)
			get_utf8(&name, p, (size_t)namelen * 2);
		put1(&name, 0);
		name.n--;
		is_exec = strstr((char *)name.p, "sp_executesql") != NULL;
	}
	r2(&r);   /* option flags */
	while (!r.bad && r.p < r.end && np < 256) {
		unsigned nl = r1(&r);
		const unsigned char *p = rn(&r, (size_t)nl * 2);
		buf pn = { 0 };
		if (p)
			get_utf8(&pn, p, (size_t)nl * 2);
		snprintf(ps[np].name, sizeof ps[np].name, "%.*s", (int)pn.n, pn.p ? (char *)pn.p : "");
		free(pn.p);
		r1(&r);   /* status */
		if (read_param(&r, &ps[np]) < 0) {
			size_t k, at = (size_t)(r.p - msg->p);
			fprintf(stderr, "tds_server: cannot read parameter %zu (type 0x%02x) at %zu:", np + 1,
			        (unsigned)ps[np].type, at);
			for (k = at > 16 ? at - 16 : 0; k < at + 32 && k < msg->n; k++)
				fprintf(stderr, " %02x", msg->p[k]);
			fprintf(stderr, "\n");
			_exit(1);
		}
		np++;
	}

	putstr(&rec, "RPC ");
	put_escaped(&rec, name.p, name.n);
	putstr(&rec, "\n");
	for (i = 0; i < np; i++) {
		if (is_exec && i < 2) {
			buf t = { 0 };
			putstr(&rec, i == 0 ? "STMT " : "PARAMS ");
			if (!ps[i].null) {
				if (ps[i].type == 0xa7 || ps[i].type == 0xaf || ps[i].type == 0x23)
					put(&t, ps[i].value.p, ps[i].value.n);
				else
					get_utf8(&t, ps[i].value.p, ps[i].value.n);
			}
			put_escaped(&rec, t.p, t.n);
			putstr(&rec, " [");
			type_name(&rec, &ps[i]);
			putstr(&rec, "]\n");
			if (i == 0) {
				put(&stmt, t.p, t.n);
			}
			free(t.p);
			continue;
		}
		putf(&rec, "PARAM %s ", ps[i].name[0] ? ps[i].name : "-");
		type_name(&rec, &ps[i]);
		putstr(&rec, " ");
		value_text(&rec, &ps[i]);
		putstr(&rec, "\n");
	}
	putstr(&rec, "END\n");
	log_write(&rec);

	put1(&stmt, 0);
	nvals = is_exec && np >= 2 ? np - 2 : np;
	rc = answer(&b, (char *)stmt.p, is_exec ? ps + (np - nvals) : ps, nvals, 1);
	if (rc == 0) {
		put1(&b, T_RETURNSTATUS);
		put4(&b, 0);
		done(&b, T_DONEPROC, 0, 0);
		send_message(fd, 0x04, &b);
	}
	for (i = 0; i < np; i++)
		free(ps[i].value.p);
	free(rec.p); free(b.p); free(name.p); free(stmt.p);
	return rc;
}

static void session(int fd)
{
	buf msg = { 0 };
	int type;

	while (read_message(fd, &type, &msg) == 0) {
		switch (type) {
		case 0x12:
			handle_prelogin(fd);
			break;
		case 0x10:
			handle_login(fd, &msg);
			break;
		case 0x01:
			if (handle_batch(fd, &msg) < 0)
				goto out;
			break;
		case 0x03:
			if (handle_rpc(fd, &msg) < 0)
				goto out;
			break;
		case 0x06: {
			buf b = { 0 };
			done(&b, T_DONE, DONE_ATTN, 0);
			send_message(fd, 0x04, &b);
			free(b.p);
			break;
		}
		default: {
			buf rec = { 0 };
			putf(&rec, "UNKNOWN packet type %d\n", type);
			log_write(&rec);
			free(rec.p);
			goto out;
		}
		}
	}
out:
	free(msg.p);
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int s, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: tds_server LOGFILE\n");
		return 2;
	}
	if ((logfd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0600)) < 0)
		die(argv[1]);
	signal(SIGCHLD, SIG_IGN);   /* children are reaped by the system */
	signal(SIGPIPE, SIG_IGN);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0)
		die("listen");
	printf("%u\n", (unsigned)ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		pid_t pid;
		if (c < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if ((pid = fork()) == 0) {
			close(s);
			session(c);
			_exit(0);
		}
		close(c);
	}
}
