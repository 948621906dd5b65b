/*
 * core_tutorial - the Core flows of the SQLAlchemy tutorials, in C, through
 * sqlkit's MetaData and SQL expression language (no hand-written SQL):
 *
 *   1. the messages Hello World (seeds/003): create_all, insert, select, fetchone;
 *   2. the page/comment/tag schema (seeds/002): sorted_tables, create_all with the
 *      DDL echoed, inserts, select/update/delete, joins, drop_all;
 *   3. the census queries (seeds/001): executemany, where, in_, and_/not_,
 *      order_by, func.sum, group_by, each statement echoed before its rows;
 *   4. the emp table (seeds/001): column defaults, insert one and many, update,
 *      delete, drop_all;
 *   5. one select rendered for each dialect whose plugin is installed.
 *
 *   ./examples/core_tutorial [URL]      (default: sqlite://, in memory)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlkit/sqlkit.h>

/* The call that failed, for the message main() prints. */
static const char *failed_call = "";

#define CHECK(call) do { if ((rc = (call)) < 0) { failed_call = #call; goto done; } } while (0)
/* A builder (or any call returning a pointer) that gives NULL has failed. */
#define BUILD(var, call) do { if (!((var) = (call))) { rc = build_failed(#call); goto done; } } while (0)
#define RELEASE(e) do { sqlkit_expr_free(e); (e) = NULL; } while (0)

#define C(t, name) sqlkit_c((t), (name))
#define TXT(s) sqlkit_lit_text(s)

static int build_failed(const char *call)
{
	int code = sqlkit_error_last()->code;

	failed_call = call;
	return code < 0 ? code : SQLKIT_ERROR;
}

/* The connection's dialect ("sqlite"): statements are shown as it receives them. */
static const char *dialect = "sqlite";

/* ---------------------------------------------------------------- printing */

/* A double as Python's repr() writes it: the shortest text that reads back,
 * positional between 1e-4 and 1e16, with ".0" on whole numbers. */
static void print_float(double f)
{
	char buf[64];
	int prec;
	double a = f < 0 ? -f : f;

	if (a == 0 || (a >= 1e-4 && a < 1e16)) {
		for (prec = 0; prec <= 20; prec++) {
			snprintf(buf, sizeof buf, "%.*f", prec, f);
			if (strtod(buf, NULL) == f)
				break;
		}
		printf("%s%s", buf, prec == 0 ? ".0" : "");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	fputs(buf, stdout);
}

static void print_value(const sqlkit_value *v)
{
	char buf[48];

	switch (v->type) {
	case SQLKIT_TYPE_NULL:    fputs("None", stdout); break;
	case SQLKIT_TYPE_INT:     printf("%lld", (long long)v->u.i); break;
	case SQLKIT_TYPE_FLOAT:   print_float(v->u.f); break;
	case SQLKIT_TYPE_BOOL:    fputs(v->u.b ? "True" : "False", stdout); break;
	case SQLKIT_TYPE_DECIMAL: printf("Decimal('%.*s')", (int)v->u.s.len, v->u.s.ptr); break;
	case SQLKIT_TYPE_TEXT:
	case SQLKIT_TYPE_JSON:    printf("'%.*s'", (int)v->u.s.len, v->u.s.ptr); break;
	case SQLKIT_TYPE_BLOB:    printf("<%zu bytes>", v->u.s.len); break;
	case SQLKIT_TYPE_UUID:    sqlkit_uuid_format(buf, v->u.uuid); printf("'%s'", buf); break;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME:
		if (sqlkit_datetime_format(buf, sizeof buf, v) >= 0)
			printf("'%s'", buf);
		break;
	}
}

/* Every row of res as a tuple, "(no rows)" when there is none. */
static int print_rows(sqlkit_result *res)
{
	const sqlkit_row *row;
	unsigned i, n;
	int rc, count = 0;

	while ((rc = sqlkit_result_fetchone(&row, res)) == 0 && row) {
		n = sqlkit_row_count(row);
		fputs("  (", stdout);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(", ", stdout);
			print_value(sqlkit_row_value(row, i));
		}
		fputs(n == 1 ? ",)\n" : ")\n", stdout);
		count++;
	}
	if (rc == 0 && count == 0)
		printf("  (no rows)\n");
	return rc;
}

/* Print a statement as the connection's dialect receives it (what echo shows). */
static int echo_sql(const sqlkit_expr *stmt)
{
	char *sql = NULL;
	int rc;

	if ((rc = sqlkit_expr_to_string(&sql, stmt, dialect, 0)) < 0)
		return rc;
	printf("%s\n", sql);
	sqlkit_free(sql);
	return 0;
}

/* Echo a query, run it, print its rows. */
static int run(sqlkit_conn *conn, const sqlkit_expr *stmt)
{
	sqlkit_result *res = NULL;
	int rc;

	if ((rc = echo_sql(stmt)) < 0 || (rc = sqlkit_conn_exec(&res, conn, stmt, NULL, 0)) < 0)
		return rc;
	rc = print_rows(res);
	sqlkit_result_free(res);
	return rc;
}

/* Run an UPDATE or DELETE and say how many rows it changed. */
static int run_dml(sqlkit_conn *conn, const sqlkit_expr *stmt, const sqlkit_param *params,
                   size_t nparams)
{
	sqlkit_result *res = NULL;
	int rc;

	if ((rc = echo_sql(stmt)) < 0 ||
	    (rc = sqlkit_conn_exec(&res, conn, stmt, params, nparams)) < 0)
		return rc;
	printf("  -> %lld row(s)\n", (long long)sqlkit_result_rowcount(res));
	sqlkit_result_free(res);
	return 0;
}

/* "VARCHAR(255)", "INTEGER": a column type the way SQLAlchemy prints it. */
static void print_type(sqlkit_sqltype t)
{
	fputs(sqlkit_sqltype_name(t.kind), stdout);
	if (t.length > 0)
		printf("(%d)", t.length);
}

/* The engine's echo hook: DDL is shown while this is set (create_all, drop_all). */
static int echo_on;

static void echo_hook(const sqlkit_echo_event *ev, void *userdata)
{
	(void)userdata;
	if (echo_on)
		printf("  [echo] %s%s\n", ev->sql, ev->rc < 0 ? "  -> error (the table is not there yet)" : "");
}

/* ---------------------------------------------------------------- 1. Hello World */

static int hello_world(sqlkit_conn *conn)
{
	sqlkit_metadata *md = NULL;
	sqlkit_table *messages;
	sqlkit_expr *ins = NULL, *insv = NULL, *sel = NULL;
	sqlkit_result *res = NULL;
	const sqlkit_row *row;
	int rc;

	printf("== Hello, World! (seeds/003)\n");
	/* messages = Table('messages', metadata, Column('id', Integer, primary_key=True),
	 *                  Column('message', Text)) */
	CHECK(sqlkit_metadata_new(&md));
	CHECK(sqlkit_table_new(&messages, md, "messages"));
	CHECK(sqlkit_table_add_column(messages, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	CHECK(sqlkit_table_add_column(messages, "message", sqlkit_Text(), 0));
	CHECK(sqlkit_metadata_create_all(md, conn));
	printf("metadata.create_all(): table messages\n");

	/* messages.insert().values(message='Hello, World!') */
	BUILD(ins, sqlkit_insert(messages));
	BUILD(insv, sqlkit_values(ins, "message", TXT("Hello, World!"), NULL));
	CHECK(echo_sql(insv));
	CHECK(sqlkit_conn_exec(NULL, conn, insv, NULL, 0));

	/* message, = connection.execute(select(messages.c.message)).fetchone() */
	BUILD(sel, sqlkit_select(1, C(messages, "message")));
	CHECK(echo_sql(sel));
	CHECK(sqlkit_conn_exec(&res, conn, sel, NULL, 0));
	CHECK(sqlkit_result_fetchone(&row, res));
	if (row)
		printf("%s\n", sqlkit_row_text(row, 0));
	sqlkit_result_free(res);
	res = NULL;
	CHECK(sqlkit_metadata_drop_all(md, conn));
done:
	sqlkit_result_free(res);
	sqlkit_expr_free(sel);
	sqlkit_expr_free(insv);
	sqlkit_expr_free(ins);
	sqlkit_metadata_free(md);
	return rc;
}

/* ---------------------------------------------------------------- 2. page, comment, tag */

/* default=datetime.now: called at each INSERT that gives no value. */
static int now(sqlkit_value *out, void *userdata)
{
	time_t t = time(NULL);
	struct tm *tm = localtime(&t);

	(void)userdata;
	if (!tm)
		return SQLKIT_ERROR;
	*out = sqlkit_datetime_v(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	                         tm->tm_min, tm->tm_sec, 0);
	return 0;
}

/* The model of seeds/002. Its ids also have Sequence(..., optional=True), which
 * SQLAlchemy uses only where the database cannot autoincrement: left out. */
static int page_schema(sqlkit_metadata *md, sqlkit_table **page, sqlkit_table **comment,
                       sqlkit_table **pagetag, sqlkit_table **tag)
{
	sqlkit_column *c;
	int rc;

	CHECK(sqlkit_table_new(page, md, "page"));
	CHECK(sqlkit_table_add_column(*page, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	CHECK(sqlkit_table_add_column(*page, "content", sqlkit_Text(), SQLKIT_COL_NOT_NULL));
	BUILD(c, sqlkit_table_add(*page, "posted", sqlkit_DateTime(), 0));
	CHECK(sqlkit_column_set_default_fn(c, now, NULL));
	BUILD(c, sqlkit_table_add(*page, "title", sqlkit_Unicode(255), 0));
	CHECK(sqlkit_column_set_default(c, sqlkit_text("Untitled Page")));
	CHECK(sqlkit_table_add_column(*page, "heading", sqlkit_Unicode(255), 0));

	CHECK(sqlkit_table_new(comment, md, "comment"));
	CHECK(sqlkit_table_add_column(*comment, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	BUILD(c, sqlkit_table_add(*comment, "pageid", sqlkit_Integer(), SQLKIT_COL_NOT_NULL));
	CHECK(sqlkit_column_set_foreign_key(c, "page.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));
	BUILD(c, sqlkit_table_add(*comment, "content", sqlkit_Text(), 0));
	CHECK(sqlkit_column_set_default(c, sqlkit_text("")));
	CHECK(sqlkit_table_add_column(*comment, "name", sqlkit_Unicode(255), 0));
	CHECK(sqlkit_table_add_column(*comment, "email", sqlkit_Unicode(255), SQLKIT_COL_NOT_NULL));
	/* The tutorial writes default=now(), which Python evaluates once, when the
	 * module is imported; default=now (a time per row) is what it means. */
	BUILD(c, sqlkit_table_add(*comment, "created", sqlkit_TIMESTAMP(0), 0));
	CHECK(sqlkit_column_set_default_fn(c, now, NULL));

	/* The association table of the many-to-many between page and tag. */
	CHECK(sqlkit_table_new(pagetag, md, "pagetag"));
	CHECK(sqlkit_table_add_column(*pagetag, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	BUILD(c, sqlkit_table_add(*pagetag, "pageid", sqlkit_Integer(), 0));
	CHECK(sqlkit_column_set_foreign_key(c, "page.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));
	BUILD(c, sqlkit_table_add(*pagetag, "tagid", sqlkit_Integer(), 0));
	/* "tag" comes next: foreign keys are resolved when DDL or a join needs them */
	CHECK(sqlkit_column_set_foreign_key(c, "tag.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));

	CHECK(sqlkit_table_new(tag, md, "tag"));
	CHECK(sqlkit_table_add_column(*tag, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	CHECK(sqlkit_table_add_column(*tag, "name", sqlkit_Unicode(20),
	                              SQLKIT_COL_NOT_NULL | SQLKIT_COL_UNIQUE));
done:
	return rc;
}

static int pages(sqlkit_conn *conn)
{
	sqlkit_metadata *md = NULL;
	sqlkit_table *page, *comment, *pagetag, *tag, **sorted = NULL;
	sqlkit_expr *ins = NULL, *q = NULL, *s = NULL, *w = NULL, *j = NULL;
	sqlkit_result *res = NULL;
	sqlkit_value pk;
	size_t i, n;
	int64_t rows = 0;
	int rc;

	printf("\n== Pages, comments and tags (seeds/002)\n");
	CHECK(sqlkit_metadata_new(&md));
	CHECK(page_schema(md, &page, &comment, &pagetag, &tag));

	/* for t in metadata.sorted_tables: print(t.name) */
	CHECK(sqlkit_metadata_sorted_tables(&sorted, &n, md));
	printf("metadata.sorted_tables:");
	for (i = 0; i < n; i++)
		printf(" %s", sqlkit_table_name(sorted[i]));
	printf("\n");
	sqlkit_free(sorted);
	sorted = NULL;
	/* for column in page_table.columns: print(column.type) */
	printf("page_table.columns:");
	for (i = 0; i < sqlkit_table_column_count(page); i++) {
		const sqlkit_column *col = sqlkit_table_column_at(page, i);
		printf("%s %s ", i ? "," : "", sqlkit_column_name(col));
		print_type(sqlkit_column_type(col));
	}
	printf("\n\nmetadata.create_all(), echoed:\n");
	echo_on = 1;
	rc = sqlkit_metadata_create_all(md, conn);
	echo_on = 0;
	CHECK(rc);

	/* page_table.insert().values(title='Test Page', content='Some content!') */
	printf("\nInserting\n");
	BUILD(ins, sqlkit_insert(page));
	BUILD(q, sqlkit_values(ins, "title", TXT("Test Page"), "content", TXT("Some content!"), NULL));
	CHECK(echo_sql(q));
	CHECK(sqlkit_conn_exec(&res, conn, q, NULL, 0));
	CHECK(sqlkit_result_inserted_primary_key(res, &pk));
	printf("  -> inserted_primary_key (%lld,)\n", (long long)pk.u.i);
	sqlkit_result_free(res);
	res = NULL;
	RELEASE(q);
	/* the same insert with other values compiles nothing new (the cache is by shape) */
	BUILD(q, sqlkit_values(ins, "title", TXT("New Title"), "content", TXT("More content"), NULL));
	CHECK(sqlkit_conn_exec(NULL, conn, q, NULL, 0));
	RELEASE(q);
	printf("  and a second page, 'New Title'\n");

	/* select([page_table], and_(page_table.c.id <= 10, page_table.c.title.like('t%')))
	 *     .order_by(page_table.c.title.desc(), page_table.c.id) */
	printf("\nSelecting\n");
	BUILD(s, sqlkit_select(3, C(page, "id"), C(page, "title"), C(page, "content")));
	BUILD(w, sqlkit_where(s, sqlkit_and(2, sqlkit_le(C(page, "id"), sqlkit_lit_int(10)),
	                                    sqlkit_like(C(page, "title"), TXT("t%")))));
	BUILD(q, sqlkit_order_by(w, 2, sqlkit_desc(C(page, "title")), C(page, "id")));
	CHECK(run(conn, q));
	RELEASE(q);
	RELEASE(w);

	/* u = update(page_table, page_table.c.title == 'New Title');
	 * connection.execute(u, title='Updated Title'): the value comes at execution */
	printf("\nUpdating\n");
	{
		sqlkit_param p[] = { SQLKIT_PARAM("title", sqlkit_text("Updated Title")) };
		BUILD(j, sqlkit_update(page));
		BUILD(w, sqlkit_values(j, "title", sqlkit_bindparam("title", sqlkit_Unicode(255)), NULL));
		BUILD(q, sqlkit_where(w, sqlkit_eq(C(page, "title"), TXT("New Title"))));
		CHECK(run_dml(conn, q, p, 1));
		RELEASE(q);
		RELEASE(w);
		RELEASE(j);
	}

	/* The ORM part of the tutorial appends two comments to the first page; here
	 * they are rows of comment with pageid = 1, inserted with executemany. */
	printf("\nComments, tags and the association table\n");
	RELEASE(ins);
	BUILD(ins, sqlkit_insert(comment));
	{
		sqlkit_param sets[] = {
			SQLKIT_PARAM("pageid", sqlkit_int(1)), SQLKIT_PARAM("name", sqlkit_text("James")),
			SQLKIT_PARAM("email", sqlkit_text("james@example.com")),
			SQLKIT_PARAM("content", sqlkit_text("This page needs a bit more detail ;-)")),
			SQLKIT_PARAM("pageid", sqlkit_int(1)), SQLKIT_PARAM("name", sqlkit_text("Mike")),
			SQLKIT_PARAM("email", sqlkit_text("mike@example.com")),
			SQLKIT_PARAM("content", sqlkit_text("Agreed")),
		};
		CHECK(sqlkit_conn_exec_many(conn, ins, sets, 4, 2, &rows));
		printf("  %lld comments on page 1\n", (long long)rows);
	}
	RELEASE(ins);
	{
		const char *const cols[] = { "name" };
		sqlkit_value names[] = { sqlkit_text("sqlalchemy"), sqlkit_text("tutorial") };
		BUILD(ins, sqlkit_insert(tag));
		/* insert(tag).values([{'name': 'sqlalchemy'}, {'name': 'tutorial'}]) */
		BUILD(q, sqlkit_values_rows(ins, 1, cols, 2, names));
		CHECK(echo_sql(q));
		CHECK(sqlkit_conn_exec(NULL, conn, q, NULL, 0));
		RELEASE(q);
		RELEASE(ins);
	}
	{
		const char *const cols[] = { "pageid", "tagid" };
		sqlkit_value links[] = { sqlkit_int(1), sqlkit_int(1), sqlkit_int(1), sqlkit_int(2),
		                         sqlkit_int(2), sqlkit_int(2) };
		BUILD(ins, sqlkit_insert(pagetag));
		BUILD(q, sqlkit_values_rows(ins, 2, cols, 3, links));
		CHECK(echo_sql(q));
		CHECK(sqlkit_conn_exec(NULL, conn, q, NULL, 0));
		RELEASE(q);
		RELEASE(ins);
	}

	/* select(page.c.title, comment.c.name, comment.c.content)
	 *     .select_from(page.join(comment)).order_by(comment.c.id):
	 * the ON clause comes from the one foreign key between them */
	printf("\nJoining\n");
	RELEASE(s);
	BUILD(s, sqlkit_select(3, C(page, "title"), C(comment, "name"), C(comment, "content")));
	BUILD(j, sqlkit_select_from(s, sqlkit_join_fk(sqlkit_t(page), sqlkit_t(comment))));
	BUILD(q, sqlkit_order_by(j, 1, C(comment, "id")));
	CHECK(run(conn, q));
	RELEASE(q);
	RELEASE(j);
	RELEASE(s);
	/* the many-to-many: page JOIN pagetag JOIN tag */
	BUILD(s, sqlkit_select(2, C(page, "title"), C(tag, "name")));
	BUILD(j, sqlkit_select_from(s, sqlkit_join_fk(sqlkit_join_fk(sqlkit_t(page), sqlkit_t(pagetag)),
	                                              sqlkit_t(tag))));
	BUILD(q, sqlkit_order_by(j, 2, C(page, "id"), C(tag, "name")));
	CHECK(run(conn, q));
	RELEASE(q);
	RELEASE(j);
	RELEASE(s);

	/* delete(page_table, page_table.c.id == 1): page 1 still has comments, and
	 * SQLite enforces foreign keys (foreign_keys=on), so it is refused */
	printf("\nDeleting\n");
	BUILD(j, sqlkit_delete(page));
	BUILD(q, sqlkit_where(j, sqlkit_eq(C(page, "id"), sqlkit_lit_int(1))));
	CHECK(echo_sql(q));
	rc = sqlkit_conn_exec(NULL, conn, q, NULL, 0);
	if (rc == SQLKIT_ECONSTRAINT)
		printf("  -> %s: %s\n", sqlkit_error_class_name(sqlkit_error_last()->klass),
		       sqlkit_error_last()->message);
	else
		CHECK(rc);
	RELEASE(q);
	/* the association rows first, then the page */
	BUILD(w, sqlkit_delete(pagetag));
	BUILD(q, sqlkit_where(w, sqlkit_eq(C(pagetag, "pageid"), sqlkit_lit_int(2))));
	CHECK(run_dml(conn, q, NULL, 0));
	RELEASE(q);
	RELEASE(w);
	BUILD(q, sqlkit_where(j, sqlkit_eq(C(page, "id"), sqlkit_lit_int(2))));
	CHECK(run_dml(conn, q, NULL, 0));
	RELEASE(q);
	RELEASE(j);

	printf("\nmetadata.drop_all(), echoed:\n");
	echo_on = 1;
	rc = sqlkit_metadata_drop_all(md, conn);
	echo_on = 0;
	CHECK(rc);
done:
	sqlkit_free(sorted);
	sqlkit_result_free(res);
	sqlkit_expr_free(q);
	sqlkit_expr_free(j);
	sqlkit_expr_free(w);
	sqlkit_expr_free(s);
	sqlkit_expr_free(ins);
	sqlkit_metadata_free(md);
	return rc;
}

/* ---------------------------------------------------------------- 3. census */

static int census_queries(sqlkit_conn *conn)
{
	/* a dozen rows in the shape of the tutorial's census table (not real figures) */
	static const struct { const char *state, *sex; int age, pop2000, pop2008; } data[] = {
		{ "Illinois", "M", 0, 89600, 95012 },     { "Illinois", "M", 1, 88445, 91829 },
		{ "Illinois", "F", 0, 85434, 90513 },     { "New York", "M", 0, 126237, 128088 },
		{ "New York", "F", 0, 120355, 122194 },   { "Texas", "M", 0, 172027, 195484 },
		{ "Texas", "F", 0, 164534, 186788 },      { "California", "M", 0, 252494, 266966 },
		{ "California", "F", 0, 240532, 255143 }, { "California", "F", 1, 242336, 257033 },
		{ "Ohio", "M", 0, 76567, 74524 },         { "Ohio", "F", 0, 72985, 70880 },
	};
	enum { NROWS = sizeof data / sizeof data[0] };
	sqlkit_metadata *md = NULL;
	sqlkit_table *census;
	sqlkit_param sets[NROWS * 5];
	sqlkit_value states[2];
	sqlkit_expr *ins = NULL, *all = NULL, *s = NULL, *q = NULL;
	int64_t n = 0;
	size_t i;
	int rc;

	printf("\n== The census queries (seeds/001)\n");
	CHECK(sqlkit_metadata_new(&md));
	CHECK(sqlkit_table_new(&census, md, "census"));
	CHECK(sqlkit_table_add_column(census, "state", sqlkit_String(30), 0));
	CHECK(sqlkit_table_add_column(census, "sex", sqlkit_String(1), 0));
	CHECK(sqlkit_table_add_column(census, "age", sqlkit_Integer(), 0));
	CHECK(sqlkit_table_add_column(census, "pop2000", sqlkit_Integer(), 0));
	CHECK(sqlkit_table_add_column(census, "pop2008", sqlkit_Integer(), 0));
	CHECK(sqlkit_metadata_create_all(md, conn));

	/* connection.execute(insert(census), [{...}, ...]): executemany */
	for (i = 0; i < NROWS; i++) {
		sets[i * 5 + 0] = SQLKIT_PARAM("state", sqlkit_text(data[i].state));
		sets[i * 5 + 1] = SQLKIT_PARAM("sex", sqlkit_text(data[i].sex));
		sets[i * 5 + 2] = SQLKIT_PARAM("age", sqlkit_int(data[i].age));
		sets[i * 5 + 3] = SQLKIT_PARAM("pop2000", sqlkit_int(data[i].pop2000));
		sets[i * 5 + 4] = SQLKIT_PARAM("pop2008", sqlkit_int(data[i].pop2008));
	}
	BUILD(ins, sqlkit_insert(census));
	CHECK(echo_sql(ins));
	CHECK(sqlkit_conn_exec_many(conn, ins, sets, 5, NROWS, &n));
	printf("  -> %lld rows with executemany\n\n", (long long)n);

	/* select([census]) */
	BUILD(all, sqlkit_select(1, sqlkit_t(census)));
	CHECK(run(conn, all));

	/* .where(census.columns.sex == 'F') */
	printf("\n");
	BUILD(q, sqlkit_where(all, sqlkit_eq(C(census, "sex"), TXT("F"))));
	CHECK(run(conn, q));
	RELEASE(q);

	/* select([census.columns.state, census.columns.sex])
	 *     .where(census.columns.state.in_(['Texas', 'New York'])) */
	printf("\n");
	states[0] = sqlkit_text("Texas");
	states[1] = sqlkit_text("New York");
	BUILD(s, sqlkit_select(2, C(census, "state"), C(census, "sex")));
	BUILD(q, sqlkit_where(s, sqlkit_in(C(census, "state"), states, 2)));
	CHECK(run(conn, q));
	RELEASE(q);
	RELEASE(s);

	/* .where(and_(census.columns.state == 'California', not_(census.columns.sex == 'M'))):
	 * not_ of == is rendered !=, as SQLAlchemy does */
	printf("\n");
	BUILD(q, sqlkit_where(all, sqlkit_and(2, sqlkit_eq(C(census, "state"), TXT("California")),
	                                      sqlkit_not(sqlkit_eq(C(census, "sex"), TXT("M"))))));
	CHECK(run(conn, q));
	RELEASE(q);

	/* .order_by(desc(census.columns.state), census.columns.pop2000) */
	printf("\n");
	BUILD(q, sqlkit_order_by(all, 2, sqlkit_desc(C(census, "state")), C(census, "pop2000")));
	CHECK(run(conn, q));
	RELEASE(q);

	/* select([func.sum(census.columns.pop2008)]) */
	printf("\n");
	BUILD(q, sqlkit_select(1, sqlkit_sum(C(census, "pop2008"))));
	CHECK(run(conn, q));
	RELEASE(q);

	/* select([func.sum(census.columns.pop2008).label('pop2008'), census.columns.sex])
	 *     .group_by(census.columns.sex) */
	printf("\n");
	BUILD(s, sqlkit_select(2, sqlkit_label(sqlkit_sum(C(census, "pop2008")), "pop2008"),
	                       C(census, "sex")));
	BUILD(q, sqlkit_group_by(s, 1, C(census, "sex")));
	CHECK(run(conn, q));
	RELEASE(q);
	RELEASE(s);

	CHECK(sqlkit_metadata_drop_all(md, conn));
done:
	sqlkit_expr_free(q);
	sqlkit_expr_free(s);
	sqlkit_expr_free(all);
	sqlkit_expr_free(ins);
	sqlkit_metadata_free(md);
	return rc;
}

/* ---------------------------------------------------------------- 4. emp */

/* emp = Table('emp', metadata, Column('Id', Integer()),
 *             Column('name', String(255), nullable=False),
 *             Column('salary', Float(), default=100.0),
 *             Column('active', Boolean(), default=True)) */
static int emp_schema(sqlkit_metadata *md, sqlkit_table **emp)
{
	sqlkit_column *c;
	int rc;

	CHECK(sqlkit_table_new(emp, md, "emp"));
	CHECK(sqlkit_table_add_column(*emp, "Id", sqlkit_Integer(), 0));
	CHECK(sqlkit_table_add_column(*emp, "name", sqlkit_String(255), SQLKIT_COL_NOT_NULL));
	BUILD(c, sqlkit_table_add(*emp, "salary", sqlkit_Float(), 0));
	CHECK(sqlkit_column_set_default(c, sqlkit_float(100.0)));
	BUILD(c, sqlkit_table_add(*emp, "active", sqlkit_Boolean(), 0));
	CHECK(sqlkit_column_set_default(c, sqlkit_bool(1)));
done:
	return rc;
}

/* select([emp]).order_by(emp.c.Id), printed */
static int show_emp(sqlkit_conn *conn, sqlkit_table *emp, const char *title)
{
	sqlkit_expr *s = NULL, *q = NULL;
	sqlkit_result *res = NULL;
	int rc;

	printf("%s\n", title);
	BUILD(s, sqlkit_select(1, sqlkit_t(emp)));
	BUILD(q, sqlkit_order_by(s, 1, C(emp, "Id")));
	CHECK(sqlkit_conn_exec(&res, conn, q, NULL, 0));
	CHECK(print_rows(res));
done:
	sqlkit_result_free(res);
	sqlkit_expr_free(q);
	sqlkit_expr_free(s);
	return rc;
}

static int emp_table(sqlkit_conn *conn)
{
	sqlkit_metadata *md = NULL;
	sqlkit_table *emp;
	sqlkit_expr *ins = NULL, *q = NULL, *up = NULL, *upv = NULL, *del = NULL;
	int64_t n = 0;
	int rc;

	printf("\n== The emp table (seeds/001)\n");
	CHECK(sqlkit_metadata_new(&md));
	CHECK(emp_schema(md, &emp));
	CHECK(sqlkit_metadata_create_all(md, conn));
	printf("metadata.create_all(): table emp\n");

	/* insert(emp).values(Id=1, name='naveen', salary=60000.00, active=True) */
	BUILD(ins, sqlkit_insert(emp));
	BUILD(q, sqlkit_values(ins, "Id", sqlkit_lit_int(1), "name", TXT("naveen"),
	                       "salary", sqlkit_lit_float(60000.00), "active", sqlkit_lit_bool(1), NULL));
	CHECK(echo_sql(q));
	CHECK(sqlkit_conn_exec(NULL, conn, q, NULL, 0));
	RELEASE(q);

	/* connection.execute(insert(emp), values_list): executemany */
	{
		sqlkit_param many[] = {
			SQLKIT_PARAM("Id", sqlkit_int(2)), SQLKIT_PARAM("name", sqlkit_text("ram")),
			SQLKIT_PARAM("salary", sqlkit_float(80000)), SQLKIT_PARAM("active", sqlkit_bool(0)),
			SQLKIT_PARAM("Id", sqlkit_int(3)), SQLKIT_PARAM("name", sqlkit_text("ramesh")),
			SQLKIT_PARAM("salary", sqlkit_float(70000)), SQLKIT_PARAM("active", sqlkit_bool(1)),
		};
		CHECK(echo_sql(ins));
		CHECK(sqlkit_conn_exec_many(conn, ins, many, 4, 2, &n));
		printf("  -> %lld rows with executemany\n", (long long)n);
	}
	/* the defaults fill what is not given: salary 100.0, active True */
	{
		sqlkit_param p[] = { SQLKIT_PARAM("Id", sqlkit_int(4)), SQLKIT_PARAM("name", sqlkit_text("sita")) };
		CHECK(sqlkit_conn_exec(NULL, conn, ins, p, 2));
		printf("  and Id=4, name='sita' with the column defaults\n");
	}
	CHECK(show_emp(conn, emp, "select([emp])"));

	/* update(emp).values(salary=emp.c.salary * 1.1).where(emp.c.active) */
	printf("\n");
	BUILD(up, sqlkit_update(emp));
	BUILD(upv, sqlkit_values(up, "salary", sqlkit_mul(C(emp, "salary"), sqlkit_lit_float(1.1)), NULL));
	BUILD(q, sqlkit_where(upv, C(emp, "active")));
	CHECK(run_dml(conn, q, NULL, 0));
	RELEASE(q);
	CHECK(show_emp(conn, emp, "after the raise"));

	/* delete(emp).where(emp.c.name == 'ram') */
	printf("\n");
	BUILD(del, sqlkit_delete(emp));
	BUILD(q, sqlkit_where(del, sqlkit_eq(C(emp, "name"), TXT("ram"))));
	CHECK(run_dml(conn, q, NULL, 0));
	RELEASE(q);
	CHECK(show_emp(conn, emp, "after the delete"));

	/* metadata.drop_all(engine) */
	CHECK(sqlkit_metadata_drop_all(md, conn));
	printf("\nmetadata.drop_all(): table emp dropped\n");
done:
	sqlkit_expr_free(q);
	sqlkit_expr_free(del);
	sqlkit_expr_free(upv);
	sqlkit_expr_free(up);
	sqlkit_expr_free(ins);
	sqlkit_metadata_free(md);
	return rc;
}

/* ---------------------------------------------------------------- 5. dialects */

/* One select, rendered for each dialect whose plugin can be found: quoting of
 * "Id", booleans, LIMIT / TOP, bind markers. Nothing is executed. */
static int show_dialects(void)
{
	static const char *const names[] = { "sqlite", "postgresql", "mysql", "mssql" };
	sqlkit_metadata *md = NULL;
	sqlkit_table *emp;
	sqlkit_expr *s = NULL, *w = NULL, *o = NULL, *q = NULL;
	char *sql = NULL;
	size_t i;
	int rc;

	printf("\n== One statement, several dialects\n");
	CHECK(sqlkit_metadata_new(&md));
	CHECK(emp_schema(md, &emp));
	/* select(emp.c.Id, emp.c.name).where(emp.c.active).order_by(emp.c.salary.desc()).limit(2) */
	BUILD(s, sqlkit_select(2, C(emp, "Id"), C(emp, "name")));
	BUILD(w, sqlkit_where(s, C(emp, "active")));
	BUILD(o, sqlkit_order_by(w, 1, sqlkit_desc(C(emp, "salary"))));
	BUILD(q, sqlkit_limit(o, 2));
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		rc = sqlkit_expr_to_string(&sql, q, names[i], 0);
		if (rc == SQLKIT_ENOTFOUND) {
			printf("%s: needs the %s plugin (not installed)\n", names[i], names[i]);
			continue;
		}
		CHECK(rc);
		printf("%s:\n%s\n", names[i], sql);
		sqlkit_free(sql);
		sql = NULL;
		/* for display only: the values inlined */
		CHECK(sqlkit_expr_to_string(&sql, q, names[i], SQLKIT_RENDER_LITERAL_BINDS));
		printf("%s, literal binds:\n%s\n", names[i], sql);
		sqlkit_free(sql);
		sql = NULL;
	}
	rc = 0;
done:
	sqlkit_free(sql);
	sqlkit_expr_free(q);
	sqlkit_expr_free(o);
	sqlkit_expr_free(w);
	sqlkit_expr_free(s);
	sqlkit_metadata_free(md);
	return rc;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : "sqlite://";
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_engine *engine = NULL;
	sqlkit_conn *conn = NULL;
	int rc;

	/* create_engine(url, echo=True), the echo shown only around create_all / drop_all */
	o.echo = 1;
	o.echo_hook = echo_hook;
	CHECK(sqlkit_engine_create(&engine, url, &o));
	CHECK(sqlkit_engine_connect(&conn, engine));
	dialect = sqlkit_conn_dialect(conn);
	printf("\nThe Core tutorial: MetaData and the SQL expression language\n");
	printf("engine: %s, dialect %s (driver %s)\n\n", sqlkit_engine_url(engine), dialect,
	       sqlkit_conn_driver(conn));

	/* each section names the call that failed in failed_call */
	if ((rc = hello_world(conn)) < 0 || (rc = pages(conn)) < 0 || (rc = census_queries(conn)) < 0 ||
	    (rc = emp_table(conn)) < 0 || (rc = show_dialects()) < 0)
		goto done;
done:
	if (rc < 0)
		fprintf(stderr, "core_tutorial: %s: %s (%s)\n", failed_call, sqlkit_error_last()->message,
		        sqlkit_error_class_name(sqlkit_error_last()->klass));
	sqlkit_conn_close(conn);
	sqlkit_engine_free(engine);
	sqlkit_shutdown();
	return rc < 0 ? 1 : 0;
}
