/* report.c — text, JSON, CSV and SVG reports of a result, into a caller
 * buffer (snprintf semantics) or a FILE *.
 *
 * The writers read the result only through the public accessors, the
 * model (when given) only through its introspection functions, and the
 * caller's extras (probability statements, analyses; JSON only) through
 * the analysis accessors. Everything
 * that can fail (arguments, allocation) is done before the first byte is
 * written, so a failed call writes nothing; only a FILE * write error can
 * leave a partial report. */
#include "internal.h"
#include "model.h" /* shp_model_node_flags */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output sink ----------------------------------------------------------- */

typedef struct sink {
    char *buf;   /* caller buffer, or NULL */
    size_t size; /* its size */
    FILE *fp;    /* or a stream */
    size_t len;  /* bytes produced so far (the length needed) */
    int ioerr;   /* a write to fp failed */
} sink;

static void put(sink *s, const char *p, size_t n)
{
    if (n == 0)
        return;
    if (s->fp != NULL) {
        if (!s->ioerr && fwrite(p, 1, n, s->fp) != n)
            s->ioerr = 1;
    } else if (s->buf != NULL && s->size > 0 && s->len < s->size - 1) {
        size_t room = s->size - 1 - s->len;
        memcpy(s->buf + s->len, p, n < room ? n : room);
    }
    s->len += n;
}

static void puts_(sink *s, const char *p)
{
    put(s, p, strlen(p));
}

/* Formatted output of short text (numbers, names): callers never pass a
 * string that could exceed the local buffer except names, which the model
 * caps at 255 bytes. */
static void putf(sink *s, const char *fmt, ...) SHP_PRINTF(2, 3);
static void putf(sink *s, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    put(s, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_repeat(sink *s, const char *p, size_t times)
{
    for (size_t i = 0; i < times; i++)
        puts_(s, p);
}

/* ---- escaping ------------------------------------------------------------------ */

/* The @p n bytes at @p p as a JSON string. */
static void put_json_strn(sink *s, const char *p, size_t n)
{
    put(s, "\"", 1);
    const unsigned char *c = (const unsigned char *)(p ? p : "");
    for (const unsigned char *end = c + (p ? n : 0); c < end; c++) {
        switch (*c) {
        case '"': puts_(s, "\\\""); break;
        case '\\': puts_(s, "\\\\"); break;
        case '\n': puts_(s, "\\n"); break;
        case '\r': puts_(s, "\\r"); break;
        case '\t': puts_(s, "\\t"); break;
        default:
            if (*c < 0x20)
                putf(s, "\\u%04x", (unsigned)*c);
            else
                put(s, (const char *)c, 1);
        }
    }
    put(s, "\"", 1);
}

static void put_json_str(sink *s, const char *p)
{
    put_json_strn(s, p, p ? strlen(p) : 0);
}

/* A string, or null for NULL. */
static void put_json_str_or_null(sink *s, const char *p)
{
    if (p == NULL)
        puts_(s, "null");
    else
        put_json_str(s, p);
}

static void put_xml_str(sink *s, const char *p)
{
    for (const unsigned char *c = (const unsigned char *)(p ? p : ""); *c; c++) {
        switch (*c) {
        case '&': puts_(s, "&amp;"); break;
        case '<': puts_(s, "&lt;"); break;
        case '>': puts_(s, "&gt;"); break;
        case '"': puts_(s, "&quot;"); break;
        case '\'': puts_(s, "&apos;"); break;
        default:
            /* XML 1.0 forbids most control characters even as references. */
            if (*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r')
                put(s, "?", 1);
            else
                put(s, (const char *)c, 1);
        }
    }
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF. */
static void put_csv_str(sink *s, const char *p)
{
    p = p ? p : "";
    if (strpbrk(p, ",\"\r\n") == NULL) {
        puts_(s, p);
        return;
    }
    put(s, "\"", 1);
    for (; *p; p++) {
        if (*p == '"')
            put(s, "\"", 1);
        put(s, p, 1);
    }
    put(s, "\"", 1);
}

/* Shortest %g text that reads back as the same double. */
static void fmt_exact(double v, char *out, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, size, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static void put_json_num(sink *s, double v)
{
    char tmp[40];
    if (!isfinite(v)) {
        puts_(s, "null");
        return;
    }
    fmt_exact(v, tmp, sizeof tmp);
    puts_(s, tmp);
}

/* `text` (a key, with its punctuation) then the number: `, "sd": 1.5`. */
static void put_json_field(sink *s, const char *text, double v)
{
    puts_(s, text);
    put_json_num(s, v);
}

static void put_csv_num(sink *s, double v)
{
    char tmp[40];
    if (isnan(v))
        puts_(s, "NaN");
    else if (isinf(v))
        puts_(s, v > 0 ? "Inf" : "-Inf");
    else {
        fmt_exact(v, tmp, sizeof tmp);
        puts_(s, tmp);
    }
}

/* ---- human-readable numbers ------------------------------------------------------ */

/* Insert thousands separators into the integer part of a plain decimal
 * (from four digits on: 1,600 and 29,800 alike). */
static void group_thousands(const char *in, char *out, size_t size)
{
    const char *p = in;
    size_t o = 0;
    if (*p == '-' && o + 1 < size)
        out[o++] = *p++;
    size_t int_len = strspn(p, "0123456789");
    for (size_t i = 0; i < int_len && o + 2 < size; i++) {
        out[o++] = p[i];
        size_t left = int_len - i - 1;
        if (left > 0 && left % 3 == 0 && int_len > 3)
            out[o++] = ',';
    }
    p += int_len;
    while (*p && o + 1 < size)
        out[o++] = *p++;
    out[o] = '\0';
}

/* @p v rounded to @p digits significant digits (clamped to 1..6), plain
 * with thousands separators where that is readable, else scientific; 17
 * digits (no Monte Carlo error at all) print the value as it is. */
static void fmt_sig(double v, int digits, char *out, size_t size)
{
    char tmp[64];
    if (isnan(v)) {
        snprintf(out, size, "n/a");
        return;
    }
    if (isinf(v)) {
        snprintf(out, size, v > 0 ? "inf" : "-inf");
        return;
    }
    if (digits >= 17) {
        /* No Monte Carlo error (a constant): the value, trailing zeros cut. */
        snprintf(tmp, sizeof tmp, "%.10g", v);
        if (strchr(tmp, 'e') != NULL)
            snprintf(out, size, "%s", tmp);
        else
            group_thousands(tmp, out, size);
        return;
    }
    if (digits < 1)
        digits = 1;
    if (digits > 6)
        digits = 6;
    if (v == 0) {
        snprintf(out, size, "0");
        return;
    }
    snprintf(tmp, sizeof tmp, "%.*e", digits - 1, v);
    double r = strtod(tmp, NULL);
    int e = (int)floor(log10(fabs(r)));
    if (e >= 15 || e < -4) {
        snprintf(out, size, "%.*e", digits - 1, r);
        return;
    }
    int decimals = digits - 1 - e;
    if (decimals < 0)
        decimals = 0;
    snprintf(tmp, sizeof tmp, "%.*f", decimals, r);
    group_thousands(tmp, out, size);
}

/* Three significant digits, for axis labels and histogram ends. */
static void fmt_short(double v, char *out, size_t size)
{
    fmt_sig(v, 3, out, size);
}

/* ---- statistics of one output ----------------------------------------------------- */

#define TEXT_BINS 32
#define SVG_BINS 40
#define MAX_BINS 40

typedef struct ostat {
    const char *name, *unit;
    double mean, sd, se_mean;
    double p05, p50, p95, se05, se50, se95;
    double lo, hi; /* histogram range: the 0.5% and 99.5% quantiles */
    uint64_t finite, nonfinite;
} ostat;

static double quant(const shipest_result *r, size_t i, double p)
{
    double q = NAN;
    if (shipest_result_quantile(r, i, p, &q) != SHIPEST_OK)
        q = NAN;
    return q;
}

static double quant_se(const shipest_result *r, size_t i, double p)
{
    double se = NAN;
    if (shipest_result_mc_se_quantile(r, i, p, &se) != SHIPEST_OK)
        se = NAN;
    return se;
}

static void get_stats(const shipest_result *r, size_t i, ostat *o)
{
    o->name = shipest_result_output_name(r, i);
    o->unit = shipest_result_output_unit(r, i);
    if (o->unit == NULL || strcmp(o->unit, "1") == 0)
        o->unit = "";
    if (shipest_result_mean(r, i, &o->mean) != SHIPEST_OK)
        o->mean = NAN;
    if (shipest_result_sd(r, i, &o->sd) != SHIPEST_OK)
        o->sd = NAN;
    if (shipest_result_mc_se_mean(r, i, &o->se_mean) != SHIPEST_OK)
        o->se_mean = NAN;
    o->p05 = quant(r, i, 0.05);
    o->p50 = quant(r, i, 0.5);
    o->p95 = quant(r, i, 0.95);
    o->se05 = quant_se(r, i, 0.05);
    o->se50 = quant_se(r, i, 0.5);
    o->se95 = quant_se(r, i, 0.95);
    o->lo = quant(r, i, 0.005);
    o->hi = quant(r, i, 0.995);
    if (shipest_result_count(r, i, &o->finite, &o->nonfinite) != SHIPEST_OK)
        o->finite = o->nonfinite = 0;
}

/* Counts over [o->lo, o->hi]; returns 0 when there is no range to show. */
static int get_hist(const shipest_result *r, size_t i, const ostat *o, size_t nbins,
                    uint64_t *counts, uint64_t *max)
{
    *max = 0;
    if (!isfinite(o->lo) || !isfinite(o->hi) || !(o->lo < o->hi))
        return 0;
    if (shipest_result_histogram(r, i, o->lo, o->hi, nbins, counts) != SHIPEST_OK)
        return 0;
    for (size_t k = 0; k < nbins; k++)
        if (counts[k] > *max)
            *max = counts[k];
    return *max > 0;
}

static int sig_digits(double v, double se)
{
    if (!isfinite(se))
        return 2;
    return shipest_significant_digits(v, se);
}

static const char *dep_kind(const shipest_result *r, size_t i, const char *name)
{
    size_t n = shipest_result_dependency_count(r, i);
    for (size_t k = 0; k < n; k++) {
        int is_factor = 0;
        const char *dn = NULL;
        if (shipest_result_dependency(r, i, k, &is_factor, &dn, NULL) == SHIPEST_OK && dn != NULL &&
            strcmp(dn, name) == 0)
            return is_factor ? "factor" : "input";
    }
    return "input";
}

static int64_t ctx_seed(shipest_ctx *ctx)
{
    int64_t seed = 0;
    if (shipest_ctx_get_int(ctx, SHIPEST_OPT_SEED, &seed) != SHIPEST_OK)
        seed = 0;
    return seed;
}

static const char *stop_name(shipest_stop_reason why)
{
    switch (why) {
    case SHIPEST_STOP_STABLE: return "stable";
    case SHIPEST_STOP_CAP: return "cap";
    case SHIPEST_STOP_MERGED: return "merged";
    case SHIPEST_STOP_FIXED: break;
    }
    return "fixed";
}

/* ---- extras: caller probability statements and analyses ---------------------------- */

#define MAX_XPROBS 4096
#define MAX_XANAL 64

typedef struct xprob {
    char *output, *text; /* copies */
    int above;
    double threshold;
} xprob;

typedef struct xanal {
    const shipest_analysis *a; /* borrowed */
    int digits;                /* 0: no comparison */
} xanal;

struct shipest_report_extras {
    shipest_ctx *ctx;
    xprob *probs;
    size_t n_probs, cap_probs;
    xanal *anal;
    size_t n_anal, cap_anal;
};

shipest_status shipest_report_extras_new(shipest_ctx *ctx, shipest_report_extras **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "report extras: out is NULL");
    shipest_report_extras *x = shp_calloc(ctx, 1, sizeof *x);
    if (x == NULL)
        return SHIPEST_ENOMEM;
    x->ctx = ctx;
    *out = x;
    return SHIPEST_OK;
}

void shipest_report_extras_free(shipest_report_extras *x)
{
    if (x == NULL)
        return;
    for (size_t k = 0; k < x->n_probs; k++) {
        shp_free(x->ctx, x->probs[k].output);
        shp_free(x->ctx, x->probs[k].text);
    }
    shp_free(x->ctx, x->probs);
    shp_free(x->ctx, x->anal);
    shp_free(x->ctx, x);
}

shipest_status shipest_report_extras_add_probability(shipest_report_extras *x, const char *output,
                                                     int above, double threshold,
                                                     const char *text)
{
    if (x == NULL)
        return SHIPEST_EINVAL;
    shipest_ctx *ctx = x->ctx;
    if (output == NULL || output[0] == '\0')
        return shp_error(ctx, SHIPEST_EINVAL, "report extras: the output name is %s",
                         output == NULL ? "NULL" : "empty");
    if (isnan(threshold))
        return shp_error(ctx, SHIPEST_EDOMAIN, "report extras: the threshold of P(%.200s) is NaN",
                         output);
    if (x->n_probs >= MAX_XPROBS)
        return shp_error(ctx, SHIPEST_ELIMIT, "report extras: at most %d probability statements",
                         MAX_XPROBS);
    if (x->n_probs == x->cap_probs) {
        size_t cap = x->cap_probs ? 2 * x->cap_probs : 8;
        xprob *v = shp_realloc(ctx, x->probs, cap * sizeof *v);
        if (v == NULL)
            return SHIPEST_ENOMEM;
        x->probs = v;
        x->cap_probs = cap;
    }
    char made[320];
    if (text == NULL) {
        snprintf(made, sizeof made, "%.255s %c %.17g", output, above ? '>' : '<', threshold);
        text = made;
    }
    char *o = shp_strdup(ctx, output), *t = shp_strdup(ctx, text);
    if (o == NULL || t == NULL) {
        shp_free(ctx, o);
        shp_free(ctx, t);
        return SHIPEST_ENOMEM;
    }
    xprob *e = &x->probs[x->n_probs++];
    e->output = o;
    e->text = t;
    e->above = above != 0;
    e->threshold = threshold;
    return SHIPEST_OK;
}

shipest_status shipest_report_extras_add_analysis(shipest_report_extras *x,
                                                  const shipest_analysis *a, int digits)
{
    if (x == NULL)
        return SHIPEST_EINVAL;
    if (a == NULL)
        return shp_error(x->ctx, SHIPEST_EINVAL, "report extras: the analysis is NULL");
    if (digits < 0 || digits > 6)
        return shp_error(x->ctx, SHIPEST_ERANGE,
                         "report extras: digits must be 0 (no comparison) or 1 to 6 (got %d)",
                         digits);
    if (x->n_anal >= MAX_XANAL)
        return shp_error(x->ctx, SHIPEST_ELIMIT, "report extras: at most %d analyses", MAX_XANAL);
    if (x->n_anal == x->cap_anal) {
        size_t cap = x->cap_anal ? 2 * x->cap_anal : 4;
        xanal *v = shp_realloc(x->ctx, x->anal, cap * sizeof *v);
        if (v == NULL)
            return SHIPEST_ENOMEM;
        x->anal = v;
        x->cap_anal = cap;
    }
    x->anal[x->n_anal].a = a;
    x->anal[x->n_anal].digits = digits;
    x->n_anal++;
    return SHIPEST_OK;
}

/* ---- what the writers prepare before writing (all allocation) ------------------- */

typedef struct src_entry {
    const char *text; /* the source (borrowed from the result) */
    size_t order;     /* first appearance, for numbering */
    size_t number;    /* 1-based number in the sources list */
} src_entry;

typedef struct prep {
    shipest_ctx *ctx;
    src_entry *src; /* unique sources, sorted by text */
    size_t n_src;
    /* binding_of[i * n_bind + b]: output i depends on binding node b */
    unsigned char *binding_of;
    size_t n_bind;
    /* Per analysis of the extras: the verdict text of
     * shipest_analysis_verdict(), its lines cut at '\n' into one string per
     * output (NULL when there is no comparison), and whether it says every
     * output holds. */
    char **verdict;
    int *trusted;
    size_t n_verdict;
} prep;

static int cmp_src_text(const void *a, const void *b)
{
    const src_entry *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_src_order(const void *a, const void *b)
{
    const src_entry *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void prep_free(prep *p)
{
    shp_free(p->ctx, p->src);
    shp_free(p->ctx, p->binding_of);
    for (size_t k = 0; k < p->n_verdict; k++)
        shp_free(p->ctx, p->verdict[k]);
    shp_free(p->ctx, p->verdict);
    shp_free(p->ctx, p->trusted);
    p->src = NULL;
    p->binding_of = NULL;
    p->verdict = NULL;
    p->trusted = NULL;
    p->n_verdict = 0;
}

/* Whether output @p i of @p a can be compared with @p r: the same name and
 * unit, and two finite values (shipest_analysis_compare() fails otherwise;
 * the report writes null instead). */
static int comparable(const shipest_analysis *a, size_t i, const shipest_result *r, size_t *j)
{
    const char *name = shipest_analysis_output_name(a, i), *unit = shipest_analysis_output_unit(a, i);
    uint64_t n = 0, nonfinite = 0;
    size_t jj = 0;
    if (name == NULL || unit == NULL || shipest_result_output_index(r, name, &jj) != SHIPEST_OK)
        return 0;
    const char *ru = shipest_result_output_unit(r, jj);
    if (ru == NULL || strcmp(ru, unit) != 0 ||
        shipest_result_count(r, jj, &n, &nonfinite) != SHIPEST_OK || n < 2)
        return 0;
    if (j != NULL)
        *j = jj;
    return 1;
}

/* The verdict text of every analysis in @p x that asks for a comparison. */
static shipest_status prep_verdicts(prep *p, const shipest_result *r,
                                    const shipest_report_extras *x)
{
    if (x == NULL || x->n_anal == 0)
        return SHIPEST_OK;
    p->verdict = shp_alloc_array(p->ctx, x->n_anal, sizeof *p->verdict);
    p->trusted = shp_alloc_array(p->ctx, x->n_anal, sizeof *p->trusted);
    if (p->verdict == NULL || p->trusted == NULL)
        return SHIPEST_ENOMEM;
    for (size_t k = 0; k < x->n_anal; k++) {
        p->verdict[k] = NULL;
        p->trusted[k] = 0;
    }
    p->n_verdict = x->n_anal;
    for (size_t k = 0; k < x->n_anal; k++) {
        const shipest_analysis *a = x->anal[k].a;
        int digits = x->anal[k].digits, all = 1;
        size_t nout = shipest_analysis_output_count(a), needed = 0;
        for (size_t i = 0; i < nout && all; i++)
            all = comparable(a, i, r, NULL);
        if (digits == 0 || !all || nout == 0)
            continue;
        shipest_status st = shipest_analysis_verdict(p->ctx, a, r, digits, NULL, 0, &needed, NULL);
        if (st == SHIPEST_ENOMEM)
            return st;
        if (st != SHIPEST_OK)
            continue;
        char *text = shp_alloc(p->ctx, needed + 1);
        if (text == NULL)
            return SHIPEST_ENOMEM;
        st = shipest_analysis_verdict(p->ctx, a, r, digits, text, needed + 1, NULL,
                                      &p->trusted[k]);
        if (st != SHIPEST_OK) {
            shp_free(p->ctx, text);
            if (st == SHIPEST_ENOMEM)
                return st;
            continue;
        }
        p->verdict[k] = text;
    }
    return SHIPEST_OK;
}

/* Line @p i of a verdict text (one line per output): its start, and its
 * length in *n; NULL when there is none. */
static const char *verdict_line(const char *text, size_t i, size_t *n)
{
    if (text == NULL)
        return NULL;
    for (; i > 0; i--) {
        text = strchr(text, '\n');
        if (text == NULL)
            return NULL;
        text++;
    }
    *n = strcspn(text, "\n");
    return *n > 0 ? text : NULL;
}

/* Sources of every dependency of every output, numbered by first use. */
static shipest_status prep_sources(prep *p, const shipest_result *r)
{
    size_t nout = shipest_result_output_count(r), total = 0;
    for (size_t i = 0; i < nout; i++)
        total += shipest_result_dependency_count(r, i);
    if (total == 0)
        return SHIPEST_OK;
    p->src = shp_alloc_array(p->ctx, total, sizeof *p->src);
    if (p->src == NULL)
        return SHIPEST_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < nout; i++) {
        size_t nd = shipest_result_dependency_count(r, i);
        for (size_t k = 0; k < nd; k++) {
            const char *src = NULL;
            if (shipest_result_dependency(r, i, k, NULL, NULL, &src) != SHIPEST_OK || src == NULL ||
                src[0] == '\0')
                continue;
            p->src[n].text = src;
            p->src[n].order = n;
            p->src[n].number = 0;
            n++;
        }
    }
    /* Keep the first appearance of each text, then number in that order. */
    qsort(p->src, n, sizeof *p->src, cmp_src_text);
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (u == 0 || strcmp(p->src[u - 1].text, p->src[k].text) != 0)
            p->src[u++] = p->src[k];
    qsort(p->src, u, sizeof *p->src, cmp_src_order);
    for (size_t k = 0; k < u; k++)
        p->src[k].number = k + 1;
    qsort(p->src, u, sizeof *p->src, cmp_src_text);
    p->n_src = u;
    return SHIPEST_OK;
}

static size_t source_number(const prep *p, const char *text)
{
    size_t lo = 0, hi = p->n_src;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(p->src[mid].text, text);
        if (c == 0)
            return p->src[mid].number;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The model node of binding @p b. The result lists the model's binding
 * nodes in model order, so the b-th SHIPEST_OP_BINDING node is it; its name
 * (or "#index" for an unnamed node) is checked against the result's. */
static shipest_node binding_node(const shipest_model *m, size_t b, const char *name)
{
    size_t nn = shipest_model_node_count(m), seen = 0;
    char buf[512];
    if (name == NULL)
        return SHIPEST_NO_NODE;
    for (size_t j = 0; j < nn; j++) {
        shipest_op op;
        if (shipest_model_node_op(m, (shipest_node)j, &op) != SHIPEST_OK ||
            op != SHIPEST_OP_BINDING)
            continue;
        if (seen++ != b)
            continue;
        size_t len = shipest_model_node_name(m, (shipest_node)j, buf, sizeof buf);
        if (len == 0)
            snprintf(buf, sizeof buf, "#%zu", j);
        return strcmp(buf, name) == 0 ? (shipest_node)j : SHIPEST_NO_NODE;
    }
    return SHIPEST_NO_NODE;
}

/* Which outputs each load-plan binding node feeds (needs the model). */
static shipest_status prep_bindings(prep *p, const shipest_result *r, const shipest_model *m)
{
    size_t nb = shipest_result_binding_count(r), nout = shipest_result_output_count(r);
    size_t nn = shipest_model_node_count(m);
    if (nb == 0 || nout == 0 || nn == 0)
        return SHIPEST_OK;
    unsigned char *reach = shp_calloc(p->ctx, nn, 1);
    if (reach == NULL)
        return SHIPEST_ENOMEM;
    p->binding_of = shp_calloc(p->ctx, nout, nb);
    if (p->binding_of == NULL) {
        shp_free(p->ctx, reach);
        return SHIPEST_ENOMEM;
    }
    p->n_bind = nb;
    for (size_t b = 0; b < nb; b++) {
        const char *name = NULL;
        if (shipest_result_binding(r, b, &name, NULL) != SHIPEST_OK)
            continue;
        shipest_node bn = binding_node(m, b, name);
        if (bn == SHIPEST_NO_NODE)
            continue;
        /* Nodes are in topological order: one forward pass marks every
         * node that depends on bn. */
        memset(reach, 0, nn);
        reach[bn] = 1;
        for (size_t j = (size_t)bn + 1; j < nn; j++) {
            shipest_node args[4];
            size_t na = shipest_model_node_args(m, (shipest_node)j, args, 4);
            for (size_t a = 0; a < na && a < 4; a++)
                if (args[a] >= 0 && (size_t)args[a] < nn && reach[args[a]])
                    reach[j] = 1;
        }
        for (size_t i = 0; i < nout; i++) {
            shipest_node on = SHIPEST_NO_NODE;
            const char *oname = shipest_result_output_name(r, i);
            if (oname != NULL && shipest_model_find(m, oname, &on) == SHIPEST_OK &&
                on != SHIPEST_NO_NODE && reach[on])
                p->binding_of[i * nb + b] = 1;
        }
    }
    shp_free(p->ctx, reach);
    return SHIPEST_OK;
}

/* ---- text ------------------------------------------------------------------------ */

/* Word-wrap @p text at @p width columns, every line indented by @p indent
 * (the first line's indent is assumed written already). */
static void put_wrapped(sink *s, const char *text, size_t indent, size_t first_col, size_t width)
{
    size_t col = first_col;
    int line_start = 1;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t w = strcspn(p, " ");
        if (!line_start && col + 1 + w > width) {
            put(s, "\n", 1);
            put_repeat(s, " ", indent);
            col = indent;
            line_start = 1;
        } else if (!line_start) {
            put(s, " ", 1);
            col++;
        }
        put(s, p, w);
        col += w;
        p += w;
        line_start = 0;
    }
    put(s, "\n", 1);
}

static void put_value_unit(sink *s, const char *num, const char *unit)
{
    puts_(s, num);
    if (unit[0]) {
        put(s, " ", 1);
        puts_(s, unit);
    }
}

static const char *const spark[] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
                                    "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
                                    "\xe2\x96\x87", "\xe2\x96\x88"};

static size_t hist_col(double v, const ostat *o, size_t nbins)
{
    double f = (v - o->lo) / (o->hi - o->lo) * (double)nbins;
    if (!(f >= 0))
        f = 0;
    if (f > (double)(nbins - 1))
        f = (double)(nbins - 1);
    return (size_t)f;
}

static void text_histogram(sink *s, const shipest_result *r, size_t i, const ostat *o)
{
    uint64_t counts[MAX_BINS], max = 0;
    char a[48], b[48];
    if (!get_hist(r, i, o, TEXT_BINS, counts, &max))
        return;
    puts_(s, "  shape    ");
    for (size_t k = 0; k < TEXT_BINS; k++) {
        if (counts[k] == 0)
            put(s, " ", 1);
        else {
            size_t level = (size_t)((double)counts[k] / (double)max * 7.0 + 0.5);
            puts_(s, spark[level > 7 ? 7 : level]);
        }
    }
    fmt_short(o->lo, a, sizeof a);
    fmt_short(o->hi, b, sizeof b);
    putf(s, "  %s to %s\n", a, b);
    char marks[TEXT_BINS + 1];
    memset(marks, ' ', TEXT_BINS);
    marks[TEXT_BINS] = '\0';
    marks[hist_col(o->p05, o, TEXT_BINS)] = '[';
    marks[hist_col(o->p95, o, TEXT_BINS)] = ']';
    marks[hist_col(o->p50, o, TEXT_BINS)] = '|';
    size_t end = TEXT_BINS;
    while (end > 0 && marks[end - 1] == ' ')
        end--;
    marks[end] = '\0';
    putf(s, "           %s\n", marks);
}

/* An anonymous input (stmt#k) is clearer with its distribution and unit. */
static void put_input_desc(sink *s, const shipest_model *m, const char *name)
{
    shipest_node node = SHIPEST_NO_NODE;
    const shipest_dist *d = NULL;
    if (m == NULL || name == NULL || strchr(name, '#') == NULL ||
        shipest_model_find(m, name, &node) != SHIPEST_OK ||
        (d = shipest_model_node_dist(m, node)) == NULL)
        return;
    char desc[160], unit[96];
    shipest_dist_describe(d, desc, sizeof desc);
    size_t ul = shipest_model_node_unit(m, node, unit, sizeof unit);
    int has_unit = ul > 0 && strcmp(unit, "1") != 0;
    putf(s, "%s%s%s", desc, has_unit ? " " : "", has_unit ? unit : "");
}

static void text_drivers(sink *s, const shipest_result *r, size_t i, const shipest_model *m)
{
    size_t n = shipest_result_sensitivity_count(r, i);
    if (n == 0)
        return;
    size_t shown = 0, width = 0;
    const size_t top = 5;
    for (size_t k = 0; k < n && k < top; k++) {
        const char *name = NULL;
        if (shipest_result_sensitivity(r, i, k, &name, NULL, NULL) == SHIPEST_OK && name != NULL &&
            strlen(name) > width)
            width = strlen(name);
    }
    if (width > 40)
        width = 40;
    if (n == 1) {
        const char *name = NULL;
        if (shipest_result_sensitivity(r, i, 0, &name, NULL, NULL) == SHIPEST_OK && name != NULL) {
            putf(s, "  drivers  %s alone", name);
            if (m != NULL && strchr(name, '#') != NULL) {
                puts_(s, ": ");
                put_input_desc(s, m, name);
            }
            put(s, "\n", 1);
        }
        return;
    }
    double rest = 0;
    size_t nrest = 0;
    for (size_t k = 0; k < n; k++) {
        const char *name = NULL;
        double share = NAN, rho = NAN;
        if (shipest_result_sensitivity(r, i, k, &name, &share, &rho) != SHIPEST_OK)
            continue;
        if (!isfinite(share))
            continue;
        if (shown >= top || (shown > 0 && share < 0.005)) {
            rest += share;
            nrest++;
            continue;
        }
        puts_(s, shown == 0 ? "  drivers  " : "           ");
        putf(s, "%-*s %3.0f%% %s", (int)width, name ? name : "?", share * 100.0,
             rho < 0 ? "-" : "+");
        size_t bar = (size_t)(share * 20.0 + 0.5);
        bar = bar > 20 ? 20 : bar;
        if (bar > 0) {
            put(s, " ", 1);
            put_repeat(s, "#", bar);
        }
        if (m != NULL && name != NULL && strchr(name, '#') != NULL) {
            put_repeat(s, " ", 22 - (bar > 0 ? bar + 1 : 0));
            put_input_desc(s, m, name);
        }
        put(s, "\n", 1);
        shown++;
    }
    if (nrest > 0 && rest < 0.005)
        putf(s, "           and %zu more, under 1%% together\n", nrest);
    else if (nrest > 0)
        putf(s, "           and %zu more, %.0f%% together\n", nrest, rest * 100.0);
}

static void text_bindings_line(sink *s, const shipest_result *r, size_t b, const char *lead)
{
    size_t nc = 0, n = 0;
    const char *name = NULL;
    char line[1024];
    if (shipest_result_binding(r, b, &name, &nc) != SHIPEST_OK || nc == 0)
        return;
    if (name != NULL && name[0] != '#')
        n += (size_t)snprintf(line, sizeof line, "load plan %.300s: full by", name);
    else
        n += (size_t)snprintf(line, sizeof line, "load plan (node %.300s): full by",
                              name ? name : "?");
    for (size_t c = 0; c < nc && n < sizeof line; c++) {
        const char *label = NULL;
        double share = NAN;
        if (shipest_result_binding_share(r, b, c, &label, &share) != SHIPEST_OK)
            continue;
        n += (size_t)snprintf(line + n, sizeof line - n, "%s %.40s in %.1f%%%s", c ? "," : "",
                              label ? label : "?", share * 100.0, c ? "" : " of trials");
    }
    puts_(s, lead);
    put_wrapped(s, line, 11, strlen(lead), 78);
}

static void text_refs(sink *s, const shipest_result *r, size_t i, const prep *p, int factors)
{
    size_t nd = shipest_result_dependency_count(r, i);
    size_t col = 0;
    for (size_t k = 0; k < nd; k++) {
        int is_factor = 0;
        const char *name = NULL, *src = NULL;
        if (shipest_result_dependency(r, i, k, &is_factor, &name, &src) != SHIPEST_OK ||
            is_factor != factors || name == NULL)
            continue;
        /* Anonymous inputs (stmt#k) without a source are listed under
         * drivers already; a named input without one says so. */
        size_t num = src && src[0] ? source_number(p, src) : 0;
        if (!factors && num == 0 && strchr(name, '#') != NULL)
            continue;
        char item[320];
        if (num > 0)
            snprintf(item, sizeof item, "%s [%zu]", name, num);
        else
            snprintf(item, sizeof item, "%s (no source)", name);
        if (col == 0) {
            puts_(s, factors ? "  factors  " : "  inputs   ");
            col = 11;
        } else if (col + 2 + strlen(item) > 78) {
            puts_(s, ",\n           ");
            col = 11;
        } else {
            puts_(s, ", ");
            col += 2;
        }
        puts_(s, item);
        col += strlen(item);
    }
    if (col > 0)
        put(s, "\n", 1);
}

/* ---- share and compare outputs ------------------------------------------------------ */

/* The SHP_NODE_* flags of the output called @p name (0 without a model). */
static uint32_t output_flags(const shipest_model *m, const char *name)
{
    shipest_node node = SHIPEST_NO_NODE;
    if (m == NULL || name == NULL || shipest_model_find(m, name, &node) != SHIPEST_OK)
        return 0;
    return shp_model_node_flags(m, node);
}

/* The value 1 (a whole) in a dimensionless display unit, NaN for others. */
static double whole_in(const char *unit)
{
    if (unit == NULL || unit[0] == '\0' || strcmp(unit, "1") == 0)
        return 1.0;
    return strcmp(unit, "%") == 0 ? 100.0 : NAN;
}

/* A share with demand at or below zero in some trials (days of supply:
 * a rate at or below zero): say how many, in the report and through the
 * log, rather than report infinities silently. */
static void text_share_guard(sink *s, shipest_ctx *ctx, const shipest_result *r, size_t i,
                             const ostat *o, int days)
{
    const char *what = days ? "days of supply" : "share", *by = days ? "rate" : "demand";
    double pneg = 0;
    uint64_t neg = 0;
    if (o->finite > 0 && shipest_result_prob_below(r, i, 0.0, &pneg, NULL) == SHIPEST_OK)
        neg = (uint64_t)llround(pneg * (double)o->finite);
    if (o->nonfinite == 0 && neg == 0)
        return;
    putf(s, "  warning  %s near or below zero: %llu trials gave no finite %s and %llu a "
            "negative one\n",
         by, (unsigned long long)o->nonfinite, what, (unsigned long long)neg);
    shp_log(ctx, SHIPEST_LOG_WARNING,
            "%s '%s': %s near or below zero: %llu of %llu trials gave no finite %s "
            "and %llu a negative one; check the lower tail of %s",
            what, o->name ? o->name : "?", by, (unsigned long long)o->nonfinite,
            (unsigned long long)(o->finite + o->nonfinite), what, (unsigned long long)neg, by);
}

/* P(share > 100%) with its standard error and ICD 203 words; for the total
 * of a supplier decomposition, that the suppliers together exceed demand. */
static void text_share_over(sink *s, const shipest_result *r, size_t i, const ostat *o, int total)
{
    double whole = whole_in(o->unit), p = NAN, se = NAN;
    if (isnan(whole) || shipest_result_prob_above(r, i, whole, &p, &se) != SHIPEST_OK)
        return;
    const char *w = shipest_probability_words(p);
    putf(s, "  over     P(share > 100%%) = %.3f (%.1g): %s%s\n", p, se, w ? w : "?",
         total ? " that the suppliers together exceed demand" : "");
}

/* Agreement of a compare() ratio within 10%, 25% and 50%. */
static void text_agreement(sink *s, const shipest_result *r, size_t i, const ostat *o)
{
    static const double tol[] = {0.10, 0.25, 0.50};
    if (whole_in(o->unit) != 1.0)
        return;
    for (size_t k = 0; k < sizeof tol / sizeof tol[0]; k++) {
        double p = NAN, se = NAN;
        if (shipest_result_agreement(r, i, tol[k], &p, &se) != SHIPEST_OK)
            return;
        const char *w = shipest_probability_words(p);
        putf(s, "%s within %2.0f%% with probability %.3f (%.1g): %s\n",
             k == 0 ? "  agree   " : "          ", 100 * tol[k], p, se, w ? w : "?");
    }
}

/* The model's probability statements (`P(share > 40%)` lines). */
static void text_statements(sink *s, const shipest_result *r, const shipest_model *m)
{
    size_t np = m != NULL ? shipest_model_probability_count(m) : 0;
    if (np == 0)
        return;
    puts_(s, "\nProbability statements (Monte Carlo standard error in brackets)\n");
    for (size_t k = 0; k < np; k++) {
        shipest_node node = SHIPEST_NO_NODE;
        int above = 0;
        double t = NAN, p = NAN, se = NAN;
        const char *text = NULL;
        char name[256];
        size_t i = 0;
        if (shipest_model_probability_get(m, k, &node, &above, &t, &text) != SHIPEST_OK)
            continue;
        shipest_model_node_name(m, node, name, sizeof name);
        if (shipest_result_output_index(r, name, &i) != SHIPEST_OK) {
            putf(s, "  P(%s): '%s' is not an output of this result\n", text, name);
            continue;
        }
        shipest_status st = above ? shipest_result_prob_above(r, i, t, &p, &se)
                                  : shipest_result_prob_below(r, i, t, &p, &se);
        if (st != SHIPEST_OK) {
            putf(s, "  P(%s): no finite value\n", text);
            continue;
        }
        const char *w = shipest_probability_words(p);
        putf(s, "  P(%s) = %.3f (%.1g): %s\n", text, p, se, w ? w : "?");
    }
}

static void write_text(sink *s, shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
                       const prep *p)
{
    size_t nout = shipest_result_output_count(r);
    uint64_t trials = shipest_result_trials(r);
    char a[64], b[64], c[64];
    snprintf(b, sizeof b, "%llu", (unsigned long long)trials);
    group_thousands(b, a, sizeof a);
    putf(s, "libshipest %s: Monte Carlo, %s trials, seed %lld", shipest_version_string(), a,
         (long long)ctx_seed(ctx));
    switch (shipest_result_stop_reason(r)) {
    case SHIPEST_STOP_STABLE: puts_(s, " (adaptive: every output stable)"); break;
    case SHIPEST_STOP_CAP:
        puts_(s, " (adaptive: trial cap reached BEFORE the outputs were stable)");
        break;
    case SHIPEST_STOP_MERGED: puts_(s, " (merged runs)"); break;
    case SHIPEST_STOP_FIXED: break;
    }
    put(s, "\n", 1);
    puts_(s, "Figures are rounded to the digits the Monte Carlo error supports. 'shape' is\n"
             "a histogram from the 0.5% to the 99.5% quantile, marked [ ] at the 90%\n"
             "interval and | at the median; 'drivers' are the inputs' rank-based shares of\n"
             "the output's variance (+ raises it, - lowers it); [n] are the sources.\n");
    if (shipest_result_is_sketched(r))
        puts_(s, "Quantiles come from a sketch: each within 0.1% of the exact value.\n");

    for (size_t i = 0; i < nout; i++) {
        ostat o;
        get_stats(r, i, &o);
        putf(s, "\n%s", o.name ? o.name : "?");
        if (o.unit[0])
            putf(s, " (%s)", o.unit);
        put(s, "\n", 1);
        uint32_t oflags = output_flags(m, o.name);
        if (oflags & (SHP_NODE_SHARE | SHP_NODE_DAYS))
            text_share_guard(s, ctx, r, i, &o, (oflags & SHP_NODE_DAYS) != 0);
        if (o.finite == 0) {
            puts_(s, "  no trial gave a finite value\n");
            continue;
        }
        fmt_sig(o.mean, sig_digits(o.mean, o.se_mean), a, sizeof a);
        fmt_sig(o.sd, 2, b, sizeof b);
        puts_(s, "  mean     ");
        put_value_unit(s, a, o.unit);
        putf(s, "  (sd %s)\n", b);
        fmt_sig(o.p50, sig_digits(o.p50, o.se50), a, sizeof a);
        puts_(s, "  median   ");
        put_value_unit(s, a, o.unit);
        put(s, "\n", 1);
        fmt_sig(o.p05, sig_digits(o.p05, o.se05), b, sizeof b);
        fmt_sig(o.p95, sig_digits(o.p95, o.se95), c, sizeof c);
        putf(s, "  90%%      %s to ", b);
        put_value_unit(s, c, o.unit);
        put(s, "\n", 1);
        if (o.nonfinite > 0)
            putf(s, "  note     %llu trials gave no finite value (e.g. a division by zero) "
                    "and are left out\n",
                 (unsigned long long)o.nonfinite);
        if (oflags & SHP_NODE_SHARE)
            text_share_over(s, r, i, &o, (oflags & SHP_NODE_SUPPLY_TOTAL) != 0);
        if (oflags & SHP_NODE_COMPARE)
            text_agreement(s, r, i, &o);
        text_histogram(s, r, i, &o);
        text_drivers(s, r, i, m);
        if (p->binding_of != NULL)
            for (size_t bi = 0; bi < p->n_bind; bi++)
                if (p->binding_of[i * p->n_bind + bi])
                    text_bindings_line(s, r, bi, "  limit    ");
        text_refs(s, r, i, p, 1);
        text_refs(s, r, i, p, 0);
    }

    text_statements(s, r, m);

    size_t nb = shipest_result_binding_count(r);
    if (nb > 0 && p->binding_of == NULL) {
        puts_(s, "\nLoad plans\n");
        for (size_t bi = 0; bi < nb; bi++)
            text_bindings_line(s, r, bi, "  ");
    }

    if (p->n_src > 0) {
        puts_(s, "\nSources\n");
        for (size_t num = 1; num <= p->n_src; num++)
            for (size_t k = 0; k < p->n_src; k++)
                if (p->src[k].number == num) {
                    char tag[32];
                    int tl = snprintf(tag, sizeof tag, "  [%zu] ", num);
                    puts_(s, tag);
                    put_wrapped(s, p->src[k].text, 6, tl > 0 ? (size_t)tl : 0, 78);
                }
    }
}

/* ---- JSON -------------------------------------------------------------------------- */

static void json_factor_extras(sink *s, const shipest_model *m, const char *name)
{
    shipest_node node = SHIPEST_NO_NODE;
    const shipest_dist *d;
    if (m == NULL || shipest_model_find(m, name, &node) != SHIPEST_OK)
        return;
    if ((d = shipest_model_node_dist(m, node)) != NULL) {
        char desc[256], unit[128];
        shipest_dist_describe(d, desc, sizeof desc);
        shipest_model_node_unit(m, node, unit, sizeof unit);
        puts_(s, ", \"dist\": ");
        put_json_str(s, desc);
        puts_(s, ", \"unit\": ");
        put_json_str(s, strcmp(unit, "1") == 0 ? "" : unit);
    }
}

/* A share output: P(share > 100%) and the demand warning of the text. */
static void json_share(sink *s, const shipest_result *r, size_t i, const ostat *o)
{
    double whole = whole_in(o->unit), p = NAN, se = NAN, pneg = 0;
    uint64_t neg = 0;
    if (isnan(whole) || shipest_result_prob_above(r, i, whole, &p, &se) != SHIPEST_OK)
        p = se = NAN;
    if (o->finite > 0 && shipest_result_prob_below(r, i, 0.0, &pneg, NULL) == SHIPEST_OK)
        neg = (uint64_t)llround(pneg * (double)o->finite);
    put_json_field(s, ",\n   \"share\": {\"p_over_100\": ", p);
    put_json_field(s, ", \"se\": ", se);
    puts_(s, ", \"words\": ");
    put_json_str_or_null(s, isnan(p) ? NULL : shipest_probability_words(p));
    putf(s, ", \"negative\": %llu, \"warning\": ", (unsigned long long)neg);
    if (o->nonfinite == 0 && neg == 0)
        puts_(s, "null");
    else {
        char w[160];
        snprintf(w, sizeof w,
                 "demand near or below zero: %llu trials gave no finite share and %llu a "
                 "negative one",
                 (unsigned long long)o->nonfinite, (unsigned long long)neg);
        put_json_str(s, w);
    }
    puts_(s, "}");
}

/* A compare() output: agreement within 10%, 25% and 50%, as the text. */
static void json_compare(sink *s, const shipest_result *r, size_t i, const ostat *o)
{
    static const double tol[] = {0.10, 0.25, 0.50};
    puts_(s, ",\n   \"compare\": {\"agreement\": [");
    for (size_t k = 0; k < sizeof tol / sizeof tol[0]; k++) {
        double p = NAN, se = NAN;
        char verdict[160];
        if (whole_in(o->unit) != 1.0 ||
            shipest_result_agreement(r, i, tol[k], &p, &se) != SHIPEST_OK)
            p = se = NAN;
        puts_(s, k ? ", {\"tolerance\": " : "{\"tolerance\": ");
        put_json_num(s, tol[k]);
        put_json_field(s, ", \"p_agree\": ", p);
        put_json_field(s, ", \"se\": ", se);
        puts_(s, ", \"words\": ");
        put_json_str_or_null(s, isnan(p) ? NULL : shipest_probability_words(p));
        puts_(s, ", \"verdict\": ");
        put_json_str_or_null(s, shipest_agreement_text(tol[k], p, verdict, sizeof verdict) > 0
                                    ? verdict
                                    : NULL);
        puts_(s, "}");
    }
    puts_(s, "]}");
}

/* One entry of the top-level "probabilities". */
static void json_probability(sink *s, const shipest_result *r, const char *text,
                             const char *output, int above, double t, const char *origin,
                             int first)
{
    double p = NAN, se = NAN;
    size_t i = 0;
    if (output == NULL || shipest_result_output_index(r, output, &i) != SHIPEST_OK ||
        (above ? shipest_result_prob_above(r, i, t, &p, &se)
               : shipest_result_prob_below(r, i, t, &p, &se)) != SHIPEST_OK)
        p = se = NAN;
    puts_(s, first ? "\n  {\"text\": " : ",\n  {\"text\": ");
    put_json_str(s, text);
    puts_(s, ", \"output\": ");
    put_json_str(s, output);
    puts_(s, above ? ", \"above\": true, \"threshold\": " : ", \"above\": false, \"threshold\": ");
    put_json_num(s, t);
    put_json_field(s, ", \"p\": ", p);
    put_json_field(s, ", \"se\": ", se);
    puts_(s, ", \"words\": ");
    put_json_str_or_null(s, isnan(p) ? NULL : shipest_probability_words(p));
    puts_(s, ", \"origin\": ");
    put_json_str(s, origin);
    puts_(s, "}");
}

/* The model's P(...) statements, then the caller's. */
static void json_probabilities(sink *s, const shipest_result *r, const shipest_model *m,
                               const shipest_report_extras *x)
{
    size_t np = m != NULL ? shipest_model_probability_count(m) : 0, w = 0;
    puts_(s, ",\n \"probabilities\": [");
    for (size_t k = 0; k < np; k++) {
        shipest_node node = SHIPEST_NO_NODE;
        int above = 0;
        double t = NAN;
        const char *text = NULL;
        char name[256];
        if (shipest_model_probability_get(m, k, &node, &above, &t, &text) != SHIPEST_OK)
            continue;
        shipest_model_node_name(m, node, name, sizeof name);
        json_probability(s, r, text, name, above, t, "model", w++ == 0);
    }
    for (size_t k = 0; x != NULL && k < x->n_probs; k++)
        json_probability(s, r, x->probs[k].text, x->probs[k].output, x->probs[k].above,
                         x->probs[k].threshold, "caller", w++ == 0);
    puts_(s, w ? "\n ]" : "]");
}

static const char *method_name(shipest_method method)
{
    switch (method) {
    case SHIPEST_METHOD_LINEAR: return "linear";
    case SHIPEST_METHOD_LOG: return "log";
    case SHIPEST_METHOD_BOUNDS: return "bounds";
    }
    return "unknown";
}

static const char *verdict_name(shipest_verdict v)
{
    switch (v) {
    case SHIPEST_VERDICT_HOLDS: return "holds";
    case SHIPEST_VERDICT_FAILS: return "fails";
    case SHIPEST_VERDICT_INCONCLUSIVE: return "inconclusive";
    case SHIPEST_VERDICT_NO_ANSWER: break;
    }
    return "no_answer";
}

/* Output @p i of analysis @p a, compared with @p r when @p digits > 0. */
static void json_analysis_output(sink *s, shipest_ctx *ctx, const shipest_analysis *a, size_t i,
                                 const shipest_result *r, int digits, const char *verdict_text)
{
    shipest_method method = shipest_analysis_method(a);
    unsigned flags = shipest_analysis_flags(a, i);
    const char *unit = shipest_analysis_output_unit(a, i);
    double mean = NAN, sd = NAN, lo = NAN, hi = NAN, prob = NAN;
    char reason[1024];
    if (unit == NULL || strcmp(unit, "1") == 0)
        unit = "";
    puts_(s, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
    put_json_str(s, shipest_analysis_output_name(a, i));
    puts_(s, ", \"unit\": ");
    put_json_str(s, unit);
    puts_(s, ", \"flags\": [");
    static const struct {
        unsigned bit;
        const char *name;
    } fl[] = {{SHIPEST_ANALYSIS_EXACT, "exact"},
              {SHIPEST_ANALYSIS_NONSMOOTH, "nonsmooth"},
              {SHIPEST_ANALYSIS_UNBOUNDED, "unbounded"},
              {SHIPEST_ANALYSIS_UNAVAILABLE, "unavailable"}};
    for (size_t k = 0, w = 0; k < sizeof fl / sizeof fl[0]; k++)
        if (flags & fl[k].bit)
            putf(s, "%s\"%s\"", w++ ? ", " : "", fl[k].name);
    puts_(s, "], \"reason\": ");
    put_json_str_or_null(s, shipest_analysis_reason(a, i, reason, sizeof reason) > 0 ? reason
                                                                                     : NULL);
    if (method != SHIPEST_METHOD_BOUNDS) {
        if (shipest_analysis_mean(a, i, &mean) != SHIPEST_OK)
            mean = NAN;
        if (shipest_analysis_sd(a, i, &sd) != SHIPEST_OK)
            sd = NAN;
        if (shipest_analysis_interval(a, i, 0.9, &lo, &hi) != SHIPEST_OK)
            lo = hi = NAN;
    }
    put_json_field(s, ",\n     \"mean\": ", mean);
    put_json_field(s, ", \"sd\": ", sd);
    put_json_field(s, ", \"p05\": ", lo);
    put_json_field(s, ", \"p95\": ", hi);
    put_json_field(s, ", \"interval90\": [", lo);
    put_json_field(s, ", ", hi);
    puts_(s, "]");
    if (method == SHIPEST_METHOD_LOG) {
        double mu = NAN, sigma = NAN;
        if (shipest_analysis_lognormal(a, i, &mu, &sigma) != SHIPEST_OK)
            mu = sigma = NAN;
        put_json_field(s, ", \"log_mu\": ", mu);
        put_json_field(s, ", \"log_sigma\": ", sigma);
    }
    if (method == SHIPEST_METHOD_BOUNDS) {
        lo = hi = NAN;
        if (shipest_analysis_probability(a, i, &prob) != SHIPEST_OK)
            prob = NAN;
        if (!(flags & SHIPEST_ANALYSIS_UNAVAILABLE) &&
            shipest_analysis_interval(a, i, isfinite(prob) && prob < 1 ? prob : 0.999999, &lo,
                                      &hi) != SHIPEST_OK)
            lo = hi = NAN;
        put_json_field(s, ", \"bounds\": [", lo);
        put_json_field(s, ", ", hi);
        put_json_field(s, "], \"probability\": ", prob);
    } else {
        double cshare = NAN;
        if (shipest_analysis_correlation_share(a, i, &cshare) != SHIPEST_OK)
            cshare = NAN;
        put_json_field(s, ",\n     \"correlation_share\": ", cshare);
        puts_(s, ", \"budget\": [");
        size_t nb = shipest_analysis_budget_count(a, i);
        for (size_t k = 0, w = 0; k < nb; k++) {
            const char *name = NULL, *bunit = NULL;
            double c = NAN, u = NAN, contrib = NAN, share = NAN;
            if (shipest_analysis_budget(a, i, k, &name, &bunit, &c, &u, &contrib, &share) !=
                SHIPEST_OK)
                continue;
            puts_(s, w++ ? ", {\"input\": " : "{\"input\": ");
            put_json_str(s, name);
            puts_(s, ", \"unit\": ");
            put_json_str(s, bunit == NULL || strcmp(bunit, "1") == 0 ? "" : bunit);
            put_json_field(s, ", \"sensitivity\": ", c);
            put_json_field(s, ", \"u\": ", u);
            put_json_field(s, ", \"contribution\": ", contrib);
            put_json_field(s, ", \"share\": ", share);
            puts_(s, "}");
        }
        puts_(s, "]");
    }
    puts_(s, ",\n     \"comparison\": ");
    shipest_verdict v = SHIPEST_VERDICT_NO_ANSWER;
    double tol = NAN, diff = NAN;
    if (digits == 0 || !comparable(a, i, r, NULL) ||
        shipest_analysis_compare(ctx, a, r, i, digits, &v, &tol, &diff) != SHIPEST_OK) {
        puts_(s, "null}");
        return;
    }
    size_t n = 0;
    const char *line = verdict_line(verdict_text, i, &n);
    puts_(s, "{\"verdict\": ");
    put_json_str(s, verdict_name(v));
    put_json_field(s, ", \"tolerance\": ", tol);
    put_json_field(s, ", \"difference\": ", diff);
    puts_(s, ", \"text\": ");
    if (line != NULL)
        put_json_strn(s, line, n);
    else
        puts_(s, "null");
    puts_(s, "}}");
}

/* The caller's analyses, each with its comparison against @p r. */
static void json_analytic(sink *s, shipest_ctx *ctx, const shipest_result *r,
                          const shipest_report_extras *x, const prep *p)
{
    size_t na = x != NULL ? x->n_anal : 0;
    puts_(s, ",\n \"analytic\": [");
    for (size_t k = 0; k < na; k++) {
        const shipest_analysis *a = x->anal[k].a;
        int digits = x->anal[k].digits;
        const char *text = k < p->n_verdict ? p->verdict[k] : NULL;
        puts_(s, k ? ",\n  {\"method\": " : "\n  {\"method\": ");
        put_json_str(s, method_name(shipest_analysis_method(a)));
        if (digits > 0)
            putf(s, ", \"digits\": %d", digits);
        else
            puts_(s, ", \"digits\": null");
        puts_(s, ", \"trustworthy\": ");
        puts_(s, text == NULL ? "null" : p->trusted[k] ? "true" : "false");
        puts_(s, ",\n   \"outputs\": [");
        size_t nout = shipest_analysis_output_count(a);
        for (size_t i = 0; i < nout; i++)
            json_analysis_output(s, ctx, a, i, r, digits, text);
        puts_(s, nout ? "\n   ]}" : "]}");
    }
    puts_(s, na ? "\n ]" : "]");
}

static void write_json(sink *s, shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
                       const shipest_report_extras *x, const prep *p)
{
    size_t nout = shipest_result_output_count(r);
    putf(s, "{\"trials\": %llu, \"seed\": %lld, \"method\": \"mc\", \"stop\": \"%s\", "
            "\"sketched\": %s, \"version\": ",
         (unsigned long long)shipest_result_trials(r), (long long)ctx_seed(ctx),
         stop_name(shipest_result_stop_reason(r)), shipest_result_is_sketched(r) ? "true" : "false");
    put_json_str(s, shipest_version_string());
    puts_(s, ",\n \"outputs\": [");
    for (size_t i = 0; i < nout; i++) {
        ostat o;
        get_stats(r, i, &o);
        puts_(s, i ? ",\n  {" : "\n  {");
        puts_(s, "\"name\": ");
        put_json_str(s, o.name);
        puts_(s, ", \"unit\": ");
        put_json_str(s, o.unit);
        put_json_field(s, ",\n   \"mean\": ", o.mean);
        put_json_field(s, ", \"sd\": ", o.sd);
        put_json_field(s, ", \"se_mean\": ", o.se_mean);
        put_json_field(s, ", \"p05\": ", o.p05);
        put_json_field(s, ", \"p50\": ", o.p50);
        put_json_field(s, ", \"p95\": ", o.p95);
        put_json_field(s, ",\n   \"interval90\": [", o.p05);
        put_json_field(s, ", ", o.p95);
        putf(s, "], \"digits\": %d, \"finite\": %llu, \"nonfinite\": %llu",
             o.finite ? sig_digits(o.mean, o.se_mean) : 0, (unsigned long long)o.finite,
             (unsigned long long)o.nonfinite);
        uint32_t oflags = output_flags(m, o.name);
        if (oflags & SHP_NODE_SHARE)
            json_share(s, r, i, &o);
        if (oflags & SHP_NODE_COMPARE)
            json_compare(s, r, i, &o);

        uint64_t counts[MAX_BINS], max = 0;
        if (get_hist(r, i, &o, SVG_BINS, counts, &max)) {
            put_json_field(s, ",\n   \"histogram\": {\"lo\": ", o.lo);
            put_json_field(s, ", \"hi\": ", o.hi);
            puts_(s, ", \"counts\": [");
            for (size_t k = 0; k < SVG_BINS; k++)
                putf(s, "%s%llu", k ? ", " : "", (unsigned long long)counts[k]);
            puts_(s, "]}");
        }

        puts_(s, ",\n   \"sensitivity\": [");
        size_t ns = shipest_result_sensitivity_count(r, i);
        for (size_t k = 0; k < ns; k++) {
            const char *name = NULL;
            double share = NAN, rho = NAN;
            if (shipest_result_sensitivity(r, i, k, &name, &share, &rho) != SHIPEST_OK)
                continue;
            puts_(s, k ? ", {\"input\": " : "{\"input\": ");
            put_json_str(s, name);
            put_json_field(s, ", \"share\": ", share);
            put_json_field(s, ", \"rho\": ", rho);
            puts_(s, ", \"kind\": ");
            put_json_str(s, name ? dep_kind(r, i, name) : "input");
            puts_(s, "}");
        }
        puts_(s, "]");

        for (int factors = 1; factors >= 0; factors--) {
            puts_(s, factors ? ",\n   \"factors\": [" : ",\n   \"inputs\": [");
            size_t nd = shipest_result_dependency_count(r, i), w = 0;
            for (size_t k = 0; k < nd; k++) {
                int is_factor = 0;
                const char *name = NULL, *src = NULL;
                if (shipest_result_dependency(r, i, k, &is_factor, &name, &src) != SHIPEST_OK ||
                    is_factor != factors)
                    continue;
                puts_(s, w++ ? ", {\"name\": " : "{\"name\": ");
                put_json_str(s, name);
                puts_(s, ", \"source\": ");
                put_json_str(s, src);
                if (name != NULL)
                    json_factor_extras(s, m, name);
                puts_(s, "}");
            }
            puts_(s, "]");
        }

        if (p->binding_of != NULL) {
            puts_(s, ",\n   \"load_plans\": [");
            size_t w = 0;
            for (size_t b = 0; b < p->n_bind; b++)
                if (p->binding_of[i * p->n_bind + b])
                    putf(s, "%s%zu", w++ ? ", " : "", b);
            puts_(s, "]");
        }
        puts_(s, "}");
    }
    puts_(s, "\n ],\n \"load_plans\": [");
    size_t nb = shipest_result_binding_count(r);
    for (size_t b = 0; b < nb; b++) {
        const char *name = NULL;
        size_t nc = 0;
        if (shipest_result_binding(r, b, &name, &nc) != SHIPEST_OK)
            continue;
        puts_(s, b ? ", {\"node\": " : "{\"node\": ");
        put_json_str(s, name);
        puts_(s, ", \"constraints\": [");
        for (size_t c = 0; c < nc; c++) {
            const char *label = NULL;
            double share = NAN;
            if (shipest_result_binding_share(r, b, c, &label, &share) != SHIPEST_OK)
                continue;
            puts_(s, c ? ", {\"label\": " : "{\"label\": ");
            put_json_str(s, label);
            put_json_field(s, ", \"share\": ", share);
            puts_(s, "}");
        }
        puts_(s, "]}");
    }
    puts_(s, "]");
    json_probabilities(s, r, m, x);
    json_analytic(s, ctx, r, x, p);
    puts_(s, "}\n");
}

/* ---- CSV --------------------------------------------------------------------------- */

static void write_csv(sink *s, const shipest_result *r)
{
    size_t nout = shipest_result_output_count(r);
    puts_(s, "output,unit,mean,sd,se_mean,p05,p50,p95,interval90_lo,interval90_hi,finite,"
             "nonfinite,top_input,top_share\r\n");
    for (size_t i = 0; i < nout; i++) {
        ostat o;
        get_stats(r, i, &o);
        put_csv_str(s, o.name);
        put(s, ",", 1);
        put_csv_str(s, o.unit);
        const double v[] = {o.mean, o.sd, o.se_mean, o.p05, o.p50, o.p95, o.p05, o.p95};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            put(s, ",", 1);
            put_csv_num(s, v[k]);
        }
        putf(s, ",%llu,%llu,", (unsigned long long)o.finite, (unsigned long long)o.nonfinite);
        const char *name = NULL;
        double share = NAN;
        if (shipest_result_sensitivity_count(r, i) > 0 &&
            shipest_result_sensitivity(r, i, 0, &name, &share, NULL) == SHIPEST_OK) {
            put_csv_str(s, name);
            put(s, ",", 1);
            put_csv_num(s, share);
        } else
            put(s, ",", 1);
        puts_(s, "\r\n");
    }
}

static void write_samples(sink *s, const shipest_result *r)
{
    size_t nout = shipest_result_output_count(r);
    uint64_t n = shipest_result_trials(r);
    puts_(s, "sample");
    for (size_t i = 0; i < nout; i++) {
        put(s, ",", 1);
        put_csv_str(s, shipest_result_output_name(r, i));
    }
    puts_(s, "\r\n");
    for (uint64_t j = 0; j < n && !s->ioerr; j++) {
        putf(s, "%llu", (unsigned long long)j);
        for (size_t i = 0; i < nout; i++) {
            double v = NAN;
            if (shipest_result_samples(r, i, j, 1, &v) != SHIPEST_OK)
                v = NAN;
            put(s, ",", 1);
            put_csv_num(s, v);
        }
        puts_(s, "\r\n");
    }
}

/* ---- SVG --------------------------------------------------------------------------- */

#define SVG_W 900.0
#define ROW_H 265.0
#define HIST_X 60.0
#define HIST_W 440.0
#define PLOT_TOP 60.0
#define PLOT_H 150.0
#define SENS_X 690.0
#define SENS_W 190.0

/* Axis tick labels: millions and billions abbreviated, so they fit. */
static void fmt_tick(double v, char *out, size_t size)
{
    double a = fabs(v);
    if (a >= 1e9 && a < 1e15)
        snprintf(out, size, "%.4g bn", v / 1e9);
    else if (a >= 1e6 && a < 1e9)
        snprintf(out, size, "%.4g M", v / 1e6);
    else {
        char tmp[48];
        snprintf(tmp, sizeof tmp, "%.6g", v);
        if (strchr(tmp, 'e') != NULL)
            snprintf(out, size, "%s", tmp);
        else
            group_thousands(tmp, out, size);
    }
}

/* A round step of about range / 5 for axis ticks. */
static double nice_step(double range)
{
    double raw = range / 5.0, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * mag;
}

static void svg_output(sink *s, const shipest_result *r, size_t i, double y0)
{
    ostat o;
    char a[48];
    get_stats(r, i, &o);
    putf(s, "<g class=\"output\" data-name=\"");
    put_xml_str(s, o.name);
    putf(s, "\" transform=\"translate(0,%.1f)\">\n", y0);
    puts_(s, "<text class=\"title\" x=\"10\" y=\"18\">");
    put_xml_str(s, o.name);
    if (o.unit[0]) {
        puts_(s, " (");
        put_xml_str(s, o.unit);
        puts_(s, ")");
    }
    puts_(s, "</text>\n");

    uint64_t counts[MAX_BINS], max = 0;
    if (!get_hist(r, i, &o, SVG_BINS, counts, &max)) {
        puts_(s, "<text class=\"note\" x=\"60\" y=\"100\">no spread to plot</text>\n</g>\n");
        return;
    }
    double base = PLOT_TOP + PLOT_H, bw = HIST_W / SVG_BINS;
    puts_(s, "<g class=\"histogram\">\n");
    for (size_t k = 0; k < SVG_BINS; k++) {
        double h = (double)counts[k] / (double)max * PLOT_H;
        putf(s, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>\n",
             HIST_X + (double)k * bw, base - h, bw - 1.0, h);
    }
    puts_(s, "</g>\n");
    /* Axis with round ticks. */
    putf(s, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", HIST_X, base,
         HIST_X + HIST_W, base);
    double step = nice_step(o.hi - o.lo);
    if (isfinite(step) && step > 0) {
        for (double t = ceil(o.lo / step) * step; t <= o.hi; t += step) {
            double x = HIST_X + (t - o.lo) / (o.hi - o.lo) * HIST_W;
            fmt_tick(fabs(t) < step * 1e-9 ? 0.0 : t, a, sizeof a);
            putf(s, "<line class=\"tick\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\"/>"
                    "<text class=\"tick-label\" x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                 x, base, x, base + 5, x, base + 18, a);
        }
    }
    putf(s, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
         HIST_X + HIST_W / 2, base + 38);
    put_xml_str(s, o.unit[0] ? o.unit : "dimensionless");
    puts_(s, "</text>\n");
    /* Median and 90% interval. */
    const struct {
        const char *cls, *label;
        double v;
    } marks[] = {{"p05", "5%", o.p05}, {"median", "median", o.p50}, {"p95", "95%", o.p95}};
    for (size_t k = 0; k < 3; k++) {
        double x = HIST_X + (marks[k].v - o.lo) / (o.hi - o.lo) * HIST_W;
        fmt_short(marks[k].v, a, sizeof a);
        /* The median's label above those of the interval ends. */
        double label_y = k == 1 ? PLOT_TOP - 20 : PLOT_TOP - 6;
        putf(s, "<line class=\"%s\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\"/>"
                "<text class=\"mark-label\" x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\">%s %s</text>\n",
             marks[k].cls, x, label_y + 3, x, base, x, label_y, marks[k].label, a);
    }

    /* Sensitivity bars. */
    size_t ns = shipest_result_sensitivity_count(r, i);
    puts_(s, "<g class=\"sensitivity\">\n");
    putf(s, "<text class=\"subtitle\" x=\"%.1f\" y=\"%.1f\">share of variance</text>\n",
         SENS_X - 170, PLOT_TOP - 10);
    for (size_t k = 0; k < ns && k < 8; k++) {
        const char *name = NULL;
        double share = NAN;
        if (shipest_result_sensitivity(r, i, k, &name, &share, NULL) != SHIPEST_OK ||
            !isfinite(share))
            continue;
        double y = PLOT_TOP + (double)k * 19.0;
        putf(s, "<text class=\"sens-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
             SENS_X - 6, y + 12);
        put_xml_str(s, name);
        putf(s, "</text><rect class=\"sens-bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" "
                "height=\"14\"/><text class=\"sens-value\" x=\"%.2f\" y=\"%.1f\">%.0f%%</text>\n",
             SENS_X, y, share * (SENS_W - 40), SENS_X + share * (SENS_W - 40) + 4, y + 12,
             share * 100);
    }
    puts_(s, "</g>\n</g>\n");
}

static void write_svg(sink *s, const shipest_result *r)
{
    size_t nout = shipest_result_output_count(r);
    double h = 30.0 + ROW_H * (double)(nout ? nout : 1);
    putf(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
         SVG_W, h, SVG_W, h);
    putf(s, "<title>libshipest %s: %llu trials</title>\n", shipest_version_string(),
         (unsigned long long)shipest_result_trials(r));
    puts_(s, "<style>.bar{fill:#7aa6c2}.axis,.tick{stroke:#333}.median{stroke:#c0392b;"
             "stroke-width:2}.p05,.p95{stroke:#c0392b;stroke-dasharray:4 3}"
             ".sens-bar{fill:#e3a04f}.title{font-size:15px;font-weight:bold}"
             ".mark-label{fill:#c0392b;font-size:11px}.note{fill:#666}</style>\n");
    puts_(s, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" "
             "fill=\"white\"/>\n");
    putf(s, "<text class=\"caption\" x=\"10\" y=\"%.0f\" fill=\"#666\">Histograms cover "
            "the 0.5%% to 99.5%% quantiles; dashed lines: 90%% interval; solid: median. "
            "Bars: rank-based share of variance.</text>\n",
         h - 10);
    for (size_t i = 0; i < nout; i++)
        svg_output(s, r, i, 10.0 + ROW_H * (double)i);
    puts_(s, "</svg>\n");
}

/* ---- entry points ---------------------------------------------------------------- */

static shipest_status report(shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
                             const shipest_report_extras *x, shipest_report_format format,
                             sink *s)
{
    if (r == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "report: the result is NULL");
    if ((unsigned)format > (unsigned)SHIPEST_REPORT_SVG)
        return shp_error(ctx, SHIPEST_EINVAL, "report: unknown format %d", (int)format);
    if (format == SHIPEST_REPORT_SAMPLES_CSV && shipest_result_is_sketched(r))
        return shp_error(ctx, SHIPEST_EUNSUPPORTED,
                         "report: the result is sketched (past the memory cap), so its "
                         "samples were not kept; raise SHIPEST_OPT_MAX_MEMORY");
    prep p = {ctx, NULL, 0, NULL, 0, NULL, NULL, 0};
    shipest_status st = SHIPEST_OK;
    if (format == SHIPEST_REPORT_TEXT || format == SHIPEST_REPORT_JSON) {
        if (format == SHIPEST_REPORT_TEXT)
            st = prep_sources(&p, r);
        if (st == SHIPEST_OK && m != NULL)
            st = prep_bindings(&p, r, m);
        if (st == SHIPEST_OK && format == SHIPEST_REPORT_JSON)
            st = prep_verdicts(&p, r, x);
        if (st != SHIPEST_OK) {
            prep_free(&p);
            return st;
        }
    }
    switch (format) {
    case SHIPEST_REPORT_TEXT: write_text(s, ctx, r, m, &p); break;
    case SHIPEST_REPORT_JSON: write_json(s, ctx, r, m, x, &p); break;
    case SHIPEST_REPORT_CSV: write_csv(s, r); break;
    case SHIPEST_REPORT_SAMPLES_CSV: write_samples(s, r); break;
    case SHIPEST_REPORT_SVG: write_svg(s, r); break;
    }
    prep_free(&p);
    return SHIPEST_OK;
}

shipest_status shipest_report_write_extras(shipest_ctx *ctx, const shipest_result *r,
                                           const shipest_model *m, const shipest_report_extras *x,
                                           shipest_report_format format, char *buf, size_t size,
                                           size_t *needed)
{
    if (needed != NULL)
        *needed = 0;
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (buf == NULL && size > 0)
        return shp_error(ctx, SHIPEST_EINVAL, "report: buf is NULL but size is %zu", size);
    if (buf != NULL && size > 0)
        buf[0] = '\0';
    sink s = {buf, size, NULL, 0, 0};
    shipest_status st = report(ctx, r, m, x, format, &s);
    if (st != SHIPEST_OK)
        return st;
    if (buf != NULL && size > 0)
        buf[s.len < size - 1 ? s.len : size - 1] = '\0';
    if (needed != NULL)
        *needed = s.len;
    return SHIPEST_OK;
}

shipest_status shipest_report_write(shipest_ctx *ctx, const shipest_result *r,
                                    const shipest_model *m, shipest_report_format format,
                                    char *buf, size_t size, size_t *needed)
{
    return shipest_report_write_extras(ctx, r, m, NULL, format, buf, size, needed);
}

shipest_status shipest_report_fwrite_extras(shipest_ctx *ctx, const shipest_result *r,
                                            const shipest_model *m,
                                            const shipest_report_extras *x,
                                            shipest_report_format format, FILE *stream)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (stream == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "report: the stream is NULL");
    sink s = {NULL, 0, stream, 0, 0};
    shipest_status st = report(ctx, r, m, x, format, &s);
    if (st != SHIPEST_OK)
        return st;
    if (s.ioerr || ferror(stream))
        return shp_error(ctx, SHIPEST_EIO, "report: writing the report failed");
    return SHIPEST_OK;
}

shipest_status shipest_report_fwrite(shipest_ctx *ctx, const shipest_result *r,
                                     const shipest_model *m, shipest_report_format format,
                                     FILE *stream)
{
    return shipest_report_fwrite_extras(ctx, r, m, NULL, format, stream);
}
