/* specfun.h — special functions for the distribution families (internal).
 *
 * All functions are pure (no state, no allocation, no errors): arguments
 * outside the domain give NaN. Accuracy figures are in docs/distributions.md
 * and are checked against mpmath references in tests/check_dist.c. */
#ifndef SHP_SPECFUN_H
#define SHP_SPECFUN_H

#include <stddef.h>

#define SHP_LN_SQRT_2PI 0.91893853320467274178 /* log(sqrt(2 pi)) */

/* Standard normal density, lower tail P(Z <= x) and upper tail P(Z > x),
 * each with full relative accuracy in its own tail (down to underflow). */
double shp_norm_pdf(double x);
double shp_norm_cdf(double x);
double shp_norm_sf(double x);
/* Mills ratio P(Z > x) / pdf(x), for x >= 0 (0 at +inf). */
double shp_norm_mills(double x);
/* log P(Z > x), accurate for every x (no underflow in the far upper tail). */
double shp_norm_logsf(double x);

/* Inverse of shp_norm_cdf: Wichura's AS241 (PPND16). p in [0, 1]; 0 and 1
 * give -inf and +inf. */
double shp_norm_ppf(double p);
/* z[j] = shp_norm_ppf(u[j]) for j < n, bit for bit, several values at once
 * (see docs/distributions.md, "Block normal quantile and exp"). z may be
 * u; otherwise the two must not overlap. */
void shp_norm_ppf_block(const double *u, size_t n, double *z);
/* The x with log P(Z > x) = lq, for any lq <= 0 (far tails by Newton on
 * shp_norm_logsf). */
double shp_norm_isf_log(double lq);

/* log |gamma(x)|, as lgamma, without lgamma's global signgam (safe on the
 * engine's threads). */
double shp_lgamma(double x);

/* exp(x) to within 0.52 ulp (Tang's table method, exp.c), the same bits on
 * every machine: no libm, no fma. Overflow gives +inf, underflow a
 * correctly scaled subnormal or 0, NaN stays NaN. */
double shp_exp(double x);
/* y[j] = shp_exp(x[j]) for j < n, bit for bit, vectorised. y may be x;
 * otherwise the two must not overlap. */
void shp_exp_block(const double *x, size_t n, double *y);

/* Regularized incomplete gamma: *p = P(a, x), *q = Q(a, x) = 1 - P, each
 * with relative accuracy in its own tail. a > 0, x >= 0. */
void shp_gamma_pq(double a, double x, double *p, double *q);
/* Density of gamma(a, 1) at x. */
double shp_gamma_pdf(double a, double x);
/* The x with P(a, x) = p, given p and q = 1 - p (the smaller one steers). */
double shp_gamma_inv(double a, double p, double q);

/* Regularized incomplete beta: *p = I_x(a, b), *q = 1 - I_x(a, b), given
 * both x and y = 1 - x (so either end keeps its precision). */
void shp_beta_pq(double a, double b, double x, double y, double *p, double *q);
/* The same given lbeta = lgamma(a) + lgamma(b) - lgamma(a + b) (cached
 * per distribution; bitwise the same result). */
void shp_beta_pq_lb(double a, double b, double lbeta, double x, double y, double *p, double *q);
/* Density of beta(a, b) at x (y = 1 - x). */
double shp_beta_pdf(double a, double b, double x, double y);
/* The x with I_x(a, b) = p, given p and q = 1 - p; *y gets 1 - x with full
 * precision. */
double shp_beta_inv(double a, double b, double p, double q, double *y);
/* The same with lga = lgamma(a), lgb = lgamma(b), lgab = lgamma(a + b)
 * given (cached per distribution): bitwise the same result. */
double shp_beta_inv_lg(double a, double b, double lga, double lgb, double lgab, double p, double q,
                       double *y);

/* Standard Student-t with df > 0 degrees of freedom. */
double shp_t_cdf(double df, double t);
double shp_t_ppf(double df, double p);

/* Loader's saddle-point helpers (Loader 2000, "Fast and accurate
 * computation of binomial probabilities"): the Stirling error
 * log Gamma(n + 1) - (n + 1/2) log n + n - log sqrt(2 pi), and
 * bd0(x, m) = x log(x / m) + m - x without cancellation. */
double shp_stirlerr(double n);
double shp_bd0(double x, double m);
/* Poisson probability of x (real, >= 0) at mean m, and binomial
 * probability of x successes in n trials with probabilities p, q = 1 - p. */
double shp_dpois_raw(double x, double m);
double shp_dbinom_raw(double x, double n, double p, double q);

#endif
