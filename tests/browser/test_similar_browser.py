"""A fan about to post a duplicate: similar threads appear while typing, and one tap on
"me too" adds them to the existing thread instead of posting a new one."""

import pytest
from playwright.sync_api import expect

from forum import services as forum_services
from forum.models import MeToo, Thread
from tests.factories import ProductFactory, UserFactory
from triage import index

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    index.forget()
    yield
    index.forget()


def shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"similar-{name}.png"), full_page=True)


def test_similar_threads_while_typing_and_one_tap_me_too(page, live_server, artifacts_dir):
    base = live_server.url
    phone = ProductFactory(marketing_name="Redmi Note 13 Pro", aliases="RN13 Pro")
    siti = UserFactory(email="siti@example.com", display_name="Siti")
    UserFactory(email="budi@example.com", display_name="Budi")
    existing = forum_services.create_thread(
        author=siti, title="Bootloop setelah update HyperOS",
        body="abis update hp langsung bootloop, restart terus di logo Redmi", product=phone,
    )  # fmt: skip
    forum_services.create_thread(
        author=siti, title="Kamera force close", body="aplikasi kamera force close",
        product=phone,
    )  # fmt: skip

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "budi@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_be_visible()
    page.goto(f"{base}/new/")
    suggestions = page.locator("#similar-threads")
    expect(suggestions).to_be_hidden()
    page.select_option("select[name=product]", str(phone.pk))
    page.locator("input[name=title]").press_sequentially("hp bootloop abis update", delay=30)
    page.locator("textarea[name=body]").press_sequentially("restart terus di logo", delay=20)
    expect(suggestions).to_be_visible()
    first = suggestions.locator(".similar-item").first
    expect(first).to_contain_text("Bootloop setelah update HyperOS")
    expect(suggestions.locator(".similar-item", has_text="Kamera force close")).to_have_count(0)
    shot(page, artifacts_dir, "1-suggested-while-typing")

    first.locator("button.similar-me-too").click()
    expect(first.locator(".similar-done")).to_be_visible()
    expect(first.locator(".similar-count")).to_contain_text("1")
    shot(page, artifacts_dir, "2-me-too-instead")
    assert MeToo.objects.filter(thread=existing, user__email="budi@example.com").exists()
    assert Thread.objects.count() == 2  # no duplicate was posted

    first.locator(".similar-done a").click()
    expect(page.locator("h1")).to_have_text("Bootloop setelah update HyperOS")
    expect(page.locator("button.me-too")).to_have_attribute("aria-pressed", "true")
    shot(page, artifacts_dir, "3-the-existing-thread")
