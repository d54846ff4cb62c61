from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self) -> None:
        """A person's public page (accounts') lists their threads; an edited product
        shows at once on the pages that keep the catalog."""
        from django.db.models.signals import post_delete, post_save
        from django.template.loader import render_to_string

        from accounts import profile
        from forum import selectors
        from forum.models import Product

        def forget(sender, instance, **kwargs) -> None:
            selectors.forget_catalog(instance)

        post_save.connect(forget, sender=Product, weak=False, dispatch_uid="forum-catalog")
        post_delete.connect(forget, sender=Product, weak=False, dispatch_uid="forum-catalog-delete")

        def threads(request, person) -> str:
            # No request: the page's context processors have run once already.
            context = {"threads": selectors.threads_by(user=person)}
            return render_to_string("forum/_profile_threads.html", context)

        profile.add_section(threads)
