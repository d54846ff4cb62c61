"""What fans hear and how: follow levels, folded notifications, replies that quote,
@mentions, status and reply mail with one-click unsubscribe, the device guess, the
Markdown preview and the seeding that mails nobody."""

import io

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from forum import devices, emails, mentions, problem_box, services, tasks
from forum.models import Follow, Notification, Post, Status, Thread
from forum.templatetags.forum_tags import notification_text
from tests.factories import ManagerFactory, ProductFactory, UserFactory
from triage.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(fan, product):
    return services.create_thread(author=fan, title="Layar berkedip", body="x", product=product)


def _told(user):
    return list(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


def test_watching_hears_every_reply_normal_only_status_muted_nothing(
    thread, fan, other_fan, django_capture_on_commit_callbacks
):
    normal, muted = UserFactory(), UserFactory()
    services.set_follow_level(user=normal, thread=thread, level=Follow.Level.NORMAL)
    services.set_follow_level(user=muted, thread=thread, level=Follow.Level.MUTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=other_fan, thread=thread, body="Sama")
        services.set_thread_status(thread=thread, status=Status.FIXED, fixed_in="OS2.0.6")
    assert sorted(_told(fan)) == ["reply", "status"]
    assert _told(normal) == ["status"]
    assert _told(muted) == []


def test_replying_does_not_undo_a_level_the_fan_chose(thread, other_fan):
    services.set_follow_level(user=other_fan, thread=thread, level=Follow.Level.MUTED)
    services.create_post(author=other_fan, thread=thread, body="Tetap")
    assert Follow.objects.get(user=other_fan, thread=thread).level == Follow.Level.MUTED


def test_repeats_about_one_thread_fold_into_one_unread_notification(thread, fan):
    repliers = [UserFactory(display_name=name) for name in ("Budi", "Dewi", "Eka")]
    for person in [*repliers, repliers[0]]:
        services.notify(recipients=[fan], verb="reply", thread=thread, actor=person)
    item = Notification.objects.get(recipient=fan)
    assert item.extra["count"] == 4
    assert item.extra["actors"] == ["Budi", "Eka", "Dewi"]
    assert notification_text(item) == "4 new replies in “Layar berkedip”, the latest from Budi"
    # Once read, the next one starts a new line.
    services.mark_notifications_read(user=fan)
    services.notify(recipients=[fan], verb="reply", thread=thread, actor=repliers[1])
    assert Notification.objects.filter(recipient=fan).count() == 2


def test_a_quoted_reply_and_a_mention_reach_their_people_once(
    thread, fan, other_fan, django_capture_on_commit_callbacks
):
    dewi = UserFactory(display_name="Dewi Lestari")
    quoted = services.create_post(author=dewi, thread=thread, body="Coba safe mode")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.create_post(
            author=other_fan,
            thread=thread,
            body="> @Dewi Lestari: Coba safe mode\n\nSudah. @siti, kamu juga?",
            reply_to=quoted,
        )
    told = dict(Notification.objects.filter(post=reply).values_list("recipient_id", "verb"))
    assert told == {dewi.pk: "quote", fan.pk: "mention"}
    assert f'href="/accounts/u/{fan.pk}/">@siti</a>' in reply.body_html


def test_mentions_in_code_and_unknown_names_are_not_mentions(thread, fan):
    html = services.render_preview("`@Siti` and @Nobody Here", thread.pk)
    assert "mention" not in html
    assert mentions.resolve("@Siti keren", thread_id=thread.pk) == {"siti": fan.pk}


def test_a_shared_name_goes_to_the_one_in_the_thread(thread, fan, product):
    UserFactory(display_name="Siti")  # another Siti, not in this thread
    assert mentions.resolve("@Siti", thread_id=thread.pk) == {"siti": fan.pk}
    assert mentions.resolve("@Siti") == {}  # ambiguous anywhere else


def test_the_mention_picker_offers_the_threads_people_first(client, thread, fan, other_fan):
    UserFactory(display_name="Sinta")
    client.force_login(other_fan)
    url = reverse("forum:mention_suggestions", args=[thread.pk])
    people = client.get(url, {"q": "si"}).json()["people"]
    assert [p["name"] for p in people] == ["Siti", "Sinta"]


def test_status_mail_speaks_the_fans_language_and_unsubscribes_in_one_click(
    client, thread, fan, django_capture_on_commit_callbacks
):
    english = UserFactory(preferred_language="en", email="en@example.com")
    services.follow(user=english, thread=thread)
    quiet = UserFactory(email_status=False)
    services.follow(user=quiet, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_thread_status(thread=thread, status=Status.FIXED, fixed_in="OS2.0.6")
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {fan.email, english.email}
    assert "sekarang: Sudah diperbaiki" in by_person[fan.email].subject
    assert "is now: Fixed" in by_person[english.email].subject
    message = by_person[fan.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = message.extra_headers["List-Unsubscribe"].strip("<>").split("testserver")[1]
    # A mail client's RFC 8058 POST carries no CSRF token: the signed token is the proof.
    client.handler.enforce_csrf_checks = True
    assert client.post(one_click, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Follow.objects.get(user=fan, thread=thread).level == Follow.Level.MUTED


def test_status_mail_is_sent_from_here_while_the_broker_is_down(
    thread, fan, manager, monkeypatch, django_capture_on_commit_callbacks
):
    """A broker outage never turns a saved status change into an error: the mail is sent
    from the request instead of being queued (config.celery.publish)."""
    from config.celery import app

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    app.conf.task_always_eager = False  # the autouse fixture restores it
    monkeypatch.setattr(tasks.email_notifications, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_thread_status(
            thread=thread, status=Status.FIXED, fixed_in="OS2", actor=manager
        )
    assert [m.to[0] for m in mail.outbox] == [fan.email]
    assert Thread.objects.get(pk=thread.pk).status == Status.FIXED


def test_unsubscribing_from_everything_and_forged_links(client, fan, thread):
    every = reverse("forum:unsubscribe", args=[emails.unsubscribe_token(fan.pk)])
    page = client.get(every)
    assert page.status_code == 200 and "Stop this mail?" in page.content.decode()
    fan.refresh_from_db()
    assert fan.email_status  # a GET (a mail scanner following the link) changes nothing
    client.post(every)
    fan.refresh_from_db()
    assert (fan.email_status, fan.email_replies, fan.email_digest) == (False, False, False)
    forged = reverse("forum:unsubscribe", args=["x" + emails.unsubscribe_token(fan.pk)])
    assert client.post(forged).status_code == 404


def test_reply_mail_only_when_the_author_asked_for_it(
    thread, fan, other_fan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=other_fan, thread=thread, body="Sama")
    assert mail.outbox == []
    fan.email_replies = True
    fan.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(author=other_fan, thread=thread, body="Sudah update?")
    assert [m.to for m in mail.outbox] == [[fan.email]]
    assert "Budi membalas “Layar berkedip”" in mail.outbox[0].subject
    assert "Sudah update?" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("headers", "model"),
    [
        ({"User-Agent": "Mozilla/5.0 (Linux; Android 14; 23117RA68G Build/UP1A)"}, "23117RA68G"),
        ({"User-Agent": "Mozilla/5.0 (Linux; Android 14; SM-A556E) Chrome/131"}, "A556E"),
        ({"User-Agent": "Mozilla/5.0 (Linux; Android 10; K) Chrome/131"}, ""),
        ({"User-Agent": "x", "Sec-CH-UA-Model": '"23117RA68G"'}, "23117RA68G"),
        ({"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"}, ""),
    ],
)
def test_the_browser_tells_the_model_number(headers, model):
    assert devices.browser_model(headers) == model


def test_the_new_thread_form_picks_the_phone_and_asks_for_the_hint(client, fan):
    redmi = ProductFactory(marketing_name="Redmi Note 13 Pro", model="23117RA68G")
    galaxy = ProductFactory(marketing_name="Galaxy A55", brand="Samsung", model="SM-A556E")
    client.force_login(fan)
    page = client.get(reverse("forum:new_thread"), HTTP_SEC_CH_UA_MODEL='"SM-A556E"')
    assert page["Accept-CH"] == "Sec-CH-UA-Model"
    assert page.context["form"]["product"].value() == galaxy.pk
    fan.devices.add(redmi)
    page = client.get(reverse("forum:new_thread"))  # no hint: the one saved device
    assert page.context["form"]["product"].value() == redmi.pk


def test_a_refused_post_says_to_pick_the_screenshots_again(client, fan, product, png_upload):
    client.force_login(fan)
    page = client.post(
        reverse("forum:new_thread"),
        {"product": product.pk, "title": "x", "body": "y", "kind": "problem",
         "screenshots": png_upload()},
    )  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 400
    assert 'class="notice files-again" role="status"' in html  # shown, not hidden


def test_the_preview_renders_as_posting_would_and_needs_an_account(client, fan):
    url = reverse("forum:preview")
    assert client.post(url, {"body": "**x**"}).status_code == 302  # to the login page
    client.force_login(fan)
    html = client.post(url, {"body": "**tebal** <script>alert(1)</script>"}).json()["html"]
    assert "<strong>tebal</strong>" in html and "<script>" not in html


def test_the_thread_page_quotes_without_javascript(client, thread, other_fan):
    quoted = services.create_post(
        author=UserFactory(display_name="Dewi"), thread=thread, body="A\nB"
    )
    client.force_login(other_fan)
    page = client.get(thread.get_absolute_url(), {"quote": quoted.pk})
    form = page.context["reply_form"]
    assert form["body"].value() == "> @Dewi:\n> A\n> B\n\n"
    assert form["reply_to"].value() == quoted.pk
    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"body": "Oke", "reply_to": quoted.pk}
    )
    assert response.status_code == 302
    assert Post.objects.get(body="Oke").reply_to == quoted


def test_a_fixed_thread_tells_its_status_once_and_never_counts_zero(client, thread, manager):
    services.set_thread_status(thread=thread, status=Status.FIXED, fixed_in="OS2", actor=manager)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert html.count("fixed in OS2") == 1
    assert "0 people have this too" not in html and "0 person" not in html
    assert 'class="cluster-status' not in html  # no empty box without a cluster to tell of


def test_the_problem_box_is_what_the_registered_app_tells(client, thread, manager, monkeypatch):
    """The forum knows no clusters: the box under the title comes from the function
    triage registers (forum.problem_box), and without one the thread tells its own."""
    services.set_thread_status(thread=thread, status=Status.FIXED, fixed_in="OS2", actor=manager)
    services.toggle_me_too(user=UserFactory(), thread=thread)
    told = problem_box.ProblemBox(html='<aside class="cluster-status">9 others</aside>',
                                  status="fixed", others=9)  # fmt: skip
    monkeypatch.setattr(problem_box, "_provider", [lambda request, t: told])
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "9 others" in html and "fixed in OS2" not in html  # told once, by the box
    assert "1 person has this too" not in html
    monkeypatch.setattr(problem_box, "_provider", [])
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "cluster-status" not in html
    assert "fixed in OS2" in html and "1 person has this too" in html


def test_seeding_the_demo_forum_mails_nobody(settings):
    ManagerFactory(email="manager@tanggap.local")
    call_command("seed_demo", "--threads", "60", "--triage", "yes", stdout=io.StringIO())
    assert Thread.objects.count() == 60
    assert Alert.objects.exists()  # alerts opened (managers would get them from real posts)
    assert mail.outbox == []


def test_error_pages_render_even_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_layout_asks_for_the_favicon_it_has(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")
