/* A module that is not a sqlkit plugin: it has no entry point. */
#include "sqlkit/plugin.h"

SQLKIT_PLUGIN_EXPORT int noentry_LTX_something_else(void);
int noentry_LTX_something_else(void)
{
	return 42;
}
