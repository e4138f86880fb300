/* check_model.c — the C model builder: units checked as nodes are added,
 * names, conversions through the default table, correlations, streams,
 * introspection, and allocation failure. Public API only. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static shipest_ctx *new_ctx(void)
{
    shipest_ctx *ctx = NULL;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    return ctx;
}

static shipest_model *new_model(shipest_ctx *ctx)
{
    shipest_model *m = NULL;
    ck_assert_int_eq(shipest_model_new(ctx, &m), SHIPEST_OK);
    ck_assert_ptr_nonnull(m);
    return m;
}

/* An input `name` ~ interval90(lo, hi) in unit. */
static shipest_node add_input(shipest_model *m, shipest_ctx *ctx, const char *name, double lo,
                              double hi, const char *unit)
{
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_interval90(ctx, lo, hi, &d), SHIPEST_OK);
    shipest_node n = SHIPEST_NO_NODE;
    shipest_status st = shipest_model_input(m, name, d, unit, NULL, &n);
    ck_assert_msg(st == SHIPEST_OK, "input %s: %s", name, shipest_ctx_errmsg(ctx));
    shipest_dist_free(d);
    return n;
}

static shipest_node add_const(shipest_model *m, double v, const char *unit)
{
    shipest_node n = SHIPEST_NO_NODE;
    ck_assert_int_eq(shipest_model_const(m, v, unit, &n), SHIPEST_OK);
    return n;
}

static const char *unit_of(const shipest_model *m, shipest_node n, char *buf, size_t size)
{
    shipest_model_node_unit(m, n, buf, size);
    return buf;
}

static shipest_op op_of(const shipest_model *m, shipest_node n)
{
    shipest_op op = SHIPEST_OP_CONST;
    ck_assert_int_eq(shipest_model_node_op(m, n, &op), SHIPEST_OK);
    return op;
}

static size_t count_op(const shipest_model *m, shipest_op want)
{
    size_t k = 0;
    for (size_t i = 0; i < shipest_model_node_count(m); i++)
        k += op_of(m, (shipest_node)i) == want;
    return k;
}

START_TEST(test_new_free_null)
{
    shipest_model *m = (shipest_model *)(uintptr_t)1;
    ck_assert_int_eq(shipest_model_new(NULL, &m), SHIPEST_EINVAL);
    ck_assert_ptr_null(m);
    shipest_ctx *ctx = new_ctx();
    ck_assert_int_eq(shipest_model_new(ctx, NULL), SHIPEST_EINVAL);
    m = new_model(ctx);
    ck_assert_uint_eq(shipest_model_node_count(m), 0);
    ck_assert_uint_eq(shipest_model_node_count(NULL), 0);
    shipest_node n = 7;
    ck_assert_int_eq(shipest_model_const(m, 1.0, NULL, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_input(m, NULL, NULL, NULL, NULL, &n), SHIPEST_EINVAL);
    ck_assert_int_eq(n, SHIPEST_NO_NODE);
    ck_assert_int_eq(shipest_model_add(m, 0, 1, &n), SHIPEST_EINVAL); /* no such nodes */
    ck_assert_int_eq(shipest_model_add(NULL, 0, 1, &n), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_output(m, 0), SHIPEST_EINVAL);
    shipest_model_free(m);
    shipest_model_free(NULL);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_units_derived)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    char u[64];
    shipest_node cap = add_input(m, ctx, "capacity", 21.6, 28.3, "t/container_20ft");
    shipest_node boxes = add_input(m, ctx, "boxes", 28000, 35000, "container_20ft");
    shipest_node mass, rate, days;
    ck_assert_int_eq(shipest_model_mul(m, cap, boxes, &mass), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, mass, u, sizeof u), "t");
    days = add_const(m, 30, "day");
    ck_assert_int_eq(shipest_model_div(m, mass, days, &rate), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, rate, u, sizeof u), "t/day");
    /* Values are SI: 30 day = 2,592,000 s; an input's scale is t -> kg. */
    double v;
    ck_assert_int_eq(shipest_model_node_value(m, days, &v), SHIPEST_OK);
    ck_assert_double_eq_tol(v, 30 * 86400.0, 1e-6);
    ck_assert_int_eq(shipest_model_node_value(m, cap, &v), SHIPEST_OK);
    ck_assert_double_eq_tol(v, 1000.0, 1e-12);
    /* Sums of one dimension show the left unit. */
    shipest_node kg = add_const(m, 500, "kg"), sum;
    ck_assert_int_eq(shipest_model_add(m, mass, kg, &sum), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, sum, u, sizeof u), "t");
    ck_assert_int_eq(op_of(m, sum), SHIPEST_OP_ADD);
    shipest_node args[4];
    ck_assert_uint_eq(shipest_model_node_args(m, sum, args, 4), 2);
    ck_assert_int_eq(args[0], mass);
    ck_assert_int_eq(args[1], kg);
    ck_assert_uint_eq(shipest_model_node_args(m, sum, NULL, 0), 2);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_unit_mismatch)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    shipest_node t = add_input(m, ctx, "mass", 1, 2, "t");
    shipest_node r = add_input(m, ctx, "rounds", 1000, 2000, "round_152mm");
    size_t before = shipest_model_node_count(m);
    shipest_node n = 3;
    shipest_status (*const ops[])(shipest_model *, shipest_node, shipest_node, shipest_node *) = {
        shipest_model_add, shipest_model_sub, shipest_model_min, shipest_model_max};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        ck_assert_int_eq(ops[i](m, t, r, &n), SHIPEST_EUNIT);
        ck_assert_int_eq(n, SHIPEST_NO_NODE);
        /* The message names both units and both operands. */
        const char *msg = shipest_ctx_errmsg(ctx);
        ck_assert_ptr_nonnull(strstr(msg, "'t'"));
        ck_assert_ptr_nonnull(strstr(msg, "'round_152mm'"));
        ck_assert_ptr_nonnull(strstr(msg, "mass"));
        ck_assert_ptr_nonnull(strstr(msg, "rounds"));
    }
    ck_assert_int_eq(shipest_model_exp(m, t, &n), SHIPEST_EUNIT);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "dimensionless"));
    ck_assert_int_eq(shipest_model_log(m, r, &n), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_sqrt(m, t, &n), SHIPEST_EUNIT);
    shipest_node half = add_const(m, 0.5, NULL);
    ck_assert_int_eq(shipest_model_pow(m, half, t, &n), SHIPEST_EUNIT); /* dimensioned exponent */
    ck_assert_int_eq(shipest_model_pow(m, t, half, &n), SHIPEST_EUNIT); /* t^0.5 */
    ck_assert_int_eq(shipest_model_with_unit(m, t, "day", &n), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_display(m, t, "round_152mm", &n), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_const(m, 1, "no_such_unit", &n), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_const(m, 1, "ton", &n), SHIPEST_EUNIT); /* ambiguous */
    /* Failed calls left the model as it was (apart from the constant 0.5). */
    ck_assert_uint_eq(shipest_model_node_count(m), before + 1);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_functions_and_powers)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    char u[64];
    shipest_node area = add_const(m, 4, "m^2"), n;
    ck_assert_int_eq(shipest_model_sqrt(m, area, &n), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "m");
    shipest_node len = add_const(m, 3, "m");
    ck_assert_int_eq(shipest_model_powi(m, len, 3, &n), SHIPEST_OK);
    ck_assert_int_eq(op_of(m, n), SHIPEST_OP_POW);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "m3");
    ck_assert_int_eq(shipest_model_powi(m, len, -1, &n), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "1/m");
    ck_assert_int_eq(shipest_model_powi(m, len, 65, &n), SHIPEST_EDOMAIN);
    shipest_node half = add_const(m, 0.5, NULL);
    ck_assert_int_eq(shipest_model_pow(m, area, half, &n), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "m");
    shipest_node ratio = add_input(m, ctx, "ratio", 0.5, 2, NULL);
    ck_assert_int_eq(shipest_model_pow(m, ratio, ratio, &n), SHIPEST_OK); /* both dimensionless */
    ck_assert_int_eq(shipest_model_exp(m, ratio, &n), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_log(m, n, &n), SHIPEST_OK);
    ck_assert_int_eq(op_of(m, n), SHIPEST_OP_LOG);
    ck_assert_int_eq(shipest_model_abs(m, len, &n), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "m");
    ck_assert_int_eq(shipest_model_neg(m, len, &n), SHIPEST_OK);
    ck_assert_int_eq(op_of(m, n), SHIPEST_OP_NEG);
    /* (dimensionless) * one day */
    ck_assert_int_eq(shipest_model_with_unit(m, ratio, "day", &n), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "day");
    double k;
    ck_assert_int_eq(shipest_model_node_value(m, n, &k), SHIPEST_OK);
    ck_assert_double_eq_tol(k, 86400.0, 1e-9);
    /* Non-finite constants, and finite ones that overflow in SI. */
    ck_assert_int_eq(shipest_model_const(m, NAN, NULL, &n), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_model_const(m, INFINITY, "t", &n), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_model_const(m, 1e308, "t", &n), SHIPEST_EDOMAIN);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_names)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    shipest_node a = add_input(m, ctx, "a", 1, 2, "t"), n, found;
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_normal(ctx, 0, 1, &d), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_input(m, "a", d, "t", NULL, &n), SHIPEST_ENAME);
    ck_assert_int_eq(shipest_model_input(m, "", d, NULL, NULL, &n), SHIPEST_ENAME);
    ck_assert_int_eq(shipest_model_input(m, "factor:x", d, NULL, NULL, &n), SHIPEST_ENAME);
    ck_assert_int_eq(shipest_model_input(m, "tab\there", d, NULL, NULL, &n), SHIPEST_ENAME);
    ck_assert_int_eq(shipest_model_input(m, "bad\xff", d, NULL, NULL, &n), SHIPEST_ENAME);
    char longname[400];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ck_assert_int_eq(shipest_model_input(m, longname, d, NULL, NULL, &n), SHIPEST_ENAME);
    /* UTF-8 names are fine. */
    ck_assert_int_eq(shipest_model_input(m, "d\xc3\xa9p\xc3\xb4t", d, NULL, "src", &n), SHIPEST_OK);
    shipest_dist_free(d);
    ck_assert_uint_eq(shipest_model_node_count(m), 2);

    ck_assert_int_eq(shipest_model_find(m, "a", &found), SHIPEST_OK);
    ck_assert_int_eq(found, a);
    ck_assert_int_eq(shipest_model_find(m, "zz", &found), SHIPEST_ENAME);
    ck_assert_int_eq(found, SHIPEST_NO_NODE);

    /* Naming an anonymous node names it in place. */
    shipest_node two = add_const(m, 2, NULL), twice, named;
    ck_assert_int_eq(shipest_model_mul(m, a, two, &twice), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, twice), SHIPEST_ENAME); /* anonymous */
    ck_assert_int_eq(shipest_model_name(m, twice, "twice", "doubling", &named), SHIPEST_OK);
    ck_assert_int_eq(named, twice);
    ck_assert_int_eq(shipest_model_name(m, two, "twice", NULL, &n), SHIPEST_ENAME);
    /* Naming a named node makes an alias with the same values. */
    shipest_node alias;
    ck_assert_int_eq(shipest_model_name(m, a, "b", NULL, &alias), SHIPEST_OK);
    ck_assert_int_ne(alias, a);
    ck_assert_int_eq(op_of(m, alias), SHIPEST_OP_SCALE);
    double k;
    ck_assert_int_eq(shipest_model_node_value(m, alias, &k), SHIPEST_OK);
    ck_assert_double_eq(k, 1.0);
    char buf[64];
    ck_assert_uint_eq(shipest_model_node_name(m, a, buf, sizeof buf), 1);
    ck_assert_str_eq(buf, "a");
    ck_assert_uint_eq(shipest_model_node_name(m, two, buf, sizeof buf), 0);
    ck_assert_uint_eq(shipest_model_node_source(m, twice, buf, sizeof buf), 8);
    ck_assert_str_eq(buf, "doubling");
    /* snprintf semantics: truncated but the full length is returned. */
    ck_assert_uint_eq(shipest_model_node_source(m, twice, buf, 4), 8);
    ck_assert_str_eq(buf, "dou");
    ck_assert_uint_eq(shipest_model_node_name(m, 999, buf, sizeof buf), 0);

    ck_assert_int_eq(shipest_model_output(m, twice), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_output(m, twice), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_node_is_output(m, twice), 1);
    ck_assert_int_eq(shipest_model_node_is_output(m, a), 0);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* An input's stream is a function of its name only. */
START_TEST(test_stream_identity)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m1 = new_model(ctx), *m2 = new_model(ctx);
    shipest_node x1 = add_input(m1, ctx, "x", 1, 2, "t");
    add_input(m2, ctx, "unrelated", 1, 2, NULL);
    add_const(m2, 3, "kg");
    shipest_node x2 = add_input(m2, ctx, "x", 5, 9, "kg");
    shipest_node y2 = add_input(m2, ctx, "y", 1, 2, "t");
    uint64_t s1, s2, s3;
    ck_assert_int_eq(shipest_model_node_stream(m1, x1, &s1), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_node_stream(m2, x2, &s2), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_node_stream(m2, y2, &s3), SHIPEST_OK);
    ck_assert(s1 == s2);
    ck_assert(s1 != s3);
    shipest_node c = add_const(m1, 1, NULL);
    ck_assert_int_eq(shipest_model_node_stream(m1, c, &s1), SHIPEST_EINVAL);
    shipest_model_free(m1);
    shipest_model_free(m2);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_convert)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    char u[64], nm[64];
    shipest_node boxes = add_input(m, ctx, "boxes", 28000, 35000, "container_20ft");
    shipest_node r1, r2;
    ck_assert_int_eq(shipest_model_convert(m, boxes, "round_152mm", NULL, &r1), SHIPEST_OK);
    ck_assert_str_eq(unit_of(m, r1, u, sizeof u), "round_152mm");
    size_t factors = count_op(m, SHIPEST_OP_FACTOR);
    ck_assert_uint_gt(factors, 0);
    /* A load plan: the binding constraint node over at least one constraint. */
    ck_assert_uint_eq(count_op(m, SHIPEST_OP_BINDING), 1);
    /* Every factor has a source, a distribution and a "factor:" stream that
     * differs from an input of the same name. */
    for (size_t i = 0; i < shipest_model_node_count(m); i++) {
        if (op_of(m, (shipest_node)i) != SHIPEST_OP_FACTOR)
            continue;
        ck_assert_uint_gt(shipest_model_node_source(m, (shipest_node)i, NULL, 0), 0);
        ck_assert_ptr_nonnull(shipest_model_node_dist(m, (shipest_node)i));
        shipest_model_node_name(m, (shipest_node)i, nm, sizeof nm);
        shipest_model *other = new_model(ctx);
        if (strchr(nm, '.') == NULL) {
            shipest_node same = add_input(other, ctx, nm, 1, 2, NULL);
            uint64_t a, b;
            ck_assert_int_eq(shipest_model_node_stream(m, (shipest_node)i, &a), SHIPEST_OK);
            ck_assert_int_eq(shipest_model_node_stream(other, same, &b), SHIPEST_OK);
            ck_assert(a != b);
        }
        shipest_model_free(other);
    }
    /* A second conversion shares the factors: one draw per factor. */
    shipest_node more = add_input(m, ctx, "more", 100, 200, "container");
    ck_assert_int_eq(shipest_model_convert(m, more, "round_152mm", NULL, &r2), SHIPEST_OK);
    ck_assert_uint_eq(count_op(m, SHIPEST_OP_FACTOR), factors);
    ck_assert_uint_eq(count_op(m, SHIPEST_OP_BINDING), 1); /* and the load plan */
    /* Same dimension: exact, only the shown unit changes (an alias here,
     * because `boxes` is named). */
    shipest_node same;
    ck_assert_int_eq(shipest_model_convert(m, r1, "round_152mm", NULL, &same), SHIPEST_OK);
    ck_assert_int_eq(same, r1); /* anonymous: in place */
    ck_assert_int_eq(shipest_model_convert(m, boxes, "container_20ft", NULL, &same), SHIPEST_OK);
    ck_assert_int_eq(op_of(m, same), SHIPEST_OP_SCALE);

    /* Failures leave the model as it was. */
    size_t before = shipest_model_node_count(m);
    shipest_node troops = add_input(m, ctx, "troops", 12000, 14000, "person"), bad = 0;
    before++;
    ck_assert_int_eq(shipest_model_convert(m, troops, "t", NULL, &bad), SHIPEST_ENOROUTE);
    ck_assert_int_eq(bad, SHIPEST_NO_NODE);
    ck_assert_int_eq(shipest_model_convert(m, boxes, "no_such_unit", NULL, &bad), SHIPEST_EUNIT);
    ck_assert_int_eq(shipest_model_convert(m, boxes, "round_152mm", "no_such_route", &bad),
                     SHIPEST_ENAME);
    ck_assert_int_eq(shipest_model_convert(m, boxes, NULL, NULL, &bad), SHIPEST_EINVAL);
    ck_assert_uint_eq(shipest_model_node_count(m), before);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* A load plan limited by mass, volume and whole items along the length,
 * and the way back (items to carriers divides by the plan). */
START_TEST(test_load_plan)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    char u[64], nm[96];
    shipest_node boxes = add_input(m, ctx, "boxes", 10, 20, "container_20ft"), rockets, back;
    ck_assert_msg(shipest_model_convert(m, boxes, "rocket_122mm", NULL, &rockets) == SHIPEST_OK,
                  "%s", shipest_ctx_errmsg(ctx));
    ck_assert_str_eq(unit_of(m, rockets, u, sizeof u), "rocket_122mm");
    ck_assert_int_eq(op_of(m, rockets), SHIPEST_OP_MUL);
    shipest_node args[4], plan = SHIPEST_NO_NODE;
    ck_assert_uint_eq(shipest_model_node_args(m, rockets, args, 4), 2);
    ck_assert_int_eq(args[0], boxes);
    plan = args[1];
    ck_assert_int_eq(op_of(m, plan), SHIPEST_OP_BINDING);
    ck_assert_uint_eq(shipest_model_node_args(m, plan, args, 4), 3); /* mass, volume, length */
    shipest_model_node_name(m, plan, nm, sizeof nm);
    ck_assert_str_eq(nm, "rocket_122mm per container_20ft");
    ck_assert_str_eq(unit_of(m, plan, u, sizeof u), "rocket_122mm/container_20ft");
    ck_assert_uint_eq(count_op(m, SHIPEST_OP_FLOOR), 1);
    /* The length constraint is by_volume * floor(L/l) / (L/l). */
    shipest_node by_len = args[2], q[4], ratio[4];
    ck_assert_int_eq(op_of(m, by_len), SHIPEST_OP_MUL);
    ck_assert_uint_eq(shipest_model_node_args(m, by_len, q, 4), 2);
    ck_assert_int_eq(q[0], args[1]); /* by volume */
    ck_assert_int_eq(op_of(m, q[1]), SHIPEST_OP_DIV);
    ck_assert_uint_eq(shipest_model_node_args(m, q[1], ratio, 4), 2);
    ck_assert_int_eq(op_of(m, ratio[0]), SHIPEST_OP_FLOOR);
    /* Rockets back to containers divides by the same shared plan. */
    ck_assert_int_eq(shipest_model_convert(m, rockets, "container_20ft", "x", &back), SHIPEST_ENAME);
    shipest_node launched = add_input(m, ctx, "launched", 1000, 2000, "rocket_122mm");
    ck_assert_msg(shipest_model_convert(m, launched, "container_20ft", NULL, &back) == SHIPEST_OK,
                  "%s", shipest_ctx_errmsg(ctx));
    ck_assert_int_eq(op_of(m, back), SHIPEST_OP_DIV);
    ck_assert_uint_eq(shipest_model_node_args(m, back, args, 4), 2);
    ck_assert_int_eq(args[1], plan);
    ck_assert_uint_eq(count_op(m, SHIPEST_OP_BINDING), 1);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_display)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    char u[64];
    shipest_node rate = add_input(m, ctx, "rate", 10000, 45000, "round_152mm/day"), n;
    /* Named: an alias carries the new unit; the input keeps its own. */
    ck_assert_int_eq(shipest_model_display(m, rate, "round_152mm/year", &n), SHIPEST_OK);
    ck_assert_int_ne(n, rate);
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "round_152mm/year");
    ck_assert_str_eq(unit_of(m, rate, u, sizeof u), "round_152mm/day");
    /* Anonymous: in place. */
    shipest_node two = add_const(m, 2, NULL), dbl, shown;
    ck_assert_int_eq(shipest_model_mul(m, rate, two, &dbl), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_display(m, dbl, "round_152mm/month", &shown), SHIPEST_OK);
    ck_assert_int_eq(shown, dbl);
    ck_assert_str_eq(unit_of(m, dbl, u, sizeof u), "round_152mm/month");
    ck_assert_int_eq(shipest_model_display(m, dbl, "t", &shown), SHIPEST_EUNIT);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "round_152mm/month"));
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_correlate)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    shipest_node a = add_input(m, ctx, "a", 1, 2, NULL);
    shipest_node b = add_input(m, ctx, "b", 1, 2, NULL);
    shipest_node c = add_const(m, 1, NULL);
    ck_assert_int_eq(shipest_model_correlate(m, a, b, 0.6), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_correlate(m, b, a, 0.1), SHIPEST_ENAME); /* same pair */
    ck_assert_int_eq(shipest_model_correlate(m, a, a, 0.5), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_correlate(m, a, c, 0.5), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_correlate(m, a, 99, 0.5), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_correlate(m, a, b, 1.5), SHIPEST_EDOMAIN);
    ck_assert_int_eq(shipest_model_correlate(m, a, b, NAN), SHIPEST_EDOMAIN);
    ck_assert_uint_eq(shipest_model_correlation_count(m), 1);
    shipest_node x, y;
    double rho;
    ck_assert_int_eq(shipest_model_correlation(m, 0, &x, &y, &rho), SHIPEST_OK);
    ck_assert_int_eq(x, a);
    ck_assert_int_eq(y, b);
    ck_assert_double_eq(rho, 0.6);
    ck_assert_int_eq(shipest_model_correlation(m, 1, &x, &y, &rho), SHIPEST_EINVAL);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_introspection_input)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = new_model(ctx);
    shipest_dist *d = NULL;
    ck_assert_int_eq(shipest_dist_pert(ctx, 45, 48, 52, 4, &d), SHIPEST_OK);
    shipest_node n;
    ck_assert_int_eq(shipest_model_input(m, "mass", d, "kg/round_152mm", "table", &n), SHIPEST_OK);
    shipest_dist_free(d); /* the model holds its own copy */
    const shipest_dist *copy = shipest_model_node_dist(m, n);
    ck_assert_ptr_nonnull(copy);
    ck_assert_int_eq(shipest_dist_family(copy), SHIPEST_DIST_PERT);
    double mean;
    ck_assert_int_eq(shipest_dist_mean(copy, &mean), SHIPEST_OK);
    ck_assert_double_eq_tol(mean, (45 + 4 * 48 + 52) / 6.0, 1e-9);
    ck_assert_int_eq(op_of(m, n), SHIPEST_OP_INPUT);
    shipest_op op;
    ck_assert_int_eq(shipest_model_node_op(m, 5, &op), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_model_node_op(m, -1, &op), SHIPEST_EINVAL);
    ck_assert_ptr_null(shipest_model_node_dist(m, 5));
    char u[64];
    ck_assert_str_eq(unit_of(m, n, u, sizeof u), "kg/round_152mm");
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* The worked example's graph, built in C; shared with check_parse.c's
 * comparison through the same steps. */
static shipest_status build_example(shipest_ctx *ctx, shipest_model **out)
{
    shipest_model *m = NULL;
    shipest_dist *d = NULL;
    shipest_node c, r, dur, py, dem, share;
    shipest_status st = shipest_model_new(ctx, &m);
    if (st == SHIPEST_OK && (st = shipest_dist_interval90(ctx, 28000, 35000, &d)) == SHIPEST_OK) {
        st = shipest_model_input(m, "containers", d, "container", "ROK DIA", &c);
        shipest_dist_free(d);
    }
    if (st == SHIPEST_OK)
        st = shipest_model_convert(m, c, "round_152mm", NULL, &r);
    if (st == SHIPEST_OK)
        st = shipest_model_name(m, r, "rounds", NULL, &r);
    if (st == SHIPEST_OK && (st = shipest_dist_interval90(ctx, 22, 25, &d)) == SHIPEST_OK) {
        st = shipest_model_input(m, "per_year#1", d, "month", NULL, &dur);
        shipest_dist_free(d);
    }
    if (st == SHIPEST_OK)
        st = shipest_model_div(m, r, dur, &py);
    if (st == SHIPEST_OK)
        st = shipest_model_convert(m, py, "round_152mm/year", NULL, &py);
    if (st == SHIPEST_OK && (st = shipest_dist_interval90(ctx, 10000, 45000, &d)) == SHIPEST_OK) {
        st = shipest_model_input(m, "demand", d, "round_152mm/day", NULL, &dem);
        shipest_dist_free(d);
    }
    if (st == SHIPEST_OK)
        st = shipest_model_div(m, py, dem, &share);
    if (st == SHIPEST_OK)
        st = shipest_model_name(m, share, "share", NULL, &share);
    if (st == SHIPEST_OK)
        st = shipest_model_output(m, share);
    if (st != SHIPEST_OK) {
        shipest_model_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

/* Every kind of builder call once, for the allocation-failure loop: each
 * failing call must leave the model intact (it is freed whole). */
static shipest_status build_everything(shipest_ctx *ctx, shipest_model **out)
{
    shipest_model *m = NULL;
    shipest_dist *d = NULL;
    shipest_node n[24];
    shipest_status st = shipest_model_new(ctx, &m);
    if (st == SHIPEST_OK && (st = shipest_dist_pert(ctx, 1, 2, 4, 4, &d)) == SHIPEST_OK) {
        st = shipest_model_input(m, "boxes", d, "container_20ft", "a source", &n[0]);
        if (st == SHIPEST_OK)
            st = shipest_model_input(m, "ratio", d, NULL, NULL, &n[1]);
        shipest_dist_free(d);
    }
    if (st == SHIPEST_OK)
        st = shipest_model_convert(m, n[0], "rocket_122mm", NULL, &n[2]);
    if (st == SHIPEST_OK)
        st = shipest_model_powi(m, n[1], 3, &n[3]);
    if (st == SHIPEST_OK)
        st = shipest_model_const(m, 2, "m^2", &n[4]);
    if (st == SHIPEST_OK)
        st = shipest_model_sqrt(m, n[4], &n[5]);
    if (st == SHIPEST_OK)
        st = shipest_model_with_unit(m, n[3], "day", &n[6]);
    if (st == SHIPEST_OK)
        st = shipest_model_display(m, n[6], "month", &n[7]);
    if (st == SHIPEST_OK)
        st = shipest_model_name(m, n[7], "span", "note", &n[8]);
    if (st == SHIPEST_OK)
        st = shipest_model_name(m, n[0], "alias", NULL, &n[9]);
    if (st == SHIPEST_OK)
        st = shipest_model_display(m, n[9], "container", &n[10]);
    if (st == SHIPEST_OK)
        st = shipest_model_convert(m, n[2], "container_20ft", NULL, &n[11]);
    if (st == SHIPEST_OK)
        st = shipest_model_exp(m, n[1], &n[12]);
    if (st == SHIPEST_OK)
        st = shipest_model_correlate(m, n[0], n[1], 0.5);
    if (st == SHIPEST_OK)
        st = shipest_model_output(m, n[8]);
    if (st != SHIPEST_OK) {
        shipest_model_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

START_TEST(test_oom_build)
{
    HARNESS_OOM_LOOP({ shipest_model *m = NULL; st = build_example(ctx, &m); shipest_model_free(m); },
                     (void)0);
    HARNESS_OOM_LOOP({ shipest_model *m = NULL; st = build_everything(ctx, &m); shipest_model_free(m); },
                     (void)0);
}
END_TEST

START_TEST(test_example_builds)
{
    shipest_ctx *ctx = new_ctx();
    shipest_model *m = NULL;
    ck_assert_msg(build_example(ctx, &m) == SHIPEST_OK, "%s", shipest_ctx_errmsg(ctx));
    shipest_node share;
    ck_assert_int_eq(shipest_model_find(m, "share", &share), SHIPEST_OK);
    char u[32];
    ck_assert_str_eq(unit_of(m, share, u, sizeof u), "1");
    ck_assert_int_eq(shipest_model_node_is_output(m, share), 1);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("builder");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_new_free_null);
    tcase_add_test(tc, test_units_derived);
    tcase_add_test(tc, test_unit_mismatch);
    tcase_add_test(tc, test_functions_and_powers);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_stream_identity);
    tcase_add_test(tc, test_convert);
    tcase_add_test(tc, test_load_plan);
    tcase_add_test(tc, test_display);
    tcase_add_test(tc, test_correlate);
    tcase_add_test(tc, test_introspection_input);
    tcase_add_test(tc, test_example_builds);
    tcase_add_test(tc, test_oom_build);
    suite_add_tcase(s, tc);
    return s;
}
