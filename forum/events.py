"""What the forum tells other apps about its threads (triage listens).

Each event is sent by ``forum.services`` once the transaction that made the change has
committed, with the thread's id; a listening app connects to it in its ``ready()``.
The forum never imports its listeners.
"""

from django.db import transaction
from django.dispatch import Signal

from forum.models import Thread

# A thread was opened (``thread_id``).
thread_created = Signal()
# What a thread says changed: its title, body, firmware, kind or product (``thread_id``),
# by its author or a moderator.
thread_edited = Signal()
# Who has a thread's problem, or what the public sees of it, changed (``thread_id``,
# ``change``: one of the values below).
thread_activity = Signal()

REPLY = "reply"  # a reply was posted
ME_TOO = "me_too"  # a "me too" was added or taken back
VISIBILITY = "visibility"  # the thread or a reply was hidden, restored or deleted


def announce(event: Signal, thread_id: int, **data) -> None:
    """Send ``event`` about ``thread_id`` after the current transaction commits (at once
    outside a transaction), so a listener never reads a row that is not there yet."""
    transaction.on_commit(lambda: event.send(sender=Thread, thread_id=thread_id, **data))
