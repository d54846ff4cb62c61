"""Search finds Indonesian and English words in titles, bodies and replies."""

import pytest
from django.conf import settings
from django.urls import reverse

from forum import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(fan, other_fan, product):
    a = services.create_thread(
        author=fan,
        title="Baterai cepat habis setelah pembaruan",
        body="HP jadi panas saat mengisi daya.",
        product=product,
    )
    b = services.create_thread(
        author=fan,
        title="Camera app crashes",
        body="The camera freezes when charging, battery at 20%.",
        product=product,
    )
    c = services.create_thread(
        author=fan, title="Speaker pelan", body="Suara kecil sekali", product=product
    )
    services.create_post(author=other_fan, thread=c, body="Coba matikan Dolby Atmos")
    hidden = services.create_thread(author=fan, title="Baterai spam", body="x", product=product)
    hidden.is_hidden = True
    hidden.save()
    return a, b, c


def titles(text):
    return [t.title for t in selectors.search(text=text).items]


def test_indonesian_words_are_found(corpus):
    assert titles("baterai") == ["Baterai cepat habis setelah pembaruan"]
    assert "Baterai cepat habis setelah pembaruan" in titles("panas")


def test_english_words_are_found(corpus):
    assert titles("camera") == ["Camera app crashes"]
    assert titles("battery") == ["Camera app crashes"]


def test_title_matches_rank_first(corpus, fan, product):
    services.create_thread(
        author=fan, title="Layar kedip", body="kamera juga crashes kadang", product=product
    )
    assert titles("crashes")[0] == "Camera app crashes"


def test_replies_are_searched_too(corpus):
    page = selectors.search(text="dolby")
    assert [p.thread.title for p in page.extra["replies"]] == ["Speaker pelan"]


def test_hidden_threads_are_not_found(corpus):
    assert "Baterai spam" not in titles("baterai spam")


@pytest.mark.parametrize("text", ["", "   ", "!!!", "a" * 500, "' OR 1=1 --", "<script>"])
def test_odd_queries_do_not_fail(client, corpus, text):
    assert client.get(reverse("forum:search"), {"q": text}).status_code == 200


def test_search_page_shows_results(client, corpus):
    html = client.get(reverse("forum:search"), {"q": "baterai"}).content.decode()
    assert "Baterai cepat habis setelah pembaruan" in html


@pytest.mark.postgres
def test_postgres_uses_stemming_of_both_languages(corpus):
    assert settings.IS_POSTGRES
    # "mengisi" (to charge) is stemmed by the Indonesian config, "charges" by English.
    assert "Baterai cepat habis setelah pembaruan" in titles("isi")
    assert titles("charge") == ["Camera app crashes"]
