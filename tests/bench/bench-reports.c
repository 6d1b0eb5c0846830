/*
 * Reports: a month's KPI and satisfaction report for one store and for
 * all stores (grouped by store) over a year of 1,000,000 tickets and
 * 200,000 survey responses (at scale 1), against hand-written SQL GROUP BY
 * queries computing the same counts and means in the same run; and the
 * cost of the report indexes (migration 6) on ticket create.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-raw.h"
#include "bench.h"
#include "csvc.h"

#define SEC ((int64_t)1000000)
#define DAY (86400 * SEC)
#define T0 ((int64_t)1767225600 * SEC) /* 2026-01-01 UTC */
#define STORES 20

static csvc_time_us tick(void *ud)
{
	return ++*(csvc_time_us *)ud;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, csvc_error_last()->message);
	exit(1);
}

static void remove_db(const char *path)
{
	char p[600];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static csvc_store *open_lib(const char *path, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = tick;
	o.clock_userdata = clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o) || csvc_store_install_defaults(s))
		die("open");
	return s;
}

/*
 * Fills a store with plain SQL: n tickets over 2026 in 20 stores (60 %
 * inquiries, 20 % complaints, 20 % suggestions; 5 % open, 5 % resolved,
 * the rest closed, 2 % reopened once), their events, SLA targets (10 %
 * met late), public replies, and m responses to the "mall" survey (four
 * Likert answers and one NPS answer each) on m distinct tickets, a day
 * after each, plus a year of daily transaction counts. The fields vary
 * independently of the store.
 */
static void fill(const char *path, long n, long m)
{
	csvc_time_us clock = T0;
	csvc_store_close(open_lib(path, &clock));
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	int64_t inquiry = bench_raw_int(db, "SELECT id FROM sla_policies WHERE name = 'handbook_inquiry'");
	int64_t complaint = bench_raw_int(db, "SELECT id FROM sla_policies WHERE name = 'handbook_complaint'");
	int64_t mall = bench_raw_int(db, "SELECT id FROM surveys WHERE name = 'mall'");
	int64_t span = 365 * DAY;
	char *sql = malloc(16384);
	/* Per-ticket fields as functions of x (shared by tickets and responses). */
#define KIND(x) "CASE ((" x ") / 3) %% 5 WHEN 0 THEN 'complaint' WHEN 1 THEN 'suggestion' ELSE 'inquiry' END"
#define STORE(x) "printf('S%%02d', (" x ") %% 20)"
#define STAFF(x) "printf('staff-%%02d-%%d', (" x ") %% 20, ((" x ") / 20) %% 10)"
#define CHANNEL(x) "CASE (" x ") %% 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'store_counter' ELSE 'wechat' END"
#define CATEGORY(x) "CASE (" x ") %% 4 WHEN 0 THEN '商品质量' WHEN 1 THEN '服务态度' WHEN 2 THEN '价格' ELSE '物流' END"
	snprintf(sql, 16384,
	         "PRAGMA synchronous=OFF; BEGIN;"
	         "CREATE TEMP TABLE g AS WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < %ld)"
	         " SELECT x, (x / 3) %% 5 = 0 AS cpl, (x / 3) %% 5 = 1 AS sug, (x / 20) %% 20 AS life,"
	         "  (x / 20) %% 20 > 1 AND (x / 7) %% 50 = 2 AS reo,"
	         "  %lld + x * %lld / %ld AS at FROM i;"
	         "INSERT INTO tickets (id, uuid, number, kind, store_code, channel, category, urgency, importance, impact,"
	         " priority, priority_override, assignee, subject, state, state_category, workflow, workflow_version,"
	         " revision, created_us, updated_us)"
	         " SELECT x, randomblob(16), printf('T-%%08d', x), " KIND("x") ", " STORE("x") ", " CHANNEL("x") ","
	         "  " CATEGORY("x") ", 3, 2, 3, 4, 0, " STAFF("x") ", 'subject',"
	         "  CASE WHEN life = 0 THEN CASE WHEN sug THEN 'new' ELSE 'received' END"
	         "   WHEN life = 1 THEN CASE WHEN cpl THEN 'reported_back' WHEN sug THEN 'resolved' ELSE 'answered' END"
	         "   ELSE 'closed' END,"
	         "  CASE WHEN life = 0 THEN 1 WHEN life = 1 THEN 4 ELSE 5 END,"
	         "  CASE WHEN cpl THEN 'complaint' WHEN sug THEN 'general' ELSE 'inquiry' END, 1, 1, at,"
	         "  CASE WHEN life = 0 THEN at ELSE at + 7200000000 END FROM g;"
	         /* created */
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT x, 1, 'created', 'bench', at, CASE WHEN sug THEN 'new' ELSE 'received' END,"
	         "  json_object('set', json_object('state', CASE WHEN sug THEN 'new' ELSE 'received' END,"
	         "   'state_category', 1)) FROM g;"
	         /* complaints are analysed first */
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, from_state, to_state, payload)"
	         " SELECT x, 2, 'transition', 'bench', at + 600000000, 'received', 'analysing',"
	         "  '{\"transition\":\"analyse\",\"set\":{\"state\":\"analysing\",\"state_category\":2}}'"
	         " FROM g WHERE cpl AND life > 0;"
	         /* resolve */
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT x, 2 + cpl, 'transition', 'bench', at + 1800000000, 'resolved',"
	         "  '{\"transition\":\"resolve\",\"set\":{\"state\":\"resolved\",\"state_category\":4}}'"
	         " FROM g WHERE life > 0;"
	         /* reopen and resolve again */
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT x, 3 + cpl, 'transition', 'bench', at + 3600000000, 'in_progress',"
	         "  '{\"transition\":\"reopen\",\"set\":{\"state\":\"in_progress\",\"state_category\":2}}'"
	         " FROM g WHERE reo;"
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT x, 4 + cpl, 'transition', 'bench', at + 5400000000, 'resolved',"
	         "  '{\"transition\":\"resolve\",\"set\":{\"state\":\"resolved\",\"state_category\":4}}'"
	         " FROM g WHERE reo;"
	         /* close */
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT x, 3 + cpl + 2 * reo, 'transition', 'bench', at + 7200000000, 'closed',"
	         "  '{\"transition\":\"close\",\"set\":{\"state\":\"closed\",\"state_category\":5}}'"
	         " FROM g WHERE life > 1;"
	         /* replies: half the tickets one, a seventh a second */
	         "INSERT INTO ticket_comments (ticket_id, kind, body, actor, at_us)"
	         " SELECT x, 1, '您好', 'bench', at + 300000000 FROM g WHERE x %% 2 = 0;"
	         "INSERT INTO ticket_comments (ticket_id, kind, body, actor, at_us)"
	         " SELECT x, 1, '您好', 'bench', at + 900000000 FROM g WHERE x %% 7 = 0;"
	         /* SLA targets: first response and resolution */
	         "INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar, phase, used_us,"
	         " since_us, met_at, met_via_state, breached_at, fired, cycle, due_us, next_alarm_us, next_pct, warned)"
	         " SELECT x, 0, CASE WHEN cpl THEN %lld ELSE %lld END, CASE WHEN cpl THEN %lld ELSE %lld END, NULL,"
	         "  CASE WHEN life = 0 THEN 1 ELSE 3 END, CASE WHEN life = 0 THEN 0 ELSE (x %% 40) * 60000000 END, at,"
	         "  CASE WHEN life = 0 THEN NULL ELSE at + (x %% 40) * 60000000 END, 0,"
	         "  CASE WHEN x %% 10 = 3 THEN at + 60000000 END, 0, 0, NULL, NULL, 100, 0 FROM g;"
	         "INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar, phase, used_us,"
	         " since_us, met_at, met_via_state, breached_at, fired, cycle, due_us, next_alarm_us, next_pct, warned)"
	         " SELECT x, 1, CASE WHEN cpl THEN %lld ELSE %lld END, CASE WHEN cpl THEN %lld ELSE %lld END, NULL,"
	         "  CASE WHEN life = 0 THEN 1 ELSE 3 END, CASE WHEN life = 0 THEN 0 ELSE (x %% 48) * 3600000000 END, at,"
	         "  CASE WHEN life = 0 THEN NULL ELSE at + 1800000000 END, 1,"
	         "  CASE WHEN x %% 10 = 7 THEN at + 60000000 END, 0, 0, NULL, NULL, 100, 0 FROM g;"
	         /* responses to the mall survey on every fifth ticket, a day later */
	         "INSERT INTO survey_responses (id, uuid, survey_id, ticket_id, store_code, staff, channel, method,"
	         " ticket_kind, ticket_category, submitted_us)"
	         " SELECT y, randomblob(16), %lld, t, " STORE("t") ", " STAFF("t") ", " CHANNEL("t") ", 1 + y %% 7,"
	         "  " KIND("t") ", " CATEGORY("t") ", %lld + t * %lld / %ld + 86400000000"
	         " FROM (WITH RECURSIVE j(y) AS (SELECT 1 UNION ALL SELECT y + 1 FROM j WHERE y < %ld)"
	         "  SELECT y, ((y * 2654435761) %% 4294967296) %% %ld + 1 AS t FROM j);"
	         "INSERT INTO survey_answers (response_id, position, value)"
	         " SELECT r.id, p.k, CASE WHEN p.k < 4 THEN 1 + (r.id * (p.k + 3) + p.k) %% 5 ELSE r.id %% 11 END"
	         " FROM survey_responses r, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"
	         "  UNION ALL SELECT 4) p;"
	         "INSERT INTO store_transactions (store_code, day, count)"
	         " SELECT printf('S%%02d', s.v), CAST(strftime('%%Y%%m%%d', %lld / 1000000 + d.v * 86400, 'unixepoch') AS INTEGER),"
	         "  900 + (s.v * 37 + d.v * 11) %% 300"
	         " FROM (WITH RECURSIVE a(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM a WHERE v < 19) SELECT v FROM a) s,"
	         "  (WITH RECURSIVE b(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM b WHERE v < 364) SELECT v FROM b) d;"
	         "INSERT INTO ticket_counters (store_code, last) SELECT store_code, count(*) FROM tickets GROUP BY store_code;"
	         "COMMIT; ANALYZE;",
	         n, (long long)T0, (long long)span, n, (long long)complaint, (long long)inquiry, (long long)complaint,
	         (long long)inquiry, (long long)complaint, (long long)inquiry, (long long)complaint, (long long)inquiry,
	         (long long)mall, (long long)T0, (long long)span, n, m, n, (long long)T0);
	bench_raw_exec(db, sql);
	free(sql);
	sqlite3_close(db);
}

/* ---- the hand-written SQL ---- */

typedef struct figures {
	int64_t tickets, resolved, fcr, reopened, sla_on, sla_bad, backlog, responses, csat_n, csat_top, nps_n,
		nps_prom, nps_det;
	double response_mean;
} figures;

/* Each query comes in two texts, as one would write them by hand: with the
 * store's equality when a store is given, so that SQLite can use the
 * (store_code, created_us) index, and without it for all stores. A single
 * text with "(:store IS NULL OR t.store_code = :store)" is planned once for
 * both cases, and SQLite then scans the whole index or table instead. */
#define RANGE " t.created_us >= :from AND t.created_us < :to"
#define BY_STORE(alias) " AND " alias ".store_code = :store"

#define RAW_TICKETS(F)                                                                                   \
	"WITH ev AS ("                                                                                   \
	"  SELECT e.ticket_id, e.seq, json_extract(e.payload, '$.set.state_category') AS c,"              \
	"   lag(json_extract(e.payload, '$.set.state_category')) OVER (PARTITION BY e.ticket_id ORDER BY e.seq) AS p" \
	"  FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id WHERE" RANGE F " AND e.to_state IS NOT NULL)," \
	" per AS (SELECT ticket_id, max(c IN (4, 5)) AS resolved,"                                          \
	"  min(CASE WHEN seq > 1 THEN c IN (4, 5) ELSE 1 END) AS direct,"                                 \
	"  max(coalesce(p IN (4, 5), 0) AND c IN (1, 2, 3)) AS reopened FROM ev GROUP BY ticket_id),"      \
	" rp AS (SELECT c.ticket_id, count(*) AS n FROM tickets t JOIN ticket_comments c ON c.ticket_id = t.id" \
	"  WHERE" RANGE F " AND c.kind = 1 GROUP BY c.ticket_id)"                                          \
	" SELECT t.store_code, count(*), sum(per.resolved),"                                             \
	"  sum(per.resolved AND per.direct AND NOT per.reopened AND coalesce(rp.n, 0) <= 1),"              \
	"  sum(per.resolved AND per.reopened)"                                                           \
	" FROM tickets t LEFT JOIN per ON per.ticket_id = t.id LEFT JOIN rp ON rp.ticket_id = t.id"        \
	" WHERE" RANGE F " GROUP BY t.store_code"
#define RAW_SLA(F)                                                                                       \
	"SELECT t.store_code, sum(st.breached_at IS NULL AND st.phase = 3), sum(st.breached_at IS NOT NULL)," \
	" avg(CASE WHEN st.phase = 3 AND pt.name IN ('first_response', 'respond') THEN st.used_us END)"     \
	" FROM tickets t JOIN sla_targets st ON st.ticket_id = t.id"                                      \
	" JOIN sla_policy_targets pt ON pt.policy_id = st.policy_id AND pt.idx = st.idx"                  \
	" WHERE" RANGE F " GROUP BY t.store_code"
#define RAW_BACKLOG(F)                                                                                   \
	"SELECT store_code, count(*) FROM ("                                                             \
	" SELECT t.store_code, CASE WHEN t.updated_us < :to THEN t.state_category ELSE"                  \
	"  (SELECT json_extract(e.payload, '$.set.state_category') FROM ticket_events e WHERE e.ticket_id = t.id" \
	"   AND e.to_state IS NOT NULL AND e.at_us < :to ORDER BY e.seq DESC LIMIT 1) END AS c"          \
	" FROM tickets t WHERE t.created_us < :to" F                                                     \
	"  AND (t.state_category < 5 OR t.updated_us >= :to))"                                           \
	" WHERE c BETWEEN 1 AND 3 GROUP BY store_code"
#define RAW_SCORES(F)                                                                                    \
	"SELECT r.store_code, count(DISTINCT r.id), sum(q.type = 1), sum(q.type = 1 AND a.value >= q.scale_max - 1)," \
	" sum(q.type = 2), sum(q.type = 2 AND a.value >= 9), sum(q.type = 2 AND a.value <= 6)"           \
	" FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id"                         \
	" JOIN survey_questions q ON q.survey_id = r.survey_id AND q.position = a.position"               \
	" WHERE r.submitted_us >= :from AND r.submitted_us < :to" F                                      \
	" GROUP BY r.store_code"

/* [0]: all stores, [1]: one store. */
static const char *const RAW_QUERIES[2][4] = {
	{RAW_TICKETS(""), RAW_SLA(""), RAW_BACKLOG(""), RAW_SCORES("")},
	{RAW_TICKETS(BY_STORE("t")), RAW_SLA(BY_STORE("t")), RAW_BACKLOG(BY_STORE("t")), RAW_SCORES(BY_STORE("r"))},
};

static void bind_range(sqlite3_stmt *st, int64_t from, int64_t to, const char *store)
{
	int i;
	if ((i = sqlite3_bind_parameter_index(st, ":from")))
		sqlite3_bind_int64(st, i, from);
	if ((i = sqlite3_bind_parameter_index(st, ":to")))
		sqlite3_bind_int64(st, i, to);
	if ((i = sqlite3_bind_parameter_index(st, ":store")) && store)
		sqlite3_bind_text(st, i, store, -1, SQLITE_STATIC);
}

/* Runs the four queries; sums every store's row into `f` (one figure set
 * per report: the per-store rows are read and totalled). */
static void raw_report(sqlite3 *db, int64_t from, int64_t to, const char *store, figures *f)
{
	const char *const *sqls = RAW_QUERIES[store != NULL];
	memset(f, 0, sizeof(*f));
	double resp_sum = 0;
	int64_t resp_groups = 0;
	for (int k = 0; k < 4; k++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sqls[k], -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "bench: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		bind_range(st, from, to, store);
		while (sqlite3_step(st) == SQLITE_ROW) {
			switch (k) {
			case 0:
				f->tickets += sqlite3_column_int64(st, 1);
				f->resolved += sqlite3_column_int64(st, 2);
				f->fcr += sqlite3_column_int64(st, 3);
				f->reopened += sqlite3_column_int64(st, 4);
				break;
			case 1:
				f->sla_on += sqlite3_column_int64(st, 1);
				f->sla_bad += sqlite3_column_int64(st, 2);
				resp_sum += sqlite3_column_double(st, 3);
				resp_groups++;
				break;
			case 2: f->backlog += sqlite3_column_int64(st, 1); break;
			default:
				f->responses += sqlite3_column_int64(st, 1);
				f->csat_n += sqlite3_column_int64(st, 2);
				f->csat_top += sqlite3_column_int64(st, 3);
				f->nps_n += sqlite3_column_int64(st, 4);
				f->nps_prom += sqlite3_column_int64(st, 5);
				f->nps_det += sqlite3_column_int64(st, 6);
				break;
			}
		}
		sqlite3_finalize(st);
	}
	f->response_mean = resp_groups ? resp_sum / (double)resp_groups : NAN;
}

/* The library's report, totalled the same way. */
static void lib_report(csvc_store *s, int64_t from, int64_t to, const char *store, figures *f)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = from;
	q.to = to;
	q.store_code = store;
	q.group_by = store ? 0 : CSVC_REPORT_BY_STORE;
	csvc_report *r = NULL;
	if (csvc_report_kpis(s, &q, &r))
		die("report");
	memset(f, 0, sizeof(*f));
	double resp_sum = 0;
	int64_t groups = 0;
	for (size_t i = 0; i < csvc_report_row_count(r); i++) {
#define G(m) ((int64_t)csvc_report_value(r, i, (m)))
		f->tickets += G(CSVC_METRIC_TICKETS);
		f->resolved += G(CSVC_METRIC_RESOLVED);
		f->fcr += G(CSVC_METRIC_FCR);
		f->reopened += G(CSVC_METRIC_REOPENED);
		f->sla_on += G(CSVC_METRIC_SLA_ON_TIME);
		f->sla_bad += G(CSVC_METRIC_SLA_BREACHED);
		f->backlog += G(CSVC_METRIC_BACKLOG);
		f->responses += G(CSVC_METRIC_RESPONSES);
		f->csat_n += G(CSVC_METRIC_CSAT_N);
		f->nps_n += G(CSVC_METRIC_NPS_N);
		double csat = csvc_report_value(r, i, CSVC_METRIC_CSAT), nps_p = csvc_report_value(r, i, CSVC_METRIC_NPS_PROMOTERS),
		       nps_d = csvc_report_value(r, i, CSVC_METRIC_NPS_DETRACTORS);
		f->csat_top += isnan(csat) ? 0 : llround(csat * (double)G(CSVC_METRIC_CSAT_N));
		f->nps_prom += isnan(nps_p) ? 0 : llround(nps_p * (double)G(CSVC_METRIC_NPS_N));
		f->nps_det += isnan(nps_d) ? 0 : llround(nps_d * (double)G(CSVC_METRIC_NPS_N));
		double rm = csvc_report_value(r, i, CSVC_METRIC_RESPONSE_MEAN);
		if (!isnan(rm) && G(CSVC_METRIC_TICKETS) > 0) {
			resp_sum += rm;
			groups++;
		}
#undef G
	}
	f->response_mean = groups ? resp_sum / (double)groups : NAN;
	csvc_report_free(r);
}

static int same(const figures *a, const figures *b)
{
	return a->tickets == b->tickets && a->resolved == b->resolved && a->fcr == b->fcr && a->reopened == b->reopened &&
	       a->sla_on == b->sla_on && a->sla_bad == b->sla_bad && a->backlog == b->backlog &&
	       a->responses == b->responses && a->csat_n == b->csat_n && a->csat_top == b->csat_top &&
	       a->nps_n == b->nps_n && a->nps_prom == b->nps_prom && a->nps_det == b->nps_det &&
	       fabs(a->response_mean - b->response_mean) <= 1e-6 * fabs(b->response_mean);
}

static void print_figures(const char *label, const figures *f)
{
	printf("# %s: tickets %lld resolved %lld fcr %lld reopened %lld sla %lld/%lld backlog %lld responses %lld"
	       " csat %lld/%lld nps +%lld -%lld of %lld response_mean %.0f us\n",
	       label, (long long)f->tickets, (long long)f->resolved, (long long)f->fcr, (long long)f->reopened,
	       (long long)f->sla_on, (long long)f->sla_bad, (long long)f->backlog, (long long)f->responses,
	       (long long)f->csat_top, (long long)f->csat_n, (long long)f->nps_prom, (long long)f->nps_det,
	       (long long)f->nps_n, f->response_mean);
}

/* Best of `runs` alternating runs of each side (warm cache). */
static int measure(const char *name, csvc_store *s, sqlite3 *db, int64_t from, int64_t to, const char *store, int runs)
{
	double best_lib = 1e30, best_raw = 1e30;
	figures fl, fr;
	for (int k = 0; k < runs; k++) {
		double t0 = bench_seconds();
		raw_report(db, from, to, store, &fr);
		double t1 = bench_seconds();
		lib_report(s, from, to, store, &fl);
		double t2 = bench_seconds();
		if (t1 - t0 < best_raw)
			best_raw = t1 - t0;
		if (t2 - t1 < best_lib)
			best_lib = t2 - t1;
	}
	print_figures("libcsvc", &fl);
	print_figures("sql", &fr);
	char label[128];
	snprintf(label, sizeof(label), "%s.libcsvc", name);
	bench_figure(label, best_lib * 1e3, "ms");
	snprintf(label, sizeof(label), "%s.sqlite", name);
	bench_figure(label, best_raw * 1e3, "ms");
	snprintf(label, sizeof(label), "%s.match", name);
	bench_figure(label, same(&fl, &fr), "bool");
	bench_ratio(name, best_raw / best_lib);
	return same(&fl, &fr) ? 0 : 1;
}

/* Ticket create (batches of 1000) on a store with the report indexes of
 * migration 6 and on one without them. */
static void index_cost(const char *dir, double scale)
{
	int n = (int)(20000 * scale);
	if (n < 2000)
		n = 2000;
	char with_path[512], without_path[512];
	snprintf(with_path, sizeof(with_path), "%s/bench-reports-idx.db", dir);
	snprintf(without_path, sizeof(without_path), "%s/bench-reports-noidx.db", dir);
	remove_db(with_path);
	remove_db(without_path);
	csvc_time_us c1 = T0, c2 = T0;
	csvc_store *with = open_lib(with_path, &c1);
	csvc_store *without = open_lib(without_path, &c2);
	sqlite3 *db;
	if (sqlite3_open(without_path, &db) != SQLITE_OK)
		exit(1);
	bench_raw_exec(db, "DROP INDEX tickets_store_created");
	sqlite3_close(db);
	double t_with = 0, t_without = 0;
	for (int from = 0; from < n; from += 1000) {
		for (int side = 0; side < 2; side++) {
			csvc_store *s = side ? without : with;
			double t0 = bench_seconds();
			if (csvc_store_begin(s))
				die("begin");
			for (int i = from; i < from + 1000; i++) {
				csvc_ticket *t = NULL;
				if (csvc_ticket_new(&t, "complaint", i % 2 ? "SH01" : "SH02") ||
				    csvc_ticket_set_subject(t, "收银台排队太久") || csvc_ticket_set_channel(t, "phone") ||
				    csvc_ticket_create(s, t, "bench"))
					die("create");
				csvc_ticket_free(t);
			}
			if (csvc_store_commit(s))
				die("commit");
			*(side ? &t_without : &t_with) += bench_seconds() - t0;
		}
	}
	csvc_store_close(with);
	csvc_store_close(without);
	remove_db(with_path);
	remove_db(without_path);
	bench_figure("reports.index_cost.create_with_indexes", n / t_with, "ops/s");
	bench_figure("reports.index_cost.create_without_indexes", n / t_without, "ops/s");
	bench_ratio("reports.index_cost", t_without / t_with);
}

int bench_reports(double scale, const char *dir)
{
	long n = (long)(1000000 * scale), m = (long)(200000 * scale);
	if (n < 10000)
		n = 10000;
	if (m < 2000)
		m = 2000;
	char path[512];
	snprintf(path, sizeof(path), "%s/bench-reports.db", dir);
	remove_db(path);
	double t0 = bench_seconds();
	fill(path, n, m);
	bench_figure("reports.fill", bench_seconds() - t0, "s");
	bench_figure("reports.tickets", (double)n, "tickets");
	bench_figure("reports.responses", (double)m, "responses");

	csvc_time_us clock = T0 + 400 * DAY;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = tick;
	o.clock_userdata = &clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o))
		die("open");
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		exit(1);
	/* June 2026. */
	int64_t from = T0 + 151 * DAY, to = T0 + 181 * DAY;
	int bad = measure("reports.month_one_store", s, db, from, to, "S07", 5);
	bad |= measure("reports.month_all_stores", s, db, from, to, NULL, 3);
	sqlite3_close(db);
	csvc_store_close(s);
	remove_db(path);
	index_cost(dir, scale);
	if (bad)
		fprintf(stderr, "bench: the library's report and the SQL disagree\n");
	return bad;
}

#ifdef CSVC_HAVE_POSTGRES
int bench_reports_pg(double scale, const char *dir, const char *pg)
{
	(void)scale;
	(void)dir;
	(void)pg;
	printf("# reports: not on PostgreSQL yet\n");
	return 0;
}
#endif
