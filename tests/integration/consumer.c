/*
 * A minimal program using an installed libcsvc the way an application
 * would: only <csvc.h> and the flags from `pkg-config libcsvc`.
 *
 * It opens an in-memory store, creates a customer with a name and a phone,
 * finds it again by phone and prints:
 *   version <runtime version>
 *   customer <uuid>
 *   ok
 * Any failure prints the error record to stderr and exits 1.
 */
#include <csvc.h>

#include <stdio.h>
#include <string.h>

#if !CSVC_VERSION_CHECK(0, 1, 0)
#error "libcsvc headers older than 0.1.0"
#endif
#if CSVC_VERSION_CHECK(CSVC_VERSION_MAJOR + 1, 0, 0)
#error "CSVC_VERSION_CHECK accepts a newer major version than the headers'"
#endif

static int check(int rc, const char *what)
{
	if (rc != CSVC_OK) {
		fprintf(stderr, "consumer: %s failed: %d (%s): %s\n", what, rc, csvc_strerror(rc),
		        csvc_error_last()->message);
		return 1;
	}
	return 0;
}

int main(void)
{
	csvc_store *store = NULL;
	csvc_customer *created = NULL;
	csvc_customer *found = NULL;
	char created_id[CSVC_UUID_STRLEN + 1];
	char found_id[CSVC_UUID_STRLEN + 1];
	int failed = 1;

	if (csvc_version_number() != CSVC_VERSION_NUMBER ||
	    strcmp(csvc_version(), CSVC_VERSION_STRING) != 0) {
		fprintf(stderr, "consumer: headers are %s but the library is %s\n", CSVC_VERSION_STRING,
		        csvc_version());
		return 1;
	}
	printf("version %s\n", csvc_version());

	if (check(csvc_store_open(&store, ":memory:", NULL), "csvc_store_open"))
		goto out;
	if (check(csvc_customer_new(&created), "csvc_customer_new") ||
	    check(csvc_customer_set_name(created, "Wang Fang"), "csvc_customer_set_name") ||
	    check(csvc_customer_add_phone(created, "13800138000"), "csvc_customer_add_phone") ||
	    check(csvc_customer_create(store, created, "integration-test"), "csvc_customer_create"))
		goto out;
	if (check(csvc_customer_find_by_phone(store, "13800138000", &found),
	          "csvc_customer_find_by_phone"))
		goto out;

	if (check(csvc_uuid_to_string(csvc_customer_id(created), created_id), "csvc_uuid_to_string") ||
	    check(csvc_uuid_to_string(csvc_customer_id(found), found_id), "csvc_uuid_to_string"))
		goto out;
	if (!csvc_uuid_equal(csvc_customer_id(created), csvc_customer_id(found)) ||
	    csvc_uuid_is_nil(csvc_customer_id(found))) {
		fprintf(stderr, "consumer: found %s, created %s\n", found_id, created_id);
		goto out;
	}
	if (csvc_customer_name(found) == NULL || strcmp(csvc_customer_name(found), "Wang Fang") != 0) {
		fprintf(stderr, "consumer: unexpected name %s\n",
		        csvc_customer_name(found) ? csvc_customer_name(found) : "(null)");
		goto out;
	}
	printf("customer %s\n", found_id);
	printf("ok\n");
	failed = 0;

out:
	csvc_customer_free(found);
	csvc_customer_free(created);
	csvc_store_close(store);
	return failed;
}
