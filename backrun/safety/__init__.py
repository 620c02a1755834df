"""Safety rules for backward running: pure functions from the weather to reasons, each with a
hazard and a severity. backrun.advice.verdict turns them into a verdict."""
