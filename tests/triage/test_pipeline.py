"""The triage pipeline with tasks run in-process: every thread lands in a cluster."""

import functools
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forum import services as forum_services
from forum.models import Kind, MeToo, Notification, Thread
from tests.factories import ManagerFactory, UserFactory
from tests.triage.reports import A55, EXPECTED_SEVERITY, REPORTS, RN13P
from triage import services, wording
from triage.models import (
    Alert,
    Cluster,
    ClusterStatus,
    Source,
    ThreadTriage,
    TriageEvent,
)
from triage.services import pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(post):
    """The shared posting fixture, on the Redmi Note 13 Pro unless told."""
    return functools.partial(post, product=RN13P)


def test_a_posted_thread_is_triaged_into_a_cluster(post):
    thread = post("Baterai kembung", "baterai hp saya kembung, casing belakang terangkat")
    triage = ThreadTriage.objects.get(thread=thread)
    assert triage.severity == "critical"
    assert any("kembung" in reason for reason in triage.severity_reasons)
    cluster = triage.cluster
    assert cluster.product.marketing_name == RN13P
    assert cluster.threads == 1 and cluster.reporters == 1
    assert cluster.severity == "critical"
    assert cluster.severity_evidence["count"] == 1
    assert "kembung" in wording.severity_explanation(cluster)
    assert cluster.heat > 0
    assert TriageEvent.objects.filter(cluster=cluster, action="created").count() == 1


def test_running_the_task_twice_changes_nothing(post):
    thread = post("Bootloop setelah update", "hp bootloop terus di logo setelah update")
    before = (
        list(ThreadTriage.objects.values_list("thread_id", "cluster_id", "content_hash")),
        TriageEvent.objects.count(),
        Cluster.objects.count(),
    )
    services.triage_thread(thread.pk)
    services.triage_thread(thread.pk)
    after = (
        list(ThreadTriage.objects.values_list("thread_id", "cluster_id", "content_hash")),
        TriageEvent.objects.count(),
        Cluster.objects.count(),
    )
    assert before == after


def test_sixty_reports_of_five_problems_cluster_apart_with_the_right_severity(post, phones):
    truth = {}
    for problem, product, firmware, title, body in REPORTS:
        truth[post(title, body, product=product, firmware=firmware).pk] = problem
    services.consolidate_clusters()

    problems_in = defaultdict(Counter)
    for thread_id, cluster_id in ThreadTriage.objects.values_list("thread_id", "cluster_id"):
        problems_in[cluster_id][truth[thread_id]] += 1
    # No cluster mixes two problems (precision first: a wrong merge hides a problem).
    assert all(len(problems) == 1 for problems in problems_in.values()), problems_in
    for problem, expected in EXPECTED_SEVERITY.items():
        cluster_id, size = max(
            ((cid, c[problem]) for cid, c in problems_in.items() if problem in c),
            key=lambda pair: pair[1],
        )
        cluster = Cluster.objects.get(pk=cluster_id)
        assert size >= 5, (problem, problems_in)
        assert cluster.severity == expected, (problem, cluster.severity_reason)
        product = A55 if problem in {"no_signal", "camera_crash", "overheat_charging"} else RN13P
        assert cluster.product == phones[product]
        assert cluster.top_terms, cluster


def test_a_thread_without_product_gets_the_one_it_names(post):
    thread = post("bootloop abis update", "rn 13 pro gw bootloop abis update kemarin", product=None)
    thread.refresh_from_db()
    assert thread.product.marketing_name == RN13P
    assert thread.triage.cluster.product == thread.product
    assert TriageEvent.objects.filter(thread=thread, action="product").exists()


def test_a_thread_naming_no_product_waits_unassigned_but_is_still_triaged(post):
    thread = post(
        "hp panas banget pas dicas", "overheat parah sampe ga bisa dipegang", product=None
    )
    triage = ThreadTriage.objects.get(thread=thread)
    assert triage.cluster.product is None  # the unassigned queue
    assert triage.severity == "critical"
    assert "overheat" in triage.concepts


def test_suggestions_cluster_apart_from_problems(post):
    problem = post("Dual app hilang", "fitur dual app hilang setelah update, tidak bisa dibuka")
    idea = post(
        "Saran: tambah fitur dual app",
        "saran: tambah fitur dual app untuk wa",
        kind=Kind.SUGGESTION,
    )
    assert idea.triage.severity == "suggestion"
    assert idea.triage.cluster.kind == Kind.SUGGESTION
    assert idea.triage.cluster_id != problem.triage.cluster_id


def test_spread_figures_count_people_votes_replies_and_firmware(
    post, phones, django_capture_on_commit_callbacks
):
    first = post(
        "Sinyal hilang", "sinyal hilang terus, no service", product=A55, firmware="A556EXXU2AXH1"
    )
    second = post(
        "no service terus",
        "hp sering no service, sinyal ilang",
        product=A55,
        firmware="A556EXXU3AXJ2",
    )
    assert first.triage.cluster_id == second.triage.cluster_id
    voter, replier = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.toggle_me_too(user=voter, thread=first)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.create_post(author=replier, thread=second, body="sama, di sini juga")
    cluster = Cluster.objects.get(pk=first.triage.cluster_id)
    assert cluster.threads == 2
    assert cluster.me_too == 1
    assert cluster.replies == 1
    assert cluster.reporters == 3  # two authors and the "me too"; the replier only replied
    assert cluster.firmware == {"A556EXXU2AXH1": 1, "A556EXXU3AXJ2": 1}
    assert cluster.reports_24h == 3
    assert sum(n for _, n in cluster.daily) == 3
    assert cluster.per_100k_devices == pytest.approx(3 * 100_000 / 2_000_000)
    assert cluster.products == [phones[A55].pk]


def test_a_me_too_raises_heat(post, django_capture_on_commit_callbacks):
    thread = post("Kamera force close", "aplikasi kamera force close", product=A55)
    before = Cluster.objects.get(pk=thread.triage.cluster_id).heat
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.toggle_me_too(user=UserFactory(), thread=thread)
    assert Cluster.objects.get(pk=thread.triage.cluster_id).heat > before


def test_a_report_from_a_later_firmware_reopens_a_fixed_cluster_as_regressed(post):
    ManagerFactory(email="rina@example.com")
    first = post(
        "Bootloop setelah update",
        "hp bootloop terus di logo setelah update",
        firmware="OS1.0.9.0.UNFIDXM",
    )
    cluster = first.triage.cluster
    services.set_status(cluster, ClusterStatus.FIXED, fixed_in="OS1.0.11.0")

    older = post(
        "masih bootloop", "hp masih bootloop di logo setelah update", firmware="OS1.0.10.0.UNFIDXM"
    )
    assert older.triage.cluster_id == cluster.pk
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.FIXED  # that fan simply has not updated yet

    later = post(
        "bootloop lagi", "hp bootloop lagi di logo setelah update", firmware="OS1.0.12.0.UNFIDXM"
    )
    assert later.triage.cluster_id == cluster.pk
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.REGRESSED
    alert = Alert.objects.get(kind=Alert.Kind.REGRESSION, cluster=cluster)
    assert "OS1.0.12.0" in str(alert)
    assert mail.outbox and mail.outbox[-1].to == ["rina@example.com"]


def test_firmware_comparison():
    assert services.firmware_at_or_after("OS2.0.5.0.VLQIDXM", "OS2.0.5.0")
    assert services.firmware_at_or_after("OS2.0.10.0.VLQIDXM", "2.0.5")
    assert not services.firmware_at_or_after("OS2.0.4.0.VLQIDXM", "OS2.0.5.0")
    assert not services.firmware_at_or_after("", "OS2.0.5.0")
    assert not services.firmware_at_or_after("A556EXXU2AXH1", "OS2.0.5.0")


def test_a_status_change_reaches_every_thread_and_its_followers(post, phones):
    a = post("Kamera crash", "kamera crash terus pas mau foto", product=A55)
    b = post("kamera crash lagi", "aplikasi kamera crash terus, keluar sendiri", product=A55)
    assert a.triage.cluster_id == b.triage.cluster_id
    manager = ManagerFactory()
    services.set_status(
        a.triage.cluster, ClusterStatus.FORWARDED, actor=manager, note="to camera team"
    )
    statuses = set(Thread.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True))
    assert statuses == {"investigating"}
    notified = set(Notification.objects.filter(verb="status").values_list("recipient", flat=True))
    assert notified == {a.author_id, b.author_id}
    event = TriageEvent.objects.get(action="status")
    assert event.actor == manager and event.note == "to camera team"
    # Each fan reads the status in their own language.
    from django.utils import translation

    from forum.templatetags.forum_tags import notification_text

    item = Notification.objects.filter(verb="status").first()
    with translation.override("id"):
        assert "Diteruskan ke tim engineering" in notification_text(item)
    with translation.override("en"):
        assert "Forwarded to engineering" in notification_text(item)


def test_the_pipeline_costs_the_same_queries_whatever_the_number_of_clusters(
    post, django_assert_max_num_queries
):
    def triage_one(n):
        thread = forum_services.create_thread(
            author=UserFactory(),
            title=f"Sinyal hilang {n}",
            body="sinyal hilang no service",
            product=None,
            firmware="A556EXXU2AXH1",
        )
        return thread

    for _, product, firmware, title, body in REPORTS[:10]:
        post(title, body, product=product, firmware=firmware)
    post("Sinyal hilang 0", "sinyal hilang no service", product=None)  # both below join it
    thread = triage_one(1)
    with django_assert_max_num_queries(40) as small:
        services.triage_thread(thread.pk)
    for _, product, firmware, title, body in REPORTS[10:]:
        post(title, body, product=product, firmware=firmware)
    thread = triage_one(2)
    with django_assert_max_num_queries(40) as large:
        services.triage_thread(thread.pk)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_steady_traffic_opens_no_alert_and_a_burst_does(post, django_capture_on_commit_callbacks):
    ManagerFactory(email="rina@example.com")
    now = timezone.now()
    # A week of steady reports: one every four hours.
    for hours_ago in range(4, 24 * 7, 4):
        thread = post(
            "Sinyal hilang",
            "sinyal hilang terus, no service",
            product=A55,
            created_at=now - timedelta(hours=hours_ago),
        )
        assert thread.triage.cluster_id
    assert services.detect_spikes() == []
    assert not Alert.objects.exists()

    # Then twelve in the last hour.
    for minutes_ago in range(12):
        post(
            "no service lagi",
            "sinyal hilang, no service",
            product=A55,
            created_at=now - timedelta(minutes=minutes_ago * 4),
        )
    with django_capture_on_commit_callbacks(execute=True):  # alerts are mailed on commit
        alerts = services.detect_spikes()
    kinds = {a.kind for a in alerts}
    assert kinds == {Alert.Kind.SPIKE, Alert.Kind.PRODUCT_SPIKE}
    # Windows are whole clock hours, so how many of the twelve fall in the last one varies.
    assert all(a.data["observed"] >= 5 and a.data["observed"] >= 3 * a.data["expected"]
               for a in alerts)  # fmt: skip
    assert any("Spike" in m.subject or "Lonjakan" in m.subject for m in mail.outbox)
    # Still bursting a minute later: the open alert is not opened again.
    assert services.detect_spikes() == []


def test_the_batch_pass_never_moves_a_thread_a_manager_placed(post):
    a = post("Kamera force close", "aplikasi kamera force close", product=A55)
    b = post("Baterai boros", "baterai boros parah setelah update", product=A55)
    manager = ManagerFactory()
    # A manager files the battery thread under the camera cluster (whatever the engine thinks).
    ThreadTriage.objects.filter(thread=b).update(
        cluster=a.triage.cluster, assignment=Source.MANAGER, assigned_by=manager
    )
    services.consolidate_clusters()
    assert ThreadTriage.objects.get(thread=b).cluster_id == a.triage.cluster_id


def test_a_thread_split_out_to_its_merged_first_cluster_reopens_it(post):
    camera = post("Kamera force close", "aplikasi kamera force close terus", product=A55)
    post("Baterai boros", "baterai boros parah setelah update", product=A55)
    battery = post("Baterai boros banget", "baterai cepat habis setelah update", product=A55)
    first = ThreadTriage.objects.get(thread=camera).cluster
    battery_cluster = ThreadTriage.objects.get(thread=battery).cluster
    # An earlier batch pass merged the camera thread's cluster into the battery one.
    Cluster.objects.filter(pk=first.pk).update(
        merged_into=battery_cluster, status=ClusterStatus.DUPLICATE
    )
    ThreadTriage.objects.filter(thread=camera).update(cluster=battery_cluster)
    # Now it no longer fits there: the engine moves it out under its own id, its first key.
    services.consolidate_clusters()
    first.refresh_from_db()
    assert ThreadTriage.objects.get(thread=camera).cluster_id == first.pk
    assert first.merged_into is None and first.status == ClusterStatus.NEW
    assert first.threads == 1


def test_a_product_of_unique_reports_ends_in_pairs_after_the_batch_pass(post):
    for i in range(110):
        post(f"Module{i} fails", f"word{i}a word{i}b word{i}c", product=A55)
    family = [
        post(f"Upgrade netty to {v}", "Upgrade netty to the latest release", product=A55)
        for v in ("4.1.48", "4.1.50", "4.1.61", "4.1.68")
    ]
    one = post(
        "Jetty crashes on startup with TLS", "jetty crash when ssl keystore set", product=A55
    )
    two = post(
        "Jetty startup crash when TLS enabled", "ssl keystore makes jetty crash", product=A55
    )
    grown = {ThreadTriage.objects.get(thread=t).cluster_id for t in family}
    assert len(grown) < 4  # online, before the product is known to be sparse
    services.consolidate_clusters()
    cluster_of = dict(ThreadTriage.objects.values_list("thread_id", "cluster_id"))
    assert len({cluster_of[t.pk] for t in family}) == 4
    assert cluster_of[one.pk] == cluster_of[two.pk]
    assert max(Counter(cluster_of.values()).values()) == 2
    live = Cluster.objects.filter(merged_into=None, pk__in=set(cluster_of.values()))
    assert all(c.threads == Counter(cluster_of.values())[c.pk] for c in live)


def test_the_sweeper_triages_threads_whose_task_never_ran(phones):
    # Written without the pipeline hook, as if the broker had been down.
    thread = Thread.objects.create(
        title="Kamera force close",
        body="kamera force close terus",
        product=phones[A55],
        created_at=timezone.now() - timedelta(minutes=5),
    )
    assert services.untriaged_threads() == [thread.pk]
    services.triage_thread(thread.pk)
    assert services.untriaged_threads() == []
    assert TriageEvent.objects.filter(thread=thread, action="assigned").count() == 1


def test_an_edit_that_changes_nothing_leaves_the_sweepers_queue(post):
    thread = post("Kamera force close", "kamera force close terus", product=A55)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=timezone.now() - timedelta(hours=1), edited_at=timezone.now()
    )
    assert services.untriaged_threads() == [thread.pk]
    assert services.sweep() == 1
    assert services.untriaged_threads() == []
    assert services.sweep() == 0


def _untriaged(phones, n: int) -> list[Thread]:
    """Threads written without the pipeline hook, as if the broker had been down."""
    return [
        Thread.objects.create(
            title=f"Sinyal hilang {i}",
            body="sinyal hilang no service",
            product=phones[A55],
            created_at=timezone.now() - timedelta(minutes=5),
        )
        for i in range(n)
    ]


def test_a_thread_that_fails_does_not_stop_the_sweeper(phones, monkeypatch):
    threads = _untriaged(phones, 3)
    real = services.triage_thread

    def poisoned(thread_id):
        if thread_id == threads[0].pk:
            raise ValueError("the engine choked on this one")
        return real(thread_id)

    monkeypatch.setattr(pipeline, "triage_thread", poisoned)
    assert services.sweep() == 2
    assert services.untriaged_threads() == [threads[0].pk]


def test_the_sweeper_goes_round_robin_so_a_backlog_cannot_starve_newer_threads(phones, monkeypatch):
    threads = _untriaged(phones, 5)
    seen: list[int] = []
    monkeypatch.setattr(pipeline, "triage_thread", seen.append)  # every attempt fails to land
    for _ in range(4):
        services.sweep(limit=2)
    a, b, c, d, e = (t.pk for t in threads)
    assert seen == [a, b, c, d, e, a, b, c]


def test_an_edited_thread_is_read_again(post, django_capture_on_commit_callbacks):
    thread = post("Kamera", "kamera kadang lambat", product=A55)
    assert thread.triage.severity == "minor"
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.edit_thread(
            user=thread.author,
            thread=thread,
            title="Kamera meledak",
            body="baterai kembung dan hp berasap",
            firmware="",
            kind="problem",
        )
    assert ThreadTriage.objects.get(thread=thread).severity == "critical"


def test_a_report_without_symptom_words_borrows_the_severity_of_similar_reports(post):
    for i in range(2):
        post(f"Bootloop setelah update {i}", "hp bootloop di logo setelah update OS2, logo terus")
    vague = post("Cuma logo", "hp cuma nampilin logo doang setelah update OS2")
    triage = ThreadTriage.objects.get(thread=vague)
    assert triage.severity == "critical"
    assert triage.severity_reasons[0].startswith("no symptom words found: critical like 2")
    alone = post("Pertanyaan", "gimana cara ganti nada dering")
    assert ThreadTriage.objects.get(thread=alone).severity == "minor"


def test_me_too_rows_count_once_per_person(post):
    thread = post("Sinyal hilang", "sinyal hilang no service", product=A55)
    voter = UserFactory()
    MeToo.objects.create(thread=thread, user=voter)
    services.refresh_figures([thread.triage.cluster_id])
    assert Cluster.objects.get(pk=thread.triage.cluster_id).reporters == 2


def test_a_post_threatening_to_go_public_is_flagged_and_alerts(post):
    thread = post(
        "UDAH 3 HARI GAK ADA RESPON",
        "hp mati total setelah update, cs gak respon, saya viralin aja dan lapor ylki!!!",
    )
    cluster = Cluster.objects.get(pk=thread.triage.cluster_id)
    assert cluster.escalation >= services.ESCALATING
    alert = Alert.objects.get(kind=Alert.Kind.ESCALATION, cluster=cluster)
    assert "UDAH 3 HARI" in str(alert)


def test_the_admin_queue_ranks_by_heat_and_shows_open_alerts(post, client):
    mild = post("Kamera kadang lambat", "kamera kadang agak lambat dibuka", product=A55)
    worse = post("Baterai kembung", "baterai kembung, casing terangkat")
    services.open_alert(Alert.Kind.SPIKE, cluster=worse.triage.cluster,
                        data={"observed": 9, "expected": 0.5, "window_hours": 1})  # fmt: skip
    client.force_login(ManagerFactory())
    html = client.get("/admin/triage/cluster/").content.decode()
    assert html.index(worse.triage.cluster.label) < html.index(mild.triage.cluster.label)
    assert "1 open alert" in html and "Spike on" in html
    page = client.get(f"/admin/triage/cluster/{worse.triage.cluster_id}/change/")
    assert page.status_code == 200
    assert "each person affected" in page.content.decode()  # how heat is computed


def test_forwarding_records_who_tells_fans_and_emits_an_event(
    post, django_capture_on_commit_callbacks, monkeypatch
):
    from triage import webhooks
    from triage.models import Forward

    thread = post("Kamera force close", "aplikasi kamera force close", product=A55)
    manager = ManagerFactory()
    seen = []
    monkeypatch.setattr(webhooks, "dispatch", lambda event, cluster_id, data: seen.append(event))
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_cluster(thread.triage.cluster, actor=manager, note="camera team",
                                 ticket_url="https://jira.example.com/CAM-1")  # fmt: skip
    cluster = Cluster.objects.get(pk=thread.triage.cluster_id)
    assert cluster.status == ClusterStatus.FORWARDED
    assert cluster.ticket_url == "https://jira.example.com/CAM-1"
    assert Forward.objects.get(cluster=cluster).forwarded_by == manager
    assert seen == ["cluster.status_changed", "cluster.forwarded"]
    thread.refresh_from_db()
    assert thread.status == "investigating"
    assert Notification.objects.filter(recipient=thread.author, verb="status").exists()


def test_updated_at_moves_for_engineers_but_not_for_heat_decay(post):
    thread = post("Kamera force close", "aplikasi kamera force close", product=A55)
    cluster_id = thread.triage.cluster_id
    first = Cluster.objects.get(pk=cluster_id).updated_at
    services.refresh_figures([cluster_id], now=timezone.now() + timedelta(days=3))
    assert Cluster.objects.get(pk=cluster_id).updated_at == first
    post("kamera crash", "aplikasi kamera force close lagi", product=A55)
    assert Cluster.objects.get(pk=cluster_id).updated_at > first


def test_suggestions_collect_votes_and_the_most_wanted_rank_first(
    post, django_capture_on_commit_callbacks
):
    wanted = post("Saran: tambah fitur dual app", "saran: tolong tambah fitur dual app",
                  kind=Kind.SUGGESTION)  # fmt: skip
    other = post("Saran: jadwal mode gelap", "saran: mode gelap otomatis sesuai jadwal",
                 kind=Kind.SUGGESTION)  # fmt: skip
    assert wanted.triage.cluster_id != other.triage.cluster_id
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            forum_services.toggle_me_too(user=UserFactory(), thread=wanted)
    ranked = list(
        Cluster.objects.filter(kind=Kind.SUGGESTION).order_by("-heat").values_list("pk", "me_too")
    )
    assert ranked[0] == (wanted.triage.cluster_id, 3)


def test_a_thread_filed_under_the_wrong_product_is_triaged_under_the_one_it_names(post, phones):
    # The fan picked the Galaxy A55 but writes only about a Redmi Note 13 Pro.
    thread = post("rn13 pro bootloop", "rn 13 pro saya bootloop setelah update", product=A55)
    triage = ThreadTriage.objects.get(thread=thread)
    assert triage.product == phones[RN13P]
    assert triage.product_source.startswith("text")
