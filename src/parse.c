/* parse.c — the model language (docs/language.md): text -> public builder
 * calls.
 *
 * Each statement is parsed into a small syntax tree, then emitted through
 * the public shipest_model_* functions only, so the language can never do
 * what the C API cannot. Parsing a statement before emitting it lets the
 * statement's own distribution become the input of that name (its random
 * stream then depends on the name alone), and keeps emission iterative over
 * long `a + b + c ...` chains. Besides the builder, the parser uses the
 * shared lexer and the unit grammar's token reader (to find where a unit
 * written after a number ends); the unit text itself is handed to the
 * builder, which parses it again.
 *
 * Limits, each an error with a position: nesting deeper than MAX_DEPTH,
 * lines longer than MAX_LINE bytes, text longer than MAX_TEXT bytes. */
#include "internal.h"

#include "lex.h"
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 200
#define MAX_LINE 65536u
#define MAX_TEXT (16u << 20)

/* ---- syntax tree ------------------------------------------------------------- */

typedef enum akind {
    A_NUM,   /* value (unit optional) */
    A_DIST,  /* fn = family; kids = parameters (A_NUM) or mixture components */
    A_NAME,  /* an earlier statement */
    A_CHAIN, /* kids[0] ops[1] kids[1] ...: + - * / left to right */
    A_NEG,   /* -kids[0] */
    A_POW,   /* kids[0] ^ kids[1] */
    A_CALL,  /* fn = function; kids = arguments */
    A_PAREN, /* (kids[0]) followed by a unit */
    A_CONV,  /* kids[0] -> unit [via NAME] */
    A_IN,    /* kids[0] in unit */
    A_CLAIM  /* a hedged claim, span_start/span_len; read by shipest_claim_parse() */
} akind;

typedef struct ast {
    akind kind;
    uint32_t line, col;
    int fn;
    double value;           /* A_NUM */
    size_t nkids;
    struct ast **kids;
    struct ast **labels;    /* call arguments `label: value`; NULL entries when absent */
    int *ops;               /* A_CHAIN: ops[i] joins kids[i-1] and kids[i] */
    char *unit;             /* A_NUM, A_DIST, A_PAREN, A_CONV, A_IN; NULL if none */
    char *via;              /* A_CONV */
    const char *name;       /* A_NAME (NUL-terminated copy) */
    size_t span_start, span_len; /* A_CLAIM: the claim's bytes in the source */
} ast;

/* Functions and distribution families by name. */
enum {
    F_MIN, F_MAX, F_EXP, F_LOG, F_SQRT, F_ABS, F_POW, F_SHARE, F_COMPARE, F_SUPPLY, F_DAYS,
    D_FIRST,
    D_CONSTANT = D_FIRST, D_UNIFORM, D_NORMAL, D_LOGNORMAL, D_LOGNORMAL_MEDIAN_GSD,
    D_LOGNORMAL_MEAN_SD, D_INTERVAL90, D_TRIANGULAR, D_PERT, D_BETA, D_GAMMA,
    D_EXPONENTIAL, D_STUDENT_T, D_TRUNCNORMAL, D_POISSON, D_BINOMIAL, D_EMPIRICAL,
    D_MIXTURE, D_QUANTILE3, D_QUANTILES,
    F_COUNT
};

static const struct fninfo {
    const char *name;
    int min_args, max_args; /* -1: any number */
    const char *usage;
} fns[F_COUNT] = {
    [F_MIN] = {"min", 2, -1, "min(a, b, ...)"},
    [F_MAX] = {"max", 2, -1, "max(a, b, ...)"},
    [F_EXP] = {"exp", 1, 1, "exp(x)"},
    [F_LOG] = {"log", 1, 1, "log(x)"},
    [F_SQRT] = {"sqrt", 1, 1, "sqrt(x)"},
    [F_ABS] = {"abs", 1, 1, "abs(x)"},
    [F_POW] = {"pow", 2, 2, "pow(x, y)"},
    [F_SHARE] = {"share", 2, 2, "share(supply, demand)"},
    [F_COMPARE] = {"compare", 2, 2, "compare(a, b)"},
    [F_SUPPLY] = {"supply", 2, -1, "supply(demand, supplier, label: supplier, ...)"},
    [F_DAYS] = {"days_of_supply", 2, 2, "days_of_supply(stock, rate)"},
    [D_CONSTANT] = {"constant", 1, 1, "constant(value)"},
    [D_UNIFORM] = {"uniform", 2, 2, "uniform(lo, hi)"},
    [D_NORMAL] = {"normal", 2, 2, "normal(mean, sd)"},
    [D_LOGNORMAL] = {"lognormal", 2, 2, "lognormal(mu, sigma)"},
    [D_LOGNORMAL_MEDIAN_GSD] = {"lognormal_median_gsd", 2, 2, "lognormal_median_gsd(median, gsd)"},
    [D_LOGNORMAL_MEAN_SD] = {"lognormal_mean_sd", 2, 2, "lognormal_mean_sd(mean, sd)"},
    [D_INTERVAL90] = {"interval90", 2, 2, "interval90(lo, hi)"},
    [D_TRIANGULAR] = {"triangular", 3, 3, "triangular(lo, mode, hi)"},
    [D_PERT] = {"pert", 3, 4, "pert(lo, mode, hi[, lambda])"},
    [D_BETA] = {"beta", 2, 4, "beta(alpha, beta[, lo, hi])"},
    [D_GAMMA] = {"gamma", 2, 2, "gamma(shape, scale)"},
    [D_EXPONENTIAL] = {"exponential", 1, 1, "exponential(rate)"},
    [D_STUDENT_T] = {"student_t", 3, 3, "student_t(df, loc, scale)"},
    [D_TRUNCNORMAL] = {"truncnormal", 4, 4, "truncnormal(mean, sd, lo, hi)"},
    [D_POISSON] = {"poisson", 1, 1, "poisson(lambda)"},
    [D_BINOMIAL] = {"binomial", 2, 2, "binomial(n, p)"},
    [D_EMPIRICAL] = {"empirical", 2, -1, "empirical(x1, x2, ...)"},
    [D_MIXTURE] = {"mixture", 1, -1, "mixture(w1: dist1, w2: dist2, ...)"},
    [D_QUANTILE3] = {"quantile3", 3, 6, "quantile3(q_lo, q_mid, q_hi[, alpha[, lower[, upper]]])"},
    [D_QUANTILES] = {"quantiles", 3, 5, "quantiles(5%: lo, 50%: mid, 95%: hi[, lower: x][, upper: y])"},
};

/* Hedge words: a claim starts with one of these followed by a number or by
 * another of them ("more than 28,000", "as much as 40%", "tens of
 * thousands"). Recognised so they are never misread; issue 7 gives them
 * meaning. */
static const char *const hedge_words[] = {
    "more", "than", "over", "exceeds", "exceeding", "exceeded", "at", "least", "most",
    "nearly", "almost", "up", "to", "as", "much", "many", "less", "fewer", "under",
    "about", "around", "approximately", "approx", "roughly", "some", "between", "and",
    "tens", "hundreds", "thousands", "millions", "billions", "of", "circa", "above",
    "below", "just", "well", "close", "estimated", "an", "upwards", "reportedly",
};

static const char *const reserved[] = {"to", "in", "via", "nan", "inf", "infinity"};

/* ---- parser state ----------------------------------------------------------------- */

typedef struct parser {
    shipest_ctx *ctx;
    shp_lexer lx;
    shp_token tok;     /* current token */
    shp_token prev;    /* last consumed token */
    int depth;
    /* Everything allocated for the current statement, freed after it. */
    void **owned;
    size_t n_owned, cap_owned;
    shipest_model *m;
    const char *stmt;  /* name of the statement being emitted */
    int ordinal;       /* inline distributions emitted so far in it */
} parser;

static void arena_free(parser *p)
{
    for (size_t i = 0; i < p->n_owned; i++)
        shp_free(p->ctx, p->owned[i]);
    p->n_owned = 0;
}

/* Track block (taking ownership); frees it and returns NULL on failure. */
static void *arena_keep(parser *p, void *block)
{
    if (block == NULL)
        return NULL;
    if (p->n_owned == p->cap_owned) {
        size_t cap = p->cap_owned ? p->cap_owned * 2 : 64;
        void **o = shp_realloc(p->ctx, p->owned, cap * sizeof *o);
        if (o == NULL) {
            shp_free(p->ctx, block);
            return NULL;
        }
        p->owned = o;
        p->cap_owned = cap;
    }
    p->owned[p->n_owned++] = block;
    return block;
}

static void *arena_alloc(parser *p, size_t size)
{
    return arena_keep(p, shp_calloc(p->ctx, 1, size));
}

static char *arena_strndup(parser *p, const char *s, size_t n)
{
    return arena_keep(p, shp_strndup(p->ctx, s, n));
}

static ast *new_ast(parser *p, akind kind, const shp_token *at)
{
    ast *a = arena_alloc(p, sizeof *a);
    if (a != NULL) {
        a->kind = kind;
        a->line = at->line;
        a->col = at->col;
    }
    return a;
}

/* ---- tokens ------------------------------------------------------------------------ */

static shipest_status advance(parser *p)
{
    p->prev = p->tok;
    shipest_status st = shp_lex_next(&p->lx, &p->tok);
    /* "5,000–6,000" (an en or em dash right after a digit) is a range
     * claim, not a stray byte: say so. The lexer stays at the bad byte. */
    size_t at = p->lx.pos;
    if (st == SHIPEST_EPARSE && at > 0 && p->lx.len - at >= 3 && p->lx.src[at - 1] >= '0' &&
        p->lx.src[at - 1] <= '9' && memcmp(p->lx.src + at, "\xE2\x80", 2) == 0 &&
        (p->lx.src[at + 2] == '\x93' || p->lx.src[at + 2] == '\x94'))
        return shp_lex_error_at(&p->lx, &p->tok, SHIPEST_EPARSE,
                                "a range written with a dash is not model text: write "
                                "`between 5,000 and 6,000 person` (a claim) or `5,000 to 6,000 "
                                "person` (a 90%% interval)");
    return st;
}

static int is_name(const parser *p, const shp_token *t, const char *word)
{
    return shp_tok_is(&p->lx, t, word);
}

static int in_list(const parser *p, const shp_token *t, const char *const *list, size_t n)
{
    if (t->kind != SHP_TOK_NAME)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (is_name(p, t, list[i]))
            return 1;
    return 0;
}

static int is_hedge_word(const parser *p, const shp_token *t)
{
    return in_list(p, t, hedge_words, sizeof hedge_words / sizeof hedge_words[0]);
}

static int is_reserved(const parser *p, const shp_token *t)
{
    if (in_list(p, t, reserved, sizeof reserved / sizeof reserved[0]))
        return 1;
    /* NaN and infinity in any spelling of case. */
    if (t->kind == SHP_TOK_NAME && (t->len == 3 || t->len == 8)) {
        char low[9];
        for (size_t i = 0; i < t->len; i++) {
            char c = p->lx.src[t->start + i];
            low[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        low[t->len] = '\0';
        return strcmp(low, "nan") == 0 || strcmp(low, "inf") == 0 || strcmp(low, "infinity") == 0;
    }
    return 0;
}

/* The next `n` tokens after the current one, without consuming (n <= 2). */
static int peek_n(const parser *p, shp_token *out, int n)
{
    shp_lexer copy = p->lx;
    copy.ctx = NULL; /* a look-ahead leaves no message behind */
    for (int i = 0; i < n; i++)
        if (shp_lex_next(&copy, &out[i]) != SHIPEST_OK)
            return 0;
    return 1;
}

static shipest_status err_at(parser *p, const shp_token *t, shipest_status st, const char *what)
{
    return shp_lex_error_at(&p->lx, t, st, "%s", what);
}

static shipest_status expected(parser *p, const char *what)
{
    char found[96];
    shp_tok_describe(&p->lx, &p->tok, found, sizeof found);
    return shp_lex_error_at(&p->lx, &p->tok, SHIPEST_EPARSE, "expected %s, found %s", what, found);
}

/* `1,000` inside parentheses lexes as two numbers (comma groups are read
 * only outside parentheses, so `pert(1,2,3)` has three arguments). A
 * three-digit number glued to a comma glued to a number is almost surely a
 * grouped number: refuse it rather than guess. */
static shipest_status comma_group_trap(parser *p)
{
    if (p->tok.kind != SHP_TOK_COMMA || p->prev.kind != SHP_TOK_NUMBER ||
        p->prev.start + p->prev.len != p->tok.start)
        return SHIPEST_OK;
    shp_token nx;
    if (!peek_n(p, &nx, 1) || nx.kind != SHP_TOK_NUMBER || nx.start != p->tok.start + 1 ||
        nx.len != 3 || p->prev.len > 3)
        return SHIPEST_OK;
    for (size_t i = 0; i < 3; i++) {
        char c = p->lx.src[nx.start + i];
        if (c < '0' || c > '9')
            return SHIPEST_OK;
    }
    return shp_lex_error_at(&p->lx, &p->prev, SHIPEST_EPARSE,
                            "'%.*s,%.*s' inside parentheses reads as two numbers: write it "
                            "without the comma (or put a space after the comma to separate "
                            "arguments)",
                            (int)p->prev.len, p->lx.src + p->prev.start, (int)nx.len,
                            p->lx.src + nx.start);
}

/* A unit starting at the current token: consumes it and returns its text. */
static shipest_status read_unit(parser *p, unsigned flags, char **out)
{
    shp_token first = p->tok, next;
    shp_lexer before = p->lx;
    shp_unit u;
    const struct shp_tables *tables;
    shipest_status st = shp_tables_get(p->ctx, &tables);
    if (st != SHIPEST_OK)
        return st;
    if ((st = shp_unit_parse_lex_flags(tables, &p->lx, &first, flags, &u, &next)) != SHIPEST_OK)
        return st;
    /* The unit's text ends with the last token before `next`. */
    size_t end = first.start + first.len;
    before.ctx = NULL;
    shp_token t;
    while (shp_lex_next(&before, &t) == SHIPEST_OK && t.start < next.start && t.kind != SHP_TOK_END)
        end = t.start + t.len;
    p->prev = p->tok;
    p->tok = next;
    *out = arena_strndup(p, p->lx.src + first.start, end - first.start);
    return *out == NULL ? SHIPEST_ENOMEM : SHIPEST_OK;
}

/* Can the current token start a unit written after a value? Keywords and
 * operators cannot; a name followed by '(' is a call, not a unit. */
static int unit_starts(parser *p)
{
    if (p->tok.kind == SHP_TOK_PERCENT)
        return 1;
    if (p->tok.kind != SHP_TOK_NAME || is_name(p, &p->tok, "to") || is_name(p, &p->tok, "in") ||
        is_name(p, &p->tok, "via"))
        return 0;
    return 1;
}

/* ---- expressions ---------------------------------------------------------------------- */

static shipest_status parse_expr(parser *p, ast **out);

static shipest_status enter(parser *p)
{
    if (++p->depth > MAX_DEPTH)
        return shp_lex_error_at(&p->lx, &p->tok, SHIPEST_ELIMIT,
                                "expression nested deeper than %d levels", MAX_DEPTH);
    return SHIPEST_OK;
}

/* A number, optionally negative: `-` NUMBER. */
static shipest_status parse_signed(parser *p, double *v, const char *what)
{
    int neg = 0;
    if (p->tok.kind == SHP_TOK_MINUS) {
        neg = 1;
        shipest_status st = advance(p);
        if (st != SHIPEST_OK)
            return st;
    }
    if (p->tok.kind != SHP_TOK_NUMBER) {
        if (is_reserved(p, &p->tok))
            return err_at(p, &p->tok, SHIPEST_EPARSE, "NaN and infinity are not allowed in a model");
        return expected(p, what);
    }
    *v = neg ? -p->tok.value : p->tok.value;
    return advance(p);
}

/* A hedged claim ("more than 28,000 container"): its words, numbers, `-`
 * (ranges) and unit are taken as one span, which emit_claim() hands to the
 * public claims API, so the language says only what shipest_claim_parse()
 * says. */
static shipest_status parse_claim(parser *p, ast **out)
{
    shp_token first = p->tok;
    size_t end = first.start + first.len;
    shipest_status st;
    while ((st = advance(p)) == SHIPEST_OK) {
        if (p->tok.kind == SHP_TOK_NUMBER || p->tok.kind == SHP_TOK_MINUS ||
            (p->tok.kind == SHP_TOK_NAME && is_hedge_word(p, &p->tok)))
            end = p->tok.start + p->tok.len;
        else
            break;
    }
    /* The unit follows the figure, or the phrase when it has no figure
     * ("tens of thousands of person"). */
    if (st == SHIPEST_OK && unit_starts(p)) {
        char *unit = NULL;
        size_t ustart = p->tok.start;
        st = read_unit(p, 0, &unit);
        if (st == SHIPEST_OK)
            end = ustart + strlen(unit);
    }
    if (st != SHIPEST_OK)
        return st;
    ast *a = new_ast(p, A_CLAIM, &first);
    if (a == NULL)
        return SHIPEST_ENOMEM;
    a->span_start = first.start;
    a->span_len = end - first.start;
    *out = a;
    return SHIPEST_OK;
}

static int find_fn(const parser *p, const shp_token *t)
{
    for (int i = 0; i < F_COUNT; i++)
        if (is_name(p, t, fns[i].name))
            return i;
    return -1;
}

/* NAME '(' [label ':'] expr {',' [label ':'] expr} ')' — current token '('. */
static shipest_status parse_call(parser *p, const shp_token *name_tok, ast **out)
{
    int fn = find_fn(p, name_tok);
    if (fn < 0) {
        if (is_name(p, name_tok, "P"))
            return shp_lex_error_at(&p->lx, name_tok, SHIPEST_EPARSE,
                                    "P(...) is a statement on a line of its own "
                                    "(`P(share > 40%%)`), not part of an expression");
        return shp_lex_error_at(&p->lx, name_tok, SHIPEST_ENAME, "unknown function '%.*s'",
                                (int)name_tok->len, p->lx.src + name_tok->start);
    }
    ast *a = new_ast(p, fn >= D_FIRST ? A_DIST : A_CALL, name_tok);
    if (a == NULL)
        return SHIPEST_ENOMEM;
    a->fn = fn;
    shipest_status st = advance(p); /* '(' */
    ast **kids = NULL, **labels = NULL;
    size_t n = 0, cap = 0;
    if (st == SHIPEST_OK && p->tok.kind != SHP_TOK_RPAREN) {
        for (;;) {
            ast *v = NULL, *label = NULL;
            if ((st = parse_expr(p, &v)) != SHIPEST_OK)
                break;
            if (p->tok.kind == SHP_TOK_COLON) {
                label = v;
                if ((st = advance(p)) != SHIPEST_OK || (st = parse_expr(p, &v)) != SHIPEST_OK)
                    break;
            }
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 4;
                ast **k2 = shp_realloc(p->ctx, kids, nc * sizeof *k2);
                if (k2 == NULL) {
                    st = SHIPEST_ENOMEM;
                    break;
                }
                kids = k2;
                ast **l2 = shp_realloc(p->ctx, labels, nc * sizeof *l2);
                if (l2 == NULL) {
                    st = SHIPEST_ENOMEM;
                    break;
                }
                labels = l2;
                cap = nc;
            }
            kids[n] = v;
            labels[n] = label;
            n++;
            if ((st = comma_group_trap(p)) != SHIPEST_OK)
                break;
            if (p->tok.kind != SHP_TOK_COMMA)
                break;
            if ((st = advance(p)) != SHIPEST_OK)
                break;
        }
    }
    if (st == SHIPEST_OK && p->tok.kind != SHP_TOK_RPAREN)
        st = expected(p, "',' or ')' in the argument list");
    if (st == SHIPEST_OK && n > 0) {
        /* Move the arrays into the arena (arena_keep frees on failure). */
        a->kids = arena_keep(p, kids);
        kids = NULL;
        if (a->kids == NULL) {
            st = SHIPEST_ENOMEM;
        } else {
            a->labels = arena_keep(p, labels);
            labels = NULL;
            if (a->labels == NULL)
                st = SHIPEST_ENOMEM;
        }
        a->nkids = n;
    }
    shp_free(p->ctx, kids);
    shp_free(p->ctx, labels);
    if (st != SHIPEST_OK)
        return st;
    const struct fninfo *f = &fns[fn];
    if (n < (size_t)f->min_args || (f->max_args >= 0 && n > (size_t)f->max_args)) {
        char want[32];
        if (f->max_args < 0)
            snprintf(want, sizeof want, "at least %d", f->min_args);
        else if (f->max_args == f->min_args)
            snprintf(want, sizeof want, "%d", f->min_args);
        else
            snprintf(want, sizeof want, "%d to %d", f->min_args, f->max_args);
        return shp_lex_error_at(&p->lx, name_tok, SHIPEST_EPARSE,
                                "%s takes %s argument%s, got %zu (usage: %s)", f->name, want,
                                f->max_args == 1 ? "" : "s", n, f->usage);
    }
    *out = a;
    return advance(p); /* ')' */
}

/* NUMBER ['to' signed NUMBER] — current token is the number; neg when a
 * '-' was already consumed. */
static shipest_status parse_number(parser *p, int neg, ast **out)
{
    shp_token at = p->tok;
    double v = neg ? -p->tok.value : p->tok.value;
    shipest_status st = advance(p);
    if (st != SHIPEST_OK)
        return st;
    if (!is_name(p, &p->tok, "to")) {
        ast *a = new_ast(p, A_NUM, &at);
        if (a == NULL)
            return SHIPEST_ENOMEM;
        a->value = v;
        *out = a;
        return SHIPEST_OK;
    }
    if ((st = advance(p)) != SHIPEST_OK)
        return st;
    double hi;
    if ((st = parse_signed(p, &hi, "a number after 'to'")) != SHIPEST_OK)
        return st;
    /* "2 to 3 million t", "30 to 40%": one scale for both ends. */
    if (!neg && hi >= 0.0 && shp_range_scale(&at, &p->prev))
        v = at.value;
    ast *a = new_ast(p, A_DIST, &at);
    ast *lo_a = new_ast(p, A_NUM, &at), *hi_a = new_ast(p, A_NUM, &p->prev);
    ast **kids = arena_alloc(p, 2 * sizeof *kids);
    if (a == NULL || lo_a == NULL || hi_a == NULL || kids == NULL)
        return SHIPEST_ENOMEM;
    lo_a->value = v;
    hi_a->value = hi;
    kids[0] = lo_a;
    kids[1] = hi_a;
    a->fn = D_INTERVAL90;
    a->kids = kids;
    a->nkids = 2;
    *out = a;
    return SHIPEST_OK;
}

/* primary [unit] */
static shipest_status parse_postfix(parser *p, ast **out)
{
    shipest_status st = enter(p);
    if (st != SHIPEST_OK)
        return st;
    shp_token at = p->tok;
    ast *a = NULL;
    int takes_unit = 0;
    switch (p->tok.kind) {
    case SHP_TOK_NUMBER:
        st = parse_number(p, 0, &a);
        takes_unit = 1;
        break;
    case SHP_TOK_MINUS: /* only reached for a negative interval, see parse_unary */
        if ((st = advance(p)) == SHIPEST_OK)
            st = parse_number(p, 1, &a);
        takes_unit = 1;
        break;
    case SHP_TOK_LPAREN: {
        ast *inner = NULL;
        if ((st = advance(p)) != SHIPEST_OK || (st = parse_expr(p, &inner)) != SHIPEST_OK)
            break;
        if ((st = comma_group_trap(p)) != SHIPEST_OK)
            break;
        if (p->tok.kind != SHP_TOK_RPAREN) {
            st = expected(p, "')'");
            break;
        }
        if ((st = advance(p)) != SHIPEST_OK)
            break;
        a = inner;
        takes_unit = 1;
        if (unit_starts(p)) {
            if ((a = new_ast(p, A_PAREN, &at)) == NULL) {
                st = SHIPEST_ENOMEM;
                break;
            }
            a->kids = arena_alloc(p, sizeof *a->kids);
            if (a->kids == NULL) {
                st = SHIPEST_ENOMEM;
                break;
            }
            a->kids[0] = inner;
            a->nkids = 1;
        }
        break;
    }
    case SHP_TOK_NAME: {
        shp_token nx[2];
        int have = peek_n(p, nx, 2);
        if (is_reserved(p, &p->tok)) {
            if (is_name(p, &p->tok, "to") || is_name(p, &p->tok, "in") || is_name(p, &p->tok, "via"))
                st = expected(p, "an expression");
            else
                st = err_at(p, &p->tok, SHIPEST_EPARSE, "NaN and infinity are not allowed in a model");
            break;
        }
        if (have && is_hedge_word(p, &p->tok) &&
            (nx[0].kind == SHP_TOK_NUMBER || (nx[0].kind == SHP_TOK_NAME && is_hedge_word(p, &nx[0])))) {
            st = parse_claim(p, &a);
            break;
        }
        if (have && nx[0].kind == SHP_TOK_LPAREN) {
            shp_token name_tok = p->tok;
            if ((st = advance(p)) != SHIPEST_OK)
                break;
            if ((st = parse_call(p, &name_tok, &a)) != SHIPEST_OK)
                break;
            takes_unit = a->kind == A_DIST;
            break;
        }
        if ((a = new_ast(p, A_NAME, &p->tok)) == NULL ||
            (a->name = arena_strndup(p, p->lx.src + p->tok.start, p->tok.len)) == NULL) {
            st = SHIPEST_ENOMEM;
            break;
        }
        st = advance(p);
        break;
    }
    default:
        st = expected(p, "a number, a name, a distribution or '('");
        break;
    }
    if (st == SHIPEST_OK && takes_unit && unit_starts(p)) {
        if (a->kind == A_NUM || a->kind == A_DIST || a->kind == A_PAREN)
            st = read_unit(p, 0, &a->unit);
    }
    if (st == SHIPEST_OK && is_name(p, &p->tok, "to") && a->kind != A_DIST)
        st = err_at(p, &p->tok, SHIPEST_EPARSE,
                    "'to' joins two plain numbers, with the unit written once after them "
                    "(e.g. `21.6 to 28.3 t`)");
    else if (st == SHIPEST_OK && is_name(p, &p->tok, "to"))
        st = err_at(p, &p->tok, SHIPEST_EPARSE, "an interval cannot be an end of another interval");
    p->depth--;
    *out = a;
    return st;
}

static shipest_status parse_unary(parser *p, ast **out);

/* postfix ['^' unary] (right-associative through unary) */
static shipest_status parse_power(parser *p, ast **out)
{
    ast *base = NULL;
    shipest_status st = parse_postfix(p, &base);
    if (st != SHIPEST_OK || p->tok.kind != SHP_TOK_CARET) {
        *out = base;
        return st;
    }
    shp_token at = p->tok;
    ast *e = NULL;
    if ((st = advance(p)) != SHIPEST_OK || (st = parse_unary(p, &e)) != SHIPEST_OK)
        return st;
    ast *a = new_ast(p, A_POW, &at);
    ast **kids = arena_alloc(p, 2 * sizeof *kids);
    if (a == NULL || kids == NULL)
        return SHIPEST_ENOMEM;
    kids[0] = base;
    kids[1] = e;
    a->kids = kids;
    a->nkids = 2;
    *out = a;
    return SHIPEST_OK;
}

static shipest_status parse_unary(parser *p, ast **out)
{
    if (p->tok.kind != SHP_TOK_MINUS)
        return parse_power(p, out);
    /* `-5 to 5` is an interval with a negative end, not -(5 to 5). */
    shp_token nx[2];
    if (peek_n(p, nx, 2) && nx[0].kind == SHP_TOK_NUMBER && is_name(p, &nx[1], "to"))
        return parse_power(p, out);
    shipest_status st = enter(p);
    if (st != SHIPEST_OK)
        return st;
    shp_token at = p->tok;
    ast *inner = NULL;
    if ((st = advance(p)) == SHIPEST_OK)
        st = parse_unary(p, &inner);
    p->depth--;
    if (st != SHIPEST_OK)
        return st;
    ast *a = new_ast(p, A_NEG, &at);
    ast **kids = arena_alloc(p, sizeof *kids);
    if (a == NULL || kids == NULL)
        return SHIPEST_ENOMEM;
    kids[0] = inner;
    a->kids = kids;
    a->nkids = 1;
    *out = a;
    return SHIPEST_OK;
}

/* A left-to-right chain of operands joined by + - (level 0) or * / (level 1). */
static shipest_status parse_chain(parser *p, int level, ast **out)
{
    shp_tok_kind op1 = level == 0 ? SHP_TOK_PLUS : SHP_TOK_STAR;
    shp_tok_kind op2 = level == 0 ? SHP_TOK_MINUS : SHP_TOK_SLASH;
    ast *first = NULL;
    shipest_status st = level == 0 ? parse_chain(p, 1, &first) : parse_unary(p, &first);
    if (st != SHIPEST_OK || (p->tok.kind != op1 && p->tok.kind != op2)) {
        *out = first;
        return st;
    }
    ast *a = new_ast(p, A_CHAIN, &p->tok);
    if (a == NULL)
        return SHIPEST_ENOMEM;
    ast **kids = NULL;
    int *ops = NULL;
    size_t n = 0, cap = 0;
    ast *next = first;
    int op = 0;
    for (;;) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            ast **k2 = shp_realloc(p->ctx, kids, nc * sizeof *k2);
            if (k2 == NULL) {
                st = SHIPEST_ENOMEM;
                break;
            }
            kids = k2;
            int *o2 = shp_realloc(p->ctx, ops, nc * sizeof *o2);
            if (o2 == NULL) {
                st = SHIPEST_ENOMEM;
                break;
            }
            ops = o2;
            cap = nc;
        }
        kids[n] = next;
        ops[n] = op;
        n++;
        if (p->tok.kind != op1 && p->tok.kind != op2)
            break;
        op = p->tok.kind == SHP_TOK_PLUS ? '+' : p->tok.kind == SHP_TOK_MINUS ? '-'
           : p->tok.kind == SHP_TOK_STAR ? '*' : '/';
        if ((st = advance(p)) != SHIPEST_OK)
            break;
        if ((st = level == 0 ? parse_chain(p, 1, &next) : parse_unary(p, &next)) != SHIPEST_OK)
            break;
    }
    if (st == SHIPEST_OK) {
        a->kids = arena_keep(p, kids);
        kids = NULL;
        if (a->kids == NULL) {
            st = SHIPEST_ENOMEM;
        } else {
            a->ops = arena_keep(p, ops);
            ops = NULL;
            if (a->ops == NULL)
                st = SHIPEST_ENOMEM;
        }
        a->nkids = n;
    }
    shp_free(p->ctx, kids);
    shp_free(p->ctx, ops);
    *out = a;
    return st;
}

/* chain {'->' unit ['via' NAME]} ['in' unit] */
static shipest_status parse_expr(parser *p, ast **out)
{
    /* Depth is counted where recursion happens: a parenthesis, a call or a
     * power base (parse_postfix) and a unary minus (parse_unary). */
    ast *a = NULL;
    shipest_status st = parse_chain(p, 0, &a);
    while (st == SHIPEST_OK && (p->tok.kind == SHP_TOK_ARROW || is_name(p, &p->tok, "in"))) {
        int conv = p->tok.kind == SHP_TOK_ARROW;
        ast *c = new_ast(p, conv ? A_CONV : A_IN, &p->tok);
        ast **kids = arena_alloc(p, sizeof *kids);
        if (c == NULL || kids == NULL) {
            st = SHIPEST_ENOMEM;
            break;
        }
        kids[0] = a;
        c->kids = kids;
        c->nkids = 1;
        if ((st = advance(p)) != SHIPEST_OK)
            break;
        if (p->tok.kind != SHP_TOK_NAME && p->tok.kind != SHP_TOK_NUMBER &&
            p->tok.kind != SHP_TOK_PERCENT && p->tok.kind != SHP_TOK_LPAREN) {
            st = expected(p, conv ? "a unit after '->'" : "a unit after 'in'");
            break;
        }
        if ((st = read_unit(p, SHP_UNIT_GREEDY, &c->unit)) != SHIPEST_OK)
            break;
        if (conv && is_name(p, &p->tok, "via")) {
            if ((st = advance(p)) != SHIPEST_OK)
                break;
            if (p->tok.kind != SHP_TOK_NAME) {
                st = expected(p, "a route name after 'via'");
                break;
            }
            if ((c->via = arena_strndup(p, p->lx.src + p->tok.start, p->tok.len)) == NULL) {
                st = SHIPEST_ENOMEM;
                break;
            }
            if ((st = advance(p)) != SHIPEST_OK)
                break;
        }
        a = c;
        if (!conv)
            break; /* `in` is last */
    }
    *out = a;
    return st;
}

/* ---- emission: syntax tree -> builder calls ----------------------------------------------- */

/* Re-raise a builder error with the statement's position and name. */
static shipest_status at_node(parser *p, const ast *a, shipest_status st)
{
    if (st == SHIPEST_OK || st == SHIPEST_ENOMEM)
        return st;
    char msg[SHP_ERRMSG_MAX];
    snprintf(msg, sizeof msg, "%s", shipest_ctx_errmsg(p->ctx));
    return shp_lex_error(&p->lx, a->line, a->col, st, "in '%s': %s", p->stmt, msg);
}

static int plain_number(const ast *a, double *v)
{
    if (a->kind == A_NUM && a->unit == NULL) {
        *v = a->value;
        return 1;
    }
    if (a->kind == A_NEG && plain_number(a->kids[0], v)) {
        *v = -*v;
        return 1;
    }
    return 0;
}

static shipest_status build_dist(parser *p, const ast *a, shipest_dist **d);

/* The parameters of a distribution call as plain numbers. */
static shipest_status dist_params(parser *p, const ast *a, double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a->labels != NULL && a->labels[i] != NULL)
            return shp_lex_error(&p->lx, a->labels[i]->line, a->labels[i]->col, SHIPEST_EPARSE,
                                 "%s takes no labelled arguments", fns[a->fn].name);
        if (!plain_number(a->kids[i], &v[i]))
            return shp_lex_error(&p->lx, a->kids[i]->line, a->kids[i]->col, SHIPEST_EPARSE,
                                 "the parameters of %s must be plain numbers (write a unit once "
                                 "after the call: `%s t`)", fns[a->fn].name, fns[a->fn].usage);
    }
    return SHIPEST_OK;
}

static shipest_status build_quantiles(parser *p, const ast *a, shipest_dist **d)
{
    double q[3] = {0, 0, 0}, prob[3] = {0, 0, 0}, lower = 0, upper = INFINITY;
    int nq = 0, have_lower = 0;
    for (size_t i = 0; i < a->nkids; i++) {
        const ast *lab = a->labels ? a->labels[i] : NULL;
        double v;
        if (lab == NULL || !plain_number(a->kids[i], &v))
            return shp_lex_error(&p->lx, a->kids[i]->line, a->kids[i]->col, SHIPEST_EPARSE,
                                 "quantiles takes `probability: value` pairs (usage: %s)",
                                 fns[D_QUANTILES].usage);
        if (lab->kind == A_NAME && strcmp(lab->name, "lower") == 0) {
            lower = v;
            have_lower = 1;
        } else if (lab->kind == A_NAME && strcmp(lab->name, "upper") == 0) {
            upper = v;
        } else if (nq < 3 && plain_number(lab, &prob[nq])) {
            q[nq++] = v;
        } else {
            return shp_lex_error(&p->lx, lab->line, lab->col, SHIPEST_EPARSE,
                                 "expected a probability such as 5%%, or lower/upper (usage: %s)",
                                 fns[D_QUANTILES].usage);
        }
    }
    if (nq != 3 || !(prob[0] > 0 && prob[0] < 0.5) || prob[1] != 0.5 ||
        fabs(prob[0] + prob[2] - 1.0) > 1e-12)
        return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_EDOMAIN,
                             "quantiles needs three probabilities p, 50%%, 1-p with 0 < p < 50%% "
                             "(e.g. 5%%, 50%%, 95%%)");
    if (!have_lower && !(q[0] > 0))
        return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_EDOMAIN,
                             "quantiles: the support starts at 0 by default, but the low quantile "
                             "is %g; give `lower: x`", q[0]);
    return at_node(p, a, shipest_dist_quantile3(p->ctx, q[0], q[1], q[2], prob[0], lower, upper, d));
}

static shipest_status build_mixture(parser *p, const ast *a, shipest_dist **d)
{
    size_t n = a->nkids;
    shipest_dist **comp = shp_calloc(p->ctx, n, sizeof *comp);
    double *w = shp_calloc(p->ctx, n, sizeof *w);
    shipest_status st = comp == NULL || w == NULL ? SHIPEST_ENOMEM : SHIPEST_OK;
    for (size_t i = 0; st == SHIPEST_OK && i < n; i++) {
        const ast *lab = a->labels ? a->labels[i] : NULL;
        if (lab == NULL || !plain_number(lab, &w[i]))
            st = shp_lex_error(&p->lx, a->kids[i]->line, a->kids[i]->col, SHIPEST_EPARSE,
                               "mixture takes `weight: distribution` pairs (usage: %s)",
                               fns[D_MIXTURE].usage);
        else if (a->kids[i]->kind != A_DIST || a->kids[i]->unit != NULL)
            st = shp_lex_error(&p->lx, a->kids[i]->line, a->kids[i]->col, SHIPEST_EPARSE,
                               "a mixture component must be a distribution without a unit "
                               "(write the unit after the mixture)");
        else
            st = build_dist(p, a->kids[i], &comp[i]);
    }
    if (st == SHIPEST_OK)
        st = at_node(p, a, shipest_dist_mixture(p->ctx, (const shipest_dist *const *)comp, w, n, d));
    for (size_t i = 0; comp != NULL && i < n; i++)
        shipest_dist_free(comp[i]);
    shp_free(p->ctx, comp);
    shp_free(p->ctx, w);
    return st;
}

static shipest_status build_dist(parser *p, const ast *a, shipest_dist **d)
{
    shipest_ctx *c = p->ctx;
    if (a->fn == D_QUANTILES)
        return build_quantiles(p, a, d);
    if (a->fn == D_MIXTURE)
        return build_mixture(p, a, d);
    if (a->fn == D_EMPIRICAL) {
        double *v = shp_alloc_array(c, a->nkids, sizeof *v);
        if (v == NULL)
            return SHIPEST_ENOMEM;
        shipest_status st = dist_params(p, a, v, a->nkids);
        if (st == SHIPEST_OK)
            st = at_node(p, a, shipest_dist_empirical(c, v, a->nkids, d));
        shp_free(c, v);
        return st;
    }
    double v[6] = {0, 0, 0, 0, 0, 0};
    shipest_status st = dist_params(p, a, v, a->nkids);
    if (st != SHIPEST_OK)
        return st;
    size_t n = a->nkids;
    switch (a->fn) {
    case D_CONSTANT: st = shipest_dist_constant(c, v[0], d); break;
    case D_UNIFORM: st = shipest_dist_uniform(c, v[0], v[1], d); break;
    case D_NORMAL: st = shipest_dist_normal(c, v[0], v[1], d); break;
    case D_LOGNORMAL: st = shipest_dist_lognormal(c, v[0], v[1], d); break;
    case D_LOGNORMAL_MEDIAN_GSD: st = shipest_dist_lognormal_median_gsd(c, v[0], v[1], d); break;
    case D_LOGNORMAL_MEAN_SD: st = shipest_dist_lognormal_mean_sd(c, v[0], v[1], d); break;
    case D_INTERVAL90: st = shipest_dist_interval90(c, v[0], v[1], d); break;
    case D_TRIANGULAR: st = shipest_dist_triangular(c, v[0], v[1], v[2], d); break;
    case D_PERT: st = shipest_dist_pert(c, v[0], v[1], v[2], n > 3 ? v[3] : 4.0, d); break;
    case D_BETA:
        if (n == 3)
            return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_EPARSE,
                                 "beta takes 2 or 4 arguments (usage: %s)", fns[D_BETA].usage);
        st = shipest_dist_beta(c, v[0], v[1], n > 2 ? v[2] : 0.0, n > 2 ? v[3] : 1.0, d);
        break;
    case D_GAMMA: st = shipest_dist_gamma(c, v[0], v[1], d); break;
    case D_EXPONENTIAL: st = shipest_dist_exponential(c, v[0], d); break;
    case D_STUDENT_T: st = shipest_dist_student_t(c, v[0], v[1], v[2], d); break;
    case D_TRUNCNORMAL: st = shipest_dist_truncnormal(c, v[0], v[1], v[2], v[3], d); break;
    case D_POISSON: st = shipest_dist_poisson(c, v[0], d); break;
    case D_BINOMIAL: st = shipest_dist_binomial(c, v[0], v[1], d); break;
    case D_QUANTILE3:
        st = shipest_dist_quantile3(c, v[0], v[1], v[2], n > 3 ? v[3] : 0.05, n > 4 ? v[4] : 0.0,
                                    n > 5 ? v[5] : INFINITY, d);
        break;
    default:
        return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_EPARSE, "not a distribution");
    }
    return at_node(p, a, st);
}

static shipest_status emit(parser *p, const ast *a, int top, const char *source, shipest_node *out);

/* An input from a distribution: named after the statement at the top of
 * it, else `statement#k` for the k-th inline distribution. */
static shipest_status emit_dist(parser *p, const ast *a, int top, const char *source,
                                shipest_node *out)
{
    shipest_dist *d = NULL;
    shipest_status st = build_dist(p, a, &d);
    if (st != SHIPEST_OK)
        return st;
    char name[300];
    if (top)
        snprintf(name, sizeof name, "%s", p->stmt);
    else
        snprintf(name, sizeof name, "%s#%d", p->stmt, ++p->ordinal);
    st = shipest_model_input(p->m, name, d, a->unit, top ? source : NULL, out);
    shipest_dist_free(d);
    return at_node(p, a, st);
}

/* An input from a hedged claim, named like an inline distribution. Errors of
 * the claims layer are reported at the claim's place in the model. */
static shipest_status emit_claim(parser *p, const ast *a, int top, const char *source,
                                 shipest_node *out)
{
    const char *text = p->lx.src + a->span_start;
    int shown = (int)(a->span_len > 80 ? 80 : a->span_len);
    shipest_dist *d = NULL;
    char unit[256];
    size_t unit_len = 0;
    shipest_status st = shipest_claim_parse(p->ctx, NULL, text, a->span_len, 0, &d, unit,
                                            sizeof unit, &unit_len, NULL, 0, NULL);
    if (st == SHIPEST_ENOMEM)
        return st;
    if (st != SHIPEST_OK) {
        char why[SHP_ERRMSG_MAX];
        snprintf(why, sizeof why, "%s", shipest_ctx_errmsg(p->ctx));
        return shp_lex_error(&p->lx, a->line, a->col, st, "in the claim '%.*s': %s", shown, text,
                             why);
    }
    if (unit_len >= sizeof unit) {
        shipest_dist_free(d);
        return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_ELIMIT,
                             "the unit of the claim '%.*s' is too long", shown, text);
    }
    char name[300];
    if (top)
        snprintf(name, sizeof name, "%s", p->stmt);
    else
        snprintf(name, sizeof name, "%s#%d", p->stmt, ++p->ordinal);
    st = shipest_model_input(p->m, name, d, unit_len > 0 ? unit : NULL, top ? source : NULL, out);
    shipest_dist_free(d);
    return at_node(p, a, st);
}

static shipest_status emit_call(parser *p, const ast *a, shipest_node *out)
{
    shipest_node x, y;
    shipest_status st = emit(p, a->kids[0], 0, NULL, &x);
    if (st != SHIPEST_OK)
        return st;
    for (size_t i = 0; i < a->nkids; i++)
        if (a->labels != NULL && a->labels[i] != NULL)
            return shp_lex_error(&p->lx, a->labels[i]->line, a->labels[i]->col, SHIPEST_EPARSE,
                                 "%s takes no labelled arguments", fns[a->fn].name);
    switch (a->fn) {
    case F_EXP: return at_node(p, a, shipest_model_exp(p->m, x, out));
    case F_LOG: return at_node(p, a, shipest_model_log(p->m, x, out));
    case F_SQRT: return at_node(p, a, shipest_model_sqrt(p->m, x, out));
    case F_ABS: return at_node(p, a, shipest_model_abs(p->m, x, out));
    case F_SHARE:
        if ((st = emit(p, a->kids[1], 0, NULL, &y)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_share(p->m, x, y, out));
    case F_COMPARE:
        if ((st = emit(p, a->kids[1], 0, NULL, &y)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_compare(p->m, x, y, out));
    case F_DAYS:
        if ((st = emit(p, a->kids[1], 0, NULL, &y)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_days_of_supply(p->m, x, y, out));
    case F_POW: {
        double e;
        if (plain_number(a->kids[1], &e) && e == floor(e) && fabs(e) <= 64)
            return at_node(p, a, shipest_model_powi(p->m, x, (int)e, out));
        if ((st = emit(p, a->kids[1], 0, NULL, &y)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_pow(p->m, x, y, out));
    }
    default: /* min, max: folded left */
        for (size_t i = 1; i < a->nkids; i++) {
            if ((st = emit(p, a->kids[i], 0, NULL, &y)) != SHIPEST_OK)
                return st;
            st = a->fn == F_MIN ? shipest_model_min(p->m, x, y, &x) : shipest_model_max(p->m, x, y, &x);
            if ((st = at_node(p, a, st)) != SHIPEST_OK)
                return st;
        }
        *out = x;
        return SHIPEST_OK;
    }
}

/* The label of supplier k of `mix = supply(...)`: the written `label:`, or
 * the supplier's own name; NULL (an error at its place) otherwise. The
 * names it makes, `mix.label`, must fit the 255 bytes of a name. */
static shipest_status supply_label(parser *p, const ast *a, size_t k, const char **label)
{
    const ast *lab = a->labels != NULL ? a->labels[k] : NULL, *kid = a->kids[k];
    if (lab != NULL && (lab->kind != A_NAME || strchr(lab->name, '.') != NULL))
        return shp_lex_error(&p->lx, lab->line, lab->col, SHIPEST_ENAME,
                             "a supplier's label is a name without a dot (`dprk: expr`)");
    if (lab == NULL && (kid->kind != A_NAME || strchr(kid->name, '.') != NULL))
        return shp_lex_error(&p->lx, kid->line, kid->col, SHIPEST_ENAME,
                             "give this supplier a label: `label: %s` (a supplier written as a "
                             "plain name takes that name)", kid->kind == A_NAME ? kid->name
                                                                                : "expression");
    *label = lab != NULL ? lab->name : kid->name;
    size_t len = strlen(p->stmt) + 1 + strlen(*label);
    if (len > 255 || strlen(p->stmt) + 10 > 255) {
        const ast *at = lab != NULL ? lab : kid;
        return shp_lex_error(&p->lx, at->line, at->col, SHIPEST_ENAME,
                             "the name '%s.%.32s' would be longer than 255 bytes", p->stmt,
                             *label);
    }
    return SHIPEST_OK;
}

/* `name = supply(demand, a, b: expr, ...)`: the demand, then each supplier
 * left to right (inline distributions are name#1, name#2, ...), then one
 * shipest_model_supply() call that makes name, name.LABEL and
 * name.remainder; *out is the total, name. */
static shipest_status emit_supply(parser *p, const ast *a, shipest_node *out)
{
    if (a->labels != NULL && a->labels[0] != NULL)
        return shp_lex_error(&p->lx, a->labels[0]->line, a->labels[0]->col, SHIPEST_EPARSE,
                             "the demand, supply()'s first argument, takes no label (usage: %s)",
                             fns[F_SUPPLY].usage);
    size_t n = a->nkids - 1;
    shipest_node demand, *sup = shp_alloc_array(p->ctx, n, sizeof *sup);
    const char **lab = shp_alloc_array(p->ctx, n, sizeof *lab);
    shipest_status st = sup == NULL || lab == NULL ? SHIPEST_ENOMEM : SHIPEST_OK;
    for (size_t k = 1; st == SHIPEST_OK && k < a->nkids; k++)
        st = supply_label(p, a, k, &lab[k - 1]);
    if (st == SHIPEST_OK)
        st = emit(p, a->kids[0], 0, NULL, &demand);
    for (size_t k = 1; st == SHIPEST_OK && k < a->nkids; k++)
        st = emit(p, a->kids[k], 0, NULL, &sup[k - 1]);
    if (st == SHIPEST_OK)
        st = at_node(p, a, shipest_model_supply(p->m, demand, n, sup, lab, p->stmt, NULL, NULL,
                                                out));
    shp_free(p->ctx, sup);
    shp_free(p->ctx, lab);
    return st;
}

static shipest_status emit(parser *p, const ast *a, int top, const char *source, shipest_node *out)
{
    shipest_status st;
    shipest_node x, y;
    switch (a->kind) {
    case A_NUM:
        return at_node(p, a, shipest_model_const(p->m, a->value, a->unit, out));
    case A_DIST:
        return emit_dist(p, a, top, source, out);
    case A_CLAIM:
        return emit_claim(p, a, top, source, out);
    case A_NAME:
        if (shipest_model_find(p->m, a->name, out) != SHIPEST_OK)
            return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_ENAME,
                                 "unknown name '%s' (a statement may use only names defined on "
                                 "earlier lines)", a->name);
        return SHIPEST_OK;
    case A_CHAIN:
        if ((st = emit(p, a->kids[0], 0, NULL, &x)) != SHIPEST_OK)
            return st;
        for (size_t i = 1; i < a->nkids; i++) {
            if ((st = emit(p, a->kids[i], 0, NULL, &y)) != SHIPEST_OK)
                return st;
            switch (a->ops[i]) {
            case '+': st = shipest_model_add(p->m, x, y, &x); break;
            case '-': st = shipest_model_sub(p->m, x, y, &x); break;
            case '*': st = shipest_model_mul(p->m, x, y, &x); break;
            default: st = shipest_model_div(p->m, x, y, &x); break;
            }
            if ((st = at_node(p, a->kids[i], st)) != SHIPEST_OK)
                return st;
        }
        *out = x;
        return SHIPEST_OK;
    case A_NEG: {
        double v;
        if (plain_number(a, &v))
            return at_node(p, a, shipest_model_const(p->m, v, NULL, out));
        if ((st = emit(p, a->kids[0], 0, NULL, &x)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_neg(p->m, x, out));
    }
    case A_POW: {
        double e;
        if ((st = emit(p, a->kids[0], 0, NULL, &x)) != SHIPEST_OK)
            return st;
        if (plain_number(a->kids[1], &e) && e == floor(e) && fabs(e) <= 64)
            return at_node(p, a, shipest_model_powi(p->m, x, (int)e, out));
        if ((st = emit(p, a->kids[1], 0, NULL, &y)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_pow(p->m, x, y, out));
    }
    case A_CALL:
        if (a->fn != F_SUPPLY)
            return emit_call(p, a, out);
        if (top)
            return emit_supply(p, a, out);
        return shp_lex_error(&p->lx, a->line, a->col, SHIPEST_EPARSE,
                             "supply() names several results (name, name.LABEL, "
                             "name.remainder), so it is a statement's whole expression: "
                             "`mix = supply(demand, dprk, other: ...)`");
    case A_PAREN:
        if ((st = emit(p, a->kids[0], 0, NULL, &x)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_with_unit(p->m, x, a->unit, out));
    case A_CONV:
        if ((st = emit(p, a->kids[0], 0, NULL, &x)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_convert(p->m, x, a->unit, a->via, out));
    case A_IN:
        if ((st = emit(p, a->kids[0], 0, NULL, &x)) != SHIPEST_OK)
            return st;
        return at_node(p, a, shipest_model_display(p->m, x, a->unit, out));
    }
    return SHIPEST_EPARSE;
}

/* ---- statements ----------------------------------------------------------------------------- */

static shipest_status end_of_line(parser *p)
{
    if (p->tok.kind == SHP_TOK_NEWLINE)
        return advance(p);
    if (p->tok.kind == SHP_TOK_END)
        return SHIPEST_OK;
    return expected(p, "the end of the line");
}

/* output NAME {',' NAME} */
static shipest_status parse_output(parser *p)
{
    shipest_status st = advance(p);
    for (;;) {
        if (st != SHIPEST_OK)
            return st;
        if (p->tok.kind != SHP_TOK_NAME)
            return expected(p, "a statement name");
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(p->tok.len < 255 ? p->tok.len : 255),
                 p->lx.src + p->tok.start);
        shipest_node n;
        if (p->tok.len > 255 || shipest_model_find(p->m, name, &n) != SHIPEST_OK)
            return shp_lex_error_at(&p->lx, &p->tok, SHIPEST_ENAME,
                                    "unknown name '%.*s' in output (name statements on earlier "
                                    "lines)", (int)(p->tok.len > 64 ? 64 : p->tok.len),
                                    p->lx.src + p->tok.start);
        if ((st = shipest_model_output(p->m, n)) != SHIPEST_OK)
            return st;
        if ((st = advance(p)) != SHIPEST_OK)
            return st;
        if (p->tok.kind != SHP_TOK_COMMA)
            return end_of_line(p);
        st = advance(p);
    }
}

/* correlate(NAME, NAME, rho) */
static shipest_status parse_correlate(parser *p)
{
    shipest_status st = advance(p); /* to '(' */
    shipest_node n[2];
    shp_token at[2];
    if (st == SHIPEST_OK)
        st = advance(p);
    for (int i = 0; i < 2 && st == SHIPEST_OK; i++) {
        if (p->tok.kind != SHP_TOK_NAME)
            return expected(p, "the name of an input");
        at[i] = p->tok;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(p->tok.len < 255 ? p->tok.len : 255),
                 p->lx.src + p->tok.start);
        if (p->tok.len > 255 || shipest_model_find(p->m, name, &n[i]) != SHIPEST_OK)
            return shp_lex_error_at(&p->lx, &p->tok, SHIPEST_ENAME, "unknown name '%.*s'",
                                    (int)(p->tok.len > 64 ? 64 : p->tok.len),
                                    p->lx.src + p->tok.start);
        if ((st = advance(p)) != SHIPEST_OK)
            return st;
        if (p->tok.kind != SHP_TOK_COMMA)
            return expected(p, "','");
        st = advance(p);
    }
    double rho;
    if (st != SHIPEST_OK || (st = parse_signed(p, &rho, "a correlation")) != SHIPEST_OK)
        return st;
    if (p->tok.kind != SHP_TOK_RPAREN)
        return expected(p, "')'");
    st = shipest_model_correlate(p->m, n[0], n[1], rho);
    if (st != SHIPEST_OK && st != SHIPEST_ENOMEM) {
        char msg[SHP_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", shipest_ctx_errmsg(p->ctx));
        /* EINVAL is for C callers (not an input, the same node twice); in
         * text it is a mistake of the model. */
        return shp_lex_error_at(&p->lx, &at[0], st == SHIPEST_EINVAL ? SHIPEST_EPARSE : st, "%s",
                                msg);
    }
    if (st != SHIPEST_OK || (st = advance(p)) != SHIPEST_OK)
        return st;
    return end_of_line(p);
}

/* 'P' '(' NAME ('>' | '<') ['-'] NUMBER [unit] ')' — a probability
 * statement recorded on the model for reports. */
static shipest_status parse_prob(parser *p)
{
    shipest_status st = advance(p); /* to '(' */
    if (st == SHIPEST_OK)
        st = advance(p);
    if (st != SHIPEST_OK)
        return st;
    if (p->tok.kind != SHP_TOK_NAME)
        return expected(p, "the name of a statement");
    shp_token name_tok = p->tok;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(p->tok.len < 255 ? p->tok.len : 255),
             p->lx.src + p->tok.start);
    shipest_node node;
    if (p->tok.len > 255 || shipest_model_find(p->m, name, &node) != SHIPEST_OK)
        return shp_lex_error_at(&p->lx, &p->tok, SHIPEST_ENAME,
                                "unknown name '%.*s' in P(...) (name statements on earlier "
                                "lines)", (int)(p->tok.len > 64 ? 64 : p->tok.len),
                                p->lx.src + p->tok.start);
    if ((st = advance(p)) != SHIPEST_OK)
        return st;
    if (p->tok.kind != SHP_TOK_GT && p->tok.kind != SHP_TOK_LT)
        return expected(p, "'>' or '<'");
    int above = p->tok.kind == SHP_TOK_GT;
    if ((st = advance(p)) != SHIPEST_OK)
        return st;
    shp_token num_tok = p->tok;
    ast *a = NULL;
    if ((st = parse_unary(p, &a)) != SHIPEST_OK)
        return st;
    double value = 0, sign = 1;
    if (a->kind == A_NEG && a->kids[0]->kind == A_NUM) {
        sign = -1;
        a = a->kids[0];
    }
    if (a->kind != A_NUM)
        return shp_lex_error_at(&p->lx, &num_tok, SHIPEST_EPARSE,
                                "P(...) compares with a number and an optional unit, e.g. "
                                "P(share > 40%%)");
    value = sign * a->value;
    if (p->tok.kind != SHP_TOK_RPAREN)
        return expected(p, "')'");
    char text[512];
    size_t len = p->tok.start - name_tok.start;
    while (len > 0 && (p->lx.src[name_tok.start + len - 1] == ' ' ||
                       p->lx.src[name_tok.start + len - 1] == '\t'))
        len--;
    snprintf(text, sizeof text, "%.*s", (int)(len < 511 ? len : 511), p->lx.src + name_tok.start);
    st = shipest_model_probability(p->m, node, above, value, a->unit, text);
    if (st != SHIPEST_OK && st != SHIPEST_ENOMEM) {
        char msg[SHP_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", shipest_ctx_errmsg(p->ctx));
        return shp_lex_error_at(&p->lx, &num_tok, st, "%s", msg);
    }
    if (st != SHIPEST_OK || (st = advance(p)) != SHIPEST_OK)
        return st;
    return end_of_line(p);
}

/* NAME '=' expr ['@' STRING] */
static shipest_status parse_statement(parser *p, shipest_node *stmt_node)
{
    shp_token name_tok = p->tok;
    if (is_reserved(p, &name_tok))
        return shp_lex_error_at(&p->lx, &name_tok, SHIPEST_ENAME, "'%.*s' is a reserved word",
                                (int)name_tok.len, p->lx.src + name_tok.start);
    if (name_tok.len > 255)
        return shp_lex_error_at(&p->lx, &name_tok, SHIPEST_ENAME,
                                "a name may be at most 255 bytes long");
    if (memchr(p->lx.src + name_tok.start, '.', name_tok.len) != NULL)
        return shp_lex_error_at(&p->lx, &name_tok, SHIPEST_ENAME,
                                "'%.*s': a name with a dot is a part of a supply() statement "
                                "(`mix = supply(...)` defines mix.LABEL and mix.remainder); "
                                "name this statement without a dot",
                                (int)(name_tok.len > 64 ? 64 : name_tok.len),
                                p->lx.src + name_tok.start);
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)name_tok.len, p->lx.src + name_tok.start);
    /* A duplicate name is caught by the builder when the statement is named
     * (reported at the name), so the parser needs no lookup of its own. */
    shipest_status st = advance(p);
    if (st != SHIPEST_OK)
        return st;
    if (p->tok.kind != SHP_TOK_EQUALS)
        return expected(p, "'=' after the statement name");
    if ((st = advance(p)) != SHIPEST_OK)
        return st;
    ast *root = NULL;
    if ((st = parse_expr(p, &root)) != SHIPEST_OK)
        return st;
    char *source = NULL;
    int supply = root->kind == A_CALL && root->fn == F_SUPPLY;
    if (p->tok.kind == SHP_TOK_AT && supply)
        return err_at(p, &p->tok, SHIPEST_EPARSE,
                      "a supply() statement takes no source: give its inputs their sources");
    if (p->tok.kind == SHP_TOK_AT) {
        if ((st = advance(p)) != SHIPEST_OK)
            return st;
        if (p->tok.kind != SHP_TOK_STRING)
            return expected(p, "a string after '@'");
        if ((st = shp_lex_string(&p->lx, &p->tok, &source, NULL)) != SHIPEST_OK)
            return st;
        if (arena_keep(p, source) == NULL)
            return SHIPEST_ENOMEM;
        if ((st = advance(p)) != SHIPEST_OK)
            return st;
    }
    if ((st = end_of_line(p)) != SHIPEST_OK)
        return st;
    p->stmt = name;
    p->ordinal = 0;
    shipest_node n;
    st = emit(p, root, 1, source, &n);
    if (st == SHIPEST_OK && root->kind != A_DIST && root->kind != A_CLAIM && !supply) {
        st = shipest_model_name(p->m, n, name, source, &n);
        if (st != SHIPEST_OK && st != SHIPEST_ENOMEM) {
            char msg[SHP_ERRMSG_MAX];
            snprintf(msg, sizeof msg, "%s", shipest_ctx_errmsg(p->ctx));
            st = shp_lex_error_at(&p->lx, &name_tok, st, "%s", msg);
        }
    }
    p->stmt = NULL;
    *stmt_node = n;
    return st;
}

/* Bytes the lexer does not see as errors but a model must not hold: NUL,
 * invalid UTF-8 anywhere (comments and strings included), over-long lines. */
static shipest_status prescan(shipest_ctx *ctx, const char *name, const char *text, size_t len)
{
    uint32_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '\n') {
            if (i - line_start > MAX_LINE)
                return shp_error(ctx, SHIPEST_ELIMIT, "%s:%u: line is %zu bytes long (at "
                                 "most %u)", name, line, i - line_start, MAX_LINE);
            line++;
            line_start = i + 1;
            continue;
        }
        unsigned c = (unsigned char)text[i];
        if (c == 0)
            return shp_error(ctx, SHIPEST_EPARSE, "%s:%u:%zu: NUL byte in model text",
                             name, line, i - line_start + 1);
        if (c < 0x80)
            continue;
        size_t k = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
        unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
        unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        int ok = k > 0 && len - i > k;
        for (size_t j = 1; ok && j <= k; j++) {
            unsigned b = (unsigned char)text[i + j];
            ok = j == 1 ? b >= lo && b <= hi : b >= 0x80 && b <= 0xBF;
        }
        if (!ok)
            return shp_error(ctx, SHIPEST_EPARSE, "%s:%u:%zu: byte 0x%02X is not valid "
                             "UTF-8", name, line, i - line_start + 1, c);
        i += k;
    }
    return SHIPEST_OK;
}

typedef struct stmt_list {
    shipest_node *v;
    size_t n, cap;
} stmt_list;

static shipest_status parse_model(parser *p, int *any_output_line, stmt_list *stmts)
{
    shipest_status st = advance(p);
    while (st == SHIPEST_OK && p->tok.kind != SHP_TOK_END) {
        if (p->tok.kind == SHP_TOK_NEWLINE) {
            st = advance(p);
            continue;
        }
        if (p->tok.kind != SHP_TOK_NAME) {
            st = expected(p, "a statement (`name = expression`)");
            break;
        }
        shp_token nx;
        int have = peek_n(p, &nx, 1);
        if (is_name(p, &p->tok, "output") && have && nx.kind == SHP_TOK_NAME) {
            *any_output_line = 1;
            st = parse_output(p);
        } else if (is_name(p, &p->tok, "correlate") && have && nx.kind == SHP_TOK_LPAREN) {
            st = parse_correlate(p);
        } else if (is_name(p, &p->tok, "P") && have && nx.kind == SHP_TOK_LPAREN) {
            st = parse_prob(p);
        } else {
            shipest_node n = SHIPEST_NO_NODE;
            if (stmts->n == stmts->cap) {
                size_t cap = stmts->cap ? stmts->cap * 2 : 16;
                shipest_node *v = shp_realloc(p->ctx, stmts->v, cap * sizeof *v);
                if (v == NULL) {
                    st = SHIPEST_ENOMEM;
                    break;
                }
                stmts->v = v;
                stmts->cap = cap;
            }
            st = parse_statement(p, &n);
            if (st == SHIPEST_OK)
                stmts->v[stmts->n++] = n;
        }
        arena_free(p);
    }
    if (st == SHIPEST_OK && stmts->n == 0)
        st = shp_lex_error(&p->lx, p->tok.line, p->tok.col, SHIPEST_EPARSE,
                           "the model has no statements");
    return st;
}

static shipest_status parse_named(shipest_ctx *ctx, const char *src_name, const char *text,
                                  size_t len, shipest_model **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL || (text == NULL && len > 0))
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_model_parse: NULL argument");
    if (len > MAX_TEXT)
        return shp_error(ctx, SHIPEST_ELIMIT, "model text is %zu bytes long (at most %u)", len,
                         MAX_TEXT);
    if (text == NULL)
        text = "";
    /* Editors on Windows start UTF-8 files with a byte-order mark. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    shipest_status st = prescan(ctx, src_name != NULL ? src_name : "<string>", text, len);
    if (st != SHIPEST_OK)
        return st;
    parser p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    shp_lex_init(&p.lx, ctx, src_name, text, len);
    p.lx.dotted = 1; /* mix.dprk, the parts of a supply() statement */
    if ((st = shipest_model_new(ctx, &p.m)) != SHIPEST_OK)
        return st;
    int any_output_line = 0;
    stmt_list stmts = {NULL, 0, 0};
    st = parse_model(&p, &any_output_line, &stmts);
    /* Without an `output` line every statement is an output. */
    for (size_t i = 0; st == SHIPEST_OK && !any_output_line && i < stmts.n; i++)
        st = shipest_model_output(p.m, stmts.v[i]);
    arena_free(&p);
    shp_free(ctx, p.owned);
    shp_free(ctx, stmts.v);
    if (st != SHIPEST_OK) {
        shipest_model_free(p.m);
        return st;
    }
    *out = p.m;
    return SHIPEST_OK;
}

shipest_status shipest_model_parse(shipest_ctx *ctx, const char *text, size_t len,
                                   shipest_model **out)
{
    return parse_named(ctx, NULL, text, len, out);
}

shipest_status shipest_model_parse_file(shipest_ctx *ctx, const char *path, shipest_model **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || path == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_model_parse_file: NULL argument");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return shp_error(ctx, SHIPEST_EIO, "cannot open model file '%s'", path);
    size_t cap = 4096, len = 0;
    char *buf = shp_alloc(ctx, cap);
    shipest_status st = buf == NULL ? SHIPEST_ENOMEM : SHIPEST_OK;
    while (st == SHIPEST_OK) {
        if (len == cap) {
            if (cap > MAX_TEXT) {
                st = shp_error(ctx, SHIPEST_ELIMIT, "model file '%s' is longer than %u bytes",
                               path, MAX_TEXT);
                break;
            }
            char *b = shp_realloc(ctx, buf, cap * 2);
            if (b == NULL) {
                st = SHIPEST_ENOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = shp_error(ctx, SHIPEST_EIO, "cannot read model file '%s'", path);
            break;
        }
    }
    fclose(f);
    if (st == SHIPEST_OK)
        st = parse_named(ctx, path, buf, len, out);
    shp_free(ctx, buf);
    return st;
}
