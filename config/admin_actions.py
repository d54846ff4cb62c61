"""The admin's toolkit, shared by every app's admin: actions that ask for a reason (or
anything else) on an intermediate page before they write, the forms they ask with, and
read-only model admins for logs.

An action calls ``ask``: the first POST (from the change list, or from a page that posts
``next``) shows the form for the selected rows; the second applies it through a service
and tells the manager what happened, then goes back where they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# ``apply(request, queryset, cleaned_data)`` writes as ``request.user`` and returns the
# sentence that tells the manager what happened; a ValidationError refuses the whole
# action with its message.
Apply = Callable[[HttpRequest, QuerySet, dict], str]


class ReasonForm(forms.Form):
    """A reason, required: it goes into the log beside who did what and when."""

    reason = forms.CharField(
        label=_("Reason (for the log)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class NoteForm(forms.Form):
    """A note for the log, if the manager wants to leave one."""

    note = forms.CharField(
        label=_("Note (for the audit log)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log in the admin: readable by whoever may view it, changed by nobody."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def ask(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    form_class: type[forms.Form],
    apply: Apply,
    form_kwargs: dict | None = None,
    template: str = "admin/action_form.html",
    context: dict | None = None,
) -> HttpResponse | None:
    """Show ``form_class`` for the selected rows; once it is valid, ``apply`` it and say
    what happened. Returns the page to show, or None for the admin's change list."""
    submitted = "apply" in request.POST
    form = form_class(request.POST if submitted else None, **(form_kwargs or {}))
    if submitted and form.is_valid():
        try:
            said = apply(request, queryset, form.cleaned_data)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            modeladmin.message_user(request, said, messages.SUCCESS)
        return back(modeladmin, request)
    page = action_context(modeladmin, request, queryset, title=title, form=form)
    return TemplateResponse(request, template, {**page, **(context or {})})


def asks(
    description: str,
    *,
    title: str,
    form_class: type[forms.Form],
    apply_one: Callable[[Any, Any, dict], object],
    permissions: list[str] | None = None,
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]:
    """An admin action (``description`` in the action menu) that asks ``form_class`` and
    then applies ``apply_one(user, row, cleaned_data)`` to each selected row; declared
    in a ModelAdmin as ``lock = asks(...)`` and named in its ``actions``."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        return ask(
            modeladmin, request, queryset, title=title, form_class=form_class,
            apply=one_by_one(apply_one),
        )  # fmt: skip

    return admin.action(description=description, permissions=permissions)(action)


def one_by_one(apply_one: Callable[[Any, Any, dict], object]) -> Apply:
    """An ``apply`` that applies ``apply_one(user, row, cleaned_data)`` to each selected
    row: a row it refuses (ValidationError) is named in an error with the reason, the
    others are done, and the sentence counts them."""

    def apply(request: HttpRequest, queryset: QuerySet, data: dict) -> str:
        done = 0
        for row in queryset:
            try:
                apply_one(request.user, row, data)
            except ValidationError as error:
                messages.error(request, f"{row}: {error.messages[0]}")
            else:
                done += 1
        return ngettext("%(n)d item done.", "%(n)d items done.", done) % {"n": done}

    return apply


def action_context(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, **extra: Any
) -> dict:
    """What every intermediate page of an action needs: the selection, and the way back."""
    target = request.POST.get("next", "")
    changelist = _changelist(modeladmin)
    return {
        **modeladmin.admin_site.each_context(request),
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "next": target,
        "cancel_url": target if _safe_next(modeladmin, target) else changelist,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        **extra,
    }


def back(modeladmin: admin.ModelAdmin, request: HttpRequest) -> HttpResponseRedirect | None:
    """Back to the page the action came from (``next``, one of this model's admin pages),
    else None: the admin goes back to the change list."""
    target = request.POST.get("next", "")
    return HttpResponseRedirect(target) if _safe_next(modeladmin, target) else None


def _changelist(modeladmin: admin.ModelAdmin) -> str:
    opts = modeladmin.model._meta
    return reverse(f"{modeladmin.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")


def _safe_next(modeladmin: admin.ModelAdmin, target: str) -> bool:
    return target.startswith(_changelist(modeladmin)) and "//" not in target
