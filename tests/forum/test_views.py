"""What fans see and do through the pages, including every kind of bad input."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Flag, Follow, Notification, Post, Thread
from tests.forum.conftest import executable_parts

pytestmark = pytest.mark.django_db

NEW = reverse("forum:new_thread")


def thread_data(product, **overrides):
    data = {
        "product": product if isinstance(product, str) else product.pk,
        "title": "Sinyal hilang setelah update",
        "kind": "problem",
        "firmware": "HyperOS 1.0.5.0",
        "body": "Sinyal 4G hilang tiap malam.",
        "screenshot_alt": "",
    }
    return {**data, **overrides}


@pytest.fixture
def thread(fan, product):
    return services.create_thread(
        author=fan, title="Kamera buram", body="Foto buram sejak update", product=product
    )


def test_anonymous_is_sent_to_login_to_post(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_fan_posts_a_thread_and_lands_on_it(client, fan, product):
    client.force_login(fan)
    response = client.post(NEW, thread_data(product))
    thread = Thread.objects.get()
    assert response.status_code == 302 and response.url == thread.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Sinyal 4G hilang tiap malam." in page and "HyperOS 1.0.5.0" in page


@pytest.mark.parametrize(
    ("overrides", "error_field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 300}, "title"),
        ({"body": ""}, "body"),
        ({"body": "   \n  "}, "body"),
        ({"body": "a" * 200_000}, "body"),
        ({"product": "999999"}, "product"),
        ({"product": "not-a-number"}, "product"),
        ({"kind": "rant"}, "kind"),
    ],
)
def test_bad_thread_input_keeps_what_was_typed_and_says_why(
    client, fan, product, overrides, error_field
):
    client.force_login(fan)
    product_value = overrides.pop("product", product)
    response = client.post(NEW, thread_data(product_value, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{error_field}_error"' in html
    assert "Sinyal 4G hilang tiap malam." in html or error_field == "body"
    assert 'value="HyperOS 1.0.5.0"' in html
    assert not Thread.objects.exists()


def test_html_and_script_payloads_are_stored_as_typed_and_shown_as_text(client, fan, product):
    client.force_login(fan)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> [klik](javascript:alert(1))'
    client.post(NEW, thread_data(product, title='<b onmouseover="x()">Judul</b>', body=payload))
    thread = Thread.objects.get()
    assert thread.body == payload
    html = client.get(thread.get_absolute_url()).content.decode()
    assert executable_parts(html) == []
    assert "&lt;script&gt;" in html and "&lt;b onmouseover=" in html


def test_flood_gets_a_message_and_keeps_the_form(client, fan, product):
    client.force_login(fan)  # a new account: one thread per two minutes
    assert client.post(NEW, thread_data(product)).status_code == 302
    response = client.post(NEW, thread_data(product, title="Kedua kalinya"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "too fast" in html and 'value="Kedua kalinya"' in html
    assert Thread.objects.count() == 1


def test_established_members_get_a_looser_limit(client, fan, product):
    fan.date_joined = timezone.now() - timedelta(days=30)
    fan.save()
    client.force_login(fan)
    assert client.post(NEW, thread_data(product)).status_code == 302
    response = client.post(NEW, thread_data(product, title="Kedua kalinya"))
    assert response.status_code == 400  # still at most one per 30 seconds
    reply_url = reverse("forum:reply", args=[Thread.objects.get().pk])
    assert client.post(reply_url, {"body": "Tambahan info"}).status_code == 302


def test_reply_flood_keeps_the_reply_text(client, other_fan, thread):
    client.force_login(other_fan)
    url = reverse("forum:reply", args=[thread.pk])
    assert client.post(url, {"body": "satu"}).status_code == 302
    response = client.post(url, {"body": "dua, masih penting"})
    assert response.status_code == 400
    assert "dua, masih penting" in response.content.decode()


def test_suspended_fan_sees_why_and_until_when(client, other_fan, thread, product):
    other_fan.suspended_until = timezone.now() + timedelta(days=2)
    other_fan.save()
    client.force_login(other_fan)
    html = client.get(NEW).content.decode()
    assert "suspended until" in html
    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "halo"})
    assert response.status_code == 400 and "suspended until" in response.content.decode()
    assert not Post.objects.exists()


def test_me_too_is_one_tap_without_javascript(client, other_fan, thread):
    client.force_login(other_fan)
    url = reverse("forum:me_too", args=[thread.pk])
    assert client.post(url).status_code == 302
    html = client.get(thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in html and '<span class="count"' in html
    assert Thread.objects.get(pk=thread.pk).me_too_count == 1


def test_me_too_with_javascript_answers_json(client, other_fan, thread):
    client.force_login(other_fan)
    url = reverse("forum:me_too", args=[thread.pk])
    first = client.post(url, headers={"X-Requested-With": "fetch"}).json()
    second = client.post(url, headers={"X-Requested-With": "fetch"}).json()
    assert first["active"] is True and first["count"] == 1
    assert second["active"] is False and second["count"] == 0


def test_follow_levels_without_and_with_javascript(client, other_fan, thread):
    client.force_login(other_fan)
    url = reverse("forum:follow", args=[thread.pk])
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "only mentions reach you" in page
    client.post(url, {"level": "watching"})
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'value="watching" class="secondary small" aria-pressed="true"' in page
    answer = client.post(url, {"level": "muted"}, headers={"X-Requested-With": "fetch"}).json()
    assert answer == {
        "level": "muted",
        "help": "You hear nothing about this thread, not even mentions.",
    }
    assert Follow.objects.get(user=other_fan, thread=thread).level == "muted"
    refused = client.post(url, {"level": "loud"}, headers={"X-Requested-With": "fetch"})
    assert refused.status_code == 400
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.filter(user=other_fan, thread=thread).exists()


def test_bell_counts_unread_and_opening_marks_read(
    client, fan, other_fan, thread, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=other_fan, thread=thread, body="Sama!")
    client.force_login(fan)
    home = client.get("/").content.decode()
    assert '<span class="count" aria-hidden="true">1</span>' in home
    note = Notification.objects.get(recipient=fan)
    page = client.get(reverse("forum:notifications"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Budi replied in" in page.content.decode()
    response = client.post(reverse("forum:notification_open", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'class="count" aria-hidden' not in client.get("/").content.decode()


def test_edit_shows_edited_and_is_refused_to_others(client, fan, other_fan, thread):
    client.force_login(other_fan)
    assert client.get(reverse("forum:edit_thread", args=[thread.pk])).status_code == 403
    client.force_login(fan)
    data = {"title": "Kamera buram di malam hari", "kind": "problem", "firmware": "", "body": "x"}
    assert client.post(reverse("forum:edit_thread", args=[thread.pk]), data).status_code == 302
    html = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kamera buram di malam hari" in html and "edited" in html


def test_deleted_reply_leaves_a_placeholder(client, fan, other_fan, thread):
    post = services.create_post(author=other_fan, thread=thread, body="Pesan rahasia")
    client.force_login(other_fan)
    client.post(reverse("forum:delete_post", args=[post.pk]))
    html = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pesan rahasia" not in html and "The author deleted this reply." in html


def test_deleted_thread_leaves_lists_but_stays_readable(client, fan, other_fan, thread):
    services.create_post(author=other_fan, thread=thread, body="Balasan tetap ada")
    client.force_login(fan)
    client.post(reverse("forum:delete_thread", args=[thread.pk]))
    assert "Kamera buram" not in client.get("/").content.decode()
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Balasan tetap ada" in html and "Foto buram sejak update" not in html


def test_flag_needs_a_reason(client, other_fan, thread):
    client.force_login(other_fan)
    url = reverse("forum:flag_thread", args=[thread.pk])
    response = client.post(url, {"reason": "", "detail": "tolong cek"})
    assert response.status_code == 200 and "tolong cek" in response.content.decode()
    assert not Flag.objects.exists()
    assert client.post(url, {"reason": "spam", "detail": ""}).status_code == 302
    assert Flag.objects.get().reason == "spam"


def test_staff_pin_an_official_answer_to_the_top(client, manager, other_fan, thread):
    answer = services.create_post(author=manager, thread=thread, body="Update OS1.0.7 memperbaiki")
    services.create_post(author=other_fan, thread=thread, body="Terima kasih")
    client.force_login(manager)
    client.post(reverse("forum:pin", args=[thread.pk]), {"post": answer.pk})
    html = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    top = html.split('id="replies-h"')[0]
    assert "Official answer" in top and "Update OS1.0.7 memperbaiki" in top
    client.force_login(other_fan)
    assert (
        client.post(reverse("forum:pin", args=[thread.pk]), {"post": answer.pk}).status_code == 403
    )


def test_filters_and_order(client, fan, product):
    services.create_thread(
        author=fan, title="Pertanyaan NFC", body="?", product=product, kind="question"
    )
    services.create_thread(author=fan, title="Masalah WiFi", body="!", product=product)
    url = reverse("forum:product", args=[product.slug])
    html = client.get(url, {"kind": "question"}).content.decode()
    assert "Pertanyaan NFC" in html and "Masalah WiFi" not in html
    html = client.get(url, {"sort": "new"}).content.decode()
    assert html.index("Masalah WiFi") < html.index("Pertanyaan NFC")
    assert client.get(url, {"page": "999", "status": "nonsense"}).status_code == 200


def test_list_paginates(client, fan, product):
    from tests.factories import ThreadFactory

    for _ in range(30):
        ThreadFactory(product=product, author=fan)
    first = client.get("/").content.decode()
    second = client.get("/", {"page": 2}).content.decode()
    assert first.count('<li class="thread-row">') == 25
    assert second.count('<li class="thread-row">') == 5


def test_reply_link_goes_to_its_page(client, fan, thread):
    from tests.factories import PostFactory

    posts = [PostFactory(thread=thread) for _ in range(30)]
    response = client.get(reverse("forum:post", args=[posts[-1].pk]))
    assert response.url == f"{thread.get_absolute_url()}?page=2#post-{posts[-1].pk}"


def test_profile_lists_the_fans_threads(client, fan, thread):
    html = client.get(reverse("accounts:profile", args=[fan.pk])).content.decode()
    assert "Kamera buram" in html


def test_firmware_suggestions_come_from_reports(client, fan, product):
    for version in ["OS1.0.5", "OS1.0.5", "OS1.0.3"]:
        services.create_thread(
            author=fan, title="abcdef", body="x", product=product, firmware=version
        )
    data = client.get(reverse("forum:firmware_suggestions"), {"product": product.pk}).json()
    assert data == {"versions": ["OS1.0.5", "OS1.0.3"]}
    assert client.get(reverse("forum:firmware_suggestions"), {"product": "x"}).json() == {
        "versions": []
    }


def test_pages_are_translated(client, thread):
    assert (
        "Balas" in client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    )
    assert (
        "Reply" in client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_list_count_is_capped(client, fan, product, monkeypatch):
    from forum import selectors
    from tests.factories import ThreadFactory

    monkeypatch.setattr(selectors, "COUNT_CAP", 30)
    for _ in range(40):
        ThreadFactory(product=product, author=fan)
    page = selectors.thread_list(page=99)
    assert (page.total, page.number, page.capped) == (30, 2, True)
    assert "Page 1 of 2+" in client.get("/").content.decode()


def _chrome(html: str) -> str:
    """A page's head (but its title), header and footer, whatever page it is."""
    head = re.sub(r"<title>.*</title>", "", html[: html.index("<main")])
    footer = html[html.index("<footer") :]
    return re.sub(r'value="[^"]*"', 'value=""', head + footer)  # CSRF token, next page


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_jinja2_and_django_layouts_render_the_same_page_around_the_content(
    client, fan, other_fan, thread, language, signed_in, django_capture_on_commit_callbacks
):
    # Both layouts take the header and footer from the same Jinja2 partials.
    if signed_in:
        with django_capture_on_commit_callbacks(execute=True):
            services.create_post(author=other_fan, thread=thread, body="Sama!")  # the bell
        fan.preferred_language = language
        fan.save()
        client.force_login(fan)
    jinja2 = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    django = client.get(reverse("forum:products"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ('aria-hidden="true">1</span>' in jinja2) == signed_in
    bell = {"id": "Notifikasi: 1 belum dibaca", "en": "Notifications: 1 unread"}[language]
    assert (bell in django) == signed_in
    assert _chrome(jinja2) == _chrome(django)
