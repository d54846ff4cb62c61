"""Pages fans use. Each view parses input, calls one service or selector, renders.

"Me too" and follow are plain POST forms (they work without JavaScript); when
forum.js sends them with ``X-Requested-With: fetch`` they answer JSON instead of
redirecting, so the tap needs no reload.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services as account_services
from accounts.models import User
from config.jinja2 import CsrfInput
from forum import devices, emails, mentions, problem_box, ratelimit, selectors, services
from forum.forms import (
    FlagForm,
    PostEditForm,
    ReplyForm,
    SearchForm,
    ThreadEditForm,
    ThreadForm,
)
from forum.models import (
    BODY_MAX_LENGTH,
    VISIBLE,
    Follow,
    Kind,
    Notification,
    Post,
    Product,
    Status,
    Thread,
)
from forum.templatetags.forum_tags import author_name, thread_rows


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _list_filters(request) -> dict:
    return {
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", ""),
        "sort": request.GET.get("sort", "active"),
        "page": request.GET.get("page", 1),
    }


def _list_context(request, page, filters) -> dict:
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "rows": thread_rows(page.items),
        "filters": filters,
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "query_without_page": query.urlencode(),
    }


@require_GET
def home(request):
    """Latest threads across products (filterable) and the hot ones of the week."""
    filters = _list_filters(request)
    page = selectors.thread_list(**filters)
    context = _list_context(request, page, filters)
    context["hot"] = thread_rows(selectors.hot_threads()) if page.number == 1 else []
    return render(request, "forum/home.html", context)


@require_GET
def products(request):
    """The catalog."""
    items = Product.objects.only("id", "brand", "marketing_name", "slug", "release_year")
    return render(request, "forum/products.html", {"products": items})


@require_GET
def product(request, slug: str):
    """One product's threads, filterable by kind and status."""
    item = selectors.product_by_slug(slug)
    if item is None:
        raise Http404
    filters = _list_filters(request)
    page = selectors.thread_list(product=item, **filters)
    context = _list_context(request, page, filters)
    context["product"] = item
    return render(request, "forum/product.html", context)


def _thread_or_404(request, pk: int) -> Thread:
    try:
        thread = selectors.get_thread(pk=pk, user=request.user)
    except Thread.DoesNotExist:
        raise Http404 from None
    return thread


@require_GET
def thread_detail(request, pk: int):
    """A thread: opening post, pinned official answer, replies (paged), reply form."""
    thread = _thread_or_404(request, pk)
    if thread.is_hidden and not request.user.is_staff and thread.author_id != request.user.pk:
        # Moderators hid it: the author still sees it (with the notice), others don't.
        raise Http404
    posts = selectors.thread_posts(thread=thread, page=request.GET.get("page", 1))
    form, quoted = ReplyForm(), None
    if request.user.is_authenticated and (quote := request.GET.get("quote", "")).isdigit():
        # "Quote and reply" without JavaScript: the form comes pre-filled.
        quoted = Post.objects.filter(VISIBLE, pk=quote, thread=thread).select_related("author")
        quoted = quoted.first()
        if quoted:
            form = ReplyForm(initial={"reply_to": quoted.pk, "body": quote_text(quoted)})
    context = _thread_context(request, thread, posts, form)
    context["replying_to"] = quoted
    return render(request, "forum/thread.html", context)


def quote_text(post: Post) -> str:
    """The Markdown a reply starts with when it quotes ``post``: who, and what they said."""
    lines = Truncator(post.body.strip()).chars(400).splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"> @{author_name(post)}:\n{quoted}\n\n"


def _replies_cache_key(user, thread, posts, shots) -> str | None:
    """What the rendered replies of a page depend on, so they can be cached: the viewer
    (anonymous, any member, or this member when they wrote one of the replies: edit and
    delete links), language, time zone, and every rendered field of each reply. Built
    from the rows already read, so an edit, deletion, hiding or new name changes it.
    Staff see hidden replies and forms with their CSRF token: never cached."""
    if user.is_staff:
        return None
    if not user.is_authenticated:
        viewer = "anon"
    elif any(post.author_id == user.pk for post in posts.items):
        viewer = f"u{user.pk}"
    else:
        viewer = "member"
    digest = hashlib.blake2b(digest_size=16)
    for post in posts.items:
        rendered = (
            post.pk,
            post.author_id,
            author_name(post),
            post.is_official,
            post.created_at,
            post.edited_at,
            post.is_deleted,
            post.is_hidden,
            post.firmware,
            post.reply_to_id,
            post.body_html,
            [(s.pk, s.alt_text, s.image.name) for s in shots.get(post.pk, [])],
        )
        digest.update(repr(rendered).encode())
    zone = timezone.get_current_timezone_name()
    return f"{thread.pk}:{viewer}:{get_language()}:{zone}:{digest.hexdigest()}"


def _thread_context(request, thread, posts, reply_form) -> dict:
    shots = posts.extra["screenshots"]
    user = request.user
    files_lost = request.method == "POST" and bool(request.FILES)
    # The problem's status and "N others have this problem" (triage's box, one query).
    problem = problem_box.for_thread(request, thread)
    context = {
        "thread": thread,
        "page": posts,
        "opening_screenshots": shots.get(None, []),
        "cluster_status": problem,
        "cluster_box": problem.html if problem else "",
        "reply_form": reply_form,
        "reply_fields": _reply_fields(reply_form, files_lost),
        "can_edit_thread": user.is_authenticated and services.can_edit(user, thread),
        "firmware_suggestions": selectors.firmware_suggestions(product_id=thread.product_id)
        if user.is_authenticated
        else [],
        "replies_heading": ngettext("%(n)s reply", "%(n)s replies", thread.reply_count)
        % {"n": thread.reply_count},
        "me_too_text": (
            ngettext(
                "%(n)s person wants this too",
                "%(n)s people want this too",
                thread.me_too_count,
            )
            if thread.kind == Kind.SUGGESTION
            else ngettext(
                "%(n)s person has this too", "%(n)s people have this too", thread.me_too_count
            )
        )
        % {"n": thread.me_too_count},
    }
    replies_context = {
        **context,
        "request": request,
        "user": user,
        "csrf_input": CsrfInput(request),
        "posts": [(post, shots.get(post.pk, [])) for post in posts.items],
    }
    key = _replies_cache_key(user, thread, posts, shots)
    replies = cache.get(f"forum:replies:{key}") if key else None
    if replies is None:
        replies = render_to_string("forum/_replies.html", replies_context, using="jinja2")
        if key:
            cache.set(f"forum:replies:{key}", replies, REPLIES_CACHE_SECONDS)
    context["replies"] = mark_safe(replies)  # noqa: S308 (rendered with autoescape)
    return context


REPLIES_CACHE_SECONDS = 600
# The reply form's fields while blank, per language: the same for everyone (the form's
# CSRF token is outside them), and rendering Django's widgets costs more than the rest.
_blank_reply_fields: dict[str, str] = {}


def _reply_fields(form, files_lost: bool) -> str:
    blank = not form.is_bound and not form.initial and not files_lost
    if blank and (html := _blank_reply_fields.get(get_language())):
        return html
    html = render_to_string(
        "forum/_reply_fields.html", {"reply_form": form, "files_lost": files_lost}
    )
    if blank:
        _blank_reply_fields[get_language()] = html
    return html


def _flood_message(wait: int) -> str:
    minutes = max(1, round(wait / 60))
    if wait < 60:
        return ngettext(
            "You are posting too fast. Please wait %(n)d second and send again.",
            "You are posting too fast. Please wait %(n)d seconds and send again.",
            wait,
        ) % {"n": wait}
    return ngettext(
        "You are posting too fast. Please wait %(n)d minute and send again.",
        "You are posting too fast. Please wait %(n)d minutes and send again.",
        minutes,
    ) % {"n": minutes}


def _suspended_error(user) -> str | None:
    try:
        services.ensure_can_post(user)
    except services.ForumError as error:
        return error.messages[0]
    return None


def _screenshots(form) -> list:
    alt = form.cleaned_data.get("screenshot_alt", "")
    return [(image, alt) for image in form.cleaned_data.get("screenshots") or []]


def _device_guess(request) -> tuple[int | None, str]:
    """The product to pre-select for a new thread and why ("link", "browser", "saved")."""
    if slug := request.GET.get("product"):
        by_link = Product.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if by_link:
            return by_link, "link"
    model = devices.browser_model(request.headers)
    saved = list(request.user.devices.values_list("pk", flat=True))
    guess = devices.guess_product(model=model, products=selectors.product_models(), saved_ids=saved)
    if guess is None:
        return None, ""
    return guess, "browser" if model and (guess not in saved or len(saved) > 1) else "saved"


@login_required
def new_thread(request):
    """Open a thread. Bad input re-renders the form with what was typed and why; the
    device is pre-selected from the browser's model number or the fan's saved devices."""
    guess, guessed_from = _device_guess(request) if request.method == "GET" else (None, "")
    form = ThreadForm(
        request.POST or None,
        request.FILES or None,
        products=selectors.product_choices(),
        initial={"product": guess} if guess else {},
    )
    blocked = _suspended_error(request.user)
    if request.method == "POST" and not blocked and form.is_valid():
        wait = ratelimit.consume(request.user, "thread")
        if wait:
            form.add_error(None, _flood_message(wait))
        else:
            data = form.cleaned_data
            try:
                thread = services.create_thread(
                    author=request.user,
                    title=data["title"],
                    body=data["body"],
                    product=data["product"],
                    firmware=data["firmware"],
                    kind=data["kind"],
                    screenshots=_screenshots(form),
                )
            except services.ForumError as error:
                form.add_error(None, error)
            else:
                # The browser's saved draft of this form is done with (forum.js).
                messages.success(
                    request, _("Your thread is posted."), extra_tags="draft-sent-new-thread"
                )
                return redirect(thread)
    try:
        product_id = int(form["product"].value() or guess or 0) or None
    except (TypeError, ValueError):
        product_id = None
    response = render(
        request,
        "forum/thread_form.html",
        {
            "form": form,
            "blocked": blocked,
            "guessed_from": guessed_from,
            "files_lost": request.method == "POST" and bool(request.FILES),
            "device_models": [(pk, devices.model_key(m)) for pk, m in selectors.product_models()],
            "firmware_suggestions": selectors.firmware_suggestions(product_id=product_id),
        },
        status=400 if request.method == "POST" else 200,
    )
    # Ask the browser for its model number (Android browsers whose User-Agent hides it).
    response["Accept-CH"] = devices.ACCEPT_CH
    patch_vary_headers(response, ["Sec-CH-UA-Model"])
    return response


@login_required
@require_POST
def reply(request, pk: int):
    """Post a reply; on a problem the form comes back with the typed text and why."""
    thread = _thread_or_404(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    error = _suspended_error(request.user)
    if error:
        form.is_valid()
        form.add_error(None, error)
    elif form.is_valid():
        wait = ratelimit.consume(request.user, "post")
        if wait:
            form.add_error(None, _flood_message(wait))
        else:
            reply_to = None
            if form.cleaned_data.get("reply_to"):
                reply_to = Post.objects.filter(pk=form.cleaned_data["reply_to"], thread=thread)
                reply_to = reply_to.only("id", "thread_id", "author_id").first()
            try:
                post = services.create_post(
                    author=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    firmware=form.cleaned_data["firmware"],
                    screenshots=_screenshots(form),
                    reply_to=reply_to,
                )
            except services.ForumError as err:
                form.add_error(None, err)
            else:
                messages.success(
                    request, _("Your reply is posted."), extra_tags=f"draft-sent-reply-{thread.pk}"
                )
                return redirect(post)
    posts = selectors.thread_posts(thread=thread, page=10**6)  # the last page, where it goes
    context = _thread_context(request, thread, posts, form)
    reply_to = form.cleaned_data.get("reply_to") if hasattr(form, "cleaned_data") else None
    context["replying_to"] = (
        Post.objects.filter(pk=reply_to, thread=thread).select_related("author").first()
        if reply_to
        else None
    )
    response = render(request, "forum/thread.html", context)
    response.status_code = 400
    return response


@require_GET
def post_redirect(request, pk: int):
    """A link to one reply: its thread's page that shows it, anchored."""
    post = get_object_or_404(Post.objects.only("id", "thread_id", "created_at"), pk=pk)
    number = selectors.post_page_number(post)
    url = reverse("forum:thread", args=[post.thread_id])
    suffix = f"?page={number}" if number > 1 else ""
    return HttpResponseRedirect(f"{url}{suffix}#post-{post.pk}")


@login_required
def edit_thread(request, pk: int):
    """Edit one's own opening post within the edit window."""
    thread = get_object_or_404(Thread, pk=pk)
    if not services.can_edit(request.user, thread):
        raise PermissionDenied
    form = ThreadEditForm(
        request.POST or None,
        initial={
            "title": thread.title,
            "kind": thread.kind,
            "firmware": thread.firmware,
            "body": thread.body,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_thread(user=request.user, thread=thread, **form.cleaned_data)
        except services.ForumError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(thread)
    return render(request, "forum/edit_form.html", {"form": form, "item": thread})


@login_required
def edit_post(request, pk: int):
    """Edit one's own reply within the edit window."""
    post = get_object_or_404(Post.objects.select_related("thread"), pk=pk)
    if not services.can_edit(request.user, post):
        raise PermissionDenied
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(user=request.user, post=post, body=form.cleaned_data["body"])
        except services.ForumError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post)
    return render(request, "forum/edit_form.html", {"form": form, "item": post})


@login_required
def delete_thread(request, pk: int):
    """Ask, then soft-delete one's own thread."""
    thread = get_object_or_404(Thread, pk=pk, author=request.user)
    if request.method == "POST":
        services.delete_thread(user=request.user, thread=thread)
        messages.success(request, _("Your thread is deleted."))
        return redirect(thread)
    return render(request, "forum/confirm_delete.html", {"item": thread})


@login_required
def delete_post(request, pk: int):
    """Ask, then soft-delete one's own reply."""
    post = get_object_or_404(Post, pk=pk, author=request.user)
    if request.method == "POST":
        services.delete_post(user=request.user, post=post)
        messages.success(request, _("Your reply is deleted."))
        return redirect(post)
    return render(request, "forum/confirm_delete.html", {"item": post})


@login_required
@require_POST
def me_too(request, pk: int):
    """Toggle "me too" on a problem thread (one tap)."""
    thread = get_object_or_404(Thread.objects.only("id", "kind", "author_id"), pk=pk)
    try:
        added, count = services.toggle_me_too(user=request.user, thread=thread)
    except services.ForumError as error:
        if _is_fetch(request):
            return JsonResponse({"error": error.messages[0]}, status=400)
        messages.error(request, error.messages[0])
        return redirect(thread)
    if _is_fetch(request):
        level = selectors.follow_level(user=request.user, thread=thread)
        return JsonResponse(
            {
                "active": added,
                "count": count,
                "level": level or "none",
                "help": str(FOLLOW_HELP[level]),
            }
        )
    return redirect(thread)


FOLLOW_HELP = {
    Follow.Level.WATCHING: _lazy("You hear of every reply and every change of status."),
    Follow.Level.NORMAL: _lazy("You hear of status changes, and of replies to you or mentions."),
    Follow.Level.MUTED: _lazy("You hear nothing about this thread, not even mentions."),
    None: _lazy("You do not follow this thread: only mentions reach you."),
}


@login_required
@require_POST
def follow(request, pk: int):
    """Choose how to follow a thread: ``level`` is watching, normal or muted; "none"
    stops following. (``action=unfollow``/``follow`` of older pages still works.)"""
    thread = get_object_or_404(Thread.objects.only("id"), pk=pk)
    level = request.POST.get("level") or {"unfollow": "none"}.get(
        request.POST.get("action", ""), Follow.Level.WATCHING
    )
    try:
        level = services.set_follow_level(
            user=request.user, thread=thread, level=None if level == "none" else level
        )
    except services.ForumError as error:
        if _is_fetch(request):
            return JsonResponse({"error": error.messages[0]}, status=400)
        messages.error(request, error.messages[0])
        return redirect(thread)
    if _is_fetch(request):
        return JsonResponse({"level": level or "none", "help": str(FOLLOW_HELP[level])})
    return redirect(thread)


@login_required
def flag(request, pk: int, post_pk: int | None = None):
    """Report a thread or a reply to the moderators; a reason is required."""
    thread = get_object_or_404(Thread.objects.only("id", "title"), pk=pk)
    post = get_object_or_404(Post, pk=post_pk, thread=thread) if post_pk else None
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.flag(reporter=request.user, thread=thread, post=post, **form.cleaned_data)
        messages.success(request, _("Thank you. A moderator will look at it."))
        return redirect(post or thread)
    return render(request, "forum/flag_form.html", {"form": form, "thread": thread, "post": post})


@login_required
@require_POST
def pin(request, pk: int):
    """Staff pin an official reply to the top of its thread (or unpin it)."""
    if not request.user.is_staff:
        raise PermissionDenied
    thread = get_object_or_404(Thread, pk=pk)
    post_pk = request.POST.get("post")
    post = get_object_or_404(Post, pk=post_pk, thread=thread) if post_pk else None
    try:
        services.pin_answer(moderator=request.user, thread=thread, post=post)
    except services.ForumError as error:
        messages.error(request, error.messages[0])
    return redirect(thread)


@login_required
@require_GET
def notifications(request):
    """The bell's list: newest first, unread ones marked."""
    page = selectors.notifications(user=request.user, page=request.GET.get("page", 1))
    return render(request, "forum/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_notifications_read(user=request.user, ids=[item.pk])
    if item.post_id:
        return redirect("forum:post", item.post_id)
    if item.thread_id:
        return redirect("forum:thread", item.thread_id)
    return redirect("forum:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    """Mark every notification read."""
    services.mark_notifications_read(user=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("forum:notifications")
    return redirect(target)


@require_GET
def search(request):
    """Search threads (and replies) the way fans write: slang, both languages, any form
    of a word; filters by product, kind and status; "did you mean" for a typo."""
    products = selectors.product_choices()
    form = SearchForm(request.GET or None, products=products, auto_id="search-%s")
    text, filters = "", selectors.SearchFilters()
    if form.is_valid():
        text = form.cleaned_data["q"]
        filters = selectors.SearchFilters(
            product=form.cleaned_data["product"],
            kind=form.cleaned_data["kind"],
            status=form.cleaned_data["status"],
        )
    page = (
        selectors.search(text=text, filters=filters, page=request.GET.get("page", 1))
        if text
        else None
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "q": text,
        "q_errors": form.errors.get("q", []),
        # The filters as asked (kept as typed when one is not a choice).
        "chosen": {name: request.GET.get(name, "") for name in ("product", "kind", "status")},
        "products": products,
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "page": page,
        "query_without_page": query.urlencode(),
    }
    if page is not None:
        context.update(_search_results(page, query))
    return render(request, "forum/search.html", context)


def _search_results(page, query) -> dict:
    """What the search page shows of ``page``: rows, replies, counts and "did you mean",
    every text in the reader's language."""
    count = (
        ngettext("More than %(n)s thread found", "More than %(n)s threads found", page.total)
        if page.extra["capped"]
        else ngettext("%(n)s thread found", "%(n)s threads found", page.total)
    )
    suggestion = page.extra["suggestion"]
    if suggestion:
        again = query.copy()
        again.pop("q", None)
        again["q"] = suggestion["text"]
        n = suggestion["total"]
        suggestion = {
            "text": suggestion["text"],
            "query": again.urlencode(),
            "found": ngettext("%(n)s thread", "%(n)s threads", n) % {"n": n},
        }
    return {
        "rows": thread_rows(page.items),
        "found": count % {"n": page.total},
        "suggestion": suggestion,
        "replies": [
            {
                "pk": post.pk,
                "title": post.thread.title,
                "by": author_name(post),
                "excerpt": Truncator(post.body).chars(160),
            }
            for post in page.extra["replies"]
        ],
    }


@require_GET
def firmware_suggestions(request):
    """Versions already reported for a product, for the form's datalist (JSON)."""
    try:
        product_id = int(request.GET.get("product", ""))
    except ValueError:
        product_id = None
    return JsonResponse({"versions": selectors.firmware_suggestions(product_id=product_id)})


def too_many_lookups(wait: int) -> JsonResponse:
    """The 429 answer to a composer lookup over its rate limit, with Retry-After."""
    response = JsonResponse(
        {
            "error": ngettext(
                "Too many lookups. Try again in %(seconds)d second.",
                "Too many lookups. Try again in %(seconds)d seconds.",
                wait,
            )
            % {"seconds": wait}
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@login_required
@require_POST
def preview(request):
    """A post's Markdown rendered as it will show (JSON), for the composer's preview.
    Limited like the composer's other lookups (each renders up to a whole post)."""
    if wait := ratelimit.consume(request.user, "similar"):
        return too_many_lookups(wait)
    body = request.POST.get("body", "")[:BODY_MAX_LENGTH]
    thread_id = request.POST.get("thread", "")
    html = services.render_preview(body, int(thread_id) if thread_id.isdigit() else None)
    return JsonResponse({"html": html})


@login_required
@require_GET
def mention_suggestions(request, pk: int):
    """Members to @mention in a reply, the thread's people first (JSON); limited like
    the composer's other lookups."""
    if wait := ratelimit.consume(request.user, "similar"):
        return too_many_lookups(wait)
    prefix = request.GET.get("q", "")[:40]
    return JsonResponse({"people": mentions.participants_matching(pk, prefix)})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe from mail: about one thread (it is muted) or all status and
    reply mail. GET asks (mail scanners follow links); POST does it, also straight from a
    mail client (RFC 8058 "List-Unsubscribe=One-Click", without a CSRF token: the signed
    token is the proof)."""
    try:
        user_id, thread_id = emails.read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404 from None
    person = get_object_or_404(User, pk=user_id)
    thread = (
        get_object_or_404(Thread.objects.only("id", "title"), pk=thread_id) if thread_id else None
    )
    done = False
    if request.method == "POST":
        if thread is not None:
            services.set_follow_level(user=person, thread=thread, level=Follow.Level.MUTED)
        else:
            account_services.stop_mail(person)
        done = True
    return render(
        request, "forum/unsubscribe.html", {"person": person, "thread": thread, "done": done}
    )
