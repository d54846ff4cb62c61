from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.roles import sync_role_permissions

        # Apps added later bring new permissions; keep the roles' grants complete.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_roles")
