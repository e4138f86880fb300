/* analytic.h — private: the analytic engines (linear.c, logspace.c,
 * bounds.c), the analysis object they fill (analytic.c) and the verdict
 * against Monte Carlo (verdict.c). Nothing here is exported.
 *
 * analytic.c does everything the three methods share: argument checks, the
 * inputs each output depends on (its budget rows, in model order), the
 * correlation check, the one allocation of the analysis, and the string
 * pool. An engine then fills the numbers, flags and reasons. */
#ifndef SHP_ANALYTIC_H
#define SHP_ANALYTIC_H

#include "internal.h"
#include "model.h"

/* Why an output is not exact, has no answer, or has a note. Formatted only
 * when the caller asks (shipest_analysis_reason), so a propagation costs no
 * printf. */
typedef enum shp_why {
    SHP_WHY_NONE = 0,
    SHP_WHY_LIN_NOMOMENT,  /* input has no finite mean or variance */
    SHP_WHY_LIN_NONFINITE, /* value or needed derivative at the means not finite */
    SHP_WHY_LIN_NONSMOOTH, /* min/max/abs/floor/binding of an uncertain value */
    SHP_WHY_LIN_NONLINEAR, /* a nonlinear operation of uncertain values */
    SHP_WHY_LIN_NONNORMAL, /* linear, but an uncertain input is not normal */
    SHP_WHY_LOG_FAMILY,    /* input not lognormal */
    SHP_WHY_LOG_NONPOS,    /* a constant factor <= 0 */
    SHP_WHY_LOG_SUM,       /* a sum or difference with an uncertain value */
    SHP_WHY_LOG_NEG,       /* negation of an uncertain value */
    SHP_WHY_LOG_EXPONENT,  /* an uncertain exponent */
    SHP_WHY_LOG_OP,        /* exp, log, min, max, floor, binding of an uncertain value */
    SHP_WHY_B_NAN,         /* every value outside the operation's domain */
    SHP_WHY_B_DIV0,        /* a divisor whose bounds contain 0 */
    SHP_WHY_B_DOMAIN,      /* part of the values outside the domain (NaN in MC) */
    SHP_WHY_B_OVERFLOW,    /* an infinite end from finite ones */
    SHP_WHY_B_SUPPORT,     /* an input with an unbounded support, not cut */
    SHP_WHY_B_QUANTILE     /* inputs cut at quantiles: bounds hold with prob < 1 */
} shp_why;

/* One budget row: an input or table factor the output depends on. */
typedef struct shp_brow {
    int32_t node;
    const char *name, *unit; /* pool */
    double sens;    /* LINEAR: dy/dx_i, output display unit per input display
                       unit; LOG: the exponent of x_i in y */
    double u;       /* LINEAR: u(x_i) in the input's display unit; LOG: sd of ln x_i */
    double contrib; /* (sens u)^2 */
    double share;   /* contrib / combined variance (or log-variance) */
} shp_brow;

typedef struct shp_aout {
    int32_t node;
    const char *name, *unit; /* pool */
    double scale;            /* display_scale (> 0) */
    unsigned flags;          /* SHIPEST_ANALYSIS_* */
    double mean, sd;         /* LINEAR, LOG; display units */
    double logmu, logsigma;  /* LOG: ln y ~ N(logmu, logsigma^2), display units */
    double lo, hi, prob;     /* BOUNDS: [lo, hi] with probability >= prob */
    double corr_share;       /* share of the variance from correlation terms */
    size_t n_rows;
    shp_brow *rows;          /* into the analysis' row array */
    /* reason */
    shp_why why;
    int32_t why_node;
    const char *why_label;   /* pool: the node's name, NULL when anonymous */
    shp_op why_op;
    shipest_family why_family;
    double why_x, why_y;
} shp_aout;

struct shipest_analysis {
    shipest_ctx *ctx;
    shipest_method method;
    double tail;     /* BOUNDS: probability cut at a cut end */
    unsigned bflags; /* BOUNDS: SHIPEST_BOUNDS_* */
    size_t n_out, n_rows;
    shp_aout *out;
    shp_brow *rows;
    char *pool;
};

/* What analytic.c hands an engine: the model, the analysis to fill and a
 * scratch area of per-node and per-input arrays (freed after the run). */
typedef struct shp_ajob {
    const shipest_model *m;
    shipest_analysis *a;
    size_t n_in;          /* INPUT and FACTOR nodes */
    int32_t *slot;        /* per node: input slot, or -1 */
    int32_t *in_node;     /* per slot: node */
    const char **label;   /* per node: pool copy of its name, or NULL */
    /* engine scratch, n_nodes each */
    double *val, *pa, *pb, *tan;
    int32_t *act;         /* BINDING: active argument */
    int32_t *first;       /* first node (in model order) behind a note */
    uint8_t *code;        /* the shp_why of that note */
    uint8_t *kind;        /* engine-specific node state */
    double *lo, *hi;      /* BOUNDS */
    size_t *cursor;       /* per output: next budget row */
    double *sx;           /* per node: display scale (> 0) */
    double *grad;         /* vector mode: n_nodes x n_in, or NULL */
} shp_ajob;

/* Engines: fill a->out[*] (numbers, flags, reason) and the budget rows'
 * numbers. The rows of each output are in model order when called; the
 * engine may reorder them (largest contribution first). Never fail. */
void shp_linear_run(shp_ajob *job);
void shp_logspace_run(shp_ajob *job);
void shp_bounds_run(shp_ajob *job);

/* Shared helpers (analytic.c). */

/* t[i] = pa[i] t[a0] + pb[i] t[a1] (BINDING: t[act[i]]) for every node from
 * `from` up to `end` (exclusive), with t = 0 before `from` and t[from] = 1:
 * the derivative of every node with respect to node `from` (forward mode,
 * one sweep). A term whose argument tangent is 0 is skipped, so an infinite
 * partial of a deterministic argument does not poison the sweep. */
void shp_tangent_sweep(const shipest_model *m, const double *pa, const double *pb,
                       const int32_t *act, size_t from, size_t end, double *t);

/* Fill each output's rows' sens with d(output)/d(input) from pa, pb, act:
 * vector mode (job->grad) or one tangent sweep per input. With
 * display_units, in the output's display unit per the input's; otherwise
 * raw (log-space exponents). Rows must be in model order. */
void shp_collect_sens(shp_ajob *job, int display_units);

/* Combined variance of output o from sens and u of its rows and the model's
 * correlations (rho taken as the correlation of the inputs); also sets
 * contrib, share and corr_share, and sorts the rows by contribution. */
double shp_combine(shp_ajob *job, shp_aout *o);

/* Keep the note of highest priority (lowest code order given by `rank`)
 * from node j into node i; ties go to the earlier node. */
static inline void shp_note_merge(int32_t *first, uint8_t *code, size_t i, size_t j,
                                  const uint8_t *rank)
{
    if (first[j] < 0)
        return;
    if (first[i] < 0 || rank[code[j]] < rank[code[i]] ||
        (rank[code[j]] == rank[code[i]] && first[j] < first[i])) {
        first[i] = first[j];
        code[i] = code[j];
    }
}

#endif
