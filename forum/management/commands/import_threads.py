"""Import threads from JSON Lines: an old forum's export, or complaints from social media.

One JSON object a line: ``external_id`` and ``title`` and ``body`` (required),
``product`` (a catalog marketing name or alias, any case; may be empty or missing),
``firmware``, ``kind`` (problem/question/suggestion), ``author`` (a display name),
``created_at`` (ISO 8601) and ``source_url``. Other keys (such as the demo corpus's
labels) are ignored.

Every thread is created through ``forum.services.create_thread``, the same path as a
thread posted in the browser, so imported threads are triaged too. Lines whose
``external_id`` was already imported are skipped, so running the same file twice
imports nothing new. A bad line is reported on stderr as ``line 17: <reason>`` and the
import goes on.
"""

import json
import time
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError
from django.utils import timezone

from accounts.models import User
from forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Kind, Product, Thread
from forum.services import create_thread

TEXT_FIELDS = ("external_id", "title", "body", "product", "firmware", "kind", "author",
               "created_at", "source_url")  # fmt: skip
MAX_LENGTHS = {"external_id": 200, "firmware": 80, "author": 100, "source_url": 500}


class BadLine(Exception):
    """A line that cannot be imported; the message says why."""


class Resolver:
    """Products by name or alias and authors by display name, looked up once each."""

    def __init__(self):
        self.products: dict[str, Product] = {}
        for product in Product.objects.all():
            for name in (product.marketing_name, *product.alias_list):
                self.products.setdefault(_key(name), product)
        self.authors: dict[str, User | None] = {}

    def product(self, name: str) -> Product | None:
        return self.products.get(_key(name))

    def author(self, name: str) -> User | None:
        # Only a display name that exactly one account has is trusted to be that person.
        if name not in self.authors:
            users = list(User.objects.filter(display_name=name, is_active=True)[:2])
            self.authors[name] = users[0] if len(users) == 1 else None
        return self.authors[name]


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def parse_line(raw: bytes, resolver: Resolver, *, unknown_product_empty: bool) -> dict:
    """The keyword arguments of ``create_thread`` for one line, or BadLine."""
    try:
        text = raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise BadLine(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise BadLine("not a JSON object")
    for name in TEXT_FIELDS:
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            raise BadLine(f"{name} must be a string")
        if value and "\x00" in value:
            raise BadLine(f"{name} contains a NUL character")
        if value and len(value) > MAX_LENGTHS.get(name, 10**9):
            raise BadLine(f"{name} is longer than {MAX_LENGTHS[name]} characters")
    external_id = (row.get("external_id") or "").strip()
    title = (row.get("title") or "").strip()
    body = row.get("body") or ""
    if not external_id:
        raise BadLine("external_id is missing")
    if not title:
        raise BadLine("title is missing")
    if len(title) > TITLE_MAX_LENGTH:
        raise BadLine(f"title is longer than {TITLE_MAX_LENGTH} characters")
    if not body.strip():
        raise BadLine("body is missing")
    if len(body) > BODY_MAX_LENGTH:
        raise BadLine(f"body is longer than {BODY_MAX_LENGTH} characters")
    kind = (row.get("kind") or Kind.PROBLEM).strip().lower()
    if kind not in Kind.values:
        raise BadLine(f"kind {kind!r} is not one of {', '.join(Kind.values)}")
    product_name = (row.get("product") or "").strip()
    product = resolver.product(product_name) if product_name else None
    if product_name and product is None and not unknown_product_empty:
        raise BadLine(f"unknown product {product_name!r} (not a catalog name or alias)")
    created_at = _parse_date(row.get("created_at"))
    source_url = (row.get("source_url") or "").strip()
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            raise BadLine(f"source_url {source_url[:80]!r} is not an http(s) URL") from None
    author_name = (row.get("author") or "").strip()
    author = resolver.author(author_name) if author_name else None
    return {
        "external_id": external_id,
        "title": title,
        "body": body,
        "product": product,
        "firmware": (row.get("firmware") or "").strip(),
        "kind": kind,
        "created_at": created_at,
        "source_url": source_url,
        "author": author,
        "external_author": "" if author else (author_name or "imported")[:100],
    }


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadLine(f"created_at {value[:40]!r} is not an ISO 8601 date") from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + timedelta(days=1):
        raise BadLine(f"created_at {value[:40]!r} is in the future")
    return when


class Command(BaseCommand):
    help = (
        "Import threads from a JSON Lines file (external_id, title, body, product, firmware, "
        "kind, author, created_at, source_url). Idempotent on external_id; bad lines are "
        "reported on stderr and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines file, one thread a line")
        parser.add_argument(
            "--progress", type=int, default=1000, help="report progress every N lines"
        )
        parser.add_argument(
            "--unknown-product-empty",
            action="store_true",
            help="import lines naming an unknown product without a product (triage detects "
            "it from the text) instead of reporting them as bad",
        )

    def handle(self, *args, file, progress, unknown_product_empty, **options):
        try:
            handle = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        resolver = Resolver()
        imported = skipped = bad = 0
        started = time.monotonic()
        with handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    kwargs = parse_line(raw, resolver, unknown_product_empty=unknown_product_empty)
                    if Thread.objects.filter(external_id=kwargs["external_id"]).exists():
                        skipped += 1
                    else:
                        create_thread(**kwargs)
                        imported += 1
                except BadLine as exc:
                    bad += 1
                    self.stderr.write(f"line {number}: {exc}")
                except IntegrityError:
                    skipped += 1  # imported meanwhile by another run
                except (ValidationError, DatabaseError) as exc:
                    bad += 1
                    reason = "; ".join(getattr(exc, "messages", [])) or str(exc).splitlines()[0]
                    self.stderr.write(f"line {number}: {reason}")
                if progress and number % progress == 0:
                    self.stdout.write(
                        f"line {number}: {imported} imported, {skipped} already there, "
                        f"{bad} bad ({number / (time.monotonic() - started):.0f} lines/s)"
                    )
        self.stdout.write(
            f"Imported {imported} threads, skipped {skipped} already imported, "
            f"{bad} bad lines, in {time.monotonic() - started:.1f}s."
        )
        if imported == 0 and bad:
            raise CommandError("nothing was imported", returncode=1)
