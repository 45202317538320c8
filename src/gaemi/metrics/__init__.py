"""Pure metric functions."""
from gaemi.metrics.core import cagr_from_growth, cvar, event_probability, max_drawdown, probability_by_year, quantiles

__all__ = ["event_probability", "probability_by_year", "quantiles", "max_drawdown", "cvar", "cagr_from_growth"]
