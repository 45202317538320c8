"""The report in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Each page is opened from disk with every request that is not file:// or data: blocked and
recorded; the test requires that none was attempted, that the console has no errors, that
every expected chart has a rendered plotly SVG that is not blank, that a full-page screenshot is
non-trivial, that the page's sentences are the library's, that Hangul renders as glyphs (a CJK
font is installed), and that the Korean page shows no English word (and the English page no Hangul).

Series, command and model names a warning or the history line quotes on a Korean page are set
as code (``.data-name``) and, like the user's own text, are not counted as untranslated words.

Set GAEMI_REPORT_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from tests.reports.test_i18n import ALLOWED_LATIN

from gaemi.reports import render_report, report_sentences
from gaemi.reports.i18n import STRINGS
from tests.chromium import ARGS, CHROMIUM, HANGUL_GLYPHS_JS, open_offline


pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing (Debian package 'chromium'; .ci/run installs it)")

VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, .user-text, .data-name')) continue;
    if (!n.textContent.trim()) continue;
    if (el.checkVisibility && !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    out.push(n.textContent);
  }
  return out;
}"""



def png_info(data: bytes) -> tuple[int, int, int]:
    """(width, height, distinct byte values in the decompressed image data) of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_report(browser, path: Path, expected_charts: list[str], shot: Path, zoom: bool = False) -> tuple:
    context, page, requested, blocked, errors = open_offline(browser, path)
    for div in expected_charts:
        page.wait_for_function(f"document.querySelectorAll('#{div} .main-svg').length > 0", timeout=15_000)
    shown = page.eval_on_selector_all(".chart .plot", "els => els.map(e => e.id)")
    assert shown == expected_charts
    for div in expected_charts:
        _, _, distinct = png_info(page.locator(f"#{div}").screenshot())
        assert distinct > 40, f"{div} looks blank"
    png = page.screenshot(path=str(shot), full_page=True)
    width, height, distinct = png_info(png)
    assert width == 1200 and height > 400 * len(expected_charts) and distinct > 100 and len(png) > 100_000
    if os.environ.get("GAEMI_REPORT_SCREENSHOTS"):
        keep = Path(os.environ["GAEMI_REPORT_SCREENSHOTS"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep / shot.name)
    if path.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="ko">'):
        # with no CJK font every Hangul syllable is the same empty box
        glyphs = page.evaluate(HANGUL_GLYPHS_JS)
        assert glyphs[0] != glyphs[1], "Hangul renders as boxes: install a CJK font (Debian fonts-noto-cjk)"
    if zoom:  # zoom into the fan chart and hover it: plotly's own hints and labels must not appear
        drag = page.locator("#chart-fan .nsewdrag").first.bounding_box()
        page.mouse.move(drag["x"] + 100, drag["y"] + 50)
        page.mouse.down()
        page.mouse.move(drag["x"] + 400, drag["y"] + 200, steps=5)
        page.mouse.up()
        page.mouse.move(drag["x"] + 250, drag["y"] + 120)
        page.wait_for_timeout(200)
    texts = page.evaluate(VISIBLE_TEXT_JS)
    sentences = page.locator("ul.sentences li").all_inner_texts()
    context.close()
    assert not blocked, f"network requests attempted: {blocked}"
    assert all(u.startswith(("file:", "data:")) for u in requested), requested
    assert not errors, f"console errors: {errors}"
    return " ".join(texts), sentences


def latin_words(text: str, plans) -> set[str]:
    allowed = set(ALLOWED_LATIN)
    for p in plans:
        allowed |= set(re.findall(r"[A-Za-z]+", p.plan.name))
    return {w for w in re.findall(r"[A-Za-z]{2,}", text)} - allowed


def english_table_words() -> set[str]:
    words = set()
    for v in STRINGS["en"].values():
        for s in [v] if isinstance(v, str) else v:
            words |= set(re.findall(r"[A-Za-z]{2,}", re.sub(r"\{[^}]*\}", "", s)))
    return words - ALLOWED_LATIN


def test_korean_and_english_reports_render_offline(browser, tmp_path, mc_fund, odds):
    all_charts = ["chart-fan", "chart-goal-by-year", "chart-end-wealth", "chart-drawdown", "chart-odds",
                  "chart-drag"]
    for lang in ("ko", "en"):
        path = render_report([mc_fund], tmp_path / f"report_{lang}.html", lang=lang, odds=odds)
        text, sentences = open_report(browser, path, all_charts, tmp_path / f"report_{lang}.png", zoom=True)
        assert sentences == report_sentences(mc_fund, lang)
        if lang == "ko":
            leaked = latin_words(text, [mc_fund])
            assert not leaked, f"untranslated words on the Korean page: {sorted(leaked)}"
            assert not (leaked & english_table_words())
            assert "반대매매" in text and "내 집 마련" in text and "억" in text
        else:
            assert not re.search(r"[\uac00-\ud7a3]", text), "Hangul on the English page"
            assert "Chances as exposure grows" in text and "Kelly" in text and "your plan: 3x" in text


def test_comparison_history_and_one_path(browser, tmp_path, mc_fund, mc_margin, rolling_margin, backtest_fund):
    cases = [
        ("compare_ko", [mc_fund, mc_margin], "ko",
         ["chart-fan", "chart-goal-by-year", "chart-end-wealth", "chart-drawdown", "chart-drag"]),
        ("rolling_ko", [rolling_margin], "ko", ["chart-fan", "chart-goal-by-year", "chart-end-wealth",
                                                "chart-drawdown"]),
        ("backtest_en", [backtest_fund], "en", ["chart-fan", "chart-goal-by-year", "chart-end-wealth",
                                                "chart-drawdown", "chart-drag"]),
    ]
    for name, results, lang, charts in cases:
        path = render_report(results, tmp_path / f"{name}.html", lang=lang)
        text, sentences = open_report(browser, path, charts, tmp_path / f"{name}.png")
        assert sentences == [s for r in results for s in report_sentences(r, lang)]
        if lang == "ko":
            assert not latin_words(text, results), sorted(latin_words(text, results))
        if len(results) > 1:
            assert all(r.plan.name in text for r in results)
