"""The admin site as community managers know it: the Tanggap console.

Its home page shows what needs a manager now (``selectors.console_home``) above the
usual list of models; the navigation sidebar is off, so the queue gets the width.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from triage import selectors


class ConsoleSite(admin.AdminSite):
    site_header = _("Tanggap console")
    site_title = _("Tanggap console")
    index_title = _("What needs you now")
    index_template = "admin/triage/home.html"
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        """The home page: the console's lists for those who may see clusters."""
        extra = dict(extra_context or {})
        if request.user.has_perm("triage.view_cluster"):
            extra["console"] = selectors.console_home()
        return super().index(request, extra)
