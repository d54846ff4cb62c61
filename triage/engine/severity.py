"""Severity on a fixed scale, with the words and rules that decided it.

- critical: safety (overheating, swelling battery, burning), data loss, a dead or
  boot-looping device;
- major: a core function broken (calls, signal, charging, camera, display, ...);
- minor: degraded (battery drain, lag, glitches), or a problem we cannot name;
- suggestion: a request with no problem stronger than minor in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage.engine.concepts import ConceptHit, severity_rank


@dataclass(frozen=True)
class SeverityDecision:
    """A severity level and the human-readable reasons for it, strongest first."""

    level: str
    reasons: tuple[str, ...]


def _describe(hit: ConceptHit) -> str:
    if hit.state == "hedged":
        return f"'{hit.term}' ({hit.concept}) only asked about ('is it normal'): minor"
    if hit.marker:
        return f"'{hit.term}' + '{hit.marker}' ({hit.concept}): {hit.severity}"
    return f"'{hit.term}' ({hit.concept}): {hit.severity}"


def classify_severity(hits: Sequence[ConceptHit]) -> SeverityDecision:
    """Decide the severity of a post from its concept hits (see :func:`find_concepts`)."""
    problems = [h for h in hits if h.state in ("problem", "hedged")]
    requests = [h for h in hits if h.state == "request"]
    negated = [h for h in hits if h.state == "negated"]
    problems.sort(key=lambda h: -severity_rank(h.severity))
    top = severity_rank(problems[0].severity) if problems else 0
    reasons: list[str] = []
    if requests and top <= severity_rank("minor"):
        level = "suggestion"
        reasons.append(f"request words: {', '.join(sorted({repr(h.term) for h in requests}))}")
        reasons += [f"{_describe(h)} (in a suggestion)" for h in problems]
    elif problems:
        level = problems[0].severity
        seen: set[str] = set()
        for hit in problems:
            text = _describe(hit)
            if text not in seen:
                seen.add(text)
                reasons.append(text)
    else:
        level = "minor"
        reasons.append("no symptom words found: minor by default")
    reasons += [f"'{h.term}' negated ({h.concept}): ignored" for h in negated]
    return SeverityDecision(level, tuple(reasons))
