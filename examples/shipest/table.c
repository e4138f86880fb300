/* table.c — `shipest table list [FILE]` and `shipest table check FILE`. */
#include "cli.h"

#include <string.h>

static const char table_help[] =
    "usage: shipest table list [options] [FILE...]\n"
    "       shipest table check [options] FILE...\n"
    "\n"
    "list   print every item kind, alias, exact unit, conversion factor (with\n"
    "       its distribution, source, date and confidence), carrier and cargo\n"
    "       of the default table plus the FILEs and --table files.\n"
    "check  load each FILE over the default table and report what it adds, or\n"
    "       the first error as FILE:LINE:COL (the format is docs/tables.md).\n"
    "\n"
    "options:\n"
    "  --table FILE      load a table file first (repeatable)\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 success, 1 a table error, 2 usage error.\n";

static const char *get(shipest_ctx *ctx, shipest_table_entry e, size_t i, shipest_table_field f)
{
    const char *v = "";
    if (shipest_table_get(ctx, e, i, f, &v) != SHIPEST_OK || v == NULL)
        v = "";
    return v;
}

static size_t count(shipest_ctx *ctx, shipest_table_entry e)
{
    size_t n = 0;
    if (shipest_table_count(ctx, e, &n) != SHIPEST_OK)
        n = 0;
    return n;
}

/* "  label       value" with the value wrapped, when the value is set. */
static void field(const char *label, const char *value)
{
    if (value[0] == '\0')
        return;
    printf("      %-12s", label);
    cli_wrap(stdout, value, 18, 18);
}

static void list_tables(shipest_ctx *ctx)
{
    size_t n = count(ctx, SHIPEST_ENTRY_KIND);
    printf("Item kinds (%zu): each its own dimension\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("  %-20s ", get(ctx, SHIPEST_ENTRY_KIND, i, SHIPEST_FIELD_NAME));
        cli_wrap(stdout, get(ctx, SHIPEST_ENTRY_KIND, i, SHIPEST_FIELD_DESCRIPTION), 23, 23);
    }
    n = count(ctx, SHIPEST_ENTRY_ALIAS);
    printf("\nAliases (%zu)\n", n);
    for (size_t i = 0; i < n; i++)
        printf("  %s = %s\n", get(ctx, SHIPEST_ENTRY_ALIAS, i, SHIPEST_FIELD_FROM),
               get(ctx, SHIPEST_ENTRY_ALIAS, i, SHIPEST_FIELD_TO));
    n = count(ctx, SHIPEST_ENTRY_UNIT);
    printf("\nExact units (%zu)\n", n);
    for (size_t i = 0; i < n; i++)
        printf("  %-20s %s\n", get(ctx, SHIPEST_ENTRY_UNIT, i, SHIPEST_FIELD_NAME),
               get(ctx, SHIPEST_ENTRY_UNIT, i, SHIPEST_FIELD_DEFINITION));
    n = count(ctx, SHIPEST_ENTRY_FACTOR);
    printf("\nConversion factors (%zu)\n", n);
    for (size_t i = 0; i < n; i++) {
        const char *route = get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_ROUTE);
        const char *pref = get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_PREFERRED);
        printf("  %s: %s = %s %s", get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_NAME),
               get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_FROM),
               get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_DIST),
               get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_TO));
        if (pref[0])
            printf("  [preferred]");
        if (route[0])
            printf("  [via %s]", route);
        printf("\n");
        field("source", get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_SOURCE));
        field("date", get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_DATE));
        field("confidence", get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_CONFIDENCE));
        field("note", get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_NOTE));
        field("defined at", get(ctx, SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_LOCATION));
    }
    n = count(ctx, SHIPEST_ENTRY_CARRIER);
    printf("\nLoad-planning carriers (%zu)\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("  %s\n", get(ctx, SHIPEST_ENTRY_CARRIER, i, SHIPEST_FIELD_NAME));
        field("payload", get(ctx, SHIPEST_ENTRY_CARRIER, i, SHIPEST_FIELD_PAYLOAD));
        field("usable", get(ctx, SHIPEST_ENTRY_CARRIER, i, SHIPEST_FIELD_USABLE));
        field("volume", get(ctx, SHIPEST_ENTRY_CARRIER, i, SHIPEST_FIELD_VOLUME));
        field("length", get(ctx, SHIPEST_ENTRY_CARRIER, i, SHIPEST_FIELD_LENGTH));
        field("source", get(ctx, SHIPEST_ENTRY_CARRIER, i, SHIPEST_FIELD_SOURCE));
    }
    n = count(ctx, SHIPEST_ENTRY_CARGO);
    printf("\nLoad-planning cargo (%zu)\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("  %s\n", get(ctx, SHIPEST_ENTRY_CARGO, i, SHIPEST_FIELD_NAME));
        field("mass", get(ctx, SHIPEST_ENTRY_CARGO, i, SHIPEST_FIELD_MASS));
        field("volume", get(ctx, SHIPEST_ENTRY_CARGO, i, SHIPEST_FIELD_VOLUME));
        field("length", get(ctx, SHIPEST_ENTRY_CARGO, i, SHIPEST_FIELD_LENGTH));
        field("source", get(ctx, SHIPEST_ENTRY_CARGO, i, SHIPEST_FIELD_SOURCE));
    }
}

int cmd_table(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0) {
        if (argc < 3)
            return cli_usage_error("table", "expected 'list' or 'check'");
        fputs(table_help, stdout);
        return EXIT_OK;
    }
    int is_list = strcmp(argv[2], "list") == 0;
    if (!is_list && strcmp(argv[2], "check") != 0)
        return cli_usage_error("table", "unknown action '%s' (list or check)", argv[2]);
    cli_opts o;
    int rc = cli_parse("table", argc, argv, 3, OPT_TABLE, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.help) {
        fputs(table_help, stdout);
        return EXIT_OK;
    }
    if (!is_list && o.n_args == 0)
        return cli_usage_error("table", "check needs a FILE");
    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK) {
        fprintf(stderr, "shipest: out of memory\n");
        return EXIT_ERROR;
    }
    rc = cli_setup_ctx(ctx, &o);
    static const shipest_table_entry kinds[] = {SHIPEST_ENTRY_KIND,    SHIPEST_ENTRY_ALIAS,
                                                SHIPEST_ENTRY_UNIT,    SHIPEST_ENTRY_FACTOR,
                                                SHIPEST_ENTRY_CARRIER, SHIPEST_ENTRY_CARGO};
    static const char *const names[] = {"kinds", "aliases", "units", "factors", "carriers",
                                        "cargo"};
    for (size_t f = 0; rc == EXIT_OK && f < o.n_args; f++) {
        size_t before[6];
        for (size_t k = 0; k < 6; k++)
            before[k] = count(ctx, kinds[k]);
        shipest_status st = shipest_ctx_load_table_file(ctx, o.args[f]);
        if (st != SHIPEST_OK) {
            rc = cli_lib_error(ctx, st, o.args[f]);
            break;
        }
        if (!is_list) {
            printf("%s: OK (new entries:", o.args[f]);
            for (size_t k = 0; k < 6; k++)
                printf("%s %s %zu", k ? "," : "", names[k], count(ctx, kinds[k]) - before[k]);
            printf("; overrides replace entries in place)\n");
        }
    }
    if (rc == EXIT_OK && is_list)
        list_tables(ctx);
    shipest_ctx_free(ctx);
    return rc;
}
