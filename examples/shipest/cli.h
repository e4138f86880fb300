/* cli.h — shared declarations of the shipest command (examples/shipest).
 *
 * The command is an example program over the public API only: it includes
 * nothing but <shipest.h> and the C library. Each file has one job:
 *   main.c      subcommand dispatch, --help and --version
 *   opts.c      option parsing shared by the subcommands
 *   run.c       `run FILE|-` and `eval 'MODEL TEXT'`
 *   convert.c   `convert 'QUANTITY' UNIT`
 *   claim.c     `claim 'TEXT'`
 *   table.c     `table list|check`
 *   analytic.c  `--method linear|log|bounds|all` beside Monte Carlo (text),
 *               or as report extras (JSON)
 *   progress.c  the progress bar and Ctrl-C cancellation
 */
#ifndef SHIPEST_CLI_H
#define SHIPEST_CLI_H

#include <shipest.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses (docs/cli.md). */
enum {
    EXIT_OK = 0,        /* success */
    EXIT_ERROR = 1,     /* a model, table or claim error, or a file error */
    EXIT_USAGE = 2,     /* a usage error */
    EXIT_CANCELLED = 130 /* Ctrl-C: 128 + SIGINT, as shells report it */
};

/* ---- opts.c ------------------------------------------------------------- */

/* Options every subcommand may take; each records whether it was given. */
typedef struct cli_opts {
    int64_t trials, seed, threads, max_memory_mib;
    int has_trials, has_seed, has_threads, has_max_memory;
    int adaptive; /* digits, 0 = fixed trials */
    const char *method, *format, *svg, *via;
    int samples, quiet, share, help;
    const char *tables[64];
    size_t n_tables;
    const char *probs[16]; /* --prob 'NAME > VALUE' */
    size_t n_probs;
    const char *args[8]; /* positional arguments */
    size_t n_args;
} cli_opts;

/* Which options a subcommand accepts (bit flags). */
enum {
    OPT_RUN = 1,      /* --trials --seed --threads --adaptive --method --format
                         --samples --svg --max-memory --quiet --prob */
    OPT_TABLE = 2,    /* --table FILE (repeatable) */
    OPT_CONVERT = 4,  /* --via --seed --trials */
    OPT_CLAIM = 8     /* --share */
};

/* Parse argv[first..argc). Returns EXIT_OK or EXIT_USAGE (message printed,
 * naming the subcommand @p cmd). */
int cli_parse(const char *cmd, int argc, char **argv, int first, unsigned accept,
              cli_opts *o);

/* Print "shipest CMD: message" and a hint to use --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print the library's message for a failed call ("shipest: " + errmsg, with
 * "<string>" replaced by @p origin when given); returns EXIT_ERROR. */
int cli_lib_error(shipest_ctx *ctx, shipest_status st, const char *origin);

/* Apply --seed, --trials, --threads, --max-memory and load every --table.
 * Returns EXIT_OK or EXIT_ERROR (message printed). */
int cli_setup_ctx(shipest_ctx *ctx, const cli_opts *o);

/* A number with thousands separators and @p digits significant digits
 * (1..6), for human-readable output. */
void cli_fmt(double v, int digits, char *out, size_t size);

/* An exact number: up to 10 significant digits, no trailing zeros. */
void cli_fmt_exact(double v, char *out, size_t size);

/* Print @p text wrapped at 78 columns, continuation lines indented by
 * @p indent, the first line starting at column @p col. */
void cli_wrap(FILE *f, const char *text, size_t indent, size_t col);

/* ---- subcommands -------------------------------------------------------- */

int cmd_run(int argc, char **argv, int is_eval);
int cmd_convert(int argc, char **argv);
int cmd_claim(int argc, char **argv);
int cmd_table(int argc, char **argv);

/* ---- analytic.c ----------------------------------------------------------- */

/* Print the analytic propagation by @p which ("linear", "log", "bounds" or
 * "all") of @p m and its verdict against the Monte Carlo result @p r, on
 * stdout. Returns EXIT_OK or EXIT_ERROR (message printed). */
int analytic_report(shipest_ctx *ctx, const shipest_model *m, const shipest_result *r,
                    const char *which);

/* For --format json: analyse @p m by every method @p which names and add
 * each analysis to the report extras @p x. The analyses go into @p out
 * (room for 3; *n of them) and must outlive the report; the caller frees
 * them with shipest_analysis_free(), also on failure. Returns EXIT_OK or
 * EXIT_ERROR (message printed). */
int analytic_extras(shipest_ctx *ctx, const shipest_model *m, const char *which,
                    shipest_report_extras *x, shipest_analysis **out, size_t *n);

/* ---- progress.c ----------------------------------------------------------- */

/* Install the progress callback (bar on stderr when it is a terminal, the
 * run passes 0.5 s and @p quiet is 0) and the SIGINT handler. */
void progress_begin(shipest_ctx *ctx, int quiet);
/* Remove both, clear the bar; returns 1 if Ctrl-C was pressed. */
int progress_end(shipest_ctx *ctx);

#endif
