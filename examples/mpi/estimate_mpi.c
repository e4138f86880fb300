/* estimate_mpi.c — the worked example split across MPI ranks by trial range.
 *   mpirun -np 4 ./estimate_mpi [TRIALS [MODEL_FILE (examples/models/seed.shipest)]]
 * Rank r runs its share of TRIALS (default 100000) with
 * shipest_model_run_range(); a trial's values depend only on (seed, input,
 * trial), so the ranks together compute exactly the trials of one run. Each
 * rank writes its result as a byte image (shipest_result_serialize()); rank
 * 0 gathers the images, reads them back for its own copy of the model
 * (shipest_result_deserialize()) and merges them in range order with
 * shipest_result_merge(), then checks mean, sd, 5/50/95% quantiles and
 * P(share > 40%) bit for bit against a one-process run; once with samples
 * kept, once sketched (1 MiB cap). Exit status 0 only if all match. */
#include <mpi.h>
#include <shipest.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank;
static shipest_ctx *ctx;

static void check(shipest_status st, const char *what)
{
    if (st == SHIPEST_OK)
        return;
    fprintf(stderr, "rank %d: %s: %s: %s\n", rank, what, shipest_strerror(st),
            shipest_ctx_errmsg(ctx));
    MPI_Abort(MPI_COMM_WORLD, 1);
}

static void *alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    check(p != NULL ? SHIPEST_OK : SHIPEST_ENOMEM, "malloc");
    return p;
}

/* Bits, not values: NaN == NaN. */
static int same(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Compare merged with one on every statistic this program reports. */
static int compare(const shipest_result *merged, const shipest_result *one)
{
    static const double probs[3] = {0.05, 0.5, 0.95};
    int ok = shipest_result_trials(merged) == shipest_result_trials(one) &&
             shipest_result_is_sketched(merged) == shipest_result_is_sketched(one);
    for (size_t i = 0; i < shipest_result_output_count(one); i++) {
        const char *name = shipest_result_output_name(one, i);
        double m[2], sd[2], q[2][3], p[2] = {0, 0}, se = 0;
        const shipest_result *r[2] = {merged, one};
        for (int k = 0; k < 2; k++) {
            check(shipest_result_mean(r[k], i, &m[k]), "mean");
            check(shipest_result_sd(r[k], i, &sd[k]), "sd");
            for (int j = 0; j < 3; j++)
                check(shipest_result_quantile(r[k], i, probs[j], &q[k][j]), "quantile");
            if (strcmp(name, "share") == 0)
                check(shipest_result_prob_above(r[k], i, 0.4, &p[k], &se), "prob_above");
        }
        int out_ok = same(m[0], m[1]) && same(sd[0], sd[1]) && same(p[0], p[1]);
        for (int j = 0; j < 3; j++)
            out_ok &= same(q[0][j], q[1][j]);
        printf("  %-10s mean %.6g  sd %.4g  median %.6g  90%% [%.6g, %.6g] %s\n", name, m[0],
               sd[0], q[0][1], q[0][0], q[0][2], shipest_result_output_unit(one, i));
        if (strcmp(name, "share") == 0)
            printf("  %-10s P(share > 40%%) = %.4f +/- %.4f\n", "", p[0], se);
        if (!out_ok)
            printf("  %-10s MISMATCH with the one-process run\n", name);
        ok &= out_ok;
    }
    return ok;
}

/* One split run under a memory cap; returns 1 (on every rank) when rank 0
 * found the merged result bit-identical to its one-process run. */
static int pass(const shipest_model *m, long trials, int size, int64_t max_memory)
{
    check(shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, max_memory), "memory cap");
    uint64_t first = (uint64_t)(rank * (trials / size) + (rank < trials % size ? rank : trials % size));
    uint64_t n = (uint64_t)(trials / size + (rank < trials % size));
    shipest_result *part = NULL, *merged = NULL, *one = NULL;
    check(shipest_model_run_range(ctx, m, first, n, 0, &part), "run_range");
    size_t len = 0;
    check(shipest_result_serialize(part, NULL, 0, &len), "serialize (size)");
    unsigned char *img = alloc(len), *all = NULL;
    check(shipest_result_serialize(part, img, len, &len), "serialize");
    check(len > INT_MAX ? SHIPEST_ELIMIT : SHIPEST_OK, "image over 2 GiB");
    int mine = (int)len, *lens = alloc((size_t)size * sizeof *lens);
    int *displs = alloc((size_t)size * sizeof *displs), ok = 0;
    MPI_Gather(&mine, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        long total = 0;
        for (int r = 0; r < size; total += lens[r++])
            displs[r] = (int)total;
        check(total > INT_MAX ? SHIPEST_ELIMIT : SHIPEST_OK, "images over 2 GiB in all");
        all = alloc((size_t)total);
    }
    MPI_Gatherv(img, mine, MPI_BYTE, all, lens, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        for (int r = 0; r < size; r++) { /* rank order is trial order */
            shipest_result *res = NULL, *next = NULL;
            check(shipest_result_deserialize(ctx, m, all + displs[r], (size_t)lens[r], &res),
                  "deserialize");
            if (merged != NULL) {
                check(shipest_result_merge(ctx, merged, res, &next), "merge");
                shipest_result_free(merged), shipest_result_free(res);
            }
            merged = merged != NULL ? next : res;
        }
        check(shipest_model_run_range(ctx, m, 0, (uint64_t)trials, 0, &one), "one-process run");
        printf("%ld trials over %d ranks, %s; images %ld bytes in all; merged result:\n", trials,
               size, shipest_result_is_sketched(one) ? "sketched" : "samples kept",
               (long)displs[size - 1] + lens[size - 1]);
        ok = compare(merged, one);
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(img), free(all), free(lens), free(displs);
    shipest_result_free(part), shipest_result_free(merged), shipest_result_free(one);
    return ok;
}

int main(int argc, char **argv)
{
    int size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long trials = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (trials < size) {
        if (rank == 0)
            fprintf(stderr, "usage: estimate_mpi [TRIALS (at least the ranks) [MODEL_FILE]]\n");
        MPI_Finalize();
        return 2;
    }
    shipest_model *m = NULL;
    check(shipest_ctx_new(&ctx), "context");
    check(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 20250701), "seed");
    check(shipest_model_parse_file(ctx, argc > 2 ? argv[2] : "examples/models/seed.shipest", &m),
          "model");
    int ok = pass(m, trials, size, INT64_C(256) << 20); /* the default cap: samples kept */
    ok &= pass(m, trials, size, INT64_C(1) << 20);      /* the smallest cap: sketched */
    if (rank == 0)
        printf("bit-identical to a one-process run (mean, sd, quantiles, P; kept and "
               "sketched): %s\n", ok ? "yes" : "NO");
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    MPI_Finalize();
    return ok ? 0 : 1;
}
