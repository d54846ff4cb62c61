"""Heavy and metadata-laden screenshots (issue 12, items 4 and 5).

- The posting rate limit is checked before any image is decoded.
- An image declaring too many pixels is refused from its header, with a message that
  says so, before a pixel is decoded.
- Every format keeps its format and loses every metadata segment: the stored bytes are
  walked segment by segment.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from forum import services, uploads
from forum.models import Post, Screenshot, Thread

pytestmark = pytest.mark.django_db

GPS_TEXT = b"GPS 6.17S 106.82E"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>6,10S</exif:GPSLatitude></x:xmpmeta>'
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 12.0), 3: "E", 4: (106.0, 49.0, 12.0)}
    return exif


def with_metadata(fmt: str, mode: str = "RGB") -> bytes:
    """A small image carrying every kind of metadata its format can hold, GPS in each."""
    image = Image.new(mode, (40, 30), (200, 30, 30) if mode == "RGB" else 1)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", exif=gps_exif(), comment=GPS_TEXT, xmp=XMP, icc_profile=SRGB_ICC)
    elif fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", GPS_TEXT.decode())
        info.add_text("Location", GPS_TEXT.decode(), zip=True)
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        image.save(out, "PNG", pnginfo=info, exif=gps_exif(), icc_profile=SRGB_ICC)
    elif fmt == "GIF":
        image.save(out, "GIF", comment=GPS_TEXT)
    else:
        image.save(out, "WEBP", exif=gps_exif(), xmp=XMP, icc_profile=SRGB_ICC)
    return out.getvalue()


def metadata_segments(data: bytes, fmt: str) -> list[str]:
    """The names of the metadata containers in an image file, read from its bytes."""
    found = []
    if fmt == "JPEG":
        pos = 2  # after SOI
        while pos < len(data):
            marker = data[pos + 1]
            if marker == 0xDA:  # start of scan: entropy-coded data follows, no segments
                break
            length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
            payload = data[pos + 4 : pos + 2 + length]
            if marker == 0xFE:
                found.append("COM")
            elif 0xE0 <= marker <= 0xEF and not (marker == 0xE0 and payload.startswith(b"JFIF")):
                found.append(f"APP{marker - 0xE0}")
            pos += 2 + length
    elif fmt == "PNG":
        pos = 8
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos : pos + 8])
            if kind not in {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}:
                found.append(kind.decode())
            pos += 12 + length
    elif fmt == "GIF":
        flags = data[10]
        pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
        while pos < len(data) and data[pos] != 0x3B:
            if data[pos] == 0x21:  # extension: label, then sub-blocks
                label = data[pos + 1]
                if label == 0xFE:
                    found.append("comment")
                elif label == 0xFF:
                    found.append("application " + data[pos + 3 : pos + 14].decode("latin-1"))
                pos += 2
            else:  # image descriptor, local colour table, LZW size, then sub-blocks
                flags = data[pos + 9]
                pos += 10 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0) + 1
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
    else:  # WEBP: RIFF chunks
        pos = 12
        while pos < len(data):
            kind, length = struct.unpack("<4sI", data[pos : pos + 8])
            if kind in {b"EXIF", b"XMP ", b"ICCP"}:
                found.append(kind.decode().strip())
            pos += 8 + length + (length & 1)
    return found


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_thread(client, product, files):
    data = {"product": product.pk, "title": "Layar bergaris hijau", "kind": "problem",
            "firmware": "", "body": "Muncul garis hijau.", "screenshots": files}  # fmt: skip
    return client.post(reverse("forum:new_thread"), data)


def declare_size(png: bytes, width: int, height: int) -> bytes:
    """The same PNG with its header (IHDR) claiming another size, CRC fixed: what a
    decompression bomb looks like from outside."""
    ihdr = png[12:16] + struct.pack(">II", width, height) + png[24:29]
    return png[:8] + png[8:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + png[33:]


@pytest.fixture
def decoded(monkeypatch):
    """Every image Pillow decodes, by format: header reads do not count."""
    seen: list[str] = []
    load = ImageFile.ImageFile.load

    def counting_load(self):
        if self.tile:  # there are pixels still to decode
            seen.append(self.format)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return seen


# --- item 4: limits before decoding ---------------------------------------------------------


def test_over_the_rate_limit_no_screenshot_is_decoded(
    client, fan, product, png_upload, settings, decoded
):
    settings.FORUM_RATE_LIMITS = {t: {"post": [(1, 3600)]} for t in ("new", "member")}
    thread = services.create_thread(author=fan, title="Layar hijau", body="x", product=product)
    client.force_login(fan)
    url = reverse("forum:reply", args=[thread.pk])
    assert client.post(url, {"body": "Pertama"}).status_code == 302
    response = client.post(url, {"body": "Kedua", "screenshots": [png_upload(), png_upload()]})
    assert response.status_code == 400
    assert "posting too fast" in response.content.decode()
    assert decoded == [] and Post.objects.count() == 1 and not Screenshot.objects.exists()


def test_within_the_limit_screenshots_are_decoded_once_each(client, fan, product, png_upload,
                                                            decoded):  # fmt: skip
    client.force_login(fan)
    response = post_thread(client, product, [png_upload(), png_upload("b.png")])
    assert response.status_code == 302
    assert decoded == ["PNG", "PNG"] and Screenshot.objects.count() == 2


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        ((6324, 6324), " (6324 × 6324): at most 16 million"),
        ((20000, 20000), ": at most 16 million"),
    ],
)
def test_too_many_pixels_is_refused_from_the_header(client, fan, product, decoded, size, shown):
    """6324 × 6324 is issue 12's heavy PNG; 20000 × 20000 is past Pillow's own bomb ceiling."""
    client.force_login(fan)
    bomb = declare_size(with_metadata("PNG"), *size)
    response = post_thread(client, product, [upload("bom.png", bomb)])
    assert response.status_code == 400
    html = response.content.decode()
    assert f"bom.png has too many pixels{shown}" in html
    assert "not an image" not in html
    assert decoded == [] and not Thread.objects.exists()


def test_too_many_pixels_reads_in_indonesian(client, fan, product):
    client.force_login(fan)
    bomb = declare_size(with_metadata("PNG"), 6324, 6324)
    response = client.post(
        reverse("forum:new_thread"),
        {"product": product.pk, "title": "Layar bergaris", "kind": "problem", "body": "x",
         "screenshots": [upload("bom.png", bomb)]},
        HTTP_ACCEPT_LANGUAGE="id",
    )  # fmt: skip
    html = response.content.decode()
    assert "bom.png terlalu banyak pikselnya (6324 × 6324): paling banyak 16 juta" in html


def test_a_large_jpeg_photo_is_accepted_and_decoded_small(client, fan, product):
    """A camera photo past the lossless cap passes: JPEG decodes at a fraction of its size."""
    photo = Image.new("RGB", (5200, 3900), (90, 140, 60))  # 20 million pixels
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=70)
    client.force_login(fan)
    assert post_thread(client, product, [upload("foto.jpg", out.getvalue())]).status_code == 302
    shot = Screenshot.objects.get()
    assert (shot.width, shot.height) == (2560, 1920)


def test_a_broken_image_past_its_header_is_a_form_error(client, fan, product):
    client.force_login(fan)
    truncated = with_metadata("PNG")[:-30]
    response = post_thread(client, product, [upload("setengah.png", truncated)])
    assert response.status_code == 400
    assert "setengah.png is not an image" in response.content.decode()
    assert not Thread.objects.exists()


# --- item 5: same format, no metadata --------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "extension"),
    [("JPEG", "foto.jpg", "jpg"), ("PNG", "layar.png", "png"), ("GIF", "anim.gif", "gif"),
     ("WEBP", "layar.webp", "webp")],
)  # fmt: skip
def test_stored_screenshot_keeps_its_format_and_no_metadata(
    client, fan, product, fmt, name, extension
):
    original = with_metadata(fmt)
    assert GPS_TEXT in original or b"GPS" in original  # the upload does carry it
    assert metadata_segments(original, fmt)
    client.force_login(fan)
    assert post_thread(client, product, [upload(name, original)]).status_code == 302
    shot = Screenshot.objects.get()
    stored = shot.image.read()
    assert shot.image.name.endswith(f".{extension}")
    assert Image.open(io.BytesIO(stored)).format == fmt
    assert metadata_segments(stored, fmt) == []
    assert b"GPS" not in stored and b"PhoneMaker" not in stored and b"xmpmeta" not in stored


def test_a_transparent_gif_stays_a_transparent_gif(client, fan, product):
    image = Image.new("P", (40, 30), 0)
    image.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    image.paste(1, (10, 10, 30, 20))
    out = io.BytesIO()
    image.save(out, "GIF", transparency=0, comment=GPS_TEXT)
    client.force_login(fan)
    assert post_thread(client, product, [upload("ikon.gif", out.getvalue())]).status_code == 302
    stored = Image.open(Screenshot.objects.get().image.path)
    assert stored.format == "GIF" and stored.info.get("transparency") == 0
    assert stored.getpixel((0, 0)) == 0 and stored.getpixel((15, 15)) == 1


def test_exif_orientation_is_applied_then_dropped(client, fan, product):
    exif = gps_exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 200)).save(out, "JPEG", exif=exif)
    client.force_login(fan)
    assert post_thread(client, product, [upload("miring.jpg", out.getvalue())]).status_code == 302
    shot = Screenshot.objects.get()
    assert (shot.width, shot.height) == (30, 40)
    assert metadata_segments(shot.image.read(), "JPEG") == []


def test_a_broken_colour_profile_is_dropped_without_error():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, "PNG", icc_profile=b"not a profile GPS")
    clean = uploads.clean_image(upload("warna.png", out.getvalue()))
    stored = clean.content.read()
    assert metadata_segments(stored, "PNG") == [] and b"GPS" not in stored
    assert Image.open(io.BytesIO(stored)).getpixel((0, 0)) == (10, 200, 10)
