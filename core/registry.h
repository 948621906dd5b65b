/*
 * core/registry.h - scheme -> plugin, for the connection layer.
 */
#ifndef SQLKIT_CORE_REGISTRY_H
#define SQLKIT_CORE_REGISTRY_H

#include "sqlkit/plugin.h"
#include "sqlkit/url.h"

/* Find (loading on first use) the plugin a URL's scheme names, and the driver
 * to use. *driver points into the plugin's description. */
int sqlkit__registry_resolve(const sqlkit_plugin **plugin, const char **driver,
                             const char *dialect, const char *url_driver);

/* The host table handed to plugins. */
extern const sqlkit_host sqlkit__host;

/* Route a line to the application's log handler. */
void sqlkit__log(sqlkit_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
