/* check_serialize.c — results as byte images: round trips that every
 * accessor cannot tell apart, split runs carried through images and merged
 * bit-identically to one run (kept and sketched), the sizing idiom, wrong
 * models, truncated and corrupted images, and allocation failure.
 *
 * Everything is compared bit for bit (memcmp of doubles), never with a
 * tolerance: the format's promise is exactness. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OK(x) ck_assert_int_eq((x), SHIPEST_OK)

static int slow_env(void)
{
    return getenv("SHIPEST_TEST_VALGRIND") != NULL || getenv("SHIPEST_TEST_SHRINK") != NULL;
}

/* The worked example (examples/models/seed.shipest): table factors, a load
 * plan (binding counts), hedged claims, six outputs. */
static const char worked[] =
    "containers = more than 28,000 container      @ \"ROK DIA via Bloomberg, Jul 2025\"\n"
    "rounds     = containers -> round_152mm\n"
    "per_year   = rounds / (22 to 25 month) -> round_152mm/year\n"
    "demand     = 10,000 to 45,000 round_152mm/day -> round_152mm/year\n"
    "share      = share(per_year, demand)\n"
    "troops     = about 13,000 person + 5,000 person + 1,000 person\n";

static shipest_model *parse(shipest_ctx *ctx, const char *text)
{
    shipest_model *m = NULL;
    shipest_status st = shipest_model_parse(ctx, text, strlen(text), &m);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    return m;
}

/* x ~ N(10, 2), y ~ N(-3, 1.5), u ~ U(-1, 1): sum = x + y, zero = x - x,
 * l = log(u) (NaN in half the trials: non-finite values in moments,
 * fragments and samples). */
static shipest_model *build_nan(shipest_ctx *ctx, double sd_x)
{
    shipest_model *m;
    shipest_dist *dx, *dy, *du;
    shipest_node x, y, u, n;
    OK(shipest_model_new(ctx, &m));
    OK(shipest_dist_normal(ctx, 10, sd_x, &dx));
    OK(shipest_dist_normal(ctx, -3, 1.5, &dy));
    OK(shipest_dist_uniform(ctx, -1, 1, &du));
    OK(shipest_model_input(m, "x", dx, NULL, "report X", &x));
    OK(shipest_model_input(m, "y", dy, NULL, NULL, &y));
    OK(shipest_model_input(m, "u", du, NULL, NULL, &u));
    OK(shipest_model_add(m, x, y, &n));
    OK(shipest_model_name(m, n, "sum", NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_sub(m, x, x, &n));
    OK(shipest_model_name(m, n, "zero", NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_log(m, u, &n));
    OK(shipest_model_name(m, n, "l", NULL, &n));
    OK(shipest_model_output(m, n));
    shipest_dist_free(dx);
    shipest_dist_free(dy);
    shipest_dist_free(du);
    return m;
}

static shipest_result *run(shipest_ctx *ctx, const shipest_model *m, uint64_t first, uint64_t n)
{
    shipest_result *r = NULL;
    shipest_status st = shipest_model_run_range(ctx, m, first, n, 0, &r);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    return r;
}

/* A new image of r (free() it). */
static unsigned char *image(const shipest_result *r, size_t *len)
{
    OK(shipest_result_serialize(r, NULL, 0, len));
    unsigned char *buf = malloc(*len);
    ck_assert_ptr_nonnull(buf);
    size_t len2 = 0;
    OK(shipest_result_serialize(r, buf, *len, &len2));
    ck_assert_uint_eq(len2, *len);
    return buf;
}

static shipest_result *load(shipest_ctx *ctx, const shipest_model *m, const unsigned char *buf,
                            size_t len)
{
    shipest_result *r = NULL;
    shipest_status st = shipest_result_deserialize(ctx, m, buf, len, &r);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    return r;
}

/* ---- bit-for-bit comparison of everything the API shows ------------------------ */

#define SAME_STATUS(sa, sb, what) \
    ck_assert_msg((sa) == (sb), "%s: status %d vs %d", what, (int)(sa), (int)(sb))
#define SAME_BITS(x, y, what)                                                         \
    ck_assert_msg(memcmp(&(x), &(y), sizeof(x)) == 0, "output %zu: %s differs: %.17g vs %.17g", \
                  i, what, (double)(x), (double)(y))

static void same_output(const shipest_result *a, const shipest_result *b, size_t i)
{
    static const double ps[] = {0, 1e-4, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
    double x, y, x2, y2;
    shipest_status sa, sb;
    ck_assert_str_eq(shipest_result_output_name(a, i), shipest_result_output_name(b, i));
    ck_assert_str_eq(shipest_result_output_unit(a, i), shipest_result_output_unit(b, i));
    uint64_t fa, na, fb, nb;
    OK(shipest_result_count(a, i, &fa, &na));
    OK(shipest_result_count(b, i, &fb, &nb));
    ck_assert_uint_eq(fa, fb);
    ck_assert_uint_eq(na, nb);
    OK(shipest_result_mean(a, i, &x));
    OK(shipest_result_mean(b, i, &y));
    SAME_BITS(x, y, "mean");
    OK(shipest_result_sd(a, i, &x));
    OK(shipest_result_sd(b, i, &y));
    SAME_BITS(x, y, "sd");
    OK(shipest_result_mc_se_mean(a, i, &x));
    OK(shipest_result_mc_se_mean(b, i, &y));
    SAME_BITS(x, y, "se of the mean");
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
        x = y = 0;
        sa = shipest_result_quantile(a, i, ps[k], &x);
        sb = shipest_result_quantile(b, i, ps[k], &y);
        SAME_STATUS(sa, sb, "quantile");
        SAME_BITS(x, y, "quantile");
        x = y = 0;
        sa = shipest_result_mc_se_quantile(a, i, ps[k], &x);
        sb = shipest_result_mc_se_quantile(b, i, ps[k], &y);
        SAME_STATUS(sa, sb, "se of a quantile");
        SAME_BITS(x, y, "se of a quantile");
    }
    /* The sketch's shortest interval scans 2000 quantile pairs: skipped
     * under valgrind, where it alone would take minutes. */
    int kinds = shipest_result_is_sketched(a) && slow_env() ? 1 : 2;
    for (int kind = 0; kind < kinds; kind++) {
        x = y = x2 = y2 = 0;
        sa = shipest_result_interval(a, i, (shipest_interval)kind, 0.9, &x, &x2);
        sb = shipest_result_interval(b, i, (shipest_interval)kind, 0.9, &y, &y2);
        SAME_STATUS(sa, sb, "interval");
        SAME_BITS(x, y, "interval low end");
        SAME_BITS(x2, y2, "interval high end");
    }
    double lo = 0, hi = 0;
    if (shipest_result_quantile(a, i, 0, &lo) == SHIPEST_OK)
        OK(shipest_result_quantile(a, i, 1, &hi));
    static const double ts[] = {0.25, 0.4, 0.5, 0.75};
    for (size_t k = 0; k < sizeof ts / sizeof *ts; k++) {
        double t = lo + ts[k] * (hi - lo);
        x = y = x2 = y2 = 0;
        sa = shipest_result_prob_above(a, i, t, &x, &x2);
        sb = shipest_result_prob_above(b, i, t, &y, &y2);
        SAME_STATUS(sa, sb, "P(above)");
        SAME_BITS(x, y, "P(above)");
        SAME_BITS(x2, y2, "se of P(above)");
        sa = shipest_result_prob_below(a, i, t, &x, &x2);
        sb = shipest_result_prob_below(b, i, t, &y, &y2);
        SAME_STATUS(sa, sb, "P(below)");
        SAME_BITS(x, y, "P(below)");
        SAME_BITS(x2, y2, "se of P(below)");
        sa = shipest_result_agreement(a, i, ts[k], &x, &x2);
        sb = shipest_result_agreement(b, i, ts[k], &y, &y2);
        SAME_STATUS(sa, sb, "agreement");
        SAME_BITS(x, y, "agreement");
    }
    uint64_t ha[17], hb[17];
    if (!(lo < hi)) {
        lo -= 1;
        hi += 1;
    }
    memset(ha, 0, sizeof ha);
    memset(hb, 0, sizeof hb);
    sa = shipest_result_histogram(a, i, lo, hi, 17, ha);
    sb = shipest_result_histogram(b, i, lo, hi, 17, hb);
    SAME_STATUS(sa, sb, "histogram");
    ck_assert_msg(memcmp(ha, hb, sizeof ha) == 0, "output %zu: histograms differ", i);
    OK(shipest_result_sketch_bound(a, i, &x, &x2));
    OK(shipest_result_sketch_bound(b, i, &y, &y2));
    SAME_BITS(x, y, "sketch bound");
    SAME_BITS(x2, y2, "uncovered fraction");
    size_t nd = shipest_result_dependency_count(a, i);
    ck_assert_uint_eq(nd, shipest_result_dependency_count(b, i));
    ck_assert_uint_eq(shipest_result_sensitivity_count(a, i), shipest_result_sensitivity_count(b, i));
    for (size_t k = 0; k < nd; k++) {
        int fa_, fb_;
        const char *n1, *n2, *s1, *s2;
        OK(shipest_result_dependency(a, i, k, &fa_, &n1, &s1));
        OK(shipest_result_dependency(b, i, k, &fb_, &n2, &s2));
        ck_assert_int_eq(fa_, fb_);
        ck_assert_str_eq(n1, n2);
        ck_assert_str_eq(s1, s2);
        OK(shipest_result_sensitivity(a, i, k, &n1, &x, &x2));
        OK(shipest_result_sensitivity(b, i, k, &n2, &y, &y2));
        ck_assert_str_eq(n1, n2);
        SAME_BITS(x, y, "sensitivity share");
        SAME_BITS(x2, y2, "sensitivity rho");
    }
    if (!shipest_result_is_sketched(a)) {
        uint64_t n = shipest_result_trials(a);
        double *va = malloc((size_t)n * sizeof *va), *vb = malloc((size_t)n * sizeof *vb);
        ck_assert(va != NULL && vb != NULL);
        OK(shipest_result_samples(a, i, 0, (size_t)n, va));
        OK(shipest_result_samples(b, i, 0, (size_t)n, vb));
        ck_assert_msg(memcmp(va, vb, (size_t)n * sizeof *va) == 0, "output %zu: samples differ", i);
        free(va);
        free(vb);
    } else {
        double v;
        ck_assert_int_eq(shipest_result_samples(b, i, 0, 1, &v), SHIPEST_EUNSUPPORTED);
    }
}

/* Every accessor of a and b agrees bit for bit (the stop reason too when
 * same_stop). */
static void same_result(const shipest_result *a, const shipest_result *b, int same_stop)
{
    ck_assert_uint_eq(shipest_result_output_count(a), shipest_result_output_count(b));
    ck_assert_uint_eq(shipest_result_trials(a), shipest_result_trials(b));
    ck_assert_int_eq(shipest_result_is_sketched(a), shipest_result_is_sketched(b));
    if (same_stop)
        ck_assert_int_eq(shipest_result_stop_reason(a), shipest_result_stop_reason(b));
    for (size_t i = 0; i < shipest_result_output_count(a); i++)
        same_output(a, b, i);
    size_t nb = shipest_result_binding_count(a);
    ck_assert_uint_eq(nb, shipest_result_binding_count(b));
    for (size_t k = 0; k < nb; k++) {
        const char *n1, *n2;
        size_t c1, c2;
        OK(shipest_result_binding(a, k, &n1, &c1));
        OK(shipest_result_binding(b, k, &n2, &c2));
        ck_assert_str_eq(n1, n2);
        ck_assert_uint_eq(c1, c2);
        for (size_t c = 0; c < c1; c++) {
            double x, y;
            OK(shipest_result_binding_share(a, k, c, &n1, &x));
            OK(shipest_result_binding_share(b, k, c, &n2, &y));
            ck_assert_str_eq(n1, n2);
            ck_assert_msg(memcmp(&x, &y, sizeof x) == 0, "binding share differs");
        }
    }
}

/* ---- round trips ------------------------------------------------------------------ */

static void round_trip(shipest_ctx *ctx, const shipest_model *m, const shipest_result *r)
{
    size_t len;
    unsigned char *img = image(r, &len);
    shipest_result *back = load(ctx, m, img, len);
    same_result(r, back, 1);
    /* and the image of the copy is the same image */
    size_t len2;
    unsigned char *img2 = image(back, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert_msg(memcmp(img, img2, len) == 0, "the copy's image differs");
    free(img2);
    shipest_result_free(back);
    free(img);
}

START_TEST(test_round_trip_kept)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = build_nan(ctx, 2);
    /* Ranges whose edges cut chunks: fragments at both ends. */
    shipest_result *r = run(ctx, m, 5, 70);
    ck_assert_int_eq(shipest_result_is_sketched(r), 0);
    round_trip(ctx, m, r);
    shipest_result_free(r);
    r = run(ctx, m, 1000, slow_env() ? 3001 : 40001);
    round_trip(ctx, m, r);
    shipest_result_free(r);
    /* A single trial: no sd, no sensitivity (NaN shares). */
    r = run(ctx, m, 7, 1);
    round_trip(ctx, m, r);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_round_trip_sketched_and_worked)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = parse(ctx, worked);
    shipest_result *r = run(ctx, m, 3, 2000);
    ck_assert_uint_ge(shipest_result_binding_count(r), 1);
    round_trip(ctx, m, r);
    shipest_result_free(r);
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20));
    r = run(ctx, m, 3, 20000);
    ck_assert_int_eq(shipest_result_is_sketched(r), 1);
    size_t len;
    unsigned char *img = image(r, &len);
    /* Sparse buckets: the image is mostly the 20000-trial subsample (a
     * trial and a value per output and source in each row), not 2 x 32768
     * buckets of 8 bytes per output. */
    size_t width = 6;
    for (size_t i = 0; i < 6; i++)
        width += shipest_result_dependency_count(r, i); /* >= the sources */
    ck_assert_uint_lt(len, 20000u * (8 + 8 * width) + 6u * 40000u);
    free(img);
    round_trip(ctx, m, r);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_round_trip_adaptive)
{
    /* Adaptive results keep their samples in a grown buffer and stop for a
     * reason the image must carry. */
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = build_nan(ctx, 2);
    shipest_result *r = NULL;
    OK(shipest_model_run_adaptive(ctx, m, 2, 30000, 0, &r));
    round_trip(ctx, m, r);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_header_is_little_endian)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 0x0102030405060708));
    shipest_model *m = build_nan(ctx, 2);
    shipest_result *r = run(ctx, m, 0, 300);
    size_t len;
    unsigned char *img = image(r, &len);
    static const unsigned char magic[8] = {0x89, 'S', 'H', 'P', 'R', 'E', 'S', '\n'};
    ck_assert(memcmp(img, magic, 8) == 0);
    ck_assert(img[8] == 1 && img[9] == 0 && img[10] == 0 && img[11] == 0); /* version 1 */
    uint64_t v = 0, seed = 0, trials = 0;
    for (int k = 0; k < 8; k++) {
        v |= (uint64_t)img[16 + k] << (8 * k);
        seed |= (uint64_t)img[32 + k] << (8 * k);
        trials |= (uint64_t)img[64 + k] << (8 * k);
    }
    ck_assert_uint_eq(v, len);
    ck_assert_uint_eq(seed, 0x0102030405060708);
    ck_assert_uint_eq(trials, 300);
    free(img);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- split, carry, merge ---------------------------------------------------------- */

/* Run [0, total) in pieces cut at `cuts`, carry each through an image into a
 * second context with its own copy of the model (as another process would),
 * merge in range order there, and compare with one run over [0, total). */
static void split_merge(const char *text, int64_t max_memory, const uint64_t *cuts, size_t n_cuts,
                        uint64_t total, int expect_sketched)
{
    shipest_ctx *worker, *root;
    OK(shipest_ctx_new(&worker));
    OK(shipest_ctx_new(&root));
    OK(shipest_ctx_set_int(worker, SHIPEST_OPT_MAX_MEMORY, max_memory));
    OK(shipest_ctx_set_int(root, SHIPEST_OPT_MAX_MEMORY, max_memory));
    shipest_model *mw = text ? parse(worker, text) : build_nan(worker, 2);
    shipest_model *mr = text ? parse(root, text) : build_nan(root, 2);
    shipest_result *merged = NULL;
    for (size_t k = 0; k <= n_cuts; k++) {
        uint64_t a = k == 0 ? 0 : cuts[k - 1], b = k == n_cuts ? total : cuts[k];
        shipest_result *part = run(worker, mw, a, b - a);
        size_t len;
        unsigned char *img = image(part, &len);
        shipest_result_free(part);
        shipest_result *back = load(root, mr, img, len);
        free(img);
        if (merged == NULL) {
            merged = back;
            continue;
        }
        shipest_result *next = NULL;
        shipest_status st = shipest_result_merge(root, merged, back, &next);
        ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(root));
        shipest_result_free(merged);
        shipest_result_free(back);
        merged = next;
    }
    shipest_result *one = run(root, mr, 0, total);
    ck_assert_int_eq(shipest_result_is_sketched(one), expect_sketched);
    same_result(one, merged, 0);
    ck_assert_int_eq(shipest_result_stop_reason(merged), SHIPEST_STOP_MERGED);
    /* The merged result carries through an image too. */
    round_trip(root, mr, merged);
    shipest_result_free(one);
    shipest_result_free(merged);
    shipest_model_free(mw);
    shipest_model_free(mr);
    shipest_ctx_free(worker);
    shipest_ctx_free(root);
}

START_TEST(test_split_merge_kept)
{
    static const uint64_t cuts[] = {1, 100, 1000, 5003, 5040, 12345};
    split_merge(NULL, INT64_C(256) << 20, cuts, 6, slow_env() ? 13000 : 30011, 0);
    static const uint64_t cuts2[] = {777, 2048};
    split_merge(worked, INT64_C(256) << 20, cuts2, 2, 5000, 0);
}
END_TEST

START_TEST(test_split_merge_sketched)
{
    /* 1 MiB keeps about 18,700 trials of three outputs, 10,000 of six: the
     * larger pieces and the whole run are sketched; the small first piece
     * is kept and turns into sketches when merged. */
    static const uint64_t cuts[] = {300, 20300, 41000};
    split_merge(NULL, INT64_C(1) << 20, cuts, 3, 60001, 1);
    static const uint64_t cuts2[] = {11000, 22001};
    split_merge(worked, INT64_C(1) << 20, cuts2, 2, 36000, 1);
}
END_TEST

/* ---- sizing and arguments ------------------------------------------------------------ */

START_TEST(test_sizing_and_arguments)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = build_nan(ctx, 2);
    shipest_result *r = run(ctx, m, 0, 100);
    size_t len = 0, len2 = 0;
    OK(shipest_result_serialize(r, NULL, 0, &len));
    ck_assert_uint_gt(len, 100 * 3 * 8);
    unsigned char *buf = malloc(len + 16);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 0xab, len + 16);
    /* Too small: nothing written, the size needed reported. */
    ck_assert_int_eq(shipest_result_serialize(r, buf, len - 1, &len2), SHIPEST_ELIMIT);
    ck_assert_uint_eq(len2, len);
    for (size_t k = 0; k < len + 16; k++)
        ck_assert_uint_eq(buf[k], 0xab);
    ck_assert_int_eq(shipest_result_serialize(r, buf, 1, &len2), SHIPEST_ELIMIT);
    len2 = 0;
    OK(shipest_result_serialize(r, buf, len + 16, &len2)); /* room to spare */
    ck_assert_uint_eq(len2, len);
    ck_assert_uint_eq(buf[len], 0xab);
    ck_assert_int_eq(shipest_result_serialize(NULL, buf, len, &len2), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_serialize(r, buf, len, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_serialize(r, NULL, 10, &len2), SHIPEST_EINVAL);

    shipest_result *out = (shipest_result *)(uintptr_t)1;
    ck_assert_int_eq(shipest_result_deserialize(NULL, m, buf, len, &out), SHIPEST_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(shipest_result_deserialize(ctx, NULL, buf, len, &out), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, NULL, len, &out), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, buf, len, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, NULL, 0, &out), SHIPEST_EPARSE);
    /* One byte too many is not this image. */
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, buf, len + 1, &out), SHIPEST_EPARSE);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "byte"));
    OK(shipest_result_deserialize(ctx, m, buf, len, &out));
    shipest_result_free(out);
    free(buf);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* FNV-1a 64 of the image minus its last 8 bytes, stored there
 * (docs/serialization.md): lets a test forge an image that passes the
 * checksum, to reach the checks behind it. */
static void fix_checksum(unsigned char *img, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t k = 0; k + 8 < len; k++) {
        h ^= img[k];
        h *= UINT64_C(0x100000001b3);
    }
    for (int k = 0; k < 8; k++)
        img[len - 8 + (size_t)k] = (unsigned char)(h >> (8 * k));
}

START_TEST(test_wrong_model_and_version)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = build_nan(ctx, 2), *other = build_nan(ctx, 2.5), *w = parse(ctx, worked);
    shipest_result *r = run(ctx, m, 0, 500);
    size_t len;
    unsigned char *img = image(r, &len);
    shipest_result *out = NULL;
    /* Same names and shape, another distribution: another model. */
    ck_assert_int_eq(shipest_result_deserialize(ctx, other, img, len, &out), SHIPEST_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "another model"));
    ck_assert_int_eq(shipest_result_deserialize(ctx, w, img, len, &out), SHIPEST_EINVAL);
    /* Results of the two models do not merge either. */
    shipest_result *r2 = run(ctx, other, 500, 500);
    ck_assert_int_eq(shipest_result_merge(ctx, r, r2, &out), SHIPEST_EINVAL);
    shipest_result_free(r2);
    /* A newer version is refused as such; version 0 is malformed. */
    img[8] = 2;
    fix_checksum(img, len);
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, img, len, &out), SHIPEST_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "newer"));
    img[8] = 0;
    fix_checksum(img, len);
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, img, len, &out), SHIPEST_EPARSE);
    img[8] = 1;
    img[0] ^= 1;
    ck_assert_int_eq(shipest_result_deserialize(ctx, m, img, len, &out), SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "magic"));
    ck_assert_ptr_null(out);
    free(img);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_model_free(other);
    shipest_model_free(w);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- hostile images ------------------------------------------------------------------ */

START_TEST(test_truncated_at_every_length)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = build_nan(ctx, 2);
    shipest_result *r = run(ctx, m, 5, 70);
    size_t len;
    unsigned char *img = image(r, &len);
    for (size_t n = 0; n < len; n++) {
        /* An exact-size copy, so a read past the end is caught by ASan/valgrind. */
        unsigned char *cut = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(cut);
        memcpy(cut, img, n);
        shipest_result *out = (shipest_result *)(uintptr_t)1;
        shipest_status st = shipest_result_deserialize(ctx, m, cut, n, &out);
        ck_assert_msg(st == SHIPEST_EPARSE, "length %zu: status %d", n, (int)st);
        ck_assert_ptr_null(out);
        ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "byte"));
        /* Even with the length field and checksum forged to match. */
        if (n >= 24 + 8) {
            for (int k = 0; k < 8; k++)
                cut[16 + k] = (unsigned char)((uint64_t)n >> (8 * k));
            fix_checksum(cut, n);
            st = shipest_result_deserialize(ctx, m, cut, n, &out);
            ck_assert_msg(st == SHIPEST_EPARSE, "forged length %zu: status %d", n, (int)st);
            ck_assert_ptr_null(out);
        }
        free(cut);
    }
    free(img);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Flip bits at the given positions: with the checksum left alone every
 * change is refused; with it forged the image is refused or makes a valid
 * result whose own image reads back to the same image (the state is the
 * same bits; test_round_trip_* show that same state means same answers). */
static void corrupt_at(shipest_ctx *ctx, const shipest_model *m, const unsigned char *img,
                       size_t len, size_t at, unsigned char flip, size_t *accepted)
{
    unsigned char *bad = malloc(len);
    ck_assert_ptr_nonnull(bad);
    memcpy(bad, img, len);
    bad[at] ^= flip;
    shipest_result *out = NULL;
    shipest_status st = shipest_result_deserialize(ctx, m, bad, len, &out);
    ck_assert_msg(st == SHIPEST_EPARSE || st == SHIPEST_EUNSUPPORTED,
                  "byte %zu ^ %02x accepted without the checksum: %d", at, flip, (int)st);
    ck_assert_ptr_null(out);
    fix_checksum(bad, len);
    st = shipest_result_deserialize(ctx, m, bad, len, &out);
    if (st == SHIPEST_OK) {
        ++*accepted;
        size_t l2, l3;
        unsigned char *again = image(out, &l2);
        shipest_result *back = load(ctx, m, again, l2);
        unsigned char *third = image(back, &l3);
        ck_assert_msg(l2 == l3 && memcmp(again, third, l2) == 0, "byte %zu: unstable image", at);
        double q;
        for (size_t i = 0; i < shipest_result_output_count(out); i++)
            ck_assert(shipest_result_quantile(out, i, 0.5, &q) != SHIPEST_EINVAL);
        shipest_result_free(back);
        free(again);
        free(third);
        shipest_result_free(out);
    } else {
        ck_assert_msg(st == SHIPEST_EPARSE || st == SHIPEST_EINVAL || st == SHIPEST_EUNSUPPORTED,
                      "byte %zu: status %d", at, (int)st);
        ck_assert_ptr_null(out);
        ck_assert(shipest_ctx_errmsg(ctx)[0] != '\0');
    }
    free(bad);
}

START_TEST(test_corrupted_bytes)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m = build_nan(ctx, 2);
    /* Kept, with fragments: every byte, three kinds of change. */
    shipest_result *r = run(ctx, m, 5, 70);
    size_t len, accepted = 0;
    unsigned char *img = image(r, &len);
    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    for (size_t at = 0; at + 8 < len; at += slow_env() ? 13 : 1)
        for (size_t f = 0; f < sizeof flips; f++)
            corrupt_at(ctx, m, img, len, at, flips[f], &accepted);
    ck_assert_uint_gt(accepted, 0); /* sample values can change and stay valid */
    free(img);
    shipest_result_free(r);
    /* Sketched (a 1 MB image, each try reads all of it): every byte of the
     * header, moments, ranges and fragments, a stride through the sketch
     * buckets and the subsample. */
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20));
    r = run(ctx, m, 3, 19000);
    ck_assert_int_eq(shipest_result_is_sketched(r), 1);
    img = image(r, &len);
    size_t sub = len - 8 - 19000 * (8 + 6 * 8); /* 3 outputs + 3 inputs per row */
    size_t dense = slow_env() ? 300 : 88 + 3 * 616 + 200, stride = slow_env() ? 997 : 97;
    for (size_t at = 0; at < sub; at += at < dense ? 1 : stride)
        corrupt_at(ctx, m, img, len, at, 0x01, &accepted);
    for (size_t at = sub; at + 8 < len; at += slow_env() ? 40111 : 4111)
        corrupt_at(ctx, m, img, len, at, 0x10, &accepted);
    free(img);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_out_of_memory)
{
    shipest_ctx *maker;
    OK(shipest_ctx_new(&maker));
    shipest_model *m = build_nan(maker, 2);
    shipest_result *a = run(maker, m, 0, 1000), *b = run(maker, m, 1000, 77);
    OK(shipest_ctx_set_int(maker, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20));
    shipest_result *s = run(maker, m, 1077, 19000);
    ck_assert_int_eq(shipest_result_is_sketched(s), 1);
    size_t la, lb, ls;
    unsigned char *ia = image(a, &la), *ib = image(b, &lb), *is = image(s, &ls);
    shipest_result *x = NULL, *y = NULL, *z = NULL, *xy = NULL, *xyz = NULL;
    HARNESS_OOM_LOOP(
        do {
            if ((st = shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20)) != SHIPEST_OK)
                break;
            if ((st = shipest_result_deserialize(ctx, m, ia, la, &x)) != SHIPEST_OK)
                break;
            if ((st = shipest_result_deserialize(ctx, m, ib, lb, &y)) != SHIPEST_OK)
                break;
            if ((st = shipest_result_deserialize(ctx, m, is, ls, &z)) != SHIPEST_OK)
                break;
            if ((st = shipest_result_merge(ctx, x, y, &xy)) != SHIPEST_OK)
                break;
            st = shipest_result_merge(ctx, xy, z, &xyz);
        } while (0),
        do {
            if (st != SHIPEST_OK)
                ck_assert(x == NULL || y == NULL || z == NULL || xy == NULL || xyz == NULL);
            shipest_result_free(x);
            shipest_result_free(y);
            shipest_result_free(z);
            shipest_result_free(xy);
            shipest_result_free(xyz);
            x = y = z = xy = xyz = NULL;
        } while (0));
    free(ia);
    free(ib);
    free(is);
    shipest_result_free(a);
    shipest_result_free(b);
    shipest_result_free(s);
    shipest_model_free(m);
    shipest_ctx_free(maker);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("serialize");
    TCase *tc = tcase_create("serialize");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_round_trip_kept);
    tcase_add_test(tc, test_round_trip_sketched_and_worked);
    tcase_add_test(tc, test_round_trip_adaptive);
    tcase_add_test(tc, test_header_is_little_endian);
    tcase_add_test(tc, test_split_merge_kept);
    tcase_add_test(tc, test_split_merge_sketched);
    tcase_add_test(tc, test_sizing_and_arguments);
    tcase_add_test(tc, test_wrong_model_and_version);
    tcase_add_test(tc, test_truncated_at_every_length);
    tcase_add_test(tc, test_corrupted_bytes);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
