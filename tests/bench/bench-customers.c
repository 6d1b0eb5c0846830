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

#ifdef CSVC_HAVE_POSTGRES
/* ---- on PostgreSQL: raw libpq sending the library's statements ---- */

#include "bench-raw-pg.h"

/* The statements of csvc_customer_create and csvc_customer_find_by_phone
 * (lib/customer/customer-sql.c), and the feed's at commit. */
static PGconn *pg_raw_open(const char *conninfo, const char *schema)
{
	/* The schema and its defaults come from libcsvc. */
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	bench_pg_options(&o, conninfo, schema);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, "", &o))
		bench_die("open raw schema");
	csvc_store_close(s);
	PGconn *c = bench_pg_connect(conninfo, schema);
	bench_pg_prepare(c, "begin", "BEGIN ISOLATION LEVEL READ COMMITTED");
	bench_pg_prepare(c, "commit", "COMMIT");
	bench_pg_prepare(c, "ins", "INSERT INTO customers (uuid, name, address, birthday, notes, home_store, class, tier,"
	                           " lifecycle, revision, created_us, updated_us)"
	                           " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id");
	bench_pg_prepare(c, "contact", "INSERT INTO customer_contacts (customer_id, kind, position, value, norm)"
	                               " VALUES ($1,$2,$3,$4,$5)");
	bench_pg_prepare(c, "search", "INSERT INTO customer_search (rowid, name, phones, emails, notes)"
	                              " VALUES ($1,$2,$3,$4,$5)");
	bench_pg_prepare(c, "life", "INSERT INTO customer_lifecycle (customer_id, seq, stage, at_us) VALUES ($1,"
	                            " (SELECT coalesce(max(seq), 0) + 1 FROM customer_lifecycle WHERE customer_id = $1),"
	                            " $2, $3)");
	bench_pg_prepare(c, "event", "INSERT INTO customer_events (customer_id, type, actor, at_us, payload)"
	                             " VALUES ($1,$2,$3,$4,$5) RETURNING id");
	bench_pg_prepare(c, "find", "SELECT min(customer_id) FROM customer_contacts WHERE kind = $1 AND norm = $2");
	bench_pg_prepare(c, "load", "SELECT c.uuid, c.name, c.address, c.birthday, c.notes, c.home_store, c.class, c.tier,"
	                            " c.lifecycle, c.revision, c.created_us, c.updated_us, coalesce(c.erased_us, 0), m.uuid"
	                            " FROM customers c LEFT JOIN customers m ON m.id = c.merged_into WHERE c.id = $1");
	bench_pg_prepare(c, "l_contacts", "SELECT kind, value FROM customer_contacts WHERE customer_id = $1"
	                                  " ORDER BY kind, position");
	bench_pg_prepare(c, "l_tags", "SELECT tag FROM customer_tags WHERE customer_id = $1 ORDER BY tag");
	bench_pg_prepare(c, "l_attrs", "SELECT key, value FROM customer_attributes WHERE customer_id = $1 ORDER BY key");
	bench_pg_prepare(c, "l_ext", "SELECT kind, value FROM customer_external_ids WHERE customer_id = $1"
	                             " ORDER BY position");
	bench_pg_prepare(c, "l_life", "SELECT stage, at_us FROM customer_lifecycle WHERE customer_id = $1 ORDER BY seq");
	bench_pg_prepare_feed(c);
	return c;
}

typedef struct customer_texts {
	uuid_t u;
	char name[32], phone[32], norm[40], phones[80];
} customer_texts;

static void texts_of(int i, customer_texts *t)
{
	snprintf(t->name, sizeof(t->name), "顾客%d", i);
	phone_of(i, t->phone, sizeof(t->phone));
	snprintf(t->norm, sizeof(t->norm), "+86%s", t->phone);
	snprintf(t->phones, sizeof(t->phones), "%s %s", t->phone, t->norm);
	uuid_generate_random(t->u);
}

/* The parameters of each statement of one create. */
static void p_insert(bench_pg_params *p, const customer_texts *t, csvc_time_us now)
{
	bench_pg_params_clear(p);
	bench_pg_blob(p, t->u, 16);
	bench_pg_text(p, t->name);
	for (int k = 0; k < 4; k++)
		bench_pg_null(p);
	bench_pg_int(p, 3);
	bench_pg_int(p, 0);
	bench_pg_int(p, 2);
	bench_pg_int(p, 1);
	bench_pg_int(p, now);
	bench_pg_int(p, now);
}

static void p_contact(bench_pg_params *p, const customer_texts *t, int64_t id)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
	bench_pg_int(p, 1);
	bench_pg_int(p, 0);
	bench_pg_text(p, t->phone);
	bench_pg_text(p, t->norm);
}

static void p_search(bench_pg_params *p, const customer_texts *t, int64_t id)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
	bench_pg_text(p, t->name);
	bench_pg_text(p, t->phones);
	bench_pg_null(p);
	bench_pg_null(p);
}

static void p_life(bench_pg_params *p, int64_t id, csvc_time_us now)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
	bench_pg_int(p, 2);
	bench_pg_int(p, now);
}

static void p_event(bench_pg_params *p, int64_t id, csvc_time_us now)
{
	bench_pg_params_clear(p);
	bench_pg_int(p, id);
	bench_pg_text(p, "created");
	bench_pg_text(p, "bench");
	bench_pg_int(p, now);
	bench_pg_null(p);
}

/* One statement per round trip; `batch` creates per transaction (1: each
 * its own, as a call outside a transaction runs). */
static double pg_raw_create(PGconn *c, int from, int n, int batch)
{
	csvc_time_us now = 1767225600LL * 1000000 + from;
	bench_pg_params p;
	int64_t first_event = 0;
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		if (i % batch == 0)
			bench_pg_run_void(c, "begin", NULL);
		customer_texts t;
		texts_of(i, &t);
		now++;
		p_insert(&p, &t, now);
		int64_t id = bench_pg_run_int(c, "ins", &p);
		p_contact(&p, &t, id);
		bench_pg_run_void(c, "contact", &p);
		p_search(&p, &t, id);
		bench_pg_run_void(c, "search", &p);
		p_life(&p, id, now);
		bench_pg_run_void(c, "life", &p);
		p_event(&p, id, now);
		int64_t ev = bench_pg_run_int(c, "event", &p);
		if (i % batch == 0)
			first_event = ev;
		if (i % batch == batch - 1 || i == from + n - 1) {
			bench_pg_feed_append(c, 2, first_event, ev - first_event + 1);
			bench_pg_run_void(c, "commit", NULL);
		}
	}
	return bench_seconds() - t0;
}

/* The same statements, each create in one transaction, in pipeline mode:
 * three round trips (the insert that gives the id; the rows that need it,
 * the feed's lock and head; the feed row and the commit). */
static double pg_pipe_create(PGconn *c, int from, int n)
{
	csvc_time_us now = 1767225600LL * 1000000 + from;
	bench_pg_params p;
	PGresult *r[8];
	bench_pg_pipeline_begin(c);
	double t0 = bench_seconds();
	for (int i = from; i < from + n; i++) {
		customer_texts t;
		texts_of(i, &t);
		now++;
		bench_pg_send(c, "begin", NULL);
		p_insert(&p, &t, now);
		bench_pg_send(c, "ins", &p);
		bench_pg_sync(c, 2, r);
		int64_t id = bench_pg_getint(r[1], 0, 0);
		bench_pg_clear(r, 2);
		p_contact(&p, &t, id);
		bench_pg_send(c, "contact", &p);
		p_search(&p, &t, id);
		bench_pg_send(c, "search", &p);
		p_life(&p, id, now);
		bench_pg_send(c, "life", &p);
		p_event(&p, id, now);
		bench_pg_send(c, "event", &p);
		bench_pg_send(c, "feed_lock", NULL);
		bench_pg_send(c, "feed_notify", NULL);
		bench_pg_send(c, "feed_head", NULL);
		bench_pg_sync(c, 7, r);
		int64_t ev = bench_pg_getint(r[3], 0, 0);
		int64_t head = PQntuples(r[6]) ? bench_pg_getint(r[6], 0, 0) : 0;
		bench_pg_clear(r, 7);
		bench_pg_params_clear(&p);
		bench_pg_int(&p, head + 1);
		bench_pg_feed_id(&p);
		bench_pg_int(&p, 2);
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

/* Copies every text of a result out, as a record would. */
static void pg_drain(const PGresult *r)
{
	for (int row = 0; row < PQntuples(r); row++)
		for (int col = 0; col < PQnfields(r); col++)
			if (!PQgetisnull(r, row, col))
				free(strdup(PQgetvalue(r, row, col)));
}

static const char *const LOADS[] = {"load", "l_contacts", "l_tags", "l_attrs", "l_ext", "l_life"};

/* The customer looked up at step i: spread over the n customers. */
static int pg_pick(int i, int n)
{
	return (int)(((uint64_t)(unsigned)i * 2654435761u) % (unsigned)n);
}

static double pg_lib_lookup(csvc_store *s, int n, int from, int k)
{
	double t0 = bench_seconds();
	for (int i = from; i < from + k; i++) {
		char phone[32];
		phone_of(pg_pick(i, n), phone, sizeof(phone));
		csvc_customer *c = NULL;
		if (csvc_customer_find_by_phone(s, phone, &c))
			bench_die("find");
		csvc_customer_free(c);
	}
	return bench_seconds() - t0;
}

static double pg_raw_lookup(PGconn *c, int n, int from, int k, int pipeline)
{
	bench_pg_params p;
	PGresult *r[6];
	if (pipeline)
		bench_pg_pipeline_begin(c);
	double t0 = bench_seconds();
	for (int i = from; i < from + k; i++) {
		char phone[32], norm[40];
		phone_of(pg_pick(i, n), phone, sizeof(phone));
		snprintf(norm, sizeof(norm), "+86%s", phone);
		bench_pg_params_clear(&p);
		bench_pg_int(&p, 1);
		bench_pg_text(&p, norm);
		int64_t id;
		if (pipeline) {
			bench_pg_send(c, "find", &p);
			bench_pg_sync(c, 1, r);
			id = bench_pg_getint(r[0], 0, 0);
			PQclear(r[0]);
		} else {
			id = bench_pg_run_int(c, "find", &p);
		}
		if (!id)
			exit(1);
		bench_pg_params_clear(&p);
		bench_pg_int(&p, id);
		for (int q = 0; q < 6; q++) {
			if (pipeline) {
				bench_pg_send(c, LOADS[q], &p);
			} else {
				PGresult *one = bench_pg_run(c, LOADS[q], &p);
				pg_drain(one);
				PQclear(one);
			}
		}
		if (pipeline) {
			bench_pg_sync(c, 6, r);
			for (int q = 0; q < 6; q++)
				pg_drain(r[q]);
			bench_pg_clear(r, 6);
		}
	}
	double dt = bench_seconds() - t0;
	if (pipeline)
		bench_pg_pipeline_end(c);
	return dt;
}

/* Opens the library's store in a schema of its own. */
static csvc_store *pg_lib_open(const char *conninfo, const char *schema, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = bench_tick;
	o.clock_userdata = clock;
	bench_pg_options(&o, conninfo, schema);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, "", &o))
		bench_die("open");
	return s;
}

int bench_customers_pg(double scale, const char *dir, const char *pg)
{
	(void)dir;
	/* Each create its own transaction (a call as an application makes
	 * it), then creates in transactions of BATCH. */
	int n_single = (int)(5000 * scale), n_batch = (int)(50000 * scale);
	if (n_single < 100)
		n_single = 100;
	if (n_batch < 1000)
		n_batch = 1000;
	for (int batched = 0; batched < 2; batched++) {
		int count = batched ? n_batch : n_single, batch = batched ? BATCH : 1;
		const char *tag = batched ? "batched" : "single";
		csvc_time_us clock = 1767225600LL * 1000000;
		char side[32];
		snprintf(side, sizeof(side), "%s_lib", tag);
		csvc_store *s = pg_lib_open(pg, bench_pg_schema("customers", side), &clock);
		snprintf(side, sizeof(side), "%s_raw", tag);
		PGconn *raw = pg_raw_open(pg, bench_pg_schema("customers", side));
		PGconn *pipe = NULL;
		if (!batched) {
			snprintf(side, sizeof(side), "%s_pipe", tag);
			pipe = pg_raw_open(pg, bench_pg_schema("customers", side));
		}
		/* The sides alternate in short chunks, each chunk starting with
		 * the next side, so that all meet the same load of the machine
		 * and the server. */
		int chunk = batched ? BATCH : 10;
		bench_samples m_raw = {0}, m_lib = {0}, m_pipe = {0};
		int64_t trips = 0, pipe_trips = 0;
		for (int from = 0, turn = 0; from < count; from += chunk, turn++) {
			int k = count - from < chunk ? count - from : chunk;
			for (int j = 0; j < 3; j++) {
				int64_t before = bench_pg_round_trips;
				switch ((turn + j) % 3) {
				case 0:
					bench_sample(&m_raw, pg_raw_create(raw, from, k, batch), k);
					trips += bench_pg_round_trips - before;
					break;
				case 1:
					if (pipe) {
						bench_sample(&m_pipe, pg_pipe_create(pipe, from, k), k);
						pipe_trips += bench_pg_round_trips - before;
					}
					break;
				default: bench_sample(&m_lib, lib_create(s, from, k, batch), k);
				}
			}
		}
		const char *name = batched ? "customer.create_batched" : "customer.create";
		bench_pg_report(name, 1, bench_median(&m_lib), bench_median(&m_raw), bench_median(&m_pipe), "ops/s");
		char label[96];
		snprintf(label, sizeof(label), "pg.%s.libpq.round_trips", name);
		bench_figure(label, (double)trips / count, "per create");
		if (pipe) {
			snprintf(label, sizeof(label), "pg.%s.libpq_pipeline.round_trips", name);
			bench_figure(label, (double)pipe_trips / count, "per create");
		}
		if (batched) {
			int lookups = count < 10000 ? count : 10000;
			bench_samples l_lib = {0}, l_raw = {0}, l_pipe = {0};
			int64_t per = 0, per_pipe = 0;
			for (int from = 0, turn = 0; from < lookups; from += 20, turn++) {
				int k = lookups - from < 20 ? lookups - from : 20;
				for (int j = 0; j < 3; j++) {
					int64_t before = bench_pg_round_trips;
					switch ((turn + j) % 3) {
					case 0:
						bench_sample(&l_raw, pg_raw_lookup(raw, count, from, k, 0), k);
						per += bench_pg_round_trips - before;
						break;
					case 1:
						bench_sample(&l_pipe, pg_raw_lookup(raw, count, from, k, 1), k);
						per_pipe += bench_pg_round_trips - before;
						break;
					default: bench_sample(&l_lib, pg_lib_lookup(s, count, from, k), k);
					}
				}
			}
			bench_pg_report("customer.find_by_phone", 1, bench_median(&l_lib), bench_median(&l_raw),
			                bench_median(&l_pipe), "ops/s");
			bench_figure("pg.customer.find_by_phone.libpq.round_trips", (double)per / lookups, "per lookup");
			bench_figure("pg.customer.find_by_phone.libpq_pipeline.round_trips", (double)per_pipe / lookups,
			             "per lookup");
		}
		PQfinish(raw);
		if (pipe)
			PQfinish(pipe);
		csvc_store_close(s);
	}
	bench_pg_drop_schemas();
	return 0;
}
#endif
