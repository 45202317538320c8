"""The terminal's language: ``--lang ko|en`` on every command, else ``GAEMI_LANG``, else the locale.

Every command of the ``gaemi`` CLI gets a ``--lang`` option (added to the click tree by
:func:`add_lang_option`, so a new command cannot forget it). The language is resolved once per
invocation, before click parses anything (:func:`scan_args`), so help texts, usage errors, tables,
sentences and error lines all speak it. ``GAEMI_LANG=ko`` in a shell profile remembers the choice.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional

import typer

from gaemi.errors import ConfigError

LANGS = ("ko", "en")
_state: dict[str, str | None] = {"lang": None}


def _check(value: Any, field: str) -> str:
    v = str(value).strip().lower()
    if v not in LANGS:
        raise ConfigError(field, value, "ko or en")
    return v


def default_lang() -> str:
    """``GAEMI_LANG`` if set (``ko``/``en``; anything else is a ConfigError naming it), else ``ko``
    when the locale (LC_ALL, LC_MESSAGES, LANG) is Korean, else ``en``."""
    env = os.environ.get("GAEMI_LANG")
    if env:
        return _check(env, "GAEMI_LANG")
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        loc = os.environ.get(var)
        if loc:
            return "ko" if loc.lower().startswith("ko") else "en"
    return "en"


def set_lang(lang: Any) -> str:
    """Fix the language for the rest of this invocation (``--lang``)."""
    _state["lang"] = _check(lang, "lang")
    return _state["lang"]


def reset() -> None:
    """Forget ``--lang`` (each CLI invocation starts from the environment again)."""
    _state["lang"] = None


def current_lang() -> str:
    """``"ko"`` or ``"en"``: ``--lang`` of this invocation, else :func:`default_lang`."""
    if _state["lang"] is not None:
        return _state["lang"]
    try:
        return default_lang()
    except ConfigError:
        return "en"  # the bad GAEMI_LANG is reported by the CLI entry point


def scan_args(args: Iterable[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` in raw arguments (the last one wins; every one is
    checked: a bad one is a ConfigError naming ``lang``), or None."""
    args = list(args)
    found = None
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args):
            found = _check(args[i + 1], "lang")
        elif a.startswith("--lang="):
            found = _check(a.split("=", 1)[1], "lang")
    return found


LANG_HELP = "Language of the output: ko or en (default: GAEMI_LANG, else the locale)."


def _lang_callback(ctx, param, value):
    if value is not None and not ctx.resilient_parsing:
        try:
            set_lang(value)
        except ConfigError as e:
            raise typer.BadParameter(str(e)) from None
    return value


def _probe(lang: Optional[str] = typer.Option(None, "--lang", help=LANG_HELP, metavar="ko|en",
                                              is_eager=True, callback=_lang_callback)) -> None:
    """Only its signature is used: typer builds the ``--lang`` option from it."""


def _lang_option():
    """A fresh ``--lang`` option object built by typer itself (so it shows in the help panels)."""
    probe = typer.Typer()
    probe.command()(_probe)
    option = next(p for p in typer.main.get_command(probe).params if p.name == "lang")
    option.expose_value = False
    return option


def add_lang_option(command) -> None:
    """Give ``command`` and every sub-command a ``--lang`` option (idempotent)."""
    if not any(getattr(p, "name", None) == "lang" for p in command.params):
        command.params.append(_lang_option())
    for sub in getattr(command, "commands", {}).values():
        add_lang_option(sub)
