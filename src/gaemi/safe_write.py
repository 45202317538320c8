"""Write one output file, and nothing else.

:func:`check_target` refuses (``ConfigError(field, value, allowed)``, exit 2 in the CLI) a
path that is a directory, a device or other non-regular file, a symlink (even one to a
regular file: gaemi never follows or replaces a link it is asked to write), or whose parent
folder does not exist. :func:`atomic_write_bytes` / :func:`atomic_write_text` check the target,
write a temporary file in the same folder, flush it to disk and ``os.replace`` it onto the
target: a reader sees the old file or the new one, never half of one, and a failed write
leaves the old file and no temporary file behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from gaemi.errors import ConfigError

ALLOWED = "a path to a regular file (new or to replace) in an existing folder"


def check_target(path: str | os.PathLike, field: str) -> Path:
    """``path`` as a Path if gaemi may write a file there; ConfigError naming ``field`` if not."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise ConfigError(field, path, ALLOWED)
    raw = os.fspath(path)
    if raw == "" or "\x00" in raw:
        raise ConfigError(field, raw, ALLOWED)
    p = Path(raw).expanduser()
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise ConfigError(field, raw, f"{ALLOWED} ({err.strerror or err})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise ConfigError(field, raw, f"{ALLOWED}; it is a symbolic link (gaemi does not "
                              "write through links: give the real path)")
        if stat.S_ISDIR(st.st_mode):
            raise ConfigError(field, raw, f"{ALLOWED}; it is a folder")
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError(field, raw, f"{ALLOWED}; it is a device or other special file")
    parent = p.parent
    if not parent.is_dir():
        raise ConfigError(field, raw, f"{ALLOWED}; the folder {parent} does not exist")
    return p


def atomic_write_bytes(path: str | os.PathLike, data: bytes, field: str = "path") -> Path:
    """Write ``data`` to ``path`` atomically (see the module's docstring); returns the Path."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ConfigError("data", type(data).__name__, "bytes")
    p = check_target(path, field)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as err:
        raise ConfigError(field, os.fspath(path),
                          f"{ALLOWED} ({err.strerror or err})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if p.exists():  # keep the old file's permission bits
            try:
                os.chmod(tmp, stat.S_IMODE(os.stat(p).st_mode))
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        check_target(p, field)  # the target may have changed while we wrote
        os.replace(tmp, p)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise ConfigError(field, os.fspath(path),
                              f"{ALLOWED} ({err.strerror or err})") from None
        raise
    return p


def atomic_write_text(path: str | os.PathLike, text: str, field: str = "path",
                      encoding: str = "utf-8") -> Path:
    """Write ``text`` (``encoding``, UTF-8 by default) to ``path`` atomically."""
    if not isinstance(text, str):
        raise ConfigError("text", type(text).__name__, "a str")
    return atomic_write_bytes(path, text.encode(encoding), field)
