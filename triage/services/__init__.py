"""Every triage write: one function per change of state, called by tasks, admin and API.

One module per concern, each with the writes of its kind:

- ``pipeline``: triage one thread (engine, cluster, figures) and the sweeper;
- ``clusters``: the one way clusters are opened and merged and threads placed in them,
  and the one way a cluster's status reaches its threads (through ``forum.services``:
  the forum writes its own rows);
- ``figures``: spread, severity vote, heat and label of clusters;
- ``status``: status changes, forwards to engineering, regressions;
- ``alerts``: alerts opened, mailed and closed; spike detection;
- ``consolidation``: the batch pass;
- ``console``: the managers' actions (confirm, severity, merge and undo, move, reply);
- ``lessons``: what those corrections teach the engine;
- ``audit``: the audit log every write leaves, and engineering's webhooks.

The names callers use are re-exported here.
"""

from triage.engine import firmware_at_or_after
from triage.services.alerts import ESCALATING, close_alerts, detect_spikes, open_alert
from triage.services.audit import log_event
from triage.services.console import (
    TriageError,
    confirm_cluster,
    merge_clusters,
    move_threads,
    post_official_reply,
    set_severity,
    unmerge,
)
from triage.services.consolidation import consolidate_clusters
from triage.services.figures import refresh_all_figures, refresh_figures, relabel
from triage.services.pipeline import (
    content_hash,
    refresh_thread_cluster,
    sweep,
    thread_visibility_changed,
    triage_thread,
    untriaged_threads,
)
from triage.services.status import forward_cluster, set_status

__all__ = [
    "ESCALATING",
    "TriageError",
    "close_alerts",
    "confirm_cluster",
    "consolidate_clusters",
    "content_hash",
    "detect_spikes",
    "firmware_at_or_after",
    "forward_cluster",
    "log_event",
    "merge_clusters",
    "move_threads",
    "open_alert",
    "post_official_reply",
    "refresh_all_figures",
    "refresh_figures",
    "refresh_thread_cluster",
    "relabel",
    "set_severity",
    "set_status",
    "sweep",
    "thread_visibility_changed",
    "triage_thread",
    "unmerge",
    "untriaged_threads",
]
