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

/* Copies a code that fits (rule, team and staff codes all do). */
static void copy_code(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

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

/* ---- the store's routing state ---- */

/*
 * Rules and the teams' members are read once per write transaction
 * (csvc__db_serial), like the SLA policies: inside one transaction
 * nothing else changes them, and a change through this store drops them
 * (csvc__route_invalidate, csvc__store_invalidate). The stamp catches
 * changes made through other handles or processes.
 *
 * Loads and turn cursors change with every ticket, so they are kept for
 * one write transaction only, in which no other handle writes (SQLite's
 * lock; on PostgreSQL other commits show at the next transaction, as
 * under repeatable read). The transaction's own changes are followed:
 * a new ticket adds to its assignee's load (csvc__route_load_add), any
 * other change of assignee or state drops the loads
 * (csvc__route_loads_stale), the pick writes the cursor it caches, and a
 * rollback drops everything (state_undone).
 */
typedef struct cached_team {
	int64_t rowid;
	csvc__route_member *members;
	size_t n;
	int64_t *loads;       /* loads[i] of members[i], valid in tx loads_serial */
	uint64_t loads_serial; /* 0: not read */
} cached_team;

typedef struct rule_turn {
	uint64_t serial; /* tx in which `last` is valid; 0 none */
	char last[CSVC_STAFF_MAX_CODE + 1];
} rule_turn;

typedef struct route_state {
	uint64_t checked; /* tx serial of the last stamp check; 0 none */
	int64_t stamp[4];
	int loaded;
	csvc__route_rule_row *rules;
	rule_turn *turns; /* turns[i] of rules[i] */
	size_t n_rules;
	cached_team *teams;
	size_t n_teams;
} route_state;

static void drop(route_state *st)
{
	csvc__route_rule_rows_free(st->rules, st->n_rules);
	csvc__free(st->turns);
	st->turns = NULL;
	for (size_t i = 0; i < st->n_teams; i++) {
		csvc__route_members_free(st->teams[i].members, st->teams[i].n);
		csvc__free(st->teams[i].loads);
	}
	csvc__free(st->teams);
	st->rules = NULL;
	st->teams = NULL;
	st->n_rules = st->n_teams = 0;
	st->loaded = 0;
	st->checked = 0;
}

static void state_free(void *state)
{
	drop(state);
	csvc__free(state);
}

/* What was read may come from undone writes. */
static void state_undone(void *state, const csvc__db_undo *u)
{
	if (u->data)
		drop(state);
}

static const csvc__store_ext route_ext = {
	.name = "route",
	.free = state_free,
	.undone = state_undone,
};

int csvc__route_attach(csvc_store *s)
{
	route_state *st = csvc__calloc(1, sizeof(*st));
	if (!st)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	return csvc__store_attach(s, &route_ext, st);
}

void csvc__route_invalidate(csvc_store *s)
{
	route_state *st = csvc__store_state(s, &route_ext);
	if (st)
		drop(st);
}

void csvc__route_loads_stale(csvc_store *s)
{
	route_state *st = csvc__store_state(s, &route_ext);
	for (size_t i = 0; st && i < st->n_teams; i++)
		st->teams[i].loads_serial = 0;
}

void csvc__route_load_add(csvc_store *s, const char *assignee)
{
	route_state *st = csvc__store_state(s, &route_ext);
	if (!st || !st->n_teams)
		return;
	const uint64_t serial = csvc__db_serial(s->db);
	for (size_t i = 0; i < st->n_teams; i++) {
		cached_team *t = &st->teams[i];
		if (t->loads_serial != serial)
			continue;
		size_t k = csvc__route_member_find(t->members, t->n, assignee);
		if (k < t->n)
			t->loads[k]++;
	}
}

/* The state with its rules current. */
static int state_of(csvc_store *s, route_state **out)
{
	route_state *st = csvc__store_state(s, &route_ext);
	if (!st)
		return csvc__error(CSVC_ESTATE, "routing is not attached to the store");
	uint64_t serial = csvc__db_serial(s->db);
	if (!st->loaded || !csvc__tx_depth(s) || st->checked != serial) {
		int64_t stamp[4];
		int rc = csvc__route_db_stamp(s, stamp);
		if (rc)
			return rc;
		if (!st->loaded || memcmp(stamp, st->stamp, sizeof(stamp)) != 0) {
			drop(st);
			if ((rc = csvc__route_db_rules(s, &st->rules, &st->n_rules)))
				return rc;
			if (st->n_rules && !(st->turns = csvc__calloc(st->n_rules, sizeof(*st->turns)))) {
				drop(st);
				return csvc__error(CSVC_ENOMEM, "out of memory");
			}
			memcpy(st->stamp, stamp, sizeof(stamp));
			st->loaded = 1;
		}
		st->checked = serial;
	}
	*out = st;
	return CSVC_OK;
}

static cached_team *team_of(csvc_store *s, route_state *st, int64_t rowid, int *rc)
{
	for (size_t i = 0; i < st->n_teams; i++)
		if (st->teams[i].rowid == rowid)
			return &st->teams[i];
	cached_team *p = csvc__realloc(st->teams, (st->n_teams + 1) * sizeof(*p));
	if (!p) {
		*rc = csvc__error(CSVC_ENOMEM, "out of memory");
		return NULL;
	}
	st->teams = p;
	cached_team *t = &p[st->n_teams];
	memset(t, 0, sizeof(*t));
	t->rowid = rowid;
	if ((*rc = csvc__route_db_members(s, rowid, &t->members, &t->n)))
		return NULL;
	st->n_teams++;
	return t;
}

static int opt_equal(const char *criterion, const char *value)
{
	return !criterion || (value && strcmp(criterion, value) == 0);
}

static int rule_matches(const csvc__route_rule_row *r, const csvc__route_subject *subj)
{
	return opt_equal(r->kind, subj->kind) && opt_equal(r->category, subj->category) &&
	       opt_equal(r->channel, subj->channel) && opt_equal(r->store_code, subj->store_code) &&
	       (!r->customer_class || r->customer_class == subj->customer_class);
}

/* The member's skills matching the ticket's kind, category and channel. */
static int64_t skills_of(const csvc__route_member *m, const csvc__route_subject *subj)
{
	int64_t n = 0;
	for (size_t i = 0; i < m->n_skills; i++) {
		const csvc__route_skill *k = &m->skills[i];
		const char *v = k->kind == CSVC_SKILL_TICKET_KIND ? subj->kind
		                : k->kind == CSVC_SKILL_CATEGORY  ? subj->category
		                                                  : subj->channel;
		n += v && strcmp(k->value, v) == 0;
	}
	return n;
}

/* Whether candidate `c` beats the best so far `b` (NULL: none), both in
 * turn order with `b` earlier. */
static int better(int32_t strategy, int64_t c_load, int64_t c_skills, const csvc__route_member *b, int64_t b_load,
                  int64_t b_skills)
{
	if (!b)
		return 1;
	switch (strategy) {
	case CSVC_ROUTE_LEAST_LOAD:
		return c_load < b_load;
	case CSVC_ROUTE_BEST_SKILL:
		return c_skills > b_skills || (c_skills == b_skills && c_load < b_load);
	default:
		return 0; /* round robin: the first in turn */
	}
}

int csvc__route_pick(csvc_store *s, const csvc__route_subject *subj, int again, csvc_time_us now,
                     csvc__route_decision *d)
{
	memset(d, 0, sizeof(*d));
	route_state *st = NULL;
	int rc = state_of(s, &st);
	if (rc)
		return rc;
	const csvc__route_rule_row *rule = NULL;
	for (size_t i = 0; i < st->n_rules && !rule; i++)
		if (rule_matches(&st->rules[i], subj))
			rule = &st->rules[i];
	if (!rule)
		return CSVC_OK;
	d->matched = 1;
	copy_code(d->rule, sizeof(d->rule), rule->code);
	copy_code(d->team, sizeof(d->team), rule->team);
	d->revision = rule->revision;
	d->strategy = rule->strategy;
	if (again && rule->designated && subj->assignee) {
		int found, active, on = 0;
		char *calendar = NULL;
		rc = csvc__route_db_staff(s, subj->assignee, &found, &active, &calendar);
		if (!rc && found && active)
			rc = on_shift(s, calendar, now, &on);
		csvc__free(calendar);
		if (rc)
			return rc;
		if (on) {
			copy_code(d->assignee, sizeof(d->assignee), subj->assignee);
			d->reason = CSVC__ROUTE_DESIGNATED_KEPT;
			return CSVC_OK;
		}
		copy_code(d->replaced, sizeof(d->replaced), subj->assignee);
	}
	const int64_t rule_rowid = rule->rowid;
	const int32_t strategy = rule->strategy;
	rule_turn *turn = &st->turns[rule - st->rules];
	cached_team *team = team_of(s, st, rule->team_rowid, &rc);
	if (!team)
		return rc;
	const uint64_t serial = csvc__db_serial(s->db);
	if (turn->serial != serial) {
		if ((rc = csvc__route_db_cursor(s, rule_rowid, turn->last, sizeof(turn->last))))
			return rc;
		turn->serial = serial;
	}
	const char *last = turn->last;
	const csvc__route_member *mem = team->members;
	const size_t n = team->n;
	const int64_t *loads = NULL;
	if (strategy != CSVC_ROUTE_ROUND_ROBIN) {
		/* A team without members has no loads to read. */
		if (n && team->loads_serial != serial) {
			if (!team->loads && !(team->loads = csvc__calloc(n, sizeof(*team->loads))))
				return csvc__error(CSVC_ENOMEM, "out of memory");
			if ((rc = csvc__route_db_team_loads(s, team->rowid, mem, n, team->loads)))
				return rc;
			team->loads_serial = serial;
		}
		loads = team->loads;
	}
	/* Turn order starts after the last pick. */
	size_t first = 0;
	while (last[0] && first < n && strcmp(mem[first].code, last) <= 0)
		first++;
	const csvc__route_member *best = NULL;
	int64_t best_load = 0, best_skills = 0;
	for (size_t k = 0; k < n; k++) {
		const size_t i = (first + k) % n;
		const csvc__route_member *c = &mem[i];
		int on;
		if ((rc = on_shift(s, c->calendar, now, &on)))
			return rc;
		if (!on)
			continue;
		d->on_shift++;
		int64_t load = strategy != CSVC_ROUTE_ROUND_ROBIN ? loads[i] : 0, skills = 0;
		if (strategy == CSVC_ROUTE_BEST_SKILL)
			skills = skills_of(c, subj);
		if (better(strategy, load, skills, best, best_load, best_skills)) {
			best = c;
			best_load = load;
			best_skills = skills;
		}
		if (strategy == CSVC_ROUTE_ROUND_ROBIN)
			break;
	}
	if (!best) {
		d->reason = CSVC__ROUTE_NOBODY_ON_SHIFT;
		return CSVC_OK;
	}
	copy_code(d->assignee, sizeof(d->assignee), best->code);
	d->load = best_load;
	d->skills = best_skills;
	d->reason = strategy == CSVC_ROUTE_LEAST_LOAD  ? CSVC__ROUTE_LEAST_LOAD
	            : strategy == CSVC_ROUTE_BEST_SKILL ? CSVC__ROUTE_BEST_SKILL
	                                               : CSVC__ROUTE_TURN;
	if ((rc = csvc__route_db_set_cursor(s, rule_rowid, best->code))) {
		turn->serial = 0;
		return rc;
	}
	/* `last` may point into the cursor cache: copy from the member. */
	copy_code(turn->last, sizeof(turn->last), best->code);
	return CSVC_OK;
}

void csvc__route_json(csvc__buf *b, const csvc__route_decision *d)
{
	csvc__buf_puts(b, "{\"rule\":");
	csvc__buf_json_string(b, d->rule);
	csvc__buf_puts(b, ",\"revision\":");
	csvc__buf_int(b, d->revision);
	csvc__buf_puts(b, ",\"strategy\":");
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
	if (d->reason != CSVC__ROUTE_DESIGNATED_KEPT) {
		csvc__buf_puts(b, ",\"on_shift\":");
		csvc__buf_int(b, d->on_shift);
	}
	if (d->reason == CSVC__ROUTE_LEAST_LOAD || d->reason == CSVC__ROUTE_BEST_SKILL) {
		csvc__buf_puts(b, ",\"load\":");
		csvc__buf_int(b, d->load);
	}
	if (d->reason == CSVC__ROUTE_BEST_SKILL) {
		csvc__buf_puts(b, ",\"skills\":");
		csvc__buf_int(b, d->skills);
	}
	if (d->replaced[0]) {
		csvc__buf_puts(b, ",\"replaced\":");
		csvc__buf_json_string(b, d->replaced);
	}
	csvc__buf_put(b, "}", 1);
}
