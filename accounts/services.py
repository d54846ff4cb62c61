"""Writes on accounts that are not part of allauth's flows."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import COMMUNITY_MANAGER, ENGINEER, FAN

DEMO_PASSWORD = "tanggap-demo"  # noqa: S105 (printed by make run; demo data only)

# (email, display name, role, is_staff, is_superuser)
DEMO_ACCOUNTS = [
    ("admin@tanggap.local", "Admin Tanggap", None, True, True),
    ("manager@tanggap.local", "Rina (Community Manager)", COMMUNITY_MANAGER, True, False),
    ("engineer@tanggap.local", "Budi (Engineering)", ENGINEER, False, False),
    ("fan@tanggap.local", "Andi Fan", FAN, False, False),
]


@transaction.atomic
def create_user(
    email: str,
    password: str,
    display_name: str,
    *,
    role: str | None = FAN,
    is_staff: bool = False,
    is_superuser: bool = False,
    verified: bool = True,
) -> User:
    """Create a user with a (by default verified) primary email and a role group."""
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def ensure_demo_accounts() -> list[tuple[str, str, bool]]:
    """Create the demo logins that do not exist yet; returns (role, email, created)."""
    rows = []
    for email, name, role, is_staff, is_superuser in DEMO_ACCOUNTS:
        exists = User.objects.filter(email=email).exists()
        if not exists:
            create_user(
                email, DEMO_PASSWORD, name, role=role, is_staff=is_staff, is_superuser=is_superuser
            )
        rows.append((role or "admin", email, not exists))
    return rows


def stop_mail(user: User) -> None:
    """Stop every mail a fan gets about threads: status changes, replies, the digest."""
    User.objects.filter(pk=user.pk).update(
        email_status=False, email_replies=False, email_digest=False
    )
