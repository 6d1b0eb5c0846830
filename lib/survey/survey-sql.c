/*
 * Survey storage on SQLite: one row per definition version with its
 * dimensions and questions, invitations, responses and answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/defs.h"
#include "feed/feed-internal.h"
#include "store/store-internal.h"
#include "survey/survey-internal.h"

static const csvc__defs_kind SURVEY_DEFS = {
	.what = "survey",
	.latest = CSVC__SQL("SELECT version, id FROM surveys WHERE name = $1 ORDER BY version DESC LIMIT 1"),
	.find = CSVC__SQL("SELECT id FROM surveys WHERE name = $1 AND version = $2"),
	.header = CSVC__SQL("SELECT name, version, title, anonymous FROM surveys WHERE id = $1"),
	.insert = CSVC__SQL_INSERT_ID("INSERT INTO surveys (name, version, created_us, title, anonymous) VALUES ($1,$2,$3,$4,$5)"),
	.list = CSVC__SQL("SELECT s.name, s.version, s.id, 0 FROM surveys s"
	                  " WHERE s.version = (SELECT max(version) FROM surveys q WHERE q.name = s.name) ORDER BY s.name"),
};
static const csvc__sql SQL_INSERT_DIM = CSVC__SQL("INSERT INTO survey_dimensions (survey_id, position, name, weight, label_zh, label_en)"
	" VALUES ($1,$2,$3,$4,$5,$6)");
static const csvc__sql SQL_INSERT_QUESTION = CSVC__SQL("INSERT INTO survey_questions (survey_id, position, name, type, dimension, required, scale_max,"
	" options, label_zh, label_en) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)");
static const csvc__sql SQL_LOAD_DIMS = CSVC__SQL("SELECT name, weight, label_zh, label_en FROM survey_dimensions WHERE survey_id = $1 ORDER BY position");
static const csvc__sql SQL_LOAD_QUESTIONS = CSVC__SQL("SELECT position, name, type, dimension, required, scale_max, label_zh, label_en FROM survey_questions"
	" WHERE survey_id = $1 ORDER BY position");
/* Options are a JSON array, read by the engine's JSON functions. */
static const csvc__sql SQL_LOAD_OPTIONS = CSVC__SQL_DIALECTS(
	"SELECT q.position, j.value FROM survey_questions q, json_each(q.options) j"
	" WHERE q.survey_id = $1 AND q.options IS NOT NULL ORDER BY q.position, j.key",
	"SELECT q.position, j.value FROM survey_questions q,"
	" json_array_elements_text(q.options::json) WITH ORDINALITY AS j(value, key)"
	" WHERE q.survey_id = $1 AND q.options IS NOT NULL ORDER BY q.position, j.key");
static const csvc__sql SQL_TICKET = CSVC__SQL("SELECT id, customer_id, store_code, assignee, channel, kind, category FROM tickets WHERE uuid = $1");
static const csvc__sql SQL_INVITE = CSVC__SQL("INSERT INTO survey_invitations (token, survey_id, ticket_id, customer_id, store_code, staff, channel,"
	" method, ticket_kind, ticket_category, created_us, expires_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)");
static const csvc__sql SQL_INVITATION = CSVC__SQL("SELECT id, survey_id, ticket_id, customer_id, store_code, staff, channel, method, ticket_kind,"
	" ticket_category, expires_us, responded_us FROM survey_invitations WHERE token = $1");
static const csvc__sql SQL_RESPONDED = CSVC__SQL("UPDATE survey_invitations SET responded_us = $1 WHERE id = $2 AND responded_us IS NULL");
static const csvc__sql SQL_RESPONSE = CSVC__SQL_INSERT_ID("INSERT INTO survey_responses (uuid, survey_id, invitation_id, ticket_id, customer_id, store_code, staff,"
	" channel, method, ticket_kind, ticket_category, submitted_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)");
/* What a survey's feed entry names: the survey, the ticket, the customer. */
static const csvc__sql SQL_FEED_REFS = CSVC__SQL("SELECT s.name, s.version, t.uuid, t.number, c.uuid FROM surveys s"
	" LEFT JOIN tickets t ON t.id = $2 LEFT JOIN customers c ON c.id = $3 WHERE s.id = $1");
static const csvc__sql SQL_ANSWER = CSVC__SQL("INSERT INTO survey_answers (response_id, position, value, value2, text) VALUES ($1,$2,$3,$4,$5)");

static void bind_rowid(csvc__stmt *st, int idx, int64_t v)
{
	if (v)
		csvc__db_bind_int(st, idx, v);
	else
		csvc__db_bind_null(st, idx);
}

const csvc__defs_kind *csvc__survey_defs(void)
{
	return &SURVEY_DEFS;
}

int csvc__survey_db_latest(csvc_store *s, const char *name, int32_t *version, int64_t *id)
{
	return csvc__defs_latest(s->db, &SURVEY_DEFS, name, version, id);
}

int csvc__survey_db_find(csvc_store *s, const char *name, int32_t version, int64_t *id)
{
	return csvc__defs_resolve(s->db, &SURVEY_DEFS, name, version, id, NULL);
}

static void bind_header(csvc__stmt *st, const void *def)
{
	const csvc_survey *sv = def;
	csvc__db_bind_text(st, 4, sv->title);
	csvc__db_bind_int(st, 5, sv->anonymous);
}

int csvc__survey_db_insert(csvc_store *s, const csvc_survey *sv, int32_t version, int64_t *id)
{
	csvc__stmt *st;
	csvc_time_us now = csvc_store_now(s);
	int rc = csvc__defs_insert(s->db, &SURVEY_DEFS, sv->name, version, now, bind_header, sv, id);
	if (!rc)
		rc = csvc__feed_definition(s, "survey_saved", "survey", sv->name, version, NULL, now);
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_INSERT_DIM, &st)))
		return rc;
	for (size_t i = 0; i < sv->n_dims && !rc; i++) {
		csvc__db_bind_int(st, 1, *id);
		csvc__db_bind_int(st, 2, (int64_t)i);
		csvc__db_bind_text(st, 3, sv->dims[i].name);
		csvc__db_bind_double(st, 4, sv->dims[i].weight);
		csvc__db_bind_text(st, 5, sv->dims[i].label_zh);
		csvc__db_bind_text(st, 6, sv->dims[i].label_en);
		rc = csvc__db_run(st);
	}
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_INSERT_QUESTION, &st)))
		return rc;
	for (size_t i = 0; i < sv->n_questions && !rc; i++) {
		const csvc__survey_question *q = &sv->questions[i];
		csvc__buf opts = {0};
		if (q->n_options) {
			csvc__buf_put(&opts, "[", 1);
			for (size_t j = 0; j < q->n_options; j++) {
				if (j)
					csvc__buf_put(&opts, ",", 1);
				csvc__buf_json_string(&opts, q->options[j]);
			}
			csvc__buf_put(&opts, "]", 1);
			if (opts.failed) {
				csvc__buf_free(&opts);
				return csvc__error(CSVC_ENOMEM, "out of memory");
			}
		}
		csvc__db_bind_int(st, 1, *id);
		csvc__db_bind_int(st, 2, (int64_t)i);
		csvc__db_bind_text(st, 3, q->name);
		csvc__db_bind_int(st, 4, q->type);
		csvc__db_bind_text(st, 5, q->dimension);
		csvc__db_bind_int(st, 6, q->required);
		csvc__db_bind_int(st, 7, q->scale_max);
		csvc__db_bind_text(st, 8, opts.data);
		csvc__db_bind_text(st, 9, q->label_zh);
		csvc__db_bind_text(st, 10, q->label_en);
		rc = csvc__db_run(st);
		csvc__buf_free(&opts);
	}
	return rc;
}

static const char *col_text(csvc__stmt *st, int col)
{
	return csvc__db_textcol(st, col);
}

void csvc__survey_rows_free(csvc__survey_rows *r)
{
	for (size_t i = 0; i < r->n_dims; i++) {
		csvc__free(r->dims[i].name);
		csvc__free(r->dims[i].label_zh);
		csvc__free(r->dims[i].label_en);
	}
	for (size_t i = 0; i < r->n_questions; i++) {
		csvc__free(r->questions[i].name);
		csvc__free(r->questions[i].dimension);
		csvc__free(r->questions[i].label_zh);
		csvc__free(r->questions[i].label_en);
	}
	for (size_t i = 0; i < r->n_options; i++)
		csvc__free(r->options[i].option);
	csvc__free(r->dims);
	csvc__free(r->questions);
	csvc__free(r->options);
	csvc__free(r->name);
	csvc__free(r->title);
	memset(r, 0, sizeof(*r));
}

static int read_rows(csvc_store *s, csvc__survey_rows *r)
{
	csvc__stmt *st;
	int rc = csvc__defs_header(s->db, &SURVEY_DEFS, r->id, &st);
	if (rc)
		return rc;
	r->version = (int32_t)csvc__db_int(st, 1);
	r->anonymous = (int32_t)csvc__db_int(st, 3);
	rc = csvc__strdup(col_text(st, 0), &r->name);
	if (!rc)
		rc = csvc__strdup(col_text(st, 2), &r->title);
	csvc__db_reset(st);
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_LOAD_DIMS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__survey_dim_row *d = csvc__defs_append(&r->dims, &r->n_dims, &r->cap_dims, sizeof(*d));
		if (!d || (rc = csvc__strdup(col_text(st, 0), &d->name)) ||
		    (rc = csvc__strdup(col_text(st, 2), &d->label_zh)) || (rc = csvc__strdup(col_text(st, 3), &d->label_en))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		d->weight = csvc__db_double(st, 1);
	}
	if (rc < 0 || (rc = csvc__db_stmt(s->db, &SQL_LOAD_QUESTIONS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__survey_question_row *q =
			csvc__defs_append(&r->questions, &r->n_questions, &r->cap_questions, sizeof(*q));
		if (!q || (rc = csvc__strdup(col_text(st, 1), &q->name)) ||
		    (rc = csvc__strdup(col_text(st, 3), &q->dimension)) ||
		    (rc = csvc__strdup(col_text(st, 6), &q->label_zh)) || (rc = csvc__strdup(col_text(st, 7), &q->label_en))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		q->type = (int32_t)csvc__db_int(st, 2);
		q->required = (int32_t)csvc__db_int(st, 4);
		q->scale_max = (int32_t)csvc__db_int(st, 5);
	}
	if (rc < 0 || (rc = csvc__db_stmt(s->db, &SQL_LOAD_OPTIONS, &st)))
		return rc;
	csvc__db_bind_int(st, 1, r->id);
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		csvc__survey_option_row *o = csvc__defs_append(&r->options, &r->n_options, &r->cap_options, sizeof(*o));
		if (!o || (rc = csvc__strdup(col_text(st, 1), &o->option))) {
			csvc__db_reset(st);
			return CSVC_ENOMEM;
		}
		o->question = csvc__db_int(st, 0);
	}
	if (rc < 0)
		return rc;
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__survey_db_read(csvc_store *s, int64_t id, csvc__survey_rows *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	int rc = read_rows(s, out);
	if (rc)
		csvc__survey_rows_free(out);
	return rc;
}

/* Copies an optional text column; *has says whether it was set. */
static void copy_col(csvc__stmt *st, int col, char *buf, size_t n, int *has)
{
	const char *v = col_text(st, col);
	if (has)
		*has = v != NULL;
	snprintf(buf, n, "%s", v ? v : "");
}

int csvc__survey_db_ticket(csvc_store *s, const csvc_uuid *id, csvc__survey_ticket *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_TICKET, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ENOTFOUND, "no ticket %s", text);
	}
	out->rowid = csvc__db_int(st, 0);
	out->customer_id = csvc__db_int(st, 1);
	copy_col(st, 2, out->store_code, sizeof(out->store_code), NULL);
	copy_col(st, 3, out->assignee, sizeof(out->assignee), &out->has_assignee);
	copy_col(st, 4, out->channel, sizeof(out->channel), &out->has_channel);
	copy_col(st, 5, out->kind, sizeof(out->kind), NULL);
	copy_col(st, 6, out->category, sizeof(out->category), &out->has_category);
	csvc__db_reset(st);
	return CSVC_OK;
}

static void bind_binding(csvc__stmt *st, int first, const csvc__survey_binding *b)
{
	/* survey_id, ticket_id, customer_id, store_code, staff, channel, method */
	csvc__db_bind_int(st, first, b->survey_id);
	bind_rowid(st, first + 1, b->ticket_id);
	bind_rowid(st, first + 2, b->customer_id);
	csvc__db_bind_text(st, first + 3, b->store_code);
	csvc__db_bind_text(st, first + 4, b->staff);
	csvc__db_bind_text(st, first + 5, b->channel);
	csvc__db_bind_int(st, first + 6, b->method);
	csvc__db_bind_text(st, first + 7, b->ticket_kind);
	csvc__db_bind_text(st, first + 8, b->ticket_category);
}

static void json_uuid_member(csvc__buf *b, const char *key, csvc__stmt *st, int col)
{
	csvc_uuid id;
	csvc__buf_printf(b, ",\"%s\":", key);
	if (csvc__db_uuid(st, col, &id)) {
		char text[37];
		csvc_uuid_to_string(&id, text);
		csvc__buf_json_string(b, text);
	} else {
		csvc__buf_puts(b, "null");
	}
}

static void json_text_member(csvc__buf *b, const char *key, const char *v)
{
	csvc__buf_printf(b, ",\"%s\":", key);
	if (v)
		csvc__buf_json_string(b, v);
	else
		csvc__buf_puts(b, "null");
}

/* The feed entry of an invitation or a response (docs/feed.md). */
static int feed_survey(csvc_store *s, const char *type, const csvc_uuid *subject, const csvc__survey_binding *b,
                       csvc_time_us at, csvc_time_us expires)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_FEED_REFS, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, b->survey_id);
	csvc__db_bind_int(st, 2, b->ticket_id);
	csvc__db_bind_int(st, 3, b->customer_id);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ECORRUPT, "stored survey %lld is missing", (long long)b->survey_id);
	}
	char *name = NULL;
	if ((rc = csvc__strdup(csvc__db_textcol(st, 0), &name))) {
		csvc__db_reset(st);
		return rc;
	}
	/* csvc_uuid_to_string() clears the error record: nothing below
	 * sets it before the check of the buffer. */
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"survey\":");
	csvc__buf_json_string(&p, name ? name : "");
	csvc__buf_printf(&p, ",\"version\":%lld", (long long)csvc__db_int(st, 1));
	json_uuid_member(&p, "ticket", st, 2);
	json_text_member(&p, "ticket_number", csvc__db_textcol(st, 3));
	json_uuid_member(&p, "customer", st, 4);
	csvc__db_reset(st);
	json_text_member(&p, "store_code", b->store_code);
	json_text_member(&p, "channel", b->channel);
	csvc__buf_printf(&p, ",\"method\":%d", (int)b->method);
	if (expires)
		csvc__buf_printf(&p, ",\"expires_at\":%lld", (long long)expires);
	csvc__buf_put(&p, "}", 2);
	if (!rc && p.failed)
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (!rc)
		rc = csvc__feed_record(s, type, "survey", subject, name, b->staff, at, p.data);
	csvc__buf_free(&p);
	csvc__free(name);
	return rc;
}

int csvc__survey_db_invite(csvc_store *s, const char *token, const csvc__survey_binding *b, csvc_time_us created,
                           csvc_time_us expires)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INVITE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, token);
	bind_binding(st, 2, b);
	csvc__db_bind_int(st, 11, created);
	csvc__db_bind_int(st, 12, expires);
	if ((rc = csvc__db_run(st)))
		return rc;
	return feed_survey(s, "invited", NULL, b, created, expires);
}

int csvc__survey_db_invitation(csvc_store *s, const char *token, csvc__survey_invitation *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INVITATION, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, token);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no invitation with that token");
	}
	out->rowid = csvc__db_int(st, 0);
	out->survey_id = csvc__db_int(st, 1);
	out->ticket_id = csvc__db_int(st, 2);
	out->customer_id = csvc__db_int(st, 3);
	copy_col(st, 4, out->store_code, sizeof(out->store_code), NULL);
	copy_col(st, 5, out->staff, sizeof(out->staff), &out->has_staff);
	copy_col(st, 6, out->channel, sizeof(out->channel), &out->has_channel);
	out->method = (int32_t)csvc__db_int(st, 7);
	copy_col(st, 8, out->kind, sizeof(out->kind), &out->has_kind);
	copy_col(st, 9, out->category, sizeof(out->category), &out->has_category);
	out->expires = csvc__db_int(st, 10);
	out->responded = csvc__db_int(st, 11);
	csvc__db_reset(st);
	return CSVC_OK;
}

int csvc__survey_db_mark_responded(csvc_store *s, int64_t invitation, csvc_time_us at)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_RESPONDED, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, at);
	csvc__db_bind_int(st, 2, invitation);
	return csvc__db_run(st);
}

int csvc__survey_db_response(csvc_store *s, const csvc_uuid *uuid, const csvc__survey_binding *b,
                             int64_t invitation, csvc_time_us at, int64_t *rowid)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_RESPONSE, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, uuid);
	csvc__db_bind_int(st, 2, b->survey_id);
	bind_rowid(st, 3, invitation);
	bind_rowid(st, 4, b->ticket_id);
	bind_rowid(st, 5, b->customer_id);
	csvc__db_bind_text(st, 6, b->store_code);
	csvc__db_bind_text(st, 7, b->staff);
	csvc__db_bind_text(st, 8, b->channel);
	csvc__db_bind_int(st, 9, b->method);
	csvc__db_bind_text(st, 10, b->ticket_kind);
	csvc__db_bind_text(st, 11, b->ticket_category);
	csvc__db_bind_int(st, 12, at);
	if ((rc = csvc__db_insert_id(st, rowid)))
		return rc;
	return feed_survey(s, "responded", uuid, b, at, 0);
}

int csvc__survey_db_answer(csvc_store *s, int64_t response, int32_t position, const csvc__answer *a)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_ANSWER, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, response);
	csvc__db_bind_int(st, 2, position);
	if (a->kind == CSVC__ANSWER_SCORE || a->kind == CSVC__ANSWER_YES_NO || a->kind == CSVC__ANSWER_PAIR)
		csvc__db_bind_int(st, 3, a->v1);
	if (a->kind == CSVC__ANSWER_PAIR)
		csvc__db_bind_int(st, 4, a->v2);
	csvc__db_bind_text(st, 5, a->text);
	return csvc__db_run(st);
}

static const csvc__sql SQL_INVITATIONS_FOR_MERGE =
	CSVC__SQL("UPDATE survey_invitations SET customer_id = $1 WHERE customer_id = $2");
static const csvc__sql SQL_RESPONSES_FOR_MERGE =
	CSVC__SQL("UPDATE survey_responses SET customer_id = $1 WHERE customer_id = $2");

int csvc__survey_db_customer_merged(csvc_store *s, int64_t from, int64_t into)
{
	int64_t v[2] = {into, from};
	int rc = csvc__db_run_ints(s->db, &SQL_INVITATIONS_FOR_MERGE, 2, v);
	if (!rc)
		rc = csvc__db_run_ints(s->db, &SQL_RESPONSES_FOR_MERGE, 2, v);
	return rc;
}

/* ---- a customer's answers (data-subject export) ---- */

static const csvc__sql SQL_CUSTOMER_ANSWERS = CSVC__SQL(
	"SELECT r.uuid, s.name, s.version, r.submitted_us, r.store_code, r.staff, r.channel, r.method, t.uuid,"
	" q.name, q.type, a.value, a.value2, a.text"
	" FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
	" LEFT JOIN tickets t ON t.id = r.ticket_id"
	" LEFT JOIN survey_answers a ON a.response_id = r.id"
	" LEFT JOIN survey_questions q ON q.survey_id = r.survey_id AND q.position = a.position"
	" WHERE r.customer_id = $1 ORDER BY r.id, a.position");

/* Text columns read NULL for SQL NULL (both drivers). */
int csvc__survey_db_customer_answers(csvc_store *s, int64_t customer_rowid,
                                     int (*fn)(const csvc__survey_answer_row *row, void *ud), void *ud)
{
	/* A statement of its own: the callback may run cached ones. */
	csvc__stmt *st = NULL;
	int rc = csvc__db_prepare(s->db, csvc__db_text(s->db, &SQL_CUSTOMER_ANSWERS), &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, customer_rowid);
	int step = CSVC__DONE;
	while (!rc && (step = csvc__db_step(st)) == CSVC__ROW) {
		csvc__survey_answer_row row;
		memset(&row, 0, sizeof(row));
		csvc__db_uuid(st, 0, &row.response);
		row.survey = csvc__db_textcol(st, 1);
		row.survey_version = (int32_t)csvc__db_int(st, 2);
		row.submitted_at = csvc__db_int(st, 3);
		row.store_code = csvc__db_textcol(st, 4);
		row.staff = csvc__db_textcol(st, 5);
		row.channel = csvc__db_textcol(st, 6);
		row.method = (int32_t)csvc__db_int(st, 7);
		row.has_ticket = csvc__db_uuid(st, 8, &row.ticket);
		row.question = csvc__db_textcol(st, 9);
		row.question_type = (int32_t)csvc__db_int(st, 10);
		row.has_value = !csvc__db_is_null(st, 11);
		row.value = csvc__db_int(st, 11);
		row.has_value2 = !csvc__db_is_null(st, 12);
		row.value2 = csvc__db_int(st, 12);
		row.text = csvc__db_textcol(st, 13);
		rc = fn(&row, ud);
	}
	if (!rc && step < 0)
		rc = step;
	csvc__db_finalize(st);
	return rc;
}

/* ---- redaction (an erasure) ---- */

/* Free-text answers only (CSVC_QUESTION_TEXT, 7): a choice question's
 * answer is its option, which stays with the scores. */
static const csvc__sql SQL_REDACT_ANSWERS = CSVC__SQL(
	"UPDATE survey_answers SET text = NULL WHERE text IS NOT NULL"
	" AND response_id IN (SELECT id FROM survey_responses WHERE customer_id = $1)"
	" AND position IN (SELECT q.position FROM survey_responses r JOIN survey_questions q ON q.survey_id = r.survey_id"
	" WHERE r.id = survey_answers.response_id AND q.type = 7)");

int csvc__survey_db_redact_customer(csvc_store *s, int64_t customer_rowid)
{
	return csvc__db_run_ints(s->db, &SQL_REDACT_ANSWERS, 1, &customer_rowid);
}
