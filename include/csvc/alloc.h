/**
 * @file
 * libcsvc - memory allocation.
 *
 * By default libcsvc allocates with the C library's malloc, realloc and
 * free. A program (a POS vendor's runtime with its own heap, a test that
 * injects allocation failures) may plug in its own allocator once, before
 * it uses libcsvc. Every byte that libcsvc itself allocates goes through
 * it: records, iterators, reports, the store handle, and the text and
 * arrays handed to the caller to release with csvc_free(). SQLite's own
 * memory is not libcsvc's: libcsvc never changes SQLite's process-wide
 * settings (sqlite3_config), so SQLite keeps its own allocator.
 *
 * The allocator is the one process-wide setting of libcsvc: memory taken
 * from one allocator must go back to the same one, and a record can move
 * from one store or thread to another, so the choice cannot belong to a
 * store. See docs/threading.md.
 *
 * Thread safety: see csvc_set_allocator: the call itself must not run
 * concurrently with any other libcsvc call.
 */
#ifndef CSVC_ALLOC_H
#define CSVC_ALLOC_H

#include "common.h"

CSVC_BEGIN_DECL

/** The current version of csvc_allocator. @since 1.0 */
#define CSVC_ALLOCATOR_VERSION 1

/**
 * An allocator for csvc_set_allocator(). Fields are only ever appended.
 *
 * - `malloc(size, userdata)` returns `size` bytes (size > 0), aligned for
 *   any object type, or NULL when it has no memory.
 * - `realloc(ptr, size, userdata)` resizes a block that `malloc` or
 *   `realloc` returned (ptr never NULL, size > 0), keeping its contents
 *   up to the smaller size; on failure it returns NULL and leaves `ptr`
 *   valid and unchanged.
 * - `free(ptr, userdata)` releases such a block (ptr never NULL).
 *
 * libcsvc never asks for 0 bytes and never passes NULL to `realloc` or
 * `free`. All three functions are required. They may be called from any
 * thread that uses libcsvc, concurrently when several threads do, and
 * must not call libcsvc. `userdata` is passed to each of them unchanged.
 * A failed allocation makes the libcsvc call fail with CSVC_ENOMEM and
 * change nothing.
 * @since 1.0
 */
typedef struct csvc_allocator {
	uint32_t version; /**< CSVC_ALLOCATOR_VERSION; 0 means version 1 */
	void *(*malloc)(size_t size, void *userdata);
	void *(*realloc)(void *ptr, size_t size, void *userdata);
	void (*free)(void *ptr, void *userdata);
	void *userdata;
} csvc_allocator;

/** Initialiser for csvc_allocator (the functions must still be set). @since 1.0 */
#define CSVC_ALLOCATOR_INIT {CSVC_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL}

/**
 * Makes `a` the allocator of every later libcsvc allocation in the
 * process; NULL restores the C library's malloc, realloc and free. The
 * struct is copied: `a` need not outlive the call (its userdata must).
 *
 * @param a The allocator, read as far as its `version` goes (0 means 1),
 *          or NULL for the C library's.
 * @return CSVC_OK, or a negative csvc_error_t.
 *
 * When: call it before any other libcsvc call that allocates, typically
 * at program start before the first csvc_store_open(). It is refused with
 * CSVC_ESTATE, changing nothing, while any memory that libcsvc allocated
 * is still live: an open store, a record, an iterator, a calendar, a time
 * zone, a report, or text not yet released with csvc_free(). Once all of
 * them are freed and closed, it may be called again (a test may install
 * a failing allocator and later restore the default).
 *
 * Thread safety: reading the allocator is safe from any thread. The call
 * itself must not run concurrently with any other libcsvc call, on any
 * thread: libcsvc does not lock around it (the live-memory check cannot
 * see an allocation another thread is making at that moment).
 *
 * Errors: CSVC_EINVAL when a function pointer is NULL or `version` is
 * newer than this library knows; CSVC_ESTATE while libcsvc memory is live.
 *
 * Ownership: libcsvc keeps a copy of `*a`, not the pointer; `a->userdata`
 * stays the caller's and must outlive its use by the allocator.
 * @since 1.0
 */
CSVC_EXTERN(int) csvc_set_allocator(const csvc_allocator *a);

CSVC_END_DECL

#endif /* CSVC_ALLOC_H */
