"""Historical rolling windows: starts, contents and errors, checked against the calendar itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gaemi.errors import ConfigError
from gaemi.scenarios import rolling_windows
from tests.scenarios.helpers import make_panel


def _panel(t=800, start="2010-03-31"):
    r = np.random.default_rng(0).normal(0, 0.01, (t, 2))
    return make_panel(r, start=start)


def test_monthly_starts_are_first_sessions_of_each_month():
    p = _panel()
    s = rolling_windows(p, 120)
    d = pd.Series(p.dates)
    first = d.groupby([d.dt.year, d.dt.month]).transform("min") == d  # first session per month
    expected = np.flatnonzero(first.to_numpy())
    # base 2010-03-31 is in March, dates[0] = 2010-04-01 is April's first session: included
    assert expected[0] == 0
    expected = expected[expected + 120 <= len(p.dates)]
    np.testing.assert_array_equal(s.index[:, 0], expected)
    assert list(s.start_dates) == list(p.dates[expected])
    np.testing.assert_array_equal(s.index, expected[:, None] + np.arange(120))
    assert s.n_paths == len(expected) and s.n_days == 120


def test_first_row_left_out_when_mid_month():
    p = _panel(start="2010-03-15")
    s = rolling_windows(p, 50)
    assert s.index[0, 0] > 0
    assert p.dates[s.index[0, 0]].month != p.dates[s.index[0, 0] - 1].month


def test_new_month_rebased_and_matches_calendar():
    p = _panel()
    s = rolling_windows(p, 300)
    for k in (0, 3, len(s.start_dates) - 1):
        dates = p.dates[s.index[k]]
        months = dates.year * 12 + dates.month
        expected = np.r_[False, np.diff(months) != 0]
        np.testing.assert_array_equal(s.new_month[k], expected)
        assert not s.new_month[k, 0]


def test_window_reads_the_panel_rows():
    p = _panel()
    s = rolling_windows(p, 40, step=7)
    np.testing.assert_array_equal(s.index[:, 0], np.arange(0, len(p.dates) - 40 + 1, 7))
    b = s.block(2, 3)
    np.testing.assert_array_equal(b.gathered_returns()[0], p.returns[14:54])
    np.testing.assert_array_equal(b.rates[b.index[0]], p.rates[14:54])


def test_longest_window_fits_exactly():
    p = _panel(t=300)
    s = rolling_windows(p, 300, step=1)
    assert s.n_paths == 1


def test_no_window_fits_names_horizon_and_history():
    p = _panel(t=300)
    with pytest.raises(ConfigError) as e:
        rolling_windows(p, 301, step=1)
    assert e.value.field == "n_days" and e.value.value == 301
    assert "300 sessions" in e.value.allowed and str(p.dates[0].date()) in e.value.allowed


@pytest.mark.parametrize("step", ["week", 0, -3, 2.5, True])
def test_bad_step(step):
    with pytest.raises(ConfigError):
        rolling_windows(_panel(), 20, step=step)


@pytest.mark.parametrize("n_days", [0, -1, 2.0])
def test_bad_horizon(n_days):
    with pytest.raises(ConfigError):
        rolling_windows(_panel(), n_days)
