/*
 * Phone number and e-mail normalisation: the comparison keys behind
 * find-by-phone, find-by-email and duplicate detection.
 *
 * Phones (docs/customers.md has the full rule):
 *   - ASCII and full-width digits count; spaces (also U+3000), '-', '.',
 *     '/', '(' and ')' are separators and dropped; anything else is an error;
 *   - a leading '+' or "00" starts an international number: its digits,
 *     leading zeros dropped, begin with the country calling code;
 *   - otherwise the number is national: one leading trunk '0' is dropped
 *     and the default country code is put in front;
 *   - after the default country code, trunk zeros written as "+86 (0)21..."
 *     are dropped too (all of them, so that a key normalises to itself);
 *   - the key is "+" followed by 3 to 15 digits (the E.164 maximum).
 * An empty country code checks the syntax only (used before a record
 * meets its store, whose country code then applies).
 */
#include <string.h>

#include "customer/customer-internal.h"

#define PHONE_MAX_DIGITS 15

/* Decodes one code point of valid UTF-8. */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if (c < 0xE0) {
		*p = s + 2;
		return (c & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if (c < 0xF0) {
		*p = s + 3;
		return (c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	*p = s + 4;
	return (c & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

int csvc__phone_normalize(const char *phone, const char *country_code, char *out, size_t size)
{
	int rc = csvc__check_text(phone, 0, CSVC_CUSTOMER_MAX_PHONE, "phone");
	if (rc)
		return rc;
	char digits[CSVC_CUSTOMER_MAX_PHONE + 1];
	size_t nd = 0;
	int plus = 0, seen_digit = 0;
	const unsigned char *p = (const unsigned char *)phone;
	while (*p) {
		unsigned cp = next_cp(&p);
		if (cp >= 0xFF10 && cp <= 0xFF19) /* full-width digits */
			cp = '0' + (cp - 0xFF10);
		else if (cp == 0xFF0B)
			cp = '+';
		if (cp >= '0' && cp <= '9') {
			digits[nd++] = (char)cp;
			seen_digit = 1;
		} else if (cp == '+' && !seen_digit && !plus) {
			plus = 1;
		} else if (cp == ' ' || cp == '-' || cp == '.' || cp == '/' || cp == '(' || cp == ')' ||
		           cp == 0x3000 || cp == 0xFF0D || cp == 0x2010 || cp == 0x2011 || cp == 0x2013 ||
		           cp == 0xFF08 || cp == 0xFF09) {
			continue;
		} else {
			return csvc__error(CSVC_EINVAL,
			                   "phone '%s' contains a character that is not a digit or separator",
			                   phone);
		}
	}
	digits[nd] = '\0';
	const char *cc = country_code ? country_code : "86";
	size_t cclen = strlen(cc);
	char key[PHONE_MAX_DIGITS * 2 + 8];
	size_t nk = 0;
	key[nk++] = '+';
	const char *d = digits;
	if (plus || (nd >= 2 && d[0] == '0' && d[1] == '0')) {
		/* "0086 ...", and typos such as "+0086 ...": no country code
		 * starts with 0, so every leading zero goes. */
		while (*d == '0')
			d++;
		if (cclen && strncmp(d, cc, cclen) == 0 && d[cclen] == '0') {
			/* "+86 (0)21 ...": trunk zeros after the default code are
			 * dropped, all of them, so that a key normalises to itself. */
			memcpy(key + nk, d, cclen);
			nk += cclen;
			d += cclen;
			while (*d == '0')
				d++;
		}
	} else {
		if (d[0] == '0')
			d++;
		memcpy(key + nk, cc, cclen);
		nk += cclen;
	}
	size_t rest = strlen(d);
	if (nk - 1 + rest > PHONE_MAX_DIGITS)
		return csvc__error(CSVC_EINVAL, "phone '%s' has more than %d digits", phone, PHONE_MAX_DIGITS);
	if (rest < 3)
		return csvc__error(CSVC_EINVAL, "phone '%s' has too few digits", phone);
	memcpy(key + nk, d, rest);
	nk += rest;
	key[nk] = '\0';
	if (nk + 1 > size)
		return csvc__error(CSVC_ERANGE, "output buffer too small for the normalised phone");
	memcpy(out, key, nk + 1);
	return CSVC_OK;
}

int csvc_phone_normalize(const char *phone, const char *country_code, char *out, size_t size)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(phone, "phone");
	CSVC__CHECK_ARG(out, "out");
	if (country_code) {
		size_t n = strlen(country_code);
		if (n == 0 || n > 3 || country_code[0] == '0' || strspn(country_code, "0123456789") != n)
			return csvc__error(CSVC_EINVAL, "country code must be 1 to 3 digits, not starting with 0");
	}
	return csvc__phone_normalize(phone, country_code, out, size);
}

int csvc__email_normalize(const char *email, char *out, size_t size)
{
	int rc = csvc__check_text(email, 0, CSVC_CUSTOMER_MAX_EMAIL, "email");
	if (rc)
		return rc;
	size_t n = strlen(email);
	const char *at = strchr(email, '@');
	if (!at || at == email || at != strrchr(email, '@') || at[1] == '\0')
		return csvc__error(CSVC_EINVAL, "email '%s' is not of the form local@domain", email);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)email[i];
		if (ch <= ' ' || ch == 0x7f)
			return csvc__error(CSVC_EINVAL, "email '%s' contains a space or control character",
			                   email);
	}
	const char *dot = strchr(at + 1, '.');
	if (!dot || dot == at + 1 || email[n - 1] == '.')
		return csvc__error(CSVC_EINVAL, "email '%s' has no valid domain", email);
	if (n + 1 > size)
		return csvc__error(CSVC_ERANGE, "output buffer too small for the normalised email");
	for (size_t i = 0; i <= n; i++) {
		char ch = email[i];
		out[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	return CSVC_OK;
}
