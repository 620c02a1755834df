"""Safety rules for backward running, pure: from the weather to reasons (each with a hazard and
a severity) in rules.py, and to a verdict with its outlook in verdict.py."""
