/*
 * core/pool.c - QueuePool, NullPool and StaticPool.
 *
 * One mutex guards the pool's counts, its idle list and its queue of waiters;
 * connecting, pinging, rolling back and closing happen outside it. Waiters are
 * served first come, first served: a connection given back (or a free slot)
 * goes straight to the oldest waiter, under the lock, so a newcomer cannot
 * overtake it.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbapi.h"
#include "pool.h"
#include "registry.h"
#include "util.h"

typedef struct waiter {
	pthread_cond_t cond;
	struct waiter *next;
	sqlkit_conn *conn;        /* handed over: an idle connection */
	int slot;                 /* handed over: room to open a new one */
} waiter;

struct sqlkit__pool {
	pthread_mutex_t lock;
	pthread_cond_t static_cond;   /* the shared connection became free */
	sqlkit__pool_config cfg;
	sqlkit_conn *idle_head, *idle_tail;
	int nidle;
	int open;
	int checked_out;
	waiter *wait_head, *wait_tail;
	int nwaiters;
	unsigned generation;
	uint64_t connects;
	int refs;                 /* the engine's, plus one per checked-out connection */
	sqlkit_conn *shared;      /* STATIC: one connection, held by one thread at a time */
	int shared_refs;          /* nested checkouts by its owner */
	pthread_t shared_owner;
};

int sqlkit__pool_create(sqlkit__pool **out, const sqlkit__pool_config *cfg)
{
	sqlkit__pool *p;

	*out = NULL;
	if (!(p = calloc(1, sizeof *p)))
		return sqlkit__error_oom();
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		free(p);
		return sqlkit__error(SQLKIT_ERROR, "could not create the pool's mutex");
	}
	{
		pthread_condattr_t attr;
		int bad;
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		bad = pthread_cond_init(&p->static_cond, &attr) != 0;
		pthread_condattr_destroy(&attr);
		if (bad) {
			pthread_mutex_destroy(&p->lock);
			free(p);
			return sqlkit__error(SQLKIT_ERROR, "could not create the pool's condition variable");
		}
	}
	p->cfg = *cfg;
	p->refs = 1;
	*out = p;
	return 0;
}

void sqlkit__pool_free(sqlkit__pool *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->static_cond);
	free(p);
}

static int room(const sqlkit__pool *p)
{
	return p->cfg.max_overflow < 0 || p->open < p->cfg.size + p->cfg.max_overflow;
}

/* Caller holds the lock: if someone waits and a connection could be opened,
 * hand the oldest waiter a slot. */
static void offer_slot(sqlkit__pool *p)
{
	waiter *w = p->wait_head;

	if (!w || !room(p))
		return;
	p->wait_head = w->next;
	if (!p->wait_head)
		p->wait_tail = NULL;
	p->nwaiters--;
	p->open++;
	p->checked_out++;
	p->refs++;
	w->slot = 1;
	pthread_cond_signal(&w->cond);
}

/* Caller holds the lock. Drop one reference; returns non-zero when it was the last. */
static int unref(sqlkit__pool *p)
{
	return --p->refs == 0;
}

static void release(sqlkit__pool *p)
{
	p->cfg.release(p->cfg.ctx);
}

static int timeout_error(const sqlkit__pool *p)
{
	return sqlkit__error_set(SQLKIT_ETIMEOUT, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0,
	                         "QueuePool limit of pool_size %d, max_overflow %d reached: "
	                         "connection timed out after %.2f s", p->cfg.size,
	                         p->cfg.max_overflow, p->cfg.timeout);
}

/* Make a physical connection for a slot already counted in open/checked_out. */
static int fill_slot(sqlkit_conn **out, sqlkit__pool *p)
{
	unsigned generation;
	int rc, last = 0;

	pthread_mutex_lock(&p->lock);
	generation = p->generation;
	pthread_mutex_unlock(&p->lock);
	if ((rc = p->cfg.connect(out, p->cfg.ctx)) == 0) {
		(*out)->pool = p;
		(*out)->generation = generation;
		pthread_mutex_lock(&p->lock);
		p->connects++;
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	p->open--;
	p->checked_out--;
	last = unref(p);
	offer_slot(p);
	pthread_mutex_unlock(&p->lock);
	if (last)
		release(p);
	return rc;
}

/* Is a pooled connection still good to hand out? Closes it when not. */
static int still_good(sqlkit__pool *p, sqlkit_conn *c, unsigned generation)
{
	if (c->generation != generation || c->dead || c->invalidated)
		return 0;
	if (p->cfg.recycle > 0 && sqlkit__now() - c->created > p->cfg.recycle) {
		sqlkit__log(SQLKIT_LOG_DEBUG, "pool: recycling connection %llu",
		            (unsigned long long)c->serial);
		return 0;
	}
	if (p->cfg.pre_ping && sqlkit_conn_ping(c) < 0) {
		sqlkit__log(SQLKIT_LOG_INFO, "pool: connection %llu failed its pre-ping: %s",
		            (unsigned long long)c->serial, sqlkit_error_last()->message);
		sqlkit_error_clear();
		return 0;
	}
	return 1;
}

static void deadline_in(struct timespec *ts, double seconds)
{
	double t;

	clock_gettime(CLOCK_MONOTONIC, ts);
	t = (double)ts->tv_nsec / 1e9 + seconds;
	ts->tv_sec += (time_t)t;
	ts->tv_nsec = (long)((t - (double)(time_t)t) * 1e9);
}

/* The static pool's one connection goes to one thread at a time (a connection
 * is never used by two threads at once); the thread holding it may check it out
 * again (nested), others wait up to pool_timeout. */
static int checkout_static(sqlkit_conn **out, sqlkit__pool *p)
{
	pthread_t self = pthread_self();
	sqlkit_conn *c, *old = NULL;
	struct timespec deadline;
	int rc, waited = 0, last;

	pthread_mutex_lock(&p->lock);
	while (p->shared_refs > 0 && !pthread_equal(p->shared_owner, self)) {
		if (p->cfg.timeout <= 0 ||
		    (waited && pthread_cond_timedwait(&p->static_cond, &p->lock, &deadline) == ETIMEDOUT &&
		     p->shared_refs > 0)) {
			pthread_mutex_unlock(&p->lock);
			return sqlkit__error_set(SQLKIT_ETIMEOUT, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 0,
			                         "StaticPool: the one connection stayed in use by another "
			                         "thread: timed out after %.2f s", p->cfg.timeout);
		}
		if (!waited) {
			deadline_in(&deadline, p->cfg.timeout);
			waited = 1;
			p->nwaiters++;
		}
	}
	if (waited)
		p->nwaiters--;
	p->shared_refs++;
	p->checked_out++;
	p->refs++;
	if (p->shared_refs > 1) {   /* nested in the owning thread */
		*out = p->shared;
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	p->shared_owner = self;
	c = p->shared;
	if (c && (c->dead || c->invalidated || c->generation != p->generation)) {
		old = c;
		c = p->shared = NULL;
		p->open--;
	}
	if (c) {
		*out = c;
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	pthread_mutex_unlock(&p->lock);
	if (old) {
		old->pool = NULL;
		sqlkit__conn_destroy(old);
	}
	/* We hold the claim (shared_refs 1): nobody else connects meanwhile. */
	if ((rc = p->cfg.connect(&c, p->cfg.ctx)) < 0) {
		pthread_mutex_lock(&p->lock);
		p->shared_refs = 0;
		p->checked_out--;
		last = unref(p);
		pthread_cond_broadcast(&p->static_cond);
		pthread_mutex_unlock(&p->lock);
		if (last)
			release(p);
		return rc;
	}
	pthread_mutex_lock(&p->lock);
	c->pool = p;
	c->generation = p->generation;
	p->shared = c;
	p->open++;
	p->connects++;
	*out = c;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int sqlkit__pool_checkout(sqlkit_conn **out, sqlkit__pool *p)
{
	sqlkit_conn *c = NULL;
	unsigned generation;
	int slot = 0, rc;

	*out = NULL;
	if (p->cfg.cls == SQLKIT_POOL_STATIC)
		return checkout_static(out, p);
	pthread_mutex_lock(&p->lock);
	if (p->cfg.cls == SQLKIT_POOL_NULL) {
		p->open++;
		p->checked_out++;
		p->refs++;
		slot = 1;
	} else if (!p->wait_head && p->idle_head) {
		c = p->idle_head;
		p->idle_head = c->next_idle;
		if (!p->idle_head)
			p->idle_tail = NULL;
		p->nidle--;
		p->checked_out++;
		p->refs++;
	} else if (!p->wait_head && room(p)) {
		p->open++;
		p->checked_out++;
		p->refs++;
		slot = 1;
	} else if (p->cfg.timeout <= 0) {
		pthread_mutex_unlock(&p->lock);
		return timeout_error(p);
	} else {
		waiter w;
		struct timespec deadline;
		pthread_condattr_t attr;

		memset(&w, 0, sizeof w);
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&w.cond, &attr);
		pthread_condattr_destroy(&attr);
		deadline_in(&deadline, p->cfg.timeout);
		if (p->wait_tail)
			p->wait_tail->next = &w;
		else
			p->wait_head = &w;
		p->wait_tail = &w;
		p->nwaiters++;
		while (!w.conn && !w.slot) {
			if (pthread_cond_timedwait(&w.cond, &p->lock, &deadline) == ETIMEDOUT &&
			    !w.conn && !w.slot) {
				waiter **pp = &p->wait_head, *prev = NULL;
				while (*pp != &w) {
					prev = *pp;
					pp = &(*pp)->next;
				}
				*pp = w.next;
				if (p->wait_tail == &w)
					p->wait_tail = prev;
				p->nwaiters--;
				pthread_mutex_unlock(&p->lock);
				pthread_cond_destroy(&w.cond);
				return timeout_error(p);
			}
		}
		pthread_cond_destroy(&w.cond);
		c = w.conn;
		slot = w.slot;
	}
	generation = p->generation;
	pthread_mutex_unlock(&p->lock);

	if (c && !still_good(p, c, generation)) {
		/* Replace it in the same slot. */
		c->pool = NULL;
		sqlkit__conn_destroy(c);
		c = NULL;
		slot = 1;
	}
	if (slot && (rc = fill_slot(&c, p)) < 0)
		return rc;
	*out = c;
	return 0;
}

void sqlkit__pool_return(sqlkit__pool *p, sqlkit_conn *c)
{
	int keep, last;

	if (p->cfg.cls == SQLKIT_POOL_STATIC) {
		sqlkit_conn *drop = NULL;
		pthread_mutex_lock(&p->lock);
		if (p->shared_refs == 1 && c->in_tx && p->cfg.reset == SQLKIT_RESET_ROLLBACK &&
		    !c->dead) {
			pthread_mutex_unlock(&p->lock);
			if (sqlkit_conn_rollback(c) < 0)
				c->invalidated = 1;
			pthread_mutex_lock(&p->lock);
		}
		if (p->shared_refs == 1)
			sqlkit__conn_detach_user_stmts(c);
		p->shared_refs--;
		p->checked_out--;
		if (p->shared_refs == 0)
			pthread_cond_broadcast(&p->static_cond);
		if (p->shared_refs == 0 && (c->dead || c->invalidated || c->generation != p->generation)) {
			drop = c;
			p->shared = NULL;
			p->open--;
		}
		last = unref(p);
		pthread_mutex_unlock(&p->lock);
		if (drop) {
			drop->pool = NULL;
			sqlkit__conn_destroy(drop);
		}
		if (last)
			release(p);
		return;
	}

	sqlkit__conn_detach_user_stmts(c);
	keep = p->cfg.cls == SQLKIT_POOL_QUEUE && !c->dead && !c->invalidated;
	if (keep && c->in_tx) {
		if (p->cfg.reset == SQLKIT_RESET_ROLLBACK) {
			if (sqlkit_conn_rollback(c) < 0)
				keep = 0;
		}
	}
	pthread_mutex_lock(&p->lock);
	p->checked_out--;
	last = unref(p);
	if (keep && c->generation == p->generation) {
		waiter *w = p->wait_head;
		if (w) {
			p->wait_head = w->next;
			if (!p->wait_head)
				p->wait_tail = NULL;
			p->nwaiters--;
			p->checked_out++;
			p->refs++;
			last = 0;
			w->conn = c;
			pthread_cond_signal(&w->cond);
			c = NULL;
		} else if (p->nidle < p->cfg.size) {
			c->next_idle = NULL;
			if (p->idle_tail)
				p->idle_tail->next_idle = c;
			else
				p->idle_head = c;
			p->idle_tail = c;
			p->nidle++;
			c = NULL;
		}
	}
	if (c) {
		p->open--;
		offer_slot(p);
		if (p->refs > 0)
			last = 0;
	}
	pthread_mutex_unlock(&p->lock);
	if (c) {
		c->pool = NULL;
		sqlkit__conn_destroy(c);
	}
	if (last)
		release(p);
}

void sqlkit__pool_dispose(sqlkit__pool *p)
{
	sqlkit_conn *list, *next, *shared = NULL;

	pthread_mutex_lock(&p->lock);
	p->generation++;
	list = p->idle_head;
	p->idle_head = p->idle_tail = NULL;
	p->open -= p->nidle;
	p->nidle = 0;
	if (p->shared && p->shared_refs == 0) {
		shared = p->shared;
		p->shared = NULL;
		p->open--;
	}
	/* Room may have appeared for waiters. */
	while (p->wait_head && room(p))
		offer_slot(p);
	pthread_mutex_unlock(&p->lock);
	for (; list; list = next) {
		next = list->next_idle;
		list->pool = NULL;
		sqlkit__conn_destroy(list);
	}
	if (shared) {
		shared->pool = NULL;
		sqlkit__conn_destroy(shared);
	}
}

void sqlkit__pool_close(sqlkit__pool *p)
{
	int last;

	sqlkit__pool_dispose(p);
	pthread_mutex_lock(&p->lock);
	last = unref(p);
	pthread_mutex_unlock(&p->lock);
	if (last)
		release(p);
}

void sqlkit__pool_status(sqlkit__pool *p, sqlkit_pool_status *out)
{
	pthread_mutex_lock(&p->lock);
	out->pool_class = p->cfg.cls;
	out->pool_size = p->cfg.size;
	out->max_overflow = p->cfg.max_overflow;
	out->open = p->open;
	out->idle = p->nidle;
	out->checked_out = p->checked_out;
	out->overflow = p->open - p->cfg.size;
	out->waiters = p->nwaiters;
	out->connects = p->connects;
	pthread_mutex_unlock(&p->lock);
}
