/* check_dist.c — distribution families through the public API: accuracy
 * against mpmath references, CDF/quantile round trips into the far tails,
 * Kolmogorov-Smirnov and moment tests on 10^5 samples, bitwise determinism,
 * parameter validation, allocation failure and NULL handling. */
#include "harness.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Samples per family for the KS and moment tests; smaller under valgrind
 * (make check-valgrind sets SHIPEST_TEST_VALGRIND) to keep it quick. */
static size_t n_samples(void) { return getenv("SHIPEST_TEST_VALGRIND") != NULL ? 20000 : 100000; }

/* ------------------------------------------------ reference values */

/* Generated with mpmath 1.3 at 50 digits (script in docs/distributions.md). */
/* p, Phi^-1(p) (mpmath, 50 digits, for the double nearest p) */
static const double NORM_PPF_REF[][2] = {
    {1e-300, -37.047096299361199237},
    {1e-250, -33.79958617269483747},
    {1e-200, -30.205594179579643063},
    {1e-150, -26.122961190593983509},
    {1e-100, -21.273453560965324294},
    {1e-50, -14.933337534788488981},
    {1e-30, -11.46402468844361572},
    {1e-20, -9.2623400897984075796},
    {1e-16, -8.2220822161304356152},
    {1e-10, -6.3613409024040561991},
    {1e-05, -4.2648907939228246102},
    {0.001, -3.0902323061678135354},
    {0.02425, -1.9729610513118848376},
    {0.05, -1.644853626951472688},
    {0.1, -1.2815515655446004353},
    {0.2, -0.84162123357291416552},
    {0.3, -0.52440051270804081597},
    {0.4, -0.25334710313579974132},
    {0.45, -0.12566134685507400616},
    {0.49, -0.025068908258711058033},
    {0.51, 0.025068908258711058033},
    {0.6, 0.25334710313579974132},
    {0.75, 0.6744897501960817432},
    {0.9, 1.2815515655446005935},
    {0.95, 1.6448536269514722843},
    {0.975, 1.9599639845400538556},
    {0.99, 2.3263478740408407676},
    {0.999, 3.0902323061678132778},
    {0.99999, 4.2648907939238407699},
    {0.9999999999, 6.3613408896974218642},
    {0.999999999999999, 7.9414444874159788106},
    {0.9999999999999999, 8.2095361516013868556},
};
/* x, Phi(x) */
static const double NORM_CDF_REF[][2] = {
    {-37.5, 4.6053530095819548438e-308},
    {-37, 5.7255712225245768227e-300},
    {-30, 4.9067139271481870595e-198},
    {-20, 2.7536241186062336951e-89},
    {-10, 7.619853024160526066e-24},
    {-5, 2.8665157187919391167e-7},
    {-1, 0.15865525393145705141},
    {-1e-05, 0.49999601057719605216},
    {0.5, 0.69146246127401310364},
    {1, 0.84134474606854294859},
    {3, 0.99865010196836990547},
    {5, 0.99999971334842812081},
    {8, 0.9999999999999993779},
};
/* shape, x, P(shape, x) */
static const double GAMMA_CDF_REF[][3] = {
    {0.5, 1e-10, 0.000011283791670578999555},
    {0.5, 0.3, 0.56142197391900013648},
    {0.5, 3, 0.98569412156457036047},
    {1, 1, 0.6321205588285576784},
    {2.5, 0.01, 2.9876015319065938441e-6},
    {3, 7, 0.97036383611947822324},
    {10, 1, 1.1142547833872067735e-7},
    {10, 30, 0.99999287824913718442},
    {100, 90, 0.1582209891864301681},
    {100, 120, 0.97213626010947933852},
    {1000, 1000, 0.5042052441802155085},
    {10000.0, 10050.0, 0.69234244070256555786},
    {0.001, 1e-05, 0.98912304469578266885},
    {5, 40, 0.99999999999949795357},
};
/* alpha, beta, x, I_x(alpha, beta) */
static const double BETA_CDF_REF[][4] = {
    {0.5, 0.5, 0.1, 0.20483276469913345754},
    {2, 3, 0.4, 0.52480000000000003837},
    {2, 3, 1e-10, 5.9999999992000004372e-20},
    {5, 1, 0.99, 0.95099004989999995734},
    {0.1, 10, 0.5, 0.99997770252754162093},
    {50, 60, 0.45, 0.46423529143060362867},
    {500, 400, 0.56, 0.60486218724288527867},
    {10000.0, 2, 0.9997, 0.19905865898986940732},
    {2.5, 10000.0, 0.0001, 0.1508895584698519691},
    {10, 0.5, 0.999, 0.88889670912486025919},
};
/* df, t, P(T <= t) */
static const double T_CDF_REF[][3] = {
    {1, -3, 0.10241638234956672582},
    {2, 0.5, 0.66666666666666666667},
    {3, -100000.0, 1.1026577904466272944e-15},
    {5, -2, 0.050969739414929178123},
    {5, 2, 0.94903026058507082188},
    {10, -30, 1.9808961710156621352e-11},
    {30, 0.1, 0.53949519410486442414},
    {0.5, -10000000000.0, 3.2070097541422290034e-6},
    {100, -5, 1.2250867067519002115e-6},
    {10000.0, -3, 0.0013532240949988331429},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static double relerr(double got, double want)
{
    return want == 0.0 ? fabs(got) : fabs(got - want) / fabs(want);
}

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

static double q_of(const shipest_dist *d, double p)
{
    double x = NAN;
    ck_assert_int_eq(shipest_dist_quantile(d, p, &x), SHIPEST_OK);
    return x;
}

static double F_of(const shipest_dist *d, double x)
{
    double p = NAN;
    ck_assert_int_eq(shipest_dist_cdf(d, x, &p), SHIPEST_OK);
    return p;
}

/* The normal quantile is AS241 and must be within 1e-15 relative of the
 * exact value over (1e-300, 1 - 1e-16); the CDF within 1e-15 in either
 * tail (x = -37.5 is 4.6e-308, still a normal double). */
START_TEST(test_normal_accuracy)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, 1, &d), SHIPEST_OK);
    for (size_t i = 0; i < NELEM(NORM_PPF_REF); i++) {
        double e = relerr(q_of(d, NORM_PPF_REF[i][0]), NORM_PPF_REF[i][1]);
        ck_assert_msg(e <= 1e-15, "ppf(%g): relative error %g", NORM_PPF_REF[i][0], e);
    }
    for (size_t i = 0; i < NELEM(NORM_CDF_REF); i++) {
        double e = relerr(F_of(d, NORM_CDF_REF[i][0]), NORM_CDF_REF[i][1]);
        ck_assert_msg(e <= 1e-15, "cdf(%g): relative error %g", NORM_CDF_REF[i][0], e);
    }
    /* Symmetry: the upper tail is the mirror of the lower one. */
    ck_assert(q_of(d, 0.5) == 0.0);
    ck_assert(q_of(d, 1.0 - 0x1p-53) == -q_of(d, 0x1p-53));
    ck_assert(q_of(d, 0.0) == -INFINITY && q_of(d, 1.0) == INFINITY);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* Incomplete gamma, beta and the Student-t CDF against mpmath: 1e-13
 * relative (measured worst 5e-15), except the Student-t CDF at large df,
 * 1e-12: there x = df / (df + t^2) is near 1 and the beta continued
 * fraction magnifies rounding; it runs in long double, which gives 4e-15
 * on x86-64 but only 3e-13 where long double is double (valgrind too). */
START_TEST(test_special_accuracy)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    for (size_t i = 0; i < NELEM(GAMMA_CDF_REF); i++) {
        ck_assert_int_eq(shipest_dist_gamma(ctx, GAMMA_CDF_REF[i][0], 1.0, &d), SHIPEST_OK);
        double e = relerr(F_of(d, GAMMA_CDF_REF[i][1]), GAMMA_CDF_REF[i][2]);
        ck_assert_msg(e <= 1e-13, "gamma(%g) cdf(%g): %g", GAMMA_CDF_REF[i][0], GAMMA_CDF_REF[i][1], e);
        /* The quantile is checked where p carries the information: near 1,
         * p = 1 - tiny has lost the tail's digits before the call. */
        if (GAMMA_CDF_REF[i][2] < 0.9) {
            e = relerr(q_of(d, GAMMA_CDF_REF[i][2]), GAMMA_CDF_REF[i][1]);
            ck_assert_msg(e <= 1e-12, "gamma(%g) quantile: %g", GAMMA_CDF_REF[i][0], e);
        }
        shipest_dist_free(d);
    }
    for (size_t i = 0; i < NELEM(BETA_CDF_REF); i++) {
        const double *r = BETA_CDF_REF[i];
        ck_assert_int_eq(shipest_dist_beta(ctx, r[0], r[1], 0.0, 1.0, &d), SHIPEST_OK);
        double e = relerr(F_of(d, r[2]), r[3]);
        ck_assert_msg(e <= 1e-13, "beta(%g, %g) cdf(%g): %g", r[0], r[1], r[2], e);
        shipest_dist_free(d);
    }
    for (size_t i = 0; i < NELEM(T_CDF_REF); i++) {
        const double *r = T_CDF_REF[i];
        ck_assert_int_eq(shipest_dist_student_t(ctx, r[0], 0.0, 1.0, &d), SHIPEST_OK);
        double e = relerr(F_of(d, r[1]), r[2]);
        ck_assert_msg(e <= (r[0] >= 1000 ? 1e-12 : 1e-13), "t(%g) cdf(%g): %g", r[0], r[1], e);
        if (r[2] < 0.9) {
            e = relerr(q_of(d, r[2]), r[1]);
            ck_assert_msg(e <= 1e-12, "t(%g) quantile(%g): %g", r[0], r[2], e);
        }
        shipest_dist_free(d);
    }
    shipest_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------ the families */

enum { CASE_DISCRETE = 1, CASE_NO_VAR_TEST = 2 };

typedef struct {
    const char *name;
    int flags;
} case_info;

static const double EMP_DATA[] = {3.1, 4.7, 4.7, 5.0, 5.2, 6.8, 7.3, 7.4, 8.0, 9.9,
                                  10.5, 11.0, 12.25, 12.5, 14.0, 15.5, 20.0, 21.0, 30.0, 31.5};

static const case_info CASES[] = {
    {"constant(3.5)", CASE_DISCRETE},
    {"uniform(-2, 5)", 0},
    {"normal(10, 2)", 0},
    {"lognormal(1, 0.5)", 0},
    {"lognormal_median_gsd(100, 1.5)", 0},
    {"lognormal_mean_sd(50, 20)", 0},
    {"9.5 to 12", 0},
    {"-3 to 7", 0},
    {"triangular(1, 2, 6)", 0},
    {"pert(45, 48, 52)", 0},
    {"pert(0, 10, 10, 2)", 0},
    {"beta(0.5, 0.5)", 0},
    {"beta(2, 5, -1, 3)", 0},
    {"gamma(0.3, 2)", 0},
    {"gamma(7.5, 0.1)", 0},
    {"exponential(0.25)", 0},
    {"student_t(5, 1, 2)", CASE_NO_VAR_TEST}, /* 8th moment infinite: 4th-moment SE unreliable */
    {"student_t(1.5, 0, 1)", CASE_NO_VAR_TEST},
    {"truncnormal(0, 1, -1, 2)", 0},
    {"truncnormal(0, 1, 40, inf)", 0},
    {"truncnormal(5, 2, -inf, -35)", 0},
    {"truncnormal(100, 1e-3, 99.9999999, 100.0000001)", 0},
    {"poisson(3.7)", CASE_DISCRETE},
    {"poisson(10000)", CASE_DISCRETE},
    {"binomial(20, 0.3)", CASE_DISCRETE},
    {"binomial(100000, 0.01)", CASE_DISCRETE},
    {"empirical(EMP_DATA)", 0},
    {"mixture(0.3, normal(0, 1), 0.7, lognormal(1, 0.4))", 0},
    {"mixture(0.5, poisson(3), 0.5, normal(10, 1))", 0}, /* mixed: continuous check */
    {"quantile3(5000, 5500, 6000, 0.05, 0, inf)", 0},
    {"quantile3(10, 20, 50, 0.1, 0, 100)", 0},
    {"quantile3(2, 5, 8, 0.05, 0, 10)", 0},
    {"quantile3(1, 2, 3, 0.1, 0, inf)", 0},
    {"quantile3(1, 2, 10, 0.1, 0, inf)", 0},
};

/* Build case i on ctx; on allocation failure returns ENOMEM with nothing
 * leaked (used by the OOM loop too). */
static shipest_status make_case(shipest_ctx *ctx, size_t i, shipest_dist **d)
{
    switch (i) {
    case 0: return shipest_dist_constant(ctx, 3.5, d);
    case 1: return shipest_dist_uniform(ctx, -2, 5, d);
    case 2: return shipest_dist_normal(ctx, 10, 2, d);
    case 3: return shipest_dist_lognormal(ctx, 1, 0.5, d);
    case 4: return shipest_dist_lognormal_median_gsd(ctx, 100, 1.5, d);
    case 5: return shipest_dist_lognormal_mean_sd(ctx, 50, 20, d);
    case 6: return shipest_dist_interval90(ctx, 9.5, 12, d);
    case 7: return shipest_dist_interval90(ctx, -3, 7, d);
    case 8: return shipest_dist_triangular(ctx, 1, 2, 6, d);
    case 9: return shipest_dist_pert(ctx, 45, 48, 52, 4, d);
    case 10: return shipest_dist_pert(ctx, 0, 10, 10, 2, d);
    case 11: return shipest_dist_beta(ctx, 0.5, 0.5, 0, 1, d);
    case 12: return shipest_dist_beta(ctx, 2, 5, -1, 3, d);
    case 13: return shipest_dist_gamma(ctx, 0.3, 2, d);
    case 14: return shipest_dist_gamma(ctx, 7.5, 0.1, d);
    case 15: return shipest_dist_exponential(ctx, 0.25, d);
    case 16: return shipest_dist_student_t(ctx, 5, 1, 2, d);
    case 17: return shipest_dist_student_t(ctx, 1.5, 0, 1, d);
    case 18: return shipest_dist_truncnormal(ctx, 0, 1, -1, 2, d);
    case 19: return shipest_dist_truncnormal(ctx, 0, 1, 40, INFINITY, d);
    case 20: return shipest_dist_truncnormal(ctx, 5, 2, -INFINITY, -35, d);
    case 21: return shipest_dist_truncnormal(ctx, 100, 1e-3, 99.9999999, 100.0000001, d);
    case 22: return shipest_dist_poisson(ctx, 3.7, d);
    case 23: return shipest_dist_poisson(ctx, 10000, d);
    case 24: return shipest_dist_binomial(ctx, 20, 0.3, d);
    case 25: return shipest_dist_binomial(ctx, 100000, 0.01, d);
    case 26: return shipest_dist_empirical(ctx, EMP_DATA, NELEM(EMP_DATA), d);
    case 27:
    case 28: {
        shipest_dist *c[2] = {NULL, NULL};
        shipest_status st = i == 27 ? shipest_dist_normal(ctx, 0, 1, &c[0]) : shipest_dist_poisson(ctx, 3, &c[0]);
        if (st == SHIPEST_OK)
            st = i == 27 ? shipest_dist_lognormal(ctx, 1, 0.4, &c[1]) : shipest_dist_normal(ctx, 10, 1, &c[1]);
        const double w27[2] = {0.3, 0.7}, w28[2] = {0.5, 0.5};
        if (st == SHIPEST_OK)
            st = shipest_dist_mixture(ctx, (const shipest_dist *const *)c, i == 27 ? w27 : w28, 2, d);
        shipest_dist_free(c[0]);
        shipest_dist_free(c[1]);
        return st;
    }
    case 29: return shipest_dist_quantile3(ctx, 5000, 5500, 6000, 0.05, 0, INFINITY, d);
    case 30: return shipest_dist_quantile3(ctx, 10, 20, 50, 0.1, 0, 100, d);
    case 31: return shipest_dist_quantile3(ctx, 2, 5, 8, 0.05, 0, 10, d);
    case 32: return shipest_dist_quantile3(ctx, 1, 2, 3, 0.1, 0, INFINITY, d);
    case 33: return shipest_dist_quantile3(ctx, 1, 2, 10, 0.1, 0, INFINITY, d);
    default: return SHIPEST_EINVAL;
    }
}

static shipest_dist *get_case(shipest_ctx *ctx, size_t i)
{
    shipest_dist *d = NULL;
    shipest_status st = make_case(ctx, i, &d);
    ck_assert_msg(st == SHIPEST_OK, "%s: %s", CASES[i].name, shipest_ctx_errmsg(ctx));
    return d;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic of sorted x against the CDF of d, also valid
 * for discrete and mixed laws: at each distinct value v compare the
 * empirical and model CDFs both at v and just below v. */
static double ks_stat(const shipest_dist *d, const double *x, size_t n)
{
    double dmax = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && x[j] == x[i])
            j++;
        double below = F_of(d, nextafter(x[i], -INFINITY));
        double at = F_of(d, x[i]);
        dmax = fmax(dmax, fabs((double)i / (double)n - below));
        dmax = fmax(dmax, fabs((double)j / (double)n - at));
        i = j;
    }
    return dmax;
}

/* For every family: the KS statistic of n samples (seed 2026, stream 17)
 * below the alpha = 0.001 critical value 1.95 / sqrt(n) (asymptotic
 * Kolmogorov distribution; conservative for discrete laws), and the sample
 * mean and variance within 5 standard errors of the analytic values:
 * SE(mean) = sqrt(var / n), SE(var) = sqrt((m4 - var^2) / n) with m4 the
 * sample fourth central moment (finite for every case tested that way). */
START_TEST(test_ks_and_moments)
{
    size_t i = (size_t)_i;
    size_t n = n_samples();
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 2026), SHIPEST_OK);
    shipest_dist *d = get_case(ctx, i);
    double *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(shipest_dist_sample(ctx, d, 17, 0, n, x), SHIPEST_OK);

    double mean = NAN, var = NAN;
    if (shipest_dist_mean(d, &mean) == SHIPEST_OK) {
        double m = 0.0;
        for (size_t j = 0; j < n; j++)
            m += x[j];
        m /= (double)n;
        double s2 = 0.0, m4 = 0.0;
        for (size_t j = 0; j < n; j++) {
            double e = x[j] - m;
            s2 += e * e;
            m4 += e * e * e * e;
        }
        s2 /= (double)(n - 1);
        m4 /= (double)n;
        if (shipest_dist_variance(d, &var) == SHIPEST_OK) {
            double se = sqrt(var / (double)n);
            ck_assert_msg(fabs(m - mean) <= 5.0 * se + 1e-12 * fabs(mean),
                          "%s: sample mean %.10g, analytic %.10g, se %g", CASES[i].name, m, mean, se);
            if (!(CASES[i].flags & CASE_NO_VAR_TEST)) {
                double sev = sqrt(fmax(m4 - s2 * s2, 0.0) / (double)n);
                ck_assert_msg(fabs(s2 - var) <= 5.0 * sev + 1e-12 * var,
                              "%s: sample variance %.10g, analytic %.10g, se %g", CASES[i].name, s2,
                              var, sev);
            }
        }
    }
    qsort(x, n, sizeof *x, cmp_d);
    double D = ks_stat(d, x, n);
    double crit = 1.95 / sqrt((double)n);
    ck_assert_msg(D < crit, "%s: KS statistic %g >= %g", CASES[i].name, D, crit);
    free(x);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

static const double RT_P[] = {1e-300, 1e-200, 1e-100, 1e-50, 1e-16, 1e-10, 1e-5, 0.001, 0.01,
                              0.1,    0.25,   0.5,    0.75,  0.9,   0.99,  0.999, 1 - 1e-5,
                              1 - 1e-10, 1 - 1e-16};

/* Round trips cdf(quantile(p)) = p. Continuous laws: within 1e-12 * p plus
 * the CDF's rise across 4 doubles either side of x (a quantile in double
 * cannot do better than the nearest double; 4 allows for the few-ulp
 * rounding of the closed forms and the mixture root finder). Discrete laws: the quantile is the smallest x with
 * CDF(x) >= p, so CDF(x) >= p > CDF(x just below). */
START_TEST(test_round_trips)
{
    size_t i = (size_t)_i;
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = get_case(ctx, i);
    double prev = -INFINITY;
    for (size_t k = 0; k < NELEM(RT_P); k++) {
        double p = RT_P[k];
        double x = q_of(d, p);
        ck_assert_msg(!isnan(x), "%s: quantile(%g) is NaN", CASES[i].name, p);
        ck_assert_msg(x >= prev, "%s: quantile not monotone at p = %g", CASES[i].name, p);
        prev = x;
        double F = F_of(d, x);
        double below = F_of(d, nextafter(x, -INFINITY));
        if (CASES[i].flags & CASE_DISCRETE) {
            ck_assert_msg(F >= p && below < p, "%s: p = %.17g, x = %.17g, F(x) = %.17g, F(x-) = %.17g",
                          CASES[i].name, p, x, F, below);
        } else {
            /* Below the smallest positive offset from a bound, the bound
             * itself is the right double answer. */
            if (p <= 1e-50 && x == q_of(d, 0.0) && F <= p)
                continue;
            double up = x, down = x;
            for (int s = 0; s < 4; s++) {
                up = nextafter(up, INFINITY);
                down = nextafter(down, -INFINITY);
            }
            double tol = 1e-12 * p + (F_of(d, up) - F_of(d, down));
            ck_assert_msg(fabs(F - p) <= tol, "%s: p = %.17g, x = %.17g, F(x) = %.17g (tol %g)",
                          CASES[i].name, p, x, F, tol);
        }
    }
    double lo = q_of(d, 0.0), hi = q_of(d, 1.0);
    ck_assert(F_of(d, lo) <= F_of(d, q_of(d, 1e-300)));
    ck_assert(F_of(d, hi) == 1.0);
    if (isfinite(lo))
        ck_assert(F_of(d, nextafter(lo, -INFINITY)) == 0.0);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* Sampling is the quantile at shipest_random_uniform's values — bitwise,
 * except for the families with a fast block inverse (beta, PERT and gamma
 * with shape parameters >= 1, Student-t with df <= 1e6;
 * docs/distributions.md), whose samples are
 * checked against the stated u-error bound |F(x) - u| <= 1e-12 instead —
 * and any split into blocks or trial ranges gives the same bits. */
START_TEST(test_determinism)
{
    size_t i = (size_t)_i;
    enum { N = 600 };
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 99), SHIPEST_OK);
    shipest_dist *d = get_case(ctx, i);
    static double all[N], part[N], u[N];
    const uint64_t first = 1000000007;
    ck_assert_int_eq(shipest_dist_sample(ctx, d, 4, first, N, all), SHIPEST_OK);
    shipest_random_uniform(99, 4, first, N, u);
    for (size_t j = 0; j < N; j++) {
        double x = q_of(d, u[j]);
        if (memcmp(&x, &all[j], sizeof x) == 0)
            continue;
        shipest_family fam = shipest_dist_family(d);
        ck_assert_msg(fam == SHIPEST_DIST_PERT || fam == SHIPEST_DIST_BETA || fam == SHIPEST_DIST_GAMMA
                          || fam == SHIPEST_DIST_STUDENT_T,
                      "%s: sample %zu is not quantile(u)", CASES[i].name, j);
        ck_assert_msg(fabs(F_of(d, all[j]) - u[j]) <= 1e-12,
                      "%s: sample %zu = %.17g: |F(x) - u| = %g > 1e-12 (u = %.17g)",
                      CASES[i].name, j, all[j], fabs(F_of(d, all[j]) - u[j]), u[j]);
    }
    static const size_t sizes[] = {1, 5, 64, 299, 512};
    for (size_t s = 0; s < NELEM(sizes); s++) {
        memset(part, 0, sizeof part);
        for (size_t j = 0; j < N; j += sizes[s]) {
            size_t m = N - j < sizes[s] ? N - j : sizes[s];
            ck_assert_int_eq(shipest_dist_sample(ctx, d, 4, first + j, m, part + j), SHIPEST_OK);
        }
        ck_assert_msg(memcmp(all, part, sizeof all) == 0, "%s: block size %zu differs", CASES[i].name,
                      sizes[s]);
    }
    /* A clone on another context with the same seed samples the same. */
    shipest_ctx *ctx2 = new_ctx();
    ck_assert_int_eq(shipest_ctx_set_int(ctx2, SHIPEST_OPT_SEED, 99), SHIPEST_OK);
    shipest_dist *c = NULL;
    ck_assert_int_eq(shipest_dist_clone(ctx2, d, &c), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_family(c), shipest_dist_family(d));
    ck_assert_int_eq(shipest_dist_sample(ctx2, c, 4, first, N, part), SHIPEST_OK);
    ck_assert(memcmp(all, part, sizeof all) == 0);
    shipest_dist_free(d); /* the clone outlives the original */
    ck_assert_int_eq(shipest_dist_sample(ctx2, c, 4, first, N, part), SHIPEST_OK);
    ck_assert(memcmp(all, part, sizeof all) == 0);
    shipest_dist_free(c);
    shipest_ctx_free(ctx2);
    shipest_ctx_free(ctx);
}
END_TEST

/* The fast block inverse (beta/PERT, gamma, Student-t): |F(x) - u| <= 1e-12 for the value
 * block sampling gives at u, over a dense grid of u (2 x 10^5 points, the
 * tails down to 1e-300 on both sides (the grid is 5,000 points under
 * valgrind), and the neighbourhood of the 1e-10
 * switch to the exact tail inverse). Block sampling of arbitrary u is
 * internal (shp_dist_ppf_block), so this links to it weakly and is skipped
 * against the shared library, which does not export it. */
extern void shp_dist_ppf_block(const shipest_dist *d, const double *u, size_t n, double *out)
    __attribute__((weak));

static void check_fast_bound(shipest_ctx *ctx, shipest_dist *d, const char *name)
{
    enum { NMAX = 200000 };
    static double u[NMAX + 4000], x[NMAX + 4000];
    const size_t N = getenv("SHIPEST_TEST_VALGRIND") != NULL ? 5000 : NMAX;
    size_t n = 0;
    for (size_t j = 0; j < N; j++)
        u[n++] = ((double)j + 0.5) / (double)N;
    for (int k = 1; k <= 300; k++) {
        u[n++] = pow(10.0, -k);
        u[n++] = 1.0 - pow(10.0, -(double)k / 20.0);
        u[n++] = 1e-10 * (1.0 + (k - 150) * 1e-3);
        u[n++] = 1.0 - 1e-10 * (1.0 + (k - 150) * 1e-3);
    }
    u[n++] = 0x1p-54;
    u[n++] = 1.0 - 0x1p-53;
    /* The first sample builds the fast inverse (it is built on first use). */
    ck_assert_int_eq(shipest_dist_sample(ctx, d, 1, 0, 1, x), SHIPEST_OK);
    shp_dist_ppf_block(d, u, n, x);
    double worst = 0.0, at = 0.0;
    for (size_t j = 0; j < n; j++) {
        double e = fabs(F_of(d, x[j]) - u[j]);
        if (e > worst) {
            worst = e;
            at = u[j];
        }
    }
    ck_assert_msg(worst <= 1e-12, "%s: |F(x) - u| = %g at u = %.17g", name, worst, at);
}

START_TEST(test_fast_inverse_bound)
{
    if (shp_dist_ppf_block == NULL)
        return;
    shipest_ctx *ctx = new_ctx();
    static const double pert[][4] = {
        {28000, 31000, 40000, 4}, {0.6, 0.85, 1.0, 4}, {21, 21.76, 22.5, 4}, {0, 0.001, 1, 4},
        {0, 0, 1, 4}, {0, 1, 1, 4}, {-5, 0, 5, 4}, {0, 10, 10, 2}, {1e-9, 2e-9, 5e-9, 12}};
    static const double beta[][2] = {{1, 1}, {2, 5}, {1, 30}, {50, 200}, {1000, 3}, {1.01, 1.01}};
    char name[96];
    for (size_t i = 0; i < NELEM(pert); i++) {
        shipest_dist *d = NULL;
        ck_assert_int_eq(shipest_dist_pert(ctx, pert[i][0], pert[i][1], pert[i][2], pert[i][3], &d),
                         SHIPEST_OK);
        snprintf(name, sizeof name, "pert(%g, %g, %g, %g)", pert[i][0], pert[i][1], pert[i][2],
                 pert[i][3]);
        check_fast_bound(ctx, d, name);
        shipest_dist_free(d);
    }
    for (size_t i = 0; i < NELEM(beta); i++) {
        shipest_dist *d = NULL;
        ck_assert_int_eq(shipest_dist_beta(ctx, beta[i][0], beta[i][1], 0.0, 1.0, &d), SHIPEST_OK);
        snprintf(name, sizeof name, "beta(%g, %g)", beta[i][0], beta[i][1]);
        check_fast_bound(ctx, d, name);
        shipest_dist_free(d);
    }
    static const double gam[] = {1, 1.5, 7.5, 100, 1e6};
    for (size_t i = 0; i < NELEM(gam); i++) {
        shipest_dist *d = NULL;
        ck_assert_int_eq(shipest_dist_gamma(ctx, gam[i], 2.0, &d), SHIPEST_OK);
        snprintf(name, sizeof name, "gamma(%g, 2)", gam[i]);
        check_fast_bound(ctx, d, name);
        shipest_dist_free(d);
    }
    static const double df[] = {0.5, 1, 1.5, 5, 200, 1e4, 1e6};
    for (size_t i = 0; i < NELEM(df); i++) {
        /* valgrind runs long double at double precision, and the t CDF's
         * continued fraction uses long double above df ~ 200: under it the
         * CDF itself is only good to ~3e-12 at df = 1e6, so skip those. */
        if (df[i] > 100 && getenv("SHIPEST_TEST_VALGRIND") != NULL)
            continue;
        shipest_dist *d = NULL;
        ck_assert_int_eq(shipest_dist_student_t(ctx, df[i], 1.0, 2.0, &d), SHIPEST_OK);
        snprintf(name, sizeof name, "student_t(%g, 1, 2)", df[i]);
        check_fast_bound(ctx, d, name);
        shipest_dist_free(d);
    }
    shipest_ctx_free(ctx);
}
END_TEST

/* The same bound through the public API only (so it also runs against the
 * shared library): shipest_dist_sample's value j is the block inverse at
 * shipest_random_uniform()'s uniform j; the first call builds the fast
 * inverse, and later calls (and a clone, which copies it) give the same
 * values. */
START_TEST(test_fast_inverse_public)
{
    enum { N = 20000 };
    static double x[N], u[N], again[N];
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 7), SHIPEST_OK);
    shipest_dist *d[3] = {NULL, NULL, NULL}, *c = NULL;
    ck_assert_int_eq(shipest_dist_pert(ctx, 28000, 31000, 40000, 4, &d[0]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_gamma(ctx, 7.5, 2.0, &d[1]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_student_t(ctx, 5, 1.0, 2.0, &d[2]), SHIPEST_OK);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(shipest_dist_sample(ctx, d[k], 11, 1000, N, x), SHIPEST_OK);
        shipest_random_uniform(7, 11, 1000, N, u);
        for (size_t j = 0; j < N; j++)
            ck_assert_msg(fabs(F_of(d[k], x[j]) - u[j]) <= 1e-12, "dist %d, u = %.17g", k, u[j]);
        ck_assert_int_eq(shipest_dist_sample(ctx, d[k], 11, 1000, N, again), SHIPEST_OK);
        ck_assert(memcmp(x, again, sizeof x) == 0);
        ck_assert_int_eq(shipest_dist_clone(ctx, d[k], &c), SHIPEST_OK);
        ck_assert_int_eq(shipest_dist_sample(ctx, c, 11, 1000, N, again), SHIPEST_OK);
        ck_assert(memcmp(x, again, sizeof x) == 0);
        shipest_dist_free(c);
        shipest_dist_free(d[k]);
    }
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_oom)
{
    size_t i = (size_t)_i;
    shipest_dist *d = NULL;
    HARNESS_OOM_LOOP(st = make_case(ctx, i, &d), (shipest_dist_free(d), d = NULL));
    /* clone */
    HARNESS_OOM_LOOP(
        {
            shipest_dist *src = NULL;
            st = make_case(ctx, i, &src);
            if (st == SHIPEST_OK)
                st = shipest_dist_clone(ctx, src, &d);
            shipest_dist_free(src);
        },
        (shipest_dist_free(d), d = NULL));
    /* sample (which builds the fast inverse on first use), then clone the
     * built inverse */
    HARNESS_OOM_LOOP(
        {
            double x[8];
            shipest_dist *c = NULL;
            st = make_case(ctx, i, &d);
            if (st == SHIPEST_OK)
                st = shipest_dist_sample(ctx, d, 1, 0, 8, x);
            if (st == SHIPEST_OK)
                st = shipest_dist_clone(ctx, d, &c);
            shipest_dist_free(c);
        },
        (shipest_dist_free(d), d = NULL));
}
END_TEST

/* ------------------------------------------------ specific behaviour */

START_TEST(test_describe)
{
    shipest_ctx *ctx = new_ctx();
    static const char *const want[] = {
        "3.5", "uniform(-2, 5)", "normal(10, 2)", "lognormal(1, 0.5)", "lognormal_median_gsd(100, 1.5)",
        "lognormal_mean_sd(50, 20)", "9.5 to 12", "-3 to 7", "triangular(1, 2, 6)", "pert(45, 48, 52)",
        "pert(0, 10, 10, 2)", "beta(0.5, 0.5)", "beta(2, 5, -1, 3)", "gamma(0.3, 2)", "gamma(7.5, 0.1)",
        "exponential(0.25)", "student_t(5, 1, 2)", "student_t(1.5, 0, 1)", "truncnormal(0, 1, -1, 2)",
        "truncnormal(0, 1, 40, inf)", "truncnormal(5, 2, -inf, -35)",
        "truncnormal(100, 0.001, 99.9999999, 100.0000001)", "poisson(3.7)", "poisson(10000)",
        "binomial(20, 0.3)", "binomial(100000, 0.01)", NULL,
        "mixture(0.3, normal(0, 1), 0.7, lognormal(1, 0.4))",
        "mixture(0.5, poisson(3), 0.5, normal(10, 1))",
        "quantile3(5000, 5500, 6000, 0.05, 0, inf)", "quantile3(10, 20, 50, 0.1, 0, 100)",
        "quantile3(2, 5, 8, 0.05, 0, 10)", "quantile3(1, 2, 3, 0.1, 0, inf)",
        "quantile3(1, 2, 10, 0.1, 0, inf)"};
    ck_assert_uint_eq(NELEM(want), NELEM(CASES));
    char buf[256];
    for (size_t i = 0; i < NELEM(CASES); i++) {
        shipest_dist *d = get_case(ctx, i);
        size_t len = shipest_dist_describe(d, buf, sizeof buf);
        ck_assert_uint_eq(len, strlen(buf));
        if (want[i] != NULL)
            ck_assert_str_eq(buf, want[i]);
        shipest_dist_free(d);
    }
    /* Empirical lists its sorted samples; numbers read back exactly. */
    double s[3] = {0.1, -2.5e-7, 1.0 / 3.0};
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_empirical(ctx, s, 3, &d), SHIPEST_OK);
    shipest_dist_describe(d, buf, sizeof buf);
    ck_assert_str_eq(buf, "empirical(-2.5e-07, 0.1, 0.3333333333333333)");
    /* Truncation keeps snprintf semantics. */
    size_t full = shipest_dist_describe(d, NULL, 0);
    ck_assert_uint_eq(full, strlen("empirical(-2.5e-07, 0.1, 0.3333333333333333)"));
    char small[6] = "xxxxx";
    ck_assert_uint_eq(shipest_dist_describe(d, small, sizeof small), full);
    ck_assert_str_eq(small, "empir");
    shipest_dist_free(d);
    ck_assert_uint_eq(shipest_dist_describe(NULL, small, sizeof small), 0);
    ck_assert_str_eq(small, "");
    shipest_ctx_free(ctx);
}
END_TEST

/* Every bad parameter: EDOMAIN, no distribution, and a message naming the
 * parameter. */
START_TEST(test_validation)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    shipest_dist *ok = NULL;
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, 1, &ok), SHIPEST_OK);
    const shipest_dist *comps[2] = {ok, ok};
    const double w_bad[2] = {0.5, 0.4}, w_neg[2] = {1.5, -0.5};
    const double nan_data[3] = {1.0, NAN, 2.0};
#define BAD(call, needle)                                                                    \
    do {                                                                                     \
        d = (shipest_dist *)&d; /* must come back NULL */                                    \
        shipest_status st_ = (call);                                                         \
        ck_assert_msg(st_ == SHIPEST_EDOMAIN, "%s: status %d", #call, (int)st_);             \
        ck_assert_msg(d == NULL, "%s: out not reset", #call);                                \
        ck_assert_msg(strstr(shipest_ctx_errmsg(ctx), (needle)) != NULL,                     \
                      "%s: message '%s' lacks '%s'", #call, shipest_ctx_errmsg(ctx), (needle)); \
    } while (0)
    BAD(shipest_dist_constant(ctx, INFINITY, &d), "value");
    BAD(shipest_dist_uniform(ctx, 2, 1, &d), "lo");
    BAD(shipest_dist_normal(ctx, 0, -1, &d), "sd");
    BAD(shipest_dist_normal(ctx, NAN, 1, &d), "mean");
    BAD(shipest_dist_lognormal(ctx, 0, 0, &d), "sigma");
    BAD(shipest_dist_lognormal_median_gsd(ctx, 10, 1, &d), "gsd");
    BAD(shipest_dist_lognormal_median_gsd(ctx, -1, 2, &d), "median");
    BAD(shipest_dist_lognormal_mean_sd(ctx, 10, -2, &d), "sd");
    BAD(shipest_dist_interval90(ctx, 5, 5, &d), "lo");
    BAD(shipest_dist_triangular(ctx, 1, 7, 6, &d), "mode");
    BAD(shipest_dist_pert(ctx, 1, 2, 6, 0, &d), "lambda");
    BAD(shipest_dist_pert(ctx, 1, 0, 6, 4, &d), "mode");
    BAD(shipest_dist_beta(ctx, 0, 1, 0, 1, &d), "alpha");
    BAD(shipest_dist_beta(ctx, 1, -1, 0, 1, &d), "beta");
    BAD(shipest_dist_beta(ctx, 1, 1, 1, 0, &d), "lo");
    BAD(shipest_dist_gamma(ctx, -1, 1, &d), "shape");
    BAD(shipest_dist_gamma(ctx, 1, 0, &d), "scale");
    BAD(shipest_dist_exponential(ctx, 0, &d), "rate");
    BAD(shipest_dist_student_t(ctx, 0, 0, 1, &d), "df");
    BAD(shipest_dist_student_t(ctx, 3, 0, -1, &d), "scale");
    BAD(shipest_dist_truncnormal(ctx, 0, 1, 2, 1, &d), "lo");
    BAD(shipest_dist_truncnormal(ctx, 0, 1, 1e300, INFINITY, &d), "mass");
    BAD(shipest_dist_truncnormal(ctx, 0, 1, INFINITY, INFINITY, &d), "lo");
    BAD(shipest_dist_poisson(ctx, -1, &d), "lambda");
    BAD(shipest_dist_binomial(ctx, 2.5, 0.5, &d), "n");
    BAD(shipest_dist_binomial(ctx, 10, 1.5, &d), "p");
    BAD(shipest_dist_empirical(ctx, nan_data, 1, &d), "n");
    BAD(shipest_dist_empirical(ctx, nan_data, 3, &d), "samples[1]");
    BAD(shipest_dist_mixture(ctx, comps, w_bad, 2, &d), "sum to 1");
    BAD(shipest_dist_mixture(ctx, comps, w_neg, 2, &d), "weights[1]");
    BAD(shipest_dist_mixture(ctx, comps, w_bad, 0, &d), "n");
    BAD(shipest_dist_quantile3(ctx, 5, 4, 6, 0.1, 0, INFINITY, &d), "q_mid");
    BAD(shipest_dist_quantile3(ctx, 4, 5, 5, 0.1, 0, INFINITY, &d), "q_hi");
    BAD(shipest_dist_quantile3(ctx, 4, 5, 6, 0.6, 0, INFINITY, &d), "alpha");
    BAD(shipest_dist_quantile3(ctx, 4, 5, 6, 0.1, 4, INFINITY, &d), "lower");
    BAD(shipest_dist_quantile3(ctx, 4, 5, 6, 0.1, 0, 6, &d), "upper");
    BAD(shipest_dist_quantile3(ctx, 4, 5, 6, 0.1, -INFINITY, INFINITY, &d), "lower");
    BAD(shipest_dist_quantile3(ctx, 1e-300, 2e-300, 3e-300, 0.1, 0, 1e300, &d), "double precision");
    BAD(shipest_dist_quantile3(ctx, 1, 2, 3, 0.1, -1e308, 1e308, &d), "overflows");
#undef BAD
    /* Messages: re-run each failing call and read the message at once. */
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, -1, &d), SHIPEST_EDOMAIN);
    ck_assert_str_eq(shipest_ctx_errmsg(ctx), "normal: sd must be > 0 (got -1)");
    ck_assert_int_eq(shipest_ctx_errcode(ctx), SHIPEST_EDOMAIN);
#define EXPECT_MSG(call, needle)                                                             \
    do {                                                                                     \
        ck_assert_int_eq((call), SHIPEST_EDOMAIN);                                           \
        ck_assert_msg(strstr(shipest_ctx_errmsg(ctx), (needle)) != NULL, "message '%s' lacks '%s'", \
                      shipest_ctx_errmsg(ctx), (needle));                                    \
    } while (0)
    EXPECT_MSG(shipest_dist_uniform(ctx, 2, 1, &d), "lo must be < hi (got 2 and 1)");
    EXPECT_MSG(shipest_dist_triangular(ctx, 1, 7, 6, &d), "mode must lie in [lo, hi] = [1, 6] (got 7)");
    EXPECT_MSG(shipest_dist_pert(ctx, 1, 2, 6, 0, &d), "lambda must be > 0 (got 0)");
    EXPECT_MSG(shipest_dist_gamma(ctx, -1, 1, &d), "shape must be > 0 (got -1)");
    EXPECT_MSG(shipest_dist_binomial(ctx, 2.5, 0.5, &d), "n must be a whole number");
    EXPECT_MSG(shipest_dist_mixture(ctx, comps, w_bad, 2, &d), "weights must sum to 1 (got 0.9");
    EXPECT_MSG(shipest_dist_quantile3(ctx, 5, 4, 6, 0.1, 0, INFINITY, &d), "q_lo must be < q_mid (got 5 and 4)");
    EXPECT_MSG(shipest_dist_truncnormal(ctx, 0, 1, 1e300, INFINITY, &d), "no probability mass");
    EXPECT_MSG(shipest_dist_empirical(ctx, nan_data, 3, &d), "samples[1] must be finite (got ");
#undef EXPECT_MSG
    /* Query arguments. */
    double x;
    ck_assert_int_eq(shipest_dist_quantile(ok, 1.5, &x), SHIPEST_EDOMAIN);
    ck_assert(strstr(shipest_ctx_errmsg(ctx), "p must lie in [0, 1] (got 1.5)") != NULL);
    ck_assert_int_eq(shipest_dist_quantile(ok, NAN, &x), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_dist_quantile(ok, -0.1, &x), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_dist_cdf(ok, NAN, &x), SHIPEST_EDOMAIN);
    ck_assert(strstr(shipest_ctx_errmsg(ctx), "x must not be NaN") != NULL);
    /* Moments that do not exist. */
    shipest_dist *t = NULL;
    ck_assert_int_eq(shipest_dist_student_t(ctx, 1.5, 0, 1, &t), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_mean(t, &x), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_variance(t, &x), SHIPEST_EDOMAIN);
    ck_assert(strstr(shipest_ctx_errmsg(ctx), "df <= 2") != NULL);
    shipest_dist_free(t);
    ck_assert_int_eq(shipest_dist_student_t(ctx, 0.8, 0, 1, &t), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_mean(t, &x), SHIPEST_EDOMAIN);
    ck_assert(strstr(shipest_ctx_errmsg(ctx), "df <= 1") != NULL);
    shipest_dist_free(t);
    shipest_dist_free(ok);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_null_handling)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    double x = 0.0;
    shipest_dist_free(NULL);
    ck_assert_int_eq(shipest_dist_normal(NULL, 0, 1, &d), SHIPEST_EINVAL);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, 1, NULL), SHIPEST_EINVAL);
    ck_assert(strstr(shipest_ctx_errmsg(ctx), "out is NULL") != NULL);
    ck_assert_int_eq(shipest_dist_empirical(ctx, NULL, 5, &d), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_mixture(ctx, NULL, NULL, 1, &d), SHIPEST_EINVAL);
    const shipest_dist *none[1] = {NULL};
    const double w1[1] = {1.0};
    ck_assert_int_eq(shipest_dist_mixture(ctx, none, w1, 1, &d), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_clone(ctx, NULL, &d), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_quantile(NULL, 0.5, &x), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_cdf(NULL, 0.5, &x), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_mean(NULL, &x), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_variance(NULL, &x), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, 1, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_quantile(d, 0.5, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_cdf(d, 0.5, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_mean(d, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_variance(d, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_sample(NULL, d, 0, 0, 1, &x), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_sample(ctx, NULL, 0, 0, 1, &x), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_sample(ctx, d, 0, 0, 1, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_dist_sample(ctx, d, 0, 0, 0, NULL), SHIPEST_OK);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* ------------------------------------- block normal quantile and exp
 *
 * shp_norm_ppf_block, shp_exp_block (specfun.h) and shp_dist_ppf (dist.h)
 * are internal, so these tests link to them weakly and are skipped against
 * the shared library. */
extern double shp_norm_ppf(double p) __attribute__((weak));
extern void shp_norm_ppf_block(const double *u, size_t n, double *z) __attribute__((weak));
extern double shp_exp(double x) __attribute__((weak));
extern void shp_exp_block(const double *x, size_t n, double *y) __attribute__((weak));
extern double shp_dist_ppf(const shipest_dist *d, double p) __attribute__((weak));

static int valgrind_run(void) { return getenv("SHIPEST_TEST_VALGRIND") != NULL; }

/* The same bits, or both NaN. */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static double double_of_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* Arguments around which the normal quantile changes method: AS241's
 * central region ends at |p - 0.5| = 0.425, its tails switch at
 * sqrt(-log p) = 5 (p = exp(-25)); then the ends of (0, 1), subnormals,
 * and arguments outside [0, 1]. Each with its 3 neighbours either side. */
static size_t ppf_edges(double *u)
{
    static const double centre[] = {0.075, 0.925, 0.5, 1.3887943864964021e-11, 0x1p-54, 0x1p-53,
                                     0x1p-1022, 1e-300, 0.25, 0.75};
    static const double alone[] = {0.0, -0.0, 1.0, 1.0 - 0x1p-53, 1.0 - 0x1p-52, 0x1p-1074, 0x1p-1073,
                                   0x1p-1023, 0x0.fffffffffffffp-1022, -0x1p-1074, -1.0, 2.0,
                                   1.0 + 0x1p-52, INFINITY, -INFINITY, NAN, -NAN, DBL_MAX};
    size_t n = 0;
    for (size_t i = 0; i < NELEM(centre); i++) {
        double lo = centre[i], hi = centre[i];
        u[n++] = centre[i];
        for (int k = 0; k < 3; k++) {
            lo = nextafter(lo, -INFINITY);
            hi = nextafter(hi, INFINITY);
            u[n++] = lo;
            u[n++] = hi;
        }
    }
    for (size_t i = 0; i < NELEM(alone); i++)
        u[n++] = alone[i];
    return n;
}

/* shp_norm_ppf_block is shp_norm_ppf bit for bit: on the engine's kind of
 * uniforms, on p spread over every binade down to the subnormals (and
 * 1 - p), on arbitrary bit patterns (negative, NaN, infinite, huge), on
 * the method's switch points, for every block length and offset 0..20
 * (the vector chunks and the scalar remainder), and in place. */
START_TEST(test_norm_ppf_block)
{
    if (shp_norm_ppf_block == NULL || shp_norm_ppf == NULL)
        return;
    const size_t N = valgrind_run() ? 20000 : 1000000;
    double *u = malloc((N + 200) * sizeof *u), *z = malloc((N + 200) * sizeof *z);
    uint64_t *w = malloc(N * sizeof *w);
    ck_assert(u != NULL && z != NULL && w != NULL);
    shipest_random_uniform(5, 1, 0, N / 2, u);
    shipest_random_bits(5, 2, 0, N, w);
    size_t n = N / 2;
    for (size_t j = 0; j < N / 4; j++) { /* p = 2^-e, e uniform in [0, 1074], and 1 - p */
        double p = ldexp(1.0 + (double)(w[j] >> 12) * 0x1p-52, -(int)(w[j] % 1075) - 1);
        u[n++] = (j & 1) ? 1.0 - p : p;
    }
    for (size_t j = N / 4; j < N / 4 + N / 8; j++)
        u[n++] = double_of_bits(w[j]);
    n += ppf_edges(u + n);
    shp_norm_ppf_block(u, n, z);
    for (size_t j = 0; j < n; j++)
        ck_assert_msg(same_bits(z[j], shp_norm_ppf(u[j])), "u = %a: block %a, scalar %a", u[j], z[j],
                      shp_norm_ppf(u[j]));
    /* Every length and offset up to 20, against the whole-array result. */
    double *e = u + n - ppf_edges(u + n) - 40, part[24];
    shp_norm_ppf_block(e, 64, z);
    for (size_t off = 0; off < 4; off++)
        for (size_t len = 0; len <= 20; len++) {
            shp_norm_ppf_block(e + off, len, part);
            for (size_t j = 0; j < len; j++)
                ck_assert(same_bits(part[j], z[off + j]));
        }
    /* In place (u == z), as shipest_dist_sample calls it. */
    memcpy(z, u, n * sizeof *u);
    shp_norm_ppf_block(z, n, z);
    for (size_t j = 0; j < n; j++)
        ck_assert(same_bits(z[j], shp_norm_ppf(u[j])));
    free(u);
    free(z);
    free(w);
}
END_TEST

/* |y - exp(x)| in units of the last place of exp(x) (of the subnormals
 * below 2^-1022), with expl as the reference: its 64-bit significand adds
 * at most 2^-11 ulp of its own. */
static double exp_ulp_error(double x, double y)
{
    long double ref = expl((long double)x);
    int e;
    frexpl(ref, &e);
    long double ulp = ldexpl(1.0L, (e < -1021 ? -1021 : e) - 53);
    return (double)(fabsl((long double)y - ref) / ulp);
}

/* shp_exp against expl: at most 0.52 ulp (theory: 0.5 plus ~0.01; the
 * measured worst on 1.4 million arguments is 0.5098) over [-745.2, 710],
 * including the overflow, subnormal and underflow ranges, and over
 * [-1, 1]; infinities, NaN, overflow to inf and underflow to 0 exactly
 * as exp; shp_exp_block bit for bit shp_exp, in place too. Where long
 * double is no wider than double (or under valgrind, which computes it
 * at double precision) the reference is exp itself and the bound 1 ulp. */
START_TEST(test_exp_accuracy)
{
    if (shp_exp_block == NULL || shp_exp == NULL)
        return;
    const int wide = LDBL_MANT_DIG >= 64 && !valgrind_run();
    const size_t N = valgrind_run() ? 20000 : 1000000, M = N / 5, K = N / 10;
    double *x = malloc((N + M + K + 100) * sizeof *x), *y = malloc((N + M + K + 100) * sizeof *y);
    uint64_t *w = malloc(K * sizeof *w);
    ck_assert(x != NULL && y != NULL && w != NULL);
    shipest_random_uniform(6, 1, 0, N + M, x);
    for (size_t j = 0; j < N; j++)
        x[j] = -745.2 + x[j] * (710.0 + 745.2);
    for (size_t j = N; j < N + M; j++)
        x[j] = 2.0 * x[j] - 1.0;
    size_t n = N + M;
    shipest_random_bits(6, 2, 0, K, w);
    for (size_t j = 0; j < K; j++)
        x[n++] = double_of_bits(w[j]);
    /* The fast path's ends (|x| = 700), the smallest normal result, the
     * last finite and the first infinite result, the last nonzero
     * (2^-1074) and the first zero, then zero, tiny and special x. */
    static const double edges[] = {700.0, -700.0, -708.3964185322641,
                                   0x1.62e42fefa39efp+9, 0x1.62e42fefa39f0p+9, -0x1.74910d52d3051p+9,
                                   -0x1.74910d52d3052p+9, -745.0, -746.0, 709.0, 710.0, 1.0, -1.0,
                                   0.0, -0.0, 0x1p-1074, -0x1p-1074, 0x1p-1022, 1e-300, 0x1p-54,
                                   INFINITY, -INFINITY, NAN, -NAN, DBL_MAX, -DBL_MAX, 1e10, -1e10};
    for (size_t i = 0; i < NELEM(edges); i++) {
        x[n++] = edges[i];
        x[n++] = nextafter(edges[i], -INFINITY);
        x[n++] = nextafter(edges[i], INFINITY);
    }
    shp_exp_block(x, n, y);
    double worst = 0.0, at = 0.0;
    for (size_t j = 0; j < n; j++) {
        double want = exp(x[j]);
        ck_assert_msg(same_bits(y[j], shp_exp(x[j])), "x = %a: block %a, scalar %a", x[j], y[j],
                      shp_exp(x[j]));
        if (isnan(x[j]) || isinf(want) || want == 0.0 || x[j] == 0.0) {
            /* the special values, overflow, underflow and exp(0) = 1 exactly */
            ck_assert_msg(same_bits(y[j], want), "x = %a: %a, exp gives %a", x[j], y[j], want);
            continue;
        }
        ck_assert_msg(isfinite(y[j]) && y[j] > 0.0, "x = %a: %a", x[j], y[j]);
        double err = wide ? exp_ulp_error(x[j], y[j]) : fabs(y[j] - want) / (nextafter(want, INFINITY) - want);
        if (err > worst) {
            worst = err;
            at = x[j];
        }
    }
    ck_assert_msg(worst <= (wide ? 0.52 : 1.0), "exp: %.4f ulp at x = %a", worst, at);
    ck_assert(shp_exp(1.0) == exp(1.0) && shp_exp(-0x1.74910d52d3051p+9) == 0x1p-1074);
    /* In place. */
    memcpy(y, x, n * sizeof *x);
    shp_exp_block(y, n, y);
    for (size_t j = 0; j < n; j++)
        ck_assert(same_bits(y[j], shp_exp(x[j])));
    free(x);
    free(y);
    free(w);
}
END_TEST

/* The families with their own block loop (constant, uniform, normal,
 * lognormal, exponential) give shp_dist_ppf's bits, which is what
 * shipest_dist_quantile returns: on uniforms, at the switch points, with
 * lognormal parameters that take exp into overflow and subnormal results,
 * in place, and for blocks holding 0, 1 or NaN (the support ends). */
START_TEST(test_block_families)
{
    if (shp_dist_ppf_block == NULL || shp_dist_ppf == NULL)
        return;
    enum { N = 4099 };
    static double u[N + 200], x[N + 200], again[N + 200];
    shipest_random_uniform(7, 3, 0, N, u);
    size_t n = N;
    static const double inside[] = {0x1p-54, 1.0 - 0x1p-53, 0.5, 0.5 + 0x1p-53, 0.5 - 0x1p-54,
                                    0.075, 0.925, 1e-300, 0x1p-1074};
    for (size_t i = 0; i < NELEM(inside); i++)
        u[n++] = inside[i];
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d[12] = {NULL};
    size_t nd = 0;
    ck_assert_int_eq(shipest_dist_constant(ctx, -2.5, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_uniform(ctx, 22, 25, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_uniform(ctx, -1e300, 1e300, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_normal(ctx, 10, 2, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_normal(ctx, -1e5, 1e-9, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_lognormal(ctx, 1, 0.5, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_interval90(ctx, 28000, 40000, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_lognormal(ctx, 690, 5, &d[nd++]), SHIPEST_OK);  /* overflows */
    ck_assert_int_eq(shipest_dist_lognormal(ctx, -720, 8, &d[nd++]), SHIPEST_OK); /* subnormal, 0 */
    ck_assert_int_eq(shipest_dist_lognormal(ctx, 0, 25, &d[nd++]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_exponential(ctx, 0.25, &d[nd++]), SHIPEST_OK);
    for (size_t k = 0; k < nd; k++) {
        shp_dist_ppf_block(d[k], u, n, x);
        for (size_t j = 0; j < n; j++)
            ck_assert_msg(same_bits(x[j], shp_dist_ppf(d[k], u[j])),
                          "family %d: u = %a: block %a, exact %a", (int)shipest_dist_family(d[k]),
                          u[j], x[j], shp_dist_ppf(d[k], u[j]));
        ck_assert(same_bits(x[0], q_of(d[k], u[0])));
        memcpy(again, u, n * sizeof *u);
        shp_dist_ppf_block(d[k], again, n, again);
        ck_assert(memcmp(again, x, n * sizeof *x) == 0);
        /* 0, 1 and NaN in a block: the support ends, and NaN. */
        double v[12] = {0.25, 0.0, 0.5, 1.0, 0.75, NAN, 0.1, 0.2, 0.3, 0.4, 0.6, 0.9}, r[12];
        shp_dist_ppf_block(d[k], v, 12, r);
        for (size_t j = 0; j < 12; j++)
            ck_assert(same_bits(r[j], shp_dist_ppf(d[k], v[j])));
        ck_assert(r[1] == q_of(d[k], 0.0) && r[3] == q_of(d[k], 1.0));
        shipest_dist_free(d[k]);
    }
    shipest_ctx_free(ctx);
}
END_TEST

/* Closed forms and conventions the tests above do not pin down. */
START_TEST(test_conventions)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    double m, v;
    /* a to b: 5% and 95% quantiles are a and b; lognormal iff both > 0. */
    ck_assert_int_eq(shipest_dist_interval90(ctx, 9.5, 12, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_LOGNORMAL);
    ck_assert_double_eq_tol(q_of(d, 0.05), 9.5, 1e-13 * 9.5);
    ck_assert_double_eq_tol(q_of(d, 0.95), 12, 1e-13 * 12);
    ck_assert_double_eq_tol(q_of(d, 0.5), sqrt(9.5 * 12), 1e-13 * 12);
    shipest_dist_free(d);
    ck_assert_int_eq(shipest_dist_interval90(ctx, 0, 12, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_NORMAL);
    ck_assert_double_eq_tol(q_of(d, 0.05), 0, 1e-13);
    ck_assert_double_eq_tol(q_of(d, 0.95), 12, 1e-13 * 12);
    shipest_dist_free(d);
    /* Lognormal parametrisations agree. */
    ck_assert_int_eq(shipest_dist_lognormal_mean_sd(ctx, 50, 20, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_mean(d, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_variance(d, &v), SHIPEST_OK);
    ck_assert_double_eq_tol(m, 50, 1e-13 * 50);
    ck_assert_double_eq_tol(v, 400, 1e-12 * 400);
    shipest_dist_free(d);
    ck_assert_int_eq(shipest_dist_lognormal_median_gsd(ctx, 100, 1.5, &d), SHIPEST_OK);
    ck_assert_double_eq_tol(q_of(d, 0.5), 100, 1e-13 * 100);
    ck_assert_double_eq_tol(q_of(d, 0.841344746068542948585), 150, 1e-12 * 150); /* +1 sd */
    shipest_dist_free(d);
    /* PERT moments: (lo + lambda mode + hi) / (lambda + 2). */
    ck_assert_int_eq(shipest_dist_pert(ctx, 45, 48, 52, 4, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_mean(d, &m), SHIPEST_OK);
    ck_assert_double_eq_tol(m, (45 + 4 * 48 + 52) / 6.0, 1e-13 * 50);
    ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_PERT);
    shipest_dist_free(d);
    /* J-QPD fits its three quantiles exactly (to rounding). */
    static const double q3[][6] = {{5000, 5500, 6000, 0.05, 0, INFINITY}, {10, 20, 50, 0.1, 0, 100},
                                   {2, 5, 8, 0.05, 0, 10},                {1, 2, 10, 0.1, 0, INFINITY},
                                   {1, 9, 10, 0.25, -5, 10.5},           {1, 1.5, 10, 0.1, 0.5, INFINITY}};
    for (size_t i = 0; i < NELEM(q3); i++) {
        const double *r = q3[i];
        ck_assert_int_eq(shipest_dist_quantile3(ctx, r[0], r[1], r[2], r[3], r[4], r[5], &d), SHIPEST_OK);
        ck_assert_double_eq_tol(q_of(d, r[3]), r[0], 1e-12 * fabs(r[0]));
        ck_assert_double_eq_tol(q_of(d, 0.5), r[1], 1e-12 * fabs(r[1]));
        ck_assert_double_eq_tol(q_of(d, 1 - r[3]), r[2], 1e-12 * fabs(r[2]));
        ck_assert(q_of(d, 0.0) == r[4] && q_of(d, 1.0) == r[5]);
        shipest_dist_free(d);
    }
    /* Empirical: interpolation between order statistics, as documented. */
    const double s[4] = {4, 1, 3, 2};
    ck_assert_int_eq(shipest_dist_empirical(ctx, s, 4, &d), SHIPEST_OK);
    ck_assert(q_of(d, 0.0) == 1 && q_of(d, 1.0) == 4 && q_of(d, 0.5) == 2.5);
    ck_assert_double_eq_tol(F_of(d, 3.5), 5.0 / 6.0, 1e-15);
    ck_assert_int_eq(shipest_dist_mean(d, &m), SHIPEST_OK);
    ck_assert_double_eq_tol(m, 2.5, 1e-15);
    shipest_dist_free(d);
    /* Discrete quantiles: smallest k with CDF(k) >= p, exactly at the
     * boundaries, also for large parameters. */
    static const double big[][2] = {{1e6, 0}, {3.7, 0}, {1e12, 0}, {1e6, 0.3}, {50, 0.5}, {1e9, 1e-7}};
    for (size_t i = 0; i < NELEM(big); i++) {
        if (big[i][1] == 0)
            ck_assert_int_eq(shipest_dist_poisson(ctx, big[i][0], &d), SHIPEST_OK);
        else
            ck_assert_int_eq(shipest_dist_binomial(ctx, big[i][0], big[i][1], &d), SHIPEST_OK);
        for (double p = 1e-12; p < 1.0; p = p < 0.5 ? p * 31.0 : 1.0 - (1.0 - p) / 31.0) {
            double k = q_of(d, p);
            ck_assert(k == floor(k));
            ck_assert_msg(F_of(d, k) >= p && F_of(d, k - 1) < p, "case %zu p %g k %g", i, p, k);
            /* at p = CDF(k) exactly the answer is k itself */
            double pk = F_of(d, k);
            ck_assert(q_of(d, pk) == k);
        }
        shipest_dist_free(d);
    }
    /* Truncated normal CDF against mpmath, next to the ends and far out. */
    static const double tn_ref[][4] = {
        {40, INFINITY, 40.001, 0.039235030436286034078},
        {40, INFINITY, 40.05, 0.86500231713721361799},
        {40, INFINITY, 40.0000001, 4.0024889265110050109e-6},
        {-1, 2, -0.9999999999, 2.9559288612227631876e-11},
        {-1, 2, 1.9999999, 0.99999999340443108072},
        {-1, 2, 0.5, 0.65088042133662712997},
        {3, 3.5, 3.2, 0.59319655502388821565},
    };
    for (size_t i = 0; i < NELEM(tn_ref); i++) {
        const double *r = tn_ref[i];
        ck_assert_int_eq(shipest_dist_truncnormal(ctx, 0, 1, r[0], r[1], &d), SHIPEST_OK);
        double e = relerr(F_of(d, r[2]), r[3]);
        ck_assert_msg(e <= 1e-13, "truncnormal [%g, %g] cdf(%.17g): %g", r[0], r[1], r[2], e);
        e = relerr(q_of(d, r[3]), r[2]);
        ck_assert_msg(e <= 1e-13, "truncnormal [%g, %g] quantile(%.17g): %g", r[0], r[1], r[3], e);
        shipest_dist_free(d);
    }
    /* Truncated normal far out in the tail: mean ~ a + 1/a for lo = a sd. */
    ck_assert_int_eq(shipest_dist_truncnormal(ctx, 0, 1, 40, INFINITY, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_mean(d, &m), SHIPEST_OK);
    ck_assert_double_eq_tol(m, 40.024968847207264, 1e-12 * 40); /* mpmath: pdf(40) / Q(40) */
    ck_assert(q_of(d, 1e-300) >= 40.0 && q_of(d, 0.5) > 40.0 && isfinite(q_of(d, 1 - 1e-16)));
    shipest_dist_free(d);
    /* Mixture with a point mass: the quantile lands on the jump. */
    shipest_dist *c[2] = {NULL, NULL};
    ck_assert_int_eq(shipest_dist_constant(ctx, 7.25, &c[0]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_uniform(ctx, 0, 10, &c[1]), SHIPEST_OK);
    const double w[2] = {0.4, 0.6};
    ck_assert_int_eq(shipest_dist_mixture(ctx, (const shipest_dist *const *)c, w, 2, &d), SHIPEST_OK);
    ck_assert(q_of(d, 0.6) == 7.25);  /* F(7.25-) = 0.435, F(7.25) = 0.835 */
    ck_assert_double_eq_tol(q_of(d, 0.3), 5.0, 1e-14);
    ck_assert_int_eq(shipest_dist_mean(d, &m), SHIPEST_OK);
    ck_assert_double_eq_tol(m, 0.4 * 7.25 + 0.6 * 5, 1e-14);
    shipest_dist_free(c[0]);
    shipest_dist_free(c[1]);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("dist");
    TCase *tc = tcase_create("accuracy");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_normal_accuracy);
    tcase_add_test(tc, test_special_accuracy);
    tcase_add_test(tc, test_conventions);
    tcase_add_test(tc, test_describe);
    tcase_add_test(tc, test_validation);
    tcase_add_test(tc, test_null_handling);
    tcase_add_test(tc, test_fast_inverse_bound);
    tcase_add_test(tc, test_fast_inverse_public);
    tcase_add_test(tc, test_norm_ppf_block);
    tcase_add_test(tc, test_exp_accuracy);
    tcase_add_test(tc, test_block_families);
    suite_add_tcase(s, tc);
    TCase *fam = tcase_create("families");
    tcase_set_timeout(fam, 300);
    int n = (int)NELEM(CASES);
    tcase_add_loop_test(fam, test_ks_and_moments, 0, n);
    tcase_add_loop_test(fam, test_round_trips, 0, n);
    tcase_add_loop_test(fam, test_determinism, 0, n);
    tcase_add_loop_test(fam, test_oom, 0, n);
    suite_add_tcase(s, fam);
    return s;
}
