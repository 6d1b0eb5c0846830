/*
 * csvc queue: list, show, add, update, open; and csvc ticket log-work,
 * work, work-total (time worked).
 *
 * Written against csvc/queue.h and csvc/worklog.h. State categories,
 * priorities and orders are named by the library (csvc_enum_name); the
 * tool adds their Chinese labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

/* The state categories of a set, joined by `sep` ("" for any). */
static const char *join_states(uint32_t states, const char *sep, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int32_t c = 1; c < 32 && o < size; c++)
		if (states & CSVC_QUEUE_STATE(c))
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? sep : "", cli_enum_name(cli_category_enum, c));
	return buf;
}

static void queue_json(cli_json *j, const csvc_queue *q)
{
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	csvc_queue_copy_filter(q, &f);
	cj_obj(j);
	cj_kstr(j, "code", csvc_queue_code(q));
	cj_kstr(j, "name", csvc_queue_name(q));
	cj_kstr(j, "owner_team", csvc_queue_owner_team(q));
	cj_kstr(j, "owner_staff", csvc_queue_owner_staff(q));
	cj_key(j, "active");
	cj_bool(j, csvc_queue_active(q));
	cj_key(j, "filter");
	cj_obj(j);
	cj_key(j, "states");
	cj_arr(j);
	for (int32_t c = 1; c < 32; c++)
		if (f.states & CSVC_QUEUE_STATE(c))
			cj_str(j, cli_enum_name(cli_category_enum, c));
	cj_end_arr(j);
	cj_kstr(j, "kind", f.kind);
	cj_kstr(j, "category", f.category);
	cj_kstr(j, "channel", f.channel);
	cj_kstr(j, "store", f.store_code);
	cj_kstr(j, "assignee", f.assignee);
	cj_key(j, "mine");
	cj_bool(j, f.assignee_self);
	cj_kstr(j, "team", f.team);
	cj_key(j, "unassigned");
	cj_bool(j, f.unassigned);
	cj_kstr(j, "max_priority", f.max_priority ? cli_enum_name(cli_priority_enum, f.max_priority) : NULL);
	cj_kuuid(j, "customer", f.customer);
	cj_kstr(j, "order", cli_enum_name(cli_queue_order_enum, f.order));
	cj_end_obj(j);
	cj_kint(j, "revision", csvc_queue_revision(q));
	cj_end_obj(j);
}

/* The filter in one line: "states=new,open team=consult ..." ("-" for none). */
static const char *describe_filter(const csvc_queue *q, char *buf, size_t size)
{
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	csvc_queue_copy_filter(q, &f);
	char states[256], uuid[CSVC_UUID_STRLEN + 1];
	size_t o = 0;
	buf[0] = '\0';
#define ADD(fmt, v) o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s" fmt, o ? " " : "", v)
	if (f.states)
		ADD("states=%s", join_states(f.states, ",", states, sizeof(states)));
	if (f.kind)
		ADD("kind=%s", f.kind);
	if (f.category)
		ADD("category=%s", f.category);
	if (f.channel)
		ADD("channel=%s", f.channel);
	if (f.store_code)
		ADD("store=%s", f.store_code);
	if (f.assignee)
		ADD("assignee=%s", f.assignee);
	if (f.assignee_self)
		ADD("%s", "mine");
	if (f.team)
		ADD("team=%s", f.team);
	if (f.unassigned)
		ADD("%s", "unassigned");
	if (f.max_priority)
		ADD("priority<=%s", cli_enum_name(cli_priority_enum, f.max_priority));
	if (f.customer) {
		csvc_uuid_to_string(f.customer, uuid);
		ADD("customer=%s", uuid);
	}
#undef ADD
	return buf[0] ? buf : "-";
}

static void print_queue(const csvc_queue *q)
{
	char buf[1024];
	const size_t w = 9;
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	csvc_queue_copy_filter(q, &f);
	cli_kv("code", csvc_queue_code(q), w);
	cli_kv("name", csvc_queue_name(q), w);
	if (csvc_queue_owner_team(q))
		snprintf(buf, sizeof(buf), "team %s", csvc_queue_owner_team(q));
	else if (csvc_queue_owner_staff(q))
		snprintf(buf, sizeof(buf), "staff %s", csvc_queue_owner_staff(q));
	else
		snprintf(buf, sizeof(buf), "everyone");
	cli_kv("owner", buf, w);
	cli_kv("status", cli_status_name(csvc_queue_active(q)), w);
	cli_kv("filter", describe_filter(q, buf, sizeof(buf)), w);
	cli_kv("order", cli_enum_label(cli_queue_order_enum, f.order, buf, sizeof(buf)), w);
	snprintf(buf, sizeof(buf), "%lld", (long long)csvc_queue_revision(q));
	cli_kv("revision", buf, w);
}

static void output_queue(cli_ctx *ctx, const csvc_queue *q)
{
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		queue_json(&j, q);
		cj_done(&j);
	} else {
		print_queue(q);
	}
}

/* ------------------------------------------------------------------ */
/* queue list, show, open                                              */
/* ------------------------------------------------------------------ */

static const char queue_list_help[] =
	"usage: csvc queue list\n"
	"\n"
	"Lists the queues, active or not, in creation order, with their owners and\n"
	"filters.\n";

static int cmd_queue_list(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_queue **queues = NULL;
	size_t n = 0;
	if ((rc = csvc_queue_list(ctx->store, &queues, &n)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_arr(&j);
		for (size_t i = 0; i < n; i++)
			queue_json(&j, queues[i]);
		cj_end_arr(&j);
		cj_done(&j);
	} else if (n) {
		static const char *const headers[] = {"CODE", "NAME", "OWNER", "STATUS", "FILTER"};
		char buf[1024];
		cli_table *t = cli_table_new(5, headers);
		cli_table_max_width(t, 4, 60);
		for (size_t i = 0; i < n; i++) {
			cli_table_cell(t, csvc_queue_code(queues[i]));
			cli_table_cell(t, csvc_queue_name(queues[i]));
			cli_table_cell(t, csvc_queue_owner_team(queues[i]) ? csvc_queue_owner_team(queues[i])
			                                                   : csvc_queue_owner_staff(queues[i]));
			cli_table_cell(t, cli_status_name(csvc_queue_active(queues[i])));
			cli_table_cell(t, describe_filter(queues[i], buf, sizeof(buf)));
		}
		cli_table_print(t, stdout);
	} else {
		puts("(no queues)");
	}
	csvc_queue_list_free(queues, n);
	return CLI_OK;
}

static const char queue_show_help[] =
	"usage: csvc queue show CODE\n"
	"\n"
	"Prints a queue, active or not: its owner, filter and order.\n";

static int cmd_queue_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "queue CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_queue *q = NULL;
	if ((rc = csvc_queue_get(ctx->store, a.pos[0], &q)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	output_queue(ctx, q);
	csvc_queue_free(q);
	return CLI_OK;
}

static const char queue_open_help[] =
	"usage: csvc queue open CODE [--for STAFF] [--count]\n"
	"\n"
	"Lists the tickets of a queue, in its order (most urgent first, or oldest\n"
	"first), as 'csvc ticket list' does.\n"
	"\n"
	"Options:\n"
	"  --for STAFF   who the queue is opened for: its \"mine\" filter lists their\n"
	"                tickets (default: the staff member of --as)\n"
	"  --count       print only the number of tickets\n";

static int cmd_queue_open(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"for", 1}, {"count", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "queue CODE")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if (cli_has(&a, "count")) {
		int64_t n = 0;
		if ((rc = csvc_queue_count(ctx->store, a.pos[0], cli_arg(&a, "for"), &n)) != CSVC_OK)
			return cli_lib_error(ctx, rc, NULL);
		if (ctx->json) {
			cli_json j;
			cj_init(&j, stdout);
			cj_obj(&j);
			cj_kstr(&j, "queue", a.pos[0]);
			cj_kint(&j, "count", n);
			cj_end_obj(&j);
			cj_done(&j);
		} else {
			printf("%lld\n", (long long)n);
		}
		return CLI_OK;
	}
	csvc_ticket_iter *it = NULL;
	if ((rc = csvc_queue_iter_new(ctx->store, a.pos[0], cli_arg(&a, "for"), &it)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	return cli_print_tickets(ctx, it);
}

/* ------------------------------------------------------------------ */
/* queue add, update                                                   */
/* ------------------------------------------------------------------ */

#define FILTER_OPTIONS                                                                              \
	"  --states LIST        state categories, comma-separated: new, open, waiting,\n"              \
	"                       resolved, closed, cancelled (\"any\" for all)\n"                       \
	"  --open               the open ones (new, open, waiting, resolved)\n"                        \
	"  --kind KIND, --category TEXT, --channel NAME, --store CODE\n"                               \
	"  --assignee STAFF     tickets assigned to this staff member\n"                              \
	"  --mine               tickets assigned to the person it is opened for\n"                     \
	"  --unassigned         tickets without an assignee\n"                                        \
	"  --any-assignee       no filter on the assignee\n"                                          \
	"  --team TEAM          tickets of this team\n"                                               \
	"  --max-priority P     this priority or more urgent: critical|high|normal|low\n"             \
	"  --customer UUID      one customer's tickets\n"                                             \
	"  --order ORDER        priority (most urgent first, then oldest; the default)\n"             \
	"                       or age (oldest first)\n"                                              \
	"  --owner-team TEAM, --owner-staff STAFF, --no-owner\n"                                      \
	"                       who owns it (default: nobody, everyone's)\n"

static const char queue_add_help[] =
	"usage: csvc queue add CODE NAME [FILTER OPTIONS]\n"
	"\n"
	"Creates a queue and prints it. CODE is 1 to 64 characters of a-z, 0-9, '_',\n"
	"'.', '-' (unique, never changed); NAME the display name. Teams and staff\n"
	"members it names must exist.\n"
	"\n"
	"Options:\n" FILTER_OPTIONS
	"\n"
	"'csvc queue add --defaults' installs the handbook's queues instead (a\n"
	"group's open tickets for 咨询组, 投诉处理组, 现场管理组 and 会员服务组, and\n"
	"my_open), with no CODE or NAME.\n";

static const cli_opt filter_opts[] = {
	{"states", 1},      {"open", 0},       {"kind", 1},         {"category", 1},   {"channel", 1},
	{"store", 1},       {"assignee", 1},   {"mine", 0},         {"unassigned", 0}, {"any-assignee", 0},
	{"team", 1},        {"max-priority", 1}, {"customer", 1},   {"order", 1},      {"owner-team", 1},
	{"owner-staff", 1}, {"no-owner", 0},   {"name", 1},         {"deactivate", 0}, {"activate", 0},
	{"revision", 1},    {"defaults", 0},   {NULL, 0}};

/* Applies the filter and owner options of `a` to `q`, in the order given. */
static int apply_options(cli_ctx *ctx, const cli_args *a, csvc_queue *q, csvc_uuid *customer)
{
	csvc_queue_filter f = CSVC_QUEUE_FILTER_INIT;
	csvc_queue_copy_filter(q, &f);
	int rc;
	for (size_t i = 0; i < a->n; i++) {
		const char *n = a->name[i], *v = a->value[i];
		int32_t e;
		if (!strcmp(n, "states")) {
			f.states = 0;
			if (strcmp(v, "any") != 0) {
				char list[256];
				snprintf(list, sizeof(list), "%s", v);
				for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
					char choices[128];
					if (cli_enum_parse(cli_category_enum, tok, &e) != 0)
						return cli_usage(ctx, "--states: unknown state category \"%s\" (one of %s)", tok,
						                 cli_enum_choices(cli_category_enum, choices, sizeof(choices)));
					f.states |= CSVC_QUEUE_STATE(e);
				}
			}
		} else if (!strcmp(n, "open")) {
			f.states = CSVC_QUEUE_STATES_OPEN;
		} else if (!strcmp(n, "kind")) {
			f.kind = v;
		} else if (!strcmp(n, "category")) {
			f.category = v;
		} else if (!strcmp(n, "channel")) {
			f.channel = v;
		} else if (!strcmp(n, "store")) {
			f.store_code = v;
		} else if (!strcmp(n, "assignee") || !strcmp(n, "mine") || !strcmp(n, "unassigned") ||
		           !strcmp(n, "any-assignee")) {
			f.assignee = n[1] == 's' ? v : NULL;
			f.assignee_self = n[0] == 'm';
			f.unassigned = n[0] == 'u';
		} else if (!strcmp(n, "team")) {
			f.team = v;
		} else if (!strcmp(n, "max-priority")) {
			char choices[128];
			if (cli_enum_parse(cli_priority_enum, v, &e) != 0)
				return cli_usage(ctx, "--max-priority: unknown priority \"%s\" (one of %s)", v,
				                 cli_enum_choices(cli_priority_enum, choices, sizeof(choices)));
			f.max_priority = e;
		} else if (!strcmp(n, "customer")) {
			if ((rc = cli_parse_uuid(ctx, v, "--customer", customer)))
				return rc;
			f.customer = customer;
		} else if (!strcmp(n, "order")) {
			char choices[128];
			if (cli_enum_parse(cli_queue_order_enum, v, &e) != 0)
				return cli_usage(ctx, "--order: unknown order \"%s\" (one of %s)", v,
				                 cli_enum_choices(cli_queue_order_enum, choices, sizeof(choices)));
			f.order = e;
		} else if (!strcmp(n, "owner-team") || !strcmp(n, "owner-staff") || !strcmp(n, "no-owner")) {
			const char *team = n[6] == 't' ? v : NULL, *staff = n[6] == 's' ? v : NULL;
			if ((rc = csvc_queue_set_owner(q, team, staff)) != CSVC_OK) {
				char what[64];
				snprintf(what, sizeof(what), "--%s", n);
				return cli_lib_error(ctx, rc, what);
			}
		} else if (!strcmp(n, "name")) {
			if ((rc = csvc_queue_set_name(q, v)) != CSVC_OK)
				return cli_lib_error(ctx, rc, "--name");
		} else if (!strcmp(n, "activate") || !strcmp(n, "deactivate")) {
			csvc_queue_set_active(q, n[0] == 'a');
		}
	}
	if ((rc = csvc_queue_set_filter(q, &f)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	return CLI_OK;
}

static int cmd_queue_add(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, filter_opts, &a);
	if (rc)
		return rc;
	if (cli_has(&a, "defaults")) {
		if ((rc = cli_want_pos(ctx, &a, 0, 0, "")) || (rc = cli_open_store(ctx, 0)) != CLI_OK)
			return rc;
		if ((rc = csvc_queue_install_defaults(ctx->store)) != CSVC_OK)
			return cli_lib_error(ctx, rc, NULL);
		if (!ctx->json)
			puts("handbook queues installed");
		return CLI_OK;
	}
	if ((rc = cli_want_pos(ctx, &a, 2, 2, "CODE and NAME")))
		return rc;
	if (cli_has(&a, "name") || cli_has(&a, "revision") || cli_has(&a, "activate") || cli_has(&a, "deactivate"))
		return cli_usage(ctx, "--name, --revision, --activate and --deactivate are options of 'csvc queue update'");
	csvc_queue *q = NULL;
	if ((rc = csvc_queue_new(&q, a.pos[0], a.pos[1])) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	csvc_uuid customer;
	if ((rc = apply_options(ctx, &a, q, &customer)) != CLI_OK)
		goto out;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		goto out;
	if ((rc = csvc_queue_create(ctx->store, q, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_queue(ctx, q);
	rc = CLI_OK;
out:
	csvc_queue_free(q);
	return rc;
}

static const char queue_update_help[] =
	"usage: csvc queue update CODE [OPTIONS] [--revision N]\n"
	"\n"
	"Changes a queue and prints it. The filter options replace the one field\n"
	"they name and leave the others; they apply in the order given. As 'csvc\n"
	"role update', the queue is saved only if no one else changed it since it\n"
	"was read.\n"
	"\n"
	"Options:\n"
	"  --name TEXT          the display name\n"
	"  --deactivate         deactivate it: it cannot be opened (queues are never\n"
	"                       deleted)\n"
	"  --activate           reactivate it\n"
	"  --revision N         fail unless the queue is still at revision N\n" FILTER_OPTIONS;

static int cmd_queue_update(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int64_t rev;
	int rc = cli_parse(ctx, argc, argv, filter_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "queue CODE")) || (rc = cli_parse_revision(ctx, &a, &rev)))
		return rc;
	if (cli_has(&a, "defaults"))
		return cli_usage(ctx, "--defaults is an option of 'csvc queue add'");
	if (cli_has(&a, "deactivate") && cli_has(&a, "activate"))
		return cli_usage(ctx, "--deactivate and --activate exclude each other");
	if (a.n == (size_t)cli_has(&a, "revision"))
		return cli_usage(ctx, "nothing to change");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_queue *q = NULL;
	if ((rc = csvc_queue_get(ctx->store, a.pos[0], &q)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	csvc_uuid customer;
	if ((rc = cli_check_revision(ctx, "queue", a.pos[0], rev, csvc_queue_revision(q))) != CLI_OK ||
	    (rc = apply_options(ctx, &a, q, &customer)) != CLI_OK)
		goto out;
	if ((rc = csvc_queue_update(ctx->store, q, ctx->actor)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		goto out;
	}
	output_queue(ctx, q);
	rc = CLI_OK;
out:
	csvc_queue_free(q);
	return rc;
}

const cli_command cli_queue_commands[] = {
	{"list", "list the queues", queue_list_help, cmd_queue_list},
	{"show", "print a queue: owner, filter, order", queue_show_help, cmd_queue_show},
	{"add", "create a queue, or install the handbook's", queue_add_help, cmd_queue_add},
	{"update", "rename, refilter, reown, deactivate or reactivate a queue", queue_update_help, cmd_queue_update},
	{"open", "list a queue's tickets (for a person)", queue_open_help, cmd_queue_open},
	{NULL, NULL, NULL, NULL}};

/* ------------------------------------------------------------------ */
/* ticket log-work, work, work-total                                   */
/* ------------------------------------------------------------------ */

const char cli_log_work_help[] =
	"usage: csvc ticket log-work TICKET --staff STAFF (--duration D | --start T --end T)\n"
	"                            [--kind KIND] [--note TEXT]\n"
	"\n"
	"Records time a staff member worked on a ticket (append-only: a mistake is\n"
	"corrected by logging again). The ticket does not change.\n"
	"\n"
	"Options:\n"
	"  --staff STAFF   who worked (default: the staff member of --as)\n"
	"  --duration D    how long: 90m, 1h30m, 45s (up to 24h); ends now, or at\n"
	"                  --end, or starts at --start\n"
	"  --start T, --end T\n"
	"                  when, as 2026-11-23T09:30:00+08:00\n"
	"  --kind KIND     the kind of work (call, visit ...: a-z, 0-9, '_', '.', '-')\n"
	"  --note TEXT     a note\n";

static int time_opt(cli_ctx *ctx, const cli_args *a, const char *name, csvc_time_us *out)
{
	const char *v = cli_arg(a, name);
	if (v && cli_parse_time(v, out) != 0)
		return cli_usage(ctx, "--%s: expected an ISO 8601 time such as 2026-11-23T09:30:00Z, got \"%s\"", name, v);
	return CLI_OK;
}

int cli_cmd_log_work(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"staff", 1}, {"duration", 1}, {"start", 1}, {"end", 1},
	                               {"kind", 1},  {"note", 1},     {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "TICKET")))
		return rc;
	csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
	if (cli_arg(&a, "duration") && cli_parse_duration(cli_arg(&a, "duration"), &e.duration_us) != 0)
		return cli_usage(ctx, "--duration: expected a duration such as 90m or 1h30m, got \"%s\"",
		                 cli_arg(&a, "duration"));
	if ((rc = time_opt(ctx, &a, "start", &e.started_at)) || (rc = time_opt(ctx, &a, "end", &e.ended_at)))
		return rc;
	e.kind = cli_arg(&a, "kind");
	e.note = cli_arg(&a, "note");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	e.staff = cli_arg(&a, "staff") ? cli_arg(&a, "staff") : csvc_store_principal(ctx->store);
	if (!e.staff)
		return cli_usage(ctx, "missing --staff STAFF");
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	rc = csvc_ticket_log_work(ctx->store, csvc_ticket_id(t), &e, ctx->actor);
	if (rc != CSVC_OK) {
		csvc_ticket_free(t);
		return cli_lib_error(ctx, rc, NULL);
	}
	csvc_work_query q = CSVC_WORK_QUERY_INIT;
	q.ticket = csvc_ticket_id(t);
	int64_t total = 0, entries = 0;
	rc = csvc_work_total(ctx->store, &q, &total, &entries);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "ticket", csvc_ticket_number(t));
		cj_kstr(&j, "staff", e.staff);
		if (rc == CSVC_OK) {
			cj_key(&j, "ticket_total_seconds");
			cj_seconds(&j, total);
		}
		cj_end_obj(&j);
		cj_done(&j);
	} else if (rc == CSVC_OK) {
		printf("%s: time logged for %s; %lld min in %lld entries on the ticket\n", csvc_ticket_number(t), e.staff,
		       (long long)(total / (60 * CSVC_SECOND_US)), (long long)entries);
	} else {
		/* Logged; the total needs reports_read, which the logger may lack. */
		printf("%s: time logged for %s\n", csvc_ticket_number(t), e.staff);
	}
	csvc_ticket_free(t);
	return CLI_OK;
}

const char cli_work_help[] =
	"usage: csvc ticket work TICKET\n"
	"\n"
	"Prints the time worked on a ticket, by start, and its total.\n";

int cli_cmd_work(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "TICKET")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if ((rc = cli_find_ticket(ctx, a.pos[0], &t)) != CLI_OK)
		return rc;
	csvc_worklog *log = NULL;
	rc = csvc_ticket_work(ctx->store, csvc_ticket_id(t), &log);
	csvc_ticket_free(t);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	size_t n = csvc_worklog_count(log);
	int64_t total = 0;
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_arr(&j);
		for (size_t i = 0; i < n; i++) {
			csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
			csvc_worklog_at(log, i, &e);
			cj_obj(&j);
			cj_kstr(&j, "staff", e.staff);
			cj_ktime(&j, "start", e.started_at);
			cj_ktime(&j, "end", e.ended_at);
			cj_key(&j, "seconds");
			cj_seconds(&j, e.duration_us);
			cj_kstr(&j, "kind", e.kind);
			cj_kstr(&j, "note", e.note);
			cj_kstr(&j, "actor", e.actor);
			cj_ktime(&j, "recorded_at", e.recorded_at);
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_done(&j);
	} else if (n) {
		static const char *const headers[] = {"START", "END", "MINUTES", "STAFF", "KIND", "NOTE"};
		cli_table *tab = cli_table_new(6, headers);
		cli_table_max_width(tab, 5, 40);
		for (size_t i = 0; i < n; i++) {
			csvc_work_entry e = CSVC_WORK_ENTRY_INIT;
			char start[CLI_TIME_LEN], end[CLI_TIME_LEN], minutes[32];
			csvc_worklog_at(log, i, &e);
			cli_format_time(e.started_at, start);
			cli_format_time(e.ended_at, end);
			snprintf(minutes, sizeof(minutes), "%.1f", (double)e.duration_us / (60.0 * CSVC_SECOND_US));
			cli_table_cell(tab, start);
			cli_table_cell(tab, end);
			cli_table_cell(tab, minutes);
			cli_table_cell(tab, e.staff);
			cli_table_cell(tab, e.kind);
			cli_table_cell(tab, e.note);
			total += e.duration_us;
		}
		cli_table_print(tab, stdout);
		printf("total %.1f min in %zu entries\n", (double)total / (60.0 * CSVC_SECOND_US), n);
	} else {
		puts("(no time worked)");
	}
	csvc_worklog_free(log);
	return CLI_OK;
}

const char cli_work_total_help[] =
	"usage: csvc ticket work-total [--ticket TICKET] [--staff STAFF] [--store CODE]\n"
	"                              [--kind KIND] [--from T] [--to T]\n"
	"\n"
	"Adds up the time worked that every filter given selects; the period is on\n"
	"the start of the work, --from included, --to excluded.\n";

int cli_cmd_work_total(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"ticket", 1}, {"staff", 1}, {"store", 1}, {"kind", 1},
	                               {"from", 1},   {"to", 1},    {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	csvc_work_query q = CSVC_WORK_QUERY_INIT;
	q.staff = cli_arg(&a, "staff");
	q.store_code = cli_arg(&a, "store");
	q.kind = cli_arg(&a, "kind");
	if ((rc = time_opt(ctx, &a, "from", &q.from)) || (rc = time_opt(ctx, &a, "to", &q.to)))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if (cli_arg(&a, "ticket")) {
		if ((rc = cli_find_ticket(ctx, cli_arg(&a, "ticket"), &t)) != CLI_OK)
			return rc;
		q.ticket = csvc_ticket_id(t);
	}
	int64_t total = 0, entries = 0;
	rc = csvc_work_total(ctx->store, &q, &total, &entries);
	csvc_ticket_free(t);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_key(&j, "seconds");
		cj_seconds(&j, total);
		cj_kint(&j, "entries", entries);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("%.1f min in %lld entries\n", (double)total / (60.0 * CSVC_SECOND_US), (long long)entries);
	}
	return CLI_OK;
}
