"""Fixtures for the forum tests: people, a product, images and a posting helper."""

import io
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import ManagerFactory, ProductFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded screenshots go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fan(db):
    return UserFactory(display_name="Siti")


@pytest.fixture
def other_fan(db):
    return UserFactory(display_name="Budi")


@pytest.fixture
def manager(db):
    return ManagerFactory(display_name="Rina CM")


@pytest.fixture
def product(db):
    return ProductFactory(marketing_name="Redmi Note 13 Pro", aliases="RN13 Pro")


def make_png(size=(40, 30), color=(200, 30, 30), exif_gps=False, fmt="PNG") -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 0.0)}
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def png_upload():
    def build(name="layar.png", **kwargs):
        return SimpleUploadedFile(name, make_png(**kwargs), content_type="image/png")

    return build


URL_ATTRS = {"href", "src", "action", "formaction"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            url = (value or "").strip().lower().replace("\x00", "")
            if name in URL_ATTRS and url.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append("<script> that is not ours")
        if tag in {"iframe", "object", "embed", "math", "style", "foreignobject"}:
            self.problems.append(f"<{tag}>")


def executable_parts(html: str) -> list[str]:
    """Everything in a page that could run script: event handlers, script: URLs, foreign
    <script>, frames. Our own pages have none, so any finding came from user input."""
    collector = _Collector()
    collector.feed(html)
    return collector.problems


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read like the English UI; tests of
    the Indonesian UI pass HTTP_ACCEPT_LANGUAGE="id" explicitly."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    from django.utils import translation

    with translation.override("en"):
        yield
