/*
 * Staff members and teams as plain values: allocation, getters, setters
 * and their validation. No store is involved.
 */
#include <stdlib.h>
#include <string.h>

#include "csvc/enum.h"
#include "staff/staff-internal.h"

/* ---- validation ---- */

int csvc__staff_check_code(const char *code)
{
	int rc = csvc__check_text(code, 0, CSVC_STAFF_MAX_CODE, "code");
	if (rc)
		return rc;
	size_t n = strlen(code);
	if (n == 0)
		return csvc__error(CSVC_EINVAL, "a staff code must not be empty");
	if (code[0] == ' ' || code[n - 1] == ' ')
		return csvc__error(CSVC_EINVAL, "a staff code must not begin or end with a space");
	return CSVC_OK;
}

int csvc__team_check_code(const char *code)
{
	return csvc__check_machine_name(code, "team code");
}

static int check_kind(int32_t kind)
{
	if (kind < CSVC_SKILL_TICKET_KIND || kind > CSVC_SKILL_CHANNEL)
		return csvc__error(CSVC_EINVAL, "unknown skill kind %d", (int)kind);
	return CSVC_OK;
}

int csvc__staff_check_skill(int32_t kind, const char *value)
{
	int rc = check_kind(kind);
	if (rc || (rc = csvc__check_text(value, 0, CSVC_STAFF_MAX_SKILL, "skill")))
		return rc;
	if (!value[0])
		return csvc__error(CSVC_EINVAL, "a skill must not be empty");
	return CSVC_OK;
}

/* A required single-line name. */
static int check_name(const char *name, size_t max)
{
	int rc = csvc__check_text(name, 0, max, "name");
	if (rc)
		return rc;
	if (!name[0])
		return csvc__error(CSVC_EINVAL, "a name must not be empty");
	return CSVC_OK;
}

/* An optional single-line value: NULL clears it, empty is refused. */
static int check_optional(const char *v, size_t max, const char *what)
{
	int rc = csvc__check_text(v, 1, max, what);
	if (rc)
		return rc;
	if (v && !v[0])
		return csvc__error(CSVC_EINVAL, "%s must not be empty (NULL clears it)", what);
	return CSVC_OK;
}

/* Replaces *field with a copy of v (NULL: cleared). */
static int replace(char **field, const char *v)
{
	char *copy = NULL;
	if (v && !(copy = csvc__strcopy(v)))
		return csvc__error(CSVC_ENOMEM, "out of memory");
	csvc__free(*field);
	*field = copy;
	return CSVC_OK;
}

/* ---- staff ---- */

int csvc__staff_alloc(csvc_staff **out)
{
	csvc_staff *st = csvc__calloc(1, sizeof(*st));
	if (!st)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	st->active = 1;
	*out = st;
	return CSVC_OK;
}

int csvc_staff_new(csvc_staff **out, const char *code, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__staff_check_code(code);
	if (rc || (rc = check_name(name, CSVC_STAFF_MAX_NAME)))
		return rc;
	csvc_staff *st = NULL;
	if ((rc = csvc__staff_alloc(&st)))
		return rc;
	if ((rc = replace(&st->code, code)) || (rc = replace(&st->name, name))) {
		csvc_staff_free(st);
		return rc;
	}
	*out = st;
	return CSVC_OK;
}

void csvc_staff_free(csvc_staff *st)
{
	if (!st)
		return;
	csvc__free(st->code);
	csvc__free(st->name);
	csvc__free(st->employee_no);
	csvc__free(st->home_store);
	csvc__free(st->calendar);
	for (size_t i = 0; i < st->n_skills; i++)
		csvc__free(st->skills[i].value);
	csvc__free(st->skills);
	for (size_t i = 0; i < st->n_teams; i++)
		csvc__free(st->teams[i]);
	csvc__free(st->teams);
	for (size_t i = 0; i < st->n_roles; i++)
		csvc__free(st->roles[i]);
	csvc__free(st->roles);
	csvc__free(st);
}

const csvc_uuid *csvc_staff_id(const csvc_staff *st) { return st ? &st->id : NULL; }
const char *csvc_staff_code(const csvc_staff *st) { return st ? st->code : NULL; }
const char *csvc_staff_name(const csvc_staff *st) { return st ? st->name : NULL; }
const char *csvc_staff_employee_number(const csvc_staff *st) { return st ? st->employee_no : NULL; }
const char *csvc_staff_home_store(const csvc_staff *st) { return st ? st->home_store : NULL; }
const char *csvc_staff_calendar(const csvc_staff *st) { return st ? st->calendar : NULL; }
int csvc_staff_active(const csvc_staff *st) { return st ? st->active != 0 : 0; }
int64_t csvc_staff_revision(const csvc_staff *st) { return st ? st->revision : 0; }
csvc_time_us csvc_staff_created_at(const csvc_staff *st) { return st ? st->created_at : 0; }
csvc_time_us csvc_staff_updated_at(const csvc_staff *st) { return st ? st->updated_at : 0; }

int csvc_staff_set_name(csvc_staff *st, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = check_name(name, CSVC_STAFF_MAX_NAME);
	return rc ? rc : replace(&st->name, name);
}

int csvc_staff_set_employee_number(csvc_staff *st, const char *number)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = check_optional(number, CSVC_STAFF_MAX_EMPLOYEE_NO, "employee number");
	return rc ? rc : replace(&st->employee_no, number);
}

int csvc_staff_set_home_store(csvc_staff *st, const char *store_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = store_code ? csvc__check_store_code(store_code) : CSVC_OK;
	return rc ? rc : replace(&st->home_store, store_code);
}

int csvc_staff_set_calendar(csvc_staff *st, const char *calendar)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = check_optional(calendar, CSVC_STAFF_MAX_CALENDAR, "calendar");
	return rc ? rc : replace(&st->calendar, calendar);
}

int csvc_staff_set_active(csvc_staff *st, int active)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	st->active = active != 0;
	return CSVC_OK;
}

static int skill_cmp(int32_t ka, const char *va, int32_t kb, const char *vb)
{
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return strcmp(va, vb);
}

/* The index of the skill, or where it would go (*found says which). */
static size_t skill_search(const csvc_staff *st, int32_t kind, const char *value, int *found)
{
	size_t i = 0;
	*found = 0;
	for (; i < st->n_skills; i++) {
		int c = skill_cmp(st->skills[i].kind, st->skills[i].value, kind, value);
		if (c >= 0) {
			*found = c == 0;
			break;
		}
	}
	return i;
}

int csvc__staff_push_skill(csvc_staff *st, int32_t kind, const char *value)
{
	csvc__skill *v = csvc__realloc(st->skills, (st->n_skills + 1) * sizeof(*v));
	if (!v)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	st->skills = v;
	char *copy = csvc__strcopy(value);
	if (!copy)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	v[st->n_skills].kind = kind;
	v[st->n_skills].value = copy;
	st->n_skills++;
	return CSVC_OK;
}

int csvc_staff_add_skill(csvc_staff *st, csvc_skill_kind_t kind, const char *value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = csvc__staff_check_skill(kind, value);
	if (rc)
		return rc;
	int found;
	size_t at = skill_search(st, kind, value, &found);
	if (found)
		return CSVC_OK;
	if (st->n_skills >= CSVC_STAFF_MAX_SKILLS)
		return csvc__error(CSVC_ERANGE, "a staff member has at most %d skills", CSVC_STAFF_MAX_SKILLS);
	if ((rc = csvc__staff_push_skill(st, kind, value)))
		return rc;
	csvc__skill added = st->skills[st->n_skills - 1];
	memmove(&st->skills[at + 1], &st->skills[at], (st->n_skills - 1 - at) * sizeof(*st->skills));
	st->skills[at] = added;
	return CSVC_OK;
}

int csvc_staff_remove_skill(csvc_staff *st, csvc_skill_kind_t kind, const char *value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = check_kind(kind);
	if (rc || (rc = csvc__check_text(value, 0, CSVC_STAFF_MAX_SKILL, "skill")))
		return rc;
	int found;
	size_t at = skill_search(st, kind, value, &found);
	if (!found)
		return csvc__error(CSVC_ENOTFOUND, "the staff member has no %s skill '%s'",
		                   csvc_enum_name(CSVC_ENUM_SKILL_KIND, kind), value);
	csvc__free(st->skills[at].value);
	memmove(&st->skills[at], &st->skills[at + 1], (st->n_skills - at - 1) * sizeof(*st->skills));
	st->n_skills--;
	return CSVC_OK;
}

size_t csvc_staff_skill_count(const csvc_staff *st)
{
	return st ? st->n_skills : 0;
}

int csvc_staff_skill_at(const csvc_staff *st, size_t i, int32_t *kind, const char **value)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	if (i >= st->n_skills)
		return csvc__error(CSVC_ERANGE, "index %zu is out of range (%zu skills)", i, st->n_skills);
	if (kind)
		*kind = st->skills[i].kind;
	if (value)
		*value = st->skills[i].value;
	return CSVC_OK;
}

/* ---- teams and roles: sorted sets of codes ---- */

/* Where `code` is, or would go, in the sorted `v`. */
static size_t codes_search(char *const *v, size_t n, const char *code, int *found)
{
	size_t i = 0;
	*found = 0;
	for (; i < n; i++) {
		int c = strcmp(v[i], code);
		if (c >= 0) {
			*found = c == 0;
			break;
		}
	}
	return i;
}

static int codes_push(char ***v, size_t *n, const char *code)
{
	char **grown = csvc__realloc(*v, (*n + 1) * sizeof(*grown));
	if (!grown)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	*v = grown;
	if (!(grown[*n] = csvc__strcopy(code)))
		return csvc__error(CSVC_ENOMEM, "out of memory");
	(*n)++;
	return CSVC_OK;
}

/* Adds `code` in order unless present: 1 (nothing changed) when the set
 * already has `max` codes. */
static int codes_add(char ***v, size_t *n, size_t max, const char *code)
{
	int found;
	size_t at = codes_search(*v, *n, code, &found);
	if (found)
		return CSVC_OK;
	if (*n >= max)
		return 1;
	int rc = codes_push(v, n, code);
	if (rc)
		return rc;
	char *added = (*v)[*n - 1];
	memmove(&(*v)[at + 1], &(*v)[at], (*n - 1 - at) * sizeof(**v));
	(*v)[at] = added;
	return CSVC_OK;
}

/* Removes `code`: 1 when it is not in the set. */
static int codes_remove(char **v, size_t *n, const char *code)
{
	int found;
	size_t at = codes_search(v, *n, code, &found);
	if (!found)
		return 1;
	csvc__free(v[at]);
	memmove(&v[at], &v[at + 1], (*n - at - 1) * sizeof(*v));
	(*n)--;
	return CSVC_OK;
}

int csvc__staff_push_team(csvc_staff *st, const char *team)
{
	return codes_push(&st->teams, &st->n_teams, team);
}

int csvc_staff_add_team(csvc_staff *st, const char *team)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = csvc__team_check_code(team);
	if (!rc && (rc = codes_add(&st->teams, &st->n_teams, CSVC_STAFF_MAX_TEAMS, team)) == 1)
		rc = csvc__error(CSVC_ERANGE, "a staff member belongs to at most %d teams", CSVC_STAFF_MAX_TEAMS);
	return rc;
}

int csvc_staff_remove_team(csvc_staff *st, const char *team)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = csvc__team_check_code(team);
	if (!rc && (rc = codes_remove(st->teams, &st->n_teams, team)) == 1)
		rc = csvc__error(CSVC_ENOTFOUND, "the staff member is not in team '%s'", team);
	return rc;
}

size_t csvc_staff_team_count(const csvc_staff *st)
{
	return st ? st->n_teams : 0;
}

const char *csvc_staff_team(const csvc_staff *st, size_t i)
{
	return st && i < st->n_teams ? st->teams[i] : NULL;
}

int csvc__staff_push_role(csvc_staff *st, const char *role)
{
	return codes_push(&st->roles, &st->n_roles, role);
}

int csvc_staff_add_role(csvc_staff *st, const char *role)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = csvc__role_check_code(role);
	if (!rc && (rc = codes_add(&st->roles, &st->n_roles, CSVC_STAFF_MAX_ROLES, role)) == 1)
		rc = csvc__error(CSVC_ERANGE, "a staff member holds at most %d roles", CSVC_STAFF_MAX_ROLES);
	return rc;
}

int csvc_staff_remove_role(csvc_staff *st, const char *role)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(st, "st");
	int rc = csvc__role_check_code(role);
	if (!rc && (rc = codes_remove(st->roles, &st->n_roles, role)) == 1)
		rc = csvc__error(CSVC_ENOTFOUND, "the staff member does not hold role '%s'", role);
	return rc;
}

size_t csvc_staff_role_count(const csvc_staff *st)
{
	return st ? st->n_roles : 0;
}

const char *csvc_staff_role(const csvc_staff *st, size_t i)
{
	return st && i < st->n_roles ? st->roles[i] : NULL;
}

/* ---- teams ---- */

int csvc__team_alloc(csvc_team **out)
{
	csvc_team *t = csvc__calloc(1, sizeof(*t));
	if (!t)
		return csvc__error(CSVC_ENOMEM, "out of memory");
	t->active = 1;
	*out = t;
	return CSVC_OK;
}

int csvc_team_new(csvc_team **out, const char *code, const char *name, csvc_team_kind_t kind)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(out, "out");
	int rc = csvc__team_check_code(code);
	if (rc || (rc = check_name(name, CSVC_TEAM_MAX_NAME)))
		return rc;
	if (kind != CSVC_TEAM_CS_GROUP && kind != CSVC_TEAM_DEPARTMENT)
		return csvc__error(CSVC_EINVAL, "unknown team kind %d", (int)kind);
	csvc_team *t = NULL;
	if ((rc = csvc__team_alloc(&t)))
		return rc;
	t->kind = kind;
	if ((rc = replace(&t->code, code)) || (rc = replace(&t->name, name))) {
		csvc_team_free(t);
		return rc;
	}
	*out = t;
	return CSVC_OK;
}

void csvc_team_free(csvc_team *t)
{
	if (!t)
		return;
	csvc__free(t->code);
	csvc__free(t->name);
	csvc__free(t->store_code);
	csvc__free(t);
}

const char *csvc_team_code(const csvc_team *t) { return t ? t->code : NULL; }
const char *csvc_team_name(const csvc_team *t) { return t ? t->name : NULL; }
int32_t csvc_team_kind(const csvc_team *t) { return t ? t->kind : 0; }
const char *csvc_team_store(const csvc_team *t) { return t ? t->store_code : NULL; }
int csvc_team_active(const csvc_team *t) { return t ? t->active != 0 : 0; }
int64_t csvc_team_revision(const csvc_team *t) { return t ? t->revision : 0; }

int csvc_team_set_name(csvc_team *team, const char *name)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(team, "team");
	int rc = check_name(name, CSVC_TEAM_MAX_NAME);
	return rc ? rc : replace(&team->name, name);
}

int csvc_team_set_store(csvc_team *team, const char *store_code)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(team, "team");
	int rc = store_code ? csvc__check_store_code(store_code) : CSVC_OK;
	return rc ? rc : replace(&team->store_code, store_code);
}

int csvc_team_set_active(csvc_team *team, int active)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(team, "team");
	team->active = active != 0;
	return CSVC_OK;
}
