"""Product detection from the text, against a catalog of names and aliases.

Fans rarely type a model name in full: "RN13 Pro", "rn 13 pro", "note 13 pro", "poco x6p",
"a55". The catalog generates those abbreviations from each name; matching compares the text
with spaces removed over windows of up to six tokens, so "rn13pro", "rn 13pro" and
"rn 13 pro" all hit the same alias. An abbreviation two products would share is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from triage.engine.normalize import fold

_TOKEN_RE = re.compile(r"[a-z0-9]+|\+")
_SUFFIX_SHORT = {"pro": ("p",), "plus": ("+", "p"), "ultra": ("u",), "+": ("plus",)}
_NETWORK_SUFFIXES = frozenset({"5g", "4g", "lte", "nfc"})
_VARIANT_SUFFIXES = frozenset({"pro", "plus", "+", "ultra", "max", "lite", "mini", "fe", "s"})
# Brand words a fan may add or leave out before a model name.
_BRANDS = {"galaxy": "samsung", "redmi": "xiaomi", "poco": "xiaomi", "mi": "xiaomi"}
# Short forms fans type for a leading brand word ("ip 15", "sams a55").
_BRAND_SHORT = {"iphone": "ip", "samsung": "sams", "galaxy": "sams", "infinix": "inf"}
_MAX_WINDOW = 6

# How sure a match of each kind of alias is.
CONFIDENCE = {"name": 0.95, "alias": 0.9, "abbreviation": 0.85, "family": 0.5}
# Below this a guess is not acted on (a family match alone never is).
TRUSTED_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Product:
    """A catalog entry: a stable key (e.g. a slug or id), a display name and aliases."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductGuess:
    """The product a post is about, how sure we are, and why."""

    key: str | None
    confidence: float
    source: str
    matched: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_sure(self) -> bool:
        """Sure enough to act on: below ``TRUSTED_CONFIDENCE`` a post waits, unassigned,
        for a manager, and a fan's own choice of product stands."""
        return self.key is not None and self.confidence >= TRUSTED_CONFIDENCE


def _tokens(text: str) -> list[str]:
    # "13pro" and "x6p" stay whole; "rn13" too: windows join tokens anyway.
    return _TOKEN_RE.findall(fold(text))


def _compact(tokens: Sequence[str]) -> str:
    return "".join(tokens)


def abbreviations(name: str) -> set[str]:
    """Compact (space-free) abbreviations a fan may type for ``name``.

    "Redmi Note 13 Pro" gives "redminote13pro", "note13pro", "rn13pro", "rn13p", ...;
    "Poco X6 Pro" gives "pocox6pro", "x6pro", "pocox6p", "x6p".
    """
    tokens = _tokens(name)
    bases = [tokens]
    if tokens and tokens[-1] in _NETWORK_SUFFIXES and len(tokens) > 1:
        bases.append(tokens[:-1])
    if tokens and tokens[0] in _BRANDS:
        bases += [[_BRANDS[tokens[0]], *b] for b in list(bases)]
    if tokens and tokens[0] in _BRAND_SHORT:
        bases += [[_BRAND_SHORT[tokens[0]], *b[1:]] for b in list(bases) if b[0] == tokens[0]]
    variants: set[str] = set()
    for base in bases:
        digit_at = next((i for i, t in enumerate(base) if any(c.isdigit() for c in t)), None)
        forms = [base]
        # Drop leading words while a model number with a letter remains ("note 13 pro",
        # "13c"); never down to a bare number and words ("13 pro" is too vague).
        for cut in range(1, len(base)):
            rest = base[cut:]
            if any(c.isdigit() for c in "".join(rest)) and any(c.isalpha() for c in rest[0]):
                forms.append(rest)
        # Initials of the words before the model number ("rn 13 pro").
        if digit_at is not None and digit_at >= 2:
            initials = "".join(t[0] for t in base[:digit_at])
            forms.append([initials, *base[digit_at:]])
        for form in forms:
            variants.add(_compact(form))
            if form and form[-1] in _SUFFIX_SHORT:
                for short in _SUFFIX_SHORT[form[-1]]:
                    variants.add(_compact(form[:-1]) + short)
            if form[-2:] == ["pro", "max"]:
                variants.add(_compact(form[:-2]) + "pm")
    # A bare number ("13") or a single letter is never an abbreviation.
    return {v for v in variants if len(v) >= 3 and not v.isdigit()}


def _family(name: str) -> set[str]:
    """Forms of the name without its variant suffix ("rn13" for "Redmi Note 13 Pro")."""
    tokens = _tokens(name)
    while tokens and (tokens[-1] in _NETWORK_SUFFIXES or tokens[-1] in _VARIANT_SUFFIXES):
        tokens = tokens[:-1]
    if len(tokens) == len(_tokens(name)) or not tokens:
        return set()
    return abbreviations(" ".join(tokens))


class Catalog:
    """Names, aliases and generated abbreviations of the products, ready for matching."""

    def __init__(self, products: Iterable[Product | str]) -> None:
        """Build from :class:`Product` entries or plain names (a name is its own key)."""
        self.products: list[Product] = [
            p if isinstance(p, Product) else Product(key=p, name=p) for p in products
        ]
        claims: dict[str, dict[str, str]] = {}  # compact form -> {product key: kind}
        for p in self.products:
            kinds = [("name", {_compact(_tokens(p.name))})]
            kinds.append(("alias", {_compact(_tokens(a)) for a in p.aliases}))
            kinds.append(("abbreviation", abbreviations(p.name)))
            kinds.append(("family", _family(p.name)))
            for kind, forms in kinds:
                for form in forms:
                    if form:
                        claims.setdefault(form, {}).setdefault(p.key, kind)
        self._aliases: dict[str, tuple[str, str]] = {}
        for form, owners in claims.items():
            # The strongest claim wins; a tie between products makes the form ambiguous.
            strongest = max(CONFIDENCE[kind] for kind in owners.values())
            winners = [k for k, kind in owners.items() if CONFIDENCE[kind] == strongest]
            if len(winners) == 1:
                self._aliases[form] = (winners[0], owners[winners[0]])
        # Every prefix of a form, so a window of tokens stops growing as soon as no form
        # can start with it.
        self._prefixes = {form[:n] for form in self._aliases for n in range(1, len(form) + 1)}
        self._keys = {p.key for p in self.products}

    def __len__(self) -> int:
        return len(self.products)

    def _spans(self, folded: str) -> list[tuple[int, int, str, str, str]]:
        """Mentions in folded text as ``(start, end, key, kind, form)``, in text order."""
        matches = list(_TOKEN_RE.finditer(folded))
        found: list[tuple[int, int, str, str, str]] = []
        i = 0
        while i < len(matches):
            best: tuple[int, str, str, str] | None = None
            joined = ""
            for j in range(i, min(i + _MAX_WINDOW, len(matches))):
                joined += matches[j].group(0)
                if joined not in self._prefixes:
                    break
                hit = self._aliases.get(joined)
                if hit:
                    best = (j + 1, hit[0], hit[1], joined)
            if best:
                end = matches[best[0] - 1].end()
                found.append((matches[i].start(), end, best[1], best[2], best[3]))
                i = best[0]
            else:
                i += 1
        return found

    def _read_field(self, text: str) -> tuple[list[tuple[str, str, str]], str]:
        """Mentions in ``text``, and ``text`` with each one masked.

        Mentions are found in folded text, but the mask is cut into the original: what
        follows reads case (camelCase parts, firmware builds, traceback lines).
        """
        if text.isascii():
            # ASCII folding only lower-cases and blanks control characters: same offsets.
            folded, origin = fold(text), None
        else:
            pieces = [fold(ch) for ch in text]
            folded = "".join(pieces)
            origin = [i for i, piece in enumerate(pieces) for _ in piece]
        spans = self._spans(folded)
        out, last = [], 0
        for start, end, *_ in spans:
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            out.append(text[last:start])
            out.append(" _product_ ")
            last = end
        out.append(text[last:])
        return [(key, kind, form) for _, _, key, kind, form in spans], "".join(out)

    def read(
        self, title: str, body: str, given: str | None = None
    ) -> tuple[ProductGuess, str, str]:
        """The product guess (see :meth:`detect`) and title and body with every product
        mention replaced by ``_product_``.

        Model names hold ordinary words ("Infinix Hot 40", "Galaxy A55 Fire"): masking
        them keeps those words from reading as symptoms, and keeps the problem's words,
        not the product's, at the centre of the thread's vector.
        """
        in_title, masked_title = self._read_field(title)
        in_body, masked_body = self._read_field(body)
        return self._guess(in_title + in_body, given), masked_title, masked_body

    def detect(self, title: str, body: str, given: str | None = None) -> ProductGuess:
        """The product a post is about.

        A product the fan chose wins unless the text names only another one (a wrong
        choice); with no choice, the product named most (title first breaks ties).
        """
        return self.read(title, body, given)[0]

    def _guess(self, mentions: list[tuple[str, str, str]], given: str | None) -> ProductGuess:
        if given is not None and given not in self._keys:
            given = None
        if not mentions:
            if given is not None:
                return ProductGuess(given, 0.9, "given")
            return ProductGuess(None, 0.0, "none")
        weight: dict[str, float] = {}
        for key, kind, _ in mentions:
            weight[key] = weight.get(key, 0.0) + CONFIDENCE[kind]
        forms = tuple(dict.fromkeys(form for _, _, form in mentions))
        if given is not None and given in weight:
            return ProductGuess(given, 1.0, "given", forms)
        order = {key: n for n, (key, _, _) in enumerate(reversed(mentions))}
        best = max(weight, key=lambda k: (weight[k], order[k]))
        best_kind = max((CONFIDENCE[kind] for key, kind, _ in mentions if key == best), default=0.0)
        confidence = best_kind * weight[best] / sum(weight.values())
        if given is not None:
            # The fan chose a product the text never names: trust the text only when sure.
            if confidence >= 0.8:
                return ProductGuess(
                    best, round(confidence, 3), "text, not the chosen product", forms
                )
            return ProductGuess(given, 0.6, "given", forms)
        return ProductGuess(best, round(confidence, 3), "text", forms)

    def resolve(self, name: str) -> str | None:
        """The key of the product ``name`` spells (its name, an alias or an abbreviation)."""
        hit = self._aliases.get(_compact(_tokens(name)))
        return hit[0] if hit else None

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Catalog:
        """A catalog from a free-typed list of names, where some may abbreviate others.

        "13C", "redmi13c" and "Redmi 13C" become one product (the longest name, the others
        as aliases), as a forum's catalog would hold them.
        """
        names = sorted(set(names), key=lambda n: (-len(n), n))
        canonical: dict[str, list[str]] = {}
        for name in names:
            tokens = _tokens(name)
            # Also try without a leading brand word the fan shortened ("sams a55").
            forms = {_compact(tokens)}
            if len(tokens) > 1 and tokens[0].isalpha():
                forms.add(_compact(tokens[1:]))
            # Or the name's own last words ("15 pro max" of "iPhone 15 Pro Max").
            owners = [
                c
                for c in canonical
                if forms & ({_compact(_tokens(c))} | abbreviations(c))
                or (len(tokens) >= 2 and _tokens(c)[-len(tokens) :] == tokens)
            ]
            if len(owners) == 1:
                canonical[owners[0]].append(name)
            else:
                canonical[name] = []
        return cls(Product(key=n, name=n, aliases=tuple(a)) for n, a in canonical.items())
