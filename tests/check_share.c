/* check_share.c — share-of-demand, exceedance statements and claims against
 * each other: the ICD 203 words at every boundary, share() and compare()
 * against hand-computed cases, agreement probabilities and their verdict,
 * and the worked example (docs/claims.md, ../shared/DESIGN.md). Public API
 * only. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 20250701), SHIPEST_OK);
    return ctx;
}

static shipest_model *parse_ok(shipest_ctx *ctx, const char *text)
{
    shipest_model *m = NULL;
    shipest_status st = shipest_model_parse(ctx, text, strlen(text), &m);
    ck_assert_msg(st == SHIPEST_OK, "parse: status %d: %s", (int)st, shipest_ctx_errmsg(ctx));
    return m;
}

static shipest_result *run(shipest_ctx *ctx, const shipest_model *m, uint64_t n)
{
    shipest_result *r = NULL;
    shipest_status st = shipest_model_run_range(ctx, m, 0, n, 0, &r);
    ck_assert_msg(st == SHIPEST_OK, "run: %s", shipest_ctx_errmsg(ctx));
    return r;
}

static size_t out_index(const shipest_result *r, const char *name)
{
    size_t i = (size_t)-1;
    ck_assert_int_eq(shipest_result_output_index(r, name, &i), SHIPEST_OK);
    return i;
}

static double *samples(const shipest_result *r, size_t i, uint64_t n)
{
    double *v = malloc((size_t)n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(shipest_result_samples(r, i, 0, n, v), SHIPEST_OK);
    return v;
}

START_TEST(test_words_boundaries)
{
    static const struct { double p; const char *w; } cases[] = {
        {0.0, "almost no chance"},     {0.01, "almost no chance"},
        {0.0499, "almost no chance"},  {0.05, "very unlikely"},
        {0.1999, "very unlikely"},     {0.20, "unlikely"},
        {0.4499, "unlikely"},          {0.45, "roughly even chance"},
        {0.50, "roughly even chance"}, {0.55, "roughly even chance"},
        {0.5501, "likely"},            {0.80, "likely"},
        {0.8001, "very likely"},       {0.95, "very likely"},
        {0.9501, "almost certain"},    {0.99, "almost certain"},
        {1.0, "almost certain"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *w = shipest_probability_words(cases[k].p);
        ck_assert_msg(w != NULL && strcmp(w, cases[k].w) == 0, "p = %g: '%s', want '%s'",
                      cases[k].p, w ? w : "(null)", cases[k].w);
    }
    ck_assert_ptr_null(shipest_probability_words(-0.001));
    ck_assert_ptr_null(shipest_probability_words(1.001));
    ck_assert_ptr_null(shipest_probability_words(NAN));
    ck_assert_ptr_null(shipest_probability_words(INFINITY));
    /* The scale is symmetric away from its boundaries. */
    static const char *const mirror[][2] = {
        {"almost no chance", "almost certain"}, {"very unlikely", "very likely"},
        {"unlikely", "likely"}, {"roughly even chance", "roughly even chance"},
    };
    for (int k = 1; k < 100; k += 2) {
        double p = k / 100.0 + 0.003;
        const char *a = shipest_probability_words(p), *b = shipest_probability_words(1 - p);
        int found = 0;
        for (size_t j = 0; j < 4; j++)
            found |= (!strcmp(a, mirror[j][0]) && !strcmp(b, mirror[j][1])) ||
                     (!strcmp(a, mirror[j][1]) && !strcmp(b, mirror[j][0]));
        ck_assert_msg(found, "p = %g '%s' vs 1 - p '%s'", p, a, b);
    }
}
END_TEST

START_TEST(test_agreement_text)
{
    char buf[128];
    size_t n = shipest_agreement_text(0.25, 0.31, buf, sizeof buf);
    ck_assert_str_eq(buf, "the two estimates agree within 25% with probability 0.31: unlikely");
    ck_assert_uint_eq(n, strlen(buf));
    ck_assert_uint_eq(shipest_agreement_text(0.25, 0.31, NULL, 0), n); /* length only */
    char small[10];
    ck_assert_uint_eq(shipest_agreement_text(0.25, 0.31, small, sizeof small), n);
    ck_assert_str_eq(small, "the two e");
    ck_assert_uint_eq(shipest_agreement_text(0.25, 1.5, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(shipest_agreement_text(0.0, 0.5, buf, sizeof buf), 0);
    ck_assert_uint_eq(shipest_agreement_text(NAN, 0.5, buf, sizeof buf), 0);
}
END_TEST

/* share of two constants: 3 / 12 t/day is exactly 0.25 in every trial. */
START_TEST(test_share_constants)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, "s = 3 t/day\nd = 12 t/day\nx = share(s, d)\n");
    shipest_result *r = run(ctx, m, 1000);
    size_t i = out_index(r, "x");
    ck_assert_str_eq(shipest_result_output_unit(r, i), "1");
    double mean = NAN, p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_mean(r, i, &mean), SHIPEST_OK);
    ck_assert(mean == 0.25);
    ck_assert_int_eq(shipest_result_prob_above(r, i, 0.2, &p, &se), SHIPEST_OK);
    ck_assert(p == 1 && se == 0);
    ck_assert_str_eq(shipest_probability_words(p), "almost certain");
    ck_assert_int_eq(shipest_result_prob_above(r, i, 0.25, &p, &se), SHIPEST_OK);
    ck_assert(p == 0 && se == 0);
    /* Mixed units of one dimension: 500 kg/day of 2 t/day is 0.25 too. */
    shipest_result_free(r);
    shipest_model_free(m);
    m = parse_ok(ctx, "x = share(500 kg/day, 2 t/day)\n");
    r = run(ctx, m, 10);
    ck_assert_int_eq(shipest_result_mean(r, 0, &mean), SHIPEST_OK);
    ck_assert_double_eq_tol(mean, 0.25, 1e-15);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_compare_identical)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, "a = more than 28,000 container\n"
                                     "same = compare(a, a)\n"
                                     "half = compare(a, 2 * a)\n");
    shipest_result *r = run(ctx, m, 2000);
    size_t i = out_index(r, "same"), h = out_index(r, "half");
    ck_assert_str_eq(shipest_result_output_unit(r, i), "1");
    double lo = NAN, hi = NAN, p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_quantile(r, i, 0.0, &lo), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_quantile(r, i, 1.0, &hi), SHIPEST_OK);
    ck_assert(lo == 1 && hi == 1);
    ck_assert_int_eq(shipest_result_agreement(r, i, 0.01, &p, &se), SHIPEST_OK);
    ck_assert(p == 1 && se == 0);
    /* a / 2a is exactly 0.5: outside 25%, at the edge of 100% (inclusive). */
    ck_assert_int_eq(shipest_result_agreement(r, h, 0.25, &p, &se), SHIPEST_OK);
    ck_assert(p == 0 && se == 0);
    ck_assert_int_eq(shipest_result_agreement(r, h, 1.0, &p, NULL), SHIPEST_OK);
    ck_assert(p == 1);
    /* Bad arguments. */
    ck_assert_int_eq(shipest_result_agreement(r, i, 0.0, &p, &se), SHIPEST_EDOMAIN);
    ck_assert(isnan(p) && isnan(se));
    ck_assert_int_eq(shipest_result_agreement(r, i, -0.1, &p, NULL), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_agreement(r, i, INFINITY, &p, NULL), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_result_agreement(r, 99, 0.1, &p, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_agreement(r, i, 0.1, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_result_agreement(NULL, i, 0.1, &p, NULL), SHIPEST_EINVAL);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* ratio = uniform(1, 3): agreement within 50% is P(2/3 <= x <= 1.5) = 0.25,
 * within 200% P(1/3 <= x <= 3) = 1. */
START_TEST(test_compare_uniform)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, "a = uniform(1, 3) t\nb = 1000 kg\nr = compare(a, b)\n");
    const uint64_t n = 100000;
    shipest_result *r = run(ctx, m, n);
    size_t i = out_index(r, "r");
    double p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_agreement(r, i, 0.5, &p, &se), SHIPEST_OK);
    ck_assert_double_eq_tol(se, sqrt(0.25 * 0.75 / (double)n), 2e-4);
    ck_assert_msg(fabs(p - 0.25) < 5 * se, "p = %g se = %g", p, se);
    ck_assert_int_eq(shipest_result_agreement(r, i, 2.0, &p, &se), SHIPEST_OK);
    ck_assert(p == 1 && se == 0);
    /* The same count from the samples, trial by trial. */
    double *v = samples(r, i, n), want = 0;
    for (uint64_t j = 0; j < n; j++)
        want += v[j] >= 1 / 1.5 && v[j] <= 1.5;
    free(v);
    ck_assert_int_eq(shipest_result_agreement(r, i, 0.5, &p, NULL), SHIPEST_OK);
    ck_assert_double_eq_tol(p, want / (double)n, 1e-12);
    shipest_result_free(r);
    shipest_model_free(m);

    /* compare() needs one dimension, and says so naming both. */
    const char *bad = "a = 3 t\nb = 5 day\nr = compare(a, b)\n";
    shipest_model *mb = (shipest_model *)&mb;
    ck_assert_int_eq(shipest_model_parse(ctx, bad, strlen(bad), &mb), SHIPEST_EUNIT);
    ck_assert_ptr_null(mb);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "compare needs two estimates"));
    /* And through the builder. */
    shipest_model *mm = NULL;
    shipest_node x, y, z;
    ck_assert_int_eq(shipest_model_new(ctx, &mm), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(mm, 2, "t", &x), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(mm, 4000, "kg", &y), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_compare(mm, x, y, &z), SHIPEST_OK);
    shipest_op op;
    ck_assert_int_eq(shipest_model_node_op(mm, z, &op), SHIPEST_OK);
    ck_assert_int_eq(op, SHIPEST_OP_DIV);
    ck_assert_int_eq(shipest_model_const(mm, 1, "day", &y), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_compare(mm, x, y, &z), SHIPEST_EUNIT);
    ck_assert_int_eq(z, SHIPEST_NO_NODE);
    ck_assert_int_eq(shipest_model_compare(NULL, x, y, &z), SHIPEST_EINVAL);
    shipest_model_free(mm);
    shipest_ctx_free(ctx);
}
END_TEST

/* The worked example: the DIA figure as delivered rounds, a consumption
 * prior from REFERENCE-FIGURES.md, and Budanov's "as much as 40%". */
static const char worked[] =
    "containers = more than 28,000 container      @ \"ROK DIA via Bloomberg, Jul 2025\"\n"
    "rounds     = containers -> round_152mm\n"
    "per_year   = rounds / (22 to 25 month) -> round_152mm/year\n"
    "demand     = 10,000 to 45,000 round_152mm/day -> round_152mm/year\n"
    "share      = share(per_year, demand)\n"
    "claimed    = as much as 40%                  @ \"Budanov\"\n"
    "agree      = compare(share, claimed)\n";

START_TEST(test_worked_example)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, worked);
    const uint64_t n = 20000;
    shipest_result *r = run(ctx, m, n);
    size_t is = out_index(r, "share"), ic = out_index(r, "claimed"), ia = out_index(r, "agree");
    uint64_t fin = 0, nonfin = 1;
    ck_assert_int_eq(shipest_result_count(r, is, &fin, &nonfin), SHIPEST_OK);
    ck_assert_uint_eq(fin, n);
    ck_assert_uint_eq(nonfin, 0);

    /* P(share > 40%), checked against the samples. */
    double p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_prob_above(r, is, 0.40, &p, &se), SHIPEST_OK);
    double *s = samples(r, is, n), *c = samples(r, ic, n), *a = samples(r, ia, n);
    double above = 0, agree = 0;
    for (uint64_t j = 0; j < n; j++) {
        above += s[j] > 0.40;
        /* compare() is the trial-by-trial ratio of the two claims. */
        ck_assert_double_eq_tol(a[j], s[j] / c[j], 1e-15 * fabs(a[j]));
        agree += fabs(log(s[j] / c[j])) <= log(1.25);
        ck_assert(c[j] >= 0 && c[j] <= 0.40 * 1.05 + 1e-12); /* "as much as" is one-sided */
    }
    ck_assert_double_eq_tol(p, above / (double)n, 1e-12);
    ck_assert_double_eq_tol(se, sqrt(p * (1 - p) / (double)n), 1e-15);
    ck_assert(p > 0 && p < 1);
    const char *w = shipest_probability_words(p);
    ck_assert_ptr_nonnull(w);

    double pa = NAN, sea = NAN;
    ck_assert_int_eq(shipest_result_agreement(r, ia, 0.25, &pa, &sea), SHIPEST_OK);
    ck_assert_double_eq_tol(pa, agree / (double)n, 1e-12);
    ck_assert(sea > 0 && sea < 0.01);
    char verdict[128];
    ck_assert_uint_gt(shipest_agreement_text(0.25, pa, verdict, sizeof verdict), 0);
    ck_assert_ptr_nonnull(strstr(verdict, shipest_probability_words(pa)));
    free(s);
    free(c);
    free(a);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* The text report flags shares over 100% and zero or negative demand (in
 * the report and through the log), and gives compare() agreement in words. */
typedef struct log_seen { int warnings; char last[512]; } log_seen;

static void on_log(void *user, shipest_log_level level, const char *message)
{
    log_seen *l = user;
    if (level == SHIPEST_LOG_WARNING) {
        l->warnings++;
        snprintf(l->last, sizeof l->last, "%s", message);
    }
}

static char *report_text(shipest_ctx *ctx, const shipest_result *r, const shipest_model *m)
{
    size_t need = 0;
    ck_assert_int_eq(shipest_report_write(ctx, r, m, SHIPEST_REPORT_TEXT, NULL, 0, &need),
                     SHIPEST_OK);
    char *t = malloc(need + 1);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(shipest_report_write(ctx, r, m, SHIPEST_REPORT_TEXT, t, need + 1, NULL),
                     SHIPEST_OK);
    return t;
}

START_TEST(test_report_flags)
{
    shipest_ctx *ctx = new_ctx();
    log_seen seen = {0, ""};
    ck_assert_int_eq(shipest_ctx_set_log(ctx, on_log, &seen), SHIPEST_OK);
    /* supply 1..2 t of demand 0.5 t (a constant): the share is 2..4, always over 100%. */
    shipest_model *m = parse_ok(ctx, "s = uniform(1, 2) t\nd = 500 kg\nx = share(s, d)\n"
                                     "y = 3 t\nc = compare(y, 3000 kg)\n");
    shipest_result *r = run(ctx, m, 500);
    char *t = report_text(ctx, r, m);
    ck_assert_msg(strstr(t, "\n  over     P(share > 100%) = 1.000 (0): almost certain\n") != NULL,
                  "%s", t);
    ck_assert_msg(strstr(t, "\n  agree    within 10% with probability 1.000 (0): almost certain\n"
                            "           within 25% with probability 1.000 (0): almost certain\n")
                      != NULL, "%s", t);
    ck_assert_ptr_null(strstr(t, "warning"));
    ck_assert_int_eq(seen.warnings, 0);
    free(t);
    /* Without the model the report cannot tell a share: no share lines. */
    t = report_text(ctx, r, NULL);
    ck_assert_ptr_null(strstr(t, "P(share > 100%)"));
    free(t);
    shipest_result_free(r);
    shipest_model_free(m);

    /* demand uniform(-1, 3) t: a quarter of the shares negative; demand 0: none finite. */
    m = parse_ok(ctx, "s = 1 t\nx = share(s, uniform(-1, 3) t)\nz = share(s, 0 t)\n");
    const uint64_t n = 4000;
    r = run(ctx, m, n);
    double pneg = NAN;
    ck_assert_int_eq(shipest_result_prob_below(r, out_index(r, "x"), 0.0, &pneg, NULL), SHIPEST_OK);
    char want[160];
    snprintf(want, sizeof want, "\nx\n  warning  demand near or below zero: 0 trials gave no "
             "finite share and %.0f a negative one\n", pneg * (double)n);
    ck_assert(pneg > 0.2 && pneg < 0.3);
    t = report_text(ctx, r, m);
    ck_assert_msg(strstr(t, want) != NULL, "want '%s' in\n%s", want, t);
    ck_assert_msg(strstr(t, "\nz\n  warning  demand near or below zero: 4000 trials gave no "
                            "finite share and 0 a negative one\n  no trial gave a finite value\n")
                      != NULL, "%s", t);
    free(t);
    ck_assert_int_eq(seen.warnings, 4); /* x and z, in each of the two report calls */
    ck_assert_ptr_nonnull(strstr(seen.last, "share 'z': demand near or below zero: 4000 of 4000"));
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* `P(name > t)` lines: recorded on the model, in the display unit of the
 * node, and reported with their standard error and words. */
START_TEST(test_prob_statements)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = parse_ok(ctx, "s = uniform(0, 2) t\nd = 1000 kg\nx = share(s, d)\n"
                                     "w = s in kg\n"
                                     "P(x > 40%)\nP(w < 1.5 t)  # a comment\nP(x > -1)\n");
    ck_assert_uint_eq(shipest_model_probability_count(m), 3);
    shipest_node node = SHIPEST_NO_NODE, want = SHIPEST_NO_NODE;
    int above = -1;
    double t = NAN;
    const char *text = NULL;
    ck_assert_int_eq(shipest_model_probability_get(m, 0, &node, &above, &t, &text), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_find(m, "x", &want), SHIPEST_OK);
    ck_assert_int_eq(node, want);
    ck_assert_int_eq(above, 1);
    ck_assert(t == 0.4);
    ck_assert_str_eq(text, "x > 40%");
    ck_assert_int_eq(shipest_model_probability_get(m, 1, NULL, &above, &t, &text), SHIPEST_OK);
    ck_assert_int_eq(above, 0);
    ck_assert_double_eq_tol(t, 1500.0, 1e-9); /* w is shown in kg */
    ck_assert_str_eq(text, "w < 1.5 t");
    ck_assert_int_eq(shipest_model_probability_get(m, 3, NULL, NULL, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_probability_get(NULL, 0, NULL, NULL, NULL, NULL),
                     SHIPEST_EINVAL);

    /* x = uniform(0, 2): P(x > 0.4) = 0.8, P(w < 1500 kg) = 0.75, P(x > -1) = 1. */
    const uint64_t n = 40000;
    shipest_result *r = run(ctx, m, n);
    double p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_prob_above(r, out_index(r, "x"), 0.4, &p, &se), SHIPEST_OK);
    ck_assert_msg(fabs(p - 0.8) < 5 * se, "p = %g", p);
    char want_line[128];
    snprintf(want_line, sizeof want_line, "\n  P(x > 40%%) = %.3f (%.1g): %s\n", p, se,
             shipest_probability_words(p));
    char *rep = report_text(ctx, r, m);
    ck_assert_msg(strstr(rep, "\nProbability statements (Monte Carlo standard error in "
                              "brackets)\n") != NULL, "%s", rep);
    ck_assert_msg(strstr(rep, want_line) != NULL, "want '%s' in\n%s", want_line, rep);
    ck_assert_ptr_nonnull(strstr(rep, "\n  P(x > -1) = 1.000 (0): almost certain\n"));
    ck_assert_int_eq(shipest_result_prob_below(r, out_index(r, "w"), 1500, &p, &se), SHIPEST_OK);
    ck_assert_msg(fabs(p - 0.75) < 5 * se, "p = %g", p);
    snprintf(want_line, sizeof want_line, "\n  P(w < 1.5 t) = %.3f (%.1g): %s\n", p, se,
             shipest_probability_words(p));
    ck_assert_msg(strstr(rep, want_line) != NULL, "want '%s' in\n%s", want_line, rep);
    free(rep);
    shipest_result_free(r);
    shipest_model_free(m);

    /* Mistakes, each with its place. */
    static const struct { const char *text; shipest_status st; const char *msg; } bad[] = {
        {"x = 1\nP(y > 1)\n", SHIPEST_ENAME, "2:3: unknown name 'y' in P(...)"},
        {"x = 1 t\nP(x > 1 day)\n", SHIPEST_EUNIT, "2:7: "},
        {"x = 1\nP(x >= 1)\n", SHIPEST_EPARSE, "expected '>' or '<'"},
        {"x = 1\nP(x > 1 to 2)\n", SHIPEST_EPARSE, "compares with a number"},
        {"x = 1\nP(x > 1) 2\n", SHIPEST_EPARSE, "2:10"},
        {"x = 1\ny = P(x > 1)\n", SHIPEST_EPARSE, "is a statement on a line of its own"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        shipest_model *mb = NULL;
        shipest_status st = shipest_model_parse(ctx, bad[k].text, strlen(bad[k].text), &mb);
        ck_assert_msg(st == bad[k].st, "'%s': status %d (%s)", bad[k].text, (int)st,
                      shipest_ctx_errmsg(ctx));
        ck_assert_ptr_null(mb);
        ck_assert_msg(strstr(shipest_ctx_errmsg(ctx), bad[k].msg) != NULL, "'%s': '%s'",
                      bad[k].text, shipest_ctx_errmsg(ctx));
    }
    /* A statement named P is still a statement. */
    m = parse_ok(ctx, "P = 3\nq = P * 2\n");
    ck_assert_uint_eq(shipest_model_probability_count(m), 0);
    shipest_model_free(m);

    /* The C API. */
    shipest_node a, b;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_const(m, 2, "t", &a), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_probability(m, a, 1, 1, "t", NULL), SHIPEST_ENAME);
    ck_assert_int_eq(shipest_model_name(m, a, "a", NULL, &b), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_probability(m, b, 1, 500, "kg", NULL), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_probability_get(m, 0, NULL, NULL, &t, &text), SHIPEST_OK);
    ck_assert_str_eq(text, "a > 500 kg");
    ck_assert_double_eq_tol(t, 0.5, 1e-15); /* a is shown in t */
    ck_assert_int_eq(shipest_model_probability(m, b, 0, NAN, "t", NULL), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_model_probability(m, b, 0, 1, "day", NULL), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_probability(m, b, 0, 1, "nonsense_unit", NULL), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_probability(m, 99, 0, 1, "t", NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_probability(NULL, b, 0, 1, "t", NULL), SHIPEST_EINVAL);
    ck_assert_uint_eq(shipest_model_probability_count(m), 1);
    ck_assert_uint_eq(shipest_model_probability_count(NULL), 0);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Out of memory at every allocation of a model with P statements and compare. */
START_TEST(test_prob_oom)
{
    static const char text[] = "a = 1 to 2 t\nb = 1.5 t\nc = compare(a, b)\nP(c > 1)\nP(a < 1.2 t)\n";
    HARNESS_OOM_LOOP(
        {
            shipest_model *m = NULL;
            st = shipest_model_parse(ctx, text, strlen(text), &m);
            if (st == SHIPEST_OK)
                ck_assert_uint_eq(shipest_model_probability_count(m), 2);
            shipest_model_free(m);
        },
        (void)0);
}
END_TEST

/* ---- supplier decomposition and days of supply ------------------------------------- */

static shipest_node cnode(shipest_model *m, double v, const char *unit)
{
    shipest_node n = SHIPEST_NO_NODE;
    ck_assert_int_eq(shipest_model_const(m, v, unit, &n), SHIPEST_OK);
    return n;
}

static shipest_node named(shipest_model *m, shipest_node n, const char *name)
{
    shipest_node out = SHIPEST_NO_NODE;
    ck_assert_int_eq(shipest_model_name(m, n, name, NULL, &out), SHIPEST_OK);
    return out;
}

static shipest_node input(shipest_ctx *ctx, shipest_model *m, const char *name, double lo,
                          double hi, const char *unit)
{
    shipest_dist *d = NULL;
    shipest_node n = SHIPEST_NO_NODE;
    ck_assert_int_eq(shipest_dist_uniform(ctx, lo, hi, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, name, d, unit, NULL, &n), SHIPEST_OK);
    shipest_dist_free(d);
    return n;
}

static double mean_of(const shipest_result *r, const char *name)
{
    double v = NAN;
    ck_assert_int_eq(shipest_result_mean(r, out_index(r, name), &v), SHIPEST_OK);
    return v;
}

/* 50 t and 100,000 kg of 200 t: shares 0.25 and 0.5, total 0.75, remainder
 * 0.25, all exact in binary; then 150 t + 100 t of 200 t, over demand. */
START_TEST(test_supply_constants)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = NULL;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    shipest_node d = cnode(m, 200, "t"), s[2], sh[2], rem, tot;
    s[0] = named(m, cnode(m, 50, "t"), "dprk");
    s[1] = cnode(m, 100000, "kg");
    const char *labels[] = {NULL, "russia"}; /* NULL: the node's own name */
    size_t before = shipest_model_node_count(m);
    ck_assert_int_eq(shipest_model_supply(m, d, 2, s, labels, "mix", sh, &rem, &tot), SHIPEST_OK);
    ck_assert_uint_eq(shipest_model_node_count(m), before + 2 * 2 + 2);
    const char *names[] = {"mix", "mix.dprk", "mix.russia", "mix.remainder"};
    const shipest_node want[] = {tot, sh[0], sh[1], rem};
    for (size_t k = 0; k < 4; k++) {
        shipest_node f = SHIPEST_NO_NODE;
        char unit[16];
        ck_assert_int_eq(shipest_model_find(m, names[k], &f), SHIPEST_OK);
        ck_assert_int_eq(f, want[k]);
        ck_assert_int_eq(shipest_model_node_is_output(m, f), 1);
        shipest_model_node_unit(m, f, unit, sizeof unit);
        ck_assert_str_eq(unit, "1");
    }
    /* The out-pointers may be NULL. */
    ck_assert_int_eq(shipest_model_supply(m, d, 2, s, labels, "again", NULL, NULL, NULL),
                     SHIPEST_OK);
    shipest_result *r = run(ctx, m, 100);
    ck_assert(mean_of(r, "mix.dprk") == 0.25);
    ck_assert(mean_of(r, "mix.russia") == 0.5);
    ck_assert(mean_of(r, "mix") == 0.75);
    ck_assert(mean_of(r, "mix.remainder") == 0.25);
    ck_assert(mean_of(r, "again.remainder") == 0.25);
    double p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_prob_above(r, out_index(r, "mix"), 1.0, &p, &se), SHIPEST_OK);
    ck_assert(p == 0 && se == 0);
    shipest_result_free(r);

    /* 150 t + 100 t of 200 t: the suppliers exceed demand in every trial and
     * the remainder is negative. */
    shipest_node big[2] = {cnode(m, 150, "t"), cnode(m, 100, "t")};
    const char *bl[] = {"a", "b"};
    ck_assert_int_eq(shipest_model_supply(m, d, 2, big, bl, "over", NULL, &rem, &tot), SHIPEST_OK);
    r = run(ctx, m, 100);
    ck_assert(mean_of(r, "over") == 1.25);
    ck_assert(mean_of(r, "over.a") == 0.75);
    ck_assert(mean_of(r, "over.remainder") == -0.25);
    ck_assert_int_eq(shipest_result_prob_above(r, out_index(r, "over"), 1.0, &p, &se), SHIPEST_OK);
    ck_assert(p == 1 && se == 0);
    ck_assert_int_eq(shipest_result_prob_below(r, out_index(r, "over.remainder"), 0.0, &p, NULL),
                     SHIPEST_OK);
    ck_assert(p == 1);
    /* The report says what P(total > 100%) means. */
    char *t = report_text(ctx, r, m);
    ck_assert_msg(strstr(t, "\nover\n  mean     1.25  (sd 0)\n") != NULL, "%s", t);
    ck_assert_msg(strstr(t, "  over     P(share > 100%) = 1.000 (0): almost certain that the "
                            "suppliers together exceed demand\n") != NULL, "%s", t);
    ck_assert_msg(strstr(t, "\nover.a\n") != NULL, "%s", t);
    free(t);
    shipest_result_free(r);

    /* One supplier is a decomposition too: its share is the total. */
    ck_assert_int_eq(shipest_model_supply(m, d, 1, &big[0], bl, "one", sh, &rem, &tot), SHIPEST_OK);
    r = run(ctx, m, 10);
    ck_assert(mean_of(r, "one") == 0.75 && mean_of(r, "one.a") == 0.75);
    ck_assert(mean_of(r, "one.remainder") == 0.25);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* s1, s2 ~ uniform(0, 1) t against 1.5 t: each share has mean 1/3 and sd
 * 1/(1.5 sqrt(12)); P(total > 100%) = P(s1 + s2 > 1.5) = 0.5^2 / 2 = 0.125;
 * P(share_a > 40%) = P(s1 > 0.6) = 0.4. And 1.5 t against demand
 * uniform(1, 2) t: P(share > 100%) = P(D < 1.5) = 0.5. */
START_TEST(test_supply_distributions)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = NULL;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    shipest_node s[2] = {input(ctx, m, "a", 0, 1, "t"), input(ctx, m, "b", 0, 1000, "kg")};
    shipest_node d = named(m, cnode(m, 1.5, "t"), "d");
    ck_assert_int_eq(shipest_model_supply(m, d, 2, s, NULL, "mix", NULL, NULL, NULL), SHIPEST_OK);
    shipest_node c = named(m, cnode(m, 1.5, "t"), "c"), dd = input(ctx, m, "dd", 1, 2, "t");
    ck_assert_int_eq(shipest_model_supply(m, dd, 1, &c, NULL, "one", NULL, NULL, NULL), SHIPEST_OK);
    const uint64_t n = 40000;
    shipest_result *r = run(ctx, m, n);
    const double sd_share = 1 / (1.5 * sqrt(12.0)), se_share = sd_share / sqrt((double)n);
    ck_assert_msg(fabs(mean_of(r, "mix.a") - 1.0 / 3) < 5 * se_share, "%g", mean_of(r, "mix.a"));
    ck_assert_msg(fabs(mean_of(r, "mix.b") - 1.0 / 3) < 5 * se_share, "%g", mean_of(r, "mix.b"));
    /* The total and the remainder have sd sqrt(2) sd_share. */
    ck_assert(fabs(mean_of(r, "mix") - 2.0 / 3) < 5 * sqrt(2.0) * se_share);
    ck_assert(fabs(mean_of(r, "mix.remainder") - 1.0 / 3) < 5 * sqrt(2.0) * se_share);
    double p = NAN, se = NAN;
    ck_assert_int_eq(shipest_result_prob_above(r, out_index(r, "mix"), 1.0, &p, &se), SHIPEST_OK);
    ck_assert_msg(fabs(p - 0.125) < 5 * sqrt(0.125 * 0.875 / (double)n), "p = %g", p);
    ck_assert_int_eq(shipest_result_prob_above(r, out_index(r, "mix.a"), 0.4, &p, &se), SHIPEST_OK);
    ck_assert_msg(fabs(p - 0.4) < 5 * sqrt(0.4 * 0.6 / (double)n), "p = %g", p);
    ck_assert_int_eq(shipest_result_prob_above(r, out_index(r, "one"), 1.0, &p, &se), SHIPEST_OK);
    ck_assert_msg(fabs(p - 0.5) < 5 * sqrt(0.25 / (double)n), "p = %g", p);
    /* Trial by trial: total = (a + b) / d, remainder = 1 - total, and the
     * shares add up to the total. */
    double *va = samples(r, out_index(r, "mix.a"), n), *vb = samples(r, out_index(r, "mix.b"), n);
    double *vt = samples(r, out_index(r, "mix"), n), *vr = samples(r, out_index(r, "mix.remainder"), n);
    for (uint64_t j = 0; j < n; j++) {
        ck_assert_double_eq_tol(vt[j], va[j] + vb[j], 1e-15);
        ck_assert(vr[j] == 1 - vt[j]);
    }
    free(va);
    free(vb);
    free(vt);
    free(vr);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Every refusal returns its status, writes SHIPEST_NO_NODE and leaves the
 * model as it was (no node added, no name taken). */
static void supply_fails(shipest_ctx *ctx, shipest_model *m, shipest_node demand, size_t n, const shipest_node *sup,
                         const char *const *labels, const char *name, shipest_status want,
                         const char *needle)
{
    shipest_node sh[4] = {7, 7, 7, 7}, rem = 7, tot = 7;
    size_t before = shipest_model_node_count(m);
    shipest_status st = shipest_model_supply(m, demand, n, sup, labels, name, sh, &rem, &tot);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_msg(st == want, "'%s': status %d, want %d (%s)", name ? name : "(null)", (int)st,
                  (int)want, msg);
    if (needle != NULL)
        ck_assert_msg(strstr(msg, needle) != NULL, "no '%s' in '%s'", needle, msg);
    ck_assert_uint_eq(shipest_model_node_count(m), before);
    ck_assert_int_eq(rem, SHIPEST_NO_NODE);
    ck_assert_int_eq(tot, SHIPEST_NO_NODE);
    for (size_t i = 0; i < n && i < 4; i++)
        ck_assert_int_eq(sh[i], SHIPEST_NO_NODE);
}

START_TEST(test_supply_errors)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = NULL;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    shipest_node d = named(m, cnode(m, 10, "t/day"), "demand");
    shipest_node ok[2] = {named(m, cnode(m, 1, "t/day"), "a"), named(m, cnode(m, 2, "kg/day"), "b")};
    const char *l2[] = {"x", "y"};
    /* A supplier of another dimension: both units named. */
    shipest_node bad[2] = {ok[0], named(m, cnode(m, 3, "t"), "stock")};
    supply_fails(ctx, m, d, 2, bad, NULL, "mix", SHIPEST_EUNIT, "'t/day'");
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "'stock' [t] has unit 't'"));
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "supplier 'stock'"));
    /* Labels: invalid, reserved, duplicate, missing. */
    static const char *const bad_labels[] = {"1a", "a.b", "", "remainder", "a b", "x:y", "\xc3\xa9"};
    for (size_t k = 0; k < sizeof bad_labels / sizeof bad_labels[0]; k++) {
        const char *l[] = {"fine", bad_labels[k]};
        supply_fails(ctx, m, d, 2, ok, l, "mix", SHIPEST_ENAME, "is not a label");
    }
    const char *dup[] = {"x", "x"};
    supply_fails(ctx, m, d, 2, ok, dup, "mix", SHIPEST_ENAME, "'x' is given twice");
    supply_fails(ctx, m, d, 2, (shipest_node[]){ok[0], ok[0]}, NULL, "mix", SHIPEST_ENAME, "twice");
    shipest_node anon[2] = {ok[0], cnode(m, 4, "t/day")};
    supply_fails(ctx, m, d, 2, anon, NULL, "mix", SHIPEST_ENAME, "give it a label");
    /* n = 0, too many, NULL arguments, foreign nodes. */
    supply_fails(ctx, m, d, 0, ok, l2, "mix", SHIPEST_EINVAL, "no suppliers");
    {
        shipest_node many[257], sh[257];
        for (size_t i = 0; i < 257; i++)
            many[i] = ok[0];
        ck_assert_int_eq(shipest_model_supply(m, d, 257, many, NULL, "mix", sh, NULL, NULL),
                         SHIPEST_ELIMIT);
        ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "at most 256"));
        ck_assert_int_eq(sh[0], SHIPEST_NO_NODE);
    }
    supply_fails(ctx, m, d, 2, NULL, l2, "mix", SHIPEST_EINVAL, "NULL suppliers");
    supply_fails(ctx, m, d, 2, ok, l2, NULL, SHIPEST_EINVAL, "NULL name");
    supply_fails(ctx, m, 999, 2, ok, l2, "mix", SHIPEST_EINVAL, "demand");
    supply_fails(ctx, m, d, 2, (shipest_node[]){ok[0], -3}, l2, "mix", SHIPEST_EINVAL, "supplier 2");
    ck_assert_int_eq(shipest_model_supply(NULL, d, 2, ok, l2, "mix", NULL, NULL, NULL),
                     SHIPEST_EINVAL);
    /* Names: invalid, used, or a part already used. */
    supply_fails(ctx, m, d, 2, ok, l2, "", SHIPEST_ENAME, "empty");
    supply_fails(ctx, m, d, 2, ok, l2, "a:b", SHIPEST_ENAME, "':'");
    supply_fails(ctx, m, d, 2, ok, l2, "demand", SHIPEST_ENAME, "already used");
    (void)named(m, cnode(m, 1, NULL), "mix.y");
    supply_fails(ctx, m, d, 2, ok, l2, "mix", SHIPEST_ENAME, "'mix.y' is already used");
    (void)named(m, cnode(m, 1, NULL), "m2.remainder");
    supply_fails(ctx, m, d, 2, ok, l2, "m2", SHIPEST_ENAME, "'m2.remainder' is already used");
    char longname[320];
    memset(longname, 'n', 315);
    longname[315] = '\0';
    supply_fails(ctx, m, d, 2, ok, l2, longname, SHIPEST_ENAME, "bytes long");
    /* After all that the call still works, and a second time its names are taken. */
    ck_assert_int_eq(shipest_model_supply(m, d, 2, ok, NULL, "mix2", NULL, NULL, NULL), SHIPEST_OK);
    supply_fails(ctx, m, d, 2, ok, NULL, "mix2", SHIPEST_ENAME, "already used");
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* Allocation failure at every point of a decomposition: ENOMEM, nothing
 * leaked, and the model as it was — then the same call succeeds. */
static shipest_status supply_oom_body(shipest_ctx *ctx)
{
    shipest_model *m = NULL;
    shipest_node d = SHIPEST_NO_NODE, s[3] = {0, 0, 0}, sh[3], rem, tot;
    const char *labels[] = {"dprk", "russia", "other"};
    shipest_status st = shipest_model_new(ctx, &m);
    for (int k = 0; k < 4 && st == SHIPEST_OK; k++)
        st = shipest_model_const(m, 10.0 * (k + 1), "t/day", k == 0 ? &d : &s[k - 1]);
    if (st == SHIPEST_OK)
        st = shipest_model_name(m, d, "demand", NULL, &d);
    if (st == SHIPEST_OK) {
        size_t before = shipest_model_node_count(m);
        st = shipest_model_supply(m, d, 3, s, labels, "mix", sh, &rem, &tot);
        if (st != SHIPEST_OK) {
            ck_assert_uint_eq(shipest_model_node_count(m), before);
            shipest_node f;
            ck_assert_int_eq(shipest_model_find(m, "mix", &f), SHIPEST_ENAME);
            ck_assert_int_eq(shipest_model_find(m, "mix.dprk", &f), SHIPEST_ENAME);
            ck_assert_int_eq(tot, SHIPEST_NO_NODE);
            /* The allocator fails once: the model is whole and takes the call. */
            ck_assert_int_eq(shipest_model_supply(m, d, 3, s, labels, "mix", sh, &rem, &tot),
                             SHIPEST_OK);
        }
        ck_assert_uint_eq(shipest_model_node_count(m), before + 8);
        shipest_node f;
        ck_assert_int_eq(shipest_model_find(m, "mix.other", &f), SHIPEST_OK);
        ck_assert_int_eq(f, sh[2]);
    }
    shipest_node stock = SHIPEST_NO_NODE, days;
    if (st == SHIPEST_OK)
        st = shipest_model_const(m, 100, "t", &stock);
    if (st == SHIPEST_OK) {
        size_t before = shipest_model_node_count(m);
        st = shipest_model_days_of_supply(m, stock, d, &days);
        if (st != SHIPEST_OK)
            ck_assert_uint_eq(shipest_model_node_count(m), before);
    }
    shipest_model_free(m);
    return st;
}

START_TEST(test_supply_oom)
{
    HARNESS_OOM_LOOP(st = supply_oom_body(ctx), (void)0);
    static const char text[] = "demand = 10 to 20 t/day\ndprk = 3 t/day\n"
                               "mix = supply(demand, dprk, other: 1 to 2 t/day)\n"
                               "P(mix.dprk > 40%)\nd = days_of_supply(100 t, demand) -> month\n";
    HARNESS_OOM_LOOP(
        {
            shipest_model *m = NULL;
            st = shipest_model_parse(ctx, text, strlen(text), &m);
            if (st == SHIPEST_OK)
                ck_assert_uint_eq(shipest_model_probability_count(m), 1);
            else
                ck_assert_ptr_null(m);
            shipest_model_free(m);
        },
        (void)0);
}
END_TEST

/* 3000 t at 100 t/day lasts 30 days; at 3000 t/month, one month
 * (30.4375 days); `-> month` converts exactly. */
START_TEST(test_days_of_supply)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = NULL;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    shipest_node stock = named(m, cnode(m, 3000, "t"), "stock");
    shipest_node rate = named(m, cnode(m, 100, "t/day"), "rate"), x, y;
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, rate, &x), SHIPEST_OK);
    char unit[16];
    shipest_model_node_unit(m, x, unit, sizeof unit);
    ck_assert_str_eq(unit, "day");
    (void)named(m, x, "days");
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, rate, &y), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_convert(m, y, "month", NULL, &y), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, named(m, y, "months")), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, cnode(m, 3000, "t/month"), &y),
                     SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, named(m, y, "per_month")), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, x), SHIPEST_OK);
    shipest_result *r = run(ctx, m, 10);
    ck_assert_str_eq(shipest_result_output_unit(r, out_index(r, "days")), "day");
    ck_assert_str_eq(shipest_result_output_unit(r, out_index(r, "months")), "month");
    ck_assert_double_eq_tol(mean_of(r, "days"), 30, 1e-12);
    /* A month is a twelfth of the Julian year: 30 days are 30 / 30.4375 month. */
    ck_assert_double_eq_tol(mean_of(r, "months"), 30 / 30.4375, 1e-15);
    ck_assert_double_eq_tol(mean_of(r, "per_month"), 30.4375, 1e-12);
    shipest_result_free(r);

    /* Dimensions: a rate must be the stock per time; both units named. */
    size_t before = shipest_model_node_count(m);
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, stock, &y), SHIPEST_EUNIT);
    ck_assert_int_eq(y, SHIPEST_NO_NODE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "days_of_supply needs a rate"));
    shipest_node wrong = named(m, cnode(m, 5, "round_152mm/day"), "rounds_per_day");
    before = shipest_model_node_count(m);
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, wrong, &y), SHIPEST_EUNIT);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "'t'"));
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "'round_152mm/day'"));
    ck_assert_uint_eq(shipest_model_node_count(m), before);
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, rate, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_days_of_supply(m, stock, 999, &y), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_days_of_supply(NULL, stock, rate, &y), SHIPEST_EINVAL);
    shipest_model_free(m);

    /* stock uniform(10, 20) t at 1 t/day: mean 15 days, sd 10/sqrt(12). */
    const uint64_t n = 20000;
    m = parse_ok(ctx, "stock = uniform(10, 20) t\ndays = days_of_supply(stock, 1 t/day)\n"
                      "months = days_of_supply(stock, 1 t/day) -> month\n");
    r = run(ctx, m, n);
    ck_assert(fabs(mean_of(r, "days") - 15) < 5 * (10 / sqrt(12.0)) / sqrt((double)n));
    double *vd = samples(r, out_index(r, "days"), n), *vm = samples(r, out_index(r, "months"), n);
    for (uint64_t j = 0; j < n; j++)
        ck_assert_double_eq_tol(vm[j], vd[j] / 30.4375, 1e-12 * vm[j]);
    free(vd);
    free(vm);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* A rate at or below zero: a warning with counts, in the report and the
 * log, as for a share's demand; no infinities among the statistics. */
START_TEST(test_days_rate_guard)
{
    shipest_ctx *ctx = new_ctx();
    log_seen seen = {0, ""};
    ck_assert_int_eq(shipest_ctx_set_log(ctx, on_log, &seen), SHIPEST_OK);
    shipest_model *m = parse_ok(ctx, "stock = 100 t\n"
                                     "days = days_of_supply(stock, uniform(-1, 3) t/day)\n"
                                     "none = days_of_supply(stock, 0 t/day)\n"
                                     "fine = days_of_supply(stock, 1 to 2 t/day)\n"
                                     "d = 0 t/day\nmix = supply(d, stock2: 1 t/day)\n");
    const uint64_t n = 4000;
    shipest_result *r = run(ctx, m, n);
    double pneg = NAN;
    ck_assert_int_eq(shipest_result_prob_below(r, out_index(r, "days"), 0.0, &pneg, NULL),
                     SHIPEST_OK);
    ck_assert(pneg > 0.2 && pneg < 0.3);
    char want[200];
    snprintf(want, sizeof want, "\ndays (day)\n  warning  rate near or below zero: 0 trials gave "
             "no finite days of supply and %.0f a negative one\n", pneg * (double)n);
    char *t = report_text(ctx, r, m);
    ck_assert_msg(strstr(t, want) != NULL, "want '%s' in\n%s", want, t);
    ck_assert_msg(strstr(t, "\nnone (day)\n  warning  rate near or below zero: 4000 trials gave no "
                            "finite days of supply and 0 a negative one\n") != NULL, "%s", t);
    ck_assert_msg(strstr(t, "\nfine (day)\n  mean") != NULL, "%s", t);
    /* A decomposition against zero demand: share's warning on each share. */
    ck_assert_msg(strstr(t, "\nmix\n  warning  demand near or below zero: 4000 trials") != NULL,
                  "%s", t);
    ck_assert_msg(strstr(t, "\nmix.stock2\n  warning  demand near or below zero: 4000") != NULL,
                  "%s", t);
    free(t);
    ck_assert_int_eq(seen.warnings, 8); /* days, none, mix, mix.stock2; in each of two calls */
    ck_assert_ptr_nonnull(strstr(seen.last, "share 'mix.stock2': demand near or below zero"));
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("share");
    TCase *tc = tcase_create("share");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_words_boundaries);
    tcase_add_test(tc, test_agreement_text);
    tcase_add_test(tc, test_share_constants);
    tcase_add_test(tc, test_compare_identical);
    tcase_add_test(tc, test_compare_uniform);
    tcase_add_test(tc, test_worked_example);
    tcase_add_test(tc, test_report_flags);
    tcase_add_test(tc, test_prob_statements);
    tcase_add_test(tc, test_prob_oom);
    tcase_add_test(tc, test_supply_constants);
    tcase_add_test(tc, test_supply_distributions);
    tcase_add_test(tc, test_supply_errors);
    tcase_add_test(tc, test_supply_oom);
    tcase_add_test(tc, test_days_of_supply);
    tcase_add_test(tc, test_days_rate_guard);
    suite_add_tcase(s, tc);
    return s;
}
