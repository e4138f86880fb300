/* linear.c — first-order propagation (JCGM 100 5.1, 5.2; the GUM).
 *
 * One value sweep evaluates every node at the input means and stores the
 * local partial derivatives of each node with respect to its arguments.
 * Then one tangent sweep per input (forward mode, shp_tangent_sweep) gives
 * the exact derivative of every output with respect to that input: the
 * sensitivity coefficients c_i, with no finite differences. The combined
 * variance adds c_i c_j r_ij u_i u_j over correlated pairs, r_ij being the
 * copula's rho (exact for normal inputs, an approximation otherwise).
 *
 * Non-smooth operations (min, max, abs, floor, load plans) are
 * differentiated on the branch active at the means and flagged. */
#include "analytic.h"


#include <math.h>
#include <string.h>

/* Note priority: the smaller, the more important (it decides the flags and
 * the reason shown). */
static const uint8_t rank_of[] = {
    [SHP_WHY_NONE] = 255,         [SHP_WHY_LIN_NOMOMENT] = 0, [SHP_WHY_LIN_NONFINITE] = 1,
    [SHP_WHY_LIN_NONSMOOTH] = 2,  [SHP_WHY_LIN_NONLINEAR] = 3, [SHP_WHY_LIN_NONNORMAL] = 4,
    [SHP_WHY_LOG_FAMILY] = 255,   [SHP_WHY_LOG_NONPOS] = 255, [SHP_WHY_LOG_SUM] = 255,
    [SHP_WHY_LOG_NEG] = 255,      [SHP_WHY_LOG_EXPONENT] = 255, [SHP_WHY_LOG_OP] = 255,
    [SHP_WHY_B_NAN] = 255,        [SHP_WHY_B_DIV0] = 255,     [SHP_WHY_B_DOMAIN] = 255,
    [SHP_WHY_B_OVERFLOW] = 255,   [SHP_WHY_B_SUPPORT] = 255,  [SHP_WHY_B_QUANTILE] = 255,
};

#define DET 1u /* kind bit: the node does not vary */

/* Record node i's own note unless its arguments brought a weightier one. */
static void note(shp_ajob *job, size_t i, shp_why why)
{
    int32_t f = (int32_t)i;
    uint8_t c = (uint8_t)why;
    if (job->first[i] < 0 || rank_of[c] < rank_of[job->code[i]]) {
        job->first[i] = f;
        job->code[i] = c;
    }
}

/* Mean and variance of d, 1 when both are finite. Student-t and mixtures
 * may have none; asking then makes dist.c record the failure on the
 * context and send it to the log, though for us it is an expected answer
 * (the output is flagged). So for those the context's error and log
 * callback are kept as they were. */
static int moments(const shipest_model *m, const shipest_dist *d, double *mean, double *var)
{
    shipest_family f = shipest_dist_family(d);
    if (f != SHIPEST_DIST_STUDENT_T && f != SHIPEST_DIST_MIXTURE)
        return shipest_dist_mean(d, mean) == SHIPEST_OK &&
               shipest_dist_variance(d, var) == SHIPEST_OK && isfinite(*mean) && isfinite(*var);
    shipest_ctx *ctx = m->ctx;
    shipest_status code = ctx->errcode;
    char msg[SHP_ERRMSG_MAX];
    memcpy(msg, ctx->errmsg, sizeof msg);
    shipest_log_fn fn = ctx->log_fn;
    ctx->log_fn = NULL;
    int ok = shipest_dist_mean(d, mean) == SHIPEST_OK &&
             shipest_dist_variance(d, var) == SHIPEST_OK && isfinite(*mean) && isfinite(*var);
    ctx->log_fn = fn;
    ctx->errcode = code;
    memcpy(ctx->errmsg, msg, sizeof msg);
    return ok;
}

/* Evaluate node i at the means: value, partials, determinism, notes. */
static void value_node(shp_ajob *job, size_t i)
{
    const shp_node *nd = &job->m->nodes[i];
    double *val = job->val, *pa = job->pa, *pb = job->pb;
    size_t a0 = nd->nargs > 0 ? (size_t)nd->args[0] : 0;
    size_t a1 = nd->nargs > 1 ? (size_t)nd->args[1] : 0;
    double a = nd->nargs > 0 ? val[a0] : 0.0, b = nd->nargs > 1 ? val[a1] : 0.0;
    int det = 1;
    for (uint32_t k = 0; k < nd->nargs; k++) {
        det &= (job->kind[nd->args[k]] & DET) != 0;
        shp_note_merge(job->first, job->code, i, (size_t)nd->args[k], rank_of);
    }
    int da = nd->nargs > 0 && !(job->kind[a0] & DET);
    int db = nd->nargs > 1 && !(job->kind[a1] & DET);
    double v = NAN, p = 0.0, q = 0.0;
    shp_why own = SHP_WHY_NONE;
    switch (nd->op) {
    case SHP_OP_INPUT:
    case SHP_OP_FACTOR: {
        double mean = NAN, var = NAN;
        if (!moments(job->m, nd->dist, &mean, &var)) {
            own = SHP_WHY_LIN_NOMOMENT;
            v = NAN;
            job->lo[i] = NAN;
            det = 0;
            break;
        }
        v = mean * nd->k;
        job->lo[i] = sqrt(var) * fabs(nd->k); /* u(x_i), SI */
        det = !(var > 0.0); /* a point mass, and only it, has variance 0 */
        shipest_family f = shipest_dist_family(nd->dist);
        if (!det && f != SHIPEST_DIST_NORMAL)
            own = SHP_WHY_LIN_NONNORMAL;
        break;
    }
    case SHP_OP_CONST: v = nd->k; break;
    case SHP_OP_ADD: v = a + b; p = 1.0; q = 1.0; break;
    case SHP_OP_SUB: v = a - b; p = 1.0; q = -1.0; break;
    case SHP_OP_MUL:
        v = a * b; p = b; q = a;
        if (da && db)
            own = SHP_WHY_LIN_NONLINEAR;
        break;
    case SHP_OP_DIV:
        v = a / b; p = 1.0 / b; q = -v / b;
        if (db)
            own = SHP_WHY_LIN_NONLINEAR;
        break;
    case SHP_OP_NEG: v = -a; p = -1.0; break;
    case SHP_OP_POW:
        v = pow(a, b);
        p = b == 0.0 ? 0.0 : b * pow(a, b - 1.0);
        q = a > 0.0 ? v * log(a) : (a == 0.0 && b > 0.0 ? 0.0 : NAN);
        if (db || (da && b != 1.0))
            own = SHP_WHY_LIN_NONLINEAR;
        break;
    case SHP_OP_MIN:
    case SHP_OP_MAX: {
        /* The branch mc.c takes: b wins only when strictly smaller (larger). */
        int take_b = nd->op == SHP_OP_MIN ? b < a : b > a;
        v = take_b ? b : a;
        p = take_b ? 0.0 : 1.0;
        q = take_b ? 1.0 : 0.0;
        if (da || db)
            own = SHP_WHY_LIN_NONSMOOTH;
        break;
    }
    case SHP_OP_EXP: v = exp(a); p = v; if (da) own = SHP_WHY_LIN_NONLINEAR; break;
    case SHP_OP_LOG: v = log(a); p = 1.0 / a; if (da) own = SHP_WHY_LIN_NONLINEAR; break;
    case SHP_OP_SQRT: v = sqrt(a); p = 0.5 / v; if (da) own = SHP_WHY_LIN_NONLINEAR; break;
    case SHP_OP_ABS:
        v = fabs(a);
        p = a > 0.0 ? 1.0 : (a < 0.0 ? -1.0 : 0.0);
        if (da)
            own = SHP_WHY_LIN_NONSMOOTH;
        break;
    case SHP_OP_SCALE: v = a * nd->k; p = nd->k; break;
    case SHP_OP_FLOOR:
        /* The derivative is 0 wherever it exists: the steps are invisible
         * to linearisation, hence the flag. */
        v = floor(a);
        if (da)
            own = SHP_WHY_LIN_NONSMOOTH;
        break;
    case SHP_OP_BINDING: {
        int32_t w = nd->args[0];
        v = a;
        int any = 0;
        for (uint32_t k = 0; k < nd->nargs; k++) {
            if (val[nd->args[k]] < v) {
                v = val[nd->args[k]];
                w = nd->args[k];
            }
            any |= !(job->kind[nd->args[k]] & DET);
        }
        job->act[i] = w;
        if (any)
            own = SHP_WHY_LIN_NONSMOOTH;
        break;
    }
    }
    val[i] = v;
    pa[i] = p;
    pb[i] = q;
    job->kind[i] = det ? DET : 0;
    if (own != SHP_WHY_NONE)
        note(job, i, own);
    /* A value or a needed partial that is not finite leaves no answer. */
    if (!isfinite(v) || (da && !isfinite(p)) || (db && !isfinite(q)))
        if (own != SHP_WHY_LIN_NOMOMENT)
            note(job, i, SHP_WHY_LIN_NONFINITE);
}

void shp_linear_run(shp_ajob *job)
{
    const shipest_model *m = job->m;
    shipest_analysis *a = job->a;
    size_t nn = m->n_nodes;
    for (size_t i = 0; i < nn; i++) {
        job->first[i] = -1;
        job->code[i] = SHP_WHY_NONE;
        job->act[i] = 0;
        job->kind[i] = 0;
    }
    for (size_t i = 0; i < nn; i++)
        value_node(job, i);
    shp_collect_sens(job, 1);
    for (size_t o = 0; o < a->n_out; o++) {
        shp_aout *ot = &a->out[o];
        size_t node = (size_t)ot->node;
        for (size_t k = 0; k < ot->n_rows; k++)
            ot->rows[k].u = job->lo[ot->rows[k].node] / job->sx[ot->rows[k].node];
        int32_t f = job->first[node];
        shp_why why = f >= 0 ? (shp_why)job->code[node] : SHP_WHY_NONE;
        if (f >= 0) {
            const shp_node *fn = &m->nodes[f];
            ot->why = why;
            ot->why_node = f;
            ot->why_label = job->label[f];
            ot->why_op = fn->op;
            ot->why_family = fn->dist != NULL ? shipest_dist_family(fn->dist) : SHIPEST_DIST_CONSTANT;
        }
        if (why == SHP_WHY_LIN_NOMOMENT || why == SHP_WHY_LIN_NONFINITE) {
            ot->flags = SHIPEST_ANALYSIS_UNAVAILABLE;
            for (size_t k = 0; k < ot->n_rows; k++)
                ot->rows[k].contrib = ot->rows[k].share = NAN;
            ot->corr_share = NAN;
            continue;
        }
        ot->flags = why == SHP_WHY_NONE ? SHIPEST_ANALYSIS_EXACT
                    : why == SHP_WHY_LIN_NONSMOOTH ? SHIPEST_ANALYSIS_NONSMOOTH
                                                    : 0u;
        double var = shp_combine(job, ot);
        ot->mean = job->val[node] / ot->scale;
        ot->sd = sqrt(var > 0.0 ? var : 0.0);
    }
}
