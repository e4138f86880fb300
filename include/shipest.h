/**
 * @file shipest.h
 * @brief libshipest — conflict-logistics estimation with honest uncertainty.
 *
 * This header is the whole public API. Every public name starts with
 * `shipest_` (functions, types) or `SHIPEST_` (constants and macros).
 *
 * @par Conventions
 * - Fallible functions return ::shipest_status; ::SHIPEST_OK is 0. The
 *   detailed message of the last failure on a context is returned by
 *   shipest_ctx_errmsg(); shipest_strerror() names a status code.
 * - Handles are opaque and come back through out-parameters. Every
 *   `shipest_*_free(NULL)` is a no-op.
 * - Strings are UTF-8 and borrowed unless a function says otherwise. Text the
 *   library produces for the caller is written into a caller buffer with
 *   `snprintf` semantics: the return value is the length needed, excluding
 *   the terminating NUL.
 * - No varargs and no structs passed by value, so every function can be
 *   called through an FFI (Python ctypes/cffi).
 *
 * @par Threads
 * The library holds no global mutable state. A ::shipest_ctx and every
 * object created from it (distributions, models, results) belong to one
 * thread at a time: use one context per thread. Functions that take no
 * context (shipest_strerror(), shipest_version_number(), the shipest_random_*
 * functions) are safe from any thread.
 *
 * @par Failure
 * The library never prints, exits or aborts. A failed call returns a status,
 * sets a message on its context, and leaves every object it was given as it
 * was before the call.
 */
#ifndef SHIPEST_H
#define SHIPEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup version Versions
 * @brief The version of the header and of the library it links against.
 * @{
 */

/** Major version: changes when the API changes incompatibly. */
#define SHIPEST_VERSION_MAJOR 0
/** Minor version: changes when API is added. */
#define SHIPEST_VERSION_MINOR 1
/** Patch version: changes for fixes only. */
#define SHIPEST_VERSION_PATCH 0
/** The version as one number: major * 10000 + minor * 100 + patch. */
#define SHIPEST_VERSION_NUMBER \
    (SHIPEST_VERSION_MAJOR * 10000 + SHIPEST_VERSION_MINOR * 100 + SHIPEST_VERSION_PATCH)
/** @cond INTERNAL */
#define SHIPEST_STR_(x) #x
#define SHIPEST_STR(x) SHIPEST_STR_(x)
/** @endcond */
/** The version as a string, e.g. "0.1.0". */
#define SHIPEST_VERSION_STRING \
    SHIPEST_STR(SHIPEST_VERSION_MAJOR) "." SHIPEST_STR(SHIPEST_VERSION_MINOR) "." SHIPEST_STR(SHIPEST_VERSION_PATCH)

/** @cond INTERNAL */
#if defined(_WIN32)
#  if defined(SHIPEST_BUILDING)
#    define SHIPEST_API __declspec(dllexport)
#  else
#    define SHIPEST_API
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define SHIPEST_API __attribute__((visibility("default")))
#else
#  define SHIPEST_API
#endif

#if defined(__GNUC__) && (__GNUC__ > 3 || (__GNUC__ == 3 && __GNUC_MINOR__ >= 4))
#  define SHIPEST_NODISCARD __attribute__((warn_unused_result))
#else
#  define SHIPEST_NODISCARD
#endif
/** @endcond */

/**
 * @brief The version of the library linked at run time.
 * @return ::SHIPEST_VERSION_NUMBER as the library was built. A binding
 *         compares it with the header it was written against.
 * @since 0.1.0
 */
SHIPEST_API unsigned shipest_version_number(void);

/**
 * @brief The version of the library linked at run time, as a string.
 * @return A static string such as "0.1.0"; never NULL, never freed.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_version_string(void);

/** @} */

/**
 * @defgroup context Context, status codes and options
 * @brief The context owns allocators, options, tables and the last error.
 * @{
 */

/**
 * @brief Status codes. Values are pinned forever and never reused.
 */
typedef enum shipest_status {
    SHIPEST_OK = 0,           /**< Success. */
    SHIPEST_EINVAL = 1,       /**< Invalid argument (e.g. NULL handle or bad size). */
    SHIPEST_ENOMEM = 2,       /**< An allocation failed. */
    SHIPEST_EPARSE = 3,       /**< Text could not be parsed; the message has line and column. */
    SHIPEST_EUNIT = 4,        /**< Unit mismatch, or an unknown or ambiguous unit. */
    SHIPEST_ENOROUTE = 5,     /**< No conversion route between two units. */
    SHIPEST_EAMBIGUOUS = 6,   /**< Two conversion routes disagree and neither is preferred. */
    SHIPEST_EDOMAIN = 7,      /**< A parameter or argument is outside its mathematical domain. */
    SHIPEST_EIO = 8,          /**< A file could not be read or written. */
    SHIPEST_ECANCELLED = 9,   /**< The progress callback asked to stop. */
    SHIPEST_EOPTION = 10,     /**< Unknown option key, or a key of the other type. */
    SHIPEST_ERANGE = 11,      /**< An option value is outside its bounds. */
    SHIPEST_ENAME = 12,       /**< An unknown, duplicate or invalid name. */
    SHIPEST_EUNSUPPORTED = 13,/**< Recognised but not supported (yet). */
    SHIPEST_ELIMIT = 14       /**< A size or depth limit was exceeded. */
} shipest_status;

/**
 * @brief A short, static description of a status code.
 * @param status Any value; unknown values give "unknown status".
 * @return A static string; never NULL, never freed. Safe from any thread.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_strerror(shipest_status status);

/** @brief An opaque library context. See the @ref context group. */
typedef struct shipest_ctx shipest_ctx;

/**
 * @brief Allocation hook: return @p size bytes or NULL.
 * @param user The pointer given to shipest_ctx_new_with_allocator().
 * @param size Bytes wanted; never 0.
 */
typedef void *(*shipest_alloc_fn)(void *user, size_t size);
/**
 * @brief Reallocation hook with `realloc` semantics (never called with NULL
 *        @p ptr or 0 @p size).
 * @param user The pointer given to shipest_ctx_new_with_allocator().
 * @param ptr  A block from this context's hooks.
 * @param size New size in bytes.
 */
typedef void *(*shipest_realloc_fn)(void *user, void *ptr, size_t size);
/**
 * @brief Release hook (never called with NULL).
 * @param user The pointer given to shipest_ctx_new_with_allocator().
 * @param ptr  A block from this context's hooks.
 */
typedef void (*shipest_free_fn)(void *user, void *ptr);

/**
 * @brief Create a context that allocates with `malloc`, `realloc`, `free`.
 * @param[out] out The new context; set to NULL on failure. Free it with
 *                 shipest_ctx_free().
 * @retval SHIPEST_OK     Success.
 * @retval SHIPEST_EINVAL @p out is NULL.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_new(shipest_ctx **out);

/**
 * @brief Create a context whose every allocation goes through the hooks.
 *
 * The context itself is allocated with @p alloc_fn. All three hooks are
 * required.
 * @param alloc_fn   Allocation hook.
 * @param realloc_fn Reallocation hook.
 * @param free_fn    Release hook.
 * @param user       Passed unchanged to every hook; may be NULL.
 * @param[out] out   The new context; NULL on failure.
 * @retval SHIPEST_OK     Success.
 * @retval SHIPEST_EINVAL A hook or @p out is NULL.
 * @retval SHIPEST_ENOMEM The allocation hook failed.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_new_with_allocator(
    shipest_alloc_fn alloc_fn, shipest_realloc_fn realloc_fn,
    shipest_free_fn free_fn, void *user, shipest_ctx **out);

/**
 * @brief Free a context and everything it owns (tables, options).
 *
 * Objects created from the context (distributions, models, results) must
 * be freed before it.
 * @param ctx A context, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_ctx_free(shipest_ctx *ctx);

/**
 * @brief The detailed message of the last failure on @p ctx.
 * @param ctx A context; NULL gives a fixed message saying so.
 * @return A string owned by the context, valid until the next call that
 *         fails on it or until it is freed; "" when nothing has failed.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_ctx_errmsg(const shipest_ctx *ctx);

/**
 * @brief The status of the last failure on @p ctx.
 * @param ctx A context.
 * @return The status the last failing call on @p ctx returned, ::SHIPEST_OK
 *         when nothing has failed, ::SHIPEST_EINVAL when @p ctx is NULL.
 * @since 0.1.0
 */
SHIPEST_API shipest_status shipest_ctx_errcode(const shipest_ctx *ctx);

/**
 * @brief Keys for the typed context options.
 *
 * Integer options are read and written with shipest_ctx_set_int() and
 * shipest_ctx_get_int(); real options with shipest_ctx_set_double() and
 * shipest_ctx_get_double(). Values are pinned forever.
 */
typedef enum shipest_option {
    /** (int) Seed of the random streams; default 1, bounds [0, INT64_MAX]. */
    SHIPEST_OPT_SEED = 1,
    /** (int) Monte Carlo trials per run; default 100000, bounds [1, 2^50]. */
    SHIPEST_OPT_TRIALS = 2,
    /** (int) Worker threads; default 1, bounds [1, 256]. Results do not depend on it. */
    SHIPEST_OPT_THREADS = 3,
    /** (int) Memory cap in bytes for kept samples; default 256 MiB, bounds [1 MiB, 2^50].
     *  Past the cap results stream into quantile sketches. */
    SHIPEST_OPT_MAX_MEMORY = 4,
    /** (int) Trials per evaluation block; default 4096, bounds [64, 65536].
     *  Results do not depend on it. */
    SHIPEST_OPT_BLOCK_SIZE = 5,
    /** (double) Coverage probability of the default interval; default 0.9,
     *  bounds [0.5, 0.999]. */
    SHIPEST_OPT_COVERAGE = 6
} shipest_option;

/**
 * @brief Set an integer option.
 * @param ctx   The context.
 * @param key   An integer option key.
 * @param value The new value; must lie within the key's bounds.
 * @retval SHIPEST_OK      Set.
 * @retval SHIPEST_EINVAL  @p ctx is NULL.
 * @retval SHIPEST_EOPTION Unknown key, or not an integer option.
 * @retval SHIPEST_ERANGE  @p value out of bounds; the option is unchanged.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_set_int(
    shipest_ctx *ctx, shipest_option key, int64_t value);

/**
 * @brief Read an integer option.
 * @param ctx        The context.
 * @param key        An integer option key.
 * @param[out] value The current value.
 * @retval SHIPEST_OK      Read.
 * @retval SHIPEST_EINVAL  @p ctx or @p value is NULL.
 * @retval SHIPEST_EOPTION Unknown key, or not an integer option.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_get_int(
    shipest_ctx *ctx, shipest_option key, int64_t *value);

/**
 * @brief The inclusive bounds of an integer option.
 * @param ctx     The context.
 * @param key     An integer option key.
 * @param[out] lo Smallest accepted value.
 * @param[out] hi Largest accepted value.
 * @retval SHIPEST_OK      Read.
 * @retval SHIPEST_EINVAL  A NULL argument.
 * @retval SHIPEST_EOPTION Unknown key, or not an integer option.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_int_bounds(
    shipest_ctx *ctx, shipest_option key, int64_t *lo, int64_t *hi);

/**
 * @brief Set a real option.
 * @param ctx   The context.
 * @param key   A real option key.
 * @param value The new value; must be finite and within the key's bounds.
 * @retval SHIPEST_OK      Set.
 * @retval SHIPEST_EINVAL  @p ctx is NULL.
 * @retval SHIPEST_EOPTION Unknown key, or not a real option.
 * @retval SHIPEST_ERANGE  @p value out of bounds or not finite; unchanged.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_set_double(
    shipest_ctx *ctx, shipest_option key, double value);

/**
 * @brief Read a real option.
 * @param ctx        The context.
 * @param key        A real option key.
 * @param[out] value The current value.
 * @retval SHIPEST_OK      Read.
 * @retval SHIPEST_EINVAL  @p ctx or @p value is NULL.
 * @retval SHIPEST_EOPTION Unknown key, or not a real option.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_get_double(
    shipest_ctx *ctx, shipest_option key, double *value);

/**
 * @brief The inclusive bounds of a real option.
 * @param ctx     The context.
 * @param key     A real option key.
 * @param[out] lo Smallest accepted value.
 * @param[out] hi Largest accepted value.
 * @retval SHIPEST_OK      Read.
 * @retval SHIPEST_EINVAL  A NULL argument.
 * @retval SHIPEST_EOPTION Unknown key, or not a real option.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_double_bounds(
    shipest_ctx *ctx, shipest_option key, double *lo, double *hi);

/** @brief Severity of a log message. */
typedef enum shipest_log_level {
    SHIPEST_LOG_ERROR = 0,   /**< A call failed; the same text as shipest_ctx_errmsg(). */
    SHIPEST_LOG_WARNING = 1, /**< Something the caller should know (e.g. a near-zero demand). */
    SHIPEST_LOG_INFO = 2     /**< Progress of long operations. */
} shipest_log_level;

/**
 * @brief Log callback.
 * @param user    The pointer given to shipest_ctx_set_log().
 * @param level   Severity.
 * @param message A NUL-terminated message, valid only during the call.
 */
typedef void (*shipest_log_fn)(void *user, shipest_log_level level, const char *message);

/**
 * @brief Install (or remove, with NULL) the context's log callback.
 *
 * The library never prints; without a callback, messages are dropped
 * (errors remain available through shipest_ctx_errmsg()).
 * @param ctx  The context.
 * @param fn   The callback, or NULL to remove it.
 * @param user Passed unchanged to @p fn.
 * @retval SHIPEST_OK     Installed.
 * @retval SHIPEST_EINVAL @p ctx is NULL.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_set_log(
    shipest_ctx *ctx, shipest_log_fn fn, void *user);

/**
 * @brief Progress callback for long runs.
 * @param user     The pointer given to shipest_ctx_set_progress().
 * @param fraction Work done, in [0, 1].
 * @return 0 to go on; any other value cancels the run, which then returns
 *         ::SHIPEST_ECANCELLED having freed what it allocated.
 */
typedef int (*shipest_progress_fn)(void *user, double fraction);

/**
 * @brief Install (or remove, with NULL) the context's progress callback.
 * @param ctx  The context.
 * @param fn   The callback, or NULL to remove it.
 * @param user Passed unchanged to @p fn.
 * @retval SHIPEST_OK     Installed.
 * @retval SHIPEST_EINVAL @p ctx is NULL.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_set_progress(
    shipest_ctx *ctx, shipest_progress_fn fn, void *user);

/** @} */

/**
 * @defgroup random Reproducible random numbers
 * @brief Counter-based random numbers keyed by (seed, stream, counter).
 *
 * The value for a given (seed, stream, counter) is a pure function of the
 * three, so a run gives the same numbers whatever the thread count, block
 * size or split of trial ranges. The generator is Philox4x32-10 (Salmon et
 * al., "Parallel random numbers: as easy as 1, 2, 3", SC'11); see
 * docs/distributions.md.
 * @{
 */

/**
 * @brief Fill @p out with raw 64-bit random words.
 *
 * Word @p j is the generator output for counter `first + j` of @p stream.
 * Safe from any thread (no context).
 * @param seed   Seed (key of the generator).
 * @param stream Stream identity (e.g. an input of a model).
 * @param first  Counter of the first word.
 * @param n      Number of words.
 * @param[out] out At least @p n words; may be NULL only when @p n is 0.
 * @since 0.1.0
 */
SHIPEST_API void shipest_random_bits(uint64_t seed, uint64_t stream, uint64_t first,
                                     size_t n, uint64_t *out);

/**
 * @brief Fill @p out with uniform doubles in the open interval (0, 1).
 *
 * Each value carries 53 random bits and is never exactly 0 or 1. Value
 * @p j is a pure function of (seed, stream, first + j). Safe from any thread.
 * @param seed   Seed.
 * @param stream Stream identity.
 * @param first  Counter of the first value.
 * @param n      Number of values.
 * @param[out] out At least @p n doubles; may be NULL only when @p n is 0.
 * @since 0.1.0
 */
SHIPEST_API void shipest_random_uniform(uint64_t seed, uint64_t stream, uint64_t first,
                                        size_t n, double *out);

/** @} */

/**
 * @defgroup distributions Distributions
 * @brief Probability distributions: construct, query, sample.
 *
 * A ::shipest_dist is an immutable value created from a context. Errors of
 * its query functions are reported on that context, so a distribution is
 * used on its context's thread and freed before the context. See
 * docs/distributions.md for every family and its parameters.
 * @{
 */

/** @brief An opaque, immutable distribution. */
typedef struct shipest_dist shipest_dist;

/** @brief Distribution families. Values are pinned forever. */
typedef enum shipest_family {
    SHIPEST_DIST_CONSTANT = 0,    /**< A point mass. */
    SHIPEST_DIST_UNIFORM = 1,     /**< Uniform on [lo, hi]. */
    SHIPEST_DIST_NORMAL = 2,      /**< Normal (mean, sd). */
    SHIPEST_DIST_LOGNORMAL = 3,   /**< Lognormal (mu, sigma of the log). */
    SHIPEST_DIST_TRIANGULAR = 4,  /**< Triangular (lo, mode, hi). */
    SHIPEST_DIST_PERT = 5,        /**< Beta-PERT (lo, mode, hi, lambda). */
    SHIPEST_DIST_BETA = 6,        /**< Beta (alpha, beta) on [lo, hi]. */
    SHIPEST_DIST_GAMMA = 7,       /**< Gamma (shape, scale). */
    SHIPEST_DIST_EXPONENTIAL = 8, /**< Exponential (rate). */
    SHIPEST_DIST_STUDENT_T = 9,   /**< Student-t (df, location, scale). */
    SHIPEST_DIST_TRUNCNORMAL = 10,/**< Normal (mean, sd) truncated to [lo, hi]. */
    SHIPEST_DIST_POISSON = 11,    /**< Poisson (lambda). */
    SHIPEST_DIST_BINOMIAL = 12,   /**< Binomial (n, p). */
    SHIPEST_DIST_EMPIRICAL = 13,  /**< From samples; interpolated inverse CDF. */
    SHIPEST_DIST_MIXTURE = 14,    /**< Weighted mixture of distributions. */
    SHIPEST_DIST_QUANTILE3 = 15   /**< Fitted exactly to three quantiles (J-QPD). */
} shipest_family;

/**
 * @name Constructors
 * Each writes a new distribution to @p out (NULL on failure), to be freed
 * with shipest_dist_free(). Each returns ::SHIPEST_OK, ::SHIPEST_EINVAL for
 * a NULL @p ctx or @p out, ::SHIPEST_EDOMAIN for a parameter outside its
 * domain (the message names the parameter and value, and non-finite values
 * are always rejected), or ::SHIPEST_ENOMEM.
 * @{
 */
/** @brief A point mass at @p value. @param ctx Context. @param value The value. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_constant(shipest_ctx *ctx, double value, shipest_dist **out);
/** @brief Uniform on [@p lo, @p hi], lo < hi. @param ctx Context. @param lo Lower end. @param hi Upper end. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_uniform(shipest_ctx *ctx, double lo, double hi, shipest_dist **out);
/** @brief Normal with @p mean and standard deviation @p sd > 0. @param ctx Context. @param mean Mean. @param sd Standard deviation. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_normal(shipest_ctx *ctx, double mean, double sd, shipest_dist **out);
/** @brief Lognormal whose log is normal(@p mu, @p sigma), sigma > 0. @param ctx Context. @param mu Mean of the log. @param sigma Sd of the log. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_lognormal(shipest_ctx *ctx, double mu, double sigma, shipest_dist **out);
/** @brief Lognormal by @p median > 0 and geometric sd @p gsd > 1. @param ctx Context. @param median Median. @param gsd Geometric standard deviation. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_lognormal_median_gsd(shipest_ctx *ctx, double median, double gsd, shipest_dist **out);
/** @brief Lognormal by its @p mean > 0 and @p sd > 0. @param ctx Context. @param mean Mean. @param sd Standard deviation. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_lognormal_mean_sd(shipest_ctx *ctx, double mean, double sd, shipest_dist **out);
/**
 * @brief The `a to b` shorthand: a 90% interval [@p lo, @p hi], lo < hi.
 *
 * Lognormal with 5% and 95% quantiles @p lo and @p hi where both are
 * positive; otherwise normal with those quantiles.
 * @param ctx Context. @param lo 5% quantile. @param hi 95% quantile.
 * @param[out] out New distribution. @return A status. @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_interval90(shipest_ctx *ctx, double lo, double hi, shipest_dist **out);
/** @brief Triangular on [@p lo, @p hi] with mode @p mode; lo < hi, lo <= mode <= hi. @param ctx Context. @param lo Lower end. @param mode Mode. @param hi Upper end. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_triangular(shipest_ctx *ctx, double lo, double mode, double hi, shipest_dist **out);
/** @brief Beta-PERT on [@p lo, @p hi] with mode @p mode and shape @p lambda > 0 (4 is the classic PERT). @param ctx Context. @param lo Lower end. @param mode Mode. @param hi Upper end. @param lambda Shape. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_pert(shipest_ctx *ctx, double lo, double mode, double hi, double lambda, shipest_dist **out);
/** @brief Beta(@p alpha, @p beta) scaled to [@p lo, @p hi] (use 0, 1 for the standard beta). @param ctx Context. @param alpha Shape > 0. @param beta Shape > 0. @param lo Lower end. @param hi Upper end > lo. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_beta(shipest_ctx *ctx, double alpha, double beta, double lo, double hi, shipest_dist **out);
/** @brief Gamma with @p shape > 0 and @p scale > 0. @param ctx Context. @param shape Shape k. @param scale Scale theta. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_gamma(shipest_ctx *ctx, double shape, double scale, shipest_dist **out);
/** @brief Exponential with @p rate > 0. @param ctx Context. @param rate Rate. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_exponential(shipest_ctx *ctx, double rate, shipest_dist **out);
/** @brief Student-t with @p df > 0, location @p loc and @p scale > 0. @param ctx Context. @param df Degrees of freedom. @param loc Location. @param scale Scale. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_student_t(shipest_ctx *ctx, double df, double loc, double scale, shipest_dist **out);
/** @brief Normal(@p mean, @p sd) truncated to [@p lo, @p hi]; either end may be infinite, lo < hi, with non-negligible mass between. @param ctx Context. @param mean Mean before truncation. @param sd Sd before truncation. @param lo Lower end. @param hi Upper end. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_truncnormal(shipest_ctx *ctx, double mean, double sd, double lo, double hi, shipest_dist **out);
/** @brief Poisson with mean @p lambda > 0. @param ctx Context. @param lambda Mean. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_poisson(shipest_ctx *ctx, double lambda, shipest_dist **out);
/** @brief Binomial with @p n trials (a whole number >= 0) and probability @p p in [0, 1]. @param ctx Context. @param n Trials. @param p Success probability. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_binomial(shipest_ctx *ctx, double n, double p, shipest_dist **out);
/** @brief Empirical distribution of @p n >= 2 finite samples (copied), inverse CDF by linear interpolation between order statistics. @param ctx Context. @param samples The samples (borrowed). @param n Their number. @param[out] out New distribution. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_empirical(shipest_ctx *ctx, const double *samples, size_t n, shipest_dist **out);
/**
 * @brief Mixture of @p n >= 1 distributions with @p weights summing to 1
 *        (within 1e-9).
 * @param ctx Context.
 * @param components The components (borrowed; the mixture keeps its own copies).
 * @param weights Non-negative weights.
 * @param n Number of components.
 * @param[out] out New distribution.
 * @return A status. @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_mixture(shipest_ctx *ctx, const shipest_dist *const *components, const double *weights, size_t n, shipest_dist **out);
/**
 * @brief Fit exactly to three quantiles: @p q_lo at probability @p alpha,
 *        @p q_mid at 0.5 and @p q_hi at 1 - @p alpha (J-QPD, Hadlock and
 *        Bickel 2017).
 *
 * With finite @p lower and @p upper the fit is bounded (J-QPD-B); with
 * finite @p lower and infinite @p upper, semi-bounded (J-QPD-S). Needs
 * lower < q_lo < q_mid < q_hi < upper and 0 < alpha < 0.5; otherwise
 * ::SHIPEST_EDOMAIN with a message saying which condition fails.
 * @param ctx Context. @param q_lo Low quantile. @param q_mid Median.
 * @param q_hi High quantile. @param alpha Tail probability (e.g. 0.05 or 0.1).
 * @param lower Lower support bound (finite). @param upper Upper bound or +INFINITY.
 * @param[out] out New distribution. @return A status. @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_quantile3(shipest_ctx *ctx, double q_lo, double q_mid, double q_hi, double alpha, double lower, double upper, shipest_dist **out);
/** @} */

/**
 * @brief A new, independent copy of @p d.
 * @param ctx The context to own the copy. @param d The distribution.
 * @param[out] out The copy. @return A status. @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_clone(shipest_ctx *ctx, const shipest_dist *d, shipest_dist **out);

/**
 * @brief Free a distribution.
 * @param d A distribution, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_dist_free(shipest_dist *d);

/** @brief The family of @p d. @param d A distribution (not NULL). @return Its family. @since 0.1.0 */
SHIPEST_API shipest_family shipest_dist_family(const shipest_dist *d);

/**
 * @brief Inverse CDF: the smallest x with CDF(x) >= @p p.
 * @param d A distribution. @param p Probability in [0, 1] (0 and 1 give the
 *        support ends, possibly infinite).
 * @param[out] x The quantile.
 * @retval SHIPEST_OK Success. @retval SHIPEST_EINVAL NULL argument.
 * @retval SHIPEST_EDOMAIN @p p outside [0, 1] or NaN.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_quantile(const shipest_dist *d, double p, double *x);

/**
 * @brief Cumulative distribution function P(X <= @p x).
 * @param d A distribution. @param x Any value except NaN.
 * @param[out] p The probability.
 * @retval SHIPEST_OK Success. @retval SHIPEST_EINVAL NULL argument.
 * @retval SHIPEST_EDOMAIN @p x is NaN.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_cdf(const shipest_dist *d, double x, double *p);

/**
 * @brief The mean, where it exists.
 * @param d A distribution. @param[out] mean The mean.
 * @retval SHIPEST_OK Success. @retval SHIPEST_EINVAL NULL argument.
 * @retval SHIPEST_EDOMAIN The mean does not exist (e.g. Student-t, df <= 1).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_mean(const shipest_dist *d, double *mean);

/**
 * @brief The variance, where it exists.
 * @param d A distribution. @param[out] variance The variance.
 * @retval SHIPEST_OK Success. @retval SHIPEST_EINVAL NULL argument.
 * @retval SHIPEST_EDOMAIN The variance is not finite (e.g. Student-t, df <= 2).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_variance(const shipest_dist *d, double *variance);

/**
 * @brief Sample trials [@p first, @p first + @p n) of @p stream.
 *
 * Value @p j is the inverse CDF at the uniform shipest_random_uniform()
 * gives for (seed of @p ctx, @p stream, @p first + j), so any split of a
 * trial range gives the same values bit for bit. For beta, PERT, gamma and
 * Student-t the first call builds the distribution's fast inverse
 * (docs/distributions.md), which changes no value but allocates.
 * @param ctx The context whose seed is used. @param d The distribution.
 * @param stream Stream identity. @param first First trial. @param n Count.
 * @param[out] out At least @p n doubles.
 * @retval SHIPEST_OK Success. @retval SHIPEST_EINVAL NULL argument.
 * @retval SHIPEST_ENOMEM Out of memory building the fast inverse.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_dist_sample(shipest_ctx *ctx, const shipest_dist *d, uint64_t stream, uint64_t first, size_t n, double *out);

/**
 * @brief Describe @p d as model text, e.g. `pert(45, 48, 52)`.
 * @param d A distribution.
 * @param[out] buf Buffer, or NULL when @p size is 0.
 * @param size Size of @p buf in bytes.
 * @return The length of the full description (excluding the NUL); the
 *         text is truncated to fit @p buf, always NUL-terminated when
 *         @p size > 0.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_dist_describe(const shipest_dist *d, char *buf, size_t size);

/** @} */

/**
 * @defgroup models Models
 * @brief Build a model graph in C or from model text; units are checked as
 *        each node is added.
 *
 * A ::shipest_model is a graph of nodes: sampled inputs, constants,
 * operations, and conversions through the context's tables. Every node has
 * a unit, derived when it is added; an operation whose units do not fit
 * (adding tonnes to rounds, `exp` of a dimensioned value) fails with
 * ::SHIPEST_EUNIT and a message naming both units and the operation. A
 * failed call leaves the model exactly as it was.
 *
 * Nodes are identified by ::shipest_node indices, in the order they were
 * added; every argument of a node was added before it. Values are computed
 * in the SI base of their dimension (kg, m, s, one item); the unit a node
 * shows is only for reporting.
 *
 * @par Random streams
 * Each input draws from its own random stream, keyed by a 64-bit hash of
 * its name, and each table factor from the stream of `"factor:"` followed
 * by the factor's name. Adding, removing or reordering other nodes never
 * changes an input's draws; see docs/language.md.
 *
 * @par Threads
 * A model belongs to the thread of its context while it is built. Once
 * built it is not changed by running it, so several runs may read it at
 * the same time.
 *
 * The model language (docs/language.md) is a front end over these
 * functions: shipest_model_parse() makes only the calls below.
 * @{
 */

/** @brief An opaque model graph. */
typedef struct shipest_model shipest_model;

/** @brief The index of a node in its model (0, 1, ...). */
typedef int32_t shipest_node;

/** @brief The value written to a ::shipest_node out-parameter on failure. */
#define SHIPEST_NO_NODE (-1)

/** @brief The operation of a node, as reported by shipest_model_node_op().
 *  Values are pinned forever. */
typedef enum shipest_op {
    SHIPEST_OP_INPUT = 0,   /**< A sampled input (a distribution in a unit). */
    SHIPEST_OP_FACTOR = 1,  /**< A table factor: sampled once per trial, shared by every conversion using it. */
    SHIPEST_OP_CONST = 2,   /**< A constant. */
    SHIPEST_OP_ADD = 3,     /**< a + b. */
    SHIPEST_OP_SUB = 4,     /**< a - b. */
    SHIPEST_OP_MUL = 5,     /**< a * b. */
    SHIPEST_OP_DIV = 6,     /**< a / b. */
    SHIPEST_OP_NEG = 7,     /**< -a. */
    SHIPEST_OP_POW = 8,     /**< a raised to the power b. */
    SHIPEST_OP_MIN = 9,     /**< The smaller of a and b. */
    SHIPEST_OP_MAX = 10,    /**< The larger of a and b. */
    SHIPEST_OP_EXP = 11,    /**< e raised to a. */
    SHIPEST_OP_LOG = 12,    /**< Natural logarithm of a. */
    SHIPEST_OP_SQRT = 13,   /**< Square root of a. */
    SHIPEST_OP_ABS = 14,    /**< Absolute value of a. */
    SHIPEST_OP_SCALE = 15,  /**< a times an exact constant (a unit change). */
    SHIPEST_OP_FLOOR = 16,  /**< a rounded down (whole packages in a load plan). */
    SHIPEST_OP_BINDING = 17 /**< The smallest of its arguments (load-plan constraints). */
} shipest_op;

/**
 * @brief Create an empty model.
 * @param ctx      The context; the model allocates from it, reports its
 *                 errors on it and converts through its tables. It must
 *                 outlive the model.
 * @param[out] out The new model, or NULL on failure. Free it with
 *                 shipest_model_free().
 * @retval SHIPEST_OK     Created.
 * @retval SHIPEST_EINVAL @p ctx or @p out is NULL.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_new(shipest_ctx *ctx, shipest_model **out);

/**
 * @brief Free a model and everything it owns (its copies of distributions,
 *        names, sources).
 * @param m A model, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_model_free(shipest_model *m);

/**
 * @brief Add a sampled input: @p dist in @p unit.
 *
 * The input's random stream is a hash of @p name, so the same name gives
 * the same draws in any model with the same seed. The model language names
 * a distribution written inside a larger expression `stmt#k` (the
 * statement's name, `#`, and its 1-based ordinal in that statement).
 * @param m      The model.
 * @param name   The input's name: non-empty UTF-8 without control
 *               characters or `:`, at most 320 bytes, not the name of
 *               another node (borrowed; copied).
 * @param dist   The distribution of the value in @p unit (borrowed; the
 *               model keeps its own copy).
 * @param unit   The unit, e.g. `"t/container_20ft"`; NULL or `""` for a
 *               dimensionless value (borrowed).
 * @param source Where the figure comes from, or NULL (borrowed; copied).
 * @param[out] out The new node; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK     Added.
 * @retval SHIPEST_EINVAL A NULL @p m, @p name, @p dist or @p out.
 * @retval SHIPEST_ENAME  @p name is empty, invalid or already used.
 * @retval SHIPEST_EUNIT  @p unit is not a known unit.
 * @retval SHIPEST_ELIMIT The model already has the most nodes it may have.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_input(
    shipest_model *m, const char *name, const shipest_dist *dist, const char *unit,
    const char *source, shipest_node *out);

/**
 * @brief Add a constant: @p value in @p unit.
 * @param m     The model.
 * @param value A finite value.
 * @param unit  The unit; NULL or `""` for a dimensionless value (borrowed).
 * @param[out] out The new node; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK      Added.
 * @retval SHIPEST_EINVAL  A NULL @p m or @p out.
 * @retval SHIPEST_EDOMAIN @p value is NaN or infinite.
 * @retval SHIPEST_EUNIT   @p unit is not a known unit.
 * @retval SHIPEST_ELIMIT  Too many nodes.
 * @retval SHIPEST_ENOMEM  Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_const(
    shipest_model *m, double value, const char *unit, shipest_node *out);

/**
 * @name Arithmetic
 * Each adds one node computed from existing nodes @p a (and @p b) and
 * writes it to @p out (::SHIPEST_NO_NODE on failure). Each returns
 * ::SHIPEST_OK; ::SHIPEST_EINVAL for a NULL @p m or @p out or a node that is
 * not in @p m; ::SHIPEST_EUNIT when the units do not fit, with a message
 * naming both units and the operation; ::SHIPEST_ELIMIT for too many
 * nodes; or ::SHIPEST_ENOMEM.
 * @{
 */
/** @brief @p a + @p b; the units must have the same dimension (the result shows @p a's unit). @param m Model. @param a Left. @param b Right. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_add(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/** @brief @p a - @p b; the units must have the same dimension. @param m Model. @param a Left. @param b Right. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_sub(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/** @brief @p a * @p b; the unit is the product. @param m Model. @param a Left. @param b Right. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_mul(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/** @brief @p a / @p b; the unit is the quotient. @param m Model. @param a Numerator. @param b Denominator. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_div(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/**
 * @brief The share @p supply / @p demand, a plain fraction (0.4 is 40%).
 *
 * Supply and demand must have the same dimension, totals or rates alike
 * (bring one to the other's unit with shipest_model_convert() first); the
 * model language writes it `share(supply, demand)`.
 * @param m Model. @param supply What is supplied. @param demand What is needed.
 * @param[out] out New node, dimensionless.
 * @return A status (::SHIPEST_EUNIT, naming both units, when the dimensions differ).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_share(shipest_model *m, shipest_node supply, shipest_node demand, shipest_node *out);
/**
 * @brief The ratio @p a / @p b of two estimates of the same quantity, a
 *        plain number (1 is exact agreement).
 *
 * Both must have the same dimension (bring one to the other's unit with
 * shipest_model_convert() first); the model language writes it
 * `compare(a, b)`. After a run, shipest_result_agreement() gives the
 * probability that the two agree within a tolerance, and
 * shipest_agreement_text() says it in words (docs/claims.md).
 * @param m Model. @param a First estimate. @param b Second estimate.
 * @param[out] out New node, dimensionless.
 * @return A status (::SHIPEST_EUNIT, naming both units, when the dimensions differ).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_compare(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/**
 * @brief Decompose @p demand by supplier: each supplier's share of it, the
 *        suppliers' total share and the remainder, as named outputs.
 *
 * For suppliers s_1 .. s_n and demand D this adds, in one call:
 * - `NAME` = (s_1 + ... + s_n) / D, the suppliers' total share of demand.
 *   It is a share like shipest_model_share()'s: the text report gives it
 *   P(share > 100%), which here is the probability that the suppliers
 *   together exceed demand, and warns about trials with demand at or below
 *   zero;
 * - `NAME.LABEL` = s_i / D for each supplier, a share (reported likewise);
 * - `NAME.remainder` = 1 - NAME, the part of demand the named suppliers do
 *   not cover (negative in the trials where they exceed it).
 *
 * All are dimensionless (0.4 is 40%), named and marked as outputs. Every
 * supplier must have the dimension of @p demand, totals or rates alike
 * (bring one to the other's unit with shipest_model_convert() first). The
 * model language writes it `mix = supply(demand, dprk, other: 2e6 to 4e6
 * round_152mm/year)` (docs/language.md). The call adds 2n + 2 nodes, or
 * none when it fails.
 * @param m         The model.
 * @param demand    What is needed.
 * @param n         The number of suppliers, 1 to 256.
 * @param suppliers @p n nodes, what each supplier provides (borrowed). A
 *                  node may appear more than once.
 * @param labels    @p n labels (borrowed; copied into the names), or NULL.
 *                  A NULL array or a NULL entry takes the supplier node's
 *                  own statement name. A label is a letter or `_` followed
 *                  by letters, digits and `_` (so that `NAME.LABEL` can be
 *                  written in model text), not `remainder`, and unique
 *                  within the call.
 * @param name      The decomposition's name (same rules as for
 *                  shipest_model_input()); neither it nor any `NAME.LABEL`
 *                  or `NAME.remainder` may be in use (borrowed; copied).
 * @param[out] shares    Room for @p n nodes: the share of each supplier,
 *                       in order; or NULL. ::SHIPEST_NO_NODE each on failure.
 * @param[out] remainder The remainder node, or NULL.
 * @param[out] total     The total share node `NAME`, or NULL.
 * @retval SHIPEST_OK     Added.
 * @retval SHIPEST_EINVAL A NULL @p m, @p suppliers or @p name, @p n of 0,
 *                        or a node not in @p m.
 * @retval SHIPEST_ENAME  A label that is missing (a supplier without a
 *                        name and no label), not a valid label, `remainder`
 *                        or given twice; or @p name or a name made from it
 *                        invalid (too long) or already used.
 * @retval SHIPEST_EUNIT  A supplier's dimension differs from @p demand's;
 *                        the message names both units.
 * @retval SHIPEST_ELIMIT More than 256 suppliers, or too many nodes.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_supply(
    shipest_model *m, shipest_node demand, size_t n, const shipest_node *suppliers,
    const char *const *labels, const char *name, shipest_node *shares,
    shipest_node *remainder, shipest_node *total);
/**
 * @brief Days of supply: how long @p stock lasts at @p rate, stock / rate,
 *        shown in days.
 *
 * @p rate must have the dimension of @p stock per unit of time (stock in
 * rounds, rate in rounds per day, month or year; bring them together with
 * shipest_model_convert() first). The result is a time shown in `day`;
 * convert it exactly with shipest_model_convert() (`-> month` in the model
 * language, which writes the call `days_of_supply(stock, rate)`). A rate
 * at or below zero gives no finite or a negative number of days: the text
 * report warns about such trials, with their count, as it does for a
 * share's demand (docs/claims.md).
 * @param m     The model.
 * @param stock What is held (a total).
 * @param rate  How fast it is used (a rate of the same thing).
 * @param[out] out The new node, in `day`; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK     Added.
 * @retval SHIPEST_EINVAL A NULL @p m or @p out, or a node not in @p m.
 * @retval SHIPEST_EUNIT  @p rate is not @p stock's dimension per time; the
 *                        message names both units.
 * @retval SHIPEST_ELIMIT Too many nodes.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_days_of_supply(
    shipest_model *m, shipest_node stock, shipest_node rate, shipest_node *out);
/** @brief -@p a. @param m Model. @param a Operand. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_neg(shipest_model *m, shipest_node a, shipest_node *out);
/** @brief @p a to the integer power @p n (|n| <= 64); the unit's exponents are multiplied by @p n. @param m Model. @param a Base. @param n Exponent. @param[out] out New node. @return A status (::SHIPEST_EDOMAIN for |n| > 64). @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_powi(shipest_model *m, shipest_node a, int n, shipest_node *out);
/**
 * @brief @p a to the power @p b.
 *
 * @p b must be dimensionless. If @p a has a dimension, @p b must be a
 * constant node that makes every exponent of the unit a whole number
 * (e.g. 0.5 on m^2); otherwise @p b may be any dimensionless node.
 * @param m Model. @param a Base. @param b Exponent. @param[out] out New node.
 * @return A status. @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_pow(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/** @brief The smaller of @p a and @p b, same dimension. @param m Model. @param a First. @param b Second. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_min(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/** @brief The larger of @p a and @p b, same dimension. @param m Model. @param a First. @param b Second. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_max(shipest_model *m, shipest_node a, shipest_node b, shipest_node *out);
/** @brief e to the power @p a; @p a must be dimensionless. @param m Model. @param a Operand. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_exp(shipest_model *m, shipest_node a, shipest_node *out);
/** @brief Natural logarithm of @p a; @p a must be dimensionless. @param m Model. @param a Operand. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_log(shipest_model *m, shipest_node a, shipest_node *out);
/** @brief Square root of @p a; every exponent of @p a's unit must be even. @param m Model. @param a Operand. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_sqrt(shipest_model *m, shipest_node a, shipest_node *out);
/** @brief Absolute value of @p a, same unit. @param m Model. @param a Operand. @param[out] out New node. @return A status. @since 0.1.0 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_abs(shipest_model *m, shipest_node a, shipest_node *out);
/** @} */

/**
 * @brief Give a dimensionless node a unit: @p a times one @p unit (the
 *        language's `(expr) unit`).
 * @param m    The model.
 * @param a    A dimensionless node.
 * @param unit The unit (borrowed).
 * @param[out] out The new node; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK     Added.
 * @retval SHIPEST_EINVAL A NULL argument or a node not in @p m.
 * @retval SHIPEST_EUNIT  @p unit is unknown, or @p a is not dimensionless.
 * @retval SHIPEST_ELIMIT Too many nodes.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_with_unit(
    shipest_model *m, shipest_node a, const char *unit, shipest_node *out);

/**
 * @brief Convert @p a to @p unit (the language's `a -> unit`).
 *
 * Between units of one dimension the conversion is exact and only the
 * shown unit changes. Otherwise the route is found in the context's tables:
 * exact physical factors, cited uncertain table factors (one shared
 * ::SHIPEST_OP_FACTOR node per factor, however many conversions use it)
 * and load plans (a carrier holds as many of an item as its binding
 * constraint allows; a ::SHIPEST_OP_BINDING node).
 * @param m    The model.
 * @param a    The node to convert.
 * @param unit The target unit (borrowed).
 * @param via  NULL for the default route, or the name of a route tag of
 *             the table (`route NAME`) whose factors must be used (the
 *             language's `a -> unit via NAME`; borrowed).
 * @param[out] out The converted node; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK         Converted.
 * @retval SHIPEST_EINVAL     A NULL @p m, @p unit or @p out, or a node not in @p m.
 * @retval SHIPEST_EUNIT      @p unit is not a known unit.
 * @retval SHIPEST_ENAME      @p via names no route tag.
 * @retval SHIPEST_ENOROUTE   The tables have no route between the units.
 * @retval SHIPEST_EAMBIGUOUS Two routes disagree and neither is preferred.
 * @retval SHIPEST_ELIMIT     Too many nodes, or a route search too large.
 * @retval SHIPEST_ENOMEM     Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_convert(
    shipest_model *m, shipest_node a, const char *unit, const char *via, shipest_node *out);

/**
 * @brief Show @p a in @p unit, which must have the same dimension (the
 *        language's `expr in unit`). Values do not change.
 *
 * An anonymous node is changed in place (@p out is @p a); a named node is
 * never changed: a new node equal to it carries the unit.
 * @param m    The model.
 * @param a    The node.
 * @param unit The unit to show (borrowed).
 * @param[out] out The node that shows @p unit; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL argument or a node not in @p m.
 * @retval SHIPEST_EUNIT  @p unit is unknown or of another dimension.
 * @retval SHIPEST_ELIMIT Too many nodes.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_display(
    shipest_model *m, shipest_node a, const char *unit, shipest_node *out);

/**
 * @brief Name a node (a model statement `name = expr @ "source"`).
 *
 * An anonymous node is named in place (@p out is @p a). A node that
 * already has a name keeps it; a new node equal to it gets @p name (so
 * `b = a` makes `b` an alias: the same draw as `a`).
 * @param m      The model.
 * @param a      The node.
 * @param name   The name; same rules as for shipest_model_input()
 *               (borrowed; copied).
 * @param source Where the figure comes from, or NULL (borrowed; copied).
 * @param[out] out The named node; ::SHIPEST_NO_NODE on failure.
 * @retval SHIPEST_OK     Named.
 * @retval SHIPEST_EINVAL A NULL argument or a node not in @p m.
 * @retval SHIPEST_ENAME  @p name is empty, invalid or already used.
 * @retval SHIPEST_ELIMIT Too many nodes.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_name(
    shipest_model *m, shipest_node a, const char *name, const char *source,
    shipest_node *out);

/**
 * @brief Mark a named node as an output: its results are reported.
 * @param m    The model.
 * @param node A node with a name. Marking it twice is harmless.
 * @retval SHIPEST_OK     Marked.
 * @retval SHIPEST_EINVAL @p m is NULL or @p node is not in it.
 * @retval SHIPEST_ENAME  @p node has no name (name it first).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_output(shipest_model *m, shipest_node node);

/**
 * @brief Record a probability statement P(@p node > @p value) (or <) on
 *        the model, for reports.
 *
 * The model language writes it as a line `P(share > 40%)`. The text report
 * (shipest_report_write() with this model) prints each statement with its
 * Monte Carlo standard error and the words of shipest_probability_words();
 * a statement about a node that is not an output of the result is reported
 * as such.
 * @param m     Model.
 * @param node  A named node (a statement).
 * @param above Nonzero for P(node > value), 0 for P(node < value).
 * @param value The threshold, in @p unit.
 * @param unit  Its unit, of @p node's dimension; NULL or "" is
 *              dimensionless ("%" makes 40 mean 0.4).
 * @param text  How to show it, e.g. "share > 40%" (copied); NULL makes one
 *              from the parts.
 * @retval SHIPEST_OK      Recorded.
 * @retval SHIPEST_EINVAL  @p m is NULL or @p node is not in it.
 * @retval SHIPEST_ENAME   @p node has no name.
 * @retval SHIPEST_EDOMAIN @p value is not finite.
 * @retval SHIPEST_EUNIT   @p unit is unknown or does not fit @p node.
 * @retval SHIPEST_ELIMIT  More than 4096 statements.
 * @retval SHIPEST_ENOMEM  Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_probability(shipest_model *m, shipest_node node, int above, double value, const char *unit, const char *text);

/**
 * @brief Number of probability statements on @p m (shipest_model_probability()).
 * @param m Model (NULL gives 0).
 * @return The count.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_model_probability_count(const shipest_model *m);

/**
 * @brief Probability statement @p k of @p m.
 * @param m              Model.
 * @param k              Index, 0 .. shipest_model_probability_count() - 1.
 * @param[out] node      The node it is about (may be NULL).
 * @param[out] above     1 for P(node > threshold), 0 for < (may be NULL).
 * @param[out] threshold The threshold in the node's display unit, as
 *                       shipest_result_prob_above() takes it (may be NULL).
 * @param[out] text      The statement as written, owned by @p m (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p m is NULL or @p k out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_probability_get(const shipest_model *m, size_t k, shipest_node *node, int *above, double *threshold, const char **text);

/**
 * @brief Correlate two inputs (or table factors) through a Gaussian copula.
 *
 * The engines check that all correlations of a model together form a
 * positive definite matrix when the model is run.
 * @param m   The model.
 * @param a   An input or factor node.
 * @param b   Another input or factor node.
 * @param rho The correlation, in [-1, 1].
 * @retval SHIPEST_OK      Recorded.
 * @retval SHIPEST_EINVAL  @p m is NULL, a node is not in it or is not an
 *                         input or factor, or @p a equals @p b.
 * @retval SHIPEST_EDOMAIN @p rho is outside [-1, 1] or NaN.
 * @retval SHIPEST_ENAME   The pair was already correlated.
 * @retval SHIPEST_ENOMEM  Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_correlate(
    shipest_model *m, shipest_node a, shipest_node b, double rho);

/**
 * @brief Build a model from model text (docs/language.md).
 *
 * Every statement becomes builder calls; without an `output` line every
 * statement is an output. Hedged claims (`more than 28,000 container`)
 * become inputs through shipest_claim_parse() with the default hedge
 * policy. Errors carry the line and column.
 * @param ctx  The context.
 * @param text The model text, UTF-8 (borrowed); need not be NUL-terminated.
 * @param len  Length of @p text in bytes (at most 16 MiB).
 * @param[out] out The new model, or NULL on failure (nothing is left
 *                 allocated). Free it with shipest_model_free().
 * @retval SHIPEST_OK           Built.
 * @retval SHIPEST_EINVAL       @p ctx or @p out is NULL, or @p text is NULL
 *                              with @p len > 0.
 * @retval SHIPEST_EPARSE       A syntax error, an empty model, bytes that
 *                              are not UTF-8, or a number out of range.
 * @retval SHIPEST_ENAME        An unknown, reserved or duplicate name.
 * @retval SHIPEST_EUNIT        A unit mismatch or an unknown unit.
 * @retval SHIPEST_EDOMAIN      A distribution parameter outside its domain.
 * @retval SHIPEST_ENOROUTE     A conversion without a route.
 * @retval SHIPEST_EAMBIGUOUS   A conversion with disagreeing routes.
 * @retval SHIPEST_ELIMIT       Nesting deeper than 200, a line longer than
 *                              64 KiB, text longer than 16 MiB, or more
 *                              than 4,194,304 nodes.
 * @retval SHIPEST_ENOMEM       Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_parse(
    shipest_ctx *ctx, const char *text, size_t len, shipest_model **out);

/**
 * @brief Build a model from a model file; as shipest_model_parse().
 * @param ctx  The context.
 * @param path The file's path (borrowed).
 * @param[out] out The new model, or NULL on failure.
 * @return As shipest_model_parse(), or ::SHIPEST_EIO when the file cannot
 *         be read.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_parse_file(
    shipest_ctx *ctx, const char *path, shipest_model **out);

/**
 * @name Introspection
 * Read-only queries for tests and language bindings. Text is written into
 * caller buffers with `snprintf` semantics: the return value is the full
 * length, excluding the NUL; with @p size 0, @p buf may be NULL. A query
 * that fails leaves its message on the model's context, so call these on
 * the context's thread (running a model never calls them).
 * @{
 */
/** @brief The number of nodes. @param m A model, or NULL (gives 0). @return The count. @since 0.1.0 */
SHIPEST_API size_t shipest_model_node_count(const shipest_model *m);

/**
 * @brief Find a named node.
 * @param m The model. @param name The name (borrowed).
 * @param[out] out The node, or ::SHIPEST_NO_NODE.
 * @retval SHIPEST_OK Found. @retval SHIPEST_EINVAL A NULL argument.
 * @retval SHIPEST_ENAME No node has that name.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_find(const shipest_model *m, const char *name, shipest_node *out);

/**
 * @brief The operation of a node.
 * @param m The model. @param node The node. @param[out] op Its operation.
 * @retval SHIPEST_OK Read. @retval SHIPEST_EINVAL A NULL argument or a node not in @p m.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_node_op(const shipest_model *m, shipest_node node, shipest_op *op);

/**
 * @brief The arguments of a node, in order.
 * @param m The model. @param node The node.
 * @param[out] args Room for @p cap nodes, or NULL when @p cap is 0.
 * @param cap The room in @p args.
 * @return The number of arguments (at most 4; 0 for a node not in @p m);
 *         only the first @p cap are written.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_model_node_args(const shipest_model *m, shipest_node node, shipest_node *args, size_t cap);

/** @brief A node's name: a statement's name, a table factor's name for a factor, "cargo per carrier" for a load plan's binding node, "" if anonymous. @param m The model. @param node The node. @param[out] buf Buffer. @param size Its size. @return The length of the name (0 for a node not in @p m). @since 0.1.0 */
SHIPEST_API size_t shipest_model_node_name(const shipest_model *m, shipest_node node, char *buf, size_t size);

/** @brief The unit a node is shown in, e.g. "round_152mm/year" ("1" when dimensionless). @param m The model. @param node The node. @param[out] buf Buffer. @param size Its size. @return The length of the text (0 for a node not in @p m). @since 0.1.0 */
SHIPEST_API size_t shipest_model_node_unit(const shipest_model *m, shipest_node node, char *buf, size_t size);

/** @brief The source of an input, factor or named node ("" if none). @param m The model. @param node The node. @param[out] buf Buffer. @param size Its size. @return The length of the text (0 for a node not in @p m). @since 0.1.0 */
SHIPEST_API size_t shipest_model_node_source(const shipest_model *m, shipest_node node, char *buf, size_t size);

/**
 * @brief The number a node holds: a constant's value, the scale of an input
 *        or factor to SI base units, or the factor of a scale node.
 * @param m The model. @param node The node. @param[out] value The number (SI base units).
 * @retval SHIPEST_OK Read. @retval SHIPEST_EINVAL A NULL argument, a node
 *         not in @p m, or a node that holds no number.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_node_value(const shipest_model *m, shipest_node node, double *value);

/**
 * @brief The random stream of an input or factor node.
 * @param m The model. @param node The node. @param[out] stream The stream identity.
 * @retval SHIPEST_OK Read. @retval SHIPEST_EINVAL A NULL argument, a node
 *         not in @p m, or a node that is not sampled.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_node_stream(const shipest_model *m, shipest_node node, uint64_t *stream);

/** @brief The distribution of an input or factor node, in its written unit. @param m The model. @param node The node. @return The distribution, owned by the model (valid until it is freed), or NULL for other nodes. @since 0.1.0 */
SHIPEST_API const shipest_dist *shipest_model_node_dist(const shipest_model *m, shipest_node node);

/** @brief Whether a node is an output. @param m The model. @param node The node. @return 1 for an output, 0 otherwise. @since 0.1.0 */
SHIPEST_API int shipest_model_node_is_output(const shipest_model *m, shipest_node node);

/** @brief The number of correlations. @param m A model, or NULL (gives 0). @return The count. @since 0.1.0 */
SHIPEST_API size_t shipest_model_correlation_count(const shipest_model *m);

/**
 * @brief One correlation, in the order they were added.
 * @param m The model. @param i Its index, below shipest_model_correlation_count().
 * @param[out] a First node. @param[out] b Second node. @param[out] rho The correlation.
 * @retval SHIPEST_OK Read. @retval SHIPEST_EINVAL A NULL argument or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_correlation(const shipest_model *m, size_t i, shipest_node *a, shipest_node *b, double *rho);
/** @} */

/** @} */

/**
 * @defgroup tables Units and tables
 * @brief Units, cited conversion tables, load planning and single conversions.
 *
 * A context holds the unit and conversion tables its models and
 * conversions use: item kinds (each its own dimension, so rounds are never
 * added to tonnes or rockets except through a cited factor), aliases, exact
 * units, uncertain conversion factors with their sources, and the carriers
 * and cargo of load planning. The embedded default table
 * (docs/default-table.md) is parsed into a context the first time anything
 * needs tables (a load, a listing or a conversion), so a context that never
 * converts pays nothing for it. Further tables add to it; a table replaces
 * an entry only where it says `override`. The table format is described in
 * docs/tables.md.
 *
 * Built-in exact units: `g kg t` (`tonne` = `t`), `short_ton` (2,000 lb),
 * `long_ton` (2,240 lb), `lb`; `m cm mm km`, `m3 l`; `s min h day week month
 * year` (year = 365.25 days, month = year/12); `%` and `1`
 * (dimensionless). A bare `ton`, `tons` or `MT` is rejected with a message
 * that lists the choices. Unit expressions combine names with `*`, `/`,
 * `^` and parentheses: `round_152mm/day`, `t/container_20ft`, `kg/m3`.
 *
 * @par Lifetime of listed strings
 * Strings and distributions returned by the listing functions are borrowed
 * from the context and stay valid, unchanged, until the context is freed
 * (an `override` keeps the entry it replaces alive).
 *
 * @par The default table
 * Loading it can fail only for lack of memory (::SHIPEST_ENOMEM), unless the
 * library was built from a broken `src/tables/default.stbl`; then every
 * function that needs tables returns that load's status and message.
 * @{
 */

/**
 * @brief Load a table file into the context's tables.
 *
 * The default table is loaded first if it is not yet. The load is all or
 * nothing: on any error the context's tables are as they were, and the
 * message reads `path:line:col: message`.
 * @param ctx  The context.
 * @param path The file's path (borrowed).
 * @retval SHIPEST_OK           Loaded.
 * @retval SHIPEST_EINVAL       @p ctx or @p path is NULL.
 * @retval SHIPEST_EIO          The file cannot be read.
 * @retval SHIPEST_EPARSE       A syntax error, a malformed number, an
 *                              unterminated string, bytes that are not
 *                              UTF-8, or a missing required attribute.
 * @retval SHIPEST_EUNIT        An unknown unit, a cyclic alias, or a factor
 *                              whose units do not fit.
 * @retval SHIPEST_ENAME        A duplicate or unknown name (a redefinition
 *                              without `override` names both places).
 * @retval SHIPEST_EDOMAIN      An impossible distribution, or a factor that
 *                              may be zero or negative.
 * @retval SHIPEST_EUNSUPPORTED A format version or statement not supported
 *                              yet (`hedge`).
 * @retval SHIPEST_ELIMIT       A line longer than 64 KiB, or too many
 *                              entries or item kinds (at most 61).
 * @retval SHIPEST_ENOMEM       Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_load_table_file(shipest_ctx *ctx,
                                                                         const char *path);

/**
 * @brief Load a table from text; as shipest_ctx_load_table_file().
 * @param ctx  The context.
 * @param text The table text (borrowed); need not be NUL-terminated and may
 *             hold any bytes (NUL bytes and invalid UTF-8 are errors).
 * @param len  Length of @p text in bytes.
 * @param name The name used in messages, e.g. a file name; NULL gives
 *             `"<string>"` (borrowed; copied).
 * @retval SHIPEST_EINVAL @p ctx is NULL, or @p text is NULL with @p len > 0.
 * @return Otherwise as shipest_ctx_load_table_file() (never ::SHIPEST_EIO).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_ctx_load_table_string(
    shipest_ctx *ctx, const char *text, size_t len, const char *name);

/** @brief The kinds of table entries, for the listing functions. Values are pinned forever. */
typedef enum shipest_table_entry {
    SHIPEST_ENTRY_KIND = 0,    /**< Item kinds (`kind`): each a base dimension. */
    SHIPEST_ENTRY_ALIAS = 1,   /**< Aliases (`alias`). */
    SHIPEST_ENTRY_UNIT = 2,    /**< Exact units: the built-in ones first, then `unit` entries. */
    SHIPEST_ENTRY_FACTOR = 3,  /**< Uncertain conversion factors (`factor`). */
    SHIPEST_ENTRY_CARRIER = 4, /**< Load-planning carriers (`carrier`). */
    SHIPEST_ENTRY_CARGO = 5    /**< Load-planning cargo (`cargo`). */
} shipest_table_entry;

/**
 * @brief The fields of a table entry, for shipest_table_get(). Values are
 *        pinned forever.
 *
 * A field an entry does not have, or an optional one not given, reads as
 * `""`.
 */
typedef enum shipest_table_field {
    SHIPEST_FIELD_NAME = 0,        /**< Name (for carriers and cargo: the kind). */
    SHIPEST_FIELD_DESCRIPTION = 1, /**< A kind's description. */
    SHIPEST_FIELD_FROM = 2,        /**< Factor: the left side as written ("1 container_20ft"); alias: its name. */
    SHIPEST_FIELD_TO = 3,          /**< Factor: the unit of the right side ("t"); alias: its target. */
    SHIPEST_FIELD_DIST = 4,        /**< Factor: the distribution as written ("uniform(21.6, 21.85)"). */
    SHIPEST_FIELD_SOURCE = 5,      /**< Factor, carrier, cargo: the source. */
    SHIPEST_FIELD_DATE = 6,        /**< Factor, carrier, cargo: the date ("2025-07"). */
    SHIPEST_FIELD_CONFIDENCE = 7,  /**< Factor, carrier, cargo: "V: ...", "K: ..." or "D: ...". */
    SHIPEST_FIELD_NOTE = 8,        /**< Factor: the note. */
    SHIPEST_FIELD_ROUTE = 9,       /**< Factor: its route tag (selected with `via`). */
    SHIPEST_FIELD_PREFERRED = 10,  /**< Factor: "preferred" when marked so. */
    SHIPEST_FIELD_DEFINITION = 11, /**< Unit: its definition ("1440 cartridge_762x39", "1000 kg (tonne, metric ton)"). */
    SHIPEST_FIELD_SI = 12,         /**< Unit, factor: the SI value of one unit ("1440 cartridge_762x39"), or a factor's SI unit ("kg/container_20ft"). */
    SHIPEST_FIELD_LOCATION = 13,   /**< Where it was defined ("default.stbl:98"), or "built-in". */
    SHIPEST_FIELD_PAYLOAD = 14,    /**< Carrier: payload, a factor name or a distribution and unit. */
    SHIPEST_FIELD_USABLE = 15,     /**< Carrier: usable fraction of the payload. */
    SHIPEST_FIELD_VOLUME = 16,     /**< Carrier: inside volume; cargo: packed volume per item. */
    SHIPEST_FIELD_LENGTH = 17,     /**< Carrier: inside length; cargo: package length. */
    SHIPEST_FIELD_MASS = 18        /**< Cargo: packed mass per item. */
} shipest_table_field;

/**
 * @brief The number of entries of one kind in the context's tables.
 * @param ctx       The context (the default table is loaded if not yet).
 * @param entry     Which entries.
 * @param[out] count Their number.
 * @retval SHIPEST_OK     Counted.
 * @retval SHIPEST_EINVAL A NULL argument or an unknown @p entry.
 * @retval SHIPEST_ENOMEM Loading the default table ran out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_table_count(shipest_ctx *ctx,
                                                                 shipest_table_entry entry,
                                                                 size_t *count);

/**
 * @brief One field of one table entry.
 *
 * Entries are listed in the order they were defined (an override keeps the
 * place of the entry it replaces).
 * @param ctx        The context.
 * @param entry      Which entries.
 * @param index      The entry's index, below shipest_table_count().
 * @param field      Which field.
 * @param[out] value The field's text, borrowed from the context and valid
 *                   until it is freed; `""` when the entry has no such
 *                   field. Never NULL on success.
 * @retval SHIPEST_OK     Read.
 * @retval SHIPEST_EINVAL A NULL argument, an unknown @p entry or @p field,
 *                        or @p index out of range.
 * @retval SHIPEST_ENOMEM Loading the default table ran out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_table_get(
    shipest_ctx *ctx, shipest_table_entry entry, size_t index, shipest_table_field field,
    const char **value);

/**
 * @brief The distribution of a factor: the value of one `FROM` in units of
 *        its `TO` unit (see shipest_table_get() with ::SHIPEST_FIELD_TO).
 * @param ctx       The context.
 * @param index     The factor's index, below the count of ::SHIPEST_ENTRY_FACTOR.
 * @param[out] dist The distribution, borrowed from the context (valid until
 *                  it is freed; do not free it).
 * @retval SHIPEST_OK     Read.
 * @retval SHIPEST_EINVAL A NULL argument or @p index out of range.
 * @retval SHIPEST_ENOMEM Loading the default table ran out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_table_factor_dist(
    shipest_ctx *ctx, size_t index, const shipest_dist **dist);

/**
 * @brief Check a unit expression and describe it in SI base units.
 * @param ctx            The context.
 * @param unit           The unit expression, e.g. `"round_152mm/month"` (borrowed).
 * @param[out] si_scale  SI base units per one @p unit (e.g. 1/2629800 for
 *                       rounds per month); may be NULL.
 * @param[out] buf       Receives the dimension in SI base names, e.g.
 *                       `"round_152mm/s"`; may be NULL when @p size is 0.
 * @param size           Size of @p buf in bytes.
 * @param[out] needed    The full length of that text (excluding the NUL);
 *                       may be NULL.
 * @retval SHIPEST_OK     A valid unit.
 * @retval SHIPEST_EINVAL @p ctx or @p unit is NULL.
 * @retval SHIPEST_EUNIT  An unknown unit or a trap name; the message gives
 *                        the column.
 * @retval SHIPEST_EPARSE A malformed expression; the message gives the column.
 * @retval SHIPEST_ELIMIT Exponents out of range.
 * @retval SHIPEST_ENOMEM Loading the default table ran out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_unit_describe(
    shipest_ctx *ctx, const char *unit, double *si_scale, char *buf, size_t size,
    size_t *needed);

/** @brief The result of a single conversion: a distribution and the route used. */
typedef struct shipest_conversion shipest_conversion;

/** @brief Load-planning constraints. Values are pinned forever. */
typedef enum shipest_constraint {
    SHIPEST_CONSTRAINT_MASS = 0,   /**< The carrier weighs out: payload x usable / item mass. */
    SHIPEST_CONSTRAINT_VOLUME = 1, /**< The carrier cubes out: inside volume / item volume. */
    SHIPEST_CONSTRAINT_LENGTH = 2  /**< Packages fit floor(L/l) times along the carrier. */
} shipest_constraint;

/**
 * @brief Convert a distribution from one unit to another through the tables.
 *
 * The route is found as for shipest_model_convert(): exact factors, then
 * the fewest cited uncertain factors and load plans. The result is
 * computed by Monte Carlo with the context's seed over
 * min(::SHIPEST_OPT_TRIALS, 1,048,576) trials: factor k is drawn from the
 * random stream of `"factor:"` + its name, so a model with the same seed
 * draws the same factor values; the input @p value from the stream of
 * `"convert:input"`. The converted distribution is empirical over those
 * trials, or a constant when the input is a constant and the route exact.
 * @param ctx       The context.
 * @param value     The quantity in @p from_unit (borrowed; not kept).
 * @param from_unit Its unit (borrowed).
 * @param to_unit   The unit wanted (borrowed).
 * @param via       NULL, or route tags to use (`route NAME` in the table),
 *                  separated by commas or spaces; each must be used by the
 *                  route (borrowed).
 * @param[out] out  The conversion, or NULL on failure; free it with
 *                  shipest_conversion_free() before the context.
 * @retval SHIPEST_OK         Converted.
 * @retval SHIPEST_EINVAL     A NULL @p ctx, @p value, unit or @p out.
 * @retval SHIPEST_EUNIT      An unknown unit (the message gives the column).
 * @retval SHIPEST_EPARSE     A malformed unit expression.
 * @retval SHIPEST_ENAME      @p via names no route tag of the tables.
 * @retval SHIPEST_ENOROUTE   No route (or a @p via tag the route does not use).
 * @retval SHIPEST_EAMBIGUOUS Two routes disagree and neither is preferred;
 *                            the message names both.
 * @retval SHIPEST_EDOMAIN    A converted value was not finite (e.g. a
 *                            division by an item count of zero).
 * @retval SHIPEST_ELIMIT     The route search grew too large.
 * @retval SHIPEST_ENOMEM     Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_convert(
    shipest_ctx *ctx, const shipest_dist *value, const char *from_unit, const char *to_unit,
    const char *via, shipest_conversion **out);

/**
 * @brief Convert a number; as shipest_convert() with a constant input.
 * @param ctx       The context.
 * @param value     A finite number in @p from_unit.
 * @param from_unit Its unit (borrowed).
 * @param to_unit   The unit wanted (borrowed).
 * @param via       NULL, or route tags (as for shipest_convert()).
 * @param[out] out  The conversion, or NULL on failure.
 * @retval SHIPEST_EDOMAIN @p value is NaN or infinite.
 * @return Otherwise as shipest_convert().
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_convert_number(
    shipest_ctx *ctx, double value, const char *from_unit, const char *to_unit,
    const char *via, shipest_conversion **out);

/**
 * @brief Free a conversion.
 * @param c A conversion, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_conversion_free(shipest_conversion *c);

/**
 * @brief The converted quantity, in the target unit.
 * @param c A conversion.
 * @return A distribution owned by @p c (valid until it is freed); NULL if
 *         @p c is NULL. Copy it with shipest_dist_clone() to keep it.
 * @since 0.1.0
 */
SHIPEST_API const shipest_dist *shipest_conversion_dist(const shipest_conversion *c);

/**
 * @brief The exact part of the conversion: from-unit scale / to-unit scale
 *        (e.g. 1/30.4375 for round_152mm/month to round_152mm/day).
 * @param c A conversion.
 * @return The scale; NaN if @p c is NULL.
 * @since 0.1.0
 */
SHIPEST_API double shipest_conversion_scale(const shipest_conversion *c);

/**
 * @brief The number of steps of the route (0 for an exact conversion).
 * @param c A conversion, or NULL (gives 0).
 * @return The count (at most 4).
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_conversion_step_count(const shipest_conversion *c);

/**
 * @brief One step of the route: a table factor, or a load plan.
 *
 * The converted value is the input times the scale times each step to its
 * exponent.
 * @param c              A conversion.
 * @param i              The step, below shipest_conversion_step_count().
 * @param[out] name      The factor's name, or for a load plan
 *                       `"load plan container_20ft -> round_152mm"`;
 *                       borrowed from @p c. May be NULL.
 * @param[out] exponent  +1 (multiply) or -1 (divide). May be NULL.
 * @param[out] is_load_plan 1 for a load plan, else 0. May be NULL.
 * @retval SHIPEST_OK     Read.
 * @retval SHIPEST_EINVAL @p c is NULL or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_conversion_step(
    const shipest_conversion *c, size_t i, const char **name, int *exponent,
    int *is_load_plan);

/**
 * @brief In what share of trials a load-plan step was bound by a constraint.
 * @param c          A conversion.
 * @param step       A load-plan step of @p c.
 * @param constraint The constraint.
 * @param[out] share The share of trials in [0, 1] in which it was the
 *                   smallest; 0 when the plan lacks it. The shares of a
 *                   step sum to 1.
 * @retval SHIPEST_OK     Read.
 * @retval SHIPEST_EINVAL A NULL argument, @p step out of range or not a
 *                        load plan, or an unknown @p constraint.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_conversion_binding_share(
    const shipest_conversion *c, size_t step, shipest_constraint constraint, double *share);

/**
 * @brief The number of table factors (and load-plan quantities) the
 *        conversion used, each counted once.
 * @param c A conversion, or NULL (gives 0).
 * @return The count.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_conversion_factor_count(const shipest_conversion *c);

/**
 * @brief A field of one factor the conversion used.
 *
 * The fields are those of shipest_table_get() for ::SHIPEST_ENTRY_FACTOR
 * (::SHIPEST_FIELD_NAME, ::SHIPEST_FIELD_DIST, ::SHIPEST_FIELD_SOURCE,
 * ::SHIPEST_FIELD_DATE, ::SHIPEST_FIELD_CONFIDENCE, ::SHIPEST_FIELD_SI).
 * A load-plan quantity that is not a named factor is named after its
 * carrier or cargo and attribute, e.g. `"container_20ft.usable"`, and
 * carries the source of that carrier or cargo.
 * @param c          A conversion.
 * @param i          The factor, below shipest_conversion_factor_count().
 * @param field      The field.
 * @param[out] value Its text, borrowed from the context (valid until the
 *                   context is freed); `""` for other fields.
 * @retval SHIPEST_OK     Read.
 * @retval SHIPEST_EINVAL A NULL argument or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_conversion_factor(
    const shipest_conversion *c, size_t i, shipest_table_field field, const char **value);

/** @} */

/**
 * @defgroup running Running models
 * @brief Monte Carlo over a model: fixed trials, a trial range, or adaptive
 *        stopping; threads; Latin hypercube; progress and cancellation.
 *
 * Trial @e t of input @e k uses the uniform shipest_random_uniform() gives
 * for (seed, @e k's stream, @e t) (stratified with ::SHIPEST_RUN_LHS, joined
 * through the copula for correlated inputs, still a function of those
 * three), so a run is a pure function of the model, the seed
 * (::SHIPEST_OPT_SEED), the flags and the trial range: the result is
 * bit-identical for any ::SHIPEST_OPT_THREADS and ::SHIPEST_OPT_BLOCK_SIZE,
 * and runs over disjoint ranges merge (shipest_result_merge()) into exactly
 * what one run over their union gives. Inputs listed in
 * shipest_model_correlate() are joined by a Gaussian copula on their
 * uniforms; @e rho is the correlation of their normal scores.
 *
 * Samples are kept while they fit in ::SHIPEST_OPT_MAX_MEMORY (about
 * 16 bytes per trial and output); past it each output streams into a
 * quantile sketch of relative error 1e-3 (shipest_result_is_sketched()).
 *
 * The progress callback (shipest_ctx_set_progress()) is called on the
 * calling thread at least every 1% of the trials or 100 ms; a non-zero
 * return cancels the run, which then returns ::SHIPEST_ECANCELLED having
 * freed everything it allocated. Every allocation is made on the calling
 * thread through the context's hooks. See docs/statistics.md.
 * @{
 */

/** @brief An opaque result of a run. See the @ref results group. */
typedef struct shipest_result shipest_result;

/** @brief Flags of shipest_model_run_range() and shipest_model_run_adaptive(). */
typedef enum shipest_run_flags {
    /** Latin hypercube sampling: each input stratified in groups of 1024
     *  trials (docs/statistics.md says how, and its limits). */
    SHIPEST_RUN_LHS = 1
} shipest_run_flags;

/** @brief Why a run stopped (shipest_result_stop_reason()). Values are pinned. */
typedef enum shipest_stop_reason {
    SHIPEST_STOP_FIXED = 0,  /**< The requested number of trials ran. */
    SHIPEST_STOP_STABLE = 1, /**< Adaptive: every output reached the requested digits. */
    SHIPEST_STOP_CAP = 2,    /**< Adaptive: the trial cap was reached first. */
    SHIPEST_STOP_MERGED = 3  /**< The result is a merge of other results. */
} shipest_stop_reason;

/**
 * @brief Run @p m for ::SHIPEST_OPT_TRIALS trials (trials 0, 1, ...).
 *
 * The same as shipest_model_run_range() over [0, trials) without flags.
 * @param ctx      The context: seed, trials, threads, memory cap, block
 *                 size, progress callback; the result allocates from it.
 * @param m        A built model with at least one output (borrowed; only
 *                 read, so several runs may share it).
 * @param[out] out The new result, or NULL on failure. Free it with
 *                 shipest_result_free() before @p ctx.
 * @retval SHIPEST_OK         Done.
 * @retval SHIPEST_EINVAL     A NULL argument, or the model has no outputs.
 * @retval SHIPEST_EDOMAIN    The correlations are not positive definite
 *                            (the message names a pair) or out of [-1, 1].
 * @retval SHIPEST_ECANCELLED The progress callback cancelled the run.
 * @retval SHIPEST_ENOMEM     Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_run(
    shipest_ctx *ctx, const shipest_model *m, shipest_result **out);

/**
 * @brief Run @p m over trials [@p first, @p first + @p n).
 *
 * Results of runs over disjoint ranges, with the same model, seed and
 * flags, merge with shipest_result_merge() into the result of one run over
 * their union: bit-identical moments, and identical quantiles while
 * samples are kept (within the sketch bound past the memory cap).
 * @param ctx   The context (see shipest_model_run()).
 * @param m     The model (borrowed).
 * @param first The first trial.
 * @param n     The number of trials, >= 1.
 * @param flags 0 or ::SHIPEST_RUN_LHS.
 * @param[out] out The new result, or NULL on failure; free it with
 *                 shipest_result_free().
 * @retval SHIPEST_OK         Done.
 * @retval SHIPEST_EINVAL     A NULL argument, unknown flags, or no outputs.
 * @retval SHIPEST_ERANGE     @p n is 0 or the range passes 2^64.
 * @retval SHIPEST_EDOMAIN    Inconsistent correlations (the message names a pair).
 * @retval SHIPEST_ECANCELLED Cancelled by the progress callback.
 * @retval SHIPEST_ENOMEM     Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_run_range(
    shipest_ctx *ctx, const shipest_model *m, uint64_t first, uint64_t n, unsigned flags,
    shipest_result **out);

/**
 * @brief Run @p m until every output is known to @p digits significant
 *        digits (JCGM 101 section 7.9), or until @p max_trials.
 *
 * Trials run in sequences of M = max(100 / (1 - p), 10^4) trials, p the
 * ::SHIPEST_OPT_COVERAGE. After each sequence (from the second on), for
 * every output the standard deviations of the sequence means of the
 * estimate, its standard uncertainty u and the two ends of the
 * probabilistically symmetric p coverage interval are compared with the
 * numerical tolerance delta = 10^l / 2 of u written with @p digits
 * significant digits; the run stops when all four, doubled, are within
 * delta for every output. The result covers trials [0, h M);
 * shipest_result_stop_reason() says whether it stabilised or hit the cap,
 * and shipest_result_trials() how many trials ran.
 * @param ctx        The context (see shipest_model_run()).
 * @param m          The model (borrowed).
 * @param digits     Significant digits wanted, 1 to 6 (JCGM 101 uses 1 or 2).
 * @param max_trials Cap on the trials; at least two sequences (2 M).
 * @param flags      0 or ::SHIPEST_RUN_LHS.
 * @param[out] out   The new result, or NULL on failure; free it with
 *                   shipest_result_free().
 * @retval SHIPEST_OK         Done (stabilised or capped).
 * @retval SHIPEST_EINVAL     A NULL argument, unknown flags, or no outputs.
 * @retval SHIPEST_ERANGE     @p digits out of range or @p max_trials below 2 M.
 * @retval SHIPEST_EDOMAIN    Inconsistent correlations.
 * @retval SHIPEST_ECANCELLED Cancelled by the progress callback.
 * @retval SHIPEST_ENOMEM     Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_run_adaptive(
    shipest_ctx *ctx, const shipest_model *m, int digits, uint64_t max_trials, unsigned flags,
    shipest_result **out);

/**
 * @brief Merge the results of two runs over disjoint trial ranges.
 *
 * The merge is exact: moments are bit-identical to one run over the union
 * of the ranges, kept samples are joined in trial order, and sketches add
 * their counts. The order of @p a and @p b does not matter. If the joined
 * samples pass ::SHIPEST_OPT_MAX_MEMORY of @p ctx, the merged result is
 * sketched.
 * @param ctx      The context the new result allocates from.
 * @param a        A result (borrowed, unchanged).
 * @param b        A result of the same model, seed and flags over a range
 *                 disjoint from @p a's (borrowed, unchanged).
 * @param[out] out The merged result, or NULL on failure; free it with
 *                 shipest_result_free(). Its stop reason is
 *                 ::SHIPEST_STOP_MERGED.
 * @retval SHIPEST_OK     Merged.
 * @retval SHIPEST_EINVAL A NULL argument, results of different models,
 *                        seeds or flags, or overlapping ranges.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_merge(
    shipest_ctx *ctx, const shipest_result *a, const shipest_result *b, shipest_result **out);

/**
 * @brief Write @p r as a self-describing byte image that
 *        shipest_result_deserialize() reads back, in this process or
 *        another (MPI ranks, files).
 *
 * The image is versioned, little-endian whatever the host, and carries the
 * model's fingerprint, the seed and flags, the trial ranges and the exact
 * mergeable state: moment accumulators, kept samples or sketch buckets
 * (sparse), the sensitivity subsample and the binding counts. The format
 * and its guarantees are in docs/serialization.md. Kept samples take 8
 * bytes per output and trial; a sketched result takes a few kilobytes per
 * output whatever its trials.
 *
 * Sizing: call with @p buf NULL and @p cap 0 to learn the size in @p len,
 * then again with a buffer of at least that size. Unlike the text
 * functions, a partial image is useless, so a @p cap too small writes
 * nothing and returns ::SHIPEST_ELIMIT (with the size needed in @p len).
 * The call allocates nothing and changes nothing, so, like the other
 * accessors, it may run on several threads at once; it sets no message.
 * @param r        The result (borrowed; only read).
 * @param[out] buf Caller's buffer of @p cap bytes, or NULL when @p cap is 0.
 * @param cap      Size of @p buf in bytes.
 * @param[out] len The size of the image in bytes (set whenever @p r and
 *                 @p len are not NULL).
 * @retval SHIPEST_OK     Written (or, with @p buf NULL, the size in @p len).
 * @retval SHIPEST_EINVAL @p r or @p len is NULL, or @p buf is NULL with
 *                        @p cap > 0.
 * @retval SHIPEST_ELIMIT @p cap is smaller than the image; nothing was
 *                        written; @p len holds the size needed.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_serialize(
    const shipest_result *r, void *buf, size_t cap, size_t *len);

/**
 * @brief Rebuild a result from an image made by shipest_result_serialize(),
 *        for the model it was run from.
 *
 * Output names, units, dependencies and sources come from @p m, as in a
 * run. Every accessor of the new result answers bit for bit as the
 * original's did, and shipest_result_merge() of rebuilt results of
 * disjoint ranges equals one run over their union bit for bit, kept or
 * sketched; the stop reason and the kept-or-sketched state are carried
 * over whatever ::SHIPEST_OPT_MAX_MEMORY @p ctx has.
 *
 * Nothing in the image is trusted: magic, version, length, checksum, the
 * model fingerprint, flags, every count and every length are checked, and
 * the parts against each other, before anything sized by the image is
 * allocated. On failure the message of @p ctx names the problem and its
 * byte offset. Images of a newer format version are refused.
 * @param ctx      The context the result allocates from; messages.
 * @param m        The model the image's result was run from (borrowed;
 *                 the same model built again in another process is the
 *                 same model).
 * @param buf      The image (borrowed), or NULL when @p len is 0.
 * @param len      Its exact size in bytes.
 * @param[out] out The new result, or NULL on failure; free it with
 *                 shipest_result_free().
 * @retval SHIPEST_OK          Done.
 * @retval SHIPEST_EINVAL      A NULL argument, or the image is of another
 *                             model (its fingerprint differs).
 * @retval SHIPEST_EPARSE      Not an image, truncated, corrupt or
 *                             inconsistent (the message gives the byte offset).
 * @retval SHIPEST_EUNSUPPORTED A newer format version than this library reads.
 * @retval SHIPEST_ENOMEM      Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_deserialize(
    shipest_ctx *ctx, const shipest_model *m, const void *buf, size_t len, shipest_result **out);

/**
 * @brief Free a result and everything it owns (strings it returned
 *        included).
 * @param r A result, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_result_free(shipest_result *r);

/** @} */

/**
 * @defgroup results Results
 * @brief What a run produced: per output summary statistics, Monte Carlo
 *        standard errors, sensitivity, dependencies and samples.
 *
 * Outputs are numbered 0 .. shipest_result_output_count() - 1 in model
 * order; values are in each output's display unit
 * (shipest_result_output_unit()). Statistics use the finite values only
 * (shipest_result_count() says how many). Quantiles and intervals are exact
 * order statistics of the kept samples, or, when the result is sketched,
 * within relative error 1e-3 of them (shipest_result_sketch_bound()).
 * Formulas and references (JCGM 100, JCGM 101) are in docs/statistics.md.
 *
 * Strings returned by these functions belong to the result and stay valid
 * until shipest_result_free(). A result is read-only after its run, so its
 * accessors may be called from several threads at once.
 * @{
 */

/** @brief Kinds of coverage interval. Values are pinned. */
typedef enum shipest_interval {
    /** Probabilistically symmetric: equal probability (1 - p)/2 in each tail. */
    SHIPEST_INTERVAL_SYMMETRIC = 0,
    /** Shortest interval holding probability p (JCGM 101 7.7.2). */
    SHIPEST_INTERVAL_SHORTEST = 1
} shipest_interval;

/**
 * @brief Number of outputs.
 * @param r A result; NULL gives 0.
 * @return The number of outputs.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_result_output_count(const shipest_result *r);

/**
 * @brief Name of output @p i.
 * @param r A result.
 * @param i Output index.
 * @return The name (owned by @p r), or NULL if @p r is NULL or @p i is out
 *         of range.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_result_output_name(const shipest_result *r, size_t i);

/**
 * @brief Display unit of output @p i, as the model shows it (e.g.
 *        "round_152mm/year"; "1" for a plain number such as a share).
 * @param r A result.
 * @param i Output index.
 * @return The unit text (owned by @p r), or NULL if @p i is out of range.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_result_output_unit(const shipest_result *r, size_t i);

/**
 * @brief Index of the output called @p name.
 * @param r          A result.
 * @param name       An output name (borrowed).
 * @param[out] index Its index.
 * @retval SHIPEST_OK     Found.
 * @retval SHIPEST_EINVAL A NULL argument.
 * @retval SHIPEST_ENAME  No output has that name.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_output_index(
    const shipest_result *r, const char *name, size_t *index);

/**
 * @brief Trials the result covers (all runs merged into it).
 * @param r A result; NULL gives 0.
 * @return The number of trials.
 * @since 0.1.0
 */
SHIPEST_API uint64_t shipest_result_trials(const shipest_result *r);

/**
 * @brief Why the run stopped.
 * @param r A result; NULL gives ::SHIPEST_STOP_FIXED.
 * @return The reason.
 * @since 0.1.0
 */
SHIPEST_API shipest_stop_reason shipest_result_stop_reason(const shipest_result *r);

/**
 * @brief Finite values of output @p i and trials where it was not finite
 *        (e.g. a division by zero).
 * @param r              A result.
 * @param i              Output index.
 * @param[out] finite    Trials with a finite value (may be NULL).
 * @param[out] nonfinite Trials with NaN or an infinity (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p r is NULL or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_count(
    const shipest_result *r, size_t i, uint64_t *finite, uint64_t *nonfinite);

/**
 * @brief Mean of output @p i.
 * @param r         A result.
 * @param i         Output index.
 * @param[out] mean The mean (NaN when no value is finite).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL argument or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_mean(
    const shipest_result *r, size_t i, double *mean);

/**
 * @brief Standard deviation (the standard uncertainty, JCGM 101 7.6) of
 *        output @p i, with divisor n - 1.
 * @param r       A result.
 * @param i       Output index.
 * @param[out] sd The standard deviation (NaN with fewer than two values;
 *                +inf when the variance passes the largest double).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL argument or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_sd(
    const shipest_result *r, size_t i, double *sd);

/**
 * @brief Monte Carlo standard error of the mean, sd / sqrt(n).
 * @param r       A result.
 * @param i       Output index.
 * @param[out] se The standard error.
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL argument or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_mc_se_mean(
    const shipest_result *r, size_t i, double *se);

/**
 * @brief Quantile of output @p i at probability @p p (linear interpolation
 *        between order statistics, Hyndman and Fan type 7).
 * @param r      A result.
 * @param i      Output index.
 * @param p      Probability in [0, 1]; 0.5 gives the median.
 * @param[out] q The quantile.
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN @p p outside [0, 1], or no finite value.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_quantile(
    const shipest_result *r, size_t i, double p, double *q);

/**
 * @brief Monte Carlo standard error of the @p p quantile.
 *
 * Distribution-free: half the distance between the order statistics at
 * ranks n p -/+ sqrt(n p (1 - p)), which bracket the quantile with about
 * 68% confidence.
 * @param r       A result.
 * @param i       Output index.
 * @param p       Probability in (0, 1).
 * @param[out] se The standard error.
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN @p p outside (0, 1), or no finite value.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_mc_se_quantile(
    const shipest_result *r, size_t i, double p, double *se);

/**
 * @brief Coverage interval of output @p i holding probability @p coverage
 *        (JCGM 101 7.7).
 * @param r        A result.
 * @param i        Output index.
 * @param kind     ::SHIPEST_INTERVAL_SYMMETRIC or ::SHIPEST_INTERVAL_SHORTEST.
 * @param coverage Probability in (0, 1), e.g. 0.9 or 0.95.
 * @param[out] lo  Lower end.
 * @param[out] hi  Upper end.
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument, @p i out of range or unknown @p kind.
 * @retval SHIPEST_EDOMAIN @p coverage outside (0, 1), or no finite value.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_interval(
    const shipest_result *r, size_t i, shipest_interval kind, double coverage, double *lo,
    double *hi);

/**
 * @brief Estimated probability that output @p i exceeds @p t, with its
 *        Monte Carlo standard error sqrt(P (1 - P) / n).
 * @param r       A result.
 * @param i       Output index.
 * @param t       Threshold, in the output's display unit.
 * @param[out] p  The fraction of finite values > @p t.
 * @param[out] se Its standard error (may be NULL).
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN @p t is NaN, or no finite value.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_prob_above(
    const shipest_result *r, size_t i, double t, double *p, double *se);

/**
 * @brief Estimated probability that output @p i is below @p t, with its
 *        Monte Carlo standard error.
 * @param r       A result.
 * @param i       Output index.
 * @param t       Threshold, in the output's display unit.
 * @param[out] p  The fraction of finite values < @p t.
 * @param[out] se Its standard error (may be NULL).
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN @p t is NaN, or no finite value.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_prob_below(
    const shipest_result *r, size_t i, double t, double *p, double *se);

/**
 * @brief Histogram of output @p i: @p nbins equal bins over [@p lo, @p hi].
 *
 * Bin k counts values in [lo + k w, lo + (k + 1) w), w = (hi - lo) / nbins;
 * the last bin also holds @p hi. Values outside [lo, hi] are not counted
 * (use the 0 and 1 quantiles for a range that holds them all).
 * @param r           A result.
 * @param i           Output index.
 * @param lo          Lower edge (finite).
 * @param hi          Upper edge (finite, > @p lo).
 * @param nbins       Number of bins, >= 1.
 * @param[out] counts @p nbins counts.
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument, @p i out of range or @p nbins 0.
 * @retval SHIPEST_EDOMAIN @p lo, @p hi not finite or not lo < hi.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_histogram(
    const shipest_result *r, size_t i, double lo, double hi, size_t nbins, uint64_t *counts);

/**
 * @brief Significant decimal digits of @p value given its standard error.
 *
 * The number of leading digits of @p value that lie above the digit
 * position of twice @p se (a 95% half-width): the digits worth printing.
 * Safe from any thread.
 * @param value A statistic.
 * @param se    Its Monte Carlo standard error (>= 0).
 * @return The digits, 0 when the error exceeds the value; 17 when @p se is 0.
 * @since 0.1.0
 */
SHIPEST_API int shipest_significant_digits(double value, double se);

/**
 * @brief Number of inputs and table factors output @p i depends on (its
 *        sensitivity entries have the same count).
 * @param r A result.
 * @param i Output index.
 * @return The count; 0 if @p r is NULL or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_result_dependency_count(const shipest_result *r, size_t i);

/**
 * @brief Input or table factor @p k that output @p i depends on, in model
 *        order.
 * @param r              A result.
 * @param i              Output index.
 * @param k              Dependency index.
 * @param[out] is_factor 1 for a table factor, 0 for an input (may be NULL).
 * @param[out] name      Its name (owned by @p r; may be NULL).
 * @param[out] source    Its source: the input's `@ "source"` or the table
 *                       factor's citation; "" when none (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p r NULL, or @p i or @p k out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_dependency(
    const shipest_result *r, size_t i, size_t k, int *is_factor, const char **name,
    const char **source);

/**
 * @brief Number of sensitivity entries of output @p i.
 * @param r A result.
 * @param i Output index.
 * @return Same as shipest_result_dependency_count().
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_result_sensitivity_count(const shipest_result *r, size_t i);

/**
 * @brief Sensitivity entry @p k of output @p i, largest share first.
 *
 * The share is the input's squared Spearman rank correlation with the
 * output, normalised over the output's inputs so shares sum to 1. Computed
 * from all trials up to 32768 and from a fixed, hash-selected subsample of
 * 32768 trials beyond (docs/statistics.md).
 * @param r          A result.
 * @param i          Output index.
 * @param k          Entry index (0 = the largest share).
 * @param[out] name  The input's name (owned by @p r; may be NULL).
 * @param[out] share Its share of variance in [0, 1] (may be NULL; NaN with
 *                   fewer than three trials).
 * @param[out] rho   Its Spearman correlation with the output (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p r NULL, or @p i or @p k out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_sensitivity(
    const shipest_result *r, size_t i, size_t k, const char **name, double *share, double *rho);

/**
 * @brief Number of load-plan binding nodes in the model (conversions
 *        through a load plan, where the smallest constraint wins).
 * @param r A result; NULL gives 0.
 * @return The count.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_result_binding_count(const shipest_result *r);

/**
 * @brief Binding node @p b: its name and number of constraints.
 * @param r                  A result.
 * @param b                  Binding index.
 * @param[out] name          The node's name, or "#index" for an unnamed
 *                           node (owned by @p r; may be NULL).
 * @param[out] n_constraints Its constraints (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p r NULL or @p b out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_binding(
    const shipest_result *r, size_t b, const char **name, size_t *n_constraints);

/**
 * @brief How often constraint @p c of binding node @p b was the binding
 *        one (the smallest; ties go to the first).
 * @param r          A result.
 * @param b          Binding index.
 * @param c          Constraint index.
 * @param[out] label The constraint's label, e.g. "mass" (owned by @p r; may be NULL).
 * @param[out] share The fraction of trials it bound (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p r NULL, or @p b or @p c out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_binding_share(
    const shipest_result *r, size_t b, size_t c, const char **label, double *share);

/**
 * @brief Copy kept samples of output @p i, in trial order, into @p out.
 *
 * Sample j is the output of the j-th trial the result covers (over merged
 * ranges, in increasing trial order); samples of different outputs with the
 * same j come from the same trial.
 * @param r      A result.
 * @param i      Output index.
 * @param offset First sample to copy.
 * @param n      Samples to copy.
 * @param[out] out At least @p n doubles (caller's buffer).
 * @retval SHIPEST_OK           Copied.
 * @retval SHIPEST_EINVAL       A NULL argument or @p i out of range.
 * @retval SHIPEST_ERANGE       [offset, offset + n) passes the trials.
 * @retval SHIPEST_EUNSUPPORTED The result is sketched: samples were not kept.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_samples(
    const shipest_result *r, size_t i, uint64_t offset, size_t n, double *out);

/**
 * @brief Whether the result streamed into quantile sketches (samples past
 *        ::SHIPEST_OPT_MAX_MEMORY) instead of keeping samples.
 * @param r A result; NULL gives 0.
 * @return 1 if sketched, 0 if samples are kept.
 * @since 0.1.0
 */
SHIPEST_API int shipest_result_is_sketched(const shipest_result *r);

/**
 * @brief The error bound of output @p i's quantiles, intervals,
 *        probabilities and histogram.
 * @param r              A result.
 * @param i              Output index.
 * @param[out] rel_error 0 when samples are kept (exact); otherwise 1e-3:
 *                       every quantile is within that relative error of the
 *                       exact sample quantile.
 * @param[out] uncovered Fraction of values whose magnitudes lie more than
 *                       about 28 decades below the largest, where the bound
 *                       does not hold (0 in practice).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL argument or @p i out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_sketch_bound(
    const shipest_result *r, size_t i, double *rel_error, double *uncovered);

/**
 * @brief The words of estimative probability for @p p, on the scale of
 *        ODNI Intelligence Community Directive 203 (2015).
 *
 * p < 0.05 "almost no chance", < 0.20 "very unlikely", < 0.45 "unlikely",
 * <= 0.55 "roughly even chance", <= 0.80 "likely", <= 0.95 "very likely",
 * above that "almost certain". The bands are symmetric (p and 1 - p get
 * mirrored words); docs/claims.md gives the scale and its reference. Pair it
 * with shipest_result_prob_above() for an exceedance statement
 * ("P(share > 40%) = 0.12 ± 0.003: very unlikely").
 * @param p A probability.
 * @return A static string (thread-safe; never free it), or NULL when @p p
 *         is NaN or outside [0, 1].
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_probability_words(double p);

/**
 * @brief Probability that two estimates agree within @p tolerance, from
 *        output @p i holding their ratio (a compare() output,
 *        shipest_model_compare()), with its Monte Carlo standard error.
 *
 * Agreement is |log(a / b)| <= log(1 + @p tolerance), i.e. the ratio lies
 * in [1 / (1 + tolerance), 1 + tolerance]: symmetric in a and b. The
 * fraction is over the finite ratios (shipest_result_count()); a ratio of
 * identical estimates is exactly 1 and agrees with probability 1.
 * @param r          A result.
 * @param i          Output index of a dimensionless ratio.
 * @param tolerance  Relative tolerance, > 0 (0.25 for "within 25%").
 * @param[out] p     The probability (NaN on failure).
 * @param[out] se    Its standard error, sqrt(p (1 - p) / n) (may be NULL).
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  @p r or @p p is NULL, or @p i out of range.
 * @retval SHIPEST_EDOMAIN @p tolerance is not a positive finite number, or
 *                         no ratio is finite.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_result_agreement(
    const shipest_result *r, size_t i, double tolerance, double *p, double *se);

/**
 * @brief A verdict in words on an agreement probability: "the two estimates
 *        agree within 25% with probability 0.31: unlikely".
 *
 * Formats like snprintf(): writes at most @p size bytes, NUL-terminated.
 * @param tolerance   The tolerance given to shipest_result_agreement().
 * @param p           The probability it returned.
 * @param[out] buf    Buffer owned by the caller (may be NULL when @p size is 0).
 * @param size        Size of @p buf in bytes.
 * @return The length of the full text (excluding the NUL), or 0 (and an
 *         empty @p buf) when @p p is not in [0, 1] or @p tolerance is not a
 *         positive finite number.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_agreement_text(double tolerance, double p, char *buf, size_t size);

/** @} */

/**
 * @defgroup claims Hedged claims
 * @brief Public figures with hedges ("more than 28,000 container", "as much
 *        as 40%", "about 13,000 person [B2]") into distributions, by a
 *        written, overridable policy.
 *
 * A claim is `[hedge] figure [unit] [grade]`, or a range
 * `[between] figure joiner figure [unit] [grade]` (`between 5,000 and
 * 6,000`, `5,000 to 6,000`, `5,000-6,000`, `5,000–6,000` with an en dash),
 * or an order of magnitude without a figure (`tens of thousands of`).
 * The hedge lexicon maps each phrase to a distribution relative to the
 * figure X, e.g. "more than X" is never below X, "as much as X" puts X at
 * the 95th percentile, "about X" has median X. The figure's written
 * precision ("28,000": to the nearest 1,000) widens the spread where the
 * hedge alone would be narrower than the rounding. An optional source grade
 * in the NATO Admiralty style, `[A1]` to `[F6]` (reliability A-F,
 * credibility 1-6), widens the spread further. docs/claims.md states every
 * default mapping, both rules and the reasons.
 *
 * The policy is data: `hedge` statements in the table format
 * (docs/claims.md), whose defaults are embedded in the library. A
 * ::shipest_lexicon holds a policy; load a table into it to override or add
 * entries.
 *
 * A figure with an attached % ("40%") is a dimensionless fraction (0.4); a
 * figure without a unit is a dimensionless count unless
 * ::SHIPEST_CLAIM_REQUIRE_UNIT is given.
 * @{
 */

/** @brief Flags of shipest_claim_parse(); combine with `|`. Values are pinned forever. */
typedef enum shipest_claim_flag {
    /** The claim is a share: it must be dimensionless (a fraction or `%`),
     *  a figure over 100% is ::SHIPEST_EDOMAIN, and the distribution is
     *  bounded by 100%. */
    SHIPEST_CLAIM_SHARE = 1,
    /** A claim without a unit is ::SHIPEST_EUNIT (ignored with
     *  ::SHIPEST_CLAIM_SHARE, where no unit is the usual case). */
    SHIPEST_CLAIM_REQUIRE_UNIT = 2
} shipest_claim_flag;

/** @brief An opaque hedge lexicon: the policy that maps hedge phrases to
 *         distributions. */
typedef struct shipest_lexicon shipest_lexicon;

/**
 * @brief Create a lexicon holding the library's default policy.
 * @param ctx      The context; the lexicon allocates from it and reports its
 *                 errors on it. It must outlive the lexicon.
 * @param[out] out The new lexicon, or NULL on failure. Free it with
 *                 shipest_lexicon_free().
 * @retval SHIPEST_OK     Created.
 * @retval SHIPEST_EINVAL @p ctx or @p out is NULL.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_lexicon_new(shipest_ctx *ctx,
                                                                 shipest_lexicon **out);

/**
 * @brief Add or override hedges from table text.
 *
 * @p text is a table file (first line `shipest-table 1`). Its `hedge`
 * statements are added; `override hedge NAME` replaces an entry; other
 * statements are skipped (they belong to the table loader). A new entry
 * that reuses a name, a phrase or a joiner of another entry is an error
 * naming both. All or nothing: on failure the lexicon is unchanged.
 * @param lex  The lexicon.
 * @param name The source's name for messages (e.g. a file name), or NULL
 *             (borrowed).
 * @param text The table text, UTF-8 (borrowed); need not be NUL-terminated.
 * @param len  Length of @p text in bytes (at most 16 MiB).
 * @retval SHIPEST_OK          Loaded.
 * @retval SHIPEST_EINVAL      @p lex is NULL, or @p text is NULL with @p len > 0.
 * @retval SHIPEST_EPARSE      A syntax error or an invalid entry; the
 *                             message has line and column.
 * @retval SHIPEST_ENAME       A duplicate name, phrase or joiner, or an
 *                             override of an unknown hedge.
 * @retval SHIPEST_EUNSUPPORTED A table format version other than 1.
 * @retval SHIPEST_ELIMIT      Text longer than 16 MiB or too many entries.
 * @retval SHIPEST_ENOMEM      Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_lexicon_load(shipest_lexicon *lex,
                                                                  const char *name,
                                                                  const char *text, size_t len);

/**
 * @brief Free a lexicon.
 * @param lex A lexicon, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_lexicon_free(shipest_lexicon *lex);

/**
 * @brief The number of entries (hedges, ranges, magnitudes and the grading
 *        entry) in a lexicon.
 * @param lex A lexicon, or NULL (gives 0).
 * @return The count.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_lexicon_count(const shipest_lexicon *lex);

/**
 * @brief The name of entry @p i (e.g. "more_than").
 * @param lex  The lexicon.
 * @param i    Index, below shipest_lexicon_count().
 * @param[out] buf Buffer, or NULL when @p size is 0.
 * @param size Size of @p buf.
 * @return The length of the name (0 for a NULL @p lex or @p i out of
 *         range); `snprintf` semantics.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_lexicon_name(const shipest_lexicon *lex, size_t i, char *buf,
                                        size_t size);

/**
 * @brief Entry @p i as table text (its `hedge` statement and attribute
 *        lines), which shipest_lexicon_load() reads back to the same entry.
 * @param lex  The lexicon.
 * @param i    Index, below shipest_lexicon_count().
 * @param[out] buf  Buffer, or NULL when @p size is 0.
 * @param size Size of @p buf; the text is truncated to fit and always
 *             NUL-terminated when @p size > 0.
 * @param[out] len The full length of the text (excluding the NUL), or NULL.
 * @retval SHIPEST_OK     Written.
 * @retval SHIPEST_EINVAL @p lex is NULL, @p i is out of range, or @p buf
 *                        is NULL with @p size > 0.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_lexicon_entry(shipest_lexicon *lex, size_t i,
                                                                   char *buf, size_t size,
                                                                   size_t *len);

/**
 * @brief Parse a hedged claim into a distribution, its unit and an
 *        explanation a reader can check.
 *
 * The distribution is of the value in the unit as written: "more than
 * 28,000 container" gives a distribution over container counts never below
 * 28,000, with unit "container"; "as much as 40%" a distribution over the
 * fraction (0.4 at its 95th percentile) with no unit. The explanation
 * reads e.g. "more than 28,000 container → hedge more_than (...): median
 * 29,400, 90% in [28,100, 33,000], never below 28,000; written to the
 * nearest 1,000 (±500); quantile3(...) container". A plural unit name
 * ("containers") is read as its singular when only that is known.
 * @param ctx   The context (its tables resolve the unit).
 * @param lex   The policy, from the same context; NULL for the context's own lexicon (the defaults plus the `hedge` statements of tables loaded into @p ctx).
 * @param text  The claim, UTF-8 (borrowed); need not be NUL-terminated.
 * @param len   Length of @p text in bytes (at most 4096).
 * @param flags ::shipest_claim_flag values combined with `|`, or 0.
 * @param[out] dist The new distribution, or NULL on failure. Free it with
 *                  shipest_dist_free().
 * @param[out] unit Buffer for the unit as written ("" when there is none;
 *                  pass it to shipest_model_input()), or NULL when
 *                  @p unit_size is 0.
 * @param unit_size Size of @p unit; truncated to fit, NUL-terminated when > 0.
 * @param[out] unit_len The full length of the unit text, or NULL.
 * @param[out] explain Buffer for the explanation, or NULL when
 *                     @p explain_size is 0.
 * @param explain_size Size of @p explain; truncated to fit, NUL-terminated
 *                     when > 0.
 * @param[out] explain_len The full length of the explanation, or NULL.
 * @retval SHIPEST_OK      Parsed; @p dist is new.
 * @retval SHIPEST_EINVAL  @p ctx or @p dist is NULL, @p text is NULL with
 *                         @p len > 0, a buffer is NULL with a non-zero
 *                         size, @p lex belongs to another context, or
 *                         @p flags has unknown bits.
 * @retval SHIPEST_EPARSE  An unknown hedge, no number, contradictory
 *                         hedges ("more than up to 5"), a bad grade or
 *                         trailing text; the message names the phrase and
 *                         its column.
 * @retval SHIPEST_EUNIT   An unknown unit, a missing unit with
 *                         ::SHIPEST_CLAIM_REQUIRE_UNIT, or a share with a
 *                         dimension.
 * @retval SHIPEST_EDOMAIN A share over 100%, reversed range ends, or a
 *                         relative hedge on the figure 0.
 * @retval SHIPEST_ENAME   A graded claim and a lexicon without a grading
 *                         entry.
 * @retval SHIPEST_ELIMIT  @p len is over 4096.
 * @retval SHIPEST_ENOMEM  Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_claim_parse(
    shipest_ctx *ctx, const shipest_lexicon *lex, const char *text, size_t len, unsigned flags,
    shipest_dist **dist, char *unit, size_t unit_size, size_t *unit_len, char *explain,
    size_t explain_size, size_t *explain_len);

/** @} */

/**
 * @defgroup reports Reports
 * @brief Text, JSON, CSV and SVG reports of a result, into a caller buffer
 *        or a `FILE *`.
 *
 * The library never prints on its own: a report goes only into the buffer
 * or stream the caller gives. Every format is written from the result's
 * public accessors (see the @ref results group); the model, when given,
 * adds what only it knows (the distribution of each table factor, and
 * which outputs each load plan feeds). The formats are described in
 * docs/cli.md; the JSON members listed there are stable.
 *
 * - ::SHIPEST_REPORT_TEXT: per output the mean, median and 90% interval
 *   with the unit, each rounded to the digits its Monte Carlo standard
 *   error supports (shipest_significant_digits()), a one-line histogram,
 *   the inputs with the largest share of variance, the load-plan binding
 *   shares, the factors and inputs used, and a numbered list of sources.
 *   UTF-8.
 * - ::SHIPEST_REPORT_JSON: one object
 *   `{"trials": N, "seed": S, "outputs": [{"name", "unit", "mean", "sd",
 *   "p05", "p50", "p95", "interval90": [lo, hi], "sensitivity": [{"input",
 *   "share"}], "factors": [{"name", "source"}]}]}` with further members:
 *   with the model, a share output carries `share` (P(share > 100%), its
 *   standard error and words, the demand warning), a compare() output
 *   `compare` (agreement within 10%, 25% and 50%), and the top-level
 *   `probabilities` holds the model's `P(...)` statements evaluated on the
 *   result; `analytic` holds the analyses of shipest_report_write_extras()
 *   (always present; empty without them). Numbers are written exactly
 *   (they read back to the same double); NaN and infinities are `null`.
 * - ::SHIPEST_REPORT_CSV: one row of summary statistics per output
 *   (RFC 4180, CRLF line ends, a header row).
 * - ::SHIPEST_REPORT_SAMPLES_CSV: one row per trial, one column per
 *   output; only for results that kept their samples.
 * - ::SHIPEST_REPORT_SVG: a self-contained SVG 1.1 image: per output a
 *   histogram with the median and the 90% interval marked and the unit on
 *   the axis, and a bar chart of the sensitivity shares.
 *
 * The seed written is the context's ::SHIPEST_OPT_SEED at the time of the
 * call (the seed of the run when the caller has not changed it since).
 * @{
 */

/** @brief Report formats. Values are pinned forever. */
typedef enum shipest_report_format {
    SHIPEST_REPORT_TEXT = 0,        /**< A readable report (UTF-8 text). */
    SHIPEST_REPORT_JSON = 1,        /**< JSON with the stable schema of docs/cli.md. */
    SHIPEST_REPORT_CSV = 2,         /**< CSV, one row of summary statistics per output. */
    SHIPEST_REPORT_SAMPLES_CSV = 3, /**< CSV, one row of output values per trial. */
    SHIPEST_REPORT_SVG = 4          /**< A self-contained SVG image. */
} shipest_report_format;

/**
 * @brief Write a report of @p r into a caller buffer, with `snprintf`
 *        semantics.
 *
 * Call with @p size 0 (and @p buf NULL) to learn the length, then again
 * with a buffer of at least that length plus one. The text is truncated to
 * fit and always NUL-terminated when @p size > 0. The call allocates only
 * a little scratch memory through the context's hooks, and frees it before
 * returning; on failure nothing is written (an empty string when
 * @p size > 0).
 * @param ctx    The context: messages, scratch memory and the seed written
 *               in the report.
 * @param r      The result (borrowed; only read).
 * @param m      The model @p r was run from, or NULL (borrowed; only read).
 *               With it the report adds each table factor's distribution
 *               and which outputs each load plan feeds.
 * @param format The format.
 * @param[out] buf    The buffer, or NULL when @p size is 0.
 * @param size        Size of @p buf in bytes.
 * @param[out] needed The full length of the report, excluding the NUL
 *                    (may be NULL); 0 on failure.
 * @retval SHIPEST_OK          Written (perhaps truncated: compare @p needed
 *                             with @p size).
 * @retval SHIPEST_EINVAL      @p ctx or @p r is NULL, @p buf is NULL with
 *                             @p size > 0, or an unknown @p format.
 * @retval SHIPEST_EUNSUPPORTED ::SHIPEST_REPORT_SAMPLES_CSV of a sketched
 *                             result (its samples were not kept).
 * @retval SHIPEST_ENOMEM      Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_write(
    shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
    shipest_report_format format, char *buf, size_t size, size_t *needed);

/**
 * @brief Write a report of @p r to a stream.
 *
 * As shipest_report_write(), but the report goes to @p stream, which stays
 * open and is not flushed. Nothing is written when the call fails before
 * writing (bad arguments, memory); a write error of the stream may leave a
 * partial report.
 * @param ctx    The context (see shipest_report_write()).
 * @param r      The result (borrowed).
 * @param m      The model @p r was run from, or NULL (borrowed).
 * @param format The format.
 * @param stream An open stream (borrowed).
 * @retval SHIPEST_OK          Written.
 * @retval SHIPEST_EINVAL      @p ctx, @p r or @p stream is NULL, or an
 *                             unknown @p format.
 * @retval SHIPEST_EUNSUPPORTED ::SHIPEST_REPORT_SAMPLES_CSV of a sketched
 *                             result.
 * @retval SHIPEST_EIO         Writing to @p stream failed.
 * @retval SHIPEST_ENOMEM      Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_fwrite(
    shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
    shipest_report_format format, FILE *stream);

/** @} */

/**
 * @defgroup analytic Analytic propagation
 * @brief First-order (GUM) propagation, log-space propagation and bounds
 *        beside Monte Carlo, with a verdict on whether to trust them.
 *
 * An analysis propagates a built model analytically by one method:
 * - ::SHIPEST_METHOD_LINEAR — first-order propagation (JCGM 100 5.1, 5.2)
 *   with sensitivity coefficients from forward-mode derivatives over the
 *   model graph, evaluated at the input means; covariances from
 *   shipest_model_correlate() (the copula's rho is taken as the correlation
 *   of the inputs, exact for normal inputs); an uncertainty budget; and
 *   intervals y +/- k u with k the normal quantile of the coverage.
 * - ::SHIPEST_METHOD_LOG — propagation of log-means and log-variances, exact
 *   for products, quotients, powers and positive constant scalings of
 *   lognormal inputs, correlated or not. For any other output it gives no
 *   numbers, only ::SHIPEST_ANALYSIS_UNAVAILABLE and a reason naming the
 *   first node that breaks exactness.
 * - ::SHIPEST_METHOD_BOUNDS — interval arithmetic over each input's support,
 *   or over its quantiles where chosen (shipest_model_analyze_bounds()).
 *
 * Results have the shape of a Monte Carlo result where the quantity
 * exists: outputs in model order with the same names and display units,
 * mean, standard deviation, intervals. shipest_analysis_verdict() compares
 * them with a Monte Carlo result of the same model at the tolerance that
 * JCGM 101 section 8 derives from a number of significant digits. Formulas
 * and conditions are in docs/analytic.md.
 *
 * An analysis is read-only once made: its accessors may be called from
 * several threads. It copies every string it returns, so it does not
 * depend on the model after shipest_model_analyze() returns.
 * @{
 */

/** @brief An opaque result of an analytic propagation. */
typedef struct shipest_analysis shipest_analysis;

/** @brief Analytic methods. Values are pinned forever. */
typedef enum shipest_method {
    SHIPEST_METHOD_LINEAR = 1, /**< First-order propagation (JCGM 100, the GUM). */
    SHIPEST_METHOD_LOG = 2,    /**< Log-space propagation, exact for lognormal chains. */
    SHIPEST_METHOD_BOUNDS = 3  /**< Interval arithmetic (worst case). */
} shipest_method;

/** @brief Per-output flags (shipest_analysis_flags()). Values are pinned forever. */
typedef enum shipest_analysis_flag {
    /** What the method reports is exact for this output. LINEAR: the output
     *  is linear in normal inputs, so mean, sd and interval are exact. LOG:
     *  the output is lognormal (or constant). BOUNDS: the bounds hold with
     *  certainty (no input was cut at a quantile); they may be wider than
     *  the true range. */
    SHIPEST_ANALYSIS_EXACT = 1,
    /** LINEAR: the output passes through min, max, abs, floor or a load
     *  plan of an uncertain value; the derivative of the branch active at
     *  the means was used. */
    SHIPEST_ANALYSIS_NONSMOOTH = 2,
    /** BOUNDS: an end of the bounds is infinite (a one-sided bound, or a
     *  division by a value whose bounds contain 0). */
    SHIPEST_ANALYSIS_UNBOUNDED = 4,
    /** The method gives no numbers for this output: the accessors return
     *  ::SHIPEST_EDOMAIN; shipest_analysis_reason() says why. */
    SHIPEST_ANALYSIS_UNAVAILABLE = 8
} shipest_analysis_flag;

/** @brief Flags of shipest_model_analyze_bounds(). Values are pinned forever. */
typedef enum shipest_bounds_flags {
    /** Cut every input at its @p tail and 1 - @p tail quantiles, not only
     *  the ends where its support is unbounded. */
    SHIPEST_BOUNDS_ALL_QUANTILES = 1
} shipest_bounds_flags;

/** The tail probability shipest_model_analyze() uses for
 *  ::SHIPEST_METHOD_BOUNDS: unbounded support ends are cut at the 0.5% and
 *  99.5% quantiles. */
#define SHIPEST_BOUNDS_DEFAULT_TAIL 0.005

/** @brief The verdict on one output (shipest_analysis_compare()). Values are pinned forever. */
typedef enum shipest_verdict {
    /** The analytic answer agrees with Monte Carlo within the tolerance, and
     *  the Monte Carlo run is precise enough to tell. */
    SHIPEST_VERDICT_HOLDS = 0,
    /** They differ by more than the tolerance plus twice the Monte Carlo
     *  standard error: do not trust the analytic answer. */
    SHIPEST_VERDICT_FAILS = 1,
    /** The Monte Carlo run is too short to decide at this tolerance. */
    SHIPEST_VERDICT_INCONCLUSIVE = 2,
    /** The method gave no answer for this output (::SHIPEST_ANALYSIS_UNAVAILABLE). */
    SHIPEST_VERDICT_NO_ANSWER = 3
} shipest_verdict;

/**
 * @brief Propagate @p m analytically by @p method.
 *
 * ::SHIPEST_METHOD_BOUNDS is shipest_model_analyze_bounds() with tail
 * ::SHIPEST_BOUNDS_DEFAULT_TAIL and no flags. Only the model is read, so
 * several analyses and runs may share it.
 * @param ctx      The context the analysis allocates from (and reports on).
 * @param m        A built model with at least one output (borrowed).
 * @param method   ::SHIPEST_METHOD_LINEAR, ::SHIPEST_METHOD_LOG or
 *                 ::SHIPEST_METHOD_BOUNDS.
 * @param[out] out The new analysis, or NULL on failure. Free it with
 *                 shipest_analysis_free() before @p ctx.
 * @retval SHIPEST_OK      Done (an output the method cannot answer is
 *                         flagged, not an error).
 * @retval SHIPEST_EINVAL  A NULL argument, an unknown @p method, or a model
 *                         without outputs.
 * @retval SHIPEST_EDOMAIN LINEAR or LOG: the correlations are not positive
 *                         definite (the same test as shipest_model_run()).
 * @retval SHIPEST_ENOMEM  Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_analyze(
    shipest_ctx *ctx, const shipest_model *m, shipest_method method, shipest_analysis **out);

/**
 * @brief Bounds of every output of @p m by interval arithmetic.
 *
 * Each input ranges over its support. Where the support is unbounded (or
 * everywhere, with ::SHIPEST_BOUNDS_ALL_QUANTILES) an end is cut at the
 * @p tail (lower) or 1 - @p tail (upper) quantile; with @p tail 0 nothing
 * is cut and an unbounded support gives a one-sided bound. An output's
 * bounds then hold with probability at least 1 minus the sum of the tails
 * cut from the inputs it depends on (1 when nothing was cut). A division by
 * a value whose bounds contain 0 gives an infinite end, flagged
 * ::SHIPEST_ANALYSIS_UNBOUNDED. Correlations are ignored (bounds hold for
 * any dependence).
 * @param ctx      The context.
 * @param m        The model (borrowed).
 * @param tail     Probability cut at each cut end, in [0, 0.5).
 * @param flags    0 or ::SHIPEST_BOUNDS_ALL_QUANTILES.
 * @param[out] out The new analysis (method ::SHIPEST_METHOD_BOUNDS), or
 *                 NULL on failure; free it with shipest_analysis_free().
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL argument, unknown @p flags, or no outputs.
 * @retval SHIPEST_ERANGE @p tail outside [0, 0.5) or NaN.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_model_analyze_bounds(
    shipest_ctx *ctx, const shipest_model *m, double tail, unsigned flags,
    shipest_analysis **out);

/**
 * @brief Free an analysis and the strings it returned.
 * @param a An analysis, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_analysis_free(shipest_analysis *a);

/**
 * @brief The method of an analysis.
 * @param a An analysis.
 * @return Its method; 0 when @p a is NULL.
 * @since 0.1.0
 */
SHIPEST_API shipest_method shipest_analysis_method(const shipest_analysis *a);

/**
 * @brief Number of outputs (as in a Monte Carlo result of the same model).
 * @param a An analysis; NULL gives 0.
 * @return The count.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_analysis_output_count(const shipest_analysis *a);

/**
 * @brief Name of output @p i.
 * @param a An analysis.
 * @param i Output index.
 * @return The name (owned by @p a), or NULL if @p a is NULL or @p i is out
 *         of range.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_analysis_output_name(const shipest_analysis *a, size_t i);

/**
 * @brief Display unit of output @p i ("" when dimensionless); every value
 *        of the output is in this unit.
 * @param a An analysis.
 * @param i Output index.
 * @return The unit text (owned by @p a), or NULL if @p i is out of range.
 * @since 0.1.0
 */
SHIPEST_API const char *shipest_analysis_output_unit(const shipest_analysis *a, size_t i);

/**
 * @brief Index of the output called @p name.
 * @param a          An analysis.
 * @param name       An output name (borrowed).
 * @param[out] index Its index.
 * @retval SHIPEST_OK     Found.
 * @retval SHIPEST_EINVAL A NULL argument.
 * @retval SHIPEST_ENAME  No output has that name.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_output_index(
    const shipest_analysis *a, const char *name, size_t *index);

/**
 * @brief Flags of output @p i: an OR of ::shipest_analysis_flag values.
 * @param a An analysis.
 * @param i Output index.
 * @return The flags; ::SHIPEST_ANALYSIS_UNAVAILABLE when @p a is NULL or
 *         @p i is out of range.
 * @since 0.1.0
 */
SHIPEST_API unsigned shipest_analysis_flags(const shipest_analysis *a, size_t i);

/**
 * @brief Why output @p i is not exact, not smooth, unbounded or has no
 *        answer, in plain words naming the node responsible.
 * @param a     An analysis.
 * @param i     Output index.
 * @param[out] buf Buffer, or NULL when @p size is 0.
 * @param size  Size of @p buf in bytes.
 * @return The length of the full text (excluding the NUL); 0 (and "") when
 *         the output is exact with nothing to note, or @p a or @p i is
 *         invalid. The text is truncated to fit, NUL-terminated when
 *         @p size > 0.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_analysis_reason(const shipest_analysis *a, size_t i, char *buf,
                                           size_t size);

/**
 * @brief Mean of output @p i. LINEAR: the estimate y = f(x_1, ..., x_N) at
 *        the input means (JCGM 100 4.1.4). LOG: the lognormal mean
 *        exp(mu + sigma^2 / 2).
 * @param a         An analysis.
 * @param i         Output index.
 * @param[out] mean The mean; NaN on failure.
 * @retval SHIPEST_OK          Done.
 * @retval SHIPEST_EINVAL      A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN     The output is ::SHIPEST_ANALYSIS_UNAVAILABLE.
 * @retval SHIPEST_EUNSUPPORTED BOUNDS: the method gives no mean.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_mean(const shipest_analysis *a,
                                                                   size_t i, double *mean);

/**
 * @brief Standard uncertainty of output @p i. LINEAR: the combined
 *        standard uncertainty u_c(y) of JCGM 100 5.2.2 (eq. 13). LOG: the
 *        lognormal standard deviation.
 * @param a       An analysis.
 * @param i       Output index.
 * @param[out] sd The standard uncertainty; NaN on failure.
 * @retval SHIPEST_OK          Done.
 * @retval SHIPEST_EINVAL      A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN     The output is ::SHIPEST_ANALYSIS_UNAVAILABLE.
 * @retval SHIPEST_EUNSUPPORTED BOUNDS: the method gives no standard deviation.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_sd(const shipest_analysis *a,
                                                                 size_t i, double *sd);

/**
 * @brief Interval of output @p i holding probability @p coverage.
 *
 * LINEAR: y -/+ k u_c with k the normal quantile at (1 + coverage) / 2
 * (JCGM 100 6.2, G.1.3). LOG: the probabilistically symmetric interval of
 * the lognormal, exp(mu -/+ k sigma). BOUNDS: the bounds, valid for any
 * @p coverage up to the probability they hold with.
 * @param a        An analysis.
 * @param i        Output index.
 * @param coverage Probability in (0, 1), e.g. 0.9.
 * @param[out] lo  Lower end (may be -infinity for BOUNDS); NaN on failure.
 * @param[out] hi  Upper end (may be +infinity for BOUNDS); NaN on failure.
 * @retval SHIPEST_OK      Done.
 * @retval SHIPEST_EINVAL  A NULL argument or @p i out of range.
 * @retval SHIPEST_EDOMAIN @p coverage outside (0, 1); the output is
 *                         ::SHIPEST_ANALYSIS_UNAVAILABLE; or BOUNDS with
 *                         @p coverage above shipest_analysis_probability().
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_interval(
    const shipest_analysis *a, size_t i, double coverage, double *lo, double *hi);

/**
 * @brief BOUNDS: the probability that output @p i lies within its bounds is
 *        at least @p prob (1 when no input was cut at a quantile).
 * @param a         An analysis.
 * @param i         Output index.
 * @param[out] prob The probability.
 * @retval SHIPEST_OK          Done.
 * @retval SHIPEST_EINVAL      A NULL argument or @p i out of range.
 * @retval SHIPEST_EUNSUPPORTED Not a BOUNDS analysis.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_probability(
    const shipest_analysis *a, size_t i, double *prob);

/**
 * @brief LOG: output @p i is lognormal, ln y ~ N(@p mu, @p sigma^2), y in
 *        its display unit (median exp(mu), geometric sd exp(sigma)).
 * @param a          An analysis.
 * @param i          Output index.
 * @param[out] mu    Mean of ln y (may be NULL).
 * @param[out] sigma Standard deviation of ln y; 0 for a constant (may be NULL).
 * @retval SHIPEST_OK          Done.
 * @retval SHIPEST_EINVAL      @p a NULL or @p i out of range.
 * @retval SHIPEST_EDOMAIN     The output is ::SHIPEST_ANALYSIS_UNAVAILABLE,
 *                             or a constant that is not positive.
 * @retval SHIPEST_EUNSUPPORTED Not a LOG analysis.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_lognormal(
    const shipest_analysis *a, size_t i, double *mu, double *sigma);

/**
 * @brief Number of uncertainty budget rows of output @p i: one per input
 *        or table factor it depends on (0 for BOUNDS).
 * @param a An analysis.
 * @param i Output index.
 * @return The count; 0 when @p a is NULL or @p i is out of range.
 * @since 0.1.0
 */
SHIPEST_API size_t shipest_analysis_budget_count(const shipest_analysis *a, size_t i);

/**
 * @brief Budget row @p k of output @p i, largest contribution first
 *        (JCGM 100 5.1.3 and 5.2.2).
 *
 * LINEAR: @p sensitivity is the coefficient c = dy/dx (output display unit
 * per the input's display unit, at the means), @p u the input's standard
 * uncertainty u(x) in its display unit, @p contribution (c u)^2 in the
 * output's unit squared and @p share that over u_c^2(y). LOG: the same for
 * ln y: @p sensitivity is the exponent of the input, @p u the sd of its
 * log. With correlations the shares sum to 1 minus
 * shipest_analysis_correlation_share(). For an output flagged
 * ::SHIPEST_ANALYSIS_UNAVAILABLE the numbers are NaN.
 * @param a                 An analysis.
 * @param i                 Output index.
 * @param k                 Row index.
 * @param[out] name         The input's name, owned by @p a (may be NULL).
 * @param[out] unit         The input's display unit, owned by @p a (may be NULL).
 * @param[out] sensitivity  The sensitivity coefficient (may be NULL).
 * @param[out] u            The input's standard uncertainty (may be NULL).
 * @param[out] contribution Its contribution to the variance (may be NULL).
 * @param[out] share        Its share of the combined variance, NaN when
 *                          that is 0 (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p a NULL, or @p i or @p k out of range.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_budget(
    const shipest_analysis *a, size_t i, size_t k, const char **name, const char **unit,
    double *sensitivity, double *u, double *contribution, double *share);

/**
 * @brief Share of output @p i's combined variance that comes from the
 *        correlation terms 2 c_i c_j r_ij u_i u_j (may be negative).
 * @param a          An analysis.
 * @param i          Output index.
 * @param[out] share The share; 0 without correlations, NaN when the
 *                   variance is 0.
 * @retval SHIPEST_OK          Done.
 * @retval SHIPEST_EINVAL      A NULL argument or @p i out of range.
 * @retval SHIPEST_EUNSUPPORTED BOUNDS.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_correlation_share(
    const shipest_analysis *a, size_t i, double *share);

/**
 * @brief Compare output @p i of @p a with a Monte Carlo result of the same
 *        model (JCGM 101 section 8).
 *
 * The tolerance is delta = 10^l / 2, where the Monte Carlo standard
 * deviation written with @p digits significant digits is c x 10^l. LINEAR
 * and LOG: the mean, the standard uncertainty and both ends of the
 * probabilistically symmetric interval at ::SHIPEST_OPT_COVERAGE of @p ctx
 * are each compared; the answer holds when every difference is within
 * delta and twice each Monte Carlo standard error is within delta (JCGM
 * 101 7.9.4), and fails when a difference passes delta by more than twice
 * its standard error; otherwise the run is too short to tell. BOUNDS: the
 * bounds hold when the fraction of Monte Carlo values outside them is at
 * most the fraction they allow plus twice its binomial standard error
 * (certain bounds allow none), and fail otherwise.
 * @param ctx             The context (coverage; messages).
 * @param a               An analysis.
 * @param mc              A Monte Carlo result of the same model (matched
 *                        by output name and unit).
 * @param i               Output index in @p a.
 * @param digits          Significant digits, 1 to 6.
 * @param[out] verdict    The verdict.
 * @param[out] tolerance  LINEAR, LOG: delta, in the output's unit. BOUNDS:
 *                        the fraction of values allowed outside. May be NULL.
 * @param[out] difference LINEAR, LOG: the largest of the four differences.
 *                        BOUNDS: the fraction of Monte Carlo values outside.
 *                        NaN for ::SHIPEST_VERDICT_NO_ANSWER. May be NULL.
 * @retval SHIPEST_OK     Compared.
 * @retval SHIPEST_EINVAL A NULL argument, @p i out of range, or @p mc has
 *                        no output of that name and unit.
 * @retval SHIPEST_ERANGE @p digits outside 1 to 6.
 * @retval SHIPEST_EDOMAIN The Monte Carlo output has fewer than two finite values.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_compare(
    shipest_ctx *ctx, const shipest_analysis *a, const shipest_result *mc, size_t i,
    int digits, shipest_verdict *verdict, double *tolerance, double *difference);

/**
 * @brief Say in plain words, output by output, whether the analytic answer
 *        can be trusted for this model.
 *
 * One line per output, e.g. `share: linearisation fails: the Monte Carlo
 * upper interval end differs by 0.021, more than the tolerance 0.005 ...`
 * or `rounds: linearisation holds: ...`; decided as shipest_analysis_compare().
 * @param ctx              The context (coverage; allocation; messages).
 * @param a                An analysis.
 * @param mc               A Monte Carlo result of the same model.
 * @param digits           Significant digits, 1 to 6.
 * @param[out] buf         Buffer, or NULL when @p size is 0.
 * @param size             Size of @p buf in bytes.
 * @param[out] needed      The full length of the text, excluding the NUL
 *                         (may be NULL); the text is truncated to fit @p buf,
 *                         NUL-terminated when @p size > 0.
 * @param[out] trustworthy 1 when every output holds, else 0 (may be NULL).
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL A NULL @p ctx, @p a or @p mc, @p buf NULL with
 *                        @p size > 0, or @p mc of another model.
 * @retval SHIPEST_ERANGE @p digits outside 1 to 6.
 * @retval SHIPEST_EDOMAIN A Monte Carlo output has fewer than two finite values.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_analysis_verdict(
    shipest_ctx *ctx, const shipest_analysis *a, const shipest_result *mc, int digits,
    char *buf, size_t size, size_t *needed, int *trustworthy);

/** @} */

/**
 * @addtogroup reports
 *
 * <h3>Extras</h3>
 * What the result and the model do not hold — probability statements a
 * caller asks for beside the model's own `P(...)` lines, and analytic
 * propagations (@ref analytic) — goes into a report through a
 * ::shipest_report_extras object given to shipest_report_write_extras() or
 * shipest_report_fwrite_extras(). The JSON report writes them as its
 * top-level `probabilities` (with `"origin": "caller"`) and `analytic`
 * members (docs/cli.md); the other formats ignore them in this version.
 * @{
 */

/** @brief An opaque list of extras for a report: probability statements
 *         and analyses. */
typedef struct shipest_report_extras shipest_report_extras;

/**
 * @brief Make an empty list of report extras.
 * @param ctx      The context it allocates from; free the extras before it.
 * @param[out] out The new extras, or NULL on failure; free them with
 *                 shipest_report_extras_free().
 * @retval SHIPEST_OK     Done.
 * @retval SHIPEST_EINVAL @p ctx or @p out is NULL.
 * @retval SHIPEST_ENOMEM Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_extras_new(
    shipest_ctx *ctx, shipest_report_extras **out);

/**
 * @brief Free report extras and the strings they copied (not the analyses
 *        they borrow).
 * @param x Extras, or NULL (no-op).
 * @since 0.1.0
 */
SHIPEST_API void shipest_report_extras_free(shipest_report_extras *x);

/**
 * @brief Ask the report for P(@p output > @p threshold) (or <), with its
 *        Monte Carlo standard error and words of estimative probability.
 *
 * The statement is evaluated when the report is written, with
 * shipest_result_prob_above() or shipest_result_prob_below() and
 * shipest_probability_words(); statements are written in the order they
 * were added, after the model's own (shipest_model_probability()). An
 * @p output the result does not have is written with null numbers, not
 * an error.
 * @param x         Extras.
 * @param output    The output's name (copied).
 * @param above     Nonzero for P(output > threshold), 0 for P(output < threshold).
 * @param threshold The threshold in the output's display unit
 *                  (shipest_result_output_unit(); 0.4 for 40% of a
 *                  dimensionless share).
 * @param text      How to show the statement, e.g. "share > 40%" (copied);
 *                  NULL makes one from the parts.
 * @retval SHIPEST_OK      Added.
 * @retval SHIPEST_EINVAL  @p x or @p output is NULL, or @p output is "".
 * @retval SHIPEST_EDOMAIN @p threshold is NaN.
 * @retval SHIPEST_ELIMIT  More than 4096 statements.
 * @retval SHIPEST_ENOMEM  Out of memory (@p x is unchanged).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_extras_add_probability(
    shipest_report_extras *x, const char *output, int above, double threshold,
    const char *text);

/**
 * @brief Add an analytic propagation to the report, compared with the
 *        Monte Carlo result at @p digits significant digits.
 *
 * The report writes each output of @p a (mean, standard uncertainty, 90%
 * interval or bounds, flags, reason, budget) and, when @p digits is 1 to
 * 6, the comparison of shipest_analysis_compare() and the words of
 * shipest_analysis_verdict() for every output. A comparison the result
 * cannot support (an output with fewer than two finite values, or a
 * result of another model) is written as null rather than failing the
 * report.
 * @param x      Extras.
 * @param a      An analysis (borrowed: it must stay valid, unchanged, until
 *               the last report written with @p x).
 * @param digits Significant digits of the comparison, 1 to 6, or 0 for no
 *               comparison.
 * @retval SHIPEST_OK     Added.
 * @retval SHIPEST_EINVAL @p x or @p a is NULL.
 * @retval SHIPEST_ERANGE @p digits outside 0 to 6.
 * @retval SHIPEST_ELIMIT More than 64 analyses.
 * @retval SHIPEST_ENOMEM Out of memory (@p x is unchanged).
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_extras_add_analysis(
    shipest_report_extras *x, const shipest_analysis *a, int digits);

/**
 * @brief shipest_report_write() with extras.
 *
 * The same as shipest_report_write() (buffer, size query, truncation and
 * failure behave alike), with the statements and analyses of @p x added
 * to the JSON report. With @p x NULL it is shipest_report_write().
 * @param ctx    The context (see shipest_report_write()).
 * @param r      The result (borrowed).
 * @param m      The model @p r was run from, or NULL (borrowed).
 * @param x      Extras, or NULL (borrowed).
 * @param format The format.
 * @param[out] buf    The buffer, or NULL when @p size is 0.
 * @param size        Size of @p buf in bytes.
 * @param[out] needed The full length of the report, excluding the NUL
 *                    (may be NULL); 0 on failure.
 * @retval SHIPEST_OK          Written (perhaps truncated).
 * @retval SHIPEST_EINVAL      As shipest_report_write().
 * @retval SHIPEST_EUNSUPPORTED As shipest_report_write().
 * @retval SHIPEST_ENOMEM      Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_write_extras(
    shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
    const shipest_report_extras *x, shipest_report_format format, char *buf, size_t size,
    size_t *needed);

/**
 * @brief shipest_report_fwrite() with extras.
 * @param ctx    The context (see shipest_report_write()).
 * @param r      The result (borrowed).
 * @param m      The model @p r was run from, or NULL (borrowed).
 * @param x      Extras, or NULL (borrowed).
 * @param format The format.
 * @param stream An open stream (borrowed).
 * @retval SHIPEST_OK          Written.
 * @retval SHIPEST_EINVAL      As shipest_report_fwrite().
 * @retval SHIPEST_EUNSUPPORTED As shipest_report_fwrite().
 * @retval SHIPEST_EIO         Writing to @p stream failed.
 * @retval SHIPEST_ENOMEM      Out of memory.
 * @since 0.1.0
 */
SHIPEST_API SHIPEST_NODISCARD shipest_status shipest_report_fwrite_extras(
    shipest_ctx *ctx, const shipest_result *r, const shipest_model *m,
    const shipest_report_extras *x, shipest_report_format format, FILE *stream);

/** @} */

/* @@SECTIONS@@ — later groups (random, distributions, units and tables,
 * models, running, results, claims, reports) are added below in that order. */

#ifdef __cplusplus
}
#endif

#endif /* SHIPEST_H */
