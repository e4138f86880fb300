/* bits.h — private: the bits of a double, and its order-preserving key
 * (the integer image that sorts as the values do, used by the radix sorts,
 * the order statistics and the sensitivity ranks). */
#ifndef SHP_BITS_H
#define SHP_BITS_H

#include <stdint.h>
#include <string.h>

static inline uint64_t shp_bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double shp_double_of(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Keys compare as the values do, with -0 below +0; negative NaNs sort
 * first and positive ones last. */
static inline uint64_t shp_order_key(double x)
{
    uint64_t u = shp_bits_of(x);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static inline double shp_order_value(uint64_t k)
{
    return shp_double_of((k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k);
}

#endif
