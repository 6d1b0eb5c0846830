/*
 * The routing decision: the first matching rule's team, and the member
 * its strategy picks among those on shift. Candidates are taken in turn
 * from the one after the rule's last pick (code order, wrapping), so
 * that round robin is exact and the other strategies break ties fairly.
 */
#include <stdio.h>
#include <string.h>

#include "calendar/calendar-db.h"
#include "csvc/enum.h"
#include "route/route-internal.h"
#include "store/store-internal.h"

static const char *const REASON_NAMES[] = {
#define CSVC__ROUTE_REASON_NAME(id, name) name,
	CSVC__ROUTE_REASONS(CSVC__ROUTE_REASON_NAME)
#undef CSVC__ROUTE_REASON_NAME
};

/* *on: whether someone with shift calendar `calendar` works at `at`.
 * Without a calendar: always; with one that is not stored: never. */
static int on_shift(csvc_store *s, const char *calendar, csvc_time_us at, int *on)
{
	*on = 1;
	if (!calendar)
		return CSVC_OK;
	const csvc_calendar *cal = NULL;
	int rc = csvc__calendar_cached(s, calendar, &cal);
	if (rc == CSVC_ENOTFOUND) {
		csvc__error_clear();
		*on = 0;
		return CSVC_OK;
	}
	int32_t open = 0;
	if (rc || (rc = csvc_calendar_is_open(cal, at, &open)))
		return rc;
	*on = open != 0;
	return CSVC_OK;
}

/* Whether candidate `c` beats the best so far `b` (NULL: none), both in
 * turn order with `b` earlier. */
static int better(int32_t strategy, const csvc__route_member *c, const csvc__route_member *b)
{
	if (!b)
		return 1;
	switch (strategy) {
	case CSVC_ROUTE_LEAST_LOAD:
		return c->load < b->load;
	case CSVC_ROUTE_BEST_SKILL:
		return c->skills > b->skills || (c->skills == b->skills && c->load < b->load);
	default:
		return 0; /* round robin: the first in turn */
	}
}

int csvc__route_pick(csvc_store *s, const csvc__route_subject *subj, int again, csvc_time_us now,
                     csvc__route_decision *d)
{
	memset(d, 0, sizeof(*d));
	csvc__route_match m;
	int rc = csvc__route_db_match(s, subj, &m);
	if (rc <= 0)
		return rc;
	d->matched = 1;
	snprintf(d->rule, sizeof(d->rule), "%s", m.rule);
	snprintf(d->team, sizeof(d->team), "%s", m.team);
	d->revision = m.revision;
	d->strategy = m.strategy;
	if (again && m.designated && subj->assignee) {
		int found, active, on = 0;
		char *calendar = NULL;
		rc = csvc__route_db_staff(s, subj->assignee, &found, &active, &calendar);
		if (!rc && found && active)
			rc = on_shift(s, calendar, now, &on);
		csvc__free(calendar);
		if (rc)
			return rc;
		if (on) {
			snprintf(d->assignee, sizeof(d->assignee), "%s", subj->assignee);
			d->reason = CSVC__ROUTE_DESIGNATED_KEPT;
			return CSVC_OK;
		}
		snprintf(d->replaced, sizeof(d->replaced), "%s", subj->assignee);
	}
	csvc__route_member *mem = NULL;
	size_t n = 0;
	if ((rc = csvc__route_db_members(s, m.team_rowid, subj, m.strategy != CSVC_ROUTE_ROUND_ROBIN, &mem, &n)))
		return rc;
	/* Turn order starts after the last pick. */
	size_t first = 0;
	while (m.last[0] && first < n && strcmp(mem[first].code, m.last) <= 0)
		first++;
	const csvc__route_member *best = NULL;
	for (size_t k = 0; k < n && !rc; k++) {
		const csvc__route_member *c = &mem[(first + k) % n];
		int on;
		if ((rc = on_shift(s, c->calendar, now, &on)) || !on)
			continue;
		d->on_shift++;
		if (better(m.strategy, c, best))
			best = c;
		if (m.strategy == CSVC_ROUTE_ROUND_ROBIN)
			break;
	}
	if (!rc && best) {
		snprintf(d->assignee, sizeof(d->assignee), "%s", best->code);
		d->load = best->load;
		d->skills = best->skills;
		d->reason = m.strategy == CSVC_ROUTE_LEAST_LOAD  ? CSVC__ROUTE_LEAST_LOAD
		            : m.strategy == CSVC_ROUTE_BEST_SKILL ? CSVC__ROUTE_BEST_SKILL
		                                                  : CSVC__ROUTE_TURN;
		rc = csvc__route_db_set_cursor(s, m.rule_rowid, best->code);
	} else if (!rc) {
		d->reason = CSVC__ROUTE_NOBODY_ON_SHIFT;
	}
	csvc__route_members_free(mem, n);
	return rc;
}

void csvc__route_json(csvc__buf *b, const csvc__route_decision *d)
{
	csvc__buf_puts(b, "{\"rule\":");
	csvc__buf_json_string(b, d->rule);
	csvc__buf_printf(b, ",\"revision\":%lld,\"strategy\":", (long long)d->revision);
	csvc__buf_json_string(b, csvc_enum_name(CSVC_ENUM_ROUTE_STRATEGY, d->strategy));
	csvc__buf_puts(b, ",\"team\":");
	csvc__buf_json_string(b, d->team);
	csvc__buf_puts(b, ",\"assignee\":");
	if (d->assignee[0])
		csvc__buf_json_string(b, d->assignee);
	else
		csvc__buf_puts(b, "null");
	csvc__buf_puts(b, ",\"reason\":");
	csvc__buf_json_string(b, REASON_NAMES[d->reason]);
	if (d->reason != CSVC__ROUTE_DESIGNATED_KEPT)
		csvc__buf_printf(b, ",\"on_shift\":%lld", (long long)d->on_shift);
	if (d->reason == CSVC__ROUTE_LEAST_LOAD || d->reason == CSVC__ROUTE_BEST_SKILL)
		csvc__buf_printf(b, ",\"load\":%lld", (long long)d->load);
	if (d->reason == CSVC__ROUTE_BEST_SKILL)
		csvc__buf_printf(b, ",\"skills\":%lld", (long long)d->skills);
	if (d->replaced[0]) {
		csvc__buf_puts(b, ",\"replaced\":");
		csvc__buf_json_string(b, d->replaced);
	}
	csvc__buf_put(b, "}", 1);
}
