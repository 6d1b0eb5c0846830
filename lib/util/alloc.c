/*
 * The allocator behind every libcsvc allocation (csvc_set_allocator).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvc/alloc.h"
#include "util/internal.h"

static void *default_malloc(size_t size, void *userdata)
{
	(void)userdata;
	return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *userdata)
{
	(void)userdata;
	return realloc(ptr, size);
}

static void default_free(void *ptr, void *userdata)
{
	(void)userdata;
	free(ptr);
}

static const csvc_allocator default_allocator = {CSVC_ALLOCATOR_VERSION, default_malloc,
                                                 default_realloc, default_free, NULL};

/* Two slots, so that a new allocator is written into the one not being
 * published; readers load the pointer with acquire ordering. */
static csvc_allocator slots[2];
static _Atomic(const csvc_allocator *) current = &default_allocator;
/* Blocks allocated and not yet freed, over every thread. */
static atomic_size_t live;

static const csvc_allocator *allocator(void)
{
	return atomic_load_explicit(&current, memory_order_acquire);
}

void *csvc__malloc(size_t size)
{
	const csvc_allocator *a = allocator();
	void *p = a->malloc(size ? size : 1, a->userdata);
	if (p)
		atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
	return p;
}

void *csvc__calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t total = n * size;
	if (total == 0)
		total = 1;
	void *p = csvc__malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

void *csvc__realloc(void *ptr, size_t size)
{
	if (!ptr)
		return csvc__malloc(size);
	const csvc_allocator *a = allocator();
	return a->realloc(ptr, size ? size : 1, a->userdata);
}

void csvc__free(void *ptr)
{
	if (!ptr)
		return;
	const csvc_allocator *a = allocator();
	a->free(ptr, a->userdata);
	atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
}

char *csvc__strcopy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = csvc__malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

CSVC__STRUCT_LAYOUT(allocator_layout, csvc_allocator, CSVC_ALLOCATOR_VERSION, CSVC_ALLOCATOR_INIT,
                    sizeof(csvc_allocator));

int csvc_set_allocator(const csvc_allocator *a)
{
	csvc__error_clear();
	csvc_allocator copy; /* read only as far as the caller's version goes */
	if (a) {
		int rc = csvc__struct_read(&allocator_layout, &copy, a);
		if (rc)
			return rc;
		a = &copy;
		if (!a->malloc || !a->realloc || !a->free)
			return csvc__error(CSVC_EINVAL,
			                   "csvc_set_allocator: malloc, realloc and free must all be given");
	}
	size_t n = atomic_load_explicit(&live, memory_order_acquire);
	if (n != 0)
		return csvc__error(CSVC_ESTATE,
		                   "csvc_set_allocator: %zu blocks allocated by libcsvc are still live; "
		                   "free every object first",
		                   n);
	if (!a) {
		atomic_store_explicit(&current, &default_allocator, memory_order_release);
		return CSVC_OK;
	}
	const csvc_allocator *old = allocator();
	csvc_allocator *slot = old == &slots[0] ? &slots[1] : &slots[0];
	*slot = *a;
	slot->version = CSVC_ALLOCATOR_VERSION;
	atomic_store_explicit(&current, slot, memory_order_release);
	return CSVC_OK;
}
