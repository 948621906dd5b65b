/*
 * sqlkit/registry.h - which plugins exist and where sqlkit looks for them.
 *
 * A URL's scheme (after aliases from the configuration file) names a plugin
 * file; only that plugin is opened. The search path is, in order:
 * SQLKIT_PLUGIN_PATH (colon-separated), the configuration file's plugin_path,
 * then the installed plugin directory. The configuration file is
 * $SQLKIT_CONF when set, otherwise <sysconfdir>/sqlkit/sqlkit.conf.
 *
 * Thread safety: every function here may be called from any thread at once;
 * one mutex guards all libltdl calls.
 */
#ifndef SQLKIT_REGISTRY_H
#define SQLKIT_REGISTRY_H

#include "sqlkit/common.h"

SQLKIT_BEGIN_DECLS

/** What a listing says of one plugin. */
typedef struct sqlkit_plugin_info {
	const char *name;          /**< "sqlite" */
	const char *version;
	const char *path;          /**< the file it was loaded from, or "(preloaded)" */
	const char *schemes;       /**< space-separated */
	const char *drivers;       /**< space-separated, default first */
	const char *description;
	unsigned abi_major, abi_minor;
	const char *error;         /**< NULL when it loaded, else why it did not */
} sqlkit_plugin_info;

/** List every plugin file on the search path (and every preloaded plugin),
 *  loading each to read its description. A file that fails to load is listed
 *  with its error rather than failing the call.
 *  @param[out] out  an array of *count entries; free with sqlkit_plugin_list_free()
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_plugin_list(sqlkit_plugin_info **out, size_t *count);
SQLKIT_EXTERN void sqlkit_plugin_list_free(sqlkit_plugin_info *list, size_t count);

/** Make sure the plugin for a URL scheme (alias or "dialect", with or
 *  without "+driver") is loaded; for checking an installation.
 *  @return 0, SQLKIT_ENOTFOUND, SQLKIT_EPLUGIN or SQLKIT_EABI with a message naming
 *          every file tried and why it failed. @since 0.1 */
SQLKIT_EXTERN int sqlkit_plugin_load(const char *scheme);

/** The search path in effect, directories separated by ':'. Free with sqlkit_free().
 *  @since 0.1 */
SQLKIT_EXTERN int sqlkit_plugin_search_path(char **out);

SQLKIT_END_DECLS

#endif
