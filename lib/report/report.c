/*
 * Reports: satisfaction scores and service KPIs, aggregated at query time
 * from the rows report-sql.c streams (see docs/reports.md for why there
 * are no rollup tables, and docs/scoring.md for the formulas).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvc/calendar.h"
#include "csvc/enum.h"
#include "csvc/survey.h"
#include "csvc/tz.h"
#include "access/access-internal.h"
#include "customer/customer-internal.h"
#include "report/report-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"
#include "survey/survey-internal.h"
#include "workflow/workflow-internal.h"

#define N_METRICS 63
#define DAY_US ((int64_t)86400 * CSVC_SECOND_US)
#define DEFAULT_MIN_SAMPLE 30
#define DEFAULT_CSI_TARGET 85.0

enum { TYPE_SCORES = 1, TYPE_KPIS = 2, TYPE_SLA = 3, TYPE_STATES = 4, TYPE_STAFF = 5 };

/* Per row and dimension accumulators. */
enum { D_CSI_N, D_CSI_SUM, D_SQ_N, D_SQ_E, D_SQ_P, D_ACC };

typedef struct i64vec {
	int64_t *v;
	size_t n, cap;
} i64vec;

static int vec_push(i64vec *x, int64_t v)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		int64_t *p = csvc__realloc(x->v, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		x->v = p;
		x->cap = cap;
	}
	x->v[x->n++] = v;
	return CSVC_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

typedef struct row {
	char *key;
	int64_t period_start, period_end; /* local wall-clock, period rows */
	int is_period;
	int low_sample;
	double m[N_METRICS + 1];
	double *dim; /* dim_cap * D_ACC accumulators, then final figures */
	size_t dim_cap;
	/* scores */
	int64_t responses, csat_n, csat_top, nps_n, nps_prom, nps_det, ces_n;
	double csat_sum, ces_sum;
	/* KPIs */
	int64_t tickets, resolved, fcr, reopened, complaints, sla_on, sla_bad;
	int64_t resolved_in_range, complaints_resolved; /* staff report */
	int64_t c_ok[3], c_bad[3];
	int64_t backlog, age[4], transactions;
	int has_transactions;
	i64vec resp, resol, times;
	int64_t visits;
} row;

struct csvc_report {
	int type;
	csvc_time_us from, to;
	int32_t group_by, period;
	int64_t min_sample;
	double csi_target;
	row *rows;
	size_t n, cap;
	char **dim_names;
	double *dim_weights;
	int64_t *dim_src; /* survey row id the weight comes from */
	size_t n_dims, dim_cap;
};

/* ---- string map (keys borrowed) ---- */

typedef struct smap {
	const char **keys;
	size_t *vals;
	size_t cap, n;
} smap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int smap_get(const smap *m, const char *k, size_t *v)
{
	if (!m->cap)
		return 0;
	for (size_t j = hash_str(k) & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		if (!m->keys[j])
			return 0;
		if (strcmp(m->keys[j], k) == 0) {
			*v = m->vals[j];
			return 1;
		}
	}
}

static int smap_put(smap *m, const char *k, size_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		const char **keys = csvc__calloc(cap, sizeof(*keys));
		size_t *vals = csvc__calloc(cap, sizeof(*vals));
		if (!keys || !vals) {
			csvc__free(keys);
			csvc__free(vals);
			return csvc__error(CSVC_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = hash_str(m->keys[i]) & (cap - 1);
				while (keys[j])
					j = (j + 1) & (cap - 1);
				keys[j] = m->keys[i];
				vals[j] = m->vals[i];
			}
		csvc__free(m->keys);
		csvc__free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	size_t j = hash_str(k) & (m->cap - 1);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = k;
	m->vals[j] = v;
	m->n++;
	return CSVC_OK;
}

static void smap_free(smap *m)
{
	csvc__free(m->keys);
	csvc__free(m->vals);
}

/* ---- id map (ticket row id -> index) ---- */

typedef struct imap {
	int64_t *keys; /* 0: empty (row ids start at 1) */
	size_t *vals;
	size_t cap, n;
} imap;

static size_t hash_id(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 17) & (cap - 1);
}

static int imap_get(const imap *m, int64_t k, size_t *v)
{
	if (!m->cap)
		return 0;
	for (size_t j = hash_id(k, m->cap);; j = (j + 1) & (m->cap - 1)) {
		if (!m->keys[j])
			return 0;
		if (m->keys[j] == k) {
			*v = m->vals[j];
			return 1;
		}
	}
}

static int imap_put(imap *m, int64_t k, size_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		int64_t *keys = csvc__calloc(cap, sizeof(*keys));
		size_t *vals = csvc__calloc(cap, sizeof(*vals));
		if (!keys || !vals) {
			csvc__free(keys);
			csvc__free(vals);
			return csvc__error(CSVC_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = hash_id(m->keys[i], cap);
				while (keys[j])
					j = (j + 1) & (cap - 1);
				keys[j] = m->keys[i];
				vals[j] = m->vals[i];
			}
		csvc__free(m->keys);
		csvc__free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	size_t j = hash_id(k, m->cap);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = k;
	m->vals[j] = v;
	m->n++;
	return CSVC_OK;
}

static void imap_free(imap *m)
{
	csvc__free(m->keys);
	csvc__free(m->vals);
}

/* ---- the builder ---- */

typedef struct zone {
	char *store_code;   /* "": reports over every store code */
	csvc_tz *tz;        /* NULL: UTC */
	int64_t *ends; /* per row: the period end as an instant, 0 = not computed */
	size_t n_ends;
} zone;

typedef struct ticket {
	int64_t id;
	size_t row;
	size_t workflow; /* index into the builder's names */
	csvc_time_us created;
	int complaint;
	int64_t replies;
} ticket;

typedef struct state_ev {
	size_t ticket;
	int64_t seq;
	csvc_time_us at;
	int32_t category;
	size_t state; /* index into names */
} state_ev;

/* A state change of a staff member's ticket that may have resolved it in
 * range (staff report). */
typedef struct resolve_ev {
	int64_t ticket, seq;
	csvc_time_us at;
	int32_t category;
	size_t store; /* index into names */
} resolve_ev;

typedef struct builder {
	csvc_store *s;
	const csvc_report_query *q;
	csvc_report *r;
	smap rows;
	zone *zones;
	size_t n_zones;
	smap zone_map;
	zone *last_zone;
	const zone *reference; /* zone of the period list */
	size_t n_utc;          /* store codes whose zone is UTC for want of any setting */
	char utc_first[CSVC_STORE_CODE_MAX + 1];
	csvc_survey **surveys;
	int64_t *survey_ids;
	size_t n_surveys;
	smap dim_map;
	ticket *tickets;
	size_t n_tickets, cap_tickets;
	imap ticket_map;
	state_ev *events;
	size_t n_events, cap_events;
	char **names; /* interned strings: workflows, states */
	size_t n_names, cap_names;
	smap name_map;
	resolve_ev *resolves;
	size_t n_resolves, cap_resolves;
	/* per-answer scratch */
	int64_t last_response;
} builder;

static void row_free(row *w)
{
	csvc__free(w->key);
	csvc__free(w->dim);
	csvc__free(w->resp.v);
	csvc__free(w->resol.v);
	csvc__free(w->times.v);
}

void csvc_report_free(csvc_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		row_free(&r->rows[i]);
	csvc__free(r->rows);
	for (size_t d = 0; d < r->n_dims; d++)
		csvc__free(r->dim_names[d]);
	csvc__free(r->dim_names);
	csvc__free(r->dim_weights);
	csvc__free(r->dim_src);
	csvc__free(r);
}

static void builder_free(builder *b)
{
	smap_free(&b->rows);
	for (size_t i = 0; i < b->n_zones; i++) {
		csvc__free(b->zones[i].store_code);
		csvc_tz_free(b->zones[i].tz);
		csvc__free(b->zones[i].ends);
	}
	csvc__free(b->zones);
	smap_free(&b->zone_map);
	for (size_t i = 0; i < b->n_surveys; i++)
		csvc_survey_free(b->surveys[i]);
	csvc__free(b->surveys);
	csvc__free(b->survey_ids);
	smap_free(&b->dim_map);
	csvc__free(b->tickets);
	imap_free(&b->ticket_map);
	csvc__free(b->events);
	csvc__free(b->resolves);
	for (size_t i = 0; i < b->n_names; i++)
		csvc__free(b->names[i]);
	csvc__free(b->names);
	smap_free(&b->name_map);
}

static int intern(builder *b, const char *text, size_t *out)
{
	if (smap_get(&b->name_map, text, out))
		return CSVC_OK;
	if (b->n_names == b->cap_names) {
		size_t cap = b->cap_names ? b->cap_names * 2 : 32;
		char **p = csvc__realloc(b->names, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		b->names = p;
		b->cap_names = cap;
	}
	char *copy;
	int rc = csvc__strdup(text, &copy);
	if (rc)
		return rc;
	if ((rc = smap_put(&b->name_map, copy, b->n_names))) {
		csvc__free(copy);
		return rc;
	}
	b->names[b->n_names] = copy;
	*out = b->n_names++;
	return CSVC_OK;
}

/* The time zone of a store code's periods (csvc_calendar_tz_for_store):
 * its calendar's, else its own, else the store's default, else UTC.
 * `store_code` NULL: the zone of reports over every store code. */
static int zone_of(builder *b, const char *store_code, zone **out)
{
	const char *key = store_code ? store_code : "";
	if (b->last_zone && strcmp(b->last_zone->store_code, key) == 0) {
		*out = b->last_zone;
		return CSVC_OK;
	}
	size_t i;
	if (smap_get(&b->zone_map, key, &i)) {
		*out = b->last_zone = &b->zones[i];
		return CSVC_OK;
	}
	csvc_tz *tz = NULL;
	int32_t source = 0;
	int rc = csvc_calendar_tz_for_store(b->s, store_code, &tz, &source);
	if (rc)
		return rc;
	if (source == CSVC_ZONE_NONE) {
		csvc_tz_free(tz); /* UTC: no conversion needed */
		tz = NULL;
		if (store_code && !b->n_utc++)
			snprintf(b->utc_first, sizeof(b->utc_first), "%s", store_code);
	}
	csvc__error_clear();
	/* Rebuild the map: the zones array may move. */
	zone *z = csvc__realloc(b->zones, (b->n_zones + 1) * sizeof(*z));
	if (!z) {
		csvc_tz_free(tz);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	b->zones = z;
	zone nz = {NULL, tz, NULL, 0};
	if ((rc = csvc__strdup(key, &nz.store_code))) {
		csvc_tz_free(tz);
		return rc;
	}
	b->zones[b->n_zones++] = nz;
	smap_free(&b->zone_map);
	memset(&b->zone_map, 0, sizeof(b->zone_map));
	for (size_t k = 0; k < b->n_zones; k++)
		if ((rc = smap_put(&b->zone_map, b->zones[k].store_code, k)))
			return rc;
	*out = b->last_zone = &b->zones[b->n_zones - 1];
	return CSVC_OK;
}

static int to_local(const zone *z, csvc_time_us t, int64_t *local)
{
	if (!z || !z->tz) {
		*local = t;
		return CSVC_OK;
	}
	return csvc_tz_utc_to_local(z->tz, t, local);
}

static int from_local(const zone *z, int64_t local, csvc_time_us *t)
{
	if (!z || !z->tz) {
		*t = local;
		return CSVC_OK;
	}
	return csvc_tz_local_to_utc(z->tz, local, CSVC_TZ_EARLIER, t);
}

static int too_many_rows(void)
{
	return csvc__error(CSVC_ERANGE, "a report may have at most %d rows (CSVC_REPORT_MAX_ROWS); narrow the range or the filters",
	                   CSVC_REPORT_MAX_ROWS);
}

static int add_row(builder *b, const char *key, size_t *out)
{
	csvc_report *r = b->r;
	if (r->n >= CSVC_REPORT_MAX_ROWS)
		return too_many_rows();
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		row *p = csvc__realloc(r->rows, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		r->rows = p;
		r->cap = cap;
		/* The map borrows row keys, which do not move. */
	}
	row *w = &r->rows[r->n];
	memset(w, 0, sizeof(*w));
	int rc = csvc__strdup(key, &w->key);
	if (rc)
		return rc;
	if ((rc = smap_put(&b->rows, w->key, r->n))) {
		csvc__free(w->key);
		return rc;
	}
	*out = r->n++;
	return CSVC_OK;
}

static int row_for_key(builder *b, const char *key, size_t *out)
{
	if (smap_get(&b->rows, key, out))
		return CSVC_OK;
	return add_row(b, key, out);
}

static int period_row(builder *b, int64_t local, size_t *out)
{
	char key[32];
	int64_t start, end;
	int rc = csvc__period_of(local, b->q->period, key, &start, &end);
	if (rc)
		return rc;
	if (smap_get(&b->rows, key, out))
		return CSVC_OK;
	if ((rc = add_row(b, key, out)))
		return rc;
	row *w = &b->r->rows[*out];
	w->is_period = 1;
	w->period_start = start;
	w->period_end = end;
	return CSVC_OK;
}

static const char *method_name(int32_t m)
{
	const char *name = csvc_enum_name(CSVC_ENUM_SURVEY_METHOD, m);
	return name ? name : "";
}

/* The row of an item with these fields. */
static int group_row(builder *b, const char *store, const char *staff, const char *channel, const char *kind,
                     const char *category, int32_t method, csvc_time_us at, size_t *out)
{
	const char *key;
	switch (b->q->group_by) {
	case CSVC_REPORT_BY_STORE: key = store; break;
	case CSVC_REPORT_BY_STAFF: key = staff; break;
	case CSVC_REPORT_BY_CHANNEL: key = channel; break;
	case CSVC_REPORT_BY_KIND: key = kind; break;
	case CSVC_REPORT_BY_CATEGORY: key = category; break;
	case CSVC_REPORT_BY_METHOD: key = method_name(method); break;
	case CSVC_REPORT_BY_PERIOD: {
		zone *z;
		int64_t local;
		int rc = zone_of(b, store, &z);
		if (rc || (rc = to_local(z, at, &local)))
			return rc;
		return period_row(b, local, out);
	}
	default: key = b->r->type == TYPE_STAFF ? b->q->staff : "all"; break;
	}
	return row_for_key(b, key ? key : "", out);
}

/* One row per period from `from` to `to` in the reference zone (the
 * query's store's, else the store-wide default zone, else UTC), so that a
 * trend has no holes. */
static int period_rows(builder *b)
{
	zone *z = NULL;
	int rc = zone_of(b, b->q->store_code, &z);
	if (rc)
		return rc;
	b->reference = z;
	int64_t lo, hi;
	if ((rc = to_local(z, b->q->from, &lo)) || (rc = to_local(z, b->q->to - 1, &hi)))
		return rc;
	/* Count the periods before building any row. */
	char first[32], last[32];
	int64_t first_start, last_start, end;
	if ((rc = csvc__period_of(lo, b->q->period, first, &first_start, &end)) ||
	    (rc = csvc__period_of(hi, b->q->period, last, &last_start, &end)))
		return rc;
	int64_t n = csvc__period_count(first_start, last_start, b->q->period);
	if (n > CSVC_REPORT_MAX_ROWS)
		return csvc__error(CSVC_ERANGE,
		                   "a report by %s from %s to %s would have %lld rows, more than the limit of %d "
		                   "(CSVC_REPORT_MAX_ROWS); use a shorter range or a longer period",
		                   csvc_enum_name(CSVC_ENUM_REPORT_PERIOD, b->q->period), first, last, (long long)n, CSVC_REPORT_MAX_ROWS);
	for (int64_t t = lo; t <= hi && !rc;) {
		size_t i;
		if (!(rc = period_row(b, t, &i)))
			t = b->r->rows[i].period_end;
	}
	return rc;
}

/* ---- dimensions ---- */

static int dim_index(builder *b, const char *name, double weight, int64_t survey_id, size_t *out)
{
	csvc_report *r = b->r;
	size_t d;
	if (smap_get(&b->dim_map, name, &d)) {
		if (survey_id > r->dim_src[d]) {
			r->dim_weights[d] = weight;
			r->dim_src[d] = survey_id;
		}
		*out = d;
		return CSVC_OK;
	}
	if (r->n_dims == r->dim_cap) {
		size_t cap = r->dim_cap ? r->dim_cap * 2 : 8;
		char **names = csvc__realloc(r->dim_names, cap * sizeof(*names));
		if (names)
			r->dim_names = names;
		double *w = names ? csvc__realloc(r->dim_weights, cap * sizeof(*w)) : NULL;
		if (w)
			r->dim_weights = w;
		int64_t *src = w ? csvc__realloc(r->dim_src, cap * sizeof(*src)) : NULL;
		if (!src)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		r->dim_src = src;
		r->dim_cap = cap;
	}
	char *copy;
	int rc = csvc__strdup(name, &copy);
	if (rc)
		return rc;
	if ((rc = smap_put(&b->dim_map, copy, r->n_dims))) {
		csvc__free(copy);
		return rc;
	}
	r->dim_names[r->n_dims] = copy;
	r->dim_weights[r->n_dims] = weight;
	r->dim_src[r->n_dims] = survey_id;
	*out = r->n_dims++;
	return CSVC_OK;
}

static int row_dim(row *w, size_t d, double **acc)
{
	if (d >= w->dim_cap) {
		size_t cap = w->dim_cap ? w->dim_cap : 4;
		while (cap <= d)
			cap *= 2;
		double *p = csvc__realloc(w->dim, cap * D_ACC * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		memset(p + w->dim_cap * D_ACC, 0, (cap - w->dim_cap) * D_ACC * sizeof(*p));
		w->dim = p;
		w->dim_cap = cap;
	}
	*acc = w->dim + d * D_ACC;
	return CSVC_OK;
}

/* ---- scores ---- */

static int survey_by_id(builder *b, int64_t id, const csvc_survey **out)
{
	for (size_t i = b->n_surveys; i-- > 0;)
		if (b->survey_ids[i] == id) {
			*out = b->surveys[i];
			return CSVC_OK;
		}
	csvc_survey **sv = csvc__realloc(b->surveys, (b->n_surveys + 1) * sizeof(*sv));
	if (!sv)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	b->surveys = sv;
	int64_t *ids = csvc__realloc(b->survey_ids, (b->n_surveys + 1) * sizeof(*ids));
	if (!ids)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	b->survey_ids = ids;
	csvc_survey *loaded = NULL;
	int rc = csvc__survey_load_id(b->s, id, &loaded);
	if (rc)
		return rc;
	b->surveys[b->n_surveys] = loaded;
	b->survey_ids[b->n_surveys++] = id;
	*out = loaded;
	return CSVC_OK;
}

static int on_answer(const csvc__answer_row *a, void *ud)
{
	builder *b = ud;
	size_t ri;
	int rc = group_row(b, a->store_code, a->staff, a->channel, a->kind, a->category, a->method, a->at, &ri);
	if (rc)
		return rc;
	row *w = &b->r->rows[ri];
	if (a->response_id != b->last_response) {
		b->last_response = a->response_id;
		w->responses++;
	}
	if (!a->has_answer)
		return CSVC_OK;
	const csvc_survey *sv = NULL;
	if ((rc = survey_by_id(b, a->survey_id, &sv)))
		return rc;
	if (a->position < 0 || (size_t)a->position >= sv->n_questions)
		return csvc__error(CSVC_ECORRUPT, "an answer refers to question %d of a survey with %zu", (int)a->position,
		                   sv->n_questions);
	const csvc__survey_question *qu = &sv->questions[a->position];
	if (b->q->question && strcmp(b->q->question, qu->name) != 0)
		return CSVC_OK;
	double weight = 1;
	if (qu->dimension) {
		long di = csvc__survey_find_dimension(sv, qu->dimension);
		if (di >= 0)
			weight = sv->dims[di].weight;
	}
	size_t d;
	double *acc = NULL; /* set by row_dim() before each use */
	switch (qu->type) {
	case CSVC_QUESTION_LIKERT:
		w->csat_n++;
		w->csat_sum += a->value;
		w->csat_top += a->value >= qu->scale_max - 1;
		if ((rc = dim_index(b, qu->dimension ? qu->dimension : "", weight, a->survey_id, &d)) ||
		    (rc = row_dim(w, d, &acc)))
			return rc;
		acc[D_CSI_N] += 1;
		acc[D_CSI_SUM] += csvc__rescale(a->value, qu->scale_max);
		break;
	case CSVC_QUESTION_NPS:
		w->nps_n++;
		w->nps_prom += a->value >= 9;
		w->nps_det += a->value <= 6;
		break;
	case CSVC_QUESTION_CES:
		w->ces_n++;
		w->ces_sum += a->value;
		break;
	case CSVC_QUESTION_SERVQUAL:
		if (!a->has_value2)
			return CSVC_OK;
		if ((rc = dim_index(b, qu->dimension, weight, a->survey_id, &d)) || (rc = row_dim(w, d, &acc)))
			return rc;
		acc[D_SQ_N] += 1;
		acc[D_SQ_E] += a->value;
		acc[D_SQ_P] += a->value2;
		break;
	default:
		break;
	}
	return CSVC_OK;
}

static int collect_scores(builder *b)
{
	b->last_response = 0;
	return csvc__report_db_answers(b->s, b->q, on_answer, b);
}

/* ---- KPIs ---- */

static int on_ticket(const csvc__ticket_row *t, void *ud)
{
	builder *b = ud;
	size_t ri, wf;
	int rc = group_row(b, t->store_code, t->assignee, t->channel, t->kind, t->category, 0, t->created, &ri);
	if (rc || (rc = intern(b, t->workflow ? t->workflow : "", &wf)))
		return rc;
	if (b->n_tickets == b->cap_tickets) {
		size_t cap = b->cap_tickets ? b->cap_tickets * 2 : 256;
		ticket *p = csvc__realloc(b->tickets, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		b->tickets = p;
		b->cap_tickets = cap;
	}
	ticket *k = &b->tickets[b->n_tickets];
	k->id = t->id;
	k->row = ri;
	k->workflow = wf;
	k->created = t->created;
	k->complaint = t->kind && strcmp(t->kind, "complaint") == 0;
	k->replies = 0;
	if ((rc = imap_put(&b->ticket_map, t->id, b->n_tickets)))
		return rc;
	b->n_tickets++;
	row *w = &b->r->rows[ri];
	w->tickets++;
	w->complaints += k->complaint;
	return CSVC_OK;
}

static int is_target(const char *name, const char *chosen, const char *a, const char *b)
{
	return chosen ? strcmp(name, chosen) == 0 : strcmp(name, a) == 0 || strcmp(name, b) == 0;
}

/* 1 met on time, -1 breached, 0 undecided. */
static int outcome(const csvc__target_row *t)
{
	if (t->breached_at)
		return -1;
	return t->phase == 3 /* met */ ? 1 : 0;
}

static int on_target(const csvc__target_row *t, void *ud)
{
	builder *b = ud;
	size_t ki;
	if (!imap_get(&b->ticket_map, t->ticket_id, &ki))
		return CSVC_OK;
	ticket *k = &b->tickets[ki];
	row *w = &b->r->rows[k->row];
	int o = outcome(t);
	w->sla_on += o > 0;
	w->sla_bad += o < 0;
	int rc = CSVC_OK;
	if (t->phase == 3 && is_target(t->name, b->q->response_target, "first_response", "respond"))
		rc = vec_push(&w->resp, t->used);
	else if (t->phase == 3 && is_target(t->name, b->q->resolution_target, "resolution", "handled"))
		rc = vec_push(&w->resol, t->used);
	if (k->complaint) {
		static const char *const names[] = {"respond", "handled", "reported_back"};
		for (int i = 0; i < 3; i++)
			if (strcmp(t->name, names[i]) == 0) {
				w->c_ok[i] += o > 0;
				w->c_bad[i] += o < 0;
			}
	}
	return rc;
}

static int on_replies(int64_t id, int64_t count, void *ud)
{
	builder *b = ud;
	size_t ki;
	if (imap_get(&b->ticket_map, id, &ki))
		b->tickets[ki].replies = count;
	return CSVC_OK;
}

static int on_state(const csvc__state_row *e, void *ud)
{
	builder *b = ud;
	size_t ki, si;
	if (!imap_get(&b->ticket_map, e->ticket_id, &ki))
		return CSVC_OK;
	if (b->n_events == b->cap_events) {
		size_t cap = b->cap_events ? b->cap_events * 2 : 1024;
		state_ev *p = csvc__realloc(b->events, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		b->events = p;
		b->cap_events = cap;
	}
	char name[2 * CSVC_WORKFLOW_MAX_NAME + 2];
	snprintf(name, sizeof(name), "%s/%s", b->names[b->tickets[ki].workflow], e->state ? e->state : "");
	int rc = intern(b, name, &si);
	if (rc)
		return rc;
	state_ev *ev = &b->events[b->n_events++];
	ev->ticket = ki;
	ev->seq = e->seq;
	ev->at = e->at;
	ev->category = e->category;
	ev->state = si;
	return CSVC_OK;
}

static int cmp_event(const void *a, const void *b)
{
	const state_ev *x = a, *y = b;
	if (x->ticket != y->ticket)
		return x->ticket < y->ticket ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int is_done(int32_t category)
{
	return category == CSVC_STATE_RESOLVED || category == CSVC_STATE_CLOSED;
}

static int is_active(int32_t category)
{
	return category >= CSVC_STATE_NEW && category <= CSVC_STATE_WAITING;
}

/* Walks each ticket's state changes: resolved, first-contact resolution,
 * reopen (KPIs), or the time spent in each state (state report). */
static int walk_states(builder *b, int states_report)
{
	if (b->n_events)
		qsort(b->events, b->n_events, sizeof(*b->events), cmp_event);
	csvc_time_us now = csvc_store_now(b->s);
	int rc = CSVC_OK;
	for (size_t i = 0; i < b->n_events && !rc;) {
		size_t j = i;
		while (j < b->n_events && b->events[j].ticket == b->events[i].ticket)
			j++;
		ticket *k = &b->tickets[b->events[i].ticket];
		if (states_report) {
			for (size_t e = i; e < j && !rc; e++) {
				const state_ev *ev = &b->events[e];
				if (ev->category == CSVC_STATE_CLOSED || ev->category == CSVC_STATE_CANCELLED || !ev->category)
					continue;
				csvc_time_us until = e + 1 < j ? b->events[e + 1].at : now;
				size_t ri;
				if ((rc = row_for_key(b, b->names[ev->state], &ri)))
					break;
				row *w = &b->r->rows[ri];
				w->visits++;
				rc = vec_push(&w->times, until > ev->at ? until - ev->at : 0);
			}
		} else {
			int resolved = 0, direct = 1, reopened = 0;
			int32_t prev = 0;
			for (size_t e = i; e < j; e++) {
				int32_t c = b->events[e].category;
				if (!c)
					continue;
				if (e > i || b->events[e].seq > 1) {
					if (!is_done(c))
						direct = 0;
					if (is_done(prev) && is_active(c))
						reopened = 1;
				}
				resolved |= is_done(c);
				prev = c;
			}
			row *w = &b->r->rows[k->row];
			w->resolved += resolved;
			w->complaints_resolved += resolved && k->complaint;
			w->reopened += resolved && reopened;
			w->fcr += resolved && direct && !reopened && k->replies <= 1;
		}
		i = j;
	}
	return rc;
}

/* ---- resolved in range (staff report) ---- */

static int on_resolve_state(const csvc__state_row *e, void *ud)
{
	builder *b = ud;
	if (b->n_resolves == b->cap_resolves) {
		size_t cap = b->cap_resolves ? b->cap_resolves * 2 : 256;
		resolve_ev *p = csvc__realloc(b->resolves, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		b->resolves = p;
		b->cap_resolves = cap;
	}
	size_t store;
	int rc = intern(b, e->store_code ? e->store_code : "", &store);
	if (rc)
		return rc;
	resolve_ev *ev = &b->resolves[b->n_resolves++];
	ev->ticket = e->ticket_id;
	ev->seq = e->seq;
	ev->at = e->at;
	ev->category = e->category;
	ev->store = store;
	return CSVC_OK;
}

static int cmp_resolve(const void *a, const void *b)
{
	const resolve_ev *x = a, *y = b;
	if (x->ticket != y->ticket)
		return x->ticket < y->ticket ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Counts each ticket that entered a resolved or closed state from an
 * unresolved one (or was created so) within [from, to): once, at the
 * first such change in range. */
static int collect_resolved_in_range(builder *b)
{
	int rc = csvc__report_db_resolved(b->s, b->q, on_resolve_state, b);
	if (rc || !b->n_resolves)
		return rc;
	qsort(b->resolves, b->n_resolves, sizeof(*b->resolves), cmp_resolve);
	for (size_t i = 0; i < b->n_resolves && !rc;) {
		size_t j = i;
		while (j < b->n_resolves && b->resolves[j].ticket == b->resolves[i].ticket)
			j++;
		int32_t prev = 0;
		for (size_t e = i; e < j; e++) {
			const resolve_ev *ev = &b->resolves[e];
			if (!ev->category)
				continue;
			if (is_done(ev->category) && !is_done(prev) && ev->at >= b->q->from && ev->at < b->q->to) {
				size_t ri;
				const char *store = b->names[ev->store];
				if (!(rc = group_row(b, store[0] ? store : NULL, b->q->staff, NULL, NULL, NULL, 0, ev->at, &ri)))
					b->r->rows[ri].resolved_in_range++;
				break;
			}
			prev = ev->category;
		}
		i = j;
	}
	return rc;
}

/* ---- backlog ---- */

/* A candidate's state changes, loaded once when its current state may
 * differ from its state at an end time. */
typedef struct history {
	csvc_time_us *at;
	int32_t *category;
	size_t n, cap;
	int failed;
} history;

static int on_ticket_state(const csvc__state_row *e, void *ud)
{
	history *h = ud;
	if (!e->category)
		return CSVC_OK;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		csvc_time_us *at = csvc__realloc(h->at, cap * sizeof(*at));
		if (at)
			h->at = at;
		int32_t *cat = at ? csvc__realloc(h->category, cap * sizeof(*cat)) : NULL;
		if (!cat)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		h->category = cat;
		h->cap = cap;
	}
	h->at[h->n] = e->at;
	h->category[h->n++] = e->category;
	return CSVC_OK;
}

/* Counts ticket t in row w when it is unresolved at `end`: the state
 * after every state change before `end`. */
static int backlog_at(builder *b, const csvc__ticket_row *t, history *h, int *loaded, row *w, csvc_time_us end)
{
	if (t->created >= end)
		return CSVC_OK;
	int32_t cat = t->state_category;
	if (t->updated >= end) {
		if (!*loaded) {
			int rc = csvc__report_db_ticket_states(b->s, t->id, on_ticket_state, h);
			if (rc)
				return rc;
			*loaded = 1;
		}
		cat = 0;
		for (size_t i = 0; i < h->n && h->at[i] < end; i++)
			cat = h->category[i];
	}
	if (!is_active(cat))
		return CSVC_OK;
	int64_t age = end - t->created;
	w->backlog++;
	w->age[age < DAY_US ? 0 : age < 3 * DAY_US ? 1 : age < 7 * DAY_US ? 2 : 3]++;
	return CSVC_OK;
}

/* The end of period row ri as an instant in zone z, clipped to `to`. */
static int row_end(builder *b, zone *z, size_t ri, csvc_time_us *end)
{
	row *w = &b->r->rows[ri];
	if (!w->is_period) {
		*end = b->q->to;
		return CSVC_OK;
	}
	if (z && ri >= z->n_ends) {
		int64_t *p = csvc__realloc(z->ends, b->r->n * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		memset(p + z->n_ends, 0, (b->r->n - z->n_ends) * sizeof(*p));
		z->ends = p;
		z->n_ends = b->r->n;
	}
	if (z && z->ends[ri]) {
		*end = z->ends[ri];
		return CSVC_OK;
	}
	csvc_time_us t;
	int rc = from_local(z, w->period_end, &t);
	if (rc)
		return rc;
	if (t > b->q->to)
		t = b->q->to;
	if (z)
		z->ends[ri] = t;
	*end = t;
	return CSVC_OK;
}

static int on_backlog(const csvc__ticket_row *t, void *ud)
{
	builder *b = ud;
	history h;
	memset(&h, 0, sizeof(h));
	int loaded = 0, rc;
	if (b->q->group_by != CSVC_REPORT_BY_PERIOD) {
		size_t ri;
		if (!(rc = group_row(b, t->store_code, t->assignee, t->channel, t->kind, t->category, 0, t->created, &ri)))
			rc = backlog_at(b, t, &h, &loaded, &b->r->rows[ri], b->q->to);
	} else {
		zone *z;
		rc = zone_of(b, t->store_code, &z);
		for (size_t ri = 0; ri < b->r->n && !rc; ri++) {
			csvc_time_us end = 0;
			if (!(rc = row_end(b, z, ri, &end)) && end > b->q->from)
				rc = backlog_at(b, t, &h, &loaded, &b->r->rows[ri], end);
		}
	}
	csvc__free(h.at);
	csvc__free(h.category);
	return rc;
}

static int collect_backlog(builder *b)
{
	csvc_time_us since = b->q->to;
	if (b->q->group_by == CSVC_REPORT_BY_PERIOD)
		since = b->q->from; /* every period end lies after `from` */
	return csvc__report_db_backlog(b->s, b->q, since, on_backlog, b);
}

/* ---- transactions ---- */

static int32_t date_of(int64_t local)
{
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (csvc_civil_from_local(local, &c))
		return 0;
	return c.year * 10000 + c.month * 100 + c.day;
}

static int on_transactions(const char *store_code, int32_t day, int64_t count, void *ud)
{
	builder *b = ud;
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	c.year = day / 10000;
	c.month = day / 100 % 100;
	c.day = day % 100;
	int64_t midnight, lo, hi;
	zone *z;
	int rc = zone_of(b, store_code, &z);
	if (rc)
		return rc;
	if (csvc_civil_to_local(&c, &midnight))
		return CSVC_OK; /* not a date: never written by the library */
	if ((rc = to_local(z, b->q->from, &lo)) || (rc = to_local(z, b->q->to, &hi)))
		return rc;
	if (midnight < lo || midnight >= hi)
		return CSVC_OK;
	size_t ri;
	if (b->q->group_by == CSVC_REPORT_BY_PERIOD)
		rc = period_row(b, midnight, &ri);
	else
		rc = row_for_key(b, b->q->group_by == CSVC_REPORT_BY_STORE ? store_code : "all", &ri);
	if (rc)
		return rc;
	b->r->rows[ri].transactions += count;
	return CSVC_OK;
}

static int collect_transactions(builder *b)
{
	int32_t g = b->q->group_by;
	if (g && g != CSVC_REPORT_BY_STORE && g != CSVC_REPORT_BY_PERIOD)
		return CSVC_OK;
	if (b->q->staff || b->q->channel || b->q->kind || b->q->category)
		return CSVC_OK; /* transactions are per store only */
	/* Local dates within a day either side cover every zone. */
	int32_t d0 = date_of(b->q->from - DAY_US), d1 = date_of(b->q->to + DAY_US);
	int rc = csvc__report_db_transactions(b->s, b->q->store_code, d0, d1, on_transactions, b);
	for (size_t i = 0; i < b->r->n; i++)
		b->r->rows[i].has_transactions = 1;
	return rc;
}

/* ---- SLA report ---- */

static int on_sla_target(const csvc__target_row *t, void *ud)
{
	builder *b = ud;
	size_t ri;
	int rc = row_for_key(b, t->name, &ri);
	if (rc)
		return rc;
	int o = outcome(t);
	b->r->rows[ri].sla_on += o > 0;
	b->r->rows[ri].sla_bad += o < 0;
	return CSVC_OK;
}

/* ---- figures ---- */

static double share(int64_t k, int64_t n)
{
	return n > 0 ? (double)k / (double)n : NAN;
}

static void put_share(double *m, int metric, int64_t k, int64_t n)
{
	m[metric] = share(k, n);
	csvc__wilson(k, n, &m[metric + 1], &m[metric + 2]);
}

static void put_times(double *m, int first, i64vec *x)
{
	m[first] = (double)x->n;
	if (!x->n) {
		m[first + 1] = m[first + 2] = m[first + 3] = NAN;
		return;
	}
	qsort(x->v, x->n, sizeof(*x->v), cmp_i64);
	double sum = 0;
	for (size_t i = 0; i < x->n; i++)
		sum += (double)x->v[i];
	m[first + 1] = sum / (double)x->n;
	m[first + 2] = csvc__percentile(x->v, x->n, 50);
	m[first + 3] = csvc__percentile(x->v, x->n, 90);
}

static void finish_scores(csvc_report *r, row *w)
{
	double *m = w->m;
	m[CSVC_METRIC_RESPONSES] = (double)w->responses;
	m[CSVC_METRIC_CSAT_N] = (double)w->csat_n;
	put_share(m, CSVC_METRIC_CSAT, w->csat_top, w->csat_n);
	m[CSVC_METRIC_CSAT_MEAN] = w->csat_n ? w->csat_sum / (double)w->csat_n : NAN;
	m[CSVC_METRIC_NPS_N] = (double)w->nps_n;
	csvc__nps(w->nps_prom, w->nps_det, w->nps_n, &m[CSVC_METRIC_NPS], &m[CSVC_METRIC_NPS_SE]);
	m[CSVC_METRIC_NPS_PROMOTERS] = share(w->nps_prom, w->nps_n);
	m[CSVC_METRIC_NPS_DETRACTORS] = share(w->nps_det, w->nps_n);
	m[CSVC_METRIC_CES_N] = (double)w->ces_n;
	m[CSVC_METRIC_CES_MEAN] = w->ces_n ? w->ces_sum / (double)w->ces_n : NAN;
	double csi_num = 0, csi_den = 0, sq_num = 0, sq_den = 0, csi_n = 0, sq_n = 0;
	for (size_t d = 0; d < r->n_dims && d < w->dim_cap; d++) {
		const double *acc = w->dim + d * D_ACC;
		double wt = r->dim_weights[d];
		if (acc[D_CSI_N] > 0) {
			csi_num += wt * acc[D_CSI_SUM] / acc[D_CSI_N];
			csi_den += wt;
			csi_n += acc[D_CSI_N];
		}
		if (acc[D_SQ_N] > 0) {
			sq_num += wt * (acc[D_SQ_P] - acc[D_SQ_E]) / acc[D_SQ_N];
			sq_den += wt;
			sq_n += acc[D_SQ_N];
		}
	}
	m[CSVC_METRIC_CSI_N] = csi_n;
	m[CSVC_METRIC_CSI] = csi_den > 0 ? csi_num / csi_den : NAN;
	m[CSVC_METRIC_CSI_TARGET] = r->csi_target;
	m[CSVC_METRIC_CSI_MEETS_TARGET] = isnan(m[CSVC_METRIC_CSI]) ? NAN : m[CSVC_METRIC_CSI] >= r->csi_target;
	m[CSVC_METRIC_SERVQUAL_N] = sq_n;
	m[CSVC_METRIC_SERVQUAL_GAP] = sq_den > 0 ? sq_num / sq_den : NAN;
}

static void finish_kpis(row *w)
{
	double *m = w->m;
	m[CSVC_METRIC_TICKETS] = (double)w->tickets;
	m[CSVC_METRIC_RESOLVED] = (double)w->resolved;
	put_times(m, CSVC_METRIC_RESPONSE_N, &w->resp);
	put_times(m, CSVC_METRIC_RESOLUTION_N, &w->resol);
	m[CSVC_METRIC_SLA_ON_TIME] = (double)w->sla_on;
	m[CSVC_METRIC_SLA_BREACHED] = (double)w->sla_bad;
	put_share(m, CSVC_METRIC_SLA_COMPLIANCE, w->sla_on, w->sla_on + w->sla_bad);
	m[CSVC_METRIC_COMPLAINTS] = (double)w->complaints;
	for (int i = 0; i < 3; i++)
		m[CSVC_METRIC_COMPLAINT_24H + i] = share(w->c_ok[i], w->c_ok[i] + w->c_bad[i]);
	m[CSVC_METRIC_FCR] = (double)w->fcr;
	put_share(m, CSVC_METRIC_FCR_RATE, w->fcr, w->resolved);
	m[CSVC_METRIC_REOPENED] = (double)w->reopened;
	put_share(m, CSVC_METRIC_REOPEN_RATE, w->reopened, w->resolved);
	m[CSVC_METRIC_BACKLOG] = (double)w->backlog;
	for (int i = 0; i < 4; i++)
		m[CSVC_METRIC_AGE_UNDER_1D + i] = (double)w->age[i];
	if (w->has_transactions) {
		m[CSVC_METRIC_TRANSACTIONS] = (double)w->transactions;
		m[CSVC_METRIC_COMPLAINT_RATE] =
			w->transactions > 0 ? 1000.0 * (double)w->complaints / (double)w->transactions : NAN;
	}
}

/* Per-dimension figures replace the accumulators. */
static int finish_dims(csvc_report *r, row *w)
{
	double *acc = NULL;
	if (r->n_dims && r->n_dims > w->dim_cap) {
		int rc = row_dim(w, r->n_dims - 1, &acc);
		if (rc)
			return rc;
	}
	for (size_t d = 0; d < r->n_dims; d++) {
		acc = w->dim + d * D_ACC;
		double csi_n = acc[D_CSI_N], sq_n = acc[D_SQ_N];
		double csi = csi_n > 0 ? acc[D_CSI_SUM] / csi_n : NAN;
		double e = sq_n > 0 ? acc[D_SQ_E] / sq_n : NAN, p = sq_n > 0 ? acc[D_SQ_P] / sq_n : NAN;
		acc[D_CSI_N] = csi_n;
		acc[D_CSI_SUM] = csi;
		acc[D_SQ_N] = sq_n;
		acc[D_SQ_E] = e;
		acc[D_SQ_P] = p;
	}
	return CSVC_OK;
}

static int finish(csvc_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		row *w = &r->rows[i];
		for (int k = 0; k <= N_METRICS; k++)
			w->m[k] = NAN;
		int64_t sample = 0;
		switch (r->type) {
		case TYPE_SCORES:
			finish_scores(r, w);
			sample = w->responses;
			break;
		case TYPE_KPIS:
			finish_scores(r, w);
			finish_kpis(w);
			sample = w->tickets;
			break;
		case TYPE_STAFF:
			finish_scores(r, w);
			finish_kpis(w);
			w->m[CSVC_METRIC_RESOLVED_IN_RANGE] = (double)w->resolved_in_range;
			w->m[CSVC_METRIC_COMPLAINTS_RESOLVED] = (double)w->complaints_resolved;
			sample = w->tickets;
			break;
		case TYPE_SLA:
			w->m[CSVC_METRIC_SLA_ON_TIME] = (double)w->sla_on;
			w->m[CSVC_METRIC_SLA_BREACHED] = (double)w->sla_bad;
			put_share(w->m, CSVC_METRIC_SLA_COMPLIANCE, w->sla_on, w->sla_on + w->sla_bad);
			sample = w->sla_on + w->sla_bad;
			break;
		default:
			w->m[CSVC_METRIC_STATE_VISITS] = (double)w->visits;
			put_times(w->m, CSVC_METRIC_STATE_TIME_TOTAL, &w->times);
			/* put_times wrote n, mean, median, p90 from TOTAL on: fix up. */
			{
				double total = 0;
				for (size_t k = 0; k < w->times.n; k++)
					total += (double)w->times.v[k];
				w->m[CSVC_METRIC_STATE_TIME_TOTAL] = total;
			}
			sample = w->visits;
			break;
		}
		w->low_sample = sample < r->min_sample;
		if (r->type == TYPE_SCORES || r->type == TYPE_KPIS || r->type == TYPE_STAFF) {
			int rc = finish_dims(r, w);
			if (rc)
				return rc;
		}
		csvc__free(w->resp.v);
		csvc__free(w->resol.v);
		csvc__free(w->times.v);
		memset(&w->resp, 0, sizeof(w->resp));
		memset(&w->resol, 0, sizeof(w->resol));
		memset(&w->times, 0, sizeof(w->times));
	}
	return CSVC_OK;
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const row *)a)->key, ((const row *)b)->key);
}

/* ---- the calls ---- */

CSVC__STRUCT_LAYOUT(query_layout, csvc_report_query, CSVC_REPORT_QUERY_VERSION, CSVC_REPORT_QUERY_INIT,
                    sizeof(csvc_report_query));

int csvc_report_query_init(csvc_report_query *q, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&query_layout, q, version);
}

static int check_query(csvc_store *s, const csvc_report_query *q, int type)
{
	if (q->from >= q->to)
		return csvc__error(CSVC_EINVAL, "a report needs from < to");
	if (q->group_by < 0 || q->group_by > CSVC_REPORT_BY_METHOD)
		return csvc__error(CSVC_EINVAL, "unknown grouping %d", (int)q->group_by);
	if (type == TYPE_KPIS && q->group_by == CSVC_REPORT_BY_METHOD)
		return csvc__error(CSVC_EINVAL, "KPIs cannot be grouped by survey method");
	if (type == TYPE_STAFF && q->group_by && q->group_by != CSVC_REPORT_BY_PERIOD)
		return csvc__error(CSVC_EINVAL, "a staff member's report is ungrouped or grouped by period");
	if (type == TYPE_STAFF && !q->staff)
		return csvc__error(CSVC_EINVAL, "a staff member's report needs the staff member (query field staff)");
	if (q->period < 0 || q->period > CSVC_PERIOD_QUARTER)
		return csvc__error(CSVC_EINVAL, "unknown period %d", (int)q->period);
	if (q->method < 0 || q->method > CSVC_METHOD_OBSERVATION)
		return csvc__error(CSVC_EINVAL, "unknown survey method %d", (int)q->method);
	if (q->min_sample < 0)
		return csvc__error(CSVC_EINVAL, "min_sample must not be negative");
	if (!isfinite(q->csi_target))
		return csvc__error(CSVC_EINVAL, "csi_target must be a number");
	if (q->csi_target < 0 || q->csi_target > 100)
		return csvc__error(CSVC_ERANGE, "csi_target must be 0 (default) to 100 percent");
	if (q->survey_version < 0 || (q->survey_version && !q->survey))
		return csvc__error(CSVC_EINVAL, "survey_version needs a survey name and must not be negative");
	int rc;
	if ((q->store_code && (rc = csvc__check_store_code(q->store_code))) ||
	    (rc = csvc__check_text(q->staff, 1, CSVC_SURVEY_MAX_PERSON, "staff")) ||
	    (q->channel && (rc = csvc__check_machine_name(q->channel, "channel"))) ||
	    (q->kind && (rc = csvc__check_machine_name(q->kind, "kind"))) ||
	    (rc = csvc__check_text(q->category, 1, CSVC_TICKET_MAX_CATEGORY, "category")) ||
	    (q->survey && (rc = csvc__check_machine_name(q->survey, "survey"))) ||
	    (q->question && (rc = csvc__check_machine_name(q->question, "question"))) ||
	    (q->response_target && (rc = csvc__check_machine_name(q->response_target, "response_target"))) ||
	    (q->resolution_target && (rc = csvc__check_machine_name(q->resolution_target, "resolution_target"))))
		return rc;
	if (q->survey && (rc = csvc__report_db_survey_exists(s, q->survey, q->survey_version)))
		return rc;
	if (type == TYPE_STAFF) {
		csvc__staff_state state;
		if ((rc = csvc__staff_db_state_by_code(s, q->staff, 0, &state)) == CSVC_ENOTFOUND)
			return csvc__error(CSVC_ENOTFOUND, "no staff member '%s'", q->staff);
		return rc;
	}
	return CSVC_OK;
}

int csvc__report_scope(csvc_store *s, const char **store_code, const char *call)
{
	int rc = csvc__access_require_list(s, CSVC_PERM_REPORTS_READ, *store_code, call);
	const char *scope_store = NULL;
	if (rc || *store_code || !csvc__access_scope(s, &scope_store))
		return rc;
	if (!scope_store)
		return csvc__error(CSVC_EACCESS, "%s: staff member '%s' has no home store and no chain-wide role", call,
		                   csvc_store_principal(s));
	*store_code = scope_store;
	return CSVC_OK;
}

static int build(csvc_store *store, const csvc_report_query *q, int type, const char *call, csvc_report **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	if (!q)
		return csvc__error(CSVC_EINVAL, "a report query is required");
	/* The caller's struct is read only as far as its version goes. */
	csvc_report_query copy;
	int rc = csvc__struct_read(&query_layout, &copy, q);
	if (rc)
		return rc;
	q = &copy;
	if ((rc = check_query(store, q, type)))
		return rc;
	/* Staff read their own appraisal figures without reports_read; those
	 * are their tickets wherever they were, so no store scope either. */
	const char *principal = csvc_store_access_control(store) ? csvc_store_principal(store) : NULL;
	const int own = type == TYPE_STAFF && principal && strcmp(principal, q->staff) == 0;
	if (!own && (rc = csvc__report_scope(store, &copy.store_code, call)))
		return rc;
	csvc_report *r = csvc__calloc(1, sizeof(*r));
	if (!r)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	r->type = type;
	r->from = q->from;
	r->to = q->to;
	r->group_by = type == TYPE_SCORES || type == TYPE_KPIS || type == TYPE_STAFF ? q->group_by : 0;
	r->period = q->period ? q->period : CSVC_PERIOD_MONTH;
	r->min_sample = q->min_sample ? q->min_sample : DEFAULT_MIN_SAMPLE;
	r->csi_target = q->csi_target > 0 ? q->csi_target : DEFAULT_CSI_TARGET;
	csvc_report_query eff = *q;
	eff.group_by = r->group_by;
	eff.period = r->period;
	builder b;
	memset(&b, 0, sizeof(b));
	b.s = store;
	b.q = &eff;
	b.r = r;
	if (eff.group_by == CSVC_REPORT_BY_PERIOD)
		rc = period_rows(&b);
	else if (!eff.group_by && (type == TYPE_SCORES || type == TYPE_KPIS || type == TYPE_STAFF)) {
		size_t ri;
		rc = row_for_key(&b, type == TYPE_STAFF ? eff.staff : "all", &ri);
	}
	switch (type) {
	case TYPE_SCORES:
		if (!rc)
			rc = collect_scores(&b);
		break;
	case TYPE_KPIS:
	case TYPE_STAFF:
		if (!rc)
			rc = csvc__report_db_tickets(store, &eff, on_ticket, &b);
		if (!rc)
			rc = csvc__report_db_targets(store, &eff, on_target, &b);
		if (!rc)
			rc = csvc__report_db_replies(store, &eff, on_replies, &b);
		if (!rc)
			rc = csvc__report_db_states(store, &eff, on_state, &b);
		if (!rc)
			rc = walk_states(&b, 0);
		if (!rc)
			rc = collect_backlog(&b);
		if (!rc)
			rc = collect_scores(&b);
		if (!rc)
			rc = collect_transactions(&b);
		if (!rc && type == TYPE_STAFF)
			rc = collect_resolved_in_range(&b);
		break;
	case TYPE_SLA:
		if (!rc)
			rc = csvc__report_db_targets(store, &eff, on_sla_target, &b);
		break;
	default:
		if (!rc)
			rc = csvc__report_db_tickets(store, &eff, on_ticket, &b);
		if (!rc)
			rc = csvc__report_db_states(store, &eff, on_state, &b);
		if (!rc) {
			/* Rows are states, not the tickets' groups: start afresh. */
			for (size_t i = 0; i < r->n; i++)
				row_free(&r->rows[i]);
			r->n = 0;
			smap_free(&b.rows);
			memset(&b.rows, 0, sizeof(b.rows));
			rc = walk_states(&b, 1);
		}
		break;
	}
	if (!rc)
		rc = finish(r);
	if (!rc && b.n_utc)
		csvc__log(store, CSVC_LOG_WARN,
		          "report periods of %zu store code(s) are in UTC: no calendar and no time zone is set "
		          "for them (first: '%s'); set one with csvc_calendar_set_store_zone() or a default with "
		          "csvc_calendar_set_default_zone()",
		          b.n_utc, b.utc_first);
	builder_free(&b);
	if (rc) {
		csvc_report_free(r);
		return rc;
	}
	if (r->n)
		qsort(r->rows, r->n, sizeof(*r->rows), cmp_row);
	*out = r;
	return CSVC_OK;
}

int csvc_report_scores(csvc_store *store, const csvc_report_query *q, csvc_report **out)
{
	return build(store, q, TYPE_SCORES, __func__, out);
}

int csvc_report_kpis(csvc_store *store, const csvc_report_query *q, csvc_report **out)
{
	return build(store, q, TYPE_KPIS, __func__, out);
}

int csvc_report_staff(csvc_store *store, const csvc_report_query *q, csvc_report **out)
{
	return build(store, q, TYPE_STAFF, __func__, out);
}

int csvc_report_sla(csvc_store *store, const csvc_report_query *q, csvc_report **out)
{
	return build(store, q, TYPE_SLA, __func__, out);
}

int csvc_report_state_times(csvc_store *store, const csvc_report_query *q, csvc_report **out)
{
	return build(store, q, TYPE_STATES, __func__, out);
}

/* ---- getters ---- */

size_t csvc_report_row_count(const csvc_report *r)
{
	return r ? r->n : 0;
}

const char *csvc_report_key(const csvc_report *r, size_t i)
{
	return r && i < r->n ? r->rows[i].key : NULL;
}

int64_t csvc_report_period_start(const csvc_report *r, size_t i)
{
	return r && i < r->n && r->rows[i].is_period ? r->rows[i].period_start : 0;
}

double csvc_report_value(const csvc_report *r, size_t i, csvc_report_metric_t metric)
{
	if (!r || i >= r->n || metric < 1 || metric > N_METRICS)
		return NAN;
	return r->rows[i].m[metric];
}

int csvc_report_low_sample(const csvc_report *r, size_t i)
{
	return r && i < r->n ? r->rows[i].low_sample : 0;
}

size_t csvc_report_dimension_count(const csvc_report *r)
{
	return r ? r->n_dims : 0;
}

const char *csvc_report_dimension_name(const csvc_report *r, size_t d)
{
	return r && d < r->n_dims ? r->dim_names[d] : NULL;
}

double csvc_report_dimension_value(const csvc_report *r, size_t i, size_t d, csvc_report_metric_t metric)
{
	if (!r || i >= r->n || d >= r->n_dims)
		return NAN;
	const double *v = r->rows[i].dim + d * D_ACC;
	switch (metric) {
	case CSVC_METRIC_CSI_N: return v[D_CSI_N];
	case CSVC_METRIC_CSI: return v[D_CSI_SUM];
	case CSVC_METRIC_SERVQUAL_N: return v[D_SQ_N];
	case CSVC_METRIC_SERVQUAL_EXPECTATION: return v[D_SQ_E];
	case CSVC_METRIC_SERVQUAL_PERCEPTION: return v[D_SQ_P];
	case CSVC_METRIC_SERVQUAL_GAP: return v[D_SQ_N] > 0 ? v[D_SQ_P] - v[D_SQ_E] : NAN;
	case CSVC_METRIC_WEIGHT: return r->dim_weights[d];
	default: return NAN;
	}
}

/* The metrics a report type lists. */
static int listed(int type, int metric)
{
	switch (type) {
	case TYPE_SCORES: return metric <= CSVC_METRIC_SERVQUAL_GAP;
	case TYPE_KPIS: return metric <= CSVC_METRIC_COMPLAINT_RATE;
	case TYPE_STAFF:
		return metric <= CSVC_METRIC_COMPLAINT_RATE || metric == CSVC_METRIC_RESOLVED_IN_RANGE ||
		       metric == CSVC_METRIC_COMPLAINTS_RESOLVED;
	case TYPE_SLA: return metric >= CSVC_METRIC_SLA_ON_TIME && metric <= CSVC_METRIC_SLA_COMPLIANCE_HIGH;
	default: return metric >= CSVC_METRIC_STATE_VISITS && metric <= CSVC_METRIC_STATE_TIME_P90;
	}
}

int csvc_report_to_json(const csvc_report *r, char **out)
{
	static const char *const types[] = {NULL, "scores", "kpis", "sla", "state_times", "staff"};
	static const int32_t dim_metrics[] = {CSVC_METRIC_CSI_N, CSVC_METRIC_CSI, CSVC_METRIC_SERVQUAL_N,
	                                      CSVC_METRIC_SERVQUAL_GAP, CSVC_METRIC_SERVQUAL_EXPECTATION,
	                                      CSVC_METRIC_SERVQUAL_PERCEPTION};
	csvc__error_clear();
	CSVC__CHECK_ARG(r, "r");
	CSVC__CHECK_ARG(out, "out");
	csvc__buf b = {0};
	csvc__buf_printf(&b, "{\"report\":\"%s\",\"from\":%lld,\"to\":%lld,\"group_by\":", types[r->type],
	                 (long long)r->from, (long long)r->to);
	if (r->group_by)
		csvc__buf_printf(&b, "\"%s\"", csvc_enum_name(CSVC_ENUM_REPORT_GROUP, r->group_by));
	else
		csvc__buf_puts(&b, "null");
	if (r->group_by == CSVC_REPORT_BY_PERIOD)
		csvc__buf_printf(&b, ",\"period\":\"%s\"", csvc_enum_name(CSVC_ENUM_REPORT_PERIOD, r->period));
	else
		csvc__buf_puts(&b, ",\"period\":null");
	csvc__buf_printf(&b, ",\"min_sample\":%lld,\"dimensions\":[", (long long)r->min_sample);
	for (size_t d = 0; d < r->n_dims; d++) {
		if (d)
			csvc__buf_put(&b, ",", 1);
		csvc__buf_puts(&b, "{\"name\":");
		csvc__buf_json_string(&b, r->dim_names[d]);
		csvc__buf_puts(&b, ",\"weight\":");
		csvc__buf_json_number(&b, r->dim_weights[d]);
		csvc__buf_put(&b, "}", 1);
	}
	csvc__buf_puts(&b, "],\"rows\":[");
	for (size_t i = 0; i < r->n; i++) {
		const row *w = &r->rows[i];
		csvc__buf_puts(&b, i ? ",{\"key\":" : "{\"key\":");
		csvc__buf_json_string(&b, w->key);
		if (w->is_period)
			csvc__buf_printf(&b, ",\"period_start\":%lld", (long long)w->period_start);
		csvc__buf_printf(&b, ",\"low_sample\":%s,\"metrics\":{", w->low_sample ? "true" : "false");
		int n = 0;
		for (int k = 1; k <= N_METRICS; k++) {
			if (!listed(r->type, k))
				continue;
			csvc__buf_printf(&b, "%s\"%s\":", n++ ? "," : "", csvc_enum_name(CSVC_ENUM_REPORT_METRIC, k));
			csvc__buf_json_number(&b, w->m[k]);
		}
		csvc__buf_put(&b, "}", 1);
		if (r->type == TYPE_SCORES || r->type == TYPE_KPIS || r->type == TYPE_STAFF) {
			csvc__buf_puts(&b, ",\"dimensions\":{");
			for (size_t d = 0; d < r->n_dims; d++) {
				csvc__buf_puts(&b, d ? "," : "");
				csvc__buf_json_string(&b, r->dim_names[d]);
				csvc__buf_put(&b, ":{", 2);
				for (size_t k = 0; k < sizeof(dim_metrics) / sizeof(dim_metrics[0]); k++) {
					csvc__buf_printf(&b, "%s\"%s\":", k ? "," : "", csvc_enum_name(CSVC_ENUM_REPORT_METRIC, dim_metrics[k]));
					csvc__buf_json_number(&b, csvc_report_dimension_value(r, i, d, dim_metrics[k]));
				}
				csvc__buf_put(&b, "}", 1);
			}
			csvc__buf_put(&b, "}", 1);
		}
		csvc__buf_put(&b, "}", 1);
	}
	csvc__buf_puts(&b, "]}");
	if (b.failed) {
		csvc__buf_free(&b);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	*out = b.data;
	return CSVC_OK;
}

int csvc_report_record_transactions(csvc_store *store, const char *store_code, int32_t date, int64_t count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(store_code, "store_code");
	int rc = csvc__check_store_code(store_code);
	if (rc || (rc = CSVC__ACCESS_IN(store, CSVC_PERM_STORE_MAINTAIN, store_code)))
		return rc;
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	c.year = date / 10000;
	c.month = date / 100 % 100;
	c.day = date % 100;
	int64_t local;
	if (date < 10101 || csvc_civil_to_local(&c, &local))
		return csvc__error(CSVC_EINVAL, "%d is not a date (YYYYMMDD)", (int)date);
	csvc__error_clear();
	if (count < 0)
		return csvc__error(CSVC_EINVAL, "a transaction count must not be negative");
	if ((rc = csvc__tx_begin(store)))
		return rc;
	return csvc__tx_end(store, csvc__report_db_record_transactions(store, store_code, date, count));
}
