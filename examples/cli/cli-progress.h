/*
 * csvc - a progress bar on stderr for long commands (customer import,
 * sla recompute; later sync and backup).
 *
 * The bar is drawn only when stderr is a terminal and --quiet was not
 * given; otherwise every call is a no-op, so a command calls these
 * unconditionally. Progress is a count the command itself knows (rows of
 * the input read, tickets processed) against a total it knows up front.
 *
 *   cli_progress p;
 *   cli_progress_start(&p, ctx, "importing", rows);
 *   for (...) { ...; cli_progress_update(&p, done); }
 *   cli_progress_end(&p);
 *
 * A message written to stderr while the bar is up must first erase it with
 * cli_progress_clear(); the next update draws it again.
 */
#ifndef CSVC_CLI_PROGRESS_H
#define CSVC_CLI_PROGRESS_H

#include <stddef.h>

#include "cli-util.h"

typedef struct cli_progress {
	int on;            /* stderr is a terminal and not --quiet */
	const char *label; /* "importing", "recomputing" */
	size_t total;      /* 0: unknown, the bar shows the count only */
	size_t done;
	int shown;         /* the bar is on the screen now */
	int last_fill;     /* bar cells drawn last time, -1 before the first draw */
	size_t last_done;  /* count drawn last time */
} cli_progress;

/* Starts a bar for `total` items (no output yet). */
void cli_progress_start(cli_progress *p, const cli_ctx *ctx, const char *label, size_t total);
/* Sets the count of items done; redraws when the bar or the count visibly
 * changes (at most once per bar cell, and at every 64th item). */
void cli_progress_update(cli_progress *p, size_t done);
/* Erases the bar from the terminal line, if it is shown. */
void cli_progress_clear(cli_progress *p);
/* Erases the bar for good; later calls on `p` do nothing. */
void cli_progress_end(cli_progress *p);

#endif /* CSVC_CLI_PROGRESS_H */
