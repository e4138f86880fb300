/* progress.c — a progress bar on stderr and Ctrl-C cancellation.
 *
 * The SIGINT handler only sets a flag; the library calls the progress
 * callback on the running thread at least every 1% of the trials or 100 ms,
 * and the callback's non-zero return cancels the run cleanly (the run
 * returns SHIPEST_ECANCELLED having freed what it allocated). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

typedef struct progress {
    int enabled;     /* stderr is a terminal and --quiet was not given */
    int drawn;       /* the bar is on the screen */
    double start;    /* seconds, monotonic */
    double last;     /* last redraw */
} progress;

static progress state;
static struct sigaction old_action;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int on_progress(void *user, double fraction)
{
    progress *p = user;
    if (interrupted)
        return 1;
    if (!p->enabled)
        return 0;
    double t = now();
    /* Only runs that last longer than half a second get a bar. */
    if (t - p->start < 0.5 || (p->drawn && t - p->last < 0.1 && fraction < 1.0))
        return 0;
    p->last = t;
    p->drawn = 1;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    const int width = 40;
    int fill = (int)(fraction * width + 0.5);
    char bar[64];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = '\0';
    double eta = fraction > 0.01 ? (t - p->start) * (1 - fraction) / fraction : -1;
    if (eta >= 0)
        fprintf(stderr, "\rrunning [%s] %3.0f%%  %4.0f s left (Ctrl-C cancels) ", bar,
                fraction * 100, eta);
    else
        fprintf(stderr, "\rrunning [%s] %3.0f%%  (Ctrl-C cancels)             ", bar,
                fraction * 100);
    fflush(stderr);
    return 0;
}

void progress_begin(shipest_ctx *ctx, int quiet)
{
    memset(&state, 0, sizeof state);
    state.enabled = !quiet && isatty(STDERR_FILENO);
    state.start = now();
    interrupted = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    /* A second Ctrl-C gets the default action (stop at once). */
    sa.sa_flags = (int)SA_RESETHAND;
    sigaction(SIGINT, &sa, &old_action);
    if (shipest_ctx_set_progress(ctx, on_progress, &state) != SHIPEST_OK)
        fprintf(stderr, "shipest: cannot install the progress callback: %s\n",
                shipest_ctx_errmsg(ctx));
}

int progress_end(shipest_ctx *ctx)
{
    if (shipest_ctx_set_progress(ctx, NULL, NULL) != SHIPEST_OK)
        fprintf(stderr, "shipest: %s\n", shipest_ctx_errmsg(ctx));
    sigaction(SIGINT, &old_action, NULL);
    if (state.drawn) {
        fprintf(stderr, "\r%*s\r", 79, "");
        fflush(stderr);
    }
    return interrupted != 0;
}
