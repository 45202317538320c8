"""The colony report: one self-contained page in Korean and English, opened in a real headless
Chromium (Debian's /usr/bin/chromium, driven by Playwright) as the other reports are: every chart
draws a plotly SVG that is not blank, no toolbar, no console error, no request leaves the file, the
Korean page has no English word outside code spans and an allow-list, the English page no Hangul."""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import pytest

from gaemi.colony import colony
from gaemi.errors import ConfigError
from gaemi.reports.colony_report import CHART_IDS, STRINGS, headline_rows, render_colony_html, write_colony_report
from tests.colony._colony_cases import CRASH, population
from tests.chromium import ARGS, CHROMIUM, open_offline


#: Latin a Korean page may show outside code: units, tickers, the product's name, axis SI letters
ALLOWED_LATIN = {"ETF", "KRW", "gaemi"}

VISIBLE_TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, code, .user-text')) continue;
    if (!n.textContent.trim()) continue;
    out.push(n.textContent);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def results():
    pop = population(n=3000, margin_share=0.25)
    window = colony(start="2020-03-02", end="2020-03-20", population=pop, seed=2, curve="2")
    file = colony(shock=CRASH, population=pop, seed=2, curve="0.5,2")
    return {"window": window, "file": file}


def test_same_keys_in_both_languages_and_every_chart(results):
    assert set(STRINGS["ko"]) == set(STRINGS["en"])
    for lang in ("ko", "en"):
        page = render_colony_html(results["window"], lang)
        assert page.startswith(f'<!doctype html>\n<html lang="{lang}">')
        for div in CHART_IDS:
            assert f'id="{div}"' in page
        assert "https://" not in page.split("<script", 2)[0]  # nothing fetched before plotly
        for label, value in headline_rows(results["window"].summary(), lang):
            assert label in page and value in page


def test_bad_target_is_refused_and_nothing_is_left(tmp_path, results):
    with pytest.raises(ConfigError) as e:
        write_colony_report(results["file"], tmp_path, "en")
    assert e.value.field == "report"
    with pytest.raises(ConfigError):
        write_colony_report(results["file"], tmp_path / "no" / "such.html", "en")
    with pytest.raises(ConfigError) as e:
        write_colony_report(results["file"], tmp_path / "r.html", "fr")
    assert e.value.field == "lang"
    assert list(tmp_path.iterdir()) == []


def distinct_bytes(png: bytes) -> int:
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        if png[pos + 4:pos + 8] == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (Debian package 'chromium')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, path: Path) -> str:
    context, page, requested, blocked, errors = open_offline(browser, path)
    for div in CHART_IDS:
        page.wait_for_function(f"document.querySelectorAll('#{div} .main-svg').length > 0", timeout=15_000)
    assert page.eval_on_selector_all(".chart .plot", "els => els.map(e => e.id)") == list(CHART_IDS)
    assert page.locator(".modebar, .modebar-btn").count() == 0, "plotly toolbar shown"
    for div in CHART_IDS:
        assert page.locator(f"#{div} svg.main-svg").count() >= 1
        assert distinct_bytes(page.locator(f"#{div}").screenshot()) > 40, f"{div} looks blank"
    texts = " ".join(page.evaluate(VISIBLE_TEXT_JS))
    context.close()
    assert not blocked, f"network requests attempted: {blocked}"
    assert all(u.startswith(("file:", "data:")) for u in requested), requested
    assert not errors, f"console errors: {errors}"
    return texts


def test_reports_render_offline_in_chromium(browser, tmp_path, results):
    ko = write_colony_report(results["window"], tmp_path / "colony_ko.html", "ko")
    text = open_page(browser, ko)
    for word in ("반대매매", "신용융자", "깡통계좌", "증폭", "분위", "코스닥·테마주"):
        assert word in text, word
    leaked = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN
    assert not leaked, f"untranslated words on the Korean page: {sorted(leaked)}"
    en = write_colony_report(results["file"], tmp_path / "colony_en.html", "en")
    text = open_page(browser, en)
    assert not re.search(r"[\uac00-\ud7a3]", text), re.findall(r"\S*[\uac00-\ud7a3]+\S*", text)
    assert "Amplification" in text and "Forced sales" in text
