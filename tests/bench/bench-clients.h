/*
 * Concurrent clients for the benchmark: each client is a process of its
 * own (fork), with its own store or connection, told by the parent to run
 * a phase of work; the parent times each phase from the moment it tells
 * every client to start until the last one has finished.
 */
#ifndef CSVC_BENCH_CLIENTS_H
#define CSVC_BENCH_CLIENTS_H

typedef struct bench_client_kind {
	/* In the client's process: opens what the client works with. */
	void *(*open)(int client, void *arg);
	/* Runs `n` operations of `phase`, numbered from `from`. */
	void (*run)(void *state, int client, int phase, int from, int n);
	/* Closes it when the group stops. */
	void (*close)(void *state);
	void *arg;
} bench_client_kind;

typedef struct bench_clients bench_clients;

/* Starts `n` clients of `kind` and waits until each has opened. */
bench_clients *bench_clients_start(const bench_client_kind *kind, int n);

/* Runs `phase` on every client at once, operations from..from+count-1 in
 * each; returns the wall time from the start of the first to the end of
 * the last. */
double bench_clients_run(bench_clients *g, int phase, int from, int count);

/* Stops the clients and waits for their processes. */
void bench_clients_stop(bench_clients *g);

#endif
