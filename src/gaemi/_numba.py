"""numba, with a switch: GAEMI_DISABLE_JIT=1 runs every kernel as plain Python.

(The same pattern as arch's ``arch/compat/numba.py``.) Kernels are cached on disk
so the compile cost is paid once per machine and version of gaemi's sources: numba checks a
cached function only against its own file, yet the cached code contains the callees it
inlined from other files, so gaemi keeps its cache in a directory named after a hash of the
sources compiled code is made from (:func:`kernel_sources`, :func:`_cache_per_source_version`;
unless ``NUMBA_CACHE_DIR`` is set), and serialises numba's cache-index updates across processes
(:func:`_serialise_cache_files`).

``njit_noalias`` compiles a function whose array arguments are promised not to overlap in
memory (LLVM ``noalias`` on every pointer argument, as numba itself does for the bodies of
``prange`` loops it has proven alias-free). With that promise LLVM can vectorise loops that
gather from one array and write to another; without it, it must assume any store may change
any table and keeps such loops scalar. Callers must never pass two views of the same memory.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

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


_JIT_MARKS = ("njit", "@jit", "jit(", "intrinsic", "overload", "vectorize", "cfunc")  # (substrings: fast)


def _module_file(package: Path, dotted: str) -> Path | None:
    """The file of gaemi module ``dotted`` (``gaemi.engine.layout``), or None if not gaemi's."""
    parts = dotted.split(".")
    if parts[0] != package.name:
        return None
    base = package.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)


def _gaemi_imports(path: Path, package: Path) -> set[Path]:
    """The gaemi files that ``path`` imports (absolute or relative, at any level of the file;
    read with regular expressions: ``ast.parse`` of the kernels takes ~0.1 s, too long for every
    start)."""
    text = path.read_text(encoding="utf-8")
    here = path.relative_to(package.parent).with_suffix("").parts
    pkg = list(here[:-1])  # the package a relative import starts from (also for an __init__)
    dotted: list[str] = []
    for m in _IMPORT.finditer(text):
        dotted += [n.split(" as ")[0].strip() for n in m.group(1).split(",")]
    for m in _FROM_IMPORT.finditer(text):
        module = m.group(1)
        level = len(module) - len(module.lstrip("."))
        if level:
            stem = pkg[:len(pkg) - (level - 1)]
            module = ".".join(stem + ([module.lstrip(".")] if module.lstrip(".") else []))
        names = m.group(2).strip("()").replace("\\", " ")
        dotted.append(module)
        for n in names.split(","):
            n = n.split("#")[0].split(" as ")[0].strip()
            if n:
                dotted.append(f"{module}.{n}")
    return {f for f in map(lambda d: _module_file(package, d), dotted) if f is not None}


def kernel_sources(package: Path | None = None) -> list[Path]:
    """gaemi's files whose contents can end up in compiled code: every module that defines a
    numba function (``njit``, an ``intrinsic``, ...), and every gaemi module those import,
    transitively (their constants and functions are frozen into the machine code). The CLI, the
    reports, the web app, the config models... are not among them, so editing those does not
    invalidate the compiled kernels."""
    package = package or Path(__file__).resolve().parent
    todo = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_bytes().decode("utf-8", "replace")
        if any(mark in text for mark in _JIT_MARKS):
            todo.append(path)
    seen: set[Path] = set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(_gaemi_imports(p, package) - seen)
    return sorted(seen)


def kernel_source_digest(package: Path | None = None) -> str:
    """A hash of :func:`kernel_sources` (their paths and bytes): the name of the cache directory."""
    import hashlib

    package = package or Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for path in kernel_sources(package):
        digest.update(str(path.relative_to(package).as_posix()).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_per_source_version() -> None:
    """Point ``NUMBA_CACHE_DIR`` at ``<user cache>/gaemi/numba-<hash of the kernels' sources>``
    unless the user has set it. numba invalidates a cached function when its own source file
    changes, not when a function it calls (and inlined) from another module does: after an
    edit or an update of, say, ``variates.py`` alone, the cached ``parametric_kernel`` code
    would keep the old sampler. A directory per version of the sources that compiled code is
    made from (:func:`kernel_sources`: the modules with numba functions and what they import)
    rules that out, while an edit of the CLI or the reports keeps the compiled kernels; ones
    unused for a week are removed (best effort). Hashing the files takes a few milliseconds."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    import shutil
    import time

    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gaemi"
    target = root / f"numba-{kernel_source_digest()}"
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


def _serialise_cache_files() -> None:
    """Make numba's cache index safe when several processes compile at once (a background
    ``gaemi warmup`` beside the command the user runs, dask workers, two terminals).

    numba saves a new compiled variant by reading the function's index file, adding an entry
    that names a fresh data file (``<function>.<n>.nbc``, the first number not in the index) and
    writing index and data back. Two processes compiling *different* variants of one function
    at the same time both read the same index, both pick the same data file, and the last
    writer wins: the index can then name, for one variant, the machine code of the other.
    Here each index's read-modify-write (and each read of index plus data) holds an exclusive
    (shared) ``flock`` on a lock file in that cache folder, so the steps of two processes never
    interleave. Only folders under ``NUMBA_CACHE_DIR`` are locked; no-op without ``fcntl``."""
    try:
        import fcntl
        from numba.core import caching
    except ImportError:  # pragma: no cover - Windows: numba's own behaviour
        return
    cls = caching.IndexDataCacheFile
    if getattr(cls, "_gaemi_serialised", False):
        return
    save, load = cls.save, cls.load
    global _numba_cache_save, _numba_cache_load
    _numba_cache_save, _numba_cache_load = save, load  # numba's own (the tests race them)

    @contextlib.contextmanager
    def locked(cache_path: str, how: int):
        root = os.environ.get("NUMBA_CACHE_DIR")
        fd = -1
        if root and os.path.abspath(cache_path).startswith(os.path.abspath(root)):
            try:
                fd = os.open(os.path.join(cache_path, ".gaemi-index.lock"), os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(fd, how)
            except OSError:  # no folder yet, read-only cache: as numba does without the lock
                if fd >= 0:
                    os.close(fd)
                fd = -1
        try:
            yield
        finally:
            if fd >= 0:
                os.close(fd)  # (releases the lock)

    def locked_save(self, key, data):
        with locked(self._cache_path, fcntl.LOCK_EX):
            return save(self, key, data)

    def locked_load(self, key):
        with locked(self._cache_path, fcntl.LOCK_SH):
            return load(self, key)

    cls.save, cls.load = locked_save, locked_load
    cls._gaemi_serialised = True


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
    _serialise_cache_files()
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

