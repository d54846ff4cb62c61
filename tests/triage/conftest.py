import pytest
from django.test import Client
from django.utils import translation

from forum import services as forum_services
from forum.models import Kind
from tests.factories import ProductFactory, UserFactory
from tests.triage.reports import A55, RN13P


@pytest.fixture
def phones(db):
    return {
        RN13P: ProductFactory(
            brand="Xiaomi", series="Redmi Note", marketing_name=RN13P, aliases="RN13 Pro\nRN 13 Pro"
        ),
        A55: ProductFactory(
            brand="Samsung", series="Galaxy A", marketing_name=A55, active_devices=2_000_000
        ),
    }


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read like the English UI."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def english():
    """English outside requests too (messages built in services and tasks)."""
    with translation.override("en"):
        yield


@pytest.fixture
def post(phones, django_capture_on_commit_callbacks):
    """Post a thread as a fan would (Galaxy A55 unless told); it is triaged on commit."""

    def _post(
        title, body, product=A55, firmware="", kind=Kind.PROBLEM, author=None, created_at=None
    ):
        with django_capture_on_commit_callbacks(execute=True):
            return forum_services.create_thread(
                author=author or UserFactory(),
                title=title,
                body=body,
                product=phones.get(product),
                firmware=firmware,
                kind=kind,
                created_at=created_at,
            )

    return _post
