/* model.h — the compiled model graph shared by the builder (model.c, the
 * language front end) and the engines (mc.c, linear.c). The engines read
 * only this: no text, no tables.
 *
 * Contract: nodes are stored in topological order (every argument index is
 * smaller than the node's own index). Every value the engines compute is in
 * the SI base of its dimension (kg, m, s, one item); display units are
 * applied only when results are reported. */
#ifndef SHP_MODEL_H
#define SHP_MODEL_H

#include "internal.h"
#include "units.h"

typedef enum shp_op {
    SHP_OP_INPUT,   /* a sampled input: dist * k (k converts the written unit to SI base) */
    SHP_OP_FACTOR,  /* a table factor: sampled like an input, one shared draw per factor */
    SHP_OP_CONST,   /* the constant k */
    SHP_OP_ADD,     /* a + b */
    SHP_OP_SUB,     /* a - b */
    SHP_OP_MUL,     /* a * b */
    SHP_OP_DIV,     /* a / b */
    SHP_OP_NEG,     /* -a */
    SHP_OP_POW,     /* pow(a, b) */
    SHP_OP_MIN,     /* min(a, b) */
    SHP_OP_MAX,     /* max(a, b) */
    SHP_OP_EXP,     /* exp(a) */
    SHP_OP_LOG,     /* log(a) */
    SHP_OP_SQRT,    /* sqrt(a) */
    SHP_OP_ABS,     /* fabs(a) */
    SHP_OP_SCALE,   /* a * k (an exact unit conversion) */
    SHP_OP_FLOOR,   /* floor(a) (load planning: whole packages along a length) */
    SHP_OP_BINDING  /* min(args[0..nargs-1]); the engine counts which argument
                       was the smallest in each trial (load-plan constraints,
                       labels in `labels`) */
} shp_op;

#define SHP_MAX_ARGS 4

enum {
    SHP_NODE_OUTPUT = 1u << 0, /* reported in results */
    SHP_NODE_NAMED = 1u << 1,  /* has a user-visible name (a model statement) */
    SHP_NODE_SHARE = 1u << 2,  /* a DIV made by shipest_model_share (supply / demand) */
    SHP_NODE_COMPARE = 1u << 3, /* a DIV made by shipest_model_compare (a / b) */
    SHP_NODE_SUPPLY_TOTAL = 1u << 4, /* with SHARE: the total of shipest_model_supply */
    SHP_NODE_DAYS = 1u << 5,    /* a DIV made by shipest_model_days_of_supply (stock / rate) */
    /* What a node made by share, compare, supply or days of supply is, for
     * the report; an alias of such a node (shipest_model_name) keeps it. */
    SHP_NODE_KIND_MASK = SHP_NODE_SHARE | SHP_NODE_COMPARE | SHP_NODE_SUPPLY_TOTAL | SHP_NODE_DAYS
};

typedef struct shp_node {
    shp_op op;
    uint32_t flags;
    uint32_t nargs;
    int32_t args[SHP_MAX_ARGS];
    double k;              /* CONST value, INPUT/FACTOR scale to SI, SCALE factor */
    shipest_dist *dist;    /* INPUT/FACTOR: owned by the model */
    uint64_t stream;       /* INPUT/FACTOR: stable identity for the random stream */
    char *name;            /* owned; NULL for anonymous intermediate nodes. A
                              statement's name (flag NAMED; inline inputs are
                              "stmt#k"), a FACTOR's table name, or a BINDING's
                              "cargo per carrier" (one node per load plan) */
    char *source;          /* owned; INPUT: the `@ "source"`, FACTOR: the table source */
    char *labels[SHP_MAX_ARGS]; /* BINDING: owned constraint names ("mass", ...) */
    char *unit_text;       /* owned; the display unit ("round_152mm/year") */
    double display_scale;  /* SI value / display_scale = value in unit_text */
    shp_unit unit;         /* the shown unit: exp is the node's dimension, and
                              unit.scale == display_scale */
} shp_node;

typedef struct shp_correlation {
    int32_t a, b; /* INPUT or FACTOR node indices */
    double rho;   /* Spearman-like target on the Gaussian copula */
} shp_correlation;

/* A probability statement `P(name > t)` recorded for reports. */
typedef struct shp_prob {
    int32_t node; /* the node it is about */
    int above;    /* 1: P(node > t), 0: P(node < t) */
    double t;     /* threshold in the node's display unit */
    char *text;   /* owned: "share > 40%" as written */
} shp_prob;

struct shipest_model {
    shipest_ctx *ctx;
    shp_node *nodes;
    size_t n_nodes, cap_nodes;
    shp_correlation *corr;
    size_t n_corr, cap_corr;
    /* Builder only: open-addressing index of named nodes (NAMED flag),
     * FACTOR nodes and BINDING nodes by name, so names stay unique and
     * factors and load plans deduplicate in O(1); slots hold node indices or
     * -1. Engines ignore it. */
    int32_t *index;
    size_t index_cap, index_used;
    /* Probability statements (shipest_model_probability), in order. */
    shp_prob *probs;
    size_t n_probs, cap_probs;
};

/* Random streams (model.c; documented in docs/language.md):
 *   INPUT  stream = shp_hash_name(name)               (names never contain ':')
 *   FACTOR stream = shp_hash_name("factor:" + factor name)
 * so an input's draws depend only on its own name, and a table factor shared
 * by several conversions is one stream. */

/* The SHP_NODE_* flags of @p node (0 for a NULL model or a node not in it);
 * the report uses it to mark share and compare outputs. */
uint32_t shp_model_node_flags(const shipest_model *m, shipest_node node);

#endif
