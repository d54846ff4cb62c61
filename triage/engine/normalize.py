"""Text normalisation for Indonesian and English posts as fans really write them.

The steps, in order: Unicode folding (NFKC, zero-width and control characters out, accents
off, case folded), emoji (anger faces kept as a word, the rest dropped), parameterisation of
variable parts (firmware builds, versions, IMEIs, phone numbers, URLs, e-mail addresses,
long numbers) into placeholders while the raw values are kept, repeated letters
("panasss"), reduplication ("kadang2"), the slang map ("gak" -> "tidak") and the glossary
that maps English domain words to the Indonesian word ("battery" -> "baterai").

Like Sentry's grouping parameterisation, the patterns are named and combined into one
regular expression tried in order of specificity, so a firmware build is never read as a
version number and a version never as a plain number.

Pasted stack traces keep only the frames of the reporter's own code: as Sentry groups crashes
by "in-app" frames, frames of the language runtime, test runners and common frameworks
(``at java.lang.reflect.Method.invoke(...)``, ``at org.junit.runners...``,
``at android.os.Looper.loop(...)``, ``File "/usr/lib/python3.11/..."``) are dropped first.
They are the same in every trace, so they made unrelated crash reports look alike.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from triage.engine.vocabulary import (
    BROKEN_MARKERS,
    CONCEPTS,
    DEGRADED_MARKERS,
    ESCALATION_TERMS,
    GLOSSARY,
    PHRASES,
    SLANG,
    STOPWORDS,
)

# Android release letters used in Xiaomi build codes (the first letter of the 7-letter code).
ANDROID_LETTERS = {
    "P": "9",
    "Q": "10",
    "R": "11",
    "S": "12",
    "T": "13",
    "U": "14",
    "V": "15",
    "W": "16",
}
# Xiaomi region letters (the 4th-5th letters of the build code).
XIAOMI_REGIONS = {
    "MI": "Global",
    "EU": "Europe",
    "ID": "Indonesia",
    "IN": "India",
    "RU": "Russia",
    "TW": "Taiwan",
    "TR": "Turkey",
    "CN": "China",
    "JP": "Japan",
    "KR": "Korea",
    "LM": "Latin America",
    "TH": "Thailand",
    "PH": "Philippines",
    "MY": "Malaysia",
    "VN": "Vietnam",
    "SG": "Singapore",
}

_XIAOMI = r"(?:OS|V|MIUI\s?)\d{1,2}(?:\.\d{1,3}){2,3}(?:\.[A-Z]{7})?"
# Samsung: model, 2-letter CSC, U/S, bootloader, major, year letter, month letter, build.
_SAMSUNG = r"[A-Z]\d{3}[A-Z][A-Z]{2}[US][0-9A-Z][A-Z][R-Z][A-L][0-9A-Z]"
# Stack frames outside the reporter's code (see the module docstring): Java/Kotlin/Android
# "at package.Class.method(File.java:12)" lines of runtime and framework packages, and
# Python traceback lines of the standard library or installed packages.
_RUNTIME_FRAME_RE = re.compile(
    r"\bat\s+(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|android|androidx|dalvik"
    r"|com\.android\.internal|org\.junit|junit|org\.testng|org\.mockito|org\.apache\.maven"
    r"|org\.eclipse\.jetty|io\.netty|org\.springframework)\.[\w.$<>]+\([^)\n]{0,200}\)"
    r"|\bFile\s+\"[^\"\n]{0,300}?(?:/lib/python[\d.]*/|site-packages|dist-packages)[^\"\n]{0,300}\","
    r"\s+line\s+\d+,\s+in\s+[\w<>]+"
)
_PATTERNS: list[tuple[str, str]] = [
    ("url", r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+"),
    # The lookbehind starts a match only at the start of a run, or a long run of
    # "a.a.a..." would be rescanned from every position (quadratic).
    ("email", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    ("uuid", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
    (
        "datetime",
        r"\b\d{4}-\d{2}-\d{2}(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?Z?)?"
        r"|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b",
    ),
    ("firmware", rf"\b(?:{_XIAOMI}|{_SAMSUNG})\b"),
    ("imei", r"(?<![\d+])\d{15}(?!\d)"),
    (
        "phone",
        r"(?<![\w+])(?:\+62|62|0)8\d{2}[-\s]?\d{3,4}[-\s]?\d{3,5}(?!\d)"
        r"|(?<![\w+])\+\d{9,15}(?!\d)",
    ),
    ("version", r"\b[vV]?\d+(?:\.\d+){1,3}(?:[-_][\w.]+)?\b"),
    ("hex", r"\b0x[0-9a-f]+\b|\b(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{8,}\b"),
    ("number", r"(?<![\w.])\d{8,}(?![\w.])"),
]
_PARAM_RE = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS), re.IGNORECASE
)
_FIRMWARE_XIAOMI_RE = re.compile(
    r"^(?P<family>OS|V|MIUI\s?)(?P<version>\d{1,2}(?:\.\d{1,3}){2,3})"
    r"(?:\.(?P<android>[A-Z])(?P<device>[A-Z]{2})(?P<region>[A-Z]{2})(?P<carrier>[A-Z]{2}))?$",
    re.IGNORECASE,
)
_FIRMWARE_SAMSUNG_RE = re.compile(
    r"^(?P<model>[A-Z]\d{3}[A-Z])(?P<csc>[A-Z]{2})(?P<kind>[US])(?P<bootloader>[0-9A-Z])"
    r"(?P<major>[A-Z])(?P<year>[R-Z])(?P<month>[A-L])(?P<build>[0-9A-Z])$",
    re.IGNORECASE,
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")
_ANGER_EMOJI_RE = re.compile("[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f47f\U0001f595]")
_CAMEL_RE = re.compile(r"\b[A-Za-z]*(?:[a-z][A-Z]|[A-Z][A-Z][a-z])[A-Za-z]*\b")
_CAMEL_SPLIT_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_URL_WORD_RE = re.compile(r"[a-z0-9]{2,}")
_URL_NOISE = frozenset({"http", "https", "www", "com", "org", "html", "htm", "php"})
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")
_SPLIT_RE = re.compile(r"[\s-]+")
_REDUP_RE = re.compile(r"\b([a-z]{3,})2\b")
_PHRASE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in PHRASES) + r")\b")
# Placeholders, words (with an apostrophe for "don't"), and clause ends (a comma too:
# informal Indonesian strings clauses together with commas).
_TOKEN_RE = re.compile(r"_[a-z]+_|[a-z0-9]+(?:'[a-z]+)?|[.!?;,]+|\n")

# Informal writing splits the passive prefix off its verb ("di pakai" for "dipakai"), and
# the stemmer reads both as "pakai": the standalone "di" (also a preposition, "di logo")
# carries nothing the rules or the vectors need.
_DROPPED = frozenset({"di"})

# Tokens that end a clause (negation and markers do not reach across them).
CLAUSE_END = "."
QUESTION_END = "?"


@dataclass(frozen=True)
class Param:
    """A variable part of a post replaced by a placeholder, with its raw value kept."""

    kind: str
    value: str


@dataclass(frozen=True)
class FirmwareParts:
    """A firmware build string split into the parts its format defines."""

    raw: str
    family: str
    version: str
    android: str | None = None
    device: str | None = None
    region: str | None = None
    region_name: str | None = None
    model: str | None = None
    year: int | None = None
    month: int | None = None


@dataclass
class NormalizedText:
    """The result of :func:`normalize`."""

    text: str
    tokens: list[str]
    params: list[Param] = field(default_factory=list)
    firmware: list[FirmwareParts] = field(default_factory=list)
    extra_tokens: list[str] = field(default_factory=list)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        cat = unicodedata.category(part)
        if cat == "Mn":
            continue
        # Symbols (emoji, pictographs) and control characters become spaces.
        out.append(" " if cat in ("So", "Sk", "Cc", "Cf", "Co", "Cs") else part)
    return "".join(out)


def fold(text: str) -> str:
    """Fold Unicode variants, remove invisible characters and accents, and lower-case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = _ZERO_WIDTH_RE.sub("", text)
        text = _ANGER_EMOJI_RE.sub(" marah ", text)
        text = _NON_ASCII_RE.sub(lambda m: _fold_char(m.group(0)), text)
    return _CONTROL_RE.sub(" ", text).casefold()


def parse_firmware(raw: str) -> FirmwareParts | None:
    """Split a Xiaomi (HyperOS/MIUI) or Samsung build string into its parts.

    ``OS2.0.5.0.VLQIDXM`` gives family HyperOS, version 2.0.5.0, Android 15, device LQ and
    region ID (Indonesia); ``A556EXXU1AXB1`` gives model A556E, year 2024, month 2.
    Returns None for strings in neither format.
    """
    value = raw.strip()
    m = _FIRMWARE_XIAOMI_RE.match(value)
    if m:
        family = "hyperos" if m["family"].upper() == "OS" else "miui"
        region = m["region"].upper() if m["region"] else None
        android = m["android"].upper() if m["android"] else None
        return FirmwareParts(
            raw=value.upper(),
            family=family,
            version=m["version"],
            android=ANDROID_LETTERS.get(android) if android else None,
            device=m["device"].upper() if m["device"] else None,
            region=region,
            region_name=XIAOMI_REGIONS.get(region) if region else None,
        )
    m = _FIRMWARE_SAMSUNG_RE.match(value)
    if m:
        return FirmwareParts(
            raw=value.upper(),
            family="oneui",
            version=f"{m['bootloader'].upper()}{m['major'].upper()}{m['build'].upper()}",
            model=m["model"].upper(),
            region=m["csc"].upper(),
            year=2000 + ord(m["year"].upper()) - ord("A") + 1,
            month=ord(m["month"].upper()) - ord("A") + 1,
        )
    return None


def parameterize(text: str) -> tuple[str, list[Param]]:
    """Replace variable parts by placeholders such as ``_fw_``; return text and raw values."""
    params: list[Param] = []

    def replace(m: re.Match[str]) -> str:
        kind = m.lastgroup or "number"
        params.append(Param(kind, m.group(0)))
        return f" _{kind}_ "

    return _PARAM_RE.sub(replace, text), params


class _Lexicon(NamedTuple):
    slang: dict[str, str]  # informal spelling -> standard form (indoNLP)
    stem: Callable[[str], str]  # PySastrawi's stemmer
    keep: frozenset[str]  # never stemmed: roots, stop words, the vocabulary's one-word terms
    domain: frozenset[str]  # every word of the vocabulary (slang targets, glossary, concepts)
    known: frozenset[str]  # what a colloquial form may stand for: roots and domain words


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The colloquial-Indonesian lexicon and the stemmer, with the word sets they need.

    Loaded on first use (about 0.3 s): indoNLP's slang table (4,331 informal spellings
    to their standard form, MIT) and PySastrawi's stemmer with its dictionary of 29,932
    Indonesian root words (MIT). Our own SLANG and GLOSSARY come first: they know the
    phone domain ("cas" is charging, not a Minang word). The vocabulary's one-word terms
    keep their affix, which carries their meaning ("masukan" is a suggestion, "masuk" is
    not).
    """
    from indoNLP.preprocessing import SLANG_DATA
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    roots = frozenset(stemmer.delegatedStemmer.dictionary.words)
    domain = frozenset(
        w.rstrip("*")
        for text in (*SLANG.values(), *GLOSSARY, *GLOSSARY.values(), *concept_terms())
        for w in text.split()
    )
    single = {t.rstrip("*") for t in vocabulary_terms() if " " not in t.strip()}
    keep = roots | frozenset(single) | STOPWORDS
    return _Lexicon(dict(SLANG_DATA), stemmer.stem, keep, domain, roots | domain)


def concept_terms() -> list[str]:
    """Every term of every concept, as written in the vocabulary."""
    return [term for concept in CONCEPTS for term in concept.terms]


def vocabulary_terms() -> list[str]:
    """Every phrase the rules match: concept terms, markers and escalation terms."""
    return [
        *concept_terms(),
        *BROKEN_MARKERS,
        *DEGRADED_MARKERS,
        *(t.term for t in ESCALATION_TERMS),
    ]


def _zipf(word: str, language: str) -> float:
    """How common a word is (wordfreq's Zipf scale: 3 is once per million words, 0 unseen)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def _english(word: str) -> bool:
    """A common English word that is at least as common in English as in Indonesian:
    "to", "make", "deleting" and "plugin" are English; "login" and "update" are loanwords
    fans use in Indonesian too."""
    english = _zipf(word, "en")
    return english >= 3.0 and english >= _zipf(word, "id")


@lru_cache(maxsize=65536)
def english_lemma(word: str) -> str:
    """The dictionary form of an English word of five letters or more, so the inflections
    of one word are one term: "readers" -> "reader", "opened" -> "open", "failures" ->
    "failure" (simplemma's English lemma table, MIT). Shorter words, words with digits and
    words more common in Indonesian than in English ("panas", "baterai": their affixes are
    the Indonesian stemmer's) are returned unchanged."""
    if len(word) < 5 or not word.isalpha() or _zipf(word, "id") > _zipf(word, "en"):
        return word
    import simplemma

    return str(simplemma.lemmatize(word, lang="en"))


# Colloquial verb prefixes and the initial sound they replace: "nyambung" <- "sambung",
# "ngilang" <- "hilang", "ngedrop" <- "drop".
_COLLOQUIAL_PREFIXES = (("nge", ""), ("ny", "s"), ("ny", "c"), ("ng", ""), ("ng", "h"))
_PREFIXES = ("memper", "member", "menter", "meng", "meny", "peng", "peny", "mem", "men", "pem",
             "pen", "ber", "ter", "per", "di", "ke", "se", "be", "te", "me", "pe")  # fmt: skip
_SUFFIXES = ("kannya", "annya", "inya", "kan", "nya", "an", "i", "lah", "kah", "pun")
_NASAL_INITIALS = "ptks"


def _colloquial_root(word: str, known: frozenset[str]) -> str | None:
    """The root of a colloquial verb form when it is a known word: "matiin" -> "mati",
    "dimatiin" -> "mati", "ngedrop" -> "drop", "nyambung" -> "sambung", "ngilang" -> "hilang",
    "rebootnya" -> "reboot" (a -nya on a word the stemmer does not know)."""
    stems = [word]
    for suffix in ("nya", "in"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stems.append(word[: -len(suffix)])
    for stem in stems[1:] + stems[:1]:
        candidates = [stem] if stem != word else []
        for prefix, initial in (*_COLLOQUIAL_PREFIXES, ("di", ""), ("ke", ""), ("ter", "")):
            if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
                candidates.append(initial + stem[len(prefix) :])
        for candidate in candidates:
            mapped = SLANG.get(candidate, candidate)
            # A derived form is rarer than its root: "login" is not "log" + -in.
            if mapped in known and _zipf(word, "id") < _zipf(mapped, "id"):
                return mapped
    return None


def _affixed(word: str, root: str) -> bool:
    """Is ``word`` ``root`` with Indonesian affixes only? The stemmer's guess is kept only
    then, so it never cuts a loanword ("login" -> "log") or an English word."""
    for prefix in ("", *_PREFIXES):
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        for suffix in ("", *_SUFFIXES):
            if suffix and not rest.endswith(suffix):
                continue
            middle = rest[: len(rest) - len(suffix)]
            # meN-/peN- drop the root's p, t, k or s: "memotret" is "potret".
            if middle == root or (
                prefix.endswith(("m", "n", "ng", "ny"))
                and root[:1] in _NASAL_INITIALS
                and middle == root[1:]
            ):
                return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _spelling() -> dict[str, float]:
    """Words a misspelling may be corrected to, with how common they are: Indonesian words
    seen at least once per million words (wordfreq), and the vocabulary's own words."""
    from wordfreq import get_frequency_dict

    words = {w: math.log10(f) + 9 for w, f in get_frequency_dict("id").items() if f >= 1e-6}
    for w in _lexicon().domain:
        words.setdefault(w, 3.0)
    return words


def _corrected(word: str) -> str | None:
    """The known word one edit away from an unknown word of five letters or more
    ("berfugsi" -> "berfungsi", "bootlop" -> "bootloop"), if there is one: a word of the
    vocabulary first, else the most common."""
    if len(word) < 5 or not word.isalpha() or _zipf(word, "id") or _zipf(word, "en") >= 2.5:
        return None
    if word.endswith("nya") and len(word) >= 8:
        return _corrected(word[:-3]) or None  # "kamranya": the word is "kamra"
    known = _spelling()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    edits |= {a + c + b for a, b in splits for c in _LETTERS}
    domain = _lexicon().domain
    found = [(e in domain, known[e], e) for e in edits if e in known and e != word]
    # The phone domain's words first: "kamra" is "kamera" here, not "kamar".
    return max(found)[2] if found else None


def _standard(word: str) -> str:
    """One informal Indonesian word in its standard root form, else unchanged."""
    lexicon = _lexicon()
    keep = lexicon.keep
    if word in keep or word in GLOSSARY or "'" in word or _english(word):
        return word
    root = _colloquial_root(word, lexicon.known)
    if root:
        return root
    fixed = _corrected(word)
    if fixed:
        word = SLANG.get(fixed, fixed)
        if word in keep or word in GLOSSARY:
            return word
    stemmed = lexicon.stem(word)
    return stemmed if stemmed != word and _affixed(word, stemmed) else word


@lru_cache(maxsize=65536)
def _slang(token: str) -> tuple[str, ...]:
    """One raw token as standard words: our slang and glossary first, then the general
    colloquial lexicon, colloquial affixes, and the Indonesian stemmer, each only for a
    word that is not English."""
    token = _REPEAT_RE.sub(r"\1", token)
    if token in SLANG:
        words = SLANG[token].split()
    elif "'" in token or len(token) < 4 or _english(token):
        # Short tokens are too often abbreviations of something else in technical text
        # ("org", "cd", "py"); the fans' short forms are in SLANG.
        words = [token]
    else:
        expanded = _SPLIT_RE.split(_lexicon().slang.get(token, token))
        words = [_standard(SLANG.get(w, w)) for w in expanded if w]
    return tuple(GLOSSARY.get(w, w) for w in words)


def tokenize(text: str) -> list[str]:
    """Tokens of already folded and parameterised text, slang mapped; clause ends kept.

    Clause ends are ``.`` or ``?`` tokens so that negation and question rules can stop at
    them; the similarity module drops them from the lexical vector.
    """
    text = _REDUP_RE.sub(r"\1 \1", text)
    text = _PHRASE_RE.sub(lambda m: PHRASES[m.group(1)], text)
    tokens: list[str] = []
    for raw in _TOKEN_RE.findall(text):
        first = raw[0]
        if first in ".!;,\n":
            tokens.append(QUESTION_END if "?" in raw else CLAUSE_END)
        elif first == "?":
            tokens.append(QUESTION_END)
        elif raw not in _DROPPED:
            tokens.extend(_slang(raw))
    return tokens


def normalize(text: str) -> NormalizedText:
    """Normalise one text: fold, parameterise, tokenise, map slang; keep raw values."""
    text = _RUNTIME_FRAME_RE.sub(" ", text or "")
    # camelCase identifiers (common in pasted logs) also contribute their parts.
    extra = [
        part.lower()
        for word in _CAMEL_RE.findall(text)
        for part in _CAMEL_SPLIT_RE.sub(" ", word).split()
        if len(part) > 1
    ]
    text, params = parameterize(unicodedata.normalize("NFKC", text))
    # A link's words (host, path) say what it points to, and two reports linking the same
    # page are likely about the same thing: keep them as features.
    extra += [
        word
        for p in params
        if p.kind == "url"
        for word in _URL_WORD_RE.findall(p.value.lower())
        if word not in _URL_NOISE
    ]
    folded = fold(text)
    firmware = [fw for p in params if p.kind == "firmware" and (fw := parse_firmware(p.value))]
    tokens = tokenize(folded)
    return NormalizedText(
        text=" ".join(t for t in tokens if t not in (CLAUSE_END,)),
        tokens=tokens,
        params=params,
        firmware=firmware,
        extra_tokens=extra,
    )
