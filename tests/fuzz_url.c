/*
 * tests/fuzz_url.c - libFuzzer target for sqlkit_url_parse() and sqlkit_url_format().
 *
 * Any bytes either fail cleanly (SQLKIT_EURL or SQLKIT_ENOMEM, *out NULL, a
 * one-line message) or parse into a URL that formats into text which parses
 * back to the same components, with and without the password masked.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Iinclude -Icore \
 *       tests/fuzz_url.c core/url.c core/util.c core/error.c -lpthread -o fuzz_url
 *
 * Built with -DSQLKIT_FUZZ_MAIN it is an ordinary program that runs the
 * files named on its command line through the same checks (corpus replay
 * without libFuzzer).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlkit/errors.h"
#include "sqlkit/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what, const char *text)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_url: %s for input \"%s\"\n", what, text);
	abort();
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_failure(int rc, const sqlkit_url *url, const char *text)
{
	const char *msg = sqlkit_error_last()->message;

	check(rc == SQLKIT_EURL || rc == SQLKIT_ENOMEM, "unexpected return code", text);
	check(url == NULL, "*out not NULL after a failure", text);
	check(msg && *msg, "empty error message", text);
	check(!strchr(msg, '\n') && !strchr(msg, '\r'), "message spans lines", text);
}

/* b, parsed from a's rendering, has a's components; the password is
 * compared only when compare_password is set (a masked rendering). */
static void check_same(const sqlkit_url *a, const sqlkit_url *b, int compare_password,
                       const char *text)
{
	size_t i, n = sqlkit_url_query_count(a);

	check(same(sqlkit_url_dialect(a), sqlkit_url_dialect(b)), "dialect differs", text);
	check(same(sqlkit_url_driver(a), sqlkit_url_driver(b)), "driver differs", text);
	check(same(sqlkit_url_username(a), sqlkit_url_username(b)), "user name differs", text);
	if (compare_password)
		check(same(sqlkit_url_password(a), sqlkit_url_password(b)), "password differs",
		      text);
	else
		check(!sqlkit_url_password(a) ||
		      same(sqlkit_url_password(b), "***"), "password not masked", text);
	check(same(sqlkit_url_host(a), sqlkit_url_host(b)), "host differs", text);
	check(sqlkit_url_port(a) == sqlkit_url_port(b), "port differs", text);
	check(same(sqlkit_url_database(a), sqlkit_url_database(b)), "database differs", text);
	check(n == sqlkit_url_query_count(b), "query count differs", text);
	for (i = 0; i < n; i++) {
		const char *ka, *va, *kb, *vb;
		check(sqlkit_url_query_at(a, i, &ka, &va) == 0, "query_at failed", text);
		check(sqlkit_url_query_at(b, i, &kb, &vb) == 0, "query_at failed", text);
		check(same(ka, kb) && same(va, vb), "query parameter differs", text);
		check(sqlkit_url_query_count_key(a, ka) >= 1, "query_count_key lost a key", text);
	}
	check(sqlkit_url_query_at(a, n, NULL, NULL) == SQLKIT_EINVAL,
	      "query_at accepted an index out of range", text);
}

static void round_trip(const sqlkit_url *url, unsigned flags, const char *text)
{
	sqlkit_url *again = NULL;
	char *s = NULL;
	int rc;

	rc = sqlkit_url_format(&s, url, flags);
	if (rc == SQLKIT_ENOMEM)
		return;
	check(rc == 0 && s != NULL, "format failed", text);
	rc = sqlkit_url_parse(&again, s);
	if (rc == SQLKIT_ENOMEM) {
		sqlkit_free(s);
		return;
	}
	check(rc == 0, "formatted URL does not parse", s);
	check_same(url, again, !(flags & SQLKIT_URL_MASK_PASSWORD), text);
	sqlkit_url_free(again);
	sqlkit_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sqlkit_url *url = NULL;
	char *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = sqlkit_url_parse(&url, text);
	if (rc < 0) {
		check_failure(rc, url, text);
	} else {
		check(rc == 0 && url != NULL, "parse returned no URL", text);
		check(sqlkit_url_dialect(url) != NULL, "no dialect", text);
		round_trip(url, 0, text);
		round_trip(url, SQLKIT_URL_MASK_PASSWORD, text);
		sqlkit_url_free(url);
	}
	free(text);
	return 0;
}

#ifdef SQLKIT_FUZZ_MAIN
int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		do {
			if (len == cap) {
				unsigned char *p = realloc(buf, cap ? cap * 2 : 4096);
				if (!p) {
					fclose(f);
					free(buf);
					return 1;
				}
				buf = p;
				cap = cap ? cap * 2 : 4096;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
#endif
