/*
 * The store's cache of loaded workflow versions. Stored versions never
 * change, but one loaded inside a transaction that is rolled back may
 * vanish with it: the cache is emptied whenever writes are undone.
 */
#include <string.h>

#include "access/access-internal.h"
#include "store/store-internal.h"
#include "workflow/workflow-internal.h"

typedef struct wf_cache {
	csvc_workflow **wf;
	size_t n;
} wf_cache;

static void cache_clear(wf_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		csvc_workflow_free(c->wf[i]);
	c->n = 0;
}

static void cache_free(void *state)
{
	wf_cache *c = state;
	cache_clear(c);
	csvc__free(c->wf);
	csvc__free(c);
}

static void undone(void *state, const csvc__db_undo *u)
{
	if (u->data)
		cache_clear(state);
}

static const csvc__store_ext workflow_ext = {
	.name = "workflow",
	.free = cache_free,
	.undone = undone,
};

int csvc__workflow_attach(csvc_store *s)
{
	wf_cache *c = csvc__calloc(1, sizeof(*c));
	if (!c)
		return csvc__error(CSVC_ENOMEM, "out of memory opening a store");
	return csvc__store_attach(s, &workflow_ext, c);
}

int csvc__workflow_cached(csvc_store *s, const char *name, int32_t version, const csvc_workflow **out)
{
	wf_cache *c = csvc__store_state(s, &workflow_ext);
	for (size_t i = 0; i < c->n; i++)
		if (csvc_workflow_version(c->wf[i]) == version && strcmp(csvc_workflow_name(c->wf[i]), name) == 0) {
			*out = c->wf[i];
			return CSVC_OK;
		}
	csvc_workflow **p = csvc__realloc(c->wf, (c->n + 1) * sizeof(*p));
	if (!p)
		return csvc__error(CSVC_ENOMEM, "out of memory caching a workflow");
	c->wf = p;
	csvc_workflow *wf = NULL;
	/* The cache serves every principal alike. */
	csvc__access_system_enter(s);
	int rc = csvc_workflow_load(s, name, version, &wf);
	csvc__access_system_leave(s);
	if (rc)
		return rc;
	c->wf[c->n++] = wf;
	*out = wf;
	return CSVC_OK;
}
