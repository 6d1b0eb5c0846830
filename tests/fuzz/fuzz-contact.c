/*
 * Fuzz target: text that reaches a customer record from outside (phone
 * numbers, e-mail addresses, external IDs, names, UUID text). Whatever the
 * bytes, the calls return a code and a record accepts only what its
 * getters give back unchanged; a normalised phone number normalises to
 * itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	char norm[300], again[300];
	if (csvc_phone_normalize(text, NULL, norm, sizeof(norm)) == CSVC_OK) {
		if (norm[0] != '+' || csvc_phone_normalize(norm, NULL, again, sizeof(again)) != CSVC_OK ||
		    strcmp(norm, again) != 0)
			abort();
	}
	csvc_uuid id;
	if (csvc_uuid_from_string(text, &id) == CSVC_OK) {
		char back[CSVC_UUID_STRLEN + 1];
		if (csvc_uuid_to_string(&id, back) != CSVC_OK || strlen(back) != CSVC_UUID_STRLEN)
			abort();
	}
	csvc_customer *c = NULL;
	if (csvc_customer_new(&c) == CSVC_OK) {
		if (csvc_customer_set_name(c, text) == CSVC_OK && strcmp(csvc_customer_name(c), text) != 0)
			abort();
		if (csvc_customer_add_phone(c, text) == CSVC_OK && strcmp(csvc_customer_phone(c, 0), text) != 0)
			abort();
		if (csvc_customer_add_email(c, text) == CSVC_OK && strcmp(csvc_customer_email(c, 0), text) != 0)
			abort();
		const char *colon = strchr(text, ':');
		if (colon) {
			char kind[64];
			size_t n = (size_t)(colon - text) < sizeof(kind) - 1 ? (size_t)(colon - text) : sizeof(kind) - 1;
			memcpy(kind, text, n);
			kind[n] = '\0';
			csvc_customer_add_external_id(c, kind, colon + 1);
		}
		csvc_customer_add_tag(c, text);
		csvc_customer_set_attr(c, text, text);
		csvc_customer_free(c);
	}
	free(text);
	return 0;
}
