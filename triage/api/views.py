"""The engineering feed's views: parse, call one selector or service, render.

List and detail carry an ETag and a Last-Modified computed with one cheap query before
anything is serialised, so a polling client that sends If-None-Match (or
If-Modified-Since) gets an empty 304.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.encoding import smart_str
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse as drf_reverse
from rest_framework.utils import formatting

from forum import markdown
from forum.models import Product
from triage import selectors, services
from triage.api.filters import ClusterFilter
from triage.api.pagination import ClusterPagination, ProductPagination, ThreadPagination
from triage.api.permissions import CanWriteStatus, IsEngineerOrManager
from triage.api.serializers import (
    ClusterDetailSerializer,
    ClusterSerializer,
    ProductSerializer,
    StatusWriteSerializer,
    ThreadSerializer,
)
from triage.api.throttles import TokenRateThrottle, TokenWriteThrottle
from triage.models import Cluster

NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag or date you sent.")
ERRORS = {
    400: OpenApiResponse(description="A parameter or field is invalid; the body says which."),
    401: OpenApiResponse(description="No or invalid token."),
    403: OpenApiResponse(description="Not an engineer or community manager."),
    429: OpenApiResponse(description="Too many requests for this token; see Retry-After."),
}


def _etag(request, *parts) -> str:
    """A strong validator over what the response depends on: the query (with its
    cursor), the rendered format, the language and the data's version."""
    shape = (request.get_full_path(), request.accepted_renderer.format, get_language())
    source = "|".join(str(p) for p in (*shape, *parts))
    return f'"{hashlib.sha256(source.encode()).hexdigest()[:32]}"'


def _not_modified(request, etag: str, modified: datetime | None):
    """A 304 when the client's copy is current, else None (GET and HEAD only)."""
    if request.method not in ("GET", "HEAD"):
        return None
    stamp = int(modified.timestamp()) if modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if isinstance(response, HttpResponseNotModified):
        return _with_validators(response, etag, modified)
    return None


def _with_validators(response, etag: str, modified: datetime | None):
    response["ETag"] = etag
    if modified:
        response["Last-Modified"] = http_date(modified.timestamp())
    # Clients may keep a copy but must ask again (cheaply, with the validators).
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
    return response


def view_description(view, html: bool = False) -> str:
    """A view's description for the browsable API and OPTIONS (DRF's
    VIEW_DESCRIPTION_FUNCTION): its docstring, with ``code`` and other Markdown rendered
    in HTML instead of shown as raw markup."""
    text = formatting.dedent(smart_str(getattr(view, "description", view.__class__.__doc__ or "")))
    return mark_safe(markdown.render(text)) if html else text  # noqa: S308 (sanitised)


@extend_schema_view(
    get=extend_schema(
        summary="Index",
        responses={
            200: inline_serializer(
                "FeedIndex",
                {
                    name: serializers.CharField(help_text=help_text)
                    for name, help_text in (
                        ("products", "The product catalog."),
                        ("clusters", "Clusters: filters, ordering, incremental sync."),
                        ("cluster", "One cluster (replace {id}); PATCH writes status back."),
                        ("cluster_threads", "Every visible thread of a cluster."),
                        ("schema", "The OpenAPI 3 schema."),
                        ("docs", "The schema, browsable."),
                    )
                },
            )
        },
    )
)
class FeedIndex(generics.GenericAPIView):
    """The engineering triage feed: its endpoints. The guide is `docs/api.md`; every
    endpoint but this one needs a token (`Authorization: Token <key>`)."""

    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request, *args, **kwargs):
        def link(name: str, *args) -> str:
            return drf_reverse(name, args=args, request=request)

        cluster = link("triage_api:cluster-detail", 0).replace("/0/", "/{id}/")
        return Response(
            {
                "products": link("triage_api:product-list"),
                "clusters": link("triage_api:cluster-list"),
                "cluster": cluster,
                "cluster_threads": cluster + "threads/",
                "schema": link("api-schema"),
                "docs": link("api-docs"),
            }
        )


class FeedView:
    """What every feed view declares: who may call it and how often."""

    permission_classes = [IsEngineerOrManager, CanWriteStatus]
    throttle_classes = [TokenRateThrottle, TokenWriteThrottle]


@extend_schema_view(
    get=extend_schema(summary="Products", responses={200: ProductSerializer(many=True), **ERRORS})
)
class ProductList(FeedView, generics.ListAPIView):
    """The product catalog, to name products in cluster filters."""

    serializer_class = ProductSerializer
    pagination_class = ProductPagination
    filter_backends: list = []
    queryset = Product.objects.all()


@extend_schema_view(
    get=extend_schema(
        summary="Clusters",
        responses={200: ClusterSerializer(many=True), 304: NOT_MODIFIED, **ERRORS},
    )
)
class ClusterList(FeedView, generics.ListAPIView):
    """Clusters, hottest first by default. For an incremental sync keep the largest
    ``updated_at`` you saw and ask ``?updated_since=<it>&ordering=updated_at``,
    following ``next`` links to the end."""

    serializer_class = ClusterSerializer
    pagination_class = ClusterPagination
    filterset_class = ClusterFilter

    def get_queryset(self):
        return selectors.feed_clusters().only(*ClusterSerializer.LIST_COLUMNS)

    def list(self, request, *args, **kwargs):
        # Every reader of the feed sees the same page for the same URL (permissions were
        # checked before this), and pollers ask for the same URLs over and over: a page
        # is built at most once per FEED_CACHE_SECONDS. A sync loses nothing to it: its
        # mark only moves past rows it has seen.
        key = (
            "feed:clusters:"
            + hashlib.sha256(
                f"{request.get_full_path()}|{request.accepted_renderer.format}".encode()
            ).hexdigest()
        )
        if settings.FEED_CACHE_SECONDS and (hit := cache.get(key)):
            data, etag, updated = hit
            if not_modified := _not_modified(request, etag, updated):
                return not_modified
            return _with_validators(Response(data), etag, updated)
        response = self._build_page(request)
        if settings.FEED_CACHE_SECONDS and response.status_code == 200:
            cache.set(
                key,
                (response.data, response["ETag"], self._updated),
                settings.FEED_CACHE_SECONDS,
            )
        return response

    def _build_page(self, request):
        # The validators hash the page's own rows (and the row after it, which decides
        # the next link): exact, and cheaper than any aggregate over the whole feed.
        # Serialising, the costly part, is skipped on a 304.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        peek = self.paginator.peek
        rows = [(c.pk, c.updated_at.isoformat(), c.heat, c.reports_24h, c.is_forwarded)
                for c in [*page, *peek]]  # fmt: skip
        updated = self._updated = max((c.updated_at for c in page), default=None)
        etag = _etag(request, rows, self.paginator.has_previous)
        if not_modified := _not_modified(request, etag, updated):
            return not_modified
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return _with_validators(response, etag, updated)


class WriteBackSchema(AutoSchema):
    """A PATCH needs its body (drf-spectacular calls a partial update's body optional)."""

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body:
            body["required"] = True
        return body


@extend_schema_view(
    get=extend_schema(
        summary="One cluster",
        responses={200: ClusterDetailSerializer, 304: NOT_MODIFIED, 404: None, **ERRORS},
    ),
    patch=extend_schema(
        summary="Write status back",
        description="Set status (acknowledged, fixed, wont_fix), the version that fixes it "
        "and the engineering ticket, with a note. It lands in the audit log under your "
        "name, shows on every thread of the cluster and notifies the fans who follow them.",
        request=StatusWriteSerializer,
        responses={
            200: ClusterDetailSerializer,
            404: None,
            409: OpenApiResponse(description="The cluster was merged into another one."),
            **ERRORS,
        },
    ),
)
class ClusterDetail(FeedView, generics.GenericAPIView):
    """A cluster with its figures, severity reason and sample threads; PATCH writes
    engineering's status back through the same service as the managers' console."""

    schema = WriteBackSchema()
    serializer_class = ClusterDetailSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Cluster:
        try:
            cluster = selectors.feed_cluster(self.kwargs["pk"])
        except Cluster.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, cluster)
        return cluster

    def _render(self, cluster: Cluster) -> Response:
        context = {
            **self.get_serializer_context(),
            "sample_threads": selectors.sample_threads(cluster),
        }
        return Response(ClusterDetailSerializer(cluster, context=context).data)

    def get(self, request, *args, **kwargs):
        cluster = self.get_object()
        version = (cluster.updated_at.isoformat(), cluster.heat, cluster.reports_24h)
        etag = _etag(request, *version, cluster.is_forwarded)
        if not_modified := _not_modified(request, etag, cluster.updated_at):
            return not_modified
        return _with_validators(self._render(cluster), etag, cluster.updated_at)

    def patch(self, request, *args, **kwargs):
        cluster = self.get_object()
        if cluster.merged_into_id:
            return Response(
                {
                    "detail": _("Cluster %(id)s was merged into %(into)s; write to that one.")
                    % {"id": cluster.pk, "into": cluster.merged_into_id},
                    "merged_into": cluster.merged_into_id,
                },
                status=status.HTTP_409_CONFLICT,
            )
        write = StatusWriteSerializer(data=request.data, context={"cluster": cluster})
        write.is_valid(raise_exception=True)
        services.set_status(
            cluster,
            write.validated_data.get("status", cluster.status),
            actor=request.user,
            fixed_in=write.validated_data.get("fixed_in"),
            ticket_url=write.validated_data.get("ticket_url"),
            note=write.validated_data.get("note", ""),
            by_engineering=True,
        )
        return self._render(selectors.feed_cluster(cluster.pk))


@extend_schema_view(
    get=extend_schema(
        summary="Threads of a cluster",
        responses={200: ThreadSerializer(many=True), 404: None, **ERRORS},
    )
)
class ClusterThreads(FeedView, generics.ListAPIView):
    """Every visible thread of a cluster, newest first."""

    serializer_class = ThreadSerializer
    pagination_class = ThreadPagination
    filter_backends: list = []

    def get_queryset(self):
        cluster = get_object_or_404(Cluster.objects.only("id"), pk=self.kwargs["pk"])
        return selectors.feed_threads(cluster)
