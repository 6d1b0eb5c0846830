/*
 * Backups and verification (csvc_store_backup, csvc_store_verify): a copy
 * made while another connection writes is one consistent moment of the
 * store and opens as a store; refusals leave nothing behind; a damaged,
 * foreign or newer file is named as such. On PostgreSQL both calls
 * refuse (the server's tools do it).
 */
#include <dirent.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-sql.h"

typedef struct fixture {
	char dir[64], path[96];
	csvc_store *s;
} fixture;

static csvc_time_us now_cell;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/csvc-backup-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	now_cell = (csvc_time_us)1767225600 * CSVC_SECOND_US;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&f->s, f->path, &o));
	csvc_assert_ok(csvc_store_install_defaults(f->s));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	csvc_store_close(f->s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void add_tickets(csvc_store *s, int n)
{
	for (int i = 0; i < n; i++) {
		csvc_ticket *t = NULL;
		csvc_assert_ok(csvc_ticket_new(&t, "complaint", "SH01"));
		csvc_assert_ok(csvc_ticket_set_subject(t, "收银台排队太久"));
		csvc_assert_ok(csvc_ticket_create(s, t, "desk"));
		csvc_ticket_free(t);
	}
}

/* The files in `dir` (names joined by spaces). */
static void list_dir(const char *dir, char *out, size_t n)
{
	out[0] = '\0';
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			strncat(out, e->d_name, n - strlen(out) - 1);
			strncat(out, " ", n - strlen(out) - 1);
		}
	closedir(d);
}

/* The store at `path`: its tickets, and whether they are one moment's
 * (the counter, the rows and the creation events agree). */
static int64_t tickets_of(const char *path)
{
	csvc_store *b = NULL;
	csvc_assert_ok(csvc_store_open(&b, path, NULL));
	int64_t n = csvc_test_sql_int(b, "SELECT count(*) FROM tickets");
	int64_t last = csvc_test_sql_int(b, "SELECT coalesce(max(last), 0) FROM ticket_counters");
	int64_t created = csvc_test_sql_int(b, "SELECT count(DISTINCT ticket_id) FROM ticket_events");
	assert_int_equal(last, n);
	assert_int_equal(created, n);
	csvc_store_close(b);
	return n;
}

static void test_backup_and_verify(void **state)
{
	fixture *f = *state;
	if (csvc_test_on_pg()) {
		/* The server's tools back up and check a PostgreSQL store. */
		char path[128];
		snprintf(path, sizeof(path), "%s/copy.db", f->dir);
		csvc_assert_err(csvc_store_backup(f->s, path), CSVC_ESTATE);
		assert_non_null(strstr(csvc_error_last()->message, "server's own tools"));
		assert_int_equal(access(path, F_OK), -1);
#ifdef CSVC_HAVE_POSTGRES
		csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
		o.pg_conninfo = csvc_test_pg();
		o.pg_schema = csvc_test_schema_for_(f->path);
		csvc_assert_err(csvc_store_verify("", &o, NULL), CSVC_ESTATE);
#endif
		return;
	}
	add_tickets(f->s, 20);
	char copy[128], listing[512];
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	csvc_assert_ok(csvc_store_backup(f->s, copy));
	/* One self-contained file and nothing else beside it. */
	list_dir(f->dir, listing, sizeof(listing));
	assert_null(strstr(listing, "copy.db-wal"));
	assert_null(strstr(listing, ".new-"));
	int32_t v = 0;
	csvc_assert_ok(csvc_store_verify(copy, NULL, &v));
	assert_int_equal(v, csvc_store_schema_version_supported());
	assert_int_equal(tickets_of(copy), 20);
	/* Never over an existing file, the store's own included. */
	csvc_assert_err(csvc_store_backup(f->s, copy), CSVC_EEXISTS);
	csvc_assert_err(csvc_store_backup(f->s, f->path), CSVC_EEXISTS);
	assert_int_equal(tickets_of(copy), 20);
	/* The store itself verifies too, while open. */
	csvc_assert_ok(csvc_store_verify(f->path, NULL, NULL));
	/* An in-memory store can be saved to a file. */
	csvc_store *m = NULL;
	csvc_assert_ok(csvc_store_open(&m, ":memory:", NULL));
	csvc_assert_ok(csvc_store_install_defaults(m));
	add_tickets(m, 3);
	snprintf(copy, sizeof(copy), "%s/memory.db", f->dir);
	csvc_assert_ok(csvc_store_backup(m, copy));
	csvc_store_close(m);
	assert_int_equal(tickets_of(copy), 3);
}

static void test_refusals(void **state)
{
	fixture *f = *state;
	char copy[128], listing[512], before[512];
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	list_dir(f->dir, before, sizeof(before));
	csvc_assert_err(csvc_store_backup(NULL, copy), CSVC_EINVAL);
	csvc_assert_err(csvc_store_backup(f->s, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_store_backup(f->s, ""), CSVC_EINVAL);
	csvc_assert_err(csvc_store_backup(f->s, ":memory:"), CSVC_EINVAL);
	csvc_assert_err(csvc_store_backup(f->s, "bad\xff.db"), CSVC_EINVAL);
	csvc_assert_err(csvc_store_verify(NULL, NULL, NULL), CSVC_EINVAL);
	/* Inside a transaction; the transaction goes on. */
	csvc_assert_ok(csvc_store_begin(f->s));
	add_tickets(f->s, 1);
	csvc_assert_err(csvc_store_backup(f->s, copy), CSVC_ESTATE);
	csvc_assert_ok(csvc_store_commit(f->s));
	if (csvc_test_on_pg())
		return;
	char deep[160];
	snprintf(deep, sizeof(deep), "%s/no/such/dir/copy.db", f->dir);
	csvc_assert_err(csvc_store_backup(f->s, deep), CSVC_ENOTFOUND);
	list_dir(f->dir, listing, sizeof(listing));
	assert_string_equal(listing, before);
	/* Verification of what is not a sound store of this library. */
	csvc_assert_err(csvc_store_verify(copy, NULL, NULL), CSVC_ENOTFOUND);
	assert_int_equal(access(copy, F_OK), -1); /* and it made none */
	sqlite3 *db = NULL;
	char other[128];
	snprintf(other, sizeof(other), "%s/other.db", f->dir);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	csvc_assert_err(csvc_store_verify(other, NULL, NULL), CSVC_ENOTSTORE);
	csvc_assert_ok(csvc_store_backup(f->s, copy));
	assert_int_equal(sqlite3_open(copy, &db), SQLITE_OK);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", (int)csvc_store_schema_version_supported() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	csvc_assert_err(csvc_store_verify(copy, NULL, NULL), CSVC_EVERSION);
	/* A backup of an older version verifies, unchanged (no upgrade). */
	assert_int_equal(sqlite3_open(copy, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", (int)csvc_store_schema_version_supported() - 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	int32_t v = 0;
	csvc_assert_ok(csvc_store_verify(copy, NULL, &v));
	assert_int_equal(v, csvc_store_schema_version_supported() - 1);
	csvc_assert_ok(csvc_store_verify(copy, NULL, &v));
}

/* Damage the way a disk or a bad copy does: an index that no longer
 * matches its table, a reference to a missing row, and garbage over a
 * page. Each is found and named. */
static void test_verify_finds_damage(void **state)
{
	fixture *f = *state;
	if (csvc_test_on_pg())
		return; /* SQLite's file */
	add_tickets(f->s, 200);
	char copy[128];
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	csvc_assert_ok(csvc_store_backup(f->s, copy));
	csvc_assert_ok(csvc_store_verify(copy, NULL, NULL));

	/* A comment on a ticket that does not exist, written behind the
	 * library with reference checks off. */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(copy, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys=OFF;"
	                                  "INSERT INTO ticket_comments (ticket_id, kind, body, actor, at_us)"
	                                  " VALUES (999999, 1, 'x', 'desk', 0)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	csvc_assert_err(csvc_store_verify(copy, NULL, NULL), CSVC_ECORRUPT);
	assert_non_null(strstr(csvc_error_last()->message, "ticket_comments"));
	unlink(copy);

	/* Garbage over the last pages of the file (index pages of the last
	 * tickets' rows). */
	csvc_assert_ok(csvc_store_backup(f->s, copy));
	FILE *fp = fopen(copy, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long size = ftell(fp);
	assert_true(size > 8 * 4096);
	assert_int_equal(fseek(fp, size - 3 * 4096 + 100, SEEK_SET), 0);
	for (int i = 0; i < 2048; i++)
		fputc(0x5a ^ (i * 31), fp);
	fclose(fp);
	int rc = csvc_store_verify(copy, NULL, NULL);
	csvc_assert_err(rc, CSVC_ECORRUPT);
	assert_non_null(strstr(csvc_error_last()->message, "damaged"));
}

/* A writer on another connection commits ticket after ticket while
 * backups are taken: each copy is one moment between the counts before
 * and after it, and the writer is never held up into an error. */
typedef struct writer {
	const char *path;
	atomic_int stop;
	int written, failed;
} writer;

static void *write_on(void *arg)
{
	writer *w = arg;
	csvc_time_us clock = (csvc_time_us)1767225600 * CSVC_SECOND_US;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &clock;
	csvc_store *s = NULL;
	if (csvc_store_open(&s, w->path, &o)) {
		w->failed = 1;
		return NULL;
	}
	while (!atomic_load(&w->stop) || w->written < 50) {
		csvc_ticket *t = NULL;
		if (csvc_ticket_new(&t, "inquiry", "SH01") || csvc_ticket_set_subject(t, "营业时间") ||
		    csvc_ticket_create(s, t, "desk")) {
			w->failed = 1;
			csvc_ticket_free(t);
			break;
		}
		csvc_ticket_free(t);
		w->written++;
	}
	csvc_store_close(s);
	return NULL;
}

static void test_backup_while_writing(void **state)
{
	fixture *f = *state;
	if (csvc_test_on_pg())
		return; /* refused there: test_backup_and_verify */
	add_tickets(f->s, 50);
	writer w = {.path = f->path};
	atomic_init(&w.stop, 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, write_on, &w), 0);
	int64_t last = 0;
	for (int k = 0; k < 8; k++) {
		char copy[128];
		snprintf(copy, sizeof(copy), "%s/copy-%d.db", f->dir, k);
		int64_t before = csvc_test_sql_int(f->s, "SELECT count(*) FROM tickets");
		csvc_assert_ok(csvc_store_backup(f->s, copy));
		int64_t after = csvc_test_sql_int(f->s, "SELECT count(*) FROM tickets");
		csvc_assert_ok(csvc_store_verify(copy, NULL, NULL));
		int64_t n = tickets_of(copy);
		assert_true(n >= before && n <= after);
		assert_true(n >= last);
		last = n;
		usleep(20000);
	}
	atomic_store(&w.stop, 1);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.failed, 0);
	assert_true(w.written >= 50);
	assert_int_equal(csvc_test_sql_int(f->s, "SELECT count(*) FROM tickets"), 50 + w.written);
	/* A copy is a store to write on again. */
	char copy[128];
	snprintf(copy, sizeof(copy), "%s/copy-0.db", f->dir);
	csvc_store *b = NULL;
	csvc_assert_ok(csvc_store_open(&b, copy, NULL));
	add_tickets(b, 1);
	csvc_store_close(b);
	csvc_assert_ok(csvc_store_verify(copy, NULL, NULL));
}

/* With access control on, a copy of every customer needs
 * store_maintain and customer_export: the data administrator has both. */
static void test_backup_access(void **state)
{
	fixture *f = *state;
	static const char *const who[][2] = {{"agent", "service_agent"}, {"boss", "supervisor"}, {"admin", "data_admin"}};
	for (size_t i = 0; i < 3; i++) {
		csvc_staff *st = NULL;
		csvc_assert_ok(csvc_staff_new(&st, who[i][0], who[i][0]));
		csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
		csvc_assert_ok(csvc_staff_add_role(st, who[i][1]));
		csvc_assert_ok(csvc_staff_create(f->s, st, NULL));
		csvc_staff_free(st);
	}
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_store *a = NULL;
	csvc_assert_ok(csvc_test_open(&a, f->path, &o));
	char copy[128];
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	csvc_assert_err(csvc_store_backup(a, copy), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(a, "agent"));
	csvc_assert_err(csvc_store_backup(a, copy), CSVC_EACCESS);
	csvc_assert_ok(csvc_store_set_principal(a, "boss"));
	csvc_assert_err(csvc_store_backup(a, copy), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "store_maintain"));
	assert_int_equal(access(copy, F_OK), -1);
	csvc_assert_ok(csvc_store_set_principal(a, "admin"));
	if (csvc_test_on_pg())
		csvc_assert_err(csvc_store_backup(a, copy), CSVC_ESTATE);
	else
		csvc_assert_ok(csvc_store_backup(a, copy));
	csvc_store_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_while_writing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_access, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
