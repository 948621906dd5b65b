/*
 * core/registry.c - plugins: the libltdl search path, lazy and exact loading by
 * URL scheme, ABI checks, diagnostics, listing.
 *
 * Loaded plugins stay loaded until sqlkit_shutdown(). One mutex guards every
 * libltdl call and the list of loaded plugins.
 */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ltdl.h>

#include "sqlkit/registry.h"
#include "conf.h"
#include "registry.h"
#include "util.h"

#include "expr.h"

#ifndef SQLKIT_PLUGINDIR
#define SQLKIT_PLUGINDIR "/usr/local/lib/sqlkit/plugins-1"
#endif

typedef struct loaded {
	struct loaded *next;
	char *name;
	char *path;                  /* file loaded, or "(preloaded)" */
	lt_dlhandle handle;          /* NULL for built-in plugins */
	const sqlkit_plugin *desc;
} loaded;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static int ltdl_ready;
static loaded *plugins;
static sqlkit__conf *conf_cache;

/* ---------------------------------------------------------------- host table */

/* Its own lock: a plugin may log from its entry point, which runs under reg_lock. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlkit_log_fn log_fn;
static void *log_data;

void sqlkit_log_set_handler(sqlkit_log_fn fn, void *userdata)
{
	pthread_mutex_lock(&log_lock);
	log_fn = fn;
	log_data = userdata;
	pthread_mutex_unlock(&log_lock);
}

static void logv(sqlkit_log_level level, const char *fmt, va_list ap)
{
	sqlkit_log_fn fn;
	void *data;
	char line[1024];

	pthread_mutex_lock(&log_lock);
	fn = log_fn;
	data = log_data;
	pthread_mutex_unlock(&log_lock);
	if (!fn)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	fn(level, line, data);
}

void sqlkit__log(sqlkit_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	logv(level, fmt, ap);
	va_end(ap);
}

static int host_error(int code, sqlkit_error_class klass, const char *sqlstate,
                      int native_code, int dead, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sqlkit__error_setv(code < 0 ? code : SQLKIT_ERROR, klass, sqlstate, native_code, dead, fmt, ap);
	va_end(ap);
	return code < 0 ? code : SQLKIT_ERROR;
}

static void host_log(sqlkit_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	logv(level, fmt, ap);
	va_end(ap);
}

const sqlkit_host sqlkit__host = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR,
	.abi_minor = SQLKIT_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(sqlkit_host),
	.malloc = malloc,
	.calloc = calloc,
	.realloc = realloc,
	.free = free,
	.strdup = sqlkit__strdup,
	.error = host_error,
	.log = host_log,
	.datetime_parse = sqlkit_datetime_parse,
	.datetime_format = sqlkit_datetime_format,
	.uuid_parse = sqlkit_uuid_parse,
	.uuid_format = sqlkit_uuid_format,
};

/* ---------------------------------------------------------------- built-in plugins */

typedef struct builtin {
	const char *name;
	sqlkit_plugin_init_fn init;
} builtin;

#ifdef SQLKIT_STATIC_PLUGINS
int sqlite_LTX_sqlkit_plugin_init(unsigned, unsigned, const sqlkit_host *, const sqlkit_plugin **);
#ifdef SQLKIT_STATIC_POSTGRESQL
int postgresql_LTX_sqlkit_plugin_init(unsigned, unsigned, const sqlkit_host *, const sqlkit_plugin **);
#endif
#ifdef SQLKIT_STATIC_MYSQL
int mysql_LTX_sqlkit_plugin_init(unsigned, unsigned, const sqlkit_host *, const sqlkit_plugin **);
#endif
#ifdef SQLKIT_STATIC_MSSQL
int mssql_LTX_sqlkit_plugin_init(unsigned, unsigned, const sqlkit_host *, const sqlkit_plugin **);
#endif
static const builtin builtins[] = {
	{ "sqlite", sqlite_LTX_sqlkit_plugin_init },
#ifdef SQLKIT_STATIC_POSTGRESQL
	{ "postgresql", postgresql_LTX_sqlkit_plugin_init },
#endif
#ifdef SQLKIT_STATIC_MYSQL
	{ "mysql", mysql_LTX_sqlkit_plugin_init },
#endif
#ifdef SQLKIT_STATIC_MSSQL
	{ "mssql", mssql_LTX_sqlkit_plugin_init },
#endif
	{ NULL, NULL }
};
#else
static const builtin builtins[] = { { NULL, NULL } };
#endif

/* ---------------------------------------------------------------- search path */

/* Caller holds reg_lock. */
static int conf_get(const sqlkit__conf **out)
{
	const char *path = sqlkit__conf_default_path();
	sqlkit__conf *c;
	int rc;

	if (conf_cache && conf_cache->path && strcmp(conf_cache->path, path) == 0) {
		*out = conf_cache;
		return 0;
	}
	/* An explicit $SQLKIT_CONF must exist; the installed default may not. */
	if ((rc = sqlkit__conf_load(&c, path, getenv("SQLKIT_CONF") && *getenv("SQLKIT_CONF"))) < 0)
		return rc;
	if (!c->path && !(c->path = sqlkit__strdup(path))) {
		sqlkit__conf_free(c);
		return sqlkit__error_oom();
	}
	sqlkit__conf_free(conf_cache);
	conf_cache = c;
	*out = c;
	return 0;
}

static int search_path(sqlkit_buf *b, const sqlkit__conf *conf)
{
	const char *env = getenv("SQLKIT_PLUGIN_PATH");

	if (env && *env) {
		sqlkit__buf_puts(b, env);
		sqlkit__buf_putc(b, ':');
	}
	if (conf && conf->plugin_path && *conf->plugin_path) {
		sqlkit__buf_puts(b, conf->plugin_path);
		sqlkit__buf_putc(b, ':');
	}
	sqlkit__buf_puts(b, SQLKIT_PLUGINDIR);
	return b->oom ? sqlkit__error_oom() : 0;
}

int sqlkit_plugin_search_path(char **out)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	const sqlkit__conf *conf;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_plugin_search_path: out is NULL");
	*out = NULL;
	pthread_mutex_lock(&reg_lock);
	rc = conf_get(&conf);
	if (rc == 0)
		rc = search_path(&b, conf);
	pthread_mutex_unlock(&reg_lock);
	if (rc < 0) {
		sqlkit__buf_free(&b);
		return rc;
	}
	*out = sqlkit__buf_detach(&b);
	return *out ? 0 : sqlkit__error_oom();
}

/* ---------------------------------------------------------------- loading */

static int ltdl_init(void)
{
	if (ltdl_ready)
		return 0;
	if (lt_dlinit() != 0)
		return sqlkit__error(SQLKIT_EPLUGIN, "could not initialise libltdl: %s", lt_dlerror());
	ltdl_ready = 1;
	return 0;
}

/* The smallest description the core can use: everything up to finalize. */
#define DESC_MIN_SIZE (offsetof(sqlkit_plugin, finalize) + sizeof(void (*)(void)))

/* Run a plugin's entry point and check what it describes. On failure the last
 * error says why; file names the origin in messages. */
static int init_plugin(const sqlkit_plugin **out, sqlkit_plugin_init_fn init,
                       const char *name, const char *file)
{
	const sqlkit_plugin *desc = NULL;
	int rc;

	sqlkit_error_clear();
	rc = init(SQLKIT_PLUGIN_ABI_MAJOR, SQLKIT_PLUGIN_ABI_MINOR, &sqlkit__host, &desc);
	if (rc < 0) {
		const char *why = sqlkit_error_last()->message;
		if (rc == SQLKIT_EABI)
			return sqlkit__error(SQLKIT_EABI, "plugin \"%s\" in \"%s\" refused this sqlkit's "
			                     "plugin ABI %d.%d%s%s", name, file, SQLKIT_PLUGIN_ABI_MAJOR,
			                     SQLKIT_PLUGIN_ABI_MINOR, *why ? ": " : "", why);
		return sqlkit__error(SQLKIT_EPLUGIN, "plugin \"%s\" in \"%s\" failed to initialise "
		                     "(code %d)%s%s", name, file, rc, *why ? ": " : "", why);
	}
	if (!desc)
		return sqlkit__error(SQLKIT_EPLUGIN, "plugin \"%s\" in \"%s\" returned no description",
		                     name, file);
	if (desc->abi_major != SQLKIT_PLUGIN_ABI_MAJOR)
		return sqlkit__error(SQLKIT_EABI, "plugin \"%s\" in \"%s\" was built for plugin ABI %u, "
		                     "this sqlkit speaks plugin ABI %d", name, file, desc->abi_major,
		                     SQLKIT_PLUGIN_ABI_MAJOR);
	if (desc->struct_size < DESC_MIN_SIZE)
		return sqlkit__error(SQLKIT_EABI, "plugin \"%s\" in \"%s\" has a description of %zu bytes, "
		                     "at least %zu are needed", name, file, desc->struct_size,
		                     (size_t)DESC_MIN_SIZE);
	if (!desc->name || !desc->schemes || !desc->drivers || !desc->drivers[0] ||
	    !desc->connect || !desc->close || !desc->prepare || !desc->execute || !desc->step ||
	    !desc->column_count || !desc->column_value || !desc->reset || !desc->finalize ||
	    !desc->begin || !desc->commit || !desc->rollback)
		return sqlkit__error(SQLKIT_EPLUGIN, "plugin \"%s\" in \"%s\" leaves a required field "
		                     "or operation empty", name, file);
	if (desc->paramstyle < SQLKIT_PARAMSTYLE_QMARK || desc->paramstyle > SQLKIT_PARAMSTYLE_AT_P)
		return sqlkit__error(SQLKIT_EPLUGIN, "plugin \"%s\" in \"%s\" declares unknown "
		                     "paramstyle %d", name, file, (int)desc->paramstyle);
	*out = desc;
	return 0;
}

static int remember(const char *name, const char *path, lt_dlhandle h, const sqlkit_plugin *desc,
                    loaded **out)
{
	loaded *l = calloc(1, sizeof *l);

	if (!l || !(l->name = sqlkit__strdup(name)) || !(l->path = sqlkit__strdup(path))) {
		if (l)
			free(l->name);
		free(l);
		return sqlkit__error_oom();
	}
	l->handle = h;
	l->desc = desc;
	l->next = plugins;
	plugins = l;
	*out = l;
	return 0;
}

/* Open one file (path without extension, libltdl adds .la/.so). Caller holds
 * reg_lock. Returns 0, SQLKIT_ENOTFOUND when there is no such file (why gets
 * libltdl's word), or an error naming the file. */
static int load_file(loaded **out, const char *name, const char *path, sqlkit_buf *why)
{
	sqlkit_plugin_init_fn init;
	const sqlkit_plugin *desc = NULL;
	lt_dlhandle h;
	const lt_dlinfo *info;
	const char *file;
	int rc;

	if (!(h = lt_dlopenext(path))) {
		const char *e = lt_dlerror();
		sqlkit__buf_printf(why, "\n  %s{.la,.so}: %s", path, e ? e : "unknown error");
		return (e && strstr(e, "not found")) ? SQLKIT_ENOTFOUND : SQLKIT_EPLUGIN;
	}
	info = lt_dlgetinfo(h);
	file = (info && info->filename) ? info->filename : path;
	*(void **)&init = lt_dlsym(h, SQLKIT_PLUGIN_ENTRY);
	if (!init) {
		const char *e = lt_dlerror();
		sqlkit__buf_printf(why, "\n  %s: not a sqlkit plugin: no entry point \"%s_LTX_%s\" (%s)",
		                   file, name, SQLKIT_PLUGIN_ENTRY, e ? e : "symbol not found");
		rc = sqlkit__error(SQLKIT_EPLUGIN, "\"%s\" is not a sqlkit plugin: no entry point "
		                   "\"%s_LTX_%s\" (%s)", file, name, SQLKIT_PLUGIN_ENTRY,
		                   e ? e : "symbol not found");
		lt_dlclose(h);
		return rc;
	}
	if ((rc = init_plugin(&desc, init, name, file)) < 0) {
		sqlkit__buf_printf(why, "\n  %s", sqlkit_error_last()->message);
		lt_dlclose(h);
		return rc;
	}
	if ((rc = remember(name, file, h, desc, out)) < 0)
		lt_dlclose(h);
	return rc;
}

static int valid_plugin_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Find or load the plugin called name. Caller holds reg_lock. */
static int find_plugin(loaded **out, const char *name, const sqlkit__conf *conf)
{
	sqlkit_buf path = SQLKIT_BUF_INIT, why = SQLKIT_BUF_INIT, file = SQLKIT_BUF_INIT;
	const builtin *bi;
	loaded *l;
	char *dir, *save = NULL;
	int rc, worst = SQLKIT_ENOTFOUND, last_rc = 0;

	for (l = plugins; l; l = l->next)
		if (strcmp(l->name, name) == 0) {
			*out = l;
			return 0;
		}
	for (bi = builtins; bi->name; bi++)
		if (strcmp(bi->name, name) == 0) {
			const sqlkit_plugin *desc = NULL;
			if ((rc = init_plugin(&desc, bi->init, name, "(preloaded)")) < 0)
				return rc;
			return remember(name, "(preloaded)", NULL, desc, out);
		}
	if ((rc = ltdl_init()) < 0)
		return rc;
	if ((rc = search_path(&path, conf)) < 0)
		return rc;
	for (dir = strtok_r(path.ptr, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		file.len = 0;
		sqlkit__buf_printf(&file, "%s/%s", dir, name);
		if (file.oom) {
			rc = sqlkit__error_oom();
			goto done;
		}
		last_rc = load_file(out, name, file.ptr, &why);
		if (last_rc == 0) {
			rc = 0;
			goto done;
		}
		if (last_rc == SQLKIT_ENOMEM) {
			rc = last_rc;
			goto done;
		}
		if (last_rc != SQLKIT_ENOTFOUND && worst == SQLKIT_ENOTFOUND)
			worst = last_rc;
	}
	if (why.oom) {
		rc = sqlkit__error_oom();
		goto done;
	}
	if (worst == SQLKIT_ENOTFOUND)
		rc = sqlkit__error(SQLKIT_ENOTFOUND, "could not load plugin \"%s\": no plugin file "
		                   "found; tried:%s", name, why.ptr ? why.ptr : " (empty search path)");
	else
		rc = sqlkit__error(worst, "could not load plugin \"%s\"; tried:%s", name, why.ptr);
done:
	sqlkit__buf_free(&path);
	sqlkit__buf_free(&why);
	sqlkit__buf_free(&file);
	return rc;
}

/* Split "name[+driver]" after alias lookup, lower-casing the name. */
static int resolve_locked(loaded **out, const char **driver, const char *dialect,
                          const char *url_driver)
{
	const sqlkit__conf *conf;
	const char *target, *plus, *want;
	char name[64], alias_driver[64];
	const char *const *d;
	size_t n, i;
	int rc;

	if ((rc = conf_get(&conf)) < 0)
		return rc;
	alias_driver[0] = '\0';
	target = sqlkit__conf_alias(conf, dialect);
	if (!target)
		target = dialect;
	plus = strchr(target, '+');
	n = plus ? (size_t)(plus - target) : strlen(target);
	if (n == 0 || n >= sizeof name)
		return sqlkit__error(SQLKIT_ENOTFOUND, "no plugin for URL scheme \"%s\"", dialect);
	for (i = 0; i < n; i++)
		name[i] = (target[i] >= 'A' && target[i] <= 'Z') ? target[i] + 32 : target[i];
	name[n] = '\0';
	if (plus)
		snprintf(alias_driver, sizeof alias_driver, "%s", plus + 1);
	if (!valid_plugin_name(name))
		return sqlkit__error(SQLKIT_ENOTFOUND, "no plugin for URL scheme \"%s\": \"%s\" is not "
		                     "a plugin name (lower-case letters, digits, '_')", dialect, name);
	if ((rc = find_plugin(out, name, conf)) < 0)
		return rc;
	want = (url_driver && *url_driver) ? url_driver : (alias_driver[0] ? alias_driver : NULL);
	if (!want) {
		*driver = (*out)->desc->drivers[0];
		return 0;
	}
	for (d = (*out)->desc->drivers; *d; d++)
		if (sqlkit__strcasecmp(*d, want) == 0) {
			*driver = *d;
			return 0;
		}
	{
		sqlkit_buf names = SQLKIT_BUF_INIT;
		for (d = (*out)->desc->drivers; *d; d++) {
			if (names.len)
				sqlkit__buf_puts(&names, ", ");
			sqlkit__buf_puts(&names, *d);
		}
		rc = sqlkit__error(SQLKIT_ENOTFOUND, "plugin \"%s\" has no driver \"%s\" (it has: %s)",
		                   name, want, names.ptr ? names.ptr : "none");
		sqlkit__buf_free(&names);
	}
	return rc;
}

int sqlkit__registry_resolve(const sqlkit_plugin **plugin, const char **driver,
                             const char *dialect, const char *url_driver)
{
	loaded *l = NULL;
	int rc;

	pthread_mutex_lock(&reg_lock);
	rc = resolve_locked(&l, driver, dialect, url_driver);
	pthread_mutex_unlock(&reg_lock);
	if (rc == 0)
		*plugin = l->desc;
	return rc;
}

int sqlkit_plugin_load(const char *scheme)
{
	const sqlkit_plugin *p;
	const char *driver;
	char buf[128];
	char *plus;

	if (!scheme || !*scheme || strlen(scheme) >= sizeof buf)
		return sqlkit__error(SQLKIT_EINVAL, "bad plugin scheme \"%s\"", scheme ? scheme : "(null)");
	strcpy(buf, scheme);
	if ((plus = strchr(buf, '+')))
		*plus++ = '\0';
	return sqlkit__registry_resolve(&p, &driver, buf, plus);
}

/* ---------------------------------------------------------------- listing */

static char *join(const char *const *list)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	for (; list && *list; list++) {
		if (b.len)
			sqlkit__buf_putc(&b, ' ');
		sqlkit__buf_puts(&b, *list);
	}
	return sqlkit__buf_detach(&b);
}

static int info_add(sqlkit_plugin_info **list, size_t *n, const loaded *l, const char *name,
                    const char *path, const char *error)
{
	sqlkit_plugin_info *a = realloc(*list, (*n + 1) * sizeof *a), *i;

	if (!a)
		return sqlkit__error_oom();
	*list = a;
	i = &a[*n];
	memset(i, 0, sizeof *i);
	i->name = sqlkit__strdup(name);
	i->path = sqlkit__strdup(path);
	if (l) {
		i->version = sqlkit__strdup(l->desc->version ? l->desc->version : "");
		i->schemes = join(l->desc->schemes);
		i->drivers = join(l->desc->drivers);
		i->description = sqlkit__strdup(l->desc->description ? l->desc->description : "");
		i->abi_major = l->desc->abi_major;
		i->abi_minor = l->desc->abi_minor;
	} else {
		i->error = sqlkit__strdup(error);
	}
	(*n)++;
	if (!i->name || !i->path || (l && (!i->version || !i->schemes || !i->drivers ||
	                                   !i->description)) || (!l && !i->error))
		return sqlkit__error_oom();
	return 0;
}

static int listed(const sqlkit_plugin_info *list, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return 1;
	return 0;
}

int sqlkit_plugin_list(sqlkit_plugin_info **out, size_t *count)
{
	sqlkit_buf path = SQLKIT_BUF_INIT, file = SQLKIT_BUF_INIT, why = SQLKIT_BUF_INIT;
	sqlkit_plugin_info *list = NULL;
	const sqlkit__conf *conf;
	const builtin *bi;
	size_t n = 0;
	char *dir, *save = NULL;
	int rc;

	if (!out || !count)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_plugin_list: out or count is NULL");
	*out = NULL;
	*count = 0;
	pthread_mutex_lock(&reg_lock);
	if ((rc = conf_get(&conf)) < 0 || (rc = ltdl_init()) < 0 || (rc = search_path(&path, conf)) < 0)
		goto done;
	for (bi = builtins; bi->name; bi++) {
		loaded *l;
		if ((rc = find_plugin(&l, bi->name, conf)) < 0 ||
		    (rc = info_add(&list, &n, l, bi->name, l->path, NULL)) < 0)
			goto done;
	}
	for (dir = strtok_r(path.ptr, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		DIR *d = opendir(dir);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			char name[256];
			size_t len = strlen(e->d_name);
			loaded *l = NULL;

			if (len < 4 || len - 3 >= sizeof name || strcmp(e->d_name + len - 3, ".la") != 0)
				continue;
			memcpy(name, e->d_name, len - 3);
			name[len - 3] = '\0';
			if (!valid_plugin_name(name) || listed(list, n, name))
				continue;
			file.len = 0;
			why.len = 0;
			sqlkit__buf_printf(&file, "%s/%s", dir, name);
			for (l = plugins; l; l = l->next)
				if (strcmp(l->name, name) == 0)
					break;
			if (!l && !file.oom)
				rc = load_file(&l, name, file.ptr, &why);
			if (file.oom || rc == SQLKIT_ENOMEM) {
				closedir(d);
				rc = sqlkit__error_oom();
				goto done;
			}
			rc = info_add(&list, &n, l, name, l ? l->path : e->d_name,
			              l ? NULL : (why.ptr ? why.ptr + 3 : "could not load"));
			if (rc < 0) {
				closedir(d);
				goto done;
			}
		}
		closedir(d);
	}
	rc = 0;
done:
	pthread_mutex_unlock(&reg_lock);
	sqlkit__buf_free(&path);
	sqlkit__buf_free(&file);
	sqlkit__buf_free(&why);
	if (rc < 0) {
		sqlkit_plugin_list_free(list, n);
		return rc;
	}
	*out = list;
	*count = n;
	return 0;
}

void sqlkit_plugin_list_free(sqlkit_plugin_info *list, size_t count)
{
	size_t i;

	for (i = 0; list && i < count; i++) {
		free((char *)list[i].name);
		free((char *)list[i].version);
		free((char *)list[i].path);
		free((char *)list[i].schemes);
		free((char *)list[i].drivers);
		free((char *)list[i].description);
		free((char *)list[i].error);
	}
	free(list);
}

/* ---------------------------------------------------------------- shutdown */

void sqlkit_shutdown(void)
{
	loaded *l, *next;

	pthread_mutex_lock(&reg_lock);
	for (l = plugins; l; l = next) {
		next = l->next;
		if (l->handle)
			lt_dlclose(l->handle);
		free(l->name);
		free(l->path);
		free(l);
	}
	plugins = NULL;
	if (ltdl_ready) {
		lt_dlexit();
		ltdl_ready = 0;
	}
	sqlkit__conf_free(conf_cache);
	conf_cache = NULL;
	pthread_mutex_unlock(&reg_lock);
	sqlkit__compile_cache_clear();
	sqlkit__error_release();
}
