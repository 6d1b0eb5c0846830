/*
 * The raw-libpq helpers of the benchmark (see bench-raw-pg.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-raw-pg.h"

static void fail(PGconn *c, const PGresult *r, const char *what)
{
	const char *msg = r ? PQresultErrorMessage(r) : NULL;
	if (!msg || !*msg)
		msg = c ? PQerrorMessage(c) : "no connection";
	fprintf(stderr, "bench: libpq: %s: %s", what, msg);
	if (!*msg || msg[strlen(msg) - 1] != '\n')
		fputc('\n', stderr);
	exit(1);
}

static int good(const PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);
	return r && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY ||
	             s == PGRES_PIPELINE_SYNC);
}

int64_t bench_pg_round_trips;

/* ---- parameters ---- */

static void room(bench_pg_params *p)
{
	if (p->n >= BENCH_PG_MAX_PARAMS) {
		fprintf(stderr, "bench: libpq: more than %d parameters\n", BENCH_PG_MAX_PARAMS);
		exit(1);
	}
}

void bench_pg_int(bench_pg_params *p, int64_t v)
{
	room(p);
	snprintf(p->numbers[p->n], sizeof(p->numbers[0]), "%" PRId64, v);
	p->values[p->n] = p->numbers[p->n];
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

void bench_pg_text(bench_pg_params *p, const char *v)
{
	room(p);
	p->values[p->n] = v;
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

void bench_pg_null(bench_pg_params *p)
{
	room(p);
	p->values[p->n] = NULL;
	p->lengths[p->n] = 0;
	p->formats[p->n] = 0;
	p->n++;
}

void bench_pg_blob(bench_pg_params *p, const void *v, int len)
{
	room(p);
	p->values[p->n] = v;
	p->lengths[p->n] = len;
	p->formats[p->n] = 1;
	p->n++;
}

/* ---- schemas ---- */

static char schemas[64][64];
static int n_schemas;
static const char *drop_conninfo;
static long owner;

static void drop_at_exit(void)
{
	bench_pg_drop_schemas();
}

const char *bench_pg_schema(const char *section, const char *side)
{
	if (n_schemas == 64) {
		fprintf(stderr, "bench: too many schemas\n");
		exit(1);
	}
	if (!owner) {
		owner = (long)getpid();
		atexit(drop_at_exit);
	}
	snprintf(schemas[n_schemas], sizeof(schemas[0]), "bench_%s_%s_%ld", section, side, owner);
	return schemas[n_schemas++];
}

void bench_pg_options(csvc_store_options *o, const char *conninfo, const char *schema)
{
	drop_conninfo = conninfo;
	o->pg_conninfo = conninfo;
	o->pg_schema = schema;
}

void bench_pg_drop_schemas(void)
{
	/* A forked client never drops what its parent named. */
	if (!n_schemas || !drop_conninfo || (long)getpid() != owner)
		return;
	const char *keep = getenv("CSVC_BENCH_KEEP_SCHEMAS");
	if (keep && *keep && strcmp(keep, "0") != 0) {
		for (int i = 0; i < n_schemas; i++)
			fprintf(stderr, "bench: kept schema %s\n", schemas[i]);
		n_schemas = 0;
		return;
	}
	PGconn *c = PQconnectdb(drop_conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench: cannot drop the benchmark's schemas: %s", PQerrorMessage(c));
		PQfinish(c);
		return;
	}
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	for (int i = 0; i < n_schemas; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", schemas[i]);
		PGresult *r = PQexec(c, sql);
		if (!good(r))
			fprintf(stderr, "bench: %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	}
	PQfinish(c);
	n_schemas = 0;
}

/* ---- statements ---- */

PGconn *bench_pg_connect(const char *conninfo, const char *schema)
{
	drop_conninfo = conninfo;
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		fail(c, NULL, "connect");
	const char *v[1] = {schema};
	PGresult *r = PQexecParams(c,
	                           "SELECT set_config('search_path', quote_ident($1) || ', ' || "
	                           "quote_ident(coalesce((SELECT n.nspname FROM pg_catalog.pg_extension e "
	                           "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
	                           "WHERE e.extname = 'pg_trgm'), 'public')), false)",
	                           1, NULL, v, NULL, NULL, 0);
	if (!good(r))
		fail(c, r, "search_path");
	PQclear(r);
	bench_pg_exec(c, "SET bytea_output = hex; SET extra_float_digits = 3; SET jit = off");
	return c;
}

void bench_pg_exec(PGconn *c, const char *sql)
{
	bench_pg_round_trips++;
	if (!PQsendQuery(c, sql))
		fail(c, NULL, sql);
	PGresult *r;
	while ((r = PQgetResult(c)) != NULL) {
		if (!good(r))
			fail(c, r, sql);
		PQclear(r);
	}
}

void bench_pg_prepare(PGconn *c, const char *name, const char *sql)
{
	PGresult *r = PQprepare(c, name, sql, 0, NULL);
	if (!good(r)) {
		fprintf(stderr, "bench: preparing %s\n", sql);
		fail(c, r, name);
	}
	PQclear(r);
}

PGresult *bench_pg_run(PGconn *c, const char *name, const bench_pg_params *p)
{
	bench_pg_round_trips++;
	PGresult *r = PQexecPrepared(c, name, p ? p->n : 0, p ? p->values : NULL, p ? p->lengths : NULL,
	                             p ? p->formats : NULL, 0);
	if (!good(r))
		fail(c, r, name);
	return r;
}

void bench_pg_run_void(PGconn *c, const char *name, const bench_pg_params *p)
{
	PQclear(bench_pg_run(c, name, p));
}

int64_t bench_pg_getint(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

int64_t bench_pg_run_int(PGconn *c, const char *name, const bench_pg_params *p)
{
	PGresult *r = bench_pg_run(c, name, p);
	if (PQntuples(r) < 1) {
		fprintf(stderr, "bench: libpq: %s returned no row\n", name);
		exit(1);
	}
	int64_t v = bench_pg_getint(r, 0, 0);
	PQclear(r);
	return v;
}

int64_t bench_pg_value(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (!good(r) || PQntuples(r) < 1)
		fail(c, r, sql);
	int64_t v = bench_pg_getint(r, 0, 0);
	PQclear(r);
	return v;
}

/* ---- pipeline mode ---- */

void bench_pg_pipeline_begin(PGconn *c)
{
	if (!PQenterPipelineMode(c))
		fail(c, NULL, "entering pipeline mode");
}

void bench_pg_send(PGconn *c, const char *name, const bench_pg_params *p)
{
	if (!PQsendQueryPrepared(c, name, p ? p->n : 0, p ? p->values : NULL, p ? p->lengths : NULL,
	                         p ? p->formats : NULL, 0))
		fail(c, NULL, name);
}

void bench_pg_sync(PGconn *c, int n, PGresult **out)
{
	bench_pg_round_trips++;
	if (!PQpipelineSync(c))
		fail(c, NULL, "pipeline sync");
	for (int i = 0; i < n; i++) {
		PGresult *r = PQgetResult(c);
		if (!good(r))
			fail(c, r, "a pipelined statement");
		if (out)
			out[i] = r;
		else
			PQclear(r);
		/* Each statement's results end with a NULL. */
		if ((r = PQgetResult(c)) != NULL)
			fail(c, r, "a pipelined statement returned more than one result");
	}
	PGresult *r = PQgetResult(c);
	if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
		fail(c, r, "pipeline sync");
	PQclear(r);
}

void bench_pg_clear(PGresult **r, int n)
{
	for (int i = 0; i < n; i++)
		PQclear(r[i]);
}

void bench_pg_pipeline_end(PGconn *c)
{
	if (!PQexitPipelineMode(c))
		fail(c, NULL, "leaving pipeline mode");
}

/* ---- the feed ---- */

#define FEED_LOCK "LOCK TABLE feed IN SHARE ROW EXCLUSIVE MODE"
#define FEED_NOTIFY "SELECT pg_notify('csvc_change', '')"

void bench_pg_prepare_feed(PGconn *c)
{
	bench_pg_prepare(c, "feed_lock", FEED_LOCK);
	bench_pg_prepare(c, "feed_notify", FEED_NOTIFY);
	bench_pg_prepare(c, "feed_head", "SELECT pos + count - 1 FROM feed ORDER BY pos DESC LIMIT 1");
	bench_pg_prepare(c, "feed_insert",
	                 "INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count) VALUES ($1,$2,$3,$4,$5,$6)");
}

void bench_pg_feed_id(bench_pg_params *p)
{
	static uint64_t x = 88172645463325252ull;
	uint64_t w[2];
	for (int i = 0; i < 2; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w[i] = x;
	}
	bench_pg_int(p, (int64_t)((w[0] & ~(uint64_t)0xf000) | 0x4000));
	bench_pg_int(p, (int64_t)((w[1] & ((UINT64_C(1) << 62) - 1)) | (UINT64_C(1) << 63)));
}

void bench_pg_feed_append(PGconn *c, int source, int64_t row_id, int64_t count)
{
	bench_pg_exec(c, FEED_LOCK "; " FEED_NOTIFY);
	PGresult *r = bench_pg_run(c, "feed_head", NULL);
	int64_t head = PQntuples(r) ? bench_pg_getint(r, 0, 0) : 0;
	PQclear(r);
	bench_pg_params p;
	bench_pg_params_clear(&p);
	bench_pg_int(&p, head + 1);
	bench_pg_feed_id(&p);
	bench_pg_int(&p, source);
	bench_pg_int(&p, row_id);
	bench_pg_int(&p, count);
	bench_pg_run_void(c, "feed_insert", &p);
}

/* ---- COPY ---- */

static void put(bench_pg_copy *cp, const char *s, size_t n)
{
	if (cp->len + n > cp->cap) {
		size_t cap = cp->cap ? cp->cap : 1 << 20;
		while (cp->len + n > cap)
			cap *= 2;
		cp->buf = realloc(cp->buf, cap);
		if (!cp->buf) {
			fprintf(stderr, "bench: out of memory\n");
			exit(1);
		}
		cp->cap = cap;
	}
	memcpy(cp->buf + cp->len, s, n);
	cp->len += n;
}

static void flush_copy(bench_pg_copy *cp)
{
	if (cp->len && PQputCopyData(cp->c, cp->buf, (int)cp->len) != 1)
		fail(cp->c, NULL, "COPY data");
	cp->len = 0;
}

static void sep(bench_pg_copy *cp)
{
	if (cp->fields++)
		put(cp, "\t", 1);
}

void bench_pg_copy_start(bench_pg_copy *cp, PGconn *c, const char *table, const char *columns)
{
	memset(cp, 0, sizeof(*cp));
	cp->c = c;
	char sql[2048];
	snprintf(sql, sizeof(sql), "COPY %s (%s) FROM STDIN", table, columns);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		fail(c, r, sql);
	PQclear(r);
}

void bench_pg_copy_int(bench_pg_copy *cp, int64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%" PRId64, v);
	sep(cp);
	put(cp, t, (size_t)n);
}

void bench_pg_copy_text(bench_pg_copy *cp, const char *v, size_t len)
{
	sep(cp);
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		const char *esc = NULL;
		switch (v[i]) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		default: continue;
		}
		put(cp, v + from, i - from);
		put(cp, esc, 2);
		from = i + 1;
	}
	put(cp, v + from, len - from);
}

void bench_pg_copy_blob(bench_pg_copy *cp, const void *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	sep(cp);
	put(cp, "\\\\x", 3); /* bytea's \x, its backslash escaped for COPY */
	const unsigned char *b = v;
	for (size_t i = 0; i < len; i++) {
		char two[2] = {hex[b[i] >> 4], hex[b[i] & 15]};
		put(cp, two, 2);
	}
}

void bench_pg_copy_null(bench_pg_copy *cp)
{
	sep(cp);
	put(cp, "\\N", 2);
}

void bench_pg_copy_row_end(bench_pg_copy *cp)
{
	put(cp, "\n", 1);
	cp->fields = 0;
	cp->rows++;
	if (cp->len >= (1 << 20))
		flush_copy(cp);
}

void bench_pg_copy_end(bench_pg_copy *cp)
{
	flush_copy(cp);
	if (PQputCopyEnd(cp->c, NULL) != 1)
		fail(cp->c, NULL, "COPY end");
	PGresult *r;
	while ((r = PQgetResult(cp->c)) != NULL) {
		if (!good(r))
			fail(cp->c, r, "COPY");
		PQclear(r);
	}
	free(cp->buf);
	cp->buf = NULL;
}
