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

void shp_rng_words(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out)
{
    for (size_t j = 0; j < n; j++)
        out[j] = shp_rng_word(seed, stream, first + (uint64_t)j);
}

void shp_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, size_t n, double *out)
{
    for (size_t j = 0; j < n; j++)
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
