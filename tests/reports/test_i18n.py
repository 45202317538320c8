"""The ko/en string table and number formatting (glossary-ko.md is the reference for Korean)."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from gaemi.errors import ConfigError
from gaemi.reports import i18n
from gaemi.reports.i18n import (
    STRINGS,
    check_lang,
    fmt_money,
    fmt_money_short,
    fmt_pct,
    fmt_years,
    per100,
    text,
)
from gaemi.units import format_krw

# Latin tokens a Korean page may show (glossary: MDD, LTV, DSR; CVaR and ETF as the Korean press
# writes them; GARCH is a model's name; "gaemi" is the product's name)
ALLOWED_LATIN = {"MDD", "LTV", "DSR", "CVaR", "ETF", "GARCH", "gaemi"}


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_both_languages_have_the_same_keys_and_placeholders():
    assert set(STRINGS["ko"]) == set(STRINGS["en"])
    for key, en in STRINGS["en"].items():
        ko = STRINGS["ko"][key]
        if isinstance(en, str):
            assert _fields(en) == _fields(ko), key
        else:
            assert len(en) == len(ko), key


def test_korean_strings_use_no_english_words():
    for key, ko in STRINGS["ko"].items():
        values = [ko] if isinstance(ko, str) else list(ko)
        for v in values:
            stripped = re.sub(r"\{[^}]*\}", "", v)
            words = set(re.findall(r"[A-Za-z]{2,}", stripped)) - ALLOWED_LATIN
            assert not words, (key, words)


def test_english_strings_have_no_hangul():
    for key, en in STRINGS["en"].items():
        for v in [en] if isinstance(en, str) else en:
            assert not re.search(r"[\uac00-\ud7a3]", v), key


def test_korean_uses_the_glossary_words():
    ko = " ".join(v for v in STRINGS["ko"].values() if isinstance(v, str))
    for word in ("반대매매", "깡통계좌", "내 집 마련", "최대 낙폭", "변동성 끌림", "졸업", "중앙값", "확률",
                 "몬테카를로", "신용융자", "100번 중"):
        assert word in ko, word


@pytest.mark.parametrize("bad", ["fr", "", None, "KO", "english"])
def test_unknown_language_is_a_config_error(bad):
    with pytest.raises(ConfigError) as err:
        check_lang(bad)
    assert err.value.field == "lang" and err.value.value == bad and err.value.allowed == "ko or en"


def test_format_krw_matches_the_glossary():
    # glossary-ko.md, "Amounts in KRW"
    assert format_krw(1_106_000_000, "ko") == "11억 600만 원"
    assert format_krw(140_000_000, "ko") == "1억 4,000만 원"
    assert format_krw(1_106_000_000, "en") == "1,106,000,000 KRW"
    assert format_krw(0, "ko") == "0 원"
    assert format_krw(-140_000_000, "ko") == "-1억 4,000만 원"
    assert format_krw(2 * 10**12 + 3 * 10**8, "ko") == "2조 3억 원"
    # tables may use 억 with one decimal ("11.1억")
    assert fmt_money_short(1_106_000_000, "KRW", "ko") == "11.1억"


def test_prose_money_is_rounded_to_four_digits_and_never_below_man():
    assert fmt_money(1_116_900_822, "KRW", "ko") == "11억 1,700만 원"
    assert fmt_money(344_392_667, "KRW", "ko") == "3억 4,440만 원"
    assert fmt_money(1_234_567, "KRW", "ko") == "123만 원"
    assert fmt_money(1_116_900_822, "KRW", "en") == "1,117,000,000 KRW"
    assert fmt_money(1234.4, "USD", "en") == "$1,234"


def test_per100_counts_and_edges():
    assert per100(0.62, "en") == "62"
    assert per100(0.0, "ko") == "0"
    assert per100(1.0, "ko") == "100"
    assert per100(0.125, "en") == "13"  # half up
    assert per100(0.001, "en") == text("en", "less_than_one")
    assert per100(0.999, "ko") == text("ko", "over_99")


def test_percent_years_and_dates():
    assert fmt_pct(0.5565) == "56%" and fmt_pct(0.5565, 1) == "55.6%" and fmt_pct(0.37, signed=True) == "+37%"
    assert fmt_years(10.0002) == "10" and fmt_years(8.144) == "8.1"
    assert i18n.fmt_date(date(2007, 6, 4), "ko") == "2007년 6월 4일"
    assert i18n.fmt_date(date(2007, 6, 4), "en") == "4 Jun 2007"
    assert i18n.fmt_month(date(2014, 12, 1), "ko") == "2014년 12월"
