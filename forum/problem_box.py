"""What a thread page says about the problem the thread belongs to: a hook another app fills.

The forum does not group threads into problems; the triage app does, and registers from
its ``AppConfig.ready()`` a function that gives, for a thread, the box to show under its
title (the problem's status and how many people have it) or None when there is nothing
to tell. The forum imports nothing from triage; without a registered function (the forum
alone) a thread page has no problem box and shows its own status and "me too" count.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from forum.models import Thread


@dataclass(frozen=True)
class ProblemBox:
    """The box's HTML (already escaped), the problem's status and the people other than
    the reader who have it: the page's own badge and count step aside for them."""

    html: str
    status: str
    others: int


Provider = Callable[[HttpRequest, Thread], ProblemBox | None]

_provider: list[Provider] = []


def register(provider: Provider) -> None:
    """Use ``provider`` for every thread page (a second registration replaces the first)."""
    _provider[:] = [provider]


def for_thread(request: HttpRequest, thread: Thread) -> ProblemBox | None:
    """The problem box of ``thread``'s page, or None."""
    return _provider[0](request, thread) if _provider else None
