/*
 * Workflow storage: one header row per version (the shared versioned
 * definition storage of db/defs.h), its states and transitions in order.
 * Loads return rows; workflow.c builds the workflow from them.
 */
#include <stdlib.h>
#include <string.h>

#include "db/defs.h"
#include "feed/feed-internal.h"
#include "store/store-internal.h"
#include "workflow/workflow-internal.h"

static const csvc__defs_kind WORKFLOW_DEFS = {
	.what = "workflow",
	.latest = CSVC__SQL("SELECT version, id FROM workflows WHERE name = $1 ORDER BY version DESC LIMIT 1"),
	.find = CSVC__SQL("SELECT id FROM workflows WHERE name = $1 AND version = $2"),
	.header = CSVC__SQL("SELECT name, version, initial_state FROM workflows WHERE id = $1"),
	.insert = CSVC__SQL_INSERT_ID("INSERT INTO workflows (name, version, created_us, initial_state) VALUES ($1,$2,$3,$4)"),
	.list = CSVC__SQL("SELECT w.name, w.version, w.id, 0 FROM workflows w"
	                  " WHERE w.version = (SELECT max(version) FROM workflows q WHERE q.name = w.name) ORDER BY w.name"),
};

static const csvc__sql SQL_INSERT_STATE = CSVC__SQL("INSERT INTO workflow_states (workflow_id, position, name, category, label_zh, label_en)"
	" VALUES ($1,$2,$3,$4,$5,$6)");
static const csvc__sql SQL_INSERT_TRANSITION = CSVC__SQL("INSERT INTO workflow_transitions (workflow_id, position, name, from_state, to_state)"
	" VALUES ($1,$2,$3,$4,$5)");
static const csvc__sql SQL_INSERT_GUARD = CSVC__SQL("INSERT INTO workflow_guards (workflow_id, position, transition, field, role, threshold)"
	" VALUES ($1,$2,$3,$4,$5,$6)");
static const csvc__sql SQL_LOAD_GUARDS = CSVC__SQL("SELECT transition, field, role, threshold FROM workflow_guards WHERE workflow_id = $1"
	" ORDER BY position");
static const csvc__sql SQL_LOAD_STATES = CSVC__SQL("SELECT name, category, label_zh, label_en FROM workflow_states WHERE workflow_id = $1"
	" ORDER BY position");
static const csvc__sql SQL_LOAD_TRANSITIONS = CSVC__SQL("SELECT name, from_state, to_state FROM workflow_transitions WHERE workflow_id = $1"
	" ORDER BY position");

const csvc__defs_kind *csvc__workflow_defs(void)
{
	return &WORKFLOW_DEFS;
}

int csvc__workflow_db_latest(csvc_store *s, const char *name, int32_t *version)
{
	return csvc__defs_latest(s->db, &WORKFLOW_DEFS, name, version, NULL);
}

static void bind_header(csvc__stmt *st, const void *def)
{
	const csvc_workflow *wf = def;
	csvc__db_bind_text(st, 4, wf->initial);
}

int csvc__workflow_db_insert(csvc_store *s, const csvc_workflow *wf, int32_t version)
{
	int64_t id = 0;
	csvc_time_us now = csvc_store_now(s);
	int rc = csvc__defs_insert(s->db, &WORKFLOW_DEFS, wf->name, version, now, bind_header, wf, &id);
	if (rc || (rc = csvc__feed_definition(s, "workflow_saved", "workflow", wf->name, version, NULL, now)))
		return rc;
	csvc__stmt *st;
	if ((rc = csvc__db_stmt(s->db, &SQL_INSERT_STATE, &st)))
		return rc;
	for (size_t i = 0; i < wf->n_states && !rc; i++) {
		csvc__db_bind_int(st, 1, id);
		csvc__db_bind_int(st, 2, (int64_t)i);
		csvc__db_bind_text(st, 3, wf->states[i].name);
		csvc__db_bind_int(st, 4, wf->states[i].category);
		csvc__db_bind_text(st, 5, wf->states[i].label_zh);
		csvc__db_bind_text(st, 6, wf->states[i].label_en);
		rc = csvc__db_run(st);
	}
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_INSERT_TRANSITION, &st)))
		return rc;
	for (size_t i = 0; i < wf->n_transitions && !rc; i++) {
		csvc__db_bind_int(st, 1, id);
		csvc__db_bind_int(st, 2, (int64_t)i);
		csvc__db_bind_text(st, 3, wf->transitions[i].name);
		csvc__db_bind_text(st, 4, wf->transitions[i].from);
		csvc__db_bind_text(st, 5, wf->transitions[i].to);
		rc = csvc__db_run(st);
	}
	if (rc || !wf->n_guards || (rc = csvc__db_stmt(s->db, &SQL_INSERT_GUARD, &st)))
		return rc;
	for (size_t i = 0; i < wf->n_guards && !rc; i++) {
		csvc__db_bind_int(st, 1, id);
		csvc__db_bind_int(st, 2, (int64_t)i);
		csvc__db_bind_text(st, 3, wf->guards[i].transition);
		csvc__db_bind_text(st, 4, wf->guards[i].field);
		csvc__db_bind_text(st, 5, wf->guards[i].role);
		csvc__db_bind_int(st, 6, wf->guards[i].threshold);
		rc = csvc__db_run(st);
	}
	return rc;
}

void csvc__workflow_rows_free(csvc__workflow_rows *r)
{
	for (size_t i = 0; i < r->n_states; i++) {
		csvc__free(r->states[i].name);
		csvc__free(r->states[i].label_zh);
		csvc__free(r->states[i].label_en);
	}
	for (size_t i = 0; i < r->n_transitions; i++) {
		csvc__free(r->transitions[i].name);
		csvc__free(r->transitions[i].from);
		csvc__free(r->transitions[i].to);
	}
	for (size_t i = 0; i < r->n_guards; i++) {
		csvc__free(r->guards[i].transition);
		csvc__free(r->guards[i].field);
		csvc__free(r->guards[i].role);
	}
	csvc__free(r->guards);
	csvc__free(r->states);
	csvc__free(r->transitions);
	csvc__free(r->name);
	csvc__free(r->initial);
	memset(r, 0, sizeof(*r));
}

static int read_rows(csvc_store *s, csvc__workflow_rows *r)
{
	csvc__stmt *st;
	int rc = csvc__defs_header(s->db, &WORKFLOW_DEFS, r->id, &st);
	if (rc)
		return rc;
	r->version = (int32_t)csvc__db_int(st, 1);
	rc = csvc__strdup(csvc__db_textcol(st, 0), &r->name);
	if (!rc)
		rc = csvc__strdup(csvc__db_textcol(st, 2), &r->initial);
	csvc__db_reset(st);
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_LOAD_STATES, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__workflow_state_row *row = csvc__defs_append(&r->states, &r->n_states, &r->cap_states, sizeof(*row));
		if (!row || (rc = csvc__strdup(csvc__db_textcol(st, 0), &row->name)) ||
		    (rc = csvc__strdup(csvc__db_textcol(st, 2), &row->label_zh)) ||
		    (rc = csvc__strdup(csvc__db_textcol(st, 3), &row->label_en))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		row->category = (int32_t)csvc__db_int(st, 1);
	}
	if (rc < 0 || (rc = csvc__db_stmt(s->db, &SQL_LOAD_TRANSITIONS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__workflow_transition_row *row =
			csvc__defs_append(&r->transitions, &r->n_transitions, &r->cap_transitions, sizeof(*row));
		if (!row || (rc = csvc__strdup(csvc__db_textcol(st, 0), &row->name)) ||
		    (rc = csvc__strdup(csvc__db_textcol(st, 1), &row->from)) ||
		    (rc = csvc__strdup(csvc__db_textcol(st, 2), &row->to))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
	}
	if (rc < 0 || (rc = csvc__db_stmt(s->db, &SQL_LOAD_GUARDS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__workflow_guard_row *row = csvc__defs_append(&r->guards, &r->n_guards, &r->cap_guards, sizeof(*row));
		if (!row || (rc = csvc__strdup(csvc__db_textcol(st, 0), &row->transition)) ||
		    (rc = csvc__strdup(csvc__db_textcol(st, 1), &row->field)) ||
		    (rc = csvc__strdup(csvc__db_textcol(st, 2), &row->role))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		row->threshold = csvc__db_int(st, 3);
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__workflow_db_read(csvc_store *s, const char *name, int32_t version, csvc__workflow_rows *out)
{
	memset(out, 0, sizeof(*out));
	int rc = csvc__defs_resolve(s->db, &WORKFLOW_DEFS, name, version, &out->id, NULL);
	if (!rc)
		rc = read_rows(s, out);
	if (rc)
		csvc__workflow_rows_free(out);
	return rc;
}
