"""One-off: (re)build published_figures.csv and the compact daily CSVs in this folder.

    python tests/reference/real_funds/derive_figures.py \
        --dsturdy /path/to/dsturdy/Factor_Attribution_5_csvs --quantkang /path/to/QuantKang/stock_data

Both arguments are git directories (a clone, or a bare mirror) of the public repositories named
in SOURCES.md; files are read with ``git show COMMIT:PATH`` at the pinned commits below, so the
output does not depend on what the repositories hold later. Nothing in gaemi reads this script.

Two kinds of rows are written:

* **computed** rows: calendar-year and multi-year returns computed here from daily closes in
  those repositories (U.S.: Yahoo Finance adjusted closes, i.e. split- and distribution-adjusted;
  KRX: raw market closes). ``basis = price``.
* **transcribed** rows (``MANUAL`` below): figures as printed by the issuer or a named article,
  each with its URL. Where the page's own as-of date was not in the stored text the note says
  how it was inferred.

Window convention for every return row: bought at the last close *before* ``period_start``
(for an issuer's since-inception figure: at the inception NAV), sold at the last close on or
before ``period_end``. ``value`` is a fraction. ``annualized_return`` rows are the published
annualised (CAGR) figure over the window; all other return rows are total (cumulative) returns.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

DSTURDY_COMMIT = "a206574f380c69cb147d5900c6115d54c74ce8d0"
QUANTKANG_COMMIT = "d0b6c979ff95eecfcd55840b8f0c8c37611e34fd"

COLUMNS = ["fund", "ticker", "country", "leverage", "underlying", "kind", "period_start",
           "period_end", "value", "basis", "source", "note"]

# ticker -> (fund name, country, leverage, underlying)
FUNDS = {
    "TQQQ": ("ProShares UltraPro QQQ", "US", 3, "NASDAQ-100"),
    "SQQQ": ("ProShares UltraPro Short QQQ", "US", -3, "NASDAQ-100"),
    "QLD": ("ProShares Ultra QQQ", "US", 2, "NASDAQ-100"),
    "UPRO": ("ProShares UltraPro S&P500", "US", 3, "S&P 500"),
    "SSO": ("ProShares Ultra S&P500", "US", 2, "S&P 500"),
    "SPXU": ("ProShares UltraPro Short S&P500", "US", -3, "S&P 500"),
    "SDS": ("ProShares UltraShort S&P500", "US", -2, "S&P 500"),
    "SH": ("ProShares Short S&P500", "US", -1, "S&P 500"),
    "122630": ("KODEX 레버리지 (KODEX Leverage)", "KR", 2, "KOSPI 200"),
    "252670": ("KODEX 200선물인버스2X (KODEX 200 Futures Inverse 2X)", "KR", -2, "F-KOSPI200"),
    "114800": ("KODEX 인버스 (KODEX Inverse)", "KR", -1, "F-KOSPI200"),
    "123320": ("TIGER 레버리지 (TIGER Leverage)", "KR", 2, "KOSPI 200"),
}

US_LAST_FULL_YEAR = 2025
KR_DATA_END = "2023-12-22"  # last row of the QuantKang files (KRX's last 2023 session was 12-28)
COMPACT = ("TQQQ", "UPRO", "122630", "252670")  # daily closes copied into this folder

PS = "https://www.proshares.com/our-etfs/leveraged-and-inverse/"


def _git_show(repo: str, commit: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", _git_dir(repo), "show", f"{commit}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def _git_dir(repo: str) -> str:
    p = Path(repo)
    return str(p / ".git") if (p / ".git").exists() else str(p)


def load_us(repo: str, ticker: str) -> pd.Series:
    df = pd.read_csv(io.StringIO(_git_show(repo, DSTURDY_COMMIT, f"data/{ticker}.csv")),
                     parse_dates=["Date"])
    s = df.set_index("Date")["Close"].astype(float)
    _check(s, ticker)
    return s


def load_kr(repo: str, code: str) -> pd.Series:
    df = pd.read_csv(io.StringIO(_git_show(repo, QUANTKANG_COMMIT, f"D/{code}_D.csv")),
                     dtype={"date": str})
    s = pd.Series(df["close"].astype(float).to_numpy(),
                  index=pd.to_datetime(df["date"], format="%Y%m%d"))
    _check(s, code)
    return s


def _check(s: pd.Series, name: str) -> None:
    if not s.index.is_monotonic_increasing or s.index.has_duplicates:
        raise SystemExit(f"{name}: dates not strictly increasing")
    if not (s > 0).all():
        raise SystemExit(f"{name}: non-positive closes")
    gap = s.index.to_series().diff().dt.days.max()
    if gap > 12:
        raise SystemExit(f"{name}: a {gap}-day gap")


def window_return(s: pd.Series, start: str, end: str) -> float:
    before = s[s.index < pd.Timestamp(start)]
    upto = s[s.index <= pd.Timestamp(end)]
    return float(upto.iloc[-1] / before.iloc[-1] - 1)


def row(ticker, kind, start, end, value, basis, source, note):
    name, country, lev, und = FUNDS[ticker]
    return {"fund": name, "ticker": ticker, "country": country, "leverage": lev, "underlying": und,
            "kind": kind, "period_start": start, "period_end": end,
            "value": "" if value is None else f"{value:.6f}", "basis": basis, "source": source,
            "note": note}


def computed_rows(dsturdy: str, quantkang: str) -> tuple[list[dict], dict[str, pd.Series]]:
    rows: list[dict] = []
    series: dict[str, pd.Series] = {}
    for t in ("TQQQ", "SQQQ", "QLD", "UPRO", "SSO", "SPXU", "SDS", "SH"):
        s = load_us(dsturdy, t)
        series[t] = s
        src = f"github:dsturdy/Factor_Attribution_5_csvs:data/{t}.csv@{DSTURDY_COMMIT}"
        note = ("computed here from Yahoo Finance adjusted closes (splits and distributions "
                "reinvested at the ex-date close); agrees with the issuer's NAV returns within "
                "0.35 pp on the checked windows (SOURCES.md)")
        first_full = s.index[0].year + 1
        for y in range(first_full, US_LAST_FULL_YEAR + 1):
            rows.append(row(t, "calendar_year_return", f"{y}-01-01", f"{y}-12-31",
                            window_return(s, f"{y}-01-01", f"{y}-12-31"), "price", src, note))
        for a, b in ((f"{first_full}-01-01", f"{US_LAST_FULL_YEAR}-12-31"),
                     (f"{US_LAST_FULL_YEAR - 9}-01-01", f"{US_LAST_FULL_YEAR}-12-31")):
            rows.append(row(t, "cumulative_return", a, b, window_return(s, a, b), "price", src, note))
    for code in ("122630", "252670", "114800"):
        s = load_kr(quantkang, code)
        series[code] = s
        src = f"github:QuantKang/stock_data:D/{code}_D.csv@{QUANTKANG_COMMIT}"
        note = ("computed here from KRX daily market closes (not NAV)"
                + ("; the fund pays no distributions (reinvests), so price = total return"
                   if code in ("122630", "252670") else "; distributions, if any, not added back"))
        first_full = s.index[0].year + 1
        for y in range(first_full, 2024):
            end = f"{y}-12-31" if y < 2023 else KR_DATA_END
            extra = "" if y < 2023 else "; 2023 only to 12-22 (end of the source file)"
            rows.append(row(code, "calendar_year_return", f"{y}-01-01", end,
                            window_return(s, f"{y}-01-01", end), "price", src, note + extra))
        first_day = (s.index[1]).strftime("%Y-%m-%d")  # bought at the first (listing-day) close
        # windows to the end of 2022 as well as to the end of the file: the embedded KRW rate
        # series (kr_cd91) end in 2023-05, so only the former can be synthesised today
        for end in ("2022-12-31", KR_DATA_END):
            rows.append(row(code, "cumulative_return", first_day, end,
                            window_return(s, first_day, end), "price", src,
                            note + "; from the listing-day close"))
            if first_full < 2017:
                rows.append(row(code, "cumulative_return", "2017-01-01", end,
                                window_return(s, "2017-01-01", end), "price", src, note))
    return rows, series


def _ps(ticker, asof, figures, url, how, inception=None, basis="nav"):
    """Rows for one ProShares performance table (NAV): figures = {'1Y': pct, '3Y': ..., 'SI': ...}."""
    out = []
    end = pd.Timestamp(asof)
    for k, pct in figures.items():
        if k == "SI":
            start, kind = inception, "annualized_return"
        else:
            n = int(k[:-1])
            start = ((end - pd.DateOffset(years=n)) + pd.offsets.MonthEnd(0)
                     + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
            kind = "cumulative_return" if n == 1 else "annualized_return"
        lab = "since inception" if k == "SI" else k
        out.append(row(ticker, kind, start, asof, pct / 100, basis, url,
                       f"issuer NAV total return, {lab}"
                       + (" (annualised)" if kind == "annualized_return" else "") + "; " + how))
    return out


def manual_rows() -> list[dict]:
    r: list[dict] = []
    inf = ("as-of date not printed in the stored page text; inferred as the month end at which "
           "all 8 trailing windows on the page match Yahoo adjusted closes (max diff {d} pp)")
    # --- ProShares performance tables (NAV) ---
    r += _ps("TQQQ", "2023-08-31", {"1Y": 54.64, "3Y": 1.97, "5Y": 18.97, "10Y": 38.73, "SI": 40.81},
             PS + "tqqq", "page snapshot 'Daily Return during Q3 2023', price as of 9/29/2023; "
             + inf.format(d="0.31"), inception="2010-02-09")
    r += _ps("QLD", "2024-03-31", {"1Y": 76.95, "3Y": 14.56, "5Y": 31.41, "10Y": 30.45, "SI": 23.97},
             "http://proshares.com/our-etfs/leveraged-and-inverse/qld",
             "page snapshot 'Daily Return during Q2 2024', price as of 5/01/2024; "
             + inf.format(d="0.31"), inception="2006-06-19")
    r += _ps("UPRO", "2022-05-31", {"1Y": -12.57, "3Y": 27.84, "5Y": 22.50, "10Y": 32.48, "SI": 33.72},
             PS + "upro", "page snapshot 'Daily Return during Q2 2022', price as of 6/24/2022; "
             + inf.format(d="0.18"), inception="2009-06-23")
    r += _ps("SQQQ", "2024-07-31", {"1Y": -45.53, "3Y": -39.12, "5Y": -58.93, "10Y": -52.41,
                                    "SI": -52.79},
             PS + "sqqq", "first of the two tables on the page snapshot; " + inf.format(d="0.14"),
             inception="2010-02-09")
    r += _ps("SPXU", "2024-10-31", {"1Y": -57.61, "3Y": -26.50, "5Y": -45.82, "10Y": -39.07,
                                    "SI": -42.91},
             "https://proshares.com/our-etfs/leveraged-and-inverse/spxu",
             "page snapshot, price as of 11/20/2024; " + inf.format(d="0.23"),
             inception="2009-06-23")
    r += _ps("SDS", "2024-11-30", {"1Y": -38.31, "3Y": -18.43, "5Y": -30.63, "10Y": -25.99,
                                   "SI": -25.05},
             "http://proshares.com/funds/sds.html", "first of the two tables on the page snapshot; "
             + inf.format(d="0.15"), inception="2006-07-11")
    r += _ps("SH", "2023-08-31", {"1Y": -9.77, "3Y": -10.31, "5Y": -12.00, "10Y": -12.87, "SI": -11.23},
             PS + "sh", "page snapshot 'Daily Return during Q3 2023', price as of 9/28/2023; "
             + inf.format(d="0.73 (1Y; the others within 0.2)"), inception="2006-06-19")
    r += _ps("SSO", "2023-06-30", {"1Y": 30.14, "5Y": 16.38, "10Y": 20.29, "SI": 12.98},
             "https://info.5y1.org/proshares-ultra-funds_1_ceb6c9.html",
             "ProShares SSO fact sheet 'As of 6/30/23' (third-party mirror of the PDF); date printed",
             inception="2006-06-19")
    # --- expense ratios (net, as printed) and inception dates ---
    er = [
        ("TQQQ", "2022-10-04", 0.0095, PS + "tqqq", "Expense Ratio 0.95% (gross 1.01%) on the page "
         "snapshot 'Daily Return during Q4 2022', price as of 10/04/2022"),
        ("TQQQ", "2023-09-29", 0.0086, PS + "tqqq", "Net Expense Ratio 0.86%* (gross 0.98%) on the "
         "Q3-2023 page snapshot; the asterisk (a footnote not in the stored text) usually marks a "
         "temporary fee waiver"),
        ("SQQQ", "2022-05-09", 0.0095, "https://www.etf.com/SQQQ", "etf.com summary (FactSet), as of 05/09/22"),
        ("QLD", "2024-05-01", 0.0095, "http://proshares.com/our-etfs/leveraged-and-inverse/qld",
         "net expense ratio (gross 0.98%), Q2-2024 page snapshot"),
        ("UPRO", "2022-06-24", 0.0091, PS + "upro", "expense ratio 0.91% (gross 0.91%), Q2-2022 page snapshot"),
        ("SSO", "2023-06-30", 0.0089, "https://info.5y1.org/proshares-ultra-funds_1_ceb6c9.html",
         "net = gross 0.89%, fact sheet as of 6/30/23"),
        ("SPXU", "2024-11-20", 0.0089, "https://proshares.com/our-etfs/leveraged-and-inverse/spxu",
         "net = gross 0.89%, page snapshot (price as of 11/20/2024)"),
        ("SDS", "2024-11-30", 0.0089, "http://proshares.com/funds/sds.html",
         "gross expense ratio 0.89% (the net figure is cut off in the stored text)"),
        ("SH", "2023-09-28", 0.0089, PS + "sh", "net = gross 0.89%, Q3-2023 page snapshot"),
        ("122630", "2010-03-18", 0.0093,
         "https://edaily.co.kr/News/Read?mediaCodeNo=257&newsId=01571126592906928",
         "'총 보수는 연 0.93%' one month after launch (edaily, 2010-03); when it was cut to 0.64% "
         "was not found"),
        ("122630", "2024-03-06", 0.0064, "https://tomspic.tistory.com/19",
         "보수(비용) 연 0.64%, blog table 'as of 2024-03-06'; same 0.64% on "
         "etf-calc.com/etf/tiger-leverage and april.lifewellstory.kr ('연간 총보수는 0.640%')"),
        ("252670", "2024-10-21", 0.0064, "https://dark.namu.moe/w/%EA%B3%B1%EB%B2%84%EC%8A%A4",
         "운용보수 연 0.640% (namu wiki mirror, revised 2024-10-21); same 0.64% on "
         "koreamobilegame.com (KRX data) and etf-calc.com"),
        ("114800", "2026-03-01", 0.0064, "https://etf-calc.com/etf/tiger-leverage",
         "related-ETF table: KODEX 인버스 0.64%/yr (page states 'March 2026' basis)"),
        ("123320", "2026-03-01", 0.0002, "https://etf-calc.com/etf/tiger-leverage",
         "Expense Ratio 0.02%/yr (page states 'March 2026' basis); approximate: rounded to 0.01 pp"),
    ]
    for t, asof, v, src, note in er:
        r.append(row(t, "expense_ratio", "", asof, v, "na", src, note))
    inc = [
        ("TQQQ", "2010-02-09", PS + "tqqq", "Inception Date 2/9/10"),
        ("SQQQ", "2010-02-09", PS + "sqqq", "Inception Date 02/09/2010"),
        ("QLD", "2006-06-19", PS + "qld", "Inception Date 6/19/06"),
        ("UPRO", "2009-06-23", PS + "upro", "Inception Date 6/23/09"),
        ("SSO", "2006-06-19", "https://info.5y1.org/proshares-ultra-funds_1_ceb6c9.html",
         "Inception Date 6/19/06"),
        ("SPXU", "2009-06-23", "https://proshares.com/our-etfs/leveraged-and-inverse/spxu",
         "Inception Date 6/23/09"),
        ("SDS", "2006-07-11", "http://proshares.com/funds/sds.html", "Inception Date 7/11/06"),
        ("SH", "2006-06-19", PS + "sh", "Inception Date 6/19/06"),
        ("122630", "2010-02-22", "https://edaily.co.kr/News/Read?mediaCodeNo=257&newsId=01403846592873144",
         "listed 2010-02-22 at 기준가 10,000원 (edaily, listing day); fund set up (설정) 2010-02-19 "
         "per a later edaily article"),
        ("252670", "2016-09-22", "https://dark.namu.moe/w/%EA%B3%B1%EB%B2%84%EC%8A%A4",
         "2016년 9월 22일 처음 설정 (namu wiki); first row of the QuantKang file is 2016-09-22"),
        ("114800", "2009-09-16", f"github:QuantKang/stock_data:D/114800_D.csv@{QUANTKANG_COMMIT}",
         "first trading day in the KRX price file; an article (wowmedias) dates individual "
         "trading from '2009년 9월' — approximate: not confirmed by the issuer"),
    ]
    for t, d, src, note in inc:
        r.append(row(t, "inception", d, d, None, "na", src, note))
    # --- Korean articles ---
    r.append(row("122630", "cumulative_return", "2010-02-19", "2010-03-18", 0.0762, "na",
                 "https://edaily.co.kr/News/Read?mediaCodeNo=257&newsId=01571126592906928",
                 "'지난달 19일 설정된 이후 이달 18일까지 누적 수익률 7.62%' (KOSPI 200: 4.6% over the "
                 "same days); year inferred as 2010 from the listing; basis not stated (probably NAV)"))
    r.append(row("114800", "cumulative_return", "2009-09-16", "2026-01-21", -0.7879, "na",
                 "https://biz.heraldcorp.com/article/10660909",
                 "'전날 종가 기준 KODEX 인버스의 상장 이후 누적 수익률은 -78.79%' (Herald 2026-01-22); "
                 "basis not stated"))
    r.append(row("114800", "cumulative_return", "2025-01-22", "2026-01-21", -0.5498, "na",
                 "https://biz.heraldcorp.com/article/10660909",
                 "'최근 1년 수익률은 -54.98%' at the 2026-01-21 close; exact start day of the year "
                 "not stated (approximate window)"))
    r.append(row("122630", "calendar_year_return", "2025-01-01", "2025-12-30", 2.4552, "price",
                 "https://www.xrpin.kr/2025/12/kodex-etf-1000-276.html?m=1",
                 "blog: 'YTD 수익률 +245.52%', 현재가 (12/30) 47,785원; approximate: a blog, not the "
                 "issuer; 2025-12-30 was the last KRX session of 2025"))
    return r


def write_compact(series: dict[str, pd.Series]) -> None:
    for t in COMPACT:
        s = series[t]
        kr = t.isdigit()
        path = HERE / f"{t.lower()}_daily.csv"
        with path.open("w", newline="") as fh:
            fh.write("date,close\n")
            for d, v in s.items():
                fh.write(f"{d:%Y-%m-%d},{int(v) if kr else format(v, '.7g')}\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dsturdy", required=True)
    ap.add_argument("--quantkang", required=True)
    ap.add_argument("--out", default=str(HERE / "published_figures.csv"))
    args = ap.parse_args(argv)
    rows, series = computed_rows(args.dsturdy, args.quantkang)
    rows += manual_rows()
    order = list(FUNDS)
    rows.sort(key=lambda r: (order.index(r["ticker"]), r["kind"], r["period_end"], r["period_start"]))
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    write_compact(series)
    print(f"{len(rows)} rows -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
