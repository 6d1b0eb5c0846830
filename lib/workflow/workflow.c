/*
 * Workflow definitions: building, validation, versioned save and load.
 */
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "db/defs.h"
#include "store/store-internal.h"
#include "workflow/workflow-internal.h"

int csvc_workflow_new(csvc_workflow **out, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__check_machine_name(name, "workflow name");
	if (rc)
		return rc;
	csvc_workflow *wf = csvc__calloc(1, sizeof(*wf));
	if (!wf || csvc__strdup(name, &wf->name)) {
		csvc__free(wf);
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a workflow");
	}
	*out = wf;
	return CSVC_OK;
}

void csvc_workflow_free(csvc_workflow *wf)
{
	if (!wf)
		return;
	for (size_t i = 0; i < wf->n_states; i++) {
		csvc__free(wf->states[i].name);
		csvc__free(wf->states[i].label_zh);
		csvc__free(wf->states[i].label_en);
	}
	for (size_t i = 0; i < wf->n_transitions; i++) {
		csvc__free(wf->transitions[i].name);
		csvc__free(wf->transitions[i].from);
		csvc__free(wf->transitions[i].to);
	}
	for (size_t i = 0; i < wf->n_guards; i++) {
		csvc__free(wf->guards[i].transition);
		csvc__free(wf->guards[i].field);
		csvc__free(wf->guards[i].role);
	}
	csvc__free(wf->guards);
	csvc__free(wf->states);
	csvc__free(wf->transitions);
	csvc__free(wf->name);
	csvc__free(wf->initial);
	csvc__free(wf);
}

static long find_state(const csvc_workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->n_states; i++)
		if (strcmp(wf->states[i].name, name) == 0)
			return (long)i;
	return -1;
}

int csvc_workflow_add_state(csvc_workflow *wf, const char *name, csvc_state_category_t category,
                            const char *label_zh, const char *label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	int rc = csvc__check_machine_name(name, "state name");
	if (rc || (rc = csvc__check_text(label_zh, 1, CSVC_WORKFLOW_MAX_LABEL, "label_zh")) ||
	    (rc = csvc__check_text(label_en, 1, CSVC_WORKFLOW_MAX_LABEL, "label_en")))
		return rc;
	if (category < CSVC_STATE_NEW || category > CSVC_STATE_CANCELLED)
		return csvc__error(CSVC_EINVAL, "unknown state category %d", (int)category);
	if (find_state(wf, name) >= 0)
		return csvc__error(CSVC_EEXISTS, "workflow '%s' already has a state '%s'", wf->name, name);
	if (wf->n_states >= CSVC_WORKFLOW_MAX_STATES)
		return csvc__error(CSVC_ERANGE, "a workflow has at most %d states", CSVC_WORKFLOW_MAX_STATES);
	csvc__wf_state st = {NULL, NULL, NULL, category};
	char *initial = NULL;
	csvc__wf_state *states = csvc__realloc(wf->states, (wf->n_states + 1) * sizeof(*states));
	if (!states)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	wf->states = states;
	if ((rc = csvc__strdup(name, &st.name)) || (rc = csvc__strdup(label_zh, &st.label_zh)) ||
	    (rc = csvc__strdup(label_en, &st.label_en)) ||
	    (!wf->initial && (rc = csvc__strdup(name, &initial)))) {
		csvc__free(st.name);
		csvc__free(st.label_zh);
		csvc__free(st.label_en);
		return rc;
	}
	if (initial)
		wf->initial = initial;
	states[wf->n_states++] = st;
	wf->version = 0;
	return CSVC_OK;
}

int csvc_workflow_add_transition(csvc_workflow *wf, const char *name, const char *from, const char *to)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	int rc = csvc__check_machine_name(name, "transition name");
	if (rc || (rc = csvc__check_machine_name(from, "from state")) ||
	    (rc = csvc__check_machine_name(to, "to state")))
		return rc;
	for (size_t i = 0; i < wf->n_transitions; i++)
		if (strcmp(wf->transitions[i].name, name) == 0 && strcmp(wf->transitions[i].from, from) == 0)
			return csvc__error(CSVC_EEXISTS, "transition '%s' from '%s' is defined twice", name, from);
	if (wf->n_transitions >= CSVC_WORKFLOW_MAX_TRANSITIONS)
		return csvc__error(CSVC_ERANGE, "a workflow has at most %d transitions",
		                   CSVC_WORKFLOW_MAX_TRANSITIONS);
	csvc__wf_transition *ts = csvc__realloc(wf->transitions, (wf->n_transitions + 1) * sizeof(*ts));
	if (!ts)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	wf->transitions = ts;
	csvc__wf_transition t = {NULL, NULL, NULL};
	if ((rc = csvc__strdup(name, &t.name)) || (rc = csvc__strdup(from, &t.from)) ||
	    (rc = csvc__strdup(to, &t.to))) {
		csvc__free(t.name);
		csvc__free(t.from);
		csvc__free(t.to);
		return rc;
	}
	ts[wf->n_transitions++] = t;
	wf->version = 0;
	return CSVC_OK;
}

int csvc__workflow_check_input_name(const char *name, const char *what)
{
	if (!name)
		return csvc__error(CSVC_EINVAL, "%s is NULL", what);
	size_t n = strlen(name);
	if (n == 0 || n > CSVC_WORKFLOW_MAX_NAME)
		return csvc__error(CSVC_ERANGE, "%s must be 1 to %d bytes", what, CSVC_WORKFLOW_MAX_NAME);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return csvc__error(CSVC_EINVAL, "%s '%.*s' has a character outside [a-z0-9_]", what,
			                   (int)(n > 64 ? 64 : n), name);
	}
	return CSVC_OK;
}

static int has_transition(const csvc_workflow *wf, const char *name)
{
	for (size_t i = 0; i < wf->n_transitions; i++)
		if (strcmp(wf->transitions[i].name, name) == 0)
			return 1;
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Appends a guard after the checks common to both kinds. */
static int add_guard(csvc_workflow *wf, const char *transition, const char *field, const char *role,
                     int64_t threshold)
{
	if (!has_transition(wf, transition))
		return csvc__error(CSVC_EINVAL, "workflow '%s' has no transition '%s' to guard", wf->name, transition);
	for (size_t i = 0; i < wf->n_guards; i++) {
		const csvc__wf_guard *g = &wf->guards[i];
		if (strcmp(g->transition, transition))
			continue;
		if (!role && !g->role && strcmp(g->field, field) == 0)
			return csvc__error(CSVC_EEXISTS, "transition '%s' already needs field '%s'", transition, field);
		if (role && g->role && strcmp(g->role, role) == 0)
			return csvc__error(CSVC_EEXISTS, "transition '%s' already needs approval by role '%s'", transition,
			                   role);
	}
	if (wf->n_guards >= CSVC_WORKFLOW_MAX_GUARDS)
		return csvc__error(CSVC_ERANGE, "a workflow has at most %d guards", CSVC_WORKFLOW_MAX_GUARDS);
	csvc__wf_guard *gs = csvc__realloc(wf->guards, (wf->n_guards + 1) * sizeof(*gs));
	if (!gs)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	wf->guards = gs;
	csvc__wf_guard g = {NULL, NULL, NULL, threshold};
	int rc;
	if ((rc = csvc__strdup(transition, &g.transition)) || (field && (rc = csvc__strdup(field, &g.field))) ||
	    (role && (rc = csvc__strdup(role, &g.role)))) {
		csvc__free(g.transition);
		csvc__free(g.field);
		csvc__free(g.role);
		return rc;
	}
	gs[wf->n_guards++] = g;
	wf->version = 0;
	return CSVC_OK;
}

int csvc_workflow_require_field(csvc_workflow *wf, const char *transition, const char *field)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	int rc = csvc__check_machine_name(transition, "transition");
	if (rc || (rc = csvc__workflow_check_input_name(field, "field")))
		return rc;
	return add_guard(wf, transition, field, NULL, 0);
}

int csvc_workflow_require_approval(csvc_workflow *wf, const char *transition, const char *role,
                                   const char *field, int64_t threshold)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	int rc = csvc__check_machine_name(transition, "transition");
	if (rc || (rc = csvc__role_check_code(role)) || (field && (rc = csvc__workflow_check_input_name(field, "field"))))
		return rc;
	if (!field && threshold != 0)
		return csvc__error(CSVC_EINVAL, "a threshold needs a field to compare");
	return add_guard(wf, transition, field, role, threshold);
}

size_t csvc_workflow_guard_count(const csvc_workflow *wf) { return wf ? wf->n_guards : 0; }

int csvc_workflow_guard_at(const csvc_workflow *wf, size_t i, const char **transition, const char **field,
                           const char **role, int64_t *threshold)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	if (i >= wf->n_guards)
		return csvc__error(CSVC_ERANGE, "guard index %zu out of range (%zu guards)", i, wf->n_guards);
	const csvc__wf_guard *g = &wf->guards[i];
	if (transition)
		*transition = g->transition;
	if (field)
		*field = g->field;
	if (role)
		*role = g->role;
	if (threshold)
		*threshold = g->threshold;
	return CSVC_OK;
}

int csvc_workflow_set_initial(csvc_workflow *wf, const char *state)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	char *copy;
	int rc = csvc__check_machine_name(state, "initial state");
	if (rc || (rc = csvc__strdup(state, &copy)))
		return rc;
	csvc__free(wf->initial);
	wf->initial = copy;
	wf->version = 0;
	return CSVC_OK;
}

int csvc_workflow_validate(const csvc_workflow *wf)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	if (wf->n_states == 0 || !wf->initial)
		return csvc__error(CSVC_EINVAL, "workflow '%s' has no states", wf->name);
	long start = find_state(wf, wf->initial);
	if (start < 0)
		return csvc__error(CSVC_EINVAL, "workflow '%s': initial state '%s' is not defined", wf->name,
		                   wf->initial);
	int from_idx[CSVC_WORKFLOW_MAX_TRANSITIONS], to_idx[CSVC_WORKFLOW_MAX_TRANSITIONS];
	for (size_t i = 0; i < wf->n_transitions; i++) {
		const csvc__wf_transition *t = &wf->transitions[i];
		from_idx[i] = (int)find_state(wf, t->from);
		to_idx[i] = (int)find_state(wf, t->to);
		if (from_idx[i] < 0 || to_idx[i] < 0)
			return csvc__error(CSVC_EINVAL, "workflow '%s': transition '%s' goes from '%s' to '%s', "
			                                "and '%s' is not a state",
			                   wf->name, t->name, t->from, t->to, from_idx[i] < 0 ? t->from : t->to);
	}
	for (size_t i = 0; i < wf->n_guards; i++)
		if (!has_transition(wf, wf->guards[i].transition))
			return csvc__error(CSVC_EINVAL, "workflow '%s': a guard names transition '%s', which is not defined",
			                   wf->name, wf->guards[i].transition);
	/* Forward reachability from the initial state. */
	char reach[CSVC_WORKFLOW_MAX_STATES] = {0};
	reach[start] = 1;
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < wf->n_transitions; i++)
			if (reach[from_idx[i]] && !reach[to_idx[i]])
				reach[to_idx[i]] = changed = 1;
	}
	for (size_t i = 0; i < wf->n_states; i++)
		if (!reach[i])
			return csvc__error(CSVC_EINVAL, "workflow '%s': state '%s' cannot be reached from '%s'",
			                   wf->name, wf->states[i].name, wf->initial);
	/* Backward: every state must be able to end (closed or cancelled). */
	char ends[CSVC_WORKFLOW_MAX_STATES] = {0};
	for (size_t i = 0; i < wf->n_states; i++)
		ends[i] = wf->states[i].category == CSVC_STATE_CLOSED ||
		          wf->states[i].category == CSVC_STATE_CANCELLED;
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < wf->n_transitions; i++)
			if (ends[to_idx[i]] && !ends[from_idx[i]])
				ends[from_idx[i]] = changed = 1;
	}
	for (size_t i = 0; i < wf->n_states; i++)
		if (!ends[i])
			return csvc__error(CSVC_EINVAL,
			                   "workflow '%s': state '%s' has no path to a closed or cancelled state",
			                   wf->name, wf->states[i].name);
	return CSVC_OK;
}

int csvc__workflow_equal(const csvc_workflow *a, const csvc_workflow *b)
{
	if (strcmp(a->name, b->name) || strcmp(a->initial, b->initial) || a->n_states != b->n_states ||
	    a->n_transitions != b->n_transitions || a->n_guards != b->n_guards)
		return 0;
	for (size_t i = 0; i < a->n_states; i++) {
		const csvc__wf_state *x = &a->states[i], *y = &b->states[i];
		if (strcmp(x->name, y->name) || x->category != y->category ||
		    (!x->label_zh != !y->label_zh) || (x->label_zh && strcmp(x->label_zh, y->label_zh)) ||
		    (!x->label_en != !y->label_en) || (x->label_en && strcmp(x->label_en, y->label_en)))
			return 0;
	}
	for (size_t i = 0; i < a->n_transitions; i++) {
		const csvc__wf_transition *x = &a->transitions[i], *y = &b->transitions[i];
		if (strcmp(x->name, y->name) || strcmp(x->from, y->from) || strcmp(x->to, y->to))
			return 0;
	}
	for (size_t i = 0; i < a->n_guards; i++) {
		const csvc__wf_guard *x = &a->guards[i], *y = &b->guards[i];
		if (strcmp(x->transition, y->transition) || !str_eq(x->field, y->field) || !str_eq(x->role, y->role) ||
		    x->threshold != y->threshold)
			return 0;
	}
	return 1;
}

/* Builds a workflow from its stored rows; a row the setters refuse is
 * CSVC_ECORRUPT. */
static int from_rows(const csvc__workflow_rows *r, csvc_workflow **out)
{
	csvc_workflow *wf = NULL;
	char *initial = NULL;
	int rc = csvc__strdup(r->initial, &initial);
	if (rc || (rc = csvc_workflow_new(&wf, r->name))) {
		csvc__free(initial);
		return rc;
	}
	for (size_t i = 0; i < r->n_states && !rc; i++) {
		const csvc__workflow_state_row *st = &r->states[i];
		rc = csvc_workflow_add_state(wf, st->name, st->category, st->label_zh, st->label_en);
		if (rc && rc != CSVC_ENOMEM)
			rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad state: %s", r->name,
			                 (int)r->version, csvc_error_last()->message);
	}
	for (size_t i = 0; i < r->n_transitions && !rc; i++) {
		const csvc__workflow_transition_row *t = &r->transitions[i];
		rc = csvc_workflow_add_transition(wf, t->name, t->from, t->to);
		if (rc && rc != CSVC_ENOMEM)
			rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad transition: %s", r->name,
			                 (int)r->version, csvc_error_last()->message);
	}
	for (size_t i = 0; i < r->n_guards && !rc; i++) {
		const csvc__workflow_guard_row *g = &r->guards[i];
		if (g->role)
			rc = csvc_workflow_require_approval(wf, g->transition, g->role, g->field, g->threshold);
		else
			rc = csvc_workflow_require_field(wf, g->transition, g->field);
		if (rc && rc != CSVC_ENOMEM)
			rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad guard: %s", r->name,
			                 (int)r->version, csvc_error_last()->message);
	}
	if (rc) {
		csvc__free(initial);
		csvc_workflow_free(wf);
		return rc;
	}
	csvc__free(wf->initial);
	wf->initial = initial;
	wf->version = r->version;
	csvc__error_clear();
	*out = wf;
	return CSVC_OK;
}

/* Loads version `version` of `name` (0: the newest). */
static int load(csvc_store *store, const char *name, int32_t version, csvc_workflow **out)
{
	csvc__workflow_rows rows;
	int rc = csvc__workflow_db_read(store, name, version, &rows);
	if (rc)
		return rc;
	rc = from_rows(&rows, out);
	csvc__workflow_rows_free(&rows);
	return rc;
}

/* Saves inside the caller's (or its own) transaction. */
static int save_one(csvc_store *store, const csvc_workflow *wf, int32_t *version)
{
	int32_t latest = 0;
	int rc = csvc__defs_lock(store->db, csvc__workflow_defs());
	if (!rc)
		rc = csvc__workflow_db_latest(store, wf->name, &latest);
	if (rc)
		return rc;
	if (latest) {
		csvc_workflow *stored = NULL;
		if ((rc = load(store, wf->name, latest, &stored)))
			return rc;
		int same = csvc__workflow_equal(stored, wf);
		csvc_workflow_free(stored);
		if (same) {
			*version = latest;
			return CSVC_OK;
		}
	}
	if ((rc = csvc__workflow_db_insert(store, wf, latest + 1)))
		return rc;
	*version = latest + 1;
	return CSVC_OK;
}

int csvc_workflow_save(csvc_store *store, csvc_workflow *wf, int32_t *version)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = csvc_workflow_validate(wf);
	if (rc)
		return rc;
	int32_t v = 0;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	rc = csvc__tx_end(store, save_one(store, wf, &v));
	if (rc)
		return rc;
	wf->version = v;
	if (version)
		*version = v;
	return CSVC_OK;
}

int csvc_workflow_load(csvc_store *store, const char *name, int32_t version, csvc_workflow **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(version >= 0, "version");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc = csvc__check_machine_name(name, "workflow name");
	if (rc)
		return rc;
	return load(store, name, version, out);
}

const char *csvc_workflow_name(const csvc_workflow *wf) { return wf ? wf->name : NULL; }
int32_t csvc_workflow_version(const csvc_workflow *wf) { return wf ? wf->version : 0; }
const char *csvc_workflow_initial(const csvc_workflow *wf) { return wf ? wf->initial : NULL; }
size_t csvc_workflow_state_count(const csvc_workflow *wf) { return wf ? wf->n_states : 0; }
size_t csvc_workflow_transition_count(const csvc_workflow *wf) { return wf ? wf->n_transitions : 0; }

int csvc_workflow_state_at(const csvc_workflow *wf, size_t i, const char **name, int32_t *category,
                           const char **label_zh, const char **label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	if (i >= wf->n_states)
		return csvc__error(CSVC_ERANGE, "state index %zu out of range (%zu states)", i, wf->n_states);
	if (name)
		*name = wf->states[i].name;
	if (category)
		*category = wf->states[i].category;
	if (label_zh)
		*label_zh = wf->states[i].label_zh;
	if (label_en)
		*label_en = wf->states[i].label_en;
	return CSVC_OK;
}

int32_t csvc_workflow_state_category(const csvc_workflow *wf, const char *name)
{
	if (!wf || !name)
		return 0;
	long i = find_state(wf, name);
	return i < 0 ? 0 : wf->states[i].category;
}

int csvc_workflow_transition_at(const csvc_workflow *wf, size_t i, const char **name,
                                const char **from, const char **to)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	if (i >= wf->n_transitions)
		return csvc__error(CSVC_ERANGE, "transition index %zu out of range (%zu transitions)", i,
		                   wf->n_transitions);
	if (name)
		*name = wf->transitions[i].name;
	if (from)
		*from = wf->transitions[i].from;
	if (to)
		*to = wf->transitions[i].to;
	return CSVC_OK;
}

int csvc_workflow_target(const csvc_workflow *wf, const char *from, const char *name, const char **to)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(wf, "wf");
	CSVC__CHECK_ARG(to, "to");
	int rc = csvc__check_machine_name(from, "from state");
	if (rc || (rc = csvc__check_machine_name(name, "transition")))
		return rc;
	for (size_t i = 0; i < wf->n_transitions; i++)
		if (strcmp(wf->transitions[i].name, name) == 0 && strcmp(wf->transitions[i].from, from) == 0) {
			*to = wf->transitions[i].to;
			return CSVC_OK;
		}
	return csvc__error(CSVC_ESTATE, "workflow '%s' has no transition '%s' from state '%s'", wf->name,
	                   name, from);
}

int csvc__workflow_install_defaults(csvc_store *store)
{
	csvc_workflow **wfs = NULL;
	size_t n = 0;
	int rc = csvc__workflow_defaults(&wfs, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = csvc_workflow_validate(wfs[i]);
	int32_t v;
	for (size_t i = 0; i < n && !rc; i++)
		rc = save_one(store, wfs[i], &v);
	for (size_t i = 0; i < n; i++)
		csvc_workflow_free(wfs[i]);
	csvc__free(wfs);
	return rc;
}
