/* claim.c — `shipest claim 'TEXT'`: the distribution a hedged public figure
 * becomes under the hedge policy (docs/claims.md), with the explanation. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char claim_help[] =
    "usage: shipest claim [options] 'TEXT'\n"
    "\n"
    "Show the distribution a hedged claim becomes, e.g. 'more than 28,000\n"
    "container', 'as much as 40%', 'about 13,000 person [B2]', and why: the\n"
    "hedge, the figure's rounding and the source grade (docs/claims.md).\n"
    "\n"
    "options:\n"
    "  --share           the claim is a share of a whole (dimensionless, at most 100%)\n"
    "  --table FILE      load a table file: its units and its `hedge` entries\n"
    "                    override the default policy (repeatable)\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 success, 1 claim or table error, 2 usage error.\n";

/* Add FILE's hedge entries to the lexicon. */
static shipest_status load_hedges(shipest_ctx *ctx, shipest_lexicon *lex, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "shipest: cannot read %s: %s\n", path, strerror(errno));
        return SHIPEST_EIO;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *p = cap >= ((size_t)1 << 24) ? NULL : realloc(buf, cap * 2);
        if (p == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = p;
        cap *= 2;
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "shipest: %s is too large\n", path);
        return SHIPEST_ELIMIT;
    }
    shipest_status st = shipest_lexicon_load(lex, path, buf, n);
    free(buf);
    if (st != SHIPEST_OK)
        cli_lib_error(ctx, st, NULL);
    return st;
}

int cmd_claim(int argc, char **argv)
{
    cli_opts o;
    int rc = cli_parse("claim", argc, argv, 2, OPT_CLAIM | OPT_TABLE, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.help) {
        fputs(claim_help, stdout);
        return EXIT_OK;
    }
    if (o.n_args != 1)
        return cli_usage_error("claim", "expected one argument: the claim text");
    shipest_ctx *ctx = NULL;
    shipest_lexicon *lex = NULL;
    shipest_dist *d = NULL;
    char unit[256], explain[4096], desc[512];
    size_t explain_len = 0;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK) {
        fprintf(stderr, "shipest: out of memory\n");
        return EXIT_ERROR;
    }
    /* --table files give hedge entries: they go to the lexicon only. */
    shipest_status st = shipest_lexicon_new(ctx, &lex);
    for (size_t i = 0; st == SHIPEST_OK && i < o.n_tables; i++)
        if ((st = load_hedges(ctx, lex, o.tables[i])) != SHIPEST_OK) {
            rc = EXIT_ERROR;
            goto done;
        }
    if (st == SHIPEST_OK)
        st = shipest_claim_parse(ctx, lex, o.args[0], strlen(o.args[0]),
                                 o.share ? SHIPEST_CLAIM_SHARE : 0u, &d, unit, sizeof unit, NULL,
                                 explain, sizeof explain, &explain_len);
    if (st != SHIPEST_OK) {
        rc = cli_lib_error(ctx, st, "<claim>");
        goto done;
    }
    double q05 = NAN, q50 = NAN, q95 = NAN, mean = NAN, lo = NAN, hi = NAN;
    if (shipest_dist_quantile(d, 0.05, &q05) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.5, &q50) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.95, &q95) != SHIPEST_OK ||
        shipest_dist_quantile(d, 0.0, &lo) != SHIPEST_OK ||
        shipest_dist_quantile(d, 1.0, &hi) != SHIPEST_OK) {
        rc = cli_lib_error(ctx, shipest_ctx_errcode(ctx), NULL);
        goto done;
    }
    if (shipest_dist_mean(d, &mean) != SHIPEST_OK)
        mean = NAN;
    shipest_dist_describe(d, desc, sizeof desc);
    const char *u = unit[0] ? unit : (o.share ? "(fraction)" : "(no unit)");
    char a[64], b[64];
    printf("%s\n", o.args[0]);
    cli_fmt(q50, 4, a, sizeof a);
    printf("  median   %s %s\n", a, unit);
    cli_fmt(q05, 4, a, sizeof a);
    cli_fmt(q95, 4, b, sizeof b);
    printf("  90%%      %s to %s %s\n", a, b, unit);
    cli_fmt(mean, 4, a, sizeof a);
    printf("  mean     %s %s\n", a, unit);
    cli_fmt(lo, 4, a, sizeof a);
    cli_fmt(hi, 4, b, sizeof b);
    printf("  support  %s to %s\n", a, b);
    printf("  unit     %s\n", u);
    printf("  model    ");
    cli_wrap(stdout, desc, 11, 11);
    printf("\nwhy\n  ");
    cli_wrap(stdout, explain, 2, 2);
    if (explain_len >= sizeof explain)
        printf("  (explanation truncated)\n");
done:
    shipest_dist_free(d);
    shipest_lexicon_free(lex);
    shipest_ctx_free(ctx);
    return rc;
}
