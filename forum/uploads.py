"""Screenshots: accept only real images of a sane size, and store a clean re-encoding.

Re-encoding drops every metadata block (EXIF with GPS position, device serials, XMP
and comments) because the new file is written from pixels only.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 4
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_SIDE = 2560  # larger images are scaled down: nobody reads a 8000px screenshot
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


@dataclass(frozen=True)
class CleanImage:
    """A validated, re-encoded image ready to be saved in an ImageField."""

    content: ContentFile
    width: int
    height: int


def clean_image(upload) -> CleanImage:
    """Validate an uploaded file as an image and return a metadata-free re-encoding.

    Raises ValidationError with a message for the fan when the file is too large, not
    an image (whatever its name says), of an unsupported format or too many pixels.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 5 MB."), code="too_large", params={"name": upload.name}
        )
    not_an_image = ValidationError(
        _("%(name)s is not an image (PNG, JPEG, WebP or GIF)."),
        code="not_image",
        params={"name": upload.name},
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This image has too many pixels."), code="too_big")
            probe.verify()  # structural check without decoding everything
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the orientation, drop the EXIF
            fmt = "PNG" if image.format in {"PNG", "GIF"} or _has_alpha(image) else "JPEG"
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if fmt == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            elif fmt == "PNG" and image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                image = image.convert("RGBA")
            out = io.BytesIO()
            # No exif=, no pnginfo=: the new file carries pixels only.
            if fmt == "JPEG":
                image.save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            width, height = image.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    ext = "jpg" if fmt == "JPEG" else "png"
    return CleanImage(ContentFile(out.getvalue(), name=f"screenshot.{ext}"), width, height)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info)
