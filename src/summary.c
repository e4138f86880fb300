/* summary.c — exact, mergeable moments; sorting; quantiles and coverage
 * intervals from kept samples; the public statistics of a result. */
#include "bits.h"
#include "mc.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* ---- exact accumulator ----------------------------------------------------- */

#define M32 UINT64_C(0xffffffff)

void shp_xacc_init(shp_xacc *a)
{
    memset(a, 0, sizeof *a);
}

/* Propagate carries so limbs 0..L-2 lie in [0, 2^32) and the top limb holds
 * the sign: the representation of a value becomes unique. */
static void xacc_normalise(shp_xacc *a)
{
    for (int i = 0; i < SHP_XACC_LIMBS - 1; i++) {
        int64_t low = (int64_t)((uint64_t)a->limb[i] & M32);
        int64_t carry = (a->limb[i] - low) / (INT64_C(1) << 32);
        a->limb[i] = low;
        a->limb[i + 1] += carry;
    }
    a->adds = 0;
}

void shp_xacc_add(shp_xacc *a, double x)
{
    if (!isfinite(x)) {
        a->special |= isnan(x) ? 4u : (x > 0 ? 1u : 2u);
        return;
    }
    if (x == 0)
        return;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t ex = (bits >> 52) & 0x7ff;
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    unsigned s; /* bit position of m's lowest bit above 2^-1074 */
    if (ex == 0) {
        s = 0;
    } else {
        m |= UINT64_C(1) << 52;
        s = (unsigned)ex - 1;
    }
    unsigned i = s >> 5, sh = s & 31;
    uint64_t lo = (m & M32) << sh, hi = (m >> 32) << sh; /* < 2^64, < 2^53 */
    int64_t p0 = (int64_t)(lo & M32);
    int64_t p1 = (int64_t)(lo >> 32) + (int64_t)(hi & M32);
    int64_t p2 = (int64_t)(hi >> 32);
    if (bits >> 63) {
        a->limb[i] -= p0;
        a->limb[i + 1] -= p1;
        a->limb[i + 2] -= p2;
    } else {
        a->limb[i] += p0;
        a->limb[i + 1] += p1;
        a->limb[i + 2] += p2;
    }
    /* Each addition moves a limb by < 2^34: 2^28 of them cannot overflow. */
    if (++a->adds >= (1u << 28))
        xacc_normalise(a);
}

void shp_xacc_merge(shp_xacc *a, const shp_xacc *b)
{
    shp_xacc t = *b;
    xacc_normalise(&t);
    xacc_normalise(a);
    for (int i = 0; i < SHP_XACC_LIMBS; i++)
        a->limb[i] += t.limb[i];
    a->special |= b->special;
    a->adds = 1;
}

double shp_xacc_value(const shp_xacc *a)
{
    if (a->special & 4u || (a->special & 3u) == 3u)
        return NAN;
    if (a->special & 1u)
        return INFINITY;
    if (a->special & 2u)
        return -INFINITY;
    shp_xacc t = *a;
    xacc_normalise(&t);
    double sign = 1;
    if (t.limb[SHP_XACC_LIMBS - 1] < 0) {
        for (int i = 0; i < SHP_XACC_LIMBS; i++)
            t.limb[i] = -t.limb[i];
        xacc_normalise(&t);
        sign = -1;
    }
    int top = SHP_XACC_LIMBS - 1;
    while (top >= 0 && t.limb[top] == 0)
        top--;
    if (top < 0)
        return 0.0;
    /* The top three limbs carry >= 65 significant bits: ample for a double,
     * and the canonical form makes the rounding reproducible. */
    double v = 0;
    for (int i = top; i >= 0 && i >= top - 2; i--)
        v += ldexp((double)t.limb[i], 32 * (i - (top - 2)));
    return sign * ldexp(v, 32 * (top - 2) - 1074);
}

/* ---- moments --------------------------------------------------------------- */

void shp_moments_init(shp_moments *m)
{
    shp_xacc_init(&m->s1);
    shp_xacc_init(&m->s2);
    m->n = 0;
    m->nonfinite = 0;
    m->min = INFINITY;
    m->max = -INFINITY;
}

void shp_moments_add(shp_moments *m, const double *v, size_t n, double shift)
{
    /* Four fixed lanes, combined in a fixed order: vectorisable and the same
     * for a chunk however it was produced. */
    double a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
    double lo = m->min, hi = m->max;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        for (int l = 0; l < 4; l++) {
            double d = v[j + (size_t)l] - shift;
            a[l] += d;
            b[l] += d * d;
        }
    }
    for (int l = 0; j < n; j++, l++) {
        double d = v[j] - shift;
        a[l] += d;
        b[l] += d * d;
    }
    double s1 = (a[0] + a[1]) + (a[2] + a[3]);
    double s2 = (b[0] + b[1]) + (b[2] + b[3]);
    if (isfinite(s1) && isfinite(s2)) {
        for (j = 0; j < n; j++) {
            lo = v[j] < lo ? v[j] : lo;
            hi = v[j] > hi ? v[j] : hi;
        }
        shp_xacc_add(&m->s1, s1);
        shp_xacc_add(&m->s2, s2);
        m->n += n;
    } else {
        /* Rare: a non-finite value or an overflowing square. Finite values
         * go in one by one; non-finite ones are counted, not summed. */
        for (j = 0; j < n; j++) {
            if (!isfinite(v[j])) {
                m->nonfinite++;
                continue;
            }
            double d = v[j] - shift;
            shp_xacc_add(&m->s1, d);
            shp_xacc_add(&m->s2, d * d);
            lo = v[j] < lo ? v[j] : lo;
            hi = v[j] > hi ? v[j] : hi;
            m->n++;
        }
    }
    m->min = lo;
    m->max = hi;
}

void shp_moments_merge(shp_moments *a, const shp_moments *b)
{
    shp_xacc_merge(&a->s1, &b->s1);
    shp_xacc_merge(&a->s2, &b->s2);
    a->n += b->n;
    a->nonfinite += b->nonfinite;
    a->min = b->min < a->min ? b->min : a->min;
    a->max = b->max > a->max ? b->max : a->max;
}

void shp_moments_get(const shp_moments *m, double shift, double *mean, double *var)
{
    if (m->n == 0) {
        *mean = NAN;
        *var = NAN;
        return;
    }
    double n = (double)m->n;
    double s1 = shp_xacc_value(&m->s1), s2 = shp_xacc_value(&m->s2);
    double md = s1 / n;
    *mean = shift + md;
    if (m->n < 2) {
        *var = NAN;
        return;
    }
    double v = (s2 - s1 * md) / (n - 1);
    /* Rounding can leave a tiny negative for constants. A sum of squares
     * past DBL_MAX makes inf - inf: the variance is then beyond a double
     * too, not 0. */
    *var = isnan(v) ? INFINITY : v > 0 ? v : 0;
}

/* ---- sorting --------------------------------------------------------------- */

/* Turn digit counts into each digit's first output position. */
static void counts_to_starts(size_t *h, size_t size)
{
    size_t sum = 0;
    for (size_t d = 0; d < size; d++) {
        size_t c = h[d];
        h[d] = sum;
        sum += c;
    }
}

void shp_radix_sort32(uint32_t *key, uint32_t *tkey, uint32_t *val, uint32_t *tval, size_t n,
                      size_t *hist)
{
    /* As shp_radix_sort, with 32-bit keys in three passes (11, 11, 10 bits):
     * half the passes and two thirds of the memory traffic. */
    enum { BITS = 11, SIZE = 1 << BITS, PASSES = 3 };
    uint32_t *key0 = key, *val0 = val;
    memset(hist, 0, PASSES * SIZE * sizeof *hist);
    size_t *h0 = hist, *h1 = hist + SIZE, *h2 = hist + 2 * SIZE;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = key[i];
        h0[k & (SIZE - 1)]++;
        h1[(k >> 11) & (SIZE - 1)]++;
        h2[k >> 22]++;
    }
    for (int p = 0; p < PASSES; p++) {
        size_t *h = hist + p * SIZE;
        unsigned shift = (unsigned)(p * BITS);
        if (n == 0 || h[(key[0] >> shift) & (SIZE - 1)] == n)
            continue;
        counts_to_starts(h, SIZE);
        for (size_t i = 0; i < n; i++) {
            uint32_t k = key[i];
            size_t at = h[(k >> shift) & (SIZE - 1)]++;
            tkey[at] = k;
            tval[at] = val[i];
        }
        uint32_t *t = key;
        key = tkey;
        tkey = t;
        t = val;
        val = tval;
        tval = t;
    }
    if (key != key0) {
        memcpy(key0, key, n * sizeof *key);
        memcpy(val0, val, n * sizeof *val);
    }
}

void shp_radix_sort(uint64_t *key, uint64_t *tkey, uint32_t *val, uint32_t *tval, size_t n,
                    size_t *hist)
{
    /* LSD radix, 11-bit digits: the 6 histograms (96 KiB) stay in cache and
     * are all counted in one pass; a digit every key shares is skipped. */
    enum { BITS = 11, SIZE = 1 << BITS, PASSES = 6 }; /* 6 x 11 >= 64 */
    uint64_t *key0 = key;
    uint32_t *val0 = val;
    memset(hist, 0, PASSES * SIZE * sizeof *hist);
    size_t *h0 = hist, *h1 = hist + SIZE, *h2 = hist + 2 * SIZE, *h3 = hist + 3 * SIZE,
           *h4 = hist + 4 * SIZE, *h5 = hist + 5 * SIZE;
    for (size_t i = 0; i < n; i++) { /* unrolled: one read of each key */
        uint64_t k = key[i];
        h0[k & (SIZE - 1)]++;
        h1[(k >> 11) & (SIZE - 1)]++;
        h2[(k >> 22) & (SIZE - 1)]++;
        h3[(k >> 33) & (SIZE - 1)]++;
        h4[(k >> 44) & (SIZE - 1)]++;
        h5[k >> 55]++;
    }
    for (int p = 0; p < PASSES; p++) {
        size_t *h = hist + p * SIZE;
        unsigned shift = (unsigned)(p * BITS);
        if (n == 0 || h[(key[0] >> shift) & (SIZE - 1)] == n)
            continue;
        counts_to_starts(h, SIZE);
        if (val == NULL) {
            for (size_t i = 0; i < n; i++) {
                uint64_t k = key[i];
                tkey[h[(k >> shift) & (SIZE - 1)]++] = k;
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                uint64_t k = key[i];
                size_t at = h[(k >> shift) & (SIZE - 1)]++;
                tkey[at] = k;
                tval[at] = val[i];
            }
        }
        uint64_t *t = key;
        key = tkey;
        tkey = t;
        if (val != NULL) {
            uint32_t *u = val;
            val = tval;
            tval = u;
        }
    }
    /* After an odd number of passes the data sit in the scratch arrays. */
    if (key != key0) {
        memcpy(key0, key, n * sizeof *key);
        if (val != NULL)
            memcpy(val0, val, n * sizeof *val);
    }
}

/* Keys a[0..n) that agree above their low `bits` bits, sorted in place (b:
 * scratch of n). Large runs are split by their top 11 varying bits
 * (most-significant-digit first) until a part fits in cache, where an LSD
 * radix sort finishes it: each key crosses main memory about twice instead
 * of once per LSD pass (five or six for doubles), which is what the sort
 * of 10^7 kept samples spent its time on. */
#define MSD_BITS 11
#define IN_CACHE (1u << 17) /* keys + scratch: 2 MiB (measured best of 2^12..2^18) */
/* LSD radix sort of a[0..n) (at most 2048 keys) on its low `bits` bits,
 * 8 at a time: byte digits keep the counts (8 KiB) smaller than the data,
 * where shp_radix_sort's 96 KiB of counts would dominate. Result in a. */
static void lsd_low_bits(uint64_t *a, uint64_t *b, size_t n, unsigned bits)
{
    unsigned passes = (bits + 7) / 8;
    uint32_t count[8][256];
    memset(count, 0, passes * sizeof count[0]);
    for (size_t i = 0; i < n; i++)
        for (unsigned p = 0; p < passes; p++)
            count[p][(a[i] >> (8 * p)) & 255]++;
    uint64_t *src = a, *dst = b;
    for (unsigned p = 0; p < passes; p++) {
        unsigned shift = 8 * p;
        if (count[p][(src[0] >> shift) & 255] == n)
            continue; /* every key has this digit */
        uint32_t at[256], sum = 0;
        for (int d = 0; d < 256; d++) {
            at[d] = sum;
            sum += count[p][d];
        }
        for (size_t i = 0; i < n; i++)
            dst[at[(src[i] >> shift) & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

static void sort_low_bits(uint64_t *a, uint64_t *b, size_t n, unsigned bits, size_t *hist,
                          unsigned level)
{
    if (n < 2 || bits == 0)
        return;
    if (n <= 32) { /* insertion sort */
        for (size_t i = 1; i < n; i++) {
            uint64_t k = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1] > k; j--)
                a[j] = a[j - 1];
            a[j] = k;
        }
        return;
    }
    if (n <= IN_CACHE) {
        if (n <= 2048)
            lsd_low_bits(a, b, n, bits);
        else
            shp_radix_sort(a, b, NULL, NULL, n, hist);
        return;
    }
    /* Each level takes 11 bits, so at most 6 levels: their digit positions
     * live in the caller's scratch, not on the stack (threads may have
     * small stacks). */
    unsigned shift = bits > MSD_BITS ? bits - MSD_BITS : 0;
    uint64_t mask = (UINT64_C(1) << (bits - shift)) - 1;
    size_t *at = hist + SHP_RADIX_HIST + (size_t)level * 2048;
    memset(at, 0, (mask + 1) * sizeof *at);
    for (size_t i = 0; i < n; i++)
        at[(a[i] >> shift) & mask]++;
    counts_to_starts(at, (size_t)mask + 1);
    for (size_t i = 0; i < n; i++)
        b[at[(a[i] >> shift) & mask]++] = a[i];
    /* at[d] is now where digit d ends */
    for (size_t d = 0, start = 0; d <= mask; start = at[d], d++)
        sort_low_bits(b + start, a + start, at[d] - start, shift, hist, level + 1);
    memcpy(a, b, n * sizeof *a);
}

void shp_sort_doubles(double *v, double *tmp, size_t n, size_t *hist)
{
    uint64_t *a = (uint64_t *)(void *)v, *b = (uint64_t *)(void *)tmp;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = shp_order_key(v[i]);
        a[i] = k;
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    /* Only the bits below the highest one where the keys differ vary. */
    unsigned bits = 0;
    for (uint64_t d = lo ^ hi; d != 0; d >>= 1)
        bits++;
    sort_low_bits(a, b, n, bits, hist, 0);
    for (size_t i = 0; i < n; i++)
        v[i] = shp_order_value(a[i]);
}

/* ---- public statistics ------------------------------------------------------- */

static const shp_out *get_out(const shipest_result *r, size_t i)
{
    return r == NULL || i >= r->n_out ? NULL : &r->out[i];
}

/* Finite values available for order statistics. */
static uint64_t n_values(const shipest_result *r, size_t i)
{
    return r->kept ? r->out[i].ord.n : r->acc.sk[i].n;
}

static double quantile_of(const shipest_result *r, size_t i, double p)
{
    if (r->kept)
        return shp_order_quantile(r, i, p);
    return shp_sketch_quantile(&r->acc.sk[i], p);
}

shipest_status shipest_result_count(const shipest_result *r, size_t i, uint64_t *finite,
                                    uint64_t *nonfinite)
{
    if (get_out(r, i) == NULL)
        return SHIPEST_EINVAL;
    uint64_t bad = r->acc.mom[i].nonfinite;
    for (size_t f = 0; f < r->n_frag; f++)
        for (uint32_t j = 0; j < r->frag[f].n; j++)
            bad += isfinite(r->frag[f].v[i * SHP_CHUNK + j]) ? 0u : 1u;
    if (finite != NULL)
        *finite = r->trials - bad;
    if (nonfinite != NULL)
        *nonfinite = bad;
    return SHIPEST_OK;
}

shipest_status shipest_result_mean(const shipest_result *r, size_t i, double *mean)
{
    const shp_out *o = get_out(r, i);
    if (o == NULL || mean == NULL)
        return SHIPEST_EINVAL;
    *mean = o->mean;
    return SHIPEST_OK;
}

shipest_status shipest_result_sd(const shipest_result *r, size_t i, double *sd)
{
    const shp_out *o = get_out(r, i);
    if (o == NULL || sd == NULL)
        return SHIPEST_EINVAL;
    *sd = sqrt(o->var);
    return SHIPEST_OK;
}

shipest_status shipest_result_mc_se_mean(const shipest_result *r, size_t i, double *se)
{
    uint64_t fin;
    if (get_out(r, i) == NULL || se == NULL || shipest_result_count(r, i, &fin, NULL) != SHIPEST_OK)
        return SHIPEST_EINVAL;
    *se = fin > 0 ? sqrt(r->out[i].var / (double)fin) : NAN;
    return SHIPEST_OK;
}

shipest_status shipest_result_quantile(const shipest_result *r, size_t i, double p, double *q)
{
    if (get_out(r, i) == NULL || q == NULL)
        return SHIPEST_EINVAL;
    if (!(p >= 0 && p <= 1))
        return SHIPEST_EDOMAIN;
    if (n_values(r, i) == 0)
        return SHIPEST_EDOMAIN;
    *q = quantile_of(r, i, p);
    return SHIPEST_OK;
}

shipest_status shipest_result_mc_se_quantile(const shipest_result *r, size_t i, double p, double *se)
{
    if (get_out(r, i) == NULL || se == NULL)
        return SHIPEST_EINVAL;
    if (!(p > 0 && p < 1))
        return SHIPEST_EDOMAIN;
    uint64_t n = n_values(r, i);
    if (n == 0)
        return SHIPEST_EDOMAIN;
    /* Ranks n p -/+ sqrt(n p (1 - p)) bracket the p quantile with the
     * probability of +/- one standard deviation of a binomial count. */
    double d = sqrt(p * (1 - p) / (double)n);
    double lo = p - d < 0 ? 0 : p - d, hi = p + d > 1 ? 1 : p + d;
    *se = 0.5 * (quantile_of(r, i, hi) - quantile_of(r, i, lo));
    return SHIPEST_OK;
}

/* Shortest interval from a sketch: scan lower probabilities on a grid of
 * at most 2000 steps (the sketch has no exact order statistics to scan). */
static void sketch_shortest(const shp_sketch *s, double p, double *lo, double *hi)
{
    const int steps = 2000;
    double best = INFINITY;
    for (int k = 0; k <= steps; k++) {
        double a = (1 - p) * k / steps;
        double x = shp_sketch_quantile(s, a), y = shp_sketch_quantile(s, a + p);
        if (y - x < best) {
            best = y - x;
            *lo = x;
            *hi = y;
        }
    }
}

shipest_status shipest_result_interval(const shipest_result *r, size_t i, shipest_interval kind,
                                       double coverage, double *lo, double *hi)
{
    if (get_out(r, i) == NULL || lo == NULL || hi == NULL ||
        (kind != SHIPEST_INTERVAL_SYMMETRIC && kind != SHIPEST_INTERVAL_SHORTEST))
        return SHIPEST_EINVAL;
    if (!(coverage > 0 && coverage < 1) || n_values(r, i) == 0)
        return SHIPEST_EDOMAIN;
    int shortest = kind == SHIPEST_INTERVAL_SHORTEST;
    if (r->kept)
        shp_order_interval(r, i, coverage, shortest, lo, hi);
    else if (shortest)
        sketch_shortest(&r->acc.sk[i], coverage, lo, hi);
    else {
        *lo = shp_sketch_quantile(&r->acc.sk[i], (1 - coverage) / 2);
        *hi = shp_sketch_quantile(&r->acc.sk[i], (1 + coverage) / 2);
    }
    return SHIPEST_OK;
}

/* Values <= t (or < t with strict). */
static double count_le(const shipest_result *r, size_t i, double t, int strict)
{
    if (!r->kept)
        return shp_sketch_count_le(&r->acc.sk[i], t, strict);
    return (double)shp_order_count_le(r, i, t, strict);
}

static shipest_status prob(const shipest_result *r, size_t i, double t, int above, double *p,
                           double *se)
{
    if (get_out(r, i) == NULL || p == NULL)
        return SHIPEST_EINVAL;
    uint64_t n = n_values(r, i);
    if (isnan(t) || n == 0)
        return SHIPEST_EDOMAIN;
    double c = above ? (double)n - count_le(r, i, t, 0) : count_le(r, i, t, 1);
    double pr = c / (double)n;
    *p = pr;
    if (se != NULL)
        *se = sqrt(pr * (1 - pr) / (double)n);
    return SHIPEST_OK;
}

shipest_status shipest_result_prob_above(const shipest_result *r, size_t i, double t, double *p,
                                         double *se)
{
    return prob(r, i, t, 1, p, se);
}

shipest_status shipest_result_prob_below(const shipest_result *r, size_t i, double t, double *p,
                                         double *se)
{
    return prob(r, i, t, 0, p, se);
}

typedef struct hist_state { double lo, hi, w; size_t nbins; uint64_t *counts; } hist_state;

static void hist_add(void *user, double x, uint64_t c)
{
    hist_state *h = user;
    if (!(x >= h->lo && x <= h->hi))
        return;
    size_t k = (size_t)((x - h->lo) / h->w);
    h->counts[k < h->nbins ? k : h->nbins - 1] += c;
}

shipest_status shipest_result_histogram(const shipest_result *r, size_t i, double lo, double hi,
                                        size_t nbins, uint64_t *counts)
{
    if (get_out(r, i) == NULL || counts == NULL || nbins == 0)
        return SHIPEST_EINVAL;
    if (!(isfinite(lo) && isfinite(hi) && lo < hi))
        return SHIPEST_EDOMAIN;
    memset(counts, 0, nbins * sizeof *counts);
    hist_state h = {lo, hi, (hi - lo) / (double)nbins, nbins, counts};
    if (!isfinite(h.w) || h.w <= 0)
        return SHIPEST_EDOMAIN;
    if (r->kept) /* in trial order: the order's buckets may be being sorted */
        for (uint64_t j = 0; j < r->trials; j++)
            hist_add(&h, r->kept_mem[(size_t)r->kept_cap * i + (size_t)j], 1);
    else
        shp_sketch_foreach(&r->acc.sk[i], hist_add, &h);
    return SHIPEST_OK;
}

int shipest_significant_digits(double value, double se)
{
    if (!isfinite(value) || !isfinite(se) || se < 0)
        return 0;
    if (se == 0)
        return 17;
    if (value == 0)
        return 0;
    /* JCGM 101 7.9.2: a digit at position l is reliable when twice the
     * standard error is within half a unit there, 2 se <= 10^l / 2. */
    double l = ceil(log10(4 * se));
    double d = floor(log10(fabs(value))) - l + 1;
    return d < 0 ? 0 : d > 17 ? 17 : (int)d;
}
