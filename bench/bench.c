/*
 * bench/bench.c - sqlkit-bench: each workload through sqlkit and through the
 * database's own C API, in the same process, alternating, several repetitions;
 * one row per workload and backend with the raw median, the sqlkit median and
 * their ratio. `make bench` runs it; see bench/README.md.
 *
 *   sqlkit-bench [--rows N] [--lookups N] [--reps N] [--warmup N]
 *                [--backend NAME[,NAME...]] [--workload NAME[,NAME...]]
 *                [--pool-ops N] [--threads N] [--stream-rows N] [--compile-ops N]
 *                [--dir DIR] [--tsv FILE|-] [--strict] [--list]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlkit/sqlkit.h>

#include "bench.h"

/* ---------------------------------------------------------------- helpers */

static char error_buf[1024];

int bench_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_buf, sizeof error_buf, fmt, ap);
	va_end(ap);
	return -1;
}

const char *bench_error(void)
{
	return error_buf;
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* ---------------------------------------------------------------- options */

/* Every workload, in the order they run. */
enum {
	W_INSERT, W_INSERTMANY, W_FETCH, W_LOOKUP, W_COMPILE, W_POOL, W_MEMORY, W_COUNT
};
static const char *const workload_names[W_COUNT] = {
	"insert", "insertmany", "fetch", "lookup", "compile", "pool", "memory"
};

/* Every backend this build knows. A backend whose client library is missing is
 * not compiled in; one that cannot run here (no server) says so and is skipped. */
static const bench_backend *const backends[] = {
	&bench_sqlite_memory,
	&bench_sqlite_file,
#ifdef BENCH_HAVE_PQ
	&bench_postgresql,   /* needs $SQLKIT_BENCH_PG_URL; make bench starts a server */
#endif
#ifdef BENCH_HAVE_MYSQL
	&bench_mysql,        /* needs $SQLKIT_BENCH_MYSQL_URL; make bench starts a server */
#endif
};
#define NBACKENDS (sizeof backends / sizeof *backends)

typedef struct options {
	size_t rows, lookups, pool_ops, stream_rows, compile_ops;
	int reps, warmup, threads, strict;
	const char *dir, *tsv;
	int workload[W_COUNT];
	int backend[NBACKENDS];
} options;

/* 100000, 100k, 1M */
static int parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1000, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1000000, end++;
	if (*end)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* A comma-separated list of names into flags; "all" sets every one. */
static int parse_list(const char *s, int *flags, size_t n, const char *(*name_of)(size_t),
                      const char *what)
{
	char *copy = strdup(s), *tok, *save = NULL;
	size_t i;

	if (!copy)
		return -1;
	memset(flags, 0, n * sizeof *flags);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = 0;
		for (i = 0; i < n; i++)
			if (strcmp(tok, "all") == 0 || strcmp(tok, name_of(i)) == 0 ||
			    (strcmp(what, "workload") == 0 && i == W_LOOKUP && strcmp(tok, "lookups") == 0))
				flags[i] = found = 1;
		if (!found) {
			fprintf(stderr, "sqlkit-bench: unknown %s \"%s\" (try --list)\n", what, tok);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

static const char *workload_name(size_t i)
{
	return workload_names[i];
}

static const char *backend_name(size_t i)
{
	return backends[i]->name;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: sqlkit-bench [options]\n"
	        "  --rows N          rows for insert, insertmany, fetch (default 100000)\n"
	        "  --lookups N       primary-key selects (default 20000)\n"
	        "  --reps N          timed repetitions; the median is reported (default 5)\n"
	        "  --warmup N        untimed runs of each side first (default 1)\n"
	        "  --backend LIST    comma-separated backends, or all (default)\n"
	        "  --workload LIST   insert,insertmany,fetch,lookup,compile,pool,memory or all (default)\n"
	        "  --pool-ops N      pool checkouts and returns (default 1000000)\n"
	        "  --threads N       threads of the contended pool run (default 4)\n"
	        "  --stream-rows N   rows streamed by the memory workload (default 1000000)\n"
	        "  --compile-ops N   statements compiled by the compile workload (default 100000)\n"
	        "  --dir DIR         where the file backends put their databases (default .)\n"
	        "  --tsv FILE        also write one tab-separated line per row to FILE;\n"
	        "                    - writes them to stdout and the table to stderr\n"
	        "  --strict          exit with status 3 when a target is missed\n"
	        "  --list            list backends and workloads\n"
	        "Sizes take k and M suffixes (100k, 1M).\n");
}

static int parse_options(options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rows", required_argument, NULL, 'r' },
		{ "lookups", required_argument, NULL, 'l' },
		{ "reps", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "backend", required_argument, NULL, 'b' },
		{ "workload", required_argument, NULL, 'W' },
		{ "pool-ops", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "stream-rows", required_argument, NULL, 's' },
		{ "compile-ops", required_argument, NULL, 'c' },
		{ "dir", required_argument, NULL, 'd' },
		{ "tsv", required_argument, NULL, 'T' },
		{ "strict", no_argument, NULL, 'S' },
		{ "list", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t i, v;
	int c;

	memset(o, 0, sizeof *o);
	o->rows = 100000;
	o->lookups = 20000;
	o->pool_ops = 1000000;
	o->stream_rows = 1000000;
	o->compile_ops = 100000;
	o->reps = 5;
	o->warmup = 1;
	o->threads = 4;
	o->dir = ".";
	for (i = 0; i < W_COUNT; i++)
		o->workload[i] = 1;
	for (i = 0; i < NBACKENDS; i++)
		o->backend[i] = 1;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': case 'l': case 'n': case 'w': case 'p': case 't': case 's': case 'c':
			if (parse_count(optarg, &v) < 0) {
				fprintf(stderr, "sqlkit-bench: bad number \"%s\"\n", optarg);
				return -1;
			}
			if (c == 'r') o->rows = v;
			else if (c == 'l') o->lookups = v;
			else if (c == 'n') o->reps = (int)v;
			else if (c == 'w') o->warmup = (int)v;
			else if (c == 'p') o->pool_ops = v;
			else if (c == 't') o->threads = (int)v;
			else if (c == 's') o->stream_rows = v;
			else o->compile_ops = v;
			break;
		case 'b':
			if (parse_list(optarg, o->backend, NBACKENDS, backend_name, "backend") < 0)
				return -1;
			break;
		case 'W':
			if (parse_list(optarg, o->workload, W_COUNT, workload_name, "workload") < 0)
				return -1;
			break;
		case 'd': o->dir = optarg; break;
		case 'T': o->tsv = optarg; break;
		case 'S': o->strict = 1; break;
		case 'L':
			printf("backends:\n");
			for (i = 0; i < NBACKENDS; i++)
				printf("  %-16s %s (raw side: %s)\n", backends[i]->name,
				       backends[i]->description, backends[i]->raw->name);
			printf("workloads:\n ");
			for (i = 0; i < W_COUNT; i++)
				printf(" %s", workload_names[i]);
			printf("\n");
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sqlkit-bench: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (o->rows < 1 || o->reps < 1 || o->warmup < 0 || o->threads < 1 || o->threads > 64) {
		fprintf(stderr, "sqlkit-bench: --rows and --reps must be at least 1, "
		        "--threads between 1 and 64\n");
		return -1;
	}
	if (access(o->dir, W_OK | X_OK) < 0) {
		fprintf(stderr, "sqlkit-bench: --dir \"%s\": %s\n", o->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the data */

static int make_data(bench_data *d, size_t nrows, size_t nkeys)
{
	uint64_t x = 0x2545f4914f6cdd1du;
	size_t i;

	memset(d, 0, sizeof *d);
	d->nrows = nrows;
	d->nkeys = nkeys;
	d->id = calloc(nrows, sizeof *d->id);
	d->names = calloc(nrows, BENCH_NAME_MAX + 1);
	d->name_len = calloc(nrows, sizeof *d->name_len);
	d->score = calloc(nrows, sizeof *d->score);
	d->maybe = calloc(nrows, sizeof *d->maybe);
	d->maybe_null = calloc(nrows, 1);
	d->keys = calloc(nkeys + 1, sizeof *d->keys);
	if (!d->id || !d->names || !d->name_len || !d->score || !d->maybe || !d->maybe_null ||
	    !d->keys)
		return bench_fail("out of memory for %zu rows", nrows);
	for (i = 0; i < nrows; i++) {
		char *name = d->names + i * (BENCH_NAME_MAX + 1);
		size_t len = 12 + (i * 7) % (BENCH_NAME_MAX - 11), k;
		int n = snprintf(name, BENCH_NAME_MAX + 1, "row-%zu-", i + 1);
		if ((size_t)n > len)
			len = (size_t)n > BENCH_NAME_MAX ? BENCH_NAME_MAX : (size_t)n;
		for (k = (size_t)n; k < len; k++)
			name[k] = (char)('a' + (i + k) % 26);
		name[len] = '\0';
		d->id[i] = (int64_t)i + 1;
		d->name_len[i] = len;
		d->score[i] = (double)(i + 1) * 0.25;
		d->maybe_null[i] = (i + 1) % 5 == 0;
		d->maybe[i] = d->maybe_null[i] ? 0 : (int64_t)(i + 1) * 3;
	}
	for (i = 0; i < nkeys; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d->keys[i] = 1 + (int64_t)(x % nrows);
	}
	return 0;
}

static void free_data(bench_data *d)
{
	free(d->id);
	free(d->names);
	free(d->name_len);
	free(d->score);
	free(d->maybe);
	free(d->maybe_null);
	free(d->keys);
}

static void sum_rows(bench_sum *s, const bench_data *d, size_t i)
{
	bench_sum_row(s, d->id[i], bench_name(d, i), d->name_len[i], d->score[i], d->maybe_null[i],
	              d->maybe[i]);
}

/* ---------------------------------------------------------------- report */

typedef struct report {
	FILE *table;          /* the human table */
	FILE *tsv;            /* NULL: none */
	int missed;           /* a target was missed */
	int failed;           /* a workload failed */
} report;

/* One row of the report. raw/kit are NAN when there is none; unit is "s",
 * "ns/op" or "KiB". target is "" when the workload has none; status "ok",
 * "MISS", "skipped", "error" or "". */
typedef struct row {
	const char *backend, *workload;
	size_t size;
	int reps;
	const char *unit;
	double raw, kit;
	const char *target, *status, *note;
} row;

static void fmt_value(char *buf, size_t size, double v, const char *unit)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (strcmp(unit, "s") == 0)
		snprintf(buf, size, v < 1.0 ? "%.2f ms" : "%.3f s", v < 1.0 ? v * 1e3 : v);
	else if (strcmp(unit, "ns/op") == 0)
		snprintf(buf, size, "%.1f ns/op", v);
	else
		snprintf(buf, size, "%.0f %s", v, unit);
}

static void report_header(report *r, const options *o)
{
	size_t i;

	fprintf(r->table, "sqlkit-bench: sqlkit %s; rows %zu, lookups %zu, %d reps (+%d warm-up), "
	        "raw and sqlkit alternate within each rep; medians\n",
	        sqlkit_version(), o->rows, o->lookups, o->reps, o->warmup);
	for (i = 0; i < NBACKENDS; i++)
		if (o->backend[i])
			fprintf(r->table, "  %-14s %s; raw side: %s (%s)\n", backends[i]->name,
			        backends[i]->description, backends[i]->raw->name, backends[i]->version());
	fprintf(r->table, "\n%-14s %-15s %9s %14s %14s %7s  %-12s %s\n", "backend", "workload", "size",
	        "raw median", "sqlkit median", "ratio", "target", "result");
	fflush(r->table);
	if (r->tsv) {
		fprintf(r->tsv, "backend\tworkload\tsize\treps\tunit\traw\tsqlkit\tratio\ttarget\tstatus\tnote\n");
		fflush(r->tsv);
	}
}

static void report_row(report *r, const row *w)
{
	char raw[32], kit[32], ratio[16];
	/* a ratio only for times: memory growth near zero makes no sensible one */
	double q = (strcmp(w->unit, "s") == 0 && !isnan(w->raw) && !isnan(w->kit) && w->raw > 0) ?
	           w->kit / w->raw : NAN;

	fmt_value(raw, sizeof raw, w->raw, w->unit);
	fmt_value(kit, sizeof kit, w->kit, w->unit);
	if (isnan(q))
		snprintf(ratio, sizeof ratio, "-");
	else
		snprintf(ratio, sizeof ratio, "%.3f", q);
	if (w->size)
		fprintf(r->table, "%-14s %-15s %9zu %14s %14s %7s  %-12s %s%s%s\n", w->backend,
		        w->workload, w->size, raw, kit, ratio, w->target[0] ? w->target : "-", w->status,
		        w->note[0] ? "  " : "", w->note);
	else
		fprintf(r->table, "%-14s %-15s %9s %14s %14s %7s  %-12s %s%s%s\n", w->backend,
		        w->workload, "-", raw, kit, ratio, w->target[0] ? w->target : "-", w->status,
		        w->note[0] ? "  " : "", w->note);
	fflush(r->table);
	if (r->tsv) {
		fprintf(r->tsv, "%s\t%s\t%zu\t%d\t%s\t", w->backend, w->workload, w->size, w->reps, w->unit);
		if (isnan(w->raw))
			fprintf(r->tsv, "-\t");
		else
			fprintf(r->tsv, "%.9g\t", w->raw);
		if (isnan(w->kit))
			fprintf(r->tsv, "-\t");
		else
			fprintf(r->tsv, "%.9g\t", w->kit);
		if (isnan(q))
			fprintf(r->tsv, "-\t");
		else
			fprintf(r->tsv, "%.4f\t", q);
		fprintf(r->tsv, "%s\t%s\t%s\n", w->target[0] ? w->target : "-",
		        w->status[0] ? w->status : "-", w->note);
		fflush(r->tsv);
	}
	if (strcmp(w->status, "MISS") == 0)
		r->missed = 1;
	if (strcmp(w->status, "error") == 0)
		r->failed = 1;
}

static void report_error(report *r, const char *backend, const char *workload, const char *msg)
{
	row w = { backend, workload, 0, 0, "s", NAN, NAN, "", "error", msg };
	report_row(r, &w);
}

/* ---------------------------------------------------------------- a backend run */

typedef struct run {
	const options *o;
	const bench_data *d;
	const bench_backend *b;
	bench_target t;
	void *h[2];                 /* 0: raw, 1: sqlkit */
	const bench_side *side[2];
	bench_sum expect_all;       /* every row */
	bench_sum expect_keys;      /* the rows the lookups hit */
	int have_read_table[2];
	report *r;
} run;

static int create_table(const bench_side *s, void *h, const char *create_fmt, const char *name)
{
	char sql[512], drop[128];

	snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS %s", name);
	snprintf(sql, sizeof sql, create_fmt, name);
	if (s->exec(h, drop) < 0 || s->exec(h, sql) < 0)
		return -1;
	return 0;
}

/* bench_t, the table fetch and lookup read, filled by the side itself. */
static int fill_read_table(const bench_backend *b, const bench_side *s, void *h, const bench_data *d)
{
	bench_sum ignored = { 0, 0 };

	if (create_table(s, h, b->create_sql, "bench_ins") < 0 || s->insert(h, d, &ignored) < 0 ||
	    create_table(s, h, b->create_sql, "bench_t") < 0 ||
	    s->exec(h, "INSERT INTO bench_t (id, name, score, maybe) "
	               "SELECT id, name, score, maybe FROM bench_ins") < 0 ||
	    s->exec(h, "DROP TABLE bench_ins") < 0)
		return -1;
	return 0;
}

static int run_one(run *x, int w, int k, bench_sum *s, double *seconds)
{
	const bench_side *side = x->side[k];
	void *h = x->h[k];
	double t0;
	int rc;

	memset(s, 0, sizeof *s);
	switch (w) {
	case W_INSERT:
	case W_INSERTMANY:
		if (create_table(side, h, x->b->create_sql, "bench_ins") < 0)
			return -1;
		break;
	case W_FETCH:
	case W_LOOKUP:
		if (!x->have_read_table[k]) {
			if (fill_read_table(x->b, side, h, x->d) < 0)
				return -1;
			x->have_read_table[k] = 1;
		}
		break;
	}
	t0 = bench_now();
	switch (w) {
	case W_INSERT: rc = side->insert(h, x->d, s); break;
	case W_INSERTMANY: rc = side->insertmany(h, x->d, s); break;
	case W_FETCH: rc = side->fetch(h, s); break;
	default: rc = side->lookup(h, x->d, s); break;
	}
	*seconds = bench_now() - t0;
	if (rc < 0)
		return -1;
	{
		const bench_sum *want = w == W_LOOKUP ? &x->expect_keys : &x->expect_all;
		if (s->rows != want->rows || s->check != want->check)
			return bench_fail("%s read wrong data: %llu rows, checksum %016llx; "
			                  "expected %llu rows, %016llx", side->name,
			                  (unsigned long long)s->rows, (unsigned long long)s->check,
			                  (unsigned long long)want->rows, (unsigned long long)want->check);
	}
	return 0;
}

/* insert, insertmany, fetch, lookup: warm-up runs, then reps runs of each side,
 * the two sides alternating and the order flipped every rep. */
static void run_pair(run *x, int w)
{
	const options *o = x->o;
	double *t[2];
	int rep, k;
	size_t size = w == W_LOOKUP ? x->d->nkeys : x->d->nrows;
	char note[96];
	double mraw, mkit;

	if (size == 0)
		return;
	t[0] = calloc((size_t)o->reps, sizeof(double));
	t[1] = calloc((size_t)o->reps, sizeof(double));
	if (!t[0] || !t[1]) {
		report_error(x->r, x->b->name, workload_names[w], "out of memory");
		goto done;
	}
	for (rep = -o->warmup; rep < o->reps; rep++) {
		int first = ((rep % 2) + 2) % 2;   /* 0: raw first */
		for (k = 0; k < 2; k++) {
			int side = first ^ k;
			bench_sum s;
			double secs;
			if (run_one(x, w, side, &s, &secs) < 0) {
				char msg[sizeof error_buf + 32];
				snprintf(msg, sizeof msg, "%s", bench_error());
				report_error(x->r, x->b->name, workload_names[w], msg);
				goto done;
			}
			if (rep >= 0)
				t[side][rep] = secs;
		}
	}
	mraw = median(t[0], (size_t)o->reps);
	mkit = median(t[1], (size_t)o->reps);
	snprintf(note, sizeof note, "%.3f / %.3f us per %s", mraw / (double)size * 1e6,
	         mkit / (double)size * 1e6, w == W_LOOKUP ? "lookup" : "row");
	{
		row r = { x->b->name, workload_names[w], size, o->reps, "s", mraw, mkit, "<= 1.10",
		          mkit / mraw <= 1.10 ? "ok" : "MISS", note };
		report_row(x->r, &r);
	}
done:
	if (w == W_INSERT || w == W_INSERTMANY)
		for (k = 0; k < 2; k++)
			(void)x->side[k]->exec(x->h[k], "DROP TABLE IF EXISTS bench_ins");
	free(t[0]);
	free(t[1]);
}

/* Build the typical select and compile it for the backend's dialect: the same
 * shape every time (compiled-cache hits), a new shape every time (misses), and
 * building alone, for reference. The three alternate within each rep. sqlkit
 * has no public switch to turn the process-wide compiled cache off, so
 * "uncached" gives every statement a unique label; each compile then misses
 * and also pays for putting its entry in the cache. */
static void run_compile(run *x)
{
	const options *o = x->o;
	double *t[3], m[3];
	int rep, k;
	size_t warm = o->compile_ops < 1000 ? o->compile_ops : 1000;

	if (o->compile_ops == 0)
		return;
	for (k = 0; k < 3; k++)
		t[k] = calloc((size_t)o->reps, sizeof(double));
	if (!t[0] || !t[1] || !t[2]) {
		report_error(x->r, x->b->name, "compile", "out of memory");
		goto done;
	}
	for (k = 0; k < 3; k++) {
		double ignored;
		if (bench_sqlkit_compile(x->b->dialect, warm, k, &ignored) < 0) {
			report_error(x->r, x->b->name, "compile", bench_error());
			goto done;
		}
	}
	for (rep = 0; rep < o->reps; rep++)
		for (k = 0; k < 3; k++) {
			int mode = (k + rep) % 3;
			if (bench_sqlkit_compile(x->b->dialect, o->compile_ops, mode, &t[mode][rep]) < 0) {
				report_error(x->r, x->b->name, "compile", bench_error());
				goto done;
			}
		}
	for (k = 0; k < 3; k++)
		m[k] = median(t[k], (size_t)o->reps) / (double)o->compile_ops * 1e9;
	{
		char note[160];
		row r = { x->b->name, "compile/cached", o->compile_ops, o->reps, "ns/op", NAN,
		          m[BENCH_COMPILE_CACHED], "< 1000 ns",
		          m[BENCH_COMPILE_CACHED] < 1000.0 ? "ok" : "MISS", note };
		snprintf(note, sizeof note, "build + sqlkit_expr_to_string, cache hits; "
		         "building the tree alone: %.0f ns", m[BENCH_COMPILE_BUILD]);
		report_row(x->r, &r);
	}
	{
		row r = { x->b->name, "compile/uncached", o->compile_ops, o->reps, "ns/op", NAN,
		          m[BENCH_COMPILE_UNCACHED], "", "",
		          "build + sqlkit_expr_to_string, a new shape each time: every compile misses" };
		report_row(x->r, &r);
	}
done:
	for (k = 0; k < 3; k++)
		free(t[k]);
}

static void run_pool(run *x)
{
	const options *o = x->o;
	double *t = calloc((size_t)o->reps, sizeof(double));
	int pass, rep;

	if (!t) {
		report_error(x->r, x->b->name, "pool", "out of memory");
		return;
	}
	for (pass = 0; pass < 2; pass++) {
		int nthreads = pass == 0 ? 1 : o->threads;
		const char *cls = "?";
		char label[32], note[96];
		double m;

		if (pass == 1 && o->threads == 1)
			break;
		snprintf(label, sizeof label, "pool/%d thread%s", nthreads, nthreads == 1 ? "" : "s");
		for (rep = 0; rep < o->reps; rep++) {
			if (bench_sqlkit_pool(x->t.sqlkit_url, o->pool_ops, nthreads, &t[rep], &cls) < 0) {
				report_error(x->r, x->b->name, label, bench_error());
				free(t);
				return;
			}
		}
		m = median(t, (size_t)o->reps) / (double)o->pool_ops * 1e9;
		snprintf(note, sizeof note, "%s pool; checkout + return, wall time / operations", cls);
		{
			row r = { x->b->name, label, o->pool_ops, o->reps, "ns/op", NAN, m,
			          nthreads == 1 ? "< 1000 ns" : "", "", note };
			if (nthreads == 1)
				r.status = m < 1000.0 ? "ok" : "MISS";
			report_row(x->r, &r);
		}
	}
	free(t);
}

/* ---------------------------------------------------------------- memory (forked children) */

/* Resident memory from /proc/self/status (kB), or -1. */
static long status_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long peak_kb(void)
{
	long v = status_kb("VmHWM");
	struct rusage ru;

	if (v >= 0)
		return v;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;   /* kB on Linux */
}

/* Reset the peak to the current resident size (Linux 4.0+). */
static int reset_peak(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

typedef struct mem_result {
	int rc;
	int exact;            /* the peak could be reset: base is the resident size then */
	long base_kb;         /* before */
	long mid_kb;          /* peak after the first tenth of a stream */
	long peak_kb;         /* peak at the end */
	bench_sum sum;
	char message[sizeof error_buf];
} mem_result;

static void probe_mid(void *arg)
{
	mem_result *m = arg;

	if (m->mid_kb < 0)
		m->mid_kb = peak_kb();
}

/* In a child: open side k on fresh databases of the backend, and measure either
 * fetching every row of bench_t (stream == 0) or streaming o->stream_rows
 * generated rows. */
static void child_measure(const run *x, int k, int stream, mem_result *m)
{
	const bench_side *side = k == 0 ? x->b->raw : &bench_sqlkit_side;
	bench_target t;
	void *h = NULL;

	memset(&t, 0, sizeof t);
	t.backend = x->b;
	m->rc = -1;
	m->mid_kb = -1;
	if (x->b->locate(&t, x->o->dir, "child") < 0)
		goto done;
	if (side->open(&h, &t) < 0)
		goto done;
	if (!stream && fill_read_table(x->b, side, h, x->d) < 0)
		goto done;
	m->exact = reset_peak() == 0;
	m->base_kb = m->exact ? status_kb("VmRSS") : peak_kb();
	if (stream)
		m->rc = side->stream(h, x->b->stream_sql, x->o->stream_rows,
		                     x->o->stream_rows >= 10 ? x->o->stream_rows / 10 : 1, probe_mid, m,
		                     &m->sum);
	else
		m->rc = side->fetch(h, &m->sum);
	m->peak_kb = peak_kb();
	if (m->mid_kb < 0)
		m->mid_kb = m->peak_kb;
done:
	if (m->rc < 0)
		snprintf(m->message, sizeof m->message, "%s", bench_error());
	if (h)
		side->close(h);
	x->b->cleanup(&t);
}

static int measure(const run *x, int k, int stream, mem_result *m)
{
	int fds[2], status;
	pid_t pid;
	ssize_t got;

	memset(m, 0, sizeof *m);
	fflush(NULL);
	if (pipe(fds) < 0)
		return bench_fail("pipe: %s", strerror(errno));
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return bench_fail("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		mem_result res;
		memset(&res, 0, sizeof res);
		close(fds[0]);
		child_measure(x, k, stream, &res);
		if (write(fds[1], &res, sizeof res) != (ssize_t)sizeof res)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	for (got = 0; got < (ssize_t)sizeof *m;) {
		ssize_t n = read(fds[0], (char *)m + got, sizeof *m - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof *m)
		return bench_fail("the measuring child died (status %d)", status);
	if (m->rc < 0)
		return bench_fail("%s", m->message);
	return 0;
}

static void run_memory(run *x)
{
	mem_result m[2][2];   /* [fetch, stream][raw, sqlkit] */
	int k, stream;
	char note[160];

	for (stream = 0; stream < 2; stream++)
		for (k = 0; k < 2; k++)
			if (measure(x, k, stream, &m[stream][k]) < 0) {
				report_error(x->r, x->b->name, stream ? "stream memory" : "fetch memory",
				             bench_error());
				return;
			}
	if (m[0][0].sum.rows != x->expect_all.rows || m[0][0].sum.check != x->expect_all.check ||
	    m[0][1].sum.rows != x->expect_all.rows || m[0][1].sum.check != x->expect_all.check) {
		report_error(x->r, x->b->name, "fetch memory", "a side read wrong data");
		return;
	}
	if (m[1][0].sum.rows != x->o->stream_rows || m[1][0].sum.rows != m[1][1].sum.rows ||
	    m[1][0].sum.check != m[1][1].sum.check) {
		report_error(x->r, x->b->name, "stream memory", "the sides read different rows");
		return;
	}
	snprintf(note, sizeof note, "peak resident growth during one fetch%s",
	         m[0][0].exact ? "" : " (approximate: peak could not be reset)");
	{
		row r = { x->b->name, "fetch peak mem", x->d->nrows, 1, "KiB",
		          (double)(m[0][0].peak_kb - m[0][0].base_kb),
		          (double)(m[0][1].peak_kb - m[0][1].base_kb), "", "", note };
		report_row(x->r, &r);
	}
	snprintf(note, sizeof note, "peak growth from 10%% to 100%% of the rows; "
	         "total over start: raw %ld KiB, sqlkit %ld KiB",
	         m[1][0].peak_kb - m[1][0].base_kb, m[1][1].peak_kb - m[1][1].base_kb);
	{
		long grow = m[1][1].peak_kb - m[1][1].mid_kb;
		row r = { x->b->name, "stream growth", x->o->stream_rows, 1, "KiB",
		          (double)(m[1][0].peak_kb - m[1][0].mid_kb), (double)grow, "flat (< 1 MiB)",
		          grow < 1024 ? "ok" : "MISS", note };
		report_row(x->r, &r);
	}
}

static void run_backend(const bench_backend *b, const options *o, const bench_data *d, report *r)
{
	run x;
	size_t i;
	int k, w;

	memset(&x, 0, sizeof x);
	x.o = o;
	x.d = d;
	x.b = b;
	x.r = r;
	x.t.backend = b;
	x.side[0] = b->raw;
	x.side[1] = &bench_sqlkit_side;
	for (i = 0; i < d->nrows; i++)
		sum_rows(&x.expect_all, d, i);
	for (i = 0; i < d->nkeys; i++)
		sum_rows(&x.expect_keys, d, (size_t)(d->keys[i] - 1));

	if (b->locate(&x.t, o->dir, "main") < 0) {
		row s = { b->name, "(all)", 0, 0, "s", NAN, NAN, "", "skipped", bench_error() };
		report_row(r, &s);
		return;
	}
	for (k = 0; k < 2; k++)
		if (x.side[k]->open(&x.h[k], &x.t) < 0) {
			report_error(r, b->name, "(open)", bench_error());
			goto done;
		}
	for (w = 0; w < W_COUNT; w++) {
		if (!o->workload[w])
			continue;
		switch (w) {
		case W_COMPILE: run_compile(&x); break;
		case W_POOL: run_pool(&x); break;
		case W_MEMORY: run_memory(&x); break;
		default: run_pair(&x, w); break;
		}
	}
done:
	for (k = 0; k < 2; k++)
		if (x.h[k])
			x.side[k]->close(x.h[k]);
	b->cleanup(&x.t);
}

int main(int argc, char **argv)
{
	options o;
	bench_data d;
	report r;
	size_t i;
	int rc = 0;

	if (parse_options(&o, argc, argv) < 0)
		return 2;
	memset(&r, 0, sizeof r);
	r.table = stdout;
	if (o.tsv && strcmp(o.tsv, "-") == 0) {
		r.table = stderr;
		r.tsv = stdout;
	} else if (o.tsv && !(r.tsv = fopen(o.tsv, "w"))) {
		fprintf(stderr, "sqlkit-bench: cannot write \"%s\": %s\n", o.tsv, strerror(errno));
		return 2;
	}
	if (make_data(&d, o.rows, o.lookups) < 0) {
		fprintf(stderr, "sqlkit-bench: %s\n", bench_error());
		free_data(&d);
		return 1;
	}
	report_header(&r, &o);
	for (i = 0; i < NBACKENDS; i++)
		if (o.backend[i])
			run_backend(backends[i], &o, &d, &r);
	free_data(&d);
	if (r.tsv && r.tsv != stdout)
		fclose(r.tsv);
	sqlkit_shutdown();
	if (r.failed)
		rc = 1;
	else if (r.missed && o.strict)
		rc = 3;
	return rc;
}
