/*
 * The staff directory's rules: revisions, uniqueness, memberships, the
 * history and change-feed entries of each change, queries and the
 * handbook's teams. Storage is reached only through the csvc__staff_db_*
 * and csvc__team_db_* functions.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar-db.h"
#include "csvc/enum.h"
#include "feed/feed-internal.h"
#include "staff/staff-internal.h"
#include "store/store-internal.h"

/* The access module checks actors of role changes with its own copy of
 * the limit. */
_Static_assert(CSVC_STAFF_MAX_ACTOR == CSVC__ACTOR_MAX, "one limit for actors");

int csvc__staff_check_actor(const char *actor)
{
	int rc = csvc__check_text(actor, 1, CSVC_STAFF_MAX_ACTOR, "actor");
	if (!rc && actor && !actor[0])
		rc = csvc__error(CSVC_EINVAL, "actor must not be empty (NULL: none)");
	return rc;
}

static int check_calendar(csvc_store *s, const char *name)
{
	if (!name)
		return CSVC_OK;
	int rc = csvc__calendar_db_info(s, name, NULL, NULL, NULL);
	if (rc == CSVC_ENOTFOUND)
		return csvc__error(CSVC_ENOTFOUND, "no calendar '%s' for the staff member's shifts", name);
	return rc;
}

/* The row ids of the teams named in `codes` (none unknown). */
static int team_rowids(csvc_store *s, char **codes, size_t n, int64_t *out)
{
	for (size_t i = 0; i < n; i++) {
		csvc__staff_state ts;
		int rc = csvc__team_db_state(s, codes[i], 0, &ts);
		if (rc)
			return rc;
		out[i] = ts.rowid;
	}
	return CSVC_OK;
}

/* The row ids of the roles named in `codes` (none unknown). */
static int role_rowids(csvc_store *s, char **codes, size_t n, int64_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int rc = csvc__role_db_id(s, codes[i], &out[i]);
		if (rc)
			return rc;
	}
	return CSVC_OK;
}

/* An event of a membership or a role: payload {"team": code} or
 * {"role": code} (`what`). */
static int link_event(csvc_store *s, int64_t rowid, const csvc_staff *st, const char *type, const char *what,
                      const char *code, const char *actor, csvc_time_us at)
{
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"");
	csvc__buf_puts(&p, what);
	csvc__buf_puts(&p, "\":");
	csvc__buf_json_string(&p, code);
	csvc__buf_put(&p, "}", 2);
	int rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__staff_db_event(s, rowid, st, type, actor, at, p.data);
	csvc__buf_free(&p);
	return rc;
}

int csvc_staff_create(csvc_store *store, csvc_staff *st, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(st, "st");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)))
		return rc;
	if (st->revision != 0)
		return csvc__error(CSVC_EINVAL, "the staff member is saved already: use csvc_staff_update");
	/* The row ids of the teams, then of the roles. */
	int64_t *teams = csvc__calloc(st->n_teams + st->n_roles + 1, sizeof(*teams));
	if (!teams)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int64_t *roles = teams + st->n_teams;

	csvc_time_us now = csvc_store_now(store);
	csvc_staff saved = *st; /* shallow view with the new identity */
	csvc__uuid_generate(&saved.id);
	saved.revision = 1;
	saved.created_at = saved.updated_at = now;
	int64_t rowid = 0;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		if (!(rc = check_calendar(store, saved.calendar)) &&
		    !(rc = team_rowids(store, saved.teams, saved.n_teams, teams)) &&
		    !(rc = role_rowids(store, saved.roles, saved.n_roles, roles)) &&
		    !(rc = csvc__staff_db_insert(store, &saved, &rowid)) &&
		    !(rc = csvc__staff_db_set_skills(store, rowid, &saved)))
			rc = csvc__staff_db_event(store, rowid, &saved, "created", actor, now, NULL);
		for (size_t i = 0; i < saved.n_teams && !rc; i++)
			if (!(rc = csvc__staff_db_join(store, rowid, teams[i])))
				rc = link_event(store, rowid, &saved, "joined_team", "team", saved.teams[i], actor, now);
		for (size_t i = 0; i < saved.n_roles && !rc; i++)
			if (!(rc = csvc__role_db_grant(store, rowid, roles[i])))
				rc = link_event(store, rowid, &saved, "granted_role", "role", saved.roles[i], actor, now);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__store_invalidate(store); /* teams and members derived above (routing) */
	csvc__free(teams);
	if (rc)
		return rc;
	st->id = saved.id;
	st->revision = 1;
	st->created_at = st->updated_at = now;
	return CSVC_OK;
}

static int str_differs(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

static int skills_differ(const csvc_staff *a, const csvc_staff *b)
{
	if (a->n_skills != b->n_skills)
		return 1;
	for (size_t i = 0; i < a->n_skills; i++)
		if (a->skills[i].kind != b->skills[i].kind || strcmp(a->skills[i].value, b->skills[i].value))
			return 1;
	return 0;
}

static int has_team(const csvc_staff *st, const char *code)
{
	for (size_t i = 0; i < st->n_teams; i++)
		if (strcmp(st->teams[i], code) == 0)
			return 1;
	return 0;
}

static int has_role(const csvc_staff *st, const char *code)
{
	for (size_t i = 0; i < st->n_roles; i++)
		if (strcmp(st->roles[i], code) == 0)
			return 1;
	return 0;
}

/* The payload of an `updated` event: the names of the changed fields
 * (empty when only the active flag, the teams or the roles changed). */
static void diff_fields(const csvc_staff *old, const csvc_staff *st, csvc__buf *fields, int *n)
{
	const struct {
		int changed;
		const char *name;
	} f[] = {
		{str_differs(old->name, st->name), "name"},
		{str_differs(old->employee_no, st->employee_no), "employee_number"},
		{str_differs(old->home_store, st->home_store), "home_store"},
		{str_differs(old->calendar, st->calendar), "calendar"},
		{skills_differ(old, st), "skills"},
	};
	*n = 0;
	csvc__buf_puts(fields, "{\"fields\":[");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!f[i].changed)
			continue;
		if ((*n)++)
			csvc__buf_put(fields, ",", 1);
		csvc__buf_json_string(fields, f[i].name);
	}
	csvc__buf_puts(fields, "]}");
}

int csvc_staff_update(csvc_store *store, csvc_staff *st, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(st, "st");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)))
		return rc;
	if (st->revision == 0)
		return csvc__error(CSVC_EINVAL, "the staff member is a draft: use csvc_staff_create");
	/* The row ids of the teams, then of the roles. */
	int64_t *teams = csvc__calloc(st->n_teams + st->n_roles + 1, sizeof(*teams));
	if (!teams)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	int64_t *roles = teams + st->n_teams;
	csvc_time_us now = csvc_store_now(store);
	csvc_staff *old = NULL;
	csvc__buf fields = {0};
	int changed = 0, attempt = 0;
again:
	if ((rc = csvc__tx_begin(store)))
		goto out;
	csvc__staff_state state;
	if ((rc = csvc__staff_db_state_by_code(store, st->code, 1, &state)))
		goto end;
	if (state.revision != st->revision) {
		rc = csvc__error(CSVC_ECONFLICT,
		                 "staff member '%s' changed since it was read (revision %lld, stored %lld)", st->code,
		                 (long long)st->revision, (long long)state.revision);
		goto end;
	}
	if ((rc = csvc__staff_db_load(store, state.rowid, &old)))
		goto end;
	int n_fields;
	diff_fields(old, st, &fields, &n_fields);
	if (fields.failed) {
		rc = csvc__error(CSVC_ENOMEM, "out of memory");
		goto end;
	}
	size_t joins = 0, leaves = 0;
	for (size_t i = 0; i < st->n_teams; i++)
		joins += !has_team(old, st->teams[i]);
	for (size_t i = 0; i < old->n_teams; i++)
		leaves += !has_team(st, old->teams[i]);
	size_t grants = 0, revokes = 0;
	for (size_t i = 0; i < st->n_roles; i++)
		grants += !has_role(old, st->roles[i]);
	for (size_t i = 0; i < old->n_roles; i++)
		revokes += !has_role(st, old->roles[i]);
	int activity = (old->active != 0) != (st->active != 0);
	changed = n_fields || activity || joins || leaves || grants || revokes;
	if (!changed)
		goto end; /* nothing changed: no new revision, no event */
	/* Everything that can be refused is checked before the first write. */
	if (str_differs(old->calendar, st->calendar) && (rc = check_calendar(store, st->calendar)))
		goto end;
	if ((rc = team_rowids(store, st->teams, st->n_teams, teams)) ||
	    (rc = role_rowids(store, st->roles, st->n_roles, roles)))
		goto end;
	csvc_staff saved = *st;
	saved.id = old->id;
	saved.revision = st->revision + 1;
	saved.updated_at = now;
	if ((rc = csvc__staff_db_update(store, state.rowid, &saved)))
		goto end;
	if (skills_differ(old, st) && (rc = csvc__staff_db_set_skills(store, state.rowid, &saved)))
		goto end;
	if (n_fields && (rc = csvc__staff_db_event(store, state.rowid, &saved, "updated", actor, now, fields.data)))
		goto end;
	if (activity && (rc = csvc__staff_db_event(store, state.rowid, &saved, st->active ? "reactivated" : "deactivated",
	                                           actor, now, NULL)))
		goto end;
	for (size_t i = 0; i < old->n_teams && !rc; i++) {
		if (has_team(st, old->teams[i]))
			continue;
		csvc__staff_state ts;
		if (!(rc = csvc__team_db_state(store, old->teams[i], 0, &ts)) &&
		    !(rc = csvc__staff_db_leave(store, state.rowid, ts.rowid)))
			rc = link_event(store, state.rowid, &saved, "left_team", "team", old->teams[i], actor, now);
	}
	for (size_t i = 0; i < st->n_teams && !rc; i++)
		if (!has_team(old, st->teams[i]) && !(rc = csvc__staff_db_join(store, state.rowid, teams[i])))
			rc = link_event(store, state.rowid, &saved, "joined_team", "team", st->teams[i], actor, now);
	for (size_t i = 0; i < old->n_roles && !rc; i++) {
		if (has_role(st, old->roles[i]))
			continue;
		int64_t role_rowid;
		if (!(rc = csvc__role_db_id(store, old->roles[i], &role_rowid)) &&
		    !(rc = csvc__role_db_revoke(store, state.rowid, role_rowid)))
			rc = link_event(store, state.rowid, &saved, "revoked_role", "role", old->roles[i], actor, now);
	}
	for (size_t i = 0; i < st->n_roles && !rc; i++)
		if (!has_role(old, st->roles[i]) && !(rc = csvc__role_db_grant(store, state.rowid, roles[i])))
			rc = link_event(store, state.rowid, &saved, "granted_role", "role", st->roles[i], actor, now);
end:
	rc = csvc__tx_end(store, rc);
	if (csvc__tx_again(store, rc, &attempt)) {
		csvc_staff_free(old);
		old = NULL;
		csvc__buf_free(&fields);
		fields = (csvc__buf){0};
		changed = 0;
		goto again;
	}
	csvc__store_invalidate(store); /* members derived above (routing) */
	if (rc == CSVC_OK && changed) {
		st->revision++;
		st->updated_at = now;
	}
out:
	csvc_staff_free(old);
	csvc__buf_free(&fields);
	csvc__free(teams);
	return rc;
}

int csvc_staff_get(csvc_store *store, const char *code, csvc_staff **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__check_text(code, 0, CSVC_STAFF_MAX_CODE, "code");
	if (rc || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc__staff_state state;
	if (!(rc = csvc__staff_db_state_by_code(store, code, 0, &state)))
		rc = csvc__staff_db_load(store, state.rowid, out);
	csvc__read_end(store, began);
	return rc;
}

int csvc_staff_get_by_id(csvc_store *store, const csvc_uuid *id, csvc_staff **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(out, "out");
	int rc = CSVC__ACCESS_PRINCIPAL(store);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc__staff_state state;
	if (!(rc = csvc__staff_db_state_by_id(store, id, &state)))
		rc = csvc__staff_db_load(store, state.rowid, out);
	csvc__read_end(store, began);
	return rc;
}

/* ---- queries ---- */

struct csvc_staff_iter {
	csvc_store *store;
	csvc__cursor *cursor;
};

CSVC__STRUCT_LAYOUT(query_layout, csvc_staff_query, CSVC_STAFF_QUERY_VERSION, CSVC_STAFF_QUERY_INIT,
                    sizeof(csvc_staff_query));

int csvc_staff_query_init(csvc_staff_query *q, unsigned int version)
{
	csvc__error_clear();
	return csvc__struct_init(&query_layout, q, version);
}

int csvc_staff_iter_new(csvc_store *store, const csvc_staff_query *q, csvc_staff_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	/* NULL: every active staff member. The caller's struct is read only
	 * as far as its version goes. */
	csvc_staff_query copy = CSVC_STAFF_QUERY_INIT;
	int rc;
	if (q && (rc = csvc__struct_read(&query_layout, &copy, q)))
		return rc;
	if (copy.status < CSVC_STAFF_STATUS_ACTIVE || copy.status > CSVC_STAFF_STATUS_ANY)
		return csvc__error(CSVC_EINVAL, "unknown staff status %d", (int)copy.status);
	if (!copy.skill_kind != !copy.skill_value)
		return csvc__error(CSVC_EINVAL, "a skill filter needs both skill_kind and skill_value");
	if ((copy.skill_kind && (rc = csvc__staff_check_skill(copy.skill_kind, copy.skill_value))) ||
	    (copy.home_store && (rc = csvc__check_store_code(copy.home_store))) ||
	    (copy.team && (rc = csvc__team_check_code(copy.team))) || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	csvc_staff_iter *it = csvc__calloc(1, sizeof(*it));
	if (!it)
		return csvc__error(CSVC_ENOMEM, "out of memory allocating an iterator");
	it->store = store;
	csvc__staff_state team = {0}, after = {0};
	if ((copy.team && (rc = csvc__team_db_state(store, copy.team, 0, &team))) ||
	    (!csvc_uuid_is_nil(&copy.after) && (rc = csvc__staff_db_state_by_id(store, &copy.after, &after))) ||
	    (rc = csvc__staff_db_query(store, &copy, team.rowid, after.rowid, &it->cursor))) {
		csvc__free(it);
		return rc;
	}
	*out = it;
	return CSVC_OK;
}

static int load_staff(csvc_store *s, int64_t rowid, void **out)
{
	csvc_staff *st = NULL;
	int rc = csvc__staff_db_load(s, rowid, &st);
	*out = st;
	return rc;
}

static void drop_staff(void *st)
{
	csvc_staff_free(st);
}

int csvc_staff_iter_next(csvc_staff_iter *it, csvc_staff **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(it, "it");
	CSVC__CHECK_ARG(out, "out");
	void *st = NULL;
	int rc = csvc__cursor_next_record(it->cursor, load_staff, drop_staff, &st);
	if (rc == CSVC_OK)
		*out = st;
	return rc;
}

void csvc_staff_iter_free(csvc_staff_iter *it)
{
	if (!it)
		return;
	csvc__cursor_free(it->cursor);
	csvc__free(it);
}

/* ---- teams ---- */

static int team_feed(csvc_store *s, const char *type, const csvc_team *t, const char *actor, csvc_time_us at,
                     const char *fields)
{
	csvc__buf p = {0};
	csvc__buf_puts(&p, "{\"kind\":\"team\",\"team_kind\":");
	csvc__buf_json_string(&p, csvc_enum_name(CSVC_ENUM_TEAM_KIND, t->kind));
	if (t->store_code) {
		csvc__buf_puts(&p, ",\"store_code\":");
		csvc__buf_json_string(&p, t->store_code);
	}
	if (fields) {
		csvc__buf_puts(&p, ",\"fields\":");
		csvc__buf_puts(&p, fields);
	}
	csvc__buf_put(&p, "}", 2);
	int rc = p.failed ? csvc__error(CSVC_ENOMEM, "out of memory")
	                  : csvc__feed_record(s, type, "definition", NULL, t->code, actor, at, p.data);
	csvc__buf_free(&p);
	return rc;
}

/* Inserts a team whose code must be free, with its feed entry. */
static int insert_team(csvc_store *s, csvc_team *t, const char *actor, csvc_time_us now)
{
	csvc__staff_state taken;
	int rc = csvc__team_db_state(s, t->code, 0, &taken);
	if (rc == CSVC_OK)
		return csvc__error(CSVC_EEXISTS, "team code '%s' is taken", t->code);
	if (rc != CSVC_ENOTFOUND)
		return rc;
	csvc__error_clear();
	int64_t rowid;
	if ((rc = csvc__team_db_insert(s, t, &rowid)) == CSVC_EEXISTS)
		return csvc__error_refine(CSVC_EEXISTS, "team code '%s' is taken", t->code);
	return rc ? rc : team_feed(s, "team_created", t, actor, now, NULL);
}

int csvc_team_create(csvc_store *store, csvc_team *team, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(team, "team");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)))
		return rc;
	if (team->revision != 0)
		return csvc__error(CSVC_EINVAL, "the team is saved already: use csvc_team_update");
	csvc_time_us now = csvc_store_now(store);
	csvc_team saved = *team;
	saved.revision = 1;
	saved.created_at = saved.updated_at = now;
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		rc = csvc__tx_end(store, insert_team(store, &saved, actor, now));
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__store_invalidate(store); /* teams and members derived above (routing) */
	if (rc)
		return rc;
	team->revision = 1;
	team->created_at = team->updated_at = now;
	return CSVC_OK;
}

int csvc_team_update(csvc_store *store, csvc_team *team, const char *actor)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(team, "team");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc || (rc = CSVC__ACCESS_ACTOR(store, &actor)) || (rc = csvc__staff_check_actor(actor)))
		return rc;
	if (team->revision == 0)
		return csvc__error(CSVC_EINVAL, "the team is a draft: use csvc_team_create");
	csvc_time_us now = csvc_store_now(store);
	int changed = 0, attempt = 0;
	do {
		csvc_team *old = NULL;
		csvc__buf fields = {0};
		changed = 0;
		if ((rc = csvc__tx_begin(store)))
			break;
		csvc__staff_state state;
		if ((rc = csvc__team_db_state(store, team->code, 1, &state)))
			goto end;
		if (state.revision != team->revision) {
			rc = csvc__error(CSVC_ECONFLICT, "team '%s' changed since it was read (revision %lld, stored %lld)",
			                 team->code, (long long)team->revision, (long long)state.revision);
			goto end;
		}
		if ((rc = csvc__team_db_load(store, state.rowid, &old)))
			goto end;
		const struct {
			int changed;
			const char *name;
		} f[] = {
			{str_differs(old->name, team->name), "name"},
			{str_differs(old->store_code, team->store_code), "store_code"},
			{(old->active != 0) != (team->active != 0), "active"},
		};
		csvc__buf_put(&fields, "[", 1);
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (!f[i].changed)
				continue;
			if (changed++)
				csvc__buf_put(&fields, ",", 1);
			csvc__buf_json_string(&fields, f[i].name);
		}
		csvc__buf_put(&fields, "]", 2);
		if (fields.failed)
			rc = csvc__error(CSVC_ENOMEM, "out of memory");
		if (rc || !changed)
			goto end;
		csvc_team saved = *team;
		saved.kind = old->kind;
		saved.revision = team->revision + 1;
		saved.updated_at = now;
		if (!(rc = csvc__team_db_update(store, state.rowid, &saved)))
			rc = team_feed(store, "team_updated", &saved, actor, now, fields.data);
	end:
		csvc_team_free(old);
		csvc__buf_free(&fields);
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__store_invalidate(store); /* teams and members derived above (routing) */
	if (rc == CSVC_OK && changed) {
		team->revision++;
		team->updated_at = now;
	}
	return rc;
}

int csvc_team_get(csvc_store *store, const char *code, csvc_team **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__team_check_code(code);
	if (rc || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	rc = csvc__team_db_load_by_code(store, code, out);
	csvc__read_end(store, began);
	return rc;
}

void csvc_team_list_free(csvc_team **teams, size_t count)
{
	if (!teams)
		return;
	for (size_t i = 0; i < count; i++)
		csvc_team_free(teams[i]);
	csvc__free(teams);
}

int csvc_team_list(csvc_store *store, csvc_team_kind_t kind, csvc_team ***out, size_t *count)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	CSVC__CHECK_ARG(count, "count");
	if (kind != 0 && kind != CSVC_TEAM_CS_GROUP && kind != CSVC_TEAM_DEPARTMENT)
		return csvc__error(CSVC_EINVAL, "unknown team kind %d", (int)kind);
	int rc = CSVC__ACCESS_PRINCIPAL(store);
	if (rc)
		return rc;
	int began;
	if ((rc = csvc__read_begin(store, &began)))
		return rc;
	csvc_team **teams = NULL;
	size_t n = 0;
	rc = csvc__team_db_list(store, kind, &teams, &n);
	csvc__read_end(store, began);
	if (rc)
		return rc;
	*out = teams;
	*count = n;
	return CSVC_OK;
}

int csvc_team_members(csvc_store *store, const char *code, csvc_staff_iter **out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__team_check_code(code);
	if (rc || (rc = CSVC__ACCESS_PRINCIPAL(store)))
		return rc;
	csvc_staff_query q = CSVC_STAFF_QUERY_INIT;
	q.team = code;
	return csvc_staff_iter_new(store, &q, out);
}

/* The handbook's teams (docs/staff.md). */
static const struct {
	const char *code, *name;
	int32_t kind;
} DEFAULT_TEAMS[] = {
	{"consult", "咨询组", CSVC_TEAM_CS_GROUP},
	{"complaints", "投诉处理组", CSVC_TEAM_CS_GROUP},
	{"floor", "现场管理组", CSVC_TEAM_CS_GROUP},
	{"membership", "会员服务组", CSVC_TEAM_CS_GROUP},
	{"property", "物业", CSVC_TEAM_DEPARTMENT},
	{"finance", "财务", CSVC_TEAM_DEPARTMENT},
	{"merchandise", "商品", CSVC_TEAM_DEPARTMENT},
	{"hr", "人事", CSVC_TEAM_DEPARTMENT},
	{"marketing", "市场", CSVC_TEAM_DEPARTMENT},
};

int csvc_team_install_defaults(csvc_store *store)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	int rc = CSVC__ACCESS(store, CSVC_PERM_STAFF_MANAGE);
	if (rc)
		return rc;
	csvc_time_us now = csvc_store_now(store);
	int attempt = 0;
	do {
		if ((rc = csvc__tx_begin(store)))
			break;
		for (size_t i = 0; i < sizeof(DEFAULT_TEAMS) / sizeof(DEFAULT_TEAMS[0]) && !rc; i++) {
			csvc__staff_state state;
			if ((rc = csvc__team_db_state(store, DEFAULT_TEAMS[i].code, 0, &state)) != CSVC_ENOTFOUND)
				continue; /* there already (or a failure, which ends the loop) */
			csvc_team t = {(char *)DEFAULT_TEAMS[i].code, (char *)DEFAULT_TEAMS[i].name, NULL,
			               DEFAULT_TEAMS[i].kind, 1, 1, now, now};
			rc = insert_team(store, &t, NULL, now);
		}
		rc = csvc__tx_end(store, rc);
	} while (csvc__tx_again(store, rc, &attempt));
	csvc__store_invalidate(store); /* teams and members derived above (routing) */
	return rc;
}
