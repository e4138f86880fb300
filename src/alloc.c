/* alloc.c — allocation through the context's hooks, and a growable string
 * buffer built on them. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

void *shp_alloc(shipest_ctx *ctx, size_t size)
{
    void *p = ctx->alloc_fn(ctx->alloc_user, size ? size : 1);
    if (p == NULL)
        shp_error(ctx, SHIPEST_ENOMEM, "out of memory (allocating %zu bytes)", size);
    return p;
}

void *shp_alloc_array(shipest_ctx *ctx, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        shp_error(ctx, SHIPEST_ENOMEM, "out of memory (%zu x %zu bytes overflows)", count, size);
        return NULL;
    }
    return shp_alloc(ctx, count * size);
}

void *shp_calloc(shipest_ctx *ctx, size_t count, size_t size)
{
    void *p = shp_alloc_array(ctx, count, size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void *shp_realloc(shipest_ctx *ctx, void *ptr, size_t size)
{
    if (ptr == NULL)
        return shp_alloc(ctx, size);
    void *p = ctx->realloc_fn(ctx->alloc_user, ptr, size ? size : 1);
    if (p == NULL)
        shp_error(ctx, SHIPEST_ENOMEM, "out of memory (growing to %zu bytes)", size);
    return p;
}

void shp_free(shipest_ctx *ctx, void *ptr)
{
    if (ptr != NULL)
        ctx->free_fn(ctx->alloc_user, ptr);
}

char *shp_strndup(shipest_ctx *ctx, const char *s, size_t n)
{
    char *p = shp_alloc(ctx, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *shp_strdup(shipest_ctx *ctx, const char *s)
{
    return shp_strndup(ctx, s, strlen(s));
}

size_t shp_copy_out(const char *s, char *buf, size_t size)
{
    size_t len = strlen(s);
    if (buf != NULL && size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
    }
    return len;
}

void shp_buf_init(shp_buf *b, shipest_ctx *ctx)
{
    b->ctx = ctx;
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

static int buf_reserve(shp_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = shp_realloc(b->ctx, b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void shp_buf_append(shp_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void shp_buf_printf(shp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void shp_buf_free(shp_buf *b)
{
    shp_free(b->ctx, b->data);
    shp_buf_init(b, b->ctx);
}
