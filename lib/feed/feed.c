/*
 * The change feed's API: appends for the modules above, batches and
 * consumers for callers, and the wait (docs/feed.md).
 */
#include <stdio.h>
#include <string.h>

#include "csvc/access.h"
#include "feed/feed-internal.h"
#include "store/store-internal.h"

/* The feed sits below access control: it asks through the store. */
#define CSVC__REQUIRE(s, perm)                                                     \
	do {                                                                       \
		int csvc__refused = csvc__store_require((s), (perm), __func__);    \
		if (csvc__refused)                                                 \
			return csvc__refused;                                      \
	} while (0)

struct csvc_feed_iter {
	struct csvc_feed_entry *entries;
	csvc__feed_block *blocks; /* the entries' strings */
	size_t n, next;
};

struct csvc_feed_consumer_iter {
	csvc__feed_consumer_row *rows;
	size_t n, next;
};

#define MAX_WAIT_MS 86400000

/* ---- appends (for the modules) ---- */

/* ---- the module's state: entries waiting for the outermost commit ---- */

typedef struct pending {
	int source;
	int64_t row_id;
} pending;

typedef struct subscriber {
	char *name;
	csvc_feed_fn fn;
	void *userdata;
	void (*release)(void *userdata); /* frees userdata (internal subscribers) */
} subscriber;

typedef struct feed_state {
	pending *q;
	size_t n, cap;
	size_t mark[CSVC__DB_TX_MAX_DEPTH]; /* entries queued before level i began */
	subscriber subs[CSVC_FEED_MAX_SUBSCRIBERS];
	size_t n_subs;
	int delivering;
	int held;
} feed_state;

static void drop(feed_state *f, size_t keep)
{
	if (keep < f->n)
		f->n = keep;
	if (f->n == 0) {
		csvc__free(f->q);
		f->q = NULL;
		f->cap = 0;
	}
}

static void state_free(void *state)
{
	feed_state *f = state;
	for (size_t i = 0; i < f->n_subs; i++) {
		if (f->subs[i].release)
			f->subs[i].release(f->subs[i].userdata);
		csvc__free(f->subs[i].name);
	}
	csvc__free(f->q);
	csvc__free(f);
}

static void begun(void *state, int level)
{
	feed_state *f = state;
	f->mark[level] = f->n;
}

/* Entries of undone writes are never written. */
static void undone(void *state, const csvc__db_undo *u)
{
	feed_state *f = state;
	if (u->level >= 0)
		drop(f, f->mark[u->level]);
}

/* Writes the transaction's entries after the head, one row per run of
 * consecutive source rows of one source, each run with a new event id
 * (entry k of a run: the id plus k in its 62 random low bits). Under the
 * write lock, so the positions follow commit order. */
static int committing(csvc_store *s, void *state)
{
	feed_state *f = state;
	if (!f->n)
		return CSVC_OK;
	int64_t head = 0;
	int rc = csvc__feed_db_lock(s);
	if (!rc)
		rc = csvc__feed_db_head(s, &head);
	for (size_t i = 0; !rc && i < f->n;) {
		size_t j = i + 1;
		while (j < f->n && f->q[j].source == f->q[i].source &&
		       f->q[j].row_id == f->q[i].row_id + (int64_t)(j - i))
			j++;
		csvc_uuid id;
		csvc__uuid_generate(&id);
		rc = csvc__feed_db_append(s, head + 1, &id, f->q[i].source, f->q[i].row_id, (int64_t)(j - i));
		head += (int64_t)(j - i);
		i = j;
	}
	return rc;
}

static void committed(csvc_store *s, void *state)
{
	(void)s;
	drop(state, 0);
}

static int deliver_all(csvc_store *s, feed_state *f, int64_t *delivered);

/* After each outermost commit through this handle: the subscribers get
 * what it (and anything before it) committed. The commit has succeeded
 * whatever happens here: a failure is logged and the entries wait for the
 * next delivery. */
static void settled(csvc_store *s, void *state)
{
	feed_state *f = state;
	if (!f->n_subs || f->delivering || f->held)
		return;
	int rc = deliver_all(s, f, NULL);
	if (rc)
		csvc__log(s, CSVC_LOG_WARN, "feed delivery after a commit stopped: %s; the entries are delivered again later",
		          csvc_error_last()->message);
	csvc__error_clear();
}

static const csvc__store_ext feed_ext = {
	.name = "feed",
	.free = state_free,
	.begun = begun,
	.undone = undone,
	.committing = committing,
	.committed = committed,
	.settled = settled,
};

int csvc__feed_attach(csvc_store *s)
{
	feed_state *f = csvc__calloc(1, sizeof(*f));
	if (!f)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int rc = csvc__store_attach(s, &feed_ext, f);
	if (rc)
		csvc__free(f);
	return rc;
}

int csvc__feed_append(csvc_store *s, int source, int64_t row_id)
{
	feed_state *f = csvc__store_state(s, &feed_ext);
	if (!f)
		return csvc__error(CSVC_ESTATE, "the feed is not attached to this store");
	if (csvc__tx_depth(s) == 0)
		return csvc__error(CSVC_ESTATE, "a feed entry is appended inside the change's transaction");
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		pending *q = csvc__realloc(f->q, cap * sizeof(*q));
		if (!q)
			return csvc__error(CSVC_ENOMEM, "out of memory queueing a feed entry");
		f->q = q;
		f->cap = cap;
	}
	f->q[f->n].source = source;
	f->q[f->n].row_id = row_id;
	f->n++;
	return CSVC_OK;
}

int csvc__feed_record(csvc_store *s, const char *type, const char *subject_kind, const csvc_uuid *subject,
                      const char *reference, const char *actor, csvc_time_us at, const char *payload)
{
	int64_t row_id = 0;
	int rc = csvc__feed_db_record(s, type, subject_kind, subject, reference, actor, at, payload, &row_id);
	if (!rc)
		rc = csvc__feed_append(s, CSVC__FEED_RECORD, row_id);
	return rc;
}

int csvc__feed_definition(csvc_store *s, const char *type, const char *kind, const char *name, int32_t version,
                          const char *store_code, csvc_time_us at)
{
	csvc__buf b = {0};
	csvc__buf_puts(&b, "{\"kind\":");
	csvc__buf_json_string(&b, kind);
	if (version > 0)
		csvc__buf_printf(&b, ",\"version\":%d", (int)version);
	if (store_code) {
		csvc__buf_puts(&b, ",\"store_code\":");
		csvc__buf_json_string(&b, store_code);
	}
	csvc__buf_put(&b, "}", 2);
	int rc = b.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__feed_record(s, type, "definition", NULL, name, NULL, at ? at : csvc_store_now(s), b.data);
	csvc__buf_free(&b);
	return rc;
}

/* ---- reading ---- */

static int check_max(int32_t max)
{
	if (max < 1 || max > CSVC_FEED_MAX_BATCH)
		return csvc__error(CSVC_ERANGE, "max must be 1 to %d (got %d)", CSVC_FEED_MAX_BATCH, (int)max);
	return CSVC_OK;
}

/* Reads the batch after `after`, or after the cursor of `consumer` when it
 * is not NULL, in one snapshot. */
static int read_batch(csvc_store *s, const char *consumer, int64_t after, int32_t max, csvc_feed_iter **out)
{
	csvc_feed_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	/* Not zeroed: a batch is usually far smaller than `max`, and the read
	 * sets every field of the entries it returns. */
	it->entries = csvc__malloc((size_t)max * sizeof(*it->entries));
	if (!it->entries) {
		csvc__free(it);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	int began = 0;
	int rc = csvc__read_begin(s, &began);
	if (!rc && consumer) {
		int64_t pos = 0;
		int found = csvc__feed_db_consumer(s, consumer, &pos);
		if (found < 0)
			rc = found;
		else
			after = found ? pos : 0;
	}
	if (!rc)
		rc = csvc__feed_db_read(s, after, (size_t)max, it->entries, &it->n, &it->blocks);
	if (!rc || began)
		csvc__read_end(s, began);
	if (rc) {
		csvc__feed_blocks_free(it->blocks);
		csvc__free(it->entries);
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

int csvc_feed_head(csvc_store *store, int64_t *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	return csvc__feed_db_head(store, out);
}

int csvc_feed_read(csvc_store *store, const char *consumer, int32_t max, csvc_feed_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(consumer, "consumer");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	int rc = csvc__check_machine_name(consumer, "consumer name");
	if (rc || (rc = check_max(max)))
		return rc;
	return read_batch(store, consumer, 0, max, out);
}

int csvc_feed_after(csvc_store *store, int64_t after, int32_t max, csvc_feed_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	if (after < 0)
		return csvc__error(CSVC_ERANGE, "a feed position is 0 or more (got %lld)", (long long)after);
	int rc = check_max(max);
	if (rc)
		return rc;
	return read_batch(store, NULL, after, max, out);
}

int csvc_feed_iter_next(csvc_feed_iter *it, const csvc_feed_entry **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(out, "out");
	if (it->next >= it->n)
		return CSVC_ITEROVER;
	*out = &it->entries[it->next++];
	return CSVC_OK;
}

void csvc_feed_iter_free(csvc_feed_iter *it)
{
	if (!it)
		return;
	csvc__feed_blocks_free(it->blocks);
	csvc__free(it->entries);
	csvc__free(it);
}

int64_t csvc_feed_entry_position(const csvc_feed_entry *entry)
{
	return entry ? entry->position : 0;
}

const csvc_uuid *csvc_feed_entry_id(const csvc_feed_entry *entry)
{
	return entry ? &entry->id : NULL;
}

csvc_time_us csvc_feed_entry_time(const csvc_feed_entry *entry)
{
	return entry ? entry->time : 0;
}

const char *csvc_feed_entry_type(const csvc_feed_entry *entry)
{
	return entry ? entry->type : NULL;
}

const char *csvc_feed_entry_subject_kind(const csvc_feed_entry *entry)
{
	return entry ? entry->subject_kind : NULL;
}

const csvc_uuid *csvc_feed_entry_subject_id(const csvc_feed_entry *entry)
{
	return entry ? &entry->subject : NULL;
}

const char *csvc_feed_entry_reference(const csvc_feed_entry *entry)
{
	return entry ? entry->reference : NULL;
}

const char *csvc_feed_entry_actor(const csvc_feed_entry *entry)
{
	return entry ? entry->actor : NULL;
}

const char *csvc_feed_entry_payload(const csvc_feed_entry *entry)
{
	return entry ? entry->payload : NULL;
}

static void json_text_or_null(csvc__buf *b, const char *key, const char *v)
{
	csvc__buf_printf(b, ",\"%s\":", key);
	if (v)
		csvc__buf_json_string(b, v);
	else
		csvc__buf_puts(b, "null");
}

int csvc_feed_entry_to_json(const csvc_feed_entry *entry, char **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(entry, "entry");
	CSVC__CHECK_ARG(out, "out");
	char id[37], subject[37];
	csvc_uuid_to_string(&entry->id, id);
	csvc_uuid_to_string(&entry->subject, subject);
	csvc__buf b = {0};
	csvc__buf_printf(&b, "{\"position\":%lld,\"id\":\"%s\",\"time\":%lld", (long long)entry->position, id,
	                 (long long)entry->time);
	json_text_or_null(&b, "type", entry->type);
	json_text_or_null(&b, "subject_kind", entry->subject_kind);
	json_text_or_null(&b, "subject", csvc_uuid_is_nil(&entry->subject) ? NULL : subject);
	json_text_or_null(&b, "reference", entry->reference);
	json_text_or_null(&b, "actor", entry->actor);
	csvc__buf_puts(&b, ",\"payload\":");
	csvc__buf_puts(&b, entry->payload ? entry->payload : "null");
	csvc__buf_put(&b, "}", 2);
	if (b.failed) {
		csvc__buf_free(&b);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	*out = b.data;
	return CSVC_OK;
}

/* ---- consumers ---- */

static int check_position(int64_t position)
{
	if (position < 0)
		return csvc__error(CSVC_ERANGE, "a feed position is 0 or more (got %lld)", (long long)position);
	return CSVC_OK;
}

/* Sets the cursor, inside the caller's level: `forward_only` keeps a
 * cursor that is already at or past `position`. */
static int move_cursor(csvc_store *s, const char *consumer, int64_t position, int forward_only)
{
	int64_t head = 0, current = 0;
	int rc = csvc__feed_db_head(s, &head);
	if (rc)
		return rc;
	if (position > head)
		return csvc__error(CSVC_ERANGE, "position %lld is past the feed's head (%lld)", (long long)position,
		                   (long long)head);
	int found = csvc__feed_db_consumer(s, consumer, &current);
	if (found < 0)
		return found;
	if (found && forward_only && current >= position)
		return CSVC_OK;
	if (found && !forward_only && current == position)
		return CSVC_OK;
	return csvc__feed_db_set_consumer(s, consumer, position, forward_only, csvc_store_now(s));
}

static int set_cursor(csvc_store *store, const char *consumer, int64_t position, int forward_only,
                      const char *call)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(consumer, "consumer");
	int rc = csvc__store_require(store, CSVC_PERM_STORE_MAINTAIN, call);
	if (!rc)
		rc = csvc__check_machine_name(consumer, "consumer name");
	if (rc || (rc = check_position(position)))
		return rc;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	return csvc__tx_end(store, move_cursor(store, consumer, position, forward_only));
}

int csvc_feed_ack(csvc_store *store, const char *consumer, int64_t position)
{
	return set_cursor(store, consumer, position, 1, __func__);
}

int csvc_feed_reset(csvc_store *store, const char *consumer, int64_t position)
{
	return set_cursor(store, consumer, position, 0, __func__);
}

int csvc_feed_delete(csvc_store *store, const char *consumer)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(consumer, "consumer");
	CSVC__REQUIRE(store, CSVC_PERM_STORE_MAINTAIN);
	int rc = csvc__check_machine_name(consumer, "consumer name");
	if (rc || (rc = csvc__tx_begin(store)))
		return rc;
	rc = csvc__feed_db_delete_consumer(store, consumer);
	if (rc == 0)
		rc = csvc__error(CSVC_ENOTFOUND, "no feed consumer named '%s'", consumer);
	else if (rc > 0)
		rc = CSVC_OK;
	return csvc__tx_end(store, rc);
}

int csvc_feed_consumer_get(csvc_store *store, const char *consumer, int64_t *position, int64_t *lag)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(consumer, "consumer");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	int rc = csvc__check_machine_name(consumer, "consumer name");
	if (rc)
		return rc;
	int began = 0;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	int64_t pos = 0, head = 0;
	int found = csvc__feed_db_consumer(store, consumer, &pos);
	if (found < 0)
		rc = found;
	else if (!found)
		rc = csvc__error(CSVC_ENOTFOUND, "no feed consumer named '%s'", consumer);
	else
		rc = csvc__feed_db_head(store, &head);
	int64_t count = head > pos ? head - pos : 0; /* positions have no gaps */
	csvc__read_end(store, began);
	if (rc)
		return rc;
	if (position)
		*position = pos;
	if (lag)
		*lag = count;
	return CSVC_OK;
}

int csvc_feed_consumer_iter_new(csvc_store *store, csvc_feed_consumer_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	csvc_feed_consumer_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int began = 0;
	int rc = csvc__read_begin(store, &began);
	if (!rc) {
		rc = csvc__feed_db_consumers(store, &it->rows, &it->n);
		csvc__read_end(store, began);
	}
	if (rc) {
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

int csvc_feed_consumer_iter_next(csvc_feed_consumer_iter *it, const char **name, int64_t *position, int64_t *lag)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(name, "name");
	if (it->next >= it->n)
		return CSVC_ITEROVER;
	const csvc__feed_consumer_row *r = &it->rows[it->next++];
	*name = r->name;
	if (position)
		*position = r->position;
	if (lag)
		*lag = r->lag;
	return CSVC_OK;
}

void csvc_feed_consumer_iter_free(csvc_feed_consumer_iter *it)
{
	if (!it)
		return;
	for (size_t i = 0; i < it->n; i++)
		csvc__free(it->rows[i].name);
	csvc__free(it->rows);
	csvc__free(it);
}

/* ---- waiting ---- */

/* Real time for the timeout, never the store clock (docs/feed.md). */
int csvc_feed_wait(csvc_store *store, int64_t after, int32_t timeout_ms, int64_t *head)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	if (after < 0)
		return csvc__error(CSVC_ERANGE, "a feed position is 0 or more (got %lld)", (long long)after);
	if (timeout_ms < 0 || timeout_ms > MAX_WAIT_MS)
		return csvc__error(CSVC_ERANGE, "timeout_ms must be 0 to %d (got %d)", MAX_WAIT_MS, (int)timeout_ms);
	if (csvc__tx_depth(store) > 0)
		return csvc__error(CSVC_ESTATE, "csvc_feed_wait inside a transaction could not see other commits; "
		                                "end the transaction first");
	int64_t t0 = csvc__monotonic_ms();
	for (;;) {
		/* The version first: a commit after it is read changes it, so
		 * the sleep below cannot miss one that the head misses. */
		int64_t version = 0, now_head = 0;
		int rc = csvc__db_data_version(store->db, &version);
		if (rc || (rc = csvc__feed_db_head(store, &now_head)))
			return rc;
		if (head)
			*head = now_head;
		if (now_head > after)
			return 1;
		int64_t left = (int64_t)timeout_ms - (csvc__monotonic_ms() - t0);
		if (left <= 0)
			return 0;
		if ((rc = csvc__db_wait_change(store->db, version, (int)left)) < 0)
			return rc;
	}
}

/* ---- subscribers ---- */

/* Entries read per batch; the cursor is acknowledged after each batch. */
#define DELIVER_BATCH 256

/* Delivers to one subscriber until it is caught up or stops. */
static int deliver_one(csvc_store *s, const subscriber *sub, int64_t *count)
{
	for (;;) {
		csvc_feed_iter *it = NULL;
		int rc = read_batch(s, sub->name, 0, DELIVER_BATCH, &it);
		if (rc)
			return rc;
		size_t n = it->n, handled = 0;
		int stop = 0;
		while (handled < n && !stop) {
			stop = sub->fn(&it->entries[handled], sub->userdata);
			if (csvc__tx_depth(s) > 0) {
				csvc__log(s, CSVC_LOG_ERROR,
				          "feed subscriber '%s' returned with %d transaction level(s) open; "
				          "they were rolled back",
				          sub->name, csvc__tx_depth(s));
				while (csvc__tx_depth(s) > 0)
					csvc__tx_rollback(s);
			}
			if (!stop)
				handled++;
		}
		int64_t done = handled ? it->entries[handled - 1].position : 0;
		int64_t stopped_at = stop ? it->entries[handled].position : 0;
		csvc_feed_iter_free(it);
		csvc__error_clear();
		*count += (int64_t)handled;
		if (done && ((rc = csvc__tx_begin(s)) || (rc = csvc__tx_end(s, move_cursor(s, sub->name, done, 1)))))
			return rc;
		if (stop)
			return csvc__error(stop,
			                   "feed subscriber '%s' stopped at position %lld (it returned %d); "
			                   "that entry is delivered again by the next delivery",
			                   sub->name, (long long)stopped_at, stop);
		/* A short batch was all there was when it was read; what the
		 * callbacks committed since, the next round of deliver_all reads. */
		if (n < DELIVER_BATCH)
			return CSVC_OK;
	}
}

/* Serves every subscriber, in rounds until a round sees the head where it
 * was when it began (no callback wrote), so that entries one subscriber
 * commits reach those served before it too. A subscriber that stopped
 * waits for the next delivery; the first failure is the result. */
static int deliver_all(csvc_store *s, feed_state *f, int64_t *delivered)
{
	int64_t count = 0;
	int first = CSVC_OK;
	int stopped[CSVC_FEED_MAX_SUBSCRIBERS] = {0};
	csvc__error_saved saved;
	f->delivering = 1; /* the subscribers cannot change meanwhile */
	for (int more = 1; more;) {
		int64_t head0 = 0, head1 = 0;
		int rc = csvc__feed_db_head(s, &head0);
		for (size_t i = 0; !rc && i < f->n_subs; i++) {
			int r = stopped[i] ? CSVC_OK : deliver_one(s, &f->subs[i], &count);
			if (r && !first) {
				first = r;
				csvc__error_save(&saved);
			}
			stopped[i] |= r != CSVC_OK;
		}
		if (!rc)
			rc = csvc__feed_db_head(s, &head1);
		if (rc && !first) {
			first = rc;
			csvc__error_save(&saved);
		}
		more = !rc && head1 != head0;
	}
	f->delivering = 0;
	if (first)
		csvc__error_restore(&saved);
	if (delivered)
		*delivered = count;
	return first;
}

int csvc__feed_subscribe(csvc_store *s, const char *consumer, csvc_feed_fn fn, void *userdata,
                         void (*release)(void *userdata))
{
	CSVC__CHECK_ARG(s, "store");
	CSVC__CHECK_ARG(consumer, "consumer");
	int rc = csvc__check_machine_name(consumer, "consumer name");
	if (rc)
		return rc;
	feed_state *f = csvc__store_state(s, &feed_ext);
	if (f->delivering)
		return csvc__error(CSVC_ESTATE, "subscribers cannot change while the feed delivers to them");
	size_t i = 0;
	while (i < f->n_subs && strcmp(f->subs[i].name, consumer) != 0)
		i++;
	if (!fn) {
		if (i == f->n_subs)
			return csvc__error(CSVC_ENOTFOUND, "consumer '%s' has no subscriber on this store", consumer);
		if (f->subs[i].release)
			f->subs[i].release(f->subs[i].userdata);
		csvc__free(f->subs[i].name);
		memmove(&f->subs[i], &f->subs[i + 1], (f->n_subs - i - 1) * sizeof(f->subs[0]));
		f->n_subs--;
		return CSVC_OK;
	}
	if (s->flags & CSVC_OPEN_READONLY)
		return csvc__error(CSVC_EREADONLY, "a read-only store cannot acknowledge what it delivers");
	if (i == f->n_subs) {
		if (f->n_subs == CSVC_FEED_MAX_SUBSCRIBERS)
			return csvc__error(CSVC_ERANGE, "a store holds at most %d feed subscribers",
			                   CSVC_FEED_MAX_SUBSCRIBERS);
		char *name = NULL;
		if ((rc = csvc__strdup(consumer, &name)))
			return rc;
		f->subs[i].name = name;
		f->n_subs++;
	} else if (f->subs[i].release) {
		f->subs[i].release(f->subs[i].userdata);
	}
	f->subs[i].fn = fn;
	f->subs[i].userdata = userdata;
	f->subs[i].release = release;
	return CSVC_OK;
}

int csvc_feed_subscribe(csvc_store *store, const char *consumer, csvc_feed_fn fn, void *userdata)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	return csvc__feed_subscribe(store, consumer, fn, userdata, NULL);
}

int csvc__feed_deliver(csvc_store *s, int64_t *delivered)
{
	feed_state *f = csvc__store_state(s, &feed_ext);
	if (delivered)
		*delivered = 0;
	/* A running delivery, or the commit that ends the transaction,
	 * delivers what this one would. */
	if (!f->n_subs || f->delivering || csvc__tx_depth(s) > 0)
		return CSVC_OK;
	return deliver_all(s, f, delivered);
}

int csvc_feed_deliver(csvc_store *store, int64_t *delivered)
{
	csvc__error_clear();
	if (delivered)
		*delivered = 0;
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_AUDIT_READ);
	feed_state *f = csvc__store_state(store, &feed_ext);
	if (f->delivering)
		return csvc__error(CSVC_ESTATE, "the feed is already delivering (called from a subscriber)");
	if (csvc__tx_depth(store) > 0)
		return csvc__error(CSVC_ESTATE, "the feed delivers only committed entries, outside a transaction");
	return csvc__feed_deliver(store, delivered);
}

void csvc__feed_hold(csvc_store *s, int on)
{
	feed_state *f = csvc__store_state(s, &feed_ext);
	f->held += on ? 1 : -1;
}
