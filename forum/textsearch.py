"""How the forum turns text into the terms its search matches on: a hook another app fills.

The forum stores, beside each title, opening post and reply, a normalised copy of its text
(``search_title``, ``search_body``): the terms a fan's query is matched against, on SQLite
by the stored text and on PostgreSQL through a ``simple`` tsvector built from it. What the
terms are is not the forum's decision: the triage app registers an analyser from its
``AppConfig.ready()`` that maps slang to one form, joins Indonesian and English words of
one symptom under a concept and stems (see ``triage.search``). The forum imports nothing
from triage; without a registered analyser (the forum alone) a term is a lower-cased word.

Both sides of a match go through the same analyser, so a query and a thread always agree
on what a word became. When the analyser changes (a new engine release), stored terms are
refreshed with ``manage.py reindex_search``.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# A term is letters and digits only: PostgreSQL's parser keeps it one lexeme, and SQLite's
# LIKE needs no escaping. Concept terms carry a prefix no word has.
TERM = re.compile(r"^[a-z0-9]+$")
_WORD = re.compile(r"\w+", re.UNICODE)
MIN_PREFIX = 4  # shorter words match whole terms only ("hp" is not "hpnya")


@dataclass(frozen=True)
class QueryUnit:
    """One thing a query asks for. A thread has it when it holds ``concept`` or every
    one of ``words`` (a word also matches a longer term it starts, when long enough)."""

    words: tuple[str, ...]
    concept: str = ""
    text: str = ""  # what the fan typed for it, for messages


def _plain_document(text: str) -> list[str]:
    return [w for w in _WORD.findall((text or "").casefold()) if TERM.match(w)]


def _plain_query(text: str) -> list[QueryUnit]:
    return [QueryUnit(words=(w,), text=w) for w in dict.fromkeys(_plain_document(text))]


_analyser: dict[str, Callable] = {"document": _plain_document, "query": _plain_query}


def register(
    *,
    document: Callable[[str], Iterable[str]],
    query: Callable[[str], list[QueryUnit]],
) -> None:
    """Install the analyser: ``document(text)`` gives the terms to store for a text,
    ``query(text)`` the units a search asks for. Called from an app's ``ready()``."""
    _analyser["document"] = document
    _analyser["query"] = query


def document_terms(text: str) -> str:
    """The stored form of a text's terms: unique, space-separated, with a space at both
    ends so that SQLite can match a whole term or a term's start with LIKE."""
    terms = dict.fromkeys(t for t in _analyser["document"](text or "") if TERM.match(t))
    return f" {' '.join(terms)} " if terms else ""


def query_units(text: str) -> list[QueryUnit]:
    """What a search for ``text`` asks for, at most eight units."""
    units = [
        unit
        for unit in _analyser["query"](text or "")
        if all(TERM.match(w) for w in unit.words) and (unit.words or unit.concept)
    ]
    return units[:8]
