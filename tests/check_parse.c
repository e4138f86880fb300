/* check_parse.c — the model language: every construct, the worked example,
 * builder/language equivalence, error positions, hostile input and
 * allocation failure. Public API only. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

static shipest_status parse(shipest_ctx *ctx, const char *text, shipest_model **m)
{
    return shipest_model_parse(ctx, text, strlen(text), m);
}

static shipest_model *parse_ok(shipest_ctx *ctx, const char *text)
{
    shipest_model *m = NULL;
    shipest_status st = parse(ctx, text, &m);
    ck_assert_msg(st == SHIPEST_OK, "status %d: %s\n--- text:\n%s", (int)st,
                  shipest_ctx_errmsg(ctx), text);
    ck_assert_ptr_nonnull(m);
    return m;
}

/* Parse must fail with `want`, leave *m NULL, and say `needle` (and
 * `where`, the "line:col", when given). */
static void parse_fails(const char *text, size_t len, shipest_status want, const char *where,
                        const char *needle)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = (shipest_model *)(uintptr_t)1;
    shipest_status st = shipest_model_parse(ctx, text, len, &m);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_msg(st == want, "want status %d, got %d (%s) for:\n%.200s", (int)want, (int)st, msg,
                  text);
    ck_assert_ptr_null(m);
    if (where != NULL)
        ck_assert_msg(strstr(msg, where) != NULL, "no '%s' in: %s", where, msg);
    if (needle != NULL)
        ck_assert_msg(strstr(msg, needle) != NULL, "no '%s' in: %s", needle, msg);
    shipest_ctx_free(ctx);
}

#define FAILS(text, want, where, needle) parse_fails(text, strlen(text), want, where, needle)

static shipest_node find(const shipest_model *m, const char *name)
{
    shipest_node n = SHIPEST_NO_NODE;
    ck_assert_msg(shipest_model_find(m, name, &n) == SHIPEST_OK, "no node %s", name);
    return n;
}

static shipest_op op_of(const shipest_model *m, shipest_node n)
{
    shipest_op op = SHIPEST_OP_CONST;
    ck_assert_int_eq(shipest_model_node_op(m, n, &op), SHIPEST_OK);
    return op;
}

static double value_of(const shipest_model *m, shipest_node n)
{
    double v = NAN;
    ck_assert_int_eq(shipest_model_node_value(m, n, &v), SHIPEST_OK);
    return v;
}

static const char *unit_of(const shipest_model *m, shipest_node n, char *buf, size_t size)
{
    shipest_model_node_unit(m, n, buf, size);
    return buf;
}

/* Two models are the same graph: node by node the same operation,
 * arguments, name, unit, source, number, stream, distribution and output
 * flag, and the same correlations. */
static void same_graph(const shipest_model *a, const shipest_model *b)
{
    size_t n = shipest_model_node_count(a);
    ck_assert_uint_eq(n, shipest_model_node_count(b));
    for (size_t i = 0; i < n; i++) {
        shipest_node k = (shipest_node)i;
        char sa[256], sb[256];
        ck_assert_int_eq(op_of(a, k), op_of(b, k));
        shipest_node aa[4], ab[4];
        size_t na = shipest_model_node_args(a, k, aa, 4);
        ck_assert_uint_eq(na, shipest_model_node_args(b, k, ab, 4));
        for (size_t j = 0; j < na; j++)
            ck_assert_int_eq(aa[j], ab[j]);
        shipest_model_node_name(a, k, sa, sizeof sa);
        shipest_model_node_name(b, k, sb, sizeof sb);
        ck_assert_str_eq(sa, sb);
        ck_assert_str_eq(unit_of(a, k, sa, sizeof sa), unit_of(b, k, sb, sizeof sb));
        shipest_model_node_source(a, k, sa, sizeof sa);
        shipest_model_node_source(b, k, sb, sizeof sb);
        ck_assert_str_eq(sa, sb);
        double va, vb;
        shipest_status s1 = shipest_model_node_value(a, k, &va);
        ck_assert_int_eq(s1, shipest_model_node_value(b, k, &vb));
        if (s1 == SHIPEST_OK)
            ck_assert_double_eq(va, vb);
        uint64_t ta, tb;
        s1 = shipest_model_node_stream(a, k, &ta);
        ck_assert_int_eq(s1, shipest_model_node_stream(b, k, &tb));
        if (s1 == SHIPEST_OK)
            ck_assert(ta == tb);
        const shipest_dist *da = shipest_model_node_dist(a, k), *db = shipest_model_node_dist(b, k);
        ck_assert_int_eq(da == NULL, db == NULL);
        if (da != NULL) {
            char ta_[128], tb_[128];
            shipest_dist_describe(da, ta_, sizeof ta_);
            shipest_dist_describe(db, tb_, sizeof tb_);
            ck_assert_str_eq(ta_, tb_);
        }
        ck_assert_int_eq(shipest_model_node_is_output(a, k), shipest_model_node_is_output(b, k));
    }
    size_t nc = shipest_model_correlation_count(a);
    ck_assert_uint_eq(nc, shipest_model_correlation_count(b));
    for (size_t i = 0; i < nc; i++) {
        shipest_node x1, y1, x2, y2;
        double r1, r2;
        ck_assert_int_eq(shipest_model_correlation(a, i, &x1, &y1, &r1), SHIPEST_OK);
        ck_assert_int_eq(shipest_model_correlation(b, i, &x2, &y2, &r2), SHIPEST_OK);
        ck_assert_int_eq(x1, x2);
        ck_assert_int_eq(y1, y2);
        ck_assert_double_eq(r1, r2);
    }
}

/* The worked example of DESIGN.md, hedges replaced by plain distributions. */
static const char example[] =
    "# The worked example (DESIGN.md), hedges replaced by plain distributions\n"
    "containers = 28,000 to 35,000 container      @ \"ROK DIA via Bloomberg, Jul 2025\"\n"
    "rounds     = containers -> round_152mm\n"
    "per_year   = rounds / (22 to 25 month) -> round_152mm/year\n"
    "demand     = 10,000 to 45,000 round_152mm/day -> round_152mm/year\n"
    "share      = per_year / demand\n"
    "troops     = 12,000 to 14,000 person + 5,000 person + 1,000 person\n";

/* The same model through the C builder, call for call as docs/language.md
 * describes the translation. */
static shipest_status build_example(shipest_ctx *ctx, shipest_model **out)
{
    shipest_model *m = NULL;
    shipest_dist *d = NULL;
    shipest_node n[16];
    shipest_status st = shipest_model_new(ctx, &m);
#define STEP(call) \
    if (st == SHIPEST_OK) \
    st = (call)
#define INPUT(lo, hi, name, unit, src, out)                                           \
    STEP(shipest_dist_interval90(ctx, lo, hi, &d));                                   \
    if (st == SHIPEST_OK) {                                                           \
        st = shipest_model_input(m, name, d, unit, src, out);                         \
        shipest_dist_free(d);                                                         \
    }
    INPUT(28000, 35000, "containers", "container", "ROK DIA via Bloomberg, Jul 2025", &n[0]);
    STEP(shipest_model_convert(m, n[0], "round_152mm", NULL, &n[1]));
    STEP(shipest_model_name(m, n[1], "rounds", NULL, &n[1]));
    INPUT(22, 25, "per_year#1", "month", NULL, &n[3]);
    STEP(shipest_model_div(m, n[1], n[3], &n[4]));
    STEP(shipest_model_convert(m, n[4], "round_152mm/year", NULL, &n[4]));
    STEP(shipest_model_name(m, n[4], "per_year", NULL, &n[4]));
    INPUT(10000, 45000, "demand#1", "round_152mm/day", NULL, &n[5]);
    STEP(shipest_model_convert(m, n[5], "round_152mm/year", NULL, &n[6]));
    STEP(shipest_model_name(m, n[6], "demand", NULL, &n[6]));
    STEP(shipest_model_div(m, n[4], n[6], &n[7]));
    STEP(shipest_model_name(m, n[7], "share", NULL, &n[7]));
    INPUT(12000, 14000, "troops#1", "person", NULL, &n[8]);
    STEP(shipest_model_const(m, 5000, "person", &n[9]));
    STEP(shipest_model_add(m, n[8], n[9], &n[10]));
    STEP(shipest_model_const(m, 1000, "person", &n[11]));
    STEP(shipest_model_add(m, n[10], n[11], &n[12]));
    STEP(shipest_model_name(m, n[12], "troops", NULL, &n[12]));
    const char *outs[] = {"containers", "rounds", "per_year", "demand", "share", "troops"};
    for (size_t i = 0; i < 6; i++) {
        shipest_node o;
        STEP(shipest_model_find(m, outs[i], &o));
        STEP(shipest_model_output(m, o));
    }
#undef INPUT
#undef STEP
    if (st != SHIPEST_OK) {
        shipest_model_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

START_TEST(test_worked_example)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, example);
    char u[64];
    ck_assert_str_eq(unit_of(m, find(m, "rounds"), u, sizeof u), "round_152mm");
    ck_assert_str_eq(unit_of(m, find(m, "per_year"), u, sizeof u), "round_152mm/year");
    ck_assert_str_eq(unit_of(m, find(m, "demand"), u, sizeof u), "round_152mm/year");
    ck_assert_str_eq(unit_of(m, find(m, "share"), u, sizeof u), "1");
    ck_assert_str_eq(unit_of(m, find(m, "troops"), u, sizeof u), "person");
    shipest_node c = find(m, "containers");
    ck_assert_int_eq(op_of(m, c), SHIPEST_OP_INPUT);
    ck_assert_uint_eq(shipest_model_node_source(m, c, u, sizeof u), 31);
    ck_assert_str_eq(u, "ROK DIA via Bloomberg, Jul 2025");
    /* Every statement is an output; nothing else is. */
    size_t outputs = 0;
    for (size_t i = 0; i < shipest_model_node_count(m); i++)
        outputs += (size_t)shipest_model_node_is_output(m, (shipest_node)i);
    ck_assert_uint_eq(outputs, 6);
    /* The same graph, built in C. */
    shipest_model *b = NULL;
    ck_assert_msg(build_example(ctx, &b) == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    same_graph(m, b);
    shipest_model_free(b);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_builder_equivalence_misc)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx,
                                "a = normal(10, 2) kg\n"
                                "b = pert(1, 2, 4)\n"
                                "c = -a * b ^ 2 + min(a, 3 kg, 2 t) in g\n"
                                "d = sqrt(abs(c) * 1 kg)\n"
                                "correlate(a, b, -0.3)\n"
                                "output c, d\n");
    shipest_model *b = NULL;
    shipest_dist *dd = NULL;
    shipest_node n[20];
    ck_assert_int_eq(shipest_model_new(ctx, &b), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_normal(ctx, 10, 2, &dd), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(b, "a", dd, "kg", NULL, &n[0]), SHIPEST_OK);
    shipest_dist_free(dd);
    ck_assert_int_eq(shipest_dist_pert(ctx, 1, 2, 4, 4, &dd), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(b, "b", dd, NULL, NULL, &n[1]), SHIPEST_OK);
    shipest_dist_free(dd);
    ck_assert_int_eq(shipest_model_neg(b, n[0], &n[2]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_powi(b, n[1], 2, &n[3]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_mul(b, n[2], n[3], &n[4]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(b, 3, "kg", &n[5]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_min(b, n[0], n[5], &n[6]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(b, 2, "t", &n[7]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_min(b, n[6], n[7], &n[8]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_add(b, n[4], n[8], &n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_display(b, n[9], "g", &n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_name(b, n[9], "c", NULL, &n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_abs(b, n[9], &n[10]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(b, 1, "kg", &n[11]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_mul(b, n[10], n[11], &n[12]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_sqrt(b, n[12], &n[13]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_name(b, n[13], "d", NULL, &n[13]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_correlate(b, n[0], n[1], -0.3), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(b, n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(b, n[13]), SHIPEST_OK);
    same_graph(m, b);
    /* The `output` line narrowed the outputs. */
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "a")), 0);
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "c")), 1);
    shipest_model_free(b);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_numbers)
{
    static const struct {
        const char *text;
        double value;
    } cases[] = {
        {"28000", 28000},      {"28,000", 28000},   {"3e6", 3e6},       {"1.5M", 1.5e6},
        {"12 million", 12e6},  {"13k", 13e3},       {"2.5 billion", 2.5e9}, {"40%", 0.4},
        {".5", 0.5},           {"1,234,567", 1234567}, {"-7", -7},     {"- - 7", 7},
    };
    shipest_ctx *ctx = new_ctx();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "x = %s\n", cases[i].text);
        shipest_model *m = parse_ok(ctx, text);
        shipest_node x = find(m, "x");
        ck_assert_int_eq(op_of(m, x), SHIPEST_OP_CONST);
        ck_assert_double_eq_tol(value_of(m, x), cases[i].value, 1e-9 * fabs(cases[i].value));
        shipest_model_free(m);
    }
    /* A scale written once after a range's second figure covers both ends
     * ("2 to 3 million", "30 to 40%"), unless the first figure would then
     * not lie below the second. */
    static const struct { const char *text; double lo, hi; } ranges[] = {
        {"2 to 3 million", 2e6, 3e6}, {"30 to 40%", 0.3, 0.4}, {"10 to 15k", 1e4, 1.5e4},
        {"500 to 2 million", 500, 2e6}, {"2e3 to 3M", 2e3, 3e6},
        {"3 to 3 million", 3, 3e6},     {"16.1 to 17 thousand", 16100, 17000}};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "x = %s\n", ranges[i].text);
        shipest_model *m = parse_ok(ctx, text);
        const shipest_dist *d = shipest_model_node_dist(m, find(m, "x"));
        double lo, hi;
        ck_assert_int_eq(shipest_dist_quantile(d, 0.05, &lo), SHIPEST_OK);
        ck_assert_int_eq(shipest_dist_quantile(d, 0.95, &hi), SHIPEST_OK);
        ck_assert_msg(fabs(lo / ranges[i].lo - 1) < 1e-9 && fabs(hi / ranges[i].hi - 1) < 1e-9,
                      "%s: %g to %g", ranges[i].text, lo, hi);
        shipest_model_free(m);
    }
    /* A unit after a number scales it to SI. */
    shipest_model *m = parse_ok(ctx, "x = 28,000 t\ny = 2.5 billion g\nz = 13kg\n");
    ck_assert_double_eq_tol(value_of(m, find(m, "x")), 28e6, 1e-3);
    ck_assert_double_eq_tol(value_of(m, find(m, "y")), 2.5e6, 1e-6);
    ck_assert_double_eq_tol(value_of(m, find(m, "z")), 13, 1e-12);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_units_after_values)
{
    shipest_ctx *ctx = new_ctx();
    char u[64];
    shipest_model *m = parse_ok(ctx,
                                "a = 21.6 to 28.3 t/container_20ft\n"
                                "b = normal(100, 10) round_152mm/day\n"
                                "d = (1 + 2) day\n"
                                "e = 5 t / 2 day\n"
                                "f = 40 %\n");
    ck_assert_str_eq(unit_of(m, find(m, "a"), u, sizeof u), "t/container_20ft");
    ck_assert_int_eq(op_of(m, find(m, "a")), SHIPEST_OP_INPUT);
    ck_assert_str_eq(unit_of(m, find(m, "b"), u, sizeof u), "round_152mm/day");
    ck_assert_str_eq(unit_of(m, find(m, "d"), u, sizeof u), "day");
    ck_assert_str_eq(unit_of(m, find(m, "e"), u, sizeof u), "t/day");
    ck_assert_int_eq(op_of(m, find(m, "e")), SHIPEST_OP_DIV);
    ck_assert_double_eq_tol(value_of(m, find(m, "f")), 0.4, 1e-15);
    shipest_model_free(m);
    /* (a * 2) already has a unit. */
    FAILS("a = 2 t\nc = (a * 2) container_20ft\n", SHIPEST_EUNIT, "2:5", "'t'");
    shipest_ctx_free(ctx);
}
END_TEST

/* Every distribution family by name, with the family the model holds. */
START_TEST(test_families)
{
    static const struct {
        const char *text;
        shipest_family family;
    } cases[] = {
        {"constant(5)", SHIPEST_DIST_CONSTANT},
        {"uniform(1, 2)", SHIPEST_DIST_UNIFORM},
        {"normal(0, 1)", SHIPEST_DIST_NORMAL},
        {"lognormal(0, 0.5)", SHIPEST_DIST_LOGNORMAL},
        {"lognormal_median_gsd(10, 2)", SHIPEST_DIST_LOGNORMAL},
        {"lognormal_mean_sd(10, 2)", SHIPEST_DIST_LOGNORMAL},
        {"interval90(1, 10)", SHIPEST_DIST_LOGNORMAL},
        {"1 to 10", SHIPEST_DIST_LOGNORMAL},
        {"-1 to 10", SHIPEST_DIST_NORMAL},
        {"triangular(1, 2, 4)", SHIPEST_DIST_TRIANGULAR},
        {"pert(1, 2, 4)", SHIPEST_DIST_PERT},
        {"pert(1, 2, 4, 6)", SHIPEST_DIST_PERT},
        {"beta(2, 3)", SHIPEST_DIST_BETA},
        {"beta(2, 3, 10, 20)", SHIPEST_DIST_BETA},
        {"gamma(2, 3)", SHIPEST_DIST_GAMMA},
        {"exponential(0.5)", SHIPEST_DIST_EXPONENTIAL},
        {"student_t(5, 0, 1)", SHIPEST_DIST_STUDENT_T},
        {"truncnormal(0, 1, -1, 2)", SHIPEST_DIST_TRUNCNORMAL},
        {"poisson(4)", SHIPEST_DIST_POISSON},
        {"binomial(10, 0.3)", SHIPEST_DIST_BINOMIAL},
        {"empirical(1, 2, 3, 5)", SHIPEST_DIST_EMPIRICAL},
        {"mixture(0.3: normal(0, 1), 0.7: 1 to 2)", SHIPEST_DIST_MIXTURE},
        {"quantile3(10, 20, 40)", SHIPEST_DIST_QUANTILE3},
        {"quantile3(10, 20, 40, 0.1, 0, 100)", SHIPEST_DIST_QUANTILE3},
        {"quantiles(5%: 10, 50%: 20, 95%: 40)", SHIPEST_DIST_QUANTILE3},
        {"quantiles(10%: -5, 50%: 20, 90%: 40, lower: -10, upper: 60)", SHIPEST_DIST_QUANTILE3},
    };
    shipest_ctx *ctx = new_ctx();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "x = %s\n", cases[i].text);
        shipest_model *m = parse_ok(ctx, text);
        shipest_node x = find(m, "x");
        ck_assert_int_eq(op_of(m, x), SHIPEST_OP_INPUT);
        const shipest_dist *d = shipest_model_node_dist(m, x);
        ck_assert_ptr_nonnull(d);
        ck_assert_msg(shipest_dist_family(d) == cases[i].family, "%s: family %d", cases[i].text,
                      (int)shipest_dist_family(d));
        shipest_model_free(m);
    }
    /* The expert form is the quantile3 fit: its median is the middle value. */
    shipest_model *m = parse_ok(ctx, "x = quantiles(5%: 10, 50%: 20, 95%: 40) t\n");
    double q;
    ck_assert_int_eq(shipest_dist_quantile(shipest_model_node_dist(m, find(m, "x")), 0.5, &q),
                     SHIPEST_OK);
    ck_assert_double_eq_tol(q, 20, 1e-6);
    shipest_model_free(m);
    shipest_ctx_free(ctx);

    FAILS("x = normal(1)\n", SHIPEST_EPARSE, "1:5", "normal(mean, sd)");
    FAILS("x = normal(1, 2, 3)\n", SHIPEST_EPARSE, "1:5", "takes 2");
    FAILS("x = normal(5, -1)\n", SHIPEST_EDOMAIN, "1:5", "sd");
    FAILS("x = normal(5 t, 1)\n", SHIPEST_EPARSE, "1:12", "plain numbers");
    FAILS("x = beta(1, 2, 3)\n", SHIPEST_EPARSE, "1:5", "beta");
    FAILS("x = quantiles(5%: 10, 50%: 20, 90%: 40)\n", SHIPEST_EDOMAIN, "1:5", "1-p");
    FAILS("x = quantiles(5%: -10, 50%: 20, 95%: 40)\n", SHIPEST_EDOMAIN, "1:5", "lower");
    FAILS("x = mixture(normal(0, 1))\n", SHIPEST_EPARSE, "1:13", "weight");
    FAILS("x = gauss(0, 1)\n", SHIPEST_ENAME, "1:5", "gauss");
}
END_TEST

START_TEST(test_functions)
{
    shipest_ctx *ctx = new_ctx();
    char u[32];
    shipest_model *m = parse_ok(ctx,
                                "a = pow(4 m^2, 0.5)\n"
                                "b = pow(2, 1 to 2)\n"
                                "c = exp(1) - log(2) - 1\n"
                                "d = pow(3 m, -2)\n"
                                "e = 2 ^ 3 ^ 2\n"
                                "f = -2 ^ 2\n");
    ck_assert_str_eq(unit_of(m, find(m, "a"), u, sizeof u), "m");
    ck_assert_int_eq(op_of(m, find(m, "a")), SHIPEST_OP_POW);
    ck_assert_int_eq(op_of(m, find(m, "b")), SHIPEST_OP_POW);
    ck_assert_int_eq(op_of(m, find(m, "c")), SHIPEST_OP_SUB);
    ck_assert_str_eq(unit_of(m, find(m, "d"), u, sizeof u), "1/m^2");
    /* 2^3^2 is 2^(3^2); -2^2 is -(2^2). */
    shipest_node e = find(m, "e"), args[4];
    ck_assert_uint_eq(shipest_model_node_args(m, e, args, 4), 2);
    ck_assert_int_eq(op_of(m, args[1]), SHIPEST_OP_POW);
    ck_assert_int_eq(op_of(m, find(m, "f")), SHIPEST_OP_NEG);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    FAILS("x = pow(2 m, 1 to 2)\n", SHIPEST_EUNIT, "1:5", "exponent");
    FAILS("x = log(2 day)\n", SHIPEST_EUNIT, "1:5", "'day'");
}
END_TEST

/* A claim in a model is the input shipest_claim_parse() gives for its text:
 * the same distribution (compared at three quantiles, bit for bit) and unit. */
static void check_claim_input(const char *claim)
{
    shipest_ctx *ctx = new_ctx();
    char text[160];
    snprintf(text, sizeof text, "ok = 1\nx = 2 * (%s)\n", claim);
    shipest_model *m = parse_ok(ctx, text);
    shipest_node in = find(m, "x#1");
    ck_assert_int_eq(op_of(m, in), SHIPEST_OP_INPUT);
    shipest_dist *want = NULL;
    char unit[64], got_unit[64];
    size_t unit_len = 0;
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, claim, strlen(claim), 0, &want, unit,
                                         sizeof unit, &unit_len, NULL, 0, NULL),
                     SHIPEST_OK);
    const shipest_dist *got = shipest_model_node_dist(m, in);
    ck_assert_ptr_nonnull(got);
    const double ps[] = {0.05, 0.5, 0.95};
    for (size_t i = 0; i < 3; i++) {
        double a, b;
        ck_assert_int_eq(shipest_dist_quantile(got, ps[i], &a), SHIPEST_OK);
        ck_assert_int_eq(shipest_dist_quantile(want, ps[i], &b), SHIPEST_OK);
        ck_assert_msg(a == b, "%s: quantile %g is %.17g in the model, %.17g from the claim",
                      claim, ps[i], a, b);
    }
    shipest_model_node_unit(m, in, got_unit, sizeof got_unit);
    ck_assert_str_eq(got_unit, unit_len > 0 ? unit : "1");
    shipest_dist_free(want);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}

START_TEST(test_claims_in_models)
{
    static const char *const claims[] = {
        "more than 28,000 container", "as much as 40%",       "about 13,000 person",
        "between 5,000 and 6,000 person", "up to 5 t",        "at least 12 million round_152mm",
        "nearly 3,000 t",             "tens of thousands of person",
    };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++)
        check_claim_input(claims[i]);

    /* A claim at the top of a statement is the statement's input, with its source. */
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, "containers = more than 28,000 container @ \"ROK DIA\"\n");
    shipest_node n = find(m, "containers");
    ck_assert_int_eq(op_of(m, n), SHIPEST_OP_INPUT);
    char src[32];
    shipest_model_node_source(m, n, src, sizeof src);
    ck_assert_str_eq(src, "ROK DIA");
    double lo;
    ck_assert_int_eq(shipest_dist_quantile(shipest_model_node_dist(m, n), 0.0, &lo), SHIPEST_OK);
    ck_assert(lo >= 28000.0); /* "more than" is one-sided */
    shipest_model_free(m);
    /* Hedge words are ordinary names where no figure follows. */
    m = parse_ok(ctx, "about = 5\nx = about * 2\n");
    shipest_model_free(m);
    /* share() of two same-dimension quantities is a plain fraction. */
    m = parse_ok(ctx, "s = 3 t/day\nd = 10 to 20 t/day\nx = share(s, d)\n");
    char u[16];
    ck_assert_str_eq(unit_of(m, find(m, "x"), u, sizeof u), "1");
    shipest_model_free(m);
    shipest_ctx_free(ctx);

    /* A bad claim is reported at its place in the model, naming it. */
    FAILS("ok = 1\nx = 2 * (more than up to 5 t)\n", SHIPEST_EPARSE, "2:10",
          "'more than up to 5 t'");
    FAILS("s = 3 t/day\nd = 10 to 20 round_152mm/day\nx = share(s, d)\n", SHIPEST_EUNIT,
          "3:5", "share needs supply and demand of the same dimension");
    /* A range with an en dash is neither a stray byte nor a silent guess. */
    FAILS("x = 5,000\xe2\x80\x93" "6,000 person\n", SHIPEST_EPARSE, "1:10", "between 5,000 and 6,000");
}
END_TEST

START_TEST(test_conversion_and_display)
{
    shipest_ctx *ctx = new_ctx();
    char u[64];
    shipest_model *m = parse_ok(ctx,
                                "a = 100 to 200 container\n"
                                "b = a -> round_152mm\n"
                                "c = a -> round_152mm in round_152mm\n"
                                "d = 10 to 20 t/day -> t/year\n"
                                "e = b in round_152mm\n");
    ck_assert_str_eq(unit_of(m, find(m, "b"), u, sizeof u), "round_152mm");
    ck_assert_str_eq(unit_of(m, find(m, "d"), u, sizeof u), "t/year");
    ck_assert_int_eq(op_of(m, find(m, "e")), SHIPEST_OP_SCALE); /* alias of b */
    /* Both conversions share one draw per table factor. */
    size_t factors = 0;
    for (size_t i = 0; i < shipest_model_node_count(m); i++)
        factors += op_of(m, (shipest_node)i) == SHIPEST_OP_FACTOR;
    shipest_model *one = parse_ok(ctx, "a = 100 to 200 container\nb = a -> round_152mm\n");
    size_t factors1 = 0;
    for (size_t i = 0; i < shipest_model_node_count(one); i++)
        factors1 += op_of(one, (shipest_node)i) == SHIPEST_OP_FACTOR;
    ck_assert_uint_eq(factors, factors1);
    shipest_model_free(one);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    FAILS("a = 5 person\nb = a -> t\n", SHIPEST_ENOROUTE, "2:7", "'b'");
    FAILS("a = 5 t\nb = a in day\n", SHIPEST_EUNIT, "2:7", "'day'");
    FAILS("a = 5 t\nb = a -> round_152mm via nowhere\n", SHIPEST_ENAME, "2:7", "nowhere");
    FAILS("a = 5 t\nb = a ->\n", SHIPEST_EPARSE, "2:9", "a unit after '->'");
}
END_TEST

START_TEST(test_syntax_errors)
{
    FAILS("x = 5 +\n", SHIPEST_EPARSE, "1:8", "expected a number, a name, a distribution or '('");
    FAILS("x = 5 +\n", SHIPEST_EPARSE, "1:8", "found end of line");
    FAILS("x 5\n", SHIPEST_EPARSE, "1:3", "expected '='");
    FAILS("x = (1 + 2\n", SHIPEST_EPARSE, "1:11", "expected ')'");
    FAILS("x = 1 2\n", SHIPEST_EPARSE, "1:7", "end of the line");
    FAILS("= 5\n", SHIPEST_EPARSE, "1:1", "statement");
    FAILS("x = 5 @ source\n", SHIPEST_EPARSE, "1:9", "string");
    FAILS("x = 5\ny = x to 7\n", SHIPEST_EPARSE, "2:7", "'to' joins two plain numbers");
    FAILS("x = 5 t to 6 t\n", SHIPEST_EPARSE, "1:9", "unit written once");
    FAILS("x = pert(1,000, 2,000, 3,000)\n", SHIPEST_EPARSE, "1:10", "two numbers");
    FAILS("x = 5\ny = x + z\n", SHIPEST_ENAME, "2:9", "'z'");
    FAILS("y = x\nx = 5\n", SHIPEST_ENAME, "1:5", "earlier lines");
    FAILS("x = 5\nx = 6\n", SHIPEST_ENAME, "2:1", "'x'");
    FAILS("to = 5\n", SHIPEST_ENAME, "1:1", "reserved");
    FAILS("x = 5\noutput y\n", SHIPEST_ENAME, "2:8", "'y'");
    FAILS("x = 5 ton\n", SHIPEST_EUNIT, "1:7", "ton");
    FAILS("x = 5 t\ny = x + 3 round_152mm\n", SHIPEST_EUNIT, "2:9", "'round_152mm'");
    FAILS("x = 5 t\ny = x + 3 round_152mm\n", SHIPEST_EUNIT, NULL, "'t'");
    FAILS("x = exp(5 t)\n", SHIPEST_EUNIT, "1:5", "dimensionless");
    FAILS("a = 1 to 2\nb = 1 to 2\ncorrelate(a, b, 2)\n", SHIPEST_EDOMAIN, "3:11", "[-1, 1]");
    FAILS("a = 1 to 2\ncorrelate(a 0.5)\n", SHIPEST_EPARSE, "2:13", "expected ','");
    FAILS("a = 1 to 2\ncorrelate(a, 5, 0.5)\n", SHIPEST_EPARSE, "2:14", "the name of an input");
    FAILS("a = 1 to 2\ncorrelate(a, zz, 0.5)\n", SHIPEST_ENAME, "2:14", "'zz'");
    FAILS("a = 1 to 2\nb = 1 to 2\ncorrelate(a, b, 0.5\n", SHIPEST_EPARSE, "3:20", "expected ')'");
    FAILS("a = 1 to 2\noutput a,\n", SHIPEST_EPARSE, "2:10", "a statement name");
    FAILS("x = 1 to 2 to 3\n", SHIPEST_EPARSE, "1:12", "another interval");
    FAILS("x = min(a: 1, 2)\n", SHIPEST_EPARSE, "1:9", "no labelled arguments");
    FAILS("x = normal(m: 1, 2)\n", SHIPEST_EPARSE, "1:12", "no labelled arguments");
    FAILS("x = min(1, 2\n", SHIPEST_EPARSE, "1:13", "',' or ')'");
    FAILS("x = max(1)\n", SHIPEST_EPARSE, "1:5", "at least 2");
    FAILS("x = pert(1)\n", SHIPEST_EPARSE, "1:5", "3 to 4");
    FAILS("x = quantiles(5%: 10, 50%: 20, 95%)\n", SHIPEST_EPARSE, "1:32", "probability: value");
    FAILS("x = quantiles(5%: 10, 50%: 20, 95%: 40, lo: 1)\n", SHIPEST_EPARSE, "1:41", "lower/upper");
    FAILS("x = mixture(0.5: normal(0, 1), 0.5: 7)\n", SHIPEST_EPARSE, "1:37", "distribution");
    FAILS("x = 5 -> \n", SHIPEST_EPARSE, "1:10", "a unit after '->'");
    FAILS("x = 5 t in\n", SHIPEST_EPARSE, "1:11", "a unit after 'in'");
    FAILS("x = 5 t -> kg via\n", SHIPEST_EPARSE, "1:18", "route name");
    FAILS("a = 1 to 2\nb = a * 2\ncorrelate(a, b, 0.5)\n", SHIPEST_EPARSE, "3:11", "'b'");
    FAILS("a = 1 to 2\ncorrelate(a, a, 0.5)\n", SHIPEST_EPARSE, "2:11", "itself");
    FAILS("a = 1 to 2\nb = 1 to 2\ncorrelate(a, b, 0.5)\ncorrelate(b, a, 0.5)\n",
          SHIPEST_ENAME, "4:11", "already correlated");
}
END_TEST

START_TEST(test_bad_input)
{
    /* Empty input, blank lines, comments only. */
    parse_fails("", 0, SHIPEST_EPARSE, NULL, "no statements");
    FAILS("\n\n  # nothing\n", SHIPEST_EPARSE, NULL, "no statements");
    /* NaN and infinity, in any case; huge numbers. */
    FAILS("x = nan\n", SHIPEST_EPARSE, "1:5", "NaN");
    FAILS("x = Inf\n", SHIPEST_EPARSE, "1:5", "infinity");
    FAILS("x = -Infinity\n", SHIPEST_EPARSE, "1:6", "infinity");
    FAILS("x = normal(NaN, 1)\n", SHIPEST_EPARSE, "1:12", "NaN");
    FAILS("x = 1e999\n", SHIPEST_EPARSE, "1:5", "range");
    FAILS("x = 1e308 t\n", SHIPEST_EDOMAIN, "1:5", "overflows");
    /* Bytes that are not UTF-8, even inside a comment; NUL bytes. */
    FAILS("x = 5 # caf\xe9\n", SHIPEST_EPARSE, "1:12", "UTF-8");
    FAILS("x = 5 @ \"\xc0\xaf\"\n", SHIPEST_EPARSE, "1:10", "UTF-8");
    parse_fails("x = 5\0 + 1\n", 11, SHIPEST_EPARSE, "1:6", "NUL");
    /* Valid UTF-8 of every length is fine in strings and comments. */
    {
        shipest_ctx *c2 = new_ctx();
        shipest_model *ok = parse_ok(c2, "x = 5 @ \"d\xc3\xa9p\xc3\xb4t \xe2\x80\x94 \xf0\x9f\x93\xa6\" # \xf0\x9f\x9a\xa2\n");
        shipest_model_free(ok);
        shipest_ctx_free(c2);
    }
    FAILS("x = 5 # \xf0\x9f\x9a\n", SHIPEST_EPARSE, "1:9", "UTF-8");       /* truncated */
    FAILS("x = 5 # \xed\xa0\x80\n", SHIPEST_EPARSE, "1:9", "UTF-8");      /* a surrogate */
    FAILS("x = 5 # \xf4\x90\x80\x80\n", SHIPEST_EPARSE, "1:9", "UTF-8"); /* past U+10FFFF */
    /* A NULL text with a length, and NULL arguments. */
    shipest_model *m = NULL;
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_model_parse(ctx, NULL, 5, &m), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_parse(ctx, "x = 1", 5, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_parse(NULL, "x = 1", 5, &m), SHIPEST_EINVAL);
    /* A byte-order mark is skipped. */
    m = parse_ok(ctx, "\xEF\xBB\xBFx = 1\n");
    shipest_model_free(m);
    /* Not NUL-terminated: only len bytes are read. */
    m = NULL;
    ck_assert_int_eq(shipest_model_parse(ctx, "x = 12345", 6, &m), SHIPEST_OK);
    ck_assert_double_eq(value_of(m, find(m, "x")), 12);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_limits)
{
    /* Nesting: 150 levels parse, 10,000 are refused without recursing. */
    size_t deep = 10000;
    char *text = malloc(2 * deep + 16);
    ck_assert_ptr_nonnull(text);
    for (size_t levels = 150; levels <= deep; levels = deep) {
        size_t k = 0;
        k += (size_t)sprintf(text, "x = ");
        for (size_t i = 0; i < levels; i++)
            text[k++] = '(';
        text[k++] = '1';
        for (size_t i = 0; i < levels; i++)
            text[k++] = ')';
        text[k++] = '\n';
        text[k] = '\0';
        if (levels == 150) {
            shipest_ctx *ctx = new_ctx();
            shipest_model *m = parse_ok(ctx, text);
            shipest_model_free(m);
            shipest_ctx_free(ctx);
        } else {
            FAILS(text, SHIPEST_ELIMIT, "1:", "deeper than 200");
            break;
        }
    }
    /* Unary minus and powers nest too. */
    memset(text, '-', deep);
    memcpy(text, "x = ", 4);
    strcpy(text + deep, "1\n");
    FAILS(text, SHIPEST_ELIMIT, NULL, "deeper than 200");
    free(text);

    /* A 1 MB line: refused with its line number. */
    size_t big = 1u << 20;
    text = malloc(big + 32);
    ck_assert_ptr_nonnull(text);
    strcpy(text, "x = 1\ny = 1");
    size_t k = strlen(text);
    while (k < big)
        text[k++] = ' ';
    strcpy(text + k, "\n");
    FAILS(text, SHIPEST_ELIMIT, ":2:", "line is");
    /* A statement ends at its line's end: no continuation lines. */
    FAILS("x = 1 +\n  2\n", SHIPEST_EPARSE, "1:8", "found end of line");
    /* A long but legal sum is built without deep recursion. */
    k = (size_t)sprintf(text, "x = 1");
    for (int i = 0; i < 20000; i++)
        k += (size_t)sprintf(text + k, "+1");
    text[k++] = '\n';
    text[k] = '\0';
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, text);
    ck_assert_uint_eq(shipest_model_node_count(m), 40001);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    free(text);
}
END_TEST

/* Adding an unrelated statement does not change other inputs' streams, and
 * inline distributions are named statement#k. */
START_TEST(test_stream_stability)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m1 = parse_ok(ctx, "a = 1 to 2\nb = a * (3 to 4) + (5 to 6)\n");
    shipest_model *m2 = parse_ok(ctx, "z = 7 to 9\na = 1 to 2\nnew = 1 to 3\nb = a * (3 to 4) + (5 to 6)\n");
    const char *names[] = {"a", "b#1", "b#2"};
    for (size_t i = 0; i < 3; i++) {
        uint64_t s1, s2;
        ck_assert_int_eq(shipest_model_node_stream(m1, find(m1, names[i]), &s1), SHIPEST_OK);
        ck_assert_int_eq(shipest_model_node_stream(m2, find(m2, names[i]), &s2), SHIPEST_OK);
        ck_assert(s1 == s2);
    }
    uint64_t sa, sb;
    ck_assert_int_eq(shipest_model_node_stream(m1, find(m1, "b#1"), &sa), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_node_stream(m1, find(m1, "b#2"), &sb), SHIPEST_OK);
    ck_assert(sa != sb);
    shipest_model_free(m1);
    shipest_model_free(m2);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_long_names)
{
    char text[700];
    char name[256];
    memset(name, 'n', 255);
    name[255] = '\0';
    /* The longest statement name, with an inline input named name#1. */
    snprintf(text, sizeof text, "%s = 2 * (1 to 3)\n", name);
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, text);
    char inline_name[300];
    snprintf(inline_name, sizeof inline_name, "%s#1", name);
    ck_assert_int_eq(op_of(m, find(m, inline_name)), SHIPEST_OP_INPUT);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    snprintf(text, sizeof text, "%sx = 1\n", name);
    FAILS(text, SHIPEST_ENAME, "1:1", "255");
}
END_TEST

START_TEST(test_parse_file)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = (shipest_model *)(uintptr_t)1;
    ck_assert_int_eq(shipest_model_parse_file(ctx, "/nonexistent/model.shp", &m), SHIPEST_EIO);
    ck_assert_ptr_null(m);
    char path[] = "/tmp/shipest_parse_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs("x = 5 t\ny = x +\n", f);
    fclose(f);
    /* Errors name the file. */
    ck_assert_int_eq(shipest_model_parse_file(ctx, path, &m), SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), path));
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), ":2:"));
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 300; i++)
        fputs("# padding the file past the reader's first buffer .......\n", f);
    fputs(example, f);
    fclose(f);
    ck_assert_int_eq(shipest_model_parse_file(ctx, path, &m), SHIPEST_OK);
    ck_assert_uint_gt(shipest_model_node_count(m), 10);
    shipest_model_free(m);
    remove(path);
    shipest_ctx_free(ctx);
}
END_TEST

/* supply() and days_of_supply() in the language and through the builder:
 * the same graph, call for call as docs/language.md gives the translation. */
START_TEST(test_supply_equivalence)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx,
                                "demand = 10,000 to 45,000 round_152mm/day -> round_152mm/year\n"
                                "dprk   = 1M to 4M round_152mm/year\n"
                                "mix    = supply(demand, dprk, other: 100k to 500k round_152mm/year)\n"
                                "twice  = mix.dprk * 2\n"
                                "stock  = 2M to 3M round_152mm\n"
                                "days   = days_of_supply(stock, demand) -> month\n"
                                "P(mix.dprk > 40%)\n"
                                "output mix.remainder, twice, days\n");
    shipest_model *b = NULL;
    shipest_dist *dd = NULL;
    shipest_node n[16], sh[2];
    ck_assert_int_eq(shipest_model_new(ctx, &b), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_interval90(ctx, 10000, 45000, &dd), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(b, "demand#1", dd, "round_152mm/day", NULL, &n[0]),
                     SHIPEST_OK);
    shipest_dist_free(dd);
    ck_assert_int_eq(shipest_model_convert(b, n[0], "round_152mm/year", NULL, &n[1]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_name(b, n[1], "demand", NULL, &n[1]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_interval90(ctx, 1e6, 4e6, &dd), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(b, "dprk", dd, "round_152mm/year", NULL, &n[2]),
                     SHIPEST_OK);
    shipest_dist_free(dd);
    ck_assert_int_eq(shipest_dist_interval90(ctx, 100e3, 500e3, &dd), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(b, "mix#1", dd, "round_152mm/year", NULL, &n[3]),
                     SHIPEST_OK);
    shipest_dist_free(dd);
    const shipest_node sup[2] = {n[2], n[3]};
    const char *const labels[2] = {"dprk", "other"};
    ck_assert_int_eq(shipest_model_supply(b, n[1], 2, sup, labels, "mix", sh, &n[4], &n[5]),
                     SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(b, 2, NULL, &n[6]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_mul(b, sh[0], n[6], &n[7]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_name(b, n[7], "twice", NULL, &n[7]), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_interval90(ctx, 2e6, 3e6, &dd), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(b, "stock", dd, "round_152mm", NULL, &n[8]), SHIPEST_OK);
    shipest_dist_free(dd);
    ck_assert_int_eq(shipest_model_days_of_supply(b, n[8], n[1], &n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_convert(b, n[9], "month", NULL, &n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_name(b, n[9], "days", NULL, &n[9]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_probability(b, sh[0], 1, 40, "%", "mix.dprk > 40%"),
                     SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(b, n[4]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(b, n[7]), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(b, n[9]), SHIPEST_OK);
    same_graph(m, b);
    /* The parts are named, outputs whatever the output lines say, and usable. */
    char u[32];
    ck_assert_str_eq(unit_of(m, find(m, "mix.other"), u, sizeof u), "1");
    ck_assert_str_eq(unit_of(m, find(m, "days"), u, sizeof u), "month");
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "mix")), 1);
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "mix.dprk")), 1);
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "dprk")), 0);
    shipest_node pn;
    const char *text = NULL;
    ck_assert_int_eq(shipest_model_probability_get(m, 0, &pn, NULL, NULL, &text), SHIPEST_OK);
    ck_assert_int_eq(pn, find(m, "mix.dprk"));
    ck_assert_str_eq(text, "mix.dprk > 40%");
    shipest_model_free(b);
    shipest_model_free(m);

    /* Without output lines the supply statement is an output like any other;
     * a supplier may be any expression with a label, in any unit of the
     * demand's dimension; numbers keep their dots. */
    m = parse_ok(ctx, "d = 10 t\na = 2 t\nx = supply(d, a, b: 1.5 t * 2, c: (1,000 kg))\n"
                      "y = x.a + x.b + x.c - x + 1.5\n");
    ck_assert_int_eq(op_of(m, find(m, "x.remainder")), SHIPEST_OP_SUB);
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "y")), 1);
    ck_assert_int_eq(shipest_model_node_is_output(m, find(m, "a")), 1);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_supply_errors)
{
    /* A supplier that is not a plain name needs a label, asked for at its place. */
    FAILS("d = 10 t\nx = supply(d, a: 1 t, 2 t)\n", SHIPEST_ENAME, "2:23", "give this supplier a label");
    FAILS("d = 10 t\nm = supply(d, d)\nx = supply(d, m.d)\n", SHIPEST_ENAME, "3:15", "label");
    /* Labels are names without dots, not `remainder`, given once. */
    FAILS("d = 10 t\nx = supply(d, 5%: 1 t)\n", SHIPEST_ENAME, "2:15", "a name without a dot");
    FAILS("d = 10 t\nm = supply(d, d)\nx = supply(d, m.d: 1 t)\n", SHIPEST_ENAME, "3:15", "without a dot");
    FAILS("d = 10 t\nx = supply(d, remainder: 1 t)\n", SHIPEST_ENAME, "2:5", "'remainder'");
    FAILS("d = 10 t\na = 1 t\nx = supply(d, a, a: 2 t)\n", SHIPEST_ENAME, "3:5", "'a' is given twice");
    FAILS("d = 10 t\nx = supply(d: 10 t, a: 1 t)\n", SHIPEST_EPARSE, "2:12", "takes no label");
    /* Units: every supplier in the demand's dimension; both named. */
    FAILS("d = 10 t\na = 1 day\nx = supply(d, a)\n", SHIPEST_EUNIT, "3:5", "'day'");
    FAILS("d = 10 t\na = 1 day\nx = supply(d, a)\n", SHIPEST_EUNIT, NULL, "'t'");
    FAILS("s = 10 t\nx = days_of_supply(s, 2 t)\n", SHIPEST_EUNIT, "2:5", "per unit of time");
    FAILS("s = 10 t\nx = days_of_supply(s, 2 round_152mm/day)\n", SHIPEST_EUNIT, NULL,
          "'round_152mm/day'");
    /* Shape: at least a demand and one supplier; a whole statement; no source. */
    FAILS("d = 10 t\nx = supply(d)\n", SHIPEST_EPARSE, "2:5", "at least 2");
    FAILS("d = 10 t\nx = days_of_supply(d)\n", SHIPEST_EPARSE, "2:5", "days_of_supply(stock, rate)");
    FAILS("d = 10 t\na = 1 t\nx = supply(d, a) * 2\n", SHIPEST_EPARSE, "3:5", "whole expression");
    FAILS("d = 10 t\na = 1 t\nx = 1 + supply(d, a)\n", SHIPEST_EPARSE, "3:9", "whole expression");
    FAILS("d = 10 t\na = 1 t\nx = supply(d, a) @ \"s\"\n", SHIPEST_EPARSE, "3:18", "no source");
    /* Dotted names belong to supply(): not defined, not taken twice. */
    FAILS("a.b = 1\n", SHIPEST_ENAME, "1:1", "a name with a dot");
    FAILS("d = 10 t\na = 1 t\nx = supply(d, a)\nx.a = 2\n", SHIPEST_ENAME, "4:1", "dot");
    FAILS("d = 10 t\na = 1 t\nx = supply(d, a)\nx = supply(d, a)\n", SHIPEST_ENAME, "4:5",
          "already used");
    FAILS("d = 10 t\na = 1 t\nx = supply(d, a)\ny = x.b\n", SHIPEST_ENAME, "4:5", "'x.b'");
    FAILS("x = 1\ny = x.\n", SHIPEST_EPARSE, "2:6", NULL);
    FAILS("x = 1\nP(x.y > 1)\n", SHIPEST_ENAME, "2:3", "'x.y'");
    /* Names are at most 255 bytes, the parts too. */
    char text[700], name[250];
    memset(name, 'n', 249);
    name[249] = '\0';
    snprintf(text, sizeof text, "d = 1 t\n%s = supply(d, d)\n", name);
    FAILS(text, SHIPEST_ENAME, "2:", "longer than 255 bytes");
    /* The function names are no longer refused as unwritten. */
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, "supply = 1\ndays_of_supply = 2\n");
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Most constructs at once, for the allocation-failure loop. */
static const char everything[] =
    "a = mixture(0.3: normal(0, 1), 0.7: empirical(1, 2, 3)) t @ \"mix\"\n"
    "b = quantiles(5%: 10, 50%: 20, 95%: 40) day\n"
    "c = (a / b -> t/month in kg/day) * (1 to 2)\n"
    "d = min(a, 3 kg, max(a, 1 t)) ^ 2\n"
    "e = sqrt(d) + pow(4 t^2, 0.5) - -a\n"
    "f = (exp(log(2))) container_20ft -> rocket_122mm\n"
    "g = f\n"
    "h = supply(b * 1 t/day, g2: 1 to 2 t, s: a)\n"
    "i = days_of_supply(h.g2 * a, 1 t/day) -> month\n"
    "correlate(a, b, 0.25)\n"
    "P(h.s > 40%)\n"
    "output c, e, g, i\n";

START_TEST(test_oom_parse)
{
    const char *texts[] = {example, everything};
    for (size_t i = 0; i < 2; i++)
        HARNESS_OOM_LOOP(
            {
                shipest_model *m = NULL;
                st = shipest_model_parse(ctx, texts[i], strlen(texts[i]), &m);
                if (st != SHIPEST_OK)
                    ck_assert_ptr_null(m);
                shipest_model_free(m);
            },
            (void)0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("language");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_worked_example);
    tcase_add_test(tc, test_builder_equivalence_misc);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_units_after_values);
    tcase_add_test(tc, test_families);
    tcase_add_test(tc, test_functions);
    tcase_add_test(tc, test_claims_in_models);
    tcase_add_test(tc, test_conversion_and_display);
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_stream_stability);
    tcase_add_test(tc, test_long_names);
    tcase_add_test(tc, test_parse_file);
    tcase_add_test(tc, test_oom_parse);
    tcase_add_test(tc, test_supply_equivalence);
    tcase_add_test(tc, test_supply_errors);
    suite_add_tcase(s, tc);
    return s;
}
