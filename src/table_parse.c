/* table_parse.c — the table text format (docs/tables.md), parsed into a
 * scratch layer over the context's tables and committed only when the whole
 * text is valid. */
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct tparser {
    shipest_ctx *ctx;
    shp_lexer lx;
    shp_token tok;
    struct shp_tables *s;    /* the scratch layer */
    const char *file;        /* owned by s->files */
    shp_entry_type cur_type; /* statement that takes attributes, or SHP_ENTRY_NTYPES */
    void *cur;
    shp_token cur_tok;       /* where that statement started */
    unsigned seen;           /* attributes seen on it (bit per attribute keyword) */
} tparser;

/* ---- small helpers --------------------------------------------------------- */

static shipest_status next(tparser *P)
{
    return shp_lex_next(&P->lx, &P->tok);
}

static shipest_status err_at(tparser *P, const shp_token *t, shipest_status st, const char *fmt,
                             ...) SHP_PRINTF(4, 5);
static shipest_status err_at(tparser *P, const shp_token *t, shipest_status st, const char *fmt,
                             ...)
{
    char msg[SHP_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return shp_lex_error_at(&P->lx, t, st, "%s", msg);
}

static shipest_status expected(tparser *P, const char *what)
{
    char d[64];
    return err_at(P, &P->tok, SHIPEST_EPARSE, "expected %s, found %s", what,
                  shp_tok_describe(&P->lx, &P->tok, d, sizeof d));
}

static shipest_status end_of_line(tparser *P)
{
    if (P->tok.kind == SHP_TOK_NEWLINE || P->tok.kind == SHP_TOK_END)
        return SHIPEST_OK;
    return expected(P, "the end of the line");
}

static char *tok_dup(tparser *P, const shp_token *t)
{
    return shp_strndup(P->ctx, P->lx.src + t->start, t->len);
}

static shipest_status make_loc(tparser *P, const shp_token *t, shp_loc *loc)
{
    char buf[64];
    snprintf(buf, sizeof buf, ":%u", (unsigned)t->line);
    size_t n = strlen(P->file);
    loc->file = P->file;
    loc->line = t->line;
    loc->col = t->col;
    loc->text = shp_alloc(P->ctx, n + strlen(buf) + 1);
    if (loc->text == NULL)
        return SHIPEST_ENOMEM;
    memcpy(loc->text, P->file, n);
    strcpy(loc->text + n, buf);
    return SHIPEST_OK;
}

/* A copy of src[a, b) with runs of blanks folded to one space. */
static char *slice_dup(tparser *P, size_t a, size_t b)
{
    char *p = shp_alloc(P->ctx, b - a + 1);
    if (p == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = a; i < b; i++) {
        char c = P->lx.src[i];
        if (c == '#' || c == '\n' || c == '\r')
            break; /* a comment after the value is not part of it */
        if (c == ' ' || c == '\t') {
            if (o > 0 && p[o - 1] != ' ')
                p[o++] = ' ';
            continue;
        }
        p[o++] = c;
    }
    while (o > 0 && p[o - 1] == ' ')
        o--;
    p[o] = '\0';
    return p;
}

/* ---- pre-scan: line length and binary garbage ------------------------------ */

static shipest_status prescan(tparser *P, const char *text, size_t len)
{
    uint32_t line = 1;
    size_t line_start = 0;
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = 0; i <= len; i++) {
        while (i < len && u[i] >= 0x20 && u[i] < 0x80)
            i++; /* printable ASCII: nothing to check */
        if (i == len || text[i] == '\n') {
            if (i - line_start > SHP_TABLE_MAX_LINE)
                return shp_lex_error(&P->lx, line, 1, SHIPEST_ELIMIT,
                                     "line is longer than %u bytes", SHP_TABLE_MAX_LINE);
            line++;
            line_start = i + 1;
            continue;
        }
        unsigned char c = (unsigned char)text[i];
        uint32_t col = (uint32_t)(i - line_start + 1);
        if (c == 0)
            return shp_lex_error(&P->lx, line, col, SHIPEST_EPARSE,
                                 "NUL byte: this is not a text table");
        if (c < 0x20 && c != '\t' && c != '\r')
            return shp_lex_error(&P->lx, line, col, SHIPEST_EPARSE,
                                 "control byte 0x%02X: this is not a text table", (unsigned)c);
        if (c < 0x80)
            continue;
        /* UTF-8: lead byte, then continuation bytes in the allowed ranges. */
        size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                                              : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        int ok = n != 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++) {
            unsigned char d = (unsigned char)text[i + k];
            unsigned lo = 0x80, hi = 0xBF;
            if (k == 1) {
                if (c == 0xE0)
                    lo = 0xA0;
                else if (c == 0xED)
                    hi = 0x9F;
                else if (c == 0xF0)
                    lo = 0x90;
                else if (c == 0xF4)
                    hi = 0x8F;
            }
            ok = d >= lo && d <= hi;
        }
        if (!ok)
            return shp_lex_error(&P->lx, line, col, SHIPEST_EPARSE,
                                 "invalid UTF-8 (byte 0x%02X): this is not a UTF-8 text table",
                                 (unsigned)c);
        i += n - 1;
    }
    return SHIPEST_OK;
}

/* ---- distributions ---------------------------------------------------------- */

typedef struct family {
    const char *name;
    int min_args, max_args;
} family;

static const family families[] = {
    {"constant", 1, 1},     {"uniform", 2, 2},       {"normal", 2, 2},
    {"lognormal", 2, 2},    {"lognormal_median_gsd", 2, 2},
    {"lognormal_mean_sd", 2, 2},                     {"interval90", 2, 2},
    {"triangular", 3, 3},   {"pert", 3, 4},          {"beta", 2, 4},
    {"gamma", 2, 2},        {"exponential", 1, 1},   {"student_t", 3, 3},
    {"truncnormal", 4, 4},  {"poisson", 1, 1},       {"binomial", 2, 2},
    {"quantile3", 6, 6},
};

static shipest_status make_dist(shipest_ctx *ctx, const char *fam, const double *a, int n,
                                shipest_dist **out)
{
    if (strcmp(fam, "constant") == 0) return shipest_dist_constant(ctx, a[0], out);
    if (strcmp(fam, "uniform") == 0) return shipest_dist_uniform(ctx, a[0], a[1], out);
    if (strcmp(fam, "normal") == 0) return shipest_dist_normal(ctx, a[0], a[1], out);
    if (strcmp(fam, "lognormal") == 0) return shipest_dist_lognormal(ctx, a[0], a[1], out);
    if (strcmp(fam, "lognormal_median_gsd") == 0)
        return shipest_dist_lognormal_median_gsd(ctx, a[0], a[1], out);
    if (strcmp(fam, "lognormal_mean_sd") == 0)
        return shipest_dist_lognormal_mean_sd(ctx, a[0], a[1], out);
    if (strcmp(fam, "interval90") == 0) return shipest_dist_interval90(ctx, a[0], a[1], out);
    if (strcmp(fam, "triangular") == 0)
        return shipest_dist_triangular(ctx, a[0], a[1], a[2], out);
    if (strcmp(fam, "pert") == 0)
        return shipest_dist_pert(ctx, a[0], a[1], a[2], n == 4 ? a[3] : 4.0, out);
    if (strcmp(fam, "beta") == 0)
        return shipest_dist_beta(ctx, a[0], a[1], n == 4 ? a[2] : 0.0, n == 4 ? a[3] : 1.0, out);
    if (strcmp(fam, "gamma") == 0) return shipest_dist_gamma(ctx, a[0], a[1], out);
    if (strcmp(fam, "exponential") == 0) return shipest_dist_exponential(ctx, a[0], out);
    if (strcmp(fam, "student_t") == 0)
        return shipest_dist_student_t(ctx, a[0], a[1], a[2], out);
    if (strcmp(fam, "truncnormal") == 0)
        return shipest_dist_truncnormal(ctx, a[0], a[1], a[2], a[3], out);
    if (strcmp(fam, "poisson") == 0) return shipest_dist_poisson(ctx, a[0], out);
    if (strcmp(fam, "binomial") == 0) return shipest_dist_binomial(ctx, a[0], a[1], out);
    return shipest_dist_quantile3(ctx, a[0], a[1], a[2], a[3], a[4], a[5], out);
}

/* Prefix a distribution constructor's message with the position. */
static shipest_status dist_failed(tparser *P, const shp_token *at, shipest_status st,
                                  const char *what)
{
    if (st == SHIPEST_ENOMEM)
        return st;
    char msg[SHP_ERRMSG_MAX];
    snprintf(msg, sizeof msg, "%s", shipest_ctx_errmsg(P->ctx));
    return err_at(P, at, st == SHIPEST_EINVAL ? SHIPEST_EDOMAIN : st, "impossible distribution %s: %s",
                  what, msg);
}

/* A signed number argument: [+|-] NUMBER | [+|-] inf. */
static shipest_status parse_arg(tparser *P, double *v)
{
    shipest_status st;
    double sign = 1.0;
    if (P->tok.kind == SHP_TOK_MINUS || P->tok.kind == SHP_TOK_PLUS) {
        sign = P->tok.kind == SHP_TOK_MINUS ? -1.0 : 1.0;
        if ((st = next(P)) != SHIPEST_OK)
            return st;
    }
    if (P->tok.kind == SHP_TOK_NUMBER)
        *v = sign * P->tok.value;
    else if (shp_tok_is(&P->lx, &P->tok, "inf"))
        *v = sign * INFINITY;
    else
        return expected(P, "a number");
    return next(P);
}

/* DIST := NUMBER | NUMBER 'to' NUMBER | family '(' args ')'. On success
 * P->tok is the token after it and [*a, *b) its text. */
static shipest_status parse_dist(tparser *P, shipest_dist **out, size_t *a, size_t *b)
{
    shipest_status st;
    shp_token first = P->tok;
    *out = NULL;
    *a = first.start;
    if (first.kind == SHP_TOK_NUMBER || first.kind == SHP_TOK_MINUS) {
        double lo = 0.0, hi = 0.0;
        if ((st = parse_arg(P, &lo)) != SHIPEST_OK)
            return st;
        if (!shp_tok_is(&P->lx, &P->tok, "to")) {
            *b = P->tok.start;
            st = shipest_dist_constant(P->ctx, lo, out);
            return st == SHIPEST_OK ? st : dist_failed(P, &first, st, "constant");
        }
        if ((st = next(P)) != SHIPEST_OK || (st = parse_arg(P, &hi)) != SHIPEST_OK)
            return st;
        *b = P->tok.start;
        st = shipest_dist_interval90(P->ctx, lo, hi, out);
        return st == SHIPEST_OK ? st : dist_failed(P, &first, st, "'a to b'");
    }
    if (first.kind != SHP_TOK_NAME)
        return expected(P, "a distribution (a number, 'a to b' or family(args))");
    const family *fam = NULL;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (shp_tok_is(&P->lx, &first, families[i].name))
            fam = &families[i];
    if (fam == NULL)
        return err_at(P, &first, SHIPEST_EPARSE,
                      "unknown distribution family '%.*s' (families: constant uniform normal "
                      "lognormal triangular pert beta gamma exponential student_t truncnormal "
                      "poisson binomial ...)",
                      (int)(first.len > 40 ? 40 : first.len), P->lx.src + first.start);
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_LPAREN)
        return expected(P, "'(' after the family name");
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    double args[6] = {0, 0, 0, 0, 0, 0};
    int n = 0;
    for (;;) {
        if (n == fam->max_args)
            return err_at(P, &P->tok, SHIPEST_EPARSE, "%s takes at most %d arguments", fam->name,
                          fam->max_args);
        if ((st = parse_arg(P, &args[n])) != SHIPEST_OK)
            return st;
        n++;
        if (P->tok.kind == SHP_TOK_RPAREN)
            break;
        if (P->tok.kind != SHP_TOK_COMMA)
            return expected(P, "',' or ')'");
        if ((st = next(P)) != SHIPEST_OK)
            return st;
    }
    if (n < fam->min_args || (fam->min_args == 2 && fam->max_args == 4 && n == 3))
        return err_at(P, &first, SHIPEST_EPARSE, "%s takes %d%s arguments, not %d", fam->name,
                      fam->min_args,
                      fam->max_args == fam->min_args ? "" : fam->max_args == 4 ? " or 4" : "+",
                      n);
    for (int i = 0; i < n; i++)
        if (isinf(args[i]) && strcmp(fam->name, "truncnormal") != 0 &&
            strcmp(fam->name, "quantile3") != 0)
            return err_at(P, &first, SHIPEST_EDOMAIN, "%s: argument %d is infinite", fam->name,
                          i + 1);
    *b = P->tok.start + P->tok.len;
    st = make_dist(P->ctx, fam->name, args, n, out);
    if (st != SHIPEST_OK)
        return dist_failed(P, &first, st, fam->name);
    if ((st = next(P)) != SHIPEST_OK) { /* the caller owns *out only on success */
        shipest_dist_free(*out);
        *out = NULL;
    }
    return st;
}

/* A conversion factor or a load quantity must be positive. */
static shipest_status check_positive(tparser *P, const shp_token *at, const shipest_dist *d,
                                     const char *what)
{
    double p = 0.0;
    shipest_status st = shipest_dist_cdf(d, 0.0, &p);
    if (st != SHIPEST_OK)
        return dist_failed(P, at, st, what);
    if (p > 1e-6)
        return err_at(P, at, SHIPEST_EDOMAIN,
                      "%s must be positive, but its distribution is <= 0 with probability %.3g",
                      what, p);
    return SHIPEST_OK;
}

/* ---- names ------------------------------------------------------------------ */

static const char *type_word(shp_entry_type ty)
{
    static const char *const w[] = {"kind", "alias", "unit", "factor", "carrier", "cargo"};
    return ty < SHP_ENTRY_NTYPES ? w[ty] : "entry";
}

static const shp_loc *entry_loc(shp_entry_type ty, const void *e)
{
    switch (ty) {
    case SHP_ENTRY_KIND: return &((const shp_kind *)e)->where;
    case SHP_ENTRY_ALIAS: return &((const shp_alias *)e)->where;
    case SHP_ENTRY_UNIT: return &((const shp_unitdef *)e)->where;
    case SHP_ENTRY_FACTOR: return &((const shp_factor *)e)->where;
    default: return &((const shp_loaddef *)e)->where;
    }
}

/* Where an existing definition lives: in the scratch layer (1) or a parent (0). */
static int in_scratch(const tparser *P, shp_entry_type ty, const void *e)
{
    const shp_vec *v = &P->s->entries[ty];
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i] == e)
            return 1;
    return 0;
}

/* Check a new definition of `name` of type ty against existing ones. For an
 * override, *old is set to the entry it replaces. */
static shipest_status check_define(tparser *P, const shp_token *name_tok, shp_entry_type ty,
                                   int is_override, const void *existing, shp_entry_type ex_ty,
                                   const void **old)
{
    int n = (int)(name_tok->len > 64 ? 64 : name_tok->len);
    const char *name = P->lx.src + name_tok->start;
    *old = NULL;
    if (existing == NULL) {
        if (is_override)
            return err_at(P, name_tok, SHIPEST_ENAME,
                          "override: there is no %s '%.*s' to replace (drop 'override' to define "
                          "it)",
                          type_word(ty), n, name);
        return SHIPEST_OK;
    }
    const shp_loc *w = entry_loc(ex_ty, existing);
    if (!is_override)
        return err_at(P, name_tok, SHIPEST_ENAME,
                      "'%.*s' is already defined as a %s at %s:%u:%u; write 'override %s ...' to "
                      "replace it",
                      n, name, type_word(ex_ty), w->file, (unsigned)w->line, (unsigned)w->col,
                      type_word(ty));
    if (ex_ty != ty)
        return err_at(P, name_tok, SHIPEST_ENAME,
                      "override: '%.*s' is a %s (%s:%u:%u), not a %s", n, name, type_word(ex_ty),
                      w->file, (unsigned)w->line, (unsigned)w->col, type_word(ty));
    *old = existing;
    return SHIPEST_OK;
}

/* Add entry e of type ty to the scratch layer; `old` is the entry it
 * overrides (NULL if new). An override of an entry of this same text
 * replaces it in place. */
static shipest_status add_entry_owned(tparser *P, shp_entry_type ty, void *e, const void *old);

/* Add entry e (replacing old, an entry of the same name, when not NULL).
 * On failure e is freed, unless it already went into the scratch layer,
 * which frees it with everything else. */
static shipest_status add_entry(tparser *P, shp_entry_type ty, void *e, const void *old)
{
    shipest_status st = add_entry_owned(P, ty, e, old);
    if (st != SHIPEST_OK) {
        const shp_vec *v = &P->s->entries[ty];
        if (v->n == 0 || v->items[v->n - 1] != e)
            shp_entry_free(P->ctx, ty, e);
    }
    return st;
}

static shipest_status add_entry_owned(tparser *P, shp_entry_type ty, void *e, const void *old)
{
    shipest_status st;
    if (old != NULL && in_scratch(P, ty, old)) {
        shp_vec *v = &P->s->entries[ty];
        for (size_t i = 0; i < v->n; i++)
            if (v->items[i] == old) {
                v->items[i] = e;
                shp_entry_free(P->ctx, ty, (void *)old);
                return SHIPEST_OK;
            }
    }
    if ((st = shp_vec_reserve(P->ctx, &P->s->overrides[ty], 1)) != SHIPEST_OK)
        return st;
    if ((st = shp_vec_push(P->ctx, &P->s->entries[ty], e)) != SHIPEST_OK)
        return st;
    P->s->overrides[ty].items[P->s->overrides[ty].n++] = (void *)old;
    size_t total = P->s->entries[ty].n;
    for (const struct shp_tables *t = P->s->parent; t != NULL; t = t->parent)
        total += t->entries[ty].n;
    if (total > SHP_TABLE_MAX_ENTRIES)
        return shp_lex_error(&P->lx, P->cur_tok.line, P->cur_tok.col, SHIPEST_ELIMIT,
                             "more than %u %s entries", SHP_TABLE_MAX_ENTRIES, type_word(ty));
    return SHIPEST_OK;
}

static shipest_status expect_name(tparser *P, const char *what)
{
    if (P->tok.kind != SHP_TOK_NAME)
        return expected(P, what);
    if (shp_unit_is_reserved(P->lx.src + P->tok.start, P->tok.len))
        return err_at(P, &P->tok, SHIPEST_ENAME,
                      "'%.*s' is a built-in unit name (or one that is ambiguous) and cannot be "
                      "defined",
                      (int)P->tok.len, P->lx.src + P->tok.start);
    return SHIPEST_OK;
}

/* ---- statements --------------------------------------------------------------- */

/* The NAME that starts a kind, alias or unit statement: checked against
 * what is already defined (check_define, which sets *old), then skipped. */
static shipest_status define_name(tparser *P, const char *what, shp_entry_type ty,
                                  int is_override, shp_token *name, const void **old)
{
    shipest_status st;
    *name = P->tok;
    if ((st = expect_name(P, what)) != SHIPEST_OK)
        return st;
    const void *existing;
    shp_entry_type ex_ty = shp_tables_find_name(P->s, P->lx.src + name->start, name->len, &existing);
    if (ex_ty == SHP_ENTRY_NTYPES)
        existing = NULL;
    if ((st = check_define(P, name, ty, is_override, existing, ex_ty, old)) != SHIPEST_OK)
        return st;
    return next(P);
}

/* '=' and what follows it. */
static shipest_status skip_equals(tparser *P)
{
    if (P->tok.kind != SHP_TOK_EQUALS)
        return expected(P, "'='");
    return next(P);
}

static shipest_status stmt_kind(tparser *P, int is_override)
{
    shipest_status st;
    shp_token name;
    const void *old;
    if ((st = define_name(P, "a kind name", SHP_ENTRY_KIND, is_override, &name, &old)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_STRING)
        return expected(P, "the kind's description in double quotes");
    shp_kind *k = shp_calloc(P->ctx, 1, sizeof *k);
    if (k == NULL)
        return SHIPEST_ENOMEM;
    if ((k->name = tok_dup(P, &name)) == NULL ||
        shp_lex_string(&P->lx, &P->tok, &k->description, NULL) != SHIPEST_OK ||
        make_loc(P, &name, &k->where) != SHIPEST_OK) {
        shp_entry_free(P->ctx, SHP_ENTRY_KIND, k);
        return SHIPEST_ENOMEM;
    }
    if (old != NULL)
        k->dim = ((const shp_kind *)old)->dim;
    else {
        if (P->s->n_kinds_total >= SHP_MAX_DIMS - SHP_DIM_FIRST_KIND) {
            shp_entry_free(P->ctx, SHP_ENTRY_KIND, k);
            return err_at(P, &name, SHIPEST_ELIMIT, "more than %d item kinds",
                          SHP_MAX_DIMS - SHP_DIM_FIRST_KIND);
        }
        k->dim = SHP_DIM_FIRST_KIND + P->s->n_kinds_total;
    }
    if ((st = add_entry(P, SHP_ENTRY_KIND, k, old)) != SHIPEST_OK)
        return st;
    if (old == NULL)
        P->s->n_kinds_total++;
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    return end_of_line(P);
}

static shipest_status stmt_alias(tparser *P, int is_override)
{
    shipest_status st;
    shp_token name;
    const void *old;
    if ((st = define_name(P, "an alias name", SHP_ENTRY_ALIAS, is_override, &name, &old)) != SHIPEST_OK)
        return st;
    if ((st = skip_equals(P)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_NAME)
        return expected(P, "the unit or kind the alias stands for");
    shp_token target = P->tok;
    if (shp_unit_is_trap(P->lx.src + target.start, target.len))
        return err_at(P, &target, SHIPEST_EUNIT,
                      "'%.*s' is ambiguous: write t (or tonne), short_ton or long_ton",
                      (int)target.len, P->lx.src + target.start);
    shp_alias *a = shp_calloc(P->ctx, 1, sizeof *a);
    if (a == NULL)
        return SHIPEST_ENOMEM;
    if ((a->name = tok_dup(P, &name)) == NULL || (a->target = tok_dup(P, &target)) == NULL ||
        make_loc(P, &name, &a->where) != SHIPEST_OK) {
        shp_entry_free(P->ctx, SHP_ENTRY_ALIAS, a);
        return SHIPEST_ENOMEM;
    }
    a->target_where = a->where;
    a->target_where.text = NULL;
    a->target_where.col = target.col;
    if ((st = add_entry(P, SHP_ENTRY_ALIAS, a, old)) != SHIPEST_OK)
        return st;
    /* A cycle through names already defined shows now, at this line;
     * targets defined later are checked at the end of the text. */
    shp_unit u;
    char why[256];
    if (shp_tables_resolve(P->s, a->name, strlen(a->name), &u, why, sizeof why) == -2 &&
        strncmp(why, "cyclic", 6) == 0)
        return err_at(P, &target, SHIPEST_EUNIT, "%s", why);
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    return end_of_line(P);
}

static shipest_status stmt_unit(tparser *P, int is_override)
{
    shipest_status st;
    shp_token name;
    const void *old;
    if ((st = define_name(P, "a unit name", SHP_ENTRY_UNIT, is_override, &name, &old)) != SHIPEST_OK)
        return st;
    if ((st = skip_equals(P)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_NUMBER || !(P->tok.value > 0.0))
        return expected(P, "a positive number (unit NAME = NUMBER UNIT)");
    shp_token num = P->tok;
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    shp_unit u, scaled;
    shp_token after;
    if ((st = shp_unit_parse_lex_flags(P->s, &P->lx, &P->tok, SHP_UNIT_GREEDY, &u, &after)) !=
        SHIPEST_OK)
        return st;
    size_t def_end = after.start;
    P->tok = after;
    if ((st = end_of_line(P)) != SHIPEST_OK)
        return st;
    shp_unit k;
    shp_unit_one(&k);
    k.scale = num.value;
    if (shp_unit_mul(NULL, &u, &k, &scaled) != SHIPEST_OK)
        return err_at(P, &num, SHIPEST_ELIMIT, "unit scale out of range");
    shp_unitdef *d = shp_calloc(P->ctx, 1, sizeof *d);
    if (d == NULL)
        return SHIPEST_ENOMEM;
    d->unit = scaled;
    char dim[160], si[200];
    shp_unit_format_dim(P->s, &scaled, dim, sizeof dim);
    snprintf(si, sizeof si, "%.15g %s", scaled.scale, dim);
    if ((d->name = tok_dup(P, &name)) == NULL ||
        (d->definition = slice_dup(P, num.start, def_end)) == NULL ||
        (d->si_text = shp_strdup(P->ctx, si)) == NULL ||
        make_loc(P, &name, &d->where) != SHIPEST_OK) {
        shp_entry_free(P->ctx, SHP_ENTRY_UNIT, d);
        return SHIPEST_ENOMEM;
    }
    if ((st = add_entry(P, SHP_ENTRY_UNIT, d, old)) != SHIPEST_OK)
        return st;
    return SHIPEST_OK;
}

static shipest_status set_stream(tparser *P, shp_uncertain *u)
{
    size_t n = strlen(u->name);
    char *key = shp_alloc(P->ctx, n + 8);
    if (key == NULL)
        return SHIPEST_ENOMEM;
    memcpy(key, "factor:", 7);
    memcpy(key + 7, u->name, n + 1);
    u->stream = shp_hash_name(key, n + 7);
    shp_free(P->ctx, key);
    return SHIPEST_OK;
}

static shipest_status stmt_factor(tparser *P, int is_override)
{
    shipest_status st;
    shp_token name = P->tok;
    if (P->tok.kind != SHP_TOK_NAME)
        return expected(P, "a factor name");
    const shp_factor *existing = shp_tables_find_factor(P->s, P->lx.src + name.start, name.len);
    const void *old;
    if ((st = check_define(P, &name, SHP_ENTRY_FACTOR, is_override, existing, SHP_ENTRY_FACTOR,
                           &old)) != SHIPEST_OK)
        return st;
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_COLON)
        return expected(P, "':' (factor NAME: 1 FROMUNIT = DIST TOUNIT)");
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_NUMBER || !(P->tok.value > 0.0))
        return expected(P, "a positive number (factor NAME: 1 FROMUNIT = DIST TOUNIT)");
    shp_token num = P->tok;
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    shp_unit from, to;
    shp_token after;
    if ((st = shp_unit_parse_lex_flags(P->s, &P->lx, &P->tok, SHP_UNIT_GREEDY, &from, &after)) !=
        SHIPEST_OK)
        return st;
    size_t from_end = after.start;
    P->tok = after;
    if ((st = skip_equals(P)) != SHIPEST_OK)
        return st;
    shp_token dist_tok = P->tok;
    shipest_dist *dist;
    size_t da, db;
    if ((st = parse_dist(P, &dist, &da, &db)) != SHIPEST_OK)
        return st;
    size_t to_start = P->tok.start, to_end = to_start;
    if (P->tok.kind == SHP_TOK_NEWLINE || P->tok.kind == SHP_TOK_END)
        shp_unit_one(&to); /* a dimensionless factor */
    else {
        if ((st = shp_unit_parse_lex_flags(P->s, &P->lx, &P->tok, SHP_UNIT_GREEDY, &to, &after)) !=
            SHIPEST_OK) {
            shipest_dist_free(dist);
            return st;
        }
        to_end = after.start;
        P->tok = after;
    }
    if ((st = end_of_line(P)) != SHIPEST_OK ||
        (st = check_positive(P, &dist_tok, dist, "a conversion factor")) != SHIPEST_OK) {
        shipest_dist_free(dist);
        return st;
    }
    shp_factor *f = shp_calloc(P->ctx, 1, sizeof *f);
    if (f == NULL) {
        shipest_dist_free(dist);
        return SHIPEST_ENOMEM;
    }
    f->u.dist = dist;
    shp_unit per;
    if (shp_unit_div(NULL, &to, &from, &per) != SHIPEST_OK) {
        shp_entry_free(P->ctx, SHP_ENTRY_FACTOR, f);
        return err_at(P, &num, SHIPEST_ELIMIT, "factor unit out of range");
    }
    f->u.k = per.scale / num.value;
    if (!(f->u.k > 0.0) || !isfinite(f->u.k)) {
        shp_entry_free(P->ctx, SHP_ENTRY_FACTOR, f);
        return err_at(P, &num, SHIPEST_ELIMIT, "factor scale out of range");
    }
    per.scale = 1.0;
    f->u.unit = per;
    char si[160];
    shp_unit_format_dim(P->s, &per, si, sizeof si);
    if ((f->u.name = tok_dup(P, &name)) == NULL ||
        (f->u.dist_text = slice_dup(P, da, db)) == NULL ||
        (f->u.si_text = shp_strdup(P->ctx, si)) == NULL ||
        (f->from_text = slice_dup(P, num.start, from_end)) == NULL ||
        (f->to_text = to_end > to_start ? slice_dup(P, to_start, to_end)
                                        : shp_strdup(P->ctx, "1")) == NULL ||
        make_loc(P, &name, &f->where) != SHIPEST_OK || set_stream(P, &f->u) != SHIPEST_OK) {
        shp_entry_free(P->ctx, SHP_ENTRY_FACTOR, f);
        return SHIPEST_ENOMEM;
    }
    if ((st = add_entry(P, SHP_ENTRY_FACTOR, f, old)) != SHIPEST_OK)
        return st;
    P->cur_type = SHP_ENTRY_FACTOR;
    P->cur = f;
    P->cur_tok = name;
    P->seen = 0;
    return SHIPEST_OK;
}

static shipest_status stmt_load(tparser *P, shp_entry_type ty, int is_override)
{
    shipest_status st;
    shp_token name = P->tok;
    if (P->tok.kind != SHP_TOK_NAME)
        return expected(P, "an item kind");
    shp_unit u;
    char why[256];
    int r = shp_tables_resolve(P->s, P->lx.src + name.start, name.len, &u, why, sizeof why);
    if (r == -2)
        return err_at(P, &name, SHIPEST_EUNIT, "%s", why);
    int dim = -1, nz = 0;
    for (int d = 0; d < SHP_MAX_DIMS && r == 0; d++)
        if (u.exp[d] != 0) {
            nz++;
            dim = d;
        }
    if (r != 0 || nz != 1 || dim < SHP_DIM_FIRST_KIND || u.exp[dim] != 1 || u.scale != 1.0)
        return err_at(P, &name, SHIPEST_EUNIT,
                      "'%.*s' is not an item kind (declare it with 'kind' first)",
                      (int)(name.len > 64 ? 64 : name.len), P->lx.src + name.start);
    const shp_loaddef *existing = shp_tables_find_load(P->s, ty, dim);
    const void *old;
    if ((st = check_define(P, &name, ty, is_override, existing, ty, &old)) != SHIPEST_OK)
        return st;
    if ((st = next(P)) != SHIPEST_OK || (st = end_of_line(P)) != SHIPEST_OK)
        return st;
    shp_loaddef *d = shp_calloc(P->ctx, 1, sizeof *d);
    if (d == NULL)
        return SHIPEST_ENOMEM;
    d->dim = dim;
    const char *kn = shp_tables_kind_name(P->s, dim);
    if ((d->kind = shp_strdup(P->ctx, kn != NULL ? kn : "?")) == NULL ||
        make_loc(P, &name, &d->where) != SHIPEST_OK) {
        shp_entry_free(P->ctx, ty, d);
        return SHIPEST_ENOMEM;
    }
    if ((st = add_entry(P, ty, d, old)) != SHIPEST_OK)
        return st;
    P->cur_type = ty;
    P->cur = d;
    P->cur_tok = name;
    P->seen = 0;
    return SHIPEST_OK;
}

/* ---- attributes ---------------------------------------------------------------- */

enum {
    A_SOURCE, A_DATE, A_CONFIDENCE, A_PREFERRED, A_ROUTE, A_NOTE,
    A_PAYLOAD, A_USABLE, A_VOLUME, A_LENGTH, A_MASS, A_COUNT
};
static const char *const attr_words[A_COUNT] = {"source",  "date",   "confidence", "preferred",
                                                "route",   "note",   "payload",    "usable",
                                                "volume",  "length", "mass"};

static shipest_status string_attr(tparser *P, const shp_token *kw, char **out)
{
    shipest_status st;
    (void)kw;
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    if (P->tok.kind != SHP_TOK_STRING)
        return expected(P, "a string in double quotes");
    if ((st = shp_lex_string(&P->lx, &P->tok, out, NULL)) != SHIPEST_OK)
        return st;
    return next(P);
}

static int date_ok(const char *s)
{
    /* YYYY, YYYY-MM or YYYY-MM-DD with a plausible month and day. */
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return 0;
    }
    if (n >= 7) {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12)
            return 0;
    }
    if (n == 10) {
        int d = (s[8] - '0') * 10 + (s[9] - '0');
        if (d < 1 || d > 31)
            return 0;
    }
    return 1;
}

/* Expected SI dimension (before dividing by the kind) of a load attribute. */
static void attr_dim(int a, shp_unit *u)
{
    shp_unit_one(u);
    if (a == A_PAYLOAD || a == A_MASS)
        u->exp[SHP_DIM_MASS] = 1;
    else if (a == A_VOLUME)
        u->exp[SHP_DIM_LENGTH] = 3;
    else if (a == A_LENGTH)
        u->exp[SHP_DIM_LENGTH] = 1;
}

static shp_attr attr_slot(int a)
{
    switch (a) {
    case A_PAYLOAD: return SHP_ATTR_PAYLOAD;
    case A_USABLE: return SHP_ATTR_USABLE;
    case A_VOLUME: return SHP_ATTR_VOLUME;
    case A_LENGTH: return SHP_ATTR_LENGTH;
    default: return SHP_ATTR_MASS;
    }
}

/* `payload FACTORNAME` or `volume DIST UNIT` of a carrier or cargo. */
static shipest_status load_attr(tparser *P, shp_loaddef *d, int a, const shp_token *kw)
{
    shipest_status st;
    shp_loadattr *at = &d->attr[attr_slot(a)];
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    size_t start = P->tok.start;
    shp_token peek;
    if (P->tok.kind == SHP_TOK_NAME) {
        if ((st = shp_lex_peek(&P->lx, &peek)) != SHIPEST_OK)
            return st;
        if (peek.kind != SHP_TOK_LPAREN) { /* a factor's name, checked at the end */
            if ((at->factor_name = tok_dup(P, &P->tok)) == NULL ||
                (at->text = tok_dup(P, &P->tok)) == NULL)
                return SHIPEST_ENOMEM;
            at->where.file = P->file;
            at->where.line = P->tok.line;
            at->where.col = P->tok.col;
            if ((st = next(P)) != SHIPEST_OK)
                return st;
            return end_of_line(P);
        }
    }
    shp_token dist_tok = P->tok;
    shipest_dist *dist;
    size_t da, db;
    if ((st = parse_dist(P, &dist, &da, &db)) != SHIPEST_OK)
        return st;
    shp_unit unit, want, per;
    shp_unit_one(&unit);
    size_t end = P->tok.start;
    if (P->tok.kind != SHP_TOK_NEWLINE && P->tok.kind != SHP_TOK_END) {
        shp_token after;
        if ((st = shp_unit_parse_lex_flags(P->s, &P->lx, &P->tok, SHP_UNIT_GREEDY, &unit, &after)) !=
            SHIPEST_OK) {
            shipest_dist_free(dist);
            return st;
        }
        end = after.start;
        P->tok = after;
    }
    if ((st = end_of_line(P)) != SHIPEST_OK) {
        shipest_dist_free(dist);
        return st;
    }
    /* The unit is per carrier or per item: kg, or kg/container_20ft. */
    attr_dim(a, &want);
    per = unit;
    if (per.exp[d->dim] == -1)
        per.exp[d->dim] = 0;
    if (!shp_unit_same_dim(&per, &want)) {
        char got[96], exp[96];
        shp_unit_format_dim(P->s, &unit, got, sizeof got);
        shp_unit_format_dim(P->s, &want, exp, sizeof exp);
        shipest_dist_free(dist);
        return err_at(P, kw, SHIPEST_EUNIT, "%s of %s: unit %s is not a %s (%s)",
                      attr_words[a], d->kind, got,
                      a == A_USABLE ? "pure number" : a == A_VOLUME ? "volume"
                                                     : a == A_LENGTH ? "length" : "mass",
                      exp);
    }
    if ((st = check_positive(P, &dist_tok, dist, attr_words[a])) != SHIPEST_OK) {
        shipest_dist_free(dist);
        return st;
    }
    shp_uncertain *u = shp_calloc(P->ctx, 1, sizeof *u);
    if (u == NULL) {
        shipest_dist_free(dist);
        return SHIPEST_ENOMEM;
    }
    at->own = u;
    u->dist = dist;
    u->k = per.scale;
    per.scale = 1.0;
    if (a != A_USABLE)
        per.exp[d->dim] = -1;
    u->unit = per;
    char nm[160], si[160];
    snprintf(nm, sizeof nm, "%s.%s", d->kind, attr_words[a]);
    shp_unit_format_dim(P->s, &per, si, sizeof si);
    if ((u->name = shp_strdup(P->ctx, nm)) == NULL || (u->si_text = shp_strdup(P->ctx, si)) == NULL ||
        (u->dist_text = slice_dup(P, da, db)) == NULL ||
        (at->text = slice_dup(P, start, end)) == NULL || set_stream(P, u) != SHIPEST_OK)
        return SHIPEST_ENOMEM;
    at->where.file = P->file;
    at->where.line = kw->line;
    at->where.col = kw->col;
    return SHIPEST_OK;
}

static shipest_status attribute(tparser *P)
{
    shipest_status st;
    shp_token kw = P->tok;
    if (P->cur_type == SHP_ENTRY_NTYPES)
        return err_at(P, &kw, SHIPEST_EPARSE,
                      "indented line: attributes belong to a factor, carrier or cargo statement "
                      "above them (statements start in column 1)");
    int a = -1;
    for (int i = 0; i < A_COUNT; i++)
        if (shp_tok_is(&P->lx, &kw, attr_words[i]))
            a = i;
    int is_factor = P->cur_type == SHP_ENTRY_FACTOR;
    int allowed = a >= 0 && (a <= A_CONFIDENCE ||
                             (is_factor && a <= A_NOTE) ||
                             (P->cur_type == SHP_ENTRY_CARRIER &&
                              (a == A_PAYLOAD || a == A_USABLE || a == A_VOLUME ||
                               a == A_LENGTH || a == A_NOTE)) ||
                             (P->cur_type == SHP_ENTRY_CARGO &&
                              (a == A_MASS || a == A_VOLUME || a == A_LENGTH || a == A_NOTE)));
    if (!allowed) {
        char d[64];
        return err_at(P, &kw, SHIPEST_EPARSE, "unknown attribute %s for a %s (allowed: %s)",
                      shp_tok_describe(&P->lx, &kw, d, sizeof d), type_word(P->cur_type),
                      is_factor ? "source date confidence preferred route note"
                      : P->cur_type == SHP_ENTRY_CARRIER
                          ? "payload usable volume length source date confidence note"
                          : "mass volume length source date confidence note");
    }
    if (P->seen & (1u << a))
        return err_at(P, &kw, SHIPEST_EPARSE, "attribute '%s' given twice", attr_words[a]);
    P->seen |= 1u << a;

    shp_factor *f = is_factor ? P->cur : NULL;
    shp_loaddef *d = is_factor ? NULL : P->cur;
    char **slot = NULL;
    switch (a) {
    case A_SOURCE: slot = f ? (char **)&f->u.source : &d->source; break;
    case A_DATE: slot = f ? (char **)&f->u.date : &d->date; break;
    case A_CONFIDENCE: slot = f ? (char **)&f->u.confidence : &d->confidence; break;
    case A_NOTE:
        if (f == NULL) { /* carriers and cargo keep no note; accept and drop it */
            char *tmp = NULL;
            st = string_attr(P, &kw, &tmp);
            shp_free(P->ctx, tmp);
            return st == SHIPEST_OK ? end_of_line(P) : st;
        }
        slot = &f->note;
        break;
    case A_PREFERRED:
        f->preferred = 1;
        if ((st = next(P)) != SHIPEST_OK)
            return st;
        return end_of_line(P);
    case A_ROUTE:
        if ((st = next(P)) != SHIPEST_OK)
            return st;
        if (P->tok.kind != SHP_TOK_NAME)
            return expected(P, "a route name");
        if ((f->route = tok_dup(P, &P->tok)) == NULL)
            return SHIPEST_ENOMEM;
        if ((st = next(P)) != SHIPEST_OK)
            return st;
        return end_of_line(P);
    default:
        return load_attr(P, d, a, &kw);
    }
    if ((st = string_attr(P, &kw, slot)) != SHIPEST_OK)
        return st;
    if (a == A_DATE && !date_ok(*slot))
        return err_at(P, &kw, SHIPEST_EPARSE,
                      "date \"%.40s\" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)", *slot);
    if (a == A_CONFIDENCE && !(((*slot)[0] == 'V' || (*slot)[0] == 'K' || (*slot)[0] == 'D') &&
                               ((*slot)[1] == '\0' || (*slot)[1] == ':' || (*slot)[1] == ' ' ||
                                (*slot)[1] == ',' || (*slot)[1] == '/')))
        return err_at(P, &kw, SHIPEST_EPARSE,
                      "confidence must start with V (verified), K (unverified reference value) "
                      "or D (derived), e.g. \"D: from ...\"");
    if (a == A_SOURCE && (*slot)[0] == '\0')
        return err_at(P, &kw, SHIPEST_EPARSE, "source is empty");
    return end_of_line(P);
}

/* The statement with attributes is complete: check what it requires. */
static shipest_status finish_statement(tparser *P)
{
    if (P->cur_type == SHP_ENTRY_NTYPES)
        return SHIPEST_OK;
    const shp_token *at = &P->cur_tok;
    const char *what = type_word(P->cur_type);
    unsigned need = (1u << A_SOURCE) | (1u << A_DATE) | (1u << A_CONFIDENCE);
    for (int a = A_SOURCE; a <= A_CONFIDENCE; a++)
        if (!(P->seen & (1u << a)) && (need & (1u << a)))
            return shp_lex_error(&P->lx, at->line, at->col, SHIPEST_EPARSE,
                                 "%s '%.*s' has no %s (every %s needs source, date and "
                                 "confidence)",
                                 what, (int)(at->len > 64 ? 64 : at->len),
                                 P->lx.src + at->start, attr_words[a], what);
    if (P->cur_type != SHP_ENTRY_FACTOR) {
        shp_loaddef *d = P->cur;
        int ok = P->cur_type == SHP_ENTRY_CARRIER
                     ? (d->attr[SHP_ATTR_PAYLOAD].text != NULL ||
                        d->attr[SHP_ATTR_VOLUME].text != NULL)
                     : (d->attr[SHP_ATTR_MASS].text != NULL ||
                        d->attr[SHP_ATTR_VOLUME].text != NULL);
        if (!ok)
            return shp_lex_error(&P->lx, at->line, at->col, SHIPEST_EPARSE,
                                 "%s %s needs %s", what, d->kind,
                                 P->cur_type == SHP_ENTRY_CARRIER ? "a payload or a volume"
                                                                  : "a mass or a volume");
        /* Its own quantities carry its provenance. */
        for (int a = 0; a < SHP_ATTR_COUNT; a++) {
            shp_uncertain *u = d->attr[a].own;
            if (u == NULL)
                continue;
            if ((u->source = shp_strdup(P->ctx, d->source)) == NULL ||
                (u->date = shp_strdup(P->ctx, d->date)) == NULL ||
                (u->confidence = shp_strdup(P->ctx, d->confidence)) == NULL)
                return SHIPEST_ENOMEM;
        }
    }
    P->cur_type = SHP_ENTRY_NTYPES;
    P->cur = NULL;
    return SHIPEST_OK;
}

/* ---- whole-text checks ------------------------------------------------------------ */

static shipest_status check_aliases(tparser *P)
{
    const shp_vec *v = &P->s->entries[SHP_ENTRY_ALIAS];
    for (size_t i = 0; i < v->n; i++) {
        const shp_alias *a = v->items[i];
        shp_unit u;
        char why[256];
        if (shp_tables_resolve(P->s, a->name, strlen(a->name), &u, why, sizeof why) != 0)
            return shp_lex_error(&P->lx, a->where.line, a->target_where.col, SHIPEST_EUNIT, "%s",
                                 why);
    }
    return SHIPEST_OK;
}

/* Every carrier and cargo, old and new, against the factors as they will
 * be after the commit (an override may have changed a factor's units). */
static shipest_status check_loads(tparser *P)
{
    for (const struct shp_tables *t = P->s; t != NULL; t = t->parent)
        for (int ty = SHP_ENTRY_CARRIER; ty <= SHP_ENTRY_CARGO; ty++) {
            const shp_vec *v = &t->entries[ty];
            for (size_t i = 0; i < v->n; i++) {
                const shp_loaddef *d = v->items[i];
                if (t != P->s && shp_tables_find_load(P->s, (shp_entry_type)ty, d->dim) != d)
                    continue; /* overridden in this text */
                for (int a = 0; a < SHP_ATTR_COUNT; a++) {
                    const shp_loadattr *at = &d->attr[a];
                    if (at->factor_name == NULL)
                        continue;
                    const shp_factor *f =
                        shp_tables_find_factor(P->s, at->factor_name, strlen(at->factor_name));
                    static const int words[SHP_ATTR_COUNT] = {A_PAYLOAD, A_USABLE, A_VOLUME,
                                                              A_LENGTH, A_MASS};
                    if (f == NULL)
                        return shp_lex_error(&P->lx, at->where.line, at->where.col,
                                             SHIPEST_ENAME,
                                             "%s of %s: no factor named '%s'%s%s",
                                             attr_words[words[a]], d->kind, at->factor_name,
                                             t != P->s ? " (defined at " : "",
                                             t != P->s ? d->where.text : "");
                    shp_unit want;
                    attr_dim(words[a], &want);
                    if (a != SHP_ATTR_USABLE)
                        want.exp[d->dim] = -1;
                    if (!shp_unit_same_dim(&f->u.unit, &want)) {
                        char need[96];
                        shp_unit_format_dim(P->s, &want, need, sizeof need);
                        return shp_lex_error(&P->lx, at->where.line, at->where.col, SHIPEST_EUNIT,
                                             "%s of %s: factor '%s' converts to %s, but %s is "
                                             "needed",
                                             attr_words[words[a]], d->kind, f->u.name,
                                             f->u.si_text, need);
                    }
                }
            }
        }
    return SHIPEST_OK;
}

/* ---- commit ------------------------------------------------------------------------ */

static shipest_status commit(shipest_ctx *ctx, struct shp_tables *s)
{
    struct shp_tables *p = ctx->tables;
    shipest_status st;
    /* Reserve everything first: the moves below cannot fail. */
    for (int ty = 0; ty < SHP_ENTRY_NTYPES; ty++) {
        size_t n_new = 0, n_over = 0;
        for (size_t i = 0; i < s->entries[ty].n; i++) {
            if (s->overrides[ty].items[i] != NULL)
                n_over++;
            else
                n_new++;
        }
        if ((st = shp_vec_reserve(ctx, &p->entries[ty], n_new)) != SHIPEST_OK ||
            (st = shp_vec_reserve(ctx, &p->retired[ty], n_over)) != SHIPEST_OK)
            return st;
    }
    if ((st = shp_vec_reserve(ctx, &p->files, s->files.n)) != SHIPEST_OK)
        return st;
    for (int ty = 0; ty < SHP_ENTRY_NTYPES; ty++) {
        for (size_t i = 0; i < s->entries[ty].n; i++) {
            void *e = s->entries[ty].items[i];
            void *old = s->overrides[ty].items[i];
            if (old == NULL) {
                p->entries[ty].items[p->entries[ty].n++] = e;
                continue;
            }
            for (size_t k = 0; k < p->entries[ty].n; k++)
                if (p->entries[ty].items[k] == old) {
                    p->entries[ty].items[k] = e; /* keeps its place in listings */
                    break;
                }
            p->retired[ty].items[p->retired[ty].n++] = old;
        }
        s->entries[ty].n = 0;
    }
    for (size_t i = 0; i < s->files.n; i++)
        p->files.items[p->files.n++] = s->files.items[i];
    s->files.n = 0;
    p->n_kinds_total = s->n_kinds_total;
    /* The scratch lexicon is the whole new lexicon (a copy of the old one
     * plus this text's hedges): it replaces the old one, and the scratch is
     * left empty so freeing the scratch layer frees nothing twice. */
    shp_hedge_set_free(ctx, &p->hedges);
    p->hedges = s->hedges;
    shp_hedge_set_init(&s->hedges);
    return SHIPEST_OK;
}

/* ---- driver ------------------------------------------------------------------------- */

static shipest_status parse_all(tparser *P)
{
    shipest_status st;
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    while (P->tok.kind == SHP_TOK_NEWLINE)
        if ((st = next(P)) != SHIPEST_OK)
            return st;
    /* Header: shipest-table 1 */
    shp_token h = P->tok;
    shp_token dash, word, ver;
    if (!shp_tok_is(&P->lx, &h, "shipest") || h.col != 1)
        return err_at(P, &h, SHIPEST_EPARSE,
                      "a table starts with the line 'shipest-table 1' (is this a table file?)");
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    dash = P->tok;
    if (dash.kind != SHP_TOK_MINUS || dash.start != h.start + h.len)
        return expected(P, "'-table' in 'shipest-table 1'");
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    word = P->tok;
    if (!shp_tok_is(&P->lx, &word, "table") || word.start != dash.start + 1)
        return expected(P, "'table' in 'shipest-table 1'");
    if ((st = next(P)) != SHIPEST_OK)
        return st;
    ver = P->tok;
    if (ver.kind != SHP_TOK_NUMBER)
        return expected(P, "the format version (shipest-table 1)");
    if (ver.value != 1.0 || ver.num.flags != 0)
        return err_at(P, &ver, SHIPEST_EUNSUPPORTED,
                      "table format version %.*s is not supported (this library reads version 1)",
                      (int)(ver.len > 20 ? 20 : ver.len), P->lx.src + ver.start);
    if ((st = next(P)) != SHIPEST_OK || (st = end_of_line(P)) != SHIPEST_OK)
        return st;

    for (;;) {
        if (P->tok.kind == SHP_TOK_END)
            break;
        if (P->tok.kind == SHP_TOK_NEWLINE) {
            if ((st = next(P)) != SHIPEST_OK)
                return st;
            continue;
        }
        if (P->tok.col != 1) {
            if (P->tok.kind != SHP_TOK_NAME)
                return expected(P, "an attribute name");
            if ((st = attribute(P)) != SHIPEST_OK)
                return st;
            continue;
        }
        if ((st = finish_statement(P)) != SHIPEST_OK)
            return st;
        shp_token kw = P->tok;
        int is_override = 0;
        if (shp_tok_is(&P->lx, &kw, "override")) {
            is_override = 1;
            if ((st = next(P)) != SHIPEST_OK)
                return st;
            kw = P->tok;
        }
        if (kw.kind != SHP_TOK_NAME)
            return expected(P, "a statement (kind, alias, unit, factor, carrier, cargo or "
                               "hedge)");
        if (shp_tok_is(&P->lx, &kw, "hedge")) {
            /* The hedge lexicon (hedge.h, docs/claims.md). The statement
             * parser reads the name and the attribute lines and leaves the
             * lexer just before the next column-1 statement (or the end). */
            shp_hedge *entry;
            if ((st = shp_hedge_parse_statement(P->ctx, &P->lx, &kw, &entry)) != SHIPEST_OK ||
                (st = shp_hedge_set_add(P->ctx, &P->s->hedges, entry, is_override)) !=
                    SHIPEST_OK ||
                (st = next(P)) != SHIPEST_OK)
                return st;
            continue;
        }
        P->cur_tok = kw;
        if ((st = next(P)) != SHIPEST_OK)
            return st;
        if (shp_tok_is(&P->lx, &kw, "kind"))
            st = stmt_kind(P, is_override);
        else if (shp_tok_is(&P->lx, &kw, "alias"))
            st = stmt_alias(P, is_override);
        else if (shp_tok_is(&P->lx, &kw, "unit"))
            st = stmt_unit(P, is_override);
        else if (shp_tok_is(&P->lx, &kw, "factor"))
            st = stmt_factor(P, is_override);
        else if (shp_tok_is(&P->lx, &kw, "carrier"))
            st = stmt_load(P, SHP_ENTRY_CARRIER, is_override);
        else if (shp_tok_is(&P->lx, &kw, "cargo"))
            st = stmt_load(P, SHP_ENTRY_CARGO, is_override);
        else {
            char d[64];
            return err_at(P, &kw, SHIPEST_EPARSE,
                          "unknown statement %s (expected kind, alias, unit, factor, carrier, "
                          "cargo, hedge or override)",
                          shp_tok_describe(&P->lx, &kw, d, sizeof d));
        }
        if (st != SHIPEST_OK)
            return st;
    }
    if ((st = finish_statement(P)) != SHIPEST_OK)
        return st;
    if ((st = check_aliases(P)) != SHIPEST_OK)
        return st;
    return check_loads(P);
}

shipest_status shp_table_load(shipest_ctx *ctx, const char *name, const char *text, size_t len,
                              int is_default)
{
    shipest_status st;
    if (!is_default && (ctx->tables == NULL || !ctx->tables->default_loaded)) {
        const struct shp_tables *t;
        if ((st = shp_tables_get(ctx, &t)) != SHIPEST_OK)
            return st;
    }
    if (name == NULL)
        name = "<string>";
    tparser P;
    memset(&P, 0, sizeof P);
    P.ctx = ctx;
    P.cur_type = SHP_ENTRY_NTYPES;
    P.s = shp_calloc(ctx, 1, sizeof *P.s);
    if (P.s == NULL)
        return SHIPEST_ENOMEM;
    P.s->parent = is_default ? NULL : ctx->tables;
    P.s->n_kinds_total = P.s->parent != NULL ? P.s->parent->n_kinds_total : 0;
    char *file = shp_strdup(ctx, name);
    if (file == NULL || shp_vec_push(ctx, &P.s->files, file) != SHIPEST_OK) {
        shp_free(ctx, file);
        shp_tables_free(ctx, P.s);
        return SHIPEST_ENOMEM;
    }
    P.file = file;
    /* The lexicon: the embedded defaults under the default table, else a
     * copy of the committed one that this text's `hedge` statements change. */
    st = is_default ? shp_hedge_set_default(ctx, &P.s->hedges)
                    : shp_hedge_set_copy(ctx, &ctx->tables->hedges, &P.s->hedges);
    if (st != SHIPEST_OK) {
        shp_tables_free(ctx, P.s);
        return st;
    }
    shp_lex_init(&P.lx, ctx, P.file, text, len);
    st = prescan(&P, text, len);
    if (st == SHIPEST_OK)
        st = parse_all(&P);
    if (st == SHIPEST_OK) {
        if (is_default) {
            P.s->default_loaded = 1;
            shp_tables_free(ctx, ctx->tables); /* NULL in practice: the default comes first */
            ctx->tables = P.s;
            return SHIPEST_OK;
        }
        st = commit(ctx, P.s);
    }
    shp_tables_free(ctx, P.s);
    return st;
}
