/* harness.c — main() for every Check suite, and the failing allocator. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

static void *counting_alloc(void *user, size_t size)
{
    harness_alloc *a = user;
    a->calls++;
    if (a->fail_at != 0 && a->calls == a->fail_at) {
        a->failed = 1;
        return NULL;
    }
    void *p = malloc(size);
    if (p != NULL)
        a->live++;
    return p;
}

static void *counting_realloc(void *user, void *ptr, size_t size)
{
    harness_alloc *a = user;
    a->calls++;
    if (a->fail_at != 0 && a->calls == a->fail_at) {
        a->failed = 1;
        return NULL;
    }
    return realloc(ptr, size);
}

static void counting_free(void *user, void *ptr)
{
    harness_alloc *a = user;
    a->live--;
    free(ptr);
}

shipest_ctx *harness_ctx_failing(harness_alloc *a, long fail_at)
{
    a->fail_at = fail_at;
    a->calls = 0;
    a->live = 0;
    a->failed = 0;
    shipest_ctx *ctx = NULL;
    shipest_status st = shipest_ctx_new_with_allocator(counting_alloc, counting_realloc,
                                                       counting_free, a, &ctx);
    if (st != SHIPEST_OK) {
        ck_assert_int_eq(st, SHIPEST_ENOMEM);
        ck_assert_ptr_null(ctx);
        return NULL;
    }
    return ctx;
}

long harness_oom_stride(void)
{
    const char *s = getenv("SHIPEST_TEST_OOM_STRIDE");
    long n = s != NULL ? strtol(s, NULL, 10) : 1;
    return n >= 1 ? n : 1;
}

const char *harness_data_path(const char *name)
{
    static char path[4096];
    const char *dir = getenv("SHIPEST_TEST_DATA");
    snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : "tests/data", name);
    return path;
}

int main(void)
{
    SRunner *sr = srunner_create(test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
