/*
 * core/conf.h - the configuration file: plugin_path and scheme aliases.
 */
#ifndef SQLKIT_CORE_CONF_H
#define SQLKIT_CORE_CONF_H

#include <stddef.h>

typedef struct sqlkit__conf {
	char *path;           /* the file read, or NULL when none was found */
	char *plugin_path;    /* colon-separated, or NULL */
	size_t nalias;
	char **alias_from;    /* lower-case scheme */
	char **alias_to;      /* "plugin" or "plugin+driver" */
} sqlkit__conf;

/* The path sqlkit reads: $SQLKIT_CONF, else the installed default. */
const char *sqlkit__conf_default_path(void);
/* Read and parse a file. A missing file is an empty configuration unless
 * must_exist is set; a malformed one is SQLKIT_ECONF naming file and line. */
int sqlkit__conf_load(sqlkit__conf **out, const char *path, int must_exist);
/* Parse text; origin names it in messages. */
int sqlkit__conf_parse(sqlkit__conf **out, const char *text, const char *origin);
void sqlkit__conf_free(sqlkit__conf *conf);
/* The target of an alias (case-insensitive), or NULL. */
const char *sqlkit__conf_alias(const sqlkit__conf *conf, const char *scheme);

#endif
