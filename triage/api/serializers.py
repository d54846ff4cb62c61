"""What the feed shows of clusters, threads and products, and what a write-back accepts.

Threads are shown without their author: no name, no email ever leaves through the API.
"""

import unicodedata

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forum.models import Product, Thread
from triage import wording
from triage.models import Cluster, ClusterStatus, Forward

# What engineering may write back; forwarding, confirming and merging are the managers'
# console actions (they make a Forward row or a merge record), "regressed" the pipeline's.
WRITABLE_STATUSES = (ClusterStatus.ACKNOWLEDGED, ClusterStatus.FIXED, ClusterStatus.WONT_FIX)
WRITABLE_STATUS_CHOICES = [(s.value, s.label) for s in WRITABLE_STATUSES]
EXCERPT_CHARS = 280


class LinkField(serializers.URLField):
    """A link that may be missing: null in the feed rather than an empty string."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "brand",
            "series",
            "model",
            "marketing_name",
            "slug",
            "release_year",
            "active_devices",
        ]


class ThreadSerializer(serializers.ModelSerializer):
    """A member thread: what it says and where it is, never who wrote it."""

    excerpt = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The thread on the forum.")
    me_too = serializers.IntegerField(source="me_too_count")
    replies = serializers.IntegerField(source="reply_count")
    source_url = LinkField(help_text="Where an imported thread came from.")

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "excerpt",
            "firmware",
            "product",
            "kind",
            "status",
            "me_too",
            "replies",
            "created_at",
            "url",
            "external_id",
            "source_url",
        ]

    def get_excerpt(self, thread: Thread) -> str:
        return Truncator(" ".join(thread.body.split())).chars(EXCERPT_CHARS)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, thread: Thread) -> str:
        request = self.context.get("request")
        path = thread.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ForwardSerializer(serializers.ModelSerializer):
    ticket_url = LinkField()

    class Meta:
        model = Forward
        fields = ["created_at", "note", "ticket_url"]


class DailyReportsSerializer(serializers.Serializer):
    date = serializers.DateField()
    reports = serializers.IntegerField(help_text="New threads and “me too” that day.")


class ClusterSerializer(serializers.ModelSerializer):
    """A cluster in the feed's list: identity, status and the spread figures."""

    url = serializers.HyperlinkedIdentityField(view_name="triage_api:cluster-detail")
    product_name = serializers.CharField(
        source="product.marketing_name", read_only=True, allow_null=True
    )
    top_terms = serializers.ListField(child=serializers.CharField())
    ticket_url = LinkField(help_text="The engineering ticket, once there is one.")
    forwarded = serializers.BooleanField(
        source="is_forwarded",
        help_text="Engineering has it or had it: a community manager forwarded it, its "
        "status was forwarded or acknowledged, or it was written back through this API. "
        "It stays true once fixed, closed or regressed.",
    )

    class Meta:
        model = Cluster
        fields = [
            "id",
            "key",
            "url",
            "product",
            "product_name",
            "kind",
            "label",
            "top_terms",
            "severity",
            "severity_source",
            "status",
            "forwarded",
            "fixed_in",
            "ticket_url",
            "merged_into",
            "heat",
            "escalation",
            "threads",
            "reporters",
            "me_too",
            "replies",
            "reports_24h",
            "reports_prev_24h",
            "reports_per_hour",
            "growth",
            "per_100k_devices",
            "first_seen",
            "last_seen",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # The columns the list reads; the detail (a subclass) reads the whole row.
    LIST_COLUMNS = (
        *(f for f in Meta.fields if f not in {"url", "product_name", "forwarded"}),
        "forwarded_at",
        "product__marketing_name",
    )
    PLAIN = tuple(f for f in Meta.fields if f not in {"id", "url", "product", "product_name",
        "forwarded", "ticket_url", "merged_into", "first_seen", "last_seen", "created_at",
        "updated_at"})  # fmt: skip

    def to_representation(self, cluster: Cluster) -> dict:
        """The list's rows, rendered directly.

        DRF's field-by-field path costs about half a millisecond a row at thirty fields,
        most of a feed page's time; the fields declared above still define the schema
        (and schemathesis checks every response against it).
        """
        if not hasattr(self, "_url_prefix"):
            request = self.context["request"]
            # One reverse() for the page instead of one a row.
            self._url_prefix = request.build_absolute_uri(
                reverse("triage_api:cluster-detail", args=[0])
            )[:-2]
            self._datetime = serializers.DateTimeField().to_representation
        when = self._datetime
        row = {
            "id": cluster.pk,
            "url": f"{self._url_prefix}{cluster.pk}/",
            "product": cluster.product_id,
            "product_name": cluster.product.marketing_name if cluster.product_id else None,
        }
        for name in self.PLAIN:
            row[name] = getattr(cluster, name)
        row["forwarded"] = cluster.is_forwarded
        row["ticket_url"] = cluster.ticket_url or None
        row["merged_into"] = cluster.merged_into_id
        for name in ("first_seen", "last_seen", "created_at", "updated_at"):
            value = getattr(cluster, name)
            row[name] = when(value) if value else None
        return {name: row[name] for name in self.Meta.fields}


class ClusterDetailSerializer(ClusterSerializer):
    """One cluster with why it has its severity, how it spread and a sample of threads."""

    severity_reason = serializers.SerializerMethodField(
        help_text="Why it has its severity, in the language of the request: the words "
        "and rules that decided it, or a community manager's own reason."
    )
    escalation_reasons = serializers.ListField(child=serializers.CharField())
    firmware = serializers.DictField(
        child=serializers.IntegerField(), help_text="Threads per firmware version."
    )
    products = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of every product its threads name."
    )
    daily = serializers.SerializerMethodField(help_text="Reports per day, last 30 days.")
    forwards = ForwardSerializer(many=True, read_only=True)
    sample_threads = serializers.SerializerMethodField()
    threads_url = serializers.HyperlinkedIdentityField(view_name="triage_api:cluster-threads")

    class Meta(ClusterSerializer.Meta):
        fields = [
            *ClusterSerializer.Meta.fields,
            "severity_reason",
            "escalation_reasons",
            "firmware",
            "products",
            "daily",
            "forwards",
            "sample_threads",
            "threads_url",
        ]
        read_only_fields = fields

    # One object per request: DRF's own path is cheap enough and renders every field.
    to_representation = serializers.ModelSerializer.to_representation

    def get_severity_reason(self, cluster: Cluster) -> str:
        return wording.severity_explanation(cluster)

    @extend_schema_field(DailyReportsSerializer(many=True))
    def get_daily(self, cluster: Cluster) -> list[dict]:
        return [{"date": day, "reports": n} for day, n in cluster.daily]

    @extend_schema_field(ThreadSerializer(many=True))
    def get_sample_threads(self, cluster: Cluster) -> list[dict]:
        threads = self.context.get("sample_threads", [])
        return ThreadSerializer(threads, many=True, context=self.context).data


# A version fans read on their threads and in a link: text on one line.
VERSION_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"


def validate_version(value: str) -> str:
    """Refuse control characters (line breaks, tabs, C1 codes) in a version."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise serializers.ValidationError(
            _("A version is text on one line: no line breaks, tabs or control characters.")
        )
    return value


class StringField(serializers.CharField):
    """Text that must arrive as a JSON string, as the schema says: a number is refused,
    not turned into text (DRF's CharField would store ``-2.1e16`` as a version)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# What a write-back must carry besides a note.
WRITE_FIELDS = ("status", "fixed_in", "ticket_url")


class StatusWriteSerializer(serializers.Serializer):
    """The write-back: any of status, fixed-in version and ticket link, with a note for
    the audit log. Fans see the status and version on their threads. Any other field is
    refused (a 400 naming it), so a typo or a field the API does not take (``severity``)
    never passes silently."""

    status = serializers.ChoiceField(
        choices=WRITABLE_STATUS_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Engineering may set “acknowledged”, “fixed” or “wont_fix”; “{input}” is not "
                "one of them."
            )
        },
    )
    # Lengths count what was sent (no trimming before the check), as the schema says;
    # the values are trimmed once valid.
    fixed_in = StringField(
        max_length=80,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        validators=[validate_version],
    )
    ticket_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    note = StringField(max_length=2000, required=False, allow_blank=True, trim_whitespace=False)

    def to_internal_value(self, data):
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            allowed = ", ".join(self.fields)
            raise serializers.ValidationError(
                {
                    name: [_("Unknown field; the fields you may send: %(allowed)s.")
                           % {"allowed": allowed}]
                    for name in unknown
                }
            )  # fmt: skip
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        if not set(WRITE_FIELDS) & attrs.keys():
            raise serializers.ValidationError(
                _("Send at least one of status, fixed_in, ticket_url.")
            )
        for name in ("fixed_in", "note"):
            if name in attrs:
                attrs[name] = attrs[name].strip()
        cluster: Cluster = self.context["cluster"]
        fixed_in = attrs.get("fixed_in", cluster.fixed_in).strip()
        if attrs.get("status") == ClusterStatus.FIXED and not fixed_in:
            raise serializers.ValidationError(
                {"fixed_in": _("A fixed cluster needs the version that fixes it.")}
            )
        return attrs


class StatusWriteSchema(OpenApiSerializerExtension):
    """The write-back's schema says what the serializer checks: at least one of
    ``WRITE_FIELDS``, and no other property."""

    target_class = StatusWriteSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        schema["anyOf"] = [{"required": [name]} for name in WRITE_FIELDS]
        schema["properties"]["fixed_in"]["pattern"] = VERSION_PATTERN
        # Text fields refuse the NUL character (Django's ProhibitNullCharactersValidator).
        schema["properties"]["note"]["pattern"] = r"^[^\u0000]*$"
        return schema
