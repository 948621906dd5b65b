/*
 * hello - "Hello, World!" from the SQLAlchemy Core tutorial, in C.
 *
 *   engine = create_engine('sqlite://')
 *   messages = Table('messages', metadata, Column('id', Integer, primary_key=True),
 *                    Column('message', Text))
 *   insert_message = messages.insert().values(message='Hello, World!')
 *   message, = engine.execute(select([messages.c.message])).fetchone()
 */
#include <stdio.h>

#include <sqlkit/sqlkit.h>

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : "sqlite://";
	sqlkit_engine *engine = NULL;
	sqlkit_conn *conn = NULL;
	sqlkit_result *res = NULL;
	const sqlkit_row *row;
	sqlkit_param p[1];
	int rc;

	/* engine = create_engine('sqlite://'): in memory, so one shared connection */
	if ((rc = sqlkit_engine_create(&engine, url, NULL)) < 0 ||
	    (rc = sqlkit_engine_connect(&conn, engine)) < 0)
		goto done;
	if ((rc = sqlkit_conn_execute(NULL, conn, "CREATE TABLE messages ("
	                              "id INTEGER PRIMARY KEY, message TEXT)", NULL, 0)) < 0)
		goto done;
	p[0] = SQLKIT_PARAM("message", sqlkit_text("Hello, World!"));
	if ((rc = sqlkit_conn_execute(NULL, conn, "INSERT INTO messages (message) VALUES (:message)",
	                              p, 1)) < 0)
		goto done;
	if ((rc = sqlkit_conn_execute(&res, conn, "SELECT message FROM messages", NULL, 0)) < 0 ||
	    (rc = sqlkit_result_fetchone(&row, res)) < 0)
		goto done;
	if (row)
		printf("%s\n", sqlkit_row_text(row, 0));
done:
	if (rc < 0)
		fprintf(stderr, "hello: %s\n", sqlkit_error_last()->message);
	sqlkit_result_free(res);
	sqlkit_conn_close(conn);     /* back to the pool */
	sqlkit_engine_free(engine);
	sqlkit_shutdown();
	return rc < 0 ? 1 : 0;
}
