/* fuzz_result_model.h — the fixed model of the result fuzz target, shared
 * with the corpus generator (make_result_corpus.c) so the seed images
 * match the model the target reads them with. Three outputs: one through
 * a table conversion (factors and a load-plan binding), one that is NaN in
 * about half the trials, one constant. */
#ifndef FUZZ_RESULT_MODEL_H
#define FUZZ_RESULT_MODEL_H

#include <string.h>

#include "shipest.h"

static const char fuzz_result_text[] =
    "rounds = 10 to 20 container -> round_152mm\n"
    "l      = log(-1 to 1)\n"
    "k      = 5 person\n";

static shipest_status fuzz_result_model(shipest_ctx *c, shipest_model **m)
{
    return shipest_model_parse(c, fuzz_result_text, strlen(fuzz_result_text), m);
}

#endif
