/*
 * Tickets: create with its event and transition with its event, through
 * libcsvc and through raw SQLite statements doing the same reads, inserts
 * and updates on an identical schema in the same run; and the time to list
 * a page of one store's open tickets at 10,000 and at 1,000,000 tickets.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "bench-clients.h"
#include "bench-raw.h"
#include "bench.h"
#include "csvc.h"

#define BATCH 1000

static csvc_store *open_lib(const char *path, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o) || csvc_store_install_defaults(s))
		bench_die("open");
	/* The ticket machinery alone, as the raw side does it: SLA costs are
	 * measured in the sla section. */
	if (csvc_sla_policy_retire(s, "handbook_inquiry") || csvc_sla_policy_retire(s, "handbook_complaint") ||
	    csvc_sla_policy_retire(s, "default"))
		bench_die("retire");
	return s;
}

/* ---- libcsvc ---- */

/* `store`: the tickets' store code; NULL alternates SH01 and SH02. The
 * events name `actor`. */
/* With `team`, ticket i goes to member "spec<i % 8>" of that team, as a
 * desk assigning by hand would (the routing figures' like-for-like
 * anchor). */
static double lib_create_to(csvc_store *s, int from, int n, int batch, csvc_uuid *ids, const char *store,
                            const char *actor, const char *team)
{
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (batch > 1 && i % batch == 0 && csvc_store_begin(s))
			bench_die("begin");
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "complaint", store ? store : i % 2 ? "SH01" : "SH02") ||
		    csvc_ticket_set_subject(t, "收银台排队太久") || csvc_ticket_set_channel(t, "phone"))
			bench_die("create");
		if (team) {
			char who[16];
			snprintf(who, sizeof(who), "spec%d", i % 8);
			if (csvc_ticket_set_assignee(t, who, team))
				bench_die("assign");
		}
		if (csvc_ticket_create(s, t, actor))
			bench_die("create");
		ids[i] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
		if (batch > 1 && (i % batch == batch - 1 || i == from + n - 1) && csvc_store_commit(s))
			bench_die("commit");
	}
	return bench_seconds() - t0;
}

static double lib_create_as(csvc_store *s, int from, int n, int batch, csvc_uuid *ids, const char *store,
                            const char *actor)
{
	return lib_create_to(s, from, n, batch, ids, store, actor, NULL);
}

static double lib_create(csvc_store *s, int from, int n, int batch, csvc_uuid *ids, const char *store)
{
	return lib_create_as(s, from, n, batch, ids, store, "bench");
}

static double lib_transition(csvc_store *s, int from, int n, int batch, const csvc_uuid *ids)
{
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (batch > 1 && i % batch == 0 && csvc_store_begin(s))
			bench_die("begin");
		if (csvc_ticket_transition(s, &ids[i], "analyse", 0, "bench", NULL, NULL))
			bench_die("transition");
		if (batch > 1 && (i % batch == batch - 1 || i == from + n - 1) && csvc_store_commit(s))
			bench_die("commit");
	}
	return bench_seconds() - t0;
}

/* ---- raw SQLite ---- */

typedef struct raw {
	sqlite3 *db;
	sqlite3_stmt *kind, *channel, *priority, *counter, *insert, *search, *event, *head, *set_state,
		*begin, *commit;
} raw;

static void run(raw *r, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "bench: raw: %s\n", sqlite3_errmsg(r->db));
		exit(1);
	}
	sqlite3_reset(st);
}

/* Opens the raw side on a store file that has the library's schema. */
static void raw_connect(raw *r, const char *path)
{
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_exec(r->db,
	             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
	             " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY",
	             NULL, NULL, NULL);
	r->kind = bench_raw_prepare(r->db, "SELECT k.workflow, (SELECT max(version) FROM workflows w WHERE w.name = k.workflow)"
	                      " FROM ticket_kinds k WHERE k.name = ?");
	r->channel = bench_raw_prepare(r->db, "SELECT 1 FROM ticket_channels WHERE name = ?");
	r->priority = bench_raw_prepare(r->db, "SELECT priority FROM priority_matrix WHERE urgency = ? AND importance = ?"
	                          " AND impact = ?");
	r->counter = bench_raw_prepare(r->db, "INSERT INTO ticket_counters (store_code, last) VALUES (?, 1)"
	                         " ON CONFLICT (store_code) DO UPDATE SET last = last + 1 RETURNING last");
	r->insert = bench_raw_prepare(r->db,
	                 "INSERT INTO tickets (uuid, number, kind, store_code, customer_id, channel, category,"
	                 " urgency, importance, impact, priority, priority_override, assignee, team, subject,"
	                 " description, order_ref, state, state_category, workflow, workflow_version, revision,"
	                 " created_us, updated_us) VALUES (?,?,'complaint',?,NULL,'phone',NULL,3,2,3,4,0,NULL,NULL,"
	                 "?,NULL,NULL,'received',1,'complaint',1,1,?,?)");
	r->search = bench_raw_prepare(r->db, "INSERT INTO ticket_search (rowid, body) VALUES (?, ?)");
	r->event = bench_raw_prepare(r->db, "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, from_state,"
	                       " to_state, payload) VALUES (?,?,?,'bench',?,?,?,?)");
	r->head = bench_raw_prepare(r->db, "SELECT id, revision, state, state_category, workflow, workflow_version, number"
	                      " FROM tickets WHERE uuid = ?");
	r->set_state = bench_raw_prepare(r->db, "UPDATE tickets SET state = ?, state_category = ?, revision = ?, updated_us = ?"
	                           " WHERE id = ?");
	r->begin = bench_raw_prepare(r->db, "BEGIN IMMEDIATE");
	r->commit = bench_raw_prepare(r->db, "COMMIT");
}

static void raw_open(raw *r, const char *path)
{
	csvc_time_us clock = 0;
	csvc_store_close(open_lib(path, &clock)); /* identical schema and defaults */
	raw_connect(r, path);
}

static void raw_close(raw *r)
{
	sqlite3_stmt *all[] = {r->kind, r->channel, r->priority, r->counter, r->insert, r->search,
	                       r->event, r->head, r->set_state, r->begin, r->commit};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(r->db);
}

static const char CREATED_PAYLOAD[] =
	"{\"set\":{\"number\":\"%s\",\"kind\":\"complaint\",\"store_code\":\"%s\",\"workflow\":\"complaint\","
	"\"workflow_version\":1,\"state\":\"received\",\"state_category\":1,\"customer\":null,"
	"\"channel\":\"phone\",\"category\":null,\"urgency\":3,\"importance\":2,\"impact\":3,\"priority\":4,"
	"\"priority_override\":0,\"assignee\":null,\"team\":null,\"subject\":\"%s\",\"description\":null,"
	"\"order_ref\":null}}";

static double raw_create(raw *r, int from, int n, int batch, csvc_uuid *ids, const char *store_code)
{
	csvc_time_us now = 1767225600LL * 1000000 + from;
	const char *subject = "收银台排队太久";
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (i % batch == 0)
			run(r, r->begin);
		const char *store = store_code ? store_code : i % 2 ? "SH01" : "SH02";
		now++;
		sqlite3_bind_text(r->kind, 1, "complaint", -1, SQLITE_STATIC);
		run(r, r->kind);
		sqlite3_bind_text(r->channel, 1, "phone", -1, SQLITE_STATIC);
		run(r, r->channel);
		sqlite3_bind_int(r->priority, 1, 3);
		sqlite3_bind_int(r->priority, 2, 2);
		sqlite3_bind_int(r->priority, 3, 3);
		run(r, r->priority);
		sqlite3_bind_text(r->counter, 1, store, -1, SQLITE_STATIC);
		if (sqlite3_step(r->counter) != SQLITE_ROW)
			exit(1);
		long long seq = sqlite3_column_int64(r->counter, 0);
		sqlite3_reset(r->counter);
		char number[32], payload[1024];
		snprintf(number, sizeof(number), "%s-%06lld", store, seq);
		snprintf(payload, sizeof(payload), CREATED_PAYLOAD, number, store, subject);
		uuid_t u;
		uuid_generate_random(u);
		memcpy(ids[i].bytes, u, 16);
		sqlite3_bind_blob(r->insert, 1, u, 16, SQLITE_STATIC);
		sqlite3_bind_text(r->insert, 2, number, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->insert, 3, store, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->insert, 4, subject, -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->insert, 5, now);
		sqlite3_bind_int64(r->insert, 6, now);
		run(r, r->insert);
		int64_t id = sqlite3_last_insert_rowid(r->db);
		sqlite3_bind_int64(r->search, 1, id);
		sqlite3_bind_text(r->search, 2, subject, -1, SQLITE_STATIC);
		run(r, r->search);
		sqlite3_bind_int64(r->event, 1, id);
		sqlite3_bind_int(r->event, 2, 1);
		sqlite3_bind_text(r->event, 3, "created", -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->event, 4, now);
		sqlite3_bind_null(r->event, 5);
		sqlite3_bind_text(r->event, 6, "received", -1, SQLITE_STATIC);
		sqlite3_bind_text(r->event, 7, payload, -1, SQLITE_STATIC);
		run(r, r->event);
		if (i % batch == batch - 1 || i == from + n - 1)
			run(r, r->commit);
	}
	return bench_seconds() - t0;
}

static double raw_transition(raw *r, int from, int n, int batch, const csvc_uuid *ids)
{
	csvc_time_us now = 1767225600LL * 1000000 + from;
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (i % batch == 0)
			run(r, r->begin);
		now++;
		sqlite3_bind_blob(r->head, 1, ids[i].bytes, 16, SQLITE_STATIC);
		if (sqlite3_step(r->head) != SQLITE_ROW)
			exit(1);
		int64_t id = sqlite3_column_int64(r->head, 0);
		int64_t rev = sqlite3_column_int64(r->head, 1);
		sqlite3_reset(r->head);
		sqlite3_bind_text(r->set_state, 1, "analysing", -1, SQLITE_STATIC);
		sqlite3_bind_int(r->set_state, 2, 2);
		sqlite3_bind_int64(r->set_state, 3, rev + 1);
		sqlite3_bind_int64(r->set_state, 4, now);
		sqlite3_bind_int64(r->set_state, 5, id);
		run(r, r->set_state);
		sqlite3_bind_int64(r->event, 1, id);
		sqlite3_bind_int64(r->event, 2, rev + 1);
		sqlite3_bind_text(r->event, 3, "transition", -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->event, 4, now);
		sqlite3_bind_text(r->event, 5, "received", -1, SQLITE_STATIC);
		sqlite3_bind_text(r->event, 6, "analysing", -1, SQLITE_STATIC);
		sqlite3_bind_text(r->event, 7,
		                  "{\"transition\":\"analyse\",\"set\":{\"state\":\"analysing\",\"state_category\":2}}",
		                  -1, SQLITE_STATIC);
		run(r, r->event);
		if (i % batch == batch - 1 || i == from + n - 1)
			run(r, r->commit);
	}
	return bench_seconds() - t0;
}

/* ---- listing at two sizes ---- */

/* Fills a store with `n` tickets over 100 stores, a fifth of them open,
 * with plain SQL (the list is what is measured, not the fill). */
static void fill(const char *path, long n)
{
	csvc_time_us clock = 0;
	csvc_store_close(open_lib(path, &clock));
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	char sql[2048];
	snprintf(sql, sizeof(sql),
	         "PRAGMA synchronous=OFF; BEGIN;"
	         "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < %ld)"
	         " INSERT INTO tickets (uuid, number, kind, store_code, channel, urgency, importance, impact,"
	         " priority, priority_override, subject, state, state_category, workflow, workflow_version,"
	         " revision, created_us, updated_us)"
	         " SELECT randomblob(16), printf('S%%03d-%%07d', x %% 100, x), 'complaint', printf('S%%03d', x %% 100),"
	         " 'phone', 3, 2, 3, 4, 0, 'subject', CASE WHEN x %% 5 = 0 THEN 'received' ELSE 'closed' END,"
	         " CASE WHEN x %% 5 = 0 THEN 1 ELSE 5 END, 'complaint', 1, 1, x, x FROM i;"
	         "COMMIT; ANALYZE;",
	         n);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench: fill: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_close(db);
}

/* Average time to read one page of 50 open tickets of a store: the first
 * page and then pages deeper in, by keyset cursor. */
static double list_pages_in(csvc_store *s, int pages)
{
	double t0 = bench_seconds();
	int done = 0;
	for (int p = 0; p < pages; p++) {
		char store[8];
		snprintf(store, sizeof(store), "S%03d", p % 100);
		csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
		q.store_code = store;
		q.open_only = 1;
		q.limit = 50;
		for (int depth = 0; depth < 3; depth++) {
			csvc_ticket_iter *it = NULL;
			csvc_ticket *t = NULL;
			if (csvc_ticket_iter_new(s, &q, &it))
				bench_die("list");
			int got = 0;
			while (csvc_ticket_iter_next(it, &t) == CSVC_OK) {
				q.after = *csvc_ticket_id(t);
				csvc_ticket_free(t);
				got++;
			}
			csvc_ticket_iter_free(it);
			done++;
			if (got < 50)
				break;
		}
	}
	return (bench_seconds() - t0) / done;
}

static double list_pages(const char *path, int pages)
{
	csvc_time_us clock = 0;
	csvc_store *s = open_lib(path, &clock);
	double t = list_pages_in(s, pages);
	csvc_store_close(s);
	return t;
}

/* ---- access control's and routing's cost ---- */

/* A store for the access and routing figures: the service agent `agent`
 * of SH01; with `strategy` (a csvc_route_strategy_t), the handbook's
 * routing rules with complaints routed by that strategy among eight
 * members of the complaints group, half of them on a shift calendar
 * (open around the clock, so that all take work); with `references`,
 * staff references on (everything on). */
static void access_setup(const char *path, csvc_time_us *clock, int strategy, int references)
{
	csvc_store *setup = open_lib(path, clock);
	csvc_staff *st = NULL;
	if (csvc_staff_new(&st, "agent", "坐席") || csvc_staff_set_home_store(st, "SH01") ||
	    csvc_staff_add_role(st, "service_agent") || csvc_staff_create(setup, st, "bench"))
		bench_die("staff");
	csvc_staff_free(st);
	if (strategy) {
		static const char ALWAYS[] = "{\"zone\":\"Asia/Shanghai\",\"versions\":[{\"week\":{"
		                             "\"mon\":[\"00:00-24:00\"],\"tue\":[\"00:00-24:00\"],"
		                             "\"wed\":[\"00:00-24:00\"],\"thu\":[\"00:00-24:00\"],"
		                             "\"fri\":[\"00:00-24:00\"],\"sat\":[\"00:00-24:00\"],"
		                             "\"sun\":[\"00:00-24:00\"]}}]}";
		csvc_calendar *cal = NULL;
		csvc_route_rule *r = NULL;
		if (csvc_calendar_parse(&cal, ALWAYS, sizeof(ALWAYS) - 1, NULL) || csvc_calendar_save(setup, "shift", cal) ||
		    csvc_route_install_defaults(setup) || csvc_route_rule_get(setup, "complaints", &r) ||
		    csvc_route_rule_set_strategy(r, (csvc_route_strategy_t)strategy) ||
		    csvc_route_rule_update(setup, r, "bench"))
			bench_die("routing");
		csvc_route_rule_free(r);
		csvc_calendar_free(cal);
		for (int m = 0; m < 8; m++) {
			char code[16];
			snprintf(code, sizeof(code), "spec%d", m);
			if (csvc_staff_new(&st, code, "专员") || csvc_staff_add_team(st, "complaints") ||
			    (m % 2 && csvc_staff_set_calendar(st, "shift")) || csvc_staff_create(setup, st, "bench"))
				bench_die("specialist");
			csvc_staff_free(st);
		}
	}
	if (references && csvc_staff_set_references(setup, 1, "bench"))
		bench_die("references");
	csvc_store_close(setup);
}

/*
 * Access control and routing: the time of ticket creation on a store
 * with access control on (a service agent of the store), without and
 * with routing, over the time on a store in trusted mode without rules
 * (the raw engine does no such thing, so the anchor is the library
 * itself). Two anchors: tickets left unassigned, and tickets that a
 * desk assigns by hand to the same eight people and team in the same
 * call. An assigned ticket has more to store than an unassigned one
 * (its assignee's and team's index entries), whoever chose the
 * assignee; the second anchor leaves that out, so its ratio is what the
 * checks and the routing decision cost. The stores are files on the
 * same disk, written in turn in chunks.
 */
static void bench_access(double scale, const char *dir)
{
	/* A few thousand at least: the difference sought is a few percent. */
	int n = (int)(20000 * scale);
	if (n < 5000)
		n = 5000;
	enum { SIDES = 6, ASSIGNED = 4, REFERENCES = 5 };
	static const char *const names[SIDES] = {"trusted",    "checked",  "round_robin",
	                                         "least_load", "assigned", "references"};
	static const int strategies[SIDES] = {0, 0, CSVC_ROUTE_ROUND_ROBIN, CSVC_ROUTE_LEAST_LOAD, 0, CSVC_ROUTE_LEAST_LOAD};
	struct {
		char s[512];
	} path[SIDES];
	csvc_time_us clock[SIDES];
	csvc_store *st[SIDES];
	double secs[SIDES] = {0};
	for (int k = 0; k < SIDES; k++) {
		snprintf(path[k].s, sizeof(path[k].s), "%s/bench-access-%s.db", dir, names[k]);
		bench_remove_db(path[k].s);
		clock[k] = 1767225600LL * 1000000;
		if (k == 0 || k == ASSIGNED) {
			st[k] = open_lib(path[k].s, &clock[k]);
			continue;
		}
		access_setup(path[k].s, &clock[k], strategies[k], k == REFERENCES);
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		o.clock = bench_tick;
		o.clock_userdata = &clock[k];
		o.flags = CSVC_OPEN_ACCESS_CONTROL;
		if (csvc_store_open(&st[k], path[k].s, &o) || csvc_store_set_principal(st[k], "agent"))
			bench_die("open checked");
	}
	csvc_uuid *ids = malloc(sizeof(csvc_uuid) * (size_t)n);
	for (int from = 0; from < n; from += BATCH) {
		int count = n - from < BATCH ? n - from : BATCH;
		/* Each side goes first in turn. */
		for (int j = 0; j < SIDES; j++) {
			int k = (from / BATCH + j) % SIDES;
			secs[k] += k == ASSIGNED ? lib_create_to(st[k], from, count, BATCH, ids, "SH01", "bench", "complaints")
			           : k           ? lib_create_as(st[k], from, count, BATCH, ids, "SH01", "agent")
			                         : lib_create(st[k], from, count, BATCH, ids, "SH01");
		}
	}
	bench_figure("ticket.create_trusted", n / secs[0], "ops/s");
	bench_figure("ticket.create_access_control", n / secs[1], "ops/s");
	bench_figure("ticket.create_routed_round_robin", n / secs[2], "ops/s");
	bench_figure("ticket.create_routed_least_load", n / secs[3], "ops/s");
	bench_figure("ticket.create_assigned_by_hand", n / secs[ASSIGNED], "ops/s");
	bench_figure("ticket.create_routed_with_references", n / secs[REFERENCES], "ops/s");
	/* Time with the checks (and routing) over time without: at most 1.10
	 * is the target. */
	bench_ratio("ticket.create.access_vs_trusted", secs[1] / secs[0]);
	bench_ratio("ticket.create.routed_round_robin_vs_trusted", secs[2] / secs[0]);
	bench_ratio("ticket.create.routed_least_load_vs_trusted", secs[3] / secs[0]);
	bench_ratio("ticket.create.assigned_by_hand_vs_trusted", secs[ASSIGNED] / secs[0]);
	bench_ratio("ticket.create.routed_round_robin_vs_assigned_by_hand", secs[2] / secs[ASSIGNED]);
	bench_ratio("ticket.create.routed_least_load_vs_assigned_by_hand", secs[3] / secs[ASSIGNED]);
	bench_ratio("ticket.create.routed_with_references_vs_assigned_by_hand", secs[REFERENCES] / secs[ASSIGNED]);
	free(ids);
	for (int k = 0; k < SIDES; k++) {
		csvc_store_close(st[k]);
		bench_remove_db(path[k].s);
	}
}

int bench_tickets(double scale, const char *dir)
{
	int n = (int)(100000 * scale), n_durable = (int)(2000 * scale);
	if (n < 100)
		n = 100;
	if (n_durable < 20)
		n_durable = 20;
	char lib_path[512], raw_path[512];
	snprintf(lib_path, sizeof(lib_path), "%s/bench-tickets-lib.db", dir);
	snprintf(raw_path, sizeof(raw_path), "%s/bench-tickets-raw.db", dir);
	csvc_uuid *lib_ids = malloc(sizeof(csvc_uuid) * (size_t)n);
	csvc_uuid *raw_ids = malloc(sizeof(csvc_uuid) * (size_t)n);

	for (int durable = 0; durable < 2; durable++) {
		int count = durable ? n_durable : n, batch = durable ? 1 : BATCH;
		bench_remove_db(lib_path);
		bench_remove_db(raw_path);
		csvc_time_us clock = 1767225600LL * 1000000;
		csvc_store *s = open_lib(lib_path, &clock);
		raw r;
		raw_open(&r, raw_path);
		/* The two sides alternate in chunks so that both meet the same
		 * disk and cache conditions (fsync times drift a lot). */
		int chunk = durable ? 25 : BATCH;
		double c_raw = 0, c_lib = 0, t_raw = 0, t_lib = 0;
		for (int from = 0; from < count; from += chunk) {
			int k = count - from < chunk ? count - from : chunk;
			c_raw += raw_create(&r, from, k, batch, raw_ids, NULL);
			c_lib += lib_create(s, from, k, batch, lib_ids, NULL);
		}
		for (int from = 0; from < count; from += chunk) {
			int k = count - from < chunk ? count - from : chunk;
			t_raw += raw_transition(&r, from, k, batch, raw_ids);
			t_lib += lib_transition(s, from, k, batch, lib_ids);
		}
		const char *cname = durable ? "ticket.create_durable" : "ticket.create";
		const char *tname = durable ? "ticket.transition_durable" : "ticket.transition";
		char label[96];
		snprintf(label, sizeof(label), "%s.libcsvc", cname);
		bench_figure(label, count / c_lib, "ops/s");
		snprintf(label, sizeof(label), "%s.sqlite", cname);
		bench_figure(label, count / c_raw, "ops/s");
		bench_ratio(cname, c_raw / c_lib);
		snprintf(label, sizeof(label), "%s.libcsvc", tname);
		bench_figure(label, count / t_lib, "ops/s");
		snprintf(label, sizeof(label), "%s.sqlite", tname);
		bench_figure(label, count / t_raw, "ops/s");
		bench_ratio(tname, t_raw / t_lib);
		raw_close(&r);
		csvc_store_close(s);
	}
	bench_remove_db(lib_path);
	bench_remove_db(raw_path);
	free(lib_ids);
	free(raw_ids);

	long small = 10000, large = (long)(1000000 * scale);
	if (large < small * 10)
		large = small * 10;
	fill(lib_path, small);
	double t_small = list_pages(lib_path, 200);
	bench_remove_db(lib_path);
	fill(lib_path, large);
	double t_large = list_pages(lib_path, 200);
	bench_remove_db(lib_path);
	char label[96];
	snprintf(label, sizeof(label), "ticket.list_open_page.%ld", small);
	bench_figure(label, t_small * 1e6, "us");
	snprintf(label, sizeof(label), "ticket.list_open_page.%ld", large);
	bench_figure(label, t_large * 1e6, "us");
	/* time at the large size over time at the small size: must stay under 3 */
	bench_ratio("ticket.list_open_page.large_vs_small", t_large / t_small);
	bench_access(scale, dir);
	bench_tickets_clients(scale, dir);
	return 0;
}

/* ---- eight clients at once on one store file ---- */

#define CLIENTS 8

typedef struct lite_client {
	const char *path;
	int raw_side, count;
	csvc_store *s;
	raw r;
	csvc_uuid *ids;
	csvc_time_us clock;
	char store[8];
} lite_client;

/* A client's store code: one of its own, as a till in its own shop. */
static void client_store(int client, char *out, size_t n)
{
	snprintf(out, n, "C%02d", client);
}

static void *lite_open(int client, void *arg)
{
	const lite_client *proto = arg;
	lite_client *c = calloc(1, sizeof(*c));
	if (!c)
		exit(1);
	*c = *proto;
	c->ids = calloc((size_t)c->count, sizeof(csvc_uuid));
	c->clock = 1767225600LL * 1000000 + (csvc_time_us)client * 1000000000;
	client_store(client, c->store, sizeof(c->store));
	if (c->raw_side) {
		raw_connect(&c->r, c->path);
		sqlite3_busy_timeout(c->r.db, 5000);
	} else {
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		o.clock = bench_tick;
		o.clock_userdata = &c->clock;
		if (csvc_store_open(&c->s, c->path, &o))
			bench_die("open");
	}
	return c;
}

static void lite_run(void *state, int client, int phase, int from, int n)
{
	(void)client;
	lite_client *c = state;
	if (c->raw_side && phase == 0)
		raw_create(&c->r, from, n, 1, c->ids, c->store);
	else if (c->raw_side)
		raw_transition(&c->r, from, n, 1, c->ids);
	else if (phase == 0)
		lib_create(c->s, from, n, 1, c->ids, c->store);
	else
		lib_transition(c->s, from, n, 1, c->ids);
}

static void lite_close(void *state)
{
	lite_client *c = state;
	if (c->raw_side)
		raw_close(&c->r);
	else
		csvc_store_close(c->s);
	free(c->ids);
	free(c);
}

/* Prints throughputs of `count` operations and the ratio of a measurement
 * with both sides. */
static void client_figures(const char *name, const char *anchor, double count, double t_lib, double t_raw)
{
	char label[128];
	snprintf(label, sizeof(label), "%s.libcsvc", name);
	bench_figure(label, count / t_lib, "ops/s");
	snprintf(label, sizeof(label), "%s.%s", name, anchor);
	bench_figure(label, count / t_raw, "ops/s");
	bench_ratio(name, t_raw / t_lib);
}

/* CLIENTS processes at once, each creating and then transitioning
 * tickets of its own store code, one operation per transaction, on one
 * store file: through the library and through the raw statements (the
 * ticket machinery alone, as in ticket.create_durable). The sides
 * alternate in rounds. */
void bench_tickets_clients(double scale, const char *dir)
{
	int per = (int)(250 * scale), rounds = 4;
	if (per < 20)
		per = 20;
	int chunk = (per + rounds - 1) / rounds;
	char lib_path[512], raw_path[512];
	snprintf(lib_path, sizeof(lib_path), "%s/bench-clients-lib.db", dir);
	snprintf(raw_path, sizeof(raw_path), "%s/bench-clients-raw.db", dir);
	bench_remove_db(lib_path);
	bench_remove_db(raw_path);
	csvc_time_us clock = 0;
	csvc_store_close(open_lib(lib_path, &clock));
	csvc_store_close(open_lib(raw_path, &clock));
	lite_client lib_proto = {lib_path, 0, per, NULL, {0}, NULL, 0, ""};
	lite_client raw_proto = {raw_path, 1, per, NULL, {0}, NULL, 0, ""};
	bench_client_kind lib_kind = {lite_open, lite_run, lite_close, &lib_proto};
	bench_client_kind raw_kind = {lite_open, lite_run, lite_close, &raw_proto};
	bench_clients *lib = bench_clients_start(&lib_kind, CLIENTS);
	bench_clients *rawc = bench_clients_start(&raw_kind, CLIENTS);
	double t[2][2] = {{0, 0}, {0, 0}}; /* [phase][raw side] */
	for (int phase = 0; phase < 2; phase++)
		for (int from = 0; from < per; from += chunk) {
			int k = per - from < chunk ? per - from : chunk;
			t[phase][1] += bench_clients_run(rawc, phase, from, k);
			t[phase][0] += bench_clients_run(lib, phase, from, k);
		}
	bench_clients_stop(lib);
	bench_clients_stop(rawc);
	double total = (double)per * CLIENTS;
	client_figures("ticket.clients8.create", "sqlite", total, t[0][0], t[0][1]);
	client_figures("ticket.clients8.transition", "sqlite", total, t[1][0], t[1][1]);
	bench_remove_db(lib_path);
	bench_remove_db(raw_path);
}

#ifdef CSVC_HAVE_POSTGRES
/* ---- on PostgreSQL: raw libpq sending the library's statements ---- */

#include "bench-raw-pg.h"

/* The library's store on PostgreSQL with the handbook defaults, their SLA
 * policies included (a complaint gets the three targets of
 * handbook_complaint). */
static csvc_store *pg_lib_open(const char *conninfo, const char *schema, csvc_time_us *clock, int install)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	bench_pg_options(&o, conninfo, schema);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, "", &o) || (install && csvc_store_install_defaults(s)))
		bench_die("open");
	return s;
}

/* The SLA targets of the policy a complaint gets, as the raw side writes
 * them. */
#define MAX_TARGETS 8
typedef struct pg_policy {
	int64_t id, n;
	int64_t duration[MAX_TARGETS], warn[MAX_TARGETS];
} pg_policy;

typedef struct pg_raw {
	PGconn *c;
	pg_policy policy;
	/* Per transaction, as the library checks them once per transaction:
	 * the SLA policy stamp, and the calendar of each store code. */
	int stamp_read;
	char calendars_read[4][8];
	int n_calendars_read;
} pg_raw;

/* The statements of csvc_ticket_create and csvc_ticket_transition with
 * their SLA hooks (lib/ticket/ticket-sql.c, lib/sla/sla-sql.c) and the
 * feed's at commit, on a schema made by the library. */
static void pg_raw_connect(pg_raw *r, const char *conninfo, const char *schema)
{
	memset(r, 0, sizeof(*r));
	PGconn *c = r->c = bench_pg_connect(conninfo, schema);
	bench_pg_prepare(c, "begin", "BEGIN ISOLATION LEVEL READ COMMITTED");
	bench_pg_prepare(c, "commit", "COMMIT");
	bench_pg_prepare(c, "kind", "SELECT k.workflow, (SELECT max(version) FROM workflows w WHERE w.name = k.workflow)"
	                            " FROM ticket_kinds k WHERE k.name = $1");
	bench_pg_prepare(c, "channel", "SELECT 1 FROM ticket_channels WHERE name = $1");
	bench_pg_prepare(c, "priority", "SELECT priority FROM priority_matrix WHERE urgency = $1 AND importance = $2"
	                                " AND impact = $3");
	bench_pg_prepare(c, "counter", "INSERT INTO ticket_counters (store_code, last) VALUES ($1, 1)"
	                               " ON CONFLICT (store_code) DO UPDATE SET last = ticket_counters.last + 1"
	                               " RETURNING last");
	bench_pg_prepare(c, "insert",
	                 "INSERT INTO tickets (uuid, number, kind, store_code, customer_id, channel, category, urgency,"
	                 " importance, impact, priority, priority_override, assignee, team, subject, description,"
	                 " order_ref, state, state_category, workflow, workflow_version, revision, created_us, updated_us)"
	                 " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)"
	                 " RETURNING id");
	bench_pg_prepare(c, "search", "INSERT INTO ticket_search (rowid, body) VALUES ($1, $2)");
	bench_pg_prepare(c, "event", "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, from_state, to_state,"
	                             " payload) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id");
	bench_pg_prepare(c, "stamp", "SELECT coalesce((SELECT max(id) FROM sla_policies), 0) * 65536"
	                             " + coalesce((SELECT sum(retired) FROM sla_policy_names), 0)");
	bench_pg_prepare(c, "calendar", "SELECT c.name FROM store_calendars s JOIN calendars c ON c.id = s.calendar_id"
	                                " WHERE s.store_code = $1");
	/* Inside a write transaction the library reads a ticket's head with its
	 * row locked (docs/architecture.md, "What relied on SQLite"). */
	bench_pg_prepare(c, "head", "SELECT id, revision, state, state_category, workflow, workflow_version, number,"
	                            " updated_us FROM tickets WHERE uuid = $1 FOR NO KEY UPDATE");
	bench_pg_prepare(c, "set_state", "UPDATE tickets SET state = $1, state_category = $2, revision = $3,"
	                                 " updated_us = $4 WHERE id = $5");
	bench_pg_prepare(c, "clocks", "SELECT c.idx, d.name, c.calendar, c.phase, c.used_us, c.since_us, c.met_at,"
	                              " c.met_via_state, c.breached_at, c.fired, c.cycle, c.due_us, c.next_alarm_us,"
	                              " c.next_pct, c.fault, c.policy_id FROM sla_targets c"
	                              " JOIN sla_policy_targets d ON d.policy_id = c.policy_id AND d.idx = c.idx"
	                              " WHERE c.ticket_id = $1 ORDER BY c.idx");
	bench_pg_prepare(c, "uuid", "SELECT uuid FROM tickets WHERE id = $1");
	bench_pg_prepare(c, "clock", "UPDATE sla_targets SET phase = $3, used_us = $4, since_us = $5, met_at = $6,"
	                             " met_via_state = $7, breached_at = $8, fired = $9, cycle = $10, due_us = $11,"
	                             " next_alarm_us = $12, next_pct = $13, warned = $14, fault = $15"
	                             " WHERE ticket_id = $1 AND idx = $2");
	bench_pg_prepare_feed(c);
	/* The policy a complaint matches, and its targets. */
	pg_policy *p = &r->policy;
	p->id = bench_pg_value(c, "SELECT id FROM sla_policies WHERE name = 'handbook_complaint'"
	                          " ORDER BY version DESC LIMIT 1");
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT idx, duration_us, coalesce(split_part(warnings, ',', 1), '0') FROM sla_policy_targets"
	         " WHERE policy_id = %lld ORDER BY idx",
	         (long long)p->id);
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1 || PQntuples(res) > MAX_TARGETS) {
		fprintf(stderr, "bench: the handbook_complaint policy is not as expected\n");
		exit(1);
	}
	p->n = PQntuples(res);
	for (int i = 0; i < p->n; i++) {
		p->duration[i] = bench_pg_getint(res, i, 1);
		p->warn[i] = bench_pg_getint(res, i, 2);
	}
	PQclear(res);
	/* One multi-row insert of every target, as the library builds it. */
	char *ins = malloc(8192);
	int len = snprintf(ins, 8192, "INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar,"
	                              " phase, used_us, since_us, met_at, met_via_state, breached_at, fired, cycle, due_us,"
	                              " next_alarm_us, next_pct, warned, fault) VALUES ");
	for (int i = 0; i < p->n; i++) {
		len += snprintf(ins + len, (size_t)(8192 - len), "%s(", i ? "," : "");
		for (int k = 1; k <= 18; k++)
			len += snprintf(ins + len, (size_t)(8192 - len), "$%d%s", 18 * i + k, k < 18 ? "," : ")");
	}
	bench_pg_prepare(c, "clocks_insert", ins);
	free(ins);
}

/* A schema made by the library, then the raw connection on it. */
static void pg_raw_open(pg_raw *r, const char *conninfo, const char *schema)
{
	csvc_time_us clock = 0;
	csvc_store_close(pg_lib_open(conninfo, schema, &clock, 1));
	pg_raw_connect(r, conninfo, schema);
}

/* The parameters of the statements of a create; `stage` 0: up to the
 * counter, 1: the ticket row, 2: the rows after it. */
typedef struct create_ctx {
	const char *store;
	csvc_time_us now;
	uuid_t u;
	char number[32], payload[1024];
	int64_t id;
} create_ctx;

static const char SUBJECT[] = "收银台排队太久";

static void p_kind(bench_pg_params *p)
{
	bench_pg_params_clear(p);
	bench_pg_text(p, "complaint");
}

static void p_channel(bench_pg_params *p)
{
	bench_pg_params_clear(p);
	bench_pg_text(p, "phone");
}

static void p_priority(bench_pg_params *p)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, 3);
	bench_pg_int(p, 2);
	bench_pg_int(p, 3);
}

static void p_store(bench_pg_params *p, const char *store)
{
	bench_pg_params_clear(p);
	bench_pg_text(p, store);
}

static void set_number(create_ctx *x, int64_t seq)
{
	snprintf(x->number, sizeof(x->number), "%s-%06lld", x->store, (long long)seq);
	snprintf(x->payload, sizeof(x->payload), CREATED_PAYLOAD, x->number, x->store, SUBJECT);
	uuid_generate_random(x->u);
}

static void p_ticket(bench_pg_params *p, const create_ctx *x)
{
	bench_pg_params_clear(p);
	bench_pg_blob(p, x->u, 16);
	bench_pg_text(p, x->number);
	bench_pg_text(p, "complaint");
	bench_pg_text(p, x->store);
	bench_pg_null(p);
	bench_pg_text(p, "phone");
	bench_pg_null(p);
	bench_pg_int(p, 3);
	bench_pg_int(p, 2);
	bench_pg_int(p, 3);
	bench_pg_int(p, 4);
	bench_pg_int(p, 0);
	bench_pg_null(p);
	bench_pg_null(p);
	bench_pg_text(p, SUBJECT);
	bench_pg_null(p);
	bench_pg_null(p);
	bench_pg_text(p, "received");
	bench_pg_int(p, 1);
	bench_pg_text(p, "complaint");
	bench_pg_int(p, 1);
	bench_pg_int(p, 1);
	bench_pg_int(p, x->now);
	bench_pg_int(p, x->now);
}

static void p_search(bench_pg_params *p, const create_ctx *x)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, x->id);
	bench_pg_text(p, SUBJECT);
}

static void p_created(bench_pg_params *p, const create_ctx *x)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, x->id);
	bench_pg_int(p, 1);
	bench_pg_text(p, "created");
	bench_pg_text(p, "bench");
	bench_pg_int(p, x->now);
	bench_pg_null(p);
	bench_pg_text(p, "received");
	bench_pg_text(p, x->payload);
}

/* The clocks of a new ticket: every target running from its creation,
 * its first alarm at the policy's warning. */
static void p_clocks(bench_pg_params *p, const pg_policy *pol, const create_ctx *x)
{
	bench_pg_params_clear(p);
	for (int i = 0; i < pol->n; i++) {
		int64_t due = x->now + pol->duration[i];
		int64_t pct = pol->warn[i] ? pol->warn[i] : 100;
		bench_pg_int(p, x->id);
		bench_pg_int(p, i);
		bench_pg_int(p, pol->id);
		bench_pg_int(p, pol->id);
		bench_pg_null(p);
		bench_pg_int(p, 1);
		bench_pg_int(p, 0);
		bench_pg_int(p, x->now);
		bench_pg_null(p);
		bench_pg_int(p, 0);
		bench_pg_null(p);
		bench_pg_int(p, 0);
		bench_pg_int(p, 0);
		bench_pg_int(p, due);
		bench_pg_int(p, x->now + pol->duration[i] * pct / 100);
		bench_pg_int(p, pct);
		bench_pg_int(p, 0);
		bench_pg_null(p);
	}
}

/* Whether the calendar of `store` was read in this transaction; marks it. */
static int calendar_known(pg_raw *r, const char *store)
{
	for (int i = 0; i < r->n_calendars_read; i++)
		if (strcmp(r->calendars_read[i], store) == 0)
			return 1;
	if (r->n_calendars_read < 4)
		snprintf(r->calendars_read[r->n_calendars_read++], sizeof(r->calendars_read[0]), "%s", store);
	return 0;
}

/* One statement per round trip; `batch` creates per transaction. */
static double pg_raw_create(pg_raw *r, int from, int n, int batch, csvc_uuid *ids, const char *store)
{
	PGconn *c = r->c;
	bench_pg_params p;
	create_ctx x;
	int64_t first_event = 0;
	csvc_time_us now = 1767225600LL * 1000000 + from;
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (i % batch == 0) {
			bench_pg_run_void(c, "begin", NULL);
			r->stamp_read = 0;
			r->n_calendars_read = 0;
		}
		x.store = store ? store : i % 2 ? "SH01" : "SH02";
		x.now = ++now;
		p_kind(&p);
		bench_pg_run_void(c, "kind", &p);
		p_channel(&p);
		bench_pg_run_void(c, "channel", &p);
		p_priority(&p);
		bench_pg_run_void(c, "priority", &p);
		p_store(&p, x.store);
		set_number(&x, bench_pg_run_int(c, "counter", &p));
		memcpy(ids[i].bytes, x.u, 16);
		p_ticket(&p, &x);
		x.id = bench_pg_run_int(c, "insert", &p);
		p_search(&p, &x);
		bench_pg_run_void(c, "search", &p);
		p_created(&p, &x);
		int64_t ev = bench_pg_run_int(c, "event", &p);
		if (i % batch == 0)
			first_event = ev;
		if (!r->stamp_read) {
			bench_pg_run_void(c, "stamp", NULL);
			r->stamp_read = 1;
		}
		if (!calendar_known(r, x.store)) {
			p_store(&p, x.store);
			bench_pg_run_void(c, "calendar", &p);
		}
		p_clocks(&p, &r->policy, &x);
		bench_pg_run_void(c, "clocks_insert", &p);
		if (i % batch == batch - 1 || i == from + n - 1) {
			bench_pg_feed_append(c, 1, first_event, ev - first_event + 1);
			bench_pg_run_void(c, "commit", NULL);
		}
	}
	return bench_seconds() - t0;
}

/* Each create in one transaction, in pipeline mode: four round trips
 * (the reads and the counter; the ticket row, whose number needs the
 * counter; the rows that need its id, with the feed's lock and head; the
 * feed row and the commit). */
static double pg_pipe_create(pg_raw *r, int from, int n, csvc_uuid *ids, const char *store)
{
	PGconn *c = r->c;
	bench_pg_params p;
	PGresult *res[8];
	create_ctx x;
	csvc_time_us now = 1767225600LL * 1000000 + from;
	bench_pg_pipeline_begin(c);
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		x.store = store ? store : i % 2 ? "SH01" : "SH02";
		x.now = ++now;
		bench_pg_send(c, "begin", NULL);
		p_kind(&p);
		bench_pg_send(c, "kind", &p);
		p_channel(&p);
		bench_pg_send(c, "channel", &p);
		p_priority(&p);
		bench_pg_send(c, "priority", &p);
		p_store(&p, x.store);
		bench_pg_send(c, "counter", &p);
		bench_pg_send(c, "stamp", NULL);
		bench_pg_send(c, "calendar", &p);
		bench_pg_sync(c, 7, res);
		set_number(&x, bench_pg_getint(res[4], 0, 0));
		bench_pg_clear(res, 7);
		memcpy(ids[i].bytes, x.u, 16);
		p_ticket(&p, &x);
		bench_pg_send(c, "insert", &p);
		bench_pg_sync(c, 1, res);
		x.id = bench_pg_getint(res[0], 0, 0);
		PQclear(res[0]);
		p_search(&p, &x);
		bench_pg_send(c, "search", &p);
		p_created(&p, &x);
		bench_pg_send(c, "event", &p);
		p_clocks(&p, &r->policy, &x);
		bench_pg_send(c, "clocks_insert", &p);
		bench_pg_send(c, "feed_lock", NULL);
		bench_pg_send(c, "feed_notify", NULL);
		bench_pg_send(c, "feed_head", NULL);
		bench_pg_sync(c, 6, res);
		int64_t ev = bench_pg_getint(res[1], 0, 0);
		int64_t head = PQntuples(res[5]) ? bench_pg_getint(res[5], 0, 0) : 0;
		bench_pg_clear(res, 6);
		bench_pg_params_clear(&p);
		bench_pg_int(&p, head + 1);
		bench_pg_feed_id(&p);
		bench_pg_int(&p, 1);
		bench_pg_int(&p, ev);
		bench_pg_int(&p, 1);
		bench_pg_send(c, "feed_insert", &p);
		bench_pg_send(c, "commit", NULL);
		bench_pg_sync(c, 2, NULL);
	}
	double dt = bench_seconds() - t0;
	bench_pg_pipeline_end(c);
	return dt;
}

static const char TRANSITION_PAYLOAD[] =
	"{\"transition\":\"analyse\",\"set\":{\"state\":\"analysing\",\"state_category\":2}}";

static void p_uuid(bench_pg_params *p, const csvc_uuid *id)
{
	bench_pg_params_clear(p);
	bench_pg_blob(p, id->bytes, 16);
}

static void p_id(bench_pg_params *p, int64_t id)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
}

static void p_set_state(bench_pg_params *p, int64_t id, int64_t rev, csvc_time_us now)
{
	bench_pg_params_clear(p);
	bench_pg_text(p, "analysing");
	bench_pg_int(p, 2);
	bench_pg_int(p, rev + 1);
	bench_pg_int(p, now);
	bench_pg_int(p, id);
}

static void p_transition(bench_pg_params *p, int64_t id, int64_t rev, csvc_time_us now)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
	bench_pg_int(p, rev + 1);
	bench_pg_text(p, "transition");
	bench_pg_text(p, "bench");
	bench_pg_int(p, now);
	bench_pg_text(p, "received");
	bench_pg_text(p, "analysing");
	bench_pg_text(p, TRANSITION_PAYLOAD);
}

/* The update of clock `row` of `clocks` (SQL "clocks" columns) after the
 * transition: the first target (the response) is met now, the others run
 * on unchanged, and the library writes every clock back. */
static void p_clock(bench_pg_params *p, const PGresult *clocks, int row, int64_t id, csvc_time_us now)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
	bench_pg_int(p, bench_pg_getint(clocks, row, 0));
	int64_t since = bench_pg_getint(clocks, row, 5);
	if (row == 0) {
		bench_pg_int(p, 3);
		bench_pg_int(p, now - since);
		bench_pg_int(p, since);
		bench_pg_int(p, now);
		bench_pg_int(p, 2);
		bench_pg_null(p);
		bench_pg_int(p, 0);
		bench_pg_int(p, 0);
		bench_pg_null(p);
		bench_pg_null(p);
		bench_pg_int(p, 0);
		bench_pg_int(p, 0);
		bench_pg_null(p);
		return;
	}
	/* phase, used, since, met_at, met_via_state, breached_at, fired,
	 * cycle, due, next alarm, next pct; warned 0; fault */
	static const int cols[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
		if (PQgetisnull(clocks, row, cols[k]))
			bench_pg_null(p);
		else
			bench_pg_text(p, PQgetvalue(clocks, row, cols[k]));
	}
	bench_pg_int(p, 0);
	bench_pg_null(p);
}

/* Reads the clocks as the library does (every column of every row). */
static void read_clocks(const PGresult *r)
{
	int64_t sink = 0;
	for (int row = 0; row < PQntuples(r); row++)
		for (int col = 0; col < PQnfields(r); col++)
			if (!PQgetisnull(r, row, col))
				sink += col == 1 || col == 2 ? (int64_t)strlen(PQgetvalue(r, row, col))
				                             : bench_pg_getint(r, row, col);
	if (sink == 42)
		printf("#\n");
}

static double pg_raw_transition(pg_raw *r, int from, int n, int batch, const csvc_uuid *ids)
{
	PGconn *c = r->c;
	bench_pg_params p;
	int64_t first_event = 0;
	csvc_time_us now = 1767225600LL * 1000000 + from;
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (i % batch == 0)
			bench_pg_run_void(c, "begin", NULL);
		now++;
		p_uuid(&p, &ids[i]);
		PGresult *head = bench_pg_run(c, "head", &p);
		int64_t id = bench_pg_getint(head, 0, 0), rev = bench_pg_getint(head, 0, 1);
		PQclear(head);
		p_set_state(&p, id, rev, now);
		bench_pg_run_void(c, "set_state", &p);
		p_transition(&p, id, rev, now);
		int64_t ev = bench_pg_run_int(c, "event", &p);
		if (i % batch == 0)
			first_event = ev;
		p_id(&p, id);
		PGresult *clocks = bench_pg_run(c, "clocks", &p);
		read_clocks(clocks);
		bench_pg_run_void(c, "uuid", &p);
		p_uuid(&p, &ids[i]);
		bench_pg_run_void(c, "head", &p);
		for (int k = 0; k < PQntuples(clocks); k++) {
			p_clock(&p, clocks, k, id, now);
			bench_pg_run_void(c, "clock", &p);
		}
		PQclear(clocks);
		if (i % batch == batch - 1 || i == from + n - 1) {
			bench_pg_feed_append(c, 1, first_event, ev - first_event + 1);
			bench_pg_run_void(c, "commit", NULL);
		}
	}
	return bench_seconds() - t0;
}

/* Each transition in one transaction, in pipeline mode: four round trips
 * (the head; the writes and reads that need its id; the clock updates,
 * which need the clocks, with the feed's lock and head; the feed row and
 * the commit). */
static double pg_pipe_transition(pg_raw *r, int from, int n, const csvc_uuid *ids)
{
	PGconn *c = r->c;
	bench_pg_params p;
	PGresult *res[16];
	csvc_time_us now = 1767225600LL * 1000000 + from;
	bench_pg_pipeline_begin(c);
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		now++;
		bench_pg_send(c, "begin", NULL);
		p_uuid(&p, &ids[i]);
		bench_pg_send(c, "head", &p);
		bench_pg_sync(c, 2, res);
		int64_t id = bench_pg_getint(res[1], 0, 0), rev = bench_pg_getint(res[1], 0, 1);
		bench_pg_clear(res, 2);
		p_set_state(&p, id, rev, now);
		bench_pg_send(c, "set_state", &p);
		p_transition(&p, id, rev, now);
		bench_pg_send(c, "event", &p);
		p_id(&p, id);
		bench_pg_send(c, "clocks", &p);
		bench_pg_send(c, "uuid", &p);
		p_uuid(&p, &ids[i]);
		bench_pg_send(c, "head", &p);
		bench_pg_sync(c, 5, res);
		int64_t ev = bench_pg_getint(res[1], 0, 0);
		PGresult *clocks = res[2];
		res[2] = NULL;
		bench_pg_clear(res, 5);
		read_clocks(clocks);
		int k = 0;
		for (; k < PQntuples(clocks); k++) {
			p_clock(&p, clocks, k, id, now);
			bench_pg_send(c, "clock", &p);
		}
		PQclear(clocks);
		bench_pg_send(c, "feed_lock", NULL);
		bench_pg_send(c, "feed_notify", NULL);
		bench_pg_send(c, "feed_head", NULL);
		bench_pg_sync(c, k + 3, res);
		int64_t head = PQntuples(res[k + 2]) ? bench_pg_getint(res[k + 2], 0, 0) : 0;
		bench_pg_clear(res, k + 3);
		bench_pg_params_clear(&p);
		bench_pg_int(&p, head + 1);
		bench_pg_feed_id(&p);
		bench_pg_int(&p, 1);
		bench_pg_int(&p, ev);
		bench_pg_int(&p, 1);
		bench_pg_send(c, "feed_insert", &p);
		bench_pg_send(c, "commit", NULL);
		bench_pg_sync(c, 2, NULL);
	}
	double dt = bench_seconds() - t0;
	bench_pg_pipeline_end(c);
	return dt;
}

/* Checks that the raw side wrote what the library wrote: as many rows in
 * each table, and the same SLA targets. */
static void pg_same_rows(PGconn *c, const char *lib_schema, const char *raw_schema)
{
	static const char *const tables[] = {"tickets", "ticket_events", "ticket_search", "sla_targets", "feed"};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char sql[512];
		snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM %s.%s) - (SELECT count(*) FROM %s.%s)", lib_schema,
		         tables[i], raw_schema, tables[i]);
		int64_t d = bench_pg_value(c, sql);
		if (d) {
			fprintf(stderr, "bench: tickets: %s: the library wrote %lld rows more than raw libpq\n", tables[i],
			        (long long)d);
			exit(1);
		}
	}
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM (SELECT idx, policy_id, phase, met_via_state, due_us - since_us,"
	         " next_alarm_us - since_us, next_pct FROM %s.sla_targets EXCEPT ALL"
	         " SELECT idx, policy_id, phase, met_via_state, due_us - since_us, next_alarm_us - since_us,"
	         " next_pct FROM %s.sla_targets) d",
	         lib_schema, raw_schema);
	if (bench_pg_value(c, sql)) {
		fprintf(stderr, "bench: tickets: the library's SLA targets differ from raw libpq's\n");
		exit(1);
	}
}

/* ---- eight clients at once on one schema ---- */

typedef struct pg_client {
	const char *conninfo, *schema;
	int side; /* 0 library, 1 raw libpq, 2 raw libpq pipelined */
	int count;
	csvc_store *s;
	pg_raw r;
	csvc_uuid *ids;
	csvc_time_us clock;
	char store[8];
} pg_client;

static void *pg_client_open(int client, void *arg)
{
	const pg_client *proto = arg;
	pg_client *c = calloc(1, sizeof(*c));
	if (!c)
		exit(1);
	*c = *proto;
	c->ids = calloc((size_t)c->count, sizeof(csvc_uuid));
	c->clock = 1767225600LL * 1000000 + (csvc_time_us)client * 1000000000;
	client_store(client, c->store, sizeof(c->store));
	if (c->side)
		pg_raw_connect(&c->r, c->conninfo, c->schema);
	else
		c->s = pg_lib_open(c->conninfo, c->schema, &c->clock, 0);
	return c;
}

static void pg_client_run(void *state, int client, int phase, int from, int n)
{
	(void)client;
	pg_client *c = state;
	if (c->side == 0)
		phase ? lib_transition(c->s, from, n, 1, c->ids) : lib_create(c->s, from, n, 1, c->ids, c->store);
	else if (c->side == 1)
		phase ? pg_raw_transition(&c->r, from, n, 1, c->ids) : pg_raw_create(&c->r, from, n, 1, c->ids, c->store);
	else
		phase ? pg_pipe_transition(&c->r, from, n, c->ids) : pg_pipe_create(&c->r, from, n, c->ids, c->store);
}

static void pg_client_close(void *state)
{
	pg_client *c = state;
	if (c->side)
		PQfinish(c->r.c);
	else
		csvc_store_close(c->s);
	free(c->ids);
	free(c);
}

static void pg_clients(double scale, const char *pg)
{
	int per = (int)(1000 * scale), rounds = 10;
	if (per < 40)
		per = 40;
	int chunk = (per + rounds - 1) / rounds;
	const char *schemas[3] = {bench_pg_schema("tickets", "clients_lib"), bench_pg_schema("tickets", "clients_raw"),
	                          bench_pg_schema("tickets", "clients_pipe")};
	pg_client proto[3];
	bench_client_kind kinds[3];
	bench_clients *group[3];
	for (int side = 0; side < 3; side++) {
		pg_raw r;
		pg_raw_open(&r, pg, schemas[side]);
		PQfinish(r.c);
		memset(&proto[side], 0, sizeof(proto[side]));
		proto[side].conninfo = pg;
		proto[side].schema = schemas[side];
		proto[side].side = side;
		proto[side].count = per;
		kinds[side] = (bench_client_kind){pg_client_open, pg_client_run, pg_client_close, &proto[side]};
		group[side] = bench_clients_start(&kinds[side], CLIENTS);
	}
	bench_samples t[2][3] = {{{0}, {0}, {0}}, {{0}, {0}, {0}}}; /* [phase][side] */
	for (int phase = 0; phase < 2; phase++)
		for (int from = 0, turn = 0; from < per; from += chunk, turn++) {
			int k = per - from < chunk ? per - from : chunk;
			for (int j = 0; j < 3; j++) {
				int side = (turn + j + 1) % 3; /* raw libpq first in the first round */
				bench_sample(&t[phase][side], bench_clients_run(group[side], phase, from, k), k * CLIENTS);
			}
		}
	for (int side = 0; side < 3; side++)
		bench_clients_stop(group[side]);
	static const char *const names[2] = {"ticket.clients8.create_sla", "ticket.clients8.transition"};
	for (int phase = 0; phase < 2; phase++)
		bench_pg_report(names[phase], 1, bench_median(&t[phase][0]), bench_median(&t[phase][1]),
		                bench_median(&t[phase][2]), "ops/s");
	PGconn *c = bench_pg_connect(pg, schemas[0]);
	pg_same_rows(c, schemas[0], schemas[1]);
	PQfinish(c);
}

/* Fills a store on the server with `n` tickets over 100 stores, a fifth
 * of them open, with plain SQL there, as fill() does on SQLite. */
static void pg_fill(const char *pg, const char *schema, long n)
{
	csvc_time_us clock = 0;
	csvc_store *s = pg_lib_open(pg, schema, &clock, 1);
	if (csvc_sla_policy_retire(s, "handbook_inquiry") || csvc_sla_policy_retire(s, "handbook_complaint") ||
	    csvc_sla_policy_retire(s, "default"))
		bench_die("retire");
	csvc_store_close(s);
	PGconn *c = bench_pg_connect(pg, schema);
	char sql[2048];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO tickets (uuid, number, kind, store_code, channel, urgency, importance, impact,"
	         " priority, priority_override, subject, state, state_category, workflow, workflow_version,"
	         " revision, created_us, updated_us)"
	         " SELECT decode(md5(x::text), 'hex'), format('S%%s-%%s', lpad((x %% 100)::text, 3, '0'),"
	         " lpad(x::text, 7, '0')), 'complaint', 'S' || lpad((x %% 100)::text, 3, '0'), 'phone', 3, 2, 3, 4, 0,"
	         " 'subject', CASE WHEN x %% 5 = 0 THEN 'received' ELSE 'closed' END,"
	         " CASE WHEN x %% 5 = 0 THEN 1 ELSE 5 END, 'complaint', 1, 1, x, x FROM generate_series(1, %ld) x",
	         n);
	bench_pg_exec(c, sql);
	bench_pg_exec(c, "VACUUM (ANALYZE) tickets");
	PQfinish(c);
}

/* A page of open tickets at two sizes, as on SQLite (the library on both
 * sides: there is no raw anchor there either). */
static void pg_list(double scale, const char *pg)
{
	long small = 10000, large = (long)(1000000 * scale);
	if (large < small * 10)
		large = small * 10;
	double t[2];
	for (int k = 0; k < 2; k++) {
		const char *schema = bench_pg_schema("tickets", k ? "list_large" : "list_small");
		pg_fill(pg, schema, k ? large : small);
		csvc_time_us clock = 0;
		csvc_store *s = pg_lib_open(pg, schema, &clock, 0);
		t[k] = list_pages_in(s, 200);
		csvc_store_close(s);
	}
	char label[96];
	snprintf(label, sizeof(label), "pg.ticket.list_open_page.%ld", small);
	bench_figure(label, t[0] * 1e6, "us");
	snprintf(label, sizeof(label), "pg.ticket.list_open_page.%ld", large);
	bench_figure(label, t[1] * 1e6, "us");
	bench_ratio("pg.ticket.list_open_page.large_vs_small", t[1] / t[0]);
}

int bench_tickets_pg(double scale, const char *dir, const char *pg)
{
	(void)dir;
	/* Each operation its own transaction (a call as an application makes
	 * it), then in transactions of BATCH. */
	int n_single = (int)(5000 * scale), n_batch = (int)(20000 * scale);
	if (n_single < 100)
		n_single = 100;
	if (n_batch < 1000)
		n_batch = 1000;
	csvc_uuid *lib_ids = malloc(sizeof(csvc_uuid) * (size_t)n_batch);
	csvc_uuid *raw_ids = malloc(sizeof(csvc_uuid) * (size_t)n_batch);
	csvc_uuid *pipe_ids = malloc(sizeof(csvc_uuid) * (size_t)n_batch);
	for (int batched = 0; batched < 2; batched++) {
		int count = batched ? n_batch : n_single, batch = batched ? BATCH : 1;
		const char *tag = batched ? "batched" : "single";
		char side[32];
		csvc_time_us clock = 1767225600LL * 1000000;
		snprintf(side, sizeof(side), "%s_lib", tag);
		const char *lib_schema = bench_pg_schema("tickets", side);
		csvc_store *s = pg_lib_open(pg, lib_schema, &clock, 1);
		snprintf(side, sizeof(side), "%s_raw", tag);
		const char *raw_schema = bench_pg_schema("tickets", side);
		pg_raw r, pipe;
		pg_raw_open(&r, pg, raw_schema);
		if (!batched) {
			snprintf(side, sizeof(side), "%s_pipe", tag);
			pg_raw_open(&pipe, pg, bench_pg_schema("tickets", side));
		}
		/* The sides alternate in short chunks, each chunk starting with
		 * the next side, so that all meet the same load of the machine
		 * and the server. */
		int chunk = batched ? BATCH : 10;
		bench_samples m[2][3] = {{{0}, {0}, {0}}, {{0}, {0}, {0}}}; /* [phase][raw, pipe, lib] */
		int64_t trips[2] = {0, 0}, pipe_trips[2] = {0, 0};
		for (int phase = 0; phase < 2; phase++)
			for (int from = 0, turn = 0; from < count; from += chunk, turn++) {
				int k = count - from < chunk ? count - from : chunk;
				for (int j = 0; j < 3; j++) {
					int64_t before = bench_pg_round_trips;
					int who = (turn + j) % 3;
					double dt;
					if (who == 0)
						dt = phase ? pg_raw_transition(&r, from, k, batch, raw_ids)
						           : pg_raw_create(&r, from, k, batch, raw_ids, NULL);
					else if (who == 1 && !batched)
						dt = phase ? pg_pipe_transition(&pipe, from, k, pipe_ids)
						           : pg_pipe_create(&pipe, from, k, pipe_ids, NULL);
					else if (who == 2)
						dt = phase ? lib_transition(s, from, k, batch, lib_ids)
						           : lib_create(s, from, k, batch, lib_ids, NULL);
					else
						continue;
					bench_sample(&m[phase][who], dt, k);
					if (who == 0)
						trips[phase] += bench_pg_round_trips - before;
					else if (who == 1)
						pipe_trips[phase] += bench_pg_round_trips - before;
				}
			}
		const char *cname = batched ? "ticket.create_sla_batched" : "ticket.create_sla";
		const char *tname = batched ? "ticket.transition_batched" : "ticket.transition";
		const char *names[2] = {cname, tname};
		for (int phase = 0; phase < 2; phase++)
			bench_pg_report(names[phase], 1, bench_median(&m[phase][2]), bench_median(&m[phase][0]),
			                bench_median(&m[phase][1]), "ops/s");
		for (int phase = 0; phase < 2; phase++) {
			char label[96];
			snprintf(label, sizeof(label), "pg.%s.libpq.round_trips", names[phase]);
			bench_figure(label, (double)trips[phase] / count, "per call");
			if (!batched) {
				snprintf(label, sizeof(label), "pg.%s.libpq_pipeline.round_trips", names[phase]);
				bench_figure(label, (double)pipe_trips[phase] / count, "per call");
			}
		}
		pg_same_rows(r.c, lib_schema, raw_schema);
		PQfinish(r.c);
		if (!batched)
			PQfinish(pipe.c);
		csvc_store_close(s);
	}
	free(lib_ids);
	free(raw_ids);
	free(pipe_ids);
	bench_pg_drop_schemas();
	pg_list(scale, pg);
	bench_pg_drop_schemas();
	pg_clients(scale, pg);
	bench_pg_drop_schemas();
	return 0;
}
#endif
