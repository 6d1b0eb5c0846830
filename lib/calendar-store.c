/*
 * Calendars in the store: argument checks and text form on top of the
 * storage functions of calendar-db.h. No SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar-db.h"
#include "customer-internal.h"
#include "sla-internal.h"
#include "csvc/calendar.h"
#include "internal.h"

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

int csvc_calendar_save(csvc_store *store, const char *name, const csvc_calendar *cal)
{
	csvc__error_clear();
	if (store)
		csvc__sla_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
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
	rc = csvc__calendar_db_save(store, name, spec, &id, csvc_store_now(store));
	csvc__free(spec);
	return rc;
}

/* Parses stored text; a calendar that no longer parses is corrupt data,
 * but a zone that cannot be found keeps its own code. */
static int parse_stored(const char *name, const char *spec, const csvc_calendar_options *opts,
                        csvc_calendar **out)
{
	int rc = csvc_calendar_parse(out, spec, strlen(spec), opts);
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
	if (opts && opts->version > CSVC_CALENDAR_OPTIONS_VERSION) /* 0: current */
		return csvc__error(CSVC_EINVAL, "csvc_calendar_options.version %u is not supported",
		                   (unsigned)opts->version);
	int rc = check_name(name);
	if (rc)
		return rc;
	char *spec = NULL;
	if ((rc = csvc__calendar_db_load(store, name, &spec)))
		return rc;
	rc = parse_stored(name, spec, opts, out);
	csvc__free(spec);
	return rc;
}

int csvc_calendar_info(csvc_store *store, const char *name, csvc_uuid *uuid, csvc_time_us *created_us,
                       csvc_time_us *updated_us)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(name, "name");
	int rc = check_name(name);
	if (rc)
		return rc;
	return csvc__calendar_db_info(store, name, uuid, created_us, updated_us);
}

int csvc_calendar_delete(csvc_store *store, const char *name)
{
	csvc__error_clear();
	if (store)
		csvc__sla_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
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
	return csvc__calendar_db_list(store, names, count);
}

int csvc_calendar_attach(csvc_store *store, const char *store_code, const char *name)
{
	csvc__error_clear();
	if (store)
		csvc__sla_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
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
		csvc__sla_invalidate(store); /* cached calendars may change */
	CSVC__CHECK_ARG(store, "store");
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
	if (opts && opts->version > CSVC_CALENDAR_OPTIONS_VERSION) /* 0: current */
		return csvc__error(CSVC_EINVAL, "csvc_calendar_options.version %u is not supported",
		                   (unsigned)opts->version);
	int rc = check_store_code(store_code);
	if (rc)
		return rc;
	char *name = NULL, *spec = NULL;
	if ((rc = csvc__calendar_db_name_for_store(store, store_code, &name)))
		return rc;
	if (!(rc = csvc__calendar_db_load(store, name, &spec)))
		rc = parse_stored(name, spec, opts, out);
	csvc__free(spec);
	csvc__free(name);
	return rc;
}
