/*
 * csvc staff: add, show, list, update, deactivate, activate.
 * csvc team: add, show, list, update.
 *
 * Written against csvc/staff.h (roles themselves: cli-role.c). Skill kinds, team kinds and the active or
 * inactive status are named by the library (csvc_enum_name); the tool
 * only adds their Chinese labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* ------------------------------------------------------------------ */
/* Shared                                                              */
/* ------------------------------------------------------------------ */

/*
 * Splits "KIND:VALUE" of option `opt` at the first ':' and parses the kind
 * (the library's name, the Chinese label or the number). Returns CLI_OK or
 * a usage error.
 */
static int parse_skill(cli_ctx *ctx, const char *opt, const char *text, int32_t *kind, const char **value)
{
	const char *colon = strchr(text, ':');
	char name[64], choices[128];
	if (!colon || colon == text || (size_t)(colon - text) >= sizeof(name))
		return cli_usage(ctx, "--%s: expected KIND:VALUE, got \"%s\"", opt, text);
	memcpy(name, text, (size_t)(colon - text));
	name[colon - text] = '\0';
	if (cli_enum_parse(cli_skill_kind_enum, name, kind) != 0)
		return cli_usage(ctx, "--%s: unknown skill kind \"%s\" (one of %s)", opt, name,
		                 cli_enum_choices(cli_skill_kind_enum, choices, sizeof(choices)));
	*value = colon + 1;
	return CLI_OK;
}

/* The parsed "--limit N" (0 when absent). */
static int parse_limit(cli_ctx *ctx, const cli_args *a, uint32_t *limit)
{
	const char *v = cli_arg(a, "limit");
	*limit = 0;
	if (!v)
		return CLI_OK;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 1000000000)
		return cli_usage(ctx, "--limit: expected a positive number, got \"%s\"", v);
	*limit = (uint32_t)n;
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* Staff output                                                        */
/* ------------------------------------------------------------------ */

static void staff_json(cli_json *j, const csvc_staff *st)
{
	cj_obj(j);
	cj_kuuid(j, "id", csvc_staff_id(st));
	cj_kstr(j, "code", csvc_staff_code(st));
	cj_kstr(j, "name", csvc_staff_name(st));
	cj_kstr(j, "employee_number", csvc_staff_employee_number(st));
	cj_kstr(j, "home_store", csvc_staff_home_store(st));
	cj_kstr(j, "calendar", csvc_staff_calendar(st));
	cj_key(j, "active");
	cj_bool(j, csvc_staff_active(st));
	cj_key(j, "teams");
	cj_arr(j);
	for (size_t i = 0; i < csvc_staff_team_count(st); i++)
		cj_str(j, csvc_staff_team(st, i));
	cj_end_arr(j);
	cj_key(j, "roles");
	cj_arr(j);
	for (size_t i = 0; i < csvc_staff_role_count(st); i++)
		cj_str(j, csvc_staff_role(st, i));
	cj_end_arr(j);
	cj_key(j, "skills");
	cj_arr(j);
	for (size_t i = 0; i < csvc_staff_skill_count(st); i++) {
		int32_t kind = 0;
		const char *value = NULL;
		csvc_staff_skill_at(st, i, &kind, &value);
		cj_obj(j);
		cj_kstr(j, "kind", cli_enum_name(cli_skill_kind_enum, kind));
		cj_kstr(j, "value", value);
		cj_end_obj(j);
	}
	cj_end_arr(j);
	cj_kint(j, "revision", csvc_staff_revision(st));
	cj_ktime(j, "created_at", csvc_staff_created_at(st));
	cj_ktime(j, "updated_at", csvc_staff_updated_at(st));
	cj_end_obj(j);
}

/* The teams, ", "-separated ("" for none). */
static void join_teams(const csvc_staff *st, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < csvc_staff_team_count(st) && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", csvc_staff_team(st, i));
}

/* The role codes, ", "-separated ("" for none). */
static void join_roles(const csvc_staff *st, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < csvc_staff_role_count(st) && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", csvc_staff_role(st, i));
}

/* The skills as "kind:value", ", "-separated ("" for none). */
static void join_skills(const csvc_staff *st, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < csvc_staff_skill_count(st) && o < size; i++) {
		int32_t kind = 0;
		const char *value = NULL;
		csvc_staff_skill_at(st, i, &kind, &value);
		o += (size_t)snprintf(buf + o, size - o, "%s%s:%s", i ? ", " : "",
		                      cli_enum_name(cli_skill_kind_enum, kind), value);
	}
}

static void print_staff(const csvc_staff *st)
{
	char buf[8192], t[CLI_TIME_LEN];
	const size_t w = 16;
	csvc_uuid_to_string(csvc_staff_id(st), buf);
	cli_kv("id", buf, w);
	cli_kv("code", csvc_staff_code(st), w);
	cli_kv("name", csvc_staff_name(st), w);
	cli_kv("employee number", csvc_staff_employee_number(st), w);
	cli_kv("home store", csvc_staff_home_store(st), w);
	cli_kv("calendar", csvc_staff_calendar(st), w);
	cli_kv("status", cli_status_name(csvc_staff_active(st)), w);
	join_teams(st, buf, sizeof(buf));
	cli_kv("teams", buf, w);
	join_roles(st, buf, sizeof(buf));
	cli_kv("roles", buf, w);
	join_skills(st, buf, sizeof(buf));
	cli_kv("skills", buf, w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_staff_revision(st));
	cli_kv("revision", buf, w);
	cli_format_time(csvc_staff_created_at(st), t);
	cli_kv("created", t, w);
	cli_format_time(csvc_staff_updated_at(st), t);
	cli_kv("updated", t, w);
}

static void output_staff(cli_ctx *ctx, const csvc_staff *st)
{
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		staff_json(&j, st);
		cj_done(&j);
	} else {
		print_staff(st);
	}
}

/* ------------------------------------------------------------------ */
/* Staff: setting fields from options                                  */
/* ------------------------------------------------------------------ */

/* Applies one option (name without "--") to a staff record; others are skipped. */
static int staff_option(cli_ctx *ctx, csvc_staff *st, const char *name, const char *v)
{
	int rc;
	int32_t kind;
	const char *value;
	char what[64];
	if (!strcmp(name, "name"))
		rc = csvc_staff_set_name(st, v);
	else if (!strcmp(name, "employee-number"))
		rc = csvc_staff_set_employee_number(st, v);
	else if (!strcmp(name, "no-employee-number"))
		rc = csvc_staff_set_employee_number(st, NULL);
	else if (!strcmp(name, "home-store"))
		rc = csvc_staff_set_home_store(st, v);
	else if (!strcmp(name, "no-home-store"))
		rc = csvc_staff_set_home_store(st, NULL);
	else if (!strcmp(name, "calendar"))
		rc = csvc_staff_set_calendar(st, v);
	else if (!strcmp(name, "no-calendar"))
		rc = csvc_staff_set_calendar(st, NULL);
	else if (!strcmp(name, "team") || !strcmp(name, "add-team"))
		rc = csvc_staff_add_team(st, v);
	else if (!strcmp(name, "remove-team"))
		rc = csvc_staff_remove_team(st, v);
	else if (!strcmp(name, "role") || !strcmp(name, "add-role"))
		rc = csvc_staff_add_role(st, v);
	else if (!strcmp(name, "remove-role"))
		rc = csvc_staff_remove_role(st, v);
	else if (!strcmp(name, "skill") || !strcmp(name, "add-skill") || !strcmp(name, "remove-skill")) {
		if ((rc = parse_skill(ctx, name, v, &kind, &value)) != CLI_OK)
			return rc;
		rc = name[0] == 'r' ? csvc_staff_remove_skill(st, kind, value) : csvc_staff_add_skill(st, kind, value);
	} else
		return CLI_OK;
	if (rc != CSVC_OK) {
		snprintf(what, sizeof(what), "--%s", name);
		return cli_lib_error(ctx, rc, what);
	}
	return CLI_OK;
}

static int staff_options(cli_ctx *ctx, csvc_staff *st, const cli_args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		int rc = staff_option(ctx, st, a->name[i], a->value[i]);
		if (rc != CLI_OK)
			return rc;
	}
	return CLI_OK;
}

/* Refuses a value option given together with its --no- form. */
static int exclusive(cli_ctx *ctx, const cli_args *a, const char *set, const char *clear)
{
	if (cli_has(a, set) && cli_has(a, clear))
		return cli_usage(ctx, "--%s and --%s exclude each other", set, clear);
	return CLI_OK;
}

static int get_staff(cli_ctx *ctx, const char *code, csvc_staff **out)
{
	int rc = csvc_staff_get(ctx->store, code, out);
	return rc == CSVC_OK ? CLI_OK : cli_lib_error(ctx, rc, NULL);
}

/* ------------------------------------------------------------------ */
/* staff add, show                                                     */
/* ------------------------------------------------------------------ */

static const char staff_add_help[] =
	"usage: csvc staff add CODE NAME [OPTIONS]\n"
	"\n"
	"Creates a staff member and prints the record. CODE is the host's own\n"
	"staff ID or login (unique, never changed); NAME the display name.\n"
	"\n"
	"Options:\n"
	"  --employee-number N    unique when set\n"
	"  --home-store CODE      e.g. SH01\n"
	"  --calendar NAME        a stored calendar of the staff member's shifts\n"
	"  --team CODE            a team or department to join (repeatable)\n"
	"  --role CODE            a role to hold, e.g. receptionist (repeatable; see\n"
	"                         csvc role list)\n"
	"  --skill KIND:VALUE     a skill (repeatable); KIND is one of\n"
	"                         ticket_kind|category|language|channel,\n"
	"                         e.g. language:yue, channel:wechat, ticket_kind:complaint\n"
	"\n"
	"The team and role codes and the calendar must exist. The global --actor\n"
	"names who made the change.\n";

static int cmd_staff_add(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"employee-number", 1}, {"home-store", 1}, {"calendar", 1}, {"team", 1},
	                               {"role", 1},            {"skill", 1},      {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "CODE and NAME")))
		return rc;
	csvc_staff *st = NULL;
	if ((rc = csvc_staff_new(&st, a.pos[0], a.pos[1])) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if ((rc = staff_options(ctx, st, &a)) != CLI_OK)
		goto out;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_staff_create(ctx->store, st, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_staff(ctx, st);
	rc = CLI_OK;
out:
	csvc_staff_free(st);
	return rc;
}

static const char staff_show_help[] =
	"usage: csvc staff show CODE\n"
	"\n"
	"Prints one staff member, active or not.\n";

static int cmd_staff_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "staff CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_staff *st = NULL;
	if ((rc = get_staff(ctx, a.pos[0], &st)) != CLI_OK)
		return rc;
	output_staff(ctx, st);
	csvc_staff_free(st);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* staff list                                                          */
/* ------------------------------------------------------------------ */

static const char staff_list_help[] =
	"usage: csvc staff list [FILTERS] [--limit N] [--after STAFF]\n"
	"\n"
	"Lists the active staff members matching every filter given, in creation\n"
	"order.\n"
	"\n"
	"Filters:\n"
	"  --team CODE          members of this team or department\n"
	"  --home-store CODE    with this home store\n"
	"  --skill KIND:VALUE   with this skill\n"
	"  --inactive           deactivated staff members only\n"
	"  --all                active and deactivated ones\n"
	"  --limit N            at most N staff members\n"
	"  --after STAFF        start after this staff member (its code or UUID), to\n"
	"                       page through a long list\n";

static void staff_row(cli_table *t, const csvc_staff *st)
{
	char buf[4096];
	cli_table_cell(t, csvc_staff_code(st));
	cli_table_cell(t, csvc_staff_name(st));
	cli_table_cell(t, csvc_staff_employee_number(st));
	cli_table_cell(t, csvc_staff_home_store(st));
	join_teams(st, buf, sizeof(buf));
	cli_table_cell(t, buf[0] ? buf : NULL);
	join_skills(st, buf, sizeof(buf));
	cli_table_cell(t, buf[0] ? buf : NULL);
	cli_table_cell(t, cli_status_name(csvc_staff_active(st)));
}

static const char *const staff_headers[] = {"CODE", "NAME", "EMPLOYEE NO", "STORE", "TEAMS", "SKILLS", "STATUS"};

/* Prints the staff members of an iterator as a table or a JSON array. */
static int print_staff_iter(cli_ctx *ctx, csvc_staff_iter *it, const char *none)
{
	cli_table *t = ctx->json ? NULL : cli_table_new(7, staff_headers);
	if (t) {
		cli_table_max_width(t, 1, 20);
		cli_table_max_width(t, 4, 30);
		cli_table_max_width(t, 5, 40);
	}
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json)
		cj_arr(&j);
	csvc_staff *st = NULL;
	size_t count = 0;
	int rc;
	while ((rc = csvc_staff_iter_next(it, &st)) == CSVC_OK) {
		count++;
		if (ctx->json)
			staff_json(&j, st);
		else
			staff_row(t, st);
		csvc_staff_free(st);
	}
	if (rc != CSVC_ITEROVER) {
		if (t)
			cli_table_print(t, stdout);
		return cli_lib_error(ctx, rc, NULL);
	}
	if (ctx->json) {
		cj_end_arr(&j);
		cj_done(&j);
	} else if (count) {
		cli_table_print(t, stdout);
	} else {
		cli_table_free(t);
		puts(none);
	}
	return CLI_OK;
}

static int cmd_staff_list(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"team", 1},     {"home-store", 1}, {"skill", 1}, {"inactive", 0},
	                               {"all", 0},      {"limit", 1},      {"after", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	csvc_staff_query q = CSVC_STAFF_QUERY_INIT;
	q.team = cli_arg(&a, "team");
	q.home_store = cli_arg(&a, "home-store");
	if (cli_has(&a, "inactive") && cli_has(&a, "all"))
		return cli_usage(ctx, "--inactive and --all exclude each other");
	q.status = cli_has(&a, "inactive") ? CSVC_STAFF_STATUS_INACTIVE
	           : cli_has(&a, "all")    ? CSVC_STAFF_STATUS_ANY
	                                   : CSVC_STAFF_STATUS_ACTIVE;
	if (cli_arg(&a, "skill") &&
	    (rc = parse_skill(ctx, "skill", cli_arg(&a, "skill"), &q.skill_kind, &q.skill_value)) != CLI_OK)
		return rc;
	if ((rc = parse_limit(ctx, &a, &q.limit)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	const char *after = cli_arg(&a, "after");
	if (after && csvc_uuid_from_string(after, &q.after) != CSVC_OK) {
		/* Not a UUID: a staff member's code. */
		csvc_staff *st = NULL;
		if ((rc = csvc_staff_get(ctx->store, after, &st)) != CSVC_OK)
			return cli_lib_error(ctx, rc, "--after");
		q.after = *csvc_staff_id(st);
		csvc_staff_free(st);
	}
	csvc_staff_iter *it = NULL;
	if ((rc = csvc_staff_iter_new(ctx->store, &q, &it)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	rc = print_staff_iter(ctx, it, "(no staff members)");
	csvc_staff_iter_free(it);
	return rc;
}

/* ------------------------------------------------------------------ */
/* staff update, deactivate, activate                                  */
/* ------------------------------------------------------------------ */

static const char staff_update_help[] =
	"usage: csvc staff update CODE [OPTIONS] [--revision N]\n"
	"\n"
	"Changes a staff member and prints the updated record. The record is read,\n"
	"changed and saved only if no one else changed it in between (else the\n"
	"command fails and changes nothing). Options apply in the order given.\n"
	"\n"
	"Options:\n"
	"  --name TEXT                  the display name\n"
	"  --employee-number N          set the employee number\n"
	"  --no-employee-number         clear it\n"
	"  --home-store CODE            set the home store\n"
	"  --no-home-store              clear it\n"
	"  --calendar NAME              set the shift calendar (a stored calendar)\n"
	"  --no-calendar                clear it\n"
	"  --add-team CODE              join a team or department (repeatable)\n"
	"  --remove-team CODE           leave one (repeatable)\n"
	"  --add-role CODE              give a role (repeatable)\n"
	"  --remove-role CODE           take one away (repeatable)\n"
	"  --add-skill KIND:VALUE       add a skill (repeatable)\n"
	"  --remove-skill KIND:VALUE    remove one (repeatable)\n"
	"  --revision N                 fail unless the staff member is still at\n"
	"                               revision N\n"
	"\n"
	"Deactivate or reactivate with 'csvc staff deactivate' and 'activate'.\n";

static int cmd_staff_update(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"name", 1},         {"employee-number", 1}, {"no-employee-number", 0}, {"home-store", 1},
		{"no-home-store", 0}, {"calendar", 1},       {"no-calendar", 0},        {"add-team", 1},
		{"remove-team", 1},  {"add-role", 1},        {"remove-role", 1},        {"add-skill", 1},
		{"remove-skill", 1}, {"revision", 1},        {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "staff CODE")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if ((rc = exclusive(ctx, &a, "employee-number", "no-employee-number")) ||
	    (rc = exclusive(ctx, &a, "home-store", "no-home-store")) ||
	    (rc = exclusive(ctx, &a, "calendar", "no-calendar")))
		return rc;
	if (a.n == (size_t)cli_has(&a, "revision"))
		return cli_usage(ctx, "nothing to change");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_staff *st = NULL;
	if ((rc = get_staff(ctx, a.pos[0], &st)) != CLI_OK)
		return rc;
	if ((rc = cli_check_revision(ctx, "staff member", a.pos[0], rev, csvc_staff_revision(st))) == CLI_OK &&
	    (rc = staff_options(ctx, st, &a)) == CLI_OK) {
		if ((rc = csvc_staff_update(ctx->store, st, ctx->actor)) != CSVC_OK)
			rc = cli_lib_error(ctx, rc, NULL);
		else
			output_staff(ctx, st);
	}
	csvc_staff_free(st);
	return rc;
}

static const char staff_deactivate_help[] =
	"usage: csvc staff deactivate CODE\n"
	"\n"
	"Deactivates a staff member: the record and its history stay (staff members\n"
	"are never deleted), but it leaves the default 'csvc staff list' and the\n"
	"team member lists. Prints the staff member's status and revision.\n";

static const char staff_activate_help[] =
	"usage: csvc staff activate CODE\n"
	"\n"
	"Reactivates a deactivated staff member. Prints the staff member's status\n"
	"and revision.\n";

static int set_staff_active(cli_ctx *ctx, int argc, char **argv, int active)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "staff CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_staff *st = NULL;
	if ((rc = get_staff(ctx, a.pos[0], &st)) != CLI_OK)
		return rc;
	if ((rc = csvc_staff_set_active(st, active)) != CSVC_OK ||
	    (rc = csvc_staff_update(ctx->store, st, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
	} else if (ctx->json) {
		output_staff(ctx, st);
	} else {
		printf("staff member %s: %s, revision %lld\n", cli_show(csvc_staff_code(st)),
		       cli_status_name(csvc_staff_active(st)), (long long)csvc_staff_revision(st));
	}
	csvc_staff_free(st);
	return rc;
}

static int cmd_staff_deactivate(cli_ctx *ctx, int argc, char **argv)
{
	return set_staff_active(ctx, argc, argv, 0);
}

static int cmd_staff_activate(cli_ctx *ctx, int argc, char **argv)
{
	return set_staff_active(ctx, argc, argv, 1);
}

static const char staff_references_help[] =
	"usage: csvc staff references [on|off]\n"
	"\n"
	"Shows the store's staff references, or turns them on or off. With them on,\n"
	"a ticket's assignee must be an active staff member's code, its team an\n"
	"active team's code, and every actor (--as) a staff code or a system actor\n"
	"(sla, system). The setting is stored in the store: every program that opens\n"
	"it obeys it. Turning it on checks nothing already stored; see 'csvc staff\n"
	"adopt'. Prints the setting.\n";

static void print_references(cli_ctx *ctx, int on)
{
	if (ctx->json)
		printf("{\"staff_references\":%s}\n", on ? "true" : "false");
	else
		printf("staff references %s\n", on ? "on" : "off");
}

static int cmd_staff_references(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 1, "on or off")))
		return rc;
	int on = -1;
	if (a.npos == 1) {
		if (strcmp(a.pos[0], "on") == 0)
			on = 1;
		else if (strcmp(a.pos[0], "off") == 0)
			on = 0;
		else
			return cli_usage(ctx, "staff references: expected on or off, got '%s'", a.pos[0]);
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if (on >= 0 && (rc = csvc_staff_set_references(ctx->store, on, ctx->actor)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	int now = csvc_staff_references(ctx->store);
	if (now < 0)
		return cli_lib_error(ctx, now, NULL);
	print_references(ctx, now);
	return CLI_OK;
}

static const char staff_adopt_help[] =
	"usage: csvc staff adopt\n"
	"\n"
	"Adopts the store's free text into the staff directory, then turns its staff\n"
	"references on, in one transaction: every ticket assignee and recorded actor\n"
	"that is neither a staff code nor a system actor becomes an active staff\n"
	"member (code and name: the text), every ticket team that is not a team\n"
	"becomes a customer-service group. Reports by assignee stay as they were.\n"
	"A value that cannot be a code refuses the whole adoption. Running it again\n"
	"creates only what is new. Prints how many were created.\n";

static int cmd_staff_adopt(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "no argument")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	int64_t ns = 0, nt = 0;
	if ((rc = csvc_staff_adopt(ctx->store, ctx->actor, &ns, &nt)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json)
		printf("{\"staff_created\":%lld,\"teams_created\":%lld,\"staff_references\":true}\n", (long long)ns,
		       (long long)nt);
	else
		printf("adopted %lld staff member%s and %lld team%s; staff references on\n", (long long)ns,
		       ns == 1 ? "" : "s", (long long)nt, nt == 1 ? "" : "s");
	return CLI_OK;
}

/* cli-appraisal.c */
extern const char cli_staff_report_help[], cli_staff_appraise_help[], cli_staff_appraisals_help[];
int cli_cmd_staff_report(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_staff_appraise(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_staff_appraisals(cli_ctx *ctx, int argc, char **argv);

const cli_command cli_staff_commands[] = {
	{"add", "create a staff member", staff_add_help, cmd_staff_add},
	{"show", "print one staff member", staff_show_help, cmd_staff_show},
	{"list", "list staff members by team, home store, skill and status", staff_list_help, cmd_staff_list},
	{"update", "change a staff member: name, numbers, teams, roles, skills", staff_update_help, cmd_staff_update},
	{"deactivate", "deactivate a staff member (never deleted)", staff_deactivate_help, cmd_staff_deactivate},
	{"activate", "reactivate a staff member", staff_activate_help, cmd_staff_activate},
	{"report", "a staff member's figures for an appraisal period", cli_staff_report_help, cli_cmd_staff_report},
	{"appraise", "record an appraisal: supervisor, customer, peer or self", cli_staff_appraise_help,
	 cli_cmd_staff_appraise},
	{"appraisals", "list a staff member's appraisals and their means", cli_staff_appraisals_help,
	 cli_cmd_staff_appraisals},
	{"references", "show or turn on/off the store's staff references", staff_references_help,
	 cmd_staff_references},
	{"adopt", "adopt free-text assignees, teams and actors as staff, then references on", staff_adopt_help,
	 cmd_staff_adopt},
	{NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------------ */
/* Teams                                                               */
/* ------------------------------------------------------------------ */

static void team_json_fields(cli_json *j, const csvc_team *team)
{
	cj_kstr(j, "code", csvc_team_code(team));
	cj_kstr(j, "name", csvc_team_name(team));
	cj_kstr(j, "kind", cli_enum_name(cli_team_kind_enum, csvc_team_kind(team)));
	cj_kstr(j, "store", csvc_team_store(team));
	cj_key(j, "active");
	cj_bool(j, csvc_team_active(team));
	cj_kint(j, "revision", csvc_team_revision(team));
}

static void print_team(const csvc_team *team)
{
	char buf[256];
	const size_t w = 10;
	cli_kv("code", csvc_team_code(team), w);
	cli_kv("name", csvc_team_name(team), w);
	cli_kv("kind", cli_enum_label(cli_team_kind_enum, csvc_team_kind(team), buf, sizeof(buf)), w);
	cli_kv("store", csvc_team_store(team) ? csvc_team_store(team) : "- (chain-wide)", w);
	cli_kv("status", cli_status_name(csvc_team_active(team)), w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_team_revision(team));
	cli_kv("revision", buf, w);
}

static void output_team(cli_ctx *ctx, const csvc_team *team)
{
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		team_json_fields(&j, team);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		print_team(team);
	}
}

static int parse_team_kind(cli_ctx *ctx, const char *text, int32_t *kind)
{
	char choices[128];
	if (cli_enum_parse(cli_team_kind_enum, text, kind) != 0)
		return cli_usage(ctx, "--kind: unknown value \"%s\" (one of %s)", text,
		                 cli_enum_choices(cli_team_kind_enum, choices, sizeof(choices)));
	return CLI_OK;
}

static const char team_add_help[] =
	"usage: csvc team add CODE NAME --kind KIND [--store CODE]\n"
	"\n"
	"Creates a customer-service group or a department and prints it. CODE is\n"
	"1 to 64 characters of a-z, 0-9, '_', '.', '-' (unique, never changed).\n"
	"\n"
	"Options:\n"
	"  --kind KIND      cs_group (客服组: 咨询组, 投诉处理组, ...) or department\n"
	"                   (部门: 物业, 财务, ...) (required)\n"
	"  --store CODE     the retail store it works for (default: chain-wide)\n";

static int cmd_team_add(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"kind", 1}, {"store", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "CODE and NAME")))
		return rc;
	int32_t kind;
	if (!cli_arg(&a, "kind"))
		return cli_usage(ctx, "missing --kind KIND");
	if ((rc = parse_team_kind(ctx, cli_arg(&a, "kind"), &kind)) != CLI_OK)
		return rc;
	csvc_team *team = NULL;
	if ((rc = csvc_team_new(&team, a.pos[0], a.pos[1], (csvc_team_kind_t)kind)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (cli_arg(&a, "store") && (rc = csvc_team_set_store(team, cli_arg(&a, "store"))) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, "--store");
		goto out;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_team_create(ctx->store, team, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_team(ctx, team);
	rc = CLI_OK;
out:
	csvc_team_free(team);
	return rc;
}

static const char team_list_help[] =
	"usage: csvc team list [--kind KIND]\n"
	"\n"
	"Lists the teams and departments, active or not, in creation order.\n"
	"\n"
	"Options:\n"
	"  --kind KIND      cs_group or department only\n";

static int cmd_team_list(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"kind", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	int32_t kind = 0;
	if (cli_arg(&a, "kind") && (rc = parse_team_kind(ctx, cli_arg(&a, "kind"), &kind)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_team **teams = NULL;
	size_t n = 0;
	if ((rc = csvc_team_list(ctx->store, (csvc_team_kind_t)kind, &teams, &n)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_arr(&j);
		for (size_t i = 0; i < n; i++) {
			cj_obj(&j);
			team_json_fields(&j, teams[i]);
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_done(&j);
	} else if (n) {
		static const char *const headers[] = {"CODE", "NAME", "KIND", "STORE", "STATUS"};
		cli_table *t = cli_table_new(5, headers);
		for (size_t i = 0; i < n; i++) {
			cli_table_cell(t, csvc_team_code(teams[i]));
			cli_table_cell(t, csvc_team_name(teams[i]));
			cli_table_cell(t, cli_enum_name(cli_team_kind_enum, csvc_team_kind(teams[i])));
			cli_table_cell(t, csvc_team_store(teams[i]));
			cli_table_cell(t, cli_status_name(csvc_team_active(teams[i])));
		}
		cli_table_print(t, stdout);
	} else {
		puts("(no teams)");
	}
	csvc_team_list_free(teams, n);
	return CLI_OK;
}

static const char team_show_help[] =
	"usage: csvc team show CODE\n"
	"\n"
	"Prints a team or department and its active members.\n";

static int cmd_team_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "team CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_team *team = NULL;
	csvc_staff_iter *it = NULL;
	if ((rc = csvc_team_get(ctx->store, a.pos[0], &team)) != CSVC_OK ||
	    (rc = csvc_team_members(ctx->store, a.pos[0], &it)) != CSVC_OK) {
		csvc_team_free(team);
		return cli_lib_error(ctx, rc, NULL);
	}
	csvc_staff *st = NULL;
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		team_json_fields(&j, team);
		cj_key(&j, "members");
		cj_arr(&j);
		while ((rc = csvc_staff_iter_next(it, &st)) == CSVC_OK) {
			cj_obj(&j);
			cj_kuuid(&j, "id", csvc_staff_id(st));
			cj_kstr(&j, "code", csvc_staff_code(st));
			cj_kstr(&j, "name", csvc_staff_name(st));
			cj_end_obj(&j);
			csvc_staff_free(st);
		}
		if (rc == CSVC_ITEROVER) {
			cj_end_arr(&j);
			cj_end_obj(&j);
			cj_done(&j);
		}
	} else {
		print_team(team);
		static const char *const headers[] = {"CODE", "NAME", "EMPLOYEE NO", "STORE"};
		cli_table *t = cli_table_new(4, headers);
		size_t count = 0;
		while ((rc = csvc_staff_iter_next(it, &st)) == CSVC_OK) {
			count++;
			cli_table_cell(t, csvc_staff_code(st));
			cli_table_cell(t, csvc_staff_name(st));
			cli_table_cell(t, csvc_staff_employee_number(st));
			cli_table_cell(t, csvc_staff_home_store(st));
			csvc_staff_free(st);
		}
		char label[32];
		snprintf(label, sizeof(label), "%zu", count);
		cli_kv("members", label, 10);
		if (count && rc == CSVC_ITEROVER) {
			putchar('\n');
			cli_table_print(t, stdout);
		} else {
			cli_table_free(t);
		}
	}
	csvc_staff_iter_free(it);
	csvc_team_free(team);
	return rc == CSVC_ITEROVER ? CLI_OK : cli_lib_error(ctx, rc, "members");
}

static const char team_update_help[] =
	"usage: csvc team update CODE [OPTIONS] [--revision N]\n"
	"\n"
	"Changes a team or department and prints it. As 'csvc staff update', the\n"
	"team is saved only if no one else changed it since it was read.\n"
	"\n"
	"Options:\n"
	"  --name TEXT      the display name\n"
	"  --store CODE     the retail store it works for\n"
	"  --no-store       make it chain-wide\n"
	"  --deactivate     deactivate it (it keeps its members; teams are never\n"
	"                   deleted)\n"
	"  --activate       reactivate it\n"
	"  --revision N     fail unless the team is still at revision N\n";

static int cmd_team_update(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"name", 1},       {"store", 1},    {"no-store", 0}, {"deactivate", 0},
	                               {"activate", 0},   {"revision", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "team CODE")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if ((rc = exclusive(ctx, &a, "store", "no-store")) || (rc = exclusive(ctx, &a, "deactivate", "activate")))
		return rc;
	if (a.n == (size_t)cli_has(&a, "revision"))
		return cli_usage(ctx, "nothing to change");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_team *team = NULL;
	if ((rc = csvc_team_get(ctx->store, a.pos[0], &team)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if ((rc = cli_check_revision(ctx, "team", a.pos[0], rev, csvc_team_revision(team))) != CLI_OK)
		goto out;
	const char *what = NULL;
	if (cli_arg(&a, "name") && (rc = csvc_team_set_name(team, cli_arg(&a, "name"))) != CSVC_OK)
		what = "--name";
	else if (cli_arg(&a, "store") && (rc = csvc_team_set_store(team, cli_arg(&a, "store"))) != CSVC_OK)
		what = "--store";
	else if (cli_has(&a, "no-store"))
		rc = csvc_team_set_store(team, NULL);
	if (rc == CSVC_OK && (cli_has(&a, "deactivate") || cli_has(&a, "activate")))
		rc = csvc_team_set_active(team, cli_has(&a, "activate"));
	if (rc == CSVC_OK && (rc = csvc_team_update(ctx->store, team, ctx->actor)) == CSVC_OK) {
		output_team(ctx, team);
		rc = CLI_OK;
	} else {
		rc = cli_lib_error(ctx, rc, what);
	}
out:
	csvc_team_free(team);
	return rc;
}

const cli_command cli_team_commands[] = {
	{"add", "create a customer-service group or a department", team_add_help, cmd_team_add},
	{"show", "print a team and its members", team_show_help, cmd_team_show},
	{"list", "list the teams and departments", team_list_help, cmd_team_list},
	{"update", "rename, move to a store, deactivate or reactivate a team", team_update_help, cmd_team_update},
	{NULL, NULL, NULL, NULL}};
