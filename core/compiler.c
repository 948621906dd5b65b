/*
 * core/compiler.c - the one SQL compiler: an expression tree to SQL text with
 * ":name" binds and the list of where each bind's value comes from.
 *
 * The text follows SQLAlchemy 2.0's SQLCompiler (sqlalchemy/sql/compiler.py)
 * clause by clause: " \nFROM ", " \nWHERE ", " GROUP BY ", " \nHAVING ",
 * " ORDER BY ", anonymous labels (count_1, anon_1) and bind names (name_1,
 * param_1, id_1_1 for IN lists), parentheses by operator precedence. What
 * differs between databases comes only from the sqlkit_dialect data: quoting,
 * LIMIT style, concatenation, flags. A construct a dialect cannot express is a
 * compile error (SQLKIT_ENOTSUPPORTED) naming the construct and the dialect.
 *
 * Compiled statements are cached by shape: a walk of the tree hashes its
 * structure (never its values) and lists its value nodes in a fixed order; a
 * statement of the same shape reuses the compiled text and bind template and
 * only picks up its own values (no string is built on a hit).
 */
#include <pthread.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "dbapi.h"
#include "expr.h"
#include "lexer.h"
#include "schema_internal.h"
#include "util.h"

/* ================================================================ shape walk */

typedef struct pset {
	size_t cap, n;                /* power of two */
	const void **keys;
	size_t *vals;
} pset;

static size_t ptr_hash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static int pset_grow(pset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64, i;
	const void **keys = sqlkit__zalloc(cap, sizeof *keys);
	size_t *vals = sqlkit__zalloc(cap, sizeof *vals);

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (i = 0; i < s->cap; i++)
		if (s->keys[i]) {
			size_t h = ptr_hash(s->keys[i]) & (cap - 1);
			while (keys[h])
				h = (h + 1) & (cap - 1);
			keys[h] = s->keys[i];
			vals[h] = s->vals[i];
		}
	free(s->keys);
	free(s->vals);
	s->keys = keys;
	s->vals = vals;
	s->cap = cap;
	return 0;
}

/* Find p: 1 and *val, or 0. */
static int pset_get(const pset *s, const void *p, size_t *val)
{
	size_t h;

	if (!s->cap)
		return 0;
	for (h = ptr_hash(p) & (s->cap - 1); s->keys[h]; h = (h + 1) & (s->cap - 1))
		if (s->keys[h] == p) {
			*val = s->vals[h];
			return 1;
		}
	return 0;
}

static int pset_put(pset *s, const void *p, size_t val)
{
	size_t h;

	if ((s->n + 1) * 2 > s->cap && pset_grow(s) < 0)
		return -1;
	for (h = ptr_hash(p) & (s->cap - 1); s->keys[h]; h = (h + 1) & (s->cap - 1))
		;
	s->keys[h] = p;
	s->vals[h] = val;
	s->n++;
	return 0;
}

static void pset_free(pset *s)
{
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof *s);
}

/* The walk's product: a 128-bit shape hash, the distinct value nodes in walk
 * order, and the bindparam names the user chose. Small trees need no heap:
 * the lists start in the struct, and value nodes are found by a linear scan
 * until there are more than SHAPE_INLINE of them. */
#define SHAPE_INLINE 16
#define SHAPE_TABLES 8

typedef struct hash128 {
	uint64_t h1, h2;
} hash128;

typedef struct shape {
	uint64_t h1, h2;
	const sqlkit_expr **vals;     /* vals_in until it outgrows it */
	size_t nvals, capvals;
	pset index;                   /* value node -> index in vals, past SHAPE_INLINE */
	const char **params;          /* bindparam names; params_in until it outgrows it */
	size_t nparams, capparams;
	size_t ntabs;                 /* tables digested by this walk, and their digests */
	const sqlkit_table *tabs[SHAPE_TABLES];
	hash128 tabh[SHAPE_TABLES];
	int oom;
	const sqlkit_expr *vals_in[SHAPE_INLINE];
	const char *params_in[SHAPE_INLINE];
} shape;

/* One 64-bit word into both hashes (two unrelated multiply-xorshift chains). */
static inline void hmix(hash128 *h, uint64_t v)
{
	h->h1 = (h->h1 ^ v) * 0xff51afd7ed558ccdULL;
	h->h1 ^= h->h1 >> 33;
	h->h2 = (h->h2 + v + 1) * 0x9E3779B97F4A7C15ULL;
	h->h2 ^= h->h2 >> 29;
}

/* A string, length first, eight bytes at a time. */
static void hmix_str(hash128 *h, const char *str)
{
	size_t n, i;

	if (!str) {
		hmix(h, (uint64_t)-1);
		return;
	}
	n = strlen(str);
	hmix(h, (uint64_t)n);
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, str + i, 8);
		hmix(h, w);
	}
	if (i < n) {
		uint64_t w = 0;
		memcpy(&w, str + i, n - i);
		hmix(h, w);
	}
}

static inline uint64_t pack2(uint64_t a, uint64_t b)
{
	return (a << 32) ^ (b & 0xffffffffULL);
}

static void hmix_type(hash128 *h, const sqlkit_sqltype *t)
{
	const char *const *v;

	hmix(h, pack2((uint64_t)t->kind, (uint64_t)t->timezone));
	hmix(h, (uint64_t)(int64_t)t->length);
	hmix(h, pack2((uint64_t)(int64_t)t->precision, (uint64_t)(int64_t)t->scale));
	if (!t->enum_name && !t->enum_values)
		return;
	hmix_str(h, t->enum_name);
	for (v = t->enum_values; v && *v; v++)
		hmix_str(h, *v);
	hmix(h, (uint64_t)-2);
}

static void mix(shape *s, const void *data, size_t len)
{
	hash128 h = { s->h1, s->h2 };
	const unsigned char *p = data;
	size_t i;

	hmix(&h, (uint64_t)len);
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		hmix(&h, w);
	}
	if (i < len) {
		uint64_t w = 0;
		memcpy(&w, p + i, len - i);
		hmix(&h, w);
	}
	s->h1 = h.h1;
	s->h2 = h.h2;
}

static inline void mix_int(shape *s, int64_t v)
{
	hash128 h = { s->h1, s->h2 };
	hmix(&h, (uint64_t)v);
	s->h1 = h.h1;
	s->h2 = h.h2;
}

static void mix_str(shape *s, const char *str)
{
	hash128 h = { s->h1, s->h2 };
	hmix_str(&h, str);
	s->h1 = h.h1;
	s->h2 = h.h2;
}

static void mix_type(shape *s, const sqlkit_sqltype *t)
{
	hash128 h = { s->h1, s->h2 };
	hmix_type(&h, t);
	s->h1 = h.h1;
	s->h2 = h.h2;
}

/* A table as the SQL may see it: name, columns, keys and defaults. Digested
 * once per walk (a statement names the same table in many column nodes). */
static void mix_table(shape *s, const sqlkit_table *t)
{
	hash128 h = { 0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL };
	size_t i;

	for (i = 0; i < s->ntabs; i++)
		if (s->tabs[i] == t) {
			h = s->tabh[i];
			goto put;
		}
	hmix_str(&h, t->name);
	hmix(&h, (uint64_t)t->ncolumns);
	for (i = 0; i < t->ncolumns; i++) {
		const sqlkit_column *c = t->columns[i];
		hmix_str(&h, c->name);
		hmix(&h, pack2((uint64_t)c->flags,
		               (uint64_t)((c->has_default != 0) | (c->default_fn != NULL) << 1 |
		                          (sqlkit__column_is_autoincrement(c) != 0) << 2)));
		hmix_type(&h, &c->type);
	}
	if (s->ntabs < SHAPE_TABLES) {
		s->tabs[s->ntabs] = t;
		s->tabh[s->ntabs++] = h;
	}
put:
	mix_int(s, (int64_t)h.h1);
	mix_int(s, (int64_t)h.h2);
}

/* The index of value node e in the walk's list: 1 and *at, or 0. */
static int shape_index(const shape *s, const sqlkit_expr *e, size_t *at)
{
	size_t i;

	if (s->index.cap)
		return pset_get(&s->index, e, at);
	for (i = 0; i < s->nvals; i++)
		if (s->vals[i] == e) {
			*at = i;
			return 1;
		}
	return 0;
}

/* Append value node e (not yet listed). */
static int shape_add_value(shape *s, const sqlkit_expr *e)
{
	size_t i;

	if (s->nvals == s->capvals) {
		size_t cap = 2 * s->capvals;
		const sqlkit_expr **v = s->vals == s->vals_in ? malloc(cap * sizeof *v)
		                                              : realloc(s->vals, cap * sizeof *v);
		if (!v)
			return -1;
		if (s->vals == s->vals_in)
			memcpy(v, s->vals_in, s->nvals * sizeof *v);
		s->vals = v;
		s->capvals = cap;
	}
	if (s->index.cap) {
		if (pset_put(&s->index, e, s->nvals) < 0)
			return -1;
	} else if (s->nvals == SHAPE_INLINE) {
		/* past the linear scan's size: index them all */
		for (i = 0; i < s->nvals; i++)
			if (pset_put(&s->index, s->vals[i], i) < 0)
				return -1;
		if (pset_put(&s->index, e, s->nvals) < 0)
			return -1;
	}
	s->vals[s->nvals++] = e;
	return 0;
}

static void walk(shape *s, const sqlkit_expr *e)
{
	size_t i, j;

	if (!e) {
		mix_int(s, 0);
		return;
	}
	mix_int(s, (int64_t)pack2((uint64_t)e->kind, (uint64_t)(int64_t)e->op));
	mix_int(s, (int64_t)pack2((uint64_t)e->flags, (uint64_t)e->nkids));
	mix_str(s, e->name);
	if (e->table)
		mix_table(s, e->table);
	if (e->column)
		mix_str(s, e->column->name);
	if (e->kind == SQLKIT__N_CAST || e->kind == SQLKIT__N_BINDPARAM)
		mix_type(s, &e->type);
	if (e->kind == SQLKIT__N_BINDPARAM) {
		if (s->nparams == s->capparams) {
			size_t cap = 2 * s->capparams;
			const char **p = s->params == s->params_in ? malloc(cap * sizeof *p)
			                                           : realloc(s->params, cap * sizeof *p);
			if (!p) {
				s->oom = 1;
				return;
			}
			if (s->params == s->params_in)
				memcpy(p, s->params_in, s->nparams * sizeof *p);
			s->params = p;
			s->capparams = cap;
		}
		s->params[s->nparams++] = e->name;
	}
	if (e->kind == SQLKIT__N_VALUE) {
		size_t at;
		/* The same node used twice is part of the shape: another tree
		 * of this shape uses one value there too. */
		if (shape_index(s, e, &at)) {
			mix_int(s, 'R');
			mix_int(s, (int64_t)at);
		} else {
			/* The value's type decides the result's column type. */
			mix_int(s, (int64_t)pack2('V', (uint64_t)e->value.type));
			if (shape_add_value(s, e) < 0) {
				s->oom = 1;
				return;
			}
		}
	}
	for (i = 0; i < e->nkids; i++)
		walk(s, e->kids[i]);
	if (e->st) {
		for (i = 0; i < SQLKIT__NSLOTS; i++) {
			if (!e->st->slot[i].n)
				continue;
			mix_int(s, (int64_t)pack2(i + 1, (uint64_t)e->st->slot[i].n));
			for (j = 0; j < e->st->slot[i].n; j++)
				walk(s, e->st->slot[i].v[j]);
		}
		mix_int(s, -3);
	}
}

static int shape_of(shape *s, const sqlkit_expr *e, const sqlkit_dialect *d,
                    const sqlkit__compile_opts *opts)
{
	s->h1 = 0xcbf29ce484222325ULL;
	s->h2 = 0x84222325cbf29ce4ULL;
	s->vals = s->vals_in;
	s->capvals = SHAPE_INLINE;
	s->nvals = 0;
	memset(&s->index, 0, sizeof s->index);
	s->params = s->params_in;
	s->capparams = SHAPE_INLINE;
	s->nparams = 0;
	s->ntabs = 0;
	s->oom = 0;
	mix_str(s, d->name);
	mix(s, &d, sizeof d);
	if (opts && opts->ins_cols) {
		mix_int(s, 'I');
		mix_int(s, (int64_t)opts->ncols);
		mix(s, opts->ins_cols, opts->ncols);
	}
	walk(s, e);
	return s->oom ? sqlkit__error_oom() : 0;
}

static void shape_free(shape *s)
{
	if (s->vals != s->vals_in)
		free(s->vals);
	if (s->params != s->params_in)
		free(s->params);
	pset_free(&s->index);
}

/* ================================================================ compiled entries */

/* What a compile produced, shared by the cache and every compiled form made
 * from it. Nothing in it points into a tree or a MetaData. */
typedef struct sqlkit__centry {
	unsigned refs;
	uint64_t h1, h2;
	const sqlkit_dialect *d;
	char *sql;
	size_t nbinds;
	char **names;
	sqlkit__bind_how *how;        /* keys owned */
	sqlkit_sqltype *btypes;
	size_t nconsts;
	sqlkit_value *consts;
	size_t ncolumns;
	sqlkit_sqltype *coltypes;
	int is_insert, returns_pk;
	int pk_from_values;
	size_t pk_bind;
	unsigned long long used;
	char *rendered[SQLKIT_PARAMSTYLE_AT_P + 1];  /* sql in each marker style, made on first use */
} centry;

static void centry_unref(centry *e)
{
	size_t i;

	if (!e || __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < e->nbinds; i++) {
		free(e->names[i]);
		free((char *)e->how[i].key);
	}
	free(e->names);
	free(e->how);
	free(e->btypes);
	free(e->consts);
	free(e->coltypes);
	free(e->sql);
	for (i = 0; i <= SQLKIT_PARAMSTYLE_AT_P; i++)
		free(e->rendered[i]);
	free(e);
}

/* ================================================================ the cache */

#define CACHE_SIZE 256

static pthread_mutex_t cache_mutex = PTHREAD_MUTEX_INITIALIZER;
static centry *cache[CACHE_SIZE];
static unsigned long cache_hits, cache_misses;
static unsigned long long cache_tick;

static centry *cache_get(uint64_t h1, uint64_t h2, const sqlkit_dialect *d)
{
	size_t i, slot = (size_t)(h1 % CACHE_SIZE);
	centry *e = NULL;

	pthread_mutex_lock(&cache_mutex);
	for (i = 0; i < 4; i++) {
		centry *c = cache[(slot + i) % CACHE_SIZE];
		if (c && c->h1 == h1 && c->h2 == h2 && c->d == d) {
			e = c;
			__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
			e->used = ++cache_tick;
			break;
		}
	}
	if (e)
		cache_hits++;
	else
		cache_misses++;
	pthread_mutex_unlock(&cache_mutex);
	return e;
}

static void cache_put(centry *e)
{
	size_t i, slot = (size_t)(e->h1 % CACHE_SIZE), victim = slot;
	centry *old = NULL;

	pthread_mutex_lock(&cache_mutex);
	for (i = 0; i < 4; i++) {
		size_t k = (slot + i) % CACHE_SIZE;
		if (!cache[k]) {
			victim = k;
			break;
		}
		if (cache[k]->used < cache[victim]->used)
			victim = k;
	}
	old = cache[victim];
	__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
	e->used = ++cache_tick;
	cache[victim] = e;
	pthread_mutex_unlock(&cache_mutex);
	centry_unref(old);
}

void sqlkit__compile_cache_stats(unsigned long *hits, unsigned long *misses)
{
	pthread_mutex_lock(&cache_mutex);
	if (hits)
		*hits = cache_hits;
	if (misses)
		*misses = cache_misses;
	pthread_mutex_unlock(&cache_mutex);
}

void sqlkit__compile_cache_clear(void)
{
	centry *old[CACHE_SIZE];
	size_t i;

	pthread_mutex_lock(&cache_mutex);
	memcpy(old, cache, sizeof old);
	memset(cache, 0, sizeof cache);
	cache_hits = cache_misses = 0;
	pthread_mutex_unlock(&cache_mutex);
	for (i = 0; i < CACHE_SIZE; i++)
		centry_unref(old[i]);
}

/* ================================================================ compile state */

typedef struct bindrec {
	char *name;
	sqlkit__bind_how how;         /* key owned while compiling */
	sqlkit_sqltype type;
} bindrec;

typedef struct from_ent {
	const sqlkit_table *table;    /* a plain table (node NULL or a TABLE node) */
	const sqlkit_expr *node;      /* alias, subquery, cte or join */
} from_ent;

typedef struct frame {
	from_ent *froms;
	size_t nfroms;
	struct frame *up;
} frame;

typedef struct cte_ent {
	const sqlkit_expr *cte;
	char *text;
} cte_ent;

typedef struct anon_ent {
	char *prefix;
	unsigned n;
} anon_ent;

typedef struct cctx {
	const sqlkit_dialect *d;
	const sqlkit__compile_opts *opts;
	sqlkit_buf *out;
	shape *sh;
	bindrec *binds;
	size_t nbinds, capbinds;
	anon_ent *anon;
	size_t nanon;
	cte_ent *ctes;
	size_t nctes;
	sqlkit_value *consts;
	size_t nconsts;
	frame *top;
	int depth;                    /* select nesting */
	int result;                   /* collecting the result columns' types */
	sqlkit_sqltype *coltypes;
	size_t ncoltypes;
	int is_insert, returns_pk;
	const char *pk_name;          /* bind name of the primary key's given value */
	const char *col_prefix;       /* MS SQL OUTPUT: "inserted" / "deleted" */
	int no_table;                 /* columns without their table */
	int err;
} cctx;

/* The name a bind is generated from, and its type: the column (or function)
 * on the other side of the operator. */
typedef struct hint {
	const char *prefix;
	sqlkit_sqltype type;
} hint;

#define PREC_ATOM 100

static void set_err(cctx *c, int rc)
{
	if (!c->err)
		c->err = rc;
}

static void oom(cctx *c)
{
	set_err(c, sqlkit__error_oom());
}

static void put(cctx *c, const char *s)
{
	if (sqlkit__buf_puts(c->out, s) < 0)
		oom(c);
}

static void putn(cctx *c, const char *s, size_t n)
{
	if (sqlkit__buf_put(c->out, s, n) < 0)
		oom(c);
}

static void ident(cctx *c, const char *name)
{
	int rc;
	if (!c->err && (rc = sqlkit__quote_ident(c->out, c->d, name)) < 0)
		set_err(c, rc);
}

static int unsupported(cctx *c, const char *what)
{
	set_err(c, sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
	                             "%s is not supported by dialect \"%s\"", what, c->d->name));
	return c->err;
}

/* ---------------------------------------------------------------- names */

/* A bind name made from an identifier: [A-Za-z0-9_], not starting with a digit. */
static char *bind_base(const char *name)
{
	size_t n = strlen(name), i;
	char *s = malloc(n + 2), *p = s;

	if (!s)
		return NULL;
	if (name[0] >= '0' && name[0] <= '9')
		*p++ = '_';
	for (i = 0; i < n; i++) {
		char ch = name[i];
		*p++ = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		        ch == '_') ? ch : '_';
	}
	*p = '\0';
	return s;
}

static int name_taken(cctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nbinds; i++)
		if (strcmp(c->binds[i].name, name) == 0)
			return 1;
	for (i = 0; i < c->sh->nparams; i++)
		if (strcmp(c->sh->params[i], name) == 0)
			return 1;
	return 0;
}

/* The next anonymous name for prefix: prefix_1, prefix_2... one counter per
 * prefix for labels and binds alike (SQLAlchemy's anon map). */
static char *anon_name(cctx *c, const char *prefix, int is_bind)
{
	size_t i;
	anon_ent *a = NULL;
	char *base, *name;

	if (!(base = bind_base(prefix))) {
		oom(c);
		return NULL;
	}
	for (i = 0; i < c->nanon; i++)
		if (strcmp(c->anon[i].prefix, base) == 0) {
			a = &c->anon[i];
			break;
		}
	if (!a) {
		anon_ent *v = realloc(c->anon, (c->nanon + 1) * sizeof *v);
		if (!v) {
			free(base);
			oom(c);
			return NULL;
		}
		c->anon = v;
		a = &c->anon[c->nanon++];
		a->prefix = base;
		a->n = 0;
		base = NULL;
	}
	free(base);
	for (;;) {
		size_t len = strlen(a->prefix) + 16;
		if (!(name = malloc(len))) {
			oom(c);
			return NULL;
		}
		snprintf(name, len, "%s_%u", a->prefix, ++a->n);
		if (!is_bind || !name_taken(c, name))
			return name;
		free(name);
	}
}

/* ---------------------------------------------------------------- binds */

/* Record a bind and write ":name". name is taken. */
static void add_bind(cctx *c, char *name, sqlkit__bind_src src, size_t index, const char *key,
                     const sqlkit_sqltype *type)
{
	bindrec *b;

	if (!name) {
		oom(c);
		return;
	}
	if (c->nbinds == c->capbinds) {
		size_t cap = c->capbinds ? 2 * c->capbinds : 16;
		bindrec *v = realloc(c->binds, cap * sizeof *v);
		if (!v) {
			free(name);
			oom(c);
			return;
		}
		c->binds = v;
		c->capbinds = cap;
	}
	b = &c->binds[c->nbinds];
	memset(b, 0, sizeof *b);
	b->name = name;
	b->how.src = src;
	b->how.index = index;
	if (key && !(b->how.key = sqlkit__strdup(key))) {
		free(name);
		oom(c);
		return;
	}
	if (type) {
		b->type = *type;
		b->type.enum_values = NULL;
		b->type.enum_name = NULL;
	}
	c->nbinds++;
	put(c, ":");
	put(c, name);
}

/* A value node's bind, named from the hint (or exactly name when given). */
static void value_bind(cctx *c, const sqlkit_expr *v, const hint *h, const char *exact)
{
	size_t index;
	char *name;

	if (!shape_index(c->sh, v, &index)) {
		set_err(c, sqlkit__error(SQLKIT_EINVAL, "internal: value not in the walk"));
		return;
	}
	name = exact ? bind_base(exact) : anon_name(c, h && h->prefix ? h->prefix : "param", 1);
	add_bind(c, name, SQLKIT__SRC_VALUE, index, NULL, h ? &h->type : NULL);
}

/* A bindparam: one bind per name, however often it appears. */
static void param_bind(cctx *c, const char *name, const sqlkit_sqltype *type)
{
	size_t i;
	char *n;

	for (i = 0; i < c->nbinds; i++)
		if (c->binds[i].how.src == SQLKIT__SRC_PARAM && strcmp(c->binds[i].name, name) == 0) {
			put(c, ":");
			put(c, name);
			return;
		}
	if (!(n = sqlkit__strdup(name))) {
		oom(c);
		return;
	}
	add_bind(c, n, SQLKIT__SRC_PARAM, 0, name, type);
}

static void const_bind(cctx *c, sqlkit_value v)
{
	sqlkit_value *nv = realloc(c->consts, (c->nconsts + 1) * sizeof *nv);

	if (!nv) {
		oom(c);
		return;
	}
	c->consts = nv;
	c->consts[c->nconsts] = v;
	add_bind(c, anon_name(c, "param", 1), SQLKIT__SRC_CONST, c->nconsts++, NULL, NULL);
}

/* ---------------------------------------------------------------- the bind lexer */

/* Find the ":name" binds in SQL text with the connection's own scanner (quotes,
 * comments, "::" casts and "\:" are not binds, by the dialect's conventions).
 * Calls fn for each with the offset of the colon and the name's length; a
 * non-zero return of fn stops the scan. */
typedef int (*bind_fn)(void *ud, const char *sql, size_t at, size_t len);

typedef struct scan_ud {
	const char *sql;
	bind_fn fn;
	void *ud;
} scan_ud;

static int scan_token(void *ud, sqlkit__scan_kind kind, size_t at, size_t len)
{
	scan_ud *s = ud;

	return kind == SQLKIT_SCAN_BIND ? s->fn(s->ud, s->sql, at, len) : 0;
}

static int scan_binds(const sqlkit_dialect *d, const char *sql, size_t len, bind_fn fn, void *ud)
{
	scan_ud s;

	s.sql = sql;
	s.fn = fn;
	s.ud = ud;
	return sqlkit__scan_sql(sql, len, sqlkit__lex_flags(d, 0), scan_token, &s);
}

/* Trusted text (a fragment or a text statement): copy it, its binds are
 * bindparams given at execution. */
typedef struct text_ud {
	cctx *c;
	const char *last;
} text_ud;

static int text_bind(void *ud, const char *sql, size_t at, size_t len)
{
	text_ud *t = ud;
	char *name;

	putn(t->c, t->last, (size_t)(sql + at - t->last));
	if (!(name = sqlkit__strndup(sql + at + 1, len))) {
		oom(t->c);
		return -1;
	}
	param_bind(t->c, name, NULL);
	free(name);
	t->last = sql + at + 1 + len;
	return 0;
}

static void emit_text(cctx *c, const char *text)
{
	text_ud t;
	size_t len = strlen(text);

	t.c = c;
	t.last = text;
	scan_binds(c->d, text, len, text_bind, &t);
	putn(c, t.last, (size_t)(text + len - t.last));
}

/* ---------------------------------------------------------------- expressions */

static void ex(cctx *c, const sqlkit_expr *e, int against, int same_op_ok, const hint *h, int boolctx);
static void emit_select(cctx *c, const sqlkit_expr *sel, int asfrom, int nested, int result);
static void emit_from(cctx *c, const sqlkit_expr *f);

static int is_comparison(int op)
{
	return op == SQLKIT__OP_EQ || op == SQLKIT__OP_NE || op == SQLKIT__OP_LT || op == SQLKIT__OP_LE ||
	       op == SQLKIT__OP_GT || op == SQLKIT__OP_GE || op == SQLKIT__OP_LIKE ||
	       op == SQLKIT__OP_NOT_LIKE || op == SQLKIT__OP_ILIKE || op == SQLKIT__OP_NOT_ILIKE;
}

/* SQLAlchemy's operator precedence (sqlalchemy/sql/operators.py _PRECEDENCE). */
static int prec(const sqlkit_expr *e)
{
	switch (e->kind) {
	case SQLKIT__N_BINARY:
		switch (e->op) {
		case SQLKIT__OP_MUL: case SQLKIT__OP_DIV: case SQLKIT__OP_MOD: return 8;
		case SQLKIT__OP_ADD: case SQLKIT__OP_SUB: return 7;
		case SQLKIT__OP_CONCAT: return 6;
		default: return 5;
		}
	case SQLKIT__N_BOOL:
		return e->op == SQLKIT__OP_AND ? 3 : 2;
	case SQLKIT__N_NEG:
		return 8;
	case SQLKIT__N_NOT:
		return 5;
	case SQLKIT__N_IN:
	case SQLKIT__N_IN_SELECT:
		/* NOT IN is written in parentheses of its own */
		return (e->flags & SQLKIT__F_NEGATE) ? PREC_ATOM : 5;
	case SQLKIT__N_BETWEEN:
	case SQLKIT__N_IS_NULL:
		return 5;
	case SQLKIT__N_EXISTS:
		return 0;
	default:
		return PREC_ATOM;
	}
}

/* Operators that group with themselves without parentheses (a + b + c). */
static int self_precedent(const sqlkit_expr *e)
{
	if (e->kind == SQLKIT__N_BOOL)
		return 1;
	return e->kind == SQLKIT__N_BINARY &&
	       (e->op == SQLKIT__OP_ADD || e->op == SQLKIT__OP_MUL || e->op == SQLKIT__OP_CONCAT);
}

static int is_boolish(const sqlkit_expr *e)
{
	switch (e->kind) {
	case SQLKIT__N_BINARY:
		return is_comparison(e->op);
	case SQLKIT__N_BOOL: case SQLKIT__N_NOT: case SQLKIT__N_IN: case SQLKIT__N_IN_SELECT:
	case SQLKIT__N_BETWEEN: case SQLKIT__N_IS_NULL: case SQLKIT__N_EXISTS:
		return 1;
	default:
		return 0;
	}
}

static int is_bool_column(const sqlkit_expr *e)
{
	return e->kind == SQLKIT__N_COLUMN && e->column && e->column->type.kind == SQLKIT_SQLT_BOOLEAN;
}

static const char *column_name(const sqlkit_expr *e)
{
	return e->column ? e->column->name : e->name;
}

/* The hint a value on the other side of an operator from e gets. */
static hint hint_from(const sqlkit_expr *e)
{
	hint h;

	memset(&h, 0, sizeof h);
	h.prefix = "param";
	if (e->kind == SQLKIT__N_COLUMN) {
		h.prefix = column_name(e);
		if (e->column)
			h.type = e->column->type;
	} else if (e->kind == SQLKIT__N_FUNC) {
		h.prefix = e->name;
	}
	return h;
}

static void emit_column(cctx *c, const sqlkit_expr *e)
{
	if (c->col_prefix) {
		put(c, c->col_prefix);
		put(c, ".");
	} else if (!c->no_table) {
		if (e->nkids)
			ident(c, e->kids[0]->name);
		else
			ident(c, e->table->name);
		put(c, ".");
	}
	ident(c, column_name(e));
}

static void emit_type(cctx *c, const sqlkit_sqltype *t)
{
	int rc;
	if (!c->err && (rc = sqlkit__cast_type(c->out, c->d, t)) < 0)
		set_err(c, rc);
}

/* "(" select ")" for a subquery used as a value. */
static void emit_subselect(cctx *c, const sqlkit_expr *sel)
{
	put(c, "(");
	emit_select(c, sel, 0, 1, 0);
	put(c, ")");
}

static void emit_binary(cctx *c, const sqlkit_expr *e)
{
	const sqlkit_expr *l = e->kids[0], *r = e->kids[1];
	hint hl = hint_from(r), hr = hint_from(l);
	int p = prec(e), self = self_precedent(e);
	const char *op = NULL;

	switch (e->op) {
	case SQLKIT__OP_EQ: op = " = "; break;
	case SQLKIT__OP_NE: op = " != "; break;
	case SQLKIT__OP_LT: op = " < "; break;
	case SQLKIT__OP_LE: op = " <= "; break;
	case SQLKIT__OP_GT: op = " > "; break;
	case SQLKIT__OP_GE: op = " >= "; break;
	case SQLKIT__OP_ADD: op = " + "; break;
	case SQLKIT__OP_SUB: op = " - "; break;
	case SQLKIT__OP_MUL: op = " * "; break;
	case SQLKIT__OP_DIV: op = " / "; break;
	case SQLKIT__OP_MOD: op = " % "; break;
	case SQLKIT__OP_LIKE: op = " LIKE "; break;
	case SQLKIT__OP_NOT_LIKE: op = " NOT LIKE "; break;
	case SQLKIT__OP_CONCAT:
		if (c->d->concat_style == SQLKIT_CONCAT_FUNCTION) {
			put(c, "concat(");
			ex(c, l, -1, 0, &hl, 0);
			put(c, ", ");
			ex(c, r, -1, 0, &hr, 0);
			put(c, ")");
			return;
		}
		op = c->d->concat_style == SQLKIT_CONCAT_PLUS ? " + " : " || ";
		break;
	case SQLKIT__OP_ILIKE:
	case SQLKIT__OP_NOT_ILIKE:
		if (c->d->flags & SQLKIT_DIALECT_ILIKE) {
			op = e->op == SQLKIT__OP_ILIKE ? " ILIKE " : " NOT ILIKE ";
			break;
		}
		put(c, "lower(");
		ex(c, l, -1, 0, &hl, 0);
		put(c, e->op == SQLKIT__OP_ILIKE ? ") LIKE lower(" : ") NOT LIKE lower(");
		ex(c, r, -1, 0, &hr, 0);
		put(c, ")");
		return;
	default:
		set_err(c, sqlkit__error(SQLKIT_EINVAL, "internal: unknown operator %d", e->op));
		return;
	}
	ex(c, l, p, self ? e->op : 0, &hl, 0);
	put(c, op);
	ex(c, r, p, self ? e->op : 0, &hr, 0);
}

static void emit_in(cctx *c, const sqlkit_expr *e)
{
	const sqlkit_expr *a = e->kids[0];
	hint h = hint_from(a);
	int neg = (e->flags & SQLKIT__F_NEGATE) != 0;
	size_t i;
	char *base;

	if (neg)
		put(c, "(");
	ex(c, a, 5, 0, NULL, 0);
	put(c, neg ? " NOT IN (" : " IN (");
	if (e->kind == SQLKIT__N_IN_SELECT) {
		emit_select(c, e->kids[1], 0, 1, 0);
		put(c, neg ? "))" : ")");
		return;
	}
	/* One anonymous name for the list, expanded per value (name_1_1,
	 * name_1_2: SQLAlchemy's expanding IN rendered with render_postcompile). */
	if (!(base = anon_name(c, h.prefix, 1)))
		return;
	if (e->nkids == 1) {
		/* SQLAlchemy 1.4+'s empty IN: false (true for NOT IN), valid SQL */
		put(c, neg ? "NULL) OR (1 = 1))" : "NULL) AND (1 != 1)");
		free(base);
		return;
	}
	for (i = 1; i < e->nkids; i++) {
		if (i > 1)
			put(c, ", ");
		if (e->kids[i]->kind == SQLKIT__N_NULL) {
			put(c, "NULL");
		} else {
			size_t len = strlen(base) + 24;
			char *name = malloc(len);
			if (!name) {
				oom(c);
				break;
			}
			snprintf(name, len, "%s_%zu", base, i);
			value_bind(c, e->kids[i], &h, name);
			free(name);
		}
	}
	free(base);
	put(c, neg ? "))" : ")");
}

static void emit_func(cctx *c, const sqlkit_expr *e)
{
	hint h;
	size_t i;

	memset(&h, 0, sizeof h);
	h.prefix = e->name;
	put(c, e->name);
	put(c, "(");
	if (e->flags & SQLKIT__F_FUNC_STAR)
		put(c, "*");
	for (i = 0; i < e->nkids; i++) {
		if (i)
			put(c, ", ");
		ex(c, e->kids[i], -1, 0, &h, 0);
	}
	put(c, ")");
}

static void emit_case(cctx *c, const sqlkit_expr *e)
{
	size_t i, npairs = (e->flags & SQLKIT__F_CASE_ELSE) ? (e->nkids - 1) / 2 : e->nkids / 2;

	put(c, "CASE ");
	for (i = 0; i < npairs; i++) {
		put(c, "WHEN ");
		/* conditions are grouped (SQLAlchemy's self_group() against nothing) */
		ex(c, e->kids[2 * i], PREC_ATOM - 1, 0, NULL, 1);
		put(c, " THEN ");
		ex(c, e->kids[2 * i + 1], -1, 0, NULL, 0);
		put(c, " ");
	}
	if (e->flags & SQLKIT__F_CASE_ELSE) {
		put(c, "ELSE ");
		ex(c, e->kids[e->nkids - 1], -1, 0, NULL, 0);
		put(c, " ");
	}
	put(c, "END");
}

/* Emit e; parentheses when its precedence does not bind tighter than the
 * operator it is an operand of (against), unless it is the same
 * self-associative operator. boolctx: e is used as a condition. */
static void ex(cctx *c, const sqlkit_expr *e, int against, int same_op, const hint *h, int boolctx)
{
	int p, group;
	size_t i;

	if (c->err)
		return;
	p = prec(e);
	group = p < PREC_ATOM && p <= against &&
	        !(same_op && self_precedent(e) && e->op == same_op && e->kind != SQLKIT__N_BOOL) &&
	        !(same_op && e->kind == SQLKIT__N_BOOL && e->op == same_op);
	if (group)
		put(c, "(");
	switch (e->kind) {
	case SQLKIT__N_COLUMN:
		emit_column(c, e);
		if (boolctx && is_bool_column(e) && !(c->d->flags & SQLKIT_DIALECT_TRUE_FALSE))
			put(c, " = 1");
		break;
	case SQLKIT__N_TABLE:
		/* a table as a value: its name (e.g. count(table) is not SQL) */
		ident(c, e->table->name);
		break;
	case SQLKIT__N_STAR:
		put(c, "*");
		break;
	case SQLKIT__N_VALUE:
		value_bind(c, e, h, NULL);
		break;
	case SQLKIT__N_NULL:
		put(c, "NULL");
		break;
	case SQLKIT__N_BINDPARAM:
		param_bind(c, e->name, &e->type);
		break;
	case SQLKIT__N_FRAGMENT:
		emit_text(c, e->name);
		break;
	case SQLKIT__N_BINARY:
		emit_binary(c, e);
		break;
	case SQLKIT__N_BOOL:
		for (i = 0; i < e->nkids; i++) {
			if (i)
				put(c, e->op == SQLKIT__OP_AND ? " AND " : " OR ");
			ex(c, e->kids[i], p, e->op, NULL, 1);
		}
		break;
	case SQLKIT__N_NOT:
		if (is_bool_column(e->kids[0]) && !(c->d->flags & SQLKIT_DIALECT_TRUE_FALSE)) {
			emit_column(c, e->kids[0]);
			put(c, " = 0");
			break;
		}
		put(c, "NOT ");
		ex(c, e->kids[0], p, 0, NULL, 0);
		break;
	case SQLKIT__N_NEG: {
		hint hp;
		memset(&hp, 0, sizeof hp);
		hp.prefix = "param";
		put(c, "-");
		ex(c, e->kids[0], p, 0, &hp, 0);
		break;
	}
	case SQLKIT__N_IN:
	case SQLKIT__N_IN_SELECT:
		emit_in(c, e);
		break;
	case SQLKIT__N_BETWEEN: {
		hint hb = hint_from(e->kids[0]);
		ex(c, e->kids[0], p, 0, NULL, 0);
		put(c, (e->flags & SQLKIT__F_NEGATE) ? " NOT BETWEEN " : " BETWEEN ");
		ex(c, e->kids[1], p, 0, &hb, 0);
		put(c, " AND ");
		ex(c, e->kids[2], p, 0, &hb, 0);
		break;
	}
	case SQLKIT__N_IS_NULL:
		ex(c, e->kids[0], p, 0, NULL, 0);
		put(c, (e->flags & SQLKIT__F_NEGATE) ? " IS NOT NULL" : " IS NULL");
		break;
	case SQLKIT__N_EXISTS:
		put(c, "EXISTS ");
		emit_subselect(c, e->kids[0]);
		break;
	case SQLKIT__N_SCALAR:
		emit_subselect(c, e->kids[0]);
		break;
	case SQLKIT__N_CAST: {
		hint hp;
		memset(&hp, 0, sizeof hp);
		hp.prefix = "param";
		hp.type = e->type;
		put(c, "CAST(");
		ex(c, e->kids[0], -1, 0, &hp, 0);
		put(c, " AS ");
		emit_type(c, &e->type);
		put(c, ")");
		break;
	}
	case SQLKIT__N_CASE:
		emit_case(c, e);
		break;
	case SQLKIT__N_LABEL: {
		/* outside a columns clause a label is its expression; a value
		 * compared with it is a plain param */
		hint hp;
		memset(&hp, 0, sizeof hp);
		hp.prefix = "param";
		ex(c, e->kids[0], against, same_op, h ? h : &hp, boolctx);
		break;
	}
	case SQLKIT__N_ORDER:
		ex(c, e->kids[0], 3, 0, NULL, 0);
		if (e->op & SQLKIT__ORDER_ASC)
			put(c, " ASC");
		if (e->op & SQLKIT__ORDER_DESC)
			put(c, " DESC");
		if (e->op & (SQLKIT__ORDER_NULLS_FIRST | SQLKIT__ORDER_NULLS_LAST)) {
			if (!(c->d->flags & SQLKIT_DIALECT_NULLS_ORDER)) {
				unsupported(c, (e->op & SQLKIT__ORDER_NULLS_FIRST) ? "NULLS FIRST" : "NULLS LAST");
				break;
			}
			put(c, (e->op & SQLKIT__ORDER_NULLS_FIRST) ? " NULLS FIRST" : " NULLS LAST");
		}
		break;
	case SQLKIT__N_FUNC:
		emit_func(c, e);
		break;
	case SQLKIT__N_ALIAS:
	case SQLKIT__N_JOIN:
	case SQLKIT__N_CTE:
		emit_from(c, e);
		break;
	case SQLKIT__N_SELECT:
	case SQLKIT__N_COMPOUND:
		emit_subselect(c, e);
		break;
	default:
		set_err(c, sqlkit__error(SQLKIT_EINVAL, "this expression cannot be used here"));
		break;
	}
	if (group)
		put(c, ")");
}

/* A value in a VALUES or SET clause: a plain value is bound under the column's
 * own name; an expression is grouped (SQLAlchemy's self_group()). */
static void emit_crud_value(cctx *c, const sqlkit_expr *v, const sqlkit_column *col,
                            const char *exact)
{
	hint h;

	memset(&h, 0, sizeof h);
	h.prefix = col->name;
	h.type = col->type;
	if (v->kind == SQLKIT__N_VALUE) {
		value_bind(c, v, &h, exact ? exact : col->name);
		return;
	}
	if ((c->d->flags & SQLKIT_DIALECT_BOOLEAN_IS_BIT) && is_boolish(v)) {
		put(c, "CASE WHEN ");
		ex(c, v, -1, 0, &h, 1);
		put(c, " THEN 1 ELSE 0 END");
		return;
	}
	ex(c, v, PREC_ATOM - 1, 0, &h, 0);
}

/* ---------------------------------------------------------------- FROM */

static int from_eq(const from_ent *a, const from_ent *b)
{
	if (a->node || b->node)
		return a->node == b->node && (a->node || a->table == b->table);
	return a->table == b->table;
}

static void from_norm(from_ent *f, const sqlkit_expr *e)
{
	f->node = NULL;
	f->table = NULL;
	if (e->kind == SQLKIT__N_TABLE)
		f->table = e->table;
	else
		f->node = e;
}

static void froms_add(cctx *c, from_ent **v, size_t *n, from_ent f)
{
	size_t i;
	from_ent *nv;

	for (i = 0; i < *n; i++)
		if (from_eq(&(*v)[i], &f))
			return;
	if (!(nv = realloc(*v, (*n + 1) * sizeof *nv))) {
		oom(c);
		return;
	}
	*v = nv;
	(*v)[(*n)++] = f;
}

/* The FROM objects an expression brings: tables of its columns, aliases,
 * subqueries; not what is inside a nested select. */
static void collect_froms(cctx *c, const sqlkit_expr *e, from_ent **v, size_t *n)
{
	from_ent f;
	size_t i;

	switch (e->kind) {
	case SQLKIT__N_COLUMN:
		if (e->nkids)
			from_norm(&f, e->kids[0]);
		else {
			f.node = NULL;
			f.table = e->table;
		}
		froms_add(c, v, n, f);
		return;
	case SQLKIT__N_TABLE:
	case SQLKIT__N_ALIAS:
	case SQLKIT__N_CTE:
	case SQLKIT__N_JOIN:
		from_norm(&f, e);
		froms_add(c, v, n, f);
		return;
	case SQLKIT__N_SCALAR:
	case SQLKIT__N_EXISTS:
	case SQLKIT__N_SELECT:
	case SQLKIT__N_COMPOUND:
		return;
	case SQLKIT__N_IN_SELECT:
		collect_froms(c, e->kids[0], v, n);
		return;
	default:
		for (i = 0; i < e->nkids; i++)
			collect_froms(c, e->kids[i], v, n);
		return;
	}
}

/* Whether f is inside FROM element node (a join's leaves). */
static int from_inside(const from_ent *f, const sqlkit_expr *node)
{
	from_ent g;

	if (node->kind == SQLKIT__N_JOIN)
		return from_inside(f, node->kids[0]) || from_inside(f, node->kids[1]);
	from_norm(&g, node);
	return from_eq(f, &g);
}

static int from_in_frames(const from_ent *f, const frame *fr)
{
	size_t i;

	for (; fr; fr = fr->up)
		for (i = 0; i < fr->nfroms; i++) {
			const from_ent *g = &fr->froms[i];
			if (from_eq(f, g) || (g->node && g->node->kind == SQLKIT__N_JOIN && from_inside(f, g->node)))
				return 1;
		}
	return 0;
}

/* The FROM list of a select as SQLAlchemy displays it: the columns' tables,
 * then the WHERE clause's, then select_from's, without repeats, without what a
 * join of the list covers, and (for a nested select) without what an
 * enclosing select already has (correlation), unless nothing would be left. */
static void select_froms(cctx *c, const sqlkit_expr *sel, int correlate, from_ent **out, size_t *nout)
{
	const sqlkit__stmt *st = sel->st;
	from_ent *v = NULL, *keep = NULL;
	size_t n = 0, nkeep = 0, i, j;

	for (i = 0; i < st->slot[SQLKIT__S_COLS].n; i++)
		collect_froms(c, st->slot[SQLKIT__S_COLS].v[i], &v, &n);
	for (i = 0; i < st->slot[SQLKIT__S_WHERE].n; i++)
		collect_froms(c, st->slot[SQLKIT__S_WHERE].v[i], &v, &n);
	for (i = 0; i < st->slot[SQLKIT__S_FROM].n; i++) {
		from_ent f;
		from_norm(&f, st->slot[SQLKIT__S_FROM].v[i]);
		froms_add(c, &v, &n, f);
	}
	if (n && !(keep = sqlkit__zalloc(n, sizeof *keep))) {
		free(v);
		oom(c);
		return;
	}
	for (i = 0; i < n; i++) {
		int hidden = 0;
		for (j = 0; j < n && !hidden; j++)
			if (j != i && v[j].node && v[j].node->kind == SQLKIT__N_JOIN && from_inside(&v[i], v[j].node))
				hidden = 1;
		if (!hidden)
			keep[nkeep++] = v[i];
	}
	free(v);
	if (correlate && c->top) {
		size_t k = 0;
		for (i = 0; i < nkeep; i++)
			if (!from_in_frames(&keep[i], c->top))
				k++;
		if (k) {
			size_t w = 0;
			for (i = 0; i < nkeep; i++)
				if (!from_in_frames(&keep[i], c->top))
					keep[w++] = keep[i];
			nkeep = w;
		}
	}
	*out = keep;
	*nout = nkeep;
}

static void emit_cte_ref(cctx *c, const sqlkit_expr *cte)
{
	size_t i;
	sqlkit_buf b = SQLKIT_BUF_INIT, *saved;
	cte_ent *v;
	frame *saved_top;
	int saved_depth;

	if (!(c->d->flags & SQLKIT_DIALECT_CTE)) {
		unsupported(c, "WITH (a common table expression)");
		return;
	}
	for (i = 0; i < c->nctes; i++)
		if (c->ctes[i].cte == cte || strcmp(c->ctes[i].cte->name, cte->name) == 0)
			break;
	if (i == c->nctes) {
		if (!(v = realloc(c->ctes, (c->nctes + 1) * sizeof *v))) {
			oom(c);
			return;
		}
		c->ctes = v;
		c->ctes[c->nctes].cte = cte;
		c->ctes[c->nctes].text = NULL;
		c->nctes++;
		saved = c->out;
		saved_top = c->top;
		saved_depth = c->depth;
		c->out = &b;
		c->top = NULL;
		c->depth = 1;
		ident(c, cte->name);
		put(c, " AS \n(");
		emit_select(c, cte->kids[0], 1, 0, 0);
		put(c, ")");
		c->out = saved;
		c->top = saved_top;
		c->depth = saved_depth;
		if (b.oom)
			oom(c);
		/* find it again: emit_select may have added CTEs of its own */
		for (i = 0; i < c->nctes; i++)
			if (c->ctes[i].cte == cte) {
				c->ctes[i].text = sqlkit__buf_detach(&b);
				break;
			}
		sqlkit__buf_free(&b);
	}
	ident(c, cte->name);
}

static void emit_from(cctx *c, const sqlkit_expr *f)
{
	switch (f->kind) {
	case SQLKIT__N_TABLE:
		ident(c, f->table->name);
		break;
	case SQLKIT__N_ALIAS:
		if (f->table) {
			ident(c, f->table->name);
		} else {
			put(c, "(");
			emit_select(c, f->kids[0], 1, 0, 0);
			put(c, ")");
		}
		put(c, " AS ");
		ident(c, f->name);
		break;
	case SQLKIT__N_CTE:
		emit_cte_ref(c, f);
		break;
	case SQLKIT__N_JOIN:
		if (f->op == SQLKIT__JOIN_FULL && !(c->d->flags & SQLKIT_DIALECT_FULL_OUTER_JOIN)) {
			unsupported(c, "FULL OUTER JOIN");
			return;
		}
		emit_from(c, f->kids[0]);
		put(c, f->op == SQLKIT__JOIN_INNER ?
		       ((c->d->flags & SQLKIT_DIALECT_INNER_JOIN) ? " INNER JOIN " : " JOIN ") :
		       f->op == SQLKIT__JOIN_LEFT ? " LEFT OUTER JOIN " : " FULL OUTER JOIN ");
		if (f->kids[1]->kind == SQLKIT__N_JOIN) {
			put(c, "(");
			emit_from(c, f->kids[1]);
			put(c, ")");
		} else {
			emit_from(c, f->kids[1]);
		}
		put(c, " ON ");
		ex(c, f->kids[2], -1, 0, NULL, 1);
		break;
	default:
		set_err(c, sqlkit__error(SQLKIT_EINVAL, "not a FROM element"));
		break;
	}
}

static void emit_from_ent(cctx *c, const from_ent *f)
{
	if (f->node)
		emit_from(c, f->node);
	else
		ident(c, f->table->name);
}

/* ---------------------------------------------------------------- select */

static void coltype_add(cctx *c, sqlkit_sqltype t)
{
	sqlkit_sqltype *v;

	if (!c->result)
		return;
	if (!(v = realloc(c->coltypes, (c->ncoltypes + 1) * sizeof *v))) {
		oom(c);
		return;
	}
	t.enum_values = NULL;
	t.enum_name = NULL;
	c->coltypes = v;
	c->coltypes[c->ncoltypes++] = t;
}

/* The SQL type an expression's values have, when it can be told. */
static sqlkit_sqltype expr_type(const sqlkit_expr *e)
{
	sqlkit_sqltype t = sqlkit_sqltype_of(SQLKIT_SQLT_NULLTYPE);

	switch (e->kind) {
	case SQLKIT__N_COLUMN:
		if (e->column)
			return e->column->type;
		break;
	case SQLKIT__N_LABEL:
		return expr_type(e->kids[0]);
	case SQLKIT__N_CAST:
	case SQLKIT__N_BINDPARAM:
		return e->type;
	case SQLKIT__N_FUNC:
		if (strcmp(e->name, "count") == 0)
			return sqlkit_Integer();
		if (e->nkids == 1 && (strcmp(e->name, "sum") == 0 || strcmp(e->name, "min") == 0 ||
		                      strcmp(e->name, "max") == 0))
			return expr_type(e->kids[0]);
		break;
	case SQLKIT__N_BINARY:
		if (is_comparison(e->op))
			return sqlkit_Boolean();
		if (e->op == SQLKIT__OP_CONCAT)
			return sqlkit_String(0);
		t = expr_type(e->kids[0]);
		if (t.kind == SQLKIT_SQLT_NULLTYPE)
			t = expr_type(e->kids[1]);
		return t;
	case SQLKIT__N_NEG:
		return expr_type(e->kids[0]);
	case SQLKIT__N_CASE:
		return expr_type(e->kids[1]);
	case SQLKIT__N_SCALAR: {
		const sqlkit_expr *s = e->kids[0];
		while (s->kind == SQLKIT__N_COMPOUND)
			s = s->kids[0];
		if (s->st->slot[SQLKIT__S_COLS].n)
			return expr_type(s->st->slot[SQLKIT__S_COLS].v[0]);
		break;
	}
	case SQLKIT__N_VALUE:
		switch (e->value.type) {
		case SQLKIT_TYPE_INT: return sqlkit_Integer();
		case SQLKIT_TYPE_FLOAT: return sqlkit_Float();
		case SQLKIT_TYPE_DECIMAL: return sqlkit_Numeric(0, 0);
		case SQLKIT_TYPE_TEXT: return sqlkit_String(0);
		case SQLKIT_TYPE_BOOL: return sqlkit_Boolean();
		case SQLKIT_TYPE_BLOB: return sqlkit_LargeBinary();
		case SQLKIT_TYPE_DATE: return sqlkit_Date();
		case SQLKIT_TYPE_TIME: return sqlkit_Time();
		case SQLKIT_TYPE_DATETIME: return sqlkit_DateTime();
		case SQLKIT_TYPE_JSON: return sqlkit_JSON();
		case SQLKIT_TYPE_UUID: return sqlkit_Uuid();
		default: break;
		}
		break;
	default:
		if (is_boolish(e))
			return sqlkit_Boolean();
		break;
	}
	return t;
}

/* Every column of a table (or an alias of one) in a columns clause. */
static void emit_all_columns(cctx *c, const sqlkit_expr *from, int asfrom)
{
	const sqlkit_table *t = from->table;
	size_t i;

	for (i = 0; i < t->ncolumns; i++) {
		if (i)
			put(c, ", ");
		if (!c->col_prefix && !c->no_table) {
			ident(c, from->kind == SQLKIT__N_ALIAS ? from->name : t->name);
			put(c, ".");
		} else if (c->col_prefix) {
			put(c, c->col_prefix);
			put(c, ".");
		}
		ident(c, t->columns[i]->name);
		if (asfrom) {
			put(c, " AS ");
			ident(c, t->columns[i]->name);
		}
		coltype_add(c, t->columns[i]->type);
	}
}

/* One entry of a columns clause, labelled as SQLAlchemy labels it: "AS name"
 * for a label (and for a plain column of a subquery), an anonymous label for a
 * function (sum_1) or any other expression (anon_1), none for columns. */
static void emit_select_column(cctx *c, const sqlkit_expr *col, int asfrom)
{
	const sqlkit_expr *inner = col;
	char *label = NULL;
	const char *fixed = NULL;
	hint hp;

	memset(&hp, 0, sizeof hp);
	hp.prefix = "param";
	switch (col->kind) {
	case SQLKIT__N_TABLE:
	case SQLKIT__N_ALIAS:
		if (col->table) {
			emit_all_columns(c, col, asfrom);
			return;
		}
		set_err(c, sqlkit__error(SQLKIT_EINVAL, "a subquery cannot be a column: use its columns"));
		return;
	case SQLKIT__N_STAR:
		put(c, "*");
		return;
	case SQLKIT__N_FRAGMENT:
		emit_text(c, col->name);
		coltype_add(c, sqlkit_sqltype_of(SQLKIT_SQLT_NULLTYPE));
		return;
	case SQLKIT__N_COLUMN:
		emit_column(c, col);
		if (asfrom) {
			put(c, " AS ");
			ident(c, column_name(col));
		}
		coltype_add(c, expr_type(col));
		return;
	case SQLKIT__N_NEG:
	case SQLKIT__N_NOT:
		ex(c, col, -1, 0, &hp, 0);
		coltype_add(c, expr_type(col));
		return;
	case SQLKIT__N_LABEL:
		fixed = col->name;
		inner = col->kids[0];
		break;
	case SQLKIT__N_FUNC:
		label = anon_name(c, col->name, 0);
		break;
	case SQLKIT__N_CAST:
		if (col->kids[0]->kind == SQLKIT__N_COLUMN)
			fixed = column_name(col->kids[0]);
		else
			label = anon_name(c, "anon", 0);
		break;
	default:
		label = anon_name(c, "anon", 0);
		break;
	}
	if (!label && !fixed)
		return;  /* out of memory, set */
	if ((c->d->flags & SQLKIT_DIALECT_BOOLEAN_IS_BIT) && is_boolish(inner)) {
		/* MS SQL has no boolean values: a condition becomes 1 or 0 */
		put(c, "CASE WHEN ");
		ex(c, inner, -1, 0, &hp, 1);
		put(c, " THEN 1 ELSE 0 END");
	} else {
		ex(c, inner, -1, 0, &hp, 0);
	}
	put(c, " AS ");
	ident(c, fixed ? fixed : label);
	free(label);
	coltype_add(c, expr_type(col));
}

static void emit_where_list(cctx *c, const sqlkit__list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i)
			put(c, " AND ");
		ex(c, l->v[i], l->n > 1 ? 3 : -1, l->n > 1 ? SQLKIT__OP_AND : 0, NULL, 1);
	}
}

static void emit_order_by(cctx *c, const sqlkit__list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const sqlkit_expr *o = l->v[i], *k = o->kind == SQLKIT__N_ORDER ? o->kids[0] : o;
		if (i)
			put(c, ", ");
		if (k->kind == SQLKIT__N_LABEL) {
			/* ORDER BY a label of the columns clause: its name */
			ident(c, k->name);
			if (o->kind == SQLKIT__N_ORDER) {
				if (o->op & SQLKIT__ORDER_ASC)
					put(c, " ASC");
				if (o->op & SQLKIT__ORDER_DESC)
					put(c, " DESC");
				if (o->op & (SQLKIT__ORDER_NULLS_FIRST | SQLKIT__ORDER_NULLS_LAST)) {
					if (!(c->d->flags & SQLKIT_DIALECT_NULLS_ORDER)) {
						unsupported(c, (o->op & SQLKIT__ORDER_NULLS_FIRST) ? "NULLS FIRST" : "NULLS LAST");
						return;
					}
					put(c, (o->op & SQLKIT__ORDER_NULLS_FIRST) ? " NULLS FIRST" : " NULLS LAST");
				}
			}
			continue;
		}
		ex(c, o, -1, 0, NULL, 0);
	}
}

static void limit_bind(cctx *c, const sqlkit_expr *v)
{
	hint h;

	memset(&h, 0, sizeof h);
	h.prefix = "param";
	h.type = sqlkit_Integer();
	value_bind(c, v, &h, NULL);
}

/* ORDER BY, then LIMIT/OFFSET as the dialect writes them (TOP is written
 * before the columns by emit_select). */
static void emit_order_limit(cctx *c, const sqlkit__stmt *st, int nested)
{
	const sqlkit_expr *lim = st->slot[SQLKIT__S_LIMIT].n ? st->slot[SQLKIT__S_LIMIT].v[0] : NULL;
	const sqlkit_expr *off = st->slot[SQLKIT__S_OFFSET].n ? st->slot[SQLKIT__S_OFFSET].v[0] : NULL;
	const sqlkit_dialect *d = c->d;
	int top_fetch = d->limit_style == SQLKIT_LIMIT_TOP_FETCH;

	if (st->slot[SQLKIT__S_ORDER].n) {
		/* MS SQL refuses ORDER BY in a subquery without TOP or OFFSET, and
		 * SQLAlchemy leaves it out there */
		if (!(top_fetch && nested && !lim && !off)) {
			put(c, " ORDER BY ");
			emit_order_by(c, &st->slot[SQLKIT__S_ORDER]);
		}
	} else if (top_fetch && off) {
		/* OFFSET ... FETCH is part of ORDER BY */
		put(c, " ORDER BY (SELECT NULL)");
	}
	if (!lim && !off)
		return;
	switch (d->limit_style) {
	case SQLKIT_LIMIT_OFFSET:
		if (d->no_limit) {
			/* OFFSET cannot stand alone (SQLite): SQLAlchemy's SQLite
			 * compiler always writes both, binding -1 and 0 */
			put(c, "\n LIMIT ");
			if (lim) {
				limit_bind(c, lim);
			} else {
				char *end;
				long long nl = strtoll(d->no_limit, &end, 10);
				if (*end)
					put(c, d->no_limit);
				else
					const_bind(c, sqlkit_int(nl));
			}
			put(c, " OFFSET ");
			if (off)
				limit_bind(c, off);
			else
				const_bind(c, sqlkit_int(0));
		} else {
			if (lim) {
				put(c, " \n LIMIT ");
				limit_bind(c, lim);
			}
			if (off) {
				put(c, lim ? " OFFSET " : " \n OFFSET ");
				limit_bind(c, off);
			}
		}
		break;
	case SQLKIT_LIMIT_COMMA:
		put(c, " \n LIMIT ");
		if (off) {
			limit_bind(c, off);
			put(c, ", ");
			if (lim)
				limit_bind(c, lim);
			else
				put(c, d->no_limit ? d->no_limit : "18446744073709551615");
		} else {
			limit_bind(c, lim);
		}
		break;
	case SQLKIT_LIMIT_TOP_FETCH:
		if (!off)
			break;  /* TOP, written before the columns */
		put(c, "\n OFFSET ");
		limit_bind(c, off);
		put(c, " ROWS");
		if (lim) {
			put(c, "\n FETCH FIRST ");
			limit_bind(c, lim);
			put(c, " ROWS ONLY");
		}
		break;
	}
}

static void render_ctes_attached(cctx *c, const sqlkit__stmt *st)
{
	size_t i;
	sqlkit_buf scratch = SQLKIT_BUF_INIT, *saved = c->out;

	/* sqlkit_with(): compile the CTE now so it is rendered even when unused */
	c->out = &scratch;
	for (i = 0; i < st->slot[SQLKIT__S_CTES].n; i++)
		emit_cte_ref(c, st->slot[SQLKIT__S_CTES].v[i]);
	c->out = saved;
	sqlkit__buf_free(&scratch);
}

/* A select. asfrom: a subquery in FROM or a CTE (plain columns get "AS name");
 * nested: a subquery used as a value (its FROM list correlates). */
static void emit_select(cctx *c, const sqlkit_expr *sel, int asfrom, int nested, int result)
{
	const sqlkit__stmt *st = sel->st;
	frame fr;
	size_t i;
	const sqlkit_expr *lim;
	int saved_result = c->result;

	if (c->err)
		return;
	c->depth++;
	if (c->depth == 1)
		render_ctes_attached(c, st);
	if (sel->kind == SQLKIT__N_COMPOUND) {
		for (i = 0; i < sel->nkids; i++) {
			if (i)
				put(c, sel->op == SQLKIT__UNION_ALL ? " UNION ALL " : " UNION ");
			if (i && sel->kids[i]->kind == SQLKIT__N_COMPOUND) {
				/* Compounds run left to right, and SQLite takes no parentheses
				 * around a member: a compound on the right becomes a subquery. */
				char alias[32];
				snprintf(alias, sizeof alias, ") AS anon_union_%d", c->depth);
				put(c, "SELECT * FROM (");
				emit_select(c, sel->kids[i], 0, nested, 0);
				put(c, alias);
				continue;
			}
			/* the first select gives the result columns */
			emit_select(c, sel->kids[i], asfrom, nested, result && i == 0);
		}
		c->no_table++;
		emit_order_limit(c, st, c->depth > 1);
		c->no_table--;
		c->depth--;
		return;
	}
	memset(&fr, 0, sizeof fr);
	select_froms(c, sel, nested, &fr.froms, &fr.nfroms);
	/* what is nested inside sees this select's FROMs (correlation) */
	fr.up = c->top;
	c->top = &fr;
	put(c, "SELECT ");
	if (sel->flags & SQLKIT__F_DISTINCT)
		put(c, "DISTINCT ");
	lim = st->slot[SQLKIT__S_LIMIT].n ? st->slot[SQLKIT__S_LIMIT].v[0] : NULL;
	if (c->d->limit_style == SQLKIT_LIMIT_TOP_FETCH && lim && !st->slot[SQLKIT__S_OFFSET].n) {
		put(c, "TOP (");
		limit_bind(c, lim);
		put(c, ") ");
	}
	for (i = 0; i < st->slot[SQLKIT__S_COLS].n; i++) {
		if (i)
			put(c, ", ");
		c->result = result;
		emit_select_column(c, st->slot[SQLKIT__S_COLS].v[i], asfrom);
		c->result = saved_result;
	}
	if (fr.nfroms) {
		put(c, " \nFROM ");
		for (i = 0; i < fr.nfroms; i++) {
			if (i)
				put(c, ", ");
			emit_from_ent(c, &fr.froms[i]);
		}
	}
	if (st->slot[SQLKIT__S_WHERE].n) {
		put(c, " \nWHERE ");
		emit_where_list(c, &st->slot[SQLKIT__S_WHERE]);
	}
	if (st->slot[SQLKIT__S_GROUP].n) {
		put(c, " GROUP BY ");
		for (i = 0; i < st->slot[SQLKIT__S_GROUP].n; i++) {
			const sqlkit_expr *g = st->slot[SQLKIT__S_GROUP].v[i];
			if (i)
				put(c, ", ");
			ex(c, g->kind == SQLKIT__N_LABEL ? g->kids[0] : g, -1, 0, NULL, 0);
		}
	}
	if (st->slot[SQLKIT__S_HAVING].n) {
		put(c, " \nHAVING ");
		emit_where_list(c, &st->slot[SQLKIT__S_HAVING]);
	}
	emit_order_limit(c, st, c->depth > 1);
	c->top = fr.up;
	free(fr.froms);
	c->depth--;
}

/* ---------------------------------------------------------------- DML */

static int dialect_returns(const sqlkit_dialect *d)
{
	return (d->flags & (SQLKIT_DIALECT_RETURNING | SQLKIT_DIALECT_OUTPUT_INSERTED)) != 0;
}

/* RETURNING cols, or OUTPUT inserted.cols on MS SQL. */
static void emit_returning(cctx *c, const sqlkit__list *l, const sqlkit_column *implicit,
                           const char *output_prefix)
{
	int output = (c->d->flags & SQLKIT_DIALECT_OUTPUT_INSERTED) != 0;
	size_t i;
	int saved_depth = c->depth;

	if (!dialect_returns(c->d)) {
		unsupported(c, "RETURNING");
		return;
	}
	put(c, output ? "OUTPUT " : "RETURNING ");
	if (output)
		c->col_prefix = output_prefix;
	c->result = c->depth == 0;
	if (implicit) {
		if (!output) {
			ident(c, implicit->table->name);
			put(c, ".");
		} else {
			put(c, output_prefix);
			put(c, ".");
		}
		ident(c, implicit->name);
		coltype_add(c, implicit->type);
	}
	for (i = 0; l && i < l->n; i++) {
		const sqlkit_expr *r = l->v[i];
		if (i)
			put(c, ", ");
		if (r->kind == SQLKIT__N_TABLE && !output) {
			emit_all_columns(c, r, 0);
		} else if (r->kind == SQLKIT__N_TABLE) {
			emit_all_columns(c, r, 0);
		} else if (r->kind == SQLKIT__N_COLUMN || r->kind == SQLKIT__N_LABEL) {
			emit_select_column(c, r, 0);
		} else {
			emit_select_column(c, r, 0);
		}
	}
	c->result = 0;
	c->depth = saved_depth;
	c->col_prefix = NULL;
}

/* The columns an INSERT without values names: the caller's (at execution),
 * or all of them (what SQLAlchemy compiles for an executemany with dicts). */
static int ins_col_wanted(cctx *c, size_t pos)
{
	if (!c->opts || !c->opts->ins_cols)
		return 1;
	return pos < c->opts->ncols && c->opts->ins_cols[pos];
}

static int has_client_default(const sqlkit_column *col)
{
	return col->has_default || col->default_fn;
}

static const sqlkit_expr *assign_for(const sqlkit__list *l, const sqlkit_column *col)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->column == col)
			return l->v[i];
	return NULL;
}

static void default_bind(cctx *c, const sqlkit_column *col, const char *exact)
{
	add_bind(c, bind_base(exact ? exact : col->name), SQLKIT__SRC_DEFAULT, col->position, NULL,
	         &col->type);
}

/* The bind of a column of insert(table) without values: a bindparam the caller
 * names by the column's name. */
static void plain_col_bind(cctx *c, const sqlkit_column *col)
{
	char *n = bind_base(col->name);

	if (!n) {
		oom(c);
		return;
	}
	add_bind(c, n, SQLKIT__SRC_PARAM, 0, col->name, &col->type);
}

static void emit_insert(cctx *c, const sqlkit_expr *ins)
{
	const sqlkit__stmt *st = ins->st;
	const sqlkit_table *t = ins->table;
	const sqlkit__list *vals = &st->slot[SQLKIT__S_VALUES];
	const sqlkit__list *rows = &st->slot[SQLKIT__S_ROWS];
	const sqlkit__list *inscols = &st->slot[SQLKIT__S_INSCOLS];
	int from_select = st->slot[SQLKIT__S_SELECT].n > 0;
	int multi = rows->n > 0;
	int plain = !vals->n && !multi && !from_select;  /* insert(table) alone */
	int at_exec = c->opts && c->opts->ins_cols;
	unsigned char *use;
	size_t i, r, ncols = 0;
	sqlkit_column *pk = sqlkit__expr_autoinc_pk(t), *single_pk = sqlkit__expr_single_pk(t);
	const sqlkit_column *implicit = NULL;
	int output = (c->d->flags & SQLKIT_DIALECT_OUTPUT_INSERTED) != 0;
	sqlkit__list first;

	c->is_insert = c->depth == 0;
	if (multi && rows->n > 1 && !(c->d->flags & SQLKIT_DIALECT_MULTI_VALUES)) {
		unsupported(c, "INSERT with several rows in one VALUES");
		return;
	}
	if (multi) {
		first.n = rows->v[0]->nkids;
		first.v = rows->v[0]->kids;
	}
	if (!(use = sqlkit__zalloc(t->ncolumns + 1, 1))) {
		oom(c);
		return;
	}
	/* Which columns, in the table's order as SQLAlchemy orders them: those
	 * given, and those with a client-side default. insert(table) alone names
	 * every column (compiled for display) or, at execution, the columns the
	 * caller's params name. */
	for (i = 0; i < t->ncolumns && !from_select; i++) {
		const sqlkit_column *col = t->columns[i];
		if (plain)
			use[i] = ins_col_wanted(c, i) || (at_exec && has_client_default(col));
		else
			use[i] = assign_for(multi ? &first : vals, col) || has_client_default(col);
		ncols += use[i];
	}
	/* The autoincrement primary key comes back by RETURNING / OUTPUT where
	 * the database has no last-insert-id of its own (SERIAL, IDENTITY), as
	 * SQLAlchemy does for PostgreSQL and MS SQL. */
	if (c->depth == 0 && pk && !from_select && !multi && !st->slot[SQLKIT__S_RETURNING].n &&
	    !use[pk->position] && dialect_returns(c->d) &&
	    (c->d->autoinc_style == SQLKIT_AUTOINC_SERIAL || c->d->autoinc_style == SQLKIT_AUTOINC_IDENTITY))
		implicit = pk;
	c->returns_pk = implicit != NULL;

	put(c, "INSERT INTO ");
	ident(c, t->name);
	if (from_select) {
		put(c, " (");
		for (i = 0; i < inscols->n; i++) {
			if (i)
				put(c, ", ");
			ident(c, inscols->v[i]->column->name);
		}
		put(c, ")");
	} else if (ncols) {
		size_t k = 0;
		put(c, " (");
		for (i = 0; i < t->ncolumns; i++)
			if (use[i]) {
				if (k++)
					put(c, ", ");
				ident(c, t->columns[i]->name);
			}
		put(c, ")");
	}
	if (output && (implicit || st->slot[SQLKIT__S_RETURNING].n)) {
		put(c, " ");
		emit_returning(c, &st->slot[SQLKIT__S_RETURNING], implicit, "inserted");
	}
	if (from_select) {
		put(c, " ");
		c->depth++;
		emit_select(c, st->slot[SQLKIT__S_SELECT].v[0], 0, 0, 0);
		c->depth--;
	} else if (!ncols) {
		put(c, (offsetof(sqlkit_dialect, empty_insert) + sizeof c->d->empty_insert <=
		        c->d->struct_size && c->d->empty_insert) ? c->d->empty_insert : " DEFAULT VALUES");
	} else {
		put(c, " VALUES ");
		for (r = 0; r < (multi ? rows->n : 1); r++) {
			size_t k = 0;
			sqlkit__list rowl;
			if (r)
				put(c, ", ");
			put(c, "(");
			if (multi) {
				rowl.n = rows->v[r]->nkids;
				rowl.v = rows->v[r]->kids;
			}
			for (i = 0; i < t->ncolumns; i++) {
				const sqlkit_column *col = t->columns[i];
				const sqlkit_expr *a = NULL;
				char mname[300];
				size_t before = c->nbinds;
				int simple = 1;
				if (!use[i])
					continue;
				if (k++)
					put(c, ", ");
				snprintf(mname, sizeof mname, "%s_m%zu", col->name, r);
				if (plain && ins_col_wanted(c, i)) {
					plain_col_bind(c, col);
				} else if (!plain && (a = assign_for(multi ? &rowl : vals, col)) != NULL) {
					emit_crud_value(c, a->kids[0], col, multi ? mname : NULL);
					simple = a->kids[0]->kind == SQLKIT__N_VALUE ||
					         a->kids[0]->kind == SQLKIT__N_BINDPARAM;
				} else {
					default_bind(c, col, multi ? mname : NULL);
				}
				/* remember where the primary key's value is, for
				 * inserted_primary_key */
				if (col == single_pk && !multi && simple && c->nbinds == before + 1)
					c->pk_name = c->binds[c->nbinds - 1].name;
				else if (col == single_pk && !multi && simple && a &&
				         a->kids[0]->kind == SQLKIT__N_BINDPARAM)
					c->pk_name = a->kids[0]->name;
			}
			put(c, ")");
		}
	}
	if (!output && (implicit || st->slot[SQLKIT__S_RETURNING].n)) {
		put(c, " ");
		emit_returning(c, &st->slot[SQLKIT__S_RETURNING], implicit, "inserted");
	}
	free(use);
}

static void emit_update(cctx *c, const sqlkit_expr *up)
{
	const sqlkit__stmt *st = up->st;
	const sqlkit_table *t = up->table;
	int output = (c->d->flags & SQLKIT_DIALECT_OUTPUT_INSERTED) != 0;
	size_t i, k = 0;
	frame fr;

	if (!st->slot[SQLKIT__S_VALUES].n) {
		set_err(c, sqlkit__error(SQLKIT_EINVAL, "update of \"%s\" without values", t->name));
		return;
	}
	memset(&fr, 0, sizeof fr);
	put(c, "UPDATE ");
	ident(c, t->name);
	put(c, " SET ");
	for (i = 0; i < t->ncolumns; i++) {
		const sqlkit_expr *a = assign_for(&st->slot[SQLKIT__S_VALUES], t->columns[i]);
		if (!a)
			continue;
		if (k++)
			put(c, ", ");
		ident(c, t->columns[i]->name);
		put(c, "=");
		emit_crud_value(c, a->kids[0], t->columns[i], NULL);
	}
	if (output && st->slot[SQLKIT__S_RETURNING].n) {
		put(c, " ");
		emit_returning(c, &st->slot[SQLKIT__S_RETURNING], NULL, "inserted");
	}
	if (st->slot[SQLKIT__S_WHERE].n) {
		put(c, " WHERE ");
		emit_where_list(c, &st->slot[SQLKIT__S_WHERE]);
	}
	if (!output && st->slot[SQLKIT__S_RETURNING].n) {
		put(c, " ");
		emit_returning(c, &st->slot[SQLKIT__S_RETURNING], NULL, NULL);
	}
}

static void emit_delete(cctx *c, const sqlkit_expr *del)
{
	const sqlkit__stmt *st = del->st;
	int output = (c->d->flags & SQLKIT_DIALECT_OUTPUT_INSERTED) != 0;

	put(c, "DELETE FROM ");
	ident(c, del->table->name);
	if (output && st->slot[SQLKIT__S_RETURNING].n) {
		put(c, " ");
		emit_returning(c, &st->slot[SQLKIT__S_RETURNING], NULL, "deleted");
	}
	if (st->slot[SQLKIT__S_WHERE].n) {
		put(c, " WHERE ");
		emit_where_list(c, &st->slot[SQLKIT__S_WHERE]);
	}
	if (!output && st->slot[SQLKIT__S_RETURNING].n) {
		put(c, " ");
		emit_returning(c, &st->slot[SQLKIT__S_RETURNING], NULL, NULL);
	}
}

/* ---------------------------------------------------------------- compile */

typedef struct order_ud {
	cctx *c;
	size_t *order;
	size_t n;
	unsigned char *seen;
} order_ud;

static int order_bind(void *ud, const char *sql, size_t at, size_t len)
{
	order_ud *o = ud;
	size_t i;

	for (i = 0; i < o->c->nbinds; i++)
		if (strlen(o->c->binds[i].name) == len && memcmp(o->c->binds[i].name, sql + at + 1, len) == 0) {
			if (!o->seen[i]) {
				o->seen[i] = 1;
				o->order[o->n++] = i;
			}
			return 0;
		}
	return 0;
}

static void cctx_free(cctx *c)
{
	size_t i;

	for (i = 0; i < c->nbinds; i++) {
		free(c->binds[i].name);
		free((char *)c->binds[i].how.key);
	}
	free(c->binds);
	for (i = 0; i < c->nanon; i++)
		free(c->anon[i].prefix);
	free(c->anon);
	for (i = 0; i < c->nctes; i++)
		free(c->ctes[i].text);
	free(c->ctes);
	free(c->consts);
	free(c->coltypes);
}

/* Compile stmt into a new cache entry. */
static int compile_entry(centry **out, const sqlkit_expr *stmt, const sqlkit_dialect *d,
                         const sqlkit__compile_opts *opts, shape *sh)
{
	cctx c;
	sqlkit_buf body = SQLKIT_BUF_INIT, all = SQLKIT_BUF_INIT;
	centry *e = NULL;
	order_ud o;
	size_t i;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	c.d = d;
	c.opts = opts;
	c.sh = sh;
	c.out = &body;
	switch (stmt->kind) {
	case SQLKIT__N_SELECT:
	case SQLKIT__N_COMPOUND:
		emit_select(&c, stmt, 0, 0, 1);
		break;
	case SQLKIT__N_INSERT:
	case SQLKIT__N_UPDATE:
	case SQLKIT__N_DELETE:
		c.depth = 0;
		render_ctes_attached(&c, stmt->st);
		if (stmt->kind == SQLKIT__N_INSERT)
			emit_insert(&c, stmt);
		else if (stmt->kind == SQLKIT__N_UPDATE)
			emit_update(&c, stmt);
		else
			emit_delete(&c, stmt);
		break;
	case SQLKIT__N_TEXT:
		emit_text(&c, stmt->name);
		break;
	default:
		set_err(&c, sqlkit__error(SQLKIT_EINVAL, "not a statement: build one with sqlkit_select(), "
		                          "sqlkit_insert(), sqlkit_update(), sqlkit_delete() or sqlkit_text_stmt()"));
		break;
	}
	if (!c.err && body.oom)
		oom(&c);
	if (c.err)
		goto done;
	if (c.nctes) {
		sqlkit__buf_puts(&all, "WITH ");
		for (i = 0; i < c.nctes; i++) {
			if (i)
				sqlkit__buf_puts(&all, ", \n");
			sqlkit__buf_puts(&all, c.ctes[i].text ? c.ctes[i].text : "");
		}
		sqlkit__buf_puts(&all, "\n ");
	}
	sqlkit__buf_put(&all, body.ptr ? body.ptr : "", body.len);
	if (all.oom) {
		oom(&c);
		goto done;
	}
	if ((e = sqlkit__zalloc(1, sizeof *e)))
		e->refs = 1;   /* before anything can fail: the error path unrefs it */
	if (!e || !(e->sql = sqlkit__buf_detach(&all))) {
		oom(&c);
		goto done;
	}
	e->h1 = sh->h1;
	e->h2 = sh->h2;
	e->d = d;
	/* binds in order of first appearance in the text (CTEs come first) */
	o.c = &c;
	if (!(o.order = sqlkit__zalloc(c.nbinds + 1, sizeof *o.order)) || !(o.seen = sqlkit__zalloc(c.nbinds + 1, 1))) {
		oom(&c);
		goto done;
	}
	scan_binds(d, e->sql, strlen(e->sql), order_bind, &o);
	if (o.n != c.nbinds) {
		set_err(&c, sqlkit__error(SQLKIT_EINVAL, "internal: %zu binds compiled, %zu in the text",
		                          c.nbinds, o.n));
		goto done;
	}
	e->nbinds = c.nbinds;
	if (!(e->names = sqlkit__zalloc(c.nbinds + 1, sizeof *e->names)) ||
	    !(e->how = sqlkit__zalloc(c.nbinds + 1, sizeof *e->how)) ||
	    !(e->btypes = sqlkit__zalloc(c.nbinds + 1, sizeof *e->btypes))) {
		e->nbinds = 0;
		oom(&c);
		goto done;
	}
	for (i = 0; i < c.nbinds; i++) {
		bindrec *b = &c.binds[o.order[i]];
		e->names[i] = b->name;
		e->how[i] = b->how;
		e->btypes[i] = b->type;
		if (c.pk_name && strcmp(b->name, c.pk_name) == 0) {
			e->pk_from_values = 1;
			e->pk_bind = i;
		}
		b->name = NULL;
		b->how.key = NULL;
	}
	e->consts = c.consts;
	e->nconsts = c.nconsts;
	c.consts = NULL;
	e->coltypes = c.coltypes;
	e->ncolumns = c.ncoltypes;
	c.coltypes = NULL;
	e->is_insert = c.is_insert;
	e->returns_pk = c.returns_pk;
	*out = e;
	e = NULL;
done:
	rc = c.err;
	free(o.order);
	free(o.seen);
	centry_unref(e);
	sqlkit__buf_free(&body);
	sqlkit__buf_free(&all);
	cctx_free(&c);
	return rc;
}

/* A compiled form for one tree from an entry: names, types and SQL are the
 * entry's, values the tree's. No string is built. */
static int compiled_from(sqlkit__compiled_x **out, centry *e, const shape *sh,
                         const sqlkit_expr *stmt)
{
	sqlkit__compiled_x *x;
	size_t i;

	/* one block: the compiled form, then its binds */
	if (!(x = sqlkit__zalloc(1, sizeof *x + (e->nbinds + 1) * sizeof *x->pub.binds)))
		return sqlkit__error_oom();
	x->pub.binds = (sqlkit__bind *)(x + 1);
	x->entry = e;
	x->how = e->how;
	x->pub.sql = e->sql;
	x->pub.nbinds = e->nbinds;
	x->pub.ncolumns = e->ncolumns;
	x->pub.column_types = e->coltypes;
	x->pub.is_insert = e->is_insert;
	x->pub.returns_pk = e->returns_pk;
	x->pk_from_values = e->pk_from_values;
	x->pk_bind = e->pk_bind;
	for (i = 0; i < e->nbinds; i++) {
		sqlkit__bind *b = &x->pub.binds[i];
		b->name = e->names[i];
		b->type = e->btypes[i];
		b->value = sqlkit_null();
		switch (e->how[i].src) {
		case SQLKIT__SRC_VALUE:
			b->kind = SQLKIT__BIND_VALUE;
			b->value = sh->vals[e->how[i].index]->value;
			break;
		case SQLKIT__SRC_CONST:
			b->kind = SQLKIT__BIND_VALUE;
			b->value = e->consts[e->how[i].index];
			break;
		case SQLKIT__SRC_DEFAULT: {
			const sqlkit_column *col = stmt->table->columns[e->how[i].index];
			if (col->has_default && !col->default_fn) {
				b->kind = SQLKIT__BIND_VALUE;
				b->value = col->default_value;
			} else {
				b->kind = SQLKIT__BIND_PARAM;  /* computed at execution */
			}
			break;
		}
		default:
			b->kind = SQLKIT__BIND_PARAM;
			break;
		}
	}
	*out = x;
	return 0;
}

int sqlkit__compile_ex(sqlkit__compiled_x **out, const sqlkit_expr *stmt, const sqlkit_dialect *d,
                       const sqlkit__compile_opts *opts)
{
	shape sh;
	centry *e;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit__compile: out is NULL");
	*out = NULL;
	if (!stmt || !d)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit__compile: %s is NULL", stmt ? "dialect" : "statement");
	if ((rc = shape_of(&sh, stmt, d, opts)) < 0)
		goto done;
	if (!(e = cache_get(sh.h1, sh.h2, d))) {
		if ((rc = compile_entry(&e, stmt, d, opts, &sh)) < 0)
			goto done;
		cache_put(e);
	}
	if ((rc = compiled_from(out, e, &sh, stmt)) < 0)
		centry_unref(e);
done:
	shape_free(&sh);
	return rc;
}

int sqlkit__compile(sqlkit__compiled **out, const sqlkit_expr *stmt, const sqlkit_dialect *d)
{
	sqlkit__compiled_x *x;
	int rc;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit__compile: out is NULL");
	*out = NULL;
	if ((rc = sqlkit__compile_ex(&x, stmt, d, NULL)) < 0)
		return rc;
	*out = &x->pub;
	return 0;
}

void sqlkit__compiled_free(sqlkit__compiled *c)
{
	sqlkit__compiled_x *x = (sqlkit__compiled_x *)c;  /* pub is the first member */

	if (!c)
		return;
	centry_unref(x->entry);   /* the binds are in x's block */
	free(x);
}

/* ================================================================ rendering */

/* A string literal: quotes doubled, and backslashes too where the database
 * reads them as escapes. */
static void put_quoted(sqlkit_buf *b, const char *s, size_t n, const sqlkit_dialect *d)
{
	int bs = (d->flags & SQLKIT_DIALECT_BACKSLASH_ESCAPES) != 0;
	size_t i;

	sqlkit__buf_putc(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'' || (bs && s[i] == '\\'))
			sqlkit__buf_putc(b, s[i]);
		sqlkit__buf_putc(b, s[i]);
	}
	sqlkit__buf_putc(b, '\'');
}

/* A value as an SQL literal, for display only. */
static void render_literal(sqlkit_buf *b, const sqlkit_value *v, const sqlkit_dialect *d)
{
	char tmp[64];
	size_t i;

	switch (v->type) {
	case SQLKIT_TYPE_NULL:
		sqlkit__buf_puts(b, "NULL");
		break;
	case SQLKIT_TYPE_INT:
		sqlkit__buf_printf(b, "%lld", (long long)v->u.i);
		break;
	case SQLKIT_TYPE_FLOAT: {
		int prec_digits;
		if (!isfinite(v->u.f)) {   /* no SQL literal: shown as a string */
			put_quoted(b, isnan(v->u.f) ? "NaN" : v->u.f > 0 ? "Infinity" : "-Infinity",
			           isnan(v->u.f) ? 3 : v->u.f > 0 ? 8 : 9, d);
			break;
		}
		for (prec_digits = 15; prec_digits <= 17; prec_digits++) {
			snprintf(tmp, sizeof tmp, "%.*g", prec_digits, v->u.f);
			if (strtod(tmp, NULL) == v->u.f)
				break;
		}
		if (!strpbrk(tmp, ".eEn"))
			strcat(tmp, ".0");
		sqlkit__buf_puts(b, tmp);
		break;
	}
	case SQLKIT_TYPE_DECIMAL:
		/* bare only when it is a number; anything else stays an inert string */
		if (v->u.s.ptr && sqlkit__decimal_valid(v->u.s.ptr, v->u.s.len))
			sqlkit__buf_put(b, v->u.s.ptr, v->u.s.len);
		else
			put_quoted(b, v->u.s.ptr ? v->u.s.ptr : "", v->u.s.ptr ? v->u.s.len : 0, d);
		break;
	case SQLKIT_TYPE_TEXT:
	case SQLKIT_TYPE_JSON:
		put_quoted(b, v->u.s.ptr, v->u.s.len, d);
		break;
	case SQLKIT_TYPE_BLOB:
		if (d->flags & SQLKIT_DIALECT_BOOLEAN_IS_BIT) {
			sqlkit__buf_puts(b, "0x");
		} else {
			sqlkit__buf_puts(b, "X'");
		}
		for (i = 0; i < v->u.s.len; i++)
			sqlkit__buf_printf(b, "%02X", (unsigned char)v->u.s.ptr[i]);
		if (!(d->flags & SQLKIT_DIALECT_BOOLEAN_IS_BIT))
			sqlkit__buf_putc(b, '\'');
		break;
	case SQLKIT_TYPE_BOOL:
		if (d->flags & SQLKIT_DIALECT_TRUE_FALSE)
			sqlkit__buf_puts(b, v->u.b ? "true" : "false");
		else
			sqlkit__buf_puts(b, v->u.b ? "1" : "0");
		break;
	case SQLKIT_TYPE_DATE:
	case SQLKIT_TYPE_TIME:
	case SQLKIT_TYPE_DATETIME:
		if (sqlkit_datetime_format(tmp, sizeof tmp, v) < 0)
			strcpy(tmp, "?");
		put_quoted(b, tmp, strlen(tmp), d);
		break;
	case SQLKIT_TYPE_UUID:
		sqlkit_uuid_format(tmp, v->u.uuid);
		put_quoted(b, tmp, strlen(tmp), d);
		break;
	}
}

typedef struct lit_ud {
	const sqlkit__compiled *c;
	const sqlkit_dialect *d;
	sqlkit_buf *b;
	const char *last;
} lit_ud;

static int lit_bind(void *ud, const char *sql, size_t at, size_t len)
{
	lit_ud *l = ud;
	size_t i;

	for (i = 0; i < l->c->nbinds; i++) {
		const sqlkit__bind *b = &l->c->binds[i];
		if (b->kind == SQLKIT__BIND_VALUE && strlen(b->name) == len &&
		    memcmp(b->name, sql + at + 1, len) == 0) {
			sqlkit__buf_put(l->b, l->last, (size_t)(sql + at - l->last));
			render_literal(l->b, &b->value, l->d);
			l->last = sql + at + 1 + len;
			break;
		}
	}
	return 0;
}

int sqlkit__render(char **out, const sqlkit__compiled *c, sqlkit_paramstyle style,
                   const sqlkit_dialect *d, unsigned flags)
{
	centry *e;
	const char *done;
	char *keep;
	sqlkit__lexed lx;
	int rc;

	if (!out || !c || !d)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit__render: an argument is NULL");
	*out = NULL;
	if (flags & SQLKIT_RENDER_LITERAL_BINDS) {
		sqlkit_buf b = SQLKIT_BUF_INIT;
		lit_ud l;
		size_t len = strlen(c->sql);
		l.c = c;
		l.d = d;
		l.b = &b;
		l.last = c->sql;
		scan_binds(d, c->sql, len, lit_bind, &l);
		sqlkit__buf_put(&b, l.last, (size_t)(c->sql + len - l.last));
		if (b.oom) {
			sqlkit__buf_free(&b);
			return sqlkit__error_oom();
		}
		*out = sqlkit__buf_detach(&b);
		return *out ? 0 : sqlkit__error_oom();
	}
	/* Compiled forms all come from an entry (sqlkit__compile), which keeps the
	 * text in each marker style once it was made: a cache hit lexes nothing. */
	e = ((const sqlkit__compiled_x *)c)->entry;
	if (e && e->d == d && style >= SQLKIT_PARAMSTYLE_QMARK && style <= SQLKIT_PARAMSTYLE_AT_P &&
	    (done = __atomic_load_n(&e->rendered[style], __ATOMIC_ACQUIRE))) {
		*out = sqlkit__strndup(done, strlen(done));
		return *out ? 0 : sqlkit__error_oom();
	}
	if ((rc = sqlkit__lex_binds(&lx, c->sql, strlen(c->sql), style, sqlkit__lex_flags(d, 0))) < 0)
		return rc;
	*out = lx.sql;
	lx.sql = NULL;
	sqlkit__lexed_free(&lx);
	if (e && e->d == d && style >= SQLKIT_PARAMSTYLE_QMARK && style <= SQLKIT_PARAMSTYLE_AT_P &&
	    (keep = sqlkit__strndup(*out, strlen(*out)))) {
		char *expected = NULL;
		/* another thread may have been first: then its copy stays */
		if (!__atomic_compare_exchange_n(&e->rendered[style], &expected, keep, 0,
		                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			free(keep);
	}
	return 0;
}
