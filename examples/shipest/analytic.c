/* analytic.c — `--method linear|log|bounds|all`: analytic propagation
 * printed beside the Monte Carlo report, with the library's plain verdict
 * on whether to trust it (docs/analytic.md); for --format json, the same
 * analyses handed to the library's JSON report as extras. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *title;
    shipest_method method;
} methods[] = {
    {"linear", "linear (first-order, JCGM 100)", SHIPEST_METHOD_LINEAR},
    {"log", "log-space (exact for products of lognormals)", SHIPEST_METHOD_LOG},
    {"bounds", "bounds (interval arithmetic)", SHIPEST_METHOD_BOUNDS},
};

static void print_output(const shipest_analysis *a, size_t i, shipest_method method)
{
    const char *name = shipest_analysis_output_name(a, i);
    const char *unit = shipest_analysis_output_unit(a, i);
    if (unit == NULL || strcmp(unit, "1") == 0)
        unit = "";
    unsigned flags = shipest_analysis_flags(a, i);
    char reason[1024], x[64], y[64];
    double mean = NAN, sd = NAN, lo = NAN, hi = NAN, prob = NAN;
    shipest_analysis_reason(a, i, reason, sizeof reason);
    printf("  %s\n", name ? name : "?");
    if (flags & SHIPEST_ANALYSIS_UNAVAILABLE) {
        printf("    no answer: ");
        cli_wrap(stdout, reason[0] ? reason : "the method does not apply", 6, 15);
        return;
    }
    if (method == SHIPEST_METHOD_BOUNDS) {
        if (shipest_analysis_probability(a, i, &prob) != SHIPEST_OK)
            prob = NAN;
        if (shipest_analysis_interval(a, i, isfinite(prob) && prob < 1 ? prob : 0.999999, &lo,
                                      &hi) != SHIPEST_OK)
            lo = hi = NAN;
        cli_fmt(lo, 4, x, sizeof x);
        cli_fmt(hi, 4, y, sizeof y);
        printf("    bounds   %s to %s %s (hold with probability >= %.3g)\n", x, y,
               unit, prob);
    } else {
        if (shipest_analysis_mean(a, i, &mean) != SHIPEST_OK)
            mean = NAN;
        if (shipest_analysis_sd(a, i, &sd) != SHIPEST_OK)
            sd = NAN;
        if (shipest_analysis_interval(a, i, 0.9, &lo, &hi) != SHIPEST_OK)
            lo = hi = NAN;
        cli_fmt(mean, 4, x, sizeof x);
        cli_fmt(sd, 2, y, sizeof y);
        printf("    mean     %s %s  (sd %s)\n", x, unit, y);
        cli_fmt(lo, 4, x, sizeof x);
        cli_fmt(hi, 4, y, sizeof y);
        printf("    90%%      %s to %s %s\n", x, y, unit);
    }
    if (reason[0]) {
        printf("    note     ");
        cli_wrap(stdout, reason, 13, 13);
    }
}

/* Print every method @p which names ("linear", "log", "bounds", "all"). */
int analytic_report(shipest_ctx *ctx, const shipest_model *m, const shipest_result *r,
                    const char *which)
{
    int rc = EXIT_OK;
    for (size_t k = 0; k < sizeof methods / sizeof methods[0] && rc == EXIT_OK; k++) {
        if (strcmp(which, "all") != 0 && strcmp(which, methods[k].name) != 0)
            continue;
        shipest_analysis *a = NULL;
        shipest_status st = shipest_model_analyze(ctx, m, methods[k].method, &a);
        if (st != SHIPEST_OK)
            return cli_lib_error(ctx, st, NULL);
        printf("\nAnalytic propagation: %s\n", methods[k].title);
        for (size_t i = 0; i < shipest_analysis_output_count(a); i++)
            print_output(a, i, methods[k].method);
        /* The verdict against the Monte Carlo run, at 2 significant digits. */
        size_t needed = 0;
        int trusted = 0;
        st = shipest_analysis_verdict(ctx, a, r, 2, NULL, 0, &needed, &trusted);
        char *text = st == SHIPEST_OK ? malloc(needed + 1) : NULL;
        if (text != NULL)
            st = shipest_analysis_verdict(ctx, a, r, 2, text, needed + 1, NULL, &trusted);
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, NULL);
        } else if (text != NULL) {
            printf("  compared with Monte Carlo (2 significant digits): %s\n",
                   trusted ? "trustworthy for every output" : "NOT trustworthy for every output");
            for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
                printf("    ");
                cli_wrap(stdout, line, 6, 4);
            }
        } else {
            fprintf(stderr, "shipest: out of memory\n");
            rc = EXIT_ERROR;
        }
        free(text);
        shipest_analysis_free(a);
    }
    return rc;
}

/* Analyse @p m by every method @p which names and add each analysis to @p x
 * (compared at 2 significant digits, as the text). The analyses go into
 * @p out (room for 3) and must outlive the report; free each with
 * shipest_analysis_free(). Returns EXIT_OK or EXIT_ERROR (message printed). */
int analytic_extras(shipest_ctx *ctx, const shipest_model *m, const char *which,
                    shipest_report_extras *x, shipest_analysis **out, size_t *n)
{
    *n = 0;
    for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
        if (strcmp(which, "all") != 0 && strcmp(which, methods[k].name) != 0)
            continue;
        shipest_analysis *a = NULL;
        shipest_status st = shipest_model_analyze(ctx, m, methods[k].method, &a);
        if (st != SHIPEST_OK)
            return cli_lib_error(ctx, st, NULL);
        out[(*n)++] = a;
        st = shipest_report_extras_add_analysis(x, a, 2);
        if (st != SHIPEST_OK)
            return cli_lib_error(ctx, st, NULL);
    }
    return EXIT_OK;
}
