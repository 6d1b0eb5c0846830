/*
 * csvc-bench: the project's benchmark program. Each section measures
 * libcsvc against raw SQLite (or a reference) doing the same work in the
 * same run, and prints "name: value unit" lines and "name.ratio: x".
 *
 *   csvc-bench [--scale X] [--dir DIR] [--db CONNINFO_OR_URI] [SECTION...]
 *
 * --scale 1 gives the sizes the design targets (e.g. 100,000 customers);
 * a smaller scale gives a quick run. Sections: customers, tickets, calendar, sla,
 * reports, feed.
 *
 * --db runs the sections on a PostgreSQL server instead: a libpq
 * connection string ("host=/tmp/pg port=5432 dbname=postgres") or a
 * postgresql:// URI. Each store lives in a schema of its own
 * (bench_<section>_<store>_<pid>), dropped at the end; the anchor is raw
 * libpq sending the statements the library sends for the same operation,
 * one per round trip (and, where it says so, in pipeline mode). Figures
 * are named "pg.<name>". The reports section also compares the report on
 * PostgreSQL with the same report on an SQLite copy of the same rows (in
 * --dir). scripts/bench-pg.sh runs it on a throw-away server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct section {
	const char *name;
	int (*run)(double scale, const char *dir);
#ifdef CSVC_HAVE_POSTGRES
	int (*run_pg)(double scale, const char *dir, const char *pg);
#endif
} section;

#ifdef CSVC_HAVE_POSTGRES
#define ON_PG(f) , f
#else
#define ON_PG(f)
#endif

static const section sections[] = {
	{"customers", bench_customers ON_PG(bench_customers_pg)},
	{"tickets", bench_tickets ON_PG(bench_tickets_pg)},
	{"calendar", bench_calendar ON_PG(bench_calendar_pg)},
	{"sla", bench_sla ON_PG(bench_sla_pg)},
	{"reports", bench_reports ON_PG(bench_reports_pg)},
	{"feed", bench_feed ON_PG(bench_feed_pg)},
	{"privacy", bench_privacy ON_PG(NULL)}, /* SQLite only */
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

int main(int argc, char **argv)
{
	double scale = 1.0;
	const char *dir = "/tmp";
	const char *db = NULL;
	const char *only[16];
	int n_only = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] != '-' && n_only < 16)
			only[n_only++] = argv[i];
		else {
			fprintf(stderr, "usage: csvc-bench [--scale X] [--dir DIR] [--db CONNINFO_OR_URI] [SECTION...]\n");
			return 2;
		}
	}
	if (scale <= 0) {
		fprintf(stderr, "csvc-bench: --scale must be positive\n");
		return 2;
	}
#ifndef CSVC_HAVE_POSTGRES
	if (db) {
		fprintf(stderr, "csvc-bench: --db: built without PostgreSQL support (-Dpostgresql)\n");
		return 2;
	}
#endif
	for (int j = 0; j < n_only; j++) {
		size_t i = 0;
		while (i < N_SECTIONS && strcmp(only[j], sections[i].name) != 0)
			i++;
		if (i == N_SECTIONS) {
			fprintf(stderr, "csvc-bench: unknown section '%s'\n", only[j]);
			return 2;
		}
	}
	for (size_t i = 0; i < N_SECTIONS; i++) {
		int wanted = n_only == 0;
		for (int j = 0; j < n_only; j++)
			wanted |= strcmp(only[j], sections[i].name) == 0;
		if (!wanted)
			continue;
#ifdef CSVC_HAVE_POSTGRES
		if (db && !sections[i].run_pg) {
			fprintf(stderr, "csvc-bench: section %s runs on SQLite only; skipped with --db\n", sections[i].name);
			continue;
		}
		if (db) {
			if (sections[i].run_pg(scale, dir, db) != 0)
				return 1;
			continue;
		}
#endif
		if (sections[i].run(scale, dir) != 0)
			return 1;
	}
	return 0;
}
