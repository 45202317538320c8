"""The stationary bootstrap can start a block on every row, the last one included (issue 14).

Against independent values: a plain-Python re-implementation of the documented rule (module doc
of :mod:`gaemi.scenarios.bootstrap`) fed by numpy's own SFC64 generator from the same state, the
closed-form row for a given uniform, and the uniform frequency of rows when every day starts a
block (mean block 1: each row 1/T of the days), through the index generator and through the
fused engine kernel that draws the rows inline.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gaemi.engine import layout as L
from gaemi.engine.run import months_in, run_bootstrap_fused
from gaemi.engine.spec import build_spec
from gaemi.scenarios import StationaryBootstrap
from gaemi.scenarios.sfc64 import bootstrap_index, next_bootstrap_row, seed_keys, seed_path
from tests.engine.helpers import plan
from tests.scenarios.helpers import make_panel


def plain_rows(uniforms, n_rows, mean_block):
    """The documented rule: day 0 starts at floor(u T); a day with u < q = 1/mean_block starts a
    block at floor(u T / q); otherwise the next row, circularly."""
    q = 1.0 / mean_block
    rows = []
    for d, u in enumerate(uniforms):
        if d == 0:
            row = math.floor(u * n_rows)
        elif u < q:
            row = math.floor(u * n_rows / q)
        else:
            row = (rows[-1] + 1) % n_rows
        rows.append(min(row, n_rows - 1))
    return rows


def test_the_row_for_a_given_uniform():
    t = 10
    # first day: floor(u T)
    assert next_bootstrap_row(0.95, 0, t, 0.5, t / 0.5, True) == 9
    assert next_bootstrap_row(1.0 - 2.0 ** -53, 0, t, 0.5, t / 0.5, True) == 9
    assert next_bootstrap_row(0.0, 3, t, 0.5, t / 0.5, True) == 0
    # a restart (u < q = 0.5): floor(u T / q), the last row for u in [0.45, 0.5)
    assert next_bootstrap_row(0.45, 2, t, 0.5, t / 0.5, False) == 9
    assert next_bootstrap_row(0.4999, 2, t, 0.5, t / 0.5, False) == 9
    assert next_bootstrap_row(0.44, 2, t, 0.5, t / 0.5, False) == 8
    # no restart: the next row, and after the last row the first
    assert next_bootstrap_row(0.7, 8, t, 0.5, t / 0.5, False) == 9
    assert next_bootstrap_row(0.7, 9, t, 0.5, t / 0.5, False) == 0
    # mean block 1 (q = 1): every day restarts at floor(u T)
    assert next_bootstrap_row(0.93, 4, t, 1.0, float(t), False) == 9


@pytest.mark.parametrize("mean_block", [1.0, 2.5, 7.0])
def test_index_equals_a_plain_python_bootstrap_on_numpys_sfc64(mean_block):
    n_rows, n_days = 7, 300
    k0, k1 = seed_keys(2024)
    got = bootstrap_index(k0, k1, 11, 4, n_days, n_rows, mean_block)
    for i in range(4):
        state = np.empty(4, dtype=np.uint64)
        seed_path(state, k0, k1, 11 + i)
        bg = np.random.SFC64()
        st = bg.state
        st["state"]["state"] = state.copy()
        bg.state = st
        u = np.random.Generator(bg).random(n_days)  # (x >> 11) * 2**-53, as the kernel's draws
        assert got[i].tolist() == plain_rows(u.tolist(), n_rows, mean_block)
    assert (got == n_rows - 1).any()


def test_every_row_is_drawn_equally_often_with_blocks_of_one_day():
    n_rows, n_paths, n_days = 5, 400, 250
    k0, k1 = seed_keys(7)
    idx = bootstrap_index(k0, k1, 0, n_paths, n_days, n_rows, 1.0)
    counts = np.bincount(idx.ravel(), minlength=n_rows)
    expected = n_paths * n_days / n_rows  # 20 000 each; sd ~ 126
    assert counts == pytest.approx([expected] * n_rows, rel=0.03)
    assert (idx[:, 0] == n_rows - 1).sum() == pytest.approx(n_paths / n_rows, rel=0.35)  # the first day too


def test_the_fused_engine_reads_the_last_row_as_often_as_any():
    # one asset whose only non-zero return is on the last history row (+1 %): a spot holding of
    # 100 ends at 100 x 1.01^k, k = the days the path read that row; with blocks of one day each
    # day reads it with probability 1/T
    t, n_paths, n_days = 6, 256, 252
    r = np.zeros((t, 1))
    r[-1, 0] = 0.01
    panel = make_panel(r, assets=["a0"])
    scen = StationaryBootstrap(panel, n_paths, n_days, seed=99, mean_block=1.0)
    p = plan(holdings=[dict(asset="a0", weight=1.0)], deposit=dict(rate=0.0))
    spec = build_spec(p, scen.underlyings, scen.rate_names, n_days, rate_basis={"kr_cd91": 365.0},
                      asset_currency=lambda n: "KRW")
    out = run_bootstrap_fused(spec, scen, 0, n_paths, months_in(scen.new_month))
    k = np.log(out.floats[:, L.END_WEALTH] / 100.0) / np.log(1.01)
    assert k == pytest.approx(np.round(k), abs=1e-6)
    assert k.sum() == pytest.approx(n_paths * n_days / t, rel=0.05)  # 10 752 expected, sd ~ 96
    # the same count as the index the set hands out for those paths
    idx = scen.block(0, n_paths).index
    assert np.round(k).astype(int).tolist() == (idx == t - 1).sum(axis=1).tolist()
