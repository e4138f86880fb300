/* check_units.c — units: built-in scales, dimension algebra, unit
 * expressions and their errors, exact conversions. Public API only. */
#include "harness.h"

#include <math.h>
#include <string.h>

/* Scales are products of a few exact decimal constants: 1e-12 relative
 * covers the rounding of those products. */
#define REL 1e-12

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

/* Describe `unit`; check its SI scale and its dimension in SI base names. */
static void check_unit(shipest_ctx *ctx, const char *unit, double scale, const char *dim)
{
    double s = 0.0;
    char buf[128];
    size_t needed = 0;
    shipest_status st = shipest_unit_describe(ctx, unit, &s, buf, sizeof buf, &needed);
    ck_assert_msg(st == SHIPEST_OK, "%s: %s", unit, shipest_ctx_errmsg(ctx));
    ck_assert_msg(fabs(s - scale) <= REL * fabs(scale), "%s: scale %.17g, want %.17g", unit, s,
                  scale);
    ck_assert_msg(strcmp(buf, dim) == 0, "%s: dimension '%s', want '%s'", unit, buf, dim);
    ck_assert_uint_eq(needed, strlen(dim));
}

/* Describe `unit`, expect status st and every needle in the message. */
static void check_bad(shipest_ctx *ctx, const char *unit, shipest_status st, const char *n1,
                      const char *n2)
{
    double s;
    shipest_status got = shipest_unit_describe(ctx, unit, &s, NULL, 0, NULL);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_msg(got == st, "%s: status %d, want %d (%s)", unit, (int)got, (int)st, msg);
    ck_assert_msg(strstr(msg, n1) != NULL, "%s: message '%s' lacks '%s'", unit, msg, n1);
    if (n2 != NULL)
        ck_assert_msg(strstr(msg, n2) != NULL, "%s: message '%s' lacks '%s'", unit, msg, n2);
}

START_TEST(test_builtin_scales)
{
    shipest_ctx *ctx = new_ctx();
    const double year = 365.25 * 86400.0;
    check_unit(ctx, "kg", 1.0, "kg");
    check_unit(ctx, "g", 1e-3, "kg");
    check_unit(ctx, "t", 1000.0, "kg");
    check_unit(ctx, "tonne", 1000.0, "kg");
    check_unit(ctx, "short_ton", 2000 * 0.45359237, "kg");
    check_unit(ctx, "long_ton", 2240 * 0.45359237, "kg");
    check_unit(ctx, "lb", 0.45359237, "kg");
    check_unit(ctx, "m", 1.0, "m");
    check_unit(ctx, "cm", 0.01, "m");
    check_unit(ctx, "mm", 0.001, "m");
    check_unit(ctx, "m3", 1.0, "m3");
    check_unit(ctx, "l", 0.001, "m3");
    check_unit(ctx, "s", 1.0, "s");
    check_unit(ctx, "min", 60.0, "s");
    check_unit(ctx, "h", 3600.0, "s");
    check_unit(ctx, "day", 86400.0, "s");
    check_unit(ctx, "week", 7 * 86400.0, "s");
    check_unit(ctx, "year", year, "s");
    check_unit(ctx, "month", year / 12, "s");
    check_unit(ctx, "%", 0.01, "1");
    check_unit(ctx, "1", 1.0, "1");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_dimension_algebra)
{
    shipest_ctx *ctx = new_ctx();
    check_unit(ctx, "kg/m3", 1.0, "kg/m3");
    check_unit(ctx, "t/container_20ft", 1000.0, "kg/container_20ft");
    check_unit(ctx, "round_152mm/day", 1.0 / 86400, "round_152mm/s");
    check_unit(ctx, "round_152mm/month", 12.0 / (365.25 * 86400), "round_152mm/s");
    check_unit(ctx, "kg*m/s^2", 1.0, "kg*m/s^2");
    check_unit(ctx, "(kg/m3)*m3", 1.0, "kg");    /* quotient then product cancels */
    check_unit(ctx, "m^3/l", 1000.0, "1");        /* same dimension: a pure number */
    check_unit(ctx, "m^2*m^-2", 1.0, "1");
    check_unit(ctx, "kg^-1", 1.0, "1/kg");
    check_unit(ctx, "1/day", 1.0 / 86400, "1/s");
    check_unit(ctx, "m*m*m", 1.0, "m3");
    check_unit(ctx, "kg/(m*s)", 1.0, "kg/(m*s)");
    check_unit(ctx, "container/day", 1.0 / 86400, "container_20ft/s"); /* alias */
    check_unit(ctx, "crate_762x39", 1440.0, "cartridge_762x39");        /* a table unit */
    check_unit(ctx, "%/year", 0.01 / (365.25 * 86400), "1/s");
    check_unit(ctx, "round_122mm*person/(rocket_122mm*h)", 1.0 / 3600,
               "round_122mm*person/(rocket_122mm*s)");
    check_unit(ctx, "1000*kg", 1000.0, "kg");
    /* Exponents live in [-127, 127]. */
    check_bad(ctx, "m^127*m", SHIPEST_ELIMIT, "out of range", NULL);
    check_bad(ctx, "m^200", SHIPEST_EPARSE, "exponent", NULL);
    check_unit(ctx, "m^127/m^127", 1.0, "1");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_unit_traps)
{
    shipest_ctx *ctx = new_ctx();
    check_bad(ctx, "ton", SHIPEST_EUNIT, "short_ton", "long_ton");
    check_bad(ctx, "tons", SHIPEST_EUNIT, "tonne", "short_ton");
    check_bad(ctx, "MT", SHIPEST_EUNIT, "ambiguous", "long_ton");
    /* The position of the trap in a longer expression. */
    check_bad(ctx, "kg/tons", SHIPEST_EUNIT, ":1:4:", "short_ton");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_unit_errors)
{
    shipest_ctx *ctx = new_ctx();
    check_bad(ctx, "kgs", SHIPEST_EUNIT, "unknown unit 'kgs'", "did you mean 'kg'");
    check_bad(ctx, "rounds_152mm", SHIPEST_EUNIT, "unknown unit", ":1:1:");
    check_bad(ctx, "kg/furlong", SHIPEST_EUNIT, "unknown unit 'furlong'", ":1:4:");
    check_bad(ctx, "kg/", SHIPEST_EPARSE, "expected a unit", ":1:4:");
    check_bad(ctx, "(kg", SHIPEST_EPARSE, "expected ')'", ":1:4:");
    check_bad(ctx, "kg m", SHIPEST_EPARSE, "after the unit", ":1:4:");
    check_bad(ctx, "m^x", SHIPEST_EPARSE, "exponent", NULL);
    check_bad(ctx, "", SHIPEST_EPARSE, "empty unit", NULL);
    check_bad(ctx, "kg$", SHIPEST_EPARSE, "unexpected character '$'", ":1:3:");
    check_bad(ctx, "kg/\xff", SHIPEST_EPARSE, "UTF-8", NULL);
    check_bad(ctx, "0*kg", SHIPEST_EPARSE, "positive", NULL);
    ck_assert_int_eq(shipest_unit_describe(ctx, NULL, NULL, NULL, 0, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_unit_describe(NULL, "kg", NULL, NULL, 0, NULL), SHIPEST_EINVAL);
    char buf[4];
    ck_assert_int_eq(shipest_unit_describe(ctx, "kg", NULL, NULL, sizeof buf, NULL),
                     SHIPEST_EINVAL);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_describe_truncates)
{
    shipest_ctx *ctx = new_ctx();
    char buf[5];
    size_t needed = 0;
    ck_assert_int_eq(shipest_unit_describe(ctx, "round_152mm/day", NULL, buf, sizeof buf, &needed),
                     SHIPEST_OK);
    ck_assert_uint_eq(needed, strlen("round_152mm/s"));
    ck_assert_str_eq(buf, "roun");
    shipest_ctx_free(ctx);
}
END_TEST

/* Convert a number along an exact route and check the constant result. */
static void check_exact(shipest_ctx *ctx, double x, const char *from, const char *to, double want)
{
    shipest_conversion *c = NULL;
    shipest_status st = shipest_convert_number(ctx, x, from, to, NULL, &c);
    ck_assert_msg(st == SHIPEST_OK, "%s -> %s: %s", from, to, shipest_ctx_errmsg(ctx));
    ck_assert_uint_eq(shipest_conversion_step_count(c), 0);
    const shipest_dist *d = shipest_conversion_dist(c);
    ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_CONSTANT);
    double got = 0.0;
    ck_assert_int_eq(shipest_dist_quantile(d, 0.5, &got), SHIPEST_OK);
    ck_assert_msg(fabs(got - want) <= REL * fabs(want), "%g %s -> %s: %.17g, want %.17g", x, from,
                  to, got, want);
    shipest_conversion_free(c);
}

START_TEST(test_exact_conversions)
{
    shipest_ctx *ctx = new_ctx();
    check_exact(ctx, 1.0, "t", "kg", 1000.0);
    check_exact(ctx, 1.0, "short_ton", "t", 0.90718474);
    check_exact(ctx, 2.0, "long_ton", "lb", 4480.0);
    check_exact(ctx, 1.0, "year", "day", 365.25);
    check_exact(ctx, 12.0, "month", "year", 1.0);
    check_exact(ctx, 30.4375, "round_152mm/day", "round_152mm/month", 30.4375 * 30.4375);
    check_exact(ctx, 1.0, "round_152mm/month", "round_152mm/day", 1.0 / 30.4375);
    check_exact(ctx, 40.0, "%", "1", 0.4);
    check_exact(ctx, 1.0, "m3", "l", 1000.0);
    check_exact(ctx, 2.0, "crate_762x39", "cartridge_762x39", 2880.0);
    check_exact(ctx, 5.0, "container", "container_20ft", 5.0);
    /* Different dimensions and no table factor between them. */
    shipest_conversion *c = (shipest_conversion *)(void *)ctx;
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "kg", "m", NULL, &c), SHIPEST_ENOROUTE);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "no conversion route from kg"));
    ck_assert_int_eq(shipest_convert_number(ctx, NAN, "kg", "t", NULL, &c), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "ton", "t", NULL, &c), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, NULL, "t", NULL, &c), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "kg", "t", NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_convert(ctx, NULL, "kg", "t", NULL, &c), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_convert_number(NULL, 1.0, "kg", "t", NULL, &c), SHIPEST_EINVAL);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_convert_distribution_exact)
{
    /* A distribution through an exact route keeps its shape: the median of
     * uniform(10, 20) t is 15,000 kg (within the empirical interpolation
     * error of 1e5 samples: about 20 kg, so 100 kg is safe). */
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_uniform(ctx, 10.0, 20.0, &d), SHIPEST_OK);
    shipest_conversion *c = NULL;
    ck_assert_int_eq(shipest_convert(ctx, d, "t", "kg", NULL, &c), SHIPEST_OK);
    double med = 0, lo = 0, hi = 0;
    ck_assert_int_eq(shipest_dist_quantile(shipest_conversion_dist(c), 0.5, &med), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_quantile(shipest_conversion_dist(c), 0.0, &lo), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_quantile(shipest_conversion_dist(c), 1.0, &hi), SHIPEST_OK);
    ck_assert_double_eq_tol(med, 15000.0, 100.0);
    ck_assert(lo >= 10000.0 && hi <= 20000.0);
    ck_assert_double_eq_tol(shipest_conversion_scale(c), 1000.0, 1e-9);
    shipest_conversion_free(c);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_numbers_in_tables)
{
    /* The lexer's number forms, seen through exact unit definitions. */
    shipest_ctx *ctx = new_ctx();
    const char *text = "shipest-table 1\n"
                       "unit n_group = 28,000 kg\n"
                       "unit n_exp = 3e6 kg\n"
                       "unit n_suffix_m = 1.5M kg\n"
                       "unit n_suffix_k = 13k kg\n"
                       "unit n_word_b = 2.5 billion kg\n"
                       "unit n_word_m = 12 million kg\n"
                       "unit n_pct = 40% kg\n"
                       "unit n_frac = .5 kg\n"
                       "unit n_groups = 1,234,567.5 kg # a comment\n"
                       "unit n_paren = 2 (1,000*kg)\n"
                       "kind n_widget \"w\"\n"
                       "factor n_args: 1 n_widget = uniform(1,100) kg\n"
                       "    source \"s\"\n"
                       "    date \"2026\"\n"
                       "    confidence \"D\"\n";
    ck_assert_msg(shipest_ctx_load_table_string(ctx, text, strlen(text), "numbers") == SHIPEST_OK,
                  "%s", shipest_ctx_errmsg(ctx));
    check_unit(ctx, "n_group", 28000.0, "kg");
    check_unit(ctx, "n_exp", 3e6, "kg");
    check_unit(ctx, "n_suffix_m", 1.5e6, "kg");
    check_unit(ctx, "n_suffix_k", 13000.0, "kg");
    check_unit(ctx, "n_word_b", 2.5e9, "kg");
    check_unit(ctx, "n_word_m", 12e6, "kg");
    check_unit(ctx, "n_pct", 0.4, "kg");
    check_unit(ctx, "n_frac", 0.5, "kg");
    check_unit(ctx, "n_groups", 1234567.5, "kg");
    /* Digit groups work in plain parentheses; a call's commas separate
     * arguments: uniform(1,100) has mean 50.5 (20,000 trials: standard error
     * 0.2, so 1.5 is over 5 SE). */
    check_unit(ctx, "n_paren", 2000.0, "kg");
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 20000), SHIPEST_OK);
    shipest_conversion *c = NULL;
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "n_widget", "kg", NULL, &c), SHIPEST_OK);
    double m = 0.0;
    ck_assert_int_eq(shipest_dist_mean(shipest_conversion_dist(c), &m), SHIPEST_OK);
    ck_assert_double_eq_tol(m, 50.5, 1.5);
    shipest_conversion_free(c);
    /* "13kg" is 13 kg, not 13k g. */
    const char *t2 = "shipest-table 1\nunit n_kg = 13kg\n";
    ck_assert_int_eq(shipest_ctx_load_table_string(ctx, t2, strlen(t2), NULL), SHIPEST_OK);
    check_unit(ctx, "n_kg", 13.0, "kg");
    shipest_ctx_free(ctx);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("units");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_builtin_scales);
    tcase_add_test(tc, test_dimension_algebra);
    tcase_add_test(tc, test_unit_traps);
    tcase_add_test(tc, test_unit_errors);
    tcase_add_test(tc, test_describe_truncates);
    tcase_add_test(tc, test_exact_conversions);
    tcase_add_test(tc, test_convert_distribution_exact);
    tcase_add_test(tc, test_numbers_in_tables);
    suite_add_tcase(s, tc);
    return s;
}
