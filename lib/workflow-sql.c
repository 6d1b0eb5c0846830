/*
 * Workflow storage on SQLite: one row per version, its states and
 * transitions in order.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "workflow-internal.h"

static const char SQL_LATEST[] = "SELECT max(version) FROM workflows WHERE name = ?";
static const char SQL_INSERT[] =
	"INSERT INTO workflows (name, version, initial_state, created_us) VALUES (?,?,?,?)";
static const char SQL_INSERT_STATE[] =
	"INSERT INTO workflow_states (workflow_id, position, name, category, label_zh, label_en)"
	" VALUES (?,?,?,?,?,?)";
static const char SQL_INSERT_TRANSITION[] =
	"INSERT INTO workflow_transitions (workflow_id, position, name, from_state, to_state)"
	" VALUES (?,?,?,?,?)";
static const char SQL_LOAD[] =
	"SELECT id, initial_state FROM workflows WHERE name = ? AND version = ?";
static const char SQL_LOAD_STATES[] =
	"SELECT name, category, label_zh, label_en FROM workflow_states WHERE workflow_id = ?"
	" ORDER BY position";
static const char SQL_LOAD_TRANSITIONS[] =
	"SELECT name, from_state, to_state FROM workflow_transitions WHERE workflow_id = ?"
	" ORDER BY position";

int csvc__workflow_db_latest(csvc_store *s, const char *name, int32_t *version)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_LATEST, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	*version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return CSVC_OK;
}

int csvc__workflow_db_insert(csvc_store *s, const csvc_workflow *wf, int32_t version)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_INSERT, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, wf->name);
	sqlite3_bind_int(st, 2, version);
	csvc__bind_text(st, 3, wf->initial);
	sqlite3_bind_int64(st, 4, csvc_store_now(s));
	if ((rc = csvc__exec_stmt(s, st)))
		return rc;
	int64_t id = sqlite3_last_insert_rowid(s->db);
	if ((rc = csvc__stmt(s, SQL_INSERT_STATE, &st)))
		return rc;
	for (size_t i = 0; i < wf->n_states && !rc; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		csvc__bind_text(st, 3, wf->states[i].name);
		sqlite3_bind_int(st, 4, wf->states[i].category);
		csvc__bind_text(st, 5, wf->states[i].label_zh);
		csvc__bind_text(st, 6, wf->states[i].label_en);
		rc = csvc__exec_stmt(s, st);
	}
	if (rc || (rc = csvc__stmt(s, SQL_INSERT_TRANSITION, &st)))
		return rc;
	for (size_t i = 0; i < wf->n_transitions && !rc; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		csvc__bind_text(st, 3, wf->transitions[i].name);
		csvc__bind_text(st, 4, wf->transitions[i].from);
		csvc__bind_text(st, 5, wf->transitions[i].to);
		rc = csvc__exec_stmt(s, st);
	}
	return rc;
}

static const char *text_or_null(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int csvc__workflow_db_load(csvc_store *s, const char *name, int32_t version, csvc_workflow **out)
{
	sqlite3_stmt *st;
	int rc = csvc__stmt(s, SQL_LOAD, &st);
	if (rc)
		return rc;
	csvc__bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, version);
	if ((rc = csvc__step(s, st)) < 0)
		return rc;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no workflow '%s' version %d", name, (int)version);
	}
	int64_t id = sqlite3_column_int64(st, 0);
	char *initial = NULL;
	rc = csvc__strdup(text_or_null(st, 1), &initial);
	sqlite3_reset(st);
	csvc_workflow *wf = NULL;
	if (rc || (rc = csvc_workflow_new(&wf, name))) {
		csvc__free(initial);
		return rc;
	}
	if ((rc = csvc__stmt(s, SQL_LOAD_STATES, &st)))
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		rc = csvc_workflow_add_state(wf, text_or_null(st, 0), sqlite3_column_int(st, 1),
		                             text_or_null(st, 2), text_or_null(st, 3));
		if (rc) {
			sqlite3_reset(st);
			if (rc != CSVC_ENOMEM)
				rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad state: %s", name,
				                 (int)version, csvc_error_last()->message);
			goto fail;
		}
	}
	if (rc < 0 || (rc = csvc__stmt(s, SQL_LOAD_TRANSITIONS, &st)))
		goto fail;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = csvc__step(s, st)) == SQLITE_ROW) {
		rc = csvc_workflow_add_transition(wf, text_or_null(st, 0), text_or_null(st, 1),
		                                  text_or_null(st, 2));
		if (rc) {
			sqlite3_reset(st);
			if (rc != CSVC_ENOMEM)
				rc = csvc__error(CSVC_ECORRUPT, "stored workflow '%s' v%d has a bad transition: %s", name,
				                 (int)version, csvc_error_last()->message);
			goto fail;
		}
	}
	if (rc < 0)
		goto fail;
	sqlite3_reset(st);
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
