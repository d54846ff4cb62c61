"""What fans see of triage: the status on their threads, "N others have this problem",
known issues per product, what a release fixed, and similar threads while composing."""

import pytest
from django.urls import reverse

from forum import services as forum_services
from forum.models import Kind
from tests.factories import ManagerFactory, UserFactory
from tests.triage.reports import A55, RN13P
from triage import services
from triage.models import Cluster, ClusterStatus, ThreadTriage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def signal_cluster(post):
    threads = [
        post("Sinyal hilang", "sinyal hilang no service setelah update"),
        post("no service terus", "sinyal hilang, no service terus setelah update"),
        post("Signal lost after update", "no service, signal lost after update"),
    ]
    cluster = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=threads[0]).cluster_id)
    services.move_threads([t.pk for t in threads], cluster, actor=ManagerFactory())
    return cluster, threads


def test_a_thread_shows_its_problems_status_and_the_others(client, signal_cluster):
    cluster, threads = signal_cluster
    html = client.get(threads[0].get_absolute_url()).content.decode()
    assert "3 people have this problem" in html  # a reader who does not have it
    client.force_login(threads[0].author)
    html = client.get(threads[0].get_absolute_url()).content.decode()
    assert "2 others have this problem" in html  # its reporter is not one of "the others"
    client.logout()
    assert reverse("triage:cluster", args=[cluster.pk]) in html
    assert "Forwarded to engineering" not in html

    services.forward_cluster(cluster, actor=ManagerFactory(), note="radio team")
    html = client.get(threads[1].get_absolute_url()).content.decode()
    assert "Forwarded to engineering" in html
    html_id = client.get(threads[1].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="id")
    assert "Diteruskan ke tim engineering" in html_id.content.decode()

    services.set_status(cluster, ClusterStatus.FIXED, fixed_in="A556XXU5")
    html = client.get(threads[2].get_absolute_url()).content.decode()
    assert "Fixed in A556XXU5" in html


def test_the_others_page_lists_the_clusters_threads(
    client, signal_cluster, django_assert_num_queries
):
    cluster, threads = signal_cluster
    url = reverse("triage:cluster", args=[cluster.pk])
    with django_assert_num_queries(3):  # cluster + count + page
        response = client.get(url)
    html = response.content.decode()
    for thread in threads:
        assert thread.get_absolute_url() in html
    assert "@" not in html.split("<main")[1].split("</main>")[0]  # no emails


def test_a_merged_cluster_link_leads_to_where_it_went(client, signal_cluster, post):
    cluster, _threads = signal_cluster
    other = post("Kamera force close", "aplikasi kamera force close")
    absorbed = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=other).cluster_id)
    services.merge_clusters(cluster, absorbed, actor=ManagerFactory())
    response = client.get(reverse("triage:cluster", args=[absorbed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:cluster", args=[cluster.pk])
    assert client.get("/clusters/999999/").status_code == 404


@pytest.mark.parametrize("rows", [1, 12])
def test_known_issues_and_whats_fixed_cost_the_same_for_1_and_12(
    client, phones, django_assert_num_queries, rows
):
    product = phones[A55]
    for i in range(rows):
        status = [ClusterStatus.FORWARDED, ClusterStatus.FIXED, ClusterStatus.NEW][i % 3]
        Cluster.objects.create(
            key=10_000 + i, product=product, label=f"Problem {i}", status=status, heat=i,
            fixed_in="A556XXU5" if status == ClusterStatus.FIXED else "", reporters=i + 1,
            threads=i + 1,
        )  # fmt: skip
    with django_assert_num_queries(2):  # product + clusters
        html = client.get(f"/p/{product.slug}/known-issues/").content.decode()
    shown = html.count('class="thread-row known-issue"')
    assert shown == len([i for i in range(rows) if i % 3 != 2])
    if rows > 1:
        assert html.index("Problem 10") < html.index("Problem 0")  # hottest first
        assert "Fixed in A556XXU5" in html and "Forwarded to engineering" in html
        assert "Problem 2" not in html  # still new: not a known issue yet
    with django_assert_num_queries(1):
        html = client.get("/fixed/").content.decode()
    assert ("A556XXU5" in html) == (rows > 1)
    with django_assert_num_queries(1):
        response = client.get("/fixed/A556XXU5/")
    fixed = len([i for i in range(rows) if i % 3 == 1])
    assert response.status_code == (200 if fixed else 404)  # no such release: not found
    assert response.content.decode().count('class="thread-row"') == fixed


def test_the_known_issues_page_speaks_indonesian(client, phones):
    Cluster.objects.create(key=1, product=phones[RN13P], label="Bootloop", threads=1,
                           status=ClusterStatus.FORWARDED)  # fmt: skip
    html = client.get(
        f"/p/{phones[RN13P].slug}/known-issues/", HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "Diteruskan ke tim engineering" in html
    assert client.get("/p/no-such-phone/known-issues/").status_code == 404


def test_similar_threads_are_found_while_typing(client, signal_cluster, post, phones):
    _cluster, threads = signal_cluster
    client.force_login(UserFactory())
    post("Kamera force close", "aplikasi kamera force close saat dibuka")
    idea = post("Saran: sinyal", "saran tampilkan sinyal lebih jelas", kind=Kind.SUGGESTION)
    response = client.get(
        "/similar/",
        {"title": "sinyal hilang", "body": "no service setelah update", "product": phones[A55].pk},
    )
    results = response.json()["results"]
    assert response.status_code == 200
    assert 1 <= len(results) <= 5
    ids = [r["id"] for r in results]
    assert set(ids) <= {t.pk for t in threads} and ids[0] in {t.pk for t in threads}
    assert idea.pk not in ids  # only problems take "me too"
    first = results[0]
    assert first["url"] == f"/t/{first['id']}/" and "me_too" in first
    assert client.get("/similar/", {"title": "a"}).json() == {"results": []}
    # Another phone's threads are not suggested for this one.
    other = client.get(
        "/similar/", {"title": "sinyal hilang", "body": "no service", "product": phones[RN13P].pk}
    ).json()["results"]
    assert not {r["id"] for r in other} & {t.pk for t in threads}


def test_similar_threads_cost_few_queries(
    client, signal_cluster, phones, django_assert_max_num_queries
):
    client.force_login(UserFactory())
    client.get("/similar/", {"title": "sinyal hilang", "product": phones[A55].pk})  # warm cache
    # session + user, then the catalog + generation + newer rows + threads
    with django_assert_max_num_queries(6):
        client.get("/similar/", {"title": "sinyal hilang no service", "product": phones[A55].pk})


def test_similar_threads_are_for_signed_in_fans_and_rate_limited(client, signal_cluster, settings):
    draft = {"title": "sinyal hilang", "body": "no service"}
    anonymous = client.get("/similar/", draft)
    assert anonymous.status_code == 403 and "Sign in" in anonymous.json()["error"]
    settings.FORUM_RATE_LIMITS = {"member": {"similar": [(2, 60)]}, "new": {"similar": [(2, 60)]}}
    client.force_login(UserFactory())
    assert [client.get("/similar/", draft).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/similar/", draft)
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "Try again in" in limited.json()["error"]
    # Another fan is not held up by the first one's lookups.
    client.force_login(UserFactory())
    assert client.get("/similar/", draft).status_code == 200


def test_fans_who_follow_or_said_me_too_hear_of_status_changes(signal_cluster):
    from forum.models import Notification

    cluster, threads = signal_cluster
    voter = UserFactory()
    forum_services.toggle_me_too(user=voter, thread=threads[0])
    services.set_status(cluster, ClusterStatus.FIXED, fixed_in="A556XXU5", actor=ManagerFactory())
    told = set(Notification.objects.filter(verb="status").values_list("recipient", flat=True))
    assert told == {t.author_id for t in threads} | {voter.pk}


@pytest.mark.parametrize(
    "draft",
    [
        ("HP restart terus setelah update", "cuma sampai logo trus mati nyala lagi"),
        ("Phone keeps rebooting", "after the update it never gets past the logo"),
        ("habis OTA hp mentok logo", "gak bisa masuk menu sama sekali"),
    ],
)
def test_a_thread_lands_where_the_composer_said_its_problem_is(client, post, phones, draft):
    boot = post("Stuck on boot logo after OTA", "stuck at the logo after the OTA update",
                product=RN13P)  # fmt: skip
    for title, body in [
        ("Sinyal hilang", "sinyal hilang no service setelah update"),
        ("Kamera force close", "aplikasi kamera force close saat dibuka"),
        ("Baterai boros", "baterai cepat habis, sehari dua kali cas"),
        ("Panas pas ngecas", "hp panas banget pas dicas"),
    ]:
        post(title, body, product=RN13P)
    client.force_login(UserFactory())
    title, body = draft
    shown = client.get(
        "/similar/", {"title": title, "body": body, "product": phones[RN13P].pk}
    ).json()["results"]
    assert shown and shown[0]["id"] == boot.pk
    thread = post(title, body, product=RN13P)
    assert ThreadTriage.objects.get(thread=thread).cluster_id == boot.triage.cluster_id
