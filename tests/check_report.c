/* check_report.c — the report writers (text, JSON, CSV, samples CSV, SVG)
 * through the public API: buffer size queries, truncation, valid JSON and
 * XML structure, escaping, NULL handling and allocation failure. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The model of the worked example's first steps, plus an output that is
 * never finite (log of 0) and a source that needs escaping. */
static const char model_text[] =
    "containers = 28,000 to 35,000 container @ \"a \\\"quoted\\\" source & <more>\"\n"
    "rounds = containers -> round_152mm\n"
    "z = 0 to 1\n"
    "bad = log(z - z)\n"
    "output containers, rounds, bad\n";

typedef struct fixture {
    shipest_ctx *ctx;
    shipest_model *m;
    shipest_result *r;
} fixture;

static void fixture_new(fixture *f, int64_t trials)
{
    ck_assert_int_eq(shipest_ctx_new(&f->ctx), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(f->ctx, SHIPEST_OPT_TRIALS, trials), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(f->ctx, SHIPEST_OPT_SEED, 42), SHIPEST_OK);
    shipest_status st = shipest_model_parse(f->ctx, model_text, strlen(model_text), &f->m);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(f->ctx));
    st = shipest_model_run(f->ctx, f->m, &f->r);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(f->ctx));
}

static void fixture_free(fixture *f)
{
    shipest_result_free(f->r);
    shipest_model_free(f->m);
    shipest_ctx_free(f->ctx);
}

/* The whole report in a new buffer, through the size query. */
static char *report(fixture *f, shipest_report_format fmt, size_t *len)
{
    size_t needed = 1;
    ck_assert_int_eq(shipest_report_write(f->ctx, f->r, f->m, fmt, NULL, 0, &needed),
                     SHIPEST_OK);
    ck_assert_uint_gt(needed, 0);
    char *buf = malloc(needed + 1);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 'x', needed + 1);
    size_t again = 0;
    ck_assert_int_eq(shipest_report_write(f->ctx, f->r, f->m, fmt, buf, needed + 1, &again),
                     SHIPEST_OK);
    ck_assert_uint_eq(again, needed);
    ck_assert_uint_eq(strlen(buf), needed);
    *len = needed;
    return buf;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- a small JSON validator (RFC 8259 grammar; no semantic checks) ---- */

static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (!strchr("0123456789abcdefABCDEF", p[k]) || p[k] == '\0')
                        return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || *p == '\0')
                return NULL;
        }
        p++;
    }
    return p + 1;
}

static const char *json_number(const char *p)
{
    const char *start = p;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return p > start ? p : NULL;
}

static const char *json_value(const char *p, int depth)
{
    if (depth > 64)
        return NULL;
    p = ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int object = *p == '{';
        p = ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (object) {
                p = json_string(ws(p));
                if (p == NULL || *(p = ws(p)) != ':')
                    return NULL;
                p++;
            }
            p = json_value(p, depth + 1);
            if (p == NULL)
                return NULL;
            p = ws(p);
            if (*p == ',')
                p++;
            else if (*p == close)
                return p + 1;
            else
                return NULL;
        }
    }
    if (*p == '"')
        return json_string(p);
    if (strncmp(p, "true", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    if (strncmp(p, "null", 4) == 0)
        return p + 4;
    return json_number(p);
}

static int json_valid(const char *s)
{
    const char *end = json_value(s, 0);
    return end != NULL && *ws(end) == '\0';
}

START_TEST(test_json_validator_rejects)
{
    /* The validator itself must fail on broken JSON, or the tests below
     * prove nothing. */
    ck_assert(json_valid("{\"a\": [1, 2.5e3, null, true, \"x\\n\"]}"));
    ck_assert(!json_valid("{\"a\": nan}"));
    ck_assert(!json_valid("{\"a\": [1, 2,]}"));
    ck_assert(!json_valid("{\"a\" 1}"));
    ck_assert(!json_valid("{\"a\": \"unterminated}"));
    ck_assert(!json_valid("{\"a\": 1} x"));
    ck_assert(!json_valid("{\"a\": \"tab\tin string\"}"));
}
END_TEST

START_TEST(test_json)
{
    fixture f;
    size_t len;
    fixture_new(&f, 4000);
    char *j = report(&f, SHIPEST_REPORT_JSON, &len);
    ck_assert_msg(json_valid(j), "invalid JSON:\n%s", j);
    ck_assert_ptr_nonnull(strstr(j, "{\"trials\": 4000, \"seed\": 42,"));
    ck_assert_uint_eq(count(j, "{\"name\": \"containers\", \"unit\": \"container\""), 1);
    ck_assert_ptr_nonnull(strstr(j, "\"name\": \"rounds\", \"unit\": \"round_152mm\""));
    const char *keys[] = {"\"mean\": ", "\"sd\": ", "\"p05\": ", "\"p50\": ", "\"p95\": ",
                          "\"interval90\": [", "\"sensitivity\": [", "\"factors\": ["};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        ck_assert_msg(count(j, keys[k]) == 3, "%s appears %zu times", keys[k], count(j, keys[k]));
    /* The table factor and its source; the input's escaped source. */
    ck_assert_ptr_nonnull(strstr(j, "{\"name\": \"payload_20ft_24t\", \"source\": \"ISO"));
    ck_assert_ptr_nonnull(strstr(j, "\"source\": \"a \\\"quoted\\\" source & <more>\""));
    ck_assert_ptr_nonnull(strstr(j, "{\"input\": \"container_20ft.usable\", \"share\": "));
    /* An output with no finite value: statistics are null, not NaN. */
    const char *bad = strstr(j, "\"name\": \"bad\"");
    ck_assert_ptr_nonnull(bad);
    ck_assert_ptr_nonnull(strstr(bad, "\"mean\": null"));
    ck_assert_ptr_nonnull(strstr(bad, "\"interval90\": [null, null]"));
    ck_assert_ptr_null(strstr(j, "nan"));
    ck_assert_ptr_null(strstr(j, "inf"));
    /* Exact numbers: the mean reads back to the result's mean. */
    double mean;
    ck_assert_int_eq(shipest_result_mean(f.r, 1, &mean), SHIPEST_OK);
    const char *m = strstr(strstr(j, "\"name\": \"rounds\""), "\"mean\": ");
    ck_assert(strtod(m + 8, NULL) == mean);
    free(j);
    fixture_free(&f);
}
END_TEST

/* ---- shares, compares, probability statements and extras in JSON ---- */

/* A share, a compare, the model's P statements, a share with no finite
 * value (demand always 0) and one whose demand crosses 0. */
static const char share_text[] =
    "a = 10 to 20 t\n"
    "b = 12 to 18 t\n"
    "c = compare(a, b)\n"
    "share = share(a, 15 to 40 t)\n"
    "z = 0 to 1\n"
    "never = share(z - z + 1, z - z)\n"
    "wobbly = share(2 to 3, -1 to 1)\n"
    "P(share > 40%)\n"
    "P(c < 0.9)\n";

static void fixture_text(fixture *f, const char *text, int64_t trials)
{
    ck_assert_int_eq(shipest_ctx_new(&f->ctx), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(f->ctx, SHIPEST_OPT_TRIALS, trials), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(f->ctx, SHIPEST_OPT_SEED, 42), SHIPEST_OK);
    shipest_status st = shipest_model_parse(f->ctx, text, strlen(text), &f->m);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(f->ctx));
    st = shipest_model_run(f->ctx, f->m, &f->r);
    ck_assert_msg(st == SHIPEST_OK, "%s", shipest_ctx_errmsg(f->ctx));
}

/* The report with extras in a new buffer, through the size query. */
static char *report_x(fixture *f, const shipest_report_extras *x)
{
    size_t needed = 0, again = 0;
    ck_assert_int_eq(shipest_report_write_extras(f->ctx, f->r, f->m, x, SHIPEST_REPORT_JSON,
                                                 NULL, 0, &needed),
                     SHIPEST_OK);
    char *buf = malloc(needed + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(shipest_report_write_extras(f->ctx, f->r, f->m, x, SHIPEST_REPORT_JSON, buf,
                                                 needed + 1, &again),
                     SHIPEST_OK);
    ck_assert_uint_eq(again, needed);
    return buf;
}

/* The object of output @p name in the "outputs" array. */
static const char *output_obj(const char *j, const char *name)
{
    char key[128];
    snprintf(key, sizeof key, "{\"name\": \"%s\", \"unit\": ", name);
    const char *o = strstr(j, key);
    ck_assert_msg(o != NULL, "no output %s", name);
    return o;
}

/* The number after the first @p key (e.g. "\"p\": ") at or after @p from;
 * NaN for null. Exact: JSON numbers read back to the same double. */
static double num_after(const char *from, const char *key)
{
    const char *k = strstr(from, key);
    ck_assert_msg(k != NULL, "no %s", key);
    k += strlen(key);
    if (strncmp(k, "null", 4) == 0)
        return NAN;
    char *end = NULL;
    double v = strtod(k, &end);
    ck_assert_msg(end != k, "no number after %s", key);
    return v;
}

START_TEST(test_json_share_compare_statements)
{
    fixture f;
    fixture_text(&f, share_text, 20000);
    size_t len, i;
    char *j = report(&f, SHIPEST_REPORT_JSON, &len);
    ck_assert_msg(json_valid(j), "invalid JSON:\n%s", j);

    /* The share: P(share > 100%) and its standard error, as the accessor
     * gives them; no warning with demand well above zero. */
    double p, se;
    ck_assert_int_eq(shipest_result_output_index(f.r, "share", &i), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_prob_above(f.r, i, 1.0, &p, &se), SHIPEST_OK);
    const char *o = output_obj(j, "share");
    const char *sh = strstr(o, "\"share\": {\"p_over_100\": ");
    ck_assert_ptr_nonnull(sh);
    ck_assert(num_after(sh, "\"p_over_100\": ") == p);
    ck_assert(num_after(sh, "\"se\": ") == se);
    char want[256];
    snprintf(want, sizeof want, "\"words\": \"%s\", \"negative\": 0, \"warning\": null}",
             shipest_probability_words(p));
    ck_assert_ptr_nonnull(strstr(sh, want));
    /* Only share outputs have "share", only compare outputs "compare". */
    ck_assert_uint_eq(count(j, "\"share\": {"), 3);
    ck_assert_uint_eq(count(j, "\"compare\": {"), 1);

    /* A share that is never finite: null numbers and the warning. */
    o = output_obj(j, "never");
    ck_assert_ptr_nonnull(strstr(o, "\"share\": {\"p_over_100\": null, \"se\": null, "
                                    "\"words\": null, \"negative\": 0, \"warning\": \"demand "
                                    "near or below zero: 20000 trials gave no finite share and "
                                    "0 a negative one\"}"));
    /* Demand crossing zero: the count of negative shares, as the text. */
    o = output_obj(j, "wobbly");
    double pneg;
    uint64_t finite, nonfinite;
    ck_assert_int_eq(shipest_result_output_index(f.r, "wobbly", &i), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_prob_below(f.r, i, 0.0, &pneg, NULL), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_count(f.r, i, &finite, &nonfinite), SHIPEST_OK);
    snprintf(want, sizeof want, "\"negative\": %llu, \"warning\": \"demand near or below zero: "
                                "%llu trials gave no finite share and %llu a negative one\"}",
             (unsigned long long)llround(pneg * (double)finite), (unsigned long long)nonfinite,
             (unsigned long long)llround(pneg * (double)finite));
    ck_assert_msg(strstr(o, want) != NULL, "no %s", want);
    ck_assert_int_gt(llround(pneg * (double)finite), 0);

    /* The compare: agreement within 10%, 25% and 50%, with the verdict
     * text of shipest_agreement_text(). */
    ck_assert_int_eq(shipest_result_output_index(f.r, "c", &i), SHIPEST_OK);
    o = strstr(output_obj(j, "c"), "\"compare\": {\"agreement\": [");
    ck_assert_ptr_nonnull(o);
    static const double tol[] = {0.10, 0.25, 0.50};
    for (size_t k = 0; k < 3; k++) {
        char key[64], verdict[160];
        snprintf(key, sizeof key, "{\"tolerance\": %g, \"p_agree\": ", tol[k]);
        const char *e = strstr(o, key);
        ck_assert_msg(e != NULL, "no %s", key);
        ck_assert_int_eq(shipest_result_agreement(f.r, i, tol[k], &p, &se), SHIPEST_OK);
        ck_assert(num_after(e, "\"p_agree\": ") == p);
        ck_assert(num_after(e, "\"se\": ") == se);
        ck_assert_uint_gt(shipest_agreement_text(tol[k], p, verdict, sizeof verdict), 0);
        snprintf(want, sizeof want, "\"words\": \"%s\", \"verdict\": \"%s\"}",
                 shipest_probability_words(p), verdict);
        ck_assert_msg(strstr(e, want) != NULL, "no %s", want);
    }

    /* The model's P statements, evaluated on the result, in model order. */
    const char *ps = strstr(j, "\n \"probabilities\": [");
    ck_assert_ptr_nonnull(ps);
    const char *p1 = strstr(ps, "{\"text\": \"share > 40%\", \"output\": \"share\", \"above\": "
                                "true, \"threshold\": 0.4, \"p\": ");
    const char *p2 = strstr(ps, "{\"text\": \"c < 0.9\", \"output\": \"c\", \"above\": false, "
                                "\"threshold\": 0.9, \"p\": ");
    ck_assert_ptr_nonnull(p1);
    ck_assert_ptr_nonnull(p2);
    ck_assert(p1 < p2);
    ck_assert_int_eq(shipest_result_output_index(f.r, "share", &i), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_prob_above(f.r, i, 0.4, &p, &se), SHIPEST_OK);
    ck_assert(num_after(p1, "\"p\": ") == p);
    ck_assert(num_after(p1, "\"se\": ") == se);
    snprintf(want, sizeof want, "\"words\": \"%s\", \"origin\": \"model\"}",
             shipest_probability_words(p));
    ck_assert_ptr_nonnull(strstr(p1, want));
    ck_assert_int_eq(shipest_result_output_index(f.r, "c", &i), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_prob_below(f.r, i, 0.9, &p, &se), SHIPEST_OK);
    ck_assert(num_after(p2, "\"p\": ") == p);
    /* No extras: an empty analytic list. */
    ck_assert_ptr_nonnull(strstr(j, ",\n \"analytic\": []}\n"));
    ck_assert_ptr_null(strstr(j, "nan"));
    ck_assert_ptr_null(strstr(j, "inf"));

    /* Without the model the report knows no shares, compares or statements. */
    size_t n = 0;
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, NULL, SHIPEST_REPORT_JSON, NULL, 0, &n),
                     SHIPEST_OK);
    char *bare = malloc(n + 1);
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, NULL, SHIPEST_REPORT_JSON, bare, n + 1, &n),
                     SHIPEST_OK);
    ck_assert(json_valid(bare));
    ck_assert_ptr_null(strstr(bare, "\"share\": {"));
    ck_assert_ptr_null(strstr(bare, "\"compare\": {"));
    ck_assert_ptr_nonnull(strstr(bare, "\n \"probabilities\": [],"));
    free(bare);
    free(j);
    fixture_free(&f);
}
END_TEST

START_TEST(test_json_extras)
{
    fixture f;
    fixture_text(&f, share_text, 20000);
    shipest_report_extras *x = NULL;
    shipest_analysis *lin = NULL, *bnd = NULL;
    ck_assert_int_eq(shipest_report_extras_new(f.ctx, &x), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "share", 1, 0.5, "share > 50%"),
                     SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "a", 0, 12, NULL), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "nothing", 1, 1, NULL), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_analyze(f.ctx, f.m, SHIPEST_METHOD_LINEAR, &lin), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_analyze(f.ctx, f.m, SHIPEST_METHOD_BOUNDS, &bnd), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, lin, 2), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, bnd, 0), SHIPEST_OK);
    char *j = report_x(&f, x);
    ck_assert_msg(json_valid(j), "invalid JSON:\n%s", j);

    /* Caller statements after the model's, marked as the caller's. */
    const char *ps = strstr(j, "\n \"probabilities\": [");
    ck_assert_ptr_nonnull(ps);
    const char *c1 = strstr(ps, "{\"text\": \"share > 50%\", \"output\": \"share\", \"above\": "
                                "true, \"threshold\": 0.5, \"p\": ");
    const char *c2 = strstr(ps, "{\"text\": \"a < 12\", \"output\": \"a\", \"above\": false, "
                                "\"threshold\": 12, \"p\": ");
    ck_assert_ptr_nonnull(c1);
    ck_assert_ptr_nonnull(c2);
    ck_assert(strstr(ps, "\"origin\": \"model\"") < c1 && c1 < c2);
    size_t i;
    double p, se;
    ck_assert_int_eq(shipest_result_output_index(f.r, "share", &i), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_prob_above(f.r, i, 0.5, &p, &se), SHIPEST_OK);
    ck_assert(num_after(c1, "\"p\": ") == p);
    ck_assert(num_after(c1, "\"se\": ") == se);
    ck_assert_ptr_nonnull(strstr(c1, "\"origin\": \"caller\"}"));
    /* An output the result does not have: null numbers, not an error. */
    ck_assert_ptr_nonnull(strstr(ps, "{\"text\": \"nothing > 1\", \"output\": \"nothing\", "
                                     "\"above\": true, \"threshold\": 1, \"p\": null, \"se\": "
                                     "null, \"words\": null, \"origin\": \"caller\"}"));

    /* The linear analysis: numbers as its accessors give them, and the
     * comparison as shipest_analysis_compare() and _verdict() say. */
    const char *an = strstr(j, "\n \"analytic\": [");
    ck_assert_ptr_nonnull(an);
    const char *la = strstr(an, "{\"method\": \"linear\", \"digits\": 2, \"trustworthy\": ");
    ck_assert_ptr_nonnull(la);
    const char *ba = strstr(an, "{\"method\": \"bounds\", \"digits\": null, \"trustworthy\": null");
    ck_assert_ptr_nonnull(ba);
    ck_assert(la < ba);
    /* Output "never" has no finite value: no comparison for it, nor the
     * verdict text of the whole analysis (shipest_analysis_verdict() fails
     * on it), but the other outputs are still compared. */
    ck_assert_ptr_nonnull(strstr(la, "\"trustworthy\": null"));
    const char *ln = strstr(la, "{\"name\": \"never\"");
    ck_assert_ptr_nonnull(ln);
    ck_assert_ptr_nonnull(strstr(ln, "\"comparison\": null}"));
    ck_assert_int_eq(shipest_analysis_output_index(lin, "c", &i), SHIPEST_OK);
    const char *lc = strstr(la, "{\"name\": \"c\", \"unit\": \"\", \"flags\": [");
    ck_assert_ptr_nonnull(lc);
    ck_assert(lc < ba);
    double mean, sd, lo, hi, tol, diff;
    shipest_verdict v;
    ck_assert_int_eq(shipest_analysis_mean(lin, i, &mean), SHIPEST_OK);
    ck_assert_int_eq(shipest_analysis_sd(lin, i, &sd), SHIPEST_OK);
    ck_assert_int_eq(shipest_analysis_interval(lin, i, 0.9, &lo, &hi), SHIPEST_OK);
    ck_assert(num_after(lc, "\"mean\": ") == mean);
    ck_assert(num_after(lc, "\"sd\": ") == sd);
    ck_assert(num_after(lc, "\"p05\": ") == lo);
    ck_assert(num_after(lc, "\"p95\": ") == hi);
    ck_assert(num_after(lc, "\"interval90\": [") == lo);
    ck_assert_ptr_nonnull(strstr(lc, "\"budget\": [{\"input\": \"a\", \"unit\": \"t\""));
    ck_assert_int_eq(shipest_analysis_compare(f.ctx, lin, f.r, i, 2, &v, &tol, &diff), SHIPEST_OK);
    static const char *const vname[] = {"holds", "fails", "inconclusive", "no_answer"};
    char want[64];
    snprintf(want, sizeof want, "\"comparison\": {\"verdict\": \"%s\", \"tolerance\": ",
             vname[v]);
    const char *cmp = strstr(lc, want);
    ck_assert_msg(cmp != NULL, "no %s", want);
    ck_assert(num_after(cmp, "\"tolerance\": ") == tol);
    ck_assert(num_after(cmp, "\"difference\": ") == diff);
    const char *ct = strstr(cmp, "\"text\": ");
    ck_assert_ptr_nonnull(ct);
    ck_assert(strncmp(ct + 8, "null}", 5) == 0);

    /* Bounds without comparison: bounds and probability, comparison null;
     * an unbounded end is null, flagged. */
    const char *bs = strstr(ba, "{\"name\": \"share\", \"unit\": \"\", \"flags\": [\"unbounded\"]");
    ck_assert_ptr_nonnull(bs);
    ck_assert_ptr_nonnull(strstr(bs, "\"mean\": null, \"sd\": null"));
    ck_assert_ptr_nonnull(strstr(bs, "\"bounds\": [0, null], \"probability\": "));
    ck_assert_ptr_nonnull(strstr(bs, "\"comparison\": null}"));
    ck_assert_ptr_null(strstr(j, "nan"));
    ck_assert_ptr_null(strstr(j, "inf"));
    free(j);

    /* The same bytes through a stream; other formats ignore the extras. */
    for (int fmt = SHIPEST_REPORT_TEXT; fmt <= SHIPEST_REPORT_SVG; fmt++) {
        size_t a = 0, b = 0;
        if (fmt == SHIPEST_REPORT_JSON)
            continue;
        ck_assert_int_eq(shipest_report_write_extras(f.ctx, f.r, f.m, x,
                                                     (shipest_report_format)fmt, NULL, 0, &a),
                         SHIPEST_OK);
        ck_assert_int_eq(shipest_report_write(f.ctx, f.r, f.m, (shipest_report_format)fmt, NULL,
                                              0, &b),
                         SHIPEST_OK);
        ck_assert_uint_eq(a, b);
    }
    size_t needed = 0;
    FILE *tmp = tmpfile();
    ck_assert_ptr_nonnull(tmp);
    ck_assert_int_eq(shipest_report_fwrite_extras(f.ctx, f.r, f.m, x, SHIPEST_REPORT_JSON, tmp),
                     SHIPEST_OK);
    long flen = ftell(tmp);
    ck_assert_int_eq(shipest_report_write_extras(f.ctx, f.r, f.m, x, SHIPEST_REPORT_JSON, NULL, 0,
                                                 &needed),
                     SHIPEST_OK);
    ck_assert_int_eq(flen, (long)needed);
    fclose(tmp);
    /* NULL extras are the plain report. */
    size_t a = 0, b = 0;
    ck_assert_int_eq(shipest_report_write_extras(f.ctx, f.r, f.m, NULL, SHIPEST_REPORT_JSON, NULL,
                                                 0, &a),
                     SHIPEST_OK);
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, f.m, SHIPEST_REPORT_JSON, NULL, 0, &b),
                     SHIPEST_OK);
    ck_assert_uint_eq(a, b);

    shipest_report_extras_free(x);
    shipest_analysis_free(lin);
    shipest_analysis_free(bnd);
    fixture_free(&f);
}
END_TEST

START_TEST(test_json_extras_verdict)
{
    /* Every output comparable: "trustworthy" and each output's "text" are
     * those of shipest_analysis_verdict(). */
    fixture f;
    fixture_text(&f, "a = 10 to 20 t\nb = 12 to 18 t\nc = compare(a, b)\n", 20000);
    shipest_report_extras *x = NULL;
    shipest_analysis *lin = NULL;
    ck_assert_int_eq(shipest_report_extras_new(f.ctx, &x), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_analyze(f.ctx, f.m, SHIPEST_METHOD_LINEAR, &lin), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, lin, 3), SHIPEST_OK);
    char *j = report_x(&f, x);
    ck_assert_msg(json_valid(j), "invalid JSON:\n%s", j);
    size_t needed = 0;
    int trusted = -1;
    ck_assert_int_eq(shipest_analysis_verdict(f.ctx, lin, f.r, 3, NULL, 0, &needed, &trusted),
                     SHIPEST_OK);
    char *text = malloc(needed + 1);
    ck_assert_int_eq(shipest_analysis_verdict(f.ctx, lin, f.r, 3, text, needed + 1, NULL, NULL),
                     SHIPEST_OK);
    const char *la = strstr(j, "{\"method\": \"linear\", \"digits\": 3, \"trustworthy\": ");
    ck_assert_ptr_nonnull(la);
    ck_assert_ptr_nonnull(strstr(la, trusted ? "\"trustworthy\": true" : "\"trustworthy\": false"));
    /* One line per output, in order: each is its output's "text". */
    const char *line = text, *at = la;
    for (size_t i = 0; i < 3; i++) {
        size_t ll = strcspn(line, "\n");
        const char *t = strstr(at, "\"text\": \"");
        ck_assert_ptr_nonnull(t);
        ck_assert_msg(strncmp(t + 9, line, ll) == 0 && t[9 + ll] == '"', "line %zu: %.*s", i,
                      (int)ll, line);
        at = t + 9;
        line += ll + 1;
    }
    ck_assert_ptr_null(strstr(at, "\"text\": \""));
    free(text);
    free(j);
    shipest_report_extras_free(x);
    shipest_analysis_free(lin);
    fixture_free(&f);
}
END_TEST

START_TEST(test_extras_arguments)
{
    shipest_ctx *ctx;
    shipest_report_extras *x = (shipest_report_extras *)&x;
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_new(NULL, &x), SHIPEST_EINVAL);
    ck_assert_ptr_null(x);
    ck_assert_int_eq(shipest_report_extras_new(ctx, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_extras_new(ctx, &x), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_probability(NULL, "a", 1, 1, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, NULL, 1, 1, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "", 1, 1, NULL), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "a", 1, NAN, NULL), SHIPEST_EDOMAIN);
    /* An infinite threshold is a valid question (P(a < inf) = 1). */
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "a", 0, INFINITY, NULL), SHIPEST_OK);
    for (int k = 1; k < 4096; k++)
        ck_assert_int_eq(shipest_report_extras_add_probability(x, "a", 1, k, NULL), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_probability(x, "a", 1, 1, NULL), SHIPEST_ELIMIT);
    ck_assert_int_eq(shipest_report_extras_add_analysis(NULL, NULL, 2), SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, NULL, 2), SHIPEST_EINVAL);
    shipest_model *m;
    shipest_analysis *a;
    ck_assert_int_eq(shipest_model_parse(ctx, "x = 1 to 2 t\n", 13, &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_analyze(ctx, m, SHIPEST_METHOD_LOG, &a), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, a, -1), SHIPEST_ERANGE);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, a, 7), SHIPEST_ERANGE);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(ctx), "digits"));
    for (int k = 0; k < 64; k++)
        ck_assert_int_eq(shipest_report_extras_add_analysis(x, a, k % 7), SHIPEST_OK);
    ck_assert_int_eq(shipest_report_extras_add_analysis(x, a, 2), SHIPEST_ELIMIT);
    shipest_report_extras_free(x);
    shipest_report_extras_free(NULL);
    shipest_analysis_free(a);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

START_TEST(test_size_query_and_truncation)
{
    fixture f;
    size_t len, needed = 0;
    fixture_new(&f, 1000);
    for (int fmt = SHIPEST_REPORT_TEXT; fmt <= SHIPEST_REPORT_SVG; fmt++) {
        char *full = report(&f, (shipest_report_format)fmt, &len);
        char small[17];
        memset(small, 'x', sizeof small);
        ck_assert_int_eq(shipest_report_write(f.ctx, f.r, f.m, (shipest_report_format)fmt, small,
                                              sizeof small, &needed),
                         SHIPEST_OK);
        ck_assert_uint_eq(needed, len);
        ck_assert_uint_eq(strlen(small), sizeof small - 1);
        ck_assert(memcmp(small, full, sizeof small - 1) == 0);
        /* size 1: just the NUL. */
        small[0] = 'x';
        ck_assert_int_eq(shipest_report_write(f.ctx, f.r, f.m, (shipest_report_format)fmt, small,
                                              1, &needed),
                         SHIPEST_OK);
        ck_assert_int_eq(small[0], '\0');
        ck_assert_uint_eq(needed, len);
        /* The same bytes through a FILE *. */
        FILE *tmp = tmpfile();
        ck_assert_ptr_nonnull(tmp);
        ck_assert_int_eq(shipest_report_fwrite(f.ctx, f.r, f.m, (shipest_report_format)fmt, tmp),
                         SHIPEST_OK);
        ck_assert_int_eq(fseek(tmp, 0, SEEK_SET), 0);
        char *back = malloc(len + 1);
        ck_assert_uint_eq(fread(back, 1, len + 1, tmp), len);
        ck_assert(memcmp(back, full, len) == 0);
        free(back);
        fclose(tmp);
        free(full);
    }
    fixture_free(&f);
}
END_TEST

START_TEST(test_text)
{
    fixture f;
    size_t len;
    fixture_new(&f, 20000);
    char *t = report(&f, SHIPEST_REPORT_TEXT, &len);
    ck_assert_ptr_nonnull(strstr(t, "20,000 trials, seed 42"));
    ck_assert_ptr_nonnull(strstr(t, "\nrounds (round_152mm)\n  mean     "));
    ck_assert_ptr_nonnull(strstr(t, "  90%      "));
    ck_assert_ptr_nonnull(strstr(t, "  drivers  container_20ft.usable"));
    ck_assert_ptr_nonnull(strstr(t, "  limit    load plan "));
    ck_assert_ptr_nonnull(strstr(t, ": full by mass in "));
    ck_assert_ptr_nonnull(strstr(t, "  factors  payload_20ft_24t ["));
    ck_assert_ptr_nonnull(strstr(t, "\nSources\n  [1] a \"quoted\" source & <more>\n"));
    ck_assert_ptr_nonnull(strstr(t, "no trial gave a finite value"));
    /* Rounded to what the Monte Carlo error supports: the rounds mean has
     * at most 4 significant digits at 20,000 trials (sd/mean ~ 0.1). */
    const char *m = strstr(strstr(t, "\nrounds ("), "mean     ") + 9;
    size_t digits = 0, trailing = 0;
    for (; *m != ' '; m++)
        if (*m >= '0' && *m <= '9') {
            digits++;
            trailing = *m == '0' ? trailing + 1 : 0;
        }
    ck_assert_uint_ge(trailing, 3);
    ck_assert_uint_ge(digits, 7);
    free(t);
    fixture_free(&f);
}
END_TEST

START_TEST(test_csv)
{
    fixture f;
    size_t len;
    fixture_new(&f, 500);
    char *c = report(&f, SHIPEST_REPORT_CSV, &len);
    ck_assert(strncmp(c, "output,unit,mean,sd,se_mean,p05,p50,p95,interval90_lo,interval90_hi,"
                         "finite,nonfinite,top_input,top_share\r\n",
                      strlen("output,unit,mean,sd,se_mean,p05,p50,p95,interval90_lo,"
                             "interval90_hi,finite,nonfinite,top_input,top_share\r\n")) == 0);
    ck_assert_uint_eq(count(c, "\r\n"), 4);
    ck_assert_ptr_nonnull(strstr(c, "\r\nrounds,round_152mm,"));
    ck_assert_ptr_nonnull(strstr(c, "\r\nbad,,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,0,500,"));
    free(c);
    char *s = report(&f, SHIPEST_REPORT_SAMPLES_CSV, &len);
    ck_assert(strncmp(s, "sample,containers,rounds,bad\r\n", 30) == 0);
    ck_assert_uint_eq(count(s, "\r\n"), 501);
    /* Row 7 holds sample 7 of every output. */
    double v;
    ck_assert_int_eq(shipest_result_samples(f.r, 1, 7, 1, &v), SHIPEST_OK);
    const char *row = strstr(s, "\r\n7,");
    ck_assert_ptr_nonnull(row);
    row = strchr(row + 4, ',');
    ck_assert(strtod(row + 1, NULL) == v);
    free(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_svg)
{
    fixture f;
    size_t len;
    fixture_new(&f, 2000);
    char *s = report(&f, SHIPEST_REPORT_SVG, &len);
    ck_assert(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=", 50) == 0);
    ck_assert_uint_eq(count(s, "<svg "), 1);
    ck_assert_ptr_nonnull(strstr(s, "</svg>\n"));
    ck_assert_uint_eq(count(s, "<g class=\"output\""), 3);
    /* Two outputs have a histogram, median, 90% ends and sensitivity bars. */
    ck_assert_uint_eq(count(s, "class=\"median\""), 2);
    ck_assert_uint_eq(count(s, "class=\"p05\""), 2);
    ck_assert_uint_eq(count(s, "class=\"p95\""), 2);
    ck_assert_uint_eq(count(s, "<rect class=\"bar\""), 80);
    ck_assert_uint_ge(count(s, "<rect class=\"sens-bar\""), 3);
    ck_assert_ptr_nonnull(strstr(s, "<text class=\"axis-label\" x=\"280.0\" y=\"248.0\" "
                                    "text-anchor=\"middle\">round_152mm</text>"));
    ck_assert_ptr_nonnull(strstr(s, "no spread to plot"));
    /* Every element that opens closes: as many "<g" as "</g>". */
    ck_assert_uint_eq(count(s, "<g "), count(s, "</g>"));
    ck_assert_uint_eq(count(s, "<text"), count(s, "</text>"));
    ck_assert_ptr_null(strstr(s, "nan"));
    free(s);
    fixture_free(&f);
}
END_TEST

START_TEST(test_null_and_bad_arguments)
{
    fixture f;
    size_t needed = 99;
    char buf[8] = "xxxxxxx";
    fixture_new(&f, 100);
    ck_assert_int_eq(shipest_report_write(NULL, f.r, f.m, SHIPEST_REPORT_TEXT, buf, sizeof buf,
                                          &needed),
                     SHIPEST_EINVAL);
    ck_assert_uint_eq(needed, 0);
    needed = 99;
    ck_assert_int_eq(shipest_report_write(f.ctx, NULL, f.m, SHIPEST_REPORT_TEXT, buf, sizeof buf,
                                          &needed),
                     SHIPEST_EINVAL);
    ck_assert_uint_eq(needed, 0);
    ck_assert_str_eq(buf, "");
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(f.ctx), "result is NULL"));
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, f.m, SHIPEST_REPORT_TEXT, NULL, 5, &needed),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, f.m, (shipest_report_format)99, buf,
                                          sizeof buf, &needed),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_fwrite(f.ctx, f.r, f.m, SHIPEST_REPORT_TEXT, NULL),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_fwrite(NULL, f.r, f.m, SHIPEST_REPORT_TEXT, stdout),
                     SHIPEST_EINVAL);
    ck_assert_int_eq(shipest_report_fwrite(f.ctx, NULL, f.m, SHIPEST_REPORT_JSON, stdout),
                     SHIPEST_EINVAL);
    /* needed may be NULL; the model may be NULL. */
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, NULL, SHIPEST_REPORT_JSON, buf, sizeof buf,
                                          NULL),
                     SHIPEST_OK);
    ck_assert_str_eq(buf, "{\"trial");
    fixture_free(&f);
}
END_TEST

START_TEST(test_without_model)
{
    /* Without the model the text lists load plans in their own section and
     * the JSON carries no per-output load plans. */
    fixture f;
    fixture_new(&f, 1000);
    size_t n = 0;
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, NULL, SHIPEST_REPORT_TEXT, NULL, 0, &n),
                     SHIPEST_OK);
    char *t = malloc(n + 1);
    ck_assert_int_eq(shipest_report_write(f.ctx, f.r, NULL, SHIPEST_REPORT_TEXT, t, n + 1, &n),
                     SHIPEST_OK);
    ck_assert_ptr_nonnull(strstr(t, "\nLoad plans\n  load plan "));
    ck_assert_ptr_null(strstr(t, "  limit    "));
    free(t);
    fixture_free(&f);
}
END_TEST

START_TEST(test_io_error)
{
    fixture f;
    fixture_new(&f, 100);
    FILE *ro = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(ro);
    ck_assert_int_eq(shipest_report_fwrite(f.ctx, f.r, f.m, SHIPEST_REPORT_CSV, ro), SHIPEST_EIO);
    ck_assert_ptr_nonnull(strstr(shipest_ctx_errmsg(f.ctx), "writing the report failed"));
    fclose(ro);
    fixture_free(&f);
}
END_TEST

START_TEST(test_sketched_samples)
{
    shipest_ctx *ctx;
    shipest_model *m;
    shipest_result *r;
    const char *text = "x = 1 to 2 t\n";
    ck_assert_int_eq(shipest_ctx_new(&ctx), SHIPEST_OK);
    /* 1 MiB holds about 65,000 trials of one output: 200,000 are sketched. */
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_MAX_MEMORY, 1 << 20), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(ctx, SHIPEST_OPT_TRIALS, 200000), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_parse(ctx, text, strlen(text), &m), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_run(ctx, m, &r), SHIPEST_OK);
    ck_assert_int_eq(shipest_result_is_sketched(r), 1);
    size_t n = 7;
    ck_assert_int_eq(shipest_report_write(ctx, r, m, SHIPEST_REPORT_SAMPLES_CSV, NULL, 0, &n),
                     SHIPEST_EUNSUPPORTED);
    ck_assert_uint_eq(n, 0);
    /* The summaries still work, and say the quantiles are sketched. */
    char buf[4096];
    ck_assert_int_eq(shipest_report_write(ctx, r, m, SHIPEST_REPORT_TEXT, buf, sizeof buf, &n),
                     SHIPEST_OK);
    ck_assert_ptr_nonnull(strstr(buf, "sketch"));
    shipest_result_free(r);
    shipest_model_free(m);
    shipest_ctx_free(ctx);
}
END_TEST

/* The whole file @p name under tests/data, with "@VERSION@" replaced by
 * the library version. */
static char *golden(const char *name)
{
    FILE *f = fopen(harness_data_path(name), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", harness_data_path(name));
    static char raw[8192];
    size_t n = fread(raw, 1, sizeof raw - 1, f);
    fclose(f);
    raw[n] = '\0';
    char *out = malloc(2 * sizeof raw);
    ck_assert_ptr_nonnull(out);
    size_t o = 0;
    const char *v = shipest_version_string();
    for (const char *p = raw; *p;) {
        if (strncmp(p, "@VERSION@", 9) == 0) {
            memcpy(out + o, v, strlen(v));
            o += strlen(v);
            p += 9;
        } else
            out[o++] = *p++;
    }
    out[o] = '\0';
    return out;
}

START_TEST(test_golden)
{
    /* A model of constants: every statistic is exact, so the reports are
     * byte for byte the same on any machine. */
    static const char text[] = "mass = 21.6 t @ \"spec sheet\"\n"
                               "per_box = mass / 2 -> kg\n"
                               "ratio = 3 / 4\n";
    static const struct {
        shipest_report_format fmt;
        const char *file;
    } cases[] = {{SHIPEST_REPORT_TEXT, "report_constant.txt"},
                 {SHIPEST_REPORT_JSON, "report_constant.json"},
                 {SHIPEST_REPORT_CSV, "report_constant.csv"}};
    fixture f;
    ck_assert_int_eq(shipest_ctx_new(&f.ctx), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(f.ctx, SHIPEST_OPT_TRIALS, 100), SHIPEST_OK);
    ck_assert_int_eq(shipest_ctx_set_int(f.ctx, SHIPEST_OPT_SEED, 42), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_parse(f.ctx, text, strlen(text), &f.m), SHIPEST_OK);
    ck_assert_int_eq(shipest_model_run(f.ctx, f.m, &f.r), SHIPEST_OK);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len;
        char *got = report(&f, cases[k].fmt, &len);
        char *want = golden(cases[k].file);
        ck_assert_msg(strcmp(got, want) == 0, "%s differs; got:\n%s", cases[k].file, got);
        free(want);
        free(got);
    }
    fixture_free(&f);
}
END_TEST

START_TEST(test_out_of_memory)
{
    /* The writers allocate scratch memory from the context they are given:
     * each failure must give ENOMEM, write nothing and leak nothing. */
    fixture f;
    fixture_new(&f, 500);
    static const shipest_report_format fmts[] = {SHIPEST_REPORT_TEXT, SHIPEST_REPORT_JSON};
    for (size_t k = 0; k < 2; k++) {
        char buf[64];
        size_t needed = 0;
        HARNESS_OOM_LOOP(
            {
                buf[0] = 'x';
                st = shipest_report_write(ctx, f.r, f.m, fmts[k], buf, sizeof buf, &needed);
                if (st != SHIPEST_OK) {
                    ck_assert_int_eq(buf[0], '\0');
                    ck_assert_uint_eq(needed, 0);
                }
            },
            (void)0);
    }
    fixture_free(&f);
}
END_TEST

START_TEST(test_out_of_memory_extras)
{
    /* Extras and the verdicts the JSON report computes allocate too. */
    fixture f;
    fixture_text(&f, "a = 10 to 20 t\nb = 12 to 18 t\nc = compare(a, b)\n"
                     "s = share(a, 15 to 40 t)\nP(s > 40%)\n",
                 2000);
    shipest_analysis *lin = NULL;
    ck_assert_int_eq(shipest_model_analyze(f.ctx, f.m, SHIPEST_METHOD_LINEAR, &lin), SHIPEST_OK);
    shipest_report_extras *x = NULL;
    char buf[64];
    size_t needed = 0;
    HARNESS_OOM_LOOP(
        {
            buf[0] = 'x';
            st = shipest_report_extras_new(ctx, &x);
            if (st == SHIPEST_OK)
                st = shipest_report_extras_add_probability(x, "s", 1, 0.5, "s > 50%");
            if (st == SHIPEST_OK)
                st = shipest_report_extras_add_analysis(x, lin, 2);
            if (st == SHIPEST_OK) {
                st = shipest_report_write_extras(ctx, f.r, f.m, x, SHIPEST_REPORT_JSON, buf,
                                                 sizeof buf, &needed);
                if (st != SHIPEST_OK) {
                    ck_assert_int_eq(buf[0], '\0');
                    ck_assert_uint_eq(needed, 0);
                }
            }
        },
        {
            shipest_report_extras_free(x);
            x = NULL;
        });
    shipest_analysis_free(lin);
    fixture_free(&f);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_json_validator_rejects);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_json_share_compare_statements);
    tcase_add_test(tc, test_json_extras);
    tcase_add_test(tc, test_json_extras_verdict);
    tcase_add_test(tc, test_extras_arguments);
    tcase_add_test(tc, test_size_query_and_truncation);
    tcase_add_test(tc, test_text);
    tcase_add_test(tc, test_csv);
    tcase_add_test(tc, test_svg);
    tcase_add_test(tc, test_null_and_bad_arguments);
    tcase_add_test(tc, test_without_model);
    tcase_add_test(tc, test_io_error);
    tcase_add_test(tc, test_sketched_samples);
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_out_of_memory);
    tcase_add_test(tc, test_out_of_memory_extras);
    suite_add_tcase(s, tc);
    return s;
}
