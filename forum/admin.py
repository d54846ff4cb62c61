"""The forum in the admin: catalog, and moderation for community managers.

Moderation changes (hide, restore, lock, move, suspend, resolve flags, status) are
admin actions that ask for a reason on an intermediate page (``config.admin_actions``)
and go through forum.services, which writes the ModerationAction log. The fields they
change are read-only in the change forms so that nothing bypasses the log.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin_actions import ReadOnlyAdmin, ReasonForm, asks
from forum import services
from forum.models import (
    Flag,
    ModerationAction,
    Post,
    Product,
    Screenshot,
    Status,
    Thread,
)


class MoveForm(ReasonForm):
    product = forms.ModelChoiceField(label=_("Move to product"), queryset=Product.objects.all())
    field_order = ["product", "reason"]


class SuspendForm(ReasonForm):
    days = forms.IntegerField(
        label=_("Suspend for how many days (0 lifts a suspension)"),
        min_value=0,
        max_value=3650,
        initial=7,
    )
    field_order = ["days", "reason"]


class StatusForm(ReasonForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    fixed_in = forms.CharField(label=_("Fixed in version"), max_length=80, required=False)
    field_order = ["status", "fixed_in", "reason"]


def _suspend_authors(moderator, obj, data) -> None:
    """Suspend whoever wrote a thread or reply (or, for a flag, what it flags)."""
    target = (obj.post or obj.thread) if isinstance(obj, Flag) else obj
    if target.author_id:
        services.suspend_user(
            moderator=moderator, user=target.author, days=data["days"], reason=data["reason"]
        )


def _hide_and_resolve(moderator, flag: Flag, data) -> None:
    reason = data["reason"]
    services.set_hidden(moderator=moderator, item=flag.post or flag.thread, hidden=True,
                        reason=reason)  # fmt: skip
    services.close_flag(moderator=moderator, flag=flag, resolved=True, reason=reason)


class SuspendAuthorsMixin:
    """Who may suspend the authors of what they moderate: those who may change users."""

    def has_suspend_authors_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_user")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["marketing_name", "brand", "series", "model", "release_year"]
    list_filter = ["brand", "release_year"]
    search_fields = ["marketing_name", "brand", "series", "model", "aliases"]
    prepopulated_fields = {"slug": ["marketing_name"]}


class ModerationMixin(SuspendAuthorsMixin):
    """Admin actions shared by threads and replies."""

    hide = asks(
        _("Hide (asks for a reason)"), title=_("Hide from fans"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, obj, data: services.set_hidden(
            moderator=mod, item=obj, hidden=True, reason=data["reason"]),
    )  # fmt: skip
    restore = asks(
        _("Restore hidden (asks for a reason)"), title=_("Restore"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, obj, data: services.set_hidden(
            moderator=mod, item=obj, hidden=False, reason=data["reason"]),
    )  # fmt: skip
    suspend_authors = asks(
        _("Suspend the authors (asks for days and a reason)"), title=_("Suspend"),
        form_class=SuspendForm, permissions=["suspend_authors"], apply_one=_suspend_authors,
    )  # fmt: skip


@admin.register(Thread)
class ThreadAdmin(ModerationMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "product",
        "kind",
        "status",
        "author",
        "reply_count",
        "me_too_count",
        "locked",
        "is_hidden",
        "is_deleted",
        "created_at",
    ]
    list_filter = ["kind", "status", "locked", "is_hidden", "is_deleted", "product__brand"]
    list_select_related = ["product", "author"]
    search_fields = ["title", "external_id"]
    show_full_result_count = False  # no COUNT(*) over 100,000 threads on every page
    date_hierarchy = "created_at"
    # Who wrote a post is a record, not something a moderator edits (that would let them
    # put words in a fan's mouth).
    readonly_fields = [
        "author",
        "product",
        "status",
        "fixed_in",
        "locked",
        "is_hidden",
        "is_deleted",
        "pinned_post",
        "reply_count",
        "me_too_count",
        "last_activity_at",
        "created_at",
        "edited_at",
        "external_id",
        "source_url",
    ]
    fields = ["title", "body", "firmware", "kind", *readonly_fields]
    actions = [
        "hide",
        "restore",
        "lock",
        "unlock",
        "move",
        "change_status",
        "unpin",
        "suspend_authors",
    ]

    def has_add_permission(self, request):
        return False  # threads are opened on the forum (services.create_thread)

    def save_model(self, request, obj, form, change):
        """A correction goes through the forum's edit service: HTML, search terms and
        "edited" are stored, and triage reads the thread again."""
        data = form.cleaned_data
        services.correct_thread(
            moderator=request.user, thread=obj, title=data["title"], body=data["body"],
            firmware=data["firmware"], kind=data["kind"],
        )  # fmt: skip

    lock = asks(
        _("Lock (asks for a reason)"), title=_("Lock threads"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, obj, data: services.set_locked(
            moderator=mod, thread=obj, locked=True, reason=data["reason"]),
    )  # fmt: skip
    unlock = asks(
        _("Unlock (asks for a reason)"), title=_("Unlock threads"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, obj, data: services.set_locked(
            moderator=mod, thread=obj, locked=False, reason=data["reason"]),
    )  # fmt: skip
    move = asks(
        _("Move to another product"), title=_("Move threads"), form_class=MoveForm,
        permissions=["change"],
        apply_one=lambda mod, obj, data: services.move_thread(
            moderator=mod, thread=obj, product=data["product"], reason=data["reason"]),
    )  # fmt: skip
    change_status = asks(
        _("Change status (notifies followers)"), title=_("Change status"),
        form_class=StatusForm, permissions=["change"],
        apply_one=lambda mod, obj, data: services.set_thread_status(
            thread=obj, status=data["status"], fixed_in=data["fixed_in"], actor=mod,
            reason=data["reason"]),
    )  # fmt: skip
    unpin = asks(
        _("Unpin the answer"), title=_("Unpin the answer"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, obj, data: services.pin_answer(
            moderator=mod, thread=obj, post=None, reason=data["reason"]),
    )  # fmt: skip


@admin.register(Post)
class PostAdmin(ModerationMixin, admin.ModelAdmin):
    list_display = ["__str__", "thread", "author", "is_official", "is_hidden", "is_deleted"]
    list_filter = ["is_official", "is_hidden", "is_deleted"]
    list_select_related = ["thread", "author"]
    search_fields = ["external_id"]
    show_full_result_count = False
    raw_id_fields = ["thread"]
    readonly_fields = [
        "author",
        "thread",
        "is_official",
        "is_hidden",
        "is_deleted",
        "created_at",
        "edited_at",
        "external_id",
        "source_url",
    ]
    fields = ["body", "firmware", *readonly_fields]
    actions = ["hide", "restore", "pin", "suspend_authors"]

    def has_add_permission(self, request):
        return False  # replies are posted on the forum (services.create_post)

    def save_model(self, request, obj, form, change):
        """A correction goes through the forum's edit service (HTML, mentions, search
        terms and "edited" stored as for the author's own edit)."""
        data = form.cleaned_data
        services.correct_post(
            moderator=request.user, post=obj, body=data["body"], firmware=data["firmware"]
        )

    pin = asks(
        _("Pin as the thread's answer (official replies)"), title=_("Pin as the answer"),
        form_class=ReasonForm, permissions=["pin"],
        apply_one=lambda mod, obj, data: services.pin_answer(
            moderator=mod, thread=obj.thread, post=obj, reason=data["reason"]),
    )  # fmt: skip

    def has_pin_permission(self, request):
        return request.user.has_perm("forum.change_thread")


@admin.register(Flag)
class FlagAdmin(SuspendAuthorsMixin, admin.ModelAdmin):
    list_display = ["__str__", "reason", "status", "thread", "post", "reporter", "created_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["thread", "post", "reporter"]
    readonly_fields = [
        "reporter",
        "thread",
        "post",
        "reason",
        "detail",
        "status",
        "created_at",
        "resolved_by",
        "resolved_at",
    ]
    actions = ["hide_and_resolve", "resolve", "dismiss", "suspend_authors"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("thread__search_vector", "post__search_vector")
            .order_by("status", "-created_at")
        )

    hide_and_resolve = asks(
        _("Hide the flagged post and resolve"), title=_("Hide and resolve"),
        form_class=ReasonForm, permissions=["change"], apply_one=_hide_and_resolve,
    )  # fmt: skip
    resolve = asks(
        _("Resolve (action taken)"), title=_("Resolve flags"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, flag, data: services.close_flag(
            moderator=mod, flag=flag, resolved=True, reason=data["reason"]),
    )  # fmt: skip
    dismiss = asks(
        _("Dismiss (nothing wrong)"), title=_("Dismiss flags"), form_class=ReasonForm,
        permissions=["change"],
        apply_one=lambda mod, flag, data: services.close_flag(
            moderator=mod, flag=flag, resolved=False, reason=data["reason"]),
    )  # fmt: skip
    suspend_authors = asks(
        _("Suspend the flagged post's author"), title=_("Suspend"), form_class=SuspendForm,
        permissions=["suspend_authors"], apply_one=_suspend_authors,
    )  # fmt: skip


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The log: read-only, for everyone with the view permission."""

    list_display = ["created_at", "moderator", "action", "thread", "post", "target_user", "reason"]
    list_filter = ["action"]
    list_select_related = ["moderator", "thread", "post", "target_user"]
    search_fields = ["reason"]
    date_hierarchy = "created_at"


@admin.register(Screenshot)
class ScreenshotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "thread", "post", "width", "height", "created_at"]
    list_select_related = ["thread", "post"]
    raw_id_fields = ["thread", "post"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("original")
