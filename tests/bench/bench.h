/*
 * The benchmark program's shared helpers. A benchmark prints one figure
 * per line, "name: value unit", and each ratio as "name.ratio: x".
 */
#ifndef CSVC_BENCH_H
#define CSVC_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

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

/* Each section takes a scale factor (1.0 = the design sizes, such as
 * 100,000 customers; smaller for a quick run) and a scratch directory for
 * database files. */
int bench_customers(double scale, const char *dir);
int bench_tickets(double scale, const char *dir);
int bench_calendar(double scale, const char *dir);
int bench_sla(double scale, const char *dir);
int bench_reports(double scale, const char *dir);

#endif
