"""The community managers' console: merge, unmerge, move, severity, confirm, official
replies (services), and the admin queue and cluster page that call them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from forum import services as forum_services
from forum.models import Follow, Kind, MeToo, Notification, Post, Thread
from tests.factories import EngineerFactory, ManagerFactory, UserFactory
from tests.triage.reports import A55, RN13P
from triage import index, services
from triage.models import (
    Cluster,
    ClusterStatus,
    EngineState,
    MergeRecord,
    ReplyTemplate,
    Severity,
    Source,
    ThreadTriage,
    TriageEvent,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def manager():
    return ManagerFactory(display_name="Mira CM")


@pytest.fixture
def two_clusters(post, django_capture_on_commit_callbacks):
    """Two clusters of the same phone: camera crashes (2 threads) and no signal (1),
    with a "me too" voter on the signal thread."""
    cam1 = post("Kamera force close", "aplikasi kamera force close saat dibuka", firmware="A1")
    cam2 = post("kamera crash terus", "aplikasi kamera force close terus", firmware="A1")
    sig = post("Sinyal hilang", "sinyal hilang no service setelah update", firmware="A2")
    voter = UserFactory(display_name="Voter")
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.toggle_me_too(user=voter, thread=sig)
    camera = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=cam1).cluster_id)
    signal = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=sig).cluster_id)
    assert ThreadTriage.objects.get(thread=cam2).cluster_id == camera.pk
    assert camera.pk != signal.pk
    return camera, signal, [cam1, cam2], sig, voter


def _members(cluster):
    return set(ThreadTriage.objects.filter(cluster=cluster).values_list("thread_id", flat=True))


# --- services ---------------------------------------------------------------------------


def test_merge_moves_threads_votes_and_followers_and_tells_them(two_clusters, manager):
    camera, signal, cams, sig, voter = two_clusters
    index.current_generation()
    generation = EngineState.objects.get(pk=1).generation
    Notification.objects.all().delete()

    record = services.merge_clusters(camera, signal, actor=manager, note="same root cause")

    assert _members(camera) == {c.pk for c in cams} | {sig.pk}
    assert _members(signal) == set()
    moved = ThreadTriage.objects.get(thread=sig)
    assert (moved.assignment, moved.assigned_by) == (Source.MANAGER, manager)
    signal.refresh_from_db()
    camera.refresh_from_db()
    assert signal.merged_into == camera and signal.status == ClusterStatus.DUPLICATE
    # Reporters: three authors and the "me too" voter, now all in the kept cluster.
    assert (camera.threads, camera.reporters, camera.me_too) == (3, 4, 1)
    assert (signal.threads, signal.reporters) == (0, 0)
    assert record.thread_ids == [sig.pk] and record.absorbed_status == ClusterStatus.NEW
    assert EngineState.objects.get(pk=1).generation == generation + 1
    told = set(
        Notification.objects.filter(verb="status", thread=sig).values_list("recipient", flat=True)
    )
    assert told == {sig.author_id, voter.pk}
    # In each fan's language: Indonesian unless they chose English. The kept cluster is
    # still new: nobody "knows" the problem yet, so the text says only what happened.
    texts = {n.recipient_id: n.text for n in Notification.objects.filter(thread=sig)}
    assert "dikelompokkan dengan 2 laporan serupa" in texts[sig.author_id]
    assert TriageEvent.objects.filter(action="merged", actor=manager, cluster=camera).exists()
    assert TriageEvent.objects.filter(action="merged", actor=manager, cluster=signal).exists()


def test_unmerge_restores_exactly_what_the_merge_moved(two_clusters, manager):
    camera, signal, cams, sig, voter = two_clusters
    services.set_status(signal, ClusterStatus.CONFIRMED, actor=manager)
    record = services.merge_clusters(camera, signal, actor=manager)
    later = UserFactory()
    forum_services.toggle_me_too(user=later, thread=sig)  # cast while merged: travels too
    Notification.objects.all().delete()

    restored = services.unmerge(record, actor=manager, note="not the same")

    assert restored.pk == signal.pk
    assert _members(signal) == {sig.pk}
    assert _members(camera) == {c.pk for c in cams}
    signal.refresh_from_db()
    camera.refresh_from_db()
    assert signal.merged_into is None and signal.status == ClusterStatus.CONFIRMED
    assert signal.me_too == 2 and signal.reporters == 3
    assert (camera.threads, camera.me_too, camera.reporters) == (2, 0, 2)
    assert set(Follow.objects.filter(thread=sig).values_list("user", flat=True)) == {
        sig.author_id,
        voter.pk,
        later.pk,
    }
    assert MeToo.objects.filter(thread=sig).count() == 2
    assert Thread.objects.get(pk=sig.pk).status == "acknowledged"  # the confirmed status back
    record.refresh_from_db()
    assert record.undone_at is not None
    assert Notification.objects.filter(thread=sig, recipient=voter).exists()
    assert TriageEvent.objects.filter(action="unmerged", cluster=signal, actor=manager).exists()
    with pytest.raises(services.TriageError):
        services.unmerge(record, actor=manager)


def test_the_batch_pass_never_undoes_a_managers_merge_and_keeps_ids(two_clusters, manager):
    camera, signal, cams, sig, _ = two_clusters
    services.merge_clusters(camera, signal, actor=manager)
    services.consolidate_clusters()
    assert _members(camera) == {c.pk for c in cams} | {sig.pk}
    assert Cluster.objects.filter(pk=camera.pk).exists()


def test_a_cluster_cannot_absorb_itself_or_a_merged_one(two_clusters, manager):
    camera, signal, *_ = two_clusters
    with pytest.raises(services.TriageError):
        services.merge_clusters(camera, camera, actor=manager)
    services.merge_clusters(camera, signal, actor=manager)
    with pytest.raises(services.TriageError):
        services.merge_clusters(camera, signal, actor=manager)


def test_move_threads_to_another_cluster_and_out_to_a_new_one(two_clusters, manager):
    camera, signal, cams, sig, _ = two_clusters
    services.move_threads([cams[1].pk], signal, actor=manager, note="wrong cluster")
    assert _members(signal) == {sig.pk, cams[1].pk}
    row = ThreadTriage.objects.get(thread=cams[1])
    assert row.assignment == Source.MANAGER and row.assigned_by == manager
    assert TriageEvent.objects.get(action="moved", thread=cams[1]).data["old"] == camera.pk

    new = services.move_threads([cams[1].pk], None, actor=manager)
    assert new.pk not in {camera.pk, signal.pk}
    assert _members(new) == {cams[1].pk}
    new.refresh_from_db()
    assert new.threads == 1 and new.label == cams[1].title
    assert Cluster.objects.get(pk=signal.pk).threads == 1
    # The engine's index, rebuilt, agrees with the database.
    assert index.current_index().cluster_of(cams[1].pk) == new.key
    services.consolidate_clusters()
    assert _members(new) == {cams[1].pk}  # a manager's move stands


def test_moving_out_the_thread_that_opened_a_cluster_finds_a_free_key(two_clusters, manager):
    camera, _signal, cams, *_ = two_clusters
    assert camera.key == cams[0].pk
    new = services.move_threads([cams[0].pk], None, actor=manager)
    assert new.key != camera.key
    assert Cluster.objects.get(pk=camera.pk).key == camera.key


def test_a_managers_severity_sticks_through_refreshes(two_clusters, manager):
    camera, *_ = two_clusters
    with pytest.raises(services.TriageError):
        services.set_severity(camera, Severity.CRITICAL, actor=manager, reason=" ")
    assert services.set_severity(camera, Severity.CRITICAL, actor=manager, reason="data loss")
    services.refresh_figures([camera.pk])
    services.consolidate_clusters()
    camera.refresh_from_db()
    assert (camera.severity, camera.severity_source, camera.severity_by) == (
        Severity.CRITICAL,
        Source.MANAGER,
        manager,
    )
    assert camera.severity_reason == "data loss"
    assert TriageEvent.objects.get(action="severity").note == "data loss"


def test_confirm_shows_on_threads_and_tells_followers(two_clusters, manager):
    camera, _s, cams, *_ = two_clusters
    assert services.confirm_cluster(camera, actor=manager)
    statuses = Thread.objects.filter(pk__in=[c.pk for c in cams]).values_list("status", flat=True)
    assert set(statuses) == {"acknowledged"}
    assert Notification.objects.filter(verb="status", recipient=cams[0].author).exists()


def test_an_official_reply_reaches_every_thread_in_its_authors_language(
    post, manager, django_capture_on_commit_callbacks, phones
):
    english = UserFactory(preferred_language="en")
    a = post("Sinyal hilang", "sinyal hilang no service setelah update")
    b = post("No signal after update", "no service, signal lost after update", author=english)
    cluster = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=a).cluster_id)
    if ThreadTriage.objects.get(thread=b).cluster_id != cluster.pk:
        services.move_threads([b.pk], cluster, actor=manager)
    services.set_status(cluster, ClusterStatus.FIXED, actor=manager, fixed_in="A556XXU3")
    template = ReplyTemplate.objects.create(
        name="fixed", body_id="Sudah diperbaiki di {fixed_in} untuk {product}.",
        body_en="Fixed in {fixed_in} for {product}.",
    )  # fmt: skip
    voter = UserFactory()
    forum_services.toggle_me_too(user=voter, thread=a)
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.post_official_reply(cluster, template, actor=manager)
    assert answered == 2
    reply_a = Post.objects.get(thread=a)
    reply_b = Post.objects.get(thread=b)
    assert reply_a.is_official and reply_a.author == manager
    assert reply_a.body == f"Sudah diperbaiki di A556XXU3 untuk {phones[A55].marketing_name}."
    assert reply_b.body == f"Fixed in A556XXU3 for {phones[A55].marketing_name}."
    assert Notification.objects.filter(verb="official", recipient=voter, thread=a).exists()
    assert TriageEvent.objects.get(action="replied").data["threads"] == 2
    with pytest.raises(services.TriageError):
        services.post_official_reply(cluster, template, actor=UserFactory())


def test_official_reply_costs_the_same_queries_for_each_thread(post, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    template = ReplyTemplate.objects.create(name="t", body_id="Halo", body_en="Hello")
    cost = {}
    for n in (1, 3):
        threads = [post(f"Sinyal hilang {n}.{i}", "sinyal hilang no service") for i in range(n)]
        cluster = services.move_threads([t.pk for t in threads], None, actor=manager)
        with CaptureQueriesContext(connection) as queries:
            assert services.post_official_reply(cluster, template, actor=manager) == n
        cost[n] = len(queries)
    per_thread = (cost[3] - cost[1]) / 2
    # Two reads and the audit line, then create_post's writes for each thread: no
    # per-thread read of authors, products or memberships.
    assert per_thread == int(per_thread) and per_thread <= 10, cost
    assert cost[1] - per_thread <= 5, cost


def test_product_and_kind_of_a_new_cluster_follow_its_first_thread(post, manager):
    idea = post("Saran: tambah dual app", "saran tambah fitur dual app", product=RN13P,
                kind=Kind.SUGGESTION)  # fmt: skip
    new = services.move_threads([idea.pk], None, actor=manager)
    assert new.kind == Kind.SUGGESTION and new.product.marketing_name == RN13P


def test_engineers_and_fans_cannot_reach_the_console(client, two_clusters):
    camera, *_ = two_clusters
    for user in (UserFactory(), EngineerFactory()):
        client.force_login(user)
        for url in (
            "/admin/triage/cluster/",
            f"/admin/triage/cluster/{camera.pk}/change/",
            f"/admin/triage/cluster/{camera.pk}/move/",
        ):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert "/admin/login/" in response.get("Location", "/admin/login/")
        response = client.post(
            "/admin/triage/cluster/",
            {"action": "confirm", "_selected_action": [camera.pk]},
        )
        assert response.status_code in (302, 403)
    assert Cluster.objects.get(pk=camera.pk).status == ClusterStatus.NEW


# --- the admin console ----------------------------------------------------------------

QUEUE = "/admin/triage/cluster/"


def _page(cluster):
    return f"{QUEUE}{cluster.pk}/change/"


def test_the_queue_filters_by_product_severity_status_alerting_and_age(
    client, two_clusters, manager, phones
):
    camera, signal, *_ = two_clusters
    services.set_severity(signal, Severity.CRITICAL, actor=manager, reason="no calls")
    services.open_alert("spike", cluster=camera, data={"observed": 9, "expected": 0.5})
    client.force_login(manager)

    def shown(query):
        html = client.get(QUEUE + query).content.decode()
        return {c for c in (camera, signal) if f'<a href="{_page(c)}" class="queue-label"' in html}

    assert shown("") == {camera, signal}
    assert shown(f"?product__id__exact={phones[A55].pk}") == {camera, signal}
    assert shown(f"?product__id__exact={phones[RN13P].pk}") == set()
    assert shown("?severity__exact=critical") == {signal}
    assert shown("?status__exact=new") == {camera, signal}
    assert shown("?alerting=yes") == {camera}
    assert shown("?age=24h") == {camera, signal}
    assert shown("?age=older") == set()
    assert shown("?q=Kamera") == {camera}


def test_the_cluster_page_shows_charts_members_and_the_audit_trail(client, two_clusters, manager):
    camera, signal, cams, *_ = two_clusters
    services.set_severity(camera, Severity.MAJOR, actor=manager, reason="camera unusable")
    client.force_login(manager)
    html = client.get(_page(camera)).content.decode()
    assert '<svg class="chart chart-daily"' in html and 'role="img"' in html
    assert "2 reports in the last 30 days" in html  # the chart's accessible name
    assert '<svg class="chart chart-firmware"' in html and "<title>A1: 2</title>" in html
    for thread in cams:
        assert f'href="/t/{thread.pk}/"' in html
    assert "camera unusable" in html  # severity with its reason
    assert "Severity set" in html and "Mira CM" in html  # the audit trail
    assert "2 member threads" in html


def test_merge_forward_reply_and_undo_from_the_admin(
    client, two_clusters, manager, django_capture_on_commit_callbacks
):
    camera, signal, cams, sig, voter = two_clusters
    client.force_login(manager)
    selected = {"_selected_action": [camera.pk, signal.pk], "index": 0}
    asked = client.post(QUEUE, {**selected, "action": "merge"})
    assert asked.status_code == 200 and "Keep this cluster" in asked.content.decode()
    done = client.post(
        QUEUE, {**selected, "action": "merge", "apply": 1, "kept": camera.pk, "note": "same"}
    )
    assert done.status_code == 302
    assert Cluster.objects.get(pk=signal.pk).merged_into_id == camera.pk

    client.post(
        QUEUE,
        {"_selected_action": [camera.pk], "index": 0, "action": "forward", "apply": 1,
         "ticket_url": "https://jira.example.com/CAM-7", "note": "camera team",
         "next": _page(camera)},
    )  # fmt: skip
    camera.refresh_from_db()
    assert camera.status == ClusterStatus.FORWARDED
    assert Thread.objects.get(pk=sig.pk).status == "investigating"

    template = ReplyTemplate.objects.create(name="ack", body_id="Sedang dicek", body_en="Checking")
    asked = {"_selected_action": [camera.pk], "index": 0, "action": "post_reply",
             "template": template.pk, "next": _page(camera)}  # fmt: skip
    preview = client.post(QUEUE, {**asked, "preview": 1})
    assert preview.status_code == 200 and not Post.objects.filter(is_official=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            QUEUE, {**asked, "apply": 1, "previewed": preview.context["fingerprint"]}
        )
    assert reply.status_code == 302 and reply["Location"] == _page(camera)
    assert Post.objects.filter(is_official=True, body="Sedang dicek").count() == 3
    assert Notification.objects.filter(recipient=voter, verb="official").exists()

    record = MergeRecord.objects.get()
    html = client.get(_page(camera)).content.decode()
    assert "Undo this merge" in html
    client.post(f"{QUEUE}merge/{record.pk}/undo/")
    assert _members(signal) == {sig.pk}
    assert MeToo.objects.filter(thread=sig, user=voter).exists()
    assert Cluster.objects.get(pk=signal.pk).me_too == 1
    actions = set(TriageEvent.objects.filter(actor=manager).values_list("action", flat=True))
    assert {"merged", "forwarded", "status", "replied", "unmerged"} <= actions


def test_severity_status_fixed_and_move_from_the_admin(client, two_clusters, manager):
    camera, signal, cams, *_ = two_clusters
    client.force_login(manager)
    one = {"_selected_action": [camera.pk], "index": 0}
    refused = client.post(QUEUE, {**one, "action": "set_severity", "apply": 1, "level": "critical"})
    assert refused.status_code == 200  # the reason is required: the form comes back
    client.post(QUEUE, {**one, "action": "set_severity", "apply": 1, "level": "critical",
                        "reason": "phones die"})  # fmt: skip
    assert Cluster.objects.get(pk=camera.pk).severity_source == Source.MANAGER
    client.post(QUEUE, {**one, "action": "mark_fixed", "apply": 1, "fixed_in": "A556XXU4"})
    camera.refresh_from_db()
    assert (camera.status, camera.fixed_in) == (ClusterStatus.FIXED, "A556XXU4")
    client.post(QUEUE, {**one, "action": "confirm"})
    assert Cluster.objects.get(pk=camera.pk).status == ClusterStatus.CONFIRMED

    client.post(f"{QUEUE}{camera.pk}/move/", {"threads": [cams[1].pk], "target": signal.pk,
                                               "note": "signal, not camera"})  # fmt: skip
    assert _members(signal) == {two_clusters[3].pk, cams[1].pk}
    client.post(f"{QUEUE}{signal.pk}/move/", {"threads": [cams[1].pk], "target": ""})
    assert ThreadTriage.objects.get(thread=cams[1]).cluster_id not in {camera.pk, signal.pk}
    # A thread of another cluster cannot be moved from this page.
    client.post(f"{QUEUE}{camera.pk}/move/", {"threads": [two_clusters[3].pk], "target": ""})
    assert _members(signal) == {two_clusters[3].pk}


def _clusters(n, manager):
    """n clusters of 3 threads each, with merges and events, built cheaply."""
    from tests.factories import ProductFactory, ThreadFactory

    product = ProductFactory()
    for i in range(n):
        threads = [
            ThreadFactory(product=product, firmware=f"V{j}", title=f"T{i}.{j}") for j in range(3)
        ]
        cluster = Cluster.objects.create(
            key=threads[0].pk, product=product, label=f"Cluster {i}", heat=i,
            daily=[["2026-01-01", 2]], firmware={"V0": 1, "V1": 1, "V2": 1}, top_terms=["a"],
            first_seen=threads[0].created_at,
        )  # fmt: skip
        for t in threads:
            ThreadTriage.objects.create(
                thread=t, cluster=cluster, severity="minor", terms={"x": 1.0},
                content_hash="h", triaged_at=t.created_at,
            )  # fmt: skip
        services.log_event("created", cluster=cluster, actor=manager, note="n")
        services.open_alert("spike", cluster=cluster, data={"observed": 9, "expected": 0.5})
    return cluster


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Content types are cached per process, the bell's count and the session in the
    # cache: whichever page comes first would pay for them. Every measurement starts
    # from the same cold caches.
    ContentType.objects.clear_cache()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_queue_and_cluster_page_queries_are_constant(client, phones, django_assert_num_queries):
    manager = ManagerFactory()
    client.force_login(manager)
    small = _clusters(1, manager)
    queue_small, page_small = _count_queries(client, QUEUE), _count_queries(client, _page(small))
    big = _clusters(30, manager)
    services.move_threads(
        ThreadTriage.objects.exclude(cluster=big).values_list("thread_id", flat=True)[:40],
        big, actor=manager,
    )  # fmt: skip
    big.refresh_from_db()
    assert big.threads == 43
    ReplyTemplate.objects.create(name="a", body_id="x", body_en="y")
    services.merge_clusters(big, small, actor=manager)
    assert _count_queries(client, QUEUE) == queue_small
    assert _count_queries(client, _page(big)) == page_small
    ContentType.objects.clear_cache()
    cache.clear()
    with django_assert_num_queries(queue_small):
        client.get(QUEUE + "?age=7d&severity__exact=minor")
