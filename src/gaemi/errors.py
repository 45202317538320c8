"""One exception tree for gaemi.

Every error a user can cause names the field, the value and what is allowed, so
the CLI can print one clear line and exit with code 2.
"""

from __future__ import annotations

from typing import Any


class GaemiError(Exception):
    """Base class of every error gaemi raises on purpose."""


class ConfigError(GaemiError, ValueError):
    """A bad value in a plan, a command-line option or an API argument.

    ``field`` names the setting (``margin.maintenance_ratio``), ``value`` is what was
    given and ``allowed`` says what would be accepted.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: got {value!r}; allowed: {allowed}")


class DataError(GaemiError, ValueError):
    """Market data that is missing, misaligned or invalid for the request."""
