/* rng.c — Philox4x32-10 and the public shipest_random_* functions.
 * Reference: Salmon et al., SC'11; constants and round structure as in
 * Random123 1.14 (philox.h), checked against its kat_vectors in
 * tests/check_rng.c. */
#include "rng.h"

#include "internal.h"

#define PHILOX_M0 UINT32_C(0xD2511F53)
#define PHILOX_M1 UINT32_C(0xCD9E8D57)
#define PHILOX_W0 UINT32_C(0x9E3779B9) /* golden ratio */
#define PHILOX_W1 UINT32_C(0xBB67AE85) /* sqrt(3) - 1 */

static inline void philox_round(uint32_t c[4], uint32_t k0, uint32_t k1)
{
    uint64_t p0 = (uint64_t)PHILOX_M0 * c[0];
    uint64_t p1 = (uint64_t)PHILOX_M1 * c[2];
    uint32_t c1 = c[1], c3 = c[3];
    c[0] = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    c[1] = (uint32_t)p1;
    c[2] = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c[3] = (uint32_t)p0;
}

void shp_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        philox_round(c, k0, k1);
    }
    out[0] = c[0];
    out[1] = c[1];
    out[2] = c[2];
    out[3] = c[3];
}

uint64_t shp_rng_word(uint64_t seed, uint64_t stream, uint64_t i)
{
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    const uint32_t ctr[4] = {(uint32_t)i, (uint32_t)(i >> 32), (uint32_t)stream,
                             (uint32_t)(stream >> 32)};
    uint32_t b[4];
    shp_philox4x32_10(ctr, key, b);
    return (uint64_t)b[0] | (uint64_t)b[1] << 32;
}

/* PHILOX_LANES counters at once, lane by lane in plain array loops: the
 * same arithmetic as shp_philox4x32_10 (so bitwise the same words), laid
 * out so the compiler can keep a lane per vector element (SSE2's pmuludq
 * gives the 32 x 32 -> 64-bit products two at a time, AVX2 four). */
#define PHILOX_LANES 8

static void philox_lanes(uint64_t seed, uint64_t stream, uint64_t first, uint64_t *out)
{
    uint32_t c0[PHILOX_LANES], c1[PHILOX_LANES], c2[PHILOX_LANES], c3[PHILOX_LANES];
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int l = 0; l < PHILOX_LANES; l++) {
        uint64_t i = first + (uint64_t)l;
        c0[l] = (uint32_t)i;
        c1[l] = (uint32_t)(i >> 32);
        c2[l] = (uint32_t)stream;
        c3[l] = (uint32_t)(stream >> 32);
    }
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        for (int l = 0; l < PHILOX_LANES; l++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * c0[l];
            uint64_t p1 = (uint64_t)PHILOX_M1 * c2[l];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[l] ^ k0;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[l] ^ k1;
            c1[l] = (uint32_t)p1;
            c3[l] = (uint32_t)p0;
            c0[l] = n0;
            c2[l] = n2;
        }
    }
    for (int l = 0; l < PHILOX_LANES; l++)
        out[l] = (uint64_t)c0[l] | (uint64_t)c1[l] << 32;
}

void shp_rng_words(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out)
{
    size_t j = 0;
    for (; j + PHILOX_LANES <= n; j += PHILOX_LANES)
        philox_lanes(seed, stream, first + (uint64_t)j, out + j);
    for (; j < n; j++)
        out[j] = shp_rng_word(seed, stream, first + (uint64_t)j);
}

void shp_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, size_t n, double *out)
{
    size_t j = 0;
    uint64_t w[PHILOX_LANES];
    for (; j + PHILOX_LANES <= n; j += PHILOX_LANES) {
        philox_lanes(seed, stream, first + (uint64_t)j, w);
        for (int l = 0; l < PHILOX_LANES; l++)
            out[j + (size_t)l] = shp_rng_u01(w[l]);
    }
    for (; j < n; j++)
        out[j] = shp_rng_u01(shp_rng_word(seed, stream, first + (uint64_t)j));
}

SHIPEST_API void shipest_random_bits(uint64_t seed, uint64_t stream, uint64_t first, size_t n,
                                     uint64_t *out)
{
    if (out == NULL)
        return;
    shp_rng_words(seed, stream, first, n, out);
}

SHIPEST_API void shipest_random_uniform(uint64_t seed, uint64_t stream, uint64_t first, size_t n,
                                        double *out)
{
    if (out == NULL)
        return;
    shp_rng_uniforms(seed, stream, first, n, out);
}
