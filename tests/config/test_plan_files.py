"""Plan and preset files as users have them: UTF-8 with or without a BOM, cp949 (Korean
Windows), UTF-16 with a BOM; binary, undecodable, huge or deeply nested files are one
ConfigError naming the file (field ``plan`` / ``preset``), exit 2 with one line in the CLI."""

from __future__ import annotations

import codecs
import os

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.config import load_plan
from gaemi.config.io import MAX_CONFIG_BYTES, MAX_TOML_DEPTH, read_config_text
from gaemi.config.lending import load_rules
from gaemi.errors import ConfigError

runner = CliRunner()

KOREAN_PLAN = """# 안전한 계획: 예금 절반, S&P 500 절반 (매달 리밸런싱)
name = "safe-ko"
title = "예금과 S&P 500 지수 펀드, 매달 리밸런싱"
currency = "KRW"
horizon_years = 10

[investor]
capital = 140_000_000          # 종잣돈 1억 4천만 원
monthly_saving = 1_500_000     # 월 저축

[[holdings]]
asset = "deposit"
weight = 0.5

[[holdings]]
asset = "sp500tr"
weight = 0.5

[rebalance]
rule = "monthly"               # 매달

[goal]
kind = "amount"                # 목표 금액
amount = 300_000_000
"""



def _preset_text() -> str:
    from gaemi.config.lending import _presets_dir

    return (_presets_dir() / "kr-2025-10.toml").read_text(encoding="utf-8")


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp949", b""), ("euc-kr", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_korean_plan_loads_in_the_encodings_users_have(tmp_path, encoding, bom):
    p = _write(tmp_path, "plan.toml", bom + KOREAN_PLAN.encode(encoding))
    plan = load_plan(p)
    assert plan.title == "예금과 S&P 500 지수 펀드, 매달 리밸런싱"
    assert plan.investor.capital == 140_000_000


def test_cp949_preset_file_loads(tmp_path):
    text = _preset_text().replace('title = "', 'title = "한국 2025년 10월 규제 ', 1)
    p = _write(tmp_path, "mine.toml", ("# 내 규칙\n" + text).encode("cp949"))
    rules = load_rules(p)
    assert rules.title.startswith("한국 2025년 10월 규제")
    assert load_rules(str(p)) == rules


def _bad_files(tmp_path):
    """(label, path, words the message must hold) for each file refused."""
    deep_arrays = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    deep_tables = "x = " + "{a = " * 40 + "1" + "}" * 40 + "\n"
    return [
        ("binary", _write(tmp_path, "bin.toml", b"\x7fELF\x02\x01\x01\x00\x00" * 50), "NUL"),
        ("undecodable", _write(tmp_path, "bad.toml", b'name = "\xff\xfe\xfa"\n\x80\x81'),
         "UTF-8 or cp949"),
        ("bad UTF-8 after a BOM", _write(tmp_path, "bom.toml", codecs.BOM_UTF8 + b"x = '\xff'"),
         "byte-order mark"),
        ("nested arrays", _write(tmp_path, "deep.toml", deep_arrays.encode()), "nested"),
        ("nested tables", _write(tmp_path, "deep2.toml", deep_tables.encode()), "nested"),
        ("huge", _write(tmp_path, "huge.toml", b"# " + b"x" * (MAX_CONFIG_BYTES + 10)),
         "at most"),
        ("folder", tmp_path, "folder"),
        ("invalid TOML", _write(tmp_path, "broken.toml", "name = 내계획\n".encode()), "TOML"),
    ]


def test_bad_plan_files_are_one_config_error(tmp_path):
    for label, p, words in _bad_files(tmp_path):
        with pytest.raises(ConfigError, match=words) as e:
            load_plan(p)
        assert e.value.field == "plan", label
        assert str(p) in str(e.value), label


def test_bad_preset_files_are_one_config_error(tmp_path):
    for label, p, words in _bad_files(tmp_path):
        if label == "folder":
            continue  # not a .toml name: refused as an unknown preset name
        with pytest.raises(ConfigError, match=words) as e:
            load_rules(p)
        assert e.value.field == "preset", label
    with pytest.raises(ConfigError) as e:
        load_rules("../plans/safe")  # a name, not a path outside the presets folder
    assert e.value.field == "preset"


def test_a_device_and_a_fifo_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    for p in (fifo, "/dev/zero") if os.path.exists("/dev/zero") else (fifo,):
        with pytest.raises(ConfigError, match="special file"):
            read_config_text(p, "plan")
        with pytest.raises(ConfigError):
            load_plan(p)


def test_a_builtin_name_never_reaches_outside_the_plans_folder():
    with pytest.raises(ConfigError) as e:
        load_plan("../presets/kr-2025-10")
    assert e.value.field == "plan"


def test_nesting_up_to_the_limit_is_parsed_then_validated(tmp_path):
    ok = "x = " + "[" * (MAX_TOML_DEPTH - 1) + "1" + "]" * (MAX_TOML_DEPTH - 1) + "\n"
    with pytest.raises(ConfigError) as e:  # parsed, then refused as an unknown field
        load_plan(_write(tmp_path, "ok.toml", (ok + KOREAN_PLAN).encode()))
    assert e.value.field == "x"


@pytest.mark.parametrize("label", ["binary", "undecodable", "nested arrays", "huge"])
def test_cli_bad_plan_file_is_one_line_exit_2(tmp_path, label):
    p = {lab: path for lab, path, _ in _bad_files(tmp_path)}[label]
    r = runner.invoke(app, ["simulate", str(p), "--paths", "64", "--years", "1"])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: plan:"), r.output


def test_cli_cp949_plan_runs(tmp_path):
    p = _write(tmp_path, "plan.toml", KOREAN_PLAN.encode("cp949"))
    r = runner.invoke(app, ["simulate", str(p), "--paths", "64", "--years", "1", "--json"])
    assert r.exit_code == 0, r.output


def test_korean_plan_name_is_accepted_and_a_bad_name_refused(tmp_path):
    """Plan.name allows letters of any script (내계획), digits, '_', '.', '-' (issue 15); a name with a
    space or a slash is a clear ConfigError naming ``name``, not a crash."""
    p = _write(tmp_path, "ko.toml", KOREAN_PLAN.replace('"safe-ko"', '"내계획"').encode("cp949"))
    assert load_plan(p).name == "내계획"
    p = _write(tmp_path, "bad.toml", KOREAN_PLAN.replace('"safe-ko"', '"내 계획/2"').encode("cp949"))
    with pytest.raises(ConfigError) as e:
        load_plan(p)
    assert e.value.field == "name"


def test_no_maturity_survives_a_toml_round_trip():
    """TOML has no null: a margin loan with no maturity is written as maturity_days = "none" and reads
    back as None (it used to be dropped and read back as the 150-day default: other numbers)."""
    import tomllib

    from gaemi.config.io import plan_to_toml
    from gaemi.config.plan import Plan

    data = load_plan("samsung-margin").model_dump()
    data["margin"]["maturity_days"] = None
    plan = Plan.model_validate(data)
    text = plan_to_toml(plan)
    assert 'maturity_days = "none"' in text
    assert Plan.model_validate(tomllib.loads(text)) == plan
    assert load_plan("samsung-margin").margin.maturity_days == 150
