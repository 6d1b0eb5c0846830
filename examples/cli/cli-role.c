/*
 * csvc role: list, show, add, update.
 *
 * Written against csvc/access.h. Permissions and scopes are named by the
 * library (csvc_enum_name, csvc_enum_parse); the tool only adds the
 * scopes' Chinese labels. A staff member's roles are set with
 * 'csvc staff add --role' and 'csvc staff update --add-role' (cli-staff.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* Room for every permission name, joined: they are the library's, and
 * grow only by appending. */
#define PERMS_BUF 2048

/* The permissions the role grants, in value order, joined by `sep`
 * ("" for none). */
static const char *join_perms(const csvc_role *role, const char *sep, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int32_t v = 1; v < 256 && o < size; v++) {
		const char *name = csvc_enum_name(CSVC_ENUM_PERMISSION, v);
		if (name && csvc_role_allows(role, (csvc_permission_t)v))
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? sep : "", name);
	}
	return buf;
}

static void role_json(cli_json *j, const csvc_role *role)
{
	cj_obj(j);
	cj_kstr(j, "code", csvc_role_code(role));
	cj_kstr(j, "name", csvc_role_name(role));
	cj_kstr(j, "scope", cli_enum_name(cli_role_scope_enum, csvc_role_scope(role)));
	cj_key(j, "active");
	cj_bool(j, csvc_role_active(role));
	cj_key(j, "permissions");
	cj_arr(j);
	for (int32_t v = 1; v < 256; v++) {
		const char *name = csvc_enum_name(CSVC_ENUM_PERMISSION, v);
		if (name && csvc_role_allows(role, (csvc_permission_t)v))
			cj_str(j, name);
	}
	cj_end_arr(j);
	cj_kint(j, "revision", csvc_role_revision(role));
	cj_end_obj(j);
}

static void print_role(const csvc_role *role)
{
	char buf[PERMS_BUF];
	const size_t w = 11;
	cli_kv("code", csvc_role_code(role), w);
	cli_kv("name", csvc_role_name(role), w);
	cli_kv("scope", cli_enum_label(cli_role_scope_enum, csvc_role_scope(role), buf, sizeof(buf)), w);
	cli_kv("status", cli_status_name(csvc_role_active(role)), w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_role_revision(role));
	cli_kv("revision", buf, w);
	/* One permission a line: a role may hold a dozen. */
	int first = 1;
	for (int32_t v = 1; v < 256; v++) {
		const char *name = csvc_enum_name(CSVC_ENUM_PERMISSION, v);
		if (name && csvc_role_allows(role, (csvc_permission_t)v)) {
			cli_kv(first ? "permissions" : "", name, w);
			first = 0;
		}
	}
	if (first)
		cli_kv("permissions", NULL, w);
}

static void output_role(cli_ctx *ctx, const csvc_role *role)
{
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		role_json(&j, role);
		cj_done(&j);
	} else {
		print_role(role);
	}
}

static int parse_scope(cli_ctx *ctx, const char *text, int32_t *scope)
{
	char choices[128];
	if (cli_enum_parse(cli_role_scope_enum, text, scope) != 0)
		return cli_usage(ctx, "--scope: unknown value \"%s\" (one of %s)", text,
		                 cli_enum_choices(cli_role_scope_enum, choices, sizeof(choices)));
	return CLI_OK;
}

static int parse_perm(cli_ctx *ctx, const char *opt, const char *text, int32_t *perm)
{
	char choices[PERMS_BUF];
	if (cli_enum_parse(cli_permission_enum, text, perm) != 0)
		return cli_usage(ctx, "--%s: unknown permission \"%s\" (one of %s)", opt, text,
		                 cli_enum_choices(cli_permission_enum, choices, sizeof(choices)));
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* role list, show                                                     */
/* ------------------------------------------------------------------ */

static const char role_list_help[] =
	"usage: csvc role list\n"
	"\n"
	"Lists the roles, active or not, in creation order, with the permissions\n"
	"each grants.\n";

static int cmd_role_list(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_role **roles = NULL;
	size_t n = 0;
	if ((rc = csvc_role_list(ctx->store, &roles, &n)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_arr(&j);
		for (size_t i = 0; i < n; i++)
			role_json(&j, roles[i]);
		cj_end_arr(&j);
		cj_done(&j);
	} else if (n) {
		static const char *const headers[] = {"CODE", "NAME", "SCOPE", "STATUS", "PERMISSIONS"};
		char buf[PERMS_BUF];
		cli_table *t = cli_table_new(5, headers);
		cli_table_max_width(t, 4, 60);
		for (size_t i = 0; i < n; i++) {
			cli_table_cell(t, csvc_role_code(roles[i]));
			cli_table_cell(t, csvc_role_name(roles[i]));
			cli_table_cell(t, cli_enum_name(cli_role_scope_enum, csvc_role_scope(roles[i])));
			cli_table_cell(t, cli_status_name(csvc_role_active(roles[i])));
			join_perms(roles[i], ", ", buf, sizeof(buf));
			cli_table_cell(t, buf[0] ? buf : NULL);
		}
		cli_table_print(t, stdout);
	} else {
		puts("(no roles)");
	}
	csvc_role_list_free(roles, n);
	return CLI_OK;
}

static const char role_show_help[] =
	"usage: csvc role show CODE\n"
	"\n"
	"Prints a role, active or not, and the permissions it grants.\n";

static int cmd_role_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "role CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_role *role = NULL;
	if ((rc = csvc_role_get(ctx->store, a.pos[0], &role)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	output_role(ctx, role);
	csvc_role_free(role);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* role add, update                                                    */
/* ------------------------------------------------------------------ */

static const char role_add_help[] =
	"usage: csvc role add CODE NAME --scope store|chain [--perm PERMISSION ...]\n"
	"\n"
	"Creates a role and prints it. CODE is 1 to 64 characters of a-z, 0-9, '_',\n"
	"'.', '-' (unique, never changed); NAME the display name.\n"
	"\n"
	"Options:\n"
	"  --scope SCOPE        store (门店: its holders see their home store's\n"
	"                       records) or chain (连锁: every store's) (required)\n"
	"  --perm PERMISSION    a permission it grants (repeatable), such as\n"
	"                       ticket_read or customer_search: see 'csvc role show'\n"
	"                       of a handbook role, or docs/access.md\n"
	"\n"
	"'csvc init --defaults' installs the handbook's roles (receptionist,\n"
	"cashier, guide, service_agent, specialist, supervisor, security_officer,\n"
	"auditor, data_admin). Give roles to staff members with 'csvc staff add\n"
	"--role' or 'csvc staff update --add-role'.\n";

static int cmd_role_add(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"scope", 1}, {"perm", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "CODE and NAME")))
		return rc;
	int32_t scope;
	if (!cli_arg(&a, "scope"))
		return cli_usage(ctx, "missing --scope SCOPE");
	if ((rc = parse_scope(ctx, cli_arg(&a, "scope"), &scope)) != CLI_OK)
		return rc;
	csvc_role *role = NULL;
	if ((rc = csvc_role_new(&role, a.pos[0], a.pos[1], (csvc_role_scope_t)scope)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	for (size_t i = 0; i < a.n; i++) {
		int32_t perm;
		if (strcmp(a.name[i], "perm") != 0)
			continue;
		if ((rc = parse_perm(ctx, "perm", a.value[i], &perm)) != CLI_OK)
			goto out;
		if ((rc = csvc_role_grant(role, (csvc_permission_t)perm)) != CSVC_OK) {
			rc = cli_lib_error(ctx, rc, "--perm");
			goto out;
		}
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_role_create(ctx->store, role, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_role(ctx, role);
	rc = CLI_OK;
out:
	csvc_role_free(role);
	return rc;
}

static const char role_update_help[] =
	"usage: csvc role update CODE [OPTIONS] [--revision N]\n"
	"\n"
	"Changes a role and prints it. As 'csvc staff update', the role is saved\n"
	"only if no one else changed it since it was read. Options apply in the\n"
	"order given. A change reaches a staff member's access the next time they\n"
	"are made the principal (the next command run with --as).\n"
	"\n"
	"Options:\n"
	"  --name TEXT          the display name\n"
	"  --scope SCOPE        store or chain\n"
	"  --grant PERMISSION   grant a permission (repeatable)\n"
	"  --revoke PERMISSION  revoke one (repeatable)\n"
	"  --deactivate         deactivate it: it grants nothing (roles are never\n"
	"                       deleted)\n"
	"  --activate           reactivate it\n"
	"  --revision N         fail unless the role is still at revision N\n";

/* Applies one option (name without "--") to a role; others are skipped. */
static int role_option(cli_ctx *ctx, csvc_role *role, const char *name, const char *v)
{
	int rc;
	int32_t n;
	if (!strcmp(name, "name")) {
		rc = csvc_role_set_name(role, v);
	} else if (!strcmp(name, "scope")) {
		if ((rc = parse_scope(ctx, v, &n)) != CLI_OK)
			return rc;
		rc = csvc_role_set_scope(role, (csvc_role_scope_t)n);
	} else if (!strcmp(name, "grant") || !strcmp(name, "revoke")) {
		if ((rc = parse_perm(ctx, name, v, &n)) != CLI_OK)
			return rc;
		rc = name[0] == 'g' ? csvc_role_grant(role, (csvc_permission_t)n) : csvc_role_revoke(role, (csvc_permission_t)n);
	} else if (!strcmp(name, "activate") || !strcmp(name, "deactivate")) {
		rc = csvc_role_set_active(role, name[0] == 'a');
	} else {
		return CLI_OK;
	}
	if (rc != CSVC_OK) {
		char what[64];
		snprintf(what, sizeof(what), "--%s", name);
		return cli_lib_error(ctx, rc, what);
	}
	return CLI_OK;
}

static int cmd_role_update(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"name", 1},       {"scope", 1},      {"grant", 1},    {"revoke", 1},
	                               {"deactivate", 0}, {"activate", 0},   {"revision", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "role CODE")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if (cli_has(&a, "deactivate") && cli_has(&a, "activate"))
		return cli_usage(ctx, "--deactivate and --activate exclude each other");
	if (a.n == (size_t)cli_has(&a, "revision"))
		return cli_usage(ctx, "nothing to change");
	/* Usage errors before the store is opened: every value parses. */
	for (size_t i = 0; i < a.n; i++) {
		int32_t n;
		if (!strcmp(a.name[i], "scope") && (rc = parse_scope(ctx, a.value[i], &n)) != CLI_OK)
			return rc;
		if ((!strcmp(a.name[i], "grant") || !strcmp(a.name[i], "revoke")) &&
		    (rc = parse_perm(ctx, a.name[i], a.value[i], &n)) != CLI_OK)
			return rc;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_role *role = NULL;
	if ((rc = csvc_role_get(ctx->store, a.pos[0], &role)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if ((rc = cli_check_revision(ctx, "role", a.pos[0], rev, csvc_role_revision(role))) != CLI_OK)
		goto out;
	for (size_t i = 0; i < a.n; i++)
		if ((rc = role_option(ctx, role, a.name[i], a.value[i])) != CLI_OK)
			goto out;
	if ((rc = csvc_role_update(ctx->store, role, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_role(ctx, role);
	rc = CLI_OK;
out:
	csvc_role_free(role);
	return rc;
}

const cli_command cli_role_commands[] = {
	{"list", "list the roles and their permissions", role_list_help, cmd_role_list},
	{"show", "print a role and its permissions", role_show_help, cmd_role_show},
	{"add", "create a role", role_add_help, cmd_role_add},
	{"update", "rename, rescope, grant, revoke, deactivate or reactivate a role", role_update_help,
	 cmd_role_update},
	{NULL, NULL, NULL, NULL}};
