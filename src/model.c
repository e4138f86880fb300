/* model.c — the model builder: nodes with units checked as they are added,
 * conversions expanded from table routes, names, outputs, correlations, and
 * read-only introspection. The graph it builds is the contract in model.h.
 *
 * Every public builder call is all-or-nothing: it either adds its nodes (or
 * changes one anonymous node in place as its very last step) or leaves the
 * model exactly as it was, so a failed statement never half-changes a
 * model. */
#include "model.h"
#include "dist.h"

#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Node indices are int32_t in model.h; this also bounds a hostile model. */
#define MAX_NODES (1 << 22)
/* Statement names are at most 255 bytes; room for the "#k" of inline inputs. */
#define MAX_NAME 320
#define MAX_POWI 64

/* ---- small helpers ---------------------------------------------------------- */

static int valid_node(const shipest_model *m, shipest_node a)
{
    return m != NULL && a >= 0 && (size_t)a < m->n_nodes;
}

static const shp_node *node_at(const shipest_model *m, shipest_node a)
{
    return valid_node(m, a) ? &m->nodes[a] : NULL;
}

static const char *op_word(shp_op op)
{
    switch (op) {
    case SHP_OP_INPUT: return "input";
    case SHP_OP_FACTOR: return "factor";
    case SHP_OP_CONST: return "constant";
    case SHP_OP_ADD: return "+";
    case SHP_OP_SUB: return "-";
    case SHP_OP_MUL: return "*";
    case SHP_OP_DIV: return "/";
    case SHP_OP_NEG: return "negation";
    case SHP_OP_POW: return "power";
    case SHP_OP_MIN: return "min";
    case SHP_OP_MAX: return "max";
    case SHP_OP_EXP: return "exp";
    case SHP_OP_LOG: return "log";
    case SHP_OP_SQRT: return "sqrt";
    case SHP_OP_ABS: return "abs";
    case SHP_OP_SCALE: return "scale";
    case SHP_OP_FLOOR: return "floor";
    case SHP_OP_BINDING: return "load plan";
    }
    return "?";
}

/* "'containers' (container)" or "node 7 (t)" — how messages name an operand:
 * by its statement name where it has one, always with its unit. */
static const char *describe(const shipest_model *m, shipest_node a, char *buf, size_t size)
{
    const shp_node *n = &m->nodes[a];
    if (n->name != NULL)
        snprintf(buf, size, "'%s' [%s]", n->name, n->unit_text);
    else
        snprintf(buf, size, "node %d (%s) [%s]", (int)a, op_word(n->op), n->unit_text);
    return buf;
}

static void node_clear(shipest_ctx *ctx, shp_node *n)
{
    shipest_dist_free(n->dist);
    shp_free(ctx, n->name);
    shp_free(ctx, n->source);
    shp_free(ctx, n->unit_text);
    for (int i = 0; i < SHP_MAX_ARGS; i++)
        shp_free(ctx, n->labels[i]);
    memset(n, 0, sizeof *n);
}

/* UTF-8 well-formedness (no overlongs, surrogates or values past U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF)
                return 0;
        i += k + 1;
    }
    return 1;
}

/* A name: 1..MAX_NAME bytes of UTF-8 without control characters or ':' (':' is
 * kept for the "factor:" stream namespace, so no input can share a factor's
 * stream). */
static shipest_status check_name(shipest_ctx *ctx, const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return shp_error(ctx, SHIPEST_ENAME, "a name must not be empty");
    if (n > MAX_NAME)
        return shp_error(ctx, SHIPEST_ENAME, "name '%.32s...' is %zu bytes long (at most %d)",
                         name, n, MAX_NAME);
    if (!utf8_valid((const unsigned char *)name, n))
        return shp_error(ctx, SHIPEST_ENAME, "a name must be valid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            return shp_error(ctx, SHIPEST_ENAME,
                             "name '%s' contains a control character (byte %zu)", name, i);
        if (c == ':')
            return shp_error(ctx, SHIPEST_ENAME,
                             "name '%s' contains ':' (reserved for table factors)", name);
    }
    return SHIPEST_OK;
}

/* ---- name index --------------------------------------------------------------
 * Keys are (kind, name): kind 0 for named nodes, 1 for factors, 2 for load
 * plans ("round_152mm per container_20ft"), so a factor and a statement may
 * share a name without clashing. */

static int index_kind(const shp_node *n)
{
    if (n->flags & SHP_NODE_NAMED)
        return 0;
    if (n->op == SHP_OP_FACTOR && n->name != NULL)
        return 1;
    if (n->op == SHP_OP_BINDING && n->name != NULL)
        return 2;
    return -1;
}

static size_t index_hash(int kind, const char *name)
{
    uint64_t h = shp_hash_name(name, strlen(name)) ^ (uint64_t)kind * 0x9e3779b97f4a7c15u;
    return (size_t)(h ^ (h >> 32));
}

static int32_t index_find(const shipest_model *m, int kind, const char *name)
{
    if (m->index_cap == 0)
        return -1;
    size_t mask = m->index_cap - 1;
    for (size_t i = index_hash(kind, name) & mask;; i = (i + 1) & mask) {
        int32_t at = m->index[i];
        if (at < 0)
            return -1;
        const shp_node *n = &m->nodes[at];
        if (index_kind(n) == kind && strcmp(n->name, name) == 0)
            return at;
    }
}

/* Place node `at` without allocating (capacity was reserved). */
static void index_put(int32_t *slots, size_t cap, const shipest_model *m, int32_t at)
{
    size_t mask = cap - 1;
    size_t i = index_hash(index_kind(&m->nodes[at]), m->nodes[at].name) & mask;
    while (slots[i] >= 0)
        i = (i + 1) & mask;
    slots[i] = at;
}

static void index_rebuild(shipest_model *m)
{
    m->index_used = 0;
    for (size_t i = 0; i < m->index_cap; i++)
        m->index[i] = -1;
    for (size_t i = 0; i < m->n_nodes; i++)
        if (index_kind(&m->nodes[i]) >= 0) {
            index_put(m->index, m->index_cap, m, (int32_t)i);
            m->index_used++;
        }
}

/* Room for one more key at load factor <= 1/2. */
static shipest_status index_reserve(shipest_model *m)
{
    if ((m->index_used + 1) * 2 <= m->index_cap)
        return SHIPEST_OK;
    size_t cap = m->index_cap ? m->index_cap * 2 : 64;
    int32_t *slots = shp_alloc_array(m->ctx, cap, sizeof *slots);
    if (slots == NULL)
        return SHIPEST_ENOMEM;
    for (size_t i = 0; i < cap; i++)
        slots[i] = -1;
    for (size_t i = 0; i < m->index_cap; i++)
        if (m->index[i] >= 0)
            index_put(slots, cap, m, m->index[i]);
    shp_free(m->ctx, m->index);
    m->index = slots;
    m->index_cap = cap;
    return SHIPEST_OK;
}

/* ---- adding nodes --------------------------------------------------------------- */

/* Append *tmpl, taking ownership of its strings and dist whatever happens. */
static shipest_status push_node(shipest_model *m, shp_node *tmpl, shipest_node *out)
{
    shipest_status st = SHIPEST_OK;
    if (m->n_nodes >= MAX_NODES) {
        st = shp_error(m->ctx, SHIPEST_ELIMIT, "a model may have at most %d nodes", MAX_NODES);
        goto fail;
    }
    if (m->n_nodes == m->cap_nodes) {
        size_t cap = m->cap_nodes ? m->cap_nodes * 2 : 16;
        shp_node *p = shp_realloc(m->ctx, m->nodes, cap * sizeof *p);
        if (p == NULL) {
            st = SHIPEST_ENOMEM;
            goto fail;
        }
        m->nodes = p;
        m->cap_nodes = cap;
    }
    if (index_kind(tmpl) >= 0 && (st = index_reserve(m)) != SHIPEST_OK)
        goto fail;
    m->nodes[m->n_nodes] = *tmpl;
    *out = (shipest_node)m->n_nodes++;
    if (index_kind(tmpl) >= 0) {
        index_put(m->index, m->index_cap, m, *out);
        m->index_used++;
    }
    return SHIPEST_OK;
fail:
    node_clear(m->ctx, tmpl);
    return st;
}

/* Undo every node added after `mark` (a failed call). */
static void rollback(shipest_model *m, size_t mark)
{
    int indexed = 0;
    while (m->n_nodes > mark) {
        shp_node *n = &m->nodes[--m->n_nodes];
        indexed |= index_kind(n) >= 0;
        node_clear(m->ctx, n);
    }
    if (indexed)
        index_rebuild(m);
}

/* A template with unit u, shown as text (NULL: formatted from u). */
static shipest_status node_init(shipest_model *m, shp_node *n, shp_op op, const shp_unit *u,
                                const char *text)
{
    memset(n, 0, sizeof *n);
    n->op = op;
    n->unit = *u;
    n->display_scale = u->scale;
    if (text != NULL) {
        n->unit_text = shp_strdup(m->ctx, text);
    } else {
        char small[128];
        size_t len = shp_ctx_unit_format(m->ctx, u, small, sizeof small);
        if (len < sizeof small) {
            n->unit_text = shp_strdup(m->ctx, small);
        } else {
            n->unit_text = shp_alloc(m->ctx, len + 1);
            if (n->unit_text != NULL)
                shp_ctx_unit_format(m->ctx, u, n->unit_text, len + 1);
        }
    }
    return n->unit_text == NULL ? SHIPEST_ENOMEM : SHIPEST_OK;
}

static shipest_status add_op(shipest_model *m, shp_op op, const shp_unit *u, const char *text,
                             int nargs, const shipest_node *args, double k, shipest_node *out)
{
    shp_node n;
    shipest_status st = node_init(m, &n, op, u, text);
    if (st != SHIPEST_OK) {
        node_clear(m->ctx, &n);
        return st;
    }
    n.nargs = (uint32_t)nargs;
    for (int i = 0; i < nargs; i++)
        n.args[i] = args[i];
    n.k = k;
    return push_node(m, &n, out);
}

/* Parse a unit given to the builder; NULL or "" is dimensionless. */
static shipest_status parse_unit(shipest_model *m, const char *text, shp_unit *u)
{
    if (text == NULL || text[0] == '\0') {
        shp_unit_one(u);
        return SHIPEST_OK;
    }
    return shp_ctx_unit_parse(m->ctx, text, strlen(text), u);
}

/* ---- public: model lifetime ------------------------------------------------------ */

shipest_status shipest_model_new(shipest_ctx *ctx, shipest_model **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_model_new: NULL argument");
    shipest_model *m = shp_calloc(ctx, 1, sizeof *m);
    if (m == NULL)
        return SHIPEST_ENOMEM;
    m->ctx = ctx;
    *out = m;
    return SHIPEST_OK;
}

void shipest_model_free(shipest_model *m)
{
    if (m == NULL)
        return;
    shipest_ctx *ctx = m->ctx;
    for (size_t i = 0; i < m->n_nodes; i++)
        node_clear(ctx, &m->nodes[i]);
    shp_free(ctx, m->nodes);
    shp_free(ctx, m->corr);
    shp_free(ctx, m->index);
    for (size_t i = 0; i < m->n_probs; i++)
        shp_free(ctx, m->probs[i].text);
    shp_free(ctx, m->probs);
    shp_free(ctx, m);
}

/* Common argument checks: returns EINVAL (with a message) or OK, and sets
 * *out to SHIPEST_NO_NODE so failures always leave it defined. */
static shipest_status check_call(shipest_model *m, const char *fn, shipest_node *out, int nargs,
                                 shipest_node a, shipest_node b)
{
    if (out != NULL)
        *out = SHIPEST_NO_NODE;
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (out == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "%s: NULL out", fn);
    if (nargs >= 1 && !valid_node(m, a))
        return shp_error(m->ctx, SHIPEST_EINVAL, "%s: node %d is not in the model", fn, (int)a);
    if (nargs >= 2 && !valid_node(m, b))
        return shp_error(m->ctx, SHIPEST_EINVAL, "%s: node %d is not in the model", fn, (int)b);
    return SHIPEST_OK;
}

/* ---- public: leaves ----------------------------------------------------------------- */

shipest_status shipest_model_input(shipest_model *m, const char *name, const shipest_dist *dist,
                                   const char *unit, const char *source, shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_input", out, 0, 0, 0);
    if (st != SHIPEST_OK)
        return st;
    if (name == NULL || dist == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_input: NULL name or dist");
    if ((st = check_name(m->ctx, name)) != SHIPEST_OK)
        return st;
    if (index_find(m, 0, name) >= 0)
        return shp_error(m->ctx, SHIPEST_ENAME, "the name '%s' is already used", name);
    shp_unit u;
    if ((st = parse_unit(m, unit, &u)) != SHIPEST_OK)
        return st;
    shp_node n;
    st = node_init(m, &n, SHP_OP_INPUT, &u, unit != NULL && unit[0] ? unit : NULL);
    if (st == SHIPEST_OK && (n.name = shp_strdup(m->ctx, name)) == NULL)
        st = SHIPEST_ENOMEM;
    if (st == SHIPEST_OK && source != NULL && (n.source = shp_strdup(m->ctx, source)) == NULL)
        st = SHIPEST_ENOMEM;
    if (st == SHIPEST_OK)
        st = shipest_dist_clone(m->ctx, dist, &n.dist);
    if (st == SHIPEST_OK)
        st = shp_dist_prepare(n.dist);
    if (st != SHIPEST_OK) {
        node_clear(m->ctx, &n);
        return st;
    }
    n.flags = SHP_NODE_NAMED;
    n.k = u.scale;
    n.stream = shp_hash_name(name, strlen(name));
    return push_node(m, &n, out);
}

shipest_status shipest_model_const(shipest_model *m, double value, const char *unit,
                                   shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_const", out, 0, 0, 0);
    if (st != SHIPEST_OK)
        return st;
    if (!isfinite(value))
        return shp_error(m->ctx, SHIPEST_EDOMAIN, "a constant must be finite (got %g)", value);
    shp_unit u;
    if ((st = parse_unit(m, unit, &u)) != SHIPEST_OK)
        return st;
    double si = value * u.scale;
    if (!isfinite(si))
        return shp_error(m->ctx, SHIPEST_EDOMAIN, "the constant %g %s overflows in SI units",
                         value, unit != NULL ? unit : "");
    return add_op(m, SHP_OP_CONST, &u, unit != NULL && unit[0] ? unit : NULL, 0, NULL, si, out);
}

/* ---- public: arithmetic ------------------------------------------------------------- */

static shipest_status same_dim_op(shipest_model *m, shp_op op, const char *fn, shipest_node a,
                                  shipest_node b, shipest_node *out)
{
    shipest_status st = check_call(m, fn, out, 2, a, b);
    if (st != SHIPEST_OK)
        return st;
    const shp_node *na = &m->nodes[a], *nb = &m->nodes[b];
    if (!shp_unit_same_dim(&na->unit, &nb->unit)) {
        char da[320], db[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "cannot take %s of %s and %s: units '%s' and '%s' have different "
                         "dimensions", op_word(op), describe(m, a, da, sizeof da),
                         describe(m, b, db, sizeof db), na->unit_text, nb->unit_text);
    }
    shipest_node args[2] = {a, b};
    /* The result shows a's unit; b's value is already in SI. */
    shp_unit u = na->unit;
    return add_op(m, op, &u, na->unit_text, 2, args, 0.0, out);
}

shipest_status shipest_model_add(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    return same_dim_op(m, SHP_OP_ADD, "shipest_model_add", a, b, out);
}

shipest_status shipest_model_sub(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    return same_dim_op(m, SHP_OP_SUB, "shipest_model_sub", a, b, out);
}

shipest_status shipest_model_min(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    return same_dim_op(m, SHP_OP_MIN, "shipest_model_min", a, b, out);
}

shipest_status shipest_model_max(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    return same_dim_op(m, SHP_OP_MAX, "shipest_model_max", a, b, out);
}

/* The shown unit of a product or quotient: the product of the shown units
 * when named units express it ("t/day"), a plain "1" for a pure number
 * (per-year over per-day is a ratio, not 0.00274), and SI otherwise rather
 * than a numeric multiplier such as "0.0027*round_152mm". */
static void tidy_unit(shipest_model *m, shp_unit *u)
{
    if (shp_unit_is_dimensionless(u)) {
        shp_unit_one(u);
        return;
    }
    char text[8];
    shp_ctx_unit_format(m->ctx, u, text, sizeof text);
    if ((text[0] >= '0' && text[0] <= '9') || text[0] == '.')
        u->scale = 1.0;
}

static shipest_status muldiv(shipest_model *m, shp_op op, const char *fn, shipest_node a,
                             shipest_node b, shipest_node *out)
{
    shipest_status st = check_call(m, fn, out, 2, a, b);
    if (st != SHIPEST_OK)
        return st;
    shp_unit u;
    st = op == SHP_OP_MUL ? shp_unit_mul(m->ctx, &m->nodes[a].unit, &m->nodes[b].unit, &u)
                          : shp_unit_div(m->ctx, &m->nodes[a].unit, &m->nodes[b].unit, &u);
    if (st != SHIPEST_OK)
        return st;
    tidy_unit(m, &u);
    shipest_node args[2] = {a, b};
    return add_op(m, op, &u, NULL, 2, args, 0.0, out);
}

/* The ratio a / b of two quantities whose units divide to the dimension of
 * `want` (NULL or "": dimensionless, for share and compare; "day" for days
 * of supply). Checks only, adding nothing; when the units do not fit, the
 * message starts with `phrase` ("share needs supply and demand of the same
 * dimension") and names both operands and both units. */
static shipest_status ratio_check(shipest_model *m, shipest_node a, shipest_node b,
                                  const char *want, const char *phrase, shp_unit *u)
{
    shipest_status st = parse_unit(m, want, u);
    if (st != SHIPEST_OK)
        return st;
    const shp_node *na = &m->nodes[a], *nb = &m->nodes[b];
    shp_unit q;
    if (shp_unit_div(m->ctx, &na->unit, &nb->unit, &q) != SHIPEST_OK || !shp_unit_same_dim(&q, u)) {
        char da[320], db[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "%s, but %s has unit '%s' and %s has unit '%s' (convert one with ->)",
                         phrase, describe(m, a, da, sizeof da), na->unit_text,
                         describe(m, b, db, sizeof db), nb->unit_text);
    }
    return SHIPEST_OK;
}

/* A ratio node (see ratio_check) shown in `want` and marked with `flag` (a
 * SHP_NODE_* the report reads: share, compare, days of supply). */
static shipest_status ratio_op(shipest_model *m, const char *fn, shipest_node a, shipest_node b,
                               const char *want, uint32_t flag, const char *phrase,
                               shipest_node *out)
{
    shipest_status st = check_call(m, fn, out, 2, a, b);
    shp_unit u;
    if (st == SHIPEST_OK)
        st = ratio_check(m, a, b, want, phrase, &u);
    if (st != SHIPEST_OK)
        return st;
    shipest_node args[2] = {a, b};
    st = add_op(m, SHP_OP_DIV, &u, want != NULL && want[0] ? want : NULL, 2, args, 0.0, out);
    if (st == SHIPEST_OK)
        m->nodes[*out].flags |= flag;
    return st;
}

/* A share is supply over demand: both must have the same dimension (bring
 * one to the other's unit with a conversion first), and the result is a
 * plain fraction. */
shipest_status shipest_model_share(shipest_model *m, shipest_node supply, shipest_node demand,
                                   shipest_node *out)
{
    return ratio_op(m, "shipest_model_share", supply, demand, NULL, SHP_NODE_SHARE,
                    "share needs supply and demand of the same dimension", out);
}

shipest_status shipest_model_compare(shipest_model *m, shipest_node a, shipest_node b,
                                     shipest_node *out)
{
    return ratio_op(m, "shipest_model_compare", a, b, NULL, SHP_NODE_COMPARE,
                    "compare needs two estimates of the same quantity", out);
}

/* Days of supply: stock / rate, a time shown in days. */
shipest_status shipest_model_days_of_supply(shipest_model *m, shipest_node stock, shipest_node rate,
                                            shipest_node *out)
{
    return ratio_op(m, "shipest_model_days_of_supply", stock, rate, "day", SHP_NODE_DAYS,
                    "days_of_supply needs a rate in the stock's unit per unit of time", out);
}

/* ---- supplier decomposition ---------------------------------------------------------- */

#define MAX_SUPPLIERS 256

/* A label is an identifier of the model language, so NAME.LABEL can be
 * written in model text; `remainder` is taken by NAME.remainder. */
static int label_valid(const char *s)
{
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return 0;
    for (const char *c = s + 1; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return 0;
    return strcmp(s, "remainder") != 0;
}

/* `name.label` into buf (MAX_NAME + 2 bytes), checked as a name and unused. */
static shipest_status part_name(shipest_model *m, const char *name, const char *label, char *buf)
{
    size_t ln = strlen(name), ll = strlen(label);
    if (ln + 1 + ll > MAX_NAME)
        return shp_error(m->ctx, SHIPEST_ENAME, "the name '%.40s.%.40s' would be %zu bytes "
                         "long (at most %d)", name, label, ln + 1 + ll, MAX_NAME);
    memcpy(buf, name, ln);
    buf[ln] = '.';
    memcpy(buf + ln + 1, label, ll + 1);
    shipest_status st = check_name(m->ctx, buf);
    if (st == SHIPEST_OK && index_find(m, 0, buf) >= 0)
        st = shp_error(m->ctx, SHIPEST_ENAME, "the name '%s' is already used", buf);
    return st;
}

/* Everything that can be refused before a node is added: arguments,
 * labels (lab[i] is set to each supplier's label), names and units. */
static shipest_status supply_check(shipest_model *m, shipest_node demand, size_t n,
                                   const shipest_node *suppliers, const char *const *labels,
                                   const char *name, const char **lab)
{
    static const char fn[] = "shipest_model_supply";
    if (suppliers == NULL || name == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "%s: NULL %s", fn,
                         suppliers == NULL ? "suppliers" : "name");
    if (!valid_node(m, demand))
        return shp_error(m->ctx, SHIPEST_EINVAL, "%s: demand node %d is not in the model", fn,
                         (int)demand);
    char buf[MAX_NAME + 2], d[320];
    for (size_t i = 0; i < n; i++) {
        if (!valid_node(m, suppliers[i]))
            return shp_error(m->ctx, SHIPEST_EINVAL, "%s: supplier %zu, node %d, is not in the "
                             "model", fn, i + 1, (int)suppliers[i]);
        const shp_node *s = &m->nodes[suppliers[i]];
        lab[i] = labels != NULL && labels[i] != NULL ? labels[i]
               : s->flags & SHP_NODE_NAMED ? s->name : NULL;
        if (lab[i] == NULL)
            return shp_error(m->ctx, SHIPEST_ENAME, "supply '%s': supplier %zu, %s, has no name: "
                             "give it a label", name, i + 1, describe(m, suppliers[i], d, sizeof d));
        if (!label_valid(lab[i]))
            return shp_error(m->ctx, SHIPEST_ENAME, "supply '%s': supplier %zu: '%.64s' is not a "
                             "label (a letter or '_', then letters, digits and '_'; not "
                             "'remainder')%s", name, i + 1, lab[i],
                             labels != NULL && labels[i] != NULL ? "" : ": give it a label");
        for (size_t j = 0; j < i; j++)
            if (strcmp(lab[j], lab[i]) == 0)
                return shp_error(m->ctx, SHIPEST_ENAME, "supply '%s': the label '%s' is given "
                                 "twice (suppliers %zu and %zu)", name, lab[i], j + 1, i + 1);
    }
    shipest_status st = check_name(m->ctx, name);
    if (st != SHIPEST_OK)
        return st;
    if (index_find(m, 0, name) >= 0)
        return shp_error(m->ctx, SHIPEST_ENAME, "the name '%s' is already used", name);
    if ((st = part_name(m, name, "remainder", buf)) != SHIPEST_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if ((st = part_name(m, name, lab[i], buf)) != SHIPEST_OK)
            return st;
        char phrase[400];
        snprintf(phrase, sizeof phrase, "supply '%s' needs each supplier in the dimension of the "
                 "demand (supplier '%s')", name, lab[i]);
        shp_unit u;
        if ((st = ratio_check(m, suppliers[i], demand, NULL, phrase, &u)) != SHIPEST_OK)
            return st;
    }
    return SHIPEST_OK;
}

/* The nodes of a decomposition, in the order a report lists them: the
 * total NAME, each NAME.LABEL, NAME.remainder. */
static shipest_status supply_build(shipest_model *m, shipest_node demand, size_t n,
                                   const shipest_node *suppliers, const char *const *lab,
                                   const char *name, shipest_node *shares, shipest_node *rem,
                                   shipest_node *tot)
{
    static const char fn[] = "shipest_model_supply";
    char buf[MAX_NAME + 2];
    shipest_node sum = suppliers[0], x, one;
    shipest_status st = SHIPEST_OK;
    for (size_t i = 1; i < n && st == SHIPEST_OK; i++)
        st = shipest_model_add(m, sum, suppliers[i], &sum);
    if (st == SHIPEST_OK)
        st = ratio_op(m, fn, sum, demand, NULL, SHP_NODE_SHARE | SHP_NODE_SUPPLY_TOTAL,
                      "supply needs the suppliers and the demand in one dimension", &x);
    if (st == SHIPEST_OK && (st = shipest_model_name(m, x, name, NULL, tot)) == SHIPEST_OK)
        st = shipest_model_output(m, *tot);
    for (size_t i = 0; i < n && st == SHIPEST_OK; i++) {
        st = ratio_op(m, fn, suppliers[i], demand, NULL, SHP_NODE_SHARE,
                      "supply needs each supplier in the dimension of the demand", &x);
        if (st == SHIPEST_OK && (st = part_name(m, name, lab[i], buf)) == SHIPEST_OK &&
            (st = shipest_model_name(m, x, buf, NULL, &shares[i])) == SHIPEST_OK)
            st = shipest_model_output(m, shares[i]);
    }
    if (st == SHIPEST_OK && (st = shipest_model_const(m, 1.0, NULL, &one)) == SHIPEST_OK &&
        (st = shipest_model_sub(m, one, *tot, &x)) == SHIPEST_OK &&
        (st = part_name(m, name, "remainder", buf)) == SHIPEST_OK &&
        (st = shipest_model_name(m, x, buf, NULL, rem)) == SHIPEST_OK)
        st = shipest_model_output(m, *rem);
    return st;
}

shipest_status shipest_model_supply(shipest_model *m, shipest_node demand, size_t n,
                                    const shipest_node *suppliers, const char *const *labels,
                                    const char *name, shipest_node *shares,
                                    shipest_node *remainder, shipest_node *total)
{
    for (size_t i = 0; shares != NULL && i < n && i < MAX_SUPPLIERS; i++)
        shares[i] = SHIPEST_NO_NODE;
    if (remainder != NULL)
        *remainder = SHIPEST_NO_NODE;
    if (total != NULL)
        *total = SHIPEST_NO_NODE;
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (n == 0)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_supply: no suppliers (n is 0)");
    if (n > MAX_SUPPLIERS)
        return shp_error(m->ctx, SHIPEST_ELIMIT, "shipest_model_supply: %zu suppliers (at most %d)",
                         n, MAX_SUPPLIERS);
    const char *lab[MAX_SUPPLIERS];
    shipest_node sh[MAX_SUPPLIERS], rem = SHIPEST_NO_NODE, tot = SHIPEST_NO_NODE;
    shipest_status st = supply_check(m, demand, n, suppliers, labels, name, lab);
    if (st != SHIPEST_OK)
        return st;
    size_t mark = m->n_nodes;
    if ((st = supply_build(m, demand, n, suppliers, lab, name, sh, &rem, &tot)) != SHIPEST_OK) {
        rollback(m, mark);
        return st;
    }
    for (size_t i = 0; shares != NULL && i < n; i++)
        shares[i] = sh[i];
    if (remainder != NULL)
        *remainder = rem;
    if (total != NULL)
        *total = tot;
    return SHIPEST_OK;
}

shipest_status shipest_model_mul(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    return muldiv(m, SHP_OP_MUL, "shipest_model_mul", a, b, out);
}

shipest_status shipest_model_div(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    return muldiv(m, SHP_OP_DIV, "shipest_model_div", a, b, out);
}

static shipest_status keep_unit_op(shipest_model *m, shp_op op, const char *fn, shipest_node a,
                                   shipest_node *out)
{
    shipest_status st = check_call(m, fn, out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    shp_unit u = m->nodes[a].unit;
    return add_op(m, op, &u, m->nodes[a].unit_text, 1, &a, 0.0, out);
}

shipest_status shipest_model_neg(shipest_model *m, shipest_node a, shipest_node *out)
{
    return keep_unit_op(m, SHP_OP_NEG, "shipest_model_neg", a, out);
}

shipest_status shipest_model_abs(shipest_model *m, shipest_node a, shipest_node *out)
{
    return keep_unit_op(m, SHP_OP_ABS, "shipest_model_abs", a, out);
}

static shipest_status need_dimensionless(shipest_model *m, shipest_node a, const char *what)
{
    if (shp_unit_is_dimensionless(&m->nodes[a].unit))
        return SHIPEST_OK;
    char d[320];
    return shp_error(m->ctx, SHIPEST_EUNIT, "%s needs a dimensionless argument, but %s has unit '%s'",
                     what, describe(m, a, d, sizeof d), m->nodes[a].unit_text);
}

static shipest_status dimensionless_op(shipest_model *m, shp_op op, const char *fn, shipest_node a,
                                       shipest_node *out)
{
    shipest_status st = check_call(m, fn, out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    if ((st = need_dimensionless(m, a, op_word(op))) != SHIPEST_OK)
        return st;
    shp_unit one;
    shp_unit_one(&one);
    return add_op(m, op, &one, NULL, 1, &a, 0.0, out);
}

shipest_status shipest_model_exp(shipest_model *m, shipest_node a, shipest_node *out)
{
    return dimensionless_op(m, SHP_OP_EXP, "shipest_model_exp", a, out);
}

shipest_status shipest_model_log(shipest_model *m, shipest_node a, shipest_node *out)
{
    return dimensionless_op(m, SHP_OP_LOG, "shipest_model_log", a, out);
}

/* The unit of a^e for a real e: every exponent times e must be a whole
 * number in [-127, 127]. Returns 0 when it is not. */
static int unit_real_pow(const shp_unit *a, double e, shp_unit *out)
{
    shp_unit u;
    shp_unit_one(&u);
    for (int i = 0; i < SHP_MAX_DIMS; i++) {
        double x = a->exp[i] * e;
        if (x != floor(x) || fabs(x) > 127)
            return 0;
        u.exp[i] = (int8_t)x;
    }
    u.scale = pow(a->scale, e);
    if (!(u.scale > 0) || !isfinite(u.scale))
        return 0;
    *out = u;
    return 1;
}

shipest_status shipest_model_sqrt(shipest_model *m, shipest_node a, shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_sqrt", out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    shp_unit u;
    if (!unit_real_pow(&m->nodes[a].unit, 0.5, &u)) {
        char d[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "sqrt of %s: unit '%s' is not a square (every exponent must be even)",
                         describe(m, a, d, sizeof d), m->nodes[a].unit_text);
    }
    return add_op(m, SHP_OP_SQRT, &u, NULL, 1, &a, 0.0, out);
}

shipest_status shipest_model_pow(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_pow", out, 2, a, b);
    if (st != SHIPEST_OK)
        return st;
    if ((st = need_dimensionless(m, b, "the exponent of a power")) != SHIPEST_OK)
        return st;
    const shp_node *na = &m->nodes[a], *nb = &m->nodes[b];
    shp_unit u;
    if (shp_unit_is_dimensionless(&na->unit)) {
        shp_unit_one(&u);
    } else if (nb->op != SHP_OP_CONST || !unit_real_pow(&na->unit, nb->k, &u)) {
        char d[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "power of %s with unit '%s': the exponent must be a constant that "
                         "leaves whole exponents in the unit",
                         describe(m, a, d, sizeof d), na->unit_text);
    }
    shipest_node args[2] = {a, b};
    return add_op(m, SHP_OP_POW, &u, NULL, 2, args, 0.0, out);
}

shipest_status shipest_model_powi(shipest_model *m, shipest_node a, int n, shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_powi", out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    if (n < -MAX_POWI || n > MAX_POWI)
        return shp_error(m->ctx, SHIPEST_EDOMAIN, "integer power %d is outside [-%d, %d]", n,
                         MAX_POWI, MAX_POWI);
    shp_unit u;
    if ((st = shp_unit_pow(m->ctx, &m->nodes[a].unit, n, &u)) != SHIPEST_OK)
        return st;
    size_t mark = m->n_nodes;
    shp_unit one;
    shp_unit_one(&one);
    shipest_node args[2] = {a, SHIPEST_NO_NODE};
    st = add_op(m, SHP_OP_CONST, &one, NULL, 0, NULL, (double)n, &args[1]);
    if (st == SHIPEST_OK)
        st = add_op(m, SHP_OP_POW, &u, NULL, 2, args, 0.0, out);
    if (st != SHIPEST_OK) {
        rollback(m, mark);
        *out = SHIPEST_NO_NODE;
    }
    return st;
}

/* ---- public: units, names, outputs ---------------------------------------------------- */

shipest_status shipest_model_with_unit(shipest_model *m, shipest_node a, const char *unit,
                                       shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_with_unit", out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    if (unit == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_with_unit: NULL unit");
    shp_unit u;
    if ((st = parse_unit(m, unit, &u)) != SHIPEST_OK)
        return st;
    if (!shp_unit_is_dimensionless(&m->nodes[a].unit)) {
        char d[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "cannot give %s the unit '%s': it already has unit '%s'",
                         describe(m, a, d, sizeof d), unit, m->nodes[a].unit_text);
    }
    /* The argument's SI value is a pure number; one `unit` is u.scale SI. */
    return add_op(m, SHP_OP_SCALE, &u, unit[0] ? unit : NULL, 1, &a, u.scale, out);
}

/* Show node a in unit u (same dimension): in place when anonymous, else
 * through an alias so a named node never changes. */
static shipest_status show_in(shipest_model *m, shipest_node a, const shp_unit *u, const char *text,
                              shipest_node *out)
{
    shp_node *n = &m->nodes[a];
    if (n->name == NULL) {
        char *t = shp_strdup(m->ctx, text);
        if (t == NULL)
            return SHIPEST_ENOMEM;
        shp_free(m->ctx, n->unit_text);
        n->unit_text = t;
        /* Keep the exact dimension; only the shown scale changes. */
        n->unit.scale = u->scale;
        n->display_scale = u->scale;
        *out = a;
        return SHIPEST_OK;
    }
    return add_op(m, SHP_OP_SCALE, u, text, 1, &a, 1.0, out);
}

shipest_status shipest_model_display(shipest_model *m, shipest_node a, const char *unit,
                                     shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_display", out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    if (unit == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_display: NULL unit");
    shp_unit u;
    if ((st = parse_unit(m, unit, &u)) != SHIPEST_OK)
        return st;
    if (!shp_unit_same_dim(&u, &m->nodes[a].unit)) {
        char d[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "cannot show %s in '%s': units '%s' and '%s' have different dimensions "
                         "(use -> to convert through the tables)",
                         describe(m, a, d, sizeof d), unit, m->nodes[a].unit_text, unit);
    }
    return show_in(m, a, &u, unit[0] ? unit : "1", out);
}

shipest_status shipest_model_name(shipest_model *m, shipest_node a, const char *name,
                                  const char *source, shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_name", out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    if (name == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_name: NULL name");
    if ((st = check_name(m->ctx, name)) != SHIPEST_OK)
        return st;
    if (index_find(m, 0, name) >= 0)
        return shp_error(m->ctx, SHIPEST_ENAME, "the name '%s' is already used", name);
    char *nm = shp_strdup(m->ctx, name);
    char *src = NULL;
    if (nm == NULL || (source != NULL && (src = shp_strdup(m->ctx, source)) == NULL)) {
        shp_free(m->ctx, nm);
        return SHIPEST_ENOMEM;
    }
    shp_node *n = &m->nodes[a];
    if (n->name == NULL) {
        if ((st = index_reserve(m)) != SHIPEST_OK) {
            shp_free(m->ctx, nm);
            shp_free(m->ctx, src);
            return st;
        }
        n->name = nm;
        if (src != NULL) {
            shp_free(m->ctx, n->source);
            n->source = src;
        }
        n->flags |= SHP_NODE_NAMED;
        index_put(m->index, m->index_cap, m, a);
        m->index_used++;
        *out = a;
        return SHIPEST_OK;
    }
    /* An alias: the same values as a, under its own name. */
    shp_node alias;
    shp_unit u = n->unit;
    if ((st = node_init(m, &alias, SHP_OP_SCALE, &u, n->unit_text)) != SHIPEST_OK) {
        node_clear(m->ctx, &alias);
        shp_free(m->ctx, nm);
        shp_free(m->ctx, src);
        return st;
    }
    alias.nargs = 1;
    alias.args[0] = a;
    alias.k = 1.0;
    alias.name = nm;
    alias.source = src;
    alias.flags = SHP_NODE_NAMED | (n->flags & SHP_NODE_KIND_MASK);
    return push_node(m, &alias, out);
}

shipest_status shipest_model_output(shipest_model *m, shipest_node node)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (!valid_node(m, node))
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_output: node %d is not in the model",
                         (int)node);
    shp_node *n = &m->nodes[node];
    if (!(n->flags & SHP_NODE_NAMED))
        return shp_error(m->ctx, SHIPEST_ENAME,
                         "node %d (%s) has no name: name it before marking it an output",
                         (int)node, op_word(n->op));
    n->flags |= SHP_NODE_OUTPUT;
    return SHIPEST_OK;
}

shipest_status shipest_model_correlate(shipest_model *m, shipest_node a, shipest_node b, double rho)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (!valid_node(m, a) || !valid_node(m, b))
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_correlate: node %d is not in the model",
                         valid_node(m, a) ? (int)b : (int)a);
    if (a == b)
        return shp_error(m->ctx, SHIPEST_EINVAL, "cannot correlate node %d with itself", (int)a);
    for (int i = 0; i < 2; i++) {
        shipest_node x = i ? b : a;
        if (m->nodes[x].op != SHP_OP_INPUT && m->nodes[x].op != SHP_OP_FACTOR) {
            char d[320];
            return shp_error(m->ctx, SHIPEST_EINVAL,
                             "only inputs and table factors can be correlated, not %s",
                             describe(m, x, d, sizeof d));
        }
    }
    if (!(rho >= -1.0 && rho <= 1.0))
        return shp_error(m->ctx, SHIPEST_EDOMAIN, "a correlation must be in [-1, 1] (got %g)", rho);
    for (size_t i = 0; i < m->n_corr; i++) {
        const shp_correlation *c = &m->corr[i];
        if ((c->a == a && c->b == b) || (c->a == b && c->b == a)) {
            char da[320], db[320];
            return shp_error(m->ctx, SHIPEST_ENAME, "%s and %s are already correlated (rho %g)",
                             describe(m, a, da, sizeof da), describe(m, b, db, sizeof db), c->rho);
        }
    }
    if (m->n_corr == m->cap_corr) {
        size_t cap = m->cap_corr ? m->cap_corr * 2 : 8;
        shp_correlation *p = shp_realloc(m->ctx, m->corr, cap * sizeof *p);
        if (p == NULL)
            return SHIPEST_ENOMEM;
        m->corr = p;
        m->cap_corr = cap;
    }
    m->corr[m->n_corr].a = a;
    m->corr[m->n_corr].b = b;
    m->corr[m->n_corr].rho = rho;
    m->n_corr++;
    return SHIPEST_OK;
}

/* ---- public: conversion --------------------------------------------------------------- */

/* The FACTOR node of table quantity q, shared by every conversion using it. */
static shipest_status factor_node(shipest_model *m, const shp_uncertain *q, shipest_node *out)
{
    int32_t at = index_find(m, 1, q->name);
    if (at >= 0) {
        *out = at;
        return SHIPEST_OK;
    }
    shp_node n;
    shipest_status st = node_init(m, &n, SHP_OP_FACTOR, &q->unit, NULL);
    size_t len = strlen(q->name);
    char *key = NULL;
    if (st == SHIPEST_OK && (n.name = shp_strdup(m->ctx, q->name)) == NULL)
        st = SHIPEST_ENOMEM;
    if (st == SHIPEST_OK && q->source != NULL && (n.source = shp_strdup(m->ctx, q->source)) == NULL)
        st = SHIPEST_ENOMEM;
    /* The table's own copy gets the fast inverse (built on first use), so
     * every later model that uses this factor copies it instead of building
     * it again; the table lives as long as the context, which one thread
     * uses at a time. */
    if (st == SHIPEST_OK)
        st = shp_dist_prepare((shipest_dist *)q->dist);
    if (st == SHIPEST_OK)
        st = shipest_dist_clone(m->ctx, q->dist, &n.dist);
    if (st == SHIPEST_OK && (key = shp_alloc(m->ctx, len + 8)) == NULL)
        st = SHIPEST_ENOMEM;
    if (st != SHIPEST_OK) {
        node_clear(m->ctx, &n);
        return st;
    }
    memcpy(key, "factor:", 7);
    memcpy(key + 7, q->name, len + 1);
    n.stream = shp_hash_name(key, len + 7);
    shp_free(m->ctx, key);
    n.k = q->k;
    return push_node(m, &n, out);
}

static shipest_status arith(shipest_model *m, shp_op op, shipest_node a, shipest_node b,
                            shipest_node *out)
{
    switch (op) {
    case SHP_OP_MUL: return shipest_model_mul(m, a, b, out);
    case SHP_OP_DIV: return shipest_model_div(m, a, b, out);
    default: return shipest_model_sub(m, a, b, out); /* not reached: callers pass MUL or DIV */
    }
}

/* The constraints of load plan p: c[i] items per carrier by constraint
 * which[i] (SHP_BIND_*). */
static shipest_status loadplan_build(shipest_model *m, const shp_loadplan *p, shipest_node *c,
                                     int *which, int *n_out)
{
    int nc = 0;
    shipest_status st = SHIPEST_OK;
    shipest_node f1, f2, t;
    if (p->payload != NULL && p->mass != NULL) {
        st = factor_node(m, p->payload, &f1);
        if (st == SHIPEST_OK && p->usable != NULL) {
            if ((st = factor_node(m, p->usable, &f2)) == SHIPEST_OK &&
                (st = shipest_model_mul(m, f1, f2, &t)) == SHIPEST_OK)
                f1 = t;
        }
        if (st == SHIPEST_OK && (st = factor_node(m, p->mass, &f2)) == SHIPEST_OK)
            st = shipest_model_div(m, f1, f2, &c[nc]);
        if (st != SHIPEST_OK)
            return st;
        which[nc++] = SHP_BIND_MASS;
    }
    if (p->volume != NULL && p->cargo_volume != NULL) {
        shipest_node by_volume;
        if ((st = factor_node(m, p->volume, &f1)) == SHIPEST_OK &&
            (st = factor_node(m, p->cargo_volume, &f2)) == SHIPEST_OK)
            st = shipest_model_div(m, f1, f2, &by_volume);
        if (st != SHIPEST_OK)
            return st;
        c[nc] = by_volume;
        which[nc++] = SHP_BIND_VOLUME;
        if (p->length != NULL && p->cargo_length != NULL) {
            /* Whole items along the length: by_volume * floor(L/l) / (L/l). */
            shipest_node ratio, fl, q;
            if ((st = factor_node(m, p->length, &f1)) == SHIPEST_OK &&
                (st = factor_node(m, p->cargo_length, &f2)) == SHIPEST_OK &&
                (st = shipest_model_div(m, f1, f2, &ratio)) == SHIPEST_OK) {
                shp_unit u = m->nodes[ratio].unit;
                st = add_op(m, SHP_OP_FLOOR, &u, m->nodes[ratio].unit_text, 1, &ratio, 0.0, &fl);
            }
            if (st == SHIPEST_OK && (st = shipest_model_div(m, fl, ratio, &q)) == SHIPEST_OK)
                st = shipest_model_mul(m, by_volume, q, &c[nc]);
            if (st != SHIPEST_OK)
                return st;
            which[nc++] = SHP_BIND_LENGTH;
        }
    }
    *n_out = nc;
    return SHIPEST_OK;
}

/* Items of cargo per carrier (see shp_loadplan in units.h): the BINDING
 * node over the constraints present, named "cargo per carrier" and built
 * once per model, so every conversion through the plan shares it and
 * results report each plan's binding constraint once. */
static shipest_status loadplan_node(shipest_model *m, const shp_loadplan *p, shipest_node *out)
{
    static const char *const label[] = {"mass", "volume", "length"};
    shipest_node c[3];
    int which[3];
    int nc = 0;
    const char *cargo = p->cargo != NULL ? p->cargo : "?";
    const char *carrier = p->carrier != NULL ? p->carrier : "?";
    size_t klen = strlen(cargo) + strlen(carrier) + 6;
    char *key = shp_alloc(m->ctx, klen);
    if (key == NULL)
        return SHIPEST_ENOMEM;
    snprintf(key, klen, "%s per %s", cargo, carrier);
    int32_t at = index_find(m, 2, key);
    if (at >= 0) {
        shp_free(m->ctx, key);
        *out = at;
        return SHIPEST_OK;
    }
    shipest_status st = loadplan_build(m, p, c, which, &nc);
    if (st != SHIPEST_OK) {
        shp_free(m->ctx, key);
        return st;
    }
    if (nc == 0)
        st = shp_error(m->ctx, SHIPEST_ENOROUTE,
                       "the load plan of %s in %s has no complete constraint (mass, volume or "
                       "length)", cargo, carrier);
    for (int i = 1; st == SHIPEST_OK && i < nc; i++)
        if (!shp_unit_same_dim(&m->nodes[c[0]].unit, &m->nodes[c[i]].unit))
            st = shp_error(m->ctx, SHIPEST_EUNIT,
                           "the load plan of %s in %s: constraints '%s' and '%s' have units "
                           "'%s' and '%s'", cargo, carrier, label[which[0]], label[which[i]],
                           m->nodes[c[0]].unit_text, m->nodes[c[i]].unit_text);
    shp_node n;
    memset(&n, 0, sizeof n);
    if (st == SHIPEST_OK) {
        shp_unit u = m->nodes[c[0]].unit;
        st = node_init(m, &n, SHP_OP_BINDING, &u, NULL);
    }
    n.name = key; /* owned by the node from here on */
    if (st != SHIPEST_OK) {
        node_clear(m->ctx, &n);
        return st;
    }
    n.nargs = (uint32_t)nc;
    for (int i = 0; i < nc; i++) {
        n.args[i] = c[i];
        if ((n.labels[i] = shp_strdup(m->ctx, label[which[i]])) == NULL) {
            node_clear(m->ctx, &n);
            return SHIPEST_ENOMEM;
        }
    }
    return push_node(m, &n, out);
}

static shipest_status convert_route(shipest_model *m, shipest_node a, const shp_unit *to,
                                    const char *unit, const char *via, shipest_node *out)
{
    shp_conversion conv;
    shp_unit from = m->nodes[a].unit;
    shipest_status st = shp_convert_route(m->ctx, &from, m->nodes[a].unit_text, to, unit, via, &conv);
    if (st != SHIPEST_OK)
        return st;
    shipest_node cur = a;
    for (size_t i = 0; i < conv.n_steps; i++) {
        const shp_conv_step *s = &conv.steps[i];
        shipest_node f;
        st = s->factor != NULL ? factor_node(m, s->factor, &f) : loadplan_node(m, &s->plan, &f);
        if (st == SHIPEST_OK)
            st = arith(m, s->exponent > 0 ? SHP_OP_MUL : SHP_OP_DIV, cur, f, &cur);
        if (st != SHIPEST_OK)
            return st;
    }
    if (!shp_unit_same_dim(&m->nodes[cur].unit, to)) {
        char d[320];
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "the route from '%s' to '%s' ends in '%s' (a table inconsistency)",
                         m->nodes[a].unit_text, unit, describe(m, cur, d, sizeof d));
    }
    return show_in(m, cur, to, unit, out);
}

shipest_status shipest_model_convert(shipest_model *m, shipest_node a, const char *unit,
                                     const char *via, shipest_node *out)
{
    shipest_status st = check_call(m, "shipest_model_convert", out, 1, a, 0);
    if (st != SHIPEST_OK)
        return st;
    if (unit == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_convert: NULL unit");
    shp_unit to;
    if ((st = parse_unit(m, unit, &to)) != SHIPEST_OK)
        return st;
    /* Same dimension: exact, so only the shown unit changes (unless a route
     * was asked for by name). */
    if (via == NULL && shp_unit_same_dim(&to, &m->nodes[a].unit))
        return show_in(m, a, &to, unit[0] ? unit : "1", out);
    size_t mark = m->n_nodes;
    st = convert_route(m, a, &to, unit[0] ? unit : "1", via, out);
    if (st != SHIPEST_OK) {
        rollback(m, mark);
        *out = SHIPEST_NO_NODE;
    }
    return st;
}

/* ---- public: introspection ---------------------------------------------------------------- */

size_t shipest_model_node_count(const shipest_model *m)
{
    return m == NULL ? 0 : m->n_nodes;
}

shipest_status shipest_model_find(const shipest_model *m, const char *name, shipest_node *out)
{
    if (out != NULL)
        *out = SHIPEST_NO_NODE;
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (name == NULL || out == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_find: NULL argument");
    int32_t at = index_find(m, 0, name);
    if (at < 0)
        return shp_error(m->ctx, SHIPEST_ENAME, "no node is named '%s'", name);
    *out = at;
    return SHIPEST_OK;
}

shipest_status shipest_model_node_op(const shipest_model *m, shipest_node node, shipest_op *op)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (op == NULL || !valid_node(m, node))
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_node_op: NULL op or node %d not "
                         "in the model", (int)node);
    static const shipest_op map[] = {
        [SHP_OP_INPUT] = SHIPEST_OP_INPUT, [SHP_OP_FACTOR] = SHIPEST_OP_FACTOR,
        [SHP_OP_CONST] = SHIPEST_OP_CONST, [SHP_OP_ADD] = SHIPEST_OP_ADD,
        [SHP_OP_SUB] = SHIPEST_OP_SUB,     [SHP_OP_MUL] = SHIPEST_OP_MUL,
        [SHP_OP_DIV] = SHIPEST_OP_DIV,     [SHP_OP_NEG] = SHIPEST_OP_NEG,
        [SHP_OP_POW] = SHIPEST_OP_POW,     [SHP_OP_MIN] = SHIPEST_OP_MIN,
        [SHP_OP_MAX] = SHIPEST_OP_MAX,     [SHP_OP_EXP] = SHIPEST_OP_EXP,
        [SHP_OP_LOG] = SHIPEST_OP_LOG,     [SHP_OP_SQRT] = SHIPEST_OP_SQRT,
        [SHP_OP_ABS] = SHIPEST_OP_ABS,     [SHP_OP_SCALE] = SHIPEST_OP_SCALE,
        [SHP_OP_FLOOR] = SHIPEST_OP_FLOOR, [SHP_OP_BINDING] = SHIPEST_OP_BINDING,
    };
    *op = map[m->nodes[node].op];
    return SHIPEST_OK;
}

size_t shipest_model_node_args(const shipest_model *m, shipest_node node, shipest_node *args,
                               size_t cap)
{
    const shp_node *n = node_at(m, node);
    if (n == NULL)
        return 0;
    for (size_t i = 0; i < n->nargs && i < cap && args != NULL; i++)
        args[i] = n->args[i];
    return n->nargs;
}

size_t shipest_model_node_name(const shipest_model *m, shipest_node node, char *buf, size_t size)
{
    const shp_node *n = node_at(m, node);
    return shp_copy_out(n != NULL && n->name != NULL ? n->name : "", buf, size);
}

size_t shipest_model_node_unit(const shipest_model *m, shipest_node node, char *buf, size_t size)
{
    const shp_node *n = node_at(m, node);
    return shp_copy_out(n != NULL ? n->unit_text : "", buf, size);
}

size_t shipest_model_node_source(const shipest_model *m, shipest_node node, char *buf, size_t size)
{
    const shp_node *n = node_at(m, node);
    return shp_copy_out(n != NULL && n->source != NULL ? n->source : "", buf, size);
}

shipest_status shipest_model_node_value(const shipest_model *m, shipest_node node, double *value)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    const shp_node *n = node_at(m, node);
    if (value == NULL || n == NULL)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_node_value: NULL value or node %d "
                         "not in the model", (int)node);
    switch (n->op) {
    case SHP_OP_CONST:
    case SHP_OP_INPUT:
    case SHP_OP_FACTOR:
    case SHP_OP_SCALE:
        *value = n->k;
        return SHIPEST_OK;
    default:
        return shp_error(m->ctx, SHIPEST_EINVAL, "node %d (%s) holds no number", (int)node,
                         op_word(n->op));
    }
}

shipest_status shipest_model_node_stream(const shipest_model *m, shipest_node node, uint64_t *stream)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    const shp_node *n = node_at(m, node);
    if (stream == NULL || n == NULL || (n->op != SHP_OP_INPUT && n->op != SHP_OP_FACTOR))
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_node_stream: node %d is not a "
                         "sampled node of the model", (int)node);
    *stream = n->stream;
    return SHIPEST_OK;
}

const shipest_dist *shipest_model_node_dist(const shipest_model *m, shipest_node node)
{
    const shp_node *n = node_at(m, node);
    return n != NULL ? n->dist : NULL;
}

int shipest_model_node_is_output(const shipest_model *m, shipest_node node)
{
    const shp_node *n = node_at(m, node);
    return n != NULL && (n->flags & SHP_NODE_OUTPUT) ? 1 : 0;
}

size_t shipest_model_correlation_count(const shipest_model *m)
{
    return m == NULL ? 0 : m->n_corr;
}

shipest_status shipest_model_correlation(const shipest_model *m, size_t i, shipest_node *a,
                                         shipest_node *b, double *rho)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (a == NULL || b == NULL || rho == NULL || i >= m->n_corr)
        return shp_error(m->ctx, SHIPEST_EINVAL, "shipest_model_correlation: NULL argument or "
                         "index %zu out of range", i);
    *a = m->corr[i].a;
    *b = m->corr[i].b;
    *rho = m->corr[i].rho;
    return SHIPEST_OK;
}

uint32_t shp_model_node_flags(const shipest_model *m, shipest_node node)
{
    return m != NULL && valid_node(m, node) ? m->nodes[node].flags : 0u;
}

/* ---- probability statements -------------------------------------------------------- */

#define MAX_PROBS 4096

shipest_status shipest_model_probability(shipest_model *m, shipest_node node, int above,
                                         double value, const char *unit, const char *text)
{
    if (m == NULL)
        return SHIPEST_EINVAL;
    if (!valid_node(m, node))
        return shp_error(m->ctx, SHIPEST_EINVAL,
                         "shipest_model_probability: node %d is not in the model", (int)node);
    const shp_node *n = &m->nodes[node];
    if (n->name == NULL)
        return shp_error(m->ctx, SHIPEST_ENAME,
                         "node %d (%s) has no name: name it before stating a probability",
                         (int)node, op_word(n->op));
    if (!isfinite(value))
        return shp_error(m->ctx, SHIPEST_EDOMAIN, "P(%s %c ...): the threshold is not finite",
                         n->name, above ? '>' : '<');
    shp_unit u;
    shipest_status st = parse_unit(m, unit, &u);
    if (st != SHIPEST_OK)
        return st;
    if (!shp_unit_same_dim(&u, &n->unit))
        return shp_error(m->ctx, SHIPEST_EUNIT,
                         "P(%s %c ...): the threshold's unit '%s' does not fit %s's unit '%s'",
                         n->name, above ? '>' : '<', unit != NULL && unit[0] ? unit : "1",
                         n->name, n->unit_text);
    if (m->n_probs >= MAX_PROBS)
        return shp_error(m->ctx, SHIPEST_ELIMIT, "a model may have at most %d probability "
                         "statements", MAX_PROBS);
    if (m->n_probs == m->cap_probs) {
        size_t cap = m->cap_probs ? 2 * m->cap_probs : 8;
        shp_prob *v = shp_realloc(m->ctx, m->probs, cap * sizeof *v);
        if (v == NULL)
            return SHIPEST_ENOMEM;
        m->probs = v;
        m->cap_probs = cap;
    }
    char made[512];
    if (text == NULL) {
        snprintf(made, sizeof made, "%s %c %.15g%s%s", n->name, above ? '>' : '<', value,
                 unit != NULL && unit[0] && strcmp(unit, "%") != 0 ? " " : "",
                 unit != NULL ? unit : "");
        text = made;
    }
    char *t = shp_strdup(m->ctx, text);
    if (t == NULL)
        return SHIPEST_ENOMEM;
    shp_prob *pr = &m->probs[m->n_probs++];
    pr->node = node;
    pr->above = above ? 1 : 0;
    pr->t = value * u.scale / n->display_scale;
    pr->text = t;
    return SHIPEST_OK;
}

size_t shipest_model_probability_count(const shipest_model *m)
{
    return m != NULL ? m->n_probs : 0;
}

shipest_status shipest_model_probability_get(const shipest_model *m, size_t k, shipest_node *node,
                                             int *above, double *threshold, const char **text)
{
    if (m == NULL || k >= m->n_probs)
        return SHIPEST_EINVAL;
    const shp_prob *pr = &m->probs[k];
    if (node != NULL)
        *node = pr->node;
    if (above != NULL)
        *above = pr->above;
    if (threshold != NULL)
        *threshold = pr->t;
    if (text != NULL)
        *text = pr->text;
    return SHIPEST_OK;
}
