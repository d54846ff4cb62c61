"""The community managers' console: the queue of clusters ranked by heat (filters,
search), a cluster page with charts, members, response times, merges and the audit
trail, and the actions managers take (confirm, merge, move, severity, status, forward,
fixed in, one official reply to every thread, previewed before it is sent). Figures are
computed by the pipeline and shown read-only; every change goes through
``triage.services`` so it lands in the audit log, and every action checks its
permission (the community manager group has them, see ``accounts.roles``). Every
sentence is written in the manager's language by ``triage.wording``.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin_actions import action_context, ask, back
from triage import forms, selectors, services, wording
from triage.models import Alert, Cluster, ClusterStatus, MergeRecord, ThreadTriage
from triage.services import ESCALATING

ACTION_FORM = "admin/triage/cluster/action_form.html"


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


class AnsweredFilter(admin.SimpleListFilter):
    title = _("official answer")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", _("Answered")), ("no", _("Not answered yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(first_answered_at__isnull=self.value() == "no")
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


def _named(clusters) -> str:
    """Clusters as a message names them: “#12 “label”” for one, “#12, #14” for more."""
    clusters = list(clusters)
    if len(clusters) == 1:
        return f"#{clusters[0].pk} “{clusters[0].label}”"
    return ", ".join(f"#{c.pk}" for c in clusters)


def _changed(queryset, action) -> tuple[list[Cluster], list[Cluster]]:
    """Apply ``action`` to each cluster: (those it changed, those already so)."""
    done, unchanged = [], []
    for cluster in queryset:
        (unchanged if action(cluster) is False else done).append(cluster)
    return done, unchanged


def _said(done, unchanged, *, changed: str, already: str, **values) -> str:
    """One sentence for what changed and one for what already was so."""
    parts = []
    if done:
        parts.append(changed % {"clusters": _named(done), **values})
    if unchanged:
        parts.append(already % {"clusters": _named(unchanged), **values})
    return " ".join(parts)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = [
        "cluster",
        "product_name",
        "severity_shown",
        "status_shown",
        "people",
        "last_24h",
        "age",
        "answered",
        "heat_shown",
    ]
    list_display_links = None  # the cluster column links the label itself
    list_filter = [
        ("product", admin.RelatedOnlyFieldListFilter),
        "severity",
        "status",
        AnsweredFilter,
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
        "product",
        "kind",
        "first_seen",
        "last_seen",
        "replies",
        "per_hour_shown",
        "per_100k_shown",
        "key",
        "created_at",
        "updated_at",
    ]
    fieldsets = [(_("Details"), {"fields": readonly_fields})]
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

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": _("Cluster queue"), **(extra_context or {})}
        )

    def view_on_site(self, obj: Cluster) -> str:
        """The cluster as fans see it."""
        return reverse("triage:cluster", args=[obj.pk])

    # --- the queue's columns: what a manager decides on, and on a phone one card a row

    @admin.display(description=_("cluster"), ordering="label")
    def cluster(self, c: Cluster):
        flags = []
        if c.has_alert:
            flags.append(("flag flag-alert", _("open alert")))
        if c.escalation >= ESCALATING:
            flags.append(("flag flag-public", _("may go public")))
        return format_html(
            '<a href="{}" class="queue-label" title="{}">#{} · {}</a>{}'
            '<span class="queue-meta">{} · {} · {} · {} {} · {} · {}</span>',
            reverse("admin:triage_cluster_change", args=[c.pk]),
            c.label,
            c.pk,
            c.label,
            format_html_join("", ' <span class="{}">{}</span>', flags),
            c.get_severity_display(),
            c.get_status_display(),
            ngettext("%(n)s person", "%(n)s people", c.reporters) % {"n": c.reporters},
            _("last 24 h:"),
            self.last_24h(c),
            _("%(span)s old") % {"span": self.age(c)},
            _("answered") if c.first_answered_at else _("no official answer yet"),
        )

    @admin.display(description=_("product"), ordering="product__marketing_name")
    def product_name(self, c: Cluster) -> str:
        return c.product.marketing_name if c.product_id else _("unassigned")

    @admin.display(description=_("severity"), ordering="severity")
    def severity_shown(self, c: Cluster):
        return format_html(
            '<span class="sev sev-{}">{}</span>', c.severity, c.get_severity_display()
        )

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, c: Cluster) -> str:
        return c.get_status_display()

    @admin.display(description=_("people affected"), ordering="reporters")
    def people(self, c: Cluster) -> int:
        return c.reporters

    @admin.display(description=_("last 24 h"), ordering="reports_24h")
    def last_24h(self, c: Cluster):
        rise = c.reports_24h - c.reports_prev_24h
        title = wording.reports_24h(c)
        trend = f"↑{rise}" if rise > 0 else f"↓{-rise}" if rise < 0 else ""
        return format_html(
            '<span title="{}">{} <span class="trend">{}</span></span>', title, c.reports_24h, trend
        )

    @admin.display(description=_("age"), ordering="first_seen")
    def age(self, c: Cluster) -> str:
        return wording.duration(timezone.now() - c.first_seen) if c.first_seen else "—"

    @admin.display(description=_("official answer"), ordering="first_answered_at")
    def answered(self, c: Cluster) -> str:
        return _("answered") if c.first_answered_at else _("not yet")

    @admin.display(description=_("heat"), ordering="heat")
    def heat_shown(self, c: Cluster):
        return format_html('<span title="{}">{}</span>', wording.heat_explanation(), round(c.heat))

    # --- the cluster page's details

    @admin.display(description=_("people per 100,000 devices"))
    def per_100k_shown(self, c: Cluster) -> str:
        return "—" if c.per_100k_devices is None else number_format(c.per_100k_devices, 1)

    @admin.display(description=_("reports an hour, last 24 h"))
    def per_hour_shown(self, c: Cluster) -> str:
        return number_format(c.reports_per_hour, 1)

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

    def _ask(self, request, queryset, **kwargs):
        """``config.admin_actions.ask`` on the console's action page."""
        return ask(self, request, queryset, template=ACTION_FORM, **kwargs)

    @admin.action(description=_("Confirm"), permissions=["change"])
    def confirm(self, request, queryset):
        done, unchanged = _changed(
            queryset, lambda c: services.confirm_cluster(c, actor=request.user)
        )
        self.message_user(
            request,
            _said(
                done,
                unchanged,
                changed=_("Confirmed %(clusters)s; fans see it on their threads."),
                already=_("Already confirmed: %(clusters)s."),
            ),
            messages.SUCCESS,
        )
        return back(self, request)

    @admin.action(description=_("Merge the selected clusters (asks which to keep)"),
                  permissions=["merge"])  # fmt: skip
    def merge(self, request, queryset):
        def apply(request, qs, data):
            user = request.user
            kept, said = data["kept"], []
            for other in qs.exclude(pk=kept.pk).filter(merged_into=None):
                services.merge_clusters(kept, other, actor=user, note=data["note"])
                said.append(
                    _("Merged #%(absorbed)s into #%(kept)s: %(size)s moved.")
                    % {
                        "absorbed": other.pk,
                        "kept": kept.pk,
                        "size": wording.size(other.threads, other.reporters),
                    }
                )
            return " ".join(said)

        return self._ask(
            request,
            queryset,
            title=_("Merge clusters"),
            form_class=forms.MergeForm,
            apply=apply,
            form_kwargs={"queryset": queryset.filter(merged_into=None)},
        )

    @admin.action(description=_("Set severity (asks for a reason)"), permissions=["change"])
    def set_severity(self, request, queryset):
        def apply(request, qs, data):
            user = request.user
            done, unchanged = _changed(
                qs, lambda c: services.set_severity(c, data["level"], actor=user,
                                                    reason=data["reason"])
            )  # fmt: skip
            return _said(
                done,
                unchanged,
                changed=_("Severity of %(clusters)s set to %(level)s."),
                already=_("%(clusters)s already had this severity and reason."),
                level=wording.LEVELS[data["level"]],
            )

        return self._ask(
            request,
            queryset,
            title=_("Set severity"),
            form_class=forms.SeverityForm,
            apply=apply,
        )

    @admin.action(description=_("Set status (asks for a reason)"), permissions=["change"])
    def set_status(self, request, queryset):
        def apply(request, qs, data):
            user = request.user
            fixed_in = data["fixed_in"] or None
            done, unchanged = _changed(
                qs, lambda c: services.set_status(c, data["status"], actor=user,
                                                  fixed_in=fixed_in, note=data["reason"])
            )  # fmt: skip
            fixed = data["status"] == ClusterStatus.FIXED
            return _said(
                done,
                unchanged,
                changed=_("Status of %(clusters)s set to %(status)s, fixed in %(version)s; fans "
                          "were told.") if fixed else
                _("Status of %(clusters)s set to %(status)s; fans were told."),
                already=_("%(clusters)s already had this status."),
                status=ClusterStatus(data["status"]).label,
                version=fixed_in,
            )  # fmt: skip

        return self._ask(
            request,
            queryset,
            title=_("Set status"),
            form_class=forms.StatusForm,
            apply=apply,
        )

    @admin.action(description=_("Forward to engineering"), permissions=["forward"])
    def forward(self, request, queryset):
        def apply(request, qs, data):
            user = request.user
            for cluster in qs:
                services.forward_cluster(
                    cluster, actor=user, note=data["note"], ticket_url=data["ticket_url"]
                )
            if data["ticket_url"]:
                return _("Forwarded %(clusters)s to engineering, ticket %(url)s.") % {
                    "clusters": _named(qs),
                    "url": data["ticket_url"],
                }
            return _("Forwarded %(clusters)s to engineering.") % {"clusters": _named(qs)}

        return self._ask(
            request,
            queryset,
            title=_("Forward to engineering"),
            form_class=forms.ForwardForm,
            apply=apply,
        )

    @admin.action(description=_("Mark fixed in a version"), permissions=["change"])
    def mark_fixed(self, request, queryset):
        def apply(request, qs, data):
            user = request.user
            done, unchanged = _changed(
                qs, lambda c: services.set_status(c, ClusterStatus.FIXED, actor=user,
                                                  fixed_in=data["fixed_in"], note=data["note"])
            )  # fmt: skip
            return _said(
                done,
                unchanged,
                changed=_("Marked %(clusters)s fixed in %(version)s; fans were told."),
                already=_("%(clusters)s was already marked fixed in that version."),
                version=data["fixed_in"],
            )

        return self._ask(
            request,
            queryset,
            title=_("Mark fixed"),
            form_class=forms.FixedForm,
            apply=apply,
        )

    @admin.action(description=_("Post an official reply to every thread (with a preview)"),
                  permissions=["reply"])  # fmt: skip
    def post_reply(self, request, queryset):
        """Choose a template or write a one-off reply, preview exactly what each language
        gets and how many threads and people it reaches, then post what was previewed."""
        asked = any(k in request.POST for k in ("preview", "apply", "edit"))
        form = forms.ReplyForm(request.POST if asked else None)
        if asked and "edit" not in request.POST and form.is_valid():
            reply = form.cleaned_data["reply"]
            previews = [
                selectors.official_reply_preview(c, reply, actor=request.user)
                for c in queryset.select_related("product")
            ]
            fingerprint = form.fingerprint(
                [{p["code"]: p["body"] for p in preview["languages"]} for preview in previews]
            )
            if "apply" in request.POST and request.POST.get("previewed") == fingerprint:
                return self._post_reply(request, queryset, reply, previews)
            if "apply" in request.POST:
                self.message_user(
                    request,
                    _("The reply changed since its preview: read it again, then post it."),
                    messages.WARNING,
                )
            context = action_context(
                self, request, queryset, title=_("Preview the official reply"), form=form,
                previews=previews, fingerprint=fingerprint,
                threads=sum(p["threads"] for p in previews),
                people=sum(p["people"] for p in previews),
            )  # fmt: skip
            return TemplateResponse(request, "admin/triage/cluster/reply_preview.html", context)
        context = action_context(
            self, request, queryset, title=_("Post an official reply"), form=form,
            submit_name="preview", submit_label=_("Preview"),
        )  # fmt: skip
        return TemplateResponse(request, ACTION_FORM, context)

    def _post_reply(self, request, queryset, reply, previews):
        try:
            threads = sum(
                services.post_official_reply(c, reply, actor=request.user) for c in queryset
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return back(self, request)
        languages = {
            code: sum(lang["threads"] for p in previews for lang in p["languages"]
                      if lang["code"] == code)
            for code in ("id", "en")
        }  # fmt: skip
        self.message_user(
            request,
            ngettext(
                "Posted the official reply in %(n)s thread of %(clusters)s (%(id)s in "
                "Indonesian, %(en)s in English); %(people)s people are being notified.",
                "Posted the official reply in %(n)s threads of %(clusters)s (%(id)s in "
                "Indonesian, %(en)s in English); %(people)s people are being notified.",
                threads,
            )
            % {
                "n": threads,
                "clusters": _named(queryset),
                "people": sum(p["people"] for p in previews),
                **languages,
            },
            messages.SUCCESS,
        )
        return back(self, request)

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
                title=_("Cluster #%(n)s") % {"n": cluster.pk},
                subtitle=None,
                cluster_obj=cluster,
                severity_explanation=wording.severity_explanation(cluster),
                escalation_text=wording.escalation_text(cluster.escalation_reasons),
                heat_explanation=wording.heat_explanation(),
                response=selectors.response_times(cluster),
                waiting=timezone.now() - cluster.first_seen if cluster.first_seen else None,
                reply_form=forms.ReplyForm(),
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
                self.message_user(
                    request, f"{form.fields[field].label}: {' '.join(errors)}", messages.ERROR
                )
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
                "Moved %(n)d thread from #%(from)d to cluster #%(to)d.",
                "Moved %(n)d threads from #%(from)d to cluster #%(to)d.",
                len(data["threads"]),
            )
            % {"n": len(data["threads"]), "from": pk, "to": target.pk},
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
            restored = services.unmerge(
                record, actor=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            restored.refresh_from_db(fields=["threads", "reporters"])
            self.message_user(
                request,
                _("Merge undone: #%(absorbed)s is a cluster of its own again (%(size)s).")
                % {
                    "absorbed": restored.pk,
                    "size": wording.size(restored.threads, restored.reporters),
                },
                messages.SUCCESS,
            )
        return self._cluster_page(record.absorbed_id)
