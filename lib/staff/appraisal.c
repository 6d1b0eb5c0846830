/*
 * Appraisals: the handbook's multi-source scores of a staff member per
 * period (supervisor, customers, peers, self), append-only, with who may
 * record which source, and their summary by source and criterion. See
 * docs/staff.md, "Appraisals".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvc/enum.h"
#include "feed/feed-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"

#define N_CRITERIA 4
#define N_SOURCES 4

struct csvc_appraisal {
	csvc_uuid id;
	char *staff, *period, *rater, *comment, *actor;
	int32_t source;
	int32_t score[N_CRITERIA + 1]; /* by criterion; 0: not scored */
	csvc_time_us recorded_at;
};

struct csvc_appraisal_summary {
	int64_t records[N_SOURCES + 1];                 /* [0]: every source */
	int64_t n[N_SOURCES + 1][N_CRITERIA + 1];       /* [0][..], [..][0]: pooled */
	int64_t sum[N_SOURCES + 1][N_CRITERIA + 1];
};

static const csvc__sql SQL_STAFF = CSVC__SQL("SELECT id, uuid, home_store FROM staff WHERE code = $1");
static const csvc__sql SQL_INSERT = CSVC__SQL(
	"INSERT INTO staff_appraisals (uuid, staff_id, period, source, rater_id, customer_satisfaction, efficiency,"
	" teamwork, skill_growth, comment, actor, recorded_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)");
#define LIST_COLUMNS                                                                                         \
	"SELECT a.uuid, s.code, a.period, a.source, r.code, a.customer_satisfaction, a.efficiency, a.teamwork," \
	" a.skill_growth, a.comment, a.actor, a.recorded_us FROM staff_appraisals a JOIN staff s ON s.id = a.staff_id" \
	" LEFT JOIN staff r ON r.id = a.rater_id"
static const csvc__sql SQL_LIST = CSVC__SQL(LIST_COLUMNS " WHERE a.staff_id = $1 ORDER BY a.id");
static const csvc__sql SQL_LIST_PERIOD =
	CSVC__SQL(LIST_COLUMNS " WHERE a.staff_id = $1 AND a.period = $2 ORDER BY a.id");

/* ---- checks ---- */

/* "YYYY" or "YYYY-Qn": the handbook's quarterly or annual cycle. */
static int check_period(const char *period)
{
	int rc = csvc__check_text(period, 0, CSVC_APPRAISAL_MAX_PERIOD, "period");
	if (rc)
		return rc;
	size_t n = strlen(period);
	int ok = n == 4 || (n == 7 && period[4] == '-' && period[5] == 'Q' && period[6] >= '1' && period[6] <= '4');
	for (size_t i = 0; i < 4 && ok && i < n; i++)
		ok = period[i] >= '0' && period[i] <= '9';
	if (ok && strncmp(period, "0000", 4) == 0)
		ok = 0;
	if (!ok || n < 4)
		return csvc__error(CSVC_EINVAL, "period '%s' is neither a year (\"2026\") nor a quarter (\"2026-Q4\")",
		                   period);
	return CSVC_OK;
}

static int check_code(const char *code, const char *field)
{
	int rc = csvc__check_text(code, 0, CSVC_STAFF_MAX_CODE, field);
	if (!rc && !code[0])
		rc = csvc__error(CSVC_EINVAL, "%s must not be empty", field);
	return rc;
}

static const int32_t *form_scores(const csvc_appraisal_form *f, int32_t out[N_CRITERIA + 1])
{
	out[0] = 0;
	out[CSVC_CRITERION_CUSTOMER_SATISFACTION] = f->customer_satisfaction;
	out[CSVC_CRITERION_EFFICIENCY] = f->efficiency;
	out[CSVC_CRITERION_TEAMWORK] = f->teamwork;
	out[CSVC_CRITERION_SKILL_GROWTH] = f->skill_growth;
	return out;
}

static int check_form(const csvc_appraisal_form *f)
{
	if (!f->staff)
		return csvc__error(CSVC_EINVAL, "an appraisal needs the appraised staff member (staff)");
	if (!f->period)
		return csvc__error(CSVC_EINVAL, "an appraisal needs its period (\"2026\" or \"2026-Q4\")");
	int rc;
	if ((rc = check_code(f->staff, "staff")) || (rc = check_period(f->period)) ||
	    (f->rater && (rc = check_code(f->rater, "rater"))) ||
	    (rc = csvc__check_text_mode(f->comment, 1, CSVC_APPRAISAL_MAX_COMMENT, "comment", CSVC__TEXT_MULTILINE)))
		return rc;
	if (!csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, f->source))
		return csvc__error(CSVC_EINVAL, "unknown appraisal source %d", (int)f->source);
	int32_t scores[N_CRITERIA + 1];
	form_scores(f, scores);
	int given = 0;
	for (int c = 1; c <= N_CRITERIA; c++) {
		if (scores[c] < 0 || scores[c] > CSVC_APPRAISAL_SCORE_MAX)
			return csvc__error(CSVC_EINVAL, "the %s score must be %d to %d (0: not scored), not %d",
			                   csvc_enum_name(CSVC_ENUM_APPRAISAL_CRITERION, c), CSVC_APPRAISAL_SCORE_MIN,
			                   CSVC_APPRAISAL_SCORE_MAX, (int)scores[c]);
		given += scores[c] != 0;
	}
	if (!given)
		return csvc__error(CSVC_EINVAL, "an appraisal gives at least one score");
	return CSVC_OK;
}

/* The rater a form records (NULL: none), by its source, or the refusal:
 * see csvc_appraisal_record in staff.h. */
static int resolve_rater(csvc_store *s, const csvc_appraisal_form *f, const char **rater)
{
	const char *principal = csvc_store_access_control(s) ? csvc_store_principal(s) : NULL;
	const char *r = f->rater;
	switch (f->source) {
	case CSVC_APPRAISAL_CUSTOMER:
		if (r)
			return csvc__error(CSVC_EINVAL, "a customer appraisal has no rater");
		break;
	case CSVC_APPRAISAL_SELF:
		if (!r)
			r = f->staff;
		if (strcmp(r, f->staff) != 0)
			return csvc__error(CSVC_EINVAL, "a self appraisal is rated by the appraised staff member, not '%s'", r);
		if (principal && strcmp(principal, f->staff) != 0)
			return csvc__error(CSVC_EACCESS, "csvc_appraisal_record: '%s' may not record a self appraisal of '%s'",
			                   principal, f->staff);
		break;
	default: /* supervisor, peer */
		if (!r)
			r = principal;
		if (!r)
			return csvc__error(CSVC_EINVAL, "a %s appraisal needs its rater",
			                   csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, f->source));
		if (f->source == CSVC_APPRAISAL_PEER && principal && strcmp(principal, r) != 0)
			return csvc__error(CSVC_EACCESS, "csvc_appraisal_record: '%s' may not record a peer appraisal as '%s'",
			                   principal, r);
		if (strcmp(r, f->staff) == 0)
			return csvc__error(CSVC_EINVAL, "a %s appraisal is rated by someone else than '%s'",
			                   csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, f->source), f->staff);
		break;
	}
	*rater = r;
	return CSVC_OK;
}

/* ---- storage ---- */

/* The staff member `code`: its row id and UUID (`id` may be NULL), and
 * with `scope_perm` (0: none) whether the principal may use that
 * permission on them (their home store in scope). */
static int staff_row(csvc_store *s, const char *code, const char *what, int64_t *rowid, csvc_uuid *id,
                     int32_t scope_perm)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STAFF, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no staff member '%s' (the %s)", code, what);
	}
	*rowid = csvc__db_int(st, 0);
	rc = id && !csvc__db_uuid(st, 1, id)
	             ? csvc__error(CSVC_ECORRUPT, "stored staff member '%s' has a malformed UUID", code)
	             : CSVC_OK;
	if (!rc && scope_perm)
		rc = csvc__access_require_in(s, (csvc_permission_t)scope_perm, csvc__db_textcol(st, 2),
		                             "csvc_appraisal_record");
	csvc__db_reset(st);
	return rc;
}

static void bind_opt_text(csvc__stmt *st, int n, const char *v)
{
	if (v)
		csvc__db_bind_text(st, n, v);
	else
		csvc__db_bind_null(st, n);
}

static void bind_opt_int(csvc__stmt *st, int n, int64_t v)
{
	if (v)
		csvc__db_bind_int(st, n, v);
	else
		csvc__db_bind_null(st, n);
}

static int insert(csvc_store *s, const csvc_appraisal_form *f, const char *rater, const char *actor,
                  const csvc_uuid *id, csvc_time_us now)
{
	int64_t staff_rowid = 0, rater_rowid = 0;
	csvc_uuid staff_id;
	/* A supervisor appraises the staff of their stores, and names as the
	 * rater only someone of their stores (access.md). */
	const int32_t scope = f->source == CSVC_APPRAISAL_SUPERVISOR ? CSVC_PERM_STAFF_APPRAISE : 0;
	int rc = staff_row(s, f->staff, "appraised staff member", &staff_rowid, &staff_id, scope);
	if (rc || (rater && (rc = staff_row(s, rater, "rater", &rater_rowid, NULL, scope))))
		return rc;
	csvc__stmt *st;
	if ((rc = csvc__db_stmt(s->db, &SQL_INSERT, &st)))
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	csvc__db_bind_int(st, 2, staff_rowid);
	csvc__db_bind_text(st, 3, f->period);
	csvc__db_bind_int(st, 4, f->source);
	bind_opt_int(st, 5, rater_rowid);
	bind_opt_int(st, 6, f->customer_satisfaction);
	bind_opt_int(st, 7, f->efficiency);
	bind_opt_int(st, 8, f->teamwork);
	bind_opt_int(st, 9, f->skill_growth);
	bind_opt_text(st, 10, f->comment);
	bind_opt_text(st, 11, actor);
	csvc__db_bind_int(st, 12, now);
	if ((rc = csvc__db_run(st)))
		return rc;
	char text[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(id, text);
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"appraisal\":");
	csvc__buf_json_string(&p, text);
	csvc__buf_puts(&p, ",\"period\":");
	csvc__buf_json_string(&p, f->period);
	csvc__buf_puts(&p, ",\"source\":");
	csvc__buf_json_string(&p, csvc_enum_name(CSVC_ENUM_APPRAISAL_SOURCE, f->source));
	if (rater) {
		csvc__buf_puts(&p, ",\"rater\":");
		csvc__buf_json_string(&p, rater);
	}
	csvc__buf_put(&p, "}", 2);
	rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	              : csvc__feed_record(s, "appraisal_recorded", "staff", &staff_id, f->staff, actor, now, p.data);
	csvc__buf_free(&p);
	return rc;
}

/* ---- the calls ---- */

CSVC__STRUCT_LAYOUT(form_layout, csvc_appraisal_form, CSVC_APPRAISAL_FORM_VERSION, CSVC_APPRAISAL_FORM_INIT,
                    sizeof(csvc_appraisal_form));

int csvc_appraisal_form_init(csvc_appraisal_form *form, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&form_layout, form, version);
}

int csvc_appraisal_record(csvc_store *store, const csvc_appraisal_form *form, const char *actor, csvc_uuid *id)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(form, "form");
	/* The caller's struct is read only as far as its version goes. */
	csvc_appraisal_form f;
	int rc = csvc__struct_read(&form_layout, &f, form);
	if (rc || (rc = check_form(&f)))
		return rc;
	switch (f.source) {
	case CSVC_APPRAISAL_SUPERVISOR: rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_APPRAISE); break;
	case CSVC_APPRAISAL_CUSTOMER: rc = CSVC__ACCESS(store, CSVC_PERM_SURVEY_RECORD); break;
	default: rc = CSVC__ACCESS_PRINCIPAL(store); break;
	}
	const char *rater = NULL;
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)) ||
	    (rc = resolve_rater(store, &f, &rater)))
		return rc;
	csvc_uuid new_id;
	csvc__uuid_generate(&new_id);
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, insert(store, &f, rater, actor, &new_id, now));
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc)
		return rc;
	if (id)
		*id = new_id;
	return CSVC_OK;
}

static void appraisal_free(csvc_appraisal *a)
{
	if (!a)
		return;
	csvc__free(a->staff);
	csvc__free(a->period);
	csvc__free(a->rater);
	csvc__free(a->comment);
	csvc__free(a->actor);
	csvc__free(a);
}

void csvc_appraisal_list_free(csvc_appraisal **list, size_t count)
{
	if (!list)
		return;
	for (size_t i = 0; i < count; i++)
		appraisal_free(list[i]);
	csvc__free(list);
}

/* The appraisal of the row `st` stands on (LIST_COLUMNS). */
static int appraisal_row(csvc__stmt *st, csvc_appraisal **out)
{
	csvc_appraisal *a = csvc__calloc(1, sizeof(*a));
	if (!a)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int oom = 0, rc = CSVC_OK;
	if (!csvc__db_uuid(st, 0, &a->id))
		rc = csvc__error(CSVC_ECORRUPT, "a stored appraisal has a malformed UUID");
	a->staff = csvc__db_textcol_copy(st, 1, &oom);
	a->period = csvc__db_textcol_copy(st, 2, &oom);
	a->source = (int32_t)csvc__db_int(st, 3);
	a->rater = csvc__db_textcol_copy(st, 4, &oom);
	for (int c = 1; c <= N_CRITERIA; c++)
		a->score[c] = (int32_t)csvc__db_int(st, 4 + c);
	a->comment = csvc__db_textcol_copy(st, 9, &oom);
	a->actor = csvc__db_textcol_copy(st, 10, &oom);
	a->recorded_at = csvc__db_int(st, 11);
	if (!rc && oom)
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
	if (!rc && (!a->staff || !a->period))
		rc = csvc__error(CSVC_ECORRUPT, "a stored appraisal has no staff member or period");
	if (rc) {
		appraisal_free(a);
		return rc;
	}
	*out = a;
	return CSVC_OK;
}

static int load_appraisals(csvc_store *s, int64_t staff_rowid, const char *period, csvc_appraisal ***out,
                     size_t *count)
{
	csvc__stmt *st;
	int rc;
	if (period)
		rc = csvc__db_stmt(s->db, &SQL_LIST_PERIOD, &st);
	else
		rc = csvc__db_stmt(s->db, &SQL_LIST, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, staff_rowid);
	if (period)
		csvc__db_bind_text(st, 2, period);
	csvc_appraisal **list = NULL;
	size_t n = 0, cap = 0;
	int mid_row = 0; /* a failure while the statement stands on a row */
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		mid_row = 1;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 8;
			csvc_appraisal **p = csvc__realloc(list, c * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			list = p;
			cap = c;
		}
		if ((rc = appraisal_row(st, &list[n])))
			break;
		n++;
		mid_row = 0;
	}
	if (rc != CSVC__DONE) {
		if (mid_row)
			csvc__db_reset(st);
		csvc_appraisal_list_free(list, n);
		return rc;
	}
	csvc__db_reset(st);
	*out = list;
	*count = n;
	return CSVC_OK;
}

/* Checks a read's arguments and access, and reads the appraisals. */
static int read_appraisals(csvc_store *store, const char *staff, const char *period, const char *call,
                           csvc_appraisal ***out, size_t *count)
{
	int rc = check_code(staff, "staff");
	if (rc || (period && (rc = check_period(period))))
		return rc;
	/* Reports readers, and the staff member their own. */
	const char *principal = csvc_store_access_control(store) ? csvc_store_principal(store) : NULL;
	if (!principal || strcmp(principal, staff) != 0)
		if ((rc = csvc__access_require(store, CSVC_PERM_REPORTS_READ, call)))
			return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	int64_t rowid;
	if (!(rc = staff_row(store, staff, "appraised staff member", &rowid, NULL, 0)))
		rc = load_appraisals(store, rowid, period, out, count);
	csvc__read_end(store, began);
	return rc;
}

int csvc_appraisal_list(csvc_store *store, const char *staff, const char *period, csvc_appraisal ***out,
                        size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(staff, "staff");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	return read_appraisals(store, staff, period, __func__, out, count);
}

int csvc_appraisal_summarize(csvc_store *store, const char *staff, const char *period,
                             csvc_appraisal_summary **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(staff, "staff");
	CSVC__CHECK_ARG(out, "out");
	csvc_appraisal **list = NULL;
	size_t n = 0;
	int rc = read_appraisals(store, staff, period, __func__, &list, &n);
	if (rc)
		return rc;
	csvc_appraisal_summary *sum = csvc__calloc(1, sizeof(*sum));
	if (!sum) {
		csvc_appraisal_list_free(list, n);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const csvc_appraisal *a = list[i];
		if (a->source < 1 || a->source > N_SOURCES)
			continue; /* a source this library does not know */
		sum->records[0]++;
		sum->records[a->source]++;
		for (int c = 1; c <= N_CRITERIA; c++) {
			int32_t v = a->score[c];
			if (!v)
				continue;
			const int src[2] = {0, a->source}, crit[2] = {0, c};
			for (int x = 0; x < 2; x++)
				for (int y = 0; y < 2; y++) {
					sum->n[src[x]][crit[y]]++;
					sum->sum[src[x]][crit[y]] += v;
				}
		}
	}
	csvc_appraisal_list_free(list, n);
	*out = sum;
	return CSVC_OK;
}

void csvc_appraisal_summary_free(csvc_appraisal_summary *s)
{
	csvc__free(s);
}

int64_t csvc_appraisal_summary_records(const csvc_appraisal_summary *s, csvc_appraisal_source_t source)
{
	if (!s || (int)source < 0 || (int)source > N_SOURCES)
		return 0;
	return s->records[source];
}

int64_t csvc_appraisal_summary_count(const csvc_appraisal_summary *s, csvc_appraisal_source_t source,
                                     csvc_appraisal_criterion_t criterion)
{
	if (!s || (int)source < 0 || (int)source > N_SOURCES || (int)criterion < 0 || (int)criterion > N_CRITERIA)
		return 0;
	return s->n[source][criterion];
}

double csvc_appraisal_summary_mean(const csvc_appraisal_summary *s, csvc_appraisal_source_t source,
                                   csvc_appraisal_criterion_t criterion)
{
	int64_t n = csvc_appraisal_summary_count(s, source, criterion);
	if (!n)
		return NAN;
	return (double)s->sum[source][criterion] / (double)n;
}

/* ---- getters ---- */

const csvc_uuid *csvc_appraisal_id(const csvc_appraisal *a)
{
	return a ? &a->id : NULL;
}

const char *csvc_appraisal_staff(const csvc_appraisal *a)
{
	return a ? a->staff : NULL;
}

const char *csvc_appraisal_period(const csvc_appraisal *a)
{
	return a ? a->period : NULL;
}

int32_t csvc_appraisal_source(const csvc_appraisal *a)
{
	return a ? a->source : 0;
}

const char *csvc_appraisal_rater(const csvc_appraisal *a)
{
	return a ? a->rater : NULL;
}

int32_t csvc_appraisal_score(const csvc_appraisal *a, csvc_appraisal_criterion_t criterion)
{
	if (!a || (int)criterion < 1 || (int)criterion > N_CRITERIA)
		return 0;
	return a->score[criterion];
}

const char *csvc_appraisal_comment(const csvc_appraisal *a)
{
	return a ? a->comment : NULL;
}

const char *csvc_appraisal_actor(const csvc_appraisal *a)
{
	return a ? a->actor : NULL;
}

csvc_time_us csvc_appraisal_recorded_at(const csvc_appraisal *a)
{
	return a ? a->recorded_at : 0;
}
