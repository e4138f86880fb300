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

Suite *test_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_json_validator_rejects);
    tcase_add_test(tc, test_json);
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
    suite_add_tcase(s, tc);
    return s;
}
