/*
 * csvc demo: a scripted day in a two-store mall, on a simulated clock.
 *
 * Monday 2026-11-23 in Shanghai. Store SH01 (the ground-floor flagship)
 * and store SH02 (the fashion floor) each get a business calendar in
 * Asia/Shanghai. Customers register at the counters and in the app; a
 * duplicate is found by phone at the till and merged. Then an inquiry, a
 * complaint through 接收→分析→处理→反馈, a return linked to a purchase
 * that waits on the customer over lunch (its resolution clock pauses),
 * and an unanswered WeChat inquiry that draws an SLA warning and a breach
 * from csvc_sla_advance. Customers rate the service: at the till after
 * the return, by follow-up call (回访) after the complaint, by a chat
 * questionnaire, and anonymously through the QR code on a receipt. The
 * day ends with a KPI summary and the satisfaction and service report of
 * csvc_report_kpis.
 *
 * Nothing sleeps: the store's clock is a variable the script moves, and
 * the SLA timer is driven the way a host would drive it, by
 * csvc_sla_next_wakeup and csvc_sla_advance. Customer UUIDs are fixed and
 * ticket numbers are per-store counters, so every run prints the same.
 * Survey tokens are random: the demo hands them straight from the
 * invitation to the response and prints which ticket was rated instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-util.h"

const char cli_demo_help[] =
	"usage: csvc demo [FILE]\n"
	"\n"
	"Runs a scripted day in a two-store mall on a simulated clock: store\n"
	"calendars in Asia/Shanghai, customers registered, found by phone and\n"
	"merged, an inquiry, a complaint through 接收→分析→处理→反馈, a return\n"
	"linked to a purchase that waits on the customer over lunch (pausing its\n"
	"SLA clock), an SLA warning and a breach, till ratings, a follow-up call\n"
	"(回访) and a receipt QR survey, and at closing a KPI summary with the\n"
	"satisfaction and service report (CSAT, NPS, response and resolution\n"
	"times, SLA compliance, complaint deadlines 24/48/72 h) per store.\n"
	"\n"
	"The day is written to FILE (default: csvc-demo.db; --db also names it),\n"
	"which is created afresh; an existing file is replaced only if it is an\n"
	"earlier demo store. Explore it afterwards with the other commands, e.g.\n"
	"csvc --db csvc-demo.db ticket list. The output is the same on every run.\n"
	"On PostgreSQL (--db postgresql://...) the URI's database must hold no\n"
	"store yet: the demo replaces none there.\n"
	"With --json, prints the alarms, the surveys, the KPI summary and the\n"
	"report as one JSON object.\n";

/* The two store calendars, in the JSON form of docs/calendars.md. */
static const char calendar_sh01[] =
	"{\"zone\": \"Asia/Shanghai\", \"versions\": [{\"week\": {"
	"\"mon\": [\"09:30-22:00\"], \"tue\": [\"09:30-22:00\"], \"wed\": [\"09:30-22:00\"],"
	"\"thu\": [\"09:30-22:00\"], \"fri\": [\"09:30-22:30\"], \"sat\": [\"09:30-22:30\"],"
	"\"sun\": [\"09:30-22:00\"]}}], \"holidays\": [\"2027-02-06\"]}";
static const char calendar_sh02[] =
	"{\"zone\": \"Asia/Shanghai\", \"versions\": [{\"week\": {"
	"\"mon\": [\"10:00-21:30\"], \"tue\": [\"10:00-21:30\"], \"wed\": [\"10:00-21:30\"],"
	"\"thu\": [\"10:00-21:30\"], \"fri\": [\"10:00-22:00\"], \"sat\": [\"10:00-22:00\"],"
	"\"sun\": [\"10:00-21:30\"]}}], \"holidays\": [\"2027-02-06\"],"
	"\"special_days\": [{\"date\": \"2026-11-27\", \"intervals\": [\"09:00-23:59\"]}]}";

typedef struct demo {
	cli_ctx *ctx;
	csvc_store *store;
	csvc_time_us now;     /* the simulated clock */
	csvc_tz *tz;          /* Asia/Shanghai, for printing local times */
	int json;
	cli_json j;           /* --json: the alarms, then the summary */
	int failed;
	struct {              /* the responses of the day, for --json */
		csvc_time_us at;
		char ticket[CSVC_TICKET_MAX_NUMBER + 1]; /* "" for an anonymous response */
		const char *survey, *method, *store;
	} rated[8];
	size_t n_rated;
} demo;

static csvc_time_us demo_clock(void *userdata)
{
	return ((const demo *)userdata)->now;
}

/* Any failure ends the demo: it is a script, not an interactive tool. */
static void check(demo *d, int rc, const char *what)
{
	if (rc != CSVC_OK && !d->failed) {
		d->failed = 1;
		cli_lib_error(d->ctx, rc, what);
	}
}

/* 2026-11-23 HH:MM in Shanghai (UTC+8, no DST). */
static csvc_time_us at(int hour, int minute)
{
	const csvc_time_us midnight = (csvc_time_us)1795363200 * CSVC_SECOND_US; /* 2026-11-22T16:00Z */
	return midnight + ((int64_t)hour * 3600 + minute * 60) * CSVC_SECOND_US;
}

static void local_hhmm(const demo *d, csvc_time_us t, char *buf, size_t size)
{
	int64_t local;
	csvc_civil_time c = CSVC_CIVIL_TIME_INIT;
	if (csvc_tz_utc_to_local(d->tz, t, &local) != CSVC_OK || csvc_civil_from_local(local, &c) != CSVC_OK) {
		snprintf(buf, size, "??:??");
		return;
	}
	snprintf(buf, size, "%02d:%02d", (int)c.hour, (int)c.minute);
}

static void say(demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(demo *d, const char *fmt, ...)
{
	if (d->json || d->failed)
		return;
	char hhmm[16];
	local_hhmm(d, d->now, hhmm, sizeof(hhmm));
	va_list ap;
	va_start(ap, fmt);
	printf("%s  ", hhmm);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static void section(demo *d, const char *title)
{
	if (!d->json && !d->failed)
		printf("\n== %s\n", title);
}

/* ------------------------------------------------------------------ */
/* The SLA timer                                                       */
/* ------------------------------------------------------------------ */

static int print_alarm(const csvc_sla_alarm *alarm, void *userdata)
{
	demo *d = userdata;
	char hhmm[16];
	local_hhmm(d, alarm->at, hhmm, sizeof(hhmm));
	if (d->json) {
		char iso[CLI_TIME_LEN];
		cli_format_time(alarm->at, iso);
		cj_obj(&d->j);
		cj_kstr(&d->j, "at", iso);
		cj_kstr(&d->j, "ticket_number", alarm->ticket_number);
		cj_kstr(&d->j, "target", alarm->target);
		cj_kstr(&d->j, "alarm", alarm->percent >= 100 ? "breach" : "warning");
		cj_kint(&d->j, "percent", alarm->percent);
		cj_end_obj(&d->j);
	} else if (alarm->percent >= 100) {
		printf("%s  !! SLA breach: %s %s is past its deadline (%s)\n", hhmm, alarm->ticket_number,
		       alarm->target, hhmm);
	} else {
		printf("%s  !  SLA warning: %s %s has used %d%% of its time\n", hhmm, alarm->ticket_number,
		       alarm->target, (int)alarm->percent);
	}
	return 0;
}

/*
 * Moves the clock to `t`, firing the SLA timer on the way: like a host,
 * the demo asks for the next wakeup and runs csvc_sla_advance at it.
 */
static void clock_to(demo *d, csvc_time_us t)
{
	csvc_time_us wake;
	while (!d->failed && csvc_sla_next_wakeup(d->store, &wake) == CSVC_OK && wake <= t) {
		if (wake > d->now)
			d->now = wake;
		check(d, csvc_sla_advance(d->store, d->now, print_alarm, d, NULL), "SLA advance");
	}
	if (t > d->now)
		d->now = t;
}

/* ------------------------------------------------------------------ */
/* Customers                                                           */
/* ------------------------------------------------------------------ */

static csvc_uuid demo_id(int n)
{
	char text[CSVC_UUID_STRLEN + 1];
	csvc_uuid id;
	snprintf(text, sizeof(text), "00000000-0000-4000-8000-%012d", n);
	csvc_uuid_from_string(text, &id);
	return id;
}

static csvc_uuid add_customer(demo *d, int n, const char *name, const char *phone, const char *store,
                              const char *card)
{
	csvc_customer *c = NULL;
	csvc_uuid id = demo_id(n);
	check(d, csvc_customer_new(&c), "new customer");
	if (d->failed)
		return id;
	check(d, csvc_customer_set_id(c, &id), "customer id");
	check(d, csvc_customer_set_name(c, name), "customer name");
	check(d, csvc_customer_add_phone(c, phone), "customer phone");
	check(d, csvc_customer_set_home_store(c, store), "home store");
	if (card)
		check(d, csvc_customer_add_external_id(c, "member_card", card), "member card");
	if (!d->failed)
		check(d, csvc_customer_create(d->store, c, store), "create customer");
	csvc_customer_free(c);
	return id;
}

/* ------------------------------------------------------------------ */
/* Tickets                                                             */
/* ------------------------------------------------------------------ */

typedef struct ticket_ref {
	csvc_uuid id;
	char number[CSVC_TICKET_MAX_NUMBER + 1];
} ticket_ref;

static ticket_ref open_ticket(demo *d, const char *kind, const char *store, const csvc_uuid *customer,
                              const char *channel, const char *category, const char *subject,
                              const char *order_ref, int32_t urgency, const char *actor)
{
	ticket_ref r;
	memset(&r, 0, sizeof(r));
	csvc_ticket *t = NULL;
	check(d, csvc_ticket_new(&t, kind, store), "new ticket");
	if (d->failed)
		return r;
	if (customer)
		check(d, csvc_ticket_set_customer(t, customer), "ticket customer");
	check(d, csvc_ticket_set_channel(t, channel), "ticket channel");
	check(d, csvc_ticket_set_category(t, category), "ticket category");
	check(d, csvc_ticket_set_subject(t, subject), "ticket subject");
	check(d, csvc_ticket_set_order_ref(t, order_ref), "ticket order");
	check(d, csvc_ticket_set_urgency(t, urgency), "ticket urgency");
	if (!d->failed)
		check(d, csvc_ticket_create(d->store, t, actor), "open ticket");
	if (!d->failed) {
		r.id = *csvc_ticket_id(t);
		snprintf(r.number, sizeof(r.number), "%s", csvc_ticket_number(t));
	}
	csvc_ticket_free(t);
	return r;
}

static void move(demo *d, const ticket_ref *r, const char *transition, const char *actor, const char *note)
{
	if (!d->failed)
		check(d, csvc_ticket_transition(d->store, &r->id, transition, 0, actor, note, NULL), transition);
}

static void comment(demo *d, const ticket_ref *r, int32_t kind, const char *body, const char *method,
                    const char *actor)
{
	csvc_comment c = CSVC_COMMENT_INIT;
	c.kind = kind;
	c.body = body;
	c.method = method;
	c.actor = actor;
	if (!d->failed)
		check(d, csvc_ticket_comment(d->store, &r->id, &c, NULL), "comment");
}

/* "12m30s" from microseconds. */
static void human_duration(int64_t us, char *buf, size_t size)
{
	int64_t s = us / CSVC_SECOND_US;
	if (s >= 3600)
		snprintf(buf, size, "%lldh%02lldm", (long long)(s / 3600), (long long)(s / 60 % 60));
	else if (s % 60)
		snprintf(buf, size, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, size, "%lldm", (long long)(s / 60));
}

/* Prints one SLA target of a ticket: status and business time used. */
static void show_target(demo *d, const ticket_ref *r, const char *name)
{
	csvc_sla_iter *it = NULL;
	csvc_sla_target *t = NULL;
	if (d->failed || d->json)
		return;
	check(d, csvc_sla_ticket_targets(d->store, &r->id, &it), "SLA targets");
	while (!d->failed && csvc_sla_iter_next(it, &t) == CSVC_OK) {
		if (!strcmp(csvc_sla_target_name(t), name)) {
			char used[32], total[32];
			human_duration(csvc_sla_target_used(t), used, sizeof(used));
			human_duration(csvc_sla_target_duration(t), total, sizeof(total));
			say(d, "      %s %s: %s, %s of %s business time used", r->number, name,
			    cli_enum_name(cli_sla_status_enum, csvc_sla_target_status(t)), used, total);
		}
		csvc_sla_target_free(t);
	}
	csvc_sla_iter_free(it);
}

/* ------------------------------------------------------------------ */
/* Surveys                                                             */
/* ------------------------------------------------------------------ */

static const char *method_name(int32_t method)
{
	const char *name = csvc_enum_name(CSVC_ENUM_SURVEY_METHOD, method);
	return name ? name : "?";
}

static void log_rating(demo *d, const char *ticket, const char *survey, int32_t method, const char *store)
{
	if (d->n_rated == sizeof(d->rated) / sizeof(d->rated[0]))
		return;
	d->rated[d->n_rated].at = d->now;
	snprintf(d->rated[d->n_rated].ticket, sizeof(d->rated[0].ticket), "%s", ticket);
	d->rated[d->n_rated].survey = survey;
	d->rated[d->n_rated].method = method_name(method);
	d->rated[d->n_rated].store = store;
	d->n_rated++;
}

/*
 * The post-resolution survey of a ticket (响应速度, 问题解决效率,
 * 解决方案满意度, 1-5): an invitation bound to the ticket, which gives the
 * customer, store and channel, then the customer's answers to its token.
 */
static void rate_ticket(demo *d, const ticket_ref *r, int32_t method, const char *staff, int speed,
                        int efficiency, int solution, const char *comment)
{
	if (d->failed)
		return;
	csvc_survey_context sc = CSVC_SURVEY_CONTEXT_INIT;
	sc.ticket = &r->id;
	sc.method = method;
	sc.staff = staff;
	char token[CSVC_SURVEY_TOKEN_LEN + 1];
	check(d, csvc_survey_invite(d->store, "post_resolution", &sc, token), "survey invitation");
	csvc_survey_answers *a = NULL;
	check(d, csvc_survey_answers_new(&a), "answers");
	if (!d->failed) {
		check(d, csvc_survey_answers_score(a, "response_speed", speed), "answer");
		check(d, csvc_survey_answers_score(a, "resolution_efficiency", efficiency), "answer");
		check(d, csvc_survey_answers_score(a, "solution_satisfaction", solution), "answer");
		if (comment)
			check(d, csvc_survey_answers_text(a, "comment", comment), "answer");
	}
	if (!d->failed)
		check(d, csvc_survey_respond(d->store, token, a, NULL), "survey response");
	csvc_survey_answers_free(a);
	if (!d->failed)
		log_rating(d, r->number, "post_resolution", method, NULL);
}

/* "How likely are you to recommend us?" from the QR code on a receipt: no invitation. */
static void rate_receipt(demo *d, const char *store, int recommend)
{
	if (d->failed)
		return;
	csvc_survey_context sc = CSVC_SURVEY_CONTEXT_INIT;
	sc.store_code = store;
	sc.method = CSVC_METHOD_RECEIPT_QR;
	csvc_survey_answers *a = NULL;
	check(d, csvc_survey_answers_new(&a), "answers");
	if (!d->failed)
		check(d, csvc_survey_answers_score(a, "recommend", recommend), "answer");
	if (!d->failed)
		check(d, csvc_survey_respond_anonymous(d->store, "nps", &sc, a, NULL), "anonymous response");
	csvc_survey_answers_free(a);
	if (!d->failed)
		log_rating(d, "", "nps", CSVC_METHOD_RECEIPT_QR, store);
}

/* ------------------------------------------------------------------ */
/* The day                                                             */
/* ------------------------------------------------------------------ */

static void morning(demo *d, csvc_uuid *wang, csvc_uuid *li, csvc_uuid *han)
{
	section(d, "Opening: two stores, their calendars and the handbook defaults");
	check(d, csvc_store_install_defaults(d->store), "install defaults");
	const char *specs[2] = {calendar_sh01, calendar_sh02};
	const char *codes[2] = {"SH01", "SH02"};
	const char *names[2] = {"mall-SH01", "mall-SH02"};
	for (int i = 0; i < 2 && !d->failed; i++) {
		csvc_calendar *cal = NULL;
		check(d, csvc_calendar_parse(&cal, specs[i], strlen(specs[i]), NULL), "calendar");
		if (d->failed)
			return;
		check(d, csvc_calendar_save(d->store, names[i], cal), "save calendar");
		check(d, csvc_calendar_attach(d->store, codes[i], names[i]), "attach calendar");
		csvc_calendar_free(cal);
	}
	say(d, "SH01 service desk open 09:30-22:00, SH02 10:00-21:30 (Asia/Shanghai)");
	say(d, "workflows, ticket kinds, channels and SLA policies: handbook defaults installed");

	section(d, "Customers: registration, lookup at the till, dedupe and merge");
	clock_to(d, at(9, 35));
	*wang = add_customer(d, 1, "王芳", "138-0013-8000", "SH01", "M-10001");
	say(d, "SH01 counter: 王芳 registers, phone 138-0013-8000, member card M-10001");
	clock_to(d, at(9, 40));
	*li = add_customer(d, 2, "李雷", "139 1234 5678", "SH01", NULL);
	say(d, "SH01 counter: 李雷 registers, phone 139 1234 5678");
	clock_to(d, at(9, 50));
	*han = add_customer(d, 3, "韩梅梅", "021-6234-5678", "SH02", "M-10002");
	csvc_customer *c = NULL;
	check(d, csvc_customer_get(d->store, han, &c), "get customer");
	if (!d->failed) {
		check(d, csvc_customer_set_class(c, CSVC_CUSTOMER_VIP), "class");
		check(d, csvc_customer_add_tag(c, "会员日"), "tag");
		check(d, csvc_customer_set_notes(c, "需要无障碍通道; prefers WeChat"), "notes");
		check(d, csvc_customer_update(d->store, c, "SH02"), "update customer");
	}
	csvc_customer_free(c);
	say(d, "SH02 counter: 韩梅梅 registers as a VIP (核心), notes: 需要无障碍通道");
	clock_to(d, at(10, 5));
	csvc_uuid dup = add_customer(d, 4, "王 芳", "+86 138 0013 8000", "SH02", "M-20001");
	say(d, "app sign-up: \"王 芳\", +86 138 0013 8000, a second member card M-20001");

	clock_to(d, at(10, 10));
	csvc_customer *found = NULL;
	check(d, csvc_customer_find_by_phone(d->store, "0086 13800138000", &found), "find by phone");
	if (!d->failed)
		say(d, "SH01 till: phone typed as 0086 13800138000 finds %s", csvc_customer_name(found));
	csvc_customer_free(found);
	csvc_customer_query same = CSVC_CUSTOMER_QUERY_INIT;
	same.phone = "13800138000";
	int64_t n = 0;
	check(d, csvc_customer_count(d->store, &same, &n), "count by phone");
	say(d, "two records share that number (%lld): merging the app record into 王芳", (long long)n);
	csvc_merge_report *report = NULL;
	check(d, csvc_customer_merge(d->store, wang, &dup, "supervisor", &report), "merge");
	for (size_t i = 0; i < csvc_merge_report_count(report); i++) {
		const char *field, *kept, *absorbed;
		csvc_merge_report_at(report, i, &field, NULL, &kept, &absorbed);
		say(d, "      %s: kept \"%s\"; \"%s\" stays on the merged record", field, kept, absorbed);
	}
	csvc_merge_report_free(report);
	check(d, csvc_customer_get(d->store, wang, &c), "get customer");
	if (!d->failed) {
		char cards[256] = "";
		size_t o = 0;
		for (size_t i = 0; i < csvc_customer_external_id_count(c) && o < sizeof(cards); i++) {
			const char *kind, *value;
			csvc_customer_external_id_at(c, i, &kind, &value);
			o += (size_t)snprintf(cards + o, sizeof(cards) - o, "%s%s", i ? ", " : "", value);
		}
		say(d, "      one 王芳 remains: phone %s, member cards %s", csvc_customer_phone(c, 0), cards);
	}
	csvc_customer_free(c);
}

static void day(demo *d, const csvc_uuid *wang, const csvc_uuid *li, const csvc_uuid *han)
{
	section(d, "An inquiry (咨询), answered at once");
	clock_to(d, at(10, 20));
	ticket_ref inquiry = open_ticket(d, "inquiry", "SH01", li, "online_chat", "营业时间",
	                                 "停车场晚上几点关门？", NULL, 0, "chat-bot");
	say(d, "%s  李雷 asks in the online chat: 停车场晚上几点关门？", inquiry.number);
	clock_to(d, at(10, 28));
	comment(d, &inquiry, CSVC_COMMENT_REPLY, "停车场营业至23:00，22:00后请从B2出口离场。", "online_chat",
	        "小周");
	move(d, &inquiry, "answer", "小周", NULL);
	move(d, &inquiry, "close", "小周", NULL);
	say(d, "%s  小周 answers after 8 minutes (first response target: 20 min) and closes it", inquiry.number);

	section(d, "A complaint (投诉): 接收 → 分析 → 处理 → 反馈");
	clock_to(d, at(10, 30));
	ticket_ref complaint = open_ticket(d, "complaint", "SH02", han, "store_counter", "服务态度",
	                                   "试衣间排队四十分钟，店员态度冷淡", NULL, CSVC_URGENCY_MAJOR, "SH02-desk");
	say(d, "%s  接收: 韩梅梅 complains at the SH02 desk: 试衣间排队四十分钟，店员态度冷淡", complaint.number);
	clock_to(d, at(10, 40));
	check(d, csvc_ticket_assign(d->store, &complaint.id, "刘经理", "SH02 楼面", 0, "SH02-desk", NULL),
	      "assign");
	move(d, &complaint, "analyse", "刘经理", "查看排班和监控：周一上午只开了两间试衣间");
	say(d, "%s  分析: assigned to 刘经理 (one designated handler), who reviews the rota and CCTV",
	    complaint.number);

	section(d, "A return (售后/退换货) linked to a purchase");
	clock_to(d, at(11, 0));
	ticket_ref ret = open_ticket(d, "after_sales", "SH01", wang, "store_counter", "商品质量",
	                             "羊毛衫洗后缩水，要求退货", "POS-SH01-20261121-0153", 0, "SH01-desk");
	say(d, "%s  王芳 brings back a sweater bought on 11-21, receipt POS-SH01-20261121-0153", ret.number);
	clock_to(d, at(11, 10));
	move(d, &ret, "classify", "小陈", "按洗涤说明手洗，属质量问题");
	clock_to(d, at(11, 30));
	move(d, &complaint, "handle", "刘经理", "加开两间试衣间，安排店员培训");
	say(d, "%s  处理: 刘经理 opens two more fitting rooms and books staff training", complaint.number);
	clock_to(d, at(11, 40));
	move(d, &ret, "propose", "小陈", NULL);
	comment(d, &ret, CSVC_COMMENT_REPLY, "可全额退款，或换同款大一码。", "in_person", "小陈");
	say(d, "%s  小陈 proposes a refund or an exchange one size up", ret.number);
	clock_to(d, at(11, 45));
	move(d, &ret, "wait_customer", "小陈", "顾客午饭后回来决定");
	say(d, "%s  waiting on the customer: 王芳 will decide after lunch", ret.number);
	show_target(d, &ret, "resolution");

	section(d, "An unanswered WeChat inquiry");
	clock_to(d, at(11, 50));
	ticket_ref wechat = open_ticket(d, "inquiry", "SH02", NULL, "wechat", "会员积分",
	                                "会员积分怎么兑换停车券？", NULL, 0, "wechat");
	say(d, "%s  a WeChat message arrives at SH02: 会员积分怎么兑换停车券？ (nobody is watching)",
	    wechat.number);
	clock_to(d, at(12, 20));
	comment(d, &wechat, CSVC_COMMENT_REPLY, "100积分可兑换1小时停车券，在服务台或APP兑换。", "wechat",
	        "小李");
	move(d, &wechat, "answer", "小李", NULL);
	say(d, "%s  小李 finally answers (met late: the breach stays on record)", wechat.number);

	section(d, "After lunch");
	clock_to(d, at(13, 15));
	show_target(d, &ret, "resolution");
	move(d, &ret, "resume", "小陈", NULL);
	move(d, &ret, "accept", "小陈", "顾客选择换大一码");
	say(d, "%s  王芳 is back and takes the exchange; the resolution clock runs again", ret.number);
	clock_to(d, at(13, 40));
	move(d, &ret, "notify", "小陈", NULL);
	comment(d, &ret, CSVC_COMMENT_RESULT_NOTICE, "已为您换货（L码），如有问题请联系SH01服务台。", "sms",
	        "小陈");
	say(d, "%s  exchange done, result notice sent by SMS", ret.number);
	show_target(d, &ret, "resolution");
	clock_to(d, at(13, 42));
	rate_ticket(d, &ret, CSVC_METHOD_TILL, "小陈", 5, 4, 5, NULL);
	move(d, &ret, "survey", "小陈", NULL);
	move(d, &ret, "close", "小陈", NULL);
	say(d, "%s  till rating: 王芳 rates the exchange on the customer display: speed 5, efficiency 4, "
	       "solution 5; 已回访, closed", ret.number);

	clock_to(d, at(15, 0));
	move(d, &complaint, "report_back", "刘经理", NULL);
	comment(d, &complaint, CSVC_COMMENT_RESULT_NOTICE,
	        "已加开试衣间并安排服务培训，赠送停车券一张，感谢您的反馈。", "phone", "刘经理");
	say(d, "%s  反馈: 刘经理 calls 韩梅梅 back with the result", complaint.number);
	clock_to(d, at(15, 30));
	move(d, &complaint, "close", "刘经理", NULL);
	say(d, "%s  closed after 5 hours (handbook: respond 24 h, handled 48 h, reported back 72 h)",
	    complaint.number);

	section(d, "Satisfaction: follow-up calls (回访), a chat questionnaire, a receipt QR code");
	clock_to(d, at(16, 30));
	rate_ticket(d, &complaint, CSVC_METHOD_PHONE_CALLBACK, NULL, 4, 4, 3, "试衣间好多了，店员态度还要加强");
	say(d, "%s  回访: the SH02 desk calls 韩梅梅: speed 4, efficiency 4, solution 3, "
	       "\"试衣间好多了，店员态度还要加强\"", complaint.number);
	clock_to(d, at(16, 40));
	rate_ticket(d, &inquiry, CSVC_METHOD_QUESTIONNAIRE, "小周", 5, 5, 4, NULL);
	say(d, "%s  李雷 answers the questionnaire sent in the chat: speed 5, efficiency 5, solution 4",
	    inquiry.number);
	clock_to(d, at(16, 50));
	rate_ticket(d, &wechat, CSVC_METHOD_QUESTIONNAIRE, "小李", 2, 3, 4, "回复太慢了");
	say(d, "%s  the WeChat customer answers too: speed 2, efficiency 3, solution 4, \"回复太慢了\"",
	    wechat.number);
	clock_to(d, at(17, 0));
	rate_receipt(d, "SH01", 9);
	say(d, "a shopper scans the QR code on a SH01 receipt: would recommend the mall, 9 of 10 (anonymous)");

	section(d, "Evening");
	clock_to(d, at(17, 5));
	ticket_ref facility = open_ticket(d, "facility", "SH01", NULL, "on_site", "设施",
	                                  "二楼扶梯异响", NULL, CSVC_URGENCY_MAJOR, "保安-王");
	check(d, csvc_ticket_assign(d->store, &facility.id, NULL, "物业部", 0, "保安-王", NULL), "hand-off");
	say(d, "%s  a security guard reports a noisy escalator; handed off to 物业部 (property)",
	    facility.number);
	(void)wang;
}

/* ------------------------------------------------------------------ */
/* KPI summary                                                         */
/* ------------------------------------------------------------------ */

typedef struct sla_tally {
	int64_t met_on_time, met_late, breached, open, cancelled;
} sla_tally;

/* A share as "75.0%", "-" when undefined. */
static void pct(char *buf, size_t size, double v)
{
	if (v != v)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100 * v);
}

/*
 * The report of the day by store from csvc_report_kpis: satisfaction
 * (CSAT, NPS, CSI) and service KPIs (first response and resolution in
 * business time, SLA compliance, complaint deadlines 24/48/72 h,
 * complaints per 1,000 transactions). Also the responses of the day.
 */
static void satisfaction(demo *d)
{
	csvc_report_query q = CSVC_REPORT_QUERY_INIT;
	q.from = at(0, 0);
	q.to = at(24, 0);
	q.group_by = CSVC_REPORT_BY_STORE;
	csvc_report *r = NULL;
	check(d, csvc_report_kpis(d->store, &q, &r), "KPI report");
	if (d->failed)
		return;
	size_t n = csvc_report_row_count(r);
	if (d->json) {
		cj_key(&d->j, "surveys");
		cj_arr(&d->j);
		for (size_t i = 0; i < d->n_rated; i++) {
			cj_obj(&d->j);
			cj_ktime(&d->j, "at", d->rated[i].at);
			cj_kstr(&d->j, "ticket_number", d->rated[i].ticket[0] ? d->rated[i].ticket : NULL);
			cj_kstr(&d->j, "survey", d->rated[i].survey);
			cj_kstr(&d->j, "method", d->rated[i].method);
			cj_key(&d->j, "anonymous");
			cj_bool(&d->j, !d->rated[i].ticket[0]);
			if (d->rated[i].store)
				cj_kstr(&d->j, "store", d->rated[i].store);
			cj_end_obj(&d->j);
		}
		cj_end_arr(&d->j);
		char *json = NULL;
		check(d, csvc_report_to_json(r, &json), "report JSON");
		cj_key(&d->j, "report");
		cj_raw_pretty(&d->j, json);
		csvc_free(json);
		csvc_report_free(r);
		return;
	}

	static const char *const sh[] = {"STORE", "RESPONSES", "CSAT", "CSAT 95% CI", "MEAN (1-5)", "NPS", "CSI"};
	cli_table *t = cli_table_new(7, sh);
	for (size_t i = 0; i < n; i++) {
		char a[32];
		cli_table_cell(t, csvc_report_key(r, i));
		cli_table_cellf(t, "%.0f", csvc_report_value(r, i, CSVC_METRIC_RESPONSES));
		pct(a, sizeof(a), csvc_report_value(r, i, CSVC_METRIC_CSAT));
		cli_table_cell(t, a);
		double lo = csvc_report_value(r, i, CSVC_METRIC_CSAT_LOW), hi = csvc_report_value(r, i, CSVC_METRIC_CSAT_HIGH);
		if (lo == lo && hi == hi)
			cli_table_cellf(t, "%.1f-%.1f%%", 100 * lo, 100 * hi);
		else
			cli_table_cell(t, NULL);
		cli_table_cellf(t, "%.2f", csvc_report_value(r, i, CSVC_METRIC_CSAT_MEAN));
		double nps = csvc_report_value(r, i, CSVC_METRIC_NPS);
		if (nps == nps)
			cli_table_cellf(t, "%.0f (n=%.0f)", nps, csvc_report_value(r, i, CSVC_METRIC_NPS_N));
		else
			cli_table_cell(t, NULL);
		cli_table_cellf(t, "%.1f", csvc_report_value(r, i, CSVC_METRIC_CSI));
	}
	printf("\nSatisfaction (csvc_report_kpis by store; CSAT: 4 or 5 of 5; CSI target 85):\n");
	cli_table_print(t, stdout);

	static const char *const kh[] = {"STORE",          "TICKETS", "FIRST RESPONSE", "RESOLUTION", "SLA ON TIME",
	                                 "COMPLAINTS",     "24H",     "48H",            "72H",        "PER 1000 SALES"};
	t = cli_table_new(10, kh);
	for (size_t i = 0; i < n; i++) {
		char a[32];
		cli_table_cell(t, csvc_report_key(r, i));
		cli_table_cellf(t, "%.0f", csvc_report_value(r, i, CSVC_METRIC_TICKETS));
		cli_human_duration(csvc_report_value(r, i, CSVC_METRIC_RESPONSE_MEAN), a, sizeof(a));
		cli_table_cellf(t, "%s (n=%.0f)", a, csvc_report_value(r, i, CSVC_METRIC_RESPONSE_N));
		cli_human_duration(csvc_report_value(r, i, CSVC_METRIC_RESOLUTION_MEAN), a, sizeof(a));
		cli_table_cellf(t, "%s (n=%.0f)", a, csvc_report_value(r, i, CSVC_METRIC_RESOLUTION_N));
		pct(a, sizeof(a), csvc_report_value(r, i, CSVC_METRIC_SLA_COMPLIANCE));
		cli_table_cellf(t, "%s (%.0f/%.0f)", a, csvc_report_value(r, i, CSVC_METRIC_SLA_ON_TIME),
		                csvc_report_value(r, i, CSVC_METRIC_SLA_ON_TIME) +
		                    csvc_report_value(r, i, CSVC_METRIC_SLA_BREACHED));
		cli_table_cellf(t, "%.0f", csvc_report_value(r, i, CSVC_METRIC_COMPLAINTS));
		pct(a, sizeof(a), csvc_report_value(r, i, CSVC_METRIC_COMPLAINT_24H));
		cli_table_cell(t, a);
		pct(a, sizeof(a), csvc_report_value(r, i, CSVC_METRIC_COMPLAINT_48H));
		cli_table_cell(t, a);
		pct(a, sizeof(a), csvc_report_value(r, i, CSVC_METRIC_COMPLAINT_72H));
		cli_table_cell(t, a);
		double rate = csvc_report_value(r, i, CSVC_METRIC_COMPLAINT_RATE);
		if (rate == rate)
			cli_table_cellf(t, "%.2f", rate);
		else
			cli_table_cell(t, NULL);
	}
	printf("\nService KPIs (business time; complaint deadlines met: respond 24 h, handled 48 h, "
	       "reported back 72 h):\n");
	cli_table_print(t, stdout);
	printf("A day is a small sample: every row rests on fewer than 30 tickets and responses (\"low "
	       "sample\" in csvc report kpi).\n");
	csvc_report_free(r);
}

static void summary(demo *d)
{
	static const char *const stores[] = {"SH01", "SH02"};
	int64_t counts[2][7] = {{0}};
	sla_tally tally[2];
	memset(tally, 0, sizeof(tally));
	for (int s = 0; s < 2; s++) {
		for (int32_t cat = CSVC_STATE_NEW; cat <= CSVC_STATE_CANCELLED; cat++) {
			csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
			q.store_code = stores[s];
			q.state_category = cat;
			check(d, csvc_ticket_count(d->store, &q, &counts[s][cat]), "count tickets");
			counts[s][0] += counts[s][cat];
		}
	}

	/* SLA outcomes and first-response times, from each ticket's targets. */
	static const char *const fr_headers[] = {"TICKET", "KIND", "TARGET", "MET AT", "BUSINESS TIME", "LIMIT", "ON TIME"};
	cli_table *fr = cli_table_new(7, fr_headers);
	int64_t fr_total = 0, fr_count = 0;
	csvc_ticket_iter *it = NULL;
	csvc_ticket *t = NULL;
	check(d, csvc_ticket_iter_new(d->store, NULL, &it), "tickets");
	if (d->json) {
		cj_end_arr(&d->j);
		cj_key(&d->j, "first_responses");
		cj_arr(&d->j);
	}
	while (!d->failed && csvc_ticket_iter_next(it, &t) == CSVC_OK) {
		int s = !strcmp(csvc_ticket_store_code(t), "SH02");
		csvc_sla_iter *si = NULL;
		csvc_sla_target *st = NULL;
		check(d, csvc_sla_ticket_targets(d->store, csvc_ticket_id(t), &si), "SLA targets");
		while (!d->failed && csvc_sla_iter_next(si, &st) == CSVC_OK) {
			int32_t status = csvc_sla_target_status(st);
			int late = csvc_sla_target_breached_at(st) != 0;
			if (status == CSVC_SLA_MET)
				late ? tally[s].met_late++ : tally[s].met_on_time++;
			else if (status == CSVC_SLA_BREACHED)
				tally[s].breached++;
			else if (status == CSVC_SLA_CANCELLED)
				tally[s].cancelled++;
			else
				tally[s].open++;
			const char *name = csvc_sla_target_name(st);
			if ((!strcmp(name, "first_response") || !strcmp(name, "respond")) && status == CSVC_SLA_MET) {
				char used[32], limit[32], hhmm[16];
				human_duration(csvc_sla_target_used(st), used, sizeof(used));
				human_duration(csvc_sla_target_duration(st), limit, sizeof(limit));
				local_hhmm(d, csvc_sla_target_met_at(st), hhmm, sizeof(hhmm));
				fr_total += csvc_sla_target_used(st);
				fr_count++;
				if (d->json) {
					cj_obj(&d->j);
					cj_kstr(&d->j, "ticket_number", csvc_ticket_number(t));
					cj_kstr(&d->j, "kind", csvc_ticket_kind(t));
					cj_kstr(&d->j, "target", name);
					cj_ktime(&d->j, "met_at", csvc_sla_target_met_at(st));
					cj_key(&d->j, "business_seconds");
					cj_seconds(&d->j, csvc_sla_target_used(st));
					cj_key(&d->j, "on_time");
					cj_bool(&d->j, !late);
					cj_end_obj(&d->j);
				}
				cli_table_cell(fr, csvc_ticket_number(t));
				cli_table_cell(fr, csvc_ticket_kind(t));
				cli_table_cell(fr, name);
				cli_table_cell(fr, hhmm);
				cli_table_cell(fr, used);
				cli_table_cell(fr, limit);
				cli_table_cell(fr, late ? "no" : "yes");
			}
			csvc_sla_target_free(st);
		}
		csvc_sla_iter_free(si);
		csvc_ticket_free(t);
	}
	csvc_ticket_iter_free(it);
	if (d->failed) {
		cli_table_free(fr);
		return;
	}

	if (d->json) {
		cj_end_arr(&d->j);
		cj_key(&d->j, "stores");
		cj_arr(&d->j);
		for (int s = 0; s < 2; s++) {
			cj_obj(&d->j);
			cj_kstr(&d->j, "store", stores[s]);
			cj_key(&d->j, "tickets");
			cj_obj(&d->j);
			for (int32_t cat = CSVC_STATE_NEW; cat <= CSVC_STATE_CANCELLED; cat++)
				cj_kint(&d->j, cli_enum_name(cli_category_enum, cat), counts[s][cat]);
			cj_kint(&d->j, "total", counts[s][0]);
			cj_end_obj(&d->j);
			cj_key(&d->j, "sla_targets");
			cj_obj(&d->j);
			cj_kint(&d->j, "met_on_time", tally[s].met_on_time);
			cj_kint(&d->j, "met_late", tally[s].met_late);
			cj_kint(&d->j, "breached", tally[s].breached);
			cj_kint(&d->j, "running", tally[s].open);
			cj_kint(&d->j, "cancelled", tally[s].cancelled);
			cj_end_obj(&d->j);
			cj_end_obj(&d->j);
		}
		cj_end_arr(&d->j);
		cj_key(&d->j, "average_first_response_s");
		if (fr_count)
			cj_seconds(&d->j, fr_total / fr_count);
		else
			cj_null(&d->j);
		cli_table_free(fr);
		satisfaction(d);
		return;
	}

	section(d, "Closing time: KPI summary");
	static const char *const headers[] = {"STORE", "NEW", "OPEN", "WAITING", "RESOLVED", "CLOSED",
	                                      "CANCELLED", "TOTAL"};
	cli_table *tab = cli_table_new(8, headers);
	for (int s = 0; s < 2; s++) {
		cli_table_cell(tab, stores[s]);
		for (int32_t cat = CSVC_STATE_NEW; cat <= CSVC_STATE_CANCELLED; cat++)
			cli_table_cellf(tab, "%lld", (long long)counts[s][cat]);
		cli_table_cellf(tab, "%lld", (long long)counts[s][0]);
	}
	printf("Tickets by state category:\n");
	cli_table_print(tab, stdout);

	static const char *const sla_headers[] = {"STORE", "MET ON TIME", "MET LATE", "BREACHED", "RUNNING",
	                                          "CANCELLED"};
	tab = cli_table_new(6, sla_headers);
	for (int s = 0; s < 2; s++) {
		cli_table_cell(tab, stores[s]);
		cli_table_cellf(tab, "%lld", (long long)tally[s].met_on_time);
		cli_table_cellf(tab, "%lld", (long long)tally[s].met_late);
		cli_table_cellf(tab, "%lld", (long long)tally[s].breached);
		cli_table_cellf(tab, "%lld", (long long)tally[s].open);
		cli_table_cellf(tab, "%lld", (long long)tally[s].cancelled);
	}
	printf("\nSLA targets:\n");
	cli_table_print(tab, stdout);

	printf("\nFirst responses (business time on the store calendar, 24/7 for complaints):\n");
	cli_table_print(fr, stdout);
	if (fr_count) {
		char avg[32];
		human_duration(fr_total / fr_count, avg, sizeof(avg));
		printf("average first response: %s (handbook target: 30m)\n", avg);
	}

	satisfaction(d);
}

/* ------------------------------------------------------------------ */
/* The store file                                                      */
/* ------------------------------------------------------------------ */

static int is_postgres_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* Whether the store open at `s` is one the demo made. */
static int is_demo_store(csvc_store *s)
{
	char *name = NULL;
	int ours = csvc_calendar_name_for_store(s, "SH01", &name) == CSVC_OK && !strcmp(name, "mall-SH01");
	csvc_free(name);
	return ours;
}

/* A store in PostgreSQL (a postgresql:// URI): the demo plays its day on a
 * new store, and the library has no call that drops one, so it runs only
 * where the URI's schema holds no store yet. Nothing is written here: a
 * read-only open finds a store (of any version) or no schema at all
 * (CSVC_ENOTFOUND), and for a schema without a store header an open that
 * may not create tells an empty schema from one of another application's. */
static int fresh_schema(cli_ctx *ctx, const char *uri)
{
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.flags = CSVC_OPEN_READONLY;
	csvc_store *s = NULL;
	int rc = csvc_store_open(&s, uri, &opts);
	if (rc == CSVC_OK || rc == CSVC_EVERSION) {
		int ours = rc == CSVC_OK && is_demo_store(s);
		csvc_store_close(s);
		if (ours)
			return cli_error(ctx, "%s holds a demo store already: the demo plays its day on a new one "
			                 "(drop its schema, or name another database)", uri);
		return cli_error(ctx, "%s holds a store that is not a demo store: not touching it "
		                 "(name another database)", uri);
	}
	if (rc == CSVC_ENOTFOUND)
		return CLI_OK;
	if (rc == CSVC_ENOTSTORE) {
		opts.flags = CSVC_OPEN_NOCREATE;
		rc = csvc_store_open(&s, uri, &opts);
		if (rc == CSVC_ENOTFOUND)
			return CLI_OK;
		if (rc == CSVC_OK) { /* made by another program since the first open */
			csvc_store_close(s);
			return cli_error(ctx, "%s holds a store already: the demo plays its day on a new one", uri);
		}
		if (rc == CSVC_ENOTSTORE)
			return cli_error(ctx, "%s holds tables that are not a demo store: not touching them "
			                 "(name another database)", uri);
	}
	return cli_lib_error(ctx, rc, uri);
}

/* Removes an earlier demo store at `path`; refuses to touch anything else.
 * A postgresql:// URI must name a schema without a store (fresh_schema). */
static int fresh_file(cli_ctx *ctx, const char *path)
{
	if (is_postgres_uri(path))
		return fresh_schema(ctx, path);
	struct stat st;
	if (stat(path, &st) == 0) {
		csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
		opts.flags = CSVC_OPEN_READONLY;
		csvc_store *s = NULL;
		int rc = csvc_store_open(&s, path, &opts);
		if (rc == CSVC_EVERSION) {
			/* A store of an older schema (a demo run by an earlier
			 * version): upgraded on open, as every command does. */
			opts.flags = CSVC_OPEN_NOCREATE;
			rc = csvc_store_open(&s, path, &opts);
		}
		int ours = rc == CSVC_OK && is_demo_store(s);
		csvc_store_close(s);
		if (!ours)
			return cli_error(ctx, "%s exists and is not a demo store: not replacing it (name another FILE)",
			                 path);
	}
	const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char side[4200];
		snprintf(side, sizeof(side), "%s%s", path, suffixes[i]);
		unlink(side);
	}
	return CLI_OK;
}

int cli_demo(cli_ctx *ctx, int argc, char **argv)
{
	cli_args a;
	int rc = cli_parse(ctx, argc, argv, NULL, &a);
	if (rc || (rc = cli_want_pos(ctx, &a, 0, 1, "")))
		return rc;
	const char *path = a.npos ? a.pos[0] : ctx->db_given ? ctx->db_path : "csvc-demo.db";
	if (ctx->have_now)
		return cli_usage(ctx, "the demo runs on its own simulated clock; --now does not apply");
	if (ctx->as)
		return cli_usage(ctx, "the demo builds its store in trusted mode; --as does not apply");
	if ((rc = fresh_file(ctx, path)) != CLI_OK)
		return rc;

	demo d;
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.json = ctx->json;
	d.now = at(9, 0);
	if ((rc = csvc_tz_load(&d.tz, "Asia/Shanghai", NULL)) != CSVC_OK)
		return cli_lib_error(ctx, rc, "time zone Asia/Shanghai");
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = demo_clock;
	opts.clock_userdata = &d;
	if ((rc = csvc_store_open(&d.store, path, &opts)) != CSVC_OK) {
		csvc_tz_free(d.tz);
		return cli_lib_error(ctx, rc, path);
	}
	if (d.json) {
		cj_init(&d.j, stdout);
		cj_obj(&d.j);
		cj_kstr(&d.j, "store", path);
		cj_kstr(&d.j, "day", "2026-11-23");
		cj_kstr(&d.j, "zone", "Asia/Shanghai");
		cj_key(&d.j, "alarms");
		cj_arr(&d.j);
	} else {
		printf("libcsvc %s: a day in a two-store mall, Monday 2026-11-23, Asia/Shanghai\n", csvc_version());
	}

	csvc_uuid wang, li, han;
	morning(&d, &wang, &li, &han);
	day(&d, &wang, &li, &han);
	clock_to(&d, at(21, 30));
	/* The tills report the day's sales, for complaints per 1,000 transactions. */
	check(&d, csvc_report_record_transactions(d.store, "SH01", 20261123, 1846), "transactions");
	check(&d, csvc_report_record_transactions(d.store, "SH02", 20261123, 1203), "transactions");
	say(&d, "the tills close: SH01 made 1846 sales transactions today, SH02 1203");
	summary(&d);

	if (d.json && !d.failed) {
		cj_end_obj(&d.j);
		cj_done(&d.j);
	} else if (!d.failed) {
		printf("\nThe day is stored in %s. Explore it:\n", path);
		printf("  csvc --db %s ticket list\n", path);
		printf("  csvc --db %s ticket history SH02-000002\n", path);
		printf("  csvc --db %s customer search 王芳\n", path);
		printf("  csvc --db %s customer export 00000000-0000-4000-8000-000000000001\n", path);
		printf("  csvc --db %s survey score post_resolution --period 2026-11-23 --store SH01 --by staff\n", path);
		printf("  csvc --db %s report kpi --period 2026-11 --store SH02\n", path);
	}
	csvc_store_close(d.store);
	csvc_tz_free(d.tz);
	return d.failed ? CLI_ERROR : CLI_OK;
}
