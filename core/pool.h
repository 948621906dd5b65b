/*
 * core/pool.h - connection pools behind an engine.
 */
#ifndef SQLKIT_CORE_POOL_H
#define SQLKIT_CORE_POOL_H

#include "sqlkit/engine.h"

typedef struct sqlkit__pool sqlkit__pool;

typedef struct sqlkit__pool_config {
	sqlkit_pool_class cls;            /* QUEUE, NULL or STATIC (never DEFAULT) */
	int size;
	int max_overflow;                 /* < 0: no limit */
	double timeout;
	double recycle;                   /* <= 0: never */
	int pre_ping;
	sqlkit_reset_on_return reset;
	/* Make a new physical connection; called without the pool's lock. */
	int (*connect)(sqlkit_conn **out, void *ctx);
	/* Called once when the pool's last reference is gone (engine freed and every
	 * connection back): frees the engine. */
	void (*release)(void *ctx);
	void *ctx;
} sqlkit__pool_config;

int sqlkit__pool_create(sqlkit__pool **out, const sqlkit__pool_config *cfg);
int sqlkit__pool_checkout(sqlkit_conn **out, sqlkit__pool *pool);
/* Give a connection back (sqlkit_conn_close() of a pooled connection). */
void sqlkit__pool_return(sqlkit__pool *pool, sqlkit_conn *conn);
void sqlkit__pool_dispose(sqlkit__pool *pool);
/* Dispose and drop the engine's reference. */
void sqlkit__pool_close(sqlkit__pool *pool);
void sqlkit__pool_status(sqlkit__pool *pool, sqlkit_pool_status *out);
/* Free the pool's own memory (from the release callback). */
void sqlkit__pool_free(sqlkit__pool *pool);

#endif
