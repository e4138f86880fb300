/* table.c — the registry of kinds, aliases, units, factors, carriers and
 * cargo; route search and load plans; the public loading, listing and
 * single-conversion API. The text format is parsed in table_parse.c. */
#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- vectors and freeing -------------------------------------------------- */

shipest_status shp_vec_reserve(shipest_ctx *ctx, shp_vec *v, size_t more)
{
    if (more <= v->cap - v->n)
        return SHIPEST_OK;
    size_t want = v->n + more;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < want)
        cap *= 2;
    void **p = shp_realloc(ctx, v->items, cap * sizeof *p);
    if (p == NULL)
        return SHIPEST_ENOMEM;
    v->items = p;
    v->cap = cap;
    return SHIPEST_OK;
}

shipest_status shp_vec_push(shipest_ctx *ctx, shp_vec *v, void *p)
{
    shipest_status st = shp_vec_reserve(ctx, v, 1);
    if (st != SHIPEST_OK)
        return st;
    v->items[v->n++] = p;
    return SHIPEST_OK;
}

static void free_uncertain(shipest_ctx *ctx, shp_uncertain *u)
{
    shp_free(ctx, (void *)u->name);
    shp_free(ctx, (void *)u->source);
    shp_free(ctx, (void *)u->date);
    shp_free(ctx, (void *)u->confidence);
    shp_free(ctx, (void *)u->dist_text);
    shp_free(ctx, (void *)u->si_text);
    shipest_dist_free((shipest_dist *)u->dist);
}

void shp_entry_free(shipest_ctx *ctx, shp_entry_type type, void *entry)
{
    if (entry == NULL)
        return;
    switch (type) {
    case SHP_ENTRY_KIND: {
        shp_kind *k = entry;
        shp_free(ctx, k->name);
        shp_free(ctx, k->description);
        shp_free(ctx, k->where.text);
        break;
    }
    case SHP_ENTRY_ALIAS: {
        shp_alias *a = entry;
        shp_free(ctx, a->name);
        shp_free(ctx, a->target);
        shp_free(ctx, a->where.text);
        break;
    }
    case SHP_ENTRY_UNIT: {
        shp_unitdef *u = entry;
        shp_free(ctx, u->name);
        shp_free(ctx, u->definition);
        shp_free(ctx, u->si_text);
        shp_free(ctx, u->where.text);
        break;
    }
    case SHP_ENTRY_FACTOR: {
        shp_factor *f = entry;
        free_uncertain(ctx, &f->u);
        shp_free(ctx, f->from_text);
        shp_free(ctx, f->to_text);
        shp_free(ctx, f->note);
        shp_free(ctx, f->route);
        shp_free(ctx, f->where.text);
        break;
    }
    case SHP_ENTRY_CARRIER:
    case SHP_ENTRY_CARGO: {
        shp_loaddef *d = entry;
        shp_free(ctx, d->kind);
        for (int a = 0; a < SHP_ATTR_COUNT; a++) {
            shp_free(ctx, d->attr[a].factor_name);
            shp_free(ctx, d->attr[a].text);
            if (d->attr[a].own != NULL) {
                free_uncertain(ctx, d->attr[a].own);
                shp_free(ctx, d->attr[a].own);
            }
        }
        shp_free(ctx, d->source);
        shp_free(ctx, d->date);
        shp_free(ctx, d->confidence);
        shp_free(ctx, d->where.text);
        break;
    }
    default:
        break;
    }
    shp_free(ctx, entry);
}

void shp_tables_free(shipest_ctx *ctx, struct shp_tables *t)
{
    if (t == NULL)
        return;
    for (int ty = 0; ty < SHP_ENTRY_NTYPES; ty++) {
        for (size_t i = 0; i < t->entries[ty].n; i++)
            shp_entry_free(ctx, (shp_entry_type)ty, t->entries[ty].items[i]);
        for (size_t i = 0; i < t->retired[ty].n; i++)
            shp_entry_free(ctx, (shp_entry_type)ty, t->retired[ty].items[i]);
        shp_free(ctx, t->entries[ty].items);
        shp_free(ctx, t->retired[ty].items);
        shp_free(ctx, t->overrides[ty].items);
    }
    for (size_t i = 0; i < t->files.n; i++)
        shp_free(ctx, t->files.items[i]);
    shp_free(ctx, t->files.items);
    shp_hedge_set_free(ctx, &t->hedges);
    shp_free(ctx, t);
}

/* ---- lookups through the layers ------------------------------------------ */

static int str_eq_n(const char *s, const char *name, size_t len)
{
    return strncmp(s, name, len) == 0 && s[len] == '\0';
}

static const char *entry_name(shp_entry_type ty, const void *e)
{
    switch (ty) {
    case SHP_ENTRY_KIND: return ((const shp_kind *)e)->name;
    case SHP_ENTRY_ALIAS: return ((const shp_alias *)e)->name;
    case SHP_ENTRY_UNIT: return ((const shp_unitdef *)e)->name;
    case SHP_ENTRY_FACTOR: return ((const shp_factor *)e)->u.name;
    default: return ((const shp_loaddef *)e)->kind;
    }
}

shp_entry_type shp_tables_find_name(const struct shp_tables *t, const char *name, size_t len,
                                    const void **entry)
{
    for (; t != NULL; t = t->parent)
        for (int ty = SHP_ENTRY_KIND; ty <= SHP_ENTRY_UNIT; ty++) {
            const shp_vec *v = &t->entries[ty];
            for (size_t i = 0; i < v->n; i++)
                if (str_eq_n(entry_name((shp_entry_type)ty, v->items[i]), name, len)) {
                    if (entry != NULL)
                        *entry = v->items[i];
                    return (shp_entry_type)ty;
                }
        }
    return SHP_ENTRY_NTYPES;
}

const shp_factor *shp_tables_find_factor(const struct shp_tables *t, const char *name, size_t len)
{
    for (; t != NULL; t = t->parent) {
        const shp_vec *v = &t->entries[SHP_ENTRY_FACTOR];
        for (size_t i = 0; i < v->n; i++) {
            const shp_factor *f = v->items[i];
            if (str_eq_n(f->u.name, name, len))
                return f;
        }
    }
    return NULL;
}

const shp_loaddef *shp_tables_find_load(const struct shp_tables *t, shp_entry_type type, int dim)
{
    for (; t != NULL; t = t->parent) {
        const shp_vec *v = &t->entries[type];
        for (size_t i = 0; i < v->n; i++) {
            const shp_loaddef *d = v->items[i];
            if (d->dim == dim)
                return d;
        }
    }
    return NULL;
}

const char *shp_tables_kind_name(const struct shp_tables *t, int dim)
{
    for (; t != NULL; t = t->parent) {
        const shp_vec *v = &t->entries[SHP_ENTRY_KIND];
        for (size_t i = 0; i < v->n; i++) {
            const shp_kind *k = v->items[i];
            if (k->dim == dim)
                return k->name;
        }
    }
    return NULL;
}

#define ALIAS_MAX_CHAIN 16

int shp_tables_resolve(const struct shp_tables *t, const char *name, size_t len, shp_unit *out,
                       char *why, size_t why_size)
{
    const shp_alias *chain[ALIAS_MAX_CHAIN];
    size_t n = 0;
    const char *cur = name;
    size_t cur_len = len;
    for (;;) {
        const void *e;
        shp_entry_type ty = shp_tables_find_name(t, cur, cur_len, &e);
        if (ty == SHP_ENTRY_KIND) {
            shp_unit_one(out);
            out->exp[((const shp_kind *)e)->dim] = 1;
            return 0;
        }
        if (ty == SHP_ENTRY_UNIT) {
            *out = ((const shp_unitdef *)e)->unit;
            return 0;
        }
        if (ty == SHP_ENTRY_ALIAS) {
            const shp_alias *a = e;
            for (size_t i = 0; i < n; i++) {
                if (chain[i] != a)
                    continue;
                /* Name the whole cycle: "a -> b -> a". */
                size_t o = 0;
                if (why_size > 0)
                    o = (size_t)snprintf(why, why_size, "cyclic alias: ");
                for (size_t j = i; j < n && o < why_size; j++)
                    o += (size_t)snprintf(why + o, why_size - o, "%s -> ", chain[j]->name);
                if (o < why_size)
                    snprintf(why + o, why_size - o, "%s", a->name);
                return -2;
            }
            if (n == ALIAS_MAX_CHAIN) {
                if (why_size > 0)
                    snprintf(why, why_size, "alias chain from '%s' is longer than %d",
                             chain[0]->name, ALIAS_MAX_CHAIN);
                return -2;
            }
            chain[n++] = a;
            cur = a->target;
            cur_len = strlen(cur);
            continue;
        }
        /* Not in the tables: an alias may still point at a built-in unit. */
        if (n > 0) {
            if (shp_unit_builtin(cur, cur_len, out))
                return 0;
            const shp_alias *last = chain[n - 1];
            if (why_size > 0)
                snprintf(why, why_size, "alias '%s' (%s:%u) points to unknown unit '%s'",
                         last->name, last->where.file, (unsigned)last->where.line, cur);
            return -2;
        }
        if (why_size > 0)
            snprintf(why, why_size, "unknown unit '%.*s'", (int)(len > 64 ? 64 : len), name);
        return -1;
    }
}

const shp_uncertain *shp_loadattr_get(const struct shp_tables *t, const shp_loaddef *d,
                                      shp_attr a)
{
    const shp_loadattr *at = &d->attr[a];
    if (at->own != NULL)
        return at->own;
    if (at->factor_name != NULL) {
        const shp_factor *f = shp_tables_find_factor(t, at->factor_name, strlen(at->factor_name));
        return f != NULL ? &f->u : NULL;
    }
    return NULL;
}

/* ---- the context's tables -------------------------------------------------- */

shipest_status shp_tables_get(shipest_ctx *ctx, const struct shp_tables **out)
{
    if (ctx->tables == NULL || !ctx->tables->default_loaded) {
        shipest_status st = shp_table_load(ctx, "default.stbl",
                                           (const char *)shp_default_table,
                                           shp_default_table_len, 1);
        if (st != SHIPEST_OK)
            return st;
    }
    *out = ctx->tables;
    return SHIPEST_OK;
}

/* ---- route search ---------------------------------------------------------- */

#define ROUTE_MAX_SOLUTIONS 16
#define ROUTE_NODE_BUDGET 2000000L
#define VIA_MAX 8

typedef struct edge {
    int8_t delta[SHP_MAX_DIMS];
    const shp_factor *f;   /* NULL for a load plan */
    shp_loadplan plan;
    int preferred;
    int via;               /* uses a factor of a requested route tag */
} edge;

typedef struct step_choice {
    int edge;
    int sign;
} step_choice;

typedef struct solution {
    size_t n;
    step_choice s[SHP_MAX_ROUTE];
} solution;

typedef struct search {
    edge *edges;
    size_t n_edges;
    int *touch;            /* touch[d * n_edges + k]: edges touching dim d */
    size_t touch_n[SHP_MAX_DIMS];
    unsigned char *used;
    step_choice stack[SHP_MAX_ROUTE];
    size_t depth;
    int need_via;
    solution sol[ROUTE_MAX_SOLUTIONS];
    size_t n_sol;
    long nodes;
    int overflow;
} search;

static int cmp_choice(const void *a, const void *b)
{
    const step_choice *x = a, *y = b;
    if (x->edge != y->edge)
        return x->edge < y->edge ? -1 : 1;
    return (x->sign > y->sign) - (x->sign < y->sign);
}

static void record(search *S)
{
    solution s;
    s.n = S->depth;
    memcpy(s.s, S->stack, S->depth * sizeof s.s[0]);
    qsort(s.s, s.n, sizeof s.s[0], cmp_choice);
    if (S->need_via) {
        int any = 0;
        for (size_t i = 0; i < s.n; i++)
            any |= S->edges[s.s[i].edge].via;
        if (!any)
            return;
    }
    for (size_t i = 0; i < S->n_sol; i++)
        if (S->sol[i].n == s.n && memcmp(S->sol[i].s, s.s, s.n * sizeof s.s[0]) == 0)
            return;
    if (S->n_sol < ROUTE_MAX_SOLUTIONS)
        S->sol[S->n_sol++] = s;
}

static void dfs(search *S, const int *res, size_t left)
{
    if (++S->nodes > ROUTE_NODE_BUDGET) {
        S->overflow = 1;
        return;
    }
    /* Every route must cancel the residual's dimensions; branch on the one
     * touched by the fewest edges (kinds usually), which keeps the search
     * small and still complete. */
    int best = -1;
    for (int d = 0; d < SHP_MAX_DIMS; d++)
        if (res[d] != 0 && (best < 0 || S->touch_n[d] < S->touch_n[best]))
            best = d;
    if (best < 0) {
        if (left == 0)
            record(S);
        return;
    }
    if (left == 0)
        return;
    for (size_t k = 0; k < S->touch_n[best] && !S->overflow; k++) {
        int e = S->touch[(size_t)best * S->n_edges + k];
        if (S->used[e])
            continue;
        for (int sign = 1; sign >= -1; sign -= 2) {
            int next[SHP_MAX_DIMS];
            for (int d = 0; d < SHP_MAX_DIMS; d++)
                next[d] = res[d] - sign * S->edges[e].delta[d];
            S->used[e] = 1;
            S->stack[S->depth++] = (step_choice){e, sign};
            dfs(S, next, left - 1);
            S->depth--;
            S->used[e] = 0;
        }
    }
}

/* Split a via list ("a, b c") into names; returns the count or -1 if too many. */
static int split_via(const char *via, const char *names[VIA_MAX], size_t lens[VIA_MAX])
{
    int n = 0;
    const char *p = via;
    while (*p != '\0') {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        const char *s = p;
        while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        if (n == VIA_MAX)
            return -1;
        names[n] = s;
        lens[n] = (size_t)(p - s);
        n++;
    }
    return n;
}

static int in_via(const char *route, int n_via, const char *const *names, const size_t *lens)
{
    if (route == NULL)
        return 0;
    for (int i = 0; i < n_via; i++)
        if (str_eq_n(route, names[i], lens[i]))
            return 1;
    return 0;
}

/* The via-tagged factor that replaces f (same dimension), or NULL. */
static const shp_factor *substitute(const struct shp_tables *t, const shp_factor *f, int n_via,
                                    const char *const *names, const size_t *lens)
{
    if (f == NULL || f->route != NULL || n_via == 0)
        return NULL;
    const shp_vec *v = &t->entries[SHP_ENTRY_FACTOR];
    for (size_t i = 0; i < v->n; i++) {
        const shp_factor *g = v->items[i];
        if (in_via(g->route, n_via, names, lens) && shp_unit_same_dim(&g->u.unit, &f->u.unit))
            return g;
    }
    return NULL;
}

/* Resolve a load attribute with via substitution; *via_used set if replaced. */
static const shp_uncertain *plan_attr(const struct shp_tables *t, const shp_loaddef *d, shp_attr a,
                                      int n_via, const char *const *names, const size_t *lens,
                                      int *via_used)
{
    const shp_loadattr *at = &d->attr[a];
    if (at->factor_name != NULL) {
        const shp_factor *f = shp_tables_find_factor(t, at->factor_name, strlen(at->factor_name));
        const shp_factor *g = substitute(t, f, n_via, names, lens);
        if (g != NULL) {
            *via_used = 1;
            return &g->u;
        }
        if (f != NULL && in_via(f->route, n_via, names, lens))
            *via_used = 1;
        return f != NULL ? &f->u : NULL;
    }
    return at->own;
}

static void step_label(const edge *e, int sign, char *buf, size_t size)
{
    if (e->f != NULL)
        snprintf(buf, size, "%s%s", e->f->u.name, sign < 0 ? "^-1" : "");
    else
        snprintf(buf, size, "load plan %s -> %s%s", e->plan.carrier, e->plan.cargo,
                 sign < 0 ? " ^-1" : "");
}

static void route_label(const search *S, const solution *s, char *buf, size_t size)
{
    size_t o = 0;
    if (size > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < s->n && o < size; i++) {
        char one[160];
        step_label(&S->edges[s->s[i].edge], s->s[i].sign, one, sizeof one);
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " * " : "", one);
    }
    if (s->n == 0 && size > 0)
        snprintf(buf, size, "(exact)");
}

static void search_free(shipest_ctx *ctx, search *S)
{
    shp_free(ctx, S->edges);
    shp_free(ctx, S->touch);
    shp_free(ctx, S->used);
}

shipest_status shp_convert_route(shipest_ctx *ctx, const shp_unit *from, const char *from_text,
                                 const shp_unit *to, const char *to_text, const char *via,
                                 shp_conversion *out)
{
    const struct shp_tables *t;
    shipest_status st = shp_tables_get(ctx, &t);
    if (st != SHIPEST_OK)
        return st;
    char fbuf[128], tbuf[128];
    if (from_text == NULL) {
        shp_unit_format(t, from, fbuf, sizeof fbuf);
        from_text = fbuf;
    }
    if (to_text == NULL) {
        shp_unit_format(t, to, tbuf, sizeof tbuf);
        to_text = tbuf;
    }

    const char *vnames[VIA_MAX];
    size_t vlens[VIA_MAX];
    int n_via = 0;
    if (via != NULL) {
        n_via = split_via(via, vnames, vlens);
        if (n_via < 0)
            return shp_error(ctx, SHIPEST_ELIMIT, "more than %d route names in via '%s'", VIA_MAX,
                             via);
        for (int i = 0; i < n_via; i++) {
            int known = 0;
            const shp_vec *v = &t->entries[SHP_ENTRY_FACTOR];
            for (size_t k = 0; k < v->n && !known; k++) {
                const shp_factor *f = v->items[k];
                known = f->route != NULL && str_eq_n(f->route, vnames[i], vlens[i]);
            }
            if (!known)
                return shp_error(ctx, SHIPEST_ENAME,
                                 "no table factor has route '%.*s' (via in %s -> %s)",
                                 (int)(vlens[i] > 64 ? 64 : vlens[i]), vnames[i], from_text,
                                 to_text);
        }
    }

    int R[SHP_MAX_DIMS];
    int zero = 1;
    for (int d = 0; d < SHP_MAX_DIMS; d++) {
        R[d] = to->exp[d] - from->exp[d];
        zero &= R[d] == 0;
    }
    memset(out, 0, sizeof *out);
    out->scale = from->scale / to->scale;
    if (zero && n_via == 0)
        return SHIPEST_OK;
    if (zero)
        return shp_error(ctx, SHIPEST_ENOROUTE,
                         "%s -> %s is an exact unit change: via '%s' has nothing to replace",
                         from_text, to_text, via);

    /* A route may pass through mass, length and time, but through no item
     * kind that is in neither unit: kilograms do not become metres by way of
     * a container's payload and inside length, and rounds do not become
     * 152 mm-equivalents by way of a container's load plans. */
    unsigned char kind_ok[SHP_MAX_DIMS];
    for (int d = 0; d < SHP_MAX_DIMS; d++)
        kind_ok[d] = d < SHP_DIM_FIRST_KIND || from->exp[d] != 0 || to->exp[d] != 0;

    /* Edges: the factors in use, then the load plans. */
    const shp_vec *fv = &t->entries[SHP_ENTRY_FACTOR];
    const shp_vec *cv = &t->entries[SHP_ENTRY_CARRIER];
    const shp_vec *gv = &t->entries[SHP_ENTRY_CARGO];
    size_t max_edges = fv->n + cv->n * gv->n;
    search S;
    memset(&S, 0, sizeof S);
    S.need_via = n_via > 0;
    S.edges = shp_alloc_array(ctx, max_edges ? max_edges : 1, sizeof *S.edges);
    S.used = shp_calloc(ctx, max_edges ? max_edges : 1, 1);
    S.touch = shp_alloc_array(ctx, (max_edges ? max_edges : 1) * SHP_MAX_DIMS, sizeof(int));
    if (S.edges == NULL || S.used == NULL || S.touch == NULL) {
        search_free(ctx, &S);
        return SHIPEST_ENOMEM;
    }
    for (size_t i = 0; i < fv->n; i++) {
        const shp_factor *f = fv->items[i];
        int via_f = in_via(f->route, n_via, vnames, vlens);
        if (f->route != NULL && !via_f)
            continue; /* a named alternative, used only when asked for */
        if (substitute(t, f, n_via, vnames, vlens) != NULL)
            continue;
        if (shp_unit_is_dimensionless(&f->u.unit))
            continue; /* converts nothing */
        int foreign = 0;
        for (int d = SHP_DIM_FIRST_KIND; d < SHP_MAX_DIMS; d++)
            foreign |= f->u.unit.exp[d] != 0 && !kind_ok[d];
        if (foreign)
            continue;
        edge *e = &S.edges[S.n_edges++];
        memset(e, 0, sizeof *e);
        memcpy(e->delta, f->u.unit.exp, sizeof e->delta);
        e->f = f;
        e->preferred = f->preferred;
        e->via = via_f;
    }
    for (size_t i = 0; i < cv->n; i++) {
        const shp_loaddef *c = cv->items[i];
        if (!kind_ok[c->dim])
            continue;
        for (size_t j = 0; j < gv->n; j++) {
            const shp_loaddef *g = gv->items[j];
            if (g->dim == c->dim || !kind_ok[g->dim])
                continue;
            edge *e = &S.edges[S.n_edges];
            memset(e, 0, sizeof *e);
            shp_loadplan *p = &e->plan;
            int via_used = 0;
            p->carrier = c->kind;
            p->cargo = g->kind;
            p->carrier_dim = c->dim;
            p->cargo_dim = g->dim;
            p->payload = plan_attr(t, c, SHP_ATTR_PAYLOAD, n_via, vnames, vlens, &via_used);
            p->usable = plan_attr(t, c, SHP_ATTR_USABLE, n_via, vnames, vlens, &via_used);
            p->volume = plan_attr(t, c, SHP_ATTR_VOLUME, n_via, vnames, vlens, &via_used);
            p->length = plan_attr(t, c, SHP_ATTR_LENGTH, n_via, vnames, vlens, &via_used);
            p->mass = plan_attr(t, g, SHP_ATTR_MASS, n_via, vnames, vlens, &via_used);
            p->cargo_volume = plan_attr(t, g, SHP_ATTR_VOLUME, n_via, vnames, vlens, &via_used);
            p->cargo_length = plan_attr(t, g, SHP_ATTR_LENGTH, n_via, vnames, vlens, &via_used);
            int by_mass = p->payload != NULL && p->mass != NULL;
            int by_volume = p->volume != NULL && p->cargo_volume != NULL;
            if (!by_mass && !by_volume)
                continue;
            if (!by_mass) { /* keep the plan's quantities consistent with its constraints */
                p->payload = p->usable = p->mass = NULL;
            }
            if (!by_volume)
                p->volume = p->cargo_volume = p->length = p->cargo_length = NULL;
            else if (p->length == NULL || p->cargo_length == NULL)
                p->length = p->cargo_length = NULL;
            e->delta[c->dim] = -1;
            e->delta[g->dim] = 1;
            e->preferred = 1; /* the planners' method wins over a bare mass chain */
            e->via = via_used;
            S.n_edges++;
        }
    }
    for (size_t k = 0; k < S.n_edges; k++)
        for (int d = 0; d < SHP_MAX_DIMS; d++)
            if (S.edges[k].delta[d] != 0)
                S.touch[(size_t)d * S.n_edges + S.touch_n[d]++] = (int)k;

    size_t depth;
    for (depth = 1; depth <= SHP_MAX_ROUTE && S.n_sol == 0 && !S.overflow; depth++)
        dfs(&S, R, depth);
    if (S.overflow) {
        search_free(ctx, &S);
        return shp_error(ctx, SHIPEST_ELIMIT,
                         "route search from %s to %s grew past %ld steps; the tables have too "
                         "many interchangeable factors",
                         from_text, to_text, ROUTE_NODE_BUDGET);
    }
    if (S.n_sol == 0) {
        char dimf[128], dimt[128];
        shp_unit_format_dim(t, from, dimf, sizeof dimf);
        shp_unit_format_dim(t, to, dimt, sizeof dimt);
        search_free(ctx, &S);
        if (n_via > 0)
            return shp_error(ctx, SHIPEST_ENOROUTE,
                             "no route from %s to %s uses route '%s' (at most %d steps searched)",
                             from_text, to_text, via, SHP_MAX_ROUTE);
        return shp_error(ctx, SHIPEST_ENOROUTE,
                         "no conversion route from %s (%s) to %s (%s): no chain of at most %d "
                         "table factors or load plans connects them",
                         from_text, dimf, to_text, dimt, SHP_MAX_ROUTE);
    }
    /* Among equally short routes, the one with the most preferred steps wins;
     * a tie is an error naming two of the tied routes. */
    size_t best = 0, second = SIZE_MAX;
    int best_score = -1, second_score = -1;
    for (size_t i = 0; i < S.n_sol; i++) {
        int score = 0;
        for (size_t k = 0; k < S.sol[i].n; k++)
            score += S.edges[S.sol[i].s[k].edge].preferred;
        if (score > best_score) {
            second = best_score >= 0 ? best : SIZE_MAX;
            second_score = best_score;
            best = i;
            best_score = score;
        } else if (score > second_score) {
            second = i;
            second_score = score;
        }
    }
    if (second != SIZE_MAX && second_score == best_score) {
        char r1[200], r2[200];
        route_label(&S, &S.sol[best], r1, sizeof r1);
        route_label(&S, &S.sol[second], r2, sizeof r2);
        search_free(ctx, &S);
        return shp_error(ctx, SHIPEST_EAMBIGUOUS,
                         "two routes from %s to %s disagree: [%s] and [%s]; mark one factor "
                         "'preferred' in the table, or choose one with 'via'",
                         from_text, to_text, r1, r2);
    }
    const solution *s = &S.sol[best];
    out->n_steps = s->n;
    for (size_t k = 0; k < s->n; k++) {
        const edge *e = &S.edges[s->s[k].edge];
        out->steps[k].exponent = s->s[k].sign;
        out->steps[k].factor = e->f != NULL ? &e->f->u : NULL;
        out->steps[k].plan = e->plan;
    }
    search_free(ctx, &S);
    return SHIPEST_OK;
}

/* ---- public: loading ------------------------------------------------------- */

shipest_status shipest_ctx_load_table_string(shipest_ctx *ctx, const char *text, size_t len,
                                             const char *name)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (text == NULL && len > 0)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_ctx_load_table_string: text is NULL");
    return shp_table_load(ctx, name, text != NULL ? text : "", len, 0);
}

shipest_status shipest_ctx_load_table_file(shipest_ctx *ctx, const char *path)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (path == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_ctx_load_table_file: path is NULL");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return shp_error(ctx, SHIPEST_EIO, "%s: cannot open: %s", path, strerror(errno));
    shp_buf b;
    shp_buf_init(&b, ctx);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && !b.failed)
        shp_buf_append(&b, chunk, n);
    int read_error = ferror(f);
    fclose(f);
    if (b.failed) {
        shp_buf_free(&b);
        return shp_error(ctx, SHIPEST_ENOMEM, "%s: out of memory reading the file", path);
    }
    if (read_error) {
        shp_buf_free(&b);
        return shp_error(ctx, SHIPEST_EIO, "%s: read error", path);
    }
    shipest_status st = shp_table_load(ctx, path, b.data != NULL ? b.data : "", b.len, 0);
    shp_buf_free(&b);
    return st;
}

/* ---- public: listing ----------------------------------------------------------- */

/* The entry's index into the tables' arrays, or -1 for an unknown value. */
static int entry_index(shipest_table_entry entry)
{
    switch (entry) {
    case SHIPEST_ENTRY_KIND: return SHP_ENTRY_KIND;
    case SHIPEST_ENTRY_ALIAS: return SHP_ENTRY_ALIAS;
    case SHIPEST_ENTRY_UNIT: return SHP_ENTRY_UNIT;
    case SHIPEST_ENTRY_FACTOR: return SHP_ENTRY_FACTOR;
    case SHIPEST_ENTRY_CARRIER: return SHP_ENTRY_CARRIER;
    case SHIPEST_ENTRY_CARGO: return SHP_ENTRY_CARGO;
    default: return -1;
    }
}

static shipest_status listing_tables(shipest_ctx *ctx, shipest_table_entry entry,
                                     const struct shp_tables **t, size_t *count)
{
    int ix = entry_index(entry);
    if (ix < 0)
        return shp_error(ctx, SHIPEST_EINVAL, "unknown table entry type %d", (int)entry);
    shipest_status st = shp_tables_get(ctx, t);
    if (st != SHIPEST_OK)
        return st;
    *count = (*t)->entries[ix].n + (ix == SHP_ENTRY_UNIT ? shp_unit_builtin_count() : 0);
    return SHIPEST_OK;
}

shipest_status shipest_table_count(shipest_ctx *ctx, shipest_table_entry entry, size_t *count)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (count == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_table_count: count is NULL");
    const struct shp_tables *t = NULL;
    return listing_tables(ctx, entry, &t, count);
}

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

static const char *field_of(const struct shp_tables *t, int ix, shipest_table_entry entry,
                            size_t index, shipest_table_field field)
{
    if (entry == SHIPEST_ENTRY_UNIT) {
        size_t nb = shp_unit_builtin_count();
        if (index < nb) {
            shp_unit u;
            const char *def, *si;
            const char *name = shp_unit_builtin_at(index, &u, &def, &si);
            switch (field) {
            case SHIPEST_FIELD_NAME: return name;
            case SHIPEST_FIELD_DEFINITION: return def;
            case SHIPEST_FIELD_SI: return si;
            case SHIPEST_FIELD_LOCATION: return "built-in";
            default: return "";
            }
        }
        index -= nb;
    }
    const void *e = t->entries[ix].items[index];
    switch (entry) {
    case SHIPEST_ENTRY_KIND: {
        const shp_kind *k = e;
        switch (field) {
        case SHIPEST_FIELD_NAME: return k->name;
        case SHIPEST_FIELD_DESCRIPTION: return k->description;
        case SHIPEST_FIELD_LOCATION: return k->where.text;
        default: return "";
        }
    }
    case SHIPEST_ENTRY_ALIAS: {
        const shp_alias *a = e;
        switch (field) {
        case SHIPEST_FIELD_NAME:
        case SHIPEST_FIELD_FROM: return a->name;
        case SHIPEST_FIELD_TO: return a->target;
        case SHIPEST_FIELD_LOCATION: return a->where.text;
        default: return "";
        }
    }
    case SHIPEST_ENTRY_UNIT: {
        const shp_unitdef *u = e;
        switch (field) {
        case SHIPEST_FIELD_NAME: return u->name;
        case SHIPEST_FIELD_DEFINITION: return u->definition;
        case SHIPEST_FIELD_SI: return u->si_text;
        case SHIPEST_FIELD_LOCATION: return u->where.text;
        default: return "";
        }
    }
    case SHIPEST_ENTRY_FACTOR: {
        const shp_factor *f = e;
        switch (field) {
        case SHIPEST_FIELD_NAME: return f->u.name;
        case SHIPEST_FIELD_FROM: return f->from_text;
        case SHIPEST_FIELD_TO: return f->to_text;
        case SHIPEST_FIELD_DIST: return f->u.dist_text;
        case SHIPEST_FIELD_SOURCE: return nz(f->u.source);
        case SHIPEST_FIELD_DATE: return nz(f->u.date);
        case SHIPEST_FIELD_CONFIDENCE: return nz(f->u.confidence);
        case SHIPEST_FIELD_NOTE: return nz(f->note);
        case SHIPEST_FIELD_ROUTE: return nz(f->route);
        case SHIPEST_FIELD_PREFERRED: return f->preferred ? "preferred" : "";
        case SHIPEST_FIELD_SI: return f->u.si_text;
        case SHIPEST_FIELD_LOCATION: return f->where.text;
        default: return "";
        }
    }
    default: {
        const shp_loaddef *d = e;
        switch (field) {
        case SHIPEST_FIELD_NAME: return d->kind;
        case SHIPEST_FIELD_SOURCE: return nz(d->source);
        case SHIPEST_FIELD_DATE: return nz(d->date);
        case SHIPEST_FIELD_CONFIDENCE: return nz(d->confidence);
        case SHIPEST_FIELD_LOCATION: return d->where.text;
        case SHIPEST_FIELD_PAYLOAD: return nz(d->attr[SHP_ATTR_PAYLOAD].text);
        case SHIPEST_FIELD_USABLE: return nz(d->attr[SHP_ATTR_USABLE].text);
        case SHIPEST_FIELD_VOLUME: return nz(d->attr[SHP_ATTR_VOLUME].text);
        case SHIPEST_FIELD_LENGTH: return nz(d->attr[SHP_ATTR_LENGTH].text);
        case SHIPEST_FIELD_MASS: return nz(d->attr[SHP_ATTR_MASS].text);
        default: return "";
        }
    }
    }
}

shipest_status shipest_table_get(shipest_ctx *ctx, shipest_table_entry entry, size_t index,
                                 shipest_table_field field, const char **value)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (value == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_table_get: value is NULL");
    *value = NULL;
    const struct shp_tables *t = NULL;
    size_t count = 0;
    shipest_status st = listing_tables(ctx, entry, &t, &count);
    if (st != SHIPEST_OK)
        return st;
    if ((int)field < SHIPEST_FIELD_NAME || (int)field > SHIPEST_FIELD_MASS)
        return shp_error(ctx, SHIPEST_EINVAL, "unknown table field %d", (int)field);
    int ix = entry_index(entry);
    if (index >= count || ix < 0)
        return shp_error(ctx, SHIPEST_EINVAL, "table entry index %zu out of range (%zu entries)",
                         index, count);
    *value = field_of(t, ix, entry, index, field);
    return SHIPEST_OK;
}

shipest_status shipest_table_factor_dist(shipest_ctx *ctx, size_t index, const shipest_dist **dist)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (dist == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_table_factor_dist: dist is NULL");
    *dist = NULL;
    const struct shp_tables *t;
    shipest_status st = shp_tables_get(ctx, &t);
    if (st != SHIPEST_OK)
        return st;
    if (index >= t->entries[SHP_ENTRY_FACTOR].n)
        return shp_error(ctx, SHIPEST_EINVAL, "factor index %zu out of range (%zu factors)", index,
                         t->entries[SHP_ENTRY_FACTOR].n);
    *dist = ((const shp_factor *)t->entries[SHP_ENTRY_FACTOR].items[index])->u.dist;
    return SHIPEST_OK;
}

shipest_status shipest_unit_describe(shipest_ctx *ctx, const char *unit, double *si_scale,
                                     char *buf, size_t size, size_t *needed)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (unit == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_unit_describe: unit is NULL");
    if (buf == NULL && size > 0)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_unit_describe: buf is NULL but size is %zu",
                         size);
    const struct shp_tables *t;
    shipest_status st = shp_tables_get(ctx, &t);
    if (st != SHIPEST_OK)
        return st;
    shp_unit u;
    if ((st = shp_unit_parse(ctx, t, unit, strlen(unit), &u, NULL)) != SHIPEST_OK)
        return st;
    if (si_scale != NULL)
        *si_scale = u.scale;
    size_t n = shp_unit_format_dim(t, &u, buf, size);
    if (needed != NULL)
        *needed = n;
    return SHIPEST_OK;
}

/* ---- public: single conversions -------------------------------------------------- */

/* Most trials a single conversion runs (8 MiB of doubles per array). */
#define CONVERT_MAX_TRIALS ((size_t)1 << 20)

struct shipest_conversion {
    shipest_ctx *ctx;
    shipest_dist *dist;
    double scale;
    shp_conversion route;
    char *step_names[SHP_MAX_ROUTE];
    double binding[SHP_MAX_ROUTE][SHP_BIND_COUNT];
    const shp_uncertain *factors[SHP_MAX_ROUTE * 7];
    size_t n_factors;
};

void shipest_conversion_free(shipest_conversion *c)
{
    if (c == NULL)
        return;
    shipest_ctx *ctx = c->ctx;
    shipest_dist_free(c->dist);
    for (size_t i = 0; i < SHP_MAX_ROUTE; i++)
        shp_free(ctx, c->step_names[i]);
    shp_free(ctx, c);
}

static void note_factor(shipest_conversion *c, const shp_uncertain *u)
{
    if (u == NULL)
        return;
    for (size_t i = 0; i < c->n_factors; i++)
        if (c->factors[i] == u)
            return;
    c->factors[c->n_factors++] = u;
}

/* x[j] = samples of u in SI for trials [0, n). */
static shipest_status sample_si(shipest_ctx *ctx, const shp_uncertain *u, size_t n, double *x)
{
    shipest_status st = shipest_dist_sample(ctx, u->dist, u->stream, 0, n, x);
    if (st != SHIPEST_OK)
        return st;
    for (size_t j = 0; j < n; j++)
        x[j] *= u->k;
    return SHIPEST_OK;
}

/* Items per carrier for each trial, into items[]; counts the binding
 * constraint per trial into share[]. tmp needs room for 2n doubles. */
static shipest_status plan_values(shipest_ctx *ctx, const shp_loadplan *p, size_t n, double *items,
                                  double *tmp, double share[SHP_BIND_COUNT])
{
    shipest_status st;
    double *a = tmp, *b = tmp + n;
    const double inf = INFINITY;
    double cand[SHP_BIND_COUNT];
    size_t counts[SHP_BIND_COUNT] = {0, 0, 0};
    for (size_t j = 0; j < n; j++)
        items[j] = inf;
    /* by mass, kept in items while the others go through a and b */
    double *by_mass = NULL;
    if (p->payload != NULL && p->mass != NULL) {
        if ((st = sample_si(ctx, p->payload, n, items)) != SHIPEST_OK ||
            (st = sample_si(ctx, p->mass, n, a)) != SHIPEST_OK)
            return st;
        for (size_t j = 0; j < n; j++)
            items[j] /= a[j];
        if (p->usable != NULL) {
            if ((st = sample_si(ctx, p->usable, n, a)) != SHIPEST_OK)
                return st;
            for (size_t j = 0; j < n; j++)
                items[j] *= a[j];
        }
        by_mass = items;
    }
    int have_volume = p->volume != NULL && p->cargo_volume != NULL;
    int have_length = have_volume && p->length != NULL && p->cargo_length != NULL;
    if (have_volume) {
        if ((st = sample_si(ctx, p->volume, n, a)) != SHIPEST_OK ||
            (st = sample_si(ctx, p->cargo_volume, n, b)) != SHIPEST_OK)
            return st;
        for (size_t j = 0; j < n; j++)
            a[j] /= b[j]; /* a = by volume */
    }
    double *L = NULL;
    if (have_length) {
        L = shp_alloc_array(ctx, 2 * n, sizeof *L);
        if (L == NULL)
            return SHIPEST_ENOMEM;
        if ((st = sample_si(ctx, p->length, n, L)) != SHIPEST_OK ||
            (st = sample_si(ctx, p->cargo_length, n, L + n)) != SHIPEST_OK) {
            shp_free(ctx, L);
            return st;
        }
    }
    for (size_t j = 0; j < n; j++) {
        cand[SHP_BIND_MASS] = by_mass != NULL ? by_mass[j] : inf;
        cand[SHP_BIND_VOLUME] = have_volume ? a[j] : inf;
        cand[SHP_BIND_LENGTH] = inf;
        if (have_length) {
            double ratio = L[j] / L[n + j];
            cand[SHP_BIND_LENGTH] = a[j] * floor(ratio) / ratio;
        }
        int k = 0;
        for (int c = 1; c < SHP_BIND_COUNT; c++)
            if (cand[c] < cand[k])
                k = c;
        counts[k]++;
        items[j] = cand[k];
    }
    shp_free(ctx, L);
    for (int c = 0; c < SHP_BIND_COUNT; c++)
        share[c] = (double)counts[c] / (double)n;
    return SHIPEST_OK;
}

static shipest_status convert_impl(shipest_ctx *ctx, const shipest_dist *value, double number,
                                   const char *from_unit, const char *to_unit, const char *via,
                                   shipest_conversion **out)
{
    const struct shp_tables *t;
    shipest_status st = shp_tables_get(ctx, &t);
    if (st != SHIPEST_OK)
        return st;
    shp_unit from, to;
    if ((st = shp_unit_parse(ctx, t, from_unit, strlen(from_unit), &from, NULL)) != SHIPEST_OK ||
        (st = shp_unit_parse(ctx, t, to_unit, strlen(to_unit), &to, NULL)) != SHIPEST_OK)
        return st;
    shipest_conversion *c = shp_calloc(ctx, 1, sizeof *c);
    if (c == NULL)
        return SHIPEST_ENOMEM;
    c->ctx = ctx;
    if ((st = shp_convert_route(ctx, &from, from_unit, &to, to_unit, via, &c->route)) !=
        SHIPEST_OK) {
        shipest_conversion_free(c);
        return st;
    }
    c->scale = c->route.scale;
    for (size_t i = 0; i < c->route.n_steps; i++) {
        const shp_conv_step *s = &c->route.steps[i];
        char name[200];
        if (s->factor != NULL) {
            snprintf(name, sizeof name, "%s", s->factor->name);
            note_factor(c, s->factor);
        } else {
            snprintf(name, sizeof name, "load plan %s -> %s", s->plan.carrier, s->plan.cargo);
            note_factor(c, s->plan.payload);
            note_factor(c, s->plan.usable);
            note_factor(c, s->plan.mass);
            note_factor(c, s->plan.volume);
            note_factor(c, s->plan.cargo_volume);
            note_factor(c, s->plan.length);
            note_factor(c, s->plan.cargo_length);
        }
        if ((c->step_names[i] = shp_strdup(ctx, name)) == NULL) {
            shipest_conversion_free(c);
            return SHIPEST_ENOMEM;
        }
    }

    /* A number through an exact route stays a number. */
    if (value == NULL && c->route.n_steps == 0) {
        double y = number * c->scale;
        if (!isfinite(y)) {
            shipest_conversion_free(c);
            return shp_error(ctx, SHIPEST_EDOMAIN, "%g %s is out of range in %s", number,
                             from_unit, to_unit);
        }
        if ((st = shipest_dist_constant(ctx, y, &c->dist)) != SHIPEST_OK) {
            shipest_conversion_free(c);
            return st;
        }
        *out = c;
        return SHIPEST_OK;
    }

    size_t n = ctx->trials > 0 && (uint64_t)ctx->trials < CONVERT_MAX_TRIALS
                   ? (size_t)ctx->trials
                   : CONVERT_MAX_TRIALS;
    if (n < 2)
        n = 2; /* an empirical distribution needs two samples */
    double *x = shp_alloc_array(ctx, n, sizeof *x);
    double *y = shp_alloc_array(ctx, 3 * n, sizeof *y);
    if (x == NULL || y == NULL) {
        shp_free(ctx, x);
        shp_free(ctx, y);
        shipest_conversion_free(c);
        return SHIPEST_ENOMEM;
    }
    if (value != NULL) {
        const char key[] = "convert:input";
        st = shipest_dist_sample(ctx, value, shp_hash_name(key, sizeof key - 1), 0, n, x);
    } else
        for (size_t j = 0; j < n; j++)
            x[j] = number;
    for (size_t i = 0; i < c->route.n_steps && st == SHIPEST_OK; i++) {
        const shp_conv_step *s = &c->route.steps[i];
        if (s->factor != NULL)
            st = sample_si(ctx, s->factor, n, y);
        else
            st = plan_values(ctx, &s->plan, n, y, y + n, c->binding[i]);
        for (size_t j = 0; j < n && st == SHIPEST_OK; j++)
            x[j] = s->exponent > 0 ? x[j] * y[j] : x[j] / y[j];
    }
    int all_same = 1;
    for (size_t j = 0; j < n && st == SHIPEST_OK; j++) {
        x[j] *= c->scale;
        if (!isfinite(x[j]))
            st = shp_error(ctx, SHIPEST_EDOMAIN,
                           "converting %s to %s gave a value that is not finite (trial %zu)",
                           from_unit, to_unit, j);
        all_same &= x[j] == x[0];
    }
    if (st == SHIPEST_OK)
        st = all_same ? shipest_dist_constant(ctx, x[0], &c->dist)
                      : shipest_dist_empirical(ctx, x, n, &c->dist);
    shp_free(ctx, x);
    shp_free(ctx, y);
    if (st != SHIPEST_OK) {
        shipest_conversion_free(c);
        return st;
    }
    *out = c;
    return SHIPEST_OK;
}

static shipest_status convert_args(shipest_ctx *ctx, const char *from_unit, const char *to_unit,
                                   shipest_conversion **out)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_convert: out is NULL");
    *out = NULL;
    if (from_unit == NULL || to_unit == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_convert: a unit is NULL");
    return SHIPEST_OK;
}

shipest_status shipest_convert(shipest_ctx *ctx, const shipest_dist *value, const char *from_unit,
                               const char *to_unit, const char *via, shipest_conversion **out)
{
    shipest_status st = convert_args(ctx, from_unit, to_unit, out);
    if (st != SHIPEST_OK)
        return st;
    if (value == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_convert: value is NULL");
    return convert_impl(ctx, value, 0.0, from_unit, to_unit, via, out);
}

shipest_status shipest_convert_number(shipest_ctx *ctx, double value, const char *from_unit,
                                      const char *to_unit, const char *via,
                                      shipest_conversion **out)
{
    shipest_status st = convert_args(ctx, from_unit, to_unit, out);
    if (st != SHIPEST_OK)
        return st;
    if (!isfinite(value))
        return shp_error(ctx, SHIPEST_EDOMAIN, "shipest_convert_number: value %g is not finite",
                         value);
    return convert_impl(ctx, NULL, value, from_unit, to_unit, via, out);
}

const shipest_dist *shipest_conversion_dist(const shipest_conversion *c)
{
    return c != NULL ? c->dist : NULL;
}

double shipest_conversion_scale(const shipest_conversion *c)
{
    return c != NULL ? c->scale : NAN;
}

size_t shipest_conversion_step_count(const shipest_conversion *c)
{
    return c != NULL ? c->route.n_steps : 0;
}

shipest_status shipest_conversion_step(const shipest_conversion *c, size_t i, const char **name,
                                       int *exponent, int *is_load_plan)
{
    if (c == NULL)
        return SHIPEST_EINVAL;
    if (i >= c->route.n_steps)
        return shp_error(c->ctx, SHIPEST_EINVAL, "step %zu out of range (%zu steps)", i,
                         c->route.n_steps);
    if (name != NULL)
        *name = c->step_names[i];
    if (exponent != NULL)
        *exponent = c->route.steps[i].exponent;
    if (is_load_plan != NULL)
        *is_load_plan = c->route.steps[i].factor == NULL;
    return SHIPEST_OK;
}

shipest_status shipest_conversion_binding_share(const shipest_conversion *c, size_t step,
                                                shipest_constraint constraint, double *share)
{
    if (c == NULL)
        return SHIPEST_EINVAL;
    if (share == NULL || step >= c->route.n_steps || c->route.steps[step].factor != NULL ||
        (int)constraint < 0 || (int)constraint >= SHP_BIND_COUNT)
        return shp_error(c->ctx, SHIPEST_EINVAL,
                         "shipest_conversion_binding_share: step %zu is not a load plan, or a "
                         "NULL or unknown argument",
                         step);
    *share = c->binding[step][constraint];
    return SHIPEST_OK;
}

size_t shipest_conversion_factor_count(const shipest_conversion *c)
{
    return c != NULL ? c->n_factors : 0;
}

shipest_status shipest_conversion_factor(const shipest_conversion *c, size_t i,
                                         shipest_table_field field, const char **value)
{
    if (c == NULL)
        return SHIPEST_EINVAL;
    if (value == NULL || i >= c->n_factors)
        return shp_error(c->ctx, SHIPEST_EINVAL,
                         "shipest_conversion_factor: index %zu out of range or value NULL", i);
    const shp_uncertain *u = c->factors[i];
    switch (field) {
    case SHIPEST_FIELD_NAME: *value = u->name; break;
    case SHIPEST_FIELD_DIST: *value = nz(u->dist_text); break;
    case SHIPEST_FIELD_SOURCE: *value = nz(u->source); break;
    case SHIPEST_FIELD_DATE: *value = nz(u->date); break;
    case SHIPEST_FIELD_CONFIDENCE: *value = nz(u->confidence); break;
    case SHIPEST_FIELD_SI: *value = nz(u->si_text); break;
    default: *value = ""; break;
    }
    return SHIPEST_OK;
}
