/*
 * Survey answers for `csvc survey respond`: QUESTION[:TYPE]=VALUE arguments
 * and the --answers JSON object, added to a csvc_survey_answers. No
 * printing: a failure fills a cli_answers_error for the caller to report.
 */
#ifndef CLI_ANSWERS_H
#define CLI_ANSWERS_H

#include <stddef.h>

#include "csvc.h"

enum {
	CLI_ANSWERS_USAGE = 1,     /* the answer does not fit its type: a usage error */
	CLI_ANSWERS_MALFORMED = 2, /* the JSON text is malformed */
	CLI_ANSWERS_LIBRARY = 3,   /* the library refused the answer (lib_rc; message is "answer QUESTION") */
};

typedef struct cli_answers_error {
	int kind;         /* one of the CLI_ANSWERS_* values */
	int lib_rc;       /* the library's code for CLI_ANSWERS_LIBRARY */
	char message[1024];
} cli_answers_error;

/* Adds one answer: `key` (keylen bytes) is QUESTION or QUESTION:TYPE, `value`
 * the text after '='; `where` prefixes messages. 0, or -1 with *err set. */
int cli_answers_add(csvc_survey_answers *ans, const char *key, size_t keylen, const char *value, const char *where,
                    cli_answers_error *err);

/* Adds the answers of a JSON object (`data`, len bytes, NUL-terminated at
 * data[len]); `path` names it in messages. 0, or -1 with *err set. */
int cli_answers_from_json(csvc_survey_answers *ans, const char *data, size_t len, const char *path,
                          cli_answers_error *err);

#endif
