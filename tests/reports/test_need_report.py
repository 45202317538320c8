"""The "what would a safe plan need?" card in the HTML report (issue 13 §4: "and in the report")."""

import re

from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.montecarlo import simulate
from gaemi.need import need
from gaemi.reports.html import render_html


def test_need_card_shows_the_answer_beside_the_plans_own_odds(tmp_path):
    res = need("safe", solve="years", paths=256, seed=5, bounds=(1, 30))
    own = simulate("safe", paths=256, seed=5)
    page = render_html([own], lang="en", need=res)
    card = re.search(r'<section class="card" id="need">(.*?)</section>', page, re.S).group(1)
    s = res.summary()
    assert s["sentence"]["en"].split(":", 1)[1].strip()[:40] in card
    # the card shows the solver's own figures, not recomputed ones
    assert f"{100 * res.own_p_goal:.1f}%" in card and f"{100 * res.p_goal:.1f}%" in card
    assert res.format_value(res.value, "en") in card
    assert 'id="need"' not in render_html([own], lang="en")
    ko = render_html([own], lang="ko", need=res)
    assert "안전하게 가려면" in ko and res.format_value(res.value, "ko") in ko


def test_cli_need_report_writes_the_card(tmp_path):
    out = tmp_path / "need.html"
    r = CliRunner().invoke(app, ["need", "safe", "--solve", "years", "--paths", "256", "--seed", "5",
                                 "--bounds", "1:30", "--report", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert 'id="need"' in page and 'id="summary"' in page
