/*
 * Workflows: the in-memory definition and its storage functions.
 */
#ifndef CSVC_WORKFLOW_INTERNAL_H
#define CSVC_WORKFLOW_INTERNAL_H

#include "csvc/workflow.h"
#include "util/internal.h"

typedef struct csvc__wf_state {
	char *name, *label_zh, *label_en;
	int32_t category;
} csvc__wf_state;

typedef struct csvc__wf_transition {
	char *name, *from, *to;
} csvc__wf_transition;

/* A guard: a required field (role NULL) or an approval by `role` (field
 * NULL: always; else when the integer input `field` is above threshold). */
typedef struct csvc__wf_guard {
	char *transition, *field, *role;
	int64_t threshold;
} csvc__wf_guard;

struct csvc_workflow {
	char *name;
	char *initial;
	int32_t version; /* 0: not stored as is */
	csvc__wf_state *states;
	size_t n_states;
	csvc__wf_transition *transitions;
	size_t n_transitions;
	csvc__wf_guard *guards;
	size_t n_guards;
};

/* Checks an input or field name: [a-z0-9_], 1 to CSVC_WORKFLOW_MAX_NAME
 * bytes (EINVAL / ERANGE naming `what`). */
int csvc__workflow_check_input_name(const char *name, const char *what);

/* 1 if the two definitions are equal (names, states, transitions, guards,
 * initial). */
int csvc__workflow_equal(const csvc_workflow *a, const csvc_workflow *b);

/* ---- storage (workflow-sql.c) ---- */

/* A stored workflow version as its rows. Strings are owned by the rows;
 * NULL where the column is NULL. */
typedef struct csvc__workflow_state_row {
	char *name, *label_zh, *label_en;
	int32_t category;
} csvc__workflow_state_row;

typedef struct csvc__workflow_transition_row {
	char *name, *from, *to;
} csvc__workflow_transition_row;

typedef struct csvc__workflow_guard_row {
	char *transition, *field, *role;
	int64_t threshold;
} csvc__workflow_guard_row;

typedef struct csvc__workflow_rows {
	int64_t id;
	char *name, *initial;
	int32_t version;
	csvc__workflow_state_row *states;
	size_t n_states, cap_states;
	csvc__workflow_transition_row *transitions;
	size_t n_transitions, cap_transitions;
	csvc__workflow_guard_row *guards;
	size_t n_guards, cap_guards;
} csvc__workflow_rows;

void csvc__workflow_rows_free(csvc__workflow_rows *r);

struct csvc_store;
struct csvc__defs_kind;
/* The workflows' descriptor for the shared versioned-definition storage. */
const struct csvc__defs_kind *csvc__workflow_defs(void);
/* newest version number of `name`, 0 if none */
int csvc__workflow_db_latest(struct csvc_store *s, const char *name, int32_t *version);
int csvc__workflow_db_insert(struct csvc_store *s, const csvc_workflow *wf, int32_t version);
/* Reads version `version` of `name` (0: the newest) into *out, which the
 * caller frees with csvc__workflow_rows_free (on failure it is left empty):
 * CSVC_ENOTFOUND "no workflow 'name'" or "no workflow 'name' version N". */
int csvc__workflow_db_read(struct csvc_store *s, const char *name, int32_t version, csvc__workflow_rows *out);

/* Builds the handbook workflows; used by csvc_store_install_defaults. */
int csvc__workflow_defaults(csvc_workflow ***out, size_t *n);
/* Stores the handbook workflows, inside the caller's transaction. */
int csvc__workflow_install_defaults(struct csvc_store *store);

/* ---- the store's workflow cache (workflow-cache.c) ---- */

/* Attaches the cache to a store being opened. */
int csvc__workflow_attach(struct csvc_store *s);
/* A workflow version from the store's cache (immutable once stored). The
 * pointer stays owned by the store until a rollback undoes writes. */
int csvc__workflow_cached(struct csvc_store *s, const char *name, int32_t version,
                          const csvc_workflow **out);

#endif
