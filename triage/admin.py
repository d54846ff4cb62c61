"""Triage in the admin: the queue of clusters ranked by heat, alerts and the audit log.

Figures are computed by the pipeline and shown read-only; what a manager changes goes
through ``triage.services`` so it lands in the audit log.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from triage.engine.spread import HEAT_FORMULA
from triage.models import Alert, Cluster, ThreadTriage, TriageEvent
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


class MemberInline(admin.TabularInline):
    model = ThreadTriage
    fk_name = "cluster"
    fields = ["thread", "severity", "similarity", "assignment", "assigned_by", "triaged_at"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    show_change_link = False


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
        "escalating",
        "last_seen",
    ]
    list_filter = [
        "severity",
        "status",
        AlertingFilter,
        EscalatingFilter,
        "kind",
        ("product", admin.RelatedOnlyFieldListFilter),
        "last_seen",
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
                                  "growth", "per_100k_devices", "firmware", "products",
                                  "daily", "escalation", "escalation_reasons", "first_seen",
                                  "last_seen"]}),
        (None, {"fields": ["key", "created_at", "updated_at"]}),
    ]  # fmt: skip
    inlines = [MemberInline]

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
