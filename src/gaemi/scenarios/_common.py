"""Shared validation and block helpers for the scenario generators (internal)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gaemi.errors import ConfigError
from gaemi.rng import PATH_BLOCK, blocks_for


def positive_int(value, field: str) -> int:
    """``value`` as an int > 0, else ConfigError naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ConfigError(field, value, "a whole number > 0")
    return int(value)


def check_range(path_start, path_stop, n_paths: int) -> tuple[int, int]:
    """Validate a ``block(path_start, path_stop)`` request."""
    if (isinstance(path_start, bool) or isinstance(path_stop, bool)
            or not isinstance(path_start, (int, np.integer)) or not isinstance(path_stop, (int, np.integer))
            or not 0 <= path_start < path_stop <= n_paths):
        raise ConfigError("paths", (path_start, path_stop), f"0 <= path_start < path_stop <= {n_paths}")
    return int(path_start), int(path_stop)


def readonly(a: np.ndarray) -> np.ndarray:
    """A read-only view: the table handed to the engine cannot write back into its source."""
    v = np.asarray(a).view()
    v.flags.writeable = False
    return v


def by_path_block(path_start: int, path_stop: int,
                  make: Callable[[int], tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """Rows of paths ``[path_start, path_stop)`` from whole path blocks.

    ``make(b)`` returns arrays whose first axis holds the ``PATH_BLOCK`` paths of block ``b``,
    always computed for the whole block from the block's own random stream, so a path's
    numbers never depend on how the caller chunks (rng.py, habit 3).
    """
    parts = [make(b) for b in blocks_for(path_start, path_stop)]
    first = (path_start // PATH_BLOCK) * PATH_BLOCK
    lo, hi = path_start - first, path_stop - first
    out = []
    for k in range(len(parts[0])):
        arr = parts[0][k] if len(parts) == 1 else np.concatenate([p[k] for p in parts], axis=0)
        out.append(arr[lo:hi])
    return tuple(out)
