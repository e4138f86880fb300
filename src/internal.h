/* internal.h — private declarations shared by the library's sources.
 * Nothing here is exported: every name is static or starts with shp_. */
#ifndef SHP_INTERNAL_H
#define SHP_INTERNAL_H

#include "shipest.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define SHP_ERRMSG_MAX 512

#if defined(__GNUC__)
#define SHP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SHP_PRINTF(f, a)
#endif

struct shp_tables; /* unit and factor tables (units.c, table.c) */

struct shipest_ctx {
    shipest_alloc_fn alloc_fn;
    shipest_realloc_fn realloc_fn;
    shipest_free_fn free_fn;
    void *alloc_user;

    int64_t seed;
    int64_t trials;
    int64_t threads;
    int64_t max_memory;
    int64_t block_size;
    double coverage;

    shipest_log_fn log_fn;
    void *log_user;
    shipest_progress_fn progress_fn;
    void *progress_user;

    struct shp_tables *tables; /* NULL until a table is loaded */

    shipest_status errcode;
    char errmsg[SHP_ERRMSG_MAX];
};

/* Allocation through the context's hooks. All return NULL on failure, and
 * shp_alloc/shp_calloc/shp_realloc set ENOMEM with a message on ctx, so a
 * caller only has to return SHIPEST_ENOMEM. Zero sizes allocate one byte. */
void *shp_alloc(shipest_ctx *ctx, size_t size);
void *shp_calloc(shipest_ctx *ctx, size_t count, size_t size);
void *shp_realloc(shipest_ctx *ctx, void *ptr, size_t size);
/* Multiplies count * size, failing (ENOMEM) on overflow. */
void *shp_alloc_array(shipest_ctx *ctx, size_t count, size_t size);
void shp_free(shipest_ctx *ctx, void *ptr);
char *shp_strdup(shipest_ctx *ctx, const char *s);
char *shp_strndup(shipest_ctx *ctx, const char *s, size_t n);

/* Record a failure on ctx and return status, so error paths read
 * `return shp_error(ctx, SHIPEST_EDOMAIN, "sd must be > 0 (got %g)", sd);`.
 * The message also goes to the log callback at ERROR level. ctx may be NULL. */
shipest_status shp_error(shipest_ctx *ctx, shipest_status status, const char *fmt, ...)
    SHP_PRINTF(3, 4);
shipest_status shp_verror(shipest_ctx *ctx, shipest_status status, const char *fmt, va_list ap);

/* Send a message to the log callback, if any. */
void shp_log(shipest_ctx *ctx, shipest_log_level level, const char *fmt, ...) SHP_PRINTF(3, 4);

/* Report progress; returns non-zero when the callback asked to cancel. */
int shp_progress(shipest_ctx *ctx, double fraction);

/* Growable byte buffer for building strings through the context's hooks. */
typedef struct shp_buf {
    shipest_ctx *ctx;
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed; further appends are ignored */
} shp_buf;
void shp_buf_init(shp_buf *b, shipest_ctx *ctx);
void shp_buf_append(shp_buf *b, const char *s, size_t n);
void shp_buf_printf(shp_buf *b, const char *fmt, ...) SHP_PRINTF(2, 3);
void shp_buf_free(shp_buf *b);

/* snprintf-style copy of s into buf; returns strlen(s). */
size_t shp_copy_out(const char *s, char *buf, size_t size);

#endif
