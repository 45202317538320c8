"""The colony: a stress test of Korea's retail investors (issue 17).

A synthetic population calibrated to published aggregates (:mod:`gaemi.colony.calibration`,
:mod:`gaemi.colony.buckets`, :mod:`gaemi.colony.population`), hit by a shock whose margin calls,
forced sales, voluntary deleveraging and dip-buying feed back into prices through an impact law.
"""

import sys
import types

from gaemi.colony.api import colony  # noqa: E402
from gaemi.colony.result import ColonyResult  # noqa: E402
from gaemi.colony.shock import Shock, make_shock  # noqa: E402

__all__ = ["ColonyResult", "Shock", "colony", "make_shock"]


class _CallableModule(types.ModuleType):
    """``gaemi.colony(...)`` runs :func:`gaemi.colony.colony` (the package stays importable as
    ``gaemi.colony`` with its modules)."""

    def __call__(self, *args, **kwargs) -> "ColonyResult":
        return colony(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
