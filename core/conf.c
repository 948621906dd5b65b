/*
 * core/conf.c - the configuration file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

#ifndef SQLKIT_CONFDIR
#define SQLKIT_CONFDIR "/etc/sqlkit"
#endif

const char *sqlkit__conf_default_path(void)
{
	const char *env = getenv("SQLKIT_CONF");
	return (env && *env) ? env : SQLKIT_CONFDIR "/sqlkit.conf";
}

void sqlkit__conf_free(sqlkit__conf *conf)
{
	size_t i;

	if (!conf)
		return;
	for (i = 0; i < conf->nalias; i++) {
		free(conf->alias_from[i]);
		free(conf->alias_to[i]);
	}
	free(conf->alias_from);
	free(conf->alias_to);
	free(conf->plugin_path);
	free(conf->path);
	free(conf);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int is_name(const char *s, int allow_plus)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || (allow_plus && c == '+')))
			return 0;
	}
	return 1;
}

static int add_alias(sqlkit__conf *conf, const char *from, const char *to)
{
	char **f = realloc(conf->alias_from, (conf->nalias + 1) * sizeof *f);
	char **t;
	char *p;

	if (!f)
		return sqlkit__error_oom();
	conf->alias_from = f;
	t = realloc(conf->alias_to, (conf->nalias + 1) * sizeof *t);
	if (!t)
		return sqlkit__error_oom();
	conf->alias_to = t;
	f[conf->nalias] = sqlkit__strdup(from);
	t[conf->nalias] = sqlkit__strdup(to);
	if (!f[conf->nalias] || !t[conf->nalias]) {
		free(f[conf->nalias]);
		free(t[conf->nalias]);
		return sqlkit__error_oom();
	}
	for (p = f[conf->nalias]; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	conf->nalias++;
	return 0;
}

int sqlkit__conf_parse(sqlkit__conf **out, const char *text, const char *origin)
{
	sqlkit__conf *conf;
	char *copy, *line, *next;
	int lineno = 0, rc = 0;

	*out = NULL;
	if (!(conf = calloc(1, sizeof *conf)) || !(copy = sqlkit__strdup(text))) {
		free(conf);
		return sqlkit__error_oom();
	}
	for (line = copy; line; line = next) {
		char *eq, *key, *val;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line = trim(line);
		if (!*line || *line == '#')
			continue;
		if (!(eq = strchr(line, '='))) {
			rc = sqlkit__error(SQLKIT_ECONF, "%s:%d: expected \"key = value\", got \"%s\"",
			                   origin, lineno, line);
			goto done;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		if (strcmp(key, "plugin_path") == 0) {
			free(conf->plugin_path);
			if (!(conf->plugin_path = sqlkit__strdup(val))) {
				rc = sqlkit__error_oom();
				goto done;
			}
		} else if (strncmp(key, "alias", 5) == 0 && (key[5] == ' ' || key[5] == '\t')) {
			char *name = trim(key + 5);
			if (!is_name(name, 0) || !is_name(val, 1)) {
				rc = sqlkit__error(SQLKIT_ECONF, "%s:%d: bad alias \"%s = %s\": "
				                   "expected \"alias NAME = PLUGIN[+DRIVER]\"",
				                   origin, lineno, name, val);
				goto done;
			}
			if ((rc = add_alias(conf, name, val)) < 0)
				goto done;
		} else {
			rc = sqlkit__error(SQLKIT_ECONF, "%s:%d: unknown setting \"%s\" "
			                   "(known: plugin_path, alias NAME)", origin, lineno, key);
			goto done;
		}
	}
done:
	free(copy);
	if (rc < 0)
		sqlkit__conf_free(conf);
	else
		*out = conf;
	return rc;
}

int sqlkit__conf_load(sqlkit__conf **out, const char *path, int must_exist)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;
	int rc;

	*out = NULL;
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT && !must_exist) {
			if (!(*out = calloc(1, sizeof **out)))
				return sqlkit__error_oom();
			return 0;
		}
		return sqlkit__error(SQLKIT_ECONF, "could not read configuration file \"%s\": %s",
		                     path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sqlkit__buf_put(&b, chunk, n);
	fclose(f);
	if (b.oom) {
		sqlkit__buf_free(&b);
		return sqlkit__error_oom();
	}
	rc = sqlkit__conf_parse(out, b.ptr ? b.ptr : "", path);
	sqlkit__buf_free(&b);
	if (rc == 0 && !((*out)->path = sqlkit__strdup(path))) {
		sqlkit__conf_free(*out);
		*out = NULL;
		return sqlkit__error_oom();
	}
	return rc;
}

const char *sqlkit__conf_alias(const sqlkit__conf *conf, const char *scheme)
{
	size_t i;

	for (i = 0; conf && i < conf->nalias; i++)
		if (sqlkit__strcasecmp(conf->alias_from[i], scheme) == 0)
			return conf->alias_to[i];
	return NULL;
}
