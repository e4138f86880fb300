/* opts.c — option parsing and small helpers shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "shipest%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'shipest %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_lib_error(shipest_ctx *ctx, shipest_status st, const char *origin)
{
    const char *msg = shipest_ctx_errmsg(ctx);
    if (msg == NULL || msg[0] == '\0')
        msg = shipest_strerror(st);
    if (origin != NULL && strncmp(msg, "<string>", 8) == 0)
        fprintf(stderr, "shipest: %s%s\n", origin, msg + 8);
    else
        fprintf(stderr, "shipest: %s\n", msg);
    return EXIT_ERROR;
}

/* A whole number: digits, optionally with ',' or '_' between groups. */
static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char clean[64];
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if ((*p == ',' || *p == '_') && p != s)
            continue;
        if (n + 1 >= sizeof clean)
            return 0;
        clean[n++] = *p;
    }
    clean[n] = '\0';
    if (n == 0)
        return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(clean, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return 0;
    *out = (int64_t)v;
    return 1;
}

/* The value of --name VALUE or --name=VALUE; advances *i. */
static const char *opt_value(const char *cmd, int argc, char **argv, int *i, const char *eq,
                             int *err)
{
    if (eq != NULL)
        return eq + 1;
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "option '%s' needs a value", argv[*i]);
        *err = 1;
        return NULL;
    }
    return argv[++*i];
}

int cli_parse(const char *cmd, int argc, char **argv, int first, unsigned accept, cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = "mc";
    int only_args = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        /* "-" (standard input) and "-5 t" (a negative number) are arguments. */
        if (only_args || a[0] != '-' || a[1] == '\0' || (a[1] >= '0' && a[1] <= '9') ||
            a[1] == '.') {
            if (o->n_args == sizeof o->args / sizeof o->args[0])
                return cli_usage_error(cmd, "too many arguments");
            o->args[o->n_args++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
            continue;
        }
        /* Split --name=value. */
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        int err = 0;
#define IS(name) (nlen == strlen(name) && strncmp(a, name, nlen) == 0)
        if ((accept & OPT_TABLE) && IS("--table")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            if (o->n_tables == sizeof o->tables / sizeof o->tables[0])
                return cli_usage_error(cmd, "too many --table options");
            o->tables[o->n_tables++] = v;
        } else if ((accept & (OPT_RUN | OPT_CONVERT)) && (IS("--trials") || IS("--seed"))) {
            int is_trials = IS("--trials");
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            int64_t x;
            if (is_trials) {
                if (!parse_int(v, 1, INT64_C(1) << 50, &x))
                    return cli_usage_error(cmd, "--trials wants a whole number from 1 to 2^50, "
                                                "not '%s'", v);
                o->trials = x;
                o->has_trials = 1;
            } else {
                if (!parse_int(v, 0, INT64_MAX, &x))
                    return cli_usage_error(cmd, "--seed wants a whole number >= 0, not '%s'", v);
                o->seed = x;
                o->has_seed = 1;
            }
        } else if ((accept & OPT_RUN) && IS("--threads")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            if (!parse_int(v, 1, 256, &o->threads))
                return cli_usage_error(cmd, "--threads wants a number from 1 to 256, not '%s'", v);
            o->has_threads = 1;
        } else if ((accept & OPT_RUN) && IS("--adaptive")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            int64_t d;
            if (err)
                return EXIT_USAGE;
            if (!parse_int(v, 1, 6, &d))
                return cli_usage_error(cmd, "--adaptive wants significant digits from 1 to 6, "
                                            "not '%s'", v);
            o->adaptive = (int)d;
        } else if ((accept & OPT_RUN) && IS("--max-memory")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            if (!parse_int(v, 1, INT64_C(1) << 30, &o->max_memory_mib))
                return cli_usage_error(cmd, "--max-memory wants MiB, a whole number >= 1, "
                                            "not '%s'", v);
            o->has_max_memory = 1;
        } else if ((accept & OPT_RUN) && IS("--method")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            if (strcmp(v, "mc") != 0 && strcmp(v, "linear") != 0 && strcmp(v, "log") != 0 &&
                strcmp(v, "bounds") != 0 && strcmp(v, "all") != 0)
                return cli_usage_error(cmd, "--method wants mc, linear, log, bounds or all, "
                                            "not '%s'", v);
            o->method = v;
        } else if ((accept & OPT_RUN) && IS("--format")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0 && strcmp(v, "csv") != 0)
                return cli_usage_error(cmd, "--format wants text, json or csv, not '%s'", v);
            o->format = v;
        } else if ((accept & OPT_RUN) && IS("--prob")) {
            const char *v = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
            if (o->n_probs == sizeof o->probs / sizeof o->probs[0])
                return cli_usage_error(cmd, "too many --prob options");
            o->probs[o->n_probs++] = v;
        } else if ((accept & OPT_RUN) && IS("--svg")) {
            o->svg = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
        } else if ((accept & OPT_CONVERT) && IS("--via")) {
            o->via = opt_value(cmd, argc, argv, &i, eq, &err);
            if (err)
                return EXIT_USAGE;
        } else if ((accept & OPT_RUN) && IS("--samples") && !eq) {
            o->samples = 1;
        } else if ((accept & OPT_RUN) && IS("--quiet") && !eq) {
            o->quiet = 1;
        } else if ((accept & OPT_CLAIM) && IS("--share") && !eq) {
            o->share = 1;
        } else {
            return cli_usage_error(cmd, "unknown option '%s'", a);
        }
#undef IS
    }
    return EXIT_OK;
}

int cli_setup_ctx(shipest_ctx *ctx, const cli_opts *o)
{
    shipest_status st = SHIPEST_OK;
    if (o->has_seed)
        st = shipest_ctx_set_int(ctx, SHIPEST_OPT_SEED, o->seed);
    if (st == SHIPEST_OK && o->has_trials)
        st = shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, o->trials);
    if (st == SHIPEST_OK && o->has_threads)
        st = shipest_ctx_set_int(ctx, SHIPEST_OPT_THREADS, o->threads);
    if (st == SHIPEST_OK && o->has_max_memory)
        st = shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, o->max_memory_mib * 1024 * 1024);
    if (st != SHIPEST_OK)
        return cli_lib_error(ctx, st, NULL);
    for (size_t i = 0; i < o->n_tables; i++) {
        st = shipest_ctx_load_table_file(ctx, o->tables[i]);
        if (st != SHIPEST_OK)
            return cli_lib_error(ctx, st, NULL);
    }
    return EXIT_OK;
}

/* Thousands separators in the integer part of a plain decimal (from 4
 * digits on). */
static void group(const char *num, char *out, size_t size)
{
    char tmp[96];
    const char *p = num;
    size_t o = 0;
    if (*p == '-')
        tmp[o++] = *p++;
    size_t ilen = strspn(p, "0123456789");
    for (size_t i = 0; i < ilen && o + 2 < sizeof tmp; i++) {
        tmp[o++] = p[i];
        if (ilen > 3 && (ilen - i - 1) % 3 == 0 && i + 1 < ilen)
            tmp[o++] = ',';
    }
    snprintf(tmp + o, sizeof tmp - o, "%s", p + ilen);
    snprintf(out, size, "%s", tmp);
}

void cli_fmt(double v, int digits, char *out, size_t size)
{
    char tmp[64], num[64];
    if (!isfinite(v)) {
        snprintf(out, size, "%s", isnan(v) ? "n/a" : v > 0 ? "inf" : "-inf");
        return;
    }
    digits = digits < 1 ? 1 : digits > 6 ? 6 : digits;
    if (v == 0) {
        snprintf(out, size, "0");
        return;
    }
    snprintf(tmp, sizeof tmp, "%.*e", digits - 1, v);
    double r = strtod(tmp, NULL);
    int e = (int)floor(log10(fabs(r)));
    if (e >= 15 || e < -4) {
        snprintf(out, size, "%.*e", digits - 1, r);
        return;
    }
    int decimals = digits - 1 - e > 0 ? digits - 1 - e : 0;
    snprintf(num, sizeof num, "%.*f", decimals, r);
    group(num, out, size);
}

void cli_fmt_exact(double v, char *out, size_t size)
{
    char num[64];
    snprintf(num, sizeof num, "%.10g", v);
    if (strchr(num, 'e') != NULL || !isfinite(v))
        snprintf(out, size, "%s", num);
    else
        group(num, out, size);
}

void cli_wrap(FILE *f, const char *text, size_t indent, size_t col)
{
    const char *p = text;
    size_t start = col;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t w = strcspn(p, " ");
        if (col > start && col + 1 + w > 78) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = start = indent;
        } else if (col > start) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, w, f);
        col += w;
        p += w;
    }
    fputc('\n', f);
}
