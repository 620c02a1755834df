"""Safety rules for backward running: pure functions from weather to a verdict with reasons."""

from backrun.advice.verdict import Advice, OutlookHour, advise
from backrun.safety.rules import Reason

__all__ = ["Advice", "OutlookHour", "Reason", "advise"]
