/* check_rng.c — the counter-based generator through the public API:
 * Random123 known answers, the uniform mapping, purity of (seed, stream,
 * counter), and small statistical tests (the full battery is make
 * check-rng). */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N_STAT 1000000

static int popcount64(uint64_t x)
{
    int c = 0;
    for (; x != 0; x &= x - 1)
        c++;
    return c;
}

static int under_valgrind(void) { return getenv("SHIPEST_TEST_VALGRIND") != NULL; }
static size_t n_stat(void) { return under_valgrind() ? 100000 : N_STAT; }

/* Random123 1.14 kat_vectors, "philox4x32 10" lines: counter (4 words),
 * key (2 words), expected (4 words). Word i of a stream is x0 | x1 << 32 of
 * the block at counter (i, stream) with key seed (see docs/distributions.md). */
START_TEST(test_known_answers)
{
    static const struct {
        uint32_t ctr[4], key[2], out[4];
    } kat[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (size_t k = 0; k < sizeof kat / sizeof kat[0]; k++) {
        uint64_t seed = (uint64_t)kat[k].key[0] | (uint64_t)kat[k].key[1] << 32;
        uint64_t i = (uint64_t)kat[k].ctr[0] | (uint64_t)kat[k].ctr[1] << 32;
        uint64_t stream = (uint64_t)kat[k].ctr[2] | (uint64_t)kat[k].ctr[3] << 32;
        uint64_t w = 0;
        shipest_random_bits(seed, stream, i, 1, &w);
        uint64_t want = (uint64_t)kat[k].out[0] | (uint64_t)kat[k].out[1] << 32;
        ck_assert_msg(w == want, "vector %zu: got %016llx want %016llx", k,
                      (unsigned long long)w, (unsigned long long)want);
    }
}
END_TEST

START_TEST(test_uniform_mapping)
{
    enum { N = 4096 };
    static uint64_t w[N];
    static double u[N];
    shipest_random_bits(42, 7, 1000, N, w);
    shipest_random_uniform(42, 7, 1000, N, u);
    for (size_t j = 0; j < N; j++) {
        uint64_t k = w[j] >> 11;
        double want = k != 0 ? (double)k * 0x1p-53 : 0x1p-54;
        ck_assert(u[j] == want);
        ck_assert(u[j] > 0.0 && u[j] < 1.0);
    }
}
END_TEST

extern void shp_rng_words_portable(uint64_t seed, uint64_t stream, uint64_t first, size_t n,
                                   uint64_t *out) __attribute__((weak));

/* Any split of a counter range gives the same values bit for bit, and
 * counters wrap modulo 2^64. */
START_TEST(test_purity)
{
    enum { N = 1000 };
    static double all[N], part[N];
    shipest_random_uniform(5, 3, 123456789, N, all);
    size_t sizes[] = {1, 2, 3, 7, 64, 333, 999};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        memset(part, 0, sizeof part);
        for (size_t j = 0; j < N; j += sizes[s]) {
            size_t m = N - j < sizes[s] ? N - j : sizes[s];
            shipest_random_uniform(5, 3, 123456789 + (uint64_t)j, m, part + j);
        }
        ck_assert_msg(memcmp(all, part, sizeof all) == 0, "block size %zu differs", sizes[s]);
    }
    uint64_t a[8], b[4];
    shipest_random_bits(9, 9, UINT64_MAX - 3, 8, a);
    shipest_random_bits(9, 9, 0, 4, b);
    ck_assert(memcmp(a + 4, b, sizeof b) == 0);
    /* The vector paths (blocks of >= 8 counters) against one word at a
     * time (the scalar reference round), across the 2^32 carry into the
     * second counter word and the 2^64 wrap, for uniforms and words. */
    static const uint64_t starts[] = {0, UINT64_C(0xfffffff0) - 5, UINT64_MAX - 20,
                                      UINT64_C(0x123456789abcdef)};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        uint64_t w[53], w1;
        double u[53], u1;
        shipest_random_bits(UINT64_C(0xdeadbeefcafef00d), UINT64_C(0x8000000100000002), starts[k], 53, w);
        shipest_random_uniform(UINT64_C(0xdeadbeefcafef00d), UINT64_C(0x8000000100000002), starts[k], 53, u);
        for (size_t j = 0; j < 53; j++) {
            shipest_random_bits(UINT64_C(0xdeadbeefcafef00d), UINT64_C(0x8000000100000002),
                                starts[k] + j, 1, &w1);
            shipest_random_uniform(UINT64_C(0xdeadbeefcafef00d), UINT64_C(0x8000000100000002),
                                   starts[k] + j, 1, &u1);
            ck_assert_msg(w[j] == w1, "start %zu, word %zu differs", k, j);
            ck_assert_msg(memcmp(&u[j], &u1, sizeof u1) == 0, "start %zu, uniform %zu differs", k, j);
        }
    }
    /* The portable lanes give the same words as the path the machine uses
     * (AVX2 where it has it). The portable path is internal, so this links
     * to it weakly and runs against the static library only. */
    if (shp_rng_words_portable != NULL)
        for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
            uint64_t w[77], p[77];
            shipest_random_bits(UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210), starts[k], 77, w);
            shp_rng_words_portable(UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210), starts[k], 77, p);
            ck_assert_msg(memcmp(w, p, sizeof w) == 0, "start %zu: the paths differ", k);
        }
    /* Different seed, stream or counter: different words. */
    uint64_t x, y, z, t;
    shipest_random_bits(1, 1, 1, 1, &x);
    shipest_random_bits(2, 1, 1, 1, &y);
    shipest_random_bits(1, 2, 1, 1, &z);
    shipest_random_bits(1, 1, 2, 1, &t);
    ck_assert(x != y && x != z && x != t && y != z);
    /* n = 0 and NULL output are harmless. */
    shipest_random_bits(1, 1, 1, 0, NULL);
    shipest_random_uniform(1, 1, 1, 0, NULL);
}
END_TEST

/* Pearson chi-square over 1000 equal bins: 999 degrees of freedom. The
 * 0.1% and 99.9% points of chi2(999) are 863.1 and 1143.9 (Wilson-Hilferty),
 * so a good generator fails either side with probability 0.002. */
START_TEST(test_chi_square)
{
    size_t n = n_stat();
    double *u = malloc(n * sizeof *u);
    ck_assert_ptr_nonnull(u);
    static const uint64_t seeds[] = {1, 0x9e3779b97f4a7c15u};
    for (size_t s = 0; s < 2; s++) {
        long bins[1000] = {0};
        shipest_random_uniform(seeds[s], 11, 0, n, u);
        for (size_t j = 0; j < n; j++)
            bins[(size_t)(u[j] * 1000.0)]++;
        double e = (double)n / 1000.0, chi = 0.0;
        for (int b = 0; b < 1000; b++)
            chi += ((double)bins[b] - e) * ((double)bins[b] - e) / e;
        ck_assert_msg(chi > 863.1 && chi < 1143.9, "seed %zu: chi2 = %g", s, chi);
    }
    free(u);
}
END_TEST

static double corr(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0;
    for (size_t j = 0; j < n; j++) {
        mx += x[j];
        my += y[j];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t j = 0; j < n; j++) {
        sxy += (x[j] - mx) * (y[j] - my);
        sxx += (x[j] - mx) * (x[j] - mx);
        syy += (y[j] - my) * (y[j] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* Correlations of independent uniforms have standard error 1/sqrt(n);
 * |r| < 4.5/sqrt(n) fails by chance with probability 7e-6. */
START_TEST(test_serial_and_neighbours)
{
    size_t n = n_stat();
    double *a = malloc((n + 1) * sizeof *a), *b = malloc(n * sizeof *b);
    ck_assert(a != NULL && b != NULL);
    double lim = 4.5 / sqrt((double)n);
    shipest_random_uniform(77, 0, 0, n + 1, a);
    double r = corr(a, a + 1, n);
    ck_assert_msg(fabs(r) < lim, "lag-1 serial correlation %g", r);
    shipest_random_uniform(77, 1, 0, n, b); /* neighbouring stream */
    r = corr(a, b, n);
    ck_assert_msg(fabs(r) < lim, "streams 0 and 1: r = %g", r);
    shipest_random_uniform(78, 0, 0, n, b); /* neighbouring seed */
    r = corr(a, b, n);
    ck_assert_msg(fabs(r) < lim, "seeds 77 and 78: r = %g", r);
    free(a);
    free(b);
}
END_TEST

/* Bit-level independence of neighbouring streams and seeds: the XOR of two
 * independent uniform 64-bit words has popcount mean 32, sd 4, so the mean
 * over n words is within 5 * 4 / sqrt(n) of 32. Each single bit position
 * must also be set about half the time (binomial, 5 sd). */
START_TEST(test_bit_independence)
{
    size_t n = n_stat() / 4;
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    ck_assert(a != NULL && b != NULL && c != NULL);
    shipest_random_bits(1000, 500, 0, n, a);
    shipest_random_bits(1000, 501, 0, n, b);
    shipest_random_bits(1001, 500, 0, n, c);
    const uint64_t *other[2] = {b, c};
    for (int o = 0; o < 2; o++) {
        double pop = 0.0;
        long ones[64] = {0};
        for (size_t j = 0; j < n; j++) {
            uint64_t x = a[j] ^ other[o][j];
            pop += (double)popcount64(x);
            for (int k = 0; k < 64; k++)
                ones[k] += (long)((x >> k) & 1u);
        }
        pop /= (double)n;
        ck_assert_msg(fabs(pop - 32.0) < 5.0 * 4.0 / sqrt((double)n), "popcount mean %g", pop);
        for (int k = 0; k < 64; k++)
            ck_assert_msg(fabs((double)ones[k] - 0.5 * (double)n) < 5.0 * 0.5 * sqrt((double)n),
                          "bit %d set %ld times of %zu", k, ones[k], n);
    }
    free(a);
    free(b);
    free(c);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("rng");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_known_answers);
    tcase_add_test(tc, test_uniform_mapping);
    tcase_add_test(tc, test_purity);
    tcase_add_test(tc, test_chi_square);
    tcase_add_test(tc, test_serial_and_neighbours);
    tcase_add_test(tc, test_bit_independence);
    suite_add_tcase(s, tc);
    return s;
}
