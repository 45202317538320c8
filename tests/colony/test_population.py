"""The colony's population generator: contract, totals against the table, shard invariance,
weighted sub-sampling, deciles, margin accounts, compiled/plain parity, bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from gaemi.colony.buckets import BUCKETS
from gaemi.colony.calibration import STOCK_BUCKETS, calibration_report, load_calibration
from gaemi.colony.population import (
    AGE_BANDS,
    AGENT_BLOCK,
    BEHAVIOURS,
    COLONY_STREAM,
    Population,
    _draw,
    generate,
    shards,
)
from gaemi.errors import ConfigError

IB = {b: i for i, b in enumerate(BUCKETS)}
N = 60_000


@pytest.fixture(scope="module")
def cal():
    return load_calibration()


@pytest.fixture(scope="module")
def pop(cal):
    return generate(cal, N, seed=11)


def test_contract_shapes_and_dtypes(pop, cal):
    assert isinstance(pop, Population)
    assert pop.n == N
    assert pop.weight.dtype == np.float64 and pop.weight.shape == (N,)
    assert pop.holdings.dtype == np.float64 and pop.holdings.shape == (N, len(BUCKETS))
    for f in ("cash", "margin_loan"):
        assert getattr(pop, f).dtype == np.float64 and getattr(pop, f).shape == (N,)
    for f in ("behaviour", "age_band", "wealth_decile"):
        assert getattr(pop, f).dtype == np.int8
    assert pop.behaviour.min() >= 0 and pop.behaviour.max() < len(BEHAVIOURS)
    assert pop.age_band.min() >= 0 and pop.age_band.max() < len(AGE_BANDS)
    assert pop.wealth_decile.min() == 0 and pop.wealth_decile.max() == 9
    assert np.all(np.isfinite(pop.holdings)) and np.all(pop.holdings >= 0)
    assert np.all(pop.cash >= 0) and np.all(pop.margin_loan >= 0) and np.all(pop.weight > 0)
    assert np.allclose(pop.net_wealth, pop.holdings.sum(1) + pop.cash - pop.margin_loan)


def test_weights_sum_to_represented_exactly(cal, pop):
    assert pop.represented == pytest.approx(cal.total_investors, rel=1e-12)
    small = generate(cal, 5_000, seed=2, represented=1_000_000.0)
    assert small.represented == pytest.approx(1e6, rel=1e-12)
    # totals scale with the people represented
    assert small.totals()["margin_loan"] == pytest.approx(
        cal.margin.balance_krw.value / cal.total_investors * 1e6, rel=0.15)


def test_totals_match_the_table_within_stated_tolerances(cal, pop):
    rows = calibration_report(pop, cal)
    assert {"target", "label_ko", "label_en", "model", "table", "relative_error", "tolerance",
            "source"} <= set(rows[0])
    bad = [(r["target"], r["relative_error"], r["tolerance"]) for r in rows if not r["within"]]
    assert not bad
    targets = {r["target"] for r in rows}
    assert {"investors.stock_holders", "investors.crypto_users", "margin.balance",
            "margin.kospi", "margin.kosdaq", "holdings.us_lev_etf", "crypto.altcoin_share",
            "stocks.top_share"} <= targets
    for r in rows:
        assert r["source"] and r["label_en"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in r["label_ko"]), r["label_ko"]


def test_same_seed_same_agents_whatever_the_shard_split(cal):
    n = 3 * AGENT_BLOCK + 1234
    whole = generate(cal, n, seed=5)
    for size in (AGENT_BLOCK, 2 * AGENT_BLOCK, 5000):
        parts = [generate(cal, n, seed=5, shard=s) for s in shards(n, size)]
        joined = Population.concat(parts)
        for f in ("weight", "holdings", "cash", "margin_loan", "behaviour", "age_band",
                  "wealth_decile"):
            assert np.array_equal(getattr(joined, f), getattr(whole, f)), (size, f)
    odd = generate(cal, n, seed=5, shard=(777, 9001))  # a shard that splits blocks
    assert np.array_equal(odd.holdings, whole.holdings[777:9001])
    other = generate(cal, n, seed=6)
    assert not np.array_equal(other.holdings, whole.holdings)


def test_shards_cover_the_agents_on_block_boundaries():
    s = shards(10_000, 3_000)
    assert s[0] == (0, AGENT_BLOCK) and s[-1][1] == 10_000
    assert all(a % AGENT_BLOCK == 0 for a, _ in s)
    assert sum(b - a for a, b in s) == 10_000
    assert shards(0, 10) == []
    with pytest.raises(ConfigError):
        shards(10, 0)


def _totals(p: Population) -> np.ndarray:
    t = p.totals()
    margin_users = p.weight[p.margin_loan > 0].sum()
    return np.array([*(t[b] for b in BUCKETS), t["cash"], t["margin_loan"], margin_users])


def test_weighted_subsample_totals_equal_the_full_populations_within_sampling_error(cal):
    """A 10x smaller population (each agent standing for 10x the people) has the same totals:
    over 6 seeds of the small one, |mean - big| <= 4 standard errors (the small ones' spread
    over sqrt(6), plus the big one's, taken as that spread / sqrt(10 * 6)), every total."""
    big = _totals(generate(cal, 120_000, seed=100))
    small = np.array([_totals(generate(cal, 12_000, seed=s)) for s in range(6)])
    se = small.std(axis=0, ddof=1) / np.sqrt(6) * np.sqrt(1 + 1 / 10)
    z = np.abs(small.mean(axis=0) - big) / np.maximum(se, 1e-9 * np.abs(big))
    assert np.all(z < 4.0), dict(zip([*BUCKETS, "cash", "margin", "margin_users"], z.round(2)))
    # and the sampling error itself is small: under 8 % of any total at 12k agents
    assert np.all(small.std(axis=0, ddof=1) / np.abs(small.mean(axis=0)) < 0.08)


def test_deciles_are_weighted_tenths_ordered_by_net_wealth(pop):
    w = pop.weight
    shares = np.bincount(pop.wealth_decile, weights=w, minlength=10) / w.sum()
    assert np.allclose(shares, 0.1, atol=0.015), shares
    nw = pop.net_wealth
    hi = [nw[pop.wealth_decile == d].max() for d in range(10)]
    lo = [nw[pop.wealth_decile == d].min() for d in range(10)]
    assert all(hi[d] <= lo[d + 1] for d in range(9))


def test_margin_accounts_follow_the_rules(cal, pop):
    m = pop.margin_loan > 0
    assert np.all(pop.behaviour[m] == BEHAVIOURS.index("leveraged_trader"))
    assert np.all(pop.margin_loan[pop.behaviour == BEHAVIOURS.index("leveraged_trader")] > 0)
    cr = pop.collateral_ratio[m]
    assert cr.min() >= 1.4 - 1e-12 and cr.max() <= 6.0 + 1e-9
    crypto_only = pop.behaviour == BEHAVIOURS.index("crypto_only")
    stock_cols = [IB[b] for b in STOCK_BUCKETS]
    assert np.all(pop.holdings[crypto_only][:, stock_cols] == 0)
    assert np.all(pop.margin_loan[crypto_only] == 0) and np.all(pop.cash[crypto_only] == 0)
    assert np.all(pop.holdings[crypto_only][:, [IB["btc_eth"], IB["kr_altcoin"]]].sum(1) > 0)
    # margin users tilt to KOSDAQ, as the balance's split says
    w = pop.weight
    kq = lambda mask: (w[mask] @ pop.holdings[mask, IB["kosdaq_theme"]]) / (  # noqa: E731
        w[mask] @ pop.holdings[mask][:, stock_cols].sum(1))
    assert kq(m) > kq(~m & ~crypto_only)


def test_compiled_kernel_matches_its_plain_twin(cal):
    fits = cal.fits
    a = _draw(cal, fits, 9_000, 3, COLONY_STREAM, 1.0, 1000, 6000)
    b = _draw(cal, fits, 9_000, 3, COLONY_STREAM, 1.0, 1000, 6000, reference=True)
    for f in ("weight", "holdings", "cash", "margin_loan"):
        assert np.allclose(getattr(a, f), getattr(b, f), rtol=1e-10, atol=0), f
    for f in ("behaviour", "age_band"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"investors": 10}, "investors"), ({"investors": 1.5e3}, "investors"),
     ({"seed": -1}, "seed"), ({"represented": -3.0}, "represented"),
     ({"shard": (0, 10**9)}, "shard"), ({"shard": (50, 10)}, "shard")],
)
def test_bad_arguments_raise_config_error(cal, kwargs, field):
    args = {"investors": 1000, "seed": 1, **kwargs}
    with pytest.raises(ConfigError) as info:
        generate(cal, **args)
    assert info.value.field == field
