"""Validated configuration objects."""
from gaemi.config.io import builtin_plan_names, builtin_plan_text, load_plan, plan_from_dict, plan_to_toml
from gaemi.config.plan import AmountGoal, Deposit, Goal, HomeGoal, Graduate, Holding, Investor, Margin, Plan, Rebalance, StopLoss

__all__ = [
    "Plan", "AmountGoal", "HomeGoal", "Investor", "Holding", "Deposit", "Margin", "Rebalance", "Goal", "Graduate", "StopLoss",
    "load_plan", "plan_from_dict", "plan_to_toml", "builtin_plan_names", "builtin_plan_text",
]
