"""Account pages that allauth does not provide: the profile and the language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import ProfileForm
from accounts.models import User
from forum import selectors as forum_selectors


@require_POST
def set_language(request):
    """Switch language; a signed-in fan keeps the choice in their profile too."""
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
    """A fan's public page: display name and devices, never the email address."""
    person = get_object_or_404(User.objects.prefetch_related("devices"), pk=pk, is_active=True)
    threads = forum_selectors.threads_by(user=person)
    return render(request, "accounts/profile.html", {"person": person, "threads": threads})
