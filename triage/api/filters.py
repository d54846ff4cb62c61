"""Filters of the cluster feed (django-filter); a bad value is a 400 naming the field."""

import re
from datetime import UTC, datetime, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from forum.models import Kind
from triage.models import Cluster, ClusterStatus, Severity

MAX_ID = 2**63 - 1
# RFC 3339 with its offset required (Z or ±hh:mm), within the offsets time zones use.
OFFSET_DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"([Zz]|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$"
)
_LOCAL_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$"
)
MAX_OFFSET = timedelta(hours=14)


class OffsetDateTimeField(forms.Field):
    """A moment: ISO 8601 / RFC 3339 with its offset, returned in UTC."""

    default_error_messages = {
        "no_offset": _(
            "Give the offset: end with Z (UTC) or ±hh:mm, e.g. 2025-01-31T08:00:00Z or "
            "2025-01-31T15:00:00+07:00."
        ),
        "offset": _("The offset must be between -14:00 and +14:00."),
        "invalid": _("Send a date and time like 2025-01-31T08:00:00Z (ISO 8601 with offset)."),
    }

    def to_python(self, value: str | None) -> datetime | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if _LOCAL_DATETIME.match(text):
            raise ValidationError(self.error_messages["no_offset"], code="no_offset")
        if not re.match(OFFSET_DATETIME, text):
            offset = re.search(r"[+-]([0-9]{2}):([0-9]{2})$", text)
            if offset and int(offset[1]) * 60 + int(offset[2]) > MAX_OFFSET.seconds // 60:
                raise ValidationError(self.error_messages["offset"], code="offset")
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            moment = datetime.fromisoformat(text.upper())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            return moment.astimezone(UTC)
        except OverflowError:  # within hours of year 1 or 9999: as early or late as can be
            edge = datetime.min if moment.year == 1 else datetime.max
            return edge.replace(tzinfo=UTC)


@extend_schema_field({"type": "string", "format": "date-time", "pattern": OFFSET_DATETIME})
class OffsetDateTimeFilter(django_filters.Filter):
    field_class = OffsetDateTimeField


class IdField(forms.IntegerField):
    """Plain digits only: Django's IntegerField would also take " 3", "3.0" and "٣"."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"[0-9]{1,19}", str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1; an id that names nothing matches nothing."""

    field_class = IdField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class FeedFilterForm(forms.Form):
    """A parameter sent empty is a mistake (a client's unset variable), not "any": it
    is refused rather than silently returning the unfiltered feed."""

    def clean(self):
        for name in self.fields:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if any(not value.strip() for value in values):
                self.add_error(name, _("Empty: give a value or leave the parameter out."))
        return super().clean()


class ClusterFilter(django_filters.FilterSet):
    """``?product=3&severity=critical&severity=major&status=forwarded&forwarded=true
    &updated_since=2025-01-31T08:00:00Z``; repeat a parameter to accept several values."""

    product = IdFilter(
        field_name="product_id",
        help_text="Product id (see /api/v1/products/); an id of no product matches nothing.",
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=ClusterStatus.choices)
    forwarded = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_forwarded",
        help_text="true: clusters engineering has or had: forwarded by a community manager, "
        "in status forwarded or acknowledged, or written back through this API, at any "
        "time (they stay when fixed or closed); false: the others.",
    )
    updated_since = OffsetDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="RFC 3339 with its offset (Z or ±hh:mm, at most 14 hours), e.g. "
        "2025-01-31T08:00:00Z: clusters whose status or synced figures changed at or "
        "after this moment (incremental sync).",
    )

    class Meta:
        model = Cluster
        fields = ["product", "kind", "severity", "status", "forwarded", "updated_since"]
        form = FeedFilterForm

    def filter_forwarded(self, queryset, name, value):
        return queryset.filter(forwarded_at__isnull=value == "false")
