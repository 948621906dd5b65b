/*
 * tests/test_lexer.c - the bind-parameter lexer (core/lexer.c): ":name" turned
 * into each paramstyle's markers, and everything that must not be touched:
 * string literals, quoted identifiers, comments, casts, dollar quoting,
 * escaped colons; hand-written positional markers refused.
 *
 * The lexer is internal, so this program links core/lexer.c directly.
 * Every SQL text is handed over in a heap buffer of exactly its length, with
 * no NUL after it, so a sanitizer run catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlkit/errors.h"
#include "lexer.h"

#define QMARK SQLKIT_PARAMSTYLE_QMARK
#define NUMERIC SQLKIT_PARAMSTYLE_NUMERIC_QMARK
#define DOLLAR SQLKIT_PARAMSTYLE_DOLLAR
#define AT_P SQLKIT_PARAMSTYLE_AT_P
#define MYSQL SQLKIT_LEX_BACKSLASH_ESCAPES

/* Lex the first len bytes of sql from an exact-size heap copy. */
static int lex_n(sqlkit__lexed *lx, const char *sql, size_t len, sqlkit_paramstyle style,
                 unsigned flags)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, sql, len);
	rc = sqlkit__lex_binds(lx, copy, len, style, flags);
	free(copy);
	return rc;
}

/* The names as "a b c" and the markers as "0 1 0", for readable comparisons. */
static void join_names(char *buf, size_t size, const sqlkit__lexed *lx)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < lx->nnames; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", lx->names[i]);
	assert_true(n < size);
}

static void join_markers(char *buf, size_t size, const sqlkit__lexed *lx)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < lx->nmarkers; i++) {
		assert_true(lx->marker_name[i] < lx->nnames);
		n += (size_t)snprintf(buf + n, size - n, "%s%u", i ? " " : "", lx->marker_name[i]);
	}
	assert_true(n < size);
}

/* Lex sql and compare the rewritten text, the distinct names (space
 * separated, in order of first appearance) and the marker list. */
static void expect_lex(const char *sql, sqlkit_paramstyle style, unsigned flags,
                       const char *want_sql, const char *want_names, const char *want_markers)
{
	sqlkit__lexed lx;
	char got[1024];
	int rc;

	rc = lex_n(&lx, sql, strlen(sql), style, flags);
	if (rc != 0)
		fail_msg("lexing \"%s\" returned %d: %s", sql, rc, sqlkit_error_last()->message);
	assert_non_null(lx.sql);
	assert_int_equal(lx.sql_len, strlen(lx.sql));
	if (strcmp(lx.sql, want_sql) != 0)
		fail_msg("lexing \"%s\" gave \"%s\", want \"%s\"", sql, lx.sql, want_sql);
	join_names(got, sizeof got, &lx);
	if (strcmp(got, want_names) != 0)
		fail_msg("lexing \"%s\" gave names \"%s\", want \"%s\"", sql, got, want_names);
	join_markers(got, sizeof got, &lx);
	if (strcmp(got, want_markers) != 0)
		fail_msg("lexing \"%s\" gave markers \"%s\", want \"%s\"", sql, got, want_markers);
	sqlkit__lexed_free(&lx);
}

/* Lex sql expecting SQLKIT_EPARAM with a message containing each of the
 * given fragments (NULL-terminated), and an emptied result. */
static void expect_eparam(const char *sql, sqlkit_paramstyle style, unsigned flags, ...)
{
	sqlkit__lexed lx;
	const sqlkit_error *e;
	const char *frag;
	va_list ap;
	int rc;

	sqlkit_error_clear();
	rc = lex_n(&lx, sql, strlen(sql), style, flags);
	if (rc != SQLKIT_EPARAM)
		fail_msg("lexing \"%s\" returned %d, want SQLKIT_EPARAM", sql, rc);
	e = sqlkit_error_last();
	assert_int_equal(e->code, SQLKIT_EPARAM);
	assert_int_equal(e->klass, SQLKIT_ERRCLASS_PROGRAMMING);
	va_start(ap, flags);
	while ((frag = va_arg(ap, const char *)) != NULL)
		if (!strstr(e->message, frag)) {
			va_end(ap);
			fail_msg("message \"%s\" lacks \"%s\"", e->message, frag);
		}
	va_end(ap);
	assert_null(lx.sql);
	assert_null(lx.names);
	assert_null(lx.marker_name);
	assert_int_equal(lx.nnames, 0);
	assert_int_equal(lx.nmarkers, 0);
	sqlkit__lexed_free(&lx);  /* harmless on the emptied result */
}

/* ------------------------------------------------------------ paramstyles */

static const char *REPEATED = "SELECT * FROM t WHERE a = :a AND b = :b OR c = :a";

static void test_lexer__qmark_one_marker_per_occurrence(void **state)
{
	(void)state;
	expect_lex(REPEATED, QMARK, 0, "SELECT * FROM t WHERE a = ? AND b = ? OR c = ?",
	           "a b", "0 1 0");
	expect_lex(":x :y :x :x :z :y", QMARK, 0, "? ? ? ? ? ?", "x y z", "0 1 0 0 2 1");
}

static void test_lexer__numeric_qmark_reuses_the_number(void **state)
{
	(void)state;
	expect_lex(REPEATED, NUMERIC, 0, "SELECT * FROM t WHERE a = ?1 AND b = ?2 OR c = ?1",
	           "a b", "0 1");
	expect_lex(":x :y :x :x :z :y", NUMERIC, 0, "?1 ?2 ?1 ?1 ?3 ?2", "x y z", "0 1 2");
}

static void test_lexer__dollar_reuses_the_number(void **state)
{
	(void)state;
	expect_lex(REPEATED, DOLLAR, 0, "SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1",
	           "a b", "0 1");
	expect_lex(":x :y :x :x :z :y", DOLLAR, 0, "$1 $2 $1 $1 $3 $2", "x y z", "0 1 2");
}

static void test_lexer__at_p_reuses_the_number(void **state)
{
	(void)state;
	expect_lex(REPEATED, AT_P, 0, "SELECT * FROM t WHERE a = @P1 AND b = @P2 OR c = @P1",
	           "a b", "0 1");
	expect_lex(":x :y :x :x :z :y", AT_P, 0, "@P1 @P2 @P1 @P1 @P3 @P2", "x y z", "0 1 2");
}

static void test_lexer__binds_next_to_punctuation(void **state)
{
	(void)state;
	expect_lex("INSERT INTO t (a, b) VALUES (:a,:b)", QMARK, 0,
	           "INSERT INTO t (a, b) VALUES (?,?)", "a b", "0 1");
	expect_lex("WHERE x IN (:a, :b)AND y=:c;", DOLLAR, 0,
	           "WHERE x IN ($1, $2)AND y=$3;", "a b c", "0 1 2");
	/* A name ends at the first character that cannot be part of it. */
	expect_lex(":a.b :c-1 :d+:e", QMARK, 0, "?.b ?-1 ?+?", "a c d e", "0 1 2 3");
}

/* ------------------------------------------------------------ what is skipped */

static void test_lexer__skips_string_literals(void **state)
{
	(void)state;
	expect_lex("SELECT ':a', 'it''s :b', '', :c", QMARK, 0,
	           "SELECT ':a', 'it''s :b', '', ?", "c", "0");
	expect_lex("SELECT ':a', 'it''s :b', '', :c", DOLLAR, 0,
	           "SELECT ':a', 'it''s :b', '', $1", "c", "0");
	/* A doubled quote at the end of the literal. */
	expect_lex("SELECT 'x'''||:c", NUMERIC, 0, "SELECT 'x'''||?1", "c", "0");
	/* Without backslash escapes a backslash is an ordinary character. */
	expect_lex("SELECT 'C:\\', :x", QMARK, 0, "SELECT 'C:\\', ?", "x", "0");
}

static void test_lexer__skips_quoted_identifiers(void **state)
{
	(void)state;
	expect_lex("SELECT \"col:a\", \"we\"\"ird :b\" FROM t WHERE x = :c", QMARK, 0,
	           "SELECT \"col:a\", \"we\"\"ird :b\" FROM t WHERE x = ?", "c", "0");
	expect_lex("SELECT \"a\\\" :x", DOLLAR, 0, "SELECT \"a\\\" $1", "x", "0");
}

static void test_lexer__skips_backticks(void **state)
{
	(void)state;
	expect_lex("SELECT `col:a`, `we``ird :b` FROM t WHERE x = :c", QMARK, 0,
	           "SELECT `col:a`, `we``ird :b` FROM t WHERE x = ?", "c", "0");
	/* Backticks never take backslash escapes, even under MySQL rules. */
	expect_lex("SELECT `a\\` :x", QMARK, MYSQL, "SELECT `a\\` ?", "x", "0");
}

static void test_lexer__skips_line_comments(void **state)
{
	(void)state;
	expect_lex("SELECT 1 -- :a and ?\nFROM t WHERE x = :b -- :c", QMARK, 0,
	           "SELECT 1 -- :a and ?\nFROM t WHERE x = ? -- :c", "b", "0");
	expect_lex("SELECT :a--:b\r\n, :c", DOLLAR, 0, "SELECT $1--:b\r\n, $2", "a c", "0 1");
	/* A single dash is subtraction. */
	expect_lex("SELECT :a - :b", DOLLAR, 0, "SELECT $1 - $2", "a b", "0 1");
}

static void test_lexer__skips_block_comments(void **state)
{
	(void)state;
	expect_lex("SELECT /* :a\n :b ? */ :c /**/ :d /* * / */ :e", QMARK, 0,
	           "SELECT /* :a\n :b ? */ ? /**/ ? /* * / */ ?", "c d e", "0 1 2");
	/* A slash right after the opening star does not close the comment. */
	expect_lex("SELECT /*/ :a */ :b", DOLLAR, 0, "SELECT /*/ :a */ $1", "b", "0");
	/* A single slash is division. */
	expect_lex("SELECT :a / :b", DOLLAR, 0, "SELECT $1 / $2", "a b", "0 1");
}

static void test_lexer__keeps_casts(void **state)
{
	(void)state;
	expect_lex("SELECT x::text, y::int[], z :: date FROM t", DOLLAR, 0,
	           "SELECT x::text, y::int[], z :: date FROM t", "", "");
	expect_lex("SELECT * FROM t WHERE a::int = :b", DOLLAR, 0,
	           "SELECT * FROM t WHERE a::int = $1", "b", "0");
	expect_lex("SELECT :b::int, :c::jsonb->>'k'", DOLLAR, 0,
	           "SELECT $1::int, $2::jsonb->>'k'", "b c", "0 1");
	expect_lex("SELECT :b::int", QMARK, 0, "SELECT ?::int", "b", "0");
	/* More than two colons are still not a bind. */
	expect_lex("SELECT a:::b", DOLLAR, 0, "SELECT a:::b", "", "");
}

static void test_lexer__colon_equals_is_not_a_bind(void **state)
{
	(void)state;
	expect_lex("SET @v := 1; SELECT @v := :w", QMARK, 0, "SET @v := 1; SELECT @v := ?", "w", "0");
	expect_lex("BEGIN x:=:y; END", DOLLAR, 0, "BEGIN x:=$1; END", "y", "0");
}

static void test_lexer__colon_without_a_name_is_not_a_bind(void **state)
{
	(void)state;
	/* Array slices, a lone colon, a colon at the very end. */
	expect_lex("SELECT a[1:2], b[:3], c : d, e:", DOLLAR, 0,
	           "SELECT a[1:2], b[:3], c : d, e:", "", "");
	expect_lex(":", QMARK, 0, ":", "", "");
	expect_lex(":1abc", QMARK, 0, ":1abc", "", "");
}

static void test_lexer__escaped_colon(void **state)
{
	(void)state;
	expect_lex("SELECT x\\:y, \\:z, :w", QMARK, 0, "SELECT x:y, :z, ?", "w", "0");
	expect_lex("SELECT '12\\:30'", QMARK, 0, "SELECT '12\\:30'", "", "");  /* in a literal: untouched */
	expect_lex("SELECT x\\::text, :a", DOLLAR, 0, "SELECT x::text, $1", "a", "0");
	expect_lex("\\:", DOLLAR, 0, ":", "", "");
	/* A backslash before anything else stays. */
	expect_lex("SELECT a \\ b, :c\\", AT_P, 0, "SELECT a \\ b, @P1\\", "c", "0");
}

static void test_lexer__skips_dollar_quoting(void **state)
{
	(void)state;
	expect_lex("DO $$ BEGIN PERFORM :a; END $$; SELECT :b", DOLLAR, 0,
	           "DO $$ BEGIN PERFORM :a; END $$; SELECT $1", "b", "0");
	expect_lex("SELECT $fn$ :a $$ :b $$ $other$ :c $fn$, :d", DOLLAR, 0,
	           "SELECT $fn$ :a $$ :b $$ $other$ :c $fn$, $1", "d", "0");
	expect_lex("SELECT $_t1$ ? :a $_t1$, :b", QMARK, 0,
	           "SELECT $_t1$ ? :a $_t1$, ?", "b", "0");
	/* A function body's own $1 is not ours to reject. */
	expect_lex("CREATE FUNCTION f(int) RETURNS int AS $$ SELECT $1 + :x $$ LANGUAGE sql; SELECT f(:y)",
	           DOLLAR, 0,
	           "CREATE FUNCTION f(int) RETURNS int AS $$ SELECT $1 + :x $$ LANGUAGE sql; SELECT f($1)",
	           "y", "0");
	/* "$" inside an identifier does not open a dollar quote. */
	expect_lex("SELECT a$b$ :x, c$$ :y", DOLLAR, 0, "SELECT a$b$ $1, c$$ $2", "x y", "0 1");
}

static void test_lexer__e_strings_take_backslash_escapes(void **state)
{
	(void)state;
	expect_lex("SELECT E'it\\'s :x', :y", DOLLAR, 0, "SELECT E'it\\'s :x', $1", "y", "0");
	expect_lex("SELECT e'\\\\', :y", DOLLAR, 0, "SELECT e'\\\\', $1", "y", "0");
	expect_lex("SELECT (E'a\\'b'||:y)", QMARK, 0, "SELECT (E'a\\'b'||?)", "y", "0");
	expect_lex("E'\\':x'", DOLLAR, 0, "E'\\':x'", "", "");
	/* An identifier that merely ends in E is not an E prefix: 'a\' ends at
	 * the second quote, :b is a bind, then an unterminated literal. */
	expect_lex("SELECT typE'a\\' :b'", DOLLAR, 0, "SELECT typE'a\\' $1'", "b", "0");
}

static void test_lexer__backslash_escapes_flag(void **state)
{
	(void)state;
	/* MySQL: \' does not end the literal. */
	expect_lex("SELECT 'it\\'s :x', :y", QMARK, MYSQL, "SELECT 'it\\'s :x', ?", "y", "0");
	/* Standard: 'it\' is the whole literal, so :x is a bind and the last
	 * quote opens an unterminated literal that swallows :y. */
	expect_lex("SELECT 'it\\'s :x', :y", QMARK, 0, "SELECT 'it\\'s ?', :y", "x", "0");
	/* MySQL's double-quoted strings too. */
	expect_lex("SELECT \"say \\\":x\\\"\", :y", QMARK, MYSQL,
	           "SELECT \"say \\\":x\\\"\", ?", "y", "0");
	/* Doubled quotes still work under MySQL rules. */
	expect_lex("SELECT 'it''s :x', :y", QMARK, MYSQL, "SELECT 'it''s :x', ?", "y", "0");
	/* An escaped backslash before the closing quote. */
	expect_lex("SELECT 'C:\\\\', :y", QMARK, MYSQL, "SELECT 'C:\\\\', ?", "y", "0");
}

/* ------------------------------------------------------------ refused markers */

static void test_lexer__rejects_question_mark_in_qmark(void **state)
{
	const char *sql = "SELECT * FROM t WHERE a = ? AND b = :b";
	char off[64];

	(void)state;
	snprintf(off, sizeof off, "offset %d", (int)(strchr(sql, '?') - sql));
	expect_eparam(sql, QMARK, 0, "\"?\"", off, "SELECT * FROM t WHERE a = ?", ":name", NULL);
	expect_eparam("?", QMARK, 0, "\"?\"", "offset 0", NULL);
	expect_eparam("SELECT :a, :b, ?", QMARK, MYSQL, "offset 15", NULL);
}

static void test_lexer__rejects_question_mark_in_numeric_qmark(void **state)
{
	(void)state;
	expect_eparam("SELECT ?1, :a", NUMERIC, 0, "\"?\"", "offset 7", NULL);
	expect_eparam("SELECT :a, ?", NUMERIC, 0, "offset 11", NULL);
}

static void test_lexer__question_mark_in_skipped_text_is_allowed(void **state)
{
	(void)state;
	expect_lex("SELECT '?', \"?\", `?`, $$?$$ -- ?\n /* ? */, :a", QMARK, 0,
	           "SELECT '?', \"?\", `?`, $$?$$ -- ?\n /* ? */, ?", "a", "0");
	expect_lex("SELECT '?', :a", NUMERIC, 0, "SELECT '?', ?1", "a", "0");
}

static void test_lexer__allows_question_mark_in_dollar(void **state)
{
	(void)state;
	/* PostgreSQL's jsonb operators. */
	expect_lex("SELECT * FROM t WHERE data ? 'k' AND data ?| array['a'] AND data ?& :keys AND id = :id",
	           DOLLAR, 0,
	           "SELECT * FROM t WHERE data ? 'k' AND data ?| array['a'] AND data ?& $1 AND id = $2",
	           "keys id", "0 1");
	expect_lex("SELECT a ? b, :c", AT_P, 0, "SELECT a ? b, @P1", "c", "0");
}

static void test_lexer__rejects_dollar_number_in_dollar(void **state)
{
	(void)state;
	expect_eparam("SELECT * FROM t WHERE a = $1 AND b = :b", DOLLAR, 0, "\"$1\"", "offset 26",
	              ":name", NULL);
	expect_eparam("$1", DOLLAR, 0, "\"$1\"", "offset 0", NULL);
	expect_eparam("SELECT :a, $12", DOLLAR, 0, "\"$12\"", "offset 11", NULL);
	/* Outside DOLLAR, or inside an identifier, "$1" is someone else's business. */
	expect_lex("SELECT a$1, :b", DOLLAR, 0, "SELECT a$1, $1", "b", "0");
	expect_lex("SELECT $1, :b", QMARK, 0, "SELECT $1, ?", "b", "0");
	expect_lex("SELECT '$1', :b", DOLLAR, 0, "SELECT '$1', $1", "b", "0");
}

static void test_lexer__long_sql_is_cut_in_the_message(void **state)
{
	char sql[1200];
	const sqlkit_error *e;
	sqlkit__lexed lx;

	(void)state;
	memset(sql, 'x', sizeof sql);
	memcpy(sql, "SELECT ", 7);
	sql[900] = ' ';
	sql[901] = '?';
	sql[902] = ' ';
	assert_int_equal(lex_n(&lx, sql, sizeof sql, QMARK, 0), SQLKIT_EPARAM);
	e = sqlkit_error_last();
	assert_non_null(strstr(e->message, "offset 901"));
	assert_true(strlen(e->message) < 400);
	sqlkit__lexed_free(&lx);
}

static void test_lexer__error_then_success(void **state)
{
	sqlkit__lexed lx;

	(void)state;
	/* Names collected before the error are released; a later lex is clean. */
	assert_int_equal(lex_n(&lx, ":a :b :c ?", 10, QMARK, 0), SQLKIT_EPARAM);
	assert_int_equal(lx.nnames, 0);
	assert_null(lx.names);
	expect_lex(":a :b :c", QMARK, 0, "? ? ?", "a b c", "0 1 2");
}

/* ------------------------------------------------------------ edges */

static void test_lexer__unterminated_text_has_no_binds_after_it(void **state)
{
	static const char *const cases[] = {
		"SELECT :a, ':b",
		"SELECT :a, 'it''s :b",
		"SELECT :a, \":b",
		"SELECT :a, `:b",
		"SELECT :a, /* :b",
		"SELECT :a, /*",
		"SELECT :a, /* :b *",
		"SELECT :a, $$ :b",
		"SELECT :a, $q$ :b $q",
		"SELECT :a, $q$ :b $$",
		"SELECT :a, E'\\' :b",
		"SELECT :a, E'\\",
		"SELECT :a, -- :b",
		"SELECT :a, '",
		"SELECT :a, $$",
	};
	size_t i;
	char want[64];

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(want, sizeof want, "SELECT $1%s", cases[i] + strlen("SELECT :a"));
		expect_lex(cases[i], DOLLAR, 0, want, "a", "0");
	}
	expect_lex("SELECT :a, 'x\\' :b", QMARK, MYSQL, "SELECT ?, 'x\\' :b", "a", "0");
	expect_lex("SELECT :a, 'x\\", QMARK, MYSQL, "SELECT ?, 'x\\", "a", "0");
	expect_lex("SELECT :a, \"x\\", QMARK, MYSQL, "SELECT ?, \"x\\", "a", "0");
}

static void test_lexer__names_with_digits_and_underscores(void **state)
{
	(void)state;
	expect_lex("WHERE a = :user_id2 AND b = :_x AND c = :A1_b AND d = :user_id2", DOLLAR, 0,
	           "WHERE a = $1 AND b = $2 AND c = $3 AND d = $1", "user_id2 _x A1_b", "0 1 2");
	/* Names are case-sensitive. */
	expect_lex(":Name :name :NAME", NUMERIC, 0, "?1 ?2 ?3", "Name name NAME", "0 1 2");
	/* A name that is a prefix of another is a different name. */
	expect_lex(":a :ab :a", QMARK, 0, "? ? ?", "a ab", "0 1 0");
}

static void test_lexer__name_at_the_very_end(void **state)
{
	(void)state;
	expect_lex("SELECT * FROM t WHERE id = :id", QMARK, 0, "SELECT * FROM t WHERE id = ?", "id", "0");
	expect_lex(":x", AT_P, 0, "@P1", "x", "0");
	expect_lex(":_", DOLLAR, 0, "$1", "_", "0");
}

static void test_lexer__respects_the_length(void **state)
{
	const char *sql = "SELECT :ab, :cd";
	sqlkit__lexed lx;

	(void)state;
	/* Only the first len bytes are SQL: the name is cut where the text ends. */
	assert_int_equal(lex_n(&lx, sql, strlen("SELECT :a"), DOLLAR, 0), 0);
	assert_string_equal(lx.sql, "SELECT $1");
	assert_int_equal(lx.sql_len, 9);
	assert_int_equal(lx.nnames, 1);
	assert_string_equal(lx.names[0], "a");
	sqlkit__lexed_free(&lx);
}

static void test_lexer__empty_sql(void **state)
{
	sqlkit__lexed lx;
	int s;

	(void)state;
	for (s = QMARK; s <= AT_P; s++) {
		assert_int_equal(lex_n(&lx, "", 0, (sqlkit_paramstyle)s, 0), 0);
		assert_non_null(lx.sql);
		assert_string_equal(lx.sql, "");
		assert_int_equal(lx.sql_len, 0);
		assert_int_equal(lx.nnames, 0);
		assert_int_equal(lx.nmarkers, 0);
		sqlkit__lexed_free(&lx);
	}
	/* A non-empty buffer with len 0 is empty SQL as well. */
	assert_int_equal(sqlkit__lex_binds(&lx, ":a", 0, QMARK, 0), 0);
	assert_string_equal(lx.sql, "");
	assert_int_equal(lx.nnames, 0);
	sqlkit__lexed_free(&lx);
}

static void test_lexer__sql_without_binds_is_copied(void **state)
{
	const char *sql = "SELECT a, b AS \"c\", 'd' FROM t -- done\nWHERE x = 1 /* ok */";
	sqlkit__lexed lx;
	int s;

	(void)state;
	for (s = QMARK; s <= AT_P; s++) {
		assert_int_equal(sqlkit__lex_binds(&lx, sql, strlen(sql), (sqlkit_paramstyle)s, 0), 0);
		assert_true(lx.sql != sql);
		assert_string_equal(lx.sql, sql);
		assert_int_equal(lx.sql_len, strlen(sql));
		assert_int_equal(lx.nnames, 0);
		assert_int_equal(lx.nmarkers, 0);
		sqlkit__lexed_free(&lx);
	}
}

/* 300 distinct names, each used twice: numbering goes past 9 and 100, and
 * the name and marker arrays grow several times. */
static void check_many(sqlkit_paramstyle style, const char *prefix)
{
	enum { N = 300 };
	char *sql = malloc(N * 2 * 16), *want = malloc(N * 2 * 16);
	size_t ns = 0, nw = 0, i, k;
	sqlkit__lexed lx;

	assert_non_null(sql);
	assert_non_null(want);
	for (k = 0; k < 2; k++)
		for (i = 0; i < N; i++) {
			ns += (size_t)sprintf(sql + ns, "%s:p%zu", ns ? "," : "", i);
			if (style == QMARK)
				nw += (size_t)sprintf(want + nw, "%s?", nw ? "," : "");
			else
				nw += (size_t)sprintf(want + nw, "%s%s%zu", nw ? "," : "", prefix, i + 1);
		}
	assert_int_equal(lex_n(&lx, sql, ns, style, 0), 0);
	assert_string_equal(lx.sql, want);
	assert_int_equal(lx.sql_len, nw);
	assert_int_equal(lx.nnames, N);
	for (i = 0; i < N; i++) {
		char name[16];
		snprintf(name, sizeof name, "p%zu", i);
		assert_string_equal(lx.names[i], name);
	}
	assert_int_equal(lx.nmarkers, style == QMARK ? 2 * N : N);
	for (i = 0; i < lx.nmarkers; i++)
		assert_int_equal(lx.marker_name[i], i % N);
	sqlkit__lexed_free(&lx);
	free(sql);
	free(want);
}

static void test_lexer__many_distinct_names(void **state)
{
	(void)state;
	check_many(QMARK, "?");
	check_many(NUMERIC, "?");
	check_many(DOLLAR, "$");
	check_many(AT_P, "@P");
}

static void test_lexer__colon_after_a_word_is_not_a_bind(void **state)
{
	(void)state;
	expect_lex("SELECT a:b, '1' || x:y, :c", DOLLAR, 0, "SELECT a:b, '1' || x:y, $1", "c", "0");
}

static void test_lexer__realistic_statements(void **state)
{
	(void)state;
	expect_lex("INSERT INTO users (name, meta) VALUES (:name, :meta::jsonb) "
	           "ON CONFLICT (name) DO UPDATE SET meta = :meta::jsonb -- upsert :x\n"
	           "RETURNING id, created_at::date",
	           DOLLAR, 0,
	           "INSERT INTO users (name, meta) VALUES ($1, $2::jsonb) "
	           "ON CONFLICT (name) DO UPDATE SET meta = $2::jsonb -- upsert :x\n"
	           "RETURNING id, created_at::date",
	           "name meta", "0 1");
	expect_lex("SELECT `u`.`id` FROM `u` WHERE `u`.`name` LIKE 'a\\'%:b%' AND `u`.`n` > :n "
	           "LIMIT :lim OFFSET :off",
	           QMARK, MYSQL,
	           "SELECT `u`.`id` FROM `u` WHERE `u`.`name` LIKE 'a\\'%:b%' AND `u`.`n` > ? "
	           "LIMIT ? OFFSET ?",
	           "n lim off", "0 1 2");
	expect_lex("SELECT TOP (:n) * FROM t WHERE a = :a OR b = :a", AT_P, 0,
	           "SELECT TOP (@P1) * FROM t WHERE a = @P2 OR b = @P2", "n a", "0 1");
}

/* MS SQL's [bracketed] names may hold anything, ']' doubled; other dialects
 * read '[' as an ordinary character (PostgreSQL array subscripts). */
static void test_lexer__brackets_are_identifiers_for_mssql(void **state)
{
	(void)state;
	expect_lex("SELECT [a:b], [x]]:y] FROM t WHERE c = :c", AT_P, SQLKIT_LEX_BRACKETS,
	           "SELECT [a:b], [x]]:y] FROM t WHERE c = @P1", "c", "0");
	expect_lex("SELECT arr[:i] FROM t", DOLLAR, 0, "SELECT arr[$1] FROM t", "i", "0");
	/* unterminated: copied through, the database reports it */
	expect_lex("SELECT [a :b", AT_P, SQLKIT_LEX_BRACKETS, "SELECT [a :b", "", "");
}

/* MySQL's '#' comments run to the end of the line; elsewhere '#' is an operator
 * (PostgreSQL's bitwise xor). */
static void test_lexer__hash_comments_for_mysql(void **state)
{
	(void)state;
	expect_lex("SELECT 1 # :x\n, :y", QMARK, SQLKIT_LEX_HASH_COMMENTS | MYSQL,
	           "SELECT 1 # :x\n, ?", "y", "0");
	expect_lex("SELECT :a # :b", DOLLAR, 0, "SELECT $1 # $2", "a b", "0 1");
}

/* The flags a dialect and a plugin's features imply. */
static void test_lexer__flags_from_dialect(void **state)
{
	sqlkit_dialect d;

	(void)state;
	memset(&d, 0, sizeof d);
	d.quote_open = '"';
	assert_int_equal(sqlkit__lex_flags(&d, 0), 0);
	assert_int_equal(sqlkit__lex_flags(NULL, 0), 0);
	d.quote_open = '[';
	assert_int_equal(sqlkit__lex_flags(&d, 0), SQLKIT_LEX_BRACKETS);
	d.quote_open = '`';
	d.flags = SQLKIT_DIALECT_BACKSLASH_ESCAPES;
	assert_int_equal(sqlkit__lex_flags(&d, 0), SQLKIT_LEX_BACKSLASH_ESCAPES | SQLKIT_LEX_HASH_COMMENTS);
	assert_int_equal(sqlkit__lex_flags(NULL, SQLKIT_FEATURE_BACKSLASH_ESCAPES),
	                 SQLKIT_LEX_BACKSLASH_ESCAPES | SQLKIT_LEX_HASH_COMMENTS);
}

static void test_lexer__free_is_safe(void **state)
{
	sqlkit__lexed lx;

	(void)state;
	sqlkit__lexed_free(NULL);
	assert_int_equal(sqlkit__lex_binds(&lx, ":a", 2, QMARK, 0), 0);
	sqlkit__lexed_free(&lx);
	assert_null(lx.sql);
	assert_null(lx.names);
	assert_int_equal(lx.nnames, 0);
	sqlkit__lexed_free(&lx);  /* a second time: nothing left to free */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer__qmark_one_marker_per_occurrence),
		cmocka_unit_test(test_lexer__numeric_qmark_reuses_the_number),
		cmocka_unit_test(test_lexer__dollar_reuses_the_number),
		cmocka_unit_test(test_lexer__at_p_reuses_the_number),
		cmocka_unit_test(test_lexer__binds_next_to_punctuation),
		cmocka_unit_test(test_lexer__skips_string_literals),
		cmocka_unit_test(test_lexer__skips_quoted_identifiers),
		cmocka_unit_test(test_lexer__skips_backticks),
		cmocka_unit_test(test_lexer__skips_line_comments),
		cmocka_unit_test(test_lexer__skips_block_comments),
		cmocka_unit_test(test_lexer__keeps_casts),
		cmocka_unit_test(test_lexer__colon_equals_is_not_a_bind),
		cmocka_unit_test(test_lexer__colon_without_a_name_is_not_a_bind),
		cmocka_unit_test(test_lexer__escaped_colon),
		cmocka_unit_test(test_lexer__skips_dollar_quoting),
		cmocka_unit_test(test_lexer__e_strings_take_backslash_escapes),
		cmocka_unit_test(test_lexer__backslash_escapes_flag),
		cmocka_unit_test(test_lexer__rejects_question_mark_in_qmark),
		cmocka_unit_test(test_lexer__rejects_question_mark_in_numeric_qmark),
		cmocka_unit_test(test_lexer__question_mark_in_skipped_text_is_allowed),
		cmocka_unit_test(test_lexer__allows_question_mark_in_dollar),
		cmocka_unit_test(test_lexer__rejects_dollar_number_in_dollar),
		cmocka_unit_test(test_lexer__long_sql_is_cut_in_the_message),
		cmocka_unit_test(test_lexer__error_then_success),
		cmocka_unit_test(test_lexer__unterminated_text_has_no_binds_after_it),
		cmocka_unit_test(test_lexer__names_with_digits_and_underscores),
		cmocka_unit_test(test_lexer__name_at_the_very_end),
		cmocka_unit_test(test_lexer__respects_the_length),
		cmocka_unit_test(test_lexer__empty_sql),
		cmocka_unit_test(test_lexer__sql_without_binds_is_copied),
		cmocka_unit_test(test_lexer__many_distinct_names),
		cmocka_unit_test(test_lexer__colon_after_a_word_is_not_a_bind),
		cmocka_unit_test(test_lexer__realistic_statements),
		cmocka_unit_test(test_lexer__free_is_safe),
		cmocka_unit_test(test_lexer__brackets_are_identifiers_for_mssql),
		cmocka_unit_test(test_lexer__hash_comments_for_mysql),
		cmocka_unit_test(test_lexer__flags_from_dialect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
