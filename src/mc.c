/* mc.c — the Monte Carlo engine: a model evaluated over blocks of trials.
 *
 * Values are held as a struct of arrays: one buffer of B doubles per node, so
 * every operation is a simple loop over a block. Trial t of input k is the
 * inverse CDF at uniform (seed, k's stream, t); an input used twice is one
 * buffer, so `x - x` is exactly 0. Blocks sit on an absolute grid (multiples
 * of B from trial 0, B a multiple of SHP_CHUNK) and everything a block adds
 * to the result is exact (see mc.h), so any thread count, block size or
 * split of the trial range gives the same bits.
 *
 * Threads: the calling thread and threads-1 POSIX threads take blocks from
 * an atomic counter. All allocation and every callback happen on the
 * calling thread; workers only compute into buffers they were given. */
#define _POSIX_C_SOURCE 200809L

#include "mc.h"
#include "dist.h"
#include "rng.h"
#include "specfun.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* ---- Latin hypercube ------------------------------------------------------------
 * Trials are grouped by absolute index into strata groups of LHS_GROUP
 * trials (t / LHS_GROUP). In a group, trial t of input k falls in stratum
 * pi(t mod LHS_GROUP) of LHS_GROUP equal-probability strata, pi a bijection
 * keyed by (seed, k, group); the uniform is jittered inside it. Every value
 * is a pure function of (seed, k, t), so LHS stays range-splittable and
 * thread-independent. Limit: stratification holds within each whole group
 * (a range edge that cuts a group leaves that group partly stratified), and
 * pairings across inputs are random per group, as in plain LHS. */
#define LHS_BITS 10
#define LHS_GROUP (1u << LHS_BITS)

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t lhs_perm(uint32_t x, uint64_t key)
{
    const uint32_t mask = LHS_GROUP - 1;
    /* xor with a constant, multiplication by an odd constant and x ^= x >> s
     * are each bijections on LHS_BITS-bit integers; so is their composition. */
    for (int r = 0; r < 3; r++) {
        x ^= (uint32_t)key & mask;
        x = (x * ((uint32_t)(key >> 16) | 1u)) & mask;
        x ^= x >> 4;
        key = mix64(key + UINT64_C(0x9e3779b97f4a7c15));
    }
    return x;
}

/* ---- plan and workers ------------------------------------------------------------- */

typedef struct plan {
    const shipest_model *m;
    shipest_result *r;
    uint64_t seed;
    unsigned flags;
    uint64_t first, end, a0, n_blocks;
    size_t B;
    size_t n_c;          /* correlated inputs */
    int32_t *c_node;     /* their nodes */
    int32_t *node_c;     /* per node: copula slot or -1 */
    double *chol;        /* n_c x n_c lower triangle */
    int32_t *node_bind;  /* per node: binding slot or -1 */
    long head, tail;     /* fragment slots of the range edges */
    double p_base, p_scale;
    atomic_uint_fast64_t next;
    atomic_uint_fast64_t done;
    atomic_int stop;
} plan;

typedef struct worker {
    plan *p;
    double *mem;   /* buf, u, z, disp in one block */
    double *buf, *u, *z, *disp;
    shp_acc own;
    shp_acc *acc;
    pthread_t th;
    int started;
} worker;

static void draw(const plan *p, uint64_t stream, uint64_t t0, size_t m, double *u)
{
    shp_rng_uniforms(p->seed, stream, t0, m, u);
    if (!(p->flags & SHIPEST_RUN_LHS))
        return;
    uint64_t group = UINT64_MAX, key = 0;
    for (size_t j = 0; j < m; j++) {
        uint64_t t = t0 + j;
        if ((t >> LHS_BITS) != group) {
            group = t >> LHS_BITS;
            key = mix64(mix64(p->seed ^ UINT64_C(0x4c48532d7374726b)) ^ mix64(stream) ^ group);
        }
        uint32_t s = lhs_perm((uint32_t)(t & (LHS_GROUP - 1)), key);
        u[j] = ((double)s + u[j]) * (1.0 / LHS_GROUP);
    }
}

static void copula(const plan *p, worker *w, uint64_t t0, size_t m)
{
    size_t B = p->B, n = p->n_c;
    for (size_t c = 0; c < n; c++) {
        double *z = w->z + c * B;
        draw(p, p->m->nodes[p->c_node[c]].stream, t0, m, z);
        shp_norm_ppf_block(z, m, z);
    }
    /* z' = L z in place: row c needs rows <= c, so go from the last row up. */
    for (size_t c = n; c-- > 0;) {
        double *zc = w->z + c * B;
        const double *L = p->chol + c * n;
        for (size_t j = 0; j < m; j++) {
            double s = L[c] * zc[j];
            for (size_t k = 0; k < c; k++)
                s += L[k] * w->z[k * B + j];
            double u = shp_norm_cdf(s);
            /* Same range as shp_rng_u01, so no family (unbounded ones
             * included) ever sees 0, 1 or a tail beyond what plain
             * sampling reaches; NaN goes to the low end. */
            zc[j] = u >= 0x1p-54 ? (u < 1 ? u : 1 - 0x1p-53) : 0x1p-54;
        }
    }
}

/* Evaluate every node for trials [t0, t0 + m); bind counts go to `bind`
 * (NULL to skip counting). */
static void eval_block(const plan *p, worker *w, uint64_t t0, size_t m, uint64_t *bind)
{
    const shipest_model *md = p->m;
    size_t B = p->B;
    if (p->n_c)
        copula(p, w, t0, m);
    for (size_t i = 0; i < md->n_nodes; i++) {
        const shp_node *nd = &md->nodes[i];
        double *o = w->buf + i * B;
        const double *a = nd->nargs > 0 ? w->buf + (size_t)nd->args[0] * B : NULL;
        const double *b = nd->nargs > 1 ? w->buf + (size_t)nd->args[1] * B : NULL;
        double k = nd->k;
        size_t j;
        switch (nd->op) {
        case SHP_OP_INPUT:
        case SHP_OP_FACTOR: {
            const double *u = w->u;
            if (p->node_c[i] >= 0)
                u = w->z + (size_t)p->node_c[i] * B;
            else
                draw(p, nd->stream, t0, m, w->u);
            shp_dist_ppf_block(nd->dist, u, m, o);
            if (k != 1)
                for (j = 0; j < m; j++)
                    o[j] *= k;
            break;
        }
        case SHP_OP_CONST:
            for (j = 0; j < m; j++)
                o[j] = k;
            break;
        case SHP_OP_ADD:
            for (j = 0; j < m; j++)
                o[j] = a[j] + b[j];
            break;
        case SHP_OP_SUB:
            for (j = 0; j < m; j++)
                o[j] = a[j] - b[j];
            break;
        case SHP_OP_MUL:
            for (j = 0; j < m; j++)
                o[j] = a[j] * b[j];
            break;
        case SHP_OP_DIV:
            for (j = 0; j < m; j++)
                o[j] = a[j] / b[j];
            break;
        case SHP_OP_NEG:
            for (j = 0; j < m; j++)
                o[j] = -a[j];
            break;
        case SHP_OP_POW:
            for (j = 0; j < m; j++)
                o[j] = pow(a[j], b[j]);
            break;
        case SHP_OP_MIN:
            for (j = 0; j < m; j++)
                o[j] = b[j] < a[j] ? b[j] : a[j];
            break;
        case SHP_OP_MAX:
            for (j = 0; j < m; j++)
                o[j] = b[j] > a[j] ? b[j] : a[j];
            break;
        case SHP_OP_EXP:
            for (j = 0; j < m; j++)
                o[j] = exp(a[j]);
            break;
        case SHP_OP_LOG:
            for (j = 0; j < m; j++)
                o[j] = log(a[j]);
            break;
        case SHP_OP_SQRT:
            for (j = 0; j < m; j++)
                o[j] = sqrt(a[j]);
            break;
        case SHP_OP_ABS:
            for (j = 0; j < m; j++)
                o[j] = fabs(a[j]);
            break;
        case SHP_OP_SCALE:
            for (j = 0; j < m; j++)
                o[j] = a[j] * k;
            break;
        case SHP_OP_FLOOR:
            for (j = 0; j < m; j++)
                o[j] = floor(a[j]);
            break;
        case SHP_OP_BINDING: {
            uint64_t *cnt = bind != NULL ? bind + (size_t)p->node_bind[i] * SHP_MAX_ARGS : NULL;
            uint64_t local[SHP_MAX_ARGS] = {0};
            memcpy(o, a, m * sizeof *o);
            for (j = 0; j < m; j++) {
                unsigned which = 0;
                for (uint32_t q = 1; q < nd->nargs; q++) {
                    double v = w->buf[(size_t)nd->args[q] * B + j];
                    if (v < o[j]) {
                        o[j] = v;
                        which = q;
                    }
                }
                local[which]++;
            }
            if (cnt != NULL)
                for (uint32_t q = 0; q < nd->nargs; q++)
                    cnt[q] += local[q];
            break;
        }
        }
    }
}

/* Add the block's outputs to the worker's accumulators and the result. */
static void collect(const plan *p, worker *w, uint64_t t0, size_t m)
{
    shipest_result *r = p->r;
    size_t B = p->B;
    uint64_t t1 = t0 + m;
    for (size_t o = 0; o < r->n_out; o++) {
        const shp_out *out = &r->out[o];
        const double *v = w->buf + (size_t)out->node * B;
        const double *d = v;
        if (out->scale != 1) {
            for (size_t j = 0; j < m; j++)
                w->disp[j] = v[j] / out->scale;
            d = w->disp;
        }
        if (r->kept)
            memcpy(r->kept_mem + (size_t)r->kept_cap * o + (t0 - p->first), d, m * sizeof *d);
        for (uint64_t cs = t0; cs < t1;) {
            uint64_t room = SHP_CHUNK - cs % SHP_CHUNK;
            uint64_t ce = t1 - cs <= room ? t1 : cs + room;
            size_t len = (size_t)(ce - cs);
            if (len == SHP_CHUNK) {
                shp_moments_add(&w->acc->mom[o], d + (cs - t0), len, out->shift);
            } else {
                /* A range edge: its chunk is completed only by a merge. */
                long slot = cs / SHP_CHUNK == p->first / SHP_CHUNK ? p->head : p->tail;
                shp_frag *f = &r->frag[slot];
                memcpy(f->v + o * SHP_CHUNK + (cs - f->lo), d + (cs - t0), len * sizeof *d);
            }
            cs = ce;
        }
        if (w->acc->sk != NULL)
            shp_sketch_add_block(&w->acc->sk[o], d, m);
    }
    shp_reservoir *res = &w->acc->res;
    for (size_t j = 0; j < m; j++) {
        /* One compare against the threshold; the slots are touched only by
         * the few trials that pass it. */
        uint64_t key = shp_trial_key(t0 + j);
        if (!shp_reservoir_wants(res, key))
            continue;
        double *row = shp_reservoir_insert(res, key, t0 + j);
        for (size_t o = 0; o < r->n_out; o++) {
            double v = w->buf[(size_t)r->out[o].node * B + j];
            row[o] = r->out[o].scale != 1 ? v / r->out[o].scale : v;
        }
        for (size_t s = 0; s < r->n_src; s++)
            row[r->n_out + s] = w->buf[(size_t)r->src[s].node * B + j];
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Progress from the calling thread: whenever 1% more blocks are done or
 * 100 ms have passed. Returns 1 when the callback asks to stop. */
static int report(plan *p, shipest_ctx *ctx, uint64_t *last_done, double *last_t)
{
    uint64_t done = atomic_load(&p->done);
    double t = now_seconds();
    if ((done - *last_done) * 100 < p->n_blocks && t - *last_t < 0.1)
        return 0;
    *last_done = done;
    *last_t = t;
    if (!shp_progress(ctx, p->p_base + p->p_scale * ((double)done / (double)p->n_blocks)))
        return 0;
    atomic_store(&p->stop, 1);
    return 1;
}

/* Take blocks until none are left. The calling thread (ctx != NULL) also
 * reports progress, and once it has no block left it keeps reporting (and
 * honouring cancellation) until the other threads finish theirs, so the
 * reports do not depend on how many blocks it happened to take. */
static void work(worker *w, shipest_ctx *ctx)
{
    plan *p = w->p;
    const int reporting = ctx != NULL && ctx->progress_fn != NULL;
    uint64_t last_done = 0;
    double last_t = reporting ? now_seconds() : 0;
    for (;;) {
        if (atomic_load(&p->stop))
            return;
        uint64_t b = atomic_fetch_add(&p->next, 1);
        if (b >= p->n_blocks)
            break;
        /* Written so that a range ending near 2^64 cannot overflow. */
        uint64_t ta = p->a0 + b * p->B;
        uint64_t t0 = ta < p->first ? p->first : ta;
        uint64_t t1 = p->end - ta <= p->B ? p->end : ta + p->B;
        eval_block(p, w, t0, (size_t)(t1 - t0), w->acc->bind);
        collect(p, w, t0, (size_t)(t1 - t0));
        atomic_fetch_add(&p->done, 1);
        if (reporting && report(p, ctx, &last_done, &last_t))
            return;
    }
    while (reporting && atomic_load(&p->done) < p->n_blocks && !atomic_load(&p->stop)) {
        const struct timespec pause = {0, 2000000}; /* 2 ms */
        nanosleep(&pause, NULL);
        if (report(p, ctx, &last_done, &last_t))
            return;
    }
}

static void *thread_main(void *arg)
{
    work(arg, NULL);
    return NULL;
}

/* ---- correlations -------------------------------------------------------------------- */

static const char *nm(const shipest_model *m, int32_t i)
{
    return m->nodes[i].name != NULL ? m->nodes[i].name : "(unnamed)";
}

/* Gather the correlated inputs and factor the matrix. */
static shipest_status plan_copula(shipest_ctx *ctx, plan *p)
{
    const shipest_model *m = p->m;
    for (size_t i = 0; i < m->n_nodes; i++)
        p->node_c[i] = -1;
    p->n_c = 0;
    if (m->n_corr == 0)
        return SHIPEST_OK;
    for (size_t c = 0; c < m->n_corr; c++) {
        const shp_correlation *k = &m->corr[c];
        int32_t e[2] = {k->a, k->b};
        if (k->a == k->b || k->a < 0 || k->b < 0 || (size_t)k->a >= m->n_nodes ||
            (size_t)k->b >= m->n_nodes)
            return shp_error(ctx, SHIPEST_EINVAL, "invalid correlation pair");
        if (!(k->rho >= -1 && k->rho <= 1))
            return shp_error(ctx, SHIPEST_EDOMAIN, "correlation of '%s' and '%s' is %g, not in [-1, 1]",
                             nm(m, k->a), nm(m, k->b), k->rho);
        for (int q = 0; q < 2; q++) {
            shp_op op = m->nodes[e[q]].op;
            if (op != SHP_OP_INPUT && op != SHP_OP_FACTOR)
                return shp_error(ctx, SHIPEST_EINVAL, "'%s' is correlated but is not an input or factor",
                                 nm(m, e[q]));
            if (p->node_c[e[q]] < 0) {
                p->node_c[e[q]] = (int32_t)p->n_c;
                p->c_node[p->n_c++] = e[q];
            }
        }
    }
    size_t n = p->n_c;
    double *R = p->chol; /* filled as the matrix, factored in place */
    for (size_t i = 0; i < n * n; i++)
        R[i] = 0;
    for (size_t i = 0; i < n; i++)
        R[i * n + i] = 1;
    for (size_t c = 0; c < m->n_corr; c++) {
        size_t a = (size_t)p->node_c[m->corr[c].a], b = (size_t)p->node_c[m->corr[c].b];
        R[a * n + b] = R[b * n + a] = m->corr[c].rho;
    }
    /* Cholesky R = L L^T; a pivot that is not clearly positive means the
     * correlations contradict each other. The pair named is the strongest
     * correlation of the failing input with an earlier one. */
    for (size_t j = 0; j < n; j++) {
        double d = R[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= R[j * n + k] * R[j * n + k];
        if (!(d > 1e-10)) {
            size_t worst = 0;
            double big = -1;
            for (size_t k = 0; k < j; k++) {
                double v = 0;
                for (size_t c = 0; c < m->n_corr; c++) {
                    size_t a = (size_t)p->node_c[m->corr[c].a], b = (size_t)p->node_c[m->corr[c].b];
                    if ((a == j && b == k) || (a == k && b == j))
                        v = fabs(m->corr[c].rho);
                }
                if (v > big) {
                    big = v;
                    worst = k;
                }
            }
            return shp_error(ctx, SHIPEST_EDOMAIN,
                             "correlations are not positive definite: '%s' with '%s' contradicts "
                             "the other correlations of '%s'",
                             nm(m, p->c_node[j]), nm(m, p->c_node[worst]), nm(m, p->c_node[j]));
        }
        double l = sqrt(d);
        R[j * n + j] = l;
        for (size_t i = j + 1; i < n; i++) {
            double s = R[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= R[i * n + k] * R[j * n + k];
            R[i * n + j] = s / l;
        }
        for (size_t i = 0; i < j; i++)
            R[i * n + j] = 0;
    }
    return SHIPEST_OK;
}

/* ---- a run over one range ---------------------------------------------------------------- */

static shipest_status worker_alloc(shipest_ctx *ctx, plan *p, worker *w, int own)
{
    size_t B = p->B, nn = p->m->n_nodes;
    w->p = p;
    w->mem = shp_alloc_array(ctx, (nn + 2 + p->n_c) * B, sizeof *w->mem);
    if (w->mem == NULL)
        return SHIPEST_ENOMEM;
    w->buf = w->mem;
    w->u = w->buf + nn * B;
    w->disp = w->u + B;
    w->z = w->disp + B;
    if (own) {
        shipest_status st = shp_acc_alloc(ctx, p->r, !p->r->kept, &w->own);
        if (st != SHIPEST_OK)
            return st;
        w->acc = &w->own;
    } else {
        w->acc = &p->r->acc;
    }
    return SHIPEST_OK;
}

static shipest_status run_range(shipest_ctx *ctx, const shipest_model *m, uint64_t first,
                                uint64_t n, unsigned flags, double p_base, double p_scale, int sens,
                                int force_kept, shipest_result **out)
{
    size_t nn = m->n_nodes;
    plan p;
    memset(&p, 0, sizeof p);
    p.m = m;
    p.seed = (uint64_t)ctx->seed;
    p.flags = flags;
    p.first = first;
    p.end = first + n;
    p.B = (size_t)ctx->block_size / SHP_CHUNK * SHP_CHUNK;
    if (p.B < SHP_CHUNK)
        p.B = SHP_CHUNK;
    p.a0 = first / p.B * p.B;
    p.n_blocks = (p.end - p.a0) / p.B + ((p.end - p.a0) % p.B != 0);
    p.p_base = p_base;
    p.p_scale = p_scale;
    atomic_init(&p.next, 0);
    atomic_init(&p.done, 0);
    atomic_init(&p.stop, 0);

    size_t n_out = 0;
    for (size_t i = 0; i < nn; i++)
        n_out += (m->nodes[i].flags & SHP_NODE_OUTPUT) != 0;
    int kept = force_kept || shp_kept_bytes(n_out, n) <= (double)ctx->max_memory;

    size_t nthreads = (size_t)ctx->threads;
    if (nthreads > p.n_blocks)
        nthreads = (size_t)p.n_blocks;
    if (nthreads < 1)
        nthreads = 1;
    shipest_status st = SHIPEST_ENOMEM;
    worker *ws = NULL;
    shipest_result *r = NULL;
    p.node_c = shp_alloc_array(ctx, 2 * nn + 1, sizeof *p.node_c);
    p.c_node = shp_alloc_array(ctx, 2 * m->n_corr + 1, sizeof *p.c_node);
    p.chol = shp_alloc_array(ctx, 4 * m->n_corr * m->n_corr + 1, sizeof *p.chol);
    if (p.node_c == NULL || p.c_node == NULL || p.chol == NULL)
        goto done;
    p.node_bind = p.node_c + nn;
    if ((st = plan_copula(ctx, &p)) != SHIPEST_OK)
        goto done;
    int32_t nb = 0;
    for (size_t i = 0; i < nn; i++)
        p.node_bind[i] = m->nodes[i].op == SHP_OP_BINDING ? nb++ : -1;

    if ((st = shp_result_new(ctx, m, p.seed, flags, kept, n, &r)) != SHIPEST_OK)
        goto done;
    if (r->n_out == 0) {
        st = shp_error(ctx, SHIPEST_EINVAL, "the model has no outputs to run");
        goto done;
    }
    if ((st = shp_result_add_range(r, first, n, &p.head, &p.tail)) != SHIPEST_OK)
        goto done;
    p.r = r;
    st = SHIPEST_ENOMEM;
    ws = shp_calloc(ctx, nthreads, sizeof *ws);
    if (ws == NULL)
        goto done;
    for (size_t t = 0; t < nthreads; t++)
        if ((st = worker_alloc(ctx, &p, &ws[t], t > 0)) != SHIPEST_OK)
            goto done;

    /* Shift of the moment sums: the value of trial 0 (a pure function of
     * the model and seed, so every range agrees on it). */
    eval_block(&p, &ws[0], 0, 1, NULL);
    for (size_t o = 0; o < r->n_out; o++) {
        double v = ws[0].buf[(size_t)r->out[o].node * p.B] / r->out[o].scale;
        r->out[o].shift = isfinite(v) ? v : 0;
    }

    for (size_t t = 1; t < nthreads; t++)
        ws[t].started = pthread_create(&ws[t].th, NULL, thread_main, &ws[t]) == 0;
    work(&ws[0], ctx);
    for (size_t t = 1; t < nthreads; t++)
        if (ws[t].started)
            pthread_join(ws[t].th, NULL);
    if (atomic_load(&p.stop)) {
        st = shp_error(ctx, SHIPEST_ECANCELLED, "run cancelled by the progress callback");
        goto done;
    }
    for (size_t t = 1; t < nthreads; t++)
        shp_acc_merge(r, &r->acc, &ws[t].own);
    if ((st = shp_result_finalise(ctx, r, sens)) != SHIPEST_OK)
        goto done;
    r->stop_reason = SHIPEST_STOP_FIXED;
done:
    if (ws != NULL) {
        for (size_t t = 0; t < nthreads; t++) {
            shp_free(ctx, ws[t].mem);
            shp_acc_free(ctx, &ws[t].own);
        }
        shp_free(ctx, ws);
    }
    shp_free(ctx, p.node_c);
    shp_free(ctx, p.c_node);
    shp_free(ctx, p.chol);
    if (st != SHIPEST_OK) {
        shipest_result_free(r);
        return st;
    }
    *out = r;
    return SHIPEST_OK;
}

static shipest_status check_args(shipest_ctx *ctx, const shipest_model *m, unsigned flags,
                                 shipest_result **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (m == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "run: NULL model or result pointer");
    if (flags & ~(unsigned)SHIPEST_RUN_LHS)
        return shp_error(ctx, SHIPEST_EINVAL, "run: unknown flags 0x%x", flags);
    return SHIPEST_OK;
}

shipest_status shipest_model_run_range(shipest_ctx *ctx, const shipest_model *m, uint64_t first,
                                       uint64_t n, unsigned flags, shipest_result **out)
{
    shipest_status st = check_args(ctx, m, flags, out);
    if (st != SHIPEST_OK)
        return st;
    if (n == 0 || first > UINT64_MAX - n)
        return shp_error(ctx, SHIPEST_ERANGE, "run: the trial range is empty or overflows");
    st = run_range(ctx, m, first, n, flags, 0, 1, 1, 0, out);
    if (st == SHIPEST_OK && shp_progress(ctx, 1.0)) {
        shipest_result_free(*out);
        *out = NULL;
        return shp_error(ctx, SHIPEST_ECANCELLED, "run cancelled by the progress callback");
    }
    return st;
}

shipest_status shipest_model_run(shipest_ctx *ctx, const shipest_model *m, shipest_result **out)
{
    if (ctx == NULL)
        return check_args(ctx, m, 0, out);
    return shipest_model_run_range(ctx, m, 0, (uint64_t)ctx->trials, 0, out);
}

/* ---- adaptive stopping (JCGM 101 7.9) ------------------------------------------------------- */

/* Per sequence and output: mean, standard uncertainty, interval ends. */
enum { ST_Y, ST_U, ST_LO, ST_HI, ST_N };

/* Standard deviation of the mean of h values spaced `stride` apart
 * (JCGM 101 7.9.4 f). */
static double sd_of_mean(const double *v, size_t h, size_t stride)
{
    double mean = 0;
    for (size_t i = 0; i < h; i++)
        mean += v[i * stride];
    mean /= (double)h;
    double ss = 0;
    for (size_t i = 0; i < h; i++) {
        double d = v[i * stride] - mean;
        ss += d * d;
    }
    return sqrt(ss / ((double)h * (double)(h - 1)));
}

shipest_status shipest_model_run_adaptive(shipest_ctx *ctx, const shipest_model *m, int digits,
                                          uint64_t max_trials, unsigned flags,
                                          shipest_result **out)
{
    shipest_status st = check_args(ctx, m, flags, out);
    if (st != SHIPEST_OK)
        return st;
    if (digits < 1 || digits > 6)
        return shp_error(ctx, SHIPEST_ERANGE, "adaptive run: digits must be 1 to 6 (got %d)", digits);
    double p = ctx->coverage;
    /* M = max(J, 10^4) trials per sequence, J = 100 / (1 - p) (7.9.4 b). */
    uint64_t M = (uint64_t)ceil(100 / (1 - p));
    if (M < 10000)
        M = 10000;
    if (max_trials < 2 * M)
        return shp_error(ctx, SHIPEST_ERANGE,
                         "adaptive run: max_trials must be at least %llu (two sequences of %llu)",
                         (unsigned long long)(2 * M), (unsigned long long)M);
    uint64_t h_max = max_trials / M;
    shipest_result *total = NULL, *batch = NULL;
    double *stats = NULL;
    size_t cap_stats = 0, n_out = 0;
    int stable = 0;
    uint64_t h;
    for (h = 0; h < h_max && !stable; h++) {
        double base = (double)(h * M) / (double)(h_max * M), scale = 1.0 / (double)h_max;
        /* Each sequence keeps its samples (M values per output) so its
         * interval ends are exact. */
        if ((st = run_range(ctx, m, h * M, M, flags, base, scale, 0, 1, &batch)) != SHIPEST_OK)
            goto fail;
        n_out = batch->n_out;
        if ((size_t)(h + 1) * n_out * ST_N > cap_stats) {
            size_t cap = cap_stats ? 2 * cap_stats : 64 * n_out * ST_N;
            double *ns = shp_realloc(ctx, stats, cap * sizeof *ns);
            if (ns == NULL) {
                st = SHIPEST_ENOMEM;
                goto fail;
            }
            stats = ns;
            cap_stats = cap;
        }
        for (size_t o = 0; o < n_out; o++) {
            double *s = stats + ((size_t)h * n_out + o) * ST_N;
            const shp_out *bo = &batch->out[o];
            s[ST_Y] = bo->mean;
            s[ST_U] = sqrt(bo->var);
            if (bo->ord.n > 0) {
                shp_order_interval(batch, o, p, 0, &s[ST_LO], &s[ST_HI]);
            } else {
                s[ST_LO] = s[ST_HI] = NAN;
            }
        }
        if (total == NULL) {
            total = batch;
        } else {
            st = shp_result_absorb(ctx, total, batch);
            shipest_result_free(batch);
            if (st != SHIPEST_OK) {
                batch = NULL;
                goto fail;
            }
        }
        batch = NULL;
        if (h < 1)
            continue;
        /* 7.9.4 h-i: stable when twice each standard deviation of the mean
         * is within the numerical tolerance of u(y) for every output. */
        stable = 1;
        size_t hh = (size_t)h + 1;
        for (size_t o = 0; o < n_out && stable; o++) {
            double mean, var;
            shp_result_moments(total, o, &mean, &var);
            double u = sqrt(var);
            if (!(u > 0))
                continue; /* a constant output is exactly known */
            double l = floor(log10(u)) - digits + 1;
            double delta = 0.5 * pow(10, l);
            size_t stride = n_out * ST_N;
            const double *col = stats + o * ST_N;
            double sy = sd_of_mean(col + ST_Y, hh, stride), su = sd_of_mean(col + ST_U, hh, stride);
            double slo = sd_of_mean(col + ST_LO, hh, stride), shi = sd_of_mean(col + ST_HI, hh, stride);
            if (!(2 * sy <= delta && 2 * su <= delta && 2 * slo <= delta && 2 * shi <= delta))
                stable = 0;
        }
    }
    if ((st = shp_result_finalise(ctx, total, 1)) != SHIPEST_OK)
        goto fail;
    if (shp_progress(ctx, 1.0)) {
        st = shp_error(ctx, SHIPEST_ECANCELLED, "run cancelled by the progress callback");
        goto fail;
    }
    total->stop_reason = stable ? SHIPEST_STOP_STABLE : SHIPEST_STOP_CAP;
    shp_free(ctx, stats);
    *out = total;
    return SHIPEST_OK;
fail:
    shipest_result_free(batch);
    shipest_result_free(total);
    shp_free(ctx, stats);
    return st;
}
