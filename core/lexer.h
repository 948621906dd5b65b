/*
 * core/lexer.h - turn ":name" binds in SQL text into a driver's markers.
 */
#ifndef SQLKIT_CORE_LEXER_H
#define SQLKIT_CORE_LEXER_H

#include <stddef.h>

#include "sqlkit/plugin.h"

#define SQLKIT_LEX_BACKSLASH_ESCAPES 0x1u /* '...' strings take \-escapes (MySQL) */

typedef struct sqlkit__lexed {
	char *sql;              /* the rewritten SQL */
	size_t sql_len;
	size_t nnames;          /* distinct names, in order of first appearance */
	char **names;
	size_t nmarkers;        /* markers written: nnames, or one per occurrence for QMARK */
	unsigned *marker_name;  /* for each marker, its index in names */
} sqlkit__lexed;

/* Lex sql. Errors (SQLKIT_EPARAM): a positional marker written by hand ("?",
 * "$1") where it would clash with the driver's own. */
int sqlkit__lex_binds(sqlkit__lexed *out, const char *sql, size_t len,
                      sqlkit_paramstyle style, unsigned flags);
void sqlkit__lexed_free(sqlkit__lexed *lx);

#endif
