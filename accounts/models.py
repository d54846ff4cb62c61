"""Users of Tanggap: fans, community managers and engineers, who log in by email."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def shown_name(display_name: str, email: str) -> str:
    """The name pages show for a member (``str(user)``), from its two columns: pages that
    read rows as plain values use it without loading the user."""
    return display_name or email.split("@", 1)[0]


class User(AbstractUser):
    """A person with an account. The email is the login; only the display name is public."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=40, help_text=_("Shown next to your posts.")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty means: follow the browser."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_time_zone]
    )
    devices = models.ManyToManyField(
        "forum.Product", blank=True, related_name="owners", verbose_name=_("my devices")
    )
    email_digest = models.BooleanField(
        _("daily email digest"),
        default=True,
        help_text=_("One email a day with what happened in the threads you follow."),
    )
    email_status = models.BooleanField(
        _("email me when a problem I follow changes status"),
        default=True,
        db_default=True,
        help_text=_("For example when it is forwarded to engineering or fixed in an update."),
    )
    email_replies = models.BooleanField(
        _("email me replies to my own threads"), default=False, db_default=False
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return shown_name(self.display_name, self.email)

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)

    @property
    def is_official(self) -> bool:
        """Staff answer for the brand, so their posts carry the "official" badge."""
        return self.is_staff

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()
