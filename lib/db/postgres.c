/*
 * The PostgreSQL driver: the only file of the library that includes
 * <libpq-fe.h>. It connects to a server, maps SQLSTATEs to csvc codes,
 * and implements the operations of lib/db/db.h.
 *
 * Statements are prepared on the server (PQprepare) once, under a name
 * of their own on the connection ("csvc_<n>"), with their parameter types
 * left for the server to infer. Binds are kept in the statement until it
 * runs: integers and reals as text (exact: "%lld", "%.17g"), texts copied
 * as text, blobs as binary bytea. The first step runs the statement
 * (PQexecPrepared, text results) and keeps the whole result, later steps
 * walk its rows: a connection runs one query at a time, and the layer may
 * hold several statements open at once (a cursor and the writes of its
 * caller), so rows cannot be streamed from the server.
 *
 * A connection lost outside any transaction (the server restarted, a
 * proxy dropped an idle connection) is made again before the next command,
 * or when the command that found it lost ran outside a transaction: then
 * that command is sent once more (outside a transaction the library only
 * reads and begins; its writes all run inside one). The session is set up
 * as at the open, and statements prepared on the lost connection are
 * prepared again on first use (`generation`). Inside a transaction a lost
 * connection is an error (CSVC_ESTORAGE with libpq's reason): the server
 * rolled the transaction back, and the layer marks it aborted.
 *
 * A failed statement aborts a PostgreSQL transaction: nothing but a
 * rollback runs in it afterwards. The driver rolls it back at once, so the
 * connection is never left in that state, and in_transaction() then says
 * that no transaction is open: the layer marks its levels aborted
 * (csvc__db_begin, lib/db/db.c), as for a transaction SQLite rolled back
 * by itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/postgres.h"
#include "util/internal.h"

/* Type OIDs of the result columns the driver reads specially. */
#define OID_BOOL 16
#define OID_BYTEA 17

typedef struct pg_db {
	csvc__db base;
	PGconn *conn;
	uint64_t next_name; /* numbers the prepared statements' names */
	int64_t changes, total_changes;
	int listening;       /* LISTEN CSVC__DB_CHANGE_CHANNEL was run */
	int64_t notified;    /* notifications received on it: the data version */
	uint64_t generation; /* counts the times the connection was made again */
	int reconnecting;    /* the session is being set up again: no nested attempt */
	int session_broken;  /* a new connection's setup failed: make it again first */
	int lock_timeout_ms, async_commit, readonly; /* the session's settings */
	char schema[64];     /* the store's schema ("": none chosen) */
	/* The outermost BEGIN, not sent yet: it goes in one round trip with
	 * the transaction's first statement (a pipeline), and a transaction
	 * that sends nothing sends neither it nor its COMMIT. "": none. */
	char pending_begin[80];
} pg_db;

enum { PARAM_NULL, PARAM_NUMBER, PARAM_TEXT, PARAM_BLOB };

typedef struct pg_param {
	int kind;
	char number[32];  /* an integer or real, as text */
	char *text;       /* a copied text, NUL-terminated; `room` bytes */
	size_t room;
	const void *blob; /* the caller's bytes, valid until reset */
	size_t blob_len;
} pg_param;

typedef struct pg_stmt {
	csvc__stmt base;
	uint64_t number; /* its name on the server: csvc_<number> */
	char name[32];
	char *text;          /* kept to prepare it again on a new connection */
	int control;         /* CONTROL_BEGIN, CONTROL_END (COMMIT, ROLLBACK) or 0 */
	int bind_failed;     /* a bind ran out of memory: the next run fails */
	uint64_t generation; /* the connection's generation it was prepared on */
	PGresult *res; /* the result of the current run, or NULL */
	int row;       /* the current row of `res` */
	int done;      /* the run has returned CSVC__DONE */
	/* Decoded bytea values of the current row, one per column. */
	unsigned char **decoded;
	size_t *decoded_len;
	int ncols;
	pg_param *params;          /* nparams of them */
	const char **values;       /* PQexecPrepared's arrays */
	int *lengths, *formats;
} pg_stmt;

enum { CONTROL_BEGIN = 1, CONTROL_END = 2 };

#define PDB(db) ((pg_db *)(db))
#define PST(st) ((pg_stmt *)(st))

/* ---- errors ---- */

/* The csvc code of an SQLSTATE (NULL or "": the error came from libpq, not
 * from the server). */
static int code_of(PGconn *conn, const char *sqlstate)
{
	if (!sqlstate || !sqlstate[0]) {
		if (conn && PQstatus(conn) == CONNECTION_OK && strstr(PQerrorMessage(conn), "out of memory"))
			return CSVC_ENOMEM;
		return CSVC_ESTORAGE;
	}
	if (strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0 || strcmp(sqlstate, "55P03") == 0)
		return CSVC_EBUSY; /* serialization failure, deadlock, lock not available */
	if (strncmp(sqlstate, "23", 2) == 0)
		return CSVC_EEXISTS; /* integrity constraint violation */
	if (strcmp(sqlstate, "25006") == 0)
		return CSVC_EREADONLY; /* read-only SQL transaction */
	if (strcmp(sqlstate, "53200") == 0)
		return CSVC_ENOMEM; /* out of memory */
	if (strcmp(sqlstate, "XX001") == 0 || strcmp(sqlstate, "XX002") == 0)
		return CSVC_ECORRUPT; /* data or index corrupted */
	return CSVC_ESTORAGE; /* connection exceptions (08...) and the rest */
}

/* Copies `msg` without its trailing newlines into `out`. */
static void one_line(const char *msg, char *out, size_t size)
{
	snprintf(out, size, "%s", msg && *msg ? msg : "unknown error");
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
}

/* A server closed the connection, or was never reached. */
static int connection_error(PGconn *conn, const char *what)
{
	char msg[384];
	one_line(conn ? PQerrorMessage(conn) : "out of memory", msg, sizeof(msg));
	return csvc__error_engine(conn ? CSVC_ESTORAGE : CSVC_ENOMEM, CSVC__ENGINE_POSTGRES, 0, NULL,
	                          "%s: %s", what, msg);
}

/* After a failed command: a transaction the failure aborted is rolled
 * back now (see the file comment). The error record is not touched. */
static void end_failed_transaction(PGconn *conn)
{
	if (PQtransactionStatus(conn) == PQTRANS_INERROR)
		PQclear(PQexec(conn, "ROLLBACK"));
}

/* Sets the error record from the failed result `res` (NULL: libpq gave
 * none), ends a transaction the failure aborted, and returns the code. */
static int pg_error(PGconn *conn, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[384];
	one_line(primary ? primary : PQerrorMessage(conn), msg, sizeof(msg));
	int code = code_of(conn, state);
	int rc;
	if (code == CSVC_EBUSY)
		rc = csvc__error_engine(code, CSVC__ENGINE_POSTGRES, 0, state,
		                        "%s: the store is busy with another connection (%s)", what, msg);
	else
		rc = csvc__error_engine(code, CSVC__ENGINE_POSTGRES, 0, state, "%s: %s", what, msg);
	end_failed_transaction(conn);
	return rc;
}

/* 1 when `res` is a successful result. */
static int ok(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);
	return res && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY);
}

/* Counts the rows a successful INSERT, UPDATE, DELETE or MERGE changed,
 * as SQLite's changes() does: other commands leave the count alone. */
static void count_changes(pg_db *p, const PGresult *res)
{
	const char *tag = PQcmdStatus((PGresult *)res);
	if (!tag || !(strncmp(tag, "INSERT ", 7) == 0 || strncmp(tag, "UPDATE ", 7) == 0 ||
	              strncmp(tag, "DELETE ", 7) == 0 || strncmp(tag, "MERGE ", 6) == 0))
		return;
	const char *n = PQcmdTuples((PGresult *)res);
	p->changes = n && *n ? strtoll(n, NULL, 10) : 0;
	p->total_changes += p->changes;
}

/* ---- statements ---- */

static const csvc__db_ops pg_ops;

static void drop_decoded(pg_stmt *s)
{
	for (int i = 0; i < s->ncols; i++) {
		csvc__free(s->decoded[i]);
		s->decoded[i] = NULL;
	}
}

static void drop_result(pg_stmt *s)
{
	drop_decoded(s);
	csvc__free(s->decoded);
	csvc__free(s->decoded_len);
	s->decoded = NULL;
	s->decoded_len = NULL;
	s->ncols = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = 0;
	s->done = 0;
}

static void free_stmt(pg_stmt *s)
{
	drop_result(s);
	for (int i = 0; s->params && i < s->base.nparams; i++)
		csvc__free(s->params[i].text);
	csvc__free(s->params);
	csvc__free(s->values);
	csvc__free(s->lengths);
	csvc__free(s->formats);
	csvc__free(s->text);
	csvc__free(s);
}

/* Drops the statement's prepared form on the server. */
static void deallocate(pg_db *p, const pg_stmt *s)
{
	char sql[48];
	snprintf(sql, sizeof(sql), "DEALLOCATE csvc_%llu", (unsigned long long)s->number);
	PQclear(PQexec(p->conn, sql));
}

/* ---- a lost connection made again (see the file comment) ---- */

static int session_setup(pg_db *p);

static int reconnect(pg_db *p)
{
	p->reconnecting = 1;
	PQreset(p->conn);
	int rc;
	if (PQstatus(p->conn) != CONNECTION_OK) {
		rc = connection_error(p->conn, "the connection to the PostgreSQL server was lost and could not be made "
		                               "again");
	} else {
		/* A new session: the old one's prepared statements are gone,
		 * whatever happens next, and commits while the connection was
		 * down were not notified, so whoever waits looks again. */
		p->generation++;
		p->notified++;
		rc = session_setup(p);
	}
	/* A session whose setup failed (its schema, its LISTEN) must not run
	 * anything: the next command makes the connection again. */
	p->session_broken = rc != CSVC_OK;
	p->reconnecting = 0;
	return rc;
}

/* Before a command: a connection found lost while no transaction is open
 * is made again. */
static int ensure_connected(pg_db *p)
{
	if ((PQstatus(p->conn) == CONNECTION_OK && !p->session_broken) ||
	    (p->base.depth > 0 && !p->pending_begin[0]) || p->reconnecting)
		return CSVC_OK;
	return reconnect(p);
}

/* After a failed command: the connection was lost, and no transaction
 * was open before the command (`before`), so sending it again on a new
 * connection is what the caller asked for. */
static int lost_outside_transaction(const pg_db *p, PGTransactionStatusType before)
{
	return before == PQTRANS_IDLE && PQstatus(p->conn) == CONNECTION_BAD &&
	       (p->base.depth == 0 || p->pending_begin[0]) && !p->reconnecting;
}

/* Prepares `s` under its name, on the current connection. */
static int prepare_on_server(pg_db *p, pg_stmt *s)
{
	PGresult *res = PQprepare(p->conn, s->name, s->text, 0, NULL);
	int rc = ok(res) ? CSVC_OK : pg_error(p->conn, res, "preparing a statement");
	PQclear(res);
	if (!rc)
		s->generation = p->generation;
	return rc;
}

static int pg_prepare(csvc__db *db, const char *text, csvc__stmt **out)
{
	pg_db *p = PDB(db);
	int rc = ensure_connected(p);
	if (rc)
		return rc;
	pg_stmt *s = csvc__calloc(1, sizeof(*s));
	if (!s || csvc__strdup(text, &s->text)) {
		csvc__free(s);
		return csvc__error(CSVC_ENOMEM, "out of memory preparing a statement");
	}
	s->number = ++p->next_name;
	snprintf(s->name, sizeof(s->name), "csvc_%llu", (unsigned long long)s->number);
	if (strncmp(text, "BEGIN ", 6) == 0 && strlen(text) < sizeof(p->pending_begin))
		s->control = CONTROL_BEGIN;
	else if (strcmp(text, "COMMIT") == 0 || strcmp(text, "ROLLBACK") == 0)
		s->control = CONTROL_END;
	PGTransactionStatusType before = PQtransactionStatus(p->conn);
	if ((rc = prepare_on_server(p, s)) && lost_outside_transaction(p, before)) {
		csvc__error_clear();
		if (!(rc = reconnect(p)))
			rc = prepare_on_server(p, s);
	}
	if (rc) {
		free_stmt(s);
		return rc;
	}
	PGresult *res;
	/* The server knows how many parameters the text has: $1..$n, the
	 * highest n it uses. */
	res = PQdescribePrepared(p->conn, s->name);
	if (!ok(res)) {
		rc = pg_error(p->conn, res, "preparing a statement");
		PQclear(res);
		free_stmt(s);
		return rc;
	}
	int n = PQnparams(res);
	PQclear(res);
	s->base.ops = &pg_ops;
	s->base.db = db;
	s->base.nparams = n;
	if (n > 0) {
		s->params = csvc__calloc((size_t)n, sizeof(*s->params));
		s->values = csvc__calloc((size_t)n, sizeof(*s->values));
		s->lengths = csvc__calloc((size_t)n, sizeof(*s->lengths));
		s->formats = csvc__calloc((size_t)n, sizeof(*s->formats));
		if (!s->params || !s->values || !s->lengths || !s->formats) {
			deallocate(p, s);
			free_stmt(s);
			return csvc__error(CSVC_ENOMEM, "out of memory preparing a statement");
		}
	}
	*out = &s->base;
	return CSVC_OK;
}

static void pg_finalize(csvc__stmt *st)
{
	pg_stmt *s = PST(st);
	pg_db *p = PDB(st->db);
	/* A closing connection drops its prepared statements with it. */
	if (p->conn && !st->db->closing && PQstatus(p->conn) == CONNECTION_OK &&
	    PQtransactionStatus(p->conn) != PQTRANS_INERROR && s->generation == p->generation)
		deallocate(p, s);
	free_stmt(s);
}

/* Runs the statement with its binds and keeps the result. */
/* A run that sends nothing: an empty command result. */
static int run_nothing(pg_stmt *s)
{
	s->res = PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK);
	if (!s->res)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	s->row = -1;
	s->ncols = 0;
	return CSVC_OK;
}

/* libpq 14 and later have pipeline mode; with an older libpq the
 * outermost BEGIN is sent by itself, as any statement. */
#ifdef LIBPQ_HAS_PIPELINING
#define DEFER_BEGIN 1
#else
#define DEFER_BEGIN 0
#define PQenterPipelineMode(c) ((void)(c), 0)
#define PQexitPipelineMode(c) ((void)(c), 0)
#define PQpipelineSync(c) ((void)(c), 0)
#define PGRES_PIPELINE_SYNC PGRES_COMMAND_OK
#endif

/* Runs `s` after the pending BEGIN, both in one round trip (libpq's
 * pipeline mode). Returns the statement's result, or the BEGIN's when it
 * failed, or NULL. The BEGIN stays pending when the connection was lost
 * before it ran, so that it is sent again with the statement on a new
 * connection. */
static PGresult *run_after_begin(pg_db *p, pg_stmt *s)
{
	PGconn *c = p->conn;
	PGresult *begin = NULL, *res = NULL;
	if (!PQenterPipelineMode(c))
		return NULL;
	if (PQsendQueryParams(c, p->pending_begin, 0, NULL, NULL, NULL, NULL, 0) &&
	    PQsendQueryPrepared(c, s->name, s->base.nparams, s->values, s->lengths, s->formats, 0) &&
	    PQpipelineSync(c)) {
		/* The BEGIN's result, the statement's, each followed by NULL, then
		 * the sync point. Two NULLs in a row: nothing more will come. */
		int nulls = 0;
		for (;;) {
			PGresult *r = PQgetResult(c);
			if (!r) {
				if (++nulls == 2)
					break;
				continue;
			}
			nulls = 0;
			if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
				PQclear(r);
				break;
			}
			if (!begin)
				begin = r;
			else if (!res)
				res = r;
			else
				PQclear(r);
		}
	}
	(void)PQexitPipelineMode(c);
	if (begin && PQresultStatus(begin) == PGRES_COMMAND_OK) {
		p->pending_begin[0] = 0;
		PQclear(begin);
		return res;
	}
	if (PQstatus(c) == CONNECTION_OK)
		p->pending_begin[0] = 0; /* the server refused the BEGIN */
	PQclear(res);
	return begin;
}

static int run(pg_stmt *s)
{
	pg_db *p = PDB(s->base.db);
	/* The outermost BEGIN waits for the transaction's first statement;
	 * the COMMIT or ROLLBACK of a transaction that sent nothing sends
	 * nothing either. */
	if (DEFER_BEGIN && s->control == CONTROL_BEGIN && p->base.depth == 0 && !p->pending_begin[0] && !s->bind_failed &&
	    PQstatus(p->conn) == CONNECTION_OK && !p->session_broken &&
	    PQtransactionStatus(p->conn) == PQTRANS_IDLE) {
		snprintf(p->pending_begin, sizeof(p->pending_begin), "%s", s->text);
		return run_nothing(s);
	}
	if (s->control == CONTROL_END && p->pending_begin[0]) {
		p->pending_begin[0] = 0;
		return run_nothing(s);
	}
	for (int i = 0; i < s->base.nparams; i++) {
		pg_param *a = &s->params[i];
		s->formats[i] = 0;
		s->lengths[i] = 0;
		switch (a->kind) {
		case PARAM_NUMBER:
			s->values[i] = a->number;
			break;
		case PARAM_TEXT:
			s->values[i] = a->text;
			break;
		case PARAM_BLOB:
			s->values[i] = a->blob_len ? a->blob : "";
			s->lengths[i] = (int)a->blob_len;
			s->formats[i] = 1;
			break;
		default:
			s->values[i] = NULL;
		}
	}
	if (s->bind_failed) {
		s->bind_failed = 0;
		return csvc__error(CSVC_ENOMEM, "out of memory binding a statement's text: it was not run");
	}
	int rc = ensure_connected(p);
	if (rc || (s->generation != p->generation && (rc = prepare_on_server(p, s))))
		return rc;
	PGTransactionStatusType before = PQtransactionStatus(p->conn);
	PGresult *res = p->pending_begin[0]
	                    ? run_after_begin(p, s)
	                    : PQexecPrepared(p->conn, s->name, s->base.nparams, s->values, s->lengths, s->formats, 0);
	if (!ok(res) && lost_outside_transaction(p, before)) {
		PQclear(res);
		if ((rc = reconnect(p)) || (rc = prepare_on_server(p, s)))
			return rc;
		res = p->pending_begin[0]
		          ? run_after_begin(p, s)
		          : PQexecPrepared(p->conn, s->name, s->base.nparams, s->values, s->lengths, s->formats, 0);
	}
	if (!ok(res)) {
		rc = pg_error(p->conn, res, "executing a statement");
		PQclear(res);
		return rc;
	}
	count_changes(p, res);
	s->res = res;
	s->row = -1;
	s->ncols = PQnfields(res);
	if (s->ncols > 0) {
		s->decoded = csvc__calloc((size_t)s->ncols, sizeof(*s->decoded));
		s->decoded_len = csvc__calloc((size_t)s->ncols, sizeof(*s->decoded_len));
		if (!s->decoded || !s->decoded_len) {
			s->ncols = 0;
			drop_result(s);
			return csvc__error(CSVC_ENOMEM, "out of memory reading a result");
		}
	}
	return CSVC_OK;
}

static int decode_row(pg_stmt *s);

static int pg_step(csvc__stmt *st)
{
	pg_stmt *s = PST(st);
	if (s->done)
		drop_result(s); /* a finished run starts again, as on SQLite */
	if (!s->res) {
		int rc = run(s);
		if (rc)
			return rc;
	}
	drop_decoded(s);
	if (PQresultStatus(s->res) == PGRES_TUPLES_OK && s->row + 1 < PQntuples(s->res)) {
		s->row++;
		int rc = decode_row(s);
		if (rc) {
			/* As a failed step on SQLite: the statement starts again. */
			drop_result(s);
			return rc;
		}
		return CSVC__ROW;
	}
	s->done = 1;
	return CSVC__DONE;
}

static void pg_reset(csvc__stmt *st)
{
	drop_result(PST(st));
}

static void pg_clear(csvc__stmt *st)
{
	pg_stmt *s = PST(st);
	for (int i = 0; i < st->nparams; i++)
		s->params[i].kind = PARAM_NULL;
	s->bind_failed = 0;
}

/* The bind slot of $n, or NULL (error set). */
static pg_param *param(csvc__stmt *st, int n)
{
	if (n < 1 || n > st->nparams) {
		csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_POSTGRES, 0, NULL,
		                   "binding a value: the statement has no parameter $%d", n);
		return NULL;
	}
	return &PST(st)->params[n - 1];
}

static int pg_bind_int(csvc__stmt *st, int n, int64_t v)
{
	pg_param *a = param(st, n);
	if (!a)
		return CSVC_ESTORAGE;
	a->kind = PARAM_NUMBER;
	snprintf(a->number, sizeof(a->number), "%" PRId64, v);
	return CSVC_OK;
}

static int pg_bind_double(csvc__stmt *st, int n, double v)
{
	pg_param *a = param(st, n);
	if (!a)
		return CSVC_ESTORAGE;
	a->kind = PARAM_NUMBER;
	if (isnan(v))
		snprintf(a->number, sizeof(a->number), "NaN");
	else if (isinf(v))
		snprintf(a->number, sizeof(a->number), "%sInfinity", v < 0 ? "-" : "");
	else
		snprintf(a->number, sizeof(a->number), "%.17g", v); /* 17 digits: exact */
	return CSVC_OK;
}

static int pg_bind_text(csvc__stmt *st, int n, const char *text, size_t len)
{
	pg_param *a = param(st, n);
	if (!a)
		return CSVC_ESTORAGE;
	if (!text) {
		a->kind = PARAM_NULL; /* as SQLite binds a NULL text */
		return CSVC_OK;
	}
	if (len > INT_MAX)
		return csvc__error(CSVC_ERANGE, "a text of %zu bytes is too long to store", len);
	if (memchr(text, '\0', len))
		return csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_POSTGRES, 0, NULL,
		                          "binding a value: PostgreSQL text cannot hold a NUL character");
	/* libpq sends a text parameter up to its NUL: the text is copied. */
	if (a->room < len + 1) {
		char *grown = csvc__realloc(a->text, len + 1);
		if (!grown) {
			/* The modules do not check binds (SQLite's cannot fail
			 * for memory with static texts): the run refuses. */
			PST(st)->bind_failed = 1;
			return csvc__error(CSVC_ENOMEM, "out of memory binding a text");
		}
		a->text = grown;
		a->room = len + 1;
	}
	memcpy(a->text, text, len);
	a->text[len] = '\0';
	a->kind = PARAM_TEXT;
	return CSVC_OK;
}

static int pg_bind_blob(csvc__stmt *st, int n, const void *data, size_t len)
{
	pg_param *a = param(st, n);
	if (!a)
		return CSVC_ESTORAGE;
	if (len > INT_MAX)
		return csvc__error(CSVC_ERANGE, "a blob of %zu bytes is too long to store", len);
	a->kind = PARAM_BLOB;
	a->blob = data;
	a->blob_len = len;
	return CSVC_OK;
}

static int pg_bind_null(csvc__stmt *st, int n)
{
	pg_param *a = param(st, n);
	if (!a)
		return CSVC_ESTORAGE;
	a->kind = PARAM_NULL;
	return CSVC_OK;
}

/* PostgreSQL's search fragments compare the text itself (strpos() on the
 * folded text, or ILIKE with the pattern built in SQL): there is no
 * full-text index to phrase it for. */
static int pg_bind_search(csvc__stmt *st, int n, const char *text)
{
	return pg_bind_text(st, n, text, strlen(text));
}

/* The current row's value of column `col`, or NULL for SQL NULL or no
 * such column or row. */
static const char *value(pg_stmt *s, int col)
{
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col < 0 || col >= s->ncols ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int pg_is_null(csvc__stmt *st, int col)
{
	return value(PST(st), col) == NULL;
}

static int64_t pg_col_int(csvc__stmt *st, int col)
{
	pg_stmt *s = PST(st);
	const char *v = value(s, col);
	if (!v)
		return 0;
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't';
	char *end;
	errno = 0;
	long long i = strtoll(v, &end, 10);
	if (*end == '\0' && errno == 0)
		return (int64_t)i;
	/* A real, a numeric with a fraction, or out of range: as SQLite
	 * reads a real as an integer, truncated and clamped. */
	double d = strtod(v, NULL);
	if (isnan(d))
		return 0;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

static double pg_col_double(csvc__stmt *st, int col)
{
	pg_stmt *s = PST(st);
	const char *v = value(s, col);
	if (!v)
		return 0.0;
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't' ? 1.0 : 0.0;
	return strtod(v, NULL); /* reads "Infinity" and "NaN" too */
}

/* The bytes of a bytea column of the current row, decoded from its hex
 * text form ("\x0a1b..."), with a NUL after them; NULL for SQL NULL. */
/* The bytea column `col` of the current row, decoded by decode_row (NULL:
 * SQL NULL, or not the hex format the session asked for). */
static const unsigned char *bytea(pg_stmt *s, int col, size_t *len)
{
	*len = s->decoded[col] ? s->decoded_len[col] : 0;
	return s->decoded[col];
}

/* Decodes the bytea columns of the row the statement moved to, so that
 * reading a column never allocates: CSVC_ENOMEM here, from the step. */
static int decode_row(pg_stmt *s)
{
	for (int col = 0; col < s->ncols; col++) {
		if (PQftype(s->res, col) != OID_BYTEA || PQgetisnull(s->res, s->row, col))
			continue;
		const char *v = PQgetvalue(s->res, s->row, col);
		size_t n = (size_t)PQgetlength(s->res, s->row, col);
		if (n < 2 || v[0] != '\\' || v[1] != 'x')
			continue; /* not the hex format the session asked for */
		unsigned char *out = csvc__malloc((n - 2) / 2 + 1);
		if (!out) {
			drop_decoded(s);
			return csvc__error(CSVC_ENOMEM, "out of memory reading a row");
		}
		size_t o = 0;
		for (size_t i = 2; i + 1 < n; i += 2) {
			int hi = csvc__hex_digit(v[i]), lo = csvc__hex_digit(v[i + 1]);
			if (hi < 0 || lo < 0)
				break;
			out[o++] = (unsigned char)(hi << 4 | lo);
		}
		out[o] = '\0';
		s->decoded[col] = out;
		s->decoded_len[col] = o;
	}
	return CSVC_OK;
}

static const char *pg_col_text(csvc__stmt *st, int col)
{
	pg_stmt *s = PST(st);
	if (s->res && col >= 0 && col < s->ncols && PQftype(s->res, col) == OID_BYTEA) {
		size_t len;
		return (const char *)bytea(s, col, &len);
	}
	return value(s, col);
}

static const void *pg_col_blob(csvc__stmt *st, int col, size_t *len)
{
	pg_stmt *s = PST(st);
	*len = 0;
	const char *v = value(s, col);
	if (!v)
		return NULL;
	if (PQftype(s->res, col) == OID_BYTEA)
		return bytea(s, col, len);
	*len = (size_t)PQgetlength(s->res, s->row, col);
	return v;
}

/* ---- connection ---- */

static int exec_once(pg_db *p, const char *text);
static int exec_after_begin(pg_db *p, const char *text);

static int pg_exec(csvc__db *db, const char *text, int internals)
{
	(void)internals; /* nothing of PostgreSQL's own is off limits */
	pg_db *p = PDB(db);
	int rc = ensure_connected(p);
	if (rc)
		return rc;
	PGTransactionStatusType before = PQtransactionStatus(p->conn);
	if ((rc = exec_after_begin(p, text)) && lost_outside_transaction(p, before)) {
		csvc__error_clear();
		if (!(rc = reconnect(p)))
			rc = exec_after_begin(p, text);
	}
	return rc;
}

/* A pending BEGIN sent by itself, before a command that cannot take it
 * along. */
static int send_pending_begin(pg_db *p)
{
	if (!p->pending_begin[0])
		return CSVC_OK;
	int rc = exec_once(p, p->pending_begin);
	if (rc && PQstatus(p->conn) != CONNECTION_OK)
		return rc; /* lost: the BEGIN is sent again on a new connection */
	p->pending_begin[0] = 0;
	return rc;
}

/* exec_once() after a pending BEGIN, sent by itself: a text may hold
 * several statements, which pipeline mode does not take (the texts run
 * this way are migrations, locks and maintenance: few). */
static int exec_after_begin(pg_db *p, const char *text)
{
	int rc = send_pending_begin(p);
	return rc ? rc : exec_once(p, text);
}

static int exec_once(pg_db *p, const char *text)
{
	if (!PQsendQuery(p->conn, text))
		return connection_error(p->conn, "running a statement");
	/* Every statement of the text has its result: count the changes of
	 * each and keep the first failure. */
	int rc = CSVC_OK;
	PGresult *res;
	while ((res = PQgetResult(p->conn)) != NULL) {
		if (ok(res))
			count_changes(p, res);
		else if (rc == CSVC_OK) {
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			char msg[384];
			one_line(primary ? primary : PQerrorMessage(p->conn), msg, sizeof(msg));
			rc = csvc__error_engine(code_of(p->conn, state), CSVC__ENGINE_POSTGRES, 0, state, "%s", msg);
		}
		PQclear(res);
	}
	if (rc)
		end_failed_transaction(p->conn);
	return rc;
}

static int64_t pg_changes(csvc__db *db)
{
	return PDB(db)->changes;
}

static int64_t pg_total_changes(csvc__db *db)
{
	return PDB(db)->total_changes;
}

/* Open and usable: a transaction whose statement failed is rolled back
 * by the driver, so PQTRANS_INERROR is never seen here for long. */
static int pg_in_transaction(csvc__db *db)
{
	PGconn *conn = PDB(db)->conn;
	if (PDB(db)->pending_begin[0])
		return 1;
	if (!conn)
		return 0;
	PGTransactionStatusType t = PQtransactionStatus(conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_ACTIVE;
}

/* Runs `sql` (with `n` text parameters) and returns its result, or NULL
 * with the error set. */
static PGresult *query(pg_db *p, const char *sql, int n, const char *const *values, const char *what)
{
	if (send_pending_begin(p))
		return NULL;
	PGresult *res = PQexecParams(p->conn, sql, n, NULL, values, NULL, NULL, 0);
	if (ok(res))
		return res;
	pg_error(p->conn, res, what);
	PQclear(res);
	return NULL;
}

/* PostgreSQL has no header fields like SQLite's application_id and
 * user_version: the store keeps them in a table of one row, csvc_meta,
 * in the connection's current schema. */
static int pg_header(csvc__db *db, int64_t *app_id, int64_t *version, int64_t *objects)
{
	pg_db *p = PDB(db);
	PGresult *res = query(p,
	                      "SELECT (SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()), "
	                      "to_regclass(quote_ident(current_schema()) || '.csvc_meta') IS NOT NULL",
	                      0, NULL, "reading the store header");
	if (!res)
		return csvc_error_last()->code;
	*objects = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	int has_meta = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	*app_id = 0;
	*version = 0;
	if (!has_meta)
		return CSVC_OK;
	res = query(p, "SELECT application_id, schema_version FROM csvc_meta", 0, NULL, "reading the store header");
	if (!res)
		return csvc_error_last()->code;
	if (PQntuples(res) > 0) {
		*app_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
	return CSVC_OK;
}

static int pg_set_header(csvc__db *db, int64_t app_id, int64_t version)
{
	pg_db *p = PDB(db);
	char id_text[32], version_text[32];
	snprintf(id_text, sizeof(id_text), "%" PRId64, app_id);
	snprintf(version_text, sizeof(version_text), "%" PRId64, version);
	const char *values[2] = {id_text, version_text};
	PGresult *res = query(p,
	                      "CREATE TABLE IF NOT EXISTS csvc_meta ("
	                      "one boolean PRIMARY KEY DEFAULT true CHECK (one), "
	                      "application_id bigint NOT NULL, schema_version bigint NOT NULL)",
	                      0, NULL, "recording the schema version");
	if (!res)
		return csvc_error_last()->code;
	PQclear(res);
	res = query(p,
	            "INSERT INTO csvc_meta (application_id, schema_version) VALUES ($1, $2) "
	            "ON CONFLICT (one) DO UPDATE SET application_id = excluded.application_id, "
	            "schema_version = excluded.schema_version",
	            2, values, "recording the schema version");
	if (!res)
		return csvc_error_last()->code;
	PQclear(res);
	return CSVC_OK;
}

/* A PostgreSQL database needs no switch before the store writes it. */
static int pg_claim(csvc__db *db)
{
	(void)db;
	return CSVC_OK;
}

/* The server checkpoints by itself. */
static int pg_checkpoint(csvc__db *db, int wait)
{
	(void)db;
	(void)wait;
	return CSVC_OK;
}

static int pg_close(csvc__db *db)
{
	pg_db *p = PDB(db);
	if (!p->conn)
		return CSVC_OK;
	/* Statements outside the cache still use the connection: it is
	 * finished when the last of them is finalised (pg_destroy). */
	if (db->open_stmts)
		return csvc__error(CSVC_EBUSY, "statements of the connection are still open: it closes when the "
		                               "last of them is finalised");
	PQfinish(p->conn);
	p->conn = NULL;
	return CSVC_OK;
}

static void pg_destroy(csvc__db *db)
{
	pg_db *p = PDB(db);
	if (p->conn)
		PQfinish(p->conn);
	csvc__free(p);
}

/* ---- change notification ---- */

static const char SQL_LISTEN[] = "LISTEN " CSVC__DB_CHANGE_CHANNEL;

static void take_notifications(pg_db *p)
{
	PGnotify *n;
	while ((n = PQnotifies(p->conn)) != NULL) {
		p->notified++;
		PQfreemem(n);
	}
}

/* The number of change notifications received. The first call starts
 * listening: commits before it are not counted, which the callers allow
 * (they read the data version before what it guards). */
static int pg_data_version(csvc__db *db, int64_t *out)
{
	pg_db *p = PDB(db);
	if (!p->listening) {
		int rc = pg_exec(db, SQL_LISTEN, 0);
		if (rc)
			return rc;
		p->listening = 1;
	}
	if (!PQconsumeInput(p->conn) && (PQstatus(p->conn) == CONNECTION_OK || p->base.depth > 0 || reconnect(p)))
		return connection_error(p->conn, "cannot read change notifications");
	take_notifications(p);
	*out = p->notified;
	return CSVC_OK;
}

/* Sleeps in poll() on the connection's socket: a notification wakes it. */
static int pg_wait_change(csvc__db *db, int64_t version, int timeout_ms)
{
	pg_db *p = PDB(db);
	int64_t end = csvc__monotonic_ms() + timeout_ms;
	for (;;) {
		if (!PQconsumeInput(p->conn) && (PQstatus(p->conn) == CONNECTION_OK || p->base.depth > 0 || reconnect(p)))
			return connection_error(p->conn, "cannot read change notifications");
		take_notifications(p);
		if (p->notified != version)
			return 1;
		int64_t left = end - csvc__monotonic_ms();
		if (left <= 0)
			return 0;
		struct pollfd fd = {PQsocket(p->conn), POLLIN, 0};
		if (fd.fd < 0)
			return connection_error(p->conn, "the connection to the PostgreSQL server is closed");
		if (poll(&fd, 1, (int)left) < 0 && errno != EINTR)
			return csvc__error(CSVC_ESTORAGE, "waiting for change notifications failed: %s", strerror(errno));
	}
}

static const csvc__db_ops pg_ops = {
	.engine = CSVC__ENGINE_POSTGRES,
	.dialect = CSVC__DIALECT_POSTGRES,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.step = pg_step,
	.reset = pg_reset,
	.clear = pg_clear,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.is_null = pg_is_null,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.exec = pg_exec,
	.changes = pg_changes,
	.total_changes = pg_total_changes,
	.last_insert_id = NULL, /* inserts say RETURNING id */
	.in_transaction = pg_in_transaction,
	.bind_search = pg_bind_search,
	.close = pg_close,
	.destroy = pg_destroy,
	.header = pg_header,
	.set_header = pg_set_header,
	.claim = pg_claim,
	.checkpoint = pg_checkpoint,
	.data_version = pg_data_version,
	.wait_change = pg_wait_change,
};

/* ---- opening ---- */

static int choose_schema(pg_db *p);
static int set_search_path(pg_db *p);

/* The session's settings, at the open and on a new connection: the SET
 * commands, the store's schema once chosen, and LISTEN once listening.
 * JIT is off: the library's statements are index-driven, and the planner's
 * cost of a report's per-ticket loops over a month (over 500,000) made the
 * server compile and optimise each of them, about 200 ms a statement, more
 * than the whole statement then took. */
static int session_setup(pg_db *p)
{
	char session[208];
	snprintf(session, sizeof(session),
	         "SET bytea_output = hex; SET extra_float_digits = 3; SET jit = off; SET lock_timeout = %d%s%s",
	         p->lock_timeout_ms, p->async_commit ? "; SET synchronous_commit = off" : "",
	         p->readonly ? "; SET default_transaction_read_only = on" : "");
	int rc = exec_once(p, session);
	if (!rc && p->schema[0] && !(rc = choose_schema(p)))
		rc = set_search_path(p);
	if (!rc && p->listening)
		rc = exec_once(p, SQL_LISTEN);
	return rc;
}

/* Server notices (a CREATE ... IF NOT EXISTS that found the table) are
 * not errors, and a library does not print. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The first column of the first row of `sql` (text parameters `values`)
 * copied into `out` (empty for no row or NULL). */
static int query_text(pg_db *p, const char *sql, int n, const char *const *values, char *out, size_t size,
                      const char *what)
{
	PGresult *res = query(p, sql, n, values, what);
	if (!res)
		return csvc_error_last()->code;
	snprintf(out, size, "%s", PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return CSVC_OK;
}

/* A schema name the store accepts: letters, digits and '_', not starting
 * with a digit or "pg_" (the system's), at most 63 bytes (PostgreSQL's
 * NAMEDATALEN - 1). */
static int valid_schema(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 63 || (name[0] >= '0' && name[0] <= '9') || strncmp(name, "pg_", 3) == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

/* What a store needs of its database before anything is read or written
 * (see csvc__postgres_config.schema). Touches nothing it refuses. */
static int setup_schema(pg_db *p, const csvc__postgres_config *cfg)
{
	const char *schema = cfg->schema;
	if (!valid_schema(schema))
		return csvc__error(CSVC_EINVAL,
		                   "the PostgreSQL schema name '%s' is not 1 to 63 ASCII letters, digits and '_' "
		                   "not starting with a digit or \"pg_\"",
		                   schema);
	char encoding[64], ctype[128], letters[8];
	int rc;
	if ((rc = query_text(p, "SELECT current_setting('server_encoding')", 0, NULL, encoding, sizeof(encoding),
	                     "reading the database's encoding")))
		return rc;
	if (strcmp(encoding, "UTF8") != 0)
		return csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_POSTGRES, 0, NULL,
		                          "the database's encoding is %s: a store needs a UTF8 database "
		                          "(CREATE DATABASE ... ENCODING 'UTF8'); it was not modified",
		                          encoding);
	/* pg_trgm makes trigrams of the characters that the database's
	 * LC_CTYPE calls letters or digits: under "C" no Chinese character
	 * is one, and the search indexes would drop every Chinese text. The
	 * regular expression class asks the same classification. */
	if ((rc = query_text(p, "SELECT current_setting('lc_ctype')", 0, NULL, ctype, sizeof(ctype),
	                     "reading the database's locale")) ||
	    (rc = query_text(p, "SELECT ('\u5ba2' ~ '^[[:alpha:]]$')::text", 0, NULL, letters, sizeof(letters),
	                     "reading the database's locale")))
		return rc;
	if (strcmp(letters, "true") != 0)
		return csvc__error_engine(CSVC_ESTORAGE, CSVC__ENGINE_POSTGRES, 0, NULL,
		                          "the database's character classification (LC_CTYPE '%s') does not "
		                          "count Chinese characters as letters, so its trigram indexes could not "
		                          "search Chinese text: a store needs a database created with a UTF-8 "
		                          "locale such as C.UTF-8 or zh_CN.UTF-8 (CREATE DATABASE ... "
		                          "LC_CTYPE 'C.UTF-8' TEMPLATE template0); it was not modified",
		                          ctype);
	snprintf(p->schema, sizeof(p->schema), "%s", schema);
	const char *name[1] = {schema};
	char found[8];
	if ((rc = query_text(p, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, name, found,
	                     sizeof(found), "looking for the store's schema")))
		return rc;
	/* As a missing file on SQLite: not found, read-only or not. */
	if (!found[0] && !cfg->create)
		return csvc__error(CSVC_ENOTFOUND, "the database has no schema '%s'%s", schema,
		                   cfg->readonly ? " (the store was opened read-only, which creates none)" : "");
	if ((rc = choose_schema(p)))
		return rc;
	if (!found[0] && (rc = pg_exec(&p->base,
	                               "DO $$BEGIN EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', "
	                               "current_setting('csvc.schema')); END$$",
	                               0)))
		return rc;
	return set_search_path(p);
}

/* The name reaches the server as a parameter, kept in a setting of the
 * session, and is quoted there (%I, quote_ident): no SQL text is built
 * from it here. */
static int choose_schema(pg_db *p)
{
	const char *name[1] = {p->schema};
	PGresult *res = query(p, "SELECT set_config('csvc.schema', $1, false)", 1, name, "choosing the store's schema");
	if (!res)
		return csvc_error_last()->code;
	PQclear(res);
	return CSVC_OK;
}

/* The store's tables, then pg_trgm's functions and operator classes,
 * wherever the extension was installed (migration 1 installs it in
 * "public" when it is not). */
static int set_search_path(pg_db *p)
{
	PGresult *res = query(p,
	            "SELECT set_config('search_path', quote_ident(current_setting('csvc.schema')) || ', ' || "
	            "quote_ident(coalesce((SELECT n.nspname FROM pg_catalog.pg_extension e "
	            "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'), "
	            "'public')), false)",
	            0, NULL, "setting the search path");
	if (!res)
		return csvc_error_last()->code;
	PQclear(res);
	return CSVC_OK;
}

int csvc__postgres_open(csvc__db **out, const char *conninfo, const csvc__postgres_config *cfg)
{
	static const csvc__postgres_config defaults = {0};
	if (!cfg)
		cfg = &defaults;
	if (!conninfo)
		return csvc__error(CSVC_EINVAL, "no PostgreSQL connection string given");
	pg_db *p = csvc__calloc(1, sizeof(*p));
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a store");
	p->base.ops = &pg_ops;
	char timeout[16];
	snprintf(timeout, sizeof(timeout), "%d", cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 0);
	/* The connection string first: the keywords after it override it. */
	const char *keys[] = {"dbname", "client_encoding", "fallback_application_name", "connect_timeout", NULL};
	const char *values[] = {conninfo, "UTF8", "libcsvc", timeout, NULL};
	if (cfg->connect_timeout_s <= 0)
		keys[3] = NULL;
	p->conn = PQconnectdbParams(keys, values, 1);
	int rc;
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		rc = connection_error(p->conn, "cannot connect to the PostgreSQL server");
		goto fail;
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	p->lock_timeout_ms = cfg->lock_timeout_ms > 0 ? cfg->lock_timeout_ms : 0;
	p->async_commit = cfg->async_commit != 0;
	p->readonly = cfg->readonly != 0;
	if ((rc = session_setup(p)))
		goto fail;
	if (cfg->schema && (rc = setup_schema(p, cfg)))
		goto fail;
	if (cfg->prepare && (rc = cfg->prepare(&p->base, 0, cfg->ctx)))
		goto fail;
	*out = &p->base;
	return CSVC_OK;
fail:;
	/* Closing a connection that failed to open keeps the open's error. */
	csvc__error_saved saved;
	csvc__error_save(&saved);
	csvc__db_close(&p->base);
	csvc__error_restore(&saved);
	return rc;
}
