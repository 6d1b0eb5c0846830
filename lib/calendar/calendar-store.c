/*
 * Calendars in the store: argument checks and text form on top of the
 * storage functions of calendar-db.h. No SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "calendar/calendar-db.h"
#include "store/store-internal.h"
#include "customer/customer-internal.h"
#include "csvc/calendar.h"
#include "util/internal.h"
#include "calendar/tz-internal.h"

static int check_name(const char *name)
{
	int rc = csvc__check_text(name, 0, CSVC_CALENDAR_NAME_MAX, "name");
	if (rc)
		return rc;
	if (!name[0])
		return csvc__error(CSVC_EINVAL, "a calendar name must not be empty");
	return 0;
}

/* The same rule as every other module's store codes (customer.h). */
static int check_store_code(const char *code)
{
	if (!code)
		return csvc__error(CSVC_EINVAL, "store_code must not be NULL");
	return csvc__check_store_code(code);
}

/* ---- zones: the store's copy first, then the zoneinfo directory ---- */

typedef struct zone_ctx {
	csvc_store *s;
	const char *dir;   /* NULL: the system's */
	int from_store;    /* out: the zone came from the store's copy */
} zone_ctx;

static int resolve_zone(const char *zone, void *userdata, csvc_tz **out)
{
	zone_ctx *z = userdata;
	z->from_store = 0;
	if (csvc__tz_builtin(zone))
		return csvc_tz_load(out, zone, NULL);
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = csvc__calendar_db_zone_data(z->s, zone, &data, &len);
	if (rc)
		return rc;
	if (data) {
		rc = csvc_tz_from_tzif(out, zone, data, len);
		csvc__free(data);
		if (rc == CSVC_ECORRUPT) {
			char msg[300]; /* the record's own buffer is rewritten below */
			snprintf(msg, sizeof(msg), "%s", csvc_error_last()->message);
			return csvc__error(CSVC_ECORRUPT,
			                   "the store's copy of time zone '%s' is damaged (%s); replace it with "
			                   "csvc_calendar_add_zone()",
			                   zone, msg);
		}
		z->from_store = rc == 0;
		return rc;
	}
	rc = csvc_tz_load(out, zone, z->dir);
	if (rc == CSVC_ENOTFOUND)
		return csvc__error(CSVC_ENOTFOUND,
		                   "time zone '%s' is not kept in the store and has no file in '%s': supply its TZif "
		                   "data with csvc_calendar_add_zone() (csvc calendar zone-data), or open the store "
		                   "with a zoneinfo_dir that has it",
		                   zone, z->dir ? z->dir : "/usr/share/zoneinfo");
	return rc;
}

int csvc_calendar_save(csvc_store *store, const char *name, const csvc_calendar *cal)
{
	csvc__error_clear();
	if (store)
		csvc__store_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	CSVC__CHECK_ARG(name, "name");
	CSVC__CHECK_ARG(cal, "cal");
	int rc = check_name(name);
	if (rc)
		return rc;
	char *spec = NULL;
	if ((rc = csvc_calendar_to_json(cal, &spec)))
		return rc;
	csvc_uuid id;
	csvc__uuid_generate(&id);
	/* Keep the zone's data with the calendar (none for UTC and fixed
	 * offsets). */
	const csvc_tz *tz = csvc_calendar_tz(cal);
	size_t tzif_len = 0;
	const uint8_t *tzif = csvc__tz_tzif(tz, &tzif_len);
	rc = csvc__calendar_db_save(store, name, spec, &id, csvc_store_now(store), csvc_tz_name(tz), tzif,
	                            tzif_len);
	csvc__free(spec);
	return rc;
}

/* Parses stored text; a calendar that no longer parses is corrupt data,
 * but a zone that cannot be found keeps its own code. The zone is
 * opts->tz, else the store's copy, else the file in opts->zoneinfo_dir. */
static int parse_stored(csvc_store *s, const char *name, const char *spec, const csvc_calendar_options *opts,
                        csvc_calendar **out)
{
	zone_ctx z = {s, opts ? opts->zoneinfo_dir : NULL, 0};
	int rc = csvc__calendar_parse_with(out, spec, strlen(spec), opts, resolve_zone, &z);
	if (rc == CSVC_EINVAL || rc == CSVC_ERANGE) {
		char msg[400]; /* the record's own buffer is rewritten below */
		snprintf(msg, sizeof(msg), "%s", csvc_error_last()->message);
		return csvc__error(CSVC_ECORRUPT, "stored calendar '%s' is invalid: %s", name, msg);
	}
	return rc;
}

int csvc_calendar_load(csvc_store *store, const char *name, const csvc_calendar_options *opts,
                       csvc_calendar **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(name, "name");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE_PRINCIPAL(store);
	csvc_calendar_options copy;
	int rc = csvc__calendar_options_read(opts, &copy);
	if (rc)
		return rc;
	opts = &copy;
	rc = check_name(name);
	if (rc)
		return rc;
	char *spec = NULL;
	if ((rc = csvc__calendar_db_load(store, name, &spec)))
		return rc;
	rc = parse_stored(store, name, spec, opts, out);
	csvc__free(spec);
	return rc;
}

int csvc_calendar_info(csvc_store *store, const char *name, csvc_uuid *uuid, csvc_time_us *created_us,
                       csvc_time_us *updated_us)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(name, "name");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc = check_name(name);
	if (rc)
		return rc;
	return csvc__calendar_db_info(store, name, uuid, created_us, updated_us);
}

int csvc_calendar_delete(csvc_store *store, const char *name)
{
	csvc__error_clear();
	if (store)
		csvc__store_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	CSVC__CHECK_ARG(name, "name");
	int rc = check_name(name);
	if (rc)
		return rc;
	return csvc__calendar_db_delete(store, name);
}

int csvc_calendar_list(csvc_store *store, char ***names, size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(names, "names");
	CSVC__CHECK_ARG(count, "count");
	CSVC__REQUIRE_PRINCIPAL(store);
	return csvc__calendar_db_list(store, names, count);
}

int csvc_calendar_attach(csvc_store *store, const char *store_code, const char *name)
{
	csvc__error_clear();
	if (store)
		csvc__store_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	CSVC__CHECK_ARG(store_code, "store_code");
	CSVC__CHECK_ARG(name, "name");
	int rc;
	if ((rc = check_store_code(store_code)) || (rc = check_name(name)))
		return rc;
	return csvc__calendar_db_attach(store, store_code, name, csvc_store_now(store));
}

int csvc_calendar_detach(csvc_store *store, const char *store_code)
{
	csvc__error_clear();
	if (store)
		csvc__store_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	CSVC__CHECK_ARG(store_code, "store_code");
	int rc = check_store_code(store_code);
	if (rc)
		return rc;
	return csvc__calendar_db_detach(store, store_code);
}

int csvc_calendar_name_for_store(csvc_store *store, const char *store_code, char **name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(store_code, "store_code");
	CSVC__CHECK_ARG(name, "name");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc = check_store_code(store_code);
	if (rc)
		return rc;
	return csvc__calendar_db_name_for_store(store, store_code, name);
}

int csvc_calendar_for_store(csvc_store *store, const char *store_code, const csvc_calendar_options *opts,
                            csvc_calendar **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(store_code, "store_code");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE_PRINCIPAL(store);
	csvc_calendar_options copy;
	int rc = csvc__calendar_options_read(opts, &copy);
	if (rc)
		return rc;
	opts = &copy;
	rc = check_store_code(store_code);
	if (rc)
		return rc;
	char *name = NULL, *spec = NULL;
	if ((rc = csvc__calendar_db_name_for_store(store, store_code, &name)))
		return rc;
	if (!(rc = csvc__calendar_db_load(store, name, &spec)))
		rc = parse_stored(store, name, spec, opts, out);
	csvc__free(spec);
	csvc__free(name);
	return rc;
}

/* ---- time zones kept in the store, and retail stores' zones ---- */

/* Zone names are 1 to 255 bytes: longer is CSVC_ERANGE, empty CSVC_EINVAL. */
static int check_zone_name(const char *name)
{
	int rc = csvc__check_text(name, 0, 255, "zone name");
	if (!rc && !name[0])
		rc = csvc__error(CSVC_EINVAL, "zone name must not be empty");
	return rc;
}

int csvc_calendar_add_zone(csvc_store *store, const char *name, const void *data, size_t len)
{
	csvc__error_clear();
	if (store)
		csvc__store_invalidate(store); /* cached calendars may use the zone */
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	CSVC__CHECK_ARG(name, "name");
	CSVC__CHECK_ARG(data, "data");
	int rc = check_zone_name(name);
	if (rc)
		return rc;
	if (csvc__tz_builtin(name))
		return csvc__error(CSVC_EINVAL, "time zone '%s' is built in and needs no TZif data", name);
	csvc_tz *tz = NULL;
	if ((rc = csvc_tz_from_tzif(&tz, name, data, len)))
		return rc;
	csvc_tz_free(tz);
	return csvc__calendar_db_put_zone_data(store, name, data, len, csvc_store_now(store));
}

/* Loads `zone` as calendars do, for a store zone (the store's own
 * zoneinfo_dir). */
static int load_store_zone(csvc_store *store, const char *zone, csvc_tz **out, int *from_store)
{
	zone_ctx z = {store, csvc__calendar_db_zoneinfo_dir(store), 0};
	int rc = resolve_zone(zone, &z, out);
	if (from_store)
		*from_store = z.from_store;
	return rc;
}

/* Sets the zone of `code` ("": the default) after checking it is
 * available; keeps its data in the store when it came from a file. */
static int set_zone(csvc_store *store, const char *code, const char *zone)
{
	int rc = check_zone_name(zone);
	if (rc)
		return rc;
	csvc_tz *tz = NULL;
	int from_store = 0;
	if ((rc = load_store_zone(store, zone, &tz, &from_store)))
		return rc;
	size_t len = 0;
	const uint8_t *tzif = from_store ? NULL : csvc__tz_tzif(tz, &len);
	rc = csvc__calendar_db_set_store_zone(store, code, zone, tzif, len, csvc_store_now(store));
	csvc_tz_free(tz);
	return rc;
}

int csvc_calendar_set_store_zone(csvc_store *store, const char *store_code, const char *zone)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(store_code, "store_code");
	CSVC__CHECK_ARG(zone, "zone");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = check_store_code(store_code);
	if (rc)
		return rc;
	return set_zone(store, store_code, zone);
}

int csvc_calendar_clear_store_zone(csvc_store *store, const char *store_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(store_code, "store_code");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = check_store_code(store_code);
	if (rc)
		return rc;
	rc = csvc__calendar_db_clear_store_zone(store, store_code);
	if (rc == 0)
		return csvc__error(CSVC_ENOTFOUND, "no time zone is set for store code '%s'", store_code);
	return rc < 0 ? rc : 0;
}

int csvc_calendar_store_zone(csvc_store *store, const char *store_code, char **zone)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(store_code, "store_code");
	CSVC__CHECK_ARG(zone, "zone");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc = check_store_code(store_code);
	if (rc)
		return rc;
	char *z = NULL;
	if ((rc = csvc__calendar_db_store_zone(store, store_code, &z)))
		return rc;
	if (!z)
		return csvc__error(CSVC_ENOTFOUND, "no time zone is set for store code '%s'", store_code);
	*zone = z;
	return 0;
}

int csvc_calendar_set_default_zone(csvc_store *store, const char *zone)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(zone, "zone");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	return set_zone(store, "", zone);
}

int csvc_calendar_clear_default_zone(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_DEFINITIONS_MANAGE);
	int rc = csvc__calendar_db_clear_store_zone(store, "");
	if (rc == 0)
		return csvc__error(CSVC_ENOTFOUND, "no default time zone is set");
	return rc < 0 ? rc : 0;
}

int csvc_calendar_default_zone(csvc_store *store, char **zone)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(zone, "zone");
	CSVC__REQUIRE_PRINCIPAL(store);
	char *z = NULL;
	int rc = csvc__calendar_db_store_zone(store, "", &z);
	if (rc)
		return rc;
	if (!z)
		return csvc__error(CSVC_ENOTFOUND, "no default time zone is set");
	*zone = z;
	return 0;
}

int csvc_calendar_tz_for_store(csvc_store *store, const char *store_code, csvc_tz **out, int32_t *source)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__REQUIRE_PRINCIPAL(store);
	int rc;
	if (store_code && (rc = check_store_code(store_code)))
		return rc;
	csvc_tz *tz = NULL;
	int32_t src = CSVC_ZONE_NONE;
	char *name = NULL;
	if (store_code) {
		/* The calendar's zone wins. */
		if ((rc = csvc__calendar_db_name_for_store(store, store_code, &name)) && rc != CSVC_ENOTFOUND)
			return rc;
		if (!rc) {
			csvc_calendar_options opts = CSVC_CALENDAR_OPTIONS_INIT;
			opts.zoneinfo_dir = csvc__calendar_db_zoneinfo_dir(store);
			char *spec = NULL;
			csvc_calendar *cal = NULL;
			if (!(rc = csvc__calendar_db_load(store, name, &spec)))
				rc = parse_stored(store, name, spec, &opts, &cal);
			csvc__free(spec);
			csvc__free(name);
			name = NULL;
			if (!rc)
				rc = csvc__tz_clone(csvc_calendar_tz(cal), &tz);
			csvc_calendar_free(cal);
			if (rc)
				return rc;
			src = CSVC_ZONE_CALENDAR;
		} else if ((rc = csvc__calendar_db_store_zone(store, store_code, &name))) {
			return rc;
		} else if (name) {
			src = CSVC_ZONE_STORE;
		}
	}
	if (!tz && !name) {
		if ((rc = csvc__calendar_db_store_zone(store, "", &name)))
			return rc;
		if (name)
			src = CSVC_ZONE_DEFAULT;
	}
	if (!tz) {
		rc = name ? load_store_zone(store, name, &tz, NULL) : csvc_tz_utc(&tz);
		csvc__free(name);
		if (rc)
			return rc;
	}
	csvc__error_clear();
	*out = tz;
	if (source)
		*source = src;
	return 0;
}
