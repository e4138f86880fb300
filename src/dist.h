/* dist.h — distribution internals the engines use (internal).
 *
 * The Monte Carlo engine turns uniforms (plain, Latin hypercube, or from a
 * copula) into samples with shp_dist_ppf_block; shipest_dist_sample is
 * exactly shp_rng_uniforms followed by it. */
#ifndef SHP_DIST_H
#define SHP_DIST_H

#include "shipest.h"

#include <stddef.h>

/* out[j] = inverse CDF of d at u[j], for u[j] in (0, 1) (0 and 1 give the
 * support ends). u and out may be the same array. Pure: no errors, no
 * allocation, safe to call from several threads on the same d. For the
 * families with a fast inverse (beta/PERT/gamma with shapes >= 1,
 * Student-t with df <= 1e6; built by shp_dist_prepare, see dist.c) this is not
 * bitwise shp_dist_ppf but within |F(out[j]) - u[j]| <= 1e-12. */
void shp_dist_ppf_block(const shipest_dist *d, const double *u, size_t n, double *out);

/* Inverse CDF and CDF of d without argument checks (p in [0, 1], x not NaN). */
double shp_dist_ppf(const shipest_dist *d, double p);
double shp_dist_cdf(const shipest_dist *d, double x);

/* The smallest interval [*lo, *hi] holding all the mass of d; ends may be
 * infinite. */
void shp_dist_support(const shipest_dist *d, double *lo, double *hi);

/* Build d's fast block inverse if its family has one and it is not built
 * yet (SHIPEST_ENOMEM only; a build that misses the bound leaves exact
 * sampling). Model nodes call it on their own copy when they take a
 * distribution; shp_dist_ppf_block on an unprepared d samples exactly, so
 * every path that samples must prepare first to keep values identical. */
shipest_status shp_dist_prepare(shipest_dist *d);

/* Intervals of d's fast block inverse (0: block sampling is exact). For
 * tests and the benchmark notes. */
int shp_dist_fast_intervals(const shipest_dist *d);

/* 1 when d is a point mass (its samples never vary). */
int shp_dist_is_constant(const shipest_dist *d);

#endif
