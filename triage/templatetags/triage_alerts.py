"""The open alerts shown at the top of every admin page for staff who may see them."""

from django import template

from triage.models import Alert

register = template.Library()


@register.inclusion_tag("admin/triage/open_alerts.html", takes_context=True)
def open_alerts(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("triage.view_alert"):
        return {"alerts": []}
    alerts = list(Alert.objects.filter(closed_at=None).select_related("cluster", "product")[:5])
    return {"alerts": alerts}
