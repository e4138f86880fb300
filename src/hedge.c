/* hedge.c — the hedge lexicon: parsing `hedge` statements, sets of entries
 * with conflict checks, loading, phrase lookup and listing (see hedge.h). */
#include "hedge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Attributes seen, to reject a repeated line. */
enum {
    A_PHRASES = 1u << 0,
    A_JOINERS = 1u << 1,
    A_FORM = 1u << 2,
    A_SHAPE = 1u << 3,
    A_SUPPORT = 1u << 4,
    A_QUANTILES = 1u << 5,
    A_COVERAGE = 1u << 6,
    A_BASE = 1u << 7,
    A_UNHEDGED = 1u << 8,
    A_RELIABILITY = 1u << 9,
    A_CREDIBILITY = 1u << 10,
    A_SUMMARY = 1u << 11,
    A_REASON = 1u << 12,
    A_SOURCE = 1u << 13
};

static const struct {
    const char *word;
    unsigned bit;
} attr_words[] = {
    {"phrases", A_PHRASES},         {"joiners", A_JOINERS},   {"form", A_FORM},
    {"shape", A_SHAPE},             {"support", A_SUPPORT},   {"quantiles", A_QUANTILES},
    {"coverage", A_COVERAGE},       {"base", A_BASE},         {"unhedged", A_UNHEDGED},
    {"reliability", A_RELIABILITY}, {"credibility", A_CREDIBILITY},
    {"summary", A_SUMMARY},         {"reason", A_REASON},     {"source", A_SOURCE},
};

static const char *const form_names[] = {"point", "range", "magnitude", "grading"};
static const char *const shape_names[] = {"none", "quantiles", "interval", "rounding",
                                          "constant"};

void shp_hedge_free(shipest_ctx *ctx, shp_hedge *h)
{
    if (h == NULL)
        return;
    shp_free(ctx, h->name);
    for (size_t i = 0; i < h->n_phrases; i++)
        shp_free(ctx, h->phrases[i]);
    for (size_t i = 0; i < h->n_joiners; i++)
        shp_free(ctx, h->joiners[i]);
    shp_free(ctx, h->summary);
    shp_free(ctx, h->reason);
    shp_free(ctx, h->source);
    shp_free(ctx, h->file);
    shp_free(ctx, h);
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

static int is_word_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Normalise a phrase in place: lower case, blanks collapsed to one space,
 * trimmed. Returns a static reason it is unusable, or NULL. */
static const char *normalise_phrase(char *p)
{
    size_t o = 0;
    int pending_space = 0;
    for (size_t i = 0; p[i] != '\0'; i++) {
        unsigned char c = (unsigned char)p[i];
        if (is_blank(c)) {
            pending_space = o > 0;
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            return "a control character";
        if (c == '"' || c == '[' || c == ']' || c == '#' || c == '@')
            return "one of the characters \" [ ] # @";
        if (pending_space)
            p[o++] = ' ';
        pending_space = 0;
        p[o++] = (char)lower(c);
    }
    p[o] = '\0';
    if (o == 0)
        return "nothing but blanks";
    if (o > SHP_HEDGE_MAX_PHRASE_LEN)
        return "more than 64 bytes";
    if ((p[0] >= '0' && p[0] <= '9') || p[0] == '.')
        return "a leading digit (it would read as a figure)";
    return NULL;
}

/* The next token, with its error passed through. */
static shipest_status next_tok(shp_lexer *lx, shp_token *t)
{
    return shp_lex_next(lx, t);
}

static int at_eol(const shp_token *t)
{
    return t->kind == SHP_TOK_NEWLINE || t->kind == SHP_TOK_END;
}

static shipest_status expect_eol(shp_lexer *lx, const char *after)
{
    shp_token t;
    shipest_status st = next_tok(lx, &t);
    if (st != SHIPEST_OK)
        return st;
    if (at_eol(&t))
        return SHIPEST_OK;
    char what[64];
    return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "unexpected %s after %s (expected the end "
                            "of the line)", shp_tok_describe(lx, &t, what, sizeof what), after);
}

/* A number or `inf` (when allowed). */
static shipest_status read_number(shp_lexer *lx, const char *attr, int allow_inf, double *v)
{
    shp_token t;
    shipest_status st = next_tok(lx, &t);
    if (st != SHIPEST_OK)
        return st;
    if (t.kind == SHP_TOK_NUMBER) {
        *v = t.value;
        return SHIPEST_OK;
    }
    if (allow_inf && shp_tok_is(lx, &t, "inf")) {
        *v = INFINITY;
        return SHIPEST_OK;
    }
    char what[64];
    return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'%s' expects a number%s, found %s", attr,
                            allow_inf ? " or inf" : "",
                            shp_tok_describe(lx, &t, what, sizeof what));
}

/* One or more strings to the end of the line, normalised as phrases. */
static shipest_status read_phrases(shp_lexer *lx, const char *attr, char **arr, size_t *n)
{
    for (;;) {
        shp_token t;
        shipest_status st = next_tok(lx, &t);
        if (st != SHIPEST_OK)
            return st;
        if (at_eol(&t)) {
            if (*n == 0)
                return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'%s' needs at least one "
                                        "quoted phrase", attr);
            return SHIPEST_OK;
        }
        if (t.kind != SHP_TOK_STRING) {
            char what[64];
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'%s' expects quoted phrases, "
                                    "found %s", attr, shp_tok_describe(lx, &t, what, sizeof what));
        }
        if (*n == SHP_HEDGE_MAX_PHRASES)
            return shp_lex_error_at(lx, &t, SHIPEST_ELIMIT, "'%s' has more than %d phrases",
                                    attr, SHP_HEDGE_MAX_PHRASES);
        char *p;
        st = shp_lex_string(lx, &t, &p, NULL);
        if (st != SHIPEST_OK)
            return st;
        const char *bad = normalise_phrase(p);
        if (bad == NULL) {
            for (size_t i = 0; i < *n; i++)
                if (strcmp(arr[i], p) == 0)
                    bad = "a repeat of an earlier phrase";
        }
        if (bad != NULL) {
            shp_free(lx->ctx, p);
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "phrase in '%s' is unusable: %s",
                                    attr, bad);
        }
        arr[(*n)++] = p;
    }
}

static shipest_status read_string(shp_lexer *lx, const char *attr, char **out)
{
    shp_token t;
    shipest_status st = next_tok(lx, &t);
    if (st != SHIPEST_OK)
        return st;
    if (t.kind != SHP_TOK_STRING) {
        char what[64];
        return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'%s' expects a quoted string, found %s",
                                attr, shp_tok_describe(lx, &t, what, sizeof what));
    }
    st = shp_lex_string(lx, &t, out, NULL);
    if (st != SHIPEST_OK)
        return st;
    return expect_eol(lx, attr);
}

static shipest_status read_choice(shp_lexer *lx, const char *attr, const char *const *names,
                                  int first, int count, int *out)
{
    shp_token t;
    shipest_status st = next_tok(lx, &t);
    if (st != SHIPEST_OK)
        return st;
    for (int i = first; i < count; i++)
        if (shp_tok_is(lx, &t, names[i])) {
            *out = i;
            return expect_eol(lx, attr);
        }
    char what[64];
    char choices[160] = "";
    for (int i = first; i < count; i++) {
        size_t used = strlen(choices);
        snprintf(choices + used, sizeof choices - used, "%s%s", i > first ? ", " : "", names[i]);
    }
    return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'%s' must be one of %s; found %s", attr,
                            choices, shp_tok_describe(lx, &t, what, sizeof what));
}

static shipest_status read_factors(shp_lexer *lx, const char *attr, double *v)
{
    for (int i = 0; i < 6; i++) {
        shp_token t;
        shipest_status st = next_tok(lx, &t);
        if (st != SHIPEST_OK)
            return st;
        if (t.kind != SHP_TOK_NUMBER || !(t.value >= 1.0 && t.value <= 100.0)) {
            char what[64];
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'%s' expects six widening factors "
                                    "in [1, 100]; item %d is %s", attr, i + 1,
                                    shp_tok_describe(lx, &t, what, sizeof what));
        }
        v[i] = t.value;
    }
    return expect_eol(lx, attr);
}

static shipest_status parse_attr(shp_lexer *lx, shp_hedge *h, const shp_token *key, unsigned bit)
{
    shipest_status st;
    const char *w = lx->src + key->start;
    int k = (int)key->len;
    char attr[16];
    snprintf(attr, sizeof attr, "%.*s", k, w);
    switch (bit) {
    case A_PHRASES: return read_phrases(lx, attr, h->phrases, &h->n_phrases);
    case A_JOINERS: return read_phrases(lx, attr, h->joiners, &h->n_joiners);
    case A_FORM: {
        int f = 0;
        if ((st = read_choice(lx, attr, form_names, 0, 4, &f)) == SHIPEST_OK)
            h->form = (shp_hedge_form)f;
        return st;
    }
    case A_SHAPE: {
        int s = 0;
        if ((st = read_choice(lx, attr, shape_names, 1, 5, &s)) == SHIPEST_OK)
            h->shape = (shp_hedge_shape)s;
        return st;
    }
    case A_SUPPORT:
        if ((st = read_number(lx, attr, 0, &h->support_lo)) != SHIPEST_OK ||
            (st = read_number(lx, attr, 1, &h->support_hi)) != SHIPEST_OK)
            return st;
        return expect_eol(lx, attr);
    case A_QUANTILES: {
        shp_token t;
        if ((st = read_number(lx, attr, 0, &h->alpha)) != SHIPEST_OK)
            return st;
        if ((st = next_tok(lx, &t)) != SHIPEST_OK)
            return st;
        if (t.kind != SHP_TOK_COLON)
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "'quantiles' is written "
                                    "`quantiles A: QLO QMID QHI` (a colon after the tail "
                                    "probability)");
        for (int i = 0; i < 3; i++)
            if ((st = read_number(lx, attr, 0, &h->q[i])) != SHIPEST_OK)
                return st;
        return expect_eol(lx, attr);
    }
    case A_COVERAGE:
        if ((st = read_number(lx, attr, 0, &h->coverage)) != SHIPEST_OK)
            return st;
        return expect_eol(lx, attr);
    case A_BASE:
        if ((st = read_number(lx, attr, 0, &h->base)) != SHIPEST_OK)
            return st;
        return expect_eol(lx, attr);
    case A_UNHEDGED:
        h->unhedged = 1;
        return expect_eol(lx, attr);
    case A_RELIABILITY: return read_factors(lx, attr, h->reliability);
    case A_CREDIBILITY: return read_factors(lx, attr, h->credibility);
    case A_SUMMARY: return read_string(lx, attr, &h->summary);
    case A_REASON: return read_string(lx, attr, &h->reason);
    case A_SOURCE: return read_string(lx, attr, &h->source);
    default: return SHIPEST_OK;
    }
}

/* Which attributes each form allows and needs (shape is checked apart). */
static shipest_status validate(const shp_lexer *lx, const shp_token *at, shp_hedge *h,
                               unsigned seen)
{
    const char *n = h->name;
#define FAIL(...) return shp_lex_error_at(lx, at, SHIPEST_EPARSE, __VA_ARGS__)
    unsigned allowed = A_FORM | A_SUMMARY | A_REASON | A_SOURCE;
    if (!(seen & A_REASON))
        FAIL("hedge '%s' needs a `reason \"...\"` line (the policy must say why)", n);
    switch (h->form) {
    case SHP_HFORM_GRADING:
        allowed |= A_RELIABILITY | A_CREDIBILITY;
        if ((seen & (A_RELIABILITY | A_CREDIBILITY)) != (A_RELIABILITY | A_CREDIBILITY))
            FAIL("grading hedge '%s' needs both `reliability` and `credibility` lines", n);
        break;
    case SHP_HFORM_POINT:
        allowed |= A_PHRASES | A_SHAPE | A_SUPPORT | A_QUANTILES | A_UNHEDGED;
        if (h->n_phrases == 0 && !h->unhedged)
            FAIL("hedge '%s' needs `phrases` (or `unhedged`)", n);
        if (h->shape != SHP_HSHAPE_QUANTILES && h->shape != SHP_HSHAPE_ROUNDING &&
            h->shape != SHP_HSHAPE_CONSTANT)
            FAIL("point hedge '%s' needs `shape quantiles`, `shape rounding` or "
                 "`shape constant`", n);
        break;
    case SHP_HFORM_RANGE:
        allowed |= A_PHRASES | A_JOINERS | A_SHAPE | A_COVERAGE;
        if (h->n_joiners == 0)
            FAIL("range hedge '%s' needs `joiners` (the words between the two figures)", n);
        if (h->shape != SHP_HSHAPE_INTERVAL)
            FAIL("range hedge '%s' needs `shape interval`", n);
        if (!(h->coverage > 0.0 && h->coverage < 1.0))
            FAIL("range hedge '%s' needs `coverage P` with 0 < P < 1", n);
        break;
    case SHP_HFORM_MAGNITUDE:
        allowed |= A_PHRASES | A_SHAPE | A_SUPPORT | A_QUANTILES | A_BASE;
        if (h->n_phrases == 0)
            FAIL("magnitude hedge '%s' needs `phrases`", n);
        if (h->shape != SHP_HSHAPE_QUANTILES)
            FAIL("magnitude hedge '%s' needs `shape quantiles`", n);
        if (!(h->base > 0.0) || !isfinite(h->base))
            FAIL("magnitude hedge '%s' needs `base N` with N > 0", n);
        break;
    }
    unsigned extra = seen & ~allowed;
    for (size_t i = 0; i < sizeof attr_words / sizeof attr_words[0]; i++)
        if (extra & attr_words[i].bit)
            FAIL("`%s` does not apply to a %s hedge ('%s')", attr_words[i].word,
                 form_names[h->form], n);
    if (h->shape == SHP_HSHAPE_QUANTILES) {
        if ((seen & (A_SUPPORT | A_QUANTILES)) != (A_SUPPORT | A_QUANTILES))
            FAIL("hedge '%s' with `shape quantiles` needs `support` and `quantiles` lines", n);
        if (!(h->alpha > 0.0 && h->alpha < 0.5))
            FAIL("hedge '%s': the tail probability of `quantiles` must lie in (0, 0.5) "
                 "(got %g)", n, h->alpha);
        if (!(h->support_lo >= 0.0) || !isfinite(h->support_lo))
            FAIL("hedge '%s': the lower support end must be finite and >= 0 (got %g)", n,
                 h->support_lo);
        if (!(h->support_lo < h->q[0] && h->q[0] < h->q[1] && h->q[1] < h->q[2] &&
              h->q[2] < h->support_hi))
            FAIL("hedge '%s' needs support LO < QLO < QMID < QHI < support HI (got %g < %g < "
                 "%g < %g < %g)", n, h->support_lo, h->q[0], h->q[1], h->q[2], h->support_hi);
    } else if (seen & (A_SUPPORT | A_QUANTILES)) {
        FAIL("hedge '%s': `support` and `quantiles` need `shape quantiles`", n);
    }
#undef FAIL
    return SHIPEST_OK;
}

shipest_status shp_hedge_parse_statement(shipest_ctx *ctx, shp_lexer *lx, const shp_token *kw,
                                         shp_hedge **out)
{
    *out = NULL;
    shp_token t;
    shipest_status st = next_tok(lx, &t);
    if (st != SHIPEST_OK)
        return st;
    if (t.kind != SHP_TOK_NAME || t.len > 64) {
        char what[64];
        return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "`hedge` expects a name (e.g. "
                                "`hedge more_than`), found %s",
                                shp_tok_describe(lx, &t, what, sizeof what));
    }
    shp_hedge *h = shp_calloc(ctx, 1, sizeof *h);
    if (h == NULL)
        return SHIPEST_ENOMEM;
    h->form = SHP_HFORM_POINT;
    h->shape = SHP_HSHAPE_NONE;
    h->support_lo = h->support_hi = NAN;
    h->line = kw->line;
    h->col = kw->col;
    h->name = shp_strndup(ctx, lx->src + t.start, t.len);
    h->file = shp_strdup(ctx, lx->name);
    if (h->name == NULL || h->file == NULL) {
        shp_hedge_free(ctx, h);
        return SHIPEST_ENOMEM;
    }
    st = expect_eol(lx, "the hedge's name");
    unsigned seen = 0;
    while (st == SHIPEST_OK) {
        shp_lexer look = *lx;
        if ((st = next_tok(&look, &t)) != SHIPEST_OK)
            break;
        if (t.kind == SHP_TOK_NEWLINE) {
            *lx = look;
            continue;
        }
        if (t.kind == SHP_TOK_END || t.col == 1)
            break;
        *lx = look;
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof attr_words / sizeof attr_words[0]; i++)
            if (shp_tok_is(lx, &t, attr_words[i].word))
                bit = attr_words[i].bit;
        if (bit == 0) {
            char what[64];
            st = shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "unknown hedge attribute %s (known: "
                                  "phrases joiners form shape support quantiles coverage base "
                                  "unhedged reliability credibility summary reason source)",
                                  shp_tok_describe(lx, &t, what, sizeof what));
            break;
        }
        if (seen & bit) {
            st = shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "hedge '%s' has a second `%.*s` line",
                                  h->name, (int)t.len, lx->src + t.start);
            break;
        }
        seen |= bit;
        st = parse_attr(lx, h, &t, bit);
    }
    if (st == SHIPEST_OK)
        st = validate(lx, kw, h, seen);
    if (st != SHIPEST_OK) {
        shp_hedge_free(ctx, h);
        return st;
    }
    *out = h;
    return SHIPEST_OK;
}

/* ---- sets ------------------------------------------------------------------ */

void shp_hedge_set_init(shp_hedge_set *s)
{
    s->items = NULL;
    s->n = s->cap = 0;
}

void shp_hedge_set_free(shipest_ctx *ctx, shp_hedge_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        shp_hedge_free(ctx, s->items[i]);
    shp_free(ctx, s->items);
    shp_hedge_set_init(s);
}

static shp_hedge *hedge_clone(shipest_ctx *ctx, const shp_hedge *src)
{
    shp_hedge *h = shp_alloc(ctx, sizeof *h);
    if (h == NULL)
        return NULL;
    *h = *src;
    /* Null every owned pointer first so a partial copy frees cleanly. */
    h->name = h->summary = h->reason = h->source = h->file = NULL;
    h->n_phrases = h->n_joiners = 0;
    int ok = (h->name = shp_strdup(ctx, src->name)) != NULL &&
             (h->file = shp_strdup(ctx, src->file)) != NULL &&
             (src->summary == NULL || (h->summary = shp_strdup(ctx, src->summary)) != NULL) &&
             (src->reason == NULL || (h->reason = shp_strdup(ctx, src->reason)) != NULL) &&
             (src->source == NULL || (h->source = shp_strdup(ctx, src->source)) != NULL);
    for (size_t i = 0; ok && i < src->n_phrases; i++, h->n_phrases++)
        ok = (h->phrases[i] = shp_strdup(ctx, src->phrases[i])) != NULL;
    for (size_t i = 0; ok && i < src->n_joiners; i++, h->n_joiners++)
        ok = (h->joiners[i] = shp_strdup(ctx, src->joiners[i])) != NULL;
    if (!ok) {
        /* the failed slot was not counted; it holds NULL */
        shp_hedge_free(ctx, h);
        return NULL;
    }
    return h;
}

shipest_status shp_hedge_set_copy(shipest_ctx *ctx, const shp_hedge_set *src, shp_hedge_set *dst)
{
    shp_hedge_set_init(dst);
    if (src->n == 0)
        return SHIPEST_OK;
    dst->items = shp_alloc_array(ctx, src->n, sizeof *dst->items);
    if (dst->items == NULL)
        return SHIPEST_ENOMEM;
    dst->cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        shp_hedge *h = hedge_clone(ctx, src->items[i]);
        if (h == NULL) {
            shp_hedge_set_free(ctx, dst);
            return SHIPEST_ENOMEM;
        }
        dst->items[dst->n++] = h;
    }
    return SHIPEST_OK;
}

static int has_phrase(const shp_hedge *h, const char *p)
{
    for (size_t i = 0; i < h->n_phrases; i++)
        if (strcmp(h->phrases[i], p) == 0)
            return 1;
    return 0;
}

static int has_joiner(const shp_hedge *h, const char *p)
{
    for (size_t i = 0; i < h->n_joiners; i++)
        if (strcmp(h->joiners[i], p) == 0)
            return 1;
    return 0;
}

static shipest_status conflict(shipest_ctx *ctx, const shp_hedge *h, const shp_hedge *o,
                               const char *what)
{
    return shp_error(ctx, SHIPEST_ENAME, "%s:%u:%u: hedge '%s' %s, which hedge '%s' (%s:%u:%u) "
                     "already has; override '%s' to change it", h->file, (unsigned)h->line,
                     (unsigned)h->col, h->name, what, o->name, o->file, (unsigned)o->line,
                     (unsigned)o->col, o->name);
}

shipest_status shp_hedge_set_add(shipest_ctx *ctx, shp_hedge_set *s, shp_hedge *h,
                                 int is_override)
{
    size_t replace = s->n;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i]->name, h->name) == 0)
            replace = i;
    shipest_status st = SHIPEST_OK;
    if (!is_override && replace < s->n) {
        const shp_hedge *o = s->items[replace];
        st = shp_error(ctx, SHIPEST_ENAME, "%s:%u:%u: hedge '%s' is already defined at %s:%u:%u; "
                       "write `override hedge %s` to replace it", h->file, (unsigned)h->line,
                       (unsigned)h->col, h->name, o->file, (unsigned)o->line, (unsigned)o->col,
                       h->name);
    } else if (is_override && replace == s->n) {
        st = shp_error(ctx, SHIPEST_ENAME, "%s:%u:%u: `override hedge %s`: no hedge of that "
                       "name to override", h->file, (unsigned)h->line, (unsigned)h->col, h->name);
    } else if (!is_override && s->n >= SHP_HEDGE_MAX_ENTRIES) {
        st = shp_error(ctx, SHIPEST_ELIMIT, "%s:%u:%u: more than %d hedges", h->file,
                       (unsigned)h->line, (unsigned)h->col, SHP_HEDGE_MAX_ENTRIES);
    }
    for (size_t i = 0; st == SHIPEST_OK && i < s->n; i++) {
        const shp_hedge *o = s->items[i];
        char what[128];
        if (i == replace)
            continue;
        for (size_t k = 0; st == SHIPEST_OK && k < h->n_phrases; k++)
            if (has_phrase(o, h->phrases[k])) {
                snprintf(what, sizeof what, "uses the phrase \"%s\"", h->phrases[k]);
                st = conflict(ctx, h, o, what);
            }
        if (h->form == SHP_HFORM_RANGE && h->n_phrases == 0 && o->form == SHP_HFORM_RANGE &&
            o->n_phrases == 0)
            for (size_t k = 0; st == SHIPEST_OK && k < h->n_joiners; k++)
                if (has_joiner(o, h->joiners[k])) {
                    snprintf(what, sizeof what, "uses the joiner \"%s\"", h->joiners[k]);
                    st = conflict(ctx, h, o, what);
                }
        if (st == SHIPEST_OK && h->unhedged && o->unhedged)
            st = conflict(ctx, h, o, "is `unhedged`");
        if (st == SHIPEST_OK && h->form == SHP_HFORM_GRADING && o->form == SHP_HFORM_GRADING)
            st = conflict(ctx, h, o, "is a grading entry");
    }
    if (st == SHIPEST_OK && replace == s->n && s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        shp_hedge **items = shp_realloc(ctx, s->items, cap * sizeof *items);
        if (items == NULL)
            st = SHIPEST_ENOMEM;
        else {
            s->items = items;
            s->cap = cap;
        }
    }
    if (st != SHIPEST_OK) {
        shp_hedge_free(ctx, h);
        return st;
    }
    if (replace < s->n) {
        shp_hedge_free(ctx, s->items[replace]);
        s->items[replace] = h;
    } else
        s->items[s->n++] = h;
    return SHIPEST_OK;
}

/* Skip the rest of a statement this loader does not own: its line and the
 * indented attribute lines under it. */
static shipest_status skip_statement(shp_lexer *lx)
{
    shp_token t;
    shipest_status st;
    do {
        if ((st = next_tok(lx, &t)) != SHIPEST_OK)
            return st;
    } while (!at_eol(&t));
    for (;;) {
        shp_lexer look = *lx;
        if ((st = next_tok(&look, &t)) != SHIPEST_OK)
            return st;
        if (t.kind == SHP_TOK_END || (t.kind != SHP_TOK_NEWLINE && t.col == 1))
            return SHIPEST_OK;
        *lx = look;
    }
}

static shipest_status load_into(shipest_ctx *ctx, shp_hedge_set *s, shp_lexer *lx)
{
    shp_token t;
    shipest_status st;
    /* Header: `shipest-table 1` (lexed as shipest, '-', table, 1). */
    do {
        if ((st = next_tok(lx, &t)) != SHIPEST_OK)
            return st;
    } while (t.kind == SHP_TOK_NEWLINE);
    shp_token m, tb, v;
    if (!shp_tok_is(lx, &t, "shipest") || next_tok(lx, &m) != SHIPEST_OK ||
        m.kind != SHP_TOK_MINUS || next_tok(lx, &tb) != SHIPEST_OK ||
        !shp_tok_is(lx, &tb, "table") || next_tok(lx, &v) != SHIPEST_OK ||
        v.kind != SHP_TOK_NUMBER)
        return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "a table starts with `shipest-table 1`");
    if (v.value != 1.0)
        return shp_lex_error_at(lx, &v, SHIPEST_EUNSUPPORTED, "table format version %g is not "
                                "supported (this library reads version 1)", v.value);
    if ((st = expect_eol(lx, "the table header")) != SHIPEST_OK)
        return st;
    for (;;) {
        if ((st = next_tok(lx, &t)) != SHIPEST_OK)
            return st;
        if (t.kind == SHP_TOK_NEWLINE)
            continue;
        if (t.kind == SHP_TOK_END)
            return SHIPEST_OK;
        if (t.col != 1)
            return shp_lex_error_at(lx, &t, SHIPEST_EPARSE, "an indented line must follow a "
                                    "statement (statements start in column 1)");
        int is_override = 0;
        shp_token kw = t;
        if (shp_tok_is(lx, &t, "override")) {
            shp_lexer look = *lx;
            if ((st = next_tok(&look, &kw)) != SHIPEST_OK)
                return st;
            if (shp_tok_is(lx, &kw, "hedge")) {
                *lx = look;
                is_override = 1;
            }
        }
        if (!shp_tok_is(lx, &kw, "hedge")) {
            /* The table loader's statements are skipped; anything else is
             * a typo that must not pass silently. */
            static const char *const others[] = {"kind", "alias", "unit", "factor", "carrier",
                                                 "cargo"};
            int known = 0;
            for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
                known |= shp_tok_is(lx, &kw, others[i]);
            if (!known) {
                char what[64];
                return shp_lex_error_at(lx, &kw, SHIPEST_EPARSE, "unknown statement %s (expected "
                                        "hedge, override hedge, or a table statement: kind, "
                                        "alias, unit, factor, carrier, cargo)",
                                        shp_tok_describe(lx, &kw, what, sizeof what));
            }
            if ((st = skip_statement(lx)) != SHIPEST_OK)
                return st;
            continue;
        }
        shp_hedge *h;
        if ((st = shp_hedge_parse_statement(ctx, lx, &kw, &h)) != SHIPEST_OK)
            return st;
        if ((st = shp_hedge_set_add(ctx, s, h, is_override)) != SHIPEST_OK)
            return st;
    }
}

shipest_status shp_hedge_set_load(shipest_ctx *ctx, shp_hedge_set *s, const char *name,
                                  const char *text, size_t len)
{
    shp_hedge_set scratch;
    shipest_status st = shp_hedge_set_copy(ctx, s, &scratch);
    if (st != SHIPEST_OK)
        return st;
    shp_lexer lx;
    shp_lex_init(&lx, ctx, name, text, len);
    st = load_into(ctx, &scratch, &lx);
    if (st != SHIPEST_OK) {
        shp_hedge_set_free(ctx, &scratch);
        return st;
    }
    shp_hedge_set_free(ctx, s);
    *s = scratch;
    return SHIPEST_OK;
}

shipest_status shp_hedge_set_default(shipest_ctx *ctx, shp_hedge_set *out)
{
    shp_hedge_set_init(out);
    return shp_hedge_set_load(ctx, out, "hedges.stbl", (const char *)shp_hedges_table,
                              shp_hedges_table_len);
}

/* ---- lookup ------------------------------------------------------------------ */

/* Bytes of src matching phrase p (normalised), or 0. */
static size_t match_phrase(const char *src, size_t len, const char *p)
{
    size_t i = 0;
    for (size_t j = 0; p[j] != '\0'; j++) {
        if (p[j] == ' ') {
            if (i >= len || !is_blank((unsigned char)src[i]))
                return 0;
            while (i < len && is_blank((unsigned char)src[i]))
                i++;
            continue;
        }
        if (i >= len || lower((unsigned char)src[i]) != (unsigned char)p[j])
            return 0;
        i++;
    }
    size_t n = strlen(p);
    if (is_word_char((unsigned char)p[n - 1]) && i < len && is_word_char((unsigned char)src[i]))
        return 0;
    /* A '-' joiner must not eat the '->' conversion arrow. */
    if (p[n - 1] == '-' && i < len && src[i] == '>')
        return 0;
    return i;
}

const shp_hedge *shp_hedge_match_lead(const shp_hedge_set *s, const char *src, size_t len,
                                      size_t *matched)
{
    const shp_hedge *best = NULL;
    size_t best_n = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->items[i]->n_phrases; k++) {
            size_t n = match_phrase(src, len, s->items[i]->phrases[k]);
            if (n > best_n) {
                best = s->items[i];
                best_n = n;
            }
        }
    *matched = best_n;
    return best;
}

const shp_hedge *shp_hedge_match_joiner(const shp_hedge_set *s, const shp_hedge *lead,
                                        const char *src, size_t len, size_t *matched)
{
    const shp_hedge *best = NULL;
    size_t best_n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const shp_hedge *h = s->items[i];
        if (h->form != SHP_HFORM_RANGE || (lead != NULL ? h != lead : h->n_phrases != 0))
            continue;
        for (size_t k = 0; k < h->n_joiners; k++) {
            size_t n = match_phrase(src, len, h->joiners[k]);
            if (n > best_n) {
                best = h;
                best_n = n;
            }
        }
    }
    *matched = best_n;
    return best;
}

const shp_hedge *shp_hedge_unhedged(const shp_hedge_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i]->unhedged)
            return s->items[i];
    return NULL;
}

const shp_hedge *shp_hedge_grading(const shp_hedge_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i]->form == SHP_HFORM_GRADING)
            return s->items[i];
    return NULL;
}

/* ---- listing ------------------------------------------------------------------ */

/* Shortest %g form that reads back to the same double. */
static void put_num(shp_buf *b, double v)
{
    if (isinf(v)) {
        shp_buf_append(b, " inf", 4);
        return;
    }
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* The lexer reads no sign and no e-notation without a digit before it. */
    shp_buf_printf(b, " %s", tmp);
}

static void put_str(shp_buf *b, const char *s)
{
    shp_buf_append(b, " \"", 2);
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            shp_buf_append(b, "\\", 1);
        if (*s == '\n')
            shp_buf_append(b, "\\n", 2);
        else if (*s == '\t')
            shp_buf_append(b, "\\t", 2);
        else
            shp_buf_append(b, s, 1);
    }
    shp_buf_append(b, "\"", 1);
}

void shp_hedge_format(const shp_hedge *h, shp_buf *b)
{
    shp_buf_printf(b, "hedge %s\n", h->name);
    if (h->n_phrases > 0) {
        shp_buf_append(b, "    phrases", 11);
        for (size_t i = 0; i < h->n_phrases; i++)
            put_str(b, h->phrases[i]);
        shp_buf_append(b, "\n", 1);
    }
    if (h->n_joiners > 0) {
        shp_buf_append(b, "    joiners", 11);
        for (size_t i = 0; i < h->n_joiners; i++)
            put_str(b, h->joiners[i]);
        shp_buf_append(b, "\n", 1);
    }
    if (h->unhedged)
        shp_buf_append(b, "    unhedged\n", 13);
    shp_buf_printf(b, "    form %s\n", form_names[h->form]);
    if (h->form == SHP_HFORM_MAGNITUDE) {
        shp_buf_append(b, "    base", 8);
        put_num(b, h->base);
        shp_buf_append(b, "\n", 1);
    }
    if (h->shape != SHP_HSHAPE_NONE)
        shp_buf_printf(b, "    shape %s\n", shape_names[h->shape]);
    if (h->shape == SHP_HSHAPE_QUANTILES) {
        shp_buf_append(b, "    support", 11);
        put_num(b, h->support_lo);
        put_num(b, h->support_hi);
        shp_buf_append(b, "\n    quantiles", 14);
        put_num(b, h->alpha);
        shp_buf_append(b, ":", 1);
        for (int i = 0; i < 3; i++)
            put_num(b, h->q[i]);
        shp_buf_append(b, "\n", 1);
    }
    if (h->form == SHP_HFORM_RANGE) {
        shp_buf_append(b, "    coverage", 12);
        put_num(b, h->coverage);
        shp_buf_append(b, "\n", 1);
    }
    if (h->form == SHP_HFORM_GRADING) {
        shp_buf_append(b, "    reliability", 15);
        for (int i = 0; i < 6; i++)
            put_num(b, h->reliability[i]);
        shp_buf_append(b, "\n    credibility", 16);
        for (int i = 0; i < 6; i++)
            put_num(b, h->credibility[i]);
        shp_buf_append(b, "\n", 1);
    }
    if (h->summary != NULL) {
        shp_buf_append(b, "    summary", 11);
        put_str(b, h->summary);
        shp_buf_append(b, "\n", 1);
    }
    if (h->reason != NULL) {
        shp_buf_append(b, "    reason", 10);
        put_str(b, h->reason);
        shp_buf_append(b, "\n", 1);
    }
    if (h->source != NULL) {
        shp_buf_append(b, "    source", 10);
        put_str(b, h->source);
        shp_buf_append(b, "\n", 1);
    }
}
