/*
 * Staff references (docs/staff.md "References and your own staff IDs"):
 * a per-store setting, stored in the database so that every process
 * opening the store obeys it, under which a ticket's assignee and team
 * and every recorded actor must name the staff directory (or a system
 * actor). The modules below the staff directory reach the actor check
 * through the store's `actor` callback; tickets call
 * csvc__staff_check_refs. Adopting turns a store's free text into staff
 * records and teams, then the setting on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"

#define SETTING "staff_references"

static const csvc__sql SQL_SETTING = CSVC__SQL("SELECT value FROM store_settings WHERE name = $1");
static const csvc__sql SQL_SETTING_SET = CSVC__SQL(
	"INSERT INTO store_settings (name, value) VALUES ($1,$2)"
	" ON CONFLICT (name) DO UPDATE SET value = excluded.value");
static const csvc__sql SQL_STAFF_ACTIVE = CSVC__SQL("SELECT active FROM staff WHERE code = $1");
static const csvc__sql SQL_TEAM_ACTIVE = CSVC__SQL("SELECT active FROM teams WHERE code = $1");
/* Every free-text person the store records that names no staff member:
 * assignees (of tickets and of SLA escalations) and actors. One scan per
 * table, run once by csvc_staff_adopt. An empty actor names nobody. */
static const csvc__sql SQL_ADOPT_STAFF = CSVC__SQL(
	"SELECT v FROM ("
	" SELECT assignee AS v FROM tickets WHERE assignee IS NOT NULL"
	" UNION SELECT assignee FROM sla_policy_escalations WHERE assignee IS NOT NULL"
	" UNION SELECT actor FROM ticket_events WHERE actor IS NOT NULL"
	" UNION SELECT actor FROM ticket_comments WHERE actor IS NOT NULL"
	" UNION SELECT actor FROM ticket_work WHERE actor IS NOT NULL"
	" UNION SELECT actor FROM customer_events WHERE actor IS NOT NULL"
	" UNION SELECT actor FROM staff_events WHERE actor IS NOT NULL"
	" UNION SELECT actor FROM staff_appraisals WHERE actor IS NOT NULL"
	" UNION SELECT actor FROM feed_records WHERE actor IS NOT NULL"
	") x WHERE x.v <> '' AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.code = x.v) ORDER BY v");
static const csvc__sql SQL_ADOPT_TEAMS = CSVC__SQL(
	"SELECT v FROM ("
	" SELECT team AS v FROM tickets WHERE team IS NOT NULL"
	" UNION SELECT team FROM sla_policy_escalations WHERE team IS NOT NULL"
	") x WHERE x.v <> '' AND NOT EXISTS (SELECT 1 FROM teams t WHERE t.code = x.v) ORDER BY v");

/* The library's own actors (docs/staff.md): the SLA engine's escalations
 * and a name for a host's automated writes. */
static const char *const SYSTEM_ACTORS[] = {"sla", "system"};

int csvc_staff_is_system_actor(const char *actor)
{
	if (!actor)
		return 0;
	for (size_t i = 0; i < sizeof(SYSTEM_ACTORS) / sizeof(SYSTEM_ACTORS[0]); i++)
		if (strcmp(actor, SYSTEM_ACTORS[i]) == 0)
			return 1;
	return 0;
}

/* The setting as read in write transaction `serial` (0: not read). Every
 * checked value of a ticket create asks for it: inside a write
 * transaction it is read once, like the SLA engine's definitions
 * (docs/architecture.md, "Freshness checks once per transaction"), and
 * this store's own change of it or an undo of stored data drops it. */
typedef struct refs_state {
	uint64_t serial;
	int on;
} refs_state;

static const csvc__store_ext refs_ext;

/* The setting: *on 1 or 0 (no row: off). */
static int references_on(csvc_store *s, int *on)
{
	refs_state *cache = csvc__store_state(s, &refs_ext);
	const uint64_t serial = csvc__tx_depth(s) ? csvc__db_serial(s->db) : 0;
	if (cache && serial && cache->serial == serial) {
		*on = cache->on;
		return CSVC_OK;
	}
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_SETTING, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, SETTING);
	int64_t v = 0;
	if ((rc = csvc__db_one_int(st, &v)) < 0)
		return rc;
	*on = rc == 1 && v != 0;
	if (cache) {
		cache->serial = serial;
		cache->on = *on;
	}
	return CSVC_OK;
}

static void refs_undone(void *state, const csvc__db_undo *u)
{
	if (u->data)
		((refs_state *)state)->serial = 0;
}

/* Whether `code` is a stored staff member (kind 0) or team (kind 1),
 * active when `need_active`. */
static int check_ref(csvc_store *s, int team, const char *code, int need_active, const char *what, const char *call)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, team ? &SQL_TEAM_ACTIVE : &SQL_STAFF_ACTIVE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, code);
	int64_t active = 0;
	if ((rc = csvc__db_one_int(st, &active)) < 0)
		return rc;
	if (rc == 0)
		return csvc__error(CSVC_ENOTFOUND, "%s: %s '%s' is no %s code (the store's staff references are on)", call,
		                   what, code, team ? "team" : "staff");
	if (need_active && !active)
		return csvc__error(CSVC_ESTATE, "%s: %s '%s' is deactivated", call, what, code);
	return CSVC_OK;
}

/* The store's `actor` callback: a staff code or a system actor. Malformed
 * actors pass here so that the call's own check reports them. */
static int refs_actor(csvc_store *s, void *state, const char *actor, const char *call)
{
	(void)state;
	if (csvc_staff_is_system_actor(actor))
		return CSVC_OK;
	if (csvc__check_text(actor, 0, CSVC_STAFF_MAX_ACTOR, "actor")) {
		csvc__error_clear();
		return CSVC_OK;
	}
	int on = 0;
	int rc = references_on(s, &on);
	if (rc || !on)
		return rc;
	/* Some modules record "" as an actor; it names nobody. */
	if (!actor[0])
		return csvc__error(CSVC_EINVAL, "%s: actor must not be empty (the store's staff references are on)", call);
	return check_ref(s, 0, actor, 0, "actor", call);
}

static const csvc__store_ext refs_ext = {
	.name = "staff_references",
	.free = csvc__free,
	.undone = refs_undone,
	.actor = refs_actor,
};

int csvc__staff_attach(csvc_store *s)
{
	refs_state *st = csvc__calloc(1, sizeof(*st));
	if (!st)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	return csvc__store_attach(s, &refs_ext, st);
}

static int differs(const char *a, const char *b)
{
	return a && (!b || strcmp(a, b) != 0);
}

int csvc__staff_check_refs(csvc_store *s, const char *assignee, const char *team, const char *old_assignee,
                           const char *old_team, const char *call)
{
	int check_assignee = differs(assignee, old_assignee), check_team = differs(team, old_team);
	if (!check_assignee && !check_team)
		return CSVC_OK;
	int on = 0;
	int rc = references_on(s, &on);
	if (rc || !on)
		return rc;
	if (check_assignee && (rc = check_ref(s, 0, assignee, 1, "assignee", call)))
		return rc;
	if (check_team)
		rc = check_ref(s, 1, team, 1, "team", call);
	return rc;
}

int csvc_staff_references(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__REQUIRE_PRINCIPAL(store);
	int on = 0;
	int rc = references_on(store, &on);
	return rc ? rc : on;
}

/* Writes the setting and its feed entry when it changes. */
static int set_references(csvc_store *s, int on, const char *actor, csvc_time_us now)
{
	int was = 0;
	int rc = references_on(s, &was);
	if (rc || was == on)
		return rc;
	csvc__stmt *st;
	if ((rc = csvc__db_stmt(s->db, &SQL_SETTING_SET, &st)))
		return rc;
	csvc__db_bind_text(st, 1, SETTING);
	csvc__db_bind_int(st, 2, on);
	if ((rc = csvc__db_run(st)))
		return rc;
	refs_state *cache = csvc__store_state(s, &refs_ext);
	if (cache) {
		cache->serial = csvc__db_serial(s->db);
		cache->on = on;
	}
	return csvc__feed_record(s, "setting_changed", "definition", NULL, SETTING, actor, now,
	                         on ? "{\"kind\":\"setting\",\"value\":true}" : "{\"kind\":\"setting\",\"value\":false}");
}

int csvc_staff_set_references(csvc_store *store, int on, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	if (on != 0 && on != 1)
		return csvc__error(CSVC_EINVAL, "on must be 0 or 1 (got %d)", on);
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = set_references(store, on, actor, now);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	return rc;
}

/* The first column of every row of `sql` (no parameters), copied. */
static int collect(csvc_store *s, const csvc__sql *sql, char ***out, size_t *n)
{
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, sql, &st);
	if (rc)
		return rc;
	char **v = NULL;
	size_t count = 0, cap = 0;
	while ((rc = csvc__db_step(st)) == CSVC__ROW) {
		const char *t = csvc__db_textcol(st, 0);
		if (!t)
			continue;
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **nv = csvc__realloc(v, ncap * sizeof(*nv));
			if (!nv) {
				rc = csvc__error(CSVC_ENOMEM, "out of memory");
				break;
			}
			v = nv;
			cap = ncap;
		}
		if (!(v[count] = csvc__strcopy(t))) {
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
			break;
		}
		count++;
	}
	if (rc < 0) {
		csvc__db_reset(st);
		for (size_t i = 0; i < count; i++)
			csvc__free(v[i]);
		csvc__free(v);
		return rc;
	}
	*out = v;
	*n = count;
	return CSVC_OK;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csvc__free(v[i]);
	csvc__free(v);
}

/* Adopting records `actor` on the entries it writes: a free-text actor
 * is adopted with the others (else the store would refuse it next). */
static int add_own_actor(csvc_store *s, const char *actor, char ***people, size_t *n)
{
	if (!actor || !actor[0] || csvc_staff_is_system_actor(actor))
		return CSVC_OK;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*people)[i], actor) == 0)
			return CSVC_OK;
	csvc__stmt *st;
	int rc = csvc__db_stmt(s->db, &SQL_STAFF_ACTIVE, &st);
	if (rc)
		return rc;
	csvc__db_bind_text(st, 1, actor);
	int64_t active = 0;
	if ((rc = csvc__db_one_int(st, &active)) != 0)
		return rc < 0 ? rc : CSVC_OK; /* a staff code already */
	char **grown = csvc__realloc(*people, (*n + 1) * sizeof(*grown));
	if (!grown)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	*people = grown;
	if (!(grown[*n] = csvc__strcopy(actor)))
		return csvc__error(CSVC_ENOMEM, "out of memory");
	(*n)++;
	return CSVC_OK;
}

/* A stored value that cannot become a code: the check's message, named. */
static int unfit(const char *value, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", csvc_error_last()->message);
	return csvc__error(CSVC_EINVAL, "the store's '%.64s' cannot become a %s code (%s); nothing was adopted", value,
	                   what, msg);
}

/* Creates the staff members and teams for the store's free text. */
static int adopt(csvc_store *s, const char *actor, int64_t *n_staff, int64_t *n_teams, csvc_time_us now)
{
	char **people = NULL, **teams = NULL;
	size_t np = 0, nt = 0;
	int rc = collect(s, &SQL_ADOPT_STAFF, &people, &np);
	if (rc || (rc = collect(s, &SQL_ADOPT_TEAMS, &teams, &nt)) || (rc = add_own_actor(s, actor, &people, &np)))
		goto out;
	/* Every value is checked before anything is written: a refusal
	 * changes nothing. */
	for (size_t i = 0; i < np && !rc; i++)
		if (!csvc_staff_is_system_actor(people[i]) && csvc__staff_check_code(people[i]))
			rc = unfit(people[i], "staff");
	for (size_t i = 0; i < nt && !rc; i++)
		if (csvc__team_check_code(teams[i]))
			rc = unfit(teams[i], "team");
	for (size_t i = 0; i < np && !rc; i++) {
		if (csvc_staff_is_system_actor(people[i]))
			continue;
		csvc_staff *st = NULL;
		if (!(rc = csvc_staff_new(&st, people[i], people[i])) && !(rc = csvc_staff_create(s, st, actor)))
			(*n_staff)++;
		csvc_staff_free(st);
	}
	for (size_t i = 0; i < nt && !rc; i++) {
		csvc_team *t = NULL;
		if (!(rc = csvc_team_new(&t, teams[i], teams[i], CSVC_TEAM_CS_GROUP)) && !(rc = csvc_team_create(s, t, actor)))
			(*n_teams)++;
		csvc_team_free(t);
	}
	if (!rc)
		rc = set_references(s, 1, actor, now);
out:
	free_list(people, np);
	free_list(teams, nt);
	return rc;
}

int csvc_staff_adopt(csvc_store *store, const char *actor, int64_t *staff_created, int64_t *teams_created)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(staff_created, "staff_created");
	CSVC__CHECK_ARG(teams_created, "teams_created");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)))
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int64_t n_staff = 0, n_teams = 0;
	int attempt = 0;
	do {
		n_staff = n_teams = 0;
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = adopt(store, actor, &n_staff, &n_teams, now);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	if (rc)
		return rc;
	*staff_created = n_staff;
	*teams_created = n_teams;
	return CSVC_OK;
}
