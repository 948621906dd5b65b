/*
 * core/url_internal.h - what the core needs of a parsed URL beyond the public
 * getters. Not installed, not API.
 */
#ifndef SQLKIT_CORE_URL_INTERNAL_H
#define SQLKIT_CORE_URL_INTERNAL_H

#include "sqlkit/plugin.h"
#include "sqlkit/url.h"

/* Fill *out with the URL's components as a plugin sees them. Every pointer
 * is owned by url and stays valid until sqlkit_url_free(url). */
void sqlkit__url_view(const sqlkit_url *url, sqlkit_plugin_url *out);

#endif
