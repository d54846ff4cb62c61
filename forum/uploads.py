"""Screenshots: accept only real images of a sane size, and store a clean re-encoding.

Two steps, so that the costly one never runs in a web request:

1. ``check_image`` (in the form) reads the header alone (format and declared width and
   height) and the file's structure: a file that is too large, not an image, or has
   too many pixels is refused before a single pixel is decoded.
2. ``encode_image`` (in a Celery task, once the post is saved: ``forum.services.
   encode_screenshots``) decodes the first frame, turns it upright, scales it down,
   converts its colours to sRGB and writes the pixels again in the same format (PNG
   stays PNG, GIF GIF, WebP WebP, JPEG JPEG). The new file is written from pixels only:
   no EXIF (GPS, device serials), XMP, ICC profile, JPEG or GIF comment, or PNG text
   chunk survives. An animated GIF or WebP keeps its first frame.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 4
# Width × height as the header declares it. A phone's screenshot is 2-5 million pixels
# and a camera's photo 12 (50 in its high-resolution mode: JPEG, which decodes at half
# its size or less, see _decode); a flat-colour PNG of 40 million pixels weighs 150 KB
# on disk and 160 MB decoded, so lossless formats get a tighter cap.
MAX_PIXELS = {"JPEG": 50_000_000, "MPO": 50_000_000, "PNG": 16_000_000, "WEBP": 16_000_000,
              "GIF": 16_000_000}  # fmt: skip
MAX_SIDE = 2560  # larger images are scaled down: nobody reads a 8000px screenshot
# What each format is stored as; MPO (a JPEG with a second picture, from some cameras)
# keeps its first picture as a JPEG.
STORED_AS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WEBP", "GIF": "GIF"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class CheckedImage:
    """An upload whose header passed the checks; nothing decoded yet."""

    upload: object
    format: str
    width: int
    height: int

    def read(self) -> bytes:
        """The uploaded bytes, as sent."""
        self.upload.seek(0)
        return self.upload.read()


@dataclass(frozen=True)
class CleanImage:
    """A validated, re-encoded image ready to be saved in an ImageField."""

    content: ContentFile
    width: int
    height: int


def _not_an_image(upload) -> ValidationError:
    return ValidationError(
        _("%(name)s is not an image (PNG, JPEG, WebP or GIF)."),
        code="not_image",
        params={"name": upload.name},
    )


def _too_many_pixels(upload, fmt: str, width: int | None = None, height: int | None = None):
    limit = {"max": MAX_PIXELS.get(fmt, min(MAX_PIXELS.values())) // 1_000_000}
    if width is None or height is None:
        return ValidationError(
            _("%(name)s has too many pixels: at most %(max)d million (width × height)."),
            code="too_many_pixels",
            params={"name": upload.name, **limit},
        )
    return ValidationError(
        _(
            "%(name)s has too many pixels (%(width)d × %(height)d): at most %(max)d million. "
            "Send a smaller image."
        ),
        code="too_many_pixels",
        params={"name": upload.name, "width": width, "height": height, **limit},
    )


def check_image(upload) -> CheckedImage:
    """Check an upload from its size and header alone, without decoding it.

    Raises ValidationError with a message for the fan when the file is larger than
    ``MAX_BYTES``, not an image of an accepted format (whatever its name says), or
    declares more pixels than its format's ``MAX_PIXELS``.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 5 MB."), code="too_large", params={"name": upload.name}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:  # parses the header; decodes nothing
            fmt, (width, height) = probe.format, probe.size
            if fmt in STORED_AS and width * height <= MAX_PIXELS[fmt]:
                probe.verify()  # the file's structure (PNG: every chunk's CRC), undecoded
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours
        raise _too_many_pixels(upload, "PNG") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_an_image(upload) from None
    if fmt not in STORED_AS:
        raise _not_an_image(upload)
    if width * height > MAX_PIXELS[fmt]:
        raise _too_many_pixels(upload, fmt, width, height)
    return CheckedImage(upload, fmt, width, height)


def encode_image(checked: CheckedImage) -> CleanImage:
    """Decode a checked upload and write its pixels again, in its own format.

    The costly step (0.2-0.5 s and up to about 50 MB per image at the caps, see
    bench/uploads/): it runs in a worker. Raises ValidationError ("not an image") when
    the file turns out to be broken past its header.
    """
    upload, fmt = checked.upload, STORED_AS[checked.format]
    try:
        upload.seek(0)
        with Image.open(upload) as source:
            image = _decode(source)
            out = io.BytesIO()
            _save(image, fmt, out)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_an_image(upload) from None
    except Image.DecompressionBombError:
        raise _too_many_pixels(upload, checked.format) from None
    return CleanImage(
        ContentFile(out.getvalue(), name=f"screenshot.{EXTENSIONS[fmt]}"), *image.size
    )


def _decode(source: Image.Image) -> Image.Image:
    """The first frame, upright, at most MAX_SIDE a side, in sRGB, with no metadata."""
    if source.format in {"JPEG", "MPO"}:
        # JPEG decodes at 1/2, 1/4 or 1/8 of its size directly: a 50-million-pixel
        # photo costs what a 3-million-pixel one does.
        source.draft(source.mode, (MAX_SIDE, MAX_SIDE))
    source.load()
    source.thumbnail((MAX_SIDE, MAX_SIDE))  # in place, before any copy is made
    ImageOps.exif_transpose(source, in_place=True)
    image = _to_srgb(source, source.info.get("icc_profile"))
    transparency = image.info.get("transparency") if image.mode in {"P", "L", "RGB"} else None
    image.info = {}  # what the savers read besides their arguments: comments, ICC, XMP...
    if transparency is not None:
        image.info["transparency"] = transparency
    return image


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels converted from the embedded colour profile to sRGB (a Display P3 screenshot
    keeps its colours once the profile is gone); CMYK becomes RGB."""
    if icc and image.mode in {"RGB", "RGBA", "CMYK"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGB" if image.mode == "CMYK" else image.mode
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return image.convert("RGB") if image.mode == "CMYK" else image


def _save(image: Image.Image, fmt: str, out: io.BytesIO) -> None:
    # No exif=, icc_profile=, pnginfo= or comment=: the new file carries pixels only.
    if fmt == "JPEG":
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        if image.mode not in {"RGB", "RGBA", "L", "LA", "P", "1"}:
            image = image.convert("RGBA")
        image.save(out, "PNG")
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=85, method=4)
    else:
        if image.mode not in {"P", "L"}:
            image = image.convert("P", palette=Image.Palette.ADAPTIVE)
        image.save(out, "GIF", optimize=True)
