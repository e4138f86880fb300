/* order.c — order statistics of kept samples: each output's finite values
 * partitioned once at the end of a run, and a part sorted only when a
 * reader first needs one of its ranks.
 *
 * Why: a full sort of every output was the largest single cost of a big
 * run (perf at 10^7 kept trials: about a quarter of the time, plus the
 * scratch it touched), yet readers usually ask for a handful of quantiles.
 * The partition is one counting pass and one scatter per output, shared by
 * the context's threads; buckets are ascending ranges of the values'
 * order-preserving keys, so bucket b holds exactly the ranks
 * [end[b - 1], end[b]) and sorting it in place orders them. A quantile
 * then sorts one or two buckets of a few thousand values.
 *
 * Readers may run on several threads at once (the result is read-only to
 * its users): a bucket's ready flag is loaded with acquire order, and a
 * bucket is sorted under the result's order lock, which then stores the
 * flag with release order, so a reader that sees the flag sees the sorted
 * values. Nothing but the bucket sorts ever writes after the build. */
#define _POSIX_C_SOURCE 200809L

#include "bits.h"
#include "mc.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

struct shp_order_lock {
    pthread_mutex_t mu;
    double *tmp;  /* as large as the largest bucket */
    size_t *hist; /* SHP_SORT_SCRATCH; NULL when no bucket needs it */
};

/* Buckets: up to 2^10 (fewer scatter streams than TLB entries; the worked
 * example at 10^7 trials, run plus three quantiles an output, measured 2%
 * faster than 2^11, 2^9 and 2^8 the same), about 16 values each for small
 * runs so that a quantile sorts almost nothing. */
#define ORDER_BITS 10
#define ORDER_BUCKETS (1u << ORDER_BITS)
/* Fewer trials than this are partitioned by one thread: starting threads
 * would cost more than they save. */
#define ORDER_THREADS_FROM 65536

static unsigned bit_length(uint64_t d)
{
    unsigned bits = 0;
    for (; d != 0; d >>= 1)
        bits++;
    return bits;
}

/* ---- the partition ---------------------------------------------------------- */

/* One output partitioned by nt threads, each calling part_step(p, t, step)
 * for step 0 and 1 with a barrier between steps. The key range comes from
 * the run's exact moments (min and max of the finite values) and the
 * range-edge fragments, so one counting pass suffices; a key outside it
 * (an image whose moments lie) goes to the first or last bucket, where it
 * belongs anyway, so the order stays right whatever the range says. */
typedef struct part {
    const double *src;
    size_t n, nt;
    shp_order *od;        /* its geometry set before the steps */
    size_t *cnt;          /* nt * ORDER_BUCKETS: bucket counts per share */
} part;

/* Keys with the gap (gap_lo, gap_hi) closed up: non-decreasing in k. */
static inline uint64_t squeeze(const shp_order *od, uint64_t k)
{
    return k <= od->gap_lo ? k : k >= od->gap_hi ? k - (od->gap_hi - od->gap_lo) : od->gap_lo;
}

/* The bucket of key k; keys outside [kmin, kmax] go to the end buckets.
 * gap says whether od has one (a constant where it matters, so the loops
 * below get a version without the test). The last clamp cannot bind while
 * squeeze is monotone; it keeps a bug there from writing out of bounds. */
static inline size_t bucket_of(const shp_order *od, uint64_t k, int gap)
{
    if (k < od->kmin)
        return 0;
    uint64_t b = k > od->kmax ? od->nb - 1 : ((gap ? squeeze(od, k) : k) - od->base) >> od->shift;
    return b < od->nb ? (size_t)b : od->nb - 1;
}

static inline int has_gap(const shp_order *od)
{
    return od->gap_lo != od->gap_hi;
}

/* Count the finite values of src[lo, hi) by bucket, or (at != NULL) put
 * each at at[its bucket]++. */
static inline void part_pass(const double *src, size_t lo, size_t hi, shp_order *od,
                             size_t *cnt, size_t *at, int gap)
{
    for (size_t i = lo; i < hi; i++)
        if (isfinite(src[i])) {
            size_t b = bucket_of(od, shp_order_key(src[i]), gap);
            if (at != NULL)
                od->v[at[b]++] = src[i];
            else
                cnt[b]++;
        }
}

static void part_step(const part *p, size_t t, int step, size_t *at)
{
    /* 64-bit products: size_t may be 32 bits */
    const size_t lo = (size_t)((uint64_t)p->n * t / p->nt),
                 hi = (size_t)((uint64_t)p->n * (t + 1) / p->nt);
    size_t *cnt = p->cnt + t * ORDER_BUCKETS;
    shp_order *od = p->od;
    if (step == 0) { /* bucket counts of this share */
        memset(cnt, 0, od->nb * sizeof *cnt);
        if (has_gap(od))
            part_pass(p->src, lo, hi, od, cnt, NULL, 1);
        else
            part_pass(p->src, lo, hi, od, cnt, NULL, 0);
        return;
    }
    /* scatter: a bucket's values from earlier shares come first */
    size_t sum = 0;
    for (size_t d = 0; d < od->nb; d++) {
        at[d] = sum;
        for (size_t u = 0; u < p->nt; u++) {
            size_t c = p->cnt[u * ORDER_BUCKETS + d];
            at[d] += u < t ? c : 0;
            sum += c;
        }
        if (t == 0)
            od->end[d] = sum;
    }
    if (has_gap(od))
        part_pass(p->src, lo, hi, od, NULL, at, 1);
    else
        part_pass(p->src, lo, hi, od, NULL, at, 0);
    if (t == 0)
        od->n = sum;
}

/* Key range of output o's finite kept values, and the bucket geometry. */
static void part_geometry(const shipest_result *r, size_t o, shp_order *od)
{
    double lo = r->acc.mom[o].min, hi = r->acc.mom[o].max;
    uint64_t finite = r->acc.mom[o].n;
    for (size_t f = 0; f < r->n_frag; f++)
        for (uint32_t j = 0; j < r->frag[f].n; j++) {
            double x = r->frag[f].v[o * SHP_CHUNK + j];
            if (isfinite(x)) {
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
                finite++;
            }
        }
    if (!(lo <= hi))
        lo = hi = 0; /* no finite values */
    /* -0 and +0 compare equal but have different keys: take both */
    od->kmin = shp_order_key(lo == 0 ? -0.0 : lo);
    od->kmax = shp_order_key(hi == 0 ? 0.0 : hi);
    /* Keys grow like log2 |x|, so values of both signs span every binade
     * down to 0 on each side: about 2000 binades, nearly all empty. Those
     * below a millionth of the standard deviation are squeezed out (they
     * share the middle bucket), or a normal(0, 1) output put ~10^6 values
     * in each of its central buckets. */
    double sd = sqrt(r->out[o].var), f = sd * 0x1p-20;
    od->gap_lo = od->gap_hi = 0;
    if (lo < 0 && hi > 0 && f > 0 && isfinite(f)) {
        od->gap_lo = shp_order_key(-f);
        od->gap_hi = shp_order_key(f);
    }
    /* Equal widths of the squeezed keys from kmin (a bucket is a slice of
     * a binade): about 16 values a bucket, at most 2^10. Not the top
     * varying bits of the keys: values either side of a power of two (0.5
     * to 2) differ in the exponent's top bit, and those bits made one
     * bucket per binade. */
    od->base = squeeze(od, od->kmin);
    uint64_t span = squeeze(od, od->kmax) - od->base;
    unsigned vary = bit_length(span), bits = bit_length(finite / 16);
    bits = bits < ORDER_BITS ? bits : ORDER_BITS;
    bits = bits < vary ? bits : vary;
    if (bits == 0) { /* one bucket; vary - 0 may be 64, too far to shift */
        od->shift = 0;
        od->nb = 1;
    } else {
        od->shift = vary - bits; /* < 64 */
        od->nb = (size_t)(span >> od->shift) + 1; /* <= 2^bits */
    }
}

/* A barrier whose number of parties is set once the threads exist (a
 * thread that cannot be started is simply not waited for). */
typedef struct gate {
    int threaded; /* set before any thread starts; 0: no locking at all */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t parties, waiting;
    unsigned long phase;
} gate;

static void gate_release_locked(gate *g)
{
    g->waiting = 0;
    g->phase++;
    pthread_cond_broadcast(&g->cv);
}

static void gate_wait(gate *g)
{
    if (!g->threaded)
        return;
    pthread_mutex_lock(&g->mu);
    unsigned long phase = g->phase;
    if (++g->waiting >= g->parties)
        gate_release_locked(g);
    else
        while (phase == g->phase)
            pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

typedef struct job {
    part *parts;       /* one per output */
    size_t n_out, t;
    size_t *at;        /* ORDER_BUCKETS */
    gate *g;
    pthread_t th;
} job;

static void run_job(job *j)
{
    for (size_t o = 0; o < j->n_out; o++)
        for (int step = 0; step < 2; step++) {
            part_step(&j->parts[o], j->t, step, j->at);
            gate_wait(j->g);
        }
}

static void *job_thread(void *arg)
{
    job *j = arg;
    gate_wait(j->g); /* until the caller knows how many threads started */
    run_job(j);
    return NULL;
}

/* Partition every output with nt threads (the caller's included). */
static void partition(part *parts, size_t n_out, size_t nt, job *jobs, gate *g)
{
    size_t started = 1;
    for (size_t t = 0; t < nt; t++) {
        jobs[t].parts = parts;
        jobs[t].n_out = n_out;
        jobs[t].t = t;
        jobs[t].g = g;
        if (t > 0 && started == t && pthread_create(&jobs[t].th, NULL, job_thread, &jobs[t]) == 0)
            started++;
    }
    /* Shares for the threads that started (the others never run); set
     * before the gate opens, so every thread reads the same number. */
    for (size_t o = 0; o < n_out; o++)
        parts[o].nt = started;
    if (g->threaded) { /* let the threads that started go */
        pthread_mutex_lock(&g->mu);
        g->parties = started;
        if (++g->waiting >= started)
            gate_release_locked(g);
        else
            while (g->phase == 0)
                pthread_cond_wait(&g->cv, &g->mu);
        pthread_mutex_unlock(&g->mu);
    }
    run_job(&jobs[0]);
    for (size_t t = 1; t < started; t++)
        pthread_join(jobs[t].th, NULL);
}

/* ---- build and free ---------------------------------------------------------- */

void shp_order_free(shipest_ctx *ctx, shipest_result *r)
{
    for (size_t o = 0; r->out != NULL && o < r->n_out; o++) {
        shp_order *od = &r->out[o].ord;
        shp_free(ctx, od->v);
        shp_free(ctx, od->end);
        shp_free(ctx, (void *)od->ready);
        memset(od, 0, sizeof *od);
    }
    shp_order_lock *lk = r->order_lock;
    if (lk != NULL) {
        pthread_mutex_destroy(&lk->mu);
        shp_free(ctx, lk->tmp);
        shp_free(ctx, lk->hist);
        shp_free(ctx, lk);
        r->order_lock = NULL;
    }
}

/* The lock and the bucket sorts' scratch, sized by the largest bucket. */
static shipest_status lock_new(shipest_ctx *ctx, shipest_result *r)
{
    size_t big = 1;
    for (size_t o = 0; o < r->n_out; o++) {
        const shp_order *od = &r->out[o].ord;
        for (size_t b = 0, start = 0; b < od->nb; start = od->end[b], b++)
            big = od->end[b] - start > big ? od->end[b] - start : big;
    }
    shp_order_lock *lk = shp_calloc(ctx, 1, sizeof *lk);
    if (lk == NULL)
        return SHIPEST_ENOMEM;
    shipest_status st = SHIPEST_ENOMEM;
    lk->tmp = shp_alloc_array(ctx, big, sizeof *lk->tmp);
    /* shp_sort_doubles needs its counts only above 2048 values */
    lk->hist = big > 2048 ? shp_alloc_array(ctx, SHP_SORT_SCRATCH, sizeof *lk->hist) : NULL;
    if (lk->tmp == NULL || (big > 2048 && lk->hist == NULL))
        goto fail;
    if (pthread_mutex_init(&lk->mu, NULL) != 0) {
        st = shp_error(ctx, SHIPEST_ENOMEM, "cannot create a mutex");
        goto fail;
    }
    r->order_lock = lk;
    return SHIPEST_OK;
fail:
    shp_free(ctx, lk->tmp);
    shp_free(ctx, lk->hist);
    shp_free(ctx, lk);
    return st;
}

shipest_status shp_order_build(shipest_ctx *ctx, shipest_result *r)
{
    shp_order_free(ctx, r);
    if (!r->kept || r->n_out == 0)
        return SHIPEST_OK;
    size_t n = (size_t)r->trials, nt = (size_t)ctx->threads;
    if (nt < 1 || n < ORDER_THREADS_FROM)
        nt = 1;
    shipest_status st = SHIPEST_ENOMEM;
    gate g;
    g.threaded = 0;
    g.parties = nt;
    g.waiting = 0;
    g.phase = 0;
    if (nt > 1) {
        if (pthread_mutex_init(&g.mu, NULL) != 0)
            nt = 1;
        else if (pthread_cond_init(&g.cv, NULL) != 0) {
            pthread_mutex_destroy(&g.mu);
            nt = 1;
        } else
            g.threaded = 1;
    }
    part *parts = shp_calloc(ctx, r->n_out, sizeof *parts);
    job *jobs = shp_calloc(ctx, nt, sizeof *jobs);
    size_t *cnt = shp_alloc_array(ctx, 2 * nt * ORDER_BUCKETS, sizeof *cnt);
    if (parts == NULL || jobs == NULL || cnt == NULL)
        goto done;
    for (size_t o = 0; o < r->n_out; o++) {
        shp_order *od = &r->out[o].ord;
        od->v = shp_alloc_array(ctx, n ? n : 1, sizeof *od->v);
        od->end = shp_alloc_array(ctx, ORDER_BUCKETS, sizeof *od->end);
        od->ready = shp_alloc_array(ctx, ORDER_BUCKETS, sizeof *od->ready);
        if (od->v == NULL || od->end == NULL || od->ready == NULL)
            goto done;
        parts[o].src = r->kept_mem + (size_t)r->kept_cap * o;
        parts[o].n = n;
        parts[o].nt = nt;
        parts[o].od = od;
        parts[o].cnt = cnt;
        part_geometry(r, o, od);
    }
    for (size_t t = 0; t < nt; t++)
        jobs[t].at = cnt + (nt + t) * ORDER_BUCKETS;
    partition(parts, r->n_out, nt, jobs, &g);
    for (size_t o = 0; o < r->n_out; o++) {
        shp_order *od = &r->out[o].ord;
        for (size_t b = 0, start = 0; b < od->nb; start = od->end[b], b++)
            atomic_init(&od->ready[b], od->end[b] - start < 2);
    }
    st = lock_new(ctx, r);
done:
    if (st != SHIPEST_OK)
        shp_order_free(ctx, r);
    shp_free(ctx, parts);
    shp_free(ctx, jobs);
    shp_free(ctx, cnt);
    if (g.threaded) {
        pthread_cond_destroy(&g.cv);
        pthread_mutex_destroy(&g.mu);
    }
    return st;
}

/* ---- readers ---------------------------------------------------------------- */

static void ready_bucket(const shipest_result *r, const shp_order *od, size_t b)
{
    if (atomic_load_explicit(&od->ready[b], memory_order_acquire))
        return;
    shp_order_lock *lk = r->order_lock;
    pthread_mutex_lock(&lk->mu);
    if (!atomic_load_explicit(&od->ready[b], memory_order_relaxed)) {
        size_t start = b > 0 ? od->end[b - 1] : 0;
        shp_sort_doubles(od->v + start, lk->tmp, od->end[b] - start, lk->hist);
        atomic_store_explicit(&od->ready[b], 1, memory_order_release);
    }
    pthread_mutex_unlock(&lk->mu);
}

/* The bucket holding rank k < n: the first with end > k. */
static size_t bucket_of_rank(const shp_order *od, size_t k)
{
    size_t a = 0, b = od->nb - 1;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (od->end[mid] > k)
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

/* Ranks [k0, k1) sorted in place (k0 < k1 <= n). */
static void ready_ranks(const shipest_result *r, const shp_order *od, size_t k0, size_t k1)
{
    for (size_t b = bucket_of_rank(od, k0), last = bucket_of_rank(od, k1 - 1); b <= last; b++)
        ready_bucket(r, od, b);
}

static double at_rank(const shipest_result *r, const shp_order *od, size_t k)
{
    ready_bucket(r, od, bucket_of_rank(od, k));
    return od->v[k];
}

double shp_order_quantile(const shipest_result *r, size_t o, double p)
{
    /* Hyndman-Fan type 7 */
    const shp_order *od = &r->out[o].ord;
    double h = (double)(od->n - 1) * p, f = floor(h);
    size_t i = (size_t)f;
    if (i + 1 >= od->n)
        return at_rank(r, od, od->n - 1);
    double a = at_rank(r, od, i);
    if (h == f) /* an order statistic itself, whatever lies beyond it */
        return a;
    double b = at_rank(r, od, i + 1), t = h - f, d = b - a;
    /* b - a overflows only between huge values of both signs */
    return isfinite(d) ? a + t * d : a * (1 - t) + b * t;
}

void shp_order_interval(const shipest_result *r, size_t o, double p, int shortest, double *lo,
                        double *hi)
{
    /* JCGM 101 7.7: q = pM if integer, else floor(pM + 1/2); the interval
     * is [y_(r), y_(r+q)] with 1-based r. */
    const shp_order *od = &r->out[o].ord;
    size_t n = od->n;
    double pm = p * (double)n;
    size_t q = (size_t)(pm == floor(pm) ? pm : floor(pm + 0.5));
    if (q >= n)
        q = n - 1;
    size_t at; /* 0-based r */
    if (!shortest) {
        size_t mq = n - q;
        at = mq % 2 == 0 ? mq / 2 : (mq + 1) / 2;
        at = at > 0 ? at - 1 : 0;
    } else {
        /* Every candidate end lies in the lowest n - q or the highest
         * n - q ranks. */
        ready_ranks(r, od, 0, n - q);
        ready_ranks(r, od, q, n);
        const double *v = od->v;
        at = 0;
        double best = v[q] - v[0];
        for (size_t i = 1; i + q < n; i++) {
            double w = v[i + q] - v[i];
            if (w < best) {
                best = w;
                at = i;
            }
        }
    }
    *lo = at_rank(r, od, at);
    *hi = at_rank(r, od, at + q);
}

size_t shp_order_count_le(const shipest_result *r, size_t o, double t, int strict)
{
    /* In keys: strict counts keys below that of t, else keys up to it; a
     * zero t stands for both zeros (-0 < +0 as keys, equal as values). */
    const shp_order *od = &r->out[o].ord;
    uint64_t tk = shp_order_key(t == 0 ? (strict ? -0.0 : 0.0) : t);
    if (od->n == 0)
        return 0;
    /* Buckets before t's hold smaller keys only, those after larger ones. */
    size_t b = bucket_of(od, tk, has_gap(od));
    ready_bucket(r, od, b);
    size_t a = b > 0 ? od->end[b - 1] : 0, e = od->end[b]; /* first rank not counted */
    while (a < e) {
        size_t mid = a + (e - a) / 2;
        uint64_t k = shp_order_key(od->v[mid]);
        if (strict ? k < tk : k <= tk)
            a = mid + 1;
        else
            e = mid;
    }
    return a;
}
