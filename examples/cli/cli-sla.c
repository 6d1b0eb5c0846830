/*
 * csvc sla: advance the SLA clock (emit warnings and breaches), list the
 * targets at risk and breached, and the next instant anything is due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-progress.h"
#include "cli-util.h"

void cli_sla_target_json(cli_json *j, const csvc_sla_target *t)
{
	cj_obj(j);
	cj_kstr(j, "ticket_number", csvc_sla_target_ticket_number(t));
	cj_kuuid(j, "ticket", csvc_sla_target_ticket(t));
	cj_kstr(j, "target", csvc_sla_target_name(t));
	cj_kstr(j, "policy", csvc_sla_target_policy(t));
	cj_kint(j, "policy_version", csvc_sla_target_policy_version(t));
	cj_kstr(j, "status", cli_enum_name(cli_sla_status_enum, csvc_sla_target_status(t)));
	cj_key(j, "duration_s");
	cj_seconds(j, csvc_sla_target_duration(t));
	cj_key(j, "used_s");
	cj_seconds(j, csvc_sla_target_used(t));
	cj_key(j, "remaining_s");
	cj_seconds(j, csvc_sla_target_remaining(t));
	cj_key(j, "percent_used");
	/* One decimal is plenty and keeps the output stable. */
	char pct[32];
	snprintf(pct, sizeof(pct), "%.1f", csvc_sla_target_percent_used(t));
	cj_raw(j, pct);
	cj_ktime(j, "due_at", csvc_sla_target_due_at(t));
	cj_ktime(j, "met_at", csvc_sla_target_met_at(t));
	cj_ktime(j, "breached_at", csvc_sla_target_breached_at(t));
	cj_kstr(j, "fault", csvc_sla_target_fault(t));
	cj_end_obj(j);
}

/* ------------------------------------------------------------------ */
/* advance                                                             */
/* ------------------------------------------------------------------ */

static const char advance_help[] =
	"usage: csvc sla advance [--until ISO]\n"
	"\n"
	"Emits every SLA warning and breach whose instant has come, up to --until\n"
	"(default: the store clock, i.e. --now or the system clock), in time\n"
	"order, each once, and prints them: the instant the threshold was\n"
	"crossed, the ticket, the target and warning N% or breach. Escalations\n"
	"run with them. Running it again emits nothing new.\n";

typedef struct advance_state {
	cli_ctx *ctx;
	cli_json j;
	cli_table *t;
} advance_state;

static int on_alarm(const csvc_sla_alarm *alarm, void *userdata)
{
	advance_state *s = userdata;
	char at[CLI_TIME_LEN];
	cli_format_time(alarm->at, at);
	if (s->ctx->json) {
		cj_obj(&s->j);
		cj_kstr(&s->j, "at", at);
		cj_kstr(&s->j, "ticket_number", alarm->ticket_number);
		cj_kuuid(&s->j, "ticket", alarm->ticket);
		cj_kstr(&s->j, "target", alarm->target);
		cj_kstr(&s->j, "alarm", alarm->percent >= 100 ? "breach" : "warning");
		cj_kint(&s->j, "percent", alarm->percent);
		cj_end_obj(&s->j);
	} else {
		cli_table_cell(s->t, at);
		cli_table_cell(s->t, alarm->ticket_number);
		cli_table_cell(s->t, alarm->target);
		if (alarm->percent >= 100)
			cli_table_cell(s->t, "breach");
		else
			cli_table_cellf(s->t, "warning %d%%", (int)alarm->percent);
	}
	return 0;
}

static int cmd_advance(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"until", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	csvc_time_us until = 0;
	if (cli_arg(&a, "until") && cli_parse_time(cli_arg(&a, "until"), &until) != 0)
		return cli_usage(ctx, "--until: malformed time \"%s\" (expected ISO 8601 such as "
		                      "2026-11-23T12:00:00+08:00)", cli_arg(&a, "until"));
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if (!cli_arg(&a, "until"))
		until = csvc_store_now(ctx->store);
	advance_state s;
	s.ctx = ctx;
	static const char *const headers[] = {"AT", "TICKET", "TARGET", "ALARM"};
	s.t = ctx->json ? NULL : cli_table_new(4, headers);
	cj_init(&s.j, stdout);
	char until_text[CLI_TIME_LEN];
	cli_format_time(until, until_text);
	if (ctx->json) {
		cj_obj(&s.j);
		cj_kstr(&s.j, "until", until_text);
		cj_key(&s.j, "alarms");
		cj_arr(&s.j);
	}
	int64_t emitted = 0;
	rc = csvc_sla_advance(ctx->store, until, on_alarm, &s, &emitted);
	/* Alarms already delivered are committed: print them even on failure. */
	if (ctx->json) {
		cj_end_arr(&s.j);
		cj_kint(&s.j, "emitted", emitted);
		cj_end_obj(&s.j);
		cj_done(&s.j);
	} else {
		if (emitted)
			cli_table_print(s.t, stdout);
		else
			cli_table_free(s.t);
		printf("%lld alarm%s emitted up to %s\n", (long long)emitted, emitted == 1 ? "" : "s", until_text);
	}
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* at-risk, breached                                                   */
/* ------------------------------------------------------------------ */

static const char at_risk_help[] =
	"usage: csvc sla at-risk [--limit N]\n"
	"\n"
	"Lists the running SLA targets that have crossed a warning threshold but\n"
	"not their deadline, soonest due first, as of the store clock (--now),\n"
	"whether or not 'csvc sla advance' has recorded the warnings yet.\n";

static const char breached_help[] =
	"usage: csvc sla breached [--limit N]\n"
	"\n"
	"Lists the SLA targets that are breached and not yet satisfied, by breach\n"
	"time, as of the store clock (--now): a target past its deadline is\n"
	"listed as breached, dated at its deadline, even before 'csvc sla\n"
	"advance' records the breach and runs its escalations.\n";

static int list_targets(cli_ctx *ctx, int argc, char **argv, int breached)
{
	static const cli_opt opts[] = {{"limit", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	uint32_t limit = 0;
	if (cli_arg(&a, "limit")) {
		char *end;
		long n = strtol(cli_arg(&a, "limit"), &end, 10);
		if (*end || n < 1 || n > 1000000000)
			return cli_usage(ctx, "--limit: expected a positive number, got \"%s\"", cli_arg(&a, "limit"));
		limit = (uint32_t)n;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_sla_iter *it = NULL;
	rc = breached ? csvc_sla_breached(ctx->store, limit, &it) : csvc_sla_at_risk(ctx->store, limit, &it);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, breached ? "breached" : "at-risk");
	static const char *const headers[] = {"TICKET", "TARGET", "STATUS", "DUE", "USED%", "LEFT", "BREACHED"};
	cli_table *t = ctx->json ? NULL : cli_table_new(7, headers);
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json)
		cj_arr(&j);
	csvc_sla_target *st = NULL;
	size_t count = 0;
	while ((rc = csvc_sla_iter_next(it, &st)) == CSVC_OK) {
		count++;
		if (ctx->json) {
			cli_sla_target_json(&j, st);
		} else {
			char due[CLI_TIME_LEN], left[CLI_TIME_LEN], br[CLI_TIME_LEN];
			cli_format_time(csvc_sla_target_due_at(st), due);
			cli_format_seconds(csvc_sla_target_remaining(st), left);
			cli_format_time(csvc_sla_target_breached_at(st), br);
			cli_table_cell(t, csvc_sla_target_ticket_number(st));
			cli_table_cell(t, csvc_sla_target_name(st));
			cli_table_cell(t, cli_enum_name(cli_sla_status_enum, csvc_sla_target_status(st)));
			cli_table_cell(t, csvc_sla_target_due_at(st) ? due : NULL);
			cli_table_cellf(t, "%.0f%%", csvc_sla_target_percent_used(st));
			cli_table_cellf(t, "%ss", left);
			cli_table_cell(t, csvc_sla_target_breached_at(st) ? br : NULL);
		}
		csvc_sla_target_free(st);
	}
	csvc_sla_iter_free(it);
	if (rc != CSVC_ITEROVER) {
		cli_table_free(t);
		return cli_lib_error(ctx, rc, "list");
	}
	if (ctx->json) {
		cj_end_arr(&j);
		cj_done(&j);
	} else if (count) {
		cli_table_print(t, stdout);
	} else {
		cli_table_free(t);
		puts(breached ? "(no breached targets)" : "(no targets at risk)");
	}
	return CLI_OK;
}

static int cmd_at_risk(cli_ctx *ctx, int argc, char **argv)
{
	return list_targets(ctx, argc, argv, 0);
}

static int cmd_breached(cli_ctx *ctx, int argc, char **argv)
{
	return list_targets(ctx, argc, argv, 1);
}

static const char wakeup_help[] =
	"usage: csvc sla next-wakeup\n"
	"\n"
	"Prints the earliest instant at which a warning or breach is pending (one\n"
	"ISO 8601 UTC instant), or \"none\": a host sets one timer for it and runs\n"
	"'csvc sla advance' then.\n";

static int cmd_next_wakeup(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_time_us at = 0;
	rc = csvc_sla_next_wakeup(ctx->store, &at);
	if (rc != CSVC_OK && rc != CSVC_ENOTFOUND)
		return cli_lib_error(ctx, rc, NULL);
	char text[CLI_TIME_LEN];
	cli_format_time(at, text);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_ktime(&j, "next_wakeup", rc == CSVC_OK ? at : 0);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		puts(rc == CSVC_OK ? text : "none");
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* recompute                                                           */
/* ------------------------------------------------------------------ */

static const char recompute_help[] =
	"usage: csvc sla recompute [--store CODE] [--rewrite]\n"
	"\n"
	"Rebuilds the SLA targets of every ticket (of store CODE with --store)\n"
	"from its event log and the policy version it recorded, and compares\n"
	"them with the state the store maintains. Prints the tickets whose state\n"
	"differs and a count. With --rewrite the rebuilt state replaces the\n"
	"stored one. The exit status is 1 when a ticket differs and --rewrite\n"
	"was not given. A progress bar (tickets done of those counted at the\n"
	"start) is drawn on stderr when it is a terminal, unless --quiet.\n";

static int cmd_recompute(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"store", 1}, {"rewrite", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	int rewrite = cli_has(&a, "rewrite");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.store_code = cli_arg(&a, "store");
	int64_t total = 0;
	if ((rc = csvc_ticket_count(ctx->store, &q, &total)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "count");
	csvc_ticket_iter *it = NULL;
	if ((rc = csvc_ticket_iter_new(ctx->store, &q, &it)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "list");

	cli_json j;
	if (ctx->json) {
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_key(&j, "differing");
		cj_arr(&j);
	}
	cli_progress bar;
	cli_progress_start(&bar, ctx, "recomputing", (size_t)total);
	size_t done = 0, differ = 0;
	csvc_ticket *t = NULL;
	while ((rc = csvc_ticket_iter_next(it, &t)) == CSVC_OK) {
		int equal = 1;
		rc = csvc_sla_recompute(ctx->store, csvc_ticket_id(t), rewrite, &equal);
		if (rc != CSVC_OK) {
			cli_progress_end(&bar);
			char what[96];
			snprintf(what, sizeof(what), "%s", csvc_ticket_number(t));
			csvc_ticket_free(t);
			csvc_ticket_iter_free(it);
			return cli_lib_error(ctx, rc, what);
		}
		if (!equal) {
			differ++;
			if (ctx->json) {
				cj_str(&j, csvc_ticket_number(t));
			} else {
				cli_progress_clear(&bar);
				printf("%s  differs%s\n", csvc_ticket_number(t), rewrite ? ", rewritten" : "");
			}
		}
		csvc_ticket_free(t);
		t = NULL;
		cli_progress_update(&bar, ++done);
	}
	cli_progress_end(&bar);
	csvc_ticket_iter_free(it);
	if (rc != CSVC_ITEROVER)
		return cli_lib_error(ctx, rc, "list");
	if (ctx->json) {
		cj_end_arr(&j);
		cj_kint(&j, "tickets", (int64_t)done);
		cj_kint(&j, "differ", (int64_t)differ);
		cj_key(&j, "rewritten");
		cj_bool(&j, rewrite && differ);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("%zu tickets recomputed, %zu differ%s\n", done, differ,
		       differ && rewrite ? " (rewritten)" : "");
	}
	if (differ && !rewrite)
		return cli_error(ctx, "%zu tickets differ from their event log (--rewrite replaces their state)",
		                 differ);
	return CLI_OK;
}

const cli_command cli_sla_commands[] = {
	{"advance", "emit the warnings and breaches that are due", advance_help, cmd_advance},
	{"at-risk", "targets past a warning threshold", at_risk_help, cmd_at_risk},
	{"breached", "targets breached and not yet met", breached_help, cmd_breached},
	{"next-wakeup", "when the next warning or breach is due", wakeup_help, cmd_next_wakeup},
	{"recompute", "rebuild SLA targets from the event log and compare", recompute_help, cmd_recompute},
	{NULL, NULL, NULL, NULL}};
