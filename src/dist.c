/* dist.c — distribution families: construction with validation, inverse
 * CDF, CDF, moments, block sampling and model-text descriptions.
 *
 * Every sample is the inverse CDF at a counter-based uniform (rng.h), so a
 * value depends only on (seed, stream, trial) and the same path serves
 * Latin hypercube sampling and copulas. See docs/distributions.md. */
#include "dist.h"

#include "internal.h"
#include "rng.h"
#include "specfun.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__) /* GCC: -ffp-contract=off (Makefile), also set by -std=c11 */
#pragma STDC FP_CONTRACT OFF /* no fused multiply-add the source does not write */
#endif

#define SQRT1_2 0.70710678118654752440

/* How a lognormal or normal was specified, so describe() can say it the
 * way the caller wrote it. */
enum form {
    FORM_PLAIN = 0,
    FORM_LN_MEDIAN_GSD,
    FORM_LN_MEAN_SD,
    FORM_INTERVAL90
};

/* Truncated normal regimes: which tail the whole interval lies in. */
enum tn_mode { TN_UPPER, TN_LOWER, TN_MIXED };

struct shipest_dist {
    shipest_ctx *ctx;
    shipest_family family;
    enum form form;
    double par[12];  /* family parameters, see each constructor */
    double orig[6];  /* constructor arguments, for describe() */
    int has_mean, has_var;
    double mean, var;
    size_t n;                  /* empirical: samples; mixture: components */
    double *data;              /* empirical: sorted samples; mixture: weights */
    shipest_dist **comp;       /* mixture components (owned copies) */
    /* Fast inverse CDF for block sampling (see "fast inverse" below):
     * wanted by the constructor when the family has one, built by
     * shp_dist_prepare (so tables that are never sampled cost nothing);
     * NULL until then, or when the build did not meet the bound. */
    int fast_wanted, fast_tried;
    struct fastinv *fast;
};

/* ------------------------------------------------------------ helpers */

static shipest_status make(shipest_ctx *ctx, shipest_family fam, shipest_dist **out)
{
    shipest_dist *d = shp_calloc(ctx, 1, sizeof *d);
    if (d == NULL)
        return SHIPEST_ENOMEM;
    d->ctx = ctx;
    d->family = fam;
    *out = d;
    return SHIPEST_OK;
}

#define CHECK_OUT(ctx, out, name)                                                    \
    do {                                                                             \
        if ((out) != NULL)                                                           \
            *(out) = NULL;                                                           \
        if ((ctx) == NULL)                                                           \
            return SHIPEST_EINVAL;                                                   \
        if ((out) == NULL)                                                           \
            return shp_error((ctx), SHIPEST_EINVAL, "%s: out is NULL", (name));      \
    } while (0)

#define NEED_FINITE(ctx, fam, pname, v)                                              \
    do {                                                                             \
        if (!isfinite(v))                                                            \
            return shp_error((ctx), SHIPEST_EDOMAIN, "%s: %s must be finite (got %g)", \
                             (fam), (pname), (v));                                   \
    } while (0)

#define NEED_POS(ctx, fam, pname, v)                                                 \
    do {                                                                             \
        NEED_FINITE(ctx, fam, pname, v);                                             \
        if (!((v) > 0.0))                                                            \
            return shp_error((ctx), SHIPEST_EDOMAIN, "%s: %s must be > 0 (got %g)",  \
                             (fam), (pname), (v));                                   \
    } while (0)

#define NEED_LESS(ctx, fam, an, a, bn, b)                                            \
    do {                                                                             \
        if (!((a) < (b)))                                                            \
            return shp_error((ctx), SHIPEST_EDOMAIN, "%s: %s must be < %s (got %g and %g)", \
                             (fam), (an), (bn), (a), (b));                           \
    } while (0)

static void set_moments(shipest_dist *d, double mean, double var)
{
    d->has_mean = isfinite(mean);
    d->mean = mean;
    d->has_var = isfinite(var);
    d->var = var;
}

/* --------------------------------------------------- family internals */

/* Beta (PERT, beta): par = alpha, beta, lo, hi, then lgamma(alpha),
 * lgamma(beta), lgamma(alpha + beta) cached at construction. */
static double beta_ppf(const shipest_dist *d, double p)
{
    double a = d->par[0], b = d->par[1], lo = d->par[2], hi = d->par[3];
    double y;
    double x = shp_beta_inv_lg(a, b, d->par[4], d->par[5], d->par[6], p, 1.0 - p, &y);
    double w = hi - lo;
    double v = x <= y ? lo + w * x : hi - w * y;
    return fmin(fmax(v, lo), hi);
}

static double beta_cdf(const shipest_dist *d, double x)
{
    double a = d->par[0], b = d->par[1], lo = d->par[2], hi = d->par[3];
    if (x <= lo)
        return 0.0;
    if (x >= hi)
        return 1.0;
    double w = hi - lo;
    double u = (x - lo) / w, v = (hi - x) / w;
    double pv, qv;
    shp_beta_pq_lb(a, b, d->par[4] + d->par[5] - d->par[6], u, v, &pv, &qv);
    return pv;
}

/* Truncated normal: par = mean, sd, lo, hi, then on the standard scale
 * a, b (ends), mode (which tail holds the interval), l0, l1 (see tn_init),
 * logz (log of the mass), c, off (pdf(t) / Z = exp(-(t-c)(t+c)/2 - off)).
 * Far-tail work uses ratios of upper tails, which are exact functions of
 * the Mills ratio: log(Q(x) / Q(y)) = -(x-y)(x+y)/2 + log R(x) - log R(y). */
/* log(Q(x) / Q(y)) for 0 <= y <= x (x may be +inf). */
static double lq_ratio(double x, double y)
{
    if (isinf(x))
        return -INFINITY;
    return -0.5 * (x - y) * (x + y) + log(shp_norm_mills(x)) - log(shp_norm_mills(y));
}

/* pdf(t) / Z, accurate also when pdf and Z are both far below DBL_MIN. */
static double tn_dens(const shipest_dist *d, double t)
{
    if (isinf(t))
        return 0.0;
    double c = d->par[10];
    return exp(-0.5 * (t - c) * (t + c) - d->par[11]);
}

/* The integral of pdf(t) / Z over [u, v] (|v - u| <= 1, the exponent
 * varying by at most 3 across it), by 8-point Gauss-Legendre: error below
 * 1e-15 relative there. Used where differences of tails would cancel.
 * Nodes are placed as offsets from the end `from_v ? v : u` and the
 * exponent is formed from t - c = (end - c) + offset: forming t itself
 * would round the nodes by an ulp of |t| (40 ulps of the tail's scale at
 * t = 40), which costs 1e-13. */
static double tn_integral(const shipest_dist *d, double u, double v, int from_v)
{
    static const double X[4] = {0.18343464249564980494, 0.52553240991632898582,
                                0.79666647741362673959, 0.96028985649753623168};
    static const double W[4] = {0.36268378337836198297, 0.31370664587788728734,
                                0.22238103445337447054, 0.10122853629037625915};
    double c = d->par[10], off = d->par[11];
    double h = 0.5 * (v - u);
    double e0 = (from_v ? v : u) - c, sg = from_v ? -1.0 : 1.0;
    double s = 0.0;
    for (int i = 0; i < 4; i++) {
        double o1 = sg * h * (1.0 - X[i]), o2 = sg * h * (1.0 + X[i]);
        double t1 = e0 + o1, t2 = e0 + o2; /* t - c */
        s += W[i] * (exp(-0.5 * t1 * (t1 + 2.0 * c) - off) + exp(-0.5 * t2 * (t2 + 2.0 * c) - off));
    }
    return h * s;
}

/* Whether [u, v] is short enough for tn_integral. */
static int near_pair(double u, double v)
{
    return fabs(v - u) <= 1.0 && fabs((v - u) * (v + u)) <= 6.0;
}

static int tn_init(shipest_dist *d)
{
    double mu = d->par[0], sd = d->par[1], lo = d->par[2], hi = d->par[3];
    double a = (lo - mu) / sd, b = (hi - mu) / sd;
    d->par[4] = a;
    d->par[5] = b;
    double l0, l1, logz, c, off;
    if (a >= 0.0) { /* both ends in the upper tail */
        d->par[6] = TN_UPPER;
        l0 = shp_norm_logsf(a); /* log Q(a) */
        l1 = lq_ratio(b, a);    /* log(Q(b) / Q(a)) */
        double frac = -expm1(l1);
        logz = l0 + log(frac);
        c = a;
        off = log(shp_norm_mills(a)) + log(frac);
    } else if (b <= 0.0) { /* lower tail: the mirror image, Phi(x) = Q(-x) */
        d->par[6] = TN_LOWER;
        l0 = shp_norm_logsf(-b); /* log Phi(b) */
        l1 = lq_ratio(-a, -b);   /* log(Phi(a) / Phi(b)) */
        double frac = -expm1(l1);
        logz = l0 + log(frac);
        c = b;
        off = log(shp_norm_mills(-b)) + log(frac);
    } else {
        d->par[6] = TN_MIXED;
        l0 = shp_norm_cdf(a); /* Phi(a) */
        l1 = shp_norm_sf(b);  /* Q(b) */
        logz = log(0.5 * (erf(b * SQRT1_2) - erf(a * SQRT1_2)));
        c = 0.0;
        off = logz + SHP_LN_SQRT_2PI;
    }
    d->par[7] = l0;
    d->par[8] = l1;
    d->par[9] = logz;
    d->par[10] = c;
    d->par[11] = off;
    return isfinite(logz) && isfinite(off) ? 0 : -1;
}

static double tn_cdf_std(const shipest_dist *d, double z)
{
    double a = d->par[4], b = d->par[5], l1 = d->par[8];
    if (z <= a)
        return 0.0;
    if (z >= b)
        return 1.0;
    /* Next to an end the differences below cancel: integrate instead. */
    if (near_pair(a, z) && (z - a <= b - z || !near_pair(z, b)))
        return fmin(tn_integral(d, a, z, 0), 1.0);
    if (near_pair(z, b))
        return fmax(1.0 - tn_integral(d, z, b, 1), 0.0);
    switch ((int)d->par[6]) {
    case TN_UPPER: /* (Q(a) - Q(z)) / (Q(a) - Q(b)) */
        return expm1(lq_ratio(z, a)) / expm1(l1);
    case TN_LOWER: /* (Phi(z) - Phi(a)) / (Phi(b) - Phi(a)) */
        if (isinf(a))
            return exp(lq_ratio(-z, -b));
        return exp(l1) * expm1(-lq_ratio(-a, -z)) / -expm1(l1); /* log(Phi(z)/Phi(a)) = -lq_ratio */
    default: {
        double zmass = exp(d->par[9]);
        if (z <= 0.0) {
            double num = a < -1.0 ? shp_norm_cdf(z) - d->par[7]
                                  : 0.5 * (erf(z * SQRT1_2) - erf(a * SQRT1_2));
            return num / zmass;
        }
        double num = b > 1.0 ? shp_norm_sf(z) - l1 : 0.5 * (erf(b * SQRT1_2) - erf(z * SQRT1_2));
        return 1.0 - num / zmass;
    }
    }
}

static double tn_ppf_std(const shipest_dist *d, double p)
{
    double a = d->par[4], b = d->par[5], l0 = d->par[7], l1 = d->par[8];
    double z;
    switch ((int)d->par[6]) {
    case TN_UPPER: /* Q(z) = Q(a) (1 - p (1 - Q(b)/Q(a))) */
        z = shp_norm_isf_log(l0 + log1p(p * expm1(l1)));
        break;
    case TN_LOWER: /* Phi(z) = Phi(b) (1 - (1 - p) (1 - Phi(a)/Phi(b))) */
        if (isinf(a))
            z = -shp_norm_isf_log(l0 + log(p));
        else
            z = -shp_norm_isf_log(l0 + log1p((1.0 - p) * expm1(l1)));
        break;
    default: {
        double zmass = exp(d->par[9]);
        double t = l0 + p * zmass; /* Phi(z) */
        z = t <= 0.5 ? shp_norm_ppf(t) : -shp_norm_ppf(l1 + (1.0 - p) * zmass);
        break;
    }
    }
    z = fmin(fmax(z, a), b);
    /* The closed forms lose relative precision next to an end, where the
     * CDF is a short integral (see tn_cdf_std): polish by Newton there. */
    if (near_pair(a, z) || near_pair(z, b)) {
        for (int i = 0; i < 8; i++) {
            double f = tn_dens(d, z);
            if (!(f > 0.0) || !isfinite(f))
                break;
            double zn = fmin(fmax(z - (tn_cdf_std(d, z) - p) / f, a), b);
            if (fabs(zn - z) <= 2.0 * DBL_EPSILON * fabs(z)) {
                z = zn;
                break;
            }
            z = zn;
        }
    }
    return z;
}

static void tn_moments(shipest_dist *d)
{
    double a = d->par[4], b = d->par[5];
    double ra = tn_dens(d, a), rb = tn_dens(d, b); /* pdf(a) / Z, pdf(b) / Z */
    double ara = isinf(a) ? 0.0 : a * ra, brb = isinf(b) ? 0.0 : b * rb;
    double m = ra - rb;
    double v = 1.0 + ara - brb - m * m;
    double sd = d->par[1];
    double mean = d->par[0] + sd * m;
    /* Clamp rounding: the truncated mean lies inside [lo, hi]. */
    mean = fmin(fmax(mean, d->par[2]), d->par[3]);
    set_moments(d, mean, sd * sd * fmax(v, 0.0));
}

/* Poisson (par = lambda) and binomial (par = n, p, q). */
static double poisson_cdf_k(double lambda, double k)
{
    if (k < 0.0)
        return 0.0;
    double pv, qv;
    shp_gamma_pq(k + 1.0, lambda, &pv, &qv);
    return qv;
}

static double binom_cdf_k(double n, double p, double q, double k)
{
    if (k < 0.0)
        return 0.0;
    if (k >= n)
        return 1.0;
    double pv, qv;
    shp_beta_pq(n - k, k + 1.0, q, p, &pv, &qv);
    return pv;
}

static double disc_cdf_k(const shipest_dist *d, double k)
{
    if (d->family == SHIPEST_DIST_POISSON)
        return poisson_cdf_k(d->par[0], k);
    return binom_cdf_k(d->par[0], d->par[1], d->par[2], k);
}

/* Smallest whole k in [0, kmax] with F(k) >= p, from a guess k0:
 * gallop away from k0 until the answer is bracketed, then bisect. Uses the
 * same F as the public CDF, so the result is exact with respect to it. */
static double disc_search(const shipest_dist *d, double p, double k0, double kmax)
{
    double lo, hi; /* F(lo) < p <= F(hi); lo = -1 stands for "below 0" */
    k0 = fmin(fmax(k0, 0.0), kmax);
    if (disc_cdf_k(d, k0) >= p) {
        hi = k0;
        lo = -1.0;
        for (double step = 1.0; hi > 0.0; step *= 2.0) {
            double t = fmax(k0 - step, 0.0);
            if (disc_cdf_k(d, t) < p) {
                lo = t;
                break;
            }
            hi = t;
            if (t == 0.0)
                break;
        }
        if (hi == 0.0)
            return 0.0;
    } else {
        lo = k0;
        hi = kmax;
        for (double step = 1.0;; step *= 2.0) {
            double t = fmin(k0 + step, kmax);
            if (t >= kmax || disc_cdf_k(d, t) >= p) {
                hi = t;
                break;
            }
            lo = t;
        }
    }
    while (hi - lo > 1.0) {
        double mid = floor(lo + 0.5 * (hi - lo));
        if (disc_cdf_k(d, mid) >= p)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static double poisson_ppf(const shipest_dist *d, double p)
{
    double lam = d->par[0];
    double z = shp_norm_ppf(p);
    /* Cornish-Fisher start: usually within one of the answer. */
    double k0 = floor(lam + sqrt(lam) * z + (z * z - 1.0) / 6.0 + 0.5);
    return disc_search(d, p, isfinite(k0) ? k0 : lam, 0x1p53);
}

static double binom_ppf(const shipest_dist *d, double p)
{
    double n = d->par[0], pr = d->par[1], q = d->par[2];
    if (pr == 0.0 || n == 0.0)
        return 0.0;
    if (q == 0.0)
        return n;
    double z = shp_norm_ppf(p);
    double k0 = floor(n * pr + sqrt(n * pr * q) * z + (q - pr) * (z * z - 1.0) / 6.0 + 0.5);
    return disc_search(d, p, isfinite(k0) ? k0 : n * pr, n);
}

/* Empirical: data = sorted samples, n >= 2; piecewise-linear CDF through
 * (x_(i), i / (n - 1)), i = 0..n-1. */
static double emp_ppf(const shipest_dist *d, double p)
{
    size_t n = d->n;
    const double *x = d->data;
    double h = p * (double)(n - 1);
    double j = floor(h);
    if (j >= (double)(n - 1))
        return x[n - 1];
    size_t i = (size_t)j;
    double f = h - j;
    return f == 0.0 ? x[i] : x[i] + f * (x[i + 1] - x[i]);
}

static double emp_cdf(const shipest_dist *d, double v)
{
    size_t n = d->n;
    const double *x = d->data;
    if (v < x[0])
        return 0.0;
    if (v >= x[n - 1])
        return 1.0;
    /* i = last index with x[i] <= v */
    size_t lo = 0, hi = n - 1; /* x[lo] <= v < x[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    double frac = x[lo] == v ? 0.0 : (v - x[lo]) / (x[lo + 1] - x[lo]);
    return ((double)lo + frac) / (double)(n - 1);
}

/* J-QPD (Hadlock & Bickel 2017). par: l, u (or inf), c, nsgn, xi/theta,
 * delta, lambda/kappa; orig: q_lo, q_mid, q_hi, alpha, lower, upper. */
static double jqpd_q_of_z(const shipest_dist *d, double z)
{
    double l = d->par[0], u = d->par[1], c = d->par[2], nn = d->par[3];
    double xi = d->par[4], del = d->par[5], lam = d->par[6];
    if (isinf(u)) { /* J-QPD-S */
        double e = del == 0.0 ? lam * z : lam * sinh(asinh(del * z) + asinh(nn * c * del));
        return l + xi * exp(e);
    }
    double s = del == 0.0 ? xi + lam * z : xi + lam * sinh(del * (z + nn * c));
    double w = u - l;
    double v = s <= 0.0 ? l + w * shp_norm_cdf(s) : u - w * shp_norm_sf(s);
    return fmin(fmax(v, l), u);
}

static double jqpd_cdf(const shipest_dist *d, double x)
{
    double l = d->par[0], u = d->par[1], c = d->par[2], nn = d->par[3];
    double xi = d->par[4], del = d->par[5], lam = d->par[6];
    if (x <= l)
        return 0.0;
    if (x >= u)
        return 1.0;
    double z;
    if (isinf(u)) {
        double g = log((x - l) / xi);
        z = del == 0.0 ? g / lam : sinh(asinh(g / lam) - asinh(nn * c * del)) / del;
    } else {
        double w = u - l;
        double s = x - l <= u - x ? shp_norm_ppf((x - l) / w) : -shp_norm_ppf((u - x) / w);
        z = del == 0.0 ? (s - xi) / lam : asinh((s - xi) / lam) / del - nn * c;
    }
    return shp_norm_cdf(z);
}

/* ------------------------------------------------------ ppf and cdf */

void shp_dist_support(const shipest_dist *d, double *lo, double *hi)
{
    double a = -INFINITY, b = INFINITY;
    switch (d->family) {
    case SHIPEST_DIST_CONSTANT: a = b = d->par[0]; break;
    case SHIPEST_DIST_UNIFORM:
    case SHIPEST_DIST_TRIANGULAR: a = d->par[0]; b = d->par[d->family == SHIPEST_DIST_UNIFORM ? 1 : 2]; break;
    case SHIPEST_DIST_PERT:
    case SHIPEST_DIST_BETA: a = d->par[2]; b = d->par[3]; break;
    case SHIPEST_DIST_NORMAL:
    case SHIPEST_DIST_STUDENT_T: break;
    case SHIPEST_DIST_LOGNORMAL:
    case SHIPEST_DIST_GAMMA:
    case SHIPEST_DIST_EXPONENTIAL:
    case SHIPEST_DIST_POISSON: a = 0.0; break;
    case SHIPEST_DIST_TRUNCNORMAL: a = d->par[2]; b = d->par[3]; break;
    case SHIPEST_DIST_BINOMIAL:
        a = d->par[2] == 0.0 ? d->par[0] : 0.0;
        b = d->par[1] == 0.0 ? 0.0 : d->par[0];
        break;
    case SHIPEST_DIST_EMPIRICAL: a = d->data[0]; b = d->data[d->n - 1]; break;
    case SHIPEST_DIST_MIXTURE:
        a = INFINITY;
        b = -INFINITY;
        for (size_t i = 0; i < d->n; i++) {
            if (d->data[i] <= 0.0)
                continue;
            double l, h;
            shp_dist_support(d->comp[i], &l, &h);
            a = fmin(a, l);
            b = fmax(b, h);
        }
        break;
    case SHIPEST_DIST_QUANTILE3: a = d->par[0]; b = d->par[1]; break;
    }
    *lo = a;
    *hi = b;
}

int shp_dist_is_constant(const shipest_dist *d)
{
    double lo, hi;
    shp_dist_support(d, &lo, &hi);
    return lo == hi;
}

static double mix_cdf(const shipest_dist *d, double x)
{
    double s = 0.0;
    for (size_t i = 0; i < d->n; i++)
        if (d->data[i] > 0.0)
            s += d->data[i] * shp_dist_cdf(d->comp[i], x);
    return fmin(s, 1.0);
}

double shp_dist_cdf(const shipest_dist *d, double x)
{
    const double *q = d->par;
    switch (d->family) {
    case SHIPEST_DIST_CONSTANT: return x >= q[0] ? 1.0 : 0.0;
    case SHIPEST_DIST_UNIFORM:
        if (x <= q[0])
            return 0.0;
        if (x >= q[1])
            return 1.0;
        return (x - q[0]) / (q[1] - q[0]);
    case SHIPEST_DIST_NORMAL: return shp_norm_cdf((x - q[0]) / q[1]);
    case SHIPEST_DIST_LOGNORMAL: return x <= 0.0 ? 0.0 : shp_norm_cdf((log(x) - q[0]) / q[1]);
    case SHIPEST_DIST_TRIANGULAR: {
        double lo = q[0], m = q[1], hi = q[2];
        if (x <= lo)
            return 0.0;
        if (x >= hi)
            return 1.0;
        if (x <= m)
            return (x - lo) / (hi - lo) * ((x - lo) / (m - lo));
        return 1.0 - (hi - x) / (hi - lo) * ((hi - x) / (hi - m));
    }
    case SHIPEST_DIST_PERT:
    case SHIPEST_DIST_BETA: return beta_cdf(d, x);
    case SHIPEST_DIST_GAMMA: {
        if (x <= 0.0)
            return 0.0;
        double pv, qv;
        shp_gamma_pq(q[0], x / q[1], &pv, &qv);
        return pv;
    }
    case SHIPEST_DIST_EXPONENTIAL: return x <= 0.0 ? 0.0 : -expm1(-q[0] * x);
    case SHIPEST_DIST_STUDENT_T: return shp_t_cdf(q[0], (x - q[1]) / q[2]);
    case SHIPEST_DIST_TRUNCNORMAL:
        if (x <= q[2])
            return 0.0;
        if (x >= q[3])
            return 1.0;
        return tn_cdf_std(d, (x - q[0]) / q[1]);
    case SHIPEST_DIST_POISSON:
    case SHIPEST_DIST_BINOMIAL: return x == INFINITY ? 1.0 : disc_cdf_k(d, floor(x));
    case SHIPEST_DIST_EMPIRICAL: return emp_cdf(d, x);
    case SHIPEST_DIST_MIXTURE: return mix_cdf(d, x);
    case SHIPEST_DIST_QUANTILE3: return jqpd_cdf(d, x);
    }
    return NAN;
}

/* Jump points of discrete parts of d inside (a, b]: the smallest one, or
 * +inf. Used to land a mixture's quantile exactly on a jump. */
static double first_jump(const shipest_dist *d, double a, double b)
{
    switch (d->family) {
    case SHIPEST_DIST_CONSTANT: return (d->par[0] > a && d->par[0] <= b) ? d->par[0] : INFINITY;
    case SHIPEST_DIST_POISSON:
    case SHIPEST_DIST_BINOMIAL: {
        double k = floor(a) + 1.0;
        return k <= b ? k : INFINITY;
    }
    case SHIPEST_DIST_MIXTURE: {
        double best = INFINITY;
        for (size_t i = 0; i < d->n; i++)
            if (d->data[i] > 0.0)
                best = fmin(best, first_jump(d->comp[i], a, b));
        return best;
    }
    default: return INFINITY;
    }
}

/* Mixture quantile: the answer lies between the smallest and largest
 * component quantiles; keep F(a) < p <= F(b) and shrink by the Illinois
 * variant of regula falsi with bisection as a fallback. */
static double mix_ppf(const shipest_dist *d, double p)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < d->n; i++) {
        if (d->data[i] <= 0.0)
            continue;
        double x = shp_dist_ppf(d->comp[i], p);
        a = fmin(a, x);
        b = fmax(b, x);
    }
    if (!(a < b))
        return a;
    /* A component quantile that overflowed: search within the doubles. */
    a = fmax(a, -DBL_MAX);
    b = fmin(b, DBL_MAX);
    double fa = mix_cdf(d, a);
    if (fa >= p)
        return a;
    double fb = mix_cdf(d, b);
    int side = 0;
    for (int it = 0; it < 300; it++) {
        double tol = 2.0 * DBL_EPSILON * fmax(fabs(a), fabs(b));
        if (b - a <= tol || nextafter(a, INFINITY) >= b)
            break;
        double x = b - (fb - p) * (b - a) / (fb - fa);
        /* Keep the step strictly inside and away from the ends. */
        double w = b - a;
        if (!(x > a + 0.01 * w && x < b - 0.01 * w) || it % 4 == 3)
            x = 0.5 * a + 0.5 * b; /* no overflow even for a = -DBL_MAX, b = DBL_MAX */
        double fx = mix_cdf(d, x);
        if (fx >= p) {
            b = x;
            fb = fx;
            if (side == 1)
                fa = p - 0.5 * (p - fa);
            side = 1;
        } else {
            a = x;
            fa = fx;
            if (side == -1)
                fb = p + 0.5 * (fb - p);
            side = -1;
        }
    }
    double j = first_jump(d, a, b);
    if (isfinite(j) && mix_cdf(d, j) >= p)
        return j;
    return b;
}

double shp_dist_ppf(const shipest_dist *d, double p)
{
    const double *q = d->par;
    if (p <= 0.0 || p >= 1.0) {
        double lo, hi;
        shp_dist_support(d, &lo, &hi);
        return p <= 0.0 ? lo : hi;
    }
    switch (d->family) {
    case SHIPEST_DIST_CONSTANT: return q[0];
    case SHIPEST_DIST_UNIFORM: {
        double w = q[1] - q[0];
        return p <= 0.5 ? q[0] + p * w : q[1] - (1.0 - p) * w;
    }
    case SHIPEST_DIST_NORMAL: return q[0] + q[1] * shp_norm_ppf(p);
    case SHIPEST_DIST_LOGNORMAL: return shp_exp(q[0] + q[1] * shp_norm_ppf(p));
    case SHIPEST_DIST_TRIANGULAR: {
        double lo = q[0], m = q[1], hi = q[2];
        double fc = (m - lo) / (hi - lo);
        if (p <= fc)
            return fmin(lo + sqrt(p * (hi - lo) * (m - lo)), hi);
        return fmax(hi - sqrt((1.0 - p) * (hi - lo) * (hi - m)), lo);
    }
    case SHIPEST_DIST_PERT:
    case SHIPEST_DIST_BETA: return beta_ppf(d, p);
    case SHIPEST_DIST_GAMMA: return q[1] * shp_gamma_inv(q[0], p, 1.0 - p);
    case SHIPEST_DIST_EXPONENTIAL: return -log1p(-p) / q[0];
    case SHIPEST_DIST_STUDENT_T: return q[1] + q[2] * shp_t_ppf(q[0], p);
    case SHIPEST_DIST_TRUNCNORMAL:
        return fmin(fmax(q[0] + q[1] * tn_ppf_std(d, p), q[2]), q[3]);
    case SHIPEST_DIST_POISSON: return poisson_ppf(d, p);
    case SHIPEST_DIST_BINOMIAL: return binom_ppf(d, p);
    case SHIPEST_DIST_EMPIRICAL: return emp_ppf(d, p);
    case SHIPEST_DIST_MIXTURE: return mix_ppf(d, p);
    case SHIPEST_DIST_QUANTILE3: return jqpd_q_of_z(d, shp_norm_ppf(p));
    }
    return NAN;
}

/* ------------------------------------------------------ fast inverse
 *
 * Numerical inversion for block sampling of the families whose exact
 * inverse CDF is iterative (beta/PERT and gamma with shapes >= 1, Student-t
 * with df <= 1e6), after the PINV
 * method of Derflinger, Hörmann & Leydold (ACM TOMACS 20(4), 2010), except
 * that the u values of the nodes come from the exact CDF (not from
 * integrating the density). Built once, by shp_dist_prepare (when a model
 * node takes the distribution, or on the first shipest_dist_sample):
 *
 * - the central part [x_lo, x_hi] with F(x_lo) = FI_TAIL, 1 - F(x_hi) =
 *   FI_TAIL is split into intervals; on each, x(u) is the Newton
 *   interpolating polynomial of degree FI_K through FI_K + 1 Chebyshev-
 *   Lobatto nodes in x and their exact u = F(x);
 * - an interval is accepted when at the FI_K test points (the midpoints of
 *   consecutive u nodes) |F(x(u)) - u| <= FI_TOL and x(u) lies between the
 *   neighbouring nodes; the intervals are found walking left to right, the
 *   next one tried 1.2 times as wide after a success, a failed one retried
 *   half as wide;
 * - u outside [F(x_lo), F(x_hi)) — probability 2e-10 — uses the exact
 *   inverse, as does any distribution whose build does not converge within
 *   FI_MAX intervals (or gives up after 40 halvings in a row): a fixed
 *   property of the parameters, never of the run.
 *
 * The u-error bound |F(fast(u)) - u| <= 1e-12 over the whole of (0, 1) is
 * what docs/distributions.md states and tests/check_dist.c checks on a
 * dense grid including the tails. shipest_dist_quantile stays exact. The
 * fast value is a pure function of u, so (seed, stream, trial)
 * determinism is unaffected. */
#define FI_K 9
#define FI_TAIL 1e-10
#define FI_TOL 5e-13
#define FI_MAX 4096
#define FI_STRIDE (2 * FI_K + 3) /* per interval: xa, xb, t_1..t_{K-1}, c_0..c_K */

struct fastinv {
    size_t n;        /* intervals */
    double *ua;      /* n + 1 interval ends in u */
    double *co;      /* n * FI_STRIDE */
    size_t ng;       /* guide table entries */
    uint32_t *guide; /* guide[g]: first interval with ua[i + 1] > ua[0] + g / gs */
    double gs;
};

typedef struct {
    const shipest_dist *d;
    double *ua, *co; /* capacity FI_MAX + 1 and FI_MAX * FI_STRIDE */
    size_t n;
    int ok;
} fi_build;

static double fi_eval(const double *c, double t)
{
    const double *tn = c + 2, *cc = c + 2 + (FI_K - 1);
    double r = cc[FI_K];
    for (int j = FI_K - 1; j >= 1; j--)
        r = cc[j] + (t - tn[j - 1]) * r;
    r = cc[0] + t * r;
    /* Clamp to the interval (comparisons, not fmin/fmax: those are libm
     * calls at -O2, and r is never NaN here). */
    return r < c[0] ? c[0] : r > c[1] ? c[1] : r;
}

/* Try [xa, xb] (ua = F(xa), ub = F(xb) known): 1 and rec filled when it
 * meets the bound. */
static int fi_try(const shipest_dist *d, double xa, double xb, double ua, double ub, double *rec)
{
    double x[FI_K + 1], u[FI_K + 1], t[FI_K + 1], c[FI_K + 1];
    double m = 0.5 * (xa + xb), h = 0.5 * (xb - xa);
    if (!(ub > ua && xb > xa))
        return 0;
    for (int j = 0; j <= FI_K; j++) {
        x[j] = j == 0 ? xa : j == FI_K ? xb : m - h * cos(3.14159265358979323846 * j / FI_K);
        u[j] = j == 0 ? ua : j == FI_K ? ub : shp_dist_cdf(d, x[j]);
        t[j] = u[j] - ua;
        if (j > 0 && !(t[j] > t[j - 1] && x[j] > x[j - 1]))
            return 0;
    }
    for (int j = 0; j <= FI_K; j++)
        c[j] = x[j];
    for (int k = 1; k <= FI_K; k++)
        for (int j = FI_K; j >= k; j--)
            c[j] = (c[j] - c[j - 1]) / (t[j] - t[j - k]);
    rec[0] = xa;
    rec[1] = xb;
    for (int j = 1; j < FI_K; j++)
        rec[1 + j] = t[j];
    for (int j = 0; j <= FI_K; j++) {
        rec[2 + (FI_K - 1) + j] = c[j];
        if (!isfinite(c[j]))
            return 0;
    }
    for (int j = 0; j < FI_K; j++) {
        double tm = 0.5 * (t[j] + t[j + 1]);
        double xm = fi_eval(rec, tm);
        if (!(xm >= x[j] && xm <= x[j + 1]) || !(fabs(shp_dist_cdf(d, xm) - (ua + tm)) <= FI_TOL))
            return 0;
    }
    return 1;
}

/* Walk [xlo, xhi] left to right (as PINV does): an interval that meets the
 * bound is kept and the next one tried 1.2 times as wide; one that does
 * not is retried half as wide. */
static void fi_walk(fi_build *b, double xlo, double xhi)
{
    double x = xlo, ux = shp_dist_cdf(b->d, xlo), h = (xhi - xlo) / 16.0;
    size_t attempts = 0;
    int fails = 0; /* in a row: 40 halvings (1e-12 of the width) give up */
    while (x < xhi) {
        if (++attempts > 4 * FI_MAX || b->n >= FI_MAX || fails > 40 || !(h > 0.0)) {
            b->ok = 0;
            return;
        }
        double xb = x + h;
        if (!(xb < xhi - 0.25 * h))
            xb = xhi;
        double ub = shp_dist_cdf(b->d, xb);
        double rec[FI_STRIDE];
        if (fi_try(b->d, x, xb, ux, ub, rec)) {
            memcpy(b->co + b->n * FI_STRIDE, rec, sizeof rec);
            b->ua[b->n] = ux;
            b->ua[b->n + 1] = ub;
            b->n++;
            x = xb;
            ux = ub;
            h *= 1.2;
            fails = 0;
        } else {
            h *= 0.5;
            fails++;
        }
    }
}

static void fi_free(shipest_ctx *ctx, struct fastinv *f)
{
    if (f == NULL)
        return;
    shp_free(ctx, f->ua);
    shp_free(ctx, f->co);
    shp_free(ctx, f->guide);
    shp_free(ctx, f);
}

/* Build d->fast. ENOMEM on allocation failure; a build that does not meet
 * the bound leaves d->fast NULL (exact sampling) and is not an error. */
static shipest_status fi_make(shipest_dist *d)
{
    shipest_ctx *ctx = d->ctx;
    double xlo = shp_dist_ppf(d, FI_TAIL), xhi = shp_dist_ppf(d, 1.0 - FI_TAIL);
    if (!(isfinite(xlo) && isfinite(xhi) && xlo < xhi))
        return SHIPEST_OK;
    fi_build b = {d, NULL, NULL, 0, 1};
    b.ua = shp_alloc_array(ctx, FI_MAX + 1, sizeof(double));
    b.co = shp_alloc_array(ctx, FI_MAX, FI_STRIDE * sizeof(double));
    shipest_status st = SHIPEST_ENOMEM;
    struct fastinv *f = NULL;
    if (b.ua == NULL || b.co == NULL)
        goto done;
    fi_walk(&b, xlo, xhi);
    st = SHIPEST_OK;
    if (!b.ok || b.n == 0)
        goto done;
    f = shp_calloc(ctx, 1, sizeof *f);
    if (f == NULL)
        goto fail;
    f->n = b.n;
    f->ng = 4 * b.n; /* cells a quarter of an average interval: one step or none */
    f->ua = shp_alloc_array(ctx, b.n + 1, sizeof(double));
    f->co = shp_alloc_array(ctx, b.n, FI_STRIDE * sizeof(double));
    f->guide = shp_alloc_array(ctx, f->ng, sizeof(uint32_t));
    if (f->ua == NULL || f->co == NULL || f->guide == NULL)
        goto fail;
    memcpy(f->ua, b.ua, (b.n + 1) * sizeof(double));
    memcpy(f->co, b.co, b.n * FI_STRIDE * sizeof(double));
    f->gs = (double)f->ng / (f->ua[b.n] - f->ua[0]);
    size_t i = 0;
    for (size_t g = 0; g < f->ng; g++) {
        double ug = f->ua[0] + (double)g / f->gs;
        while (i + 1 < b.n && f->ua[i + 1] <= ug)
            i++;
        f->guide[g] = (uint32_t)i;
    }
    d->fast = f;
    f = NULL;
    goto done;
fail:
    st = SHIPEST_ENOMEM;
done:
    fi_free(ctx, f);
    shp_free(ctx, b.ua);
    shp_free(ctx, b.co);
    return st;
}

static shipest_status fi_clone(shipest_ctx *ctx, const struct fastinv *src, struct fastinv **out)
{
    *out = NULL;
    if (src == NULL)
        return SHIPEST_OK;
    struct fastinv *f = shp_calloc(ctx, 1, sizeof *f);
    if (f == NULL)
        return SHIPEST_ENOMEM;
    *f = *src;
    f->ua = shp_alloc_array(ctx, src->n + 1, sizeof(double));
    f->co = shp_alloc_array(ctx, src->n, FI_STRIDE * sizeof(double));
    f->guide = shp_alloc_array(ctx, src->ng, sizeof(uint32_t));
    if (f->ua == NULL || f->co == NULL || f->guide == NULL) {
        fi_free(ctx, f);
        return SHIPEST_ENOMEM;
    }
    memcpy(f->ua, src->ua, (src->n + 1) * sizeof(double));
    memcpy(f->co, src->co, src->n * FI_STRIDE * sizeof(double));
    memcpy(f->guide, src->guide, src->ng * sizeof(uint32_t));
    *out = f;
    return SHIPEST_OK;
}

static void fi_block(const shipest_dist *d, const double *u, size_t n, double *out)
{
    const struct fastinv *f = d->fast;
    const double u0 = f->ua[0], u1 = f->ua[f->n];
    for (size_t j = 0; j < n; j++) {
        double v = u[j];
        if (!(v >= u0 && v < u1)) {
            out[j] = shp_dist_ppf(d, v);
            continue;
        }
        size_t g = (size_t)((v - u0) * f->gs);
        size_t i = f->guide[g < f->ng ? g : f->ng - 1];
        i += f->ua[i + 1] <= v; /* the usual step, without a branch to mispredict */
        while (i > 0 && f->ua[i] > v) /* rounding of the guide's u */
            i--;
        while (f->ua[i + 1] <= v)
            i++;
        out[j] = fi_eval(f->co + i * FI_STRIDE, v - f->ua[i]);
    }
}

shipest_status shp_dist_prepare(shipest_dist *d)
{
    if (!d->fast_wanted || d->fast_tried)
        return SHIPEST_OK;
    shipest_status st = fi_make(d);
    if (st == SHIPEST_OK)
        d->fast_tried = 1;
    return st;
}

int shp_dist_fast_intervals(const shipest_dist *d)
{
    return d->fast != NULL ? (int)d->fast->n : 0;
}

/* Chunks of a fixed length are what GCC's -O2 vectoriser accepts (the
 * trip count is then a multiple of the vector length). */
#define BLOCK_CHUNK 8

/* 1 when some u[j] lies outside (0, 1) (0, 1, negative, NaN), else 0.
 * The engine's uniforms never do, but a caller may pass such values; they
 * need the support ends (shp_dist_ppf). Tested on the bits b of u: u is
 * in (0, 1) exactly when 1 <= b <= ONE - 1 (ONE the bits of 1.0), that is
 * when neither b - 1 nor ONE - 1 - b (modulo 2^64) has its top bit set; for
 * any other b, negative values and NaN included, one of them has. GCC
 * vectorises this where it does not vectorise a double comparison's flag. */
static int any_outside_unit(const double *u, size_t n)
{
    const double one = 1.0;
    uint64_t one_bits, bad = 0;
    memcpy(&one_bits, &one, sizeof one_bits);
    size_t j = 0;
    for (; j + BLOCK_CHUNK <= n; j += BLOCK_CHUNK)
        for (size_t i = 0; i < BLOCK_CHUNK; i++) {
            uint64_t b;
            memcpy(&b, &u[j + i], sizeof b);
            bad |= (b - 1) | (one_bits - 1 - b);
        }
    for (; j < n; j++) {
        uint64_t b;
        memcpy(&b, &u[j], sizeof b);
        bad |= (b - 1) | (one_bits - 1 - b);
    }
    return (int)(bad >> 63);
}

/* x[j] = a + b x[j], the normal and lognormal location and scale. */
static void affine_block(double a, double b, size_t n, double *x)
{
    size_t j = 0;
    for (; j + BLOCK_CHUNK <= n; j += BLOCK_CHUNK)
        for (size_t i = 0; i < BLOCK_CHUNK; i++)
            x[j + i] = a + b * x[j + i];
    for (; j < n; j++)
        x[j] = a + b * x[j];
}

/* The uniform's quantile as shp_dist_ppf computes it (from the nearer end,
 * so u near 1 keeps its precision), for u in (0, 1). Both ends are
 * computed and one is picked by a bit mask: a branch on u <= 0.5 would be
 * mispredicted half the time, and GCC vectorises neither a branch nor a
 * select on a double comparison here. */
static void uniform_block(double lo, double hi, const double *u, size_t n, double *out)
{
    const double w = hi - lo, half = 0.5;
    uint64_t half_bits;
    memcpy(&half_bits, &half, sizeof half_bits);
    size_t j = 0;
    for (; j + BLOCK_CHUNK <= n; j += BLOCK_CHUNK) {
        uint64_t v[BLOCK_CHUNK]; /* a local copy: u and out may overlap */
        for (size_t i = 0; i < BLOCK_CHUNK; i++) {
            double p = u[j + i];
            double from_lo = lo + p * w, from_hi = hi - (1.0 - p) * w;
            uint64_t pb, a, b;
            memcpy(&pb, &p, sizeof pb);
            memcpy(&a, &from_lo, sizeof a);
            memcpy(&b, &from_hi, sizeof b);
            /* All ones when p > 0.5 (for p in (0, 1) the bits order as
             * the values do), else 0. */
            uint64_t upper = (uint64_t)0 - ((half_bits - pb) >> 63);
            v[i] = (a & ~upper) | (b & upper);
        }
        memcpy(out + j, v, sizeof v);
    }
    for (; j < n; j++) {
        double p = u[j];
        out[j] = p <= 0.5 ? lo + p * w : hi - (1.0 - p) * w;
    }
}

static void ppf_each(const shipest_dist *d, const double *u, size_t n, double *out)
{
    for (size_t j = 0; j < n; j++)
        out[j] = shp_dist_ppf(d, u[j]);
}

void shp_dist_ppf_block(const shipest_dist *d, const double *u, size_t n, double *out)
{
    const double *q = d->par;
    if (d->fast != NULL) {
        fi_block(d, u, n, out);
        return;
    }
    /* The commonest families get their own loops, computing what
     * shp_dist_ppf computes for u in (0, 1) bit for bit (the normal
     * quantile and exp several values at a time, see specfun.h). A block
     * with some u outside (0, 1), and the other families, go one by one. */
    if (any_outside_unit(u, n)) {
        ppf_each(d, u, n, out);
        return;
    }
    switch (d->family) {
    case SHIPEST_DIST_NORMAL:
        shp_norm_ppf_block(u, n, out);
        affine_block(q[0], q[1], n, out);
        return;
    case SHIPEST_DIST_LOGNORMAL:
        shp_norm_ppf_block(u, n, out);
        affine_block(q[0], q[1], n, out);
        shp_exp_block(out, n, out);
        return;
    case SHIPEST_DIST_UNIFORM:
        uniform_block(q[0], q[1], u, n, out);
        return;
    case SHIPEST_DIST_CONSTANT:
        for (size_t j = 0; j < n; j++)
            out[j] = q[0];
        return;
    case SHIPEST_DIST_EXPONENTIAL:
        for (size_t j = 0; j < n; j++)
            out[j] = -log1p(-u[j]) / q[0];
        return;
    default:
        ppf_each(d, u, n, out);
        return;
    }
}

/* ------------------------------------------------------ constructors */

SHIPEST_API shipest_status shipest_dist_constant(shipest_ctx *ctx, double value, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "constant");
    NEED_FINITE(ctx, "constant", "value", value);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_CONSTANT, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = value;
    set_moments(d, value, 0.0);
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_uniform(shipest_ctx *ctx, double lo, double hi, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "uniform");
    NEED_FINITE(ctx, "uniform", "lo", lo);
    NEED_FINITE(ctx, "uniform", "hi", hi);
    NEED_LESS(ctx, "uniform", "lo", lo, "hi", hi);
    if (!isfinite(hi - lo))
        return shp_error(ctx, SHIPEST_EDOMAIN, "uniform: hi - lo overflows (lo %g, hi %g)", lo, hi);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_UNIFORM, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = lo;
    d->par[1] = hi;
    double w = hi - lo;
    set_moments(d, 0.5 * lo + 0.5 * hi, w * w / 12.0);
    *out = d;
    return SHIPEST_OK;
}

static shipest_status normal_make(shipest_ctx *ctx, double mean, double sd, enum form form,
                                  shipest_dist **out)
{
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_NORMAL, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->form = form;
    d->par[0] = mean;
    d->par[1] = sd;
    set_moments(d, mean, sd * sd);
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_normal(shipest_ctx *ctx, double mean, double sd, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "normal");
    NEED_FINITE(ctx, "normal", "mean", mean);
    NEED_POS(ctx, "normal", "sd", sd);
    return normal_make(ctx, mean, sd, FORM_PLAIN, out);
}

static shipest_status lognormal_make(shipest_ctx *ctx, const char *name, double mu, double sigma,
                                     enum form form, shipest_dist **out)
{
    if (!isfinite(mu) || !(sigma > 0.0) || !isfinite(sigma))
        return shp_error(ctx, SHIPEST_EDOMAIN,
                         "%s: parameters give log-mean %g and log-sd %g, not usable", name, mu, sigma);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_LOGNORMAL, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->form = form;
    d->par[0] = mu;
    d->par[1] = sigma;
    double s2 = sigma * sigma;
    set_moments(d, exp(mu + 0.5 * s2), expm1(s2) * exp(2.0 * mu + s2));
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_lognormal(shipest_ctx *ctx, double mu, double sigma, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "lognormal");
    NEED_FINITE(ctx, "lognormal", "mu", mu);
    NEED_POS(ctx, "lognormal", "sigma", sigma);
    return lognormal_make(ctx, "lognormal", mu, sigma, FORM_PLAIN, out);
}

SHIPEST_API shipest_status shipest_dist_lognormal_median_gsd(shipest_ctx *ctx, double median, double gsd,
                                                 shipest_dist **out)
{
    const char *name = "lognormal_median_gsd";
    CHECK_OUT(ctx, out, name);
    NEED_POS(ctx, name, "median", median);
    NEED_FINITE(ctx, name, "gsd", gsd);
    if (!(gsd > 1.0))
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: gsd must be > 1 (got %g)", name, gsd);
    shipest_status st = lognormal_make(ctx, name, log(median), log(gsd), FORM_LN_MEDIAN_GSD, out);
    if (st == SHIPEST_OK) {
        (*out)->orig[0] = median;
        (*out)->orig[1] = gsd;
    }
    return st;
}

SHIPEST_API shipest_status shipest_dist_lognormal_mean_sd(shipest_ctx *ctx, double mean, double sd,
                                              shipest_dist **out)
{
    const char *name = "lognormal_mean_sd";
    CHECK_OUT(ctx, out, name);
    NEED_POS(ctx, name, "mean", mean);
    NEED_POS(ctx, name, "sd", sd);
    double cv = sd / mean;
    double s2 = log1p(cv * cv);
    shipest_status st = lognormal_make(ctx, name, log(mean) - 0.5 * s2, sqrt(s2), FORM_LN_MEAN_SD, out);
    if (st == SHIPEST_OK) {
        (*out)->orig[0] = mean;
        (*out)->orig[1] = sd;
    }
    return st;
}

SHIPEST_API shipest_status shipest_dist_interval90(shipest_ctx *ctx, double lo, double hi, shipest_dist **out)
{
    const char *name = "interval90";
    CHECK_OUT(ctx, out, name);
    NEED_FINITE(ctx, name, "lo", lo);
    NEED_FINITE(ctx, name, "hi", hi);
    NEED_LESS(ctx, name, "lo", lo, "hi", hi);
    const double z95 = shp_norm_ppf(0.95);
    shipest_status st;
    if (lo > 0.0) {
        double span = log(hi / lo);
        if (!isfinite(span))
            span = log(hi) - log(lo);
        st = lognormal_make(ctx, name, 0.5 * (log(lo) + log(hi)), span / (2.0 * z95), FORM_INTERVAL90, out);
    } else {
        double sd = (0.5 * hi - 0.5 * lo) / z95;
        if (!(sd > 0.0) || !isfinite(sd))
            return shp_error(ctx, SHIPEST_EDOMAIN, "%s: interval %g to %g gives no usable sd", name, lo, hi);
        st = normal_make(ctx, 0.5 * lo + 0.5 * hi, sd, FORM_INTERVAL90, out);
    }
    if (st == SHIPEST_OK) {
        (*out)->orig[0] = lo;
        (*out)->orig[1] = hi;
    }
    return st;
}

static shipest_status check_lmh(shipest_ctx *ctx, const char *name, double lo, double mode, double hi)
{
    NEED_FINITE(ctx, name, "lo", lo);
    NEED_FINITE(ctx, name, "mode", mode);
    NEED_FINITE(ctx, name, "hi", hi);
    NEED_LESS(ctx, name, "lo", lo, "hi", hi);
    if (!isfinite(hi - lo))
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: hi - lo overflows (lo %g, hi %g)", name, lo, hi);
    if (mode < lo || mode > hi)
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: mode must lie in [lo, hi] = [%g, %g] (got %g)",
                         name, lo, hi, mode);
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_triangular(shipest_ctx *ctx, double lo, double mode, double hi,
                                       shipest_dist **out)
{
    CHECK_OUT(ctx, out, "triangular");
    shipest_status st = check_lmh(ctx, "triangular", lo, mode, hi);
    if (st != SHIPEST_OK)
        return st;
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_TRIANGULAR, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = lo;
    d->par[1] = mode;
    d->par[2] = hi;
    /* Moments about lo keep precision for intervals far from 0. */
    double b = mode - lo, c = hi - lo;
    set_moments(d, lo + (b + c) / 3.0, (b * b + c * c - b * c) / 18.0);
    *out = d;
    return SHIPEST_OK;
}

static shipest_status beta_make(shipest_ctx *ctx, shipest_family fam, double a, double b, double lo,
                                double hi, shipest_dist **out)
{
    shipest_dist *d;
    if (make(ctx, fam, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = a;
    d->par[1] = b;
    d->par[2] = lo;
    d->par[3] = hi;
    d->par[4] = shp_lgamma(a);
    d->par[5] = shp_lgamma(b);
    d->par[6] = shp_lgamma(a + b);
    double w = hi - lo, s = a + b;
    set_moments(d, lo + w * (a / s), w * w * (a / s) * (b / s) / (s + 1.0));
    /* Only with a bounded density: where it is infinite at an end, F jumps
     * by more than 1e-12 between neighbouring doubles near that end and no
     * x (exact or not) meets the u-error bound there. */
    d->fast_wanted = a >= 1.0 && b >= 1.0;
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_pert(shipest_ctx *ctx, double lo, double mode, double hi, double lambda,
                                 shipest_dist **out)
{
    CHECK_OUT(ctx, out, "pert");
    shipest_status st = check_lmh(ctx, "pert", lo, mode, hi);
    if (st != SHIPEST_OK)
        return st;
    NEED_POS(ctx, "pert", "lambda", lambda);
    double w = hi - lo;
    double a = 1.0 + lambda * ((mode - lo) / w);
    double b = 1.0 + lambda * ((hi - mode) / w);
    st = beta_make(ctx, SHIPEST_DIST_PERT, a, b, lo, hi, out);
    if (st == SHIPEST_OK) {
        (*out)->orig[0] = lo;
        (*out)->orig[1] = mode;
        (*out)->orig[2] = hi;
        (*out)->orig[3] = lambda;
    }
    return st;
}

SHIPEST_API shipest_status shipest_dist_beta(shipest_ctx *ctx, double alpha, double beta, double lo, double hi,
                                 shipest_dist **out)
{
    CHECK_OUT(ctx, out, "beta");
    NEED_POS(ctx, "beta", "alpha", alpha);
    NEED_POS(ctx, "beta", "beta", beta);
    NEED_FINITE(ctx, "beta", "lo", lo);
    NEED_FINITE(ctx, "beta", "hi", hi);
    NEED_LESS(ctx, "beta", "lo", lo, "hi", hi);
    if (!isfinite(hi - lo))
        return shp_error(ctx, SHIPEST_EDOMAIN, "beta: hi - lo overflows (lo %g, hi %g)", lo, hi);
    return beta_make(ctx, SHIPEST_DIST_BETA, alpha, beta, lo, hi, out);
}

SHIPEST_API shipest_status shipest_dist_gamma(shipest_ctx *ctx, double shape, double scale, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "gamma");
    NEED_POS(ctx, "gamma", "shape", shape);
    NEED_POS(ctx, "gamma", "scale", scale);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_GAMMA, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = shape;
    d->par[1] = scale;
    set_moments(d, shape * scale, shape * scale * scale);
    /* Fast block inverse only with a bounded density (shape >= 1), as for
     * beta. */
    d->fast_wanted = shape >= 1.0;
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_exponential(shipest_ctx *ctx, double rate, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "exponential");
    NEED_POS(ctx, "exponential", "rate", rate);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_EXPONENTIAL, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = rate;
    set_moments(d, 1.0 / rate, 1.0 / (rate * rate));
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_student_t(shipest_ctx *ctx, double df, double loc, double scale,
                                      shipest_dist **out)
{
    CHECK_OUT(ctx, out, "student_t");
    NEED_POS(ctx, "student_t", "df", df);
    NEED_FINITE(ctx, "student_t", "loc", loc);
    NEED_POS(ctx, "student_t", "scale", scale);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_STUDENT_T, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = df;
    d->par[1] = loc;
    d->par[2] = scale;
    set_moments(d, df > 1.0 ? loc : NAN, df > 2.0 ? scale * scale * df / (df - 2.0) : NAN);
    /* Above df = 1e6 the exact quantile and CDF are slow and no longer
     * agree to the bound; such a t is sampled exactly. */
    d->fast_wanted = df <= 1e6;
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_truncnormal(shipest_ctx *ctx, double mean, double sd, double lo,
                                        double hi, shipest_dist **out)
{
    const char *name = "truncnormal";
    CHECK_OUT(ctx, out, name);
    NEED_FINITE(ctx, name, "mean", mean);
    NEED_POS(ctx, name, "sd", sd);
    if (isnan(lo) || lo == INFINITY)
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: lo must be finite or -inf (got %g)", name, lo);
    if (isnan(hi) || hi == -INFINITY)
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: hi must be finite or +inf (got %g)", name, hi);
    NEED_LESS(ctx, name, "lo", lo, "hi", hi);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_TRUNCNORMAL, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = mean;
    d->par[1] = sd;
    d->par[2] = lo;
    d->par[3] = hi;
    if (tn_init(d) != 0 || !(d->par[5] > d->par[4])) {
        double a = d->par[4], b = d->par[5];
        shp_free(ctx, d);
        return shp_error(ctx, SHIPEST_EDOMAIN,
                         "%s: no probability mass between lo %g and hi %g (%g to %g sd from the mean)",
                         name, lo, hi, a, b);
    }
    tn_moments(d);
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_poisson(shipest_ctx *ctx, double lambda, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "poisson");
    NEED_POS(ctx, "poisson", "lambda", lambda);
    if (lambda > 1e15)
        return shp_error(ctx, SHIPEST_EDOMAIN, "poisson: lambda must be <= 1e15 (got %g)", lambda);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_POISSON, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = lambda;
    set_moments(d, lambda, lambda);
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_binomial(shipest_ctx *ctx, double n, double p, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "binomial");
    NEED_FINITE(ctx, "binomial", "n", n);
    if (n < 0.0 || n != floor(n) || n > 0x1p53)
        return shp_error(ctx, SHIPEST_EDOMAIN, "binomial: n must be a whole number in [0, 2^53] (got %g)", n);
    NEED_FINITE(ctx, "binomial", "p", p);
    if (p < 0.0 || p > 1.0)
        return shp_error(ctx, SHIPEST_EDOMAIN, "binomial: p must lie in [0, 1] (got %g)", p);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_BINOMIAL, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = n;
    d->par[1] = p;
    d->par[2] = 1.0 - p;
    set_moments(d, n * p, n * p * (1.0 - p));
    *out = d;
    return SHIPEST_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void emp_moments(shipest_dist *d)
{
    /* Mean and variance of the piecewise-linear CDF: each segment
     * [x_i, x_i+1] is uniform with mass 1 / (n - 1). Two passes about the
     * mean avoid cancellation. */
    size_t n = d->n;
    const double *x = d->data;
    double m = 0.0;
    for (size_t i = 0; i + 1 < n; i++)
        m += 0.5 * x[i] + 0.5 * x[i + 1];
    m /= (double)(n - 1);
    double v = 0.0;
    for (size_t i = 0; i + 1 < n; i++) {
        double a = x[i] - m, b = x[i + 1] - m;
        v += (a * a + a * b + b * b) / 3.0;
    }
    set_moments(d, m, v / (double)(n - 1));
}

SHIPEST_API shipest_status shipest_dist_empirical(shipest_ctx *ctx, const double *samples, size_t n,
                                      shipest_dist **out)
{
    CHECK_OUT(ctx, out, "empirical");
    if (samples == NULL && n > 0)
        return shp_error(ctx, SHIPEST_EINVAL, "empirical: samples is NULL");
    if (n < 2)
        return shp_error(ctx, SHIPEST_EDOMAIN, "empirical: n must be >= 2 (got %zu)", n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(samples[i]))
            return shp_error(ctx, SHIPEST_EDOMAIN, "empirical: samples[%zu] must be finite (got %g)",
                             i, samples[i]);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_EMPIRICAL, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->data = shp_alloc_array(ctx, n, sizeof(double));
    if (d->data == NULL) {
        shp_free(ctx, d);
        return SHIPEST_ENOMEM;
    }
    memcpy(d->data, samples, n * sizeof(double));
    qsort(d->data, n, sizeof(double), cmp_double);
    d->n = n;
    emp_moments(d);
    *out = d;
    return SHIPEST_OK;
}

static shipest_status clone_into(shipest_ctx *ctx, const shipest_dist *src, shipest_dist **out);

SHIPEST_API void shipest_dist_free(shipest_dist *d)
{
    if (d == NULL)
        return;
    shipest_ctx *ctx = d->ctx;
    if (d->comp != NULL) {
        for (size_t i = 0; i < d->n; i++)
            shipest_dist_free(d->comp[i]);
        shp_free(ctx, d->comp);
    }
    if (d->data != NULL)
        shp_free(ctx, d->data);
    fi_free(ctx, d->fast);
    shp_free(ctx, d);
}

SHIPEST_API shipest_status shipest_dist_mixture(shipest_ctx *ctx, const shipest_dist *const *components,
                                    const double *weights, size_t n, shipest_dist **out)
{
    const char *name = "mixture";
    CHECK_OUT(ctx, out, name);
    if (n < 1)
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: n must be >= 1 (got %zu)", name, n);
    if (components == NULL || weights == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "%s: %s is NULL", name,
                         components == NULL ? "components" : "weights");
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (components[i] == NULL)
            return shp_error(ctx, SHIPEST_EINVAL, "%s: components[%zu] is NULL", name, i);
        if (!isfinite(weights[i]) || weights[i] < 0.0)
            return shp_error(ctx, SHIPEST_EDOMAIN, "%s: weights[%zu] must be finite and >= 0 (got %g)",
                             name, i, weights[i]);
        sum += weights[i];
    }
    if (fabs(sum - 1.0) > 1e-9)
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: weights must sum to 1 (got %.17g)", name, sum);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_MIXTURE, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->data = shp_alloc_array(ctx, n, sizeof(double));
    d->comp = shp_calloc(ctx, n, sizeof(shipest_dist *));
    if (d->data == NULL || d->comp == NULL) {
        shipest_dist_free(d);
        return SHIPEST_ENOMEM;
    }
    d->n = n;
    for (size_t i = 0; i < n; i++) {
        d->data[i] = weights[i] / sum; /* exact renormalisation of the 1e-9 slack */
        if (clone_into(ctx, components[i], &d->comp[i]) != SHIPEST_OK) {
            shipest_dist_free(d);
            return SHIPEST_ENOMEM;
        }
    }
    /* Mean and variance by the law of total variance, about the mean. */
    double m = 0.0;
    int hm = 1, hv = 1;
    for (size_t i = 0; i < n; i++) {
        if (d->data[i] == 0.0)
            continue;
        hm &= d->comp[i]->has_mean;
        hv &= d->comp[i]->has_var;
        m += d->data[i] * d->comp[i]->mean;
    }
    double v = 0.0;
    for (size_t i = 0; i < n && hv; i++) {
        if (d->data[i] == 0.0)
            continue;
        double dm = d->comp[i]->mean - m;
        v += d->data[i] * (d->comp[i]->var + dm * dm);
    }
    set_moments(d, hm ? m : NAN, hm && hv ? v : NAN);
    *out = d;
    return SHIPEST_OK;
}

/* Mean and variance of a J-QPD by the trapezoidal rule in z = Phi^-1(p),
 * which converges geometrically for these smooth, Gaussian-weighted
 * integrands. Left unset when the tail is not yet negligible at |z| = 38. */
static void jqpd_moments(shipest_dist *d)
{
    const double h = 1.0 / 64.0, zmax = 38.0;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0;
    double shift = jqpd_q_of_z(d, 0.0); /* centre to limit cancellation */
    double edge = 0.0;
    for (double z = -zmax; z <= zmax; z += h) {
        double w = shp_norm_pdf(z);
        double x = jqpd_q_of_z(d, z) - shift;
        s0 += w;
        s1 += w * x;
        s2 += w * x * x;
        if (fabs(z) > zmax - 0.5)
            edge = fmax(edge, fabs(w * x * x));
    }
    double m1 = s1 / s0, m2 = s2 / s0;
    if (!isfinite(m2) || edge > 1e-15 * m2 * (1.0 / h)) {
        set_moments(d, isfinite(m1) ? m1 + shift : NAN, NAN);
        if (!isfinite(m1) || edge > 1e-15 * fabs(s1))
            d->has_mean = 0;
        return;
    }
    set_moments(d, m1 + shift, fmax(m2 - m1 * m1, 0.0));
}

SHIPEST_API shipest_status shipest_dist_quantile3(shipest_ctx *ctx, double q_lo, double q_mid, double q_hi,
                                      double alpha, double lower, double upper, shipest_dist **out)
{
    const char *name = "quantile3";
    CHECK_OUT(ctx, out, name);
    NEED_FINITE(ctx, name, "q_lo", q_lo);
    NEED_FINITE(ctx, name, "q_mid", q_mid);
    NEED_FINITE(ctx, name, "q_hi", q_hi);
    NEED_FINITE(ctx, name, "alpha", alpha);
    if (!(alpha > 0.0 && alpha < 0.5))
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: alpha must lie in (0, 0.5) (got %g)", name, alpha);
    NEED_FINITE(ctx, name, "lower", lower);
    if (isnan(upper) || upper == -INFINITY)
        return shp_error(ctx, SHIPEST_EDOMAIN, "%s: upper must be finite or +inf (got %g)", name, upper);
    NEED_LESS(ctx, name, "lower", lower, "q_lo", q_lo);
    NEED_LESS(ctx, name, "q_lo", q_lo, "q_mid", q_mid);
    NEED_LESS(ctx, name, "q_mid", q_mid, "q_hi", q_hi);
    NEED_LESS(ctx, name, "q_hi", q_hi, "upper", upper);
    double c = shp_norm_ppf(1.0 - alpha);
    double L, B, H;
    int bounded = isfinite(upper);
    if (bounded) {
        double w = upper - lower;
        if (!isfinite(w))
            return shp_error(ctx, SHIPEST_EDOMAIN, "%s: upper - lower overflows (%g, %g)", name, lower, upper);
        /* Phi^-1 of the scaled quantile, from the nearer bound for precision. */
#define SCALED(x) ((x) - lower <= upper - (x) ? shp_norm_ppf(((x) - lower) / w) : -shp_norm_ppf((upper - (x)) / w))
        L = SCALED(q_lo);
        B = SCALED(q_mid);
        H = SCALED(q_hi);
#undef SCALED
    } else {
        L = log(q_lo - lower);
        B = log(q_mid - lower);
        H = log(q_hi - lower);
    }
    if (!(L < B && B < H) || !isfinite(L) || !isfinite(H))
        return shp_error(ctx, SHIPEST_EDOMAIN,
                         "%s: quantiles %g, %g, %g are too close to each other or to the bounds "
                         "to be fitted in double precision", name, q_lo, q_mid, q_hi);
    double sk = L + H - 2.0 * B;
    double nn = sk > 0.0 ? 1.0 : (sk < 0.0 ? -1.0 : 0.0);
    double mn = fmin(B - L, H - B);
    double r = (H - L) / (2.0 * mn);
    double xi, del, lam;
    if (bounded) {
        xi = nn > 0 ? L : (nn < 0 ? H : B);
        del = acosh(r) / c;
        if (del > 0.0) {
            lam = (H - L) / sinh(2.0 * del * c);
        } else { /* symmetric limit: xi + (H - L) / (2c) * z */
            del = 0.0;
            lam = (H - L) / (2.0 * c);
        }
    } else {
        xi = nn > 0 ? q_lo - lower : (nn < 0 ? q_hi - lower : q_mid - lower);
        del = sinh(acosh(r)) / c;
        if (del > 0.0) {
            lam = mn / (del * c);
        } else { /* lognormal limit: exp((H - L) / (2c) * z) */
            del = 0.0;
            lam = (H - L) / (2.0 * c);
        }
    }
    if (!isfinite(lam) || !(lam > 0.0) || !isfinite(del))
        return shp_error(ctx, SHIPEST_EDOMAIN,
                         "%s: quantiles %g, %g, %g are too skewed to be fitted in double precision",
                         name, q_lo, q_mid, q_hi);
    shipest_dist *d;
    if (make(ctx, SHIPEST_DIST_QUANTILE3, &d) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    d->par[0] = lower;
    d->par[1] = upper;
    d->par[2] = c;
    d->par[3] = nn;
    d->par[4] = xi;
    d->par[5] = del;
    d->par[6] = lam;
    d->orig[0] = q_lo;
    d->orig[1] = q_mid;
    d->orig[2] = q_hi;
    d->orig[3] = alpha;
    d->orig[4] = lower;
    d->orig[5] = upper;
    jqpd_moments(d);
    *out = d;
    return SHIPEST_OK;
}

static shipest_status clone_into(shipest_ctx *ctx, const shipest_dist *src, shipest_dist **out)
{
    shipest_dist *d = shp_alloc(ctx, sizeof *d);
    if (d == NULL)
        return SHIPEST_ENOMEM;
    *d = *src;
    d->ctx = ctx;
    d->data = NULL;
    d->comp = NULL;
    d->fast = NULL;
    if (fi_clone(ctx, src->fast, &d->fast) != SHIPEST_OK) {
        shp_free(ctx, d);
        return SHIPEST_ENOMEM;
    }
    if (src->data != NULL) {
        d->data = shp_alloc_array(ctx, src->n, sizeof(double));
        if (d->data == NULL) {
            shp_free(ctx, d);
            return SHIPEST_ENOMEM;
        }
        memcpy(d->data, src->data, src->n * sizeof(double));
    }
    if (src->comp != NULL) {
        d->comp = shp_calloc(ctx, src->n, sizeof(shipest_dist *));
        if (d->comp == NULL) {
            shipest_dist_free(d);
            return SHIPEST_ENOMEM;
        }
        for (size_t i = 0; i < src->n; i++) {
            if (clone_into(ctx, src->comp[i], &d->comp[i]) != SHIPEST_OK) {
                shipest_dist_free(d);
                return SHIPEST_ENOMEM;
            }
        }
    }
    *out = d;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_clone(shipest_ctx *ctx, const shipest_dist *d, shipest_dist **out)
{
    CHECK_OUT(ctx, out, "clone");
    if (d == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "clone: d is NULL");
    return clone_into(ctx, d, out);
}

/* ------------------------------------------------------------ queries */

SHIPEST_API shipest_family shipest_dist_family(const shipest_dist *d)
{
    return d != NULL ? d->family : SHIPEST_DIST_CONSTANT;
}

SHIPEST_API shipest_status shipest_dist_quantile(const shipest_dist *d, double p, double *x)
{
    if (d == NULL)
        return SHIPEST_EINVAL;
    if (x == NULL)
        return shp_error(d->ctx, SHIPEST_EINVAL, "quantile: x is NULL");
    if (!(p >= 0.0 && p <= 1.0))
        return shp_error(d->ctx, SHIPEST_EDOMAIN, "quantile: p must lie in [0, 1] (got %g)", p);
    *x = shp_dist_ppf(d, p);
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_cdf(const shipest_dist *d, double x, double *p)
{
    if (d == NULL)
        return SHIPEST_EINVAL;
    if (p == NULL)
        return shp_error(d->ctx, SHIPEST_EINVAL, "cdf: p is NULL");
    if (isnan(x))
        return shp_error(d->ctx, SHIPEST_EDOMAIN, "cdf: x must not be NaN");
    *p = shp_dist_cdf(d, x);
    return SHIPEST_OK;
}

static const char *family_name(shipest_family f)
{
    static const char *const names[] = {"constant", "uniform", "normal", "lognormal", "triangular",
                                        "pert", "beta", "gamma", "exponential", "student_t",
                                        "truncnormal", "poisson", "binomial", "empirical",
                                        "mixture", "quantile3"};
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "unknown";
}

SHIPEST_API shipest_status shipest_dist_mean(const shipest_dist *d, double *mean)
{
    if (d == NULL)
        return SHIPEST_EINVAL;
    if (mean == NULL)
        return shp_error(d->ctx, SHIPEST_EINVAL, "mean: out is NULL");
    if (!d->has_mean)
        return shp_error(d->ctx, SHIPEST_EDOMAIN, "mean: the %s distribution has no finite mean%s",
                         family_name(d->family),
                         d->family == SHIPEST_DIST_STUDENT_T ? " (df <= 1)" : " representable in double");
    *mean = d->mean;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_variance(const shipest_dist *d, double *variance)
{
    if (d == NULL)
        return SHIPEST_EINVAL;
    if (variance == NULL)
        return shp_error(d->ctx, SHIPEST_EINVAL, "variance: out is NULL");
    if (!d->has_var)
        return shp_error(d->ctx, SHIPEST_EDOMAIN, "variance: the %s distribution has no finite variance%s",
                         family_name(d->family),
                         d->family == SHIPEST_DIST_STUDENT_T ? " (df <= 2)" : " representable in double");
    *variance = d->var;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_dist_sample(shipest_ctx *ctx, const shipest_dist *d, uint64_t stream,
                                   uint64_t first, size_t n, double *out)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (d == NULL || (out == NULL && n > 0))
        return shp_error(ctx, SHIPEST_EINVAL, "sample: %s is NULL", d == NULL ? "d" : "out");
    /* Building the fast inverse on first use changes no value a caller can
     * see; the one-thread-at-a-time rule of docs/threads.md covers it. */
    shipest_status st = shp_dist_prepare((shipest_dist *)d);
    if (st != SHIPEST_OK)
        return ctx == d->ctx ? st : shp_error(ctx, st, "sample: out of memory");
    shp_rng_uniforms((uint64_t)ctx->seed, stream, first, n, out);
    shp_dist_ppf_block(d, out, n, out);
    return SHIPEST_OK;
}

/* ----------------------------------------------------------- describe */

/* Shortest of %.15g, %.16g, %.17g that reads back as the same double. */
static void fmt_num(double v, char *buf, size_t size)
{
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* snprintf-style writer into the caller's buffer: counts the full length
 * and never allocates, so describe() cannot fail. */
typedef struct {
    char *buf;
    size_t size, len;
} writer;

static void w_put(writer *w, const char *s)
{
    size_t n = strlen(s);
    if (w->size > 0 && w->len < w->size - 1) {
        size_t room = w->size - 1 - w->len;
        size_t k = n < room ? n : room;
        memcpy(w->buf + w->len, s, k);
        w->buf[w->len + k] = '\0';
    }
    w->len += n;
}

static void w_num(writer *w, double v)
{
    char num[40];
    fmt_num(v, num, sizeof num);
    w_put(w, num);
}

static void put_call(writer *w, const char *name, const double *v, size_t n)
{
    w_put(w, name);
    w_put(w, "(");
    for (size_t i = 0; i < n; i++) {
        if (i)
            w_put(w, ", ");
        w_num(w, v[i]);
    }
    w_put(w, ")");
}

static void describe_into(const shipest_dist *d, writer *b)
{
    const double *q = d->par;
    if (d->form == FORM_INTERVAL90) {
        w_num(b, d->orig[0]);
        w_put(b, " to ");
        w_num(b, d->orig[1]);
        return;
    }
    switch (d->family) {
    case SHIPEST_DIST_CONSTANT: w_num(b, q[0]); return;
    case SHIPEST_DIST_UNIFORM: put_call(b, "uniform", q, 2); return;
    case SHIPEST_DIST_NORMAL: put_call(b, "normal", q, 2); return;
    case SHIPEST_DIST_LOGNORMAL:
        if (d->form == FORM_LN_MEDIAN_GSD)
            put_call(b, "lognormal_median_gsd", d->orig, 2);
        else if (d->form == FORM_LN_MEAN_SD)
            put_call(b, "lognormal_mean_sd", d->orig, 2);
        else
            put_call(b, "lognormal", q, 2);
        return;
    case SHIPEST_DIST_TRIANGULAR: put_call(b, "triangular", q, 3); return;
    case SHIPEST_DIST_PERT: put_call(b, "pert", d->orig, d->orig[3] == 4.0 ? 3 : 4); return;
    case SHIPEST_DIST_BETA: put_call(b, "beta", q, q[2] == 0.0 && q[3] == 1.0 ? 2 : 4); return;
    case SHIPEST_DIST_GAMMA: put_call(b, "gamma", q, 2); return;
    case SHIPEST_DIST_EXPONENTIAL: put_call(b, "exponential", q, 1); return;
    case SHIPEST_DIST_STUDENT_T: put_call(b, "student_t", q, 3); return;
    case SHIPEST_DIST_TRUNCNORMAL: put_call(b, "truncnormal", q, 4); return;
    case SHIPEST_DIST_POISSON: put_call(b, "poisson", q, 1); return;
    case SHIPEST_DIST_BINOMIAL: put_call(b, "binomial", q, 2); return;
    case SHIPEST_DIST_EMPIRICAL: put_call(b, "empirical", d->data, d->n); return;
    case SHIPEST_DIST_MIXTURE:
        w_put(b, "mixture(");
        for (size_t i = 0; i < d->n; i++) {
            if (i)
                w_put(b, ", ");
            w_num(b, d->data[i]);
            w_put(b, ", ");
            describe_into(d->comp[i], b);
        }
        w_put(b, ")");
        return;
    case SHIPEST_DIST_QUANTILE3: put_call(b, "quantile3", d->orig, 6); return;
    }
}

SHIPEST_API size_t shipest_dist_describe(const shipest_dist *d, char *buf, size_t size)
{
    writer w = {buf, buf != NULL ? size : 0, 0};
    if (w.size > 0)
        buf[0] = '\0';
    if (d != NULL)
        describe_into(d, &w);
    return w.len;
}
