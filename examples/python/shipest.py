"""shipest — a thin ctypes binding of libshipest.

libshipest turns hedged public figures about military logistics into
quantities with honest uncertainty and propagates them by Monte Carlo. This
module wraps the C library's public API (include/shipest.h) with nothing but
the Python standard library::

    import shipest

    with shipest.Context(seed=1, trials=100_000, threads=4) as ctx:
        with ctx.parse('''
            containers = 28,000 to 35,000 container
            rounds     = containers -> round_152mm
        ''') as model, model.run() as result:
            print(result.summary("rounds"))

Finding the library, in order: the path in ``$SHIPEST_LIBRARY``; the built
``lib/libshipest.so`` of the source tree this file sits in (two folders up);
an installed ``libshipest`` found by ``ctypes.util.find_library``. The
library's version is checked at import: a different major version raises
ImportError.

Errors: every failing call raises :class:`ShipestError`, carrying the status
code (``.status``), its name (``.name``, from ``shipest_strerror``) and the
library's detailed message (``.message``, from ``shipest_ctx_errmsg``: for
model text it starts ``<string>:LINE:COL:`` or ``PATH:LINE:COL:``).

Memory: :class:`Context`, :class:`Model`, :class:`Result` and
:class:`Conversion` own C handles. Free them deterministically with ``with``
blocks or ``close()``; ``__del__`` is only a safety net. A model or result
keeps its context alive, and closing a context first frees every object
made from it (also when the garbage collector finalises a cycle in any
order), so the C rule "free objects before their context" always holds.

Threads: a context and everything made from it belong to one thread at a
time; use one Context per thread. ctypes releases the GIL during each C
call, so runs on separate contexts in separate threads proceed in parallel.
"""

import array
import ctypes
import ctypes.util
import itertools
import json
import os
import re
import weakref

__all__ = [
    "Context", "Model", "Result", "Conversion", "ShipestError", "merge",
    "library_version", "library_path", "WRAPPER_VERSION",
]

#: The libshipest version this module was written against (major, minor, patch).
WRAPPER_VERSION = (0, 1, 0)

# ---- status codes (values pinned by the header) ------------------------------

OK = 0
EINVAL = 1
ENOMEM = 2
EPARSE = 3
EUNIT = 4
ENOROUTE = 5
EAMBIGUOUS = 6
EDOMAIN = 7
EIO = 8
ECANCELLED = 9
EOPTION = 10
ERANGE = 11
ENAME = 12
EUNSUPPORTED = 13
ELIMIT = 14

# Option keys (shipest_option) and their types.
_OPTIONS = {
    "seed": (1, int),
    "trials": (2, int),
    "threads": (3, int),
    "max_memory": (4, int),
    "block_size": (5, int),
    "coverage": (6, float),
}

_RUN_LHS = 1
_INTERVALS = {"symmetric": 0, "shortest": 1}
_STOP_REASONS = {0: "fixed", 1: "stable", 2: "cap", 3: "merged"}
# shipest_table_field values used by Conversion.
_FIELD_NAME, _FIELD_DIST, _FIELD_SOURCE = 0, 4, 5
_FIELD_DATE, _FIELD_CONFIDENCE = 6, 7


class ShipestError(Exception):
    """A libshipest call failed.

    Attributes:
        status:  the ``shipest_status`` code (an int; see the module's
                 ``EPARSE``, ``EUNIT``, ... constants).
        name:    the code's short description, from ``shipest_strerror``.
        message: the detailed message of the failure (``shipest_ctx_errmsg``
                 for calls on a context, e.g. ``<string>:2:9: expected ...``),
                 or a description written by this module for calls that have
                 no context.
    """

    def __init__(self, status, name, message):
        self.status = status
        self.name = name
        self.message = message
        super().__init__("%s (status %d): %s" % (name, status, message) if message
                         else "%s (status %d)" % (name, status))


# ---- loading the library -------------------------------------------------------

def _candidates():
    env = os.environ.get("SHIPEST_LIBRARY")
    if env:
        return [env]  # an explicit choice: no fallback that could hide a mistake
    here = os.path.dirname(os.path.abspath(__file__))
    found = [os.path.join(here, os.pardir, os.pardir, "lib", "libshipest.so")]
    installed = ctypes.util.find_library("shipest")
    if installed:
        found.append(installed)
    return found


def _load():
    errors = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            errors.append("%s: no such file" % path)
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("shipest: cannot load libshipest (build it with `make`, install it, "
                      "or set SHIPEST_LIBRARY): " + "; ".join(errors or ["not found"]))


_lib, _path = _load()
_lib.shipest_version_number.restype = ctypes.c_uint
_lib.shipest_version_number.argtypes = []
_lib.shipest_version_string.restype = ctypes.c_char_p
_lib.shipest_version_string.argtypes = []


def library_version():
    """The linked library's version as (major, minor, patch)."""
    v = _lib.shipest_version_number()
    return (v // 10000, v // 100 % 100, v % 100)


def library_path():
    """The path (or name) the library was loaded from."""
    return _path


# Checked before anything else is declared, so a library of another major
# version is reported as such rather than as missing functions.
if library_version()[0] != WRAPPER_VERSION[0]:
    raise ImportError("shipest: %s is libshipest %s; this module was written for major "
                      "version %d" % (_path, _lib.shipest_version_string().decode(),
                                      WRAPPER_VERSION[0]))


class _Ctx(ctypes.Structure):
    pass


class _Model(ctypes.Structure):
    pass


class _Result(ctypes.Structure):
    pass


class _Dist(ctypes.Structure):
    pass


class _Conversion(ctypes.Structure):
    pass


_ctx_p = ctypes.POINTER(_Ctx)
_model_p = ctypes.POINTER(_Model)
_result_p = ctypes.POINTER(_Result)
_dist_p = ctypes.POINTER(_Dist)
_conv_p = ctypes.POINTER(_Conversion)
_st = ctypes.c_int
_sz = ctypes.c_size_t
_u64 = ctypes.c_uint64
_i64 = ctypes.c_int64
_dbl = ctypes.c_double
_str = ctypes.c_char_p
_P = ctypes.POINTER
_progress_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, _dbl)

# name: (restype, argtypes). Every function this module calls is declared.
_REQUIRED = {
    "shipest_version_number": (ctypes.c_uint, []),
    "shipest_version_string": (_str, []),
    "shipest_strerror": (_str, [_st]),
    "shipest_ctx_new": (_st, [_P(_ctx_p)]),
    "shipest_ctx_free": (None, [_ctx_p]),
    "shipest_ctx_errmsg": (_str, [_ctx_p]),
    "shipest_ctx_set_int": (_st, [_ctx_p, ctypes.c_int, _i64]),
    "shipest_ctx_get_int": (_st, [_ctx_p, ctypes.c_int, _P(_i64)]),
    "shipest_ctx_set_double": (_st, [_ctx_p, ctypes.c_int, _dbl]),
    "shipest_ctx_get_double": (_st, [_ctx_p, ctypes.c_int, _P(_dbl)]),
    "shipest_ctx_set_progress": (_st, [_ctx_p, _progress_fn, ctypes.c_void_p]),
    "shipest_model_parse": (_st, [_ctx_p, ctypes.c_char_p, _sz, _P(_model_p)]),
    "shipest_model_parse_file": (_st, [_ctx_p, _str, _P(_model_p)]),
    "shipest_model_free": (None, [_model_p]),
    "shipest_model_node_count": (_sz, [_model_p]),
    "shipest_model_find": (_st, [_model_p, _str, _P(ctypes.c_int32)]),
    "shipest_model_node_name": (_sz, [_model_p, ctypes.c_int32, ctypes.c_char_p, _sz]),
    "shipest_model_node_unit": (_sz, [_model_p, ctypes.c_int32, ctypes.c_char_p, _sz]),
    "shipest_model_node_is_output": (ctypes.c_int, [_model_p, ctypes.c_int32]),
    "shipest_model_run": (_st, [_ctx_p, _model_p, _P(_result_p)]),
    "shipest_model_run_range": (_st, [_ctx_p, _model_p, _u64, _u64, ctypes.c_uint,
                                      _P(_result_p)]),
    "shipest_model_run_adaptive": (_st, [_ctx_p, _model_p, ctypes.c_int, _u64, ctypes.c_uint,
                                         _P(_result_p)]),
    "shipest_result_merge": (_st, [_ctx_p, _result_p, _result_p, _P(_result_p)]),
    "shipest_result_free": (None, [_result_p]),
    "shipest_result_output_count": (_sz, [_result_p]),
    "shipest_result_output_name": (_str, [_result_p, _sz]),
    "shipest_result_output_unit": (_str, [_result_p, _sz]),
    "shipest_result_output_index": (_st, [_result_p, _str, _P(_sz)]),
    "shipest_result_trials": (_u64, [_result_p]),
    "shipest_result_stop_reason": (ctypes.c_int, [_result_p]),
    "shipest_result_count": (_st, [_result_p, _sz, _P(_u64), _P(_u64)]),
    "shipest_result_mean": (_st, [_result_p, _sz, _P(_dbl)]),
    "shipest_result_sd": (_st, [_result_p, _sz, _P(_dbl)]),
    "shipest_result_mc_se_mean": (_st, [_result_p, _sz, _P(_dbl)]),
    "shipest_result_quantile": (_st, [_result_p, _sz, _dbl, _P(_dbl)]),
    "shipest_result_interval": (_st, [_result_p, _sz, ctypes.c_int, _dbl, _P(_dbl), _P(_dbl)]),
    "shipest_result_prob_above": (_st, [_result_p, _sz, _dbl, _P(_dbl), _P(_dbl)]),
    "shipest_result_prob_below": (_st, [_result_p, _sz, _dbl, _P(_dbl), _P(_dbl)]),
    "shipest_result_histogram": (_st, [_result_p, _sz, _dbl, _dbl, _sz, _P(_u64)]),
    "shipest_result_dependency_count": (_sz, [_result_p, _sz]),
    "shipest_result_dependency": (_st, [_result_p, _sz, _sz, _P(ctypes.c_int), _P(_str),
                                        _P(_str)]),
    "shipest_result_sensitivity_count": (_sz, [_result_p, _sz]),
    "shipest_result_sensitivity": (_st, [_result_p, _sz, _sz, _P(_str), _P(_dbl), _P(_dbl)]),
    "shipest_result_samples": (_st, [_result_p, _sz, _u64, _sz, _P(_dbl)]),
    "shipest_result_is_sketched": (ctypes.c_int, [_result_p]),
}

# Distributions: read-only queries used for claims and conversions.
_REQUIRED.update({
    "shipest_dist_free": (None, [_dist_p]),
    "shipest_dist_mean": (_st, [_dist_p, _P(_dbl)]),
    "shipest_dist_quantile": (_st, [_dist_p, _dbl, _P(_dbl)]),
    "shipest_dist_describe": (_sz, [_dist_p, ctypes.c_char_p, _sz]),
})

# Groups that are newer than 0.1.0's first cut: each is used when the
# linked library has all of it, and its methods raise NotImplementedError
# otherwise.
_CONVERT = {
    "shipest_convert_number": (_st, [_ctx_p, _dbl, _str, _str, _str, _P(_conv_p)]),
    "shipest_conversion_free": (None, [_conv_p]),
    "shipest_conversion_dist": (_dist_p, [_conv_p]),
    "shipest_conversion_scale": (_dbl, [_conv_p]),
    "shipest_conversion_step_count": (_sz, [_conv_p]),
    "shipest_conversion_step": (_st, [_conv_p, _sz, _P(_str), _P(ctypes.c_int),
                                      _P(ctypes.c_int)]),
    "shipest_conversion_factor_count": (_sz, [_conv_p]),
    "shipest_conversion_factor": (_st, [_conv_p, _sz, ctypes.c_int, _P(_str)]),
}
_TABLES = {
    "shipest_ctx_load_table_file": (_st, [_ctx_p, _str]),
    "shipest_ctx_load_table_string": (_st, [_ctx_p, ctypes.c_char_p, _sz, _str]),
}
_CLAIMS = {
    # lexicon argument: always NULL here (the default policy).
    "shipest_claim_parse": (_st, [_ctx_p, ctypes.c_void_p, ctypes.c_char_p, _sz, ctypes.c_uint,
                                  _P(_dist_p), ctypes.c_char_p, _sz, _P(_sz), ctypes.c_char_p,
                                  _sz, _P(_sz)]),
}
_SERIALIZE = {
    "shipest_result_serialize": (_st, [_result_p, ctypes.c_void_p, _sz, _P(_sz)]),
    "shipest_result_deserialize": (_st, [_ctx_p, _model_p, ctypes.c_char_p, _sz,
                                         _P(_result_p)]),
}
_REPORTS = {
    "shipest_report_write": (_st, [_ctx_p, _result_p, _model_p, ctypes.c_int, ctypes.c_char_p,
                                   _sz, _P(_sz)]),
}

def _declare(table, required):
    missing = []
    for name, (restype, argtypes) in table.items():
        try:
            fn = getattr(_lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing and required:
        raise ImportError("shipest: %s lacks %s" % (_path, ", ".join(missing)))
    return not missing


_declare(_REQUIRED, True)
_HAVE_CONVERT = _declare(_CONVERT, False)
_HAVE_TABLES = _declare(_TABLES, False)
_HAVE_CLAIMS = _declare(_CLAIMS, False)
_HAVE_REPORTS = _declare(_REPORTS, False)
_HAVE_SERIALIZE = _declare(_SERIALIZE, False)


def _need(have, what):
    if not have:
        raise NotImplementedError("%s has no %s" % (_path, what))


# ---- helpers ---------------------------------------------------------------------

def _text(b):
    return b.decode("utf-8", "replace") if b is not None else None


def _strerror(status):
    return _text(_lib.shipest_strerror(status))


def _raise(status, message):
    raise ShipestError(status, _strerror(status), message)


def _check_ctx(ctx_ptr, status):
    """Raise for a failed call on a context, with the context's message."""
    if status != OK:
        _raise(status, _text(_lib.shipest_ctx_errmsg(ctx_ptr)))


def _check(status, what):
    """Raise for a failed call that has no context; `what` says which."""
    if status != OK:
        _raise(status, what)


def _snprintf(fn, *args):
    n = fn(*args, None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    fn(*args, buf, n + 1)
    return _text(buf.value)


def _dist_info(dist, describe=True):
    """Description (as model text), mean and 5/50/95% quantiles of a
    borrowed distribution."""
    info = {"distribution": _snprintf(_lib.shipest_dist_describe, dist)} if describe else {}
    v = _dbl()
    # The mean does not exist for every family (e.g. Student-t with df <= 1).
    info["mean"] = v.value if _lib.shipest_dist_mean(dist, ctypes.byref(v)) == OK else None
    for key, p in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95)):
        _check(_lib.shipest_dist_quantile(dist, p, ctypes.byref(v)), "quantile(%r)" % p)
        info[key] = v.value
    return info


class _Handle:
    """Common close/with/__del__ behaviour of the objects that own C handles."""

    _ptr = None

    def _free(self):  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def closed(self):
        """True once the C object has been freed."""
        return self._ptr is None

    def close(self):
        """Free the C object now. Closing twice is harmless."""
        if self._ptr is not None:
            self._free()
            self._ptr = None

    def __enter__(self):
        self._live()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        # Safety net only: use `with` or close(). Never raise from here.
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return "<shipest.%s %s>" % (type(self).__name__, "closed" if self._ptr is None
                                     else self._describe())

    def _describe(self):
        return "open"

    def _live(self):
        if self._ptr is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr


class _Child(_Handle):
    """An object made from a Context: it keeps the context alive and is
    freed before it (see Context._free)."""

    _free_fn = None  # the shipest_*_free function, set by each subclass

    def __init__(self, ctx, ptr):
        self._ctx = ctx
        self._ptr = ptr
        self._token = ctx._register(self, type(self)._free_fn)

    def _free(self):
        self._ctx._release(self._token)


# ---- Context -----------------------------------------------------------------------

class Context(_Handle):
    """A libshipest context: options, tables and the last error.

    Args:
        seed:       seed of the random streams (int >= 0; default 1).
        trials:     Monte Carlo trials per run (default 100000).
        threads:    worker threads (default 1; results do not depend on it).
        max_memory: cap in bytes on kept samples; past it results are sketched.
        block_size: trials per evaluation block (results do not depend on it).
        coverage:   probability of the default coverage interval (0.9).

    Options left as None keep the library's defaults. Use one Context per
    thread. Closing the context closes every model, result and conversion
    made from it.
    """

    def __init__(self, seed=None, trials=None, threads=None, max_memory=None,
                 block_size=None, coverage=None):
        ptr = _ctx_p()
        status = _lib.shipest_ctx_new(ctypes.byref(ptr))
        if status != OK:
            _raise(status, "shipest_ctx_new failed")
        self._ptr = ptr
        # C handles made from this context and not yet freed: token ->
        # (free function, pointer, weak reference to the Python object).
        # Raw pointers, not the objects, so that even when the garbage
        # collector finalises a context before its objects (a reference
        # cycle), the objects' C handles are freed first, exactly once.
        self._handles = {}
        self._tokens = itertools.count()
        self._progress = None  # keeps the ctypes callback alive
        self._callback_error = None
        try:
            for key, value in (("seed", seed), ("trials", trials), ("threads", threads),
                               ("max_memory", max_memory), ("block_size", block_size),
                               ("coverage", coverage)):
                if value is not None:
                    self.set_option(key, value)
        except BaseException:
            self.close()
            raise

    def _describe(self):
        return "seed=%d trials=%d threads=%d" % (self.seed, self.trials, self.threads)

    def _free(self):
        for token in sorted(self._handles, reverse=True):  # newest first
            free_fn, ptr, ref = self._handles.pop(token)
            free_fn(ptr)
            child = ref()
            if child is not None:
                child._ptr = None
        _lib.shipest_ctx_free(self._ptr)

    def _register(self, child, free_fn):
        token = next(self._tokens)
        self._handles[token] = (free_fn, child._ptr, weakref.ref(child))
        return token

    def _release(self, token):
        entry = self._handles.pop(token, None)
        if entry is not None:  # else the context already freed it
            entry[0](entry[1])

    # options
    @staticmethod
    def _option(name):
        try:
            return _OPTIONS[name]
        except KeyError:
            raise ValueError("unknown option %r (known: %s)" % (name, ", ".join(_OPTIONS)))

    def set_option(self, name, value):
        """Set an option by name ('seed', 'trials', 'threads', 'max_memory',
        'block_size' or 'coverage'). Raises ShipestError (ERANGE) when the
        value is out of bounds; the option is then unchanged."""
        key, kind = self._option(name)
        ptr = self._live()
        if kind is int:
            if isinstance(value, bool) or value != int(value):
                raise TypeError("option %r needs an integer, not %r" % (name, value))
            _check_ctx(ptr, _lib.shipest_ctx_set_int(ptr, key, int(value)))
        else:
            _check_ctx(ptr, _lib.shipest_ctx_set_double(ptr, key, float(value)))

    def get_option(self, name):
        """The current value of an option (see set_option)."""
        key, kind = self._option(name)
        ptr = self._live()
        if kind is int:
            v = _i64()
            _check_ctx(ptr, _lib.shipest_ctx_get_int(ptr, key, ctypes.byref(v)))
        else:
            v = _dbl()
            _check_ctx(ptr, _lib.shipest_ctx_get_double(ptr, key, ctypes.byref(v)))
        return v.value

    seed = property(lambda self: self.get_option("seed"),
                    lambda self, v: self.set_option("seed", v), doc="Seed of the random streams.")
    trials = property(lambda self: self.get_option("trials"),
                      lambda self, v: self.set_option("trials", v), doc="Trials per run.")
    threads = property(lambda self: self.get_option("threads"),
                       lambda self, v: self.set_option("threads", v), doc="Worker threads.")

    def set_progress(self, fn):
        """Call fn(fraction) during long runs, on this thread; a true return
        value cancels the run, which then raises ShipestError(ECANCELLED).
        An exception raised by fn also cancels the run and is re-raised by
        the run call. None removes the callback."""
        ptr = self._live()
        if fn is None:
            _check_ctx(ptr, _lib.shipest_ctx_set_progress(ptr, _progress_fn(), None))
            self._progress = None
            return

        ctx_ref = weakref.ref(self)  # no reference cycle through the callback

        def trampoline(_user, fraction):
            try:
                return 1 if fn(fraction) else 0
            except BaseException as e:  # cancel; re-raised after the call
                ctx = ctx_ref()
                if ctx is not None:
                    ctx._callback_error = e
                return 1

        cb = _progress_fn(trampoline)
        _check_ctx(ptr, _lib.shipest_ctx_set_progress(ptr, cb, None))
        self._progress = cb

    def _call(self, status):
        """Check a status of a call on this context, re-raising a callback's exception."""
        err, self._callback_error = self._callback_error, None
        if err is not None:
            raise err
        _check_ctx(self._ptr, status)

    # tables
    def load_table(self, path):
        """Add a table file (docs/tables.md) to the context's tables. All or
        nothing: on error (message ``PATH:LINE:COL: ...``) nothing changes."""
        _need(_HAVE_TABLES, "shipest_ctx_load_table_file")
        ptr = self._live()
        _check_ctx(ptr, _lib.shipest_ctx_load_table_file(ptr, os.fsencode(path)))

    def load_table_string(self, text, name=None):
        """Add a table given as text; `name` is used in messages."""
        _need(_HAVE_TABLES, "shipest_ctx_load_table_string")
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        ptr = self._live()
        _check_ctx(ptr, _lib.shipest_ctx_load_table_string(
            ptr, data, len(data), name.encode("utf-8") if name is not None else None))

    # claims
    def claim(self, text, share=False, require_unit=False):
        """The distribution a hedged claim becomes under the default policy,
        e.g. ``ctx.claim("more than 28,000 containers")``.

        Returns a dict: claim, unit, explanation, distribution (as model
        text), mean (None where it does not exist), p05, p50, p95 (in the
        unit as written; a share as a fraction). share=True: the claim must
        be a share and is bounded by 100%; require_unit=True: a claim
        without a unit is an error."""
        _need(_HAVE_CLAIMS, "shipest_claim_parse")
        data = text.encode("utf-8")
        flags = (1 if share else 0) | (2 if require_unit else 0)
        ptr = self._live()
        usize, esize = 128, 1024
        while True:
            dist = _dist_p()
            unit = ctypes.create_string_buffer(usize)
            explain = ctypes.create_string_buffer(esize)
            ulen, elen = _sz(), _sz()
            _check_ctx(ptr, _lib.shipest_claim_parse(
                ptr, None, data, len(data), flags, ctypes.byref(dist), unit, usize,
                ctypes.byref(ulen), explain, esize, ctypes.byref(elen)))
            try:
                if ulen.value < usize and elen.value < esize:
                    info = {"claim": text, "unit": _text(unit.value),
                            "explanation": _text(explain.value)}
                    info.update(_dist_info(dist))
                    return info
            finally:
                _lib.shipest_dist_free(dist)
            usize, esize = ulen.value + 1, elen.value + 1  # truncated: again, with room

    # models
    def parse(self, text):
        """Build a Model from model text (str or UTF-8 bytes).

        Raises ShipestError with status EPARSE, ENAME, EUNIT, ... and a
        message starting ``<string>:LINE:COL:``."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        ptr = self._live()
        out = _model_p()
        _check_ctx(ptr, _lib.shipest_model_parse(ptr, data, len(data), ctypes.byref(out)))
        return Model(self, out)

    def parse_file(self, path):
        """Build a Model from a model file (EIO when it cannot be read)."""
        ptr = self._live()
        out = _model_p()
        _check_ctx(ptr, _lib.shipest_model_parse_file(ptr, os.fsencode(path), ctypes.byref(out)))
        return Model(self, out)

    # conversions
    _QUANTITY = re.compile(r"^\s*([-+]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?)\s+(\S.*?)\s*$")

    def convert(self, quantity, unit, via=None):
        """Convert a quantity such as ``'6,700 container'`` to `unit` through
        the context's tables; returns a Conversion (close it, or use with).

        Raises NotImplementedError when the linked library lacks the
        conversion API, ValueError for text that is not 'NUMBER UNIT'."""
        _need(_HAVE_CONVERT, "shipest_convert_number")
        m = self._QUANTITY.match(quantity)
        if m is None:
            raise ValueError("expected 'NUMBER UNIT', e.g. '6,700 container', not %r" % quantity)
        value = float(m.group(1).replace(",", ""))
        ptr = self._live()
        out = _conv_p()
        _check_ctx(ptr, _lib.shipest_convert_number(
            ptr, value, m.group(2).encode(), unit.encode(),
            via.encode() if via is not None else None, ctypes.byref(out)))
        return Conversion(self, out, unit)


# ---- Model --------------------------------------------------------------------------

class Model(_Child):
    """A built, immutable model. Made by Context.parse() / parse_file().

    It keeps its Context alive; closing the Context closes it."""

    _free_fn = _lib.shipest_model_free

    def _describe(self):
        return "outputs=%s" % ",".join(self.outputs())

    @property
    def context(self):
        """The Context the model was built on."""
        return self._ctx

    def names(self):
        """Names of the named nodes, in model order: statements, inputs
        (including those the parser names after their statement, such as
        ``per_year#1``) and table factors."""
        ptr = self._live()
        out = []
        for i in range(_lib.shipest_model_node_count(ptr)):
            name = _snprintf(_lib.shipest_model_node_name, ptr, i)
            if name:
                out.append(name)
        return out

    def outputs(self):
        """Names of the nodes marked as outputs, in model order."""
        ptr = self._live()
        return [_snprintf(_lib.shipest_model_node_name, ptr, i)
                for i in range(_lib.shipest_model_node_count(ptr))
                if _lib.shipest_model_node_is_output(ptr, i)]

    def unit(self, name):
        """The display unit of the named node (checked when the model was built)."""
        ptr = self._live()
        node = ctypes.c_int32()
        _check(_lib.shipest_model_find(ptr, name.encode("utf-8"), ctypes.byref(node)),
               "no node is named %r" % name)
        return _snprintf(_lib.shipest_model_node_unit, ptr, node.value)

    def _run(self, fn, *args):
        ctx = self._ctx
        cptr = ctx._live()
        out = _result_p()
        status = fn(cptr, self._live(), *args, ctypes.byref(out))
        ctx._call(status)
        return Result(ctx, out, self)

    def run(self):
        """Run the context's `trials` trials (0, 1, ...); returns a Result."""
        return self._run(_lib.shipest_model_run)

    def run_range(self, first, n, lhs=False):
        """Run trials [first, first + n). Results of disjoint ranges merge
        exactly (see merge()). lhs: Latin hypercube sampling."""
        return self._run(_lib.shipest_model_run_range, int(first), int(n),
                         _RUN_LHS if lhs else 0)

    def run_adaptive(self, digits, max_trials, lhs=False):
        """Run until every output is known to `digits` significant digits
        (JCGM 101 7.9) or `max_trials`; see Result.stop_reason."""
        return self._run(_lib.shipest_model_run_adaptive, int(digits), int(max_trials),
                         _RUN_LHS if lhs else 0)


# ---- Result -------------------------------------------------------------------------

class Result(_Child):
    """What a run produced. Outputs are addressed by name.

    It keeps its Context alive; closing the Context closes it."""

    _free_fn = _lib.shipest_result_free

    def __init__(self, ctx, ptr, model=None):
        super().__init__(ctx, ptr)
        self._model = model  # for reports; a Result never frees it

    def _describe(self):
        return "trials=%d outputs=%s" % (self.trials, ",".join(self.outputs))

    def _index(self, name):
        ptr = self._live()
        i = _sz()
        _check(_lib.shipest_result_output_index(ptr, name.encode("utf-8"), ctypes.byref(i)),
               "no output is named %r (outputs: %s)" % (name, ", ".join(self.outputs)))
        return ptr, i.value

    def _get(self, fn, name, *args):
        ptr, i = self._index(name)
        v = _dbl()
        _check(fn(ptr, i, *args, ctypes.byref(v)),
               "%s(%r%s)" % (fn.__name__, name, "".join(", %r" % (a,) for a in args)))
        return v.value

    @property
    def outputs(self):
        """Output names, in model order (a list)."""
        ptr = self._live()
        return [_text(_lib.shipest_result_output_name(ptr, i))
                for i in range(_lib.shipest_result_output_count(ptr))]

    @property
    def trials(self):
        """Trials the result covers."""
        return _lib.shipest_result_trials(self._live())

    @property
    def stop_reason(self):
        """'fixed', 'stable', 'cap' or 'merged'."""
        return _STOP_REASONS.get(_lib.shipest_result_stop_reason(self._live()), "unknown")

    @property
    def is_sketched(self):
        """True when samples were streamed into quantile sketches (not kept)."""
        return bool(_lib.shipest_result_is_sketched(self._live()))

    def unit(self, name):
        """The display unit of an output ('' or '1' when dimensionless)."""
        ptr, i = self._index(name)
        return _text(_lib.shipest_result_output_unit(ptr, i))

    def mean(self, name):
        """Mean of the output's finite values."""
        return self._get(_lib.shipest_result_mean, name)

    def sd(self, name):
        """Standard deviation (divisor n - 1)."""
        return self._get(_lib.shipest_result_sd, name)

    def quantile(self, name, p):
        """Quantile at probability p in [0, 1] (Hyndman-Fan type 7)."""
        return self._get(_lib.shipest_result_quantile, name, float(p))

    def interval(self, name, coverage=0.9, kind="symmetric"):
        """Coverage interval (lo, hi) by JCGM 101 7.7 (order statistics of
        the kept samples); kind 'symmetric' or 'shortest'."""
        ptr, i = self._index(name)
        lo, hi = _dbl(), _dbl()
        _check(_lib.shipest_result_interval(ptr, i, _INTERVALS[kind], float(coverage),
                                            ctypes.byref(lo), ctypes.byref(hi)),
               "interval(%r, %r, %r)" % (name, coverage, kind))
        return (lo.value, hi.value)

    def _prob(self, fn, name, t):
        ptr, i = self._index(name)
        p, se = _dbl(), _dbl()
        _check(fn(ptr, i, float(t), ctypes.byref(p), ctypes.byref(se)),
               "%s(%r, %r)" % (fn.__name__, name, t))
        return (p.value, se.value)

    def prob_above(self, name, t):
        """(P(output > t), its Monte Carlo standard error); t in the output's unit."""
        return self._prob(_lib.shipest_result_prob_above, name, t)

    def prob_below(self, name, t):
        """(P(output < t), its Monte Carlo standard error)."""
        return self._prob(_lib.shipest_result_prob_below, name, t)

    def counts(self, name):
        """(finite, nonfinite): trials with a finite value, and without."""
        ptr, i = self._index(name)
        fin, bad = _u64(), _u64()
        _check(_lib.shipest_result_count(ptr, i, ctypes.byref(fin), ctypes.byref(bad)),
               "counts(%r)" % name)
        return (fin.value, bad.value)

    def histogram(self, name, lo, hi, nbins):
        """Counts of `nbins` equal bins over [lo, hi] (a list of ints)."""
        ptr, i = self._index(name)
        counts = (_u64 * nbins)()
        _check(_lib.shipest_result_histogram(ptr, i, float(lo), float(hi), nbins, counts),
               "histogram(%r, %r, %r, %r)" % (name, lo, hi, nbins))
        return list(counts)

    def dependencies(self, name):
        """Inputs and table factors the output depends on, in model order:
        a list of dicts {name, source, is_factor}."""
        ptr, i = self._index(name)
        out = []
        for k in range(_lib.shipest_result_dependency_count(ptr, i)):
            is_factor, dname, source = ctypes.c_int(), _str(), _str()
            _check(_lib.shipest_result_dependency(ptr, i, k, ctypes.byref(is_factor),
                                                  ctypes.byref(dname), ctypes.byref(source)),
                   "dependency(%r, %d)" % (name, k))
            out.append({"name": _text(dname.value), "source": _text(source.value) or "",
                        "is_factor": bool(is_factor.value)})
        return out

    def sensitivity(self, name):
        """Sensitivity entries, largest share first: a list of dicts
        {input, share, rho} (share of variance by squared rank correlation)."""
        ptr, i = self._index(name)
        out = []
        for k in range(_lib.shipest_result_sensitivity_count(ptr, i)):
            sname, share, rho = _str(), _dbl(), _dbl()
            _check(_lib.shipest_result_sensitivity(ptr, i, k, ctypes.byref(sname),
                                                   ctypes.byref(share), ctypes.byref(rho)),
                   "sensitivity(%r, %d)" % (name, k))
            out.append({"input": _text(sname.value), "share": share.value, "rho": rho.value})
        return out

    def summary(self, name):
        """Everything about one output, as a dict: name, unit, trials, finite,
        nonfinite, mean, sd, se_mean, p05, p50, p95, interval90 (p05, p95:
        the same numbers as the JSON report; interval() gives the JCGM 101
        order-statistic intervals),
        sensitivity (list of {input, share, rho}), factors (table factors
        used: list of {name, source}), inputs (list of {name, source})."""
        ptr, i = self._index(name)
        fin, bad = self.counts(name)
        deps = self.dependencies(name)
        p05, p95 = self.quantile(name, 0.05), self.quantile(name, 0.95)
        return {
            "name": name,
            "unit": _text(_lib.shipest_result_output_unit(ptr, i)),
            "trials": self.trials,
            "finite": fin,
            "nonfinite": bad,
            "mean": self.mean(name),
            "sd": self.sd(name),
            "se_mean": self._get(_lib.shipest_result_mc_se_mean, name),
            "p05": p05,
            "p50": self.quantile(name, 0.5),
            "p95": p95,
            "interval90": (p05, p95),
            "sensitivity": self.sensitivity(name),
            "factors": [{"name": d["name"], "source": d["source"]} for d in deps if d["is_factor"]],
            "inputs": [{"name": d["name"], "source": d["source"]} for d in deps
                       if not d["is_factor"]],
        }

    def samples(self, name, offset=0, n=None):
        """Kept samples of an output in trial order, as array('d').

        Raises ShipestError(EUNSUPPORTED) when the result is sketched."""
        ptr, i = self._index(name)
        if n is None:
            n = max(self.trials - offset, 0)
        out = array.array("d", bytes(8 * n))
        if n:
            addr = out.buffer_info()[0]
            _check(_lib.shipest_result_samples(ptr, i, offset, n,
                                               ctypes.cast(addr, _P(_dbl))),
                   "samples(%r, offset=%d, n=%d)" % (name, offset, n))
        return out

    def merge(self, other):
        """A new Result: this one merged with `other`, a run of the same
        model, seed and flags over a disjoint trial range. Exact: equal to
        one run over the union. Allocated from this result's context."""
        ctx = self._ctx
        cptr = ctx._live()
        out = _result_p()
        _check_ctx(cptr, _lib.shipest_result_merge(cptr, self._live(), other._live(),
                                                   ctypes.byref(out)))
        return Result(ctx, out, self._model)

    def to_bytes(self):
        """The result as a byte image (bytes; docs/serialization.md) that
        Result.from_bytes() reads back, here or in another process, into a
        result every accessor and merge() cannot tell from this one."""
        _need(_HAVE_SERIALIZE, "shipest_result_serialize")
        ptr = self._live()
        n = _sz()
        _check(_lib.shipest_result_serialize(ptr, None, 0, ctypes.byref(n)), "to_bytes()")
        buf = ctypes.create_string_buffer(max(n.value, 1))
        _check(_lib.shipest_result_serialize(ptr, buf, n.value, ctypes.byref(n)), "to_bytes()")
        return buf.raw[:n.value]

    @classmethod
    def from_bytes(cls, model, data):
        """A new Result read from `data` (bytes from to_bytes()) for `model`,
        the model it was run from (the same model text parsed anywhere);
        allocated from the model's context. Raises ShipestError for an
        image of another model (EINVAL), a corrupt or truncated one (EPARSE,
        the message gives the byte offset) or a newer format (EUNSUPPORTED)."""
        _need(_HAVE_SERIALIZE, "shipest_result_deserialize")
        data = bytes(data)
        ctx = model._ctx
        cptr = ctx._live()
        out = _result_p()
        ctx._call(_lib.shipest_result_deserialize(cptr, model._live(), data, len(data),
                                                  ctypes.byref(out)))
        return cls(ctx, out, model)

    _FORMATS = {"text": 0, "json": 1, "csv": 2, "samples_csv": 3, "svg": 4}

    def report(self, format="text"):
        """The library's report of this result as a str: 'text', 'json'
        (the stable schema of docs/cli.md), 'csv', 'samples_csv' or 'svg'.
        The model the result was run from adds factor distributions and
        load-plan detail while it is open."""
        _need(_HAVE_REPORTS, "shipest_report_write")
        try:
            fmt = self._FORMATS[format]
        except KeyError:
            raise ValueError("unknown report format %r (known: %s)"
                             % (format, ", ".join(self._FORMATS)))
        ctx = self._ctx
        cptr, ptr = ctx._live(), self._live()
        model = self._model._ptr if self._model is not None and not self._model.closed else None
        needed = _sz()
        _check_ctx(cptr, _lib.shipest_report_write(cptr, ptr, model, fmt, None, 0,
                                                   ctypes.byref(needed)))
        buf = ctypes.create_string_buffer(needed.value + 1)
        _check_ctx(cptr, _lib.shipest_report_write(cptr, ptr, model, fmt, buf,
                                                   needed.value + 1, ctypes.byref(needed)))
        return buf.raw[:needed.value].decode("utf-8")

    def to_json(self):
        """The JSON report parsed into Python objects (dicts and lists)."""
        return json.loads(self.report("json"))


def merge(*results):
    """Merge two or more results of disjoint trial ranges of one model and
    seed (in any order) into a new Result, allocated from the first one's
    context. Intermediate merges are freed."""
    if len(results) < 2:
        raise ValueError("merge needs at least two results")
    acc = results[0].merge(results[1])
    for r in results[2:]:
        nxt = acc.merge(r)
        acc.close()
        acc = nxt
    return acc


# ---- Conversion ----------------------------------------------------------------------

class Conversion(_Child):
    """A single conversion through the tables (Context.convert()).

    Attributes are read from the C object: scale, steps, factors, mean,
    quantile(p)."""

    _free_fn = _lib.shipest_conversion_free if _HAVE_CONVERT else None

    def __init__(self, ctx, ptr, unit):
        super().__init__(ctx, ptr)
        self.unit = unit

    @property
    def scale(self):
        """The exact part of the conversion (from-unit scale / to-unit scale)."""
        return _lib.shipest_conversion_scale(self._live())

    @property
    def steps(self):
        """Route steps: a list of dicts {name, exponent, load_plan}."""
        ptr = self._live()
        out = []
        for i in range(_lib.shipest_conversion_step_count(ptr)):
            name, exp, plan = _str(), ctypes.c_int(), ctypes.c_int()
            _check(_lib.shipest_conversion_step(ptr, i, ctypes.byref(name), ctypes.byref(exp),
                                                ctypes.byref(plan)), "step %d" % i)
            out.append({"name": _text(name.value), "exponent": exp.value,
                        "load_plan": bool(plan.value)})
        return out

    @property
    def factors(self):
        """Factors used: a list of dicts {name, dist, source, date, confidence}."""
        ptr = self._live()
        fields = (("name", _FIELD_NAME), ("dist", _FIELD_DIST), ("source", _FIELD_SOURCE),
                  ("date", _FIELD_DATE), ("confidence", _FIELD_CONFIDENCE))
        out = []
        for i in range(_lib.shipest_conversion_factor_count(ptr)):
            entry = {}
            for key, field in fields:
                v = _str()
                _check(_lib.shipest_conversion_factor(ptr, i, field, ctypes.byref(v)),
                       "factor %d" % i)
                entry[key] = _text(v.value) or ""
            out.append(entry)
        return out

    @property
    def summary(self):
        """The converted quantity: dict of mean, p05, p50, p95, in the
        target unit (the distribution itself is empirical over the
        conversion's Monte Carlo trials)."""
        return _dist_info(_lib.shipest_conversion_dist(self._live()), describe=False)

    @property
    def mean(self):
        """Mean of the converted quantity, in the target unit."""
        v = _dbl()
        _check(_lib.shipest_dist_mean(_lib.shipest_conversion_dist(self._live()),
                                      ctypes.byref(v)), "conversion mean")
        return v.value

    def quantile(self, p):
        """Quantile of the converted quantity at probability p."""
        v = _dbl()
        _check(_lib.shipest_dist_quantile(_lib.shipest_conversion_dist(self._live()), float(p),
                                          ctypes.byref(v)), "conversion quantile(%r)" % p)
        return v.value
