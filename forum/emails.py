"""Mail to fans: a problem's status changed, a reply in their own thread. Each mail is in
the reader's language and carries one-click unsubscribe links, for that thread and for
all such mail, in its text and in the List-Unsubscribe headers (RFC 2369 and RFC 8058)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

SITE_NAME = "Tanggap"
_SALT = "forum.unsubscribe"


def site_url() -> str:
    """The public origin for links in mail (mail has no request to build them from)."""
    origins = settings.CSRF_TRUSTED_ORIGINS or [
        f"https://{host}" for host in settings.ALLOWED_HOSTS if host not in {"*", ""}
    ]
    return (origins[0] if origins else "http://127.0.0.1:8000").rstrip("/")


def unsubscribe_token(user_id: int, thread_id: int | None = None) -> str:
    """A signed token that lets its holder stop mail to this user, about one thread or
    (``thread_id`` None) all status and reply mail. It grants nothing else."""
    return signing.dumps([user_id, thread_id or 0], salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int | None]:
    """``(user id, thread id or None)``; raises ``signing.BadSignature`` when forged."""
    user_id, thread_id = signing.loads(token, salt=_SALT)
    return int(user_id), int(thread_id) or None


def message(user, thread, template: str, context: dict) -> EmailMessage:
    """A mail to ``user`` about ``thread`` from ``forum/email/<template>_subject.txt``
    and ``<template>.txt``, in the user's language, with unsubscribe links."""
    site = site_url()
    one = site + reverse("forum:unsubscribe", args=[unsubscribe_token(user.pk, thread.pk)])
    every = site + reverse("forum:unsubscribe", args=[unsubscribe_token(user.pk)])
    context = {
        **context,
        "user": user,
        "thread": thread,
        "site": site,
        "site_name": SITE_NAME,
        "unsubscribe_thread": one,
        "unsubscribe_all": every,
    }
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"forum/email/{template}_subject.txt", context).split())
        body = render_to_string(f"forum/email/{template}.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{one}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
