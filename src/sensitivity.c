/* sensitivity.c — which inputs drive each output's spread.
 *
 * Method: for output y and each input or table factor x it depends on, the
 * Spearman rank correlation rho(x, y) (Pearson correlation of mid-ranks);
 * x's share of variance is rho^2 / sum over y's inputs of rho^2, reported
 * sorted. For a monotone model with independent inputs rho^2 approximates
 * the first-order variance share on the rank scale (Saltelli et al., Global
 * Sensitivity Analysis: The Primer, 2008, ch. 1); it does not attribute
 * interactions, which is why shares are normalised and called shares.
 *
 * Sample: the trials whose key hash(trial) is among the SHP_SENS_CAP
 * smallest (a bottom-k sample). It is all trials while there are fewer, it
 * is a pure function of the set of trials run (so it is the same for any
 * thread count, block size or range split, and merges exactly), and its
 * memory is bounded, so streaming runs of 10^9 trials use it too. The
 * standard error of a rank correlation from k = 32768 pairs is about
 * (1 - rho^2) / sqrt(k) <= 0.0055. */
#include "mc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t shp_trial_key(uint64_t trial)
{
    /* splitmix64 finaliser: a bijection, so keys never tie. */
    uint64_t z = trial + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void shp_reservoir_init(shp_reservoir *r, size_t cap, size_t width, uint64_t *key,
                        uint64_t *trial, uint32_t *heap, double *row)
{
    r->cap = cap;
    r->n = 0;
    r->width = width;
    r->key = key;
    r->trial = trial;
    r->heap = heap;
    r->row = row;
}

static void sift_down(shp_reservoir *r, size_t i)
{
    uint32_t *h = r->heap;
    for (;;) {
        size_t l = 2 * i + 1, big = i;
        if (l < r->n && r->key[h[l]] > r->key[h[big]])
            big = l;
        if (l + 1 < r->n && r->key[h[l + 1]] > r->key[h[big]])
            big = l + 1;
        if (big == i)
            return;
        uint32_t t = h[i];
        h[i] = h[big];
        h[big] = t;
        i = big;
    }
}

double *shp_reservoir_insert(shp_reservoir *r, uint64_t key, uint64_t trial)
{
    uint32_t s;
    if (r->n < r->cap) {
        s = (uint32_t)r->n;
        size_t i = r->n++;
        r->heap[i] = s;
        r->key[s] = key;
        r->trial[s] = trial;
        while (i > 0) {
            size_t up = (i - 1) / 2;
            if (r->key[r->heap[up]] >= key)
                break;
            r->heap[i] = r->heap[up];
            r->heap[up] = s;
            i = up;
        }
    } else {
        s = r->heap[0];
        r->key[s] = key;
        r->trial[s] = trial;
        sift_down(r, 0);
    }
    return r->row + (size_t)s * r->width;
}

void shp_reservoir_merge(shp_reservoir *a, const shp_reservoir *b)
{
    for (size_t s = 0; s < b->n; s++) {
        if (!shp_reservoir_wants(a, b->key[s]))
            continue;
        double *row = shp_reservoir_insert(a, b->key[s], b->trial[s]);
        memcpy(row, b->row + s * b->width, b->width * sizeof *row);
    }
}

/* ---- Spearman ---------------------------------------------------------------- */

/* Order-preserving integer image of a double (NaN sorts last). */
static inline uint64_t order_key(double x)
{
    if (isnan(x))
        return UINT64_MAX;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

/* 32-bit rank keys of a column: its order-preserving 64-bit images less
 * the smallest, shifted so the column's range fits in 31 bits (NaN gets
 * UINT32_MAX, above every other key). Values closer than 2^-31 of the
 * column's range in key space tie, which moves a rank correlation by far
 * less than its sampling error, while a narrow spread around a large
 * level keeps its order (the top 32 bits alone tied every value of
 * normal(1000000.25, 0.01)). Three radix passes on 32-bit keys instead of
 * up to six on 64-bit ones. */
static void rank_keys(const double *col, size_t n, uint32_t *key)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(col[i])) {
            uint64_t k = order_key(col[i]);
            lo = k < lo ? k : lo;
            hi = k > hi ? k : hi;
        }
    unsigned bits = 0;
    for (uint64_t d = lo <= hi ? hi - lo : 0; d != 0; d >>= 1)
        bits++;
    unsigned shift = bits > 31 ? bits - 31 : 0;
    for (size_t i = 0; i < n; i++)
        key[i] = isnan(col[i]) ? UINT32_MAX : (uint32_t)((order_key(col[i]) - lo) >> shift);
}

/* Mid-ranks (ties share their average rank) minus the mean rank, from
 * pairs sorted by key. */
static void ranks(const uint32_t *key, const uint32_t *idx, size_t n, double *out)
{
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && key[b] == key[a])
            b++;
        double r = 0.5 * (double)(a + b - 1) - 0.5 * (double)(n - 1);
        for (size_t k = a; k < b; k++)
            out[idx[k]] = r;
        a = b;
    }
}

typedef struct share_item { double share, rho; size_t src; } share_item;

static int cmp_share(const void *pa, const void *pb)
{
    const share_item *a = pa, *b = pb;
    if (a->share > b->share)
        return -1;
    if (a->share < b->share)
        return 1;
    return a->src < b->src ? -1 : a->src > b->src;
}

shipest_status shp_sensitivity(shipest_ctx *ctx, shipest_result *r)
{
    const shp_reservoir *res = &r->acc.res;
    size_t n = res->n, width = res->width;
    for (size_t o = 0; o < r->n_out; o++)
        for (size_t d = 0; d < r->out[o].n_deps; d++) {
            r->out[o].sens_src[d] = r->out[o].deps[d];
            r->out[o].sens_share[d] = NAN;
            r->out[o].sens_rho[d] = NAN;
        }
    if (n < 3)
        return SHIPEST_OK; /* no correlation from fewer than three pairs */
    uint32_t *order = shp_alloc_array(ctx, 2 * n, sizeof *order);
    uint64_t *tkey = shp_alloc_array(ctx, 2 * n, sizeof *tkey);
    double *rk = shp_alloc_array(ctx, n * width, sizeof *rk);
    uint32_t *key = shp_alloc_array(ctx, 2 * n, sizeof *key);
    uint32_t *idx = shp_alloc_array(ctx, 2 * n, sizeof *idx);
    size_t *hist = shp_alloc_array(ctx, SHP_RADIX_HIST, sizeof *hist);
    size_t maxdeps = 1;
    for (size_t o = 0; o < r->n_out; o++)
        maxdeps = r->out[o].n_deps > maxdeps ? r->out[o].n_deps : maxdeps;
    share_item *sh = shp_alloc_array(ctx, maxdeps, sizeof *sh);
    double *sq = shp_alloc_array(ctx, width, sizeof *sq);
    if (order == NULL || tkey == NULL || rk == NULL || key == NULL || idx == NULL || sh == NULL ||
        hist == NULL || sq == NULL) {
        shp_free(ctx, sq);
        shp_free(ctx, tkey);
        shp_free(ctx, hist);
        shp_free(ctx, order);
        shp_free(ctx, rk);
        shp_free(ctx, key);
        shp_free(ctx, idx);
        shp_free(ctx, sh);
        return SHIPEST_ENOMEM;
    }
    /* Canonical order: by trial, whatever order the slots were filled in. */
    for (size_t i = 0; i < n; i++) {
        order[i] = (uint32_t)i;
        tkey[i] = res->trial[i];
    }
    shp_radix_sort(tkey, tkey + n, order, order + n, n, hist);
    /* Rank keys column by column in canonical order: one pass over the
     * rows, then each column is contiguous. */
    for (size_t i = 0; i < n; i++) {
        const double *row = res->row + (size_t)order[i] * width;
        for (size_t c = 0; c < width; c++)
            rk[c * n + i] = row[c];
    }
    for (size_t c = 0; c < width; c++) {
        double *col = rk + c * n;
        rank_keys(col, n, key);
        for (size_t i = 0; i < n; i++)
            idx[i] = (uint32_t)i;
        shp_radix_sort32(key, key + n, idx, idx + n, n, hist);
        ranks(key, idx, n, col);
        double ss = 0; /* sum of squared centred ranks, for every pair below */
        for (size_t i = 0; i < n; i++)
            ss += col[i] * col[i];
        sq[c] = ss;
    }
    for (size_t o = 0; o < r->n_out; o++) {
        shp_out *out = &r->out[o];
        const double *ry = rk + o * n;
        double syy = sq[o];
        double total = 0;
        for (size_t d = 0; d < out->n_deps; d++) {
            size_t c = r->n_out + out->deps[d];
            const double *rx = rk + c * n;
            double sxx = sq[c], sxy = 0;
            for (size_t i = 0; i < n; i++)
                sxy += rx[i] * ry[i];
            double rho = sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
            sh[d].rho = rho;
            sh[d].share = rho * rho;
            sh[d].src = out->deps[d];
            total += rho * rho;
        }
        for (size_t d = 0; d < out->n_deps; d++)
            sh[d].share = total > 0 ? sh[d].share / total : 0;
        qsort(sh, out->n_deps, sizeof *sh, cmp_share);
        for (size_t d = 0; d < out->n_deps; d++) {
            out->sens_src[d] = sh[d].src;
            out->sens_share[d] = sh[d].share;
            out->sens_rho[d] = sh[d].rho;
        }
    }
    shp_free(ctx, order);
    shp_free(ctx, tkey);
    shp_free(ctx, rk);
    shp_free(ctx, key);
    shp_free(ctx, idx);
    shp_free(ctx, sh);
    shp_free(ctx, sq);
    shp_free(ctx, hist);
    return SHIPEST_OK;
}
