"""The colony's kernels run as plain Python under GAEMI_DISABLE_JIT=1 (their twin, as for every
gaemi kernel) and give the same numbers as the compiled ones, bit for bit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from gaemi.colony import colony
from tests.colony._colony_cases import CRASH, population

SCRIPT = """
import json
from gaemi.colony import colony
from tests.colony._colony_cases import CRASH, population
s = colony(shock=CRASH, population=population(n=400, margin_share=0.4), seed=3, curve="2").summary()
s.pop("provenance")
print(json.dumps(s))
"""


def test_plain_python_twin_gives_the_same_bits():
    ours = colony(shock=CRASH, population=population(n=400, margin_share=0.4), seed=3, curve="2").summary()
    ours.pop("provenance")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "GAEMI_DISABLE_JIT": "1", "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, cwd=root,
                         timeout=300, check=True)
    twin = json.loads(out.stdout.strip().splitlines()[-1])
    assert twin == json.loads(json.dumps(ours))
    assert ours["forced_sales_krw"] > 0 and ours["margin_repaid_krw"]["voluntary_sales"] > 0
