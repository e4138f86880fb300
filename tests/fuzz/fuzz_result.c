/* fuzz_result.c — libFuzzer target: bytes -> shipest_result_deserialize()
 * for a fixed small model (built once). Each input is tried twice: as
 * given (almost always refused by the checksum, which must never crash),
 * and with its length field and checksum forged to match, so the fuzzer
 * reaches every check behind them. A refusal must leave NULL and a
 * message; an accepted image must answer every accessor without crashing,
 * and its own image must read back to a result with the same image.
 * The replay driver (replay.c) runs the saved corpus in `make check`;
 * tests/fuzz/make_result_corpus.c wrote the seed corpus. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shipest.h"

#define REQUIRE(cond) \
    do {              \
        if (!(cond))  \
            abort();  \
    } while (0)

/* The arguments below are all valid: only EINVAL would be a finding. */
#define NOT_EINVAL(call) REQUIRE((call) != SHIPEST_EINVAL)

static shipest_ctx *ctx;
static shipest_model *model;

/* The corpus generator builds the same model: keep the two in step. */
#include "fuzz_result_model.h"

static void exercise(const shipest_result *r)
{
    size_t n_out = shipest_result_output_count(r);
    REQUIRE(n_out == 3);
    REQUIRE(shipest_result_trials(r) > 0);
    for (size_t i = 0; i < n_out; i++) {
        double x, y, lo, hi;
        uint64_t fin, bad, h[8];
        REQUIRE(shipest_result_count(r, i, &fin, &bad) == SHIPEST_OK);
        REQUIRE(fin + bad == shipest_result_trials(r));
        REQUIRE(shipest_result_mean(r, i, &x) == SHIPEST_OK);
        REQUIRE(shipest_result_sd(r, i, &x) == SHIPEST_OK);
        REQUIRE(shipest_result_mc_se_mean(r, i, &x) == SHIPEST_OK);
        for (double p = 0; p <= 1; p += 0.125) {
            NOT_EINVAL(shipest_result_quantile(r, i, p, &x));
            NOT_EINVAL(shipest_result_mc_se_quantile(r, i, p, &x));
            NOT_EINVAL(shipest_result_prob_above(r, i, p, &x, &y));
            NOT_EINVAL(shipest_result_prob_below(r, i, -p, &x, &y));
        }
        NOT_EINVAL(shipest_result_interval(r, i, SHIPEST_INTERVAL_SYMMETRIC, 0.9, &lo, &hi));
        NOT_EINVAL(shipest_result_agreement(r, i, 0.25, &x, &y));
        if (shipest_result_quantile(r, i, 0, &lo) == SHIPEST_OK &&
            shipest_result_quantile(r, i, 1, &hi) == SHIPEST_OK && isfinite(lo) && isfinite(hi) &&
            lo < hi)
            NOT_EINVAL(shipest_result_histogram(r, i, lo, hi, 8, h));
        REQUIRE(shipest_result_sketch_bound(r, i, &x, &y) == SHIPEST_OK);
        for (size_t k = 0; k < shipest_result_sensitivity_count(r, i); k++)
            REQUIRE(shipest_result_sensitivity(r, i, k, NULL, &x, &y) == SHIPEST_OK);
        if (!shipest_result_is_sketched(r)) {
            double v[4];
            size_t n = shipest_result_trials(r) < 4 ? (size_t)shipest_result_trials(r) : 4;
            REQUIRE(shipest_result_samples(r, i, 0, n, v) == SHIPEST_OK);
        }
    }
    for (size_t b = 0; b < shipest_result_binding_count(r); b++) {
        size_t nc = 0;
        REQUIRE(shipest_result_binding(r, b, NULL, &nc) == SHIPEST_OK);
        for (size_t c = 0; c < nc; c++)
            REQUIRE(shipest_result_binding_share(r, b, c, NULL, NULL) == SHIPEST_OK);
    }
}

static void try_image(const uint8_t *data, size_t size)
{
    shipest_result *r = (shipest_result *)(uintptr_t)1;
    shipest_status st = shipest_result_deserialize(ctx, model, data, size, &r);
    if (st != SHIPEST_OK) {
        REQUIRE(r == NULL);
        REQUIRE(st == SHIPEST_EPARSE || st == SHIPEST_EINVAL || st == SHIPEST_EUNSUPPORTED ||
                st == SHIPEST_ENOMEM);
        REQUIRE(shipest_ctx_errmsg(ctx)[0] != '\0');
        return;
    }
    REQUIRE(r != NULL);
    exercise(r);
    size_t len = 0, len2 = 0;
    REQUIRE(shipest_result_serialize(r, NULL, 0, &len) == SHIPEST_OK);
    uint8_t *img = malloc(len), *img2 = NULL;
    REQUIRE(img != NULL);
    REQUIRE(shipest_result_serialize(r, img, len, &len2) == SHIPEST_OK && len2 == len);
    shipest_result *back = NULL;
    REQUIRE(shipest_result_deserialize(ctx, model, img, len, &back) == SHIPEST_OK);
    REQUIRE(shipest_result_serialize(back, NULL, 0, &len2) == SHIPEST_OK && len2 == len);
    img2 = malloc(len);
    REQUIRE(img2 != NULL);
    REQUIRE(shipest_result_serialize(back, img2, len, &len2) == SHIPEST_OK);
    REQUIRE(memcmp(img, img2, len) == 0);
    free(img);
    free(img2);
    shipest_result_free(back);
    shipest_result_free(r);
}

/* Forge the length field (bytes 16..23) and the checksum (FNV-1a 64 of all
 * but the last 8 bytes, stored in them), docs/serialization.md. */
static void forge(uint8_t *img, size_t size)
{
    for (int k = 0; k < 8; k++)
        img[16 + k] = (uint8_t)((uint64_t)size >> (8 * k));
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t k = 0; k + 8 < size; k++) {
        h ^= img[k];
        h *= UINT64_C(0x100000001b3);
    }
    for (int k = 0; k < 8; k++)
        img[size - 8 + (size_t)k] = (uint8_t)(h >> (8 * k));
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

/* A sketched image cannot be small (its subsample holds every trial up to
 * 32768, and sketching starts near 19,000 here), so inputs that are not
 * images patch one made at start-up: each 3 bytes (offset mod the length
 * before the subsample, little-endian 16 bits, then a byte) set a byte of
 * the header, moments, ranges, fragments, bindings or sketch buckets. */
static uint8_t *sketched;
static size_t sketched_len, sketched_prefix;

static void make_sketched(void)
{
    shipest_result *r = NULL;
    REQUIRE(shipest_model_run_range(ctx, model, 3, 19000, 0, &r) == SHIPEST_OK);
    REQUIRE(shipest_result_is_sketched(r));
    REQUIRE(shipest_result_serialize(r, NULL, 0, &sketched_len) == SHIPEST_OK);
    sketched = malloc(sketched_len);
    REQUIRE(sketched != NULL);
    REQUIRE(shipest_result_serialize(r, sketched, sketched_len, &sketched_len) == SHIPEST_OK);
    shipest_result_free(r);
    uint64_t width = le(sketched + 48, 4) + le(sketched + 52, 4), n_res = le(sketched + 60, 4);
    sketched_prefix = sketched_len - 8 - (size_t)(n_res * (8 + 8 * width));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t magic[8] = {0x89, 'S', 'H', 'P', 'R', 'E', 'S', '\n'};
    if (ctx == NULL) {
        REQUIRE(shipest_ctx_new(&ctx) == SHIPEST_OK);
        REQUIRE(shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(1) << 20) == SHIPEST_OK);
        REQUIRE(shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, 1) == SHIPEST_OK);
        REQUIRE(fuzz_result_model(ctx, &model) == SHIPEST_OK);
        make_sketched();
    }
    try_image(data, size);
    if (size >= 8 && memcmp(data, magic, 8) == 0) {
        if (size < 32)
            return 0;
        uint8_t *copy = malloc(size);
        REQUIRE(copy != NULL);
        memcpy(copy, data, size);
        forge(copy, size);
        try_image(copy, size);
        free(copy);
        return 0;
    }
    if (size < 3)
        return 0;
    uint8_t *copy = malloc(sketched_len);
    REQUIRE(copy != NULL);
    memcpy(copy, sketched, sketched_len);
    for (size_t k = 0; k + 3 <= size; k += 3)
        copy[le(data + k, 2) % sketched_prefix] = data[k + 2];
    forge(copy, sketched_len);
    try_image(copy, sketched_len);
    free(copy);
    return 0;
}
