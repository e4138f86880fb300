/* estimate_mpi.c — the worked example split across MPI ranks by trial range.
 *   mpirun -np 4 ./estimate_mpi [TRIALS [MODEL_FILE (examples/models/seed.shipest)]]
 * Rank r runs its share of TRIALS (default 100000) with
 * shipest_model_run_range(); a trial's values depend only on (seed, input,
 * trial), so the ranks together compute exactly the trials of one run. The
 * API cannot serialise a result, so shipest_result_merge() cannot join
 * results of different processes: each rank sends its kept samples (trial
 * order) to rank 0, which joins them, summarises them and checks them
 * against a one-process run: every sample, the quantiles and P(share > 40%)
 * bit for bit, the mean and sd to 1e-12 (the library sums exactly, this
 * program in plain double). Exit status 0 only if all of it holds. */
#include <mpi.h>
#include <shipest.h>

#include <limits.h>
#include <math.h>
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

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct { double mean, sd, q[3], above; size_t n; } stats;
static const double probs[3] = {0.05, 0.5, 0.95};

/* The summary this program reports, of the finite values among v[0..n)
 * (v is reordered): mean, sd, 5/50/95% quantiles by Hyndman-Fan type 7 as
 * shipest_result_quantile() documents, and the fraction above 0.4. */
static void summarise(double *v, size_t n, stats *s)
{
    size_t k = 0, above = 0;
    double sum = 0, ss = 0;
    for (size_t j = 0; j < n; j++)
        if (isfinite(v[j]))
            sum += (v[k++] = v[j]);
    *s = (stats){sum / (double)k, NAN, {NAN, NAN, NAN}, NAN, k};
    if (k == 0)
        return; /* the library's quantile then fails with EDOMAIN */
    for (size_t j = 0; j < k; j++) {
        ss += (v[j] - s->mean) * (v[j] - s->mean);
        above += v[j] > 0.4 ? 1u : 0u;
    }
    s->sd = sqrt(ss / (double)(k - 1));
    s->above = (double)above / (double)k;
    qsort(v, k, sizeof *v, cmp);
    for (int j = 0; j < 3; j++) {
        double h = (double)(k - 1) * probs[j], f = floor(h);
        size_t i = (size_t)f;
        s->q[j] = i + 1 >= k ? v[k - 1] : v[i] + (h - f) * (v[i + 1] - v[i]);
    }
}

static int near(double a, double b) { return fabs(a - b) <= 1e-12 * fabs(b); }

int main(int argc, char **argv)
{
    int size, ok = 1;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long trials = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    if (trials < size || trials > INT_MAX) {
        if (rank == 0)
            fprintf(stderr, "usage: estimate_mpi [TRIALS (ranks to %d) [MODEL_FILE]]\n", INT_MAX);
        MPI_Finalize();
        return 2;
    }
    shipest_model *m = NULL;
    shipest_result *part = NULL, *whole = NULL; /* this rank's trials; rank 0: all of them */
    check(shipest_ctx_new(&ctx), "context");
    check(shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, 20250701), "seed");
    check(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, trials), "trials");
    check(shipest_model_parse_file(ctx, argc > 2 ? argv[2] : "examples/models/seed.shipest", &m),
          "model");
    int *counts = malloc((size_t)size * sizeof(int)), *displs = malloc((size_t)size * sizeof(int));
    if (counts == NULL || displs == NULL)
        check(SHIPEST_ENOMEM, "malloc");
    for (int r = 0, at = 0; r < size; at += counts[r++]) { /* [displs[r], + counts[r]) */
        counts[r] = (int)(trials / size) + (r < trials % size);
        displs[r] = at;
    }
    size_t n = (size_t)counts[rank], total = (size_t)trials;
    check(shipest_model_run_range(ctx, m, (uint64_t)displs[rank], n, 0, &part), "run_range");
    double *mine = malloc(n * sizeof *mine), *all = NULL, *ref = NULL;
    if (rank == 0 && (all = malloc(total * sizeof *all)) != NULL)
        ref = malloc(total * sizeof *ref);
    if (mine == NULL || (rank == 0 && ref == NULL))
        check(SHIPEST_ENOMEM, "malloc");
    if (rank == 0) {
        check(shipest_model_run(ctx, m, &whole), "one-process run");
        printf("%ld trials over %d ranks; summary of the gathered samples:\n", trials, size);
    }
    for (size_t i = 0; i < shipest_result_output_count(part); i++) {
        check(shipest_result_samples(part, i, 0, n, mine), "samples");
        MPI_Gatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0,
                    MPI_COMM_WORLD);
        if (rank != 0)
            continue;
        const char *name = shipest_result_output_name(whole, i);
        check(shipest_result_samples(whole, i, 0, total, ref), "samples");
        int samples_ok = memcmp(all, ref, total * sizeof *all) == 0;
        stats s;
        double mean, sd, q, p;
        summarise(all, total, &s);
        check(shipest_result_mean(whole, i, &mean), "mean");
        check(shipest_result_sd(whole, i, &sd), "sd");
        int stats_ok = near(s.mean, mean) && near(s.sd, sd);
        for (int j = 0; j < 3; j++) {
            check(shipest_result_quantile(whole, i, probs[j], &q), "quantile");
            stats_ok &= memcmp(&s.q[j], &q, sizeof q) == 0; /* bit for bit */
        }
        printf("  %-10s mean %.6g  sd %.4g  median %.6g  90%% [%.6g, %.6g] %s\n", name, s.mean,
               s.sd, s.q[1], s.q[0], s.q[2], shipest_result_output_unit(whole, i));
        if (strcmp(name, "share") == 0) {
            check(shipest_result_prob_above(whole, i, 0.4, &p, NULL), "prob_above");
            stats_ok &= memcmp(&s.above, &p, sizeof p) == 0;
            printf("  %-10s P(share > 40%%) = %.4f +/- %.4f\n", "", s.above,
                   sqrt(s.above * (1 - s.above) / (double)s.n));
        }
        if (!samples_ok || !stats_ok)
            printf("  %-10s MISMATCH: the %s differ\n", name, samples_ok ? "statistics" : "trials");
        ok &= samples_ok && stats_ok;
    }
    if (rank == 0)
        printf("bit-identical to a one-process run (every sample, quantile and P; "
               "mean and sd to 1e-12): %s\n", ok ? "yes" : "NO");
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(mine), free(all), free(ref), free(counts), free(displs);
    shipest_result_free(part), shipest_result_free(whole), shipest_model_free(m);
    shipest_ctx_free(ctx);
    MPI_Finalize();
    return ok ? 0 : 1;
}
