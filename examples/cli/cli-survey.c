/*
 * csvc survey: show a survey definition, invite a customer to answer it
 * (a single-use token bound to a ticket or customer), record responses
 * with or without an invitation, and score the responses (CSAT, NPS, CES,
 * CSI, SERVQUAL) from csvc/report.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-answers.h"
#include "cli-util.h"

/* The machine name of a question type, "?" if unknown. */
static const char *question_type_name(int32_t type)
{
	const char *name = csvc_enum_name(CSVC_ENUM_QUESTION_TYPE, type);
	return name ? name : "?";
}

static int parse_method(cli_ctx *ctx, const char *text, int32_t *method)
{
	char choices[256];
	if (cli_enum_parse(cli_method_enum, text, method) != 0)
		return cli_usage(ctx, "--method: unknown method \"%s\" (expected %s)", text,
		                 cli_enum_choices(cli_method_enum, choices, sizeof(choices)));
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* show                                                                */
/* ------------------------------------------------------------------ */

static const char show_help[] =
	"usage: csvc survey show NAME [--version N]\n"
	"\n"
	"Prints a survey definition: title, version, whether anonymous responses\n"
	"are accepted, its dimensions with their weights, and its questions with\n"
	"type, dimension, scale and labels (the names 'survey respond' answers).\n"
	"The handbook templates (post_resolution, mall, nps, servqual,\n"
	"servqual_handbook) come with 'csvc init --defaults'. Default: the newest\n"
	"version.\n";

static int cmd_show(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"version", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "survey name")))
		return rc;
	int32_t version = 0;
	if (cli_arg(&a, "version")) {
		char *end;
		long v = strtol(cli_arg(&a, "version"), &end, 10);
		if (*end || v < 1 || v > 1000000)
			return cli_usage(ctx, "--version: expected a positive number, got \"%s\"", cli_arg(&a, "version"));
		version = (int32_t)v;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_survey *s = NULL;
	if ((rc = csvc_survey_load(ctx->store, a.pos[0], version, &s)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	size_t nd = csvc_survey_dimension_count(s), nq = csvc_survey_question_count(s);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "name", csvc_survey_name(s));
		cj_kint(&j, "version", csvc_survey_version(s));
		cj_kstr(&j, "title", csvc_survey_title(s));
		cj_key(&j, "anonymous");
		cj_bool(&j, csvc_survey_anonymous(s));
		cj_key(&j, "dimensions");
		cj_arr(&j);
		for (size_t i = 0; i < nd; i++) {
			const char *name, *zh, *en;
			double w;
			csvc_survey_dimension_at(s, i, &name, &w, &zh, &en);
			char wt[32];
			snprintf(wt, sizeof(wt), "%.15g", w);
			cj_obj(&j);
			cj_kstr(&j, "name", name);
			cj_key(&j, "weight");
			cj_raw(&j, wt);
			cj_kstr(&j, "label_zh", zh);
			cj_kstr(&j, "label_en", en);
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_key(&j, "questions");
		cj_arr(&j);
		for (size_t i = 0; i < nq; i++) {
			const char *name, *dim, *zh, *en;
			int32_t type, req, scale;
			csvc_survey_question_at(s, i, &name, &type, &dim, &req, &scale);
			csvc_survey_question_labels(s, i, &zh, &en);
			cj_obj(&j);
			cj_kstr(&j, "name", name);
			cj_kstr(&j, "type", question_type_name(type));
			cj_kstr(&j, "dimension", dim);
			cj_key(&j, "required");
			cj_bool(&j, req);
			if (scale)
				cj_kint(&j, "scale_max", scale);
			else {
				cj_key(&j, "scale_max");
				cj_null(&j);
			}
			if (csvc_survey_option_count(s, i)) {
				cj_key(&j, "options");
				cj_arr(&j);
				for (size_t k = 0; k < csvc_survey_option_count(s, i); k++)
					cj_str(&j, csvc_survey_option_at(s, i, k));
				cj_end_arr(&j);
			}
			cj_kstr(&j, "label_zh", zh);
			cj_kstr(&j, "label_en", en);
			cj_end_obj(&j);
		}
		cj_end_arr(&j);
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		char v[16];
		snprintf(v, sizeof(v), "%d", (int)csvc_survey_version(s));
		cli_kv("survey", csvc_survey_name(s), 10);
		cli_kv("version", v, 10);
		cli_kv("title", csvc_survey_title(s), 10);
		cli_kv("anonymous", csvc_survey_anonymous(s) ? "accepted" : "no (invitations only)", 10);
		if (nd) {
			static const char *const dh[] = {"DIMENSION", "WEIGHT", "LABEL"};
			cli_table *t = cli_table_new(3, dh);
			for (size_t i = 0; i < nd; i++) {
				const char *name, *zh, *en;
				double w;
				csvc_survey_dimension_at(s, i, &name, &w, &zh, &en);
				cli_table_cell(t, name);
				cli_table_cellf(t, "%g", w);
				cli_table_cellf(t, "%s%s%s", zh ? zh : "", zh && en ? " " : "", en ? en : "");
			}
			putchar('\n');
			cli_table_print(t, stdout);
		}
		static const char *const qh[] = {"QUESTION", "TYPE", "DIMENSION", "REQUIRED", "ANSWERS", "LABEL"};
		cli_table *t = cli_table_new(6, qh);
		for (size_t i = 0; i < nq; i++) {
			const char *name, *dim, *zh, *en;
			int32_t type, req, scale;
			csvc_survey_question_at(s, i, &name, &type, &dim, &req, &scale);
			csvc_survey_question_labels(s, i, &zh, &en);
			cli_table_cell(t, name);
			cli_table_cell(t, question_type_name(type));
			cli_table_cell(t, dim);
			cli_table_cell(t, req ? "yes" : "no");
			char ans[512] = "";
			switch (type) {
			case CSVC_QUESTION_NPS: snprintf(ans, sizeof(ans), "0-10"); break;
			case CSVC_QUESTION_SERVQUAL: snprintf(ans, sizeof(ans), "E/P, each 1-%d", (int)scale); break;
			case CSVC_QUESTION_YES_NO: snprintf(ans, sizeof(ans), "yes|no"); break;
			case CSVC_QUESTION_TEXT: snprintf(ans, sizeof(ans), "text"); break;
			case CSVC_QUESTION_CHOICE: {
				size_t o = 0;
				for (size_t k = 0; k < csvc_survey_option_count(s, i) && o < sizeof(ans); k++)
					o += (size_t)snprintf(ans + o, sizeof(ans) - o, "%s%s", k ? "|" : "",
					                      csvc_survey_option_at(s, i, k));
				break;
			}
			default: snprintf(ans, sizeof(ans), "1-%d", (int)scale); break;
			}
			cli_table_cell(t, ans);
			cli_table_cellf(t, "%s%s%s", zh ? zh : "", zh && en ? " " : "", en ? en : "");
		}
		putchar('\n');
		cli_table_print(t, stdout);
	}
	csvc_survey_free(s);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* invite                                                              */
/* ------------------------------------------------------------------ */

static const char invite_help[] =
	"usage: csvc survey invite SURVEY (--ticket TICKET | --customer UUID) --method METHOD\n"
	"                          [--store CODE] [--staff NAME] [--channel NAME] [--expires DUR]\n"
	"\n"
	"Creates a single-use invitation to the newest version of SURVEY and\n"
	"prints its token (32 hex digits), to be printed on a receipt, sent in a\n"
	"message or used by the caller of a follow-up call. Hand it to 'csvc\n"
	"survey respond'. A ticket (a number such as SH01-000001, or a UUID)\n"
	"fills in what is not given: its customer, store, assignee (as the staff\n"
	"member) and channel; its kind and category are recorded for grouping.\n"
	"\n"
	"Options:\n"
	"  --ticket TICKET    the ticket the survey is about\n"
	"  --customer UUID    the customer (with or without a ticket)\n"
	"  --method METHOD    how the answers will be collected: till, receipt_qr,\n"
	"                     phone_callback (回访), questionnaire, interview,\n"
	"                     mystery_shopper, online_review, observation\n"
	"  --store CODE       the store (required without a ticket)\n"
	"  --staff NAME       the staff member who served the customer\n"
	"  --channel NAME     a defined channel\n"
	"  --expires DUR      how long the invitation is valid (default 7d)\n";

static int cmd_invite(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"ticket", 1}, {"customer", 1}, {"method", 1},  {"store", 1},
	                               {"staff", 1},  {"channel", 1},  {"expires", 1}, {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 1, 1, "survey name")))
		return rc;
	csvc_survey_context sc = CSVC_SURVEY_CONTEXT_INIT;
	csvc_uuid customer;
	if (!cli_arg(&a, "ticket") && !cli_arg(&a, "customer"))
		return cli_usage(ctx, "an invitation is bound to a ticket or a customer: give --ticket or --customer");
	if (!cli_arg(&a, "method"))
		return cli_usage(ctx, "missing --method (how the answers will be collected)");
	if ((rc = parse_method(ctx, cli_arg(&a, "method"), &sc.method)))
		return rc;
	if (cli_arg(&a, "customer")) {
		if ((rc = cli_parse_uuid(ctx, cli_arg(&a, "customer"), "--customer", &customer)))
			return rc;
		sc.customer = &customer;
	}
	if (cli_arg(&a, "expires")) {
		if (cli_parse_duration(cli_arg(&a, "expires"), &sc.ttl_us) != 0 || sc.ttl_us <= 0)
			return cli_usage(ctx, "--expires: expected a positive duration such as 7d or 2h, got \"%s\"",
			                 cli_arg(&a, "expires"));
	}
	sc.store_code = cli_arg(&a, "store");
	sc.staff = cli_arg(&a, "staff");
	sc.channel = cli_arg(&a, "channel");
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK)
		return rc;
	csvc_ticket *t = NULL;
	if (cli_arg(&a, "ticket")) {
		if ((rc = cli_find_ticket(ctx, cli_arg(&a, "ticket"), &t)) != CLI_OK)
			return rc;
		sc.ticket = csvc_ticket_id(t);
	}
	csvc_survey *s = NULL;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	csvc_time_us now = csvc_store_now(ctx->store);
	if ((rc = csvc_survey_load(ctx->store, a.pos[0], 0, &s)) != CSVC_OK ||
	    (rc = csvc_survey_invite(ctx->store, a.pos[0], &sc, token)) != CSVC_OK) {
		csvc_survey_free(s);
		csvc_ticket_free(t);
		return cli_lib_error(ctx, rc, NULL);
	}
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kstr(&j, "token", token);
		cj_kstr(&j, "survey", csvc_survey_name(s));
		cj_kint(&j, "survey_version", csvc_survey_version(s));
		cj_kstr(&j, "ticket_number", t ? csvc_ticket_number(t) : NULL);
		cj_kuuid(&j, "customer", sc.customer ? sc.customer : t ? csvc_ticket_customer(t) : NULL);
		cj_kstr(&j, "store", sc.store_code ? sc.store_code : t ? csvc_ticket_store_code(t) : NULL);
		cj_kstr(&j, "staff", sc.staff ? sc.staff : t ? csvc_ticket_assignee(t) : NULL);
		cj_kstr(&j, "channel", sc.channel ? sc.channel : t ? csvc_ticket_channel(t) : NULL);
		cj_kstr(&j, "method", cli_enum_name(cli_method_enum, sc.method));
		cj_ktime(&j, "expires_at", now + (sc.ttl_us ? sc.ttl_us : 7 * 86400 * CSVC_SECOND_US));
		cj_end_obj(&j);
		cj_done(&j);
	} else {
		puts(token);
	}
	csvc_survey_free(s);
	csvc_ticket_free(t);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* respond                                                             */
/* ------------------------------------------------------------------ */

static const char respond_help[] =
	"usage: csvc survey respond TOKEN ANSWER... [--answers FILE]\n"
	"       csvc survey respond --anonymous SURVEY --store CODE --method METHOD\n"
	"                           [--staff NAME] [--channel NAME] ANSWER... [--answers FILE]\n"
	"\n"
	"Records a response to the invitation TOKEN (from 'csvc survey invite'),\n"
	"whose method, store, staff member and channel it takes. An invitation is\n"
	"answered once; an unknown, answered or expired token is refused. With\n"
	"--anonymous, records a response without an invitation to a survey that\n"
	"accepts them (such as nps), e.g. from a QR code on a receipt.\n"
	"\n"
	"Each ANSWER is QUESTION=VALUE (see 'csvc survey show SURVEY'):\n"
	"  QUESTION=4         a score (Likert, NPS 0-10, CES)\n"
	"  QUESTION=5/6       a SERVQUAL pair: expectation/perception\n"
	"  QUESTION=yes|no    a yes/no answer\n"
	"  QUESTION=TEXT      anything else is free text\n"
	"QUESTION:TYPE=VALUE names the type: score, pair, yes_no, choice, text\n"
	"(choice answers always need it: QUESTION:choice=OPTION).\n"
	"\n"
	"The answers are checked against the survey: an unknown question, an\n"
	"answer of the wrong kind, a score off the scale or a required question\n"
	"left out is refused and nothing is recorded.\n"
	"\n"
	"Options:\n"
	"  --answers FILE     answers as a JSON object: numbers are scores,\n"
	"                     [E, P] pairs, true/false yes/no, strings text; keys\n"
	"                     may carry :TYPE as above. Arguments come after it.\n"
	"  --anonymous SURVEY a response without an invitation\n"
	"  --store CODE       (anonymous) the store\n"
	"  --method METHOD    (anonymous) till, receipt_qr, phone_callback,\n"
	"                     questionnaire, interview, mystery_shopper,\n"
	"                     online_review or observation\n"
	"  --staff NAME       (anonymous) the staff member\n"
	"  --channel NAME     (anonymous) a defined channel\n";

/* A failure of cli-answers.c, reported as the command reports errors. */
static int answers_error(cli_ctx *ctx, const cli_answers_error *err)
{
	if (err->kind == CLI_ANSWERS_LIBRARY)
		return cli_lib_error(ctx, err->lib_rc, err->message);
	if (err->kind == CLI_ANSWERS_USAGE)
		return cli_usage(ctx, "%s", err->message);
	return cli_error(ctx, "%s", err->message);
}

static int add_answer(cli_ctx *ctx, csvc_survey_answers *ans, const char *key, size_t keylen, const char *value,
                      const char *where)
{
	cli_answers_error err;
	return cli_answers_add(ans, key, keylen, value, where, &err) ? answers_error(ctx, &err) : CLI_OK;
}

static int answers_from_json(cli_ctx *ctx, const char *path, csvc_survey_answers *ans)
{
	char *data = NULL;
	size_t len = 0;
	int rc = cli_read_file(ctx, path, &data, &len);
	if (rc != CLI_OK)
		return rc;
	cli_answers_error err;
	rc = cli_answers_from_json(ans, data, len, path, &err) ? answers_error(ctx, &err) : CLI_OK;
	free(data);
	return rc;
}

static int cmd_respond(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"answers", 1}, {"anonymous", 1}, {"store", 1}, {"method", 1},
	                               {"staff", 1},   {"channel", 1},   {NULL, 0}};
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc)
		return rc;
	const char *survey = cli_arg(&a, "anonymous");
	csvc_survey_context sc = CSVC_SURVEY_CONTEXT_INIT;
	size_t first_answer = survey ? 0 : 1;
	if (survey) {
		if (!cli_arg(&a, "store"))
			return cli_usage(ctx, "--anonymous needs --store");
		if (!cli_arg(&a, "method"))
			return cli_usage(ctx, "--anonymous needs --method (how the answers were collected)");
		if ((rc = parse_method(ctx, cli_arg(&a, "method"), &sc.method)))
			return rc;
		sc.store_code = cli_arg(&a, "store");
		sc.staff = cli_arg(&a, "staff");
		sc.channel = cli_arg(&a, "channel");
	} else {
		if (!a.npos)
			return cli_usage(ctx, "missing the invitation TOKEN (or --anonymous SURVEY)");
		if (strchr(a.pos[0], '='))
			return cli_usage(ctx, "missing the invitation TOKEN before the answers (or --anonymous SURVEY)");
		static const char *const bound[] = {"store", "method", "staff", "channel"};
		for (size_t i = 0; i < 4; i++)
			if (cli_has(&a, bound[i]))
				return cli_usage(ctx, "--%s: an invitation sets it (csvc survey invite --%s); it applies to "
				                      "--anonymous responses only", bound[i], bound[i]);
	}
	if (a.npos <= first_answer && !cli_arg(&a, "answers"))
		return cli_usage(ctx, "missing the answers (QUESTION=VALUE...)");
	csvc_survey_answers *ans = NULL;
	if ((rc = csvc_survey_answers_new(&ans)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	/* Arguments first for usage errors; the file is read after them but applied first. */
	for (size_t i = first_answer; i < a.npos; i++) {
		const char *eq = strchr(a.pos[i], '=');
		if (!eq) {
			csvc_survey_answers_free(ans);
			return cli_usage(ctx, "expected QUESTION=VALUE, got \"%s\"", a.pos[i]);
		}
	}
	if (cli_arg(&a, "answers") && (rc = answers_from_json(ctx, cli_arg(&a, "answers"), ans)) != CLI_OK) {
		csvc_survey_answers_free(ans);
		return rc;
	}
	for (size_t i = first_answer; i < a.npos && rc == CLI_OK; i++) {
		const char *eq = strchr(a.pos[i], '=');
		rc = add_answer(ctx, ans, a.pos[i], (size_t)(eq - a.pos[i]), eq + 1, "answer");
	}
	if (rc == CLI_OK)
		rc = cli_open_store(ctx, 0);
	if (rc != CLI_OK) {
		csvc_survey_answers_free(ans);
		return rc;
	}
	csvc_uuid id;
	rc = survey ? csvc_survey_respond_anonymous(ctx->store, survey, &sc, ans, &id)
	            : csvc_survey_respond(ctx->store, a.pos[0], ans, &id);
	csvc_survey_answers_free(ans);
	if (rc != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	char idtext[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(&id, idtext);
	if (ctx->json) {
		cli_json j;
		cj_init(&j, stdout);
		cj_obj(&j);
		cj_kuuid(&j, "response", &id);
		cj_key(&j, "anonymous");
		cj_bool(&j, survey != NULL);
		if (survey) {
			cj_kstr(&j, "survey", survey);
			cj_kstr(&j, "store", sc.store_code);
			cj_kstr(&j, "method", cli_enum_name(cli_method_enum, sc.method));
		}
		cj_end_obj(&j);
		cj_done(&j);
	} else if (survey) {
		printf("anonymous response %s to %s recorded (%s, %s)\n", idtext, survey, sc.store_code,
		       cli_enum_name(cli_method_enum, sc.method));
	} else {
		printf("response %s recorded\n", idtext);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* score                                                               */
/* ------------------------------------------------------------------ */

static const char score_help[] =
	"usage: csvc survey score [SURVEY] (--period KEY | --from ISO --to ISO)\n"
	"                         [--by GROUP] [FILTERS]\n"
	"\n"
	"Satisfaction scores of the responses submitted in the range, to SURVEY\n"
	"(every survey when not given): responses; CSAT, the share of top-two-box\n"
	"Likert answers, with its 95% Wilson interval and the mean answer; NPS in\n"
	"points with its standard error; the mean CES; the CSI (0-100, target 85);\n"
	"the weighted SERVQUAL gap (perception minus expectation); then CSI and\n"
	"SERVQUAL per dimension. Rows resting on fewer responses than the minimum\n"
	"sample are flagged \"low\", not hidden. docs/scoring.md gives every\n"
	"formula. With --json, prints the library's report JSON.\n"
	"\n"
	"The range is --period KEY, in the time zone reports use for --store (its\n"
	"calendar's, its own, the default: csvc calendar zone; UTC when none is\n"
	"set; --zone NAME chooses another): a year\n"
	"2026, a quarter 2026-Q4, a month 2026-11, an ISO week 2026-W48 or a day\n"
	"2026-11-23. Or --from ISO --to ISO, an exact half-open range [from, to).\n"
	"\n"
	"Options:\n"
	"  --by GROUP         one row per store, staff, channel, kind, category or\n"
	"                     method, or per day, week, month or quarter (a trend,\n"
	"                     empty periods included)\n"
	"  --store CODE       one store\n"
	"  --staff NAME       one staff member\n"
	"  --channel NAME     one channel\n"
	"  --kind KIND        responses about tickets of one kind\n"
	"  --category TEXT    responses about tickets of one category\n"
	"  --method METHOD    one collection method\n"
	"  --question NAME    scores from this question only\n"
	"  --version N        one version of SURVEY\n"
	"  --csi-target X     the CSI target (default 85)\n"
	"  --min-sample N     flag rows with fewer than N responses (default 30)\n"
	"  --zone NAME        the time zone of --period (e.g. Asia/Shanghai)\n";

static int cmd_score(cli_ctx *ctx, int argc, char **argv)
{
	static const cli_opt opts[] = {{"period", 1},   {"from", 1},     {"to", 1},         {"zone", 1},
	                               {"by", 1},       {"store", 1},    {"staff", 1},      {"channel", 1},
	                               {"kind", 1},     {"category", 1}, {"min-sample", 1}, {"method", 1},
	                               {"question", 1}, {"version", 1},  {"csi-target", 1}, {NULL, 0}};
	cli_args a;
	cli_range range;
	csvc_report_query q;
	int rc = cli_parse(ctx, argc, argv, opts, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 1, "")) || (rc = cli_report_options(ctx, &a, &range, &q, 1)))
		return rc;
	q.survey = a.npos ? a.pos[0] : NULL;
	q.question = cli_arg(&a, "question");
	if (cli_arg(&a, "method") && (rc = parse_method(ctx, cli_arg(&a, "method"), &q.method)))
		return rc;
	if (cli_arg(&a, "version")) {
		char *end;
		long v = strtol(cli_arg(&a, "version"), &end, 10);
		if (*end || v < 1 || v > 1000000)
			return cli_usage(ctx, "--version: expected a positive number, got \"%s\"", cli_arg(&a, "version"));
		if (!q.survey)
			return cli_usage(ctx, "--version needs a SURVEY");
		q.survey_version = (int32_t)v;
	}
	if (cli_arg(&a, "csi-target")) {
		char *end;
		double v = strtod(cli_arg(&a, "csi-target"), &end);
		if (*end || !(v > 0 && v <= 100))
			return cli_usage(ctx, "--csi-target: expected a number above 0 and at most 100, got \"%s\"",
			                 cli_arg(&a, "csi-target"));
		q.csi_target = v;
	}
	if ((rc = cli_open_store(ctx, 0)) != CLI_OK || (rc = cli_report_resolve(ctx, &a, &range, &q)) != CLI_OK)
		return rc;
	csvc_report *r = NULL;
	if ((rc = csvc_report_scores(ctx->store, &q, &r)) != CSVC_OK)
		return cli_lib_error(ctx, rc, NULL);
	if (ctx->json) {
		rc = cli_report_print_json(ctx, r);
		csvc_report_free(r);
		return rc;
	}
	csvc_survey *s = NULL;
	if (q.survey)
		csvc_survey_load(ctx->store, q.survey, q.survey_version, &s); /* labels only */
	printf("Scores of %s%s, %s, %s%s%s\n", q.survey ? "survey " : "every survey", q.survey ? q.survey : "",
	       q.store_code ? q.store_code : "every store", range.label, range.by[0] ? ", by " : "", range.by);
	if (csvc_report_row_count(r) == 1 && !isnan(csvc_report_value(r, 0, CSVC_METRIC_CSI)))
		printf("CSI %.1f against the target %.4g: %s\n", csvc_report_value(r, 0, CSVC_METRIC_CSI),
		       csvc_report_value(r, 0, CSVC_METRIC_CSI_TARGET),
		       csvc_report_value(r, 0, CSVC_METRIC_CSI_MEETS_TARGET) == 1 ? "met" : "not met");
	putchar('\n');
	cli_scores_print(r, &range, &q, s, 1);
	csvc_survey_free(s);
	csvc_report_free(r);
	return CLI_OK;
}

const cli_command cli_survey_commands[] = {
	{"show", "a survey definition: dimensions and questions", show_help, cmd_show},
	{"invite", "a single-use invitation bound to a ticket or customer", invite_help, cmd_invite},
	{"respond", "record a response to an invitation, or an anonymous one", respond_help, cmd_respond},
	{"score", "CSAT, NPS, CES, CSI and SERVQUAL by store, staff, channel or period", score_help, cmd_score},
	{NULL, NULL, NULL, NULL}};
