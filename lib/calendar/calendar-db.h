/*
 * Storage of calendars, as seen by the domain code (calendar-store.c).
 * The SQLite implementation is calendar-sql.c. Every function sets the
 * error record on failure, and each writing one is atomic (it joins the
 * caller's transaction if one is open).
 */
#ifndef CSVC_CALENDAR_DB_H
#define CSVC_CALENDAR_DB_H

#include "csvc/calendar.h"
#include "csvc/store.h"
#include "util/internal.h"

/* Inserts or replaces the calendar `name` with canonical text `spec`;
 * a new row gets `new_uuid` and created_us = now. With `tzif` (not NULL),
 * also keeps that TZif data for the zone `zone`, in the same transaction. */
int csvc__calendar_db_save(csvc_store *s, const char *name, const char *spec, const csvc_uuid *new_uuid,
                           csvc_time_us now, const char *zone, const void *tzif, size_t tzif_len);
/* The stored text (malloc'ed). ENOTFOUND if there is no such calendar. */
int csvc__calendar_db_load(csvc_store *s, const char *name, char **spec);
/* Row details; NULL outputs are skipped. */
int csvc__calendar_db_info(csvc_store *s, const char *name, csvc_uuid *uuid, csvc_time_us *created_us,
                           csvc_time_us *updated_us);
/* ENOTFOUND, or ESTATE while attached to a store code. */
int csvc__calendar_db_delete(csvc_store *s, const char *name);
/* All names in byte order, as one allocation (array then strings). */
int csvc__calendar_db_list(csvc_store *s, char ***names, size_t *count);
/* ENOTFOUND if the calendar does not exist. */
int csvc__calendar_db_attach(csvc_store *s, const char *store_code, const char *name, csvc_time_us now);
/* ENOTFOUND if nothing is attached. */
int csvc__calendar_db_detach(csvc_store *s, const char *store_code);
/* Name of the attached calendar (malloc'ed); ENOTFOUND if none. */
int csvc__calendar_db_name_for_store(csvc_store *s, const char *store_code, char **name);

/* ---- time zones kept in the store ---- */

/* The TZif data kept for zone `name` (malloc'ed), or *data NULL (and 0)
 * when the store keeps none. */
int csvc__calendar_db_zone_data(csvc_store *s, const char *name, uint8_t **data, size_t *len);
/* Keeps (inserts or replaces) the TZif data of zone `name`. */
int csvc__calendar_db_put_zone_data(csvc_store *s, const char *name, const void *data, size_t len,
                                    csvc_time_us now);
/* Sets the zone of `store_code` ("" for the store-wide default); with
 * `tzif` (not NULL) also keeps that data for the zone, atomically. */
int csvc__calendar_db_set_store_zone(csvc_store *s, const char *store_code, const char *zone,
                                     const void *tzif, size_t tzif_len, csvc_time_us now);
/* Removes the zone of `store_code` ("": the default): 1 removed, 0 there
 * was none (no error set), < 0 error. */
int csvc__calendar_db_clear_store_zone(csvc_store *s, const char *store_code);
/* The zone of `store_code` ("": the default), malloc'ed, or *zone NULL
 * when none is set (no error). */
int csvc__calendar_db_store_zone(csvc_store *s, const char *store_code, char **zone);
/* The store's zoneinfo directory setting (NULL: the system's). Borrowed. */
const char *csvc__calendar_db_zoneinfo_dir(csvc_store *s);

/* ---- not storage: the parser behind csvc_calendar_parse (calendar.c) ---- */

/* Finds the zone `name` of a calendar being parsed; sets the error on
 * failure. */
typedef int (*csvc__zone_resolver)(const char *name, void *userdata, csvc_tz **out);

/* csvc_calendar_parse, with the zone found by `resolve` (when opts->tz is
 * NULL) instead of csvc_tz_load. `resolve` NULL: csvc_tz_load. */
/* Reads the caller's options (NULL: defaults) into `copy`, only as far as
 * their version goes (docs/conventions.md "Versioned structs"). */
int csvc__calendar_options_read(const csvc_calendar_options *opts, csvc_calendar_options *copy);

int csvc__calendar_parse_with(csvc_calendar **out, const char *text, size_t len, const csvc_calendar_options *opts,
                              csvc__zone_resolver resolve, void *userdata);

/* ---- the store's cache of parsed calendars (calendar-cache.c) ---- */

/* Attaches the cache to a store being opened. */
int csvc__calendar_attach(csvc_store *s);
/* The calendar stored as `name`, parsed (owned by the cache: valid until
 * the next call into the cache or the end of the transaction). Its stamp
 * is checked once per write transaction. ENOTFOUND when not stored. Reads
 * as the library, whatever the principal. */
int csvc__calendar_cached(csvc_store *s, const char *name, const csvc_calendar **out);

#endif
