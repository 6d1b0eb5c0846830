/*
 * Concurrent clients as processes (see bench-clients.h). The parent talks
 * to each client through two pipes: commands down, one byte back when a
 * command is done. A client that fails exits; the parent sees its pipe
 * close and stops the run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-clients.h"
#include "bench.h"

#define MAX_CLIENTS 64

typedef struct command {
	int phase, from, count; /* phase < 0: stop */
} command;

struct bench_clients {
	int n;
	pid_t pid[MAX_CLIENTS];
	int to[MAX_CLIENTS], from[MAX_CLIENTS];
};

static void child(const bench_client_kind *kind, int client, int in, int out)
{
	void *state = kind->open(client, kind->arg);
	char ok = 'k';
	if (write(out, &ok, 1) != 1)
		_exit(1);
	command c;
	while (read(in, &c, sizeof(c)) == (ssize_t)sizeof(c) && c.phase >= 0) {
		kind->run(state, client, c.phase, c.from, c.count);
		if (write(out, &ok, 1) != 1)
			_exit(1);
	}
	kind->close(state);
	/* _exit: nothing of the parent's (atexit handlers, its connections,
	 * its stdio buffers) is run or flushed twice. */
	fflush(stdout);
	_exit(0);
}

static void wait_done(bench_clients *g, int i)
{
	char b;
	ssize_t r;
	do
		r = read(g->from[i], &b, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1) {
		fprintf(stderr, "bench: client %d failed\n", i);
		for (int k = 0; k < g->n; k++)
			kill(g->pid[k], SIGTERM);
		exit(1);
	}
}

bench_clients *bench_clients_start(const bench_client_kind *kind, int n)
{
	if (n > MAX_CLIENTS)
		n = MAX_CLIENTS;
	bench_clients *g = calloc(1, sizeof(*g));
	if (!g)
		exit(1);
	g->n = n;
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < n; i++) {
		int down[2], up[2];
		if (pipe(down) || pipe(up)) {
			perror("bench: pipe");
			exit(1);
		}
		pid_t pid = fork();
		if (pid < 0) {
			perror("bench: fork");
			exit(1);
		}
		if (pid == 0) {
			close(down[1]);
			close(up[0]);
			for (int k = 0; k < i; k++) {
				close(g->to[k]);
				close(g->from[k]);
			}
			child(kind, i, down[0], up[1]);
		}
		close(down[0]);
		close(up[1]);
		g->pid[i] = pid;
		g->to[i] = down[1];
		g->from[i] = up[0];
	}
	for (int i = 0; i < n; i++)
		wait_done(g, i);
	return g;
}

double bench_clients_run(bench_clients *g, int phase, int from, int count)
{
	command c = {phase, from, count};
	double t0 = bench_seconds();
	for (int i = 0; i < g->n; i++)
		if (write(g->to[i], &c, sizeof(c)) != (ssize_t)sizeof(c)) {
			perror("bench: client pipe");
			exit(1);
		}
	for (int i = 0; i < g->n; i++)
		wait_done(g, i);
	return bench_seconds() - t0;
}

void bench_clients_stop(bench_clients *g)
{
	command c = {-1, 0, 0};
	for (int i = 0; i < g->n; i++) {
		if (write(g->to[i], &c, sizeof(c)) != (ssize_t)sizeof(c))
			kill(g->pid[i], SIGTERM);
		close(g->to[i]);
	}
	for (int i = 0; i < g->n; i++) {
		int status;
		waitpid(g->pid[i], &status, 0);
		close(g->from[i]);
	}
	free(g);
}
