"""The "my plan" form: a built-in plan as form values, and form values back into a validated Plan.

The form holds what a person would change (money, holdings, the margin loan's main terms, the
goal, the horizon, graduation) and the run settings (model, crash, paths, seed). Everything else
(a fund's costs, the home-price index, the deposit rate, rebalancing ...) is carried over from the
built-in plan the person started from, so an unchanged form is exactly that plan.

Money is read as people type it (``1억 4천만``, ``150만 원``, ``140,000,000``) with
:func:`gaemi.units.parse_money`; percentages are typed as percent (``3`` = 3 %). The plan is
validated by the same pydantic :class:`~gaemi.config.plan.Plan` as the CLI's plan files; each
error is put next to the form field it concerns, in the page's language (:mod:`gaemi.web.words`).
No value from the form is ever a file path: presets, assets, crashes and the starting plan must
be names from the lists the form offers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from gaemi.web.words import FORM_ASSETS, check_lang, word

MAX_HOLDINGS = 4
MONEY_FIELDS = ("capital", "monthly_saving", "price", "income", "goal_amount")
PERCENT_FIELDS = ("saving_growth", "maintenance_ratio") + tuple(f"h{k}_weight" for k in range(MAX_HOLDINGS))
MARGIN_FIELDS = ("loan_to_equity", "maintenance_ratio", "call_deadline_days", "forced_sale")
GOAL_KINDS = ("home", "amount", "none")
DEFAULT_BASE = "all-in-margin"
DEFAULT_PATHS = 2000
#: the four starting points the issue names first, then the other built-in plans
FEATURED = ("all-in-margin", "tqqq-salary", "severance-altcoins", "safe")


@lru_cache(maxsize=1)
def base_names() -> tuple[str, ...]:
    """Built-in plans, the featured four first."""
    from gaemi.config.io import builtin_plan_names

    names = builtin_plan_names()
    return tuple([n for n in FEATURED if n in names] + [n for n in names if n not in FEATURED])


@lru_cache(maxsize=32)
def base_plan(name: str):
    from gaemi.config.io import load_plan

    if name not in base_names():
        raise KeyError(name)
    return load_plan(name)


@lru_cache(maxsize=1)
def preset_choices() -> tuple[tuple[str, str], ...]:
    """(name, currency) of every built-in lending-rules preset."""
    from gaemi.config.lending import load_rules, preset_names

    return tuple((n, load_rules(n).currency) for n in preset_names())


def model_names() -> tuple[str, ...]:
    from gaemi.montecarlo import MODELS

    return tuple(MODELS)


@lru_cache(maxsize=1)
def crash_names() -> tuple[str, ...]:
    from gaemi.scenarios import list_crashes

    return tuple(c.name for c in list_crashes())


def _num(x: float) -> str:
    """A number for an input box: 0.5 -> "0.5", 140.0 -> "140" (no float noise)."""
    r = round(float(x), 6)
    return f"{r:.6f}".rstrip("0").rstrip(".") if r != int(r) else str(int(r))


def money_text(amount: float, lang: str) -> str:
    """An amount as the form shows it back: ``1억 4,000만 원`` (ko) or ``140,000,000`` (en);
    both are read back exactly by :func:`gaemi.units.parse_money`."""
    from gaemi.units import format_krw

    if lang == "ko":
        return format_krw(amount, "ko")
    return f"{amount:,.0f}"


def defaults(base: str, lang: str = "ko") -> dict[str, str]:
    """The form's values for the built-in plan ``base`` (text, as the inputs show them)."""
    plan = base_plan(base)
    v: dict[str, str] = {"base": base, "name": plan.name}
    inv = plan.investor
    v["capital"] = money_text(inv.capital, lang)
    v["monthly_saving"] = money_text(inv.monthly_saving, lang)
    v["saving_growth"] = _num(100 * inv.saving_growth)
    for k in range(MAX_HOLDINGS):
        h = plan.holdings[k] if k < len(plan.holdings) else None
        v[f"h{k}_asset"] = h.asset if h else ""
        v[f"h{k}_weight"] = _num(100 * h.weight) if h else ""
        v[f"h{k}_leverage"] = _num(h.leverage) if h else "1"
    m = plan.margin
    from gaemi.config.plan import Margin

    mm = m or Margin(loan_to_equity=1.0)
    v["margin_on"] = "on" if m is not None else ""
    v["loan_to_equity"] = _num(mm.loan_to_equity)
    v["maintenance_ratio"] = _num(100 * mm.maintenance_ratio)
    v["call_deadline_days"] = str(mm.call_deadline_days)
    v["forced_sale"] = mm.forced_sale
    g = plan.goal
    v["goal_kind"] = "none" if g is None else g.kind
    home = g if g is not None and g.kind == "home" else None
    v["price"] = money_text(home.price if home else 1_106_000_000, lang)
    v["preset"] = home.preset if home else "kr-2025-10"
    v["first_time_buyer"] = "on" if (home.first_time_buyer if home else True) else ""
    v["income"] = money_text(home.income if home else 70_000_000, lang)
    v["goal_amount"] = money_text(g.amount if g is not None and g.kind == "amount" else 500_000_000, lang)
    v["horizon_years"] = _num(plan.horizon_years)
    v["graduate"] = "on" if plan.graduate.enabled else ""
    v["model"] = "bootstrap"
    v["scenario"] = ""
    v["paths"] = str(DEFAULT_PATHS)
    v["seed"] = ""
    return v


def rate_tiers_text(base: str, lang: str) -> str:
    """The margin loan's interest tiers the form keeps from the built-in plan ``base`` (or the
    default loan's), in words: ``7일까지 연 4.9%, 15일까지 연 8.5%, 그 뒤 연 9.3%``."""
    from gaemi.config.plan import Margin

    plan = base_plan(base) if base in base_names() else None
    margin = plan.margin if plan is not None and plan.margin is not None else Margin(loan_to_equity=1.0)
    tiers = list(margin.rate_tiers)
    parts = []
    for k, (days, rate) in enumerate(tiers):
        r = f"{_num(100 * rate)}%"
        last = k == len(tiers) - 1 and k > 0
        parts.append(word(lang, "tier_then", rate=r) if last else word(lang, "tier_upto", days=_num(days), rate=r))
    return word(lang, "tier_join").join(parts)


@dataclass
class PlanForm:
    """A read form: the values as typed, the errors by field (in the page's language), the money
    amounts as read (formatted back), and, when there is no error, the plan and run settings."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    plan: Any = None
    run: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and self.plan is not None


def _text(form: Mapping[str, Any], key: str) -> str:
    v = form.get(key, "")
    if isinstance(v, (list, tuple)):
        v = v[-1] if v else ""
    return str(v if v is not None else "").strip()[:200]


_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")


def _parse_number(text: str) -> float | None:
    s = text.strip().rstrip("%").strip().replace("\u2212", "-")
    if not s or not _NUMBER.match(s) or not re.search(r"\d", s):
        return None
    v = float(s.replace(",", ""))
    return v if math.isfinite(v) else None


def _limit_text(field_name: str, value: float, lang: str) -> str:
    if field_name in MONEY_FIELDS:
        return money_text(value, lang)
    if field_name in PERCENT_FIELDS or field_name.endswith("_weight"):
        return f"{_num(100 * value)}%"
    return _num(value)


def _field_of(loc: tuple, rows: list[int]) -> str:
    """The form field a pydantic error location points at."""
    parts = [str(x) for x in loc]
    if not parts:
        return ""
    head = parts[0]
    if head == "investor":
        return parts[1] if len(parts) > 1 else "capital"
    if head == "holdings":
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            sub = parts[2] if len(parts) > 2 else "asset"
            return f"h{row}_{sub if sub in ('asset', 'weight', 'leverage') else 'asset'}"
        return "holdings"
    if head == "margin":
        return parts[1] if len(parts) > 1 and parts[1] in MARGIN_FIELDS else "maintenance_ratio"
    if head == "goal":
        rest = [p for p in parts[1:] if p not in ("home", "amount")]
        if not rest:
            return "goal_kind"
        name = rest[0]
        if name == "amount":
            return "goal_amount"
        return name if name in ("price", "income", "preset", "first_time_buyer") else "goal_kind"
    if head == "graduate":
        return "graduate"
    if head in ("name", "horizon_years"):
        return head
    return ""


def _message(err: dict, field_name: str, lang: str) -> tuple[str, str]:
    """(field, message in ``lang``) for one pydantic error."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", ""))
    bounds = {"greater_than": ("gt", "err_gt"), "greater_than_equal": ("ge", "err_ge"),
              "less_than": ("lt", "err_lt"), "less_than_equal": ("le", "err_le")}
    if kind in bounds:
        key, words_key = bounds[kind]
        return field_name, word(lang, words_key, limit=_limit_text(field_name, float(ctx[key]), lang))
    if kind == "margin_ineligible":
        return field_name, word(lang, "err_margin_ineligible")
    if kind == "no_money":
        return "capital", word(lang, "err_no_money")
    if kind == "does_not_apply":
        return field_name, word(lang, "err_deposit")
    if kind == "string_pattern_mismatch" or (field_name == "name" and kind == "string_too_short"):
        return field_name, word(lang, "err_name")
    if kind in ("literal_error", "union_tag_invalid", "enum"):
        return field_name, word(lang, "err_choice")
    if kind == "missing":
        return field_name, word(lang, "err_required")
    if "weights must sum" in msg:
        m = re.search(r"they sum to ([-+0-9.eE]+)", msg)
        total = _num(100 * float(m.group(1))) if m else "?"
        return "holdings", word(lang, "err_weights", total=total)
    if "years (the limit" in msg:
        m = re.search(r"at most (\d+)", msg)
        return "horizon_years", word(lang, "err_horizon_max", limit=m.group(1) if m else "60")
    if "maintenance_ratio * (1 - haircut)" in msg:
        return "maintenance_ratio", word(lang, "err_sale")
    if "graduate.enabled needs" in msg:
        return "graduate", word(lang, "err_graduate_goal")
    if "an amount such as" in msg:
        return field_name, word(lang, "err_money")
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        return field_name, word(lang, "err_number")
    return field_name, word(lang, "err_invalid")


def plan_errors(err, rows: list[int], lang: str) -> dict[str, str]:
    """Every error of a pydantic ValidationError of Plan, by form field, in ``lang``."""
    out: dict[str, str] = {}
    for e in err.errors():
        f, msg = _message(e, _field_of(tuple(e.get("loc", ())), rows), lang)
        out.setdefault(f or "form", msg)
    return out


def plan_error_from_api(path: str, lang: str) -> tuple[str, str]:
    """(form field, message) for a plan field the API refused by its dotted path
    (``investor.capital``, ``holdings.0.asset``): the checks the form cannot make itself (a series
    missing from this server's data)."""
    parts = tuple(int(p) if p.isdigit() else p for p in path.split("."))
    f = _field_of(parts, list(range(MAX_HOLDINGS)))
    return (f or "form"), word(lang, "err_invalid")


def read_form(form: Mapping[str, Any], lang: str = "ko", max_paths: int | None = None) -> PlanForm:
    """Form values -> a validated Plan and run settings, or errors by field (in ``lang``)."""
    from pydantic import ValidationError

    from gaemi.config.plan import Plan
    from gaemi.errors import ConfigError
    from gaemi.units import parse_money

    lang = check_lang(lang)
    keys = ["base", "name", *MONEY_FIELDS, "saving_growth", "margin_on", *MARGIN_FIELDS, "goal_kind", "preset",
            "first_time_buyer", "horizon_years", "graduate", "model", "scenario", "paths", "seed"]
    keys += [f"h{k}_{c}" for k in range(MAX_HOLDINGS) for c in ("asset", "weight", "leverage")]
    values = {k: _text(form, k) for k in keys}
    out = PlanForm(values=values)
    errors = out.errors

    base = values["base"] or DEFAULT_BASE
    if base not in base_names():
        errors["base"] = word(lang, "err_choice")
        return out
    plan0 = base_plan(base)
    data = plan0.model_dump(mode="json")

    def number(key: str, scale: float = 1.0, required: bool = True, whole: bool = False) -> float | None:
        text = values[key]
        if not text:
            if required:
                errors[key] = word(lang, "err_required")
            return None
        v = _parse_number(text)
        if v is None:
            errors[key] = word(lang, "err_number")
            return None
        if whole and v != int(v):
            errors[key] = word(lang, "err_int")
            return None
        return int(v) if whole else v / scale

    def money(key: str) -> float | None:
        text = values[key]
        if not text:
            errors[key] = word(lang, "err_required")
            return None
        try:
            v = parse_money(text, key)
        except ConfigError:
            errors[key] = word(lang, "err_money")
            return None
        out.shown[key] = money_text(v, lang)
        return v

    data["name"] = values["name"] or plan0.name
    inv = dict(data["investor"])
    for key in ("capital", "monthly_saving"):
        v = money(key)
        if v is not None:
            inv[key] = v
    g = number("saving_growth", 100.0)
    if g is not None:
        inv["saving_growth"] = g
    data["investor"] = inv

    holdings, rows = [], []
    base_holdings = data.get("holdings", [])
    for k in range(MAX_HOLDINGS):
        asset = values[f"h{k}_asset"]
        if not asset:
            continue
        if asset not in FORM_ASSETS:
            errors[f"h{k}_asset"] = word(lang, "err_choice")
            continue
        weight = number(f"h{k}_weight", 100.0)
        lev = number(f"h{k}_leverage") if values[f"h{k}_leverage"] else 1.0
        h: dict[str, Any] = {}
        old = base_holdings[k] if k < len(base_holdings) else None
        if old and old.get("asset") == asset and asset != "deposit":
            h = {kk: vv for kk, vv in old.items() if kk not in ("asset", "weight", "leverage")}
            if lev == 1.0:
                for kk in ("expense_ratio", "financing_spread", "structure", "rate", "termination_drop"):
                    h.pop(kk, None)
        h["asset"] = asset
        if weight is not None:
            h["weight"] = weight
        if lev is not None:
            h["leverage"] = lev
        holdings.append(h)
        rows.append(k)
    if not holdings and not any(key.startswith("h") for key in errors):
        errors["holdings"] = word(lang, "err_no_holding")
    data["holdings"] = holdings

    if values["margin_on"]:
        m = dict(data.get("margin") or {})
        for key in ("loan_to_equity", "maintenance_ratio", "call_deadline_days"):
            v = number(key, 100.0 if key == "maintenance_ratio" else 1.0, whole=key == "call_deadline_days")
            if v is not None:
                m[key] = v
        if values["forced_sale"] not in ("restore", "all"):
            errors["forced_sale"] = word(lang, "err_choice")
        else:
            m["forced_sale"] = values["forced_sale"]
        data["margin"] = m
    else:
        data.pop("margin", None)

    kind = values["goal_kind"] or "none"
    if kind not in GOAL_KINDS:
        errors["goal_kind"] = word(lang, "err_choice")
    elif kind == "home":
        old = data.get("goal") if (data.get("goal") or {}).get("kind") == "home" else {}
        goal = dict(old or {})
        goal["kind"] = "home"
        for key in ("price", "income"):
            v = money(key)
            if v is not None:
                goal[key] = v
        currency = data.get("currency", "KRW")
        if values["preset"] not in [n for n, c in preset_choices() if c == currency]:
            errors["preset"] = word(lang, "err_choice")
        else:
            goal["preset"] = values["preset"]
        goal["first_time_buyer"] = bool(values["first_time_buyer"])
        data["goal"] = goal
    elif kind == "amount":
        old = data.get("goal") if (data.get("goal") or {}).get("kind") == "amount" else {}
        goal = {**(old or {}), "kind": "amount"}
        v = money("goal_amount")
        if v is not None:
            goal["amount"] = v
        data["goal"] = goal
    else:
        data.pop("goal", None)

    horizon = number("horizon_years")
    if horizon is not None:
        data["horizon_years"] = horizon
    data["graduate"] = {"enabled": bool(values["graduate"])}

    # run settings: names from the lists, numbers in range
    run: dict[str, Any] = {}
    model = values["model"] or "bootstrap"
    if model not in model_names():
        errors["model"] = word(lang, "err_choice")
    run["model"] = model
    scen = values["scenario"]
    if scen and scen not in crash_names():
        errors["scenario"] = word(lang, "err_choice")
    run["scenario"] = scen or None
    if model == "historical":
        run["paths"] = None
    else:
        paths = number("paths", whole=True) if values["paths"] else DEFAULT_PATHS
        hi = max_paths or 100_000
        if paths is not None and not (1 <= paths <= hi):
            errors["paths"] = word(lang, "err_range", lo="1", hi=f"{hi:,}")
        run["paths"] = paths
    if values["seed"]:
        s = values["seed"].replace(",", "")
        if not s.isdigit() or len(s) > 19:
            errors["seed"] = word(lang, "err_seed")
        else:
            run["seed"] = int(s)
    else:
        run["seed"] = None
    out.run = run

    # the plan's own checks run even when a field could not be read (it keeps the built-in plan's
    # value), so every error shows at once; a weights total is not blamed on a row that has its own
    row_error = any(re.fullmatch(r"h\d_\w+", k) for k in errors)
    try:
        out.plan = Plan.model_validate(data)
    except ValidationError as err:
        for f, msg in plan_errors(err, rows, lang).items():
            if not (f == "holdings" and row_error):
                errors.setdefault(f, msg)
        out.plan = None
    if errors:
        out.plan = None
    return out


__all__ = ["DEFAULT_BASE", "MAX_HOLDINGS", "MONEY_FIELDS", "PlanForm", "base_names", "base_plan", "crash_names",
           "defaults", "model_names", "money_text", "plan_errors", "preset_choices", "read_form"]
