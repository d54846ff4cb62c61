"""A community manager on the admin console: opens the queue, merges two clusters,
forwards the result and answers every thread at once; the fans see the status on their
threads and get notified; undoing the merge gives the votes and followers back. And the
console's home page, alert summary and reply preview, in both languages, on a laptop
(1366x900) and a phone (390x844), never scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

from forum import services as forum_services
from forum.models import Follow, MeToo, Notification, Post, Thread
from tests.factories import ManagerFactory, ProductFactory, UserFactory
from triage import index, services
from triage.models import Cluster, ClusterStatus, MergeRecord, ReplyTemplate, ThreadTriage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    """The live server shares this process's engine cache; each test has its own data."""
    index.forget()
    yield
    index.forget()


def shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"console-{name}.png"), full_page=True)


def fan_log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_be_visible()


def test_manager_merges_forwards_replies_and_undoes(
    page, browser, browser_context_args, live_server, artifacts_dir
):
    base = live_server.url
    phone = ProductFactory(marketing_name="Galaxy A55", brand="Samsung", series="Galaxy A")
    ManagerFactory(email="mira@example.com", display_name="Mira CM")
    siti = UserFactory(email="siti@example.com", display_name="Siti")
    budi = UserFactory(email="budi@example.com", display_name="Budi")
    dewi = UserFactory(email="dewi@example.com", display_name="Dewi")
    camera = forum_services.create_thread(
        author=siti, title="Kamera force close", body="aplikasi kamera force close saat dibuka",
        product=phone, firmware="A556EXXU1",
    )  # fmt: skip
    signal = forum_services.create_thread(
        author=budi, title="Sinyal hilang setelah update", body="sinyal hilang no service",
        product=phone, firmware="A556EXXU2",
    )  # fmt: skip
    forum_services.toggle_me_too(user=dewi, thread=signal)
    kept = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=camera).cluster_id)
    absorbed = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=signal).cluster_id)
    assert kept.pk != absorbed.pk
    ReplyTemplate.objects.create(
        name="Sedang diselidiki",
        body_id="Terima kasih, tim kami sedang menyelidiki masalah di {product}.",
        body_en="Thank you, our team is looking into this on {product}.",
    )

    # The manager logs in to the admin and opens the queue.
    page.goto(f"{base}/admin/login/?next=/admin/triage/cluster/")
    page.fill("#id_username", "mira@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/triage/cluster/$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    shot(page, artifacts_dir, "1-queue")

    # Merge the two clusters, keeping the camera one.
    page.check(f"input.action-select[value='{kept.pk}']")
    page.check(f"input.action-select[value='{absorbed.pk}']")
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    expect(page.locator(".triage-action-form")).to_be_visible()
    page.check(f"input[name=kept][value='{kept.pk}']")
    page.fill("textarea[name=note]", "Satu akar masalah: update modem")
    shot(page, artifacts_dir, "2-merge-form")
    page.click(".triage-action-form input[type=submit]")
    expect(page.locator(".messagelist")).to_be_visible()
    assert Cluster.objects.get(pk=absorbed.pk).merged_into_id == kept.pk

    # The cluster page: charts, members, the merge; forward it to engineering.
    page.goto(f"{base}/admin/triage/cluster/{kept.pk}/change/")
    expect(page.locator("svg.chart-daily")).to_be_visible()
    expect(page.locator("svg.chart-firmware")).to_be_visible()
    expect(page.locator("tr.member")).to_have_count(2)
    expect(page.locator("button.undo-merge")).to_have_count(1)
    shot(page, artifacts_dir, "3-cluster-page")
    page.click("button[value=forward]")
    page.fill("input[name=ticket_url]", "https://jira.example.com/MODEM-12")
    page.fill("textarea[name=note]", "Tim modem")
    page.click(".triage-action-form input[type=submit]")
    expect(page).to_have_url(re.compile(rf"/admin/triage/cluster/{kept.pk}/change/$"))
    expect(page.locator(".cluster-status")).to_be_visible()
    assert Cluster.objects.get(pk=kept.pk).status == ClusterStatus.FORWARDED

    # One official reply to every thread of the cluster, read in a preview first.
    page.select_option("#id_template", label="Sedang diselidiki")
    page.click("form.official-reply button[type=submit]")
    expect(page.locator(".reply-preview")).to_contain_text("tim kami sedang menyelidiki")
    assert not Post.objects.filter(is_official=True).exists()
    page.click("button.post-reply")
    expect(page.locator(".messagelist")).to_be_visible()
    shot(page, artifacts_dir, "4-forwarded-and-answered")
    assert Post.objects.filter(is_official=True).count() == 2
    assert set(Post.objects.values_list("thread", flat=True)) == {camera.pk, signal.pk}

    # Budi, whose thread was merged, sees the status on it and his notifications.
    fan_context = browser.new_context(**browser_context_args)
    fan = fan_context.new_page()
    fan_log_in(fan, base, "budi@example.com")
    fan.goto(f"{base}{signal.get_absolute_url()}")
    status = fan.locator("aside.cluster-status")
    expect(status).to_contain_text("Diteruskan ke tim engineering")
    expect(status.locator(f"a[href='/clusters/{kept.pk}/']")).to_be_visible()
    expect(fan.locator(".post.official")).to_contain_text("tim kami sedang menyelidiki")
    shot(fan, artifacts_dir, "5-fan-thread-status")
    fan.locator(".bell").click()
    expect(fan.locator(".notification-list li")).not_to_have_count(0)
    shot(fan, artifacts_dir, "6-fan-notifications")
    fan.goto(f"{base}/clusters/{kept.pk}/")
    expect(fan.locator(".thread-row")).to_have_count(2)
    shot(fan, artifacts_dir, "7-fan-others")
    fan_context.close()
    for fan_user in (siti, budi, dewi):
        assert Notification.objects.filter(recipient=fan_user, verb="status").exists()
    assert Thread.objects.get(pk=signal.pk).status == "investigating"

    # Undo the merge: Budi's thread, Dewi's vote and her follow go back.
    page.goto(f"{base}/admin/triage/cluster/{kept.pk}/change/")
    page.click("button.undo-merge")
    expect(page).to_have_url(re.compile(rf"/admin/triage/cluster/{absorbed.pk}/change/$"))
    expect(page.locator("tr.member")).to_have_count(1)
    shot(page, artifacts_dir, "8-unmerged")
    restored = Cluster.objects.get(pk=absorbed.pk)
    assert restored.merged_into_id is None and restored.me_too == 1 and restored.reporters == 2
    assert ThreadTriage.objects.get(thread=signal).cluster_id == absorbed.pk
    assert MeToo.objects.filter(thread=signal, user=dewi).exists()
    assert Follow.objects.filter(thread=signal, user=dewi).exists()
    assert MergeRecord.objects.get().undone_at is not None


def _fits(page) -> None:
    """Nothing scrolls sideways: the page is as wide as the window."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["laptop", "phone"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_home_alert_summary_and_reply_preview(
    browser, browser_context_args, live_server, artifacts_dir, language, size
):
    """The demo manager's morning: the home page says what needs them, every page sums up
    the open alerts, and an official reply is read in both languages before it goes."""
    base = live_server.url
    phone = ProductFactory(marketing_name="Galaxy A55", brand="Samsung", series="Galaxy A")
    ManagerFactory(email="mira@example.com", display_name="Mira", preferred_language=language)
    english_fan = UserFactory(preferred_language="en")
    swollen = forum_services.create_thread(
        author=UserFactory(), title="Baterai kembung",
        body="baterai kembung, casing terangkat, mau saya viralin", product=phone,
    )  # fmt: skip
    forum_services.create_thread(
        author=english_fan, title="Battery swollen", body="battery swollen, back cover lifting",
        product=phone,
    )  # fmt: skip
    cluster = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=swollen).cluster_id)
    ThreadTriage.objects.update(cluster=cluster)
    services.refresh_figures([cluster.pk])
    services.open_alert(
        "spike", cluster=cluster, data={"observed": 9, "expected": 0.5, "window_hours": 1}
    )
    width, height = size
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": width, "height": height},
           "is_mobile": width < 800, "locale": language}
    )  # fmt: skip
    page = context.new_page()
    name = f"{language}-{width}"

    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "mira@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    words = {
        "id": ("Yang perlu Anda tangani sekarang", "2 peringatan terbuka", "Dalam bahasa Inggris"),
        "en": ("What needs you now", "2 open alerts", "In English"),
    }[language]
    expect(page.locator("#content h1")).to_have_text(words[0])
    summary = page.locator(".alert-summary")
    expect(summary).to_contain_text(words[1])  # the spike and the post that may go public
    expect(summary.locator("a")).to_have_count(2)  # the count and the newest, nothing more
    expect(page.locator("#home-unanswered")).to_be_visible()
    _fits(page)
    shot(page, artifacts_dir, f"home-{name}")

    page.click(".console-nav a[href='/admin/triage/cluster/']")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    _fits(page)
    shot(page, artifacts_dir, f"queue-{name}")

    page.goto(f"{base}/admin/triage/cluster/{cluster.pk}/change/")
    page.fill("#id_body_id", "Halo kak, tim kami sedang memeriksa baterai **{product}** ini.")
    page.fill("#id_body_en", "Hi, our team is checking the battery of **{product}**.")
    _fits(page)
    page.click("form.official-reply button[type=submit]")
    preview = page.locator(".reply-preview")
    expect(preview.locator(".reply-id")).to_contain_text("baterai Galaxy A55 ini")
    expect(preview.locator(".reply-en")).to_contain_text("checking the battery of Galaxy A55")
    expect(preview.locator(".reply-en h3")).to_contain_text(words[2])
    expect(page.locator("button.post-reply")).to_be_visible()
    _fits(page)
    shot(page, artifacts_dir, f"reply-preview-{name}")
    assert not Post.objects.filter(is_official=True).exists()

    page.click("button.post-reply")
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, artifacts_dir, f"reply-posted-{name}")
    bodies = set(Post.objects.filter(is_official=True).values_list("body", flat=True))
    assert bodies == {
        "Halo kak, tim kami sedang memeriksa baterai **Galaxy A55** ini.",
        "Hi, our team is checking the battery of **Galaxy A55**.",
    }
    context.close()
