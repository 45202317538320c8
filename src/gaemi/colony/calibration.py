"""The colony's calibration table: a user-editable TOML file, validated.

The shipped table is ``gaemi/colony/data/calibration.toml`` (Korea's retail investors, late 2025;
each number with its source). :func:`load_calibration` reads it (or a user's copy), validates it
with pydantic and turns every problem into :class:`gaemi.errors.ConfigError` naming the field, the
value and what is allowed. Nothing here reads anything outside the package at run time.
"""

from __future__ import annotations

import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gaemi.colony.buckets import BUCKETS
from gaemi.errors import ConfigError

STOCK_BUCKETS: tuple[str, ...] = ("kospi_large", "kospi_small", "kosdaq_theme")
"""Buckets a margin loan can finance (domestic stocks); their retail holdings make up the stock
portfolio distribution of :class:`StockWealth`."""

CRYPTO_BUCKETS: tuple[str, ...] = ("btc_eth", "kr_altcoin")
BEHAVIOUR_SHARES_KEYS: tuple[str, ...] = ("buy_and_hold", "dip_buyer", "deposit_saver")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Model):
    """One number with its provenance."""

    value: float
    source: str = Field(min_length=1)
    date: str | None = None


class Count(Quantity):
    value: float = Field(ge=0)


class Share(Quantity):
    """A fraction in [0, 1]."""

    value: float = Field(ge=0, le=1)


class Positive(Quantity):
    value: float = Field(gt=0)


class NonNegative(Quantity):
    value: float = Field(ge=0)


class Meta(_Model):
    as_of: str
    description: str = ""
    usd_krw: Positive


class PopulationCounts(_Model):
    stock_holders: Count
    crypto_users: Count
    crypto_users_holding_stocks: Share
    margin_user_share: Share


class BucketRow(_Model):
    """One bucket's row of the table (see :class:`gaemi.colony.buckets.BucketParams`)."""

    series: str | None = None
    leverage: float = Field(default=1.0, gt=0)
    sessions_per_year: int = Field(default=252, gt=0)
    krx_daily_limit: bool = False
    daily_turnover_krw: NonNegative
    annual_volatility: NonNegative
    market_cap_krw: NonNegative
    retail_share: Share
    impact_coefficient: NonNegative
    overnight_decay: Share
    source: str = ""

    @property
    def retail_holdings_krw(self) -> float:
        """The value individuals hold in the bucket: ``market_cap_krw * retail_share``."""
        return self.market_cap_krw.value * self.retail_share.value


class CdfTable(Quantity):
    """Rows ``[threshold_krw, share_below]``, thresholds and shares strictly increasing."""

    value: list[tuple[float, float]] = Field(min_length=2)  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _increasing(cls, rows: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for i, (t, p) in enumerate(rows):
            if not (t > 0):
                raise ValueError(f"row {i}: threshold must be > 0, got {t}")
            if not (0 < p < 1):
                raise ValueError(f"row {i}: share must be in (0, 1), got {p}")
            if i and (t <= rows[i - 1][0] or p <= rows[i - 1][1]):
                raise ValueError(f"row {i}: thresholds and shares must increase")
        return rows


class TopShare(_Model):
    people: float = Field(gt=0, lt=1)
    value: float = Field(gt=0, lt=1)
    source: str = Field(min_length=1)
    date: str | None = None


class StockWealth(_Model):
    account_cdf: CdfTable
    top_share: TopShare
    max_holding_krw: Positive


class CryptoWealth(_Model):
    holder_cdf: CdfTable
    max_holding_krw: Positive


class CollateralBands(Quantity):
    """Rows ``[low, high, share]`` of margin accounts by collateral ratio (collateral / loan)."""

    value: list[tuple[float, float, float]] = Field(min_length=1)  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _bands(cls, rows: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
        total = 0.0
        for i, (lo, hi, share) in enumerate(rows):
            if not (1.0 < lo < hi):
                raise ValueError(f"row {i}: need 1 < low < high, got {lo}, {hi}")
            if not (0 <= share <= 1):
                raise ValueError(f"row {i}: share must be in [0, 1], got {share}")
            if i and lo < rows[i - 1][1]:
                raise ValueError(f"row {i}: bands must not overlap")
            total += share
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1, got {total}")
        return rows


class MarginHistoryRow(_Model):
    date: str
    balance_krw: float = Field(ge=0)
    kospi_share: float = Field(ge=0, le=1)
    source: str = Field(min_length=1)


class Margin(_Model):
    balance_krw: NonNegative
    kospi_krw: NonNegative
    kosdaq_krw: NonNegative
    small_to_large_ratio: Positive
    margin_to_cap_market: Share
    top_excluded: Share
    collateral_ratio_max: Positive
    collateral_bands: CollateralBands
    history: list[MarginHistoryRow] = []

    @model_validator(mode="after")
    def _split_adds_up(self) -> Margin:
        total = self.kospi_krw.value + self.kosdaq_krw.value
        if abs(total - self.balance_krw.value) > 0.01 * max(self.balance_krw.value, 1.0):
            raise ValueError(
                f"kospi_krw + kosdaq_krw = {total:.6g} must equal balance_krw = "
                f"{self.balance_krw.value:.6g} within 1%"
            )
        return self


class Cash(_Model):
    broker_cash_to_stocks: NonNegative
    deposits_to_risky: NonNegative
    dispersion: Positive


class LevEtf(_Model):
    kr_holder_share: Share
    us_holder_share: Share


class BehaviourShares(Quantity):
    value: dict[str, float]  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _shares(cls, shares: dict[str, float]) -> dict[str, float]:
        unknown = set(shares) - set(BEHAVIOUR_SHARES_KEYS)
        if unknown:
            raise ValueError(f"unknown behaviour {sorted(unknown)}; allowed: {BEHAVIOUR_SHARES_KEYS}")
        for k, v in shares.items():
            if not 0 <= v <= 1:
                raise ValueError(f"{k}: share must be in [0, 1], got {v}")
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1, got {sum(shares.values())}")
        return {k: float(shares.get(k, 0.0)) for k in BEHAVIOUR_SHARES_KEYS}


class Behaviour(_Model):
    shares: BehaviourShares
    dip_buyer_cash_multiple: Positive
    deposit_saver_deposit_multiple: Positive


class AgeShares(Quantity):
    value: list[float]  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _shares(cls, shares: list[float]) -> list[float]:
        if any(not 0 <= s <= 1 for s in shares):
            raise ValueError(f"every share must be in [0, 1], got {shares}")
        if abs(sum(shares) - 1.0) > 1e-3:
            raise ValueError(f"shares must sum to 1, got {sum(shares)}")
        return [s / sum(shares) for s in shares]


class Age(_Model):
    bands: list[str]
    stock_holders: AgeShares
    margin_users: AgeShares
    crypto_only: AgeShares

    @model_validator(mode="after")
    def _lengths(self) -> Age:
        for name in ("stock_holders", "margin_users", "crypto_only"):
            if len(getattr(self, name).value) != len(self.bands):
                raise ValueError(f"{name}: needs one share per band ({len(self.bands)})")
        return self


class Calibration(_Model):
    """The validated calibration table (see ``data/calibration.toml`` for every row's source)."""

    meta: Meta
    population: PopulationCounts
    buckets: dict[str, BucketRow]
    stock_wealth: StockWealth
    crypto_wealth: CryptoWealth
    margin: Margin
    cash: Cash
    lev_etf: LevEtf
    behaviour: Behaviour
    age: Age
    path: str = ""

    @field_validator("buckets")
    @classmethod
    def _all_buckets(cls, rows: dict[str, BucketRow]) -> dict[str, BucketRow]:
        unknown = [k for k in rows if k not in BUCKETS]
        if unknown:
            raise ValueError(f"unknown bucket {unknown[0]!r}")
        missing = [k for k in BUCKETS if k not in rows]
        if missing:
            raise ValueError(f"missing bucket {missing[0]!r}")
        return {k: rows[k] for k in BUCKETS}

    # -- derived quantities (pure functions of the table) -------------------------------------
    @property
    def crypto_only_users(self) -> float:
        """Crypto users who hold no listed stock."""
        p = self.population
        return p.crypto_users.value * (1.0 - p.crypto_users_holding_stocks.value)

    @property
    def total_investors(self) -> float:
        """Stock holders plus crypto-only users: the people the colony stands for by default."""
        return self.population.stock_holders.value + self.crypto_only_users

    @property
    def margin_users(self) -> float:
        return self.population.stock_holders.value * self.population.margin_user_share.value

    def retail_holdings(self, bucket: str) -> float:
        """Target KRW the population holds in ``bucket`` (deposits: see :attr:`deposits_total`)."""
        if bucket == "deposit":
            return self.deposits_total
        return self.buckets[bucket].retail_holdings_krw

    @property
    def stock_holdings_total(self) -> float:
        return sum(self.buckets[b].retail_holdings_krw for b in STOCK_BUCKETS)

    @property
    def crypto_holdings_total(self) -> float:
        return sum(self.buckets[b].retail_holdings_krw for b in CRYPTO_BUCKETS)

    @property
    def deposits_total(self) -> float:
        """Bank deposits of the population: ``deposits_to_risky`` x (stock + crypto holdings)."""
        return self.cash.deposits_to_risky.value * (
            self.stock_holdings_total + self.crypto_holdings_total)

    @property
    def broker_cash_total(self) -> float:
        return self.cash.broker_cash_to_stocks.value * self.stock_holdings_total

    def margin_by_bucket(self) -> dict[str, float]:
        """Margin-loan balance per stock bucket, KRW: KOSDAQ's to kosdaq_theme, KOSPI's split
        between large and small caps so that small caps' margin/cap is ``small_to_large_ratio``
        times large caps'."""
        m = self.margin
        cap_l = self.buckets["kospi_large"].market_cap_krw.value
        cap_s = self.buckets["kospi_small"].market_cap_krw.value
        r = m.small_to_large_ratio.value
        denom = cap_l + r * cap_s
        share_l = m.kospi_krw.value / denom if denom > 0 else 0.0
        return {
            "kospi_large": share_l * cap_l,
            "kospi_small": share_l * r * cap_s,
            "kosdaq_theme": m.kosdaq_krw.value,
        }

    @cached_property
    def fits(self) -> Any:
        """The fitted wealth distributions (:class:`gaemi.colony.population.Fits`), cached."""
        from gaemi.colony.population import fit_population

        key = self.model_dump_json(exclude={"path"})
        hit = _FITS_CACHE.get(key)
        if hit is None:
            hit = fit_population(self)
            if len(_FITS_CACHE) >= 8:
                _FITS_CACHE.pop(next(iter(_FITS_CACHE)))
            _FITS_CACHE[key] = hit
        return hit


_FITS_CACHE: dict[str, Any] = {}
"""Fitted models by table content (fitting takes ~0.2 s; tables are small)."""


def _input_at(data: Any, loc: tuple[Any, ...]) -> Any:
    cur = data
    for p in loc:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def validate_calibration(data: dict[str, Any], path: str = "") -> Calibration:
    """Validate a parsed table; raise :class:`ConfigError` naming the first bad field."""
    try:
        cal = Calibration.model_validate({**data, "path": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "calibration"
        value = err.get("input", _input_at(data, loc))
        allowed = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = "a known key: " + ", ".join(_allowed_keys(loc))
            if len(loc) >= 2 and loc[0] == "buckets":
                allowed = "a bucket in " + ", ".join(BUCKETS)
        raise ConfigError(f"calibration.{field}", value, allowed) from exc
    return cal


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Calibration
    for p in loc[:-1]:
        fields = getattr(model, "model_fields", {})
        if p in fields:
            ann = fields[p].annotation
            model = ann
        else:
            break
    return sorted(getattr(model, "model_fields", {}))


def default_calibration_path() -> Path:
    """The shipped table."""
    return Path(str(resources.files("gaemi.colony") / "data" / "calibration.toml"))


def load_calibration(path: str | None = None) -> Calibration:
    """Read and validate a calibration table (default: the shipped one).

    Raises :class:`ConfigError` for a missing or unparsable file and for any invalid row:
    negative counts, shares outside [0, 1], unknown buckets or keys, CDF rows that do not increase.
    """
    p = default_calibration_path() if path is None else Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("calibration", str(p), "a readable TOML file") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("calibration", str(p), f"valid TOML ({exc})") from exc
    return validate_calibration(data, str(p))


def calibration_as_of(calibration: Calibration, date: str) -> Calibration:
    """The table with its margin balance and KOSPI/KOSDAQ split set to the latest
    ``margin.history`` row on or before ``date`` (ISO ``YYYY-MM-DD``); everything else unchanged.

    Raises :class:`ConfigError` if no row is that old.
    """
    rows = [r for r in calibration.margin.history if r.date <= date]
    if not rows:
        first = min((r.date for r in calibration.margin.history), default="none")
        raise ConfigError("date", date, f"on or after the first margin.history row ({first})")
    row = max(rows, key=lambda r: r.date)
    data = calibration.model_dump()
    src = f"margin.history {row.date}: {row.source}"
    data["margin"]["balance_krw"] = {"value": row.balance_krw, "date": row.date, "source": src}
    data["margin"]["kospi_krw"] = {
        "value": row.balance_krw * row.kospi_share, "date": row.date, "source": src}
    data["margin"]["kosdaq_krw"] = {
        "value": row.balance_krw * (1.0 - row.kospi_share), "date": row.date, "source": src}
    data.pop("path", None)
    return validate_calibration(data, calibration.path)


# ------------------------------------------------------------------------------------------------
# The population beside the table
_TOL_COUNT = 0.01       # counts fixed by construction (weights sum exactly per cell)
_TOL_TOTAL = 0.03       # KRW totals matched in expectation: sampling error at >= 100k agents
_TOL_NOISY = 0.06       # thin, heavy-tailed totals (leveraged ETFs, crypto buckets)
_TOL_SHAPE = 0.25       # rows the two-part law fits only approximately (see the fit residuals)


def _row(target: str, ko: str, en: str, model: float, table: float, tolerance: float,
         source: str, kind: str) -> dict[str, Any]:
    rel = (model - table) / table if table else (0.0 if model == 0 else float("inf"))
    return {"target": target, "label_ko": ko, "label_en": en, "model": float(model),
            "table": float(table), "relative_error": float(rel), "tolerance": float(tolerance),
            "within": bool(abs(rel) <= tolerance), "kind": kind, "source": source}


def calibration_report(population: Any, calibration: Calibration) -> list[dict[str, Any]]:
    """The population's totals and shares beside the table's targets.

    One dict per target: ``target`` (id), ``label_ko`` / ``label_en``, ``model`` (weighted over
    the population), ``table``, ``relative_error`` ((model - table) / table), ``tolerance`` (the
    stated bound on |relative_error|), ``within``, ``kind`` ("count", "total", "share": matched
    by construction up to sampling error; "shape": fitted by least squares, so the fit's own
    residual counts against it; "check": not fitted, a consistency check) and ``source``.
    Tolerances: counts 1%; KRW totals 3% (6% for the thin leveraged-ETF and crypto buckets),
    stated for populations of at least 100k agents; shapes 25%; checks 25%.
    """
    import numpy as np

    from gaemi.colony.buckets import BUCKETS as _B
    from gaemi.colony.population import BEHAVIOURS, Population

    pop: Population = population
    cal = calibration
    fits = cal.fits
    scale = pop.represented / fits.total_people if fits.total_people else 1.0
    w = pop.weight
    h = pop.holdings
    ib = {b: i for i, b in enumerate(_B)}
    stock = h[:, [ib[b] for b in STOCK_BUCKETS]].sum(axis=1)
    crypto = h[:, [ib[b] for b in CRYPTO_BUCKETS]].sum(axis=1)
    is_stock = pop.behaviour != BEHAVIOURS.index("crypto_only")
    has_crypto = crypto > 0
    margin = pop.margin_loan > 0
    p = cal.population
    rows: list[dict[str, Any]] = []
    add = rows.append

    add(_row("investors.stock_holders", "주식 보유 개인 투자자 수", "individual stock holders",
             w[is_stock].sum(), p.stock_holders.value * scale, _TOL_COUNT,
             p.stock_holders.source, "count"))
    add(_row("investors.crypto_users", "가상자산 이용자 수", "crypto users",
             w[has_crypto].sum(), p.crypto_users.value * scale, _TOL_COUNT,
             p.crypto_users.source, "count"))
    add(_row("investors.margin_users", "신용융자 이용자 수", "margin-loan users",
             w[margin].sum(), cal.margin_users * scale, _TOL_COUNT,
             p.margin_user_share.source, "count"))

    labels = {
        "kospi_large": ("코스피 대형주 보유액", "KOSPI large caps held"),
        "kospi_small": ("코스피 중소형주 보유액", "KOSPI small and mid caps held"),
        "kosdaq_theme": ("코스닥(테마주) 보유액", "KOSDAQ / theme stocks held"),
        "kr_lev_etf": ("국내 레버리지·인버스 ETF 보유액", "Korean leveraged/inverse ETFs held"),
        "us_lev_etf": ("미국 레버리지 ETF 보유액", "U.S. leveraged ETFs held"),
        "btc_eth": ("비트코인·이더리움 보유액", "BTC and ETH held"),
        "kr_altcoin": ("알트코인 보유액", "altcoins held"),
        "deposit": ("예금", "bank deposits"),
    }
    for b in _B:
        tol = _TOL_NOISY if b in ("kr_lev_etf", "us_lev_etf", *CRYPTO_BUCKETS) else _TOL_TOTAL
        src = (cal.buckets[b].market_cap_krw.source + " x retail_share: "
               + cal.buckets[b].retail_share.source) if b != "deposit" else \
            cal.cash.deposits_to_risky.source
        add(_row(f"holdings.{b}", labels[b][0], labels[b][1], w @ h[:, ib[b]],
                 cal.retail_holdings(b) * scale, tol, src, "total"))
    add(_row("holdings.stocks", "개인 주식 보유액 합계", "individual stock holdings, total",
             w @ stock, cal.stock_holdings_total * scale, _TOL_TOTAL,
             cal.buckets["kospi_large"].retail_share.source, "total"))
    add(_row("cash.broker", "투자자예탁금", "cash at brokers (investor deposits)",
             w @ pop.cash, cal.broker_cash_total * scale, _TOL_TOTAL,
             cal.cash.broker_cash_to_stocks.source, "total"))

    m = cal.margin
    loan = pop.margin_loan
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(stock[:, None] > 0,
                        h[:, [ib[b] for b in STOCK_BUCKETS]] / np.where(stock > 0, stock, 1)[:, None],
                        0.0)
    by_bucket = (w * loan) @ frac
    add(_row("margin.balance", "신용융자 잔고", "margin-loan balance", w @ loan,
             m.balance_krw.value * scale, _TOL_TOTAL, m.balance_krw.source, "total"))
    add(_row("margin.kospi", "신용융자 잔고: 코스피", "margin-loan balance: KOSPI",
             by_bucket[0] + by_bucket[1], m.kospi_krw.value * scale, _TOL_TOTAL,
             m.kospi_krw.source, "total"))
    add(_row("margin.kosdaq", "신용융자 잔고: 코스닥", "margin-loan balance: KOSDAQ",
             by_bucket[2], m.kosdaq_krw.value * scale, _TOL_TOTAL, m.kosdaq_krw.source, "total"))
    cr = pop.collateral_ratio
    wm = w[margin]
    for lo, hi, share in m.collateral_bands.value:
        if share <= 0:
            continue
        inb = margin & (cr >= lo) & (cr < hi)
        if hi == m.collateral_bands.value[-1][1]:
            inb = margin & (cr >= lo)
        model_share = w[inb].sum() / wm.sum() if wm.sum() > 0 else 0.0
        add(_row(f"margin.collateral_{int(lo * 100)}_{int(hi * 100)}",
                 f"담보유지비율 {lo:.0%}~{hi:.0%} 계좌 비중",
                 f"margin accounts with collateral ratio {lo:.0%}-{hi:.0%}",
                 model_share, share, _TOL_TOTAL, m.collateral_bands.source, "share"))
    caps = sum(cal.buckets[b].market_cap_krw.value for b in STOCK_BUCKETS)
    add(_row("margin.to_market_cap", "시가총액 대비 신용융자 잔고", "margin balance / market cap",
             (w @ loan) / (caps * scale) if caps else 0.0, m.margin_to_cap_market.value,
             _TOL_SHAPE, m.margin_to_cap_market.source, "check"))
    if wm.sum() > 0:
        ages = np.bincount(pop.age_band[margin], weights=wm, minlength=5) / wm.sum()
        from gaemi.colony.population import AGE_BANDS
        age_ko = ("20대", "30대", "40대", "50대", "60대 이상")
        for i, band in enumerate(AGE_BANDS):
            add(_row(f"margin.age_{band}", f"신용융자 이용자 중 {age_ko[i]}",
                     f"margin users aged {band}", ages[i], cal.age.margin_users.value[i],
                     0.10, cal.age.margin_users.source, "share"))

    # crypto holdings by size (FIU rows; fitted, with residuals)
    cw = w[has_crypto]
    cv = crypto[has_crypto]
    ctot = cw.sum()
    src_c = cal.crypto_wealth.holder_cdf.source
    for t, share in cal.crypto_wealth.holder_cdf.value:
        add(_row(f"crypto.share_above_{t:.0f}", f"가상자산 {_won(t)} 이상 보유자 비중",
                 f"crypto users holding at least {_won_en(t)}",
                 cw[cv >= t].sum() / ctot if ctot else 0.0, 1.0 - share, _TOL_SHAPE, src_c,
                 "shape"))
    alt_total = w @ h[:, ib["kr_altcoin"]]
    add(_row("crypto.altcoin_share", "가상자산 중 알트코인 비중", "altcoin share of crypto",
             alt_total / (w @ crypto) if (w @ crypto) else 0.0,
             fits.altcoin_share, _TOL_TOTAL, cal.buckets["kr_altcoin"].market_cap_krw.source,
             "share"))

    # stock portfolio shape
    sw = cal.stock_wealth
    sv = stock[is_stock]
    sww = w[is_stock]
    order = np.argsort(-sv, kind="stable")
    cum_people = np.cumsum(sww[order]) / sww.sum()
    cum_value = np.cumsum((sww * sv)[order]) / (sww @ sv)
    top = float(np.interp(sw.top_share.people, cum_people, cum_value))
    add(_row("stocks.top_share", f"상위 {sw.top_share.people:.1%} 보유자의 보유액 비중",
             f"share of value held by the top {sw.top_share.people:.1%} of holders", top,
             sw.top_share.value, _TOL_TOTAL, sw.top_share.source, "share"))
    k = fits.stock_scale_2003
    for t, share in sw.account_cdf.value:
        add(_row(f"stocks.share_above_{t:.0f}",
                 f"주식 {_won(t)} 이상 보유자 비중 ({sw.account_cdf.date} 기준, 오늘 {k:.2f}배)",
                 f"holders above {_won_en(t)} ({sw.account_cdf.date} won, x{k:.2f} today)",
                 sww[sv >= t * k].sum() / sww.sum(), 1.0 - share, _TOL_SHAPE,
                 sw.account_cdf.source, "shape"))
    return rows


def _won(x: float) -> str:
    """KRW in 만/억 words: 5e6 -> '500만 원', 1e9 -> '10억 원'."""
    if x >= 1e8:
        v = x / 1e8
        return f"{v:,.0f}억 원" if v == int(v) else f"{v:,.1f}억 원"
    return f"{x / 1e4:,.0f}만 원"


def _won_en(x: float) -> str:
    if x >= 1e9:
        return f"{x / 1e9:g}bn won"
    return f"{x / 1e6:g}M won"
