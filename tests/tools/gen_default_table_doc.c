/* gen_default_table_doc.c — print docs/default-table.md from the default
 * table as the library loads it (public API only), so the page cannot drift
 * from src/tables/default.stbl. Usage: gen_default_table_doc > docs/default-table.md */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipest.h"

static shipest_ctx *ctx;

static void die(const char *what)
{
    fprintf(stderr, "gen_default_table_doc: %s: %s\n", what, shipest_ctx_errmsg(ctx));
    shipest_ctx_free(ctx);
    exit(1);
}

static const char *get(shipest_table_entry e, size_t i, shipest_table_field f)
{
    const char *v = NULL;
    if (shipest_table_get(ctx, e, i, f, &v) != SHIPEST_OK)
        die("shipest_table_get");
    return v;
}

static size_t count(shipest_table_entry e)
{
    size_t n = 0;
    if (shipest_table_count(ctx, e, &n) != SHIPEST_OK)
        die("shipest_table_count");
    return n;
}

/* Text for a Markdown table cell: '|' escaped, line breaks as spaces. */
static void cell(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '|')
            fputs("\\|", stdout);
        else if (*s == '\n' || *s == '\r')
            putchar(' ');
        else
            putchar(*s);
    }
}

/* Text as inline code (backquotes never occur in the table's values). */
static void code(const char *s)
{
    if (*s == '\0')
        return;
    putchar('`');
    cell(s);
    putchar('`');
}

int main(void)
{
    if (shipest_ctx_new(&ctx) != SHIPEST_OK) {
        fprintf(stderr, "gen_default_table_doc: cannot create a context\n");
        return 1;
    }
    printf("# The default table\n\n"
           "Generated from `src/tables/default.stbl` by "
           "`tests/tools/gen_default_table_doc.c` (run `make docs/default-table.md`); do not "
           "edit. The format is described in [tables.md](tables.md). Confidence: **V** "
           "confirmed in the cited source, **K** unverified reference value, **D** derived.\n\n");

    size_t n = count(SHIPEST_ENTRY_KIND);
    printf("## Item kinds (%zu)\n\nEach kind is a dimension of its own.\n\n"
           "| kind | description | defined at |\n|---|---|---|\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("| ");
        code(get(SHIPEST_ENTRY_KIND, i, SHIPEST_FIELD_NAME));
        printf(" | ");
        cell(get(SHIPEST_ENTRY_KIND, i, SHIPEST_FIELD_DESCRIPTION));
        printf(" | %s |\n", get(SHIPEST_ENTRY_KIND, i, SHIPEST_FIELD_LOCATION));
    }

    n = count(SHIPEST_ENTRY_ALIAS);
    printf("\n## Aliases (%zu)\n\n| alias | stands for | defined at |\n|---|---|---|\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("| ");
        code(get(SHIPEST_ENTRY_ALIAS, i, SHIPEST_FIELD_NAME));
        printf(" | ");
        code(get(SHIPEST_ENTRY_ALIAS, i, SHIPEST_FIELD_TO));
        printf(" | %s |\n", get(SHIPEST_ENTRY_ALIAS, i, SHIPEST_FIELD_LOCATION));
    }

    n = count(SHIPEST_ENTRY_UNIT);
    printf("\n## Units (%zu)\n\nBuilt-in exact units first, then the table's own.\n\n"
           "| unit | definition | in SI base units | defined at |\n|---|---|---|---|\n", n);
    for (size_t i = 0; i < n; i++) {
        printf("| ");
        code(get(SHIPEST_ENTRY_UNIT, i, SHIPEST_FIELD_NAME));
        printf(" | ");
        cell(get(SHIPEST_ENTRY_UNIT, i, SHIPEST_FIELD_DEFINITION));
        printf(" | ");
        code(get(SHIPEST_ENTRY_UNIT, i, SHIPEST_FIELD_SI));
        printf(" | %s |\n", get(SHIPEST_ENTRY_UNIT, i, SHIPEST_FIELD_LOCATION));
    }

    n = count(SHIPEST_ENTRY_FACTOR);
    printf("\n## Factors (%zu)\n\nEach factor reads \"FROM = DISTRIBUTION TO\". A factor with a "
           "route tag is used only when a conversion asks for it with `via TAG`; "
           "**preferred** settles a tie between equally short routes.\n",
           n);
    for (size_t i = 0; i < n; i++) {
        const char *route = get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_ROUTE);
        const char *note = get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_NOTE);
        printf("\n### %s\n\n", get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_NAME));
        printf("- **conversion:** `%s = %s %s`", get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_FROM),
               get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_DIST),
               get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_TO));
        if (*get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_PREFERRED) != '\0')
            printf(" (**preferred**)");
        if (*route != '\0')
            printf(" (route `%s`)", route);
        printf("\n- **source:** ");
        cell(get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_SOURCE));
        printf("\n- **date:** %s\n- **confidence:** ", get(SHIPEST_ENTRY_FACTOR, i,
                                                          SHIPEST_FIELD_DATE));
        cell(get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_CONFIDENCE));
        if (*note != '\0') {
            printf("\n- **note:** ");
            cell(note);
        }
        printf("\n- **defined at:** %s\n", get(SHIPEST_ENTRY_FACTOR, i, SHIPEST_FIELD_LOCATION));
    }

    static const struct {
        shipest_table_entry e;
        const char *title;
        shipest_table_field f[4];
        const char *label[4];
    } loads[] = {
        {SHIPEST_ENTRY_CARRIER,
         "Carriers",
         {SHIPEST_FIELD_PAYLOAD, SHIPEST_FIELD_USABLE, SHIPEST_FIELD_VOLUME, SHIPEST_FIELD_LENGTH},
         {"payload", "usable fraction", "inside volume", "inside length"}},
        {SHIPEST_ENTRY_CARGO,
         "Cargo",
         {SHIPEST_FIELD_MASS, SHIPEST_FIELD_VOLUME, SHIPEST_FIELD_LENGTH, SHIPEST_FIELD_MASS},
         {"packed mass", "packed volume", "package length", NULL}},
    };
    for (size_t k = 0; k < sizeof loads / sizeof loads[0]; k++) {
        n = count(loads[k].e);
        printf("\n## %s (%zu)\n\nLoad planning: items per carrier = min(payload x usable / "
               "mass, volume / volume, length fit); see tables.md.\n",
               loads[k].title, n);
        for (size_t i = 0; i < n; i++) {
            printf("\n### %s\n\n", get(loads[k].e, i, SHIPEST_FIELD_NAME));
            for (int a = 0; a < 4 && loads[k].label[a] != NULL; a++) {
                const char *v = get(loads[k].e, i, loads[k].f[a]);
                if (*v != '\0')
                    printf("- **%s:** `%s`\n", loads[k].label[a], v);
            }
            printf("- **source:** ");
            cell(get(loads[k].e, i, SHIPEST_FIELD_SOURCE));
            printf("\n- **date:** %s\n- **confidence:** ", get(loads[k].e, i, SHIPEST_FIELD_DATE));
            cell(get(loads[k].e, i, SHIPEST_FIELD_CONFIDENCE));
            printf("\n- **defined at:** %s\n", get(loads[k].e, i, SHIPEST_FIELD_LOCATION));
        }
    }
    shipest_ctx_free(ctx);
    return ferror(stdout) ? 1 : 0;
}
