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
 * (1 - rho^2) / sqrt(k) <= 0.0055.
 *
 * Upkeep: a threshold and 2 * cap slots, not a heap. A trial whose key
 * passes the threshold is appended; when the slots are full a radix select
 * keeps the cap smallest and lowers the threshold. That is one selection
 * each time the trials seen double, instead of a heap sift-down with cache
 * misses for every entering trial (4.4% of a 10^7-trial run). Which slot holds which trial is history, so the sample is settled
 * into ascending trial order before it is ranked or written. */
#include "bits.h"
#include "mc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void shp_reservoir_init(shp_reservoir *r, size_t cap, size_t width, uint64_t *mem, double *row)
{
    r->cap = cap;
    r->n = 0;
    r->width = width;
    r->lim = UINT64_MAX;
    r->key = mem;
    r->trial = mem + SHP_RES_SLOTS(cap);
    r->row = row;
}

/* The (k+1)-th smallest of n keys (k < n), by radix select: each pass
 * counts the keys inside the current range [base, base + 2^bits) by their
 * next 8 bits and narrows to the digit that holds it. No scratch and at
 * most 8 passes; hashed keys are uniform, so two passes leave one key in
 * its digit and a third finds it. */
static uint64_t kth_key(const uint64_t *key, size_t n, size_t k)
{
    uint64_t all = 0;
    for (size_t i = 0; i < n; i++)
        all |= key[i];
    unsigned bits = 0; /* start at the top set bit: thresholds shrink the keys */
    while (bits < 64 && (all >> bits) != 0)
        bits++;
    uint64_t base = 0;
    for (;;) {
        unsigned shift = bits > 8 ? bits - 8 : 0;
        uint64_t span = UINT64_C(1) << (bits - shift); /* digits in the range */
        size_t cnt[256] = {0};
        for (size_t i = 0; i < n; i++) {
            uint64_t d = (key[i] - base) >> shift;
            if (key[i] >= base && d < span)
                cnt[d]++;
        }
        size_t b = 0;
        while (cnt[b] <= k)
            k -= cnt[b++];
        base += (uint64_t)b << shift;
        bits = shift;
        if (bits == 0)
            return base;
        if (cnt[b] == 1) /* the only key in [base, base + 2^bits) */
            for (size_t i = 0; i < n; i++)
                if (key[i] >= base && (key[i] - base) >> bits == 0)
                    return key[i];
    }
}

void shp_reservoir_select(shp_reservoir *r)
{
    if (r->n <= r->cap)
        return;
    uint64_t top = kth_key(r->key, r->n, r->cap - 1);
    /* Keys are distinct, so exactly cap slots have key <= top. Stable:
     * the rows move down once, in place. */
    size_t j = 0, w = r->width;
    for (size_t i = 0; i < r->n; i++) {
        if (r->key[i] > top)
            continue;
        if (j != i) {
            r->key[j] = r->key[i];
            r->trial[j] = r->trial[i];
            memcpy(r->row + j * w, r->row + i * w, w * sizeof *r->row);
        }
        j++;
    }
    r->n = j;
    /* Only keys below the sample's largest can enter now. A largest key of
     * 0 (cap 1) lets key 0 through, which is that kept trial's own. */
    r->lim = top > 0 ? top - 1 : 0;
}

void shp_reservoir_merge(shp_reservoir *a, const shp_reservoir *b)
{
    /* b's sample is its cap smallest keys; slots above them are not in it. */
    uint64_t top = b->n > b->cap ? kth_key(b->key, b->n, b->cap - 1) : UINT64_MAX;
    for (size_t s = 0; s < b->n; s++) {
        if (b->key[s] > top || !shp_reservoir_wants(a, b->key[s]))
            continue;
        double *row = shp_reservoir_insert(a, b->key[s], b->trial[s]);
        memcpy(row, b->row + s * b->width, b->width * sizeof *row);
    }
}

shipest_status shp_reservoir_settle(shipest_ctx *ctx, shp_reservoir *r)
{
    shp_reservoir_select(r);
    size_t n = r->n, w = r->width;
    size_t i = 1;
    while (i < n && r->trial[i - 1] < r->trial[i])
        i++;
    if (i >= n)
        return SHIPEST_OK; /* already in order: runs on one thread, read images */
    uint64_t *tk = shp_alloc_array(ctx, 2 * n, sizeof *tk);
    uint32_t *ord = shp_alloc_array(ctx, 2 * n, sizeof *ord);
    size_t *hist = shp_alloc_array(ctx, SHP_RADIX_HIST, sizeof *hist);
    if (tk == NULL || ord == NULL || hist == NULL) {
        shp_free(ctx, tk);
        shp_free(ctx, ord);
        shp_free(ctx, hist);
        return SHIPEST_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        ord[i] = (uint32_t)i;
        tk[i] = r->trial[i];
    }
    shp_radix_sort(tk, tk + n, ord, ord + n, n, hist);
    /* Gather into the free upper slots (n <= cap after selecting), then
     * move the block down. */
    size_t up = r->cap;
    for (i = 0; i < n; i++) {
        r->key[up + i] = r->key[ord[i]];
        r->trial[up + i] = tk[i];
        memcpy(r->row + (up + i) * w, r->row + (size_t)ord[i] * w, w * sizeof *r->row);
    }
    memcpy(r->key, r->key + up, n * sizeof *r->key);
    memcpy(r->trial, r->trial + up, n * sizeof *r->trial);
    memcpy(r->row, r->row + up * w, n * w * sizeof *r->row);
    shp_free(ctx, tk);
    shp_free(ctx, ord);
    shp_free(ctx, hist);
    return SHIPEST_OK;
}

/* ---- Spearman ---------------------------------------------------------------- */

/* Order-preserving integer image of a double (NaN sorts last). */
static inline uint64_t order_key(double x)
{
    return isnan(x) ? UINT64_MAX : shp_order_key(x);
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
    /* Canonical order first: every pass below sums over the rows in slot
     * order, and the image (serialize.c) writes them in it. */
    shp_reservoir *res = &r->acc.res;
    shipest_status st = shp_reservoir_settle(ctx, res);
    if (st != SHIPEST_OK)
        return st;
    size_t n = res->n, width = res->width;
    for (size_t o = 0; o < r->n_out; o++)
        for (size_t d = 0; d < r->out[o].n_deps; d++) {
            r->out[o].sens_src[d] = r->out[o].deps[d];
            r->out[o].sens_share[d] = NAN;
            r->out[o].sens_rho[d] = NAN;
        }
    if (n < 3)
        return SHIPEST_OK; /* no correlation from fewer than three pairs */
    /* The rank columns go in the reservoir's free slots: after the
     * settle its sample is the first n <= cap of 2 * cap rows, and the rows
     * beyond are scratch until the next insert. A run of 10^4 trials then
     * allocates (and faults in) 1 MB less. */
    double *rk = res->row + n * width;
    uint32_t *key = shp_alloc_array(ctx, 2 * n, sizeof *key);
    uint32_t *idx = shp_alloc_array(ctx, 2 * n, sizeof *idx);
    size_t *hist = shp_alloc_array(ctx, SHP_RADIX_HIST, sizeof *hist);
    size_t maxdeps = 1;
    for (size_t o = 0; o < r->n_out; o++)
        maxdeps = r->out[o].n_deps > maxdeps ? r->out[o].n_deps : maxdeps;
    share_item *sh = shp_alloc_array(ctx, maxdeps, sizeof *sh);
    double *sq = shp_alloc_array(ctx, width, sizeof *sq);
    if (key == NULL || idx == NULL || sh == NULL || hist == NULL || sq == NULL) {
        shp_free(ctx, sq);
        shp_free(ctx, hist);
        shp_free(ctx, key);
        shp_free(ctx, idx);
        shp_free(ctx, sh);
        return SHIPEST_ENOMEM;
    }
    /* Rank keys column by column: one pass over the rows, then each
     * column is contiguous. */
    for (size_t i = 0; i < n; i++) {
        const double *row = res->row + i * width;
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
    shp_free(ctx, key);
    shp_free(ctx, idx);
    shp_free(ctx, sh);
    shp_free(ctx, sq);
    shp_free(ctx, hist);
    return SHIPEST_OK;
}
