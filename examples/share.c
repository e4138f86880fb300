/* share.c — supplier decomposition: how much of Russia's 152 mm supply each
 * supplier provides, and the probability that North Korea's share exceeds
 * 40% (the "as much as 40%" of the worked example).
 *
 * The model is written in the model language (docs/language.md). North
 * Korea's deliveries are the worked example's; the other suppliers' figures
 * are ILLUSTRATIVE ranges for this example, not sourced estimates: put
 * your own, with their sources, before drawing conclusions.
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
    "supply   = dprk + russia + iran\n"
    "demand   = 10,000 to 45,000 round_152mm/day -> round_152mm/year\n"
    "share_dprk   = dprk / supply\n"
    "share_russia = russia / supply\n"
    "share_iran   = iran / supply\n"
    "dprk_of_demand = dprk / demand\n"
    "output share_dprk, share_russia, share_iran, dprk_of_demand\n";

int main(void)
{
    shipest_ctx *ctx = NULL;
    shipest_model *m = NULL;
    shipest_result *r = NULL;
    int rc = 1;

    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 1;
    shipest_status st = shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 200000);
    if (st == SHIPEST_OK)
        st = shipest_model_parse(ctx, model_text, strlen(model_text), &m);
    if (st == SHIPEST_OK)
        st = shipest_model_run(ctx, m, &r);
    if (st != SHIPEST_OK) {
        fprintf(stderr, "share: %s: %s\n", shipest_strerror(st), shipest_ctx_errmsg(ctx));
        goto done;
    }

    printf("Shares of supply (share_*) and North Korea's supply as a share of demand\n\n");
    printf("%-14s %8s %8s %8s   %s\n", "output", "median", "5%", "95%", "P(> 40%)");
    for (size_t i = 0; i < shipest_result_output_count(r); i++) {
        double q05, q50, q95, p, se;
        if (shipest_result_quantile(r, i, 0.05, &q05) != SHIPEST_OK ||
            shipest_result_quantile(r, i, 0.50, &q50) != SHIPEST_OK ||
            shipest_result_quantile(r, i, 0.95, &q95) != SHIPEST_OK ||
            shipest_result_prob_above(r, i, 0.40, &p, &se) != SHIPEST_OK) {
            fprintf(stderr, "share: %s\n", shipest_ctx_errmsg(ctx));
            goto done;
        }
        printf("%-14s %7.1f%% %7.1f%% %7.1f%%   %.3f (standard error %.4f)\n",
               shipest_result_output_name(r, i), 100 * q50, 100 * q05, 100 * q95, p, se);
    }

    /* What drives the North Korean share? */
    size_t i_dprk, n;
    if (shipest_result_output_index(r, "share_dprk", &i_dprk) != SHIPEST_OK)
        goto done;
    n = shipest_result_sensitivity_count(r, i_dprk);
    printf("\nshare_dprk is driven by:\n");
    for (size_t k = 0; k < n && k < 4; k++) {
        const char *name;
        double share;
        if (shipest_result_sensitivity(r, i_dprk, k, &name, &share, NULL) == SHIPEST_OK)
            printf("  %-26s %5.1f%% of its variance\n", name, 100 * share);
    }
    printf("\n(shell_fraction, russia and iran are illustrative ranges, not sourced)\n");
    rc = 0;
done:
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    return rc;
}
