/*
 * SLA: ticket create with SLA instantiation against the same without any
 * policy, and csvc_sla_advance over a large store with 1 % and with
 * 0.01 % of the tickets due: its cost follows the alarms due, not the
 * open tickets.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "csvc.h"

#define HOUR ((int64_t)3600 * 1000000)

static csvc_store *open_store(const char *path, csvc_time_us *clock, int with_sla)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o) || csvc_store_install_defaults(s))
		bench_die("open");
	if (!with_sla && (csvc_sla_policy_retire(s, "handbook_inquiry") || csvc_sla_policy_retire(s, "handbook_complaint") ||
	                  csvc_sla_policy_retire(s, "default")))
		bench_die("retire");
	return s;
}

static double create(csvc_store *s, int from, int n)
{
	double t0 = bench_seconds();
	if (csvc_store_begin(s))
		bench_die("begin");
	for (int i = from; i < from + n; i++) {
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "complaint", i % 2 ? "SH01" : "SH02") || csvc_ticket_set_subject(t, "排队") ||
		    csvc_ticket_create(s, t, "bench"))
			bench_die("create");
		csvc_ticket_free(t);
	}
	if (csvc_store_commit(s))
		bench_die("commit");
	return bench_seconds() - t0;
}

/* n tickets, each with one running target; every `every`-th one past due. */
static void fill(const char *path, long n, long every, csvc_time_us now)
{
	csvc_time_us clock = now;
	csvc_store *s = open_store(path, &clock, 0);
	csvc_sla_policy *p = NULL;
	size_t i;
	if (csvc_sla_policy_new(&p, "bench", 1) || csvc_sla_policy_match_kind(p, "complaint") ||
	    csvc_sla_policy_add_target(p, "resolution", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i) ||
	    csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED) || csvc_sla_policy_save(s, p, NULL))
		bench_die("policy");
	csvc_sla_policy_free(p);
	csvc_store_close(s);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	char sql[4096];
	snprintf(sql, sizeof(sql),
	         "PRAGMA synchronous=OFF; BEGIN;"
	         "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < %ld)"
	         " INSERT INTO tickets (id, uuid, number, kind, store_code, channel, urgency, importance, impact,"
	         " priority, priority_override, subject, state, state_category, workflow, workflow_version,"
	         " revision, created_us, updated_us)"
	         " SELECT x, randomblob(16), printf('S%%03d-%%07d', x %% 100, x), 'complaint', printf('S%%03d', x %% 100),"
	         " 'phone', 3, 2, 3, 4, 0, 'subject', 'received', 1, 'complaint', 1, 1, 0, 0 FROM i;"
	         "INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar, phase,"
	         " used_us, since_us, met_at, met_via_state, breached_at, fired, cycle, due_us, next_alarm_us,"
	         " next_pct, warned)"
	         " SELECT id, 0, p, p, NULL, 1, 0, s, NULL, 0, NULL, 0, 0, s + %lld, s + %lld + 1, 100, 0"
	         " FROM (SELECT id, (SELECT id FROM sla_policies WHERE name = 'bench') AS p,"
	         " CASE WHEN id %% %ld = 0 THEN %lld ELSE %lld END AS s FROM tickets);"
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT ticket_id, 1, 'created', 'fill', since_us, 'received', '{}' FROM sla_targets;"
	         "UPDATE tickets SET created_us = (SELECT since_us FROM sla_targets WHERE ticket_id = tickets.id),"
	         " updated_us = (SELECT since_us FROM sla_targets WHERE ticket_id = tickets.id);"
	         "COMMIT; ANALYZE;",
	         n, (long long)HOUR, (long long)HOUR, every, (long long)(now - 2 * HOUR), (long long)(now + 240 * HOUR));
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench: fill: %s\n", err);
		exit(1);
	}
	sqlite3_close(db);
}

static double advance(const char *path, csvc_time_us now, int64_t *emitted)
{
	csvc_time_us clock = now;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = &clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o))
		bench_die("open");
	double t0 = bench_seconds();
	if (csvc_sla_advance(s, now, NULL, NULL, emitted))
		bench_die("advance");
	double dt = bench_seconds() - t0;
	csvc_store_close(s);
	return dt;
}

int bench_sla(double scale, const char *dir)
{
	char with_path[512], without_path[512];
	snprintf(with_path, sizeof(with_path), "%s/bench-sla-with.db", dir);
	snprintf(without_path, sizeof(without_path), "%s/bench-sla-without.db", dir);
	bench_remove_db(with_path);
	bench_remove_db(without_path);
	int n = (int)(100000 * scale);
	if (n < 1000)
		n = 1000;
	csvc_time_us c1 = 1767225600LL * 1000000, c2 = c1;
	csvc_store *with = open_store(with_path, &c1, 1), *without = open_store(without_path, &c2, 0);
	double t_with = 0, t_without = 0;
	for (int from = 0; from < n; from += 1000) {
		t_without += create(without, from, 1000);
		t_with += create(with, from, 1000);
	}
	csvc_store_close(with);
	csvc_store_close(without);
	bench_remove_db(with_path);
	bench_remove_db(without_path);
	bench_figure("sla.create.with_sla", n / t_with, "ops/s");
	bench_figure("sla.create.without_sla", n / t_without, "ops/s");
	/* without / with: 1 means free; the target is at most 1.3x, >= 0.77 */
	bench_ratio("sla.create.without_vs_with", t_without / t_with);

	long total = (long)(1000000 * scale);
	if (total < 20000)
		total = 20000;
	csvc_time_us now = 1767225600LL * 1000000;
	int64_t e1 = 0, e2 = 0;
	fill(with_path, total, 100, now);
	double a1 = advance(with_path, now, &e1);
	bench_remove_db(with_path);
	fill(with_path, total, 10000, now);
	double a2 = advance(with_path, now, &e2);
	bench_remove_db(with_path);
	char label[96];
	snprintf(label, sizeof(label), "sla.advance.%ld_open.1pct", total);
	bench_figure(label, a1, "s");
	snprintf(label, sizeof(label), "sla.advance.%ld_open.0.01pct", total);
	bench_figure(label, a2, "s");
	bench_figure("sla.advance.alarms.1pct", (double)e1, "alarms");
	bench_figure("sla.advance.alarms.0.01pct", (double)e2, "alarms");
	bench_figure("sla.advance.per_alarm.1pct", a1 / (double)(e1 ? e1 : 1) * 1e6, "us");
	bench_figure("sla.advance.per_alarm.0.01pct", a2 / (double)(e2 ? e2 : 1) * 1e6, "us");
	/* time ratio against alarm ratio: 1 means cost follows the due count */
	bench_ratio("sla.advance.time_vs_due_count", (a1 / a2) / ((double)e1 / (double)(e2 ? e2 : 1)));
	return 0;
}

#ifdef CSVC_HAVE_POSTGRES
/* ---- on PostgreSQL: the library against itself, as above ---- */

#include "bench-raw-pg.h"

static csvc_store *pg_open_store(const char *pg, const char *schema, csvc_time_us *clock, int install, int with_sla)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	bench_pg_options(&o, pg, schema);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, "", &o) || (install && csvc_store_install_defaults(s)))
		bench_die("open");
	if (install && !with_sla &&
	    (csvc_sla_policy_retire(s, "handbook_inquiry") || csvc_sla_policy_retire(s, "handbook_complaint") ||
	     csvc_sla_policy_retire(s, "default")))
		bench_die("retire");
	return s;
}

/* n tickets, each with one running one-hour target: every 10,000th was
 * created 2 hours before `now` (its breach is due at `now`), every 100th
 * of the others 22 hours after (due a day after `now`), the rest 10 days
 * after. With plain SQL on the server. */
static void pg_fill(const char *pg, const char *schema, long n, csvc_time_us now)
{
	csvc_time_us clock = now;
	csvc_store *s = pg_open_store(pg, schema, &clock, 1, 0);
	csvc_sla_policy *p = NULL;
	size_t i;
	if (csvc_sla_policy_new(&p, "bench", 1) || csvc_sla_policy_match_kind(p, "complaint") ||
	    csvc_sla_policy_add_target(p, "resolution", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i) ||
	    csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED) || csvc_sla_policy_save(s, p, NULL))
		bench_die("policy");
	csvc_sla_policy_free(p);
	csvc_store_close(s);
	PGconn *c = bench_pg_connect(pg, schema);
	char sql[4096];
	snprintf(sql, sizeof(sql),
	         "BEGIN;"
	         "CREATE TEMP TABLE g AS SELECT x, CASE WHEN x %% 10000 = 0 THEN %lld WHEN x %% 100 = 0 THEN %lld"
	         " ELSE %lld END AS s FROM generate_series(1, %ld) x;"
	         "INSERT INTO tickets (id, uuid, number, kind, store_code, channel, urgency, importance, impact,"
	         " priority, priority_override, subject, state, state_category, workflow, workflow_version,"
	         " revision, created_us, updated_us)"
	         " SELECT x, decode(md5(random()::text || x), 'hex'), format('S%%s-%%s', lpad((x %% 100)::text, 3, '0'),"
	         " lpad(x::text, 7, '0')), 'complaint', 'S' || lpad((x %% 100)::text, 3, '0'), 'phone', 3, 2, 3, 4, 0,"
	         " 'subject', 'received', 1, 'complaint', 1, 1, s, s FROM g;"
	         "INSERT INTO sla_targets (ticket_id, idx, policy_id, initial_policy_id, calendar, phase, used_us,"
	         " since_us, met_at, met_via_state, breached_at, fired, cycle, due_us, next_alarm_us, next_pct, warned)"
	         " SELECT x, 0, p, p, NULL, 1, 0, s, NULL, 0, NULL, 0, 0, s + %lld, s + %lld + 1, 100, 0"
	         " FROM g, (SELECT id AS p FROM sla_policies WHERE name = 'bench') q;"
	         "INSERT INTO ticket_events (ticket_id, seq, type, actor, at_us, to_state, payload)"
	         " SELECT x, 1, 'created', 'fill', s, 'received', '{}' FROM g;"
	         "SELECT setval(pg_get_serial_sequence('tickets', 'id'), %ld);"
	         "COMMIT",
	         (long long)(now - 2 * HOUR), (long long)(now + 22 * HOUR), (long long)(now + 240 * HOUR), n,
	         (long long)HOUR, (long long)HOUR, n);
	bench_pg_exec(c, sql);
	bench_pg_exec(c, "VACUUM (ANALYZE) tickets");
	bench_pg_exec(c, "VACUUM (ANALYZE) sla_targets");
	bench_pg_exec(c, "VACUUM (ANALYZE) ticket_events");
	PQfinish(c);
}

static double pg_advance(const char *pg, const char *schema, csvc_time_us now, int64_t *emitted)
{
	csvc_time_us clock = now;
	csvc_store *s = pg_open_store(pg, schema, &clock, 0, 0);
	double t0 = bench_seconds();
	if (csvc_sla_advance(s, now, NULL, NULL, emitted))
		bench_die("advance");
	double dt = bench_seconds() - t0;
	csvc_store_close(s);
	return dt;
}

/* As bench_sla, the library on both sides (there is no raw anchor there
 * either). The advance runs twice on one store instead of on two fills:
 * first at `now` with 0.01 % of the tickets due, then a day later with
 * 0.99 % due. */
int bench_sla_pg(double scale, const char *dir, const char *pg)
{
	(void)dir;
	printf("# sla: the library with and without SLA, and advance by alarms due, as without --db (no raw anchor)\n");
	int n = (int)(20000 * scale);
	if (n < 1000)
		n = 1000;
	csvc_time_us c1 = 1767225600LL * 1000000, c2 = c1;
	csvc_store *with = pg_open_store(pg, bench_pg_schema("sla", "with"), &c1, 1, 1);
	csvc_store *without = pg_open_store(pg, bench_pg_schema("sla", "without"), &c2, 1, 0);
	double t_with = 0, t_without = 0;
	for (int from = 0; from < n; from += 1000) {
		t_without += create(without, from, 1000);
		t_with += create(with, from, 1000);
	}
	csvc_store_close(with);
	csvc_store_close(without);
	bench_figure("pg.sla.create.with_sla", n / t_with, "ops/s");
	bench_figure("pg.sla.create.without_sla", n / t_without, "ops/s");
	bench_ratio("pg.sla.create.without_vs_with", t_without / t_with);

	long total = (long)(1000000 * scale);
	if (total < 20000)
		total = 20000;
	csvc_time_us now = 1767225600LL * 1000000;
	const char *schema = bench_pg_schema("sla", "advance");
	double t0 = bench_seconds();
	pg_fill(pg, schema, total, now);
	bench_figure("pg.sla.advance.fill", bench_seconds() - t0, "s");
	int64_t e_few = 0, e_many = 0;
	double a_few = pg_advance(pg, schema, now, &e_few);
	double a_many = pg_advance(pg, schema, now + 24 * HOUR, &e_many);
	char label[96];
	snprintf(label, sizeof(label), "pg.sla.advance.%ld_open.1pct", total);
	bench_figure(label, a_many, "s");
	snprintf(label, sizeof(label), "pg.sla.advance.%ld_open.0.01pct", total);
	bench_figure(label, a_few, "s");
	bench_figure("pg.sla.advance.alarms.1pct", (double)e_many, "alarms");
	bench_figure("pg.sla.advance.alarms.0.01pct", (double)e_few, "alarms");
	bench_figure("pg.sla.advance.per_alarm.1pct", a_many / (double)(e_many ? e_many : 1) * 1e6, "us");
	bench_figure("pg.sla.advance.per_alarm.0.01pct", a_few / (double)(e_few ? e_few : 1) * 1e6, "us");
	/* time ratio against alarm ratio: 1 means cost follows the due count */
	bench_ratio("pg.sla.advance.time_vs_due_count", (a_many / a_few) / ((double)e_many / (double)(e_few ? e_few : 1)));
	bench_pg_drop_schemas();
	return 0;
}
#endif
