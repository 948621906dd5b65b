/*
 * core/schema.c - MetaData, Table and Column: building them, checking what is
 * given as it is given, and the lookups the DDL and SQL compilers need.
 *
 * Everything a check can see when a column or constraint is added is checked
 * then (empty or repeated names, columns a constraint names that the table does
 * not have, malformed types). A foreign key's target may be declared later, so
 * it is resolved when DDL or a join needs it (core/ddl.c).
 */
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"
#include "util.h"

#define KNOWN_FLAGS (SQLKIT_COL_PRIMARY_KEY | SQLKIT_COL_NOT_NULL | SQLKIT_COL_UNIQUE | \
                     SQLKIT_COL_INDEX | SQLKIT_COL_AUTOINCREMENT | SQLKIT_COL_NO_AUTOINCREMENT)

/* How many foreign keys a column's type may be borrowed through ("table.a" ->
 * "other.b" -> ...) before giving up on a loop. */
#define FK_TYPE_DEPTH 16

static void free_names(char **names, size_t n)
{
	size_t i;

	if (!names)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int is_integer_kind(sqlkit_sqltype_kind k)
{
	return k == SQLKIT_SQLT_INTEGER || k == SQLKIT_SQLT_SMALLINT || k == SQLKIT_SQLT_BIGINT;
}

/* ---------------------------------------------------------------- metadata */

int sqlkit_metadata_new(sqlkit_metadata **out)
{
	sqlkit_metadata *md;

	if (!out)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_metadata_new: out is NULL");
	*out = NULL;
	if (!(md = calloc(1, sizeof *md)))
		return sqlkit__error_oom();
	*out = md;
	return 0;
}

static void column_free(sqlkit_column *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->default_bytes);
	free(c->server_default);
	free(c->fk_target);
	free(c->sequence);
	free(c);
}

static void table_free(sqlkit_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->ncolumns; i++)
		column_free(t->columns[i]);
	free(t->columns);
	sqlkit__fks_free(t->fks, t->nfks);
	for (i = 0; i < t->nuniques; i++) {
		free(t->uniques[i].name);
		free_names(t->uniques[i].columns, t->uniques[i].ncols);
	}
	free(t->uniques);
	for (i = 0; i < t->nchecks; i++) {
		free(t->checks[i].name);
		free(t->checks[i].sql);
	}
	free(t->checks);
	for (i = 0; i < t->nindexes; i++) {
		free(t->indexes[i].name);
		free_names(t->indexes[i].columns, t->indexes[i].ncols);
	}
	free(t->indexes);
	free(t->name);
	free(t);
}

void sqlkit_metadata_free(sqlkit_metadata *md)
{
	size_t i;

	if (!md)
		return;
	for (i = 0; i < md->ntables; i++)
		table_free(md->tables[i]);
	free(md->tables);
	free(md);
}

sqlkit_table *sqlkit_metadata_table(const sqlkit_metadata *md, const char *name)
{
	size_t i;

	if (!md || !name)
		return NULL;
	for (i = 0; i < md->ntables; i++)
		if (strcmp(md->tables[i]->name, name) == 0)
			return md->tables[i];
	return NULL;
}

/* The table called name[0..len), for "table.column" targets. */
static sqlkit_table *table_named(const sqlkit_metadata *md, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < md->ntables; i++) {
		const char *n = md->tables[i]->name;
		if (strncmp(n, name, len) == 0 && n[len] == '\0')
			return md->tables[i];
	}
	return NULL;
}

size_t sqlkit_metadata_table_count(const sqlkit_metadata *md)
{
	return md ? md->ntables : 0;
}

sqlkit_table *sqlkit_metadata_table_at(const sqlkit_metadata *md, size_t i)
{
	return md && i < md->ntables ? md->tables[i] : NULL;
}

/* ---------------------------------------------------------------- tables */

int sqlkit_table_new(sqlkit_table **out, sqlkit_metadata *md, const char *name)
{
	sqlkit_table *t;

	if (out)
		*out = NULL;
	if (!out || !md)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_table_new: %s is NULL", out ? "md" : "out");
	if (!name || !*name)
		return sqlkit__error(SQLKIT_EINVAL, "a table needs a name");
	if (sqlkit_metadata_table(md, name))
		return sqlkit__error(SQLKIT_EINVAL, "table \"%s\" is already defined in this metadata", name);
	if (md->ntables == md->captables) {
		size_t cap = md->captables ? md->captables * 2 : 8;
		sqlkit_table **p = realloc(md->tables, cap * sizeof *p);
		if (!p)
			return sqlkit__error_oom();
		md->tables = p;
		md->captables = cap;
	}
	if (!(t = calloc(1, sizeof *t)) || !(t->name = sqlkit__strdup(name))) {
		free(t);
		return sqlkit__error_oom();
	}
	t->metadata = md;
	md->tables[md->ntables++] = t;
	*out = t;
	return 0;
}

const char *sqlkit_table_name(const sqlkit_table *t)
{
	return t ? t->name : NULL;
}

size_t sqlkit_table_column_count(const sqlkit_table *t)
{
	return t ? t->ncolumns : 0;
}

sqlkit_column *sqlkit_table_column_at(const sqlkit_table *t, size_t i)
{
	return t && i < t->ncolumns ? t->columns[i] : NULL;
}

sqlkit_column *sqlkit_table_column(const sqlkit_table *t, const char *name)
{
	size_t i;

	if (!t || !name)
		return NULL;
	for (i = 0; i < t->ncolumns; i++)
		if (strcmp(t->columns[i]->name, name) == 0)
			return t->columns[i];
	return NULL;
}

/* ---------------------------------------------------------------- columns */

static int check_type(const sqlkit_sqltype *type, const char *table, const char *column)
{
	const char *const *v, *const *w;

	if ((int)type->kind < SQLKIT_SQLT_NULLTYPE || type->kind > SQLKIT_SQLT_ENUM)
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": unknown type kind %d",
		                     table, column, (int)type->kind);
	switch (type->kind) {
	case SQLKIT_SQLT_STRING:
	case SQLKIT_SQLT_UNICODE:
	case SQLKIT_SQLT_LARGE_BINARY:
		if (type->length < 0)
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": %s length %d is negative",
			                     table, column, type->kind == SQLKIT_SQLT_LARGE_BINARY ?
			                     "LargeBinary" : type->kind == SQLKIT_SQLT_UNICODE ?
			                     "Unicode" : "String", type->length);
		break;
	case SQLKIT_SQLT_NUMERIC:
		if (type->precision < 0 || type->scale < 0)
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": Numeric precision %d and "
			                     "scale %d must not be negative", table, column,
			                     type->precision, type->scale);
		if (type->precision > 0 && type->precision < type->scale)
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": Numeric precision %d is "
			                     "less than its scale %d", table, column,
			                     type->precision, type->scale);
		break;
	case SQLKIT_SQLT_ENUM:
		if (!type->enum_values || !type->enum_values[0])
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": an Enum needs at least "
			                     "one value", table, column);
		if (type->enum_name && !*type->enum_name)
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": the Enum's type name is "
			                     "empty (give NULL for none)", table, column);
		for (v = type->enum_values; *v; v++)
			for (w = type->enum_values; w < v; w++)
				if (strcmp(*v, *w) == 0)
					return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": Enum value "
					                     "\"%s\" is given twice", table, column, *v);
		break;
	default:
		break;
	}
	return 0;
}

sqlkit_column *sqlkit_table_add(sqlkit_table *t, const char *name, sqlkit_sqltype type,
                                unsigned flags)
{
	sqlkit_column *c;
	size_t i;

	if (!t) {
		sqlkit__error(SQLKIT_EINVAL, "no table given to add column \"%s\" to", name ? name : "");
		return NULL;
	}
	if (!name || !*name) {
		sqlkit__error(SQLKIT_EINVAL, "a column of table \"%s\" needs a name", t->name);
		return NULL;
	}
	if (sqlkit_table_column(t, name)) {
		sqlkit__error(SQLKIT_EINVAL, "table \"%s\" already has a column \"%s\"", t->name, name);
		return NULL;
	}
	if (flags & ~KNOWN_FLAGS) {
		sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": unknown flags 0x%x", t->name, name,
		              flags & ~KNOWN_FLAGS);
		return NULL;
	}
	if (check_type(&type, t->name, name) < 0)
		return NULL;
	if (flags & SQLKIT_COL_AUTOINCREMENT) {
		if (flags & SQLKIT_COL_NO_AUTOINCREMENT) {
			sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": AUTOINCREMENT and "
			              "NO_AUTOINCREMENT together", t->name, name);
			return NULL;
		}
		if (!(flags & SQLKIT_COL_PRIMARY_KEY)) {
			sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": only a primary key column can "
			              "autoincrement", t->name, name);
			return NULL;
		}
		if (!is_integer_kind(type.kind)) {
			sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": an autoincrement column must "
			              "be an integer, not %s", t->name, name, sqlkit_sqltype_name(type.kind));
			return NULL;
		}
		for (i = 0; i < t->ncolumns; i++)
			if (t->columns[i]->flags & SQLKIT_COL_AUTOINCREMENT) {
				sqlkit__error(SQLKIT_EINVAL, "table \"%s\" has two autoincrement columns, "
				              "\"%s\" and \"%s\"", t->name, t->columns[i]->name, name);
				return NULL;
			}
	}
	if (t->ncolumns == t->capcolumns) {
		size_t cap = t->capcolumns ? t->capcolumns * 2 : 8;
		sqlkit_column **p = realloc(t->columns, cap * sizeof *p);
		if (!p) {
			sqlkit__error_oom();
			return NULL;
		}
		t->columns = p;
		t->capcolumns = cap;
	}
	if (!(c = calloc(1, sizeof *c)) || !(c->name = sqlkit__strdup(name))) {
		free(c);
		sqlkit__error_oom();
		return NULL;
	}
	c->table = t;
	c->position = t->ncolumns;
	c->type = type;
	c->flags = flags;
	c->default_value = sqlkit_null();
	t->columns[t->ncolumns++] = c;
	return c;
}

int sqlkit_table_add_column(sqlkit_table *t, const char *name, sqlkit_sqltype type, unsigned flags)
{
	return sqlkit_table_add(t, name, type, flags) ? 0 : sqlkit_error_last()->code;
}

const char *sqlkit_column_name(const sqlkit_column *c)
{
	return c ? c->name : NULL;
}

sqlkit_table *sqlkit_column_table(const sqlkit_column *c)
{
	return c ? c->table : NULL;
}

/* A column declared without a type but with a foreign key takes the type of the
 * column it points at, as in SQLAlchemy (Column("user_id", ForeignKey("user.id"))). */
sqlkit_sqltype sqlkit_column_type(const sqlkit_column *c)
{
	sqlkit_sqltype none = SQLKIT__SQLT(SQLKIT_SQLT_NULLTYPE);
	int depth;

	if (!c)
		return none;
	for (depth = 0; c->type.kind == SQLKIT_SQLT_NULLTYPE && c->fk_target &&
	     depth < FK_TYPE_DEPTH; depth++) {
		const sqlkit_column *target = sqlkit__fk_target_column(c);
		if (!target)
			break;
		c = target;
	}
	return c->type;
}

unsigned sqlkit_column_flags(const sqlkit_column *c)
{
	return c ? c->flags : 0;
}

static int column_given(const sqlkit_column *c, const char *what)
{
	if (!c)
		return sqlkit__error(SQLKIT_EINVAL, "%s: no column given", what);
	return 0;
}

int sqlkit_column_set_default(sqlkit_column *c, sqlkit_value value)
{
	char *bytes = NULL;
	int rc;

	if ((rc = column_given(c, "sqlkit_column_set_default")) < 0)
		return rc;
	if ((int)value.type < SQLKIT_TYPE_NULL || value.type > SQLKIT_TYPE_UUID)
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": default of unknown value "
		                     "type %d", c->table->name, c->name, (int)value.type);
	switch (value.type) {
	case SQLKIT_TYPE_TEXT:
	case SQLKIT_TYPE_BLOB:
	case SQLKIT_TYPE_DECIMAL:
	case SQLKIT_TYPE_JSON:
		if (!value.u.s.ptr && value.u.s.len)
			return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": default of %zu bytes "
			                     "at NULL", c->table->name, c->name, value.u.s.len);
		/* One byte more, so text defaults stay NUL-terminated. */
		if (!(bytes = malloc(value.u.s.len + 1)))
			return sqlkit__error_oom();
		if (value.u.s.len)
			memcpy(bytes, value.u.s.ptr, value.u.s.len);
		bytes[value.u.s.len] = '\0';
		value.u.s.ptr = bytes;
		break;
	default:
		break;
	}
	free(c->default_bytes);
	c->default_bytes = bytes;
	c->default_value = value;
	c->has_default = 1;
	c->default_fn = NULL;
	c->default_userdata = NULL;
	return 0;
}

int sqlkit_column_set_default_fn(sqlkit_column *c, int (*fn)(sqlkit_value *out, void *userdata),
                                 void *userdata)
{
	int rc;

	if ((rc = column_given(c, "sqlkit_column_set_default_fn")) < 0)
		return rc;
	if (!fn)
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": default function is NULL",
		                     c->table->name, c->name);
	free(c->default_bytes);
	c->default_bytes = NULL;
	c->default_value = sqlkit_null();
	c->has_default = 0;
	c->default_fn = fn;
	c->default_userdata = userdata;
	return 0;
}

int sqlkit_column_set_server_default(sqlkit_column *c, const char *sql)
{
	char *copy;
	int rc;

	if ((rc = column_given(c, "sqlkit_column_set_server_default")) < 0)
		return rc;
	if (!sql || !*sql)
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": server default is empty",
		                     c->table->name, c->name);
	if (!(copy = sqlkit__strdup(sql)))
		return sqlkit__error_oom();
	free(c->server_default);
	c->server_default = copy;
	return 0;
}

static int check_action(sqlkit_fk_action a, const char *table, const char *what)
{
	if ((int)a < SQLKIT_FK_NONE || a > SQLKIT_FK_NO_ACTION)
		return sqlkit__error(SQLKIT_EINVAL, "foreign key of table \"%s\": unknown %s action %d",
		                     table, what, (int)a);
	return 0;
}

int sqlkit_column_set_foreign_key(sqlkit_column *c, const char *target, sqlkit_fk_action on_delete,
                                  sqlkit_fk_action on_update)
{
	const char *dot;
	char *copy;
	int rc;

	if ((rc = column_given(c, "sqlkit_column_set_foreign_key")) < 0)
		return rc;
	dot = target ? strchr(target, '.') : NULL;
	if (!dot || dot == target || !dot[1] || strchr(dot + 1, '.'))
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": foreign key target \"%s\" is "
		                     "not of the form \"table.column\"", c->table->name, c->name,
		                     target ? target : "");
	if ((rc = check_action(on_delete, c->table->name, "ON DELETE")) < 0 ||
	    (rc = check_action(on_update, c->table->name, "ON UPDATE")) < 0)
		return rc;
	if (!(copy = sqlkit__strdup(target)))
		return sqlkit__error_oom();
	free(c->fk_target);
	c->fk_target = copy;
	c->fk_on_delete = on_delete;
	c->fk_on_update = on_update;
	return 0;
}

int sqlkit_column_set_sequence(sqlkit_column *c, const char *name, int64_t start, int64_t increment)
{
	char *copy;
	int rc;

	if ((rc = column_given(c, "sqlkit_column_set_sequence")) < 0)
		return rc;
	if (!name || !*name)
		return sqlkit__error(SQLKIT_EINVAL, "column \"%s\".\"%s\": a sequence needs a name",
		                     c->table->name, c->name);
	if (!(copy = sqlkit__strdup(name)))
		return sqlkit__error_oom();
	free(c->sequence);
	c->sequence = copy;
	c->sequence_start = start;
	c->sequence_increment = increment;
	return 0;
}

/* ---------------------------------------------------------------- table constraints */

/* Copy a NULL-terminated list of the table's column names, checking each. */
static int copy_columns(char ***out, size_t *n, const sqlkit_table *t, const char *const *names,
                        const char *what)
{
	size_t i, j, count = 0;
	char **copy;

	*out = NULL;
	*n = 0;
	if (names)
		while (names[count])
			count++;
	if (!count)
		return sqlkit__error(SQLKIT_EINVAL, "%s on table \"%s\" names no columns", what, t->name);
	for (i = 0; i < count; i++) {
		if (!sqlkit_table_column(t, names[i]))
			return sqlkit__error(SQLKIT_EINVAL, "%s on table \"%s\" names column \"%s\", which "
			                     "the table does not have", what, t->name, names[i]);
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return sqlkit__error(SQLKIT_EINVAL, "%s on table \"%s\" names column \"%s\" "
				                     "twice", what, t->name, names[i]);
	}
	if (!(copy = calloc(count, sizeof *copy)))
		return sqlkit__error_oom();
	for (i = 0; i < count; i++)
		if (!(copy[i] = sqlkit__strdup(names[i]))) {
			free_names(copy, i);
			return sqlkit__error_oom();
		}
	*out = copy;
	*n = count;
	return 0;
}

/* Constraint and index names must differ within a table. */
static int check_name(const sqlkit_table *t, const char *name, const char *what)
{
	size_t i;

	if (!name)
		return 0;
	if (!*name)
		return sqlkit__error(SQLKIT_EINVAL, "%s on table \"%s\" has an empty name (give NULL "
		                     "for none)", what, t->name);
	for (i = 0; i < t->nuniques; i++)
		if (t->uniques[i].name && strcmp(t->uniques[i].name, name) == 0)
			goto taken;
	for (i = 0; i < t->nchecks; i++)
		if (t->checks[i].name && strcmp(t->checks[i].name, name) == 0)
			goto taken;
	for (i = 0; i < t->nfks; i++)
		if (t->fks[i].name && strcmp(t->fks[i].name, name) == 0)
			goto taken;
	for (i = 0; i < t->nindexes; i++)
		if (strcmp(t->indexes[i].name, name) == 0)
			goto taken;
	return 0;
taken:
	return sqlkit__error(SQLKIT_EINVAL, "table \"%s\" already has a constraint or index named "
	                     "\"%s\"", t->name, name);
}

/* Grow an array of elements of size sz holding n to hold one more. */
static int grow(void **arr, size_t n, size_t sz)
{
	void *p = realloc(*arr, (n + 1) * sz);
	if (!p)
		return sqlkit__error_oom();
	*arr = p;
	return 0;
}

static size_t next_order(const sqlkit_table *t)
{
	return t->nuniques + t->nchecks + t->nfks;
}

int sqlkit_table_add_unique(sqlkit_table *t, const char *name, const char *const *columns)
{
	sqlkit__unique u;
	int rc;

	if (!t)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_table_add_unique: no table given");
	memset(&u, 0, sizeof u);
	if ((rc = check_name(t, name, "unique constraint")) < 0 ||
	    (rc = copy_columns(&u.columns, &u.ncols, t, columns, "unique constraint")) < 0)
		return rc;
	if ((name && !(u.name = sqlkit__strdup(name))) ||
	    grow((void **)&t->uniques, t->nuniques, sizeof *t->uniques) < 0) {
		free(u.name);
		free_names(u.columns, u.ncols);
		return sqlkit__error_oom();
	}
	u.order = next_order(t);
	t->uniques[t->nuniques++] = u;
	return 0;
}

int sqlkit_table_add_check(sqlkit_table *t, const char *name, const char *sql)
{
	sqlkit__check k;
	int rc;

	if (!t)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_table_add_check: no table given");
	if ((rc = check_name(t, name, "check constraint")) < 0)
		return rc;
	if (!sql || !*sql)
		return sqlkit__error(SQLKIT_EINVAL, "check constraint on table \"%s\" has no SQL",
		                     t->name);
	memset(&k, 0, sizeof k);
	if ((name && !(k.name = sqlkit__strdup(name))) || !(k.sql = sqlkit__strdup(sql)) ||
	    grow((void **)&t->checks, t->nchecks, sizeof *t->checks) < 0) {
		free(k.name);
		free(k.sql);
		return sqlkit__error_oom();
	}
	k.order = next_order(t);
	t->checks[t->nchecks++] = k;
	return 0;
}

int sqlkit_table_add_foreign_key(sqlkit_table *t, const char *name, const char *const *columns,
                                 const char *ref_table, const char *const *ref_columns,
                                 sqlkit_fk_action on_delete, sqlkit_fk_action on_update)
{
	sqlkit__fk fk;
	size_t i, nref = 0;
	int rc;

	if (!t)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_table_add_foreign_key: no table given");
	if ((rc = check_name(t, name, "foreign key")) < 0)
		return rc;
	if (!ref_table || !*ref_table)
		return sqlkit__error(SQLKIT_EINVAL, "foreign key on table \"%s\" names no table to refer "
		                     "to", t->name);
	if ((rc = check_action(on_delete, t->name, "ON DELETE")) < 0 ||
	    (rc = check_action(on_update, t->name, "ON UPDATE")) < 0)
		return rc;
	if (ref_columns)
		while (ref_columns[nref])
			nref++;
	for (i = 0; i < nref; i++)
		if (!*ref_columns[i])
			return sqlkit__error(SQLKIT_EINVAL, "foreign key on table \"%s\" refers to a column "
			                     "of \"%s\" with an empty name", t->name, ref_table);
	memset(&fk, 0, sizeof fk);
	if ((rc = copy_columns(&fk.columns, &fk.ncols, t, columns, "foreign key")) < 0)
		return rc;
	if (fk.ncols != nref) {
		free_names(fk.columns, fk.ncols);
		return sqlkit__error(SQLKIT_EINVAL, "foreign key on table \"%s\" has %zu column%s but "
		                     "refers to %zu column%s of \"%s\"", t->name, fk.ncols,
		                     fk.ncols == 1 ? "" : "s", nref, nref == 1 ? "" : "s", ref_table);
	}
	fk.on_delete = on_delete;
	fk.on_update = on_update;
	if ((name && !(fk.name = sqlkit__strdup(name))) ||
	    !(fk.ref_table = sqlkit__strdup(ref_table)) ||
	    !(fk.ref_columns = calloc(nref, sizeof *fk.ref_columns)))
		goto oom;
	for (i = 0; i < nref; i++)
		if (!(fk.ref_columns[i] = sqlkit__strdup(ref_columns[i])))
			goto oom;
	if (grow((void **)&t->fks, t->nfks, sizeof *t->fks) < 0)
		goto oom;
	fk.order = next_order(t);
	t->fks[t->nfks++] = fk;
	return 0;
oom:
	free(fk.name);
	free_names(fk.columns, fk.ncols);
	free(fk.ref_table);
	free_names(fk.ref_columns, nref);
	return sqlkit__error_oom();
}

int sqlkit_table_add_index(sqlkit_table *t, const char *name, const char *const *columns, int unique)
{
	sqlkit__index ix;
	sqlkit_buf b = SQLKIT_BUF_INIT;
	int rc;

	if (!t)
		return sqlkit__error(SQLKIT_EINVAL, "sqlkit_table_add_index: no table given");
	memset(&ix, 0, sizeof ix);
	if ((rc = check_name(t, name, "index")) < 0 ||
	    (rc = copy_columns(&ix.columns, &ix.ncols, t, columns, "index")) < 0)
		return rc;
	if (name) {
		ix.name = sqlkit__strdup(name);
	} else {
		/* SQLAlchemy's naming convention: "ix_%(column_0_label)s". */
		sqlkit__buf_printf(&b, "ix_%s_%s", t->name, ix.columns[0]);
		ix.name = sqlkit__buf_detach(&b);
		if (ix.name && (rc = check_name(t, ix.name, "index")) < 0) {
			free(ix.name);
			free_names(ix.columns, ix.ncols);
			return rc;
		}
	}
	if (!ix.name || grow((void **)&t->indexes, t->nindexes, sizeof *t->indexes) < 0) {
		free(ix.name);
		free_names(ix.columns, ix.ncols);
		return sqlkit__error_oom();
	}
	ix.unique = unique != 0;
	t->indexes[t->nindexes++] = ix;
	return 0;
}

/* ---------------------------------------------------------------- internal lookups */

int sqlkit__fk_target(const sqlkit_column *c, const char **table, size_t *tlen,
                      const char **column)
{
	const char *dot;

	if (!c || !c->fk_target || !(dot = strchr(c->fk_target, '.')))
		return SQLKIT_EINVAL;
	*table = c->fk_target;
	*tlen = (size_t)(dot - c->fk_target);
	*column = dot + 1;
	return 0;
}

sqlkit_column *sqlkit__fk_target_column(const sqlkit_column *c)
{
	const char *table, *column;
	sqlkit_table *t;
	size_t tlen;

	if (sqlkit__fk_target(c, &table, &tlen, &column) < 0)
		return NULL;
	if (!(t = table_named(c->table->metadata, table, tlen)))
		return NULL;
	return sqlkit_table_column(t, column);
}

void sqlkit__fks_free(sqlkit__fk *fks, size_t n)
{
	size_t i;

	if (!fks)
		return;
	for (i = 0; i < n; i++) {
		free(fks[i].name);
		free_names(fks[i].columns, fks[i].ncols);
		free(fks[i].ref_table);
		free_names(fks[i].ref_columns, fks[i].ncols);
	}
	free(fks);
}

int sqlkit__table_foreign_keys(sqlkit__fk **out, size_t *n, const sqlkit_table *t)
{
	sqlkit__fk *fks;
	size_t i, j, k = 0, total;

	*out = NULL;
	*n = 0;
	total = t->nfks;
	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i]->fk_target)
			total++;
	if (!total)
		return 0;
	if (!(fks = calloc(total, sizeof *fks)))
		return sqlkit__error_oom();
	for (i = 0; i < t->ncolumns; i++) {
		const sqlkit_column *c = t->columns[i];
		const char *table, *column;
		size_t tlen;

		if (sqlkit__fk_target(c, &table, &tlen, &column) < 0)
			continue;
		fks[k].ncols = 1;
		fks[k].on_delete = c->fk_on_delete;
		fks[k].on_update = c->fk_on_update;
		k++;
		if (!(fks[k - 1].columns = calloc(1, sizeof(char *))) ||
		    !(fks[k - 1].ref_columns = calloc(1, sizeof(char *))) ||
		    !(fks[k - 1].columns[0] = sqlkit__strdup(c->name)) ||
		    !(fks[k - 1].ref_table = sqlkit__strndup(table, tlen)) ||
		    !(fks[k - 1].ref_columns[0] = sqlkit__strdup(column)))
			goto oom;
	}
	for (i = 0; i < t->nfks; i++, k++) {
		const sqlkit__fk *src = &t->fks[i];

		fks[k].ncols = src->ncols;
		fks[k].on_delete = src->on_delete;
		fks[k].on_update = src->on_update;
		fks[k].order = src->order;
		if ((src->name && !(fks[k].name = sqlkit__strdup(src->name))) ||
		    !(fks[k].ref_table = sqlkit__strdup(src->ref_table)) ||
		    !(fks[k].columns = calloc(src->ncols, sizeof(char *))) ||
		    !(fks[k].ref_columns = calloc(src->ncols, sizeof(char *)))) {
			k++;
			goto oom;
		}
		for (j = 0; j < src->ncols; j++)
			if (!(fks[k].columns[j] = sqlkit__strdup(src->columns[j])) ||
			    !(fks[k].ref_columns[j] = sqlkit__strdup(src->ref_columns[j]))) {
				k++;
				goto oom;
			}
	}
	*out = fks;
	*n = total;
	return 0;
oom:
	sqlkit__fks_free(fks, k);
	return sqlkit__error_oom();
}

size_t sqlkit__table_primary_key(const sqlkit_table *t, sqlkit_column **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->ncolumns; i++)
		if (t->columns[i]->flags & SQLKIT_COL_PRIMARY_KEY) {
			if (out && n < max)
				out[n] = t->columns[i];
			n++;
		}
	return n;
}

/* Whether one of the table's foreign keys (of either kind) includes column c. */
static int in_foreign_key(const sqlkit_column *c)
{
	const sqlkit_table *t = c->table;
	size_t i, j;

	if (c->fk_target)
		return 1;
	for (i = 0; i < t->nfks; i++)
		for (j = 0; j < t->fks[i].ncols; j++)
			if (strcmp(t->fks[i].columns[j], c->name) == 0)
				return 1;
	return 0;
}

/* SQLAlchemy's PrimaryKeyConstraint._autoincrement_column: a column flagged
 * AUTOINCREMENT; otherwise the only primary key column when it is an integer
 * with no foreign key, no client default (a Sequence is allowed) and no server
 * default. */
int sqlkit__column_is_autoincrement(const sqlkit_column *c)
{
	if (!c || !(c->flags & SQLKIT_COL_PRIMARY_KEY) || (c->flags & SQLKIT_COL_NO_AUTOINCREMENT))
		return 0;
	if (c->flags & SQLKIT_COL_AUTOINCREMENT)
		return 1;
	if (sqlkit__table_primary_key(c->table, NULL, 0) != 1)
		return 0;
	if (!is_integer_kind(c->type.kind) || in_foreign_key(c))
		return 0;
	if (c->has_default || c->default_fn || c->server_default)
		return 0;
	return 1;
}
