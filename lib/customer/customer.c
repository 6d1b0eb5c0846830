/*
 * Customer operations: the domain rules (validation, normalisation,
 * revisions, merge and erase policy). Storage is reached only through the
 * csvc__customer_db_* functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "customer/customer-internal.h"
#include "store/store-internal.h"

/* ---- followers ---- */

#define MAX_FOLLOWERS 4

typedef struct customer_state {
	const csvc__customer_follower *f[MAX_FOLLOWERS];
	size_t n;
} customer_state;

static const csvc__store_ext customer_ext = {
	.name = "customer",
	.free = csvc__free,
};

int csvc__customer_attach(csvc_store *s)
{
	customer_state *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	return csvc__store_attach(s, &customer_ext, c);
}

int csvc__customer_follow(csvc_store *s, const csvc__customer_follower *f)
{
	customer_state *c = csvc__store_state(s, &customer_ext);
	if (c->n == MAX_FOLLOWERS)
		return csvc__error(CSVC_ERANGE, "too many modules follow customers");
	c->f[c->n++] = f;
	return CSVC_OK;
}

static int followers_changed(csvc_store *s, int64_t rowid, csvc_time_us at)
{
	customer_state *c = csvc__store_state(s, &customer_ext);
	int rc = CSVC_OK;
	for (size_t i = 0; i < c->n && !rc; i++)
		if (c->f[i]->changed)
			rc = c->f[i]->changed(s, rowid, at);
	return rc;
}

static int followers_merged(csvc_store *s, int64_t from, int64_t into, const csvc_uuid *from_id,
                            const csvc_uuid *into_id, const char *actor, csvc_time_us at)
{
	customer_state *c = csvc__store_state(s, &customer_ext);
	int rc = CSVC_OK;
	for (size_t i = 0; i < c->n && !rc; i++)
		if (c->f[i]->merged)
			rc = c->f[i]->merged(s, from, into, from_id, into_id, actor, at);
	return rc;
}

static int followers_erased(csvc_store *s, int64_t rowid, const char *actor, csvc_time_us at)
{
	customer_state *c = csvc__store_state(s, &customer_ext);
	int rc = CSVC_OK;
	for (size_t i = 0; i < c->n && !rc; i++)
		if (c->f[i]->erased)
			rc = c->f[i]->erased(s, rowid, actor, at);
	return rc;
}

/* Normalised contact keys of a record, with duplicate detection. */
typedef struct norms {
	char phones[CSVC_CUSTOMER_MAX_PHONES][CSVC__NORM_MAX];
	char emails[CSVC_CUSTOMER_MAX_EMAILS][CSVC__NORM_MAX];
} norms;

static int compute_norms(csvc_store *s, const csvc_customer *c, norms *n)
{
	for (size_t i = 0; i < c->phones.n; i++) {
		int rc = csvc__phone_normalize(c->phones.items[i], s->country_code, n->phones[i],
		                               CSVC__NORM_MAX);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(n->phones[i], n->phones[j]) == 0)
				return csvc__error(CSVC_EEXISTS, "phones '%s' and '%s' are the same number (%s)",
				                   c->phones.items[j], c->phones.items[i], n->phones[i]);
	}
	for (size_t i = 0; i < c->emails.n; i++) {
		int rc = csvc__email_normalize(c->emails.items[i], n->emails[i], CSVC__NORM_MAX);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(n->emails[i], n->emails[j]) == 0)
				return csvc__error(CSVC_EEXISTS, "e-mails '%s' and '%s' are the same address",
				                   c->emails.items[j], c->emails.items[i]);
	}
	return CSVC_OK;
}

/* External IDs must be free (or already ours) before anything is written:
 * inside a caller's transaction a failure after the first write would
 * cost the caller the whole transaction. */
static int check_extids_free(csvc_store *s, const csvc_customer *c, int64_t self)
{
	for (size_t i = 0; i < c->extids.n; i++) {
		int64_t owner;
		int rc = csvc__customer_db_find_extid(s, c->extids.items[i].key, c->extids.items[i].value, &owner);
		if (rc == CSVC_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		if (owner != self)
			return csvc__error(CSVC_EEXISTS, "external ID %s:%s belongs to another customer",
			                   c->extids.items[i].key, c->extids.items[i].value);
	}
	csvc__error_clear();
	return CSVC_OK;
}

static int check_actor(const char *actor)
{
	return csvc__check_text(actor, 1, CSVC_CUSTOMER_MAX_ACTOR, "actor");
}

/* Reserve one more lifecycle slot so that recording it after commit
 * cannot fail. */
static int reserve_history(csvc_customer *c)
{
	csvc__lifecycle_entry *h = csvc__realloc(c->history, (c->history_n + 1) * sizeof(*h));
	if (!h)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	c->history = h;
	return CSVC_OK;
}

int csvc_customer_create(csvc_store *store, csvc_customer *c, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(c, "c");
	if (c->revision != 0)
		return csvc__error(CSVC_EINVAL, "the customer is saved already: use csvc_customer_update");
	int rc = CSVC__ACCESS_IN(store, CSVC_PERM_CUSTOMER_WRITE, c->home_store);
	norms *n = NULL;
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	if (rc)
		return rc;
	if (c->phones.n || c->emails.n) {
		if (!(n = csvc__malloc(sizeof(*n))))
			return csvc__error(CSVC_ENOMEM, "out of memory");
		if ((rc = compute_norms(store, c, n)))
			goto out;
	}
	if ((rc = reserve_history(c)))
		goto out;

	csvc_time_us now = csvc_store_now(store);
	csvc_customer saved = *c; /* shallow view with the new identity */
	if (csvc_uuid_is_nil(&saved.id))
		csvc__uuid_generate(&saved.id);
	saved.revision = 1;
	saved.created_at = saved.updated_at = now;
	csvc__customer_row row = {&saved, n ? n->phones : NULL, n ? n->emails : NULL};

	int64_t rowid = 0;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			goto out;
		if (!(rc = check_extids_free(store, &saved, 0)) &&
		    !(rc = csvc__customer_db_insert(store, &row, &rowid)) &&
		    !(rc = csvc__customer_db_lifecycle_append(store, rowid, saved.lifecycle, now)))
			rc = csvc__customer_db_event(store, rowid, "created", actor, now, NULL);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc)
		goto out;

	c->id = saved.id;
	c->revision = 1;
	c->created_at = c->updated_at = now;
	c->history[c->history_n].stage = c->lifecycle;
	c->history[c->history_n].at = now;
	c->history_n++;
out:
	csvc__free(n);
	return rc;
}

static int str_differs(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

static int strvec_differs(const csvc__strvec *a, const csvc__strvec *b)
{
	if (a->n != b->n)
		return 1;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return 1;
	return 0;
}

static int kvvec_differs(const csvc__kvvec *a, const csvc__kvvec *b)
{
	if (a->n != b->n)
		return 1;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].key, b->items[i].key) || strcmp(a->items[i].value, b->items[i].value))
			return 1;
	return 0;
}

/* Compares the record with the stored one: the parts to rewrite and, in
 * `fields`, a JSON array of the changed field names. */
static unsigned diff_record(const csvc_customer *old, const csvc_customer *c, csvc__buf *fields)
{
	unsigned parts = 0;
	struct {
		int changed;
		const char *name;
		unsigned part;
	} f[] = {
		{str_differs(old->name, c->name), "name", CSVC__PART_SCALARS | CSVC__PART_SEARCH},
		{str_differs(old->address, c->address), "address", CSVC__PART_SCALARS},
		{old->birthday != c->birthday, "birthday", CSVC__PART_SCALARS},
		{str_differs(old->notes, c->notes), "notes", CSVC__PART_SCALARS | CSVC__PART_SEARCH},
		{str_differs(old->home_store, c->home_store), "home_store", CSVC__PART_SCALARS},
		{old->klass != c->klass, "class", CSVC__PART_SCALARS},
		{old->tier != c->tier, "tier", CSVC__PART_SCALARS},
		{old->lifecycle != c->lifecycle, "lifecycle", CSVC__PART_SCALARS},
		{strvec_differs(&old->phones, &c->phones), "phones", CSVC__PART_CONTACTS | CSVC__PART_SEARCH},
		{strvec_differs(&old->emails, &c->emails), "emails", CSVC__PART_CONTACTS | CSVC__PART_SEARCH},
		{strvec_differs(&old->tags, &c->tags), "tags", CSVC__PART_TAGS},
		{kvvec_differs(&old->attrs, &c->attrs), "attributes", CSVC__PART_ATTRS},
		{kvvec_differs(&old->extids, &c->extids), "external_ids", CSVC__PART_EXTIDS},
	};
	csvc__buf_puts(fields, "{\"fields\":[");
	int first = 1;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].changed)
			continue;
		parts |= f[i].part;
		if (!first)
			csvc__buf_put(fields, ",", 1);
		csvc__buf_json_string(fields, f[i].name);
		first = 0;
	}
	csvc__buf_puts(fields, "]}");
	return parts;
}

int csvc_customer_update(csvc_store *store, csvc_customer *c, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(c, "c");
	if (c->revision == 0)
		return csvc__error(CSVC_EINVAL, "the customer is a draft: use csvc_customer_create");
	int rc = CSVC__ACCESS_IN(store, CSVC_PERM_CUSTOMER_WRITE, c->home_store);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	/* Its contacts are stars: saving it would store them. */
	if (c->masked)
		return csvc__error(CSVC_EACCESS, "the customer was read with its contacts masked and cannot be saved");
	norms *n = csvc__malloc(sizeof(*n));
	if (!n)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc_customer *old = NULL;
	csvc__buf fields = {0};
	if ((rc = compute_norms(store, c, n)) || (rc = reserve_history(c)))
		goto out;

	csvc_time_us now = csvc_store_now(store);
	csvc__customer_state st;
	unsigned parts = 0;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		goto out;
	if ((rc = csvc__customer_db_state(store, &c->id, &st)))
		goto end;
	if (st.merged_into || st.erased_at) {
		rc = csvc__error(CSVC_ESTATE, "the customer was %s and cannot be updated",
		                 st.erased_at ? "erased" : "merged into another");
		goto end;
	}
	if (st.revision != c->revision) {
		rc = csvc__error(CSVC_ECONFLICT, "the customer changed since it was read (revision %lld, stored %lld)",
		                 (long long)c->revision, (long long)st.revision);
		goto end;
	}
	if ((rc = csvc__customer_db_load(store, st.rowid, &old)) || (rc = CSVC__ACCESS_SCOPE(store, old->home_store)))
		goto end;
	parts = diff_record(old, c, &fields);
	if (fields.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	if (!parts)
		goto end; /* nothing changed: no new revision, no event */
	if ((parts & CSVC__PART_EXTIDS) && (rc = check_extids_free(store, c, st.rowid)))
		goto end;
	csvc_customer saved = *c;
	saved.revision = c->revision + 1;
	saved.updated_at = now;
	csvc__customer_row row = {&saved, n->phones, n->emails};
	if ((rc = csvc__customer_db_update(store, st.rowid, &row, parts | CSVC__PART_SCALARS)))
		goto end;
	if (old->lifecycle != c->lifecycle &&
	    (rc = csvc__customer_db_lifecycle_append(store, st.rowid, c->lifecycle, now)))
		goto end;
	/* SLA policies may match on class and tier. */
	if ((old->klass != c->klass || old->tier != c->tier) &&
	    (rc = followers_changed(store, st.rowid, now)))
		goto end;
	rc = csvc__customer_db_event(store, st.rowid, "updated", actor, now, fields.data);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc_customer_free(old);
		old = NULL;
		csvc__buf_free(&fields);
		fields = (csvc__buf){0};
		parts = 0;
		goto again;
	}
	if (rc == CSVC_OK && parts) {
		if (old->lifecycle != c->lifecycle) {
			c->history[c->history_n].stage = c->lifecycle;
			c->history[c->history_n].at = now;
			c->history_n++;
		}
		c->revision++;
		c->updated_at = now;
	}
out:
	csvc_customer_free(old);
	csvc__buf_free(&fields);
	csvc__free(n);
	return rc;
}

/* A record read for the caller: refused when out of the principal's
 * scope, its contacts masked when the principal may not see them. */
static int deliver(csvc_store *s, int64_t rowid, const char *call, csvc_customer **out)
{
	csvc_customer *c = NULL;
	int rc = csvc__customer_db_load(s, rowid, &c);
	if (!rc)
		rc = csvc__access_require_scope(s, c->home_store, call);
	if (!rc && csvc__access_masks_contacts(s))
		rc = csvc__customer_mask(c, s->country_code);
	if (rc) {
		csvc_customer_free(c);
		return rc;
	}
	*out = c;
	return CSVC_OK;
}

int csvc_customer_get(csvc_store *store, const csvc_uuid *id, csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(out, "out");
	csvc__customer_state st;
	int rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_READ_PROFILE);
	if (rc || (rc = csvc__customer_db_state_read(store, id, &st)))
		return rc;
	return deliver(store, st.rowid, __func__, out);
}

/* Finding a customer is a search that reads the record found. */
static int may_find(csvc_store *s, const char *call)
{
	int rc = csvc__access_require(s, CSVC_PERM_CUSTOMER_SEARCH, call);
	return rc ? rc : csvc__access_require(s, CSVC_PERM_CUSTOMER_READ_PROFILE, call);
}

int csvc_customer_find_by_phone(csvc_store *store, const char *phone, csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	char norm[CSVC__NORM_MAX];
	int64_t rowid;
	int rc = may_find(store, __func__);
	if (rc || (rc = csvc__phone_normalize(phone, store->country_code, norm, sizeof(norm))) ||
	    (rc = csvc__customer_db_find_contact(store, CSVC__CONTACT_PHONE, norm, &rowid)))
		return rc;
	return deliver(store, rowid, __func__, out);
}

int csvc_customer_find_by_email(csvc_store *store, const char *email, csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	char norm[CSVC__NORM_MAX];
	int64_t rowid;
	int rc = may_find(store, __func__);
	if (rc || (rc = csvc__email_normalize(email, norm, sizeof(norm))) ||
	    (rc = csvc__customer_db_find_contact(store, CSVC__CONTACT_EMAIL, norm, &rowid)))
		return rc;
	return deliver(store, rowid, __func__, out);
}

int csvc_customer_find_by_external_id(csvc_store *store, const char *kind, const char *value,
                                      csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int64_t rowid;
	int rc = may_find(store, __func__);
	if (rc || (rc = csvc__check_extid(kind, value)) || (rc = csvc__customer_db_find_extid(store, kind, value, &rowid)))
		return rc;
	return deliver(store, rowid, __func__, out);
}

/* ---- queries ---- */

struct csvc_customer_iter {
	csvc_store *store;
	csvc__cursor *cursor;
};

CSVC__STRUCT_LAYOUT(query_layout, csvc_customer_query, CSVC_CUSTOMER_QUERY_VERSION,
                    CSVC_CUSTOMER_QUERY_INIT, sizeof(csvc_customer_query));

int csvc_customer_query_init(csvc_customer_query *q, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&query_layout, q, version);
}

/* Validates a query and opens a cursor for it. */
static int open_query(csvc_store *s, const csvc_customer_query *q, int count_only,
                      const char *call, csvc__cursor **out)
{
	/* NULL: every active customer. The caller's struct is read only as
	 * far as its version goes. */
	csvc_customer_query copy = CSVC_CUSTOMER_QUERY_INIT;
	int rc;
	if (q && (rc = csvc__struct_read(&query_layout, &copy, q)))
		return rc;
	q = &copy;
	if (q->customer_class < 0 || q->customer_class > CSVC_CUSTOMER_POTENTIAL)
		return csvc__error(CSVC_EINVAL, "unknown customer class %d", (int)q->customer_class);
	if (q->tier < 0 || q->tier > CSVC_TIER_3)
		return csvc__error(CSVC_EINVAL, "unknown value tier %d", (int)q->tier);
	if (q->lifecycle < 0 || q->lifecycle > CSVC_LIFECYCLE_CHURNED)
		return csvc__error(CSVC_EINVAL, "unknown lifecycle stage %d", (int)q->lifecycle);
	if ((rc = csvc__check_text_mode(q->text, 1, CSVC_CUSTOMER_MAX_NOTES, "text", CSVC__TEXT_MULTILINE)) ||
	    (rc = csvc__check_text(q->tag, 1, CSVC_CUSTOMER_MAX_TAG, "tag")) ||
	    (rc = csvc__check_text(q->home_store, 1, CSVC_CUSTOMER_MAX_STORE_CODE, "home_store")))
		return rc;
	if (q->text && !q->text[0])
		return csvc__error(CSVC_EINVAL, "search text must not be empty");
	char phone[CSVC__NORM_MAX], email[CSVC__NORM_MAX];
	if (q->phone && (rc = csvc__phone_normalize(q->phone, s->country_code, phone, sizeof(phone))))
		return rc;
	if (q->email && (rc = csvc__email_normalize(q->email, email, sizeof(email))))
		return rc;
	/* A principal limited to one store lists its customers and those of
	 * no store, and may not ask for another store's. */
	const char *scope_store = NULL;
	int scope = CSVC__SCOPE_ALL;
	if (csvc__access_scope(s, &scope_store)) {
		if (q->home_store && !csvc__access_in_scope(s, q->home_store))
			return csvc__access_require_scope(s, q->home_store, call);
		scope = scope_store ? CSVC__SCOPE_STORE : CSVC__SCOPE_NO_STORE;
	}
	csvc__customer_state after = {0};
	if (!csvc_uuid_is_nil(&q->after) && (rc = csvc__customer_db_state_read(s, &q->after, &after)))
		return rc;
	return csvc__customer_db_query(s, q, q->phone ? phone : NULL, q->email ? email : NULL,
	                               after.rowid, count_only, scope, scope_store, out);
}

int csvc_customer_iter_new(csvc_store *store, const csvc_customer_query *q, csvc_customer_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	csvc_customer_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating an iterator");
	it->store = store;
	int rc = may_find(store, __func__);
	if (!rc)
		rc = open_query(store, q, 0, __func__, &it->cursor);
	if (rc) {
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

static int load_customer(csvc_store *s, int64_t rowid, void **out)
{
	csvc_customer *c = NULL;
	int rc = csvc__customer_db_load(s, rowid, &c);
	/* Moved to another store since the page was read: passed over. */
	if (!rc && !csvc__access_in_scope(s, c->home_store))
		rc = csvc__error(CSVC_ENOTFOUND, "the customer moved out of the principal's store");
	if (!rc && csvc__access_masks_contacts(s))
		rc = csvc__customer_mask(c, s->country_code);
	if (rc) {
		csvc_customer_free(c);
		c = NULL;
	}
	*out = c;
	return rc;
}

static void drop_customer(void *c)
{
	csvc_customer_free(c);
}

int csvc_customer_iter_next(csvc_customer_iter *it, csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(out, "out");
	void *c = NULL;
	int rc = csvc__cursor_next_record(it->cursor, load_customer, drop_customer, &c);
	if (rc == CSVC_OK)
		*out = c;
	return rc;
}

void csvc_customer_iter_free(csvc_customer_iter *it)
{
	if (!it)
		return;
	csvc__cursor_free(it->cursor);
	csvc__free(it);
}

int csvc_customer_count(csvc_store *store, const csvc_customer_query *q, int64_t *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	csvc__cursor *cur;
	int rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_SEARCH);
	if (!rc)
		rc = open_query(store, q, 1, __func__, &cur);
	if (rc)
		return rc;
	int64_t n;
	rc = csvc__cursor_count(cur, &n);
	csvc__cursor_free(cur);
	if (!rc)
		*out = n;
	return rc;
}

/* ---- merge ---- */

struct csvc_merge_report {
	csvc__kvvec fields;  /* field -> key (NULL unless attribute) */
	csvc__kvvec values;  /* kept -> absorbed */
};

static int report_add(csvc_merge_report *r, const char *field, const char *key, const char *kept,
                      const char *absorbed)
{
	int rc = csvc__kvvec_push(&r->fields, field, key);
	if (!rc)
		rc = csvc__kvvec_push(&r->values, kept, absorbed);
	return rc;
}

size_t csvc_merge_report_count(const csvc_merge_report *r)
{
	return r ? r->fields.n : 0;
}

int csvc_merge_report_at(const csvc_merge_report *r, size_t i, const char **field, const char **key,
                         const char **kept, const char **absorbed)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(r, "r");
	if (i >= r->fields.n)
		return csvc__error(CSVC_ERANGE, "index %zu is out of range (%zu conflicts)", i, r->fields.n);
	if (field)
		*field = r->fields.items[i].key;
	if (key)
		*key = r->fields.items[i].value;
	if (kept)
		*kept = r->values.items[i].key;
	if (absorbed)
		*absorbed = r->values.items[i].value;
	return CSVC_OK;
}

void csvc_merge_report_free(csvc_merge_report *r)
{
	if (!r)
		return;
	csvc__kvvec_free(&r->fields);
	csvc__kvvec_free(&r->values);
	csvc__free(r);
}

/* Reconciles one optional string field: fills keep's gap from absorb, or
 * records a conflict and leaves absorb's value on the absorbed record. */
static int merge_string(char **keep, char **absorb, const char *field, csvc_merge_report *r,
                        csvc__buf *names)
{
	if (!*absorb)
		return CSVC_OK;
	if (!*keep) {
		*keep = *absorb;
		*absorb = NULL;
		return CSVC_OK;
	}
	if (strcmp(*keep, *absorb) == 0) {
		csvc__free(*absorb);
		*absorb = NULL;
		return CSVC_OK;
	}
	if (names->len > 1)
		csvc__buf_put(names, ",", 1);
	csvc__buf_json_string(names, field);
	return report_add(r, field, NULL, *keep, *absorb);
}

static int merge_records(csvc_customer *k, csvc_customer *a, csvc_merge_report *r, csvc__buf *names)
{
	int rc;
	if ((rc = merge_string(&k->name, &a->name, "name", r, names)) ||
	    (rc = merge_string(&k->address, &a->address, "address", r, names)) ||
	    (rc = merge_string(&k->notes, &a->notes, "notes", r, names)) ||
	    (rc = merge_string(&k->home_store, &a->home_store, "home_store", r, names)))
		return rc;
	if (a->birthday) {
		if (!k->birthday || k->birthday == a->birthday) {
			k->birthday = a->birthday;
			a->birthday = 0;
		} else {
			char kb[16], ab[16];
			snprintf(kb, sizeof(kb), "%d", (int)k->birthday);
			snprintf(ab, sizeof(ab), "%d", (int)a->birthday);
			if (names->len > 1)
				csvc__buf_put(names, ",", 1);
			csvc__buf_json_string(names, "birthday");
			if ((rc = report_add(r, "birthday", NULL, kb, ab)))
				return rc;
		}
	}
	/* Class: the higher (VIP = 1 is highest); tier: the better set one. */
	if (a->klass && a->klass < k->klass)
		k->klass = a->klass;
	if (a->tier && (!k->tier || a->tier < k->tier))
		k->tier = a->tier;
	/* Attributes: same rule per key. */
	csvc__kvvec rest = {0};
	for (size_t i = 0; i < a->attrs.n; i++) {
		const csvc__kv *kv = &a->attrs.items[i];
		const char *mine = csvc_customer_attr(k, kv->key);
		if (!mine) {
			if (k->attrs.n >= CSVC_CUSTOMER_MAX_ATTRS)
				rc = csvc__error(CSVC_ERANGE, "the merged customer would have more than %d attributes",
				                 CSVC_CUSTOMER_MAX_ATTRS);
			else
				rc = csvc__kvvec_set_sorted(&k->attrs, kv->key, kv->value);
		} else if (strcmp(mine, kv->value) != 0) {
			csvc__buf label = {0};
			csvc__buf_puts(&label, "attribute:");
			csvc__buf_puts(&label, kv->key);
			if (label.failed) {
				csvc__kvvec_free(&rest);
				return csvc__error(CSVC_ENOMEM, "out of memory");
			}
			if (names->len > 1)
				csvc__buf_put(names, ",", 1);
			csvc__buf_json_string(names, label.data);
			csvc__buf_free(&label);
			rc = report_add(r, "attribute", kv->key, mine, kv->value);
			if (!rc)
				rc = csvc__kvvec_push(&rest, kv->key, kv->value);
		}
		if (rc) {
			csvc__kvvec_free(&rest);
			return rc;
		}
	}
	csvc__kvvec_free(&a->attrs);
	a->attrs = rest;
	/* Lists: united; phones and e-mails are compared after normalisation
	 * when the record is written (duplicates by key are dropped here). */
	for (size_t i = 0; i < a->tags.n; i++) {
		if (csvc_customer_has_tag(k, a->tags.items[i]))
			continue;
		if (k->tags.n >= CSVC_CUSTOMER_MAX_TAGS)
			return csvc__error(CSVC_ERANGE, "the merged customer would have more than %d tags",
			                   CSVC_CUSTOMER_MAX_TAGS);
		if ((rc = csvc__strvec_add_sorted(&k->tags, a->tags.items[i])))
			return rc;
	}
	for (size_t i = 0; i < a->extids.n; i++) {
		if (k->extids.n >= CSVC_CUSTOMER_MAX_EXTIDS)
			return csvc__error(CSVC_ERANGE, "the merged customer would have more than %d external IDs",
			                   CSVC_CUSTOMER_MAX_EXTIDS);
		if ((rc = csvc__kvvec_push(&k->extids, a->extids.items[i].key, a->extids.items[i].value)))
			return rc;
	}
	csvc__strvec_free(&a->tags);
	csvc__kvvec_free(&a->extids);
	return CSVC_OK;
}

/* Appends absorb's contacts whose keys keep does not have yet. */
static int merge_contacts(csvc_store *s, csvc_customer *k, csvc_customer *a, norms *kn)
{
	norms an;
	int rc = compute_norms(s, a, &an);
	if (rc)
		return rc;
	for (int kind = 0; kind < 2; kind++) {
		csvc__strvec *kv = kind ? &k->emails : &k->phones;
		csvc__strvec *av = kind ? &a->emails : &a->phones;
		char(*knorm)[CSVC__NORM_MAX] = kind ? kn->emails : kn->phones;
		char(*anorm)[CSVC__NORM_MAX] = kind ? an.emails : an.phones;
		size_t max = kind ? CSVC_CUSTOMER_MAX_EMAILS : CSVC_CUSTOMER_MAX_PHONES;
		for (size_t i = 0; i < av->n; i++) {
			int dup = 0;
			for (size_t j = 0; j < kv->n && !dup; j++)
				dup = strcmp(knorm[j], anorm[i]) == 0;
			if (dup)
				continue;
			if (kv->n >= max)
				return csvc__error(CSVC_ERANGE, "the merged customer would have more than %zu %s", max,
				                   kind ? "e-mails" : "phones");
			memcpy(knorm[kv->n], anorm[i], CSVC__NORM_MAX);
			if ((rc = csvc__strvec_push(kv, av->items[i])))
				return rc;
		}
		csvc__strvec_free(av);
	}
	return CSVC_OK;
}

int csvc_customer_merge(csvc_store *store, const csvc_uuid *keep, const csvc_uuid *absorb,
                        const char *actor, csvc_merge_report **report)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(keep, "keep");
	CSVC__CHECK_ARG(absorb, "absorb");
	if (csvc_uuid_equal(keep, absorb))
		return csvc__error(CSVC_EINVAL, "a customer cannot be merged into itself");
	int rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_MERGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	csvc_merge_report *r = csvc__calloc(1, sizeof(*r));
	norms *kn = csvc__malloc(sizeof(*kn));
	csvc_customer *k = NULL, *a = NULL;
	csvc__buf names = {0}, payload = {0};
	if (!r || !kn) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto out;
	}
	csvc_time_us now = csvc_store_now(store);
	csvc__customer_state ks, as;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		goto out;
	if ((rc = csvc__customer_db_state(store, keep, &ks)) ||
	    (rc = csvc__customer_db_state(store, absorb, &as)))
		goto end;
	if (ks.merged_into || ks.erased_at || as.merged_into || as.erased_at) {
		rc = csvc__error(CSVC_ESTATE, "the %s customer was already %s",
		                 (ks.merged_into || ks.erased_at) ? "kept" : "absorbed",
		                 (ks.erased_at || (!ks.merged_into && as.erased_at)) ? "erased" : "merged");
		goto end;
	}
	if ((rc = csvc__customer_db_load(store, ks.rowid, &k)) ||
	    (rc = csvc__customer_db_load(store, as.rowid, &a)) || (rc = CSVC__ACCESS_SCOPE(store, k->home_store)) ||
	    (rc = CSVC__ACCESS_SCOPE(store, a->home_store)) || (rc = compute_norms(store, k, kn)))
		goto end;
	csvc__buf_put(&names, "[", 1);
	if ((rc = merge_records(k, a, r, &names)) || (rc = merge_contacts(store, k, a, kn)))
		goto end;
	csvc__buf_put(&names, "]", 1);

	k->revision++;
	k->updated_at = now;
	a->revision++;
	a->updated_at = now;
	a->merged_into = k->id;
	char kid[CSVC_UUID_STRLEN + 1], aid[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(&k->id, kid);
	csvc_uuid_to_string(&a->id, aid);
	csvc__buf_printf(&payload, "{\"absorbed\":\"%s\",\"conflicts\":%s}", aid,
	                 names.data ? names.data : "[]");
	if (names.failed || payload.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	char into[80];
	snprintf(into, sizeof(into), "{\"into\":\"%s\"}", kid);
	unsigned all = CSVC__PART_SCALARS | CSVC__PART_CONTACTS | CSVC__PART_TAGS | CSVC__PART_ATTRS |
	               CSVC__PART_EXTIDS | CSVC__PART_SEARCH;
	/* Absorbed first: its external IDs must leave before keep takes them. */
	csvc__customer_row arow = {a, NULL, NULL};
	csvc__customer_row krow = {k, kn->phones, kn->emails};
	if ((rc = csvc__customer_db_update(store, as.rowid, &arow, all)) ||
	    (rc = csvc__customer_db_mark_merged(store, as.rowid, ks.rowid, now)) ||
	    (rc = csvc__customer_db_update(store, ks.rowid, &krow, all)) ||
	    (rc = followers_merged(store, as.rowid, ks.rowid, &a->id, &k->id, actor, now)) ||
	    (rc = csvc__customer_db_repoint_merged(store, as.rowid, ks.rowid)) ||
	    (rc = csvc__customer_db_event(store, ks.rowid, "merged", actor, now, payload.data)) ||
	    (rc = csvc__customer_db_event(store, as.rowid, "absorbed", actor, now, into)))
		goto end;
	/* The kept customer may have gained a class or tier: SLA policies may
	 * match on them, and the absorbed customer's tickets are now its own. */
	rc = followers_changed(store, ks.rowid, now);
end:
	rc = csvc__tx_end(store, rc);
	/* Two merges of one pair in opposite orders lock the two rows in
	 * opposite orders: on PostgreSQL one of them may meet a deadlock, and
	 * runs again from the start. */
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc_merge_report_free(r);
		csvc_customer_free(k);
		csvc_customer_free(a);
		k = a = NULL;
		csvc__buf_free(&names);
		csvc__buf_free(&payload);
		names = payload = (csvc__buf){0};
		if (!(r = csvc__calloc(1, sizeof(*r)))) {
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
			goto out;
		}
		goto again;
	}
out:
	if (rc == CSVC_OK && report) {
		*report = r;
		r = NULL;
	}
	csvc_merge_report_free(r);
	csvc_customer_free(k);
	csvc_customer_free(a);
	csvc__buf_free(&names);
	csvc__buf_free(&payload);
	csvc__free(kn);
	return rc;
}

/* ---- erase ---- */

static int scrub(csvc_store *store, int wait);

/* The stored record's store in the principal's scope. */
static int check_scope(csvc_store *s, int64_t rowid, const char *call)
{
	if (!csvc_store_access_control(s))
		return CSVC_OK;
	char *home = NULL;
	int rc = csvc__customer_db_home_store(s, rowid, &home);
	if (!rc)
		rc = csvc__access_require_scope(s, home, call);
	csvc__free(home);
	return rc;
}

int csvc_customer_erase(csvc_store *store, const csvc_uuid *id, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	int rc = CSVC__ACCESS(store, CSVC_PERM_CUSTOMER_ERASE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	csvc__customer_state st;
	int64_t *absorbed = NULL;
	size_t n_absorbed = 0;
	int attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		return rc;
	if ((rc = csvc__customer_db_state(store, id, &st)))
		goto end;
	if (st.erased_at) {
		rc = csvc__error(CSVC_ESTATE, "the customer was already erased");
		goto end;
	}
	if ((rc = check_scope(store, st.rowid, __func__)))
		goto end;
	if ((rc = csvc__customer_db_erase(store, st.rowid, now)) ||
	    (rc = csvc__customer_db_event(store, st.rowid, "erased", actor, now, NULL)) ||
	    (rc = followers_erased(store, st.rowid, actor, now)) ||
	    (rc = csvc__customer_db_absorbed(store, st.rowid, &absorbed, &n_absorbed)))
		goto end;
	/* Records merged into this one may still hold conflicting values:
	 * the request covers them too. */
	for (size_t i = 0; i < n_absorbed && !rc; i++)
		if (!(rc = csvc__customer_db_erase(store, absorbed[i], now)) &&
		    !(rc = csvc__customer_db_event(store, absorbed[i], "erased", actor, now, NULL)))
			rc = followers_erased(store, absorbed[i], actor, now);
	if (!rc)
		rc = csvc__customer_db_scrub_mark(store, now);
end:
	csvc__free(absorbed);
	absorbed = NULL;
	n_absorbed = 0;
	int outermost = csvc__tx_depth(store) == 1;
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt))
		goto again;
	/* The erasure is committed whatever the scrub does; a scrub that
	 * cannot finish now stays pending (csvc_customer_scrub_pending). */
	if (rc == CSVC_OK && outermost && scrub(store, 0) != CSVC_OK) {
		csvc__log(store, CSVC_LOG_WARN, "erased data is not yet scrubbed from disk: %s",
		          csvc_error_last()->message);
		csvc__error_clear();
	}
	return rc;
}

/* Rebuilds the search index if an erasure is pending, then moves every
 * committed page into the main file and empties the WAL; the marker is
 * cleared only once nothing erased is left on disk. */
static int scrub(csvc_store *store, int wait)
{
	csvc_time_us since = 0;
	int64_t gen = 0;
	int rc = csvc__tx_begin(store);
	if (rc)
		return rc;
	/* The rebuild covers every erasure committed up to here: `gen` says
	 * which, and a later one keeps the marker. */
	if (!(rc = csvc__customer_db_scrub_pending(store, &since, &gen)) && since)
		rc = csvc__customer_db_purge(store);
	if ((rc = csvc__tx_end(store, rc)) || !since)
		return rc;
	int complete = 0;
	if ((rc = csvc__customer_db_reclaim(store, wait, &complete)) || !complete)
		return rc;
	if ((rc = csvc__tx_begin(store)))
		return rc;
	rc = csvc__tx_end(store, csvc__customer_db_scrub_clear(store, gen));
	if (!rc && csvc__store_checkpoint(store, wait)) /* the marker's own frames hold nothing personal */
		csvc__error_clear();
	return rc;
}

int csvc_customer_scrub(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STORE_MAINTAIN);
	if (rc)
		return rc;
	if (csvc__tx_depth(store) > 0)
		return csvc__error(CSVC_ESTATE, "a scrub cannot finish inside a transaction; commit first");
	return scrub(store, 1);
}

int csvc_customer_scrub_pending(csvc_store *store, csvc_time_us *since)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(since, "since");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STORE_MAINTAIN);
	return rc ? rc : csvc__customer_db_scrub_pending(store, since, NULL);
}
