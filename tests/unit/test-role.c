/*
 * Roles and access control: role values and their checks, saving and
 * reading roles, revisions and feed entries, the handbook's roles, the
 * roles on staff records, and the checks a store opened with
 * CSVC_OPEN_ACCESS_CONTROL runs on the role, staff and team calls.
 */
#include <stdlib.h>
#include <string.h>

#include "access/access-internal.h"
#include "csvc-test.h"
#include "store-sql.h"

#define T0 ((csvc_time_us)1767225600 * CSVC_SECOND_US) /* 2026-01-01T00:00:00Z */

static csvc_time_us now_cell;

static csvc_store *open_store(void)
{
	now_cell = T0;
	return csvc_test_store(&now_cell);
}

static int64_t sql_int(csvc_store *s, const char *sql)
{
	return csvc_test_sql_int(s, sql);
}

static int64_t feed_head(csvc_store *s)
{
	int64_t h = -1;
	csvc_assert_ok(csvc_feed_head(s, &h));
	return h;
}

/* The types of the feed entries after position `from`, space-separated. */
static void feed_types(csvc_store *s, int64_t from, char *out, size_t size)
{
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, from, CSVC_FEED_MAX_BATCH, &it));
	const csvc_feed_entry *e;
	out[0] = '\0';
	while (csvc_feed_iter_next(it, &e) == CSVC_OK) {
		if (out[0])
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, csvc_feed_entry_type(e), size - strlen(out) - 1);
	}
	csvc_feed_iter_free(it);
}

/* The one feed entry after `from`: its reference, actor and payload
 * ("" for none), each into a buffer of 256 bytes. */
static void feed_last(csvc_store *s, int64_t from, char *type, char *ref, char *actor, char *payload)
{
	csvc_feed_iter *it = NULL;
	csvc_assert_ok(csvc_feed_after(s, from, CSVC_FEED_MAX_BATCH, &it));
	const csvc_feed_entry *e = NULL;
	int n = 0;
	const csvc_feed_entry *x;
	while (csvc_feed_iter_next(it, &x) == CSVC_OK) {
		e = x;
		n++;
		snprintf(type, 256, "%s", csvc_feed_entry_type(e));
		snprintf(ref, 256, "%s", csvc_feed_entry_reference(e) ? csvc_feed_entry_reference(e) : "");
		snprintf(actor, 256, "%s", csvc_feed_entry_actor(e) ? csvc_feed_entry_actor(e) : "");
		snprintf(payload, 256, "%s", csvc_feed_entry_payload(e) ? csvc_feed_entry_payload(e) : "");
	}
	csvc_feed_iter_free(it);
	assert_int_equal(n, 1);
}

/* The permissions, as a test writes them: a list ending in 0. */
static uint32_t mask_of(const int *perms)
{
	uint32_t m = 0;
	for (; *perms; perms++)
		m |= (uint32_t)1 << *perms;
	return m;
}

/* The role grants exactly the permissions of `perms` (0-terminated). */
static void assert_role_perms(const csvc_role *r, const int *perms)
{
	uint32_t want = mask_of(perms);
	for (int p = 1; p <= CSVC_PERM_MAX; p++) {
		int expect = (want >> p) & 1;
		if (csvc_role_allows(r, (csvc_permission_t)p) != expect)
			print_error("role %s, permission %s: %d, expected %d\n", csvc_role_code(r),
			            csvc_enum_name(CSVC_ENUM_PERMISSION, p), !expect, expect);
		assert_int_equal(csvc_role_allows(r, (csvc_permission_t)p), expect);
	}
}

/* The store allows exactly the permissions of `perms` (0-terminated). */
static void assert_store_allows(csvc_store *s, const int *perms)
{
	uint32_t want = mask_of(perms);
	for (int p = 1; p <= CSVC_PERM_MAX; p++) {
		int expect = (want >> p) & 1;
		if (csvc_store_allows(s, (csvc_permission_t)p) != expect)
			print_error("principal %s, permission %s: %d, expected %d\n", csvc_store_principal(s),
			            csvc_enum_name(CSVC_ENUM_PERMISSION, p), !expect, expect);
		assert_int_equal(csvc_store_allows(s, (csvc_permission_t)p), expect);
	}
}

static csvc_role *make_role(csvc_store *s, const char *code, csvc_role_scope_t scope, const int *perms, int active)
{
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, code, code, scope));
	for (; *perms; perms++)
		csvc_assert_ok(csvc_role_grant(r, (csvc_permission_t)*perms));
	csvc_assert_ok(csvc_role_set_active(r, active));
	csvc_assert_ok(csvc_role_create(s, r, "setup"));
	return r;
}

/* ---- values ---- */

static void test_role_values(void **state)
{
	(void)state;
	csvc_role *r = NULL;
	csvc_assert_err(csvc_role_new(NULL, "a", "A", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, NULL, "A", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "a", NULL, CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "Front Desk", "A", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "前台", "A", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "", "A", CSVC_ROLE_SCOPE_STORE), CSVC_ERANGE);
	csvc_assert_err(csvc_role_new(&r, "a", "A", (csvc_role_scope_t)0), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "a", "A", (csvc_role_scope_t)3), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "a", "", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "a", "bad \xC3\x28", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	csvc_assert_err(csvc_role_new(&r, "a", "two\nlines", CSVC_ROLE_SCOPE_STORE), CSVC_EINVAL);
	char code[CSVC_ROLE_MAX_CODE + 2];
	memset(code, 'a', sizeof(code) - 1);
	code[sizeof(code) - 1] = '\0';
	csvc_assert_err(csvc_role_new(&r, code, "A", CSVC_ROLE_SCOPE_STORE), CSVC_ERANGE);
	char name[CSVC_ROLE_MAX_NAME + 2];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	csvc_assert_err(csvc_role_new(&r, "a", name, CSVC_ROLE_SCOPE_STORE), CSVC_ERANGE);
	assert_null(r);
	code[CSVC_ROLE_MAX_CODE] = '\0';
	name[CSVC_ROLE_MAX_NAME] = '\0';
	csvc_assert_ok(csvc_role_new(&r, code, name, CSVC_ROLE_SCOPE_CHAIN));
	csvc_role_free(r);
	csvc_role_free(NULL);

	csvc_assert_ok(csvc_role_new(&r, "front.desk-2", "前台接待", CSVC_ROLE_SCOPE_STORE));
	assert_string_equal(csvc_role_code(r), "front.desk-2");
	assert_string_equal(csvc_role_name(r), "前台接待");
	assert_int_equal(csvc_role_scope(r), CSVC_ROLE_SCOPE_STORE);
	assert_int_equal(csvc_role_active(r), 1);
	assert_int_equal(csvc_role_revision(r), 0);
	for (int p = 0; p <= CSVC_PERM_MAX + 1; p++)
		assert_int_equal(csvc_role_allows(r, (csvc_permission_t)p), 0);

	/* Permissions: known ones only; granting twice, revoking one it lacks
	 * are no-ops. */
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_STORE_MAINTAIN));
	csvc_assert_ok(csvc_role_revoke(r, CSVC_PERM_AUDIT_READ));
	csvc_assert_err(csvc_role_grant(r, (csvc_permission_t)0), CSVC_EINVAL);
	csvc_assert_err(csvc_role_grant(r, (csvc_permission_t)(CSVC_PERM_MAX + 1)), CSVC_EINVAL);
	csvc_assert_err(csvc_role_revoke(r, (csvc_permission_t)-1), CSVC_EINVAL);
	csvc_assert_err(csvc_role_grant(NULL, CSVC_PERM_TICKET_READ), CSVC_EINVAL);
	assert_role_perms(r, (const int[]){CSVC_PERM_TICKET_READ, CSVC_PERM_STORE_MAINTAIN, 0});
	csvc_assert_ok(csvc_role_revoke(r, CSVC_PERM_TICKET_READ));
	assert_role_perms(r, (const int[]){CSVC_PERM_STORE_MAINTAIN, 0});
	assert_int_equal(csvc_role_allows(r, (csvc_permission_t)(CSVC_PERM_MAX + 1)), 0);

	/* Setters leave the role as it was on failure. */
	csvc_assert_err(csvc_role_set_name(r, ""), CSVC_EINVAL);
	csvc_assert_err(csvc_role_set_name(r, "bad \xC3\x28"), CSVC_EINVAL);
	csvc_assert_err(csvc_role_set_name(r, "x\x01"), CSVC_EINVAL);
	name[CSVC_ROLE_MAX_NAME] = 'n';
	csvc_assert_err(csvc_role_set_name(r, name), CSVC_ERANGE);
	assert_string_equal(csvc_role_name(r), "前台接待");
	csvc_assert_ok(csvc_role_set_name(r, "前台"));
	assert_string_equal(csvc_role_name(r), "前台");
	csvc_assert_err(csvc_role_set_scope(r, (csvc_role_scope_t)9), CSVC_EINVAL);
	assert_int_equal(csvc_role_scope(r), CSVC_ROLE_SCOPE_STORE);
	csvc_assert_ok(csvc_role_set_scope(r, CSVC_ROLE_SCOPE_CHAIN));
	assert_int_equal(csvc_role_scope(r), CSVC_ROLE_SCOPE_CHAIN);
	csvc_assert_ok(csvc_role_set_active(r, 7));
	assert_int_equal(csvc_role_active(r), 1);
	csvc_assert_ok(csvc_role_set_active(r, 0));
	assert_int_equal(csvc_role_active(r), 0);
	csvc_assert_err(csvc_role_set_active(NULL, 0), CSVC_EINVAL);
	csvc_role_free(r);

	assert_null(csvc_role_code(NULL));
	assert_null(csvc_role_name(NULL));
	assert_int_equal(csvc_role_scope(NULL), 0);
	assert_int_equal(csvc_role_active(NULL), 0);
	assert_int_equal(csvc_role_revision(NULL), 0);
	assert_int_equal(csvc_role_allows(NULL, CSVC_PERM_TICKET_READ), 0);
}

/* ---- in the store ---- */

static void test_create_get_update_list(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "floor_lead", "楼面主管", CSVC_ROLE_SCOPE_STORE));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_ASSIGN));
	int64_t head = feed_head(s);
	now_cell = T0 + 5 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_role_create(s, r, "admin"));
	assert_int_equal(csvc_role_revision(r), 1);
	char type[256], ref[256], actor[256], payload[256];
	feed_last(s, head, type, ref, actor, payload);
	assert_string_equal(type, "role_created");
	assert_string_equal(ref, "floor_lead");
	assert_string_equal(actor, "admin");
	assert_string_equal(payload, "{\"kind\":\"role\",\"scope\":\"store\"}");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM feed_records WHERE type = 'role_created'"
	                            " AND subject_kind = 'definition'"),
	                 1);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM role_permissions"), 2);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM role_permissions p JOIN roles r ON r.id = p.role_id"
	                            " WHERE r.code = 'floor_lead' AND p.permission IN (8, 12)"),
	                 2);
	csvc_assert_err(csvc_role_create(s, r, NULL), CSVC_EINVAL); /* saved already */

	csvc_role *g = NULL;
	csvc_assert_ok(csvc_role_get(s, "floor_lead", &g));
	assert_string_equal(csvc_role_code(g), "floor_lead");
	assert_string_equal(csvc_role_name(g), "楼面主管");
	assert_int_equal(csvc_role_scope(g), CSVC_ROLE_SCOPE_STORE);
	assert_int_equal(csvc_role_active(g), 1);
	assert_int_equal(csvc_role_revision(g), 1);
	assert_role_perms(g, (const int[]){CSVC_PERM_TICKET_READ, CSVC_PERM_TICKET_ASSIGN, 0});
	csvc_role *none = NULL;
	csvc_assert_err(csvc_role_get(s, "nobody", &none), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "nobody"));
	csvc_assert_err(csvc_role_get(s, "No Body", &none), CSVC_EINVAL);
	csvc_assert_err(csvc_role_get(s, "", &none), CSVC_ERANGE);
	assert_null(none);

	/* An update that changes nothing writes nothing. */
	head = feed_head(s);
	int64_t changes = csvc_test_total_changes(s);
	csvc_assert_ok(csvc_role_grant(g, CSVC_PERM_TICKET_READ));
	csvc_assert_ok(csvc_role_update(s, g, "admin"));
	assert_int_equal(csvc_role_revision(g), 1);
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);

	/* A change: a new revision, a role_updated entry naming the fields. */
	now_cell = T0 + 60 * CSVC_SECOND_US;
	csvc_assert_ok(csvc_role_set_name(g, "楼面经理"));
	csvc_assert_ok(csvc_role_revoke(g, CSVC_PERM_TICKET_ASSIGN));
	csvc_assert_ok(csvc_role_grant(g, CSVC_PERM_REPORTS_READ));
	csvc_assert_ok(csvc_role_set_scope(g, CSVC_ROLE_SCOPE_CHAIN));
	csvc_assert_ok(csvc_role_update(s, g, "admin"));
	assert_int_equal(csvc_role_revision(g), 2);
	feed_last(s, head, type, ref, actor, payload);
	assert_string_equal(type, "role_updated");
	assert_string_equal(ref, "floor_lead");
	assert_string_equal(payload, "{\"kind\":\"role\",\"scope\":\"chain\",\"fields\":[\"name\",\"scope\",\"permissions\"]}");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM role_permissions"), 2);
	assert_int_equal(sql_int(s, "SELECT updated_us FROM roles WHERE code = 'floor_lead'"),
	                 T0 + 60 * CSVC_SECOND_US);
	assert_int_equal(sql_int(s, "SELECT created_us FROM roles WHERE code = 'floor_lead'"),
	                 T0 + 5 * CSVC_SECOND_US);

	/* The stale copy conflicts and changes nothing. */
	head = feed_head(s);
	changes = csvc_test_total_changes(s);
	csvc_assert_ok(csvc_role_set_active(r, 0));
	csvc_assert_err(csvc_role_update(s, r, NULL), CSVC_ECONFLICT);
	assert_int_equal(csvc_role_revision(r), 1);
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);
	csvc_role_free(r);

	/* Deactivating: the active field only. */
	csvc_assert_ok(csvc_role_set_active(g, 0));
	csvc_assert_ok(csvc_role_update(s, g, NULL));
	feed_last(s, head, type, ref, actor, payload);
	assert_string_equal(payload, "{\"kind\":\"role\",\"scope\":\"chain\",\"fields\":[\"active\"]}");
	assert_string_equal(actor, "");
	csvc_role_free(g);
	csvc_assert_ok(csvc_role_get(s, "floor_lead", &g));
	assert_int_equal(csvc_role_active(g), 0);
	assert_int_equal(csvc_role_scope(g), CSVC_ROLE_SCOPE_CHAIN);
	assert_int_equal(csvc_role_revision(g), 3);
	assert_string_equal(csvc_role_name(g), "楼面经理");
	assert_role_perms(g, (const int[]){CSVC_PERM_TICKET_READ, CSVC_PERM_REPORTS_READ, 0});
	csvc_role_free(g);

	/* Refusals write nothing: a taken code, a draft update, bad actors. */
	head = feed_head(s);
	changes = csvc_test_total_changes(s);
	csvc_assert_ok(csvc_role_new(&r, "floor_lead", "x", CSVC_ROLE_SCOPE_CHAIN));
	csvc_assert_err(csvc_role_create(s, r, NULL), CSVC_EEXISTS);
	assert_non_null(strstr(csvc_error_last()->message, "floor_lead"));
	assert_int_equal(csvc_role_revision(r), 0);
	csvc_assert_err(csvc_role_update(s, r, NULL), CSVC_EINVAL);
	csvc_role_free(r);
	csvc_assert_ok(csvc_role_new(&r, "other", "x", CSVC_ROLE_SCOPE_CHAIN));
	csvc_assert_err(csvc_role_create(s, r, ""), CSVC_EINVAL);
	csvc_assert_err(csvc_role_create(s, r, "bad \xC3\x28"), CSVC_EINVAL);
	char big[CSVC_STAFF_MAX_ACTOR + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	csvc_assert_err(csvc_role_create(s, r, big), CSVC_ERANGE);
	csvc_assert_err(csvc_role_create(NULL, r, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_role_create(s, NULL, NULL), CSVC_EINVAL);
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM roles"), 1);
	big[CSVC_STAFF_MAX_ACTOR] = '\0';
	csvc_assert_ok(csvc_role_create(s, r, big));
	csvc_role_free(r);

	/* A role this store does not have. */
	csvc_store *elsewhere = open_store();
	csvc_assert_ok(csvc_role_get(s, "other", &r));
	csvc_assert_ok(csvc_role_set_name(r, "y"));
	csvc_assert_err(csvc_role_update(elsewhere, r, NULL), CSVC_ENOTFOUND);
	csvc_role_free(r);
	csvc_store_close(elsewhere);

	/* The list, in creation order. */
	csvc_role **roles = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_role_list(s, &roles, &n));
	assert_int_equal(n, 2);
	assert_string_equal(csvc_role_code(roles[0]), "floor_lead");
	assert_role_perms(roles[0], (const int[]){CSVC_PERM_TICKET_READ, CSVC_PERM_REPORTS_READ, 0});
	assert_string_equal(csvc_role_code(roles[1]), "other");
	assert_role_perms(roles[1], (const int[]){0});
	csvc_role_list_free(roles, n);
	csvc_role_list_free(NULL, 0);
	csvc_assert_err(csvc_role_list(s, NULL, &n), CSVC_EINVAL);
	csvc_assert_err(csvc_role_list(s, &roles, NULL), CSVC_EINVAL);

	/* Roles are never deleted. */
	assert_true(csvc_test_sql_exec(s, "DELETE FROM roles WHERE code = 'other'") != 0);
	csvc_store_close(s);

	/* An empty store lists no role. */
	s = open_store();
	roles = NULL;
	csvc_assert_ok(csvc_role_list(s, &roles, &n));
	assert_int_equal(n, 0);
	assert_non_null(roles);
	csvc_role_list_free(roles, n);
	csvc_store_close(s);
}

/* The handbook's roles, written out here from the handbook (not read
 * from the library's table). */
#define CRC CSVC_PERM_CUSTOMER_READ_CONTACTS
#define CRP CSVC_PERM_CUSTOMER_READ_PROFILE
#define CS CSVC_PERM_CUSTOMER_SEARCH
#define CX CSVC_PERM_CUSTOMER_EXPORT
#define CM CSVC_PERM_CUSTOMER_MERGE
#define CE CSVC_PERM_CUSTOMER_ERASE
#define CW CSVC_PERM_CUSTOMER_WRITE
#define TR CSVC_PERM_TICKET_READ
#define TC CSVC_PERM_TICKET_CREATE
#define TU CSVC_PERM_TICKET_UPDATE
#define TT CSVC_PERM_TICKET_TRANSITION
#define TA CSVC_PERM_TICKET_ASSIGN
#define DM CSVC_PERM_DEFINITIONS_MANAGE
#define SM CSVC_PERM_STAFF_MANAGE
#define RR CSVC_PERM_REPORTS_READ
#define AR CSVC_PERM_AUDIT_READ
#define SR CSVC_PERM_SURVEY_RECORD
#define MT CSVC_PERM_STORE_MAINTAIN
#define SA CSVC_PERM_STAFF_APPRAISE

static const struct {
	const char *code, *name;
	int scope;
	int perms[20];
} HANDBOOK[] = {
	{"receptionist", "前台接待", CSVC_ROLE_SCOPE_STORE, {CRP, CS, CW, TR, TC, TU, SR, 0}},
	{"cashier", "收银员", CSVC_ROLE_SCOPE_STORE, {CRP, CS, CW, TR, TC, SR, 0}},
	{"guide", "导购", CSVC_ROLE_SCOPE_STORE, {CRP, TR, TC, 0}},
	{"service_agent", "客服专员", CSVC_ROLE_SCOPE_STORE, {CRC, CRP, CS, CW, TR, TC, TU, TT, SR, 0}},
	{"specialist", "投诉处理专员", CSVC_ROLE_SCOPE_STORE, {CRC, CRP, CS, CW, TR, TC, TU, TT, SR, TA, CM, 0}},
	{"supervisor", "客服主管", CSVC_ROLE_SCOPE_STORE, {CRC, CRP, CS, CW, TR, TC, TU, TT, SR, TA, CM, RR, CX, SA, 0}},
	{"security_officer", "安保员", CSVC_ROLE_SCOPE_STORE, {CRP, TR, TC, TU, 0}},
	{"auditor", "审计员", CSVC_ROLE_SCOPE_CHAIN, {CRP, CS, TR, RR, AR, 0}},
	{"data_admin", "数据管理员", CSVC_ROLE_SCOPE_CHAIN, {CRC, CRP, CS, CX, CM, CE, TR, DM, SM, RR, AR, MT, SA, 0}},
};
#define N_HANDBOOK (sizeof(HANDBOOK) / sizeof(HANDBOOK[0]))

static const int RECEPTIONIST[] = {CRP, CS, CW, TR, TC, TU, SR, 0};

static void test_install_defaults(void **state)
{
	(void)state;
	csvc_store *s = open_store();
	int64_t head = feed_head(s);
	csvc_assert_ok(csvc_role_install_defaults(s));
	char types[1024];
	feed_types(s, head, types, sizeof(types));
	assert_string_equal(types, "role_created role_created role_created role_created role_created role_created"
	                           " role_created role_created role_created");
	csvc_role **roles = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_role_list(s, &roles, &n));
	assert_int_equal(n, N_HANDBOOK);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(csvc_role_code(roles[i]), HANDBOOK[i].code);
		assert_string_equal(csvc_role_name(roles[i]), HANDBOOK[i].name);
		assert_int_equal(csvc_role_scope(roles[i]), HANDBOOK[i].scope);
		assert_int_equal(csvc_role_active(roles[i]), 1);
		assert_int_equal(csvc_role_revision(roles[i]), 1);
		assert_role_perms(roles[i], HANDBOOK[i].perms);
	}
	csvc_role_list_free(roles, n);
	/* A few by hand as well. */
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_get(s, "guide", &r));
	assert_true(csvc_role_allows(r, CSVC_PERM_TICKET_CREATE));
	assert_false(csvc_role_allows(r, CSVC_PERM_TICKET_UPDATE));
	assert_false(csvc_role_allows(r, CSVC_PERM_CUSTOMER_SEARCH));
	csvc_role_free(r);
	csvc_assert_ok(csvc_role_get(s, "data_admin", &r));
	assert_int_equal(csvc_role_scope(r), CSVC_ROLE_SCOPE_CHAIN);
	assert_true(csvc_role_allows(r, CSVC_PERM_STAFF_MANAGE));
	assert_false(csvc_role_allows(r, CSVC_PERM_CUSTOMER_WRITE));
	assert_false(csvc_role_allows(r, CSVC_PERM_SURVEY_RECORD));
	csvc_role_free(r);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM role_permissions"), 7 + 6 + 3 + 9 + 11 + 14 + 4 + 5 + 13);

	/* Installing again changes nothing, even after the host's edits. */
	csvc_assert_ok(csvc_role_get(s, "receptionist", &r));
	csvc_assert_ok(csvc_role_set_name(r, "总台"));
	csvc_assert_ok(csvc_role_set_active(r, 0));
	csvc_assert_ok(csvc_role_revoke(r, CSVC_PERM_CUSTOMER_WRITE));
	csvc_assert_ok(csvc_role_update(s, r, "admin"));
	csvc_role_free(r);
	head = feed_head(s);
	int64_t changes = csvc_test_total_changes(s);
	csvc_assert_ok(csvc_role_install_defaults(s));
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);
	csvc_assert_ok(csvc_role_get(s, "receptionist", &r));
	assert_string_equal(csvc_role_name(r), "总台");
	assert_int_equal(csvc_role_active(r), 0);
	assert_false(csvc_role_allows(r, CSVC_PERM_CUSTOMER_WRITE));
	csvc_role_free(r);
	csvc_assert_err(csvc_role_install_defaults(NULL), CSVC_EINVAL);
	csvc_store_close(s);

	/* csvc_store_install_defaults installs them too, once. */
	s = open_store();
	csvc_assert_ok(csvc_store_install_defaults(s));
	csvc_assert_ok(csvc_store_install_defaults(s));
	assert_int_equal(sql_int(s, "SELECT count(*) FROM roles"), N_HANDBOOK);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM feed_records WHERE type = 'role_created'"), N_HANDBOOK);
	csvc_assert_ok(csvc_role_get(s, "receptionist", &r));
	assert_role_perms(r, RECEPTIONIST);
	csvc_role_free(r);
	csvc_store_close(s);
}

/* ---- roles on staff records ---- */

static void test_staff_roles(void **state)
{
	(void)state;
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "wang.fang", "王芳"));
	assert_int_equal(csvc_staff_role_count(st), 0);
	assert_null(csvc_staff_role(st, 0));
	csvc_assert_ok(csvc_staff_add_role(st, "supervisor"));
	csvc_assert_ok(csvc_staff_add_role(st, "cashier"));
	csvc_assert_ok(csvc_staff_add_role(st, "receptionist"));
	csvc_assert_ok(csvc_staff_add_role(st, "cashier"));
	assert_int_equal(csvc_staff_role_count(st), 3);
	assert_string_equal(csvc_staff_role(st, 0), "cashier");
	assert_string_equal(csvc_staff_role(st, 1), "receptionist");
	assert_string_equal(csvc_staff_role(st, 2), "supervisor");
	assert_null(csvc_staff_role(st, 3));
	csvc_assert_err(csvc_staff_add_role(st, "Cashier"), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_add_role(st, ""), CSVC_ERANGE);
	csvc_assert_err(csvc_staff_add_role(st, NULL), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_add_role(NULL, "cashier"), CSVC_EINVAL);
	csvc_assert_err(csvc_staff_remove_role(st, "guide"), CSVC_ENOTFOUND);
	csvc_assert_ok(csvc_staff_remove_role(st, "receptionist"));
	assert_int_equal(csvc_staff_role_count(st), 2);
	assert_string_equal(csvc_staff_role(st, 1), "supervisor");
	for (int i = 0; i < CSVC_STAFF_MAX_ROLES - 2; i++) {
		char code[16];
		snprintf(code, sizeof(code), "r%02d", i);
		csvc_assert_ok(csvc_staff_add_role(st, code));
	}
	csvc_assert_err(csvc_staff_add_role(st, "one_more"), CSVC_ERANGE);
	csvc_assert_ok(csvc_staff_add_role(st, "r00")); /* held already: fine at the limit */
	assert_int_equal(csvc_staff_role_count(st), CSVC_STAFF_MAX_ROLES);
	csvc_staff_free(st);
	assert_int_equal(csvc_staff_role_count(NULL), 0);
	assert_null(csvc_staff_role(NULL, 0));

	csvc_store *s = open_store();
	csvc_assert_ok(csvc_store_install_defaults(s));

	/* An unknown role: nothing written. */
	csvc_assert_ok(csvc_staff_new(&st, "wang.fang", "王芳"));
	csvc_assert_ok(csvc_staff_add_role(st, "receptionist"));
	csvc_assert_ok(csvc_staff_add_role(st, "ghost_role"));
	int64_t head = feed_head(s);
	int64_t changes = csvc_test_total_changes(s);
	csvc_assert_err(csvc_staff_create(s, st, "admin"), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "ghost_role"));
	assert_int_equal(csvc_staff_revision(st), 0);
	assert_true(csvc_uuid_is_nil(csvc_staff_id(st)));
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff"), 0);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_roles"), 0);

	/* Saved with the record, one granted_role event each. */
	csvc_assert_ok(csvc_staff_remove_role(st, "ghost_role"));
	csvc_assert_ok(csvc_staff_add_role(st, "cashier"));
	csvc_assert_ok(csvc_staff_add_team(st, "consult"));
	csvc_assert_ok(csvc_staff_create(s, st, "admin"));
	char types[512];
	feed_types(s, head, types, sizeof(types));
	assert_string_equal(types, "created joined_team granted_role granted_role");
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_roles"), 2);
	char *payload = csvc_test_sql_text(s, "SELECT payload FROM staff_events WHERE type = 'granted_role'"
	                                      " ORDER BY id LIMIT 1");
	assert_string_equal(payload, "{\"role\":\"cashier\"}");
	free(payload);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM feed_records WHERE type = 'granted_role'"
	                            " AND subject_kind = 'staff' AND reference = 'wang.fang' AND actor = 'admin'"),
	                 2);
	csvc_staff *g = NULL;
	csvc_assert_ok(csvc_staff_get(s, "wang.fang", &g));
	assert_int_equal(csvc_staff_role_count(g), 2);
	assert_string_equal(csvc_staff_role(g, 0), "cashier");
	assert_string_equal(csvc_staff_role(g, 1), "receptionist");
	csvc_staff_free(g);

	/* A change of roles alone: a new revision, no `updated` event. */
	csvc_assert_ok(csvc_staff_get(s, "wang.fang", &g));
	csvc_assert_ok(csvc_staff_remove_role(g, "cashier"));
	csvc_assert_ok(csvc_staff_add_role(g, "supervisor"));
	csvc_assert_ok(csvc_staff_add_role(g, "auditor"));
	head = feed_head(s);
	csvc_assert_ok(csvc_staff_update(s, g, "admin"));
	assert_int_equal(csvc_staff_revision(g), 2);
	feed_types(s, head, types, sizeof(types));
	assert_string_equal(types, "revoked_role granted_role granted_role");
	payload = csvc_test_sql_text(s, "SELECT payload FROM staff_events WHERE type = 'revoked_role'");
	assert_string_equal(payload, "{\"role\":\"cashier\"}");
	free(payload);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_roles"), 3);

	/* An update with nothing new writes nothing. */
	head = feed_head(s);
	changes = csvc_test_total_changes(s);
	csvc_assert_ok(csvc_staff_add_role(g, "auditor"));
	csvc_assert_ok(csvc_staff_update(s, g, "admin"));
	assert_int_equal(csvc_staff_revision(g), 2);
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);

	/* An unknown role on update: refused before any write. */
	csvc_assert_ok(csvc_staff_set_name(g, "王芳 (店长)"));
	csvc_assert_ok(csvc_staff_remove_role(g, "auditor"));
	csvc_assert_ok(csvc_staff_add_role(g, "ghost_role"));
	csvc_assert_err(csvc_staff_update(s, g, "admin"), CSVC_ENOTFOUND);
	assert_non_null(strstr(csvc_error_last()->message, "ghost_role"));
	assert_int_equal(csvc_staff_revision(g), 2);
	assert_int_equal(feed_head(s), head);
	assert_int_equal(csvc_test_total_changes(s), changes);
	csvc_staff_free(g);
	csvc_assert_ok(csvc_staff_get(s, "wang.fang", &g));
	assert_string_equal(csvc_staff_name(g), "王芳");
	assert_int_equal(csvc_staff_role_count(g), 3);
	assert_string_equal(csvc_staff_role(g, 0), "auditor");
	assert_string_equal(csvc_staff_role(g, 1), "receptionist");
	assert_string_equal(csvc_staff_role(g, 2), "supervisor");
	csvc_staff_free(g);
	assert_int_equal(sql_int(s, "SELECT count(*) FROM staff_events WHERE type IN ('granted_role', 'revoked_role')"), 5);
	csvc_staff_free(st);
	csvc_store_close(s);
}

/* ---- access checks ---- */

typedef struct two_stores {
	char path[64];
	csvc_store *trusted, *guarded;
} two_stores;

/* A store on a file (a schema on PostgreSQL) opened twice: in trusted
 * mode, and with access control on. */
static void open_two(two_stores *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/csvc-role-XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->path);
	now_cell = T0;
	csvc_store_options o = CSVC_STORE_OPTIONS_INIT;
	o.clock = csvc_test_clock;
	o.clock_userdata = &now_cell;
	csvc_assert_ok(csvc_test_open(&t->trusted, t->path, &o));
	o.flags = CSVC_OPEN_ACCESS_CONTROL;
	csvc_assert_ok(csvc_test_open(&t->guarded, t->path, &o));
}

static void close_two(two_stores *t)
{
	csvc_store_close(t->guarded);
	csvc_store_close(t->trusted);
	unlink(t->path);
	char side[96];
	snprintf(side, sizeof(side), "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", t->path);
	unlink(side);
}

static void add_staff(csvc_store *s, const char *code, const char *home, const char *role, int active)
{
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, code, code));
	if (home)
		csvc_assert_ok(csvc_staff_set_home_store(st, home));
	if (role)
		csvc_assert_ok(csvc_staff_add_role(st, role));
	csvc_assert_ok(csvc_staff_set_active(st, active));
	csvc_assert_ok(csvc_staff_create(s, st, "setup"));
	csvc_staff_free(st);
}

/* The rows and revisions of the directory, summed up: any write changes
 * it. */
static const char DIRECTORY[] = "SELECT (SELECT count(*) + sum(revision) FROM staff)"
	" + 1000 * (SELECT count(*) + sum(revision) FROM roles)"
	" + 1000000 * (SELECT count(*) + sum(revision) FROM teams)"
	" + 1000000000 * (SELECT count(*) FROM staff_roles)";

/* Every role, staff and team call that `s` refuses: CSVC_EACCESS, and
 * nothing written. */
static void assert_all_refused(csvc_store *s, csvc_store *trusted, int reads_too)
{
	int64_t head = feed_head(trusted);
	int64_t before = sql_int(trusted, DIRECTORY);
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "new_role", "新角色", CSVC_ROLE_SCOPE_STORE));
	csvc_assert_err(csvc_role_create(s, r, NULL), CSVC_EACCESS);
	csvc_role_free(r);
	csvc_assert_ok(csvc_role_get(trusted, "guide", &r));
	csvc_assert_ok(csvc_role_set_name(r, "导购员"));
	csvc_assert_err(csvc_role_update(s, r, NULL), CSVC_EACCESS);
	assert_int_equal(csvc_role_revision(r), 1);
	csvc_role_free(r);
	csvc_assert_err(csvc_role_install_defaults(s), CSVC_EACCESS);
	csvc_assert_err(csvc_team_install_defaults(s), CSVC_EACCESS);
	csvc_assert_err(csvc_store_install_defaults(s), CSVC_EACCESS);

	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "newcomer", "新人"));
	csvc_assert_err(csvc_staff_create(s, st, NULL), CSVC_EACCESS);
	assert_int_equal(csvc_staff_revision(st), 0);
	csvc_staff_free(st);
	csvc_assert_ok(csvc_staff_get(trusted, "rec", &st));
	csvc_assert_ok(csvc_staff_add_role(st, "data_admin"));
	csvc_assert_ok(csvc_staff_set_name(st, "改名"));
	int64_t revision = csvc_staff_revision(st);
	csvc_assert_err(csvc_staff_update(s, st, NULL), CSVC_EACCESS);
	assert_int_equal(csvc_staff_revision(st), revision);
	csvc_staff_free(st);

	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_new(&t, "new_team", "新组", CSVC_TEAM_CS_GROUP));
	csvc_assert_err(csvc_team_create(s, t, NULL), CSVC_EACCESS);
	csvc_team_free(t);
	csvc_assert_ok(csvc_team_get(trusted, "floor", &t));
	csvc_assert_ok(csvc_team_set_active(t, 0));
	csvc_assert_err(csvc_team_update(s, t, NULL), CSVC_EACCESS);
	csvc_team_free(t);

	if (reads_too) {
		csvc_role **roles = NULL;
		csvc_team **teams = NULL;
		size_t n = 0;
		csvc_staff_iter *it = NULL;
		csvc_assert_ok(csvc_staff_get(trusted, "rec", &st));
		csvc_uuid id = *csvc_staff_id(st);
		csvc_staff_free(st);
		st = NULL;
		r = NULL;
		t = NULL;
		csvc_assert_err(csvc_role_get(s, "guide", &r), CSVC_EACCESS);
		csvc_assert_err(csvc_role_list(s, &roles, &n), CSVC_EACCESS);
		csvc_assert_err(csvc_staff_get(s, "rec", &st), CSVC_EACCESS);
		csvc_assert_err(csvc_staff_get_by_id(s, &id, &st), CSVC_EACCESS);
		csvc_assert_err(csvc_staff_iter_new(s, NULL, &it), CSVC_EACCESS);
		csvc_assert_err(csvc_team_get(s, "floor", &t), CSVC_EACCESS);
		csvc_assert_err(csvc_team_list(s, 0, &teams, &n), CSVC_EACCESS);
		csvc_assert_err(csvc_team_members(s, "floor", &it), CSVC_EACCESS);
		assert_null(r);
		assert_null(roles);
		assert_null(st);
		assert_null(it);
		assert_null(t);
		assert_null(teams);
	}

	assert_int_equal(feed_head(trusted), head);
	assert_int_equal(sql_int(trusted, DIRECTORY), before);
}

/* Reads of the directory: any principal may. */
static void assert_reads_allowed(csvc_store *s)
{
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_get(s, "guide", &r));
	csvc_role_free(r);
	csvc_role **roles = NULL;
	size_t n = 0;
	csvc_assert_ok(csvc_role_list(s, &roles, &n));
	assert_true(n >= N_HANDBOOK);
	csvc_role_list_free(roles, n);
	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_get(s, "rec", &st));
	csvc_staff *by_id = NULL;
	csvc_assert_ok(csvc_staff_get_by_id(s, csvc_staff_id(st), &by_id));
	csvc_staff_free(by_id);
	csvc_staff_free(st);
	csvc_staff_iter *it = NULL;
	csvc_assert_ok(csvc_staff_iter_new(s, NULL, &it));
	csvc_staff_iter_free(it);
	csvc_assert_ok(csvc_team_members(s, "floor", &it));
	csvc_staff_iter_free(it);
	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_get(s, "floor", &t));
	csvc_team_free(t);
	csvc_team **teams = NULL;
	csvc_assert_ok(csvc_team_list(s, 0, &teams, &n));
	csvc_team_list_free(teams, n);
}

static void test_access_checks(void **state)
{
	(void)state;
	two_stores ts;
	open_two(&ts);
	csvc_store *T = ts.trusted, *G = ts.guarded;
	assert_int_equal(csvc_store_access_control(G), 1);
	assert_int_equal(csvc_store_access_control(T), 0);
	assert_int_equal(csvc_store_access_control(NULL), 0);

	/* The directory, made in trusted mode. */
	csvc_assert_ok(csvc_store_install_defaults(T));
	add_staff(T, "admin", NULL, "data_admin", 1);
	add_staff(T, "rec", "SH01", "receptionist", 1);
	add_staff(T, "gone", "SH01", "supervisor", 0);
	add_staff(T, "aud", NULL, "auditor", 1);
	/* A deactivated role grants nothing, and its chain scope does not
	 * count either. */
	csvc_role_free(make_role(T, "acting_admin", CSVC_ROLE_SCOPE_CHAIN, (const int[]){SM, RR, 0}, 0));
	add_staff(T, "acting", "SH02", "acting_admin", 1);

	/* No principal: every guarded call is refused. */
	assert_null(csvc_store_principal(G));
	assert_store_allows(G, (const int[]){0});
	assert_all_refused(G, T, 1);

	/* Principals that cannot be set leave none. */
	csvc_assert_err(csvc_store_set_principal(G, "nobody"), CSVC_ENOTFOUND);
	assert_null(csvc_store_principal(G));
	csvc_assert_ok(csvc_store_set_principal(G, "rec"));
	csvc_assert_err(csvc_store_set_principal(G, "gone"), CSVC_EACCESS);
	assert_null(csvc_store_principal(G));
	csvc_assert_err(csvc_store_set_principal(G, "bad \xC3\x28"), CSVC_EINVAL);
	csvc_assert_err(csvc_store_set_principal(NULL, "rec"), CSVC_EINVAL);
	csvc_assert_err(csvc_store_allows(NULL, CSVC_PERM_TICKET_READ), CSVC_EINVAL);
	csvc_assert_err(csvc_store_allows(G, (csvc_permission_t)0), CSVC_EINVAL);
	csvc_assert_err(csvc_store_allows(G, (csvc_permission_t)(CSVC_PERM_MAX + 1)), CSVC_EINVAL);

	/* A receptionist reads the directory and changes nothing in it. */
	csvc_assert_ok(csvc_store_set_principal(G, "rec"));
	assert_string_equal(csvc_store_principal(G), "rec");
	assert_store_allows(G, RECEPTIONIST);
	assert_reads_allowed(G);
	assert_all_refused(G, T, 0);
	csvc_role *r = NULL;
	csvc_assert_ok(csvc_role_new(&r, "night_guard", "夜班保安", CSVC_ROLE_SCOPE_STORE));
	csvc_assert_err(csvc_role_create(G, r, NULL), CSVC_EACCESS);
	assert_non_null(strstr(csvc_error_last()->message, "'rec'"));
	assert_non_null(strstr(csvc_error_last()->message, "staff_manage"));
	/* Scope: the home store's records and those of no store. */
	assert_int_equal(csvc__access_in_scope(G, "SH01"), 1);
	assert_int_equal(csvc__access_in_scope(G, NULL), 1);
	assert_int_equal(csvc__access_in_scope(G, "BJ02"), 0);
	const char *home = NULL;
	assert_int_equal(csvc__access_scope(G, &home), 1);
	assert_string_equal(home, "SH01");

	/* The auditor: chain scope, and no staff management. */
	csvc_assert_ok(csvc_store_set_principal(G, "aud"));
	assert_store_allows(G, (const int[]){CRP, CS, TR, RR, AR, 0});
	assert_int_equal(csvc__access_in_scope(G, "BJ02"), 1);
	assert_int_equal(csvc__access_scope(G, &home), 0);
	assert_all_refused(G, T, 0);

	/* An inactive role: nothing allowed, no chain scope. */
	csvc_assert_ok(csvc_store_set_principal(G, "acting"));
	assert_store_allows(G, (const int[]){0});
	assert_int_equal(csvc__access_in_scope(G, "SH02"), 1);
	assert_int_equal(csvc__access_in_scope(G, "SH01"), 0);
	assert_reads_allowed(G);
	assert_all_refused(G, T, 0);

	/* The data administrator manages roles, staff and teams. */
	csvc_assert_ok(csvc_store_set_principal(G, "admin"));
	assert_store_allows(G, (const int[]){CRC, CRP, CS, CX, CM, CE, TR, DM, SM, RR, AR, MT, SA, 0});
	assert_int_equal(csvc__access_in_scope(G, "BJ02"), 1);
	int64_t head = feed_head(T);
	char type[256], ref[256], actor[256], payload[256];
	csvc_assert_ok(csvc_role_grant(r, CSVC_PERM_TICKET_CREATE));
	csvc_assert_err(csvc_role_create(G, r, "rec"), CSVC_EACCESS); /* acting as someone else */
	assert_non_null(strstr(csvc_error_last()->message, "rec"));
	assert_int_equal(csvc_role_revision(r), 0);
	assert_int_equal(feed_head(T), head);
	csvc_assert_ok(csvc_role_create(G, r, NULL)); /* NULL: the principal */
	feed_last(T, head, type, ref, actor, payload);
	assert_string_equal(type, "role_created");
	assert_string_equal(actor, "admin");
	head = feed_head(T);
	csvc_assert_ok(csvc_role_set_name(r, "夜班安保"));
	csvc_assert_ok(csvc_role_update(G, r, "admin")); /* naming themselves */
	feed_last(T, head, type, ref, actor, payload);
	assert_string_equal(type, "role_updated");
	assert_string_equal(actor, "admin");
	csvc_role_free(r);

	csvc_staff *st = NULL;
	csvc_assert_ok(csvc_staff_new(&st, "guard1", "保安一"));
	csvc_assert_ok(csvc_staff_add_role(st, "night_guard"));
	csvc_assert_ok(csvc_staff_set_home_store(st, "SH01"));
	head = feed_head(T);
	csvc_assert_err(csvc_staff_create(G, st, "someone"), CSVC_EACCESS);
	assert_int_equal(csvc_staff_revision(st), 0);
	assert_int_equal(feed_head(T), head);
	assert_int_equal(sql_int(T, "SELECT count(*) FROM staff WHERE code = 'guard1'"), 0);
	csvc_assert_ok(csvc_staff_create(G, st, NULL));
	assert_int_equal(sql_int(T, "SELECT count(*) FROM staff_events e JOIN staff s ON s.id = e.staff_id"
	                            " WHERE s.code = 'guard1' AND e.actor = 'admin'"),
	                 2); /* created, granted_role */
	assert_int_equal(sql_int(T, "SELECT count(*) FROM feed_records WHERE reference = 'guard1'"
	                            " AND actor = 'admin'"),
	                 2);
	csvc_assert_ok(csvc_staff_remove_role(st, "night_guard"));
	csvc_assert_err(csvc_staff_update(G, st, "rec"), CSVC_EACCESS);
	assert_int_equal(csvc_staff_revision(st), 1);
	csvc_assert_ok(csvc_staff_update(G, st, NULL));
	assert_int_equal(sql_int(T, "SELECT count(*) FROM staff_events WHERE type = 'revoked_role'"
	                            " AND actor = 'admin'"),
	                 1);
	csvc_staff_free(st);

	csvc_team *t = NULL;
	csvc_assert_ok(csvc_team_new(&t, "night", "夜班组", CSVC_TEAM_CS_GROUP));
	head = feed_head(T);
	csvc_assert_err(csvc_team_create(G, t, "aud"), CSVC_EACCESS);
	assert_int_equal(feed_head(T), head);
	csvc_assert_ok(csvc_team_create(G, t, NULL));
	feed_last(T, head, type, ref, actor, payload);
	assert_string_equal(type, "team_created");
	assert_string_equal(actor, "admin");
	csvc_assert_ok(csvc_team_set_name(t, "夜班"));
	csvc_assert_ok(csvc_team_update(G, t, "admin"));
	csvc_team_free(t);
	csvc_assert_ok(csvc_role_install_defaults(G));
	csvc_assert_ok(csvc_team_install_defaults(G));

	/* A change of roles takes effect at the next csvc_store_set_principal. */
	csvc_assert_ok(csvc_store_set_principal(G, "rec"));
	assert_int_equal(csvc_store_allows(G, CSVC_PERM_CUSTOMER_ERASE), 0);
	csvc_assert_ok(csvc_staff_get(G, "rec", &st));
	csvc_assert_ok(csvc_staff_add_role(st, "data_admin"));
	csvc_assert_ok(csvc_staff_update(T, st, NULL));
	csvc_staff_free(st);
	assert_int_equal(csvc_store_allows(G, CSVC_PERM_CUSTOMER_ERASE), 0);
	assert_int_equal(csvc__access_in_scope(G, "BJ02"), 0);
	csvc_assert_ok(csvc_store_set_principal(G, "rec"));
	assert_int_equal(csvc_store_allows(G, CSVC_PERM_CUSTOMER_ERASE), 1);
	assert_int_equal(csvc__access_in_scope(G, "BJ02"), 1);
	csvc_assert_ok(csvc_store_set_principal(G, NULL));
	assert_null(csvc_store_principal(G));
	assert_all_refused(G, T, 1);

	/* Trusted mode: every call passes; a principal only names the actor. */
	assert_store_allows(T, (const int[]){CRC, CRP, CS, CX, CM, CE, CW, TR, TC, TU, TT, TA, DM, SM, RR, AR, SR, MT, SA, 0});
	csvc_assert_ok(csvc_store_set_principal(T, "aud"));
	assert_store_allows(T, (const int[]){CRC, CRP, CS, CX, CM, CE, CW, TR, TC, TU, TT, TA, DM, SM, RR, AR, SR, MT, SA, 0});
	csvc_assert_ok(csvc_staff_new(&st, "temp1", "临时工"));
	head = feed_head(T);
	csvc_assert_ok(csvc_staff_create(T, st, NULL));
	feed_last(T, head, type, ref, actor, payload);
	assert_string_equal(actor, "aud");
	csvc_staff_free(st);
	csvc_assert_ok(csvc_staff_new(&st, "temp2", "临时工"));
	csvc_assert_err(csvc_staff_create(T, st, "someone"), CSVC_EACCESS);
	assert_int_equal(feed_head(T), head + 1);
	csvc_staff_free(st);
	csvc_assert_ok(csvc_store_set_principal(T, NULL));
	close_two(&ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_values),
		cmocka_unit_test(test_create_get_update_list),
		cmocka_unit_test(test_install_defaults),
		cmocka_unit_test(test_staff_roles),
		cmocka_unit_test(test_access_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
