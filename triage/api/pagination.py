"""Keyset (cursor) pagination over one field plus the id, both ways.

A page is "the rows after this key", not "rows 500 to 550": it costs the same deep in
the feed as on top, and a cluster that changes while a client pages does not make the
client skip or repeat others. The key is (field, id), so rows that tie on the field
(equal heat, the same last_seen) still page in a stable order; NULL sorts as the
largest value, as PostgreSQL's indexes keep it.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import OrderedDict
from datetime import UTC
from typing import Any

from django.db.models import DateTimeField, F, FloatField, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_CURSOR_CHARS = 512
MAX_ID = 2**63 - 1  # the largest id (and whole number) the database holds


def _invalid(parameter: str, message: str) -> ValidationError:
    """A 400 shaped like the filters' and serializers': {"parameter": ["why"]}."""
    return ValidationError({parameter: [message]})


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a value of a cursor")


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ValueError("not a whole number the database holds")
    return value


class KeysetPagination(BasePagination):
    """Cursor pagination ordered by one of ``orderings`` (``?ordering=-heat``), id last.

    ``-field`` orders (field descending, id ascending); ``field`` is its exact reverse,
    so one index on (-field, id) serves both.
    """

    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    ordering_param = "ordering"
    orderings: tuple[str, ...] = ("id",)
    default_ordering = "id"

    # --- the page -----------------------------------------------------------------

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        self.base_url = request.build_absolute_uri()
        size = self.get_page_size(request)
        self.ordering = self.get_ordering(request)
        field, descending = self.ordering.lstrip("-"), self.ordering.startswith("-")
        self.model_field = queryset.model._meta.get_field(field)
        cursor = self.decode_cursor(request)
        backwards = bool(cursor and cursor["backwards"])
        rows = queryset.order_by(*self._order(field, descending != backwards))
        if cursor:
            rows = rows.filter(self._beyond(field, descending != backwards, cursor))
        rows = list(rows[: size + 1])
        more = len(rows) > size
        # The row after the page: it decides the next link, so validators include it.
        self.peek = rows[size:]
        rows = rows[:size]
        if backwards:
            rows.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = cursor is not None, more
        self.first, self.last = (rows[0], rows[-1]) if rows else (None, None)
        self.field = field
        return rows

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", raw):  # int() would take " 5", "+5" and "٥"
            raise _invalid(self.page_size_query_param, _("Send a whole number."))
        size = int(raw)
        if not 1 <= size <= self.max_page_size:
            message = _("Between 1 and %(max)d.") % {"max": self.max_page_size}
            raise _invalid(self.page_size_query_param, message)
        return size

    def get_ordering(self, request) -> str:
        ordering = request.query_params.get(self.ordering_param, self.default_ordering)
        allowed = self.allowed_orderings()
        if ordering not in allowed:
            message = _("One of: %(allowed)s.") % {"allowed": ", ".join(allowed)}
            raise _invalid(self.ordering_param, message)
        return ordering

    def allowed_orderings(self) -> list[str]:
        return [o for field in self.orderings for o in (f"-{field}", field)]

    def _order(self, field: str, descending: bool) -> list:
        if field == "id":
            return ["-id" if descending else "id"]
        nullable = self.model_field.null
        if descending:
            return [F(field).desc(nulls_first=True) if nullable else F(field).desc(), "id"]
        return [F(field).asc(nulls_last=True) if nullable else F(field).asc(), "-id"]

    def _beyond(self, field: str, descending: bool, cursor: dict) -> Q:
        """Rows strictly after the cursor's key in this order (NULL is the largest)."""
        value, pk = cursor["value"], cursor["id"]
        if field == "id":
            return Q(id__lt=pk) if descending else Q(id__gt=pk)
        if descending:  # field descending, id ascending
            if value is None:
                return Q(**{f"{field}__isnull": False}) | Q(**{f"{field}__isnull": True}, id__gt=pk)
            return Q(**{f"{field}__lt": value}) | Q(**{field: value}, id__gt=pk)
        if value is None:  # field ascending, id descending
            return Q(**{f"{field}__isnull": True}, id__lt=pk)
        after = Q(**{f"{field}__gt": value}) | Q(**{field: value}, id__lt=pk)
        if self.model_field.null:
            after |= Q(**{f"{field}__isnull": True})
        return after

    # --- cursors -------------------------------------------------------------------

    def encode_cursor(self, row, backwards: bool) -> str:
        value = getattr(row, self.field)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        payload = {"o": self.ordering, "v": value, "k": row.pk, "b": int(backwards)}
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    def decode_cursor(self, request) -> dict | None:
        """The key a cursor carries, or a 400 for anything this class did not write.

        Every part is checked for its type and range before it reaches a query: a
        crafted cursor (an over-long number, Infinity or NaN, nested JSON, not base64)
        is refused, never an error of the database or of Python.
        """
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            # Ours are under 200 characters; the cap also bounds how deep JSON can nest.
            if len(token) > MAX_CURSOR_CHARS:
                raise ValueError("too long")
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = json.loads(raw, parse_constant=_no_constants)
            if not isinstance(payload, dict) or payload.get("o") != self.ordering:
                raise ValueError("the cursor belongs to another ordering")
            pk = _whole_number(payload["k"])
            value = self._parse(payload["v"])
            backwards = payload.get("b", 0)
            if backwards not in (0, 1):
                raise ValueError("not a direction")
        except (binascii.Error, ValueError, TypeError, KeyError, OverflowError):
            message = _("Invalid cursor: use the next or previous link as is.")
            raise _invalid(self.cursor_query_param, message) from None
        return {"id": pk, "value": value, "backwards": bool(backwards)}

    def _parse(self, value: Any) -> Any:
        if value is None or self.model_field.name == "id":
            return value
        if isinstance(self.model_field, DateTimeField):
            parsed = parse_datetime(value) if isinstance(value, str) and len(value) < 40 else None
            if parsed is None or parsed.tzinfo is None:
                raise ValueError("not a date and time")
            return parsed.astimezone(UTC)  # an offset past year 9999: OverflowError
        if isinstance(self.model_field, FloatField):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("not a number")
            if not math.isfinite(float(value)):
                raise ValueError("not a finite number")
            return float(value)
        return _whole_number(value)

    # --- the response ----------------------------------------------------------------

    def get_next_link(self) -> str | None:
        if not self.has_next or self.last is None:
            return None
        return replace_query_param(
            self.base_url, self.cursor_query_param, self.encode_cursor(self.last, False)
        )

    def get_previous_link(self) -> str | None:
        if not self.has_previous or self.first is None:
            return None
        return replace_query_param(
            self.base_url, self.cursor_query_param, self.encode_cursor(self.first, True)
        )

    def get_paginated_response(self, data) -> Response:
        return Response(
            OrderedDict(
                [
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from a previous page's next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows a page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
        parameters.append(
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Order of the rows; a leading minus means descending "
                f"(default {self.default_ordering}). Ties are broken by id.",
                "schema": {"type": "string", "enum": self.allowed_orderings()},
            }
        )
        return parameters


class ClusterPagination(KeysetPagination):
    orderings = ("heat", "last_seen", "first_seen", "updated_at")
    default_ordering = "-heat"


class ThreadPagination(KeysetPagination):
    orderings = ("created_at",)
    default_ordering = "-created_at"


class ProductPagination(KeysetPagination):
    page_size = 100
    orderings = ("id",)
    default_ordering = "id"
