"""Heavy and metadata-laden screenshots (issue 12, items 4 and 5).

- The web request decodes no image: it checks headers (and the posting rate limit),
  saves the post with the uploads waiting, and a task re-encodes them after commit.
- An image declaring too many pixels is refused from its header, with a message that
  says so.
- Every format keeps its format and loses every metadata segment: the stored bytes are
  walked segment by segment.
"""

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from forum import services, tasks, uploads
from forum.models import Notification, Post, Screenshot, Thread

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


def thread_form(product, files) -> dict:
    return {"product": product.pk, "title": "Layar bergaris hijau", "kind": "problem",
            "firmware": "", "body": "Muncul garis hijau.", "screenshots": files}  # fmt: skip


@pytest.fixture
def post_thread(client, django_capture_on_commit_callbacks):
    """Post a thread as the signed-in fan, then run what its commit queued (the
    screenshots' task runs in-process, as under ``make run``)."""

    def post(product, files):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("forum:new_thread"), thread_form(product, files))

    return post


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


def test_the_request_decodes_nothing_and_the_task_encodes_after_commit(
    client, fan, product, png_upload, decoded, django_capture_on_commit_callbacks
):
    client.force_login(fan)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("forum:new_thread"), thread_form(product, [png_upload(), png_upload("b.png")])
        )
    assert response.status_code == 302 and decoded == []
    assert Screenshot.objects.filter(original__isnull=False).count() == 2
    page = client.get(response.url).content.decode()
    assert page.count("Preparing the screenshot") == 2 and "/media/" not in page

    for callback in queued:  # the commit queued the encoding task (eager here)
        callback()
    assert decoded == ["PNG", "PNG"]
    shots = list(Screenshot.objects.all())
    assert all(s.original is None and s.image.name.endswith(".png") for s in shots)
    page = client.get(response.url).content.decode()
    assert "Preparing the screenshot" not in page
    assert all(f'src="{s.image.url}"' in page for s in shots)


def test_a_reply_shows_its_screenshot_once_encoded_despite_the_replies_cache(
    client, fan, other_fan, product, png_upload, django_capture_on_commit_callbacks
):
    thread = services.create_thread(author=fan, title="Layar hijau", body="x", product=product)
    client.force_login(other_fan)
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("forum:reply", args=[thread.pk]),
                    {"body": "Sama", "screenshots": [png_upload()]})  # fmt: skip
    assert "Preparing the screenshot" in client.get(thread.get_absolute_url()).content.decode()
    for callback in queued:
        callback()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Preparing the screenshot" not in page
    assert f'src="{Screenshot.objects.get().image.url}"' in page


def test_encoding_twice_stores_one_file(fan, product, png_upload, settings):
    thread = services.create_thread(
        author=fan, title="Layar hijau", body="x", product=product,
        screenshots=[uploads.check_image(png_upload())],
    )  # fmt: skip
    shot_id = Screenshot.objects.get(thread=thread).pk
    assert services.encode_screenshots([shot_id]) == 1
    assert services.encode_screenshots([shot_id]) == 0
    stored = list((settings.MEDIA_ROOT / "screenshots").rglob("*.png"))
    assert len(stored) == 1 and Screenshot.objects.get().image.name.endswith(stored[0].name)


def test_the_sweeper_encodes_what_its_task_never_did(fan, product, png_upload):
    services.create_thread(
        author=fan, title="Layar hijau", body="x", product=product,
        screenshots=[uploads.check_image(png_upload()), uploads.check_image(png_upload())],
    )  # fmt: skip
    old, fresh = Screenshot.objects.order_by("pk")
    Screenshot.objects.filter(pk=old.pk).update(
        created_at=old.created_at - tasks.SCREENSHOT_GRACE - timedelta(seconds=1)
    )
    assert tasks.encode_pending_screenshots() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.image and old.original is None
    assert not fresh.image and fresh.original is not None  # still its own task's


def test_a_screenshot_broken_past_its_header_is_removed_and_its_author_told(
    client, fan, product, post_thread
):
    """The header is fine, the pixels are cut off: only decoding can tell."""
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 30, 30)).save(out, "GIF")
    client.force_login(fan)
    response = post_thread(product, [upload("putus.gif", out.getvalue()[:200])])
    assert response.status_code == 302
    thread = Thread.objects.get()  # the post is saved, only the broken image is gone
    assert not Screenshot.objects.exists()
    note = Notification.objects.get(recipient=fan, verb=Notification.Verb.SCREENSHOT)
    assert note.thread == thread
    page = client.get(reverse("forum:notifications")).content.decode()
    assert "could not be read and was removed" in page


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        ((6324, 6324), " (6324 × 6324): at most 16 million"),
        ((20000, 20000), ": at most 16 million"),
    ],
)
def test_too_many_pixels_is_refused_from_the_header(
    client, fan, product, post_thread, decoded, size, shown
):
    """6324 × 6324 is issue 12's heavy PNG; 20000 × 20000 is past Pillow's own bomb ceiling."""
    client.force_login(fan)
    bomb = declare_size(with_metadata("PNG"), *size)
    response = post_thread(product, [upload("bom.png", bomb)])
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


def test_a_large_jpeg_photo_is_accepted_and_decoded_small(client, fan, product, post_thread):
    """A camera photo past the lossless cap passes: JPEG decodes at a fraction of its size."""
    photo = Image.new("RGB", (5200, 3900), (90, 140, 60))  # 20 million pixels
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=70)
    client.force_login(fan)
    assert post_thread(product, [upload("foto.jpg", out.getvalue())]).status_code == 302
    shot = Screenshot.objects.get()
    assert (shot.width, shot.height) == (2560, 1920)


def test_a_truncated_png_is_a_form_error(client, fan, product, post_thread):
    """PNG carries a checksum per chunk: a cut-off file is caught without decoding."""
    client.force_login(fan)
    truncated = with_metadata("PNG")[:-30]
    response = post_thread(product, [upload("setengah.png", truncated)])
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
    client, fan, product, post_thread, fmt, name, extension
):
    original = with_metadata(fmt)
    assert GPS_TEXT in original or b"GPS" in original  # the upload does carry it
    assert metadata_segments(original, fmt)
    client.force_login(fan)
    assert post_thread(product, [upload(name, original)]).status_code == 302
    shot = Screenshot.objects.get()
    stored = shot.image.read()
    assert shot.image.name.endswith(f".{extension}")
    assert Image.open(io.BytesIO(stored)).format == fmt
    assert metadata_segments(stored, fmt) == []
    assert b"GPS" not in stored and b"PhoneMaker" not in stored and b"xmpmeta" not in stored


def test_a_transparent_gif_stays_a_transparent_gif(client, fan, product, post_thread):
    image = Image.new("P", (40, 30), 0)
    image.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    image.paste(1, (10, 10, 30, 20))
    out = io.BytesIO()
    image.save(out, "GIF", transparency=0, comment=GPS_TEXT)
    client.force_login(fan)
    assert post_thread(product, [upload("ikon.gif", out.getvalue())]).status_code == 302
    stored = Image.open(Screenshot.objects.get().image.path)
    assert stored.format == "GIF" and stored.info.get("transparency") == 0
    assert stored.getpixel((0, 0)) == 0 and stored.getpixel((15, 15)) == 1


def test_exif_orientation_is_applied_then_dropped(client, fan, product, post_thread):
    exif = gps_exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 200)).save(out, "JPEG", exif=exif)
    client.force_login(fan)
    assert post_thread(product, [upload("miring.jpg", out.getvalue())]).status_code == 302
    shot = Screenshot.objects.get()
    assert (shot.width, shot.height) == (30, 40)
    assert metadata_segments(shot.image.read(), "JPEG") == []


def test_a_broken_colour_profile_is_dropped_without_error():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, "PNG", icc_profile=b"not a profile GPS")
    clean = uploads.encode_image(uploads.check_image(upload("warna.png", out.getvalue())))
    stored = clean.content.read()
    assert metadata_segments(stored, "PNG") == [] and b"GPS" not in stored
    assert Image.open(io.BytesIO(stored)).getpixel((0, 0)) == (10, 200, 10)
