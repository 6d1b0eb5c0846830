/*
 * csvc - the libcsvc command-line tool.
 *
 *   csvc [--db PATH] [--json] [--now ISO8601] [--actor NAME] [--as STAFF] [--quiet] COMMAND [ARGS]
 *
 * Commands come in groups (customer, ticket, staff, team, role, route, calendar,
 * sla, survey, report) with git-style subcommands, plus init and demo. Every command takes --help. Exit
 * status: 0 success, 1 an error reported by libcsvc or the system (one
 * line on stderr), 2 a usage error (one line on stderr). See docs/csvc.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

static const char init_help[] =
	"usage: csvc init [--defaults]\n"
	"\n"
	"Creates the store file (--db, $CSVC_DB or ./csvc.db) if it does not exist\n"
	"and brings its schema up to date.\n"
	"\n"
	"Options:\n"
	"  --defaults   also install the handbook defaults: the workflows (inquiry,\n"
	"               complaint, after_sales, need, general), the ticket kinds and\n"
	"               channels, the SLA policy pack, and the teams and departments\n"
	"               of the staff directory (consult, complaints, floor,\n"
	"               membership, property, finance, merchandise, hr, marketing),\n"
	"               and the roles (see csvc role list). Installing twice\n"
	"               changes nothing.\n";

static int cmd_init(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"defaults", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 1)) != CLI_OK)
		return rc;
	int defaults = cli_has(&a, "defaults");
	if (defaults && (rc = csvc_store_install_defaults(ctx->store)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, "installing the defaults");
		cli_close_store(ctx);
		return rc;
	}
	int32_t schema = 0;
	csvc_store_schema_version(ctx->store, &schema);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "store", ctx->db_path);
		cj_kint(&j, "schema_version", schema);
		cj_key(&j, "defaults");
		cj_bool(&j, defaults);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("store %s ready (schema version %d)%s\n", ctx->db_path, (int)schema,
		       defaults ? ", handbook defaults installed" : "");
	}
	cli_close_store(ctx);
	return CLI_OK;
}

static const char backup_help[] =
	"usage: csvc backup PATH\n"
	"\n"
	"Writes a consistent copy of the store (--db) to the new file PATH while\n"
	"other programs go on writing: the store as of one moment, in one\n"
	"self-contained file, never over an existing file (csvc_store_backup).\n"
	"Check it with csvc verify PATH; open it with --db PATH. Needs\n"
	"store_maintain and customer_export. A store on PostgreSQL is backed up\n"
	"with the server's tools (pg_dump).\n";

static int cmd_backup(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "PATH")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if ((rc = csvc_store_backup(ctx->store, a.pos[0])) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, NULL);
		cli_close_store(ctx);
		return rc;
	}
	cli_close_store(ctx);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "store", ctx->db_path);
		cj_kstr(&j, "backup", a.pos[0]);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("backed up %s to %s\n", ctx->db_path, a.pos[0]);
	}
	return CLI_OK;
}

static const char verify_help[] =
	"usage: csvc verify [PATH]\n"
	"\n"
	"Checks a store file without changing it (csvc_store_verify): that it is a\n"
	"libcsvc store this version reads, and its whole structure (every page,\n"
	"every index against its table, every reference between rows). PATH\n"
	"defaults to the store (--db). Exits 0 when it is sound, 1 with the first\n"
	"problem and how many were found when it is not.\n";

static int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 1, "[PATH]")))
		return rc;
	const char *path = a.npos ? a.pos[0] : ctx->db_path;
	int32_t version = 0;
	if ((rc = csvc_store_verify(path, NULL, &version)) != CSVC_OK)
		return cli_lib_error(ctx, rc, path);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "store", path);
		cj_kint(&j, "schema_version", version);
		cj_key(&j, "sound");
		cj_bool(&j, 1);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("%s is sound (schema version %d)\n", path, (int)version);
	}
	return CLI_OK;
}

static const char version_help[] =
	"usage: csvc version\n"
	"\n"
	"Prints the version of libcsvc the tool runs on.\n";

static int cmd_version(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if (ctx->json)
		printf("{\n  \"version\": \"%s\"\n}\n", csvc_version());
	else
		printf("csvc (libcsvc) %s\n", csvc_version());
	return CLI_OK;
}

/*
 * The command groups. A group either has subcommands or runs directly.
 * "survey" and "report" are written against csvc/survey.h and
 * csvc/report.h (cli-survey.c, cli-report.c).
 */
typedef struct cli_group {
	const char *name;
	const char *summary;
	const cli_command *commands; /* NULL: runs `direct` */
	cli_fn direct;
	const char *help;            /* for direct commands */
} cli_group;

static const cli_group groups[] = {
	{"init", "create a store, optionally with the handbook defaults", NULL, cmd_init, init_help},
	{"customer", "customer records: add, find, search, merge, erase, import, export",
	 cli_customer_commands, NULL, NULL},
	{"ticket", "tickets: open, move through the workflow, reply, assign, link, merge",
	 cli_ticket_commands, NULL, NULL},
	{"staff", "the staff directory: staff members, their teams, roles and skills", cli_staff_commands, NULL,
	 NULL},
	{"team", "customer-service groups and departments, and their members", cli_team_commands, NULL,
	 NULL},
	{"role", "roles: the permissions staff members hold, and their scope", cli_role_commands, NULL, NULL},
	{"route", "routing rules: which team and member new tickets go to", cli_route_commands, NULL, NULL},
	{"queue", "queues: saved views of tickets for a team or a person, and opening them", cli_queue_commands,
	 NULL, NULL},
	{"calendar", "store business calendars and business-time arithmetic", cli_calendar_commands,
	 NULL, NULL},
	{"sla", "SLA timers: advance the clock, at-risk and breached targets", cli_sla_commands, NULL,
	 NULL},
	{"survey", "satisfaction surveys: invitations, responses, CSAT/NPS/CES/CSI scores",
	 cli_survey_commands, NULL, NULL},
	{"report", "service KPIs, SLA compliance, time in each state, transactions", cli_report_commands, NULL,
	 NULL},
	{"feed", "the change feed: tail it (as a consumer, following), list consumers", cli_feed_commands, NULL,
	 NULL},
	{"backup", "write a consistent copy of the store to a new file", NULL, cmd_backup, backup_help},
	{"verify", "check a store file's integrity and schema version", NULL, cmd_verify, verify_help},
	{"demo", "a scripted day in a two-store mall, on a simulated clock", NULL, cli_demo,
	 cli_demo_help},
	{"version", "print the libcsvc version", NULL, cmd_version, version_help},
	{NULL, NULL, NULL, NULL, NULL}};

static void main_help(FILE *out)
{
	fputs("usage: csvc [--db PATH] [--json] [--now ISO8601] [--actor NAME] [--as STAFF] COMMAND [ARGS]\n"
	      "\n"
	      "The libcsvc command-line tool: customers, tickets, the staff directory,\n"
	      "calendars, SLA timers, satisfaction surveys and service reports in an\n"
	      "embedded SQLite store or in PostgreSQL.\n"
	      "\n"
	      "Global options (also accepted after the command):\n"
	      "  --db PATH        the store file, or a postgresql:// URI (default: $CSVC_DB,\n"
	      "                   then ./csvc.db)\n"
	      "  --json           machine-readable output\n"
	      "  --now ISO8601    run on a fixed clock, e.g. 2026-11-23T09:30:00+08:00\n"
	      "  --actor NAME     who is acting, recorded on events (default: csvc, or the\n"
	      "                   --as staff member)\n"
	      "  --as STAFF       run as this staff member (a staff code), with access\n"
	      "                   control on: what their roles do not allow is refused\n"
	      "  --help           help for csvc or for a command\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (const cli_group *g = groups; g->name; g++)
		fprintf(out, "  %-10s %s\n", g->name, g->summary);
	fputs("\nRun 'csvc COMMAND --help' for a command's subcommands and options.\n"
	      "Exit status: 0 success, 1 error, 2 usage error.\n",
	      out);
}

static void group_help(const cli_group *g, FILE *out)
{
	fprintf(out, "usage: csvc %s SUBCOMMAND [ARGS]\n\n%s.\n\nCommands:\n", g->name, g->summary);
	for (const cli_command *c = g->commands; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\nRun 'csvc %s SUBCOMMAND --help' for its options.\n", g->name);
}

/* Does argv (before a "--") ask for help? */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	cli_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	const char *env = getenv("CSVC_DB");
	ctx.db_path = env && *env ? env : "./csvc.db";
	ctx.actor = "csvc";

	/* Global options before the command. */
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			main_help(stdout);
			return CLI_OK;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("csvc (libcsvc) %s\n", csvc_version());
			return CLI_OK;
		}
		int g = cli_global_option(&ctx, argc, argv, &i);
		if (g < 0)
			return CLI_USAGE;
		if (g == 0)
			break;
	}
	if (i >= argc) {
		main_help(stderr);
		return CLI_USAGE;
	}
	const char *name = argv[i];
	static char help_flag[] = "--help";
	char *help_args[3];
	if (!strcmp(name, "help")) {
		/* "csvc help GROUP [SUBCOMMAND]" is "csvc GROUP [SUBCOMMAND] --help". */
		if (i + 1 >= argc) {
			main_help(stdout);
			return CLI_OK;
		}
		help_args[0] = argv[i + 1];
		help_args[1] = i + 2 < argc ? argv[i + 2] : help_flag;
		help_args[2] = help_flag;
		argc = i + 2 < argc ? 3 : 2;
		argv = help_args;
		i = 0;
		name = argv[0];
	}
	const cli_group *g = groups;
	while (g->name && strcmp(g->name, name))
		g++;
	if (!g->name) {
		fprintf(stderr, "csvc: unknown command \"%s\" (see csvc --help)\n", name);
		return CLI_USAGE;
	}
	int sub_argc = argc - i;
	char **sub_argv = argv + i;
	if (!g->commands) {
		ctx.prog = g->name;
		if (wants_help(sub_argc, sub_argv)) {
			fputs(g->help, stdout);
			return CLI_OK;
		}
		return g->direct(&ctx, sub_argc, sub_argv);
	}
	/* Global options between the group and its subcommand. */
	int k = 1;
	for (; k < sub_argc; k++) {
		if (!strcmp(sub_argv[k], "--help") || !strcmp(sub_argv[k], "-h")) {
			group_help(g, stdout);
			return CLI_OK;
		}
		ctx.prog = g->name;
		int r = cli_global_option(&ctx, sub_argc, sub_argv, &k);
		if (r < 0)
			return CLI_USAGE;
		if (r == 0)
			break;
	}
	if (k >= sub_argc) {
		fprintf(stderr, "csvc: %s: missing subcommand (see csvc %s --help)\n", g->name, g->name);
		return CLI_USAGE;
	}
	const cli_command *c = g->commands;
	while (c->name && strcmp(c->name, sub_argv[k]))
		c++;
	if (!c->name) {
		fprintf(stderr, "csvc: %s: unknown subcommand \"%s\" (see csvc %s --help)\n", g->name,
		        sub_argv[k], g->name);
		return CLI_USAGE;
	}
	char prog[64];
	snprintf(prog, sizeof(prog), "%s %s", g->name, c->name);
	ctx.prog = prog;
	if (wants_help(sub_argc - k, sub_argv + k)) {
		fputs(c->help, stdout);
		return CLI_OK;
	}
	int rc = c->fn(&ctx, sub_argc - k, sub_argv + k);
	if (fflush(stdout) != 0 && rc == CLI_OK) {
		fprintf(stderr, "csvc: %s: cannot write the output\n", prog);
		rc = CLI_ERROR;
	}
	cli_close_store(&ctx);
	return rc;
}
