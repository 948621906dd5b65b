/*
 * sqlkit - command-line companion: list plugins, check URLs, run SQL.
 *
 *   sqlkit plugins                 plugins on the search path
 *   sqlkit url URL                 how a URL parses (password masked)
 *   sqlkit exec URL SQL [k=v ...]  run one statement, print rows tab-separated
 *   sqlkit version
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlkit/sqlkit.h>

static int fail(const char *what)
{
	const sqlkit_error *e = sqlkit_error_last();
	fprintf(stderr, "sqlkit: %s: %s%s%s%s\n", what, e->message,
	        e->klass ? " (" : "", e->klass ? sqlkit_error_class_name(e->klass) : "",
	        e->klass ? ")" : "");
	return 1;
}

static int cmd_plugins(void)
{
	sqlkit_plugin_info *list;
	char *path = NULL;
	size_t n, i;

	if (sqlkit_plugin_search_path(&path) == 0)
		printf("search path: %s\n", path);
	sqlkit_free(path);
	if (sqlkit_plugin_list(&list, &n) < 0)
		return fail("listing plugins");
	for (i = 0; i < n; i++) {
		if (list[i].error)
			printf("%-12s  (not loadable)  %s\n    %s\n", list[i].name, list[i].path,
			       list[i].error);
		else
			printf("%-12s %-8s ABI %u.%u  schemes: %s  drivers: %s\n    %s\n    %s\n",
			       list[i].name, list[i].version, list[i].abi_major, list[i].abi_minor,
			       list[i].schemes, list[i].drivers, list[i].path, list[i].description);
	}
	if (n == 0)
		printf("no plugins found\n");
	sqlkit_plugin_list_free(list, n);
	return 0;
}

static int cmd_url(const char *text)
{
	sqlkit_url *u;
	char *shown;
	size_t i, n;

	if (sqlkit_url_parse(&u, text) < 0)
		return fail("parsing URL");
	if (sqlkit_url_format(&shown, u, SQLKIT_URL_MASK_PASSWORD) == 0)
		printf("url:      %s\n", shown);
	sqlkit_free(shown);
	printf("dialect:  %s\ndriver:   %s\nusername: %s\npassword: %s\nhost:     %s\n",
	       sqlkit_url_dialect(u), sqlkit_url_driver(u) ? sqlkit_url_driver(u) : "(default)",
	       sqlkit_url_username(u) ? sqlkit_url_username(u) : "",
	       sqlkit_url_password(u) ? "***" : "", sqlkit_url_host(u) ? sqlkit_url_host(u) : "");
	printf("port:     %d\ndatabase: %s\n", sqlkit_url_port(u),
	       sqlkit_url_database(u) ? sqlkit_url_database(u) : "");
	n = sqlkit_url_query_count(u);
	for (i = 0; i < n; i++) {
		const char *k, *v;
		sqlkit_url_query_at(u, i, &k, &v);
		printf("query:    %s = %s\n", k, v);
	}
	sqlkit_url_free(u);
	return 0;
}

static void print_value(const sqlkit_value *v)
{
	char buf[64];

	switch (v->type) {
	case SQLKIT_TYPE_NULL: fputs("NULL", stdout); break;
	case SQLKIT_TYPE_INT: printf("%lld", (long long)v->u.i); break;
	case SQLKIT_TYPE_FLOAT: printf("%.17g", v->u.f); break;
	case SQLKIT_TYPE_BOOL: fputs(v->u.b ? "true" : "false", stdout); break;
	case SQLKIT_TYPE_BLOB: printf("<%zu bytes>", v->u.s.len); break;
	case SQLKIT_TYPE_UUID: sqlkit_uuid_format(buf, v->u.uuid); fputs(buf, stdout); break;
	case SQLKIT_TYPE_DATE: case SQLKIT_TYPE_TIME: case SQLKIT_TYPE_DATETIME:
		if (sqlkit_datetime_format(buf, sizeof buf, v) > 0)
			fputs(buf, stdout);
		break;
	default: fwrite(v->u.s.ptr, 1, v->u.s.len, stdout); break;
	}
}

static int cmd_exec(const char *url, const char *sql, int argc, char **argv)
{
	sqlkit_param params[64];
	sqlkit_conn *conn;
	sqlkit_result *res;
	const sqlkit_row *row;
	int i, rc = 0;
	unsigned c;

	if (argc > 64) {
		fprintf(stderr, "sqlkit: at most 64 parameters\n");
		return 2;
	}
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "sqlkit: parameter \"%s\" is not name=value\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		params[i] = SQLKIT_PARAM(argv[i], sqlkit_text(eq + 1));
	}
	if (sqlkit_conn_open(&conn, url) < 0)
		return fail("connecting");
	if (sqlkit_conn_execute(&res, conn, sql, params, (size_t)argc) < 0) {
		rc = fail("executing");
		goto done;
	}
	for (c = 0; c < sqlkit_result_column_count(res); c++)
		printf("%s%s", c ? "\t" : "", sqlkit_result_column_name(res, c));
	if (sqlkit_result_column_count(res))
		putchar('\n');
	while ((rc = sqlkit_result_fetchone(&row, res)) == 0 && row) {
		for (c = 0; c < sqlkit_row_count(row); c++) {
			if (c)
				putchar('\t');
			print_value(sqlkit_row_value(row, c));
		}
		putchar('\n');
	}
	if (rc < 0)
		rc = fail("fetching");
	else if (sqlkit_result_column_count(res) == 0 && sqlkit_result_rowcount(res) >= 0)
		fprintf(stderr, "%lld row(s) affected\n", (long long)sqlkit_result_rowcount(res));
	sqlkit_result_free(res);
done:
	sqlkit_conn_close(conn);
	return rc ? 1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: sqlkit plugins\n"
	      "       sqlkit url URL\n"
	      "       sqlkit exec URL SQL [name=value ...]\n"
	      "       sqlkit version\n", f);
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "plugins") == 0)
		rc = cmd_plugins();
	else if (strcmp(argv[1], "url") == 0 && argc == 3)
		rc = cmd_url(argv[2]);
	else if (strcmp(argv[1], "exec") == 0 && argc >= 4)
		rc = cmd_exec(argv[2], argv[3], argc - 4, argv + 4);
	else if (strcmp(argv[1], "version") == 0)
		rc = (printf("sqlkit %s\n", sqlkit_version()), 0);
	else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
		rc = (usage(stdout), 0);
	else {
		usage(stderr);
		rc = 2;
	}
	sqlkit_shutdown();
	return rc;
}
