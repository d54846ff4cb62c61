"""The analyser triage lends the forum's search (``forum.textsearch``): the engine's own
normalisation, so search reads fans the way triage does.

A text's terms are the engine's terms of it (slang mapped to one form, English domain
words to the Indonesian one, stop words out), stemmed, plus one term per symptom concept
the engine finds ("batre boros", "battery drain" and "baterai cepat habis" all carry
``konsepbatterydrain``). A query becomes units: each concept the engine finds in it, which
a thread has when it carries the concept or every word the fan used for it, and each other
word, which a thread has when it holds the word's stem, or, for a word that is by itself
one symptom's term ("kedip", "boros"), that symptom's concept.

The engine brings informal words to their root, but keeps the affix of words its
vocabulary names ("pengisian"), which keeps clusters apart; search wants the wider net,
so each term also goes through PySastrawi (a root stays as it is: "kedip" is "kedip"),
and "pengisian daya" finds "mengisi daya".
"""

from __future__ import annotations

import re
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from forum.textsearch import QueryUnit
from triage import engine
from triage.engine.vocabulary import CONCEPTS, STOPWORDS

CONCEPT_PREFIX = "konsep"
# Concept states that say the text is about it (not negated, not a mere mention).
REPORTED = ("problem", "hedged", "request")
_NOT_TERM = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Indonesian root of a normalised token ("pengisian" -> "isi"); other words as
    they are. Only letters and digits are kept."""
    word = _NOT_TERM.sub("", word)
    return _stemmer().stem(word) if word.isalpha() else word


def concept_term(concept_id: str) -> str:
    """The stored term of a concept: one lexeme no word collides with."""
    return CONCEPT_PREFIX + _NOT_TERM.sub("", concept_id)


@lru_cache(maxsize=1)
def _one_word_symptoms() -> dict[str, str]:
    """Stems that are by themselves a term of exactly one symptom, or that term doubled
    ("kedip kedip"), read from the engine's concept list: a query of that word alone means
    the symptom, whatever words a thread used for it."""
    found: dict[str, set[str]] = {}
    for concept in CONCEPTS:
        if concept.kind != "symptom":  # a part of the phone named is no problem yet
            continue
        for term in concept.terms:
            tokens = {t for t in engine.normalize(term.rstrip("*")).tokens if t.isalnum()}
            if len(tokens) == 1 and not tokens & STOPWORDS:
                found.setdefault(stem(tokens.pop()), set()).add(concept.id)
    return {word: ids.pop() for word, ids in found.items() if len(ids) == 1 and word}


def _content_words(analysis: engine.Analysis) -> list[str]:
    # The engine's terms of the text ("t:" block: its words with stop words out), without
    # concepts ("#") and raw parameter values ("=").
    return [key[2:] for key in analysis.terms if key.startswith("t:") and key[2] not in "#="]


def document_terms(text: str) -> list[str]:
    """The terms stored for a title, opening post or reply."""
    analysis = engine.analyse(text, "")
    words = [s for s in (stem(w) for w in _content_words(analysis)) if s]
    return words + [concept_term(c) for c in analysis.concept_ids]


def query_units(text: str) -> list[QueryUnit]:
    """What a search for ``text`` asks for (see the module docstring)."""
    analysis = engine.analyse(text, "")
    tokens = engine.normalize(text).tokens
    content = set(_content_words(analysis))
    units: list[QueryUnit] = []
    covered: set[str] = set()
    seen: set[str] = set()
    for hit in analysis.concepts:
        if hit.state not in REPORTED or hit.concept in seen:
            continue
        seen.add(hit.concept)
        said = tokens[hit.start : hit.start + len(hit.term.split())]
        covered.update(said)
        words = tuple(dict.fromkeys(stem(w) for w in said if w in content and stem(w)))
        units.append(QueryUnit(words=words, concept=concept_term(hit.concept), text=hit.term))
    symptoms = _one_word_symptoms()
    for word in _content_words(analysis):
        root = stem(word)
        if word in covered or not root:
            continue
        concept = symptoms.get(root, "")
        units.append(
            QueryUnit(words=(root,), concept=concept_term(concept) if concept else "", text=word)
        )
    return units
