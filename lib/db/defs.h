/*
 * Versioned definitions: the storage shared by the kinds of definition
 * that are kept as immutable, numbered versions of a name (workflows, SLA
 * policies, surveys).
 *
 * Each kind has one header table (id, name, version, created_us and the
 * kind's own columns, UNIQUE (name, version), never updated) and detail
 * tables keyed by the header's id. These functions handle the header
 * table: the newest version of a name, the id of version N, inserting a
 * version, reading a header row, listing names and, for kinds that have
 * one, the retired marker of a name. The detail rows stay with the kind's
 * own storage file (lib/<kind>-sql.c), which also provides the kind's
 * descriptor.
 *
 * A descriptor's statements are fixed texts naming the kind's tables,
 * with bound parameters only; descriptors are `static const` objects
 * whose initialisers hold nothing but CSVC__SQL texts, literals and
 * constants (tests/lint/check-sql.py checks this).
 */
#ifndef CSVC_DB_DEFS_H
#define CSVC_DB_DEFS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

typedef struct csvc__defs_kind {
	/* The kind in messages: "workflow", "SLA policy", "survey". */
	const char *what;
	/* $1 name -> version, id of the name's newest version; no row when
	 * the name has no version. */
	csvc__sql latest;
	/* $1 name, $2 version -> id. */
	csvc__sql find;
	/* $1 id -> name, version, then the kind's own header columns. */
	csvc__sql header;
	/* $1 name, $2 version, $3 created_us, then the kind's own columns
	 * ($4 ..), a CSVC__SQL_INSERT_ID. */
	csvc__sql insert;
	/* -> name, newest version, its id, retired (0 or 1); by name. */
	csvc__sql list;
	/* $1 name: marks the name retired (changes no row when the name is
	 * unknown). No text: the kind has no retired marker. */
	csvc__sql retire;
	/* $1 name: clears the retired marker, run after every insert. No
	 * text: none. */
	csvc__sql unretire;
} csvc__defs_kind;

/* One name of a kind, as csvc__defs_list() reports it. */
typedef struct csvc__defs_entry {
	char *name;
	int32_t version; /* newest */
	int64_t id;      /* of the newest version */
	int retired;
} csvc__defs_entry;

/* The newest version of `name` and its id; both 0 when there is none. */
/* Saves and retirements of one kind run one after the other: each takes
 * this lock first, before it reads the latest version (nothing on SQLite,
 * whose write lock does it). Two saves of one name then never meet the
 * UNIQUE (name, version) constraint, and ids follow commit order, which
 * the SLA policy stamp relies on (max(id)). */
int csvc__defs_lock(csvc__db *db, const csvc__defs_kind *k);
int csvc__defs_latest(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t *version, int64_t *id);

/* The id of version `version` of `name`: CSVC_ENOTFOUND "no <what> 'name'
 * version N" when there is no such version. */
int csvc__defs_find(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t version, int64_t *id);

/* Resolves (name, version) to a stored id, version 0 meaning the newest:
 * CSVC_ENOTFOUND "no <what> 'name'" when the name has no version, or as
 * csvc__defs_find(). *version_out (may be NULL) gets the version found. */
int csvc__defs_resolve(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t version, int64_t *id,
                       int32_t *version_out);

/* Binds the kind's own header columns ($4 ..) of an insert. */
typedef void (*csvc__defs_bind_fn)(csvc__stmt *st, const void *def);

/* Inserts the header row of version `version` of `name`, created at
 * `created_us`, with the kind's columns bound by `bind(st, def)`, and
 * clears the name's retired marker (kinds that have one). *id gets the
 * new row's id, for the detail rows. */
int csvc__defs_insert(csvc__db *db, const csvc__defs_kind *k, const char *name, int32_t version,
                      int64_t created_us, csvc__defs_bind_fn bind, const void *def, int64_t *id);

/* Runs the header query for `id` and leaves the statement on its row, for
 * the caller to read (column 0 name, 1 version, then the kind's columns)
 * and reset: CSVC_ENOTFOUND "no stored <what> <id>" when there is no such
 * row. */
int csvc__defs_header(csvc__db *db, const csvc__defs_kind *k, int64_t id, csvc__stmt **st);

/* Every name of the kind with its newest version, by name. The caller
 * frees the list with csvc__defs_list_free(). */
int csvc__defs_list(csvc__db *db, const csvc__defs_kind *k, csvc__defs_entry **out, size_t *n);
void csvc__defs_list_free(csvc__defs_entry *list, size_t n);

/* Marks `name` retired: CSVC_ENOTFOUND "no <what> 'name'" when it has no
 * marker (it was never stored), CSVC_EINVAL when the kind has no retired
 * marker at all. */
int csvc__defs_retire(csvc__db *db, const csvc__defs_kind *k, const char *name);

/* For the kinds' row loaders: appends one zeroed item of `size` bytes to
 * the array `*items` (a pointer to the array pointer) holding *n items in
 * room for *cap, and returns it; NULL with CSVC_ENOMEM set when out of
 * memory (the array is unchanged). */
void *csvc__defs_append(void *items, size_t *n, size_t *cap, size_t size);

#endif
