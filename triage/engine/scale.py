"""The severity scale, worst first: the one definition every layer uses.

- critical: safety (overheating, swelling battery, burning), data loss, a dead or
  boot-looping device;
- major: a core function broken (calls, signal, charging, camera, display, ...);
- minor: degraded (battery drain, lag, glitches), or a problem we cannot name;
- suggestion: a request with no problem stronger than minor in it.

The database's choices (``triage.models.Severity``), the heat points
(``triage.engine.spread``) and the evaluations are keyed by these values.
"""

from __future__ import annotations

CRITICAL = "critical"
MAJOR = "major"
MINOR = "minor"
SUGGESTION = "suggestion"

# Worst first: the order managers read them in.
SEVERITIES: tuple[str, ...] = (CRITICAL, MAJOR, MINOR, SUGGESTION)

_RANK = {level: len(SEVERITIES) - 1 - i for i, level in enumerate(SEVERITIES)}


def severity_rank(level: str) -> int:
    """How bad a level is, larger is worse: critical 3, major 2, minor 1, suggestion 0."""
    return _RANK[level]
