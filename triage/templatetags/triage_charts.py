"""Small server-rendered SVG charts for the cluster page: reports per day, firmware.

Plain SVG with a <title> and an aria-label, so screen readers get the figures and no
JavaScript or chart library is needed.
"""

from datetime import date, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

DAYS = 30


def daily_series(daily: list, days: int = DAYS, today: date | None = None) -> list[tuple]:
    """``[(iso date, n)]`` as stored, padded with zero days, the last ``days`` days."""
    today = today or timezone.localdate()
    counts = dict(daily or [])
    days_shown = [(today - timedelta(days=i)).isoformat() for i in range(days - 1, -1, -1)]
    return [(day, counts.get(day, 0)) for day in days_shown]


@register.simple_tag
def daily_chart(daily: list, days: int = DAYS) -> str:
    """A bar chart of reports per day (threads and "me too") over the last ``days``."""
    series = daily_series(daily, days)
    total = sum(n for _d, n in series)
    peak = max([n for _d, n in series] + [1])
    width, height, gap = 300, 90, 1
    bar = width / len(series)
    label = ngettext(
        "%(n)d report in the last %(days)d days, at most %(peak)d a day",
        "%(n)d reports in the last %(days)d days, at most %(peak)d a day",
        total,
    ) % {"n": total, "days": days, "peak": max(n for _d, n in series)}
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>',
        (
            (
                round(i * bar + gap / 2, 2),
                round(height - max(1.0, n / peak * (height - 12)) if n else height - 1, 2),
                round(bar - gap, 2),
                round(max(1.0, n / peak * (height - 12)) if n else 1, 2),
                day,
                n,
            )
            for i, (day, n) in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="chart chart-daily" viewBox="0 0 {w} {h}" width="100%" height="{h}" '
        'role="img" aria-label="{label}" preserveAspectRatio="none">'
        "<title>{label}</title>{bars}</svg>"
        '<p class="chart-axis"><span>{first}</span><span>{last}</span></p>',
        w=width,
        h=height,
        label=label,
        bars=bars,
        first=series[0][0],
        last=series[-1][0],
    )


@register.simple_tag
def firmware_chart(firmware: dict, limit: int = 8) -> str:
    """Horizontal bars: how many threads name each firmware version (the top ``limit``)."""
    items = sorted((firmware or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return format_html('<p class="muted">{}</p>', _("No firmware versions reported."))
    shown, rest = items[:limit], sum(n for _v, n in items[limit:])
    if rest:
        shown.append((_("other versions"), rest))
    peak = max(n for _v, n in shown)
    row, width, text_w = 22, 320, 150
    label = _("Threads per firmware version: %(list)s") % {
        "list": ", ".join(f"{v} {n}" for v, n in shown)
    }
    rows = format_html_join(
        "",
        '<g><title>{}: {}</title><text x="0" y="{}" class="label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="14" class="bar"></rect>'
        '<text x="{}" y="{}" class="value">{}</text></g>',
        (
            (
                version,
                n,
                i * row + 15,
                version[:24],
                text_w,
                i * row + 4,
                round(max(2, n / peak * (width - text_w - 40)), 1),
                round(text_w + max(2, n / peak * (width - text_w - 40)) + 4, 1),
                i * row + 15,
                n,
            )
            for i, (version, n) in enumerate(shown)
        ),
    )
    return format_html(
        '<svg class="chart chart-firmware" viewBox="0 0 {w} {h}" width="100%" height="{h}" '
        'role="img" aria-label="{label}"><title>{label}</title>{rows}</svg>',
        w=width,
        h=len(shown) * row + 4,
        label=label,
        rows=rows,
    )
