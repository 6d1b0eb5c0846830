/*
 * Crash safety of a feed consumer (docs/feed.md, "At-least-once"): a
 * writer process commits changes through the public API (tickets created,
 * transitioned and commented, customers created, updated and merged,
 * survey invitations and responses, SLA advances), while a consumer
 * process, using only the public feed API, copies each entry as one JSON
 * line (csvc_feed_entry_to_json) into an output file, STORE-FILE.jsonl,
 * which it appends with write() and fdatasync()s before it acknowledges
 * the batch (csvc_feed_ack). The parent SIGKILLs the consumer at random
 * moments (seeded), restarts it, and does so KILLS times; now and then it
 * kills and restarts the writer too. To make the kills land where they
 * matter, the consumer pauses at random (seeded) between the lines of a
 * batch and between the write and the ack, and sometimes writes a line
 * in two write() calls with a pause between them.
 *
 * A kill in the middle of a line leaves a torn last line (no newline).
 * The consumer's recovery, on every start: it cuts the file back to the
 * end of its last complete line (ftruncate, fdatasync) before it reads the
 * feed. The entry of the torn line was not acknowledged (the ack follows
 * the fdatasync of the whole batch), so it is read and written again.
 *
 * After each kill the parent checks, from outside the consumer (the file
 * read by its own JSON parser, the cursor read with raw SQLite):
 *   - every new complete line is valid JSON with a position and an id;
 *   - a restarted consumer's first line is the entry after its cursor, and
 *     each further line the entry after the previous one;
 *   - a line at a position already in the file repeats it byte for byte
 *     (same position, same id, same text): the only duplicates are
 *     entries written, not yet acknowledged, when a kill came;
 *   - the cursor never moves back, and never passes the last position
 *     completely written to the file (the write is durable before the
 *     ack).
 * At the end (writer stopped, one last consumer run to the head) an oracle
 * that shares no code with the feed reads the store with raw SQLite:
 *   - PRAGMA integrity_check is ok;
 *   - the feed's runs cover positions 1..head without a gap or overlap;
 *   - every row of ticket_events, customer_events and feed_records has
 *     exactly one entry, and there are no others;
 *   - the file, once repeated lines are dropped, is the feed exactly, in
 *     position order: for each position the event id (the run's id plus
 *     the entry's index in the run's 62 low bits, docs/feed.md), the time,
 *     the type, the subject kind and the subject of its source row;
 *   - the event ids are version 4 UUIDs, all different;
 *   - the consumer's cursor is the head, and no torn line is left.
 *
 *   csvc-feed-crash-harness STORE-FILE KILLS [SEED]
 *
 * prints "kills: N", "entries: N", "duplicates: N" and "N passed, 0 failed"
 * (N: the rounds and final checks that passed), and exits 1 at the first
 * failed check.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvc.h"

#define MIN ((int64_t)60 * 1000000)
#define CONSUMER "crash.sink"

static int passed;

static void failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "feed-crash-harness: FAILED: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	printf("%d passed, 1 failed\n", passed);
	exit(1);
}

/* splitmix64: every random choice comes from the seed. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void pause_us(uint64_t us)
{
	struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the writer ---- */

typedef struct clockcell {
	csvc_time_us now;
} clockcell;

static csvc_time_us writer_clock(void *ud)
{
	clockcell *c = ud;
	c->now += MIN;
	return c->now;
}

/* Failures a random operation may meet (a transition not allowed in the
 * ticket's state, a stale revision, an invitation answered already, the
 * lock held past the busy timeout on a loaded machine); anything else
 * stops the writer with a code the parent reports. */
static void writer_rc(int rc, int where)
{
	if (rc == CSVC_OK || rc == CSVC_ESTATE || rc == CSVC_EINVAL || rc == CSVC_ENOTFOUND || rc == CSVC_ECONFLICT ||
	    rc == CSVC_EEXISTS || rc == CSVC_EBUSY)
		return;
	_exit(where);
}

static void writer(const char *path, uint64_t seed, csvc_time_us base)
{
	clockcell clock = {base};
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = writer_clock;
	o.clock_userdata = &clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o))
		_exit(40);
	static const char *kinds[] = {"complaint", "inquiry", "suggestion", "after_sales"};
	static const char *names[] = {"start", "resolve", "wait_customer", "resume", "close", "reopen",
	                              "cancel", "analyse", "handle", "report_back", "escalate", "answer",
	                              "classify", "propose", "accept", "notify"};
	csvc_uuid tickets[64], customers[16];
	int n_tickets = 0, n_customers = 0;
	for (;;) {
		uint64_t r = rnd(&seed);
		int op = (int)(r % 100);
		r >>= 8;
		if (op < 22 || n_tickets == 0) {
			csvc_ticket *t = NULL;
			if (csvc_ticket_new(&t, kinds[r % 4], (r >> 3) & 1 ? "SH01" : "SH02") ||
			    csvc_ticket_set_subject(t, "变更流崩溃测试"))
				_exit(41);
			if (n_customers && ((r >> 4) & 1))
				csvc_ticket_set_customer(t, &customers[(r >> 5) % (unsigned)n_customers]);
			int rc = csvc_ticket_create(s, t, "w");
			writer_rc(rc, 42);
			if (rc == CSVC_OK)
				tickets[n_tickets < 64 ? n_tickets++ : (int)((r >> 9) % 64)] = *csvc_ticket_id(t);
			csvc_ticket_free(t);
		} else if (op < 52) {
			writer_rc(csvc_ticket_transition(s, &tickets[r % (unsigned)n_tickets],
			                                 names[(r >> 6) % (sizeof(names) / sizeof(names[0]))], 0, "w", NULL,
			                                 NULL),
			          43);
		} else if (op < 62) {
			csvc_comment c = {CSVC_COMMENT_VERSION, 1 + (int32_t)((r >> 6) % 4), "已回复顾客", NULL, 0, "w"};
			writer_rc(csvc_ticket_comment(s, &tickets[r % (unsigned)n_tickets], &c, NULL), 44);
		} else if (op < 74 || n_customers == 0) {
			csvc_customer *c = NULL;
			char phone[32];
			snprintf(phone, sizeof(phone), "138%08u", (unsigned)(r % 100000000u));
			if (csvc_customer_new(&c) || csvc_customer_set_name(c, "顾客") || csvc_customer_add_phone(c, phone))
				_exit(45);
			int rc = csvc_customer_create(s, c, "w");
			writer_rc(rc, 46);
			if (rc == CSVC_OK)
				customers[n_customers < 16 ? n_customers++ : (int)((r >> 30) % 16)] = *csvc_customer_id(c);
			csvc_customer_free(c);
		} else if (op < 84) {
			csvc_customer *c = NULL;
			int rc = csvc_customer_get(s, &customers[r % (unsigned)n_customers], &c);
			writer_rc(rc, 47);
			if (rc == CSVC_OK) {
				char notes[48];
				snprintf(notes, sizeof(notes), "回访 %u", (unsigned)(r >> 8) % 1000u);
				if (csvc_customer_set_notes(c, notes))
					_exit(48);
				writer_rc(csvc_customer_update(s, c, "w"), 49);
			}
			csvc_customer_free(c);
		} else if (op < 88 && n_customers >= 2) {
			unsigned a = (unsigned)(r % (unsigned)n_customers), b = (unsigned)((r >> 8) % (unsigned)n_customers);
			if (a != b) {
				int rc = csvc_customer_merge(s, &customers[a], &customers[b], "w", NULL);
				writer_rc(rc, 50);
				if (rc == CSVC_OK)
					customers[b] = customers[--n_customers];
			}
		} else if (op < 96) {
			/* A survey invitation, answered two times in three. */
			csvc_survey_context ctx = CSVC_SURVEY_CONTEXT_INIT;
			ctx.ticket = &tickets[r % (unsigned)n_tickets];
			ctx.method = CSVC_METHOD_RECEIPT_QR;
			char token[CSVC_SURVEY_TOKEN_LEN + 1];
			int rc = csvc_survey_invite(s, "post_resolution", &ctx, token);
			writer_rc(rc, 51);
			if (rc == CSVC_OK && (r >> 8) % 3) {
				csvc_survey_answers *a = NULL;
				if (csvc_survey_answers_new(&a) ||
				    csvc_survey_answers_score(a, "response_speed", 1 + (int32_t)((r >> 10) % 5)) ||
				    csvc_survey_answers_score(a, "resolution_efficiency", 1 + (int32_t)((r >> 13) % 5)) ||
				    csvc_survey_answers_score(a, "solution_satisfaction", 1 + (int32_t)((r >> 16) % 5)))
					_exit(52);
				writer_rc(csvc_survey_respond(s, token, a, NULL), 53);
				csvc_survey_answers_free(a);
			}
		} else {
			/* SLA alarms: ticket events of the SLA engine. */
			clock.now += 90 * MIN;
			writer_rc(csvc_sla_advance(s, clock.now, NULL, NULL, NULL), 54);
		}
		pause_us(rnd(&seed) % 2000);
	}
}

/* ---- the consumer ---- */

/* Where the consumer is, in memory shared with the parent, which reads it
 * after the kill. */
enum { PH_START, PH_READ, PH_WRITE, PH_SYNC, PH_WRITTEN, PH_ACK, PH_IDLE, PH_COUNT };
static const char *const phase_names[PH_COUNT] = {
	"starting (recovery, open)", "reading a batch", "mid-batch (lines being written)",
	"in fdatasync",              "written, before the ack", "acknowledging", "idle or waiting"};

typedef struct shared {
	volatile int phase;
} shared;

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(20);
		p += w;
		n -= (size_t)w;
	}
}

/* The recovery: cuts a torn last line (bytes after the last newline). */
static void cut_torn_tail(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END), end = size;
	if (size < 0)
		_exit(21);
	char buf[4096];
	while (end > 0) {
		size_t chunk = end > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)end;
		if (pread(fd, buf, chunk, end - (off_t)chunk) != (ssize_t)chunk)
			_exit(21);
		size_t i = chunk;
		while (i > 0 && buf[i - 1] != '\n')
			i--;
		end -= (off_t)(chunk - i);
		if (i > 0)
			break;
	}
	if (end != size && (ftruncate(fd, end) != 0 || fdatasync(fd) != 0))
		_exit(22);
}

/* Copies entries after the cursor to the file, each batch made durable
 * before its ack. `last_run`: without pauses, until the feed is read to
 * its head, then exits 0. */
static void consumer(const char *path, const char *out_path, uint64_t seed, int last_run, shared *sh)
{
	sh->phase = PH_START;
	int fd = open(out_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		_exit(23);
	cut_torn_tail(fd);
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, NULL))
		_exit(24);
	int64_t acked = 0;
	int rc = csvc_feed_consumer_get(s, CONSUMER, &acked, NULL);
	if (rc && rc != CSVC_ENOTFOUND)
		_exit(25);
	/* This run's habits. */
	unsigned split_in = 2 + (unsigned)(rnd(&seed) % 8), line_pause_in = 1 + (unsigned)(rnd(&seed) % 6);
	unsigned ack_pause_in = 1 + (unsigned)(rnd(&seed) % 3);
	for (;;) {
		sh->phase = PH_READ;
		uint64_t r = rnd(&seed);
		int32_t max = last_run ? 500 : (r & 3) ? 1 + (int32_t)((r >> 2) % 48) : 1 + (int32_t)((r >> 2) % 4);
		csvc_feed_iter *batch = NULL;
		if (csvc_feed_read(s, CONSUMER, max, &batch))
			_exit(26);
		const csvc_feed_entry *e;
		int64_t last = -1;
		while (csvc_feed_iter_next(batch, &e) == CSVC_OK) {
			sh->phase = PH_WRITE;
			char *json = NULL;
			if (csvc_feed_entry_to_json(e, &json))
				_exit(27);
			size_t n = strlen(json);
			char *line = malloc(n + 1);
			if (!line)
				_exit(28);
			memcpy(line, json, n);
			line[n] = '\n';
			csvc_free(json);
			r = rnd(&seed);
			if (!last_run && r % split_in == 0) {
				size_t cut = 1 + (size_t)((r >> 8) % n);
				write_all(fd, line, cut);
				pause_us((r >> 20) % 3000);
				write_all(fd, line + cut, n + 1 - cut);
			} else {
				write_all(fd, line, n + 1);
			}
			free(line);
			if (!last_run && (r >> 40) % line_pause_in == 0)
				pause_us((r >> 44) % 800);
			last = csvc_feed_entry_position(e);
		}
		csvc_feed_iter_free(batch);
		if (last < 0) {
			if (last_run) {
				csvc_store_close(s);
				close(fd);
				_exit(0);
			}
			sh->phase = PH_IDLE;
			if (csvc_feed_wait(s, acked, 100, NULL) < 0)
				_exit(29);
			continue;
		}
		sh->phase = PH_SYNC;
		if (fdatasync(fd) != 0)
			_exit(30);
		sh->phase = PH_WRITTEN;
		r = rnd(&seed);
		if (!last_run && r % ack_pause_in == 0)
			pause_us((r >> 8) % 4000);
		sh->phase = PH_ACK;
		int tries = 0;
		while ((rc = csvc_feed_ack(s, CONSUMER, last)) == CSVC_EBUSY && ++tries < 20)
			; /* the writer held the lock past the busy timeout */
		if (rc)
			_exit(31);
		acked = last;
		sh->phase = PH_IDLE;
	}
}

/* ---- the parent's reading of the file: a JSON parser of its own ---- */

typedef struct jp {
	const char *p, *end;
	int depth;
} jp;

static void skip_ws(jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int put_utf8(char **o, char *oend, unsigned cp)
{
	char b[4];
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n == 1)
		b[0] = (char)cp;
	else if (n == 2) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
	} else if (n == 3) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
	}
	if (!*o)
		return 0;
	if (oend - *o < n)
		return -1;
	memcpy(*o, b, (size_t)n);
	*o += n;
	return 0;
}

/* A string; decoded into out (room bytes, NUL-terminated) unless out is
 * NULL. */
static int parse_string(jp *j, char *out, size_t room)
{
	char *o = out, *oend = out ? out + room - 1 : NULL;
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (o) {
				if (o >= oend)
					return -1;
				*o++ = (char)c;
			}
			continue;
		}
		if (j->p >= j->end)
			return -1;
		char esc = *j->p++;
		unsigned cp;
		switch (esc) {
		case '"': case '\\': case '/': cp = (unsigned char)esc; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u': {
			if (j->end - j->p < 4)
				return -1;
			cp = 0;
			for (int i = 0; i < 4; i++) {
				int h = hexval(j->p[i]);
				if (h < 0)
					return -1;
				cp = cp << 4 | (unsigned)h;
			}
			j->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo = 0;
				if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
					return -1;
				for (int i = 2; i < 6; i++) {
					int h = hexval(j->p[i]);
					if (h < 0)
						return -1;
					lo = lo << 4 | (unsigned)h;
				}
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				j->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return -1;
			}
			break;
		}
		default:
			return -1;
		}
		if (put_utf8(&o, oend, cp))
			return -1;
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (o)
		*o = '\0';
	return 0;
}

/* A number (JSON grammar); *is_int and *v when it is an integer. */
static int parse_number(jp *j, int64_t *v, int *is_int)
{
	const char *start = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return -1;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	int integer = 1;
	if (j->p < j->end && *j->p == '.') {
		integer = 0;
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		integer = 0;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	*is_int = integer && j->p - start < 19;
	if (*is_int) {
		int64_t x = 0;
		const char *q = start + (*start == '-');
		for (; q < j->p; q++)
			x = x * 10 + (*q - '0');
		*v = *start == '-' ? -x : x;
	}
	return 0;
}

static int literal(jp *j, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int parse_value(jp *j)
{
	if (++j->depth > 64)
		return -1;
	skip_ws(j);
	if (j->p >= j->end)
		return -1;
	int rc = 0;
	char c = *j->p;
	if (c == '{' || c == '[') {
		char close_c = c == '{' ? '}' : ']';
		j->p++;
		skip_ws(j);
		if (j->p < j->end && *j->p == close_c) {
			j->p++;
		} else {
			for (;;) {
				if (c == '{') {
					skip_ws(j);
					if (parse_string(j, NULL, 0))
						return -1;
					skip_ws(j);
					if (j->p >= j->end || *j->p++ != ':')
						return -1;
				}
				if (parse_value(j))
					return -1;
				skip_ws(j);
				if (j->p < j->end && *j->p == ',') {
					j->p++;
					continue;
				}
				if (j->p < j->end && *j->p == close_c) {
					j->p++;
					break;
				}
				return -1;
			}
		}
	} else if (c == '"') {
		rc = parse_string(j, NULL, 0);
	} else if (c == 't') {
		rc = literal(j, "true");
	} else if (c == 'f') {
		rc = literal(j, "false");
	} else if (c == 'n') {
		rc = literal(j, "null");
	} else {
		int64_t v;
		int is_int;
		rc = parse_number(j, &v, &is_int);
	}
	j->depth--;
	return rc;
}

/* The fields of one line that the checks use. */
typedef struct line_fields {
	int64_t position, time;
	uint8_t id[16], subject[16];
	int has_subject;
	char type[48], kind[16];
} line_fields;

static int uuid_parse(const char *t, uint8_t out[16])
{
	if (strlen(t) != 36)
		return -1;
	int k = 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (t[i] != '-')
				return -1;
			continue;
		}
		int hi = hexval(t[i]), lo = hexval(t[i + 1]);
		if (hi < 0 || lo < 0 || (t[i] >= 'A' && t[i] <= 'F') || (t[i + 1] >= 'A' && t[i + 1] <= 'F'))
			return -1;
		out[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return k == 16 ? 0 : -1;
}

/* Parses a line (without its newline) as the entry object; 0 or -1. */
static int parse_line(const char *text, size_t len, line_fields *f, const char **why)
{
	jp j = {text, text + len, 0};
	memset(f, 0, sizeof(*f));
	unsigned got = 0;
	skip_ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		return *why = "not an object", -1;
	skip_ws(&j);
	if (j.p < j.end && *j.p == '}')
		return *why = "an empty object", -1;
	for (;;) {
		char key[32], val[64];
		skip_ws(&j);
		if (parse_string(&j, key, sizeof(key)))
			return *why = "a bad member name", -1;
		skip_ws(&j);
		if (j.p >= j.end || *j.p++ != ':')
			return *why = "no colon", -1;
		skip_ws(&j);
		int is_int = 0;
		if (!strcmp(key, "position") || !strcmp(key, "time")) {
			int64_t v = 0;
			if (parse_number(&j, &v, &is_int) || !is_int)
				return *why = "position or time is not an integer", -1;
			if (key[0] == 'p')
				f->position = v;
			else
				f->time = v;
			got |= key[0] == 'p' ? 1u : 2u;
		} else if (!strcmp(key, "id")) {
			if (parse_string(&j, val, sizeof(val)) || uuid_parse(val, f->id))
				return *why = "id is not a UUID", -1;
			got |= 4u;
		} else if (!strcmp(key, "type")) {
			if (parse_string(&j, f->type, sizeof(f->type)))
				return *why = "type is not a short string", -1;
			got |= 8u;
		} else if (!strcmp(key, "subject_kind")) {
			if (parse_string(&j, f->kind, sizeof(f->kind)))
				return *why = "subject_kind is not a short string", -1;
			got |= 16u;
		} else if (!strcmp(key, "subject")) {
			if (j.p < j.end && *j.p == 'n') {
				if (literal(&j, "null"))
					return *why = "bad subject", -1;
			} else if (parse_string(&j, val, sizeof(val)) || uuid_parse(val, f->subject)) {
				return *why = "subject is neither null nor a UUID", -1;
			} else {
				f->has_subject = 1;
			}
			got |= 32u;
		} else {
			if (parse_value(&j))
				return *why = "a bad value", -1;
		}
		skip_ws(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}') {
			j.p++;
			break;
		}
		return *why = "a member list not closed", -1;
	}
	skip_ws(&j);
	if (j.p != j.end)
		return *why = "text after the object", -1;
	if (got != 63u)
		return *why = "a member is missing", -1;
	if (f->position < 1)
		return *why = "a position below 1", -1;
	return 0;
}

/* ---- the parent's running checks ---- */

typedef struct seen {
	int64_t off; /* the first occurrence's line in the file */
	size_t len;
	line_fields f;
} seen;

static seen *entries; /* by position - 1: the first line of each position */
static size_t n_entries, cap_entries;
static int64_t parsed_off; /* complete lines checked so far */
static int64_t duplicates, torn_kills, runs_with_duplicates;
static int64_t cursor_seen; /* the cursor after the last consumer run */

static int64_t raw_cursor(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		failf("open the store raw: %s", db ? sqlite3_errmsg(db) : "no memory");
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, "SELECT pos FROM feed_consumers WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
		failf("read the cursor: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, CONSUMER, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int64_t pos = 0;
	if (rc == SQLITE_ROW)
		pos = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		failf("read the cursor: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return pos;
}

/* Checks what the consumer run that just ended (killed, or the last run)
 * wrote, and its cursor. */
static void check_run(const char *path, const char *out_path, int last_run, int round)
{
	int fd = open(out_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && parsed_off == 0)
			fd = -1;
		else
			failf("open %s: %s", out_path, strerror(errno));
	}
	struct stat st = {0};
	if (fd >= 0 && fstat(fd, &st) != 0)
		failf("stat %s: %s", out_path, strerror(errno));
	int64_t size = fd >= 0 ? (int64_t)st.st_size : 0;
	if (size < parsed_off)
		failf("round %d: the file shrank below its checked lines (%lld < %lld bytes)", round, (long long)size,
		      (long long)parsed_off);
	size_t n = (size_t)(size - parsed_off);
	char *buf = malloc(n + 1);
	if (!buf)
		failf("out of memory");
	if (n && pread(fd, buf, n, parsed_off) != (ssize_t)n)
		failf("read %s: %s", out_path, strerror(errno));
	size_t complete = n;
	while (complete > 0 && buf[complete - 1] != '\n')
		complete--;
	if (complete < n) {
		if (last_run)
			failf("the last run left a torn line");
		torn_kills++;
	}
	int64_t prev = -1;
	int dup_run = 0;
	for (size_t at = 0; at < complete;) {
		char *nl = memchr(buf + at, '\n', complete - at);
		size_t len = (size_t)(nl - (buf + at));
		line_fields f;
		const char *why = "";
		if (parse_line(buf + at, len, &f, &why))
			failf("round %d: the line at byte %lld is not an entry (%s): %.*s", round,
			      (long long)(parsed_off + (int64_t)at), why, (int)(len > 300 ? 300 : len), buf + at);
		int64_t want = prev < 0 ? cursor_seen + 1 : prev + 1;
		if (f.position != want)
			failf("round %d: position %lld where %lld was due (%s)", round, (long long)f.position, (long long)want,
			      prev < 0 ? "the first line of a run is the entry after its cursor"
			               : "a run writes consecutive entries");
		if ((size_t)f.position == n_entries + 1) {
			if (n_entries == cap_entries) {
				cap_entries = cap_entries ? cap_entries * 2 : 4096;
				entries = realloc(entries, cap_entries * sizeof(*entries));
				if (!entries)
					failf("out of memory");
			}
			entries[n_entries++] = (seen){parsed_off + (int64_t)at, len, f};
		} else if ((size_t)f.position <= n_entries) {
			/* Written again after a kill: the same text. */
			const seen *first = &entries[f.position - 1];
			char *orig = malloc(first->len + 1);
			if (!orig || pread(fd, orig, first->len, first->off) != (ssize_t)first->len)
				failf("reread line of position %lld", (long long)f.position);
			if (first->len != len || memcmp(orig, buf + at, len) != 0)
				failf("round %d: position %lld written again with another text:\n  %.*s\n  %.*s", round,
				      (long long)f.position, (int)first->len, orig, (int)len, buf + at);
			free(orig);
			duplicates++;
			dup_run = 1;
		} else {
			failf("round %d: position %lld follows %zu: a gap", round, (long long)f.position, n_entries);
		}
		prev = f.position;
		at += len + 1;
	}
	runs_with_duplicates += dup_run;
	parsed_off += (int64_t)complete;
	free(buf);
	if (fd >= 0)
		close(fd);
	int64_t cursor = raw_cursor(path);
	if (cursor < cursor_seen)
		failf("round %d: the cursor moved back from %lld to %lld", round, (long long)cursor_seen, (long long)cursor);
	if (cursor > (int64_t)n_entries)
		failf("round %d: the cursor is at %lld but the file holds entries up to %zu only (acknowledged before "
		      "written)",
		      round, (long long)cursor, n_entries);
	cursor_seen = cursor;
}

/* ---- the final oracle: the store read with raw SQLite ---- */

typedef struct src_row {
	int64_t id, at;
	char type[48], kind[16];
	uint8_t subject[16];
	int has_subject, used;
} src_row;

typedef struct src_table {
	src_row *rows;
	size_t n;
} src_table;

static void load_rows(sqlite3 *db, const char *sql, const char *fixed_kind, src_table *t)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		failf("oracle query: %s", sqlite3_errmsg(db));
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 1024;
			t->rows = realloc(t->rows, cap * sizeof(*t->rows));
			if (!t->rows)
				failf("out of memory");
		}
		src_row *r = &t->rows[t->n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->type, sizeof(r->type), "%s", (const char *)sqlite3_column_text(st, 1));
		r->at = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) == SQLITE_BLOB) {
			if (sqlite3_column_bytes(st, 3) != 16)
				failf("a subject that is not 16 bytes");
			memcpy(r->subject, sqlite3_column_blob(st, 3), 16);
			r->has_subject = 1;
		}
		snprintf(r->kind, sizeof(r->kind), "%s", fixed_kind ? fixed_kind : (const char *)sqlite3_column_text(st, 4));
	}
	if (rc != SQLITE_DONE)
		failf("oracle query: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

static src_row *find_row(src_table *t, int64_t id)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->rows[lo].id == id ? &t->rows[lo] : NULL;
}

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void uuid_text(const uint8_t b[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	int k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}

static int64_t kinds_count[4]; /* ticket, customer, survey, definition */

static void oracle(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		failf("open the store raw");
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		failf("integrity_check: %s", st ? (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
	sqlite3_finalize(st);
	passed++;

	src_table tables[3] = {{0}};
	load_rows(db,
	          "SELECT e.id, e.type, e.at_us, t.uuid FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
	          " ORDER BY e.id",
	          "ticket", &tables[0]);
	load_rows(db,
	          "SELECT e.id, e.type, e.at_us, c.uuid FROM customer_events e JOIN customers c ON c.id = e.customer_id"
	          " ORDER BY e.id",
	          "customer", &tables[1]);
	load_rows(db, "SELECT id, type, at_us, subject, subject_kind FROM feed_records ORDER BY id", NULL, &tables[2]);
	int64_t n_rows = (int64_t)(tables[0].n + tables[1].n + tables[2].n);
	/* The join above must not have lost rows. */
	sqlite3_stmt *cnt = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT (SELECT count(*) FROM ticket_events) + (SELECT count(*) FROM customer_events)"
	                       " + (SELECT count(*) FROM feed_records)",
	                       -1, &cnt, NULL) != SQLITE_OK ||
	    sqlite3_step(cnt) != SQLITE_ROW)
		failf("count the source rows: %s", sqlite3_errmsg(db));
	if (sqlite3_column_int64(cnt, 0) != n_rows)
		failf("source rows whose ticket or customer is missing");
	sqlite3_finalize(cnt);

	/* The runs: positions 1..head, no gap, no overlap. */
	if (sqlite3_prepare_v2(db, "SELECT pos, id_hi, id_lo, source, row_id, count FROM feed ORDER BY pos", -1, &st,
	                       NULL) != SQLITE_OK)
		failf("read the feed: %s", sqlite3_errmsg(db));
	int64_t next = 1;
	uint8_t(*ids)[16] = NULL;
	size_t cap_ids = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t pos = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 5);
		uint64_t hi = (uint64_t)sqlite3_column_int64(st, 1), lo = (uint64_t)sqlite3_column_int64(st, 2);
		int source = sqlite3_column_int(st, 3);
		int64_t row_id = sqlite3_column_int64(st, 4);
		if (pos != next || count < 1)
			failf("the feed's run at %lld (count %lld) does not follow position %lld", (long long)pos,
			      (long long)count, (long long)(next - 1));
		if (source < 1 || source > 3)
			failf("the run at %lld has source %d", (long long)pos, source);
		for (int64_t k = 0; k < count; k++) {
			int64_t p = pos + k;
			if ((size_t)p > n_entries)
				failf("position %lld is in the feed but not in the file (the file ends at %zu)", (long long)p,
				      n_entries);
			/* Entry k: the run's id with k added to its 62 low bits. */
			const uint64_t low62 = ((uint64_t)1 << 62) - 1;
			uint64_t l = (lo & ~low62) | ((lo + (uint64_t)k) & low62);
			uint8_t id[16];
			for (int i = 0; i < 8; i++) {
				id[i] = (uint8_t)(hi >> (56 - 8 * i));
				id[8 + i] = (uint8_t)(l >> (56 - 8 * i));
			}
			if ((id[6] >> 4) != 4 || (id[8] >> 6) != 2)
				failf("the event id of position %lld is not a version 4 UUID", (long long)p);
			const line_fields *f = &entries[p - 1].f;
			char want[37], got[37];
			uuid_text(id, want);
			uuid_text(f->id, got);
			if (memcmp(id, f->id, 16) != 0)
				failf("position %lld: the file has id %s, the store %s", (long long)p, got, want);
			src_row *r = find_row(&tables[source - 1], row_id + k);
			if (!r)
				failf("position %lld refers to a missing source row (%d, %lld)", (long long)p, source,
				      (long long)(row_id + k));
			if (r->used)
				failf("position %lld: a source row with two entries (%d, %lld)", (long long)p, source,
				      (long long)(row_id + k));
			r->used = 1;
			if (strcmp(f->type, r->type) || strcmp(f->kind, r->kind) || f->time != r->at ||
			    f->has_subject != r->has_subject || (r->has_subject && memcmp(f->subject, r->subject, 16)))
				failf("position %lld: the file has %s %s at %lld, the store %s %s at %lld (or another subject)",
				      (long long)p, f->kind, f->type, (long long)f->time, r->kind, r->type, (long long)r->at);
			kinds_count[!strcmp(r->kind, "ticket") ? 0 : !strcmp(r->kind, "customer") ? 1 : !strcmp(r->kind, "survey") ? 2 : 3]++;
			if ((size_t)p > cap_ids) {
				cap_ids = cap_ids ? cap_ids * 2 : 4096;
				while (cap_ids < (size_t)p)
					cap_ids *= 2;
				ids = realloc(ids, cap_ids * sizeof(*ids));
				if (!ids)
					failf("out of memory");
			}
			memcpy(ids[p - 1], id, 16);
		}
		next = pos + count;
	}
	if (rc != SQLITE_DONE)
		failf("read the feed: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	int64_t head = next - 1;
	passed++;
	if ((size_t)head != n_entries)
		failf("the file holds %zu entries, the feed %lld", n_entries, (long long)head);
	passed++;
	if (head != n_rows)
		failf("the feed has %lld entries for %lld source rows", (long long)head, (long long)n_rows);
	passed++; /* with no row used twice: every row has exactly one entry */
	qsort(ids, (size_t)head, 16, cmp_id);
	for (int64_t i = 1; i < head; i++)
		if (!memcmp(ids[i - 1], ids[i], 16))
			failf("two entries share an event id");
	passed++;
	if (cursor_seen != head)
		failf("the consumer's cursor is %lld, the head %lld", (long long)cursor_seen, (long long)head);
	passed++;
	for (int k = 0; k < 4; k++)
		if (!kinds_count[k])
			failf("no %s entry: the writer did not exercise every source",
			      (const char *[]){"ticket", "customer", "survey", "definition"}[k]);
	passed++;
	free(ids);
	for (int t = 0; t < 3; t++)
		free(tables[t].rows);
	sqlite3_close(db);
}

/* ---- the parent ---- */

static pid_t start_writer(const char *path, uint64_t seed, csvc_time_us base)
{
	pid_t pid = fork();
	if (pid < 0)
		failf("fork: %s", strerror(errno));
	if (pid == 0)
		writer(path, seed, base);
	return pid;
}

static void stop_writer(pid_t pid)
{
	int status = 0;
	if (waitpid(pid, &status, WNOHANG) == pid)
		failf("the writer stopped by itself (%s %d)", WIFEXITED(status) ? "exit code" : "signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
		failf("the writer was not killed");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: csvc-feed-crash-harness STORE-FILE KILLS [SEED]\n");
		return 2;
	}
	const char *path = argv[1];
	int kills = atoi(argv[2]);
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 20261205u;
	printf("seed: %llu\n", (unsigned long long)seed);
	fflush(stdout);
	char side[600], out_path[600];
	if (strlen(path) > 500)
		failf("path too long");
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(out_path, sizeof(out_path), "%s.jsonl", path);
	unlink(out_path);
	double t0 = now_s();

	/* The store with its definitions, before any process starts. */
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, NULL) || csvc_store_install_defaults(s))
		failf("create the store: %s", csvc_error_last()->message);
	csvc_store_close(s);

	shared *sh = mmap(NULL, sizeof(shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		failf("mmap: %s", strerror(errno));
	csvc_time_us base = (csvc_time_us)1767225600 * 1000000;
	int writer_runs = 0, writer_kills = 0;
	pid_t wpid = start_writer(path, rnd(&seed), base);
	int64_t phase_kills[PH_COUNT] = {0};
	fflush(stdout);
	for (int k = 0; k < kills; k++) {
		uint64_t r = rnd(&seed);
		uint64_t cseed = rnd(&seed);
		pid_t pid = fork();
		if (pid < 0)
			failf("fork: %s", strerror(errno));
		if (pid == 0)
			consumer(path, out_path, cseed, 0, sh);
		/* Up to 3 ms (the consumer starting) one time in four, else 3 to
		 * 60 ms. */
		uint64_t delay = (r & 3) == 0 ? (r >> 2) % 3000 : 3000 + (r >> 2) % 57000;
		if ((r >> 32) % 10 == 0) {
			/* The writer is killed too, in the middle of the round. */
			pause_us(delay / 2);
			stop_writer(wpid);
			writer_kills++;
			wpid = start_writer(path, rnd(&seed), base + (csvc_time_us)++writer_runs * 1000000 * MIN);
			pause_us(delay - delay / 2);
		} else {
			pause_us(delay);
		}
		kill(pid, SIGKILL);
		int status = 0;
		if (waitpid(pid, &status, 0) != pid)
			failf("waitpid: %s", strerror(errno));
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			failf("round %d: the consumer stopped by itself (%s %d)", k,
			      WIFEXITED(status) ? "exit code" : "signal",
			      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		phase_kills[sh->phase < 0 || sh->phase >= PH_COUNT ? PH_START : sh->phase]++;
		check_run(path, out_path, 0, k);
		passed++;
	}
	stop_writer(wpid);
	writer_kills++;

	/* The last run reads to the head; nobody writes any more. */
	pid_t pid = fork();
	if (pid < 0)
		failf("fork: %s", strerror(errno));
	if (pid == 0)
		consumer(path, out_path, rnd(&seed), 1, sh);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failf("the last consumer run failed (%s %d)", WIFEXITED(status) ? "exit code" : "signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	check_run(path, out_path, 1, kills);
	passed++;
	oracle(path);

	/* The kills must have landed where they matter. */
	if (kills >= 200) {
		if (!phase_kills[PH_WRITE])
			failf("no kill landed in the middle of a batch");
		if (!phase_kills[PH_WRITTEN])
			failf("no kill landed between the write and the ack");
		if (!torn_kills)
			failf("no kill tore a line");
		passed++;
	}

	printf("kills: %d\n", kills);
	printf("writer kills: %d (the last one stops it)\n", writer_kills);
	printf("entries: %zu (ticket %lld, customer %lld, survey %lld, definition %lld)\n", n_entries,
	       (long long)kinds_count[0], (long long)kinds_count[1], (long long)kinds_count[2], (long long)kinds_count[3]);
	printf("duplicates: %lld (in %lld restarted runs)\n", (long long)duplicates, (long long)runs_with_duplicates);
	printf("torn lines cut: %lld\n", (long long)torn_kills);
	printf("consumer kills by phase:");
	for (int p = 0; p < PH_COUNT; p++)
		printf("%s %s %lld", p ? "," : "", phase_names[p], (long long)phase_kills[p]);
	printf("\n");
	printf("wall time: %.1f s\n", now_s() - t0);
	printf("%d passed, 0 failed\n", passed);
	free(entries);
	munmap(sh, sizeof(shared));
	return 0;
}
