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

/* `store`: the tickets' store code; NULL alternates SH01 and SH02. */
static double lib_create(csvc_store *s, int from, int n, int batch, csvc_uuid *ids, const char *store)
{
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (batch > 1 && i % batch == 0 && csvc_store_begin(s))
			bench_die("begin");
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "complaint", store ? store : i % 2 ? "SH01" : "SH02") ||
		    csvc_ticket_set_subject(t, "收银台排队太久") || csvc_ticket_set_channel(t, "phone") ||
		    csvc_ticket_create(s, t, "bench"))
			bench_die("create");
		ids[i] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
		if (batch > 1 && (i % batch == batch - 1 || i == from + n - 1) && csvc_store_commit(s))
			bench_die("commit");
	}
	return bench_seconds() - t0;
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
static double list_pages(const char *path, int pages)
{
	csvc_time_us clock = 0;
	csvc_store *s = open_lib(path, &clock);
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
	double dt = bench_seconds() - t0;
	csvc_store_close(s);
	return dt / done;
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
int bench_tickets_pg(double scale, const char *dir, const char *pg)
{
	(void)scale;
	(void)dir;
	(void)pg;
	printf("# tickets: not on PostgreSQL yet\n");
	return 0;
}
#endif
