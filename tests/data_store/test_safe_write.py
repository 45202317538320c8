"""gaemi.safe_write on its own: check_target and the atomic writers."""

from __future__ import annotations

import os

import pytest

from gaemi.errors import ConfigError
from gaemi.safe_write import atomic_write_bytes, atomic_write_text, check_target


def test_check_target_accepts_new_and_regular_files(tmp_path):
    assert check_target(tmp_path / "new.csv", "--out") == tmp_path / "new.csv"
    (tmp_path / "old.csv").write_text("x")
    assert check_target(str(tmp_path / "old.csv"), "--out") == tmp_path / "old.csv"


@pytest.mark.parametrize("make,needle", [
    (lambda t: t, "folder"),
    (lambda t: t / "missing" / "x.csv", "does not exist"),
    (lambda t: (t / "l").symlink_to(t / "f") or t / "l", "symbolic link"),
    (lambda t: "", "regular file"),
])
def test_check_target_refuses(tmp_path, make, needle):
    (tmp_path / "f").write_text("keep")
    with pytest.raises(ConfigError, match=needle) as e:
        check_target(make(tmp_path), "--report")
    assert e.value.field == "--report"
    assert (tmp_path / "f").read_text() == "keep"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_check_target_refuses_a_device():
    with pytest.raises(ConfigError, match="device"):
        atomic_write_text("/dev/full", "x", field="--out")


def test_atomic_write_replaces_and_leaves_no_temp_file(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("old")
    os.chmod(p, 0o640)
    atomic_write_text(p, "새 값")
    assert p.read_text(encoding="utf-8") == "새 값"
    assert oct(p.stat().st_mode & 0o777) == oct(0o640)
    atomic_write_bytes(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt", "b.bin"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_text("old")

    def boom(*a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ConfigError, match="No space"):
        atomic_write_text(p, "new")
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["a.txt"]
