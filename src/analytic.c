/* analytic.c — the analysis object shared by the analytic engines: argument
 * checks, the inputs each output depends on, the correlation check, one
 * allocation for the analysis and its strings, and the accessors. The
 * numbers come from linear.c, logspace.c and bounds.c; the verdict against
 * Monte Carlo from verdict.c. See docs/analytic.md. */
#include "analytic.h"

#include "dist.h"
#include "specfun.h"

#include <math.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared numerics ------------------------------------------------------------ */

void shp_tangent_sweep(const shipest_model *m, const double *pa, const double *pb,
                       const int32_t *act, size_t from, size_t end, double *t)
{
    size_t n = end;
    memset(t, 0, from * sizeof *t);
    t[from] = 1.0;
    for (size_t i = from + 1; i < n; i++) {
        const shp_node *nd = &m->nodes[i];
        double s = 0.0;
        if (nd->op == SHP_OP_BINDING) {
            s = t[act[i]];
        } else {
            if (nd->nargs > 0 && t[nd->args[0]] != 0.0)
                s += pa[i] * t[nd->args[0]];
            if (nd->nargs > 1 && t[nd->args[1]] != 0.0)
                s += pb[i] * t[nd->args[1]];
        }
        t[i] = s;
    }
}

/* y += p x over n, where a zero x contributes nothing even if p is not
 * finite (an infinite partial of a value that does not vary). */
static void axpy(double *y, double p, const double *x, size_t n)
{
    if (isfinite(p)) {
        for (size_t k = 0; k < n; k++)
            y[k] += p * x[k];
    } else {
        for (size_t k = 0; k < n; k++)
            if (x[k] != 0.0)
                y[k] += p * x[k];
    }
}

/* Vector mode: one forward sweep carrying d(node)/d(input) for every input
 * at once; grad is n_nodes x n_in. */
static void gradient_sweep(shp_ajob *job, size_t last)
{
    const shipest_model *m = job->m;
    size_t n = job->n_in;
    for (size_t i = 0; i <= last; i++) {
        const shp_node *nd = &m->nodes[i];
        double *g = job->grad + i * n;
        if (nd->op == SHP_OP_BINDING) {
            memcpy(g, job->grad + (size_t)job->act[i] * n, n * sizeof *g);
            continue;
        }
        memset(g, 0, n * sizeof *g);
        if (job->slot[i] >= 0)
            g[job->slot[i]] = 1.0;
        else if (nd->nargs > 0) {
            axpy(g, job->pa[i], job->grad + (size_t)nd->args[0] * n, n);
            if (nd->nargs > 1)
                axpy(g, job->pb[i], job->grad + (size_t)nd->args[1] * n, n);
        }
    }
}

void shp_collect_sens(shp_ajob *job, int display_units)
{
    const shipest_model *m = job->m;
    shipest_analysis *a = job->a;
    size_t last = (size_t)a->out[a->n_out - 1].node;
    if (job->grad != NULL) {
        gradient_sweep(job, last);
        for (size_t o = 0; o < a->n_out; o++) {
            shp_aout *ot = &a->out[o];
            const double *g = job->grad + (size_t)ot->node * job->n_in;
            for (size_t k = 0; k < ot->n_rows; k++) {
                size_t node = (size_t)ot->rows[k].node;
                double d = g[job->slot[node]];
                ot->rows[k].sens = display_units ? d * job->sx[node] / ot->scale : d;
            }
        }
        return;
    }
    /* Per input: one tangent sweep. Inputs are swept in model order and
     * each output's rows are in model order, so a cursor per output finds
     * the row in O(1). */
    for (size_t o = 0; o < a->n_out; o++)
        job->cursor[o] = 0;
    for (size_t s = 0; s < job->n_in; s++) {
        size_t node = (size_t)job->in_node[s];
        int swept = 0;
        for (size_t o = 0; o < a->n_out; o++) {
            shp_aout *ot = &a->out[o];
            size_t c = job->cursor[o];
            if (c == ot->n_rows || (size_t)ot->rows[c].node != node)
                continue;
            job->cursor[o] = c + 1;
            if (!swept) {
                shp_tangent_sweep(m, job->pa, job->pb, job->act, node, last + 1, job->tan);
                swept = 1;
            }
            double d = job->tan[ot->node];
            ot->rows[c].sens = display_units ? d * job->sx[node] / ot->scale : d;
        }
    }
}

/* Largest contribution first; ties (and NaN, last) in model order. */
static int row_cmp(const void *pa, const void *pb)
{
    const shp_brow *a = pa, *b = pb;
    int na = isnan(a->contrib), nb = isnan(b->contrib);
    if (na != nb)
        return na - nb;
    if (!na && a->contrib != b->contrib)
        return a->contrib > b->contrib ? -1 : 1;
    return (a->node > b->node) - (a->node < b->node);
}

static void sort_rows(shp_brow *r, size_t n)
{
    if (n > 16) {
        qsort(r, n, sizeof *r, row_cmp);
        return;
    }
    /* Short budgets (the common case): a stable insertion sort. Callers
     * sort only finite contributions, so a plain comparison will do. */
    for (size_t i = 1; i < n; i++) {
        shp_brow x = r[i];
        size_t j = i;
        while (j > 0 && r[j - 1].contrib < x.contrib) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
}

static shp_brow *find_row(shp_aout *o, int32_t node)
{
    size_t lo = 0, hi = o->n_rows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (o->rows[mid].node < node)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < o->n_rows && o->rows[lo].node == node ? &o->rows[lo] : NULL;
}

double shp_combine(shp_ajob *job, shp_aout *o)
{
    const shipest_model *m = job->m;
    double var = 0.0, cross = 0.0;
    for (size_t k = 0; k < o->n_rows; k++) {
        shp_brow *r = &o->rows[k];
        double cu = r->sens * r->u;
        r->contrib = r->u == 0.0 ? 0.0 : cu * cu;
        var += r->contrib;
    }
    /* JCGM 100 eq. (13): 2 sum c_i c_j u(x_i, x_j), u(x_i, x_j) = r_ij u_i u_j.
     * The copula's rho stands in for r_ij (exact for normal inputs). */
    for (size_t c = 0; c < m->n_corr; c++) {
        const shp_brow *x = find_row(o, m->corr[c].a), *y = find_row(o, m->corr[c].b);
        if (x == NULL || y == NULL || x->u == 0.0 || y->u == 0.0)
            continue;
        cross += 2.0 * m->corr[c].rho * (x->sens * x->u) * (y->sens * y->u);
    }
    double total = var + cross;
    if (total < 0.0 && total > -1e-12 * var)
        total = 0.0; /* rounding of a perfectly anti-correlated cancellation */
    for (size_t k = 0; k < o->n_rows; k++)
        o->rows[k].share = total > 0.0 ? o->rows[k].contrib / total : NAN;
    o->corr_share = total > 0.0 ? cross / total : (cross == 0.0 ? 0.0 : NAN);
    sort_rows(o->rows, o->n_rows);
    return total;
}

/* ---- correlation check ------------------------------------------------------------ */

/* The test shipest_model_run() applies (mc.c): Cholesky of the copula's
 * correlation matrix, pivots clearly positive. The same models are accepted
 * by both, so a verdict never compares against a run that cannot exist. */
static shipest_status check_corr(shipest_ctx *ctx, const shipest_model *m, int32_t *idx,
                                 int32_t *nodes, double *R)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_nodes; i++)
        idx[i] = -1;
    for (size_t c = 0; c < m->n_corr; c++) {
        int32_t e[2] = {m->corr[c].a, m->corr[c].b};
        if (!(fabs(m->corr[c].rho) <= 1.0))
            return shp_error(ctx, SHIPEST_EDOMAIN, "correlation %g is outside [-1, 1]",
                             m->corr[c].rho);
        for (int q = 0; q < 2; q++)
            if (idx[e[q]] < 0) {
                idx[e[q]] = (int32_t)n;
                nodes[n++] = e[q];
            }
    }
    for (size_t i = 0; i < n * n; i++)
        R[i] = 0.0;
    for (size_t i = 0; i < n; i++)
        R[i * n + i] = 1.0;
    for (size_t c = 0; c < m->n_corr; c++) {
        size_t x = (size_t)idx[m->corr[c].a], y = (size_t)idx[m->corr[c].b];
        R[x * n + y] = R[y * n + x] = m->corr[c].rho;
    }
    for (size_t j = 0; j < n; j++) {
        double d = R[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= R[j * n + k] * R[j * n + k];
        if (!(d > 1e-10)) {
            const shp_node *nd = &m->nodes[nodes[j]];
            return shp_error(ctx, SHIPEST_EDOMAIN,
                             "correlations are not positive definite: those of '%s' "
                             "contradict the others",
                             nd->name != NULL ? nd->name : "?");
        }
        double l = sqrt(d);
        R[j * n + j] = l;
        for (size_t i = j + 1; i < n; i++) {
            double s = R[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= R[i * n + k] * R[j * n + k];
            R[i * n + j] = s / l;
        }
    }
    return SHIPEST_OK;
}

/* ---- construction ----------------------------------------------------------------- */

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) / (a) * (a))

/* Scratch of a small model lives on the stack: a propagation of the worked
 * example then costs one allocation (the analysis itself). */
#define STACK_SCRATCH 8192
/* Most doubles of gradient vectors (8 MiB); larger models sweep per input. */
#define GRAD_MAX ((size_t)1 << 20)

static unsigned ctz64(uint64_t b)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(b);
#else
    unsigned n = 0;
    while (!(b & 1u)) {
        b >>= 1;
        n++;
    }
    return n;
#endif
}

/* anc[j] bit o - g0: node j is an ancestor of output o (outputs g0 ..
 * g0 + 63, numbered in model order; out_node lists their nodes). One
 * backward sweep in topological order serves 64 outputs. */
static void ancestors(const shipest_model *m, const int32_t *out_node, size_t g0, size_t g1,
                      uint64_t *anc)
{
    size_t top = (size_t)out_node[g1 - 1];
    memset(anc, 0, (top + 1) * sizeof *anc);
    for (size_t o = g0; o < g1; o++)
        anc[out_node[o]] |= UINT64_C(1) << (o - g0);
    for (size_t j = top + 1; j-- > 0;) {
        uint64_t b = anc[j];
        if (b == 0)
            continue;
        for (uint32_t k = 0; k < m->nodes[j].nargs; k++)
            anc[m->nodes[j].args[k]] |= b;
    }
}

static shipest_status analyze(shipest_ctx *ctx, const shipest_model *m, shipest_method method,
                              double tail, unsigned bflags, shipest_analysis **out)
{
    size_t nn = m->n_nodes;
    size_t n_out = 0, n_in = 0;
    for (size_t i = 0; i < nn; i++) {
        n_out += (m->nodes[i].flags & SHP_NODE_OUTPUT) != 0;
        n_in += m->nodes[i].op == SHP_OP_INPUT || m->nodes[i].op == SHP_OP_FACTOR;
    }
    if (n_out == 0)
        return shp_error(ctx, SHIPEST_EINVAL, "the model has no outputs to analyze");
    size_t nc = method == SHIPEST_METHOD_BOUNDS ? 0 : 2 * m->n_corr;
    if (nn > SIZE_MAX / 256 || nc > 65536 || (nc > 0 && nc > SIZE_MAX / 64 / nc))
        return shp_error(ctx, SHIPEST_ENOMEM, "the model is too large to analyze");

    /* Scratch, one block: per node 7 doubles, 1 uint64, 2 pointers, 4 int32
     * and 3 bytes; per output a size_t and an int32; per input an int32;
     * the correlation matrix; and the gradients of vector mode (nodes x
     * inputs doubles) unless that passes GRAD_MAX, when one tangent sweep
     * per input takes its place. */
    size_t n_grad = n_in > 0 && nn <= GRAD_MAX / n_in ? nn * n_in : 0;
    size_t o_d = 0;
    size_t o_anc = o_d + (7 * nn + nc * nc + n_grad) * sizeof(double);
    size_t o_ptr = o_anc + nn * sizeof(uint64_t);
    size_t o_sz = o_ptr + 2 * nn * sizeof(char *);
    size_t o_i32 = o_sz + n_out * sizeof(size_t);
    size_t n_i32 = 4 * nn + n_out + n_in + nc;
    size_t o_u8 = o_i32 + n_i32 * sizeof(int32_t);
    size_t bytes = o_u8 + 3 * nn + 1;
    union {
        max_align_t align;
        unsigned char b[STACK_SCRATCH];
    } stack;
    unsigned char *scr = stack.b;
    if (bytes > sizeof stack.b && (scr = shp_alloc(ctx, bytes)) == NULL)
        return SHIPEST_ENOMEM;
    shp_ajob job = {.m = m};
    job.n_in = n_in;
    double *dp = (double *)(void *)(scr + o_d);
    job.val = dp;
    job.pa = dp + nn;
    job.pb = dp + 2 * nn;
    job.tan = dp + 3 * nn;
    job.lo = dp + 4 * nn;
    job.hi = dp + 5 * nn;
    job.sx = dp + 6 * nn;
    double *R = dp + 7 * nn;
    job.grad = n_grad > 0 ? R + nc * nc : NULL;
    uint64_t *anc = (uint64_t *)(void *)(scr + o_anc);
    const char **labels = (const char **)(void *)(scr + o_ptr);
    const char **units = labels + nn;
    size_t *cursor = (size_t *)(void *)(scr + o_sz);
    int32_t *ip = (int32_t *)(void *)(scr + o_i32);
    job.label = labels;
    job.slot = ip;
    job.act = ip + nn;
    job.first = ip + 2 * nn;
    int32_t *cidx = ip + 3 * nn;
    int32_t *out_node = ip + 4 * nn;
    job.in_node = out_node + n_out;
    int32_t *cnodes = job.in_node + n_in;
    uint8_t *bp = scr + o_u8;
    job.code = bp;
    job.kind = bp + nn;
    uint8_t *used = bp + 2 * nn;
    job.cursor = cursor;

    shipest_status st = SHIPEST_OK;
    if (nc > 0 && (st = check_corr(ctx, m, cidx, cnodes, R)) != SHIPEST_OK)
        goto done;

    for (size_t i = 0, s = 0, o = 0; i < nn; i++) {
        const shp_node *nd = &m->nodes[i];
        int is_in = nd->op == SHP_OP_INPUT || nd->op == SHP_OP_FACTOR;
        job.slot[i] = is_in ? (int32_t)s : -1;
        if (is_in)
            job.in_node[s++] = (int32_t)i;
        if (nd->flags & SHP_NODE_OUTPUT)
            out_node[o++] = (int32_t)i;
        used[i] = 0;
        job.sx[i] = nd->display_scale > 0.0 && isfinite(nd->display_scale) ? nd->display_scale : 1.0;
    }
    /* Count each output's rows (the inputs it depends on) and mark the
     * nodes whose names the pool must hold. */
    size_t n_rows = 0, pool_len = 0;
    for (size_t g0 = 0; g0 < n_out; g0 += 64) {
        size_t g1 = n_out - g0 > 64 ? g0 + 64 : n_out;
        ancestors(m, out_node, g0, g1, anc);
        for (size_t j = 0; j <= (size_t)out_node[g1 - 1]; j++) {
            if (anc[j] == 0)
                continue;
            used[j] = 1;
            if (job.slot[j] >= 0)
                for (uint64_t b = anc[j]; b != 0; b &= b - 1)
                    n_rows++;
        }
    }
    for (size_t i = 0; i < nn; i++) {
        if (!used[i])
            continue;
        const shp_node *nd = &m->nodes[i];
        labels[i] = nd->name;
        units[i] = nd->unit_text != NULL ? nd->unit_text : "";
        /* Lengths kept in scratch (lo, hi are free until the engine runs). */
        size_t ln = nd->name != NULL ? strlen(nd->name) + 1 : 0;
        size_t lu = job.slot[i] >= 0 || (nd->flags & SHP_NODE_OUTPUT) ? strlen(units[i]) + 1 : 0;
        job.lo[i] = (double)ln;
        job.hi[i] = (double)lu;
        pool_len += ln + lu;
        if ((nd->flags & SHP_NODE_OUTPUT) && nd->name == NULL)
            pool_len += 16; /* "#index"; outputs always have names today */
    }

    size_t off_out = ALIGN_UP(sizeof(shipest_analysis), alignof(max_align_t));
    size_t off_rows = ALIGN_UP(off_out + n_out * sizeof(shp_aout), alignof(max_align_t));
    size_t off_pool = off_rows + n_rows * sizeof(shp_brow);
    shipest_analysis *a = shp_alloc(ctx, off_pool + pool_len + 1);
    if (a == NULL) {
        st = SHIPEST_ENOMEM;
        goto done;
    }
    memset(a, 0, sizeof *a);
    a->ctx = ctx;
    a->method = method;
    a->tail = tail;
    a->bflags = bflags;
    a->n_out = n_out;
    a->n_rows = n_rows;
    a->out = (shp_aout *)(void *)((char *)a + off_out);
    a->rows = (shp_brow *)(void *)((char *)a + off_rows);
    a->pool = (char *)a + off_pool;
    job.a = a;

    /* The pool: names of used nodes, units of used inputs and outputs. */
    char *pp = a->pool;
    for (size_t i = 0; i < nn; i++) {
        if (!used[i]) {
            labels[i] = NULL;
            units[i] = "";
            continue;
        }
        size_t ln = (size_t)job.lo[i], lu = (size_t)job.hi[i];
        if (ln > 0) {
            memcpy(pp, labels[i], ln);
            labels[i] = pp;
            pp += ln;
        }
        if (lu > 0) {
            memcpy(pp, units[i], lu);
            units[i] = pp;
            pp += lu;
        }
    }
    /* Outputs, and where each one's rows start. */
    size_t start = 0;
    for (size_t o = 0; o < n_out; o++) {
        size_t i = (size_t)out_node[o];
        const shp_node *nd = &m->nodes[i];
        shp_aout *ot = &a->out[o];
        /* A copy of a template, not memset: a short memset may become a
         * slow `rep stos`, which showed in the benchmark's profile. */
        static const shp_aout blank = {.mean = NAN, .sd = NAN, .logmu = NAN, .logsigma = NAN,
                                       .lo = NAN, .hi = NAN, .prob = 1.0, .why_node = -1};
        *ot = blank;
        ot->node = (int32_t)i;
        if (labels[i] != NULL) {
            ot->name = labels[i];
        } else {
            int w = snprintf(pp, 16, "#%ld", (long)i);
            ot->name = pp;
            pp += (w > 0 && w < 16 ? (size_t)w : 15) + 1;
        }
        ot->unit = units[i];
        ot->scale = nd->display_scale > 0.0 && isfinite(nd->display_scale) ? nd->display_scale : 1.0;
        cursor[o] = 0;
    }
    /* Rows per output in model order: count, then place. With at most 64
     * outputs the marks of the counting pass are still in anc. */
    for (size_t g0 = 0; g0 < n_out; g0 += 64) {
        size_t g1 = n_out - g0 > 64 ? g0 + 64 : n_out;
        if (n_out > 64)
            ancestors(m, out_node, g0, g1, anc);
        for (size_t s = 0; s < n_in; s++) {
            size_t j = (size_t)job.in_node[s];
            if (j > (size_t)out_node[g1 - 1])
                break;
            for (uint64_t b = anc[j]; b != 0; b &= b - 1)
                a->out[g0 + (size_t)ctz64(b)].n_rows++;
        }
    }
    for (size_t o = 0; o < n_out; o++) {
        a->out[o].rows = a->rows + start;
        start += a->out[o].n_rows;
    }
    for (size_t g0 = 0; g0 < n_out; g0 += 64) {
        size_t g1 = n_out - g0 > 64 ? g0 + 64 : n_out;
        if (n_out > 64)
            ancestors(m, out_node, g0, g1, anc);
        for (size_t s = 0; s < n_in; s++) {
            size_t j = (size_t)job.in_node[s];
            if (j > (size_t)out_node[g1 - 1])
                break;
            for (uint64_t b = anc[j]; b != 0; b &= b - 1) {
                size_t o = g0 + (size_t)ctz64(b);
                shp_brow *row = &a->out[o].rows[cursor[o]++];
                row->node = (int32_t)j;
                row->name = labels[j] != NULL ? labels[j] : "";
                row->unit = units[j];
                row->sens = row->u = row->contrib = row->share = 0.0;
            }
        }
    }

    switch (method) {
    case SHIPEST_METHOD_LINEAR: shp_linear_run(&job); break;
    case SHIPEST_METHOD_LOG: shp_logspace_run(&job); break;
    case SHIPEST_METHOD_BOUNDS: shp_bounds_run(&job); break;
    }
    *out = a;
done:
    if (scr != stack.b)
        shp_free(ctx, scr);
    return st;
}

shipest_status shipest_model_analyze(shipest_ctx *ctx, const shipest_model *m,
                                     shipest_method method, shipest_analysis **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (m == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "analyze: %s is NULL", m == NULL ? "model" : "out");
    if (method != SHIPEST_METHOD_LINEAR && method != SHIPEST_METHOD_LOG &&
        method != SHIPEST_METHOD_BOUNDS)
        return shp_error(ctx, SHIPEST_EINVAL, "analyze: unknown method %d", (int)method);
    return analyze(ctx, m, method, SHIPEST_BOUNDS_DEFAULT_TAIL, 0, out);
}

shipest_status shipest_model_analyze_bounds(shipest_ctx *ctx, const shipest_model *m,
                                            double tail, unsigned flags, shipest_analysis **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (m == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "analyze_bounds: %s is NULL",
                         m == NULL ? "model" : "out");
    if (flags & ~(unsigned)SHIPEST_BOUNDS_ALL_QUANTILES)
        return shp_error(ctx, SHIPEST_EINVAL, "analyze_bounds: unknown flags 0x%x", flags);
    if (!(tail >= 0.0 && tail < 0.5))
        return shp_error(ctx, SHIPEST_ERANGE, "analyze_bounds: tail must be in [0, 0.5) (got %g)",
                         tail);
    return analyze(ctx, m, SHIPEST_METHOD_BOUNDS, tail, flags, out);
}

void shipest_analysis_free(shipest_analysis *a)
{
    if (a != NULL)
        shp_free(a->ctx, a);
}

/* ---- accessors ------------------------------------------------------------------- */

static const shp_aout *get_out(const shipest_analysis *a, size_t i)
{
    return a != NULL && i < a->n_out ? &a->out[i] : NULL;
}

shipest_method shipest_analysis_method(const shipest_analysis *a)
{
    return a != NULL ? a->method : (shipest_method)0;
}

size_t shipest_analysis_output_count(const shipest_analysis *a)
{
    return a != NULL ? a->n_out : 0;
}

const char *shipest_analysis_output_name(const shipest_analysis *a, size_t i)
{
    const shp_aout *o = get_out(a, i);
    return o != NULL ? o->name : NULL;
}

const char *shipest_analysis_output_unit(const shipest_analysis *a, size_t i)
{
    const shp_aout *o = get_out(a, i);
    return o != NULL ? o->unit : NULL;
}

shipest_status shipest_analysis_output_index(const shipest_analysis *a, const char *name,
                                             size_t *index)
{
    if (a == NULL || name == NULL || index == NULL)
        return SHIPEST_EINVAL;
    for (size_t i = 0; i < a->n_out; i++)
        if (strcmp(a->out[i].name, name) == 0) {
            *index = i;
            return SHIPEST_OK;
        }
    return SHIPEST_ENAME;
}

unsigned shipest_analysis_flags(const shipest_analysis *a, size_t i)
{
    const shp_aout *o = get_out(a, i);
    return o != NULL ? o->flags : (unsigned)SHIPEST_ANALYSIS_UNAVAILABLE;
}

shipest_status shipest_analysis_mean(const shipest_analysis *a, size_t i, double *mean)
{
    const shp_aout *o = get_out(a, i);
    if (mean != NULL)
        *mean = NAN;
    if (o == NULL || mean == NULL)
        return SHIPEST_EINVAL;
    if (a->method == SHIPEST_METHOD_BOUNDS)
        return SHIPEST_EUNSUPPORTED;
    if (o->flags & SHIPEST_ANALYSIS_UNAVAILABLE)
        return SHIPEST_EDOMAIN;
    *mean = o->mean;
    return SHIPEST_OK;
}

shipest_status shipest_analysis_sd(const shipest_analysis *a, size_t i, double *sd)
{
    const shp_aout *o = get_out(a, i);
    if (sd != NULL)
        *sd = NAN;
    if (o == NULL || sd == NULL)
        return SHIPEST_EINVAL;
    if (a->method == SHIPEST_METHOD_BOUNDS)
        return SHIPEST_EUNSUPPORTED;
    if (o->flags & SHIPEST_ANALYSIS_UNAVAILABLE)
        return SHIPEST_EDOMAIN;
    *sd = o->sd;
    return SHIPEST_OK;
}

shipest_status shipest_analysis_interval(const shipest_analysis *a, size_t i, double coverage,
                                         double *lo, double *hi)
{
    const shp_aout *o = get_out(a, i);
    if (lo != NULL)
        *lo = NAN;
    if (hi != NULL)
        *hi = NAN;
    if (o == NULL || lo == NULL || hi == NULL)
        return SHIPEST_EINVAL;
    if (!(coverage > 0.0 && coverage < 1.0) || (o->flags & SHIPEST_ANALYSIS_UNAVAILABLE))
        return SHIPEST_EDOMAIN;
    double k = shp_norm_ppf(0.5 + 0.5 * coverage);
    switch (a->method) {
    case SHIPEST_METHOD_LINEAR:
        *lo = o->mean - k * o->sd;
        *hi = o->mean + k * o->sd;
        break;
    case SHIPEST_METHOD_LOG:
        if (o->logsigma == 0.0 || isnan(o->logmu)) {
            *lo = *hi = o->mean; /* a constant (possibly not positive) */
        } else {
            *lo = exp(o->logmu - k * o->logsigma);
            *hi = exp(o->logmu + k * o->logsigma);
        }
        break;
    case SHIPEST_METHOD_BOUNDS:
        if (coverage > o->prob)
            return SHIPEST_EDOMAIN;
        *lo = o->lo;
        *hi = o->hi;
        break;
    }
    return SHIPEST_OK;
}

shipest_status shipest_analysis_probability(const shipest_analysis *a, size_t i, double *prob)
{
    const shp_aout *o = get_out(a, i);
    if (o == NULL || prob == NULL)
        return SHIPEST_EINVAL;
    if (a->method != SHIPEST_METHOD_BOUNDS)
        return SHIPEST_EUNSUPPORTED;
    *prob = o->prob;
    return SHIPEST_OK;
}

shipest_status shipest_analysis_lognormal(const shipest_analysis *a, size_t i, double *mu,
                                          double *sigma)
{
    const shp_aout *o = get_out(a, i);
    if (o == NULL)
        return SHIPEST_EINVAL;
    if (a->method != SHIPEST_METHOD_LOG)
        return SHIPEST_EUNSUPPORTED;
    if ((o->flags & SHIPEST_ANALYSIS_UNAVAILABLE) || isnan(o->logmu))
        return SHIPEST_EDOMAIN;
    if (mu != NULL)
        *mu = o->logmu;
    if (sigma != NULL)
        *sigma = o->logsigma;
    return SHIPEST_OK;
}

size_t shipest_analysis_budget_count(const shipest_analysis *a, size_t i)
{
    const shp_aout *o = get_out(a, i);
    return o != NULL && a->method != SHIPEST_METHOD_BOUNDS ? o->n_rows : 0;
}

shipest_status shipest_analysis_budget(const shipest_analysis *a, size_t i, size_t k,
                                       const char **name, const char **unit, double *sensitivity,
                                       double *u, double *contribution, double *share)
{
    if (k >= shipest_analysis_budget_count(a, i))
        return SHIPEST_EINVAL;
    const shp_brow *r = &a->out[i].rows[k];
    if (name != NULL)
        *name = r->name;
    if (unit != NULL)
        *unit = r->unit;
    if (sensitivity != NULL)
        *sensitivity = r->sens;
    if (u != NULL)
        *u = r->u;
    if (contribution != NULL)
        *contribution = r->contrib;
    if (share != NULL)
        *share = r->share;
    return SHIPEST_OK;
}

shipest_status shipest_analysis_correlation_share(const shipest_analysis *a, size_t i,
                                                  double *share)
{
    const shp_aout *o = get_out(a, i);
    if (o == NULL || share == NULL)
        return SHIPEST_EINVAL;
    if (a->method == SHIPEST_METHOD_BOUNDS)
        return SHIPEST_EUNSUPPORTED;
    *share = o->corr_share;
    return SHIPEST_OK;
}

/* ---- reasons ------------------------------------------------------------------------ */

static const char *op_word(shp_op op)
{
    switch (op) {
    case SHP_OP_INPUT: return "input";
    case SHP_OP_FACTOR: return "table factor";
    case SHP_OP_CONST: return "constant";
    case SHP_OP_ADD: return "sum";
    case SHP_OP_SUB: return "difference";
    case SHP_OP_MUL: return "product";
    case SHP_OP_DIV: return "quotient";
    case SHP_OP_NEG: return "negation";
    case SHP_OP_POW: return "power";
    case SHP_OP_MIN: return "min";
    case SHP_OP_MAX: return "max";
    case SHP_OP_EXP: return "exp";
    case SHP_OP_LOG: return "log";
    case SHP_OP_SQRT: return "sqrt";
    case SHP_OP_ABS: return "abs";
    case SHP_OP_SCALE: return "scaling";
    case SHP_OP_FLOOR: return "floor";
    case SHP_OP_BINDING: return "load plan (smallest constraint)";
    }
    return "operation";
}

static const char *family_word(shipest_family f)
{
    switch (f) {
    case SHIPEST_DIST_CONSTANT: return "constant";
    case SHIPEST_DIST_UNIFORM: return "uniform";
    case SHIPEST_DIST_NORMAL: return "normal";
    case SHIPEST_DIST_LOGNORMAL: return "lognormal";
    case SHIPEST_DIST_TRIANGULAR: return "triangular";
    case SHIPEST_DIST_PERT: return "PERT";
    case SHIPEST_DIST_BETA: return "beta";
    case SHIPEST_DIST_GAMMA: return "gamma";
    case SHIPEST_DIST_EXPONENTIAL: return "exponential";
    case SHIPEST_DIST_STUDENT_T: return "Student-t";
    case SHIPEST_DIST_TRUNCNORMAL: return "truncated normal";
    case SHIPEST_DIST_POISSON: return "Poisson";
    case SHIPEST_DIST_BINOMIAL: return "binomial";
    case SHIPEST_DIST_EMPIRICAL: return "empirical";
    case SHIPEST_DIST_MIXTURE: return "a mixture";
    case SHIPEST_DIST_QUANTILE3: return "a three-quantile fit";
    }
    return "not lognormal";
}

size_t shipest_analysis_reason(const shipest_analysis *a, size_t i, char *buf, size_t size)
{
    const shp_aout *o = get_out(a, i);
    char who[160], text[512];
    if (o == NULL || o->why == SHP_WHY_NONE)
        return shp_copy_out("", buf, size);
    if (o->why_label != NULL)
        snprintf(who, sizeof who, "'%s'", o->why_label);
    else
        snprintf(who, sizeof who, "node #%ld", (long)o->why_node);
    const char *w = who;
    switch (o->why) {
    case SHP_WHY_NONE: text[0] = '\0'; break;
    case SHP_WHY_LIN_NOMOMENT:
        snprintf(text, sizeof text, "no answer: input %s (%s) has no finite mean and variance",
                 w, family_word(o->why_family));
        break;
    case SHP_WHY_LIN_NONFINITE:
        snprintf(text, sizeof text,
                 "no answer: the value or a derivative of %s (%s) at the input means is not "
                 "finite",
                 w, op_word(o->why_op));
        break;
    case SHP_WHY_LIN_NONSMOOTH:
        snprintf(text, sizeof text,
                 "not smooth: %s is a %s of uncertain values; the derivative of the branch "
                 "active at the input means was used, and the kink is ignored",
                 w, op_word(o->why_op));
        break;
    case SHP_WHY_LIN_NONLINEAR:
        snprintf(text, sizeof text,
                 "approximate: %s (%s) is not linear in the uncertain inputs; only first-order "
                 "terms are kept (JCGM 100 5.1.2)",
                 w, op_word(o->why_op));
        break;
    case SHP_WHY_LIN_NONNORMAL:
        snprintf(text, sizeof text,
                 "approximate interval: the output is linear in its inputs, but input %s is %s, "
                 "not normal, so the interval from the normal k is approximate",
                 w, family_word(o->why_family));
        break;
    case SHP_WHY_LOG_FAMILY:
        snprintf(text, sizeof text, "not exact for this model: input %s is %s, not lognormal", w,
                 family_word(o->why_family));
        break;
    case SHP_WHY_LOG_NONPOS:
        snprintf(text, sizeof text,
                 "not exact for this model: %s scales by a constant (%g) that is not positive", w,
                 o->why_x);
        break;
    case SHP_WHY_LOG_SUM:
        snprintf(text, sizeof text,
                 "not exact for this model: %s is a %s of uncertain values, and a sum of "
                 "lognormals is not lognormal",
                 w, op_word(o->why_op));
        break;
    case SHP_WHY_LOG_NEG:
        snprintf(text, sizeof text, "not exact for this model: %s negates an uncertain value", w);
        break;
    case SHP_WHY_LOG_EXPONENT:
        snprintf(text, sizeof text, "not exact for this model: %s has an uncertain exponent", w);
        break;
    case SHP_WHY_LOG_OP:
        snprintf(text, sizeof text,
                 "not exact for this model: %s applies %s to an uncertain value, which does not "
                 "keep it lognormal",
                 w, op_word(o->why_op));
        break;
    case SHP_WHY_B_NAN:
        snprintf(text, sizeof text,
                 "no bounds: %s (%s) is outside its domain for every value in the bounds", w,
                 op_word(o->why_op));
        break;
    case SHP_WHY_B_DIV0:
        snprintf(text, sizeof text,
                 "unbounded: %s divides by a value whose bounds [%g, %g] contain 0", w, o->why_x,
                 o->why_y);
        break;
    case SHP_WHY_B_DOMAIN:
        snprintf(text, sizeof text,
                 "partly outside the domain: %s (%s) gets values in [%g, %g], part of which it "
                 "cannot take; the bounds cover the rest",
                 w, op_word(o->why_op), o->why_x, o->why_y);
        break;
    case SHP_WHY_B_OVERFLOW:
        snprintf(text, sizeof text, "unbounded: %s (%s) reaches an infinite value", w,
                 op_word(o->why_op));
        break;
    case SHP_WHY_B_SUPPORT:
        snprintf(text, sizeof text,
                 "one-sided: input %s has an unbounded support, and no tail probability cuts it",
                 w);
        break;
    case SHP_WHY_B_QUANTILE:
        snprintf(text, sizeof text,
                 "the bounds hold with probability at least %.6g: input %s and any other cut "
                 "input range over their %g and %g quantiles, not their whole support",
                 o->prob, w, a->tail, 1.0 - a->tail);
        break;
    }
    return shp_copy_out(text, buf, size);
}
