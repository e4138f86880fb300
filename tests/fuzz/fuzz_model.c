/* fuzz_model.c — libFuzzer target: model text -> shipest_model_parse() on a
 * fresh context. Beyond "no crash, no leak" it checks what every parse must
 * guarantee: a failure returns NULL and a message; a success is a graph in
 * topological order whose outputs are named nodes. The replay driver
 * (replay.c) runs the saved corpus in `make check`. */
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

static void check_model(const shipest_model *m)
{
    size_t n = shipest_model_node_count(m);
    size_t outputs = 0;
    REQUIRE(n > 0);
    for (size_t i = 0; i < n; i++) {
        shipest_node node = (shipest_node)i, args[4];
        shipest_op op;
        REQUIRE(shipest_model_node_op(m, node, &op) == SHIPEST_OK);
        size_t na = shipest_model_node_args(m, node, args, 4);
        REQUIRE(na <= 4);
        for (size_t j = 0; j < na; j++)
            REQUIRE(args[j] >= 0 && (size_t)args[j] < i); /* topological order */
        REQUIRE(shipest_model_node_unit(m, node, NULL, 0) > 0);
        int sampled = op == SHIPEST_OP_INPUT || op == SHIPEST_OP_FACTOR;
        REQUIRE(sampled == (shipest_model_node_dist(m, node) != NULL));
        if (shipest_model_node_is_output(m, node)) {
            outputs++;
            char name[300];
            REQUIRE(shipest_model_node_name(m, node, name, sizeof name) > 0);
            shipest_node found;
            REQUIRE(shipest_model_find(m, name, &found) == SHIPEST_OK && found == node);
        }
    }
    REQUIRE(outputs > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 0;
    shipest_model *m = (shipest_model *)(uintptr_t)1;
    shipest_status st = shipest_model_parse(ctx, (const char *)data, size, &m);
    if (st == SHIPEST_OK) {
        REQUIRE(m != NULL);
        check_model(m);
    } else {
        REQUIRE(m == NULL);
        REQUIRE(st != SHIPEST_EINVAL); /* the arguments were valid */
        REQUIRE(shipest_ctx_errmsg(ctx)[0] != '\0');
    }
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    return 0;
}
