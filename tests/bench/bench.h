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
	char p[600];
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

#endif
