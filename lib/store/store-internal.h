/*
 * The store's insides: its database connection (lib/db/db.h), clock, log,
 * settings, transactions, and the per-store state the modules above it
 * attach (caches, the change hook's queue). The store knows no module:
 * lib/csvc.c attaches them when a store opens (docs/architecture.md).
 */
#ifndef CSVC_STORE_INTERNAL_H
#define CSVC_STORE_INTERNAL_H

#include "csvc/store.h"
#include "db/db.h"
#include "util/internal.h"

/* 'CSVC' in the store's header (SQLite: the application_id field). */
#define CSVC__APPLICATION_ID 0x43535643

/*
 * Per-store state of a module above the store (its caches, the change
 * hook's queue): the module describes it once, statically, and attaches
 * it when the store opens (lib/csvc.c); the store calls these back and
 * never names a module or its state. Callbacks may be NULL.
 */
#define CSVC__STORE_EXT_MAX 12
typedef struct csvc__store_ext {
	const char *name;
	/* Frees the state when the store closes. */
	void (*free)(void *state);
	/* A transaction level began (0: the outermost). */
	void (*begun)(void *state, int level);
	/* Writes were undone (what csvc__db_undo says): drop what was
	 * derived from them. Also called by csvc__store_invalidate(). */
	void (*undone)(void *state, const csvc__db_undo *u);
	/* The outermost transaction is about to commit: last writes of the
	 * transaction (an error rolls the whole transaction back and is the
	 * commit's result). */
	int (*committing)(csvc_store *s, void *state);
	/* The outermost transaction committed. */
	void (*committed)(csvc_store *s, void *state);
	/* Every module's `committed` ran and no transaction is open:
	 * delivery to the host's callbacks, which may write again. */
	void (*settled)(csvc_store *s, void *state);
	/* Whether the call `call` may use permission `perm` (a
	 * csvc_permission_t): CSVC_OK, or the refusal (access control, for
	 * the modules below it: csvc__store_require). */
	int (*require)(csvc_store *s, void *state, int32_t perm, const char *call);
	/* Whether `actor` (not NULL) may be recorded as who made a change in
	 * call `call`: CSVC_OK, or the refusal (the staff directory's
	 * references, for the modules below it: csvc__store_check_actor). */
	int (*actor)(csvc_store *s, void *state, const char *actor, const char *call);
} csvc__store_ext;

struct csvc_store {
	csvc__db *db;
	csvc_clock_fn clock;
	void *clock_userdata;
	csvc_log_fn log;
	void *log_userdata;
	int32_t log_level;
	uint32_t flags;
	int verifying; /* opened by csvc_store_verify: any older schema reads */
	char country_code[8];
	char *zoneinfo_dir; /* NULL: the system's */

	/* The modules' per-store state (csvc__store_ext). */
	struct csvc__store_slot {
		const struct csvc__store_ext *ext;
		void *state;
	} ext[CSVC__STORE_EXT_MAX];
	size_t n_ext;
};

void csvc__log(csvc_store *s, int level, const char *fmt, ...) CSVC__PRINTF(3, 4);

/* A read transaction for several reads outside any transaction: one
 * snapshot and one lock for all of them. `*began` says whether one was
 * begun; pass it to csvc__read_end, which ends it (inside a transaction,
 * the reads simply join it). */
int csvc__read_begin(csvc_store *s, int *began);
void csvc__read_end(csvc_store *s, int began);

/* Internal transactions, used by every writing API call. They do not clear
 * the thread's error record. */
int csvc__tx_begin(csvc_store *s);
int csvc__tx_commit(csvc_store *s);
int csvc__tx_rollback(csvc_store *s);

/* Finish an internal transaction: commit if rc == 0, else roll back and
 * return rc unchanged (keeping its error message). */
int csvc__tx_end(csvc_store *s, int rc);

/*
 * Retrying a self-contained call. PostgreSQL may end a write transaction
 * half-way for a deadlock or a serialization failure (SQLite never does:
 * its writers wait at the begin). A call that began the outermost
 * transaction itself runs it again, from its begin:
 *
 *     int attempt = 0;
 * again:
 *     rc = csvc__tx_begin(s); ...; rc = csvc__tx_end(s, rc);
 *     if (csvc__tx_again(s, rc, &attempt))
 *         goto again;
 *
 * 1 (the error record cleared) when `rc` is such a failure, the call's
 * transaction was the outermost one (now rolled back: depth 0) and fewer
 * than CSVC__TX_ATTEMPTS attempts were made; else 0, and the call returns
 * `rc`. Inside a caller's transaction the failure is returned as it is
 * (CSVC_EBUSY): only the caller can run its transaction again.
 */
#define CSVC__TX_ATTEMPTS 16
int csvc__tx_again(csvc_store *s, int rc, int *attempt);

/* Checkpoints the WAL into the main file and truncates it: CSVC_EBUSY
 * if a reader or writer kept it from finishing, at once unless `wait`
 * (then after the busy timeout). Outside transactions. */
int csvc__store_checkpoint(csvc_store *s, int wait);

/* Attaches `state` (owned by the store from now on, freed by ext->free
 * even on failure) for `ext`. CSVC_ERANGE when full. */
int csvc__store_attach(csvc_store *s, const csvc__store_ext *ext, void *state);

/* Asks the modules with a `require` callback whether call `call` may use
 * permission `perm` (access.h): for the modules below access control. */
int csvc__store_require(csvc_store *s, int32_t perm, const char *call);

/* Asks the modules with an `actor` callback whether `actor` (NULL: no
 * check) may be recorded by call `call`. */
int csvc__store_check_actor(csvc_store *s, const char *actor, const char *call);

/* The state attached for `ext`, or NULL when none was. */
static inline void *csvc__store_state(const csvc_store *s, const csvc__store_ext *ext)
{
	for (size_t i = 0; i < s->n_ext; i++)
		if (s->ext[i].ext == ext)
			return s->ext[i].state;
	return NULL;
}

/* Stored definitions changed (a calendar, a policy): every module drops
 * what it derived from stored data, as after undone writes. */
void csvc__store_invalidate(csvc_store *s);

/* Opens the store alone, with no module attached (csvc_store_open in
 * lib/csvc.c attaches them). */
int csvc__store_open(csvc_store **out, const char *path, const csvc_store_options *opts);

/* The open transaction level count (0: none). */
static inline int csvc__tx_depth(const csvc_store *s)
{
	return csvc__db_depth(s->db);
}

/* Schema (schema.c). Applies every pending migration to `db` (the store's
 * connection, or a new file's before it is put in place). */
int csvc__schema_migrate(csvc_store *s, csvc__db *db, int32_t from_version);
int32_t csvc__schema_latest(void);

/* The redaction of a ticket event's payload `p` on SQLite
 * (docs/privacy.md, "Erasure and redaction"): its free text becomes null,
 * everything else stays (migration 24 says what the append-only trigger
 * of ticket_events admits); PostgreSQL has the function
 * csvc_redact_payload(text) for it. */
#define CSVC__SQLITE_REDACT_PAYLOAD(p) \
	"json_replace(" p ", '$.set.subject', NULL, '$.set.description', NULL, '$.old.subject', NULL," \
	" '$.old.description', NULL, '$.body', NULL, '$.note', NULL, '$.inputs', NULL)"

#endif
