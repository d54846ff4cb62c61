"""Triage in the admin: the community managers' console.

The queue of clusters ranked by heat (filters, search), a cluster page with charts,
members, merges and the audit trail, and the actions managers take (confirm, merge,
move, severity, status, forward, fixed in, one official reply to every thread). Figures
are computed by the pipeline and shown read-only; every change goes through
``triage.services`` so it lands in the audit log, and every action checks its
permission (the community manager group has them, see ``accounts.roles``).
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from triage import forms, selectors, services
from triage.engine.spread import HEAT_FORMULA
from triage.models import (
    Alert,
    Cluster,
    ClusterStatus,
    MergeRecord,
    ReplyTemplate,
    ThreadTriage,
    TriageEvent,
)
from triage.services import ESCALATING


class EscalatingFilter(admin.SimpleListFilter):
    title = _("escalating")
    parameter_name = "escalating"

    def lookups(self, request, model_admin):
        return [("yes", _("Angry or going public"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(escalation__gte=ESCALATING)
        return queryset


class AlertingFilter(admin.SimpleListFilter):
    title = _("alerting")
    parameter_name = "alerting"

    def lookups(self, request, model_admin):
        return [("yes", _("Has an open alert"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                Exists(Alert.objects.filter(cluster=OuterRef("pk"), closed_at=None))
            )
        return queryset


class AgeFilter(admin.SimpleListFilter):
    """How long ago the cluster's first report came in."""

    title = _("age")
    parameter_name = "age"
    SPANS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}

    def lookups(self, request, model_admin):
        return [
            ("24h", _("Last 24 hours")),
            ("7d", _("Last 7 days")),
            ("30d", _("Last 30 days")),
            ("older", _("Older")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() in self.SPANS:
            return queryset.filter(first_seen__gte=now - self.SPANS[self.value()])
        if self.value() == "older":
            return queryset.filter(first_seen__lt=now - self.SPANS["30d"])
        return queryset


def _ask(modeladmin, request, queryset, *, title, form_class, apply, form_kwargs=None):
    """Show ``form_class`` for the selected clusters; on submit, ``apply`` it.

    ``apply(user, queryset, cleaned_data)`` returns how many clusters it changed. From a
    cluster page (``next`` posted) the manager goes back there, otherwise to the queue.
    """
    form_kwargs = form_kwargs or {}
    submitted = "apply" in request.POST
    form = form_class(request.POST if submitted else None, **form_kwargs)
    if submitted and form.is_valid():
        try:
            done = apply(request.user, queryset, form.cleaned_data)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                ngettext("%(n)d cluster done.", "%(n)d clusters done.", done) % {"n": done},
                messages.SUCCESS,
            )
        return _back(request)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "next": request.POST.get("next", ""),
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/triage/cluster/action_form.html", context)


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/admin/triage/cluster/") and "//" not in target:
        return HttpResponseRedirect(target)
    return None  # the admin goes back to the queue


def _each(queryset, action) -> int:
    done = 0
    for cluster in queryset:
        if action(cluster) is not False:
            done += 1
    return done


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "product",
        "severity",
        "status",
        "heat",
        "threads",
        "reporters",
        "me_too",
        "reports_24h",
        "growth",
        "alerting",
        "escalating",
        "first_seen",
        "last_seen",
    ]
    list_filter = [
        ("product", admin.RelatedOnlyFieldListFilter),
        "severity",
        "status",
        AlertingFilter,
        AgeFilter,
        EscalatingFilter,
        "kind",
    ]
    search_fields = ["label", "top_terms"]
    ordering = ["-heat"]
    list_select_related = ["product"]
    list_per_page = 50
    readonly_fields = [
        "key",
        "product",
        "kind",
        "label",
        "top_terms",
        "severity",
        "severity_source",
        "severity_reason",
        "severity_by",
        "status",
        "fixed_in",
        "ticket_url",
        "merged_into",
        "heat_explained",
        "escalation",
        "escalation_reasons",
        "threads",
        "reporters",
        "me_too",
        "replies",
        "reports_24h",
        "reports_prev_24h",
        "reports_per_hour",
        "growth",
        "per_100k_devices",
        "firmware",
        "products",
        "daily",
        "first_seen",
        "last_seen",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["label", "product", "kind", "top_terms", "status", "fixed_in",
                           "ticket_url", "merged_into"]}),
        (_("Severity"), {"fields": ["severity", "severity_source", "severity_by",
                                    "severity_reason"]}),
        (_("Spread"), {"fields": ["heat_explained", "threads", "reporters", "me_too", "replies",
                                  "reports_24h", "reports_prev_24h", "reports_per_hour",
                                  "growth", "per_100k_devices", "products", "escalation",
                                  "escalation_reasons", "first_seen", "last_seen"]}),
        (None, {"fields": ["key", "created_at", "updated_at"]}),
    ]  # fmt: skip
    change_form_template = "admin/triage/cluster/change_form.html"
    actions = [
        "confirm",
        "merge",
        "set_severity",
        "set_status",
        "forward",
        "mark_fixed",
        "post_reply",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("product", "severity_by", "merged_into")
            .annotate(
                has_alert=Exists(Alert.objects.filter(cluster=OuterRef("pk"), closed_at=None))
            )
        )

    @admin.display(boolean=True, description=_("alerting"), ordering="has_alert")
    def alerting(self, cluster):
        return cluster.has_alert

    @admin.display(boolean=True, description=_("escalating"), ordering="escalation")
    def escalating(self, cluster):
        return cluster.escalation >= ESCALATING

    @admin.display(description=_("heat"))
    def heat_explained(self, cluster):
        return format_html("<strong>{}</strong><p class='help'>{}</p>", cluster.heat, HEAT_FORMULA)

    def has_add_permission(self, request):
        return False  # clusters come from the pipeline

    def has_delete_permission(self, request, obj=None):
        return False  # merges keep history; nothing is deleted

    # --- permissions of the console's actions (the community manager group has them)

    def has_merge_permission(self, request, obj=None):
        return request.user.has_perms(["triage.change_cluster", "triage.add_mergerecord"])

    def has_unmerge_permission(self, request, obj=None):
        return request.user.has_perms(["triage.change_cluster", "triage.change_mergerecord"])

    def has_move_permission(self, request, obj=None):
        return request.user.has_perms(["triage.change_cluster", "triage.change_threadtriage"])

    def has_forward_permission(self, request, obj=None):
        return request.user.has_perms(["triage.change_cluster", "triage.add_forward"])

    def has_reply_permission(self, request, obj=None):
        return request.user.is_staff and request.user.has_perms(
            ["triage.change_cluster", "triage.view_replytemplate"]
        )

    # --- actions, single (from the cluster page) and bulk (from the queue)

    @admin.action(description=_("Confirm"), permissions=["change"])
    def confirm(self, request, queryset):
        done = _each(queryset, lambda c: services.confirm_cluster(c, actor=request.user))
        self.message_user(
            request,
            ngettext("%(n)d cluster confirmed.", "%(n)d clusters confirmed.", done) % {"n": done},
            messages.SUCCESS,
        )
        return _back(request)

    @admin.action(description=_("Merge the selected clusters (asks which to keep)"),
                  permissions=["merge"])  # fmt: skip
    def merge(self, request, queryset):
        def apply(user, qs, data):
            kept = data["kept"]
            for other in qs.exclude(pk=kept.pk):
                services.merge_clusters(kept, other, actor=user, note=data["note"])
            return qs.count()

        return _ask(
            self, request, queryset, title=_("Merge clusters"), form_class=forms.MergeForm,
            apply=apply, form_kwargs={"queryset": queryset.filter(merged_into=None)},
        )  # fmt: skip

    @admin.action(description=_("Set severity (asks for a reason)"), permissions=["change"])
    def set_severity(self, request, queryset):
        return _ask(
            self, request, queryset, title=_("Set severity"), form_class=forms.SeverityForm,
            apply=lambda user, qs, data: _each(qs, lambda c: services.set_severity(
                c, data["level"], actor=user, reason=data["note"])),
        )  # fmt: skip

    @admin.action(description=_("Set status (asks for a reason)"), permissions=["change"])
    def set_status(self, request, queryset):
        return _ask(
            self, request, queryset, title=_("Set status"), form_class=forms.StatusForm,
            apply=lambda user, qs, data: _each(qs, lambda c: services.set_status(
                c, data["status"], actor=user, fixed_in=data["fixed_in"] or None,
                note=data["note"])),
        )  # fmt: skip

    @admin.action(description=_("Forward to engineering"), permissions=["forward"])
    def forward(self, request, queryset):
        return _ask(
            self, request, queryset, title=_("Forward to engineering"),
            form_class=forms.ForwardForm,
            apply=lambda user, qs, data: _each(qs, lambda c: services.forward_cluster(
                c, actor=user, note=data["note"], ticket_url=data["ticket_url"])),
        )  # fmt: skip

    @admin.action(description=_("Mark fixed in a version"), permissions=["change"])
    def mark_fixed(self, request, queryset):
        return _ask(
            self, request, queryset, title=_("Mark fixed"), form_class=forms.FixedForm,
            apply=lambda user, qs, data: _each(qs, lambda c: services.set_status(
                c, ClusterStatus.FIXED, actor=user, fixed_in=data["fixed_in"],
                note=data["note"])),
        )  # fmt: skip

    @admin.action(description=_("Post an official reply to every thread"),
                  permissions=["reply"])  # fmt: skip
    def post_reply(self, request, queryset):
        def apply(user, qs, data):
            threads = sum(services.post_official_reply(c, data["template"], actor=user) for c in qs)
            self.message_user(
                request,
                ngettext("Answered %(n)d thread.", "Answered %(n)d threads.", threads)
                % {"n": threads},
                messages.SUCCESS,
            )
            return qs.count()

        return _ask(
            self, request, queryset, title=_("Post an official reply"),
            form_class=forms.ReplyForm, apply=apply,
        )  # fmt: skip

    # --- the cluster page and its own forms

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/move/", view(self.move_view), name="triage_cluster_move"),
            path("merge/<int:pk>/undo/", view(self.unmerge_view), name="triage_cluster_unmerge"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        cluster = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if cluster is not None and self.has_view_permission(request, cluster):
            extra.update(selectors.cluster_console(cluster, page=request.GET.get("p", 1)))
            extra.update(
                cluster_obj=cluster,
                reply_templates=list(
                    ReplyTemplate.objects.filter(is_active=True).only("id", "name")
                ),
                can_change=self.has_change_permission(request, cluster),
                can_merge=self.has_merge_permission(request),
                can_unmerge=self.has_unmerge_permission(request),
                can_move=self.has_move_permission(request),
                can_forward=self.has_forward_permission(request),
                can_reply=self.has_reply_permission(request),
                statuses=ClusterStatus,
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _cluster_page(self, cluster_id: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:triage_cluster_change", args=[cluster_id]))

    def move_view(self, request, pk: int):
        """Move the ticked member threads to another cluster, or out to a new one."""
        cluster = get_object_or_404(Cluster, pk=pk)
        if not self.has_move_permission(request, cluster):
            raise PermissionDenied
        if request.method != "POST":
            return self._cluster_page(pk)
        member_ids = ThreadTriage.objects.filter(cluster=cluster).values_list(
            "thread_id", flat=True
        )
        form = forms.MoveForm(request.POST, thread_ids=list(member_ids))
        if not form.is_valid():
            for field, errors in form.errors.items():
                self.message_user(request, f"{field}: {' '.join(errors)}", messages.ERROR)
            return self._cluster_page(pk)
        data = form.cleaned_data
        try:
            target = services.move_threads(
                data["threads"], data["target"], actor=request.user, note=data["note"]
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return self._cluster_page(pk)
        self.message_user(
            request,
            ngettext(
                "%(n)d thread moved to cluster #%(to)d.",
                "%(n)d threads moved to cluster #%(to)d.",
                len(data["threads"]),
            )
            % {"n": len(data["threads"]), "to": target.pk},
            messages.SUCCESS,
        )
        return self._cluster_page(pk)

    def unmerge_view(self, request, pk: int):
        """Undo a merge (POST): the threads, votes and followers go back."""
        record = get_object_or_404(MergeRecord, pk=pk)
        if not self.has_unmerge_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            services.unmerge(record, actor=request.user, note=request.POST.get("note", ""))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("The merge is undone."), messages.SUCCESS)
        return self._cluster_page(record.absorbed_id)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "body_id", "body_en"]


@admin.register(MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin):
    list_display = ["merged_at", "absorbed", "kept", "merged_by", "undone_at"]
    list_select_related = ["absorbed", "kept", "merged_by"]
    readonly_fields = ["kept", "absorbed", "thread_ids", "absorbed_status", "merged_by",
                       "merged_at", "undone_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False  # merges are made from the cluster queue

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["message", "kind", "cluster", "product", "opened_at", "mailed_at", "closed_at"]
    list_filter = ["kind", ("closed_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["kind", "cluster", "product", "message", "data", "opened_at", "mailed_at",
                       "closed_at", "closed_by"]  # fmt: skip
    actions = ["close"]

    @admin.action(description=_("Close the selected alerts"), permissions=["change"])
    def close(self, request, queryset):
        queryset.filter(closed_at=None).update(closed_at=timezone.now(), closed_by=request.user)

    def has_add_permission(self, request):
        return False


@admin.register(TriageEvent)
class TriageEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "cluster", "thread", "actor", "note"]
    list_filter = ["action"]
    list_select_related = ["cluster", "thread", "actor"]
    search_fields = ["note"]
    readonly_fields = ["created_at", "action", "cluster", "thread", "actor", "note", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from triage import admin_webhooks  # noqa: E402, F401 (registers Webhook and WebhookDelivery)
