"""The forum: the product catalog fans post about, and their threads."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Product(models.Model):
    """A device model in the catalog, e.g. Xiaomi · Redmi Note · Redmi Note 13 Pro."""

    brand = models.CharField(_("brand"), max_length=60)
    series = models.CharField(_("series"), max_length=60, blank=True)
    model = models.CharField(
        _("model number"), max_length=60, blank=True, help_text=_("e.g. 23117RA68G")
    )
    marketing_name = models.CharField(_("marketing name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names fans use, one per line, e.g. RN13 Pro."),
    )
    release_year = models.PositiveSmallIntegerField(_("release year"), null=True, blank=True)
    active_devices = models.PositiveBigIntegerField(
        _("active devices (estimate)"),
        null=True,
        blank=True,
        help_text=_("Optional; lets spread be shown per 100,000 devices."),
    )

    class Meta:
        ordering = ["brand", "marketing_name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.marketing_name

    def get_absolute_url(self) -> str:
        return reverse("forum:product", args=[self.slug])

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]
