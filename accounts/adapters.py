"""django-allauth hooks: every new account is a fan, in the language it signed up in;
the client's address (for login and signup rate limits) comes through the trusted proxy."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from accounts.roles import FAN


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.preferred_language = language if language in dict(settings.LANGUAGES) else ""
        if commit:
            user.save()
            user.groups.add(Group.objects.get_or_create(name=FAN)[0])
        return user

    def get_client_ip(self, request) -> str:
        """The visitor's address as the trusted proxy saw it (TRUSTED_PROXY_COUNT or
        TRUSTED_CLIENT_IP_HEADER); the connection's own address without a proxy."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than trusted proxies: the request did not
            # come through them, so its header is the client's word. Count the socket.
            return request.META["REMOTE_ADDR"]
