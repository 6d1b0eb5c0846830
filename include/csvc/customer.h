/**
 * @file
 * libcsvc - customer records (顾客档案).
 *
 * A csvc_customer is a detached value: built in memory with the setters,
 * saved with csvc_customer_create() / csvc_customer_update(), read back with
 * csvc_customer_get() and the find/iterate calls. It never refers back to
 * the store, so it stays valid after the store is closed.
 *
 * Limits (bytes of UTF-8 unless noted) are the CSVC_CUSTOMER_MAX_* macros;
 * a longer value gives CSVC_ERANGE and invalid UTF-8 gives CSVC_EINVAL, as
 * does a control character: none in single-line fields (name, tags,
 * attribute keys, external IDs, actors), and none but tab, line feed and
 * carriage return in the address, the notes and attribute values.
 * See docs/customers.md for the phone, e-mail and search rules.
 */
#ifndef CSVC_CUSTOMER_H
#define CSVC_CUSTOMER_H

#include "common.h"
#include "store.h"

CSVC_BEGIN_DECL

/** A customer record (detached value). Opaque. @since 1.0 */
typedef struct csvc_customer csvc_customer;

#define CSVC_CUSTOMER_MAX_NAME 256        /**< display name */
#define CSVC_CUSTOMER_MAX_ADDRESS 1024
#define CSVC_CUSTOMER_MAX_NOTES 4096      /**< preferences and special needs */
#define CSVC_CUSTOMER_MAX_STORE_CODE 32   /**< home store code, e.g. "SH01" */
#define CSVC_CUSTOMER_MAX_PHONE 64        /**< as entered; 3 to 15 digits */
#define CSVC_CUSTOMER_MAX_EMAIL 254
#define CSVC_CUSTOMER_MAX_TAG 64
#define CSVC_CUSTOMER_MAX_ATTR_KEY 64
#define CSVC_CUSTOMER_MAX_ATTR_VALUE 4096
#define CSVC_CUSTOMER_MAX_EXTID_KIND 32   /**< [a-z0-9_.-], e.g. "member_card" */
#define CSVC_CUSTOMER_MAX_EXTID_VALUE 128
#define CSVC_CUSTOMER_MAX_ACTOR 128
#define CSVC_CUSTOMER_MAX_PHONES 16       /**< counts per customer */
#define CSVC_CUSTOMER_MAX_EMAILS 16
#define CSVC_CUSTOMER_MAX_TAGS 64
#define CSVC_CUSTOMER_MAX_ATTRS 128
#define CSVC_CUSTOMER_MAX_EXTIDS 32

/**
 * Customer class (客户分类). 0 is "not set" (queries: any).
 * @since 1.0
 */
typedef enum csvc_customer_class_t {
	CSVC_CUSTOMER_VIP = 1,       /**< 核心 */
	CSVC_CUSTOMER_IMPORTANT = 2, /**< 重要 */
	CSVC_CUSTOMER_ORDINARY = 3,  /**< 普通 (default for new customers) */
	CSVC_CUSTOMER_POTENTIAL = 4  /**< 潜在 */
} csvc_customer_class_t;

/**
 * Value tier (价值等级). 0 is "not set".
 * @since 1.0
 */
typedef enum csvc_value_tier_t {
	CSVC_TIER_1 = 1, /**< 一级, highest value */
	CSVC_TIER_2 = 2, /**< 二级 */
	CSVC_TIER_3 = 3  /**< 三级 */
} csvc_value_tier_t;

/**
 * Lifecycle stage (生命周期). 0 is "not set".
 * @since 1.0
 */
typedef enum csvc_lifecycle_t {
	CSVC_LIFECYCLE_POTENTIAL = 1, /**< 潜在 */
	CSVC_LIFECYCLE_NEW = 2,       /**< 新 (default for new customers) */
	CSVC_LIFECYCLE_GROWING = 3,   /**< 成长 */
	CSVC_LIFECYCLE_MATURE = 4,    /**< 成熟 */
	CSVC_LIFECYCLE_CHURNED = 5    /**< 流失 */
} csvc_lifecycle_t;

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/**
 * Allocates an empty draft record (nil UUID, class ordinary, lifecycle new).
 * Errors: CSVC_EINVAL (NULL out), CSVC_ENOMEM.
 * Ownership: free with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_new(csvc_customer **out);

/**
 * Deep-copies a record. Errors: CSVC_EINVAL, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_dup(const csvc_customer *c, csvc_customer **out);

/** Frees a record. NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_customer_free(csvc_customer *c);

/**
 * Getters. Strings borrow from the record until it is modified or freed;
 * a field that is not set gives NULL (strings) or 0 (numbers). A NULL
 * record gives NULL/0.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_customer_id(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_name(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_address(const csvc_customer *c);
/** Birthday as YYYYMMDD (e.g. 19850412), 0 when unknown. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_customer_birthday(const csvc_customer *c);
/** Preferences and special needs, free text. @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_notes(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_home_store(const csvc_customer *c);
/** One of csvc_customer_class_t. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_customer_class(const csvc_customer *c);
/** One of csvc_value_tier_t, or 0. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_customer_tier(const csvc_customer *c);
/** One of csvc_lifecycle_t. @since 1.0 */
CSVC_EXTERN(int32_t) csvc_customer_lifecycle(const csvc_customer *c);
/** Revision: 0 for a draft, 1 after create, +1 per saved change. @since 1.0 */
CSVC_EXTERN(int64_t) csvc_customer_revision(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_customer_created_at(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_customer_updated_at(const csvc_customer *c);
/** The customer this one was merged into, or NULL. @since 1.0 */
CSVC_EXTERN(const csvc_uuid *) csvc_customer_merged_into(const csvc_customer *c);
/** When the personal data was erased, or 0. @since 1.0 */
CSVC_EXTERN(csvc_time_us) csvc_customer_erased_at(const csvc_customer *c);

/**
 * Setters. Each validates its value (UTF-8, length, range) and changes the
 * record only on success. NULL clears an optional string.
 * Errors: CSVC_EINVAL (NULL record, bad UTF-8, unknown enum, bad date),
 * CSVC_ERANGE (too long).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_name(csvc_customer *c, const char *name);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_address(csvc_customer *c, const char *address);
/** `yyyymmdd` must be a real calendar date (years 1..9999) or 0 to clear. @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_birthday(csvc_customer *c, int32_t yyyymmdd);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_notes(csvc_customer *c, const char *notes);
/** A store code: printable ASCII without spaces, 1..32 bytes. @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_home_store(csvc_customer *c, const char *store_code);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_class(csvc_customer *c, csvc_customer_class_t customer_class);
/** 0 clears. @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_tier(csvc_customer *c, csvc_value_tier_t tier);
/** Saving a changed stage appends to the lifecycle history. @since 1.0 */
CSVC_EXTERN(int) csvc_customer_set_lifecycle(csvc_customer *c, csvc_lifecycle_t stage);
/**
 * Sets the UUID of a draft (for imports that carry their own IDs).
 * Errors: CSVC_EINVAL (nil UUID), CSVC_ESTATE (the record is saved already).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_id(csvc_customer *c, const csvc_uuid *id);

/**
 * Phones and e-mails: ordered lists of values as entered. Adding a value
 * already present (byte for byte) is a no-op. Two values that normalise
 * to the same number/address are rejected when the record is saved.
 * Errors: CSVC_EINVAL (malformed), CSVC_ERANGE (too long or too many),
 * CSVC_ENOTFOUND (remove: not present).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_phone(csvc_customer *c, const char *phone);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_remove_phone(csvc_customer *c, const char *phone);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_customer_phone_count(const csvc_customer *c);
/** The i-th phone as entered, or NULL if out of range. @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_phone(const csvc_customer *c, size_t i);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_add_email(csvc_customer *c, const char *email);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_remove_email(csvc_customer *c, const char *email);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_customer_email_count(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_email(const csvc_customer *c, size_t i);

/**
 * Tags: a set of non-empty UTF-8 labels, kept sorted by bytes. Adding a
 * present tag is a no-op; removing an absent one gives CSVC_ENOTFOUND.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_tag(csvc_customer *c, const char *tag);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_remove_tag(csvc_customer *c, const char *tag);
/** 1 if the tag is present, else 0. @since 1.0 */
CSVC_EXTERN(int) csvc_customer_has_tag(const csvc_customer *c, const char *tag);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_customer_tag_count(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_tag(const csvc_customer *c, size_t i);

/**
 * Attributes: key -> UTF-8 value, kept sorted by key. A NULL value removes
 * the key (CSVC_ENOTFOUND if absent).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_attr(csvc_customer *c, const char *key, const char *value);
/** The value of `key`, or NULL. @since 1.0 */
CSVC_EXTERN(const char *) csvc_customer_attr(const csvc_customer *c, const char *key);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_customer_attr_count(const csvc_customer *c);
/**
 * The i-th attribute (in key order). Errors: CSVC_EINVAL, CSVC_ERANGE
 * (i out of range). Outputs borrow from the record.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_attr_at(const csvc_customer *c, size_t i, const char **key,
                                       const char **value);

/**
 * External IDs: (kind, value) pairs such as ("member_card", "M-0001"),
 * ("pos", "C123"), ("wechat_openid", "o6_bmjr..."). A value is unique
 * within its kind across all customers (checked when saved:
 * CSVC_EEXISTS). A customer may hold several values of one kind.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_external_id(csvc_customer *c, const char *kind, const char *value);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_remove_external_id(csvc_customer *c, const char *kind,
                                                  const char *value);
/** @since 1.0 */
CSVC_EXTERN(size_t) csvc_customer_external_id_count(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_external_id_at(const csvc_customer *c, size_t i, const char **kind,
                                              const char **value);

/**
 * Lifecycle history as read from the store: entry i is (stage, time the
 * customer entered it), oldest first. Errors: CSVC_EINVAL, CSVC_ERANGE.
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_lifecycle_count(const csvc_customer *c);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_lifecycle_at(const csvc_customer *c, size_t i, int32_t *stage,
                                            csvc_time_us *at);

/* ------------------------------------------------------------------ */
/* Store operations                                                    */
/* ------------------------------------------------------------------ */

/**
 * Saves a draft as a new customer. Assigns a random UUID unless one was set
 * with csvc_customer_set_id(), sets created/updated to the store clock,
 * revision 1, and records the first lifecycle entry and a "created" event.
 * On success updates `c` to the saved state; on failure `c` and the store
 * are unchanged. `actor` (who did it, may be NULL) is recorded on the event.
 * Errors: CSVC_EINVAL (NULL, not a draft: use update), CSVC_EEXISTS
 * (external ID or UUID taken; duplicate phone/e-mail within the record),
 * CSVC_ERANGE, CSVC_EREADONLY, CSVC_EBUSY, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_create(csvc_store *store, csvc_customer *c, const char *actor);

/**
 * Saves the changes in `c`, which must come from this store (get/find/
 * create). Optimistic concurrency: if the stored revision is not
 * csvc_customer_revision(c), returns CSVC_ECONFLICT and changes nothing.
 * On success `c` gets the new revision and updated time, and an "updated"
 * event lists the changed field names (not their values).
 * Errors: as create, plus CSVC_ENOTFOUND, CSVC_ECONFLICT, CSVC_ESTATE
 * (the customer was merged away or erased).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_update(csvc_store *store, csvc_customer *c, const char *actor);

/**
 * Reads a customer by UUID, including merged and erased ones (see
 * csvc_customer_merged_into / csvc_customer_erased_at).
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, CSVC_ESTORAGE.
 * Ownership: `*out` is written only on success; free with csvc_customer_free.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_get(csvc_store *store, const csvc_uuid *id, csvc_customer **out);

/**
 * Finds the active (not merged, not erased) customer with this phone
 * number (compared after normalisation), e-mail address (compared with
 * ASCII letters folded to lower case) or external ID. If several customers share a phone or
 * e-mail, the one created first is returned; list them all with a query.
 * Errors: CSVC_EINVAL (malformed value), CSVC_ENOTFOUND, CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_find_by_phone(csvc_store *store, const char *phone,
                                             csvc_customer **out);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_find_by_email(csvc_store *store, const char *email,
                                             csvc_customer **out);
/** @since 1.0 */
CSVC_EXTERN(int) csvc_customer_find_by_external_id(csvc_store *store, const char *kind,
                                                   const char *value, csvc_customer **out);

/**
 * Normalises a phone number the way the store compares them (see
 * docs/customers.md): separators removed, "00" and "+" international
 * prefixes unified, a national trunk "0" dropped, and the country code
 * added, giving "+<country code><number>". `country_code` NULL means "86".
 * Writes at most `size` bytes including the NUL.
 * Errors: CSVC_EINVAL (not a phone number), CSVC_ERANGE (`size` too small).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_phone_normalize(const char *phone, const char *country_code, char *out,
                                      size_t size);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

/** Current version of csvc_customer_query. @since 1.0 */
#define CSVC_CUSTOMER_QUERY_VERSION 1

/**
 * Filters for listing and counting customers; all given filters must match
 * (AND). Zero/NULL fields do not filter. Results come in creation order.
 * @since 1.0
 */
typedef struct csvc_customer_query {
	uint32_t version;         /**< CSVC_CUSTOMER_QUERY_VERSION */
	const char *text;         /**< substring of name, phones, e-mails or notes; 3+ characters
	                             use the trigram index (case folded), 1-2 characters scan
	                             (ASCII case folded); see docs/customers.md */
	const char *phone;        /**< has this phone (normalised comparison) */
	const char *email;        /**< has this e-mail (case-insensitive) */
	const char *tag;          /**< has this tag */
	const char *home_store;   /**< home store code */
	int32_t customer_class;   /**< csvc_customer_class_t */
	int32_t tier;             /**< csvc_value_tier_t */
	int32_t lifecycle;        /**< csvc_lifecycle_t */
	int32_t include_inactive; /**< non-zero: also merged and erased customers */
	csvc_time_us created_from, created_to; /**< [from, to); 0 = unbounded */
	csvc_time_us updated_from, updated_to; /**< [from, to); 0 = unbounded */
	csvc_uuid after;          /**< keyset cursor: start after this customer (nil: from the start) */
	uint32_t limit;           /**< at most this many results; 0 = no limit */
} csvc_customer_query;

/** Static initialiser: no filters. @since 1.0 */
#define CSVC_CUSTOMER_QUERY_INIT \
	{ CSVC_CUSTOMER_QUERY_VERSION, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, {{0}}, 0 }

/**
 * Initialises `q` to the defaults of struct version `version` (pass
 * CSVC_CUSTOMER_QUERY_VERSION): the same as CSVC_CUSTOMER_QUERY_INIT ("no filters"), but writing only the
 * fields that `version` has, and `version` into q->version, so that a
 * program built against older headers passes its own, smaller version and
 * nothing past its struct is written (docs/conventions.md "Versioned
 * structs").
 * Errors: CSVC_EINVAL if `q` is NULL, or `version` is 0 or newer than
 *   the library knows (nothing written).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_query_init(csvc_customer_query *q, unsigned int version);

/** An iterator over customers. Opaque. @since 1.0 */
typedef struct csvc_customer_iter csvc_customer_iter;

/**
 * Starts iterating the customers matching `q` (NULL: all active ones).
 * The query is copied; `q` need not outlive the call. The iterator reads
 * from the store lazily: free it before closing the store. It holds no
 * read snapshot between calls, so the store may write while it is open
 * (update each customer it returns, for example). It returns only
 * customers that existed when it was created, in creation order; each
 * one matched the query when its page of ids (up to 256, one short read)
 * was read; records are read in batches of up to 16 in one short read
 * transaction, so each is as of the call that read its batch, and may no
 * longer match. None is returned twice (docs/threading.md, "Iterators and
 * writes").
 * Errors: CSVC_EINVAL (bad filter values), CSVC_ENOTFOUND (`after` names
 * no customer), CSVC_ESTORAGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_iter_new(csvc_store *store, const csvc_customer_query *q,
                                        csvc_customer_iter **out);

/**
 * Returns the next customer in `*out` (caller frees), or CSVC_ITEROVER at
 * the end (`*out` untouched).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_iter_next(csvc_customer_iter *it, csvc_customer **out);

/** Frees an iterator. NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_customer_iter_free(csvc_customer_iter *it);

/**
 * Counts the customers matching `q` (NULL: all active ones); `after` and
 * `limit` are honoured.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_count(csvc_store *store, const csvc_customer_query *q, int64_t *out);

/* ------------------------------------------------------------------ */
/* Merge and erase                                                     */
/* ------------------------------------------------------------------ */

/** What a merge could not reconcile. Opaque. @since 1.0 */
typedef struct csvc_merge_report csvc_merge_report;

/**
 * Merges customer `absorb` into `keep`, atomically:
 *  - every reference to `absorb` (tickets, surveys, ...) moves to `keep`;
 *  - phones, e-mails, tags and external IDs are united;
 *  - class takes the higher of the two, tier the better, lifecycle keep's;
 *  - name, address, birthday, notes, home store and each attribute take
 *    keep's value, or absorb's where keep has none; where both differ it
 *    is a conflict: keep's value stays, absorb's stays on the absorbed
 *    record (nothing is lost) and the conflict is reported;
 *  - `absorb` remains readable with csvc_customer_merged_into() set, and
 *    events "merged" (on keep) and "absorbed" (on absorb) are recorded.
 * `report` may be NULL; otherwise it receives the conflicts (possibly none).
 * Errors: CSVC_EINVAL (NULL, keep == absorb), CSVC_ENOTFOUND, CSVC_ESTATE
 * (either one already merged away or erased), CSVC_ERANGE (the union
 * exceeds a per-customer limit), storage errors. Nothing changes on error.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_merge(csvc_store *store, const csvc_uuid *keep,
                                     const csvc_uuid *absorb, const char *actor,
                                     csvc_merge_report **report);

/** Number of conflicts in a report (0 for NULL). @since 1.0 */
CSVC_EXTERN(size_t) csvc_merge_report_count(const csvc_merge_report *r);

/**
 * Conflict i: `field` is "name", "address", "birthday", "notes",
 * "home_store" or "attribute"; `key` is the attribute key (else NULL);
 * `kept` and `absorbed` the two values as text. Outputs may be NULL and
 * borrow from the report. Errors: CSVC_EINVAL, CSVC_ERANGE.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_merge_report_at(const csvc_merge_report *r, size_t i, const char **field,
                                      const char **key, const char **kept, const char **absorbed);

/** Frees a report. NULL is a no-op. @since 1.0 */
CSVC_EXTERN(void) csvc_merge_report_free(csvc_merge_report *r);

/**
 * Erases the personal data of a customer (privacy request): name,
 * phones, e-mails, address, birthday, notes, tags, attributes, external
 * IDs and search-index rows are deleted; the UUID, class, tier, lifecycle,
 * home store, times and every record that references the customer remain,
 * so statistics stay right. An "erased" event is recorded.
 *
 * Deleted rows can survive on disk in three places until they are
 * scrubbed: freed database pages (overwritten with secure delete on, the
 * default), old search-index segments, and the write-ahead log. Called
 * outside a transaction, erase scrubs at once (csvc_customer_scrub(): it
 * rebuilds the search index, which costs time in proportion to the number
 * of customers, about 1 s per 100,000). Called inside the caller's
 * transaction, or when another connection's read snapshot keeps the
 * write-ahead log from being emptied, the erasure is committed and the
 * scrub stays pending: csvc_customer_scrub_pending() reports it and a
 * later csvc_customer_scrub() finishes it. To erase many customers, erase
 * them in one transaction and scrub once after the commit.
 * Errors: CSVC_EINVAL, CSVC_ENOTFOUND, CSVC_ESTATE (already erased),
 * storage errors. A scrub that cannot finish is not an error of the
 * erase (it is logged at CSVC_LOG_WARN).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_erase(csvc_store *store, const csvc_uuid *id, const char *actor);

/**
 * Finishes pending erasures: rebuilds the customer search index so that
 * no index segment keeps erased text, then checkpoints the write-ahead
 * log into the main file and truncates it (csvc_store_checkpoint()).
 * Clears the pending mark only when all of that succeeded. Does nothing
 * when no erasure is pending.
 * Errors: CSVC_EINVAL (NULL store); CSVC_ESTATE inside a transaction;
 * CSVC_EBUSY when another connection's read snapshot or write kept the
 * log from being emptied (the scrub stays pending: call again later);
 * CSVC_EREADONLY on a read-only store with a scrub pending; storage
 * errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_scrub(csvc_store *store);

/**
 * Writes to `*since` the instant of the oldest erasure whose data may
 * still be on disk (see csvc_customer_erase()), or 0 when none is.
 * Errors: CSVC_EINVAL, storage errors.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_scrub_pending(csvc_store *store, csvc_time_us *since);

CSVC_END_DECL

#endif /* CSVC_CUSTOMER_H */
