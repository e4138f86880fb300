/* mc.h — private: the Monte Carlo engine (mc.c), the result object
 * (result.c) and the statistics behind it (summary.c, sketch.c,
 * sensitivity.c). Nothing here is exported.
 *
 * Determinism rests on three rules, see docs/statistics.md:
 *  - every per-trial value is a pure function of (seed, node, trial);
 *  - everything accumulated is either an integer count or an exact
 *    (order-independent) sum of per-chunk floating sums, where a chunk is a
 *    fixed, absolutely aligned run of SHP_CHUNK trials summed in a fixed
 *    order, so threads, block sizes and range splits cannot change a bit;
 *  - sets (sketch buckets, the sensitivity subsample) are canonical
 *    functions of the trials they hold, not of insertion order. */
#ifndef SHP_MC_H
#define SHP_MC_H

#include "internal.h"
#include "model.h"

#include <stdatomic.h>

/* ---- exact accumulator (summary.c) ----------------------------------------
 * A fixed-point integer wide enough for any sum of doubles: limb i weighs
 * 2^(32 i - 1074). Additions are exact, hence associative and commutative. */
#define SHP_XACC_LIMBS 70
typedef struct shp_xacc {
    int64_t limb[SHP_XACC_LIMBS];
    uint32_t adds;    /* additions since the last carry propagation */
    uint32_t special; /* 1: +inf added, 2: -inf added, 4: NaN added */
} shp_xacc;

void shp_xacc_init(shp_xacc *a);
void shp_xacc_add(shp_xacc *a, double x);
void shp_xacc_merge(shp_xacc *a, const shp_xacc *b);
double shp_xacc_value(const shp_xacc *a);

/* ---- moments (summary.c) ----------------------------------------------- */
#define SHP_CHUNK 64 /* trials per summation chunk; divides every block size */

typedef struct shp_moments {
    shp_xacc s1, s2;   /* exact sums of per-chunk sums of d and d^2, d = x - shift */
    uint64_t n;        /* finite values */
    uint64_t nonfinite;
    double min, max;   /* over finite values; +inf/-inf when none */
} shp_moments;

void shp_moments_init(shp_moments *m);
/* Add one chunk (or a range-edge fragment of one) in trial order. */
void shp_moments_add(shp_moments *m, const double *v, size_t n, double shift);
void shp_moments_merge(shp_moments *a, const shp_moments *b);
/* Mean and (n-1) variance; NaN when n is too small. */
void shp_moments_get(const shp_moments *m, double shift, double *mean, double *var);

/* Sort 64-bit keys ascending, carrying optional 32-bit values (val and
 * tval NULL for none); tkey/tval are scratch of n entries, hist holds
 * SHP_RADIX_HIST entries. Stable. */
#define SHP_RADIX_HIST (6 * 2048)
void shp_radix_sort(uint64_t *key, uint64_t *tkey, uint32_t *val, uint32_t *tval, size_t n,
                    size_t *hist);
/* The same for 32-bit keys with (required) 32-bit values. */
void shp_radix_sort32(uint32_t *key, uint32_t *tkey, uint32_t *val, uint32_t *tval, size_t n,
                      size_t *hist);
/* Sort doubles ascending through their order-preserving bit image; tmp
 * holds n doubles, hist SHP_SORT_SCRATCH entries (the LSD histograms, then
 * the digits of up to six MSD levels; unused, may be NULL, for n <= 2048).
 * Only finite values should be passed. */
#define SHP_SORT_SCRATCH (SHP_RADIX_HIST + 6 * 2048)
void shp_sort_doubles(double *v, double *tmp, size_t n, size_t *hist);

/* ---- quantile sketch (sketch.c) -------------------------------------------
 * DDSketch-style logarithmic buckets (Masson, Rim and Lee, VLDB 2019) with a
 * fixed window of SHP_SKETCH_WINDOW buckets per sign, so memory is bounded
 * and preallocated: bucket i holds |x| in (gamma^(i-1), gamma^i]. */
#define SHP_SKETCH_ALPHA 1e-3     /* stated relative-error bound */
#define SHP_SKETCH_WINDOW 32768   /* buckets per sign: ~28 decades */

typedef struct shp_store {
    int32_t lo, hi;    /* window of live indices, valid when total > 0 */
    int32_t min_seen;  /* lowest index ever added (collapse detection) */
    uint64_t total;
    uint64_t *c;       /* SHP_SKETCH_WINDOW counts, slot = index mod window */
} shp_store;

typedef struct shp_sketch {
    shp_store pos, neg; /* neg holds |x| of negative values */
    uint64_t zero;      /* |x| below DBL_MIN, including 0 */
    uint64_t n;
    double min, max;
} shp_sketch;

/* counts must hold 2 * SHP_SKETCH_WINDOW uint64_t; the sketch borrows it. */
void shp_sketch_init(shp_sketch *s, uint64_t *counts);
/* Add n values; non-finite ones are ignored. */
void shp_sketch_add_block(shp_sketch *s, const double *x, size_t n);
void shp_sketch_merge(shp_sketch *a, const shp_sketch *b);
double shp_sketch_quantile(const shp_sketch *s, double p);
/* Number of values <= t (approximated by bucket representatives). */
double shp_sketch_count_le(const shp_sketch *s, double t, int strict);
/* Fraction of values in buckets merged by the window (bound not held). */
double shp_sketch_collapsed_fraction(const shp_sketch *s);
/* Calls fn(value, count) for every non-empty bucket in ascending order. */
void shp_sketch_foreach(const shp_sketch *s, void (*fn)(void *, double, uint64_t), void *user);

/* ---- sensitivity subsample (sensitivity.c) ----------------------------------
 * The trials with the SHP_SENS_CAP smallest keys hash(trial): a canonical,
 * exactly mergeable, bounded sample (all trials while there are fewer).
 *
 * Kept by amortised selection, not a heap: slots fill up to 2 * cap; when
 * they are full the cap smallest keys are selected (one radix select, rows
 * moved once) and the largest of them becomes the threshold. A trial is a
 * candidate only when key <= lim, one compare that touches no slot. The
 * sample is the cap smallest keys among the slots; the slot order is
 * history, so shp_reservoir_settle() puts the sample in canonical order
 * (ascending trial) before anything looks at the slots. Keys are distinct
 * (trials are, and the key is a bijection). */
#define SHP_SENS_CAP 32768
/* Slots for a sample of cap: twice, so each selection pays for cap inserts.
 * After shp_reservoir_settle (sample: the first n <= cap rows) the settle
 * itself and shp_sensitivity use the rows beyond as scratch. */
#define SHP_RES_SLOTS(cap) (2 * (size_t)(cap))

typedef struct shp_reservoir {
    size_t cap, n, width; /* sample size, slots in use (up to 2 * cap), values per row */
    uint64_t lim;         /* candidates have key <= lim (UINT64_MAX before a selection) */
    uint64_t *key;        /* per slot */
    uint64_t *trial;      /* per slot */
    double *row;          /* per slot, width values */
} shp_reservoir;

/* splitmix64 finaliser: a bijection, so keys never tie. Inline: it runs
 * for every trial. */
static inline uint64_t shp_trial_key(uint64_t trial)
{
    uint64_t z = trial + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Storage for cap >= 1: mem holds 2 * SHP_RES_SLOTS(cap) uint64_t (keys,
 * then trials), row SHP_RES_SLOTS(cap) * width doubles. */
void shp_reservoir_init(shp_reservoir *r, size_t cap, size_t width, uint64_t *mem, double *row);
/* Keep only the cap smallest keys (when more slots are in use). */
void shp_reservoir_select(shp_reservoir *r);
/* Might a trial with this key enter? False only for keys that cannot: lim
 * lags the sample's largest key until the next selection. */
static inline int shp_reservoir_wants(const shp_reservoir *r, uint64_t key)
{
    return key <= r->lim;
}
/* Returns the row to fill for the trial (call when wants; a key that no
 * longer can enter after a selection only takes a slot). */
static inline double *shp_reservoir_insert(shp_reservoir *r, uint64_t key, uint64_t trial)
{
    if (r->n == SHP_RES_SLOTS(r->cap))
        shp_reservoir_select(r);
    size_t s = r->n++;
    r->key[s] = key;
    r->trial[s] = trial;
    return r->row + s * r->width;
}
/* Add b's sample to a's (b may hold more slots than its sample). */
void shp_reservoir_merge(shp_reservoir *a, const shp_reservoir *b);
/* Select, then order the sample by trial: afterwards slots 0..n-1 are the
 * sample in canonical order (what shp_sensitivity and serialize.c read).
 * SHIPEST_ENOMEM leaves the sample intact, selected but not ordered. */
shipest_status shp_reservoir_settle(shipest_ctx *ctx, shp_reservoir *r);

/* ---- kept values in order (order.c) ---------------------------------------------
 * An output's finite kept values partitioned into buckets that ascend by
 * the values' order-preserving keys, so bucket b holds exactly the ranks
 * [end[b - 1], end[b]); a bucket is sorted in place the first time a reader
 * needs one of its ranks (under the result's order lock; ready is then set
 * with release order). Built by shp_result_finalise. */
typedef struct shp_order {
    double *v;            /* n values (capacity: the result's trials) */
    size_t n;             /* finite values */
    size_t nb;            /* buckets, at most 2^10 */
    size_t *end;          /* nb: where each bucket ends */
    atomic_uchar *ready;  /* nb: bucket sorted */
    uint64_t kmin, kmax;  /* key range (from the moments); keys outside go to the end buckets */
    uint64_t gap_lo, gap_hi; /* keys between are squeezed to gap_lo (tiny |x| around 0) */
    uint64_t base;        /* squeezed kmin */
    unsigned shift;       /* bucket of a key k in [kmin, kmax]: (squeezed k - base) >> shift */
} shp_order;
typedef struct shp_order_lock shp_order_lock;

/* ---- result (result.c) ----------------------------------------------------- */
typedef struct shp_src {
    int32_t node;
    int is_factor;
    const char *name, *source; /* in the result's string pool */
} shp_src;

typedef struct shp_out {
    int32_t node;
    const char *name, *unit;
    double scale; /* display_scale */
    double shift; /* value of trial 0: keeps sums of squares well conditioned */
    size_t n_deps;
    size_t *deps; /* indices into the result's sources, ascending */
    /* finalised statistics */
    double mean, var;
    shp_order ord; /* finite kept values, for order statistics */
    size_t *sens_src; double *sens_share, *sens_rho; /* n_deps, sorted by share */
} shp_out;

typedef struct shp_bindinfo {
    int32_t node;
    const char *name;
    uint32_t nargs;
    const char *labels[SHP_MAX_ARGS];
} shp_bindinfo;

typedef struct shp_frag {
    uint64_t lo;  /* first trial */
    uint32_t n;   /* trials, < SHP_CHUNK, all in chunk lo / SHP_CHUNK */
    double *v;    /* n_out * SHP_CHUNK values, output-major */
} shp_frag;

/* Everything a worker accumulates; merged exactly. */
typedef struct shp_acc {
    shp_moments *mom;   /* n_out */
    shp_sketch *sk;     /* n_out, NULL when samples are kept */
    uint64_t *sk_mem;
    shp_reservoir res;
    uint64_t *res_mem;  /* key + trial */
    double *res_row;
    uint64_t *bind;     /* n_bind * SHP_MAX_ARGS counts */
} shp_acc;

typedef struct shp_range { uint64_t first, n; } shp_range;

struct shipest_result {
    shipest_ctx *ctx;
    uint64_t seed;
    unsigned flags;
    char *pool;
    size_t n_out, n_src, n_bind;
    shp_out *out;
    shp_src *src;
    shp_bindinfo *bind;
    size_t *dep_mem;
    double *sens_mem; size_t *sens_idx_mem;
    size_t n_ranges, cap_ranges;
    shp_range *ranges;
    uint64_t trials;
    int kept;            /* samples kept (else sketched) */
    double *kept_mem;    /* n_out * kept_cap, output-major */
    uint64_t kept_cap;
    size_t n_frag, cap_frag;
    shp_frag *frag;
    shp_acc acc;
    int stop_reason;
    uint64_t fingerprint; /* of the model (shp_model_fingerprint) */
    shp_order_lock *order_lock; /* bucket sorts of kept values; NULL when sketched */
};

/* Width of a reservoir row: outputs then sources. */
#define SHP_RES_WIDTH(r) ((r)->n_out + (r)->n_src)

/* New, empty result for model m (no ranges). kept says whether samples are
 * to be kept for `capacity` trials; otherwise sketches are made. */
shipest_status shp_result_new(shipest_ctx *ctx, const struct shipest_model *m, uint64_t seed,
                              unsigned flags, int kept, uint64_t capacity,
                              shipest_result **out);
/* Accumulator storage for a worker or a result. */
shipest_status shp_acc_alloc(shipest_ctx *ctx, const shipest_result *r, int sketched, shp_acc *a);
void shp_acc_free(shipest_ctx *ctx, shp_acc *a);
void shp_acc_merge(const shipest_result *r, shp_acc *a, const shp_acc *b);
/* Add range [first, first + n) to r's list, with its edge fragments (values
 * filled by the engine). Returns the fragment slots in *head / *tail (-1 when
 * that edge is aligned). */
shipest_status shp_result_add_range(shipest_result *r, uint64_t first, uint64_t n,
                                    long *head, long *tail);
/* Add src's trials to dst (same model, seed and flags, disjoint ranges);
 * src is unchanged. On failure dst can only be freed. */
shipest_status shp_result_absorb(shipest_ctx *ctx, shipest_result *dst, const shipest_result *src);
/* Sorted copies, moments and (with sens) sensitivity. */
shipest_status shp_result_finalise(shipest_ctx *ctx, shipest_result *r, int sens);
/* Mean and variance only (cheap; used by adaptive stopping). */
void shp_result_moments(const shipest_result *r, size_t o, double *mean, double *var);
/* Memory the kept samples of n trials would take (samples + sorted copy). */
double shp_kept_bytes(size_t n_out, uint64_t n);

/* Partition every output's kept samples with the context's threads (the
 * result does not depend on their number); replaces an earlier order. */
shipest_status shp_order_build(shipest_ctx *ctx, shipest_result *r);
void shp_order_free(shipest_ctx *ctx, shipest_result *r);
/* Readers; output o must have finite values (ord.n > 0). */
double shp_order_quantile(const shipest_result *r, size_t o, double p); /* Hyndman-Fan type 7 */
/* JCGM 101 7.7 coverage interval. */
void shp_order_interval(const shipest_result *r, size_t o, double p, int shortest, double *lo,
                        double *hi);
/* Values <= t (< t with strict); t not NaN. Any n. */
size_t shp_order_count_le(const shipest_result *r, size_t o, double t, int strict);

/* Sensitivity of every output from the reservoir (sensitivity.c). */
shipest_status shp_sensitivity(shipest_ctx *ctx, shipest_result *r);

/* ---- byte images of results (serialize.c) ------------------------------------
 * A 64-bit hash of everything in the model that shapes a result: every
 * node's operation, arguments, constants, streams, names, units, sources,
 * labels and distribution, and the correlations. Stable across processes
 * and hosts of the same build; stored in each result by shp_result_new()
 * and written into its image, so an image is read back only with its own
 * model and results of different models never merge. */
uint64_t shp_model_fingerprint(const shipest_model *m);

#endif
