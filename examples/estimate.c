/* estimate.c — the worked example of libshipest's design through the C
 * builder API (no model text): containers -> rounds -> rounds per year ->
 * share of demand, and troops, with a text report on stdout.
 *
 * Each hedged figure ("more than 28,000 container") becomes a distribution
 * by the default hedge policy (shipest_claim_parse(); docs/claims.md gives
 * the reasons), and then an input of the model.
 *
 * Build: cc estimate.c $(pkg-config --cflags --libs libshipest) */
#include <shipest.h>
#include <stdio.h>
#include <string.h>

/* Stop at the first failure with the library's message. */
#define TRY(call)                                                               \
    do {                                                                        \
        shipest_status st_ = (call);                                            \
        if (st_ != SHIPEST_OK) {                                                \
            fprintf(stderr, "estimate: %s: %s\n", shipest_strerror(st_),       \
                    shipest_ctx_errmsg(ctx));                                   \
            goto fail;                                                          \
        }                                                                       \
    } while (0)

/* An input from a hedged claim: the distribution and unit it becomes. */
static shipest_status claim(shipest_ctx *ctx, shipest_model *m, const char *name,
                            const char *text, const char *source, shipest_node *out)
{
    shipest_dist *d = NULL;
    char unit[64];
    shipest_status st = shipest_claim_parse(ctx, NULL, text, strlen(text), 0, &d, unit,
                                            sizeof unit, NULL, NULL, 0, NULL);
    if (st == SHIPEST_OK)
        st = shipest_model_input(m, name, d, unit, source, out);
    shipest_dist_free(d); /* the model keeps its own copy */
    return st;
}

int main(void)
{
    shipest_ctx *ctx = NULL;
    shipest_model *m = NULL;
    shipest_result *r = NULL;
    shipest_node containers, rounds, months, per_year, demand, share, sent, workers, sappers,
        troops, t;
    int rc = 1;

    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 1;
    TRY(shipest_model_new(ctx, &m));

    TRY(claim(ctx, m, "containers", "more than 28,000 container",
              "ROK DIA via Bloomberg, Jul 2025", &containers));

    /* Through the default table: payload, usable fraction, packed mass. */
    TRY(shipest_model_convert(m, containers, "round_152mm", NULL, &t));
    TRY(shipest_model_name(m, t, "rounds", NULL, &rounds));

    /* Over 22 to 25 months (a 90% interval), shown per year. */
    TRY(claim(ctx, m, "months", "22 to 25 month", NULL, &months));
    TRY(shipest_model_div(m, rounds, months, &t));
    TRY(shipest_model_display(m, t, "round_152mm/year", &t));
    TRY(shipest_model_name(m, t, "per_year", NULL, &per_year));

    /* Russia's demand, shown per year. */
    TRY(claim(ctx, m, "demand_day", "10,000 to 45,000 round_152mm/day", NULL, &t));
    TRY(shipest_model_display(m, t, "round_152mm/year", &t));
    TRY(shipest_model_name(m, t, "demand", NULL, &demand));

    /* The share of demand North Korean supply could cover. */
    TRY(shipest_model_div(m, per_year, demand, &t));
    TRY(shipest_model_name(m, t, "share", NULL, &share));

    /* "about 13,000 troops", then 5,000 workers and 1,000 sappers. */
    TRY(claim(ctx, m, "troops_sent", "about 13,000 person", NULL, &sent));
    TRY(shipest_model_const(m, 5000, "person", &workers));
    TRY(shipest_model_const(m, 1000, "person", &sappers));
    TRY(shipest_model_add(m, sent, workers, &t));
    TRY(shipest_model_add(m, t, sappers, &t));
    TRY(shipest_model_name(m, t, "troops", NULL, &troops));

    const shipest_node outputs[] = {rounds, per_year, demand, share, troops};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++)
        TRY(shipest_model_output(m, outputs[i]));

    TRY(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 100000));
    TRY(shipest_model_run(ctx, m, &r));
    TRY(shipest_report_fwrite(ctx, r, m, SHIPEST_REPORT_TEXT, stdout));

    /* One number pulled out directly: P(share > 40%). */
    size_t i_share;
    double p, se;
    TRY(shipest_result_output_index(r, "share", &i_share));
    TRY(shipest_result_prob_above(r, i_share, 0.40, &p, &se));
    printf("\nP(share > 40%%) = %.3f (Monte Carlo standard error %.3f)\n", p, se);
    rc = 0;
fail:
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    return rc;
}
