/*
 * tests/test_schema.c - MetaData, Table and Column: building them with every
 * option, every mistake as a clear error, tables in dependency order, the DDL
 * (SQLAlchemy's, golden strings for SQLite, and the column-specification families
 * on stand-in dialects), and create_all / drop_all on a real SQLite connection.
 *
 * The golden DDL of the other bundled dialects is in tests/ddl_golden.inc, which
 * test_compiler (the suite that compiles those dialects in) includes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlkit/sqlkit.h>
#include <sqlkit/schema.h>

#include "compiler.h"
#include "schema_internal.h"

#define OK(call) do { int rc_ = (call); \
	if (rc_ != 0) fail_msg("%s -> %d: %s", #call, rc_, sqlkit_error_last()->message); } while (0)
#define FAILS(call, code) do { int rc_ = (call); \
	if (rc_ != (code)) fail_msg("%s -> %d, expected %d (%s)", #call, rc_, (code), \
	                            sqlkit_error_last()->message); } while (0)
#define assert_message_has(s) do { \
	const char *m_ = sqlkit_error_last()->message; \
	if (!strstr(m_, (s))) fail_msg("message \"%s\" lacks \"%s\"", m_, (s)); } while (0)

/* ---------------------------------------------------------------- the seed schema */

/* The page/comment/tag schema of the Pylons tutorial (../shared/seeds/002_*.txt):
 *
 *   page_table = Table('page', metadata,
 *       Column('id', Integer, Sequence('page_seq_id', optional=True), primary_key=True),
 *       Column('content', Text(), nullable=False),
 *       Column('posted', DateTime(), default=now),
 *       Column('title', Unicode(255), default=u'Untitled Page'),
 *       Column('heading', Unicode(255)))
 *   comment_table = Table('comment', metadata,
 *       Column('id', Integer, Sequence('comment_seq_id', optional=True), primary_key=True),
 *       Column('pageid', Integer, ForeignKey('page.id'), nullable=False),
 *       Column('content', Text(), default=u''),
 *       Column('name', Unicode(255)),
 *       Column('email', Unicode(255), nullable=False),
 *       Column('created', TIMESTAMP(), default=now()))
 *   pagetag_table = Table('pagetag', metadata,
 *       Column('id', Integer, Sequence('pagetag_seq_id', optional=True), primary_key=True),
 *       Column('pageid', Integer, ForeignKey('page.id')),
 *       Column('tagid', Integer, ForeignKey('tag.id')))
 *   tag_table = Table('tag', metadata,
 *       Column('id', Integer, Sequence('tag_seq_id', optional=True), primary_key=True),
 *       Column('name', Unicode(20), nullable=False, unique=True))
 *
 * (optional sequences are left out: SQLAlchemy ignores them where the database
 * autoincrements.)
 */
static int now_fn(sqlkit_value *out, void *userdata)
{
	(void)userdata;
	*out = sqlkit_datetime_v(2009, 1, 2, 3, 4, 5, 0);
	return 0;
}

static sqlkit_metadata *seed_metadata(void)
{
	sqlkit_metadata *md;
	sqlkit_table *page, *comment, *pagetag, *tag;
	sqlkit_column *c;

	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&page, md, "page"));
	OK(sqlkit_table_add_column(page, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(page, "content", sqlkit_Text(), SQLKIT_COL_NOT_NULL));
	assert_non_null(c = sqlkit_table_add(page, "posted", sqlkit_DateTime(), 0));
	OK(sqlkit_column_set_default_fn(c, now_fn, NULL));
	assert_non_null(c = sqlkit_table_add(page, "title", sqlkit_Unicode(255), 0));
	OK(sqlkit_column_set_default(c, sqlkit_text("Untitled Page")));
	OK(sqlkit_table_add_column(page, "heading", sqlkit_Unicode(255), 0));

	OK(sqlkit_table_new(&comment, md, "comment"));
	OK(sqlkit_table_add_column(comment, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_non_null(c = sqlkit_table_add(comment, "pageid", sqlkit_Integer(), SQLKIT_COL_NOT_NULL));
	OK(sqlkit_column_set_foreign_key(c, "page.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));
	assert_non_null(c = sqlkit_table_add(comment, "content", sqlkit_Text(), 0));
	OK(sqlkit_column_set_default(c, sqlkit_text("")));
	OK(sqlkit_table_add_column(comment, "name", sqlkit_Unicode(255), 0));
	OK(sqlkit_table_add_column(comment, "email", sqlkit_Unicode(255), SQLKIT_COL_NOT_NULL));
	assert_non_null(c = sqlkit_table_add(comment, "created", sqlkit_TIMESTAMP(0), 0));
	OK(sqlkit_column_set_default_fn(c, now_fn, NULL));

	OK(sqlkit_table_new(&pagetag, md, "pagetag"));
	OK(sqlkit_table_add_column(pagetag, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_non_null(c = sqlkit_table_add(pagetag, "pageid", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(c, "page.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));
	assert_non_null(c = sqlkit_table_add(pagetag, "tagid", sqlkit_Integer(), 0));
	/* "tag" is declared below: targets are resolved when needed. */
	OK(sqlkit_column_set_foreign_key(c, "tag.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));

	OK(sqlkit_table_new(&tag, md, "tag"));
	OK(sqlkit_table_add_column(tag, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(tag, "name", sqlkit_Unicode(20),
	                           SQLKIT_COL_NOT_NULL | SQLKIT_COL_UNIQUE));
	return md;
}

static const sqlkit_dialect *sqlite_dialect(void)
{
	const sqlkit_dialect *d = NULL;
	OK(sqlkit__dialect_by_name(&d, "sqlite"));
	return d;
}

/* CREATE TABLE for a table, as a string to compare (freed by the caller). */
static char *create_sql(const sqlkit_table *t, const sqlkit_dialect *d)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	OK(sqlkit__ddl_create_table(&b, t, d, 0));
	return sqlkit__buf_detach(&b);
}

#define assert_create(t, d, expected) do { \
	char *sql_ = create_sql((t), (d)); \
	assert_string_equal(sql_, (expected)); \
	free(sql_); } while (0)

/* ---------------------------------------------------------------- building */

static void test_schema__tables_and_columns_with_every_option(void **state)
{
	static const char *const moods[] = { "sad", "ok", "happy", NULL };
	static const char *const pair[] = { "first", "last", NULL };
	static const char *const ref_pair[] = { "a", "b", NULL };
	static const char *const one_email[] = { "email", NULL };
	sqlkit_metadata *md;
	sqlkit_table *users, *other, *got;
	sqlkit_column *c, *pk[4];
	sqlkit_sqltype ty;
	sqlkit__fk *fks;
	size_t nfks;
	char blob[3] = { 'x', 0, 'y' };
	char text[8] = "hello";
	(void)state;

	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&users, md, "users"));
	OK(sqlkit_table_new(&other, md, "other"));
	OK(sqlkit_table_add_column(other, "a", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(other, "b", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_int_equal(sqlkit_metadata_table_count(md), 2);
	assert_ptr_equal(sqlkit_metadata_table_at(md, 0), users);
	assert_ptr_equal(sqlkit_metadata_table_at(md, 1), other);
	assert_null(sqlkit_metadata_table_at(md, 2));
	assert_ptr_equal(sqlkit_metadata_table(md, "other"), other);
	assert_null(sqlkit_metadata_table(md, "nope"));
	assert_string_equal(sqlkit_table_name(users), "users");

	assert_non_null(c = sqlkit_table_add(users, "id", sqlkit_BigInteger(), SQLKIT_COL_PRIMARY_KEY));
	assert_ptr_equal(sqlkit_column_table(c), users);
	assert_string_equal(sqlkit_column_name(c), "id");
	assert_int_equal(sqlkit_column_type(c).kind, SQLKIT_SQLT_BIGINT);
	assert_int_equal(sqlkit_column_flags(c), SQLKIT_COL_PRIMARY_KEY);
	assert_true(sqlkit__column_is_autoincrement(c));

	OK(sqlkit_table_add_column(users, "name", sqlkit_String(50), SQLKIT_COL_NOT_NULL | SQLKIT_COL_INDEX));
	OK(sqlkit_table_add_column(users, "email", sqlkit_Unicode(200), SQLKIT_COL_UNIQUE));
	OK(sqlkit_table_add_column(users, "bio", sqlkit_UnicodeText(), 0));
	OK(sqlkit_table_add_column(users, "small", sqlkit_SmallInteger(), 0));
	OK(sqlkit_table_add_column(users, "ok", sqlkit_Boolean(), 0));
	OK(sqlkit_table_add_column(users, "ratio", sqlkit_Float(), 0));
	OK(sqlkit_table_add_column(users, "price", sqlkit_Numeric(10, 2), 0));
	OK(sqlkit_table_add_column(users, "born", sqlkit_Date(), 0));
	OK(sqlkit_table_add_column(users, "wakes", sqlkit_Time(), 0));
	OK(sqlkit_table_add_column(users, "seen", sqlkit_DateTime(), 0));
	OK(sqlkit_table_add_column(users, "stamp", sqlkit_TIMESTAMP(1), 0));
	OK(sqlkit_table_add_column(users, "span", sqlkit_Interval(), 0));
	OK(sqlkit_table_add_column(users, "photo", sqlkit_LargeBinary(), 0));
	OK(sqlkit_table_add_column(users, "prefs", sqlkit_JSON(), 0));
	OK(sqlkit_table_add_column(users, "uid", sqlkit_Uuid(), 0));
	OK(sqlkit_table_add_column(users, "mood", sqlkit_Enum("mood", moods), 0));
	OK(sqlkit_table_add_column(users, "first", sqlkit_Integer(), 0));
	OK(sqlkit_table_add_column(users, "last", sqlkit_Integer(), 0));
	assert_int_equal(sqlkit_table_column_count(users), 19);
	assert_string_equal(sqlkit_column_name(sqlkit_table_column_at(users, 2)), "email");
	assert_null(sqlkit_table_column_at(users, 19));
	ty = sqlkit_column_type(sqlkit_table_column(users, "price"));
	assert_int_equal(ty.precision, 10);
	assert_int_equal(ty.scale, 2);
	assert_int_equal(sqlkit_column_type(sqlkit_table_column(users, "stamp")).timezone, 1);
	assert_ptr_equal(sqlkit_column_type(sqlkit_table_column(users, "mood")).enum_values, moods);
	assert_null(sqlkit_table_column(users, "missing"));

	/* Defaults are copied. */
	c = sqlkit_table_column(users, "bio");
	OK(sqlkit_column_set_default(c, sqlkit_text(text)));
	strcpy(text, "HELLO");
	assert_int_equal(c->default_value.type, SQLKIT_TYPE_TEXT);
	assert_int_equal(c->default_value.u.s.len, 5);
	assert_memory_equal(c->default_value.u.s.ptr, "hello", 6);
	c = sqlkit_table_column(users, "photo");
	OK(sqlkit_column_set_default(c, sqlkit_blob(blob, 3)));
	blob[0] = 'z';
	assert_memory_equal(c->default_value.u.s.ptr, "x\0y", 3);
	OK(sqlkit_column_set_default(c, sqlkit_blob(blob, 3)));   /* replaces, no leak */
	c = sqlkit_table_column(users, "ratio");
	OK(sqlkit_column_set_default(c, sqlkit_float(0.5)));
	OK(sqlkit_column_set_default_fn(c, now_fn, NULL));        /* a function replaces a constant */
	assert_false(c->has_default);
	assert_ptr_equal(c->default_fn, now_fn);
	OK(sqlkit_column_set_server_default(sqlkit_table_column(users, "ok"), "0"));
	OK(sqlkit_column_set_server_default(sqlkit_table_column(users, "seen"), "CURRENT_TIMESTAMP"));
	OK(sqlkit_column_set_sequence(sqlkit_table_column(users, "id"), "users_id_seq", 1, 1));

	/* Constraints. */
	OK(sqlkit_table_add_unique(users, "uq_users_first_last", pair));
	OK(sqlkit_table_add_check(users, "ck_small", "small >= 0"));
	OK(sqlkit_table_add_foreign_key(users, "fk_users_other", pair, "other", ref_pair,
	                                SQLKIT_FK_CASCADE, SQLKIT_FK_SET_NULL));
	OK(sqlkit_table_add_index(users, NULL, one_email, 1));
	OK(sqlkit_table_add_index(users, "ix_names", pair, 0));
	assert_int_equal(users->nuniques, 1);
	assert_int_equal(users->nchecks, 1);
	assert_int_equal(users->nfks, 1);
	assert_int_equal(users->nindexes, 2);
	assert_string_equal(users->indexes[0].name, "ix_users_email");
	assert_int_equal(users->uniques[0].order, 0);
	assert_int_equal(users->checks[0].order, 1);
	assert_int_equal(users->fks[0].order, 2);

	/* A column foreign key on a column declared without a type takes the target's. */
	assert_non_null(c = sqlkit_table_add(other, "owner", sqlkit_sqltype_of(SQLKIT_SQLT_NULLTYPE), 0));
	OK(sqlkit_column_set_foreign_key(c, "users.id", SQLKIT_FK_NONE, SQLKIT_FK_CASCADE));
	assert_int_equal(sqlkit_column_type(c).kind, SQLKIT_SQLT_BIGINT);
	assert_ptr_equal(sqlkit__fk_target_column(c), sqlkit_table_column(users, "id"));

	/* Every foreign key of a table, column-level ones first. */
	OK(sqlkit_table_add_column(users, "boss", sqlkit_BigInteger(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(users, "boss"), "users.id",
	                                 SQLKIT_FK_SET_NULL, SQLKIT_FK_NONE));
	OK(sqlkit__table_foreign_keys(&fks, &nfks, users));
	assert_int_equal(nfks, 2);
	assert_int_equal(fks[0].ncols, 1);
	assert_string_equal(fks[0].columns[0], "boss");
	assert_string_equal(fks[0].ref_table, "users");
	assert_string_equal(fks[0].ref_columns[0], "id");
	assert_int_equal(fks[0].on_delete, SQLKIT_FK_SET_NULL);
	assert_null(fks[0].name);
	assert_string_equal(fks[1].name, "fk_users_other");
	assert_int_equal(fks[1].ncols, 2);
	assert_string_equal(fks[1].columns[1], "last");
	assert_string_equal(fks[1].ref_columns[1], "b");
	assert_int_equal(fks[1].on_update, SQLKIT_FK_SET_NULL);
	sqlkit__fks_free(fks, nfks);
	OK(sqlkit__table_foreign_keys(&fks, &nfks, sqlkit_metadata_table(md, "other")));
	assert_int_equal(nfks, 1);
	sqlkit__fks_free(fks, nfks);

	/* Primary keys and autoincrement (SQLAlchemy's rule). */
	assert_int_equal(sqlkit__table_primary_key(other, pk, 4), 2);
	assert_string_equal(pk[0]->name, "a");
	assert_string_equal(pk[1]->name, "b");
	assert_false(sqlkit__column_is_autoincrement(pk[0]));     /* composite */
	assert_false(sqlkit__column_is_autoincrement(sqlkit_table_column(users, "name")));

	got = sqlkit_metadata_table(md, "users");
	assert_ptr_equal(got, users);
	sqlkit_metadata_free(md);
	sqlkit_metadata_free(NULL);
}

static void test_schema__autoincrement_follows_sqlalchemy(void **state)
{
	sqlkit_metadata *md;
	sqlkit_table *t;
	sqlkit_column *c;
	(void)state;

	OK(sqlkit_metadata_new(&md));
	/* A lone integer primary key autoincrements... */
	OK(sqlkit_table_new(&t, md, "a"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_true(sqlkit__column_is_autoincrement(c));
	/* ...unless it is told not to, */
	OK(sqlkit_table_new(&t, md, "b"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_Integer(),
	                                     SQLKIT_COL_PRIMARY_KEY | SQLKIT_COL_NO_AUTOINCREMENT));
	assert_false(sqlkit__column_is_autoincrement(c));
	/* is not an integer, */
	OK(sqlkit_table_new(&t, md, "c"));
	assert_non_null(c = sqlkit_table_add(t, "code", sqlkit_String(5), SQLKIT_COL_PRIMARY_KEY));
	assert_false(sqlkit__column_is_autoincrement(c));
	/* has a foreign key, a client default or a server default. */
	OK(sqlkit_table_new(&t, md, "d"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_column_set_foreign_key(c, "a.id", SQLKIT_FK_NONE, SQLKIT_FK_NONE));
	assert_false(sqlkit__column_is_autoincrement(c));
	OK(sqlkit_table_new(&t, md, "e"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_column_set_default(c, sqlkit_int(7)));
	assert_false(sqlkit__column_is_autoincrement(c));
	OK(sqlkit_table_new(&t, md, "f"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_column_set_server_default(c, "1"));
	assert_false(sqlkit__column_is_autoincrement(c));
	/* A sequence is fine; so is AUTOINCREMENT in a composite key. */
	OK(sqlkit_table_new(&t, md, "g"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_column_set_sequence(c, "g_seq", 0, 0));
	assert_true(sqlkit__column_is_autoincrement(c));
	OK(sqlkit_table_new(&t, md, "h"));
	OK(sqlkit_table_add_column(t, "k", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_non_null(c = sqlkit_table_add(t, "n", sqlkit_Integer(),
	                                     SQLKIT_COL_PRIMARY_KEY | SQLKIT_COL_AUTOINCREMENT));
	assert_true(sqlkit__column_is_autoincrement(c));
	assert_false(sqlkit__column_is_autoincrement(sqlkit_table_column(t, "k")));
	sqlkit_metadata_free(md);
}

static void test_schema__mistakes_are_clear_errors(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const ghost[] = { "ghost", NULL };
	static const char *const twice[] = { "id", "id", NULL };
	static const char *const idcol[] = { "id", NULL };
	static const char *const two[] = { "id", "name", NULL };
	static const char *const dup_values[] = { "a", "b", "a", NULL };
	static const char *const no_values[] = { NULL };
	sqlkit_metadata *md;
	sqlkit_table *t, *t2;
	sqlkit_column *c;
	sqlkit_sqltype bad;
	(void)state;

	OK(sqlkit_metadata_new(&md));
	FAILS(sqlkit_table_new(&t, md, ""), SQLKIT_EINVAL);
	assert_message_has("a table needs a name");
	assert_null(t);
	FAILS(sqlkit_table_new(&t, md, NULL), SQLKIT_EINVAL);
	OK(sqlkit_table_new(&t, md, "users"));
	FAILS(sqlkit_table_new(&t2, md, "users"), SQLKIT_EINVAL);
	assert_message_has("table \"users\" is already defined");
	FAILS(sqlkit_table_new(NULL, md, "x"), SQLKIT_EINVAL);
	FAILS(sqlkit_table_new(&t2, NULL, "x"), SQLKIT_EINVAL);

	/* Columns. */
	FAILS(sqlkit_table_add_column(t, "", sqlkit_Integer(), 0), SQLKIT_EINVAL);
	assert_message_has("a column of table \"users\" needs a name");
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	FAILS(sqlkit_table_add_column(t, "id", sqlkit_Integer(), 0), SQLKIT_EINVAL);
	assert_message_has("table \"users\" already has a column \"id\"");
	assert_null(sqlkit_table_add(t, "id", sqlkit_Text(), 0));
	assert_int_equal(sqlkit_error_last()->code, SQLKIT_EINVAL);
	FAILS(sqlkit_table_add_column(t, "s", sqlkit_String(-1), 0), SQLKIT_EINVAL);
	assert_message_has("column \"users\".\"s\": String length -1 is negative");
	FAILS(sqlkit_table_add_column(t, "u", sqlkit_Unicode(-5), 0), SQLKIT_EINVAL);
	assert_message_has("Unicode length -5");
	FAILS(sqlkit_table_add_column(t, "n", sqlkit_Numeric(2, 5), 0), SQLKIT_EINVAL);
	assert_message_has("column \"users\".\"n\": Numeric precision 2 is less than its scale 5");
	FAILS(sqlkit_table_add_column(t, "n", sqlkit_Numeric(-1, 0), 0), SQLKIT_EINVAL);
	assert_message_has("must not be negative");
	FAILS(sqlkit_table_add_column(t, "e", sqlkit_Enum("e", no_values), 0), SQLKIT_EINVAL);
	assert_message_has("an Enum needs at least one value");
	FAILS(sqlkit_table_add_column(t, "e", sqlkit_Enum(NULL, NULL), 0), SQLKIT_EINVAL);
	FAILS(sqlkit_table_add_column(t, "e", sqlkit_Enum("e", dup_values), 0), SQLKIT_EINVAL);
	assert_message_has("Enum value \"a\" is given twice");
	FAILS(sqlkit_table_add_column(t, "e", sqlkit_Enum("", idcol), 0), SQLKIT_EINVAL);
	assert_message_has("type name is empty");
	bad = sqlkit_Integer();
	bad.kind = (sqlkit_sqltype_kind)99;
	FAILS(sqlkit_table_add_column(t, "k", bad, 0), SQLKIT_EINVAL);
	assert_message_has("unknown type kind 99");
	FAILS(sqlkit_table_add_column(t, "f", sqlkit_Integer(), 0x100), SQLKIT_EINVAL);
	assert_message_has("unknown flags 0x100");
	FAILS(sqlkit_table_add_column(t, "a", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY |
	                              SQLKIT_COL_AUTOINCREMENT | SQLKIT_COL_NO_AUTOINCREMENT),
	      SQLKIT_EINVAL);
	assert_message_has("AUTOINCREMENT and NO_AUTOINCREMENT together");
	FAILS(sqlkit_table_add_column(t, "a", sqlkit_Integer(), SQLKIT_COL_AUTOINCREMENT), SQLKIT_EINVAL);
	assert_message_has("only a primary key column can autoincrement");
	FAILS(sqlkit_table_add_column(t, "a", sqlkit_Text(), SQLKIT_COL_PRIMARY_KEY |
	                              SQLKIT_COL_AUTOINCREMENT), SQLKIT_EINVAL);
	assert_message_has("an autoincrement column must be an integer, not TEXT");
	OK(sqlkit_table_add_column(t, "a1", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY |
	                           SQLKIT_COL_AUTOINCREMENT));
	FAILS(sqlkit_table_add_column(t, "a2", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY |
	                              SQLKIT_COL_AUTOINCREMENT), SQLKIT_EINVAL);
	assert_message_has("table \"users\" has two autoincrement columns, \"a1\" and \"a2\"");
	assert_int_equal(sqlkit_table_column_count(t), 2);
	FAILS(sqlkit_table_add_column(NULL, "x", sqlkit_Integer(), 0), SQLKIT_EINVAL);
	OK(sqlkit_table_add_column(t, "name", sqlkit_String(20), 0));

	/* Column options. */
	c = sqlkit_table_column(t, "name");
	FAILS(sqlkit_column_set_foreign_key(c, "nodot", 0, 0), SQLKIT_EINVAL);
	assert_message_has("column \"users\".\"name\": foreign key target \"nodot\" is not of the "
	                   "form \"table.column\"");
	FAILS(sqlkit_column_set_foreign_key(c, ".id", 0, 0), SQLKIT_EINVAL);
	FAILS(sqlkit_column_set_foreign_key(c, "t.", 0, 0), SQLKIT_EINVAL);
	FAILS(sqlkit_column_set_foreign_key(c, "a.b.c", 0, 0), SQLKIT_EINVAL);
	FAILS(sqlkit_column_set_foreign_key(c, NULL, 0, 0), SQLKIT_EINVAL);
	FAILS(sqlkit_column_set_foreign_key(c, "t.id", (sqlkit_fk_action)42, 0), SQLKIT_EINVAL);
	assert_message_has("unknown ON DELETE action 42");
	assert_null(c->fk_target);
	FAILS(sqlkit_column_set_server_default(c, ""), SQLKIT_EINVAL);
	assert_message_has("server default is empty");
	FAILS(sqlkit_column_set_sequence(c, "", 1, 1), SQLKIT_EINVAL);
	assert_message_has("a sequence needs a name");
	FAILS(sqlkit_column_set_default_fn(c, NULL, NULL), SQLKIT_EINVAL);
	FAILS(sqlkit_column_set_default(NULL, sqlkit_int(1)), SQLKIT_EINVAL);

	/* Table constraints name columns the table has. */
	FAILS(sqlkit_table_add_unique(t, NULL, ghost), SQLKIT_EINVAL);
	assert_message_has("unique constraint on table \"users\" names column \"ghost\", which the "
	                   "table does not have");
	FAILS(sqlkit_table_add_unique(t, NULL, none), SQLKIT_EINVAL);
	assert_message_has("names no columns");
	FAILS(sqlkit_table_add_unique(t, NULL, NULL), SQLKIT_EINVAL);
	FAILS(sqlkit_table_add_unique(t, NULL, twice), SQLKIT_EINVAL);
	assert_message_has("names column \"id\" twice");
	FAILS(sqlkit_table_add_unique(t, "", idcol), SQLKIT_EINVAL);
	assert_message_has("empty name");
	OK(sqlkit_table_add_unique(t, "uq", idcol));
	FAILS(sqlkit_table_add_check(t, "uq", "id > 0"), SQLKIT_EINVAL);
	assert_message_has("table \"users\" already has a constraint or index named \"uq\"");
	FAILS(sqlkit_table_add_check(t, NULL, ""), SQLKIT_EINVAL);
	assert_message_has("check constraint on table \"users\" has no SQL");
	FAILS(sqlkit_table_add_index(t, NULL, ghost, 0), SQLKIT_EINVAL);
	assert_message_has("index on table \"users\" names column \"ghost\"");
	OK(sqlkit_table_add_index(t, NULL, idcol, 0));
	FAILS(sqlkit_table_add_index(t, NULL, idcol, 1), SQLKIT_EINVAL);
	assert_message_has("already has a constraint or index named \"ix_users_id\"");
	FAILS(sqlkit_table_add_foreign_key(t, NULL, ghost, "other", idcol, 0, 0), SQLKIT_EINVAL);
	assert_message_has("foreign key on table \"users\" names column \"ghost\"");
	FAILS(sqlkit_table_add_foreign_key(t, NULL, two, "other", idcol, 0, 0), SQLKIT_EINVAL);
	assert_message_has("foreign key on table \"users\" has 2 columns but refers to 1 column of "
	                   "\"other\"");
	FAILS(sqlkit_table_add_foreign_key(t, NULL, idcol, "", idcol, 0, 0), SQLKIT_EINVAL);
	assert_message_has("names no table to refer to");
	FAILS(sqlkit_table_add_foreign_key(t, NULL, idcol, "other", idcol, 0, (sqlkit_fk_action)-1),
	      SQLKIT_EINVAL);
	assert_message_has("unknown ON UPDATE action -1");
	assert_int_equal(t->nfks, 0);
	assert_int_equal(t->nuniques, 1);
	assert_int_equal(t->nchecks, 0);
	assert_int_equal(t->nindexes, 1);
	sqlkit_metadata_free(md);
}

/* ---------------------------------------------------------------- dependency order */

static void assert_order(sqlkit_metadata *md, const char *const *expected)
{
	sqlkit_table **tables;
	size_t n, i;

	OK(sqlkit_metadata_sorted_tables(&tables, &n, md));
	for (i = 0; expected[i]; i++) {
		assert_true(i < n);
		assert_string_equal(sqlkit_table_name(tables[i]), expected[i]);
	}
	assert_int_equal(n, i);
	sqlkit_free(tables);
}

static void test_schema__sorted_tables_put_foreign_keys_first(void **state)
{
	/* SQLAlchemy's sorted_tables: by name, then in rounds of tables whose
	 * dependencies are out. */
	static const char *const seed[] = { "page", "tag", "comment", "pagetag", NULL };
	static const char *const chain[] = { "a", "b", "c", "d", NULL };
	static const char *const comp_cols[] = { "x", NULL };
	sqlkit_metadata *md = seed_metadata();
	sqlkit_table *t, **tables;
	size_t n;
	(void)state;

	assert_order(md, seed);
	sqlkit_metadata_free(md);

	/* Declared backwards, with a self-reference, a composite key and a key to a
	 * table that is not in the metadata (ignored until DDL). */
	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&t, md, "d"));
	OK(sqlkit_table_add_column(t, "x", sqlkit_Integer(), 0));
	OK(sqlkit_table_add_foreign_key(t, NULL, comp_cols, "c", comp_cols, 0, 0));
	OK(sqlkit_table_new(&t, md, "c"));
	OK(sqlkit_table_add_column(t, "x", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "x"), "b.x", 0, 0));
	OK(sqlkit_table_add_column(t, "parent", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "parent"), "c.x", 0, 0));
	OK(sqlkit_table_new(&t, md, "b"));
	OK(sqlkit_table_add_column(t, "x", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "x"), "a.x", 0, 0));
	OK(sqlkit_table_new(&t, md, "a"));
	OK(sqlkit_table_add_column(t, "x", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "x"), "elsewhere.x", 0, 0));
	assert_order(md, chain);
	sqlkit_metadata_free(md);

	/* No tables. */
	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_metadata_sorted_tables(&tables, &n, md));
	assert_int_equal(n, 0);
	sqlkit_free(tables);
	FAILS(sqlkit_metadata_sorted_tables(&tables, &n, NULL), SQLKIT_EINVAL);
	sqlkit_metadata_free(md);
}

static void test_schema__foreign_key_cycle_names_its_tables(void **state)
{
	sqlkit_metadata *md;
	sqlkit_table *t, **tables = (sqlkit_table **)&md;
	size_t n = 7;
	(void)state;

	OK(sqlkit_metadata_new(&md));
	/* "zz" depends on the cycle without being in it; "x" is free. */
	OK(sqlkit_table_new(&t, md, "zz"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "id"), "b.id", 0, 0));
	OK(sqlkit_table_new(&t, md, "b"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "id"), "a.id", 0, 0));
	OK(sqlkit_table_new(&t, md, "x"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), 0));
	OK(sqlkit_table_new(&t, md, "a"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "id"), "b.id", 0, 0));
	FAILS(sqlkit_metadata_sorted_tables(&tables, &n, md), SQLKIT_EINVAL);
	assert_string_equal(sqlkit_error_last()->message,
	                    "foreign keys form a cycle between tables \"a\", \"b\"");
	assert_null(tables);
	assert_int_equal(n, 0);
	sqlkit_metadata_free(md);
}

/* ---------------------------------------------------------------- SQLite DDL */

static void test_schema__sqlite_ddl_matches_sqlalchemy(void **state)
{
	const sqlkit_dialect *d = sqlite_dialect();
	sqlkit_metadata *md = seed_metadata();
	sqlkit_buf b = SQLKIT_BUF_INIT;
	(void)state;

	assert_create(sqlkit_metadata_table(md, "page"), d,
		"CREATE TABLE page (\n"
		"\tid INTEGER NOT NULL, \n"
		"\tcontent TEXT NOT NULL, \n"
		"\tposted DATETIME, \n"
		"\ttitle VARCHAR(255), \n"
		"\theading VARCHAR(255), \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(sqlkit_metadata_table(md, "comment"), d,
		"CREATE TABLE comment (\n"
		"\tid INTEGER NOT NULL, \n"
		"\tpageid INTEGER NOT NULL, \n"
		"\tcontent TEXT, \n"
		"\tname VARCHAR(255), \n"
		"\temail VARCHAR(255) NOT NULL, \n"
		"\tcreated TIMESTAMP, \n"
		"\tPRIMARY KEY (id), \n"
		"\tFOREIGN KEY(pageid) REFERENCES page (id)\n"
		")");
	assert_create(sqlkit_metadata_table(md, "pagetag"), d,
		"CREATE TABLE pagetag (\n"
		"\tid INTEGER NOT NULL, \n"
		"\tpageid INTEGER, \n"
		"\ttagid INTEGER, \n"
		"\tPRIMARY KEY (id), \n"
		"\tFOREIGN KEY(pageid) REFERENCES page (id), \n"
		"\tFOREIGN KEY(tagid) REFERENCES tag (id)\n"
		")");
	assert_create(sqlkit_metadata_table(md, "tag"), d,
		"CREATE TABLE tag (\n"
		"\tid INTEGER NOT NULL, \n"
		"\tname VARCHAR(20) NOT NULL, \n"
		"\tPRIMARY KEY (id), \n"
		"\tUNIQUE (name)\n"
		")");
	OK(sqlkit__ddl_create_table(&b, sqlkit_metadata_table(md, "tag"), d, 1));
	assert_true(strncmp(b.ptr, "CREATE TABLE IF NOT EXISTS tag (\n", 33) == 0);
	sqlkit__buf_free(&b);
	OK(sqlkit__ddl_drop_table(&b, sqlkit_metadata_table(md, "tag"), d, 0));
	assert_string_equal(b.ptr, "DROP TABLE tag");
	sqlkit__buf_free(&b);
	OK(sqlkit__ddl_drop_table(&b, sqlkit_metadata_table(md, "tag"), d, 1));
	assert_string_equal(b.ptr, "DROP TABLE IF EXISTS tag");
	sqlkit__buf_free(&b);
	/* No sequences or native enums on SQLite, no indexes here. */
	OK(sqlkit__ddl_create_prelude(&b, sqlkit_metadata_table(md, "page"), d));
	OK(sqlkit__ddl_create_indexes(&b, sqlkit_metadata_table(md, "page"), d));
	assert_true(b.len == 0);
	sqlkit__buf_free(&b);
	sqlkit_metadata_free(md);
}

/* Every option on SQLite: constraint order (PRIMARY KEY, the table's own in the
 * order they were added, then the columns' UNIQUE and FOREIGN KEY), quoting,
 * server defaults (SQLite puts expressions in parentheses), named constraints,
 * ON DELETE / ON UPDATE, CHECK, indexes, and the composite-key autoincrement
 * error. */
static void test_schema__sqlite_ddl_every_option(void **state)
{
	static const char *const kinds[] = { "a", "b's", NULL };
	static const char *const ab[] = { "a", "b", NULL };
	static const char *const xy[] = { "x", "y", NULL };
	static const char *const by[] = { "select", "b", NULL };
	const sqlkit_dialect *d = sqlite_dialect();
	sqlkit_metadata *md;
	sqlkit_table *t, *p;
	sqlkit_column *c;
	sqlkit_buf b = SQLKIT_BUF_INIT;
	(void)state;

	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&p, md, "parent"));
	OK(sqlkit_table_add_column(p, "x", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(p, "y", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_new(&t, md, "Order"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_BigInteger(), SQLKIT_COL_PRIMARY_KEY));
	assert_non_null(c = sqlkit_table_add(t, "a", sqlkit_Integer(), SQLKIT_COL_NOT_NULL |
	                                     SQLKIT_COL_UNIQUE));
	OK(sqlkit_column_set_server_default(c, "0"));
	assert_non_null(c = sqlkit_table_add(t, "b", sqlkit_Integer(), SQLKIT_COL_INDEX));
	OK(sqlkit_column_set_foreign_key(c, "Order.id", SQLKIT_FK_CASCADE, SQLKIT_FK_NONE));
	assert_non_null(c = sqlkit_table_add(t, "at", sqlkit_DateTime(), 0));
	OK(sqlkit_column_set_server_default(c, "CURRENT_TIMESTAMP"));
	assert_non_null(c = sqlkit_table_add(t, "day", sqlkit_Date(), 0));
	OK(sqlkit_column_set_server_default(c, "date('now')"));
	assert_non_null(c = sqlkit_table_add(t, "note", sqlkit_String(10), SQLKIT_COL_UNIQUE |
	                                     SQLKIT_COL_INDEX));
	OK(sqlkit_column_set_server_default(c, "'n/a'"));
	OK(sqlkit_table_add_column(t, "kind", sqlkit_Enum("kind", kinds), 0));
	OK(sqlkit_table_add_column(t, "select", sqlkit_Numeric(10, 2), 0));
	OK(sqlkit_table_add_check(t, NULL, "a >= 0"));
	OK(sqlkit_table_add_foreign_key(t, "fk_parent", ab, "parent", xy, SQLKIT_FK_SET_NULL,
	                                SQLKIT_FK_RESTRICT));
	OK(sqlkit_table_add_unique(t, NULL, ab));
	OK(sqlkit_table_add_check(t, "ck_b", "b <> a"));
	OK(sqlkit_table_add_index(t, NULL, by, 0));
	OK(sqlkit_table_add_index(t, "uix_a", ab, 1));

	assert_create(t, d,
		"CREATE TABLE \"Order\" (\n"
		"\tid BIGINT NOT NULL, \n"
		"\ta INTEGER DEFAULT 0 NOT NULL, \n"
		"\tb INTEGER, \n"
		"\tat DATETIME DEFAULT CURRENT_TIMESTAMP, \n"
		"\tday DATE DEFAULT (date('now')), \n"
		"\tnote VARCHAR(10) DEFAULT 'n/a', \n"
		"\tkind VARCHAR(3), \n"
		"\t\"select\" NUMERIC(10, 2), \n"
		"\tPRIMARY KEY (id), \n"
		"\tCHECK (a >= 0), \n"
		"\tCONSTRAINT fk_parent FOREIGN KEY(a, b) REFERENCES parent (x, y) "
		"ON DELETE SET NULL ON UPDATE RESTRICT, \n"
		"\tUNIQUE (a, b), \n"
		"\tCONSTRAINT ck_b CHECK (b <> a), \n"
		"\tUNIQUE (a), \n"
		"\tFOREIGN KEY(b) REFERENCES \"Order\" (id) ON DELETE CASCADE\n"
		")");
	OK(sqlkit__ddl_create_indexes(&b, t, d));
	assert_string_equal(b.ptr,
		"CREATE INDEX \"ix_Order_b\" ON \"Order\" (b);\n"
		"CREATE UNIQUE INDEX \"ix_Order_note\" ON \"Order\" (note);\n"
		"CREATE INDEX \"ix_Order_select\" ON \"Order\" (\"select\", b);\n"
		"CREATE UNIQUE INDEX uix_a ON \"Order\" (a, b);\n");
	sqlkit__buf_free(&b);
	sqlkit_metadata_free(md);
}

static void test_schema__ddl_errors_name_what_is_wrong(void **state)
{
	const sqlkit_dialect *d = sqlite_dialect();
	static const char *const refs[] = { "ref", NULL };
	static const char *const ys[] = { "nope", NULL };
	sqlkit_metadata *md;
	sqlkit_table *t, *u;
	sqlkit_column *c;
	sqlkit_buf b = SQLKIT_BUF_INIT;
	(void)state;

	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&t, md, "empty"));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("table \"empty\" has no columns");

	OK(sqlkit_table_new(&t, md, "t"));
	assert_non_null(c = sqlkit_table_add(t, "ref", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(c, "missing.id", 0, 0));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("foreign key on \"t\".\"ref\" refers to table \"missing\", which is not "
	                   "in the metadata");
	sqlkit__buf_free(&b);
	OK(sqlkit_table_new(&u, md, "missing"));
	OK(sqlkit_table_add_column(u, "x", sqlkit_Integer(), 0));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("foreign key on \"t\".\"ref\" refers to column \"missing\".\"id\", which "
	                   "does not exist");
	sqlkit__buf_free(&b);
	OK(sqlkit_column_set_foreign_key(c, "missing.x", 0, 0));
	OK(sqlkit_table_add_foreign_key(t, NULL, refs, "missing", ys, 0, 0));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("refers to column \"missing\".\"nope\"");
	sqlkit__buf_free(&b);

	/* A column with no type, and one whose foreign key cannot lend one. */
	OK(sqlkit_table_new(&t, md, "untyped"));
	OK(sqlkit_table_add_column(t, "v", sqlkit_sqltype_of(SQLKIT_SQLT_NULLTYPE), 0));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("column \"untyped\".\"v\" has no type");
	sqlkit__buf_free(&b);
	OK(sqlkit_table_new(&t, md, "untyped2"));
	assert_non_null(c = sqlkit_table_add(t, "v", sqlkit_sqltype_of(SQLKIT_SQLT_NULLTYPE), 0));
	OK(sqlkit_column_set_foreign_key(c, "ghost.id", 0, 0));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("has no type and its foreign key target \"ghost.id\" is not in the metadata");
	sqlkit__buf_free(&b);

	/* SQLite cannot autoincrement inside a composite key (SQLAlchemy's CompileError). */
	OK(sqlkit_table_new(&t, md, "comp"));
	OK(sqlkit_table_add_column(t, "k", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(t, "n", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY |
	                           SQLKIT_COL_AUTOINCREMENT));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_ENOTSUPPORTED);
	assert_message_has("column \"comp\".\"n\": dialect \"sqlite\" cannot autoincrement a column of "
	                   "a composite primary key");
	sqlkit__buf_free(&b);
	sqlkit_metadata_free(md);
}

/* ---------------------------------------------------------------- column families */

/* Stand-in dialects with generic type names: the column specification follows
 * the family the autoinc_style names, whatever the dialect's types are. */
static int plain_type_ddl(char *buf, size_t size, const sqlkit_sqltype *t)
{
	switch (t->kind) {
	case SQLKIT_SQLT_INTEGER:   snprintf(buf, size, "INTEGER"); return 0;
	case SQLKIT_SQLT_BIGINT:    snprintf(buf, size, "BIGINT"); return 0;
	case SQLKIT_SQLT_SMALLINT:  snprintf(buf, size, "SMALLINT"); return 0;
	case SQLKIT_SQLT_STRING:    snprintf(buf, size, "VARCHAR(%d)", t->length); return 0;
	case SQLKIT_SQLT_TIMESTAMP: snprintf(buf, size, "TIMESTAMP"); return 0;
	case SQLKIT_SQLT_ENUM:      snprintf(buf, size, "VARCHAR(5)"); return 0;
	default:
		snprintf(buf, size, "no %s here", sqlkit_sqltype_name(t->kind));
		return SQLKIT_ENOTSUPPORTED;
	}
}

static const sqlkit_dialect *family(sqlkit_autoinc_style style, unsigned flags, char quote)
{
	static sqlkit_dialect d;

	memset(&d, 0, sizeof d);
	d.struct_size = sizeof d;
	d.name = style == SQLKIT_AUTOINC_SERIAL ? "serialdb" : style == SQLKIT_AUTOINC_KEYWORD ?
	         "keyworddb" : "identitydb";
	d.quote_open = quote;
	d.quote_close = quote == '[' ? ']' : quote;
	d.flags = flags;
	d.autoinc_style = style;
	d.type_ddl = plain_type_ddl;
	return &d;
}

static sqlkit_metadata *family_metadata(void)
{
	static const char *const moods[] = { "sad", "happy", NULL };
	sqlkit_metadata *md;
	sqlkit_table *t;
	sqlkit_column *c;

	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&t, md, "t"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_non_null(c = sqlkit_table_add(t, "n", sqlkit_Integer(), SQLKIT_COL_NOT_NULL));
	OK(sqlkit_column_set_server_default(c, "1"));
	OK(sqlkit_table_add_column(t, "s", sqlkit_String(5), 0));
	OK(sqlkit_table_add_column(t, "ts", sqlkit_TIMESTAMP(0), 0));
	OK(sqlkit_table_add_column(t, "mood", sqlkit_Enum("mood", moods), 0));

	OK(sqlkit_table_new(&t, md, "s"));
	assert_non_null(c = sqlkit_table_add(t, "id", sqlkit_BigInteger(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_column_set_sequence(c, "s_id_seq", 100, 5));
	OK(sqlkit_table_add_column(t, "v", sqlkit_SmallInteger(), 0));

	OK(sqlkit_table_new(&t, md, "k"));
	OK(sqlkit_table_add_column(t, "a", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_table_add_column(t, "b", sqlkit_BigInteger(), SQLKIT_COL_PRIMARY_KEY |
	                           SQLKIT_COL_AUTOINCREMENT));
	return md;
}

static void test_schema__column_families(void **state)
{
	sqlkit_metadata *md = family_metadata();
	sqlkit_table *t = sqlkit_metadata_table(md, "t"), *s = sqlkit_metadata_table(md, "s");
	sqlkit_table *k = sqlkit_metadata_table(md, "k");
	const sqlkit_dialect *d;
	sqlkit_buf b = SQLKIT_BUF_INIT;
	(void)state;

	d = family(SQLKIT_AUTOINC_SERIAL, SQLKIT_DIALECT_SEQUENCES | SQLKIT_DIALECT_NATIVE_ENUM, '"');
	assert_create(t, d,
		"CREATE TABLE t (\n"
		"\tid SERIAL NOT NULL, \n"
		"\tn INTEGER DEFAULT 1 NOT NULL, \n"
		"\ts VARCHAR(5), \n"
		"\tts TIMESTAMP, \n"
		"\tmood mood, \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(s, d,
		"CREATE TABLE s (\n"
		"\tid BIGINT DEFAULT nextval('s_id_seq') NOT NULL, \n"
		"\tv SMALLINT, \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(k, d,
		"CREATE TABLE k (\n"
		"\ta INTEGER NOT NULL, \n"
		"\tb BIGSERIAL NOT NULL, \n"
		"\tPRIMARY KEY (b, a)\n"
		")");
	OK(sqlkit__ddl_create_prelude(&b, t, d));
	assert_string_equal(b.ptr, "CREATE TYPE mood AS ENUM ('sad', 'happy');\n");
	sqlkit__buf_free(&b);
	OK(sqlkit__ddl_create_prelude(&b, s, d));
	assert_string_equal(b.ptr, "CREATE SEQUENCE s_id_seq INCREMENT BY 5 START WITH 100;\n");
	sqlkit__buf_free(&b);
	FAILS(sqlkit__ddl_drop_table(&b, t, d, 1), SQLKIT_ENOTSUPPORTED);
	assert_message_has("dialect \"serialdb\" has no DROP TABLE IF EXISTS");
	FAILS(sqlkit__ddl_create_table(&b, t, d, 1), SQLKIT_ENOTSUPPORTED);
	sqlkit__buf_free(&b);

	d = family(SQLKIT_AUTOINC_KEYWORD, 0, '`');
	assert_create(t, d,
		"CREATE TABLE t (\n"
		"\tid INTEGER NOT NULL AUTO_INCREMENT, \n"
		"\tn INTEGER NOT NULL DEFAULT 1, \n"
		"\ts VARCHAR(5), \n"
		"\tts TIMESTAMP NULL, \n"
		"\tmood VARCHAR(5), \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(s, d,      /* no sequences here: the sequence is ignored */
		"CREATE TABLE s (\n"
		"\tid BIGINT NOT NULL AUTO_INCREMENT, \n"
		"\tv SMALLINT, \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(k, d,
		"CREATE TABLE k (\n"
		"\ta INTEGER NOT NULL, \n"
		"\tb BIGINT NOT NULL AUTO_INCREMENT, \n"
		"\tPRIMARY KEY (b, a)\n"
		")");
	OK(sqlkit__ddl_create_prelude(&b, t, d));
	OK(sqlkit__ddl_create_prelude(&b, s, d));
	assert_true(b.len == 0);
	sqlkit__buf_free(&b);

	d = family(SQLKIT_AUTOINC_IDENTITY, SQLKIT_DIALECT_SEQUENCES, '[');
	assert_create(t, d,
		"CREATE TABLE t (\n"
		"\tid INTEGER NOT NULL IDENTITY(1,1), \n"
		"\tn INTEGER NOT NULL DEFAULT 1, \n"
		"\ts VARCHAR(5) NULL, \n"
		"\tts TIMESTAMP NULL, \n"
		"\tmood VARCHAR(5) NULL, \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(s, d,
		"CREATE TABLE s (\n"
		"\tid BIGINT NOT NULL DEFAULT NEXT VALUE FOR s_id_seq, \n"
		"\tv SMALLINT NULL, \n"
		"\tPRIMARY KEY (id)\n"
		")");
	assert_create(k, d,      /* SQL Server keeps the key's column order */
		"CREATE TABLE k (\n"
		"\ta INTEGER NOT NULL, \n"
		"\tb BIGINT NOT NULL IDENTITY(1,1), \n"
		"\tPRIMARY KEY (a, b)\n"
		")");
	sqlkit_metadata_free(md);
}

static void test_schema__enum_needs_a_name_where_it_is_a_type(void **state)
{
	static const char *const v[] = { "it's", NULL };
	const sqlkit_dialect *d = family(SQLKIT_AUTOINC_SERIAL, SQLKIT_DIALECT_NATIVE_ENUM, '"');
	sqlkit_metadata *md;
	sqlkit_table *t;
	sqlkit_buf b = SQLKIT_BUF_INIT;
	(void)state;

	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&t, md, "t"));
	OK(sqlkit_table_add_column(t, "e", sqlkit_Enum(NULL, v), 0));
	FAILS(sqlkit__ddl_create_table(&b, t, d, 0), SQLKIT_EINVAL);
	assert_message_has("column \"t\".\"e\": an Enum needs a type name on dialect \"serialdb\"");
	FAILS(sqlkit__ddl_create_prelude(&b, t, d), SQLKIT_EINVAL);
	sqlkit__buf_free(&b);
	OK(sqlkit_table_new(&t, md, "u"));
	OK(sqlkit_table_add_column(t, "e", sqlkit_Enum("Quote", v), 0));
	OK(sqlkit_table_add_column(t, "f", sqlkit_Enum("Quote", v), 0));
	OK(sqlkit__ddl_create_prelude(&b, t, d));
	assert_string_equal(b.ptr, "CREATE TYPE \"Quote\" AS ENUM ('it''s');\n");
	sqlkit__buf_free(&b);
	sqlkit_metadata_free(md);
}

/* ---------------------------------------------------------------- on a connection */

static int open_memory(void **state)
{
	sqlkit_conn *c;
	if (sqlkit_conn_open(&c, "sqlite://") != 0)
		return -1;
	*state = c;
	return 0;
}

static int close_conn(void **state)
{
	sqlkit_conn_close(*state);
	return 0;
}

static void exec(sqlkit_conn *c, const char *sql)
{
	OK(sqlkit_conn_execute(NULL, c, sql, NULL, 0));
}

static int64_t scalar(sqlkit_conn *c, const char *sql)
{
	sqlkit_result *r;
	const sqlkit_row *row;
	int64_t n;

	OK(sqlkit_conn_execute(&r, c, sql, NULL, 0));
	OK(sqlkit_result_fetchone(&row, r));
	assert_non_null(row);
	n = sqlkit_row_int(row, 0);
	sqlkit_result_free(r);
	return n;
}

static int64_t object_count(sqlkit_conn *c, const char *type)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type = '%s' "
	         "AND name NOT LIKE 'sqlite_%%'", type);
	return scalar(c, sql);
}

static void test_schema__create_all_makes_working_constraints(void **state)
{
	static const char *const owner[] = { "owner", NULL };
	sqlkit_conn *conn = *state;
	sqlkit_metadata *md = seed_metadata();
	sqlkit_table *t;
	sqlkit_column *c;
	(void)state;

	/* An account table with a CHECK, a cascade, a server default and an index. */
	OK(sqlkit_table_new(&t, md, "account"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	assert_non_null(c = sqlkit_table_add(t, "owner", sqlkit_Integer(), SQLKIT_COL_INDEX));
	OK(sqlkit_column_set_foreign_key(c, "tag.id", SQLKIT_FK_CASCADE, SQLKIT_FK_NONE));
	assert_non_null(c = sqlkit_table_add(t, "balance", sqlkit_Numeric(10, 2), SQLKIT_COL_NOT_NULL));
	OK(sqlkit_column_set_server_default(c, "0"));
	OK(sqlkit_table_add_check(t, "ck_balance", "balance >= 0"));
	OK(sqlkit_table_add_index(t, "ix_account_owner2", owner, 0));

	assert_int_equal(sqlkit_table_exists(sqlkit_metadata_table(md, "page"), conn), 0);
	OK(sqlkit_metadata_create_all(md, conn));
	assert_false(sqlkit_conn_in_transaction(conn));
	assert_int_equal(object_count(conn, "table"), 5);
	assert_int_equal(object_count(conn, "index"), 2);
	assert_int_equal(sqlkit_table_exists(sqlkit_metadata_table(md, "page"), conn), 1);
	assert_int_equal(sqlkit_table_exists(t, conn), 1);

	/* The integer primary key numbers rows (a rowid alias on SQLite). */
	exec(conn, "INSERT INTO page (content, title) VALUES ('hello', 'Test Page')");
	exec(conn, "INSERT INTO page (content) VALUES ('again')");
	assert_int_equal(scalar(conn, "SELECT max(id) FROM page"), 2);
	/* NOT NULL */
	FAILS(sqlkit_conn_execute(NULL, conn, "INSERT INTO page (title) VALUES ('x')", NULL, 0),
	      SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	/* FOREIGN KEY */
	exec(conn, "INSERT INTO comment (pageid, email) VALUES (1, 'a@b.c')");
	FAILS(sqlkit_conn_execute(NULL, conn, "INSERT INTO comment (pageid, email) VALUES (99, 'x')",
	                          NULL, 0), SQLKIT_ECONSTRAINT);
	/* UNIQUE */
	exec(conn, "INSERT INTO tag (name) VALUES ('c')");
	FAILS(sqlkit_conn_execute(NULL, conn, "INSERT INTO tag (name) VALUES ('c')", NULL, 0),
	      SQLKIT_ECONSTRAINT);
	/* CHECK, server default, ON DELETE CASCADE */
	exec(conn, "INSERT INTO account (owner) VALUES (1)");
	assert_int_equal(scalar(conn, "SELECT balance FROM account"), 0);
	FAILS(sqlkit_conn_execute(NULL, conn, "INSERT INTO account (owner, balance) VALUES (1, -5)",
	                          NULL, 0), SQLKIT_ECONSTRAINT);
	assert_message_has("ck_balance");
	exec(conn, "DELETE FROM tag");
	assert_int_equal(scalar(conn, "SELECT count(*) FROM account"), 0);

	/* Again: every table exists, nothing happens, the rows stay. */
	OK(sqlkit_metadata_create_all(md, conn));
	assert_int_equal(scalar(conn, "SELECT count(*) FROM page"), 2);
	assert_int_equal(object_count(conn, "table"), 5);

	OK(sqlkit_metadata_drop_all(md, conn));
	assert_int_equal(object_count(conn, "table"), 0);
	assert_int_equal(object_count(conn, "index"), 0);
	assert_int_equal(sqlkit_table_exists(sqlkit_metadata_table(md, "page"), conn), 0);
	/* And on a database that has none of the tables. */
	OK(sqlkit_metadata_drop_all(md, conn));
	assert_false(sqlkit_conn_in_transaction(conn));
	sqlkit_metadata_free(md);
}

static void test_schema__create_all_skips_existing_tables(void **state)
{
	sqlkit_conn *conn = *state;
	sqlkit_metadata *md = seed_metadata();
	(void)state;

	/* A "tag" of another shape is left alone. */
	exec(conn, "CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT, extra TEXT)");
	exec(conn, "INSERT INTO tag (name, extra) VALUES ('t', 'kept')");
	OK(sqlkit_metadata_create_all(md, conn));
	assert_int_equal(object_count(conn, "table"), 4);
	assert_int_equal(scalar(conn, "SELECT count(*) FROM tag WHERE extra = 'kept'"), 1);
	/* Only some tables exist: drop_all drops those, in reverse order. */
	exec(conn, "DROP TABLE pagetag");
	exec(conn, "DROP TABLE comment");
	OK(sqlkit_metadata_drop_all(md, conn));
	assert_int_equal(object_count(conn, "table"), 0);
	sqlkit_metadata_free(md);
}

static void test_schema__create_all_is_all_or_nothing(void **state)
{
	sqlkit_conn *conn = *state;
	sqlkit_metadata *md;
	sqlkit_table *t, **tables;
	size_t n;
	(void)state;

	/* "a" sorts first and is created; "b" refers to a table that does not exist
	 * in the metadata, so its DDL fails and "a" is rolled back. */
	OK(sqlkit_metadata_new(&md));
	OK(sqlkit_table_new(&t, md, "b"));
	OK(sqlkit_table_add_column(t, "x", sqlkit_Integer(), 0));
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(t, "x"), "nowhere.id", 0, 0));
	OK(sqlkit_table_new(&t, md, "a"));
	OK(sqlkit_table_add_column(t, "id", sqlkit_Integer(), SQLKIT_COL_PRIMARY_KEY));
	OK(sqlkit_metadata_sorted_tables(&tables, &n, md));
	assert_string_equal(tables[0]->name, "a");
	sqlkit_free(tables);
	FAILS(sqlkit_metadata_create_all(md, conn), SQLKIT_EINVAL);
	assert_message_has("refers to table \"nowhere\"");
	assert_false(sqlkit_conn_in_transaction(conn));
	assert_int_equal(object_count(conn, "table"), 0);

	/* A database error rolls back too, keeping the database's message: with a
	 * view in place of "a", create_all makes only "b"; drop_all drops "b", then
	 * fails on "a", and "b" comes back. */
	OK(sqlkit_column_set_foreign_key(sqlkit_table_column(sqlkit_metadata_table(md, "b"), "x"),
	                                 "a.id", 0, 0));
	exec(conn, "CREATE VIEW a AS SELECT 1 AS id");
	OK(sqlkit_metadata_create_all(md, conn));
	assert_int_equal(object_count(conn, "table"), 1);
	FAILS(sqlkit_metadata_drop_all(md, conn), SQLKIT_ESQL);
	assert_message_has("view");
	assert_false(sqlkit_conn_in_transaction(conn));
	assert_int_equal(object_count(conn, "table"), 1);
	exec(conn, "DROP VIEW a");
	OK(sqlkit_metadata_drop_all(md, conn));
	assert_int_equal(object_count(conn, "table"), 0);
	sqlkit_metadata_free(md);
}

static void test_schema__create_and_drop_one_table(void **state)
{
	sqlkit_conn *conn = *state;
	sqlkit_metadata *md = seed_metadata();
	sqlkit_table *page = sqlkit_metadata_table(md, "page");
	sqlkit_table *comment = sqlkit_metadata_table(md, "comment");
	(void)state;

	OK(sqlkit_table_create(page, conn, 0));
	assert_int_equal(sqlkit_table_exists(page, conn), 1);
	FAILS(sqlkit_table_create(page, conn, 0), SQLKIT_ESQL);
	assert_message_has("already exists");
	OK(sqlkit_table_create(page, conn, 1));
	OK(sqlkit_table_create(comment, conn, 1));
	assert_int_equal(object_count(conn, "table"), 2);
	OK(sqlkit_table_drop(comment, conn, 0));
	FAILS(sqlkit_table_drop(comment, conn, 0), SQLKIT_ESQL);
	OK(sqlkit_table_drop(comment, conn, 1));
	OK(sqlkit_table_drop(page, conn, 1));
	assert_int_equal(object_count(conn, "table"), 0);

	FAILS(sqlkit_table_create(NULL, conn, 0), SQLKIT_EINVAL);
	FAILS(sqlkit_table_exists(page, NULL), SQLKIT_EINVAL);
	FAILS(sqlkit_metadata_create_all(NULL, conn), SQLKIT_EINVAL);
	sqlkit_metadata_free(md);
}

static void test_schema__exists_inside_a_transaction_keeps_it(void **state)
{
	sqlkit_conn *conn = *state;
	sqlkit_metadata *md = seed_metadata();
	(void)state;

	OK(sqlkit_conn_begin(conn));
	exec(conn, "CREATE TABLE other (x INTEGER)");
	assert_int_equal(sqlkit_table_exists(sqlkit_metadata_table(md, "page"), conn), 0);
	assert_true(sqlkit_conn_in_transaction(conn));
	assert_int_equal(sqlkit_conn_savepoint_depth(conn), 0);
	assert_int_equal(sqlkit_error_last()->code, 0);
	/* create_all joins the caller's transaction and leaves it open. */
	OK(sqlkit_metadata_create_all(md, conn));
	assert_true(sqlkit_conn_in_transaction(conn));
	assert_int_equal(object_count(conn, "table"), 5);
	OK(sqlkit_conn_rollback(conn));
	assert_int_equal(object_count(conn, "table"), 0);
	sqlkit_metadata_free(md);
}

static int echo_failures;
static int echo_statements;

static void count_echo(const sqlkit_echo_event *ev, void *userdata)
{
	(void)userdata;
	echo_statements++;
	if (ev->rc < 0)
		echo_failures++;
}

/* create_all asks the plugin whether a table exists: no failing probe in the echo. */
static void test_schema__create_all_runs_no_failing_statement(void **state)
{
	sqlkit_engine_options o = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit_metadata *md = seed_metadata();
	sqlkit_engine *e;
	sqlkit_conn *c;

	(void)state;
	o.echo = 1;
	o.echo_hook = count_echo;
	OK(sqlkit_engine_create(&e, "sqlite://", &o));
	OK(sqlkit_engine_connect(&c, e));
	echo_failures = echo_statements = 0;
	OK(sqlkit_metadata_create_all(md, c));
	OK(sqlkit_metadata_drop_all(md, c));
	assert_true(echo_statements >= 8);   /* 4 CREATE TABLE + 4 DROP TABLE at least */
	assert_int_equal(echo_failures, 0);
	sqlkit_conn_close(c);
	sqlkit_engine_free(e);
	sqlkit_metadata_free(md);
}

int main(void)
{
#define C(name) cmocka_unit_test_setup_teardown(name, open_memory, close_conn)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema__tables_and_columns_with_every_option),
		cmocka_unit_test(test_schema__autoincrement_follows_sqlalchemy),
		cmocka_unit_test(test_schema__mistakes_are_clear_errors),
		cmocka_unit_test(test_schema__sorted_tables_put_foreign_keys_first),
		cmocka_unit_test(test_schema__foreign_key_cycle_names_its_tables),
		cmocka_unit_test(test_schema__sqlite_ddl_matches_sqlalchemy),
		cmocka_unit_test(test_schema__sqlite_ddl_every_option),
		cmocka_unit_test(test_schema__ddl_errors_name_what_is_wrong),
		cmocka_unit_test(test_schema__column_families),
		cmocka_unit_test(test_schema__enum_needs_a_name_where_it_is_a_type),
		C(test_schema__create_all_makes_working_constraints),
		C(test_schema__create_all_skips_existing_tables),
		C(test_schema__create_all_is_all_or_nothing),
		C(test_schema__create_and_drop_one_table),
		C(test_schema__exists_inside_a_transaction_keeps_it),
		cmocka_unit_test(test_schema__create_all_runs_no_failing_statement),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	sqlkit_shutdown();
	return rc;
}
