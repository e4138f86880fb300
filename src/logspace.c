/* logspace.c — propagation of log-means and log-variances.
 *
 * If every uncertain input an output depends on is lognormal, and the
 * output is built from them by products, quotients, constant powers,
 * square roots, abs and positive constant factors, then ln y is an affine
 * function of the ln x_i, which are jointly normal under the model's
 * Gaussian copula (its rho is exactly the correlation of the ln x_i). So
 * ln y ~ N(m, s^2) with m = c + sum e_i mu_i and s^2 = e' R e (sigma
 * weighted): the answer is exact, not an approximation. The exponents e_i
 * come from the same forward sweeps as the linear method (the "partials"
 * here are exponents).
 *
 * Anything else (a sum, a normal input, a negative factor, exp, min, ...)
 * breaks exactness: the output gets no numbers, only a reason naming the
 * first node (in model order) that breaks it. */
#include "analytic.h"

#include "dist.h"

#include <math.h>

enum { K_CONST = 0, K_LN = 1, K_BROKEN = 2 };

static const uint8_t rank_of[] = {
    [SHP_WHY_NONE] = 255,        [SHP_WHY_LIN_NOMOMENT] = 255, [SHP_WHY_LIN_NONFINITE] = 255,
    [SHP_WHY_LIN_NONSMOOTH] = 255, [SHP_WHY_LIN_NONLINEAR] = 255, [SHP_WHY_LIN_NONNORMAL] = 255,
    [SHP_WHY_LOG_FAMILY] = 0,    [SHP_WHY_LOG_NONPOS] = 0,     [SHP_WHY_LOG_SUM] = 0,
    [SHP_WHY_LOG_NEG] = 0,       [SHP_WHY_LOG_EXPONENT] = 0,   [SHP_WHY_LOG_OP] = 0,
    [SHP_WHY_B_NAN] = 255,       [SHP_WHY_B_DIV0] = 255,       [SHP_WHY_B_DOMAIN] = 255,
    [SHP_WHY_B_OVERFLOW] = 255,  [SHP_WHY_B_SUPPORT] = 255,    [SHP_WHY_B_QUANTILE] = 255,
};

typedef struct lnode {
    uint8_t kind;
    double v;      /* K_CONST: the value; K_LN: the log-mean m (SI) */
    double p, q;   /* K_LN: exponents of the arguments */
    shp_why why;   /* K_BROKEN by this node itself */
    double why_x;
} lnode;

/* a * b or a / b (sign -1) of states x, y. */
static lnode mul_div(lnode x, lnode y, int sign)
{
    lnode r = {K_LN, 0.0, 0.0, 0.0, SHP_WHY_NONE, 0.0};
    if (x.kind == K_CONST && y.kind == K_CONST) {
        r.kind = K_CONST;
        r.v = sign > 0 ? x.v * y.v : x.v / y.v;
        return r;
    }
    if (x.kind == K_CONST) {
        if (x.v == 0.0) {
            r.kind = K_CONST; /* 0 times or over a positive value */
            r.v = 0.0;
            return r;
        }
        if (!(x.v > 0.0) || !isfinite(x.v)) {
            r.kind = K_BROKEN;
            r.why = SHP_WHY_LOG_NONPOS;
            r.why_x = x.v;
            return r;
        }
        r.v = log(x.v) + sign * y.v;
        r.q = sign;
        return r;
    }
    if (y.kind == K_CONST) {
        if (!(y.v > 0.0) || !isfinite(y.v)) {
            if (sign > 0 && y.v == 0.0) {
                r.kind = K_CONST;
                r.v = 0.0;
                return r;
            }
            r.kind = K_BROKEN;
            r.why = SHP_WHY_LOG_NONPOS;
            r.why_x = y.v;
            return r;
        }
        r.v = x.v + sign * log(y.v);
        r.p = 1.0;
        return r;
    }
    r.v = x.v + sign * y.v;
    r.p = 1.0;
    r.q = sign;
    return r;
}

static lnode input_state(const shp_node *nd, double *sigma)
{
    lnode r = {K_CONST, 0.0, 0.0, 0.0, SHP_WHY_NONE, 0.0};
    double mean, var;
    *sigma = 0.0;
    if (shp_dist_is_constant(nd->dist) && shipest_dist_mean(nd->dist, &mean) == SHIPEST_OK) {
        r.v = mean * nd->k;
        return r;
    }
    if (shipest_dist_family(nd->dist) != SHIPEST_DIST_LOGNORMAL ||
        shipest_dist_mean(nd->dist, &mean) != SHIPEST_OK ||
        shipest_dist_variance(nd->dist, &var) != SHIPEST_OK || !(mean > 0.0)) {
        r.kind = K_BROKEN;
        r.why = SHP_WHY_LOG_FAMILY;
        return r;
    }
    if (!(nd->k > 0.0)) {
        r.kind = K_BROKEN;
        r.why = SHP_WHY_LOG_NONPOS;
        r.why_x = nd->k;
        return r;
    }
    /* Recover (mu, sigma) from the moments the public API gives: sigma^2 =
     * log1p(var / mean^2), exact to rounding (dist.c stores both). */
    double s2 = log1p(var / (mean * mean));
    *sigma = sqrt(s2);
    r.kind = K_LN;
    r.v = log(mean) - 0.5 * s2 + log(nd->k);
    return r;
}

/* The state of node j kept in the scratch arrays (kind, val). */
static lnode view(const shp_ajob *job, int32_t j)
{
    lnode r = {job->kind[j], job->val[j], 0.0, 0.0, SHP_WHY_NONE, 0.0};
    return r;
}

static lnode node_state(shp_ajob *job, size_t i)
{
    const shp_node *nd = &job->m->nodes[i];
    lnode r = {K_CONST, 0.0, 0.0, 0.0, SHP_WHY_NONE, 0.0};
    lnode x = nd->nargs > 0 ? view(job, nd->args[0]) : r;
    lnode y = nd->nargs > 1 ? view(job, nd->args[1]) : r;
    int all_const = 1, all_same = 1;
    for (uint32_t k = 0; k < nd->nargs; k++) {
        if (job->kind[nd->args[k]] == K_BROKEN) {
            r.kind = K_BROKEN; /* the note comes from the argument */
            return r;
        }
        all_const &= job->kind[nd->args[k]] == K_CONST;
        all_same &= nd->args[k] == nd->args[0];
    }
    int same = nd->nargs == 2 && nd->args[0] == nd->args[1];
    switch (nd->op) {
    case SHP_OP_INPUT:
    case SHP_OP_FACTOR: return input_state(nd, &job->lo[i]);
    case SHP_OP_CONST: r.v = nd->k; return r;
    case SHP_OP_MUL: return mul_div(x, y, 1);
    case SHP_OP_DIV:
        r = mul_div(x, y, -1);
        if (same && r.kind == K_LN) {
            r.kind = K_CONST; /* x / x is exactly 1, as in Monte Carlo */
            r.v = 1.0;
        }
        return r;
    case SHP_OP_SCALE: {
        lnode c = {K_CONST, nd->k, 0.0, 0.0, SHP_WHY_NONE, 0.0};
        return mul_div(x, c, 1);
    }
    case SHP_OP_POW:
        if (all_const) {
            r.v = pow(x.v, y.v);
            return r;
        }
        if (y.kind != K_CONST) {
            r.kind = K_BROKEN;
            r.why = SHP_WHY_LOG_EXPONENT;
            return r;
        }
        if (y.v == 0.0) {
            r.v = 1.0;
            return r;
        }
        r.kind = K_LN;
        r.v = y.v * x.v;
        r.p = y.v;
        return r;
    case SHP_OP_SQRT:
        if (x.kind == K_CONST) {
            r.v = sqrt(x.v);
            return r;
        }
        r.kind = K_LN;
        r.v = 0.5 * x.v;
        r.p = 0.5;
        return r;
    case SHP_OP_ABS:
        if (x.kind == K_CONST) {
            r.v = fabs(x.v);
            return r;
        }
        r = x; /* a lognormal is positive */
        r.p = 1.0;
        r.q = 0.0;
        return r;
    case SHP_OP_NEG:
        if (x.kind == K_CONST) {
            r.v = -x.v;
            return r;
        }
        r.kind = K_BROKEN;
        r.why = SHP_WHY_LOG_NEG;
        return r;
    case SHP_OP_ADD:
    case SHP_OP_SUB:
        if (all_const) {
            r.v = nd->op == SHP_OP_ADD ? x.v + y.v : x.v - y.v;
            return r;
        }
        if (same) {
            if (nd->op == SHP_OP_SUB) {
                r.v = 0.0; /* x - x is exactly 0 */
                return r;
            }
            r.kind = K_LN; /* x + x = 2 x */
            r.v = x.v + log(2.0);
            r.p = 1.0;
            return r;
        }
        r.kind = K_BROKEN;
        r.why = SHP_WHY_LOG_SUM;
        return r;
    case SHP_OP_MIN:
    case SHP_OP_MAX:
    case SHP_OP_BINDING:
        if (all_const) {
            r.v = x.v;
            for (uint32_t k = 1; k < nd->nargs; k++) {
                double v = job->val[nd->args[k]];
                if (nd->op == SHP_OP_MAX ? v > r.v : v < r.v)
                    r.v = v;
            }
            return r;
        }
        if (all_same) {
            r = x; /* min(x, x) is x */
            r.p = 1.0;
            r.q = 0.0;
            job->act[i] = nd->args[0];
            return r;
        }
        r.kind = K_BROKEN;
        r.why = SHP_WHY_LOG_OP;
        return r;
    case SHP_OP_EXP:
    case SHP_OP_LOG:
    case SHP_OP_FLOOR:
        if (x.kind == K_CONST) {
            r.v = nd->op == SHP_OP_EXP ? exp(x.v) : nd->op == SHP_OP_LOG ? log(x.v) : floor(x.v);
            return r;
        }
        r.kind = K_BROKEN;
        r.why = SHP_WHY_LOG_OP;
        return r;
    }
    r.kind = K_BROKEN;
    r.why = SHP_WHY_LOG_OP;
    return r;
}

void shp_logspace_run(shp_ajob *job)
{
    const shipest_model *m = job->m;
    shipest_analysis *a = job->a;
    size_t nn = m->n_nodes;
    for (size_t i = 0; i < nn; i++) {
        const shp_node *nd = &m->nodes[i];
        job->first[i] = -1;
        job->code[i] = SHP_WHY_NONE;
        job->act[i] = nd->nargs > 0 ? nd->args[0] : 0;
        job->lo[i] = 0.0; /* sd of ln x for lognormal inputs */
        for (uint32_t k = 0; k < nd->nargs; k++)
            shp_note_merge(job->first, job->code, i, (size_t)nd->args[k], rank_of);
        lnode r = node_state(job, i);
        if (r.kind == K_BROKEN && r.why != SHP_WHY_NONE && job->first[i] < 0) {
            job->first[i] = (int32_t)i;
            job->code[i] = (uint8_t)r.why;
            job->hi[i] = r.why_x;
        }
        /* Constant arguments have tangent 0, so their exponent is moot. */
        job->kind[i] = r.kind;
        job->val[i] = r.v;
        job->pa[i] = r.kind == K_LN ? r.p : 0.0;
        job->pb[i] = r.kind == K_LN ? r.q : 0.0;
    }
    shp_collect_sens(job, 0);
    for (size_t o = 0; o < a->n_out; o++) {
        shp_aout *ot = &a->out[o];
        size_t node = (size_t)ot->node;
        for (size_t k = 0; k < ot->n_rows; k++)
            ot->rows[k].u = job->lo[ot->rows[k].node];
        if (job->kind[node] == K_BROKEN) {
            int32_t f = job->first[node];
            const shp_node *fn = &m->nodes[f >= 0 ? f : (int32_t)node];
            ot->flags = SHIPEST_ANALYSIS_UNAVAILABLE;
            ot->why = f >= 0 ? (shp_why)job->code[node] : SHP_WHY_LOG_OP;
            ot->why_node = f >= 0 ? f : (int32_t)node;
            ot->why_label = job->label[ot->why_node];
            ot->why_op = fn->op;
            ot->why_family = fn->dist != NULL ? shipest_dist_family(fn->dist) : SHIPEST_DIST_CONSTANT;
            ot->why_x = job->hi[ot->why_node];
            for (size_t k = 0; k < ot->n_rows; k++)
                ot->rows[k].sens = ot->rows[k].contrib = ot->rows[k].share = NAN;
            ot->corr_share = NAN;
            continue;
        }
        ot->flags = SHIPEST_ANALYSIS_EXACT;
        if (job->kind[node] == K_CONST) {
            double v = job->val[node] / ot->scale;
            ot->mean = v;
            ot->sd = 0.0;
            ot->logmu = v > 0.0 ? log(v) : NAN;
            ot->logsigma = 0.0;
            for (size_t k = 0; k < ot->n_rows; k++) {
                ot->rows[k].sens = 0.0;
                ot->rows[k].contrib = 0.0;
                ot->rows[k].share = NAN;
            }
            ot->corr_share = 0.0;
            continue;
        }
        double s2 = shp_combine(job, ot);
        if (!(s2 > 0.0))
            s2 = 0.0;
        ot->logmu = job->val[node] - log(ot->scale);
        ot->logsigma = sqrt(s2);
        ot->mean = exp(ot->logmu + 0.5 * s2);
        ot->sd = ot->mean * sqrt(expm1(s2));
    }
}
