"""Pages cost a fixed number of queries whatever the number of rows they show."""

import pytest
from django.conf import settings
from django.urls import reverse

from forum import services, uploads
from tests.factories import PostFactory, ProductFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

# Anonymous: the page's own queries. Signed in: + user, bell count (cached until it
# changes; the session comes from the cache).
SIGNED_IN_EXTRA = 2


def _threads(product, n):
    for i in range(n):
        ThreadFactory(product=product, author=UserFactory(), reply_count=i, me_too_count=i)


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("signed_in", [False, True])
def test_home_costs_the_same_for_1_and_25_threads(
    client, django_assert_num_queries, product, fan, rows, signed_in
):
    _threads(product, rows)
    if signed_in:
        client.force_login(fan)
    # count + the first page's rows + hot threads
    with django_assert_num_queries(3 + (SIGNED_IN_EXTRA if signed_in else 0)):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('class="thread-row"') >= rows


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("signed_in", [False, True])
def test_product_page_costs_the_same_for_1_and_25_threads(
    client, django_assert_num_queries, product, fan, rows, signed_in
):
    _threads(product, rows)
    if signed_in:
        client.force_login(fan)
    # product + count + the first page's rows
    with django_assert_num_queries(3 + (SIGNED_IN_EXTRA if signed_in else 0)):
        response = client.get(reverse("forum:product", args=[product.slug]) + "?kind=problem")
    assert response.content.decode().count('class="thread-row"') == rows


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("shots", [False, True])
def test_thread_page_costs_the_same_for_1_and_25_replies(
    client, django_assert_num_queries, product, fan, manager, png_upload, rows, signed_in, shots
):
    thread = services.create_thread(
        author=UserFactory(), title="Layar berkedip", body="x", product=product
    )
    for i in range(rows - 1):
        PostFactory(
            thread=thread, author=UserFactory() if i % 2 else manager, is_official=i % 2 == 0
        )
    answer = services.create_post(
        author=manager,
        thread=thread,
        body="Jawaban resmi",
        screenshots=[uploads.check_image(png_upload())] if shots else [],
    )
    services.pin_answer(moderator=manager, thread=thread, post=answer)
    if signed_in:
        client.force_login(fan)
    # thread (+ whether it has screenshots, me too/follow flags) + replies (and their
    # number) + the screenshots, only when there are
    # + the triage cluster's status ("N others have this problem")
    # (+ firmware suggestions for the reply form when signed in)
    expected = 3 + shots + (SIGNED_IN_EXTRA + 1 if signed_in else 0)
    with django_assert_num_queries(expected):
        response = client.get(thread.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<li class="post') == rows
    assert "Jawaban resmi" in html.split('id="replies-h"')[0]  # pinned above the replies
    assert html.count('class="screenshots"') == shots  # under its reply


@pytest.mark.parametrize("shots", [False, True])
def test_a_thread_nobody_answered_yet_is_not_counted_again(
    client, django_assert_num_queries, product, png_upload, shots
):
    thread = services.create_thread(
        author=UserFactory(),
        title="Layar berkedip",
        body="x",
        product=product,
        screenshots=[(uploads.check_image(png_upload()), "")] if shots else [],
    )
    # thread + replies (none: their number is 0, no count) + screenshots when there are
    # + the triage cluster's status
    with django_assert_num_queries(3 + shots):
        response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="screenshots"') == shots


@pytest.mark.parametrize("rows", [1, 25])
def test_notifications_page_costs_the_same_for_1_and_25(
    client, django_assert_num_queries, product, fan, rows
):
    thread = services.create_thread(author=UserFactory(), title="abcdef", body="x", product=product)
    services.notify(recipients=[fan], verb="status", thread=thread, extra={"new": "fixed"})
    for i in range(rows - 1):
        # One thread each: repeats about one thread fold into one notification.
        other = ThreadFactory(product=product, title=f"Thread {i}")
        services.notify(recipients=[fan], verb="reply", thread=other, actor=UserFactory())
    client.force_login(fan)
    # user, bell + count + page
    with django_assert_num_queries(4):
        response = client.get(reverse("forum:notifications"))
    assert response.content.decode().count('class="notification unread') == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_search_costs_the_same_for_1_and_20_results(
    client, django_assert_num_queries, product, fan, rows
):
    for i in range(rows):
        services.create_thread(author=fan, title=f"Sinyal hilang {i}", body="x", product=product)
    # candidates + their page's rows + replies + the device filter's products (cached for
    # minutes); PostgreSQL adds SET LOCAL inside a savepoint (3)
    with django_assert_num_queries(4 if not settings.IS_POSTGRES else 7):
        response = client.get(reverse("forum:search"), {"q": "sinyal"})
    assert response.content.decode().count('class="thread-row"') == rows


@pytest.mark.parametrize("products", [1, 20])
def test_new_thread_page_costs_the_same_for_1_and_20_products(
    client, django_assert_num_queries, fan, products
):
    for i in range(products):
        ProductFactory(marketing_name=f"Phone {i}", model=f"MODEL{i}")
    client.force_login(fan)
    # user, bell + saved devices + the catalog grouped by brand + model numbers (both
    # cached for minutes) + firmware versions of the phone the User-Agent names
    with django_assert_num_queries(6):
        response = client.get(
            reverse("forum:new_thread"), HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14; MODEL0)"
        )
    assert response.context["form"]["product"].value() is not None


def test_the_bell_is_counted_once_until_a_notification_comes_or_is_read(
    client, django_assert_num_queries, product, fan, other_fan
):
    thread = services.create_thread(author=fan, title="Layar berkedip", body="x", product=product)
    client.force_login(fan)
    client.get(reverse("forum:products"))
    with django_assert_num_queries(2):  # user + the catalog: no session, no bell
        assert 'class="count"' not in client.get(reverse("forum:products")).content.decode()
    services.notify(recipients=[fan], verb="status", thread=thread, extra={"new": "fixed"})
    assert 'aria-hidden="true">1</span>' in client.get(reverse("forum:products")).content.decode()
    services.mark_notifications_read(user=fan)
    assert 'class="count"' not in client.get(reverse("forum:products")).content.decode()


def test_a_later_page_of_a_list_reads_its_ids_then_its_rows(
    client, django_assert_num_queries, product
):
    _threads(product, 27)
    url = reverse("forum:product", args=[product.slug])
    client.get(url)  # the count is cached for a few seconds, the product for minutes
    with django_assert_num_queries(2):  # page ids + page rows
        response = client.get(url + "?page=2")
    assert response.content.decode().count('class="thread-row"') == 2


def test_an_edited_product_shows_at_once_on_its_page(client, product, fan):
    client.force_login(fan)  # not the anonymous page cache's 10 s
    url = reverse("forum:product", args=[product.slug])
    assert product.marketing_name in client.get(url).content.decode()  # now cached
    product.marketing_name = "Redmi Note 99 Ultra"
    product.save()
    assert "Redmi Note 99 Ultra" in client.get(url).content.decode()
    product.delete()
    assert client.get(url).status_code == 404
