import pytest

from tests.factories import ProductFactory
from tests.triage.reports import A55, RN13P
from triage import index


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    """Each test has its own database, so no process cache may outlive it."""
    index.forget()
    yield
    index.forget()


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
