/* check_result.c — the result object: names, dependencies, sensitivity,
 * probabilities, histograms, standard errors, significant digits, samples,
 * non-finite values and argument checks.
 *
 * Monte Carlo tolerances are 5 standard errors, stated next to each assert. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t scaled(uint64_t n)
{
    /* Sanitizer and valgrind runs are 10-50x slower: shrink the trials. */
    return getenv("SHIPEST_TEST_VALGRIND") != NULL || getenv("SHIPEST_TEST_SHRINK") != NULL ? n / 20 : n;
}

#define PI 3.14159265358979323846
#define OK(x) ck_assert_int_eq((x), SHIPEST_OK)

/* x ~ N(10, 2) "report X", y ~ N(-3, 1.5); sum = x + y; zero = x - x;
 * l = log(u), u ~ U(-1, 1) (NaN for half the trials). */
typedef struct fixture {
    shipest_ctx *ctx;
    shipest_model *m;
    shipest_dist *dx, *dy, *du;
} fixture;

static void setup(fixture *f)
{
    shipest_node x, y, u, n;
    OK(shipest_ctx_new(&f->ctx));
    OK(shipest_model_new(f->ctx, &f->m));
    OK(shipest_dist_normal(f->ctx, 10, 2, &f->dx));
    OK(shipest_dist_normal(f->ctx, -3, 1.5, &f->dy));
    OK(shipest_dist_uniform(f->ctx, -1, 1, &f->du));
    OK(shipest_model_input(f->m, "x", f->dx, NULL, "report X", &x));
    OK(shipest_model_input(f->m, "y", f->dy, NULL, NULL, &y));
    OK(shipest_model_input(f->m, "u", f->du, NULL, NULL, &u));
    OK(shipest_model_add(f->m, x, y, &n));
    OK(shipest_model_name(f->m, n, "sum", NULL, &n));
    OK(shipest_model_output(f->m, n));
    OK(shipest_model_sub(f->m, x, x, &n));
    OK(shipest_model_name(f->m, n, "zero", NULL, &n));
    OK(shipest_model_output(f->m, n));
    OK(shipest_model_log(f->m, u, &n));
    OK(shipest_model_name(f->m, n, "l", NULL, &n));
    OK(shipest_model_output(f->m, n));
}

static void teardown(fixture *f)
{
    shipest_dist_free(f->dx);
    shipest_dist_free(f->dy);
    shipest_dist_free(f->du);
    shipest_model_free(f->m);
    shipest_ctx_free(f->ctx);
}

enum { O_SUM, O_ZERO, O_LOG };

static shipest_result *run(fixture *f, uint64_t first, uint64_t n)
{
    shipest_result *r = NULL;
    shipest_status st = shipest_model_run_range(f->ctx, f->m, first, n, 0, &r);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(f->ctx));
    return r;
}

/* Standard normal CDF for reference values. */
static double phi(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

START_TEST(test_names_and_dependencies)
{
    fixture f;
    setup(&f);
    shipest_result *r = run(&f, 0, 1000);
    ck_assert_uint_eq(shipest_result_output_count(r), 3);
    ck_assert_str_eq(shipest_result_output_name(r, O_SUM), "sum");
    ck_assert_str_eq(shipest_result_output_name(r, O_LOG), "l");
    ck_assert_ptr_nonnull(shipest_result_output_unit(r, O_SUM)); /* the model's text for "dimensionless" */
    ck_assert_ptr_null(shipest_result_output_name(r, 3));
    ck_assert_ptr_null(shipest_result_output_unit(r, 3));
    size_t i = 99;
    OK(shipest_result_output_index(r, "zero", &i));
    ck_assert_uint_eq(i, O_ZERO);
    ck_assert_int_eq(shipest_result_output_index(r, "nope", &i), SHIPEST_ENAME);
    ck_assert_int_eq(shipest_result_output_index(r, NULL, &i), SHIPEST_EINVAL);
    /* sum depends on x and y, in model order, with their sources. */
    ck_assert_uint_eq(shipest_result_dependency_count(r, O_SUM), 2);
    int fac = -1;
    const char *name, *src;
    OK(shipest_result_dependency(r, O_SUM, 0, &fac, &name, &src));
    ck_assert_int_eq(fac, 0);
    ck_assert_str_eq(name, "x");
    ck_assert_str_eq(src, "report X");
    OK(shipest_result_dependency(r, O_SUM, 1, NULL, &name, &src));
    ck_assert_str_eq(name, "y");
    ck_assert_str_eq(src, "");
    ck_assert_int_eq(shipest_result_dependency(r, O_SUM, 2, NULL, &name, &src), SHIPEST_EINVAL);
    ck_assert_uint_eq(shipest_result_dependency_count(r, O_ZERO), 1);
    ck_assert_uint_eq(shipest_result_dependency_count(r, O_LOG), 1);
    OK(shipest_result_dependency(r, O_LOG, 0, NULL, &name, NULL));
    ck_assert_str_eq(name, "u");
    ck_assert_uint_eq(shipest_result_binding_count(r), 0);
    ck_assert_int_eq(shipest_result_binding(r, 0, &name, NULL), SHIPEST_EINVAL);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

START_TEST(test_sensitivity_shares)
{
    fixture f;
    setup(&f);
    uint64_t n = scaled(20000);
    shipest_result *r = run(&f, 0, n);
    ck_assert_uint_eq(shipest_result_sensitivity_count(r, O_SUM), 2);
    const char *n0, *n1;
    double s0, s1, r0, r1;
    OK(shipest_result_sensitivity(r, O_SUM, 0, &n0, &s0, &r0));
    OK(shipest_result_sensitivity(r, O_SUM, 1, &n1, &s1, &r1));
    /* Sorted, largest share first; shares sum to 1. */
    ck_assert_str_eq(n0, "x");
    ck_assert_str_eq(n1, "y");
    ck_assert(s0 >= s1);
    ck_assert_double_eq_tol(s0 + s1, 1.0, 1e-12);
    /* Exact Spearman of a bivariate normal with Pearson r: (6/pi) asin(r/2);
     * here r = 2/2.5 for x and 1.5/2.5 for y. The SE of a Spearman estimate
     * is below 1/sqrt(n) and a share moves by at most 2x that: 5 SE. */
    double rx = 6 / PI * asin(0.4), ry = 6 / PI * asin(0.3);
    double tol = 5 * 2 / sqrt((double)n);
    ck_assert_double_eq_tol(r0, rx, 5 / sqrt((double)n));
    ck_assert_double_eq_tol(r1, ry, 5 / sqrt((double)n));
    ck_assert_double_eq_tol(s0, rx * rx / (rx * rx + ry * ry), tol);
    /* A constant output has no rank correlation with anything. */
    OK(shipest_result_sensitivity(r, O_ZERO, 0, &n0, &s0, &r0));
    ck_assert(s0 == 0 && r0 == 0);
    ck_assert_int_eq(shipest_result_sensitivity(r, O_SUM, 2, &n0, &s0, &r0), SHIPEST_EINVAL);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

/* Ranks keep the order of a narrow spread around a large level: y = x - L
 * + z with x ~ N(L, 0.01), L = 1000000.25, z ~ N(0, 0.003) is driven by x
 * (Pearson r = 0.01 / sqrt(0.01^2 + 0.003^2) = 0.958). Ranks taken from the
 * top 32 bits of the doubles alone tied every x and gave z all of it. */
START_TEST(test_sensitivity_narrow_spread)
{
    shipest_ctx *ctx;
    shipest_model *m;
    shipest_dist *dx, *dz;
    shipest_node x, z, l, y;
    const double L = 1000000.25;
    OK(shipest_ctx_new(&ctx));
    OK(shipest_model_new(ctx, &m));
    OK(shipest_dist_normal(ctx, L, 0.01, &dx));
    OK(shipest_dist_normal(ctx, 0, 0.003, &dz));
    OK(shipest_model_input(m, "x", dx, NULL, NULL, &x));
    OK(shipest_model_input(m, "z", dz, NULL, NULL, &z));
    OK(shipest_model_const(m, L, NULL, &l));
    OK(shipest_model_sub(m, x, l, &y));
    OK(shipest_model_add(m, y, z, &y));
    OK(shipest_model_name(m, y, "y", NULL, &y));
    OK(shipest_model_output(m, y));
    uint64_t n = scaled(20000);
    shipest_result *r = NULL;
    OK(shipest_model_run_range(ctx, m, 0, n, 0, &r));
    const char *name;
    double share, rho, r_xy = 0.01 / sqrt(0.01 * 0.01 + 0.003 * 0.003);
    double rx = 6 / PI * asin(r_xy / 2), rz = 6 / PI * asin(sqrt(1 - r_xy * r_xy) / 2);
    OK(shipest_result_sensitivity(r, 0, 0, &name, &share, &rho));
    ck_assert_str_eq(name, "x");
    ck_assert_double_eq_tol(rho, rx, 5 / sqrt((double)n));
    ck_assert_double_eq_tol(share, rx * rx / (rx * rx + rz * rz), 10 / sqrt((double)n));
    shipest_result_free(r);
    shipest_dist_free(dx);
    shipest_dist_free(dz);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_probabilities)
{
    fixture f;
    setup(&f);
    uint64_t n = scaled(200000);
    shipest_result *r = run(&f, 0, n);
    double pa, pb, sea, seb;
    OK(shipest_result_prob_above(r, O_SUM, 9.0, &pa, &sea));
    OK(shipest_result_prob_below(r, O_SUM, 9.0, &pb, &seb));
    double exact = 1 - phi((9.0 - 7.0) / 2.5);
    ck_assert_double_eq_tol(sea, sqrt(exact * (1 - exact) / (double)n), 0.05 * sea);
    ck_assert_double_eq_tol(pa, exact, 5 * sea);
    ck_assert_double_eq_tol(pa + pb, 1.0, 1e-12); /* no sample equals 9 exactly */
    ck_assert_double_eq_tol(sea, seb, 1e-12 * sea); /* p (1 - p) is symmetric */
    OK(shipest_result_prob_above(r, O_SUM, 1e9, &pa, NULL));
    ck_assert(pa == 0);
    OK(shipest_result_prob_below(r, O_SUM, 1e9, &pb, NULL));
    ck_assert(pb == 1);
    /* Ties: every value of `zero` is 0, neither above nor below 0. */
    OK(shipest_result_prob_above(r, O_ZERO, 0, &pa, NULL));
    OK(shipest_result_prob_below(r, O_ZERO, 0, &pb, NULL));
    ck_assert(pa == 0 && pb == 0);
    ck_assert_int_eq(shipest_result_prob_above(r, O_SUM, NAN, &pa, NULL), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_prob_above(r, 9, 0, &pa, NULL), SHIPEST_EINVAL);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

START_TEST(test_histogram)
{
    fixture f;
    setup(&f);
    uint64_t n = scaled(200000);
    shipest_result *r = run(&f, 0, n);
    double lo, hi;
    OK(shipest_result_quantile(r, O_SUM, 0, &lo));
    OK(shipest_result_quantile(r, O_SUM, 1, &hi));
    uint64_t c[20], total = 0;
    OK(shipest_result_histogram(r, O_SUM, lo, hi, 20, c));
    for (int k = 0; k < 20; k++)
        total += c[k];
    ck_assert_uint_eq(total, n); /* min and max included */
    /* Bins of [2, 12] against the normal: binomial SE per bin, 5 SE. */
    uint64_t d[10];
    OK(shipest_result_histogram(r, O_SUM, 2, 12, 10, d));
    for (int k = 0; k < 10; k++) {
        double p = phi((2 + k + 1 - 7) / 2.5) - phi((2 + k - 7) / 2.5);
        double se = sqrt(p * (1 - p) / (double)n);
        ck_assert_double_eq_tol((double)d[k] / (double)n, p, 5 * se);
    }
    ck_assert_int_eq(shipest_result_histogram(r, O_SUM, 1, 1, 10, d), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_histogram(r, O_SUM, 0, INFINITY, 10, d), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_histogram(r, O_SUM, 0, 1, 0, d), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_histogram(r, O_SUM, 0, 1, 10, NULL), SHIPEST_EINVAL);
    /* Sketched: the same trials, counts move only for values within 1e-3
     * (relative) of a bin edge, a small fraction. */
    OK(shipest_ctx_set_int(f.ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20));
    shipest_result *s = run(&f, 0, n);
    if (n < 20000) { /* too few trials to pass 1 MiB (under valgrind): redo both */
        shipest_result_free(r);
        shipest_result_free(s);
        n = 20000;
        OK(shipest_ctx_set_int(f.ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(256) << 20));
        r = run(&f, 0, n);
        OK(shipest_result_histogram(r, O_SUM, 2, 12, 10, d));
        OK(shipest_ctx_set_int(f.ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20));
        s = run(&f, 0, n);
    }
    ck_assert_int_eq(shipest_result_is_sketched(s), 1);
    uint64_t e[10];
    OK(shipest_result_histogram(s, O_SUM, 2, 12, 10, e));
    for (int k = 0; k < 10; k++) {
        /* density <= 0.16 per unit; a band of 2 x 1e-3 x 12 around each of two
         * edges holds at most 0.008 of the mass. */
        ck_assert_double_eq_tol((double)e[k] / (double)n, (double)d[k] / (double)n, 0.008);
    }
    shipest_result_free(s);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

START_TEST(test_standard_errors)
{
    fixture f;
    setup(&f);
    uint64_t n = scaled(200000);
    shipest_result *r = run(&f, 0, n);
    double se;
    OK(shipest_result_mc_se_quantile(r, O_SUM, 0.5, &se));
    /* Asymptotic SE of a normal median: sigma sqrt(pi / 2) / sqrt(n). The
     * estimate rests on ~2 sqrt(n/4) order-statistic spacings, so its own
     * relative SE is about 1/sqrt(2 sqrt(n/4)) (5% at n = 2e5; 11% at 1e4
     * under valgrind): 5 of those. */
    double want = 2.5 * sqrt(PI / 2) / sqrt((double)n);
    double rel = 1 / sqrt(2 * sqrt((double)n / 4));
    ck_assert_double_eq_tol(se, want, 5 * rel * want);
    OK(shipest_result_mc_se_mean(r, O_SUM, &se));
    ck_assert_double_eq_tol(se, 2.5 / sqrt((double)n), 0.05 * se);
    ck_assert_int_eq(shipest_result_mc_se_quantile(r, O_SUM, 0, &se), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_mc_se_quantile(r, O_SUM, 1, &se), SHIPEST_EDOMAIN);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

START_TEST(test_significant_digits)
{
    /* JCGM 101 7.9.2: digit at 10^l reliable when 2 se <= 10^l / 2. */
    ck_assert_int_eq(shipest_significant_digits(123.456, 0.05), 3);   /* l = 0 */
    ck_assert_int_eq(shipest_significant_digits(123.456, 0.001), 5);  /* l = -2 */
    ck_assert_int_eq(shipest_significant_digits(-123.456, 0.001), 5);
    ck_assert_int_eq(shipest_significant_digits(0.0123, 0.00001), 3); /* l = -4 */
    ck_assert_int_eq(shipest_significant_digits(1.0, 2.0), 0);
    ck_assert_int_eq(shipest_significant_digits(5.0, 0), 17);
    ck_assert_int_eq(shipest_significant_digits(NAN, 1), 0);
    ck_assert_int_eq(shipest_significant_digits(0, 1), 0);
}
END_TEST

START_TEST(test_samples_copy_out)
{
    fixture f;
    setup(&f);
    shipest_result *r = run(&f, 0, 1000);
    shipest_result *sub = run(&f, 100, 100);
    double a[100], b[100];
    OK(shipest_result_samples(r, O_SUM, 100, 100, a));
    OK(shipest_result_samples(sub, O_SUM, 0, 100, b));
    ck_assert(memcmp(a, b, sizeof a) == 0); /* trial t is trial t in any run */
    ck_assert_int_eq(shipest_result_samples(r, O_SUM, 950, 100, a), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_result_samples(r, O_SUM, 1001, 0, a), SHIPEST_ERANGE);
    OK(shipest_result_samples(r, O_SUM, 1000, 0, NULL));
    ck_assert_int_eq(shipest_result_samples(r, 7, 0, 1, a), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_samples(r, O_SUM, 0, 1, NULL), SHIPEST_EINVAL);
    shipest_result_free(r);
    shipest_result_free(sub);
    teardown(&f);
}
END_TEST

/* Ascending, -0 before +0 (the library orders values by their bits). */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    int c = (x > y) - (x < y);
    return c != 0 ? c : (signbit(y) != 0) - (signbit(x) != 0);
}

/* Output o's finite samples, sorted, into v (n trials); their number. */
static size_t sorted_finite(const shipest_result *r, size_t o, uint64_t n, double *v)
{
    ck_assert_int_eq(shipest_result_samples(r, o, 0, n, v), SHIPEST_OK);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[k++] = v[i];
    qsort(v, k, sizeof *v, cmp_double);
    return k;
}

/* Hyndman-Fan type 7 of sorted v[0..k): an order statistic itself when
 * (k - 1) p is whole, and an interpolation that cannot overflow. */
static double ref_quantile(const double *v, size_t k, double p)
{
    double h = (double)(k - 1) * p, fl = floor(h), t = h - fl;
    size_t i = (size_t)fl;
    if (i + 1 >= k || t == 0)
        return v[i < k ? i : k - 1];
    double d = v[i + 1] - v[i];
    return isfinite(d) ? v[i] + t * d : v[i] * (1 - t) + v[i + 1] * t;
}

/* JCGM 101 7.7 coverage interval of sorted v[0..k). */
static void ref_interval(const double *v, size_t k, double cover, int shortest, double *lo,
                         double *hi)
{
    double pm = cover * (double)k;
    size_t q = (size_t)(pm == floor(pm) ? pm : floor(pm + 0.5)), at = 0;
    if (q >= k)
        q = k - 1;
    if (!shortest) {
        at = (k - q) % 2 == 0 ? (k - q) / 2 : (k - q + 1) / 2;
        at = at > 0 ? at - 1 : 0;
    } else {
        for (size_t i = 1; i + q < k; i++)
            if (v[i + q] - v[i] < v[at + q] - v[at])
                at = i;
    }
    *lo = v[at];
    *hi = v[at + q];
}

/* P(x < t) and P(x > t) over sorted v[0..k). */
static void ref_probs(const double *v, size_t k, double t, double *below, double *above)
{
    size_t lt = 0, le = 0;
    for (size_t i = 0; i < k; i++) {
        lt += v[i] < t;
        le += v[i] <= t;
    }
    *below = (double)lt / (double)k;
    *above = (double)(k - le) / (double)k;
}

/* Quantiles are exact order statistics (Hyndman-Fan type 7) of the kept
 * samples, checked bit for bit against qsort of the copied-out samples over
 * enough trials that the partition uses all its buckets, with positive,
 * negative, NaN and constant outputs; the context's threads share each
 * output's partition, so 1, 2 and 5 threads are tried (at least 70,000
 * trials even in shrunk runs, so the threads partition there too, under
 * ThreadSanitizer). */
START_TEST(test_exact_quantiles_large)
{
    fixture f;
    setup(&f);
    const uint64_t n = scaled(600000) > 70000 ? scaled(600000) : 70000;
    static const int64_t threads[] = {1, 2, 5};
    OK(shipest_ctx_set_int(f.ctx, SHIPEST_OPT_THREADS, threads[_i]));
    shipest_result *r = run(&f, 0, n);
    double *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    static const double ps[] = {0, 1e-6, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999999, 1};
    for (size_t o = 0; o < 3; o++) {
        size_t k = sorted_finite(r, o, n, v);
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            double want = ref_quantile(v, k, ps[j]), got;
            OK(shipest_result_quantile(r, o, ps[j], &got));
            ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "output %zu, p %g: %.17g != %.17g",
                          o, ps[j], got, want);
        }
    }
    free(v);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

/* ---- every order statistic against a full sort, from several readers ------------
 * Order statistics come from kept values partitioned at the end of the run,
 * each part sorted when a reader first needs it (src/order.c). Outputs with
 * ties (Poisson counts), signed zeros (0 * y: -0 for y < 0), zeros mixed
 * with positive values, a wide continuous one and NaNs with negative values
 * (log u), and values of both signs a third of which are below 1e-12 in
 * magnitude (min(y, 1e-12 u): inside the band of tiny values the buckets
 * squeeze out) are checked against qsort of the copied-out samples: quantiles on
 * a grid, both interval kinds, and P(below) / P(above) at sample values,
 * their neighbours, both zeros and the infinities. Then four threads ask
 * the same questions of a fresh result at once, so the parts are sorted
 * while others read (ThreadSanitizer runs this suite). */
enum { ORD_OUT = 6, ORD_P = 203, ORD_IV = 6, ORD_T = 40 };

typedef struct ord_answers {
    double q[ORD_OUT][ORD_P];
    double lo[ORD_OUT][ORD_IV], hi[ORD_OUT][ORD_IV];
    double below[ORD_OUT][ORD_T], above[ORD_OUT][ORD_T];
} ord_answers;

typedef struct ord_reader {
    const shipest_result *r;
    const double (*t)[ORD_T];
    ord_answers *a;
    int reverse;
} ord_reader;

static const double ord_cover[ORD_IV / 2] = {0.5, 0.9, 0.95};

static double ord_p(size_t j)
{
    return j == 0 ? 0 : j == ORD_P - 1 ? 1 : j == 1 ? 1e-6 : j == ORD_P - 2 ? 1 - 1e-6 : (double)(j - 1) / (ORD_P - 3);
}

/* Every question, in forward or reverse order (different parts first). */
static void ord_ask(const shipest_result *r, const double (*t)[ORD_T], ord_answers *a, int reverse)
{
    for (size_t oo = 0; oo < ORD_OUT; oo++) {
        size_t o = reverse ? ORD_OUT - 1 - oo : oo;
        for (size_t jj = 0; jj < ORD_P; jj++) {
            size_t j = reverse ? ORD_P - 1 - jj : jj;
            ck_assert_int_eq(shipest_result_quantile(r, o, ord_p(j), &a->q[o][j]), SHIPEST_OK);
        }
        for (size_t k = 0; k < ORD_IV; k++)
            ck_assert_int_eq(shipest_result_interval(r, o, k % 2 ? SHIPEST_INTERVAL_SHORTEST : SHIPEST_INTERVAL_SYMMETRIC,
                                                     ord_cover[k / 2], &a->lo[o][k], &a->hi[o][k]),
                             SHIPEST_OK);
        for (size_t k = 0; k < ORD_T; k++) {
            ck_assert_int_eq(shipest_result_prob_below(r, o, t[o][k], &a->below[o][k], NULL), SHIPEST_OK);
            ck_assert_int_eq(shipest_result_prob_above(r, o, t[o][k], &a->above[o][k], NULL), SHIPEST_OK);
        }
    }
}

static void *ord_reader_main(void *arg)
{
    ord_reader *rd = arg;
    ord_ask(rd->r, rd->t, rd->a, rd->reverse);
    return NULL;
}

START_TEST(test_order_statistics_every_reader)
{
    shipest_ctx *ctx;
    shipest_model *m;
    shipest_dist *dx, *dy, *du, *dp;
    shipest_node x, y, u, c, z, n;
    OK(shipest_ctx_new(&ctx));
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, _i + 1));
    OK(shipest_model_new(ctx, &m));
    OK(shipest_dist_normal(ctx, 10, 2, &dx));
    OK(shipest_dist_normal(ctx, -0.5, 1, &dy));
    OK(shipest_dist_uniform(ctx, -1, 1, &du));
    OK(shipest_dist_poisson(ctx, 3, &dp));
    OK(shipest_model_input(m, "x", dx, NULL, NULL, &x));
    OK(shipest_model_input(m, "y", dy, NULL, NULL, &y));
    OK(shipest_model_input(m, "u", du, NULL, NULL, &u));
    OK(shipest_model_input(m, "ties", dp, NULL, NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_const(m, 0, NULL, &c));
    OK(shipest_model_mul(m, c, y, &z));
    OK(shipest_model_name(m, z, "zeros", NULL, &z));
    OK(shipest_model_output(m, z));
    OK(shipest_model_max(m, y, z, &n));
    OK(shipest_model_name(m, n, "mixed", NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_mul(m, x, y, &n));
    OK(shipest_model_name(m, n, "wide", NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_log(m, u, &n));
    OK(shipest_model_name(m, n, "l", NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_const(m, 1e-12, NULL, &c));
    OK(shipest_model_mul(m, c, u, &n));
    OK(shipest_model_min(m, y, n, &n));
    OK(shipest_model_name(m, n, "gap", NULL, &n));
    OK(shipest_model_output(m, n));
    const uint64_t trials = scaled(300000) > 70000 ? scaled(300000) : 70000;
    shipest_result *r = NULL, *fresh = NULL;
    OK(shipest_model_run_range(ctx, m, 0, trials, 0, &r));
    OK(shipest_model_run_range(ctx, m, 0, trials, 0, &fresh));

    /* The reference: sorted finite samples of each output. */
    static ord_answers want, got[4];
    static double t[ORD_OUT][ORD_T];
    double *v = malloc(trials * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t o = 0; o < ORD_OUT; o++) {
        size_t k = sorted_finite(r, o, trials, v);
        ck_assert_uint_gt(k, 1000);
        for (size_t j = 0; j < ORD_P; j++)
            want.q[o][j] = ref_quantile(v, k, ord_p(j));
        for (size_t iv = 0; iv < ORD_IV; iv++)
            ref_interval(v, k, ord_cover[iv / 2], iv % 2, &want.lo[o][iv], &want.hi[o][iv]);
        static const double fixed[] = {0.0, -0.0, INFINITY, -INFINITY, 3.0, -1e-300};
        size_t nf = sizeof fixed / sizeof fixed[0];
        for (size_t j = 0; j < ORD_T; j++) {
            double tj = j < nf ? fixed[j] : v[(k - 1) * (j - nf) / (ORD_T - nf - 1)];
            if (j >= nf && j % 3 == 1)
                tj = nextafter(tj, INFINITY);
            else if (j >= nf && j % 3 == 2)
                tj = nextafter(tj, -INFINITY);
            t[o][j] = tj;
            ref_probs(v, k, tj, &want.below[o][j], &want.above[o][j]);
        }
    }
    free(v);

    /* One reader, then four at once on a result nobody has read yet. */
    ord_ask(r, (const double (*)[ORD_T])t, &got[0], 0);
    for (size_t o = 0; o < ORD_OUT; o++) {
        for (size_t j = 0; j < ORD_P; j++)
            ck_assert_msg(memcmp(&got[0].q[o][j], &want.q[o][j], sizeof(double)) == 0,
                          "output %zu, p %g: %.17g != %.17g", o, ord_p(j), got[0].q[o][j], want.q[o][j]);
        for (size_t k = 0; k < ORD_IV; k++)
            ck_assert_msg(got[0].lo[o][k] == want.lo[o][k] && got[0].hi[o][k] == want.hi[o][k],
                          "output %zu, interval %zu: [%.17g, %.17g] != [%.17g, %.17g]", o, k,
                          got[0].lo[o][k], got[0].hi[o][k], want.lo[o][k], want.hi[o][k]);
        for (size_t k = 0; k < ORD_T; k++)
            ck_assert_msg(got[0].below[o][k] == want.below[o][k] && got[0].above[o][k] == want.above[o][k],
                          "output %zu, t %.17g: below %.17g above %.17g, want %.17g %.17g", o, t[o][k],
                          got[0].below[o][k], got[0].above[o][k], want.below[o][k], want.above[o][k]);
    }
    ck_assert_msg(memcmp(&got[0], &want, sizeof want) == 0, "one reader differs from the full sort");
    ord_reader rd[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        rd[i] = (ord_reader){fresh, (const double (*)[ORD_T])t, &got[i], i % 2};
        ck_assert_int_eq(pthread_create(&th[i], NULL, ord_reader_main, &rd[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_msg(memcmp(&got[i], &want, sizeof want) == 0, "reader %d differs", i);
    shipest_result_free(r);
    shipest_result_free(fresh);
    shipest_dist_free(dx);
    shipest_dist_free(dy);
    shipest_dist_free(du);
    shipest_dist_free(dp);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Small runs and huge values: 1 to 100 trials (fewer than 16 finite values
 * make one bucket), values up to 1.7e308 of both signs (key span 2^63 and
 * more, order statistics whose difference overflows) and up to ~1e201
 * (the variance overflows, so no band is squeezed out): every quantile on
 * a grid, both interval kinds and P(below/above) at each sample, its
 * neighbours, both zeros and the infinities, against qsort. */
START_TEST(test_order_statistics_small_and_huge)
{
    static const uint64_t sizes[] = {1, 2, 3, 5, 8, 15, 16, 17, 40, 100};
    shipest_ctx *ctx;
    shipest_model *m;
    shipest_dist *du, *dh;
    shipest_node u, c, n;
    OK(shipest_ctx_new(&ctx));
    OK(shipest_model_new(ctx, &m));
    OK(shipest_dist_uniform(ctx, -1, 1, &du));
    OK(shipest_dist_normal(ctx, 0, 1e200, &dh));
    OK(shipest_model_input(m, "u", du, NULL, NULL, &u));
    OK(shipest_model_const(m, 1.7e308, NULL, &c));
    OK(shipest_model_mul(m, c, u, &n));
    OK(shipest_model_name(m, n, "edge", NULL, &n));
    OK(shipest_model_output(m, n));
    OK(shipest_model_input(m, "huge", dh, NULL, NULL, &n));
    OK(shipest_model_output(m, n));
    double v[100];
    {
        /* normal(0, 1e200): sums of squares pass DBL_MAX, so does the
         * variance; it used to be reported as 0. */
        shipest_result *r = NULL;
        double sd;
        OK(shipest_model_run_range(ctx, m, 0, 100, 0, &r));
        OK(shipest_result_sd(r, 1, &sd));
        ck_assert_msg(isinf(sd) && sd > 0, "sd %g", sd);
        shipest_result_free(r);
    }
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t trials = sizes[s];
        shipest_result *r = NULL;
        OK(shipest_model_run_range(ctx, m, 1000 * s, trials, 0, &r));
        for (size_t o = 0; o < 2; o++) {
            size_t k = sorted_finite(r, o, trials, v);
            ck_assert_uint_eq(k, trials);
            for (int j = 0; j <= 200; j++) {
                double p = j / 200.0, got, want = ref_quantile(v, k, p);
                OK(shipest_result_quantile(r, o, p, &got));
                ck_assert_msg(memcmp(&got, &want, sizeof got) == 0,
                              "%llu trials, output %zu, p %g: %.17g != %.17g",
                              (unsigned long long)trials, o, p, got, want);
            }
            static const double cover[] = {0.5, 0.9, 0.95};
            for (size_t iv = 0; iv < 6; iv++) {
                double lo, hi, wlo, whi;
                OK(shipest_result_interval(r, o, iv % 2 ? SHIPEST_INTERVAL_SHORTEST : SHIPEST_INTERVAL_SYMMETRIC,
                                           cover[iv / 2], &lo, &hi));
                ref_interval(v, k, cover[iv / 2], iv % 2, &wlo, &whi);
                ck_assert(lo == wlo && hi == whi);
            }
            double ts[4 + 3 * 100] = {0.0, -0.0, INFINITY, -INFINITY};
            size_t nt = 4;
            for (size_t i = 0; i < k; i++) {
                ts[nt++] = v[i];
                ts[nt++] = nextafter(v[i], INFINITY);
                ts[nt++] = nextafter(v[i], -INFINITY);
            }
            for (size_t i = 0; i < nt; i++) {
                double below, above, wb, wa;
                OK(shipest_result_prob_below(r, o, ts[i], &below, NULL));
                OK(shipest_result_prob_above(r, o, ts[i], &above, NULL));
                ref_probs(v, k, ts[i], &wb, &wa);
                ck_assert_msg(below == wb && above == wa, "%llu trials, output %zu, t %g",
                              (unsigned long long)trials, o, ts[i]);
            }
        }
        shipest_result_free(r);
    }
    shipest_dist_free(du);
    shipest_dist_free(dh);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_nonfinite_values)
{
    fixture f;
    setup(&f);
    uint64_t n = scaled(100000);
    shipest_result *r = run(&f, 0, n);
    uint64_t fin, bad;
    OK(shipest_result_count(r, O_LOG, &fin, &bad));
    ck_assert_uint_eq(fin + bad, n);
    /* log(u) is NaN for u < 0: a binomial(n, 1/2) count, 5 SE. */
    ck_assert_double_eq_tol((double)bad, 0.5 * (double)n, 5 * sqrt(0.25 * (double)n));
    /* Over the finite values log(u) for u ~ U(0, 1): mean -1, sd 1. */
    double mean, sd, se;
    OK(shipest_result_mean(r, O_LOG, &mean));
    OK(shipest_result_sd(r, O_LOG, &sd));
    OK(shipest_result_mc_se_mean(r, O_LOG, &se));
    ck_assert_double_eq_tol(mean, -1.0, 5 * se);
    ck_assert_double_eq_tol(sd, 1.0, 5 * sqrt(8.0 / (4.0 * (double)fin))); /* exp(1) kurtosis 9 */
    double q;
    OK(shipest_result_quantile(r, O_LOG, 0.5, &q));
    ck_assert(isfinite(q));
    OK(shipest_result_count(r, O_SUM, &fin, &bad));
    ck_assert_uint_eq(bad, 0);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

START_TEST(test_argument_checks)
{
    fixture f;
    setup(&f);
    shipest_result *r = run(&f, 0, 100);
    double v, lo, hi;
    ck_assert_int_eq(shipest_result_mean(NULL, 0, &v), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_mean(r, 3, &v), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_sd(r, 0, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_quantile(r, 0, 1.5, &v), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_quantile(r, 0, NAN, &v), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_interval(r, 0, SHIPEST_INTERVAL_SHORTEST, 1.0, &lo, &hi), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_interval(r, 0, (shipest_interval)7, 0.9, &lo, &hi), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_count(r, 5, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_sketch_bound(r, 0, NULL, &v), SHIPEST_EINVAL);
    ck_assert_uint_eq(shipest_result_output_count(NULL), 0);
    ck_assert_uint_eq(shipest_result_trials(NULL), 0);
    ck_assert_int_eq(shipest_result_is_sketched(NULL), 0);
    ck_assert_uint_eq(shipest_result_dependency_count(r, 9), 0);
    /* Intervals contain the median and nest by coverage. */
    double m, lo2, hi2;
    OK(shipest_result_quantile(r, 0, 0.5, &m));
    OK(shipest_result_interval(r, 0, SHIPEST_INTERVAL_SYMMETRIC, 0.5, &lo, &hi));
    OK(shipest_result_interval(r, 0, SHIPEST_INTERVAL_SYMMETRIC, 0.9, &lo2, &hi2));
    ck_assert(lo <= m && m <= hi && lo2 <= lo && hi <= hi2);
    shipest_result_free(r);
    teardown(&f);
}
END_TEST

START_TEST(test_table_factors_and_bindings)
{
    /* A conversion through the default table: the output lists the table
     * factors it used with their citations, and the load plan reports how
     * often each constraint bound. */
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    static const char text[] = "rounds = 1000 to 2000 container -> round_152mm\n";
    shipest_model *m = NULL;
    shipest_status st = shipest_model_parse(ctx, text, sizeof text - 1, &m);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    shipest_result *r = NULL;
    OK(shipest_model_run_range(ctx, m, 0, 2000, 0, &r));
    size_t o;
    OK(shipest_result_output_index(r, "rounds", &o));
    size_t nd = shipest_result_dependency_count(r, o), factors = 0;
    ck_assert_uint_ge(nd, 2);
    for (size_t k = 0; k < nd; k++) {
        int is_factor;
        const char *name, *source;
        OK(shipest_result_dependency(r, o, k, &is_factor, &name, &source));
        ck_assert(name[0] != '\0');
        if (is_factor) {
            factors++;
            ck_assert_msg(source[0] != '\0', "table factor %s has no source", name);
        }
    }
    ck_assert_uint_ge(factors, 1);
    ck_assert_uint_eq(shipest_result_sensitivity_count(r, o), nd);
    double total = 0;
    for (size_t k = 0; k < nd; k++) {
        double share;
        OK(shipest_result_sensitivity(r, o, k, NULL, &share, NULL));
        total += share;
    }
    ck_assert_double_eq_tol(total, 1.0, 1e-12);
    ck_assert_uint_ge(shipest_result_binding_count(r), 1);
    for (size_t b = 0; b < shipest_result_binding_count(r); b++) {
        const char *name;
        size_t nc;
        OK(shipest_result_binding(r, b, &name, &nc));
        ck_assert_uint_ge(nc, 1);
        double sum = 0;
        for (size_t c = 0; c < nc; c++) {
            const char *label;
            double share;
            OK(shipest_result_binding_share(r, b, c, &label, &share));
            ck_assert(share >= 0 && share <= 1);
            sum += share;
        }
        ck_assert_double_eq_tol(sum, 1.0, 1e-12); /* exactly one constraint binds per trial */
        ck_assert_int_eq(shipest_result_binding_share(r, b, nc, NULL, NULL), SHIPEST_EINVAL);
    }
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("result");
    TCase *tc = tcase_create("result");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_names_and_dependencies);
    tcase_add_test(tc, test_sensitivity_shares);
    tcase_add_test(tc, test_sensitivity_narrow_spread);
    tcase_add_test(tc, test_probabilities);
    tcase_add_test(tc, test_histogram);
    tcase_add_test(tc, test_standard_errors);
    tcase_add_test(tc, test_significant_digits);
    tcase_add_test(tc, test_samples_copy_out);
    tcase_add_loop_test(tc, test_exact_quantiles_large, 0, 3);
    tcase_add_loop_test(tc, test_order_statistics_every_reader, 0, 2);
    tcase_add_test(tc, test_order_statistics_small_and_huge);
    tcase_add_test(tc, test_nonfinite_values);
    tcase_add_test(tc, test_argument_checks);
    tcase_add_test(tc, test_table_factors_and_bindings);
    suite_add_tcase(s, tc);
    return s;
}
