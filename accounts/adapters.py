"""django-allauth hooks: every new account is a fan, in the language it signed up in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import Group
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
