"""Forms validate what fans type; they never decide (services do)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forum import uploads
from forum.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Flag, Kind, Product, Status


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ScreenshotsField(forms.FileField):
    """Up to four images, checked from their headers alone: nothing is decoded while a
    form validates (a task re-encodes them once the post is saved)."""

    widget = MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > uploads.MAX_FILES:
            raise ValidationError(
                _("Attach at most %(max)d screenshots."), params={"max": uploads.MAX_FILES}
            )
        errors, checked = [], []
        for upload in files:
            try:
                checked.append(uploads.check_image(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=BODY_MAX_LENGTH,
        strip=False,  # code blocks and logs keep their indentation
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown works: **bold**, lists, and ``` around logs."),
    )


class _PostingForm(forms.Form):
    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise ValidationError(_("Write something first."), code="required")
        return body


class ThreadForm(_PostingForm):
    product = forms.TypedChoiceField(
        label=_("Device"),
        coerce=int,
        error_messages={
            "invalid_choice": _("Choose a device from the list."),
            "required": _("Choose your device."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, initial=Kind.PROBLEM, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        min_length=5,
        help_text=_("Say what goes wrong, e.g. “Battery drains overnight after update”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    firmware = forms.CharField(
        label=_("Firmware / OS version"),
        max_length=80,
        required=False,
        help_text=_("Settings → About phone, e.g. HyperOS 1.0.5.0"),
        widget=forms.TextInput(attrs={"list": "firmware-suggestions", "autocomplete": "off"}),
    )
    body = _body_field(_("Describe it"))
    screenshots = ScreenshotsField(
        label=_("Screenshots"),
        required=False,
        help_text=_("Up to 4 images, 5 MB each. Location data is removed."),
    )
    screenshot_alt = forms.CharField(
        label=_("What the screenshots show"),
        max_length=200,
        required=False,
        help_text=_("Read aloud to people who cannot see the images."),
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by brand: [(brand, [(id, name), ...]), ...] (selectors.product_choices).
        self.fields["product"].choices = [("", _("Choose your device")), *products]

    def clean_product(self) -> Product:
        product = Product.objects.filter(pk=self.cleaned_data["product"]).first()
        if product is None:
            raise ValidationError(_("Choose a device from the list."), code="invalid_choice")
        return product

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 5:
            raise ValidationError(_("The title is too short."), code="short")
        return title


class ThreadEditForm(_PostingForm):
    title = ThreadForm.base_fields["title"]
    kind = ThreadForm.base_fields["kind"]
    firmware = ThreadForm.base_fields["firmware"]
    body = _body_field(_("Describe it"))
    clean_title = ThreadForm.clean_title


class ReplyForm(_PostingForm):
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    body = _body_field(_("Your reply"))
    firmware = forms.CharField(
        label=_("Firmware / OS version (optional)"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"list": "firmware-suggestions", "autocomplete": "off"}),
    )
    screenshots = ThreadForm.base_fields["screenshots"]
    screenshot_alt = ThreadForm.base_fields["screenshot_alt"]


class PostEditForm(_PostingForm):
    body = _body_field(_("Your reply"))


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should a moderator look at this?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("Details (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    """The search page: words, and the filters that narrow them (all optional)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    product = forms.TypedChoiceField(
        label=_("Device"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by brand, as the catalog is: [(brand, [(id, name), ...]), ...].
        self.fields["product"].choices = [("", _("All devices")), *products]
