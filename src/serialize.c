/* serialize.c — a result as bytes and back: shipest_result_serialize(),
 * shipest_result_deserialize() and the model fingerprint that ties an image
 * to its model. The format is specified in docs/serialization.md.
 *
 * What is written is the mergeable state, not the finished statistics:
 * the exact moment accumulators, the edge fragments, the kept samples or
 * sketch buckets, the sensitivity subsample and the binding counts. The
 * reader rebuilds the result's metadata from the model (as a run does),
 * loads that state and finalises it with the same code a run uses, so
 * every accessor, and every later merge, sees the same bits.
 *
 * Every integer is little-endian whatever the host; a double is its
 * IEEE-754 bit pattern as a little-endian 64-bit integer. Nothing read is
 * trusted: counts are checked against the bytes present before anything is
 * allocated from them, and against each other (trials, ranges, fragments,
 * moment counts, sketch totals, binding counts) before the result exists. */
#include "mc.h"
#include "dist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_VERSION 1u
#define HEADER_SIZE 88u
#define KIND_KEPT 0u
#define KIND_SKETCH 1u
/* Per output: shift, n, nonfinite, min, max, then two accumulators. */
#define XACC_SIZE (4u + 8u + 4u * (SHP_XACC_LIMBS - 1))
#define OUT_SIZE (5u * 8u + 2u * XACC_SIZE)
/* Sketch bucket indices of finite doubles lie within about +-355,000;
 * anything beyond this bound is corrupt (and would overflow the window
 * arithmetic). */
#define INDEX_LIMIT (INT32_C(1) << 20)

static const unsigned char magic[8] = {0x89, 'S', 'H', 'P', 'R', 'E', 'S', '\n'};

/* ---- hashing ---------------------------------------------------------------- */

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return fnv(h, b, 8);
}

static uint64_t fnv_f64(uint64_t h, double x)
{
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    return fnv_u64(h, v);
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    if (s == NULL)
        return fnv_u64(h, UINT64_MAX);
    size_t n = strlen(s);
    return fnv(fnv_u64(h, n), s, n);
}

/* A distribution by its family, its exact description (shortest round-trip
 * numbers) and its quantiles at fixed probabilities. Empirical
 * distributions and mixtures are not described (the text of a million
 * samples would cost more than the run): their quantiles stand for them.
 * Only pure functions are called: computing a fingerprint never touches a
 * context. */
static uint64_t fnv_dist(uint64_t h, const shipest_dist *d)
{
    shipest_family fam = shipest_dist_family(d);
    h = fnv_u64(h, (uint64_t)fam);
    if (fam != SHIPEST_DIST_EMPIRICAL && fam != SHIPEST_DIST_MIXTURE) {
        char text[512];
        h = fnv_u64(h, shipest_dist_describe(d, text, sizeof text));
        h = fnv_str(h, text);
    }
    for (int i = 0; i <= 32; i++)
        h = fnv_f64(h, shp_dist_ppf(d, i / 32.0));
    return h;
}

uint64_t shp_model_fingerprint(const shipest_model *m)
{
    uint64_t h = fnv_str(FNV_OFFSET, "libshipest model fingerprint 1");
    h = fnv_u64(h, m->n_nodes);
    for (size_t i = 0; i < m->n_nodes; i++) {
        const shp_node *nd = &m->nodes[i];
        h = fnv_u64(h, (uint64_t)nd->op);
        h = fnv_u64(h, nd->flags);
        h = fnv_u64(h, nd->nargs);
        for (uint32_t k = 0; k < nd->nargs && k < SHP_MAX_ARGS; k++)
            h = fnv_u64(h, (uint64_t)(int64_t)nd->args[k]);
        h = fnv_f64(h, nd->k);
        h = fnv_u64(h, nd->stream);
        h = fnv_f64(h, nd->display_scale);
        h = fnv_str(h, nd->name);
        h = fnv_str(h, nd->source);
        h = fnv_str(h, nd->unit_text);
        for (int k = 0; k < SHP_MAX_ARGS; k++)
            h = fnv_str(h, nd->labels[k]);
        if (nd->dist != NULL)
            h = fnv_dist(h, nd->dist);
    }
    h = fnv_u64(h, m->n_corr);
    for (size_t c = 0; c < m->n_corr; c++) {
        h = fnv_u64(h, (uint64_t)(int64_t)m->corr[c].a);
        h = fnv_u64(h, (uint64_t)(int64_t)m->corr[c].b);
        h = fnv_f64(h, m->corr[c].rho);
    }
    return h;
}

/* ---- writing ---------------------------------------------------------------- */

/* Counts every byte; stores them only while they fit (buf NULL: count only). */
typedef struct writer {
    unsigned char *buf;
    size_t cap, pos;
} writer;

static void put(writer *w, const void *data, size_t n)
{
    if (w->buf != NULL && w->pos <= w->cap && n <= w->cap - w->pos)
        memcpy(w->buf + w->pos, data, n);
    w->pos += n;
}

static void put_u64(writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, 8);
}

static void put_u32(writer *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, 4);
}

static void put_f64(writer *w, double x)
{
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    put_u64(w, v);
}

/* Unsigned LEB128, shortest form. */
static void put_varint(writer *w, uint64_t v)
{
    unsigned char b[10];
    size_t n = 0;
    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    put(w, b, n);
}

/* The canonical form of an accumulator (mc.h: limbs 0..L-2 in [0, 2^32),
 * the top limb holds the sign); the same carry rule as summary.c. */
static void xacc_canonical(const shp_xacc *a, int64_t *limb)
{
    memcpy(limb, a->limb, sizeof a->limb);
    for (int i = 0; i < SHP_XACC_LIMBS - 1; i++) {
        int64_t low = (int64_t)((uint64_t)limb[i] & UINT64_C(0xffffffff));
        int64_t carry = (limb[i] - low) / (INT64_C(1) << 32);
        limb[i] = low;
        limb[i + 1] += carry;
    }
}

static void put_xacc(writer *w, const shp_xacc *a)
{
    int64_t limb[SHP_XACC_LIMBS];
    xacc_canonical(a, limb);
    put_u32(w, a->special);
    put_u64(w, (uint64_t)limb[SHP_XACC_LIMBS - 1]);
    for (int i = 0; i < SHP_XACC_LIMBS - 1; i++)
        put_u32(w, (uint32_t)limb[i]);
}

static void put_store(writer *w, const shp_store *s)
{
    put_u64(w, s->total);
    if (s->total == 0)
        return;
    uint32_t nonzero = 0;
    for (int32_t j = s->lo; j <= s->hi; j++)
        nonzero += s->c[(uint32_t)j & (SHP_SKETCH_WINDOW - 1)] != 0;
    put_u32(w, (uint32_t)s->lo);
    put_u32(w, (uint32_t)s->hi);
    put_u32(w, (uint32_t)s->min_seen);
    put_u32(w, nonzero);
    uint64_t gap = 0;
    for (int32_t j = s->lo; j <= s->hi; j++) {
        uint64_t c = s->c[(uint32_t)j & (SHP_SKETCH_WINDOW - 1)];
        if (c == 0) {
            gap++;
            continue;
        }
        put_varint(w, gap);
        put_varint(w, c);
        gap = 0;
    }
}

static void emit(writer *w, const shipest_result *r)
{
    size_t width = SHP_RES_WIDTH(r);
    put(w, magic, sizeof magic);
    put_u32(w, FORMAT_VERSION);
    put_u32(w, r->kept ? KIND_KEPT : KIND_SKETCH);
    put_u64(w, 0); /* image length, patched by the caller */
    put_u64(w, r->fingerprint);
    put_u64(w, r->seed);
    put_u32(w, r->flags);
    put_u32(w, (uint32_t)r->stop_reason);
    put_u32(w, (uint32_t)r->n_out);
    put_u32(w, (uint32_t)r->n_src);
    put_u32(w, (uint32_t)r->n_bind);
    put_u32(w, (uint32_t)r->acc.res.n);
    put_u64(w, r->trials);
    put_u64(w, r->n_ranges);
    put_u64(w, r->n_frag);
    for (size_t o = 0; o < r->n_out; o++) {
        const shp_moments *m = &r->acc.mom[o];
        put_f64(w, r->out[o].shift);
        put_u64(w, m->n);
        put_u64(w, m->nonfinite);
        put_f64(w, m->min);
        put_f64(w, m->max);
        put_xacc(w, &m->s1);
        put_xacc(w, &m->s2);
    }
    for (size_t i = 0; i < r->n_ranges; i++) {
        put_u64(w, r->ranges[i].first);
        put_u64(w, r->ranges[i].n);
    }
    for (size_t f = 0; f < r->n_frag; f++) {
        put_u64(w, r->frag[f].lo);
        put_u32(w, r->frag[f].n);
        for (size_t o = 0; o < r->n_out; o++)
            for (uint32_t j = 0; j < r->frag[f].n; j++)
                put_f64(w, r->frag[f].v[o * SHP_CHUNK + j]);
    }
    for (size_t b = 0; b < r->n_bind; b++) {
        put_u32(w, r->bind[b].nargs);
        for (uint32_t k = 0; k < r->bind[b].nargs; k++)
            put_u64(w, r->acc.bind[b * SHP_MAX_ARGS + k]);
    }
    for (size_t o = 0; o < r->n_out; o++) {
        if (r->kept) {
            const double *v = r->kept_mem + (size_t)r->kept_cap * o;
            for (uint64_t j = 0; j < r->trials; j++)
                put_f64(w, v[j]);
        } else {
            const shp_sketch *s = &r->acc.sk[o];
            put_u64(w, s->n);
            put_u64(w, s->zero);
            put_f64(w, s->min);
            put_f64(w, s->max);
            put_store(w, &s->pos);
            put_store(w, &s->neg);
        }
    }
    /* Finalising settled the subsample (shp_reservoir_settle): res->n rows
     * in ascending trial order, the same bytes for the same set of trials
     * whatever the threads, blocks or merges that made it. */
    const shp_reservoir *res = &r->acc.res;
    for (size_t s = 0; s < res->n; s++) {
        put_u64(w, res->trial[s]);
        for (size_t c = 0; c < width; c++)
            put_f64(w, res->row[s * width + c]);
    }
    put_u64(w, 0); /* checksum, patched by the caller */
}

shipest_status shipest_result_serialize(const shipest_result *r, void *buf, size_t cap,
                                        size_t *len)
{
    if (r == NULL || len == NULL || (buf == NULL && cap > 0))
        return SHIPEST_EINVAL;
    writer w = {NULL, 0, 0};
    emit(&w, r);
    *len = w.pos;
    if (buf == NULL)
        return SHIPEST_OK; /* the size query */
    if (cap < w.pos)
        return SHIPEST_ELIMIT;
    writer out = {buf, cap, 0};
    emit(&out, r);
    unsigned char *p = buf;
    uint64_t n = w.pos;
    for (int i = 0; i < 8; i++)
        p[16 + i] = (unsigned char)(n >> (8 * i));
    uint64_t sum = fnv(FNV_OFFSET, p, w.pos - 8);
    for (int i = 0; i < 8; i++)
        p[w.pos - 8 + (size_t)i] = (unsigned char)(sum >> (8 * i));
    return SHIPEST_OK;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct reader {
    shipest_ctx *ctx;
    const unsigned char *p;
    size_t len, pos;
    int failed;
} reader;

/* Record a malformed image: status EPARSE, message with the byte offset. */
static shipest_status bad(reader *rd, size_t at, const char *what)
{
    rd->failed = 1;
    return shp_error(rd->ctx, SHIPEST_EPARSE, "result image: %s at byte %zu", what, at);
}

static int have(reader *rd, size_t n, const char *what)
{
    if (rd->failed)
        return 0;
    if (n > rd->len - rd->pos) {
        bad(rd, rd->pos, what);
        return 0;
    }
    return 1;
}

static uint64_t get_u64(reader *rd, const char *what)
{
    if (!have(rd, 8, what))
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)rd->p[rd->pos + (size_t)i] << (8 * i);
    rd->pos += 8;
    return v;
}

static uint32_t get_u32(reader *rd, const char *what)
{
    if (!have(rd, 4, what))
        return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)rd->p[rd->pos + (size_t)i] << (8 * i);
    rd->pos += 4;
    return v;
}

static int32_t get_i32(reader *rd, const char *what)
{
    uint32_t u = get_u32(rd, what);
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static double get_f64(reader *rd, const char *what)
{
    uint64_t v = get_u64(rd, what);
    double x;
    memcpy(&x, &v, sizeof x);
    return x;
}

static uint64_t get_varint(reader *rd, const char *what)
{
    size_t at = rd->pos;
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (!have(rd, 1, what))
            return 0;
        unsigned char b = rd->p[rd->pos++];
        if (shift == 63 && (b & 0x7e)) {
            bad(rd, at, "varint overflows 64 bits");
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (b == 0 && shift > 0)
                bad(rd, at, "varint not in its shortest form");
            return v;
        }
        if (shift == 63) {
            bad(rd, at, "varint longer than 10 bytes");
            return 0;
        }
    }
}

/* *acc += a * b; 0 on overflow. */
static int add_mul(uint64_t *acc, uint64_t a, uint64_t b)
{
    if (b != 0 && a > UINT64_MAX / b)
        return 0;
    if (a * b > UINT64_MAX - *acc)
        return 0;
    *acc += a * b;
    return 1;
}

static void get_xacc(reader *rd, shp_xacc *a)
{
    size_t at = rd->pos;
    shp_xacc_init(a);
    a->special = get_u32(rd, "accumulator");
    int64_t top = (int64_t)get_u64(rd, "accumulator");
    for (int i = 0; i < SHP_XACC_LIMBS - 1; i++)
        a->limb[i] = (int64_t)get_u32(rd, "accumulator");
    a->limb[SHP_XACC_LIMBS - 1] = top;
    if (rd->failed)
        return;
    /* A sum of at most 2^64 finite doubles is below 2^1088; the top limb
     * weighs 2^1134, so it is 0 or -1 (the sign). */
    if (a->special > 7 || (top != 0 && top != -1))
        bad(rd, at, "accumulator out of range");
}

/* The edge fragments a set of ranges leaves: for each run of adjacent
 * ranges, the covered part of its first chunk and of its last chunk when
 * they are partial (one piece when both are the same chunk). This is what
 * the engine and frags_join() produce, so it is the only valid set. */
static size_t expected_frags(const shp_range *g, size_t n, shp_frag *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint64_t a = g[i].first, b = g[i].first + g[i].n;
        for (i++; i < n && g[i].first == b; i++)
            b += g[i].n;
        uint64_t ca = a / SHP_CHUNK, cb = (b - 1) / SHP_CHUNK;
        int head = a % SHP_CHUNK != 0;
        if (head) {
            uint64_t end = ca == cb ? b : (ca + 1) * SHP_CHUNK;
            out[k].lo = a;
            out[k++].n = (uint32_t)(end - a);
        }
        if (b % SHP_CHUNK != 0 && !(head && ca == cb)) {
            out[k].lo = b - b % SHP_CHUNK;
            out[k++].n = (uint32_t)(b % SHP_CHUNK);
        }
    }
    return k;
}

static void get_store(reader *rd, shp_store *s)
{
    size_t at = rd->pos;
    s->total = get_u64(rd, "sketch store");
    if (rd->failed || s->total == 0)
        return;
    int32_t lo = get_i32(rd, "sketch store"), hi = get_i32(rd, "sketch store");
    int32_t min_seen = get_i32(rd, "sketch store");
    uint32_t k = get_u32(rd, "sketch store");
    if (rd->failed)
        return;
    if (lo < -INDEX_LIMIT || hi > INDEX_LIMIT || lo > hi || hi - lo >= SHP_SKETCH_WINDOW ||
        min_seen < -INDEX_LIMIT || min_seen > lo || k == 0 || (int64_t)k > (int64_t)hi - lo + 1) {
        bad(rd, at, "sketch window out of range");
        return;
    }
    s->lo = lo;
    s->hi = hi;
    s->min_seen = min_seen;
    int64_t j = lo;
    uint64_t sum = 0;
    for (uint32_t e = 0; e < k; e++) {
        size_t eat = rd->pos;
        uint64_t gap = get_varint(rd, "sketch bucket"), c = get_varint(rd, "sketch bucket");
        if (rd->failed)
            return;
        if (j > hi || gap > (uint64_t)(hi - j) || c == 0 || c > UINT64_MAX - sum ||
            (e == 0 && gap != 0)) {
            bad(rd, eat, "sketch bucket out of range");
            return;
        }
        j += (int64_t)gap;
        s->c[(uint32_t)j & (SHP_SKETCH_WINDOW - 1)] = c;
        sum += c;
        j++;
    }
    if (j - 1 != hi || sum != s->total)
        bad(rd, at, "sketch buckets do not add up to the store's total");
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Everything after the header, read into r (made for the model). */
static shipest_status read_body(reader *rd, shipest_result *r, uint64_t n_ranges,
                                uint64_t n_frag, uint32_t n_res)
{
    shipest_ctx *ctx = rd->ctx;
    size_t n_out = r->n_out, width = SHP_RES_WIDTH(r);
    size_t at;
    /* outputs */
    for (size_t o = 0; o < n_out; o++) {
        shp_moments *m = &r->acc.mom[o];
        at = rd->pos;
        r->out[o].shift = get_f64(rd, "output");
        m->n = get_u64(rd, "output");
        m->nonfinite = get_u64(rd, "output");
        m->min = get_f64(rd, "output");
        m->max = get_f64(rd, "output");
        get_xacc(rd, &m->s1);
        get_xacc(rd, &m->s2);
        if (rd->failed)
            return SHIPEST_EPARSE;
        if (!isfinite(r->out[o].shift) ||
            (m->n == 0 ? !(m->min == INFINITY && m->max == -INFINITY)
                       : !(isfinite(m->min) && isfinite(m->max) && m->min <= m->max)))
            return bad(rd, at, "output moments inconsistent");
    }
    /* ranges: ascending, disjoint, adding up to the trials */
    shp_range *g = shp_alloc_array(ctx, (size_t)n_ranges, sizeof *g);
    if (g == NULL)
        return SHIPEST_ENOMEM;
    shp_free(ctx, r->ranges);
    r->ranges = g;
    r->cap_ranges = (size_t)n_ranges;
    uint64_t sum = 0;
    for (size_t i = 0; i < n_ranges; i++) {
        at = rd->pos;
        g[i].first = get_u64(rd, "range");
        g[i].n = get_u64(rd, "range");
        if (rd->failed)
            return SHIPEST_EPARSE;
        if (g[i].n == 0 || g[i].first > UINT64_MAX - g[i].n ||
            (i > 0 && g[i].first < g[i - 1].first + g[i - 1].n) || g[i].n > UINT64_MAX - sum)
            return bad(rd, at, "trial range empty, overlapping or out of order");
        sum += g[i].n;
        r->n_ranges = i + 1;
    }
    if (sum != r->trials)
        return bad(rd, HEADER_SIZE - 24, "trial ranges do not add up to the trials");
    /* fragments: exactly the ones the ranges leave */
    shp_frag *want = shp_alloc_array(ctx, 2 * (size_t)n_ranges, sizeof *want);
    if (want == NULL)
        return SHIPEST_ENOMEM;
    size_t n_want = expected_frags(g, (size_t)n_ranges, want);
    if (n_want != n_frag) {
        shp_free(ctx, want);
        return bad(rd, HEADER_SIZE - 8, "fragment count does not match the trial ranges");
    }
    if (n_frag > 0 && (r->frag = shp_calloc(ctx, (size_t)n_frag, sizeof *r->frag)) == NULL) {
        shp_free(ctx, want);
        return SHIPEST_ENOMEM;
    }
    r->cap_frag = (size_t)n_frag;
    for (size_t f = 0; f < n_frag; f++) {
        at = rd->pos;
        uint64_t lo = get_u64(rd, "fragment");
        uint32_t n = get_u32(rd, "fragment");
        if (rd->failed || lo != want[f].lo || n != want[f].n) {
            shp_free(ctx, want);
            return rd->failed ? SHIPEST_EPARSE : bad(rd, at, "fragment does not match the trial ranges");
        }
        if (!have(rd, (size_t)n * n_out * 8, "fragment values")) {
            shp_free(ctx, want);
            return SHIPEST_EPARSE;
        }
        double *v = shp_calloc(ctx, n_out * SHP_CHUNK, sizeof *v);
        if (v == NULL) {
            shp_free(ctx, want);
            return SHIPEST_ENOMEM;
        }
        r->frag[f].lo = lo;
        r->frag[f].n = n;
        r->frag[f].v = v;
        r->n_frag = f + 1;
        for (size_t o = 0; o < n_out; o++)
            for (uint32_t j = 0; j < n; j++)
                v[o * SHP_CHUNK + j] = get_f64(rd, "fragment values");
    }
    shp_free(ctx, want);
    /* per output: every trial is in a whole chunk or in a fragment */
    uint64_t *bad_frag = shp_calloc(ctx, n_out, sizeof *bad_frag);
    if (bad_frag == NULL)
        return SHIPEST_ENOMEM;
    for (size_t o = 0; o < n_out; o++) {
        uint64_t in_frags = 0;
        for (size_t f = 0; f < r->n_frag; f++) {
            in_frags += r->frag[f].n;
            for (uint32_t j = 0; j < r->frag[f].n; j++)
                bad_frag[o] += isfinite(r->frag[f].v[o * SHP_CHUNK + j]) ? 0u : 1u;
        }
        const shp_moments *m = &r->acc.mom[o];
        if (m->n > r->trials || m->nonfinite > r->trials - m->n ||
            m->n + m->nonfinite != r->trials - in_frags) {
            shp_free(ctx, bad_frag);
            return bad(rd, HEADER_SIZE + o * OUT_SIZE + 8, "output counts do not add up to the trials");
        }
    }
    /* bindings */
    for (size_t b = 0; b < r->n_bind; b++) {
        at = rd->pos;
        uint32_t nargs = get_u32(rd, "binding");
        if (!rd->failed && nargs != r->bind[b].nargs) {
            shp_free(ctx, bad_frag);
            return bad(rd, at, "binding constraints differ from the model's");
        }
        uint64_t total = 0;
        int over = 0;
        for (uint32_t k = 0; k < nargs; k++) {
            uint64_t c = get_u64(rd, "binding");
            over |= c > UINT64_MAX - total;
            total += c;
            r->acc.bind[b * SHP_MAX_ARGS + k] = c;
        }
        if (rd->failed || over || total != r->trials) {
            shp_free(ctx, bad_frag);
            return rd->failed ? SHIPEST_EPARSE : bad(rd, at, "binding counts do not add up to the trials");
        }
    }
    /* samples or sketches */
    for (size_t o = 0; o < n_out; o++) {
        at = rd->pos;
        uint64_t nonfinite = r->acc.mom[o].nonfinite + bad_frag[o];
        if (r->kept) {
            double *v = r->kept_mem + (size_t)r->kept_cap * o;
            uint64_t nf = 0;
            for (uint64_t j = 0; j < r->trials; j++) {
                v[j] = get_f64(rd, "samples");
                nf += isfinite(v[j]) ? 0u : 1u;
            }
            if (!rd->failed && nf != nonfinite) {
                shp_free(ctx, bad_frag);
                return bad(rd, at, "samples disagree with the output's counts");
            }
            continue;
        }
        shp_sketch *s = &r->acc.sk[o];
        s->n = get_u64(rd, "sketch");
        s->zero = get_u64(rd, "sketch");
        s->min = get_f64(rd, "sketch");
        s->max = get_f64(rd, "sketch");
        get_store(rd, &s->pos);
        get_store(rd, &s->neg);
        if (rd->failed)
            break;
        int ok = s->n == r->trials - nonfinite && s->pos.total <= s->n &&
                 s->neg.total <= s->n - s->pos.total &&
                 s->zero == s->n - s->pos.total - s->neg.total &&
                 (s->n == 0 ? s->min == INFINITY && s->max == -INFINITY
                            : isfinite(s->min) && isfinite(s->max) && s->min <= s->max);
        if (!ok) {
            shp_free(ctx, bad_frag);
            return bad(rd, at, "sketch disagrees with the output's counts");
        }
    }
    shp_free(ctx, bad_frag);
    if (rd->failed)
        return SHIPEST_EPARSE;
    /* sensitivity subsample: distinct trials, all inside the ranges */
    at = rd->pos;
    uint64_t *sorted = shp_alloc_array(ctx, (size_t)n_res + 1, sizeof *sorted);
    if (sorted == NULL)
        return SHIPEST_ENOMEM;
    /* Rows in any order (images of earlier builds were in slot order);
     * n_res <= cap, so every row gets a slot, and finalising settles them
     * into trial order. */
    shp_reservoir *res = &r->acc.res;
    for (uint32_t s = 0; s < n_res; s++) {
        uint64_t t = get_u64(rd, "subsample");
        if (rd->failed)
            break;
        double *row = shp_reservoir_insert(res, shp_trial_key(t), t);
        for (size_t c = 0; c < width; c++)
            row[c] = get_f64(rd, "subsample");
        sorted[s] = t;
    }
    if (rd->failed) {
        shp_free(ctx, sorted);
        return SHIPEST_EPARSE;
    }
    qsort(sorted, n_res, sizeof *sorted, cmp_u64);
    size_t gi = 0;
    int ok = 1;
    for (uint32_t s = 0; s < n_res && ok; s++) {
        while (gi < r->n_ranges && sorted[s] >= g[gi].first + g[gi].n)
            gi++;
        ok = gi < r->n_ranges && sorted[s] >= g[gi].first && (s == 0 || sorted[s] != sorted[s - 1]);
    }
    shp_free(ctx, sorted);
    if (!ok)
        return bad(rd, at, "subsample trials repeat or lie outside the trial ranges");
    return SHIPEST_OK;
}

shipest_status shipest_result_deserialize(shipest_ctx *ctx, const shipest_model *m,
                                          const void *buf, size_t len, shipest_result **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (m == NULL || out == NULL || (buf == NULL && len > 0))
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_result_deserialize: NULL argument");
    reader rd = {ctx, buf, len, 0, 0};
    if (len < sizeof magic || memcmp(buf, magic, sizeof magic) != 0)
        return bad(&rd, 0, "not a libshipest result image (bad magic)");
    rd.pos = sizeof magic;
    uint32_t version = get_u32(&rd, "truncated header");
    if (rd.failed)
        return SHIPEST_EPARSE;
    if (version > FORMAT_VERSION)
        return shp_error(ctx, SHIPEST_EUNSUPPORTED,
                         "result image: format version %u is newer than this library reads (%u) "
                         "at byte 8", (unsigned)version, FORMAT_VERSION);
    if (version == 0)
        return bad(&rd, 8, "format version 0");
    uint32_t kind = get_u32(&rd, "truncated header");
    uint64_t length = get_u64(&rd, "truncated header");
    if (rd.failed)
        return SHIPEST_EPARSE;
    if (length != len)
        return shp_error(ctx, SHIPEST_EPARSE,
                         "result image: the image is %llu bytes but %zu were given at byte 16",
                         (unsigned long long)length, len);
    if (len < HEADER_SIZE + 8)
        return bad(&rd, len, "image shorter than its header");
    uint64_t sum = 0;
    for (int i = 0; i < 8; i++)
        sum |= (uint64_t)rd.p[len - 8 + (size_t)i] << (8 * i);
    if (sum != fnv(FNV_OFFSET, rd.p, len - 8))
        return bad(&rd, len - 8, "checksum mismatch (the image is corrupt)");
    rd.len = len - 8; /* the body ends at the checksum */
    uint64_t fp = get_u64(&rd, "header"), seed = get_u64(&rd, "header");
    uint32_t flags = get_u32(&rd, "header"), stop = get_u32(&rd, "header");
    uint32_t n_out = get_u32(&rd, "header"), n_src = get_u32(&rd, "header");
    uint32_t n_bind = get_u32(&rd, "header"), n_res = get_u32(&rd, "header");
    uint64_t trials = get_u64(&rd, "header"), n_ranges = get_u64(&rd, "header");
    uint64_t n_frag = get_u64(&rd, "header");
    if (rd.failed)
        return SHIPEST_EPARSE;
    uint64_t mine = shp_model_fingerprint(m);
    if (fp != mine)
        return shp_error(ctx, SHIPEST_EINVAL,
                         "result image: made from another model (fingerprint %016llx, this "
                         "model's is %016llx) at byte 24",
                         (unsigned long long)fp, (unsigned long long)mine);
    if (kind > KIND_SKETCH)
        return bad(&rd, 12, "unknown result kind");
    if (flags & ~(uint32_t)SHIPEST_RUN_LHS)
        return bad(&rd, 40, "unknown run flags");
    if (stop > SHIPEST_STOP_MERGED)
        return bad(&rd, 44, "unknown stop reason");
    if (trials == 0 || n_ranges == 0)
        return bad(&rd, 64, "no trials");
    if (n_res != (trials < SHP_SENS_CAP ? trials : SHP_SENS_CAP))
        return bad(&rd, 60, "subsample size does not match the trials");
    /* Before allocating anything sized by the image: the bytes its counts
     * need must be there (fragments and buckets take at least their
     * minimum), so no allocation exceeds a small multiple of len. */
    uint64_t width = (uint64_t)n_out + n_src, need = HEADER_SIZE;
    int fits = add_mul(&need, n_out, OUT_SIZE) && add_mul(&need, n_ranges, 16) &&
               add_mul(&need, n_frag, 12 + 8 * (uint64_t)n_out) && add_mul(&need, n_bind, 4) &&
               add_mul(&need, n_res, 8) && add_mul(&need, n_res, 8 * width) &&
               (kind == KIND_KEPT ? add_mul(&need, trials, 8 * (uint64_t)n_out)
                                  : add_mul(&need, n_out, 48));
    if (!fits || need > rd.len)
        return bad(&rd, 48, "counts need more bytes than the image holds");
    shipest_result *r = NULL;
    shipest_status st = shp_result_new(ctx, m, seed, flags, kind == KIND_KEPT, trials, &r);
    if (st != SHIPEST_OK)
        return st;
    if (r->n_out != n_out || r->n_src != n_src || r->n_bind != n_bind || n_out == 0) {
        shipest_result_free(r);
        return bad(&rd, 48, "output, source or binding counts differ from the model's");
    }
    r->trials = trials;
    r->stop_reason = (int)stop;
    st = read_body(&rd, r, n_ranges, n_frag, n_res);
    if (st == SHIPEST_OK && rd.pos != rd.len)
        st = bad(&rd, rd.pos, "unexpected bytes after the subsample");
    if (st == SHIPEST_OK)
        st = shp_result_finalise(ctx, r, 1);
    if (st != SHIPEST_OK) {
        shipest_result_free(r);
        return st;
    }
    *out = r;
    return SHIPEST_OK;
}
