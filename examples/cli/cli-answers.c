/*
 * Survey answers for `csvc survey respond`: QUESTION[:TYPE]=VALUE arguments
 * and the --answers JSON object. Kept apart from the command so that the
 * fuzz target (tests/fuzz/fuzz-cli-answers.c) runs the same code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-answers.h"

__attribute__((format(printf, 3, 4))) static int fail(cli_answers_error *err, int kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->kind = kind;
	return -1;
}

enum { ANS_AUTO, ANS_SCORE, ANS_PAIR, ANS_YES_NO, ANS_CHOICE, ANS_TEXT };

/* Reads a whole decimal int32; -1 if it is not one. */
static int parse_int(const char *s, size_t len, int32_t *out)
{
	if (!len || len > 11)
		return -1;
	char buf[16];
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	long v = strtol(buf, &end, 10);
	if (*end || (buf[0] != '-' && (buf[0] < '0' || buf[0] > '9')) || v < -2147483647L || v > 2147483647L)
		return -1;
	*out = (int32_t)v;
	return 0;
}

/*
 * Adds one answer. `key` is QUESTION or QUESTION:TYPE; `value` is the text
 * (NULL for a JSON value given in `jkind`/`v1`/`v2`).
 */
int cli_answers_add(csvc_survey_answers *ans, const char *key, size_t keylen, const char *value, const char *where,
                    cli_answers_error *err)
{
	char q[CSVC_SURVEY_MAX_NAME + 16];
	int type = ANS_AUTO;
	const char *colon = memchr(key, ':', keylen);
	size_t qlen = colon ? (size_t)(colon - key) : keylen;
	if (qlen == 0 || qlen >= sizeof(q))
		return fail(err, CLI_ANSWERS_USAGE, "%s: expected QUESTION=VALUE, got \"%.*s\"", where, (int)keylen, key);
	memcpy(q, key, qlen);
	q[qlen] = '\0';
	if (colon) {
		static const char *const types[] = {NULL, "score", "pair", "yes_no", "choice", "text"};
		const char *tn = colon + 1;
		size_t tl = keylen - qlen - 1;
		for (int k = 1; k <= ANS_TEXT; k++)
			if (strlen(types[k]) == tl && !strncmp(types[k], tn, tl))
				type = k;
		if (type == ANS_AUTO)
			return fail(err, CLI_ANSWERS_USAGE,
			            "%s: unknown answer type \"%.*s\" (expected score|pair|yes_no|choice|text)", where,
			            (int)tl, tn);
	}
	int32_t v1, v2;
	const char *slash = strchr(value, '/');
	if (type == ANS_AUTO) {
		if (parse_int(value, strlen(value), &v1) == 0)
			type = ANS_SCORE;
		else if (slash && parse_int(value, (size_t)(slash - value), &v1) == 0 &&
		         parse_int(slash + 1, strlen(slash + 1), &v2) == 0)
			type = ANS_PAIR;
		else if (!strcmp(value, "yes") || !strcmp(value, "no"))
			type = ANS_YES_NO;
		else
			type = ANS_TEXT;
	}
	int rc;
	switch (type) {
	case ANS_SCORE:
		if (parse_int(value, strlen(value), &v1) != 0)
			return fail(err, CLI_ANSWERS_USAGE, "%s: %s: expected a whole number, got \"%s\"", where, q, value);
		rc = csvc_survey_answers_score(ans, q, v1);
		break;
	case ANS_PAIR:
		if (!slash || parse_int(value, (size_t)(slash - value), &v1) != 0 ||
		    parse_int(slash + 1, strlen(slash + 1), &v2) != 0)
			return fail(err, CLI_ANSWERS_USAGE, "%s: %s: expected EXPECTATION/PERCEPTION such as 5/6, got \"%s\"",
			            where, q, value);
		rc = csvc_survey_answers_pair(ans, q, v1, v2);
		break;
	case ANS_YES_NO:
		if (strcmp(value, "yes") && strcmp(value, "no") && strcmp(value, "1") && strcmp(value, "0"))
			return fail(err, CLI_ANSWERS_USAGE, "%s: %s: expected yes or no, got \"%s\"", where, q, value);
		rc = csvc_survey_answers_yes_no(ans, q, !strcmp(value, "yes") || !strcmp(value, "1"));
		break;
	case ANS_CHOICE: rc = csvc_survey_answers_choice(ans, q, value); break;
	default: rc = csvc_survey_answers_text(ans, q, value); break;
	}
	if (rc != CSVC_OK) {
		err->lib_rc = rc;
		return fail(err, CLI_ANSWERS_LIBRARY, "answer %s", q);
	}
	return 0;
}

/* ---- a small reader for the --answers JSON object ---- */

typedef struct jreader {
	const char *p;
	const char *err;
} jreader;

static void skip_ws(jreader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A JSON string into a new buffer (UTF-8). */
static char *read_string(jreader *r)
{
	if (*r->p != '"') {
		r->err = "expected a string";
		return NULL;
	}
	r->p++;
	size_t cap = strlen(r->p) + 1, o = 0;
	char *out = malloc(cap);
	if (!out) {
		r->err = "out of memory";
		return NULL;
	}
	while (*r->p && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p++;
		if (c < 0x20) {
			r->err = "control character in a string";
			free(out);
			return NULL;
		}
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		char e = *r->p;
		if (!e)
			break; /* a backslash at the very end: "unterminated string" below */
		r->p++;
		unsigned cp;
		switch (e) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			if (hex4(r->p, &cp) != 0)
				goto bad;
			r->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;
				if (r->p[0] != '\\' || r->p[1] != 'u' || hex4(r->p + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				r->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				goto bad;
			}
			if (cp < 0x80) {
				out[o++] = (char)cp;
			} else if (cp < 0x800) {
				out[o++] = (char)(0xc0 | (cp >> 6));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				out[o++] = (char)(0xe0 | (cp >> 12));
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[o++] = (char)(0xf0 | (cp >> 18));
				out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default: goto bad;
		}
	}
	if (*r->p != '"') {
		r->err = "unterminated string";
		free(out);
		return NULL;
	}
	r->p++;
	out[o] = '\0';
	return out;
bad:
	r->err = "bad escape in a string";
	free(out);
	return NULL;
}

/* A JSON integer. */
static int read_int(jreader *r, int32_t *out)
{
	const char *s = r->p;
	if (*r->p == '-')
		r->p++;
	while (*r->p >= '0' && *r->p <= '9')
		r->p++;
	if (*r->p == '.' || *r->p == 'e' || *r->p == 'E' || parse_int(s, (size_t)(r->p - s), out) != 0) {
		r->err = "expected a whole number";
		return -1;
	}
	return 0;
}

int cli_answers_from_json(csvc_survey_answers *ans, const char *data, size_t len, const char *path,
                          cli_answers_error *err)
{
	int rc;
	if (strlen(data) != len)
		return fail(err, CLI_ANSWERS_MALFORMED, "%s: not a JSON text (NUL byte)", path);
	jreader r = {data, NULL};
	if (!strncmp(r.p, "\xef\xbb\xbf", 3))
		r.p += 3;
	skip_ws(&r);
	if (*r.p != '{')
		return fail(err, CLI_ANSWERS_MALFORMED, "%s: expected a JSON object of answers", path);
	r.p++;
	skip_ws(&r);
	int first = 1;
	rc = 0;
	while (rc == 0 && !r.err && *r.p != '}') {
		if (!first) {
			if (*r.p != ',') {
				r.err = "expected , or }";
				break;
			}
			r.p++;
			skip_ws(&r);
		}
		first = 0;
		char *key = read_string(&r);
		if (!key)
			break;
		skip_ws(&r);
		if (*r.p != ':') {
			free(key);
			r.err = "expected :";
			break;
		}
		r.p++;
		skip_ws(&r);
		char where[300];
		snprintf(where, sizeof(where), "%s", path);
		/* The value as the text an argument would give, with the type in the key. */
		char keybuf[CSVC_SURVEY_MAX_NAME + 32];
		const char *colon = strchr(key, ':');
		size_t qlen = colon ? (size_t)(colon - key) : strlen(key);
		char *text = NULL, numbuf[40];
		const char *value = NULL, *type = NULL;
		int32_t v1, v2;
		if (*r.p == '"') {
			text = read_string(&r);
			value = text;
			type = "text";
		} else if (*r.p == '[') {
			r.p++;
			skip_ws(&r);
			if (read_int(&r, &v1) == 0) {
				skip_ws(&r);
				if (*r.p == ',') {
					r.p++;
					skip_ws(&r);
					if (read_int(&r, &v2) == 0) {
						skip_ws(&r);
						if (*r.p == ']') {
							r.p++;
							snprintf(numbuf, sizeof(numbuf), "%d/%d", (int)v1, (int)v2);
							value = numbuf;
							type = "pair";
						}
					}
				}
			}
			if (!value && !r.err)
				r.err = "a pair is [EXPECTATION, PERCEPTION]";
		} else if (!strncmp(r.p, "true", 4) || !strncmp(r.p, "false", 5)) {
			value = r.p[0] == 't' ? "yes" : "no";
			r.p += r.p[0] == 't' ? 4 : 5;
			type = "yes_no";
		} else if (read_int(&r, &v1) == 0) {
			snprintf(numbuf, sizeof(numbuf), "%d", (int)v1);
			value = numbuf;
			type = "score";
		} else {
			r.err = "expected a number, [E, P], true, false or a string";
		}
		if (value && !r.err) {
			/* An explicit :TYPE in the key wins over the JSON type. */
			int n = colon ? snprintf(keybuf, sizeof(keybuf), "%s", key)
			              : snprintf(keybuf, sizeof(keybuf), "%.*s:%s", (int)qlen, key, type);
			if (n < 0 || (size_t)n >= sizeof(keybuf))
				rc = fail(err, CLI_ANSWERS_USAGE, "%s: question name too long: \"%s\"", path, key);
			else
				rc = cli_answers_add(ans, keybuf, strlen(keybuf), value, where, err);
		}
		free(text);
		free(key);
		skip_ws(&r);
	}
	if (rc == 0 && !r.err) {
		if (*r.p == '}')
			r.p++;
		skip_ws(&r);
		if (*r.p)
			r.err = "unexpected text after the object";
	}
	if (rc == 0 && r.err)
		rc = fail(err, CLI_ANSWERS_MALFORMED, "%s: malformed answers at byte %ld: %s", path, (long)(r.p - data),
		          r.err);
	return rc;
}

