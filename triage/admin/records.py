"""The console's records: reply templates, merges (undone from the cluster page),
alerts (closed here, with an audit entry) and the audit log itself."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_actions import ReadOnlyAdmin
from triage import services, wording
from triage.models import Alert, Cluster, MergeRecord, ReplyTemplate, TriageEvent


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "body_id", "body_en"]


@admin.register(MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin):
    list_display = ["merged_at", "absorbed_shown", "kept_shown", "moved", "merged_by",
                    "undone_at"]  # fmt: skip
    list_display_links = ["merged_at"]
    list_select_related = ["absorbed", "kept", "merged_by"]
    readonly_fields = ["absorbed_shown", "kept_shown", "moved", "status_before", "merged_by",
                       "merged_at", "undone_at"]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("merged cluster"), ordering="absorbed")
    def absorbed_shown(self, record: MergeRecord):
        return _cluster_link(record.absorbed)

    @admin.display(description=_("kept cluster"), ordering="kept")
    def kept_shown(self, record: MergeRecord):
        return _cluster_link(record.kept)

    @admin.display(description=_("threads moved"))
    def moved(self, record: MergeRecord) -> int:
        return len(record.thread_ids)

    @admin.display(description=_("status before the merge"))
    def status_before(self, record: MergeRecord) -> str:
        return record.get_absorbed_status_display()

    def has_add_permission(self, request):
        return False  # merges are made from the cluster queue

    def has_delete_permission(self, request, obj=None):
        return False


def _cluster_link(cluster: Cluster | None):
    if cluster is None:
        return "—"
    return format_html(
        '<a href="{}">#{} · {}</a>',
        reverse("admin:triage_cluster_change", args=[cluster.pk]),
        cluster.pk,
        cluster.label,
    )


class OpenFilter(admin.SimpleListFilter):
    title = _("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(closed_at__isnull=self.value() == "yes")
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["what", "kind", "cluster_shown", "product_shown", "opened_at", "closed_at"]
    list_display_links = ["what"]
    list_filter = [OpenFilter, "kind"]
    list_select_related = ["cluster", "cluster__product", "product"]
    readonly_fields = ["what", "kind", "cluster_shown", "product_shown", "opened_at",
                       "mailed_at", "closed_at", "closed_by"]  # fmt: skip
    fields = readonly_fields
    actions = ["close"]

    @admin.display(description=_("what happened"))
    def what(self, alert: Alert) -> str:
        return wording.alert_text(alert)

    @admin.display(description=_("cluster"), ordering="cluster")
    def cluster_shown(self, alert: Alert):
        return _cluster_link(alert.cluster)

    @admin.display(description=_("product"))
    def product_shown(self, alert: Alert) -> str:
        product = alert.product or (alert.cluster.product if alert.cluster_id else None)
        return product.marketing_name if product else "—"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Alerts"), **(extra_context or {})})

    @admin.action(description=_("Close the selected alerts"), permissions=["change"])
    def close(self, request, queryset):
        closed = services.close_alerts(queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("Closed %(n)s alert.", "Closed %(n)s alerts.", closed) % {"n": closed},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False


@admin.register(TriageEvent)
class TriageEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "what", "cluster_shown", "thread_shown", "actor_shown", "note"]
    list_filter = ["action"]
    list_select_related = ["cluster", "thread", "actor"]
    search_fields = ["note"]
    readonly_fields = ["created_at", "action", "what", "cluster_shown", "thread", "actor_shown",
                       "note"]  # fmt: skip
    fields = readonly_fields

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Audit log"), **(extra_context or {})})

    @admin.display(description=_("what happened"))
    def what(self, event: TriageEvent) -> str:
        return wording.event_text(event)

    @admin.display(description=_("cluster"), ordering="cluster")
    def cluster_shown(self, event: TriageEvent):
        return _cluster_link(event.cluster)

    @admin.display(description=_("thread"))
    def thread_shown(self, event: TriageEvent):
        if event.thread_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', event.thread.get_absolute_url(), event.thread.title[:80]
        )

    @admin.display(description=_("by"), ordering="actor")
    def actor_shown(self, event: TriageEvent) -> str:
        return str(event.actor) if event.actor_id else _("engine")
