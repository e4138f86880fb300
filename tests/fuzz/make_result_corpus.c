/* make_result_corpus.c — writes the seed corpus of fuzz_result.c:
 *   cc -std=c11 -Iinclude -o /tmp/mk tests/fuzz/make_result_corpus.c lib/libshipest.a -lm -lpthread
 *   /tmp/mk tests/fuzz/corpus/result
 * Valid images of the target's model (kept samples; one trial; edge
 * fragments; a merge of two ranges; Latin hypercube), truncated and
 * corrupted copies, kept images whose moments' min and max lie, and a few
 * patches of the target's sketched image. */
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_result_model.h"

static const char *dir;

static void put(const char *name, const unsigned char *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

static unsigned char *image(const shipest_result *r, size_t *len)
{
    unsigned char *p;
    if (shipest_result_serialize(r, NULL, 0, len) != SHIPEST_OK || (p = malloc(*len)) == NULL ||
        shipest_result_serialize(r, p, *len, len) != SHIPEST_OK)
        exit(1);
    return p;
}

static void must(shipest_status st)
{
    if (st != SHIPEST_OK) {
        fprintf(stderr, "%s\n", shipest_strerror(st));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    dir = argv[1];
    shipest_ctx *ctx;
    shipest_model *m;
    must(shipest_ctx_new(&ctx));
    must(fuzz_result_model(ctx, &m));
    shipest_result *r1, *r2, *r3, *r4, *r5, *r45, *lhs;
    must(shipest_model_run_range(ctx, m, 7, 1, 0, &r1));
    must(shipest_model_run_range(ctx, m, 5, 70, 0, &r2));
    must(shipest_model_run_range(ctx, m, 0, 200, 0, &r3));
    must(shipest_model_run_range(ctx, m, 0, 64, 0, &r4));
    must(shipest_model_run_range(ctx, m, 100, 30, 0, &r5));
    must(shipest_result_merge(ctx, r4, r5, &r45));
    must(shipest_model_run_range(ctx, m, 10, 100, SHIPEST_RUN_LHS, &lhs));
    const shipest_result *valid[] = {r1, r2, r3, r45, lhs};
    const char *names[] = {"valid-one-trial", "valid-fragments", "valid-200", "valid-merged",
                           "valid-lhs"};
    for (int k = 0; k < 5; k++) {
        size_t n;
        unsigned char *p = image(valid[k], &n);
        shipest_result *back = NULL;
        must(shipest_result_deserialize(ctx, m, p, n, &back)); /* valid indeed */
        shipest_result_free(back);
        put(names[k], p, n);
        if (k == 0 || k == 2) {
            /* Moments whose min and max lie (the target forges the
             * checksum): order statistics take their bucket range from
             * them and must stay right and in bounds. The one-trial
             * image's moments are empty (its trial is an edge fragment),
             * so there the lie must be refused. */
            static const double lies[][2] = {{-DBL_MAX, DBL_MAX}, {1.0, 1.0}};
            for (int l = 0; l < (k == 0 ? 1 : 2); l++) {
                unsigned char *q = malloc(n);
                if (q == NULL)
                    exit(1);
                memcpy(q, p, n);
                for (size_t o = 0; o < 3; o++) {
                    memcpy(q + 88 + 616 * o + 24, &lies[l][0], 8);
                    memcpy(q + 88 + 616 * o + 32, &lies[l][1], 8);
                }
                char name[64];
                snprintf(name, sizeof name, "lying-%s-%s", l ? "narrow" : "wide", names[k]);
                put(name, q, n);
                free(q);
            }
        }
        if (k == 1) {
            char name[64];
            size_t cuts[] = {0, 7, 8, 23, 24, 88, 200, n / 2, n - 9, n - 1};
            for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
                snprintf(name, sizeof name, "truncated-%zu", cuts[c]);
                put(name, p, cuts[c]);
            }
            size_t flips[] = {0, 8, 12, 24, 40, 48, 64, 80, 100, 700, n - 100, n - 8};
            for (size_t c = 0; c < sizeof flips / sizeof *flips; c++) {
                p[flips[c]] ^= 0x01;
                snprintf(name, sizeof name, "corrupt-%zu", flips[c]);
                put(name, p, n);
                p[flips[c]] ^= 0x01;
            }
            p[8] = 2; /* a newer version */
            put("version-2", p, n);
        }
        free(p);
    }
    /* Patches of the sketched image: (offset LE16, byte) triples. */
    static const unsigned char patch_trials[] = {64, 0, 0xff};
    static const unsigned char patch_lo[] = {0x10, 0x07, 0x80, 0x11, 0x07, 0x00};
    static const unsigned char patch_ranges[] = {72, 0, 2, 88, 0, 3};
    put("patch-trials", patch_trials, sizeof patch_trials);
    put("patch-buckets", patch_lo, sizeof patch_lo);
    put("patch-ranges", patch_ranges, sizeof patch_ranges);
    shipest_result_free(r1), shipest_result_free(r2), shipest_result_free(r3);
    shipest_result_free(r4), shipest_result_free(r5), shipest_result_free(r45);
    shipest_result_free(lhs);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    return 0;
}
