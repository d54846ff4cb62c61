"""Anonymous readers get pages rendered at most once per few seconds; nobody else does."""

import pytest
from django.urls import reverse

from forum import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 10


def test_an_anonymous_page_is_served_from_the_cache(
    client, product, fan, django_assert_num_queries
):
    services.create_thread(author=fan, title="Baterai boros", body="x", product=product)
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content
    with django_assert_num_queries(0):
        again = client.get("/", HTTP_ACCEPT_LANGUAGE="id")
    assert again.content == first
    assert again["Content-Language"] == "id"


def test_each_language_has_its_own_copy(client):
    assert "Masuk" in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Log in" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_signed_in_pages_are_never_cached(client, product, fan):
    client.force_login(fan)
    client.get("/")
    services.create_thread(author=fan, title="Topik yang baru saja dibuat", body="x",
                           product=product)  # fmt: skip
    assert "Topik yang baru saja dibuat" in client.get("/").content.decode()


def test_a_page_with_a_csrf_token_is_never_shared(client, product, fan):
    thread = services.create_thread(author=fan, title="abc", body="x", product=product)
    client.force_login(fan)
    client.get(thread.get_absolute_url())  # has forms; signed in anyway
    client.logout()
    client.cookies.pop("sessionid", None)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in html  # the anonymous page carries none


def test_anonymous_language_switch_is_a_get_that_sets_a_cookie(client):
    html = client.get("/").content.decode()
    assert 'class="language-switcher"' in html and 'method="get"' in html
    response = client.get(reverse("accounts:set_language"), {"language": "en", "next": "/p/"})
    assert response.status_code == 302 and response.url == "/p/"
    assert response.cookies["django_language"].value == "en"
    evil = client.get(reverse("accounts:set_language"),
                      {"language": "en", "next": "https://evil.example.com/"})  # fmt: skip
    assert evil.url == "/"
