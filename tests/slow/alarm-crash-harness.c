/*
 * Exactly-once SLA alarms across crashes. One process runs an SLA timer
 * loop (csvc_sla_advance with no callback, stepping its `now` forward);
 * another is the alarm consumer (csvc_sla_subscribe, then
 * csvc_feed_deliver and csvc_feed_wait in a loop), which appends each
 * alarm it gets to a file, one line per alarm written with one write()
 * and fdatasync'ed before the callback returns. The parent SIGKILLs one of
 * the two at random moments and restarts it (a restarted timer loop
 * starts again from the first instant: advance is idempotent). After the
 * last kill both run to the end, and the file is checked against what the
 * parent knows without the library: ticket i was created at T0 + i * 7 s
 * under a 24x7 policy of 60 minutes with a warning at 50 %, so its alarms
 * are the warning at +30 min and the breach at +60 min.
 *   - every alarm is in the file, dated at its crossing instant;
 *   - after dropping lines by event id, no alarm is there twice, and a
 *     repeated line (the consumer was killed after writing, before the
 *     acknowledgement) is byte for byte the same alarm;
 *   - the store holds each alarm once (raw count of its events).
 * A line cut short by a kill (no newline) is removed by the restarted
 * consumer before it appends.
 *
 *   csvc-alarm-crash-harness STORE-FILE KILLS [SEED]
 *
 * prints "kills: N", "alarms: N", "duplicates: N" and "N passed, 0 failed",
 * and exits 1 at the first failed check.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csvc.h"

#define SEC ((int64_t)1000000)
#define MIN (60 * SEC)
/* 2026-03-02 00:00 UTC */
#define T0 ((csvc_time_us)1772409600 * SEC)
#define TICKETS 300
#define SPACING (7 * SEC)
#define STEP (5 * SEC)
#define FIRST (T0 + 29 * MIN)
#define LAST (T0 + 60 * MIN + TICKETS * SPACING + MIN)

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "alarm-crash-harness: FAILED: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	printf("0 passed, 1 failed\n");
	exit(1);
}

static csvc_time_us fixed_clock(void *ud)
{
	return *(csvc_time_us *)ud;
}

static csvc_store *open_store(const char *path, csvc_time_us *clock)
{
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = fixed_clock;
	o.clock_userdata = clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, path, &o))
		return NULL;
	return s;
}

/* ---- setup (parent) ---- */

static csvc_uuid ticket_ids[TICKETS];

static void setup(const char *path)
{
	csvc_time_us now = T0;
	csvc_store *s = open_store(path, &now);
	if (!s || csvc_store_install_defaults(s))
		fail("setup", csvc_error_last()->message);
	csvc_sla_policy *p = NULL;
	size_t i;
	if (csvc_sla_policy_new(&p, "crash", 0) || csvc_sla_policy_match_store(p, "CR01") ||
	    csvc_sla_policy_add_target(p, "resolve", 60 * MIN, CSVC_SLA_CALENDAR_24X7, NULL, &i) ||
	    csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED) || csvc_sla_target_warn_at(p, i, 50) ||
	    csvc_sla_policy_save(s, p, NULL))
		fail("policy", csvc_error_last()->message);
	csvc_sla_policy_free(p);
	for (int k = 0; k < TICKETS; k++) {
		now = T0 + k * SPACING;
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "inquiry", "CR01") || csvc_ticket_set_subject(t, "till") ||
		    csvc_ticket_create(s, t, "clerk"))
			fail("ticket", csvc_error_last()->message);
		ticket_ids[k] = *csvc_ticket_id(t);
		csvc_ticket_free(t);
	}
	/* The policy is the one the tickets run under. */
	csvc_sla_iter *it = NULL;
	csvc_sla_target *target = NULL;
	if (csvc_sla_ticket_targets(s, &ticket_ids[0], &it) || csvc_sla_iter_next(it, &target))
		fail("targets", csvc_error_last()->message);
	if (strcmp(csvc_sla_target_policy(target), "crash") != 0)
		fail("setup", "the tickets do not run under the harness's policy");
	csvc_sla_target_free(target);
	csvc_sla_iter_free(it);
	csvc_store_close(s);
}

/* ---- the timer loop ---- */

static int timer_loop(const char *path)
{
	csvc_time_us now = FIRST;
	csvc_store *s = open_store(path, &now);
	if (!s)
		return 2;
	for (; now <= LAST; now += STEP)
		if (csvc_sla_advance(s, now, NULL, NULL, NULL) < 0) {
			fprintf(stderr, "advance: %s\n", csvc_error_last()->message);
			return 3;
		}
	csvc_store_close(s);
	return 0;
}

/* ---- the alarm consumer ---- */

static int on_alarm(const csvc_sla_alarm *a, void *ud)
{
	int fd = *(int *)ud;
	char ev[37], ticket[37], line[160];
	csvc_uuid_to_string(a->event, ev);
	csvc_uuid_to_string(a->ticket, ticket);
	int n = snprintf(line, sizeof(line), "%s %s %d %lld\n", ev, ticket, (int)a->percent, (long long)a->at);
	if (write(fd, line, (size_t)n) != n || fdatasync(fd) != 0)
		return CSVC_EUSER; /* delivered again */
	return 0;
}

/* Cuts a line a kill left without its newline. */
static int cut_torn_tail(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END), keep = end;
	char c;
	while (keep > 0 && pread(fd, &c, 1, keep - 1) == 1 && c != '\n')
		keep--;
	if (keep != end && (ftruncate(fd, keep) != 0 || fdatasync(fd) != 0))
		return -1;
	return 0;
}

static int consumer(const char *path, const char *out, const char *done)
{
	int fd = open(out, O_RDWR | O_CREAT | O_APPEND, 0600);
	if (fd < 0 || cut_torn_tail(fd))
		return 2;
	csvc_time_us now = T0;
	csvc_store *s = open_store(path, &now);
	if (!s || csvc_sla_subscribe(s, "crash.alarms", on_alarm, &fd))
		return 3;
	for (;;) {
		int finished = access(done, F_OK) == 0; /* read before delivering */
		int rc = csvc_feed_deliver(s, NULL);
		if (rc < 0 && rc != CSVC_EBUSY && rc != CSVC_EUSER) {
			fprintf(stderr, "deliver: %s\n", csvc_error_last()->message);
			return 4;
		}
		int64_t position = 0, lag = 0;
		if (csvc_feed_consumer_get(s, "crash.alarms", &position, &lag) == CSVC_OK && lag == 0 && finished)
			break;
		if (csvc_feed_wait(s, position, 100, NULL) < 0)
			return 5;
	}
	csvc_store_close(s);
	close(fd);
	return 0;
}

/* ---- the parent ---- */

static pid_t start(int which, const char *path, const char *out, const char *done)
{
	pid_t pid = fork();
	if (pid < 0)
		fail("fork", strerror(errno));
	if (pid == 0)
		_exit(which == 0 ? timer_loop(path) : consumer(path, out, done));
	return pid;
}

static void reap(pid_t pid, const char *who)
{
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid", strerror(errno));
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char msg[64];
		snprintf(msg, sizeof(msg), "%s exited with status %d", who, status);
		fail("child", msg);
	}
}

static uint64_t rng;
static uint32_t next_random(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33);
}

typedef struct line {
	char ev[37], ticket[37];
	int pct;
	long long at;
} line;

static int by_event(const void *a, const void *b)
{
	return strcmp(((const line *)a)->ev, ((const line *)b)->ev);
}

static int by_alarm(const void *a, const void *b)
{
	const line *x = a, *y = b;
	int c = strcmp(x->ticket, y->ticket);
	return c ? c : x->pct - y->pct;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s STORE-FILE KILLS [SEED]\n", argv[0]);
		return 2;
	}
	const char *path = argv[1];
	long kills = strtol(argv[2], NULL, 10);
	rng = argc > 3 ? strtoull(argv[3], NULL, 10) : (uint64_t)time(NULL);
	printf("seed: %llu\n", (unsigned long long)rng);
	char out[4096], done[4096], wal[4096], shm[4096];
	snprintf(out, sizeof(out), "%s.alarms", path);
	snprintf(done, sizeof(done), "%s.done", path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	unlink(path), unlink(out), unlink(done), unlink(wal), unlink(shm);
	setup(path);

	pid_t pids[2] = {start(0, path, out, done), start(1, path, out, done)};
	int alive[2] = {1, 1};
	for (long k = 0; k < kills; k++) {
		int which = (int)(next_random() % 2);
		if (!alive[which]) {
			pids[which] = start(which, path, out, done);
			alive[which] = 1;
		}
		usleep(1000 + next_random() % 25000);
		/* The timer loop may have finished: then it is started again. */
		kill(pids[which], SIGKILL);
		reap(pids[which], which ? "consumer" : "timer loop");
		alive[which] = 0;
	}
	if (alive[0])
		reap(pids[0], "timer loop");
	pids[0] = start(0, path, out, done);
	reap(pids[0], "timer loop"); /* to the end, not killed */
	FILE *d = fopen(done, "w");
	if (!d)
		fail("done flag", strerror(errno));
	fclose(d);
	if (!alive[1])
		pids[1] = start(1, path, out, done);
	reap(pids[1], "consumer");

	/* The file, read without the library. */
	FILE *f = fopen(out, "r");
	if (!f)
		fail("output", strerror(errno));
	size_t cap = 4 * TICKETS + 1024, n = 0;
	line *lines = calloc(cap, sizeof(*lines));
	char buf[256];
	while (fgets(buf, sizeof(buf), f)) {
		if (n == cap && !(lines = realloc(lines, (cap *= 2) * sizeof(*lines))))
			fail("memory", NULL);
		if (sscanf(buf, "%36s %36s %d %lld", lines[n].ev, lines[n].ticket, &lines[n].pct, &lines[n].at) != 4 ||
		    buf[strlen(buf) - 1] != '\n')
			fail("a malformed line", buf);
		n++;
	}
	fclose(f);
	qsort(lines, n, sizeof(*lines), by_event);
	size_t u = 0, dups = 0;
	for (size_t i = 0; i < n; i++) {
		if (u && strcmp(lines[u - 1].ev, lines[i].ev) == 0) {
			if (by_alarm(&lines[u - 1], &lines[i]) || lines[u - 1].at != lines[i].at)
				fail("one event id, two alarms", lines[i].ev);
			dups++;
			continue;
		}
		lines[u++] = lines[i];
	}
	if (u != 2 * TICKETS) {
		char msg[64];
		snprintf(msg, sizeof(msg), "%zu distinct alarms, expected %d", u, 2 * TICKETS);
		fail("alarms", msg);
	}
	qsort(lines, u, sizeof(*lines), by_alarm);
	for (size_t i = 1; i < u; i++)
		if (by_alarm(&lines[i - 1], &lines[i]) == 0)
			fail("an alarm delivered under two event ids (written twice)", lines[i].ticket);
	for (int k = 0; k < TICKETS; k++) {
		char id[37];
		csvc_uuid_to_string(&ticket_ids[k], id);
		for (int pct = 50; pct <= 100; pct += 50) {
			line key = {0};
			snprintf(key.ticket, sizeof(key.ticket), "%s", id);
			key.pct = pct;
			line *hit = bsearch(&key, lines, u, sizeof(*lines), by_alarm);
			if (!hit)
				fail("an alarm is missing", id);
			long long expect = T0 + k * SPACING + (pct == 50 ? 30 : 60) * MIN;
			if (hit->at != expect)
				fail("an alarm is not dated at its crossing instant", id);
		}
	}
	/* The store holds each alarm once. */
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM ticket_events WHERE type IN ('sla_warning', 'sla_breach')", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		fail("raw read", sqlite3_errmsg(db));
	if (sqlite3_column_int64(st, 0) != 2 * TICKETS)
		fail("the store", "the number of alarm events is not one per alarm");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(lines);
	printf("kills: %ld\nalarms: %zu\nduplicates: %zu\n1 passed, 0 failed\n", kills, u, dups);
	unlink(out), unlink(done);
	return 0;
}
