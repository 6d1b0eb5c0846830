/*
 * csvc calendar: a store's business calendar (set, show), the time zone of
 * store codes without one (zone), zone data kept in the store (zone-data),
 * and business-time
 * arithmetic on a calendar given as JSON (add, between), which needs no
 * store. The arithmetic commands print exactly one result per line, so
 * that other tools can check libcsvc's calendar arithmetic through them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-util.h"

static const char set_help[] =
	"usage: csvc calendar set STORE --file SPEC.json [--name NAME]\n"
	"\n"
	"Saves the business calendar in SPEC.json (the JSON form of\n"
	"docs/calendars.md: zone, weekly versions, holidays, special days) and\n"
	"attaches it to the store code STORE, in one transaction. SLA targets on\n"
	"the store calendar count business time on it.\n"
	"\n"
	"Options:\n"
	"  --file SPEC.json   the calendar (required)\n"
	"  --name NAME        the name it is saved under (default: STORE)\n";

static int load_spec(cli_ctx *ctx, const char *path, csvc_calendar **cal)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cli_read_file(ctx, path, &text, &len);
	if (rc != CLI_OK)
		return rc;
	rc = csvc_calendar_parse(cal, text, len, NULL);
	free(text);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, path);
	return CLI_OK;
}

static int cmd_set(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"file", 1}, {"name", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "store code")))
		return rc;
	if (!cli_arg(&a, "file"))
		return cli_usage(ctx, "missing --file SPEC.json");
	const char *store_code = a.pos[0];
	const char *name = cli_arg(&a, "name") ? cli_arg(&a, "name") : store_code;
	csvc_calendar *cal = NULL;
	if ((rc = load_spec(ctx, cli_arg(&a, "file"), &cal)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK) {
		csvc_calendar_free(cal);
		return rc;
	}
	const char *step = "begin";
	if ((rc = csvc_store_begin(ctx->store)) == CSVC_OK) {
		step = "save";
		if ((rc = csvc_calendar_save(ctx->store, name, cal)) == CSVC_OK) {
			step = "attach";
			rc = csvc_calendar_attach(ctx->store, store_code, name);
		}
		if (rc == CSVC_OK) {
			step = "commit";
			rc = csvc_store_commit(ctx->store);
		} else {
			csvc_error saved = *csvc_error_last();
			char msg[512];
			snprintf(msg, sizeof(msg), "%s", saved.message);
			csvc_store_rollback(ctx->store);
			csvc_calendar_free(cal);
			return cli_error(ctx, "%s: %s", step, msg);
		}
	}
	if (rc != CSVC_OK) {
		csvc_calendar_free(cal);
		return cli_lib_error(ctx, rc, step);
	}
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "store", store_code);
		cj_kstr(&j, "calendar", name);
		cj_kstr(&j, "zone", csvc_calendar_zone(cal));
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("calendar %s (%s) attached to store %s\n", cli_show(name), cli_show(csvc_calendar_zone(cal)),
		       cli_show(store_code));
	}
	csvc_calendar_free(cal);
	return CLI_OK;
}

static const char show_help[] =
	"usage: csvc calendar show STORE\n"
	"\n"
	"Prints the name, zone and canonical JSON of the calendar attached to the\n"
	"store code STORE.\n";

static int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "store code")))
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	char *name = NULL, *text = NULL;
	csvc_calendar *cal = NULL;
	if ((rc = csvc_calendar_name_for_store(ctx->store, a.pos[0], &name)) != CSVC_OK) {
		if (rc == CSVC_ENOTFOUND)
			return cli_error(ctx, "no calendar is attached to store %s", a.pos[0]);
		return cli_lib_error(ctx, rc, a.pos[0]);
	}
	if ((rc = csvc_calendar_load(ctx->store, name, NULL, &cal)) != CSVC_OK ||
	    (rc = csvc_calendar_to_json(cal, &text)) != CSVC_OK) {
		rc = cli_lib_error(ctx, rc, name);
		goto out;
	}
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "store", a.pos[0]);
		cj_kstr(&j, "calendar", name);
		cj_kstr(&j, "zone", csvc_calendar_zone(cal));
		cj_key(&j, "spec");
		cj_raw(&j, text);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		char *spec = cli_visible(text, CLI_VIS_LINES);
		printf("store     %s\ncalendar  %s\nzone      %s\n%s\n", cli_show(a.pos[0]), cli_show(name),
		       cli_show(csvc_calendar_zone(cal)), spec);
		free(spec);
	}
	rc = CLI_OK;
out:
	csvc_free(text);
	csvc_free(name);
	csvc_calendar_free(cal);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Arithmetic                                                          */
/* ------------------------------------------------------------------ */

static const char add_help[] =
	"usage: csvc calendar add (--spec SPEC.json | --store CODE) --start ISO --duration DUR...\n"
	"       csvc calendar add (--spec SPEC.json | --store CODE) --stdin\n"
	"\n"
	"Prints the due instant of DUR of business time counted from START: the\n"
	"earliest instant with exactly DUR of open time since START, or the next\n"
	"opening when that instant is a closing time (docs/calendars.md). One ISO\n"
	"8601 UTC instant per line (2026-11-23T10:00:00Z; a fraction only when\n"
	"there is one), one line per --duration, in order.\n"
	"\n"
	"Options:\n"
	"  --spec SPEC.json   the calendar, in its JSON form (no store needed)\n"
	"  --store CODE       or the calendar attached to a store code in --db\n"
	"  --start ISO        e.g. 2026-11-23T17:00:00+08:00 or ...T09:00:00Z\n"
	"  --duration DUR     seconds (5400) or with a unit: 90m, 8h, 3d, 45s, 1h30m;\n"
	"                     a day is 24 hours of business time; may be repeated\n"
	"  --stdin            read \"START DURATION\" lines from standard input\n"
	"\n"
	"With --json each line is a JSON object {\"start\", \"duration\", \"due\"}.\n";

static const char between_help[] =
	"usage: csvc calendar between (--spec SPEC.json | --store CODE) --start ISO --end ISO...\n"
	"       csvc calendar between (--spec SPEC.json | --store CODE) --stdin\n"
	"\n"
	"Prints the business time in [START, END), in seconds (a fraction only when\n"
	"there is one; negative when END is before START), one number per line,\n"
	"one line per --end, in order.\n"
	"\n"
	"Options:\n"
	"  --spec SPEC.json   the calendar, in its JSON form (no store needed)\n"
	"  --store CODE       or the calendar attached to a store code in --db\n"
	"  --start ISO, --end ISO   instants with a zone (Z or +08:00); --end may repeat\n"
	"  --stdin            read \"START END\" lines from standard input\n"
	"\n"
	"With --json each line is a JSON object {\"start\", \"end\", \"seconds\"}.\n";

/* Evaluates one case; prints its line. */
static int eval_one(cli_ctx *ctx, const csvc_calendar *cal, int is_add, const char *start_text,
                    const char *arg_text, size_t line)
{
	char where[64] = "";
	if (line)
		snprintf(where, sizeof(where), "stdin line %zu: ", line);
	csvc_time_us start, end;
	int64_t duration;
	if (cli_parse_time(start_text, &start) != 0)
		return cli_usage(ctx, "%smalformed start time \"%s\" (expected ISO 8601 such as "
		                      "2026-11-23T09:30:00+08:00)", where, start_text);
	if (is_add && cli_parse_duration(arg_text, &duration) != 0)
		return cli_usage(ctx, "%smalformed duration \"%s\" (expected seconds or 90m, 8h, 3d)", where,
		                 arg_text);
	if (!is_add && cli_parse_time(arg_text, &end) != 0)
		return cli_usage(ctx, "%smalformed end time \"%s\" (expected ISO 8601 such as "
		                      "2026-11-23T18:00:00+08:00)", where, arg_text);
	char a[CLI_TIME_LEN], b[CLI_TIME_LEN];
	int rc;
	if (is_add) {
		csvc_time_us due;
		if ((rc = csvc_calendar_add(cal, start, duration, &due)) != CSVC_OK) {
			char what[128];
			snprintf(what, sizeof(what), "%sadd %s to %s", where, arg_text, start_text);
			return cli_lib_error(ctx, rc, what);
		}
		cli_format_time(due, b);
		if (ctx->json) {
			cli_format_time(start, a);
			char d[CLI_TIME_LEN];
			cli_format_seconds(duration, d);
			printf("{\"start\": \"%s\", \"duration\": %s, \"due\": \"%s\"}\n", a, d, b);
		} else {
			puts(b);
		}
	} else {
		int64_t us;
		if ((rc = csvc_calendar_between(cal, start, end, &us)) != CSVC_OK) {
			char what[128];
			snprintf(what, sizeof(what), "%sbetween %s and %s", where, start_text, arg_text);
			return cli_lib_error(ctx, rc, what);
		}
		cli_format_seconds(us, b);
		if (ctx->json) {
			char s[CLI_TIME_LEN], e[CLI_TIME_LEN];
			cli_format_time(start, s);
			cli_format_time(end, e);
			printf("{\"start\": \"%s\", \"end\": \"%s\", \"seconds\": %s}\n", s, e, b);
		} else {
			puts(b);
		}
	}
	return CLI_OK;
}

static int arithmetic(cli_ctx *ctx, int argc, char **argv, int is_add)
{
	static const cli_opt add_opts[] = {
		{"spec", 1}, {"store", 1}, {"start", 1}, {"duration", 1}, {"stdin", 0}, {NULL, 0}};
	static const cli_opt between_opts[] = {
		{"spec", 1}, {"store", 1}, {"start", 1}, {"end", 1}, {"stdin", 0}, {NULL, 0}};
	const char *what = is_add ? "duration" : "end";
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, is_add ? add_opts : between_opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 0, "")))
		return rc;
	if (!!cli_arg(&a, "spec") == !!cli_arg(&a, "store"))
		return cli_usage(ctx, "give one of --spec SPEC.json and --store CODE");
	int from_stdin = cli_has(&a, "stdin");
	if (from_stdin && (cli_has(&a, "start") || cli_has(&a, what)))
		return cli_usage(ctx, "--stdin replaces --start and --%s", what);
	if (!from_stdin && (!cli_has(&a, "start") || !cli_has(&a, what)))
		return cli_usage(ctx, "missing --start or --%s", what);
	/* Check the arguments before reading the calendar. */
	csvc_time_us t;
	int64_t d;
	for (size_t i = 0; i < a.n; i++) {
		if (!strcmp(a.name[i], "start") && cli_parse_time(a.value[i], &t) != 0)
			return cli_usage(ctx, "--start: malformed time \"%s\" (expected ISO 8601 such as "
			                      "2026-11-23T09:30:00+08:00)", a.value[i]);
		if (!strcmp(a.name[i], "end") && cli_parse_time(a.value[i], &t) != 0)
			return cli_usage(ctx, "--end: malformed time \"%s\" (expected ISO 8601 such as "
			                      "2026-11-23T18:00:00+08:00)", a.value[i]);
		if (!strcmp(a.name[i], "duration") && cli_parse_duration(a.value[i], &d) != 0)
			return cli_usage(ctx, "--duration: malformed duration \"%s\" (expected seconds or 90m, 8h, 3d)",
			                 a.value[i]);
	}
	csvc_calendar *cal = NULL;
	if (cli_arg(&a, "spec")) {
		if ((rc = load_spec(ctx, cli_arg(&a, "spec"), &cal)) != CLI_OK)
			return rc;
	} else {
		if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
			return rc;
		if ((rc = csvc_calendar_for_store(ctx->store, cli_arg(&a, "store"), NULL, &cal)) != CSVC_OK)
			return rc == CSVC_ENOTFOUND ? cli_error(ctx, "no calendar for store %s: %s", cli_arg(&a, "store"),
			                                        csvc_error_last()->message)
			                            : cli_lib_error(ctx, rc, cli_arg(&a, "store"));
	}
	rc = CLI_OK;
	if (from_stdin) {
		char line[512];
		size_t n = 0;
		while (rc == CLI_OK && fgets(line, sizeof(line), stdin)) {
			n++;
			char x[256], y[256], extra[2];
			int k = sscanf(line, "%255s %255s %1s", x, y, extra);
			if (k == EOF || (k == 0))
				continue; /* blank line */
			if (k != 2) {
				rc = cli_usage(ctx, "stdin line %zu: expected \"START %s\"", n, is_add ? "DURATION" : "END");
				break;
			}
			rc = eval_one(ctx, cal, is_add, x, y, n);
		}
	} else {
		const char *start = cli_arg(&a, "start");
		for (size_t i = 0; i < a.n && rc == CLI_OK; i++)
			if (!strcmp(a.name[i], what))
				rc = eval_one(ctx, cal, is_add, start, a.value[i], 0);
	}
	csvc_calendar_free(cal);
	return rc;
}

static int cmd_add(cli_ctx *ctx, int argc, char **argv)
{
	return arithmetic(ctx, argc, argv, 1);
}

static int cmd_between(cli_ctx *ctx, int argc, char **argv)
{
	return arithmetic(ctx, argc, argv, 0);
}

/* ------------------------------------------------------------------ */
/* Time zones                                                          */
/* ------------------------------------------------------------------ */

static const char zone_help[] =
	"usage: csvc calendar zone STORE [ZONE | --clear]\n"
	"       csvc calendar zone --default [ZONE | --clear]\n"
	"\n"
	"Sets, clears or shows the time zone of the store code STORE, or with\n"
	"--default the store-wide default zone. Reports cut days, weeks, months\n"
	"and quarters in it for store codes without a calendar: a calendar's\n"
	"zone wins, then the store code's own zone, then the default, then UTC\n"
	"(docs/reports.md). A till serving one shop sets the default once; a\n"
	"chain sets each store code's zone. ZONE is an IANA name such as\n"
	"Asia/Shanghai, UTC or a fixed offset such as +08:00; its data is kept\n"
	"in the store. Without ZONE or --clear, prints the zone reports use and\n"
	"where it comes from (calendar, store, default or none).\n"
	"\n"
	"Options:\n"
	"  --default   the store-wide default instead of one store code\n"
	"  --clear     remove the zone\n";

static const char *source_name(int32_t source)
{
	const char *name = csvc_enum_name(CSVC_ENUM_ZONE_SOURCE, source);
	return name ? name : "none";
}

static const char *source_text(int32_t source)
{
	switch (source) {
	case CSVC_ZONE_CALENDAR: return "the zone of its calendar";
	case CSVC_ZONE_STORE: return "its own zone";
	case CSVC_ZONE_DEFAULT: return "the store's default zone";
	default: return "nothing set: UTC";
	}
}

static int cmd_zone(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"default", 0}, {"clear", 0}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc)
		return rc;
	int dflt = cli_has(&a, "default"), clear = cli_has(&a, "clear");
	size_t want = dflt ? 0 : 1;
	if ((rc = cli_want_pos(ctx, &a, want, clear ? want : want + 1, dflt ? "zone" : "store code")))
		return rc;
	const char *code = dflt ? NULL : a.pos[0];
	const char *zone = a.npos > want ? a.pos[want] : NULL;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	const char *what = dflt ? "the default zone" : code;
	if (clear) {
		rc = dflt ? csvc_calendar_clear_default_zone(ctx->store) : csvc_calendar_clear_store_zone(ctx->store, code);
		if (rc == CSVC_ENOTFOUND)
			return dflt ? cli_error(ctx, "no default zone is set")
			            : cli_error(ctx, "no zone is set for store %s", cli_show(code));
		if (rc != CSVC_OK)
			return cli_lib_error(ctx, rc, what);
	} else if (zone) {
		rc = dflt ? csvc_calendar_set_default_zone(ctx->store, zone)
		          : csvc_calendar_set_store_zone(ctx->store, code, zone);
		if (rc != CSVC_OK)
			return cli_lib_error(ctx, rc, what);
	}
	csvc_tz *tz = NULL;
	int32_t source = 0;
	if ((rc = csvc_calendar_tz_for_store(ctx->store, code, &tz, &source)) != CSVC_OK)
		return cli_lib_error(ctx, rc, what);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		if (code)
			cj_kstr(&j, "store", code);
		else
			cj_kstr(&j, "store", NULL);
		cj_kstr(&j, "zone", csvc_tz_name(tz));
		cj_kstr(&j, "source", source_name(source));
		cj_end_obj(&j);
		cj_done(&j);
	} else if (code) {
		printf("store %s: %s (%s)\n", cli_show(code), cli_show(csvc_tz_name(tz)), source_text(source));
	} else {
		printf("default zone: %s\n", source == CSVC_ZONE_DEFAULT ? cli_show(csvc_tz_name(tz)) : "none (UTC)");
	}
	csvc_tz_free(tz);
	return CLI_OK;
}

static const char zone_data_help[] =
	"usage: csvc calendar zone-data ZONE FILE\n"
	"\n"
	"Keeps the TZif data in FILE (e.g. /usr/share/zoneinfo/Asia/Shanghai) in\n"
	"the store as the zone ZONE, replacing the store's copy. Calendars and\n"
	"store zones load ZONE from this copy, so the store works on a device\n"
	"without a zoneinfo directory (docs/calendars.md). Saving a calendar or\n"
	"setting a zone keeps its data by itself; use this to supply a zone\n"
	"from elsewhere or to bring the store's copy up to date.\n";

static int cmd_zone_data(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 2, 2, "zone and file")))
		return rc;
	char *data = NULL;
	size_t len = 0;
	if ((rc = cli_read_file(ctx, a.pos[1], &data, &len)) != CLI_OK)
		return rc;
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK) {
		free(data);
		return rc;
	}
	rc = csvc_calendar_add_zone(ctx->store, a.pos[0], data, len);
	free(data);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, a.pos[0]);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "zone", a.pos[0]);
		cj_kint(&j, "bytes", (int64_t)len);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		printf("zone %s kept in the store (%zu bytes)\n", cli_show(a.pos[0]), len);
	}
	return CLI_OK;
}

const cli_command cli_calendar_commands[] = {
	{"set", "save a calendar and attach it to a store", set_help, cmd_set},
	{"show", "print a store's calendar", show_help, cmd_show},
	{"zone", "time zone of a store without a calendar, or the default", zone_help, cmd_zone},
	{"zone-data", "keep a zone's TZif data in the store", zone_data_help, cmd_zone_data},
	{"add", "due instant of a business duration from a start", add_help, cmd_add},
	{"between", "business seconds between two instants", between_help, cmd_between},
	{NULL, NULL, NULL, NULL}};
