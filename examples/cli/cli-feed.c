/*
 * csvc feed: the change feed (csvc/feed.h): tail it, with or without a
 * named consumer, and list the consumers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

static const char tail_help[] =
	"usage: csvc feed tail [--after N] [--limit N] [--consumer NAME] [--follow] [--json]\n"
	"\n"
	"Prints feed entries in position order: by default the last 10 (--limit N),\n"
	"or those after position N (--after N). With --consumer NAME it prints the\n"
	"entries after that consumer's cursor, in batches of --limit, and moves the\n"
	"cursor past each entry once it is printed (a consumer without a cursor\n"
	"starts at the beginning).\n"
	"With --follow it then waits for new entries, from any process, until it is\n"
	"interrupted. --json prints one JSON object per line, the library's layout.\n";

static int parse_count(cli_ctx *ctx, const char *opt, const char *text, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long n = strtoll(text, &end, 10);
	if (!*text || *end || n < min || n > max)
		return cli_usage(ctx, "--%s: expected a number from %lld to %lld, got \"%s\"", opt, (long long)min,
		                 (long long)max, text);
	*out = n;
	return CLI_OK;
}

static void print_entry(cli_ctx *ctx, const csvc_feed_entry *e)
{
	if (ctx->json) {
		char *json = NULL;
		if (csvc_feed_entry_to_json(e, &json) == CSVC_OK) {
			printf("%s\n", cli_show(json));
			csvc_free(json);
		}
	} else {
		char when[CLI_TIME_LEN];
		cli_format_time(csvc_feed_entry_time(e), when);
		const char *ref = csvc_feed_entry_reference(e);
		const char *actor = csvc_feed_entry_actor(e);
		char subject[37] = "-";
		if (!csvc_uuid_is_nil(csvc_feed_entry_subject_id(e)))
			csvc_uuid_to_string(csvc_feed_entry_subject_id(e), subject);
		printf("%6lld  %s  %-10s  %-20s  %s", (long long)csvc_feed_entry_position(e), when,
		       csvc_feed_entry_subject_kind(e), cli_show(csvc_feed_entry_type(e)), ref ? cli_show(ref) : subject);
		if (actor)
			printf("  by %s", cli_show(actor));
		putchar('\n');
	}
	fflush(stdout);
}

static int cmd_tail(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"after", 1}, {"limit", 1}, {"consumer", 1}, {"follow", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	int64_t after = -1, limit = 10;
	if (cli_arg(&a, "after") && (rc = parse_count(ctx, "after", cli_arg(&a, "after"), 0, INT64_MAX, &after)))
		return rc;
	if (cli_arg(&a, "limit") &&
	    (rc = parse_count(ctx, "limit", cli_arg(&a, "limit"), 1, CSVC_FEED_MAX_BATCH, &limit)))
		return rc;
	const char *consumer = cli_arg(&a, "consumer");
	int follow = cli_has(&a, "follow");
	if (consumer && after >= 0)
		return cli_usage(ctx, "--after and --consumer do not go together: a consumer reads after its cursor");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	if (!consumer && after < 0) {
		int64_t head = 0;
		if ((rc = csvc_feed_head(ctx->store, &head)) != CSVC_OK)
			return cli_lib_error(ctx, rc, "tail");
		after = head > limit ? head - limit : 0;
	}
	for (;;) {
		csvc_feed_iter *it = NULL;
		rc = consumer ? csvc_feed_read(ctx->store, consumer, (int32_t)limit, &it)
		              : csvc_feed_after(ctx->store, after, (int32_t)limit, &it);
		if (rc != CSVC_OK)
			return cli_lib_error(ctx, rc, NULL);
		const csvc_feed_entry *e;
		int n = 0;
		while (csvc_feed_iter_next(it, &e) == CSVC_OK) {
			print_entry(ctx, e);
			after = csvc_feed_entry_position(e);
			n++;
			if (consumer && (rc = csvc_feed_ack(ctx->store, consumer, after)) != CSVC_OK) {
				csvc_feed_iter_free(it);
				return cli_lib_error(ctx, rc, "ack");
			}
		}
		csvc_feed_iter_free(it);
		if (n && (follow || consumer))
			continue; /* more may be waiting behind a full batch */
		if (!follow)
			return CLI_OK;
		if (after < 0 && consumer) {
			int64_t pos = 0;
			after = csvc_feed_consumer_get(ctx->store, consumer, &pos, NULL) == CSVC_OK ? pos : 0;
		}
		if ((rc = csvc_feed_wait(ctx->store, after < 0 ? 0 : after, 60000, NULL)) < 0)
			return cli_lib_error(ctx, rc, "wait");
	}
}

static const char consumers_help[] =
	"usage: csvc feed consumers [--json]\n"
	"\n"
	"Lists the feed's consumers by name, with the position of each cursor and its\n"
	"lag (the entries after it), and the feed's head.\n";

static int cmd_consumers(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	int64_t head = 0;
	csvc_feed_consumer_iter *it = NULL;
	if ((rc = csvc_feed_head(ctx->store, &head)) != CSVC_OK ||
	    (rc = csvc_feed_consumer_iter_new(ctx->store, &it)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "consumers");
	static const char *const headers[] = {"CONSUMER", "POSITION", "LAG"};
	cli_table *t = ctx->json ? NULL : cli_table_new(3, headers);
	cli_json j;
	cj_init(&j, stdout);
	if (ctx->json) {
		cj_obj(&j);
		cj_kint(&j, "head", head);
		cj_key(&j, "consumers");
		cj_arr(&j);
	}
	const char *name;
	int64_t position, lag;
	size_t count = 0;
	while (csvc_feed_consumer_iter_next(it, &name, &position, &lag) == CSVC_OK) {
		count++;
		if (ctx->json) {
			cj_obj(&j);
			cj_kstr(&j, "name", name);
			cj_kint(&j, "position", position);
			cj_kint(&j, "lag", lag);
			cj_end_obj(&j);
		} else {
			cli_table_cell(t, name);
			cli_table_cellf(t, "%lld", (long long)position);
			cli_table_cellf(t, "%lld", (long long)lag);
		}
	}
	csvc_feed_consumer_iter_free(it);
	if (ctx->json) {
		cj_end_arr(&j);
		cj_end_obj(&j);
		cj_done(&j);
		return CLI_OK;
	}
	if (count)
		cli_table_print(t, stdout);
	else {
		cli_table_free(t);
		puts("(no consumers)");
	}
	printf("head: %lld\n", (long long)head);
	return CLI_OK;
}

const cli_command cli_feed_commands[] = {
	{"tail", "print feed entries, optionally as a consumer, optionally following", tail_help, cmd_tail},
	{"consumers", "list the feed's consumers with their positions and lag", consumers_help, cmd_consumers},
	{NULL, NULL, NULL, NULL}};
