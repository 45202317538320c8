"""Every data file the package reads ships in a normal (non-editable) install: each non-Python file
under src/gaemi matches a [tool.setuptools.package-data] glob. (A plain `pip install .` once missed
config/presets/*.toml and every plan with a home goal failed.)"""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_file_is_package_data():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["gaemi"]
    pkg = ROOT / "src" / "gaemi"
    missing = []
    for f in pkg.rglob("*"):
        if not f.is_file() or f.suffix in (".py", ".pyc") or "__pycache__" in f.parts:
            continue
        rel = f.relative_to(pkg).as_posix()
        if not any(fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/") for g in globs):
            missing.append(rel)
    assert missing == []
