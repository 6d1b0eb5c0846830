/*
 * Shared helpers for the cmocka unit tests.
 */
#ifndef CSVC_TEST_H
#define CSVC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "csvc.h"

/* Asserts that a libcsvc call succeeded, printing the error record if not. */
#define csvc_assert_ok(expr)                                                           \
	do {                                                                               \
		int csvc_assert_rc_ = (expr);                                                  \
		if (csvc_assert_rc_ != CSVC_OK)                                                \
			print_error("%s -> %d (%s): %s\n", #expr, csvc_assert_rc_,                  \
			            csvc_strerror(csvc_assert_rc_), csvc_error_last()->message);   \
		assert_int_equal(csvc_assert_rc_, CSVC_OK);                                    \
	} while (0)

/* Asserts that a call failed with `code` and left a non-empty message. */
#define csvc_assert_err(expr, expected)                                                    \
	do {                                                                               \
		int csvc_assert_rc_ = (expr);                                                  \
		if (csvc_assert_rc_ != (expected))                                                 \
			print_error("%s -> %d, expected %d: %s\n", #expr, csvc_assert_rc_, (expected),  \
			            csvc_error_last()->message);                                   \
		assert_int_equal(csvc_assert_rc_, (expected));                                     \
		assert_int_equal(csvc_error_last()->code, (expected));                             \
		assert_true(csvc_error_last()->message[0] != '\0');                            \
	} while (0)

/* A deterministic clock for tests: returns *(int64_t *)userdata. */
static inline csvc_time_us csvc_test_clock(void *userdata)
{
	return *(const csvc_time_us *)userdata;
}

/* Opens an in-memory store on a test clock. */
static inline csvc_store *csvc_test_store(csvc_time_us *clock_cell)
{
	csvc_store_options opts = CSVC_STORE_OPTIONS_INIT;
	opts.clock = csvc_test_clock;
	opts.clock_userdata = clock_cell;
	csvc_store *s = NULL;
	csvc_assert_ok(csvc_store_open(&s, ":memory:", &opts));
	return s;
}

#endif
