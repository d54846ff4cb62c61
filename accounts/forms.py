"""Forms for the fan's own account: the extra signup field and the profile."""

import zoneinfo

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's signup form (allauth adds email and passwords)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_("Shown next to your posts. Your email address is never shown."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please choose a display name."))
        return name

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


# Indonesia's three zones first, named the way Indonesians know them; then all the others.
INDONESIAN_ZONES = [
    ("Asia/Jakarta", _("WIB — Jakarta, Sumatra, Java")),
    ("Asia/Makassar", _("WITA — Bali, Sulawesi, Makassar")),
    ("Asia/Jayapura", _("WIT — Papua, Maluku")),
]


def time_zone_choices() -> list:
    """Grouped choices: Indonesia's zones, then every other zone by name."""
    ours = {zone for zone, _label in INDONESIAN_ZONES}
    others = [(z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones() - ours)]
    return [(_("Indonesia"), INDONESIAN_ZONES), (_("Other time zones"), others)]


class DevicePicker(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by brand with a search box (static/js/forum.js filters them)."""

    template_name = "accounts/widgets/device_picker.html"


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        # Each language named in itself, as the footer's switch does.
        choices=[("", _("The browser's language")), ("id", "Bahasa Indonesia"), ("en", "English")],
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    devices = forms.MultipleChoiceField(
        label=_("My devices"),
        required=False,
        widget=DevicePicker,
        help_text=_("The phones you own: the new-thread form offers them first."),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "preferred_language",
            "time_zone",
            "devices",
            "email_status",
            "email_replies",
            "email_digest",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        products = User._meta.get_field("devices").related_model.objects.order_by(
            Lower("brand"), Lower("marketing_name")
        )
        groups: dict[str, list] = {}
        for pk, brand, name in products.values_list("pk", "brand", "marketing_name"):
            groups.setdefault(brand, []).append((str(pk), name))
        self.fields["devices"].choices = list(groups.items())
        if self.instance.pk:
            self.initial["devices"] = [
                str(pk) for pk in self.instance.devices.values_list("pk", flat=True)
            ]

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please choose a display name."))
        return name

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            user.devices.set([int(pk) for pk in self.cleaned_data["devices"]])
        return user
