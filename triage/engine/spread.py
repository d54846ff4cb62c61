"""How bad and how fast: the heat of a cluster and the spike test on hourly counts.

Both are plain functions of numbers the pipeline reads from the database, so managers
can read the formula (:data:`HEAT_FORMULA`, put in words by the console) and tests can
feed them synthetic timelines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import poisson

from triage.engine.scale import CRITICAL, MAJOR, MINOR, SUGGESTION

# Points for how bad one report is, on the engine's severity scale.
SEVERITY_POINTS: dict[str, float] = {CRITICAL: 60.0, MAJOR: 30.0, MINOR: 12.0, SUGGESTION: 6.0}

HEAT_FORMULA = (
    "heat = (severity points + 6 × reporters + 3 × me-too votes + 1 × replies + "
    "4 × reporters per 100,000 devices) × growth × escalation × recency. "
    "Severity points: critical 60, major 30, minor 12, suggestion 6. "
    "growth = 1 + min(3, max(0, (reports in the last 24 h − reports in the 24 h before) "
    "/ max(1, reports in the 24 h before))). "
    "escalation = 1 + highest escalation risk among the posts (0 to 1). "
    "recency = 0.5 ^ (days since the last report / 14)."
)


@dataclass(frozen=True)
class SpreadFigures:
    """The numbers heat is made of, as the pipeline counts them for one cluster."""

    severity: str
    reporters: int
    me_too: int
    replies: int
    reports_last_24h: int
    reports_previous_24h: int
    days_since_last_report: float
    escalation: float = 0.0
    active_devices: int | None = None


def growth(recent: int, previous: int) -> float:
    """Relative growth of the last period over the one before, 0 when not growing."""
    return max(0.0, (recent - previous) / max(1, previous))


def per_100k(count: int, active_devices: int | None) -> float | None:
    """``count`` per 100,000 active devices, or None when the estimate is unknown."""
    if not active_devices:
        return None
    return count * 100_000 / active_devices


def heat(figures: SpreadFigures) -> float:
    """One number that ranks clusters by impact; see :data:`HEAT_FORMULA`.

    Like Launchpad's bug heat it adds points for severity and for every person
    affected, but it also multiplies by recent growth (a problem spreading now outranks
    a larger one that has stopped), by escalation risk, and decays with the time since
    the last report. Reporters per 100,000 devices keep a small product's widespread
    problem from being drowned out by a big product's large raw counts.
    """
    points = SEVERITY_POINTS.get(figures.severity, SEVERITY_POINTS[MINOR])
    points += 6 * figures.reporters + 3 * figures.me_too + figures.replies
    density = per_100k(figures.reporters + figures.me_too, figures.active_devices)
    if density is not None:
        points += 4 * density
    grow = 1 + min(3.0, growth(figures.reports_last_24h, figures.reports_previous_24h))
    escalate = 1 + min(1.0, max(0.0, figures.escalation))
    recency = 0.5 ** (max(0.0, figures.days_since_last_report) / 14)
    return round(points * grow * escalate * recency, 2)


@dataclass(frozen=True)
class Spike:
    """The outcome of the spike test on one series of hourly counts."""

    is_spike: bool
    window_hours: int
    observed: int
    expected: float
    p_value: float

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected else math.inf


# Tuned on synthetic timelines (tests/engine/test_spread.py): steady Poisson traffic of
# 0.1 to 20 reports an hour over a week raises nothing, a burst of 3× baseline and at
# least MIN_REPORTS in an hour or in three hours does.
WINDOWS = (1, 3)
MIN_REPORTS = 5
MIN_RATIO = 3.0
P_VALUE = 1e-4
EWMA_HALF_LIFE_HOURS = 24.0
BASELINE_FLOOR = 0.1  # reports an hour assumed for a series with no history


def baseline_rate(history: Sequence[int], half_life: float = EWMA_HALF_LIFE_HOURS) -> float:
    """Exponentially weighted mean of hourly counts (oldest first), recent hours weigh more.

    The mean starts from the first hour's count and never falls below the plain mean
    of ``history`` nor :data:`BASELINE_FLOOR`, so a series with no history is compared
    with a small expected rate instead of zero.
    """
    if not history:
        return BASELINE_FLOOR
    alpha = 1 - 0.5 ** (1 / half_life)
    level = float(history[0])
    for count in history[1:]:
        level += alpha * (count - level)
    # A quiet stretch pulls the EWMA below the series' usual rate, and ordinary noise
    # would then look like a burst: never expect less than the long-run mean.
    return max(BASELINE_FLOOR, level, sum(history) / len(history))


def detect_spike(hourly: Sequence[int]) -> Spike:
    """Is the end of ``hourly`` (counts per hour, oldest first) far above its own past?

    For each window of the last 1 and 3 hours, the hours before the window give an
    EWMA baseline rate; the window's count is a spike when it is at least
    :data:`MIN_REPORTS`, at least :data:`MIN_RATIO` times the expected count, and a
    Poisson test puts the chance of seeing that many at the baseline rate below
    :data:`P_VALUE`. Returns the most significant window.
    """
    best: Spike | None = None
    for window in WINDOWS:
        if len(hourly) < window:
            continue
        observed = int(sum(hourly[-window:]))
        expected = baseline_rate(hourly[:-window]) * window
        p_value = float(poisson.sf(observed - 1, expected)) if observed > 0 else 1.0
        spike = Spike(
            is_spike=(
                observed >= MIN_REPORTS and observed >= MIN_RATIO * expected and p_value < P_VALUE
            ),
            window_hours=window,
            observed=observed,
            expected=round(expected, 3),
            p_value=p_value,
        )
        if best is None or (spike.is_spike, -spike.p_value) > (best.is_spike, -best.p_value):
            best = spike
    return best or Spike(False, 1, 0, BASELINE_FLOOR, 1.0)
