/*
 * UUIDs: generation through libuuid, text form by hand (libuuid's parser
 * accepts only one layout and we want clear errors).
 */
#include <string.h>
#include <uuid/uuid.h>

#include "util/internal.h"

void csvc__uuid_generate(csvc_uuid *out)
{
	uuid_t u;
	uuid_generate_random(u);
	memcpy(out->bytes, u, 16);
}

int csvc_uuid_to_string(const csvc_uuid *id, char *out)
{
	static const char hex[] = "0123456789abcdef";
	csvc__error_clear();
	CSVC__CHECK_ARG(id, "id");
	CSVC__CHECK_ARG(out, "out");
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[id->bytes[i] >> 4];
		*p++ = hex[id->bytes[i] & 15];
	}
	*p = '\0';
	return CSVC_OK;
}

int csvc_uuid_from_string(const char *text, csvc_uuid *out)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(text, "text");
	CSVC__CHECK_ARG(out, "out");
	csvc_uuid tmp;
	const char *p = text;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (*p != '-')
				return csvc__error(CSVC_EINVAL, "malformed UUID text (expected '-')");
			p++;
		}
		int hi = csvc__hex_digit(p[0]);
		int lo = hi < 0 ? -1 : csvc__hex_digit(p[1]);
		if (hi < 0 || lo < 0)
			return csvc__error(CSVC_EINVAL, "malformed UUID text (expected hex digit)");
		tmp.bytes[i] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (*p != '\0')
		return csvc__error(CSVC_EINVAL, "malformed UUID text (trailing characters)");
	*out = tmp;
	return CSVC_OK;
}

int csvc_uuid_is_nil(const csvc_uuid *id)
{
	if (!id)
		return 1;
	for (int i = 0; i < 16; i++)
		if (id->bytes[i])
			return 0;
	return 1;
}

int csvc_uuid_equal(const csvc_uuid *a, const csvc_uuid *b)
{
	if (!a || !b)
		return a == b;
	return memcmp(a->bytes, b->bytes, 16) == 0;
}
