/*
 * core/engine.c - the Engine: URL + plugin + pool + options, and echo.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbapi.h"
#include "pool.h"
#include "registry.h"
#include "url_internal.h"
#include "util.h"

struct sqlkit_engine {
	sqlkit__pool *pool;
	sqlkit_url *url;
	char *shown_url;                /* masked */
	const sqlkit_plugin *plugin;
	const char *driver;
	sqlkit_plugin_url view;         /* URL query plus driver options */
	char **keys, **values;          /* the view's arrays (strings borrowed or owned below) */
	char **owned;                   /* driver option strings we copied */
	size_t nowned;
	sqlkit_engine_options opts;
	char *isolation_level;
	sqlkit__echo echo;
};

/* ---------------------------------------------------------------- options */

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on", NULL };
	static const char *const no[] = { "0", "false", "no", "off", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (sqlkit__strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
	for (i = 0; no[i]; i++)
		if (sqlkit__strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	return -1;
}

static int parse_int(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < -1000000 || n > 1000000)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_double(const char *v, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (!*v || *end || errno || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

int sqlkit_engine_options_set(sqlkit_engine_options *o, const char *name, const char *value)
{
	int bad = 0;

	if (!o || !name || !value)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_engine_options_set: NULL argument");
	if (strcmp(name, "echo") == 0)
		bad = parse_bool(value, &o->echo);
	else if (strcmp(name, "pool_pre_ping") == 0)
		bad = parse_bool(value, &o->pool_pre_ping);
	else if (strcmp(name, "pool_size") == 0)
		bad = parse_int(value, &o->pool_size);
	else if (strcmp(name, "max_overflow") == 0)
		bad = parse_int(value, &o->max_overflow);
	else if (strcmp(name, "pool_timeout") == 0)
		bad = parse_double(value, &o->pool_timeout);
	else if (strcmp(name, "pool_recycle") == 0)
		bad = parse_double(value, &o->pool_recycle);
	else if (strcmp(name, "isolation_level") == 0)
		o->isolation_level = value;
	else if (strcmp(name, "pool_class") == 0) {
		if (sqlkit__strcasecmp(value, "queue") == 0 || sqlkit__strcasecmp(value, "QueuePool") == 0)
			o->pool_class = SQLKIT_POOL_QUEUE;
		else if (sqlkit__strcasecmp(value, "null") == 0 || sqlkit__strcasecmp(value, "NullPool") == 0)
			o->pool_class = SQLKIT_POOL_NULL;
		else if (sqlkit__strcasecmp(value, "static") == 0 ||
		         sqlkit__strcasecmp(value, "StaticPool") == 0)
			o->pool_class = SQLKIT_POOL_STATIC;
		else if (sqlkit__strcasecmp(value, "default") == 0)
			o->pool_class = SQLKIT_POOL_DEFAULT;
		else
			bad = 1;
	} else if (strcmp(name, "reset_on_return") == 0) {
		if (sqlkit__strcasecmp(value, "rollback") == 0)
			o->reset_on_return = SQLKIT_RESET_ROLLBACK;
		else if (sqlkit__strcasecmp(value, "none") == 0)
			o->reset_on_return = SQLKIT_RESET_NONE;
		else
			bad = 1;
	} else {
		return sqlkit__error(SQLKIT_EINVAL, "unknown engine option \"%s\" (known: echo, pool_class, "
		                     "pool_size, max_overflow, pool_timeout, pool_recycle, pool_pre_ping, "
		                     "reset_on_return, isolation_level)", name);
	}
	if (bad)
		return sqlkit__error(SQLKIT_EINVAL, "bad value \"%s\" for engine option \"%s\"", value, name);
	return 0;
}

static int check_options(const sqlkit_engine_options *o)
{
	if (o->version != SQLKIT_ENGINE_OPTIONS_VERSION)
		return sqlkit__error(SQLKIT_EINVAL, "engine options version %u is not %d: initialise "
		                     "them with SQLKIT_ENGINE_OPTIONS_INIT", o->version,
		                     SQLKIT_ENGINE_OPTIONS_VERSION);
	if (o->pool_class < SQLKIT_POOL_DEFAULT || o->pool_class > SQLKIT_POOL_STATIC)
		return sqlkit__error(SQLKIT_EINVAL, "bad engine option pool_class %d", (int)o->pool_class);
	if (o->pool_size < 0 || o->pool_size > 1000000)
		return sqlkit__error(SQLKIT_EINVAL, "bad engine option pool_size %d: must be 0 to 1000000",
		                     o->pool_size);
	if (o->max_overflow < -1 || o->max_overflow > 1000000)
		return sqlkit__error(SQLKIT_EINVAL, "bad engine option max_overflow %d: must be 0 to "
		                     "1000000, or -1 for no limit", o->max_overflow);
	if (!(o->pool_timeout >= 0) || !isfinite(o->pool_timeout))
		return sqlkit__error(SQLKIT_EINVAL, "bad engine option pool_timeout %g: must be >= 0 seconds",
		                     o->pool_timeout);
	if (isnan(o->pool_recycle))
		return sqlkit__error(SQLKIT_EINVAL, "bad engine option pool_recycle: not a number");
	if (o->reset_on_return != SQLKIT_RESET_ROLLBACK && o->reset_on_return != SQLKIT_RESET_NONE)
		return sqlkit__error(SQLKIT_EINVAL, "bad engine option reset_on_return %d",
		                     (int)o->reset_on_return);
	return 0;
}

/* ---------------------------------------------------------------- echo */

static void put_value(sqlkit_buf *b, const sqlkit_value *v)
{
	char tmp[64];
	size_t i, n;

	switch (v->type) {
	case SQLKIT_TYPE_NULL: sqlkit__buf_puts(b, "None"); break;
	case SQLKIT_TYPE_INT: sqlkit__buf_printf(b, "%lld", (long long)v->u.i); break;
	case SQLKIT_TYPE_FLOAT: sqlkit__buf_printf(b, "%.17g", v->u.f); break;
	case SQLKIT_TYPE_BOOL: sqlkit__buf_puts(b, v->u.b ? "True" : "False"); break;
	case SQLKIT_TYPE_BLOB: sqlkit__buf_printf(b, "<%zu bytes>", v->u.s.len); break;
	case SQLKIT_TYPE_UUID: sqlkit_uuid_format(tmp, v->u.uuid); sqlkit__buf_printf(b, "'%s'", tmp); break;
	case SQLKIT_TYPE_DATE: case SQLKIT_TYPE_TIME: case SQLKIT_TYPE_DATETIME:
		if (sqlkit_datetime_format(tmp, sizeof tmp, v) > 0)
			sqlkit__buf_printf(b, "'%s'", tmp);
		break;
	default:
		n = v->u.s.len > 100 ? 100 : v->u.s.len;
		sqlkit__buf_putc(b, '\'');
		for (i = 0; i < n; i++) {
			char c = v->u.s.ptr[i];
			if (c == '\'' || c == '\\')
				sqlkit__buf_putc(b, '\\');
			if ((unsigned char)c < 0x20)
				sqlkit__buf_printf(b, "\\x%02x", (unsigned char)c);
			else
				sqlkit__buf_putc(b, c);
		}
		sqlkit__buf_puts(b, v->u.s.len > n ? "...'" : "'");
		break;
	}
}

/* The default echo: one line on stderr, as the user asked for echo. */
static void echo_stderr(const sqlkit_echo_event *ev, void *userdata)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	size_t i;

	(void)userdata;
	sqlkit__buf_printf(&b, "sqlkit: [conn %llu] %s", (unsigned long long)ev->connection, ev->sql);
	if (ev->nparams) {
		sqlkit__buf_puts(&b, " [");
		for (i = 0; i < ev->nparams; i++) {
			sqlkit__buf_printf(&b, "%s%s=", i ? ", " : "", ev->params[i].name ? ev->params[i].name : "?");
			put_value(&b, &ev->params[i].value);
		}
		sqlkit__buf_putc(&b, ']');
	}
	if (ev->nsets > 1)
		sqlkit__buf_printf(&b, " x %zu sets", ev->nsets);
	sqlkit__buf_printf(&b, " (%.3f ms)", ev->elapsed * 1e3);
	if (ev->rc < 0)
		sqlkit__buf_printf(&b, " failed: %s", sqlkit_error_last()->message);
	if (!b.oom)
		fprintf(stderr, "%s\n", b.ptr);
	sqlkit__buf_free(&b);
}

/* ---------------------------------------------------------------- engine */

static void engine_destroy(sqlkit_engine *e)
{
	size_t i;

	if (!e)
		return;
	sqlkit__pool_free(e->pool);
	for (i = 0; i < e->nowned; i++)
		free(e->owned[i]);
	free(e->owned);
	free(e->keys);
	free(e->values);
	free(e->isolation_level);
	free(e->shown_url);
	sqlkit_url_free(e->url);
	free(e);
}

static void engine_release(void *ctx)
{
	engine_destroy(ctx);
}

static int engine_connect(sqlkit_conn **out, void *ctx)
{
	sqlkit_engine *e = ctx;
	int rc;

	if ((rc = sqlkit__conn_connect(out, e->plugin, e->driver, &e->view, e->shown_url)) < 0)
		return rc;
	if (e->isolation_level &&
	    (rc = e->plugin->set_isolation_level((*out)->pconn, e->isolation_level)) < 0) {
		sqlkit__error_prefix("could not set isolation level \"%s\" on \"%s\"",
		                     e->isolation_level, e->shown_url);
		sqlkit__conn_destroy(*out);
		*out = NULL;
		return rc;
	}
	if (e->opts.echo)
		(*out)->echo = &e->echo;
	sqlkit__log(SQLKIT_LOG_DEBUG, "pool: new connection %llu to %s",
	            (unsigned long long)(*out)->serial, e->shown_url);
	return 0;
}

/* The view the plugin sees: the URL's components, its query, then driver options. */
static int build_view(sqlkit_engine *e)
{
	const char *const *d = e->opts.driver_options;
	size_t nq = sqlkit_url_query_count(e->url), nd = 0, i, j;

	sqlkit__url_view(e->url, &e->view);
	while (d && d[nd * 2])
		nd++;
	if (d)
		for (i = 0; i < nd; i++)
			if (!d[i * 2 + 1])
				return sqlkit__error(SQLKIT_EINVAL, "driver option \"%s\" has no value", d[i * 2]);
	if (!(e->keys = calloc(nq + nd + 1, sizeof *e->keys)) ||
	    !(e->values = calloc(nq + nd + 1, sizeof *e->values)) ||
	    !(e->owned = calloc(nd * 2 + 1, sizeof *e->owned)))
		return sqlkit__error_oom();
	for (i = 0; i < nq; i++)
		sqlkit_url_query_at(e->url, i, (const char **)&e->keys[i], (const char **)&e->values[i]);
	for (i = 0; i < nd; i++) {
		for (j = 0; j < nq; j++)
			if (strcmp(e->keys[j], d[i * 2]) == 0)
				return sqlkit__error(SQLKIT_EINVAL, "driver option \"%s\" is also given in the "
				                     "URL's query", d[i * 2]);
		if (!(e->owned[e->nowned++] = sqlkit__strdup(d[i * 2])) ||
		    !(e->owned[e->nowned++] = sqlkit__strdup(d[i * 2 + 1])))
			return sqlkit__error_oom();
		e->keys[nq + i] = e->owned[e->nowned - 2];
		e->values[nq + i] = e->owned[e->nowned - 1];
	}
	e->view.nquery = nq + nd;
	e->view.query_keys = (const char *const *)e->keys;
	e->view.query_values = (const char *const *)e->values;
	e->opts.driver_options = NULL;  /* not kept: the copies above are */
	return 0;
}

int sqlkit_engine_create(sqlkit_engine **out, const char *url, const sqlkit_engine_options *opts)
{
	static const sqlkit_engine_options defaults = SQLKIT_ENGINE_OPTIONS_INIT;
	sqlkit__pool_config cfg;
	sqlkit_engine *e;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_engine_create: out is NULL");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((rc = check_options(opts)) < 0)
		return rc;
	if (!(e = calloc(1, sizeof *e)))
		return sqlkit__error_oom();
	e->opts = *opts;
	if ((rc = sqlkit_url_parse(&e->url, url)) < 0)
		goto fail;
	if ((rc = sqlkit_url_format(&e->shown_url, e->url, SQLKIT_URL_MASK_PASSWORD)) < 0)
		goto fail;
	if ((rc = sqlkit__registry_resolve(&e->plugin, &e->driver, sqlkit_url_dialect(e->url),
	                                   sqlkit_url_driver(e->url))) < 0)
		goto fail;
	if ((rc = build_view(e)) < 0)
		goto fail;
	if (opts->isolation_level) {
		if (!SQLKIT_PLUGIN_HAS(e->plugin, set_isolation_level)) {
			rc = sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
			                       "plugin \"%s\" cannot set an isolation level",
			                       e->plugin->name);
			goto fail;
		}
		if (!(e->isolation_level = sqlkit__strdup(opts->isolation_level))) {
			rc = sqlkit__error_oom();
			goto fail;
		}
	}
	e->opts.isolation_level = e->isolation_level;
	e->echo.fn = opts->echo_hook ? opts->echo_hook : echo_stderr;
	e->echo.userdata = opts->echo_hook ? opts->echo_userdata : NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.cls = opts->pool_class;
	if (cfg.cls == SQLKIT_POOL_DEFAULT)
		cfg.cls = (SQLKIT_PLUGIN_HAS(e->plugin, single_connection) &&
		           e->plugin->single_connection(&e->view)) ? SQLKIT_POOL_STATIC : SQLKIT_POOL_QUEUE;
	if (cfg.cls == SQLKIT_POOL_QUEUE && opts->pool_size == 0 && opts->max_overflow == 0) {
		rc = sqlkit__error(SQLKIT_EINVAL, "bad engine options: pool_size 0 and max_overflow 0 "
		                   "allow no connection at all");
		goto fail;
	}
	cfg.size = opts->pool_size;
	cfg.max_overflow = opts->max_overflow;
	cfg.timeout = opts->pool_timeout;
	cfg.recycle = opts->pool_recycle;
	cfg.pre_ping = opts->pool_pre_ping;
	cfg.reset = opts->reset_on_return;
	cfg.connect = engine_connect;
	cfg.release = engine_release;
	cfg.ctx = e;
	if ((rc = sqlkit__pool_create(&e->pool, &cfg)) < 0)
		goto fail;
	if (opts->echo && !opts->echo_hook)
		fprintf(stderr, "sqlkit: engine %s (%s pool)\n", e->shown_url,
		        cfg.cls == SQLKIT_POOL_STATIC ? "static" : cfg.cls == SQLKIT_POOL_NULL ? "null" : "queue");
	*out = e;
	return 0;
fail:
	engine_destroy(e);
	return rc;
}

void sqlkit_engine_free(sqlkit_engine *e)
{
	if (e)
		sqlkit__pool_close(e->pool);   /* frees e once every connection is back */
}

int sqlkit_engine_connect(sqlkit_conn **out, sqlkit_engine *e)
{
	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_engine_connect: out is NULL");
	*out = NULL;
	if (!e)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_engine_connect: engine is NULL");
	return sqlkit__pool_checkout(out, e->pool);
}

int sqlkit_engine_begin(sqlkit_conn **out, sqlkit_engine *e)
{
	int rc;

	if ((rc = sqlkit_engine_connect(out, e)) < 0)
		return rc;
	if ((rc = sqlkit_conn_begin(*out)) < 0) {
		sqlkit_conn_close(*out);
		*out = NULL;
	}
	return rc;
}

int sqlkit_engine_transaction(sqlkit_engine *e, int (*fn)(sqlkit_conn *, void *), void *userdata)
{
	sqlkit_conn *c;
	int rc;

	if (!fn)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_engine_transaction: fn is NULL");
	if ((rc = sqlkit_engine_begin(&c, e)) < 0)
		return rc;
	if ((rc = fn(c, userdata)) == 0)
		rc = sqlkit_conn_commit(c);
	if (rc != 0 && sqlkit_conn_in_transaction(c)) {
		/* fn or the commit failed: roll back here, not in the pool (reset on
		 * return may be off, or the connection shared), keeping the error. */
		sqlkit__saved_error saved;
		sqlkit__error_save(&saved);
		(void)sqlkit_conn_rollback(c);
		sqlkit__error_restore(&saved);
	}
	sqlkit_conn_close(c);
	return rc;
}

int sqlkit_engine_execute(sqlkit_result **out, sqlkit_engine *e, const char *sql,
                          const sqlkit_param *params, size_t nparams)
{
	sqlkit_conn *c;
	int rc;

	if (out)
		*out = NULL;
	if ((rc = sqlkit_engine_connect(&c, e)) < 0)
		return rc;
	rc = sqlkit_conn_execute(out, c, sql, params, nparams);
	if (rc == 0 && out)
		(*out)->release_conn = c;
	else
		sqlkit_conn_close(c);
	return rc;
}

void sqlkit_engine_dispose(sqlkit_engine *e)
{
	if (e)
		sqlkit__pool_dispose(e->pool);
}

void sqlkit_engine_pool_status(const sqlkit_engine *e, sqlkit_pool_status *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof *out);
	if (e)
		sqlkit__pool_status(e->pool, out);
}

const char *sqlkit_engine_url(const sqlkit_engine *e)
{
	return e ? e->shown_url : NULL;
}

const char *sqlkit_engine_dialect(const sqlkit_engine *e)
{
	return e ? e->plugin->name : NULL;
}

const char *sqlkit_engine_driver(const sqlkit_engine *e)
{
	return e ? e->driver : NULL;
}
