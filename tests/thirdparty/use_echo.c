/*
 * use_echo - a program built against an installed sqlkit that loads the
 * out-of-tree "echo" plugin by its URL scheme and the installed SQLite plugin,
 * through the installed configuration file's alias.
 */
#include <stdio.h>
#include <string.h>

#include <sqlkit/sqlkit.h>

static int check(const char *url, const char *want_sql)
{
	sqlkit_conn *c;
	sqlkit_result *r;
	const sqlkit_row *row;
	sqlkit_param p = SQLKIT_PARAM("x", sqlkit_text("hello"));
	int ok;

	if (sqlkit_conn_open(&c, url) < 0 || sqlkit_conn_execute(&r, c, "SELECT :x", &p, 1) < 0 ||
	    sqlkit_result_fetchone(&row, r) < 0 || !row) {
		fprintf(stderr, "use_echo: %s: %s\n", url, sqlkit_error_last()->message);
		return 1;
	}
	ok = want_sql ? strcmp(sqlkit_row_text(row, 0), want_sql) == 0 &&
	                strcmp(sqlkit_row_text(row, 1), "hello") == 0
	              : strcmp(sqlkit_row_text(row, 0), "hello") == 0;
	printf("%s: %s -> %s\n", url, sqlkit_conn_dialect(c), ok ? "ok" : "WRONG");
	sqlkit_result_free(r);
	sqlkit_conn_close(c);
	return !ok;
}

int main(void)
{
	int rc = check("echo://somewhere/db", "SELECT $1") | check("sqlite://", NULL) |
	         check("sqlite3:///:memory:", NULL);
	sqlkit_shutdown();
	return rc;
}
