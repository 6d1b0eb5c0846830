/*
 * The store's cache of parsed calendars, by name, for the modules that
 * evaluate stored calendars on every write (routing's shift checks).
 * Inside one write transaction nothing else can change the store, so a
 * calendar's stamp (its updated_us) is checked once per transaction
 * (csvc__db_serial) rather than once per use; a calendar saved through
 * this store drops the cache (csvc__store_invalidate), since its stamp
 * may not move under a fixed clock.
 */
#include <stdio.h>
#include <string.h>

#include "access/access-internal.h"
#include "calendar/calendar-db.h"
#include "store/store-internal.h"

typedef struct cached {
	char name[CSVC_CALENDAR_NAME_MAX + 1];
	csvc_time_us stamp;
	uint64_t checked; /* tx serial of the last stamp check */
	csvc_calendar *cal;
} cached;

typedef struct cache {
	cached *e;
	size_t n;
} cache;

static void drop(cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		csvc_calendar_free(c->e[i].cal);
	csvc__free(c->e);
	c->e = NULL;
	c->n = 0;
}

static void state_free(void *state)
{
	drop(state);
	csvc__free(state);
}

/* Cached calendars may come from undone writes. */
static void state_undone(void *state, const csvc__db_undo *u)
{
	if (u->data)
		drop(state);
}

static const csvc__store_ext calendar_ext = {
	.name = "calendar",
	.free = state_free,
	.undone = state_undone,
};

int csvc__calendar_attach(csvc_store *s)
{
	cache *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	return csvc__store_attach(s, &calendar_ext, c);
}

/* The library reads calendars for every principal alike. */
static int load(csvc_store *s, const char *name, csvc_calendar **out)
{
	csvc_calendar_options opts = CSVC_CALENDAR_OPTIONS_INIT;
	opts.zoneinfo_dir = s->zoneinfo_dir;
	csvc__access_system_enter(s);
	int rc = csvc_calendar_load(s, name, &opts, out);
	csvc__access_system_leave(s);
	return rc;
}

int csvc__calendar_cached(csvc_store *s, const char *name, const csvc_calendar **out)
{
	cache *c = csvc__store_state(s, &calendar_ext);
	if (!c)
		return csvc__error(CSVC_ESTATE, "the calendar cache is not attached");
	uint64_t serial = csvc__db_serial(s->db);
	cached *e = NULL;
	for (size_t i = 0; i < c->n && !e; i++)
		if (strcmp(c->e[i].name, name) == 0)
			e = &c->e[i];
	if (e && csvc__tx_depth(s) && e->checked == serial) {
		*out = e->cal;
		return CSVC_OK;
	}
	csvc_time_us stamp;
	int rc = csvc__calendar_db_info(s, name, NULL, NULL, &stamp);
	if (rc)
		return rc;
	if (!e) {
		if (strlen(name) > CSVC_CALENDAR_NAME_MAX)
			return csvc__error(CSVC_ERANGE, "calendar name longer than %d bytes", CSVC_CALENDAR_NAME_MAX);
		cached *p = csvc__realloc(c->e, (c->n + 1) * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		c->e = p;
		e = &c->e[c->n];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", name);
		csvc_calendar *cal = NULL;
		if ((rc = load(s, name, &cal)))
			return rc;
		e->cal = cal;
		e->stamp = stamp;
		c->n++;
	} else if (e->stamp != stamp) {
		/* Marked checked only once reloaded: after a failed reload the
		 * old text must not be served again. */
		csvc_calendar *cal = NULL;
		if ((rc = load(s, name, &cal)))
			return rc;
		csvc_calendar_free(e->cal);
		e->cal = cal;
		e->stamp = stamp;
	}
	e->checked = serial;
	*out = e->cal;
	return CSVC_OK;
}
