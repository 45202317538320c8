"""The heat report in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
as tests/reports/test_browser.py does for the simulation reports.

Each page is opened from disk with every request that is not file:// or data: blocked and
recorded. Required: no request attempted, no console error, every gauge with values has a rendered
plotly SVG that is not blank, no plotly toolbar, each chart's title is the result's title, x-axis
ticks are dates, a single-day gauge shows its point with its date, the Korean page is Korean (no
Latin word outside code spans and an allow-list; Hangul renders as glyphs) and the English page has
no Hangul outside code spans (Korean fund names).
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import pytest

from gaemi.heat import GAUGES, heat_from_sample
from gaemi.reports.heat_report import chart_id, write_heat_report
from tests.chromium import ARGS, CHROMIUM, HANGUL_GLYPHS_JS, open_offline


pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing (Debian package 'chromium'; .ci/run installs it)")

#: Latin a Korean page may show outside code: tickers, fund brands, the product's name
ALLOWED_LATIN = {"BTC", "ETH", "XRP", "DOGE", "SOL", "LUNA", "FTT", "USDT", "KRW", "USD", "ETF", "KODEX", "gaemi"}

VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, code')) continue;
    if (!n.textContent.trim()) continue;
    out.push(n.textContent);
  }
  return out;
}"""


def distinct_bytes(png: bytes) -> int:
    """Distinct byte values in a PNG's decompressed image data (a blank chart has very few)."""
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        if png[pos + 4:pos + 8] == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, path: Path, result, lang: str) -> str:
    """Open the page, check every chart, return the visible text outside code."""
    context, page, requested, blocked, errors = open_offline(browser, path)
    expected = [chart_id(g) for g in GAUGES if len(result.series[g])]
    for div in expected:
        page.wait_for_function(f"document.querySelectorAll('#{div} .main-svg').length > 0", timeout=15_000)
    assert page.eval_on_selector_all(".chart .plot", "els => els.map(e => e.id)") == expected
    # plotly leaves an empty .modebar-container; a toolbar would put .modebar and its buttons in it
    assert page.locator(".modebar, .modebar-btn").count() == 0, "plotly toolbar shown"
    for g in GAUGES:
        if not len(result.series[g]):
            continue
        div = chart_id(g)
        assert distinct_bytes(page.locator(f"#{div}").screenshot()) > 40, f"{div} looks blank"
        shown = page.locator(f"#{div} .gtitle").text_content()
        assert "".join(shown.split()) == "".join(result.title(g, lang).split()), (g, shown)
        ticks = page.eval_on_selector_all(f"#{div} .xtick text", "els => els.map(e => e.textContent)")
        # ISO dates, each once (a sub-millisecond axis repeats its date), on an axis at least days wide
        assert len(ticks) >= 2 and len(set(ticks)) == len(ticks), (g, ticks)
        assert all(re.fullmatch(r"\d{4}(-\d{2}){0,2}", t) for t in ticks), (g, ticks)
        days = page.evaluate(f"(() => {{ const r = document.getElementById('{div}')._fullLayout.xaxis.range;"
                             " return (new Date(r[1].replace(' ', 'T')) - new Date(r[0].replace(' ', 'T'))) / 864e5; })()")
        assert days >= 2, (g, days)
    if lang == "ko":
        glyphs = page.evaluate(HANGUL_GLYPHS_JS)
        assert glyphs[0] != glyphs[1], "Hangul renders as boxes: install a CJK font (Debian fonts-noto-cjk)"
    texts = " ".join(page.evaluate(VISIBLE_TEXT_JS))
    point_labels = page.eval_on_selector_all(".textpoint text", "els => els.map(e => e.textContent)")
    context.close()
    assert not blocked, f"network requests attempted: {blocked}"
    assert all(u.startswith(("file:", "data:")) for u in requested), requested
    assert not errors, f"console errors: {errors}"
    return texts + " " + " ".join(point_labels)


def test_korean_full_sample(browser, tmp_path):
    res = heat_from_sample()
    path = write_heat_report(res, tmp_path / "heat_ko.html", "ko")
    text = open_page(browser, path, res, "ko")
    for word in ("시장 과열 지표", "김치 프리미엄", "거래대금", "알트코인", "레버리지", "업비트", "코스피"):
        assert word in text, word
    leaked = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN
    assert not leaked, f"untranslated words on the Korean page: {sorted(leaked)}"
    assert "2021-03-25: 69.22%" in text  # the one-day gauge: a point with its date


def test_english_month_with_a_single_day_gauge(browser, tmp_path):
    res = heat_from_sample("2021-03-01", "2021-03-31")
    path = write_heat_report(res, tmp_path / "heat_en.html", "en")
    text = open_page(browser, path, res, "en")
    assert not re.search(r"[\uac00-\ud7a3]", text), re.findall(r"\S*[\uac00-\ud7a3]+\S*", text)
    assert "Kimchi premium" in text and "2021-03-25: 69.22%" in text


def test_korean_window_with_missing_gauges(browser, tmp_path):
    res = heat_from_sample("2024-01-01", "2025-12-31")
    path = write_heat_report(res, tmp_path / "heat_ko_late.html", "ko")
    text = open_page(browser, path, res, "ko")
    assert "여기서 값이 없는 지표와 자료를 받는 방법" in text and "2024-01-01부터 2025-12-31까지는 값이 없습니다" in text
    assert not set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN
