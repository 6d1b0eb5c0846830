/*
 * Surveys: the in-memory definition, answers, and the storage functions
 * (survey-sql.c).
 */
#ifndef CSVC_SURVEY_INTERNAL_H
#define CSVC_SURVEY_INTERNAL_H

#include "csvc/survey.h"
#include "csvc/ticket.h"
#include "util/internal.h"

typedef struct csvc__survey_dim {
	char *name, *label_zh, *label_en;
	double weight;
} csvc__survey_dim;

typedef struct csvc__survey_question {
	char *name, *dimension, *label_zh, *label_en;
	int32_t type, required, scale_max;
	char **options;
	size_t n_options;
} csvc__survey_question;

struct csvc_survey {
	char *name, *title;
	int32_t version; /* 0: not stored as is */
	int32_t anonymous;
	csvc__survey_dim dims[CSVC_SURVEY_MAX_DIMENSIONS];
	size_t n_dims;
	csvc__survey_question questions[CSVC_SURVEY_MAX_QUESTIONS];
	size_t n_questions;
};

/* What an answer holds. */
enum {
	CSVC__ANSWER_SCORE = 1,
	CSVC__ANSWER_YES_NO = 2,
	CSVC__ANSWER_PAIR = 3,
	CSVC__ANSWER_CHOICE = 4,
	CSVC__ANSWER_TEXT = 5
};

typedef struct csvc__answer {
	char *question;
	int32_t kind;
	int32_t v1, v2; /* score / yes-no / expectation, perception */
	char *text;     /* choice option or free text */
} csvc__answer;

struct csvc_survey_answers {
	csvc__answer items[CSVC_SURVEY_MAX_QUESTIONS];
	size_t n;
};

/* 1 if the two definitions are equal (everything but the version). */
int csvc__survey_equal(const csvc_survey *a, const csvc_survey *b);
/* Index of question `name`, or -1. */
long csvc__survey_find_question(const csvc_survey *s, const char *name);
/* Index of dimension `name`, or -1. */
long csvc__survey_find_dimension(const csvc_survey *s, const char *name);

struct csvc_store;

/* ---- storage (survey-sql.c) ---- */

/* A stored survey version as its rows. Strings are owned by the rows;
 * NULL where the column is NULL. */
typedef struct csvc__survey_dim_row {
	char *name, *label_zh, *label_en;
	double weight;
} csvc__survey_dim_row;

typedef struct csvc__survey_question_row {
	char *name, *dimension, *label_zh, *label_en;
	int32_t type, required, scale_max;
} csvc__survey_question_row;

typedef struct csvc__survey_option_row {
	int64_t question; /* position of its question */
	char *option;
} csvc__survey_option_row;

typedef struct csvc__survey_rows {
	int64_t id;
	char *name, *title;
	int32_t version, anonymous;
	csvc__survey_dim_row *dims;
	size_t n_dims, cap_dims;
	csvc__survey_question_row *questions; /* by position */
	size_t n_questions, cap_questions;
	csvc__survey_option_row *options; /* by question, then order */
	size_t n_options, cap_options;
} csvc__survey_rows;

void csvc__survey_rows_free(csvc__survey_rows *r);

struct csvc__defs_kind;
/* The surveys' descriptor for the shared versioned-definition storage. */
const struct csvc__defs_kind *csvc__survey_defs(void);

/* Newest version of `name` and its row id (both 0 if none). */
int csvc__survey_db_latest(struct csvc_store *s, const char *name, int32_t *version, int64_t *id);
int csvc__survey_db_insert(struct csvc_store *s, const csvc_survey *sv, int32_t version, int64_t *id);
/* Version `version` of `name` (0: the newest): its row id, or
 * CSVC_ENOTFOUND "no survey 'name'" or "no survey 'name' version N". */
int csvc__survey_db_find(struct csvc_store *s, const char *name, int32_t version, int64_t *id);
/* Reads the stored survey with row id `id` into *out, which the caller
 * frees with csvc__survey_rows_free (on failure it is left empty). */
int csvc__survey_db_read(struct csvc_store *s, int64_t id, csvc__survey_rows *out);

/* Loads the stored survey with row id `id` (survey.c: the rows built into
 * a survey). */
int csvc__survey_load_id(struct csvc_store *s, int64_t id, csvc_survey **out);

/* What a response or an invitation is bound to. */
typedef struct csvc__survey_binding {
	int64_t survey_id;
	int64_t ticket_id, customer_id; /* 0: none */
	const char *store_code, *staff, *channel;
	const char *ticket_kind, *ticket_category;
	int32_t method;
} csvc__survey_binding;

/* A ticket as an invitation sees it. Strings are copies in the struct. */
typedef struct csvc__survey_ticket {
	int64_t rowid, customer_id;
	char store_code[CSVC_TICKET_MAX_NUMBER + 1];
	char assignee[CSVC_TICKET_MAX_PERSON + 1];
	char channel[CSVC_SURVEY_MAX_NAME + 1];
	char kind[CSVC_SURVEY_MAX_NAME + 1];
	char category[CSVC_TICKET_MAX_CATEGORY + 1];
	int has_assignee, has_channel, has_category;
} csvc__survey_ticket;

int csvc__survey_db_ticket(struct csvc_store *s, const csvc_uuid *id, csvc__survey_ticket *out);

int csvc__survey_db_invite(struct csvc_store *s, const char *token, const csvc__survey_binding *b,
                           csvc_time_us created, csvc_time_us expires);

/* An invitation as stored. Strings are copies in the struct. */
typedef struct csvc__survey_invitation {
	int64_t rowid, survey_id, ticket_id, customer_id;
	char store_code[CSVC_TICKET_MAX_NUMBER + 1];
	char staff[CSVC_SURVEY_MAX_PERSON + 1];
	char channel[CSVC_SURVEY_MAX_NAME + 1];
	char kind[CSVC_SURVEY_MAX_NAME + 1];
	char category[CSVC_TICKET_MAX_CATEGORY + 1];
	int has_staff, has_channel, has_kind, has_category;
	int32_t method;
	csvc_time_us expires, responded;
} csvc__survey_invitation;

int csvc__survey_db_invitation(struct csvc_store *s, const char *token, csvc__survey_invitation *out);
int csvc__survey_db_mark_responded(struct csvc_store *s, int64_t invitation, csvc_time_us at);
int csvc__survey_db_response(struct csvc_store *s, const csvc_uuid *uuid, const csvc__survey_binding *b,
                             int64_t invitation, csvc_time_us at, int64_t *rowid);
int csvc__survey_db_answer(struct csvc_store *s, int64_t response, int32_t position, const csvc__answer *a);

/* Builds the handbook templates. */
int csvc__survey_defaults(csvc_survey ***out, size_t *n);
/* Saves inside the current transaction (csvc_survey_save without the
 * transaction and validation). */
int csvc__survey_save_one(struct csvc_store *s, const csvc_survey *sv, int32_t *version);

/* Invitations and responses of customer `from` move to `into` (a merge). */
int csvc__survey_db_customer_merged(struct csvc_store *s, int64_t from, int64_t into);
/* Surveys follow their customers (merges): called when a store opens. */
int csvc__survey_attach(struct csvc_store *s);

/* Sets to null the free-text answers of customer `customer_rowid`'s
 * responses (an erasure: docs/privacy.md). */
int csvc__survey_db_redact_customer(struct csvc_store *s, int64_t customer_rowid);

/* One answer of a customer's survey response, for the data-subject
 * export. A response without answers gives one row with `question` NULL.
 * The texts stay valid during the callback only. */
typedef struct csvc__survey_answer_row {
	csvc_uuid response;
	const char *survey;
	int32_t survey_version;
	csvc_time_us submitted_at;
	const char *store_code, *staff, *channel;
	int32_t method;
	int has_ticket;
	csvc_uuid ticket;
	const char *question; /* NULL: no answers */
	int32_t question_type;
	int has_value, has_value2;
	int64_t value, value2;
	const char *text;
} csvc__survey_answer_row;
/* Calls `fn` with every answer of customer `customer_rowid`'s responses,
 * by response, then by question; stops at the first non-zero return. */
int csvc__survey_db_customer_answers(struct csvc_store *s, int64_t customer_rowid,
                                     int (*fn)(const csvc__survey_answer_row *row, void *ud), void *ud);

#endif
