/*
 * csvc-bench: the project's benchmark program. Each section measures
 * libcsvc against raw SQLite (or a reference) doing the same work in the
 * same run, and prints "name: value unit" lines and "name.ratio: x".
 *
 *   csvc-bench [--scale X] [--dir DIR] [SECTION...]
 *
 * --scale 1 gives the sizes the design targets (e.g. 100,000 customers);
 * a smaller scale gives a quick run. Sections: customers, tickets, calendar, sla,
 * reports, feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct section {
	const char *name;
	int (*run)(double scale, const char *dir);
} section;

static const section sections[] = {
	{"customers", bench_customers},
	{"tickets", bench_tickets},
	{"calendar", bench_calendar},
	{"sla", bench_sla},
	{"reports", bench_reports},
	{"feed", bench_feed},
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

int main(int argc, char **argv)
{
	double scale = 1.0;
	const char *dir = "/tmp";
	const char *only[16];
	int n_only = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (argv[i][0] != '-' && n_only < 16)
			only[n_only++] = argv[i];
		else {
			fprintf(stderr, "usage: csvc-bench [--scale X] [--dir DIR] [SECTION...]\n");
			return 2;
		}
	}
	if (scale <= 0) {
		fprintf(stderr, "csvc-bench: --scale must be positive\n");
		return 2;
	}
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
		if (wanted && sections[i].run(scale, dir) != 0)
			return 1;
	}
	return 0;
}
