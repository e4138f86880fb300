#!/usr/bin/python3
"""The worked-example model of tests/bench/bench.c in vectorised NumPy.

Same sampled quantities (3 inputs and the 5 table factors the
containers -> rounds conversion draws), same arithmetic, same statistics
(mean, sd and 5/50/95% quantiles of the five outputs). One thread: NumPy's
generators and element-wise operations run on one core.

    /usr/bin/python3 tests/bench/bench_numpy.py [trials] [--light]
"""
import sys
import time

import numpy as np

Z95 = 1.6448536269514722


def interval90(rng, lo, hi, n):
    """`lo to hi`: lognormal with 5% and 95% quantiles lo and hi."""
    mu = 0.5 * (np.log(lo) + np.log(hi))
    sigma = (np.log(hi) - np.log(lo)) / (2 * Z95)
    return rng.lognormal(mu, sigma, n)


def pert(rng, lo, mode, hi, n):
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    return lo + (hi - lo) * rng.beta(a, b, n)


def model(n, seed=1):
    rng = np.random.default_rng(seed)
    containers = interval90(rng, 28000, 40000, n)
    payload_kg = rng.uniform(21.6, 21.85, n) * 1000.0
    usable = pert(rng, 0.6, 0.85, 1.0, n)
    mass_kg = pert(rng, 45, 48, 54, n)
    volume_c = rng.uniform(32.6, 33.3, n)
    volume_r = pert(rng, 0.025, 0.035, 0.05, n)
    per_container = np.minimum(payload_kg * usable / mass_kg, volume_c * usable / volume_r)
    rounds = containers * per_container
    months = interval90(rng, 22, 25, n)
    per_year = rounds / (months * (365.25 / 12 * 86400)) * (365.25 * 86400)
    demand = interval90(rng, 10000, 45000, n) / 86400 * (365.25 * 86400)
    share = per_year / demand
    return [containers, rounds, per_year, demand, share]


def model_light(n, seed=1):
    rng = np.random.default_rng(seed)
    containers = interval90(rng, 28000, 40000, n)
    rounds = containers * interval90(rng, 300, 500, n)
    months = interval90(rng, 22, 25, n)
    per_year = rounds / (months * (365.25 / 12 * 86400)) * (365.25 * 86400)
    demand = interval90(rng, 10000, 45000, n) / 86400 * (365.25 * 86400)
    share = per_year / demand
    return [containers, rounds, per_year, demand, share]


def summarise(outputs):
    acc = 0.0
    for y in outputs:
        acc += y.mean() + y.std(ddof=1)
        acc += np.quantile(y, [0.05, 0.5, 0.95]).sum()
    return acc


def main():
    light = "--light" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--light"]
    n = int(args[0]) if args else 10_000_000
    make = model_light if light else model
    chunk = min(n, 10_000_000)  # bounded memory beyond 10^7 (quantiles then per chunk)
    t0 = time.process_time()  # CPU time: the machine may be shared
    done = 0
    while done < n:
        m = min(chunk, n - done)
        summarise(make(m, seed=done + 1))
        done += m
    secs = time.process_time() - t0
    print("numpy    %12d trials, 1 thread: %8.2f s %12.0f trials/s  %7.1f ns/trial  (NumPy %s)"
          % (n, secs, n / secs, 1e9 * secs / n, np.__version__))


if __name__ == "__main__":
    main()
