"""Nobody but a superuser gains or hands out privileges.

A community manager may suspend or deactivate a fan and correct a display name; every
other way to raise an account (admin change form, the password view, adding users,
groups, permissions, email addresses, API tokens, the profile page, the API) is tried
here as a manager and as an engineer, and each must be refused with nothing changed.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import COMMUNITY_MANAGER, ENGINEER, FAN, sync_role_permissions
from forum import services
from tests.api.conftest import token_client
from tests.factories import EngineerFactory, ManagerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

ESCALATION = {
    "is_superuser": "on",
    "is_staff": "on",
    "is_active": "on",
    "email": "attacker@example.com",
}


@pytest.fixture
def people():
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True, role=FAN)
    return {
        "admin": admin,
        "manager": ManagerFactory(email="cm@example.com"),
        "other_manager": ManagerFactory(email="cm2@example.com"),
        "engineer": EngineerFactory(email="eng@example.com"),
        "fan": UserFactory(email="fan@example.com"),
    }


def snapshot() -> dict:
    """Everything that decides what an account may do, for every account and group."""
    users = {
        u.pk: (
            u.email,
            u.is_superuser,
            u.is_staff,
            u.password,
            sorted(u.groups.values_list("pk", flat=True)),
            sorted(u.user_permissions.values_list("pk", flat=True)),
        )
        for u in User.objects.all()
    }
    groups = {
        g.name: sorted(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()
    }
    emails = sorted(EmailAddress.objects.values_list("user_id", "email", "verified", "primary"))
    tokens = sorted(Token.objects.values_list("user_id", flat=True))
    return {"users": users, "groups": groups, "emails": emails, "tokens": tokens}


def escalation_form(target: User) -> dict:
    everything = [str(p) for p in Permission.objects.values_list("pk", flat=True)]
    return {
        **ESCALATION,
        "display_name": target.display_name,
        "groups": [str(g) for g in Group.objects.values_list("pk", flat=True)],
        "user_permissions": everything,
        "time_zone": "Asia/Jakarta",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }


def admin_attempts(people) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every admin route that could raise an account."""
    me, admin, fan = people["manager"], people["admin"], people["fan"]
    manager_group = Group.objects.get(name=COMMUNITY_MANAGER)
    all_perms = [str(p) for p in Permission.objects.values_list("pk", flat=True)]
    attempts = []
    for target in (me, admin, people["other_manager"], people["engineer"], fan):
        change = reverse("admin:accounts_user_change", args=[target.pk])
        password = reverse("admin:auth_user_password_change", args=[target.pk])
        attempts += [
            ("post", change, escalation_form(target)),
            ("get", password, {}),
            ("post", password, {"password1": "Hijacked-2026!", "password2": "Hijacked-2026!",
                                "usable_password": "true"}),
        ]  # fmt: skip
    add_user = {"email": "new@example.com", "display_name": "New", "password1": "Sup3r-Secret!",
                "password2": "Sup3r-Secret!", "usable_password": "true", **ESCALATION}  # fmt: skip
    attempts += [
        ("get", reverse("admin:accounts_user_add"), {}),
        ("post", reverse("admin:accounts_user_add"), add_user),
        ("post", reverse("admin:accounts_user_delete", args=[admin.pk]), {"post": "yes"}),
        (
            "post",
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(admin.pk)], "post": "yes"},
        ),
        ("get", reverse("admin:auth_group_changelist"), {}),
        ("post", reverse("admin:auth_group_add"), {"name": "root", "permissions": all_perms}),
        (
            "post",
            reverse("admin:auth_group_change", args=[manager_group.pk]),
            {"name": COMMUNITY_MANAGER, "permissions": all_perms},
        ),
        ("get", "/admin/auth/permission/", {}),
        (
            "post",
            reverse("admin:account_emailaddress_add"),
            {
                "user": str(admin.pk),
                "email": "attacker@example.com",
                "verified": "on",
                "primary": "on",
            },
        ),  # fmt: skip
        ("post", reverse("admin:authtoken_tokenproxy_add"), {"user": str(admin.pk)}),
    ]
    return attempts


def test_a_manager_cannot_raise_any_account_through_the_admin(client, people):
    client.force_login(people["manager"])
    before = snapshot()
    for method, url, data in admin_attempts(people):
        response = getattr(client, method)(url, data)
        # Refused (403), unknown (404), or a fan's form saved without the privileges.
        assert response.status_code in {200, 302, 403, 404}, (url, response.status_code)
        if "/password/" in url or "/add/" in url or "/auth/" in url or "/delete/" in url:
            assert response.status_code in {403, 404}, (method, url, response.status_code)
    assert snapshot() == before


def test_an_engineer_cannot_reach_the_admin_at_all(client, people):
    client.force_login(people["engineer"])
    before = snapshot()
    for method, url, data in admin_attempts(people):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login/" in response.url, url
    assert snapshot() == before


@pytest.mark.parametrize("role", ["manager", "engineer", "fan"])
def test_no_api_route_or_account_page_changes_privileges(client, people, role):
    user = people[role]
    api = token_client(user)
    cluster_routes = ["/api/v1/products/", "/api/v1/clusters/", "/api/v1/clusters/1/",
                      "/api/v1/clusters/1/threads/"]  # fmt: skip
    before = snapshot()
    for url in cluster_routes:
        for method in ("post", "put", "patch"):
            body = {**ESCALATION, "groups": [1, 2, 3], "user": people["admin"].pk}
            assert getattr(api, method)(url, body, format="json").status_code < 500
    client.force_login(user)
    profile = {**escalation_form(user), "preferred_language": "id"}
    client.post(reverse("accounts:edit_profile"), profile)
    after = snapshot()
    # The profile form may save the display name and preferences, nothing else.
    assert after == before


def test_a_manager_may_suspend_and_rename_a_fan_and_nothing_more(client, people):
    fan = people["fan"]
    client.force_login(people["manager"])
    form = {
        **escalation_form(fan),
        "display_name": "Nama yang sopan",
        "suspended_until_0": "2030-01-01",
        "suspended_until_1": "00:00:00",
    }
    before = snapshot()
    response = client.post(reverse("admin:accounts_user_change", args=[fan.pk]), form)
    assert response.status_code == 302
    fan.refresh_from_db()
    assert fan.display_name == "Nama yang sopan" and fan.is_suspended and fan.is_active
    assert snapshot() == before  # email, staff, superuser, groups, permissions, password

    form["is_active"] = ""  # unticked: deactivate
    client.post(reverse("admin:accounts_user_change", args=[fan.pk]), form)
    fan.refresh_from_db()
    assert not fan.is_active


def test_a_manager_sees_staff_accounts_read_only(client, people):
    client.force_login(people["manager"])
    page = client.get(reverse("admin:accounts_user_change", args=[people["admin"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="display_name"' not in html
    fan_page = client.get(reverse("admin:accounts_user_change", args=[people["fan"].pk]))
    fan_html = fan_page.content.decode()
    assert 'name="display_name"' in fan_html and 'name="suspended_until_0"' in fan_html
    for privilege in ("is_superuser", "is_staff", "groups", "user_permissions", "email"):
        assert f'name="{privilege}"' not in fan_html
    assert "/password/" not in fan_html


def test_a_manager_cannot_suspend_another_staff_account(client, people, product):
    thread = services.create_thread(
        author=people["other_manager"], title="Info resmi", body="Pengumuman", product=product
    )
    client.force_login(people["manager"])
    url = reverse("admin:forum_thread_changelist")
    data = {"action": "suspend_authors", ACTION_CHECKBOX_NAME: [str(thread.pk)]}
    client.post(url, {**data, "apply": "1", "days": 7, "reason": "balas dendam"})
    people["other_manager"].refresh_from_db()
    assert not people["other_manager"].is_suspended


def test_a_superuser_still_manages_privileges(client, people):
    fan = people["fan"]
    client.force_login(people["admin"])
    form = {**escalation_form(fan), "email": fan.email, "is_superuser": "", "user_permissions": []}
    form["groups"] = [str(Group.objects.get(name=ENGINEER).pk)]
    assert (
        client.post(reverse("admin:accounts_user_change", args=[fan.pk]), form).status_code == 302
    )
    fan.refresh_from_db()
    assert fan.is_staff and not fan.is_superuser
    assert list(fan.groups.values_list("name", flat=True)) == [ENGINEER]
    password = reverse("admin:auth_user_password_change", args=[fan.pk])
    new = {"password1": "Reset-by-admin-2026", "password2": "Reset-by-admin-2026",
           "usable_password": "true"}  # fmt: skip
    assert client.post(password, new).status_code == 302
    fan.refresh_from_db()
    assert fan.check_password("Reset-by-admin-2026")


def test_role_sync_is_exact_so_a_removed_grant_is_revoked():
    manager_group = Group.objects.get(name=COMMUNITY_MANAGER)
    stray = Permission.objects.get(codename="change_group")
    manager_group.permissions.add(stray)
    sync_role_permissions()
    assert not manager_group.permissions.filter(pk=stray.pk).exists()
    granted = set(manager_group.permissions.values_list("content_type__app_label", "codename"))
    assert ("accounts", "change_user") in granted
    assert not {c for _, c in granted} & {"add_user", "delete_user", "change_group",
                                          "change_permission", "add_moderationaction"}  # fmt: skip


@pytest.fixture
def product(db):
    return ProductFactory()
