/*
 * The customer record as an in-memory value: allocation, copies, getters,
 * validating setters and the small containers behind the lists.
 */
#include <stdlib.h>
#include <string.h>

#include "customer/customer-internal.h"

/* ---- containers ---- */

void csvc__strvec_free(csvc__strvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		csvc__free(v->items[i]);
	csvc__free(v->items);
	memset(v, 0, sizeof(*v));
}

static int grow(void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return CSVC_OK;
	size_t ncap = *cap ? *cap * 2 : 4;
	while (ncap < need)
		ncap *= 2;
	void *p = csvc__realloc(*items, ncap * elem);
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory growing a list");
	*items = p;
	*cap = ncap;
	return CSVC_OK;
}

static int strvec_insert(csvc__strvec *v, size_t at, const char *s)
{
	char *copy;
	int rc = grow((void **)&v->items, &v->cap, v->n + 1, sizeof(char *));
	if (rc || (rc = csvc__strdup(s, &copy)))
		return rc;
	memmove(v->items + at + 1, v->items + at, (v->n - at) * sizeof(char *));
	v->items[at] = copy;
	v->n++;
	return CSVC_OK;
}

int csvc__strvec_push(csvc__strvec *v, const char *s)
{
	return strvec_insert(v, v->n, s);
}

int csvc__strvec_find(const csvc__strvec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->items[i], s) == 0)
			return (int)i;
	return -1;
}

/* Position of s in the sorted vector, or where it would go (as -pos-1). */
static long strvec_search(const csvc__strvec *v, const char *s)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v->items[mid], s);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

int csvc__strvec_add_sorted(csvc__strvec *v, const char *s)
{
	long pos = strvec_search(v, s);
	if (pos >= 0)
		return CSVC_OK;
	return strvec_insert(v, (size_t)(-pos - 1), s);
}

static void strvec_remove(csvc__strvec *v, size_t at)
{
	csvc__free(v->items[at]);
	memmove(v->items + at, v->items + at + 1, (v->n - at - 1) * sizeof(char *));
	v->n--;
}

void csvc__kvvec_free(csvc__kvvec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		csvc__free(v->items[i].key);
		csvc__free(v->items[i].value);
	}
	csvc__free(v->items);
	memset(v, 0, sizeof(*v));
}

static int kvvec_insert(csvc__kvvec *v, size_t at, const char *key, const char *value)
{
	char *k = NULL, *val = NULL;
	int rc = grow((void **)&v->items, &v->cap, v->n + 1, sizeof(csvc__kv));
	if (rc || (rc = csvc__strdup(key, &k)))
		return rc;
	if ((rc = csvc__strdup(value, &val))) {
		csvc__free(k);
		return rc;
	}
	memmove(v->items + at + 1, v->items + at, (v->n - at) * sizeof(csvc__kv));
	v->items[at].key = k;
	v->items[at].value = val;
	v->n++;
	return CSVC_OK;
}

int csvc__kvvec_push(csvc__kvvec *v, const char *key, const char *value)
{
	return kvvec_insert(v, v->n, key, value);
}

static void kvvec_remove(csvc__kvvec *v, size_t at)
{
	csvc__free(v->items[at].key);
	csvc__free(v->items[at].value);
	memmove(v->items + at, v->items + at + 1, (v->n - at - 1) * sizeof(csvc__kv));
	v->n--;
}

int csvc__kvvec_find(const csvc__kvvec *v, const char *key, const char *value)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->items[i].key, key) == 0 && (!value || strcmp(v->items[i].value, value) == 0))
			return (int)i;
	return -1;
}

static long kvvec_search(const csvc__kvvec *v, const char *key)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v->items[mid].key, key);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

int csvc__kvvec_set_sorted(csvc__kvvec *v, const char *key, const char *value)
{
	long pos = kvvec_search(v, key);
	if (pos < 0)
		return kvvec_insert(v, (size_t)(-pos - 1), key, value);
	char *val;
	int rc = csvc__strdup(value, &val);
	if (rc)
		return rc;
	csvc__free(v->items[pos].value);
	v->items[pos].value = val;
	return CSVC_OK;
}

int csvc__customer_history_push(csvc_customer *c, int32_t stage, csvc_time_us at)
{
	csvc__lifecycle_entry *h = csvc__realloc(c->history, (c->history_n + 1) * sizeof(*h));
	if (!h)
		return csvc__error(CSVC_ENOMEM, "out of memory growing the lifecycle history");
	h[c->history_n].stage = stage;
	h[c->history_n].at = at;
	c->history = h;
	c->history_n++;
	return CSVC_OK;
}

/* ---- lifetime ---- */

int csvc__customer_alloc(csvc_customer **out)
{
	csvc_customer *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating a customer");
	*out = c;
	return CSVC_OK;
}

int csvc_customer_new(csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	csvc_customer *c = NULL;
	int rc = csvc__customer_alloc(&c);
	if (rc)
		return rc;
	c->klass = CSVC_CUSTOMER_ORDINARY;
	c->lifecycle = CSVC_LIFECYCLE_NEW;
	*out = c;
	return CSVC_OK;
}

void csvc_customer_free(csvc_customer *c)
{
	if (!c)
		return;
	csvc__free(c->name);
	csvc__free(c->address);
	csvc__free(c->notes);
	csvc__free(c->home_store);
	csvc__strvec_free(&c->phones);
	csvc__strvec_free(&c->emails);
	csvc__strvec_free(&c->tags);
	csvc__kvvec_free(&c->attrs);
	csvc__kvvec_free(&c->extids);
	csvc__free(c->history);
	csvc__free(c);
}

static int dup_strvec(const csvc__strvec *from, csvc__strvec *to)
{
	for (size_t i = 0; i < from->n; i++) {
		int rc = csvc__strvec_push(to, from->items[i]);
		if (rc)
			return rc;
	}
	return CSVC_OK;
}

static int dup_kvvec(const csvc__kvvec *from, csvc__kvvec *to)
{
	for (size_t i = 0; i < from->n; i++) {
		int rc = csvc__kvvec_push(to, from->items[i].key, from->items[i].value);
		if (rc)
			return rc;
	}
	return CSVC_OK;
}

int csvc_customer_dup(const csvc_customer *c, csvc_customer **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	CSVC__CHECK_ARG(out, "out");
	csvc_customer *d = NULL;
	int rc = csvc__customer_alloc(&d);
	if (rc)
		return rc;
	d->id = c->id;
	d->birthday = c->birthday;
	d->klass = c->klass;
	d->tier = c->tier;
	d->lifecycle = c->lifecycle;
	d->revision = c->revision;
	d->created_at = c->created_at;
	d->updated_at = c->updated_at;
	d->erased_at = c->erased_at;
	d->merged_into = c->merged_into;
	d->masked = c->masked;
	if ((rc = csvc__strdup(c->name, &d->name)) || (rc = csvc__strdup(c->address, &d->address)) ||
	    (rc = csvc__strdup(c->notes, &d->notes)) ||
	    (rc = csvc__strdup(c->home_store, &d->home_store)) ||
	    (rc = dup_strvec(&c->phones, &d->phones)) || (rc = dup_strvec(&c->emails, &d->emails)) ||
	    (rc = dup_strvec(&c->tags, &d->tags)) || (rc = dup_kvvec(&c->attrs, &d->attrs)) ||
	    (rc = dup_kvvec(&c->extids, &d->extids)))
		goto fail;
	for (size_t i = 0; i < c->history_n; i++)
		if ((rc = csvc__customer_history_push(d, c->history[i].stage, c->history[i].at)))
			goto fail;
	*out = d;
	return CSVC_OK;
fail:
	csvc_customer_free(d);
	return rc;
}

/* ---- getters ---- */

const csvc_uuid *csvc_customer_id(const csvc_customer *c) { return c ? &c->id : NULL; }
const char *csvc_customer_name(const csvc_customer *c) { return c ? c->name : NULL; }
const char *csvc_customer_address(const csvc_customer *c) { return c ? c->address : NULL; }
int32_t csvc_customer_birthday(const csvc_customer *c) { return c ? c->birthday : 0; }
const char *csvc_customer_notes(const csvc_customer *c) { return c ? c->notes : NULL; }
const char *csvc_customer_home_store(const csvc_customer *c) { return c ? c->home_store : NULL; }
int32_t csvc_customer_class(const csvc_customer *c) { return c ? c->klass : 0; }
int32_t csvc_customer_tier(const csvc_customer *c) { return c ? c->tier : 0; }
int32_t csvc_customer_lifecycle(const csvc_customer *c) { return c ? c->lifecycle : 0; }
int64_t csvc_customer_revision(const csvc_customer *c) { return c ? c->revision : 0; }
csvc_time_us csvc_customer_created_at(const csvc_customer *c) { return c ? c->created_at : 0; }
csvc_time_us csvc_customer_updated_at(const csvc_customer *c) { return c ? c->updated_at : 0; }
csvc_time_us csvc_customer_erased_at(const csvc_customer *c) { return c ? c->erased_at : 0; }

const csvc_uuid *csvc_customer_merged_into(const csvc_customer *c)
{
	if (!c || csvc_uuid_is_nil(&c->merged_into))
		return NULL;
	return &c->merged_into;
}

size_t csvc_customer_phone_count(const csvc_customer *c) { return c ? c->phones.n : 0; }
size_t csvc_customer_email_count(const csvc_customer *c) { return c ? c->emails.n : 0; }
size_t csvc_customer_tag_count(const csvc_customer *c) { return c ? c->tags.n : 0; }
size_t csvc_customer_attr_count(const csvc_customer *c) { return c ? c->attrs.n : 0; }
size_t csvc_customer_external_id_count(const csvc_customer *c) { return c ? c->extids.n : 0; }
size_t csvc_customer_lifecycle_count(const csvc_customer *c) { return c ? c->history_n : 0; }

int csvc_customer_masked(const csvc_customer *c)
{
	return c && c->masked;
}

/* Digits of `norm` ("+<digits>") shown: the first 3 of a national number
 * of 11 or more, and always the last 4; the rest are stars. */
static char *mask_digits(const char *digits, const char *prefix)
{
	size_t n = strlen(digits), p = strlen(prefix);
	char *m = csvc__malloc(p + n + 1);
	if (!m)
		return NULL;
	memcpy(m, prefix, p);
	size_t head = n >= 11 ? 3 : 0, tail = n > 4 ? 4 : (n > 1 ? n - 1 : 0);
	for (size_t i = 0; i < n; i++)
		m[p + i] = (i < head || i >= n - tail) ? digits[i] : '*';
	m[p + n] = '\0';
	return m;
}

static char *mask_phone(const char *phone, const char *country_code)
{
	char norm[CSVC__NORM_MAX];
	/* A stored phone always normalises; should one not, show none of it. */
	if (csvc__phone_normalize(phone, country_code, norm, sizeof(norm)) != CSVC_OK) {
		csvc__error_clear();
		return csvc__strcopy("****");
	}
	size_t cc = strlen(country_code);
	if (strncmp(norm + 1, country_code, cc) == 0)
		return mask_digits(norm + 1 + cc, "");
	return mask_digits(norm + 1, "+");
}

/* z***@example.com: the first character of the local part, then stars. */
static char *mask_email(const char *email)
{
	const char *at = strrchr(email, '@');
	size_t first = 1;
	/* The first character whole, even when it is several bytes. */
	while (email[first] && ((unsigned char)email[first] & 0xC0) == 0x80)
		first++;
	if (!at || (size_t)(at - email) < first)
		return csvc__strcopy("***");
	size_t rest = strlen(at);
	char *m = csvc__malloc(first + 3 + rest + 1);
	if (!m)
		return NULL;
	memcpy(m, email, first);
	memcpy(m + first, "***", 3);
	memcpy(m + first + 3, at, rest + 1);
	return m;
}

int csvc__customer_mask(csvc_customer *c, const char *country_code)
{
	for (size_t i = 0; i < c->phones.n; i++) {
		char *m = mask_phone(c->phones.items[i], country_code);
		if (!m)
			return csvc__error(CSVC_ENOMEM, "out of memory masking contacts");
		csvc__free(c->phones.items[i]);
		c->phones.items[i] = m;
	}
	for (size_t i = 0; i < c->emails.n; i++) {
		char *m = mask_email(c->emails.items[i]);
		if (!m)
			return csvc__error(CSVC_ENOMEM, "out of memory masking contacts");
		csvc__free(c->emails.items[i]);
		c->emails.items[i] = m;
	}
	c->masked = 1;
	return CSVC_OK;
}

const char *csvc_customer_phone(const csvc_customer *c, size_t i)
{
	return c && i < c->phones.n ? c->phones.items[i] : NULL;
}

const char *csvc_customer_email(const csvc_customer *c, size_t i)
{
	return c && i < c->emails.n ? c->emails.items[i] : NULL;
}

const char *csvc_customer_tag(const csvc_customer *c, size_t i)
{
	return c && i < c->tags.n ? c->tags.items[i] : NULL;
}

int csvc_customer_has_tag(const csvc_customer *c, const char *tag)
{
	return c && tag && strvec_search(&c->tags, tag) >= 0;
}

const char *csvc_customer_attr(const csvc_customer *c, const char *key)
{
	if (!c || !key)
		return NULL;
	long pos = kvvec_search(&c->attrs, key);
	return pos >= 0 ? c->attrs.items[pos].value : NULL;
}

static int pair_at(const csvc__kvvec *v, size_t i, const char **key, const char **value)
{
	if (i >= v->n)
		return csvc__error(CSVC_ERANGE, "index %zu is out of range (%zu entries)", i, v->n);
	if (key)
		*key = v->items[i].key;
	if (value)
		*value = v->items[i].value;
	return CSVC_OK;
}

int csvc_customer_attr_at(const csvc_customer *c, size_t i, const char **key, const char **value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return pair_at(&c->attrs, i, key, value);
}

int csvc_customer_external_id_at(const csvc_customer *c, size_t i, const char **kind,
                                 const char **value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return pair_at(&c->extids, i, kind, value);
}

int csvc_customer_lifecycle_at(const csvc_customer *c, size_t i, int32_t *stage, csvc_time_us *at)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	if (i >= c->history_n)
		return csvc__error(CSVC_ERANGE, "index %zu is out of range (%zu entries)", i, c->history_n);
	if (stage)
		*stage = c->history[i].stage;
	if (at)
		*at = c->history[i].at;
	return CSVC_OK;
}

/* ---- setters ---- */

static int set_string(char **field, const char *value, size_t max, const char *name, int mode)
{
	int rc = csvc__check_text_mode(value, 1, max, name, mode);
	char *copy;
	if (rc || (rc = csvc__strdup(value, &copy)))
		return rc;
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

int csvc_customer_set_name(csvc_customer *c, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return set_string(&c->name, name, CSVC_CUSTOMER_MAX_NAME, "name", CSVC__TEXT_LINE);
}

int csvc_customer_set_address(csvc_customer *c, const char *address)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return set_string(&c->address, address, CSVC_CUSTOMER_MAX_ADDRESS, "address", CSVC__TEXT_MULTILINE);
}

int csvc_customer_set_notes(csvc_customer *c, const char *notes)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return set_string(&c->notes, notes, CSVC_CUSTOMER_MAX_NOTES, "notes", CSVC__TEXT_MULTILINE);
}

int csvc_customer_set_home_store(csvc_customer *c, const char *store_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	if (store_code) {
		int rc = csvc__check_store_code(store_code);
		if (rc)
			return rc;
	}
	return set_string(&c->home_store, store_code, CSVC_CUSTOMER_MAX_STORE_CODE, "home_store", CSVC__TEXT_LINE);
}

static int valid_date(int32_t ymd)
{
	int32_t y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (ymd < 0 || y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

int csvc_customer_set_birthday(csvc_customer *c, int32_t yyyymmdd)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	if (yyyymmdd != 0 && !valid_date(yyyymmdd))
		return csvc__error(CSVC_EINVAL, "birthday %d is not a calendar date YYYYMMDD", (int)yyyymmdd);
	c->birthday = yyyymmdd;
	return CSVC_OK;
}

int csvc_customer_set_class(csvc_customer *c, csvc_customer_class_t customer_class)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	if (customer_class < CSVC_CUSTOMER_VIP || customer_class > CSVC_CUSTOMER_POTENTIAL)
		return csvc__error(CSVC_EINVAL, "unknown customer class %d", (int)customer_class);
	c->klass = customer_class;
	return CSVC_OK;
}

int csvc_customer_set_tier(csvc_customer *c, csvc_value_tier_t tier)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	if (tier < 0 || tier > CSVC_TIER_3)
		return csvc__error(CSVC_EINVAL, "unknown value tier %d", (int)tier);
	c->tier = tier;
	return CSVC_OK;
}

int csvc_customer_set_lifecycle(csvc_customer *c, csvc_lifecycle_t stage)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	if (stage < CSVC_LIFECYCLE_POTENTIAL || stage > CSVC_LIFECYCLE_CHURNED)
		return csvc__error(CSVC_EINVAL, "unknown lifecycle stage %d", (int)stage);
	c->lifecycle = stage;
	return CSVC_OK;
}

int csvc_customer_set_id(csvc_customer *c, const csvc_uuid *id)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	CSVC__CHECK_ARG(id && !csvc_uuid_is_nil(id), "id");
	if (c->revision != 0)
		return csvc__error(CSVC_ESTATE, "the id of a saved customer cannot change");
	c->id = *id;
	return CSVC_OK;
}

/* Phones and e-mails share the list rules; only the syntax check differs. */
static int add_contact(csvc__strvec *v, const char *value, int is_phone)
{
	char norm[CSVC__NORM_MAX];
	/* Syntax only here: a phone gets the store's country code when saved. */
	int rc = is_phone ? csvc__phone_normalize(value, "", norm, sizeof(norm))
	                  : csvc__email_normalize(value, norm, sizeof(norm));
	if (rc)
		return rc;
	if (csvc__strvec_find(v, value) >= 0)
		return CSVC_OK;
	size_t max = is_phone ? CSVC_CUSTOMER_MAX_PHONES : CSVC_CUSTOMER_MAX_EMAILS;
	if (v->n >= max)
		return csvc__error(CSVC_ERANGE, "a customer has at most %zu %s", max, is_phone ? "phones" : "e-mails");
	return csvc__strvec_push(v, value);
}

static int remove_contact(csvc__strvec *v, const char *value, const char *what)
{
	int rc = csvc__check_text(value, 0, CSVC_CUSTOMER_MAX_EMAIL, what);
	if (rc)
		return rc;
	int i = csvc__strvec_find(v, value);
	if (i < 0)
		return csvc__error(CSVC_ENOTFOUND, "the customer has no %s '%s'", what, value);
	strvec_remove(v, (size_t)i);
	return CSVC_OK;
}

int csvc_customer_add_phone(csvc_customer *c, const char *phone)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return add_contact(&c->phones, phone, 1);
}

int csvc_customer_remove_phone(csvc_customer *c, const char *phone)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return remove_contact(&c->phones, phone, "phone");
}

int csvc_customer_add_email(csvc_customer *c, const char *email)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return add_contact(&c->emails, email, 0);
}

int csvc_customer_remove_email(csvc_customer *c, const char *email)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	return remove_contact(&c->emails, email, "e-mail");
}

int csvc_customer_add_tag(csvc_customer *c, const char *tag)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	int rc = csvc__check_text(tag, 0, CSVC_CUSTOMER_MAX_TAG, "tag");
	if (rc)
		return rc;
	if (!tag[0])
		return csvc__error(CSVC_EINVAL, "a tag must not be empty");
	if (strvec_search(&c->tags, tag) >= 0)
		return CSVC_OK;
	if (c->tags.n >= CSVC_CUSTOMER_MAX_TAGS)
		return csvc__error(CSVC_ERANGE, "a customer has at most %d tags", CSVC_CUSTOMER_MAX_TAGS);
	return csvc__strvec_add_sorted(&c->tags, tag);
}

int csvc_customer_remove_tag(csvc_customer *c, const char *tag)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	int rc = csvc__check_text(tag, 0, CSVC_CUSTOMER_MAX_TAG, "tag");
	if (rc)
		return rc;
	long pos = strvec_search(&c->tags, tag);
	if (pos < 0)
		return csvc__error(CSVC_ENOTFOUND, "the customer has no tag '%s'", tag);
	strvec_remove(&c->tags, (size_t)pos);
	return CSVC_OK;
}

int csvc_customer_set_attr(csvc_customer *c, const char *key, const char *value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	int rc = csvc__check_text(key, 0, CSVC_CUSTOMER_MAX_ATTR_KEY, "attribute key");
	if (rc || (rc = csvc__check_text_mode(value, 1, CSVC_CUSTOMER_MAX_ATTR_VALUE, "attribute value", CSVC__TEXT_MULTILINE)))
		return rc;
	if (!key[0])
		return csvc__error(CSVC_EINVAL, "an attribute key must not be empty");
	long pos = kvvec_search(&c->attrs, key);
	if (!value) {
		if (pos < 0)
			return csvc__error(CSVC_ENOTFOUND, "the customer has no attribute '%s'", key);
		kvvec_remove(&c->attrs, (size_t)pos);
		return CSVC_OK;
	}
	if (pos < 0 && c->attrs.n >= CSVC_CUSTOMER_MAX_ATTRS)
		return csvc__error(CSVC_ERANGE, "a customer has at most %d attributes", CSVC_CUSTOMER_MAX_ATTRS);
	return csvc__kvvec_set_sorted(&c->attrs, key, value);
}

int csvc__check_extid(const char *kind, const char *value)
{
	if (!kind || !value)
		return csvc__error(CSVC_EINVAL, "external ID kind and value must not be NULL");
	size_t n = strnlen(kind, CSVC_CUSTOMER_MAX_EXTID_KIND + 1);
	if (n == 0 || n > CSVC_CUSTOMER_MAX_EXTID_KIND)
		return csvc__error(CSVC_ERANGE, "external ID kind must be 1 to %d bytes",
		                   CSVC_CUSTOMER_MAX_EXTID_KIND);
	if (strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return csvc__error(CSVC_EINVAL, "external ID kind '%s' may use only a-z, 0-9, '_', '.', '-'",
		                   kind);
	int rc = csvc__check_text(value, 0, CSVC_CUSTOMER_MAX_EXTID_VALUE, "external ID value");
	if (rc)
		return rc;
	if (!value[0])
		return csvc__error(CSVC_EINVAL, "external ID value must not be empty");
	return CSVC_OK;
}

int csvc_customer_add_external_id(csvc_customer *c, const char *kind, const char *value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	int rc = csvc__check_extid(kind, value);
	if (rc)
		return rc;
	if (csvc__kvvec_find(&c->extids, kind, value) >= 0)
		return CSVC_OK;
	if (c->extids.n >= CSVC_CUSTOMER_MAX_EXTIDS)
		return csvc__error(CSVC_ERANGE, "a customer has at most %d external IDs",
		                   CSVC_CUSTOMER_MAX_EXTIDS);
	return csvc__kvvec_push(&c->extids, kind, value);
}

int csvc_customer_remove_external_id(csvc_customer *c, const char *kind, const char *value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(c, "c");
	int rc = csvc__check_extid(kind, value);
	if (rc)
		return rc;
	int i = csvc__kvvec_find(&c->extids, kind, value);
	if (i < 0)
		return csvc__error(CSVC_ENOTFOUND, "the customer has no external ID %s:%s", kind, value);
	kvvec_remove(&c->extids, (size_t)i);
	return CSVC_OK;
}
