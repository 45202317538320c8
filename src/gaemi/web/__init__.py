"""The web app (``gaemi serve``): a FastAPI app with a JSON API and HTML pages.

``create_app(settings=None)`` builds it (:mod:`gaemi.web.app`); limits are in
:mod:`gaemi.web.settings`. Importing ``gaemi.web`` loads nothing heavy.
"""

from __future__ import annotations

__all__ = ["create_app", "WebSettings"]


def __getattr__(name: str):
    if name == "create_app":
        from gaemi.web.app import create_app

        return create_app
    if name == "WebSettings":
        from gaemi.web.settings import WebSettings

        return WebSettings
    raise AttributeError(name)
