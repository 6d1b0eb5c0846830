/*
 * Survey definitions (building, validation, versioned save and load),
 * invitations, answers and responses. Every writing call validates
 * everything before its first write.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "customer/customer-internal.h"
#include "db/defs.h"
#include "store/store-internal.h"
#include "survey/survey-internal.h"
#include "ticket/ticket-internal.h"
#include "workflow/workflow-internal.h"

#define DEFAULT_TTL_US ((int64_t)7 * 24 * 3600 * CSVC_SECOND_US)

static int check_name(const char *name, const char *what)
{
	/* Same rules and length as workflow names. */
	return csvc__check_machine_name(name, what);
}

static int check_label(const char *label, const char *what)
{
	return csvc__check_text(label, 1, CSVC_SURVEY_MAX_LABEL, what);
}

/* ---- definitions ---- */

int csvc_survey_new(csvc_survey **out, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = check_name(name, "survey name");
	if (rc)
		return rc;
	csvc_survey *s = csvc__calloc(1, sizeof(*s));
	if (!s || csvc__strdup(name, &s->name)) {
		csvc__free(s);
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a survey");
	}
	*out = s;
	return CSVC_OK;
}

static void free_question(csvc__survey_question *q)
{
	csvc__free(q->name);
	csvc__free(q->dimension);
	csvc__free(q->label_zh);
	csvc__free(q->label_en);
	for (size_t j = 0; j < q->n_options; j++)
		csvc__free(q->options[j]);
	csvc__free(q->options);
}

void csvc_survey_free(csvc_survey *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_dims; i++) {
		csvc__free(s->dims[i].name);
		csvc__free(s->dims[i].label_zh);
		csvc__free(s->dims[i].label_en);
	}
	for (size_t i = 0; i < s->n_questions; i++)
		free_question(&s->questions[i]);
	csvc__free(s->name);
	csvc__free(s->title);
	csvc__free(s);
}

int csvc_survey_set_title(csvc_survey *s, const char *title)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	char *copy = NULL;
	int rc = check_label(title, "title");
	if (rc || (rc = csvc__strdup(title, &copy)))
		return rc;
	csvc__free(s->title);
	s->title = copy;
	s->version = 0;
	return CSVC_OK;
}

int csvc_survey_set_anonymous(csvc_survey *s, int allow)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	s->anonymous = allow != 0;
	s->version = 0;
	return CSVC_OK;
}

long csvc__survey_find_dimension(const csvc_survey *s, const char *name)
{
	for (size_t i = 0; i < s->n_dims; i++)
		if (strcmp(s->dims[i].name, name) == 0)
			return (long)i;
	return -1;
}

long csvc__survey_find_question(const csvc_survey *s, const char *name)
{
	for (size_t i = 0; i < s->n_questions; i++)
		if (strcmp(s->questions[i].name, name) == 0)
			return (long)i;
	return -1;
}

int csvc_survey_add_dimension(csvc_survey *s, const char *name, double weight, const char *label_zh,
                              const char *label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	int rc = check_name(name, "dimension name");
	if (rc || (rc = check_label(label_zh, "label_zh")) || (rc = check_label(label_en, "label_en")))
		return rc;
	if (weight == 0)
		weight = 1;
	if (!isfinite(weight) || weight <= 0 || weight > 1000)
		return csvc__error(CSVC_EINVAL, "dimension '%s': weight must be above 0 and at most 1000", name);
	if (csvc__survey_find_dimension(s, name) >= 0)
		return csvc__error(CSVC_EEXISTS, "survey '%s' already has a dimension '%s'", s->name, name);
	if (s->n_dims >= CSVC_SURVEY_MAX_DIMENSIONS)
		return csvc__error(CSVC_ERANGE, "a survey has at most %d dimensions", CSVC_SURVEY_MAX_DIMENSIONS);
	csvc__survey_dim d = {NULL, NULL, NULL, weight};
	if ((rc = csvc__strdup(name, &d.name)) || (rc = csvc__strdup(label_zh, &d.label_zh)) ||
	    (rc = csvc__strdup(label_en, &d.label_en))) {
		csvc__free(d.name);
		csvc__free(d.label_zh);
		csvc__free(d.label_en);
		return rc;
	}
	s->dims[s->n_dims++] = d;
	s->version = 0;
	return CSVC_OK;
}

static int32_t default_scale(int32_t type)
{
	switch (type) {
	case CSVC_QUESTION_LIKERT: return 5;
	case CSVC_QUESTION_NPS: return 10;
	case CSVC_QUESTION_CES: return 7;
	case CSVC_QUESTION_SERVQUAL: return 7;
	default: return 0;
	}
}

int csvc_survey_add_question(csvc_survey *s, const char *name, csvc_question_type_t type, const char *dimension,
                             int required, const char *label_zh, const char *label_en, size_t *index)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	int rc = check_name(name, "question name");
	if (rc || (dimension && (rc = check_name(dimension, "dimension name"))) ||
	    (rc = check_label(label_zh, "label_zh")) || (rc = check_label(label_en, "label_en")))
		return rc;
	if (type < CSVC_QUESTION_LIKERT || type > CSVC_QUESTION_TEXT)
		return csvc__error(CSVC_EINVAL, "unknown question type %d", (int)type);
	if (dimension && csvc__survey_find_dimension(s, dimension) < 0)
		return csvc__error(CSVC_EINVAL, "question '%s': survey '%s' has no dimension '%s'", name, s->name,
		                   dimension);
	if (type == CSVC_QUESTION_SERVQUAL && !dimension)
		return csvc__error(CSVC_EINVAL, "SERVQUAL question '%s' needs a dimension", name);
	if (csvc__survey_find_question(s, name) >= 0)
		return csvc__error(CSVC_EEXISTS, "survey '%s' already has a question '%s'", s->name, name);
	if (s->n_questions >= CSVC_SURVEY_MAX_QUESTIONS)
		return csvc__error(CSVC_ERANGE, "a survey has at most %d questions", CSVC_SURVEY_MAX_QUESTIONS);
	csvc__survey_question q;
	memset(&q, 0, sizeof(q));
	q.type = type;
	q.required = required != 0;
	q.scale_max = default_scale(type);
	if ((rc = csvc__strdup(name, &q.name)) || (rc = csvc__strdup(dimension, &q.dimension)) ||
	    (rc = csvc__strdup(label_zh, &q.label_zh)) || (rc = csvc__strdup(label_en, &q.label_en))) {
		free_question(&q);
		return rc;
	}
	if (index)
		*index = s->n_questions;
	s->questions[s->n_questions++] = q;
	s->version = 0;
	return CSVC_OK;
}

int csvc_survey_add_servqual(csvc_survey *s, int with_security)
{
	static const struct {
		const char *name, *zh, *en;
	} dims[] = {
		{"tangibles", "有形性", "Tangibles"},
		{"reliability", "可靠性", "Reliability"},
		{"responsiveness", "响应性", "Responsiveness"},
		{"assurance", "保证性", "Assurance"},
		{"empathy", "移情性", "Empathy"},
		{"security", "保障性", "Security"},
	};
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	size_t n = with_security ? 6 : 5;
	/* Check first so that a failure adds nothing. */
	if (s->n_dims + n > CSVC_SURVEY_MAX_DIMENSIONS || s->n_questions + n > CSVC_SURVEY_MAX_QUESTIONS)
		return csvc__error(CSVC_ERANGE, "no room for %zu SERVQUAL dimensions and questions", n);
	for (size_t i = 0; i < n; i++)
		if (csvc__survey_find_dimension(s, dims[i].name) >= 0 || csvc__survey_find_question(s, dims[i].name) >= 0)
			return csvc__error(CSVC_EEXISTS, "survey '%s' already has a dimension or question '%s'", s->name,
			                   dims[i].name);
	for (size_t i = 0; i < n; i++) {
		int rc = csvc_survey_add_dimension(s, dims[i].name, 1, dims[i].zh, dims[i].en);
		if (!rc)
			rc = csvc_survey_add_question(s, dims[i].name, CSVC_QUESTION_SERVQUAL, dims[i].name, 1, dims[i].zh,
			                              dims[i].en, NULL);
		if (rc)
			return rc; /* only ENOMEM can get here */
	}
	return CSVC_OK;
}

static int question_index(const csvc_survey *s, size_t index)
{
	if (index >= s->n_questions)
		return csvc__error(CSVC_ERANGE, "question index %zu out of range (%zu questions)", index,
		                   s->n_questions);
	return CSVC_OK;
}

int csvc_survey_set_scale(csvc_survey *s, size_t index, int32_t scale_max)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	int rc = question_index(s, index);
	if (rc)
		return rc;
	csvc__survey_question *q = &s->questions[index];
	if (q->type != CSVC_QUESTION_LIKERT && q->type != CSVC_QUESTION_CES && q->type != CSVC_QUESTION_SERVQUAL)
		return csvc__error(CSVC_EINVAL, "question '%s' has a fixed scale", q->name);
	if (scale_max < 3 || scale_max > 11)
		return csvc__error(CSVC_ERANGE, "a scale runs from 1 to 3..11 (got %d)", (int)scale_max);
	q->scale_max = scale_max;
	s->version = 0;
	return CSVC_OK;
}

int csvc_survey_add_option(csvc_survey *s, size_t index, const char *option)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	int rc = question_index(s, index);
	if (rc || (rc = check_name(option, "option")))
		return rc;
	csvc__survey_question *q = &s->questions[index];
	if (q->type != CSVC_QUESTION_CHOICE)
		return csvc__error(CSVC_EINVAL, "question '%s' is not a choice question", q->name);
	for (size_t j = 0; j < q->n_options; j++)
		if (strcmp(q->options[j], option) == 0)
			return csvc__error(CSVC_EEXISTS, "question '%s' already has option '%s'", q->name, option);
	if (q->n_options >= CSVC_SURVEY_MAX_OPTIONS)
		return csvc__error(CSVC_ERANGE, "a question has at most %d options", CSVC_SURVEY_MAX_OPTIONS);
	char **opts = csvc__realloc(q->options, (q->n_options + 1) * sizeof(*opts));
	if (!opts)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	q->options = opts;
	if ((rc = csvc__strdup(option, &opts[q->n_options])))
		return rc;
	q->n_options++;
	s->version = 0;
	return CSVC_OK;
}

int csvc_survey_validate(const csvc_survey *s)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	if (s->n_questions == 0)
		return csvc__error(CSVC_EINVAL, "survey '%s' has no questions", s->name);
	for (size_t i = 0; i < s->n_questions; i++) {
		const csvc__survey_question *q = &s->questions[i];
		if (q->dimension && csvc__survey_find_dimension(s, q->dimension) < 0)
			return csvc__error(CSVC_EINVAL, "survey '%s': question '%s' refers to no dimension '%s'", s->name,
			                   q->name, q->dimension);
		if (q->type == CSVC_QUESTION_CHOICE && q->n_options < 2)
			return csvc__error(CSVC_EINVAL, "survey '%s': choice question '%s' needs at least two options",
			                   s->name, q->name);
	}
	return CSVC_OK;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int csvc__survey_equal(const csvc_survey *a, const csvc_survey *b)
{
	if (!str_eq(a->name, b->name) || !str_eq(a->title, b->title) || a->anonymous != b->anonymous ||
	    a->n_dims != b->n_dims || a->n_questions != b->n_questions)
		return 0;
	for (size_t i = 0; i < a->n_dims; i++) {
		const csvc__survey_dim *x = &a->dims[i], *y = &b->dims[i];
		if (!str_eq(x->name, y->name) || x->weight != y->weight || !str_eq(x->label_zh, y->label_zh) ||
		    !str_eq(x->label_en, y->label_en))
			return 0;
	}
	for (size_t i = 0; i < a->n_questions; i++) {
		const csvc__survey_question *x = &a->questions[i], *y = &b->questions[i];
		if (!str_eq(x->name, y->name) || x->type != y->type || !str_eq(x->dimension, y->dimension) ||
		    x->required != y->required || x->scale_max != y->scale_max || !str_eq(x->label_zh, y->label_zh) ||
		    !str_eq(x->label_en, y->label_en) || x->n_options != y->n_options)
			return 0;
		for (size_t j = 0; j < x->n_options; j++)
			if (strcmp(x->options[j], y->options[j]))
				return 0;
	}
	return 1;
}

/* Reports a stored row the setters refused (with rc). */
static int corrupt(int rc, int64_t id, const char *what)
{
	if (rc == CSVC_ENOMEM) /* not the data's fault */
		return rc;
	return csvc__error(CSVC_ECORRUPT, "stored survey %lld has a bad %s: %s", (long long)id, what,
	                   csvc_error_last()->message);
}

/* Builds a survey from its stored rows; a row the setters refuse is
 * CSVC_ECORRUPT. */
static int from_rows(const csvc__survey_rows *r, csvc_survey **out)
{
	csvc_survey *sv = NULL;
	int rc = csvc_survey_new(&sv, r->name);
	if (!rc)
		rc = csvc_survey_set_title(sv, r->title);
	if (!rc)
		rc = csvc_survey_set_anonymous(sv, r->anonymous);
	if (rc) {
		rc = corrupt(rc, r->id, "header");
		goto fail;
	}
	for (size_t i = 0; i < r->n_dims; i++) {
		const csvc__survey_dim_row *d = &r->dims[i];
		if ((rc = csvc_survey_add_dimension(sv, d->name, d->weight, d->label_zh, d->label_en))) {
			rc = corrupt(rc, r->id, "dimension");
			goto fail;
		}
	}
	for (size_t i = 0; i < r->n_questions; i++) {
		const csvc__survey_question_row *q = &r->questions[i];
		size_t idx = 0;
		if ((rc = csvc_survey_add_question(sv, q->name, q->type, q->dimension, q->required, q->label_zh,
		                                   q->label_en, &idx))) {
			rc = corrupt(rc, r->id, "question");
			goto fail;
		}
		if (q->scale_max != sv->questions[idx].scale_max && (rc = csvc_survey_set_scale(sv, idx, q->scale_max))) {
			rc = corrupt(rc, r->id, "scale");
			goto fail;
		}
	}
	for (size_t i = 0; i < r->n_options; i++)
		if ((rc = csvc_survey_add_option(sv, (size_t)r->options[i].question, r->options[i].option))) {
			rc = corrupt(rc, r->id, "option");
			goto fail;
		}
	sv->version = r->version;
	csvc__error_clear();
	*out = sv;
	return CSVC_OK;
fail:
	csvc_survey_free(sv);
	return rc;
}

int csvc__survey_load_id(csvc_store *store, int64_t id, csvc_survey **out)
{
	csvc__survey_rows rows;
	int rc = csvc__survey_db_read(store, id, &rows);
	if (rc)
		return rc;
	rc = from_rows(&rows, out);
	csvc__survey_rows_free(&rows);
	return rc;
}

int csvc__survey_save_one(csvc_store *store, const csvc_survey *sv, int32_t *version)
{
	int32_t latest = 0;
	int64_t id = 0;
	int rc = csvc__defs_lock(store->db, csvc__survey_defs());
	if (!rc)
		rc = csvc__survey_db_latest(store, sv->name, &latest, &id);
	if (rc)
		return rc;
	if (latest) {
		csvc_survey *stored = NULL;
		if ((rc = csvc__survey_load_id(store, id, &stored)))
			return rc;
		int same = csvc__survey_equal(stored, sv);
		csvc_survey_free(stored);
		if (same) {
			*version = latest;
			return CSVC_OK;
		}
	}
	if ((rc = csvc__survey_db_insert(store, sv, latest + 1, &id)))
		return rc;
	*version = latest + 1;
	return CSVC_OK;
}

int csvc_survey_save(csvc_store *store, csvc_survey *s, int32_t *version)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = csvc_survey_validate(s);
	if (rc)
		return rc;
	int32_t v = 0;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__tx_end(store, csvc__survey_save_one(store, s, &v))))
		return rc;
	s->version = v;
	if (version)
		*version = v;
	return CSVC_OK;
}

int csvc_survey_load(csvc_store *store, const char *name, int32_t version, csvc_survey **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(version >= 0, "version");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc = check_name(name, "survey name");
	if (rc)
		return rc;
	int64_t id = 0;
	if ((rc = csvc__survey_db_find(store, name, version, &id)))
		return rc;
	return csvc__survey_load_id(store, id, out);
}

int csvc_survey_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	csvc_survey **all = NULL;
	size_t n = 0;
	int rc = csvc__survey_defaults(&all, &n);
	for (size_t i = 0; i < n && !rc; i++)
		rc = csvc_survey_validate(all[i]);
	if (!rc && !(rc = csvc__tx_begin(store))) {
		int32_t v;
		for (size_t i = 0; i < n && !rc; i++)
			rc = csvc__survey_save_one(store, all[i], &v);
		rc = csvc__tx_end(store, rc);
	}
	for (size_t i = 0; i < n; i++)
		csvc_survey_free(all[i]);
	csvc__free(all);
	return rc;
}

/* ---- getters ---- */

const char *csvc_survey_name(const csvc_survey *s) { return s ? s->name : NULL; }
int32_t csvc_survey_version(const csvc_survey *s) { return s ? s->version : 0; }
const char *csvc_survey_title(const csvc_survey *s) { return s ? s->title : NULL; }
int csvc_survey_anonymous(const csvc_survey *s) { return s ? s->anonymous : 0; }
size_t csvc_survey_dimension_count(const csvc_survey *s) { return s ? s->n_dims : 0; }
size_t csvc_survey_question_count(const csvc_survey *s) { return s ? s->n_questions : 0; }

int csvc_survey_dimension_at(const csvc_survey *s, size_t i, const char **name, double *weight,
                             const char **label_zh, const char **label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	if (i >= s->n_dims)
		return csvc__error(CSVC_ERANGE, "dimension index %zu out of range (%zu dimensions)", i, s->n_dims);
	if (name)
		*name = s->dims[i].name;
	if (weight)
		*weight = s->dims[i].weight;
	if (label_zh)
		*label_zh = s->dims[i].label_zh;
	if (label_en)
		*label_en = s->dims[i].label_en;
	return CSVC_OK;
}

int csvc_survey_question_at(const csvc_survey *s, size_t i, const char **name, int32_t *type,
                            const char **dimension, int32_t *required, int32_t *scale_max)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	int rc = question_index(s, i);
	if (rc)
		return rc;
	const csvc__survey_question *q = &s->questions[i];
	if (name)
		*name = q->name;
	if (type)
		*type = q->type;
	if (dimension)
		*dimension = q->dimension;
	if (required)
		*required = q->required;
	if (scale_max)
		*scale_max = q->scale_max;
	return CSVC_OK;
}

int csvc_survey_question_labels(const csvc_survey *s, size_t i, const char **label_zh, const char **label_en)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(s, "s");
	int rc = question_index(s, i);
	if (rc)
		return rc;
	if (label_zh)
		*label_zh = s->questions[i].label_zh;
	if (label_en)
		*label_en = s->questions[i].label_en;
	return CSVC_OK;
}

size_t csvc_survey_option_count(const csvc_survey *s, size_t i)
{
	return s && i < s->n_questions ? s->questions[i].n_options : 0;
}

const char *csvc_survey_option_at(const csvc_survey *s, size_t i, size_t j)
{
	if (!s || i >= s->n_questions || j >= s->questions[i].n_options)
		return NULL;
	return s->questions[i].options[j];
}

/* ---- answers ---- */

int csvc_survey_answers_new(csvc_survey_answers **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	csvc_survey_answers *a = csvc__calloc(1, sizeof(*a));
	if (!a)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	*out = a;
	return CSVC_OK;
}

void csvc_survey_answers_free(csvc_survey_answers *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		csvc__free(a->items[i].question);
		csvc__free(a->items[i].text);
	}
	csvc__free(a);
}

static int put_answer(csvc_survey_answers *a, const char *question, int32_t kind, int32_t v1, int32_t v2,
                      const char *text)
{
	char *q = NULL, *t = NULL;
	size_t i = 0;
	while (i < a->n && strcmp(a->items[i].question, question) != 0)
		i++;
	if (i == a->n && a->n >= CSVC_SURVEY_MAX_QUESTIONS)
		return csvc__error(CSVC_ERANGE, "a response has at most %d answers", CSVC_SURVEY_MAX_QUESTIONS);
	int rc = csvc__strdup(text, &t);
	if (rc)
		return rc;
	if (i == a->n && (rc = csvc__strdup(question, &q))) {
		csvc__free(t);
		return rc;
	}
	csvc__answer *ans = &a->items[i];
	if (i == a->n) {
		ans->question = q;
		ans->text = NULL;
		a->n++;
	}
	csvc__free(ans->text);
	ans->text = t;
	ans->kind = kind;
	ans->v1 = v1;
	ans->v2 = v2;
	return CSVC_OK;
}

int csvc_survey_answers_score(csvc_survey_answers *a, const char *question, int32_t value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(a, "a");
	int rc = check_name(question, "question name");
	return rc ? rc : put_answer(a, question, CSVC__ANSWER_SCORE, value, 0, NULL);
}

int csvc_survey_answers_yes_no(csvc_survey_answers *a, const char *question, int32_t yes)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(a, "a");
	int rc = check_name(question, "question name");
	return rc ? rc : put_answer(a, question, CSVC__ANSWER_YES_NO, yes, 0, NULL);
}

int csvc_survey_answers_pair(csvc_survey_answers *a, const char *question, int32_t expectation,
                             int32_t perception)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(a, "a");
	int rc = check_name(question, "question name");
	return rc ? rc : put_answer(a, question, CSVC__ANSWER_PAIR, expectation, perception, NULL);
}

int csvc_survey_answers_choice(csvc_survey_answers *a, const char *question, const char *option)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(a, "a");
	int rc = check_name(question, "question name");
	if (rc || (rc = check_name(option, "option")))
		return rc;
	return put_answer(a, question, CSVC__ANSWER_CHOICE, 0, 0, option);
}

int csvc_survey_answers_text(csvc_survey_answers *a, const char *question, const char *text)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(a, "a");
	int rc = check_name(question, "question name");
	if (rc || (rc = csvc__check_text_mode(text, 0, CSVC_SURVEY_MAX_TEXT, "text", CSVC__TEXT_MULTILINE)))
		return rc;
	return put_answer(a, question, CSVC__ANSWER_TEXT, 0, 0, text);
}

static const char *type_name(int32_t type)
{
	static const char *const names[] = {NULL, "Likert", "NPS", "CES", "SERVQUAL", "yes/no", "choice", "text"};
	return type >= 1 && type <= 7 ? names[type] : "unknown";
}

/* Checks every answer against the definition. `position[i]` receives the
 * question position of answer i. */
static int check_answers(const csvc_survey *sv, const csvc_survey_answers *a, int32_t *position)
{
	char answered[CSVC_SURVEY_MAX_QUESTIONS] = {0};
	for (size_t i = 0; i < a->n; i++) {
		const csvc__answer *ans = &a->items[i];
		long qi = csvc__survey_find_question(sv, ans->question);
		if (qi < 0)
			return csvc__error(CSVC_EINVAL, "survey '%s' version %d has no question '%s'", sv->name,
			                   (int)sv->version, ans->question);
		const csvc__survey_question *q = &sv->questions[qi];
		int32_t want;
		switch (q->type) {
		case CSVC_QUESTION_LIKERT:
		case CSVC_QUESTION_NPS:
		case CSVC_QUESTION_CES: want = CSVC__ANSWER_SCORE; break;
		case CSVC_QUESTION_SERVQUAL: want = CSVC__ANSWER_PAIR; break;
		case CSVC_QUESTION_YES_NO: want = CSVC__ANSWER_YES_NO; break;
		case CSVC_QUESTION_CHOICE: want = CSVC__ANSWER_CHOICE; break;
		default: want = CSVC__ANSWER_TEXT; break;
		}
		if (ans->kind != want)
			return csvc__error(CSVC_EINVAL, "question '%s' is a %s question; the answer is of another kind",
			                   q->name, type_name(q->type));
		int32_t lo = q->type == CSVC_QUESTION_NPS || q->type == CSVC_QUESTION_YES_NO ? 0 : 1;
		int32_t hi = q->type == CSVC_QUESTION_YES_NO ? 1 : q->scale_max;
		if ((want == CSVC__ANSWER_SCORE || want == CSVC__ANSWER_YES_NO || want == CSVC__ANSWER_PAIR) &&
		    (ans->v1 < lo || ans->v1 > hi || (want == CSVC__ANSWER_PAIR && (ans->v2 < lo || ans->v2 > hi))))
			return csvc__error(CSVC_ERANGE, "question '%s': answers run from %d to %d", q->name, (int)lo,
			                   (int)hi);
		if (want == CSVC__ANSWER_CHOICE) {
			size_t j = 0;
			while (j < q->n_options && strcmp(q->options[j], ans->text) != 0)
				j++;
			if (j == q->n_options)
				return csvc__error(CSVC_EINVAL, "question '%s' has no option '%s'", q->name, ans->text);
		}
		answered[qi] = 1;
		position[i] = (int32_t)qi;
	}
	for (size_t i = 0; i < sv->n_questions; i++)
		if (sv->questions[i].required && !answered[i])
			return csvc__error(CSVC_EINVAL, "required question '%s' is not answered", sv->questions[i].name);
	return CSVC_OK;
}

CSVC__STRUCT_LAYOUT(context_layout, csvc_survey_context, CSVC_SURVEY_CONTEXT_VERSION,
                    CSVC_SURVEY_CONTEXT_INIT, sizeof(csvc_survey_context));

/* Reads the caller's context into `copy`, only as far as its version
 * goes, points `*ctx` at the copy and checks it. */
static int check_context(const csvc_survey_context **pctx, csvc_survey_context *copy)
{
	if (!*pctx)
		return csvc__error(CSVC_EINVAL, "a survey context is required");
	int rc = csvc__struct_read(&context_layout, copy, *pctx);
	if (rc)
		return rc;
	const csvc_survey_context *ctx = *pctx = copy;
	if (ctx->method < CSVC_METHOD_TILL || ctx->method > CSVC_METHOD_OBSERVATION)
		return csvc__error(CSVC_EINVAL, "unknown survey method %d", (int)ctx->method);
	if (ctx->ttl_us < 0)
		return csvc__error(CSVC_EINVAL, "an invitation's validity must be positive");
	if ((ctx->store_code && (rc = csvc__check_store_code(ctx->store_code))) ||
	    (rc = csvc__check_text(ctx->staff, 1, CSVC_SURVEY_MAX_PERSON, "staff")) ||
	    (ctx->channel && (rc = check_name(ctx->channel, "channel"))))
		return rc;
	return CSVC_OK;
}

/* Resolves the survey's newest version. */
static int newest(csvc_store *s, const char *name, int64_t *id, csvc_survey **out)
{
	int32_t v = 0;
	int rc = csvc__survey_db_latest(s, name, &v, id);
	if (rc)
		return rc;
	if (!v)
		return csvc__error(CSVC_ENOTFOUND, "no survey '%s'", name);
	return out ? csvc__survey_load_id(s, *id, out) : CSVC_OK;
}

int csvc_survey_context_init(csvc_survey_context *ctx, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&context_layout, ctx, version);
}

int csvc_survey_invite(csvc_store *store, const char *name, const csvc_survey_context *ctx, char *token)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(token, "token");
	CSVC__REQUIRE(store, CSVC_PERM_SURVEY_RECORD);
	csvc_survey_context ctx_copy;
	int rc = check_name(name, "survey name");
	if (rc || (rc = check_context(&ctx, &ctx_copy)))
		return rc;
	if (!ctx->ticket && !ctx->customer)
		return csvc__error(CSVC_EINVAL, "an invitation is bound to a ticket, a customer or both");
	csvc_time_us now = csvc_store_now(store);
	int64_t ttl = ctx->ttl_us ? ctx->ttl_us : DEFAULT_TTL_US;
	if (ttl > INT64_MAX - now)
		return csvc__error(CSVC_ERANGE, "an invitation's validity is too long");
	csvc__survey_binding b;
	memset(&b, 0, sizeof(b));
	b.store_code = ctx->store_code;
	b.staff = ctx->staff;
	b.channel = ctx->channel;
	b.method = ctx->method;
	csvc__survey_ticket tk;
	memset(&tk, 0, sizeof(tk));
	csvc_uuid raw;
	char text[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc__uuid_generate(&raw);
	for (int i = 0; i < 16; i++)
		snprintf(text + 2 * i, 3, "%02x", raw.bytes[i]);
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = newest(store, name, &b.survey_id, NULL)))
		goto end;
	if (ctx->ticket) {
		if ((rc = csvc__survey_db_ticket(store, ctx->ticket, &tk)))
			goto end;
		b.ticket_id = tk.rowid;
		b.customer_id = tk.customer_id;
		if (!b.store_code)
			b.store_code = tk.store_code;
		if (!b.staff && tk.has_assignee)
			b.staff = tk.assignee;
		if (!b.channel && tk.has_channel)
			b.channel = tk.channel;
		b.ticket_kind = tk.kind;
		b.ticket_category = tk.has_category ? tk.category : NULL;
	}
	if (ctx->customer && (rc = csvc__ticket_db_customer_rowid(store, ctx->customer, &b.customer_id)))
		goto end;
	/* A customer who withdrew consent to surveys is not asked
	 * (docs/privacy.md); one never asked may be, after their service. */
	if (b.customer_id) {
		int32_t consent = 0;
		if ((rc = csvc__consent_current(store, b.customer_id, CSVC_CONSENT_SURVEY, &consent)))
			goto end;
		if (consent == CSVC_CONSENT_WITHDRAWN) {
			rc = csvc__error(CSVC_ESTATE, "csvc_survey_invite: the customer withdrew consent to surveys");
			goto end;
		}
	}
	if (!b.store_code) {
		rc = csvc__error(CSVC_EINVAL, "an invitation needs a store code (from the context or the ticket)");
		goto end;
	}
	if (b.channel && (rc = csvc__ticket_db_channel_exists(store, b.channel)))
		goto end;
	rc = csvc__survey_db_invite(store, text, &b, now, now + ttl);
end:
	rc = csvc__tx_end(store, rc);
	if (rc == CSVC_OK)
		memcpy(token, text, sizeof(text));
	return rc;
}

/* Writes the response and its answers (after every check). */
static int write_response(csvc_store *store, const csvc__survey_binding *b, int64_t invitation,
                          const csvc_survey_answers *a, const int32_t *position, csvc_time_us now,
                          csvc_uuid *id)
{
	int64_t rowid = 0;
	csvc__uuid_generate(id);
	int rc = csvc__survey_db_response(store, id, b, invitation, now, &rowid);
	for (size_t i = 0; i < a->n && !rc; i++)
		rc = csvc__survey_db_answer(store, rowid, position[i], &a->items[i]);
	if (!rc && invitation)
		rc = csvc__survey_db_mark_responded(store, invitation, now);
	return rc;
}

static int check_token(const char *token)
{
	if (!token)
		return csvc__error(CSVC_EINVAL, "token must not be NULL");
	size_t n = strnlen(token, CSVC_SURVEY_TOKEN_LEN + 1);
	if (n != CSVC_SURVEY_TOKEN_LEN || strspn(token, "0123456789abcdef") != n)
		return csvc__error(CSVC_ENOTFOUND, "no invitation with that token (malformed)");
	return CSVC_OK;
}

int csvc_survey_respond(csvc_store *store, const char *token, const csvc_survey_answers *a, csvc_uuid *response)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(a, "a");
	CSVC__REQUIRE(store, CSVC_PERM_SURVEY_RECORD);
	int rc = check_token(token);
	if (rc)
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__survey_invitation inv;
	csvc_survey *sv = NULL;
	int32_t position[CSVC_SURVEY_MAX_QUESTIONS];
	csvc_uuid id;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__survey_db_invitation(store, token, &inv)))
		goto end;
	if (inv.responded) {
		rc = csvc__error(CSVC_EEXISTS, "the invitation was answered already");
		goto end;
	}
	if (now >= inv.expires) {
		rc = csvc__error(CSVC_ESTATE, "the invitation expired");
		goto end;
	}
	if ((rc = csvc__survey_load_id(store, inv.survey_id, &sv)) || (rc = check_answers(sv, a, position)))
		goto end;
	csvc__survey_binding b = {inv.survey_id,
	                          inv.ticket_id,
	                          inv.customer_id,
	                          inv.store_code,
	                          inv.has_staff ? inv.staff : NULL,
	                          inv.has_channel ? inv.channel : NULL,
	                          inv.has_kind ? inv.kind : NULL,
	                          inv.has_category ? inv.category : NULL,
	                          inv.method};
	rc = write_response(store, &b, inv.rowid, a, position, now, &id);
end:
	rc = csvc__tx_end(store, rc);
	csvc_survey_free(sv);
	if (rc == CSVC_OK && response)
		*response = id;
	return rc;
}

int csvc_survey_respond_anonymous(csvc_store *store, const char *name, const csvc_survey_context *ctx,
                                  const csvc_survey_answers *a, csvc_uuid *response)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(a, "a");
	CSVC__REQUIRE(store, CSVC_PERM_SURVEY_RECORD);
	csvc_survey_context ctx_copy;
	int rc = check_name(name, "survey name");
	if (rc || (rc = check_context(&ctx, &ctx_copy)))
		return rc;
	if (ctx->ticket || ctx->customer)
		return csvc__error(CSVC_EINVAL, "an anonymous response names no ticket and no customer");
	if (!ctx->store_code)
		return csvc__error(CSVC_EINVAL, "a response needs a store code");
	csvc_time_us now = csvc_store_now(store);
	csvc_survey *sv = NULL;
	int32_t position[CSVC_SURVEY_MAX_QUESTIONS];
	csvc_uuid id;
	csvc__survey_binding b;
	memset(&b, 0, sizeof(b));
	b.store_code = ctx->store_code;
	b.staff = ctx->staff;
	b.channel = ctx->channel;
	b.method = ctx->method;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = newest(store, name, &b.survey_id, &sv)))
		goto end;
	if (!sv->anonymous) {
		rc = csvc__error(CSVC_ESTATE, "survey '%s' does not accept anonymous responses", name);
		goto end;
	}
	if ((b.channel && (rc = csvc__ticket_db_channel_exists(store, b.channel))) ||
	    (rc = check_answers(sv, a, position)))
		goto end;
	rc = write_response(store, &b, 0, a, position, now, &id);
end:
	rc = csvc__tx_end(store, rc);
	csvc_survey_free(sv);
	if (rc == CSVC_OK && response)
		*response = id;
	return rc;
}

static int customer_merged(csvc_store *s, int64_t from, int64_t into, const csvc_uuid *from_id,
                           const csvc_uuid *into_id, const char *actor, csvc_time_us at)
{
	(void)from_id;
	(void)into_id;
	(void)actor;
	(void)at;
	return csvc__survey_db_customer_merged(s, from, into);
}

/* An erasure takes the customer's free-text answers; scores and choices
 * stay for the statistics. */
static int customer_erased(csvc_store *s, int64_t rowid, const char *actor, csvc_time_us at)
{
	(void)actor;
	(void)at;
	return csvc__survey_db_redact_customer(s, rowid);
}

static const csvc__customer_follower customer_follower = {
	.merged = customer_merged,
	.erased = customer_erased,
};

int csvc__survey_attach(csvc_store *s)
{
	return csvc__customer_follow(s, &customer_follower);
}
