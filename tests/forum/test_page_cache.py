"""Anonymous readers get pages rendered at most once per few seconds; nobody else does.
Signed-in readers share the rendered replies of a thread page, keyed by everything they
show, so no change and no one's own links leak. Counts and lists kept for a few seconds are
rebuilt by one request when they expire."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from forum import selectors, services
from tests.factories import ThreadFactory, UserFactory

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


def _replies(html: str) -> str:
    return html[html.index('<ol class="post-list">') : html.index("</ol>")]


def test_replies_are_shared_between_members_but_follow_every_change(
    client, product, fan, other_fan, manager
):
    thread = services.create_thread(author=fan, title="Sinyal hilang", body="x", product=product)
    reply = services.create_post(author=fan, thread=thread, body="Sudah coba *restart*")
    url = thread.get_absolute_url()
    reader = UserFactory(display_name="Ayu")
    client.force_login(reader)
    first = _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "<em>restart</em>" in first and "Report" in first
    assert f"/r/{reply.pk}/edit/" not in first
    # The author's own page has the edit and delete links; other members' pages do not.
    client.force_login(fan)
    own = _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert f"/r/{reply.pk}/edit/" in own and f"/r/{reply.pk}/delete/" in own
    client.force_login(other_fan)
    assert _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()) == first
    # Language, an edit, a new display name and moderation each show at once.
    assert "Laporkan" in _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode())
    services.edit_post(user=fan, post=reply, body="Sudah coba reset pabrik")
    assert "reset pabrik" in _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    fan.display_name = "Siti Nurhaliza"
    fan.save()
    assert "Siti Nurhaliza" in _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    services.set_hidden(moderator=manager, item=reply, hidden=True, reason="spam")
    hidden = _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Hidden by a moderator." in hidden and "reset pabrik" not in hidden
    # Staff still see the hidden reply (their copy is never cached).
    client.force_login(manager)
    assert "reset pabrik" in _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    # Anonymous readers get no member links.
    client.logout()
    assert "Report" not in _replies(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())


def test_an_expired_list_count_is_rebuilt_by_one_request_while_the_others_serve_it(
    monkeypatch, product
):
    """Every worker missing the count at the same moment built it at once (the p99 of
    list pages): after it expires one request rebuilds it, the others keep the old one."""
    clock = [1_000_000.0]
    monkeypatch.setattr(selectors.time, "time", lambda: clock[0])
    ThreadFactory(product=product)
    assert selectors.thread_list(product=product).total == 1
    ThreadFactory(product=product)
    clock[0] += selectors.COUNT_CACHE_SECONDS + 1  # expired
    building = f"forum:count:{product.pk}:::building"
    cache.add(building, 1, version=selectors.REMEMBERED_VERSION)  # another worker has it
    assert selectors.thread_list(product=product).total == 1  # served as it was
    cache.delete(building, version=selectors.REMEMBERED_VERSION)
    assert selectors.thread_list(product=product).total == 2  # this request rebuilt it
    ThreadFactory(product=product)
    assert selectors.thread_list(product=product).total == 2  # fresh again for a while


def test_what_an_older_release_cached_under_the_same_names_is_not_read(product):
    """Before a deploy these keys held bare values: the new code must not unpack them
    (seen in the benchmark: an hour-old vocabulary broke "did you mean" with a 500)."""
    ThreadFactory(product=product, title="Baterai boros")
    cache.set("forum:search:vocabulary", {"baterai": 1}, 3600)
    cache.set(f"forum:count:{product.pk}::", 7, 30)
    assert selectors.thread_list(product=product).total == 1
    assert selectors.correct_spelling("batera boros") == "baterai boros"
