/* A plugin whose entry point fails and says why. */
#include <stddef.h>
#include "sqlkit/plugin.h"

SQLKIT_PLUGIN_EXPORT int initfail_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                                         const sqlkit_host *host,
                                                         const sqlkit_plugin **out);
int initfail_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                    const sqlkit_host *host, const sqlkit_plugin **out)
{
	(void)abi_major; (void)abi_minor;
	*out = NULL;
	return host->error(SQLKIT_EPLUGIN, SQLKIT_ERRCLASS_INTERFACE, NULL, 0, 0,
	                   "client library \"libinitfail.so.3\" is too old (need %d.%d)", 3, 1);
}
