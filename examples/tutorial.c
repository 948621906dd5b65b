/*
 * tutorial - the SQLite flow of the SQLAlchemy tutorials, in C, through
 * sqlkit's DBAPI layer: create the "emp" table, insert one row and then many,
 * select, update, delete, and see commit and rollback at work.
 *
 *   ./examples/tutorial [URL]      (default: sqlite:///tutorial.sqlite)
 *
 * The same flows through MetaData and the SQL expression language, with no
 * hand-written SQL, are in examples/core_tutorial.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sqlkit/sqlkit.h>

#define CHECK(call) do { if ((rc = (call)) < 0) { where = #call; goto fail; } } while (0)

static void show(sqlkit_conn *conn, const char *title)
{
	sqlkit_result *res;
	sqlkit_rowset *rows;
	size_t i;

	printf("%s\n", title);
	if (sqlkit_conn_execute(&res, conn, "SELECT Id, name, salary, active FROM emp ORDER BY Id",
	                        NULL, 0) < 0)
		return;
	if (sqlkit_result_fetchall(&rows, res) == 0) {
		for (i = 0; i < sqlkit_rowset_count(rows); i++) {
			const sqlkit_row *r = sqlkit_rowset_row(rows, i);
			const sqlkit_value *active = sqlkit_row_value(r, 3);
			printf("  (%lld, '%s', %.1f, %s)\n", (long long)sqlkit_row_int(r, 0),
			       sqlkit_row_text(r, 1), sqlkit_row_float(r, 2),
			       active->type == SQLKIT_TYPE_BOOL ? (active->u.b ? "True" : "False") : "None");
		}
		if (sqlkit_rowset_count(rows) == 0)
			printf("  (no rows)\n");
		sqlkit_rowset_free(rows);
	}
	sqlkit_result_free(res);
}

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : "sqlite:///tutorial.sqlite";
	const char *where = "";
	sqlkit_engine *engine = NULL;
	sqlkit_conn *conn = NULL;
	sqlkit_result *res = NULL;
	const sqlkit_row *row;
	int64_t n = 0;
	int rc;

	/* engine = create_engine(url); connection = engine.connect() */
	CHECK(sqlkit_engine_create(&engine, url, NULL));
	printf("engine: %s\n", sqlkit_engine_url(engine));
	CHECK(sqlkit_engine_connect(&conn, engine));
	printf("dialect: %s (driver %s)\n\n", sqlkit_conn_dialect(conn), sqlkit_conn_driver(conn));

	CHECK(sqlkit_conn_execute(NULL, conn, "DROP TABLE IF EXISTS emp", NULL, 0));
	CHECK(sqlkit_conn_execute(NULL, conn,
	      "CREATE TABLE emp (Id INTEGER, name VARCHAR(255) NOT NULL, "
	      "salary FLOAT DEFAULT 100.0, active BOOLEAN DEFAULT 1)", NULL, 0));
	printf("created table emp\n");

	/* insert(emp).values(Id=1, name='naveen', salary=60000.00, active=True) */
	{
		sqlkit_param p[] = {
			SQLKIT_PARAM("Id", sqlkit_int(1)), SQLKIT_PARAM("name", sqlkit_text("naveen")),
			SQLKIT_PARAM("salary", sqlkit_float(60000.0)), SQLKIT_PARAM("active", sqlkit_bool(1)),
		};
		CHECK(sqlkit_conn_execute(NULL, conn, "INSERT INTO emp (Id, name, salary, active) "
		                          "VALUES (:Id, :name, :salary, :active)", p, 4));
		printf("inserted 1 row\n");
	}
	/* connection.execute(insert(emp), values_list): executemany */
	{
		sqlkit_param sets[] = {
			SQLKIT_PARAM("Id", sqlkit_int(2)), SQLKIT_PARAM("name", sqlkit_text("ram")),
			SQLKIT_PARAM("salary", sqlkit_float(80000)), SQLKIT_PARAM("active", sqlkit_bool(0)),
			SQLKIT_PARAM("Id", sqlkit_int(3)), SQLKIT_PARAM("name", sqlkit_text("ramesh")),
			SQLKIT_PARAM("salary", sqlkit_float(70000)), SQLKIT_PARAM("active", sqlkit_bool(1)),
		};
		CHECK(sqlkit_conn_executemany(conn, "INSERT INTO emp (Id, name, salary, active) "
		                              "VALUES (:Id, :name, :salary, :active)", sets, 4, 2, &n));
		printf("inserted %lld rows with executemany\n", (long long)n);
	}
	show(conn, "\nSELECT * FROM emp");

	/* select where: salary > 65000 */
	{
		sqlkit_param p[] = { SQLKIT_PARAM("min", sqlkit_float(65000)) };
		CHECK(sqlkit_conn_execute(&res, conn, "SELECT name FROM emp WHERE salary > :min "
		                          "ORDER BY name", p, 1));
		printf("\nSELECT name FROM emp WHERE salary > 65000\n");
		while ((rc = sqlkit_result_fetchone(&row, res)) == 0 && row)
			printf("  %s\n", sqlkit_row_text(row, 0));
		CHECK(rc);
		sqlkit_result_free(res);
		res = NULL;
	}

	/* update(emp).values(salary=emp.c.salary * 1.1).where(emp.c.active) in a transaction */
	CHECK(sqlkit_conn_begin(conn));
	CHECK(sqlkit_conn_execute(&res, conn, "UPDATE emp SET salary = salary * :rate "
	                          "WHERE active = :active",
	                          (sqlkit_param[]){ SQLKIT_PARAM("rate", sqlkit_float(1.1)),
	                                            SQLKIT_PARAM("active", sqlkit_bool(1)) }, 2));
	printf("\nUPDATE: %lld rows get a 10%% raise\n", (long long)sqlkit_result_rowcount(res));
	sqlkit_result_free(res);
	res = NULL;
	CHECK(sqlkit_conn_commit(conn));
	printf("COMMIT\n");
	show(conn, "after the commit");

	/* delete, then change our mind */
	CHECK(sqlkit_conn_begin(conn));
	CHECK(sqlkit_conn_execute(&res, conn, "DELETE FROM emp WHERE name = :name",
	                          (sqlkit_param[]){ SQLKIT_PARAM("name", sqlkit_text("ram")) }, 1));
	printf("\nDELETE: %lld row for 'ram'\n", (long long)sqlkit_result_rowcount(res));
	sqlkit_result_free(res);
	res = NULL;
	show(conn, "inside the transaction");
	CHECK(sqlkit_conn_rollback(conn));
	printf("ROLLBACK\n");
	show(conn, "after the rollback, 'ram' is back");

	/* a constraint violation is an IntegrityError and changes nothing */
	rc = sqlkit_conn_execute(NULL, conn, "INSERT INTO emp (Id, name) VALUES (:Id, :name)",
	                         (sqlkit_param[]){ SQLKIT_PARAM("Id", sqlkit_int(4)),
	                                           SQLKIT_PARAM("name", sqlkit_null()) }, 2);
	printf("\ninserting a NULL name: %s: %s\n",
	       sqlkit_error_class_name(sqlkit_error_last()->klass), sqlkit_error_last()->message);

	CHECK(sqlkit_conn_execute(NULL, conn, "DROP TABLE emp", NULL, 0));
	printf("\ndropped table emp\n");
	sqlkit_conn_close(conn);
	sqlkit_engine_free(engine);
	sqlkit_shutdown();
	return 0;
fail:
	fprintf(stderr, "tutorial: %s: %s (%s)\n", where, sqlkit_error_last()->message,
	        sqlkit_error_class_name(sqlkit_error_last()->klass));
	sqlkit_result_free(res);
	sqlkit_conn_close(conn);
	sqlkit_engine_free(engine);
	sqlkit_shutdown();
	return 1;
}
