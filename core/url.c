/*
 * core/url.c - database URLs: parse, format, and the view a plugin gets.
 *
 *   dialect[+driver]://[user[:password]@][host | [ipv6]][:port][/database][?key=value&...]
 *
 * A URL reads as SQLAlchemy's make_url() reads it (sqlalchemy/engine/url.py,
 * _parse_url(), SQLAlchemy 2.0). Its regular expression is
 *
 *   (?P<name>[\w\+]+)://
 *   (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
 *   (?:(?:\[(?P<ipv6host>[^/\?]+)\]|(?P<ipv4host>[^/:\?]+))?(?::(?P<port>[^/\?]*))?)?
 *   (?:/(?P<database>[^\?]*))?
 *   (?:\?(?P<query>.*))?
 *
 * applied with match(), so whatever it cannot read is dropped without a word.
 * Where it is loose we refuse instead of guessing:
 *
 * - The authority (userinfo, host, port) ends at the first '/' or '?'. Within
 *   it the userinfo ends at the LAST '@'; the user name runs to the first ':'
 *   of the userinfo and the password is the rest. This is what SQLAlchemy's
 *   greedy groups give whenever the two can agree: "user@corp@host" is user
 *   "user@corp" (a raw '@' stays allowed in a user name), "u@x:p@h" is user
 *   "u@x" with password "p".
 * - SQLAlchemy's password group [^@]* runs to the first '@' after the first
 *   ':', across '/' and '?'. So "u:p@ss@h" is password "p", host "ss@h" there,
 *   and "u:pa/ss@h/db" is password "pa/ss" there but host "u", port "pa" by
 *   the rule above, while "h:5432/db?mail=a@b" is user "h", password
 *   "5432/db?mail=a", host "b" there. Whenever SQLAlchemy would end the
 *   userinfo somewhere other than we do, the URL is refused with
 *   SQLKIT_EURL: a raw '@' in the password (or host) must be "%40", and a
 *   password holding '/' or '?' must encode them. An authority that starts
 *   with '[' is an IPv6 host and exempt (SQLAlchemy misreads an '@' after it).
 * - The scheme is [A-Za-z][A-Za-z0-9_.-]* with an optional "+driver" of the
 *   same form; more than one '+' is refused (SQLAlchemy keeps the middle part
 *   and drops the rest). Case is kept as given.
 * - The port is 1-65535 in ASCII digits. SQLAlchemy's int() also takes "+5"
 *   or " 5" and reads "host:" as no port; we refuse those.
 * - Only "[ipv6]" or "[ipv6]:port" may come before the end of the authority;
 *   SQLAlchemy drops anything after ']'. '[' or ']' in a plain host is refused.
 * - User name, password, host, database and query are percent-decoded; '+'
 *   is a space in the query only (urllib's parse_qsl), a literal '+'
 *   elsewhere. Unlike SQLAlchemy the host is decoded too, so an RFC 6874
 *   zone "[fe80::1%25eth0]" gives "fe80::1%eth0" and "%2Ftmp" gives a socket
 *   directory. A '%' not followed by two hex digits, and "%00", are refused
 *   (Python keeps the former literally); decoded bytes are not checked as
 *   UTF-8.
 * - The query splits on '&' and each parameter at its first '='; empty
 *   parameters ("&&") are skipped as parse_qsl skips them. A parameter with no
 *   '=' or an empty value is kept with the value "" (parse_qsl's
 *   keep_blank_values: SQLAlchemy drops it silently); an empty name is
 *   refused. Repeated keys keep every value, in order.
 * - '#' is an ordinary character (SQLAlchemy has no fragment either).
 * - Raw control characters are refused anywhere.
 *
 * Error messages quote the URL with the password replaced by "***", also
 * where the password could only be guessed at.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlkit/url.h"
#include "url_internal.h"
#include "util.h"

struct sqlkit_url {
	char *dialect;
	char *driver;
	char *username;
	char *password;
	char *host;
	int port;
	char *database;
	size_t nquery;
	char **query_keys;
	char **query_values;
};

#define PASSWORD_MASK "***"
#define SCHEME_HINT "expected \"dialect[+driver]://...\""

/* The authority that starts at s, read our way and SQLAlchemy's way. */
typedef struct authority {
	const char *start;
	const char *end;        /* the first '/' or '?', or the NUL */
	const char *at;         /* the '@' that ends the userinfo, or NULL */
	const char *colon;      /* the ':' that starts the password, or NULL */
	const char *sqla_at;    /* where SQLAlchemy ends the userinfo, or NULL */
	const char *sqla_colon; /* where SQLAlchemy starts the password, or NULL */
} authority;

typedef struct parser {
	const char *text;
	size_t len;
	const char *rest;       /* just after "://", or text when there is none */
	authority auth;
	const char *mask_start; /* [mask_start, mask_end) is or may be a password */
	const char *mask_end;
} parser;

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_ctl(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- reading the shape ---- */

/* Where the scheme ends: the index of its ':' when "://" follows it, else -1. */
static long scheme_length(const char *text)
{
	size_t n = strcspn(text, ":/?@");

	if (text[n] == ':' && text[n + 1] == '/' && text[n + 2] == '/')
		return (long)n;
	return -1;
}

static void split_authority(authority *a, const char *s)
{
	const char *q, *stop;

	a->start = s;
	a->end = s + strcspn(s, "/?");
	a->at = NULL;
	for (q = s; q < a->end; q++)
		if (*q == '@')
			a->at = q;
	a->colon = a->at ? memchr(s, ':', (size_t)(a->at - s)) : NULL;

	/* SQLAlchemy: the user name [^:/]* is greedy and the password is tried
	 * first, so a ':' ending the user name followed by any '@' makes a
	 * password; otherwise the user name backs off to its last '@'. */
	a->sqla_at = NULL;
	a->sqla_colon = NULL;
	if (*s == '[') {
		a->sqla_at = a->at;
		a->sqla_colon = a->colon;
		return;
	}
	stop = s + strcspn(s, ":/");
	if (*stop == ':' && (q = strchr(stop, '@')) != NULL) {
		a->sqla_colon = stop;
		a->sqla_at = q;
		return;
	}
	for (q = s; q < stop; q++)
		if (*q == '@')
			a->sqla_at = q;
}

static void parser_init(parser *p, const char *text)
{
	long n;
	const authority *a = &p->auth;

	p->text = text;
	p->len = strlen(text);
	n = scheme_length(text);
	p->rest = n >= 0 ? text + n + 3 : text;
	split_authority(&p->auth, p->rest);

	/* Mask both readings of the password: ours and SQLAlchemy's. */
	p->mask_start = p->mask_end = NULL;
	if (a->colon) {
		p->mask_start = a->colon + 1;
		p->mask_end = a->at;
	}
	if (a->sqla_colon) {
		if (!p->mask_start || a->sqla_colon + 1 < p->mask_start)
			p->mask_start = a->sqla_colon + 1;
		if (!p->mask_end || a->sqla_at > p->mask_end)
			p->mask_end = a->sqla_at;
	}
}

/* ---- error messages ---- */

static void put_escaped(sqlkit_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sqlkit__buf_putc(b, '\\');
			sqlkit__buf_putc(b, (char)c);
		} else if (is_ctl(c)) {
			sqlkit__buf_printf(b, "\\x%02x", c);
		} else {
			sqlkit__buf_putc(b, (char)c);
		}
	}
}

static void put_quoted(sqlkit_buf *b, const char *s, size_t n)
{
	sqlkit__buf_putc(b, '"');
	put_escaped(b, s, n);
	sqlkit__buf_putc(b, '"');
}

/* The whole URL, quoted, its password masked. */
static void put_url(sqlkit_buf *b, const parser *p)
{
	sqlkit__buf_putc(b, '"');
	if (p->mask_start) {
		put_escaped(b, p->text, (size_t)(p->mask_start - p->text));
		sqlkit__buf_puts(b, PASSWORD_MASK);
		put_escaped(b, p->mask_end, p->len - (size_t)(p->mask_end - p->text));
	} else {
		put_escaped(b, p->text, p->len);
	}
	sqlkit__buf_putc(b, '"');
}

/* Set SQLKIT_EURL with "invalid URL <url>: <reason>", or, with what, with
 * "invalid <what> <part> in URL <url>: <reason>". */
static int fail(const parser *p, const char *what, const char *part, size_t n,
                const char *fmt, ...) SQLKIT__PRINTF(5, 6);

static int fail(const parser *p, const char *what, const char *part, size_t n,
                const char *fmt, ...)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	char reason[512];
	va_list ap;
	int rc;

	if (what) {
		sqlkit__buf_printf(&b, "invalid %s ", what);
		put_quoted(&b, part, n);
		sqlkit__buf_puts(&b, " in URL ");
	} else {
		sqlkit__buf_puts(&b, "invalid URL ");
	}
	put_url(&b, p);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	sqlkit__buf_puts(&b, ": ");
	sqlkit__buf_puts(&b, reason);
	if (b.oom) {
		sqlkit__buf_free(&b);
		return sqlkit__error_oom();
	}
	rc = sqlkit__error(SQLKIT_EURL, "%s", b.ptr);
	sqlkit__buf_free(&b);
	return rc;
}

/* One character, quoted for a message: "x" or "\x0a". */
static const char *quote_char(char buf[8], int c)
{
	if (is_ctl(c) || c == '"' || c == '\\' || c >= 0x80)
		snprintf(buf, 8, "\"\\x%02x\"", (unsigned)c & 0xffu);
	else
		snprintf(buf, 8, "\"%c\"", c);
	return buf;
}

/* ---- components ---- */

/* Percent-decode [s, s + n); '+' is a space when plus is set. Returns 0,
 * SQLKIT_ENOMEM, or 1 with the faulty escape at s[*bad], *badlen long. */
static int decode(char **out, const char *s, size_t n, int plus, size_t *bad, size_t *badlen)
{
	char *d = malloc(n + 1);
	size_t i, j = 0;

	if (!d)
		return SQLKIT_ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 1 < n ? hex_value((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				*bad = i;
				*badlen = n - i < 3 ? n - i : 3;
				free(d);
				return 1;
			}
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus) {
			d[j++] = ' ';
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

/* Decode a component; where names it in the message ("the database"), NULL
 * for the password, whose escape is not quoted. */
static int decode_part(const parser *p, char **out, const char *s, size_t n, int plus,
                       const char *where)
{
	size_t bad = 0, badlen = 0;
	int rc = decode(out, s, n, plus, &bad, &badlen);

	if (rc == 0)
		return 0;
	if (rc < 0)
		return sqlkit__error_oom();
	if (!where)
		return fail(p, NULL, NULL, 0, "invalid percent escape in the password");
	if (badlen == 3 && s[bad + 1] == '0' && s[bad + 2] == '0')
		return fail(p, "percent escape", s + bad, badlen, "NUL byte in %s", where);
	return fail(p, "percent escape", s + bad, badlen,
	            "expected two hex digits after \"%%\" in %s", where);
}

static int check_controls(const parser *p)
{
	size_t i;
	char q[8];

	for (i = 0; i < p->len; i++) {
		unsigned char c = (unsigned char)p->text[i];
		if (!is_ctl(c))
			continue;
		if (p->mask_start && p->text + i >= p->mask_start && p->text + i < p->mask_end)
			return fail(p, NULL, NULL, 0, "control character in the password");
		return fail(p, NULL, NULL, 0, "control character %s at offset %zu",
		            quote_char(q, c), i);
	}
	return 0;
}

static int parse_scheme(const parser *p, sqlkit_url *url)
{
	const char *t = p->text;
	long len = scheme_length(t);
	size_t n, i, plus;
	unsigned nplus = 0;
	char q[8];

	if (len < 0)
		return fail(p, NULL, NULL, 0, "no scheme (" SCHEME_HINT ")");
	if (len == 0)
		return fail(p, NULL, NULL, 0, "empty scheme (" SCHEME_HINT ")");
	n = (size_t)len;
	plus = n;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c >= 0x80)
			return fail(p, "scheme", t, n, "non-ASCII character");
		if (c == '+') {
			if (!nplus++)
				plus = i;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '-' && c != '.')
			return fail(p, "scheme", t, n, "invalid character %s", quote_char(q, c));
	}
	if (nplus > 1)
		return fail(p, "scheme", t, n, "more than one \"+\"");
	if (plus == 0)
		return fail(p, "scheme", t, n, "empty dialect before \"+\"");
	if (plus == n - 1)
		return fail(p, "scheme", t, n, "empty driver after \"+\"");
	if (!is_alpha((unsigned char)t[0]))
		return fail(p, "scheme", t, n, "the dialect must start with a letter");
	if (plus < n && !is_alpha((unsigned char)t[plus + 1]))
		return fail(p, "scheme", t, n, "the driver must start with a letter");

	if (!(url->dialect = sqlkit__strndup(t, plus)))
		return sqlkit__error_oom();
	if (plus < n && !(url->driver = sqlkit__strndup(t + plus + 1, n - plus - 1)))
		return sqlkit__error_oom();
	return 0;
}

static int parse_port(const parser *p, sqlkit_url *url, const char *s, const char *end,
                      int bracketed)
{
	size_t n = (size_t)(end - s), i;
	long v = 0;

	if (n == 0)
		return fail(p, "port", s, 0, "empty after \":\"");
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i])) {
			if (!bracketed && memchr(s, ':', n))
				return fail(p, "port", s, n, "not a number "
				            "(an IPv6 address needs brackets: \"[::1]:5432\")");
			return fail(p, "port", s, n, "not a number");
		}
		if (v <= 65535)
			v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return fail(p, "port", s, n, "out of range 1-65535");
	url->port = (int)v;
	return 0;
}

static int parse_host(const parser *p, sqlkit_url *url, const char *s, const char *end)
{
	const char *close, *colon;
	int rc;

	if (s < end && *s == '[') {
		if (!(close = memchr(s, ']', (size_t)(end - s))))
			return fail(p, "host", s, (size_t)(end - s),
			            "unterminated \"[\" of an IPv6 address");
		if (close == s + 1)
			return fail(p, "host", s, (size_t)(end - s), "empty IPv6 address");
		if (memchr(s + 1, '[', (size_t)(close - s - 1)))
			return fail(p, "host", s, (size_t)(close + 1 - s),
			            "\"[\" inside an IPv6 address");
		if (close + 1 < end && close[1] != ':')
			return fail(p, "host", s, (size_t)(end - s),
			            "unexpected characters after \"]\" (expected \":port\")");
		if ((rc = decode_part(p, &url->host, s + 1, (size_t)(close - s - 1), 0,
		                      "the host")) < 0)
			return rc;
		return close + 1 < end ? parse_port(p, url, close + 2, end, 1) : 0;
	}

	if (memchr(s, '[', (size_t)(end - s)) || memchr(s, ']', (size_t)(end - s)))
		return fail(p, "host", s, (size_t)(end - s),
		            "\"[\" or \"]\" outside an IPv6 address");
	colon = memchr(s, ':', (size_t)(end - s));
	if (!colon)
		colon = end;
	if (colon > s &&
	    (rc = decode_part(p, &url->host, s, (size_t)(colon - s), 0, "the host")) < 0)
		return rc;
	return colon < end ? parse_port(p, url, colon + 1, end, 0) : 0;
}

static int parse_authority(const parser *p, sqlkit_url *url)
{
	const authority *a = &p->auth;
	const char *s = a->start, *name_end;
	int rc;

	if (a->sqla_at && a->sqla_at >= a->end)
		return fail(p, NULL, NULL, 0, "ambiguous \"@\" after \"/\" or \"?\" "
		            "(percent-encode \"/\", \"?\" and \"@\" as \"%%2F\", \"%%3F\" and \"%%40\")");
	if (a->sqla_at != a->at)
		return fail(p, NULL, NULL, 0, "raw \"@\" in the password or host "
		            "(percent-encode it as \"%%40\")");

	if (a->at) {
		name_end = a->colon ? a->colon : a->at;
		if ((rc = decode_part(p, &url->username, s, (size_t)(name_end - s), 0,
		                      "the user name")) < 0)
			return rc;
		if (a->colon &&
		    (rc = decode_part(p, &url->password, a->colon + 1,
		                      (size_t)(a->at - a->colon - 1), 0, NULL)) < 0)
			return rc;
		s = a->at + 1;
	}
	return parse_host(p, url, s, a->end);
}

static int parse_query(const parser *p, sqlkit_url *url, const char *s)
{
	const char *end = s + strlen(s), *seg, *next, *eq, *key_end;
	size_t cap = 1;
	char *key = NULL, *value = NULL;
	int rc;

	for (seg = s; seg < end; seg++)
		if (*seg == '&')
			cap++;
	url->query_keys = calloc(cap, sizeof *url->query_keys);
	url->query_values = calloc(cap, sizeof *url->query_values);
	if (!url->query_keys || !url->query_values)
		return sqlkit__error_oom();

	for (seg = s; seg <= end; seg = next + 1) {
		next = memchr(seg, '&', (size_t)(end - seg));
		if (!next)
			next = end;
		if (next == seg)
			continue;
		eq = memchr(seg, '=', (size_t)(next - seg));
		key_end = eq ? eq : next;
		if (key_end == seg)
			return fail(p, "query parameter", seg, (size_t)(next - seg), "empty name");
		if ((rc = decode_part(p, &key, seg, (size_t)(key_end - seg), 1,
		                      "a query parameter name")) < 0)
			return rc;
		if (eq)
			rc = decode_part(p, &value, eq + 1, (size_t)(next - eq - 1), 1,
			                 "a query parameter value");
		else if (!(value = sqlkit__strdup("")))
			rc = sqlkit__error_oom();
		if (rc < 0) {
			free(key);
			return rc;
		}
		url->query_keys[url->nquery] = key;
		url->query_values[url->nquery] = value;
		url->nquery++;
	}
	return 0;
}

int sqlkit_url_parse(sqlkit_url **out, const char *text)
{
	parser p;
	sqlkit_url *url = NULL;
	const char *s, *end;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "invalid argument: out is NULL");
	*out = NULL;
	if (!text)
		return sqlkit__error(SQLKIT_EURL, "invalid URL: NULL");

	parser_init(&p, text);
	if ((rc = check_controls(&p)) < 0)
		return rc;
	if (!(url = calloc(1, sizeof *url)))
		return sqlkit__error_oom();
	if ((rc = parse_scheme(&p, url)) < 0)
		goto done;
	if ((rc = parse_authority(&p, url)) < 0)
		goto done;

	s = p.auth.end;
	if (*s == '/') {
		s++;
		end = s + strcspn(s, "?");
		if ((rc = decode_part(&p, &url->database, s, (size_t)(end - s), 0,
		                      "the database")) < 0)
			goto done;
		s = end;
	}
	if (*s == '?' && (rc = parse_query(&p, url, s + 1)) < 0)
		goto done;
	rc = 0;

done:
	if (rc < 0)
		sqlkit_url_free(url);
	else
		*out = url;
	return rc;
}

void sqlkit_url_free(sqlkit_url *url)
{
	size_t i;

	if (!url)
		return;
	for (i = 0; i < url->nquery; i++) {
		free(url->query_keys[i]);
		free(url->query_values[i]);
	}
	free(url->query_keys);
	free(url->query_values);
	free(url->dialect);
	free(url->driver);
	free(url->username);
	free(url->password);
	free(url->host);
	free(url->database);
	free(url);
}

/* ---- getters ---- */

const char *sqlkit_url_dialect(const sqlkit_url *url)
{
	return url ? url->dialect : NULL;
}

const char *sqlkit_url_driver(const sqlkit_url *url)
{
	return url ? url->driver : NULL;
}

const char *sqlkit_url_username(const sqlkit_url *url)
{
	return url ? url->username : NULL;
}

const char *sqlkit_url_password(const sqlkit_url *url)
{
	return url ? url->password : NULL;
}

const char *sqlkit_url_host(const sqlkit_url *url)
{
	return url ? url->host : NULL;
}

int sqlkit_url_port(const sqlkit_url *url)
{
	return url ? url->port : 0;
}

const char *sqlkit_url_database(const sqlkit_url *url)
{
	return url ? url->database : NULL;
}

size_t sqlkit_url_query_count(const sqlkit_url *url)
{
	return url ? url->nquery : 0;
}

int sqlkit_url_query_at(const sqlkit_url *url, size_t i, const char **key, const char **value)
{
	if (!url || i >= url->nquery)
		return sqlkit__error(SQLKIT_EINVAL, "query parameter index %zu out of range "
		                     "(the URL has %zu)", i, url ? url->nquery : 0);
	if (key)
		*key = url->query_keys[i];
	if (value)
		*value = url->query_values[i];
	return 0;
}

const char *sqlkit_url_query_get(const sqlkit_url *url, const char *key, size_t nth)
{
	size_t i;

	if (!url || !key)
		return NULL;
	for (i = 0; i < url->nquery; i++)
		if (strcmp(url->query_keys[i], key) == 0 && nth-- == 0)
			return url->query_values[i];
	return NULL;
}

size_t sqlkit_url_query_count_key(const sqlkit_url *url, const char *key)
{
	size_t i, n = 0;

	if (!url || !key)
		return 0;
	for (i = 0; i < url->nquery; i++)
		if (strcmp(url->query_keys[i], key) == 0)
			n++;
	return n;
}

void sqlkit__url_view(const sqlkit_url *url, sqlkit_plugin_url *out)
{
	memset(out, 0, sizeof *out);
	if (!url)
		return;
	out->dialect = url->dialect;
	out->driver = url->driver;
	out->username = url->username;
	out->password = url->password;
	out->host = url->host;
	out->port = url->port;
	out->database = url->database;
	out->nquery = url->nquery;
	out->query_keys = (const char *const *)url->query_keys;
	out->query_values = (const char *const *)url->query_values;
}

/* ---- formatting ---- */

enum enc_set {
	ENC_USERINFO,   /* user name, password */
	ENC_HOST,       /* a host name */
	ENC_IPV6,       /* inside brackets */
	ENC_PATH,       /* the database */
	ENC_QUERY       /* query names and values: quote_plus() */
};

/* Whether c may stay as it is. '@' never does, so that a formatted URL never
 * falls into the ambiguity that parsing refuses. */
static int enc_keep(unsigned char c, enum enc_set set)
{
	if (is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~')
		return 1;
	if (set == ENC_QUERY || !c)
		return 0;
	if (strchr("!$&'()*+,;=", c))
		return 1;
	if (c == ':')
		return set == ENC_IPV6 || set == ENC_PATH;
	if (c == '/')
		return set == ENC_PATH;
	return 0;
}

static void put_encoded(sqlkit_buf *b, const char *s, enum enc_set set)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (enc_keep(c, set))
			sqlkit__buf_putc(b, (char)c);
		else if (c == ' ' && set == ENC_QUERY)
			sqlkit__buf_putc(b, '+');
		else
			sqlkit__buf_printf(b, "%%%02X", c);
	}
}

int sqlkit_url_format(char **out, const sqlkit_url *url, unsigned flags)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	size_t i;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "invalid argument: out is NULL");
	*out = NULL;
	if (!url)
		return sqlkit__error(SQLKIT_EINVAL, "invalid argument: url is NULL");

	sqlkit__buf_puts(&b, url->dialect);
	if (url->driver) {
		sqlkit__buf_putc(&b, '+');
		sqlkit__buf_puts(&b, url->driver);
	}
	sqlkit__buf_puts(&b, "://");
	if (url->username || url->password) {
		if (url->username)
			put_encoded(&b, url->username, ENC_USERINFO);
		if (url->password) {
			sqlkit__buf_putc(&b, ':');
			if (flags & SQLKIT_URL_MASK_PASSWORD)
				sqlkit__buf_puts(&b, PASSWORD_MASK);
			else
				put_encoded(&b, url->password, ENC_USERINFO);
		}
		sqlkit__buf_putc(&b, '@');
	}
	if (url->host && strchr(url->host, ':')) {
		sqlkit__buf_putc(&b, '[');
		put_encoded(&b, url->host, ENC_IPV6);
		sqlkit__buf_putc(&b, ']');
	} else if (url->host) {
		put_encoded(&b, url->host, ENC_HOST);
	}
	if (url->port)
		sqlkit__buf_printf(&b, ":%d", url->port);
	if (url->database) {
		sqlkit__buf_putc(&b, '/');
		put_encoded(&b, url->database, ENC_PATH);
	}
	for (i = 0; i < url->nquery; i++) {
		sqlkit__buf_putc(&b, i ? '&' : '?');
		put_encoded(&b, url->query_keys[i], ENC_QUERY);
		sqlkit__buf_putc(&b, '=');
		put_encoded(&b, url->query_values[i], ENC_QUERY);
	}
	if (!(*out = sqlkit__buf_detach(&b)))
		return sqlkit__error_oom();
	return 0;
}
