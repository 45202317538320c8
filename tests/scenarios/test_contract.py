"""The ScenarioSet contract (habit 12), run over every generator.

shape and dtypes; finite; returns > -1; same seed -> same block; another seed -> another
block; a path's numbers do not depend on how paths are chunked nor on n_paths; the input
panel is left untouched.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaemi.scenarios import (
    GarchFHS, Jump, Parametric, ScenarioSet, StationaryBootstrap, get_crash, inject, rolling_windows,
)
from tests.scenarios.helpers import gjr_garch_returns, make_panel

N_PATHS = 1000
N_DAYS = 60

_PANEL = make_panel(gjr_garch_returns(1500, seed=11), assets=("sp500", "btc"), rate_names=("kr_cd91", "us_effr"))


def _panel():
    return _PANEL


def _parametric(seed, n_paths=N_PATHS, dist="t"):
    return Parametric(("sp500", "btc"), n_paths, N_DAYS, seed, annual_drift=[0.07, 0.3], annual_vol=[0.2, 0.8],
                      corr=[[1.0, 0.4], [0.4, 1.0]], dist=dist, df=4, rate={"kr_cd91": 0.03, "us_effr": 0.045},
                      jumps={"btc": Jump(4.0, -0.08, 0.1)}, collapse_hazard={"btc": 0.002})


GENERATORS = {
    "historical": lambda seed, n=N_PATHS: _Truncated(rolling_windows(_panel(), N_DAYS, step=1), n),
    "bootstrap": lambda seed, n=N_PATHS: StationaryBootstrap(_panel(), n, N_DAYS, seed),
    "bootstrap-mb1": lambda seed, n=N_PATHS: StationaryBootstrap(_panel(), n, N_DAYS, seed, mean_block=1),
    "garch": lambda seed, n=N_PATHS: GarchFHS(_panel(), n, N_DAYS, seed),
    "garch-normal": lambda seed, n=N_PATHS: GarchFHS(_panel(), n, N_DAYS, seed, dist="normal", mean="zero"),
    "parametric-t": lambda seed, n=N_PATHS: _parametric(seed, n),
    "parametric-normal": lambda seed, n=N_PATHS: _parametric(seed, n, dist="normal"),
    "crash-on-bootstrap": lambda seed, n=N_PATHS: inject(StationaryBootstrap(_panel(), n, N_DAYS, seed),
                                                         get_crash("covid-2020"), day=5),
    "crash-on-parametric": lambda seed, n=N_PATHS: inject(_parametric(seed, n), "luna-2022",
                                                          asset_map={"btc": "luna"}, others="zero"),
}
SEEDLESS = {"historical"}


class _Truncated:
    """The first n windows of a historical set (to compare with seeded generators at equal size)."""

    def __init__(self, inner, n):
        assert inner.n_paths >= n
        self.inner, self.n_paths = inner, n
        self.underlyings, self.rate_names, self.n_days = inner.underlyings, inner.rate_names, inner.n_days
        self.provenance = inner.provenance

    def block(self, a, b):
        return self.inner.block(a, b)


_CACHE: dict = {}


def _gen(name, seed=1, n=N_PATHS):
    key = (name, seed, n)
    if key not in _CACHE:
        _CACHE[key] = GENERATORS[name](seed, n)
    return _CACHE[key]


def _gathered(b):
    """Per-path (paths, days, ...) views of a block: what the engine reads."""
    return (b.returns[b.index], b.rates[b.index], b.gap_days[b.index],
            np.broadcast_to(b.new_month, b.index.shape))


NAMES = sorted(GENERATORS)


@pytest.mark.parametrize("name", NAMES)
def test_protocol_and_shapes(name):
    s = _gen(name)
    assert isinstance(s, ScenarioSet) or name == "historical"
    assert (s.n_paths, s.n_days) == (N_PATHS, N_DAYS)
    assert s.underlyings == ("sp500", "btc") and s.rate_names == ("kr_cd91", "us_effr")
    assert isinstance(s.provenance, dict) and s.provenance
    json.dumps(s.provenance, allow_nan=False)  # results carry it into strict JSON
    b = s.block(0, 37)
    rows = b.returns.shape[0]
    assert b.path_start == 0
    assert b.index.shape == (37, N_DAYS) and b.index.dtype == np.int64
    assert b.index.min() >= 0 and b.index.max() < rows
    assert b.returns.shape == (rows, 2) and b.returns.dtype == np.float64
    assert b.rates.shape == (rows, 2) and b.gap_days.shape == (rows,)
    assert b.new_month.dtype == np.bool_ and b.new_month.shape[1] == N_DAYS
    assert b.new_month.shape[0] in (1, 37)
    assert not b.new_month[:, 0].any()


@pytest.mark.parametrize("name", NAMES)
def test_pickles_for_workers(name):
    """Chunks go to dask workers: a set must survive pickling and give the same numbers."""
    import pickle

    s = _gen(name)
    again = pickle.loads(pickle.dumps(s))
    for x, y in zip(_gathered(s.block(250, 270)), _gathered(again.block(250, 270))):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in SEEDLESS])
def test_new_month_attribute_matches_blocks(name):
    s = _gen(name)
    np.testing.assert_array_equal(s.new_month, s.block(0, 5).new_month)


@pytest.mark.parametrize("name", NAMES)
def test_finite_and_above_minus_one(name):
    r, rates, gap, _ = _gathered(_gen(name).block(0, N_PATHS))
    assert np.all(np.isfinite(r)) and np.all(np.isfinite(rates)) and np.all(np.isfinite(gap))
    assert np.all(r > -1.0)
    assert np.all(gap > 0)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_block(name):
    a = _gathered(_gen(name).block(100, 400))
    fresh = GENERATORS[name](1, N_PATHS)  # a new object built from the same seed
    b = _gathered(fresh.block(100, 400))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in SEEDLESS])
def test_different_seed_differs(name):
    a = _gathered(_gen(name, seed=1).block(0, 300))[0]
    b = _gathered(_gen(name, seed=2).block(0, 300))[0]
    assert not np.array_equal(a, b)
    # and the paths within one block differ from each other
    assert not np.array_equal(a[0], a[1])


@pytest.mark.parametrize("name", [n for n in NAMES if n not in SEEDLESS])
def test_paths_do_not_depend_on_n_paths(name):
    small = _gathered(_gen(name, n=300).block(0, 300))
    big = _gathered(_gen(name).block(0, 300))
    for x, y in zip(small, big):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", NAMES)
def test_split_at_300(name):
    s = _gen(name)
    whole = _gathered(s.block(0, 1000))
    head, tail = _gathered(s.block(0, 300)), _gathered(s.block(300, 1000))
    for w, h, t in zip(whole, head, tail):
        np.testing.assert_array_equal(w, np.concatenate([h, t]))


@settings(max_examples=6, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("name", NAMES)
def test_chunking_does_not_change_a_number(name, data):
    s = _gen(name)
    cuts = sorted(set(data.draw(st.lists(st.integers(1, N_PATHS - 1), min_size=1, max_size=5))))
    edges = [0, *cuts, N_PATHS]
    whole = _gathered(s.block(0, N_PATHS))
    parts = [_gathered(s.block(a, b)) for a, b in zip(edges[:-1], edges[1:])]
    for k, w in enumerate(whole):
        np.testing.assert_array_equal(w, np.concatenate([p[k] for p in parts]))


def test_bad_block_ranges_are_config_errors():
    from gaemi.errors import ConfigError

    s = _gen("bootstrap")
    for a, b in [(-1, 5), (5, 5), (0, N_PATHS + 1), (3, 2)]:
        with pytest.raises(ConfigError):
            s.block(a, b)


@pytest.mark.parametrize("name", NAMES)
def test_input_panel_untouched(name):
    returns = gjr_garch_returns(1500, seed=11)
    panel = make_panel(returns, assets=("sp500", "btc"), rate_names=("kr_cd91", "us_effr"))
    before = {k: np.array(getattr(panel, k), copy=True) for k in ("returns", "rates", "gap_days")}
    dates = panel.dates.copy()
    global _PANEL
    saved, _PANEL = _PANEL, panel
    try:
        s = GENERATORS[name](3, N_PATHS)
        b = s.block(0, 500)
        # the engine may treat the table as scratch: writing to it must not reach the panel
        for arr in (b.returns, b.rates, b.gap_days):
            if arr.flags.writeable:
                arr[...] = 123.0
            else:
                for src in (panel.returns, panel.rates, panel.gap_days):
                    if np.shares_memory(arr, src):
                        assert not arr.flags.writeable
    finally:
        _PANEL = saved
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(panel, k), v)
    assert panel.dates.equals(dates)
