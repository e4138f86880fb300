/* ctx.c — the context: allocator hooks, typed options, callbacks, errors. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"


static void *std_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

static void *std_realloc(void *user, void *ptr, size_t size)
{
    (void)user;
    return realloc(ptr, size);
}

static void std_free(void *user, void *ptr)
{
    (void)user;
    free(ptr);
}

shipest_status shipest_ctx_new(shipest_ctx **out)
{
    return shipest_ctx_new_with_allocator(std_alloc, std_realloc, std_free, NULL, out);
}

shipest_status shipest_ctx_new_with_allocator(shipest_alloc_fn alloc_fn,
                                              shipest_realloc_fn realloc_fn,
                                              shipest_free_fn free_fn, void *user,
                                              shipest_ctx **out)
{
    if (out == NULL)
        return SHIPEST_EINVAL;
    *out = NULL;
    if (alloc_fn == NULL || realloc_fn == NULL || free_fn == NULL)
        return SHIPEST_EINVAL;
    shipest_ctx *ctx = alloc_fn(user, sizeof *ctx);
    if (ctx == NULL)
        return SHIPEST_ENOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc_fn = alloc_fn;
    ctx->realloc_fn = realloc_fn;
    ctx->free_fn = free_fn;
    ctx->alloc_user = user;
    ctx->seed = 1;
    ctx->trials = 100000;
    ctx->threads = 1;
    ctx->max_memory = INT64_C(256) << 20;
    ctx->block_size = 4096;
    ctx->coverage = 0.9;
    *out = ctx;
    return SHIPEST_OK;
}

void shipest_ctx_free(shipest_ctx *ctx)
{
    if (ctx == NULL)
        return;
    shp_tables_free(ctx, ctx->tables);
    ctx->free_fn(ctx->alloc_user, ctx);
}

const char *shipest_ctx_errmsg(const shipest_ctx *ctx)
{
    if (ctx == NULL)
        return "no context (NULL)";
    return ctx->errmsg;
}

shipest_status shipest_ctx_errcode(const shipest_ctx *ctx)
{
    return ctx == NULL ? SHIPEST_EINVAL : ctx->errcode;
}

shipest_status shp_verror(shipest_ctx *ctx, shipest_status status, const char *fmt, va_list ap)
{
    if (ctx == NULL)
        return status;
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    ctx->errcode = status;
    if (ctx->log_fn != NULL)
        ctx->log_fn(ctx->log_user, SHIPEST_LOG_ERROR, ctx->errmsg);
    return status;
}

shipest_status shp_error(shipest_ctx *ctx, shipest_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    shp_verror(ctx, status, fmt, ap);
    va_end(ap);
    return status;
}

void shp_log(shipest_ctx *ctx, shipest_log_level level, const char *fmt, ...)
{
    if (ctx == NULL || ctx->log_fn == NULL)
        return;
    char msg[SHP_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_user, level, msg);
}

int shp_progress(shipest_ctx *ctx, double fraction)
{
    if (ctx->progress_fn == NULL)
        return 0;
    return ctx->progress_fn(ctx->progress_user, fraction) != 0;
}

/* ---- typed options ---------------------------------------------------------
 * One table describes every option: its type, bounds and where it lives, so
 * set, get and bounds share one lookup and cannot disagree. */

typedef struct option_info {
    shipest_option key;
    const char *name;
    int is_int;
    double lo, hi;  /* for real options */
    int64_t ilo, ihi; /* for integer options */
    size_t offset;  /* of the int64_t or double field in shipest_ctx */
} option_info;

#define OPT_INT(k, n, lo, hi, field) { k, n, 1, 0, 0, lo, hi, offsetof(shipest_ctx, field) }
#define OPT_DBL(k, n, lo, hi, field) { k, n, 0, lo, hi, 0, 0, offsetof(shipest_ctx, field) }

static const option_info options[] = {
    OPT_INT(SHIPEST_OPT_SEED, "seed", 0, INT64_MAX, seed),
    OPT_INT(SHIPEST_OPT_TRIALS, "trials", 1, INT64_C(1) << 50, trials),
    OPT_INT(SHIPEST_OPT_THREADS, "threads", 1, 256, threads),
    OPT_INT(SHIPEST_OPT_MAX_MEMORY, "max_memory", INT64_C(1) << 20, INT64_C(1) << 50, max_memory),
    OPT_INT(SHIPEST_OPT_BLOCK_SIZE, "block_size", 64, 65536, block_size),
    OPT_DBL(SHIPEST_OPT_COVERAGE, "coverage", 0.5, 0.999, coverage),
};

static const option_info *find_option(shipest_ctx *ctx, shipest_option key, int want_int)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (options[i].key != key)
            continue;
        if (options[i].is_int != want_int) {
            shp_error(ctx, SHIPEST_EOPTION, "option %d (%s) is a %s option; use shipest_ctx_%s_%s",
                      (int)key, options[i].name, options[i].is_int ? "integer" : "real",
                      "set/get", options[i].is_int ? "int" : "double");
            return NULL;
        }
        return &options[i];
    }
    shp_error(ctx, SHIPEST_EOPTION, "unknown option key %d", (int)key);
    return NULL;
}

static int64_t *int_field(shipest_ctx *ctx, const option_info *o)
{
    return (int64_t *)(void *)((char *)ctx + o->offset);
}

static double *double_field(shipest_ctx *ctx, const option_info *o)
{
    return (double *)(void *)((char *)ctx + o->offset);
}

shipest_status shipest_ctx_set_int(shipest_ctx *ctx, shipest_option key, int64_t value)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    const option_info *o = find_option(ctx, key, 1);
    if (o == NULL)
        return SHIPEST_EOPTION;
    if (value < o->ilo || value > o->ihi)
        return shp_error(ctx, SHIPEST_ERANGE,
                         "option %s: %lld is outside [%lld, %lld]; unchanged", o->name,
                         (long long)value, (long long)o->ilo, (long long)o->ihi);
    *int_field(ctx, o) = value;
    return SHIPEST_OK;
}

shipest_status shipest_ctx_get_int(shipest_ctx *ctx, shipest_option key, int64_t *value)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (value == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_ctx_get_int: value is NULL");
    const option_info *o = find_option(ctx, key, 1);
    if (o == NULL)
        return SHIPEST_EOPTION;
    *value = *int_field(ctx, o);
    return SHIPEST_OK;
}

shipest_status shipest_ctx_int_bounds(shipest_ctx *ctx, shipest_option key, int64_t *lo,
                                      int64_t *hi)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (lo == NULL || hi == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_ctx_int_bounds: lo or hi is NULL");
    const option_info *o = find_option(ctx, key, 1);
    if (o == NULL)
        return SHIPEST_EOPTION;
    *lo = o->ilo;
    *hi = o->ihi;
    return SHIPEST_OK;
}

shipest_status shipest_ctx_set_double(shipest_ctx *ctx, shipest_option key, double value)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    const option_info *o = find_option(ctx, key, 0);
    if (o == NULL)
        return SHIPEST_EOPTION;
    if (!(value >= o->lo && value <= o->hi)) /* also rejects NaN */
        return shp_error(ctx, SHIPEST_ERANGE, "option %s: %g is outside [%g, %g]; unchanged",
                         o->name, value, o->lo, o->hi);
    *double_field(ctx, o) = value;
    return SHIPEST_OK;
}

shipest_status shipest_ctx_get_double(shipest_ctx *ctx, shipest_option key, double *value)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (value == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_ctx_get_double: value is NULL");
    const option_info *o = find_option(ctx, key, 0);
    if (o == NULL)
        return SHIPEST_EOPTION;
    *value = *double_field(ctx, o);
    return SHIPEST_OK;
}

shipest_status shipest_ctx_double_bounds(shipest_ctx *ctx, shipest_option key, double *lo,
                                         double *hi)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    if (lo == NULL || hi == NULL)
        return shp_error(ctx, SHIPEST_EINVAL, "shipest_ctx_double_bounds: lo or hi is NULL");
    const option_info *o = find_option(ctx, key, 0);
    if (o == NULL)
        return SHIPEST_EOPTION;
    *lo = o->lo;
    *hi = o->hi;
    return SHIPEST_OK;
}

shipest_status shipest_ctx_set_log(shipest_ctx *ctx, shipest_log_fn fn, void *user)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    ctx->log_fn = fn;
    ctx->log_user = user;
    return SHIPEST_OK;
}

shipest_status shipest_ctx_set_progress(shipest_ctx *ctx, shipest_progress_fn fn, void *user)
{
    if (ctx == NULL)
        return SHIPEST_EINVAL;
    ctx->progress_fn = fn;
    ctx->progress_user = user;
    return SHIPEST_OK;
}
