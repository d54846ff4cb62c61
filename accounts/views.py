"""Account pages that allauth does not provide: the profile and the language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from accounts import profile as profile_sections
from accounts.forms import ProfileForm
from accounts.models import User


@require_http_methods(["GET", "POST"])
def set_language(request):
    """Switch language; a signed-in fan keeps the choice in their profile too.

    Signed-in users POST (CSRF-protected, it changes their profile). Anonymous visitors
    may GET: it only sets the language cookie, and it keeps their pages free of CSRF
    tokens so that they can be cached.
    """
    if request.method == "GET":
        language = request.GET.get("language", "")
        target = request.GET.get("next", "/")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = redirect(target)
        if language in dict(settings.LANGUAGES) and not request.user.is_authenticated:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return django_set_language(request)


@login_required
def edit_profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:edit_profile")
    return render(request, "accounts/profile_form.html", {"form": form})


def profile(request, pk: int):
    """A fan's public page: display name and devices, never the email address, then what
    other apps add (``accounts.profile``: the forum adds the person's threads)."""
    person = get_object_or_404(User.objects.prefetch_related("devices"), pk=pk, is_active=True)
    sections = profile_sections.sections(request, person)
    return render(request, "accounts/profile.html", {"person": person, "sections": sections})
