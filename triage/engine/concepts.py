"""Find symptom, function and request concepts in normalised tokens, with their context.

An Indonesian and an English report of one symptom map to the same concept id, which is
what lets them match. Context decides what a mention means: a negation cancels a symptom
("tidak panas"), a question whether something is normal hedges it ("apakah normal hp
panas?"), and a function is only a problem when a broken or degraded marker is near
("kamera tidak bisa dibuka", "sinyal lemot").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from triage.engine.normalize import CLAUSE_END, QUESTION_END, fold, tokenize
from triage.engine.vocabulary import (
    BROKEN_MARKERS,
    CONCEPTS,
    DEGRADED_MARKERS,
    FAMILIES,
    GENERIC_SYMPTOMS,
    HEDGE_TAGS,
    HEDGE_WORDS,
    MARKER_WINDOW,
    NEGATION_WINDOW,
    NEGATORS,
    QUESTION_WORDS,
)

# Words that end the reach of a negation ("tidak cas tapi panas": the heat is real).
_NEGATION_BARRIERS = frozenset("tapi but dan and terus malah jadi lalu kemudian then".split())
# "bukan cuma panas", "not only hot": the symptom is there, and more.
_NOT_ONLY = frozenset("cuma hanya only just saja".split())
# A family feature weighs this share of a concept's.
FAMILY_SHARE = 0.5


@dataclass(frozen=True)
class ConceptHit:
    """One concept found in a post.

    ``state`` is ``problem`` (counts for severity), ``negated``, ``hedged`` (asked about,
    not reported), ``context`` (a function mentioned without a sign that it is broken),
    ``yielded`` (a generic symptom that describes a part named beside it) or ``request``
    (a suggestion). ``severity`` is what this hit contributes, or "".
    """

    concept: str
    kind: str
    state: str
    severity: str
    term: str
    start: int
    marker: str = ""


class PhraseMatcher:
    """Greedy longest-match of multi-word phrases (last word may be a ``*`` prefix)."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        """Build from ``(phrase, payload)`` pairs; phrases are normalised like posts."""
        self._memo: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
        self._exact: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
        self._prefix: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
        for phrase, payload in phrases:
            is_prefix = phrase.endswith("*")
            words = tuple(t for t in tokenize(fold(phrase.rstrip("*"))) if t != CLAUSE_END)
            if not words:
                continue
            entry = (words, is_prefix, payload)
            if is_prefix and len(words) == 1:
                self._prefix.setdefault(words[0][:3], []).append(entry)
            else:
                self._exact.setdefault(words[0], []).append(entry)

    def _candidates(self, token: str) -> list[tuple[tuple[str, ...], bool, str]]:
        cached = self._memo.get(token)
        if cached is None:
            # Longest phrases first, so the first full match at a position is the best.
            cached = sorted(
                self._exact.get(token, [])
                + [e for e in self._prefix.get(token[:3], []) if token.startswith(e[0][0])],
                key=lambda e: -len(e[0]),
            )
            if len(self._memo) < 100_000:
                self._memo[token] = cached
        return cached

    def find(self, tokens: Sequence[str]) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, payload)`` matches, longest first at each position."""
        out: list[tuple[int, int, str]] = []
        i, n = 0, len(tokens)
        while i < n:
            best: tuple[int, str] | None = None
            for words, is_prefix, payload in self._candidates(tokens[i]):
                end = i + len(words)
                if end > n:
                    continue
                last = tokens[end - 1]
                if (last.startswith(words[-1]) if is_prefix else last == words[-1]) and all(
                    tokens[i + j] == words[j] for j in range(1, len(words) - 1)
                ):
                    best = (len(words), payload)
                    break
            if best:
                out.append((i, i + best[0], best[1]))
                i += best[0]
            else:
                i += 1
        return out


@lru_cache(maxsize=1)
def _matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    concepts = PhraseMatcher((term, c.id) for c in CONCEPTS for term in c.terms)
    markers = PhraseMatcher(
        [(m.strip(), "broken") for m in BROKEN_MARKERS]
        + [(m.strip(), "degraded") for m in DEGRADED_MARKERS]
    )
    return concepts, markers


_BY_ID = {c.id: c for c in CONCEPTS}


def _clause_bounds(tokens: Sequence[str]) -> list[tuple[int, int, bool]]:
    """``(start, end, is_question)`` of each clause."""
    bounds, start = [], 0
    for i, tok in enumerate(tokens):
        if tok in (CLAUSE_END, QUESTION_END):
            bounds.append((start, i, tok == QUESTION_END))
            start = i + 1
    bounds.append((start, len(tokens), False))
    return bounds


def find_concepts(tokens: Sequence[str]) -> list[ConceptHit]:
    """All concept mentions in ``tokens`` (from :func:`normalize`), with their state."""
    concept_matcher, marker_matcher = _matchers()
    markers = marker_matcher.find(tokens)
    clauses = _clause_bounds(tokens)
    hits: list[ConceptHit] = []
    clause_idx = 0
    for start, end, cid in concept_matcher.find(tokens):
        while clauses[clause_idx][1] < start:
            clause_idx += 1
        c_start, c_end, is_question = clauses[clause_idx]
        concept = _BY_ID[cid]
        term = " ".join(tokens[start:end])
        clause = tokens[c_start:c_end]
        hedged = any(t in HEDGE_WORDS for t in clause) and (
            is_question
            or any(t in QUESTION_WORDS for t in clause)
            or any(
                a in HEDGE_WORDS and b in HEDGE_TAGS
                for a, b in zip(clause, clause[1:], strict=False)
            )
        )
        if concept.kind == "request":
            hits.append(ConceptHit(cid, concept.kind, "request", "suggestion", term, start))
            continue
        if concept.kind == "symptom":
            lo = max(c_start, start - NEGATION_WINDOW)
            negated = False
            for j in range(start - 1, lo - 1, -1):
                if tokens[j] in _NEGATION_BARRIERS:
                    break
                if tokens[j] in NEGATORS and tokens[j + 1] not in _NOT_ONLY:
                    negated = True
                    break
            if negated:
                hits.append(ConceptHit(cid, concept.kind, "negated", "", term, start))
            elif hedged:
                hits.append(ConceptHit(cid, concept.kind, "hedged", "minor", term, start))
            else:
                hits.append(ConceptHit(cid, concept.kind, "problem", concept.severity, term, start))
            continue
        # A function: look for the nearest broken/degraded marker in the same clause.
        near = [
            (min(abs(m_start - start), abs(m_start - end)), m_kind, " ".join(tokens[m_start:m_end]))
            for m_start, m_end, m_kind in markers
            if c_start <= m_start < c_end
            and (start - MARKER_WINDOW <= m_start < start or end <= m_start < end + MARKER_WINDOW)
        ]
        near.sort()
        broken = [text for _, kind, text in near if kind == "broken"]
        degraded = [text for _, kind, text in near if kind == "degraded"]
        if broken and not hedged:
            hits.append(
                ConceptHit(cid, concept.kind, "problem", concept.severity, term, start, broken[0])
            )
        elif broken or degraded:
            marker = (degraded or broken)[0]
            hits.append(ConceptHit(cid, concept.kind, "problem", "minor", term, start, marker))
        else:
            hits.append(ConceptHit(cid, concept.kind, "context", "", term, start))
    return _parts_and_symptoms(hits, clauses)


def _parts_and_symptoms(
    hits: list[ConceptHit], clauses: list[tuple[int, int, bool]]
) -> list[ConceptHit]:
    """Read a named part and a symptom next to it in one clause together.

    A generic symptom ("rusak", "tidak nyala") right after a part describes that part,
    which the part's own hit reports: it adds nothing of its own ("yielded"). A part only
    mentioned, with a specific symptom beside it ("speaker kresek", "kamera blur"), is
    that part degraded: a minor problem of the part, so it matches "speaker rusak".
    """
    functions = [h for h in hits if h.kind == "function"]
    if not functions:
        return hits

    def clause_of(hit: ConceptHit) -> int:
        return next(lo for lo, hi, _ in clauses if lo <= hit.start <= hi)

    def near(a: ConceptHit, b: ConceptHit) -> bool:
        a_end, b_end = a.start + len(a.term.split()), b.start + len(b.term.split())
        return clause_of(a) == clause_of(b) and (
            0 <= b.start - a_end < MARKER_WINDOW or 0 <= a.start - b_end < MARKER_WINDOW
        )

    out = []
    for hit in hits:
        if hit.concept in GENERIC_SYMPTOMS and hit.state == "problem":
            if any(f.start < hit.start and near(f, hit) for f in functions):
                hit = replace(hit, state="yielded", severity="")
        elif hit.kind == "function" and hit.state == "context":
            symptom = next(
                (
                    h
                    for h in hits
                    if h.kind == "symptom"
                    and h.state == "problem"
                    and h.concept not in GENERIC_SYMPTOMS
                    and near(hit, h)
                ),
                None,
            )
            if symptom is not None:
                hit = replace(hit, state="problem", severity="minor", marker=symptom.term)
        out.append(hit)
    return out


def concept_features(hits: Iterable[ConceptHit]) -> dict[str, float]:
    """Concept features for the similarity vector.

    A reported symptom or broken function gives ``id``; a function that is only mentioned
    gives ``id~`` (weaker evidence, so a different feature); negated mentions and requests
    give nothing.
    """
    features: dict[str, float] = {}
    for hit in hits:
        # A request ("saran", "please add") says what kind of post it is, not what about:
        # suggestions are clustered apart already, and sharing it would join every idea.
        if hit.state in ("problem", "hedged"):
            name = hit.concept
        elif hit.state == "context":
            name = hit.concept + "~"
        else:
            continue
        features[name] = features.get(name, 0.0) + 1.0
        family = FAMILIES.get(hit.concept)
        if family and hit.state in ("problem", "hedged"):
            name = "@" + family
            features[name] = features.get(name, 0.0) + FAMILY_SHARE
    return features
