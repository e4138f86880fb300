/* result.c — the result object: what a run produced, its exact merge, and
 * the public accessors that are not statistics (names, dependencies,
 * sensitivity, load-plan bindings, samples). */
#define _POSIX_C_SOURCE 200809L

#include "mc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double shp_kept_bytes(size_t n_out, uint64_t n)
{
    /* samples in trial order + their partitioned copy (order.c) + the
     * bucket sorts' scratch, at most one more output's worth */
    return (double)n * (double)sizeof(double) * (2.0 * (double)n_out + 1.0);
}

/* ---- accumulators -------------------------------------------------------- */

static size_t res_cap_for(uint64_t trials)
{
    return trials < SHP_SENS_CAP ? (size_t)(trials ? trials : 1) : SHP_SENS_CAP;
}

static shipest_status acc_alloc_cap(shipest_ctx *ctx, const shipest_result *r, int sketched,
                                    size_t cap, shp_acc *a)
{
    memset(a, 0, sizeof *a);
    size_t width = SHP_RES_WIDTH(r);
    a->mom = shp_alloc_array(ctx, r->n_out ? r->n_out : 1, sizeof *a->mom);
    a->res_mem = shp_alloc_array(ctx, 2 * SHP_RES_SLOTS(cap), sizeof *a->res_mem);
    a->res_row = shp_alloc_array(ctx, SHP_RES_SLOTS(cap) * (width ? width : 1), sizeof *a->res_row);
    a->bind = shp_calloc(ctx, r->n_bind * SHP_MAX_ARGS + 1, sizeof *a->bind);
    if (a->mom == NULL || a->res_mem == NULL || a->res_row == NULL || a->bind == NULL)
        goto fail;
    if (sketched && r->n_out > 0) {
        a->sk = shp_alloc_array(ctx, r->n_out, sizeof *a->sk);
        a->sk_mem = shp_alloc_array(ctx, r->n_out * 2 * SHP_SKETCH_WINDOW, sizeof *a->sk_mem);
        if (a->sk == NULL || a->sk_mem == NULL)
            goto fail;
        for (size_t o = 0; o < r->n_out; o++)
            shp_sketch_init(&a->sk[o], a->sk_mem + o * 2 * SHP_SKETCH_WINDOW);
    }
    for (size_t o = 0; o < r->n_out; o++)
        shp_moments_init(&a->mom[o]);
    shp_reservoir_init(&a->res, cap, width, a->res_mem, a->res_row);
    return SHIPEST_OK;
fail:
    shp_acc_free(ctx, a);
    return SHIPEST_ENOMEM;
}

shipest_status shp_acc_alloc(shipest_ctx *ctx, const shipest_result *r, int sketched, shp_acc *a)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->n_ranges; i++)
        n += r->ranges[i].n;
    return acc_alloc_cap(ctx, r, sketched, res_cap_for(n), a);
}

void shp_acc_free(shipest_ctx *ctx, shp_acc *a)
{
    shp_free(ctx, a->mom);
    shp_free(ctx, a->sk);
    shp_free(ctx, a->sk_mem);
    shp_free(ctx, a->res_mem);
    shp_free(ctx, a->res_row);
    shp_free(ctx, a->bind);
    memset(a, 0, sizeof *a);
}

void shp_acc_merge(const shipest_result *r, shp_acc *a, const shp_acc *b)
{
    for (size_t o = 0; o < r->n_out; o++) {
        shp_moments_merge(&a->mom[o], &b->mom[o]);
        if (a->sk != NULL && b->sk != NULL)
            shp_sketch_merge(&a->sk[o], &b->sk[o]);
    }
    shp_reservoir_merge(&a->res, &b->res);
    for (size_t i = 0; i < r->n_bind * SHP_MAX_ARGS; i++)
        a->bind[i] += b->bind[i];
}

/* ---- creation -------------------------------------------------------------- */

static void result_free_parts(shipest_result *r)
{
    shipest_ctx *ctx = r->ctx;
    shp_order_free(ctx, r);
    for (size_t f = 0; f < r->n_frag; f++)
        shp_free(ctx, r->frag[f].v);
    shp_free(ctx, r->frag);
    shp_free(ctx, r->pool);
    shp_free(ctx, r->out);
    shp_free(ctx, r->src);
    shp_free(ctx, r->bind);
    shp_free(ctx, r->dep_mem);
    shp_free(ctx, r->sens_mem);
    shp_free(ctx, r->sens_idx_mem);
    shp_free(ctx, r->ranges);
    shp_free(ctx, r->kept_mem);
    shp_acc_free(ctx, &r->acc);
}

void shipest_result_free(shipest_result *r)
{
    if (r == NULL)
        return;
    shipest_ctx *ctx = r->ctx;
    result_free_parts(r);
    shp_free(ctx, r);
}

static const char *node_label(const shp_node *nd, int32_t idx, char *tmp, size_t size)
{
    if (nd->name != NULL)
        return nd->name;
    snprintf(tmp, size, "#%ld", (long)idx);
    return tmp;
}

/* Copy s into the pool at *pos; returns the copy. */
static const char *pool_put(char *pool, size_t *pos, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(pool + *pos, s, n);
    const char *p = pool + *pos;
    *pos += n;
    return p;
}

/* Arrays sized by the metadata: dependencies and sensitivity. */
static shipest_status alloc_dep_arrays(shipest_ctx *ctx, shipest_result *r, size_t total_deps)
{
    r->dep_mem = shp_alloc_array(ctx, total_deps + 1, sizeof *r->dep_mem);
    r->sens_mem = shp_alloc_array(ctx, 2 * total_deps + 1, sizeof *r->sens_mem);
    r->sens_idx_mem = shp_alloc_array(ctx, total_deps + 1, sizeof *r->sens_idx_mem);
    if (r->dep_mem == NULL || r->sens_mem == NULL || r->sens_idx_mem == NULL)
        return SHIPEST_ENOMEM;
    size_t at = 0;
    for (size_t o = 0; o < r->n_out; o++) {
        r->out[o].deps = r->dep_mem + at;
        r->out[o].sens_src = r->sens_idx_mem + at;
        r->out[o].sens_share = r->sens_mem + at;
        r->out[o].sens_rho = r->sens_mem + total_deps + at;
        at += r->out[o].n_deps;
    }
    return SHIPEST_OK;
}

static shipest_status alloc_data(shipest_ctx *ctx, shipest_result *r, int kept, uint64_t capacity)
{
    r->kept = kept;
    r->cap_ranges = 4;
    r->ranges = shp_alloc_array(ctx, r->cap_ranges, sizeof *r->ranges);
    if (r->ranges == NULL)
        return SHIPEST_ENOMEM;
    if (kept && capacity > 0 && r->n_out > 0) {
        if (capacity > SIZE_MAX / sizeof(double) / r->n_out)
            return shp_error(ctx, SHIPEST_ENOMEM, "out of memory (%llu trials)",
                             (unsigned long long)capacity);
        r->kept_mem = shp_alloc_array(ctx, (size_t)capacity * r->n_out, sizeof *r->kept_mem);
        if (r->kept_mem == NULL)
            return SHIPEST_ENOMEM;
        r->kept_cap = capacity;
    }
    return acc_alloc_cap(ctx, r, !kept, res_cap_for(capacity), &r->acc);
}

shipest_status shp_result_new(shipest_ctx *ctx, const shipest_model *m, uint64_t seed,
                              unsigned flags, int kept, uint64_t capacity,
                              shipest_result **out)
{
    *out = NULL;
    shipest_result *r = shp_calloc(ctx, 1, sizeof *r);
    if (r == NULL)
        return SHIPEST_ENOMEM;
    r->ctx = ctx;
    r->seed = seed;
    r->flags = flags;
    r->fingerprint = shp_model_fingerprint(m);
    size_t nn = m->n_nodes;
    char tmp[32];
    /* mark[i] bit o... kept per output as a byte array: nn * n_out is small. */
    size_t n_out = 0, n_bind = 0;
    for (size_t i = 0; i < nn; i++) {
        n_out += (m->nodes[i].flags & SHP_NODE_OUTPUT) != 0;
        n_bind += m->nodes[i].op == SHP_OP_BINDING;
    }
    r->n_out = n_out;
    r->n_bind = n_bind;
    unsigned char *anc = shp_calloc(ctx, (n_out ? n_out : 1) * (nn ? nn : 1), 1);
    int32_t *src_of = shp_alloc_array(ctx, nn ? nn : 1, sizeof *src_of);
    shipest_status st = SHIPEST_ENOMEM;
    if (anc == NULL || src_of == NULL)
        goto done;
    /* Ancestors of each output: nodes are in topological order, so one
     * backward sweep propagates the marks. */
    size_t o = 0;
    for (size_t i = 0; i < nn; i++) {
        if (!(m->nodes[i].flags & SHP_NODE_OUTPUT))
            continue;
        unsigned char *mk = anc + o * nn;
        mk[i] = 1;
        for (size_t j = i + 1; j-- > 0;) {
            if (!mk[j])
                continue;
            for (uint32_t k = 0; k < m->nodes[j].nargs; k++)
                mk[m->nodes[j].args[k]] = 1;
        }
        o++;
    }
    size_t n_src = 0, pool_len = 0, total_deps = 0;
    for (size_t i = 0; i < nn; i++) {
        const shp_node *nd = &m->nodes[i];
        src_of[i] = -1;
        int used = 0;
        for (o = 0; o < n_out; o++)
            used |= anc[o * nn + i];
        if ((nd->op == SHP_OP_INPUT || nd->op == SHP_OP_FACTOR) && used) {
            src_of[i] = (int32_t)n_src++;
            pool_len += strlen(node_label(nd, (int32_t)i, tmp, sizeof tmp)) + 1;
            pool_len += strlen(nd->source ? nd->source : "") + 1;
        }
        if (nd->flags & SHP_NODE_OUTPUT) {
            pool_len += strlen(node_label(nd, (int32_t)i, tmp, sizeof tmp)) + 1;
            pool_len += strlen(nd->unit_text ? nd->unit_text : "") + 1;
        }
        if (nd->op == SHP_OP_BINDING) {
            pool_len += strlen(node_label(nd, (int32_t)i, tmp, sizeof tmp)) + 1;
            for (uint32_t k = 0; k < nd->nargs; k++)
                pool_len += strlen(nd->labels[k] ? nd->labels[k] : "") + 1;
        }
    }
    r->n_src = n_src;
    r->pool = shp_alloc(ctx, pool_len + 1);
    r->out = shp_calloc(ctx, n_out + 1, sizeof *r->out);
    r->src = shp_calloc(ctx, n_src + 1, sizeof *r->src);
    r->bind = shp_calloc(ctx, n_bind + 1, sizeof *r->bind);
    if (r->pool == NULL || r->out == NULL || r->src == NULL || r->bind == NULL)
        goto done;
    size_t pos = 0, b = 0;
    o = 0;
    for (size_t i = 0; i < nn; i++) {
        const shp_node *nd = &m->nodes[i];
        if (src_of[i] >= 0) {
            shp_src *s = &r->src[src_of[i]];
            s->node = (int32_t)i;
            s->is_factor = nd->op == SHP_OP_FACTOR;
            s->name = pool_put(r->pool, &pos, node_label(nd, (int32_t)i, tmp, sizeof tmp));
            s->source = pool_put(r->pool, &pos, nd->source ? nd->source : "");
        }
        if (nd->flags & SHP_NODE_OUTPUT) {
            shp_out *out_ = &r->out[o];
            out_->node = (int32_t)i;
            out_->name = pool_put(r->pool, &pos, node_label(nd, (int32_t)i, tmp, sizeof tmp));
            out_->unit = pool_put(r->pool, &pos, nd->unit_text ? nd->unit_text : "");
            out_->scale = nd->display_scale > 0 && isfinite(nd->display_scale) ? nd->display_scale : 1.0;
            out_->mean = out_->var = NAN;
            for (size_t j = 0; j < nn; j++)
                out_->n_deps += anc[o * nn + j] && src_of[j] >= 0;
            total_deps += out_->n_deps;
            o++;
        }
        if (nd->op == SHP_OP_BINDING) {
            shp_bindinfo *bd = &r->bind[b++];
            bd->node = (int32_t)i;
            bd->nargs = nd->nargs;
            bd->name = pool_put(r->pool, &pos, node_label(nd, (int32_t)i, tmp, sizeof tmp));
            for (uint32_t k = 0; k < nd->nargs; k++)
                bd->labels[k] = pool_put(r->pool, &pos, nd->labels[k] ? nd->labels[k] : "");
        }
    }
    if ((st = alloc_dep_arrays(ctx, r, total_deps)) != SHIPEST_OK)
        goto done;
    for (o = 0; o < n_out; o++) {
        size_t d = 0;
        for (size_t j = 0; j < nn; j++)
            if (anc[o * nn + j] && src_of[j] >= 0)
                r->out[o].deps[d++] = (size_t)src_of[j];
    }
    st = alloc_data(ctx, r, kept, capacity);
done:
    shp_free(ctx, anc);
    shp_free(ctx, src_of);
    if (st != SHIPEST_OK) {
        shipest_result_free(r);
        return st == SHIPEST_ENOMEM ? SHIPEST_ENOMEM : st;
    }
    *out = r;
    return SHIPEST_OK;
}

/* An empty result with a's metadata (names, dependencies, shifts). */
static shipest_status result_new_like(shipest_ctx *ctx, const shipest_result *a, int kept,
                                      uint64_t capacity, shipest_result **out)
{
    *out = NULL;
    shipest_result *r = shp_calloc(ctx, 1, sizeof *r);
    if (r == NULL)
        return SHIPEST_ENOMEM;
    r->ctx = ctx;
    r->seed = a->seed;
    r->flags = a->flags;
    r->fingerprint = a->fingerprint;
    r->n_out = a->n_out;
    r->n_src = a->n_src;
    r->n_bind = a->n_bind;
    size_t pool_len = 1;
    for (size_t o = 0; o < a->n_out; o++)
        pool_len += strlen(a->out[o].name) + strlen(a->out[o].unit) + 2;
    for (size_t s = 0; s < a->n_src; s++)
        pool_len += strlen(a->src[s].name) + strlen(a->src[s].source) + 2;
    for (size_t b = 0; b < a->n_bind; b++) {
        pool_len += strlen(a->bind[b].name) + 1;
        for (uint32_t k = 0; k < a->bind[b].nargs; k++)
            pool_len += strlen(a->bind[b].labels[k]) + 1;
    }
    shipest_status st = SHIPEST_ENOMEM;
    r->pool = shp_alloc(ctx, pool_len);
    r->out = shp_calloc(ctx, a->n_out + 1, sizeof *r->out);
    r->src = shp_calloc(ctx, a->n_src + 1, sizeof *r->src);
    r->bind = shp_calloc(ctx, a->n_bind + 1, sizeof *r->bind);
    if (r->pool == NULL || r->out == NULL || r->src == NULL || r->bind == NULL)
        goto fail;
    size_t pos = 0, total_deps = 0;
    for (size_t o = 0; o < a->n_out; o++) {
        shp_out *d = &r->out[o];
        const shp_out *s = &a->out[o];
        d->node = s->node;
        d->name = pool_put(r->pool, &pos, s->name);
        d->unit = pool_put(r->pool, &pos, s->unit);
        d->scale = s->scale;
        d->shift = s->shift;
        d->n_deps = s->n_deps;
        d->mean = d->var = NAN;
        total_deps += s->n_deps;
    }
    for (size_t s = 0; s < a->n_src; s++) {
        r->src[s] = a->src[s];
        r->src[s].name = pool_put(r->pool, &pos, a->src[s].name);
        r->src[s].source = pool_put(r->pool, &pos, a->src[s].source);
    }
    for (size_t b = 0; b < a->n_bind; b++) {
        r->bind[b] = a->bind[b];
        r->bind[b].name = pool_put(r->pool, &pos, a->bind[b].name);
        for (uint32_t k = 0; k < a->bind[b].nargs; k++)
            r->bind[b].labels[k] = pool_put(r->pool, &pos, a->bind[b].labels[k]);
    }
    if ((st = alloc_dep_arrays(ctx, r, total_deps)) != SHIPEST_OK)
        goto fail;
    for (size_t o = 0; o < a->n_out; o++)
        if (a->out[o].n_deps)
            memcpy(r->out[o].deps, a->out[o].deps, a->out[o].n_deps * sizeof *a->out[o].deps);
    if ((st = alloc_data(ctx, r, kept, capacity)) != SHIPEST_OK)
        goto fail;
    *out = r;
    return SHIPEST_OK;
fail:
    shipest_result_free(r);
    return st;
}

/* ---- ranges and fragments ---------------------------------------------------- */

static shipest_status frag_push(shipest_ctx *ctx, shipest_result *r, uint64_t lo, uint32_t n,
                                long *slot)
{
    if (r->n_frag == r->cap_frag) {
        size_t cap = r->cap_frag ? 2 * r->cap_frag : 4;
        shp_frag *f = shp_realloc(ctx, r->frag, cap * sizeof *f);
        if (f == NULL)
            return SHIPEST_ENOMEM;
        r->frag = f;
        r->cap_frag = cap;
    }
    double *v = shp_calloc(ctx, (r->n_out ? r->n_out : 1) * SHP_CHUNK, sizeof *v);
    if (v == NULL)
        return SHIPEST_ENOMEM;
    r->frag[r->n_frag].lo = lo;
    r->frag[r->n_frag].n = n;
    r->frag[r->n_frag].v = v;
    *slot = (long)r->n_frag++;
    return SHIPEST_OK;
}

static shipest_status range_push(shipest_ctx *ctx, shipest_result *r, uint64_t first, uint64_t n)
{
    if (r->n_ranges == r->cap_ranges) {
        size_t cap = 2 * r->cap_ranges;
        shp_range *g = shp_realloc(ctx, r->ranges, cap * sizeof *g);
        if (g == NULL)
            return SHIPEST_ENOMEM;
        r->ranges = g;
        r->cap_ranges = cap;
    }
    r->ranges[r->n_ranges].first = first;
    r->ranges[r->n_ranges].n = n;
    r->n_ranges++;
    return SHIPEST_OK;
}

shipest_status shp_result_add_range(shipest_result *r, uint64_t first, uint64_t n, long *head,
                                    long *tail)
{
    shipest_ctx *ctx = r->ctx;
    *head = *tail = -1;
    uint64_t end = first + n;
    uint64_t c0 = first / SHP_CHUNK, c1 = (end - 1) / SHP_CHUNK;
    shipest_status st;
    if (c0 == c1) {
        if (n < SHP_CHUNK && (st = frag_push(ctx, r, first, (uint32_t)n, head)) != SHIPEST_OK)
            return st;
        *tail = *head;
    } else {
        if (first % SHP_CHUNK &&
            (st = frag_push(ctx, r, first, (uint32_t)(SHP_CHUNK - first % SHP_CHUNK), head)) != SHIPEST_OK)
            return st;
        if (end % SHP_CHUNK &&
            (st = frag_push(ctx, r, end - end % SHP_CHUNK, (uint32_t)(end % SHP_CHUNK), tail)) != SHIPEST_OK)
            return st;
    }
    if ((st = range_push(ctx, r, first, n)) != SHIPEST_OK)
        return st;
    r->trials += n;
    return SHIPEST_OK;
}

static int cmp_frag(const void *pa, const void *pb)
{
    const shp_frag *a = pa, *b = pb;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static int cmp_range(const void *pa, const void *pb)
{
    const shp_range *a = pa, *b = pb;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* Join fragments that meet inside one chunk; a chunk made whole goes into
 * the moments exactly as the engine would have added it. */
static void frags_join(shipest_ctx *ctx, shipest_result *r)
{
    if (r->n_frag > 1) /* r->frag may be NULL when there is none */
        qsort(r->frag, r->n_frag, sizeof *r->frag, cmp_frag);
    size_t w = 0;
    for (size_t i = 0; i < r->n_frag; i++) {
        shp_frag *f = &r->frag[i];
        if (w > 0) {
            shp_frag *p = &r->frag[w - 1];
            if (p->lo + p->n == f->lo && p->lo / SHP_CHUNK == f->lo / SHP_CHUNK) {
                for (size_t o = 0; o < r->n_out; o++)
                    memcpy(p->v + o * SHP_CHUNK + p->n, f->v + o * SHP_CHUNK, f->n * sizeof(double));
                p->n += f->n;
                shp_free(ctx, f->v);
                if (p->n == SHP_CHUNK) {
                    for (size_t o = 0; o < r->n_out; o++)
                        shp_moments_add(&r->acc.mom[o], p->v + o * SHP_CHUNK, SHP_CHUNK,
                                        r->out[o].shift);
                    shp_free(ctx, p->v);
                    w--;
                }
                continue;
            }
        }
        r->frag[w++] = *f;
    }
    r->n_frag = w;
}

/* ---- absorb (merge) ---------------------------------------------------------- */

static shipest_status check_compatible(shipest_ctx *ctx, const shipest_result *a,
                                       const shipest_result *b)
{
    if (a->n_out != b->n_out || a->n_src != b->n_src || a->n_bind != b->n_bind ||
        a->fingerprint != b->fingerprint)
        return shp_error(ctx, SHIPEST_EINVAL, "results come from different models");
    if (a->seed != b->seed || a->flags != b->flags)
        return shp_error(ctx, SHIPEST_EINVAL,
                         "results were run with different seeds or sampling options");
    for (size_t o = 0; o < a->n_out; o++)
        if (strcmp(a->out[o].name, b->out[o].name) != 0 ||
            memcmp(&a->out[o].shift, &b->out[o].shift, sizeof(double)) != 0)
            return shp_error(ctx, SHIPEST_EINVAL,
                             "results come from different models (output '%s')", a->out[o].name);
    for (size_t i = 0; i < a->n_ranges; i++)
        for (size_t j = 0; j < b->n_ranges; j++) {
            const shp_range *x = &a->ranges[i], *y = &b->ranges[j];
            if (x->first < y->first + y->n && y->first < x->first + x->n)
                return shp_error(ctx, SHIPEST_EINVAL,
                                 "trial ranges overlap: [%llu, %llu) and [%llu, %llu)",
                                 (unsigned long long)x->first,
                                 (unsigned long long)(x->first + x->n),
                                 (unsigned long long)y->first,
                                 (unsigned long long)(y->first + y->n));
        }
    return SHIPEST_OK;
}

/* Switch dst from kept samples to sketches. */
static shipest_status to_sketches(shipest_ctx *ctx, shipest_result *r)
{
    shp_sketch *sk = shp_alloc_array(ctx, r->n_out ? r->n_out : 1, sizeof *sk);
    uint64_t *mem = shp_alloc_array(ctx, (r->n_out ? r->n_out : 1) * 2 * SHP_SKETCH_WINDOW,
                                    sizeof *mem);
    if (sk == NULL || mem == NULL) {
        shp_free(ctx, sk);
        shp_free(ctx, mem);
        return SHIPEST_ENOMEM;
    }
    for (size_t o = 0; o < r->n_out; o++) {
        shp_sketch_init(&sk[o], mem + o * 2 * SHP_SKETCH_WINDOW);
        if (r->kept_mem != NULL)
            shp_sketch_add_block(&sk[o], r->kept_mem + (size_t)r->kept_cap * o, (size_t)r->trials);
    }
    shp_order_free(ctx, r);
    r->acc.sk = sk;
    r->acc.sk_mem = mem;
    shp_free(ctx, r->kept_mem);
    r->kept_mem = NULL;
    r->kept_cap = 0;
    r->kept = 0;
    return SHIPEST_OK;
}

/* Kept samples of dst and src interleaved in trial order. */
static shipest_status merge_kept(shipest_ctx *ctx, shipest_result *dst, const shipest_result *src)
{
    uint64_t total = dst->trials + src->trials;
    if (total == 0 || dst->n_out == 0)
        return SHIPEST_OK;
    uint64_t dst_end = 0;
    for (size_t i = 0; i < dst->n_ranges; i++)
        if (dst->ranges[i].first + dst->ranges[i].n > dst_end)
            dst_end = dst->ranges[i].first + dst->ranges[i].n;
    int append = 1;
    for (size_t j = 0; j < src->n_ranges; j++)
        append &= src->ranges[j].first >= dst_end;
    if (append && total <= dst->kept_cap) {
        for (size_t o = 0; o < dst->n_out; o++)
            memcpy(dst->kept_mem + (size_t)dst->kept_cap * o + dst->trials,
                   src->kept_mem + (size_t)src->kept_cap * o, (size_t)src->trials * sizeof(double));
        return SHIPEST_OK;
    }
    uint64_t cap = total;
    if (append) {
        /* Grow geometrically so repeated appends (adaptive runs) stay linear. */
        uint64_t limit = (uint64_t)(ctx->max_memory / (int64_t)sizeof(double)) /
                         (2 * dst->n_out + 1);
        cap = dst->kept_cap * 2 > total ? dst->kept_cap * 2 : total;
        if (cap > limit)
            cap = limit > total ? limit : total;
    }
    double *mem = shp_alloc_array(ctx, (size_t)cap * dst->n_out, sizeof *mem);
    if (mem == NULL)
        return SHIPEST_ENOMEM;
    /* Walk both range lists in trial order. */
    shp_range *dr = dst->ranges, *sr = src->ranges;
    size_t i = 0, j = 0;
    uint64_t at = 0, di = 0, sj = 0;
    while (i < dst->n_ranges || j < src->n_ranges) {
        int take_dst = j >= src->n_ranges || (i < dst->n_ranges && dr[i].first < sr[j].first);
        const shipest_result *from = take_dst ? dst : src;
        uint64_t off = take_dst ? di : sj, n = take_dst ? dr[i].n : sr[j].n;
        for (size_t o = 0; o < dst->n_out; o++)
            memcpy(mem + (size_t)cap * o + at, from->kept_mem + (size_t)from->kept_cap * o + off,
                   (size_t)n * sizeof(double));
        at += n;
        if (take_dst) {
            di += n;
            i++;
        } else {
            sj += n;
            j++;
        }
    }
    shp_free(ctx, dst->kept_mem);
    dst->kept_mem = mem;
    dst->kept_cap = cap;
    return SHIPEST_OK;
}

static shipest_status grow_reservoir(shipest_ctx *ctx, shipest_result *r, size_t cap)
{
    if (r->acc.res.cap >= cap)
        return SHIPEST_OK;
    size_t width = SHP_RES_WIDTH(r);
    uint64_t *mem = shp_alloc_array(ctx, 2 * SHP_RES_SLOTS(cap), sizeof *mem);
    double *row = shp_alloc_array(ctx, SHP_RES_SLOTS(cap) * (width ? width : 1), sizeof *row);
    if (mem == NULL || row == NULL) {
        shp_free(ctx, mem);
        shp_free(ctx, row);
        return SHIPEST_ENOMEM;
    }
    shp_reservoir nr;
    shp_reservoir_init(&nr, cap, width, mem, row);
    shp_reservoir_merge(&nr, &r->acc.res);
    shp_free(ctx, r->acc.res_mem);
    shp_free(ctx, r->acc.res_row);
    r->acc.res = nr;
    r->acc.res_mem = mem;
    r->acc.res_row = row;
    return SHIPEST_OK;
}

shipest_status shp_result_absorb(shipest_ctx *ctx, shipest_result *dst, const shipest_result *src)
{
    shipest_status st = check_compatible(ctx, dst, src);
    if (st != SHIPEST_OK)
        return st;
    uint64_t total = dst->trials + src->trials;
    int kept = dst->kept && src->kept &&
               shp_kept_bytes(dst->n_out, total) <= (double)ctx->max_memory;
    if (kept) {
        if ((st = merge_kept(ctx, dst, src)) != SHIPEST_OK)
            return st;
    } else {
        if (dst->kept && (st = to_sketches(ctx, dst)) != SHIPEST_OK)
            return st;
        for (size_t o = 0; o < dst->n_out; o++) {
            if (src->kept)
                shp_sketch_add_block(&dst->acc.sk[o], src->kept_mem + (size_t)src->kept_cap * o,
                                     (size_t)src->trials);
            else
                shp_sketch_merge(&dst->acc.sk[o], &src->acc.sk[o]);
        }
    }
    if ((st = grow_reservoir(ctx, dst, res_cap_for(total))) != SHIPEST_OK)
        return st;
    /* Room for the ranges and fragments before anything is moved. */
    size_t need = dst->n_ranges + src->n_ranges;
    if (need > dst->cap_ranges) {
        shp_range *g = shp_realloc(ctx, dst->ranges, need * sizeof *g);
        if (g == NULL)
            return SHIPEST_ENOMEM;
        dst->ranges = g;
        dst->cap_ranges = need;
    }
    size_t nf = dst->n_frag + src->n_frag;
    if (nf > dst->cap_frag) {
        shp_frag *f = shp_realloc(ctx, dst->frag, nf * sizeof *f);
        if (f == NULL)
            return SHIPEST_ENOMEM;
        dst->frag = f;
        dst->cap_frag = nf;
    }
    for (size_t i = 0; i < src->n_frag; i++) {
        double *v = shp_alloc_array(ctx, (dst->n_out ? dst->n_out : 1) * SHP_CHUNK, sizeof *v);
        if (v == NULL)
            return SHIPEST_ENOMEM; /* dst stays consistent: the copies made so far are in it */
        memcpy(v, src->frag[i].v, dst->n_out * SHP_CHUNK * sizeof *v);
        dst->frag[dst->n_frag].lo = src->frag[i].lo;
        dst->frag[dst->n_frag].n = src->frag[i].n;
        dst->frag[dst->n_frag].v = v;
        dst->n_frag++;
    }
    /* From here on nothing fails. */
    for (size_t o = 0; o < dst->n_out; o++)
        shp_moments_merge(&dst->acc.mom[o], &src->acc.mom[o]);
    shp_reservoir_merge(&dst->acc.res, &src->acc.res);
    for (size_t i = 0; i < dst->n_bind * SHP_MAX_ARGS; i++)
        dst->acc.bind[i] += src->acc.bind[i];
    frags_join(ctx, dst);
    memcpy(dst->ranges + dst->n_ranges, src->ranges, src->n_ranges * sizeof *src->ranges);
    dst->n_ranges += src->n_ranges;
    qsort(dst->ranges, dst->n_ranges, sizeof *dst->ranges, cmp_range);
    dst->trials = total;
    return SHIPEST_OK;
}

/* ---- finalise ------------------------------------------------------------------ */

void shp_result_moments(const shipest_result *r, size_t o, double *mean, double *var)
{
    shp_moments t = r->acc.mom[o];
    for (size_t f = 0; f < r->n_frag; f++)
        shp_moments_add(&t, r->frag[f].v + o * SHP_CHUNK, r->frag[f].n, r->out[o].shift);
    shp_moments_get(&t, r->out[o].shift, mean, var);
}

shipest_status shp_result_finalise(shipest_ctx *ctx, shipest_result *r, int sens)
{
    for (size_t o = 0; o < r->n_out; o++)
        shp_result_moments(r, o, &r->out[o].mean, &r->out[o].var);
    shipest_status st;
    if ((st = shp_order_build(ctx, r)) != SHIPEST_OK)
        return st;
    if (sens && (st = shp_sensitivity(ctx, r)) != SHIPEST_OK)
        return st;
    return SHIPEST_OK;
}

/* ---- public: merge and metadata --------------------------------------------------- */

shipest_status shipest_result_merge(shipest_ctx *ctx, const shipest_result *a,
                                    const shipest_result *b, shipest_result **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || a == NULL || b == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_result_merge: NULL argument");
    shipest_status st = check_compatible(ctx, a, b);
    if (st != SHIPEST_OK)
        return st;
    uint64_t total = a->trials + b->trials;
    int kept = a->kept && b->kept && shp_kept_bytes(a->n_out, total) <= (double)ctx->max_memory;
    shipest_result *r = NULL;
    if ((st = result_new_like(ctx, a, kept, 0, &r)) != SHIPEST_OK)
        return st;
    if ((st = shp_result_absorb(ctx, r, a)) != SHIPEST_OK ||
        (st = shp_result_absorb(ctx, r, b)) != SHIPEST_OK ||
        (st = shp_result_finalise(ctx, r, 1)) != SHIPEST_OK) {
        shipest_result_free(r);
        return st;
    }
    r->stop_reason = SHIPEST_STOP_MERGED;
    *out = r;
    return SHIPEST_OK;
}

size_t shipest_result_output_count(const shipest_result *r)
{
    return r == NULL ? 0 : r->n_out;
}

const char *shipest_result_output_name(const shipest_result *r, size_t i)
{
    return r == NULL || i >= r->n_out ? NULL : r->out[i].name;
}

const char *shipest_result_output_unit(const shipest_result *r, size_t i)
{
    return r == NULL || i >= r->n_out ? NULL : r->out[i].unit;
}

shipest_status shipest_result_output_index(const shipest_result *r, const char *name, size_t *index)
{
    if (r == NULL || name == NULL || index == NULL)
        return SHIPEST_EINVAL;
    for (size_t o = 0; o < r->n_out; o++)
        if (strcmp(r->out[o].name, name) == 0) {
            *index = o;
            return SHIPEST_OK;
        }
    return SHIPEST_ENAME;
}

uint64_t shipest_result_trials(const shipest_result *r)
{
    return r == NULL ? 0 : r->trials;
}

shipest_stop_reason shipest_result_stop_reason(const shipest_result *r)
{
    return r == NULL ? SHIPEST_STOP_FIXED : (shipest_stop_reason)r->stop_reason;
}

int shipest_result_is_sketched(const shipest_result *r)
{
    return r != NULL && !r->kept;
}

shipest_status shipest_result_sketch_bound(const shipest_result *r, size_t i, double *rel_error,
                                           double *uncovered)
{
    if (r == NULL || i >= r->n_out || rel_error == NULL || uncovered == NULL)
        return SHIPEST_EINVAL;
    if (r->kept) {
        *rel_error = 0;
        *uncovered = 0;
    } else {
        *rel_error = SHP_SKETCH_ALPHA;
        *uncovered = shp_sketch_collapsed_fraction(&r->acc.sk[i]);
    }
    return SHIPEST_OK;
}

shipest_status shipest_result_samples(const shipest_result *r, size_t i, uint64_t offset,
                                      size_t n, double *out)
{
    if (r == NULL || i >= r->n_out || (out == NULL && n > 0))
        return SHIPEST_EINVAL;
    if (!r->kept)
        return SHIPEST_EUNSUPPORTED;
    if (offset > r->trials || n > r->trials - offset)
        return SHIPEST_ERANGE;
    if (n > 0)
        memcpy(out, r->kept_mem + (size_t)r->kept_cap * i + offset, n * sizeof *out);
    return SHIPEST_OK;
}

size_t shipest_result_dependency_count(const shipest_result *r, size_t i)
{
    return r == NULL || i >= r->n_out ? 0 : r->out[i].n_deps;
}

shipest_status shipest_result_dependency(const shipest_result *r, size_t i, size_t k,
                                         int *is_factor, const char **name, const char **source)
{
    if (r == NULL || i >= r->n_out || k >= r->out[i].n_deps)
        return SHIPEST_EINVAL;
    const shp_src *s = &r->src[r->out[i].deps[k]];
    if (is_factor != NULL)
        *is_factor = s->is_factor;
    if (name != NULL)
        *name = s->name;
    if (source != NULL)
        *source = s->source;
    return SHIPEST_OK;
}

size_t shipest_result_sensitivity_count(const shipest_result *r, size_t i)
{
    return shipest_result_dependency_count(r, i);
}

shipest_status shipest_result_sensitivity(const shipest_result *r, size_t i, size_t k,
                                          const char **name, double *share, double *rho)
{
    if (r == NULL || i >= r->n_out || k >= r->out[i].n_deps)
        return SHIPEST_EINVAL;
    const shp_out *o = &r->out[i];
    if (name != NULL)
        *name = r->src[o->sens_src[k]].name;
    if (share != NULL)
        *share = o->sens_share[k];
    if (rho != NULL)
        *rho = o->sens_rho[k];
    return SHIPEST_OK;
}

size_t shipest_result_binding_count(const shipest_result *r)
{
    return r == NULL ? 0 : r->n_bind;
}

shipest_status shipest_result_binding(const shipest_result *r, size_t b, const char **name,
                                      size_t *n_constraints)
{
    if (r == NULL || b >= r->n_bind)
        return SHIPEST_EINVAL;
    if (name != NULL)
        *name = r->bind[b].name;
    if (n_constraints != NULL)
        *n_constraints = r->bind[b].nargs;
    return SHIPEST_OK;
}

shipest_status shipest_result_binding_share(const shipest_result *r, size_t b, size_t c,
                                            const char **label, double *share)
{
    if (r == NULL || b >= r->n_bind || c >= r->bind[b].nargs)
        return SHIPEST_EINVAL;
    if (label != NULL)
        *label = r->bind[b].labels[c];
    if (share != NULL) {
        const uint64_t *cnt = r->acc.bind + b * SHP_MAX_ARGS;
        uint64_t tot = 0;
        for (uint32_t k = 0; k < r->bind[b].nargs; k++)
            tot += cnt[k];
        *share = tot ? (double)cnt[c] / (double)tot : NAN;
    }
    return SHIPEST_OK;
}
