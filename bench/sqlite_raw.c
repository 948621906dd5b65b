/*
 * bench/sqlite_raw.c - the workloads through the sqlite3 C API, as a careful C
 * programmer writes them, and the two SQLite backends (in memory, on a file).
 *
 * The connection is opened as sqlkit's plugin opens it (NOMUTEX, extended result
 * codes, foreign_keys on, the same busy timeout) so both sides run the same
 * database configuration. The SQL text is byte-identical to the sqlkit side's:
 * SQLite understands ":name" binds itself.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"

typedef struct raw {
	sqlite3 *db;
} raw;

static int db_fail(sqlite3 *db, const char *what)
{
	return bench_fail("sqlite3: %s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int raw_open(void **h, const bench_target *t)
{
	raw *r;
	int rc;

	*h = NULL;
	if (!(r = calloc(1, sizeof *r)))
		return bench_fail("out of memory");
	rc = sqlite3_open_v2(t->raw_dsn, &r->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_fail(r->db, t->raw_dsn);
		sqlite3_close(r->db);
		free(r);
		return -1;
	}
	sqlite3_extended_result_codes(r->db, 1);
	sqlite3_busy_timeout(r->db, 5000);
	if (sqlite3_exec(r->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(r->db, "PRAGMA foreign_keys");
		sqlite3_close(r->db);
		free(r);
		return -1;
	}
	*h = r;
	return 0;
}

static void raw_close(void *h)
{
	raw *r = h;

	if (!r)
		return;
	sqlite3_close(r->db);
	free(r);
}

static int raw_exec(void *h, const char *sql)
{
	raw *r = h;

	if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(r->db, sql);
	return 0;
}

/* One prepared INSERT, stepped once per row, in one transaction. The name is
 * bound SQLITE_STATIC: its bytes outlive the step, as they do in most programs
 * that hold their data in memory. */
static int insert_rows(raw *r, const bench_data *d, bench_sum *s)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (sqlite3_prepare_v2(r->db, BENCH_INSERT_SQL, -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->db, "prepare insert");
	if (sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < d->nrows; i++) {
		const char *name = bench_name(d, i);
		sqlite3_bind_int64(st, 1, d->id[i]);
		sqlite3_bind_text(st, 2, name, (int)d->name_len[i], SQLITE_STATIC);
		sqlite3_bind_double(st, 3, d->score[i]);
		if (d->maybe_null[i])
			sqlite3_bind_null(st, 4);
		else
			sqlite3_bind_int64(st, 4, d->maybe[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
		bench_sum_row(s, d->id[i], name, d->name_len[i], d->score[i], d->maybe_null[i],
		              d->maybe[i]);
	}
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	db_fail(r->db, "insert");
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int raw_insert(void *h, const bench_data *d, bench_sum *s)
{
	return insert_rows(h, d, s);
}

/* SQLite's fastest batched path is the same reused statement: there is no
 * network round trip to save, and a multi-row VALUES only moves the per-row
 * work into the parser. */
static int raw_insertmany(void *h, const bench_data *d, bench_sum *s)
{
	return insert_rows(h, d, s);
}

/* Read the current row with the typed API: every column, the nullable one
 * checked for NULL first. */
static void read_row(sqlite3_stmt *st, bench_sum *s)
{
	int64_t id = sqlite3_column_int64(st, 0);
	const char *name = (const char *)sqlite3_column_text(st, 1);
	size_t len = (size_t)sqlite3_column_bytes(st, 1);
	double score = sqlite3_column_double(st, 2);
	int is_null = sqlite3_column_type(st, 3) == SQLITE_NULL;
	int64_t maybe = is_null ? 0 : sqlite3_column_int64(st, 3);

	bench_sum_row(s, id, name, len, score, is_null, maybe);
}

static int raw_fetch(void *h, bench_sum *s)
{
	raw *r = h;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, BENCH_FETCH_SQL, -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->db, "prepare fetch");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, s);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "fetch");
	return 0;
}

static int raw_lookup(void *h, const bench_data *d, bench_sum *s)
{
	raw *r = h;
	sqlite3_stmt *st;
	size_t i;

	if (sqlite3_prepare_v2(r->db, BENCH_LOOKUP_SQL, -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->db, "prepare lookup");
	for (i = 0; i < d->nkeys; i++) {
		int rc;
		sqlite3_bind_int64(st, 1, d->keys[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			read_row(st, s);
		else if (rc != SQLITE_DONE) {
			db_fail(r->db, "lookup");
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int raw_stream(void *h, const char *sql, size_t nrows, size_t every,
                      void (*probe)(void *arg), void *arg, bench_sum *s)
{
	raw *r = h;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->db, "prepare stream");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)nrows);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, s);
		if (probe && every && s->rows % every == 0)
			probe(arg);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "stream");
	return 0;
}

static const bench_side sqlite_side = {
	.name = "sqlite3",
	.open = raw_open,
	.close = raw_close,
	.exec = raw_exec,
	.insert = raw_insert,
	.insertmany = raw_insertmany,
	.fetch = raw_fetch,
	.lookup = raw_lookup,
	.stream = raw_stream,
};

/* ---------------------------------------------------------------- backends */

static const char create_sql[] =
	"CREATE TABLE %s (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL, "
	"score DOUBLE NOT NULL, maybe INTEGER)";

static const char stream_sql[] =
	"WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) "
	"SELECT x AS id, 'generated-row-' || x AS name, x * 0.25 AS score, "
	"CASE WHEN x % 5 = 0 THEN NULL ELSE x * 3 END AS maybe FROM g";

static const char *sqlite_version_line(void)
{
	static char line[64];
	snprintf(line, sizeof line, "sqlite %s", sqlite3_libversion());
	return line;
}

static int locate_memory(bench_target *t, const char *dir, const char *tag)
{
	(void)dir;
	(void)tag;
	snprintf(t->raw_dsn, sizeof t->raw_dsn, ":memory:");
	snprintf(t->sqlkit_url, sizeof t->sqlkit_url, "sqlite://");
	t->files[0][0] = t->files[1][0] = '\0';
	return 0;
}

static void cleanup_nothing(const bench_target *t)
{
	(void)t;
}

/* A path as the database part of a URL: percent-encode all but unreserved
 * characters and '/'. */
static int url_path(char *out, size_t size, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *path; path++) {
		unsigned char c = (unsigned char)*path;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
			if (n + 2 > size)
				return -1;
			out[n++] = (char)c;
		} else {
			if (n + 4 > size)
				return -1;
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

static int locate_file(bench_target *t, const char *dir, const char *tag)
{
	char abs[PATH_MAX], enc[BENCH_PATH_MAX * 3];
	int n;

	if (!realpath(dir ? dir : ".", abs))
		return bench_fail("directory \"%s\" for the database files: not found", dir ? dir : ".");
	n = snprintf(t->files[0], sizeof t->files[0], "%s/sqlkit-bench-%ld-%s-raw.db", abs,
	             (long)getpid(), tag);
	if (n < 0 || (size_t)n >= sizeof t->files[0])
		return bench_fail("directory name too long: \"%s\"", abs);
	n = snprintf(t->files[1], sizeof t->files[1], "%s/sqlkit-bench-%ld-%s-sqlkit.db", abs,
	             (long)getpid(), tag);
	if (n < 0 || (size_t)n >= sizeof t->files[1])
		return bench_fail("directory name too long: \"%s\"", abs);
	snprintf(t->raw_dsn, sizeof t->raw_dsn, "%s", t->files[0]);
	if (url_path(enc, sizeof enc, t->files[1]) < 0)
		return bench_fail("directory name too long: \"%s\"", abs);
	/* sqlite:/// then the absolute path's own leading slash */
	snprintf(t->sqlkit_url, sizeof t->sqlkit_url, "sqlite:///%s", enc);
	/* start from empty files */
	unlink(t->files[0]);
	unlink(t->files[1]);
	return 0;
}

static void cleanup_files(const bench_target *t)
{
	static const char *const suffixes[] = { "", "-journal", "-wal", "-shm" };
	char path[BENCH_PATH_MAX + 16];
	size_t i, k;

	for (i = 0; i < 2; i++) {
		if (!t->files[i][0])
			continue;
		for (k = 0; k < sizeof suffixes / sizeof *suffixes; k++) {
			snprintf(path, sizeof path, "%s%s", t->files[i], suffixes[k]);
			unlink(path);
		}
	}
}

const bench_backend bench_sqlite_memory = {
	.name = "sqlite-memory",
	.description = "SQLite, in-memory databases",
	.raw = &sqlite_side,
	.dialect = "sqlite",
	.create_sql = create_sql,
	.stream_sql = stream_sql,
	.locate = locate_memory,
	.cleanup = cleanup_nothing,
	.version = sqlite_version_line,
};

const bench_backend bench_sqlite_file = {
	.name = "sqlite-file",
	.description = "SQLite, database files (default journal mode and synchronous setting)",
	.raw = &sqlite_side,
	.dialect = "sqlite",
	.create_sql = create_sql,
	.stream_sql = stream_sql,
	.locate = locate_file,
	.cleanup = cleanup_files,
	.version = sqlite_version_line,
};
