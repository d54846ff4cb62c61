"""Screenshots after their post is saved: re-encoded from the checked upload into the
image fans see (``forum.tasks.encode_screenshots`` runs this in a worker)."""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from forum.models import Notification, Screenshot, screenshot_path
from forum.notifications import notify
from forum.uploads import check_image, encode_image

log = logging.getLogger(__name__)


def encode_screenshots(screenshot_ids: Iterable[int]) -> int:
    """Re-encode uploads waiting in ``Screenshot.original`` into their public image.

    Runs in a worker (``forum.tasks``), one image at a time. Idempotent: a screenshot
    already encoded (by another worker or the sweeper) is skipped, and a file written
    in a race that was lost is deleted again. An upload that turns out to be broken
    past its header is removed and its author told so. Returns how many were encoded.
    """
    done = 0
    for shot_id in screenshot_ids:
        shot = (
            Screenshot.objects.filter(pk=shot_id, original__isnull=False)
            .select_related("thread", "post")
            .first()
        )
        if shot is None:
            continue
        upload = ContentFile(bytes(shot.original), name=f"screenshot-{shot.pk}")
        try:
            clean = encode_image(check_image(upload))
        except ValidationError:
            _drop_broken_screenshot(shot)
            continue
        name = shot.image.storage.save(screenshot_path(shot, clean.content.name), clean.content)
        won = Screenshot.objects.filter(pk=shot.pk, original__isnull=False).update(
            image=name, width=clean.width, height=clean.height, original=None
        )
        if won:
            done += 1
        else:
            shot.image.storage.delete(name)
    return done


def _drop_broken_screenshot(shot: Screenshot) -> None:
    log.warning("screenshot %s could not be decoded; removed", shot.pk)
    if Screenshot.objects.filter(pk=shot.pk, original__isnull=False).delete()[0]:
        author_id = shot.post.author_id if shot.post_id else shot.thread.author_id
        if author_id:
            notify(
                recipients=[author_id],
                verb=Notification.Verb.SCREENSHOT,
                thread=shot.thread,
                post=shot.post,
            )
