/* share.c — supplier decomposition: how much of Russia's demand for 152 mm
 * rounds each supplier covers, the part no named supplier covers, the
 * probability that the suppliers together exceed demand, and the
 * probability that North Korea's share exceeds 40% (the "as much as 40%" of
 * the worked example).
 *
 * The inputs are written in the model language (docs/language.md); the
 * decomposition is added from C with shipest_model_supply() (in a model
 * file: `share = supply(demand, dprk, russia, iran)`). North Korea's
 * deliveries are the worked example's; the other suppliers' figures are
 * ILLUSTRATIVE ranges for this example, not sourced estimates: put your
 * own, with their sources, before drawing conclusions.
 *
 * Build: cc share.c $(pkg-config --cflags --libs libshipest) */
#include <shipest.h>
#include <stdio.h>
#include <string.h>

static const char model_text[] =
    "containers = more than 28,000 container @ \"ROK DIA via Bloomberg, Jul 2025\"\n"
    "# \"artillery shells and other supplies\": not every container held shells\n"
    "shell_fraction = uniform(0.3, 0.9) @ \"illustrative range, not sourced\"\n"
    "rounds   = containers * shell_fraction -> round_152mm\n"
    "dprk     = rounds / (22 to 25 month) -> round_152mm/year\n"
    "russia   = 2,000,000 to 4,000,000 round_152mm/year @ \"illustrative range, not sourced\"\n"
    "iran     = 100,000 to 500,000 round_152mm/year @ \"illustrative range, not sourced\"\n"
    "demand   = 10,000 to 45,000 round_152mm/day -> round_152mm/year\n"
    "output demand\n";

/* P(output > t) with its standard error and the ICD 203 words. */
static int print_prob(shipest_ctx *ctx, const shipest_result *r, const char *name, double t,
                      const char *what)
{
    size_t i;
    double p, se;
    if (shipest_result_output_index(r, name, &i) != SHIPEST_OK ||
        shipest_result_prob_above(r, i, t, &p, &se) != SHIPEST_OK) {
        fprintf(stderr, "share: %s\n", shipest_ctx_errmsg(ctx));
        return 1;
    }
    printf("P(%s) = %.3f (standard error %.4f): %s\n", what, p, se,
           shipest_probability_words(p));
    return 0;
}

int main(void)
{
    static const char *const suppliers[] = {"dprk", "russia", "iran"};
    static const char *const rows[] = {"share.dprk", "share.russia", "share.iran",
                                       "share.remainder", "share"};
    shipest_ctx *ctx = NULL;
    shipest_model *m = NULL;
    shipest_result *r = NULL;
    shipest_node demand, sup[3];
    int rc = 1;

    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 1;
    shipest_status st = shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 200000);
    if (st == SHIPEST_OK)
        st = shipest_model_parse(ctx, model_text, strlen(model_text), &m);
    if (st == SHIPEST_OK)
        st = shipest_model_find(m, "demand", &demand);
    for (size_t k = 0; k < 3 && st == SHIPEST_OK; k++)
        st = shipest_model_find(m, suppliers[k], &sup[k]);
    /* share = the suppliers' total share of demand, share.dprk ... each
     * one's, share.remainder = 1 - share; labels are the inputs' names. */
    if (st == SHIPEST_OK)
        st = shipest_model_supply(m, demand, 3, sup, NULL, "share", NULL, NULL, NULL);
    if (st == SHIPEST_OK)
        st = shipest_model_run(ctx, m, &r);
    if (st != SHIPEST_OK) {
        fprintf(stderr, "share: %s: %s\n", shipest_strerror(st), shipest_ctx_errmsg(ctx));
        goto done;
    }

    printf("Shares of Russia's demand for 152 mm rounds, by supplier\n\n");
    printf("%-16s %8s %8s %8s\n", "output", "median", "5%", "95%");
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        size_t i;
        double q05, q50, q95;
        if (shipest_result_output_index(r, rows[k], &i) != SHIPEST_OK ||
            shipest_result_quantile(r, i, 0.05, &q05) != SHIPEST_OK ||
            shipest_result_quantile(r, i, 0.50, &q50) != SHIPEST_OK ||
            shipest_result_quantile(r, i, 0.95, &q95) != SHIPEST_OK) {
            fprintf(stderr, "share: %s\n", shipest_ctx_errmsg(ctx));
            goto done;
        }
        printf("%-16s %7.1f%% %7.1f%% %7.1f%%\n", rows[k], 100 * q50, 100 * q05, 100 * q95);
    }
    printf("\n(share is the suppliers' total; share.remainder = 1 - share is demand no\n"
           "named supplier covers, negative where they together exceed it)\n\n");
    if (print_prob(ctx, r, "share", 1.0, "suppliers together exceed demand") != 0 ||
        print_prob(ctx, r, "share.dprk", 0.40, "share.dprk > 40%") != 0)
        goto done;

    /* What drives the North Korean share? */
    size_t i_dprk, n;
    if (shipest_result_output_index(r, "share.dprk", &i_dprk) != SHIPEST_OK)
        goto done;
    n = shipest_result_sensitivity_count(r, i_dprk);
    printf("\nshare.dprk is driven by:\n");
    for (size_t k = 0; k < n && k < 4; k++) {
        const char *name;
        double part;
        if (shipest_result_sensitivity(r, i_dprk, k, &name, &part, NULL) == SHIPEST_OK)
            printf("  %-26s %5.1f%% of its variance\n", name, 100 * part);
    }
    printf("\n(shell_fraction, russia and iran are illustrative ranges, not sourced)\n");
    rc = 0;
done:
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    return rc;
}
