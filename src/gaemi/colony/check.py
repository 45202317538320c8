"""The calibration event: March 2020 (../shared/colony/calibration.md, C1).

:func:`march_2020` compares a colony run over a window of history that covers 2020-02-20 ..
2020-03-24 (``gaemi colony --from 2020-02-21 --to 2020-03-24``) with the published facts: the
margin-loan balance from above 10.5T won (2020-02-20) to 6.44T (2020-03-24), about -39 %, while
margin forced sales over March were only ~0.4T won. The balance is compared as a change from the
window's start (the start itself is an input: ``calibration_as_of`` sets it to 10.5T, and a sample of
agents draws it within sampling error). What was fitted and what is only a check is said per row.
"""

from __future__ import annotations

from typing import Any

START = "2020-02-20"
START_BALANCE = 10.5e12
SRC_YNA = "https://en.yna.co.kr/view/AEN20200319001400320"

#: (date, balance KRW, kind, tolerance in percentage points of the change, source)
BALANCE_FACTS: tuple[tuple[str, float, str, float, str], ...] = (
    ("2020-03-11", 10.13e12, "check", 0.05, "https://hankyung.com/article/202003139712i"),
    ("2020-03-17", 8.54e12, "check", 0.05, SRC_YNA),
    ("2020-03-24", 6.44e12, "fitted", 0.05, "https://econotimes.com/Leverage-Investments-up-by-34-in-a-Month-1580940"),
)
#: 2020-03-23: "below 7T" (an upper bound, checked as such)
BELOW_7T = ("2020-03-23", 7.0e12, "https://m-en.yna.co.kr/view/AEN20200325001200320")
#: margin (신용) forced sales in March 2020: 395.2bn won for the whole month
MARCH_FORCED = (395.2e9, 0.35, "https://m.pulsenews.co.kr/view.php?sc=30800020&year=2021&no=867441 ; "
                                 "https://www.dailygrid.net/news/articleView.html?idxno=386401")
#: forced-sale proceeds over the balance's fall: ~0.4T of ~4.1T (>= 90 % was not forced sales);
#: the bound allows for the sampling error of a 100k-agent colony
FORCED_SHARE_MAX = 0.125


def covers(result) -> bool:
    """Whether the run is a window of history from 2020-02-20's close through 2020-03-24."""
    sh = result.shock
    return bool(sh.kind == "history" and sh.as_of == START and sh.dates and "2020-03-24" in sh.dates)


def march_2020(result) -> list[dict[str, Any]]:
    """One row per fact: ``target``, ``label_en``, ``label_ko``, ``model``, ``fact``, ``error``,
    ``tolerance``, ``within``, ``kind`` ("fitted": the behaviour parameters were chosen to meet it;
    "check": not fitted), ``source``. Empty unless :func:`covers` holds."""
    if not covers(result):
        return []
    s = result.summary()
    days = s["days"]
    bal = s["margin_balance_by_day"]
    b0 = bal[0]
    rows: list[dict[str, Any]] = []

    def change(day: str) -> float:
        return bal[days.index(day)] / b0 - 1.0

    for day, value, kind, tol, src in BALANCE_FACTS:
        fact = value / START_BALANCE - 1.0
        model = change(day)
        rows.append({"target": f"margin_balance_change.{day}", "label_en": f"Margin-loan balance change {START} → {day}",
                     "label_ko": f"신용융자 잔고 변화 {START} → {day}", "model": model, "fact": fact,
                     "error": model - fact, "tolerance": tol, "within": abs(model - fact) <= tol, "kind": kind,
                     "unit": "change", "source": src})
    day, cap, src = BELOW_7T
    fact = cap / START_BALANCE - 1.0
    model = change(day)
    rows.append({"target": f"margin_balance_change.{day}", "label_en": f"Margin-loan balance change {START} → {day} "
                 "(below 7T won: at most)", "label_ko": f"신용융자 잔고 변화 {START} → {day} (7조 원 미만: 이하)",
                 "model": model, "fact": fact, "error": model - fact, "tolerance": 0.0, "within": model <= fact,
                 "kind": "check", "unit": "change", "source": src})
    march = sum(f for d, f in zip(days[1:], s["forced_sales_krw_by_day"]) if d.startswith("2020-03"))
    value, tol, src = MARCH_FORCED
    rows.append({"target": "forced_sales.2020-03", "label_en": "Margin forced sales in March 2020 (window days)",
                 "label_ko": "2020년 3월 신용 반대매매 (구간 안의 날)", "model": march, "fact": value,
                 "error": march / value - 1.0, "tolerance": tol, "within": abs(march / value - 1.0) <= tol,
                 "kind": "fitted", "unit": "krw", "source": src})
    fall = b0 - bal[days.index("2020-03-24")]
    share = s["margin_repaid_krw"]["forced_sales"] / fall if fall > 0 else None
    rows.append({"target": "forced_share_of_fall", "label_en": "Forced-sale repayments / fall of the balance (at most)",
                 "label_ko": "잔고 감소 중 반대매매로 갚은 비중 (이하)", "model": share, "fact": 0.4e12 / 4.1e12,
                 "error": None if share is None else share - 0.4e12 / 4.1e12, "tolerance": FORCED_SHARE_MAX,
                 "within": share is not None and share <= FORCED_SHARE_MAX, "kind": "check", "unit": "share",
                 "source": "DERIVED in ../shared/colony/calibration.md C1: ~0.4T forced of a ~4.1T fall"})
    return rows
