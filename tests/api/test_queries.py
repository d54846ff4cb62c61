"""The feed costs the same number of queries whatever the page size or cluster size."""

import pytest

pytestmark = pytest.mark.django_db

# Token lookup, role check, the page (the ETag is computed from its rows).
LIST_QUERIES = 3
# Token lookup, role check, the cluster, its forwards, the sample threads.
DETAIL_QUERIES = 5
# Token lookup, role check, the cluster, the page.
THREADS_QUERIES = 4


@pytest.mark.parametrize("page_size", [1, 50])
def test_the_list_costs_the_same_at_any_page_size(
    engineer_api, make_cluster, manager, django_assert_num_queries, page_size
):
    from triage import services

    for i in range(50):
        cluster = make_cluster(threads=1, heat=float(i))
        if i % 5 == 0:
            services.forward_cluster(cluster, actor=manager)
    with django_assert_num_queries(LIST_QUERIES):
        response = engineer_api.get(f"/api/v1/clusters/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("threads", [1, 50])
def test_the_detail_costs_the_same_at_any_cluster_size(
    engineer_api, make_cluster, manager, django_assert_num_queries, threads
):
    from triage import services

    cluster = make_cluster(threads=threads)
    services.forward_cluster(cluster, actor=manager, note="one")
    services.forward_cluster(cluster, actor=manager, note="two")
    with django_assert_num_queries(DETAIL_QUERIES):
        response = engineer_api.get(f"/api/v1/clusters/{cluster.pk}/")
    assert len(response.json()["sample_threads"]) == min(threads, 5)
    assert [f["note"] for f in response.json()["forwards"]] == ["two", "one"]


@pytest.mark.parametrize("page_size", [1, 50])
def test_the_threads_of_a_cluster_cost_the_same_at_any_page_size(
    engineer_api, make_cluster, django_assert_num_queries, page_size
):
    cluster = make_cluster(threads=50)
    with django_assert_num_queries(THREADS_QUERIES):
        response = engineer_api.get(f"/api/v1/clusters/{cluster.pk}/threads/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


def test_a_polled_list_page_is_built_once_per_feed_cache_period(
    engineer_api, manager_api, make_cluster, settings, django_assert_num_queries
):
    settings.FEED_CACHE_SECONDS = 30
    for i in range(3):
        make_cluster(threads=1, heat=float(i))
    first = engineer_api.get("/api/v1/clusters/")
    # Another reader, same URL: only the token and role checks touch the database.
    with django_assert_num_queries(LIST_QUERIES - 1, exact=False) as queries:
        again = manager_api.get("/api/v1/clusters/")
    assert not any("triage_cluster" in q["sql"] for q in queries.captured_queries)
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    not_modified = manager_api.get("/api/v1/clusters/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    # A fan is still refused: permissions come before the cache.
    from tests.api.conftest import token_client
    from tests.factories import UserFactory

    assert token_client(UserFactory()).get("/api/v1/clusters/").status_code == 403
