/*
 * pos-embed: embedding libcsvc in a POS till program, step by step.
 *
 *   pos-embed STORE-FILE OUTBOX-FILE
 *
 * A POS vendor's till already has its own main loop, clock, log and
 * upload queue. This program shows how libcsvc fits into them:
 *
 *   1. open the till's own store file, with the till's clock injected and
 *      libcsvc's log messages routed into the till's log;
 *   2. subscribe to the store's change feed as the consumer "pos.outbox":
 *      every committed change (ticket events, customer events, survey
 *      invitations and responses) is appended to an outbox file as one
 *      JSON line and synced to disk before it is acknowledged, to be
 *      uploaded to head office when the network is there (the till works
 *      offline); at start, whatever a crash left unacknowledged is written
 *      first;
 *   3. at checkout, look the customer up by member card, else by phone;
 *   4. when a customer comes back with a problem, open an after-sales
 *      ticket linked to the receipt (order_ref);
 *   5. record what the till saw of the interaction;
 *   6. let the customer rate the service on the till's customer display
 *      (a survey response bound to the ticket): the invitation and the
 *      response are feed entries too, so they reach the outbox by the
 *      same path.
 *
 * Run it twice on the same files: the second run finds the member created
 * by the first and opens the next ticket number; the outbox grows by the
 * ticket's events, the rating's invitation and its response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csvc.h>

/* ------------------------------------------------------------------ */
/* 1. The till's clock and log                                         */
/* ------------------------------------------------------------------ */

/*
 * The till owns time. libcsvc never reads the system clock when a clock
 * callback is given: every creation time, event time and SLA deadline
 * comes from here. A real till returns its NTP-disciplined clock; this
 * example plays a fixed afternoon so that its outbox is the same on every
 * run (tests compare it).
 */
typedef struct till {
	csvc_time_us now; /* microseconds since the epoch, UTC */
	FILE *outbox;
	long lines_written;
	int outbox_failed;
} till;

static csvc_time_us till_clock(void *userdata)
{
	return ((const till *)userdata)->now;
}

/* 2026-11-23 HH:MM:SS in Shanghai (UTC+8). */
static csvc_time_us shanghai(int h, int m, int s)
{
	return ((csvc_time_us)1795363200 + h * 3600 + m * 60 + s) * CSVC_SECOND_US;
}

/*
 * libcsvc is silent unless given a log handler. It calls the handler on
 * the thread that made the call; the handler must not call back into the
 * store. Here it goes to stderr, as a till's log would.
 */
static void till_log(int32_t level, const char *message, void *userdata)
{
	(void)userdata;
	const char *name = csvc_enum_name(CSVC_ENUM_LOG_LEVEL, level);
	fprintf(stderr, "pos-embed: libcsvc %s: %s\n", name ? name : "?", message);
}

/* ------------------------------------------------------------------ */
/* 2. The outbox: committed changes as JSON lines, from the feed       */
/* ------------------------------------------------------------------ */

/*
 * The feed subscriber. libcsvc calls it after each successful outermost
 * commit made through this store handle (and from csvc_feed_deliver()),
 * once per feed entry after the consumer's cursor, in position order,
 * outside any transaction; it never sees a change that was rolled back.
 * When it returns 0 the entry is handled, and libcsvc acknowledges the
 * handled entries (moves the consumer's cursor, kept in the store) after
 * each batch.
 *
 * So the line is written and synced to disk first, and acknowledged
 * after: a power cut between the two writes the entry again at the next
 * start (at least once, never lost). Each line carries the entry's event
 * id ("id"), which never changes: head office keeps one copy per id. A
 * failed write returns non-zero: the entry stays unacknowledged and comes
 * again with the next delivery; the half-written line is cut off first.
 *
 * The line is the library's JSON layout of an entry
 * (csvc_feed_entry_to_json): {"position", "id", "time", "type",
 * "subject_kind", "subject", "reference", "actor", "payload"}.
 * Definitions (workflows, SLA policies, surveys) come from head office
 * and are not uploaded: they are acknowledged without a line.
 */
static int to_outbox(const csvc_feed_entry *entry, void *userdata)
{
	till *t = userdata;
	if (strcmp(csvc_feed_entry_subject_kind(entry), "definition") == 0)
		return 0;
	char *json = NULL;
	if (csvc_feed_entry_to_json(entry, &json) != CSVC_OK)
		return CSVC_EUSER; /* out of memory: the entry comes again */
	FILE *f = t->outbox;
	int fd = fileno(f);
	struct stat before;
	int written = fstat(fd, &before) == 0 && fputs(json, f) >= 0 && fputc('\n', f) != EOF && fflush(f) == 0 &&
	              fdatasync(fd) == 0;
	csvc_free(json);
	if (!written) {
		t->outbox_failed = 1;
		clearerr(f);
		if (ftruncate(fd, before.st_size) != 0) /* no torn line before the retry */
			fprintf(stderr, "pos-embed: the outbox may end with a torn line\n");
		return CSVC_EUSER;
	}
	t->lines_written++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Every libcsvc call returns CSVC_OK or a negative code with a message. */
static int ok(int rc, const char *what)
{
	if (rc != CSVC_OK)
		fprintf(stderr, "pos-embed: %s: %s (%s)\n", what, csvc_error_last()->message, csvc_strerror(rc));
	return rc == CSVC_OK;
}

/*
 * 3. Checkout: who is this customer? A scanned member card is exact; a
 * phone number is compared after normalisation, so "137 0000 1111" typed
 * at the till finds "+86 137-0000-1111" registered in the app.
 */
static csvc_customer *lookup_customer(csvc_store *store, const char *card, const char *phone)
{
	csvc_customer *c = NULL;
	int rc = csvc_customer_find_by_external_id(store, "member_card", card, &c);
	if (rc == CSVC_ENOTFOUND && phone)
		rc = csvc_customer_find_by_phone(store, phone, &c);
	if (rc == CSVC_ENOTFOUND)
		return NULL;
	return ok(rc, "customer lookup") ? c : NULL;
}

/*
 * Head office syncs members to the till; this example seeds one member on
 * its first run so that there is someone to find.
 */
static int seed_member(csvc_store *store)
{
	csvc_customer *c = NULL;
	if (csvc_customer_find_by_external_id(store, "member_card", "M-30001", &c) == CSVC_OK) {
		csvc_customer_free(c);
		return 1;
	}
	csvc_uuid id;
	csvc_uuid_from_string("00000000-0000-4000-8000-000000030001", &id);
	int good = ok(csvc_customer_new(&c), "new customer") && ok(csvc_customer_set_id(c, &id), "id") &&
	           ok(csvc_customer_set_name(c, "张伟"), "name") &&
	           ok(csvc_customer_add_phone(c, "+86 137-0000-1111"), "phone") &&
	           ok(csvc_customer_add_external_id(c, "member_card", "M-30001"), "card") &&
	           ok(csvc_customer_set_home_store(c, "SH01"), "home store") &&
	           ok(csvc_customer_create(store, c, "head-office-sync"), "create customer");
	csvc_customer_free(c);
	return good;
}

/*
 * The till's own survey: one question on the customer display, 满意度
 * 1-5. Saving an unchanged definition keeps its version, so every start
 * of the till may save it; a changed one becomes the next version, and
 * ratings given under the old one keep pointing at it.
 */
static int define_till_rating(csvc_store *store, int32_t *version)
{
	csvc_survey *s = NULL;
	int good = ok(csvc_survey_new(&s, "till_rating"), "new survey") &&
	           ok(csvc_survey_set_title(s, "收银台服务评价 Till rating"), "title") &&
	           ok(csvc_survey_add_question(s, "satisfaction", CSVC_QUESTION_LIKERT, NULL, 1, "满意度",
	                                       "Satisfaction", NULL), "question") &&
	           ok(csvc_survey_save(store, s, version), "save survey");
	csvc_survey_free(s);
	return good;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pos-embed STORE-FILE OUTBOX-FILE\n");
		return 2;
	}
	till t = {shanghai(14, 5, 0), NULL, 0, 0};

	/* The outbox is opened for appending: it holds changes not yet uploaded. */
	t.outbox = fopen(argv[2], "a");
	if (!t.outbox) {
		perror(argv[2]);
		return 1;
	}

	/* 1. Open the till's store with its clock and log. */
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = till_clock;
	opts.clock_userdata = &t;
	opts.log = till_log;
	opts.log_level = CSVC_LOG_WARN;
	opts.default_country_code = "86";        /* numbers typed without +86 are Chinese */
	opts.durability = CSVC_DURABILITY_FULL; /* a till may lose power at any time */
	csvc_store *store = NULL;
	if (!ok(csvc_store_open(&store, argv[1], &opts), "open store")) {
		fclose(t.outbox);
		return 1;
	}

	/*
	 * 2. Every committed change goes to the outbox. A consumer name needs
	 * one subscribed handle at a time: this till is the only program that
	 * writes its outbox. Delivering once at start writes first what the
	 * last run handled but could not acknowledge (a power cut), and what
	 * other programs committed to this store since.
	 */
	int good = ok(csvc_feed_subscribe(store, "pos.outbox", to_outbox, &t), "subscribe the outbox") &&
	           ok(csvc_feed_deliver(store, NULL), "outbox catch-up");
	if (good && t.lines_written)
		printf("outbox: %ld lines left by an earlier run written first\n", t.lines_written);

	/* Workflows, kinds, channels, SLA policies and survey templates
	 * (installing twice changes nothing), and the till's rating survey. */
	int32_t rating_version = 0;
	good = good && ok(csvc_store_install_defaults(store), "defaults") && seed_member(store) &&
	       define_till_rating(store, &rating_version);

	/* 3. Checkout at 14:05: the cashier scans a member card. */
	csvc_customer *member = good ? lookup_customer(store, "M-30001", "137 0000 1111") : NULL;
	const char *receipt = "POS-SH01-20261123-0042";
	if (member)
		printf("checkout %s: member %s (%s)\n", receipt, csvc_customer_name(member), "M-30001");

	/*
	 * 4. At 14:40 the customer is back: the thermos bought at 14:05 leaks.
	 * The till opens an after-sales ticket linked to the receipt. Grouping
	 * the ticket and the till's first note in one transaction means the
	 * outbox receives both or neither.
	 */
	t.now = shanghai(14, 40, 0);
	csvc_ticket *ticket = NULL;
	if (member && ok(csvc_ticket_new(&ticket, "after_sales", "SH01"), "new ticket")) {
		good = ok(csvc_ticket_set_customer(ticket, csvc_customer_id(member)), "customer") &&
		       ok(csvc_ticket_set_channel(ticket, "store_counter"), "channel") &&
		       ok(csvc_ticket_set_category(ticket, "商品质量"), "category") &&
		       ok(csvc_ticket_set_subject(ticket, "保温杯漏水，要求换货"), "subject") &&
		       ok(csvc_ticket_set_order_ref(ticket, receipt), "order") &&
		       ok(csvc_store_begin(store), "begin");
		if (good) {
			good = ok(csvc_ticket_create(store, ticket, "till-3"), "open ticket") &&
			       ok(csvc_ticket_comment(store, csvc_ticket_id(ticket), &(csvc_comment){.version = CSVC_COMMENT_VERSION,
			                                                       .kind = CSVC_COMMENT_NOTE,
			                                                       .body = "收银台3号：顾客出示小票，杯盖密封圈变形",
			                                                       .actor = "till-3"}, NULL),
			          "note");
			/* The outbox gets both entries after this commit, outside
			 * the transaction. */
			good = good ? ok(csvc_store_commit(store), "commit") : (csvc_store_rollback(store), 0);
		}
		if (good)
			printf("after-sales ticket %s for %s\n", csvc_ticket_number(ticket), receipt);
	}

	/*
	 * 5. What the till saw of the interaction. The cashier classifies the
	 * case and tells the customer the result at the counter; both are
	 * ticket events and reach the outbox, one commit each.
	 */
	if (good && ticket) {
		t.now = shanghai(14, 43, 0);
		const csvc_uuid *id = csvc_ticket_id(ticket);
		good = ok(csvc_ticket_transition(store, id, "classify", 0, "till-3", "质量问题，可换货", NULL), "classify") &&
		       ok(csvc_ticket_transition(store, id, "propose", 0, "till-3", NULL, NULL), "propose") &&
		       ok(csvc_ticket_comment(store, id, &(csvc_comment){.version = CSVC_COMMENT_VERSION,
		                                               .kind = CSVC_COMMENT_REPLY,
		                                               .body = "可当场换一个新杯。",
		                                               .method = "in_person",
		                                               .actor = "till-3"}, NULL), "reply");
		t.now = shanghai(14, 46, 0);
		good = good && ok(csvc_ticket_transition(store, id, "accept", 0, "till-3", NULL, NULL), "accept") &&
		       ok(csvc_ticket_transition(store, id, "notify", 0, "till-3", NULL, NULL), "notify") &&
		       ok(csvc_ticket_comment(store, id, &(csvc_comment){.version = CSVC_COMMENT_VERSION,
		                                               .kind = CSVC_COMMENT_RESULT_NOTICE,
		                                               .body = "已当场换货。",
		                                               .method = "in_person",
		                                               .actor = "till-3"}, NULL), "result notice");

		/*
		 * 6. TILL RATING. The customer display asks 满意度 (1-5) and the
		 * customer presses 5. The till invites the rating (bound to the
		 * ticket, which gives the customer, store and channel; method
		 * "till"; the cashier as the staff member) and answers it at
		 * once with the invitation's token, then moves the ticket to
		 * 已回访 (surveyed). One transaction holds all three: either the
		 * rating and the transition are both recorded or neither is.
		 *
		 * What reaches the outbox: when the transaction commits, its
		 * three feed entries, in order: the invitation ("invited") and
		 * the response ("responded", subject kind "survey", payload with
		 * the survey, its version, the ticket, the customer and the
		 * method, never the token), then the transition. The answers
		 * themselves stay in the store, where the reports score them.
		 * The token is a single-use secret: it is used here and never
		 * logged.
		 */
		t.now = shanghai(14, 47, 0);
		const int score = 5;
		csvc_survey_context sc = CSVC_SURVEY_CONTEXT_INIT;
		sc.ticket = id;
		sc.method = CSVC_METHOD_TILL;
		sc.staff = "till-3";
		char token[CSVC_SURVEY_TOKEN_LEN + 1];
		csvc_survey_answers *answers = NULL;
		csvc_uuid response;
		int rated = good && ok(csvc_survey_answers_new(&answers), "answers") &&
		            ok(csvc_survey_answers_score(answers, "satisfaction", score), "answer") &&
		            ok(csvc_store_begin(store), "begin");
		if (rated) {
			rated = ok(csvc_survey_invite(store, "till_rating", &sc, token), "invite") &&
			        ok(csvc_survey_respond(store, token, answers, &response), "rating") &&
			        ok(csvc_ticket_transition(store, id, "survey", 0, "till-3", NULL, NULL), "surveyed");
			rated = rated ? ok(csvc_store_commit(store), "commit") : (csvc_store_rollback(store), 0);
		}
		csvc_survey_answers_free(answers);
		if (rated)
			printf("till rating %d of 5 (till_rating version %d) recorded for %s\n", score, (int)rating_version,
			       csvc_ticket_number(ticket));
		good = good && rated;
	}

	/* Each line was synced before it was acknowledged: nothing to flush. */
	printf("outbox: %ld lines written to %s\n", t.lines_written, argv[2]);

	csvc_ticket_free(ticket);
	csvc_customer_free(member);
	/* Closing reports a transaction it had to roll back (CSVC_ESTATE):
	 * here every sale was committed, so it must be CSVC_OK. */
	if (csvc_store_close(store) != CSVC_OK) {
		fprintf(stderr, "pos-embed: closing the store: %s\n", csvc_error_last()->message);
		good = 0;
	}
	fclose(t.outbox);
	if (t.outbox_failed)
		fprintf(stderr, "pos-embed: writing the outbox failed\n");
	return good && member && !t.outbox_failed ? 0 : 1;
}
