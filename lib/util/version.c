/*
 * Runtime version of the linked library.
 */
#include "csvc/version.h"

const char *csvc_version(void)
{
	return CSVC_VERSION_STRING;
}

int csvc_version_number(void)
{
	return CSVC_VERSION_NUMBER;
}
