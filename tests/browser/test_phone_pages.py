"""Every page a fan reaches, at 390 x 844 in Indonesian: it fits the width, the header
stays one line, every link, button and field is at least 44 x 44 px, and error pages
are translated, styled and answer with the right status. Screenshots of each page go to
test-artifacts/ (fans-page-*.png) to be looked at."""

import pytest
from playwright.sync_api import expect

from forum import emails
from forum import services as forum_services
from tests.browser.phone import check_phone_layout, log_in, shot
from tests.factories import ManagerFactory, ProductFactory, UserFactory
from triage import index
from triage import services as triage_services
from triage.models import ClusterStatus, ThreadTriage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    index.forget()
    yield
    index.forget()


@pytest.fixture
def forum():
    """A small forum: two brands (one written in lower case), threads, a fixed problem."""
    phone = ProductFactory(brand="Xiaomi", marketing_name="Redmi Note 13 Pro", model="23117RA68G")
    ProductFactory(brand="realme", marketing_name="realme C67", series="C")
    siti = UserFactory(email="siti@example.com", display_name="Siti Rahmawati Nurhaliza")
    other = UserFactory(display_name="Budi")
    thread = forum_services.create_thread(
        author=siti, title="Layar berkedip saat kecerahan rendah " + "panjang " * 6,
        body="Log:\n\n```\n" + "E/SurfaceFlinger: " + "x" * 300 + "\n```\n\nLihat https://example.com",
        product=phone, firmware="OS1.0.5.0.UNQIDXM",
    )  # fmt: skip
    theirs = forum_services.create_thread(
        author=other, title="Baterai boros setelah update", body="Cepat habis.", product=phone
    )
    forum_services.create_post(author=other, thread=thread, body="Sama, @Siti Rahmawati Nurhaliza")
    forum_services.toggle_me_too(user=other, thread=thread)
    manager = ManagerFactory()
    cluster = ThreadTriage.objects.get(thread=thread).cluster
    triage_services.set_status(cluster, ClusterStatus.FIXED, fixed_in="OS2.0.6", actor=manager)
    return {"phone": phone, "siti": siti, "thread": thread, "theirs": theirs, "cluster": cluster}


def test_every_page_fits_a_phone_with_44px_targets(page, live_server, artifacts_dir, forum):
    base = live_server.url
    thread, phone = forum["thread"], forum["phone"]
    public = [
        ("home", "/"),
        ("products", "/p/"),
        ("product", phone.get_absolute_url()),
        ("thread", thread.get_absolute_url()),
        ("search", "/search/?q=layar+kedip"),
        ("search-empty", "/search/?q=kamra"),
        ("known-issues", f"/p/{phone.slug}/known-issues/"),
        ("cluster", f"/clusters/{forum['cluster'].pk}/"),
        ("fixed-index", "/fixed/"),
        ("fixed", "/fixed/OS2.0.6/"),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("password-reset", "/accounts/password/reset/"),
    ]
    for name, url in public:
        page.goto(base + url)
        check_phone_layout(page, name)
        shot(page, artifacts_dir, f"page-anon-{name}")

    log_in(page, base, "siti@example.com")
    token = emails.unsubscribe_token(forum["siti"].pk, thread.pk)
    signed_in = [
        ("home", "/"),
        ("thread", thread.get_absolute_url()),
        ("thread-of-another", forum["theirs"].get_absolute_url()),
        ("new-thread", "/new/"),
        ("notifications", "/notifications/"),
        ("profile-edit", "/accounts/profile/"),
        ("profile-public", f"/accounts/u/{forum['siti'].pk}/"),
        ("email", "/accounts/email/"),
        ("password-change", "/accounts/password/change/"),
        ("unsubscribe", f"/unsubscribe/{token}/"),
        ("flag", f"/t/{thread.pk}/flag/"),
    ]
    for name, url in signed_in:
        page.goto(base + url)
        check_phone_layout(page, name)
        shot(page, artifacts_dir, f"page-{name}")


def test_error_pages_are_translated_styled_and_right(page, live_server, artifacts_dir, forum):
    base = live_server.url
    for name, url, status, heading in [
        ("404", "/t/999999/", 404, "Halaman ini tidak ada"),
        ("404-release", "/fixed/does-not-exist/", 404, "Halaman ini tidak ada"),
    ]:
        response = page.goto(base + url)
        assert response.status == status, name
        expect(page.locator("h1")).to_have_text(heading)
        check_phone_layout(page, name)
        shot(page, artifacts_dir, f"page-error-{name}")
    log_in(page, base, "siti@example.com")
    response = page.goto(f"{base}/t/{forum['theirs'].pk}/edit/")  # another fan's thread
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Anda tidak dapat melakukan ini di sini")
    check_phone_layout(page, "403")
    shot(page, artifacts_dir, "page-error-403")


def test_the_device_picker_finds_a_phone_and_brands_sort_whatever_their_case(
    page, live_server, artifacts_dir, forum
):
    log_in(page, live_server.url, "siti@example.com")
    page.goto(f"{live_server.url}/accounts/profile/")
    brands = page.locator(".device-brand legend").all_text_contents()
    assert brands == sorted(brands, key=str.casefold) and "realme" in brands
    zones = page.locator("select[name=time_zone] option").all_inner_texts()
    assert [zone.split(" ")[0] for zone in zones[:3]] == ["WIB", "WITA", "WIT"]
    languages = page.locator("select[name=preferred_language] option").all_inner_texts()
    assert languages == ["Bahasa browser", "Bahasa Indonesia", "English"]
    page.fill(".device-filter", "c67")
    expect(page.locator(".device-option:visible")).to_have_count(1)
    page.locator(".device-option:visible").click()
    shot(page, artifacts_dir, "profile-device-picker")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".message")).to_be_visible()
    assert [p.marketing_name for p in forum["siti"].devices.all()] == ["realme C67"]
