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


def _run_without_jit(script: str) -> dict:
    """Run ``script`` in a fresh interpreter with GAEMI_DISABLE_JIT=1; its printed JSON."""
    env = {**os.environ, "GAEMI_DISABLE_JIT": "1"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=root,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_plain_python_kernel_matches_compiled():
    plain = _run_without_jit(SCRIPT)
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


PARAMETRIC = r"""
import json, warnings
import numpy as np
warnings.simplefilter("ignore")  # uint64 wrap-around warnings of plain-Python SFC64
import gaemi._numba as nb
assert nb.DISABLE_JIT
from gaemi.scenarios import Jump, Parametric
from tests.scenarios.test_variates import _lockstep
s = Parametric(("a", "b"), 5, 40, seed=3, annual_drift=0.05, annual_vol=[0.3, 3.0], dist="t", df=5,
               corr=[[1, 0.4], [0.4, 1]], jumps={"b": Jump(40.0, -0.1, 0.1)}, collapse_hazard={"b": 0.02})
t = Parametric(("a",), 3, 30, seed=4, annual_drift=0.05, annual_vol=0.3, dist="t", df=4.5)
out = {"block": s.block(0, 5).returns.tolist(), "mt": t.block(0, 3).returns.tolist(),
       "lockstep": _lockstep(0, 5, 40, 16, s.kernel_args()).tolist()}
print(json.dumps(out))
"""


def test_plain_python_parametric_generation_matches_compiled():
    """The samplers' plain-Python fallbacks (bit casts, cttz, ziggurat, gamma, log, expm1) give
    the compiled numbers; numpy's and libm's ``expm1``/``log1p`` may differ in the last bit."""
    plain = _run_without_jit(PARAMETRIC)
    from gaemi.scenarios import Jump, Parametric
    from tests.scenarios.test_variates import _lockstep

    s = Parametric(("a", "b"), 5, 40, seed=3, annual_drift=0.05, annual_vol=[0.3, 3.0], dist="t", df=5,
                   corr=[[1, 0.4], [0.4, 1]], jumps={"b": Jump(40.0, -0.1, 0.1)}, collapse_hazard={"b": 0.02})
    t = Parametric(("a",), 3, 30, seed=4, annual_drift=0.05, annual_vol=0.3, dist="t", df=4.5)
    block = s.block(0, 5).returns
    np.testing.assert_allclose(np.array(plain["block"]), block, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(np.array(plain["mt"]), t.block(0, 3).returns, rtol=1e-14, atol=1e-300)
    lockstep = _lockstep(0, 5, 40, 16, s.kernel_args())
    np.testing.assert_allclose(np.array(plain["lockstep"]), lockstep, rtol=1e-14, atol=1e-300)
    np.testing.assert_array_equal(lockstep.reshape(-1, 2), block)  # compiled: lock-step == per path


def test_kernel_cache_lives_in_a_directory_per_source_version(tmp_path):
    """numba checks a cached function against its own file only, so gaemi keys its cache
    directory on a hash of all its sources; a user's NUMBA_CACHE_DIR is left alone."""
    code = ("import os, numba, gaemi._numba; "
            "print(os.environ['NUMBA_CACHE_DIR']); print(numba.config.CACHE_DIR)")
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "GAEMI_DISABLE_JIT")}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=True).stdout.split()
    assert out[0] == out[1]
    where = os.path.dirname(out[0])
    assert where == str(tmp_path / "gaemi") and os.path.basename(out[0]).startswith("numba-")
    assert len(os.path.basename(out[0])) == len("numba-") + 16
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "mine")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         check=True).stdout.split()
    assert out == [str(tmp_path / "mine")] * 2
