/*
 * Access control: the principal, scope by store, masking, actors, the
 * library's own acts, trusted mode. Two handles on one store: `t` in
 * trusted mode prepares and checks, `a` runs with access control on.
 * Runs on SQLite and, as pg-access, on PostgreSQL.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvc-test.h"
#include "store-dump.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */
#define MIN (60 * CSVC_SECOND_US)
#define HOUR (60 * MIN)

static csvc_time_us now_cell;

typedef struct fixture {
	char dir[64], path[96];
	csvc_store *t; /* trusted */
	csvc_store *a; /* access control on */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/csvc-access-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&f->t, f->path, &o));
	csvc_assert_ok(csvc_store_install_defaults(f->t));
	csvc_test_add_staff(f->t, "alice", "SH01", "service_agent");
	csvc_test_add_staff(f->t, "rita", "SH01", "receptionist");
	csvc_test_add_staff(f->t, "bob", "SH02", "service_agent");
	csvc_test_add_staff(f->t, "sam", "SH01", "supervisor");
	csvc_test_add_staff(f->t, "hq", NULL, "auditor");
	csvc_test_add_staff(f->t, "admin", NULL, "data_admin");
	csvc_test_add_staff(f->t, "drifter", NULL, "supervisor");
	csvc_test_add_staff(f->t, "gone", "SH01", "service_agent");
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(f->t, "gone", &st));
	csvc_assert_ok(csvc_staff_set_active(st, 0));
	csvc_assert_ok(csvc_staff_update(f->t, st, "setup"));
	csvc_staff_free(st);
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&f->a, f->path, &o));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	csvc_store_close(f->a);
	csvc_store_close(f->t);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static csvc_customer *customer(csvc_store *s, const char *name, const char *home, const char *phone,
                               const char *email)
{
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, name));
	if (home)
		csvc_assert_ok(csvc_customer_set_home_store(c, home));
	if (phone)
		csvc_assert_ok(csvc_customer_add_phone(c, phone));
	if (email)
		csvc_assert_ok(csvc_customer_add_email(c, email));
	csvc_assert_ok(csvc_customer_create(s, c, NULL));
	return c;
}

static csvc_ticket *ticket(csvc_store *s, const char *store_code, const char *actor)
{
	csvc_ticket *t = NULL;
	csvc_assert_ok(csvc_ticket_new(&t, "complaint", store_code));
	csvc_assert_ok(csvc_ticket_set_subject(t, "退货"));
	csvc_assert_ok(csvc_ticket_create(s, t, actor));
	return t;
}

static int64_t count_tickets(csvc_store *s, const char *store_code)
{
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.store_code = store_code;
	int64_t n = -1;
	csvc_assert_ok(csvc_ticket_count(s, &q, &n));
	return n;
}

/* The actor of a ticket's latest event, read through `s`. */
static char *last_actor(csvc_store *s, const csvc_uuid *id)
{
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(s, id, &it));
	csvc_event *ev = NULL;
	char *actor = NULL;
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		free(actor);
		actor = csvc_event_actor(ev) ? strdup(csvc_event_actor(ev)) : NULL;
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	return actor;
}

static void test_trusted_mode(void **state)
{
	fixture *f = *state;
	assert_int_equal(csvc_store_access_control(f->t), 0);
	assert_int_equal(csvc_store_access_control(f->a), 1);
	assert_null(csvc_store_principal(f->t));
	assert_int_equal(csvc_store_allows(f->t, CSVC_PERM_CUSTOMER_ERASE), 1);
	csvc_assert_err(csvc_store_allows(f->t, (csvc_permission_t)0), CSVC_EINVAL);
	csvc_assert_err(csvc_store_allows(f->t, (csvc_permission_t)(CSVC_PERM_MAX + 1)), CSVC_EINVAL);
	csvc_assert_err(csvc_store_allows(NULL, CSVC_PERM_TICKET_READ), CSVC_EINVAL);
	/* Everything is allowed, any actor is recorded as named. */
	csvc_ticket *t = ticket(f->t, "SH02", "somebody");
	char *actor = last_actor(f->t, csvc_ticket_id(t));
	assert_string_equal(actor, "somebody");
	free(actor);
	/* A principal in trusted mode only names the actor of writes that
	 * name none. */
	csvc_assert_ok(csvc_store_set_principal(f->t, "rita"));
	assert_string_equal(csvc_store_principal(f->t), "rita");
	assert_int_equal(csvc_store_allows(f->t, CSVC_PERM_CUSTOMER_ERASE), 1);
	csvc_assert_ok(csvc_ticket_transition(f->t, csvc_ticket_id(t), "analyse", 0, NULL, NULL, NULL));
	actor = last_actor(f->t, csvc_ticket_id(t));
	assert_string_equal(actor, "rita");
	free(actor);
	csvc_assert_ok(csvc_store_set_principal(f->t, NULL));
	assert_null(csvc_store_principal(f->t));
	csvc_ticket_free(t);
}

static void test_principal(void **state)
{
	fixture *f = *state;
	csvc_customer *c = customer(f->t, "张三", "SH01", NULL, NULL);
	csvc_customer *got = NULL;
	/* No principal: every guarded call is refused, reads of the
	 * definitions too; calls on the store itself are not checked. */
	csvc_assert_err(csvc_customer_get(f->a, csvc_customer_id(c), &got), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "no principal"));
	csvc_staff *st = NULL;
	csvc_assert_err(csvc_staff_get(f->a, "alice", &st), CSVC_EACCESS);
	int32_t version = 0;
	csvc_assert_ok(csvc_store_schema_version(f->a, &version));
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_TICKET_READ), 0);

	csvc_assert_err(csvc_store_set_principal(f->a, "nobody"), CSVC_ENOTFOUND);
	assert_null(csvc_store_principal(f->a));
	csvc_assert_err(csvc_store_set_principal(f->a, "gone"), CSVC_EACCESS);
	assert_null(csvc_store_principal(f->a));
	csvc_assert_err(csvc_store_set_principal(f->a, "bad\nname"), CSVC_EINVAL);
	char big[CSVC_PRINCIPAL_MAX_CODE + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	csvc_assert_err(csvc_store_set_principal(f->a, big), CSVC_ERANGE);
	csvc_assert_err(csvc_store_set_principal(NULL, "alice"), CSVC_EINVAL);

	/* A failed change clears the principal it had. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c), &got));
	csvc_customer_free(got);
	csvc_assert_err(csvc_store_set_principal(f->a, "nobody"), CSVC_ENOTFOUND);
	csvc_assert_err(csvc_customer_get(f->a, csvc_customer_id(c), &got), CSVC_EACCESS);

	/* What a receptionist may do, as a user interface asks. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "rita"));
	assert_string_equal(csvc_store_principal(f->a), "rita");
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_TICKET_CREATE), 1);
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_CUSTOMER_READ_CONTACTS), 0);
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_CUSTOMER_ERASE), 0);
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_REPORTS_READ), 0);
	/* Refused, naming the call, the person and the permission. */
	csvc_assert_err(csvc_customer_erase(f->a, csvc_customer_id(c), NULL), CSVC_EACCESS);
	const char *msg = csvc_error_last()->message;
	assert_non_null(strstr(msg, "csvc_customer_erase"));
	assert_non_null(strstr(msg, "rita"));
	assert_non_null(strstr(msg, "customer_erase"));

	/* Roles are read when the principal is set: a role taken away counts
	 * from the next csvc_store_set_principal. */
	csvc_assert_ok(csvc_staff_get(f->t, "rita", &st));
	csvc_assert_ok(csvc_staff_remove_role(st, "receptionist"));
	csvc_assert_ok(csvc_staff_add_role(st, "guide"));
	csvc_assert_ok(csvc_staff_update(f->t, st, "setup"));
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_CUSTOMER_WRITE), 1);
	csvc_assert_ok(csvc_store_set_principal(f->a, "rita"));
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_CUSTOMER_WRITE), 0);
	/* An inactive role grants nothing. */
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_get(f->t, "guide", &r));
	csvc_assert_ok(csvc_role_set_active(r, 0));
	csvc_assert_ok(csvc_role_update(f->t, r, "setup"));
	csvc_assert_ok(csvc_store_set_principal(f->a, "rita"));
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_TICKET_CREATE), 0);
	csvc_assert_ok(csvc_role_set_active(r, 1));
	csvc_assert_ok(csvc_role_update(f->t, r, "setup"));
	csvc_role_free(r);
	csvc_assert_ok(csvc_staff_remove_role(st, "guide"));
	csvc_assert_ok(csvc_staff_add_role(st, "receptionist"));
	csvc_assert_ok(csvc_staff_update(f->t, st, "setup"));
	csvc_staff_free(st);
	csvc_customer_free(c);
}

static void test_actor(void **state)
{
	fixture *f = *state;
	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	/* NULL records the principal; the principal's own code is the same. */
	csvc_ticket *t = ticket(f->a, "SH01", NULL);
	char *actor = last_actor(f->a, csvc_ticket_id(t));
	assert_string_equal(actor, "alice");
	free(actor);
	int64_t rev = csvc_ticket_revision(t);
	csvc_assert_ok(csvc_ticket_transition(f->a, csvc_ticket_id(t), "analyse", rev, "alice", NULL, &rev));
	/* Nobody writes in another person's name: refused, nothing written. */
	char *before = csvc_test_dump_at(f->path);
	csvc_assert_err(csvc_ticket_transition(f->a, csvc_ticket_id(t), "handle", rev, "bob", NULL, NULL), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "bob"));
	csvc_comment cm = CSVC_COMMENT_INIT;
	cm.kind = CSVC_COMMENT_NOTE;
	cm.body = "x";
	cm.actor = "bob";
	csvc_assert_err(csvc_ticket_comment(f->a, csvc_ticket_id(t), &cm, NULL), CSVC_EACCESS);
	csvc_customer *c = NULL;
	csvc_assert_ok(csvc_customer_new(&c));
	csvc_assert_ok(csvc_customer_set_name(c, "李四"));
	csvc_assert_err(csvc_customer_create(f->a, c, "bob"), CSVC_EACCESS);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	csvc_customer_free(c);
	csvc_ticket_free(t);
}

static void test_scope_tickets(void **state)
{
	fixture *f = *state;
	csvc_ticket *own = ticket(f->t, "SH01", "setup");
	csvc_ticket *other = ticket(f->t, "SH02", "setup");
	int64_t sh01 = count_tickets(f->t, "SH01"), sh02 = count_tickets(f->t, "SH02");
	assert_true(sh01 >= 1 && sh02 >= 1);

	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	csvc_ticket *got = NULL;
	csvc_assert_ok(csvc_ticket_get(f->a, csvc_ticket_id(own), &got));
	csvc_ticket_free(got);
	got = NULL;
	/* Another store's ticket: neither read nor changed nor linked. */
	char *before = csvc_test_dump_at(f->path);
	csvc_assert_err(csvc_ticket_get(f->a, csvc_ticket_id(other), &got), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "SH02"));
	assert_null(got);
	csvc_assert_err(csvc_ticket_get_by_number(f->a, csvc_ticket_number(other), &got), CSVC_EACCESS);
	csvc_assert_err(csvc_ticket_transition(f->a, csvc_ticket_id(other), "analyse", 0, NULL, NULL, NULL),
	                CSVC_EACCESS);
	csvc_assert_err(csvc_ticket_link(f->a, csvc_ticket_id(own), csvc_ticket_id(other), CSVC_LINK_RELATED, NULL),
	                CSVC_EACCESS);
	csvc_event_iter *hist = NULL;
	csvc_assert_err(csvc_ticket_history_new(f->a, csvc_ticket_id(other), &hist), CSVC_EACCESS);
	csvc_sla_iter *targets = NULL;
	csvc_assert_err(csvc_sla_ticket_targets(f->a, csvc_ticket_id(other), &targets), CSVC_EACCESS);
	csvc_ticket *draft = NULL;
	csvc_assert_ok(csvc_ticket_new(&draft, "complaint", "SH02"));
	csvc_assert_err(csvc_ticket_create(f->a, draft, NULL), CSVC_EACCESS);
	csvc_ticket_free(draft);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* Lists are cut to the principal's store; naming another is refused. */
	assert_int_equal(count_tickets(f->a, NULL), sh01);
	assert_int_equal(count_tickets(f->a, "SH01"), sh01);
	csvc_ticket_query q = CSVC_TICKET_QUERY_INIT;
	q.store_code = "SH02";
	int64_t n = 0;
	csvc_assert_err(csvc_ticket_count(f->a, &q, &n), CSVC_EACCESS);
	csvc_ticket_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_iter_new(f->a, NULL, &it));
	int64_t seen = 0;
	while (csvc_ticket_iter_next(it, &got) == CSVC_OK) {
		assert_string_equal(csvc_ticket_store_code(got), "SH01");
		csvc_ticket_free(got);
		seen++;
	}
	csvc_ticket_iter_free(it);
	assert_int_equal(seen, sh01);

	/* A chain role sees every store. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "hq"));
	assert_int_equal(count_tickets(f->a, NULL), sh01 + sh02);
	csvc_assert_ok(csvc_ticket_get(f->a, csvc_ticket_id(other), &got));
	csvc_ticket_free(got);
	/* A store role without a home store sees no store's tickets. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "drifter"));
	csvc_assert_err(csvc_ticket_count(f->a, NULL, &n), CSVC_EACCESS);
	csvc_assert_err(csvc_ticket_get(f->a, csvc_ticket_id(own), &got), CSVC_EACCESS);
	csvc_ticket_free(own);
	csvc_ticket_free(other);
}

static void test_scope_customers(void **state)
{
	fixture *f = *state;
	csvc_customer *c1 = customer(f->t, "王五", "SH01", NULL, NULL);
	csvc_customer *c2 = customer(f->t, "赵六", "SH02", "13900139000", NULL);
	csvc_customer *c3 = customer(f->t, "孙七", NULL, NULL, NULL);
	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	csvc_customer *got = NULL;
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c1), &got));
	csvc_customer_free(got);
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c3), &got)); /* the chain's */
	csvc_customer_free(got);
	got = NULL;
	csvc_assert_err(csvc_customer_get(f->a, csvc_customer_id(c2), &got), CSVC_EACCESS);
	assert_null(got);
	csvc_assert_err(csvc_customer_find_by_phone(f->a, "13900139000", &got), CSVC_EACCESS);
	char *before = csvc_test_dump_at(f->path);
	csvc_customer *copy = NULL;
	csvc_assert_ok(csvc_customer_get(f->t, csvc_customer_id(c2), &copy));
	csvc_assert_ok(csvc_customer_set_name(copy, "改名"));
	csvc_assert_err(csvc_customer_update(f->a, copy, NULL), CSVC_EACCESS);
	csvc_customer_free(copy);
	/* Moving one's own customer to another store is refused too. */
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c1), &copy));
	csvc_assert_ok(csvc_customer_set_home_store(copy, "SH02"));
	csvc_assert_err(csvc_customer_update(f->a, copy, NULL), CSVC_EACCESS);
	csvc_customer_free(copy);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* Lists: the principal's store's customers and the chain's. */
	csvc_customer_iter *it = NULL;
	csvc_assert_ok(csvc_customer_iter_new(f->a, NULL, &it));
	int seen1 = 0, seen3 = 0;
	while (csvc_customer_iter_next(it, &got) == CSVC_OK) {
		const char *home = csvc_customer_home_store(got);
		assert_true(!home || strcmp(home, "SH01") == 0);
		seen1 += csvc_uuid_equal(csvc_customer_id(got), csvc_customer_id(c1));
		seen3 += csvc_uuid_equal(csvc_customer_id(got), csvc_customer_id(c3));
		csvc_customer_free(got);
	}
	csvc_customer_iter_free(it);
	assert_int_equal(seen1, 1);
	assert_int_equal(seen3, 1);
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.home_store = "SH02";
	int64_t n = 0;
	csvc_assert_err(csvc_customer_count(f->a, &q, &n), CSVC_EACCESS);
	int64_t all = 0, mine = 0;
	csvc_assert_ok(csvc_customer_count(f->t, NULL, &all));
	csvc_assert_ok(csvc_customer_count(f->a, NULL, &mine));
	assert_true(mine < all);
	/* A store role without a home store: only the chain's customers. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "drifter"));
	csvc_assert_err(csvc_customer_get(f->a, csvc_customer_id(c1), &got), CSVC_EACCESS);
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c3), &got));
	csvc_customer_free(got);
	csvc_customer_free(c1);
	csvc_customer_free(c2);
	csvc_customer_free(c3);
}

static void test_masking(void **state)
{
	fixture *f = *state;
	csvc_customer *c = customer(f->t, "周八", "SH01", "138 0013 8000", "zhou.ba@example.com");
	csvc_assert_ok(csvc_customer_add_phone(c, "+852 9123 4567"));
	csvc_assert_ok(csvc_customer_update(f->t, c, "setup"));
	char *before = csvc_test_dump_at(f->path);

	csvc_assert_ok(csvc_store_set_principal(f->a, "rita"));
	csvc_customer *got = NULL;
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c), &got));
	assert_int_equal(csvc_customer_masked(got), 1);
	assert_string_equal(csvc_customer_name(got), "周八");
	assert_string_equal(csvc_customer_phone(got, 0), "138****8000");
	assert_string_equal(csvc_customer_phone(got, 1), "+852****4567");
	assert_string_equal(csvc_customer_email(got, 0), "z***@example.com");
	/* A copy is masked too, and neither can be saved. */
	csvc_customer *dup = NULL;
	csvc_assert_ok(csvc_customer_dup(got, &dup));
	assert_int_equal(csvc_customer_masked(dup), 1);
	csvc_assert_ok(csvc_customer_set_name(dup, "周八八"));
	csvc_assert_err(csvc_customer_update(f->a, dup, NULL), CSVC_EACCESS);
	csvc_assert_err(csvc_customer_update(f->a, got, NULL), CSVC_EACCESS);
	csvc_customer_free(dup);
	csvc_customer_free(got);
	/* The finds search the real contacts and show them masked. */
	csvc_assert_ok(csvc_customer_find_by_phone(f->a, "13800138000", &got));
	assert_true(csvc_uuid_equal(csvc_customer_id(got), csvc_customer_id(c)));
	assert_string_equal(csvc_customer_phone(got, 0), "138****8000");
	csvc_customer_free(got);
	csvc_assert_ok(csvc_customer_find_by_email(f->a, "ZHOU.BA@example.com", &got));
	assert_string_equal(csvc_customer_email(got, 0), "z***@example.com");
	csvc_customer_free(got);
	csvc_customer_query q = CSVC_CUSTOMER_QUERY_INIT;
	q.phone = "13800138000";
	csvc_customer_iter *it = NULL;
	csvc_assert_ok(csvc_customer_iter_new(f->a, &q, &it));
	csvc_assert_ok(csvc_customer_iter_next(it, &got));
	assert_int_equal(csvc_customer_masked(got), 1);
	assert_string_equal(csvc_customer_phone(got, 0), "138****8000");
	csvc_customer_free(got);
	csvc_customer_iter_free(it);
	char *after = csvc_test_dump_at(f->path);
	assert_string_equal(before, after);
	free(after);

	/* With the right to read contacts, nothing is masked. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "alice"));
	csvc_assert_ok(csvc_customer_get(f->a, csvc_customer_id(c), &got));
	assert_int_equal(csvc_customer_masked(got), 0);
	assert_string_equal(csvc_customer_phone(got, 0), "138 0013 8000");
	assert_string_equal(csvc_customer_email(got, 0), "zhou.ba@example.com");
	csvc_assert_ok(csvc_customer_set_name(got, "周八八"));
	csvc_assert_ok(csvc_customer_update(f->a, got, NULL));
	csvc_customer_free(got);
	/* Nor in trusted mode. */
	csvc_assert_ok(csvc_customer_get(f->t, csvc_customer_id(c), &got));
	assert_int_equal(csvc_customer_masked(got), 0);
	csvc_customer_free(got);
	free(before);
	csvc_customer_free(c);
}

static void test_reports_scope(void **state)
{
	fixture *f = *state;
	csvc_ticket_free(ticket(f->t, "SH01", "setup"));
	csvc_ticket_free(ticket(f->t, "SH02", "setup"));
	csvc_report_query q;
	csvc_assert_ok(csvc_report_query_init(&q, CSVC_REPORT_QUERY_VERSION));
	q.from = T0 - HOUR;
	q.to = T0 + 24 * HOUR;
	q.group_by = CSVC_REPORT_BY_STORE;
	csvc_report *r = NULL;
	csvc_assert_ok(csvc_store_set_principal(f->a, "rita"));
	csvc_assert_err(csvc_report_kpis(f->a, &q, &r), CSVC_EACCESS);
	/* A store's supervisor: that store's rows, not another's. */
	csvc_assert_ok(csvc_store_set_principal(f->a, "sam"));
	csvc_assert_ok(csvc_report_kpis(f->a, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 1);
	assert_string_equal(csvc_report_key(r, 0), "SH01");
	csvc_report_free(r);
	q.store_code = "SH02";
	csvc_assert_err(csvc_report_kpis(f->a, &q, &r), CSVC_EACCESS);
	csvc_report_dashboard_options d;
	csvc_assert_ok(csvc_report_dashboard_options_init(&d, CSVC_REPORT_DASHBOARD_OPTIONS_VERSION));
	d.from = q.from;
	d.to = q.to;
	d.store_code = "SH02";
	char *html = NULL;
	csvc_assert_err(csvc_report_dashboard_html(f->a, &d, &html), CSVC_EACCESS);
	d.store_code = NULL;
	csvc_assert_ok(csvc_report_dashboard_html(f->a, &d, &html));
	csvc_free(html);
	/* Head office: every store. */
	q.store_code = NULL;
	csvc_assert_ok(csvc_store_set_principal(f->a, "hq"));
	csvc_assert_ok(csvc_report_kpis(f->a, &q, &r));
	assert_int_equal(csvc_report_row_count(r), 2);
	csvc_report_free(r);
	csvc_assert_ok(csvc_store_set_principal(f->a, "drifter"));
	csvc_assert_err(csvc_report_kpis(f->a, &q, &r), CSVC_EACCESS);
}

/* The SLA engine's escalations are the library's acts: they run, named
 * "sla", whatever the roles of the principal whose call caught up with
 * the alarm (here one who may not assign tickets). */
static void test_escalation_is_the_library(void **state)
{
	fixture *f = *state;
	csvc_sla_policy *p = NULL;
	size_t i;
	csvc_assert_ok(csvc_sla_policy_new(&p, "access_escalation", 0));
	csvc_assert_ok(csvc_sla_policy_match_kind(p, "complaint"));
	csvc_assert_ok(csvc_sla_policy_add_target(p, "answer", HOUR, CSVC_SLA_CALENDAR_24X7, NULL, &i));
	csvc_assert_ok(csvc_sla_target_met_by_category(p, i, CSVC_STATE_RESOLVED));
	csvc_assert_ok(csvc_sla_target_warn_at(p, i, 50));
	csvc_assert_ok(csvc_sla_target_escalate(
		p, i, &(csvc_sla_escalation){CSVC_SLA_ESCALATION_VERSION, 50, CSVC_SLA_ASSIGN, 0, "lead", "complaints", NULL}));
	csvc_assert_ok(csvc_sla_policy_save(f->t, p, NULL));
	csvc_sla_policy_free(p);
	csvc_ticket *t = ticket(f->t, "SH01", "setup");
	csvc_assert_ok(csvc_store_set_principal(f->a, "admin"));
	assert_int_equal(csvc_store_allows(f->a, CSVC_PERM_TICKET_ASSIGN), 0);
	csvc_assert_err(csvc_ticket_assign(f->a, csvc_ticket_id(t), "x", NULL, 0, NULL, NULL), CSVC_EACCESS);
	int64_t n = 0;
	csvc_assert_ok(csvc_sla_advance(f->a, now_cell + 2 * HOUR, NULL, NULL, &n));
	assert_true(n >= 1);
	csvc_ticket *got = NULL;
	csvc_assert_ok(csvc_ticket_get(f->t, csvc_ticket_id(t), &got));
	assert_string_equal(csvc_ticket_assignee(got), "lead");
	csvc_ticket_free(got);
	csvc_event_iter *it = NULL;
	csvc_assert_ok(csvc_ticket_history_new(f->t, csvc_ticket_id(t), &it));
	csvc_event *ev = NULL;
	int assigned = 0;
	while (csvc_ticket_history_next(it, &ev) == CSVC_OK) {
		if (strcmp(csvc_event_type(ev), "assigned") == 0) {
			assert_string_equal(csvc_event_actor(ev), "sla");
			assigned++;
		}
		csvc_event_free(ev);
	}
	csvc_ticket_history_free(it);
	assert_int_equal(assigned, 1);
	/* The principal's own calls are checked again afterwards. */
	csvc_assert_err(csvc_ticket_assign(f->a, csvc_ticket_id(t), "x", NULL, 0, NULL, NULL), CSVC_EACCESS);
	csvc_ticket_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trusted_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_principal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_tickets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_customers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalation_is_the_library, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
