"""A newcomer on a phone: sign up, verify by mail, log in, switch language, log out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sandi-yang-panjang-2026"


def shot(page, artifacts_dir, name):
    page.screenshot(path=str(artifacts_dir / f"accounts-{name}.png"), full_page=True)


def test_signup_verify_login_switch_language_logout(page, live_server, artifacts_dir):
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "id")  # the phone asks for id
    shot(page, artifacts_dir, "1-signup")
    page.fill("input[name=email]", "sari@example.com")
    page.fill("input[name=display_name]", "Sari")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    shot(page, artifacts_dir, "2-verification-sent")

    user = User.objects.get(email="sari@example.com")
    assert user.preferred_language == "id"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    shot(page, artifacts_dir, "3-confirm")
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_have_text("Sari")  # logged in on confirmation
    shot(page, artifacts_dir, "4-logged-in")

    page.click("footer form.logout button[type=submit]")  # Keluar
    expect(page.get_by_role("link", name="Masuk")).to_be_visible()
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, artifacts_dir, "5-login")
    page.fill("input[name=login]", "sari@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_have_text("Sari")

    page.select_option("#language-select", "en")
    page.click(".language-switcher button")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    shot(page, artifacts_dir, "6-english")
    user.refresh_from_db()
    assert user.preferred_language == "en"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    shot(page, artifacts_dir, "7-logged-out")


def test_signup_errors_are_shown_and_the_form_keeps_what_was_typed(
    page, live_server, artifacts_dir
):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "baru@example.com")
    page.fill("input[name=display_name]", "Orang Baru")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD + "x")
    page.click("form.stack button[type=submit]")
    expect(page.locator(".field.has-error .error")).to_be_visible()
    expect(page.locator("input[name=display_name]")).to_have_value("Orang Baru")
    expect(page.locator("input[name=email]")).to_have_value("baru@example.com")
    shot(page, artifacts_dir, "8-signup-error")
    assert not User.objects.exists()


def test_signup_with_a_taken_email_does_not_reveal_the_account(page, live_server):
    """allauth prevents account enumeration: the owner gets a mail, the page looks the same."""
    User.objects.create_user(email="taken@example.com", password=PASSWORD, display_name="X")
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", "taken@example.com")
    page.fill("input[name=display_name]", "Orang Baru")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert User.objects.count() == 1
    assert mail.outbox[-1].to == ["taken@example.com"]
