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
class SeverityReason:
    """One rule behind a severity, as data, so that the app can word it in the reader's
    language; ``str()`` gives the English wording.

    ``rule`` is ``problem`` (a symptom or broken function: ``terms[0]`` is the fan's word,
    ``marker`` the word that made a function broken), ``hedged`` (only asked about),
    ``request`` (request words in ``terms``), ``negated`` or ``default`` (no symptom
    words). ``in_suggestion`` marks a problem mentioned inside a suggestion.
    """

    rule: str
    level: str = ""
    terms: tuple[str, ...] = ()
    concept: str = ""
    marker: str = ""
    in_suggestion: bool = False

    def __str__(self) -> str:
        term = repr(self.terms[0]) if self.terms else ""
        if self.rule == "request":
            text = f"request words: {', '.join(repr(t) for t in self.terms)}"
        elif self.rule == "default":
            text = "no symptom words found: minor by default"
        elif self.rule == "negated":
            text = f"{term} negated ({self.concept}): ignored"
        elif self.rule == "hedged":
            text = f"{term} ({self.concept}) only asked about ('is it normal'): minor"
        elif self.marker:
            text = f"{term} + {self.marker!r} ({self.concept}): {self.level}"
        else:
            text = f"{term} ({self.concept}): {self.level}"
        return f"{text} (in a suggestion)" if self.in_suggestion else text


@dataclass(frozen=True)
class SeverityDecision:
    """A severity level and the reasons for it, strongest first."""

    level: str
    reasons: tuple[SeverityReason, ...]


def _reason(hit: ConceptHit, in_suggestion: bool = False) -> SeverityReason:
    if hit.state == "hedged":
        return SeverityReason("hedged", "minor", (hit.term,), hit.concept, "", in_suggestion)
    return SeverityReason(
        "problem", hit.severity, (hit.term,), hit.concept, hit.marker, in_suggestion
    )


def classify_severity(hits: Sequence[ConceptHit]) -> SeverityDecision:
    """Decide the severity of a post from its concept hits (see :func:`find_concepts`)."""
    problems = [h for h in hits if h.state in ("problem", "hedged")]
    requests = [h for h in hits if h.state == "request"]
    negated = [h for h in hits if h.state == "negated"]
    problems.sort(key=lambda h: -severity_rank(h.severity))
    top = severity_rank(problems[0].severity) if problems else 0
    reasons: list[SeverityReason] = []
    if requests and top <= severity_rank("minor"):
        level = "suggestion"
        reasons.append(SeverityReason("request", level, tuple(sorted({h.term for h in requests}))))
        reasons += [_reason(h, in_suggestion=True) for h in problems]
    elif problems:
        level = problems[0].severity
        for hit in problems:
            reason = _reason(hit)
            if reason not in reasons:
                reasons.append(reason)
    else:
        level = "minor"
        reasons.append(SeverityReason("default", level))
    reasons += [SeverityReason("negated", "", (h.term,), h.concept) for h in negated]
    return SeverityDecision(level, tuple(reasons))
