/* share.c — statements about a Monte Carlo result in an analyst's words:
 * the ICD 203 words of estimative probability, and whether two estimates
 * of the same quantity (a compare() output, their ratio) agree within a
 * tolerance. Uses only the public result statistics. docs/claims.md. */
#include "internal.h"

#include <math.h>
#include <stdio.h>

/* ODNI, Intelligence Community Directive 203, Analytic Standards (2015),
 * its table of expressions of likelihood. Shared endpoints go to the band
 * nearer the middle, so p and 1 - p get mirrored words (docs/claims.md). */
const char *shipest_probability_words(double p)
{
    if (!(p >= 0 && p <= 1))
        return NULL;
    if (p < 0.05)
        return "almost no chance";
    if (p < 0.20)
        return "very unlikely";
    if (p < 0.45)
        return "unlikely";
    if (p <= 0.55)
        return "roughly even chance";
    if (p <= 0.80)
        return "likely";
    if (p <= 0.95)
        return "very likely";
    return "almost certain";
}

shipest_status shipest_result_agreement(const shipest_result *r, size_t i, double tolerance,
                                        double *p, double *se)
{
    if (p != NULL)
        *p = NAN;
    if (se != NULL)
        *se = NAN;
    uint64_t n = 0;
    if (r == NULL || p == NULL || shipest_result_count(r, i, &n, NULL) != SHIPEST_OK)
        return SHIPEST_EINVAL;
    if (!(tolerance > 0 && isfinite(tolerance)) || n == 0)
        return SHIPEST_EDOMAIN;
    /* |log(a/b)| <= log(1 + tol)  <=>  1/(1 + tol) <= a/b <= 1 + tol. */
    double hi = 1 + tolerance, lo = 1 / hi, below = 0, above = 0;
    shipest_status st = shipest_result_prob_below(r, i, lo, &below, NULL);
    if (st == SHIPEST_OK)
        st = shipest_result_prob_above(r, i, hi, &above, NULL);
    if (st != SHIPEST_OK)
        return st;
    double q = 1 - below - above;
    q = q < 0 ? 0 : q > 1 ? 1 : q;
    *p = q;
    if (se != NULL)
        *se = sqrt(q * (1 - q) / (double)n);
    return SHIPEST_OK;
}

size_t shipest_agreement_text(double tolerance, double p, char *buf, size_t size)
{
    const char *words = shipest_probability_words(p);
    if (words == NULL || !(tolerance > 0 && isfinite(tolerance))) {
        if (buf != NULL && size > 0)
            buf[0] = '\0';
        return 0;
    }
    int n = snprintf(buf, buf != NULL ? size : 0,
                     "the two estimates agree within %.3g%% with probability %.2f: %s",
                     100 * tolerance, p, words);
    return n > 0 ? (size_t)n : 0;
}
