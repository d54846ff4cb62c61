"""The open alerts, summed up at the top of every admin page for staff who may see them:
how many, and the newest one, linked to the list."""

from django import template

from triage import selectors

register = template.Library()


@register.inclusion_tag("admin/triage/alert_summary.html", takes_context=True)
def alert_summary(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("triage.view_alert"):
        return {"alerts": None}
    return {"alerts": selectors.open_alerts(limit=1)}
