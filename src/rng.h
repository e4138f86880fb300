/* rng.h — counter-based random numbers (internal).
 *
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC'11), keyed by the 64-bit seed, one block per value:
 *
 *     key     = (seed & 0xffffffff, seed >> 32)
 *     counter = (i & 0xffffffff, i >> 32, stream & 0xffffffff, stream >> 32)
 *     (x0, x1, x2, x3) = philox4x32_10(counter, key)
 *     word(i) = x0 | x1 << 32
 *
 * so every value is a pure function of (seed, stream, i). Half of each block
 * is left unused on purpose: the layout is then exactly Random123's, and its
 * known-answer vectors check the public shipest_random_bits directly. */
#ifndef SHP_RNG_H
#define SHP_RNG_H

#include <stddef.h>
#include <stdint.h>

/* One Philox4x32-10 block; ctr and out may alias. Exposed for the known-
 * answer tests of Random123's kat_vectors. */
void shp_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* The 64-bit word for counter i of stream (see above). */
uint64_t shp_rng_word(uint64_t seed, uint64_t stream, uint64_t i);

/* Map a 64-bit word to a double in (0, 1) with 53 random bits: the top 53
 * bits k give k * 2^-53; k = 0 gives 2^-54 instead, so 0 and 1 never occur. */
static inline double shp_rng_u01(uint64_t w)
{
    uint64_t k = w >> 11;
    return k != 0 ? (double)k * 0x1p-53 : 0x1p-54;
}

/* Words for counters [first, first + n) of stream. */
void shp_rng_words(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out);

/* The same words through the portable lanes only, never the AVX2 path: for
 * the test that the two agree bit for bit. */
void shp_rng_words_portable(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out);

/* Uniforms in (0, 1) for counters [first, first + n) of stream. */
void shp_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, size_t n, double *out);

#endif
