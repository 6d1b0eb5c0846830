/*
 * Storage of calendars, as seen by the domain code (calendar-store.c).
 * The SQLite implementation is calendar-sql.c. Every function sets the
 * error record on failure, and each writing one is atomic (it joins the
 * caller's transaction if one is open).
 */
#ifndef CSVC_CALENDAR_DB_H
#define CSVC_CALENDAR_DB_H

#include "csvc/store.h"
#include "internal.h"

/* Inserts or replaces the calendar `name` with canonical text `spec`;
 * a new row gets `new_uuid` and created_us = now. */
int csvc__calendar_db_save(csvc_store *s, const char *name, const char *spec, const csvc_uuid *new_uuid,
                           csvc_time_us now);
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

#endif
