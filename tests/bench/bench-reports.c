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
/* ---- on PostgreSQL: the same report on the same rows ---- */

#include "bench-raw-pg.h"

/* The tables fill() writes, in an order their foreign keys allow. */
static const char *const FILLED[] = {"tickets",          "ticket_events",  "ticket_comments",
                                     "sla_targets",      "survey_responses", "survey_answers",
                                     "store_transactions", "ticket_counters"};
#define N_FILLED (sizeof(FILLED) / sizeof(FILLED[0]))

/* Copies the rows of `table` from the SQLite store into the same table
 * of the PostgreSQL store (COPY, text format), column by column as
 * SQLite holds them. Returns the row count. */
static int64_t copy_table(sqlite3 *db, PGconn *c, const char *table)
{
	char sql[256], columns[2048] = "";
	snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	int n = sqlite3_column_count(st);
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(columns + len, sizeof(columns) - len, "%s%s", i ? ", " : "",
		                        sqlite3_column_name(st, i));
	bench_pg_copy cp;
	bench_pg_copy_start(&cp, c, table, columns);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL: bench_pg_copy_null(&cp); break;
			case SQLITE_INTEGER: bench_pg_copy_int(&cp, sqlite3_column_int64(st, i)); break;
			case SQLITE_FLOAT: {
				char t[40];
				int k = snprintf(t, sizeof(t), "%.17g", sqlite3_column_double(st, i));
				bench_pg_copy_text(&cp, t, (size_t)k);
				break;
			}
			case SQLITE_BLOB:
				bench_pg_copy_blob(&cp, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
				break;
			default:
				bench_pg_copy_text(&cp, (const char *)sqlite3_column_text(st, i),
				                   (size_t)sqlite3_column_bytes(st, i));
			}
		}
		bench_pg_copy_row_end(&cp);
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench: reading %s: %s\n", table, sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_finalize(st);
	int64_t rows = cp.rows;
	bench_pg_copy_end(&cp);
	return rows;
}

/* One text from each engine that lists what the copied rows refer to
 * (ids of the definitions that install_defaults stored): the same on
 * both, or the copy would not mean the same. */
static const char *const DEFS_LITE[] = {
	"SELECT group_concat(x, ',') FROM (SELECT id || ':' || name || ':' || version AS x FROM sla_policies ORDER BY id)",
	"SELECT group_concat(x, ',') FROM (SELECT policy_id || ':' || idx || ':' || name AS x FROM sla_policy_targets"
	" ORDER BY policy_id, idx)",
	"SELECT group_concat(x, ',') FROM (SELECT id || ':' || name || ':' || version AS x FROM surveys ORDER BY id)",
	"SELECT group_concat(x, ',') FROM (SELECT survey_id || ':' || position || ':' || type || ':' || scale_max AS x"
	" FROM survey_questions ORDER BY survey_id, position)",
};
static const char *const DEFS_PG[] = {
	"SELECT string_agg(id || ':' || name || ':' || version, ',' ORDER BY id) FROM sla_policies",
	"SELECT string_agg(policy_id || ':' || idx || ':' || name, ',' ORDER BY policy_id, idx) FROM sla_policy_targets",
	"SELECT string_agg(id || ':' || name || ':' || version, ',' ORDER BY id) FROM surveys",
	"SELECT string_agg(survey_id || ':' || position || ':' || type || ':' || scale_max, ',' ORDER BY survey_id,"
	" position) FROM survey_questions",
};

static void same_definitions(sqlite3 *db, PGconn *c)
{
	for (size_t i = 0; i < sizeof(DEFS_LITE) / sizeof(DEFS_LITE[0]); i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, DEFS_LITE[i], -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
			fprintf(stderr, "bench: %s: %s\n", DEFS_LITE[i], sqlite3_errmsg(db));
			exit(1);
		}
		PGresult *r = PQexec(c, DEFS_PG[i]);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			fprintf(stderr, "bench: %s: %s", DEFS_PG[i], PQresultErrorMessage(r));
			exit(1);
		}
		const char *a = (const char *)sqlite3_column_text(st, 0), *b = PQgetvalue(r, 0, 0);
		if (strcmp(a ? a : "", b)) {
			fprintf(stderr, "bench: reports: the stores' definitions differ, the rows cannot be copied:\n"
			                "  sqlite:     %s\n  postgresql: %s\n", a ? a : "", b);
			exit(1);
		}
		sqlite3_finalize(st);
		PQclear(r);
	}
}

/* Checks every foreign key of the copied tables with one anti-join each
 * (the keys are single columns), after a load that did not check them
 * row by row. */
static void check_foreign_keys(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT format('SELECT count(*) FROM %I x WHERE x.%I IS NOT NULL AND NOT EXISTS"
	                        " (SELECT 1 FROM %I y WHERE y.%I = x.%I)', cl.relname, a.attname, pl.relname, b.attname,"
	                        " a.attname), cl.relname, a.attname"
	                        " FROM pg_catalog.pg_constraint k"
	                        " JOIN pg_catalog.pg_class cl ON cl.oid = k.conrelid"
	                        " JOIN pg_catalog.pg_class pl ON pl.oid = k.confrelid"
	                        " JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
	                        " JOIN pg_catalog.pg_attribute b ON b.attrelid = k.confrelid AND b.attnum = k.confkey[1]"
	                        " WHERE k.contype = 'f' AND cardinality(k.conkey) = 1"
	                        " AND k.connamespace = (SELECT oid FROM pg_catalog.pg_namespace"
	                        " WHERE nspname = current_schema())");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench: listing foreign keys: %s", PQresultErrorMessage(r));
		exit(1);
	}
	for (int row = 0; row < PQntuples(r); row++)
		for (size_t i = 0; i < N_FILLED; i++)
			if (strcmp(PQgetvalue(r, row, 1), FILLED[i]) == 0 && bench_pg_value(c, PQgetvalue(r, row, 0))) {
				fprintf(stderr, "bench: reports: copied rows of %s.%s refer to no row\n", FILLED[i],
				        PQgetvalue(r, row, 2));
				exit(1);
			}
	PQclear(r);
}

/* Copies the filled rows; moves the identity sequences past them, as
 * rows inserted through the library would have; analyses the tables as
 * fill() did on SQLite (VACUUM also sets the visibility map, as
 * autovacuum would on a server). A superuser loads without the row by
 * row foreign key triggers (session_replication_role), and the keys are
 * checked afterwards. */
static void copy_store(const char *path, const char *conninfo, const char *schema)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		exit(1);
	PGconn *c = bench_pg_connect(conninfo, schema);
	same_definitions(db, c);
	PGresult *r = PQexec(c, "SET session_replication_role = replica");
	int unchecked = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	bench_pg_exec(c, "BEGIN");
	for (size_t i = 0; i < N_FILLED; i++)
		copy_table(db, c, FILLED[i]);
	r = PQexec(c, "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
	              " AND column_name = 'id' AND is_identity = 'YES'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench: %s", PQresultErrorMessage(r));
		exit(1);
	}
	for (int row = 0; row < PQntuples(r); row++)
		for (size_t i = 0; i < N_FILLED; i++)
			if (strcmp(PQgetvalue(r, row, 0), FILLED[i]) == 0) {
				char sql[256];
				snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))",
				         FILLED[i], FILLED[i]);
				bench_pg_exec(c, sql);
			}
	PQclear(r);
	bench_pg_exec(c, "COMMIT");
	if (unchecked) {
		bench_pg_exec(c, "RESET session_replication_role");
		check_foreign_keys(c);
	}
	for (size_t i = 0; i < N_FILLED; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "VACUUM (ANALYZE) %s", FILLED[i]);
		bench_pg_exec(c, sql);
	}
	PQfinish(c);
	sqlite3_close(db);
}

/* The statements the library's csvc_report_kpis sends on PostgreSQL
 * (lib/report/report-sql.c): the tickets, their SLA targets, replies and
 * state events, the backlog, the survey answers and the transaction
 * counts; [0] all stores, [1] one store ($3, or $2 in the backlog). */
#define RTICKET_COLUMNS                                                                                  \
	"t.id, t.store_code, t.assignee, t.channel, t.kind, t.category, t.workflow, t.created_us, t.updated_us," \
	" t.state_category"
#define RRANGE " WHERE t.created_us >= $1 AND t.created_us < $2"
static const char *const REPORT_SQL[2][7] = {
	{
		"SELECT " RTICKET_COLUMNS " FROM tickets t" RRANGE,
		"SELECT st.ticket_id, pt.name, st.phase, st.used_us, st.met_at, st.breached_at FROM tickets t"
		" CROSS JOIN LATERAL (SELECT * FROM sla_targets st WHERE st.ticket_id = t.id ORDER BY st.idx) st"
		" JOIN sla_policy_targets pt ON pt.policy_id = st.policy_id AND pt.idx = st.idx" RRANGE,
		"SELECT t.id, c.n FROM tickets t CROSS JOIN LATERAL"
		" (SELECT count(*) AS n FROM ticket_comments c WHERE c.ticket_id = t.id AND c.kind = 1) c" RRANGE
		" AND c.n > 0",
		"SELECT e.ticket_id, e.seq, e.at_us, e.to_state, e.to_category, e.type = 'transition', true"
		" FROM tickets t CROSS JOIN LATERAL (SELECT * FROM ticket_events e WHERE e.ticket_id = t.id"
		" AND e.to_state IS NOT NULL ORDER BY e.seq) e" RRANGE,
		"SELECT " RTICKET_COLUMNS " FROM tickets t WHERE t.state_category < 5 AND +t.created_us < $1"
		" UNION ALL SELECT " RTICKET_COLUMNS " FROM tickets t WHERE t.updated_us >= $2"
		" AND +t.state_category >= 5 AND +t.created_us < $1",
		"SELECT r.id, r.survey_id, r.store_code, r.staff, r.channel, r.ticket_kind, r.ticket_category, r.method,"
		" r.submitted_us, a.position, a.value, a.value2 FROM survey_responses r LEFT JOIN survey_answers a"
		" ON a.response_id = r.id AND a.value IS NOT NULL WHERE r.submitted_us >= $1 AND r.submitted_us < $2"
		" ORDER BY r.id",
		"SELECT store_code, day, count FROM store_transactions WHERE day >= $1 AND day <= $2",
	},
	{
		"SELECT " RTICKET_COLUMNS " FROM tickets t" RRANGE " AND t.store_code = $3",
		"SELECT st.ticket_id, pt.name, st.phase, st.used_us, st.met_at, st.breached_at FROM tickets t"
		" CROSS JOIN LATERAL (SELECT * FROM sla_targets st WHERE st.ticket_id = t.id ORDER BY st.idx) st"
		" JOIN sla_policy_targets pt ON pt.policy_id = st.policy_id AND pt.idx = st.idx" RRANGE
		" AND t.store_code = $3",
		"SELECT t.id, c.n FROM tickets t CROSS JOIN LATERAL"
		" (SELECT count(*) AS n FROM ticket_comments c WHERE c.ticket_id = t.id AND c.kind = 1) c" RRANGE
		" AND t.store_code = $3 AND c.n > 0",
		"SELECT e.ticket_id, e.seq, e.at_us, e.to_state, e.to_category, e.type = 'transition', true"
		" FROM tickets t CROSS JOIN LATERAL (SELECT * FROM ticket_events e WHERE e.ticket_id = t.id"
		" AND e.to_state IS NOT NULL ORDER BY e.seq) e" RRANGE " AND t.store_code = $3",
		"SELECT " RTICKET_COLUMNS " FROM tickets t WHERE t.state_category < 5 AND +t.created_us < $1"
		" AND t.store_code = $2 UNION ALL SELECT " RTICKET_COLUMNS " FROM tickets t WHERE t.updated_us >= $3"
		" AND +t.state_category >= 5 AND t.created_us < $1 AND t.store_code = $2",
		"SELECT r.id, r.survey_id, r.store_code, r.staff, r.channel, r.ticket_kind, r.ticket_category, r.method,"
		" r.submitted_us, a.position, a.value, a.value2 FROM survey_responses r LEFT JOIN survey_answers a"
		" ON a.response_id = r.id AND a.value IS NOT NULL WHERE r.submitted_us >= $1 AND r.submitted_us < $2"
		" AND r.store_code = $3 ORDER BY r.id",
		"SELECT store_code, day, count FROM store_transactions WHERE store_code = $1 AND day >= $2 AND day <= $3",
	},
};
/* The state events of one ticket, for a backlog ticket changed after the
 * end of the range (SQL_TICKET_STATES). */
static const char REPORT_TICKET_STATES[] =
	"SELECT ticket_id, seq, at_us, to_state, to_category, type = 'transition', true"
	" FROM ticket_events WHERE ticket_id = $1 AND to_state IS NOT NULL ORDER BY seq";

/* The lookups the library makes for each report after the streams: the
 * definition of each survey answered (lib/survey/survey-sql.c), and each
 * store's calendar and time zone, with the default zone
 * (lib/sla/sla-sql.c, lib/report/report-sql.c). */
static const char *const REPORT_SURVEY_SQL[] = {
	"SELECT name, version, title, anonymous FROM surveys WHERE id = $1",
	"SELECT name, weight, label_zh, label_en FROM survey_dimensions WHERE survey_id = $1 ORDER BY position",
	"SELECT position, name, type, dimension, required, scale_max, label_zh, label_en FROM survey_questions"
	" WHERE survey_id = $1 ORDER BY position",
	"SELECT q.position, j.value FROM survey_questions q, json_array_elements_text(q.options::json) WITH ORDINALITY"
	" AS j(value, key) WHERE q.survey_id = $1 AND q.options IS NOT NULL ORDER BY q.position, j.key",
};
static const char REPORT_CALENDAR_SQL[] =
	"SELECT c.name FROM store_calendars s JOIN calendars c ON c.id = s.calendar_id WHERE s.store_code = $1";
static const char REPORT_ZONE_SQL[] = "SELECT zone FROM store_zones WHERE store_code = $1";

/* Reads every value of a result as the library's row callbacks do:
 * integers converted, texts touched. Returns the rows. */
static int64_t read_rows(const PGresult *r)
{
	int64_t sink = 0;
	int rows = PQntuples(r), cols = PQnfields(r);
	for (int row = 0; row < rows; row++)
		for (int col = 0; col < cols; col++) {
			if (PQgetisnull(r, row, col))
				continue;
			const char *v = PQgetvalue(r, row, col);
			if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-')
				sink += strtoll(v, NULL, 10);
			else
				sink += (int64_t)strlen(v);
		}
	if (sink == 42)
		printf("#\n");
	return rows;
}

static PGresult *report_query(PGconn *c, const char *sql, int n, const char *const *values)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench: %s: %s", sql, PQresultErrorMessage(r));
		exit(1);
	}
	return r;
}

/* Adds `v` to the set `keys` of `*n` unless it is there. */
#define MAX_KEYS 64
static void remember(char (*keys)[24], int *n, const char *v)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(keys[i], v) == 0)
			return;
	if (*n < MAX_KEYS)
		snprintf(keys[(*n)++], sizeof(keys[0]), "%s", v);
}

/* The library's statements for one report through raw libpq (one round
 * trip each, PQexecParams), every row read; returns the rows read. The
 * library prepares each stream's text, runs it and deallocates it (four
 * round trips); the anchor sends it once. */
static int64_t raw_pg_report(PGconn *c, int64_t from, int64_t to, const char *store, int32_t d0, int32_t d1)
{
	int one = store != NULL;
	char f[24], t[24], day0[16], day1[16];
	snprintf(f, sizeof(f), "%lld", (long long)from);
	snprintf(t, sizeof(t), "%lld", (long long)to);
	snprintf(day0, sizeof(day0), "%d", (int)d0);
	snprintf(day1, sizeof(day1), "%d", (int)d1);
	const char *range[3] = {f, t, store};
	const char *backlog[3] = {t, one ? store : t, t};
	const char *days_all[2] = {day0, day1};
	const char *days_one[3] = {store, day0, day1};
	int64_t rows = 0;
	char stores[MAX_KEYS][24], surveys[MAX_KEYS][24];
	int n_stores = 0, n_surveys = 0;
	for (int k = 0; k < 7; k++) {
		PGresult *r;
		if (k == 4)
			r = report_query(c, REPORT_SQL[one][k], one ? 3 : 2, backlog);
		else if (k == 6)
			r = report_query(c, REPORT_SQL[one][k], one ? 3 : 2, one ? days_one : days_all);
		else
			r = report_query(c, REPORT_SQL[one][k], one ? 3 : 2, range);
		rows += read_rows(r);
		/* The store codes and surveys met, for the lookups after. */
		for (int row = 0; (k == 0 || k == 5) && row < PQntuples(r); row++) {
			if (k == 0)
				remember(stores, &n_stores, PQgetvalue(r, row, 1));
			else
				remember(surveys, &n_surveys, PQgetvalue(r, row, 1));
		}
		if (k == 4) {
			/* Backlog tickets changed after the end: their history. */
			for (int row = 0; row < PQntuples(r); row++)
				if (strtoll(PQgetvalue(r, row, 8), NULL, 10) >= to) {
					const char *id[1] = {PQgetvalue(r, row, 0)};
					PGresult *h = report_query(c, REPORT_TICKET_STATES, 1, id);
					rows += read_rows(h);
					PQclear(h);
				}
		}
		PQclear(r);
		if (k == 5)
			for (int i = 0; i < n_surveys; i++)
				for (size_t q = 0; q < sizeof(REPORT_SURVEY_SQL) / sizeof(REPORT_SURVEY_SQL[0]); q++) {
					const char *id[1] = {surveys[i]};
					PGresult *d = report_query(c, REPORT_SURVEY_SQL[q], 1, id);
					rows += read_rows(d);
					PQclear(d);
				}
	}
	for (int i = 0; i < n_stores; i++) {
		const char *args[3][1] = {{stores[i]}, {stores[i]}, {""}};
		for (int q = 0; q < 3; q++) {
			PGresult *d = report_query(c, q ? REPORT_ZONE_SQL : REPORT_CALENDAR_SQL, 1, args[q]);
			rows += read_rows(d);
			PQclear(d);
		}
	}
	return rows;
}

/* Best of `runs` alternating runs: the library on PostgreSQL, the same
 * statements through raw libpq, and the library on the SQLite store
 * holding the same rows. */
static int measure_pg(const char *name, csvc_store *pg_store, csvc_store *lite_store, PGconn *c, int64_t from,
                      int64_t to, const char *store, int runs)
{
	double best_pg = 1e30, best_raw = 1e30, best_lite = 1e30;
	figures fp, fl;
	int64_t rows = 0;
	/* The transaction counts' local days, as the library takes them. */
	int32_t d0 = 0, d1 = 0;
	{
		csvc_civil_time c0 = CSVC_CIVIL_TIME_INIT, c1 = CSVC_CIVIL_TIME_INIT;
		csvc_civil_from_local(from - DAY, &c0);
		csvc_civil_from_local(to + DAY, &c1);
		d0 = c0.year * 10000 + c0.month * 100 + c0.day;
		d1 = c1.year * 10000 + c1.month * 100 + c1.day;
	}
	for (int k = 0; k < runs; k++) {
		double t0 = bench_seconds();
		rows = raw_pg_report(c, from, to, store, d0, d1);
		double t1 = bench_seconds();
		lib_report(pg_store, from, to, store, &fp);
		double t2 = bench_seconds();
		lib_report(lite_store, from, to, store, &fl);
		double t3 = bench_seconds();
		if (t1 - t0 < best_raw)
			best_raw = t1 - t0;
		if (t2 - t1 < best_pg)
			best_pg = t2 - t1;
		if (t3 - t2 < best_lite)
			best_lite = t3 - t2;
	}
	print_figures("libcsvc on postgresql", &fp);
	print_figures("libcsvc on sqlite", &fl);
	char label[128];
	snprintf(label, sizeof(label), "pg.%s.libcsvc", name);
	bench_figure(label, best_pg * 1e3, "ms");
	snprintf(label, sizeof(label), "pg.%s.libpq", name);
	bench_figure(label, best_raw * 1e3, "ms");
	snprintf(label, sizeof(label), "pg.%s.libpq.rows", name);
	bench_figure(label, (double)rows, "rows");
	snprintf(label, sizeof(label), "pg.%s.sqlite_libcsvc", name);
	bench_figure(label, best_lite * 1e3, "ms");
	snprintf(label, sizeof(label), "pg.%s.match", name);
	bench_figure(label, same(&fp, &fl), "bool");
	/* anchor time over library time, as everywhere */
	snprintf(label, sizeof(label), "pg.%s", name);
	bench_ratio(label, best_raw / best_pg);
	/* PostgreSQL's time over SQLite's for the same report: the target is
	 * at most 2 */
	snprintf(label, sizeof(label), "pg.%s.pg_time_vs_sqlite_time", name);
	bench_ratio(label, best_pg / best_lite);
	return same(&fp, &fl) ? 0 : 1;
}

static csvc_store *pg_open_lib(const char *conninfo, const char *schema, csvc_time_us *clock, int install)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = tick;
	o.clock_userdata = clock;
	bench_pg_options(&o, conninfo, schema);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, "", &o) || (install && csvc_store_install_defaults(s)))
		die("open");
	return s;
}

/* index_cost on PostgreSQL: the library on both sides. */
static void pg_index_cost(double scale, const char *pg)
{
	int n = (int)(5000 * scale);
	if (n < 1000)
		n = 1000;
	csvc_time_us c1 = T0, c2 = T0;
	const char *with_schema = bench_pg_schema("reports", "idx"), *without_schema = bench_pg_schema("reports", "noidx");
	csvc_store *with = pg_open_lib(pg, with_schema, &c1, 1);
	csvc_store *without = pg_open_lib(pg, without_schema, &c2, 1);
	PGconn *c = bench_pg_connect(pg, without_schema);
	bench_pg_exec(c, "DROP INDEX tickets_store_created");
	PQfinish(c);
	double t_with = 0, t_without = 0;
	for (int from = 0; from < n; from += 500) {
		for (int side = 0; side < 2; side++) {
			csvc_store *s = side ? without : with;
			double t0 = bench_seconds();
			if (csvc_store_begin(s))
				die("begin");
			for (int i = from; i < from + 500; i++) {
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
	bench_figure("pg.reports.index_cost.create_with_indexes", n / t_with, "ops/s");
	bench_figure("pg.reports.index_cost.create_without_indexes", n / t_without, "ops/s");
	bench_ratio("pg.reports.index_cost", t_without / t_with);
}

int bench_reports_pg(double scale, const char *dir, const char *pg)
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
	bench_figure("pg.reports.fill_sqlite", bench_seconds() - t0, "s");
	const char *schema = bench_pg_schema("reports", "lib");
	csvc_time_us clock = T0;
	csvc_store_close(pg_open_lib(pg, schema, &clock, 1));
	t0 = bench_seconds();
	copy_store(path, pg, schema);
	bench_figure("pg.reports.copy_to_postgresql", bench_seconds() - t0, "s");
	bench_figure("pg.reports.tickets", (double)n, "tickets");
	bench_figure("pg.reports.responses", (double)m, "responses");

	clock = T0 + 400 * DAY;
	csvc_time_us lite_clock = clock;
	csvc_store *s = pg_open_lib(pg, schema, &clock, 0);
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = tick;
	o.clock_userdata = &lite_clock;
	csvc_store *lite = NULL;
	if (csvc_store_open(&lite, path, &o))
		die("open");
	PGconn *c = bench_pg_connect(pg, schema);
	/* June 2026. */
	int64_t from = T0 + 151 * DAY, to = T0 + 181 * DAY;
	int bad = measure_pg("reports.month_one_store", s, lite, c, from, to, "S07", 5);
	bad |= measure_pg("reports.month_all_stores", s, lite, c, from, to, NULL, 3);
	PQfinish(c);
	csvc_store_close(lite);
	csvc_store_close(s);
	remove_db(path);
	pg_index_cost(scale, pg);
	bench_pg_drop_schemas();
	if (bad)
		fprintf(stderr, "bench: the library's report differs between PostgreSQL and SQLite on the same rows\n");
	return bad;
}
#endif
