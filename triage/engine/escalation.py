"""Escalation risk: how likely a post is to become a public problem, with the reasons.

Signals: anger, repeated or unanswered follow-ups ("udah 3 hari gak ada respon"), threats
to go public (media, social media) or legal (YLKI, BPSK, lawyers), safety words, and
shouting (exclamation runs, capitals). Each signal adds a weight; the score is
``1 - exp(-total)``, so it lies in [0, 1) and a second strong signal still raises it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from triage.engine.concepts import ConceptHit, PhraseMatcher
from triage.engine.vocabulary import ESCALATION_TERMS, SAFETY_CONCEPTS, SAFETY_WEIGHT

# "udah 3 hari", "sudah seminggu", "2 weeks", "for days": waiting a long time.
_WAITING_RE = re.compile(
    r"\b(?:sudah|udah|udh|dah|sdh|hampir|lebih dari|already|for|over)\s*"
    r"(?:\d+|se|satu|dua|tiga|empat|lima|beberapa|berhari|several|many|a few)\s*"
    r"(?:hari|minggu|bulan|days?|weeks?|months?)\b"
)
_SHOUT_RE = re.compile(r"[!?]{3,}")
_LETTERS_RE = re.compile(r"[A-Za-z]")
_UPPER_RE = re.compile(r"[A-Z]")
# Total weight allowed per category, so one angry rant does not outscore a legal threat.
_CATEGORY_CAP = {"anger": 0.8, "unanswered": 0.9, "public": 1.2, "legal": 1.5}


@dataclass(frozen=True)
class EscalationRisk:
    """A score in [0, 1) and the words or signals that raised it."""

    score: float
    reasons: tuple[str, ...]


@lru_cache(maxsize=1)
def _matcher() -> tuple[PhraseMatcher, dict[str, tuple[str, float]]]:
    payloads = {f"{i}": (t.category, t.weight) for i, t in enumerate(ESCALATION_TERMS)}
    matcher = PhraseMatcher((t.term, f"{i}") for i, t in enumerate(ESCALATION_TERMS))
    return matcher, payloads


def escalation_risk(
    raw_text: str, tokens: Sequence[str], hits: Sequence[ConceptHit]
) -> EscalationRisk:
    """Score the escalation risk of a post from its raw text, tokens and concept hits."""
    matcher, payloads = _matcher()
    totals: dict[str, float] = {}
    reasons: list[str] = []

    def add(category: str, weight: float, why: str) -> None:
        before = totals.get(category, 0.0)
        after = min(before + weight, _CATEGORY_CAP.get(category, weight))
        if after > before:
            totals[category] = after
            reasons.append(f"{category}: {why}")

    for start, end, payload in matcher.find(tokens):
        category, weight = payloads[payload]
        add(category, weight, "'" + " ".join(tokens[start:end]) + "'")
    waiting = _WAITING_RE.search(" ".join(tokens))
    if waiting and waiting.group(0).strip():
        add("unanswered", 0.3, f"waiting '{waiting.group(0).strip()}'")
    for hit in hits:
        if hit.concept in SAFETY_CONCEPTS and hit.state == "problem":
            add("safety", SAFETY_WEIGHT, f"'{hit.term}' ({hit.concept})")
            break
    if _SHOUT_RE.search(raw_text):
        add("anger", 0.15, "repeated '!!!'")
    letters = len(_LETTERS_RE.findall(raw_text))
    if letters >= 12 and len(_UPPER_RE.findall(raw_text)) / letters > 0.6:
        add("anger", 0.2, "written in capitals")
    score = 1.0 - math.exp(-sum(totals.values()))
    return EscalationRisk(round(score, 3), tuple(reasons))
