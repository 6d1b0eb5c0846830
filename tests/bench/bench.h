/*
 * The benchmark program's shared helpers. A benchmark prints one figure
 * per line, "name: value unit", and each ratio as "name.ratio: x".
 */
#ifndef CSVC_BENCH_H
#define CSVC_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "csvc.h"

static inline double bench_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void bench_figure(const char *name, double value, const char *unit)
{
	printf("%s: %.6g %s\n", name, value, unit);
	fflush(stdout);
}

static inline void bench_ratio(const char *name, double ratio)
{
	printf("%s.ratio: %.3f\n", name, ratio);
	fflush(stdout);
}

/* A clock for stores under test: one microsecond further at every reading. */
static inline csvc_time_us bench_tick(void *userdata)
{
	return ++*(csvc_time_us *)userdata;
}

/* Stops the run with the library's message. */
static inline void bench_die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, csvc_error_last()->message);
	exit(1);
}

/* Removes a store file and its WAL companions. */
static inline void bench_remove_db(const char *path)
{
	char p[4096];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* Each section takes a scale factor (1.0 = the design sizes, such as
 * 100,000 customers; smaller for a quick run) and a scratch directory for
 * database files. */
int bench_customers(double scale, const char *dir);
int bench_tickets(double scale, const char *dir);
int bench_calendar(double scale, const char *dir);
int bench_sla(double scale, const char *dir);
int bench_reports(double scale, const char *dir);
int bench_feed(double scale, const char *dir);
int bench_privacy(double scale, const char *dir);
/* Eight clients at once on one store file (part of the tickets section). */
void bench_tickets_clients(double scale, const char *dir);

#ifdef CSVC_HAVE_POSTGRES
/* The sections on a PostgreSQL server (--db): `pg` is a libpq connection
 * string or a postgresql:// URI. Stores live in schemas of their own,
 * dropped at the end; the anchor is raw libpq, and `dir` still holds
 * the SQLite files a section compares with. */
int bench_customers_pg(double scale, const char *dir, const char *pg);
int bench_tickets_pg(double scale, const char *dir, const char *pg);
int bench_calendar_pg(double scale, const char *dir, const char *pg);
int bench_sla_pg(double scale, const char *dir, const char *pg);
int bench_reports_pg(double scale, const char *dir, const char *pg);
int bench_feed_pg(double scale, const char *dir, const char *pg);
#endif

/* Times per operation of one side, one per chunk of a run in which the
 * sides alternate: the median is what the figures on PostgreSQL report,
 * so that a stall of the shared machine in one chunk does not decide a
 * ratio. */
typedef struct bench_samples {
	double *v;
	int n, cap;
} bench_samples;

static inline void bench_sample(bench_samples *s, double seconds, int ops)
{
	if (ops <= 0)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, (size_t)s->cap * sizeof(*s->v));
		if (!s->v)
			exit(1);
	}
	s->v[s->n++] = seconds / ops;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median time per operation (0 without samples); frees the samples. */
static inline double bench_median(bench_samples *s)
{
	double m = 0;
	if (s->n) {
		qsort(s->v, (size_t)s->n, sizeof(*s->v), bench_cmp_double);
		m = s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
	}
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
	return m;
}

/* Prints the figures of one measurement of `count` operations (1 with
 * median times per operation) on PostgreSQL: the library, raw libpq with
 * one statement per round trip (the anchor) and, when t_pipe > 0, raw
 * libpq in pipeline mode, as
 * "pg.<name>.libcsvc", ".libpq", ".libpq_pipeline", the ratio anchor time
 * over library time "pg.<name>.ratio", and the same against the
 * pipeline "pg.<name>.vs_pipeline.ratio". */
static inline void bench_pg_report(const char *name, double count, double t_lib, double t_raw, double t_pipe,
                                   const char *unit)
{
	char label[128];
	snprintf(label, sizeof(label), "pg.%s.libcsvc", name);
	bench_figure(label, count / t_lib, unit);
	snprintf(label, sizeof(label), "pg.%s.libpq", name);
	bench_figure(label, count / t_raw, unit);
	if (t_pipe > 0) {
		snprintf(label, sizeof(label), "pg.%s.libpq_pipeline", name);
		bench_figure(label, count / t_pipe, unit);
	}
	snprintf(label, sizeof(label), "pg.%s", name);
	bench_ratio(label, t_raw / t_lib);
	if (t_pipe > 0) {
		snprintf(label, sizeof(label), "pg.%s.vs_pipeline", name);
		bench_ratio(label, t_pipe / t_lib);
	}
}

#endif
