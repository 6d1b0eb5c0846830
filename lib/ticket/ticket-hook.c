/*
 * The ticket module's per-store state: the change hook and the events
 * waiting for the outermost commit, and the module that follows ticket
 * changes (the SLA engine, attached above it).
 */
#include <string.h>

#include "access/access-internal.h"
#include "customer/customer-internal.h"
#include "store/store-internal.h"
#include "ticket/ticket-internal.h"

typedef struct ticket_state {
	csvc_change_fn hook;
	void *hook_userdata;
	csvc_event **pending;
	size_t n, cap;
	size_t mark[CSVC__DB_TX_MAX_DEPTH]; /* events queued before level i began */
	int dispatching;
	const csvc__ticket_follower *follower;
} ticket_state;

static void drop_pending(ticket_state *t, size_t keep)
{
	while (t->n > keep)
		csvc_event_free(t->pending[--t->n]);
}

static void state_free(void *state)
{
	ticket_state *t = state;
	drop_pending(t, 0);
	csvc__free(t->pending);
	csvc__free(t);
}

static void begun(void *state, int level)
{
	ticket_state *t = state;
	t->mark[level] = t->n;
}

/* Events queued by undone writes are never delivered. */
static void undone(void *state, const csvc__db_undo *u)
{
	ticket_state *t = state;
	if (u->level >= 0)
		drop_pending(t, t->mark[u->level]);
}

/* Delivers queued events after the outermost commit. A hook that writes
 * queues more events; this loop delivers them too, in order. */
static void committed(csvc_store *s, void *state)
{
	ticket_state *t = state;
	if (t->dispatching || !t->n)
		return;
	t->dispatching = 1;
	size_t next = 0;
	while (next < t->n) {
		csvc_event *ev = t->pending[next];
		t->pending[next++] = NULL;
		if (t->hook) {
			t->hook(ev, t->hook_userdata);
			/* A transaction the hook left open would swallow every
			 * later call and vanish at close: undo it now. */
			if (csvc__tx_depth(s) > 0) {
				csvc__log(s, CSVC_LOG_ERROR,
				          "the change hook returned with %d transaction level(s) open; "
				          "they were rolled back",
				          csvc__tx_depth(s));
				while (csvc__tx_depth(s) > 0)
					csvc__tx_rollback(s);
			}
		}
		csvc_event_free(ev);
	}
	t->n = 0;
	t->dispatching = 0;
	csvc__error_clear();
}

static const csvc__store_ext ticket_ext = {
	.name = "ticket",
	.free = state_free,
	.begun = begun,
	.undone = undone,
	.committed = committed,
};

/* Tickets follow their customers: class changes, merges and erasures. */
static const csvc__customer_follower customer_follower = {
	.changed = csvc__ticket_customer_changed,
	.merged = csvc__ticket_customer_merged,
	.erased = csvc__ticket_customer_erased,
};

int csvc__ticket_attach(csvc_store *s)
{
	ticket_state *t = csvc__calloc(1, sizeof(*t));
	if (!t)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	int rc = csvc__store_attach(s, &ticket_ext, t);
	if (!rc)
		rc = csvc__customer_follow(s, &customer_follower);
	return rc;
}

static ticket_state *state_of(csvc_store *s)
{
	return csvc__store_state(s, &ticket_ext);
}

void csvc__ticket_follow(csvc_store *s, const csvc__ticket_follower *f)
{
	state_of(s)->follower = f;
}

const csvc__ticket_follower *csvc__ticket_follower_of(csvc_store *s)
{
	return state_of(s)->follower;
}

int csvc__ticket_hook_on(csvc_store *s)
{
	return state_of(s)->hook != NULL;
}

int csvc__event_queue(csvc_store *s, const csvc_event *ev)
{
	ticket_state *t = state_of(s);
	if (!t->hook)
		return CSVC_OK;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		csvc_event **p = csvc__realloc(t->pending, cap * sizeof(*p));
		if (!p)
			return csvc__error(CSVC_ENOMEM, "out of memory queueing an event");
		t->pending = p;
		t->cap = cap;
	}
	csvc_event *copy = NULL;
	int rc = csvc__event_new(&copy, &ev->ticket, ev->number, ev->seq, ev->type, ev->actor, ev->at,
	                         ev->from_state, ev->to_state, ev->payload);
	if (rc)
		return rc;
	t->pending[t->n++] = copy;
	return CSVC_OK;
}

int csvc_store_set_change_hook(csvc_store *store, csvc_change_fn fn, void *userdata)
{
	csvc__error_clear();
	CSVC__CHECK_ARG(store, "store");
	/* The hook sees every ticket change of every store. Removing it is
	 * always allowed. */
	int rc = fn ? CSVC__ACCESS(store, CSVC_PERM_AUDIT_READ) : CSVC_OK;
	if (rc)
		return rc;
	ticket_state *t = state_of(store);
	t->hook = fn;
	t->hook_userdata = userdata;
	return CSVC_OK;
}
