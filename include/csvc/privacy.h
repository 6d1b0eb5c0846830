/**
 * @file privacy.h
 * @brief Data-subject rights: everything the store holds on one customer,
 * as one JSON document (docs/privacy.md).
 *
 * Thread safety: calls on a store as every call on it (one thread at a
 * time); the returned text belongs to the caller.
 */
#ifndef CSVC_PRIVACY_H
#define CSVC_PRIVACY_H

#include "csvc/common.h"
#include "csvc/store.h"

CSVC_BEGIN_DECL

/** The `format` member of an export. @since 1.0 */
#define CSVC_CUSTOMER_EXPORT_FORMAT "csvc-customer-export"
/** The `format_version` this library writes; a reader should refuse a
 * higher one. @since 1.0 */
#define CSVC_CUSTOMER_EXPORT_FORMAT_VERSION 2

/**
 * Writes everything the store holds on customer `customer` as one JSON
 * object (the data-subject access of PIPL art. 45; layout in
 * docs/privacy.md, "Export"): the record with its lifecycle history, the
 * records merged into it, the consent history, every ticket of the
 * customer (and each sub-task handed off from one) with its events
 * (comments included) and SLA targets, and the
 * customer's survey responses with their answers. Times are microseconds
 * since the epoch (UTC), enumerations their csvc_enum_name() names, absent
 * values null. Everything is read in one transaction (or the caller's),
 * so the document is one consistent state of the store.
 *
 * An erased customer exports what is left (no personal data, the
 * tickets' statistics). A record merged into another is refused: its
 * data lives with the record it was merged into, whose export holds it.
 *
 * With access control on, the principal needs `customer_export`,
 * `customer_read_profile` and `customer_read_contacts` in the customer's
 * home store and in that of every record merged into it, `ticket_read`
 * in the store of every ticket and hand-off sub-task of the customer,
 * and the store of each survey response in scope: an export is complete
 * or refused, never cut to the principal's stores. The handbook's `data_admin` (chain-wide) has them
 * all; a `supervisor` has them for the customers of their own store.
 *
 * @param store The open store.
 * @param customer The customer's UUID.
 * @param json Out: the document, NUL-terminated UTF-8; free it with
 *   csvc_free(). Untouched on failure.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * Errors: CSVC_EINVAL (NULL argument), CSVC_ENOTFOUND (no such customer),
 *   CSVC_ESTATE (the customer was merged into another record; the message
 *   says so), CSVC_EACCESS (a permission or a store out of scope, named in
 *   the message), CSVC_ENOMEM, CSVC_ESTORAGE, CSVC_EBUSY.
 * Ownership: `*json` is the caller's.
 * Thread safety: as any call on `store`.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_customer_export(csvc_store *store, const csvc_uuid *customer, char **json);

CSVC_END_DECL

#endif /* CSVC_PRIVACY_H */
