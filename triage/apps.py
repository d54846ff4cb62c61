from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Triage")

    def ready(self) -> None:
        """Listen to the forum's events (``forum.events``, sent after commit), give the
        forum's search the engine's way of reading text and the thread page its problem
        box."""
        from django.template.loader import render_to_string

        from forum import events, problem_box, textsearch
        from triage import search, selectors
        from triage.tasks import queue_refresh, queue_triage, queue_visibility_changed

        textsearch.register(document=search.document_terms, query=search.query_units)

        # A thread page tells the status of its problem and how many have it (one query).
        def box(request, thread) -> problem_box.ProblemBox | None:
            status = selectors.thread_cluster_status(thread.pk)
            if status is None:
                return None
            context = {"cluster_status": status, "thread": thread, "user": request.user}
            html = render_to_string("triage/thread_status.html", context)
            return problem_box.ProblemBox(html=html, status=status.status, others=status.others)

        problem_box.register(box)

        # A new thread is triaged; an edited one is read again (triage_thread skips an
        # edit that changed nothing the engine reads).
        def triage(sender, thread_id: int, **kwargs) -> None:
            queue_triage(thread_id)

        # A reply or a "me too" changes the cluster's spread; a take-down or restore also
        # its label (figures and label count visible threads only).
        def activity(sender, thread_id: int, change: str, **kwargs) -> None:
            if change == events.VISIBILITY:
                queue_visibility_changed(thread_id)
            else:
                queue_refresh(thread_id)

        events.thread_created.connect(triage, weak=False, dispatch_uid="triage.created")
        events.thread_edited.connect(triage, weak=False, dispatch_uid="triage.edited")
        events.thread_activity.connect(activity, weak=False, dispatch_uid="triage.activity")
