"""The colony: a stress test of Korea's retail investors (issue 17).

A synthetic population calibrated to published aggregates (:mod:`gaemi.colony.calibration`,
:mod:`gaemi.colony.buckets`, :mod:`gaemi.colony.population`), hit by a shock whose margin calls,
forced sales, voluntary deleveraging and dip-buying feed back into prices through an impact law.
"""
