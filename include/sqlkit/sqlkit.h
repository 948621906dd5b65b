/*
 * sqlkit/sqlkit.h - everything public. A program includes only this.
 */
#ifndef SQLKIT_H
#define SQLKIT_H

#include "sqlkit/common.h"
#include "sqlkit/errors.h"
#include "sqlkit/value.h"
#include "sqlkit/url.h"
#include "sqlkit/registry.h"
#include "sqlkit/connection.h"
#include "sqlkit/engine.h"
#include "sqlkit/schema.h"
#include "sqlkit/sql.h"

#endif
