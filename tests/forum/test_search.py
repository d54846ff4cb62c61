"""Search understands fans: slang, Indonesian and English words of one problem and any
form of a word find the same threads, on SQLite and on PostgreSQL alike; titles rank
first; filters narrow; a typo gets "did you mean"."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from forum import selectors, services
from forum.models import Kind, Post, Status, Thread
from tests.factories import ProductFactory
from tests.forum.search_pairs import QUERY_GROUPS, post_threads

pytestmark = pytest.mark.django_db


def titles(text, **filters):
    return [
        t["title"]
        for t in selectors.search(text=text, filters=selectors.SearchFilters(**filters)).items
    ]


@pytest.mark.parametrize("group", sorted(QUERY_GROUPS))
def test_query_pairs_find_the_same_threads(fan, product, group):
    post_threads(fan, product)
    queries, expected = QUERY_GROUPS[group]
    wanted = {title for title, _body in expected}
    found = {query: set(titles(query)) for query in queries}
    assert found == dict.fromkeys(queries, wanted)


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


def test_words_of_both_languages_meet(corpus):
    # "battery" is the engine's "baterai"; "mengisi" (to charge) is stemmed to "isi".
    assert set(titles("battery")) == {"Baterai cepat habis setelah pembaruan", "Camera app crashes"}
    assert titles("camera") == ["Camera app crashes"]
    assert titles("isi") == ["Baterai cepat habis setelah pembaruan"]
    assert titles("pengisian") == ["Baterai cepat habis setelah pembaruan"]


def test_a_word_matches_its_longer_forms(corpus):
    assert titles("crash") == ["Camera app crashes"]


def test_title_matches_rank_first(corpus, fan, product):
    services.create_thread(
        author=fan, title="Layar kedip", body="kamera juga crashes kadang", product=product
    )
    assert titles("crashes")[0] == "Camera app crashes"


def test_then_recent_and_much_shared_problems_first(fan, other_fan, product):
    old = services.create_thread(author=fan, title="Sinyal hilang", body="x", product=product)
    fresh = services.create_thread(author=fan, title="Sinyal lemah", body="x", product=product)
    busy_old = services.create_thread(author=fan, title="Sinyal putus", body="x", product=product)
    month_ago = timezone.now() - timedelta(days=30)
    Thread.objects.filter(pk__in=[old.pk, busy_old.pk]).update(last_activity_at=month_ago)
    Thread.objects.filter(pk=busy_old.pk).update(me_too_count=20)
    assert titles("sinyal") == [busy_old.title, fresh.title, old.title]


def test_replies_are_searched_too(corpus):
    page = selectors.search(text="dolby")
    assert [p.thread.title for p in page.extra["replies"]] == ["Speaker pelan"]


def test_hidden_threads_are_not_found(corpus):
    assert "Baterai spam" not in titles("baterai spam")


def test_filters_narrow_by_product_kind_and_status(fan, product):
    other = ProductFactory(marketing_name="Galaxy A55", brand="Samsung")
    services.create_thread(author=fan, title="Baterai boros", body="x", product=product)
    on_other = services.create_thread(author=fan, title="Baterai boros", body="y", product=other)
    idea = services.create_thread(
        author=fan, title="Mode hemat baterai", body="z", product=product, kind=Kind.SUGGESTION
    )
    Thread.objects.filter(pk=on_other.pk).update(status=Status.FIXED)
    assert len(titles("baterai")) == 3
    assert len(titles("baterai", product=other.pk)) == 1
    assert titles("baterai", kind=Kind.SUGGESTION) == [idea.title]
    assert titles("baterai", status=Status.FIXED) == [on_other.title]


def test_the_engine_mends_typos_it_knows(fan, product):
    services.create_thread(author=fan, title="Bluetooth putus-putus", body="x", product=product)
    assert titles("bluetoth putus") == ["Bluetooth putus-putus"]


def test_a_typo_gets_did_you_mean_when_nothing_matched(fan, product):
    # A name the engine does not know ("Dolby"): the forum's own titles know it.
    services.create_thread(author=fan, title="Dolby Atmos hilang", body="x", product=product)
    page = selectors.search(text="dolbi atmos")
    assert page.items == []
    assert page.extra["suggestion"] == {"text": "dolby atmos", "total": 1}
    assert selectors.search(text="dolby").extra["suggestion"] is None


def test_results_page_shows_count_filters_and_suggestion(client, fan, product):
    post_threads(fan, product)
    html = client.get(reverse("forum:search"), {"q": "batre boros"}).content.decode()
    assert "5 threads found" in html
    assert 'name="product"' in html and 'name="kind"' in html and 'name="status"' in html
    assert html.count('<input id="search-q"') == 1
    typo = client.get(reverse("forum:search"), {"q": "dolbi", "kind": "problem"}).content.decode()
    assert "Did you mean" in typo and "kind=problem&amp;q=dolby" in typo


@pytest.mark.parametrize("text", ["", "   ", "!!!", "a" * 500, "' OR 1=1 --", "<script>", "& | !"])
def test_odd_queries_do_not_fail(client, corpus, text):
    assert client.get(reverse("forum:search"), {"q": text}).status_code == 200


@pytest.mark.parametrize("value", ["x", "-1", "99999999999999999999"])
def test_odd_filters_do_not_fail(client, corpus, value):
    response = client.get(reverse("forum:search"), {"q": "baterai", "product": value})
    assert response.status_code == 200


def test_naughty_strings_are_indexed_and_searched_without_error(fan, product):
    import json
    from pathlib import Path

    strings = json.loads((Path(__file__).parent.parent / "data" / "blns.json").read_text())
    thread = services.create_thread(
        author=fan, title="Naughty strings", body="\n".join(strings), product=product
    )
    assert thread.search_body.startswith(" ") and thread.search_body.endswith(" ")
    failed = []
    for text in strings:
        try:
            selectors._search(text=text, filters=selectors.SearchFilters())
        except Exception as error:  # every one must be answered, whatever it holds
            failed.append((text, error))
    assert failed == []
    assert titles("naughty") == ["Naughty strings"]


def test_reindex_search_stores_every_texts_terms_again(fan, product):
    thread = services.create_thread(author=fan, title="Batre boros", body="x", product=product)
    reply = services.create_post(author=fan, thread=thread, body="Layar kedip juga")
    Thread.objects.update(search_title="", search_body="")
    Post.objects.update(search_body="")
    assert titles("baterai") == []
    out = io.StringIO()
    call_command("reindex_search", stdout=out)
    assert "2 threads and replies" in out.getvalue()
    assert titles("battery drain") == ["Batre boros"]
    reply.refresh_from_db(fields=["search_body"])
    assert "konsepscreenflicker" in reply.search_body


def test_a_long_result_list_pages_and_keeps_the_query(client, fan, product):
    for i in range(21):
        services.create_thread(
            author=fan, title=f"Baterai boros {i}", body="cepat habis", product=product
        )
    first = client.get(reverse("forum:search"), {"q": "baterai boros"}).content.decode()
    assert 'rel="next" href="?q=baterai+boros&amp;page=2"' in first
    assert "Page 1 of 2" in first or "Halaman 1 dari 2" in first
    second = client.get(reverse("forum:search"), {"q": "baterai boros", "page": 2})
    html = second.content.decode()
    assert "Baterai boros 0" in html and 'rel="prev"' in html and 'rel="next"' not in html
