"""Two fans on phones, in Indonesian: one posts a thread with a screenshot, the other
replies and taps "me too", the first sees the notification; search finds the thread."""

import io
import re

import pytest
from django.conf import settings
from django.urls import include, path
from django.views.static import serve
from PIL import Image
from playwright.sync_api import expect

from forum.models import MeToo, Screenshot, Thread
from tests.factories import ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password

# The project serves media only when debugging; the browser needs to load screenshots.
urlpatterns = [
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("config.urls")),
]


@pytest.fixture
def media_served(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    urlpatterns[0] = path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    settings.ROOT_URLCONF = __name__


def shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"forum-{name}.png"), full_page=True)


def log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_be_visible()


def test_post_reply_me_too_notification_search(
    page, browser, browser_context_args, live_server, artifacts_dir, media_served, tmp_path
):
    base = live_server.url
    product = ProductFactory(marketing_name="Redmi Note 13 Pro", aliases="RN13 Pro")
    UserFactory(email="siti@example.com", display_name="Siti")
    UserFactory(email="budi@example.com", display_name="Budi")
    screenshot = tmp_path / "layar.png"
    image = Image.new("RGB", (360, 640), (30, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    screenshot.write_bytes(buffer.getvalue())

    # Siti reports a problem with a screenshot.
    log_in(page, base, "siti@example.com")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("link", name="Thread baru").click()
    shot(page, artifacts_dir, "1-new-thread-form")
    page.get_by_label("Perangkat").select_option(str(product.pk))
    page.get_by_label("Judul").fill("Baterai cepat habis setelah pembaruan")
    page.get_by_label("Versi firmware / OS").fill("HyperOS 1.0.5.0")
    page.get_by_label("Ceritakan masalahnya").fill(
        "Sejak pembaruan kemarin baterai habis dalam 5 jam.\n\n```\nbattery drain 12%/h\n```"
    )
    page.locator("input[name=screenshots]").set_input_files(str(screenshot))
    page.get_by_label("Isi tangkapan layar").fill("Grafik baterai turun tajam")
    page.get_by_role("button", name="Kirim thread").click()
    expect(page.locator("h1")).to_have_text("Baterai cepat habis setelah pembaruan")
    image_el = page.get_by_role("img", name="Grafik baterai turun tajam")
    expect(image_el).to_be_visible()
    # Really served and decoded (wait for decoding: visible comes before loaded).
    width = image_el.evaluate("img => img.decode().then(() => img.naturalWidth)")
    assert width == 360
    assert Screenshot.objects.count() == 1
    shot(page, artifacts_dir, "2-thread-posted")
    thread_url = page.url

    # Budi, on his own phone, replies and taps "me too".
    other = browser.new_context(**browser_context_args)
    budi = other.new_page()
    log_in(budi, base, "budi@example.com")
    budi.goto(thread_url)
    budi.get_by_label("Balasan Anda").fill("Sama, RN13 Pro saya juga boros sejak update.")
    budi.get_by_role("button", name="Kirim balasan").click()
    expect(budi.locator(".post-list")).to_contain_text("RN13 Pro saya juga boros")
    me_too = budi.locator("button.me-too")
    expect(me_too.locator(".count")).to_have_text("0")
    me_too.click()
    expect(me_too.locator(".count")).to_have_text("1")  # no reload: the JS answered
    expect(me_too).to_have_attribute("aria-pressed", "true")
    assert MeToo.objects.filter(thread__title__startswith="Baterai").count() == 1
    shot(budi, artifacts_dir, "3-reply-and-me-too")
    other.close()

    # Siti sees the bell, then the notification, and follows it to the reply.
    page.goto(f"{base}/")
    expect(page.locator(".bell .count")).to_have_text("1")
    shot(page, artifacts_dir, "4-home-with-bell")
    page.locator(".bell").click()
    expect(page.locator(".notification-list")).to_contain_text("Budi membalas di")
    shot(page, artifacts_dir, "5-notifications")
    page.locator(".notification-list button").first.click()
    expect(page).to_have_url(re.compile(r"/t/\d+/#post-\d+$"))
    expect(page.locator(".bell .count")).to_have_count(0)

    # Search (the header's magnifier) finds the thread by an Indonesian word.
    page.locator(".nav-search-link").click()
    page.fill("#search-q", "baterai")
    page.locator(".search-form button[type=submit]").click()
    expect(page.locator(".thread-list").first).to_contain_text(
        "Baterai cepat habis setelah pembaruan"
    )
    shot(page, artifacts_dir, "6-search")
    assert Thread.objects.get().me_too_count == 1


def test_pages_fit_a_phone_and_work_without_javascript(
    browser, browser_context_args, live_server, artifacts_dir
):
    product = ProductFactory(marketing_name="Galaxy A55")
    UserFactory(email="andi@example.com", display_name="Andi")
    author = UserFactory(display_name="Dewi")
    from forum import services

    thread = services.create_thread(
        author=author,
        title="Layar berkedip saat kecerahan rendah " + "panjang " * 10,
        body="Log:\n\n```\n" + "E/SurfaceFlinger: " + "x" * 300 + "\n```",
        product=product,
    )
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    log_in(page, live_server.url, "andi@example.com")
    for name, url in [
        ("home", "/"),
        ("product", product.get_absolute_url()),
        ("thread", thread.get_absolute_url()),
        ("search", "/search/?q=layar"),
        ("notifications", "/notifications/"),
    ]:
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width}px wide"
        shot(page, artifacts_dir, f"nojs-{name}")
    page.goto(live_server.url + thread.get_absolute_url())
    page.locator("button.me-too").click()  # a plain POST and redirect
    expect(page.locator("button.me-too")).to_have_attribute("aria-pressed", "true")
    # Triage grouped it: the problem's box counts the people, once, without the reader.
    expect(page.locator(".cluster-others")).to_have_text("1 orang lain mengalami masalah ini")
    context.close()


def test_a_screenshot_waiting_for_its_task_shows_a_placeholder_then_the_image(
    page, live_server, artifacts_dir, media_served, tmp_path, monkeypatch
):
    """The broker was down when Siti posted: her reply is there at once, its screenshot
    says it is being prepared, and shows once the sweeper has encoded it."""
    from forum import services, tasks

    monkeypatch.setattr(services, "_queue_encoding", lambda ids: None)  # never queued
    monkeypatch.setattr(tasks, "SCREENSHOT_GRACE", tasks.SCREENSHOT_GRACE * 0)
    product = ProductFactory(marketing_name="Redmi Note 13 Pro")
    siti = UserFactory(email="siti@example.com", display_name="Siti")
    thread = services.create_thread(
        author=siti, title="Layar bergaris hijau", body="Muncul garis hijau.", product=product
    )
    screenshot = tmp_path / "garis.png"
    Image.new("RGB", (360, 640), (20, 160, 60)).save(screenshot, "PNG")

    log_in(page, live_server.url, "siti@example.com")
    page.goto(f"{live_server.url}{thread.get_absolute_url()}")
    page.get_by_label("Balasan Anda").fill("Ini fotonya.")
    page.locator("input[name=screenshots]").set_input_files(str(screenshot))
    page.get_by_label("Isi tangkapan layar").fill("Garis hijau di tengah layar")
    page.get_by_role("button", name="Kirim balasan").click()
    expect(page.locator(".post-list")).to_contain_text("Ini fotonya.")
    placeholder = page.locator(".screenshot-pending")
    expect(placeholder).to_have_text("Tangkapan layar sedang disiapkan… muat ulang sebentar lagi.")
    placeholder.scroll_into_view_if_needed()
    shot(page, artifacts_dir, "7-screenshot-pending")

    assert tasks.encode_pending_screenshots() == 1
    page.reload()
    image = page.get_by_role("img", name="Garis hijau di tengah layar")
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 360
    expect(page.locator(".screenshot-pending")).to_have_count(0)
