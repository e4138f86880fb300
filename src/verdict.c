/* verdict.c — an analytic answer checked against Monte Carlo (JCGM 101
 * section 8), in numbers (shipest_analysis_compare) and in plain words
 * (shipest_analysis_verdict).
 *
 * The Monte Carlo result is read through the public API only. The
 * tolerance is JCGM 101's numerical tolerance of the Monte Carlo standard
 * uncertainty written with the requested significant digits (7.9.2, 8.2).
 * JCGM 101 compares interval ends only; the mean and the standard
 * uncertainty are compared as well, since both are reported. A Monte
 * Carlo estimate is only trusted to decide when twice its standard error
 * is within the tolerance (the stabilisation rule of 7.9.4). */
#include "analytic.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { Q_MEAN = 0, Q_SD = 1, Q_LO = 2, Q_HI = 3 };

static const char *const q_word[] = {"mean", "standard uncertainty", "lower interval end",
                                     "upper interval end"};

typedef struct cmp {
    shipest_verdict v;
    size_t j;          /* the output's index in the Monte Carlo result */
    uint64_t n, nonfinite;
    double p;          /* coverage */
    double delta;      /* tolerance (BOUNDS: allowed fraction outside) */
    double diff;       /* largest difference (BOUNDS: fraction outside) */
    int which;         /* the quantity that decided */
    double an[4], mc[4], se[4], d[4];
    double u_mc;
} cmp;

/* The numerical tolerance of u with `digits` significant digits: u =
 * c x 10^l with c a `digits`-digit integer, delta = 10^l / 2. */
static double tolerance(double u, int digits)
{
    if (!(u > 0.0) || !isfinite(u))
        return 0.0;
    double e = floor(log10(u));
    if (pow(10.0, e) > u)
        e -= 1.0;
    else if (pow(10.0, e + 1.0) <= u)
        e += 1.0;
    return 0.5 * pow(10.0, e - digits + 1.0);
}

/* Standard error of the Monte Carlo sd: from the spread of the sd over
 * 20 consecutive batches of trials (as JCGM 101 7.9.4 spreads sequence
 * estimates) when samples are kept; otherwise the normal-theory
 * sd / sqrt(2 (n - 1)). */
static double se_of_sd(const shipest_result *r, size_t j, double mean, double sd, uint64_t n)
{
    enum { H = 20, CHUNK = 512 };
    uint64_t trials = shipest_result_trials(r);
    if (shipest_result_is_sketched(r) || trials < 100 * H)
        return sd / sqrt(2.0 * ((double)n - 1.0));
    double buf[CHUNK], bsd[H];
    for (int b = 0; b < H; b++) {
        uint64_t t0 = trials / H * (uint64_t)b, t1 = b == H - 1 ? trials : trials / H * (uint64_t)(b + 1);
        double s1 = 0.0, s2 = 0.0;
        uint64_t cnt = 0;
        for (uint64_t t = t0; t < t1;) {
            size_t m = t1 - t < CHUNK ? (size_t)(t1 - t) : (size_t)CHUNK;
            if (shipest_result_samples(r, j, t, m, buf) != SHIPEST_OK)
                return sd / sqrt(2.0 * ((double)n - 1.0));
            for (size_t k = 0; k < m; k++) {
                if (!isfinite(buf[k]))
                    continue;
                double x = buf[k] - mean;
                s1 += x;
                s2 += x * x;
                cnt++;
            }
            t += m;
        }
        double c = (double)cnt;
        bsd[b] = cnt > 1 ? sqrt(fmax(0.0, (s2 - s1 * s1 / c) / (c - 1.0))) : sd;
    }
    double m1 = 0.0, m2 = 0.0;
    for (int b = 0; b < H; b++)
        m1 += bsd[b];
    m1 /= H;
    for (int b = 0; b < H; b++)
        m2 += (bsd[b] - m1) * (bsd[b] - m1);
    return sqrt(m2 / (H - 1)) / sqrt((double)H);
}

static shipest_status compare_one(shipest_ctx *ctx, const shipest_analysis *a,
                                  const shipest_result *mc, size_t i, int digits, cmp *c)
{
    const shp_aout *o = &a->out[i];
    memset(c, 0, sizeof *c);
    c->diff = NAN;
    if (shipest_result_output_index(mc, o->name, &c->j) != SHIPEST_OK ||
        strcmp(shipest_result_output_unit(mc, c->j), o->unit) != 0)
        return shp_error(ctx, SHIPEST_EINVAL,
                         "verdict: the Monte Carlo result has no output '%s' in '%s'; is it of "
                         "the same model?",
                         o->name, o->unit);
    if (shipest_result_count(mc, c->j, &c->n, &c->nonfinite) != SHIPEST_OK || c->n < 2)
        return shp_error(ctx, SHIPEST_EDOMAIN,
                         "verdict: output '%s' has fewer than two finite Monte Carlo values",
                         o->name);
    if (shipest_ctx_get_double(ctx, SHIPEST_OPT_COVERAGE, &c->p) != SHIPEST_OK)
        c->p = 0.9;
    if (o->flags & SHIPEST_ANALYSIS_UNAVAILABLE) {
        c->v = SHIPEST_VERDICT_NO_ANSWER;
        return SHIPEST_OK;
    }
    double rel = 0.0, unc = 0.0;
    if (shipest_result_sketch_bound(mc, c->j, &rel, &unc) != SHIPEST_OK)
        rel = 0.0;
    double pl = 0.5 - 0.5 * c->p, ph = 0.5 + 0.5 * c->p;
    double mlo = NAN, mhi = NAN;
    if (shipest_result_interval(mc, c->j, SHIPEST_INTERVAL_SYMMETRIC, c->p, &mlo, &mhi) !=
        SHIPEST_OK)
        return shp_error(ctx, SHIPEST_EDOMAIN, "verdict: no Monte Carlo interval for '%s'",
                         o->name);
    double dn = (double)c->n;

    if (a->method == SHIPEST_METHOD_BOUNDS) {
        /* A value at the very end may differ from the bound by rounding. */
        double slack_lo = 1e-12 * fabs(o->lo), slack_hi = 1e-12 * fabs(o->hi);
        double below = 0.0, above = 0.0;
        if (isfinite(o->lo) && shipest_result_prob_below(mc, c->j, o->lo - slack_lo, &below, NULL) != SHIPEST_OK)
            below = 0.0;
        if (isfinite(o->hi) && shipest_result_prob_above(mc, c->j, o->hi + slack_hi, &above, NULL) != SHIPEST_OK)
            above = 0.0;
        double allowed = 1.0 - o->prob;
        c->delta = allowed;
        c->diff = below + above;
        c->mc[Q_LO] = mlo;
        c->mc[Q_HI] = mhi;
        /* Cut bounds hold with probability >= 1 - allowed, often with
         * equality (one cut input): the Monte Carlo fraction may pass
         * `allowed` by its own binomial error. Certain bounds allow none. */
        double se = sqrt(allowed * (1.0 - allowed) / dn);
        c->v = c->diff <= allowed + 2.0 * se ? SHIPEST_VERDICT_HOLDS : SHIPEST_VERDICT_FAILS;
        return SHIPEST_OK;
    }

    double mmean, msd, se_mean, se_lo = 0.0, se_hi = 0.0;
    if (shipest_result_mean(mc, c->j, &mmean) != SHIPEST_OK ||
        shipest_result_sd(mc, c->j, &msd) != SHIPEST_OK ||
        shipest_result_mc_se_mean(mc, c->j, &se_mean) != SHIPEST_OK)
        return shp_error(ctx, SHIPEST_EDOMAIN, "verdict: no Monte Carlo moments for '%s'", o->name);
    if (shipest_result_mc_se_quantile(mc, c->j, pl, &se_lo) != SHIPEST_OK)
        se_lo = 0.0;
    if (shipest_result_mc_se_quantile(mc, c->j, ph, &se_hi) != SHIPEST_OK)
        se_hi = 0.0;
    double alo, ahi;
    if (shipest_analysis_interval(a, i, c->p, &alo, &ahi) != SHIPEST_OK)
        alo = ahi = NAN;
    c->an[Q_MEAN] = o->mean;
    c->an[Q_SD] = o->sd;
    c->an[Q_LO] = alo;
    c->an[Q_HI] = ahi;
    c->mc[Q_MEAN] = mmean;
    c->mc[Q_SD] = msd;
    c->mc[Q_LO] = mlo;
    c->mc[Q_HI] = mhi;
    c->se[Q_MEAN] = se_mean;
    c->se[Q_SD] = se_of_sd(mc, c->j, mmean, msd, c->n);
    /* A sketched quantile carries its relative error bound on top. */
    c->se[Q_LO] = se_lo + rel * fabs(mlo);
    c->se[Q_HI] = se_hi + rel * fabs(mhi);
    c->u_mc = msd;
    c->delta = msd > 0.0 ? tolerance(msd, digits) : tolerance(fabs(mmean), digits);
    int differs = 0, noisy = 0, all_agree = 1;
    double worst = -1.0;
    c->which = Q_MEAN;
    c->diff = 0.0;
    for (int q = 0; q < 4; q++) {
        c->d[q] = fabs(c->an[q] - c->mc[q]);
        if (isnan(c->d[q]))
            c->d[q] = INFINITY;
        c->diff = fmax(c->diff, c->d[q]);
        if (!(2.0 * c->se[q] <= c->delta))
            noisy = 1;
        if (c->d[q] > c->delta)
            all_agree = 0;
        if (c->d[q] > c->delta + 2.0 * c->se[q]) {
            /* Name the interval ends first (they are what JCGM 101 8.2
             * compares), then the largest difference. */
            double score = c->d[q] / (c->delta > 0.0 ? c->delta : DBL_MIN);
            int end = q >= Q_LO, best_end = c->which >= Q_LO;
            if (!differs || end > best_end || (end == best_end && score > worst)) {
                worst = score;
                c->which = q;
            }
            differs = 1;
        }
    }
    if (differs)
        c->v = SHIPEST_VERDICT_FAILS;
    else if (all_agree && !noisy)
        c->v = SHIPEST_VERDICT_HOLDS;
    else {
        c->v = SHIPEST_VERDICT_INCONCLUSIVE;
        double big = -1.0;
        for (int q = 0; q < 4; q++)
            if (c->se[q] > big) {
                big = c->se[q];
                c->which = q;
            }
    }
    return SHIPEST_OK;
}

static shipest_status check_args(shipest_ctx *ctx, const shipest_analysis *a,
                                 const shipest_result *mc, int digits)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (a == NULL || mc == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "verdict: %s is NULL",
                         a == NULL ? "the analysis" : "the Monte Carlo result");
    if (digits < 1 || digits > 6)
        return shp_error(ctx, SHIPEST_ERANGE, "verdict: digits must be 1 to 6 (got %d)", digits);
    return SHIPEST_OK;
}

shipest_status shipest_analysis_compare(shipest_ctx *ctx, const shipest_analysis *a,
                                        const shipest_result *mc, size_t i, int digits,
                                        shipest_verdict *verdict, double *tol, double *difference)
{
    shipest_status st = check_args(ctx, a, mc, digits);
    if (st != SHIPEST_OK)
        return st;
    if (i >= a->n_out || verdict == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "compare: %s",
                         verdict == NULL ? "verdict is NULL" : "output index out of range");
    cmp c;
    if ((st = compare_one(ctx, a, mc, i, digits, &c)) != SHIPEST_OK)
        return st;
    *verdict = c.v;
    if (tol != NULL)
        *tol = c.delta;
    if (difference != NULL)
        *difference = c.v == SHIPEST_VERDICT_NO_ANSWER ? NAN : c.diff;
    return SHIPEST_OK;
}

static const char *method_word(shipest_method m)
{
    return m == SHIPEST_METHOD_LINEAR ? "linearisation"
           : m == SHIPEST_METHOD_LOG  ? "log-space propagation"
                                      : "the bounds";
}

static void say_bounds(shp_buf *b, const shipest_analysis *a, size_t i, const cmp *c)
{
    const shp_aout *o = &a->out[i];
    /* " t" after a number; nothing for a dimensionless output. */
    char unit[80] = "";
    if (o->unit[0] != '\0' && strcmp(o->unit, "1") != 0)
        snprintf(unit, sizeof unit, " %s", o->unit);
    switch (c->v) {
    case SHIPEST_VERDICT_HOLDS:
        if (c->delta == 0.0)
            shp_buf_printf(b, "the bounds hold: every Monte Carlo value lies in [%.6g, %.6g]%s",
                           o->lo, o->hi, unit);
        else
            shp_buf_printf(b,
                           "the bounds hold: %.3g%% of Monte Carlo values lie outside [%.6g, "
                           "%.6g]%s, within the %.3g%% they allow (up to Monte Carlo error)",
                           100.0 * c->diff, o->lo, o->hi, unit, 100.0 * c->delta);
        if (isfinite(o->lo) && isfinite(o->hi) && c->mc[Q_HI] > c->mc[Q_LO])
            shp_buf_printf(b, "; they are %.3g times as wide as the Monte Carlo %g%% interval",
                           (o->hi - o->lo) / (c->mc[Q_HI] - c->mc[Q_LO]), 100.0 * c->p);
        else if (!isfinite(o->hi) && isfinite(o->lo))
            shp_buf_printf(b, " (one-sided: at least %.6g)", o->lo);
        else if (!isfinite(o->lo) && isfinite(o->hi))
            shp_buf_printf(b, " (one-sided: at most %.6g)", o->hi);
        break;
    case SHIPEST_VERDICT_FAILS:
        shp_buf_printf(b,
                       "the bounds fail: %.3g%% of Monte Carlo values lie outside [%.6g, %.6g]"
                       "%s, more than the %.3g%% they allow",
                       100.0 * c->diff, o->lo, o->hi, unit, 100.0 * c->delta);
        break;
    default:
        break;
    }
}

static void say(shp_buf *b, const shipest_analysis *a, size_t i, const cmp *c, int digits)
{
    const shp_aout *o = &a->out[i];
    const char *mw = method_word(a->method);
    char reason[512];
    shipest_analysis_reason(a, i, reason, sizeof reason);
    shp_buf_printf(b, "%s: ", o->name);
    if (c->v == SHIPEST_VERDICT_NO_ANSWER) {
        shp_buf_printf(b, "%s gives no answer (%s)", mw, reason);
    } else if (a->method == SHIPEST_METHOD_BOUNDS) {
        say_bounds(b, a, i, c);
    } else if (c->v == SHIPEST_VERDICT_HOLDS) {
        shp_buf_printf(b,
                       "%s holds: mean, standard uncertainty and the %g%% interval ends agree "
                       "with Monte Carlo within the tolerance %.2g (u = %.*g, %d significant "
                       "digit%s; JCGM 101 8.2)",
                       mw, 100.0 * c->p, c->delta, digits, c->u_mc, digits, digits > 1 ? "s" : "");
        if (o->flags & SHIPEST_ANALYSIS_NONSMOOTH)
            shp_buf_printf(b, "; the model is not smooth, but the kink does not matter here");
    } else if (c->v == SHIPEST_VERDICT_FAILS) {
        int q = c->which;
        shp_buf_printf(b,
                       "%s fails: the Monte Carlo %s differs by %.3g, more than the tolerance "
                       "%.2g (%s %.6g, Monte Carlo %.6g); use the Monte Carlo result",
                       mw, q_word[q], c->d[q], c->delta,
                       a->method == SHIPEST_METHOD_LINEAR ? "linear" : "log-space", c->an[q],
                       c->mc[q]);
        if (reason[0] != '\0')
            shp_buf_printf(b, " (%s)", reason);
    } else {
        int q = c->which;
        shp_buf_printf(b,
                       "cannot tell whether %s holds: the Monte Carlo run (%" PRIu64
                       " values) is not precise enough for the tolerance %.2g (twice the "
                       "standard error of its %s is %.2g); run more trials, e.g. "
                       "shipest_model_run_adaptive() with %d digit%s",
                       mw, c->n, c->delta, q_word[q], 2.0 * c->se[q], digits, digits > 1 ? "s" : "");
    }
    if (c->nonfinite > 0)
        shp_buf_printf(b, " [Monte Carlo left out %" PRIu64 " non-finite values]", c->nonfinite);
    shp_buf_append(b, "\n", 1);
}

shipest_status shipest_analysis_verdict(shipest_ctx *ctx, const shipest_analysis *a,
                                        const shipest_result *mc, int digits, char *buf,
                                        size_t size, size_t *needed, int *trustworthy)
{
    shipest_status st = check_args(ctx, a, mc, digits);
    if (st != SHIPEST_OK)
        return st;
    if (buf == NULL && size > 0)
        return shp_error(ctx, SHIPEST_EINVAL, "verdict: buf is NULL with size %zu", size);
    cmp c;
    int all = 1;
    shp_buf b;
    shp_buf_init(&b, ctx);
    for (size_t i = 0; i < a->n_out; i++) {
        if ((st = compare_one(ctx, a, mc, i, digits, &c)) != SHIPEST_OK) {
            shp_buf_free(&b);
            return st;
        }
        all &= c.v == SHIPEST_VERDICT_HOLDS;
        say(&b, a, i, &c, digits);
    }
    if (b.failed) {
        shp_buf_free(&b);
        return SHIPEST_ENOMEM;
    }
    size_t len = shp_copy_out(b.data != NULL ? b.data : "", buf, size);
    shp_buf_free(&b);
    if (needed != NULL)
        *needed = len;
    if (trustworthy != NULL)
        *trustworthy = all;
    return SHIPEST_OK;
}
