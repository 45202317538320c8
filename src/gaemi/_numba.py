"""numba, with a switch: GAEMI_DISABLE_JIT=1 runs every kernel as plain Python.

(The same pattern as arch's ``arch/compat/numba.py``.) Kernels are cached on disk
so the compile cost is paid once per machine.
"""

from __future__ import annotations

import os

DISABLE_JIT = os.environ.get("GAEMI_DISABLE_JIT", "0") not in ("", "0", "false", "False")

if DISABLE_JIT:  # pragma: no cover - exercised by an env-var test run
    def njit(*args, **kwargs):
        if args and callable(args[0]):
            return args[0]
        return lambda f: f

    prange = range
else:
    from numba import njit, prange  # noqa: F401
