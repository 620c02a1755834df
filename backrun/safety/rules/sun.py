"""Sun: very high UV during the run."""

from __future__ import annotations

from backrun.safety import thresholds as th
from backrun.safety.rules.base import CAUTION, Reason, RunConditions, iso, reason_code

UV = reason_code("uv", hazard="sun")


def uv(c: RunConditions) -> list[Reason]:
    known = [(s, s.uv_index) for s in c.run if s.uv_index is not None]
    if not known:
        return []
    step, index = max(known, key=lambda pair: pair[1])
    if index < th.UV_VERY_HIGH:
        return []
    return [
        Reason(
            UV,
            CAUTION,
            f"Very high UV (index {index:.0f}). Wear sunscreen and a cap, and avoid the midday hours if "
            "you can.",
            {"at": iso(step.start), "uv_index": index},
        )
    ]
