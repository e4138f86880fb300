/* harness.h — shared test support: the suite runner and a failing allocator.
 *
 * Every tests/check_<area>.c defines `Suite *test_suite(void)`; harness.c
 * provides main(), which runs it and prints Check's summary line. */
#ifndef HARNESS_H
#define HARNESS_H

#include <check.h>
#include <stddef.h>

#include "shipest.h"

Suite *test_suite(void);

/* Counting allocator that fails its Nth call (1-based; 0 = never fails). */
typedef struct harness_alloc {
    long fail_at; /* the call number that fails, 0 for none */
    long calls;   /* allocation calls so far (alloc + realloc) */
    long live;    /* blocks currently allocated */
    int failed;   /* set once the planned failure happened */
} harness_alloc;

/* A context whose hooks count into *a and fail call a->fail_at. Returns NULL
 * when creating the context itself hit the failure (status ENOMEM checked). */
shipest_ctx *harness_ctx_failing(harness_alloc *a, long fail_at);

/* Run `body` (a statement using `ctx`, setting `st`) with allocation n
 * failing, for n = 1, 2, ... until a run completes without hitting the
 * failure. Every failing run must return SHIPEST_ENOMEM; `cleanup` runs after
 * each attempt (free what body made, guarded for NULL), then the context is
 * freed and the live-block count must be 0 (nothing leaked). */
#define HARNESS_OOM_LOOP(body, cleanup)                                          \
    do {                                                                         \
        for (long oom_n_ = 1;; oom_n_ += harness_oom_stride()) {                 \
            harness_alloc oom_a_;                                                \
            shipest_ctx *ctx = harness_ctx_failing(&oom_a_, oom_n_);             \
            shipest_status st = SHIPEST_OK;                                      \
            if (ctx != NULL) {                                                   \
                body;                                                            \
                if (oom_a_.failed)                                               \
                    ck_assert_msg(st == SHIPEST_ENOMEM,                          \
                                  "allocation %ld failed but status was %d (%s)",\
                                  oom_n_, (int)st, shipest_ctx_errmsg(ctx));     \
                else                                                             \
                    ck_assert_msg(st == SHIPEST_OK, "status %d: %s", (int)st,    \
                                  shipest_ctx_errmsg(ctx));                      \
                cleanup;                                                         \
                shipest_ctx_free(ctx);                                           \
            }                                                                    \
            ck_assert_msg(oom_a_.live == 0, "%ld blocks leaked with allocation " \
                          "%ld failing", oom_a_.live, oom_n_);                   \
            if (!oom_a_.failed)                                                  \
                break;                                                           \
        }                                                                        \
    } while (0)

/* Step between the failing allocations HARNESS_OOM_LOOP tries: 1 (every
 * allocation), or $SHIPEST_TEST_OOM_STRIDE when set (make check-valgrind sets
 * it, since every step reloads the default table under valgrind; the sanitizer
 * and plain runs still try every allocation). */
long harness_oom_stride(void);

/* Path of a file under tests/data (uses $SHIPEST_TEST_DATA, default "tests/data"). */
const char *harness_data_path(const char *name);

#endif
