/*
 * Customer records: the in-memory value, and the storage functions that
 * the domain code (customer.c) calls. The storage functions are the
 * backend boundary: customer-sql.c implements them on SQLite.
 */
#ifndef CSVC_CUSTOMER_INTERNAL_H
#define CSVC_CUSTOMER_INTERNAL_H

#include "csvc/consent.h"
#include "csvc/customer.h"
#include "store/cursor.h"
#include "db/db.h"
#include "util/internal.h"

/* A growable array of owned strings. */
typedef struct csvc__strvec {
	char **items;
	size_t n, cap;
} csvc__strvec;

/* A growable array of owned (key, value) pairs. */
typedef struct csvc__kv {
	char *key;
	char *value;
} csvc__kv;

typedef struct csvc__kvvec {
	csvc__kv *items;
	size_t n, cap;
} csvc__kvvec;

typedef struct csvc__lifecycle_entry {
	int32_t stage;
	csvc_time_us at;
} csvc__lifecycle_entry;

struct csvc_customer {
	csvc_uuid id; /* nil for a draft without an imported id */
	char *name, *address, *notes, *home_store;
	int32_t birthday, klass, tier, lifecycle;
	int64_t revision; /* 0: draft */
	csvc_time_us created_at, updated_at, erased_at;
	csvc_uuid merged_into; /* nil if not merged */
	csvc__strvec phones, emails, tags;
	csvc__kvvec attrs, extids;
	csvc__lifecycle_entry *history;
	size_t history_n;
	int masked; /* contacts replaced by their masked forms: never saved */
};

/* vectors (customer-record.c) */
void csvc__strvec_free(csvc__strvec *v);
int csvc__strvec_push(csvc__strvec *v, const char *s);
void csvc__kvvec_free(csvc__kvvec *v);
int csvc__kvvec_push(csvc__kvvec *v, const char *key, const char *value);
/* sorted insert/replace by key (attributes) */
int csvc__kvvec_set_sorted(csvc__kvvec *v, const char *key, const char *value);
int csvc__strvec_add_sorted(csvc__strvec *v, const char *s);
int csvc__strvec_find(const csvc__strvec *v, const char *s);
int csvc__kvvec_find(const csvc__kvvec *v, const char *key, const char *value);
int csvc__customer_history_push(csvc_customer *c, int32_t stage, csvc_time_us at);

/* Validation shared by setters and storage. */
int csvc__check_extid(const char *kind, const char *value);

/* Replaces the phones and e-mails by their masked forms (138****8000,
 * z***@example.com) for a reader who may not see contacts; phones of
 * country `country_code` lose it, as they are shown at home. */
int csvc__customer_mask(csvc_customer *c, const char *country_code);

/* An empty record with no defaults applied (for loading). */
int csvc__customer_alloc(csvc_customer **out);

/* normalisation (phone.c); `size` includes the NUL */
#define CSVC__NORM_MAX 260
int csvc__phone_normalize(const char *phone, const char *country_code, char *out, size_t size);
int csvc__email_normalize(const char *email, char *out, size_t size);

/* Contact kinds in storage. */
#define CSVC__CONTACT_PHONE 1
#define CSVC__CONTACT_EMAIL 2

/* What the domain layer hands to storage when writing a record: the
 * record plus the normalised contact keys, parallel to phones/emails. */
typedef struct csvc__customer_row {
	const csvc_customer *c;
	char (*phone_norms)[CSVC__NORM_MAX];
	char (*email_norms)[CSVC__NORM_MAX];
} csvc__customer_row;

/* Which parts of a record an update rewrites. */
enum {
	CSVC__PART_SCALARS = 1,
	CSVC__PART_CONTACTS = 2,
	CSVC__PART_TAGS = 4,
	CSVC__PART_ATTRS = 8,
	CSVC__PART_EXTIDS = 16,
	CSVC__PART_SEARCH = 32
};

/* Row state of a stored customer, as the domain checks need it. */
typedef struct csvc__customer_state {
	int64_t rowid;
	int64_t revision;
	int64_t merged_into; /* rowid or 0 */
	csvc_time_us erased_at;
} csvc__customer_state;

/* ---- storage (customer-sql.c) ---- */
struct csvc_store;
int csvc__customer_db_insert(struct csvc_store *s, const csvc__customer_row *row, int64_t *rowid);
int csvc__customer_db_update(struct csvc_store *s, int64_t rowid, const csvc__customer_row *row,
                             unsigned parts);
/* Inside a write transaction on PostgreSQL the row is locked to the
 * commit (for writers); csvc__customer_db_state_read never locks (for
 * calls that only read). */
int csvc__customer_db_state(struct csvc_store *s, const csvc_uuid *id, csvc__customer_state *out);
int csvc__customer_db_state_read(struct csvc_store *s, const csvc_uuid *id, csvc__customer_state *out);
int csvc__customer_db_load(struct csvc_store *s, int64_t rowid, csvc_customer **out);
/* The rowids of the records merged straight into customer `rowid`, by rowid
 * (csvc__free the array). */
int csvc__customer_db_merged_into(struct csvc_store *s, int64_t rowid, int64_t **ids, size_t *n);
/* The class and tier of customer `rowid` (0 and 0 when there is none). */
int csvc__customer_db_class(struct csvc_store *s, int64_t rowid, int32_t *klass, int32_t *tier);
int csvc__customer_db_lifecycle_append(struct csvc_store *s, int64_t rowid, int32_t stage,
                                       csvc_time_us at);
int csvc__customer_db_event(struct csvc_store *s, int64_t rowid, const char *type,
                            const char *actor, csvc_time_us at, const char *payload);
/* rowid of the oldest active customer with this contact key / external id */
int csvc__customer_db_find_contact(struct csvc_store *s, int kind, const char *norm, int64_t *rowid);
int csvc__customer_db_find_extid(struct csvc_store *s, const char *kind, const char *value,
                                 int64_t *rowid);
/* merge: point absorb at keep, move every reference, re-home sublists */
int csvc__customer_db_mark_merged(struct csvc_store *s, int64_t absorb, int64_t keep,
                                  csvc_time_us at);
/* ---- modules that follow customers (customer.c) ---- */

/* A module above customers that keeps references to them (tickets,
 * surveys), told inside the change's transaction; its errors fail the
 * customer call. Either function may be NULL. */
typedef struct csvc__customer_follower {
	/* The class or tier of customer `rowid` changed. */
	int (*changed)(struct csvc_store *s, int64_t rowid, csvc_time_us at);
	/* Customer `from` was merged into `into`: its references move. */
	int (*merged)(struct csvc_store *s, int64_t from, int64_t into, const csvc_uuid *from_id,
	              const csvc_uuid *into_id, const char *actor, csvc_time_us at);
	/* Customer `rowid` was erased: the free text kept about them goes
	 * (docs/privacy.md, "Erasure and redaction"). */
	int (*erased)(struct csvc_store *s, int64_t rowid, const char *actor, csvc_time_us at);
} csvc__customer_follower;

/* Consent (consent.c): the current state (csvc_consent_state_t, 0: no
 * record) of `purpose` for the customer whose records are read under row
 * `root` (a customer, not one merged away). */
int csvc__consent_current(struct csvc_store *s, int64_t root, int32_t purpose, int32_t *state);

/* Attaches the customer module's state to a store being opened. */
int csvc__customer_attach(struct csvc_store *s);
/* Adds a follower (static; at most 4). */
int csvc__customer_follow(struct csvc_store *s, const csvc__customer_follower *f);

/* Points customers merged into `from` at `to` (their new root). */
int csvc__customer_db_repoint_merged(struct csvc_store *s, int64_t from, int64_t to);
/* erase: delete personal data of rowid; purge rebuilds the search index
 * so no segment keeps erased text */
int csvc__customer_db_erase(struct csvc_store *s, int64_t rowid, csvc_time_us at);
int csvc__customer_db_purge(struct csvc_store *s);
/* Removes what the store's files still hold of erased data once the
 * erasure committed, outside transactions: on SQLite a WAL checkpoint
 * (waiting for readers when `full`); on PostgreSQL, only when `full`, a
 * VACUUM (FULL, ANALYZE) of the tables an erasure changes, refused with
 * CSVC_ESTORAGE when the store's role does not own them. *complete says
 * whether nothing erased is left. */
int csvc__customer_db_reclaim(struct csvc_store *s, int full, int *complete);
/* rowids of the customers merged into rowid (their tombstones); caller frees */
int csvc__customer_db_absorbed(struct csvc_store *s, int64_t rowid, int64_t **ids, size_t *n);
/* the scrub marker: set by an erasure (keeps the oldest instant, counts
 * up `gen`), read (0: none; gen may be NULL) and cleared by a scrub only
 * if no erasure came after it read `gen` */
int csvc__customer_db_scrub_mark(struct csvc_store *s, csvc_time_us at);
int csvc__customer_db_scrub_pending(struct csvc_store *s, csvc_time_us *since, int64_t *gen);
int csvc__customer_db_scrub_clear(struct csvc_store *s, int64_t gen);

/* The customer's home store (*out NULL: none; the caller frees). */
int csvc__customer_db_home_store(struct csvc_store *s, int64_t rowid, char **out);

/* Which customers a principal limited to one store sees: every one, those
 * of its store (bound to :scope_store) and of none, or those of none. */
#define CSVC__SCOPE_ALL 0
#define CSVC__SCOPE_STORE 1
#define CSVC__SCOPE_NO_STORE 2

/* query cursor (cursor.h) */
int csvc__customer_db_query(struct csvc_store *s, const csvc_customer_query *q, const char *phone_norm,
                            const char *email_norm, int64_t after_rowid, int count_only, int scope,
                            const char *scope_store, csvc__cursor **out);
/* The SQL a query would run (for EXPLAIN QUERY PLAN tests); caller frees. */
char *csvc__customer_db_query_sql(const csvc_customer_query *q, int count_only, int scope, csvc__dialect dialect);

#endif
