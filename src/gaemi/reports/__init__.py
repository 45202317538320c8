"""Reports: plain sentences, plotly figures and one self-contained HTML file, in Korean or English.

Reports present figures the core computed; they never compute their own. All visible text comes
from :mod:`gaemi.reports.i18n` (see docs/reports.md).
"""

from gaemi.reports.html import render_html, render_report
from gaemi.reports.i18n import check_lang
from gaemi.reports.sentences import render_terminal_sentences, report_sentences

__all__ = ["check_lang", "render_html", "render_report", "render_terminal_sentences", "report_sentences"]
