"""Escalation risk: how likely a post is to become a public problem, with the reasons.

Two decisions, kept apart:

- the **score** in [0, 1) ranks the queue (it raises a cluster's heat): anger, repeated
  or unanswered follow-ups ("udah 3 hari gak ada respon"), warnings to other buyers, a
  demand for money back, threats to go public or legal, safety words and shouting each add
  a weight, capped per category; the score is ``1 - exp(-total)``;
- an **alert** ("going public?", a score of ``ALERT_SCORE`` or more) asks for a sign of
  escalation itself, not only a strong tone (without one the score stays below it): a
  threat to go public (media, "viralkan", or a social network named with a verb of
  publishing: "nonton youtube" is not one), a consumer body or legal step (YLKI, BPSK,
  lawyers), or an unanswered follow-up that has lasted ("no answer for 3 days") or comes
  with a demand for money back.

Each distinct phrase counts once per post, so a title repeated in the body is not anger
twice.
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
# Total weight allowed per category: tone alone stays under what an alert needs.
_CATEGORY_CAP = {
    "anger": 0.45,
    "unanswered": 0.9,
    "waiting": 0.3,
    "warning": 0.3,
    "demand": 0.3,
    "public": 1.2,
    "legal": 1.5,
}
PUBLIC_WEIGHT = 0.8
# Score at which a post with a sign of escalation opens an alert.
ALERT_SCORE = 0.5


@dataclass(frozen=True)
class EscalationRisk:
    """A score in [0, 1) and the words or signals that raised it. A score at or above
    ``ALERT_SCORE`` is a sign of going public that should alert community managers."""

    score: float
    reasons: tuple[str, ...]

    @property
    def alert(self) -> bool:
        """Whether this post should open a "going public?" alert."""
        return self.score >= ALERT_SCORE


@lru_cache(maxsize=1)
def _matcher() -> tuple[PhraseMatcher, dict[str, tuple[str, float]]]:
    payloads = {f"{i}": (t.category, t.weight) for i, t in enumerate(ESCALATION_TERMS)}
    matcher = PhraseMatcher((t.term, f"{i}") for i, t in enumerate(ESCALATION_TERMS))
    return matcher, payloads


def _alert(categories: set[str]) -> bool:
    return bool(
        categories & {"public", "legal"}
        or ("unanswered" in categories and categories & {"waiting", "demand"})
    )


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

    seen: set[str] = set()
    mentioned: dict[str, str] = {}
    for start, end, payload in matcher.find(tokens):
        phrase = " ".join(tokens[start:end])
        if phrase in seen:
            continue
        seen.add(phrase)
        category, weight = payloads[payload]
        if category in ("channel", "publish"):
            mentioned.setdefault(category, phrase)
        else:
            add(category, weight, f"'{phrase}'")
    if len(mentioned) == 2:
        add("public", PUBLIC_WEIGHT, f"'{mentioned['publish']}' + '{mentioned['channel']}'")
    waiting = _WAITING_RE.search(" ".join(tokens))
    if waiting and waiting.group(0).strip():
        add("waiting", 0.3, f"'{waiting.group(0).strip()}'")
    for hit in hits:
        if hit.concept in SAFETY_CONCEPTS and hit.state == "problem":
            add("safety", SAFETY_WEIGHT, f"'{hit.term}' ({hit.concept})")
            break
    if _SHOUT_RE.search(raw_text):
        add("anger", 0.15, "repeated '!!!'")
    letters = len(_LETTERS_RE.findall(raw_text))
    if letters >= 12 and len(_UPPER_RE.findall(raw_text)) / letters > 0.6:
        add("anger", 0.2, "written in capitals")
    score = round(1.0 - math.exp(-sum(totals.values())), 3)
    if not _alert(set(totals)):
        # Tone alone ranks the queue but never reads as going public.
        score = min(score, ALERT_SCORE - 0.01)
    return EscalationRisk(score, tuple(reasons))
