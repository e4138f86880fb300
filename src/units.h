/* units.h — units with dimensions, unit expressions, and the conversion
 * descriptor the model builder turns into graph nodes.
 *
 * A unit is an exact scale to the SI base of its dimension plus an exponent
 * vector over base dimensions: mass (kg), length (m), time (s), and one
 * dimension per item kind declared by the loaded tables (container_20ft,
 * round_152mm, ...). Kind dimensions are numbered per context from
 * SHP_DIM_FIRST_KIND in the order tables declared them; the numbering never
 * changes once a load has committed (a failed load assigns nothing), so a
 * shp_unit stays valid for the context's lifetime.
 *
 * Values inside a model are always in SI base units of their dimension
 * (kg, m, s, one item); a unit's scale says how many SI base units one of it
 * is: t -> 1000, day -> 86400, round_152mm/day -> 1/86400.
 *
 * Name lookup order: the unit-name traps (ton, tons, MT: always an error that
 * lists the choices), the built-in exact units, then the context's tables
 * (kinds, aliases, exact units). Tables cannot redefine built-in names. */
#ifndef SHP_UNITS_H
#define SHP_UNITS_H

#include "internal.h"

#include "lex.h"

/* Fixed number of base dimensions: mass, length, time and up to 61 kinds. */
#define SHP_MAX_DIMS 64

enum {
    SHP_DIM_MASS = 0,
    SHP_DIM_LENGTH = 1,
    SHP_DIM_TIME = 2,
    SHP_DIM_FIRST_KIND = 3
};

typedef struct shp_unit {
    double scale;              /* SI base units per one of this unit; > 0, finite */
    int8_t exp[SHP_MAX_DIMS];  /* exponent of each base dimension */
} shp_unit;

struct shp_tables; /* table.h; may be NULL where only built-ins are wanted */

/* ---- dimension algebra ------------------------------------------------------
 * The results multiply scales and add exponents. mul/div/pow fail with
 * SHIPEST_ELIMIT (message on ctx, which may be NULL) when an exponent would
 * leave [-127, 127] or the scale would overflow to 0 or infinity; *out is
 * then unchanged. out may alias a or b. */
void shp_unit_one(shp_unit *out);                /* dimensionless, scale 1 */
shipest_status shp_unit_mul(shipest_ctx *ctx, const shp_unit *a, const shp_unit *b,
                            shp_unit *out);
shipest_status shp_unit_div(shipest_ctx *ctx, const shp_unit *a, const shp_unit *b,
                            shp_unit *out);
shipest_status shp_unit_pow(shipest_ctx *ctx, const shp_unit *a, int n, shp_unit *out);
/* 1 when a and b have the same dimension (scales may differ). */
int shp_unit_same_dim(const shp_unit *a, const shp_unit *b);
/* 1 when every exponent is 0 (scale may differ: % is dimensionless). */
int shp_unit_is_dimensionless(const shp_unit *a);
/* 1 when a and b are the same unit: same dimension, scales equal to 1e-12. */
int shp_unit_equal(const shp_unit *a, const shp_unit *b);

/* ---- text -------------------------------------------------------------------
 * Format u as a unit expression that shp_unit_parse() reads back to the same
 * unit: kind and base names with exponents ("kg/m3", "round_152mm/day",
 * "t/container_20ft", "1/s", "%", "1"). Mass, length and time are written
 * with the named unit that makes the scale come out exactly (t, day, month,
 * l, ...), preferring kg, m and s; when no combination of named units does,
 * the scale is written as a leading number ("1500*kg"). snprintf semantics:
 * returns the full length; buf may be NULL when size is 0. Kind names come
 * from t (NULL: written as kind<N>). */
size_t shp_unit_format(const struct shp_tables *t, const shp_unit *u, char *buf, size_t size);
/* Format only the dimension, in SI base names ("kg/m3", "round_152mm/s"). */
size_t shp_unit_format_dim(const struct shp_tables *t, const shp_unit *u, char *buf,
                           size_t size);

/* Look up one unit name (no operators) of len bytes: built-ins, then t
 * (which may be NULL). SHIPEST_EUNIT for an unknown name or a trap name, with
 * a message that, for traps, lists the choices; the message has no position
 * (callers with text prefix it). */
shipest_status shp_unit_lookup(shipest_ctx *ctx, const struct shp_tables *t, const char *name,
                               size_t len, shp_unit *out);

/* Parse a whole unit expression of len bytes (need not be NUL-terminated):
 *     expr    := product
 *     product := power (('*' | '/') power)*
 *     power   := primary ('^' ['-'] INTEGER)?
 *     primary := NAME | NUMBER | '%' | '(' product ')'
 * A NUMBER is an exact positive multiplier ("1" is dimensionless, "1000*kg").
 * Errors: SHIPEST_EUNIT (unknown or trap unit) or SHIPEST_EPARSE (syntax),
 * SHIPEST_ELIMIT (nesting deeper than 32, exponent overflow); the message
 * reads "unit 'TEXT', column C: ..." and *err_col (if not NULL) gets the
 * 1-based byte column, 0 when the error has no position. */
shipest_status shp_unit_parse(shipest_ctx *ctx, const struct shp_tables *t, const char *text,
                              size_t len, shp_unit *out, size_t *err_col);

/* Parse a unit expression from a token stream, for the table and model
 * parsers. `first` is the token already read that starts the unit (NAME,
 * NUMBER, '%' or '('); on success *next is the first token after the unit and
 * the lexer is positioned after it. The expression ends at the first token
 * that cannot continue it; a '*' or '/' continues it only when followed by a
 * unit name or a '(' that opens a unit expression, so `3 t / x` stops before
 * `/` when x is not a unit (the lexer is copied to look ahead). Errors carry
 * the lexer's "name:line:col: " prefix. */
shipest_status shp_unit_parse_lex(const struct shp_tables *t, shp_lexer *lx,
                                  const shp_token *first, shp_unit *out, shp_token *next);
/* The same with flags: SHP_UNIT_GREEDY makes '*' and '/' always continue
 * the unit (table files: `kg/xx` is an unknown unit xx, not kg then '/'). */
enum {
    SHP_UNIT_GREEDY = 1u << 0
};
shipest_status shp_unit_parse_lex_flags(const struct shp_tables *t, shp_lexer *lx,
                                        const shp_token *first, unsigned flags, shp_unit *out,
                                        shp_token *next);

/* A built-in unit by name: 1 and *out if it is one, else 0 (traps are not). */
int shp_unit_builtin(const char *name, size_t len, shp_unit *out);
/* Built-in units by index, for listings: [0, shp_unit_builtin_count()). */
size_t shp_unit_builtin_count(void);
const char *shp_unit_builtin_at(size_t i, shp_unit *out, const char **definition,
                                const char **si);
/* 1 when name is a unit-name trap (ton, tons, MT). */
int shp_unit_is_trap(const char *name, size_t len);

/* 1 when name (len bytes) is a unit-name trap or a built-in unit; tables may
 * not define such names. */
int shp_unit_is_reserved(const char *name, size_t len);

/* Stable 64-bit identity of a name, for random streams: FNV-1a over the bytes
 * followed by a 64-bit finaliser. Never changes between versions. */
uint64_t shp_hash_name(const char *s, size_t len);

/* ---- conversions ------------------------------------------------------------
 * One uncertain table quantity: a factor, or an attribute of a carrier or
 * cargo. Everything here is owned by the context's tables and stays valid
 * (unchanged) for the context's lifetime: an `override` retires the old entry
 * instead of freeing it. */
typedef struct shp_uncertain {
    const char *name;        /* factor name; "container_20ft.volume" for attributes */
    const char *source;      /* "who, what, when" */
    const char *date;        /* "2025-07" */
    const char *confidence;  /* "V: ..." | "K: ..." | "D: ..." */
    const char *dist_text;   /* the distribution as written ("21.6 to 28.3") */
    const char *si_text;     /* the SI unit of the value ("kg/container_20ft") */
    const shipest_dist *dist;/* owned by the table */
    double k;                /* SI value = sample of dist * k */
    shp_unit unit;           /* SI dimension of the value (scale 1): to/from */
    uint64_t stream;         /* random-stream identity: shp_hash_name("factor:" name) */
} shp_uncertain;

/* Binding constraints of a load plan, in the order the BINDING node lists them. */
typedef enum shp_bind {
    SHP_BIND_MASS = 0,
    SHP_BIND_VOLUME = 1,
    SHP_BIND_LENGTH = 2,
    SHP_BIND_COUNT = 3
} shp_bind;

/* Items of a cargo kind per carrier (a carrier -> cargo conversion). With all
 * values in SI:
 *     by_mass   = payload * usable / mass            (payload and mass given;
 *                                                     usable NULL means 1)
 *     by_volume = volume / cargo_volume              (both given)
 *     by_length = by_volume * floor(L / l) * l / L   (by_volume and both
 *                 lengths given; L = length, l = cargo_length; the factor
 *                 floor(L/l)*l/L is a pure number computed on SI values)
 *     items per carrier = min of the constraints present (at least one is).
 * The dimension of the result is cargo/carrier. */
typedef struct shp_loadplan {
    const char *carrier;  /* kind names */
    const char *cargo;
    int carrier_dim, cargo_dim;
    const shp_uncertain *payload;      /* kg per carrier, or NULL */
    const shp_uncertain *usable;       /* dimensionless, or NULL (= 1) */
    const shp_uncertain *mass;         /* kg per item, or NULL */
    const shp_uncertain *volume;       /* m3 per carrier, or NULL */
    const shp_uncertain *cargo_volume; /* m3 per item, or NULL */
    const shp_uncertain *length;       /* m per carrier, or NULL */
    const shp_uncertain *cargo_length; /* m per item, or NULL */
} shp_loadplan;

/* Longest route searched, in steps (factors and load plans). */
#define SHP_MAX_ROUTE 4

typedef struct shp_conv_step {
    int exponent;                  /* +1: multiply by it; -1: divide by it */
    const shp_uncertain *factor;   /* a table factor, or NULL for a load plan */
    shp_loadplan plan;             /* valid when factor is NULL */
} shp_conv_step;

/* A conversion from unit `from` to unit `to`:
 *     value_in_to = value_in_from * scale * prod_i step_i ^ exponent_i
 * where a factor step is (sample * k) and a load-plan step is its items per
 * carrier, both in SI. scale = from.scale / to.scale is the exact part. A
 * model working in SI base values uses the steps only:
 *     SI_to = SI_from * prod_i step_i ^ exponent_i. */
typedef struct shp_conversion {
    double scale;
    size_t n_steps;
    shp_conv_step steps[SHP_MAX_ROUTE];
} shp_conversion;

/* Find the route from `from` to `to` through the context's tables (loading
 * the default table on first use): fewest steps first; equally short routes
 * with different factors are SHIPEST_EAMBIGUOUS naming both unless exactly one
 * uses more `preferred` factors (a load plan counts as preferred). Factors
 * tagged `route NAME` are used only when via is NAME; then the route must use
 * at least one of them. from_text/to_text name the units in messages (NULL:
 * formatted from the unit). Errors: SHIPEST_ENOROUTE, SHIPEST_EAMBIGUOUS,
 * SHIPEST_ENAME (unknown via), SHIPEST_ELIMIT (search too large),
 * SHIPEST_ENOMEM. The descriptor borrows from the tables (valid for the ctx
 * lifetime) and needs no freeing. */
shipest_status shp_convert_route(shipest_ctx *ctx, const shp_unit *from, const char *from_text,
                                 const shp_unit *to, const char *to_text, const char *via,
                                 shp_conversion *out);

/* The context's tables, loading the default table on first use (the
 * embedded table is parsed once per context, lazily, so a context that never
 * converts pays nothing). *out is never NULL on success. */
shipest_status shp_tables_get(shipest_ctx *ctx, const struct shp_tables **out);

/* Convenience for the model builder: look up / parse against the context's
 * tables (shp_tables_get + the function above). */
shipest_status shp_ctx_unit_parse_lex(shipest_ctx *ctx, shp_lexer *lx, const shp_token *first,
                                      shp_unit *out, shp_token *next);
shipest_status shp_ctx_unit_parse(shipest_ctx *ctx, const char *text, size_t len, shp_unit *out);
size_t shp_ctx_unit_format(shipest_ctx *ctx, const shp_unit *u, char *buf, size_t size);

#endif
