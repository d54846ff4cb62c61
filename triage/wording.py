"""The console's sentences, written in the reader's language when they are read.

The pipeline stores what happened as data (the engine's reasons, figures, ids); these
functions put it into words with gettext, so a manager reading in English and one
reading in Indonesian each get whole sentences, and nothing stored is in one language.
The engine writes its reasons in a fixed notation (``'panas' (overheat): critical``);
``severity_phrase`` and ``escalation_text`` read that notation, and
tests/triage/test_wording.py checks that they read everything the engine writes.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from triage.engine import scale

# Every concept of the engine (triage/engine/vocabulary.py), named for managers.
CONCEPTS = {
    "overheat": gettext_lazy("overheating"),
    "battery_swelling": gettext_lazy("swollen battery"),
    "fire_smoke": gettext_lazy("fire or smoke"),
    "data_loss": gettext_lazy("data loss"),
    "bootloop": gettext_lazy("stuck restarting at boot"),
    "dead_device": gettext_lazy("phone dead"),
    "broken": gettext_lazy("broken"),
    "packaging": gettext_lazy("damaged packaging"),
    "calls": gettext_lazy("calls"),
    "signal": gettext_lazy("signal"),
    "charging": gettext_lazy("charging"),
    "camera": gettext_lazy("camera"),
    "display": gettext_lazy("display"),
    "wifi_bluetooth": gettext_lazy("Wi-Fi or Bluetooth"),
    "audio": gettext_lazy("sound"),
    "fingerprint": gettext_lazy("fingerprint sensor"),
    "green_line": gettext_lazy("green line on the screen"),
    "ghost_touch": gettext_lazy("ghost touch"),
    "screen_flicker": gettext_lazy("screen flicker"),
    "black_screen": gettext_lazy("black screen"),
    "random_restart": gettext_lazy("restarts by itself"),
    "no_sim": gettext_lazy("SIM not detected"),
    "battery_drain": gettext_lazy("battery drain"),
    "lag": gettext_lazy("slow or lagging"),
    "app_crash": gettext_lazy("apps closing by themselves"),
    "glitch": gettext_lazy("glitches"),
    "notification": gettext_lazy("late or missing notifications"),
    "ads": gettext_lazy("ads"),
    "feature_request": gettext_lazy("feature request"),
}
LEVELS = {
    scale.CRITICAL: gettext_lazy("critical"),
    scale.MAJOR: gettext_lazy("major"),
    scale.MINOR: gettext_lazy("minor"),
    scale.SUGGESTION: gettext_lazy("a suggestion"),
}
ESCALATION = {
    "anger": gettext_lazy("is angry"),
    "public": gettext_lazy("threatens to go public"),
    "legal": gettext_lazy("threatens legal action"),
    "unanswered": gettext_lazy("says nobody answered"),
    "waiting": gettext_lazy("has waited a long time"),
    "warning": gettext_lazy("tells others not to buy"),
    "demand": gettext_lazy("wants their money back"),
    "safety": gettext_lazy("mentions a safety risk"),
    "shouting": gettext_lazy("shouts"),
    "capitals": gettext_lazy("writes in capitals"),
}


def quoted(words) -> str:
    """Fans' own words, quoted: “panas”, “kembung”."""
    return ", ".join(f"“{w}”" for w in words)


def size(threads: int, people: int) -> str:
    """How big a cluster is: “3 threads, 7 people”."""
    return ", ".join(
        [
            ngettext("%(n)s thread", "%(n)s threads", threads) % {"n": threads},
            ngettext("%(n)s person", "%(n)s people", people) % {"n": people},
        ]
    )


def reports_24h(cluster) -> str:
    """A cluster's reports in the last 24 hours and in the 24 hours before."""
    return ngettext(
        "%(n)s report in the last 24 hours, %(before)s the day before",
        "%(n)s reports in the last 24 hours, %(before)s the day before",
        cluster.reports_24h,
    ) % {"n": cluster.reports_24h, "before": cluster.reports_prev_24h}


def concept(concept_id: str) -> str:
    """A concept of the engine in the reader's language (its id if unknown)."""
    return str(CONCEPTS.get(concept_id, concept_id.replace("_", " ")))


# --- the engine's severity reasons (triage/engine/severity.py) ---------------------------

_TERM = r"'(?P<term>.+?)'"
_CONCEPT = r"\((?P<concept>[a-z_]+)\)"
_SEVERITY_FORMS = [
    ("hedged", re.compile(rf"^{_TERM} {_CONCEPT} only asked about \('is it normal'\): minor$")),
    ("marker", re.compile(rf"^{_TERM} \+ '(?P<marker>.+?)' {_CONCEPT}: (?P<level>\w+)$")),
    ("negated", re.compile(rf"^{_TERM} negated {_CONCEPT}: ignored$")),
    ("plain", re.compile(rf"^{_TERM} {_CONCEPT}: (?P<level>\w+)$")),
    ("request", re.compile(r"^request words: (?P<terms>.+)$")),
    ("none", re.compile(r"^no symptom words found: minor by default$")),
    (
        "neighbours",
        re.compile(r"^no symptom words found: (?P<level>\w+) like (?P<count>\d+) similar report"),
    ),
]
_REPR_RE = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
SUGGESTION_SUFFIX = " (in a suggestion)"


def read_severity_reason(reason: str) -> dict | None:
    """One reason of the engine as data: ``{"form", "term", "concept", "level", ...}``,
    or None when the engine wrote something this module does not know."""
    in_suggestion = reason.endswith(SUGGESTION_SUFFIX)
    if in_suggestion:
        reason = reason[: -len(SUGGESTION_SUFFIX)]
    for form, pattern in _SEVERITY_FORMS:
        match = pattern.match(reason)
        if match:
            found = {k: v for k, v in match.groupdict().items() if v is not None}
            if "terms" in found:
                found["terms"] = [a or b for a, b in _REPR_RE.findall(found["terms"])]
            return {"form": form, "in_suggestion": in_suggestion, **found}
    return None


def severity_phrase(reason: str) -> str:
    """One reason of the engine, as a phrase: “overheating (“panas”)”."""
    found = read_severity_reason(reason)
    if found is None:
        return ""
    form = found["form"]
    if form == "none":
        phrase = _("no symptom words, so minor by default")
    elif form == "neighbours":
        count = int(found["count"])
        phrase = ngettext(
            "no symptom words, so %(level)s like %(n)s similar report",
            "no symptom words, so %(level)s like %(n)s similar reports",
            count,
        ) % {"level": LEVELS.get(found["level"], found["level"]), "n": count}
    elif form == "request":
        phrase = _("asks for something (%(words)s)") % {"words": quoted(found["terms"])}
    elif form == "negated":
        phrase = _("%(words)s denied, so not counted") % {"words": quoted([found["term"]])}
    elif form == "hedged":
        phrase = _("%(concept)s only asked about (%(words)s), so counted as minor") % {
            "concept": concept(found["concept"]),
            "words": quoted([found["term"]]),
        }
    else:
        words = [found["term"], found["marker"]] if form == "marker" else [found["term"]]
        phrase = _("%(concept)s (%(words)s)") % {
            "concept": concept(found["concept"]),
            "words": quoted(words),
        }
    if found["in_suggestion"]:
        phrase = _("%(phrase)s, in a suggestion") % {"phrase": phrase}
    return phrase


def severity_explanation(cluster) -> str:
    """Why a cluster has its severity, as a sentence: the manager's reason, or the
    engine's evidence (how many reports hold the level, and their words)."""
    if cluster.severity_source == "manager":
        return cluster.severity_reason
    evidence = cluster.severity_evidence or {}
    if not evidence.get("total"):
        return ""
    # The words of one concept together: “overheating (“panas”, “anget”)”.
    words: dict[str, list[str]] = {}
    phrases = []
    for reason in evidence.get("reasons", []):
        found = read_severity_reason(reason)
        if not found or found.get("level", cluster.severity) != cluster.severity:
            continue
        if found["form"] in ("plain", "marker") and not found["in_suggestion"]:
            term = " … ".join(filter(None, [found["term"], found.get("marker")]))
            words.setdefault(found["concept"], []).append(term)
        else:
            phrases.append(severity_phrase(reason))
    phrases = [
        _("%(concept)s (%(words)s)") % {"concept": concept(c), "words": quoted(terms)}
        for c, terms in words.items()
    ] + phrases
    sentence = ngettext(
        "%(count)s of %(total)s report is %(level)s",
        "%(count)s of %(total)s reports are %(level)s",
        evidence["total"],
    ) % {
        "count": evidence["count"],
        "total": evidence["total"],
        "level": LEVELS.get(cluster.severity, cluster.severity),
    }
    if phrases:
        return _("%(sentence)s: %(reasons)s.") % {
            "sentence": sentence,
            "reasons": "; ".join(phrases[:3]),
        }
    return _("%(sentence)s.") % {"sentence": sentence}


# --- the engine's escalation reasons (triage/engine/escalation.py) ----------------------

_ESCALATION_FORMS = [
    # Written by engines before November 2026, still in stored rows.
    ("waiting", re.compile(r"^unanswered: waiting '(?P<term>.+)'$")),
    ("public", re.compile(r"^public: '(?P<term>.+?)' \+ '(?P<marker>.+?)'$")),
    ("safety", re.compile(rf"^safety: {_TERM} {_CONCEPT}$")),
    ("shouting", re.compile(r"^anger: repeated '(?P<term>!!!)'$")),
    ("capitals", re.compile(r"^anger: written in capitals$")),
    (
        "words",
        re.compile(
            rf"^(?P<category>anger|unanswered|waiting|warning|demand|public|legal): {_TERM}$"
        ),
    ),
]


def read_escalation_reason(reason: str) -> tuple[str, str] | None:
    """One escalation reason of the engine as ``(category, words)``, or None."""
    for form, pattern in _ESCALATION_FORMS:
        match = pattern.match(reason)
        if match:
            found = match.groupdict()
            category = found.get("category") or form
            if form == "safety":
                return category, f"{concept(found['concept'])}: “{found['term']}”"
            if form == "public":  # a verb of publishing and a network: “posting” … “tiktok”
                return category, f"“{found['term']}” … “{found['marker']}”"
            return category, f"“{found['term']}”" if found.get("term") else ""
    return None


def escalation_text(reasons) -> str:
    """What makes posts likely to go public, grouped by kind: “threatens to go public
    (“instagram”, “viral”); has waited without an answer (“sudah 6 bulan”)”."""
    grouped: dict[str, list[str]] = {}
    for reason in reasons or []:
        found = read_escalation_reason(reason)
        if found:
            words = grouped.setdefault(found[0], [])
            if found[1] and found[1] not in words:
                words.append(found[1])
    parts = []
    for category, words in grouped.items():
        name = str(ESCALATION.get(category, category))
        parts.append(f"{name} ({', '.join(words)})" if words else name)
    return "; ".join(parts)


# --- alerts --------------------------------------------------------------------------


def _number(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1 if value % 1 else 0)


def alert_text(alert) -> str:
    """An alert as one sentence (its cluster and product read from the alert)."""
    return alert_sentence(
        alert.kind,
        alert.data,
        label=alert.cluster.label if alert.cluster_id else "",
        product=alert.product.marketing_name if alert.product_id else "",
    )


def alert_sentence(kind: str, data: dict, *, label: str = "", product: str = "") -> str:
    """The sentence for an alert of ``kind`` with these figures."""
    data = data or {}
    if kind in ("spike", "product_spike"):
        figures = {
            "n": data.get("observed", 0),
            "h": data.get("window_hours", 1),
            "e": _number(data.get("expected", 0.0)),
            "label": label,
            "product": product,
        }
        if kind == "spike":
            return (
                ngettext(
                    "Spike on “%(label)s”: %(n)s reports in the last hour, where about %(e)s "
                    "were expected.",
                    "Spike on “%(label)s”: %(n)s reports in the last %(h)s hours, where about "
                    "%(e)s were expected.",
                    figures["h"],
                )
                % figures
            )
        return (
            ngettext(
                "Spike across %(product)s: %(n)s reports in the last hour, where about %(e)s "
                "were expected.",
                "Spike across %(product)s: %(n)s reports in the last %(h)s hours, where about "
                "%(e)s were expected.",
                figures["h"],
            )
            % figures
        )
    if kind == "regression":
        return _(
            "“%(label)s” is back: reported on %(firmware)s, at or after the fix in %(fixed)s."
        ) % {"label": label, "firmware": data.get("firmware", ""), "fixed": data.get("fixed_in")}
    if kind == "escalation":
        why = escalation_text(data.get("reasons"))
        title = data.get("title") or label
        if why:
            return _("“%(title)s” may go public: the fan %(why)s.") % {"title": title, "why": why}
        return _("“%(title)s” may go public.") % {"title": title}
    return str(kind)


# --- the audit trail -------------------------------------------------------------------


def _n(cluster_id) -> str:
    return f"#{cluster_id}" if cluster_id else "—"


def event_text(event) -> str:
    """What one audit event recorded, as a sentence (the person's note comes apart)."""
    data, action = event.data or {}, event.action
    if action == "created":
        return _("Cluster opened.")
    if action == "assigned":
        return _("Thread placed here (similarity %(score)s%%).") % {
            "score": round(100 * data.get("similarity", 0))
        }
    if action == "moved":
        return _("Thread moved from %(old)s to %(new)s.") % {
            "old": _n(data.get("old")),
            "new": _n(data.get("new") or event.cluster_id),
        }
    if action == "merged":
        if data.get("batch"):
            return _("%(absorbed)s merged into %(kept)s by the engine's batch pass.") % {
                "absorbed": _n(data.get("absorbed")),
                "kept": _n(data.get("kept") or event.cluster_id),
            }
        return ngettext(
            "%(absorbed)s merged into %(kept)s: %(n)s thread moved.",
            "%(absorbed)s merged into %(kept)s: %(n)s threads moved.",
            data.get("threads", 0),
        ) % {
            "absorbed": _n(data.get("absorbed")),
            "kept": _n(data.get("kept")),
            "n": data.get("threads", 0),
        }
    if action == "unmerged":
        return ngettext(
            "Merge of %(absorbed)s into %(kept)s undone: %(n)s thread went back.",
            "Merge of %(absorbed)s into %(kept)s undone: %(n)s threads went back.",
            data.get("threads", 0),
        ) % {
            "absorbed": _n(data.get("absorbed")),
            "kept": _n(data.get("kept")),
            "n": data.get("threads", 0),
        }
    if action == "split":
        return _("Opened as a new cluster for threads moved out of another.")
    if action == "severity":
        return _("Severity changed from %(old)s to %(new)s.") % {
            "old": LEVELS.get(data.get("old"), data.get("old")),
            "new": LEVELS.get(data.get("new"), data.get("new")),
        }
    if action == "status":
        return status_change_text(data)
    if action == "forwarded":
        if data.get("ticket_url"):
            return _("Forwarded to engineering, ticket %(url)s.") % {"url": data["ticket_url"]}
        return _("Forwarded to engineering.")
    if action == "regressed":
        return _("Reported again on %(firmware)s, at or after the fix in %(fixed)s.") % {
            "firmware": data.get("firmware", ""),
            "fixed": data.get("fixed_in", ""),
        }
    if action == "product":
        return _("Product recognised from the words %(words)s.") % {
            "words": quoted(w.strip() for w in event.note.split(",") if w.strip())
        }
    if action == "alert":
        return _("Alert: %(text)s") % {
            "text": alert_sentence(
                data.get("kind", ""),
                data.get("figures", {}),
                label=event.cluster.label if event.cluster_id else "",
                product=data.get("product", ""),
            )
        }
    if action == "alert_closed":
        return _("Alert closed.")
    if action in ("learned", "unlearned"):
        return lesson_text(data, withdrawn=action == "unlearned")
    if action == "replied":
        n = data.get("threads", 0)
        if data.get("name"):
            return ngettext(
                "Official reply “%(name)s” posted in %(n)s thread.",
                "Official reply “%(name)s” posted in %(n)s threads.",
                n,
            ) % {"name": data["name"], "n": n}
        return ngettext(
            "One-off official reply posted in %(n)s thread.",
            "One-off official reply posted in %(n)s threads.",
            n,
        ) % {"n": n}
    return str(event.get_action_display())


def lesson_text(data: dict, *, withdrawn: bool = False) -> str:
    """What a manager's correction taught the engine, or that it was withdrawn."""
    ties = quoted(f"{a} = {b}" for a, b in data.get("ties") or [])
    if withdrawn:
        if ties:
            return _("The merge was undone, so the engine no longer reads %(ties)s as one.") % {
                "ties": ties
            }
        return _("The merge was undone, so what it taught the engine is withdrawn.")
    parts = []
    if ties:
        parts.append(_("reads %(ties)s as the same in this product") % {"ties": ties})
    if data.get("apart_at") is not None:
        parts.append(
            _("keeps reports %(score)s%% alike apart") % {"score": round(100 * data["apart_at"])}
        )
    elif data.get("joined_at") is not None:
        parts.append(
            _("puts reports %(score)s%% alike together more readily")
            % {"score": round(100 * data["joined_at"])}
        )
    if data.get("link") is not None:
        parts.append(
            _("joins a new report to its closest one from %(score)s%% alike")
            % {"score": round(100 * data["link"])}
        )
    return _("From this correction the engine %(what)s.") % {"what": _("; ").join(parts)}


def status_change_text(data: dict) -> str:
    """A status change with the version it was fixed in and the ticket, when known."""
    from triage.models import ClusterStatus

    def label(value):
        return str(ClusterStatus(value).label) if value in ClusterStatus.values else value

    sentence = _("Status changed from %(old)s to %(new)s") % {
        "old": label(data.get("old")),
        "new": label(data.get("new")),
    }
    if data.get("new") == "fixed" and data.get("fixed_in"):
        sentence = _("%(sentence)s, fixed in %(version)s") % {
            "sentence": sentence,
            "version": data["fixed_in"],
        }
    return _("%(sentence)s.") % {"sentence": sentence}


def event_note(event) -> str:
    """The person's own note of an event; the engine writes none (the product event's
    note is the matched words, already in its sentence)."""
    return "" if event.action == "product" else event.note


# --- durations and the heat formula ------------------------------------------------------


def duration(value: timedelta | None) -> str:
    """A span as a manager says it: “45 minutes”, “5 hours”, “3 days”."""
    if value is None:
        return ""
    minutes = max(0, int(value.total_seconds() // 60))
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def ago(moment) -> str:
    """How long ago a moment was: “3 hours ago”, or “just now”."""
    span = timezone.now() - moment
    if span < timedelta(minutes=1):
        return _("just now")
    return _("%(span)s ago") % {"span": duration(span)}


def heat_explanation() -> str:
    """How heat (the queue's order) is computed, in the reader's language."""
    from triage.engine.spread import SEVERITY_POINTS

    return _(
        "Heat orders the queue. Points: %(critical)s for a critical problem, %(major)s "
        "major, %(minor)s minor, %(suggestion)s suggestion; plus 6 for each person "
        "affected, 3 for each “me too”, 1 for each reply and 4 for each person per "
        "100,000 devices of the product. The points are then multiplied by growth (up to "
        "4 times when reports in the last 24 hours outnumber the 24 hours before), by "
        "escalation (up to 2 times when posts are angry or going public) and by recency "
        "(halved for every 14 days without a report)."
    ) % {k: _number(v) for k, v in SEVERITY_POINTS.items()}
