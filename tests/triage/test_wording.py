"""The console's sentences: written from stored data in the reader's language, never
stored in one; every reason the engine writes is put into words."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from demo import corpus as demo_corpus
from tests.factories import ManagerFactory
from triage import engine, services, wording
from triage.engine.vocabulary import CONCEPTS
from triage.models import Alert, Cluster, ClusterStatus, Severity, Source, TriageEvent


def in_language(language, render, *args):
    with translation.override(language):
        return render(*args)


def test_every_engine_concept_has_a_name_in_both_languages():
    for concept in CONCEPTS:
        assert concept.id in wording.CONCEPTS, concept.id
        assert in_language("id", wording.concept, concept.id) != in_language(
            "en", wording.concept, concept.id
        )


def test_every_reason_the_engine_writes_is_read():
    """Severity and escalation reasons of 2,000 demo reports all become phrases."""
    severity, escalation = set(), set()
    for report in demo_corpus.generate(2000, seed=3):
        analysis = engine.analyse(report["title"], report["body"])
        severity.update(analysis.severity.reasons)
        escalation.update(analysis.escalation.reasons)
    assert len(severity) > 50 and len(escalation) > 10
    unread = [r for r in severity if wording.read_severity_reason(r) is None]
    unread += [r for r in escalation if wording.read_escalation_reason(r) is None]
    assert unread == []
    for reason in severity:
        assert in_language("id", wording.severity_phrase, reason)


def cluster(**fields) -> Cluster:
    values = {"pk": 12, "label": "Baterai kembung", "severity": Severity.CRITICAL,
              "severity_source": Source.ENGINE, "threads": 3, **fields}  # fmt: skip
    return Cluster(**values)


def test_the_engines_severity_evidence_reads_as_a_sentence_in_each_language():
    c = cluster(
        severity_evidence={
            "count": 3,
            "total": 3,
            "reasons": [
                "'panas' (overheat): critical",
                "'kembung' (battery_swelling): critical",
                "'overheat' (overheat): critical",
                "'lag' (lag): minor",  # not the cluster's level: left out
            ],
        }
    )
    assert in_language("en", wording.severity_explanation, c) == (
        "3 of 3 reports are critical: overheating (“panas”, “overheat”); "
        "swollen battery (“kembung”)."
    )
    assert in_language("id", wording.severity_explanation, c) == (
        "3 dari 3 laporan tergolong kritis: terlalu panas (“panas”, “overheat”); "
        "baterai menggembung (“kembung”)."
    )
    manager = cluster(severity_source=Source.MANAGER, severity_reason="data hilang")
    assert wording.severity_explanation(manager) == "data hilang"


def test_escalation_words_are_grouped_by_what_they_mean():
    reasons = [
        "public: 'viralin'",
        "public: 'posting' + 'tiktok'",
        "waiting: 'sudah 6 bulan'",
        "demand: 'refund'",
        "safety: 'panas' (overheat)",
        "anger: repeated '!!!'",
        "anger: written in capitals",
    ]
    assert in_language("en", wording.escalation_text, reasons) == (
        "threatens to go public (“viralin”, “posting” … “tiktok”); has waited a long time "
        "(“sudah 6 bulan”); wants their money back (“refund”); mentions a safety risk "
        "(overheating: “panas”); shouts (“!!!”); writes in capitals"
    )
    assert "mengancam membawanya ke publik (“viralin”, “posting” … “tiktok”)" in in_language(
        "id", wording.escalation_text, reasons
    )
    # Written by the engine before its November 2026 rules, still in stored rows.
    assert in_language("en", wording.escalation_text, ["unanswered: waiting 'sudah 6 bulan'"]) == (
        "has waited a long time (“sudah 6 bulan”)"
    )


@pytest.mark.parametrize(
    ("kind", "data", "english", "indonesian"),
    [
        ("spike", {"observed": 12, "expected": 0.4, "window_hours": 3},
         "Spike on “Baterai kembung”: 12 reports in the last 3 hours, where about 0.4 were "
         "expected.",
         "Lonjakan di “Baterai kembung”: 12 laporan dalam 3 jam terakhir, padahal biasanya "
         "sekitar 0,4."),
        ("spike", {"observed": 6, "expected": 1.0, "window_hours": 1},
         "Spike on “Baterai kembung”: 6 reports in the last hour, where about 1 were expected.",
         "Lonjakan di “Baterai kembung”: 6 laporan dalam 1 jam terakhir, padahal biasanya "
         "sekitar 1."),
        ("regression", {"firmware": "A556XXU5", "fixed_in": "A556XXU4"},
         "“Baterai kembung” is back: reported on A556XXU5, at or after the fix in A556XXU4.",
         "“Baterai kembung” muncul lagi: dilaporkan di A556XXU5, sama dengan atau setelah "
         "perbaikan di A556XXU4."),
        ("escalation", {"title": "UDAH 3 HARI", "reasons": ["legal: 'ylki'"]},
         "“UDAH 3 HARI” may go public: the fan threatens legal action (“ylki”).",
         "“UDAH 3 HARI” bisa jadi sorotan publik: penggemar mengancam menempuh jalur hukum "
         "(“ylki”)."),
    ],
)  # fmt: skip
def test_alerts_are_sentences_in_the_readers_language(kind, data, english, indonesian):
    alert = Alert(kind=kind, cluster=cluster(), data=data)
    assert in_language("en", str, alert) == english
    assert in_language("id", str, alert) == indonesian


def test_a_product_spike_names_the_product(db, phones):
    product = next(iter(phones.values()))
    alert = Alert(kind="product_spike", product=product,
                  data={"observed": 30, "expected": 2.5, "window_hours": 1})  # fmt: skip
    assert in_language("en", str, alert) == (
        f"Spike across {product.marketing_name}: 30 reports in the last hour, where about "
        "2.5 were expected."
    )


@pytest.mark.django_db
def test_alert_mail_reaches_each_manager_in_their_language(
    post, django_capture_on_commit_callbacks
):
    ManagerFactory(email="rina@example.com", preferred_language="")  # the default: Indonesian
    ManagerFactory(email="alex@example.com", preferred_language="en")
    thread = post("Baterai kembung", "baterai kembung")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.open_alert(
            Alert.Kind.SPIKE,
            cluster=thread.triage.cluster,
            data={"observed": 9, "expected": 0.5, "window_hours": 1},
        )
    by_reader = {m.to[0]: m for m in mail.outbox}
    assert set(by_reader) == {"rina@example.com", "alex@example.com"}
    assert "Lonjakan di “Baterai kembung”" in by_reader["rina@example.com"].subject
    assert "Spike on “Baterai kembung”" in by_reader["alex@example.com"].subject
    assert "9 reports in the last hour" in by_reader["alex@example.com"].body
    assert "{'observed'" not in by_reader["alex@example.com"].body
    alert.refresh_from_db()
    assert alert.mailed_at is not None


@pytest.mark.django_db
def test_the_audit_trail_reads_as_sentences_and_keeps_the_fixed_in_version(post):
    manager = ManagerFactory(display_name="Mira")
    thread = post("Kamera force close", "kamera force close tiap dibuka")
    c = thread.triage.cluster
    services.set_status(c, ClusterStatus.FIXED, actor=manager, fixed_in="A556XXU4", note="HAL")
    event = TriageEvent.objects.get(action="status", cluster=c)
    assert event.data["fixed_in"] == "A556XXU4" and event.note == "HAL"
    assert in_language("en", wording.event_text, event) == (
        "Status changed from New to Fixed, fixed in A556XXU4."
    )
    assert in_language("id", wording.event_text, event) == (
        "Status diubah dari Baru menjadi Sudah diperbaiki, diperbaiki di A556XXU4."
    )


def test_spans_of_time_read_as_a_manager_says_them():
    with translation.override("en"):
        assert wording.duration(timedelta(seconds=30)) == "0 minutes"
        assert wording.duration(timedelta(minutes=45)) == "45 minutes"
        assert wording.duration(timedelta(hours=1, minutes=20)) == "1 hour"
        assert wording.duration(timedelta(hours=30)) == "30 hours"
        assert wording.duration(timedelta(days=3, hours=5)) == "3 days"
    with translation.override("id"):
        assert wording.duration(timedelta(days=3)) == "3 hari"


def test_heat_is_explained_in_the_managers_language():
    assert "each person affected" in in_language("en", wording.heat_explanation)
    indonesian = in_language("id", wording.heat_explanation)
    assert "setiap orang terdampak" in indonesian and "60 untuk masalah kritis" in indonesian
