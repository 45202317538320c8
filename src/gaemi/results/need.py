"""NeedResult: what a plan would need (saving, years or home price) to reach its goal safely.

Probabilities are fractions of paths; money is in the plan's currency. ``p_ruin`` is always
``SimulationResult.summary()["p_ruin_any"]``: at least one forced sale (반대매매), or net wealth at
or below the ruin floor (``plan.ruin_floor`` x money put in) at some close, or negative equity.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

RUIN_DEFINITION = ("p_ruin = p_ruin_any: share of futures with at least one forced sale, or net wealth at or "
                   "below the ruin floor (ruin_floor x money put in) at some close, or negative equity, "
                   "by the horizon")
UNITS = {"saving": "currency a month", "years": "years", "price": "currency"}


@dataclass(frozen=True)
class Evaluation:
    """One candidate tried: the value (saving a month, years, or price), P(goal), P(ruin)."""

    value: float
    p_goal: float
    p_ruin: float


@dataclass(frozen=True)
class NeedResult:
    """The smallest saving / fewest years / highest price that reaches P(goal) >= ``target`` with
    P(ruin) <= ``ruin_limit``, on one set of futures (common random numbers), beside the plan's
    own odds.

    ``value`` is None when no value within ``bounds`` does it (``feasible`` False); ``reason``
    then says which condition fails: ``"goal"`` (P(goal) stays below the target) or ``"ruin"``
    (P(ruin) stays above the limit wherever P(goal) reaches the target). ``bound_*`` are the
    figures that show why: at the far end of the search (the largest saving, the longest
    horizon, the lowest price), or for ``years`` with reason ``"ruin"`` at the first horizon
    that reaches the target (a longer one only adds ruin). ``at_bound``: the condition still held at the end of the search
    range (for ``price``: every price up to the upper bound does it; the answer is "at least").
    """

    plan: str
    title: str
    solve: str  # saving | years | price
    goal_kind: str  # home | amount
    currency: str
    target: float
    ruin_limit: float
    value: float | None
    feasible: bool
    reason: str | None
    at_bound: bool
    p_goal: float | None  # at the solution
    p_ruin: float | None
    own_value: float  # the plan's own saving / horizon / price
    own_p_goal: float
    own_p_ruin: float
    bound_value: float | None
    bound_p_goal: float | None
    bound_p_ruin: float | None
    horizon_years: float | None  # the horizon of every run (None when the horizon is solved)
    bounds: tuple[float, float]
    tolerance: float  # relative
    abs_tolerance: float  # plan currency (saving, price) or years
    evaluations: tuple[Evaluation, ...]
    model: str
    paths: int
    seed: int
    check: dict[str, Any] | None = None  # years: a run at the solved horizon, on the same seed
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        """Solution minus the plan's own value (None when infeasible)."""
        return None if self.value is None else self.value - self.own_value

    def summary(self) -> dict[str, Any]:
        from gaemi.results.simulation import SCHEMA_VERSION, _clean

        d = asdict(self)
        d["evaluations"] = [asdict(e) for e in self.evaluations]
        d["bounds"] = list(self.bounds)
        d["change"] = self.change
        d["unit"] = UNITS[self.solve]
        d["ruin_definition"] = RUIN_DEFINITION
        # what history the answer stands on, and its warnings (issue 13 §1), from the runs' provenance
        d["history"] = self.provenance.get("history")
        d["warnings"] = list(self.provenance.get("warnings", []))
        d["sentence"] = {"en": self.sentence("en"), "ko": self.sentence("ko")}
        d["schema_version"] = SCHEMA_VERSION
        return _clean(d)

    def to_json(self, **kw) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, default=str, **kw)

    # ------------------------------------------------------------------ words
    def format_value(self, value: float | None, lang: str = "en") -> str:
        """A solved or own value for people: money (만/억 in Korean) or years (and months)."""
        if value is None:
            return "—"
        if self.solve == "years":
            return fmt_years_months(value, lang)
        from gaemi.reports.i18n import fmt_money

        return fmt_money(value, self.currency, lang)

    def sentence(self, lang: str = "en") -> str:
        """One or two sentences: the solution (or why there is none) beside the plan's own odds."""
        from gaemi.reports.i18n import check_lang

        lang = check_lang(lang)
        v = lambda x: self.format_value(x, lang)  # noqa: E731
        home = self.goal_kind == "home"
        horizon = fmt_years_months(self.horizon_years, lang) if self.horizon_years is not None else None
        own_h = horizon or fmt_years_months(self.own_value, lang)
        if lang == "ko":
            goal = "내 집 마련" if home else "목표 금액 달성"
            own = (f"지금 계획대로면 {own_h} 안에 {goal}은 {_ko(self.own_p_goal)}, "
                   f"위험(반대매매·손실 한계선·빚)은 {_ko(self.own_p_ruin, 'end')}.")
            if not self.feasible:
                why = (f"{goal} {_ko(self.bound_p_goal, 'noun')}" if self.reason == "goal"
                       else f"위험 {_ko(self.bound_p_ruin, 'noun')}")
                what = {"saving": "월 저축액", "years": "기간", "price": "집값" if home else "목표 금액"}[self.solve]
                extra = {"saving": " 저축을 늘려도 반대매매 위험은 사라지지 않습니다.",
                         "years": " 기간을 늘리면 위험은 늘기만 합니다.",
                         "price": ""}[self.solve] if self.reason == "ruin" else ""
                return (f"{self.plan}: 찾아본 범위({v(self.bounds[0])}~{v(self.bounds[1])})의 어떤 {what}으로도 "
                        f"{goal} 100번 중 {_n(self.target)}번 이상과 위험 100번 중 {_n(self.ruin_limit)}번 이하를 "
                        f"함께 이루지 못합니다({v(self.bound_value)}에서 {why}).{extra} {own}")
            odds = (f"{goal}은 {_ko(self.p_goal)}, 위험은 {_ko(self.p_ruin, 'end')}"
                    f"(한도 100번 중 {_n(self.ruin_limit)}번)")
            if self.solve == "saving":
                d = self.change or 0.0
                diff = f"지금보다 {v(abs(d))} {'더' if d > 0 else '덜'}" if abs(d) >= 1 else "지금과 같음"
                head = f"매달 {v(self.value)}씩 모으면({diff}) {horizon} 안에 "
            elif self.solve == "years":
                head = f"{v(self.value)}이면 "
            else:
                head = (f"{'집값' if home else '목표 금액'}이 {v(self.value)}"
                        f"{'보다 높아도' if self.at_bound else '까지라면'}(지금 {v(self.own_value)}) {horizon} 안에 ")
            return f"{self.plan}: {head}{odds}. {own}"
        goal = "the home" if home else "the goal"
        own = (f"As planned, over {own_h}: {goal} in {_en(self.own_p_goal)}, ruin (forced sale, ruin floor or "
               f"debt) in {_en(self.own_p_ruin)}.")
        if not self.feasible:
            what = {"saving": "monthly saving", "years": "horizon", "price": "home price" if home else "goal amount"}
            why = (f"{goal} in only {_en(self.bound_p_goal)}" if self.reason == "goal"
                   else f"ruin in {_en(self.bound_p_ruin)}")
            extra = {"saving": " More saving does not remove the forced-sale risk.",
                     "years": " A longer horizon only adds ruin risk.",
                     "price": ""}[self.solve] if self.reason == "ruin" else ""
            return (f"{self.plan}: no {what[self.solve]} from {v(self.bounds[0])} to {v(self.bounds[1])} reaches "
                    f"{goal} in {_n(self.target)} of 100 futures with ruin in at most {_n(self.ruin_limit)} of 100 "
                    f"(at {v(self.bound_value)}: {why}).{extra} {own}")
        odds = (f"{goal} in {_en(self.p_goal)}, with ruin in {_en(self.p_ruin)} (limit: {_n(self.ruin_limit)} "
                f"of 100)")
        if self.solve == "saving":
            d = self.change or 0.0
            diff = f"{v(abs(d))} {'more' if d > 0 else 'less'} than now" if abs(d) >= 1 else "as now"
            head = f"saving {v(self.value)} a month ({diff}), within {horizon} it reaches {odds}"
        elif self.solve == "years":
            head = f"in {v(self.value)} it reaches {odds}"
        else:
            what = "a home" if home else "a goal"
            head = (f"with {what} priced at {'at least ' if self.at_bound else ''}{v(self.value)} "
                    f"(now {v(self.own_value)}), within {horizon} it reaches {odds}")
        return f"{self.plan}: {head}. {own}"


def _n(p: float | None) -> str:
    from gaemi.reports.i18n import per100

    return per100(p or 0.0, "en")


def _en(p: float | None) -> str:
    """"62 of 100 futures", "none of the futures"."""
    if not p:
        return "none of the futures"
    from gaemi.reports.i18n import per100

    return f"{per100(p, 'en')} of 100 futures"


def _ko(p: float | None, form: str = "mid") -> str:
    """"100번 중 62번" in the middle of a sentence ("mid"), "100번 중 62번입니다" at its end ("end"),
    "100번 중 62번" as a noun ("noun"); none: "한 번도 없고" / "한 번도 없습니다" / "한 번도 없음"."""
    if not p:
        return {"mid": "한 번도 없고", "end": "한 번도 없습니다", "noun": "한 번도 없음"}[form]
    from gaemi.reports.i18n import per100

    return f"100번 중 {per100(p, 'ko')}번" + ("입니다" if form == "end" else "")


def fmt_years_months(years: float | None, lang: str = "en") -> str:
    """12.5 -> "12 years 6 months" (en) / "12년 6개월" (ko); whole years alone."""
    if years is None or not math.isfinite(years):
        return "—"
    months = int(round(years * 12))
    y, m = divmod(months, 12)
    if lang == "ko":
        return f"{y}년" + (f" {m}개월" if m else "") if y else f"{m}개월"
    parts = []
    if y:
        parts.append(f"{y} year{'s' if y != 1 else ''}")
    if m or not y:
        parts.append(f"{m} month{'s' if m != 1 else ''}")
    return " ".join(parts)
