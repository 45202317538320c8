"""The derived and estimated embedded series, and the new ones, against independent values.

Independent values used here: the raw SPY/QQQ closes and the KODEX 200TR ETF closes copied into
``tests/reference/`` (see its SOURCES.md); fees from the ETFs' prospectuses; the embedded files
read with plain ``gzip``/``csv``; exact decimal arithmetic for the CD91 proxy; SHA-256 digests of
the kr_cd91 / kr_base files as embedded before they were extended (commit d5802bb); Bank of
Korea rate decisions and KRX's year-end ex-dividend dates (public record); split dates.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import statistics
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gaemi.data import build_panel, load_series, series_info, sessions
from gaemi.data.catalog import CD91_PROXY_SPREAD

REF = Path(__file__).resolve().parents[1] / "reference"


def text(name: str) -> str:
    path = resources.files("gaemi.data").joinpath("samples", series_info(name).file)
    with path.open("rb") as fh, gzip.open(fh, "rt", newline="") as t:
        return t.read()


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text(name))))


def closes(name: str) -> dict[str, float]:
    return {r["date"]: float(r["close"]) for r in rows(name)}


def days_between(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def cagr(first: str, last: str, v0: float, v1: float) -> float:
    return (v1 / v0) ** (365.25 / days_between(first, last)) - 1


# --- sp500tr / ndxtr: the ETFs' fees added back ------------------------------------------

# total annual fund operating expenses: SPDR S&P 500 ETF Trust prospectus (0.0945 %), Invesco
# QQQ Trust prospectus (0.20 %)
FEES = {"sp500tr": ("SPY", 0.000945), "ndxtr": ("QQQ", 0.0020)}


def raw_reference(symbol: str) -> list[tuple[str, float]]:
    with (REF / "spy_qqq_adjusted_raw.csv").open(newline="") as fh:
        return [(r["date"], float(r["close"])) for r in csv.DictReader(fh) if r["symbol"] == symbol]


@pytest.mark.parametrize("name", sorted(FEES))
def test_fee_added_back_on_every_reference_date(name):
    symbol, fee = FEES[name]
    ref = raw_reference(symbol)
    emb = closes(name)
    first = rows(name)[0]["date"]
    assert first == ref[0][0] and rows(name)[-1]["date"] == ref[-1][0]
    assert len(ref) > 25
    for d, raw in ref:  # calendar-day accrual of fee / 365 since the first row
        assert emb[d] == pytest.approx(raw * (1 + fee / 365) ** days_between(first, d), rel=1e-9)


@pytest.mark.parametrize("name", sorted(FEES))
def test_fee_add_back_raises_the_cagr_by_the_fee(name):
    symbol, fee = FEES[name]
    ref = raw_reference(symbol)
    (d0, r0), (d1, r1) = ref[0], ref[-1]
    emb = closes(name)
    c_raw = cagr(d0, d1, r0, r1)
    c_adj = cagr(d0, d1, emb[d0], emb[d1])
    # a fee scales wealth: the growth factors differ by (1 + fee), to the compounding of fee/365
    # over a year (< 4e-6); so the CAGRs differ by fee x (1 + CAGR), 1.0e-4 (SPY) and 2.2e-4 (QQQ)
    # more than the bare fee over 1993/1999-2026
    assert (1 + c_adj) / (1 + c_raw) - 1 == pytest.approx(fee, abs=1e-5)
    assert c_adj - c_raw == pytest.approx(fee * (1 + c_raw), abs=1e-5)
    assert c_adj - c_raw > fee


def test_fee_add_back_in_a_panel():
    # one SPY day: the adjusted return is the raw return grown by (1 + fee/365) ** calendar days
    _, fee = FEES["sp500tr"]
    ref = dict(raw_reference("SPY"))
    p = build_panel("sp500tr", currency="USD", start="2019-12-31", end="2020-12-31")
    total = float(np.prod(1 + p.returns[:, 0]))
    raw = ref["2020-12-31"] / ref["2019-12-31"]
    assert total == pytest.approx(raw * (1 + fee / 365) ** 366, rel=1e-9)


# --- kospi200tr: the price index plus the trailing yield at the December ex-date ---------

# KRX year-end ex-dividend sessions (배당락일: record date 31 December, T+2 settlement)
KNOWN_EX_DATES = ["2017-12-27", "2018-12-27", "2019-12-27", "2020-12-29", "2021-12-29",
                  "2022-12-28", "2023-12-27"]
ETF_FEE = 0.0005  # KODEX 200TR total fee, 0.05 %/yr (tests/reference/SOURCES.md)


def ex_dates(first: str, last: str) -> set[str]:
    out = set()
    for y in range(int(first[:4]), int(last[:4]) + 1):
        s = sessions("XKRX", f"{y}-12-01", f"{y}-12-31")
        out.add(str(s[-2].date()))
    return {d for d in out if first < d <= last}


def etf() -> dict[str, float]:
    with (REF / "kodex200tr_278530.csv").open(newline="") as fh:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(fh)}


def test_kospi200tr_recomputed_from_the_price_index_and_the_yield():
    tr = rows("kospi200tr")
    price = closes("kospi200")
    ex = ex_dates(tr[0]["date"], tr[-1]["date"])
    assert set(KNOWN_EX_DATES) <= ex and len(ex) == 29  # 1995..2023
    assert tr[0]["date"] == "1995-05-02" and tr[-1]["date"] == "2023-12-28"
    assert float(tr[0]["close"]) == price["1995-05-02"]
    steps = 0
    for prev, r in zip(tr, tr[1:]):
        expected = price[r["date"]] / price[prev["date"]]
        if r["date"] in ex:
            expected += float(prev["div_yield"]) / 100
            steps += 1
        got = float(r["close"]) / float(prev["close"])
        assert got == pytest.approx(expected, rel=2e-9), r["date"]
    assert steps == len(ex)


def test_kospi200tr_ex_date_steps_are_where_the_etf_keeps_its_dividends():
    # on each year-end ex-date the price index drops by the dividends; the TR fund does not
    e, price, tr = etf(), closes("kospi200"), closes("kospi200tr")
    for d in KNOWN_EX_DATES[:-1]:  # the ETF file ends 2023-12-22
        prev = max(x for x in e if x < d)
        etf_excess = e[d] / e[prev] - price[d] / price[prev]
        tr_excess = tr[d] / tr[prev] - price[d] / price[prev]
        assert 0.006 < etf_excess < 0.02 and 0.01 < tr_excess < 0.03, d


def _common():
    e, tr, price = etf(), closes("kospi200tr"), closes("kospi200")
    days = sorted(set(e) & set(tr))
    assert len(days) == 1501 and days[0] == "2017-11-21" and days[-1] == "2023-12-22"
    return days, e, tr, price


def test_kospi200tr_cagr_against_the_kodex_200tr_etf():
    days, e, tr, price = _common()
    d0, d1 = days[0], days[-1]
    c_etf = cagr(d0, d1, e[d0], e[d1])
    c_tr = cagr(d0, d1, tr[d0], tr[d1])
    c_price = cagr(d0, d1, price[d0], price[d1])
    # a TR index should beat a TR fund by the fund's fee; the trailing yield lags growing
    # dividends and the span ends before the 2023 ex-date, so the estimate is below the ETF
    # (-0.31 pp measured). Tolerance: within 0.5 pp of the fee.
    assert abs((c_tr - c_etf) - ETF_FEE) <= 0.005
    assert abs((c_price - c_etf) - ETF_FEE) > 0.02  # without dividends: 2.2 pp/yr short


def test_kospi200tr_annual_returns_and_tracking_error_against_the_etf():
    days, e, tr, price = _common()
    year_end = {}
    for d in days:
        year_end[d[:4]] = d
    for y in range(2018, 2023):  # whole calendar years
        a, b = year_end[str(y - 1)], year_end[str(y)]
        r_etf, r_tr, r_price = e[b] / e[a] - 1, tr[b] / tr[a] - 1, price[b] / price[a] - 1
        assert abs(r_tr - r_etf) < 0.01, y  # measured: within 0.6 pp each year
        assert r_etf - r_price > 0.015, y  # the dividends the ETF kept
    # monthly tracking error (month-end closes): 1.11 %/yr; a daily accrual of the same yield
    # gives 1.48 %, the price index 1.46 %
    ends = {}
    for d in days:
        ends[d[:7]] = d
    m = sorted(ends.values())
    diff = [(e[b] / e[a]) - (tr[b] / tr[a]) for a, b in zip(m, m[1:])]
    assert np.std(diff, ddof=1) * np.sqrt(12) < 0.013


def test_kospi200tr_panel():
    p = build_panel("kospi200tr", currency="KRW")
    assert p.dates[-1] == pd.Timestamp("2023-12-28") and p.base_date == pd.Timestamp("1995-05-02")
    assert len(p.filled["kospi200tr"]) == 4  # the sessions kospi200 also lacks (PROVENANCE.md)


# --- kr_cd91: real data, then base rate + spread ------------------------------------------

# SHA-256 of the decompressed CSV text of the files as embedded before this change (d5802bb)
OLD_SHA256 = {
    "kr_cd91": ("2023-05-19", "fd7ea75971d59666f2bb178c97a04e3bfcbca53e52e1b59fcc5f3b15b4d2f8f8"),
    "kr_base": ("2023-11-30", "b2bcb40a9bee446086b999785f11dad4c40f102bc8b9f6b3889431b181a1ef99"),
}


@pytest.mark.parametrize("name", sorted(OLD_SHA256))
def test_real_part_untouched(name):
    last, digest = OLD_SHA256[name]
    lines = text(name).splitlines(keepends=True)
    keep = [ln for ln in lines[1:] if ln[:10] <= last]
    assert keep[-1].startswith(last)
    assert hashlib.sha256("".join([lines[0], *keep]).encode()).hexdigest() == digest


def _base_month_end() -> dict[str, Decimal]:
    return {r["date"][:7]: Decimal(r["close"]) for r in rows("kr_base")}


def test_cd91_after_its_data_is_base_rate_plus_the_spread_exactly():
    spread = Decimal("0.15")
    assert Decimal(str(CD91_PROXY_SPREAD)) == spread
    info = series_info("kr_cd91")
    assert info.estimated_from == "2023-05-22"
    base = _base_month_end()
    est = [r for r in rows("kr_cd91") if r["date"] >= info.estimated_from]
    want = [str(d.date()) for d in sessions("XKRX", "2023-05-20", "2025-10-31")]
    assert [r["date"] for r in est] == want  # every KRX session to the base rate's last month
    for r in est:
        assert Decimal(r["close"]) == base[r["date"][:7]] + spread, r["date"]
    # hand values: base 3.50 (2023-05), 3.00 after the 2024-11-28 cut, 2.50 after 2025-05-29
    got = {r["date"]: r["close"] for r in est}
    assert got["2023-05-22"] == "3.65" and got["2024-12-02"] == "3.15" and got["2025-10-31"] == "2.65"
    assert max(r["date"] for r in rows("kr_cd91") if r["date"] < info.estimated_from) == "2023-05-19"


def test_cd91_spread_is_the_median_over_the_stated_window():
    base = _base_month_end()
    diffs = [Decimal(r["close"]) - base[r["date"][:7]] for r in rows("kr_cd91")
             if "2015-01-01" <= r["date"] <= "2023-05-19"]
    assert len(diffs) == 2072
    assert statistics.median(diffs) == Decimal("0.15")
    assert float(statistics.mean(diffs)) == pytest.approx(0.18, abs=0.005)


def test_krw_panel_with_cd91_reaches_2025_and_records_the_estimate():
    p = build_panel(["kospi200"], rates=["kr_cd91"], currency="KRW", end="2025-10-31")
    assert p.dates[-1] == pd.Timestamp("2025-10-31")

    def rate(day):
        return float(p.rates[p.dates.get_loc(pd.Timestamp(day)), 0])

    assert rate("2023-05-22") == pytest.approx(0.0367)  # as of 2023-05-19: the last real value
    assert rate("2023-05-23") == pytest.approx(0.0365)  # as of 2023-05-22: 3.50 + 0.15
    assert rate("2024-12-02") == pytest.approx(0.0315)  # as of 2024-11-29: 3.00 + 0.15
    prev = p.dates.insert(0, p.base_date)[:-1]
    est = p.provenance["estimated"]
    assert list(est) == ["kr_cd91"] and est["kr_cd91"]["from"] == "2023-05-22"
    assert est["kr_cd91"]["days"] == int((prev >= pd.Timestamp("2023-05-22")).sum())
    assert est["kr_cd91"]["days"] > 550  # 2023-05-22..2025-10-31
    early = build_panel(["kospi200"], rates=["kr_cd91"], currency="KRW", end="2023-05-19")
    assert "estimated" not in early.provenance
    p = build_panel(["nvda", "tsla"], rates=["kr_cd91"], currency="KRW")
    assert p.dates[-1] == pd.Timestamp("2026-03-27")  # usdkrw's last value; kr_cd91 held after 2025-10-31
    assert p.provenance["limited_by"]["end"] == "usdkrw"


def test_kr_base_extended_to_2025_10():
    base = {r["date"]: r["close"] for r in rows("kr_base")}
    assert max(base) == "2025-10-31" and len(base) == 262
    # Bank of Korea decisions: 3.50 from 2023-01-13; cuts on 2024-10-11, 2024-11-28, 2025-02-25,
    # 2025-05-29; held through October 2025
    for d, v in {"2023-12-31": "3.5", "2024-09-30": "3.5", "2024-10-31": "3.25", "2024-11-30": "3",
                 "2025-01-31": "3", "2025-02-28": "2.75", "2025-04-30": "2.75", "2025-05-31": "2.5",
                 "2025-10-31": "2.5"}.items():
        assert Decimal(base[d]) == Decimal(v), d


# --- seoul_apt: a monthly home-price index for the home goal --------------------------------

def test_seoul_apt_levels():
    s = load_series("seoul_apt")["close"]
    assert len(s) == 130
    assert s.index[0] == pd.Timestamp("2015-01-31") and s.index[-1] == pd.Timestamp("2025-10-31")
    info = series_info("seoul_apt")
    assert info.frequency == "monthly" and info.kind == "price" and info.currency == "KRW"
    # the 2022-11..2023-01 slide as published: -2.06 %, -2.96 %, -1.78 % (0.02 pp rounding)
    for d, pct in (("2022-11-30", -2.06), ("2022-12-31", -2.96), ("2023-01-31", -1.78)):
        k = s.index.get_loc(pd.Timestamp(d))
        assert 100 * (s.iloc[k] / s.iloc[k - 1] - 1) == pytest.approx(pct, abs=0.02)


def test_seoul_apt_moves_the_backtest_goal_on_the_real_dates():
    # A saver holding cash C at 0 % from 2022-06-02 buys when cash needed for the home, priced by
    # the index as of each session (month-end levels), falls to C. C lies between the cash needed
    # at the 2022-11-30 and the 2022-12-31 levels, and the index fell every month from May to
    # December 2022: the first session that sees the December level is 2023-01-02.
    import gaemi
    from gaemi.config import plan_from_dict
    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability

    lv = closes("seoul_apt")
    months = [d for d in sorted(lv) if "2022-05-31" <= d <= "2022-12-31"]
    assert all(lv[a] > lv[b] for a, b in zip(months, months[1:]))
    rules = load_rules("kr-2025-10")
    price, income = 900_000_000, 80_000_000

    def need(d):
        return affordability(price * lv[d] / lv["2022-05-31"], income, rules, first_time=True).cash_needed

    assert need("2022-12-31") < need("2022-11-30")
    cash = (need("2022-11-30") + need("2022-12-31")) / 2
    plan = plan_from_dict(dict(
        name="s", investor=dict(capital=cash), holdings=[dict(asset="deposit", weight=1.0)],
        deposit=dict(rate=0.0), horizon_years=2,
        goal=dict(kind="home", price=price, income=income, income_growth=0.0, price_index="seoul_apt",
                  first_time_buyer=True)))
    res = gaemi.backtest(plan, start="2022-06-02")
    day = int(res.events()["goal_day"].iloc[0])
    assert day >= 0 and str(res.day_dates[day].date()) == "2023-01-02"


def test_seoul_apt_in_monte_carlo():
    import gaemi
    from gaemi.config import plan_from_dict

    plan = plan_from_dict(dict(
        name="m", investor=dict(capital=3e8, monthly_saving=3e6),
        holdings=[dict(asset="sp500tr", weight=1.0)],
        goal=dict(kind="home", price=900_000_000, income=80_000_000, price_index="seoul_apt")))
    a = gaemi.simulate(plan, paths=256, years=3, seed=4)
    b = gaemi.simulate(plan, paths=256, years=3, seed=4, chunk_size=100)
    np.testing.assert_array_equal(a.raw.ints, b.raw.ints)
    fixed = plan_from_dict({**plan.model_dump(), "goal": {**plan.goal.model_dump(), "price_index": None}})
    assert not np.array_equal(a.raw.ints, gaemi.simulate(fixed, paths=256, years=3, seed=4).raw.ints)


# --- single stocks and stablecoins ----------------------------------------------------------

def _ret(name, day):
    c = closes(name)
    prev = max(d for d in c if d < day)
    return c[day] / c[prev] - 1


def test_split_days_are_continuous():
    # Samsung 50:1 (first session after the halt 2018-05-04), TSLA 5:1 on 2020-08-31 (+12.6 %
    # that day, the post-split rally) and 3:1 on 2022-08-25, NVDA 4:1 on 2021-07-20 and 10:1 on
    # 2024-06-10, SK hynix's 21:1 capital reduction (trading resumed 2003-04-14)
    assert abs(_ret("samsung", "2018-05-04")) < 0.05
    assert 0.10 < _ret("tsla", "2020-08-31") < 0.15
    for name, day in (("tsla", "2022-08-25"), ("nvda", "2021-07-20"), ("nvda", "2024-06-10")):
        assert abs(_ret(name, day)) < 0.05, (name, day)
    assert closes("samsung")["2018-05-04"] == 51_900


def test_stablecoins():
    ust = load_series("ust")["close"]
    usdt = load_series("usdt")["close"]
    assert ((usdt > 0.95) & (usdt < 1.08)).all()  # a peg with real small deviations
    calm = ust["2021-06-01":"2022-05-07"]
    assert ((calm > 0.97) & (calm < 1.03)).all()
    assert ust["2022-05-08"] > 0.99 and ust["2022-05-09"] < 0.85 and ust["2022-05-13"] < 0.2
    assert ust.index[-1] == pd.Timestamp("2022-10-09")
    # a panel holding UST ends where UST ends (as one holding LUNA ends where LUNA ends)
    p = build_panel(["ust", "btc"], currency="KRW")
    assert p.dates[-1] == pd.Timestamp("2022-10-07")  # last KRX session on or before 2022-10-09
    r = p.returns[:, p.asset_index("ust")]
    assert r.min() < -0.5  # the depeg is in the history
