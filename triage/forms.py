"""Forms of the managers' console: each asks what one action needs (often a reason for
the audit log). They validate; ``triage.services`` decides."""

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from config.admin_actions import NoteForm, ReasonForm
from triage import wording
from triage.models import Cluster, ClusterStatus, ReplyTemplate, Severity


def cluster_choice(cluster: Cluster) -> str:
    """A cluster as a manager picks it: number, label, size and state."""
    return (
        f"#{cluster.pk} · {cluster.label} ({wording.size(cluster.threads, cluster.reporters)}; "
        f"{cluster.get_severity_display()}, {cluster.get_status_display()})"
    )


class ClusterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cluster) -> str:
        return cluster_choice(obj)


class MergeForm(NoteForm):
    kept = ClusterChoiceField(
        label=_("Keep this cluster (the others merge into it)"),
        queryset=Cluster.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    field_order = ["kept", "note"]

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["kept"].queryset = queryset.order_by("-threads", "-heat")
            first = self.fields["kept"].queryset.first()
            if first is not None:
                self.fields["kept"].initial = first.pk

    def clean(self):
        data = super().clean()
        if self.fields["kept"].queryset.count() < 2:
            raise forms.ValidationError(_("Select at least two clusters to merge."))
        return data


class SeverityForm(ReasonForm):
    level = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    field_order = ["level", "reason"]


class StatusForm(ReasonForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[c for c in ClusterStatus.choices if c[0] != ClusterStatus.DUPLICATE],
    )
    fixed_in = forms.CharField(label=_("Fixed in version"), max_length=80, required=False)
    field_order = ["status", "fixed_in", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("status") == ClusterStatus.FIXED and not data.get("fixed_in"):
            self.add_error("fixed_in", _("Say which version fixes it."))
        return data


class ForwardForm(NoteForm):
    ticket_url = forms.URLField(
        label=_("Engineering ticket"), max_length=500, required=False, assume_scheme="https"
    )
    field_order = ["ticket_url", "note"]


class FixedForm(NoteForm):
    fixed_in = forms.CharField(label=_("Fixed in version"), max_length=80)
    field_order = ["fixed_in", "note"]


class ReplyForm(forms.Form):
    """A saved template, or a reply written for these clusters alone, in both languages.

    ``cleaned_data["reply"]`` is the template, or an unsaved one holding the one-off
    text; ``fingerprint`` names exactly what a preview showed, so what is posted is
    what the manager read.
    """

    template = forms.ModelChoiceField(
        label=_("Reply template"),
        queryset=ReplyTemplate.objects.filter(is_active=True),
        required=False,
        empty_label=_("None: write a one-off reply below"),
    )
    body_id = forms.CharField(
        label=_("One-off reply in Indonesian"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    body_en = forms.CharField(
        label=_("One-off reply in English"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
        help_text=_(
            "Markdown. {product} and {fixed_in} are filled in from each cluster. Each thread "
            "gets the text in its author's language."
        ),
    )

    def clean(self):
        data = super().clean()
        template = data.get("template")
        body_id, body_en = (data.get("body_id") or "").strip(), (data.get("body_en") or "").strip()
        if template and (body_id or body_en):
            raise forms.ValidationError(
                _("Choose a template or write a one-off reply, not both."), code="both"
            )
        if body_id or body_en:
            if not (body_id and body_en):
                raise forms.ValidationError(
                    _("Write the one-off reply in both languages: each fan gets the one in "
                      "their language."),
                    code="one_language",
                )  # fmt: skip
            data["reply"] = ReplyTemplate(name="", body_id=body_id, body_en=body_en)
        elif template:
            data["reply"] = template
        else:
            raise forms.ValidationError(
                _("Choose a reply template or write a one-off reply."), code="empty"
            )
        return data

    @staticmethod
    def fingerprint(bodies: list[dict[str, str]]) -> str:
        """A digest of the filled texts of every cluster, as previewed."""
        text = "\x1f".join(f"{b['id']}\x1e{b['en']}" for b in bodies)
        return hashlib.sha256(text.encode()).hexdigest()


class MoveForm(NoteForm):
    threads = forms.TypedMultipleChoiceField(label=_("Threads"), coerce=int, choices=[])
    target = forms.IntegerField(
        label=_("Move to cluster number (empty: a new cluster)"), required=False, min_value=1
    )
    field_order = ["threads", "target", "note"]

    def __init__(self, *args, thread_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threads"].choices = [(t, t) for t in thread_ids]

    def clean_target(self):
        pk = self.cleaned_data.get("target")
        if pk is None:
            return None
        cluster = Cluster.objects.filter(pk=pk, merged_into=None).first()
        if cluster is None:
            raise forms.ValidationError(_("No such cluster (or it was merged)."))
        return cluster
