"""Korean indices, ETFs and stocks (KRX) via ``pykrx``, with ``FinanceDataReader`` as fallback.

Since 2026 KRX's data portal needs a member login for these endpoints: pykrx reads it from the
environment variables ``KRX_ID`` and ``KRX_PW`` (https://data.krx.co.kr membership). Without
them the ``pykrx`` backend refuses with a clear error and the default ``auto`` backend falls
back to FinanceDataReader (whose index data carry the traded value, but whose ETF/stock
history has no turnover). Install with ``pip install 'gaemi[krx]'`` (pykrx; it pins
pandas < 3) and/or ``pip install 'gaemi[data]'`` (FinanceDataReader).

Symbols: ``KOSPI``, ``KOSDAQ``, ``KOSPI200`` (index level; turnover = 거래대금 of the market,
KRW) or a 6-digit code (``122630`` KODEX 레버리지, ``252670`` KODEX 200선물인버스2X, ``069500``
KODEX 200, ...). Stored as ``krx:KOSPI``, ``krx:122630``; calendar XKRX; currency KRW.

Turnover is KRX's alone: since 2025-03-04 Korean shares also trade on Nextrade (NXT), so
KRX turnover understates the market's total from then on.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from gaemi.data.connectors._common import KST, as_date, now_utc
from gaemi.data.connectors.http import FetchError
from gaemi.data.store import Instrument
from gaemi.errors import ConfigError

#: name -> (pykrx index ticker, FinanceDataReader symbol, description)
INDEXES = {
    "KOSPI": ("1001", "KS11", "KOSPI composite index; turnover = KOSPI 거래대금 (KRX)"),
    "KOSDAQ": ("2001", "KQ11", "KOSDAQ composite index; turnover = KOSDAQ 거래대금 (KRX)"),
    "KOSPI200": ("1028", "KS200", "KOSPI 200 index; turnover = constituents' 거래대금 (KRX)"),
}
BACKENDS = ("auto", "pykrx", "fdr")
_PYKRX_COLUMNS = {"시가": "open", "고가": "high", "저가": "low", "종가": "close",
                  "거래량": "volume", "거래대금": "turnover"}
_FDR_COLUMNS = {"Open": "open", "High": "high", "Low": "low", "Close": "close",
                "Volume": "volume", "Amount": "turnover", "Value": "turnover"}


def normalise(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """A pykrx / FinanceDataReader daily frame -> bars. Sessions without a trade (volume 0,
    open/high/low reported as 0 by KRX) keep their close and get empty open/high/low."""
    idx = pd.DatetimeIndex(pd.to_datetime(frame.index))
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    df = pd.DataFrame({"date": idx.normalize()})
    for src, dst in columns.items():
        if src in frame.columns and dst not in df.columns:
            v = frame[src]
            if v.dtype == object:
                v = v.astype(str).str.replace(",", "", regex=False).replace({"-": None, "": None})
            df[dst] = pd.to_numeric(v, errors="coerce").to_numpy(np.float64)
    for c in ("open", "high", "low", "close", "volume", "turnover"):
        if c not in df.columns:
            df[c] = np.nan
    for c in ("open", "high", "low"):
        df.loc[df[c] <= 0, c] = np.nan
    df = df[["date", "open", "high", "low", "close", "volume", "turnover"]]
    return df.sort_values("date").reset_index(drop=True)


def _load(module: str) -> Any:
    """Import pykrx / FinanceDataReader quietly (pykrx prints and may log in on import)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return __import__(module, fromlist=["_"])


class KrxConnector:
    source = "krx"

    def __init__(self, backend: str = "auto", pykrx: Any = None, fdr: Any = None,
                 env: Mapping[str, str] | None = None, as_of: datetime | None = None) -> None:
        if backend not in BACKENDS:
            raise ConfigError("backend", backend, "one of " + ", ".join(BACKENDS))
        self.backend = backend
        self._pykrx = pykrx
        self._fdr = fdr
        self.env = os.environ if env is None else env
        self.as_of = as_of
        self.notes: list[str] = []

    # backends ----------------------------------------------------------------------------
    def _pykrx_stock(self) -> Any:
        if not (self.env.get("KRX_ID") and self.env.get("KRX_PW")):
            raise ConfigError("KRX_ID/KRX_PW", "not set",
                              "your data.krx.co.kr member id and password in the environment "
                              "variables KRX_ID and KRX_PW (KRX requires a login since 2026)")
        if self._pykrx is None:
            try:
                self._pykrx = _load("pykrx.stock")
            except ImportError as err:
                raise FetchError("krx: pykrx is not installed (pip install 'gaemi[krx]')") from err
        return self._pykrx

    def _fdr_module(self) -> Any:
        if self._fdr is None:
            try:
                self._fdr = _load("FinanceDataReader")
            except ImportError as err:
                raise FetchError("krx: FinanceDataReader is not installed "
                                 "(pip install 'gaemi[data]')") from err
        return self._fdr

    def _via_pykrx(self, name: str, start: date, end: date) -> pd.DataFrame:
        stock = self._pykrx_stock()
        s, e = start.strftime("%Y%m%d"), end.strftime("%Y%m%d")
        try:
            if name in INDEXES:
                raw = stock.get_index_ohlcv_by_date(s, e, INDEXES[name][0], name_display=False)
            else:
                raw = stock.get_etf_ohlcv_by_date(s, e, name)
                if raw is None or len(raw) == 0:
                    raw = stock.get_market_ohlcv_by_date(s, e, name)
        except Exception as err:  # pykrx raises many kinds; translate at the edge
            raise FetchError(f"krx (pykrx) {name}: {type(err).__name__}: {err}") from err
        return normalise(raw, _PYKRX_COLUMNS)

    def _via_fdr(self, name: str, start: date, end: date) -> pd.DataFrame:
        fdr = self._fdr_module()
        code = INDEXES[name][1] if name in INDEXES else name
        try:
            raw = fdr.DataReader(code, start.isoformat(), end.isoformat())
        except Exception as err:
            raise FetchError(f"krx (FinanceDataReader) {name}: {type(err).__name__}: {err}") from err
        return normalise(raw, _FDR_COLUMNS)

    def bars(self, name: str, start: date, end: date) -> pd.DataFrame:
        if self.backend == "pykrx":
            return self._via_pykrx(name, start, end)
        if self.backend == "fdr":
            return self._via_fdr(name, start, end)
        try:
            return self._via_pykrx(name, start, end)
        except (ConfigError, FetchError) as first:
            self.notes.append(f"{name}: pykrx unavailable ({first}); used FinanceDataReader")
            try:
                return self._via_fdr(name, start, end)
            except FetchError as second:
                raise FetchError(f"krx {name}: pykrx failed ({first}); FinanceDataReader "
                                 f"failed ({second})") from second

    def instrument(self, name: str) -> Instrument:
        if name in INDEXES:
            return Instrument(f"krx:{name}", "price", "KRW", "XKRX", "krx", name=INDEXES[name][2],
                              venue="krx", asset_class="index", native=INDEXES[name][0],
                              note="price index; turnover KRX only (Nextrade from 2025-03-04 "
                                   "not included)")
        return Instrument(f"krx:{name}", "price", "KRW", "XKRX", "krx", name=name, venue="krx",
                          asset_class="etf/stock", native=name,
                          note="raw close (no dividend adjustment); turnover = 거래대금, KRX only")

    def fetch(self, symbols: Sequence[str], since: Any = None, until: Any = None
              ) -> list[tuple[Instrument, pd.DataFrame]]:
        s, u = as_date(since, "since"), as_date(until, "until")
        today = now_utc(self.as_of).astimezone(KST).date()
        start = s or date(1995, 1, 1)
        end = min(u, today - timedelta(days=1)) if u else today - timedelta(days=1)
        out = []
        for sym in symbols:
            name = sym.strip().upper()
            if name not in INDEXES and not re.fullmatch(r"[0-9A-Z]{6}", name):
                raise ConfigError("symbol", sym, "KOSPI, KOSDAQ, KOSPI200 or a 6-digit KRX code "
                                  "like 122630")
            df = self.bars(name, start, end)
            df = df[(df["date"].dt.date >= start) & (df["date"].dt.date <= end)]
            out.append((self.instrument(name), df.reset_index(drop=True)))
        return out
