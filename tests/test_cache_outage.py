"""With the cache (Redis) down the site stays up: posts are saved, pages render uncached,
the API answers, and /healthz says the cache is down. A private redis-server serves as
CACHE_URL and is stopped in the middle of the test; everything goes through the views."""

import logging

import pytest
from django.urls import reverse

from config.cache import FailSafeRedisCache
from forum import services
from forum.models import Post, Thread
from tests.api.conftest import token_client
from tests.conftest import free_port, redis_server
from tests.factories import EngineerFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

POSTS = 50


@pytest.fixture
def private_cache(settings, monkeypatch):
    """CACHE_URL on a redis-server of this test's own; yields the server process."""
    port = free_port()
    with redis_server(port) as server:
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.FailSafeRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        # Every cached path is exercised: whole pages, the feed, fragments, counts.
        settings.ANONYMOUS_PAGE_CACHE_SECONDS = 10
        settings.FEED_CACHE_SECONDS = 2
        monkeypatch.setattr(FailSafeRedisCache, "retry_seconds", 0)
        yield server


def stop(server) -> None:
    server.terminate()
    server.wait(timeout=10)


def pages(thread, cluster_id) -> list[str]:
    product = thread.product
    return [
        "/",
        reverse("forum:products"),
        reverse("forum:product", args=[product.slug]),
        reverse("forum:thread", args=[thread.pk]),
        reverse("forum:search") + "?q=baterai",
        reverse("triage:known_issues", args=[product.slug]),
        reverse("triage:fixed_index"),
        reverse("triage:cluster", args=[cluster_id]),
        reverse("accounts:profile", args=[thread.author_id]),
        reverse("account_login"),
        reverse("account_signup"),
    ]


def test_with_the_cache_down_posts_are_saved_and_pages_and_api_answer(
    client, private_cache, caplog, django_capture_on_commit_callbacks
):
    product = ProductFactory(marketing_name="Redmi Note 13 Pro")
    fan = UserFactory(email="siti@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # triaged, in a cluster
        seed = services.create_thread(
            author=UserFactory(), title="Baterai boros setelah update",
            body="baterai cepat habis", product=product,
        )  # fmt: skip
    cluster_id = seed.triage.cluster_id
    engineer = token_client(EngineerFactory())
    for url in pages(seed, cluster_id):  # warm every cache while Redis is up
        assert client.get(url).status_code == 200, url

    stop(private_cache)
    caplog.set_level(logging.WARNING)

    # A fan signs in and posts, through the real views, while the cache is down.
    login = client.post(
        reverse("account_login"), {"login": fan.email, "password": "correct horse battery"}
    )
    assert login.status_code == 302
    statuses = []
    for n in range(POSTS):
        if n % 10 == 0:
            response = client.post(
                reverse("forum:new_thread"),
                {"product": product.pk, "kind": "problem", "title": f"Sinyal hilang {n}",
                 "body": "sinyal hilang terus sejak update", "firmware": "OS1.0.5"},
            )  # fmt: skip
        else:
            response = client.post(
                reverse("forum:reply", args=[seed.pk]), {"body": f"sama, punya saya juga {n}"}
            )
        statuses.append(response.status_code)
    assert statuses == [302] * POSTS
    assert Thread.objects.filter(author=fan).count() == POSTS // 10
    assert Post.objects.filter(author=fan).count() == POSTS - POSTS // 10
    assert "rate limit not enforced (cache down)" in caplog.text
    assert "cache unavailable, serving uncached" in caplog.text

    # Pages render uncached, signed in and anonymous; the API answers.
    for url in [*pages(seed, cluster_id)[:-2], reverse("forum:notifications")]:
        assert client.get(url).status_code == 200, url
    client.logout()
    for url in pages(seed, cluster_id):
        assert client.get(url).status_code == 200, url
    assert b"Sinyal hilang 40" in client.get(reverse("forum:product", args=[product.slug])).content
    for url in ["/api/v1/products/", "/api/v1/clusters/", f"/api/v1/clusters/{cluster_id}/",
                f"/api/v1/clusters/{cluster_id}/threads/"]:  # fmt: skip
        assert engineer.get(url).status_code == 200, url
    patch = engineer.patch(
        f"/api/v1/clusters/{cluster_id}/", {"status": "acknowledged"}, format="json"
    )
    assert patch.status_code == 200

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["cache"].startswith("error") and health.json()["database"] == "ok"


def test_healthz_says_ok_when_the_cache_answers_again(client, private_cache):
    port = int(private_cache.args[private_cache.args.index("--port") + 1])
    assert client.get("/healthz").json()["cache"] == "ok"
    stop(private_cache)
    assert client.get("/healthz").json()["cache"].startswith("error")
    with redis_server(port):
        body = client.get("/healthz").json()
    assert (body["status"], body["cache"]) == ("ok", "ok")
