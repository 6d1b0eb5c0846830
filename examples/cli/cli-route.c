/*
 * csvc route: list, show, add, update, install-defaults.
 *
 * Written against csvc/route.h. Strategies and customer classes are named
 * by the library (csvc_enum_name, csvc_enum_parse); the tool only adds
 * their Chinese labels. Tickets are routed when they are opened ('csvc
 * ticket open' without --assignee and --team) and again with 'csvc ticket
 * route' (cli-ticket.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* A rule's criteria, by option name, with their getters and setters: the
 * text criteria are handled alike (set with --NAME, cleared with --any-NAME). */
typedef struct route_criterion {
	const char *opt;
	const char *(*get)(const csvc_route_rule *);
	int (*set)(csvc_route_rule *, const char *);
} route_criterion;

static const route_criterion criteria[] = {
	{"kind", csvc_route_rule_kind, csvc_route_rule_set_kind},
	{"category", csvc_route_rule_category, csvc_route_rule_set_category},
	{"channel", csvc_route_rule_channel, csvc_route_rule_set_channel},
	{"store", csvc_route_rule_store, csvc_route_rule_set_store},
};
#define N_CRITERIA (sizeof(criteria) / sizeof(criteria[0]))

/* "kind=complaint store=SH01 customer_class=vip", or "" when the rule
 * matches every ticket. */
static const char *match_text(const csvc_route_rule *r, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_CRITERIA && o < size; i++) {
		const char *v = criteria[i].get(r);
		if (v)
			o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", o ? " " : "", criteria[i].opt, v);
	}
	int32_t cls = csvc_route_rule_customer_class(r);
	if (cls && o < size)
		snprintf(buf + o, size - o, "%scustomer_class=%s", o ? " " : "", cli_enum_name(cli_class_enum, cls));
	return buf;
}

static void route_json(cli_json *j, const csvc_route_rule *r)
{
	int32_t cls = csvc_route_rule_customer_class(r);
	cj_obj(j);
	cj_kstr(j, "code", csvc_route_rule_code(r));
	cj_kint(j, "position", csvc_route_rule_position(r));
	cj_kstr(j, "team", csvc_route_rule_team(r));
	cj_kstr(j, "strategy", cli_enum_name(cli_route_strategy_enum, csvc_route_rule_strategy(r)));
	cj_key(j, "match");
	cj_obj(j);
	for (size_t i = 0; i < N_CRITERIA; i++)
		cj_kstr(j, criteria[i].opt, criteria[i].get(r));
	cj_kstr(j, "customer_class", cls ? cli_enum_name(cli_class_enum, cls) : NULL);
	cj_end_obj(j);
	cj_key(j, "designated");
	cj_bool(j, csvc_route_rule_designated(r));
	cj_key(j, "active");
	cj_bool(j, csvc_route_rule_active(r));
	cj_kint(j, "revision", csvc_route_rule_revision(r));
	cj_end_obj(j);
}

static void print_route(const csvc_route_rule *r)
{
	char buf[256];
	const size_t w = 14;
	int32_t cls = csvc_route_rule_customer_class(r);
	cli_kv("code", csvc_route_rule_code(r), w);
	snprintf(buf, sizeof(buf), "%d", (int)csvc_route_rule_position(r));
	cli_kv("position", buf, w);
	cli_kv("team", csvc_route_rule_team(r), w);
	cli_kv("strategy",
	       cli_enum_label(cli_route_strategy_enum, csvc_route_rule_strategy(r), buf, sizeof(buf)), w);
	/* An unset criterion matches anything: say so rather than "-". */
	for (size_t i = 0; i < N_CRITERIA; i++) {
		const char *v = criteria[i].get(r);
		cli_kv(criteria[i].opt, v ? v : "(any)", w);
	}
	cli_kv("customer class", cls ? cli_enum_label(cli_class_enum, cls, buf, sizeof(buf)) : "(any)", w);
	cli_kv("designated", csvc_route_rule_designated(r) ? "yes" : "no", w);
	cli_kv("status", cli_status_name(csvc_route_rule_active(r)), w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_route_rule_revision(r));
	cli_kv("revision", buf, w);
}

static void output_route(cli_ctx *ctx, const csvc_route_rule *r)
{
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		route_json(&j, r);
		cj_done(&j);
	} else {
		print_route(r);
	}
}

/* ------------------------------------------------------------------ */
/* Option values                                                       */
/* ------------------------------------------------------------------ */

static int parse_strategy(cli_ctx *ctx, const char *text, int32_t *strategy)
{
	char choices[128];
	if (cli_enum_parse(cli_route_strategy_enum, text, strategy) != 0)
		return cli_usage(ctx, "--strategy: unknown value \"%s\" (one of %s)", text,
		                 cli_enum_choices(cli_route_strategy_enum, choices, sizeof(choices)));
	return CLI_OK;
}

static int parse_class(cli_ctx *ctx, const char *text, int32_t *cls)
{
	char choices[128];
	if (cli_enum_parse(cli_class_enum, text, cls) != 0)
		return cli_usage(ctx, "--customer-class: unknown value \"%s\" (one of %s)", text,
		                 cli_enum_choices(cli_class_enum, choices, sizeof(choices)));
	return CLI_OK;
}

static int parse_position(cli_ctx *ctx, const char *text, int32_t *pos)
{
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (!*text || *end || errno || n < INT32_MIN || n > INT32_MAX)
		return cli_usage(ctx, "--position: expected a whole number, got \"%s\"", text);
	*pos = (int32_t)n;
	return CLI_OK;
}

/* Checks every option value before the store is opened (usage errors
 * first): strategies, classes and positions parse, criteria are not
 * empty, and no criterion is both set and cleared. */
static int check_options(cli_ctx *ctx, const cli_args *a)
{
	int rc;
	for (size_t i = 0; i < a->n; i++) {
		const char *n = a->name[i], *v = a->value[i];
		int32_t x;
		if (!strcmp(n, "strategy") && (rc = parse_strategy(ctx, v, &x)) != CLI_OK)
			return rc;
		if (!strcmp(n, "customer-class") && (rc = parse_class(ctx, v, &x)) != CLI_OK)
			return rc;
		if (!strcmp(n, "position") && (rc = parse_position(ctx, v, &x)) != CLI_OK)
			return rc;
	}
	for (size_t i = 0; i < N_CRITERIA; i++) {
		char any[32];
		const char *v = cli_arg(a, criteria[i].opt);
		snprintf(any, sizeof(any), "any-%s", criteria[i].opt);
		if (v && !*v)
			return cli_usage(ctx, "--%s: empty value (--%s matches any %s)", criteria[i].opt, any,
			                 criteria[i].opt);
		if (v && cli_has(a, any))
			return cli_usage(ctx, "--%s and --%s exclude each other", criteria[i].opt, any);
	}
	if (cli_has(a, "customer-class") && cli_has(a, "any-customer-class"))
		return cli_usage(ctx, "--customer-class and --any-customer-class exclude each other");
	if (cli_has(a, "designated") && cli_has(a, "no-designated"))
		return cli_usage(ctx, "--designated and --no-designated exclude each other");
	if (cli_has(a, "activate") && cli_has(a, "deactivate"))
		return cli_usage(ctx, "--deactivate and --activate exclude each other");
	return CLI_OK;
}

/* Applies one option (name without "--") to a rule; others are skipped.
 * Values have been checked by check_options. */
static int route_option(cli_ctx *ctx, csvc_route_rule *r, const char *name, const char *v)
{
	int rc = CSVC_OK;
	int32_t n;
	const route_criterion *c = NULL;
	for (size_t i = 0; i < N_CRITERIA && !c; i++)
		if (!strcmp(name, criteria[i].opt) || (!strncmp(name, "any-", 4) && !strcmp(name + 4, criteria[i].opt)))
			c = &criteria[i];
	if (c) {
		rc = c->set(r, strncmp(name, "any-", 4) ? v : NULL);
	} else if (!strcmp(name, "team")) {
		rc = csvc_route_rule_set_team(r, v);
	} else if (!strcmp(name, "strategy")) {
		parse_strategy(ctx, v, &n);
		rc = csvc_route_rule_set_strategy(r, (csvc_route_strategy_t)n);
	} else if (!strcmp(name, "position")) {
		parse_position(ctx, v, &n);
		rc = csvc_route_rule_set_position(r, n);
	} else if (!strcmp(name, "customer-class") || !strcmp(name, "any-customer-class")) {
		n = 0;
		if (name[0] == 'c')
			parse_class(ctx, v, &n);
		rc = csvc_route_rule_set_customer_class(r, n);
	} else if (!strcmp(name, "designated") || !strcmp(name, "no-designated")) {
		rc = csvc_route_rule_set_designated(r, name[0] == 'd');
	} else if (!strcmp(name, "activate") || !strcmp(name, "deactivate")) {
		rc = csvc_route_rule_set_active(r, name[0] == 'a');
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

/* ------------------------------------------------------------------ */
/* route list, show                                                    */
/* ------------------------------------------------------------------ */

static const char route_list_help[] =
	"usage: csvc route list\n"
	"\n"
	"Lists the routing rules, active or not, in the order they are tried\n"
	"(position, then code). MATCH shows the criteria a ticket must meet (\"-\":\n"
	"every ticket); DESIGNATED \"yes\" keeps a ticket's handler when it is\n"
	"routed again while they are on shift.\n";

/* Prints the rules of the open store, as 'route list' does. */
static int list_rules(cli_ctx *ctx)
{
	csvc_route_rule **rules = NULL;
	size_t n = 0;
	int rc = csvc_route_rule_list(ctx->store, &rules, &n);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_arr(&j);
		for (size_t i = 0; i < n; i++)
			route_json(&j, rules[i]);
		cj_end_arr(&j);
		cj_done(&j);
	} else if (n) {
		static const char *const headers[] = {"POSITION", "CODE",       "TEAM",  "STRATEGY",
		                                      "MATCH",    "DESIGNATED", "STATUS"};
		char buf[512];
		cli_table *t = cli_table_new(7, headers);
		cli_table_max_width(t, 4, 60);
		for (size_t i = 0; i < n; i++) {
			cli_table_cellf(t, "%d", (int)csvc_route_rule_position(rules[i]));
			cli_table_cell(t, csvc_route_rule_code(rules[i]));
			cli_table_cell(t, csvc_route_rule_team(rules[i]));
			cli_table_cell(t, cli_enum_name(cli_route_strategy_enum, csvc_route_rule_strategy(rules[i])));
			match_text(rules[i], buf, sizeof(buf));
			cli_table_cell(t, buf[0] ? buf : NULL);
			cli_table_cell(t, csvc_route_rule_designated(rules[i]) ? "yes" : "no");
			cli_table_cell(t, cli_status_name(csvc_route_rule_active(rules[i])));
		}
		cli_table_print(t, stdout);
	} else {
		puts("(no routing rules)");
	}
	csvc_route_rule_list_free(rules, n);
	return CLI_OK;
}

static int cmd_route_list(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	return list_rules(ctx);
}

static const char route_show_help[] =
	"usage: csvc route show CODE\n"
	"\n"
	"Prints a routing rule, active or not.\n";

static int cmd_route_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "rule CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_route_rule *r = NULL;
	if ((rc = csvc_route_rule_get(ctx->store, a.pos[0], &r)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	output_route(ctx, r);
	csvc_route_rule_free(r);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* route add, update, install-defaults                                 */
/* ------------------------------------------------------------------ */

static const char route_add_help[] =
	"usage: csvc route add CODE --team TEAM --strategy STRATEGY [OPTIONS]\n"
	"\n"
	"Creates a routing rule and prints it. CODE is 1 to 64 characters of a-z,\n"
	"0-9, '_', '.', '-' (unique, never changed). Rules are tried in order of\n"
	"position, then code; the first active rule that matches a ticket and\n"
	"whose team is active sends it to that team and picks a member on shift.\n"
	"A criterion not given matches any ticket.\n"
	"\n"
	"Options:\n"
	"  --team TEAM              the team it sends tickets to (required)\n"
	"  --strategy STRATEGY      how it picks a member (required):\n"
	"                           round_robin (轮流分配: each in turn), least_load\n"
	"                           (负载最少: the fewest open tickets) or best_skill\n"
	"                           (技能匹配: the most skills matching the ticket)\n"
	"  --position N             lower is tried first (default 0)\n"
	"  --kind KIND              match tickets of this kind\n"
	"  --category CATEGORY      match tickets of this category\n"
	"  --channel CHANNEL        match tickets from this channel\n"
	"  --store CODE             match tickets of this store\n"
	"  --customer-class CLASS   match tickets of customers of this class:\n"
	"                           vip, important, ordinary or potential\n"
	"  --designated             keep a ticket's handler while they are on shift\n"
	"                           when it is routed again (专人负责)\n"
	"\n"
	"Routing is opt-in: 'csvc route install-defaults' installs the handbook's\n"
	"rules. Tickets opened without --assignee and --team are routed.\n";

static const cli_opt route_add_opts[] = {
	{"team", 1},     {"strategy", 1}, {"position", 1},       {"kind", 1},       {"category", 1},
	{"channel", 1},  {"store", 1},    {"customer-class", 1}, {"designated", 0}, {NULL, 0}};

static int cmd_route_add(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, route_add_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "rule CODE")))
		return rc;
	if (!cli_arg(&a, "team"))
		return cli_usage(ctx, "missing --team TEAM");
	if (!cli_arg(&a, "strategy"))
		return cli_usage(ctx, "missing --strategy STRATEGY");
	if ((rc = check_options(ctx, &a)) != CLI_OK)
		return rc;
	int32_t strategy;
	parse_strategy(ctx, cli_arg(&a, "strategy"), &strategy);
	csvc_route_rule *r = NULL;
	if ((rc = csvc_route_rule_new(&r, a.pos[0], cli_arg(&a, "team"), (csvc_route_strategy_t)strategy)) !=
	    CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	for (size_t i = 0; i < a.n; i++)
		if (strcmp(a.name[i], "team") && strcmp(a.name[i], "strategy") &&
		    (rc = route_option(ctx, r, a.name[i], a.value[i])) != CLI_OK)
			goto out;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_route_rule_create(ctx->store, r, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_route(ctx, r);
	rc = CLI_OK;
out:
	csvc_route_rule_free(r);
	return rc;
}

static const char route_update_help[] =
	"usage: csvc route update CODE [OPTIONS] [--revision N]\n"
	"\n"
	"Changes a routing rule and prints it. As 'csvc role update', the rule is\n"
	"saved only if no one else changed it since it was read; options apply in\n"
	"the order given. A change applies to the tickets routed after it.\n"
	"\n"
	"Options:\n"
	"  --team TEAM, --strategy STRATEGY, --position N\n"
	"  --kind KIND, --category CATEGORY, --channel CHANNEL, --store CODE,\n"
	"  --customer-class CLASS\n"
	"                           as for 'csvc route add'\n"
	"  --any-kind, --any-category, --any-channel, --any-store,\n"
	"  --any-customer-class     clear that criterion: match any value\n"
	"  --designated             keep a ticket's handler when routed again\n"
	"  --no-designated          do not\n"
	"  --deactivate             deactivate it: it is skipped (rules are never\n"
	"                           deleted)\n"
	"  --activate               reactivate it\n"
	"  --revision N             fail unless the rule is still at revision N\n";

static int cmd_route_update(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"team", 1},         {"strategy", 1},       {"position", 1},           {"kind", 1},
		{"any-kind", 0},     {"category", 1},       {"any-category", 0},       {"channel", 1},
		{"any-channel", 0},  {"store", 1},          {"any-store", 0},          {"customer-class", 1},
		{"any-customer-class", 0}, {"designated", 0}, {"no-designated", 0},   {"activate", 0},
		{"deactivate", 0},   {"revision", 1},       {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "rule CODE")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if (a.n == (size_t)cli_has(&a, "revision"))
		return cli_usage(ctx, "nothing to change");
	if ((rc = check_options(ctx, &a)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_route_rule *r = NULL;
	if ((rc = csvc_route_rule_get(ctx->store, a.pos[0], &r)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if ((rc = cli_check_revision(ctx, "routing rule", a.pos[0], rev, csvc_route_rule_revision(r))) != CLI_OK)
		goto out;
	for (size_t i = 0; i < a.n; i++)
		if ((rc = route_option(ctx, r, a.name[i], a.value[i])) != CLI_OK)
			goto out;
	if ((rc = csvc_route_rule_update(ctx->store, r, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_route(ctx, r);
	rc = CLI_OK;
out:
	csvc_route_rule_free(r);
	return rc;
}

static const char route_defaults_help[] =
	"usage: csvc route install-defaults\n"
	"\n"
	"Installs the handbook's routing rules the store does not have yet, then\n"
	"lists the rules: complaints (kind complaint) to the complaints group\n"
	"(投诉处理组) by least load, with a designated handler, and inquiries (kind\n"
	"inquiry) to the consultation group (咨询组) in turn. Their teams must exist\n"
	"('csvc init --defaults' installs them). 'csvc init --defaults' does not\n"
	"install these rules: routing is opt-in. Installing twice changes nothing.\n";

static int cmd_route_defaults(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if ((rc = csvc_route_install_defaults(ctx->store)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "installing the routing rules");
	return list_rules(ctx);
}

const cli_command cli_route_commands[] = {
	{"list", "list the routing rules in the order they are tried", route_list_help, cmd_route_list},
	{"show", "print a routing rule", route_show_help, cmd_route_show},
	{"add", "create a routing rule", route_add_help, cmd_route_add},
	{"update", "change, deactivate or reactivate a routing rule", route_update_help, cmd_route_update},
	{"install-defaults", "install the handbook's routing rules", route_defaults_help, cmd_route_defaults},
	{NULL, NULL, NULL, NULL}};
