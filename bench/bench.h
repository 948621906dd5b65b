/*
 * bench/bench.h - what the runner (bench.c), the raw C API sides (one file per
 * database: sqlite_raw.c, pq_raw.c, my_raw.c) and the sqlkit side
 * (sqlkit_side.c) share.
 *
 * A workload is run by two "sides" that do the same work on the same kind of
 * database: the database's own C API, and sqlkit. A side is a small table of
 * functions (bench_side); a backend is one database set-up (SQLite in memory,
 * SQLite on a file, PostgreSQL, MariaDB) naming its raw side and how
 * to find its databases. Adding a database means writing one raw side and one
 * or more bench_backend entries, nothing else.
 *
 * Both sides of a backend get databases of their own (two files, two in-memory
 * databases, two databases on the PostgreSQL server), filled with the same
 * rows, so neither warms the other's cache.
 */
#ifndef SQLKIT_BENCH_H
#define SQLKIT_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- the data */

#define BENCH_NAME_MAX 64   /* the varchar(64) column */

/* The rows every workload writes and reads, made once before anything is timed:
 * row i has id i + 1, a name of 12..64 characters, a score, and a nullable
 * integer that is NULL on every fifth row. */
typedef struct bench_data {
	size_t nrows;
	int64_t *id;
	char *names;              /* nrows slots of BENCH_NAME_MAX + 1 bytes, NUL-terminated */
	size_t *name_len;
	double *score;
	int64_t *maybe;
	unsigned char *maybe_null;
	size_t nkeys;
	int64_t *keys;            /* primary keys for the point lookups, pseudo-random */
} bench_data;

static inline const char *bench_name(const bench_data *d, size_t i)
{
	return d->names + i * (BENCH_NAME_MAX + 1);
}

/* What a run saw: rows and a checksum over every column of every row read (or
 * written), computed the same way by both sides, so a side that skipped work or
 * read wrong values is caught, and the compiler cannot drop the reads. */
typedef struct bench_sum {
	uint64_t rows;
	uint64_t check;
} bench_sum;

static inline void bench_sum_row(bench_sum *s, int64_t id, const char *name, size_t len,
                                 double score, int is_null, int64_t maybe)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;
	h ^= (uint64_t)len * 31u + (len ? (unsigned char)name[0] + (unsigned char)name[len - 1] : 0u);
	h += (uint64_t)(int64_t)(score * 4.0);
	h += is_null ? 0x5bd1e995u : (uint64_t)maybe * 7u;
	s->rows++;
	s->check += h;
}

/* ---------------------------------------------------------------- SQL */

/* The statements, in sqlkit's portable form (":name" binds). A raw side uses the
 * same text with its own markers ($1 for libpq, ? for MySQL); SQLite takes
 * ":name" itself, so there both sides send byte-identical SQL. Column types
 * and generated rows differ by database: they come from the backend. */
#define BENCH_INSERT_SQL \
	"INSERT INTO bench_ins (id, name, score, maybe) VALUES (:id, :name, :score, :maybe)"
#define BENCH_FETCH_SQL  "SELECT id, name, score, maybe FROM bench_t"
#define BENCH_LOOKUP_SQL "SELECT id, name, score, maybe FROM bench_t WHERE id = :id"

/* ---------------------------------------------------------------- where a side runs */

#define BENCH_PATH_MAX 4096

/* The databases of one backend run: one for each side. */
typedef struct bench_target {
	const struct bench_backend *backend;
	char raw_dsn[BENCH_PATH_MAX];      /* what the raw side opens */
	char sqlkit_url[BENCH_PATH_MAX * 3 + 64]; /* what the sqlkit side opens */
	/* to remove afterwards, "" when none: files, or a server backend's two
	 * databases (raw, sqlkit) */
	char files[2][BENCH_PATH_MAX];
} bench_target;

/* ---------------------------------------------------------------- a side */

/* Every function returns 0 or -1 with bench_error() set. h is the side's open
 * connection. The runner times insert, insertmany, fetch and lookup whole,
 * and nothing else. */
typedef struct bench_side {
	const char *name;                  /* "sqlite3", "libpq", "mysqlclient", "sqlkit" */
	int (*open)(void **h, const bench_target *t);
	void (*close)(void *h);
	/* Run one statement without parameters or rows (DDL, INSERT ... SELECT). */
	int (*exec)(void *h, const char *sql);
	/* insert: one prepared INSERT executed once per row, in one transaction. */
	int (*insert)(void *h, const bench_data *d, bench_sum *s);
	/* insertmany: the same rows by the fastest batched path the side has. */
	int (*insertmany)(void *h, const bench_data *d, bench_sum *s);
	/* fetch: every row and every column of bench_t. */
	int (*fetch)(void *h, bench_sum *s);
	/* lookup: one primary-key select per key, each with a bound parameter. */
	int (*lookup)(void *h, const bench_data *d, bench_sum *s);
	/* stream: read nrows generated rows (sql from the backend, one ":n" bind),
	 * calling probe(arg) once after every `every` rows. */
	int (*stream)(void *h, const char *sql, size_t nrows, size_t every,
	              void (*probe)(void *arg), void *arg, bench_sum *s);
} bench_side;

/* ---------------------------------------------------------------- a backend */

typedef struct bench_backend {
	const char *name;                  /* what --backend takes: "sqlite-memory" */
	const char *description;
	const bench_side *raw;
	const char *dialect;               /* sqlkit's dialect name, for the compile workload */
	/* CREATE TABLE for the bench's two tables, "%s" being the table's name:
	 * id integer primary key, name varchar(64), score double, maybe nullable integer. */
	const char *create_sql;
	/* A query returning ":n" generated rows with the same four columns, from no table. */
	const char *stream_sql;
	/* Fill t for a run; tag tells runs apart (a forked child uses its own databases).
	 * @return 0, or -1 when the backend is not usable here (bench_error() says why). */
	int (*locate)(bench_target *t, const char *dir, const char *tag);
	/* Remove what the run left (files, databases); called even after a failure. */
	void (*cleanup)(const bench_target *t);
	/* One line on the client library's version, for the report header. */
	const char *(*version)(void);
} bench_backend;

/* ---------------------------------------------------------------- the sides */

extern const bench_side bench_sqlkit_side;          /* sqlkit_side.c */
extern const bench_backend bench_sqlite_memory;     /* sqlite_raw.c */
extern const bench_backend bench_sqlite_file;
/* pq_raw.c, built (and BENCH_HAVE_PQ defined) only when configure found libpq.
 * Its server comes from $SQLKIT_BENCH_PG_URL; without one it is skipped. */
extern const bench_backend bench_postgresql;
/* my_raw.c, built (and BENCH_HAVE_MYSQL defined) only when configure found the
 * MySQL client library. Its server comes from $SQLKIT_BENCH_MYSQL_URL; without
 * one it is skipped. */
extern const bench_backend bench_mysql;

/* The pool workload: check a connection out of an engine on url and give it back,
 * ops times in all, split over nthreads threads; *seconds is the wall time.
 * *pool_class names the class the engine chose. */
int bench_sqlkit_pool(const char *url, size_t ops, int nthreads, double *seconds,
                      const char **pool_class);

/* The compile workload: build a typical select ops times and, unless mode is
 * BENCH_COMPILE_BUILD, compile it to SQL text for dialect; *seconds is the time. */
enum {
	BENCH_COMPILE_BUILD,      /* build and free the tree only */
	BENCH_COMPILE_CACHED,     /* the same shape every time: compiled-cache hits */
	BENCH_COMPILE_UNCACHED    /* a new shape every time (a unique label): misses */
};
int bench_sqlkit_compile(const char *dialect, size_t ops, int mode, double *seconds);

/* ---------------------------------------------------------------- helpers (bench.c) */

/* Set the message bench_error() returns; printf-style. Returns -1. */
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *bench_error(void);
/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);

#endif
