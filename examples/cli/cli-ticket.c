/*
 * csvc ticket: open, show, list, move, reply, note, assign, route, link, merge,
 * history. A ticket is named by its UUID or its number (SH01-000001).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

void cli_ticket_json(cli_json *j, const csvc_ticket *t)
{
	cj_obj(j);
	cj_kuuid(j, "id", csvc_ticket_id(t));
	cj_kstr(j, "number", csvc_ticket_number(t));
	cj_kstr(j, "kind", csvc_ticket_kind(t));
	cj_kstr(j, "store", csvc_ticket_store_code(t));
	cj_kuuid(j, "customer", csvc_ticket_customer(t));
	cj_kstr(j, "channel", csvc_ticket_channel(t));
	cj_kstr(j, "category", csvc_ticket_category(t));
	cj_kstr(j, "state", csvc_ticket_state(t));
	cj_kstr(j, "state_category", cli_enum_name(cli_category_enum, csvc_ticket_state_category(t)));
	cj_kstr(j, "workflow", csvc_ticket_workflow(t));
	cj_kint(j, "workflow_version", csvc_ticket_workflow_version(t));
	cj_kstr(j, "urgency", cli_enum_name(cli_urgency_enum, csvc_ticket_urgency(t)));
	cj_kstr(j, "importance", cli_enum_name(cli_importance_enum, csvc_ticket_importance(t)));
	cj_kstr(j, "impact", cli_enum_name(cli_impact_enum, csvc_ticket_impact(t)));
	cj_kstr(j, "priority", cli_enum_name(cli_priority_enum, csvc_ticket_priority(t)));
	cj_key(j, "priority_overridden");
	cj_bool(j, csvc_ticket_priority_overridden(t));
	cj_kstr(j, "assignee", csvc_ticket_assignee(t));
	cj_kstr(j, "team", csvc_ticket_team(t));
	cj_kstr(j, "subject", csvc_ticket_subject(t));
	cj_kstr(j, "description", csvc_ticket_description(t));
	cj_kstr(j, "order_ref", csvc_ticket_order_ref(t));
	cj_kint(j, "revision", csvc_ticket_revision(t));
	cj_ktime(j, "created_at", csvc_ticket_created_at(t));
	cj_ktime(j, "updated_at", csvc_ticket_updated_at(t));
	cj_end_obj(j);
}

void cli_event_json(cli_json *j, const csvc_event *ev)
{
	cj_obj(j);
	cj_kstr(j, "ticket_number", csvc_event_ticket_number(ev));
	cj_kint(j, "seq", csvc_event_seq(ev));
	cj_ktime(j, "at", csvc_event_at(ev));
	cj_kstr(j, "type", csvc_event_type(ev));
	cj_kstr(j, "actor", csvc_event_actor(ev));
	cj_kstr(j, "from_state", csvc_event_from_state(ev));
	cj_kstr(j, "to_state", csvc_event_to_state(ev));
	cj_key(j, "payload");
	cj_raw(j, csvc_event_payload(ev));
	cj_end_obj(j);
}

int cli_find_ticket(cli_ctx *ctx, const char *ref, csvc_ticket **out)
{
	csvc_uuid id;
	int rc;
	if (csvc_uuid_from_string(ref, &id) == CSVC_OK)
		rc = csvc_ticket_get(ctx->store, &id, out);
	else
		rc = csvc_ticket_get_by_number(ctx->store, ref, out);
	if (rc == CSVC_ENOTFOUND || rc == CSVC_EINVAL)
		return cli_error(ctx, "no ticket %s", ref);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, ref);
	return CLI_OK;
}

/* "analysing 分析" from the ticket's workflow version, else the bare name. */
static void state_label(cli_ctx *ctx, const csvc_ticket *t, const char *state, char *buf, size_t size)
{
	csvc_workflow *wf = NULL;
	snprintf(buf, size, "%s", state ? state : "-");
	if (!state || csvc_workflow_load(ctx->store, csvc_ticket_workflow(t), csvc_ticket_workflow_version(t),
	                                 &wf) != CSVC_OK)
		return;
	for (size_t i = 0; i < csvc_workflow_state_count(wf); i++) {
		const char *name, *zh;
		csvc_workflow_state_at(wf, i, &name, NULL, &zh, NULL);
		if (!strcmp(name, state) && zh)
			snprintf(buf, size, "%s %s", state, zh);
	}
	csvc_workflow_free(wf);
}

static void print_targets(cli_ctx *ctx, const csvc_uuid *id)
{
	csvc_sla_iter *it = NULL;
	csvc_sla_target *st = NULL;
	if (csvc_sla_ticket_targets(ctx->store, id, &it) != CSVC_OK)
		return;
	static const char *const headers[] = {"SLA TARGET", "STATUS", "DUE", "USED", "LEFT", "USED%", "MET", "BREACHED"};
	cli_table *t = cli_table_new(8, headers);
	int any = 0;
	while (csvc_sla_iter_next(it, &st) == CSVC_OK) {
		char due[CLI_TIME_LEN], used[CLI_TIME_LEN], left[CLI_TIME_LEN], met[CLI_TIME_LEN], br[CLI_TIME_LEN];
		cli_format_time(csvc_sla_target_due_at(st), due);
		cli_format_seconds(csvc_sla_target_used(st), used);
		cli_format_seconds(csvc_sla_target_remaining(st), left);
		cli_format_time(csvc_sla_target_met_at(st), met);
		cli_format_time(csvc_sla_target_breached_at(st), br);
		cli_table_cell(t, csvc_sla_target_name(st));
		cli_table_cell(t, cli_enum_name(cli_sla_status_enum, csvc_sla_target_status(st)));
		cli_table_cell(t, csvc_sla_target_due_at(st) ? due : NULL);
		cli_table_cellf(t, "%ss", used);
		cli_table_cellf(t, "%ss", left);
		cli_table_cellf(t, "%.0f%%", csvc_sla_target_percent_used(st));
		cli_table_cell(t, csvc_sla_target_met_at(st) ? met : NULL);
		cli_table_cell(t, csvc_sla_target_breached_at(st) ? br : NULL);
		csvc_sla_target_free(st);
		any = 1;
	}
	csvc_sla_iter_free(it);
	if (any) {
		putchar('\n');
		cli_table_print(t, stdout);
	} else {
		cli_table_free(t);
	}
}

static void print_ticket(cli_ctx *ctx, const csvc_ticket *t)
{
	char buf[256], tm[CLI_TIME_LEN];
	const size_t w = 14;
	cli_kv("number", csvc_ticket_number(t), w);
	csvc_uuid_to_string(csvc_ticket_id(t), buf);
	cli_kv("id", buf, w);
	cli_kv("kind", csvc_ticket_kind(t), w);
	cli_kv("store", csvc_ticket_store_code(t), w);
	state_label(ctx, t, csvc_ticket_state(t), buf, sizeof(buf));
	size_t n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, " (%s)", cli_enum_name(cli_category_enum, csvc_ticket_state_category(t)));
	cli_kv("state", buf, w);
	snprintf(buf, sizeof(buf), "%s v%d", csvc_ticket_workflow(t), (int)csvc_ticket_workflow_version(t));
	cli_kv("workflow", buf, w);
	if (csvc_ticket_customer(t))
		csvc_uuid_to_string(csvc_ticket_customer(t), buf);
	cli_kv("customer", csvc_ticket_customer(t) ? buf : NULL, w);
	cli_kv("channel", csvc_ticket_channel(t), w);
	cli_kv("category", csvc_ticket_category(t), w);
	snprintf(buf, sizeof(buf), "%s%s (urgency %s, importance %s, impact %s)",
	         cli_enum_name(cli_priority_enum, csvc_ticket_priority(t)),
	         csvc_ticket_priority_overridden(t) ? ", set by hand" : "",
	         cli_enum_name(cli_urgency_enum, csvc_ticket_urgency(t)),
	         cli_enum_name(cli_importance_enum, csvc_ticket_importance(t)),
	         cli_enum_name(cli_impact_enum, csvc_ticket_impact(t)));
	cli_kv("priority", buf, w);
	cli_kv("assignee", csvc_ticket_assignee(t), w);
	cli_kv("team", csvc_ticket_team(t), w);
	cli_kv("order", csvc_ticket_order_ref(t), w);
	cli_kv("subject", csvc_ticket_subject(t), w);
	cli_kv("description", csvc_ticket_description(t), w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_ticket_revision(t));
	cli_kv("revision", buf, w);
	cli_format_time(csvc_ticket_created_at(t), tm);
	cli_kv("created", tm, w);
	cli_format_time(csvc_ticket_updated_at(t), tm);
	cli_kv("updated", tm, w);
}

/* The sub-tasks handed off from a ticket, under its SLA targets. */
static void print_subtasks(cli_ctx *ctx, const csvc_ticket *t)
{
	csvc_ticket **list = NULL;
	size_t n = 0, open = 0;
	if (csvc_ticket_subtasks(ctx->store, csvc_ticket_id(t), &list, &n, &open) != CSVC_OK || n == 0)
		return;
	static const char *const headers[] = {"SUB-TASK", "DEPARTMENT", "ASSIGNEE", "STATE", "SUBJECT"};
	cli_table *tab = cli_table_new(5, headers);
	cli_table_max_width(tab, 4, 40);
	for (size_t i = 0; i < n; i++) {
		char state[256];
		state_label(ctx, list[i], csvc_ticket_state(list[i]), state, sizeof(state));
		cli_table_cell(tab, csvc_ticket_number(list[i]));
		cli_table_cell(tab, csvc_ticket_team(list[i]));
		cli_table_cell(tab, csvc_ticket_assignee(list[i]));
		cli_table_cellf(tab, "%s (%s)", state, cli_enum_name(cli_category_enum, csvc_ticket_state_category(list[i])));
		cli_table_cell(tab, csvc_ticket_subject(list[i]));
	}
	csvc_ticket_subtasks_free(list, n);
	printf("\nsub-tasks: %zu, open %zu\n", n, open);
	cli_table_print(tab, stdout);
}

static void output_ticket(cli_ctx *ctx, const csvc_ticket *t, int with_sla)
{
	if (!ctx->json) {
		print_ticket(ctx, t);
		if (with_sla) {
			print_targets(ctx, csvc_ticket_id(t));
			print_subtasks(ctx, t);
		}
		return;
	}
	cli_json j;
	cj_init(&j, stdout);
	if (!with_sla) {
		cli_ticket_json(&j, t);
		cj_done(&j);
		return;
	}
	cj_obj(&j);
	cj_key(&j, "ticket");
	cli_ticket_json(&j, t);
	cj_key(&j, "sla");
	cj_arr(&j);
	csvc_sla_iter *it = NULL;
	csvc_sla_target *st = NULL;
	if (csvc_sla_ticket_targets(ctx->store, csvc_ticket_id(t), &it) == CSVC_OK) {
		while (csvc_sla_iter_next(it, &st) == CSVC_OK) {
			cli_sla_target_json(&j, st);
			csvc_sla_target_free(st);
		}
		csvc_sla_iter_free(it);
	}
	cj_end_arr(&j);
	cj_key(&j, "subtasks");
	cj_arr(&j);
	csvc_ticket **list = NULL;
	size_t n = 0;
	if (csvc_ticket_subtasks(ctx->store, csvc_ticket_id(t), &list, &n, NULL) == CSVC_OK) {
		for (size_t i = 0; i < n; i++)
			cli_ticket_json(&j, list[i]);
		csvc_ticket_subtasks_free(list, n);
	}
	cj_end_arr(&j);
	cj_end_obj(&j);
	cj_done(&j);
}

static int parse_enum_opt(cli_ctx *ctx, const cli_args *a, const char *name, const cli_enum *e,
                          int32_t *out)
{
	const char *v = cli_arg(a, name);
	char choices[128];
	if (v && cli_enum_parse(e, v, out) != 0)
		return cli_usage(ctx, "--%s: unknown value \"%s\" (one of %s)", name, v,
		                 cli_enum_choices(e, choices, sizeof(choices)));
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* open, show, list                                                    */
/* ------------------------------------------------------------------ */

static const char open_help[] =
	"usage: csvc ticket open --kind KIND --store CODE [OPTIONS]\n"
	"\n"
	"Opens a ticket and prints its number (with --json: the ticket). The kind\n"
	"picks the workflow (inquiry, complaint, after_sales, need, suggestion,\n"
	"facility, emergency, reservation with the handbook defaults); the number\n"
	"is per store: SH01-000001, SH01-000002, ...\n"
	"\n"
	"Options:\n"
	"  --kind KIND            ticket kind (required)\n"
	"  --store CODE           store code, e.g. SH01 (required)\n"
	"  --customer UUID\n"
	"  --channel NAME         store_counter, phone, online_chat, email, wechat, app,\n"
	"                         on_site, suggestion_box, kiosk, chatbot\n"
	"  --category TEXT        e.g. 商品质量, 服务态度\n"
	"  --urgency U            emergency|major|general\n"
	"  --importance I         high|medium|low\n"
	"  --impact I             wide|group|individual\n"
	"  --priority P           critical|high|normal|low (else derived)\n"
	"  --subject TEXT, --description TEXT\n"
	"  --order REF            the purchase it concerns (receipt or order number)\n"
	"  --assignee NAME, --team NAME\n";

static int cmd_open(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"kind", 1},     {"store", 1},   {"customer", 1}, {"channel", 1},    {"category", 1},
		{"urgency", 1},  {"importance", 1}, {"impact", 1}, {"priority", 1}, {"subject", 1},
		{"description", 1}, {"order", 1}, {"assignee", 1}, {"team", 1},     {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if (!cli_arg(&a, "kind") || !cli_arg(&a, "store"))
		return cli_usage(ctx, "--kind and --store are required");
	int32_t urgency = 0, importance = 0, impact = 0, priority = 0;
	if ((rc = parse_enum_opt(ctx, &a, "urgency", cli_urgency_enum, &urgency)) ||
	    (rc = parse_enum_opt(ctx, &a, "importance", cli_importance_enum, &importance)) ||
	    (rc = parse_enum_opt(ctx, &a, "impact", cli_impact_enum, &impact)) ||
	    (rc = parse_enum_opt(ctx, &a, "priority", cli_priority_enum, &priority)))
		return rc;
	csvc_uuid customer;
	if (cli_arg(&a, "customer") &&
	    (rc = cli_parse_uuid(ctx, cli_arg(&a, "customer"), "--customer", &customer)))
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = csvc_ticket_new(&t, cli_arg(&a, "kind"), cli_arg(&a, "store"))) != CSVC_OK)
		return cli_lib_error(ctx, rc, "ticket");
	const char *failed = NULL;
#define SET(opt, call)                              \
	if (!failed && (rc = (call)) != CSVC_OK)        \
		failed = opt;
	SET("--customer", cli_arg(&a, "customer") ? csvc_ticket_set_customer(t, &customer) : CSVC_OK)
	SET("--channel", csvc_ticket_set_channel(t, cli_arg(&a, "channel")))
	SET("--category", csvc_ticket_set_category(t, cli_arg(&a, "category")))
	SET("--urgency", csvc_ticket_set_urgency(t, urgency))
	SET("--importance", csvc_ticket_set_importance(t, importance))
	SET("--impact", csvc_ticket_set_impact(t, impact))
	SET("--priority", csvc_ticket_set_priority(t, priority))
	SET("--subject", csvc_ticket_set_subject(t, cli_arg(&a, "subject")))
	SET("--description", csvc_ticket_set_description(t, cli_arg(&a, "description")))
	SET("--order", csvc_ticket_set_order_ref(t, cli_arg(&a, "order")))
	SET("--assignee", csvc_ticket_set_assignee(t, cli_arg(&a, "assignee"), cli_arg(&a, "team")))
#undef SET
	if (failed) {
		rc = cli_lib_error(ctx, rc, failed);
		csvc_ticket_free(t);
		return rc;
	}
	if ((rc = cli_open_store(ctx, 0)) == CLI_OK) {
		if ((rc = csvc_ticket_create(ctx->store, t, ctx->actor)) != CSVC_OK)
			rc = cli_lib_error(ctx, rc, NULL);
		else if (ctx->json)
			output_ticket(ctx, t, 0);
		else
			puts(csvc_ticket_number(t));
	}
	csvc_ticket_free(t);
	return rc;
}

static const char tshow_help[] =
	"usage: csvc ticket show TICKET\n"
	"\n"
	"Prints a ticket (by UUID or number, e.g. SH01-000001) with its SLA targets\n"
	"as of the store clock (--now) and the sub-tasks handed off from it to\n"
	"departments (csvc ticket handoff), with how many are open.\n";

static int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "ticket")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	output_ticket(ctx, t, 1);
	csvc_ticket_free(t);
	return CLI_OK;
}

static const char list_help[] =
	"usage: csvc ticket list [FILTERS]\n"
	"\n"
	"Lists tickets matching every filter given, in creation order.\n"
	"\n"
	"Filters:\n"
	"  --store CODE, --kind KIND, --state NAME, --assignee NAME, --team NAME,\n"
	"  --channel NAME, --customer UUID\n"
	"  --category C     state category: new|open|waiting|resolved|closed|cancelled\n"
	"  --open           only tickets not closed or cancelled\n"
	"  --priority P     critical|high|normal|low\n"
	"  --text TEXT      a substring of the subject, description or a comment\n"
	"  --limit N        at most N tickets\n";

static int cmd_list(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"store", 1},    {"kind", 1},  {"state", 1},    {"assignee", 1}, {"team", 1},  {"channel", 1},
		{"customer", 1}, {"category", 1}, {"open", 0}, {"priority", 1}, {"text", 1}, {"limit", 1},
		{NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.store_code = cli_arg(&a, "store");
	q.kind = cli_arg(&a, "kind");
	q.state = cli_arg(&a, "state");
	q.assignee = cli_arg(&a, "assignee");
	q.team = cli_arg(&a, "team");
	q.channel = cli_arg(&a, "channel");
	q.text = cli_arg(&a, "text");
	q.open_only = cli_has(&a, "open");
	csvc_uuid customer;
	if (cli_arg(&a, "customer")) {
		if ((rc = cli_parse_uuid(ctx, cli_arg(&a, "customer"), "--customer", &customer)))
			return rc;
		q.customer = &customer;
	}
	if ((rc = parse_enum_opt(ctx, &a, "category", cli_category_enum, &q.state_category)) ||
	    (rc = parse_enum_opt(ctx, &a, "priority", cli_priority_enum, &q.priority)))
		return rc;
	if (cli_arg(&a, "limit")) {
		char *end;
		long n = strtol(cli_arg(&a, "limit"), &end, 10);
		if (*end || n < 1 || n > 1000000000)
			return cli_usage(ctx, "--limit: expected a positive number, got \"%s\"", cli_arg(&a, "limit"));
		q.limit = (uint32_t)n;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket_iter *it = NULL;
	if ((rc = csvc_ticket_iter_new(ctx->store, &q, &it)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	return cli_print_tickets(ctx, it);
}

int cli_print_tickets(cli_ctx *ctx, csvc_ticket_iter *it)
{
	int rc;
	static const char *const headers[] = {"NUMBER", "KIND", "STATE", "PRIORITY", "ASSIGNEE", "SUBJECT"};
	cli_table *tab = ctx->json ? NULL : cli_table_new(6, headers);
	if (tab)
		cli_table_max_width(tab, 5, 40);
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json)
		cj_arr(&j);
	csvc_ticket *t = NULL;
	size_t count = 0;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		count++;
		if (ctx->json) {
			cli_ticket_json(&j, t);
		} else {
			cli_table_cell(tab, csvc_ticket_number(t));
			cli_table_cell(tab, csvc_ticket_kind(t));
			cli_table_cell(tab, csvc_ticket_state(t));
			cli_table_cell(tab, cli_enum_name(cli_priority_enum, csvc_ticket_priority(t)));
			cli_table_cell(tab, csvc_ticket_assignee(t));
			cli_table_cell(tab, csvc_ticket_subject(t));
		}
		csvc_ticket_free(t);
	}
	csvc_ticket_iter_free(it);
	if (rc != CSVC_ITEROVER) {
		cli_table_free(tab);
		return cli_lib_error(ctx, rc, NULL);
	}
	if (ctx->json) {
		cj_end_arr(&j);
		cj_done(&j);
	} else if (count) {
		cli_table_print(tab, stdout);
	} else {
		cli_table_free(tab);
		puts("(no tickets)");
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* move, reply, note, assign                                           */
/* ------------------------------------------------------------------ */

/* Prints the ticket after a change: its number, state and revision. */
static int after_change(cli_ctx *ctx, const csvc_uuid *id, const char *what)
{
	csvc_ticket *t = NULL;
	int rc = csvc_ticket_get(ctx->store, id, &t);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, "reading the ticket back");
	if (ctx->json) {
		output_ticket(ctx, t, 0);
	} else {
		char state[256];
		state_label(ctx, t, csvc_ticket_state(t), state, sizeof(state));
		printf("%s: %s; state %s, revision %lld\n", csvc_ticket_number(t), what, state,
		       (long long)csvc_ticket_revision(t));
	}
	csvc_ticket_free(t);
	return CLI_OK;
}

static const char move_help[] =
	"usage: csvc ticket move TICKET TRANSITION [--input NAME=VALUE]... [--note TEXT] [--revision N]\n"
	"\n"
	"Applies a transition of the ticket's workflow, e.g. for a complaint\n"
	"(接收→分析→处理→反馈): analyse, handle, report_back, close; also\n"
	"wait_customer, resume, escalate, reopen, cancel where the workflow has\n"
	"them. A transition the current state does not offer, or one whose\n"
	"guards do not hold (a required field or an approval missing), is\n"
	"refused with the reason and changes nothing.\n"
	"\n"
	"Options:\n"
	"  --input NAME=VALUE  an input the workflow's guards check (an outcome, an\n"
	"                   amount); recorded on the event; repeatable\n"
	"  --note TEXT      recorded on the transition event\n"
	"  --revision N     fail unless the ticket is still at revision N\n";

/* The --input NAME=VALUE options of `a`, split into `in` (names and
 * values point into `buf`). */
static int parse_inputs(cli_ctx *ctx, const cli_args *a, csvc_transition_input *in, uint32_t *n, char *buf,
                        size_t bufsize)
{
	size_t used = 0;
	*n = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->name[i], "input"))
			continue;
		const char *v = a->value[i];
		const char *eq = strchr(v, '=');
		size_t len = strlen(v);
		if (!eq || eq == v)
			return cli_usage(ctx, "--input needs NAME=VALUE (got '%s')", v);
		if (*n >= CSVC_TRANSITION_MAX_INPUTS || used + len + 1 > bufsize)
			return cli_usage(ctx, "at most %d inputs", CSVC_TRANSITION_MAX_INPUTS);
		char *copy = buf + used;
		memcpy(copy, v, len + 1);
		used += len + 1;
		copy[eq - v] = '\0';
		in[*n].name = copy;
		in[*n].value = copy + (eq - v) + 1;
		(*n)++;
	}
	return CLI_OK;
}

/* ticket move and ticket approve: the same arguments, one call each. */
static int move_or_approve(cli_ctx *ctx, int argc, char **argv, int approve)
{
	static const cli_opt opts[] = {{"note", 1}, {"revision", 1}, {"input", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev;
	csvc_transition_input in[CSVC_TRANSITION_MAX_INPUTS];
	uint32_t n = 0;
	char buf[4096];
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "TICKET and TRANSITION")) || (rc = cli_parse_revision(ctx, &a, &rev)) ||
	    (rc = parse_inputs(ctx, &a, in, &n, buf, sizeof(buf))))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_uuid id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_transition_opts o;
	csvc_transition_opts_init(&o, CSVC_TRANSITION_OPTS_VERSION);
	o.expected_revision = rev;
	o.actor = ctx->actor;
	o.note = cli_arg(&a, "note");
	o.inputs = in;
	o.n_inputs = n;
	if (approve)
		rc = csvc_ticket_approve(ctx->store, &id, a.pos[1], &o, NULL);
	else if (n)
		rc = csvc_ticket_transition_ex(ctx->store, &id, a.pos[1], &o, NULL);
	else
		rc = csvc_ticket_transition(ctx->store, &id, a.pos[1], rev, ctx->actor, o.note, NULL);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, a.pos[1]);
	return after_change(ctx, &id, approve ? "approved" : a.pos[1]);
}

static int cmd_move(cli_ctx *ctx, int argc, char **argv)
{
	return move_or_approve(ctx, argc, argv, 0);
}

static const char approve_help[] =
	"usage: csvc ticket approve TICKET TRANSITION [--input NAME=VALUE]... [--note TEXT] [--revision N]\n"
	"\n"
	"Approves the ticket's next TRANSITION from its current state, for a\n"
	"workflow whose transition needs an approval by a role (a refund above\n"
	"an amount needs a supervisor). The approver is --actor (or --as), a\n"
	"staff member holding that role; an approval is used up by the\n"
	"transition, or by any other change of state.\n"
	"\n"
	"Options:\n"
	"  --input NAME=VALUE  the value approved, e.g. amount=800 (the transition\n"
	"                   may then use up to it); repeatable\n"
	"  --note TEXT      recorded on the approval event\n"
	"  --revision N     fail unless the ticket is still at revision N\n";

static int cmd_approve(cli_ctx *ctx, int argc, char **argv)
{
	return move_or_approve(ctx, argc, argv, 1);
}

static const char reply_help[] =
	"usage: csvc ticket reply TICKET TEXT [--kind KIND] [--method METHOD] [--revision N]\n"
	"\n"
	"Adds a message to the customer. It counts as a response for the SLA\n"
	"targets met by a reply.\n"
	"\n"
	"Options:\n"
	"  --kind KIND      reply (default) | result_notice (结果通知) | follow_up (回访)\n"
	"  --method METHOD  how it was sent: phone, email, sms, wechat, ...\n"
	"  --revision N     fail unless the ticket is still at revision N\n";

static const char note_help[] =
	"usage: csvc ticket note TICKET TEXT [--revision N]\n"
	"\n"
	"Adds an internal note (not shown to the customer; not a response).\n";

static int comment(cli_ctx *ctx, int argc, char **argv, int is_note)
{
	static const cli_opt reply_opts[] = {{"kind", 1}, {"method", 1}, {"revision", 1}, {NULL, 0}};
	static const cli_opt note_opts[] = {{"revision", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, is_note ? note_opts : reply_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "TICKET and TEXT")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	int32_t kind = is_note ? CSVC_COMMENT_NOTE : CSVC_COMMENT_REPLY;
	if (cli_arg(&a, "kind")) {
		if (cli_enum_parse(cli_comment_enum, cli_arg(&a, "kind"), &kind) != 0 || kind == CSVC_COMMENT_NOTE)
			return cli_usage(ctx, "--kind: unknown value \"%s\" (one of reply|result_notice|follow_up)",
			                 cli_arg(&a, "kind"));
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_uuid id = *csvc_ticket_id(t);
	csvc_ticket_free(t);
	csvc_comment comment = CSVC_COMMENT_INIT;
	comment.kind = kind;
	comment.body = a.pos[1];
	comment.method = cli_arg(&a, "method");
	comment.expected_revision = rev;
	comment.actor = ctx->actor;
	if ((rc = csvc_ticket_comment(ctx->store, &id, &comment, NULL)) != CSVC_OK)
		return cli_lib_error(ctx, rc, is_note ? "note" : "reply");
	char what[64];
	snprintf(what, sizeof(what), "%s added", cli_enum_name(cli_comment_enum, kind));
	return after_change(ctx, &id, what);
}

static int cmd_reply(cli_ctx *ctx, int argc, char **argv)
{
	return comment(ctx, argc, argv, 0);
}

static int cmd_note(cli_ctx *ctx, int argc, char **argv)
{
	return comment(ctx, argc, argv, 1);
}

static const char assign_help[] =
	"usage: csvc ticket assign TICKET [--to NAME] [--team TEAM] [--revision N]\n"
	"\n"
	"Assigns the ticket to a person and/or hands it off to a team (property,\n"
	"finance, merchandise, ...). An option not given keeps its current value;\n"
	"an empty value clears it.\n";

static int cmd_assign(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"to", 1}, {"team", 1}, {"revision", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "ticket")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if (!cli_has(&a, "to") && !cli_has(&a, "team"))
		return cli_usage(ctx, "give --to, --team or both");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_uuid id = *csvc_ticket_id(t);
	const char *to = cli_has(&a, "to") ? cli_arg(&a, "to") : csvc_ticket_assignee(t);
	const char *team = cli_has(&a, "team") ? cli_arg(&a, "team") : csvc_ticket_team(t);
	rc = csvc_ticket_assign(ctx->store, &id, to && *to ? to : NULL, team && *team ? team : NULL, rev,
	                        ctx->actor, NULL);
	csvc_ticket_free(t);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	return after_change(ctx, &id, "assigned");
}

static const char handoff_help[] =
	"usage: csvc ticket handoff TICKET --department CODE [OPTIONS]\n"
	"\n"
	"Hands part of the ticket off to a department (property, finance,\n"
	"merchandise, hr, marketing) as a sub-task with its own number, owner,\n"
	"state and SLA, and prints the sub-task's number (with --json: the\n"
	"sub-task). The ticket keeps its assignee and team; its history gets a\n"
	"\"handed_off\" event, and a \"handoff_returned\" one when the sub-task is\n"
	"done or declined. A sub-task cannot be handed off again.\n"
	"\n"
	"Options:\n"
	"  --department CODE   a team of kind department (required)\n"
	"  --kind KIND         the sub-task's kind (default handoff: requested,\n"
	"                      accepted, done, declined)\n"
	"  --subject TEXT, --description TEXT\n"
	"  --assignee CODE     a member of the department (else the department's\n"
	"                      team holds it unassigned)\n"
	"  --revision N        fail unless the ticket is still at revision N\n";

static int cmd_handoff(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"department", 1}, {"kind", 1},     {"subject", 1}, {"description", 1},
	                               {"assignee", 1},   {"revision", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "ticket")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if (!cli_arg(&a, "department"))
		return cli_usage(ctx, "--department is required");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_uuid id = *csvc_ticket_id(t);
	char number[CSVC_TICKET_MAX_NUMBER + 1];
	snprintf(number, sizeof(number), "%s", csvc_ticket_number(t));
	csvc_ticket_free(t);
	csvc_handoff h;
	csvc_handoff_init(&h, CSVC_HANDOFF_VERSION);
	h.department = cli_arg(&a, "department");
	h.kind = cli_arg(&a, "kind");
	h.subject = cli_arg(&a, "subject");
	h.description = cli_arg(&a, "description");
	h.assignee = cli_arg(&a, "assignee");
	h.expected_revision = rev;
	h.actor = ctx->actor;
	csvc_ticket *child = NULL;
	if ((rc = csvc_ticket_handoff(ctx->store, &id, &h, &child)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		output_ticket(ctx, child, 0);
	} else {
		char state[256];
		state_label(ctx, child, csvc_ticket_state(child), state, sizeof(state));
		printf("%s: handed off to %s as %s; state %s\n", number, cli_show(h.department),
		       csvc_ticket_number(child), state);
	}
	csvc_ticket_free(child);
	return CLI_OK;
}

static const char route_help[] =
	"usage: csvc ticket route TICKET [--revision N]\n"
	"\n"
	"Routes the ticket again by the routing rules (csvc route list): the first\n"
	"active rule matching it now picks its team and a member on shift, and a\n"
	"\"routed\" event says why. A designated rule keeps the ticket's assignee\n"
	"while they are active and on shift. When the rules choose what the ticket\n"
	"already has, nothing changes. Fails when no active rule matches.\n"
	"\n"
	"Options:\n"
	"  --revision N     fail unless the ticket is still at revision N\n";

static int cmd_route(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"revision", 1}, {NULL, 0}};
	cli_args a;
	int64_t rev, after = 0;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "ticket")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_uuid id = *csvc_ticket_id(t);
	int64_t before = csvc_ticket_revision(t);
	csvc_ticket_free(t);
	if ((rc = csvc_ticket_route(ctx->store, &id, rev, ctx->actor, &after)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	/* Say where it went: the point of routing is the team and the person. */
	if ((rc = csvc_ticket_get(ctx->store, &id, &t)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "reading the ticket back");
	char what[512];
	snprintf(what, sizeof(what), "%s to team %s, assignee %s", after == before ? "already routed" : "routed",
	         cli_show(csvc_ticket_team(t) ? csvc_ticket_team(t) : "-"),
	         cli_show(csvc_ticket_assignee(t) ? csvc_ticket_assignee(t) : "- (nobody on shift)"));
	csvc_ticket_free(t);
	return after_change(ctx, &id, what);
}

/* ------------------------------------------------------------------ */
/* link, merge, history                                                */
/* ------------------------------------------------------------------ */

static const char link_help[] =
	"usage: csvc ticket link TICKET OTHER [--as KIND]\n"
	"\n"
	"Links two tickets; both get an event.\n"
	"\n"
	"Options:\n"
	"  --as KIND   related (default) | duplicate_of (TICKET duplicates OTHER) |\n"
	"              parent_of (TICKET is the parent of OTHER)\n";

static int two_tickets(cli_ctx *ctx, const cli_args *a, csvc_uuid *x, csvc_uuid *y, char *nx, char *ny)
{
	csvc_ticket *t = NULL;
	int rc;
	if ((rc = cli_find_ticket(ctx, a->pos[0], &t)) != CLI_OK)
		return rc;
	*x = *csvc_ticket_id(t);
	snprintf(nx, CSVC_TICKET_MAX_NUMBER + 1, "%s", csvc_ticket_number(t));
	csvc_ticket_free(t);
	if ((rc = cli_find_ticket(ctx, a->pos[1], &t)) != CLI_OK)
		return rc;
	*y = *csvc_ticket_id(t);
	snprintf(ny, CSVC_TICKET_MAX_NUMBER + 1, "%s", csvc_ticket_number(t));
	csvc_ticket_free(t);
	return CLI_OK;
}

static int cmd_link(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"as", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "two tickets")))
		return rc;
	int32_t kind = CSVC_LINK_RELATED;
	if (cli_arg(&a, "as") && cli_enum_parse(cli_link_enum, cli_arg(&a, "as"), &kind) != 0)
		return cli_usage(ctx, "--as: unknown value \"%s\" (one of related|duplicate_of|parent_of)",
		                 cli_arg(&a, "as"));
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_uuid x, y;
	char nx[CSVC_TICKET_MAX_NUMBER + 1], ny[CSVC_TICKET_MAX_NUMBER + 1];
	if ((rc = two_tickets(ctx, &a, &x, &y, nx, ny)) != CLI_OK)
		return rc;
	if ((rc = csvc_ticket_link(ctx->store, &x, &y, kind, ctx->actor)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json)
		printf("{\n  \"ticket\": \"%s\",\n  \"link\": \"%s\",\n  \"other\": \"%s\"\n}\n", nx,
		       cli_enum_name(cli_link_enum, kind), ny);
	else
		printf("%s %s %s\n", nx, cli_enum_name(cli_link_enum, kind), ny);
	return CLI_OK;
}

static const char tmerge_help[] =
	"usage: csvc ticket merge INTO FROM\n"
	"\n"
	"Merges ticket FROM into ticket INTO: FROM is cancelled with a merged_into\n"
	"link, INTO records that it absorbed it. Comments stay where written.\n";

static int cmd_merge(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "INTO and FROM tickets")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_uuid into, from;
	char ninto[CSVC_TICKET_MAX_NUMBER + 1], nfrom[CSVC_TICKET_MAX_NUMBER + 1];
	if ((rc = two_tickets(ctx, &a, &into, &from, ninto, nfrom)) != CLI_OK)
		return rc;
	if ((rc = csvc_ticket_merge(ctx->store, &into, &from, ctx->actor)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json)
		printf("{\n  \"into\": \"%s\",\n  \"merged\": \"%s\"\n}\n", ninto, nfrom);
	else
		printf("merged %s into %s\n", nfrom, ninto);
	return CLI_OK;
}

static const char history_help[] =
	"usage: csvc ticket history TICKET\n"
	"\n"
	"Prints the ticket's events, oldest first: who did what, when, the state\n"
	"change and the event's JSON payload. Events are append-only.\n";

static int cmd_history(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "ticket")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_event_iter *it = NULL;
	rc = csvc_ticket_history_new(ctx->store, csvc_ticket_id(t), &it);
	csvc_ticket_free(t);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	static const char *const headers[] = {"SEQ", "AT", "EVENT", "ACTOR", "STATE", "DETAILS"};
	cli_table *tab = ctx->json ? NULL : cli_table_new(6, headers);
	if (tab)
		cli_table_max_width(tab, 5, 60);
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json)
		cj_arr(&j);
	csvc_event *ev = NULL;
	while ((rc = csvc_ticket_history_next(it, &ev)) == CSVC_OK) {
		if (ctx->json) {
			cli_event_json(&j, ev);
		} else {
			char at[CLI_TIME_LEN];
			cli_format_time(csvc_event_at(ev), at);
			cli_table_cellf(tab, "%lld", (long long)csvc_event_seq(ev));
			cli_table_cell(tab, at);
			cli_table_cell(tab, csvc_event_type(ev));
			cli_table_cell(tab, csvc_event_actor(ev));
			if (csvc_event_to_state(ev))
				cli_table_cellf(tab, "%s%s%s", csvc_event_from_state(ev) ? csvc_event_from_state(ev) : "",
				                csvc_event_from_state(ev) ? " -> " : "", csvc_event_to_state(ev));
			else
				cli_table_cell(tab, NULL);
			cli_table_cell(tab, csvc_event_payload(ev));
		}
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	if (rc != CSVC_ITEROVER) {
		cli_table_free(tab);
		return cli_lib_error(ctx, rc, NULL);
	}
	if (ctx->json) {
		cj_end_arr(&j);
		cj_done(&j);
	} else {
		cli_table_print(tab, stdout);
	}
	return CLI_OK;
}

const cli_command cli_ticket_commands[] = {
	{"open", "open a ticket", open_help, cmd_open},
	{"show", "print a ticket and its SLA targets", tshow_help, cmd_show},
	{"list", "list tickets by store, state, kind, assignee, text", list_help, cmd_list},
	{"move", "apply a workflow transition", move_help, cmd_move},
	{"approve", "approve a transition that needs a role's approval", approve_help, cmd_approve},
	{"reply", "add a reply, result notice or follow-up to the customer", reply_help, cmd_reply},
	{"note", "add an internal note", note_help, cmd_note},
	{"assign", "assign to a person or hand off to a team", assign_help, cmd_assign},
	{"route", "route again by the routing rules", route_help, cmd_route},
	{"handoff", "hand part of a ticket off to a department as a sub-task", handoff_help, cmd_handoff},
	{"link", "link two tickets", link_help, cmd_link},
	{"merge", "merge one ticket into another", tmerge_help, cmd_merge},
	{"history", "print a ticket's events", history_help, cmd_history},
	{"log-work", "record time worked on a ticket", cli_log_work_help, cli_cmd_log_work},
	{"work", "print the time worked on a ticket", cli_work_help, cli_cmd_work},
	{"work-total", "add up time worked by ticket, staff member, store, kind, period", cli_work_total_help,
	 cli_cmd_work_total},
	{NULL, NULL, NULL, NULL}};
