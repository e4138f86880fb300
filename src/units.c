/* units.c — dimension algebra, built-in exact units, unit expressions. */
#include "units.h"

#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- built-in exact units ----------------------------------------------- */

typedef struct builtin {
    const char *name;
    double scale;
    int dim;  /* SHP_DIM_MASS/LENGTH/TIME */
    int power;
    const char *definition; /* for listings */
    const char *si;
} builtin;

#define YEAR_S (365.25 * 86400.0)

static const builtin builtins[] = {
    {"kg", 1.0, SHP_DIM_MASS, 1, "SI base unit of mass", "1 kg"},
    {"g", 1e-3, SHP_DIM_MASS, 1, "0.001 kg", "0.001 kg"},
    {"t", 1000.0, SHP_DIM_MASS, 1, "1000 kg (tonne, metric ton)", "1000 kg"},
    {"tonne", 1000.0, SHP_DIM_MASS, 1, "1000 kg (= t)", "1000 kg"},
    {"short_ton", 907.18474, SHP_DIM_MASS, 1, "2000 lb", "907.18474 kg"},
    {"long_ton", 1016.0469088, SHP_DIM_MASS, 1, "2240 lb", "1016.0469088 kg"},
    {"lb", 0.45359237, SHP_DIM_MASS, 1, "international pound", "0.45359237 kg"},
    {"m", 1.0, SHP_DIM_LENGTH, 1, "SI base unit of length", "1 m"},
    {"cm", 0.01, SHP_DIM_LENGTH, 1, "0.01 m", "0.01 m"},
    {"mm", 0.001, SHP_DIM_LENGTH, 1, "0.001 m", "0.001 m"},
    {"km", 1000.0, SHP_DIM_LENGTH, 1, "1000 m", "1000 m"},
    {"m3", 1.0, SHP_DIM_LENGTH, 3, "cubic metre", "1 m^3"},
    {"l", 0.001, SHP_DIM_LENGTH, 3, "litre", "0.001 m^3"},
    {"s", 1.0, SHP_DIM_TIME, 1, "SI base unit of time", "1 s"},
    {"min", 60.0, SHP_DIM_TIME, 1, "60 s", "60 s"},
    {"h", 3600.0, SHP_DIM_TIME, 1, "60 min", "3600 s"},
    {"day", 86400.0, SHP_DIM_TIME, 1, "24 h", "86400 s"},
    {"week", 7.0 * 86400.0, SHP_DIM_TIME, 1, "7 day", "604800 s"},
    {"month", YEAR_S / 12.0, SHP_DIM_TIME, 1, "year/12 = 30.4375 day", "2629800 s"},
    {"year", YEAR_S, SHP_DIM_TIME, 1, "365.25 day (Julian year)", "31557600 s"},
};

size_t shp_unit_builtin_count(void)
{
    return sizeof builtins / sizeof builtins[0];
}

const char *shp_unit_builtin_at(size_t i, shp_unit *out, const char **definition,
                                const char **si)
{
    const builtin *b = &builtins[i];
    shp_unit_one(out);
    out->scale = b->scale;
    out->exp[b->dim] = (int8_t)b->power;
    *definition = b->definition;
    *si = b->si;
    return b->name;
}

/* Names that are never units because they mean different things in
 * different systems (UDUNITS' ton is short, GNU units' follows locale). */
static const char *const traps[] = {"ton", "tons", "MT"};

static int name_eq(const char *a, size_t alen, const char *b)
{
    size_t n = strlen(b);
    return alen == n && memcmp(a, b, n) == 0;
}

static const builtin *find_builtin(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (name_eq(name, len, builtins[i].name))
            return &builtins[i];
    return NULL;
}

static int is_trap(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++)
        if (name_eq(name, len, traps[i]))
            return 1;
    return 0;
}

int shp_unit_builtin(const char *name, size_t len, shp_unit *out)
{
    const builtin *b = find_builtin(name, len);
    if (b == NULL)
        return 0;
    shp_unit_one(out);
    out->scale = b->scale;
    out->exp[b->dim] = (int8_t)b->power;
    return 1;
}

int shp_unit_is_trap(const char *name, size_t len)
{
    return is_trap(name, len);
}

int shp_unit_is_reserved(const char *name, size_t len)
{
    return is_trap(name, len) || find_builtin(name, len) != NULL || name_eq(name, len, "1");
}

uint64_t shp_hash_name(const char *s, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    /* splitmix64 finaliser: FNV alone leaves nearby names correlated in the
     * low bits, and the stream id keys a counter-based generator. */
    h ^= h >> 30;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 27;
    h *= UINT64_C(0x94d049bb133111eb);
    h ^= h >> 31;
    return h;
}

/* ---- algebra -------------------------------------------------------------- */

void shp_unit_one(shp_unit *out)
{
    memset(out, 0, sizeof *out);
    out->scale = 1.0;
}

static shipest_status combine(shipest_ctx *ctx, const shp_unit *a, const shp_unit *b, int sign,
                              shp_unit *out)
{
    shp_unit r;
    for (int i = 0; i < SHP_MAX_DIMS; i++) {
        int e = a->exp[i] + sign * b->exp[i];
        if (e < -127 || e > 127)
            return shp_error(ctx, SHIPEST_ELIMIT, "unit exponent %d out of range [-127, 127]", e);
        r.exp[i] = (int8_t)e;
    }
    r.scale = sign > 0 ? a->scale * b->scale : a->scale / b->scale;
    if (!(r.scale > 0.0) || !isfinite(r.scale))
        return shp_error(ctx, SHIPEST_ELIMIT, "unit scale out of range (%g %s %g)", a->scale,
                         sign > 0 ? "*" : "/", b->scale);
    *out = r;
    return SHIPEST_OK;
}

shipest_status shp_unit_mul(shipest_ctx *ctx, const shp_unit *a, const shp_unit *b, shp_unit *out)
{
    return combine(ctx, a, b, 1, out);
}

shipest_status shp_unit_div(shipest_ctx *ctx, const shp_unit *a, const shp_unit *b, shp_unit *out)
{
    return combine(ctx, a, b, -1, out);
}

shipest_status shp_unit_pow(shipest_ctx *ctx, const shp_unit *a, int n, shp_unit *out)
{
    shp_unit r;
    if (n < -127 || n > 127)
        return shp_error(ctx, SHIPEST_ELIMIT, "unit power %d out of range [-127, 127]", n);
    for (int i = 0; i < SHP_MAX_DIMS; i++) {
        int e = a->exp[i] * n;
        if (e < -127 || e > 127)
            return shp_error(ctx, SHIPEST_ELIMIT, "unit exponent %d out of range [-127, 127]", e);
        r.exp[i] = (int8_t)e;
    }
    r.scale = pow(a->scale, (double)n);
    if (!(r.scale > 0.0) || !isfinite(r.scale))
        return shp_error(ctx, SHIPEST_ELIMIT, "unit scale out of range (%g^%d)", a->scale, n);
    *out = r;
    return SHIPEST_OK;
}

int shp_unit_same_dim(const shp_unit *a, const shp_unit *b)
{
    return memcmp(a->exp, b->exp, sizeof a->exp) == 0;
}

int shp_unit_is_dimensionless(const shp_unit *a)
{
    for (int i = 0; i < SHP_MAX_DIMS; i++)
        if (a->exp[i] != 0)
            return 0;
    return 1;
}

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

int shp_unit_equal(const shp_unit *a, const shp_unit *b)
{
    return shp_unit_same_dim(a, b) && close_rel(a->scale, b->scale, 1e-12);
}

/* ---- formatting ----------------------------------------------------------- */

typedef struct outbuf {
    char *buf;
    size_t size, len;
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - 1 - o->len;
        size_t k = n < room ? n : room;
        memcpy(o->buf + o->len, s, k);
        o->buf[o->len + k] = '\0';
    }
    o->len += n;
}

static void puts_(outbuf *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Candidate named units for one physical dimension, in order of preference. */
typedef struct choice {
    const char *name;
    double scale; /* per unit of the written exponent */
    int per;      /* exponent of the dimension one written power carries */
} choice;

static const choice mass_choices[] = {{"kg", 1.0, 1},
                                      {"t", 1000.0, 1},
                                      {"g", 1e-3, 1},
                                      {"lb", 0.45359237, 1},
                                      {"short_ton", 907.18474, 1},
                                      {"long_ton", 1016.0469088, 1}};
static const choice length_choices[] = {{"m", 1.0, 1}, {"km", 1000.0, 1}, {"cm", 0.01, 1},
                                        {"mm", 0.001, 1}};
static const choice volume_choices[] = {{"m3", 1.0, 3}, {"l", 0.001, 3}};
static const choice time_choices[] = {{"s", 1.0, 1},       {"day", 86400.0, 1},
                                      {"h", 3600.0, 1},    {"min", 60.0, 1},
                                      {"week", 604800.0, 1}, {"month", YEAR_S / 12.0, 1},
                                      {"year", YEAR_S, 1}};

typedef struct term {
    const char *name;
    char kindbuf[24];
    int exp;
} term;

static void put_term(outbuf *o, const term *tm, int e)
{
    puts_(o, tm->name);
    if (e != 1) {
        char num[16];
        snprintf(num, sizeof num, "^%d", e);
        puts_(o, num);
    }
}

/* Write terms: numerator terms joined by '*', then '/' and the denominator
 * (in parentheses when it has more than one term). */
static void put_terms(outbuf *o, const term *terms, size_t n, const char *prefix)
{
    size_t nnum = 0, nden = 0;
    for (size_t i = 0; i < n; i++) {
        if (terms[i].exp > 0)
            nnum++;
        else if (terms[i].exp < 0)
            nden++;
    }
    int wrote = 0;
    if (prefix != NULL) {
        puts_(o, prefix);
        wrote = 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (terms[i].exp <= 0)
            continue;
        if (wrote)
            puts_(o, "*");
        put_term(o, &terms[i], terms[i].exp);
        wrote = 1;
    }
    if (nden == 0) {
        if (!wrote)
            puts_(o, "1");
        return;
    }
    if (!wrote)
        puts_(o, "1");
    puts_(o, "/");
    if (nden > 1)
        puts_(o, "(");
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (terms[i].exp >= 0)
            continue;
        if (!first)
            puts_(o, "*");
        put_term(o, &terms[i], -terms[i].exp);
        first = 0;
    }
    if (nden > 1)
        puts_(o, ")");
}

static size_t format_unit(const struct shp_tables *t, const shp_unit *u, int dim_only, char *buf,
                          size_t size)
{
    outbuf o = {buf, size, 0};
    if (buf != NULL && size > 0)
        buf[0] = '\0';
    if (shp_unit_is_dimensionless(u)) {
        char num[32];
        if (dim_only || u->scale == 1.0)
            puts_(&o, "1");
        else if (close_rel(u->scale, 0.01, 1e-12))
            puts_(&o, "%");
        else {
            snprintf(num, sizeof num, "%.17g", u->scale);
            puts_(&o, num);
        }
        return o.len;
    }
    term terms[SHP_MAX_DIMS];
    size_t n = 0;
    /* Kinds first, then mass, length, time: "round_152mm/day", "t/container_20ft". */
    for (int d = SHP_DIM_FIRST_KIND; d < SHP_MAX_DIMS; d++) {
        if (u->exp[d] == 0)
            continue;
        term *tm = &terms[n++];
        tm->exp = u->exp[d];
        const char *kn = t != NULL ? shp_tables_kind_name(t, d) : NULL;
        if (kn == NULL) {
            snprintf(tm->kindbuf, sizeof tm->kindbuf, "kind%d", d - SHP_DIM_FIRST_KIND);
            kn = tm->kindbuf;
        }
        tm->name = kn;
    }
    int em = u->exp[SHP_DIM_MASS], el = u->exp[SHP_DIM_LENGTH], et = u->exp[SHP_DIM_TIME];
    const choice *mc = mass_choices, *lc = length_choices, *tc = time_choices;
    size_t nm = sizeof mass_choices / sizeof mass_choices[0];
    size_t nl = sizeof length_choices / sizeof length_choices[0];
    size_t nt = sizeof time_choices / sizeof time_choices[0];
    int lpow = el;
    if (el % 3 == 0 && el != 0) { /* volumes read better as m3 or l */
        lc = volume_choices;
        nl = sizeof volume_choices / sizeof volume_choices[0];
        lpow = el / 3;
    }
    if (em == 0)
        nm = 1;
    if (el == 0)
        nl = 1;
    if (et == 0)
        nt = 1;
    /* Find named units whose scales multiply out to u->scale exactly. */
    const choice *bm = NULL, *bl = NULL, *bt = NULL;
    for (size_t i = 0; i < nm && bm == NULL; i++)
        for (size_t j = 0; j < nl && bm == NULL; j++)
            for (size_t k = 0; k < nt; k++) {
                double s = pow(mc[i].scale, em) * pow(lc[j].scale, lpow) * pow(tc[k].scale, et);
                if (!dim_only && !close_rel(s, u->scale, 1e-12))
                    continue;
                bm = &mc[i];
                bl = &lc[j];
                bt = &tc[k];
                break;
            }
    char prefix[40];
    const char *pre = NULL;
    if (bm == NULL) { /* no exact named combination: SI names and a number */
        bm = &mc[0];
        bl = &lc[0];
        bt = &tc[0];
        snprintf(prefix, sizeof prefix, "%.17g", u->scale);
        pre = prefix;
    }
    if (em != 0)
        terms[n++] = (term){.name = bm->name, .exp = em};
    if (el != 0)
        terms[n++] = (term){.name = bl->name, .exp = lpow};
    if (et != 0)
        terms[n++] = (term){.name = bt->name, .exp = et};
    put_terms(&o, terms, n, pre);
    return o.len;
}

size_t shp_unit_format(const struct shp_tables *t, const shp_unit *u, char *buf, size_t size)
{
    return format_unit(t, u, 0, buf, size);
}

size_t shp_unit_format_dim(const struct shp_tables *t, const shp_unit *u, char *buf, size_t size)
{
    return format_unit(t, u, 1, buf, size);
}

/* ---- lookup --------------------------------------------------------------- */

/* The core of every lookup: returns a status and writes the reason (no
 * position, no context) into why. */
static shipest_status lookup_core(const struct shp_tables *t, const char *name, size_t len,
                                  shp_unit *out, char *why, size_t why_size)
{
    int n = len > 64 ? 64 : (int)len;
    if (is_trap(name, len)) {
        snprintf(why, why_size,
                 "unit '%.*s' is ambiguous: write t (or tonne, 1,000 kg), short_ton (2,000 lb) "
                 "or long_ton (2,240 lb)",
                 n, name);
        return SHIPEST_EUNIT;
    }
    const builtin *b = find_builtin(name, len);
    if (b != NULL) {
        shp_unit_one(out);
        out->scale = b->scale;
        out->exp[b->dim] = (int8_t)b->power;
        return SHIPEST_OK;
    }
    if (t != NULL) {
        char sub[256];
        int r = shp_tables_resolve(t, name, len, out, sub, sizeof sub);
        if (r == 0)
            return SHIPEST_OK;
        if (r == -2) { /* alias trouble: the table's own words */
            snprintf(why, why_size, "%s", sub);
            return SHIPEST_EUNIT;
        }
    }
    /* A plural of a known unit is the commonest slip: say so. */
    if (len > 1 && name[len - 1] == 's') {
        shp_unit tmp;
        char sub[8];
        int known = find_builtin(name, len - 1) != NULL ||
                    (t != NULL && shp_tables_resolve(t, name, len - 1, &tmp, sub, 0) == 0);
        if (known) {
            snprintf(why, why_size, "unknown unit '%.*s' (units are singular: did you mean '%.*s'?)",
                     n, name, n - 1, name);
            return SHIPEST_EUNIT;
        }
    }
    snprintf(why, why_size, "unknown unit '%.*s'", n, name);
    return SHIPEST_EUNIT;
}

shipest_status shp_unit_lookup(shipest_ctx *ctx, const struct shp_tables *t, const char *name,
                               size_t len, shp_unit *out)
{
    char why[320];
    shipest_status st = lookup_core(t, name, len, out, why, sizeof why);
    if (st != SHIPEST_OK)
        return shp_error(ctx, st, "%s", why);
    return SHIPEST_OK;
}

/* ---- parsing -------------------------------------------------------------- */

#define UNIT_MAX_DEPTH 32

typedef struct uparser {
    const struct shp_tables *t;
    shp_lexer *lx;
    unsigned flags;
    shp_token tok; /* current token */
    int depth;
    uint32_t err_col; /* column of the last error (0: the lexer's position) */
} uparser;

static shipest_status advance(uparser *p)
{
    return shp_lex_next(p->lx, &p->tok);
}

static shipest_status unit_error(uparser *p, const shp_token *at, shipest_status st,
                                 const char *msg)
{
    p->err_col = at->col;
    return shp_lex_error_at(p->lx, at, st, "%s", msg);
}

static shipest_status parse_product(uparser *p, shp_unit *out);

static shipest_status parse_primary(uparser *p, shp_unit *out)
{
    shp_token tk = p->tok;
    shipest_status st;
    switch (tk.kind) {
    case SHP_TOK_NAME: {
        char why[320];
        st = lookup_core(p->t, p->lx->src + tk.start, tk.len, out, why, sizeof why);
        if (st != SHIPEST_OK)
            return unit_error(p, &tk, st, why);
        return advance(p);
    }
    case SHP_TOK_NUMBER:
        if (!(tk.value > 0.0))
            return unit_error(p, &tk, SHIPEST_EPARSE, "a number in a unit must be positive");
        shp_unit_one(out);
        out->scale = tk.value;
        return advance(p);
    case SHP_TOK_PERCENT:
        shp_unit_one(out);
        out->scale = 0.01;
        return advance(p);
    case SHP_TOK_LPAREN:
        if (p->depth >= UNIT_MAX_DEPTH)
            return unit_error(p, &tk, SHIPEST_ELIMIT, "unit nested deeper than 32 parentheses");
        p->depth++;
        if ((st = advance(p)) != SHIPEST_OK || (st = parse_product(p, out)) != SHIPEST_OK)
            return st;
        p->depth--;
        if (p->tok.kind != SHP_TOK_RPAREN) {
            char what[64];
            char msg[128];
            snprintf(msg, sizeof msg, "expected ')' in unit, found %s",
                     shp_tok_describe(p->lx, &p->tok, what, sizeof what));
            return unit_error(p, &p->tok, SHIPEST_EPARSE, msg);
        }
        return advance(p);
    default: {
        char what[64];
        char msg[128];
        snprintf(msg, sizeof msg, "expected a unit, found %s",
                 shp_tok_describe(p->lx, &tk, what, sizeof what));
        return unit_error(p, &tk, SHIPEST_EPARSE, msg);
    }
    }
}

static shipest_status parse_power(uparser *p, shp_unit *out)
{
    shipest_status st = parse_primary(p, out);
    if (st != SHIPEST_OK || p->tok.kind != SHP_TOK_CARET)
        return st;
    shp_token caret = p->tok;
    if ((st = advance(p)) != SHIPEST_OK)
        return st;
    int neg = 0;
    if (p->tok.kind == SHP_TOK_MINUS) {
        neg = 1;
        if ((st = advance(p)) != SHIPEST_OK)
            return st;
    }
    if (p->tok.kind != SHP_TOK_NUMBER || p->tok.num.flags != 0 || p->tok.value > 127.0)
        return unit_error(p, p->tok.kind == SHP_TOK_NUMBER ? &p->tok : &caret, SHIPEST_EPARSE,
                          "expected a whole exponent from -127 to 127 after '^'");
    int n = (int)p->tok.value;
    char msg[SHP_ERRMSG_MAX];
    if (shp_unit_pow(NULL, out, neg ? -n : n, out) != SHIPEST_OK) {
        snprintf(msg, sizeof msg, "unit exponent out of range");
        return unit_error(p, &caret, SHIPEST_ELIMIT, msg);
    }
    return advance(p);
}

/* In a model, `3 t / x` divides by the quantity x: continue the unit across
 * '*' or '/' only when a unit follows. */
static int unit_follows(uparser *p)
{
    if (p->flags & SHP_UNIT_GREEDY)
        return 1;
    shp_lexer copy = *p->lx;
    shp_token t1;
    /* Look ahead without leaving an error message behind. */
    copy.ctx = NULL;
    if (shp_lex_next(&copy, &t1) != SHIPEST_OK)
        return 0;
    while (t1.kind == SHP_TOK_LPAREN)
        if (shp_lex_next(&copy, &t1) != SHIPEST_OK)
            return 0;
    if (t1.kind == SHP_TOK_PERCENT)
        return 1;
    if (t1.kind != SHP_TOK_NAME)
        return 0;
    const char *name = p->lx->src + t1.start;
    if (is_trap(name, t1.len))
        return 1; /* let it fail with the message that lists the choices */
    shp_unit tmp;
    char why[8];
    return lookup_core(p->t, name, t1.len, &tmp, why, sizeof why) == SHIPEST_OK;
}

static shipest_status parse_product(uparser *p, shp_unit *out)
{
    shipest_status st = parse_power(p, out);
    while (st == SHIPEST_OK &&
           (p->tok.kind == SHP_TOK_STAR || p->tok.kind == SHP_TOK_SLASH)) {
        if (p->depth == 0 && !unit_follows(p))
            break;
        shp_token op = p->tok;
        shp_unit rhs;
        if ((st = advance(p)) != SHIPEST_OK || (st = parse_power(p, &rhs)) != SHIPEST_OK)
            return st;
        if (combine(NULL, out, &rhs, op.kind == SHP_TOK_STAR ? 1 : -1, out) != SHIPEST_OK)
            return unit_error(p, &op, SHIPEST_ELIMIT, "unit exponent or scale out of range");
    }
    return st;
}

static shipest_status parse_lex_core(const struct shp_tables *t, shp_lexer *lx,
                                     const shp_token *first, unsigned flags, shp_unit *out,
                                     shp_token *next, uint32_t *err_col)
{
    uparser p = {t, lx, flags, *first, 0, 0};
    shp_unit u;
    shipest_status st = parse_product(&p, &u);
    if (st != SHIPEST_OK) {
        *err_col = p.err_col != 0 ? p.err_col : lx->col;
        return st;
    }
    *out = u;
    *next = p.tok;
    return SHIPEST_OK;
}

shipest_status shp_unit_parse_lex_flags(const struct shp_tables *t, shp_lexer *lx,
                                        const shp_token *first, unsigned flags, shp_unit *out,
                                        shp_token *next)
{
    uint32_t col;
    return parse_lex_core(t, lx, first, flags, out, next, &col);
}

shipest_status shp_unit_parse_lex(const struct shp_tables *t, shp_lexer *lx,
                                  const shp_token *first, shp_unit *out, shp_token *next)
{
    return shp_unit_parse_lex_flags(t, lx, first, 0, out, next);
}

shipest_status shp_unit_parse(shipest_ctx *ctx, const struct shp_tables *t, const char *text,
                              size_t len, shp_unit *out, size_t *err_col)
{
    char name[96];
    size_t n = len > 48 ? 48 : len;
    size_t k = (size_t)snprintf(name, sizeof name, "unit '");
    /* The message prefix quotes the text; keep it printable. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        name[k++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
    }
    snprintf(name + k, sizeof name - k, "%s'", len > n ? "..." : "");
    if (err_col != NULL)
        *err_col = 0;

    shp_lexer lx;
    shp_lex_init(&lx, ctx, name, text, len);
    shp_token tok, next;
    uint32_t col = 0;
    shp_unit u;
    shipest_status st = shp_lex_next(&lx, &tok);
    if (st != SHIPEST_OK)
        col = lx.col;
    else if (tok.kind == SHP_TOK_END) {
        col = tok.col;
        st = shp_lex_error_at(&lx, &tok, SHIPEST_EPARSE, "empty unit");
    } else
        st = parse_lex_core(t, &lx, &tok, SHP_UNIT_GREEDY, &u, &next, &col);
    if (st == SHIPEST_OK && next.kind != SHP_TOK_END) {
        char what[64];
        col = next.col;
        st = shp_lex_error_at(&lx, &next, SHIPEST_EPARSE, "unexpected %s after the unit",
                              shp_tok_describe(&lx, &next, what, sizeof what));
    }
    if (st != SHIPEST_OK) {
        if (err_col != NULL)
            *err_col = col;
        return st;
    }
    *out = u;
    return SHIPEST_OK;
}

shipest_status shp_ctx_unit_parse_lex(shipest_ctx *ctx, shp_lexer *lx, const shp_token *first,
                                      shp_unit *out, shp_token *next)
{
    const struct shp_tables *t;
    shipest_status st = shp_tables_get(ctx, &t);
    if (st != SHIPEST_OK)
        return st;
    return shp_unit_parse_lex(t, lx, first, out, next);
}

shipest_status shp_ctx_unit_parse(shipest_ctx *ctx, const char *text, size_t len, shp_unit *out)
{
    const struct shp_tables *t;
    shipest_status st = shp_tables_get(ctx, &t);
    if (st != SHIPEST_OK)
        return st;
    return shp_unit_parse(ctx, t, text, len, out, NULL);
}

size_t shp_ctx_unit_format(shipest_ctx *ctx, const shp_unit *u, char *buf, size_t size)
{
    return shp_unit_format(ctx != NULL ? ctx->tables : NULL, u, buf, size);
}
