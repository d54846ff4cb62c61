"""Token authentication that reads the caller's feed role in the same query.

Every feed request checks the token and then whether its user is an engineer or a
community manager; done apart that is two queries a request, about a third of the time
of a cached list page. Here the role comes with the token as an ``EXISTS`` over the
user's groups, so it is read fresh on every request (a demoted engineer's next request
is refused) and costs no query of its own.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from triage.api.permissions import FEED_ROLES


class FeedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (same header, same errors) plus ``user.has_feed_role``,
    read by ``IsEngineerOrManager``."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        memberships = get_user_model().groups.through.objects.filter(
            user_id=OuterRef("user_id"), group__name__in=FEED_ROLES
        )
        try:
            token = (
                model.objects.select_related("user")
                .annotate(has_feed_role=Exists(memberships))
                .get(key=key)
            )
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user.has_feed_role = token.has_feed_role
        return (token.user, token)
