/* rng_stream.c — write the generator's raw output to stdout for
 * `dieharder -a -g 200` (raw binary input on stdin).
 *
 * Usage: rng_stream [seed [stream]]   (defaults 1 and 0)
 * Writes shipest_random_bits(seed, stream, 0, 1, 2, ...) as little-endian
 * 64-bit words until stdout is closed. Public API only. */
#include "shipest.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    uint64_t stream = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
    enum { N = 8192 };
    static uint64_t w[N];
    static unsigned char bytes[N * 8];
    signal(SIGPIPE, SIG_DFL); /* dieharder closing the pipe ends us quietly */
    for (uint64_t first = 0;; first += N) {
        shipest_random_bits(seed, stream, first, N, w);
        for (size_t j = 0; j < N; j++)
            for (int k = 0; k < 8; k++)
                bytes[8 * j + (size_t)k] = (unsigned char)(w[j] >> (8 * k));
        if (fwrite(bytes, 1, sizeof bytes, stdout) != sizeof bytes)
            return errno == EPIPE ? 0 : 1;
    }
}
