"""Instruments: formulas with units and sources (the engine's kernel inlines them)."""
from gaemi.instruments.leveraged_fund import fund_daily_returns, volatility_drag
from gaemi.instruments.margin_loan import call_trigger_fall, restore_sale_amount, tiered_interest

__all__ = ["fund_daily_returns", "volatility_drag", "call_trigger_fall", "restore_sale_amount", "tiered_interest"]
