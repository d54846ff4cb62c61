"""The console's home page, the alert summary on every page, the queue's columns and the
response times: what a community manager sees first and decides on."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.factories import ManagerFactory
from tests.triage.reports import A55, RN13P
from tests.triage.test_console import _clusters, _count_queries
from triage import selectors, services
from triage.models import Alert, Cluster, ClusterStatus, ReplyTemplate, ThreadTriage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HOME = "/admin/"
QUEUE = "/admin/triage/cluster/"
SPIKE = {"observed": 9, "expected": 0.5, "window_hours": 1}


@pytest.fixture
def manager():
    return ManagerFactory(display_name="Mira", preferred_language="en")


def cluster_of(thread) -> Cluster:
    return Cluster.objects.get(pk=ThreadTriage.objects.get(thread=thread).cluster_id)


def answer(cluster, manager, django_capture_on_commit_callbacks):
    reply = ReplyTemplate(name="", body_id="Sedang dicek", body_en="Checking")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_official_reply(cluster, reply, actor=manager)
    cluster.refresh_from_db()


def test_the_console_carries_the_products_name_not_djangos(client, manager):
    client.force_login(manager)
    html = client.get(HOME).content.decode()
    assert "Tanggap console" in html and "What needs you now" in html
    assert "Django administration" not in html and "Site administration" not in html
    manager.preferred_language = "id"
    manager.save()
    html = client.get(HOME).content.decode()
    assert "Konsol Tanggap" in html and "Administrasi Django" not in html


def test_the_home_page_shows_what_needs_a_manager_now(
    client, manager, post, django_capture_on_commit_callbacks
):
    now = timezone.now()
    waiting = post("Baterai kembung", "baterai kembung, casing terangkat",
                   created_at=now - timedelta(days=3, hours=2))  # fmt: skip
    answered = post("Layar mati total", "hp mati total, layar hitam", product=RN13P,
                    created_at=now - timedelta(days=5))  # fmt: skip
    rising = [post("Sinyal hilang", "sinyal hilang no service", created_at=now - timedelta(hours=h))
              for h in (1, 2, 3)]  # fmt: skip
    camera = post("Kamera force close", "kamera force close tiap dibuka",
                  created_at=now - timedelta(days=9))  # fmt: skip
    answer(cluster_of(answered), manager, django_capture_on_commit_callbacks)
    services.forward_cluster(cluster_of(camera), actor=manager,
                             ticket_url="https://jira.example.com/CAM-1")  # fmt: skip
    services.open_alert(Alert.Kind.SPIKE, cluster=cluster_of(rising[0]), data=SPIKE)
    client.force_login(manager)

    response = client.get(HOME)
    sections = response.context["console"]
    assert [c.pk for c in sections["rising"]] == [cluster_of(rising[0]).pk]
    unanswered = [c.pk for c, _waited in sections["unanswered"]]
    assert cluster_of(waiting).pk in unanswered and cluster_of(answered).pk not in unanswered
    assert [c.pk for c, _waited in sections["with_engineering"]] == [cluster_of(camera).pk]
    html = response.content.decode()
    assert "fans have waited 3 days" in html
    assert "3 reports in the last 24 hours, 0 the day before" in html
    assert "Spike on “Sinyal hilang”: 9 reports in the last hour" in html
    assert 'href="https://jira.example.com/CAM-1"' in html
    # Response times: the answered cluster's first official answer, for its product and all.
    times = {row["product"]: row for row in sections["response_medians"]}
    assert times[None]["answer"]["clusters"] == 1
    assert times[RN13P]["answer"]["median"] >= timedelta(days=5)
    assert times[None]["forward"]["clusters"] == 1
    assert "5 days" in html and "All products" in html


def test_the_home_page_costs_the_same_queries_for_one_cluster_or_thirty(client, phones):
    manager = ManagerFactory()
    client.force_login(manager)
    small = _clusters(1, manager)
    Cluster.objects.filter(pk=small.pk).update(
        severity="critical", reports_24h=3, first_answered_at=timezone.now()
    )
    cost = _count_queries(client, HOME)
    _clusters(30, manager)
    now = timezone.now()
    Cluster.objects.update(severity="critical", reports_24h=3, first_seen=now - timedelta(days=1))
    Cluster.objects.filter(pk__gt=10).update(status=ClusterStatus.FORWARDED, forwarded_at=now)
    Cluster.objects.filter(pk__gt=20).update(first_answered_at=now, fixed_at=now)
    ContentType.objects.clear_cache()
    assert _count_queries(client, HOME) == cost


def test_every_page_sums_up_the_open_alerts_and_links_to_them(client, manager, post):
    threads = [
        post("Sinyal hilang", "sinyal hilang no service"),
        post("Kamera force close", "kamera force close tiap dibuka"),
        post("Baterai kembung", "baterai kembung, casing terangkat"),
    ]
    for thread in threads:
        services.open_alert(Alert.Kind.SPIKE, cluster=cluster_of(thread), data=SPIKE)
    Alert.objects.filter(cluster=cluster_of(threads[0])).update(closed_at=timezone.now())
    client.force_login(manager)
    html = client.get(QUEUE).content.decode()
    summary = html[
        html.index('class="alert-summary"') : html.index("</div>", html.index("alert-summary"))
    ]
    assert "2 open alerts" in summary
    newest = Alert.objects.filter(closed_at=None).order_by("-opened_at", "-id").first()
    assert str(newest) in summary
    assert summary.count("Spike on") == 1  # the newest only, not every alert
    assert 'href="/admin/triage/alert/?open=yes"' in summary
    listed = client.get("/admin/triage/alert/?open=yes").content.decode()
    assert listed.count('class="field-what"') == 2


def test_the_alert_list_names_the_product_of_a_clusters_alert(client, manager, post, phones):
    thread = post("Sinyal hilang", "sinyal hilang no service")
    services.open_alert(Alert.Kind.SPIKE, cluster=cluster_of(thread), data=SPIKE)
    client.force_login(manager)
    html = client.get("/admin/triage/alert/").content.decode()
    assert f'<td class="field-product_shown">{phones[A55].marketing_name}</td>' in html


def test_the_queue_shows_the_figures_a_manager_decides_on(
    client, manager, post, django_capture_on_commit_callbacks
):
    quiet = post("Kamera force close", "kamera force close tiap dibuka")
    answered = post("Baterai kembung", "baterai kembung, casing terangkat")
    answer(cluster_of(answered), manager, django_capture_on_commit_callbacks)
    client.force_login(manager)
    html = client.get(QUEUE).content.decode()
    for heading in ("People affected", "Last 24 h", "Severity", "Status", "Age",
                    "Official answer"):  # fmt: skip
        assert f">{heading}<" in html, heading
    assert "not yet" in html and "answered" in html
    assert "Cluster queue" in html

    def shown(query):
        page = client.get(QUEUE + query).content.decode()
        return {c.pk for c in map(cluster_of, (quiet, answered))
                if f'href="{QUEUE}{c.pk}/change/" class="queue-label"' in page}  # fmt: skip

    assert shown("?answered=no") == {cluster_of(quiet).pk}
    assert shown("?answered=yes") == {cluster_of(answered).pk}


def test_response_times_run_from_the_first_report(
    client, manager, post, django_capture_on_commit_callbacks
):
    now = timezone.now()
    thread = post("Bootloop setelah update", "hp bootloop di logo setelah update",
                  firmware="A556XXU3", created_at=now - timedelta(days=2))  # fmt: skip
    cluster = cluster_of(thread)
    times = selectors.response_times(cluster)
    assert (times.answer, times.forward, times.fix) == (None, None, None)

    answer(cluster, manager, django_capture_on_commit_callbacks)
    services.forward_cluster(cluster, actor=manager)
    services.set_status(cluster, ClusterStatus.ACKNOWLEDGED, actor=manager)
    services.set_status(cluster, ClusterStatus.FIXED, actor=manager, fixed_in="A556XXU4")
    cluster.refresh_from_db()
    times = selectors.response_times(cluster)
    for span in (times.answer, times.forward, times.fix):
        assert timedelta(days=2) <= span < timedelta(days=2, minutes=5)
    forwarded_at = cluster.forwarded_at
    services.set_status(cluster, ClusterStatus.FORWARDED, actor=manager)
    cluster.refresh_from_db()
    assert cluster.forwarded_at == forwarded_at  # the first time engineering had it
    assert cluster.fixed_at is None  # no longer fixed

    client.force_login(manager)
    html = client.get(f"{QUEUE}{cluster.pk}/change/").content.decode()
    assert "First official answer" in html and "after 2 days" in html


def test_medians_are_per_product_over_the_last_90_days(phones):
    now = timezone.now()
    a55, rn13 = phones[A55], phones[RN13P]

    def made(product, answered_after=None, fixed_after=None, seen_days_ago=10):
        first = now - timedelta(days=seen_days_ago)
        return Cluster.objects.create(
            key=Cluster.objects.count() + 1, product=product, label="x", first_seen=first,
            first_answered_at=first + answered_after if answered_after else None,
            fixed_at=first + fixed_after if fixed_after else None,
        )  # fmt: skip

    made(a55, answered_after=timedelta(hours=1))
    made(a55, answered_after=timedelta(hours=3))
    made(a55, answered_after=timedelta(hours=8), fixed_after=timedelta(days=4))
    made(rn13, answered_after=timedelta(hours=10))
    made(rn13, answered_after=timedelta(hours=2), seen_days_ago=200)  # too long ago
    rows = {r["product"]: r for r in selectors.response_medians(now)}
    assert rows[A55]["answer"] == {"median": timedelta(hours=3), "clusters": 3}
    assert rows[RN13P]["answer"] == {"median": timedelta(hours=10), "clusters": 1}
    assert rows[None]["answer"] == {"median": timedelta(hours=5, minutes=30), "clusters": 4}
    assert rows[A55]["fix"] == {"median": timedelta(days=4), "clusters": 1}
    assert rows[RN13P]["fix"] == {"median": None, "clusters": 0}


def test_the_cluster_page_costs_the_same_whatever_its_history(
    client, manager, post, django_capture_on_commit_callbacks
):
    """Every kind of audit event (alerts, merges, status with a version, replies) is put
    into words from what the page already read: no query per event."""
    first = post("Kamera force close", "kamera force close tiap dibuka")
    camera = cluster_of(first)
    client.force_login(manager)
    page = f"{QUEUE}{camera.pk}/change/"
    ReplyTemplate.objects.create(name="t", body_id="x", body_en="y")
    cost = _count_queries(client, page)
    for title, problem in (("Sinyal", "sinyal hilang no service"), ("Baterai", "baterai kembung")):
        other = cluster_of(post(title, problem))
        services.open_alert(Alert.Kind.SPIKE, cluster=other, data=SPIKE)
        record = services.merge_clusters(camera, other, actor=manager, note="sama")
        services.unmerge(record, actor=manager)
        services.merge_clusters(camera, other, actor=manager)
    services.open_alert(Alert.Kind.SPIKE, cluster=camera, data=SPIKE)
    services.forward_cluster(camera, actor=manager, ticket_url="https://jira.example.com/C-2")
    services.set_status(camera, ClusterStatus.FIXED, actor=manager, fixed_in="A556XXU4")
    answer(camera, manager, django_capture_on_commit_callbacks)
    services.set_severity(camera, "critical", actor=manager, reason="data hilang")
    assert _count_queries(client, page) == cost
