/* run.c — `shipest run FILE|-` and `shipest eval 'MODEL TEXT'`: build the
 * model, run it by Monte Carlo, write the report. --prob and --method print
 * after the text report; with --format json they go into the library's JSON
 * report as extras (shipest_report_extras), so the command never edits
 * JSON itself. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char run_help[] =
    "usage: shipest run [options] FILE|-\n"
    "       shipest eval [options] 'MODEL TEXT'\n"
    "\n"
    "Build a model (docs/language.md) from FILE, standard input (-) or the\n"
    "argument, run it by Monte Carlo and print a report of every output.\n"
    "\n"
    "options:\n"
    "  --trials N        Monte Carlo trials (default 100,000; with --adaptive,\n"
    "                    the cap, default 10,000,000)\n"
    "  --seed S          seed of the random streams (default 1)\n"
    "  --threads T       worker threads, 1-256 (results do not depend on it)\n"
    "  --adaptive D      run until every output is stable to D significant\n"
    "                    digits (JCGM 101 7.9), D from 1 to 6\n"
    "  --table FILE      load a table file over the default table (repeatable)\n"
    "  --method M        mc (Monte Carlo, the default), or linear, log, bounds\n"
    "                    or all: also propagate analytically and say whether\n"
    "                    that agrees with Monte Carlo (text or json)\n"
    "  --format F        text (default), json or csv (one row per output)\n"
    "  --samples         CSV of the raw trials instead of the report\n"
    "  --prob 'NAME > X' also print P(NAME > X) (or <) with its Monte Carlo\n"
    "                    error; X in the output's unit, or a % (repeatable;\n"
    "                    text or json)\n"
    "  --svg FILE        also write histograms and sensitivity bars as SVG\n"
    "  --max-memory MIB  memory cap for kept samples (default 256); past it\n"
    "                    quantiles come from sketches within 0.1%\n"
    "  --quiet           no progress bar and no notes on stderr\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 success, 1 model or table error (file:line:col on stderr),\n"
    "2 usage error, 130 cancelled with Ctrl-C.\n";

/* A --prob condition: "NAME > VALUE" or "NAME < VALUE", VALUE a number
 * (commas allowed) in the output's display unit, or a percentage. */
typedef struct condition {
    char name[256];
    int above;
    double value;
    char text[64]; /* the value as written */
} condition;

static int parse_condition(const char *s, condition *c)
{
    const char *op = strpbrk(s, "<>");
    if (op == NULL)
        return 0;
    size_t n = (size_t)(op - s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    while (n > 0 && *s == ' ')
        s++, n--;
    if (n == 0 || n >= sizeof c->name)
        return 0;
    memcpy(c->name, s, n);
    c->name[n] = '\0';
    c->above = *op == '>';
    const char *v = op + 1;
    while (*v == ' ')
        v++;
    char num[64];
    size_t k = 0;
    for (const char *p = v; *p && *p != '%' && *p != ' '; p++)
        if (*p != ',' && k + 1 < sizeof num)
            num[k++] = *p;
    num[k] = '\0';
    char *end = NULL;
    c->value = strtod(num, &end);
    if (k == 0 || *end != '\0')
        return 0;
    const char *rest = v + strcspn(v, "% ");
    if (*rest == '%') {
        c->value /= 100;
        rest++;
    }
    while (*rest == ' ')
        rest++;
    if (*rest != '\0')
        return 0;
    snprintf(c->text, sizeof c->text, "%.*s", (int)strcspn(v, " "), v);
    return 1;
}

static int print_probabilities(shipest_ctx *ctx, const shipest_result *r, const cli_opts *o)
{
    printf("\nProbabilities (Monte Carlo standard error in brackets)\n");
    for (size_t k = 0; k < o->n_probs; k++) {
        condition c;
        size_t i = 0;
        double p = 0, se = 0;
        if (!parse_condition(o->probs[k], &c))
            return EXIT_USAGE; /* checked before the run */
        shipest_status st = shipest_result_output_index(r, c.name, &i);
        if (st != SHIPEST_OK) {
            fprintf(stderr, "shipest: --prob '%s': the model has no output '%s'\n", o->probs[k],
                    c.name);
            return EXIT_USAGE;
        }
        st = c.above ? shipest_result_prob_above(r, i, c.value, &p, &se)
                     : shipest_result_prob_below(r, i, c.value, &p, &se);
        if (st != SHIPEST_OK)
            return cli_lib_error(ctx, st, NULL);
        const char *unit = shipest_result_output_unit(r, i);
        int pct = strchr(c.text, '%') != NULL;
        const char *words = shipest_probability_words(p);
        printf("  P(%s %s %s%s%s) = %.3f  (%.1g)  %s\n", c.name, c.above ? ">" : "<", c.text,
               unit && unit[0] && strcmp(unit, "1") != 0 && !pct ? " " : "",
               unit && strcmp(unit, "1") != 0 && !pct ? unit : "", p, se, words ? words : "");
    }
    return EXIT_OK;
}

/* Read all of FILE (or stdin for "-") into a new NUL-terminated buffer. */
static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (cap - n < 2) {
            char *p = cap > ((size_t)1 << 26) ? NULL : realloc(buf, cap * 2);
            if (p == NULL) {
                free(buf);
                return NULL;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int write_svg(shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
                     const char *path, int quiet)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "shipest: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_ERROR;
    }
    shipest_status st = shipest_report_fwrite(ctx, r, m, SHIPEST_REPORT_SVG, f);
    if (fclose(f) != 0 && st == SHIPEST_OK) {
        fprintf(stderr, "shipest: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_ERROR;
    }
    if (st != SHIPEST_OK)
        return cli_lib_error(ctx, st, NULL);
    if (!quiet)
        fprintf(stderr, "shipest: wrote %s\n", path);
    return EXIT_OK;
}

int cmd_run(int argc, char **argv, int is_eval)
{
    const char *cmd = is_eval ? "eval" : "run";
    cli_opts o;
    int rc = cli_parse(cmd, argc, argv, 2, OPT_RUN | OPT_TABLE, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.help) {
        fputs(run_help, stdout);
        return EXIT_OK;
    }
    if (o.n_args != 1)
        return cli_usage_error(cmd, is_eval ? "expected one argument: the model text"
                                            : "expected one argument: a model file or -");
    /* CSV holds summaries only (docs/cli.md): --method and --prob need the
     * text or the JSON report. */
    int csv = o.samples || (o.format != NULL && strcmp(o.format, "csv") == 0);
    if (strcmp(o.method, "mc") != 0 && csv)
        return cli_usage_error(cmd, "--method %s goes into the text or JSON report; it cannot "
                                    "be combined with %s", o.method,
                               o.samples ? "--samples" : "--format csv");
    for (size_t k = 0; k < o.n_probs; k++) {
        condition c;
        if (!parse_condition(o.probs[k], &c))
            return cli_usage_error(cmd, "--prob wants 'NAME > VALUE' or 'NAME < VALUE', e.g. "
                                        "'share > 40%%', not '%s'", o.probs[k]);
    }
    if (o.n_probs > 0 && csv)
        return cli_usage_error(cmd, "--prob goes into the text or JSON report; it cannot be "
                                    "combined with %s", o.samples ? "--samples" : "--format csv");
    if (o.samples && o.format != NULL && strcmp(o.format, "csv") != 0)
        return cli_usage_error(cmd, "--samples writes CSV; it cannot be combined with "
                                    "--format %s", o.format);
    shipest_report_format fmt = SHIPEST_REPORT_TEXT;
    if (o.samples)
        fmt = SHIPEST_REPORT_SAMPLES_CSV;
    else if (o.format != NULL && strcmp(o.format, "json") == 0)
        fmt = SHIPEST_REPORT_JSON;
    else if (o.format != NULL && strcmp(o.format, "csv") == 0)
        fmt = SHIPEST_REPORT_CSV;

    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK) {
        fprintf(stderr, "shipest: out of memory\n");
        return EXIT_ERROR;
    }
    shipest_model *m = NULL;
    shipest_result *r = NULL;
    shipest_report_extras *x = NULL;
    shipest_analysis *analyses[3] = {NULL, NULL, NULL};
    size_t n_analyses = 0;
    shipest_status st;
    rc = cli_setup_ctx(ctx, &o);
    if (rc != EXIT_OK)
        goto done;

    const char *src = o.args[0];
    if (is_eval) {
        st = shipest_model_parse(ctx, src, strlen(src), &m);
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, "<eval>");
            goto done;
        }
    } else if (strcmp(src, "-") == 0) {
        size_t len = 0;
        char *text = read_all(stdin, &len);
        if (text == NULL) {
            fprintf(stderr, "shipest: cannot read standard input\n");
            rc = EXIT_ERROR;
            goto done;
        }
        st = shipest_model_parse(ctx, text, len, &m);
        free(text);
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, "<stdin>");
            goto done;
        }
    } else {
        st = shipest_model_parse_file(ctx, src, &m);
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, src);
            goto done;
        }
    }

    /* Every --prob must name an output, before a long run is spent. */
    for (size_t k = 0; k < o.n_probs; k++) {
        condition c;
        shipest_node node = SHIPEST_NO_NODE;
        if (!parse_condition(o.probs[k], &c) || shipest_model_find(m, c.name, &node) !=
                                                    SHIPEST_OK ||
            !shipest_model_node_is_output(m, node)) {
            rc = cli_usage_error(cmd, "--prob '%s': the model has no output '%s'", o.probs[k],
                                 c.name);
            goto done;
        }
    }

    progress_begin(ctx, o.quiet);
    if (o.adaptive > 0) {
        uint64_t cap = o.has_trials ? (uint64_t)o.trials : UINT64_C(10000000);
        st = shipest_model_run_adaptive(ctx, m, o.adaptive, cap, 0, &r);
    } else {
        st = shipest_model_run(ctx, m, &r);
    }
    int cancelled = progress_end(ctx);
    if (st == SHIPEST_ECANCELLED || cancelled) {
        fprintf(stderr, "shipest: cancelled\n");
        rc = EXIT_CANCELLED;
        goto done;
    }
    if (st != SHIPEST_OK) {
        rc = cli_lib_error(ctx, st, NULL);
        goto done;
    }
    if (!o.quiet && shipest_result_stop_reason(r) == SHIPEST_STOP_CAP)
        fprintf(stderr, "shipest: note: the trial cap was reached before every output was "
                        "stable to %d digits; raise --trials\n", o.adaptive);

    if (fmt == SHIPEST_REPORT_JSON && (o.n_probs > 0 || strcmp(o.method, "mc") != 0)) {
        /* The JSON report carries --prob and --method itself: the library
         * writes them as "probabilities" (origin "caller") and "analytic". */
        st = shipest_report_extras_new(ctx, &x);
        for (size_t k = 0; k < o.n_probs && st == SHIPEST_OK; k++) {
            condition c;
            if (!parse_condition(o.probs[k], &c)) {
                rc = EXIT_USAGE; /* checked before the run */
                goto done;
            }
            st = shipest_report_extras_add_probability(x, c.name, c.above, c.value, o.probs[k]);
        }
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, NULL);
            goto done;
        }
        if (strcmp(o.method, "mc") != 0) {
            rc = analytic_extras(ctx, m, o.method, x, analyses, &n_analyses);
            if (rc != EXIT_OK)
                goto done;
        }
    }
    st = shipest_report_fwrite_extras(ctx, r, m, x, fmt, stdout);
    if (st != SHIPEST_OK) {
        rc = cli_lib_error(ctx, st, NULL);
        goto done;
    }
    if (o.n_probs > 0 && fmt == SHIPEST_REPORT_TEXT) {
        rc = print_probabilities(ctx, r, &o);
        if (rc != EXIT_OK)
            goto done;
    }
    if (strcmp(o.method, "mc") != 0 && fmt == SHIPEST_REPORT_TEXT) {
        rc = analytic_report(ctx, m, r, o.method);
        if (rc != EXIT_OK)
            goto done;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "shipest: writing the report failed: %s\n", strerror(errno));
        rc = EXIT_ERROR;
        goto done;
    }
    if (o.svg != NULL)
        rc = write_svg(ctx, r, m, o.svg, o.quiet);

done:
    shipest_report_extras_free(x);
    for (size_t k = 0; k < n_analyses; k++)
        shipest_analysis_free(analyses[k]);
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
    return rc;
}
