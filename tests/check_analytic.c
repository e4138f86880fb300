/* check_analytic.c — analytic propagation (linear, log-space, bounds) and
 * the verdict against Monte Carlo, through the public API only.
 *
 * Closed forms are hand-derived in the comments next to each case and
 * checked to 1e-12 relative (rounding of a few dozen operations). Monte
 * Carlo verdicts use a fixed seed, 10^6 trials (5 x 10^4 under valgrind)
 * and 1 significant digit where the analytic answer is exact, so the
 * tolerance delta is far above twice the Monte Carlo standard errors and a
 * false "fails" or "cannot tell" is practically impossible. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Z90 1.6448536269514722 /* normal quantile at 0.95 */

static int64_t scaled(int64_t n)
{
    return getenv("SHIPEST_TEST_VALGRIND") != NULL || getenv("SHIPEST_TEST_SHRINK") != NULL ? n / 20 : n;
}

#define TRY(x)                \
    do {                      \
        st = (x);             \
        if (st != SHIPEST_OK) \
            goto out;         \
    } while (0)

#define OK(x) ck_assert_int_eq((x), SHIPEST_OK)

static void assert_rel(double got, double want, double rel)
{
    ck_assert_msg(fabs(got - want) <= rel * fabs(want), "got %.17g, want %.17g (rel %g)", got,
                  want, rel);
}

static shipest_status add_input(shipest_ctx *ctx, shipest_model *m, const char *name,
                                shipest_status (*make)(shipest_ctx *, double, double, shipest_dist **),
                                double p1, double p2, const char *unit, shipest_node *out)
{
    shipest_dist *d = NULL;
    shipest_status st = make(ctx, p1, p2, &d);
    if (st == SHIPEST_OK)
        st = shipest_model_input(m, name, d, unit, NULL, out);
    shipest_dist_free(d);
    return st;
}

static shipest_status name_out(shipest_model *m, shipest_node n, const char *name)
{
    shipest_status st = shipest_model_name(m, n, name, NULL, &n);
    return st == SHIPEST_OK ? shipest_model_output(m, n) : st;
}

static shipest_status scale_by(shipest_model *m, shipest_node a, double k, shipest_node *out)
{
    shipest_node c;
    shipest_status st = shipest_model_const(m, k, NULL, &c);
    return st == SHIPEST_OK ? shipest_model_mul(m, c, a, out) : st;
}

static shipest_status run_mc(shipest_ctx *ctx, const shipest_model *m, shipest_result **r)
{
    shipest_status st = shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, scaled(1000000));
    if (st == SHIPEST_OK)
        st = shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 20260714);
    return st == SHIPEST_OK ? shipest_model_run(ctx, m, r) : st;
}

static size_t row_of(const shipest_analysis *a, size_t i, const char *name)
{
    for (size_t k = 0; k < shipest_analysis_budget_count(a, i); k++) {
        const char *n = NULL;
        OK(shipest_analysis_budget(a, i, k, &n, NULL, NULL, NULL, NULL, NULL));
        if (strcmp(n, name) == 0)
            return k;
    }
    ck_abort_msg("no budget row '%s'", name);
    return 0;
}

/* ---- linear: sums with correlations (exact) ------------------------------------- */

/* x ~ N(10, 2), y ~ N(-3, 1.5), z ~ N(5, 1); r(x, y) = 0.6, r(y, z) = -0.3.
 * s = 2x + y - 3z: E = 20 - 3 - 15 = 2; u^2 = 16 + 2.25 + 9
 *   + 2 (2)(1)(0.6)(2)(1.5) + 2 (1)(-3)(-0.3)(1.5)(1) = 27.25 + 7.2 + 2.7 = 37.15. */
static shipest_status build_sum(shipest_ctx *ctx, shipest_model **out)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_node x, y, z, a, b, n;
    *out = NULL;
    TRY(shipest_model_new(ctx, &m));
    TRY(add_input(ctx, m, "x", shipest_dist_normal, 10, 2, NULL, &x));
    TRY(add_input(ctx, m, "y", shipest_dist_normal, -3, 1.5, NULL, &y));
    TRY(add_input(ctx, m, "z", shipest_dist_normal, 5, 1, NULL, &z));
    TRY(shipest_model_correlate(m, x, y, 0.6));
    TRY(shipest_model_correlate(m, y, z, -0.3));
    TRY(scale_by(m, x, 2, &a));
    TRY(shipest_model_add(m, a, y, &a));
    TRY(scale_by(m, z, 3, &b));
    TRY(shipest_model_sub(m, a, b, &n));
    TRY(name_out(m, n, "s"));
out:
    if (st != SHIPEST_OK)
        shipest_model_free(m);
    else
        *out = m;
    return st;
}

START_TEST(test_linear_correlated_sum)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(build_sum(ctx, &m));
    shipest_analysis *a;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    ck_assert_int_eq(shipest_analysis_method(a), SHIPEST_METHOD_LINEAR);
    ck_assert_uint_eq(shipest_analysis_output_count(a), 1);
    ck_assert_str_eq(shipest_analysis_output_name(a, 0), "s");
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), SHIPEST_ANALYSIS_EXACT);
    char why[256];
    ck_assert_uint_eq(shipest_analysis_reason(a, 0, why, sizeof why), 0);
    ck_assert_str_eq(why, "");
    double mean, sd, lo, hi, cs;
    OK(shipest_analysis_mean(a, 0, &mean));
    OK(shipest_analysis_sd(a, 0, &sd));
    assert_rel(mean, 2.0, 1e-14);
    assert_rel(sd, sqrt(37.15), 1e-13);
    OK(shipest_analysis_interval(a, 0, 0.9, &lo, &hi));
    assert_rel(lo, 2.0 - Z90 * sqrt(37.15), 1e-12);
    assert_rel(hi, 2.0 + Z90 * sqrt(37.15), 1e-12);
    OK(shipest_analysis_correlation_share(a, 0, &cs));
    assert_rel(cs, 9.9 / 37.15, 1e-12);
    /* Budget: c = 2, 1, -3; contributions 16, 2.25, 9; largest first. */
    ck_assert_uint_eq(shipest_analysis_budget_count(a, 0), 3);
    const char *name, *unit;
    double c, u, contrib, share;
    OK(shipest_analysis_budget(a, 0, 0, &name, &unit, &c, &u, &contrib, &share));
    ck_assert_str_eq(name, "x");
    assert_rel(c, 2.0, 1e-15);
    assert_rel(u, 2.0, 1e-15);
    assert_rel(contrib, 16.0, 1e-14);
    assert_rel(share, 16.0 / 37.15, 1e-13);
    OK(shipest_analysis_budget(a, 0, 1, &name, NULL, &c, NULL, &contrib, NULL));
    ck_assert_str_eq(name, "z");
    assert_rel(c, -3.0, 1e-15);
    assert_rel(contrib, 9.0, 1e-14);
    OK(shipest_analysis_budget(a, 0, 2, &name, NULL, &c, NULL, &contrib, NULL));
    ck_assert_str_eq(name, "y");
    assert_rel(contrib, 2.25, 1e-14);

    /* Exact, so the verdict holds against Monte Carlo (delta = 0.5 with 1
     * digit of u = 6.1; 2 se of the interval ends ~ 0.03, 0.12 shrunk). */
    shipest_result *r;
    OK(run_mc(ctx, m, &r));
    shipest_verdict v;
    double tol, diff;
    OK(shipest_analysis_compare(ctx, a, r, 0, 1, &v, &tol, &diff));
    ck_assert_int_eq(v, SHIPEST_VERDICT_HOLDS);
    assert_rel(tol, 0.5, 1e-15);
    ck_assert(diff <= tol);
    char text[1024];
    size_t need;
    int trust = -1;
    OK(shipest_analysis_verdict(ctx, a, r, 1, text, sizeof text, &need, &trust));
    ck_assert_int_eq(trust, 1);
    ck_assert_uint_eq(need, strlen(text));
    ck_assert_msg(strstr(text, "s: linearisation holds") != NULL, "%s", text);
    shipest_result_free(r);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- log-space: products of lognormals (exact) ---------------------------------- */

/* a ~ LN(1, 0.3), b ~ LN(0.5, 0.4), c ~ LN(2, 0.2), r(a, b) = 0.5 on the
 * normal scores (= the correlation of ln a and ln b).
 * y = 3 a^2 b / sqrt(c): ln y = ln 3 + 2 ln a + ln b - ln c / 2, so
 * mu = ln 3 + 2 + 0.5 - 1 = ln 3 + 1.5 and
 * s^2 = 4 (0.09) + 0.16 + 0.25 (0.04) + 2 (2)(1)(0.5)(0.3)(0.4) = 0.77. */
static shipest_status build_lognormal(shipest_ctx *ctx, shipest_model **out)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_node a, b, c, n, k;
    *out = NULL;
    TRY(shipest_model_new(ctx, &m));
    TRY(add_input(ctx, m, "a", shipest_dist_lognormal, 1, 0.3, NULL, &a));
    TRY(add_input(ctx, m, "b", shipest_dist_lognormal, 0.5, 0.4, NULL, &b));
    TRY(add_input(ctx, m, "c", shipest_dist_lognormal, 2, 0.2, NULL, &c));
    TRY(shipest_model_correlate(m, a, b, 0.5));
    TRY(shipest_model_powi(m, a, 2, &n));
    TRY(shipest_model_mul(m, n, b, &n));
    TRY(shipest_model_sqrt(m, c, &k));
    TRY(shipest_model_div(m, n, k, &n));
    TRY(scale_by(m, n, 3, &n));
    TRY(name_out(m, n, "y"));
out:
    if (st != SHIPEST_OK)
        shipest_model_free(m);
    else
        *out = m;
    return st;
}

START_TEST(test_log_exact_products)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(build_lognormal(ctx, &m));
    shipest_analysis *a;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LOG, &a));
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), SHIPEST_ANALYSIS_EXACT);
    double mu, sigma, mean, sd, lo, hi;
    OK(shipest_analysis_lognormal(a, 0, &mu, &sigma));
    assert_rel(mu, log(3.0) + 1.5, 1e-13);
    assert_rel(sigma, sqrt(0.77), 1e-13);
    OK(shipest_analysis_mean(a, 0, &mean));
    OK(shipest_analysis_sd(a, 0, &sd));
    double want_mean = exp(log(3.0) + 1.5 + 0.385);
    assert_rel(mean, want_mean, 1e-13);
    assert_rel(sd, want_mean * sqrt(expm1(0.77)), 1e-13);
    OK(shipest_analysis_interval(a, 0, 0.9, &lo, &hi));
    assert_rel(lo, exp(log(3.0) + 1.5 - Z90 * sqrt(0.77)), 1e-12);
    assert_rel(hi, exp(log(3.0) + 1.5 + Z90 * sqrt(0.77)), 1e-12);
    /* Budget in log space: the exponents 2, 1, -1/2. */
    double e, u, share, cs;
    OK(shipest_analysis_budget(a, 0, row_of(a, 0, "a"), NULL, NULL, &e, &u, NULL, &share));
    assert_rel(e, 2.0, 1e-15);
    assert_rel(u, 0.3, 1e-12);
    assert_rel(share, 0.36 / 0.77, 1e-12);
    OK(shipest_analysis_budget(a, 0, row_of(a, 0, "c"), NULL, NULL, &e, NULL, NULL, NULL));
    assert_rel(e, -0.5, 1e-15);
    OK(shipest_analysis_correlation_share(a, 0, &cs));
    assert_rel(cs, 0.24 / 0.77, 1e-12);
    /* Exact, so it holds against Monte Carlo (delta = 5 for u ~ 21). */
    shipest_result *r;
    OK(run_mc(ctx, m, &r));
    shipest_verdict v;
    OK(shipest_analysis_compare(ctx, a, r, 0, 1, &v, NULL, NULL));
    ck_assert_int_eq(v, SHIPEST_VERDICT_HOLDS);
    /* Linearisation of the same model is only approximate. */
    shipest_analysis *lin;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &lin));
    ck_assert_uint_eq(shipest_analysis_flags(lin, 0) & SHIPEST_ANALYSIS_EXACT, 0);
    shipest_analysis_free(lin);
    shipest_result_free(r);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* What breaks log-space exactness is named: the first node in model order. */
START_TEST(test_log_not_exact)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_new(ctx, &m));
    shipest_node a, b, g, s, t, n;
    OK(add_input(ctx, m, "a", shipest_dist_lognormal, 1, 0.3, NULL, &a));
    OK(add_input(ctx, m, "b", shipest_dist_lognormal, 0.5, 0.4, NULL, &b));
    OK(add_input(ctx, m, "g", shipest_dist_normal, 4, 1, NULL, &g));
    OK(shipest_model_add(m, a, b, &s));
    OK(name_out(m, s, "s"));
    OK(shipest_model_mul(m, s, a, &t));
    OK(name_out(m, t, "t"));            /* broken by 's' */
    OK(shipest_model_mul(m, a, g, &n));
    OK(name_out(m, n, "ag"));           /* broken by input 'g' */
    OK(shipest_model_div(m, a, b, &n));
    OK(name_out(m, n, "q"));            /* exact */
    OK(scale_by(m, a, -2, &n));
    OK(name_out(m, n, "neg"));          /* a negative factor */
    OK(shipest_model_exp(m, a, &n));
    OK(name_out(m, n, "e"));            /* exp of a lognormal */
    shipest_analysis *an;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LOG, &an));
    char why[512];
    size_t i;
    const char *expect[][2] = {{"s", "'s' is a sum"},
                               {"t", "'s' is a sum"},
                               {"ag", "input 'g' is normal, not lognormal"},
                               {"neg", "constant (-2)"},
                               {"e", "applies exp"}};
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) {
        OK(shipest_analysis_output_index(an, expect[k][0], &i));
        ck_assert_uint_eq(shipest_analysis_flags(an, i), SHIPEST_ANALYSIS_UNAVAILABLE);
        shipest_analysis_reason(an, i, why, sizeof why);
        ck_assert_msg(strstr(why, "not exact for this model") != NULL &&
                          strstr(why, expect[k][1]) != NULL,
                      "%s: %s", expect[k][0], why);
        double v = 0;
        ck_assert_int_eq(shipest_analysis_mean(an, i, &v), SHIPEST_EDOMAIN);
        ck_assert(isnan(v));
        ck_assert_int_eq(shipest_analysis_sd(an, i, &v), SHIPEST_EDOMAIN);
        ck_assert_int_eq(shipest_analysis_lognormal(an, i, &v, &v), SHIPEST_EDOMAIN);
    }
    OK(shipest_analysis_output_index(an, "q", &i));
    ck_assert_uint_eq(shipest_analysis_flags(an, i), SHIPEST_ANALYSIS_EXACT);
    double mu, sg;
    OK(shipest_analysis_lognormal(an, i, &mu, &sg));
    assert_rel(mu, 0.5, 1e-14);
    assert_rel(sg, 0.5, 1e-14); /* sqrt(0.09 + 0.16) */
    /* The verdict gives no answer for the broken outputs. */
    shipest_result *r;
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 2000));
    OK(shipest_model_run(ctx, m, &r));
    shipest_verdict v;
    double diff;
    OK(shipest_analysis_output_index(an, "t", &i));
    OK(shipest_analysis_compare(ctx, an, r, i, 2, &v, NULL, &diff));
    ck_assert_int_eq(v, SHIPEST_VERDICT_NO_ANSWER);
    ck_assert(isnan(diff));
    char text[4096];
    int trust = -1;
    OK(shipest_analysis_verdict(ctx, an, r, 2, text, sizeof text, NULL, &trust));
    ck_assert_int_eq(trust, 0);
    ck_assert_msg(strstr(text, "t: log-space propagation gives no answer") != NULL, "%s", text);
    shipest_result_free(r);
    shipest_analysis_free(an);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- linearisation fails for a strongly nonlinear model ----------------------- */

/* y = exp(x), x ~ N(0, 1). Linear: y = 1, u = 1. Truth: lognormal(0, 1),
 * mean e^0.5 = 1.6487, sd sqrt((e - 1) e) = 2.1612, 90% [0.193, 5.18]. */
START_TEST(test_linear_fails_when_nonlinear)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_new(ctx, &m));
    shipest_node x, y;
    OK(add_input(ctx, m, "x", shipest_dist_normal, 0, 1, NULL, &x));
    OK(shipest_model_exp(m, x, &y));
    OK(name_out(m, y, "y"));
    shipest_analysis *a;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), 0);
    double mean, sd;
    OK(shipest_analysis_mean(a, 0, &mean));
    OK(shipest_analysis_sd(a, 0, &sd));
    assert_rel(mean, 1.0, 1e-15);
    assert_rel(sd, 1.0, 1e-15);
    char why[512];
    shipest_analysis_reason(a, 0, why, sizeof why);
    ck_assert_msg(strstr(why, "not linear") != NULL, "%s", why);
    shipest_result *r;
    OK(run_mc(ctx, m, &r));
    shipest_verdict v;
    double tol, diff;
    OK(shipest_analysis_compare(ctx, a, r, 0, 2, &v, &tol, &diff));
    ck_assert_int_eq(v, SHIPEST_VERDICT_FAILS);
    assert_rel(tol, 0.05, 1e-12); /* u = 2.2 = 22 x 10^-1: delta = 10^-1 / 2 */
    ck_assert(diff > 1.0);         /* the upper interval end: 2.64 vs 5.18 */
    char text[2048];
    size_t need;
    int trust = -1;
    OK(shipest_analysis_verdict(ctx, a, r, 2, text, sizeof text, &need, &trust));
    ck_assert_int_eq(trust, 0);
    ck_assert_msg(strstr(text, "y: linearisation fails: the Monte Carlo upper interval end "
                               "differs by") != NULL &&
                      strstr(text, "more than the tolerance 0.05 ") != NULL,
                  "%s", text);
    /* snprintf semantics: a short buffer is truncated and terminated. */
    char small[16];
    size_t need2;
    OK(shipest_analysis_verdict(ctx, a, r, 2, small, sizeof small, &need2, NULL));
    ck_assert_uint_eq(need2, need);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
    ck_assert(strncmp(small, text, sizeof small - 1) == 0);
    OK(shipest_analysis_verdict(ctx, a, r, 2, NULL, 0, &need2, NULL));
    ck_assert_uint_eq(need2, need);
    /* Log-space has no answer (the log of y is normal, not the inputs'). */
    shipest_analysis *l;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LOG, &l));
    ck_assert_uint_eq(shipest_analysis_flags(l, 0), SHIPEST_ANALYSIS_UNAVAILABLE);
    shipest_analysis_free(l);
    shipest_result_free(r);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- derivatives against finite differences ------------------------------------ */

/* f = x1 exp(x2) / sqrt(x3) + x1^x2 - x2 log(x3) - x3, dimensionless;
 * w = x1 [t] * x3 shown in kg (so dw/dx1 = 1000 x3 kg per t). */
static shipest_status build_smooth(shipest_ctx *ctx, const double x[3], int point,
                                   shipest_model **out)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_node in[3], t1, t2, t3, f, w, x1t;
    shipest_dist *d = NULL;
    static const char *const names[3] = {"x1", "x2", "x3"};
    *out = NULL;
    TRY(shipest_model_new(ctx, &m));
    for (int k = 0; k < 3; k++) {
        /* Point mode: a constant input, so the linear mean is f at x. */
        if (point)
            TRY(shipest_dist_constant(ctx, x[k], &d));
        else
            TRY(shipest_dist_normal(ctx, x[k], 0.01 * x[k], &d));
        TRY(shipest_model_input(m, names[k], d, NULL, NULL, &in[k]));
        shipest_dist_free(d);
        d = NULL;
    }
    TRY(shipest_model_exp(m, in[1], &t1));
    TRY(shipest_model_mul(m, in[0], t1, &t1));
    TRY(shipest_model_sqrt(m, in[2], &t2));
    TRY(shipest_model_div(m, t1, t2, &t1));
    TRY(shipest_model_pow(m, in[0], in[1], &t2));
    TRY(shipest_model_add(m, t1, t2, &f));
    TRY(shipest_model_log(m, in[2], &t3));
    TRY(shipest_model_mul(m, in[1], t3, &t3));
    TRY(shipest_model_sub(m, f, t3, &f));
    TRY(shipest_model_sub(m, f, in[2], &f));
    TRY(name_out(m, f, "f"));
    TRY(shipest_model_with_unit(m, in[0], "t", &x1t));
    TRY(shipest_model_mul(m, x1t, in[2], &w));
    TRY(shipest_model_display(m, w, "kg", &w));
    TRY(name_out(m, w, "w"));
out:
    shipest_dist_free(d);
    if (st != SHIPEST_OK)
        shipest_model_free(m);
    else
        *out = m;
    return st;
}

static double value_at(shipest_ctx *ctx, const double x[3], size_t out)
{
    shipest_model *m;
    shipest_analysis *a;
    double v;
    OK(build_smooth(ctx, x, 1, &m));
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    OK(shipest_analysis_mean(a, out, &v));
    shipest_analysis_free(a);
    shipest_model_free(m);
    return v;
}

START_TEST(test_derivatives_vs_finite_differences)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    const double x0[3] = {1.7, 0.8, 2.3};
    shipest_model *m;
    shipest_analysis *a;
    OK(build_smooth(ctx, x0, 0, &m));
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    ck_assert_uint_eq(shipest_analysis_budget_count(a, 0), 3);
    ck_assert_uint_eq(shipest_analysis_budget_count(a, 1), 2);
    static const char *const names[3] = {"x1", "x2", "x3"};
    for (size_t out = 0; out < 2; out++) {
        for (int k = 0; k < 3; k++) {
            if (out == 1 && k == 1)
                continue; /* w does not depend on x2 */
            /* Central difference, h = 1e-5 x: truncation ~ h^2 f''' ~ 1e-10,
             * rounding ~ 1e-16 / 1e-5 ~ 1e-11, relative to O(1) values. */
            double xp[3] = {x0[0], x0[1], x0[2]}, xm[3] = {x0[0], x0[1], x0[2]};
            double h = 1e-5 * x0[k];
            xp[k] += h;
            xm[k] -= h;
            double fd = (value_at(ctx, xp, out) - value_at(ctx, xm, out)) / (xp[k] - xm[k]);
            double c;
            OK(shipest_analysis_budget(a, out, row_of(a, out, names[k]), NULL, NULL, &c, NULL,
                                       NULL, NULL));
            ck_assert_msg(fabs(c - fd) <= 1e-7 * fmax(1.0, fabs(fd)),
                          "d%s/d%s: forward mode %.12g, finite difference %.12g",
                          out == 0 ? "f" : "w", names[k], c, fd);
        }
    }
    /* The w derivative is in display units: kg per t of x1. */
    double c;
    OK(shipest_analysis_budget(a, 1, row_of(a, 1, "x1"), NULL, NULL, &c, NULL, NULL, NULL));
    assert_rel(c, 1000.0 * x0[2], 1e-14);
    ck_assert_str_eq(shipest_analysis_output_unit(a, 1), "kg");
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- non-smooth operations -------------------------------------------------------- */

START_TEST(test_nonsmooth)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_new(ctx, &m));
    shipest_node x, y, five, n;
    OK(add_input(ctx, m, "x", shipest_dist_normal, 4, 1, NULL, &x));
    OK(add_input(ctx, m, "y", shipest_dist_normal, 6, 1, NULL, &y));
    OK(shipest_model_const(m, 5, NULL, &five));
    OK(shipest_model_min(m, x, five, &n));
    OK(name_out(m, n, "min_x"));   /* active branch x: c = 1 */
    OK(shipest_model_min(m, y, five, &n));
    OK(name_out(m, n, "min_y"));   /* active branch 5: c = 0 */
    OK(shipest_model_neg(m, x, &n));
    OK(shipest_model_abs(m, n, &n));
    OK(name_out(m, n, "abs"));     /* |-x| at -4: c = -1 * -1 = 1 */
    OK(shipest_model_max(m, five, five, &n));
    OK(name_out(m, n, "const"));   /* smooth: nothing uncertain */
    shipest_analysis *a;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    double c, sd, mean;
    char why[512];
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), SHIPEST_ANALYSIS_NONSMOOTH);
    shipest_analysis_reason(a, 0, why, sizeof why);
    ck_assert_msg(strstr(why, "not smooth") != NULL && strstr(why, "min") != NULL, "%s", why);
    OK(shipest_analysis_budget(a, 0, 0, NULL, NULL, &c, NULL, NULL, NULL));
    assert_rel(c, 1.0, 0);
    OK(shipest_analysis_mean(a, 1, &mean));
    OK(shipest_analysis_sd(a, 1, &sd));
    assert_rel(mean, 5.0, 0);
    ck_assert(sd == 0.0);
    ck_assert_uint_eq(shipest_analysis_flags(a, 2), SHIPEST_ANALYSIS_NONSMOOTH);
    OK(shipest_analysis_budget(a, 2, 0, NULL, NULL, &c, NULL, NULL, NULL));
    assert_rel(c, 1.0, 0);
    ck_assert_uint_eq(shipest_analysis_flags(a, 3), SHIPEST_ANALYSIS_EXACT);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* The worked example: every output's budget covers exactly the inputs and
 * table factors Monte Carlo lists as its dependencies; the load plan is
 * flagged as non-smooth. */
START_TEST(test_worked_example)
{
    static const char text[] =
        "containers = 28000 to 40000 container\n"
        "rounds     = containers -> round_152mm\n"
        "per_year   = rounds / (22 to 25 month) -> round_152mm/year\n"
        "demand     = 10000 to 45000 round_152mm/day -> round_152mm/year\n"
        "share      = per_year / demand\n";
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_parse(ctx, text, sizeof text - 1, &m));
    shipest_analysis *a;
    shipest_result *r;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 4096));
    OK(shipest_model_run(ctx, m, &r));
    ck_assert_uint_eq(shipest_analysis_output_count(a), shipest_result_output_count(r));
    for (size_t i = 0; i < shipest_analysis_output_count(a); i++) {
        ck_assert_str_eq(shipest_analysis_output_name(a, i), shipest_result_output_name(r, i));
        ck_assert_str_eq(shipest_analysis_output_unit(a, i), shipest_result_output_unit(r, i));
        size_t nb = shipest_analysis_budget_count(a, i);
        ck_assert_uint_eq(nb, shipest_result_dependency_count(r, i));
        double total = 0.0, cs;
        for (size_t k = 0; k < shipest_result_dependency_count(r, i); k++) {
            const char *dep;
            OK(shipest_result_dependency(r, i, k, NULL, &dep, NULL));
            double share;
            OK(shipest_analysis_budget(a, i, row_of(a, i, dep), NULL, NULL, NULL, NULL, NULL,
                                       &share));
            total += share;
        }
        OK(shipest_analysis_correlation_share(a, i, &cs));
        assert_rel(total + cs, 1.0, 1e-12);
    }
    size_t i;
    OK(shipest_analysis_output_index(a, "rounds", &i));
    ck_assert(shipest_analysis_flags(a, i) & SHIPEST_ANALYSIS_NONSMOOTH);
    ck_assert_int_eq(shipest_analysis_output_index(a, "nope", &i), SHIPEST_ENAME);
    shipest_result_free(r);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- bounds --------------------------------------------------------------------- */

START_TEST(test_bounds_arithmetic)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_new(ctx, &m));
    shipest_node x, y, z, n;
    shipest_dist *d;
    OK(add_input(ctx, m, "x", shipest_dist_uniform, 1, 2, NULL, &x));
    OK(add_input(ctx, m, "y", shipest_dist_uniform, 3, 5, NULL, &y));
    OK(shipest_dist_triangular(ctx, -1, 0, 2, &d));
    OK(shipest_model_input(m, "z", d, NULL, NULL, &z));
    shipest_dist_free(d);
    struct {
        const char *name;
        double lo, hi;
    } want[] = {{"sum", 4, 7},        {"prod", 3, 10},     {"quot", 0.2, 2.0 / 3.0},
                {"diff", -4, -1},     {"xz", -2, 4},       {"xx", 0, 0},
                {"x_over_x", 1, 1},   {"sq", 1, 4},        {"inv", 1.0 / 25, 1.0 / 9}};
    OK(shipest_model_add(m, x, y, &n)); OK(name_out(m, n, "sum"));
    OK(shipest_model_mul(m, x, y, &n)); OK(name_out(m, n, "prod"));
    OK(shipest_model_div(m, x, y, &n)); OK(name_out(m, n, "quot"));
    OK(shipest_model_sub(m, x, y, &n)); OK(name_out(m, n, "diff"));
    OK(shipest_model_mul(m, x, z, &n)); OK(name_out(m, n, "xz"));
    OK(shipest_model_sub(m, x, x, &n)); OK(name_out(m, n, "xx"));
    OK(shipest_model_div(m, x, x, &n)); OK(name_out(m, n, "x_over_x"));
    OK(shipest_model_mul(m, x, x, &n)); OK(name_out(m, n, "sq"));
    OK(shipest_model_powi(m, y, -2, &n)); OK(name_out(m, n, "inv"));
    OK(shipest_model_div(m, x, z, &n)); OK(name_out(m, n, "x_over_z"));
    shipest_analysis *a;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_BOUNDS, &a));
    ck_assert_int_eq(shipest_analysis_method(a), SHIPEST_METHOD_BOUNDS);
    size_t i;
    double lo, hi, p;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        OK(shipest_analysis_output_index(a, want[k].name, &i));
        ck_assert_uint_eq(shipest_analysis_flags(a, i), SHIPEST_ANALYSIS_EXACT);
        OK(shipest_analysis_interval(a, i, 0.999, &lo, &hi));
        ck_assert_msg(fabs(lo - want[k].lo) <= 1e-15 && fabs(hi - want[k].hi) <= 1e-15,
                      "%s: [%g, %g]", want[k].name, lo, hi);
        OK(shipest_analysis_probability(a, i, &p));
        ck_assert(p == 1.0);
    }
    /* Division by z in [-1, 2]: unbounded both ways, flagged. */
    OK(shipest_analysis_output_index(a, "x_over_z", &i));
    ck_assert_uint_eq(shipest_analysis_flags(a, i), SHIPEST_ANALYSIS_EXACT | SHIPEST_ANALYSIS_UNBOUNDED);
    OK(shipest_analysis_interval(a, i, 0.9, &lo, &hi));
    ck_assert(isinf(lo) && lo < 0 && isinf(hi) && hi > 0);
    char why[512];
    shipest_analysis_reason(a, i, why, sizeof why);
    ck_assert_msg(strstr(why, "'x_over_z' divides by a value whose bounds [-1, 2] contain 0") != NULL,
                  "%s", why);
    /* No mean or sd from bounds; no budget. */
    double v;
    ck_assert_int_eq(shipest_analysis_mean(a, 0, &v), SHIPEST_EUNSUPPORTED);
    ck_assert_int_eq(shipest_analysis_sd(a, 0, &v), SHIPEST_EUNSUPPORTED);
    ck_assert_uint_eq(shipest_analysis_budget_count(a, 0), 0);
    /* Certain bounds hold against Monte Carlo. */
    shipest_result *r;
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, scaled(200000)));
    OK(shipest_model_run(ctx, m, &r));
    char text[4096];
    int trust = -1;
    OK(shipest_analysis_verdict(ctx, a, r, 2, text, sizeof text, NULL, &trust));
    ck_assert_msg(trust == 1, "%s", text);
    ck_assert_msg(strstr(text, "sum: the bounds hold: every Monte Carlo value lies in [4, 7]") != NULL,
                  "%s", text);
    shipest_result_free(r);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* One-sided bounds: a "more than 28,000" support [28000, inf) and a
 * lognormal (support (0, inf)), with and without a tail probability. */
START_TEST(test_bounds_one_sided)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_new(ctx, &m));
    shipest_node c, w, x, n;
    shipest_dist *d;
    OK(shipest_dist_truncnormal(ctx, 30000, 3000, 28000, INFINITY, &d));
    OK(shipest_model_input(m, "containers", d, "container_20ft", NULL, &c));
    shipest_dist_free(d);
    OK(add_input(ctx, m, "w", shipest_dist_lognormal, 0, 0.5, NULL, &w));
    OK(add_input(ctx, m, "x", shipest_dist_uniform, 1, 2, NULL, &x));
    OK(shipest_model_output(m, c));
    OK(shipest_model_add(m, w, x, &n));
    OK(name_out(m, n, "wx"));
    OK(shipest_model_div(m, x, w, &n));
    OK(name_out(m, n, "x_over_w"));
    /* tail 0: nothing cut; certain, one-sided. */
    shipest_analysis *a;
    double lo, hi, p;
    char why[512];
    OK(shipest_model_analyze_bounds(ctx, m, 0.0, 0, &a));
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), SHIPEST_ANALYSIS_EXACT | SHIPEST_ANALYSIS_UNBOUNDED);
    OK(shipest_analysis_interval(a, 0, 0.9, &lo, &hi));
    ck_assert(lo == 28000.0 && isinf(hi));
    shipest_analysis_reason(a, 0, why, sizeof why);
    ck_assert_msg(strstr(why, "one-sided: input 'containers'") != NULL, "%s", why);
    OK(shipest_analysis_interval(a, 1, 0.9, &lo, &hi));
    ck_assert(lo == 1.0 && isinf(hi));
    shipest_analysis_free(a);
    /* Default tail 0.005: unbounded ends cut at 99.5%; the lognormal's
     * lower end stays 0 (its support), so x / w is still one-sided. */
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_BOUNDS, &a));
    double q;
    OK(shipest_dist_quantile(shipest_model_node_dist(m, w), 0.995, &q));
    OK(shipest_analysis_interval(a, 1, 0.99, &lo, &hi));
    ck_assert(lo == 1.0);
    assert_rel(hi, q + 2.0, 1e-15);
    OK(shipest_analysis_probability(a, 1, &p));
    assert_rel(p, 0.995, 1e-15);
    ck_assert_uint_eq(shipest_analysis_flags(a, 1), 0);
    ck_assert_int_eq(shipest_analysis_interval(a, 1, 0.999, &lo, &hi), SHIPEST_EDOMAIN);
    shipest_analysis_reason(a, 1, why, sizeof why);
    ck_assert_msg(strstr(why, "probability at least 0.995") != NULL, "%s", why);
    ck_assert_uint_eq(shipest_analysis_flags(a, 2), SHIPEST_ANALYSIS_UNBOUNDED);
    OK(shipest_analysis_interval(a, 2, 0.9, &lo, &hi));
    assert_rel(lo, 1.0 / q, 1e-15);
    ck_assert(isinf(hi));
    shipest_analysis_reason(a, 2, why, sizeof why);
    ck_assert_msg(strstr(why, "divides by a value whose bounds [0, ") != NULL, "%s", why);
    shipest_analysis_free(a);
    /* Every end cut: x / w becomes finite, two tails of w and two of x. */
    OK(shipest_model_analyze_bounds(ctx, m, 0.01, SHIPEST_BOUNDS_ALL_QUANTILES, &a));
    OK(shipest_analysis_probability(a, 2, &p));
    assert_rel(p, 0.96, 1e-14);
    OK(shipest_analysis_interval(a, 2, 0.9, &lo, &hi));
    ck_assert(isfinite(lo) && isfinite(hi) && lo > 0.0);
    ck_assert_uint_eq(shipest_analysis_flags(a, 2), 0);
    /* Probabilistic bounds hold against Monte Carlo, up to its error. */
    shipest_result *r;
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, scaled(200000)));
    OK(shipest_model_run(ctx, m, &r));
    shipest_verdict v;
    double tol, diff;
    OK(shipest_analysis_compare(ctx, a, r, 2, 2, &v, &tol, &diff));
    ck_assert_int_eq(v, SHIPEST_VERDICT_HOLDS);
    assert_rel(tol, 0.04, 1e-12);
    ck_assert(diff < tol);
    shipest_result_free(r);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- errors ---------------------------------------------------------------------- */

START_TEST(test_bad_arguments)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m, *other, *empty;
    shipest_analysis *a = (shipest_analysis *)ctx;
    OK(build_sum(ctx, &m));
    OK(build_lognormal(ctx, &other));
    OK(shipest_model_new(ctx, &empty));
    ck_assert_int_eq(shipest_model_analyze(NULL, m, SHIPEST_METHOD_LINEAR, &a), SHIPEST_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(shipest_model_analyze(ctx, NULL, SHIPEST_METHOD_LINEAR, &a), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_analyze(ctx, m, (shipest_method)9, &a), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_analyze(ctx, empty, SHIPEST_METHOD_LOG, &a), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_analyze_bounds(ctx, m, 0.5, 0, &a), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_model_analyze_bounds(ctx, m, -0.1, 0, &a), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_model_analyze_bounds(ctx, m, NAN, 0, &a), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_model_analyze_bounds(ctx, m, 0.01, 2, &a), SHIPEST_EINVAL);
    /* NULL analyses read as empty. */
    shipest_analysis_free(NULL);
    ck_assert_uint_eq(shipest_analysis_output_count(NULL), 0);
    ck_assert_ptr_null(shipest_analysis_output_name(NULL, 0));
    ck_assert_uint_eq(shipest_analysis_flags(NULL, 0), SHIPEST_ANALYSIS_UNAVAILABLE);
    ck_assert_uint_eq(shipest_analysis_reason(NULL, 0, NULL, 0), 0);
    ck_assert_int_eq(shipest_analysis_method(NULL), 0);

    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    double v;
    ck_assert_int_eq(shipest_analysis_mean(a, 1, &v), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_analysis_mean(a, 0, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_analysis_interval(a, 0, 1.0, &v, &v), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_analysis_interval(a, 0, 0.0, &v, &v), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_analysis_lognormal(a, 0, &v, &v), SHIPEST_EUNSUPPORTED);
    ck_assert_int_eq(shipest_analysis_probability(a, 0, &v), SHIPEST_EUNSUPPORTED);
    ck_assert_int_eq(shipest_analysis_budget(a, 0, 3, NULL, NULL, NULL, NULL, NULL, NULL),
                     SHIPEST_EINVAL);
    ck_assert_ptr_null(shipest_analysis_output_unit(a, 1));
    ck_assert_int_eq(shipest_analysis_output_index(a, NULL, NULL), SHIPEST_EINVAL);

    /* The verdict needs a result of the same model, and 1 to 6 digits. */
    shipest_result *r, *ro;
    OK(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 1000));
    OK(shipest_model_run(ctx, m, &r));
    OK(shipest_model_run(ctx, other, &ro));
    shipest_verdict vd;
    char buf[64];
    ck_assert_int_eq(shipest_analysis_verdict(ctx, a, ro, 2, buf, sizeof buf, NULL, NULL),
                     SHIPEST_EINVAL);
    ck_assert_msg(strstr(shipest_ctx_errmsg(ctx), "no output 's'") != NULL, "%s",
                  shipest_ctx_errmsg(ctx));
    ck_assert_int_eq(shipest_analysis_verdict(ctx, a, r, 0, buf, sizeof buf, NULL, NULL),
                     SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_analysis_verdict(ctx, a, r, 7, buf, sizeof buf, NULL, NULL),
                     SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_analysis_verdict(ctx, a, r, 2, NULL, 5, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_analysis_verdict(NULL, a, r, 2, NULL, 0, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_analysis_verdict(ctx, NULL, r, 2, NULL, 0, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_analysis_compare(ctx, a, r, 1, 2, &vd, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_analysis_compare(ctx, a, r, 0, 2, NULL, NULL, NULL), SHIPEST_EINVAL);
    shipest_result_free(r);
    shipest_result_free(ro);
    shipest_analysis_free(a);

    /* Contradictory correlations: rejected as by shipest_model_run(),
     * except by the bounds, which ignore dependence. */
    shipest_model *bad;
    shipest_node x, y, z;
    OK(shipest_model_new(ctx, &bad));
    OK(add_input(ctx, bad, "x", shipest_dist_normal, 0, 1, NULL, &x));
    OK(add_input(ctx, bad, "y", shipest_dist_normal, 0, 1, NULL, &y));
    OK(add_input(ctx, bad, "z", shipest_dist_normal, 0, 1, NULL, &z));
    OK(shipest_model_correlate(bad, x, y, 0.9));
    OK(shipest_model_correlate(bad, y, z, 0.9));
    OK(shipest_model_correlate(bad, x, z, -0.9));
    OK(shipest_model_add(bad, x, y, &x));
    OK(shipest_model_add(bad, x, z, &x));
    OK(name_out(bad, x, "t"));
    ck_assert_int_eq(shipest_model_analyze(ctx, bad, SHIPEST_METHOD_LINEAR, &a), SHIPEST_EDOMAIN);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(shipest_model_analyze(ctx, bad, SHIPEST_METHOD_LOG, &a), SHIPEST_EDOMAIN);
    OK(shipest_model_analyze(ctx, bad, SHIPEST_METHOD_BOUNDS, &a));
    shipest_analysis_free(a);
    shipest_model_free(bad);
    shipest_model_free(empty);
    shipest_model_free(other);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* A model with no finite answer at the means: log of a value whose mean
 * is negative, and an input without a finite variance. */
START_TEST(test_linear_no_answer)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(shipest_model_new(ctx, &m));
    shipest_node x, t, n;
    shipest_dist *d;
    OK(add_input(ctx, m, "x", shipest_dist_normal, -1, 0.1, NULL, &x));
    OK(shipest_model_log(m, x, &n));
    OK(name_out(m, n, "lx"));
    OK(shipest_dist_student_t(ctx, 1.5, 0, 1, &d));
    OK(shipest_model_input(m, "t", d, NULL, NULL, &t));
    shipest_dist_free(d);
    OK(scale_by(m, t, 2, &n));
    OK(name_out(m, n, "tt"));
    shipest_analysis *a;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    /* A flagged output is an answer, not a failure: no error is left. */
    ck_assert_int_eq(shipest_ctx_errcode(ctx), SHIPEST_OK);
    ck_assert_str_eq(shipest_ctx_errmsg(ctx), "");
    char why[512];
    double v;
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), SHIPEST_ANALYSIS_UNAVAILABLE);
    shipest_analysis_reason(a, 0, why, sizeof why);
    ck_assert_msg(strstr(why, "no answer") != NULL && strstr(why, "'lx'") != NULL, "%s", why);
    ck_assert_int_eq(shipest_analysis_sd(a, 0, &v), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_analysis_interval(a, 0, 0.9, &v, &v), SHIPEST_EDOMAIN);
    ck_assert_uint_eq(shipest_analysis_flags(a, 1), SHIPEST_ANALYSIS_UNAVAILABLE);
    shipest_analysis_reason(a, 1, why, sizeof why);
    ck_assert_msg(strstr(why, "input 't' (Student-t) has no finite mean and variance") != NULL,
                  "%s", why);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* A model larger than the stack scratch, so the heap path runs too. */
static shipest_status build_chain(shipest_ctx *ctx, int n, shipest_model **out)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_node x, y, acc;
    *out = NULL;
    TRY(shipest_model_new(ctx, &m));
    TRY(add_input(ctx, m, "x", shipest_dist_lognormal, 0, 0.1, NULL, &x));
    TRY(add_input(ctx, m, "y", shipest_dist_lognormal, 0, 0.2, NULL, &y));
    TRY(shipest_model_correlate(m, x, y, 0.3));
    acc = x;
    for (int k = 0; k < n; k++)
        TRY(shipest_model_mul(m, acc, k % 2 ? x : y, &acc));
    TRY(name_out(m, acc, "p"));
out:
    if (st != SHIPEST_OK)
        shipest_model_free(m);
    else
        *out = m;
    return st;
}

START_TEST(test_large_model)
{
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *m;
    OK(build_chain(ctx, 300, &m));
    shipest_analysis *a;
    /* p = x^151 y^150: s^2 = 151^2 0.01 + 150^2 0.04 + 2 (151)(150)(0.3)(0.1)(0.2). */
    double s2 = 151.0 * 151.0 * 0.01 + 150.0 * 150.0 * 0.04 + 2 * 151.0 * 150.0 * 0.3 * 0.02;
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LOG, &a));
    double mu, sg;
    OK(shipest_analysis_lognormal(a, 0, &mu, &sg));
    ck_assert(fabs(mu) < 1e-12);
    assert_rel(sg, sqrt(s2), 1e-13);
    shipest_analysis_free(a);
    OK(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a));
    /* Linear, at the means mx = e^0.005, my = e^0.02: P = mx^151 my^150,
     * c_x = 151 P / mx, c_y = 150 P / my; u_x = mx sqrt(e^0.01 - 1), ... */
    double mx = exp(0.005), my = exp(0.02), P = pow(mx, 151) * pow(my, 150);
    double ux = 151.0 * P / mx * mx * sqrt(expm1(0.01)), uy = 150.0 * P / my * my * sqrt(expm1(0.04));
    double sd;
    OK(shipest_analysis_sd(a, 0, &sd));
    assert_rel(sd, sqrt(ux * ux + uy * uy + 2 * 0.3 * ux * uy), 1e-11);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* 1100 inputs: nodes x inputs passes 2^20, so the sensitivities come from
 * one tangent sweep per input instead of gradient vectors. Sum of normals
 * x_k ~ N(k, 1 + k / 1000), x_0 and x_1 correlated 0.5; and the product of
 * lognormals LN(0, 0.01) each (log-space). */
START_TEST(test_many_inputs)
{
    enum { N = 1100 };
    shipest_ctx *ctx;
    OK(shipest_ctx_new(&ctx));
    shipest_model *ms, *mp;
    OK(shipest_model_new(ctx, &ms));
    OK(shipest_model_new(ctx, &mp));
    shipest_node sum = SHIPEST_NO_NODE, prod = SHIPEST_NO_NODE, x, first[2];
    double var = 0.0;
    char name[16];
    for (int k = 0; k < N; k++) {
        snprintf(name, sizeof name, "x%d", k);
        double u = 1.0 + k / 1000.0;
        OK(add_input(ctx, ms, name, shipest_dist_normal, k, u, NULL, &x));
        var += u * u;
        if (k < 2)
            first[k] = x;
        OK(k == 0 ? SHIPEST_OK : shipest_model_add(ms, sum, x, &x));
        sum = x;
        OK(add_input(ctx, mp, name, shipest_dist_lognormal, 0, 0.01, NULL, &x));
        OK(k == 0 ? SHIPEST_OK : shipest_model_mul(mp, prod, x, &x));
        prod = x;
    }
    OK(shipest_model_correlate(ms, first[0], first[1], 0.5));
    var += 2 * 0.5 * 1.0 * 1.001;
    OK(name_out(ms, sum, "sum"));
    OK(name_out(mp, prod, "prod"));
    shipest_analysis *a;
    double v;
    OK(shipest_model_analyze(ctx, ms, SHIPEST_METHOD_LINEAR, &a));
    ck_assert_uint_eq(shipest_analysis_budget_count(a, 0), N);
    ck_assert_uint_eq(shipest_analysis_flags(a, 0), SHIPEST_ANALYSIS_EXACT);
    OK(shipest_analysis_mean(a, 0, &v));
    assert_rel(v, N * (N - 1) / 2.0, 1e-15);
    OK(shipest_analysis_sd(a, 0, &v));
    assert_rel(v, sqrt(var), 1e-13);
    OK(shipest_analysis_budget(a, 0, 0, NULL, NULL, &v, NULL, NULL, NULL));
    assert_rel(v, 1.0, 1e-15);
    shipest_analysis_free(a);
    OK(shipest_model_analyze(ctx, mp, SHIPEST_METHOD_LOG, &a));
    double mu, sg;
    OK(shipest_analysis_lognormal(a, 0, &mu, &sg));
    ck_assert(fabs(mu) < 1e-12);
    assert_rel(sg, 0.01 * sqrt((double)N), 1e-12);
    shipest_analysis_free(a);
    shipest_model_free(ms);
    shipest_model_free(mp);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- allocation failure ------------------------------------------------------------ */

START_TEST(test_oom_analyze)
{
    shipest_model *m = NULL;
    shipest_analysis *a = NULL, *b = NULL, *c = NULL;
    HARNESS_OOM_LOOP(
        do {
            if ((st = build_chain(ctx, 300, &m)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_analyze(ctx, m, SHIPEST_METHOD_LOG, &b)) != SHIPEST_OK)
                break;
            st = shipest_model_analyze_bounds(ctx, m, 0.01, 0, &c);
        } while (0),
        do {
            shipest_analysis_free(a);
            shipest_analysis_free(b);
            shipest_analysis_free(c);
            shipest_model_free(m);
            a = b = c = NULL;
            m = NULL;
        } while (0));
}
END_TEST

START_TEST(test_oom_verdict)
{
    shipest_model *m = NULL;
    shipest_analysis *a = NULL;
    shipest_result *r = NULL;
    char buf[512];
    HARNESS_OOM_LOOP(
        do {
            if ((st = build_sum(ctx, &m)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_analyze(ctx, m, SHIPEST_METHOD_LINEAR, &a)) != SHIPEST_OK)
                break;
            if ((st = shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 3000)) != SHIPEST_OK)
                break;
            if ((st = shipest_model_run(ctx, m, &r)) != SHIPEST_OK)
                break;
            st = shipest_analysis_verdict(ctx, a, r, 1, buf, sizeof buf, NULL, NULL);
        } while (0),
        do {
            shipest_result_free(r);
            shipest_analysis_free(a);
            shipest_model_free(m);
            r = NULL;
            a = NULL;
            m = NULL;
        } while (0));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("analytic");
    TCase *tc = tcase_create("analytic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_linear_correlated_sum);
    tcase_add_test(tc, test_log_exact_products);
    tcase_add_test(tc, test_log_not_exact);
    tcase_add_test(tc, test_linear_fails_when_nonlinear);
    tcase_add_test(tc, test_derivatives_vs_finite_differences);
    tcase_add_test(tc, test_nonsmooth);
    tcase_add_test(tc, test_worked_example);
    tcase_add_test(tc, test_bounds_arithmetic);
    tcase_add_test(tc, test_bounds_one_sided);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_linear_no_answer);
    tcase_add_test(tc, test_large_model);
    tcase_add_test(tc, test_many_inputs);
    tcase_add_test(tc, test_oom_analyze);
    tcase_add_test(tc, test_oom_verdict);
    suite_add_tcase(s, tc);
    return s;
}
