"""Column layout of the kernel outputs (shared by the compiled kernel and its plain twin)."""

# float outputs, one row per path
END_WEALTH, END_LOAN, END_DEPOSIT, END_RISKY, INTEREST_PAID, INVESTED, MAX_DRAWDOWN, MIN_WEALTH, \
    FORCED_SOLD, FORCED_LOSS, FEES_PAID, FUND_GROWTH, UNDER_GROWTH = range(13)
N_FLOAT = 13
FLOAT_NAMES = (
    "end_wealth", "end_loan", "end_deposit", "end_risky", "interest_paid", "invested",
    "max_drawdown", "min_wealth", "forced_sold", "forced_loss", "fees_paid",
    "fund_growth", "underlying_growth",
)

# integer outputs (-1 = never); COLLAPSE_DAY: the first session on which any holding collapsed
# (docs/risks.md), whether or not it was still held
GOAL_DAY, GRADUATED, FIRST_FORCED_DAY, N_FORCED, WIPEOUT_DAY, STOP_DAY, N_CALLS, RUIN_DAY, COLLAPSE_DAY = range(9)
N_INT = 9
INT_NAMES = ("goal_day", "graduated", "first_forced_day", "n_forced", "wipeout_day", "stop_day", "n_calls",
             "ruin_day", "collapse_day")

# rebalance rules
REBAL_NONE, REBAL_MONTHLY, REBAL_THRESHOLD = 0, 1, 2

# margin draws a path keeps apart (each ages on its own); draws whose rate can no longer change
# (past the last tier boundary and their maturity) are merged into the oldest slot
MAX_DRAWS = 24
