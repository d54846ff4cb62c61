"""Fans on a phone (390 x 844, Indonesian): search that understands how they write, the
composer that prevents duplicates, following without a reload, notifications that fold
repeats, the status mail, and quoting, mentioning, previewing and pasting in a reply."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from playwright.sync_api import expect

from forum import services as forum_services
from forum.models import Follow, Kind, Notification, Post, Thread
from tests.browser.phone import log_in, shot
from tests.factories import ManagerFactory, ProductFactory, UserFactory
from tests.forum.search_pairs import QUERY_GROUPS, post_threads
from triage import index
from triage import services as triage_services
from triage.models import ClusterStatus, ThreadTriage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Redmi Note 13 Pro's Chrome on Android names its model number in the User-Agent.
REDMI_UA = (
    "Mozilla/5.0 (Linux; Android 14; 23117RA68G Build/UP1A.231005.007) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    index.forget()
    yield
    index.forget()


@pytest.fixture
def phone():
    return ProductFactory(
        brand="Xiaomi", marketing_name="Redmi Note 13 Pro", model="23117RA68G", aliases="RN13 Pro"
    )


def test_search_pairs_find_the_same_threads(page, live_server, artifacts_dir, phone):
    post_threads(UserFactory(display_name="Siti"), phone)
    for group, (queries, expected) in QUERY_GROUPS.items():
        wanted = {title for title, _body in expected}
        for query in queries:
            page.goto(f"{live_server.url}/search/")
            page.fill("#search-q", query)
            page.locator(".search-form button[type=submit]").click()
            expect(page.locator(".result-count")).to_have_text(f"{len(wanted)} thread ditemukan")
            found = set(page.locator(".search-results .thread-title").all_inner_texts())
            assert found == wanted, f"{query!r} ({group})"
        shot(page, artifacts_dir, f"search-{group.replace(' ', '-')}")
    # A typo the engine mends by itself, and one in a name only the forum's titles know:
    # nothing matches, and "did you mean" offers the word the forum uses.
    page.fill("#search-q", "kamra")
    page.locator(".search-form button[type=submit]").click()
    expect(page.locator(".search-results")).to_contain_text("Kamera force close")
    page.fill("#search-q", "dolbi")
    page.locator(".search-form button[type=submit]").click()
    expect(page.locator(".did-you-mean")).to_contain_text("Maksud Anda: dolby?")
    shot(page, artifacts_dir, "search-did-you-mean")
    page.locator(".did-you-mean a").click()
    expect(page.locator(".search-results")).to_contain_text("Suara Dolby Atmos hilang")


def _known_problem(phone):
    """A battery-drain thread whose problem is fixed, with an official answer and others
    who have it; and an idea about battery saving."""
    siti = UserFactory(display_name="Siti")
    thread = forum_services.create_thread(
        author=siti, title="Baterai boros setelah update HyperOS",
        body="Baterai cepat habis sejak update, dari 100% tinggal 40% dalam 5 jam.",
        product=phone,
    )  # fmt: skip
    for _ in range(2):
        forum_services.toggle_me_too(user=UserFactory(), thread=thread)
    manager = ManagerFactory(display_name="Rina CM")
    answer = forum_services.create_post(
        author=manager, thread=thread, body="Sudah diperbaiki di OS2.0.6, silakan update."
    )
    forum_services.pin_answer(moderator=manager, thread=thread, post=answer)
    cluster = ThreadTriage.objects.get(thread=thread).cluster
    triage_services.set_status(cluster, ClusterStatus.FIXED, fixed_in="OS2.0.6", actor=manager)
    idea = forum_services.create_thread(
        author=siti, title="Tambahkan mode hemat baterai ekstrem",
        body="Saran: mode hemat baterai ekstrem seperti di HP lain.", product=phone,
        kind=Kind.SUGGESTION,
    )  # fmt: skip
    return thread, idea


def test_the_composer_suggests_under_the_title_keeps_drafts_and_takes_pasted_images(
    browser, browser_context_args, live_server, artifacts_dir, phone
):
    base = live_server.url
    thread, idea = _known_problem(phone)
    UserFactory(email="andi@example.com", display_name="Andi")
    context = browser.new_context(**{**browser_context_args, "user_agent": REDMI_UA})
    page = context.new_page()
    log_in(page, base, "andi@example.com")
    page.goto(f"{base}/new/")

    # The phone is chosen from the model number the browser sent; the fan may change it.
    expect(page.locator("select[name=product]")).to_have_value(str(phone.pk))
    expect(page.locator("#device-guess")).to_contain_text("nomor model ponsel Anda")

    # Typing the title, the similar threads appear right under it, in view.
    page.locator("input[name=title]").press_sequentially("baterai boros banget", delay=30)
    box = page.locator("#similar-threads")
    expect(box).to_be_visible()
    expect(box).to_be_in_viewport()
    item = box.locator(".similar-item").first
    expect(item).to_contain_text(thread.title)
    expect(item.locator(".similar-meta")).to_contain_text("Redmi Note 13 Pro")
    expect(item.locator(".similar-meta")).to_contain_text("OS2.0.6")
    expect(item.locator(".similar-meta")).to_contain_text(re.compile("baru saja|lalu"))
    expect(item.locator(".similar-count")).to_have_text("3 orang mengalami ini")
    expect(item.locator(".similar-official")).to_contain_text("Sudah diperbaiki di OS2.0.6")
    shot(page, artifacts_dir, "composer-1-similar-under-the-title")

    # The text is kept in the browser: a reload (or a refused post) loses nothing.
    page.locator("textarea[name=body]").fill("Sejak update **kemarin** baterai tinggal 30%.")
    page.wait_for_timeout(600)  # the draft is saved a moment after typing stops
    page.reload()
    expect(page.locator("input[name=title]")).to_have_value("baterai boros banget")
    expect(page.locator("textarea[name=body]")).to_have_value(
        "Sejak update **kemarin** baterai tinggal 30%."
    )
    expect(page.locator(".draft-status")).to_have_text("Draf Anda yang belum terkirim kembali.")

    # The Markdown preview shows what will be posted.
    page.get_by_role("tab", name="Pratinjau").click()
    expect(page.locator(".preview strong")).to_have_text("kemarin")
    page.get_by_role("tab", name="Tulis").click()

    # An image pasted into the text becomes a screenshot of the post.
    page.locator("textarea[name=body]").evaluate(
        """(area, data) => {
          const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], "image.png", { type: "image/png" }));
          const paste = new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true });
          area.dispatchEvent(paste);
        }""",
        PNG_1PX,
    )
    expect(page.locator(".pasted")).to_contain_text("tempel-1.png")
    assert page.locator("input[name=screenshots]").evaluate("input => input.files.length") == 1
    shot(page, artifacts_dir, "composer-2-draft-preview-paste")

    # An idea gets ideas to vote for, not problems to say "me too" to.
    page.get_by_role("radio", name="Saran").check()
    page.locator("input[name=title]").fill("")
    page.locator("input[name=title]").press_sequentially("mode hemat baterai", delay=30)
    expect(box.locator("h2")).to_contain_text("Dukung")
    vote = box.locator(".similar-item", has_text=idea.title).locator("button")
    expect(vote).to_have_text("Dukung")
    vote.click()
    expect(box.locator(".similar-done")).to_contain_text("Dukungan Anda tercatat")
    assert idea.me_toos.filter(user__email="andi@example.com").exists()
    shot(page, artifacts_dir, "composer-3-vote-for-an-idea")

    # Posted: the draft is done with.
    page.get_by_role("radio", name="Masalah").check()
    page.locator("input[name=title]").fill("Baterai boros di RN13 Pro")
    page.get_by_role("button", name="Kirim thread").click()
    expect(page.locator("h1")).to_have_text("Baterai boros di RN13 Pro")
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tanggap-draft:'))") == []
    )
    posted = Thread.objects.get(title="Baterai boros di RN13 Pro")
    assert posted.product == phone and posted.screenshots.count() == 1
    context.close()


def test_follow_without_reload_and_notifications_fold_repeats(
    browser, browser_context_args, page, live_server, artifacts_dir, phone
):
    base = live_server.url
    siti = UserFactory(email="siti@example.com", display_name="Siti")
    budi = UserFactory(email="budi@example.com", display_name="Budi")
    dewi = UserFactory(display_name="Dewi")
    thread = forum_services.create_thread(
        author=siti, title="Layar berkedip di kecerahan rendah", body="Kedip terus.", product=phone
    )

    # Budi follows, without the page reloading, then chooses "normal".
    log_in(page, base, "budi@example.com")
    page.goto(f"{base}/t/{thread.pk}/")
    page.evaluate("window.stillHere = true")
    watching = page.get_by_role("button", name="Pantau")
    watching.click()
    expect(watching).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".follow-help")).to_contain_text("setiap ada balasan")
    assert page.evaluate("window.stillHere") is True
    assert Follow.objects.get(user=budi, thread=thread).level == Follow.Level.WATCHING
    shot(page, artifacts_dir, "follow-1-watching")
    page.get_by_role("button", name="Normal").click()
    expect(page.get_by_role("button", name="Normal")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.stillHere") is True
    assert Follow.objects.get(user=budi, thread=thread).level == Follow.Level.NORMAL

    # Three replies and a merge, its undo and a second merge reach Siti as two lines.
    for author, text in [(budi, "Sama"), (dewi, "Saya juga"), (budi, "Masih terjadi")]:
        forum_services.create_post(author=author, thread=thread, body=text)
    other = forum_services.create_thread(
        author=dewi, title="Kamera force close", body="Aplikasi kamera tertutup.", product=phone
    )
    kept = ThreadTriage.objects.get(thread=other).cluster
    mine = ThreadTriage.objects.get(thread=thread).cluster
    assert mine.pk != kept.pk
    manager = ManagerFactory()
    record = triage_services.merge_clusters(kept, mine, actor=manager)
    triage_services.unmerge(record, actor=manager)
    triage_services.merge_clusters(kept, mine, actor=manager)
    unread = Notification.objects.filter(recipient=siti, read_at=None)
    assert sorted(unread.values_list("verb", flat=True)) == ["reply", "status"]

    other_context = browser.new_context(**browser_context_args)
    siti_page = other_context.new_page()
    log_in(siti_page, base, "siti@example.com")
    siti_page.goto(f"{base}/notifications/")
    expect(siti_page.locator(".notification")).to_have_count(2)
    expect(siti_page.locator(".notification.verb-reply")).to_contain_text(
        "3 balasan baru di “Layar berkedip di kecerahan rendah”, terakhir dari Budi"
    )
    # The cluster it joined is still new: the text says what happened, not "known".
    status = siti_page.locator(".notification.verb-status")
    expect(status).to_contain_text("dikelompokkan dengan 1 laporan serupa")
    expect(status).to_contain_text("(3 kabar)")
    expect(siti_page.locator(".bell .count")).to_have_text("2")
    shot(siti_page, artifacts_dir, "notifications-folded")
    other_context.close()


def test_status_mail_in_the_fans_language_with_one_click_unsubscribe(
    page, live_server, artifacts_dir, phone
):
    siti = UserFactory(email="siti@example.com", display_name="Siti", preferred_language="id")
    john = UserFactory(email="john@example.com", display_name="John", preferred_language="en")
    thread = forum_services.create_thread(
        author=siti, title="Sinyal hilang setelah update", body="No service terus.", product=phone
    )
    forum_services.toggle_me_too(user=john, thread=thread)
    cluster = ThreadTriage.objects.get(thread=thread).cluster
    mail.outbox.clear()
    triage_services.forward_cluster(cluster, actor=ManagerFactory(), note="radio team")

    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {"siti@example.com", "john@example.com"}
    ours, theirs = by_person["siti@example.com"], by_person["john@example.com"]
    assert "Diteruskan ke tim engineering" in ours.subject
    assert "Halo Siti" in ours.body and "Forwarded to engineering" in theirs.subject
    assert ours.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<(http[^>]+)>", ours.extra_headers["List-Unsubscribe"]).group(1)
    assert link in ours.body

    # One click from the mail (and a confirmation, so mail scanners do not unsubscribe).
    page.goto(live_server.url + urlparse(link).path)
    shot(page, artifacts_dir, "unsubscribe-1-ask")
    page.get_by_role("button", name="Ya, hentikan").click()
    expect(page.locator("h1")).to_have_text("Selesai")
    shot(page, artifacts_dir, "unsubscribe-2-done")
    assert Follow.objects.get(user=siti, thread=thread).level == Follow.Level.MUTED

    mail.outbox.clear()
    triage_services.set_status(cluster, ClusterStatus.FIXED, fixed_in="OS2.0.6")
    assert [m.to for m in mail.outbox] == [["john@example.com"]]
    assert "is now: Fixed (fixed in OS2.0.6)" in mail.outbox[0].subject


def test_quote_mention_and_preview_in_a_reply(page, live_server, artifacts_dir, phone):
    base = live_server.url
    siti = UserFactory(display_name="Siti")
    dewi = UserFactory(display_name="Dewi Lestari")
    UserFactory(email="budi@example.com", display_name="Budi")
    thread = forum_services.create_thread(
        author=siti, title="Kamera force close", body="Aplikasi kamera tertutup.", product=phone
    )
    answered = forum_services.create_post(
        author=dewi, thread=thread, body="Coba hapus cache aplikasi kamera."
    )

    log_in(page, base, "budi@example.com")
    page.goto(f"{base}/t/{thread.pk}/")
    page.get_by_role("link", name="Kutip dan balas").click()
    body = page.locator("#reply-form textarea[name=body]")
    expect(body).to_have_value(re.compile(r"^> @Dewi Lestari:\n> Coba hapus cache"))
    expect(page.locator(".replying-to")).to_contain_text("Membalas Dewi Lestari")
    body.press_sequentially("Sudah dicoba, tetap. @Si", delay=20)
    picker = page.locator(".mention-picker")
    expect(picker.get_by_role("button", name="@Siti")).to_be_visible()
    picker.get_by_role("button", name="@Siti").click()
    expect(body).to_have_value(re.compile(r"@Siti $"))
    page.get_by_role("tab", name="Pratinjau").click()
    preview = page.locator("#reply-form .preview")
    expect(preview.locator("a.mention", has_text="@Siti")).to_have_attribute(
        "href", f"/accounts/u/{siti.pk}/"
    )
    expect(page.locator("#reply-form .preview blockquote")).to_contain_text("Coba hapus cache")
    shot(page, artifacts_dir, "reply-quote-mention-preview")
    page.get_by_role("tab", name="Tulis").click()
    page.get_by_role("button", name="Kirim balasan").click()

    reply = Post.objects.exclude(pk=answered.pk).get(thread=thread)
    expect(page.locator(f"#post-{reply.pk} .in-reply-to")).to_contain_text("membalas Dewi Lestari")
    expect(page.locator(f"#post-{reply.pk} a.mention", has_text="@Siti")).to_be_visible()
    shot(page, artifacts_dir, "reply-posted")
    assert reply.reply_to == answered
    told = dict(Notification.objects.filter(post=reply).values_list("recipient_id", "verb"))
    assert told == {dewi.pk: Notification.Verb.QUOTE, siti.pk: Notification.Verb.MENTION}
