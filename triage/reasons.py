"""Why a cluster has its severity, worded in the reader's language.

The engine explains a severity with data (``triage.engine.severity.SeverityReason``:
the rule, the fan's words, the concept, the level); each thread keeps that data in
``ThreadTriage.severity_reasons`` and each cluster its vote in ``Cluster.severity_basis``.
The words are chosen here, with the translation catalogs, when a reason is shown: the
feed answers in the language of each request, the console in the manager's.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triage.engine.severity import SeverityReason
from triage.models import Cluster, Severity, Source

# The engine's concept ids (triage/engine/vocabulary.py), as a reader calls them.
CONCEPT_LABELS = {
    "overheat": gettext_lazy("overheating"),
    "battery_swelling": gettext_lazy("swollen battery"),
    "fire_smoke": gettext_lazy("fire or smoke"),
    "data_loss": gettext_lazy("data loss"),
    "bootloop": gettext_lazy("boot loop"),
    "dead_device": gettext_lazy("dead device"),
    "calls": gettext_lazy("calls"),
    "signal": gettext_lazy("signal"),
    "charging": gettext_lazy("charging"),
    "camera": gettext_lazy("camera"),
    "display": gettext_lazy("display"),
    "wifi_bluetooth": gettext_lazy("Wi-Fi or Bluetooth"),
    "audio": gettext_lazy("sound"),
    "fingerprint": gettext_lazy("fingerprint or face unlock"),
    "green_line": gettext_lazy("lines on the screen"),
    "ghost_touch": gettext_lazy("ghost touch"),
    "screen_flicker": gettext_lazy("flickering screen"),
    "black_screen": gettext_lazy("black screen"),
    "random_restart": gettext_lazy("restarts by itself"),
    "no_sim": gettext_lazy("SIM not detected"),
    "battery_drain": gettext_lazy("battery drain"),
    "lag": gettext_lazy("lag"),
    "app_crash": gettext_lazy("apps crashing"),
    "glitch": gettext_lazy("glitches"),
    "feature_request": gettext_lazy("feature request"),
}


def stored(reasons: tuple[SeverityReason, ...]) -> list[dict]:
    """The engine's reasons as ``ThreadTriage.severity_reasons`` keeps them (JSON)."""
    return [asdict(reason) for reason in reasons]


def _level(level: str) -> str:
    return str(Severity(level).label) if level in Severity.values else level


def describe(reason: dict | str) -> str:
    """One stored reason in the active language (a plain string, from rows triaged
    before reasons were kept as data, is shown as it is)."""
    if isinstance(reason, str):
        return reason
    terms = [str(t) for t in reason.get("terms") or []]
    values = {
        "term": terms[0] if terms else "",
        "concept": CONCEPT_LABELS.get(reason.get("concept", ""), reason.get("concept", "")),
        "marker": reason.get("marker", ""),
        "level": _level(reason.get("level", "")),
    }
    rule = reason.get("rule")
    if rule == "request":
        return _("request words: %(terms)s") % {"terms": ", ".join(f"“{t}”" for t in terms)}
    if rule == "default":
        return _("no symptom words: minor by default")
    if rule == "negated":
        return _("“%(term)s” (%(concept)s) negated: ignored") % values
    if rule == "hedged":
        text = _("“%(term)s” (%(concept)s) only asked about (“is it normal?”): %(level)s") % {
            **values,
            "level": _level(Severity.MINOR),
        }
    elif values["marker"]:
        text = _("“%(term)s” + “%(marker)s” (%(concept)s): %(level)s") % values
    else:
        text = _("“%(term)s” (%(concept)s): %(level)s") % values
    if reason.get("in_suggestion"):
        return _("%(reason)s, in a suggestion") % {"reason": text}
    return text


def basis(count: int, total: int, level: str, reasons: list) -> dict:
    """What ``Cluster.severity_basis`` keeps of the engine's vote: ``count`` of ``total``
    threads hold ``level``, and the reasons of one of them."""
    return {"count": count, "total": total, "level": level, "reasons": list(reasons or [])}


def severity_reason(cluster: Cluster) -> str:
    """Why ``cluster`` has its severity, in the active language: a manager's own words
    when one set it, else the engine's vote and reasons."""
    vote = cluster.severity_basis
    if cluster.severity_source == Source.MANAGER or not vote:
        return cluster.severity_reason
    summary = _("%(count)s of %(total)s reports: %(level)s.") % {
        "count": vote["count"],
        "total": vote["total"],
        "level": _level(vote["level"]),
    }
    reasons = "; ".join(describe(reason) for reason in vote.get("reasons") or [])
    return f"{summary} {reasons}".strip()


def english(cluster: Cluster) -> str:
    """The engine's reason in English, for ``Cluster.severity_reason``: the stored copy
    that readers of the raw column see (the console shows it; the feed words
    ``severity_basis`` in each reader's language)."""
    with translation.override("en"):
        return severity_reason(cluster)
