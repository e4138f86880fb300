/* convert.c — one conversion through the default table: 6,700 twenty-foot
 * containers of 152 mm projectiles, with the route, the binding load-plan
 * constraint, and every factor used with its source.
 *
 * Build: cc convert.c $(pkg-config --cflags --libs libshipest) */
#include <shipest.h>
#include <stdio.h>

static const char *field(const shipest_conversion *c, size_t i, shipest_table_field f)
{
    const char *v = "";
    return shipest_conversion_factor(c, i, f, &v) == SHIPEST_OK ? v : "";
}

int main(void)
{
    shipest_ctx *ctx = NULL;
    shipest_conversion *c = NULL;
    double mean, q05, q50, q95;
    int rc = 1;

    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 1;
    shipest_status st = shipest_convert_number(ctx, 6700, "container", "round_152mm", NULL, &c);
    if (st != SHIPEST_OK) {
        fprintf(stderr, "convert: %s\n", shipest_ctx_errmsg(ctx));
        goto done;
    }

    /* The converted quantity: a distribution over the Monte Carlo trials. */
    const shipest_dist *d = shipest_conversion_dist(c);
    if (shipest_dist_mean(d, &mean) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.05, &q05) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.50, &q50) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.95, &q95) != SHIPEST_OK) {
        fprintf(stderr, "convert: %s\n", shipest_ctx_errmsg(ctx));
        goto done;
    }
    printf("6,700 container -> round_152mm\n");
    printf("  mean %.2f million rounds, median %.2f million, 90%% interval %.2f to %.2f million\n",
           mean / 1e6, q50 / 1e6, q05 / 1e6, q95 / 1e6);

    /* The route: table factors and load plans, and what binds a load plan. */
    static const char *const constraint[] = {"mass", "volume", "length"};
    for (size_t i = 0; i < shipest_conversion_step_count(c); i++) {
        const char *name;
        int exponent, plan;
        if (shipest_conversion_step(c, i, &name, &exponent, &plan) != SHIPEST_OK)
            continue;
        printf("  step %zu: %s %s\n", i + 1, exponent > 0 ? "times" : "divided by", name);
        for (int k = 0; plan && k < 3; k++) {
            double share;
            if (shipest_conversion_binding_share(c, i, (shipest_constraint)k, &share) ==
                SHIPEST_OK)
                printf("    binds by %-6s in %5.1f%% of trials\n", constraint[k], 100 * share);
        }
    }

    /* Every factor the conversion used, with its distribution and source. */
    printf("factors used:\n");
    for (size_t i = 0; i < shipest_conversion_factor_count(c); i++) {
        printf("  %s = %s\n", field(c, i, SHIPEST_FIELD_NAME), field(c, i, SHIPEST_FIELD_DIST));
        printf("    source: %s\n", field(c, i, SHIPEST_FIELD_SOURCE));
        printf("    confidence: %s\n", field(c, i, SHIPEST_FIELD_CONFIDENCE));
    }
    rc = 0;
done:
    shipest_conversion_free(c);
    shipest_ctx_free(ctx);
    return rc;
}
