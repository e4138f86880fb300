/* check_ctx.c — the context, options, callbacks, status codes and versions. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

START_TEST(test_version)
{
    ck_assert_uint_eq(shipest_version_number(), SHIPEST_VERSION_NUMBER);
    ck_assert_str_eq(shipest_version_string(), SHIPEST_VERSION_STRING);
    ck_assert_uint_eq(SHIPEST_VERSION_NUMBER, SHIPEST_VERSION_MAJOR * 10000u +
                                                  SHIPEST_VERSION_MINOR * 100u +
                                                  SHIPEST_VERSION_PATCH);
}
END_TEST

START_TEST(test_strerror)
{
    ck_assert_str_eq(shipest_strerror(SHIPEST_OK), "success");
    /* Every pinned code has its own message; unknown codes say so. */
    for (int s = SHIPEST_EINVAL; s <= SHIPEST_ELIMIT; s++) {
        const char *m = shipest_strerror((shipest_status)s);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_ne(m, "unknown status");
        for (int t = SHIPEST_OK; t < s; t++)
            ck_assert_str_ne(m, shipest_strerror((shipest_status)t));
    }
    ck_assert_str_eq(shipest_strerror((shipest_status)9999), "unknown status");
    /* Pinned values never move. */
    ck_assert_int_eq(SHIPEST_OK, 0);
    ck_assert_int_eq(SHIPEST_ENOMEM, 2);
    ck_assert_int_eq(SHIPEST_ECANCELLED, 9);
    ck_assert_int_eq(SHIPEST_ELIMIT, 14);
}
END_TEST

START_TEST(test_new_free)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_str_eq(shipest_ctx_errmsg(ctx), "");
    ck_assert_int_eq(shipest_ctx_errcode(ctx), SHIPEST_OK);
    shipest_ctx_free(ctx);
    shipest_ctx_free(NULL); /* no-op */
}
END_TEST

START_TEST(test_null_arguments)
{
    ck_assert_int_eq(shipest_ctx_new(NULL), SHIPEST_EINVAL);
    shipest_ctx *ctx = (shipest_ctx *)(uintptr_t)1;
    ck_assert_int_eq(shipest_ctx_new_with_allocator(NULL, NULL, NULL, NULL, &ctx), SHIPEST_EINVAL);
    ck_assert_ptr_null(ctx);
    int64_t v;
    double d, lo, hi;
    ck_assert_int_eq(shipest_ctx_set_int(NULL, SHIPEST_OPT_SEED, 1), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_get_int(NULL, SHIPEST_OPT_SEED, &v), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_set_double(NULL, SHIPEST_OPT_COVERAGE, 0.9), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_get_double(NULL, SHIPEST_OPT_COVERAGE, &d), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_double_bounds(NULL, SHIPEST_OPT_COVERAGE, &lo, &hi), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_set_log(NULL, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_set_progress(NULL, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_errcode(NULL), SHIPEST_EINVAL);
    ck_assert_ptr_nonnull(shipest_ctx_errmsg(NULL));

    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_get_int(ctx, SHIPEST_OPT_SEED, NULL), SHIPEST_EINVAL);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "NULL"));
    ck_assert_int_eq(shipest_ctx_get_double(ctx, SHIPEST_OPT_COVERAGE, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_int_bounds(ctx, SHIPEST_OPT_SEED, NULL, NULL), SHIPEST_EINVAL);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_int_options)
{
    shipest_ctx *ctx;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    const shipest_option keys[] = { SHIPEST_OPT_SEED, SHIPEST_OPT_TRIALS, SHIPEST_OPT_THREADS,
                                    SHIPEST_OPT_MAX_MEMORY, SHIPEST_OPT_BLOCK_SIZE };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int64_t lo, hi, v, before;
        ck_assert_int_eq(shipest_ctx_int_bounds(ctx, keys[i], &lo, &hi), SHIPEST_OK);
        ck_assert(lo <= hi);
        ck_assert_int_eq(shipest_ctx_get_int(ctx, keys[i], &before), SHIPEST_OK);
        ck_assert(before >= lo && before <= hi); /* the default is in bounds */
        ck_assert_int_eq(shipest_ctx_set_int(ctx, keys[i], hi), SHIPEST_OK);
        ck_assert_int_eq(shipest_ctx_get_int(ctx, keys[i], &v), SHIPEST_OK);
        ck_assert_int_eq(v, hi);
        ck_assert_int_eq(shipest_ctx_set_int(ctx, keys[i], lo), SHIPEST_OK);
        /* Out of bounds: an error with a message, and the option unchanged. */
        if (hi < INT64_MAX) {
            ck_assert_int_eq(shipest_ctx_set_int(ctx, keys[i], hi + 1), SHIPEST_ERANGE);
            ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "outside"));
            ck_assert_int_eq(shipest_ctx_errcode(ctx), SHIPEST_ERANGE);
        }
        ck_assert_int_eq(shipest_ctx_set_int(ctx, keys[i], lo - 1), SHIPEST_ERANGE);
        ck_assert_int_eq(shipest_ctx_get_int(ctx, keys[i], &v), SHIPEST_OK);
        ck_assert_int_eq(v, lo);
    }
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_double_options)
{
    shipest_ctx *ctx;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    double lo, hi, v;
    ck_assert_int_eq(shipest_ctx_double_bounds(ctx, SHIPEST_OPT_COVERAGE, &lo, &hi), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_get_double(ctx, SHIPEST_OPT_COVERAGE, &v), SHIPEST_OK);
    ck_assert_double_eq(v, 0.9);
    ck_assert_int_eq(shipest_ctx_set_double(ctx, SHIPEST_OPT_COVERAGE, 0.95), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_double(ctx, SHIPEST_OPT_COVERAGE, hi + 0.0005), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_ctx_set_double(ctx, SHIPEST_OPT_COVERAGE, NAN), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_ctx_set_double(ctx, SHIPEST_OPT_COVERAGE, INFINITY), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_ctx_get_double(ctx, SHIPEST_OPT_COVERAGE, &v), SHIPEST_OK);
    ck_assert_double_eq(v, 0.95);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_unknown_and_mistyped_keys)
{
    shipest_ctx *ctx;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    int64_t v = 42;
    double d = 4.2;
    ck_assert_int_eq(shipest_ctx_set_int(ctx, (shipest_option)999, 1), SHIPEST_EOPTION);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "999"));
    ck_assert_int_eq(shipest_ctx_get_int(ctx, (shipest_option)0, &v), SHIPEST_EOPTION);
    ck_assert_int_eq(v, 42); /* untouched on failure */
    /* An integer key through the real setter, and the other way round. */
    ck_assert_int_eq(shipest_ctx_set_double(ctx, SHIPEST_OPT_SEED, 3.0), SHIPEST_EOPTION);
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_COVERAGE, 1), SHIPEST_EOPTION);
    ck_assert_int_eq(shipest_ctx_get_double(ctx, SHIPEST_OPT_TRIALS, &d), SHIPEST_EOPTION);
    ck_assert_double_eq(d, 4.2);
    ck_assert_int_eq(shipest_ctx_get_int(ctx, SHIPEST_OPT_SEED, &v), SHIPEST_OK);
    ck_assert_int_eq(v, 1); /* the seed kept its default */
    shipest_ctx_free(ctx);
}
END_TEST

typedef struct log_record {
    int calls;
    shipest_log_level level;
    char last[512];
} log_record;

static void record_log(void *user, shipest_log_level level, const char *message)
{
    log_record *r = user;
    r->calls++;
    r->level = level;
    strncpy(r->last, message, sizeof r->last - 1);
    r->last[sizeof r->last - 1] = '\0';
}

START_TEST(test_log_callback_gets_errors)
{
    shipest_ctx *ctx;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    log_record r = { 0, SHIPEST_LOG_INFO, "" };
    ck_assert_int_eq(shipest_ctx_set_log(ctx, record_log, &r), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, 0), SHIPEST_ERANGE);
    ck_assert_int_eq(r.calls, 1);
    ck_assert_int_eq(r.level, SHIPEST_LOG_ERROR);
    ck_assert_str_eq(r.last, shipest_ctx_errmsg(ctx));
    ck_assert_int_eq(shipest_ctx_set_log(ctx, NULL, NULL), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, 0), SHIPEST_ERANGE);
    ck_assert_int_eq(r.calls, 1); /* removed: no more calls */
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_custom_allocator_used_and_balanced)
{
    harness_alloc a;
    shipest_ctx *ctx = harness_ctx_failing(&a, 0);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_ge(a.calls, 1); /* the context itself came from the hook */
    shipest_ctx_free(ctx);
    ck_assert_int_eq(a.live, 0);
}
END_TEST

START_TEST(test_ctx_new_oom)
{
    HARNESS_OOM_LOOP(st = SHIPEST_OK, (void)0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("ctx");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_strerror);
    tcase_add_test(tc, test_new_free);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_int_options);
    tcase_add_test(tc, test_double_options);
    tcase_add_test(tc, test_unknown_and_mistyped_keys);
    tcase_add_test(tc, test_log_callback_gets_errors);
    tcase_add_test(tc, test_custom_allocator_used_and_balanced);
    tcase_add_test(tc, test_ctx_new_oom);
    suite_add_tcase(s, tc);
    return s;
}
