"""Who may use the engineering feed: engineers and community managers, never fans."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import COMMUNITY_MANAGER, ENGINEER

FEED_ROLES = (ENGINEER, COMMUNITY_MANAGER)


class IsEngineerOrManager(BasePermission):
    """Signed in and an engineer, a community manager or staff; anyone else gets 403
    (anonymous requests 401, since token authentication comes first)."""

    message = _("Only engineers and community managers may use the triage feed.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_staff or user.groups.filter(name__in=FEED_ROLES).exists()


class CanWriteStatus(BasePermission):
    """Writes (the status write-back) need the ``triage.change_cluster`` permission,
    which both roles carry (accounts.roles)."""

    message = _("You may read the triage feed but not change a cluster’s status.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return request.user.has_perm("triage.change_cluster")
