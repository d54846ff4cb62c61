"""Filters of the console's templates: spans of time and audit events in words."""

from datetime import datetime, timedelta

from django import template

from triage import wording

register = template.Library()


@register.filter
def span(value: timedelta | None) -> str:
    """A span of time as a manager says it: “3 hours”, “2 days”."""
    return wording.duration(value)


@register.filter
def ago(value: datetime | None) -> str:
    """How long ago a moment was: “3 hours ago”, or “just now”."""
    return wording.ago(value) if value else ""


@register.filter
def event_text(event) -> str:
    """What an audit event recorded, as a sentence."""
    return wording.event_text(event)


@register.filter
def event_note(event) -> str:
    """The person's own note of an audit event."""
    return wording.event_note(event)


@register.filter
def reports_24h(cluster) -> str:
    """A cluster's reports in the last 24 hours and in the 24 hours before."""
    return wording.reports_24h(cluster)
