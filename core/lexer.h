/*
 * core/lexer.h - turn ":name" binds in SQL text into a driver's markers.
 */
#ifndef SQLKIT_CORE_LEXER_H
#define SQLKIT_CORE_LEXER_H

#include <stddef.h>

#include "sqlkit/plugin.h"

#define SQLKIT_LEX_BACKSLASH_ESCAPES 0x1u /* '...' and "..." take \-escapes (MySQL) */
#define SQLKIT_LEX_BRACKETS          0x2u /* [quoted identifiers], ']' doubled (MS SQL) */
#define SQLKIT_LEX_HASH_COMMENTS     0x4u /* '#' starts a comment to the end of the line (MySQL) */

/* The lexical conventions of a dialect (NULL: none beyond standard SQL) and of a
 * plugin's feature bits. */
unsigned sqlkit__lex_flags(const sqlkit_dialect *d, uint64_t features);

/* What the scanner reports. */
typedef enum sqlkit__scan_kind {
	SQLKIT_SCAN_BIND = 1,      /* ":name": at is the colon, len the name's length */
	SQLKIT_SCAN_ESCAPED_COLON, /* "\:" written for a literal colon: at is the backslash */
	SQLKIT_SCAN_QMARK,         /* a "?" outside quotes and comments */
	SQLKIT_SCAN_DOLLAR_NUMBER  /* "$1": len is the whole marker's length */
} sqlkit__scan_kind;

typedef int (*sqlkit__scan_fn)(void *ud, sqlkit__scan_kind kind, size_t at, size_t len);

/* Walk sql once, skipping string literals, quoted identifiers, comments and
 * dollar quoting, and call fn for each token above in order. A non-zero return
 * from fn stops the scan and is returned. The compiler (text() fragments) and
 * the connection (markers) both use this, so they never disagree on what is a
 * bind. */
int sqlkit__scan_sql(const char *sql, size_t len, unsigned flags, sqlkit__scan_fn fn, void *ud);

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
