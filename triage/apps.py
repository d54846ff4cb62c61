from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from forum import textsearch
        from forum.models import MeToo, Post, Thread
        from forum.services import thread_activity, thread_created
        from triage import search
        from triage.tasks import queue_refresh, queue_triage, queue_visibility_changed
        from triage.webhooks import dispatch  # noqa: F401 (connects webhooks to triage_event)

        # The forum's search reads text the way the engine does.
        textsearch.register(document=search.document_terms, query=search.query_units)

        # forum sends this after the thread's transaction committed.
        thread_created.connect(
            lambda sender, thread_id, **kw: queue_triage(thread_id),
            weak=False,
            dispatch_uid="triage.queue_on_thread_created",
        )

        # A "me too" (or taking it back) and a reply change the cluster's spread.
        def activity(sender, instance, **kwargs):
            transaction.on_commit(lambda: queue_refresh(instance.thread_id))

        # Hidden, restored or deleted: the cluster's figures and label follow (forum sends
        # this after commit).
        thread_activity.connect(
            lambda sender, thread_id, **kw: queue_visibility_changed(thread_id),
            weak=False,
            dispatch_uid="triage.visibility",
        )
        post_save.connect(activity, sender=MeToo, weak=False, dispatch_uid="triage.metoo")
        post_delete.connect(activity, sender=MeToo, weak=False, dispatch_uid="triage.metoo_del")
        post_save.connect(activity, sender=Post, weak=False, dispatch_uid="triage.post")

        # An edited opening post is read again (triage_thread skips unchanged content).
        def edited(sender, instance, created, update_fields=None, **kwargs):
            if not created and update_fields and "edited_at" in update_fields:
                transaction.on_commit(lambda: queue_triage(instance.pk))

        post_save.connect(edited, sender=Thread, weak=False, dispatch_uid="triage.edited")
