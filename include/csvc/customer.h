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
 *
 * Thread safety: a csvc_customer and a csvc_merge_report are detached
 * values. Their getters only read them, so several threads may read one
 * record or report at once; the setters and the `_free` calls need the
 * caller to make sure no other thread uses it. Calls that take a
 * csvc_store, and a customer iterator (which reads from its store), follow
 * the store's rule: one thread at a time per store (store.h).
 * csvc_phone_normalize() works only on its arguments and may be called
 * from any thread. See docs/threading.md.
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
 * Allocates an empty draft record: nil UUID, class ordinary, lifecycle
 * new, revision 0, no other field set.
 *
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `out`), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_new(csvc_customer **out);

/**
 * Deep-copies a record, draft or saved, with its lists and lifecycle
 * history; the copy has the same UUID and revision.
 *
 * @param c The record to copy.
 * @param out Receives the copy; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `out`), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_dup(const csvc_customer *c, csvc_customer **out);

/**
 * Frees a record and the strings borrowed from it.
 *
 * @param c The record, or NULL (a no-op).
 *
 * Ownership: takes `c` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_customer_free(csvc_customer *c);

/**
 * The record's UUID: nil for a draft, unless one was set with
 * csvc_customer_set_id().
 *
 * @param c The record.
 * @return The UUID, or NULL if `c` is NULL.
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_customer_id(const csvc_customer *c);
/**
 * The customer's display name.
 *
 * @param c The record.
 * @return The name, or NULL when not set (or `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_name(const csvc_customer *c);
/**
 * The customer's postal address, possibly over several lines.
 *
 * @param c The record.
 * @return The address, or NULL when not set (or `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_address(const csvc_customer *c);
/**
 * The customer's birthday as the number YYYYMMDD (e.g. 19850412).
 *
 * @param c The record.
 * @return The birthday, or 0 when unknown (or `c` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_customer_birthday(const csvc_customer *c);
/**
 * The customer's preferences and special needs, free text.
 *
 * @param c The record.
 * @return The notes, or NULL when not set (or `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_notes(const csvc_customer *c);
/**
 * The code of the customer's home store, e.g. "SH01".
 *
 * @param c The record.
 * @return The store code, or NULL when not set (or `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_home_store(const csvc_customer *c);
/**
 * The customer's class (客户分类).
 *
 * @param c The record.
 * @return One of csvc_customer_class_t, or 0 if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_customer_class(const csvc_customer *c);
/**
 * The customer's value tier (价值等级).
 *
 * @param c The record.
 * @return One of csvc_value_tier_t, or 0 when not set (or `c` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_customer_tier(const csvc_customer *c);
/**
 * The customer's current lifecycle stage (生命周期).
 *
 * @param c The record.
 * @return One of csvc_lifecycle_t, or 0 if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_customer_lifecycle(const csvc_customer *c);
/**
 * The record's revision: 0 for a draft, 1 after create, and one more
 * per saved change (update, merge, erase).
 *
 * @param c The record.
 * @return The revision, or 0 if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int64_t) csvc_customer_revision(const csvc_customer *c);
/**
 * Whether the record's phones and e-mails are masked (138****8000,
 * z***\@example.com): it was read, with access control on, by a principal
 * without CSVC_PERM_CUSTOMER_READ_CONTACTS (docs/access.md). Such a
 * record cannot be saved: csvc_customer_update() refuses it.
 *
 * @param c The record.
 * @return 1 if masked, 0 if not or if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_masked(const csvc_customer *c);
/**
 * When the customer was created, by the store clock.
 *
 * @param c The record.
 * @return The creation time, or 0 for a draft (or if `c` is NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_customer_created_at(const csvc_customer *c);
/**
 * When the customer's last saved change was made, by the store clock.
 *
 * @param c The record.
 * @return The time of the last change, or 0 for a draft (or if `c` is
 *         NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_customer_updated_at(const csvc_customer *c);
/**
 * The customer this one was merged into (csvc_customer_merge()).
 *
 * @param c The record.
 * @return The UUID of the kept customer, or NULL if this one was not
 *         merged away (or `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const csvc_uuid *) csvc_customer_merged_into(const csvc_customer *c);
/**
 * When the customer's personal data was erased (csvc_customer_erase()).
 *
 * @param c The record.
 * @return The time of the erasure, or 0 if it was not erased (or `c` is
 *         NULL).
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_customer_erased_at(const csvc_customer *c);

/**
 * Sets or clears the customer's display name. The setters validate their
 * value and change the record only on success; nothing is stored until
 * csvc_customer_create() or csvc_customer_update().
 *
 * @param c The record.
 * @param name The name (single-line UTF-8), or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, invalid UTF-8, a control character),
 * CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_NAME bytes), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_name(csvc_customer *c, const char *name);
/**
 * Sets or clears the customer's postal address, which may span lines.
 *
 * @param c The record.
 * @param address The address (UTF-8; tab, line feed and carriage return
 *                allowed), or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, invalid UTF-8, another control
 * character), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_ADDRESS bytes),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_address(csvc_customer *c, const char *address);
/**
 * Sets or clears the customer's birthday.
 *
 * @param c The record.
 * @param yyyymmdd A real calendar date written YYYYMMDD (years 1 to
 *                 9999), or 0 to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, or `yyyymmdd` is not such a date, e.g.
 * 20230229).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_birthday(csvc_customer *c, int32_t yyyymmdd);
/**
 * Sets or clears the customer's preferences and special needs.
 *
 * @param c The record.
 * @param notes Free text (UTF-8; tab, line feed and carriage return
 *              allowed), or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, invalid UTF-8, another control
 * character), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_NOTES bytes),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_notes(csvc_customer *c, const char *notes);
/**
 * Sets or clears the customer's home store. A store code is printable
 * ASCII without spaces, 1 to CSVC_CUSTOMER_MAX_STORE_CODE bytes.
 *
 * @param c The record.
 * @param store_code The store code, or NULL to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, a space or a byte that is not printable
 * ASCII), CSVC_ERANGE (an empty code or one longer than
 * CSVC_CUSTOMER_MAX_STORE_CODE bytes), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_home_store(csvc_customer *c, const char *store_code);
/**
 * Sets the customer's class.
 *
 * @param c The record.
 * @param customer_class One of csvc_customer_class_t (0 is refused).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, an unknown class).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_class(csvc_customer *c, csvc_customer_class_t customer_class);
/**
 * Sets or clears the customer's value tier.
 *
 * @param c The record.
 * @param tier One of csvc_value_tier_t, or 0 to clear it.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, an unknown tier).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_tier(csvc_customer *c, csvc_value_tier_t tier);
/**
 * Sets the customer's lifecycle stage. Saving a changed stage appends an
 * entry to the stored lifecycle history.
 *
 * @param c The record.
 * @param stage One of csvc_lifecycle_t (0 is refused).
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, an unknown stage).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_lifecycle(csvc_customer *c, csvc_lifecycle_t stage);
/**
 * Sets the UUID of a draft (for imports that carry their own IDs);
 * csvc_customer_create() then keeps it instead of drawing a random one.
 *
 * @param c The draft.
 * @param id The UUID, not nil; copied.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, a NULL or nil `id`), CSVC_ESTATE (the
 * record is saved already).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_id(csvc_customer *c, const csvc_uuid *id);

/**
 * Appends a phone number, kept as entered. Phones and e-mails are ordered
 * lists; adding a value already present (byte for byte) is a no-op. Only
 * the syntax is checked here: two values that normalise to the same
 * number with the store's country code are refused when the record is
 * saved (docs/customers.md).
 *
 * @param c The record.
 * @param phone The number as entered: ASCII or full-width digits, an
 *              optional leading "+", and separators.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `phone`, invalid UTF-8, a character
 * that is neither a digit nor a separator, fewer than 3 or more than 15
 * digits), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_PHONE bytes, or the
 * record has CSVC_CUSTOMER_MAX_PHONES phones already), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_phone(csvc_customer *c, const char *phone);
/**
 * Removes a phone number, compared byte for byte with the values as
 * entered (not normalised).
 *
 * @param c The record.
 * @param phone The number, as entered.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `phone`, invalid UTF-8, a control
 * character), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_EMAIL bytes),
 * CSVC_ENOTFOUND (the record has no such phone).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_remove_phone(csvc_customer *c, const char *phone);
/**
 * Counts the record's phone numbers.
 *
 * @param c The record.
 * @return The number of phones (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_phone_count(const csvc_customer *c);
/**
 * Reads the i-th phone number, in the order they were added.
 *
 * @param c The record.
 * @param i The index, from 0 to csvc_customer_phone_count() - 1.
 * @return The phone as entered, or NULL if `i` is out of range (or `c` is
 *         NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_phone(const csvc_customer *c, size_t i);
/**
 * Appends an e-mail address, kept as entered; adding one already present
 * (byte for byte) is a no-op. Two addresses equal once ASCII letters are
 * folded to lower case are refused when the record is saved.
 *
 * @param c The record.
 * @param email The address, of the form local\@domain.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `email`, invalid UTF-8, a space or
 * control character, not of the form local\@domain with a dotted domain),
 * CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_EMAIL bytes, or the record
 * has CSVC_CUSTOMER_MAX_EMAILS addresses already), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_email(csvc_customer *c, const char *email);
/**
 * Removes an e-mail address, compared byte for byte with the values as
 * entered (not case-folded).
 *
 * @param c The record.
 * @param email The address, as entered.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `email`, invalid UTF-8, a control
 * character), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_EMAIL bytes),
 * CSVC_ENOTFOUND (the record has no such address).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_remove_email(csvc_customer *c, const char *email);
/**
 * Counts the record's e-mail addresses.
 *
 * @param c The record.
 * @return The number of addresses (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_email_count(const csvc_customer *c);
/**
 * Reads the i-th e-mail address, in the order they were added.
 *
 * @param c The record.
 * @param i The index, from 0 to csvc_customer_email_count() - 1.
 * @return The address as entered, or NULL if `i` is out of range (or `c`
 *         is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_email(const csvc_customer *c, size_t i);

/**
 * Adds a tag. Tags are a set of non-empty single-line UTF-8 labels, kept
 * sorted by bytes; adding a tag already present is a no-op.
 *
 * @param c The record.
 * @param tag The tag.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `tag`, an empty tag, invalid UTF-8, a
 * control character), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_TAG
 * bytes, or the record has CSVC_CUSTOMER_MAX_TAGS tags already),
 * CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_tag(csvc_customer *c, const char *tag);
/**
 * Removes a tag.
 *
 * @param c The record.
 * @param tag The tag.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `tag`, invalid UTF-8, a control
 * character), CSVC_ERANGE (longer than CSVC_CUSTOMER_MAX_TAG bytes),
 * CSVC_ENOTFOUND (the record has no such tag).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_remove_tag(csvc_customer *c, const char *tag);
/**
 * Tells whether the record has a tag. Never fails.
 *
 * @param c The record.
 * @param tag The tag.
 * @return 1 if the tag is present, else 0 (also when `c` or `tag` is
 *         NULL).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_has_tag(const csvc_customer *c, const char *tag);
/**
 * Counts the record's tags.
 *
 * @param c The record.
 * @return The number of tags (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_tag_count(const csvc_customer *c);
/**
 * Reads the i-th tag, in byte order.
 *
 * @param c The record.
 * @param i The index, from 0 to csvc_customer_tag_count() - 1.
 * @return The tag, or NULL if `i` is out of range (or `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_tag(const csvc_customer *c, size_t i);

/**
 * Sets or removes an attribute. Attributes map a non-empty single-line
 * key to a UTF-8 value, kept sorted by key; setting a present key
 * replaces its value.
 *
 * @param c The record.
 * @param key The attribute key.
 * @param value The value (tab, line feed and carriage return allowed),
 *              or NULL to remove the key.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c` or `key`, an empty key, invalid UTF-8, a
 * control character the field does not allow), CSVC_ERANGE (a key longer
 * than CSVC_CUSTOMER_MAX_ATTR_KEY or a value longer than
 * CSVC_CUSTOMER_MAX_ATTR_VALUE bytes, or a new key when the record has
 * CSVC_CUSTOMER_MAX_ATTRS attributes already), CSVC_ENOTFOUND (removing a
 * key that is absent), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_set_attr(csvc_customer *c, const char *key, const char *value);
/**
 * Looks up the value of an attribute.
 *
 * @param c The record.
 * @param key The attribute key.
 * @return The value, or NULL if the key is absent (or an argument is
 *         NULL).
 *
 * Ownership: borrowed from `c`, valid until it is changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_customer_attr(const csvc_customer *c, const char *key);
/**
 * Counts the record's attributes.
 *
 * @param c The record.
 * @return The number of attributes (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_attr_count(const csvc_customer *c);
/**
 * Reads the i-th attribute, in key order. Outputs may be NULL; they are
 * written only on success.
 *
 * @param c The record.
 * @param i The index, from 0 to csvc_customer_attr_count() - 1.
 * @param key Receives the key; may be NULL.
 * @param value Receives the value; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `c`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_attr_at(const csvc_customer *c, size_t i, const char **key,
                                       const char **value);

/**
 * Adds an external ID: a (kind, value) pair such as ("member_card",
 * "M-0001"), ("pos", "C123"), ("wechat_openid", "o6_bmjr..."). A value
 * is unique within its kind across all customers, which is checked when
 * the record is saved (CSVC_EEXISTS); a customer may hold several values
 * of one kind. Adding a pair already present is a no-op.
 *
 * @param c The record.
 * @param kind The kind: 1 to CSVC_CUSTOMER_MAX_EXTID_KIND bytes of
 *             [a-z0-9_.-].
 * @param value The value: non-empty single-line UTF-8.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`, `kind` or `value`, a character outside
 * [a-z0-9_.-] in `kind`, an empty `value`, invalid UTF-8 or a control
 * character in `value`), CSVC_ERANGE (an empty `kind`, one longer than
 * CSVC_CUSTOMER_MAX_EXTID_KIND bytes, a `value` longer than
 * CSVC_CUSTOMER_MAX_EXTID_VALUE bytes, or the record has
 * CSVC_CUSTOMER_MAX_EXTIDS external IDs already), CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_add_external_id(csvc_customer *c, const char *kind, const char *value);
/**
 * Removes an external ID.
 *
 * @param c The record.
 * @param kind The kind.
 * @param value The value.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL and CSVC_ERANGE for a malformed `kind` or `value`
 * (as csvc_customer_add_external_id(); also NULL `c`), CSVC_ENOTFOUND (the
 * record has no such pair).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_remove_external_id(csvc_customer *c, const char *kind,
                                                  const char *value);
/**
 * Counts the record's external IDs.
 *
 * @param c The record.
 * @return The number of external IDs (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_external_id_count(const csvc_customer *c);
/**
 * Reads the i-th external ID, in the order they were added. Outputs may
 * be NULL; they are written only on success.
 *
 * @param c The record.
 * @param i The index, from 0 to csvc_customer_external_id_count() - 1.
 * @param kind Receives the kind; may be NULL.
 * @param value Receives the value; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `c`, valid until it is
 * changed or freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_external_id_at(const csvc_customer *c, size_t i, const char **kind,
                                              const char **value);

/**
 * Counts the entries of the lifecycle history, as read from the store
 * (one per stage the customer entered; none for a draft).
 *
 * @param c The record.
 * @return The number of entries (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_customer_lifecycle_count(const csvc_customer *c);
/**
 * Reads entry i of the lifecycle history, oldest first: the stage and
 * the time the customer entered it. Outputs may be NULL; they are written
 * only on success.
 *
 * @param c The record.
 * @param i The index, from 0 to csvc_customer_lifecycle_count() - 1.
 * @param stage Receives the csvc_lifecycle_t; may be NULL.
 * @param at Receives the time; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `c`), CSVC_ERANGE (`i` out of range).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_lifecycle_at(const csvc_customer *c, size_t i, int32_t *stage,
                                            csvc_time_us *at);

/* ------------------------------------------------------------------ */
/* Store operations                                                    */
/* ------------------------------------------------------------------ */

/**
 * Saves a draft as a new customer. Assigns a random UUID unless one was set
 * with csvc_customer_set_id(), sets created/updated to the store clock,
 * revision 1, and records the first lifecycle entry and a "created" event.
 * Phones are normalised with the store's default country code, and two
 * that give the same number (or two e-mails equal but for case) are
 * refused. On success updates `c` to the saved state; on failure `c` and
 * the store are unchanged.
 *
 * @param store The open store.
 * @param c The draft; becomes the saved record on success.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `c`, `c` is not a draft: use
 * csvc_customer_update(); invalid UTF-8 or a control character in
 * `actor`; a phone with more than 15 digits once the country code is
 * added), CSVC_ERANGE (`actor` longer than CSVC_CUSTOMER_MAX_ACTOR bytes,
 * or transactions already nested 64 deep), CSVC_EEXISTS (an external ID
 * of another customer, a UUID already taken, two phones or two e-mails of
 * the record that normalise alike), CSVC_EREADONLY (a read-only store),
 * CSVC_ESTATE (inside a transaction aborted by a storage failure),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_create(csvc_store *store, csvc_customer *c, const char *actor);

/**
 * Saves the changes in `c`, which must come from this store (get/find/
 * create). Optimistic concurrency: if the stored revision is not
 * csvc_customer_revision(c), returns CSVC_ECONFLICT and changes nothing.
 * On success `c` gets the new revision and updated time, and an "updated"
 * event lists the changed field names (not their values). When nothing
 * differs from the stored record, nothing is written and the revision
 * stays. A changed class or tier re-matches the SLA policies of the
 * customer's open tickets.
 *
 * @param store The open store.
 * @param c The record; its revision and updated time change on success.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `c`, `c` is a draft: use
 * csvc_customer_create(); a bad `actor`; a phone with more than 15 digits
 * once the country code is added), CSVC_ERANGE (`actor` too long, or
 * transactions already nested 64 deep), CSVC_ENOTFOUND (no such customer
 * in the store), CSVC_ECONFLICT (the stored revision differs),
 * CSVC_ESTATE (the customer was merged away or erased, or inside a
 * transaction aborted by a storage failure), CSVC_EEXISTS (an external ID
 * of another customer, two phones or two e-mails that normalise alike),
 * CSVC_EREADONLY (a read-only store, even with nothing to save),
 * CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_update(csvc_store *store, csvc_customer *c, const char *actor);

/**
 * Reads a customer by UUID, including merged and erased ones (see
 * csvc_customer_merged_into() and csvc_customer_erased_at()).
 *
 * @param store The open store.
 * @param id The customer's UUID.
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (a NULL argument), CSVC_ENOTFOUND (no such
 * customer), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT (the stored record
 * is damaged), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_get(csvc_store *store, const csvc_uuid *id, csvc_customer **out);

/**
 * Finds the active (not merged, not erased) customer with this phone
 * number, compared after normalisation with the store's default country
 * code. If several customers share it, the one created first is
 * returned; list them all with a query (csvc_customer_query.phone).
 *
 * @param store The open store.
 * @param phone The number, in any form csvc_customer_add_phone() takes.
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `phone` or `out`, not a phone
 * number), CSVC_ERANGE (`phone` longer than CSVC_CUSTOMER_MAX_PHONE
 * bytes), CSVC_ENOTFOUND (no active customer has it), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_find_by_phone(csvc_store *store, const char *phone,
                                             csvc_customer **out);
/**
 * Finds the active (not merged, not erased) customer with this e-mail
 * address, compared with ASCII letters folded to lower case. If several
 * customers share it, the one created first is returned; list them all
 * with a query (csvc_customer_query.email).
 *
 * @param store The open store.
 * @param email The address.
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `email` or `out`, not an e-mail
 * address), CSVC_ERANGE (`email` longer than CSVC_CUSTOMER_MAX_EMAIL
 * bytes), CSVC_ENOTFOUND (no active customer has it), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_find_by_email(csvc_store *store, const char *email,
                                             csvc_customer **out);
/**
 * Finds the active (not merged, not erased) customer holding an external
 * ID (unique within its kind).
 *
 * @param store The open store.
 * @param kind The external ID's kind.
 * @param value Its value.
 * @param out Receives the record; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `out`, a NULL or malformed `kind`
 * or `value`, as for csvc_customer_add_external_id()), CSVC_ERANGE (an
 * empty `kind`, or `kind` or `value` too long), CSVC_ENOTFOUND (no active
 * customer holds it), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_find_by_external_id(csvc_store *store, const char *kind,
                                                   const char *value, csvc_customer **out);

/**
 * Normalises a phone number the way the store compares them (see
 * docs/customers.md): separators removed, "00" and "+" international
 * prefixes unified, a national trunk "0" dropped, and the country code
 * added, giving "+<country code><number>". Writes nothing on failure.
 *
 * @param phone The number as entered.
 * @param country_code The country calling code for numbers written
 *                     without one: 1 to 3 digits, not starting with 0;
 *                     NULL means "86".
 * @param out The caller's buffer.
 * @param size The size of `out` in bytes; at most that many bytes are
 *             written, the NUL included.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `phone` or `out`, a malformed
 * `country_code`, not a phone number: invalid UTF-8, a character that is
 * neither a digit nor a separator, fewer than 3 or more than 15 digits),
 * CSVC_ERANGE (`phone` longer than CSVC_CUSTOMER_MAX_PHONE bytes, or
 * `size` too small for the result).
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
 *
 * @param q The caller's query struct.
 * @param version The caller's CSVC_CUSTOMER_QUERY_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
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
 *
 * @param store The open store.
 * @param q The filters, read as far as their `version` goes, or NULL.
 * @param out Receives the iterator; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `out`, a struct version newer than
 * the library knows, an unknown class, tier or lifecycle stage, invalid
 * UTF-8 or a control character in a text filter, an empty `text`, a
 * `phone` or `email` that is not one), CSVC_ERANGE (`text` longer than
 * CSVC_CUSTOMER_MAX_NOTES, `tag` than CSVC_CUSTOMER_MAX_TAG, `home_store`
 * than CSVC_CUSTOMER_MAX_STORE_CODE, `phone` than CSVC_CUSTOMER_MAX_PHONE
 * or `email` than CSVC_CUSTOMER_MAX_EMAIL bytes), CSVC_ENOTFOUND (`after`
 * names no customer), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with
 * csvc_customer_iter_free(), before closing the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_iter_new(csvc_store *store, const csvc_customer_query *q,
                                        csvc_customer_iter **out);

/**
 * Returns the next customer in `*out`, or CSVC_ITEROVER at the end
 * (`*out` untouched). A failure that may pass (a lock, memory) can be
 * retried with the next call; a record that cannot be read is reported
 * once and then passed over.
 *
 * @param it The iterator.
 * @param out Receives the next record; written only on CSVC_OK.
 * @return CSVC_OK, CSVC_ITEROVER at the end, or a negative csvc_error_t
 *         (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `it` or `out`), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT (a damaged stored record), CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*out` and frees it with csvc_customer_free().
 * Thread safety: as a call on the iterator's store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_iter_next(csvc_customer_iter *it, csvc_customer **out);

/**
 * Frees an iterator and the records it read ahead.
 *
 * @param it The iterator, or NULL (a no-op).
 *
 * Ownership: takes `it` back. Records it returned stay the caller's.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_customer_iter_free(csvc_customer_iter *it);

/**
 * Counts the customers matching `q` (NULL: all active ones); `after` and
 * `limit` are honoured.
 *
 * @param store The open store.
 * @param q The filters, read as far as their `version` goes, or NULL.
 * @param out Receives the count; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * as csvc_customer_iter_new(): CSVC_EINVAL (NULL `store` or
 * `out`, a bad filter value), CSVC_ERANGE (a filter too long),
 * CSVC_ENOTFOUND (`after` names no customer), CSVC_EBUSY, CSVC_ESTORAGE,
 * CSVC_ECORRUPT, CSVC_ENOMEM.
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
 * Nothing changes on error, and no report is handed out.
 *
 * @param store The open store.
 * @param keep The customer that stays.
 * @param absorb The customer merged into `keep`.
 * @param actor Who did it, recorded on the events; may be NULL.
 * @param report Receives the conflicts (possibly none) on success; may be
 *               NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store`, `keep` or `absorb`, `keep` equal to
 * `absorb`, a bad `actor`), CSVC_ENOTFOUND (either customer),
 * CSVC_ESTATE (either one already merged away or erased, or inside a
 * transaction aborted by a storage failure), CSVC_ERANGE (the union
 * exceeds a per-customer limit, `actor` too long, or transactions already
 * nested 64 deep), CSVC_EREADONLY (a read-only store), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 *
 * Ownership: the caller owns `*report` and frees it with
 * csvc_merge_report_free().
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_merge(csvc_store *store, const csvc_uuid *keep,
                                     const csvc_uuid *absorb, const char *actor,
                                     csvc_merge_report **report);

/**
 * Counts the conflicts in a merge report.
 *
 * @param r The report.
 * @return The number of conflicts (0 for NULL).
 * @since 1.0
 */
CSVC_EXTERN(size_t) csvc_merge_report_count(const csvc_merge_report *r);

/**
 * Reads conflict i. Outputs may be NULL; they are written only on
 * success.
 *
 * @param r The report.
 * @param i The index, from 0 to csvc_merge_report_count() - 1.
 * @param field Receives "name", "address", "birthday", "notes",
 *              "home_store" or "attribute"; may be NULL.
 * @param key Receives the attribute key (NULL for other fields); may be
 *            NULL.
 * @param kept Receives keep's value as text; may be NULL.
 * @param absorbed Receives absorb's value as text; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EINVAL (NULL `r`), CSVC_ERANGE (`i` out of range).
 *
 * Ownership: the strings are borrowed from `r`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_merge_report_at(const csvc_merge_report *r, size_t i, const char **field,
                                      const char **key, const char **kept, const char **absorbed);

/**
 * Frees a merge report and the strings borrowed from it.
 *
 * @param r The report, or NULL (a no-op).
 *
 * Ownership: takes `r` back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_merge_report_free(csvc_merge_report *r);

/**
 * Erases the personal data of a customer (privacy request): name,
 * phones, e-mails, address, birthday, notes, tags, attributes, external
 * IDs and search-index rows are deleted; the UUID, class, tier, lifecycle,
 * home store, times and every record that references the customer remain,
 * so statistics stay right. An "erased" event is recorded. Customers
 * merged into this one are erased with it. A merged-away customer may be
 * erased too.
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
 *
 * On PostgreSQL the deleted rows' old versions stay in the tables' files
 * and indexes until a VACUUM, which locks each table while it rewrites
 * it: erase leaves the scrub pending, for the operator to run
 * csvc_customer_scrub() at a quiet time (the server's own autovacuum
 * makes the space reusable meanwhile, without wiping it).
 *
 * @param store The open store.
 * @param id The customer's UUID.
 * @param actor Who did it, recorded on the event; may be NULL.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `id`, a bad `actor`), CSVC_ERANGE
 * (`actor` too long, or transactions already nested 64 deep),
 * CSVC_ENOTFOUND (no such customer), CSVC_ESTATE (already erased, or
 * inside a transaction aborted by a storage failure), CSVC_EREADONLY (a
 * read-only store), CSVC_EBUSY, CSVC_ESTORAGE, CSVC_ECORRUPT,
 * CSVC_ENOMEM. A scrub that cannot finish is not an error of the erase
 * (it is logged at CSVC_LOG_WARN).
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_erase(csvc_store *store, const csvc_uuid *id, const char *actor);

/**
 * Finishes pending erasures: rebuilds the customer search index so that
 * no index segment keeps erased text, then checkpoints the write-ahead
 * log into the main file and truncates it (csvc_store_checkpoint()).
 * Clears the pending mark only when all of that succeeded. Writes nothing
 * when no erasure is pending.
 *
 * On PostgreSQL it runs VACUUM (FULL, ANALYZE) on the tables an erasure
 * changes (customers, contacts, tags, attributes, external IDs, search
 * rows): each is written anew with its indexes, under a lock that makes
 * other clients wait for that table meanwhile (up to the busy timeout,
 * then CSVC_EBUSY), and its column statistics are sampled again, so that
 * neither the tables' files nor the statistics hold erased values. Only
 * the tables' owner may vacuum them: a store whose database role does not
 * own them gets CSVC_ESTORAGE, and the scrub stays pending. Row versions
 * that a transaction open since before the erasure may still see are kept
 * by the server, and its write-ahead log and backups keep what they hold
 * until they are recycled.
 *
 * @param store The open store.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL store); CSVC_ESTATE inside a transaction;
 * CSVC_EBUSY when another connection's read snapshot or write kept the
 * log from being emptied (the scrub stays pending: call again later), or
 * the write lock was not granted; CSVC_EREADONLY on a read-only store,
 * whether or not a scrub is pending; CSVC_ESTORAGE (also: on PostgreSQL,
 * the store's role does not own the tables), CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_scrub(csvc_store *store);

/**
 * Writes to `*since` the instant of the oldest erasure whose data may
 * still be on disk (see csvc_customer_erase()), or 0 when none is.
 *
 * @param store The open store.
 * @param since Receives the instant, or 0; written only on success.
 * @return CSVC_OK, or a negative csvc_error_t (see Errors).
 *
 * Errors: CSVC_EACCESS (refused by access control, docs/access.md),
 * CSVC_EINVAL (NULL `store` or `since`), CSVC_EBUSY,
 * CSVC_ESTORAGE, CSVC_ECORRUPT, CSVC_ENOMEM.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_scrub_pending(csvc_store *store, csvc_time_us *since);

CSVC_END_DECL

#endif /* CSVC_CUSTOMER_H */
