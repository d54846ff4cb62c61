"""Django's admin app, with the Tanggap console as its site (see ``triage.admin_site``).

Its own module: settings name it in INSTALLED_APPS, which imports it before any model.
"""

from django.contrib.admin.apps import AdminConfig


class ConsoleAdminConfig(AdminConfig):
    default_site = "triage.admin_site.ConsoleSite"
