/*
 * csvc - the progress bar (cli-progress.h).
 */
#include "cli-progress.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

enum { BAR_WIDTH = 30 };

void cli_progress_start(cli_progress *p, const cli_ctx *ctx, const char *label, size_t total)
{
	p->on = !ctx->quiet && isatty(2);
	p->label = label;
	p->total = total;
	p->done = 0;
	p->shown = 0;
	p->last_fill = -1;
	p->last_done = 0;
}

static int fill_of(const cli_progress *p)
{
	if (!p->total)
		return 0;
	size_t done = p->done > p->total ? p->total : p->done;
	return (int)((uint64_t)done * BAR_WIDTH / p->total);
}

static void draw(cli_progress *p)
{
	int fill = fill_of(p);
	/* "\r" back to the start of the line, "\033[K" erases what is left of it. */
	if (p->total)
		fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu\033[K", p->label, fill,
		        "##############################", BAR_WIDTH - fill, "", p->done, p->total);
	else
		fprintf(stderr, "\r%s %zu\033[K", p->label, p->done);
	fflush(stderr);
	p->shown = 1;
	p->last_fill = fill;
	p->last_done = p->done;
}

void cli_progress_update(cli_progress *p, size_t done)
{
	if (!p->on)
		return;
	p->done = done;
	if (!p->shown || fill_of(p) != p->last_fill || done - p->last_done >= 64 ||
	    (p->total && done >= p->total))
		draw(p);
}

void cli_progress_clear(cli_progress *p)
{
	if (!p->on || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = 0;
}

void cli_progress_end(cli_progress *p)
{
	cli_progress_clear(p);
	p->on = 0;
}
