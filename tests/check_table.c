/* check_table.c — conversion tables: the default table's entries, loading
 * and overriding, route search, load planning, bad input, all-or-nothing
 * loads, allocation failure. Public API only. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

static shipest_status load(shipest_ctx *ctx, const char *text)
{
    return shipest_ctx_load_table_string(ctx, text, strlen(text), "test.stbl");
}

/* Index of the entry named `name`, or -1. */
static long find_entry(shipest_ctx *ctx, shipest_table_entry e, const char *name)
{
    size_t n = 0;
    ck_assert_int_eq(shipest_table_count(ctx, e, &n), SHIPEST_OK);
    for (size_t i = 0; i < n; i++) {
        const char *v = NULL;
        ck_assert_int_eq(shipest_table_get(ctx, e, i, SHIPEST_FIELD_NAME, &v), SHIPEST_OK);
        if (strcmp(v, name) == 0)
            return (long)i;
    }
    return -1;
}

static const char *field(shipest_ctx *ctx, shipest_table_entry e, const char *name,
                         shipest_table_field f)
{
    long i = find_entry(ctx, e, name);
    ck_assert_msg(i >= 0, "no entry %s", name);
    const char *v = NULL;
    ck_assert_int_eq(shipest_table_get(ctx, e, (size_t)i, f, &v), SHIPEST_OK);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* ---- the default table ------------------------------------------------------ */

START_TEST(test_default_names)
{
    shipest_ctx *ctx = new_ctx();
    static const char *const kinds[] = {
        "container_20ft", "container_40ft",   "round_152mm",       "round_122mm",
        "rocket_122mm",   "mortar_82mm",      "mortar_120mm",      "cartridge_762x39",
        "cartridge_762x54r", "cartridge_545x39", "person",          "round_152mm_eq"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ck_assert_msg(find_entry(ctx, SHIPEST_ENTRY_KIND, kinds[i]) >= 0, "kind %s missing",
                      kinds[i]);
        ck_assert_str_ne(field(ctx, SHIPEST_ENTRY_KIND, kinds[i], SHIPEST_FIELD_DESCRIPTION), "");
        /* Every kind is also a unit. */
        double s = 0.0;
        ck_assert_int_eq(shipest_unit_describe(ctx, kinds[i], &s, NULL, 0, NULL), SHIPEST_OK);
        ck_assert_double_eq(s, 1.0);
    }
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_ALIAS, "container", SHIPEST_FIELD_TO),
                     "container_20ft");
    /* Carriers and cargo the issue names. */
    ck_assert(find_entry(ctx, SHIPEST_ENTRY_CARRIER, "container_20ft") >= 0);
    ck_assert(find_entry(ctx, SHIPEST_ENTRY_CARRIER, "container_40ft") >= 0);
    ck_assert(find_entry(ctx, SHIPEST_ENTRY_CARGO, "round_152mm") >= 0);
    ck_assert(find_entry(ctx, SHIPEST_ENTRY_CARGO, "rocket_122mm") >= 0);
    ck_assert_str_ne(field(ctx, SHIPEST_ENTRY_CARGO, "rocket_122mm", SHIPEST_FIELD_LENGTH), "");
    /* Built-in units come first in the unit listing. */
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_UNIT, "t", SHIPEST_FIELD_LOCATION), "built-in");
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_UNIT, "short_ton", SHIPEST_FIELD_SI),
                     "907.18474 kg");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_default_entries_complete)
{
    /* Every factor, carrier and cargo carries a source, a date and a
     * confidence of the V/K/D scheme, and every factor's distribution is
     * there and positive. */
    shipest_ctx *ctx = new_ctx();
    size_t n = 0;
    ck_assert_int_eq(shipest_table_count(ctx, SHIPEST_ENTRY_FACTOR, &n), SHIPEST_OK);
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        const char *name, *src, *date, *conf, *dist, *from, *to, *loc;
        ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_NAME, &name),
                         SHIPEST_OK);
        ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_SOURCE, &src),
                         SHIPEST_OK);
        ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_DATE, &date),
                         SHIPEST_OK);
        ck_assert_int_eq(
            shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_CONFIDENCE, &conf),
            SHIPEST_OK);
        ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_DIST, &dist),
                         SHIPEST_OK);
        ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_FROM, &from),
                         SHIPEST_OK);
        ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_TO, &to),
                         SHIPEST_OK);
        ck_assert_int_eq(
            shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_LOCATION, &loc),
            SHIPEST_OK);
        ck_assert_msg(strlen(src) > 10, "%s: source '%s'", name, src);
        ck_assert_msg(strlen(date) >= 4, "%s: date '%s'", name, date);
        ck_assert_msg(strchr("VKD", conf[0]) != NULL, "%s: confidence '%s'", name, conf);
        ck_assert_msg(dist[0] != '\0' && from[0] != '\0' && to[0] != '\0', "%s", name);
        ck_assert_msg(strncmp(loc, "default.stbl:", 13) == 0, "%s: location '%s'", name, loc);
        const shipest_dist *d = NULL;
        ck_assert_int_eq(shipest_table_factor_dist(ctx, i, &d), SHIPEST_OK);
        double lo = -1.0;
        ck_assert_int_eq(shipest_dist_quantile(d, 0.001, &lo), SHIPEST_OK);
        ck_assert_msg(lo > 0.0, "%s: 0.1%% quantile %g", name, lo);
    }
    for (int e = SHIPEST_ENTRY_CARRIER; e <= SHIPEST_ENTRY_CARGO; e++) {
        ck_assert_int_eq(shipest_table_count(ctx, (shipest_table_entry)e, &n), SHIPEST_OK);
        ck_assert_uint_ge(n, 2);
        for (size_t i = 0; i < n; i++) {
            const char *src, *conf;
            ck_assert_int_eq(
                shipest_table_get(ctx, (shipest_table_entry)e, i, SHIPEST_FIELD_SOURCE, &src),
                SHIPEST_OK);
            ck_assert_int_eq(
                shipest_table_get(ctx, (shipest_table_entry)e, i, SHIPEST_FIELD_CONFIDENCE, &conf),
                SHIPEST_OK);
            ck_assert(strlen(src) > 10 && strchr("VKD", conf[0]) != NULL);
        }
    }
    /* Bad listing arguments. */
    const char *v;
    ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, 100000, SHIPEST_FIELD_NAME, &v),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_table_get(ctx, (shipest_table_entry)99, 0, SHIPEST_FIELD_NAME, &v),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_table_get(ctx, SHIPEST_ENTRY_KIND, 0, (shipest_table_field)99, &v),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_table_count(ctx, SHIPEST_ENTRY_KIND, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_table_count(NULL, SHIPEST_ENTRY_KIND, &n), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_table_factor_dist(ctx, 100000, (const shipest_dist **)(void *)&v),
                     SHIPEST_EINVAL);
    /* A field an entry does not have reads as "". */
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_KIND, "person", SHIPEST_FIELD_SOURCE), "");
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- conversions and routes ------------------------------------------------------ */

/* Convert one `from` to `to`; returns the conversion (caller frees). */
static shipest_conversion *conv(shipest_ctx *ctx, const char *from, const char *to,
                                const char *via)
{
    shipest_conversion *c = NULL;
    shipest_status st = shipest_convert_number(ctx, 1.0, from, to, via, &c);
    ck_assert_msg(st == SHIPEST_OK, "%s -> %s: %s", from, to, shipest_ctx_errmsg(ctx));
    return c;
}

static double mean_of(const shipest_conversion *c)
{
    double m = 0.0;
    ck_assert_int_eq(shipest_dist_mean(shipest_conversion_dist(c), &m), SHIPEST_OK);
    return m;
}

static const char *step_name(const shipest_conversion *c, size_t i, int *exponent, int *plan)
{
    const char *name = NULL;
    ck_assert_int_eq(shipest_conversion_step(c, i, &name, exponent, plan), SHIPEST_OK);
    return name;
}

START_TEST(test_routes_default)
{
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 20000), SHIPEST_OK);
    int e, plan;
    /* One cited factor. */
    shipest_conversion *c = conv(ctx, "round_152mm", "kg", NULL);
    ck_assert_uint_eq(shipest_conversion_step_count(c), 1);
    ck_assert_str_eq(step_name(c, 0, &e, &plan), "packed_152mm_projectile");
    ck_assert_int_eq(e, 1);
    ck_assert_int_eq(plan, 0);
    /* pert(45, 48, 54) has mean (45 + 4*48 + 54)/6 = 48.5; 20,000 trials
     * give a standard error of about 0.01 kg, so 0.1 kg is 10 SE. */
    ck_assert_double_eq_tol(mean_of(c), 48.5, 0.1);
    ck_assert_uint_eq(shipest_conversion_factor_count(c), 1);
    const char *src;
    ck_assert_int_eq(shipest_conversion_factor(c, 0, SHIPEST_FIELD_SOURCE, &src), SHIPEST_OK);
    ck_assert_str_eq(src, field(ctx, SHIPEST_ENTRY_FACTOR, "packed_152mm_projectile",
                                SHIPEST_FIELD_SOURCE));
    shipest_conversion_free(c);

    /* The inverse divides. */
    c = conv(ctx, "t", "round_152mm", NULL);
    ck_assert_str_eq(step_name(c, 0, &e, &plan), "packed_152mm_projectile");
    ck_assert_int_eq(e, -1);
    shipest_conversion_free(c);

    /* Two factors through mass: rounds to 152 mm-equivalents, never through
     * containers' load plans. */
    c = conv(ctx, "round_152mm", "round_152mm_eq", NULL);
    ck_assert_uint_eq(shipest_conversion_step_count(c), 2);
    ck_assert_double_eq_tol(mean_of(c), 1.0, 0.02);
    shipest_conversion_free(c);

    /* A composite unit: containers per month to rounds per day. */
    c = conv(ctx, "container/month", "round_152mm/day", NULL);
    ck_assert_uint_eq(shipest_conversion_step_count(c), 1);
    ck_assert_double_eq_tol(shipest_conversion_scale(c), 1.0 / 30.4375, 1e-12);
    step_name(c, 0, &e, &plan);
    ck_assert_int_eq(plan, 1);
    shipest_conversion_free(c);

    /* A named route replaces the factor of the same dimension, here inside
     * the load plan (30.48 t boxes carry about 30% more than 24 t boxes). */
    shipest_conversion *a = conv(ctx, "container", "round_152mm", NULL);
    shipest_conversion *b = conv(ctx, "container", "round_152mm", "iso_30t");
    double ratio = mean_of(b) / mean_of(a);
    ck_assert_msg(ratio > 1.25 && ratio < 1.35, "ratio %g", ratio);
    int found = 0;
    for (size_t i = 0; i < shipest_conversion_factor_count(b); i++) {
        const char *nm;
        ck_assert_int_eq(shipest_conversion_factor(b, i, SHIPEST_FIELD_NAME, &nm), SHIPEST_OK);
        found |= strcmp(nm, "payload_20ft_30t") == 0;
    }
    ck_assert(found);
    shipest_conversion_free(a);
    shipest_conversion_free(b);
    /* Two tags at once: the 30.48 t box and the complete round (about 68 kg
     * instead of 48.5 kg) inside one load plan. */
    a = conv(ctx, "container", "round_152mm", "iso_30t");
    b = conv(ctx, "container", "round_152mm", "iso_30t, complete_round_152mm");
    ratio = mean_of(b) / mean_of(a);
    ck_assert_msg(ratio > 0.66 && ratio < 0.76, "ratio %g", ratio);
    shipest_conversion_free(a);
    shipest_conversion_free(b);
    c = conv(ctx, "round_152mm", "kg", "complete_round_152mm");
    ck_assert_str_eq(step_name(c, 0, NULL, NULL), "complete_152mm_round");
    ck_assert_double_eq_tol(mean_of(c), (58 + 4 * 68 + 80) / 6.0, 0.3);
    shipest_conversion_free(c);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_route_missing)
{
    shipest_ctx *ctx = new_ctx();
    shipest_conversion *c = NULL;
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "t", "person", NULL, &c), SHIPEST_ENOROUTE);
    ck_assert_ptr_null(c);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_ptr_nonnull(strstr(msg, "no conversion route from t"));
    ck_assert_ptr_nonnull(strstr(msg, "person"));
    /* Kilograms never become metres through a container's payload and length. */
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "kg", "m", NULL, &c), SHIPEST_ENOROUTE);
    /* An unknown route tag, and a tag the route cannot use. */
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "container", "t", "no_such_route", &c),
                     SHIPEST_ENAME);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "no_such_route"));
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "round_152mm", "kg", "iso_30t", &c),
                     SHIPEST_ENOROUTE);
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "t", "kg", "iso_30t", &c),
                     SHIPEST_ENOROUTE);
    shipest_ctx_free(ctx);
}
END_TEST

static const char *ambiguous_table =
    "shipest-table 1\n"
    "kind widget \"a test item\"\n"
    "factor widget_mass_a: 1 widget = uniform(1, 2) kg\n"
    "    source \"test source A, 2026\"\n"
    "    date \"2026\"\n"
    "    confidence \"D: test\"\n"
    "factor widget_mass_b: 1 widget = uniform(3, 4) kg\n"
    "    source \"test source B, 2026\"\n"
    "    date \"2026-01\"\n"
    "    confidence \"K: test\"\n";

START_TEST(test_route_ambiguous)
{
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 1000), SHIPEST_OK);
    ck_assert_int_eq(load(ctx, ambiguous_table), SHIPEST_OK);
    shipest_conversion *c = NULL;
    ck_assert_int_eq(shipest_convert_number(ctx, 1.0, "widget", "kg", NULL, &c),
                     SHIPEST_EAMBIGUOUS);
    ck_assert_ptr_null(c);
    const char *msg = shipest_ctx_errmsg(ctx);
    ck_assert_msg(strstr(msg, "widget_mass_a") && strstr(msg, "widget_mass_b") &&
                      strstr(msg, "preferred"),
                  "%s", msg);
    /* Marking one preferred settles it. */
    const char *pref = "shipest-table 1\n"
                       "override factor widget_mass_b: 1 widget = uniform(3, 4) kg\n"
                       "    source \"test source B, 2026\"\n"
                       "    date \"2026-01\"\n"
                       "    confidence \"K: test\"\n"
                       "    preferred\n";
    ck_assert_msg(load(ctx, pref) == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    c = conv(ctx, "widget", "kg", NULL);
    ck_assert_str_eq(step_name(c, 0, NULL, NULL), "widget_mass_b");
    ck_assert(mean_of(c) > 3.0 && mean_of(c) < 4.0);
    shipest_conversion_free(c);
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_FACTOR, "widget_mass_b", SHIPEST_FIELD_PREFERRED),
                     "preferred");
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- load planning -------------------------------------------------------------- */

static double share(const shipest_conversion *c, size_t step, shipest_constraint k)
{
    double s = -1.0;
    ck_assert_int_eq(shipest_conversion_binding_share(c, step, k, &s), SHIPEST_OK);
    return s;
}

START_TEST(test_load_plan_weight_limited)
{
    /* 152 mm projectiles in a 20 ft box weigh out: payload 21.6-21.85 t times
     * usable pert(0.6, 0.85, 1) (mean 0.8333) over pert(45, 48, 54) kg
     * (mean 48.5): about 21,725 * 0.8333 / 48.5 = 373.3 rounds. The ratio's
     * mean exceeds this by E[1/m] - 1/E[m], under 0.1%; the Monte Carlo
     * standard error with 100,000 trials is about 0.12 rounds; 0.5% (1.9
     * rounds) covers both with room. */
    shipest_ctx *ctx = new_ctx();
    shipest_conversion *c = conv(ctx, "container_20ft", "round_152mm", NULL);
    int e, plan;
    ck_assert_str_eq(step_name(c, 0, &e, &plan), "load plan container_20ft -> round_152mm");
    ck_assert_int_eq(plan, 1);
    ck_assert_int_eq(e, 1);
    ck_assert_double_eq_tol(mean_of(c), 21725.0 * (0.6 + 4 * 0.85 + 1.0) / 6.0 / 48.5, 1.9);
    ck_assert_double_eq(share(c, 0, SHIPEST_CONSTRAINT_MASS), 1.0);
    ck_assert_double_eq(share(c, 0, SHIPEST_CONSTRAINT_VOLUME), 0.0);
    ck_assert_double_eq(share(c, 0, SHIPEST_CONSTRAINT_LENGTH), 0.0);
    /* The plan lists its quantities with their sources. */
    ck_assert_uint_ge(shipest_conversion_factor_count(c), 5);
    double s;
    ck_assert_int_eq(shipest_conversion_binding_share(c, 1, SHIPEST_CONSTRAINT_MASS, &s),
                     SHIPEST_EINVAL);
    shipest_conversion_free(c);

    /* And back: rounds to containers divides by the same plan. 12 million
     * rounds need about 12e6 / 373 = 32,000 boxes. */
    c = NULL;
    ck_assert_int_eq(shipest_convert_number(ctx, 12e6, "round_152mm", "container", NULL, &c),
                     SHIPEST_OK);
    step_name(c, 0, &e, &plan);
    ck_assert_int_eq(e, -1);
    double m = mean_of(c);
    ck_assert_msg(m > 30000 && m < 35000, "%g containers", m);
    shipest_conversion_free(c);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_load_plan_length_limited)
{
    /* 122 mm rockets in crates of about 3.05 m fit once along a 5.89 m box:
     * the length fit, not the mass, binds in most trials. */
    shipest_ctx *ctx = new_ctx();
    shipest_conversion *c = conv(ctx, "container_20ft", "rocket_122mm", NULL);
    double by_len = share(c, 0, SHIPEST_CONSTRAINT_LENGTH);
    double by_mass = share(c, 0, SHIPEST_CONSTRAINT_MASS);
    double by_vol = share(c, 0, SHIPEST_CONSTRAINT_VOLUME);
    ck_assert_msg(by_len > 0.5, "length binds in %g of trials", by_len);
    ck_assert_double_eq_tol(by_len + by_mass + by_vol, 1.0, 1e-12);
    /* The whole-length rule halves what volume alone would allow. */
    shipest_conversion_free(c);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_load_plan_custom)
{
    /* A hand-checkable plan with constants: a 10 m, 20 m3 box with 1,000 kg
     * payload fully usable; a 3 m item of 0.5 m3 and 10 kg. by mass 100, by
     * volume 40, by length 40 * floor(10/3) * 3/10 = 36: length binds. */
    shipest_ctx *ctx = new_ctx();
    const char *t = "shipest-table 1\n"
                    "kind box \"a box\"\n"
                    "kind pole \"a pole\"\n"
                    "carrier box\n"
                    "    payload 1000 kg\n"
                    "    usable 100%\n"
                    "    volume 20 m3\n"
                    "    length 10 m\n"
                    "    source \"test\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D: test\"\n"
                    "cargo pole\n"
                    "    mass 10 kg\n"
                    "    volume 500 l\n"
                    "    length 300 cm\n"
                    "    source \"test\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D: test\"\n";
    ck_assert_msg(load(ctx, t) == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    shipest_conversion *c = conv(ctx, "box", "pole", NULL);
    double v = 0;
    ck_assert_int_eq(shipest_dist_family(shipest_conversion_dist(c)), SHIPEST_DIST_CONSTANT);
    ck_assert_int_eq(shipest_dist_quantile(shipest_conversion_dist(c), 0.5, &v), SHIPEST_OK);
    ck_assert_double_eq_tol(v, 36.0, 1e-9);
    ck_assert_double_eq(share(c, 0, SHIPEST_CONSTRAINT_LENGTH), 1.0);
    shipest_conversion_free(c);
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_CARGO, "pole", SHIPEST_FIELD_VOLUME), "500 l");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_convert_distribution)
{
    /* 27,000 to 29,000 containers (a 90% interval) to rounds: the mean is
     * about E[containers] * 373.3; both are independent, so the product's
     * mean is the product of means (within 1% for MC error and the
     * approximation of the plan's mean). */
    shipest_ctx *ctx = new_ctx();
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_interval90(ctx, 27000, 29000, &d), SHIPEST_OK);
    double dm = 0;
    ck_assert_int_eq(shipest_dist_mean(d, &dm), SHIPEST_OK);
    shipest_conversion *c = NULL;
    ck_assert_int_eq(shipest_convert(ctx, d, "container", "round_152mm", NULL, &c), SHIPEST_OK);
    ck_assert_int_eq(shipest_dist_family(shipest_conversion_dist(c)), SHIPEST_DIST_EMPIRICAL);
    double want = dm * 21725.0 * (0.6 + 4 * 0.85 + 1.0) / 6.0 / 48.5;
    ck_assert_double_eq_tol(mean_of(c), want, 0.01 * want);
    /* The same seed gives the same result. */
    shipest_conversion *c2 = NULL;
    ck_assert_int_eq(shipest_convert(ctx, d, "container", "round_152mm", NULL, &c2), SHIPEST_OK);
    ck_assert_double_eq(mean_of(c), mean_of(c2));
    shipest_conversion_free(c2);
    shipest_conversion_free(c);
    shipest_dist_free(d);
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- loading, overriding, bad input ------------------------------------------------ */

/* Every field of every entry, as one string, to compare tables. */
static char *snapshot(shipest_ctx *ctx)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    for (int e = SHIPEST_ENTRY_KIND; e <= SHIPEST_ENTRY_CARGO; e++) {
        size_t n = 0;
        ck_assert_int_eq(shipest_table_count(ctx, (shipest_table_entry)e, &n), SHIPEST_OK);
        for (size_t i = 0; i < n; i++)
            for (int f = SHIPEST_FIELD_NAME; f <= SHIPEST_FIELD_MASS; f++) {
                const char *v = NULL;
                ck_assert_int_eq(shipest_table_get(ctx, (shipest_table_entry)e, i,
                                                   (shipest_table_field)f, &v),
                                 SHIPEST_OK);
                size_t k = strlen(v);
                while (len + k + 2 > cap) {
                    cap *= 2;
                    s = realloc(s, cap);
                    ck_assert_ptr_nonnull(s);
                }
                memcpy(s + len, v, k);
                len += k;
                s[len++] = '|';
            }
    }
    s[len] = '\0';
    return s;
}

static const char *good_head = "shipest-table 1\n";

typedef struct bad_case {
    const char *text;
    shipest_status status;
    const char *where;   /* "test.stbl:L:C:" */
    const char *needle;  /* part of the message */
} bad_case;

static const bad_case bad_cases[] = {
    /* unknown units */
    {"kind w \"w\"\nfactor f: 1 w = 2 furlongs\n", SHIPEST_EUNIT, "test.stbl:3:19:",
     "unknown unit 'furlongs'"},
    {"unit x = 3 ton\n", SHIPEST_EUNIT, "test.stbl:2:12:", "short_ton"},
    {"alias heavy = tons\n", SHIPEST_EUNIT, "test.stbl:2:15:", "ambiguous"},
    /* malformed numbers */
    {"unit x = 1e999 kg\n", SHIPEST_EPARSE, "test.stbl:2:10:", "out of range"},
    {"unit x = 12345678901234567890123456789012345678901234567890123456789012345678901234567890"
     "123456789012345678901234567890 kg\n",
     SHIPEST_EPARSE, "test.stbl:2:10:", "digits"},
    {"unit x = 1.2.3 kg\n", SHIPEST_EPARSE, "test.stbl:2:10:", "malformed number '1.2.3'"},
    {"unit x = 28,00 kg\n", SHIPEST_EPARSE, "test.stbl:2:10:", "digit groups"},
    /* unterminated string, bad escape */
    {"kind w \"never closed\n", SHIPEST_EPARSE, "test.stbl:2:8:", "unterminated string"},
    {"kind w \"bad \\q escape\"\n", SHIPEST_EPARSE, "test.stbl:2:13:", "unknown escape"},
    /* cyclic aliases */
    {"alias a = b\nalias b = a\n", SHIPEST_EUNIT, "test.stbl:3:11:", "cyclic alias"},
    {"alias a = a\n", SHIPEST_EUNIT, "test.stbl:2:11:", "cyclic alias: a -> a"},
    {"alias a = nowhere\n", SHIPEST_EUNIT, "test.stbl:2:11:", "unknown unit 'nowhere'"},
    /* impossible distributions */
    {"kind w \"w\"\nfactor f: 1 w = pert(52, 48, 45) kg\n", SHIPEST_EDOMAIN, "test.stbl:3:17:",
     "pert"},
    {"kind w \"w\"\nfactor f: 1 w = normal(0, 1) kg\n", SHIPEST_EDOMAIN, "test.stbl:3:17:",
     "positive"},
    {"kind w \"w\"\nfactor f: 1 w = wobbly(1) kg\n", SHIPEST_EPARSE, "test.stbl:3:17:",
     "unknown distribution family"},
    {"kind w \"w\"\nfactor f: 1 w = uniform(1) kg\n", SHIPEST_EPARSE, "test.stbl:3:17:",
     "uniform takes 2"},
    /* duplicate names, naming both places */
    {"kind container_20ft \"again\"\n", SHIPEST_ENAME, "test.stbl:2:6:",
     "already defined as a kind at default.stbl:"},
    {"kind w \"w\"\nkind w \"w again\"\n", SHIPEST_ENAME, "test.stbl:3:6:",
     "already defined as a kind at test.stbl:2:6"},
    {"kind w \"w\"\nunit w = 2 kg\n", SHIPEST_ENAME, "test.stbl:3:6:", "test.stbl:2:6"},
    {"factor payload_20ft_24t: 1 container = 1 t\n", SHIPEST_ENAME, "test.stbl:2:8:",
     "default.stbl:"},
    {"override kind nothing_here \"x\"\n", SHIPEST_ENAME, "test.stbl:2:15:", "no kind"},
    {"override unit container = 2 kg\n", SHIPEST_ENAME, "test.stbl:2:15:", "is a alias"},
    {"kind kg \"mass\"\n", SHIPEST_ENAME, "test.stbl:2:6:", "built-in"},
    /* structure */
    {"kind w \"w\"\nfactor f: 1 w = 2 kg\n    date \"2026\"\n    confidence \"D\"\n",
     SHIPEST_EPARSE, "test.stbl:3:8:", "has no source"},
    {"kind w \"w\"\nfactor f: 1 w = 2 kg\n    source \"s\"\n    date \"July 2025\"\n",
     SHIPEST_EPARSE, "test.stbl:5:5:", "ISO date"},
    {"kind w \"w\"\nfactor f: 1 w = 2 kg\n    source \"s\"\n    confidence \"maybe\"\n",
     SHIPEST_EPARSE, "test.stbl:5:5:", "confidence must start"},
    {"kind w \"w\"\nfactor f: 1 w = 2 kg\n    colour \"red\"\n", SHIPEST_EPARSE,
     "test.stbl:4:5:", "unknown attribute"},
    {"kind w \"w\"\n    source \"s\"\n", SHIPEST_EPARSE, "test.stbl:3:5:", "indented line"},
    {"frobnicate x\n", SHIPEST_EPARSE, "test.stbl:2:1:", "unknown statement"},
    /* hedge statements (the claims lexicon, docs/claims.md) */
    {"hedge \"about\" x\n", SHIPEST_EPARSE, "test.stbl:2:7:", "`hedge` expects a name"},
    {"hedge about\n    phrases \"zz\"\n    shape constant\n    reason \"r\"\n", SHIPEST_ENAME,
     "test.stbl:2:1:", "is already defined at hedges.stbl:"},
    {"hedge zz\n    phrases \"zz\"\n    shape constant\n    reason \"r\"\n"
     "hedge zz\n    phrases \"yy\"\n    shape constant\n    reason \"r\"\n",
     SHIPEST_ENAME, "test.stbl:6:1:", "already defined at test.stbl:2:1"},
    {"override hedge nosuch\n    phrases \"zz\"\n    shape constant\n    reason \"r\"\n",
     SHIPEST_ENAME, "test.stbl:2:10:", "no hedge of that name"},
    {"hedge zz\n    phrases \"over\"\n    shape constant\n    reason \"r\"\n", SHIPEST_ENAME,
     "test.stbl:2:1:", "\"over\", which hedge 'more_than' (hedges.stbl:"},
    {"hedge zz\n    phrases \"zz\"\n    shape constant\n", SHIPEST_EPARSE, "test.stbl:",
     "reason"},
    {"hedge zz\n    phrases \"zz\"\n    source \"s\"\n    date \"2026\"\n", SHIPEST_EPARSE,
     "test.stbl:5:5:", "unknown hedge attribute name 'date'"},
    /* A hedge ends the statement before it, whose checks still run. */
    {"kind w \"w\"\nfactor f: 1 w = 2 kg\n    source \"s\"\nhedge zz\n    phrases \"zz\"\n"
     "    shape constant\n    reason \"r\"\n",
     SHIPEST_EPARSE, "test.stbl:3:8:", "has no date"},
    /* ... and a statement after a hedge gets its own attribute lines. */
    {"hedge zz\n    phrases \"zz\"\n    shape constant\n    reason \"r\"\nkind w \"w\"\n"
     "    source \"s\"\n",
     SHIPEST_EPARSE, "test.stbl:7:5:", "indented line"},
    {"kind w \"w\" extra\n", SHIPEST_EPARSE, "test.stbl:2:12:", "end of the line"},
    {"carrier person\n    source \"s\"\n    date \"2026\"\n    confidence \"D\"\n",
     SHIPEST_EPARSE, "test.stbl:2:9:", "needs a payload or a volume"},
    {"carrier kg\n", SHIPEST_EUNIT, "test.stbl:2:9:", "not an item kind"},
    {"kind w \"w\"\ncarrier w\n    payload no_factor\n    source \"s\"\n    date \"2026\"\n"
     "    confidence \"D\"\n",
     SHIPEST_ENAME, "test.stbl:4:13:", "no factor named 'no_factor'"},
    {"kind w \"w\"\ncarrier w\n    payload 3 m\n", SHIPEST_EUNIT, "test.stbl:4:5:",
     "is not a mass"},
    {"kind w \"w\"\nfactor f: 1 w = uniform(1, 2) \"\n", SHIPEST_EPARSE, "test.stbl:3:31:",
     "unterminated string"},
    {"kind w \"w\"\ncarrier w\n    payload inside_length_20ft\n    source \"s\"\n"
     "    date \"2026\"\n    confidence \"D\"\n",
     SHIPEST_EUNIT, "test.stbl:4:13:", "converts to m/container_20ft"},
};

START_TEST(test_bad_inputs)
{
    /* A counting allocator that never fails: after the context is freed no
     * block may be left, so no error path leaks. */
    harness_alloc counts;
    shipest_ctx *ctx = harness_ctx_failing(&counts, 0);
    ck_assert_ptr_nonnull(ctx);
    char *before = snapshot(ctx);
    char text[4096];
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *b = &bad_cases[i];
        snprintf(text, sizeof text, "%s%s", good_head, b->text);
        shipest_status st = load(ctx, text);
        const char *msg = shipest_ctx_errmsg(ctx);
        ck_assert_msg(st == b->status, "case %zu: status %d, want %d: %s", i, (int)st,
                      (int)b->status, msg);
        ck_assert_msg(strncmp(msg, b->where, strlen(b->where)) == 0,
                      "case %zu: message '%s' does not start with '%s'", i, msg, b->where);
        ck_assert_msg(strstr(msg, b->needle) != NULL, "case %zu: message '%s' lacks '%s'", i, msg,
                      b->needle);
    }
    /* None of them changed anything. */
    char *after = snapshot(ctx);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    shipest_ctx_free(ctx);
    ck_assert_int_eq(counts.live, 0);
}
END_TEST

START_TEST(test_bad_bytes_and_lines)
{
    shipest_ctx *ctx = new_ctx();
    /* A NUL byte and a byte that is not UTF-8, with their positions. */
    const char nul[] = "shipest-table 1\nkind w \"a\0b\"\n";
    ck_assert_int_eq(shipest_ctx_load_table_string(ctx, nul, sizeof nul - 1, "bin"),
                     SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "bin:2:10: NUL byte"));
    const char *ff = "shipest-table 1\n# ok\nkind w \"\xff\"\n";
    ck_assert_int_eq(load(ctx, ff), SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "test.stbl:3:9: invalid UTF-8"));
    const char *ok_utf8 = "shipest-table 1\nkind w_utf8 \"\xc3\xa9t\xc3\xa9 \xe2\x80\x94 ok\"\n";
    ck_assert_msg(load(ctx, ok_utf8) == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    /* Garbage from the start. */
    const char garbage[] = "\x7f" "ELF\x02\x01\x01\0\0\0";
    ck_assert_int_eq(shipest_ctx_load_table_string(ctx, garbage, sizeof garbage - 1, "elf"),
                     SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "elf:1:"));
    /* An absurdly long line: rejected before it is parsed, with its line. */
    size_t n = 70000;
    char *big = malloc(n + 64);
    ck_assert_ptr_nonnull(big);
    size_t o = (size_t)sprintf(big, "shipest-table 1\n# ok\n# ");
    memset(big + o, 'x', n);
    o += n;
    big[o++] = '\n';
    ck_assert_int_eq(shipest_ctx_load_table_string(ctx, big, o, "big"), SHIPEST_ELIMIT);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "big:3:1: line is longer"));
    free(big);
    /* No header; another version; empty text. */
    ck_assert_int_eq(load(ctx, "kind w \"w\"\n"), SHIPEST_EPARSE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "shipest-table 1"));
    ck_assert_int_eq(load(ctx, "shipest-table 2\n"), SHIPEST_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "test.stbl:1:15:"));
    ck_assert_int_eq(load(ctx, ""), SHIPEST_EPARSE);
    /* NULL arguments. */
    ck_assert_int_eq(shipest_ctx_load_table_string(ctx, NULL, 3, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_load_table_string(NULL, "x", 1, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_ctx_load_table_file(ctx, NULL), SHIPEST_EINVAL);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_failed_load_unchanged)
{
    /* A table whose last line fails after it defined kinds, units, factors,
     * a carrier and an override: the listing is the same before and after,
     * and the next kind still gets the next dimension. */
    shipest_ctx *ctx = new_ctx();
    char *before = snapshot(ctx);
    const char *t = "shipest-table 1\n"
                    "kind gadget \"g\"\n"
                    "alias gadgets_alias = gadget\n"
                    "unit gadget_box = 12 gadget\n"
                    "factor gadget_mass: 1 gadget = uniform(1, 2) kg\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n"
                    "override factor packed_152mm_projectile: 1 round_152mm = 99 kg\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n"
                    "cargo gadget\n"
                    "    mass gadget_mass\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n"
                    "unit broken = 1 nonsense\n";
    ck_assert_int_eq(load(ctx, t), SHIPEST_EUNIT);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "test.stbl:18:17:"));
    char *after = snapshot(ctx);
    ck_assert_str_eq(before, after);
    free(after);
    /* The override did not take: still 48.5 kg on average. */
    shipest_conversion *c = conv(ctx, "round_152mm", "kg", NULL);
    ck_assert_double_eq_tol(mean_of(c), 48.5, 0.1);
    shipest_conversion_free(c);
    /* The same text without the bad line loads. */
    char *fixed = malloc(strlen(t) + 1);
    ck_assert_ptr_nonnull(fixed);
    strcpy(fixed, t);
    *strstr(fixed, "unit broken") = '\0';
    ck_assert_msg(load(ctx, fixed) == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    free(fixed);
    after = snapshot(ctx);
    ck_assert_str_ne(before, after);
    free(after);
    free(before);
    c = conv(ctx, "round_152mm", "kg", NULL);
    ck_assert_double_eq_tol(mean_of(c), 99.0, 1e-9);
    shipest_conversion_free(c);
    c = conv(ctx, "gadget_box", "kg", NULL);
    ck_assert_double_eq_tol(mean_of(c), 18.0, 0.05);
    shipest_conversion_free(c);
    /* The override kept its place in the listing and shows the new text. */
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_FACTOR, "packed_152mm_projectile",
                           SHIPEST_FIELD_DIST),
                     "99");
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_FACTOR, "packed_152mm_projectile",
                           SHIPEST_FIELD_LOCATION),
                     "test.stbl:9");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_borrowed_strings_survive_override)
{
    /* Listed strings stay valid after an override replaces their entry. */
    shipest_ctx *ctx = new_ctx();
    const char *src = field(ctx, SHIPEST_ENTRY_FACTOR, "payload_40ft", SHIPEST_FIELD_SOURCE);
    char copy[512];
    snprintf(copy, sizeof copy, "%s", src);
    const char *t = "shipest-table 1\n"
                    "override factor payload_40ft: 1 container_40ft = 26 t\n"
                    "    source \"replacement\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n";
    ck_assert_int_eq(load(ctx, t), SHIPEST_OK);
    ck_assert_str_eq(src, copy);
    ck_assert_str_eq(field(ctx, SHIPEST_ENTRY_FACTOR, "payload_40ft", SHIPEST_FIELD_SOURCE),
                     "replacement");
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_load_file)
{
    shipest_ctx *ctx = new_ctx();
    ck_assert_msg(shipest_ctx_load_table_file(ctx, harness_data_path("table_extra.stbl")) ==
                      SHIPEST_OK,
                  "%s", shipest_ctx_errmsg(ctx));
    ck_assert(find_entry(ctx, SHIPEST_ENTRY_KIND, "truck_kamaz") >= 0);
    shipest_conversion *c = conv(ctx, "truck_kamaz", "round_152mm", NULL);
    int plan;
    step_name(c, 0, NULL, &plan);
    ck_assert_int_eq(plan, 1);
    shipest_conversion_free(c);
    ck_assert_int_eq(shipest_ctx_load_table_file(ctx, "/nonexistent/dir/x.stbl"), SHIPEST_EIO);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "/nonexistent/dir/x.stbl"));
    shipest_ctx_free(ctx);
}
END_TEST

/* ---- allocation failure -------------------------------------------------------------- */

START_TEST(test_oom_load)
{
    const char *t = "shipest-table 1\n"
                    "kind gadget \"g\"\n"
                    "alias gizmo = gadget\n"
                    "unit gadget_box = 12 gizmo\n"
                    "factor gadget_mass: 1 gadget = pert(1, 1.5, 2) kg\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n"
                    "    note \"n\"\n"
                    "override factor payload_40ft: 1 container_40ft = 26 to 27 t\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n"
                    "    route r40\n"
                    "cargo gadget\n"
                    "    mass gadget_mass\n"
                    "    volume 0.01 m3\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n";
    HARNESS_OOM_LOOP(st = shipest_ctx_load_table_string(ctx, t, strlen(t), "oom.stbl"), (void)0);
}
END_TEST

START_TEST(test_oom_load_hedges)
{
    /* Hedges between other statements: an override, a new entry, and a
     * factor after them; then a claim through the context's lexicon. */
    const char *t = "shipest-table 1\n"
                    "kind gadget \"g\"\n"
                    "override hedge about\n"
                    "    phrases \"about\" \"around\"\n"
                    "    shape quantiles\n"
                    "    support 0 inf\n"
                    "    quantiles 0.05: 0.8 1 1.25\n"
                    "    reason \"house style\"\n"
                    "hedge upwards_of\n"
                    "    phrases \"upwards of\"\n"
                    "    shape quantiles\n"
                    "    support 1 inf\n"
                    "    quantiles 0.1: 1.2 1.5 2\n"
                    "    summary \"well above the figure\"\n"
                    "    reason \"test\"\n"
                    "factor gadget_mass: 1 gadget = 2 kg\n"
                    "    source \"s\"\n"
                    "    date \"2026\"\n"
                    "    confidence \"D\"\n";
    shipest_dist *d = NULL;
    HARNESS_OOM_LOOP(
        {
            st = shipest_ctx_load_table_string(ctx, t, strlen(t), "oom.stbl");
            if (st == SHIPEST_OK)
                st = shipest_claim_parse(ctx, NULL, "upwards of 100", 14, 0, &d, NULL, 0, NULL,
                                         NULL, 0, NULL);
            if (st == SHIPEST_OK) {
                double med = 0.0;
                ck_assert_int_eq(shipest_dist_quantile(d, 0.5, &med), SHIPEST_OK);
                ck_assert_double_eq_tol(med, 150.0, 1e-9);
            }
        },
        {
            shipest_dist_free(d);
            d = NULL;
        });
}
END_TEST

START_TEST(test_oom_convert)
{
    shipest_conversion *c = NULL;
    HARNESS_OOM_LOOP(
        {
            st = shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 64);
            if (st == SHIPEST_OK)
                st = shipest_convert_number(ctx, 3.0, "container/month", "rocket_122mm/day",
                                            NULL, &c);
        },
        {
            shipest_conversion_free(c);
            c = NULL;
        });
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_default_names);
    tcase_add_test(tc, test_default_entries_complete);
    tcase_add_test(tc, test_routes_default);
    tcase_add_test(tc, test_route_missing);
    tcase_add_test(tc, test_route_ambiguous);
    tcase_add_test(tc, test_load_plan_weight_limited);
    tcase_add_test(tc, test_load_plan_length_limited);
    tcase_add_test(tc, test_load_plan_custom);
    tcase_add_test(tc, test_convert_distribution);
    tcase_add_test(tc, test_bad_inputs);
    tcase_add_test(tc, test_bad_bytes_and_lines);
    tcase_add_test(tc, test_failed_load_unchanged);
    tcase_add_test(tc, test_borrowed_strings_survive_override);
    tcase_add_test(tc, test_load_file);
    tcase_add_test(tc, test_oom_load);
    tcase_add_test(tc, test_oom_load_hedges);
    tcase_add_test(tc, test_oom_convert);
    suite_add_tcase(s, tc);
    return s;
}
