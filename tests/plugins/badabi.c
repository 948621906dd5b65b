/* A plugin built for another ABI major: the registry must refuse it. */
#include <stddef.h>
#include "sqlkit/plugin.h"

static const char *const schemes[] = { "badabi", NULL };
static const char *const drivers[] = { "bad", NULL };

static const sqlkit_plugin desc = {
	.abi_major = SQLKIT_PLUGIN_ABI_MAJOR + 41,
	.abi_minor = 0,
	.struct_size = sizeof(sqlkit_plugin),
	.name = "badabi",
	.version = "0.0.1",
	.schemes = schemes,
	.drivers = drivers,
};

SQLKIT_PLUGIN_EXPORT int badabi_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                                       const sqlkit_host *host,
                                                       const sqlkit_plugin **out);
int badabi_LTX_sqlkit_plugin_init(unsigned abi_major, unsigned abi_minor,
                                  const sqlkit_host *host, const sqlkit_plugin **out)
{
	(void)abi_major; (void)abi_minor; (void)host;
	*out = &desc;
	return 0;
}
