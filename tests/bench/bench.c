/* bench.c — throughput of the Monte Carlo engine on the worked example.
 *
 * The model: four uncertain inputs (containers, the months they took, the
 * demand, plus the table factors of the containers -> rounds conversion)
 * and a share; statistics: mean, sd and the 5/50/95% quantiles of every
 * output. Prints trials per second, nanoseconds per trial and peak
 * resident memory; runs tests/bench/bench_numpy.py with /usr/bin/python3
 * when NumPy is there and prints the ratio.
 *
 *   bench [--trials N] [--stream N] [--no-numpy] [--light]
 *   (--light: the conversion as one `a to b` factor instead of the table's
 *    load plan, to separate the engine's cost from the distributions')
 *   bench --stream-only N      (one streaming run; used by bench itself so
 *                               its peak memory is measured alone)
 *
 * A benchmark, not a test: it never fails on a slow machine. */
#define _POSIX_C_SOURCE 200809L

#include "shipest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char MODEL[] =
    "containers = 28000 to 40000 container @ \"ROK DIA via Bloomberg, Jul 2025\"\n"
    "rounds     = containers -> round_152mm\n"
    "per_year   = rounds / (22 to 25 month) -> round_152mm/year\n"
    "demand     = 10000 to 45000 round_152mm/day -> round_152mm/year\n"
    "share      = per_year / demand\n";

/* The same shape with the conversion written as one `a to b` factor, so no
 * load plan (whose PERT factors dominate the cost of the table route):
 * separates the engine's own cost from that of the distributions. */
static const char MODEL_LIGHT[] =
    "containers = 28000 to 40000 container\n"
    "per_box    = 300 to 500 round_152mm/container\n"
    "rounds     = containers * per_box\n"
    "per_year   = rounds / (22 to 25 month) -> round_152mm/year\n"
    "demand     = 10000 to 45000 round_152mm/day -> round_152mm/year\n"
    "share      = per_year / demand\n";

static const char *model_text = MODEL;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the whole process (all threads): on a shared machine the
 * one-thread figures are read from this, not from the wall clock. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double load1(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

static int fail(shipest_ctx *ctx, const char *what, shipest_status st)
{
    fprintf(stderr, "bench: %s: %s (%s)\n", what, shipest_strerror(st), shipest_ctx_errmsg(ctx));
    return 1;
}

/* Mean, sd and 5/50/95% quantiles of every output, as the NumPy version. */
static double summarise(const shipest_result *r)
{
    double acc = 0;
    for (size_t i = 0; i < shipest_result_output_count(r); i++) {
        double v;
        if (shipest_result_mean(r, i, &v) == SHIPEST_OK)
            acc += v;
        if (shipest_result_sd(r, i, &v) == SHIPEST_OK)
            acc += v;
        const double ps[3] = {0.05, 0.5, 0.95};
        for (int k = 0; k < 3; k++)
            if (shipest_result_quantile(r, i, ps[k], &v) == SHIPEST_OK)
                acc += v;
    }
    return acc;
}

/* Build the model and run n trials on `threads` threads; seconds taken. */
static int timed_run(shipest_ctx *ctx, uint64_t n, int64_t threads, double *secs, double *cpus,
                     int *sketched)
{
    shipest_status st;
    shipest_model *m = NULL;
    shipest_result *r = NULL;
    if ((st = shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, threads)) != SHIPEST_OK)
        return fail(ctx, "threads", st);
    double t0 = now(), c0 = cpu();
    if ((st = shipest_model_parse(ctx, model_text, strlen(model_text), &m)) != SHIPEST_OK)
        return fail(ctx, "parse", st);
    if ((st = shipest_model_run_range(ctx, m, 0, n, 0, &r)) != SHIPEST_OK) {
        shipest_model_free(m);
        return fail(ctx, "run", st);
    }
    volatile double sink = summarise(r);
    (void)sink;
    *secs = now() - t0;
    *cpus = cpu() - c0;
    *sketched = shipest_result_is_sketched(r);
    shipest_result_free(r);
    shipest_model_free(m);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int stream_only(uint64_t n)
{
    shipest_ctx *ctx;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 1;
    /* A 64 MiB budget for kept samples: 10^9 trials must stream. */
    if (shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(32) << 20) != SHIPEST_OK)
        return 1;
    double secs, cs;
    int sk;
    if (timed_run(ctx, n, 2, &secs, &cs, &sk))
        return 1;
    printf("stream   %12llu trials, 2 threads: wall %8.2f s (%.0f trials/s), cpu %8.2f s "
           "(%.1f ns/trial)  peak RSS %.1f MiB  (%s)\n",
           (unsigned long long)n, secs, (double)n / secs, cs, 1e9 * cs / (double)n, peak_mib(),
           sk ? "sketched" : "kept");
    shipest_ctx_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t trials = 10000000, stream = 10000000;
    int numpy = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc)
            trials = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--stream") == 0 && i + 1 < argc)
            stream = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--light") == 0)
            model_text = MODEL_LIGHT;
        else if (strcmp(argv[i], "--stream-only") == 0 && i + 1 < argc)
            return stream_only(strtoull(argv[++i], NULL, 10));
        else if (strcmp(argv[i], "--no-numpy") == 0)
            numpy = 0;
        else {
            fprintf(stderr, "usage: %s [--trials N] [--stream N] [--no-numpy] [--light]\n", argv[0]);
            return 2;
        }
    }
    shipest_ctx *ctx;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK)
        return 1;
    printf("libshipest %s bench: worked example (4 inputs, a conversion, a share)%s\n",
           shipest_version_string(), model_text == MODEL_LIGHT ? ", light conversion" : "");

    /* Interactive case: parse + run 10^4 trials + summary, median of 51. */
    printf("load average %.1f on this machine now (wall times include waiting for a core)\n", load1());
    double t[51], c[51];
    int sk;
    for (int k = 0; k < 51; k++)
        if (timed_run(ctx, 10000, 1, &t[k], &c[k], &sk))
            return 1;
    qsort(t, 51, sizeof t[0], cmp_double);
    qsort(c, 51, sizeof c[0], cmp_double);
    printf("interactive  10^4 trials, build + run + summary: wall %.2f ms, cpu %.2f ms "
           "(medians of 51; target < 5 ms)\n", 1e3 * t[25], 1e3 * c[25]);

    /* Throughput with exact quantiles (samples kept, like NumPy). */
    if (shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, INT64_C(4) << 30) != SHIPEST_OK)
        return 1;
    double s1, s2, c1, c2;
    /* Three of each, alternating, medians reported: one wall-time pair
     * moves by several percent from run to run even on an idle machine. */
    enum { REPS = 3 };
    double w1[REPS], w2[REPS], u1[REPS], u2[REPS], ratio[REPS];
    for (int k = 0; k < REPS; k++) {
        if (timed_run(ctx, trials, 1, &w1[k], &u1[k], &sk) ||
            timed_run(ctx, trials, 2, &w2[k], &u2[k], &sk))
            return 1;
        ratio[k] = w1[k] / w2[k];
    }
    qsort(w1, REPS, sizeof w1[0], cmp_double);
    qsort(w2, REPS, sizeof w2[0], cmp_double);
    qsort(u1, REPS, sizeof u1[0], cmp_double);
    qsort(u2, REPS, sizeof u2[0], cmp_double);
    qsort(ratio, REPS, sizeof ratio[0], cmp_double);
    s1 = w1[REPS / 2], s2 = w2[REPS / 2], c1 = u1[REPS / 2], c2 = u2[REPS / 2];
    printf("kept     %12llu trials, 1 thread:  wall %8.2f s, cpu %8.2f s  %12.0f trials/s  "
           "%7.1f ns/trial (cpu; medians of %d)\n",
           (unsigned long long)trials, s1, c1, (double)trials / c1, 1e9 * c1 / (double)trials, REPS);
    printf("kept     %12llu trials, 2 threads: wall %8.2f s, cpu %8.2f s  wall speed-up %.2fx "
           "(median of %d pairs, %.2f-%.2f; target >= 1.8x)\n",
           (unsigned long long)trials, s2, c2, ratio[REPS / 2], REPS, ratio[0], ratio[REPS - 1]);
    printf("peak RSS so far %.1f MiB\n", peak_mib());
    fflush(stdout);

    /* Streaming in a child process so its peak memory is its own. */
    if (stream > 0) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "'%s' %s--stream-only %llu", argv[0],
                 model_text == MODEL_LIGHT ? "--light " : "", (unsigned long long)stream);
        if (system(cmd) != 0)
            fprintf(stderr, "bench: streaming run failed\n");
        fflush(stdout);
    }

    if (numpy) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/bench/bench_numpy.py %llu%s 2>&1",
                 (unsigned long long)trials, model_text == MODEL_LIGHT ? " --light" : "");
        FILE *p = popen(cmd, "r");
        double np_rate = 0;
        char line[1024];
        while (p != NULL && fgets(line, sizeof line, p) != NULL) {
            fputs(line, stdout);
            sscanf(line, "numpy %*s trials, 1 thread: %*f s %lf", &np_rate);
        }
        if (p != NULL)
            pclose(p);
        if (np_rate > 0)
            printf("ratio    libshipest 1 thread (cpu) / NumPy = %.2fx (target >= 10x)\n",
                   ((double)trials / c1) / np_rate);
        else
            printf("numpy    not available (/usr/bin/python3 with numpy): no ratio\n");
    }
    shipest_ctx_free(ctx);
    return 0;
}
