"""numba, with a switch: GAEMI_DISABLE_JIT=1 runs every kernel as plain Python.

(The same pattern as arch's ``arch/compat/numba.py``.) Kernels are cached on disk
so the compile cost is paid once per machine.

``njit_noalias`` compiles a function whose array arguments are promised not to overlap in
memory (LLVM ``noalias`` on every pointer argument, as numba itself does for the bodies of
``prange`` loops it has proven alias-free). With that promise LLVM can vectorise loops that
gather from one array and write to another; without it, it must assume any store may change
any table and keeps such loops scalar. Callers must never pass two views of the same memory.
"""

from __future__ import annotations

import os

DISABLE_JIT = os.environ.get("GAEMI_DISABLE_JIT", "0") not in ("", "0", "false", "False")

if DISABLE_JIT:  # pragma: no cover - exercised by an env-var test run
    def njit(*args, **kwargs):
        if args and callable(args[0]):
            return args[0]
        return lambda f: f

    njit_noalias = njit
    prange = range
else:
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
