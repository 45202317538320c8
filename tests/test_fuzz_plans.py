"""Fuzz of plan files through ``gaemi simulate FILE --paths 64 --years 1``: built-in plans with
values swapped for hostile ones (nan, inf, booleans, text, huge and negative numbers, nested
tables, Korean text), keys dropped or invented, and raw bytes garbled, in UTF-8, UTF-8 with BOM
or cp949. Every run must end with exit 0 or 2, and a refusal is one ``error:`` line.

Examples per test: ``GAEMI_FUZZ_EXAMPLES`` (default 60; the nightly run sets 2000, see
docs/reliability.md).
"""

from __future__ import annotations

import copy
import json
import math
import os
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.config import builtin_plan_text

runner = CliRunner()

EXAMPLES = int(os.environ.get("GAEMI_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

BASES = ["safe", "all-in-margin", "tqqq-salary", "usdt-parking"]

hostile = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 0, 0.0, -1, -1e-300, 1e-300, 1e308, 10**18,
                     -(10**18), True, False, "", "nan", "1e9", "내계획", "[/]", "none", [], {},
                     [[1, 0.05]], [[0, 0]], {"a": {"b": 1}}, "kr-2025-10", "../presets/x"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**20, max_value=10**20),
    st.text(max_size=12),
    st.booleans(),
)


def _paths(d, prefix=()):
    """Every (key path) to a leaf value in a nested dict/list of tables."""
    out = []
    for k, v in d.items():
        p = (*prefix, k)
        if isinstance(v, dict):
            out += _paths(v, p)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for i, x in enumerate(v):
                out += _paths(x, (*p, i))
        else:
            out.append(p)
    return out


def _set(d, path, value):
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = copy.deepcopy(value)  # sampled lists and tables are shared objects


def _drop(d, path):
    for k in path[:-1]:
        d = d[k]
    del d[path[-1]]


@st.composite
def plan_bytes(draw) -> bytes:
    data = tomllib.loads(builtin_plan_text(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 4))):
        leaves = _paths(data)
        if not leaves:
            break
        path = draw(st.sampled_from(leaves))
        what = draw(st.integers(0, 9))
        if what == 0 and len(path) > 1:
            _drop(data, path)
        elif what == 1:
            _set(data, (*path[:-1], draw(st.sampled_from(["extra", "leverage", "rate", "x"]))),
                 draw(hostile))
        else:
            _set(data, path, draw(hostile))
    if draw(st.booleans()):
        data["title"] = draw(st.sampled_from(["내 계획: 예금 반, 주식 반", "[bold]x[/]", "😀"]))
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        text = "name = 'x'\n"
    if draw(st.integers(0, 4)) == 0:  # garble the bytes
        raw = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 5))):
            i = draw(st.integers(0, max(len(raw) - 1, 0)))
            raw[i:i + 1] = draw(st.binary(min_size=0, max_size=3))
        return bytes(raw)
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949"]))
    return text.encode(enc, errors="replace")


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="gaemi-fuzz-plan-") as d:
        yield Path(d)


def _clean_end(r) -> None:
    assert r.exit_code in (0, 2), (r.exit_code, repr(r.exception), r.output[-2000:])
    assert "Traceback" not in r.output, r.output[-2000:]
    if r.exit_code == 2:
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), r.output[-2000:]
        # under --json the same error is also one JSON object on stdout
        assert set(json.loads(r.stdout)["error"]) == {"field", "value", "allowed", "message"}, r.stdout


def simulate(path: Path):
    return runner.invoke(app, ["simulate", str(path), "--paths", "64", "--years", "1", "--json"])


@FUZZ
@given(data=plan_bytes())
def test_fuzz_plan_files_end_cleanly(folder, data):
    p = folder / "plan.toml"
    p.write_bytes(data)
    _clean_end(simulate(p))
