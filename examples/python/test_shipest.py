"""Tests of the ctypes binding (shipest.py) against the built library.

Run from anywhere with the standard library only:

    python3 examples/python/test_shipest.py            # lib/libshipest.so of this tree
    SHIPEST_LIBRARY=/path/libshipest.so python3 ...    # another build

`make check-python` runs it against the freshly built lib/libshipest.so.
Monte Carlo checks use fixed seeds and tolerances of 5 standard errors,
written next to each assert.
"""

import gc
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import unittest
import weakref

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import shipest  # noqa: E402  (after the path is set)

REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
SEED_MODEL = os.path.join(REPO, "examples", "models", "seed.shipest")

# DESIGN.md's worked example with plain distributions in place of the hedged
# claims (which the language does not parse yet): "more than 28,000" as a
# 90% interval above it, "about 13,000" as a 90% interval around it.
WORKED = """\
containers = 28,000 to 35,000 container      @ "ROK DIA via Bloomberg, Jul 2025"
rounds     = containers -> round_152mm
per_year   = rounds / (22 to 25 month) -> round_152mm/year
demand     = 10,000 to 45,000 round_152mm/day -> round_152mm/year
share      = per_year / demand
troops     = 12,000 to 14,000 person + 5,000 person + 1,000 person
"""
OUTPUTS = ["containers", "rounds", "per_year", "demand", "share", "troops"]
UNITS = {"containers": "container", "rounds": "round_152mm", "per_year": "round_152mm/year",
         "demand": "round_152mm/year", "troops": "person"}
DIMENSIONLESS = ("", "1")
Z95 = 1.6448536269514722  # standard normal 95% quantile


def bits(x):
    """The bit pattern of a float, so NaN == NaN and -0.0 != 0.0."""
    return struct.pack("<d", x)


def frozen(value):
    """A summary (nested dicts, lists, tuples, floats) with floats as bits."""
    if isinstance(value, float):
        return bits(value)
    if isinstance(value, dict):
        return {k: frozen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [frozen(v) for v in value]
    return value


def lognormal_90(lo, hi):
    """(mean, sd) of the lognormal whose 5% and 95% quantiles are lo and hi."""
    mu = (math.log(lo) + math.log(hi)) / 2
    sigma = (math.log(hi) - math.log(lo)) / (2 * Z95)
    mean = math.exp(mu + sigma * sigma / 2)
    return mean, mean * math.sqrt(math.exp(sigma * sigma) - 1)


class Base(unittest.TestCase):
    TRIALS = 20000

    def setUp(self):
        self.ctx = shipest.Context(seed=20250701, trials=self.TRIALS)
        self.addCleanup(self.ctx.close)


class TestLibrary(Base):
    def test_version_checked(self):
        major, minor, patch = shipest.library_version()
        self.assertEqual(major, shipest.WRAPPER_VERSION[0])
        self.assertTrue(all(isinstance(v, int) and v >= 0 for v in (minor, patch)))

    def test_options_round_trip(self):
        with shipest.Context(seed=7, trials=1234, threads=3, coverage=0.95) as ctx:
            self.assertEqual((ctx.seed, ctx.trials, ctx.threads), (7, 1234, 3))
            self.assertEqual(ctx.get_option("coverage"), 0.95)
            ctx.trials = 99
            self.assertEqual(ctx.trials, 99)

    def test_option_out_of_bounds_is_an_error_and_changes_nothing(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.threads = 0
        self.assertEqual(cm.exception.status, shipest.ERANGE)
        self.assertEqual(self.ctx.threads, 1)
        with self.assertRaises(ValueError):
            self.ctx.set_option("no_such_option", 1)
        with self.assertRaises(ValueError):
            self.ctx.get_option("no_such_option")
        with self.assertRaises(TypeError):
            self.ctx.set_option("trials", 2.5)
        with self.assertRaises(shipest.ShipestError):
            shipest.Context(trials=0)


class TestImport(unittest.TestCase):
    def import_with(self, library):
        env = dict(os.environ, SHIPEST_LIBRARY=library, PYTHONDONTWRITEBYTECODE="1")
        return subprocess.run([sys.executable, "-c", "import shipest"], cwd=HERE, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)

    def test_missing_library(self):
        p = self.import_with(os.path.join(HERE, "no-such-libshipest.so"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ImportError", p.stderr)
        self.assertIn("no-such-libshipest.so", p.stderr)

    @unittest.skipUnless(shutil.which("cc"), "no C compiler to build a fake library")
    def test_other_major_version(self):
        with tempfile.TemporaryDirectory() as d:
            src, lib = os.path.join(d, "fake.c"), os.path.join(d, "libfake.so")
            with open(src, "w") as f:
                f.write("unsigned shipest_version_number(void) { return 10203; }\n"
                        "const char *shipest_version_string(void) { return \"1.2.3\"; }\n")
            subprocess.check_call(["cc", "-shared", "-fPIC", "-o", lib, src])
            p = self.import_with(lib)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ImportError", p.stderr)
        self.assertIn("libshipest 1.2.3", p.stderr)


class TestWorkedExample(Base):
    @classmethod
    def setUpClass(cls):
        cls.cctx = shipest.Context(seed=20250701, trials=cls.TRIALS, threads=2)
        cls.model = cls.cctx.parse(WORKED)
        cls.result = cls.model.run()

    @classmethod
    def tearDownClass(cls):
        cls.cctx.close()

    def test_outputs_and_units(self):
        r = self.result
        self.assertEqual(r.outputs, OUTPUTS)
        self.assertEqual(self.model.outputs(), OUTPUTS)
        for name, unit in UNITS.items():
            self.assertEqual(r.unit(name), unit, name)
            self.assertEqual(r.summary(name)["unit"], unit, name)
            self.assertEqual(self.model.unit(name), unit, name)
        with self.assertRaises(shipest.ShipestError) as cm:
            self.model.unit("nope")
        self.assertEqual(cm.exception.status, shipest.ENAME)
        factors = {f["name"] for f in r.summary("rounds")["factors"]}
        self.assertTrue(set(OUTPUTS) | factors <= set(self.model.names()))
        self.assertIn(r.unit("share"), DIMENSIONLESS)
        self.assertEqual(r.trials, self.TRIALS)
        self.assertEqual(r.stop_reason, "fixed")
        self.assertFalse(r.is_sketched)

    def test_summary_fields(self):
        s = self.result.summary("rounds")
        for key in ("mean", "sd", "p05", "p50", "p95", "interval90", "unit", "sensitivity",
                    "factors", "inputs", "trials", "finite", "nonfinite", "se_mean"):
            self.assertIn(key, s)
        self.assertEqual((s["finite"], s["nonfinite"]), (self.TRIALS, 0))
        self.assertTrue(s["p05"] < s["p50"] < s["p95"])
        self.assertEqual(s["interval90"], (s["p05"], s["p95"]))
        for kind in ("symmetric", "shortest"):
            lo, hi = self.result.interval("rounds", 0.9, kind)
            self.assertTrue(lo < s["p50"] < hi, kind)
            self.assertLess(abs((hi - lo) / (s["p95"] - s["p05"]) - 1), 0.05, kind)
        self.assertAlmostEqual(s["se_mean"], s["sd"] / math.sqrt(self.TRIALS),
                               delta=1e-12 * s["se_mean"])

    def test_containers_match_the_interval_they_were_given(self):
        s = self.result.summary("containers")
        mean, sd = lognormal_90(28000, 35000)
        # Monte Carlo mean: within 5 standard errors of the exact mean.
        self.assertLess(abs(s["mean"] - mean), 5 * sd / math.sqrt(self.TRIALS))
        # Quantile estimates: se of the p quantile is sqrt(p(1-p)/n)/f(q); for
        # these tails that is under 0.3% of the value, so 1.5% is > 5 se.
        self.assertAlmostEqual(s["p05"] / 28000, 1, delta=0.015)
        self.assertAlmostEqual(s["p95"] / 35000, 1, delta=0.015)
        self.assertEqual(s["inputs"], [{"name": "containers",
                                         "source": "ROK DIA via Bloomberg, Jul 2025"}])
        self.assertEqual(s["factors"], [])

    def test_troops_add_up(self):
        s = self.result.summary("troops")
        mean, sd = lognormal_90(12000, 14000)
        self.assertLess(abs(s["mean"] - (mean + 6000)), 5 * sd / math.sqrt(self.TRIALS))
        self.assertAlmostEqual(s["sd"], sd, delta=0.05 * sd)  # se of sd ~ sd/sqrt(2n) = 0.5%

    def test_conversion_lists_cited_factors(self):
        s = self.result.summary("rounds")
        self.assertGreater(len(s["factors"]), 0)
        for f in s["factors"]:
            self.assertTrue(f["name"], f)
            self.assertTrue(f["source"], "factor %s has no source" % f["name"])
        names = {e["input"] for e in s["sensitivity"]}
        self.assertIn("containers", names)
        self.assertEqual(names, {d["name"] for d in s["factors"] + s["inputs"]})
        shares = [e["share"] for e in s["sensitivity"]]
        self.assertEqual(shares, sorted(shares, reverse=True))
        self.assertAlmostEqual(sum(shares), 1.0, delta=1e-9)

    def test_one_draw_per_input_per_trial(self):
        r = self.result
        share, per_year, demand = (r.samples(n) for n in ("share", "per_year", "demand"))
        self.assertEqual(len(share), self.TRIALS)
        for j in range(0, self.TRIALS, 97):
            self.assertAlmostEqual(share[j], per_year[j] / demand[j], delta=1e-12 * share[j])

    def test_probability_and_quantile_agree_with_the_samples(self):
        r = self.result
        v = sorted(r.samples("share"))
        n = len(v)
        p, se = r.prob_above("share", 0.4)
        self.assertEqual(p, sum(1 for x in v if x > 0.4) / n)
        self.assertAlmostEqual(se, math.sqrt(p * (1 - p) / n), delta=1e-15)
        pb, _ = r.prob_below("share", 0.4)
        self.assertAlmostEqual(p + pb, 1.0, delta=1.0 / n)  # only ties at 0.4 differ
        for q in (0.05, 0.5, 0.95):
            h = (n - 1) * q
            i = int(math.floor(h))
            expected = v[i] + (h - i) * (v[i + 1] - v[i])  # Hyndman-Fan type 7
            self.assertAlmostEqual(r.quantile("share", q), expected, delta=1e-12 * expected)
        self.assertEqual(sum(r.histogram("share", v[0], v[-1], 10)), n)

    def test_unknown_output_and_bad_probability(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.result.summary("nope")
        self.assertEqual(cm.exception.status, shipest.ENAME)
        self.assertIn("nope", cm.exception.message)
        with self.assertRaises(shipest.ShipestError) as cm:
            self.result.quantile("share", 1.5)
        self.assertEqual(cm.exception.status, shipest.EDOMAIN)
        with self.assertRaises(shipest.ShipestError) as cm:
            self.result.samples("share", offset=self.TRIALS - 1, n=2)
        self.assertEqual(cm.exception.status, shipest.ERANGE)


@unittest.skipUnless(os.path.exists(SEED_MODEL), "examples/models/seed.shipest not present")
class TestSeedModelFile(Base):
    def test_seed_model_runs(self):
        with self.ctx.parse_file(SEED_MODEL) as model, model.run() as r:
            self.assertTrue(set(OUTPUTS) <= set(r.outputs), r.outputs)
            for name in r.outputs:
                s = r.summary(name)
                self.assertEqual((s["trials"], s["finite"]), (self.TRIALS, self.TRIALS), name)
                self.assertTrue(s["p05"] < s["p50"] < s["p95"], name)
            for name, unit in UNITS.items():
                self.assertEqual(r.unit(name), unit, name)
            self.assertIn(r.unit("share"), DIMENSIONLESS)
            # "more than 28,000 containers": never below 28,000.
            self.assertGreaterEqual(min(r.samples("containers")), 28000)
            self.assertIn("ROK DIA", " ".join(i["source"] for i in
                                              r.summary("containers")["inputs"]))
            self.assertTrue(r.summary("rounds")["factors"])
            p, se = r.prob_above("share", 0.4)
            self.assertTrue(0 < p < 1 and se > 0)

    def test_seed_model_error_names_the_file(self):
        with open(SEED_MODEL, encoding="utf-8") as f:
            text = f.read()
        bad = os.path.join(self.tmpdir(), "bad.shipest")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text + "\noops = containers + 1 t\n")
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.parse_file(bad)
        self.assertEqual(cm.exception.status, shipest.EUNIT)
        line = text.count("\n") + 2
        self.assertIn("bad.shipest:%d:" % line, cm.exception.message)

    def tmpdir(self):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        return d.name


class TestDeterminism(Base):
    def summaries(self, threads, block_size=None):
        with shipest.Context(seed=99, trials=30000, threads=threads,
                             block_size=block_size) as ctx:
            with ctx.parse(WORKED) as m, m.run() as r:
                return ({n: frozen(r.summary(n)) for n in r.outputs},
                        {n: r.samples(n).tobytes() for n in r.outputs})

    def test_bitwise_equal_across_thread_counts_and_blocks(self):
        ref = self.summaries(1)
        for threads, block in ((2, None), (4, None), (3, 1000), (8, 64)):
            with self.subTest(threads=threads, block_size=block):
                self.assertEqual(self.summaries(threads, block), ref)

    def test_seed_changes_the_draws(self):
        with shipest.Context(seed=100, trials=30000) as ctx:
            with ctx.parse(WORKED) as m, m.run() as r:
                other = r.samples("share").tobytes()
        self.assertNotEqual(other, self.summaries(1)[1]["share"])

    def test_one_context_per_thread(self):
        ref = self.summaries(1)
        got, errors = {}, []

        def work(k):
            try:
                got[k] = self.summaries(1)
            except BaseException as e:  # reported below, not lost in the thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(got), 4)
        for k in range(4):
            self.assertEqual(got[k], ref)


class TestRangesAndMerge(Base):
    def test_split_and_merge_equals_one_run(self):
        self.ctx.trials = 25000
        with self.ctx.parse(WORKED) as m, m.run() as whole:
            parts = [m.run_range(0, 4096), m.run_range(4096, 9001), m.run_range(13097, 11903)]
            merged = shipest.merge(parts[2], parts[0], parts[1])  # any order
            self.assertEqual(merged.trials, 25000)
            self.assertEqual(merged.stop_reason, "merged")
            for name in OUTPUTS:
                self.assertEqual(frozen(merged.summary(name)), frozen(whole.summary(name)), name)
                self.assertEqual(merged.samples(name).tobytes(), whole.samples(name).tobytes())
            self.assertEqual(parts[1].samples("rounds").tobytes(),
                             whole.samples("rounds", 4096, 9001).tobytes())

    def test_overlapping_ranges_do_not_merge(self):
        with self.ctx.parse(WORKED) as m, m.run_range(0, 1000) as a, m.run_range(500, 1000) as b:
            with self.assertRaises(shipest.ShipestError) as cm:
                a.merge(b)
            self.assertEqual(cm.exception.status, shipest.EINVAL)
            self.assertTrue(cm.exception.message)

    def test_empty_range_is_an_error(self):
        with self.ctx.parse(WORKED) as m:
            with self.assertRaises(shipest.ShipestError) as cm:
                m.run_range(0, 0)
            self.assertEqual(cm.exception.status, shipest.ERANGE)


class TestBytes(Base):
    """Result.to_bytes() / Result.from_bytes(): results that leave a process."""

    def test_round_trip_is_indistinguishable(self):
        with self.ctx.parse(WORKED) as m, m.run_range(3, 5000) as r:
            data = r.to_bytes()
            self.assertIsInstance(data, bytes)
            self.assertEqual(data[:8], b"\x89SHPRES\n")
            with shipest.Result.from_bytes(m, data) as back:
                self.assertEqual(back.trials, r.trials)
                self.assertEqual(back.stop_reason, r.stop_reason)
                self.assertEqual(back.is_sketched, r.is_sketched)
                for name in OUTPUTS:
                    self.assertEqual(frozen(back.summary(name)), frozen(r.summary(name)), name)
                    self.assertEqual(back.samples(name).tobytes(), r.samples(name).tobytes())
                self.assertEqual(back.to_bytes(), data)

    def test_images_from_another_context_merge_to_one_run(self):
        # As MPI ranks would: parts run elsewhere, read back with this
        # context's own copy of the model, merged, compared bit for bit.
        for cap in (256 << 20, 1 << 20):  # samples kept, then sketched
            with shipest.Context(seed=20250701, max_memory=cap) as other, \
                    other.parse(WORKED) as mo, self.ctx.parse(WORKED) as m:
                self.ctx.set_option("max_memory", cap)
                images = []
                for first, n in ((0, 11000), (11000, 9001), (20001, 10999)):
                    with mo.run_range(first, n) as part:
                        images.append(part.to_bytes())
                parts = [shipest.Result.from_bytes(m, d) for d in images]
                with shipest.merge(*parts) as merged, m.run_range(0, 31000) as whole:
                    self.assertEqual(merged.is_sketched, cap == 1 << 20)
                    self.assertEqual(whole.is_sketched, merged.is_sketched)
                    for name in OUTPUTS:
                        self.assertEqual(frozen(merged.summary(name)), frozen(whole.summary(name)),
                                         name)
                for p in parts:
                    p.close()

    def test_bad_images_are_refused(self):
        with self.ctx.parse(WORKED) as m, m.run_range(0, 500) as r, \
                self.ctx.parse(WORKED.replace("12,000", "11,000")) as other:
            data = r.to_bytes()
            with self.assertRaises(shipest.ShipestError) as cm:
                shipest.Result.from_bytes(other, data)
            self.assertEqual(cm.exception.status, shipest.EINVAL)
            self.assertIn("another model", cm.exception.message)
            for bad in (data[:-1], data[:100], b"", data[:200] + bytes([data[200] ^ 1]) + data[201:]):
                with self.assertRaises(shipest.ShipestError) as cm:
                    shipest.Result.from_bytes(m, bad)
                self.assertEqual(cm.exception.status, shipest.EPARSE)
                self.assertIn("byte", cm.exception.message)


class TestRunModes(Base):
    def test_past_the_memory_cap_results_are_sketched(self):
        with shipest.Context(seed=5, trials=60000) as kept_ctx, \
                shipest.Context(seed=5, trials=60000, max_memory=1 << 20) as cap_ctx:
            with kept_ctx.parse(WORKED) as m1, m1.run() as kept, \
                    cap_ctx.parse(WORKED) as m2, m2.run() as sketched:
                self.assertFalse(kept.is_sketched)
                self.assertTrue(sketched.is_sketched)
                with self.assertRaises(shipest.ShipestError) as cm:
                    sketched.samples("share")
                self.assertEqual(cm.exception.status, shipest.EUNSUPPORTED)
                a, b = kept.summary("rounds"), sketched.summary("rounds")
                self.assertEqual(a["mean"], b["mean"])  # moments are exact either way
                for q in ("p05", "p50", "p95"):  # the documented sketch bound: 1e-3 relative
                    self.assertLessEqual(abs(b[q] - a[q]), 1e-3 * abs(a[q]), q)

    def test_adaptive(self):
        with self.ctx.parse(WORKED) as m, m.run_adaptive(1, 200000) as r:
            self.assertIn(r.stop_reason, ("stable", "cap"))
            self.assertEqual(r.trials % 10000, 0)  # whole sequences of 10^4 trials
            self.assertGreaterEqual(r.trials, 20000)
            self.assertLessEqual(r.trials, 200000)

    def test_latin_hypercube(self):
        with self.ctx.parse(WORKED) as m, m.run_range(0, 4096, lhs=True) as a, \
                m.run_range(0, 4096) as b, m.run_range(4096, 4096, lhs=True) as c:
            self.assertNotEqual(a.samples("share").tobytes(), b.samples("share").tobytes())
            with a.merge(c) as ac:
                self.assertEqual(ac.trials, 8192)
            with self.assertRaises(shipest.ShipestError) as cm:
                b.merge(c)  # different flags
            self.assertEqual(cm.exception.status, shipest.EINVAL)


class TestErrors(Base):
    def check(self, text, status, where, *words):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.parse(text)
        e = cm.exception
        self.assertEqual(e.status, status, e)
        self.assertEqual(e.name, shipest._strerror(status))
        self.assertIn(":%d:%d:" % where, e.message)
        for w in words:
            self.assertIn(w, e.message)
        self.assertIn(e.message, str(e))
        return e

    def test_syntax_error_has_line_and_column(self):
        self.check("a = 1 to 2 t\nb = a + * 3\n", shipest.EPARSE, (2, 9), "'*'")

    def test_unit_mismatch_names_both_units(self):
        self.check("a = 1 to 2 t\nb = a + 3 round_152mm\n", shipest.EUNIT, (2, 9),
                   "'t'", "'round_152mm'")

    def test_unknown_name(self):
        self.check("a = 1 to 2 t\nb = a * c\n", shipest.ENAME, (2, 9), "c")

    def test_failed_parse_leaves_the_context_usable(self):
        self.check("x = (1 to 2\n", shipest.EPARSE, (1, 12))
        with self.ctx.parse(WORKED) as m, m.run() as r:
            self.assertEqual(r.outputs, OUTPUTS)

    def test_missing_file(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.parse_file(os.path.join(HERE, "no-such-model.shipest"))
        self.assertEqual(cm.exception.status, shipest.EIO)


class TestProgress(Base):
    def test_callback_sees_progress_and_can_cancel(self):
        seen = []
        self.ctx.trials = 50000
        with self.ctx.parse(WORKED) as m:
            self.ctx.set_progress(lambda f: seen.append(f) or False)
            m.run().close()
            self.assertTrue(seen and all(0 <= f <= 1 for f in seen), seen[-3:])
            self.assertEqual(seen, sorted(seen))
            self.ctx.set_progress(lambda f: True)
            with self.assertRaises(shipest.ShipestError) as cm:
                m.run()
            self.assertEqual(cm.exception.status, shipest.ECANCELLED)

            def boom(_f):
                raise KeyError("from the callback")
            self.ctx.set_progress(boom)
            with self.assertRaises(KeyError):
                m.run()
            self.ctx.set_progress(None)
            m.run().close()


@unittest.skipUnless(shipest._HAVE_CLAIMS, "the library has no claims API yet")
class TestClaims(Base):
    def test_more_than(self):
        c = self.ctx.claim("more than 28,000 containers")
        self.assertEqual(c["unit"], "container")
        self.assertGreaterEqual(c["p05"], 28000)  # "more than X" is never below X
        self.assertTrue(c["p05"] < c["p50"] < c["p95"])
        self.assertIn("28,000", c["explanation"])
        self.assertTrue(c["distribution"])

    def test_as_much_as_share(self):
        c = self.ctx.claim("as much as 40%", share=True)
        self.assertEqual(c["unit"], "")
        self.assertAlmostEqual(c["p95"], 0.4, delta=1e-9)  # X at the 95th percentile
        self.assertLess(c["p50"], 0.4)

    def test_bad_claims(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.claim("as much as 140%", share=True)
        self.assertEqual(cm.exception.status, shipest.EDOMAIN)
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.claim("about 13,000", require_unit=True)
        self.assertEqual(cm.exception.status, shipest.EUNIT)


@unittest.skipUnless(shipest._HAVE_TABLES, "the library has no table API yet")
class TestTables(Base):
    def test_bad_table_has_line_and_column_and_changes_nothing(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.load_table_string(
                "shipest-table 1\nfactor x: 1 container_20ft = banana(1) t\n", "mine.stbl")
        self.assertEqual(cm.exception.status, shipest.EPARSE)
        self.assertIn("mine.stbl:2:", cm.exception.message)
        with self.ctx.parse(WORKED) as m, m.run() as r:
            self.assertEqual(r.outputs, OUTPUTS)

    def test_missing_table_file(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.load_table(os.path.join(HERE, "no-such-table.stbl"))
        self.assertEqual(cm.exception.status, shipest.EIO)


@unittest.skipUnless(shipest._HAVE_REPORTS, "the library has no reports API yet")
class TestReports(Base):
    def test_json_schema_and_agreement_with_summary(self):
        self.ctx.trials = 5000
        with self.ctx.parse(WORKED) as m, m.run() as r:
            j = r.to_json()
            self.assertEqual(j["trials"], 5000)
            self.assertEqual(j["seed"], 20250701)
            self.assertEqual([o["name"] for o in j["outputs"]], OUTPUTS)
            for o in j["outputs"]:
                s = r.summary(o["name"])
                # The header says a dimensionless unit reads "" but the result
                # gives "1" while the report writes "": either is accepted.
                if s["unit"] in DIMENSIONLESS:
                    self.assertIn(o["unit"], DIMENSIONLESS)
                else:
                    self.assertEqual(o["unit"], s["unit"])
                for key in ("mean", "sd", "p05", "p50", "p95"):
                    self.assertEqual(o[key], s[key], (o["name"], key))  # JSON numbers are exact
                self.assertEqual(tuple(o["interval90"]), s["interval90"])
                self.assertEqual([e["input"] for e in o["sensitivity"]],
                                 [e["input"] for e in s["sensitivity"]])
                self.assertEqual([(f["name"], f["source"]) for f in o["factors"]],
                                 [(f["name"], f["source"]) for f in s["factors"]])

    def test_text_csv_svg(self):
        self.ctx.trials = 2000
        with self.ctx.parse(WORKED) as m, m.run() as r:
            text = r.report("text")
            for name in OUTPUTS:
                self.assertIn(name, text)
            csv = r.report("csv").split("\r\n")
            self.assertEqual(len([row for row in csv if row]), 1 + len(OUTPUTS))
            rows = r.report("samples_csv").split("\r\n")
            self.assertEqual(len([row for row in rows if row]), 1 + 2000)
            self.assertTrue(r.report("svg").lstrip().startswith(("<?xml", "<svg")))
            with self.assertRaises(ValueError):
                r.report("pdf")


class TestOwnership(unittest.TestCase):
    def test_with_blocks_free_everything(self):
        with shipest.Context(trials=1000) as ctx:
            with ctx.parse(WORKED) as m:
                with m.run() as r:
                    self.assertEqual(r.outputs, OUTPUTS)
                self.assertTrue(r.closed)
                self.assertFalse(m.closed)
            self.assertTrue(m.closed)
        self.assertTrue(ctx.closed)
        for obj in (ctx, m, r):
            self.assertIn("closed", repr(obj))
            obj.close()  # twice is harmless
        with self.assertRaises(ValueError):
            r.summary("share")
        with self.assertRaises(ValueError):
            m.run()
        with self.assertRaises(ValueError):
            ctx.parse(WORKED)

    def test_closing_the_context_closes_its_objects(self):
        ctx = shipest.Context(trials=1000)
        m = ctx.parse(WORKED)
        r = m.run()
        merged = r.merge(m.run_range(1000, 500))
        ctx.close()
        self.assertTrue(m.closed and r.closed and merged.closed)

    def test_objects_keep_their_context_alive(self):
        ctx = shipest.Context(trials=1000)
        gone = weakref.ref(ctx)
        m = ctx.parse(WORKED)
        r = m.run()
        del ctx
        gc.collect()
        self.assertIsNotNone(gone())  # the model and result still need it
        self.assertEqual(r.summary("troops")["trials"], 1000)
        del m, r
        gc.collect()
        self.assertIsNone(gone())  # freed by the safety net once unreachable

    def test_reference_cycles_are_freed_in_a_safe_order(self):
        # The collector finalises objects in a cycle in any order; a context
        # finalised before its result must still free the result first.
        refs = []
        for k in range(20):
            ctx = shipest.Context(trials=100)
            m = ctx.parse(WORKED)
            r = m.run()
            junk = [ctx, m, r] if k % 2 else [r, m, ctx]
            junk.append(junk)
            r.junk = junk
            ctx.set_progress(lambda f: False)
            refs += [weakref.ref(ctx), weakref.ref(m), weakref.ref(r)]
            del ctx, m, r, junk
        gc.collect()
        self.assertEqual([ref() for ref in refs], [None] * len(refs))

    def test_many_cycles(self):
        for _ in range(200):
            with shipest.Context(trials=64) as ctx, ctx.parse(WORKED) as m, m.run() as r:
                self.assertEqual(r.trials, 64)


@unittest.skipUnless(shipest._HAVE_CONVERT, "the library has no conversion API yet")
class TestConvert(Base):
    def test_containers_to_rounds(self):
        with self.ctx.convert("6,700 container", "round_152mm") as c:
            s = c.summary
            self.assertTrue(0 < s["p05"] < s["p50"] < s["p95"])
            self.assertEqual(c.mean, s["mean"])
            self.assertEqual(c.quantile(0.5), s["p50"])
            self.assertTrue(c.steps)
            self.assertTrue(c.factors)
            for f in c.factors:
                self.assertTrue(f["source"], f)
        self.assertTrue(c.closed)

    def test_exact_conversion(self):
        with self.ctx.convert("2 t", "kg") as c:
            self.assertEqual(c.steps, [])
            self.assertEqual(c.summary["p50"], 2000.0)

    def test_not_a_quantity(self):
        with self.assertRaises(ValueError):
            self.ctx.convert("container", "t")

    def test_no_route(self):
        with self.assertRaises(shipest.ShipestError) as cm:
            self.ctx.convert("1 person", "t")
        self.assertIn(cm.exception.status, (shipest.ENOROUTE, shipest.EUNIT))


if __name__ == "__main__":
    unittest.main(verbosity=2)
