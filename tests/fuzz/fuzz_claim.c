/* fuzz_claim.c — libFuzzer target: claim text -> shipest_claim_parse(), and
 * hedge lexicon text -> shipest_lexicon_load() followed by a claim.
 *
 * Input: byte 0 selects the mode; the rest is the text.
 *   bit 0, 1: SHIPEST_CLAIM_SHARE, SHIPEST_CLAIM_REQUIRE_UNIT
 *   bit 2:    the text is "LEXICON\0CLAIM": load LEXICON as a user table into
 *             a default lexicon, then parse CLAIM with it
 * Beyond "no crash, no leak" it checks what every parse must guarantee: a
 * failure returns NULL and a message, a failed load leaves the lexicon as it
 * was, and a success is a distribution with ordered quantiles, a finite
 * median, and an explanation; with SHIPEST_CLAIM_SHARE the distribution
 * never passes 100%. The replay driver (replay.c) runs the saved corpus in
 * `make check`. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shipest.h"

/* A broken guarantee is a finding: stop so the fuzzer saves the input. */
#define REQUIRE(cond) \
    do {              \
        if (!(cond))  \
            abort();  \
    } while (0)

static void check_claim(shipest_ctx *ctx, const shipest_lexicon *lex, const char *text,
                        size_t len, unsigned flags)
{
    shipest_dist *d = NULL;
    char unit[64], ex[2048];
    size_t ul = 0, el = 0;
    shipest_status st = shipest_claim_parse(ctx, lex, text, len, flags, &d, unit, sizeof unit,
                                            &ul, ex, sizeof ex, &el);
    if (st != SHIPEST_OK) {
        REQUIRE(d == NULL);
        REQUIRE(shipest_ctx_errmsg(ctx)[0] != '\0');
        REQUIRE(unit[0] == '\0' && ex[0] == '\0');
        return;
    }
    REQUIRE(d != NULL);
    REQUIRE(el > 0 && strlen(ex) == (el < sizeof ex ? el : sizeof ex - 1));
    REQUIRE(strlen(unit) == (ul < sizeof unit ? ul : sizeof unit - 1));
    double q0, q05, q50, q95, q1;
    REQUIRE(shipest_dist_quantile(d, 0.0, &q0) == SHIPEST_OK);
    REQUIRE(shipest_dist_quantile(d, 0.05, &q05) == SHIPEST_OK);
    REQUIRE(shipest_dist_quantile(d, 0.5, &q50) == SHIPEST_OK);
    REQUIRE(shipest_dist_quantile(d, 0.95, &q95) == SHIPEST_OK);
    REQUIRE(shipest_dist_quantile(d, 1.0, &q1) == SHIPEST_OK);
    REQUIRE(isfinite(q50));
    REQUIRE(q0 <= q05 && q05 <= q50 && q50 <= q95 && q95 <= q1);
    /* A share is capped at 100%: 1 as a fraction, 100 in %, and 1 / scale in
     * any other dimensionless unit ("%*%" caps at 10,000), so bounded. */
    if (flags & SHIPEST_CLAIM_SHARE)
        REQUIRE(q0 >= 0.0 && (ul == 0 ? q1 <= 1.0 + 1e-12
                                      : strcmp(unit, "%") == 0 ? q1 <= 100.0 + 1e-10
                                                               : isfinite(q1)));
    double p;
    REQUIRE(shipest_dist_cdf(d, q50, &p) == SHIPEST_OK && p >= 0.0 && p <= 1.0);
    shipest_dist_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned mode = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    unsigned flags = mode & 3u;
    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 0;
    if (mode & 4u) {
        const char *sep = memchr(text, '\0', len);
        size_t tlen = sep != NULL ? (size_t)(sep - text) : len;
        shipest_lexicon *lex = NULL;
        if (shipest_lexicon_new(ctx, &lex) == SHIPEST_OK) {
            size_t n = shipest_lexicon_count(lex);
            char before[4096];
            size_t blen = 0;
            REQUIRE(shipest_lexicon_entry(lex, n - 1, before, sizeof before, &blen) == SHIPEST_OK);
            if (shipest_lexicon_load(lex, "fuzz", text, tlen) != SHIPEST_OK) {
                /* All or nothing. */
                char after[4096];
                REQUIRE(shipest_lexicon_count(lex) == n);
                REQUIRE(shipest_lexicon_entry(lex, n - 1, after, sizeof after, NULL) ==
                        SHIPEST_OK);
                REQUIRE(strcmp(before, after) == 0);
                REQUIRE(shipest_ctx_errmsg(ctx)[0] != '\0');
            } else {
                /* Every entry lists as text that loads back as an override. */
                for (size_t i = 0; i < shipest_lexicon_count(lex); i++) {
                    char t[4200] = "shipest-table 1\noverride ";
                    size_t off = strlen(t), el = 0;
                    REQUIRE(shipest_lexicon_entry(lex, i, t + off, sizeof t - off, &el) ==
                            SHIPEST_OK);
                    if (el < sizeof t - off)
                        REQUIRE(shipest_lexicon_load(lex, "relist", t, off + el) == SHIPEST_OK);
                }
            }
            if (sep != NULL)
                check_claim(ctx, lex, sep + 1, len - tlen - 1, flags);
            shipest_lexicon_free(lex);
        }
    } else {
        check_claim(ctx, NULL, text, len, flags);
    }
    shipest_ctx_free(ctx);
    return 0;
}
