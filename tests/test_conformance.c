/*
 * tests/test_conformance.c - the dialect conformance suite: the same cases on every
 * database, through the public API only (engine, pooled connections, MetaData and
 * the SQL expression language):
 *
 *   - DDL of every generic type by create_all, and a round trip of every value type;
 *   - CRUD: insert with inserted_primary_key, select with where/order/limit, update,
 *     delete, executemany;
 *   - transactions and savepoints, seen from a second connection;
 *   - constraint violations as IntegrityErrors with their SQLSTATEs;
 *   - a streaming fetch of 100,000 rows;
 *   - concurrent connections from one pool;
 *   - the fault test: the server restarted under a live pool (server databases).
 *
 * The database is $SQLKIT_TEST_URL; without it, SQLite in a temporary file (several
 * connections must see one database). tests/conformance-postgresql.sh and
 * tests/conformance-mysql.sh run it on a throwaway server and set
 * SQLKIT_TEST_SERVER_DIR and SQLKIT_TEST_SERVER_SCRIPT, which let the fault test
 * restart that server (tests/pg-server.sh, tests/mariadb-server.sh restart DIR). A
 * plugin author points SQLKIT_TEST_URL (and SQLKIT_PLUGIN_PATH) at their database.
 *
 * What differs between databases is asked of the dialect, never assumed from its
 * name: e.g. whether a TIMESTAMP WITH TIME ZONE exists to keep an offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlkit/sqlkit.h>

#define OK(call) do { int rc_ = (call); \
	if (rc_ != 0) fail_msg("%s -> %d: %s", #call, rc_, sqlkit_error_last()->message); } while (0)
#define FAILS(call, code) do { int rc_ = (call); \
	if (rc_ != (code)) fail_msg("%s -> %d, expected %d (%s)", #call, rc_, (code), \
	                            sqlkit_error_last()->message); } while (0)
#define assert_sqlstate(s) do { \
	const sqlkit_error *e_ = sqlkit_error_last(); \
	if (strcmp(e_->sqlstate, (s)) != 0) \
		fail_msg("SQLSTATE \"%s\", expected \"%s\" (%s)", e_->sqlstate, (s), e_->message); } while (0)

/* Builders return NULL on failure with the error set; these fail the test instead. */
static sqlkit_expr *built_(sqlkit_expr *e, const char *what)
{
	if (!e)
		fail_msg("%s -> NULL: %s", what, sqlkit_error_last()->message);
	return e;
}

/* A generative call borrows the statement it refines: drop the old one, keep the new. */
static sqlkit_expr *refine_(sqlkit_expr *old, sqlkit_expr *made, const char *what)
{
	sqlkit_expr_free(old);
	return built_(made, what);
}

#define BUILT(call) built_((call), #call)
#define REFINE(var, call) ((var) = refine_((var), (call), #call))
#define C(t, name) sqlkit_c((t), (name))

/* ---------------------------------------------------------------- the fixture */

static struct {
	char url[1024];
	char sqlite_path[256];      /* the temporary SQLite file, "" otherwise */
	sqlkit_engine *engine;      /* pre_ping on: the fault test restarts the server under it */
	sqlkit_metadata *md;
	sqlkit_table *types, *parent, *child, *item, *stream, *worker, *fault;
	const char *dialect;
	int keeps_offset;           /* the dialect has a TIMESTAMP WITH TIME ZONE */
	int has_interval;           /* the dialect can store an Interval column (not MySQL) */
} fx;

static const char *const moods[] = { "sad", "ok", "happy", NULL };

static sqlkit_table *table(const char *name)
{
	sqlkit_table *t;
	OK(sqlkit_table_new(&t, fx.md, name));
	return t;
}

static void column(sqlkit_table *t, const char *name, sqlkit_sqltype type, unsigned flags)
{
	OK(sqlkit_table_add_column(t, name, type, flags));
}

static void build_schema(void)
{
	static const char *const worker_seq[] = { "worker", "seq", NULL };
	sqlkit_table *t;

	OK(sqlkit_metadata_new(&fx.md));

	/* One column of every generic type. */
	fx.types = t = table("conf_types");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
	column(t, "i", sqlkit_Integer(), 0);
	column(t, "si", sqlkit_SmallInteger(), 0);
	column(t, "bi", sqlkit_BigInteger(), 0);
	column(t, "f", sqlkit_Float(), 0);
	column(t, "num", sqlkit_Numeric(10, 2), 0);
	column(t, "s", sqlkit_String(60), 0);
	column(t, "t", sqlkit_Text(), 0);
	column(t, "u", sqlkit_Unicode(40), 0);
	column(t, "ut", sqlkit_UnicodeText(), 0);
	column(t, "ok", sqlkit_Boolean(), 0);
	column(t, "d", sqlkit_Date(), 0);
	column(t, "tm", sqlkit_Time(), 0);
	column(t, "dt", sqlkit_DateTime(), 0);
	column(t, "tstz", sqlkit_TIMESTAMP(1), 0);
	column(t, "bin", sqlkit_LargeBinary(), 0);
	column(t, "j", sqlkit_JSON(), 0);
	column(t, "uid", sqlkit_Uuid(), 0);
	column(t, "mood", sqlkit_Enum("conf_mood", moods), 0);
	if (fx.has_interval)        /* last, so the others keep their places */
		column(t, "iv", sqlkit_Interval(), 0);

	fx.parent = t = table("conf_parent");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
	column(t, "name", sqlkit_String(40), SQLKIT_COL_NOT_NULL | SQLKIT_COL_UNIQUE);

	fx.child = t = table("conf_child");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
	column(t, "parent_id", sqlkit_Integer(), SQLKIT_COL_NOT_NULL);
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "parent_id"), "conf_parent.id",
	                                 SQLKIT_FK_NONE, SQLKIT_FK_NONE));
	column(t, "note", sqlkit_Text(), 0);

	fx.item = t = table("conf_item");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
	column(t, "name", sqlkit_String(50), SQLKIT_COL_NOT_NULL);
	column(t, "qty", sqlkit_Integer(), 0);
	column(t, "score", sqlkit_Float(), 0);

	fx.stream = t = table("conf_stream");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY | SQLKIT_COL_NO_AUTOINCREMENT);
	column(t, "n", sqlkit_BigInteger(), SQLKIT_COL_NOT_NULL);
	column(t, "label", sqlkit_String(32), SQLKIT_COL_NOT_NULL);

	fx.worker = t = table("conf_worker");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
	column(t, "worker", sqlkit_Integer(), SQLKIT_COL_NOT_NULL);
	column(t, "seq", sqlkit_Integer(), SQLKIT_COL_NOT_NULL);
	OK(sqlkit_table_add_unique(t, "uq_conf_worker_seq", worker_seq));

	fx.fault = t = table("conf_fault");
	column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY);
	column(t, "note", sqlkit_String(40), 0);
}

/* Can the dialect store an Interval? MySQL has no such column type (SQLAlchemy
 * emulates one with a DATETIME); its CAST says so too. */
static int dialect_has_interval(void)
{
	sqlkit_expr *q;
	char *sql = NULL;
	int rc;

	q = BUILT(sqlkit_select(1, sqlkit_cast(sqlkit_bindparam("t", sqlkit_Interval()),
	                                       sqlkit_Interval())));
	rc = sqlkit_expr_to_string(&sql, q, fx.dialect, 0);
	sqlkit_free(sql);
	sqlkit_expr_free(q);
	return rc == 0;
}

/* Does the dialect have a date-time type that keeps a UTC offset? Its own spelling of
 * CAST(... AS TIMESTAMP(timezone=True)) says so: TIMESTAMP WITH TIME ZONE (SQL, and
 * PostgreSQL), DATETIMEOFFSET (MS SQL); SQLite and MySQL have no such type. */
static int dialect_keeps_offset(void)
{
	sqlkit_expr *q;
	char *sql = NULL;
	int keeps;

	q = BUILT(sqlkit_select(1, sqlkit_cast(sqlkit_bindparam("t", sqlkit_TIMESTAMP(1)),
	                                       sqlkit_TIMESTAMP(1))));
	OK(sqlkit_expr_to_string(&sql, q, fx.dialect, 0));
	keeps = strstr(sql, "WITH TIME ZONE") || strstr(sql, "DATETIMEOFFSET");
	sqlkit_free(sql);
	sqlkit_expr_free(q);
	return keeps;
}

static int setup_suite(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	const char *url = getenv("SQLKIT_TEST_URL");
	sqlkit_conn *c;
	int fd;

	(void)state;
	memset(&fx, 0, sizeof fx);
	if (!url || !*url)
		url = "sqlite://";
	if (strcmp(url, "sqlite://") == 0 || strcmp(url, "sqlite:///:memory:") == 0) {
		/* In memory, every connection would have a database of its own. */
		const char *tmp = getenv("TMPDIR");
		snprintf(fx.sqlite_path, sizeof fx.sqlite_path, "%s/sqlkit-conformance-XXXXXX",
		         tmp && *tmp == '/' ? tmp : "/tmp");
		if ((fd = mkstemp(fx.sqlite_path)) < 0)
			return -1;
		close(fd);
		snprintf(fx.url, sizeof fx.url, "sqlite:///%s", fx.sqlite_path);
	} else {
		snprintf(fx.url, sizeof fx.url, "%s", url);
	}

	o.pool_size = 4;
	o.pool_pre_ping = 1;
	if (sqlkit_engine_create(&fx.engine, fx.url, &o) < 0) {
		/* (not the URL itself: it may hold a password) */
		fprintf(stderr, "conformance: cannot create an engine: %s\n", sqlkit_error_last()->message);
		return -1;
	}
	fx.dialect = sqlkit_engine_dialect(fx.engine);
	fx.has_interval = dialect_has_interval();
	build_schema();
	fx.keeps_offset = dialect_keeps_offset();
	printf("# conformance on %s (dialect %s, driver %s; date-times %s their UTC offset)\n",
	       sqlkit_engine_url(fx.engine), fx.dialect, sqlkit_engine_driver(fx.engine),
	       fx.keeps_offset ? "keep" : "need not keep");

	if (sqlkit_engine_connect(&c, fx.engine) < 0) {
		fprintf(stderr, "conformance: cannot connect to %s: %s\n", sqlkit_engine_url(fx.engine),
		        sqlkit_error_last()->message);
		return -1;
	}
	/* Leftovers of an earlier run on the same database go first. */
	if (sqlkit_metadata_drop_all(fx.md, c) < 0 || sqlkit_metadata_create_all(fx.md, c) < 0) {
		fprintf(stderr, "conformance: create_all: %s\n", sqlkit_error_last()->message);
		sqlkit_conn_close(c);
		return -1;
	}
	sqlkit_conn_close(c);
	return 0;
}

static int teardown_suite(void **state)
{
	sqlkit_conn *c;
	char path[300];

	(void)state;
	if (fx.engine && sqlkit_engine_connect(&c, fx.engine) == 0) {
		sqlkit_metadata_drop_all(fx.md, c);   /* normally done by the last case already */
		sqlkit_conn_close(c);
	}
	sqlkit_engine_free(fx.engine);
	sqlkit_metadata_free(fx.md);
	if (fx.sqlite_path[0]) {
		unlink(fx.sqlite_path);
		snprintf(path, sizeof path, "%s-journal", fx.sqlite_path);
		unlink(path);
		snprintf(path, sizeof path, "%s-wal", fx.sqlite_path);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", fx.sqlite_path);
		unlink(path);
	}
	return 0;
}

/* ---------------------------------------------------------------- helpers */

static sqlkit_conn *checkout(void)
{
	sqlkit_conn *c = NULL;
	OK(sqlkit_engine_connect(&c, fx.engine));
	return c;
}

/* Run a statement to completion; the rows it changed. */
static int64_t run(sqlkit_conn *c, const sqlkit_expr *stmt, const sqlkit_param *params,
                   size_t nparams)
{
	sqlkit_result *r;
	int64_t n;

	OK(sqlkit_conn_exec(&r, c, stmt, params, nparams));
	n = sqlkit_result_rowcount(r);
	sqlkit_result_free(r);
	return n;
}

static void delete_all(sqlkit_conn *c, sqlkit_table *t)
{
	sqlkit_expr *d = BUILT(sqlkit_delete(t));
	run(c, d, NULL, 0);
	sqlkit_expr_free(d);
}

/* SELECT count(*) FROM t [WHERE cond]; takes cond. */
static int64_t count_where(sqlkit_conn *c, sqlkit_table *t, sqlkit_expr *cond)
{
	sqlkit_expr *q = BUILT(sqlkit_select(1, sqlkit_count(sqlkit_star())));
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t n;

	REFINE(q, sqlkit_select_from(q, sqlkit_t(t)));
	if (cond)
		REFINE(q, sqlkit_where(q, cond));
	OK(sqlkit_conn_exec(&r, c, q, NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	n = sqlkit_row_int(row, 0);
	sqlkit_result_free(r);
	sqlkit_expr_free(q);
	return n;
}

static int64_t count(sqlkit_conn *c, sqlkit_table *t)
{
	return count_where(c, t, NULL);
}

/* A decimal's value as text in one form: no sign on zero, no leading zeros, no
 * trailing fractional zeros ("12.50" and "12.5" are the same number). */
static void decimal_norm(char *out, size_t size, const char *s, size_t len)
{
	size_t i = 0, n = 0, end, dot;
	int neg = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	while (i + 1 < len && s[i] == '0' && s[i + 1] != '.')
		i++;
	end = len;
	for (dot = i; dot < len && s[dot] != '.'; dot++)
		;
	if (dot < len) {
		while (end > dot + 1 && s[end - 1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;
	}
	if (neg && !(end - i == 1 && s[i] == '0') && n + 1 < size)
		out[n++] = '-';
	for (; i < end && n + 1 < size; i++)
		out[n++] = s[i];
	out[n] = '\0';
}

static void assert_decimal(const sqlkit_value *v, const char *want)
{
	char a[64], b[64];

	if (v->type != SQLKIT_TYPE_DECIMAL)
		fail_msg("a NUMERIC reads back as %s, expected DECIMAL", sqlkit_type_name(v->type));
	decimal_norm(a, sizeof a, v->u.s.ptr, v->u.s.len);
	decimal_norm(b, sizeof b, want, strlen(want));
	if (strcmp(a, b) != 0)
		fail_msg("decimal \"%.*s\", expected %s", (int)v->u.s.len, v->u.s.ptr, want);
}

/* JSON texts equal but for whitespace outside strings (the dialect may reformat). */
static void assert_json(const sqlkit_value *v, const char *want)
{
	char a[256], b[256];
	const char *src[2];
	size_t len[2], i, n;
	char *dst[2] = { a, b };
	int k, in_str, esc;

	if (v->type != SQLKIT_TYPE_JSON)
		fail_msg("a JSON column reads back as %s", sqlkit_type_name(v->type));
	src[0] = v->u.s.ptr; len[0] = v->u.s.len;
	src[1] = want; len[1] = strlen(want);
	for (k = 0; k < 2; k++) {
		in_str = esc = 0;
		for (i = n = 0; i < len[k] && n + 1 < sizeof a; i++) {
			char ch = src[k][i];
			if (in_str) {
				if (esc)
					esc = 0;
				else if (ch == '\\')
					esc = 1;
				else if (ch == '"')
					in_str = 0;
			} else if (ch == '"') {
				in_str = 1;
			} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
				continue;
			}
			dst[k][n++] = ch;
		}
		dst[k][n] = '\0';
	}
	if (strcmp(a, b) != 0)
		fail_msg("JSON %.*s, expected %s", (int)v->u.s.len, v->u.s.ptr, want);
}

static void assert_text(const sqlkit_value *v, const char *want)
{
	if (v->type != SQLKIT_TYPE_TEXT)
		fail_msg("text reads back as %s", sqlkit_type_name(v->type));
	assert_int_equal(v->u.s.len, strlen(want));
	assert_memory_equal(v->u.s.ptr, want, v->u.s.len);
	assert_int_equal(v->u.s.ptr[v->u.s.len], '\0');
}

/* Microseconds since 1970-01-01 00:00 UTC (local wall time when there is no offset). */
static int64_t epoch_us(const sqlkit_datetime *t)
{
	int64_t y = t->year - (t->month <= 2), era, yoe, doy, doe, days;
	int64_t m = t->month;

	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + t->day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	return ((days * 86400 + t->hour * 3600 + t->minute * 60 + t->second -
	         (t->has_offset ? t->offset_minutes * 60 : 0)) * 1000000) + t->microsecond;
}

static void assert_datetime(const sqlkit_value *v, sqlkit_type type, const sqlkit_value *want)
{
	char got[48], exp[48];

	if (v->type != type)
		fail_msg("%s reads back as %s", sqlkit_type_name(type), sqlkit_type_name(v->type));
	sqlkit_datetime_format(got, sizeof got, v);
	sqlkit_datetime_format(exp, sizeof exp, want);
	if (epoch_us(&v->u.dt) != epoch_us(&want->u.dt))
		fail_msg("%s reads back as %s, expected %s", sqlkit_type_name(type), got, exp);
}

/* ---------------------------------------------------------------- types */

static void test_conformance__every_type_round_trips(void **state)
{
	static const unsigned char uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
	                                        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	static const char *const s = "it's \"quoted\", back\\slash, tab\there, line\nbreak";
	static const char *const u = "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80";
	static const char *const ut = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xd0\xa0\xd1\x83\xd1\x81"
	                              "\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9 \xce\xb5\xce\xbb\xce\xbb\xce\xb7"
	                              "\xce\xbd\xce\xb9\xce\xba\xce\xac";
	static const char *const json = "{\"a\": [1, 2.5, null, true], \"b\": \"\\u00e9 x\"}";
	sqlkit_value d = sqlkit_date(1999, 12, 31);
	sqlkit_value tm = sqlkit_time(7, 8, 9, 10);
	sqlkit_value dt = sqlkit_datetime_v(2024, 2, 29, 23, 59, 58, 123456);
	sqlkit_value tstz = sqlkit_datetime_v(2024, 6, 30, 22, 30, 0, 1);
	unsigned char bin[300];
	char *text;
	sqlkit_conn *c = checkout();
	sqlkit_expr *ins, *q;
	sqlkit_result *r;
	sqlkit_rowset *rs;
	const sqlkit_row *row;
	const sqlkit_value *v;
	sqlkit_value pk, pk_null;
	size_t i;

	(void)state;
	tstz.u.dt.has_offset = 1;
	tstz.u.dt.offset_minutes = 120;
	for (i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7);     /* every byte value, NUL first */
	text = malloc(100001);
	assert_non_null(text);
	for (i = 0; i < 100000; i++)
		text[i] = (char)('a' + i % 26);
	text[100000] = '\0';
	delete_all(c, fx.types);

	ins = BUILT(sqlkit_insert(fx.types));
	REFINE(ins, sqlkit_values(ins,
		"i", sqlkit_lit_int(INT32_MIN),
		"si", sqlkit_lit_int(-32768),
		"bi", sqlkit_lit_int(INT64_MAX),
		"f", sqlkit_lit_float(0.1),
		"num", sqlkit_lit(sqlkit_decimal("12.50")),
		"s", sqlkit_lit_text(s),
		"t", sqlkit_lit_text(text),
		"u", sqlkit_lit_text(u),
		"ut", sqlkit_lit_text(ut),
		"ok", sqlkit_lit_bool(1),
		"d", sqlkit_lit(d),
		"tm", sqlkit_lit(tm),
		"dt", sqlkit_lit(dt),
		"tstz", sqlkit_lit(tstz),
		"bin", sqlkit_lit(sqlkit_blob(bin, sizeof bin)),
		"j", sqlkit_lit(sqlkit_json(json)),
		"uid", sqlkit_lit(sqlkit_uuid(uuid)),
		"mood", sqlkit_lit_text("happy"),
		(const char *)NULL));
	OK(sqlkit_conn_exec(&r, c, ins, NULL, 0));
	OK(sqlkit_result_inserted_primary_key(r, &pk));
	assert_int_equal(pk.type, SQLKIT_TYPE_INT);
	sqlkit_result_free(r);
	sqlkit_expr_free(ins);

	/* A row of NULLs but a false boolean: NULL round trips in every type. */
	ins = BUILT(sqlkit_insert(fx.types));
	REFINE(ins, sqlkit_values(ins, "ok", sqlkit_lit_bool(0), "i", sqlkit_null_(),
	                          "mood", sqlkit_null_(), (const char *)NULL));
	if (fx.has_interval)
		REFINE(ins, sqlkit_values(ins, "iv", sqlkit_null_(), (const char *)NULL));
	OK(sqlkit_conn_exec(&r, c, ins, NULL, 0));
	OK(sqlkit_result_inserted_primary_key(r, &pk_null));
	assert_true(pk_null.u.i != pk.u.i);
	sqlkit_result_free(r);
	sqlkit_expr_free(ins);

	q = BUILT(sqlkit_select(1, sqlkit_t(fx.types)));
	REFINE(q, sqlkit_order_by(q, 1, sqlkit_desc(sqlkit_c(fx.types, "ok"))));
	OK(sqlkit_conn_exec(&r, c, q, NULL, 0));
	assert_int_equal(sqlkit_result_column_count(r), 19 + fx.has_interval);
	OK(sqlkit_result_fetchall(&rs, r));
	sqlkit_result_free(r);
	sqlkit_expr_free(q);
	assert_int_equal(sqlkit_rowset_count(rs), 2);

	row = sqlkit_rowset_row(rs, 0);
	assert_int_equal(sqlkit_row_int(row, 0), pk.u.i);
	v = sqlkit_row_value_by_name(row, "i");
	assert_int_equal(v->type, SQLKIT_TYPE_INT);
	assert_true(v->u.i == INT32_MIN);
	v = sqlkit_row_value_by_name(row, "si");
	assert_int_equal(v->type, SQLKIT_TYPE_INT);
	assert_true(v->u.i == -32768);
	v = sqlkit_row_value_by_name(row, "bi");
	assert_int_equal(v->type, SQLKIT_TYPE_INT);
	assert_true(v->u.i == INT64_MAX);
	v = sqlkit_row_value_by_name(row, "f");
	assert_int_equal(v->type, SQLKIT_TYPE_FLOAT);
	assert_true(v->u.f == 0.1);
	assert_decimal(sqlkit_row_value_by_name(row, "num"), "12.50");
	assert_text(sqlkit_row_value_by_name(row, "s"), s);
	assert_text(sqlkit_row_value_by_name(row, "t"), text);
	assert_text(sqlkit_row_value_by_name(row, "u"), u);
	assert_text(sqlkit_row_value_by_name(row, "ut"), ut);
	v = sqlkit_row_value_by_name(row, "ok");
	assert_int_equal(v->type, SQLKIT_TYPE_BOOL);
	assert_int_equal(v->u.b, 1);
	v = sqlkit_row_value_by_name(row, "d");
	assert_datetime(v, SQLKIT_TYPE_DATE, &d);
	assert_int_equal(v->u.dt.day, 31);
	v = sqlkit_row_value_by_name(row, "tm");
	assert_datetime(v, SQLKIT_TYPE_TIME, &tm);
	assert_int_equal(v->u.dt.microsecond, 10);
	v = sqlkit_row_value_by_name(row, "dt");
	assert_datetime(v, SQLKIT_TYPE_DATETIME, &dt);
	assert_int_equal(v->u.dt.microsecond, 123456);
	assert_false(v->u.dt.has_offset);
	v = sqlkit_row_value_by_name(row, "tstz");
	if (fx.keeps_offset) {
		/* The same instant, with the offset of the session's time zone. */
		if (!v->u.dt.has_offset)
			fail_msg("dialect \"%s\" has TIMESTAMP WITH TIME ZONE, but the value read back "
			         "has no UTC offset", fx.dialect);
		assert_datetime(v, SQLKIT_TYPE_DATETIME, &tstz);
	} else {
		/* No such type: at least the wall time comes back (the offset may be dropped). */
		sqlkit_value wall = tstz;
		if (!v->u.dt.has_offset)
			wall.u.dt.has_offset = 0;
		assert_datetime(v, SQLKIT_TYPE_DATETIME, &wall);
	}
	assert_int_equal(v->u.dt.microsecond, 1);
	if (fx.has_interval)
		assert_true(sqlkit_row_is_null(row, 19));   /* iv */
	v = sqlkit_row_value_by_name(row, "bin");
	assert_int_equal(v->type, SQLKIT_TYPE_BLOB);
	assert_int_equal(v->u.s.len, sizeof bin);
	assert_memory_equal(v->u.s.ptr, bin, sizeof bin);
	assert_json(sqlkit_row_value_by_name(row, "j"), json);
	v = sqlkit_row_value_by_name(row, "uid");
	assert_int_equal(v->type, SQLKIT_TYPE_UUID);
	assert_memory_equal(v->u.uuid, uuid, 16);
	assert_text(sqlkit_row_value_by_name(row, "mood"), "happy");

	row = sqlkit_rowset_row(rs, 1);
	assert_int_equal(sqlkit_row_int(row, 0), pk_null.u.i);
	v = sqlkit_row_value_by_name(row, "ok");
	assert_int_equal(v->type, SQLKIT_TYPE_BOOL);
	assert_int_equal(v->u.b, 0);
	for (i = 1; i < 19 + (size_t)fx.has_interval; i++)
		if (i != 10 && !sqlkit_row_is_null(row, (unsigned)i))
			fail_msg("column \"%s\" of the NULL row reads back as %s",
			         sqlkit_row_column_name(row, (unsigned)i),
			         sqlkit_type_name(sqlkit_row_value(row, (unsigned)i)->type));
	sqlkit_rowset_free(rs);

	/* Typed values compare as equal in WHERE: a UUID, a date, a boolean, bytes. */
	assert_int_equal(count_where(c, fx.types, sqlkit_and(4,
		sqlkit_eq(C(fx.types, "uid"), sqlkit_lit(sqlkit_uuid(uuid))),
		sqlkit_eq(C(fx.types, "d"), sqlkit_lit(d)),
		sqlkit_eq(C(fx.types, "ok"), sqlkit_lit_bool(1)),
		sqlkit_eq(C(fx.types, "num"), sqlkit_lit(sqlkit_decimal("12.5"))))), 1);
	assert_int_equal(count_where(c, fx.types,
		sqlkit_eq(C(fx.types, "bin"), sqlkit_lit(sqlkit_blob(bin, sizeof bin)))), 1);
	free(text);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- CRUD */

static int64_t insert_item(sqlkit_conn *c, const char *name, int qty, double score)
{
	sqlkit_expr *ins = BUILT(sqlkit_insert(fx.item));
	sqlkit_result *r;
	sqlkit_value pk;

	REFINE(ins, sqlkit_values(ins, "name", sqlkit_lit_text(name), "qty", sqlkit_lit_int(qty),
	                          "score", sqlkit_lit_float(score), (const char *)NULL));
	OK(sqlkit_conn_exec(&r, c, ins, NULL, 0));
	assert_int_equal(sqlkit_result_rowcount(r), 1);
	OK(sqlkit_result_inserted_primary_key(r, &pk));
	assert_int_equal(pk.type, SQLKIT_TYPE_INT);
	sqlkit_result_free(r);
	sqlkit_expr_free(ins);
	return pk.u.i;
}

static void test_conformance__crud_with_the_expression_language(void **state)
{
	sqlkit_conn *c = checkout();
	sqlkit_expr *q, *up, *del;
	sqlkit_result *r;
	sqlkit_rowset *rs;
	const sqlkit_row *row;
	int64_t a, b, d;
	sqlkit_param p;

	(void)state;
	delete_all(c, fx.item);
	a = insert_item(c, "apple", 3, 0.5);
	b = insert_item(c, "banana", 12, 1.25);
	d = insert_item(c, "cherry", 7, 2.0);
	insert_item(c, "date", 1, 3.5);
	assert_true(a < b && b < d);
	assert_int_equal(count(c, fx.item), 4);

	/* select name, qty where qty > 2 order by qty desc limit 2 */
	q = BUILT(sqlkit_select(3, C(fx.item, "id"), C(fx.item, "name"), C(fx.item, "qty")));
	REFINE(q, sqlkit_where(q, sqlkit_gt(C(fx.item, "qty"), sqlkit_lit_int(2))));
	REFINE(q, sqlkit_order_by(q, 1, sqlkit_desc(C(fx.item, "qty"))));
	REFINE(q, sqlkit_limit(q, 2));
	OK(sqlkit_conn_exec(&r, c, q, NULL, 0));
	OK(sqlkit_result_fetchall(&rs, r));
	sqlkit_result_free(r);
	sqlkit_expr_free(q);
	assert_int_equal(sqlkit_rowset_count(rs), 2);
	assert_int_equal(sqlkit_row_int(sqlkit_rowset_row(rs, 0), 0), b);
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(rs, 0), 1), "banana");
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(rs, 1), 1), "cherry");
	assert_int_equal(sqlkit_row_int(sqlkit_rowset_row(rs, 1), 2), 7);
	sqlkit_rowset_free(rs);

	/* a bindparam given at execution */
	q = BUILT(sqlkit_select(1, C(fx.item, "score")));
	REFINE(q, sqlkit_where(q, sqlkit_eq(C(fx.item, "name"),
	                                    sqlkit_bindparam("name", sqlkit_String(50)))));
	p = SQLKIT_PARAM("name", sqlkit_text("cherry"));
	OK(sqlkit_conn_exec(&r, c, q, &p, 1));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	assert_true(sqlkit_row_float(row, 0) == 2.0);
	OK(sqlkit_result_fetchone(&row, r));
	assert_null(row);
	sqlkit_result_free(r);
	sqlkit_expr_free(q);

	/* update ... set qty = qty + 10 where name = 'apple' */
	up = BUILT(sqlkit_update(fx.item));
	REFINE(up, sqlkit_values(up, "qty", sqlkit_add(C(fx.item, "qty"), sqlkit_lit_int(10)),
	                         (const char *)NULL));
	REFINE(up, sqlkit_where(up, sqlkit_eq(C(fx.item, "name"), sqlkit_lit_text("apple"))));
	assert_int_equal(run(c, up, NULL, 0), 1);
	sqlkit_expr_free(up);
	assert_int_equal(count_where(c, fx.item, sqlkit_and(2,
		sqlkit_eq(C(fx.item, "id"), sqlkit_lit_int(a)),
		sqlkit_eq(C(fx.item, "qty"), sqlkit_lit_int(13)))), 1);

	/* delete where qty < 10: cherry and date */
	del = BUILT(sqlkit_delete(fx.item));
	REFINE(del, sqlkit_where(del, sqlkit_lt(C(fx.item, "qty"), sqlkit_lit_int(10))));
	assert_int_equal(run(c, del, NULL, 0), 2);
	assert_int_equal(run(c, del, NULL, 0), 0);
	sqlkit_expr_free(del);
	assert_int_equal(count(c, fx.item), 2);
	assert_int_equal(count_where(c, fx.item, sqlkit_eq(C(fx.item, "id"), sqlkit_lit_int(d))), 0);
	sqlkit_conn_close(c);
}

static void test_conformance__executemany_inserts_every_set(void **state)
{
	enum { N = 500 };
	static sqlkit_param sets[N * 3];
	static char names[N][16];
	sqlkit_conn *c = checkout();
	sqlkit_expr *ins, *q;
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t rows = -1, want = 0;
	int i;

	(void)state;
	delete_all(c, fx.item);
	ins = BUILT(sqlkit_insert(fx.item));
	REFINE(ins, sqlkit_values(ins,
		"name", sqlkit_bindparam("name", sqlkit_String(50)),
		"qty", sqlkit_bindparam("qty", sqlkit_Integer()),
		"score", sqlkit_bindparam("score", sqlkit_Float()),
		(const char *)NULL));
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "item-%d", i);
		sets[i * 3 + 0] = SQLKIT_PARAM("name", sqlkit_text(names[i]));
		sets[i * 3 + 1] = SQLKIT_PARAM("qty", sqlkit_int(i));
		sets[i * 3 + 2] = SQLKIT_PARAM("score", i % 5 ? sqlkit_float(i / 4.0) : sqlkit_null());
		want += i;
	}
	OK(sqlkit_conn_exec_many(c, ins, sets, 3, N, &rows));
	assert_int_equal(rows, N);
	assert_false(sqlkit_conn_in_transaction(c));
	sqlkit_expr_free(ins);
	assert_int_equal(count(c, fx.item), N);
	assert_int_equal(count_where(c, fx.item, sqlkit_is_null(C(fx.item, "score"))), N / 5);

	q = BUILT(sqlkit_select(2, sqlkit_sum(C(fx.item, "qty")), sqlkit_max(C(fx.item, "name"))));
	OK(sqlkit_conn_exec(&r, c, q, NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_int_equal(sqlkit_row_value(row, 0)->type, SQLKIT_TYPE_INT);
	assert_int_equal(sqlkit_row_int(row, 0), want);
	assert_string_equal(sqlkit_row_text(row, 1), "item-99");
	sqlkit_result_free(r);
	sqlkit_expr_free(q);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- transactions */

static void insert_note(sqlkit_conn *c, sqlkit_table *t, const char *note)
{
	sqlkit_expr *ins = BUILT(sqlkit_insert(t));
	REFINE(ins, sqlkit_values(ins, "note", sqlkit_lit_text(note), (const char *)NULL));
	assert_int_equal(run(c, ins, NULL, 0), 1);
	sqlkit_expr_free(ins);
}

static int64_t notes(sqlkit_conn *c, sqlkit_table *t, const char *note)
{
	return count_where(c, t, sqlkit_eq(C(t, "note"), sqlkit_lit_text(note)));
}

static int tx_insert(sqlkit_conn *c, void *userdata)
{
	insert_note(c, fx.fault, "engine.transaction");
	return *(int *)userdata;
}

static void test_conformance__transactions_and_savepoints(void **state)
{
	sqlkit_conn *c, *other;
	sqlkit_pool_status st;
	int fail = SQLKIT_ERROR, pass = 0, before;

	(void)state;
	sqlkit_engine_pool_status(fx.engine, &st);
	before = st.checked_out;
	c = checkout();
	other = checkout();
	delete_all(c, fx.fault);

	/* commit keeps, and another connection sees it */
	OK(sqlkit_conn_begin(c));
	assert_true(sqlkit_conn_in_transaction(c));
	FAILS(sqlkit_conn_begin(c), SQLKIT_ESTATE);
	insert_note(c, fx.fault, "committed");
	OK(sqlkit_conn_commit(c));
	assert_false(sqlkit_conn_in_transaction(c));
	assert_int_equal(notes(other, fx.fault, "committed"), 1);

	/* rollback undoes; uncommitted work is not seen elsewhere */
	OK(sqlkit_conn_begin(c));
	insert_note(c, fx.fault, "rolled back");
	assert_int_equal(notes(c, fx.fault, "rolled back"), 1);
	assert_int_equal(notes(other, fx.fault, "rolled back"), 0);
	OK(sqlkit_conn_rollback(c));
	assert_int_equal(notes(c, fx.fault, "rolled back"), 0);
	FAILS(sqlkit_conn_rollback(c), SQLKIT_ESTATE);

	/* savepoints: rolling back to one undoes only what followed it */
	OK(sqlkit_conn_begin(c));
	insert_note(c, fx.fault, "sp-a");
	OK(sqlkit_conn_savepoint(c, "sp1"));
	insert_note(c, fx.fault, "sp-b");
	OK(sqlkit_conn_savepoint(c, NULL));
	insert_note(c, fx.fault, "sp-c");
	assert_int_equal(sqlkit_conn_savepoint_depth(c), 2);
	OK(sqlkit_conn_rollback_to_savepoint(c, "sp1"));
	assert_int_equal(sqlkit_conn_savepoint_depth(c), 0);
	assert_int_equal(notes(c, fx.fault, "sp-b"), 0);
	assert_int_equal(notes(c, fx.fault, "sp-c"), 0);
	OK(sqlkit_conn_savepoint(c, "sp2"));
	insert_note(c, fx.fault, "sp-d");
	OK(sqlkit_conn_release_savepoint(c, "sp2"));
	assert_true(sqlkit_conn_in_transaction(c));
	OK(sqlkit_conn_commit(c));
	assert_int_equal(notes(other, fx.fault, "sp-a"), 1);
	assert_int_equal(notes(other, fx.fault, "sp-b"), 0);
	assert_int_equal(notes(other, fx.fault, "sp-d"), 1);

	/* a savepoint set outside a transaction begins one; rolling it all back undoes all */
	OK(sqlkit_conn_savepoint(c, NULL));
	insert_note(c, fx.fault, "sp-e");
	OK(sqlkit_conn_rollback(c));
	assert_int_equal(notes(other, fx.fault, "sp-e"), 0);

	/* engine.transaction: committed when fn returns 0, rolled back otherwise */
	assert_int_equal(sqlkit_engine_transaction(fx.engine, tx_insert, &fail), SQLKIT_ERROR);
	assert_int_equal(notes(other, fx.fault, "engine.transaction"), 0);
	OK(sqlkit_engine_transaction(fx.engine, tx_insert, &pass));
	assert_int_equal(notes(other, fx.fault, "engine.transaction"), 1);

	/* a connection given back inside a transaction is rolled back */
	OK(sqlkit_conn_begin(c));
	insert_note(c, fx.fault, "given back");
	sqlkit_conn_close(c);
	assert_int_equal(notes(other, fx.fault, "given back"), 0);
	sqlkit_conn_close(other);
	sqlkit_engine_pool_status(fx.engine, &st);
	assert_int_equal(st.checked_out, before);
}

/* ---------------------------------------------------------------- errors */

static sqlkit_expr *insert_parent(int64_t id, const char *name)
{
	sqlkit_expr *ins = BUILT(sqlkit_insert(fx.parent));
	REFINE(ins, sqlkit_values(ins, "id", sqlkit_lit_int(id),
	                          "name", name ? sqlkit_lit_text(name) : sqlkit_null_(),
	                          (const char *)NULL));
	return ins;
}

static void assert_integrity(const sqlkit_expr *stmt, sqlkit_conn *c, const char *sqlstate)
{
	FAILS(sqlkit_conn_exec(NULL, c, stmt, NULL, 0), SQLKIT_ECONSTRAINT);
	if (sqlkit_error_last()->klass != SQLKIT_ERRCLASS_INTEGRITY)
		fail_msg("error class %s, expected IntegrityError (%s)",
		         sqlkit_error_class_name(sqlkit_error_last()->klass), sqlkit_error_last()->message);
	assert_sqlstate(sqlstate);
	assert_false(sqlkit_error_last()->connection_dead);
	assert_false(sqlkit_conn_is_dead(c));
}

static void test_conformance__constraint_violations_are_integrity_errors(void **state)
{
	sqlkit_conn *c = checkout();
	sqlkit_expr *ins, *child;
	sqlkit_param sets[] = {
		SQLKIT_PARAM("id", sqlkit_int(10)), SQLKIT_PARAM("name", sqlkit_text("x")),
		SQLKIT_PARAM("id", sqlkit_int(11)), SQLKIT_PARAM("name", sqlkit_text("alpha")),
	};
	int64_t rows = 99;

	(void)state;
	delete_all(c, fx.child);
	delete_all(c, fx.parent);
	ins = insert_parent(1, "alpha");
	assert_int_equal(run(c, ins, NULL, 0), 1);
	sqlkit_expr_free(ins);

	/* UNIQUE */
	ins = insert_parent(2, "alpha");
	assert_integrity(ins, c, "23505");
	sqlkit_expr_free(ins);
	/* PRIMARY KEY */
	ins = insert_parent(1, "beta");
	assert_integrity(ins, c, "23505");
	sqlkit_expr_free(ins);
	/* NOT NULL */
	ins = insert_parent(3, NULL);
	assert_integrity(ins, c, "23502");
	sqlkit_expr_free(ins);
	/* FOREIGN KEY */
	child = BUILT(sqlkit_insert(fx.child));
	REFINE(child, sqlkit_values(child, "parent_id", sqlkit_bindparam("p", sqlkit_Integer()),
	                            (const char *)NULL));
	FAILS(sqlkit_conn_exec(NULL, c, child,
	                       (sqlkit_param[]){ SQLKIT_PARAM("p", sqlkit_int(999)) }, 1),
	      SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_sqlstate("23503");
	OK(sqlkit_conn_exec(NULL, c, child, (sqlkit_param[]){ SQLKIT_PARAM("p", sqlkit_int(1)) }, 1));
	/* ... and a parent with children cannot go */
	{
		sqlkit_expr *del = BUILT(sqlkit_delete(fx.parent));
		FAILS(sqlkit_conn_exec(NULL, c, del, NULL, 0), SQLKIT_ECONSTRAINT);
		assert_sqlstate("23503");
		sqlkit_expr_free(del);
	}

	/* inside a transaction, a savepoint lets the work go on after a violation */
	OK(sqlkit_conn_begin(c));
	ins = insert_parent(4, "gamma");
	run(c, ins, NULL, 0);
	sqlkit_expr_free(ins);
	OK(sqlkit_conn_savepoint(c, "before_dup"));
	ins = insert_parent(5, "gamma");
	assert_integrity(ins, c, "23505");
	sqlkit_expr_free(ins);
	OK(sqlkit_conn_rollback_to_savepoint(c, "before_dup"));
	ins = insert_parent(6, "delta");
	run(c, ins, NULL, 0);
	sqlkit_expr_free(ins);
	OK(sqlkit_conn_commit(c));
	assert_int_equal(count(c, fx.parent), 3);

	/* executemany is all or nothing */
	ins = BUILT(sqlkit_insert(fx.parent));
	REFINE(ins, sqlkit_values(ins, "id", sqlkit_bindparam("id", sqlkit_Integer()),
	                          "name", sqlkit_bindparam("name", sqlkit_String(40)),
	                          (const char *)NULL));
	FAILS(sqlkit_conn_exec_many(c, ins, sets, 2, 2, &rows), SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_sqlstate("23505");
	assert_false(sqlkit_conn_in_transaction(c));
	assert_int_equal(count(c, fx.parent), 3);
	sqlkit_expr_free(ins);

	/* the connection is fine */
	OK(sqlkit_conn_ping(c));
	assert_int_equal(count(c, fx.child), 1);
	delete_all(c, fx.child);
	sqlkit_expr_free(child);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- streaming */

static int64_t stream_n(int64_t id)
{
	return (id * 7919) % 1000003 - 500000;
}

static void test_conformance__streams_100000_rows(void **state)
{
	enum { N = 100000, CHUNK = 5000 };
	static sqlkit_param sets[CHUNK * 3];
	static char labels[CHUNK][24];
	sqlkit_conn *c = checkout();
	sqlkit_expr *ins, *q;
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t id, rows, total = 0, sum = 0, want_sum = 0, labels_len = 0, want_len = 0;
	int64_t seen = 0;
	int k, rc;

	(void)state;
	delete_all(c, fx.stream);
	ins = BUILT(sqlkit_insert(fx.stream));
	REFINE(ins, sqlkit_values(ins,
		"id", sqlkit_bindparam("id", sqlkit_Integer()),
		"n", sqlkit_bindparam("n", sqlkit_BigInteger()),
		"label", sqlkit_bindparam("label", sqlkit_String(32)),
		(const char *)NULL));
	OK(sqlkit_conn_begin(c));
	for (id = 1; id <= N; id += CHUNK) {
		for (k = 0; k < CHUNK; k++) {
			int64_t i = id + k;
			int len = snprintf(labels[k], sizeof labels[k], "row %lld", (long long)i);
			sets[k * 3 + 0] = SQLKIT_PARAM("id", sqlkit_int(i));
			sets[k * 3 + 1] = SQLKIT_PARAM("n", sqlkit_int(stream_n(i)));
			sets[k * 3 + 2] = SQLKIT_PARAM("label", sqlkit_text(labels[k]));
			want_sum += stream_n(i) * (i % 13 + 1);
			want_len += len;
		}
		rows = 0;
		OK(sqlkit_conn_exec_many(c, ins, sets, 3, CHUNK, &rows));
		assert_int_equal(rows, CHUNK);
		total += rows;
	}
	OK(sqlkit_conn_commit(c));
	sqlkit_expr_free(ins);
	assert_int_equal(total, N);

	q = BUILT(sqlkit_select(3, C(fx.stream, "id"), C(fx.stream, "n"), C(fx.stream, "label")));
	REFINE(q, sqlkit_order_by(q, 1, C(fx.stream, "id")));
	OK(sqlkit_conn_exec(&r, c, q, NULL, 0));
	while ((rc = sqlkit_result_fetchone(&row, r)) == 0 && row) {
		const sqlkit_value *label = sqlkit_row_value(row, 2);
		seen++;
		id = sqlkit_row_int(row, 0);
		if (id != seen)
			fail_msg("row %lld has id %lld", (long long)seen, (long long)id);
		sum += sqlkit_row_int(row, 1) * (id % 13 + 1);
		labels_len += (int64_t)label->u.s.len;
	}
	if (rc != 0)
		fail_msg("fetchone after %lld rows -> %d: %s", (long long)seen, rc,
		         sqlkit_error_last()->message);
	sqlkit_result_free(r);
	sqlkit_expr_free(q);
	assert_int_equal(seen, N);
	assert_int_equal(sum, want_sum);
	assert_int_equal(labels_len, want_len);
	delete_all(c, fx.stream);
	sqlkit_conn_close(c);
}

/* ---------------------------------------------------------------- concurrency */

enum { THREADS = 4, CHECKOUTS = 50 };

struct worker {
	pthread_t thread;
	sqlkit_engine *engine;
	const sqlkit_expr *insert;
	int id;
	int done;
	int rc;
	char message[256];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	sqlkit_conn *c;
	int seq, rc;

	for (seq = 0; seq < CHECKOUTS; seq++) {
		sqlkit_param p[] = { SQLKIT_PARAM("worker", sqlkit_int(w->id)),
		                     SQLKIT_PARAM("seq", sqlkit_int(seq)) };
		if ((rc = sqlkit_engine_connect(&c, w->engine)) == 0) {
			rc = sqlkit_conn_exec(NULL, c, w->insert, p, 2);
			sqlkit_conn_close(c);
		}
		if (rc < 0) {
			w->rc = rc;
			snprintf(w->message, sizeof w->message, "worker %d, checkout %d: %s", w->id, seq,
			         sqlkit_error_last()->message);
			return NULL;
		}
		w->done++;
	}
	return NULL;
}

static void test_conformance__concurrent_connections_from_the_pool(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	struct worker w[THREADS];
	sqlkit_engine *e;
	sqlkit_expr *ins;
	sqlkit_conn *c;
	sqlkit_pool_status st;
	int i;

	(void)state;
	/* Fewer connections than threads: checkouts wait for one another. */
	o.pool_size = 2;
	o.max_overflow = 1;
	o.pool_timeout = 60;
	OK(sqlkit_engine_create(&e, fx.url, &o));
	OK(sqlkit_engine_connect(&c, e));
	delete_all(c, fx.worker);
	sqlkit_conn_close(c);

	ins = BUILT(sqlkit_insert(fx.worker));
	REFINE(ins, sqlkit_values(ins, "worker", sqlkit_bindparam("worker", sqlkit_Integer()),
	                          "seq", sqlkit_bindparam("seq", sqlkit_Integer()), (const char *)NULL));
	memset(w, 0, sizeof w);
	for (i = 0; i < THREADS; i++) {
		w[i].engine = e;
		w[i].insert = ins;
		w[i].id = i;
		assert_int_equal(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(w[i].thread, NULL);
	for (i = 0; i < THREADS; i++)
		if (w[i].rc < 0)
			fail_msg("%s", w[i].message);

	sqlkit_engine_pool_status(e, &st);
	assert_int_equal(st.checked_out, 0);
	assert_true(st.open <= 3);
	assert_true(st.connects >= 1 && st.connects <= 3);
	OK(sqlkit_engine_connect(&c, e));
	assert_int_equal(count(c, fx.worker), THREADS * CHECKOUTS);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(count_where(c, fx.worker, sqlkit_eq(C(fx.worker, "worker"),
		                                                     sqlkit_lit_int(i))), CHECKOUTS);
	delete_all(c, fx.worker);
	sqlkit_conn_close(c);
	sqlkit_expr_free(ins);
	sqlkit_engine_free(e);
}

/* ---------------------------------------------------------------- the fault test */

/* The throwaway server's directory and the script that restarts it
 * (tests/pg-server.sh or tests/mariadb-server.sh), from the wrapper. */
static const char *server_dir(void)
{
	const char *dir = getenv("SQLKIT_TEST_SERVER_DIR");
	return dir && *dir ? dir : getenv("SQLKIT_TEST_PG_DIR");
}

static int restart_server(void)
{
	const char *dir = server_dir();
	const char *top = getenv("top_srcdir");
	const char *script = getenv("SQLKIT_TEST_SERVER_SCRIPT");
	char cmd[2048];
	int st;

	snprintf(cmd, sizeof cmd, "sh '%s/tests/%s' restart '%s'", top && *top ? top : ".",
	         script && *script ? script : "pg-server.sh", dir);
	fflush(stdout);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static sqlkit_engine *fault_engine(int pre_ping)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *e;

	o.pool_size = 2;
	o.max_overflow = 0;
	o.pool_timeout = 10;
	o.pool_pre_ping = pre_ping;
	OK(sqlkit_engine_create(&e, fx.url, &o));
	return e;
}

/* The server restarts under two pools with live idle connections: one pre-pings at
 * checkout, the other finds out at its next statement. */
static void test_conformance__pool_survives_a_server_restart(void **state)
{
	sqlkit_engine *pinged, *plain;
	sqlkit_expr *one;
	sqlkit_conn *a, *b;
	sqlkit_pool_status st;
	const sqlkit_error *err;
	uint64_t serial;
	int rc;

	(void)state;
	if (!server_dir()) {
		printf("# the fault test needs SQLKIT_TEST_SERVER_DIR (tests/conformance-*.sh)\n");
		skip();
	}
	pinged = fault_engine(1);
	plain = fault_engine(0);

	/* Committed work, both ways, before the restart. */
	OK(sqlkit_engine_connect(&a, pinged));
	delete_all(a, fx.fault);
	insert_note(a, fx.fault, "autocommit before restart");
	OK(sqlkit_conn_begin(a));
	insert_note(a, fx.fault, "committed before restart");
	OK(sqlkit_conn_commit(a));
	/* Two live connections in the pre-pinging pool, one in the other. */
	OK(sqlkit_engine_connect(&b, pinged));
	assert_int_equal(notes(b, fx.fault, "committed before restart"), 1);
	sqlkit_conn_close(a);
	sqlkit_conn_close(b);
	sqlkit_engine_pool_status(pinged, &st);
	assert_int_equal(st.idle, 2);
	OK(sqlkit_engine_connect(&b, plain));
	assert_int_equal(notes(b, fx.fault, "autocommit before restart"), 1);
	serial = sqlkit_conn_serial(b);
	sqlkit_conn_close(b);
	sqlkit_engine_pool_status(plain, &st);
	assert_int_equal(st.idle, 1);
	assert_int_equal(st.connects, 1);

	if ((rc = restart_server()) != 0)
		fail_msg("restarting the server in %s exited with %d", server_dir(), rc);

	/* (a) pre_ping: both dead connections are replaced at checkout; the data is there. */
	OK(sqlkit_engine_connect(&a, pinged));
	OK(sqlkit_engine_connect(&b, pinged));
	assert_int_equal(notes(a, fx.fault, "autocommit before restart"), 1);
	assert_int_equal(notes(b, fx.fault, "committed before restart"), 1);
	sqlkit_conn_close(a);
	sqlkit_conn_close(b);
	sqlkit_engine_pool_status(pinged, &st);
	assert_int_equal(st.connects, 4);
	assert_int_equal(st.open, 2);

	/* (b) no pre_ping: the idle connection comes out as it is, and its next statement
	 * says clearly that the connection is gone. */
	OK(sqlkit_engine_connect(&b, plain));
	assert_true(sqlkit_conn_serial(b) == serial);
	one = BUILT(sqlkit_select(1, sqlkit_lit_int(1)));
	rc = sqlkit_conn_exec(NULL, b, one, NULL, 0);
	sqlkit_expr_free(one);
	err = sqlkit_error_last();
	if (rc != SQLKIT_EDISCONNECTED)
		fail_msg("a statement on a connection the server dropped -> %d (%s, %s), expected "
		         "SQLKIT_EDISCONNECTED", rc, sqlkit_error_class_name(err->klass), err->message);
	if (err->klass != SQLKIT_ERRCLASS_OPERATIONAL)
		fail_msg("error class %s, expected OperationalError (%s)",
		         sqlkit_error_class_name(err->klass), err->message);
	printf("# after the restart, a statement on the old connection: %s, SQLSTATE \"%s\": %s\n",
	       sqlkit_error_class_name(err->klass), err->sqlstate, err->message);
	assert_true(err->connection_dead);
	assert_true(err->message[0] != '\0');
	assert_true(sqlkit_conn_is_dead(b));
	/* further use says the same, without touching the driver */
	FAILS(sqlkit_conn_ping(b), SQLKIT_EDISCONNECTED);
	sqlkit_engine_pool_status(plain, &st);
	assert_int_equal(st.open, 1);
	sqlkit_conn_close(b);            /* invalidated: closed, not pooled */
	sqlkit_engine_pool_status(plain, &st);
	assert_int_equal(st.open, 0);
	assert_int_equal(st.idle, 0);
	/* the pool recovers */
	OK(sqlkit_engine_connect(&b, plain));
	assert_true(sqlkit_conn_serial(b) != serial);
	assert_int_equal(notes(b, fx.fault, "committed before restart"), 1);
	insert_note(b, fx.fault, "after restart");
	sqlkit_conn_close(b);
	sqlkit_engine_pool_status(plain, &st);
	assert_int_equal(st.connects, 2);
	assert_int_equal(st.idle, 1);

	sqlkit_engine_free(plain);
	sqlkit_engine_free(pinged);
}

/* ---------------------------------------------------------------- the end */

static void test_conformance__drop_all_leaves_nothing(void **state)
{
	sqlkit_conn *c = checkout();
	size_t i;

	(void)state;
	OK(sqlkit_metadata_drop_all(fx.md, c));
	for (i = 0; i < sqlkit_metadata_table_count(fx.md); i++)
		assert_int_equal(sqlkit_table_exists(sqlkit_metadata_table_at(fx.md, i), c), 0);
	assert_false(sqlkit_conn_in_transaction(c));
	/* and again, on a database without them */
	OK(sqlkit_metadata_drop_all(fx.md, c));
	sqlkit_conn_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance__every_type_round_trips),
		cmocka_unit_test(test_conformance__crud_with_the_expression_language),
		cmocka_unit_test(test_conformance__executemany_inserts_every_set),
		cmocka_unit_test(test_conformance__transactions_and_savepoints),
		cmocka_unit_test(test_conformance__constraint_violations_are_integrity_errors),
		cmocka_unit_test(test_conformance__streams_100000_rows),
		cmocka_unit_test(test_conformance__concurrent_connections_from_the_pool),
		cmocka_unit_test(test_conformance__pool_survives_a_server_restart),
		cmocka_unit_test(test_conformance__drop_all_leaves_nothing),
	};
	int rc = cmocka_run_group_tests(tests, setup_suite, teardown_suite);
	sqlkit_shutdown();
	return rc;
}
