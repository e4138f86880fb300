/* check_claim.c — hedged claims: every default hedge mapping (one-sidedness,
 * median placement, rounding, grading), errors, the lexicon, and allocation
 * failure. Public API only.
 *
 * Tolerances: the distributions are fitted exactly through their quantiles
 * (J-QPD, lognormal), so quantiles are checked to a relative 1e-9, far above
 * the fit's double-precision error and far below any policy change. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define REL 1e-9

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

/* Parse text (default lexicon) and return the distribution; unit and
 * explanation into the given buffers (may be NULL). */
static shipest_dist *parse_ok(shipest_ctx *ctx, const char *text, unsigned flags, char *unit,
                              size_t unit_size, char *ex, size_t ex_size)
{
    shipest_dist *d = NULL;
    shipest_status st = shipest_claim_parse(ctx, NULL, text, strlen(text), flags, &d, unit,
                                            unit_size, NULL, ex, ex_size, NULL);
    ck_assert_msg(st == SHIPEST_OK, "'%s': status %d: %s", text, (int)st,
                  shipest_ctx_errmsg(ctx));
    ck_assert_ptr_nonnull(d);
    return d;
}

static shipest_status parse_err(shipest_ctx *ctx, const char *text, size_t len, unsigned flags)
{
    shipest_dist *d = (shipest_dist *)&d; /* must be reset to NULL */
    shipest_status st = shipest_claim_parse(ctx, NULL, text, len, flags, &d, NULL, 0, NULL,
                                            NULL, 0, NULL);
    ck_assert_msg(st != SHIPEST_OK, "'%.*s' parsed but should not", (int)len, text);
    ck_assert_ptr_null(d);
    return st;
}

static double q(const shipest_dist *d, double p)
{
    double x = NAN;
    ck_assert_int_eq(shipest_dist_quantile(d, p, &x), SHIPEST_OK);
    return x;
}

static double cdf(const shipest_dist *d, double x)
{
    double p = NAN;
    ck_assert_int_eq(shipest_dist_cdf(d, x, &p), SHIPEST_OK);
    return p;
}

#define ASSERT_REL(a, b) ck_assert_double_eq_tol((a), (b), REL * fabs(b) + 1e-300)

/* ---- one-sided hedges ------------------------------------------------------- */

START_TEST(test_more_than)
{
    shipest_ctx *ctx = new_ctx();
    char unit[32], ex[1024];
    const char *phr[] = {"more than", "over", "exceeds", "in excess of", "MORE  THAN"};
    for (size_t i = 0; i < sizeof phr / sizeof phr[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s 28,000 container", phr[i]);
        shipest_dist *d = parse_ok(ctx, text, 0, unit, sizeof unit, ex, sizeof ex);
        ck_assert_str_eq(unit, "container");
        /* Never below X: the support starts exactly at X. */
        ck_assert_double_eq(q(d, 0.0), 28000.0);
        ck_assert_double_eq(cdf(d, 28000.0), 0.0);
        ck_assert_double_eq(cdf(d, 27999.0), 0.0);
        ck_assert(isinf(q(d, 1.0)));
        /* Median 5% above, 95th percentile 18% above (rounding +-500 is
         * already covered: 33,040 > 28,000 + 1,000). */
        ASSERT_REL(q(d, 0.5), 29400.0);
        ASSERT_REL(q(d, 0.05), 28112.0);
        ASSERT_REL(q(d, 0.95), 33040.0);
        shipest_dist_free(d);
    }
    /* The explanation a reader can check against the brief. */
    shipest_dist *d = parse_ok(ctx, "more than 28,000 container", 0, NULL, 0, ex, sizeof ex);
    ck_assert_ptr_nonnull(strstr(ex, "more than 28,000 container"));
    ck_assert_ptr_nonnull(strstr(ex, "hedge more_than"));
    ck_assert_ptr_nonnull(strstr(ex, "median 29,400"));
    ck_assert_ptr_nonnull(strstr(ex, "90% in [28,110, 33,040]"));
    ck_assert_ptr_nonnull(strstr(ex, "never below 28,000"));
    ck_assert_ptr_nonnull(strstr(ex, "written to the nearest 1,000 (\xC2\xB1" "500)"));
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_at_least)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = parse_ok(ctx, "at least 13,000 person", 0, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 0.0), 13000.0);
    ck_assert_double_eq(cdf(d, 13000.0), 0.0);
    ASSERT_REL(q(d, 0.5), 13000.0 * 1.06);
    ASSERT_REL(q(d, 0.95), 13000.0 * 1.3);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_less_than)
{
    shipest_ctx *ctx = new_ctx();
    const char *phr[] = {"less than", "under", "fewer than", "below"};
    for (size_t i = 0; i < sizeof phr / sizeof phr[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s 28,000 t", phr[i]);
        shipest_dist *d = parse_ok(ctx, text, 0, NULL, 0, NULL, 0);
        /* Never above X. */
        ck_assert_double_eq(q(d, 1.0), 28000.0);
        ck_assert_double_eq(cdf(d, 28000.0), 1.0);
        ck_assert_double_eq(q(d, 0.0), 0.0);
        ASSERT_REL(q(d, 0.5), 28000.0 * 0.95);
        ASSERT_REL(q(d, 0.05), 28000.0 * 0.82);
        shipest_dist_free(d);
    }
    shipest_dist *d = parse_ok(ctx, "at most 28,000 t", 0, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 1.0), 28000.0);
    ASSERT_REL(q(d, 0.5), 28000.0 * 0.94);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_nearly)
{
    shipest_ctx *ctx = new_ctx();
    char ex[1024];
    shipest_dist *a = parse_ok(ctx, "nearly 28,000 t", 0, NULL, 0, NULL, 0);
    shipest_dist *b = parse_ok(ctx, "almost 28,000 t", 0, NULL, 0, NULL, 0);
    /* Just below X, never above it. */
    ck_assert_double_eq(q(a, 1.0), 28000.0);
    ck_assert_double_eq(cdf(a, 28000.0), 1.0);
    ASSERT_REL(q(a, 0.5), 28000.0 * 0.975);
    ASSERT_REL(q(a, 0.05), 28000.0 * 0.93);
    for (double p = 0.05; p < 1.0; p += 0.3)
        ck_assert_double_eq(q(a, p), q(b, p));
    shipest_dist_free(a);
    shipest_dist_free(b);
    /* Rounding: "1.2 million" is to the nearest 100,000, so the hedge's
     * 5% point must reach a whole unit below X (one-sided): 1.1 million. */
    a = parse_ok(ctx, "nearly 1.2 million t", 0, NULL, 0, ex, sizeof ex);
    ck_assert_double_eq(q(a, 1.0), 1.2e6);
    ASSERT_REL(q(a, 0.05), 1.1e6);
    ck_assert_ptr_nonnull(strstr(ex, "nearest 100,000 (\xC2\xB1" "50,000)"));
    ck_assert_ptr_nonnull(strstr(ex, "never above 1.2 million"));
    ck_assert_ptr_nonnull(strstr(ex, "rounding widens the spread"));
    shipest_dist_free(a);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- upper-end and central hedges --------------------------------------------- */

START_TEST(test_as_much_as)
{
    shipest_ctx *ctx = new_ctx();
    char unit[16] = "junk", ex[1024];
    const char *phr[] = {"as much as", "as many as", "up to", "as high as"};
    for (size_t i = 0; i < sizeof phr / sizeof phr[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s 40%%", phr[i]);
        shipest_dist *d = parse_ok(ctx, text, 0, unit, sizeof unit, ex, sizeof ex);
        ck_assert_str_eq(unit, ""); /* 40% is the dimensionless 0.4 */
        /* X in the upper tail (95th percentile), not the centre. */
        ASSERT_REL(q(d, 0.95), 0.4);
        ASSERT_REL(q(d, 0.5), 0.4 * 0.78);
        ASSERT_REL(q(d, 0.05), 0.4 * 0.45);
        ASSERT_REL(q(d, 1.0), 0.4 * 1.05);
        ck_assert_double_eq(q(d, 0.0), 0.0);
        ck_assert_ptr_nonnull(strstr(ex, "90% in [18%, 40%]"));
        ck_assert_ptr_nonnull(strstr(ex, "nearest 10% (\xC2\xB1" "5%)"));
        shipest_dist_free(d);
    }
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_about)
{
    shipest_ctx *ctx = new_ctx();
    const char *phr[] = {"about", "around", "approximately", "roughly", "some", "circa"};
    for (size_t i = 0; i < sizeof phr / sizeof phr[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "%s 13,000 person", phr[i]);
        shipest_dist *d = parse_ok(ctx, text, 0, NULL, 0, NULL, 0);
        /* Centred: median exactly X; 90% from 0.9 X to 1.111 X. */
        ASSERT_REL(q(d, 0.5), 13000.0);
        ASSERT_REL(cdf(d, 13000.0), 0.5);
        ASSERT_REL(q(d, 0.05), 11700.0);
        ASSERT_REL(q(d, 0.95), 13000.0 * 1.111);
        shipest_dist_free(d);
    }
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_exactly_and_bare)
{
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = parse_ok(ctx, "exactly 28,000 container", 0, NULL, 0, NULL, 0);
    ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_CONSTANT);
    ck_assert_double_eq(q(d, 0.5), 28000.0);
    shipest_dist_free(d);
    /* A bare figure is uniform over its rounding interval. */
    struct {
        const char *text;
        double lo, hi;
    } cases[] = {
        {"28,000", 27500.0, 28500.0},       /* nearest thousand */
        {"13,000", 12500.0, 13500.0},
        {"13,412", 13411.5, 13412.5},       /* exact-ish */
        {"1.2 million", 1.15e6, 1.25e6},    /* nearest hundred thousand */
        {"12 million", 11.5e6, 12.5e6},
        {"43.50", 43.495, 43.505},          /* written zero counts after a point */
        {"1,000", 750.0, 1250.0},           /* capped at a quarter of the figure */
        {"40%", 0.35, 0.45},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d = parse_ok(ctx, cases[i].text, 0, NULL, 0, NULL, 0);
        ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_UNIFORM);
        ASSERT_REL(q(d, 0.0), cases[i].lo);
        ASSERT_REL(q(d, 1.0), cases[i].hi);
        shipest_dist_free(d);
    }
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- the rounding rule ---------------------------------------------------------- */

START_TEST(test_rounding_rule)
{
    shipest_ctx *ctx = new_ctx();
    /* about 2,000: +-10% (200) is narrower than the rounding (+-500), so the
     * 90% interval is widened to cover [1,500, 2,500]; the median stays. */
    shipest_dist *d = parse_ok(ctx, "about 2,000", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.5), 2000.0);
    ck_assert(q(d, 0.05) <= 1500.0 * (1 + REL));
    ck_assert(q(d, 0.95) >= 2500.0 * (1 - REL));
    ASSERT_REL(q(d, 0.05), 1500.0); /* each side is stretched just enough */
    ASSERT_REL(q(d, 0.95), 2500.0);
    shipest_dist_free(d);
    /* about 2,150 is written to the nearest 10: the hedge's own 10% rules. */
    d = parse_ok(ctx, "about 2,150", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.05), 2150.0 * 0.9);
    shipest_dist_free(d);
    /* more than 5 million: the open side must reach a whole unit (1 million)
     * above X; 1.18 X = 5.9 million would not, so it is widened to 6. */
    d = parse_ok(ctx, "more than 5 million", 0, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 0.0), 5e6);
    ASSERT_REL(q(d, 0.95), 6e6);
    ck_assert(q(d, 0.5) > 5e6 * 1.05); /* the whole upper side widens */
    shipest_dist_free(d);
    /* Written precision matters: 13,000 vs 13,412 under the same hedge. */
    shipest_dist *a = parse_ok(ctx, "about 13,000", 0, NULL, 0, NULL, 0);
    shipest_dist *b = parse_ok(ctx, "about 13,412", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(a, 0.05) / 13000.0, 0.9);
    ASSERT_REL(q(b, 0.05) / 13412.0, 0.9);
    shipest_dist_free(a);
    shipest_dist_free(b);
    a = parse_ok(ctx, "about 1,000", 0, NULL, 0, NULL, 0);
    b = parse_ok(ctx, "about 1,012", 0, NULL, 0, NULL, 0);
    ck_assert(q(a, 0.95) - q(a, 0.05) > 2.0 * (q(b, 0.95) - q(b, 0.05)));
    shipest_dist_free(a);
    shipest_dist_free(b);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- grading ----------------------------------------------------------------------- */

START_TEST(test_grading)
{
    shipest_ctx *ctx = new_ctx();
    char ex[1024];
    shipest_dist *plain = parse_ok(ctx, "about 13,000 person", 0, NULL, 0, NULL, 0);
    shipest_dist *a1 = parse_ok(ctx, "about 13,000 person [A1]", 0, NULL, 0, NULL, 0);
    shipest_dist *b2 = parse_ok(ctx, "about 13,000 person [B2]", 0, NULL, 0, ex, sizeof ex);
    shipest_dist *e5 = parse_ok(ctx, "about 13,000 person [ e5 ]", 0, NULL, 0, NULL, 0);
    /* A1 changes nothing; B2 raises log-distances by 1.15 * 1.1. */
    ck_assert_double_eq(q(a1, 0.05), q(plain, 0.05));
    ASSERT_REL(q(b2, 0.05), 13000.0 * pow(0.9, 1.15 * 1.1));
    ASSERT_REL(q(b2, 0.95), 13000.0 * pow(1.111, 1.15 * 1.1));
    ASSERT_REL(q(b2, 0.5), 13000.0);
    ASSERT_REL(q(e5, 0.05), 13000.0 * pow(0.9, 4.0));
    ck_assert_ptr_nonnull(strstr(ex, "source grade B2 widens the spread \xC3\x97" "1.26"));
    shipest_dist_free(plain);
    shipest_dist_free(a1);
    shipest_dist_free(b2);
    shipest_dist_free(e5);
    /* Grading never moves a one-sided bound. */
    shipest_dist *d = parse_ok(ctx, "more than 28,000 container [E5]", 0, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 0.0), 28000.0);
    ASSERT_REL(q(d, 0.95), 28000.0 * pow(1.18, 4.0));
    shipest_dist_free(d);
    d = parse_ok(ctx, "less than 28,000 container [F6]", 0, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 1.0), 28000.0);
    shipest_dist_free(d);
    /* Ranges widen in log space about their centre. */
    d = parse_ok(ctx, "between 5,000 and 6,000 person [C3]", 0, NULL, 0, NULL, 0);
    double g = 1.35 * 1.25, c = sqrt(5000.0 * 6000.0);
    ASSERT_REL(q(d, 0.05), c * pow(5000.0 / c, g));
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- ranges and magnitudes ---------------------------------------------------------- */

START_TEST(test_ranges)
{
    shipest_ctx *ctx = new_ctx();
    char unit[32];
    const char *forms[] = {"between 5,000 and 6,000 person", "5,000 to 6,000 person",
                           "5,000-6,000 person", ("5,000\xE2\x80\x93" "6,000 person"),
                           "5,000 \xE2\x80\x93 6,000 person", "Between 5,000 AND 6,000 person"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        shipest_dist *d = parse_ok(ctx, forms[i], 0, unit, sizeof unit, NULL, 0);
        ck_assert_str_eq(unit, "person");
        /* The ends are the 5% and 95% points of a lognormal. */
        ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_LOGNORMAL);
        ASSERT_REL(q(d, 0.05), 5000.0);
        ASSERT_REL(q(d, 0.95), 6000.0);
        ASSERT_REL(q(d, 0.5), sqrt(5000.0 * 6000.0));
        shipest_dist_free(d);
    }
    /* "30-40%": the % written once covers both ends. */
    shipest_dist *d = parse_ok(ctx, "30-40%", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.05), 0.3);
    ASSERT_REL(q(d, 0.95), 0.4);
    shipest_dist_free(d);
    /* A scale written once after the second figure covers both ends
     * ("2 to 3 million"), read as the lexer reads the scaled figure
     * ("16.1 thousand" is 16,100 exactly). Not when the first figure, so
     * read, would not lie below the second, nor after e-notation. */
    static const struct { const char *text; double lo, hi; } scaled[] = {
        {"between 2 and 3 million t", 2e6, 3e6}, {"2 to 3 million t", 2e6, 3e6},
        {"2-3M t", 2e6, 3e6},                    {"10 to 15k person", 10e3, 15e3},
        {"3 to 3 million t", 3, 3e6},            {"500 to 2 million t", 500, 2e6},
        {"16.1 to 17 thousand t", 16100, 17000}, {"32.3 to 32.3 thousand t", 32.3, 32300},
        {"2e3 to 3 million t", 2e3, 3e6},        {"1.5 million to 2 million t", 1.5e6, 2e6}};
    for (size_t i = 0; i < sizeof scaled / sizeof scaled[0]; i++) {
        d = parse_ok(ctx, scaled[i].text, 0, NULL, 0, NULL, 0);
        ck_assert_msg(fabs(q(d, 0.05) / scaled[i].lo - 1) < 1e-9 &&
                          fabs(q(d, 0.95) / scaled[i].hi - 1) < 1e-9,
                      "%s: %g to %g", scaled[i].text, q(d, 0.05), q(d, 0.95));
        shipest_dist_free(d);
    }
    /* A range narrower than one rounding unit is widened to one. */
    d = parse_ok(ctx, "5 to 5", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.05), 4.5);
    ASSERT_REL(q(d, 0.95), 5.5);
    shipest_dist_free(d);
    /* Ranges from 0 are normal. */
    d = parse_ok(ctx, "0 to 10", 0, NULL, 0, NULL, 0);
    ck_assert_int_eq(shipest_dist_family(d), SHIPEST_DIST_NORMAL);
    ASSERT_REL(q(d, 0.5), 5.0);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_magnitudes)
{
    shipest_ctx *ctx = new_ctx();
    char unit[32];
    struct {
        const char *text;
        double base;
    } cases[] = {{"thousands of person", 1e3},
                 {"tens of thousands of person", 1e4},
                 {"tens of thousands person", 1e4},
                 {"hundreds of thousands of person", 1e5},
                 {"millions of person", 1e6}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shipest_dist *d = parse_ok(ctx, cases[i].text, 0, unit, sizeof unit, NULL, 0);
        ck_assert_str_eq(unit, "person");
        double b = cases[i].base;
        ASSERT_REL(q(d, 0.0), b);
        ASSERT_REL(q(d, 1.0), 10.0 * b);
        ASSERT_REL(q(d, 0.5), 3.0 * b);
        ASSERT_REL(q(d, 0.05), 1.3 * b);
        ASSERT_REL(q(d, 0.95), 8.0 * b);
        shipest_dist_free(d);
    }
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- units, shares and flags ----------------------------------------------------------- */

START_TEST(test_units_and_shares)
{
    shipest_ctx *ctx = new_ctx();
    char unit[8];
    size_t ul = 0, el = 0;
    shipest_dist *d = NULL;
    /* Truncated unit buffer: snprintf semantics. */
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, "about 5 container", 17, 0, &d, unit, 4, &ul,
                                         NULL, 0, &el),
                     SHIPEST_OK);
    ck_assert_str_eq(unit, "con");
    ck_assert_uint_eq(ul, 9);
    ck_assert_uint_gt(el, 40);
    shipest_dist_free(d);
    /* A plural unit reads as its singular. */
    d = parse_ok(ctx, "more than 28,000 containers", 0, unit, sizeof unit, NULL, 0);
    ck_assert_str_eq(unit, "contain"); /* truncated to 7 + NUL */
    shipest_dist_free(d);
    /* A plain count is dimensionless unless a unit is required. */
    d = parse_ok(ctx, "about 13,000", 0, unit, sizeof unit, NULL, 0);
    ck_assert_str_eq(unit, "");
    shipest_dist_free(d);
    ck_assert_int_eq(parse_err(ctx, "about 13,000", 12, SHIPEST_CLAIM_REQUIRE_UNIT),
                     SHIPEST_EUNIT);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "has no unit"));
    /* Shares: bounded by 100%, never over it. */
    d = parse_ok(ctx, "more than 90%", SHIPEST_CLAIM_SHARE, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 0.0), 0.9);
    ck_assert_double_eq(q(d, 1.0), 1.0);
    ck_assert(q(d, 0.95) < 1.0);
    shipest_dist_free(d);
    d = parse_ok(ctx, "about 40 %", SHIPEST_CLAIM_SHARE, unit, sizeof unit, NULL, 0);
    ck_assert_str_eq(unit, "%");
    ASSERT_REL(q(d, 0.5), 40.0);
    ck_assert(q(d, 1.0) <= 100.0);
    shipest_dist_free(d);
    d = parse_ok(ctx, "as much as 40%", SHIPEST_CLAIM_SHARE, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.95), 0.4);
    shipest_dist_free(d);
    ck_assert_int_eq(parse_err(ctx, "as much as 140%", 15, SHIPEST_CLAIM_SHARE), SHIPEST_EDOMAIN);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "140%"));
    ck_assert_int_eq(parse_err(ctx, "about 5 t", 9, SHIPEST_CLAIM_SHARE), SHIPEST_EUNIT);
    ck_assert_int_eq(parse_err(ctx, "more than 100%", 14, SHIPEST_CLAIM_SHARE), SHIPEST_EDOMAIN);
    /* Without the flag, 140% is just a number. */
    d = parse_ok(ctx, "as much as 140%", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.95), 1.4);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------ */

static void expect_error(shipest_ctx *ctx, const char *text, shipest_status want,
                         const char *needle1, const char *needle2)
{
    shipest_status st = parse_err(ctx, text, strlen(text), 0);
    ck_assert_msg(st == want, "'%s': status %d, wanted %d (%s)", text, (int)st, (int)want,
                  shipest_ctx_errmsg(ctx));
    const char *m = shipest_ctx_errmsg(ctx);
    ck_assert_msg(needle1 == NULL || strstr(m, needle1) != NULL, "'%s': message '%s' lacks '%s'",
                  text, m, needle1);
    ck_assert_msg(needle2 == NULL || strstr(m, needle2) != NULL, "'%s': message '%s' lacks '%s'",
                  text, m, needle2);
}

START_TEST(test_errors)
{
    shipest_ctx *ctx = new_ctx();
    expect_error(ctx, "well over 5 t", SHIPEST_EPARSE, "unknown hedge 'well'", "claim:1:1:");
    expect_error(ctx, "more than container", SHIPEST_EPARSE, "after 'more than'", "1:11:");
    expect_error(ctx, "more than up to 5", SHIPEST_EPARSE, "contradictory", "'up to' (column 11)");
    expect_error(ctx, "about 5 up to 6", SHIPEST_EPARSE, "contradictory", "'up to'");
    expect_error(ctx, "about 5 t xyz", SHIPEST_EPARSE, "'xyz'", "1:11:");
    expect_error(ctx, "about 5 t [G7]", SHIPEST_EPARSE, "grade", "1:11:");
    expect_error(ctx, "about 5 t [B2] x", SHIPEST_EPARSE, "'x'", NULL);
    expect_error(ctx, "", SHIPEST_EPARSE, "no number", NULL);
    expect_error(ctx, "   ", SHIPEST_EPARSE, "no number", NULL);
    expect_error(ctx, "about -5 t", SHIPEST_EPARSE, "'about'", NULL);
    expect_error(ctx, "-5 t", SHIPEST_EPARSE, "negative", NULL);
    expect_error(ctx, "about 5,000 to 6,000", SHIPEST_EPARSE, "one figure", "'to'");
    expect_error(ctx, "between 5,000 or 6,000", SHIPEST_EPARSE, "'between'", NULL);
    expect_error(ctx, "5,000 to", SHIPEST_EPARSE, "second figure", NULL);
    expect_error(ctx, "tens of thousands 5 person", SHIPEST_EPARSE, "takes no figure", NULL);
    expect_error(ctx, "6,000 to 5,000", SHIPEST_EDOMAIN, "reversed", NULL);
    expect_error(ctx, "about 0 t", SHIPEST_EDOMAIN, "'about'", "0");
    expect_error(ctx, "about 5 frobnitz", SHIPEST_EUNIT, "frobnitz", NULL);
    expect_error(ctx, "about 5 ton", SHIPEST_EUNIT, "ton", NULL);
    expect_error(ctx, "about 5\n", SHIPEST_EPARSE, "end of line", NULL);
    expect_error(ctx, "about 5 \xFF", SHIPEST_EPARSE, "0xFF", NULL);
    expect_error(ctx, "\xE2\x80\x93 5", SHIPEST_EPARSE, NULL, NULL);
    const char nul[] = "about 5\0 t";
    ck_assert_int_eq(parse_err(ctx, nul, sizeof nul - 1, 0), SHIPEST_EPARSE);
    /* Invalid arguments. */
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_claim_parse(NULL, NULL, "5", 1, 0, &d, NULL, 0, NULL, NULL, 0, NULL),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, "5", 1, 0, NULL, NULL, 0, NULL, NULL, 0, NULL),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, NULL, 1, 0, &d, NULL, 0, NULL, NULL, 0, NULL),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, "5", 1, 0, &d, NULL, 4, NULL, NULL, 0, NULL),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, "5", 1, 64, &d, NULL, 0, NULL, NULL, 0, NULL),
                     SHIPEST_EINVAL);
    static char big[5000];
    memset(big, '1', sizeof big);
    ck_assert_int_eq(shipest_claim_parse(ctx, NULL, big, sizeof big, 0, &d, NULL, 0, NULL, NULL,
                                         0, NULL),
                     SHIPEST_ELIMIT);
    ck_assert_ptr_null(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- the lexicon ------------------------------------------------------------------------ */

START_TEST(test_lexicon)
{
    shipest_ctx *ctx = new_ctx();
    shipest_lexicon *lex = NULL;
    ck_assert_int_eq(shipest_lexicon_new(ctx, &lex), SHIPEST_OK);
    size_t n = shipest_lexicon_count(lex);
    ck_assert_uint_ge(n, 16);
    int saw_more_than = 0, saw_grading = 0;
    for (size_t i = 0; i < n; i++) {
        char name[64], text[2048];
        size_t len = 0;
        ck_assert_uint_gt(shipest_lexicon_name(lex, i, name, sizeof name), 0);
        ck_assert_int_eq(shipest_lexicon_entry(lex, i, text, sizeof text, &len), SHIPEST_OK);
        ck_assert_uint_lt(len, sizeof text);
        saw_more_than |= strcmp(name, "more_than") == 0;
        saw_grading |= strstr(text, "form grading") != NULL;
        ck_assert_ptr_nonnull(strstr(text, "reason \""));
        /* Every listed entry reads back as an override of itself. */
        char table[2200];
        snprintf(table, sizeof table, "shipest-table 1\noverride %s", text);
        ck_assert_msg(shipest_lexicon_load(lex, "roundtrip", table, strlen(table)) == SHIPEST_OK,
                      "%s: %s", name, shipest_ctx_errmsg(ctx));
        char again[2048];
        ck_assert_int_eq(shipest_lexicon_entry(lex, i, again, sizeof again, NULL), SHIPEST_OK);
        ck_assert_str_eq(again, text);
    }
    ck_assert(saw_more_than && saw_grading);
    ck_assert_uint_eq(shipest_lexicon_count(lex), n);
    ck_assert_uint_eq(shipest_lexicon_name(lex, n, NULL, 0), 0);
    ck_assert_int_eq(shipest_lexicon_entry(lex, n, NULL, 0, NULL), SHIPEST_EINVAL);
    shipest_lexicon_free(lex);
    shipest_lexicon_free(NULL);
    shipest_ctx_free(ctx);
}
END_TEST

static shipest_dist *parse_with(shipest_ctx *ctx, const shipest_lexicon *lex, const char *text)
{
    shipest_dist *d = NULL;
    shipest_status st = shipest_claim_parse(ctx, lex, text, strlen(text), 0, &d, NULL, 0, NULL,
                                            NULL, 0, NULL);
    ck_assert_msg(st == SHIPEST_OK, "'%s': %s", text, shipest_ctx_errmsg(ctx));
    return d;
}

START_TEST(test_lexicon_override)
{
    shipest_ctx *ctx = new_ctx();
    shipest_lexicon *lex = NULL;
    ck_assert_int_eq(shipest_lexicon_new(ctx, &lex), SHIPEST_OK);
    /* A user table: a wider "about", a new hedge, and non-hedge statements
     * that the table loader owns (skipped here). */
    const char *user =
        "shipest-table 1\n"
        "kind widget \"a thing\"\n"
        "factor w: 1 widget = 2 to 3 kg\n"
        "    source \"x\"\n"
        "override factor w: 1 widget = 2 to 4 kg\n"
        "override hedge about\n"
        "    phrases \"about\" \"around\"\n"
        "    shape quantiles\n"
        "    support 0 inf\n"
        "    quantiles 0.05: 0.8 1 1.25   # wider than the default\n"
        "    reason \"my analysts read 'about' loosely\"\n"
        "\n"
        "hedge well_over\n"
        "    phrases \"well over\"\n"
        "    shape quantiles\n"
        "    support 1.1 inf\n"
        "    quantiles 0.1: 1.2 1.5 2\n"
        "    reason \"test\"\n";
    ck_assert_msg(shipest_lexicon_load(lex, "user.stbl", user, strlen(user)) == SHIPEST_OK, "%s",
                  shipest_ctx_errmsg(ctx));
    shipest_dist *d = parse_with(ctx, lex, "about 130"); /* to the nearest 10 */
    ASSERT_REL(q(d, 0.05), 104.0);
    ASSERT_REL(q(d, 0.95), 162.5);
    shipest_dist_free(d);
    d = parse_with(ctx, lex, "well over 100");
    ASSERT_REL(q(d, 0.0), 110.0);
    ASSERT_REL(q(d, 0.5), 150.0);
    shipest_dist_free(d);
    /* "approximately" was dropped from the overridden entry. */
    d = NULL;
    ck_assert_int_eq(shipest_claim_parse(ctx, lex, "approximately 5", 15, 0, &d, NULL, 0, NULL,
                                         NULL, 0, NULL),
                     SHIPEST_EPARSE);
    /* The default lexicon is untouched. */
    d = parse_ok(ctx, "about 130", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.05), 117.0);
    shipest_dist_free(d);

    /* Errors leave the lexicon as it was. */
    size_t n = shipest_lexicon_count(lex);
    struct {
        const char *text;
        shipest_status want;
        const char *needle;
    } bad[] = {
        {"shipest-table 1\nhedge about\n    phrases \"x\"\n    shape constant\n    reason \"r\"\n",
         SHIPEST_ENAME, "already defined"},
        {"shipest-table 1\nhedge mine\n    phrases \"over\"\n    shape constant\n    reason \"r\"\n",
         SHIPEST_ENAME, "\"over\""},
        {"shipest-table 1\noverride hedge nosuch\n    phrases \"x\"\n    shape constant\n"
         "    reason \"r\"\n", SHIPEST_ENAME, "nosuch"},
        {"shipest-table 1\nhedge a\n    phrases \"zz\"\n    shape constant\n", SHIPEST_EPARSE,
         "reason"},
        {"shipest-table 1\nhedge a\n    phrases \"zz\"\n    shape quantiles\n    support 1 inf\n"
         "    quantiles 0.05: 1.2 1.1 1.3\n    reason \"r\"\n", SHIPEST_EPARSE, "QLO < QMID"},
        {"shipest-table 1\nhedge a\n    phrases \"zz\"\n    colour blue\n", SHIPEST_EPARSE,
         "unknown hedge attribute"},
        {"shipest-table 1\nhedge a\n    phrases \"zz\"\n    phrases \"yy\"\n", SHIPEST_EPARSE,
         "second"},
        {"shipest-table 1\nhedge a\n    phrases \"9 lives\"\n", SHIPEST_EPARSE, "leading digit"},
        {"shipest-table 1\nhedge g2\n    form grading\n    reliability 1 1 1 1 1 1\n"
         "    credibility 1 1 1 1 1 1\n    reason \"r\"\n", SHIPEST_ENAME, "grading"},
        {"shipest-table 2\n", SHIPEST_EUNSUPPORTED, "version"},
        {"shipest-table 1\nhedeg about\n", SHIPEST_EPARSE, "unknown statement name 'hedeg'"},
        {"shipest-table 1\n    phrases \"x\"\n", SHIPEST_EPARSE, "indented line"},
        {"hedge a\n", SHIPEST_EPARSE, "shipest-table 1"},
        {"shipest-table 1\nhedge ok1\n    phrases \"fine\"\n    shape constant\n    reason \"r\"\n"
         "hedge about\n", SHIPEST_EPARSE, "reason"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        shipest_status st = shipest_lexicon_load(lex, "bad.stbl", bad[i].text, strlen(bad[i].text));
        ck_assert_msg(st == bad[i].want, "case %zu: status %d (%s)", i, (int)st,
                      shipest_ctx_errmsg(ctx));
        ck_assert_msg(strstr(shipest_ctx_errmsg(ctx), bad[i].needle) != NULL,
                      "case %zu: '%s' lacks '%s'", i, shipest_ctx_errmsg(ctx), bad[i].needle);
        ck_assert_uint_eq(shipest_lexicon_count(lex), n);
    }
    /* ... so "fine" from the last, failed load is unknown. */
    ck_assert_int_eq(shipest_claim_parse(ctx, lex, "fine 5", 6, 0, &d, NULL, 0, NULL, NULL, 0,
                                         NULL),
                     SHIPEST_EPARSE);
    /* A lexicon belongs to its context. */
    shipest_ctx *other = new_ctx();
    ck_assert_int_eq(shipest_claim_parse(other, lex, "5", 1, 0, &d, NULL, 0, NULL, NULL, 0, NULL),
                     SHIPEST_EINVAL);
    shipest_ctx_free(other);
    shipest_lexicon_free(lex);
    ck_assert_int_eq(shipest_lexicon_new(NULL, &lex), SHIPEST_EINVAL);
    ck_assert_ptr_null(lex);
    ck_assert_int_eq(shipest_lexicon_new(ctx, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_lexicon_load(NULL, NULL, "", 0), SHIPEST_EINVAL);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- the context's lexicon: `hedge` statements in tables loaded into the context ---------- */

static shipest_status load_ctx(shipest_ctx *ctx, const char *name, const char *text)
{
    return shipest_ctx_load_table_string(ctx, text, strlen(text), name);
}

/* The distribution of the model statement `name` in `text` (compared with
 * what shipest_claim_parse() gives for the same claim). */
static void model_quantiles(shipest_ctx *ctx, const char *text, const char *name, double *q5,
                            double *q50, double *q95, double *q0)
{
    shipest_model *m = NULL;
    shipest_status st = shipest_model_parse(ctx, text, strlen(text), &m);
    ck_assert_msg(st == SHIPEST_OK, "'%s': status %d: %s", text, (int)st,
                  shipest_ctx_errmsg(ctx));
    shipest_node n = SHIPEST_NO_NODE;
    ck_assert_int_eq(shipest_model_find(m, name, &n), SHIPEST_OK);
    const shipest_dist *d = shipest_model_node_dist(m, n);
    ck_assert_ptr_nonnull(d);
    *q5 = q(d, 0.05);
    *q50 = q(d, 0.5);
    *q95 = q(d, 0.95);
    *q0 = q(d, 0.0);
    shipest_model_free(m);
}

static const char *const ctx_hedges =
    "shipest-table 1\n"
    "# a house policy: a much heavier \"more than\" and a new phrase\n"
    "override hedge more_than\n"
    "    phrases \"more than\" \"over\"\n"
    "    shape quantiles\n"
    "    support 1 inf\n"
    "    quantiles 0.05: 1.5 2 3\n"
    "    summary \"house style: at least half as much again\"\n"
    "    reason \"our sources understate\"\n"
    "kind widget \"a thing\"\n"
    "hedge upwards_of\n"
    "    phrases \"upwards of\"\n"
    "    shape quantiles\n"
    "    support 1 inf\n"
    "    quantiles 0.1: 1.2 1.5 2\n"
    "    reason \"test\"\n"
    "factor widget_mass: 1 widget = 2 kg\n"
    "    source \"s\"\n"
    "    date \"2026\"\n"
    "    confidence \"D\"\n";

START_TEST(test_ctx_lexicon)
{
    shipest_ctx *ctx = new_ctx();
    char unit[32], ex[1024];
    /* Before: the defaults, in claims and in models alike. */
    shipest_dist *d = parse_ok(ctx, "more than 100 t", 0, unit, sizeof unit, NULL, 0);
    double def_med = q(d, 0.5);
    ck_assert(def_med > 100.0 && def_med < 120.0);
    shipest_dist_free(d);
    ck_assert_int_eq(parse_err(ctx, "upwards of 100 t", 16, 0), SHIPEST_EPARSE);
    double m5, m50, m95, m0;
    model_quantiles(ctx, "x = more than 100 t\n", "x", &m5, &m50, &m95, &m0);
    ASSERT_REL(m50, def_med);

    ck_assert_msg(load_ctx(ctx, "house.stbl", ctx_hedges) == SHIPEST_OK, "%s",
                  shipest_ctx_errmsg(ctx));
    /* After: the override, through the NULL lexicon... */
    d = parse_ok(ctx, "more than 100 t", 0, unit, sizeof unit, ex, sizeof ex);
    ck_assert_str_eq(unit, "t");
    ck_assert_double_eq(q(d, 0.0), 100.0);
    ASSERT_REL(q(d, 0.05), 150.0);
    ASSERT_REL(q(d, 0.5), 200.0);
    ASSERT_REL(q(d, 0.95), 300.0);
    ck_assert_ptr_nonnull(strstr(ex, "hedge more_than (house style"));
    double c5 = q(d, 0.05), c50 = q(d, 0.5), c95 = q(d, 0.95);
    shipest_dist_free(d);
    /* ... and in a model, bit for bit the same distribution. */
    model_quantiles(ctx, "x = more than 100 t\n", "x", &m5, &m50, &m95, &m0);
    ck_assert_double_eq(m5, c5);
    ck_assert_double_eq(m50, c50);
    ck_assert_double_eq(m95, c95);
    ck_assert_double_eq(m0, 100.0);
    /* Phrases dropped from the override are no longer hedges. */
    ck_assert_int_eq(parse_err(ctx, "exceeds 100", 11, 0), SHIPEST_EPARSE);
    /* The new phrase works in claims and in models (the table's kind too). */
    d = parse_ok(ctx, "upwards of 100 widget", 0, unit, sizeof unit, NULL, 0);
    ck_assert_str_eq(unit, "widget");
    ASSERT_REL(q(d, 0.5), 150.0);
    shipest_dist_free(d);
    model_quantiles(ctx, "y = upwards of 100 t\nz = y * 2\n", "y", &m5, &m50, &m95, &m0);
    ASSERT_REL(m50, 150.0);
    ck_assert_double_eq(m0, 100.0);
    /* Entries the table left alone are the defaults. */
    d = parse_ok(ctx, "about 130", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.05), 117.0);
    shipest_dist_free(d);

    /* A failed load (its last hedge has no reason) changes nothing, not
     * even the valid override and kind before it. */
    const char *bad = "shipest-table 1\n"
                      "kind gizmo \"g\"\n"
                      "override hedge about\n"
                      "    phrases \"about\"\n"
                      "    shape constant\n"
                      "    reason \"r\"\n"
                      "hedge broken\n"
                      "    phrases \"broken\"\n"
                      "    shape constant\n";
    ck_assert_int_eq(load_ctx(ctx, "bad.stbl", bad), SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "bad.stbl:7:1:"));
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "reason"));
    d = parse_ok(ctx, "about 130", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.05), 117.0);
    shipest_dist_free(d);
    d = parse_ok(ctx, "more than 100 t", 0, NULL, 0, NULL, 0);
    ck_assert_double_eq(q(d, 0.5), c50);
    shipest_dist_free(d);
    ck_assert_int_eq(parse_err(ctx, "broken 5", 8, 0), SHIPEST_EPARSE);
    ck_assert_int_eq(parse_err(ctx, "about 5 gizmo", 13, 0), SHIPEST_EUNIT);

    /* A name defined again without `override`: an error naming both places,
     * whether the first is in an earlier table or the default lexicon. */
    const char *dup = "shipest-table 1\n"
                      "hedge upwards_of\n"
                      "    phrases \"upward of\"\n"
                      "    shape constant\n"
                      "    reason \"r\"\n";
    ck_assert_int_eq(load_ctx(ctx, "dup.stbl", dup), SHIPEST_ENAME);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_msg(strstr(msg, "dup.stbl:2:1:") != NULL && strstr(msg, "house.stbl:11:1") != NULL,
                  "%s", msg);
    const char *dup2 = "shipest-table 1\n\n"
                       "hedge exactly\n"
                       "    phrases \"exactly so\"\n"
                       "    shape constant\n"
                       "    reason \"r\"\n";
    ck_assert_int_eq(load_ctx(ctx, "dup2.stbl", dup2), SHIPEST_ENAME);
    msg = shipest_ctx_errmsg(ctx);
    ck_assert_msg(strstr(msg, "dup2.stbl:3:1:") != NULL && strstr(msg, "hedges.stbl:") != NULL &&
                      strstr(msg, "override hedge exactly") != NULL,
                  "%s", msg);
    ck_assert_int_eq(parse_err(ctx, "upward of 5", 11, 0), SHIPEST_EPARSE);

    /* A new lexicon object still starts from the library's defaults, and a
     * fresh context has the defaults. */
    shipest_lexicon *lex = NULL;
    ck_assert_int_eq(shipest_lexicon_new(ctx, &lex), SHIPEST_OK);
    d = NULL;
    ck_assert_int_eq(shipest_claim_parse(ctx, lex, "more than 100 t", 15, 0, &d, NULL, 0, NULL,
                                         NULL, 0, NULL),
                     SHIPEST_OK);
    ASSERT_REL(q(d, 0.5), def_med);
    shipest_dist_free(d);
    shipest_lexicon_free(lex);
    shipest_ctx *fresh = new_ctx();
    d = parse_ok(fresh, "more than 100 t", 0, NULL, 0, NULL, 0);
    ASSERT_REL(q(d, 0.5), def_med);
    shipest_dist_free(d);
    shipest_ctx_free(fresh);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- allocation failure ------------------------------------------------------------------ */

START_TEST(test_oom_claim)
{
    shipest_dist *d = NULL;
    char ex[512];
    /* The NULL lexicon is the context's: the first claim loads the
     * context's tables and lexicon, so each loop also fails every
     * allocation of that load (a failed load leaves nothing behind). */
    const char *text = "more than 28,000 [B2]";
    HARNESS_OOM_LOOP(st = shipest_claim_parse(ctx, NULL, text, strlen(text), 0, &d, NULL, 0,
                                              NULL, ex, sizeof ex, NULL),
                     (shipest_dist_free(d), d = NULL));
    const char *range = "between 5,000 and 6,000";
    HARNESS_OOM_LOOP(st = shipest_claim_parse(ctx, NULL, range, strlen(range), 0, &d, NULL, 0,
                                              NULL, ex, sizeof ex, NULL),
                     (shipest_dist_free(d), d = NULL));
    const char *mag = "tens of thousands of";
    HARNESS_OOM_LOOP(st = shipest_claim_parse(ctx, NULL, mag, strlen(mag), 0, &d, NULL, 0,
                                              NULL, ex, sizeof ex, NULL),
                     (shipest_dist_free(d), d = NULL));
}
END_TEST

START_TEST(test_oom_lexicon)
{
    shipest_lexicon *lex = NULL;
    const char *user = "shipest-table 1\nhedge well_over\n    phrases \"well over\"\n"
                       "    shape quantiles\n    support 1.1 inf\n    quantiles 0.1: 1.2 1.5 2\n"
                       "    reason \"test\"\n";
    HARNESS_OOM_LOOP(
        {
            st = shipest_lexicon_new(ctx, &lex);
            if (st == SHIPEST_OK) {
                size_t n = shipest_lexicon_count(lex);
                st = shipest_lexicon_load(lex, "u", user, strlen(user));
                ck_assert_uint_eq(shipest_lexicon_count(lex), st == SHIPEST_OK ? n + 1 : n);
            }
            if (st == SHIPEST_OK) {
                char buf[64];
                size_t len;
                st = shipest_lexicon_entry(lex, 0, buf, sizeof buf, &len);
            }
        },
        (shipest_lexicon_free(lex), lex = NULL));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("claim");
    TCase *tc = tcase_create("hedges");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_more_than);
    tcase_add_test(tc, test_at_least);
    tcase_add_test(tc, test_less_than);
    tcase_add_test(tc, test_nearly);
    tcase_add_test(tc, test_as_much_as);
    tcase_add_test(tc, test_about);
    tcase_add_test(tc, test_exactly_and_bare);
    tcase_add_test(tc, test_rounding_rule);
    tcase_add_test(tc, test_grading);
    tcase_add_test(tc, test_ranges);
    tcase_add_test(tc, test_magnitudes);
    tcase_add_test(tc, test_units_and_shares);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_lexicon);
    tcase_add_test(tc, test_lexicon_override);
    tcase_add_test(tc, test_ctx_lexicon);
    tcase_add_test(tc, test_oom_claim);
    tcase_add_test(tc, test_oom_lexicon);
    suite_add_tcase(s, tc);
    return s;
}
