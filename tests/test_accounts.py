"""Accounts: signup with verification, email login, roles, profile, language."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import COMMUNITY_MANAGER, ENGINEER, FAN
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Password-2026"


def signup(client, email="siti@example.com", name="Siti", **extra):
    data = {"email": email, "display_name": name, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), {**data, **extra}, HTTP_ACCEPT_LANGUAGE="en")


def test_roles_exist_as_groups_with_permissions():
    manager = Group.objects.get(name=COMMUNITY_MANAGER)
    assert manager.permissions.filter(codename="change_product").exists()
    assert Group.objects.get(name=ENGINEER).permissions.filter(codename="view_product").exists()
    assert Group.objects.filter(name=FAN).exists()


def test_signup_requires_email_verification_then_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="siti@example.com")
    assert user.display_name == "Siti"
    assert user.groups.filter(name=FAN).exists()
    assert user.preferred_language == "en"

    # Not verified yet: logging in sends another mail instead of a session.
    client.logout()
    client.post(reverse("account_login"), {"login": "siti@example.com", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    assert client.get(link.group(1)).status_code == 200
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_with_bad_input_keeps_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "display_name": "Dewi", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="not-an-email"' in html
    assert 'value="Dewi"' in html
    assert 'class="error"' in html
    assert not User.objects.exists()


def test_login_by_email_and_logout(client):
    user = UserFactory(email="andi@example.com")
    response = client.post(
        reverse("account_login"), {"login": "andi@example.com", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="andi@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "andi@example.com", "password": "wrong"})
    # Even the right password is refused until the limit passes, with a clear message.
    response = client.post(
        reverse("account_login"),
        {"login": "andi@example.com", "password": "correct horse battery"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_mail(client):
    UserFactory(email="andi@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "andi@example.com"})
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_change_email_sends_verification(client):
    user = UserFactory(email="andi@example.com")
    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "andi.baru@example.com"}
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["andi.baru@example.com"]


def test_profile_saves_devices_language_and_time_zone(client):
    user = UserFactory()
    phone = ProductFactory(marketing_name="Redmi Note 13 Pro")
    client.force_login(user)
    response = client.post(
        reverse("accounts:edit_profile"),
        {
            "display_name": "  Andi   S ",
            "devices": [phone.pk],
            "preferred_language": "en",
            "time_zone": "Asia/Makassar",
            "email_digest": "",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Andi S"
    assert list(user.devices.all()) == [phone]
    assert (user.preferred_language, user.time_zone, user.email_digest) == (
        "en",
        "Asia/Makassar",
        False,
    )


def test_profile_rejects_unknown_time_zone_and_keeps_input(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:edit_profile"),
        {"display_name": "Budi Baru", "preferred_language": "id", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert 'value="Budi Baru"' in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "Asia/Jakarta"


def test_public_profile_shows_devices_but_never_the_email(client):
    user = UserFactory(email="secret@example.com", display_name="Rahasia")
    user.devices.add(ProductFactory(marketing_name="Poco X6 Pro"))
    html = client.get(reverse("accounts:profile", args=[user.pk])).content.decode()
    assert "Rahasia" in html and "Poco X6 Pro" in html
    assert "secret@example.com" not in html


def test_staff_carry_the_official_badge(client):
    staff = UserFactory(is_staff=True)
    html = client.get(reverse("accounts:profile", args=[staff.pk])).content.decode()
    assert "badge official" in html


def test_language_follows_browser_then_the_switcher(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in html
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Masuk" in html
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert "Log in" in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()


def test_switching_language_signed_in_saves_the_preference(client):
    user = UserFactory(preferred_language="id")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    # The profile wins over the browser from now on.
    assert "Log out" in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()


def test_unknown_language_is_ignored(client):
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
