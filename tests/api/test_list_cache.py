"""The list's page cache: one request rebuilds a stale page while the others answer from
the copy, never older than two periods; permissions are read fresh on every request."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.roles import ENGINEER
from triage.api import views
from triage.models import Cluster

pytestmark = pytest.mark.django_db

PERIOD = 30
URL = "/api/v1/clusters/"


@pytest.fixture
def feed_cache(settings):
    settings.FEED_CACHE_SECONDS = PERIOD


@pytest.fixture
def clock(monkeypatch):
    """The views' clock, moved by hand."""
    now = [1_000_000.0]
    monkeypatch.setattr(views, "_clock", lambda: now[0])
    return now


def _reads_clusters(queries) -> bool:
    return any("triage_cluster" in q["sql"] for q in queries.captured_queries)


def test_a_stale_page_is_rebuilt_by_one_request_while_the_others_answer_from_the_copy(
    feed_cache, clock, engineer_api, manager_api, make_cluster, django_assert_max_num_queries
):
    cluster = make_cluster(heat=1.0)
    first = engineer_api.get(URL)
    Cluster.objects.filter(pk=cluster.pk).update(heat=99.0)
    lock = f"{views.page_cache_key(URL, 'json')}:rebuild"

    # Within the period: the copy, without reading clusters.
    clock[0] += PERIOD - 1
    with django_assert_max_num_queries(1) as queries:
        fresh = manager_api.get(URL)
    assert not _reads_clusters(queries) and fresh["ETag"] == first["ETag"]

    # Past it, while another process holds the rebuild lock: still the copy (and its 304).
    clock[0] += 2
    assert cache.add(lock, 1, PERIOD)
    with django_assert_max_num_queries(1) as queries:
        stale = manager_api.get(URL)
    assert not _reads_clusters(queries)
    assert stale["ETag"] == first["ETag"] and stale.json()["results"][0]["heat"] == 1.0
    assert manager_api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    # The lock released (or expired): the next request takes it, rebuilds, lets it go.
    cache.delete(lock)
    rebuilt = engineer_api.get(URL)
    assert rebuilt["ETag"] != first["ETag"] and rebuilt.json()["results"][0]["heat"] == 99.0
    assert cache.get(lock) is None
    # ... and everyone gets the new copy from then on.
    assert manager_api.get(URL)["ETag"] == rebuilt["ETag"]


def test_the_copy_is_kept_for_two_periods_at_most(
    feed_cache, engineer_api, make_cluster, monkeypatch
):
    make_cluster()
    calls, set_ = [], cache.set
    monkeypatch.setattr(cache, "set", lambda *a, **kw: (calls.append(a), set_(*a, **kw))[1])
    engineer_api.get(URL)
    [call] = [a for a in calls if a[0].startswith("feed:clusters:")]
    assert call[2] == 2 * PERIOD


def test_a_failed_rebuild_lets_the_lock_go(
    feed_cache, clock, engineer_api, make_cluster, monkeypatch
):
    make_cluster()
    engineer_api.get(URL)
    clock[0] += PERIOD + 1

    def fail(self, request):
        raise RuntimeError("db down")

    monkeypatch.setattr(views.ClusterList, "_build_page", fail)
    with pytest.raises(RuntimeError):
        engineer_api.get(URL)
    assert cache.get(f"{views.page_cache_key(URL, 'json')}:rebuild") is None


@pytest.mark.parametrize("path", [URL, "/api/v1/clusters/{id}/"])
def test_a_demoted_engineer_is_refused_on_the_next_request(
    feed_cache, engineer, engineer_api, make_cluster, path
):
    url = path.format(id=make_cluster().pk)
    assert engineer_api.get(url).status_code == 200
    engineer.groups.remove(Group.objects.get(name=ENGINEER))
    # The list page is still cached for everyone else, but the role is read per request.
    refused = engineer_api.get(url)
    assert refused.status_code == 403
    assert "engineers and community managers" in refused.json()["detail"]
    engineer.groups.add(Group.objects.get(name=ENGINEER))
    assert engineer_api.get(url).status_code == 200


def test_a_deactivated_account_is_refused_with_401(feed_cache, engineer, engineer_api):
    assert engineer_api.get(URL).status_code == 200
    engineer.is_active = False
    engineer.save(update_fields=["is_active"])
    assert engineer_api.get(URL).status_code == 401
