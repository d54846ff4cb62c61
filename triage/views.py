"""Pages fans see of triage: a cluster's threads, known issues per product, what a
release fixed, and the similar threads suggested while composing. Each view parses
input, calls one selector, renders."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from forum import ratelimit
from forum.models import Kind, Product
from forum.views import too_many_lookups
from triage import selectors
from triage.models import Cluster

MAX_DRAFT = 2000  # enough of a draft to find its neighbours; the rest changes little


@require_GET
def cluster(request, pk: int):
    """The threads of one problem: where "N others have this problem" links to."""
    try:
        item = selectors.public_cluster(pk)
    except Cluster.DoesNotExist:
        raise Http404 from None
    if item.pk != pk:
        return redirect("triage:cluster", item.pk)
    page = selectors.cluster_threads(item, page=request.GET.get("page", 1))
    return render(request, "triage/cluster.html", {"cluster": item, "page": page})


@require_GET
def known_issues(request, slug: str):
    """A product's known problems, hottest first, with their status and fix."""
    product = get_object_or_404(Product.objects.only("id", "marketing_name", "slug"), slug=slug)
    clusters = selectors.known_issues(product)
    return render(request, "triage/known_issues.html", {"product": product, "clusters": clusters})


@require_GET
def fixed_index(request):
    """Every release that fixed community-reported problems."""
    return render(request, "triage/fixed_index.html", {"versions": selectors.fixed_versions()})


@require_GET
def fixed(request, version: str):
    """What one release fixed: the problems (and suggestions) fans reported."""
    clusters = selectors.fixed_in_release(version)
    if not clusters:
        raise Http404  # no release of that name fixed anything fans reported
    return render(request, "triage/fixed.html", {"version": version, "clusters": clusters})


@require_GET
def similar(request):
    """Threads like the draft being typed (JSON), for "me too" instead of a duplicate.

    Only the composer asks, and only signed-in fans compose, so anonymous callers get a
    403; each lookup costs an analysis and an index search, so it is rate limited per user.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to see similar threads.")}, status=403)
    if wait := ratelimit.consume(request.user, "similar"):
        return too_many_lookups(wait)
    title = request.GET.get("title", "")[:300]
    body = request.GET.get("body", "")[:MAX_DRAFT]
    try:
        product_id = int(request.GET.get("product", ""))
    except ValueError:
        product_id = None
    kind = request.GET.get("kind", Kind.PROBLEM)
    results = selectors.similar_threads(title=title, body=body, product_id=product_id, kind=kind)
    return JsonResponse({"results": results})
