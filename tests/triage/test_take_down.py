"""A thread a moderator hides (or its author deletes) stops being public everywhere at
once: as its cluster's label, on the public cluster and known-issues pages, in the feed,
in cached pages and in cached search results."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from forum import services as forum_services
from tests.factories import EngineerFactory, ManagerFactory
from triage import services
from triage.models import Cluster, ClusterStatus

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Nomor IMEI saya 356938035643809 bocor"


@pytest.fixture
def wave(post):
    """One problem in three threads, one of them with private data in its title."""
    threads = [
        post(SECRET_TITLE, "sinyal hilang no service sinyal hilang no service terus"),
        post("Sinyal hilang", "sinyal hilang no service"),
        post("No service terus", "sinyal hilang no service setelah update"),
    ]
    cluster = Cluster.objects.get(pk=threads[0].triage.cluster_id)
    assert {t.triage.cluster_id for t in threads} == {cluster.pk}
    services.confirm_cluster(cluster, actor=None)
    return threads, cluster


def _hide(thread, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.set_hidden(
            moderator=ManagerFactory(), item=thread, hidden=True, reason="data pribadi"
        )


def test_hiding_a_thread_relabels_its_cluster_everywhere(
    wave, client, django_capture_on_commit_callbacks
):
    threads, cluster = wave
    cluster.refresh_from_db()
    labeller = next(t for t in threads if t.title == cluster.label)  # the most central

    _hide(labeller, django_capture_on_commit_callbacks)

    cluster.refresh_from_db()
    assert cluster.label in {t.title for t in threads if t != labeller}
    assert cluster.threads == 2
    pages = [
        reverse("triage:cluster", args=[cluster.pk]),
        reverse("triage:known_issues", args=[cluster.product.slug]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert labeller.title not in html, url
    token = Token.objects.create(user=EngineerFactory())
    body = client.get(
        f"/api/v1/clusters/{cluster.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}"
    ).json()
    assert labeller.title not in str(body)


def test_a_cluster_whose_threads_are_all_taken_down_is_not_public(
    wave, client, django_capture_on_commit_callbacks
):
    threads, cluster = wave
    for thread in threads:
        _hide(thread, django_capture_on_commit_callbacks)
    cluster.refresh_from_db()
    assert cluster.label == "" and cluster.threads == 0
    assert client.get(reverse("triage:cluster", args=[cluster.pk])).status_code == 404
    known = client.get(reverse("triage:known_issues", args=[cluster.product.slug]))
    assert f"/c/{cluster.pk}/" not in known.content.decode()


def test_take_down_purges_cached_pages_and_search_results(
    wave, client, settings, django_capture_on_commit_callbacks
):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 10
    (secret, *_), _cluster = wave
    url = secret.get_absolute_url()
    assert client.get(url).status_code == 200
    search = reverse("forum:search")
    assert f'href="{url}"' in client.get(search, {"q": "IMEI"}).content.decode()

    _hide(secret, django_capture_on_commit_callbacks)

    assert client.get(url).status_code == 404
    assert f'href="{url}"' not in client.get(search, {"q": "IMEI"}).content.decode()


def test_an_authors_delete_also_relabels(wave, django_capture_on_commit_callbacks):
    threads, cluster = wave
    cluster.refresh_from_db()
    labeller = next(t for t in threads if t.title == cluster.label)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.delete_thread(user=labeller.author, thread=labeller)
    cluster.refresh_from_db()
    assert cluster.label in {t.title for t in threads if t != labeller}


def test_restoring_lets_the_thread_speak_for_its_cluster_again(
    wave, django_capture_on_commit_callbacks
):
    threads, cluster = wave
    cluster.refresh_from_db()
    labeller = next(t for t in threads if t.title == cluster.label)
    _hide(labeller, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.set_hidden(
            moderator=ManagerFactory(), item=labeller, hidden=False, reason="salah klik"
        )
    cluster.refresh_from_db()
    assert cluster.label == labeller.title and cluster.status == ClusterStatus.CONFIRMED
