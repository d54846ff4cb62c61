"""Severity on the fixed scale of :mod:`triage.engine.scale`, with the words and rules
that decided it: for one post, for a post without symptom words (from its neighbours),
and for a cluster (the vote of its threads).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from triage.engine.concepts import ConceptHit
from triage.engine.scale import MINOR, SUGGESTION, severity_rank

# The first reason of a decision that no words of the post itself support.
NO_WORDS = "no symptom words found"
# How many of a post's most similar reports it may borrow its severity from.
NEIGHBOURS = 5
# Enough similarity, summed over neighbours that have words, to borrow their severity.
NEIGHBOUR_EVIDENCE = 0.3
# Neighbours less similar than this are not evidence at all.
NEIGHBOUR_MIN = 0.2
# A level must be held by this share of a cluster's threads to be the cluster's severity.
CLUSTER_SHARE = 0.25


@dataclass(frozen=True)
class SeverityDecision:
    """A severity level and the human-readable reasons for it, strongest first."""

    level: str
    reasons: tuple[str, ...]

    @property
    def from_words(self) -> bool:
        """Whether the post's own words decided it (else it is borrowed or a default)."""
        return not (self.reasons and self.reasons[0].startswith(NO_WORDS))


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
    if requests and top <= severity_rank(MINOR):
        level = SUGGESTION
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
        level = MINOR
        reasons.append(f"{NO_WORDS}: minor by default")
    reasons += [f"'{h.term}' negated ({h.concept}): ignored" for h in negated]
    return SeverityDecision(level, tuple(reasons))


def from_neighbours(
    own: SeverityDecision, neighbours: Sequence[tuple[SeverityDecision, float]]
) -> SeverityDecision:
    """A post whose words name no symptom takes the severity of the most similar reports
    whose words did (``(decision, similarity)`` pairs), weighted by similarity; with too
    little evidence it stays minor. A post with words of its own keeps its decision."""
    if own.from_words:
        return own
    weight: dict[str, float] = {}
    for decision, similarity in neighbours:
        if decision.from_words and similarity >= NEIGHBOUR_MIN:
            weight[decision.level] = weight.get(decision.level, 0.0) + similarity
    if sum(weight.values()) < NEIGHBOUR_EVIDENCE:
        return own
    level = max(weight, key=lambda lv: (weight[lv], severity_rank(lv)))
    count = sum(1 for d, s in neighbours if d.from_words and s > 0 and d.level == level)
    why = f"{NO_WORDS}: {level} like {count} similar report(s)"
    return SeverityDecision(level, (why, *own.reasons[1:]))


def cluster_severity(votes: Mapping[str, int], total: int) -> tuple[str, int]:
    """A cluster's severity from its threads' levels (``votes``: level -> threads):
    the worst level held by at least ``CLUSTER_SHARE`` of the ``total`` threads (and by
    one at least), else the commonest; with the number of threads that hold it."""
    for level in sorted(votes, key=severity_rank, reverse=True):
        if votes[level] >= max(1.0, CLUSTER_SHARE * total):
            return level, votes[level]
    if not votes:
        return MINOR, 0
    level = max(votes, key=lambda lv: votes[lv])
    return level, votes[level]
