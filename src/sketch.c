/* sketch.c — mergeable quantile sketch with a relative-error bound.
 *
 * DDSketch (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB 2019): with
 * gamma = (1 + a) / (1 - a), bucket i counts |x| in (gamma^(i-1), gamma^i]
 * and reports 2 gamma^i / (gamma + 1), within relative error a of every
 * value in it. Counts are integers, so merging is exact and the sketch of a
 * set of trials does not depend on insertion order or thread count.
 *
 * Memory is fixed: a window of SHP_SKETCH_WINDOW buckets per sign (about 28
 * decades of magnitude at a = 1e-3). When values span more, the buckets of
 * smallest magnitude are merged into the lowest bucket of the window (the
 * DDSketch collapsing rule); the window is then [max - W + 1, max], a
 * function of the set, so collapsing is also order-independent. Quantiles
 * falling in a collapsed bucket lose the bound; shp_sketch_collapsed_fraction
 * says how much mass that is. */
#include "mc.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Designed slightly inside the stated bound so the rounding of log() at a
 * bucket edge cannot push an estimate past SHP_SKETCH_ALPHA. */
#define ALPHA_DESIGN (SHP_SKETCH_ALPHA * 0.999)
#define W SHP_SKETCH_WINDOW

static double gamma_(void)
{
    return (1 + ALPHA_DESIGN) / (1 - ALPHA_DESIGN);
}

static inline size_t slot(int32_t i)
{
    return (size_t)((uint32_t)i & (uint32_t)(W - 1));
}

static void store_init(shp_store *s, uint64_t *c)
{
    s->lo = s->hi = 0;
    s->min_seen = INT32_MAX;
    s->total = 0;
    s->c = c;
    memset(c, 0, W * sizeof *c);
}

static void store_add(shp_store *s, int32_t i, uint64_t count)
{
    if (i < s->min_seen)
        s->min_seen = i;
    if (s->total == 0) {
        s->lo = s->hi = i;
    } else if (i > s->hi) {
        /* Slide the window up; indices below the new bottom fold into it. */
        int32_t new_lo = i - W + 1;
        if (new_lo > s->lo) {
            uint64_t acc = 0;
            int32_t stop = new_lo - 1 < s->hi ? new_lo - 1 : s->hi;
            for (int32_t j = s->lo; j <= stop; j++) {
                acc += s->c[slot(j)];
                s->c[slot(j)] = 0;
            }
            s->c[slot(new_lo)] += acc;
            s->lo = new_lo;
        }
        s->hi = i;
    } else if (i < s->lo) {
        int32_t bottom = s->hi - W + 1;
        if (i < bottom)
            i = bottom;
        s->lo = i;
    }
    s->c[slot(i)] += count;
    s->total += count;
}

void shp_sketch_init(shp_sketch *s, uint64_t *counts)
{
    store_init(&s->pos, counts);
    store_init(&s->neg, counts + W);
    s->zero = 0;
    s->n = 0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

static inline int32_t index_of(double ax, double inv_log_gamma)
{
    return (int32_t)ceil(log(ax) * inv_log_gamma);
}

void shp_sketch_add_block(shp_sketch *s, const double *x, size_t n)
{
    const double inv = 1 / log(gamma_());
    for (size_t j = 0; j < n; j++) {
        double v = x[j];
        if (!isfinite(v))
            continue;
        s->n++;
        s->min = v < s->min ? v : s->min;
        s->max = v > s->max ? v : s->max;
        if (v >= DBL_MIN)
            store_add(&s->pos, index_of(v, inv), 1);
        else if (v <= -DBL_MIN)
            store_add(&s->neg, index_of(-v, inv), 1);
        else
            s->zero++;
    }
}

static void store_merge(shp_store *a, const shp_store *b)
{
    if (b->total == 0)
        return;
    for (int32_t j = b->lo; j <= b->hi; j++) {
        uint64_t c = b->c[slot(j)];
        if (c)
            store_add(a, j, c);
    }
    if (b->min_seen < a->min_seen)
        a->min_seen = b->min_seen;
}

void shp_sketch_merge(shp_sketch *a, const shp_sketch *b)
{
    store_merge(&a->pos, &b->pos);
    store_merge(&a->neg, &b->neg);
    a->zero += b->zero;
    a->n += b->n;
    a->min = b->min < a->min ? b->min : a->min;
    a->max = b->max > a->max ? b->max : a->max;
}

static double rep(int32_t i)
{
    double g = gamma_();
    return 2 * exp((double)i * log(g)) / (g + 1);
}

/* Value of the order statistic of 0-based rank k (k < n). */
static double order_stat(const shp_sketch *s, uint64_t k)
{
    if (k == 0)
        return s->min;
    if (k + 1 >= s->n)
        return s->max;
    uint64_t cum = 0;
    double v = 0;
    int found = 0;
    /* Negatives first, most negative (highest index) first. */
    if (s->neg.total) {
        for (int32_t j = s->neg.hi; j >= s->neg.lo && !found; j--) {
            cum += s->neg.c[slot(j)];
            if (cum > k) {
                v = -rep(j);
                found = 1;
            }
        }
    }
    if (!found) {
        cum += s->zero;
        if (cum > k) {
            v = 0;
            found = 1;
        }
    }
    if (!found && s->pos.total) {
        for (int32_t j = s->pos.lo; j <= s->pos.hi && !found; j++) {
            cum += s->pos.c[slot(j)];
            if (cum > k) {
                v = rep(j);
                found = 1;
            }
        }
    }
    if (!found)
        v = s->max;
    /* The exact extremes are known: never report beyond them. */
    return v < s->min ? s->min : v > s->max ? s->max : v;
}

double shp_sketch_quantile(const shp_sketch *s, double p)
{
    if (s->n == 0)
        return NAN;
    /* Type 7 between two order statistics, each within the bound: the
     * convex combination of same-signed estimates keeps the bound. */
    double h = (double)(s->n - 1) * p;
    double f = floor(h);
    uint64_t k = (uint64_t)f;
    double a = order_stat(s, k);
    if (k + 1 >= s->n || h == f)
        return a;
    double b = order_stat(s, k + 1);
    return a + (h - f) * (b - a);
}

typedef struct le_state { double t; int strict; double count; } le_state;

static void le_fn(void *user, double v, uint64_t c)
{
    le_state *st = user;
    if (st->strict ? v < st->t : v <= st->t)
        st->count += (double)c;
}

double shp_sketch_count_le(const shp_sketch *s, double t, int strict)
{
    le_state st = {t, strict, 0};
    shp_sketch_foreach(s, le_fn, &st);
    return st.count;
}

void shp_sketch_foreach(const shp_sketch *s, void (*fn)(void *, double, uint64_t), void *user)
{
    if (s->neg.total)
        for (int32_t j = s->neg.hi; j >= s->neg.lo; j--)
            if (s->neg.c[slot(j)])
                fn(user, -rep(j), s->neg.c[slot(j)]);
    if (s->zero)
        fn(user, 0.0, s->zero);
    if (s->pos.total)
        for (int32_t j = s->pos.lo; j <= s->pos.hi; j++)
            if (s->pos.c[slot(j)])
                fn(user, rep(j), s->pos.c[slot(j)]);
}

double shp_sketch_collapsed_fraction(const shp_sketch *s)
{
    if (s->n == 0)
        return 0;
    double c = 0;
    if (s->pos.total && s->pos.min_seen < s->pos.lo)
        c += (double)s->pos.c[slot(s->pos.lo)];
    if (s->neg.total && s->neg.min_seen < s->neg.lo)
        c += (double)s->neg.c[slot(s->neg.lo)];
    return c / (double)s->n;
}
