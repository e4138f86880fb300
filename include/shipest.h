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
 * trial range gives the same values bit for bit.
 * @param ctx The context whose seed is used. @param d The distribution.
 * @param stream Stream identity. @param first First trial. @param n Count.
 * @param[out] out At least @p n doubles.
 * @retval SHIPEST_OK Success. @retval SHIPEST_EINVAL NULL argument.
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

/* @@SECTIONS@@ — later groups (random, distributions, units and tables,
 * models, running, results, claims, reports) are added below in that order. */

#ifdef __cplusplus
}
#endif

#endif /* SHIPEST_H */
