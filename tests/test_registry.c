/*
 * tests/test_registry.c - plugins loaded as plugins: by URL scheme, from the
 * search path, with aliases from the configuration file; broken plugins and
 * their messages; what the core hands a driver (through the echo plugin).
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
#include <unistd.h>

#include <sqlkit/sqlkit.h>

static char saved_conf[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(saved_conf, sizeof saved_conf, "%s", getenv("SQLKIT_CONF") ? getenv("SQLKIT_CONF") : "");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (saved_conf[0])
		setenv("SQLKIT_CONF", saved_conf, 1);
	sqlkit_shutdown();
	return 0;
}

#define assert_message_has(s) do { \
	const char *m_ = sqlkit_error_last()->message; \
	if (!strstr(m_, (s))) fail_msg("message \"%s\" lacks \"%s\"", m_, (s)); } while (0)

static void test_registry__loads_plugin_by_scheme(void **state)
{
	sqlkit_conn *c;
	(void)state;
	assert_int_equal(sqlkit_conn_open(&c, "echo://h/db"), 0);
	assert_string_equal(sqlkit_conn_dialect(c), "echo");
	assert_string_equal(sqlkit_conn_driver(c), "loopback");
	sqlkit_conn_close(c);
	assert_int_equal(sqlkit_conn_open(&c, "echo+loopback://h/db"), 0);
	sqlkit_conn_close(c);
	assert_int_equal(sqlkit_conn_open(&c, "sqlite://"), 0);
	assert_string_equal(sqlkit_conn_dialect(c), "sqlite");
	sqlkit_conn_close(c);
}

static void test_registry__unknown_driver_lists_drivers(void **state)
{
	sqlkit_conn *c = (sqlkit_conn *)1;
	(void)state;
	assert_int_equal(sqlkit_conn_open(&c, "echo+psycopg2://h/db"), SQLKIT_ENOTFOUND);
	assert_null(c);
	assert_message_has("no driver \"psycopg2\"");
	assert_message_has("loopback");
}

static void test_registry__unknown_scheme_says_where_it_looked(void **state)
{
	sqlkit_conn *c;
	char *path;
	(void)state;
	assert_int_equal(sqlkit_conn_open(&c, "nosuchdb://u:p@h/db"), SQLKIT_ENOTFOUND);
	assert_message_has("could not load plugin \"nosuchdb\"");
	assert_message_has("tests/plugins/nosuchdb");
	assert_message_has("plugins/sqlite/nosuchdb");
	assert_message_has("file not found");
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTERFACE);
	/* every directory of the search path is named */
	assert_int_equal(sqlkit_plugin_search_path(&path), 0);
	assert_non_null(strstr(path, "tests/plugins"));
	sqlkit_free(path);
}

static void test_registry__refuses_other_abi_major(void **state)
{
	(void)state;
	assert_int_equal(sqlkit_plugin_load("badabi"), SQLKIT_EABI);
	assert_message_has("plugin ABI 42");
	assert_message_has("plugin ABI 1");
	assert_message_has("badabi.so");
}

static void test_registry__refuses_module_without_entry_point(void **state)
{
	(void)state;
	assert_int_equal(sqlkit_plugin_load("noentry"), SQLKIT_EPLUGIN);
	assert_message_has("not a sqlkit plugin");
	assert_message_has("noentry_LTX_sqlkit_plugin_init");
}

static void test_registry__reports_failing_entry_point(void **state)
{
	(void)state;
	assert_int_equal(sqlkit_plugin_load("initfail"), SQLKIT_EPLUGIN);
	assert_message_has("failed to initialise");
	assert_message_has("libinitfail.so.3\" is too old (need 3.1)");
}

static void test_registry__rejects_names_that_are_not_plugin_names(void **state)
{
	(void)state;
	assert_int_equal(sqlkit_plugin_load("../echo"), SQLKIT_ENOTFOUND);
	assert_message_has("not a plugin name");
	assert_int_equal(sqlkit_plugin_load(""), SQLKIT_EINVAL);
}

static void test_registry__aliases_come_from_the_config_file(void **state)
{
	char path[] = "/tmp/sqlkit-conf-XXXXXX";
	sqlkit_conn *c;
	FILE *f;
	int fd;
	(void)state;

	/* the shipped file maps sqlite3:// to the sqlite plugin */
	assert_int_equal(sqlkit_conn_open(&c, "sqlite3://"), 0);
	assert_string_equal(sqlkit_conn_dialect(c), "sqlite");
	sqlkit_conn_close(c);

	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("# test\nalias Shout = echo+loopback\n", f);
	fclose(f);
	setenv("SQLKIT_CONF", path, 1);
	assert_int_equal(sqlkit_conn_open(&c, "shout://h/db"), 0);
	assert_string_equal(sqlkit_conn_dialect(c), "echo");
	sqlkit_conn_close(c);
	/* without the alias line the scheme is unknown: no prefix matching */
	assert_int_equal(sqlkit_conn_open(&c, "sqlite3://"), SQLKIT_ENOTFOUND);
	unlink(path);
}

static void test_registry__malformed_config_names_file_and_line(void **state)
{
	char path[] = "/tmp/sqlkit-conf-XXXXXX";
	sqlkit_conn *c;
	FILE *f;
	int fd;
	(void)state;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs("alias a = sqlite\nplugin_dir = /x\n", f);
	fclose(f);
	setenv("SQLKIT_CONF", path, 1);
	assert_int_equal(sqlkit_conn_open(&c, "sqlite://"), SQLKIT_ECONF);
	assert_message_has(":2: unknown setting \"plugin_dir\"");
	unlink(path);
	setenv("SQLKIT_CONF", "/nonexistent/sqlkit.conf", 1);
	assert_int_equal(sqlkit_conn_open(&c, "sqlite://"), SQLKIT_ECONF);
	assert_message_has("/nonexistent/sqlkit.conf");
}

static void test_registry__config_plugin_path_is_searched(void **state)
{
	char path[] = "/tmp/sqlkit-conf-XXXXXX";
	const char *pp = getenv("SQLKIT_PLUGIN_PATH");
	char saved[4096];
	char *sp;
	FILE *f;
	int fd;
	(void)state;

	assert_non_null(pp);
	snprintf(saved, sizeof saved, "%s", pp);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "plugin_path = %s\n", saved);
	fclose(f);
	setenv("SQLKIT_CONF", path, 1);
	unsetenv("SQLKIT_PLUGIN_PATH");
	assert_int_equal(sqlkit_plugin_load("echo"), 0);
	assert_int_equal(sqlkit_plugin_search_path(&sp), 0);
	assert_int_equal(strncmp(sp, saved, strlen(saved)), 0);  /* conf first, then the installed dir */
	sqlkit_free(sp);
	setenv("SQLKIT_PLUGIN_PATH", saved, 1);
	unlink(path);
}

static void test_registry__lists_plugins_and_broken_ones(void **state)
{
	sqlkit_plugin_info *list;
	size_t n, i;
	int seen_sqlite = 0, seen_echo = 0, seen_badabi = 0;
	(void)state;

	assert_int_equal(sqlkit_plugin_list(&list, &n), 0);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].name, "sqlite") == 0) {
			seen_sqlite = 1;
			assert_null(list[i].error);
			assert_non_null(strstr(list[i].schemes, "sqlite"));
		} else if (strcmp(list[i].name, "echo") == 0) {
			seen_echo = 1;
			assert_string_equal(list[i].version, "1.0.0");
			assert_string_equal(list[i].drivers, "loopback");
			assert_int_equal(list[i].abi_major, 1);
		} else if (strcmp(list[i].name, "badabi") == 0) {
			seen_badabi = 1;
			assert_non_null(list[i].error);
			assert_non_null(strstr(list[i].error, "plugin ABI 42"));
		}
	}
	sqlkit_plugin_list_free(list, n);
	assert_true(seen_sqlite && seen_echo && seen_badabi);
}

static void *load_and_use(void *arg)
{
	intptr_t ok = 1;
	int i;
	(void)arg;
	for (i = 0; i < 50; i++) {
		sqlkit_conn *c;
		sqlkit_result *r;
		const sqlkit_row *row;
		sqlkit_param p = SQLKIT_PARAM("x", sqlkit_int(i));
		if (sqlkit_conn_open(&c, i % 2 ? "echo://h/db" : "sqlite://") < 0)
			return (void *)0;
		if (sqlkit_conn_execute(&r, c, "SELECT :x", &p, 1) < 0 ||
		    sqlkit_result_fetchone(&row, r) < 0 || !row)
			ok = 0;
		else if (sqlkit_row_int(row, i % 2 ? 1 : 0) != i)
			ok = 0;
		sqlkit_result_free(r);
		sqlkit_conn_close(c);
	}
	return (void *)ok;
}

static void test_registry__loading_is_safe_from_many_threads(void **state)
{
	pthread_t t[8];
	void *ok;
	int i;
	(void)state;

	sqlkit_shutdown();  /* start with nothing loaded */
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, load_and_use, NULL), 0);
	for (i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(t[i], &ok), 0);
		assert_true(ok == (void *)1);
	}
}

/* ---------------------------------------------------------------- what drivers receive */

static void test_registry__driver_receives_its_own_markers(void **state)
{
	sqlkit_conn *c;
	sqlkit_result *r;
	const sqlkit_row *row;
	sqlkit_param p[] = {
		SQLKIT_PARAM("b", sqlkit_text("x'); DROP TABLE t; --")),
		SQLKIT_PARAM("a", sqlkit_int(7)),
	};
	(void)state;

	assert_int_equal(sqlkit_conn_open(&c, "echo://h/db"), 0);
	assert_int_equal(sqlkit_conn_execute(&r, c, "SELECT :a, ':b', :b, a::text, :a -- :c",
	                                     p, 2), 0);
	assert_int_equal(sqlkit_result_column_count(r), 3);
	assert_int_equal(sqlkit_result_fetchone(&row, r), 0);
	assert_non_null(row);
	/* the hostile string travels only as a parameter value */
	assert_string_equal(sqlkit_row_text(row, 0), "SELECT $1, ':b', $2, a::text, $1 -- :c");
	assert_int_equal(sqlkit_row_int(row, 1), 7);
	assert_string_equal(sqlkit_row_text(row, 2), "x'); DROP TABLE t; --");
	sqlkit_result_free(r);
	sqlkit_conn_close(c);
}

/* A plugin built against plugin ABI 1.0 has no row_values: the core reads its
 * rows a column at a time, through every fetch path, and never looks past its
 * struct_size (the plugin put an aborting row_values there). */
static void test_registry__abi_1_0_plugin_reads_rows_per_column(void **state)
{
	sqlkit_conn *c, *echo;
	sqlkit_result *r;
	sqlkit_rowset *rs;
	const sqlkit_row *row;
	int n;
	(void)state;

	assert_int_equal(sqlkit_conn_open(&c, "abi10://h/db"), 0);
	assert_int_equal(sqlkit_conn_execute(&r, c, "SELECT 1", NULL, 0), 0);
	for (n = 1; n <= 3; n++) {
		assert_int_equal(sqlkit_result_fetchone(&row, r), 0);
		assert_non_null(row);
		assert_string_equal(sqlkit_row_text(row, 0), "SELECT 1");
		assert_int_equal(sqlkit_row_int(row, 1), n);
	}
	assert_int_equal(sqlkit_result_fetchone(&row, r), 0);
	assert_null(row);
	sqlkit_result_free(r);

	assert_int_equal(sqlkit_conn_execute(&r, c, "SELECT 2", NULL, 0), 0);
	assert_int_equal(sqlkit_result_fetchmany(&rs, r, 2), 0);
	assert_int_equal(sqlkit_rowset_count(rs), 2);
	assert_int_equal(sqlkit_row_int(sqlkit_rowset_row(rs, 1), 1), 2);
	sqlkit_rowset_free(rs);
	assert_int_equal(sqlkit_result_fetchall(&rs, r), 0);
	assert_int_equal(sqlkit_rowset_count(rs), 1);
	assert_string_equal(sqlkit_row_text(sqlkit_rowset_row(rs, 0), 0), "SELECT 2");
	assert_int_equal(sqlkit_row_int(sqlkit_rowset_row(rs, 0), 1), 3);
	sqlkit_rowset_free(rs);
	assert_int_equal(sqlkit_result_fetchmany(&rs, r, 5), 0);
	assert_int_equal(sqlkit_rowset_count(rs), 0);
	sqlkit_rowset_free(rs);
	sqlkit_result_free(r);

	/* A failing step reports the plugin's error, not an older one on the thread
	 * (here a dead connection's, which must not kill this one). */
	assert_int_equal(sqlkit_conn_execute(&r, c, "STEPFAIL", NULL, 0), 0);
	assert_int_equal(sqlkit_result_fetchone(&row, r), 0);
	assert_non_null(row);
	assert_int_equal(sqlkit_conn_open(&echo, "echo://h/db"), 0);
	assert_int_equal(sqlkit_conn_execute(NULL, echo, "DIE", NULL, 0), SQLKIT_EDISCONNECTED);
	assert_true(sqlkit_error_last()->connection_dead);
	sqlkit_conn_close(echo);
	assert_int_equal(sqlkit_result_fetchone(&row, r), SQLKIT_ECONSTRAINT);
	assert_null(row);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23000");
	assert_false(sqlkit_error_last()->connection_dead);
	assert_false(sqlkit_conn_is_dead(c));
	assert_int_equal(sqlkit_result_fetchone(&row, r), 0);   /* the result ended */
	assert_null(row);
	sqlkit_result_free(r);

	assert_int_equal(sqlkit_conn_execute(&r, c, "STEPDIE", NULL, 0), 0);
	assert_int_equal(sqlkit_result_fetchall(&rs, r), SQLKIT_EDISCONNECTED);
	assert_null(rs);
	assert_true(sqlkit_error_last()->connection_dead);
	assert_true(sqlkit_conn_is_dead(c));
	sqlkit_result_free(r);
	sqlkit_conn_close(c);
}

static void test_registry__driver_errors_keep_class_and_sqlstate(void **state)
{
	sqlkit_conn *c;
	(void)state;

	assert_int_equal(sqlkit_conn_open(&c, "echo://h/db"), 0);
	assert_int_equal(sqlkit_conn_execute(NULL, c, "FAIL", NULL, 0), SQLKIT_ECONSTRAINT);
	assert_int_equal(sqlkit_error_last()->klass, SQLKIT_ERRCLASS_INTEGRITY);
	assert_string_equal(sqlkit_error_last()->sqlstate, "23505");
	assert_int_equal(sqlkit_error_last()->native_code, 1062);
	assert_false(sqlkit_conn_is_dead(c));
	/* a dead connection says so, and refuses further work at once */
	assert_int_equal(sqlkit_conn_execute(NULL, c, "DIE", NULL, 0), SQLKIT_EDISCONNECTED);
	assert_true(sqlkit_error_last()->connection_dead);
	assert_true(sqlkit_conn_is_dead(c));
	assert_int_equal(sqlkit_conn_execute(NULL, c, "SELECT 1", NULL, 0), SQLKIT_EDISCONNECTED);
	assert_int_equal(sqlkit_conn_ping(c), SQLKIT_EDISCONNECTED);
	sqlkit_conn_close(c);
}

static void test_registry__connect_failure_masks_password(void **state)
{
	sqlkit_conn *c = (sqlkit_conn *)1;
	(void)state;

	assert_int_equal(sqlkit_conn_open(&c, "echo://scott:tiger@db.example/test?fail=1"),
	                 SQLKIT_EDISCONNECTED);
	assert_null(c);
	assert_message_has("could not connect to \"echo://scott:***@db.example/test?fail=1\"");
	assert_message_has("refused the connection");
	assert_null(strstr(sqlkit_error_last()->message, "tiger"));
	assert_string_equal(sqlkit_error_last()->sqlstate, "08001");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registry__loads_plugin_by_scheme, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__unknown_driver_lists_drivers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__unknown_scheme_says_where_it_looked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__refuses_other_abi_major, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__refuses_module_without_entry_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__reports_failing_entry_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__rejects_names_that_are_not_plugin_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__aliases_come_from_the_config_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__malformed_config_names_file_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__config_plugin_path_is_searched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__lists_plugins_and_broken_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__loading_is_safe_from_many_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__driver_receives_its_own_markers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__abi_1_0_plugin_reads_rows_per_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__driver_errors_keep_class_and_sqlstate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry__connect_failure_masks_password, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
