"""Lightning: thunderstorms within the margin around the run."""

from __future__ import annotations

from backrun.safety import thresholds as th
from backrun.safety.rules.base import INDOORS, Reason, RunConditions, code_evidence, reason_code, symbol_has

THUNDER = reason_code("thunder", hazard="lightning")


def thunder(c: RunConditions) -> list[Reason]:
    for step in c.around_run:
        probability = step.thunder_probability_pct
        coded = step.weather_code in th.THUNDER_CODES or symbol_has(step, "thunder")
        likely = probability is not None and probability >= th.THUNDER_PROBABILITY_PCT
        if coded or likely:
            evidence = code_evidence(step) | {"margin_min": th.THUNDER_MARGIN_MIN}
            if probability is not None:
                evidence["thunder_probability_pct"] = probability
            return [
                Reason(
                    THUNDER,
                    INDOORS,
                    "Thunderstorms are forecast within 30 minutes of your run, and lightning strikes miles "
                    "from the storm. Run indoors, and wait 30 minutes after the last thunder before going out.",
                    evidence,
                )
            ]
    return []
