/*
 * Consent per purpose (docs/privacy.md, "Consent"): append-only records
 * of a customer giving or withdrawing consent, the last recorded of a purpose
 * being the customer's current word. A customer merged into another
 * keeps its rows; reads take the kept customer's and those of everyone
 * merged into it, so a merge moves nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "csvc/consent.h"
#include "csvc/enum.h"
#include "customer/customer-internal.h"
#include "store/store-internal.h"

struct csvc_consent {
	int32_t purpose, state;
	csvc_time_us at;
	char *channel, *text_version, *actor;
};

/* The customer and the row its records are read under (the one it was
 * merged into, or itself), whose home store decides the scope and whose
 * erasure ends recording. */
#define CUSTOMER_SELECT                                                                                        \
	"SELECT c.id, coalesce(c.merged_into, 0), coalesce(r.erased_us, 0), r.home_store FROM customers c"        \
	" JOIN customers r ON r.id = coalesce(c.merged_into, c.id) WHERE c.uuid = $1"
static const csvc__sql SQL_CUSTOMER = CSVC__SQL(CUSTOMER_SELECT);
/* A write holds the rows in share mode to its commit on PostgreSQL, so a
 * merge or an erasure (which lock them for update) cannot commit between
 * the check and the record. */
static const csvc__sql SQL_CUSTOMER_LOCK = CSVC__SQL_DIALECTS(CUSTOMER_SELECT, CUSTOMER_SELECT " FOR SHARE");
static const csvc__sql SQL_INSERT = CSVC__SQL(
	"INSERT INTO customer_consents (customer_id, purpose, state, channel, text_version, actor, at_us)"
	" VALUES ($1,$2,$3,$4,$5,$6,$7)");
/* The customer's rows and those of the customers merged into it (each
 * points at its root: csvc__customer_db_repoint_merged). */
#define OF_CUSTOMER \
	" customer_id IN (SELECT CAST($1 AS BIGINT) UNION ALL SELECT id FROM customers WHERE merged_into = $1)"
static const csvc__sql SQL_CURRENT = CSVC__SQL(
	"SELECT state FROM customer_consents WHERE" OF_CUSTOMER " AND purpose = $2 ORDER BY id DESC LIMIT 1");
static const csvc__sql SQL_HISTORY = CSVC__SQL(
	"SELECT purpose, state, at_us, channel, text_version, actor FROM customer_consents WHERE" OF_CUSTOMER
	" ORDER BY id");

CSVC__STRUCT_LAYOUT(form_layout, csvc_consent_form, CSVC_CONSENT_FORM_VERSION, CSVC_CONSENT_FORM_INIT,
                    sizeof(csvc_consent_form));

int csvc_consent_form_init(csvc_consent_form *form, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&form_layout, form, version);
}

typedef struct customer_row {
	int64_t rowid, root, erased;
	char home[CSVC_CUSTOMER_MAX_STORE_CODE + 1];
	int has_home;
} customer_row;

/* The customer `id`: its row, and the row its records are read under
 * (itself, or the one it was merged into), locked with `lock` (writes). */
static int customer_of(csvc_store *s, const csvc_uuid *id, int lock, customer_row *out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, lock && csvc__db_locking(s->db) ? &SQL_CUSTOMER_LOCK : &SQL_CUSTOMER, &st);
	if (rc)
		return rc;
	csvc__db_bind_uuid(st, 1, id);
	if ((rc = csvc__db_step(st)) < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		char text[CSVC_UUID_STRLEN + 1];
		csvc_uuid_to_string(id, text);
		return csvc__error(CSVC_ENOTFOUND, "no customer %s", text);
	}
	memset(out, 0, sizeof(*out));
	out->rowid = csvc__db_int(st, 0);
	int64_t merged = csvc__db_int(st, 1);
	out->root = merged ? merged : out->rowid;
	out->erased = csvc__db_int(st, 2);
	const char *home = csvc__db_textcol(st, 3);
	if (home) {
		size_t n = strlen(home);
		if (n > CSVC_CUSTOMER_MAX_STORE_CODE)
			n = CSVC_CUSTOMER_MAX_STORE_CODE;
		memcpy(out->home, home, n);
		out->has_home = 1;
	}
	csvc__db_reset(st);
	return CSVC_OK;
}

static const char *home_of(const customer_row *c)
{
	return c->has_home ? c->home : NULL;
}

static int check_purpose(int32_t purpose)
{
	if (!csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, purpose))
		return csvc__error(CSVC_EINVAL, "unknown consent purpose %d", (int)purpose);
	return CSVC_OK;
}

/* A named value: NULL, or 1 to `max` bytes of one line. */
static int check_name(const char *v, size_t max, const char *field)
{
	int rc = csvc__check_text(v, 1, max, field);
	if (!rc && v && !v[0])
		rc = csvc__error(CSVC_EINVAL, "%s must not be empty (NULL: none)", field);
	return rc;
}

static int check_form(const csvc_consent_form *f)
{
	if (!f->customer)
		return csvc__error(CSVC_EINVAL, "a consent record needs its customer");
	int rc = check_purpose(f->purpose);
	if (rc)
		return rc;
	if (!csvc_enum_name(CSVC_ENUM_CONSENT_STATE, f->state))
		return csvc__error(CSVC_EINVAL, "unknown consent state %d (given or withdrawn)", (int)f->state);
	if ((rc = check_name(f->channel, CSVC_CONSENT_MAX_CHANNEL, "channel")))
		return rc;
	return check_name(f->text_version, CSVC_CONSENT_MAX_TEXT_VERSION, "text_version");
}

static void bind_opt(csvc__stmt *st, int n, const char *v)
{
	if (v)
		csvc__db_bind_text(st, n, v);
	else
		csvc__db_bind_null(st, n);
}

static int insert(csvc_store *s, const csvc_consent_form *f, const char *actor, csvc_time_us now)
{
	customer_row c;
	int rc = customer_of(s, f->customer, 1, &c);
	if (rc || (rc = csvc__access_require_in(s, CSVC_PERM_CUSTOMER_WRITE, home_of(&c), "csvc_consent_record")))
		return rc;
	if (c.root != c.rowid)
		return csvc__error(CSVC_ESTATE, "the customer was merged into another: record consent on that one");
	if (c.erased)
		return csvc__error(CSVC_ESTATE, "the customer was erased");
	csvc__stmt *st;
	if ((rc = csvc__db_stmt(s->db, &SQL_INSERT, &st)))
		return rc;
	csvc__db_bind_int(st, 1, c.rowid);
	csvc__db_bind_int(st, 2, f->purpose);
	csvc__db_bind_int(st, 3, f->state);
	bind_opt(st, 4, f->channel);
	bind_opt(st, 5, f->text_version);
	bind_opt(st, 6, actor);
	csvc__db_bind_int(st, 7, now);
	if ((rc = csvc__db_run(st)))
		return rc;
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"purpose\":");
	csvc__buf_json_string(&p, csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, f->purpose));
	csvc__buf_puts(&p, ",\"state\":");
	csvc__buf_json_string(&p, csvc_enum_name(CSVC_ENUM_CONSENT_STATE, f->state));
	if (f->channel) {
		csvc__buf_puts(&p, ",\"channel\":");
		csvc__buf_json_string(&p, f->channel);
	}
	if (f->text_version) {
		csvc__buf_puts(&p, ",\"text_version\":");
		csvc__buf_json_string(&p, f->text_version);
	}
	csvc__buf_put(&p, "}", 2);
	rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	              : csvc__customer_db_event(s, c.rowid, "consent_recorded", actor, now, p.data);
	csvc__buf_free(&p);
	return rc;
}

int csvc_consent_record(csvc_store *store, const csvc_consent_form *form, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(form, "form");
	/* The caller's struct is read only as far as its version goes. */
	csvc_consent_form f;
	int rc = csvc__struct_read(&form_layout, &f, form);
	if (rc || (rc = check_form(&f)) || (rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_WRITE)) ||
	    (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_name(actor, CSVC_CONSENT_MAX_ACTOR, "actor")))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, insert(store, &f, actor, now));
	} while (csvc__tx_again(store, rc, &attempt));
	return rc;
}

int csvc__consent_current(csvc_store *s, int64_t root, int32_t purpose, int32_t *state)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CURRENT, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, root);
	csvc__db_bind_int(st, 2, purpose);
	int64_t v = 0;
	if ((rc = csvc__db_one_int(st, &v)) < 0)
		return rc;
	*state = rc == 1 ? (int32_t)v : 0;
	return CSVC_OK;
}

int csvc_consent_current(csvc_store *store, const csvc_uuid *customer, csvc_consent_purpose_t purpose,
                         int32_t *state)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(customer, "customer");
	CSVC__CHECK_ARG(state, "state");
	int rc = check_purpose(purpose);
	if (rc || (rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_READ_PROFILE)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	customer_row c;
	int32_t v = 0;
	if (!(rc = customer_of(store, customer, 0, &c)) &&
	    !(rc = CSVC__ACCESS_IN(store, CSVC_PERM_CUSTOMER_READ_PROFILE, home_of(&c))))
		rc = csvc__consent_current(store, c.root, purpose, &v);
	csvc__read_end(store, began);
	if (!rc)
		*state = v;
	return rc;
}

static void consent_free(csvc_consent *c)
{
	if (!c)
		return;
	csvc__free(c->channel);
	csvc__free(c->text_version);
	csvc__free(c->actor);
	csvc__free(c);
}

void csvc_consent_list_free(csvc_consent **list, size_t count)
{
	if (!list)
		return;
	for (size_t i = 0; i < count; i++)
		consent_free(list[i]);
	csvc__free(list);
}

static int read_history(csvc_store *s, int64_t root, csvc_consent ***out, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_HISTORY, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, root);
	csvc_consent **list = NULL;
	size_t n = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			csvc_consent **p = csvc__realloc(list, ncap * sizeof(*p));
			if (!p) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			list = p;
			cap = ncap;
		}
		csvc_consent *c = csvc__calloc(1, sizeof(*c));
		int oom = !c;
		if (c) {
			c->purpose = (int32_t)csvc__db_int(st, 0);
			c->state = (int32_t)csvc__db_int(st, 1);
			c->at = csvc__db_int(st, 2);
			c->channel = csvc__db_textcol_copy(st, 3, &oom);
			c->text_version = csvc__db_textcol_copy(st, 4, &oom);
			c->actor = csvc__db_textcol_copy(st, 5, &oom);
		}
		if (oom) {
			consent_free(c);
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
			break;
		}
		list[n++] = c;
	}
	csvc__db_reset(st);
	if (rc < 0) {
		csvc_consent_list_free(list, n);
		return rc;
	}
	*out = list;
	*count = n;
	return CSVC_OK;
}

int csvc_consent_history(csvc_store *store, const csvc_uuid *customer, csvc_consent ***out, size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(customer, "customer");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	int rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_READ_PROFILE);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	customer_row c;
	if (!(rc = customer_of(store, customer, 0, &c)) &&
	    !(rc = CSVC__ACCESS_IN(store, CSVC_PERM_CUSTOMER_READ_PROFILE, home_of(&c))))
		rc = read_history(store, c.root, out, count);
	csvc__read_end(store, began);
	return rc;
}

int32_t csvc_consent_purpose(const csvc_consent *c)
{
	return c ? c->purpose : 0;
}

int32_t csvc_consent_state(const csvc_consent *c)
{
	return c ? c->state : 0;
}

csvc_time_us csvc_consent_at(const csvc_consent *c)
{
	return c ? c->at : 0;
}

const char *csvc_consent_channel(const csvc_consent *c)
{
	return c ? c->channel : NULL;
}

const char *csvc_consent_text_version(const csvc_consent *c)
{
	return c ? c->text_version : NULL;
}

const char *csvc_consent_actor(const csvc_consent *c)
{
	return c ? c->actor : NULL;
}
