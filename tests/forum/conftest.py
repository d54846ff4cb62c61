"""Fixtures for the forum tests: people, a product, images and a posting helper."""

import io

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
