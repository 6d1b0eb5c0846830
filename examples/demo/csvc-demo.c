/*
 * csvc-demo: a short, deterministic tour of libcsvc on an embedded SQLite
 * file. It creates a store, registers customers at two counters of a mall,
 * notices that two records are one person, merges them, searches Chinese
 * text, and prints what the store holds.
 *
 *   csvc-demo [STORE-FILE]      (default: csvc-demo.db, recreated)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csvc.h>

/* A simulated clock: starts at 2026-11-21 10:00 Asia/Shanghai (02:00 UTC)
 * and advances one minute per reading, so every run prints the same. */
static csvc_time_us demo_clock(void *userdata)
{
	csvc_time_us *t = userdata;
	*t += 60 * CSVC_SECOND_US;
	return *t;
}

static void check(int rc, const char *what)
{
	if (rc != CSVC_OK) {
		fprintf(stderr, "csvc-demo: %s: %s (%s)\n", what, csvc_error_last()->message,
		        csvc_strerror(rc));
		exit(1);
	}
}

/* Deterministic IDs so that the output is the same on every run. */
static csvc_uuid demo_id(int n)
{
	char text[CSVC_UUID_STRLEN + 1];
	csvc_uuid id;
	snprintf(text, sizeof(text), "00000000-0000-4000-8000-%012d", n);
	check(csvc_uuid_from_string(text, &id), "uuid");
	return id;
}

static csvc_customer *add(csvc_store *s, int n, const char *name, const char *phone,
                          const char *store_code, const char *card)
{
	csvc_customer *c = NULL;
	csvc_uuid id = demo_id(n);
	check(csvc_customer_new(&c), "new customer");
	check(csvc_customer_set_id(c, &id), "set id");
	check(csvc_customer_set_name(c, name), "set name");
	check(csvc_customer_add_phone(c, phone), "add phone");
	check(csvc_customer_set_home_store(c, store_code), "set home store");
	if (card)
		check(csvc_customer_add_external_id(c, "member_card", card), "add card");
	check(csvc_customer_create(s, c, "counter"), "create customer");
	return c;
}

static const char *class_name(int32_t k)
{
	switch (k) {
	case CSVC_CUSTOMER_VIP: return "VIP 核心";
	case CSVC_CUSTOMER_IMPORTANT: return "important 重要";
	case CSVC_CUSTOMER_ORDINARY: return "ordinary 普通";
	case CSVC_CUSTOMER_POTENTIAL: return "potential 潜在";
	default: return "?";
	}
}

static void print_customer(const csvc_customer *c)
{
	char id[CSVC_UUID_STRLEN + 1];
	csvc_uuid_to_string(csvc_customer_id(c), id);
	printf("  %s  %-8s  store %-4s  %-14s  phones:", id + 24, csvc_customer_name(c),
	       csvc_customer_home_store(c) ? csvc_customer_home_store(c) : "-",
	       class_name(csvc_customer_class(c)));
	for (size_t i = 0; i < csvc_customer_phone_count(c); i++)
		printf(" %s", csvc_customer_phone(c, i));
	for (size_t i = 0; i < csvc_customer_external_id_count(c); i++) {
		const char *kind, *value;
		csvc_customer_external_id_at(c, i, &kind, &value);
		printf("  %s=%s", kind, value);
	}
	printf("\n");
}

static void list(csvc_store *s, const char *title, const csvc_customer_query *q)
{
	printf("%s\n", title);
	csvc_customer_iter *it = NULL;
	csvc_customer *c = NULL;
	int rc;
	check(csvc_customer_iter_new(s, q, &it), "query");
	while ((rc = csvc_customer_iter_next(it, &c)) == CSVC_OK) {
		print_customer(c);
		csvc_customer_free(c);
	}
	csvc_customer_iter_free(it);
	if (rc != CSVC_ITEROVER)
		check(rc, "iterate");
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "csvc-demo.db";
	char side[1024];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);

	csvc_time_us now = (csvc_time_us)1795053600 * CSVC_SECOND_US; /* 2026-11-21T02:00:00Z */
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = demo_clock;
	opts.clock_userdata = &now;
	csvc_store *s = NULL;
	check(csvc_store_open(&s, path, &opts), "open store");
	printf("libcsvc %s, store %s\n\n", csvc_version(), path);

	/* Morning: customers register at the counters of two stores. */
	csvc_customer *wang = add(s, 1, "王芳", "138-0013-8000", "SH01", "M-10001");
	csvc_customer *li = add(s, 2, "李雷", "139 1234 5678", "SH01", NULL);
	csvc_customer *han = add(s, 3, "韩梅梅", "021-6234-5678", "SH02", "M-10002");
	csvc_customer *dup = add(s, 4, "王 芳", "+86 138 0013 8000", "SH02", "M-20001");

	check(csvc_customer_set_class(han, CSVC_CUSTOMER_VIP), "set class");
	check(csvc_customer_add_tag(han, "会员日"), "add tag");
	check(csvc_customer_set_notes(han, "需要无障碍通道; prefers WeChat"), "set notes");
	check(csvc_customer_update(s, han, "service-desk"), "update");

	csvc_customer_query all = CSVC_CUSTOMER_QUERY_INIT;
	list(s, "Customers after registration:", &all);

	/* At the till, a phone number typed another way finds the customer. */
	csvc_customer *found = NULL;
	check(csvc_customer_find_by_phone(s, "0086 13800138000", &found), "find by phone");
	printf("\nTill lookup by phone 0086 13800138000 -> %s\n", csvc_customer_name(found));
	csvc_customer_free(found);

	/* The same person was registered twice: merge the second record. */
	csvc_customer_query same_phone = CSVC_CUSTOMER_QUERY_INIT;
	same_phone.phone = "13800138000";
	int64_t n = 0;
	check(csvc_customer_count(s, &same_phone, &n), "count by phone");
	printf("Records sharing that phone: %lld -> merging\n", (long long)n);
	csvc_merge_report *report = NULL;
	check(csvc_customer_merge(s, csvc_customer_id(wang), csvc_customer_id(dup), "supervisor", &report),
	      "merge");
	for (size_t i = 0; i < csvc_merge_report_count(report); i++) {
		const char *field, *kept, *absorbed;
		csvc_merge_report_at(report, i, &field, NULL, &kept, &absorbed);
		printf("  conflict on %s: kept \"%s\", the absorbed record keeps \"%s\"\n", field, kept,
		       absorbed);
	}
	csvc_merge_report_free(report);

	/* Search works on Chinese substrings, including two-character names. */
	csvc_customer_query search = CSVC_CUSTOMER_QUERY_INIT;
	search.text = "梅梅";
	list(s, "\nSearch \"梅梅\":", &search);
	search.text = "无障碍";
	list(s, "Search \"无障碍\" (notes):", &search);

	csvc_customer_query vip = CSVC_CUSTOMER_QUERY_INIT;
	vip.customer_class = CSVC_CUSTOMER_VIP;
	list(s, "VIP customers:", &vip);

	list(s, "\nCustomers at the end of the day:", &all);
	check(csvc_customer_count(s, NULL, &n), "count");
	printf("\n%lld active customers in %s\n", (long long)n, path);

	csvc_customer_free(wang);
	csvc_customer_free(li);
	csvc_customer_free(han);
	csvc_customer_free(dup);
	csvc_store_close(s);
	return 0;
}
