/*
 * Calendar storage, SQLite backend. The only calendar file that speaks SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar-db.h"
#include "feed/feed-internal.h"
#include "store/store-internal.h"

static const csvc__sql SQL_FIND = CSVC__SQL("SELECT id FROM calendars WHERE name = $1");
static const csvc__sql SQL_INSERT = CSVC__SQL("INSERT INTO calendars (uuid, name, spec, created_us, updated_us) VALUES ($1, $2, $3, $4, $4)");
static const csvc__sql SQL_UPDATE = CSVC__SQL("UPDATE calendars SET spec = $2, updated_us = $3 WHERE id = $1");
static const csvc__sql SQL_LOAD = CSVC__SQL("SELECT spec FROM calendars WHERE name = $1");
static const csvc__sql SQL_INFO = CSVC__SQL("SELECT uuid, created_us, updated_us FROM calendars WHERE name = $1");
static const csvc__sql SQL_COUNT_ATTACHED = CSVC__SQL("SELECT count(*) FROM store_calendars WHERE calendar_id = $1");
static const csvc__sql SQL_DELETE = CSVC__SQL("DELETE FROM calendars WHERE id = $1");
static const csvc__sql SQL_LIST = CSVC__SQL("SELECT name FROM calendars ORDER BY name");
static const csvc__sql SQL_ATTACH = CSVC__SQL("INSERT INTO store_calendars (store_code, calendar_id, attached_us) VALUES ($1, $2, $3) "
	"ON CONFLICT (store_code) DO UPDATE SET calendar_id = excluded.calendar_id, "
	"attached_us = excluded.attached_us");
static const csvc__sql SQL_DETACH = CSVC__SQL("DELETE FROM store_calendars WHERE store_code = $1");
static const csvc__sql SQL_ZONE_DATA = CSVC__SQL("SELECT tzif FROM zone_data WHERE name = $1");
static const csvc__sql SQL_PUT_ZONE_DATA = CSVC__SQL_DIALECTS(
	"INSERT INTO zone_data (name, tzif, saved_us) VALUES ($1, $2, $3) "
	"ON CONFLICT (name) DO UPDATE SET tzif = excluded.tzif, saved_us = excluded.saved_us "
	"WHERE tzif IS NOT excluded.tzif",
	"INSERT INTO zone_data (name, tzif, saved_us) VALUES ($1, $2, $3) "
	"ON CONFLICT (name) DO UPDATE SET tzif = excluded.tzif, saved_us = excluded.saved_us "
	"WHERE zone_data.tzif IS DISTINCT FROM excluded.tzif");
static const csvc__sql SQL_SET_STORE_ZONE = CSVC__SQL("INSERT INTO store_zones (store_code, zone, set_us) VALUES ($1, $2, $3) "
	"ON CONFLICT (store_code) DO UPDATE SET zone = excluded.zone, set_us = excluded.set_us");
static const csvc__sql SQL_CLEAR_STORE_ZONE = CSVC__SQL("DELETE FROM store_zones WHERE store_code = $1");
static const csvc__sql SQL_STORE_ZONE = CSVC__SQL("SELECT zone FROM store_zones WHERE store_code = $1");
static const csvc__sql SQL_NAME_FOR_STORE = CSVC__SQL("SELECT c.name FROM store_calendars s JOIN calendars c ON c.id = s.calendar_id "
	"WHERE s.store_code = $1");

/* Looks up a calendar's row id: 1 found, 0 not found, < 0 error. */
/* Calendar writes check, then write (a name saved before or not, a
 * calendar still attached or not): on PostgreSQL they take turns under a
 * named lock, as SQLite's write lock makes them (nothing there). */
static int begin_calendar_write(csvc_store *s)
{
	int rc = csvc__tx_begin(s);
	if (!rc && (rc = csvc__db_lock_named(s->db, "calendar")))
		rc = csvc__tx_end(s, rc);
	return rc;
}

static int find_id(csvc_store *s, const char *name, int64_t *id)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_FIND, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	int found = rc == CSVC__ROW;
	if (found)
		*id = csvc__db_int(st, 0);
	csvc__db_reset(st);
	csvc__db_reset(st);
	return found;
}

static int save_in_tx(csvc_store *s, const char *name, const char *spec, const csvc_uuid *new_uuid,
                      csvc_time_us now)
{
	int64_t id = 0;
	int found = find_id(s, name, &id);
	if (found < 0)
		return found;
	csvc__stmt *st;
	int rc;
	if (found) {
		if ((rc = csvc__db_stmt(s->db, &SQL_UPDATE, &st)))
			return rc;
		csvc__db_bind_int(st, 1, id);
		csvc__db_bind_text(st, 2, spec);
		csvc__db_bind_int(st, 3, now);
	} else {
		if ((rc = csvc__db_stmt(s->db, &SQL_INSERT, &st)))
			return rc;
		csvc__db_bind_uuid(st, 1, new_uuid);
		csvc__db_bind_text(st, 2, name);
		csvc__db_bind_text(st, 3, spec);
		csvc__db_bind_int(st, 4, now);
	}
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__feed_definition(s, "calendar_saved", "calendar", name, 0, NULL, now);
}

static int put_zone_data(csvc_store *s, const char *name, const void *data, size_t len, csvc_time_us now)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_PUT_ZONE_DATA, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	csvc__db_bind_blob(st, 2, data, len);
	csvc__db_bind_int(st, 3, now);
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__feed_definition(s, "zone_added", "zone", name, 0, NULL, now);
}

int csvc__calendar_db_save(csvc_store *s, const char *name, const char *spec, const csvc_uuid *new_uuid,
                           csvc_time_us now, const char *zone, const void *tzif, size_t tzif_len)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	rc = save_in_tx(s, name, spec, new_uuid, now);
	if (!rc && tzif)
		rc = put_zone_data(s, zone, tzif, tzif_len, now);
	return csvc__tx_end(s, rc);
}

int csvc__calendar_db_zone_data(csvc_store *s, const char *name, uint8_t **data, size_t *len)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_ZONE_DATA, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	uint8_t *copy = NULL;
	size_t n = 0;
	if (rc == CSVC__ROW) {
		const void *blob = csvc__db_blob(st, 0, &n);
		copy = csvc__malloc(n ? n : 1);
		if (!copy) {
			csvc__db_reset(st);
			csvc__db_reset(st);
			return csvc__error(CSVC_ENOMEM, "out of memory reading time zone '%s'", name);
		}
		if (n)
			memcpy(copy, blob, n);
	}
	csvc__db_reset(st);
	csvc__db_reset(st);
	*data = copy;
	*len = n;
	return 0;
}

int csvc__calendar_db_put_zone_data(csvc_store *s, const char *name, const void *data, size_t len,
                                    csvc_time_us now)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	return csvc__tx_end(s, put_zone_data(s, name, data, len, now));
}

static int set_store_zone_in_tx(csvc_store *s, const char *store_code, const char *zone, const void *tzif,
                                size_t tzif_len, csvc_time_us now)
{
	int rc;
	if (tzif && (rc = put_zone_data(s, zone, tzif, tzif_len, now)))
		return rc;
	csvc__stmt *st;
	if ((rc = csvc__db_stmt(s->db, &SQL_SET_STORE_ZONE, &st)))
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	csvc__db_bind_text(st, 2, zone);
	csvc__db_bind_int(st, 3, now);
	if ((rc = csvc__db_run(st)))
		return rc;
	/* "" is the store-wide default. */
	return csvc__feed_definition(s, "zone_set", "zone", zone, 0, store_code, now);
}

int csvc__calendar_db_set_store_zone(csvc_store *s, const char *store_code, const char *zone,
                                     const void *tzif, size_t tzif_len, csvc_time_us now)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	return csvc__tx_end(s, set_store_zone_in_tx(s, store_code, zone, tzif, tzif_len, now));
}

static int clear_store_zone_in_tx(csvc_store *s, const char *store_code)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_CLEAR_STORE_ZONE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	if ((rc = csvc__db_run(st)))
		return rc;
	if (csvc__db_changes(s->db) == 0)
		return 0;
	rc = csvc__feed_definition(s, "zone_cleared", "zone", NULL, 0, store_code, 0);
	return rc < 0 ? rc : 1;
}

int csvc__calendar_db_clear_store_zone(csvc_store *s, const char *store_code)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	rc = clear_store_zone_in_tx(s, store_code);
	int end = csvc__tx_end(s, rc < 0 ? rc : 0);
	return end ? end : rc;
}

int csvc__calendar_db_store_zone(csvc_store *s, const char *store_code, char **zone)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STORE_ZONE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	char *out = NULL;
	if (rc == CSVC__ROW) {
		const char *text = csvc__db_textcol(st, 0);
		if ((rc = csvc__strdup(text ? text : "", &out))) {
			csvc__db_reset(st);
			csvc__db_reset(st);
			return rc;
		}
	}
	csvc__db_reset(st);
	csvc__db_reset(st);
	*zone = out;
	return 0;
}

const char *csvc__calendar_db_zoneinfo_dir(csvc_store *s)
{
	return s->zoneinfo_dir;
}

/* The one text column of the row selected by a text key; CSVC_ENOTFOUND
 * names the key after `missing`. */
static int text_by_key(csvc_store *s, const csvc__sql *sql, const char *key, const char *missing, char **out)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, sql, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, key);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	if (rc == CSVC__DONE)
		rc = csvc__error(CSVC_ENOTFOUND, "%s '%s'", missing, key);
	else {
		const char *text = csvc__db_textcol(st, 0);
		rc = csvc__strdup(text ? text : "", out);
	}
	csvc__db_reset(st);
	csvc__db_reset(st);
	return rc;
}

int csvc__calendar_db_load(csvc_store *s, const char *name, char **spec)
{
	return text_by_key(s, &SQL_LOAD, name, "no calendar named", spec);
}

int csvc__calendar_db_info(csvc_store *s, const char *name, csvc_uuid *uuid, csvc_time_us *created_us,
                           csvc_time_us *updated_us)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_INFO, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, name);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	if (rc == CSVC__DONE) {
		csvc__db_reset(st);
		csvc__db_reset(st);
		return csvc__error(CSVC_ENOTFOUND, "no calendar named '%s'", name);
	}
	if (uuid)
		csvc__db_uuid(st, 0, uuid);
	if (created_us)
		*created_us = csvc__db_int(st, 1);
	if (updated_us)
		*updated_us = csvc__db_int(st, 2);
	csvc__db_reset(st);
	csvc__db_reset(st);
	return 0;
}

static int delete_in_tx(csvc_store *s, const char *name)
{
	int64_t id = 0;
	int found = find_id(s, name, &id);
	if (found < 0)
		return found;
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no calendar named '%s'", name);
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_COUNT_ATTACHED, &st);
	if (rc)
		return rc;
	csvc__db_bind_int(st, 1, id);
	rc = csvc__db_step(st);
	if (rc < 0)
		return rc;
	int64_t attached = rc == CSVC__ROW ? csvc__db_int(st, 0) : 0;
	csvc__db_reset(st);
	if (attached)
		return csvc__error(CSVC_ESTATE, "calendar '%s' is attached to %lld store code(s); detach it first",
		                   name, (long long)attached);
	if ((rc = csvc__db_stmt(s->db, &SQL_DELETE, &st)))
		return rc;
	csvc__db_bind_int(st, 1, id);
	rc = csvc__db_run(st);
	/* The refusal comes from a trigger (migration 8), in its words. */
	if (rc && csvc_error_last()->engine && strstr(csvc_error_last()->message, "in use by SLA"))
		return csvc__error(CSVC_ESTATE,
		                   "calendar '%s' is named by an SLA policy in force or counts time for an open "
		                   "ticket's SLA target; save the policy without it (or retire the policy) and let "
		                   "those tickets end first",
		                   name);
	if (!rc)
		rc = csvc__feed_definition(s, "calendar_deleted", "calendar", name, 0, NULL, 0);
	return rc;
}

int csvc__calendar_db_delete(csvc_store *s, const char *name)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	return csvc__tx_end(s, delete_in_tx(s, name));
}

int csvc__calendar_db_list(csvc_store *s, char ***names, size_t *count)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_LIST, &st);
	if (rc)
		return rc;
	csvc__buf text = {0};
	size_t n = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		const char *name = csvc__db_textcol(st, 0);
		csvc__buf_put(&text, name ? name : "", name ? strlen(name) + 1 : 1);
		n++;
	}
	if (rc < 0) {
		csvc__buf_free(&text);
		return rc;
	}
	csvc__db_reset(st);
	if (text.failed) {
		csvc__buf_free(&text);
		return csvc__error(CSVC_ENOMEM, "out of memory listing calendars");
	}
	char **out = NULL;
	if (n) {
		out = csvc__malloc(n * sizeof(char *) + text.len);
		if (!out) {
			csvc__buf_free(&text);
			return csvc__error(CSVC_ENOMEM, "out of memory listing calendars");
		}
		char *strings = (char *)(out + n);
		memcpy(strings, text.data, text.len);
		for (size_t i = 0; i < n; i++) {
			out[i] = strings;
			strings += strlen(strings) + 1;
		}
	}
	csvc__buf_free(&text);
	*names = out;
	*count = n;
	return 0;
}

static int attach_in_tx(csvc_store *s, const char *store_code, const char *name, csvc_time_us now)
{
	int64_t id = 0;
	int found = find_id(s, name, &id);
	if (found < 0)
		return found;
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "no calendar named '%s'", name);
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_ATTACH, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	csvc__db_bind_int(st, 2, id);
	csvc__db_bind_int(st, 3, now);
	if ((rc = csvc__db_run(st)))
		return rc;
	return csvc__feed_definition(s, "calendar_attached", "calendar", name, 0, store_code, now);
}

int csvc__calendar_db_attach(csvc_store *s, const char *store_code, const char *name, csvc_time_us now)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	return csvc__tx_end(s, attach_in_tx(s, store_code, name, now));
}

static int detach_in_tx(csvc_store *s, const char *store_code)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_DETACH, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, store_code);
	if ((rc = csvc__db_run(st)))
		return rc;
	if (csvc__db_changes(s->db) == 0)
		return csvc__error(CSVC_ENOTFOUND, "no calendar is attached to store code '%s'", store_code);
	return csvc__feed_definition(s, "calendar_detached", "calendar", NULL, 0, store_code, 0);
}

int csvc__calendar_db_detach(csvc_store *s, const char *store_code)
{
	int rc = begin_calendar_write(s);
	if (rc)
		return rc;
	return csvc__tx_end(s, detach_in_tx(s, store_code));
}

int csvc__calendar_db_name_for_store(csvc_store *s, const char *store_code, char **name)
{
	return text_by_key(s, &SQL_NAME_FOR_STORE, store_code, "no calendar is attached to store code", name);
}
