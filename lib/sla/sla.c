/*
 * The SLA engine: per-target clocks moved by ticket events, alarms emitted
 * once in the store at their crossing instants, recompute from the event
 * log; alarm subscribers on the feed.
 *
 * A clock counts business time on its calendar: `used` holds the time
 * consumed before `since`, the start of the current running stretch. The
 * alarm at p percent is the instant the used time reaches p% of the
 * duration: add(calendar, since, p% - used). A warning is due once its
 * instant is reached; the breach once the last on-time instant (`due`,
 * the 100% instant) is passed. Every state change first emits the alarms
 * due before it, so the set of alarms is the same whenever advance runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "calendar/calendar-db.h"
#include "sla/sla-internal.h"
#include "feed/feed-internal.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"

/* ---- the store's cache ---- */

/*
 * Inside one write transaction nothing else can change the store, so each
 * freshness check (policy set, store calendars) is made once per
 * transaction (tx_serial) rather than once per ticket event; calendar
 * texts are the calendar module's cache (csvc__calendar_cached).
 */
typedef struct cached_store_calendar {
	char store_code[CSVC_STORE_CODE_MAX + 1];
	char calendar[CSVC_CALENDAR_NAME_MAX + 1];
	uint64_t checked;
} cached_store_calendar;

struct csvc__sla_cache {
	uint64_t checked;         /* tx_serial of the last policy-set check */
	cached_store_calendar stores[8]; /* small: a terminal serves few stores */
	size_t next_store;
	int64_t stamp;            /* of the current policy set; -1: not loaded */
	int64_t *current;         /* ids of the current policies, in match order */
	size_t n_current;
	csvc_sla_policy **loaded; /* every policy version loaded (immutable) */
	size_t n_loaded;
};

void csvc__sla_cache_free(csvc__sla_cache *c)
{
	if (!c)
		return;
	csvc__free(c->current);
	for (size_t i = 0; i < c->n_loaded; i++)
		csvc_sla_policy_free(c->loaded[i]);
	csvc__free(c->loaded);
	csvc__free(c);
}

/* ---- the SLA module's per-store state ---- */

static void state_free(void *state)
{
	csvc__sla_state *st = state;
	csvc__sla_cache_free(st->cache);
	for (size_t i = 0; i < sizeof(st->insert_sql) / sizeof(st->insert_sql[0]); i++)
		if (st->insert_sql[i]) {
			for (int d = 0; d < CSVC__DIALECTS; d++)
				csvc__free((char *)st->insert_sql[i]->text[d]);
			csvc__free(st->insert_sql[i]);
		}
	csvc__free(st);
}

/* Cached policies and calendars may come from undone writes. */
static void state_undone(void *state, const csvc__db_undo *u)
{
	csvc__sla_state *st = state;
	if (u->data) {
		csvc__sla_cache_free(st->cache);
		st->cache = NULL;
	}
}

static const csvc__store_ext sla_ext = {
	.name = "sla",
	.free = state_free,
	.undone = state_undone,
};

csvc__sla_state *csvc__sla_state_of(csvc_store *s)
{
	return csvc__store_state(s, &sla_ext);
}

void csvc__sla_invalidate(csvc_store *s)
{
	csvc__sla_cache *c = csvc__sla_state_of(s)->cache;
	if (!c)
		return;
	c->checked = 0;
	for (size_t i = 0; i < 8; i++)
		c->stores[i].checked = 0;
}

/* The calendar attached to a store code ("" if none), checked once per
 * transaction. */
static int store_calendar_of(csvc_store *s, const char *store_code, char *name, size_t n)
{
	csvc__sla_cache *c = csvc__sla_state_of(s)->cache;
	for (size_t i = 0; c && i < 8; i++)
		if (c->stores[i].checked == csvc__db_serial(s->db) && csvc__tx_depth(s) && strcmp(c->stores[i].store_code, store_code) == 0) {
			snprintf(name, n, "%s", c->stores[i].calendar);
			return CSVC_OK;
		}
	int rc = csvc__sla_db_store_calendar(s, store_code, name, n);
	if (rc || !c || strlen(store_code) > CSVC_STORE_CODE_MAX)
		return rc;
	cached_store_calendar *e = &c->stores[c->next_store];
	c->next_store = (c->next_store + 1) % 8;
	snprintf(e->store_code, sizeof(e->store_code), "%s", store_code);
	snprintf(e->calendar, sizeof(e->calendar), "%s", name);
	e->checked = csvc__db_serial(s->db);
	return CSVC_OK;
}

static int cache_of(csvc_store *s, csvc__sla_cache **out)
{
	csvc__sla_state *st = csvc__sla_state_of(s);
	if (!st->cache) {
		st->cache = csvc__calloc(1, sizeof(*st->cache));
		if (!st->cache)
			return csvc__error(CSVC_ENOMEM, "out of memory");
		st->cache->stamp = -1;
	}
	*out = st->cache;
	return CSVC_OK;
}

static int policy_by_id(csvc_store *s, int64_t id, const csvc_sla_policy **out)
{
	csvc__sla_cache *c = NULL;
	int rc = cache_of(s, &c);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->n_loaded; i++)
		if (c->loaded[i]->rowid == id) {
			*out = c->loaded[i];
			return CSVC_OK;
		}
	csvc_sla_policy **p = csvc__realloc(c->loaded, (c->n_loaded + 1) * sizeof(*p));
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	c->loaded = p;
	csvc_sla_policy *pol = NULL;
	if ((rc = csvc__sla_policy_load_id(s, NULL, 0, id, &pol)))
		return rc;
	c->loaded[c->n_loaded++] = pol;
	*out = pol;
	return CSVC_OK;
}

/* The first current policy that matches, or NULL. */
static int select_policy(csvc_store *s, const csvc__sla_subject *subj, const csvc_sla_policy **out)
{
	csvc__sla_cache *c = NULL;
	int64_t stamp;
	int rc = cache_of(s, &c);
	if (rc)
		return rc;
	if (!csvc__tx_depth(s) || c->checked != csvc__db_serial(s->db)) {
		if ((rc = csvc__sla_db_stamp(s, &stamp)))
			return rc;
		c->checked = csvc__db_serial(s->db);
	} else {
		stamp = c->stamp;
	}
	if (stamp != c->stamp) {
		int64_t *ids = NULL;
		size_t n = 0;
		if ((rc = csvc__sla_db_current(s, &ids, &n)))
			return rc;
		csvc__free(c->current);
		c->current = ids;
		c->n_current = n;
		c->stamp = stamp;
	}
	*out = NULL;
	for (size_t i = 0; i < c->n_current; i++) {
		const csvc_sla_policy *p;
		if ((rc = policy_by_id(s, c->current[i], &p)))
			return rc;
		if (csvc__sla_policy_matches(p, subj)) {
			*out = p;
			break;
		}
	}
	return CSVC_OK;
}

/* The calendar saved as `name` ("" = 24/7: NULL), from the store's
 * calendar cache, which routing's shift checks share. */
static int calendar_named(csvc_store *s, const char *name, const csvc_calendar **out)
{
	*out = NULL;
	return name[0] ? csvc__calendar_cached(s, name, out) : CSVC_OK;
}

/* ---- clock arithmetic ---- */

static int cal_add(const csvc_calendar *cal, csvc_time_us t, int64_t d, csvc_time_us *out)
{
	if (!cal) {
		*out = t + d;
		return CSVC_OK;
	}
	return csvc_calendar_add(cal, t, d, out);
}

static int cal_between(const csvc_calendar *cal, csvc_time_us a, csvc_time_us b, int64_t *out)
{
	if (!cal) {
		*out = b - a;
		return CSVC_OK;
	}
	return csvc_calendar_between(cal, a, b, out);
}

/* The instant a running clock's used time reaches `percent` of its duration. */
static int alarm_instant(const csvc_calendar *cal, const csvc__sla_clock *c, const csvc__sla_target_def *d,
                         int32_t percent, csvc_time_us *at)
{
	int64_t threshold = percent >= 100 ? d->duration : d->duration / 100 * percent + d->duration % 100 * percent / 100;
	int64_t left = threshold - c->used;
	if (left <= 0) {
		*at = c->since;
		return CSVC_OK;
	}
	int rc = cal_add(cal, c->since, left, at);
	if (rc == CSVC_ENOTFOUND) {
		/* The calendar has no business time left: never due. */
		*at = 0;
		csvc__error_clear();
		return CSVC_OK;
	}
	return rc;
}

/* Recomputes the derived columns: due time and the next pending alarm. */
static int refresh(const csvc_calendar *cal, csvc__sla_clock *c, const csvc__sla_target_def *d)
{
	c->due = c->next_alarm = 0;
	c->next_pct = 0;
	if (c->phase != CSVC__SLA_RUNNING)
		return CSVC_OK;
	int rc = alarm_instant(cal, c, d, 100, &c->due);
	if (rc || !c->due)
		return rc; /* no deadline: nothing is ever due */
	for (size_t w = 0; w < d->n_warn; w++) {
		if (c->fired & (1u << w))
			continue;
		if ((rc = alarm_instant(cal, c, d, d->warn[w], &c->next_alarm)))
			return rc;
		c->next_pct = d->warn[w];
		return CSVC_OK;
	}
	if (!(c->fired & CSVC__SLA_BREACH_BIT)) {
		/* due is the last on-time instant; a clock already over its
		 * duration (after a policy change) is breached at once. */
		c->next_alarm = c->used > d->duration ? c->since : c->due + 1;
		c->next_pct = 100;
	}
	return CSVC_OK;
}

/* ---- the per-ticket context ---- */

typedef struct pending_escalation {
	const csvc__sla_escalation *e;
} pending_escalation;

typedef struct ctx {
	csvc_store *s;
	int64_t rowid;
	csvc__ticket_head head; /* uuid via id; revision moves as events are written */
	csvc_uuid id;
	int write;               /* 0: recompute (no events, no escalations) */
	csvc__sla_ticket t;
	int64_t initial_policy; /* for rewriting the rows after a policy change */
	const csvc_sla_policy *policy;
	const csvc_calendar *cals[CSVC_SLA_MAX_TARGETS];
	int64_t handoffs; /* open sub-tasks, as the ticket's events count them */
	pending_escalation esc[64];
	size_t n_esc;
	/* alarms emitted, for csvc_sla_advance's callback */
	csvc_sla_alarm *alarms;
	char (*alarm_names)[CSVC_SLA_MAX_NAME + 1];
	size_t n_alarms, cap_alarms;
} ctx;

static const csvc__sla_target_def *def_of(const ctx *x, const csvc__sla_clock *c)
{
	return &x->policy->targets[c->idx];
}

/* A storage failure stops the call; anything else about a calendar (it
 * was deleted, its text or its time zone cannot be read) is the
 * calendar's fault, not the call's. */
static int is_storage_failure(int rc)
{
	/* A damaged database (the engine said so) is not a calendar's fault. */
	return rc == CSVC_ESTORAGE || rc == CSVC_EBUSY || rc == CSVC_ENOMEM || rc == CSVC_EREADONLY ||
	       csvc_error_last()->engine != NULL;
}

/* The calendar a clock counts on. One that cannot be loaded must stop
 * neither this ticket nor the SLA engine: the clock counts wall-clock
 * time, which reaches every deadline no later than business time would,
 * and carries the reason in `fault` (logged once, when it appears). */
static int clock_calendar(csvc_store *s, csvc__sla_clock *c, const csvc_calendar **out)
{
	int rc = calendar_named(s, c->calendar, out);
	if (rc == CSVC_OK) {
		c->fault[0] = '\0';
		return CSVC_OK;
	}
	if (is_storage_failure(rc))
		return rc;
	*out = NULL;
	if (!c->fault[0])
		csvc__log(s, CSVC_LOG_ERROR, "SLA target '%s' counts wall-clock time: calendar '%s' cannot be used: %s",
		          c->name, c->calendar, csvc_error_last()->message);
	snprintf(c->fault, sizeof(c->fault), "calendar '%s' cannot be used (%s); counting wall-clock time",
	         c->calendar, csvc_strerror(rc));
	csvc__error_clear();
	return CSVC_OK;
}

static int load_calendars(ctx *x)
{
	for (size_t i = 0; i < x->t.n; i++) {
		int rc = clock_calendar(x->s, &x->t.clocks[i], &x->cals[i]);
		if (rc)
			return rc;
	}
	return CSVC_OK;
}

/* Writes an SLA event on the ticket (dated `at`) and bumps its revision. */
static int write_event(ctx *x, const char *type, csvc_time_us at, const char *payload)
{
	int64_t seq = x->head.revision + 1;
	int rc = csvc__ticket_db_event(x->s, x->rowid, seq, type, "sla", at, NULL, NULL, payload);
	if (!rc)
		rc = csvc__ticket_db_touch(x->s, x->rowid, seq, at);
	if (rc)
		return rc;
	x->head.revision = seq;
	if (csvc__ticket_hook_on(x->s)) {
		csvc_event ev = {x->id, x->head.number, (char *)type, "sla", NULL, NULL, (char *)payload, seq, at};
		rc = csvc__event_queue(x->s, &ev);
	}
	return rc;
}

static int remember_alarm(ctx *x, const char *target, int32_t pct, csvc_time_us at)
{
	if (!x->alarms && x->cap_alarms == 0)
		return CSVC_OK; /* not collecting */
	if (x->n_alarms == x->cap_alarms)
		return CSVC_OK;
	csvc_sla_alarm *a = &x->alarms[x->n_alarms];
	snprintf(x->alarm_names[x->n_alarms], CSVC_SLA_MAX_NAME + 1, "%s", target);
	a->version = CSVC_SLA_ALARM_VERSION;
	a->ticket = NULL; /* filled by advance */
	a->ticket_number = NULL;
	a->target = x->alarm_names[x->n_alarms];
	a->percent = pct;
	a->at = at;
	x->n_alarms++;
	return CSVC_OK;
}

/* Fires clock c's next alarm, dated at its crossing instant or `floor`,
 * whichever is later. */
static int fire(ctx *x, size_t i, csvc_time_us floor)
{
	csvc__sla_clock *c = &x->t.clocks[i];
	const csvc__sla_target_def *d = def_of(x, c);
	int32_t pct = c->next_pct;
	csvc_time_us at = pct == 100 ? c->due : c->next_alarm;
	if (at < floor)
		at = floor;
	if (pct == 100) {
		c->fired |= CSVC__SLA_BREACH_BIT;
		if (!c->breached_at) /* a breach carried over a policy change keeps its instant */
			c->breached_at = at;
	} else {
		for (size_t w = 0; w < d->n_warn; w++)
			if (d->warn[w] == pct)
				c->fired |= 1u << w;
	}
	int rc = CSVC_OK;
	if (x->write) {
		char payload[160];
		snprintf(payload, sizeof(payload), "{\"target\":\"%s\",\"percent\":%d,\"cycle\":%d}", c->name, (int)pct,
		         (int)c->cycle);
		if ((rc = write_event(x, pct == 100 ? "sla_breach" : "sla_warning", at, payload)) ||
		    (rc = remember_alarm(x, c->name, pct, at)))
			return rc;
		for (size_t k = 0; k < d->n_esc; k++)
			if (d->esc[k].percent == pct) {
				if (x->n_esc < 64)
					x->esc[x->n_esc++].e = &d->esc[k];
				else
					csvc__log(x->s, CSVC_LOG_WARN, "too many escalations at once: one of %s was skipped",
					          c->name);
			}
	}
	return refresh(x->cals[i], c, d);
}

/* Fires, in time order across the ticket's targets, every alarm due at
 * `until`; alarms crossed before `floor` are dated at `floor`. */
static int catch_up(ctx *x, csvc_time_us until, csvc_time_us floor)
{
	for (;;) {
		size_t best = x->t.n;
		for (size_t i = 0; i < x->t.n; i++) {
			const csvc__sla_clock *c = &x->t.clocks[i];
			if (c->next_alarm && c->next_alarm <= until &&
			    (best == x->t.n || c->next_alarm < x->t.clocks[best].next_alarm))
				best = i;
		}
		if (best == x->t.n)
			return CSVC_OK;
		int rc = fire(x, best, floor);
		if (rc)
			return rc;
	}
}

static int in_list(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int satisfies(const csvc__sla_target_def *d, const char *state, int32_t category)
{
	return (d->met_categories & (1u << category)) || in_list(d->met_states, d->n_met_states, state);
}

static int pauses(const csvc__sla_target_def *d, const char *state, int32_t category)
{
	return (d->pause_categories & (1u << category)) || in_list(d->pause_states, d->n_pause_states, state);
}

static int is_end(int32_t category)
{
	return category == CSVC_STATE_CLOSED || category == CSVC_STATE_CANCELLED;
}

/* Stops the running stretch at `at`, adding its business time. */
static int stop(ctx *x, size_t i, csvc_time_us at)
{
	csvc__sla_clock *c = &x->t.clocks[i];
	if (c->phase != CSVC__SLA_RUNNING)
		return CSVC_OK;
	int64_t spent;
	int rc = cal_between(x->cals[i], c->since, at, &spent);
	if (!rc)
		c->used += spent;
	return rc;
}

/* The phase a live (unmet, started) clock has in a state. */
static int32_t live_phase(const ctx *x, const csvc__sla_target_def *d, const char *state, int32_t category)
{
	int paused = pauses(d, state, category) || (d->pause_on_handoff && x->handoffs > 0);
	return paused ? CSVC__SLA_PAUSED : CSVC__SLA_RUNNING;
}

/* Applies a state change or a reply to one clock. */
static int apply_one(ctx *x, size_t i, const csvc__sla_event *ev, const char *state, int32_t category)
{
	csvc__sla_clock *c = &x->t.clocks[i];
	const csvc__sla_target_def *d = def_of(x, c);
	int rc = CSVC_OK;
	if (ev->type == CSVC__SLA_EV_REPLY) {
		if (d->recurring) {
			if (c->phase == CSVC__SLA_WAITING || c->phase == CSVC__SLA_RUNNING || c->phase == CSVC__SLA_PAUSED) {
				/* a reply restarts the interval */
				c->used = 0;
				c->fired = 0;
				c->breached_at = 0;
				c->cycle++;
				c->since = ev->at;
				c->phase = live_phase(x, d, state, category);
			}
		} else if (d->met_reply && (c->phase == CSVC__SLA_RUNNING || c->phase == CSVC__SLA_PAUSED)) {
			if ((rc = stop(x, i, ev->at)))
				return rc;
			c->phase = CSVC__SLA_MET;
			c->met_at = ev->at;
			c->met_via_state = 0;
		}
	} else if (ev->type == CSVC__SLA_EV_HANDOFF) {
		/* The count of open sub-tasks moved: only a live clock cares. */
		if (c->phase == CSVC__SLA_RUNNING || c->phase == CSVC__SLA_PAUSED) {
			int32_t phase = live_phase(x, d, state, category);
			if (phase != c->phase) {
				if (phase == CSVC__SLA_PAUSED)
					rc = stop(x, i, ev->at);
				else
					c->since = ev->at;
				c->phase = phase;
			}
		}
	} else {
		int met = satisfies(d, state, category);
		switch (c->phase) {
		case CSVC__SLA_WAITING:
			if (met || is_end(category)) {
				c->phase = met ? CSVC__SLA_MET : CSVC__SLA_CANCELLED;
				c->met_at = met ? ev->at : 0;
				c->met_via_state = met ? category : 0;
			}
			break;
		case CSVC__SLA_RUNNING:
		case CSVC__SLA_PAUSED:
			if (met || is_end(category)) {
				if ((rc = stop(x, i, ev->at)))
					return rc;
				c->phase = met ? CSVC__SLA_MET : CSVC__SLA_CANCELLED;
				if (met) {
					c->met_at = ev->at;
					c->met_via_state = category;
				}
			} else {
				int32_t phase = live_phase(x, d, state, category);
				if (phase != c->phase) {
					if (phase == CSVC__SLA_PAUSED)
						rc = stop(x, i, ev->at);
					else
						c->since = ev->at;
					c->phase = phase;
				}
			}
			break;
		case CSVC__SLA_MET:
		case CSVC__SLA_CANCELLED:
			/* Reopened: the ticket went back from resolved, closed or
			 * cancelled to an active state. A target met there, or ended
			 * unmet, resumes with the time it had used. One met by a reply,
			 * or by reaching an active state (moving on is not a reopen),
			 * stays met. */
			if (!met && category < CSVC_STATE_RESOLVED &&
			    (c->phase == CSVC__SLA_CANCELLED || c->met_via_state >= CSVC_STATE_RESOLVED)) {
				c->phase = d->recurring && c->cycle == 0 ? CSVC__SLA_WAITING : live_phase(x, d, state, category);
				c->met_at = 0;
				c->met_via_state = 0;
				c->since = ev->at;
			}
			break;
		}
	}
	if (rc)
		return rc;
	return refresh(x->cals[i], c, d);
}

static int apply(ctx *x, const csvc__sla_event *ev, const char *state, int32_t category)
{
	int rc = catch_up(x, ev->at, 0);
	for (size_t i = 0; i < x->t.n && !rc; i++)
		rc = apply_one(x, i, ev, state, category);
	return rc;
}

/* Fresh clocks for `policy`, started at `at` in `state`. */
static int instantiate(ctx *x, const csvc_sla_policy *policy, const char *store_calendar, csvc_time_us at,
                       const char *state, int32_t category)
{
	x->policy = policy;
	x->t.n = policy->n_targets;
	for (size_t i = 0; i < policy->n_targets; i++) {
		const csvc__sla_target_def *d = &policy->targets[i];
		csvc__sla_clock *c = &x->t.clocks[i];
		memset(c, 0, sizeof(*c));
		c->idx = (int32_t)i;
		snprintf(c->name, sizeof(c->name), "%s", d->name);
		snprintf(c->calendar, sizeof(c->calendar), "%s",
		         d->calendar == CSVC_SLA_CALENDAR_NAMED  ? d->calendar_name
		         : d->calendar == CSVC_SLA_CALENDAR_STORE ? store_calendar
		                                                   : "");
		c->since = at;
		c->phase = d->recurring ? CSVC__SLA_WAITING : live_phase(x, d, state, category);
	}
	int rc = load_calendars(x);
	csvc__sla_event ev = {CSVC__SLA_EV_STATE, at, state, category, 0};
	for (size_t i = 0; i < x->t.n && !rc; i++)
		rc = apply_one(x, i, &ev, state, category);
	return rc;
}

/* Moves to another policy at `at`: targets of the same name keep their
 * clocks, new ones start, dropped ones go. Alarms the new thresholds put
 * in the past fire at once, dated at `at`. */
static int switch_policy(ctx *x, const csvc_sla_policy *policy, const char *store_calendar, csvc_time_us at,
                         const char *state, int32_t category)
{
	int rc = catch_up(x, at, 0);
	for (size_t i = 0; i < x->t.n && !rc; i++)
		rc = stop(x, i, at);
	if (rc)
		return rc;
	csvc__sla_ticket old = x->t;
	ctx fresh = *x;
	if ((rc = instantiate(&fresh, policy, store_calendar, at, state, category)))
		return rc;
	for (size_t i = 0; i < fresh.t.n; i++) {
		csvc__sla_clock *c = &fresh.t.clocks[i];
		for (size_t k = 0; k < old.n; k++) {
			const csvc__sla_clock *o = &old.clocks[k];
			if (strcmp(o->name, c->name) != 0)
				continue;
			int32_t idx = c->idx;
			char calendar[sizeof(c->calendar)];
			snprintf(calendar, sizeof(calendar), "%s", c->calendar);
			int32_t phase = c->phase;
			*c = *o;
			c->idx = idx;
			snprintf(c->calendar, sizeof(c->calendar), "%s", calendar);
			c->fired = 0;
			if (c->phase == CSVC__SLA_RUNNING || c->phase == CSVC__SLA_PAUSED)
				c->phase = live_phase(x, &policy->targets[idx], state, category);
			(void)phase;
			c->since = at;
		}
	}
	x->t.n = fresh.t.n;
	memcpy(x->t.clocks, fresh.t.clocks, sizeof(x->t.clocks));
	memcpy(x->cals, fresh.cals, sizeof(x->cals));
	/* A new regime: alarms of the new policy are new alarms. */
	int32_t epoch = 0;
	for (size_t i = 0; i < old.n; i++)
		if (old.clocks[i].cycle >= epoch)
			epoch = old.clocks[i].cycle + 1;
	for (size_t i = 0; i < x->t.n; i++)
		x->t.clocks[i].cycle = epoch;
	x->policy = policy;
	x->t.policy_id = policy->rowid;
	x->t.policy_changed = 1;
	for (size_t i = 0; i < x->t.n && !rc; i++) {
		/* A clock already past a threshold fires it now. */
		if ((rc = refresh(x->cals[i], &x->t.clocks[i], &policy->targets[x->t.clocks[i].idx])))
			break;
		while (!rc && x->t.clocks[i].next_alarm && x->t.clocks[i].next_alarm <= at)
			rc = fire(x, i, at);
	}
	return rc;
}

/* Runs the escalations collected while firing (after the clocks are
 * saved, so the ticket operations they call see the current state). */
static int run_escalations(ctx *x)
{
	int rc = CSVC_OK;
	/* Escalations are the engine's own acts, named "sla", whoever's call
	 * caught up on the alarm. */
	csvc__access_system_enter(x->s);
	for (size_t k = 0; k < x->n_esc && !rc; k++) {
		const csvc__sla_escalation *e = x->esc[k].e;
		switch (e->action) {
		case CSVC_SLA_ASSIGN:
			rc = csvc_ticket_assign(x->s, &x->id, e->assignee, e->team, 0, "sla", NULL);
			/* With staff references on, an escalation to someone who left
			 * or a team closed is refused before anything is written.
			 * Like a broken calendar it must not stop the engine (the
			 * alarm would stay due and block every one after it): it is
			 * logged and skipped. */
			if (rc == CSVC_ENOTFOUND || rc == CSVC_ESTATE) {
				csvc__log(x->s, CSVC_LOG_ERROR, "SLA escalation not applied: %s", csvc_error_last()->message);
				csvc__error_clear();
				rc = CSVC_OK;
			}
			break;
		case CSVC_SLA_TRANSITION:
			rc = csvc_ticket_transition(x->s, &x->id, e->transition, 0, "sla", "escalation", NULL);
			if (rc == CSVC_ESTATE)
				rc = CSVC_OK; /* not applicable in the current state */
			break;
		default: {
			csvc_ticket *t = NULL;
			if ((rc = csvc_ticket_get(x->s, &x->id, &t)))
				break;
			if (csvc_ticket_priority(t) > e->value && !(rc = csvc_ticket_set_priority(t, e->value)))
				rc = csvc_ticket_update(x->s, t, "sla");
			csvc_ticket_free(t);
		}
		}
	}
	csvc__access_system_leave(x->s);
	x->n_esc = 0;
	return rc;
}

/* A target of `p` pauses while its ticket has open sub-tasks. */
static int pauses_on_handoff(const csvc_sla_policy *p)
{
	for (size_t i = 0; i < p->n_targets; i++)
		if (p->targets[i].pause_on_handoff)
			return 1;
	return 0;
}

/* Loads a ticket's SLA state; x->policy NULL when it has none. The caller
 * has locked the ticket's row: ticket writers through its head, the
 * others with csvc__ticket_db_lock. */
static int load_ticket(ctx *x, csvc_store *s, int64_t rowid)
{
	memset(x, 0, sizeof(*x));
	x->s = s;
	x->rowid = rowid;
	x->write = 1;
	/* The caller holds the ticket's row (PostgreSQL): what is read below
	 * stays as read until this transaction writes it back. */
	int rc = csvc__sla_db_ticket_load(s, rowid, &x->t);
	if (rc || !x->t.policy_id)
		return rc;
	if ((rc = policy_by_id(s, x->t.policy_id, &x->policy)) || (rc = load_calendars(x)))
		return rc;
	for (size_t i = 0; i < x->t.n; i++)
		if (x->t.clocks[i].idx < 0 || (size_t)x->t.clocks[i].idx >= x->policy->n_targets)
			return csvc__error(CSVC_ECORRUPT, "ticket %lld has an SLA target outside its policy",
			                   (long long)rowid);
	/* Only a policy that pauses on hand-offs needs the count. */
	return pauses_on_handoff(x->policy) ? csvc__sla_db_handoffs_open(s, rowid, &x->handoffs) : CSVC_OK;
}

/* The ticket's uuid, number and revision, for writing events. */
static int load_head(ctx *x)
{
	int rc = csvc__sla_db_ticket_uuid(x->s, x->rowid, &x->id);
	return rc ? rc : csvc__ticket_db_head(x->s, &x->id, &x->head);
}

static int finish(ctx *x, int inserted)
{
	int rc = csvc__sla_db_ticket_save(x->s, &x->t, inserted, x->initial_policy);
	/* Escalations may escalate again: bound the chain. */
	if (!rc && x->n_esc && csvc__sla_state_of(x->s)->depth < 4) {
		csvc__sla_state_of(x->s)->depth++;
		rc = run_escalations(x);
		csvc__sla_state_of(x->s)->depth--;
	} else if (!rc && x->n_esc) {
		csvc__log(x->s, CSVC_LOG_WARN, "escalations nested more than 4 deep were not run (ticket %s)",
		          x->head.number);
	}
	return rc;
}

/* ---- hooks from ticket.c ---- */

int csvc__sla_ticket_created(csvc_store *s, int64_t rowid, const csvc__sla_subject *subj, const char *state,
                             int32_t category, csvc_time_us at)
{
	const csvc_sla_policy *policy;
	int rc = select_policy(s, subj, &policy);
	if (rc || !policy)
		return rc;
	char store_calendar[CSVC_CALENDAR_NAME_MAX + 1];
	if ((rc = store_calendar_of(s, subj->store_code, store_calendar, sizeof(store_calendar))))
		return rc;
	ctx x;
	memset(&x, 0, sizeof(x));
	x.s = s;
	x.rowid = rowid;
	x.write = 1;
	x.t.rowid = rowid;
	x.t.policy_id = policy->rowid;
	x.initial_policy = policy->rowid;
	if ((rc = instantiate(&x, policy, store_calendar, at, state, category)))
		return rc;
	return finish(&x, 1);
}

int csvc__sla_ticket_event(csvc_store *s, int64_t rowid, csvc__sla_event *ev)
{
	ctx x;
	ev->wrote = 0;
	int rc = load_ticket(&x, s, rowid);
	if (rc || !x.policy)
		return rc;
	if ((rc = load_head(&x)))
		return rc;
	int64_t revision = x.head.revision;
	const char *state = ev->state ? ev->state : x.head.state;
	int32_t category = ev->state ? ev->category : x.head.state_category;
	if ((rc = apply(&x, ev, state, category)))
		return rc;
	ev->wrote = x.head.revision != revision || x.n_esc > 0;
	return finish(&x, 0);
}

/* The store calendar the clocks of `x` took for targets on the store's
 * calendar, or NULL when none is. */
static const char *clocks_store_calendar(const ctx *x)
{
	for (size_t i = 0; i < x->t.n; i++)
		if (x->policy->targets[x->t.clocks[i].idx].calendar == CSVC_SLA_CALENDAR_STORE)
			return x->t.clocks[i].calendar;
	return NULL;
}

/* The payload names the store calendar the new clocks take and the one
 * the old clocks ran on: the store's calendar may have changed since the
 * ticket was created, and recompute replays each period on its own. */
static int write_policy_event(ctx *x, const csvc_sla_policy *p, const char *store_calendar, csvc_time_us at)
{
	csvc__buf b = {0};
	csvc__buf_printf(&b, "{\"policy_id\":%lld,\"policy\":\"%s\",\"version\":%d,\"store_calendar\":",
	                 (long long)p->rowid, p->name, (int)p->version);
	csvc__buf_json_string(&b, store_calendar);
	const char *before = clocks_store_calendar(x);
	if (before) {
		csvc__buf_puts(&b, ",\"from_store_calendar\":");
		csvc__buf_json_string(&b, before);
	}
	csvc__buf_puts(&b, "}");
	int rc = b.failed ? csvc__error(CSVC_ENOMEM, "out of memory") : write_event(x, "sla_policy", at, b.data);
	csvc__buf_free(&b);
	return rc;
}

int csvc__sla_ticket_rematch(csvc_store *s, int64_t rowid, const csvc__sla_subject *subj, const char *state,
                             int32_t category, csvc_time_us at, int *moved)
{
	ctx x;
	const csvc_sla_policy *policy;
	*moved = 0;
	int rc = load_ticket(&x, s, rowid);
	if (rc || !x.policy || (rc = select_policy(s, subj, &policy)))
		return rc;
	if (!policy || policy->rowid == x.t.policy_id)
		return CSVC_OK; /* no match now: keep what the ticket has */
	*moved = 1;
	char store_calendar[CSVC_CALENDAR_NAME_MAX + 1];
	/* The new policy may pause on hand-offs where the old one did not. */
	if (!pauses_on_handoff(x.policy) && pauses_on_handoff(policy) &&
	    (rc = csvc__sla_db_handoffs_open(s, rowid, &x.handoffs)))
		return rc;
	if ((rc = store_calendar_of(s, subj->store_code, store_calendar, sizeof(store_calendar))) ||
	    (rc = csvc__sla_db_ticket_initial_policy(s, rowid, &x.initial_policy)) ||
	    (rc = load_head(&x)) || (rc = write_policy_event(&x, policy, store_calendar, at)) ||
	    (rc = switch_policy(&x, policy, store_calendar, at, state, category)) ||
	    (rc = csvc__sla_db_ticket_delete_clocks(s, rowid)))
		return rc;
	return finish(&x, 0);
}

int csvc_sla_rematch(csvc_store *store, const csvc_uuid *ticket, int *moved)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(ticket, "ticket");
	CSVC__REQUIRE(store, CSVC_PERM_STORE_MAINTAIN);
	csvc__ticket_head h;
	int changed = 0;
	int rc = csvc__tx_begin(store);
	if (rc)
		return rc;
	if (!(rc = csvc__ticket_db_head(store, ticket, &h)))
		rc = csvc__ticket_sla_rematch(store, h.rowid, csvc_store_now(store), &changed);
	if ((rc = csvc__tx_end(store, rc)))
		return rc;
	if (moved)
		*moved = changed;
	return CSVC_OK;
}

/* ---- advance ---- */

/* Alarms written per transaction: enough to spread a commit's cost thin,
 * few enough that the write lock is not held for long. With a callback,
 * one: a callback that stops the walk leaves the rest unwritten. */
#define ADVANCE_BATCH 1000

/* An alarm written by a one-alarm batch, for the caller's callback after
 * the commit. */
typedef struct written_alarm {
	csvc_uuid ticket;
	char number[CSVC_TICKET_MAX_NUMBER + 1];
	char target[CSVC_SLA_MAX_NAME + 1];
	int32_t percent;
	csvc_time_us at;
} written_alarm;

/* Writes the alarm due at `at` on ticket `rowid` (the earliest due in the
 * store), inside the current transaction. */
/* Fires the alarm stored for the ticket at `at`. *stale is set when the
 * ticket's clocks no longer hold that alarm: on PostgreSQL another writer
 * may change them between the look and the lock on the ticket's row,
 * which advance_one takes before it reads them. */
static int advance_one(csvc_store *store, int64_t rowid, csvc_time_us at, written_alarm *w, int *stale)
{
	ctx x;
	csvc_sla_alarm alarm[1];
	char name[1][CSVC_SLA_MAX_NAME + 1];
	*stale = 0;
	int rc = csvc__ticket_db_lock(store, rowid);
	if (!rc)
		rc = load_ticket(&x, store, rowid);
	if (rc || (rc = load_head(&x)))
		return rc;
	size_t best = x.t.n;
	for (size_t i = 0; x.policy && i < x.t.n; i++)
		if (x.t.clocks[i].next_alarm == at)
			best = i;
	if (!x.policy || best == x.t.n) {
		*stale = 1;
		return csvc__error(CSVC_ECORRUPT, "ticket %s: %s", x.head.number,
		                   x.policy ? "stored alarm does not match its clocks" : "it has SLA alarms but no policy");
	}
	x.alarms = alarm;
	x.alarm_names = name;
	x.cap_alarms = 1;
	if ((rc = fire(&x, best, 0)) || (rc = finish(&x, 0)))
		return rc;
	if (w && x.n_alarms) {
		w->ticket = x.id;
		snprintf(w->number, sizeof(w->number), "%s", x.head.number);
		snprintf(w->target, sizeof(w->target), "%s", alarm[0].target);
		w->percent = alarm[0].percent;
		w->at = alarm[0].at;
	}
	return CSVC_OK;
}

/* Writes up to `max` alarms in the current transaction; *n gets how many,
 * `last` (may be NULL) the last of them. Advancers take turns, a batch
 * each (csvc__db_lock_named; SQLite's write lock does it there), so that
 * no two of them fire one alarm. */
static int advance_batch(csvc_store *store, csvc_time_us now, size_t max, written_alarm *last, size_t *n, int *more)
{
	*n = 0;
	*more = 1;
	int rc = csvc__db_lock_named(store->db, "sla_advance");
	int64_t stale_rowid = -1;
	csvc_time_us stale_at = 0;
	size_t relooks = 0;
	while (!rc && *n < max) {
		int64_t rowid;
		csvc_time_us at;
		int stale;
		rc = csvc__sla_db_next_alarm(store, now, &rowid, &at);
		if (rc == CSVC_ITEROVER) {
			*more = 0;
			return CSVC_OK;
		}
		if (rc)
			return rc;
		/* An alarm that changed under the look is looked for again; the
		 * same one found twice, or more re-looks than the batch could
		 * need (damaged tickets taking turns), is damage. */
		if ((rc = advance_one(store, rowid, at, last, &stale)) && stale && (rowid != stale_rowid || at != stale_at) &&
		    relooks++ < 2 * max + 8) {
			csvc__error_clear();
			stale_rowid = rowid;
			stale_at = at;
			rc = CSVC_OK;
			continue;
		}
		if (!rc)
			(*n)++;
	}
	return rc;
}

static int call_back(csvc_sla_alarm_fn fn, void *userdata, const written_alarm *w)
{
	csvc_sla_alarm a = {CSVC_SLA_ALARM_VERSION, &w->ticket, w->number, w->target, w->percent, w->at, NULL, 0};
	int stop = fn(&a, userdata);
	return stop ? csvc__error(stop, "the alarm callback stopped the walk (it returned %d)", stop) : CSVC_OK;
}

int csvc_sla_advance(csvc_store *store, csvc_time_us now, csvc_sla_alarm_fn fn, void *userdata, int64_t *emitted)
{
	csvc__error_clear();
	if (emitted)
		*emitted = 0; /* also when the first look fails */
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_STORE_MAINTAIN);
	int outer = csvc__tx_depth(store) > 0;
	int64_t count = 0;
	int64_t rowid;
	csvc_time_us at;
	/* Look first with a read, which another connection's write lock does
	 * not block: with nothing due, advance writes nothing and does not wait
	 * for the lock. */
	int rc = csvc__sla_db_next_alarm(store, now, &rowid, &at);
	if (rc != CSVC_ITEROVER && rc)
		return rc;
	written_alarm w; /* with a callback: the one alarm of each batch */
	/* The subscribers get the alarms once, at the end, where their
	 * failure is this call's result. */
	int more = rc == CSVC_OK;
	rc = CSVC_OK;
	csvc__feed_hold(store, 1);
	while (more) {
		size_t n = 0;
		int attempt = 0;
		do {
			if ((rc = csvc__tx_begin(store)))
				break;
			rc = advance_batch(store, now, fn ? 1 : ADVANCE_BATCH, fn ? &w : NULL, &n, &more);
			rc = csvc__tx_end(store, rc);
		} while (csvc__tx_again(store, rc, &attempt));
		if (rc)
			break;
		count += (int64_t)n;
		if (fn && n && (rc = call_back(fn, userdata, &w)))
			break;
	}
	csvc__feed_hold(store, 0);
	if (emitted)
		*emitted = count;
	if (outer)
		return rc;
	if (rc == CSVC_OK)
		return csvc__feed_deliver(store, NULL);
	/* The subscribers still get what was committed; the call's own
	 * failure is its result. */
	csvc__error_saved saved;
	csvc__error_save(&saved);
	(void)csvc__feed_deliver(store, NULL);
	csvc__error_restore(&saved);
	return rc;
}

/* ---- alarm subscribers ---- */

typedef struct alarm_sub {
	csvc_sla_alarm_fn fn;
	void *userdata;
} alarm_sub;

/* The members fire() writes into an alarm's payload: a target name
 * ([a-z0-9_.-], no escapes) and an integer percent. */
static int payload_member(const char *payload, const char *key, const char **value)
{
	char pat[32];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = payload ? strstr(payload, pat) : NULL;
	if (!p)
		return 0;
	*value = p + strlen(pat);
	return 1;
}

static int alarm_entry(const csvc_feed_entry *e, void *userdata)
{
	const alarm_sub *a = userdata;
	const char *type = csvc_feed_entry_type(e);
	int breach = strcmp(type, "sla_breach") == 0;
	if ((!breach && strcmp(type, "sla_warning") != 0) || strcmp(csvc_feed_entry_subject_kind(e), "ticket") != 0)
		return 0;
	const char *payload = csvc_feed_entry_payload(e), *t, *p;
	char target[CSVC_SLA_MAX_NAME + 1];
	if (!payload_member(payload, "target", &t) || *t != '"' || !payload_member(payload, "percent", &p))
		return 0; /* not an alarm the engine wrote: nothing to deliver */
	size_t len = strcspn(t + 1, "\"");
	if (len > CSVC_SLA_MAX_NAME)
		return 0;
	memcpy(target, t + 1, len);
	target[len] = '\0';
	csvc_sla_alarm alarm = {CSVC_SLA_ALARM_VERSION,
	                        csvc_feed_entry_subject_id(e),
	                        csvc_feed_entry_reference(e),
	                        target,
	                        (int32_t)strtol(p, NULL, 10),
	                        csvc_feed_entry_time(e),
	                        csvc_feed_entry_id(e),
	                        csvc_feed_entry_position(e)};
	return a->fn(&alarm, a->userdata);
}

static void alarm_sub_free(void *userdata)
{
	csvc__free(userdata);
}

int csvc_sla_subscribe(csvc_store *store, const char *consumer, csvc_sla_alarm_fn fn, void *userdata)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE(store, CSVC_PERM_STORE_MAINTAIN);
	if (!fn)
		return csvc__feed_subscribe(store, consumer, NULL, NULL, NULL);
	alarm_sub *a = csvc__malloc(sizeof(*a));
	if (!a)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	a->fn = fn;
	a->userdata = userdata;
	int rc = csvc__feed_subscribe(store, consumer, alarm_entry, a, alarm_sub_free);
	if (rc)
		csvc__free(a);
	return rc;
}

int csvc_sla_next_wakeup(csvc_store *store, csvc_time_us *at)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(at, "at");
	CSVC__REQUIRE(store, CSVC_PERM_STORE_MAINTAIN);
	int64_t rowid;
	int rc = csvc__sla_db_next_alarm(store, INT64_MAX, &rowid, at);
	if (rc == CSVC_ITEROVER)
		return csvc__error(CSVC_ENOTFOUND, "no SLA alarm is pending");
	return rc;
}

/* ---- recompute ---- */

typedef struct replay {
	ctx x;
	char store_calendar[CSVC_CALENDAR_NAME_MAX + 1];
	int started;
	char state[CSVC_WORKFLOW_MAX_NAME + 1];
	int32_t category;
} replay;

static int replay_event(const char *type, csvc_time_us at, const char *to_state, int32_t to_category,
                        const char *payload, const char *store_calendar, void *ud)
{
	replay *r = ud;
	ctx *x = &r->x;
	if (to_state) {
		snprintf(r->state, sizeof(r->state), "%s", to_state);
		r->category = to_category;
	}
	if (strcmp(type, "created") == 0) {
		r->started = 1;
		return instantiate(x, x->policy, r->store_calendar, at, r->state, r->category);
	}
	if (!r->started)
		return CSVC_OK;
	if (strcmp(type, "sla_policy") == 0) {
		const char *p = payload ? strstr(payload, "\"policy_id\":") : NULL;
		const csvc_sla_policy *policy;
		if (!p)
			return csvc__error(CSVC_ECORRUPT, "sla_policy event without a policy id");
		int rc = policy_by_id(x->s, strtoll(p + 12, NULL, 10), &policy);
		if (store_calendar)
			snprintf(r->store_calendar, sizeof(r->store_calendar), "%s", store_calendar);
		return rc ? rc : switch_policy(x, policy, r->store_calendar, at, r->state, r->category);
	}
	if (strcmp(type, "handed_off") == 0 || strcmp(type, "handoff_reopened") == 0 ||
	    strcmp(type, "handoff_returned") == 0) {
		x->handoffs += strcmp(type, "handoff_returned") == 0 ? -1 : 1;
		csvc__sla_event hev = {CSVC__SLA_EV_HANDOFF, at, r->state, r->category, 0};
		return apply(x, &hev, r->state, r->category);
	}
	if (strcmp(type, "sla_warning") == 0)
		return catch_up(x, at, 0);
	if (strcmp(type, "sla_breach") == 0)
		return catch_up(x, at + 1, 0);
	csvc__sla_event ev = {CSVC__SLA_EV_STATE, at, r->state, r->category, 0};
	if (strcmp(type, "comment") == 0) {
		if (!payload || !(strstr(payload, "\"kind\":\"reply\"") || strstr(payload, "\"kind\":\"result_notice\"") ||
		                  strstr(payload, "\"kind\":\"follow_up\"")))
			return CSVC_OK;
		ev.type = CSVC__SLA_EV_REPLY;
		return apply(x, &ev, r->state, r->category);
	}
	if (to_state)
		return apply(x, &ev, r->state, r->category);
	return CSVC_OK;
}

static int clocks_equal(const csvc__sla_ticket *a, const csvc__sla_ticket *b)
{
	if (a->n != b->n || a->policy_id != b->policy_id)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const csvc__sla_clock *x = &a->clocks[i], *y = &b->clocks[i];
		if (x->idx != y->idx || strcmp(x->name, y->name) || strcmp(x->calendar, y->calendar) ||
		    x->phase != y->phase || x->used != y->used || x->met_at != y->met_at ||
		    x->met_via_state != y->met_via_state || x->breached_at != y->breached_at || x->fired != y->fired ||
		    x->cycle != y->cycle || x->due != y->due || x->next_alarm != y->next_alarm ||
		    x->next_pct != y->next_pct ||
		    ((x->phase == CSVC__SLA_RUNNING || x->phase == CSVC__SLA_PAUSED) && x->since != y->since))
			return 0;
	}
	return 1;
}

int csvc_sla_recompute(csvc_store *store, const csvc_uuid *ticket, int rewrite, int *equal)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(ticket, "ticket");
	CSVC__REQUIRE(store, CSVC_PERM_STORE_MAINTAIN);
	csvc__ticket_head h;
	int rc = csvc__ticket_db_head(store, ticket, &h);
	if (rc)
		return rc;
	replay *r = csvc__calloc(1, sizeof(*r));
	ctx *stored = csvc__calloc(1, sizeof(*stored));
	if (!r || !stored) {
		csvc__free(r);
		csvc__free(stored);
		return csvc__error(CSVC_ENOMEM, "out of memory");
	}
	int same = 1;
	if ((rc = csvc__tx_begin(store)))
		goto out;
	int64_t initial = 0;
	if ((rc = csvc__ticket_db_lock(store, h.rowid)) || (rc = load_ticket(stored, store, h.rowid)) ||
	    (rc = csvc__sla_db_ticket_initial_policy(store, h.rowid, &initial)))
		goto end;
	if (initial) {
		const char *code = NULL;
		csvc_ticket *t = NULL;
		if ((rc = csvc__ticket_db_load(store, h.rowid, &t)))
			goto end;
		code = t->store_code;
		rc = csvc__sla_db_store_calendar(store, code, r->store_calendar, sizeof(r->store_calendar));
		csvc_ticket_free(t);
		/* The store calendar the clocks recorded wins over today's: the
		 * one the first policy change says the clocks ran on before it,
		 * else (no change, or one written before changes said) the one
		 * the clocks have now. */
		int found = 0;
		if (!rc)
			rc = csvc__sla_db_first_store_calendar(store, h.rowid, r->store_calendar, sizeof(r->store_calendar),
			                                       &found);
		for (size_t i = 0; i < stored->t.n && !found; i++) {
			const csvc__sla_target_def *d = &stored->policy->targets[stored->t.clocks[i].idx];
			if (d->calendar == CSVC_SLA_CALENDAR_STORE)
				snprintf(r->store_calendar, sizeof(r->store_calendar), "%s", stored->t.clocks[i].calendar);
		}
		if (rc)
			goto end;
		r->x.s = store;
		r->x.rowid = h.rowid;
		r->x.write = 0;
		r->x.t.rowid = h.rowid;
		r->x.t.policy_id = initial;
		if ((rc = policy_by_id(store, initial, &r->x.policy)) ||
		    (rc = csvc__sla_db_log(store, h.rowid, replay_event, r)))
			goto end;
		r->x.t.policy_id = r->x.policy->rowid;
		same = clocks_equal(&r->x.t, &stored->t);
		if (rewrite && !same) {
			r->x.t.policy_changed = 1;
			if (!(rc = csvc__sla_db_ticket_delete_clocks(store, h.rowid)))
				rc = csvc__sla_db_ticket_save(store, &r->x.t, 0, initial);
		}
	} else {
		same = stored->t.n == 0;
	}
end:
	rc = csvc__tx_end(store, rc);
	if (!rc && equal)
		*equal = same;
out:
	csvc__free(r);
	csvc__free(stored);
	return rc;
}

/* ---- reading targets ---- */

struct csvc_sla_target {
	csvc_uuid ticket;
	char number[CSVC_TICKET_MAX_NUMBER + 1];
	char policy[CSVC_SLA_MAX_NAME + 1];
	char name[CSVC_SLA_MAX_NAME + 1];
	int32_t policy_version, status;
	int64_t duration, used;
	csvc_time_us due, met_at, breached_at;
	char fault[sizeof(((csvc__sla_clock *)0)->fault)];
};

struct csvc_sla_iter {
	csvc_store *store;
	csvc__sla_row_cursor *cursor;
	csvc_time_us now;
};

const char *csvc_sla_target_name(const csvc_sla_target *t) { return t ? t->name : NULL; }
const csvc_uuid *csvc_sla_target_ticket(const csvc_sla_target *t) { return t ? &t->ticket : NULL; }
const char *csvc_sla_target_ticket_number(const csvc_sla_target *t) { return t ? t->number : NULL; }
const char *csvc_sla_target_policy(const csvc_sla_target *t) { return t ? t->policy : NULL; }
int32_t csvc_sla_target_policy_version(const csvc_sla_target *t) { return t ? t->policy_version : 0; }
int32_t csvc_sla_target_status(const csvc_sla_target *t) { return t ? t->status : 0; }
const char *csvc_sla_target_fault(const csvc_sla_target *t) { return t && t->fault[0] ? t->fault : NULL; }
int64_t csvc_sla_target_duration(const csvc_sla_target *t) { return t ? t->duration : 0; }
int64_t csvc_sla_target_used(const csvc_sla_target *t) { return t ? t->used : 0; }
int64_t csvc_sla_target_remaining(const csvc_sla_target *t) { return t ? t->duration - t->used : 0; }
csvc_time_us csvc_sla_target_due_at(const csvc_sla_target *t) { return t ? t->due : 0; }
csvc_time_us csvc_sla_target_met_at(const csvc_sla_target *t) { return t ? t->met_at : 0; }
csvc_time_us csvc_sla_target_breached_at(const csvc_sla_target *t) { return t ? t->breached_at : 0; }
void csvc_sla_target_free(csvc_sla_target *t) { csvc__free(t); }

double csvc_sla_target_percent_used(const csvc_sla_target *t)
{
	return t && t->duration ? 100.0 * (double)t->used / (double)t->duration : 0.0;
}

static int open_list(csvc_store *store, int list, int64_t rowid, const char *store_code, uint32_t limit,
                     csvc_sla_iter **out)
{
	csvc_sla_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	it->store = store;
	it->now = csvc_store_now(store);
	int rc = csvc__sla_db_list(store, list, rowid, store_code, limit, it->now, &it->cursor);
	if (rc) {
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

int csvc_sla_ticket_targets(csvc_store *store, const csvc_uuid *ticket, csvc_sla_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(ticket, "ticket");
	CSVC__CHECK_ARG(out, "out");
	csvc__ticket_head h;
	int rc = CSVC__ACCESS(store, CSVC_PERM_TICKET_READ);
	if (rc || (rc = csvc__ticket_db_head_read(store, ticket, &h)) || (rc = CSVC__ACCESS_SCOPE(store, h.store_code)))
		return rc;
	return open_list(store, CSVC__SLA_LIST_TICKET, h.rowid, NULL, 0, out);
}

/* An at-risk or breached list: of the principal's store when it is
 * limited to one. */
static int open_store_list(csvc_store *store, int list, uint32_t limit, const char *call, csvc_sla_iter **out)
{
	int rc = csvc__access_require(store, CSVC_PERM_TICKET_READ, call);
	if (rc)
		return rc;
	const char *scope_store = NULL;
	if (csvc__access_scope(store, &scope_store) && !scope_store)
		return csvc__error(CSVC_EACCESS, "%s: staff member '%s' has no home store and no chain-wide role", call,
		                   csvc_store_principal(store));
	return open_list(store, list, 0, scope_store, limit, out);
}

int csvc_sla_at_risk(csvc_store *store, uint32_t limit, csvc_sla_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	return open_store_list(store, CSVC__SLA_LIST_AT_RISK, limit, __func__, out);
}

int csvc_sla_breached(csvc_store *store, uint32_t limit, csvc_sla_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	return open_store_list(store, CSVC__SLA_LIST_BREACHED, limit, __func__, out);
}

int csvc_sla_iter_next(csvc_sla_iter *it, csvc_sla_target **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(out, "out");
	csvc_sla_target *t = csvc__calloc(1, sizeof(*t));
	if (!t)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__sla_clock c;
	int rc = csvc__sla_db_list_next(it->cursor, &t->ticket, t->number, sizeof(t->number), t->policy,
	                                sizeof(t->policy), &t->policy_version, &t->duration, &c);
	if (rc) {
		csvc__free(t);
		return rc;
	}
	snprintf(t->name, sizeof(t->name), "%s", c.name);
	t->used = c.used;
	if (c.phase == CSVC__SLA_RUNNING && it->now > c.since) {
		const csvc_calendar *cal = NULL;
		int64_t spent = 0;
		if ((rc = clock_calendar(it->store, &c, &cal)) || (rc = cal_between(cal, c.since, it->now, &spent))) {
			csvc__free(t);
			return rc;
		}
		t->used += spent;
	}
	memcpy(t->fault, c.fault, sizeof(t->fault));
	t->due = c.due;
	t->met_at = c.met_at;
	t->breached_at = c.breached_at;
	/* As of the store clock: a running target whose deadline has passed is
	 * breached at its due instant (the instant csvc_sla_advance records),
	 * whether or not advance has run. */
	if (!t->breached_at && c.phase == CSVC__SLA_RUNNING && c.due && it->now > c.due)
		t->breached_at = c.due;
	t->status = c.phase == CSVC__SLA_MET         ? CSVC_SLA_MET
	            : c.phase == CSVC__SLA_CANCELLED ? CSVC_SLA_CANCELLED
	            : c.phase == CSVC__SLA_WAITING   ? CSVC_SLA_WAITING
	            : t->breached_at                 ? CSVC_SLA_BREACHED
	            : c.phase == CSVC__SLA_PAUSED    ? CSVC_SLA_PAUSED
	                                             : CSVC_SLA_RUNNING;
	*out = t;
	return CSVC_OK;
}

void csvc_sla_iter_free(csvc_sla_iter *it)
{
	if (!it)
		return;
	csvc__sla_db_list_free(it->cursor);
	csvc__free(it);
}

/* The SLA engine follows every ticket change. */
static const csvc__ticket_follower ticket_follower = {
	.created = csvc__sla_ticket_created,
	.changed = csvc__sla_ticket_event,
	.rematch = csvc__sla_ticket_rematch,
};

int csvc__sla_attach(csvc_store *s)
{
	csvc__sla_state *st = csvc__calloc(1, sizeof(*st));
	if (!st)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	int rc = csvc__store_attach(s, &sla_ext, st);
	if (!rc)
		csvc__ticket_follow(s, &ticket_follower);
	return rc;
}
