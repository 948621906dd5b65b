/*
 * tests/tds_long_text.h - the long text tests/tds_server.c answers in its
 * NVARCHAR(max) column and tests/test_mssql.c expects: 5000 characters (more
 * than NVARCHAR(4000)), mixing ASCII, two-byte, three-byte and four-byte UTF-8,
 * so a cut or a lost conversion shows. The caller frees it.
 */
#ifndef TDS_LONG_TEXT_H
#define TDS_LONG_TEXT_H

#include <stdlib.h>
#include <string.h>

#define TDS_LONG_TEXT_CHARS 5000

static inline char *tds_long_text(void)
{
	static const char *const pieces[] = { "a", "b", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "z" };
	char *s = malloc(TDS_LONG_TEXT_CHARS * 4 + 1), *p = s;
	int i;

	if (!s)
		return NULL;
	for (i = 0; i < TDS_LONG_TEXT_CHARS; i++) {
		const char *piece = i % 97 == 0 ? pieces[i / 97 % 6] : pieces[i % 2 ? 5 : 0];
		size_t n = strlen(piece);
		memcpy(p, piece, n);
		p += n;
	}
	*p = '\0';
	return s;
}

#endif
