/* bounds.c — worst-case bounds by interval arithmetic.
 *
 * Each input ranges over its support, cut at the tail / 1 - tail quantiles
 * where the support is unbounded (or everywhere, with
 * SHIPEST_BOUNDS_ALL_QUANTILES). Every operation maps the boxes of its
 * arguments to an enclosing interval, so the output's bounds hold whenever
 * every input lies in its range: with certainty when nothing was cut, and
 * by the union bound with probability >= 1 - (sum of the tails cut) when
 * something was. Each occurrence of a value is treated independently (the
 * dependency problem), so bounds may be wider than the true range; x - x,
 * x / x and x * x of one node are recognised.
 *
 * 0 * inf is taken as 0: the box's ends are limits of finite values. A
 * division by an interval that contains 0 gives an infinite end (one-sided
 * when 0 is an end of the divisor) and is flagged. */
#include "analytic.h"

#include "dist.h"

#include <math.h>

static const uint8_t rank_of[] = {
    [SHP_WHY_NONE] = 255,        [SHP_WHY_LIN_NOMOMENT] = 255, [SHP_WHY_LIN_NONFINITE] = 255,
    [SHP_WHY_LIN_NONSMOOTH] = 255, [SHP_WHY_LIN_NONLINEAR] = 255, [SHP_WHY_LIN_NONNORMAL] = 255,
    [SHP_WHY_LOG_FAMILY] = 255,  [SHP_WHY_LOG_NONPOS] = 255,   [SHP_WHY_LOG_SUM] = 255,
    [SHP_WHY_LOG_NEG] = 255,     [SHP_WHY_LOG_EXPONENT] = 255, [SHP_WHY_LOG_OP] = 255,
    [SHP_WHY_B_NAN] = 0,         [SHP_WHY_B_DIV0] = 1,         [SHP_WHY_B_DOMAIN] = 2,
    [SHP_WHY_B_OVERFLOW] = 3,    [SHP_WHY_B_SUPPORT] = 4,      [SHP_WHY_B_QUANTILE] = 255,
};

typedef struct ival {
    double lo, hi;
} ival;

static double mulx(double x, double y)
{
    return x == 0.0 || y == 0.0 ? 0.0 : x * y;
}

static ival imul(ival a, ival b)
{
    double p[4] = {mulx(a.lo, b.lo), mulx(a.lo, b.hi), mulx(a.hi, b.lo), mulx(a.hi, b.hi)};
    ival r = {p[0], p[0]};
    for (int k = 1; k < 4; k++) {
        r.lo = fmin(r.lo, p[k]);
        r.hi = fmax(r.hi, p[k]);
    }
    return r;
}

/* 1 / b; *zero set when b contains 0. */
static ival irecip(ival b, int *zero)
{
    ival r;
    *zero = b.lo <= 0.0 && b.hi >= 0.0;
    if (!*zero) {
        r.lo = 1.0 / b.hi;
        r.hi = 1.0 / b.lo;
    } else if (b.lo == 0.0 && b.hi > 0.0) {
        r.lo = 1.0 / b.hi;
        r.hi = INFINITY;
    } else if (b.lo < 0.0 && b.hi == 0.0) {
        r.lo = -INFINITY;
        r.hi = 1.0 / b.lo;
    } else if (b.lo < 0.0 && b.hi > 0.0) {
        r.lo = -INFINITY;
        r.hi = INFINITY;
    } else {
        r.lo = r.hi = NAN; /* b is exactly 0 */
    }
    return r;
}

/* x^2 over a (the same value twice, so never negative). */
static ival isquare(ival a)
{
    ival r;
    if (a.lo >= 0.0) {
        r.lo = a.lo * a.lo;
        r.hi = a.hi * a.hi;
    } else if (a.hi <= 0.0) {
        r.lo = a.hi * a.hi;
        r.hi = a.lo * a.lo;
    } else {
        r.lo = 0.0;
        r.hi = fmax(a.lo * a.lo, a.hi * a.hi);
    }
    return r;
}

/* a^n for a whole n >= 1. */
static ival ipowi(ival a, double n)
{
    ival r;
    if (fmod(n, 2.0) != 0.0 || a.lo >= 0.0) {
        r.lo = pow(a.lo, n);
        r.hi = pow(a.hi, n);
        if (r.lo > r.hi) { /* even n over a <= 0 */
            double t = r.lo;
            r.lo = r.hi;
            r.hi = t;
        }
    } else if (a.hi <= 0.0) {
        r.lo = pow(a.hi, n);
        r.hi = pow(a.lo, n);
    } else {
        r.lo = 0.0;
        r.hi = fmax(pow(a.lo, n), pow(a.hi, n));
    }
    return r;
}

static void input_bounds(shp_ajob *job, size_t i, ival *r, shp_why *own)
{
    const shp_node *nd = &job->m->nodes[i];
    const shipest_analysis *a = job->a;
    double slo, shi, cut = 0.0;
    shp_dist_support(nd->dist, &slo, &shi);
    int all = (a->bflags & SHIPEST_BOUNDS_ALL_QUANTILES) != 0;
    double lo = slo, hi = shi;
    if (a->tail > 0.0 && slo < shi) {
        if (all || !isfinite(slo)) {
            lo = shp_dist_ppf(nd->dist, a->tail);
            if (lo > slo)
                cut += a->tail; /* P(X < Q(t)) <= t */
            else
                lo = slo;
        }
        if (all || !isfinite(shi)) {
            hi = shp_dist_ppf(nd->dist, 1.0 - a->tail);
            if (hi < shi)
                cut += a->tail;
            else
                hi = shi;
        }
    }
    if (!isfinite(lo) || !isfinite(hi))
        *own = SHP_WHY_B_SUPPORT;
    ival b = {lo, hi}, k = {nd->k, nd->k};
    *r = nd->k == 1.0 ? b : imul(b, k);
    job->val[i] = cut; /* tail mass cut from this input */
}

static void bound_node(shp_ajob *job, size_t i)
{
    const shp_node *nd = &job->m->nodes[i];
    ival x = {0.0, 0.0}, y = {0.0, 0.0}, r = {NAN, NAN};
    if (nd->nargs > 0) {
        x.lo = job->lo[nd->args[0]];
        x.hi = job->hi[nd->args[0]];
    }
    if (nd->nargs > 1) {
        y.lo = job->lo[nd->args[1]];
        y.hi = job->hi[nd->args[1]];
    }
    int finite_args = 1;
    for (uint32_t k = 0; k < nd->nargs; k++) {
        shp_note_merge(job->first, job->code, i, (size_t)nd->args[k], rank_of);
        finite_args &= isfinite(job->lo[nd->args[k]]) && isfinite(job->hi[nd->args[k]]);
    }
    int same = nd->nargs == 2 && nd->args[0] == nd->args[1];
    shp_why own = SHP_WHY_NONE;
    int zero = 0;
    job->val[i] = 0.0;
    switch (nd->op) {
    case SHP_OP_INPUT:
    case SHP_OP_FACTOR: input_bounds(job, i, &r, &own); break;
    case SHP_OP_CONST: r.lo = r.hi = nd->k; break;
    case SHP_OP_ADD:
        r.lo = x.lo + y.lo;
        r.hi = x.hi + y.hi;
        break;
    case SHP_OP_SUB:
        if (same) {
            r.lo = r.hi = 0.0;
        } else {
            r.lo = x.lo - y.hi;
            r.hi = x.hi - y.lo;
        }
        break;
    case SHP_OP_MUL: r = same ? isquare(x) : imul(x, y); break;
    case SHP_OP_DIV: {
        ival inv = irecip(y, &zero);
        if (same && !zero) {
            r.lo = r.hi = 1.0;
            zero = 0;
            break;
        }
        r = imul(x, inv);
        if (zero)
            own = isnan(inv.lo) ? SHP_WHY_B_NAN : SHP_WHY_B_DIV0;
        break;
    }
    case SHP_OP_NEG:
        r.lo = -x.hi;
        r.hi = -x.lo;
        break;
    case SHP_OP_SCALE: {
        ival k = {nd->k, nd->k};
        r = imul(x, k);
        break;
    }
    case SHP_OP_POW:
        if (y.lo == y.hi && y.lo == floor(y.lo) && fabs(y.lo) < 0x1p53) {
            double n = y.lo;
            if (n == 0.0) {
                r.lo = r.hi = 1.0;
            } else if (n > 0.0) {
                r = ipowi(x, n);
            } else {
                r = irecip(ipowi(x, -n), &zero);
                if (zero)
                    own = isnan(r.lo) ? SHP_WHY_B_NAN : SHP_WHY_B_DIV0;
            }
            break;
        }
        if (x.hi < 0.0) {
            own = SHP_WHY_B_NAN;
            break;
        }
        if (x.lo < 0.0) {
            own = SHP_WHY_B_DOMAIN;
            x.lo = 0.0;
        }
        /* y ln x is bilinear over the box, exp is monotone: the extremes
         * of x^y are at the corners. */
        {
            double p[4] = {pow(x.lo, y.lo), pow(x.lo, y.hi), pow(x.hi, y.lo), pow(x.hi, y.hi)};
            r.lo = r.hi = p[0];
            for (int k = 1; k < 4; k++) {
                r.lo = fmin(r.lo, p[k]);
                r.hi = fmax(r.hi, p[k]);
            }
        }
        break;
    case SHP_OP_MIN:
        r.lo = fmin(x.lo, y.lo);
        r.hi = fmin(x.hi, y.hi);
        break;
    case SHP_OP_MAX:
        r.lo = fmax(x.lo, y.lo);
        r.hi = fmax(x.hi, y.hi);
        break;
    case SHP_OP_BINDING:
        r = x;
        for (uint32_t k = 1; k < nd->nargs; k++) {
            r.lo = fmin(r.lo, job->lo[nd->args[k]]);
            r.hi = fmin(r.hi, job->hi[nd->args[k]]);
        }
        break;
    case SHP_OP_EXP:
        r.lo = exp(x.lo);
        r.hi = exp(x.hi);
        break;
    case SHP_OP_LOG:
    case SHP_OP_SQRT:
        if (x.hi < 0.0 || (nd->op == SHP_OP_LOG && x.hi == 0.0)) {
            own = SHP_WHY_B_NAN;
            break;
        }
        if (x.lo < 0.0) {
            own = SHP_WHY_B_DOMAIN;
            x.lo = 0.0;
        }
        r.lo = nd->op == SHP_OP_LOG ? log(x.lo) : sqrt(x.lo);
        r.hi = nd->op == SHP_OP_LOG ? log(x.hi) : sqrt(x.hi);
        break;
    case SHP_OP_ABS:
        if (x.lo >= 0.0) {
            r = x;
        } else if (x.hi <= 0.0) {
            r.lo = -x.hi;
            r.hi = -x.lo;
        } else {
            r.lo = 0.0;
            r.hi = fmax(-x.lo, x.hi);
        }
        break;
    case SHP_OP_FLOOR:
        r.lo = floor(x.lo);
        r.hi = floor(x.hi);
        break;
    }
    if (isnan(r.lo) || isnan(r.hi)) {
        r.lo = r.hi = NAN;
        if (own == SHP_WHY_NONE || own == SHP_WHY_B_DIV0 || own == SHP_WHY_B_DOMAIN)
            own = SHP_WHY_B_NAN;
    } else if (own == SHP_WHY_NONE && finite_args && nd->nargs > 0 &&
               (!isfinite(r.lo) || !isfinite(r.hi))) {
        own = SHP_WHY_B_OVERFLOW;
    }
    job->lo[i] = r.lo;
    job->hi[i] = r.hi;
    if (own != SHP_WHY_NONE &&
        (job->first[i] < 0 || rank_of[own] < rank_of[job->code[i]])) {
        job->first[i] = (int32_t)i;
        job->code[i] = (uint8_t)own;
    }
}

void shp_bounds_run(shp_ajob *job)
{
    const shipest_model *m = job->m;
    shipest_analysis *a = job->a;
    size_t nn = m->n_nodes;
    for (size_t i = 0; i < nn; i++) {
        job->first[i] = -1;
        job->code[i] = SHP_WHY_NONE;
        bound_node(job, i);
    }
    for (size_t o = 0; o < a->n_out; o++) {
        shp_aout *ot = &a->out[o];
        size_t node = (size_t)ot->node;
        double cut = 0.0;
        int32_t first_cut = -1;
        for (size_t k = 0; k < ot->n_rows; k++) {
            double c = job->val[ot->rows[k].node];
            cut += c;
            if (c > 0.0 && first_cut < 0)
                first_cut = ot->rows[k].node;
        }
        ot->prob = cut < 1.0 ? 1.0 - cut : 0.0;
        ot->lo = job->lo[node] / ot->scale;
        ot->hi = job->hi[node] / ot->scale;
        int nan = isnan(ot->lo) || isnan(ot->hi);
        int unb = !nan && (isinf(ot->lo) || isinf(ot->hi));
        ot->flags = (nan ? SHIPEST_ANALYSIS_UNAVAILABLE : 0u) | (unb ? SHIPEST_ANALYSIS_UNBOUNDED : 0u) |
                    (!nan && cut == 0.0 ? SHIPEST_ANALYSIS_EXACT : 0u);
        /* The reason shown: the note behind a NaN or an infinite end, a
         * domain note, else the quantile cut. */
        int32_t f = job->first[node];
        shp_why why = f >= 0 ? (shp_why)job->code[node] : SHP_WHY_NONE;
        if (!nan && !unb && why != SHP_WHY_B_DOMAIN)
            why = SHP_WHY_NONE;
        if (why == SHP_WHY_NONE && first_cut >= 0) {
            why = SHP_WHY_B_QUANTILE;
            f = first_cut;
        }
        if (why != SHP_WHY_NONE && f >= 0) {
            const shp_node *fn = &m->nodes[f];
            ot->why = why;
            ot->why_node = f;
            ot->why_label = job->label[f];
            ot->why_op = fn->op;
            ot->why_family = fn->dist != NULL ? shipest_dist_family(fn->dist) : SHIPEST_DIST_CONSTANT;
            /* The argument that caused it: the divisor, else the operand. */
            int32_t arg = fn->nargs > 1 && fn->op == SHP_OP_DIV ? fn->args[1]
                          : fn->nargs > 0                    ? fn->args[0]
                                                             : f;
            ot->why_x = job->lo[arg] / (m->nodes[arg].display_scale > 0.0 ? m->nodes[arg].display_scale : 1.0);
            ot->why_y = job->hi[arg] / (m->nodes[arg].display_scale > 0.0 ? m->nodes[arg].display_scale : 1.0);
        }
    }
}
