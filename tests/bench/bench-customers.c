/*
 * Customers: create and look up by phone, through libcsvc and through raw
 * SQLite prepared statements doing the same inserts, index maintenance
 * and reads on an identical schema, in the same run.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "bench-raw.h"
#include "bench.h"
#include "csvc.h"

#define BATCH 1000

static void phone_of(int i, char *out, size_t n)
{
	snprintf(out, n, "138%08d", i);
}

/* ---- through libcsvc ---- */

static double lib_create(csvc_store *s, int from, int n, int batch)
{
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (batch > 1 && i % batch == 0 && csvc_store_begin(s))
			bench_die("begin");
		csvc_customer *c = NULL;
		char name[32], phone[32];
		snprintf(name, sizeof(name), "顾客%d", i);
		phone_of(i, phone, sizeof(phone));
		if (csvc_customer_new(&c) || csvc_customer_set_name(c, name) ||
		    csvc_customer_add_phone(c, phone) || csvc_customer_create(s, c, "bench"))
			bench_die("create");
		csvc_customer_free(c);
		if (batch > 1 && (i % batch == batch - 1 || i == from + n - 1) && csvc_store_commit(s))
			bench_die("commit");
	}
	return bench_seconds() - t0;
}

static double lib_lookup(csvc_store *s, int n, int lookups)
{
	double t0 = bench_seconds();
	unsigned x = 12345;
	for (int i = 0; i < lookups; i++) {
		x = x * 1103515245u + 12345u;
		char phone[32];
		phone_of((int)(x % (unsigned)n), phone, sizeof(phone));
		csvc_customer *c = NULL;
		if (csvc_customer_find_by_phone(s, phone, &c))
			bench_die("find");
		csvc_customer_free(c);
	}
	return bench_seconds() - t0;
}

/* ---- raw SQLite, same schema and same rows ---- */

typedef struct raw {
	sqlite3 *db;
	sqlite3_stmt *ins, *contact, *fts, *life, *event, *begin, *commit;
	sqlite3_stmt *find, *load, *l_contacts, *l_tags, *l_attrs, *l_ext, *l_life;
} raw;

static void raw_open(raw *r, const char *path)
{
	/* The schema comes from libcsvc so both sides write identical tables. */
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, NULL))
		bench_die("open raw schema");
	csvc_store_close(s);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		exit(1);
	sqlite3_exec(r->db,
	             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
	             " PRAGMA foreign_keys=ON",
	             NULL, NULL, NULL);
	r->ins = bench_raw_prepare(r->db, "INSERT INTO customers (uuid, name, address, birthday, notes, home_store,"
	                     " class, tier, lifecycle, revision, created_us, updated_us)"
	                     " VALUES (?,?,NULL,NULL,NULL,NULL,3,0,2,1,?,?)");
	r->contact = bench_raw_prepare(r->db, "INSERT INTO customer_contacts (customer_id, kind, position, value, norm)"
	                         " VALUES (?,1,0,?,?)");
	r->fts = bench_raw_prepare(r->db, "INSERT INTO customer_search (rowid, name, phones, emails, notes)"
	                     " VALUES (?,?,?,NULL,NULL)");
	r->life = bench_raw_prepare(r->db, "INSERT INTO customer_lifecycle (customer_id, seq, stage, at_us)"
	                      " VALUES (?,1,2,?)");
	r->event = bench_raw_prepare(r->db, "INSERT INTO customer_events (customer_id, type, actor, at_us, payload)"
	                       " VALUES (?,'created','bench',?,NULL)");
	r->begin = bench_raw_prepare(r->db, "BEGIN IMMEDIATE");
	r->commit = bench_raw_prepare(r->db, "COMMIT");
	r->find = bench_raw_prepare(r->db, "SELECT min(customer_id) FROM customer_contacts WHERE kind = 1 AND norm = ?");
	r->load = bench_raw_prepare(r->db, "SELECT c.uuid, c.name, c.address, c.birthday, c.notes, c.home_store,"
	                      " c.class, c.tier, c.lifecycle, c.revision, c.created_us, c.updated_us,"
	                      " coalesce(c.erased_us, 0), m.uuid FROM customers c"
	                      " LEFT JOIN customers m ON m.id = c.merged_into WHERE c.id = ?");
	r->l_contacts = bench_raw_prepare(r->db, "SELECT kind, value FROM customer_contacts WHERE customer_id = ?"
	                            " ORDER BY kind, position");
	r->l_tags = bench_raw_prepare(r->db, "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag");
	r->l_attrs = bench_raw_prepare(r->db, "SELECT key, value FROM customer_attributes WHERE customer_id = ? ORDER BY key");
	r->l_ext = bench_raw_prepare(r->db, "SELECT kind, value FROM customer_external_ids WHERE customer_id = ?"
	                       " ORDER BY position");
	r->l_life = bench_raw_prepare(r->db, "SELECT stage, at_us FROM customer_lifecycle WHERE customer_id = ? ORDER BY seq");
}

static void raw_close(raw *r)
{
	sqlite3_stmt **all[] = {&r->ins, &r->contact, &r->fts, &r->life, &r->event, &r->begin, &r->commit,
	                        &r->find, &r->load, &r->l_contacts, &r->l_tags, &r->l_attrs, &r->l_ext,
	                        &r->l_life};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(*all[i]);
	sqlite3_close(r->db);
}

static double raw_create(raw *r, int from, int n, int batch)
{
	csvc_time_us now = 1767225600LL * 1000000 + from;
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (i % batch == 0)
			bench_raw_run(r->db, r->begin);
		char name[32], phone[32], norm[40], phones[80];
		snprintf(name, sizeof(name), "顾客%d", i);
		phone_of(i, phone, sizeof(phone));
		snprintf(norm, sizeof(norm), "+86%s", phone);
		snprintf(phones, sizeof(phones), "%s %s", phone, norm);
		uuid_t u;
		uuid_generate_random(u);
		now++;
		sqlite3_bind_blob(r->ins, 1, u, 16, SQLITE_STATIC);
		sqlite3_bind_text(r->ins, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(r->ins, 3, now);
		sqlite3_bind_int64(r->ins, 4, now);
		bench_raw_run(r->db, r->ins);
		int64_t id = sqlite3_last_insert_rowid(r->db);
		sqlite3_bind_int64(r->contact, 1, id);
		sqlite3_bind_text(r->contact, 2, phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->contact, 3, norm, -1, SQLITE_STATIC);
		bench_raw_run(r->db, r->contact);
		sqlite3_bind_int64(r->fts, 1, id);
		sqlite3_bind_text(r->fts, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->fts, 3, phones, -1, SQLITE_STATIC);
		bench_raw_run(r->db, r->fts);
		sqlite3_bind_int64(r->life, 1, id);
		sqlite3_bind_int64(r->life, 2, now);
		bench_raw_run(r->db, r->life);
		sqlite3_bind_int64(r->event, 1, id);
		sqlite3_bind_int64(r->event, 2, now);
		bench_raw_run(r->db, r->event);
		if (i % batch == batch - 1 || i == from + n - 1)
			bench_raw_run(r->db, r->commit);
	}
	return bench_seconds() - t0;
}

/* Reads the same columns and lists as csvc_customer_get, copying them
 * out as a record would. */
static void raw_drain(sqlite3_stmt *st, int64_t id)
{
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			if (t)
				free(strdup((const char *)t));
		}
	sqlite3_reset(st);
}

static double raw_lookup(raw *r, int n, int lookups)
{
	double t0 = bench_seconds();
	unsigned x = 12345;
	for (int i = 0; i < lookups; i++) {
		x = x * 1103515245u + 12345u;
		char phone[32], norm[40];
		phone_of((int)(x % (unsigned)n), phone, sizeof(phone));
		snprintf(norm, sizeof(norm), "+86%s", phone);
		sqlite3_bind_text(r->find, 1, norm, -1, SQLITE_STATIC);
		if (sqlite3_step(r->find) != SQLITE_ROW)
			exit(1);
		int64_t id = sqlite3_column_int64(r->find, 0);
		sqlite3_reset(r->find);
		raw_drain(r->load, id);
		raw_drain(r->l_contacts, id);
		raw_drain(r->l_tags, id);
		raw_drain(r->l_attrs, id);
		raw_drain(r->l_ext, id);
		raw_drain(r->l_life, id);
	}
	return bench_seconds() - t0;
}

int bench_customers(double scale, const char *dir)
{
	int n = (int)(100000 * scale);
	int n_durable = (int)(2000 * scale);
	if (n < 10)
		n = 10;
	int lookups = n;
	if (n_durable < 10)
		n_durable = 10;
	char lib_path[512], raw_path[512];
	snprintf(lib_path, sizeof(lib_path), "%s/bench-customers-lib.db", dir);
	snprintf(raw_path, sizeof(raw_path), "%s/bench-customers-raw.db", dir);

	for (int durable = 0; durable < 2; durable++) {
		int count = durable ? n_durable : n;
		int batch = durable ? 1 : BATCH;
		bench_remove_db(lib_path);
		bench_remove_db(raw_path);
		csvc_time_us clock = 1767225600LL * 1000000;
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		o.clock = bench_tick;
		o.clock_userdata = &clock;
		csvc_store *s = NULL;
		if (csvc_store_open(&s, lib_path, &o))
			bench_die("open");
		raw r;
		raw_open(&r, raw_path);
		/* Alternate chunks so both sides meet the same disk conditions. */
		int chunk = durable ? 25 : BATCH;
		double t_raw = 0, t_lib = 0;
		for (int from = 0; from < count; from += chunk) {
			int k = count - from < chunk ? count - from : chunk;
			t_raw += raw_create(&r, from, k, batch);
			t_lib += lib_create(s, from, k, batch);
		}
		const char *name = durable ? "customer.create_durable" : "customer.create";
		char label[96];
		snprintf(label, sizeof(label), "%s.libcsvc", name);
		bench_figure(label, count / t_lib, "ops/s");
		snprintf(label, sizeof(label), "%s.sqlite", name);
		bench_figure(label, count / t_raw, "ops/s");
		bench_ratio(name, t_raw / t_lib);
		if (!durable) {
			double l_lib = lib_lookup(s, n, lookups);
			double l_raw = raw_lookup(&r, n, lookups);
			bench_figure("customer.find_by_phone.libcsvc", lookups / l_lib, "ops/s");
			bench_figure("customer.find_by_phone.sqlite", lookups / l_raw, "ops/s");
			bench_ratio("customer.find_by_phone", l_raw / l_lib);
		}
		raw_close(&r);
		csvc_store_close(s);
		bench_remove_db(lib_path);
		bench_remove_db(raw_path);
	}
	return 0;
}
