/* fuzz_table.c — libFuzzer target for the table parser: parse the input as a
 * table into a fresh context (over the default table), and when it loads,
 * list every entry and convert between its kinds, so route search and load
 * planning see whatever the parser accepted. Invariants checked: a failed
 * load leaves the listing as it was and sets a message with a position.
 * Replayed without libFuzzer by tests/fuzz/replay.c in `make check`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shipest.h"

/* Abort on a broken invariant, so libFuzzer reports it. */
#define FUZZ_CHECK(cond)    \
    do {                    \
        if (!(cond))        \
            abort();        \
    } while (0)

static size_t count_all(shipest_ctx *ctx)
{
    size_t total = 0;
    for (int e = SHIPEST_ENTRY_KIND; e <= SHIPEST_ENTRY_CARGO; e++) {
        size_t n = 0;
        FUZZ_CHECK(shipest_table_count(ctx, (shipest_table_entry)e, &n) == SHIPEST_OK);
        for (size_t i = 0; i < n; i++)
            for (int f = SHIPEST_FIELD_NAME; f <= SHIPEST_FIELD_MASS; f++) {
                const char *v = NULL;
                FUZZ_CHECK(shipest_table_get(ctx, (shipest_table_entry)e, i,
                                             (shipest_table_field)f, &v) == SHIPEST_OK);
                FUZZ_CHECK(v != NULL);
                total += strlen(v);
            }
        total += n;
    }
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 0;
    if (shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 1) != SHIPEST_OK) {
        shipest_ctx_free(ctx);
        return 0;
    }
    size_t before = count_all(ctx);
    shipest_status st = shipest_ctx_load_table_string(ctx, (const char *)data, size, "fuzz");
    if (st != SHIPEST_OK) {
        /* Nothing changed, and the message names the input. */
        FUZZ_CHECK(count_all(ctx) == before);
        FUZZ_CHECK(strncmp(shipest_ctx_errmsg(ctx), "fuzz:", 5) == 0 || st == SHIPEST_ENOMEM);
        shipest_ctx_free(ctx);
        return 0;
    }
    (void)count_all(ctx);
    /* Convert between the table's last two kinds and a few fixed units:
     * sampling costs dominate, so few pairs and two trials each. */
    size_t nk = 0;
    FUZZ_CHECK(shipest_table_count(ctx, SHIPEST_ENTRY_KIND, &nk) == SHIPEST_OK);
    const char *last[2] = {"container", "round_152mm"};
    for (size_t i = 0; i < 2 && i < nk; i++)
        FUZZ_CHECK(shipest_table_get(ctx, SHIPEST_ENTRY_KIND, nk - 1 - i, SHIPEST_FIELD_NAME,
                                     &last[i]) == SHIPEST_OK);
    const char *pairs[][2] = {{last[0], "kg"},          {"kg", last[0]},
                              {last[1], last[0]},       {last[0], last[1]},
                              {"container", last[0]},   {last[0], "container/day"}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        shipest_conversion *c = NULL;
        if (shipest_convert_number(ctx, 2.0, pairs[p][0], pairs[p][1], NULL, &c) == SHIPEST_OK) {
            FUZZ_CHECK(shipest_conversion_dist(c) != NULL);
            for (size_t s = 0; s < shipest_conversion_step_count(c); s++) {
                double sh = -1.0;
                if (shipest_conversion_binding_share(c, s, SHIPEST_CONSTRAINT_MASS, &sh) ==
                    SHIPEST_OK)
                    FUZZ_CHECK(sh >= 0.0 && sh <= 1.0);
            }
        }
        shipest_conversion_free(c);
    }
    shipest_ctx_free(ctx);
    return 0;
}
