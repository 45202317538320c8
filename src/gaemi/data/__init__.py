"""Market data: the embedded samples, trading calendars and the aligned MarketPanel.

    from gaemi.data import build_panel, load_series, catalog
    panel = build_panel(["ndxtr", "kospi"], rates=["kr_cd91"], currency="KRW")
"""

from __future__ import annotations

from gaemi.data.build import build_panel
from gaemi.data.calendars import sessions
from gaemi.data.catalog import SeriesInfo, catalog, load_series, series_info
from gaemi.data.panel import MarketPanel

__all__ = [
    "MarketPanel", "SeriesInfo", "build_panel", "catalog", "load_series", "series_info", "sessions",
]
