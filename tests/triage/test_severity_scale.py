"""The database stores the engine's severity scale, in the engine's order."""

from triage import engine
from triage.models import Severity


def test_the_database_choices_are_the_engine_scale_worst_first():
    assert tuple(Severity.values) == engine.SEVERITIES
    ranks = [engine.severity_rank(level) for level in Severity.values]
    assert ranks == sorted(ranks, reverse=True)
