/*
 * UTF-8 validation, string copies, a small growable buffer and
 * locale-independent number text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvc/customer.h"
#include "csvc/workflow.h"
#include "util/internal.h"

int csvc__utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* reject overlongs, surrogates and > U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Whether s[0..len) (valid UTF-8) holds a control character the mode
 * refuses: C0 controls, DEL, and C1 controls (U+0080..U+009F, encoded
 * C2 80..C2 9F); multi-line text may keep tab, line feed and carriage
 * return. */
static int has_control(const char *str, size_t len, int mode)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len; i++) {
		unsigned c = s[i];
		if (c < 0x20) {
			if (mode == CSVC__TEXT_MULTILINE && (c == '\t' || c == '\n' || c == '\r'))
				continue;
			return 1;
		}
		if (c == 0x7F || (c == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F))
			return 1;
	}
	return 0;
}

int csvc__check_text_mode(const char *s, int nullable, size_t max_bytes, const char *field, int mode)
{
	if (!s) {
		if (nullable)
			return CSVC_OK;
		return csvc__error(CSVC_EINVAL, "%s must not be NULL", field);
	}
	size_t len = strnlen(s, max_bytes + 1);
	if (len > max_bytes)
		return csvc__error(CSVC_ERANGE, "%s is longer than %zu bytes", field, max_bytes);
	if (!csvc__utf8_valid(s, len))
		return csvc__error(CSVC_EINVAL, "%s is not valid UTF-8", field);
	if (mode != CSVC__TEXT_ANY && has_control(s, len, mode))
		return csvc__error(CSVC_EINVAL,
		                   mode == CSVC__TEXT_LINE
		                       ? "%s must not contain control characters"
		                       : "%s must not contain control characters other than tab and line breaks",
		                   field);
	return CSVC_OK;
}

int csvc__check_text(const char *s, int nullable, size_t max_bytes, const char *field)
{
	return csvc__check_text_mode(s, nullable, max_bytes, field, CSVC__TEXT_LINE);
}

int csvc__strdup(const char *s, char **out)
{
	if (!s) {
		*out = NULL;
		return CSVC_OK;
	}
	size_t n = strlen(s) + 1;
	char *p = csvc__malloc(n);
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory copying a string");
	memcpy(p, s, n);
	*out = p;
	return CSVC_OK;
}

void csvc_free(void *ptr)
{
	csvc__free(ptr);
}

/* ---- buffer ---- */

void csvc__buf_free(csvc__buf *b)
{
	csvc__free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int buf_reserve(csvc__buf *b, size_t extra)
{
	if (b->failed)
		return 0;
	if (b->len + extra + 1 <= b->cap)
		return 1;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = csvc__realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return 0;
	}
	b->data = p;
	b->cap = cap;
	return 1;
}

void csvc__buf_put(csvc__buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void csvc__buf_puts(csvc__buf *b, const char *s)
{
	csvc__buf_put(b, s, strlen(s));
}

void csvc__buf_int(csvc__buf *b, int64_t v)
{
	char digits[24];
	size_t i = sizeof(digits);
	/* Negated as unsigned so that INT64_MIN works. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		digits[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		digits[--i] = '-';
	csvc__buf_put(b, digits + i, sizeof(digits) - i);
}

void csvc__buf_printf(csvc__buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		csvc__buf_put(b, small, (size_t)n);
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int csvc__hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int64_t csvc__monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void csvc__buf_json_string(csvc__buf *b, const char *s)
{
	csvc__buf_put(b, "\"", 1);
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		/* Most text needs no escape: copy each clean run at once. */
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			csvc__buf_put(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': csvc__buf_put(b, "\\\"", 2); break;
		case '\\': csvc__buf_put(b, "\\\\", 2); break;
		case '\n': csvc__buf_put(b, "\\n", 2); break;
		case '\r': csvc__buf_put(b, "\\r", 2); break;
		case '\t': csvc__buf_put(b, "\\t", 2); break;
		default: csvc__buf_printf(b, "\\u%04x", *p);
		}
		p++;
	}
	csvc__buf_put(b, "\"", 1);
}

/* ---- locale-independent number formatting ----
 *
 * printf's %g and strtod follow LC_NUMERIC, which the host may have set to
 * a locale with a decimal comma ("33,3" is not JSON). These produce the
 * digits of the C locale with integer arithmetic only: a double is
 * m * 2^e exactly, so its full decimal expansion is an integer times a
 * power of ten, computed with a small fixed-size big integer. */

/* Enough for m * 5^1074 (about 2550 bits), the largest product below. */
#define BIG_LIMBS 100

typedef struct big {
	uint32_t d[BIG_LIMBS]; /* little-endian base 2^32 */
	size_t n;              /* limbs in use; 0 means zero */
} big;

static void big_set(big *a, uint64_t v)
{
	a->n = 0;
	while (v) {
		a->d[a->n++] = (uint32_t)v;
		v >>= 32;
	}
}

static void big_mul_small(big *a, uint32_t k)
{
	uint64_t carry = 0;
	for (size_t i = 0; i < a->n; i++) {
		uint64_t x = (uint64_t)a->d[i] * k + carry;
		a->d[i] = (uint32_t)x;
		carry = x >> 32;
	}
	if (carry && a->n < BIG_LIMBS)
		a->d[a->n++] = (uint32_t)carry;
}

static void big_mul_pow(big *a, uint32_t base, uint32_t chunk, int chunk_exp, int exp)
{
	for (; exp >= chunk_exp; exp -= chunk_exp)
		big_mul_small(a, chunk);
	while (exp-- > 0)
		big_mul_small(a, base);
}

static void big_mul_pow5(big *a, int exp)
{
	big_mul_pow(a, 5, 1220703125u, 13, exp); /* 5^13 */
}

static void big_mul_pow10(big *a, int exp)
{
	big_mul_pow(a, 10, 1000000000u, 9, exp);
}

static void big_shl(big *a, int bits)
{
	if (a->n == 0)
		return;
	size_t limbs = (size_t)bits / 32;
	unsigned rest = (unsigned)bits % 32;
	if (rest) {
		uint32_t carry = 0;
		for (size_t i = 0; i < a->n; i++) {
			uint32_t x = a->d[i];
			a->d[i] = (x << rest) | carry;
			carry = x >> (32 - rest);
		}
		if (carry && a->n < BIG_LIMBS)
			a->d[a->n++] = carry;
	}
	if (limbs) {
		if (a->n + limbs > BIG_LIMBS)
			limbs = BIG_LIMBS - a->n;
		memmove(a->d + limbs, a->d, a->n * sizeof(a->d[0]));
		memset(a->d, 0, limbs * sizeof(a->d[0]));
		a->n += limbs;
	}
}

static uint32_t big_divmod_small(big *a, uint32_t k)
{
	uint64_t rem = 0;
	for (size_t i = a->n; i-- > 0;) {
		uint64_t x = (rem << 32) | a->d[i];
		a->d[i] = (uint32_t)(x / k);
		rem = x % k;
	}
	while (a->n && a->d[a->n - 1] == 0)
		a->n--;
	return (uint32_t)rem;
}

static int big_cmp(const big *a, const big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = a->n; i-- > 0;)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

/* Decimal digits of `a` (destroyed) into `out`, most significant first, no
 * leading zeros; returns their count. `out` has room for 800 digits. */
static size_t big_digits(big *a, char *out)
{
	char rev[810];
	size_t n = 0;
	while (a->n) {
		uint32_t chunk = big_divmod_small(a, 1000000000u);
		for (int i = 0; i < 9; i++) {
			rev[n++] = (char)('0' + chunk % 10);
			chunk /= 10;
		}
	}
	while (n > 1 && rev[n - 1] == '0')
		n--;
	for (size_t i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	return n;
}

/* Compares A * 10^a with B * 2^b (A, B >= 0). */
static int cmp_dec_bin(uint64_t A, int a, uint64_t B, int b)
{
	big x, y;
	big_set(&x, A);
	big_set(&y, B);
	if (a >= 0)
		big_mul_pow10(&x, a);
	else
		big_mul_pow10(&y, -a);
	if (b >= 0)
		big_shl(&y, b);
	else
		big_shl(&x, -b);
	return big_cmp(&x, &y);
}

/* |v| (finite, not zero) as m * 2^e; `low_gap_halved` is set when the next
 * double below is closer than the next one above (m is a power of two). */
static void decompose(double v, uint64_t *m, int *e, int *low_gap_halved)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	int field = (int)((bits >> 52) & 0x7FF);
	uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
	if (field == 0) {
		*m = frac;
		*e = -1074;
	} else {
		*m = frac | (UINT64_C(1) << 52);
		*e = field - 1075;
	}
	*low_gap_halved = field > 1 && frac == 0;
}

/* Rounds |v| to `prec` significant digits (ties to even, on the exact
 * value): the digits go to `dig` (exactly `prec` of them) and the
 * function returns the decimal exponent of the first one. */
static int round_digits(double v, int prec, char *dig)
{
	uint64_t m;
	int e, halved;
	decompose(v, &m, &e, &halved);
	big x;
	big_set(&x, m);
	int exp10 = 0;
	if (e >= 0) {
		big_shl(&x, e);
	} else {
		big_mul_pow5(&x, -e); /* m * 2^e = m * 5^-e * 10^e */
		exp10 = e;
	}
	char all[810];
	size_t n = big_digits(&x, all);
	int point = (int)n - 1 + exp10;
	int up = 0;
	if (n > (size_t)prec) {
		char next = all[prec];
		int rest_nonzero = 0;
		for (size_t i = (size_t)prec + 1; i < n && !rest_nonzero; i++)
			rest_nonzero = all[i] != '0';
		up = next > '5' || (next == '5' && (rest_nonzero || (all[prec - 1] - '0') % 2 == 1));
	}
	for (int i = 0; i < prec; i++)
		dig[i] = (size_t)i < n ? all[i] : '0';
	if (up) {
		int i = prec - 1;
		while (i >= 0 && dig[i] == '9')
			dig[i--] = '0';
		if (i >= 0) {
			dig[i]++;
		} else {
			dig[0] = '1';
			point++;
		}
	}
	return point;
}

/* Whether the decimal dig[0..prec) * 10^(point - prec + 1) reads back as v
 * (round to nearest, ties to even), as strtod would read it. */
static int reads_back(double v, const char *dig, int prec, int point)
{
	uint64_t m, D = 0;
	int e, halved;
	decompose(v, &m, &e, &halved);
	for (int i = 0; i < prec; i++)
		D = D * 10 + (uint64_t)(dig[i] - '0');
	int a = point - prec + 1;
	/* The midpoints to the neighbouring doubles. */
	int hi = cmp_dec_bin(D, a, 2 * m + 1, e - 1);
	int lo = halved ? cmp_dec_bin(D, a, 4 * m - 1, e - 2) : cmp_dec_bin(D, a, 2 * m - 1, e - 1);
	if (hi < 0 && lo > 0)
		return 1;
	if ((hi == 0 || lo == 0) && m % 2 == 0)
		return 1;
	return 0;
}

/* printf's "%.<prec>g" in the C locale, from already rounded digits. */
static size_t put_g(char *out, int negative, const char *dig, int prec, int point)
{
	size_t o = 0;
	if (negative)
		out[o++] = '-';
	int last = prec - 1; /* drop trailing zeros */
	while (last > 0 && dig[last] == '0')
		last--;
	if (point < -4 || point >= prec) {
		out[o++] = dig[0];
		if (last > 0) {
			out[o++] = '.';
			for (int i = 1; i <= last; i++)
				out[o++] = dig[i];
		}
		out[o++] = 'e';
		out[o++] = point < 0 ? '-' : '+';
		int x = point < 0 ? -point : point;
		if (x >= 100)
			out[o++] = (char)('0' + x / 100);
		out[o++] = (char)('0' + x / 10 % 10);
		out[o++] = (char)('0' + x % 10);
	} else if (point >= 0) {
		for (int i = 0; i <= point; i++)
			out[o++] = dig[i];
		if (last > point) {
			out[o++] = '.';
			for (int i = point + 1; i <= last; i++)
				out[o++] = dig[i];
		}
	} else {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = -1; i > point; i--)
			out[o++] = '0';
		for (int i = 0; i <= last; i++)
			out[o++] = dig[i];
	}
	out[o] = '\0';
	return o;
}

size_t csvc__format_double(char out[CSVC__DOUBLE_TEXT_MAX], double v)
{
	if (isnan(v)) {
		memcpy(out, "nan", 4);
		return 3;
	}
	int negative = signbit(v) != 0;
	if (isinf(v)) {
		memcpy(out, negative ? "-inf" : "inf", negative ? 5 : 4);
		return negative ? 4 : 3;
	}
	if (v == 0) {
		memcpy(out, negative ? "-0" : "0", negative ? 3 : 2);
		return negative ? 2 : 1;
	}
	char dig[17];
	int point = round_digits(v, 15, dig);
	if (reads_back(v, dig, 15, point))
		return put_g(out, negative, dig, 15, point);
	point = round_digits(v, 17, dig);
	return put_g(out, negative, dig, 17, point);
}

void csvc__buf_json_number(csvc__buf *b, double v)
{
	if (!isfinite(v)) {
		csvc__buf_puts(b, "null");
		return;
	}
	char text[CSVC__DOUBLE_TEXT_MAX];
	csvc__buf_put(b, text, csvc__format_double(text, v));
}

/* ---- names shared by every module ---- */

int csvc__check_store_code(const char *code)
{
	size_t n = strlen(code);
	if (n == 0 || n > CSVC_CUSTOMER_MAX_STORE_CODE)
		return csvc__error(CSVC_ERANGE, "store code must be 1 to %d bytes",
		                   CSVC_CUSTOMER_MAX_STORE_CODE);
	for (size_t i = 0; i < n; i++)
		if (code[i] <= ' ' || code[i] > '~')
			return csvc__error(CSVC_EINVAL,
			                   "store code must be printable ASCII without spaces");
	return CSVC_OK;
}

int csvc__check_machine_name(const char *name, const char *what)
{
	if (!name)
		return csvc__error(CSVC_EINVAL, "%s must not be NULL", what);
	size_t n = strnlen(name, CSVC_WORKFLOW_MAX_NAME + 1);
	if (n == 0 || n > CSVC_WORKFLOW_MAX_NAME)
		return csvc__error(CSVC_ERANGE, "%s must be 1 to %d bytes", what, CSVC_WORKFLOW_MAX_NAME);
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return csvc__error(CSVC_EINVAL, "%s '%s' may use only a-z, 0-9, '_', '.', '-'", what, name);
	return CSVC_OK;
}
