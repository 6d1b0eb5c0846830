/*
 * Workflow storage on SQLite: one row per version, its states and
 * transitions in order.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "workflow-internal.h"

static const csvc__sql SQL_LATEST = CSVC__SQL("SELECT max(version) FROM workflows WHERE name = $1");
static const csvc__sql SQL_INSERT = CSVC__SQL("INSERT INTO workflows (name, version, initial_state, created_us) VALUES ($1,$2,$3,$4) RETURNING id");
static const csvc__sql SQL_INSERT_STATE = CSVC__SQL("INSERT INTO workflow_states (workflow_id, position, name, category, label_zh, label_en)"
	" VALUES ($1,$2,$3,$4,$5,$6)");
static const csvc__sql SQL_INSERT_TRANSITION = CSVC__SQL("INSERT INTO workflow_transitions (workflow_id, position, name, from_state, to_state)"
	" VALUES ($1,$2,$3,$4,$5)");
static const csvc__sql SQL_LOAD = CSVC__SQL("SELECT id, initial_state FROM workflows WHERE name = $1 AND version = $2");
static const csvc__sql SQL_LOAD_STATES = CSVC__SQL("SELECT name, category, label_zh, label_en FROM workflow_states WHERE workflow_id = $1"
	" ORDER BY position");
static const csvc__sql SQL_LOAD_TRANSITIONS = CSVC__SQL("SELECT name, from_state, to_state FROM workflow_transitions WHERE workflow_id = $1"
	" ORDER BY position");

int csvc__workflow_db_latest(csvc_store *s, const char *name, int32_t *version)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LATEST, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	*version = (int32_t)csvc__db_int(st, 0);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__workflow_db_insert(csvc_store *s, const csvc_workflow *wf, int32_t version)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, wf->name);
	csvc__db_bind_int(st, 2, version);
	csvc__db_bind_text(st, 3, wf->initial);
	csvc__db_bind_int(st, 4, csvc_store_now(s));
	int64_t id = 0;
	if ((rc = csvc__db_insert_id(st, &id)))
		return rc;

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
	return rc;
}

static const char *text_or_null(csvc__stmt *st, int col)
{
	return csvc__db_textcol(st, col);
}

int csvc__workflow_db_load(csvc_store *s, const char *name, int32_t version, csvc_workflow **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_int(st, 2, version);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no workflow '%s' version %d", name, (int)version);
	}
	int64_t id = csvc__db_int(st, 0);
	char *initial = NULL;
	rc = csvc__strdup(text_or_null(st, 1), &initial);
	csvc__db_reset(st);
	csvc_workflow *wf = NULL;
	if (rc || (rc = csvc_workflow_new(&wf, name))) {
		csvc__free(initial);
		return rc;
	}
	if ((rc = csvc__db_stmt(s->db, &SQL_LOAD_STATES, &st)))
		goto fail;
	csvc__db_bind_int(st, 1, id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		rc = csvc_workflow_add_state(wf, text_or_null(st, 0), (int32_t)csvc__db_int(st, 1),
		                             text_or_null(st, 2), text_or_null(st, 3));
		if (rc) {
			csvc__db_reset(st);
			if (rc != CSVC_ENOMEM)
				rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad state: %s", name,
				                 (int)version, csvc_error_last()->message);
			goto fail;
		}
	}
	if (rc < 0 || (rc = csvc__db_stmt(s->db, &SQL_LOAD_TRANSITIONS, &st)))
		goto fail;
	csvc__db_reset(st);
	csvc__db_bind_int(st, 1, id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		rc = csvc_workflow_add_transition(wf, text_or_null(st, 0), text_or_null(st, 1),
		                                  text_or_null(st, 2));
		if (rc) {
			csvc__db_reset(st);
			if (rc != CSVC_ENOMEM)
				rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad transition: %s", name,
				                 (int)version, csvc_error_last()->message);
			goto fail;
		}
	}
	if (rc < 0)
		goto fail;
	csvc__db_reset(st);
	csvc__free(wf->initial);
	wf->initial = initial;
	wf->version = version;
	csvc__error_clear();
	*out = wf;
	return CSVC_OK;
fail:
	csvc__free(initial);
	csvc_workflow_free(wf);
	return rc;
}
