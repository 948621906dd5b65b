/*
 * core/ddl.c - the tables of a MetaData in dependency order, their DDL for a
 * dialect, and create_all / drop_all on a connection.
 *
 * The DDL is SQLAlchemy's (sqlalchemy/sql/compiler.py DDLCompiler, 2.0):
 *
 *     CREATE TABLE comment (
 *     	id INTEGER NOT NULL, 
 *     	pageid INTEGER NOT NULL, 
 *     	PRIMARY KEY (id), 
 *     	FOREIGN KEY(pageid) REFERENCES page (id)
 *     )
 *
 * columns first, then PRIMARY KEY, then the table's own constraints in the order
 * they were added, then those its columns declare (UNIQUE, FOREIGN KEY) in column
 * order: in SQLAlchemy, constraints passed to Table() are made before the ones its
 * columns make as they are attached, and they come out sorted by creation.
 *
 * How a column is spelled follows the family its dialect's autoinc_style names,
 * as each SQLAlchemy dialect overrides get_column_specification():
 *
 *   ROWID     name TYPE [DEFAULT x] [NOT NULL]; a default that is not a single
 *             word or a quoted/parenthesized text is put in parentheses (SQLite)
 *   SERIAL    name SERIAL|BIGSERIAL|SMALLSERIAL for the autoincrement column,
 *             else name TYPE [DEFAULT x] [NOT NULL] (PostgreSQL)
 *   KEYWORD   name TYPE [NOT NULL | NULL for a TIMESTAMP] [AUTO_INCREMENT | DEFAULT x] (MySQL)
 *   IDENTITY  name TYPE NOT NULL|NULL [IDENTITY(1,1) | DEFAULT x] (SQL Server)
 *
 * Two deliberate differences from SQLAlchemy: a column with a Sequence gets
 * DEFAULT nextval('seq') (PostgreSQL) or DEFAULT NEXT VALUE FOR seq (other
 * dialects with sequences), so that an INSERT that leaves it out still numbers
 * its rows; and a column without a type takes the type of the column its foreign
 * key points at.
 *
 * Existence: sqlkit_table_exists() asks the plugin's has_table when it has one;
 * otherwise it runs "SELECT 1 FROM t WHERE 1 = 0", which works on every database, and takes "no such table" (SQLKIT_ESQL) for "does not exist".
 * Inside a transaction the probe runs in a savepoint, because a failed statement
 * aborts a PostgreSQL transaction. A native ENUM type is probed the same way with
 * "SELECT CAST(NULL AS name)".
 *
 * Transactions: where the plugin declares SQLKIT_FEATURE_TRANSACTIONAL_DDL, the
 * statements of create_all, drop_all, table_create and table_drop run in one
 * transaction (begun and committed here unless the caller has one open), so a
 * failure leaves nothing half done. Elsewhere (MySQL) each DDL statement commits
 * by itself, so none is begun, and probes run without savepoints.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "dbapi.h"
#include "schema_internal.h"
#include "util.h"

static int oom_or(sqlkit_buf *b, int rc)
{
	if (rc == 0 && b->oom)
		return sqlkit__error_oom();
	return rc;
}

static const sqlkit_table *find_table(const sqlkit_metadata *md, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < md->ntables; i++) {
		const char *n = md->tables[i]->name;
		if (strncmp(n, name, len) == 0 && n[len] == '\0')
			return md->tables[i];
	}
	return NULL;
}

/* A SQL string literal, quotes doubled. For schema constants only (enum values,
 * sequence names): values never reach SQL text. */
static void put_literal(sqlkit_buf *b, const char *s)
{
	sqlkit__buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sqlkit__buf_putc(b, '\'');
		sqlkit__buf_putc(b, *s);
	}
	sqlkit__buf_putc(b, '\'');
}

/* "a, b, c", each quoted as needed. */
static int put_idents(sqlkit_buf *b, const sqlkit_dialect *d, char *const *names, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (i)
			sqlkit__buf_puts(b, ", ");
		if ((rc = sqlkit__quote_ident(b, d, names[i])) < 0)
			return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- sorted tables */

/* The tables t depends on (other tables of the metadata its foreign keys point
 * at), as indexes into md->tables, written into deps (room for every table). */
static size_t dependencies(size_t *deps, const sqlkit_table *t)
{
	const sqlkit_metadata *md = t->metadata;
	size_t i, j, k, n = 0;

	for (i = 0; i < t->ncolumns + t->nfks; i++) {
		const sqlkit_table *target;
		const char *name, *column;
		size_t len;

		if (i < t->ncolumns) {
			if (sqlkit__fk_target(t->columns[i], &name, &len, &column) < 0)
				continue;
		} else {
			name = t->fks[i - t->ncolumns].ref_table;
			len = strlen(name);
		}
		/* Self-references do not order anything; unknown tables are reported
		 * by the DDL, not here. */
		if (!(target = find_table(md, name, len)) || target == t)
			continue;
		for (j = 0; j < md->ntables && md->tables[j] != target; j++)
			;
		for (k = 0; k < n && deps[k] != j; k++)
			;
		if (k == n)
			deps[n++] = j;
	}
	return n;
}

static int by_name(const void *a, const void *b)
{
	const sqlkit_table *x = *(const sqlkit_table *const *)a, *y = *(const sqlkit_table *const *)b;
	return strcmp(x->name, y->name);
}

/* Whether table `from` reaches table `to` through dependencies among the tables
 * still left (left[i] non-zero). */
static int reaches(size_t from, size_t to, const size_t *off, const size_t *deps,
                   const char *left, char *seen)
{
	size_t k;

	for (k = off[from]; k < off[from + 1]; k++) {
		size_t next = deps[k];
		if (!left[next] || seen[next])
			continue;
		if (next == to)
			return 1;
		seen[next] = 1;
		if (reaches(next, to, off, deps, left, seen))
			return 1;
	}
	return 0;
}

/*
 * SQLAlchemy's MetaData.sorted_tables: the tables sorted by name, then taken in
 * rounds, each round every table whose dependencies are all out already, in that
 * order (sqlalchemy/util/topological.py sort_as_subsets). When a round finds none,
 * the tables left that reach themselves form the cycle named in the error.
 */
int sqlkit_metadata_sorted_tables(sqlkit_table ***out, size_t *count, const sqlkit_metadata *md)
{
	sqlkit_table **order = NULL, **result = NULL;
	size_t *off = NULL, *deps = NULL, *pos = NULL, *scratch = NULL;
	char *left = NULL, *seen = NULL;
	size_t n, i, k, done = 0, total = 0;
	int rc = 0;

	if (out)
		*out = NULL;
	if (count)
		*count = 0;
	if (!out || !count || !md)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_metadata_sorted_tables: %s is NULL",
		                     !out ? "out" : !count ? "count" : "md");
	if (!(n = md->ntables))
		return 0;
	if (!(order = malloc(n * sizeof *order)) || !(result = malloc(n * sizeof *result)) ||
	    !(off = calloc(n + 1, sizeof *off)) || !(pos = malloc(n * sizeof *pos)) ||
	    !(scratch = malloc(n * sizeof *scratch)) || !(left = malloc(n)) || !(seen = malloc(n))) {
		rc = sqlkit__error_oom();
		goto done;
	}
	memcpy(order, md->tables, n * sizeof *order);
	qsort(order, n, sizeof *order, by_name);
	/* Work on positions in name order: pos[i] is where md->tables[i] sits. */
	for (i = 0; i < n; i++) {
		for (k = 0; order[k] != md->tables[i]; k++)
			;
		pos[i] = k;
	}
	for (i = 0; i < n; i++)
		off[i + 1] = off[i] + dependencies(scratch, order[i]);
	total = off[n];
	if (total && !(deps = malloc(total * sizeof *deps))) {
		rc = sqlkit__error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		size_t m = dependencies(scratch, order[i]);
		for (k = 0; k < m; k++)
			deps[off[i] + k] = pos[scratch[k]];
	}
	memset(left, 1, n);
	while (done < n) {
		size_t round = done;

		for (i = 0; i < n; i++) {
			if (!left[i])
				continue;
			for (k = off[i]; k < off[i + 1] && !left[deps[k]]; k++)
				;
			if (k == off[i + 1])
				result[done++] = order[i];
		}
		if (done == round)
			break;
		/* A table that came out this round leaves only now, so that its
		 * dependents wait for the next round. */
		for (i = round; i < done; i++) {
			for (k = 0; order[k] != result[i]; k++)
				;
			left[k] = 0;
		}
	}
	if (done < n) {
		sqlkit_buf msg = SQLKIT_BUF_INIT;
		int first = 1;

		sqlkit__buf_puts(&msg, "foreign keys form a cycle between tables ");
		for (i = 0; i < n; i++) {
			if (!left[i])
				continue;
			memset(seen, 0, n);
			if (!reaches(i, i, off, deps, left, seen))
				continue;
			sqlkit__buf_printf(&msg, "%s\"%s\"", first ? "" : ", ", order[i]->name);
			first = 0;
		}
		if (msg.oom)
			rc = sqlkit__error_oom();
		else
			rc = sqlkit__error(SQLKIT_EINVAL, "%s", msg.ptr);
		sqlkit__buf_free(&msg);
		goto done;
	}
	*out = result;
	*count = n;
	result = NULL;
done:
	free(order);
	free(result);
	free(off);
	free(deps);
	free(pos);
	free(scratch);
	free(left);
	free(seen);
	return rc;
}

/* ---------------------------------------------------------------- column specification */

static int column_type(sqlkit_sqltype *out, const sqlkit_column *c)
{
	const char *table, *column;
	size_t tlen;

	*out = sqlkit_column_type(c);
	if (out->kind != SQLKIT_SQLT_NULLTYPE)
		return 0;
	if (sqlkit__fk_target(c, &table, &tlen, &column) == 0 && !sqlkit__fk_target_column(c))
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\" has no type and its foreign "
		                     "key target \"%s\" is not in the metadata to take one from",
		                     c->table->name, c->name, c->fk_target);
	return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\" has no type", c->table->name,
	                     c->name);
}

static int put_type(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_column *c,
                    const sqlkit_sqltype *type)
{
	if (type->kind == SQLKIT_SQLT_ENUM && (d->flags & SQLKIT_DIALECT_NATIVE_ENUM)) {
		if (!type->enum_name)
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": an Enum needs a type "
			                     "name on dialect \"%s\", which creates it with CREATE TYPE",
			                     c->table->name, c->name, d->name);
		return sqlkit__quote_ident(b, d, type->enum_name);
	}
	return sqlkit__type_ddl(b, d, type, c->table->name, c->name);
}

/* The text after DEFAULT: the server default, or the next value of the column's
 * sequence; NULL when there is none. */
static int default_text(sqlkit_buf *out, const sqlkit_dialect *d, const sqlkit_column *c, int seq)
{
	sqlkit_buf name = SQLKIT_BUF_INIT;
	int rc;

	if (c->server_default) {
		sqlkit__buf_puts(out, c->server_default);
		return oom_or(out, 0);
	}
	if (!seq)
		return 0;
	if (d->autoinc_style == SQLKIT_AUTOINC_SERIAL) {
		/* nextval() takes the name as text, quoted as an identifier inside. */
		if ((rc = sqlkit__quote_ident(&name, d, c->sequence)) < 0)
			return rc;
		sqlkit__buf_puts(out, "nextval(");
		put_literal(out, name.ptr ? name.ptr : "");
		sqlkit__buf_putc(out, ')');
		rc = oom_or(&name, 0);
		sqlkit__buf_free(&name);
		return oom_or(out, rc);
	}
	sqlkit__buf_puts(out, "NEXT VALUE FOR ");
	return oom_or(out, sqlkit__quote_ident(out, d, c->sequence));
}

/* SQLite's get_column_specification: a default that neither starts with a quote
 * or parenthesis nor is a single word goes in parentheses, as SQLite requires of
 * expressions. */
static int sqlite_needs_parens(const char *s)
{
	const char *p = s;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	if (*p == '\'' || *p == '"' || *p == '(')
		return 0;
	for (p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch >= 0x80))
			return 1;
	}
	return 0;
}

static int column_spec(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_column *c, size_t npk)
{
	sqlkit_buf dflt = SQLKIT_BUF_INIT;
	sqlkit_sqltype type;
	int autoinc = sqlkit__column_is_autoincrement(c);
	int seq = c->sequence && (d->flags & SQLKIT_DIALECT_SEQUENCES);
	int not_null = (c->flags & (SQLKIT_COL_PRIMARY_KEY | SQLKIT_COL_NOT_NULL)) != 0;
	int rc;

	if ((rc = column_type(&type, c)) < 0 || (rc = sqlkit__quote_ident(b, d, c->name)) < 0)
		return rc;
	sqlkit__buf_putc(b, ' ');
	if (d->autoinc_style == SQLKIT_AUTOINC_SERIAL && autoinc && !seq) {
		sqlkit__buf_puts(b, type.kind == SQLKIT_SQLT_BIGINT ? "BIGSERIAL" :
		                    type.kind == SQLKIT_SQLT_SMALLINT ? "SMALLSERIAL" : "SERIAL");
		if (not_null)
			sqlkit__buf_puts(b, " NOT NULL");
		return oom_or(b, 0);
	}
	if (d->autoinc_style == SQLKIT_AUTOINC_ROWID && (c->flags & SQLKIT_COL_AUTOINCREMENT) &&
	    npk != 1)
		return sqlkit__error(SQLKIT_ENOTSUPPORTED, "column \"%s\".\"%s\": dialect \"%s\" cannot "
		                     "autoincrement a column of a composite primary key",
		                     c->table->name, c->name, d->name);
	if ((rc = put_type(b, d, c, &type)) < 0 || (rc = default_text(&dflt, d, c, seq)) < 0)
		goto done;
	switch (d->autoinc_style) {
	case SQLKIT_AUTOINC_KEYWORD:
		if (not_null)
			sqlkit__buf_puts(b, " NOT NULL");
		else if (type.kind == SQLKIT_SQLT_TIMESTAMP)
			sqlkit__buf_puts(b, " NULL");
		if (autoinc && !c->server_default && !seq)
			sqlkit__buf_puts(b, " AUTO_INCREMENT");
		else if (dflt.len)
			sqlkit__buf_printf(b, " DEFAULT %s", dflt.ptr);
		break;
	case SQLKIT_AUTOINC_IDENTITY:
		sqlkit__buf_puts(b, not_null || seq ? " NOT NULL" : " NULL");
		if (autoinc && !seq)
			sqlkit__buf_puts(b, " IDENTITY(1,1)");   /* SQLAlchemy 1.4's spelling; 2.0 writes the same bare */
		else if (dflt.len)
			sqlkit__buf_printf(b, " DEFAULT %s", dflt.ptr);
		break;
	case SQLKIT_AUTOINC_ROWID:
		if (dflt.len)
			sqlkit__buf_printf(b, sqlite_needs_parens(dflt.ptr) ? " DEFAULT (%s)" : " DEFAULT %s",
			                   dflt.ptr);
		if (not_null)
			sqlkit__buf_puts(b, " NOT NULL");
		break;
	default:
		if (dflt.len)
			sqlkit__buf_printf(b, " DEFAULT %s", dflt.ptr);
		if (not_null)
			sqlkit__buf_puts(b, " NOT NULL");
		break;
	}
	rc = oom_or(b, 0);
done:
	sqlkit__buf_free(&dflt);
	return rc;
}

/* ---------------------------------------------------------------- constraints */

static const char *action_sql(sqlkit_fk_action a)
{
	switch (a) {
	case SQLKIT_FK_CASCADE:     return "CASCADE";
	case SQLKIT_FK_SET_NULL:    return "SET NULL";
	case SQLKIT_FK_SET_DEFAULT: return "SET DEFAULT";
	case SQLKIT_FK_RESTRICT:    return "RESTRICT";
	case SQLKIT_FK_NO_ACTION:   return "NO ACTION";
	default:                    return NULL;
	}
}

static int constraint_name(sqlkit_buf *b, const sqlkit_dialect *d, const char *name)
{
	int rc;

	if (!name)
		return 0;
	sqlkit__buf_puts(b, "CONSTRAINT ");
	if ((rc = sqlkit__quote_ident(b, d, name)) < 0)
		return rc;
	sqlkit__buf_putc(b, ' ');
	return 0;
}

/* FOREIGN KEY(a) REFERENCES t (id) [ON DELETE x] [ON UPDATE y], the target
 * looked up now: it may have been declared after the table. */
static int put_fk(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_table *t, const char *name,
                  char *const *cols, size_t n, const char *ref_table, size_t ref_len,
                  char *const *ref_cols, sqlkit_fk_action on_delete, sqlkit_fk_action on_update)
{
	const sqlkit_table *target = find_table(t->metadata, ref_table, ref_len);
	size_t i;
	int rc;

	if (!target)
		return sqlkit__error(SQLKIT_EINVAL, "foreign key on \"%s\".\"%s\" refers to table "
		                     "\"%.*s\", which is not in the metadata", t->name, cols[0],
		                     (int)ref_len, ref_table);
	for (i = 0; i < n; i++)
		if (!sqlkit_table_column(target, ref_cols[i]))
			return sqlkit__error(SQLKIT_EINVAL, "foreign key on \"%s\".\"%s\" refers to column "
			                     "\"%s\".\"%s\", which does not exist", t->name, cols[i],
			                     target->name, ref_cols[i]);
	if ((rc = constraint_name(b, d, name)) < 0)
		return rc;
	sqlkit__buf_puts(b, "FOREIGN KEY(");
	if ((rc = put_idents(b, d, cols, n)) < 0)
		return rc;
	sqlkit__buf_puts(b, ") REFERENCES ");
	if ((rc = sqlkit__quote_ident(b, d, target->name)) < 0)
		return rc;
	sqlkit__buf_puts(b, " (");
	if ((rc = put_idents(b, d, ref_cols, n)) < 0)
		return rc;
	sqlkit__buf_putc(b, ')');
	if (action_sql(on_delete))
		sqlkit__buf_printf(b, " ON DELETE %s", action_sql(on_delete));
	if (action_sql(on_update))
		sqlkit__buf_printf(b, " ON UPDATE %s", action_sql(on_update));
	return oom_or(b, 0);
}

static int put_unique(sqlkit_buf *b, const sqlkit_dialect *d, const char *name, char *const *cols,
                      size_t n)
{
	int rc;

	if ((rc = constraint_name(b, d, name)) < 0)
		return rc;
	sqlkit__buf_puts(b, "UNIQUE (");
	if ((rc = put_idents(b, d, cols, n)) < 0)
		return rc;
	sqlkit__buf_putc(b, ')');
	return oom_or(b, 0);
}

static int put_primary_key(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_table *t,
                           size_t npk)
{
	sqlkit_column **pk;
	size_t i, j = 0;
	int rc = 0;

	if (!(pk = malloc(npk * sizeof *pk)))
		return sqlkit__error_oom();
	sqlkit__table_primary_key(t, pk, npk);
	/* SQLAlchemy lists the autoincrement column first (columns_autoinc_first;
	 * MySQL requires it); its SQL Server dialect keeps the table's order. */
	if (d->autoinc_style != SQLKIT_AUTOINC_IDENTITY)
		for (i = 0; i < npk; i++)
			if (sqlkit__column_is_autoincrement(pk[i])) {
				sqlkit_column *a = pk[i];
				memmove(pk + 1, pk, i * sizeof *pk);
				pk[0] = a;
				break;
			}
	sqlkit__buf_puts(b, "PRIMARY KEY (");
	for (j = 0; j < npk && rc == 0; j++) {
		if (j)
			sqlkit__buf_puts(b, ", ");
		rc = sqlkit__quote_ident(b, d, pk[j]->name);
	}
	sqlkit__buf_putc(b, ')');
	free(pk);
	return oom_or(b, rc);
}

/* ---------------------------------------------------------------- CREATE TABLE */

int sqlkit__ddl_create_table(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d,
                             int if_not_exists)
{
	size_t i, iu = 0, ic = 0, ifk = 0, npk;
	const char *sep = "\n";
	int rc;

	if (!t->ncolumns)
		return sqlkit__error(SQLKIT_EINVAL, "table \"%s\" has no columns", t->name);
	if (if_not_exists && !(d->flags & SQLKIT_DIALECT_IF_NOT_EXISTS))
		return sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                         "dialect \"%s\" has no CREATE TABLE IF NOT EXISTS", d->name);
	npk = sqlkit__table_primary_key(t, NULL, 0);
	sqlkit__buf_puts(b, if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ");
	if ((rc = sqlkit__quote_ident(b, d, t->name)) < 0)
		return rc;
	sqlkit__buf_puts(b, " (");
	for (i = 0; i < t->ncolumns; i++) {
		sqlkit__buf_puts(b, sep);
		sqlkit__buf_putc(b, '\t');
		sep = ", \n";
		if ((rc = column_spec(b, d, t->columns[i], npk)) < 0)
			return rc;
	}
	if (npk) {
		sqlkit__buf_puts(b, ", \n\t");
		if ((rc = put_primary_key(b, d, t, npk)) < 0)
			return rc;
	}
	/* The table's own constraints, in the order they were added. */
	while (iu < t->nuniques || ic < t->nchecks || ifk < t->nfks) {
		size_t ou = iu < t->nuniques ? t->uniques[iu].order : (size_t)-1;
		size_t oc = ic < t->nchecks ? t->checks[ic].order : (size_t)-1;
		size_t of = ifk < t->nfks ? t->fks[ifk].order : (size_t)-1;

		sqlkit__buf_puts(b, ", \n\t");
		if (ou < oc && ou < of) {
			const sqlkit__unique *u = &t->uniques[iu++];
			rc = put_unique(b, d, u->name, u->columns, u->ncols);
		} else if (oc < of) {
			const sqlkit__check *k = &t->checks[ic++];
			if ((rc = constraint_name(b, d, k->name)) == 0)
				sqlkit__buf_printf(b, "CHECK (%s)", k->sql);
		} else {
			const sqlkit__fk *f = &t->fks[ifk++];
			rc = put_fk(b, d, t, f->name, f->columns, f->ncols, f->ref_table,
			            strlen(f->ref_table), f->ref_columns, f->on_delete, f->on_update);
		}
		if (rc < 0)
			return rc;
	}
	/* Then what the columns declare. */
	for (i = 0; i < t->ncolumns; i++) {
		sqlkit_column *c = t->columns[i];
		const char *table, *column;
		size_t tlen;

		/* unique=True with index=True is a unique index instead (Column._set_parent). */
		if ((c->flags & SQLKIT_COL_UNIQUE) && !(c->flags & SQLKIT_COL_INDEX)) {
			sqlkit__buf_puts(b, ", \n\t");
			if ((rc = put_unique(b, d, NULL, &c->name, 1)) < 0)
				return rc;
		}
		if (sqlkit__fk_target(c, &table, &tlen, &column) == 0) {
			char *ref = (char *)column;
			sqlkit__buf_puts(b, ", \n\t");
			if ((rc = put_fk(b, d, t, NULL, &c->name, 1, table, tlen, &ref, c->fk_on_delete,
			                 c->fk_on_update)) < 0)
				return rc;
		}
	}
	sqlkit__buf_puts(b, "\n)");
	return oom_or(b, 0);
}

int sqlkit__ddl_drop_table(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d,
                           int if_exists)
{
	if (if_exists && !(d->flags & SQLKIT_DIALECT_IF_NOT_EXISTS))
		return sqlkit__error_set(SQLKIT_ENOTSUPPORTED, SQLKIT_ERRCLASS_NOT_SUPPORTED, NULL, 0, 0,
		                         "dialect \"%s\" has no DROP TABLE IF EXISTS", d->name);
	sqlkit__buf_puts(b, if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ");
	return oom_or(b, sqlkit__quote_ident(b, d, t->name));
}

/* ---------------------------------------------------------------- statements around the table */

/* A set of borrowed names. */
typedef struct names {
	size_t n, cap;
	const char **v;
} names;

static int names_has(const names *s, const char *x)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return 1;
	return 0;
}

static int names_add(names *s, const char *x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		const char **p = realloc(s->v, cap * sizeof *p);
		if (!p)
			return sqlkit__error_oom();
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

/* Where rendered statements go: appended to a script (each followed by ";\n"),
 * or executed on a connection. */
typedef struct sink {
	sqlkit_buf *script;
	sqlkit_conn *conn;
	const sqlkit_dialect *d;
	names types, sequences;     /* handled in this run */
	names dropped;              /* tables dropped in this run */
} sink;

static void sink_free(sink *s)
{
	free(s->types.v);
	free(s->sequences.v);
	free(s->dropped.v);
}

/* Emit the statement in stmt and empty it. */
static int emit(sink *s, sqlkit_buf *stmt)
{
	int rc = 0;

	if (stmt->oom)
		rc = sqlkit__error_oom();
	else if (s->script) {
		sqlkit__buf_printf(s->script, "%s;\n", stmt->ptr);
		rc = oom_or(s->script, 0);
	}
	else
		rc = sqlkit_conn_execute(NULL, s->conn, stmt->ptr, NULL, 0);
	stmt->len = 0;
	if (stmt->ptr)
		stmt->ptr[0] = '\0';
	return rc;
}

/* Run a probe statement: 1 when it runs, 0 when the database rejects it
 * (SQLKIT_ESQL: no such table or type), < 0 on other errors. */
static int transactional_ddl(const sqlkit_conn *conn)
{
	return (conn->plugin->features & SQLKIT_FEATURE_TRANSACTIONAL_DDL) != 0;
}

static int probe(sqlkit_conn *conn, const char *sql)
{
	int rc, rc2, sp = 0;

	if (sqlkit_conn_in_transaction(conn) && transactional_ddl(conn)) {
		if ((rc = sqlkit_conn_savepoint(conn, NULL)) == 0)
			sp = 1;
		else if (rc != SQLKIT_ENOTSUPPORTED)
			return rc;
	}
	rc = sqlkit_conn_execute(NULL, conn, sql, NULL, 0);
	if (rc == 0) {
		if (sp && (rc2 = sqlkit_conn_release_savepoint(conn, NULL)) < 0)
			return rc2;
		return 1;
	}
	if (sp && !sqlkit_conn_is_dead(conn)) {
		sqlkit__saved_error saved;

		sqlkit__error_save(&saved);
		if ((rc2 = sqlkit_conn_rollback_to_savepoint(conn, NULL)) < 0) {
			free(saved.message);
			return rc2;
		}
		sqlkit__error_restore(&saved);
	}
	if (rc != SQLKIT_ESQL)
		return rc;
	sqlkit_error_clear();
	return 0;
}

static int type_exists(sink *s, const char *name)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	int rc;

	sqlkit__buf_puts(&b, "SELECT CAST(NULL AS ");
	if ((rc = sqlkit__quote_ident(&b, s->d, name)) == 0) {
		sqlkit__buf_putc(&b, ')');
		rc = b.oom ? sqlkit__error_oom() : probe(s->conn, b.ptr);
	}
	sqlkit__buf_free(&b);
	return rc;
}

static int render_enum(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_sqltype *type)
{
	const char *const *v;
	int rc;

	sqlkit__buf_puts(b, "CREATE TYPE ");
	if ((rc = sqlkit__quote_ident(b, d, type->enum_name)) < 0)
		return rc;
	sqlkit__buf_puts(b, " AS ENUM (");
	for (v = type->enum_values; *v; v++) {
		if (v != type->enum_values)
			sqlkit__buf_puts(b, ", ");
		put_literal(b, *v);
	}
	sqlkit__buf_putc(b, ')');
	return oom_or(b, 0);
}

/* SQLAlchemy 2.0 writes INCREMENT BY and START WITH only when given; 0 means
 * not given here. */
static int render_sequence(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_column *c,
                           int if_not_exists)
{
	int rc;

	sqlkit__buf_puts(b, if_not_exists ? "CREATE SEQUENCE IF NOT EXISTS " : "CREATE SEQUENCE ");
	if ((rc = sqlkit__quote_ident(b, d, c->sequence)) < 0)
		return rc;
	if (c->sequence_increment)
		sqlkit__buf_printf(b, " INCREMENT BY %lld", (long long)c->sequence_increment);
	if (c->sequence_start)
		sqlkit__buf_printf(b, " START WITH %lld", (long long)c->sequence_start);
	return oom_or(b, 0);
}

/* CREATE TYPE and CREATE SEQUENCE the table needs and this run has not made.
 * On a connection (checkfirst), an enum type that exists is kept, and sequences
 * are created IF NOT EXISTS where the dialect can. */
static int create_enum_type(sink *s, const sqlkit_column *c, int checkfirst)
{
	sqlkit_sqltype type = sqlkit_column_type(c);
	sqlkit_buf stmt = SQLKIT_BUF_INIT;
	int rc;

	if (type.kind != SQLKIT_SQLT_ENUM || !(s->d->flags & SQLKIT_DIALECT_NATIVE_ENUM))
		return 0;
	if (!type.enum_name)
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": an Enum needs a type name on "
		                     "dialect \"%s\", which creates it with CREATE TYPE",
		                     c->table->name, c->name, s->d->name);
	if (names_has(&s->types, type.enum_name))
		return 0;
	if ((rc = names_add(&s->types, type.enum_name)) < 0)
		return rc;
	if (checkfirst && (rc = type_exists(s, type.enum_name)) != 0)
		return rc > 0 ? 0 : rc;
	if ((rc = render_enum(&stmt, s->d, &type)) == 0)
		rc = emit(s, &stmt);
	sqlkit__buf_free(&stmt);
	return rc;
}

static int create_sequence(sink *s, const sqlkit_column *c, int checkfirst)
{
	sqlkit_buf stmt = SQLKIT_BUF_INIT;
	int rc;

	if (!c->sequence || !(s->d->flags & SQLKIT_DIALECT_SEQUENCES) ||
	    names_has(&s->sequences, c->sequence))
		return 0;
	if ((rc = names_add(&s->sequences, c->sequence)) < 0)
		return rc;
	if ((rc = render_sequence(&stmt, s->d, c, checkfirst &&
	                          (s->d->flags & SQLKIT_DIALECT_IF_NOT_EXISTS))) == 0)
		rc = emit(s, &stmt);
	sqlkit__buf_free(&stmt);
	return rc;
}

/* CREATE TYPE and CREATE SEQUENCE the table needs and this run has not made.
 * On a connection (checkfirst), an enum type that exists is kept, and sequences
 * are created IF NOT EXISTS where the dialect can. */
static int create_prelude(sink *s, const sqlkit_table *t, int checkfirst)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < t->ncolumns && rc == 0; i++)
		if ((rc = create_enum_type(s, t->columns[i], checkfirst)) == 0)
			rc = create_sequence(s, t->columns[i], checkfirst);
	return rc;
}

static int render_index(sqlkit_buf *b, const sqlkit_dialect *d, const sqlkit_table *t,
                        const char *name, char *const *cols, size_t n, int unique)
{
	int rc;

	sqlkit__buf_puts(b, unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if ((rc = sqlkit__quote_ident(b, d, name)) < 0)
		return rc;
	sqlkit__buf_puts(b, " ON ");
	if ((rc = sqlkit__quote_ident(b, d, t->name)) < 0)
		return rc;
	sqlkit__buf_puts(b, " (");
	if ((rc = put_idents(b, d, cols, n)) < 0)
		return rc;
	sqlkit__buf_putc(b, ')');
	return oom_or(b, 0);
}

static int create_indexes(sink *s, const sqlkit_table *t)
{
	sqlkit_buf stmt = SQLKIT_BUF_INIT, name = SQLKIT_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->ncolumns && rc == 0; i++) {
		sqlkit_column *c = t->columns[i];

		if (!(c->flags & SQLKIT_COL_INDEX))
			continue;
		/* SQLAlchemy's default naming convention, "ix_%(column_0_label)s". */
		name.len = 0;
		sqlkit__buf_printf(&name, "ix_%s_%s", t->name, c->name);
		if (name.oom)
			rc = sqlkit__error_oom();
		else if ((rc = render_index(&stmt, s->d, t, name.ptr, &c->name, 1,
		                            (c->flags & SQLKIT_COL_UNIQUE) != 0)) == 0)
			rc = emit(s, &stmt);
	}
	for (i = 0; i < t->nindexes && rc == 0; i++) {
		const sqlkit__index *ix = &t->indexes[i];
		if ((rc = render_index(&stmt, s->d, t, ix->name, ix->columns, ix->ncols, ix->unique)) == 0)
			rc = emit(s, &stmt);
	}
	sqlkit__buf_free(&stmt);
	sqlkit__buf_free(&name);
	return rc;
}

int sqlkit__ddl_create_indexes(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d)
{
	sink s;
	int rc;

	memset(&s, 0, sizeof s);
	s.script = b;
	s.d = d;
	rc = create_indexes(&s, t);
	sink_free(&s);
	return rc;
}

int sqlkit__ddl_create_prelude(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d)
{
	sink s;
	int rc;

	memset(&s, 0, sizeof s);
	s.script = b;
	s.d = d;
	rc = create_prelude(&s, t, 0);
	sink_free(&s);
	return rc;
}

/* ---------------------------------------------------------------- on a connection */

static int tx_begin(sqlkit_conn *conn, int *began)
{
	int rc;

	*began = 0;
	if (sqlkit_conn_in_transaction(conn) || !transactional_ddl(conn))
		return 0;
	if ((rc = sqlkit_conn_begin(conn)) < 0)
		return rc;
	*began = 1;
	return 0;
}

/* Commit what tx_begin() began, or roll it back after rc < 0, keeping rc's error. */
static int tx_end(sqlkit_conn *conn, int began, int rc)
{
	if (!began)
		return rc;
	if (rc == 0)
		rc = sqlkit_conn_commit(conn);
	if (rc < 0 && sqlkit_conn_in_transaction(conn)) {
		sqlkit__saved_error saved;

		sqlkit__error_save(&saved);
		(void)sqlkit_conn_rollback(conn);
		sqlkit__error_restore(&saved);
	}
	return rc;
}

static int create_one(sink *s, const sqlkit_table *t)
{
	sqlkit_buf stmt = SQLKIT_BUF_INIT;
	int rc;

	if ((rc = create_prelude(s, t, 1)) < 0)
		return rc;
	if ((rc = sqlkit__ddl_create_table(&stmt, t, s->d, 0)) == 0)
		rc = emit(s, &stmt);
	sqlkit__buf_free(&stmt);
	if (rc == 0)
		rc = create_indexes(s, t);
	return rc;
}

static int table_probe_sql(sqlkit_buf *b, const sqlkit_table *t, const sqlkit_dialect *d)
{
	int rc;

	sqlkit__buf_puts(b, "SELECT 1 FROM ");
	if ((rc = sqlkit__quote_ident(b, d, t->name)) < 0)
		return rc;
	sqlkit__buf_puts(b, " WHERE 1 = 0");
	return oom_or(b, 0);
}

static int exists_on(const sqlkit_table *t, sqlkit_conn *conn, const sqlkit_dialect *d)
{
	sqlkit_buf b = SQLKIT_BUF_INIT;
	int rc;

	/* The plugin's own catalogue lookup, where it has one: no failing statement
	 * (and nothing alarming in the echo). */
	if (SQLKIT_PLUGIN_HAS(conn->plugin, has_table)) {
		if (conn->dead)
			return sqlkit__error_set(SQLKIT_EDISCONNECTED, SQLKIT_ERRCLASS_OPERATIONAL, NULL, 0, 1,
			                         "the connection is dead");
		if ((rc = conn->plugin->has_table(conn->pconn, t->name)) < 0)
			return sqlkit__conn_failed(conn, rc);
		return rc;
	}
	if ((rc = table_probe_sql(&b, t, d)) == 0)
		rc = probe(conn, b.ptr);
	sqlkit__buf_free(&b);
	return rc;
}

static int conn_dialect(const sqlkit_dialect **d, sqlkit_conn *conn, const void *obj,
                        const char *what)
{
	if (!obj || !conn)
		return sqlkit__error(SQLKIT_EINVAL, "%s: no %s given", what, !obj ? "schema" : "connection");
	return sqlkit__dialect_of_conn(d, conn);
}

int sqlkit_table_exists(const sqlkit_table *t, sqlkit_conn *conn)
{
	const sqlkit_dialect *d;
	int rc;

	if ((rc = conn_dialect(&d, conn, t, "sqlkit_table_exists")) < 0)
		return rc;
	return exists_on(t, conn, d);
}

int sqlkit_table_create(sqlkit_table *t, sqlkit_conn *conn, int if_not_exists)
{
	const sqlkit_dialect *d;
	sink s;
	int rc, began;

	if ((rc = conn_dialect(&d, conn, t, "sqlkit_table_create")) < 0)
		return rc;
	if (if_not_exists && (rc = exists_on(t, conn, d)) != 0)
		return rc > 0 ? 0 : rc;
	memset(&s, 0, sizeof s);
	s.conn = conn;
	s.d = d;
	if ((rc = tx_begin(conn, &began)) == 0)
		rc = tx_end(conn, began, create_one(&s, t));
	sink_free(&s);
	return rc;
}

/* Whether another table of the metadata than t (or than the tables in `skip`)
 * uses the sequence or enum type called name. */
static int used_elsewhere(const sqlkit_table *t, const names *skip, const char *name, int type)
{
	const sqlkit_metadata *md = t->metadata;
	size_t i, j;

	for (i = 0; i < md->ntables; i++) {
		const sqlkit_table *o = md->tables[i];
		if (o == t || (skip && names_has(skip, o->name)))
			continue;
		for (j = 0; j < o->ncolumns; j++) {
			const sqlkit_column *c = o->columns[j];
			if (type ? (c->type.kind == SQLKIT_SQLT_ENUM && c->type.enum_name &&
			            strcmp(c->type.enum_name, name) == 0)
			         : (c->sequence && strcmp(c->sequence, name) == 0))
				return 1;
		}
	}
	return 0;
}

/* After DROP TABLE: the sequences and enum types of table t that no table left
 * uses. drop_all passes the tables it dropped as `skip`. */
static int drop_after(sink *s, const sqlkit_table *t, const names *skip)
{
	const sqlkit_dialect *d = s->d;
	sqlkit_buf stmt = SQLKIT_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->ncolumns && rc == 0; i++) {
		const sqlkit_column *c = t->columns[i];

		if (c->sequence && (d->flags & SQLKIT_DIALECT_SEQUENCES) &&
		    !names_has(&s->sequences, c->sequence) && !used_elsewhere(t, skip, c->sequence, 0)) {
			if ((rc = names_add(&s->sequences, c->sequence)) < 0)
				break;
			sqlkit__buf_puts(&stmt, (d->flags & SQLKIT_DIALECT_IF_NOT_EXISTS) ?
			                 "DROP SEQUENCE IF EXISTS " : "DROP SEQUENCE ");
			if ((rc = sqlkit__quote_ident(&stmt, d, c->sequence)) == 0)
				rc = emit(s, &stmt);
		}
		if (rc == 0 && c->type.kind == SQLKIT_SQLT_ENUM && c->type.enum_name &&
		    (d->flags & SQLKIT_DIALECT_NATIVE_ENUM) && !names_has(&s->types, c->type.enum_name) &&
		    !used_elsewhere(t, skip, c->type.enum_name, 1)) {
			if ((rc = names_add(&s->types, c->type.enum_name)) < 0)
				break;
			if ((rc = type_exists(s, c->type.enum_name)) <= 0)
				continue;
			sqlkit__buf_puts(&stmt, "DROP TYPE ");
			if ((rc = sqlkit__quote_ident(&stmt, d, c->type.enum_name)) == 0)
				rc = emit(s, &stmt);
		}
	}
	sqlkit__buf_free(&stmt);
	return rc;
}

int sqlkit_table_drop(sqlkit_table *t, sqlkit_conn *conn, int if_exists)
{
	const sqlkit_dialect *d;
	sqlkit_buf stmt = SQLKIT_BUF_INIT;
	sink s;
	int rc, began, native_if = 0;

	if ((rc = conn_dialect(&d, conn, t, "sqlkit_table_drop")) < 0)
		return rc;
	if (if_exists) {
		if (d->flags & SQLKIT_DIALECT_IF_NOT_EXISTS)
			native_if = 1;
		else if ((rc = exists_on(t, conn, d)) <= 0)
			return rc;
	}
	memset(&s, 0, sizeof s);
	s.conn = conn;
	s.d = d;
	if ((rc = tx_begin(conn, &began)) == 0) {
		if ((rc = sqlkit__ddl_drop_table(&stmt, t, d, native_if)) == 0 &&
		    (rc = emit(&s, &stmt)) == 0)
			rc = drop_after(&s, t, NULL);
		rc = tx_end(conn, began, rc);
	}
	sqlkit__buf_free(&stmt);
	sink_free(&s);
	return rc;
}

int sqlkit_metadata_create_all(sqlkit_metadata *md, sqlkit_conn *conn)
{
	const sqlkit_dialect *d;
	sqlkit_table **tables = NULL;
	size_t n = 0, i;
	sink s;
	int rc, began;

	if ((rc = conn_dialect(&d, conn, md, "sqlkit_metadata_create_all")) < 0 ||
	    (rc = sqlkit_metadata_sorted_tables(&tables, &n, md)) < 0)
		return rc;
	memset(&s, 0, sizeof s);
	s.conn = conn;
	s.d = d;
	if ((rc = tx_begin(conn, &began)) == 0) {
		for (i = 0; i < n && rc == 0; i++) {
			if ((rc = exists_on(tables[i], conn, d)) == 0)
				rc = create_one(&s, tables[i]);
			else if (rc > 0)
				rc = 0;
		}
		rc = tx_end(conn, began, rc);
	}
	sink_free(&s);
	free(tables);
	return rc;
}

int sqlkit_metadata_drop_all(sqlkit_metadata *md, sqlkit_conn *conn)
{
	const sqlkit_dialect *d;
	sqlkit_table **tables = NULL;
	sqlkit_buf stmt = SQLKIT_BUF_INIT;
	size_t n = 0, i;
	sink s;
	int rc, began;

	if ((rc = conn_dialect(&d, conn, md, "sqlkit_metadata_drop_all")) < 0 ||
	    (rc = sqlkit_metadata_sorted_tables(&tables, &n, md)) < 0)
		return rc;
	memset(&s, 0, sizeof s);
	s.conn = conn;
	s.d = d;
	if ((rc = tx_begin(conn, &began)) == 0) {
		for (i = n; i-- > 0 && rc == 0;) {
			if ((rc = exists_on(tables[i], conn, d)) <= 0)
				continue;
			if ((rc = sqlkit__ddl_drop_table(&stmt, tables[i], d, 0)) == 0 &&
			    (rc = emit(&s, &stmt)) == 0)
				rc = names_add(&s.dropped, tables[i]->name);
		}
		/* Sequences and enum types once no table is left that uses them. */
		for (i = n; i-- > 0 && rc == 0;)
			if (names_has(&s.dropped, tables[i]->name))
				rc = drop_after(&s, tables[i], &s.dropped);
		rc = tx_end(conn, began, rc);
	}
	sqlkit__buf_free(&stmt);
	sink_free(&s);
	free(tables);
	return rc;
}
