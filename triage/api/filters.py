"""Filters of the cluster feed (django-filter); a bad value is a 400 naming the field."""

import django_filters

from forum.models import Kind, Product
from triage.models import Cluster, ClusterStatus, Severity


class ClusterFilter(django_filters.FilterSet):
    """``?product=3&severity=critical&severity=major&status=forwarded&forwarded=true
    &updated_since=2025-01-31T08:00:00Z``; repeat a parameter to accept several values."""

    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.all(), help_text="Product id (see /api/v1/products/)."
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    status = django_filters.MultipleChoiceFilter(choices=ClusterStatus.choices)
    forwarded = django_filters.BooleanFilter(
        field_name="is_forwarded",
        help_text="Only clusters engineering has (status forwarded or acknowledged, or "
        "forwarded at least once); false for the others.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="ISO 8601 with an offset, e.g. 2025-01-31T08:00:00Z: clusters whose "
        "status or synced figures changed at or after this moment (incremental sync).",
    )

    class Meta:
        model = Cluster
        fields = ["product", "kind", "severity", "status", "forwarded", "updated_since"]
