/* convert.c — `shipest convert 'QUANTITY' UNIT`: one conversion through the
 * tables, with its route, factors, sources and binding load constraint. */
#include "cli.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char convert_help[] =
    "usage: shipest convert [options] 'QUANTITY' UNIT\n"
    "\n"
    "Convert QUANTITY to UNIT through the unit and conversion tables, and show\n"
    "the route, every factor used with its source, and for load plans which\n"
    "constraint (mass, volume, length) binds. QUANTITY is a number with a unit\n"
    "('6,700 container', taken as exact), a hedged claim ('more than 28,000\n"
    "container', see shipest claim --help) or a distribution in the model\n"
    "language ('uniform(20, 24) t').\n"
    "\n"
    "options:\n"
    "  --via TAGS        use the table's named routes (e.g. iso_30t), comma-separated\n"
    "  --table FILE      load a table file over the default table (repeatable)\n"
    "  --trials N        Monte Carlo trials, at most 1,048,576 used (default 100,000)\n"
    "  --seed S          seed (default 1)\n"
    "  -h, --help        this help\n"
    "\n"
    "example:\n"
    "  shipest convert '6,700 container' round_152mm\n"
    "\n"
    "exit status: 0 success, 1 unit, route or claim error, 2 usage error.\n";

/* "6,700 container": a plain number and a unit. */
static int plain_number(const char *text, double *value, char *unit, size_t size)
{
    char num[64];
    size_t n = 0;
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-' || *p == '+')
        num[n++] = *p++;
    while (isdigit((unsigned char)*p) || *p == ',' || *p == '.' || *p == '_') {
        if (*p != ',' && *p != '_') {
            if (n + 1 >= sizeof num)
                return 0;
            num[n++] = *p;
        }
        p++;
    }
    num[n] = '\0';
    if (n == 0 || !isspace((unsigned char)*p))
        return 0;
    char *end = NULL;
    *value = strtod(num, &end);
    if (*end != '\0' || !isfinite(*value))
        return 0;
    while (isspace((unsigned char)*p))
        p++;
    size_t ulen = strlen(p);
    while (ulen > 0 && isspace((unsigned char)p[ulen - 1]))
        ulen--;
    /* One unit expression: no spaces inside (so "5 to 6 t" is not plain). */
    if (ulen == 0 || ulen >= size || memchr(p, ' ', ulen) != NULL)
        return 0;
    memcpy(unit, p, ulen);
    unit[ulen] = '\0';
    return 1;
}

/* A distribution in the model language: "uniform(20, 24) t". */
static shipest_status model_quantity(shipest_ctx *ctx, const char *text, shipest_dist **dist,
                                     char *unit, size_t size)
{
    size_t len = strlen(text) + 16;
    char *src = malloc(len);
    shipest_model *m = NULL;
    shipest_node node = SHIPEST_NO_NODE;
    shipest_op op = SHIPEST_OP_CONST;
    if (src == NULL)
        return SHIPEST_ENOMEM;
    snprintf(src, len, "quantity = %s", text);
    shipest_status st = shipest_model_parse(ctx, src, strlen(src), &m);
    free(src);
    if (st == SHIPEST_OK)
        st = shipest_model_find(m, "quantity", &node);
    if (st == SHIPEST_OK)
        st = shipest_model_node_op(m, node, &op);
    if (st == SHIPEST_OK && op != SHIPEST_OP_INPUT)
        st = SHIPEST_EPARSE;
    if (st == SHIPEST_OK)
        st = shipest_dist_clone(ctx, shipest_model_node_dist(m, node), dist);
    if (st == SHIPEST_OK) {
        shipest_model_node_unit(m, node, unit, size);
        if (strcmp(unit, "1") == 0)
            unit[0] = '\0';
    }
    shipest_model_free(m);
    return st;
}

static const char *factor_field(const shipest_conversion *c, size_t i, shipest_table_field f)
{
    const char *v = "";
    if (shipest_conversion_factor(c, i, f, &v) != SHIPEST_OK || v == NULL)
        v = "";
    return v;
}

/* The table's "1 FROM = DIST TO" for factor NAME, if it is a table factor. */
static int factor_equation(shipest_ctx *ctx, const char *name, char *out, size_t size)
{
    size_t n = 0;
    if (shipest_table_count(ctx, SHIPEST_ENTRY_FACTOR, &n) != SHIPEST_OK)
        return 0;
    for (size_t k = 0; k < n; k++) {
        const char *fn = NULL, *from = NULL, *to = NULL, *dist = NULL;
        if (shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, k, SHIPEST_FIELD_NAME, &fn) != SHIPEST_OK ||
            strcmp(fn, name) != 0)
            continue;
        if (shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, k, SHIPEST_FIELD_FROM, &from) ||
            shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, k, SHIPEST_FIELD_TO, &to) ||
            shipest_table_get(ctx, SHIPEST_ENTRY_FACTOR, k, SHIPEST_FIELD_DIST, &dist))
            return 0;
        snprintf(out, size, "%s = %s %s", from, dist, to);
        return 1;
    }
    return 0;
}

static void print_conversion(shipest_ctx *ctx, const shipest_conversion *c, const char *what,
                             const char *to, uint64_t n)
{
    const shipest_dist *d = shipest_conversion_dist(c);
    double mean = NAN, var = NAN, q05 = NAN, q50 = NAN, q95 = NAN;
    char a[64], b[64], e[64];
    if (shipest_dist_mean(d, &mean) != SHIPEST_OK || shipest_dist_variance(d, &var) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.05, &q05) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.5, &q50) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.95, &q95) != SHIPEST_OK)
        fprintf(stderr, "shipest: %s\n", shipest_ctx_errmsg(ctx));
    int exact = shipest_dist_family(d) == SHIPEST_DIST_CONSTANT;
    /* Digits the Monte Carlo error of the mean supports. */
    int digits = exact ? 6 : shipest_significant_digits(mean, sqrt(var / (double)n));
    printf("%s -> %s\n", what, to);
    if (exact) {
        cli_fmt_exact(mean, a, sizeof a);
        printf("  exactly  %s %s\n", a, to);
    } else {
        cli_fmt(mean, digits, a, sizeof a);
        cli_fmt(sqrt(var), 2, b, sizeof b);
        printf("  mean     %s %s  (sd %s)\n", a, to, b);
        cli_fmt(q50, digits, a, sizeof a);
        printf("  median   %s %s\n", a, to);
        cli_fmt(q05, digits, a, sizeof a);
        cli_fmt(q95, digits, b, sizeof b);
        printf("  90%%      %s to %s %s\n", a, b, to);
    }

    size_t ns = shipest_conversion_step_count(c);
    snprintf(e, sizeof e, "%g", shipest_conversion_scale(c));
    printf("\nroute (exact scale %s", e);
    printf(ns ? ", then %zu step%s)\n" : ": a change of unit only)\n", ns, ns == 1 ? "" : "s");
    for (size_t i = 0; i < ns; i++) {
        const char *name = NULL;
        int exponent = 1, plan = 0;
        if (shipest_conversion_step(c, i, &name, &exponent, &plan) != SHIPEST_OK)
            continue;
        printf("  %zu. %s %s\n", i + 1, exponent < 0 ? "divide by" : "times", name);
        if (plan) {
            static const char *const label[] = {"mass", "volume", "length"};
            printf("     binding constraint (the carrier fills up first by):");
            for (int k = 0; k <= 2; k++) {
                double share = 0;
                if (shipest_conversion_binding_share(c, i, (shipest_constraint)k, &share) ==
                    SHIPEST_OK)
                    printf("%s %s %.1f%%", k ? "," : "", label[k], share * 100);
            }
            printf(" of trials\n");
        }
    }

    size_t nf = shipest_conversion_factor_count(c);
    if (nf > 0)
        printf("\nfactors\n");
    for (size_t i = 0; i < nf; i++) {
        const char *name = factor_field(c, i, SHIPEST_FIELD_NAME);
        char eq[512];
        if (factor_equation(ctx, name, eq, sizeof eq))
            printf("  %s: %s\n", name, eq);
        else
            printf("  %s: %s\n", name, factor_field(c, i, SHIPEST_FIELD_DIST));
        const char *src = factor_field(c, i, SHIPEST_FIELD_SOURCE);
        const char *date = factor_field(c, i, SHIPEST_FIELD_DATE);
        const char *conf = factor_field(c, i, SHIPEST_FIELD_CONFIDENCE);
        printf("      source      ");
        cli_wrap(stdout, src[0] ? src : "(none given)", 18, 18);
        if (date[0])
            printf("      date        %s\n", date);
        if (conf[0]) {
            printf("      confidence  ");
            cli_wrap(stdout, conf, 18, 18);
        }
    }
    if (!exact) {
        int64_t seed = 0;
        if (shipest_ctx_get_int(ctx, SHIPEST_OPT_SEED, &seed) != SHIPEST_OK)
            seed = 0;
        cli_fmt((double)n, 6, a, sizeof a);
        printf("\nMonte Carlo over %s trials, seed %lld; figures are rounded to the digits "
               "\nthe Monte Carlo error supports.\n",
               a, (long long)seed);
    }
}

int cmd_convert(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse("convert", argc, argv, 2, OPT_CONVERT | OPT_TABLE, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.help) {
        fputs(convert_help, stdout);
        return EXIT_OK;
    }
    if (o.n_args != 2)
        return cli_usage_error("convert", "expected two arguments: 'QUANTITY' UNIT");
    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK) {
        fprintf(stderr, "shipest: out of memory\n");
        return EXIT_ERROR;
    }
    shipest_conversion *c = NULL;
    shipest_dist *dist = NULL;
    char unit[256], what[512];
    double value = 0;
    int64_t trials = 0;
    shipest_status st;
    rc = cli_setup_ctx(ctx, &o);
    if (rc != EXIT_OK)
        goto done;
    if (shipest_ctx_get_int(ctx, SHIPEST_OPT_TRIALS, &trials) != SHIPEST_OK)
        trials = 100000;

    if (plain_number(o.args[0], &value, unit, sizeof unit)) {
        st = shipest_convert_number(ctx, value, unit, o.args[1], o.via, &c);
        snprintf(what, sizeof what, "%s (exact)", o.args[0]);
    } else {
        st = shipest_claim_parse(ctx, NULL, o.args[0], strlen(o.args[0]),
                                 SHIPEST_CLAIM_REQUIRE_UNIT, &dist, unit, sizeof unit, NULL, NULL,
                                 0, NULL);
        if (st == SHIPEST_EPARSE) {
            /* Not a claim: perhaps a distribution in the model language. If
             * that fails too, the claim parser's message is the useful one. */
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", shipest_ctx_errmsg(ctx));
            if (model_quantity(ctx, o.args[0], &dist, unit, sizeof unit) == SHIPEST_OK) {
                st = SHIPEST_OK;
            } else {
                fprintf(stderr, "shipest: %s%s\n", strncmp(msg, "<string>", 8) ? "" : "<quantity>",
                        strncmp(msg, "<string>", 8) ? msg : msg + 8);
                rc = EXIT_ERROR;
                goto done;
            }
        }
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, "<quantity>");
            goto done;
        }
        st = shipest_convert(ctx, dist, unit, o.args[1], o.via, &c);
        snprintf(what, sizeof what, "%s", o.args[0]);
    }
    if (st != SHIPEST_OK) {
        rc = cli_lib_error(ctx, st, NULL);
        goto done;
    }
    print_conversion(ctx, c, what, o.args[1],
                     (uint64_t)(trials < (1 << 20) ? trials : (1 << 20)));
done:
    shipest_conversion_free(c);
    shipest_dist_free(dist);
    shipest_ctx_free(ctx);
    return rc;
}
