/**
 * @file consent.h
 * @brief A customer's consent per purpose: given or withdrawn, with its
 * history, and the calls that refuse what needs a consent the customer
 * did not give (docs/privacy.md).
 *
 * Thread safety: calls on a store as every call on it (one thread at a
 * time); a csvc_consent record is a detached value, readable from any
 * thread that owns it.
 */
#ifndef CSVC_CONSENT_H
#define CSVC_CONSENT_H

#include "csvc/common.h"
#include "csvc/store.h"

CSVC_BEGIN_DECL

/**
 * What a customer consents to (PIPL's "per purpose"). Values are explicit
 * and only appended to; their names ("service_contact", ...) are
 * csvc_enum_name(CSVC_ENUM_CONSENT_PURPOSE, value).
 * @since 1.0
 */
typedef enum csvc_consent_purpose_t {
	CSVC_CONSENT_SERVICE_CONTACT = 1, /**< being contacted about one's own tickets (回访 included) */
	CSVC_CONSENT_SURVEY = 2,          /**< satisfaction surveys */
	CSVC_CONSENT_MARKETING = 3,       /**< offers and campaigns */
	CSVC_CONSENT_PROFILING = 4,       /**< analysis of one's behaviour and preferences */
	CSVC_CONSENT_THIRD_PARTY = 5      /**< sharing one's data with third parties */
} csvc_consent_purpose_t;

/** The highest csvc_consent_purpose_t value of this version. @since 1.0 */
#define CSVC_CONSENT_PURPOSE_MAX CSVC_CONSENT_THIRD_PARTY

/**
 * A customer's word on a purpose. 0 means no record (never asked).
 * Names: csvc_enum_name(CSVC_ENUM_CONSENT_STATE, value).
 * @since 1.0
 */
typedef enum csvc_consent_state_t {
	CSVC_CONSENT_GIVEN = 1,    /**< consent given */
	CSVC_CONSENT_WITHDRAWN = 2 /**< consent refused or withdrawn */
} csvc_consent_state_t;

#define CSVC_CONSENT_MAX_CHANNEL 64       /**< bytes of a consent's channel name */
#define CSVC_CONSENT_MAX_TEXT_VERSION 64  /**< bytes of a consent text's version */
#define CSVC_CONSENT_MAX_ACTOR 128        /**< bytes of an actor (CSVC_CUSTOMER_MAX_ACTOR) */

/** Current version of csvc_consent_form. @since 1.0 */
#define CSVC_CONSENT_FORM_VERSION 1

/**
 * One consent statement to record (csvc_consent_record). Strings are
 * borrowed for the call.
 * @since 1.0
 */
typedef struct csvc_consent_form {
	uint32_t version;         /**< CSVC_CONSENT_FORM_VERSION */
	const csvc_uuid *customer; /**< required: the customer */
	int32_t purpose;          /**< required: csvc_consent_purpose_t */
	int32_t state;            /**< required: csvc_consent_state_t */
	const char *channel;      /**< how it was given or withdrawn ("counter", "app", "phone"...), or NULL */
	const char *text_version; /**< the version of the consent text shown ("2026-03"), or NULL */
} csvc_consent_form;

/** Static initialiser of the current version's defaults. @since 1.0 */
#define CSVC_CONSENT_FORM_INIT { CSVC_CONSENT_FORM_VERSION, NULL, 0, 0, NULL, NULL }

/**
 * Initialises `form` to the defaults of struct version `version` (pass
 * CSVC_CONSENT_FORM_VERSION): the same as CSVC_CONSENT_FORM_INIT.
 *
 * @param form The struct to fill.
 * @param version The caller's CSVC_CONSENT_FORM_VERSION.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `form`, a version this library does not
 * know).
 * Thread safety: any thread.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_consent_form_init(csvc_consent_form *form, unsigned int version);

/**
 * Records that a customer gave or withdrew consent to a purpose. Records
 * are append-only (the store refuses changes and deletions): the last
 * record of a purpose is the customer's current word on it, and the
 * older ones stay as its history. A record names no personal data, so an
 * erasure keeps them as the proof of what the customer agreed to. When
 * customers are merged, the records of the one merged in join the kept
 * customer's history, and each purpose's record made last, of either, is the
 * current one. Writes a `consent_recorded` change-feed entry (subject:
 * the customer; payload: purpose, state, channel, text version). Needs
 * customer_write, with the customer's home store in scope.
 *
 * @param store The open store.
 * @param form The statement, read as far as its `version` goes.
 * @param actor Who recorded it (1 to CSVC_CONSENT_MAX_ACTOR bytes), or
 *        NULL.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL `store` or `form`, a struct version newer
 * than the library knows, a missing customer, an unknown purpose or
 * state, invalid UTF-8 or a control character, an empty string);
 * CSVC_ERANGE (a value too long); CSVC_ENOTFOUND (no such customer);
 * CSVC_ESTATE (the customer was erased or merged into another: record on
 * the kept one); CSVC_EACCESS; CSVC_EREADONLY; CSVC_EBUSY;
 * CSVC_ESTORAGE; CSVC_ENOMEM. Nothing is written on failure.
 * Thread safety: as every call on the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_consent_record(csvc_store *store, const csvc_consent_form *form, const char *actor);

/**
 * A customer's current word on a purpose: the state of the record made last
 * of that purpose (the records of customers merged into this one
 * included), or 0 when there is none. Needs customer_read_profile, with
 * the customer's home store in scope.
 *
 * @param store The open store.
 * @param customer The customer (a merged-away UUID reads the kept one's).
 * @param purpose A csvc_consent_purpose_t.
 * @param state Receives a csvc_consent_state_t, or 0 (never recorded).
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (a NULL argument, an unknown purpose);
 * CSVC_ENOTFOUND (no such customer); CSVC_EACCESS; CSVC_EBUSY;
 * CSVC_ESTORAGE. `*state` is unchanged on failure.
 * Thread safety: as every call on the store.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_consent_current(csvc_store *store, const csvc_uuid *customer, csvc_consent_purpose_t purpose,
                                      int32_t *state);

/** A recorded consent statement (detached value). Opaque. @since 1.0 */
typedef struct csvc_consent csvc_consent;

/**
 * A customer's consent history, every purpose, in the order recorded (records of
 * customers merged into this one included). Needs
 * customer_read_profile, with the customer's home store in scope.
 *
 * @param store The open store.
 * @param customer The customer.
 * @param out Receives the records (free with csvc_consent_list_free);
 *        NULL when there are none.
 * @param count Receives their number.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (a NULL argument); CSVC_ENOTFOUND (no such
 * customer); CSVC_EACCESS; CSVC_EBUSY; CSVC_ESTORAGE; CSVC_ECORRUPT;
 * CSVC_ENOMEM. `*out` and `*count` are unchanged on failure.
 *
 * Ownership: the caller owns the array and each record: free them with
 * csvc_consent_list_free().
 * Thread safety: as every call on the store; the records are detached.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_consent_history(csvc_store *store, const csvc_uuid *customer, csvc_consent ***out,
                                      size_t *count);

/**
 * Frees an array of records from csvc_consent_history().
 *
 * @param list The array, or NULL (a no-op).
 * @param count Its length.
 *
 * Ownership: takes the array and its records back.
 * @since 1.0
 */
CSVC_EXTERN(void) csvc_consent_list_free(csvc_consent **list, size_t count);

/**
 * The record's purpose.
 *
 * @param c The record.
 * @return The csvc_consent_purpose_t, or 0 if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_consent_purpose(const csvc_consent *c);
/**
 * Whether the record gives or withdraws consent.
 *
 * @param c The record.
 * @return The csvc_consent_state_t, or 0 if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(int32_t) csvc_consent_state(const csvc_consent *c);
/**
 * When the record was made (the store's clock).
 *
 * @param c The record.
 * @return The time, or 0 if `c` is NULL.
 * @since 1.0
 */
CSVC_EXTERN(csvc_time_us) csvc_consent_at(const csvc_consent *c);
/**
 * How the consent was given or withdrawn.
 *
 * @param c The record.
 * @return The channel, or NULL when none was named (or if `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_consent_channel(const csvc_consent *c);
/**
 * The version of the consent text the customer was shown.
 *
 * @param c The record.
 * @return The version, or NULL when none was named (or if `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_consent_text_version(const csvc_consent *c);
/**
 * Who recorded the statement.
 *
 * @param c The record.
 * @return The actor, or NULL when none was named (or if `c` is NULL).
 *
 * Ownership: borrowed from `c`, valid until it is freed.
 * @since 1.0
 */
CSVC_EXTERN(const char *) csvc_consent_actor(const csvc_consent *c);

CSVC_END_DECL

#endif
