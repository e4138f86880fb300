/* claim.c — hedged claims ("more than 28,000 container [B2]") into
 * distributions by the hedge lexicon (hedge.h), with the rounding and grading
 * rules of docs/claims.md, and the public "claims" API. */
#include "hedge.h"

#include "specfun.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Claims longer than this are refused: no real claim needs more. */
#define CLAIM_MAX_LEN 4096u

/* ---- raw scanning (phrases, joiners, grades and the en dash are not tokens) */

static int raw(const shp_lexer *lx, size_t i)
{
    return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static void advance(shp_lexer *lx, size_t n)
{
    lx->pos += n;
    lx->col += (uint32_t)n;
}

static void skip_blanks(shp_lexer *lx)
{
    while (raw(lx, lx->pos) == ' ' || raw(lx, lx->pos) == '\t' || raw(lx, lx->pos) == '\r')
        advance(lx, 1);
}

/* Where the claim's own text ends: the first byte that cannot belong to it
 * ('[' starts the grade; the others belong to the model language). */
static size_t find_stop(const shp_lexer *lx)
{
    size_t i = lx->pos;
    while (i < lx->len) {
        char c = lx->src[i];
        if (c == '\n' || c == '#' || c == '"' || c == '@' || c == '[')
            break;
        i++;
    }
    return i;
}

/* ---- numbers for explanations ---------------------------------------------- */

/* v to `sig` significant digits, the integer part grouped: 29,400; 0.412;
 * 13,411.55; 1.2e+20. Trailing zeros after a decimal point are dropped
 * ("10%", not "10.0%"). */
static void fmt_sig(double v, int sig, char *buf, size_t size)
{
    if (isinf(v)) {
        snprintf(buf, size, "%s\xE2\x88\x9E", v < 0 ? "-" : ""); /* infinity sign */
        return;
    }
    double a = fabs(v);
    if (a == 0.0 || isnan(v)) {
        snprintf(buf, size, a == 0.0 ? "0" : "nan");
        return;
    }
    if (a >= 1e15 || a < 1e-4) {
        snprintf(buf, size, "%.*g", sig, v);
        return;
    }
    int e = (int)floor(log10(a));
    int decimals = sig - 1 - e;
    double r = a;
    if (decimals < 0) {
        double scale = pow(10.0, -decimals);
        r = round(a / scale) * scale;
        decimals = 0;
    }
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, r);
    size_t n = strlen(t);
    char *dot = strchr(t, '.');
    if (dot != NULL) {
        while (n > 0 && t[n - 1] == '0')
            t[--n] = '\0';
        if (n > 0 && t[n - 1] == '.')
            t[--n] = '\0';
    }
    dot = strchr(t, '.');
    size_t int_len = dot != NULL ? (size_t)(dot - t) : n;
    size_t o = 0;
    if (v < 0 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && i < int_len && (int_len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = t[i];
    }
    if (size > 0)
        buf[o < size ? o : size - 1] = '\0';
}

/* A value of the claim, shown in % when the figure was written with one. */
static void fmt_val(const shp_claim *c, double v, int sig, char *buf, size_t size)
{
    if (c->percent && !isinf(v)) {
        char t[40]; /* leaves room for the % in the callers' 48-byte buffers */
        fmt_sig(v * 100.0, sig, t, sizeof t);
        snprintf(buf, size, "%s%%", t);
    } else
        fmt_sig(v, sig, buf, size);
}

/* ---- building the distribution ------------------------------------------------ */

typedef struct claim_parts {
    const shp_hedge *hedge;
    shp_token fig, fig2;    /* fig2.kind is END when there is no second figure */
    size_t phrase_start, phrase_len;
    uint32_t line, col;     /* of the claim, for errors */
} claim_parts;

/* The rounding half-unit of a written figure: half a unit in its last
 * significant place, capped at a quarter of the figure. */
static double written_unit(const shp_numinfo *ni)
{
    int p = ni->last_place < -300 ? -300 : ni->last_place > 300 ? 300 : ni->last_place;
    return pow(10.0, p);
}

static double half_unit(const shp_numinfo *ni, double x)
{
    if (!(x > 0.0))
        return 0.0;
    return fmin(0.5 * written_unit(ni), 0.25 * x);
}

/* Map a multiple m of the figure by the side's widening power: 0, 1 and
 * infinity stay, so one-sided bounds and the figure itself never move. */
static double widen(double m, double f_up, double f_down)
{
    if (m == 0.0 || m == 1.0 || isinf(m))
        return m;
    return m > 1.0 ? pow(m, f_up) : pow(m, f_down);
}

static shipest_status build_point(shipest_ctx *ctx, const shp_lexer *lx, const claim_parts *p,
                                  shp_claim *c, double g, double cap)
{
    const shp_hedge *h = c->hedge;
    double x = c->figure;
    double hu = c->half_unit;
    if (h->shape == SHP_HSHAPE_CONSTANT)
        return shipest_dist_constant(ctx, x, &c->dist);
    if (h->shape == SHP_HSHAPE_ROUNDING) {
        double w = hu * g;
        if (w == 0.0)
            return shipest_dist_constant(ctx, x, &c->dist);
        double lo = fmax(0.0, x - w), hi = fmin(x + w, cap);
        if (!(hi > lo))
            return shipest_dist_constant(ctx, x, &c->dist);
        c->widen_up = c->widen_down = g;
        return shipest_dist_uniform(ctx, lo, hi, &c->dist);
    }
    /* SHP_HSHAPE_QUANTILES */
    if (!(x > 0.0))
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "hedge '%.*s' is relative "
                             "to the figure, which is 0; write the claim as a range or a "
                             "distribution", (int)p->phrase_len, lx->src + p->phrase_start);
    double m[5] = {h->support_lo, h->q[0], h->q[1], h->q[2], h->support_hi};
    /* Rounding: the central interval must cover the rounding interval,
     * [X - h, X + h], or the whole unit on the open side of a one-sided hedge. */
    double f_up = 1.0, f_down = 1.0;
    if (hu > 0.0) {
        double c_up = m[0] >= 1.0 ? 2.0 : 1.0, c_down = m[4] <= 1.0 ? 2.0 : 1.0;
        /* Ratios within 1e-9 of 1 are rounding noise of an exact fit. */
        if (m[3] > 1.0)
            f_up = log1p(c_up * hu / x) / log(m[3]);
        if (m[1] < 1.0)
            f_down = log1p(-c_down * hu / x) / log(m[1]);
        f_up = f_up > 1.0 + 1e-9 ? f_up : 1.0;
        f_down = f_down > 1.0 + 1e-9 ? f_down : 1.0;
    }
    c->round_up = f_up;
    c->round_down = f_down;
    c->widen_up = f_up * g;
    c->widen_down = f_down * g;
    double v[5];
    for (int i = 0; i < 5; i++)
        v[i] = x * widen(m[i], c->widen_up, c->widen_down);
    /* A share is bounded by 100%: clip the support and, if the upper quantile
     * would pass it, compress the distances above X into the room left. */
    if (v[4] > cap) {
        v[4] = cap;
        if (v[3] >= cap) {
            if (!(cap > x))
                return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "hedge '%.*s' puts "
                                     "mass above the figure, but a share of 100%% leaves no "
                                     "room above it", (int)p->phrase_len,
                                     lx->src + p->phrase_start);
            double k = 0.9 * (cap - x) / (v[3] - x);
            for (int i = 1; i < 4; i++)
                if (v[i] > x)
                    v[i] = x + (v[i] - x) * k;
        }
    }
    if (!(v[0] < v[1] && v[1] < v[2] && v[2] < v[3] && v[3] < v[4]))
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "hedge '%s' cannot be "
                             "fitted at this figure (its quantiles %g, %g, %g collapse onto "
                             "the support [%g, %g])", h->name, v[1], v[2], v[3], v[0], v[4]);
    return shipest_dist_quantile3(ctx, v[1], v[2], v[3], h->alpha, v[0], v[4], &c->dist);
}

static shipest_status build_range(shipest_ctx *ctx, const shp_lexer *lx, const claim_parts *p,
                                  shp_claim *c, double g, double cap)
{
    double lo = c->figure, hi = c->figure2;
    char a[48], b[48];
    if (hi < lo) {
        fmt_val(c, lo, 6, a, sizeof a);
        fmt_val(c, hi, 6, b, sizeof b);
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "range ends are reversed "
                             "(%s, then %s); write the smaller figure first", a, b);
    }
    /* A range narrower than one rounding unit is widened to it. */
    double hu = c->half_unit;
    if (hi - lo < 2.0 * hu) {
        double mid = 0.5 * (lo + hi);
        c->round_up = c->round_down = 2.0 * hu / (hi - lo); /* inf for a zero width */
        lo = mid - hu;
        hi = mid + hu;
    }
    if (!(hi > lo))
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "the range has no width; "
                             "write the figure alone");
    double z = shp_norm_ppf(0.5 + 0.5 * c->hedge->coverage);
    double alpha = 0.5 - 0.5 * c->hedge->coverage;
    c->widen_up = c->widen_down = g;
    if (lo > 0.0) {
        double mu = 0.5 * (log(lo) + log(hi));
        double sigma = (log(hi) - log(lo)) / (2.0 * z) * g;
        if (isinf(cap))
            return shipest_dist_lognormal(ctx, mu, sigma, &c->dist);
        /* A share: the same three quantiles, bounded by [0, 100%]. */
        double qlo = exp(mu - z * sigma), qhi = exp(mu + z * sigma);
        if (!(qhi < cap))
            return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "the range reaches "
                                 "100%% of the share; give an upper end below 100%%");
        return shipest_dist_quantile3(ctx, qlo, exp(mu), qhi, alpha, 0.0, cap, &c->dist);
    }
    if (!isinf(cap))
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "a share's range must "
                             "start above 0");
    return shipest_dist_normal(ctx, 0.5 * (lo + hi), (hi - lo) / (2.0 * z) * g, &c->dist);
}

static shipest_status build_magnitude(shipest_ctx *ctx, const shp_lexer *lx,
                                      const claim_parts *p, shp_claim *c, double g, double cap)
{
    const shp_hedge *h = c->hedge;
    double B = h->base;
    double lo = h->support_lo * B, hi = h->support_hi * B;
    double q[3] = {h->q[0] * B, h->q[1] * B, h->q[2] * B};
    /* Grading widens about the median; the decade's ends are definitional
     * and stay, so the widened quantiles are kept inside them. */
    q[0] = fmax(q[1] * pow(q[0] / q[1], g), lo + 0.1 * (q[0] - lo));
    q[2] = q[1] * pow(q[2] / q[1], g);
    if (isfinite(hi))
        q[2] = fmin(q[2], hi - 0.1 * (hi - h->q[2] * B));
    c->widen_up = c->widen_down = g;
    c->figure = q[1];
    if (hi > cap)
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EDOMAIN, "hedge '%s' reaches past "
                             "100%% of a share", h->name);
    return shipest_dist_quantile3(ctx, q[0], q[1], q[2], h->alpha, lo, hi, &c->dist);
}

/* ---- parsing ---------------------------------------------------------------- */

static shipest_status expected(const shp_lexer *lx, const shp_token *t, const char *fmt,
                               const char *arg, int arglen)
{
    char what[64], msg[200];
    snprintf(msg, sizeof msg, fmt, arglen, arg);
    return shp_lex_error_at(lx, t, SHIPEST_EPARSE, "%s, found %s", msg,
                            shp_tok_describe(lx, t, what, sizeof what));
}

/* The unit after the figure(s); t is its first token, already read. On
 * success *after is the token after the unit. */
static shipest_status parse_unit(shipest_ctx *ctx, shp_lexer *lx, const shp_token *t,
                                 shp_claim *c, shp_token *after)
{
    shp_lexer save = *lx;
    shipest_status st = shp_ctx_unit_parse_lex(ctx, lx, t, &c->unit, after);
    if (st == SHIPEST_EUNIT && t->kind == SHP_TOK_NAME && t->len > 1 &&
        lx->src[t->start + t->len - 1] == 's') {
        /* English plural of a single unit name ("containers"): retry singular,
         * keeping the first message if that fails too. */
        shp_lexer look = save;
        shp_token nt;
        shipest_status code = ctx->errcode;
        char msg[SHP_ERRMSG_MAX];
        memcpy(msg, ctx->errmsg, sizeof msg);
        shipest_status st2 = SHIPEST_EUNIT;
        if (shp_lex_next(&look, &nt) == SHIPEST_OK && nt.kind == SHP_TOK_END)
            st2 = shp_ctx_unit_parse(ctx, lx->src + t->start, t->len - 1, &c->unit);
        if (st2 == SHIPEST_OK) {
            *lx = look;
            *after = nt;
            c->has_unit = 1;
            c->unit_start = t->start;
            c->unit_len = t->len - 1;
            return SHIPEST_OK;
        }
        if (st2 == SHIPEST_ENOMEM)
            return st2;
        ctx->errcode = code;
        memcpy(ctx->errmsg, msg, sizeof msg);
        return code;
    }
    if (st != SHIPEST_OK)
        return st;
    c->has_unit = 1;
    c->unit_start = t->start;
    size_t end = after->kind == SHP_TOK_END ? lx->len : after->start;
    while (end > t->start && (lx->src[end - 1] == ' ' || lx->src[end - 1] == '\t' ||
                              lx->src[end - 1] == '\r'))
        end--;
    c->unit_len = end - t->start;
    return SHIPEST_OK;
}

/* The claim up to its grade. *after is the token that ends it: END at the
 * cut (a grade or the end of the claim's text may follow) or the first
 * token of whatever follows the claim in a larger text. */
static shipest_status parse_body(shipest_ctx *ctx, const shp_hedge_set *s, shp_lexer *lx,
                                 claim_parts *p, shp_claim *c, shp_token *after)
{
    shipest_status st;
    shp_token t;
    size_t m;
    uint32_t pcol = lx->col;
    p->hedge = shp_hedge_match_lead(s, lx->src + lx->pos, lx->len - lx->pos, &m);
    p->fig2.kind = SHP_TOK_END;
    if (p->hedge != NULL) {
        p->phrase_start = lx->pos;
        p->phrase_len = m;
        advance(lx, m);
        skip_blanks(lx);
        size_t m2;
        const shp_hedge *h2 = shp_hedge_match_lead(s, lx->src + lx->pos, lx->len - lx->pos, &m2);
        if (h2 != NULL)
            return shp_lex_error(lx, lx->line, lx->col, SHIPEST_EPARSE, "contradictory hedges: "
                                 "'%.*s' (column %u) and '%.*s' (column %u) on one figure; keep "
                                 "one", (int)m, lx->src + p->phrase_start, (unsigned)pcol,
                                 (int)m2, lx->src + lx->pos, (unsigned)lx->col);
    }
    if (p->hedge != NULL && p->hedge->form == SHP_HFORM_MAGNITUDE) {
        if ((st = shp_lex_peek(lx, &t)) != SHIPEST_OK)
            return st;
        if (t.kind == SHP_TOK_NUMBER)
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "hedge '%.*s' names its own order "
                                    "of magnitude and takes no figure (found number %.*s)",
                                    (int)m, lx->src + p->phrase_start, (int)t.len,
                                    lx->src + t.start);
        c->fig_start = p->phrase_start;
        c->fig_len = p->phrase_len;
    } else {
        if ((st = shp_lex_next(lx, &t)) != SHIPEST_OK)
            return st;
        if (t.kind != SHP_TOK_NUMBER) {
            if (p->hedge != NULL)
                return expected(lx, &t, "expected a number after '%.*s'",
                                lx->src + p->phrase_start, (int)p->phrase_len);
            if (t.kind == SHP_TOK_NAME)
                return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "unknown hedge '%.*s' (not in "
                                        "the hedge lexicon; a claim is [hedge] number [unit])",
                                        (int)t.len, lx->src + t.start);
            if (t.kind == SHP_TOK_MINUS)
                return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "a claim's figure cannot be "
                                        "negative");
            return expected(lx, &t, "claim has no number%.*s", "", 0);
        }
        p->fig = t;
        c->fig_start = t.start;
        c->fig_len = t.len;
        /* Range joiner: a range hedge's own joiners after its phrase, the
         * lead-less joiners ("to", "-", en dash) otherwise. */
        skip_blanks(lx);
        const shp_hedge *lead = p->hedge != NULL && p->hedge->form == SHP_HFORM_RANGE ? p->hedge
                                                                                      : NULL;
        uint32_t jcol = lx->col;
        size_t jstart = lx->pos;
        const shp_hedge *j = shp_hedge_match_joiner(s, lead, lx->src + lx->pos,
                                                    lx->len - lx->pos, &m);
        if (lead != NULL && j == NULL) {
            if ((st = shp_lex_peek(lx, &t)) != SHIPEST_OK)
                return st;
            return expected(lx, &t, "hedge '%.*s' needs two figures joined by one of its "
                            "joiners (e.g. 'between 5,000 and 6,000')",
                            lx->src + p->phrase_start, (int)p->phrase_len);
        }
        if (j != NULL && p->hedge != NULL && lead == NULL)
            return shp_lex_error(lx, lx->line, jcol, SHIPEST_EPARSE, "hedge '%.*s' takes one "
                                 "figure, but a range follows ('%.*s' at column %u)",
                                 (int)p->phrase_len, lx->src + p->phrase_start, (int)m,
                                 lx->src + jstart, (unsigned)jcol);
        if (j != NULL) {
            advance(lx, m);
            if ((st = shp_lex_next(lx, &t)) != SHIPEST_OK)
                return st;
            if (t.kind != SHP_TOK_NUMBER)
                return expected(lx, &t, "expected the second figure after '%.*s'",
                                lx->src + jstart, (int)m);
            p->hedge = j;
            p->fig2 = t;
            c->fig_len = t.start + t.len - c->fig_start;
        }
    }
    if (p->hedge == NULL)
        p->hedge = shp_hedge_unhedged(s);
    if (p->hedge == NULL)
        return shp_lex_error(lx, p->line, p->col, SHIPEST_EPARSE, "a figure without a hedge, "
                             "and the lexicon has no `unhedged` entry");
    /* Unit, then the end of the claim's text. */
    if ((st = shp_lex_next(lx, &t)) != SHIPEST_OK)
        return st;
    if (t.kind == SHP_TOK_NAME || t.kind == SHP_TOK_PERCENT || t.kind == SHP_TOK_LPAREN) {
        size_t m2;
        if (shp_hedge_match_lead(s, lx->src + t.start, lx->len - t.start, &m2) != NULL)
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "contradictory hedges: a second "
                                    "hedge '%.*s' at column %u after the figure; keep one",
                                    (int)m2, lx->src + t.start, (unsigned)t.col);
        shp_token unit_next;
        if ((st = parse_unit(ctx, lx, &t, c, &unit_next)) != SHIPEST_OK)
            return st;
        t = unit_next;
    }
    *after = t;
    return SHIPEST_OK;
}

static shipest_status parse_grade(shp_lexer *lx, shp_claim *c)
{
    uint32_t col = lx->col;
    size_t i = lx->pos + 1;
    while (raw(lx, i) == ' ' || raw(lx, i) == '\t')
        i++;
    int r = raw(lx, i), k;
    r = r >= 'a' && r <= 'f' ? r - 'a' + 'A' : r;
    i++;
    while (raw(lx, i) == ' ' || raw(lx, i) == '\t')
        i++;
    k = raw(lx, i++);
    while (raw(lx, i) == ' ' || raw(lx, i) == '\t')
        i++;
    if (!(r >= 'A' && r <= 'F') || !(k >= '1' && k <= '6') || raw(lx, i) != ']')
        return shp_lex_error(lx, lx->line, col, SHIPEST_EPARSE, "a source grade is written "
                             "[A1] .. [F6]: reliability A-F, then credibility 1-6");
    c->grade[0] = (char)r;
    c->grade[1] = (char)k;
    advance(lx, i + 1 - lx->pos);
    return SHIPEST_OK;
}

int shp_claim_starts(const shp_hedge_set *s, const shp_lexer *lx)
{
    size_t m;
    return shp_hedge_match_lead(s, lx->src + lx->pos, lx->len - lx->pos, &m) != NULL;
}

shipest_status shp_claim_parse_lex(shipest_ctx *ctx, const shp_hedge_set *s, shp_lexer *lx,
                                   unsigned flags, shp_claim *out, shp_token *next)
{
    memset(out, 0, sizeof *out);
    skip_blanks(lx);
    shp_claim *c = out;
    claim_parts p;
    memset(&p, 0, sizeof p);
    p.line = lx->line;
    p.col = lx->col;
    c->start = lx->pos;
    size_t full_len = lx->len;
    size_t stop = find_stop(lx);
    lx->len = stop;
    shp_token after;
    shipest_status st = parse_body(ctx, s, lx, &p, c, &after);
    lx->len = full_len;
    if (st != SHIPEST_OK)
        return st;
    if (after.kind == SHP_TOK_END) {
        /* At the cut: a grade may follow, then whatever follows the claim. */
        c->end = stop;
        skip_blanks(lx);
        if (raw(lx, lx->pos) == '[') {
            if ((st = parse_grade(lx, c)) != SHIPEST_OK)
                return st;
            c->end = lx->pos;
        }
        if ((st = shp_lex_next(lx, next)) != SHIPEST_OK)
            return st;
    } else {
        /* Something else follows the claim in a larger text ("+ 5,000
         * person" in a model): the caller decides what it means. */
        c->end = after.start;
        *next = after;
    }
    while (c->end > c->start && (lx->src[c->end - 1] == ' ' || lx->src[c->end - 1] == '\t' ||
                                 lx->src[c->end - 1] == '\r'))
        c->end--;

    /* Meaning. */
    c->hedge = p.hedge;
    const shp_hedge *h = p.hedge;
    int is_range = p.fig2.kind == SHP_TOK_NUMBER;
    /* "2 to 3 million", "30-40%": the scale written once covers both ends. */
    if (is_range)
        shp_range_scale(&p.fig, &p.fig2);
    if (h->form != SHP_HFORM_MAGNITUDE) {
        c->figure = p.fig.value;
        c->percent = (p.fig.num.flags & SHP_NUM_PERCENT) != 0;
        c->half_unit = half_unit(&p.fig.num, c->figure);
        c->written_unit = written_unit(&p.fig.num);
        if (is_range) {
            const shp_numinfo ni = p.fig.num;
            c->figure2 = p.fig2.value;
            /* The finer of the two written precisions is the speaker's. */
            const shp_numinfo *fine = ni.last_place <= p.fig2.num.last_place ? &ni : &p.fig2.num;
            c->written_unit = written_unit(fine);
            c->half_unit = c->figure2 > 0.0 ? fmin(0.5 * c->written_unit, 0.25 * c->figure2)
                                            : 0.0;
        }
    }
    double cap = INFINITY;
    if (flags & SHIPEST_CLAIM_SHARE) {
        if (c->has_unit && !shp_unit_is_dimensionless(&c->unit))
            return shp_lex_error(lx, p.line, (uint32_t)(p.col + (c->unit_start - c->start)),
                                 SHIPEST_EUNIT, "a share must be dimensionless (a fraction "
                                 "or %%), not '%.*s'", (int)c->unit_len,
                                 lx->src + c->unit_start);
        cap = c->has_unit ? 1.0 / c->unit.scale : 1.0;
        double top = is_range ? c->figure2 : c->figure;
        if (h->form != SHP_HFORM_MAGNITUDE && top > cap * (1.0 + 1e-12)) {
            char a[48];
            fmt_val(c, top, 6, a, sizeof a);
            return shp_lex_error(lx, p.line, p.col, SHIPEST_EDOMAIN, "a share of %s is over "
                                 "100%%", a);
        }
    } else if ((flags & SHIPEST_CLAIM_REQUIRE_UNIT) && !c->has_unit) {
        return shp_lex_error(lx, p.line, p.col, SHIPEST_EUNIT, "claim '%.*s' has no unit (write "
                             "one after the figure, e.g. '%.*s container')",
                             (int)(c->end - c->start), lx->src + c->start,
                             (int)(c->fig_start + c->fig_len - c->start), lx->src + c->start);
    }
    double g = 1.0;
    if (c->grade[0] != 0) {
        const shp_hedge *gr = shp_hedge_grading(s);
        if (gr == NULL)
            return shp_lex_error(lx, p.line, p.col, SHIPEST_ENAME, "the claim is graded [%c%c], "
                                 "but the hedge lexicon has no grading entry", c->grade[0],
                                 c->grade[1]);
        g = gr->reliability[c->grade[0] - 'A'] * gr->credibility[c->grade[1] - '1'];
        c->grade_factor = g;
    }
    switch (h->form) {
    case SHP_HFORM_RANGE: st = build_range(ctx, lx, &p, c, g, cap); break;
    case SHP_HFORM_MAGNITUDE: st = build_magnitude(ctx, lx, &p, c, g, cap); break;
    default: st = build_point(ctx, lx, &p, c, g, cap); break;
    }
    if (st != SHIPEST_OK) {
        shipest_dist_free(c->dist);
        c->dist = NULL;
    }
    return st;
}

/* ---- explanation ---------------------------------------------------------------- */

void shp_claim_explain(const shp_lexer *lx, const shp_claim *c, shp_buf *b)
{
    const shp_hedge *h = c->hedge;
    char v1[48], v2[48], v3[48];
    double q05 = 0, q50 = 0, q95 = 0, lo = 0, hi = 0;
    /* The quantile calls cannot fail for p in [0, 1] on a valid distribution. */
    if (shipest_dist_quantile(c->dist, 0.05, &q05) != SHIPEST_OK ||
        shipest_dist_quantile(c->dist, 0.5, &q50) != SHIPEST_OK ||
        shipest_dist_quantile(c->dist, 0.95, &q95) != SHIPEST_OK ||
        shipest_dist_quantile(c->dist, 0.0, &lo) != SHIPEST_OK ||
        shipest_dist_quantile(c->dist, 1.0, &hi) != SHIPEST_OK)
        return;
    /* Enough digits to tell the 5% and 95% points apart, at least three. */
    int sig = 3;
    double top = fmax(fabs(q05), fabs(q95));
    if (q95 > q05 && top > 0.0)
        sig = (int)fmin(15.0, fmax(3.0, ceil(log10(top / (q95 - q05))) + 3.0));
    shp_buf_printf(b, "%.*s \xE2\x86\x92 hedge %s (%s)", (int)(c->end - c->start),
                   lx->src + c->start, h->name, h->summary != NULL ? h->summary : h->reason);
    if (h->shape == SHP_HSHAPE_CONSTANT) {
        shp_buf_printf(b, ": exactly %.*s", (int)c->fig_len, lx->src + c->fig_start);
    } else {
        fmt_val(c, q50, sig, v1, sizeof v1);
        fmt_val(c, q05, sig, v2, sizeof v2);
        fmt_val(c, q95, sig, v3, sizeof v3);
        shp_buf_printf(b, ": median %s, 90%% in [%s, %s]", v1, v2, v3);
        int quant = h->form == SHP_HFORM_POINT && h->shape == SHP_HSHAPE_QUANTILES;
        if (quant && h->support_lo == 1.0)
            shp_buf_printf(b, ", never below %.*s", (int)c->fig_len, lx->src + c->fig_start);
        else if (quant && h->support_hi == 1.0)
            shp_buf_printf(b, ", never above %.*s", (int)c->fig_len, lx->src + c->fig_start);
        else {
            fmt_val(c, lo, sig, v1, sizeof v1);
            fmt_val(c, hi, sig, v2, sizeof v2);
            shp_buf_printf(b, ", support [%s, %s]", v1, v2);
        }
    }
    if (h->form == SHP_HFORM_MAGNITUDE)
        shp_buf_printf(b, "; no written figure, so no rounding");
    else if (h->shape == SHP_HSHAPE_CONSTANT)
        shp_buf_printf(b, "; taken as exact, so no rounding");
    else if (c->half_unit > 0.0) {
        fmt_val(c, c->written_unit, 15, v1, sizeof v1);
        fmt_val(c, c->half_unit, 15, v2, sizeof v2);
        shp_buf_printf(b, "; %s to the nearest %s (\xC2\xB1%s%s)",
                       h->form == SHP_HFORM_RANGE ? "ends written" : "written", v1, v2,
                       c->half_unit < 0.5 * c->written_unit ? ", capped at a quarter of the figure"
                                                            : "");
        if (h->form == SHP_HFORM_RANGE && c->round_up > 1.0)
            shp_buf_printf(b, "; the range is narrower than one rounding unit, so it is "
                           "widened to one");
        else if (c->round_up > 1.0 && c->round_down > 1.0)
            shp_buf_printf(b, "; rounding widens the spread \xC3\x97%.3g above and \xC3\x97%.3g "
                           "below the figure", c->round_up, c->round_down);
        else if (c->round_up > 1.0 || c->round_down > 1.0)
            shp_buf_printf(b, "; rounding widens the spread \xC3\x97%.3g %s the figure",
                           fmax(c->round_up, c->round_down),
                           c->round_up > 1.0 ? "above" : "below");
    }
    if (c->grade[0] != 0) {
        if (h->shape == SHP_HSHAPE_CONSTANT)
            shp_buf_printf(b, "; source grade %c%c cannot widen an exact figure", c->grade[0],
                           c->grade[1]);
        else if (c->grade_factor > 1.0)
            shp_buf_printf(b, "; source grade %c%c widens the spread \xC3\x97%.3g", c->grade[0],
                           c->grade[1], c->grade_factor);
        else
            shp_buf_printf(b, "; source grade %c%c leaves the spread as it is", c->grade[0],
                           c->grade[1]);
    }
    char d[200];
    shipest_dist_describe(c->dist, d, sizeof d);
    shp_buf_printf(b, "; %s", d);
    if (c->has_unit)
        shp_buf_printf(b, " %.*s", (int)c->unit_len, lx->src + c->unit_start);
}

/* ---- public API ------------------------------------------------------------------ */

struct shipest_lexicon {
    shipest_ctx *ctx;
    shp_hedge_set set;
};

SHIPEST_API shipest_status shipest_lexicon_new(shipest_ctx *ctx, shipest_lexicon **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_lexicon_new: NULL argument");
    shipest_lexicon *lex = shp_alloc(ctx, sizeof *lex);
    if (lex == NULL)
        return SHIPEST_ENOMEM;
    lex->ctx = ctx;
    shipest_status st = shp_hedge_set_default(ctx, &lex->set);
    if (st != SHIPEST_OK) {
        shp_free(ctx, lex);
        return st;
    }
    *out = lex;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_lexicon_load(shipest_lexicon *lex, const char *name,
                                                const char *text, size_t len)
{
    if (lex == NULL)
        return SHIPEST_EINVAL;
    if (text == NULL && len > 0)
        return shp_error(lex->ctx, SHIPEST_EINVAL, "shipest_lexicon_load: NULL text");
    if (len > 16u * 1024u * 1024u)
        return shp_error(lex->ctx, SHIPEST_ELIMIT, "shipest_lexicon_load: text longer than "
                         "16 MiB");
    return shp_hedge_set_load(lex->ctx, &lex->set, name != NULL ? name : "<lexicon>",
                              text != NULL ? text : "", len);
}

SHIPEST_API void shipest_lexicon_free(shipest_lexicon *lex)
{
    if (lex == NULL)
        return;
    shipest_ctx *ctx = lex->ctx;
    shp_hedge_set_free(ctx, &lex->set);
    shp_free(ctx, lex);
}

SHIPEST_API size_t shipest_lexicon_count(const shipest_lexicon *lex)
{
    return lex != NULL ? lex->set.n : 0;
}

SHIPEST_API size_t shipest_lexicon_name(const shipest_lexicon *lex, size_t i, char *buf,
                                        size_t size)
{
    if (lex == NULL || i >= lex->set.n)
        return shp_copy_out("", buf, size);
    return shp_copy_out(lex->set.items[i]->name, buf, size);
}

SHIPEST_API shipest_status shipest_lexicon_entry(shipest_lexicon *lex, size_t i, char *buf,
                                                 size_t size, size_t *len)
{
    if (len != NULL)
        *len = 0;
    if (lex == NULL)
        return SHIPEST_EINVAL;
    if (i >= lex->set.n || (buf == NULL && size > 0))
        return shp_error(lex->ctx, SHIPEST_EINVAL, "shipest_lexicon_entry: index %zu out of "
                         "range (%zu entries) or NULL buffer", i, lex->set.n);
    shp_buf b;
    shp_buf_init(&b, lex->ctx);
    shp_hedge_format(lex->set.items[i], &b);
    if (b.failed) {
        shp_buf_free(&b);
        return SHIPEST_ENOMEM;
    }
    size_t n = shp_copy_out(b.data != NULL ? b.data : "", buf, size);
    shp_buf_free(&b);
    if (len != NULL)
        *len = n;
    return SHIPEST_OK;
}

SHIPEST_API shipest_status shipest_claim_parse(shipest_ctx *ctx, const shipest_lexicon *lex,
                                               const char *text, size_t len, unsigned flags,
                                               shipest_dist **dist, char *unit, size_t unit_size,
                                               size_t *unit_len, char *explain,
                                               size_t explain_size, size_t *explain_len)
{
    if (dist != NULL)
        *dist = NULL;
    if (unit_len != NULL)
        *unit_len = 0;
    if (explain_len != NULL)
        *explain_len = 0;
    if (unit != NULL && unit_size > 0)
        unit[0] = '\0';
    if (explain != NULL && explain_size > 0)
        explain[0] = '\0';
    if (ctx == NULL || dist == NULL || (text == NULL && len > 0) ||
        (unit == NULL && unit_size > 0) || (explain == NULL && explain_size > 0))
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_claim_parse: NULL argument");
    if (lex != NULL && lex->ctx != ctx)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_claim_parse: the lexicon belongs to "
                         "another context");
    if (flags & ~(unsigned)(SHIPEST_CLAIM_SHARE | SHIPEST_CLAIM_REQUIRE_UNIT))
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_claim_parse: unknown flags 0x%x", flags);
    if (len > CLAIM_MAX_LEN)
        return shp_error(ctx, SHIPEST_ELIMIT, "claim longer than %u bytes", CLAIM_MAX_LEN);
    /* NULL: the context's lexicon (the defaults and any `hedge` statements
     * of tables loaded into the context), parsed once with the tables. */
    const shp_hedge_set *set = lex != NULL ? &lex->set : NULL;
    shipest_status st = SHIPEST_OK;
    if (lex == NULL) {
        const struct shp_tables *t;
        st = shp_tables_get(ctx, &t);
        if (st == SHIPEST_OK)
            set = &t->hedges;
    }
    shp_lexer lx;
    shp_lex_init(&lx, ctx, "claim", text != NULL ? text : "", len);
    shp_claim c;
    memset(&c, 0, sizeof c);
    shp_token next;
    if (st == SHIPEST_OK)
        st = shp_claim_parse_lex(ctx, set, &lx, flags, &c, &next);
    if (st == SHIPEST_OK && next.kind != SHP_TOK_END) {
        char what[64];
        st = shp_lex_error_at(&lx, &next, SHIPEST_EPARSE, "unexpected %s after the claim (a "
                              "claim is [hedge] number [unit] [grade])",
                              shp_tok_describe(&lx, &next, what, sizeof what));
    }
    shp_buf b;
    shp_buf_init(&b, ctx);
    if (st == SHIPEST_OK) {
        shp_claim_explain(&lx, &c, &b);
        if (b.failed)
            st = SHIPEST_ENOMEM;
    }
    if (st == SHIPEST_OK) {
        size_t n = c.unit_len;
        if (unit_size > 0) {
            size_t k = n < unit_size - 1 ? n : unit_size - 1;
            memcpy(unit, lx.src + c.unit_start, k);
            unit[k] = '\0';
        }
        if (unit_len != NULL)
            *unit_len = n;
        size_t e = shp_copy_out(b.data != NULL ? b.data : "", explain, explain_size);
        if (explain_len != NULL)
            *explain_len = e;
        *dist = c.dist;
        c.dist = NULL;
    }
    shipest_dist_free(c.dist);
    shp_buf_free(&b);
    return st;
}
