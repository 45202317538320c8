"""GAEMI_DISABLE_JIT=1 runs the compiled kernel's own source as plain Python, with the same numbers."""

import json
import os
import subprocess
import sys

import numpy as np

SCRIPT = r"""
import json, numpy as np
from tests.engine.helpers import plan, run
import gaemi._numba as nb
assert nb.DISABLE_JIT
rng = np.random.default_rng(4)
r = rng.normal(0.0, 0.03, (3, 120, 1))
nm = np.zeros(120, dtype=bool); nm[21::21] = True
p = plan(investor=dict(capital=100.0, monthly_saving=5.0), margin=dict(loan_to_equity=1.0, call_deadline_days=1),
         holdings=[dict(asset="a", weight=1.0, leverage=2.0)], goal=dict(amount=150.0), graduate=dict(enabled=True))
res = run(p, r, rate=0.03, new_month=nm)
print(json.dumps({"floats": res.floats.tolist(), "ints": res.ints.tolist()}))
"""


def test_plain_python_kernel_matches_compiled():
    env = {**os.environ, "GAEMI_DISABLE_JIT": "1"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, cwd=root,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    plain = json.loads(out.stdout)
    from tests.engine.helpers import plan, run

    rng = np.random.default_rng(4)
    r = rng.normal(0.0, 0.03, (3, 120, 1))
    nm = np.zeros(120, dtype=bool)
    nm[21::21] = True
    p = plan(investor=dict(capital=100.0, monthly_saving=5.0), margin=dict(loan_to_equity=1.0, call_deadline_days=1),
             holdings=[dict(asset="a", weight=1.0, leverage=2.0)], goal=dict(amount=150.0), graduate=dict(enabled=True))
    res = run(p, r, rate=0.03, new_month=nm)
    np.testing.assert_array_equal(np.array(plain["ints"]), res.ints)
    np.testing.assert_allclose(np.array(plain["floats"]), res.floats, rtol=1e-12)
