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

/* The same lanes with AVX2 intrinsics where the processor has them
 * (checked at run time, so the library still runs on any x86-64): each
 * 32-bit lane value lives in the low half of a 64-bit element, where
 * vpmuludq reads it, so a round is two products, two shifts and four xors
 * per four lanes. Only the low halves are ever used, so the high halves are
 * left as they fall and masked once at the end. Bitwise the same words as
 * philox_lanes (tests/check_rng.c compares them over carries and wraps). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SHP_HAVE_AVX2_PATH 1

__attribute__((target("avx2"))) static size_t philox_avx2(uint64_t seed, uint64_t stream,
                                                          uint64_t first, size_t n, uint64_t *out)
{
    const __m256i m0 = _mm256_set1_epi64x(PHILOX_M0), m1 = _mm256_set1_epi64x(PHILOX_M1);
    const __m256i lo32 = _mm256_set1_epi64x(UINT32_MAX);
    const __m256i s_lo = _mm256_set1_epi64x((uint32_t)stream);
    const __m256i s_hi = _mm256_set1_epi64x((uint32_t)(stream >> 32));
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        uint64_t i0 = first + (uint64_t)j;
        __m256i ia = _mm256_setr_epi64x((long long)i0, (long long)(i0 + 1), (long long)(i0 + 2),
                                        (long long)(i0 + 3));
        __m256i ib = _mm256_add_epi64(ia, _mm256_set1_epi64x(4));
        __m256i a0 = ia, a1 = _mm256_srli_epi64(ia, 32), a2 = s_lo, a3 = s_hi;
        __m256i b0 = ib, b1 = _mm256_srli_epi64(ib, 32), b2 = s_lo, b3 = s_hi;
        uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
        for (int r = 0; r < 10; r++) {
            if (r > 0) {
                k0 += PHILOX_W0;
                k1 += PHILOX_W1;
            }
            const __m256i vk0 = _mm256_set1_epi64x(k0), vk1 = _mm256_set1_epi64x(k1);
            __m256i pa0 = _mm256_mul_epu32(a0, m0), pa1 = _mm256_mul_epu32(a2, m1);
            __m256i pb0 = _mm256_mul_epu32(b0, m0), pb1 = _mm256_mul_epu32(b2, m1);
            a0 = _mm256_xor_si256(_mm256_srli_epi64(pa1, 32), _mm256_xor_si256(a1, vk0));
            a2 = _mm256_xor_si256(_mm256_srli_epi64(pa0, 32), _mm256_xor_si256(a3, vk1));
            b0 = _mm256_xor_si256(_mm256_srli_epi64(pb1, 32), _mm256_xor_si256(b1, vk0));
            b2 = _mm256_xor_si256(_mm256_srli_epi64(pb0, 32), _mm256_xor_si256(b3, vk1));
            a1 = pa1;
            a3 = pa0;
            b1 = pb1;
            b3 = pb0;
        }
        __m256i wa = _mm256_or_si256(_mm256_and_si256(a0, lo32), _mm256_slli_epi64(a1, 32));
        __m256i wb = _mm256_or_si256(_mm256_and_si256(b0, lo32), _mm256_slli_epi64(b1, 32));
        _mm256_storeu_si256((__m256i *)(void *)(out + j), wa);
        _mm256_storeu_si256((__m256i *)(void *)(out + j + 4), wb);
    }
    return j;
}

static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}
#else
#define SHP_HAVE_AVX2_PATH 0
static size_t philox_avx2(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out)
{
    (void)seed, (void)stream, (void)first, (void)n, (void)out;
    return 0;
}
static int have_avx2(void) { return 0; }
#endif

/* Words [first, first + n) through the widest path available; `force_lanes`
 * (tests) uses the portable lanes even where AVX2 is there. */
static void words(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out,
                  int force_lanes)
{
    size_t j = !force_lanes && have_avx2() ? philox_avx2(seed, stream, first, n, out) : 0;
    for (; j + PHILOX_LANES <= n; j += PHILOX_LANES)
        philox_lanes(seed, stream, first + (uint64_t)j, out + j);
    for (; j < n; j++)
        out[j] = shp_rng_word(seed, stream, first + (uint64_t)j);
}

void shp_rng_words(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out)
{
    words(seed, stream, first, n, out, 0);
}

void shp_rng_words_portable(uint64_t seed, uint64_t stream, uint64_t first, size_t n, uint64_t *out)
{
    words(seed, stream, first, n, out, 1);
}

void shp_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, size_t n, double *out)
{
    /* Words in small batches on the stack, converted in place order. */
    enum { BATCH = 256 };
    uint64_t w[BATCH];
    for (size_t j = 0; j < n; j += BATCH) {
        size_t m = n - j < BATCH ? n - j : BATCH;
        words(seed, stream, first + (uint64_t)j, m, w, 0);
        for (size_t l = 0; l < m; l++)
            out[j + l] = shp_rng_u01(w[l]);
    }
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
