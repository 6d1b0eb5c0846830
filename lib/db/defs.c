/*
 * Versioned definitions: the header-table storage that workflows, SLA
 * policies and surveys share (db/defs.h). Each function runs one of the
 * kind's fixed statements from its descriptor.
 */
#include <stdint.h>
#include <string.h>

#include "db/defs.h"
#include "util/internal.h"

int csvc__defs_latest(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t *version, int64_t *id)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &k->latest, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	int32_t v = rc == CSVC__ROW ? (int32_t)csvc__db_int(st, 0) : 0;
	int64_t row = rc == CSVC__ROW ? csvc__db_int(st, 1) : 0;
	csvc__db_reset(st);
	*version = v;
	if (id)
		*id = row;
	return CSVC_OK;
}

int csvc__defs_lock(csvc__db *db, const csvc__defs_kind *k)
{
	return csvc__db_lock_named(db, k->what);
}

int csvc__defs_find(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t version, int64_t *id)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &k->find, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_int(st, 2, version);
	int64_t row = 0;
	if ((rc = csvc__db_one_int(st, &row)) < 0)
		return rc;
	if (!rc)
		return csvc__error(CSVC_ENOTFOUND, "no %s '%s' version %d", k->what, name, (int)version);
	*id = row;
	return CSVC_OK;
}

int csvc__defs_resolve(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t version, int64_t *id,
                       int32_t *version_out)
{
	int64_t row = 0;
	int rc;
	if (version == 0) {
		if ((rc = csvc__defs_latest(db, k, name, &version, &row)))
			return rc;
		if (version == 0)
			return csvc__error(CSVC_ENOTFOUND, "no %s '%s'", k->what, name);
	} else if ((rc = csvc__defs_find(db, k, name, version, &row))) {
		return rc;
	}
	*id = row;
	if (version_out)
		*version_out = version;
	return CSVC_OK;
}

int csvc__defs_insert(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t version,
                      int64_t created_us, csvc__defs_bind_fn bind, const void *def, int64_t *id)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &k->insert, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_int(st, 2, version);
	csvc__db_bind_int(st, 3, created_us);
	if (bind)
		bind(st, def);
	int64_t row = 0;
	if ((rc = csvc__db_insert_id(st, &row)))
		return rc;
	if (csvc__db_text(db, &k->unretire)) {
		if ((rc = csvc__db_stmt(db, &k->unretire, &st)))
			return rc;
		csvc__db_bind_text(st, 1, name);
		if ((rc = csvc__db_run(st)))
			return rc;
	}
	*id = row;
	return CSVC_OK;
}

int csvc__defs_header(csvc__db *db, const csvc__defs_kind *k, int64_t id, csvc__stmt **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &k->header, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, id);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no stored %s %lld", k->what, (long long)id);
	}
	*out = st;
	return CSVC_OK;
}

void csvc__defs_list_free(csvc__defs_entry *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		csvc__free(list[i].name);
	csvc__free(list);
}

int csvc__defs_list(csvc__db *db, const csvc__defs_kind *k, csvc__defs_entry **out, size_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &k->list, &st);
	if (rc)
		return rc;
	csvc__defs_entry *list = NULL;
	size_t count = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__defs_entry *e = csvc__defs_append(&list, &count, &cap, sizeof(*e));
		if (!e || (rc = csvc__strdup(csvc__db_textcol(st, 0), &e->name))) {
			if (e)
				count--;
			rc = CSVC_ENOMEM;
			csvc__db_reset(st);
			break;
		}
		e->version = (int32_t)csvc__db_int(st, 1);
		e->id = csvc__db_int(st, 2);
		e->retired = csvc__db_int(st, 3) != 0;
	}
	if (rc < 0) {
		csvc__defs_list_free(list, count);
		return rc;
	}
	csvc__db_reset(st);
	*out = list;
	*n = count;
	return CSVC_OK;
}

int csvc__defs_retire(csvc__db *db, const csvc__defs_kind *k, const char *name)
{
	if (!csvc__db_text(db, &k->retire))
		return csvc__error(CSVC_EINVAL, "a %s cannot be retired", k->what);
	csvc__stmt *st;
	int rc = csvc__db_stmt(db, &k->retire, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	if ((rc = csvc__db_run(st)))
		return rc;
	if (csvc__db_changes(db) == 0)
		return csvc__error(CSVC_ENOTFOUND, "no %s '%s'", k->what, name);
	return CSVC_OK;
}

void *csvc__defs_append(void *items, size_t *n, size_t *cap, size_t size)
{
	char *array;
	memcpy(&array, items, sizeof(array));
	if (*n == *cap) {
		size_t want = *cap ? *cap * 2 : 8;
		char *grown = want <= SIZE_MAX / size ? csvc__realloc(array, want * size) : NULL;
		if (!grown) {
			csvc__error(CSVC_ENOMEM, "out of memory loading a stored definition");
			return NULL;
		}
		array = grown;
		*cap = want;
		memcpy(items, &array, sizeof(array));
	}
	char *item = array + *n * size;
	memset(item, 0, size);
	(*n)++;
	return item;
}
