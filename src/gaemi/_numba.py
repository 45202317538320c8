"""numba, with a switch: GAEMI_DISABLE_JIT=1 runs every kernel as plain Python.

(The same pattern as arch's ``arch/compat/numba.py``.) Kernels are cached on disk
so the compile cost is paid once per machine and version of gaemi's sources: numba checks a
cached function only against its own file, yet the cached code contains the callees it
inlined from other files, so gaemi keeps its cache in a directory named after a hash of all
its sources (:func:`_cache_per_source_version`; unless ``NUMBA_CACHE_DIR`` is set).

``njit_noalias`` compiles a function whose array arguments are promised not to overlap in
memory (LLVM ``noalias`` on every pointer argument, as numba itself does for the bodies of
``prange`` loops it has proven alias-free). With that promise LLVM can vectorise loops that
gather from one array and write to another; without it, it must assume any store may change
any table and keeps such loops scalar. Callers must never pass two views of the same memory.
"""

from __future__ import annotations

import os

import numpy as np

DISABLE_JIT = os.environ.get("GAEMI_DISABLE_JIT", "0") not in ("", "0", "false", "False")


def _allow_512_bit_vectors() -> None:
    """Let LLVM use full 512-bit vectors on AVX-512 machines.

    LLVM's tuning for Intel server cores prefers 256-bit vectors (``prefer-256-bit``, a guard
    against the clock slow-down of early AVX-512 parts). The engine's day steps are gathers and
    simple arithmetic over 64-path groups, which run ~25 % faster with 8-wide vectors on this
    project's benchmark machine (docs/BENCHMARKS.md). This sets ``NUMBA_CPU_FEATURES`` to the
    host's own features minus that preference, only if the user has not set it and
    ``GAEMI_PREFER_256_BIT`` is not set; it takes effect if numba has not compiled anything yet
    in this process. Numerical results do not change (same IEEE operations, no fast-math).
    """
    if "NUMBA_CPU_FEATURES" in os.environ or os.environ.get("GAEMI_PREFER_256_BIT"):
        return
    try:
        from numba.core.codegen import get_host_cpu_features

        features = get_host_cpu_features()
    except Exception:  # pragma: no cover - numba internals moved: keep numba's default
        return
    if "+avx512f" in features:
        os.environ["NUMBA_CPU_FEATURES"] = features + ",-prefer-256-bit"
        from numba.core import config

        config.reload_config()


def _cache_per_source_version() -> None:
    """Point ``NUMBA_CACHE_DIR`` at ``<user cache>/gaemi/numba-<hash of gaemi's .py files>``
    unless the user has set it. numba invalidates a cached function when its own source file
    changes, not when a function it calls (and inlined) from another module does: after an
    edit or an update of, say, ``variates.py`` alone, the cached ``parametric_kernel`` code
    would keep the old sampler. A directory per version of the sources rules that out; ones
    unused for a week are removed (best effort). Hashing the ~60 source files takes a few milliseconds."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    import hashlib
    import shutil
    import time
    from pathlib import Path

    package = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gaemi"
    target = root / f"numba-{digest.hexdigest()[:16]}"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:  # pragma: no cover - no writable cache home: numba's own default
        return
    stale = time.time() - 7 * 86400  # another checkout may still be using a recent one
    for old in root.glob("numba-*"):
        try:
            if old != target and old.stat().st_mtime < stale:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:  # pragma: no cover - removed meanwhile
            pass
    os.utime(target)
    os.environ["NUMBA_CACHE_DIR"] = str(target)


if DISABLE_JIT:  # pragma: no cover - exercised by an env-var test run
    def njit(*args, **kwargs):
        if args and callable(args[0]):
            return args[0]
        return lambda f: f

    njit_noalias = njit
    prange = range
else:
    _cache_per_source_version()
    _allow_512_bit_vectors()
    from numba.core import config as _config

    _config.reload_config()  # (the cache directory and CPU features set above)
    from numba import njit, prange  # noqa: F401
    from numba.core.compiler import Compiler

    class _NoAliasCompiler(Compiler):
        """numba's default pipeline with the ``noalias`` flag set on the function's arguments."""

        def define_pipelines(self):
            self.state.flags.noalias = True
            return super().define_pipelines()

    def njit_noalias(*args, **kwargs):
        kwargs.setdefault("pipeline_class", _NoAliasCompiler)
        return njit(*args, **kwargs)


# Bit casts between float64 and int64 (the same 64 bits read as the other type): free in
# machine code and vectorisable, which lets compiled kernels take a double's exponent apart
# (see ``gaemi.scenarios.variates.log``). numba has no scalar ``view``; these are the one-line
# LLVM ``bitcast`` as numba intrinsics.
if DISABLE_JIT:  # pragma: no cover - exercised by an env-var test run
    import numpy as _np

    def float_bits(x):
        return _np.float64(x).view(_np.int64)

    def bits_float(i):
        return _np.int64(i).view(_np.float64)

    def lowest_bit(mask):
        m = int(mask)
        return (m & -m).bit_length() - 1 if m else 64

    def fma(a, b, c):
        from fractions import Fraction

        return float(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))  # rounded once, as fma
else:
    from llvmlite import ir as _ir
    from numba.core import types as _types
    from numba.core.extending import intrinsic as _intrinsic

    @_intrinsic
    def float_bits(typingctx, x):
        """The bits of a float64 as an int64."""
        if x != _types.float64:
            return None

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], _ir.IntType(64))

        return _types.int64(_types.float64), codegen

    @_intrinsic
    def bits_float(typingctx, i):
        """An int64's bits as a float64."""
        if i != _types.int64:
            return None

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], _ir.DoubleType())

        return _types.float64(_types.int64), codegen

    @_intrinsic
    def fma(typingctx, a, b, c):
        """``a * b + c`` rounded once (IEEE fused multiply-add, LLVM ``llvm.fma``): one instruction
        on machines with FMA, in scalar and in vector code alike, so a polynomial written with it
        gives the same bits in a per-path loop and in a lock-step (SIMD) loop. (numba does not
        contract ``a * b + c`` by itself: that would need fast-math flags.)"""
        if not (a == b == c == _types.float64):
            return None

        def codegen(context, builder, signature, args):
            return builder.fma(args[0], args[1], args[2])

        return _types.float64(_types.float64, _types.float64, _types.float64), codegen

    @_intrinsic
    def lowest_bit(typingctx, mask):
        """The index of the lowest set bit of a uint64 (64 when none): LLVM ``cttz``, one
        instruction. Walks a 64-lane mask: ``while m: l = lowest_bit(m); m &= m - 1``."""
        if mask != _types.uint64:
            return None

        def codegen(context, builder, signature, args):
            return builder.cttz(args[0], _ir.Constant(_ir.IntType(1), 0))

        return _types.uint64(_types.uint64), codegen


CACHE_LINE = 64  # bytes: one cache line, one AVX-512 vector


@njit(cache=True)
def aligned_empty(size, dtype):
    """``numpy.empty(size, dtype)`` starting on a 64-byte boundary (a view into a slightly
    larger buffer). numba aligns new arrays to 32 bytes only, so about half of a lock-step
    group's 64-lane arrays would start in the middle of a cache line, and every 8-wide vector
    load or store of them would touch two lines (measured: runs 5-20 % slower, varying from
    run to run with where the allocator put them)."""
    buf = np.empty(size + CACHE_LINE, dtype)
    skip = ((CACHE_LINE - buf.ctypes.data % CACHE_LINE) % CACHE_LINE) // buf.itemsize
    return buf[skip:skip + size]


@njit(cache=True)
def aligned_full(size, value, dtype):
    """:func:`aligned_empty` filled with ``value``."""
    out = aligned_empty(size, dtype)
    out[:] = value
    return out


def engine_cache_is_cold() -> bool:
    """True when the compiled kernels are not on disk yet (the first run compiles them: about a
    minute on 2 cores). Checks ``NUMBA_CACHE_DIR`` for numba's index files."""
    from pathlib import Path

    if DISABLE_JIT:
        return False
    folder = os.environ.get("NUMBA_CACHE_DIR")
    if not folder:
        return False
    try:
        return not any(Path(folder).rglob("*kernels*.nbi"))
    except OSError:  # pragma: no cover
        return False

