/* check_mc.c — the Monte Carlo engine: analytic cases, determinism across
 * threads, block sizes and range splits, merging, adaptive stopping, the
 * sketch bound, the copula, Latin hypercube, progress, cancellation and
 * allocation failure.
 *
 * Monte Carlo tolerances are 5 standard errors (a false failure has
 * probability below 1e-6 per assert with the fixed seeds used), computed
 * from the result's own standard errors unless stated. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t scaled(uint64_t n)
{
    /* Sanitizer and valgrind runs are 10-50x slower: shrink the trials. */
    return getenv("SHIPEST_TEST_VALGRIND") != NULL || getenv("SHIPEST_TEST_SHRINK") != NULL ? n / 20 : n;
}

#define TRY(x)                       \
    do {                             \
        st = (x);                    \
        if (st != SHIPEST_OK)        \
            goto out;                \
    } while (0)

/* x ~ N(10, 2), y ~ N(-3, 1.5), a ~ LN(1, 0.3), b ~ LN(0.5, 0.4).
 * Outputs: sum = x + y, prod = a b, quot = a / b, zero = x - x. */
static shipest_status build_basic(shipest_ctx *ctx, shipest_model **out)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_dist *dx = NULL, *dy = NULL, *da = NULL, *db = NULL;
    shipest_node x, y, a, b, n;
    *out = NULL;
    TRY(shipest_model_new(ctx, &m));
    TRY(shipest_dist_normal(ctx, 10, 2, &dx));
    TRY(shipest_dist_normal(ctx, -3, 1.5, &dy));
    TRY(shipest_dist_lognormal(ctx, 1, 0.3, &da));
    TRY(shipest_dist_lognormal(ctx, 0.5, 0.4, &db));
    TRY(shipest_model_input(m, "x", dx, NULL, "report X", &x));
    TRY(shipest_model_input(m, "y", dy, NULL, NULL, &y));
    TRY(shipest_model_input(m, "a", da, NULL, NULL, &a));
    TRY(shipest_model_input(m, "b", db, NULL, NULL, &b));
    TRY(shipest_model_add(m, x, y, &n));
    TRY(shipest_model_name(m, n, "sum", NULL, &n));
    TRY(shipest_model_output(m, n));
    TRY(shipest_model_mul(m, a, b, &n));
    TRY(shipest_model_name(m, n, "prod", NULL, &n));
    TRY(shipest_model_output(m, n));
    TRY(shipest_model_div(m, a, b, &n));
    TRY(shipest_model_name(m, n, "quot", NULL, &n));
    TRY(shipest_model_output(m, n));
    TRY(shipest_model_sub(m, x, x, &n));
    TRY(shipest_model_name(m, n, "zero", NULL, &n));
    TRY(shipest_model_output(m, n));
out:
    shipest_dist_free(dx);
    shipest_dist_free(dy);
    shipest_dist_free(da);
    shipest_dist_free(db);
    if (st != SHIPEST_OK)
        shipest_model_free(m);
    else
        *out = m;
    return st;
}

enum { O_SUM, O_PROD, O_QUOT, O_ZERO };

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

static void set_int(shipest_ctx *ctx, shipest_option k, int64_t v)
{
    ck_assert_int_eq(shipest_ctx_set_int(ctx, k, v), SHIPEST_OK);
}

static double get(shipest_status (*fn)(const shipest_result *, size_t, double *),
                  const shipest_result *r, size_t i)
{
    double v = NAN;
    ck_assert_int_eq(fn(r, i, &v), SHIPEST_OK);
    return v;
}

static double quant(const shipest_result *r, size_t i, double p)
{
    double q = NAN;
    ck_assert_int_eq(shipest_result_quantile(r, i, p, &q), SHIPEST_OK);
    return q;
}

static double qse(const shipest_result *r, size_t i, double p)
{
    double se = NAN;
    ck_assert_int_eq(shipest_result_mc_se_quantile(r, i, p, &se), SHIPEST_OK);
    return se;
}

static shipest_result *run_range(shipest_ctx *ctx, const shipest_model *m, uint64_t first,
                                 uint64_t n, unsigned flags)
{
    shipest_result *r = NULL;
    shipest_status st = shipest_model_run_range(ctx, m, first, n, flags, &r);
    ck_assert_msg(st == SHIPEST_OK, "run: %s", shipest_ctx_errmsg(ctx));
    return r;
}

/* Standard normal quantiles used below. */
#define Z95 1.6448536269514722
#define Z975 1.959963984540054

START_TEST(test_sum_of_normals)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    uint64_t n = scaled(200000);
    shipest_result *r = run_range(ctx, m, 0, n, 0);
    ck_assert_uint_eq(shipest_result_trials(r), n);
    ck_assert_int_eq(shipest_result_stop_reason(r), SHIPEST_STOP_FIXED);
    ck_assert_int_eq(shipest_result_is_sketched(r), 0);
    /* sum ~ N(7, 2.5) exactly. */
    double sigma = 2.5, mean = get(shipest_result_mean, r, O_SUM), sd = get(shipest_result_sd, r, O_SUM);
    double se = get(shipest_result_mc_se_mean, r, O_SUM);
    ck_assert_double_eq_tol(se, sigma / sqrt((double)n), 0.05 * se); /* se from the sample sd */
    ck_assert_double_eq_tol(mean, 7.0, 5 * se);
    /* SE of a normal sample sd: sigma / sqrt(2 (n - 1)). */
    ck_assert_double_eq_tol(sd, sigma, 5 * sigma / sqrt(2.0 * (double)(n - 1)));
    ck_assert_double_eq_tol(quant(r, O_SUM, 0.5), 7.0, 5 * qse(r, O_SUM, 0.5));
    ck_assert_double_eq_tol(quant(r, O_SUM, 0.95), 7.0 + Z95 * sigma, 5 * qse(r, O_SUM, 0.95));
    ck_assert_double_eq_tol(quant(r, O_SUM, 0.05), 7.0 - Z95 * sigma, 5 * qse(r, O_SUM, 0.05));
    double lo, hi;
    ck_assert_int_eq(shipest_result_interval(r, O_SUM, SHIPEST_INTERVAL_SYMMETRIC, 0.95, &lo, &hi),
                     SHIPEST_OK);
    ck_assert_double_eq_tol(lo, 7.0 - Z975 * sigma, 5 * qse(r, O_SUM, 0.025));
    ck_assert_double_eq_tol(hi, 7.0 + Z975 * sigma, 5 * qse(r, O_SUM, 0.975));
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_lognormal_product_quotient)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    uint64_t n = scaled(200000);
    shipest_result *r = run_range(ctx, m, 0, n, 0);
    /* a b ~ LN(1.5, 0.5) and a / b ~ LN(0.5, 0.5): sigma^2 = 0.09 + 0.16. */
    const double mu[2] = {1.5, 0.5}, s = 0.5;
    const size_t o[2] = {O_PROD, O_QUOT};
    for (int k = 0; k < 2; k++) {
        double mean = exp(mu[k] + s * s / 2);
        double sd = mean * sqrt(exp(s * s) - 1);
        double se = get(shipest_result_mc_se_mean, r, o[k]);
        ck_assert_double_eq_tol(get(shipest_result_mean, r, o[k]), mean, 5 * se);
        /* SE of a sample sd, any distribution: sd * sqrt((kurtosis - 1) / (4 n));
         * lognormal excess kurtosis at s = 0.5 is about 5.9, so kurtosis ~ 8.9. */
        ck_assert_double_eq_tol(get(shipest_result_sd, r, o[k]), sd,
                                5 * sd * sqrt((8.9 - 1) / (4.0 * (double)n)));
        const double ps[3] = {0.05, 0.5, 0.95}, zs[3] = {-Z95, 0, Z95};
        for (int j = 0; j < 3; j++)
            ck_assert_double_eq_tol(quant(r, o[k], ps[j]), exp(mu[k] + s * zs[j]),
                                    5 * qse(r, o[k], ps[j]));
    }
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_same_input_is_one_draw)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    shipest_result *r = run_range(ctx, m, 5, 3000, 0);
    double v[3000];
    ck_assert_int_eq(shipest_result_samples(r, O_ZERO, 0, 3000, v), SHIPEST_OK);
    for (int j = 0; j < 3000; j++)
        ck_assert(v[j] == 0.0); /* x - x is exactly 0 in every trial */
    ck_assert(get(shipest_result_sd, r, O_ZERO) == 0.0);
    ck_assert(get(shipest_result_mean, r, O_ZERO) == 0.0);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_intervals_on_skewed_output)
{
    /* y ~ LN(0, 1): the shortest 90% interval sits left of the symmetric one
     * and is narrower. Reference: the shortest interval of the exact
     * distribution, by scanning its lower tail probability. */
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    shipest_dist *d;
    shipest_node y;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_lognormal(ctx, 0, 1, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, "y", d, NULL, NULL, &y), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, y), SHIPEST_OK);
    uint64_t n = scaled(400000);
    shipest_result *r = run_range(ctx, m, 0, n, 0);
    double slo, shi, tlo, thi;
    ck_assert_int_eq(shipest_result_interval(r, 0, SHIPEST_INTERVAL_SYMMETRIC, 0.9, &slo, &shi), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_interval(r, 0, SHIPEST_INTERVAL_SHORTEST, 0.9, &tlo, &thi), SHIPEST_OK);
    ck_assert(thi - tlo < shi - slo);
    ck_assert(tlo < slo && thi < shi);
    double best = INFINITY, aa = 0;
    for (int k = 1; k < 10000; k++) {
        double a = 0.1 * k / 10000.0, x0, x1;
        ck_assert_int_eq(shipest_dist_quantile(d, a, &x0), SHIPEST_OK);
        ck_assert_int_eq(shipest_dist_quantile(d, a + 0.9, &x1), SHIPEST_OK);
        if (x1 - x0 < best) {
            best = x1 - x0;
            aa = a;
        }
    }
    /* The width is flat at its minimum, so the ends wander but the width
     * and the probability held do not: the width within 5 SE of the two
     * order statistics, the exact probability of the interval within 5
     * binomial SE of 0.9. */
    ck_assert_double_eq_tol(thi - tlo, best, 5 * (qse(r, 0, aa) + qse(r, 0, aa + 0.9)));
    double c0, c1;
    ck_assert_int_eq(shipest_dist_cdf(d, tlo, &c0), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_cdf(d, thi, &c1), SHIPEST_OK);
    ck_assert_double_eq_tol(c1 - c0, 0.9, 5 * sqrt(0.9 * 0.1 / (double)n));
    ck_assert_double_eq_tol(slo, exp(-Z95), 5 * qse(r, 0, 0.05));
    ck_assert_double_eq_tol(shi, exp(Z95), 5 * qse(r, 0, 0.95));
    shipest_result_free(r);
    shipest_dist_free(d);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Every statistic of two results is bitwise the same. */
static void assert_same(const shipest_result *a, const shipest_result *b)
{
    ck_assert_uint_eq(shipest_result_trials(a), shipest_result_trials(b));
    ck_assert_uint_eq(shipest_result_output_count(a), shipest_result_output_count(b));
    ck_assert_int_eq(shipest_result_is_sketched(a), shipest_result_is_sketched(b));
    for (size_t i = 0; i < shipest_result_output_count(a); i++) {
        double x[8], y[8];
        x[0] = get(shipest_result_mean, a, i);
        y[0] = get(shipest_result_mean, b, i);
        x[1] = get(shipest_result_sd, a, i);
        y[1] = get(shipest_result_sd, b, i);
        const double ps[6] = {0, 0.01, 0.05, 0.5, 0.95, 1};
        for (int k = 0; k < 6; k++) {
            x[2 + k] = quant(a, i, ps[k]);
            y[2 + k] = quant(b, i, ps[k]);
        }
        ck_assert_msg(memcmp(x, y, sizeof x) == 0, "output %zu differs: mean %.17g vs %.17g, "
                      "sd %.17g vs %.17g", i, x[0], y[0], x[1], y[1]);
        for (size_t k = 0; k < shipest_result_sensitivity_count(a, i); k++) {
            const char *na, *nb;
            double sa, sb;
            ck_assert_int_eq(shipest_result_sensitivity(a, i, k, &na, &sa, NULL), SHIPEST_OK);
            ck_assert_int_eq(shipest_result_sensitivity(b, i, k, &nb, &sb, NULL), SHIPEST_OK);
            ck_assert_str_eq(na, nb);
            ck_assert(memcmp(&sa, &sb, sizeof sa) == 0 || (isnan(sa) && isnan(sb)));
        }
        if (!shipest_result_is_sketched(a)) {
            size_t n = (size_t)shipest_result_trials(a);
            double *va = malloc(n * sizeof *va), *vb = malloc(n * sizeof *vb);
            ck_assert_int_eq(shipest_result_samples(a, i, 0, n, va), SHIPEST_OK);
            ck_assert_int_eq(shipest_result_samples(b, i, 0, n, vb), SHIPEST_OK);
            ck_assert(memcmp(va, vb, n * sizeof *va) == 0);
            free(va);
            free(vb);
        }
    }
}

static void determinism(int64_t max_memory, unsigned flags, uint64_t n)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    set_int(ctx, SHIPEST_OPT_MAX_MEMORY, max_memory);
    uint64_t first = 37; /* neither end of [first, first + n) on a block edge */
    set_int(ctx, SHIPEST_OPT_THREADS, 1);
    set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, 4096);
    shipest_result *ref = run_range(ctx, m, first, n, flags);
    ck_assert_int_eq(shipest_result_is_sketched(ref), max_memory < (INT64_C(2) << 20));
    const int64_t threads[3] = {2, 3, 4}, blocks[3] = {64, 1000, 65536};
    for (int k = 0; k < 3; k++) {
        set_int(ctx, SHIPEST_OPT_THREADS, threads[k]);
        set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, blocks[k]);
        shipest_result *r = run_range(ctx, m, first, n, flags);
        assert_same(ref, r);
        shipest_result_free(r);
    }
    /* Range splits at odd places, merged in either order and in threes. */
    const uint64_t cut[3] = {1, n > 4200 ? 4099 : n / 3 + 1, n / 2 + 3};
    for (int k = 0; k < 3; k++) {
        shipest_result *a = run_range(ctx, m, first, cut[k], flags);
        shipest_result *b = run_range(ctx, m, first + cut[k], n - cut[k], flags);
        shipest_result *ab, *ba;
        ck_assert_int_eq(shipest_result_merge(ctx, a, b, &ab), SHIPEST_OK);
        ck_assert_int_eq(shipest_result_merge(ctx, b, a, &ba), SHIPEST_OK);
        ck_assert_int_eq(shipest_result_stop_reason(ab), SHIPEST_STOP_MERGED);
        assert_same(ref, ab);
        assert_same(ref, ba);
        shipest_result_free(a);
        shipest_result_free(b);
        shipest_result_free(ab);
        shipest_result_free(ba);
    }
    uint64_t c1 = 1000, c2 = 2 * n / 3;
    shipest_result *p1 = run_range(ctx, m, first, c1, flags);
    shipest_result *p2 = run_range(ctx, m, first + c1, c2 - c1, flags);
    shipest_result *p3 = run_range(ctx, m, first + c2, n - c2, flags);
    shipest_result *p13, *all;
    ck_assert_int_eq(shipest_result_merge(ctx, p1, p3, &p13), SHIPEST_OK); /* not adjacent */
    ck_assert_int_eq(shipest_result_merge(ctx, p13, p2, &all), SHIPEST_OK);
    assert_same(ref, all);
    shipest_result_free(p1);
    shipest_result_free(p2);
    shipest_result_free(p3);
    shipest_result_free(p13);
    shipest_result_free(all);
    shipest_result_free(ref);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}

START_TEST(test_determinism_kept)
{
    determinism(INT64_C(256) << 20, 0, scaled(60000) + 11);
}
END_TEST

START_TEST(test_determinism_sketched)
{
    determinism(INT64_C(1) << 20, 0, 20011); /* 20k trials x 4 outputs pass 1 MiB */
}
END_TEST

START_TEST(test_determinism_lhs)
{
    determinism(INT64_C(256) << 20, SHIPEST_RUN_LHS, scaled(60000) + 11);
}
END_TEST

/* ---- the sensitivity subsample across many selections ------------------------ */

/* A result's image (free() it). */
static unsigned char *image_of(const shipest_result *r, size_t *len)
{
    ck_assert_int_eq(shipest_result_serialize(r, NULL, 0, len), SHIPEST_OK);
    unsigned char *img = malloc(*len);
    ck_assert_ptr_nonnull(img);
    size_t len2 = 0;
    ck_assert_int_eq(shipest_result_serialize(r, img, *len, &len2), SHIPEST_OK);
    ck_assert_uint_eq(len2, *len);
    return img;
}

static uint64_t le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The subsample rows of an image (docs/serialization.md: R rows of a u64
 * trial and O + S doubles, just before the checksum); checks that their
 * trials ascend. */
static const unsigned char *subsample_rows(const unsigned char *img, size_t len, size_t *bytes)
{
    size_t row = 8 + 8 * (size_t)(le(img + 48, 4) + le(img + 52, 4)), rows = (size_t)le(img + 60, 4);
    uint64_t trials = le(img + 64, 8);
    ck_assert_uint_eq(rows, trials < 32768 ? trials : 32768);
    *bytes = rows * row;
    ck_assert_uint_ge(len, *bytes + 8);
    const unsigned char *p = img + len - 8 - *bytes;
    for (size_t i = 1; i < rows; i++)
        ck_assert_msg(le(p + (i - 1) * row, 8) < le(p + i * row, 8), "subsample row %zu out of order", i);
    return p;
}

/* Sensitivity shares and correlations bit for bit. */
static void assert_same_sensitivity(const shipest_result *a, const shipest_result *b)
{
    for (size_t i = 0; i < shipest_result_output_count(a); i++) {
        size_t nk = shipest_result_sensitivity_count(a, i);
        ck_assert_uint_eq(nk, shipest_result_sensitivity_count(b, i));
        for (size_t k = 0; k < nk; k++) {
            const char *na, *nb;
            double sa, sb, ra, rb;
            ck_assert_int_eq(shipest_result_sensitivity(a, i, k, &na, &sa, &ra), SHIPEST_OK);
            ck_assert_int_eq(shipest_result_sensitivity(b, i, k, &nb, &sb, &rb), SHIPEST_OK);
            ck_assert_str_eq(na, nb);
            ck_assert_msg(memcmp(&sa, &sb, sizeof sa) == 0 && memcmp(&ra, &rb, sizeof ra) == 0,
                          "output %zu, input %zu: share %.17g vs %.17g, rho %.17g vs %.17g", i, k,
                          sa, sb, ra, rb);
        }
    }
}

START_TEST(test_sensitivity_sample_many_selections)
{
    /* 300,007 trials: every reservoir, on every thread and in every piece
     * above 2 x 32768 trials, fills its slots and selects several times
     * (once per doubling of the trials it has seen). The sample must still
     * be exactly the 32768 smallest keys of all trials: sensitivity bit for
     * bit as one run on one thread, and the same subsample rows, in
     * ascending trial order, in every image. */
    uint64_t n = getenv("SHIPEST_TEST_VALGRIND") != NULL ? 140009 : 300007;
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    set_int(ctx, SHIPEST_OPT_THREADS, 1);
    shipest_result *ref = run_range(ctx, m, 0, n, 0);
    size_t len_ref, sub_ref;
    unsigned char *img_ref = image_of(ref, &len_ref);
    const unsigned char *rows_ref = subsample_rows(img_ref, len_ref, &sub_ref);

    /* Threads and blocks: the whole image is the same. */
    const int64_t threads[2] = {2, 3}, blocks[2] = {64, 1000};
    for (int k = 0; k < 2; k++) {
        set_int(ctx, SHIPEST_OPT_THREADS, threads[k]);
        set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, blocks[k]);
        shipest_result *r = run_range(ctx, m, 0, n, 0);
        assert_same_sensitivity(ref, r);
        size_t len;
        unsigned char *img = image_of(r, &len);
        ck_assert_uint_eq(len, len_ref);
        ck_assert_msg(memcmp(img, img_ref, len) == 0, "%lld threads: the image differs",
                      (long long)threads[k]);
        free(img);
        shipest_result_free(r);
    }

    /* Uneven pieces on two threads, merged out of order: the same sample. */
    set_int(ctx, SHIPEST_OPT_THREADS, 2);
    set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, 4096);
    const uint64_t cut[7] = {0, 1, 777, 65539, n / 2 + 1, n - 1000, n};
    shipest_result *piece[6];
    for (int k = 0; k < 6; k++)
        piece[k] = run_range(ctx, m, cut[k], cut[k + 1] - cut[k], 0);
    static const int order[6] = {3, 0, 5, 2, 4, 1};
    shipest_result *merged = piece[order[0]];
    piece[order[0]] = NULL;
    for (int k = 1; k < 6; k++) {
        shipest_result *next = NULL;
        ck_assert_int_eq(shipest_result_merge(ctx, piece[order[k]], merged, &next), SHIPEST_OK);
        shipest_result_free(merged);
        merged = next;
    }
    assert_same_sensitivity(ref, merged);
    size_t len_m, sub_m;
    unsigned char *img_m = image_of(merged, &len_m);
    const unsigned char *rows_m = subsample_rows(img_m, len_m, &sub_m);
    ck_assert_uint_eq(sub_m, sub_ref);
    ck_assert_msg(memcmp(rows_m, rows_ref, sub_ref) == 0, "the merged subsample differs");

    /* Through an image and back: the same sensitivity and the same image. */
    shipest_result *back = NULL;
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, img_m, len_m, &back), SHIPEST_OK);
    assert_same_sensitivity(ref, back);
    size_t len_b;
    unsigned char *img_b = image_of(back, &len_b);
    ck_assert_uint_eq(len_b, len_m);
    ck_assert_msg(memcmp(img_b, img_m, len_m) == 0, "the image of the read-back result differs");

    free(img_b);
    free(img_m);
    free(img_ref);
    shipest_result_free(back);
    shipest_result_free(merged);
    for (int k = 0; k < 6; k++)
        shipest_result_free(piece[k]);
    shipest_result_free(ref);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Does the image's subsample hold this trial? */
static int subsample_has(const unsigned char *img, size_t len, uint64_t trial)
{
    size_t bytes, row = 8 + 8 * (size_t)(le(img + 48, 4) + le(img + 52, 4));
    const unsigned char *p = subsample_rows(img, len, &bytes);
    for (size_t at = 0; at < bytes; at += row)
        if (le(p + at, 8) == trial)
            return 1;
    return 0;
}

START_TEST(test_sensitivity_sample_edges)
{
    /* Around the sample size and the first selection (when 2 x 32768
     * slots fill): one thread, two threads on small blocks and a split
     * merged, all with the same subsample. */
    static const uint64_t sizes[] = {32768, 32769, 65536, 65537, 98305};
    int slow = getenv("SHIPEST_TEST_VALGRIND") != NULL;
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    for (size_t k = slow ? 1 : 0; k < (slow ? 4u : 5u); k += slow ? 2 : 1) {
        uint64_t n = sizes[k], first = 5;
        set_int(ctx, SHIPEST_OPT_THREADS, 1);
        set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, 4096);
        shipest_result *ref = run_range(ctx, m, first, n, 0);
        set_int(ctx, SHIPEST_OPT_THREADS, 2);
        set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, 64);
        shipest_result *thr = run_range(ctx, m, first, n, 0);
        shipest_result *a = run_range(ctx, m, first, n / 3 + 1, 0);
        shipest_result *b = run_range(ctx, m, first + n / 3 + 1, n - n / 3 - 1, 0);
        shipest_result *ab = NULL;
        ck_assert_int_eq(shipest_result_merge(ctx, b, a, &ab), SHIPEST_OK);
        size_t len_ref, sub_ref;
        unsigned char *img_ref = image_of(ref, &len_ref);
        const unsigned char *rows_ref = subsample_rows(img_ref, len_ref, &sub_ref);
        const shipest_result *other[2] = {thr, ab};
        for (int j = 0; j < 2; j++) {
            assert_same_sensitivity(ref, other[j]);
            size_t len, sub;
            unsigned char *img = image_of(other[j], &len);
            const unsigned char *rows = subsample_rows(img, len, &sub);
            ck_assert_uint_eq(sub, sub_ref);
            ck_assert_msg(memcmp(rows, rows_ref, sub) == 0, "%llu trials, %s: the subsample differs",
                          (unsigned long long)n, j ? "merged" : "two threads");
            free(img);
        }
        free(img_ref);
        shipest_result_free(ref);
        shipest_result_free(thr);
        shipest_result_free(a);
        shipest_result_free(b);
        shipest_result_free(ab);
    }
    /* The one trial whose key is UINT64_MAX (the inverse of splitmix64 at
     * all ones) enters while the sample is not full, alone or merged. */
    const uint64_t top = UINT64_C(0x31628af67b2131ab);
    set_int(ctx, SHIPEST_OPT_THREADS, 1);
    shipest_result *r = run_range(ctx, m, top - 50, 100, 0);
    shipest_result *lo = run_range(ctx, m, top - 50, 50, 0);
    shipest_result *hi = run_range(ctx, m, top, 50, 0);
    shipest_result *both = NULL;
    ck_assert_int_eq(shipest_result_merge(ctx, hi, lo, &both), SHIPEST_OK);
    assert_same_sensitivity(r, both);
    size_t len;
    unsigned char *img = image_of(r, &len);
    ck_assert(subsample_has(img, len, top));
    free(img);
    img = image_of(both, &len);
    ck_assert(subsample_has(img, len, top));
    free(img);
    shipest_result_free(r);
    shipest_result_free(lo);
    shipest_result_free(hi);
    shipest_result_free(both);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_merge_rejects_mismatches)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    shipest_result *a = run_range(ctx, m, 0, 1000, 0);
    shipest_result *b = run_range(ctx, m, 500, 1000, 0);
    shipest_result *out = (shipest_result *)(uintptr_t)1;
    ck_assert_int_eq(shipest_result_merge(ctx, a, b, &out), SHIPEST_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "overlap"));
    shipest_result *c = run_range(ctx, m, 1000, 1000, SHIPEST_RUN_LHS);
    ck_assert_int_eq(shipest_result_merge(ctx, a, c, &out), SHIPEST_EINVAL);
    set_int(ctx, SHIPEST_OPT_SEED, 99);
    shipest_result *d = run_range(ctx, m, 1000, 1000, 0);
    ck_assert_int_eq(shipest_result_merge(ctx, a, d, &out), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_merge(ctx, a, NULL, &out), SHIPEST_EINVAL);
    shipest_result_free(a);
    shipest_result_free(b);
    shipest_result_free(c);
    shipest_result_free(d);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_sketch_bound)
{
    /* Same trials kept and sketched: every sketched quantile within the
     * stated relative error of the exact one; moments identical. */
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    uint64_t n = 20000; /* enough to pass 1 MiB with 4 outputs, even under valgrind */
    shipest_result *exact = run_range(ctx, m, 0, n, 0);
    set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20);
    shipest_result *sk = run_range(ctx, m, 0, n, 0);
    ck_assert_int_eq(shipest_result_is_sketched(exact), 0);
    ck_assert_int_eq(shipest_result_is_sketched(sk), 1);
    double rel, unc;
    ck_assert_int_eq(shipest_result_sketch_bound(sk, O_PROD, &rel, &unc), SHIPEST_OK);
    ck_assert(rel == 1e-3 && unc == 0);
    ck_assert_int_eq(shipest_result_sketch_bound(exact, O_PROD, &rel, &unc), SHIPEST_OK);
    ck_assert(rel == 0);
    double v[4];
    ck_assert_int_eq(shipest_result_samples(sk, 0, 0, 4, v), SHIPEST_EUNSUPPORTED);
    for (size_t i = O_SUM; i <= O_QUOT; i++) {
        ck_assert(get(shipest_result_mean, exact, i) == get(shipest_result_mean, sk, i));
        ck_assert(get(shipest_result_sd, exact, i) == get(shipest_result_sd, sk, i));
        for (int k = 0; k <= 100; k++) {
            double p = k / 100.0, qe = quant(exact, i, p), qs = quant(sk, i, p);
            ck_assert_msg(fabs(qs - qe) <= 1e-3 * fabs(qe), "output %zu p %g: %.17g vs %.17g", i,
                          p, qs, qe);
        }
        double pe, ps;
        double t = quant(exact, i, 0.3);
        ck_assert_int_eq(shipest_result_prob_above(exact, i, t, &pe, NULL), SHIPEST_OK);
        ck_assert_int_eq(shipest_result_prob_above(sk, i, t, &ps, NULL), SHIPEST_OK);
        /* Only values within 1e-3 of t can be counted on the wrong side. */
        double pl, ph;
        ck_assert_int_eq(shipest_result_prob_above(exact, i, t - 1e-3 * fabs(t), &ph, NULL), SHIPEST_OK);
        ck_assert_int_eq(shipest_result_prob_above(exact, i, t + 1e-3 * fabs(t), &pl, NULL), SHIPEST_OK);
        ck_assert(ps >= pl && ps <= ph);
    }
    shipest_result_free(exact);
    shipest_result_free(sk);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_adaptive_stops)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    shipest_result *r = NULL;
    ck_assert_int_eq(shipest_model_run_adaptive(ctx, m, 1, 2000000, 0, &r), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_stop_reason(r), SHIPEST_STOP_STABLE);
    uint64_t n = shipest_result_trials(r);
    ck_assert_uint_eq(n % 10000, 0);
    ck_assert(n >= 20000 && n < 2000000);
    for (size_t i = O_SUM; i <= O_QUOT; i++) {
        /* The rule it stopped by, checked with the total's own standard
         * error: 2 se(mean) within delta = 10^l / 2, where u has 1 digit.
         * The stopping rule estimated se from h >= 2 sequences, so allow a
         * factor 2 for that estimate's own scatter. */
        double u = get(shipest_result_sd, r, i), se = get(shipest_result_mc_se_mean, r, i);
        double delta = 0.5 * pow(10, floor(log10(u)));
        ck_assert_msg(2 * se <= 2 * delta, "output %zu: 2 se %g, delta %g", i, 2 * se, delta);
    }
    /* The same trials run in one go give the same moments (merge exactness). */
    shipest_result *one = run_range(ctx, m, 0, n, 0);
    for (size_t i = 0; i < 4; i++) {
        ck_assert(get(shipest_result_mean, r, i) == get(shipest_result_mean, one, i));
        ck_assert(get(shipest_result_sd, r, i) == get(shipest_result_sd, one, i));
    }
    shipest_result_free(one);
    shipest_result_free(r);
    /* Six digits cannot come within three sequences: the cap stops it. */
    ck_assert_int_eq(shipest_model_run_adaptive(ctx, m, 6, 30000, 0, &r), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_stop_reason(r), SHIPEST_STOP_CAP);
    ck_assert_uint_eq(shipest_result_trials(r), 30000);
    shipest_result_free(r);
    ck_assert_int_eq(shipest_model_run_adaptive(ctx, m, 0, 30000, 0, &r), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_model_run_adaptive(ctx, m, 2, 100, 0, &r), SHIPEST_ERANGE);
    ck_assert_ptr_null(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* x, y ~ N(0, 1) correlated rho; outputs x, y and s = x + y. */
static shipest_status build_corr(shipest_ctx *ctx, double rho, shipest_model **out)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_dist *d = NULL;
    shipest_node x, y, s;
    *out = NULL;
    TRY(shipest_model_new(ctx, &m));
    TRY(shipest_dist_normal(ctx, 0, 1, &d));
    TRY(shipest_model_input(m, "x", d, NULL, NULL, &x));
    TRY(shipest_model_input(m, "y", d, NULL, NULL, &y));
    TRY(shipest_model_correlate(m, x, y, rho));
    TRY(shipest_model_output(m, x));
    TRY(shipest_model_output(m, y));
    TRY(shipest_model_add(m, x, y, &s));
    TRY(shipest_model_name(m, s, "s", NULL, &s));
    TRY(shipest_model_output(m, s));
out:
    shipest_dist_free(d);
    if (st != SHIPEST_OK)
        shipest_model_free(m);
    else
        *out = m;
    return st;
}

START_TEST(test_copula_correlation)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    const double rho = 0.7;
    ck_assert_int_eq(build_corr(ctx, rho, &m), SHIPEST_OK);
    size_t n = (size_t)scaled(100000);
    shipest_result *r = run_range(ctx, m, 0, n, 0);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    ck_assert_int_eq(shipest_result_samples(r, 0, 0, n, x), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_samples(r, 1, 0, n, y), SHIPEST_OK);
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t j = 0; j < n; j++) {
        sx += x[j];
        sy += y[j];
    }
    sx /= (double)n;
    sy /= (double)n;
    for (size_t j = 0; j < n; j++) {
        sxx += (x[j] - sx) * (x[j] - sx);
        syy += (y[j] - sy) * (y[j] - sy);
        sxy += (x[j] - sx) * (y[j] - sy);
    }
    double r_hat = sxy / sqrt(sxx * syy);
    /* Normal marginals: the copula's rho is Pearson's; SE (1 - rho^2) / sqrt(n). */
    ck_assert_double_eq_tol(r_hat, rho, 5 * (1 - rho * rho) / sqrt((double)n));
    /* sd(x + y) = sqrt(2 + 2 rho); SE of a normal sample sd sd / sqrt(2 n). */
    double sd = sqrt(2 + 2 * rho);
    ck_assert_double_eq_tol(get(shipest_result_sd, r, 2), sd, 5 * sd / sqrt(2.0 * (double)n));
    free(x);
    free(y);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_copula_not_positive_definite)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    shipest_dist *d;
    shipest_node a, b, c, s;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, 1, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, "alpha", d, NULL, NULL, &a), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, "beta", d, NULL, NULL, &b), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, "gamma", d, NULL, NULL, &c), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_correlate(m, a, b, 0.9), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_correlate(m, b, c, 0.9), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_correlate(m, a, c, -0.9), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_add(m, a, b, &s), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_add(m, s, c, &s), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_name(m, s, "s", NULL, &s), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, s), SHIPEST_OK);
    shipest_result *r = (shipest_result *)(uintptr_t)1;
    ck_assert_int_eq(shipest_model_run_range(ctx, m, 0, 100, 0, &r), SHIPEST_EDOMAIN);
    ck_assert_ptr_null(r);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_ptr_nonnull(strstr(msg, "positive definite"));
    ck_assert_ptr_nonnull(strstr(msg, "'gamma'"));
    ck_assert(strstr(msg, "'alpha'") != NULL || strstr(msg, "'beta'") != NULL);
    shipest_dist_free(d);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_lhs_stratifies)
{
    /* u ~ U(0, 1) with LHS over 4 whole groups of 1024 trials: each of the
     * 1024 equal strata holds exactly 4 values. Plain sampling does not. */
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    shipest_dist *d;
    shipest_node u;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_uniform(ctx, 0, 1, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, "u", d, NULL, NULL, &u), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, u), SHIPEST_OK);
    uint64_t counts[1024];
    shipest_result *r = run_range(ctx, m, 2048, 4096, SHIPEST_RUN_LHS);
    ck_assert_int_eq(shipest_result_histogram(r, 0, 0, 1, 1024, counts), SHIPEST_OK);
    for (int k = 0; k < 1024; k++)
        ck_assert_uint_eq(counts[k], 4);
    shipest_result_free(r);
    r = run_range(ctx, m, 2048, 4096, 0);
    ck_assert_int_eq(shipest_result_histogram(r, 0, 0, 1, 1024, counts), SHIPEST_OK);
    int uneven = 0;
    for (int k = 0; k < 1024; k++)
        uneven |= counts[k] != 4;
    ck_assert(uneven);
    shipest_result_free(r);
    shipest_dist_free(d);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

typedef struct progress_log {
    int calls, cancel_at;
    double last, max_gap;
    int monotone;
} progress_log;

static int on_progress(void *user, double f)
{
    progress_log *p = user;
    p->calls++;
    if (f < p->last)
        p->monotone = 0;
    if (f - p->last > p->max_gap)
        p->max_gap = f - p->last;
    p->last = f;
    return p->cancel_at > 0 && p->calls >= p->cancel_at;
}

START_TEST(test_progress)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, 64);
    progress_log log = {0, 0, 0, 0, 1};
    ck_assert_int_eq(shipest_ctx_set_progress(ctx, on_progress, &log), SHIPEST_OK);
    shipest_result *r = run_range(ctx, m, 0, 64 * 400, 0);
    ck_assert(log.monotone);
    ck_assert(log.last == 1.0);
    /* 400 blocks: a call every 1% means gaps of at most 1% + one block. */
    ck_assert_msg(log.max_gap <= 0.01 + 1.0 / 400 + 1e-12, "gap %g", log.max_gap);
    ck_assert_int_ge(log.calls, 100);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

static void cancel_case(int64_t threads, int adaptive)
{
    harness_alloc a;
    shipest_ctx *ctx = harness_ctx_failing(&a, 0);
    ck_assert_ptr_nonnull(ctx);
    shipest_model *m;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    set_int(ctx, SHIPEST_OPT_THREADS, threads);
    set_int(ctx, SHIPEST_OPT_BLOCK_SIZE, 64);
    long live = a.live;
    progress_log log = {0, 5, 0, 0, 1};
    ck_assert_int_eq(shipest_ctx_set_progress(ctx, on_progress, &log), SHIPEST_OK);
    shipest_result *r = (shipest_result *)(uintptr_t)1;
    shipest_status st = adaptive ? shipest_model_run_adaptive(ctx, m, 6, 1000000, 0, &r)
                                 : shipest_model_run_range(ctx, m, 0, 1000000, 0, &r);
    ck_assert_int_eq(st, SHIPEST_ECANCELLED);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(log.calls, 5); /* stopped at once */
    ck_assert_int_eq(a.live, live); /* nothing of the run is left */
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    ck_assert_int_eq(a.live, 0);
}

START_TEST(test_cancel)
{
    cancel_case(1, 0);
    /* Threaded: the calling thread keeps reporting while the others work,
     * however few blocks it takes itself (valgrind runs one thread at a
     * time, which made that likely). */
    cancel_case(2, 0);
    cancel_case(2, 1);
}
END_TEST

START_TEST(test_oom_every_allocation)
{
    /* Build, run on two threads over an unaligned range, merge, and an
     * adaptive run: every allocation failure returns ENOMEM, leaks nothing. */
    shipest_model *m = NULL;
    shipest_result *a = NULL, *b = NULL, *ab = NULL, *ad = NULL;
    HARNESS_OOM_LOOP(
        do {
            st = build_basic(ctx, &m);
            if (st != SHIPEST_OK)
                break;
            if ((st = shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, 2)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_run_range(ctx, m, 3, 5000, 0, &a)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_run_range(ctx, m, 5003, 100, 0, &b)) != SHIPEST_OK)
                break;
            if ((st = shipest_result_merge(ctx, a, b, &ab)) != SHIPEST_OK)
                break;
            st = shipest_model_run_adaptive(ctx, m, 1, 20000, 0, &ad);
        } while (0),
        {
            shipest_result_free(a);
            shipest_result_free(b);
            shipest_result_free(ab);
            shipest_result_free(ad);
            shipest_model_free(m);
            a = b = ab = ad = NULL;
            m = NULL;
        });
}
END_TEST

START_TEST(test_oom_sketched)
{
    shipest_model *m = NULL;
    shipest_result *a = NULL, *b = NULL, *ab = NULL;
    HARNESS_OOM_LOOP(
        do {
            st = build_basic(ctx, &m);
            if (st != SHIPEST_OK)
                break;
            if ((st = shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_run_range(ctx, m, 0, 20000, 0, &a)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_run_range(ctx, m, 20000, 500, 0, &b)) != SHIPEST_OK)
                break;
            st = shipest_result_merge(ctx, a, b, &ab);
        } while (0),
        {
            shipest_result_free(a);
            shipest_result_free(b);
            shipest_result_free(ab);
            shipest_model_free(m);
            a = b = ab = NULL;
            m = NULL;
        });
}
END_TEST

START_TEST(test_bad_arguments)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m, *empty;
    ck_assert_int_eq(build_basic(ctx, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_new(ctx, &empty), SHIPEST_OK);
    shipest_result *r = (shipest_result *)(uintptr_t)1;
    ck_assert_int_eq(shipest_model_run(NULL, m, &r), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_run(ctx, NULL, &r), SHIPEST_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(shipest_model_run(ctx, m, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_run(ctx, empty, &r), SHIPEST_EINVAL);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "no outputs"));
    ck_assert_int_eq(shipest_model_run_range(ctx, m, 0, 0, 0, &r), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_model_run_range(ctx, m, UINT64_MAX, 2, 0, &r), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_model_run_range(ctx, m, 0, 10, 0x80, &r), SHIPEST_EINVAL);
    ck_assert_ptr_null(r);
    /* The last trials before 2^64 run, and merge, without overflow. */
    shipest_result *hi1 = NULL, *hi2 = NULL, *hi = NULL;
    ck_assert_int_eq(shipest_model_run_range(ctx, m, UINT64_MAX - 200, 100, 0, &hi1), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_run_range(ctx, m, UINT64_MAX - 100, 100, 0, &hi2), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_merge(ctx, hi1, hi2, &hi), SHIPEST_OK);
    ck_assert_uint_eq(shipest_result_trials(hi), 200);
    double z[200];
    ck_assert_int_eq(shipest_result_samples(hi, O_ZERO, 0, 200, z), SHIPEST_OK);
    for (int j = 0; j < 200; j++)
        ck_assert(z[j] == 0.0);
    shipest_result_free(hi1);
    shipest_result_free(hi2);
    shipest_result_free(hi);
    /* shipest_model_run uses SHIPEST_OPT_TRIALS. */
    set_int(ctx, SHIPEST_OPT_TRIALS, 777);
    ck_assert_int_eq(shipest_model_run(ctx, m, &r), SHIPEST_OK);
    ck_assert_uint_eq(shipest_result_trials(r), 777);
    shipest_result_free(r);
    shipest_result_free(NULL);
    shipest_model_free(empty);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("mc");
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sum_of_normals);
    tcase_add_test(tc, test_lognormal_product_quotient);
    tcase_add_test(tc, test_same_input_is_one_draw);
    tcase_add_test(tc, test_intervals_on_skewed_output);
    tcase_add_test(tc, test_determinism_kept);
    tcase_add_test(tc, test_determinism_sketched);
    tcase_add_test(tc, test_determinism_lhs);
    tcase_add_test(tc, test_sensitivity_sample_many_selections);
    tcase_add_test(tc, test_sensitivity_sample_edges);
    tcase_add_test(tc, test_merge_rejects_mismatches);
    tcase_add_test(tc, test_sketch_bound);
    tcase_add_test(tc, test_adaptive_stops);
    tcase_add_test(tc, test_copula_correlation);
    tcase_add_test(tc, test_copula_not_positive_definite);
    tcase_add_test(tc, test_lhs_stratifies);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_cancel);
    tcase_add_test(tc, test_oom_every_allocation);
    tcase_add_test(tc, test_oom_sketched);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
