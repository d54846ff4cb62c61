"""Tanggap's triage engine: plain Python, no Django.

Per thread, :func:`analyse` normalises the text, detects the product, decides severity and
escalation risk (with reasons) and returns the thread's terms; a :class:`ClusterIndex`,
rebuilt from stored terms and cluster keys, answers "similar threads", assigns a thread to a
cluster online and consolidates clusters in a batch pass. See docs/engine.md.
"""

from triage.engine.analysis import Analysis, analyse
from triage.engine.clustering import (
    Assignment,
    ClusterIndex,
    ClusterLabel,
    Consolidation,
    Lesson,
    StoredThread,
    Tie,
    learned_link,
)
from triage.engine.escalation import ALERT_SCORE, EscalationRisk
from triage.engine.firmware import firmware_at_or_after
from triage.engine.normalize import FirmwareParts, normalize, parse_firmware
from triage.engine.products import Catalog, Product, ProductGuess
from triage.engine.scale import SEVERITIES, severity_rank
from triage.engine.severity import SeverityDecision, cluster_severity

__all__ = [
    "ALERT_SCORE",
    "Analysis",
    "Assignment",
    "Catalog",
    "ClusterIndex",
    "ClusterLabel",
    "Consolidation",
    "EscalationRisk",
    "FirmwareParts",
    "Product",
    "ProductGuess",
    "SEVERITIES",
    "SeverityDecision",
    "Lesson",
    "StoredThread",
    "Tie",
    "analyse",
    "cluster_severity",
    "firmware_at_or_after",
    "learned_link",
    "normalize",
    "parse_firmware",
    "severity_rank",
]
