"""Heat ranks by impact; the spike test ignores steady traffic and catches bursts."""

import numpy as np
import pytest

from triage.engine.spread import SpreadFigures, baseline_rate, detect_spike, heat, per_100k

WEEK = 24 * 7


def figures(**overrides):
    return SpreadFigures(
        **{
            "severity": "major",
            "reporters": 10,
            "me_too": 10,
            "replies": 10,
            "reports_last_24h": 2,
            "reports_previous_24h": 2,
            "days_since_last_report": 0,
            **overrides,
        }
    )


def test_worse_severity_and_more_people_mean_more_heat():
    assert heat(figures(severity="critical")) > heat(figures(severity="major"))
    assert heat(figures(severity="major")) > heat(figures(severity="minor"))
    assert heat(figures(reporters=20)) > heat(figures(reporters=10))
    assert heat(figures(me_too=50)) > heat(figures(me_too=10))


def test_a_growing_problem_outranks_a_larger_one_that_stopped():
    growing = figures(reporters=10, reports_last_24h=12, reports_previous_24h=3)
    stopped = figures(
        reporters=25, reports_last_24h=0, reports_previous_24h=0, days_since_last_report=10
    )
    assert heat(growing) > heat(stopped)


def test_escalation_raises_heat():
    assert heat(figures(escalation=0.8)) > heat(figures(escalation=0.0))


def test_small_product_is_not_drowned_out_by_a_big_one():
    small = figures(reporters=30, me_too=30, active_devices=50_000)
    big = figures(reporters=40, me_too=40, active_devices=20_000_000)
    assert per_100k(60, 50_000) == 120
    assert heat(small) > heat(big)


def test_heat_cools_down_with_time_since_the_last_report():
    assert heat(figures(days_since_last_report=14)) == pytest.approx(heat(figures()) / 2, rel=0.01)


def test_baseline_of_no_history_is_a_small_floor():
    assert baseline_rate([]) == pytest.approx(0.1)
    assert baseline_rate([0] * 50) == pytest.approx(0.1)
    assert baseline_rate([4] * 100) == pytest.approx(4)


@pytest.mark.parametrize("rate", [0.05, 0.3, 1, 3, 10, 25])
def test_steady_traffic_never_alerts(rate):
    rng = np.random.default_rng(int(rate * 100))
    for _ in range(20):
        series = rng.poisson(rate, 2 * WEEK).tolist()
        alerts = [h for h in range(WEEK, len(series)) if detect_spike(series[: h + 1]).is_spike]
        assert alerts == [], f"steady {rate}/h alerted at hours {alerts}"


@pytest.mark.parametrize(
    ("rate", "burst"),
    [(0.0, 8), (0.2, 10), (1, 15), (3, 25), (10, 60)],
)
def test_a_burst_alerts_within_two_hours(rate, burst):
    rng = np.random.default_rng(7)
    caught = 0
    for _ in range(20):
        series = rng.poisson(rate, WEEK).tolist()
        first, second = rng.poisson(burst, 2).tolist()
        caught += (
            detect_spike([*series, first]).is_spike
            or detect_spike([*series, first, second]).is_spike
        )
    assert caught >= 19


def test_a_slower_three_hour_surge_alerts():
    steady = [1, 0, 2, 1, 1, 0, 1, 2, 0, 1] * 17  # about one report an hour for a week
    spike = detect_spike([*steady, 6, 7, 6])
    assert spike.is_spike
    assert spike.window_hours == 3
    assert spike.observed == 19
    assert spike.ratio > 3


def test_a_doubling_of_busy_traffic_is_growth_not_a_spike():
    steady = [20] * WEEK
    assert not detect_spike([*steady, 35]).is_spike
