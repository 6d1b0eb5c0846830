/*
 * The feed's storage: the narrow `feed` table, feed_records and
 * feed_consumers (migration 11), and the reads of an entry's fields from
 * its source row.
 */
#include <string.h>

#include "feed/feed-internal.h"

static const csvc__sql SQL_APPEND =
	CSVC__SQL("INSERT INTO feed (pos, id_hi, id_lo, source, row_id, count) VALUES ($1,$2,$3,$4,$5,$6)");
static const csvc__sql SQL_RECORD = CSVC__SQL_INSERT_ID(
	"INSERT INTO feed_records (type, subject_kind, subject, reference, actor, at_us, payload)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7)");
static const csvc__sql SQL_HEAD = CSVC__SQL("SELECT pos + count - 1 FROM feed ORDER BY pos DESC LIMIT 1");
/* From the run that holds position $1 + 1 (or the last run before it). */
static const csvc__sql SQL_RANGE = CSVC__SQL(
	"SELECT pos, id_hi, id_lo, source, row_id, count FROM feed"
	" WHERE pos >= coalesce((SELECT max(pos) FROM feed WHERE pos <= $1 + 1), 0) ORDER BY pos LIMIT $2");
/* The source rows $1 to $2 (consecutive ids), in id order: one range
 * scan for a span of entries. */
static const csvc__sql SQL_TICKET_EVENTS = CSVC__SQL(
	"SELECT e.id, e.type, e.actor, e.at_us, e.payload, e.seq, e.from_state, e.to_state, t.uuid, t.number"
	" FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.id >= $1 AND e.id <= $2 ORDER BY e.id");
static const csvc__sql SQL_CUSTOMER_EVENTS = CSVC__SQL(
	"SELECT e.id, e.type, e.actor, e.at_us, e.payload, c.uuid"
	" FROM customer_events e JOIN customers c ON c.id = e.customer_id WHERE e.id >= $1 AND e.id <= $2"
	" ORDER BY e.id");
static const csvc__sql SQL_FEED_RECORDS = CSVC__SQL(
	"SELECT id, type, actor, at_us, payload, subject, subject_kind, reference FROM feed_records"
	" WHERE id >= $1 AND id <= $2 ORDER BY id");
static const csvc__sql SQL_CONSUMER = CSVC__SQL("SELECT pos FROM feed_consumers WHERE name = $1");
#define SET_CONSUMER \
	"INSERT INTO feed_consumers (name, pos, updated_us) VALUES ($1, $2, $3)" \
	" ON CONFLICT (name) DO UPDATE SET pos = excluded.pos, updated_us = excluded.updated_us"
static const csvc__sql SQL_SET_CONSUMER = CSVC__SQL(SET_CONSUMER);
/* An acknowledgement never moves a cursor back: the condition is in the
 * statement, so that on PostgreSQL, where two acknowledgements of one
 * consumer may run at once, the later to commit is checked against the
 * cursor the earlier one wrote. */
static const csvc__sql SQL_ADVANCE_CONSUMER = CSVC__SQL(SET_CONSUMER " WHERE feed_consumers.pos < excluded.pos");
static const csvc__sql SQL_DELETE_CONSUMER = CSVC__SQL("DELETE FROM feed_consumers WHERE name = $1");
static const csvc__sql SQL_CONSUMERS = CSVC__SQL("SELECT name, pos FROM feed_consumers ORDER BY name");

static int64_t half(const uint8_t *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return (int64_t)v;
}

static void unhalf(int64_t v, uint8_t *b)
{
	uint64_t u = (uint64_t)v;
	for (int i = 7; i >= 0; i--) {
		b[i] = (uint8_t)(u & 0xff);
		u >>= 8;
	}
}

int csvc__feed_db_append(csvc_store *s, int64_t pos, const csvc_uuid *id, int source, int64_t row_id,
                         int64_t count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_APPEND, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, pos);
	csvc__db_bind_int(st, 2, half(id->bytes));
	csvc__db_bind_int(st, 3, half(id->bytes + 8));
	csvc__db_bind_int(st, 4, source);
	csvc__db_bind_int(st, 5, row_id);
	csvc__db_bind_int(st, 6, count);
	return csvc__db_run(st);
}

int csvc__feed_db_record(csvc_store *s, const char *type, const char *subject_kind, const csvc_uuid *subject,
                         const char *reference, const char *actor, csvc_time_us at, const char *payload,
                         int64_t *row_id)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_RECORD, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, type);
	csvc__db_bind_text(st, 2, subject_kind);
	if (subject && !csvc_uuid_is_nil(subject))
		csvc__db_bind_uuid(st, 3, subject);
	csvc__db_bind_text(st, 4, reference);
	csvc__db_bind_text(st, 5, actor);
	csvc__db_bind_int(st, 6, at);
	csvc__db_bind_text(st, 7, payload);
	return csvc__db_insert_id(st, row_id);
}

/* The commit-order contract on an engine whose writers do not take one
 * lock for the whole transaction (PostgreSQL): the appends of one
 * transaction at a time, the lock held until its commit, so that positions
 * follow commit order and a reader never sees N + 1 before N. It does not
 * block readers (SHARE ROW EXCLUSIVE allows plain SELECTs). The same
 * transaction notifies the change channel, delivered at its commit, which
 * csvc_feed_wait() sleeps on. SQLite's write lock is already one per
 * transaction, and its waiters watch the log file: no text there. */
static const csvc__sql SQL_APPEND_LOCK = CSVC__SQL_DIALECTS(
	NULL, "LOCK TABLE feed IN SHARE ROW EXCLUSIVE MODE; SELECT pg_notify('" CSVC__DB_CHANGE_CHANNEL "', '')");

int csvc__feed_db_lock(csvc_store *s)
{
	if (!csvc__db_text(s->db, &SQL_APPEND_LOCK))
		return CSVC_OK;
	return csvc__db_exec_sql(s->db, &SQL_APPEND_LOCK, 0);
}

int csvc__feed_db_head(csvc_store *s, int64_t *head)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_HEAD, &st);
	if (rc)
		return rc;
	int64_t v = 0;
	if ((rc = csvc__db_one_int(st, &v)) < 0)
		return rc;
	*head = v;
	return CSVC_OK;
}

void csvc__feed_blocks_free(csvc__feed_block *blocks)
{
	while (blocks) {
		csvc__feed_block *next = blocks->next;
		csvc__free(blocks);
		blocks = next;
	}
}

#define BLOCK_SIZE ((size_t)256 * 1024)

static char *block_alloc(csvc__feed_block **blocks, size_t n)
{
	csvc__feed_block *b = *blocks;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		if (!(b = csvc__malloc(sizeof(*b) + cap)))
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = *blocks;
		*blocks = b;
	}
	char *p = b->data + b->used;
	b->used += n;
	return p;
}

static int copy(csvc__stmt *st, int col, char **out)
{
	return csvc__strdup(csvc__db_textcol(st, col), out);
}

/* Writes v in decimal at `out` (room for 20 characters); returns the
 * length. */
static size_t decimal(int64_t v, char *out)
{
	char d[20];
	size_t n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t k = 0;
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = d[--n];
	return k;
}

/* A JSON string: state names need no escaping, and go in one piece. */
static void json_string(csvc__buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	if (*p) {
		csvc__buf_json_string(b, s);
		return;
	}
	csvc__buf_put(b, "\"", 1);
	csvc__buf_put(b, s, (size_t)(p - (const unsigned char *)s));
	csvc__buf_put(b, "\"", 1);
}

/* A ticket event's payload with its seq and states first, into `b`
 * (emptied first):
 * {"seq":N[,"from_state":..][,"to_state":..][, the payload's members]}. */
static void ticket_payload(csvc__stmt *st, csvc__buf *b)
{
	const char *payload = csvc__db_textcol(st, 4);
	const char *from = csvc__db_textcol(st, 6), *to = csvc__db_textcol(st, 7);
	char seq[32] = "{\"seq\":";
	size_t n = strlen(seq);
	n += decimal(csvc__db_int(st, 5), seq + n);
	b->len = 0;
	csvc__buf_put(b, seq, n);
	if (from) {
		csvc__buf_puts(b, ",\"from_state\":");
		json_string(b, from);
	}
	if (to) {
		csvc__buf_puts(b, ",\"to_state\":");
		json_string(b, to);
	}
	if (payload) {
		/* A stored payload is a JSON object: splice its members in. */
		const char *p = payload;
		while (*p == ' ')
			p++;
		if (*p == '{') {
			p++;
			while (*p == ' ')
				p++;
			if (*p != '}')
				csvc__buf_put(b, ",", 1);
			csvc__buf_puts(b, p);
		} else {
			csvc__buf_puts(b, ",\"payload\":");
			csvc__buf_puts(b, payload);
			csvc__buf_put(b, "}", 1);
		}
	} else {
		csvc__buf_put(b, "}", 1);
	}
}

/* Reads the fields of entry `e` (position and id set) from the current
 * row of its source's range statement `st` (column 0: the row's id); its
 * strings go into one allocation. `scratch` is for building a ticket
 * event's payload. */
static int fill_entry(csvc__stmt *st, int source, struct csvc_feed_entry *e, csvc__buf *scratch,
                      csvc__feed_block **blocks)
{
	/* type, subject kind, reference, actor, payload */
	const char *text[5] = {csvc__db_textcol(st, 1), NULL, NULL, csvc__db_textcol(st, 2), NULL};
	e->time = csvc__db_int(st, 3);
	if (source == CSVC__FEED_TICKET_EVENT) {
		csvc__db_uuid(st, 8, &e->subject);
		text[1] = "ticket";
		text[2] = csvc__db_textcol(st, 9);
		ticket_payload(st, scratch);
		if (scratch->failed)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		text[4] = scratch->data;
	} else if (source == CSVC__FEED_CUSTOMER_EVENT) {
		csvc__db_uuid(st, 5, &e->subject);
		text[1] = "customer";
		text[4] = csvc__db_textcol(st, 4);
	} else {
		csvc__db_uuid(st, 5, &e->subject);
		text[1] = csvc__db_textcol(st, 6);
		text[2] = csvc__db_textcol(st, 7);
		text[4] = csvc__db_textcol(st, 4);
	}
	if (!text[0] || !text[1])
		return csvc__error(CSVC_ECORRUPT, "feed entry %lld has no type", (long long)e->position);
	size_t len[5], total = 0;
	for (int i = 0; i < 5; i++)
		if (text[i])
			total += (len[i] = i == 4 && text[i] == scratch->data ? scratch->len : strlen(text[i])) + 1;
	char *p = block_alloc(blocks, total);
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	char **field[5] = {&e->type, &e->subject_kind, &e->reference, &e->actor, &e->payload};
	for (int i = 0; i < 5; i++)
		if (text[i]) {
			memcpy(p, text[i], len[i] + 1);
			*field[i] = p;
			p += len[i] + 1;
		}
	return CSVC_OK;
}

/* Reads entries out[0 .. n - 1] (positions and ids set), whose source rows
 * are row_id, row_id + 1, ... of `source`, with one range statement. On
 * failure the entries read are cleared. */
static int read_span(csvc_store *s, int source, int64_t row_id, struct csvc_feed_entry *out, size_t n,
                     csvc__buf *scratch, csvc__feed_block **blocks)
{
	const csvc__sql *sql = source == CSVC__FEED_TICKET_EVENT     ? &SQL_TICKET_EVENTS
	                       : source == CSVC__FEED_CUSTOMER_EVENT ? &SQL_CUSTOMER_EVENTS
	                       : source == CSVC__FEED_RECORD         ? &SQL_FEED_RECORDS
	                                                             : NULL;
	if (!sql)
		return csvc__error(CSVC_ECORRUPT, "feed entry %lld has an unknown source %d", (long long)out[0].position,
		                   source);
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, sql, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, row_id);
	csvc__db_bind_int(st, 2, row_id + (int64_t)n - 1);
	size_t k = 0;
	int stepped = 0; /* the last step failed */
	while (k < n) {
		if ((rc = csvc__db_step(st)) != CSVC__ROW) {
			stepped = rc < 0;
			break;
		}
		if (csvc__db_int(st, 0) != row_id + (int64_t)k)
			break; /* a row of the span is missing */
		if ((rc = fill_entry(st, source, &out[k], scratch, blocks)))
			break;
		k++;
	}
	if (!stepped)
		csvc__db_reset(st);
	if (rc >= 0)
		rc = k == n ? CSVC_OK
		            : csvc__error(CSVC_ECORRUPT, "feed entry %lld refers to a missing row",
		                          (long long)out[k].position);
	return rc;
}

/* Entry k of a run: the run's id with k added to its 62 random low bits. */
static void run_id(int64_t hi, int64_t lo, int64_t k, csvc_uuid *id)
{
	const uint64_t low62 = ((uint64_t)1 << 62) - 1;
	uint64_t l = (uint64_t)lo;
	l = (l & ~low62) | ((l + (uint64_t)k) & low62);
	unhalf(hi, id->bytes);
	unhalf((int64_t)l, id->bytes + 8);
}

int csvc__feed_db_read(csvc_store *s, int64_t after, size_t max, struct csvc_feed_entry *out, size_t *n,
                       csvc__feed_block **blocks)
{
	/* The runs first, then the entries' source rows: the range statement
	 * is done before the source statements run. */
	typedef struct {
		int64_t pos, row_id;
		csvc_uuid id;
		int source;
	} row;
	row *rows = csvc__malloc(max * sizeof(*rows));
	if (!rows)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__stmt *st;
	size_t k = 0;
	int rc = csvc__db_stmt(s->db, &SQL_RANGE, &st);
	if (!rc) {
		csvc__db_bind_int(st, 1, after);
		csvc__db_bind_int(st, 2, (int64_t)max);
		while (k < max && (rc = csvc__db_step(st)) == CSVC__ROW) {
			int64_t pos = csvc__db_int(st, 0), count = csvc__db_int(st, 5);
			for (int64_t j = pos > after ? 0 : after + 1 - pos; j < count && k < max; j++, k++) {
				rows[k].pos = pos + j;
				rows[k].source = (int)csvc__db_int(st, 3);
				rows[k].row_id = csvc__db_int(st, 4) + j;
				run_id(csvc__db_int(st, 1), csvc__db_int(st, 2), j, &rows[k].id);
			}
		}
		if (rc >= 0) {
			csvc__db_reset(st);
			rc = CSVC_OK;
		}
	}
	/* Then the source rows, one range scan for each span of entries whose
	 * rows are consecutive in one source (runs of consecutive transactions
	 * often continue each other). */
	for (size_t i = 0; i < k; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].position = rows[i].pos;
		out[i].id = rows[i].id;
	}
	size_t done = 0;
	csvc__buf scratch = {0};
	while (!rc && done < k) {
		size_t end = done + 1;
		while (end < k && rows[end].source == rows[done].source &&
		       rows[end].row_id == rows[done].row_id + (int64_t)(end - done))
			end++;
		if (!(rc = read_span(s, rows[done].source, rows[done].row_id, &out[done], end - done, &scratch, blocks)))
			done = end;
	}
	csvc__buf_free(&scratch);
	csvc__free(rows);
	if (rc)
		return rc;
	*n = k;
	return CSVC_OK;
}

int csvc__feed_db_consumer(csvc_store *s, const char *name, int64_t *position)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CONSUMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	return csvc__db_one_int(st, position);
}

int csvc__feed_db_set_consumer(csvc_store *s, const char *name, int64_t position, int forward_only,
                               csvc_time_us now)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, forward_only ? &SQL_ADVANCE_CONSUMER : &SQL_SET_CONSUMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_int(st, 2, position);
	csvc__db_bind_int(st, 3, now);
	return csvc__db_run(st);
}

int csvc__feed_db_delete_consumer(csvc_store *s, const char *name)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_DELETE_CONSUMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__db_changes(s->db) > 0;
}

int csvc__feed_db_consumers(csvc_store *s, csvc__feed_consumer_row **rows, size_t *n)
{
	/* Positions have no gaps: the lag is the head less the cursor. */
	int64_t head = 0;
	csvc__stmt *st;
	int rc = csvc__feed_db_head(s, &head);
	if (rc || (rc = csvc__db_stmt(s->db, &SQL_CONSUMERS, &st)))
		return rc;
	csvc__feed_consumer_row *list = NULL;
	size_t k = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			csvc__feed_consumer_row *grown = csvc__realloc(list, ncap * sizeof(*list));
			if (!grown) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			list = grown;
			cap = ncap;
		}
		csvc__feed_consumer_row *r = &list[k];
		r->position = csvc__db_int(st, 1);
		r->lag = head > r->position ? head - r->position : 0;
		if ((rc = copy(st, 0, &r->name)))
			break;
		if (!r->name) {
			rc = csvc__error(CSVC_ECORRUPT, "a feed consumer has no name");
			break;
		}
		k++;
	}
	if (rc < 0) {
		csvc__db_reset(st);
		for (size_t i = 0; i < k; i++)
			csvc__free(list[i].name);
		csvc__free(list);
		return rc;
	}
	csvc__db_reset(st);
	*rows = list;
	*n = k;
	return CSVC_OK;
}
