#include "csvc-test.h"
static void test_placeholder_build(void **state) { (void)state; }
int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_placeholder_build)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
