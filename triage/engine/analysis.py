"""One call that reads a thread and returns every per-thread triage decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from triage.engine.concepts import ConceptHit, concept_features, find_concepts
from triage.engine.escalation import EscalationRisk, escalation_risk
from triage.engine.normalize import CLAUSE_END, FirmwareParts, Param, normalize, parse_firmware
from triage.engine.products import Catalog, ProductGuess
from triage.engine.severity import SeverityDecision, classify_severity
from triage.engine.similarity import Terms, thread_terms


@dataclass
class Analysis:
    """Everything the engine decides about one thread on its own.

    ``terms`` is the plain-data bag of terms to store with the thread: the similarity
    index and the clusters are rebuilt from it.
    """

    text: str
    params: list[Param]
    firmware: list[FirmwareParts]
    product: ProductGuess
    severity: SeverityDecision
    escalation: EscalationRisk
    concepts: list[ConceptHit]
    terms: Terms = field(default_factory=dict)

    @property
    def concept_ids(self) -> list[str]:
        """Concepts reported (not negated, not merely mentioned), in text order, unique."""
        wanted = ("problem", "hedged", "request")
        return list(dict.fromkeys(h.concept for h in self.concepts if h.state in wanted))


def analyse(
    title: str,
    body: str,
    product: str | None = None,
    firmware: str | None = None,
    catalog: Catalog | None = None,
) -> Analysis:
    """Normalise a thread and decide product, severity, escalation risk and its terms.

    ``product`` is the catalog key the fan chose, if any; ``catalog`` the products to
    detect from the text (without one, the chosen product is kept as given).
    """
    if catalog is not None:
        guess, masked_title, masked_body = catalog.read(title or "", body or "", given=product)
        title_n = normalize(masked_title)
        body_n = normalize(masked_body)
    else:
        guess = ProductGuess(product, 1.0 if product else 0.0, "given" if product else "none")
        title_n = normalize(title or "")
        body_n = normalize(body or "")
    params = title_n.params + body_n.params
    parts = title_n.firmware + body_n.firmware
    given: list[Param] = []
    if firmware and firmware.strip():
        parsed = parse_firmware(firmware)
        given.append(Param("firmware", firmware.strip()))
        if parsed and parsed not in parts:
            parts.insert(0, parsed)
    # One token stream with a clause end between title and body, so rules do not bridge them.
    tokens = [*title_n.tokens, CLAUSE_END, *body_n.tokens]
    hits = find_concepts(tokens)
    terms = thread_terms(
        title_n,
        body_n,
        concept_features(hits),
        concept_features(h for h in hits if h.start < len(title_n.tokens)),
        given,
    )
    return Analysis(
        text=" ".join(t for t in tokens if t != CLAUSE_END),
        params=given + params,
        firmware=parts,
        product=guess,
        severity=classify_severity(hits),
        escalation=escalation_risk(f"{title}\n{body}", tokens, hits),
        concepts=hits,
        terms=terms,
    )
