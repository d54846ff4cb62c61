"""seed_demo: the demo forum it builds is consistent, and re-running it is safe."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Q

from accounts.models import User
from demo.catalog import CATALOG
from forum import services
from forum.models import Follow, MeToo, Post, Product, Thread
from forum.services import thread_created

pytestmark = pytest.mark.django_db


def seed(*args: str, triage: str = "no") -> str:
    out = StringIO()
    call_command("seed_demo", *args, "--triage", triage, stdout=out)
    return out.getvalue()


def test_threads_zero_creates_only_the_catalog_and_the_demo_logins():
    output = seed("--threads", "0")
    assert Product.objects.count() == len(CATALOG)
    rn13 = Product.objects.get(slug="redmi-note-13-pro")
    assert "RN13 Pro" in rn13.alias_list and rn13.model == "23117RA68G"
    assert set(User.objects.values_list("email", flat=True)) == {
        "admin@tanggap.local",
        "manager@tanggap.local",
        "engineer@tanggap.local",
        "fan@tanggap.local",
    }
    assert not Thread.objects.exists()
    assert "tanggap-demo" in output and "manager@tanggap.local" in output


def test_seeded_counters_match_the_rows():
    seed("--threads", "80", "--posts", "400", "--seed", "3")
    assert Thread.objects.count() == 80
    assert Post.objects.count() == 400
    threads = Thread.objects.annotate(
        replies=Count("posts", filter=Q(posts__is_deleted=False, posts__is_hidden=False)),
        last_reply=Max("posts__created_at"),
    )
    for thread in threads:
        assert thread.reply_count == thread.replies
        assert thread.me_too_count == MeToo.objects.filter(thread=thread).count()
        assert thread.last_activity_at == max(
            thread.created_at, thread.last_reply or thread.created_at
        )
        assert Follow.objects.filter(thread=thread, user=thread.author).exists()
        assert thread.body_html
    assert not MeToo.objects.filter(thread__author=F("user")).exists()
    assert all(p.author.is_staff for p in Post.objects.filter(is_official=True))
    assert Thread.objects.filter(product__isnull=False).count() > 50


def test_if_empty_adds_nothing_once_there_are_threads():
    seed("--threads", "30", "--posts", "60")
    before = (Thread.objects.count(), Post.objects.count(), User.objects.count())
    output = seed("--if-empty")
    assert (Thread.objects.count(), Post.objects.count(), User.objects.count()) == before
    assert "already has threads" in output


def test_the_same_seed_twice_adds_nothing_and_another_seed_adds_more():
    seed("--threads", "20", "--posts", "40", "--seed", "1")
    seed("--threads", "20", "--posts", "40", "--seed", "1")
    assert Thread.objects.count() == 20
    seed("--threads", "20", "--posts", "40", "--seed", "2")
    assert Thread.objects.count() == 40
    assert Thread.objects.filter(external_id__startswith="demo-2-").count() == 20


def test_the_forum_works_normally_after_a_bulk_seed():
    seed("--threads", "25", "--posts", "50")
    fan = User.objects.get(email="fan00001@fans.tanggap.local")
    assert fan.check_password("tanggap-demo")
    thread = services.create_thread(
        author=fan, title="Baru", body="isi", product=Product.objects.first()
    )
    reply = services.create_post(author=fan, thread=thread, body="balasan")
    assert thread.pk > 25 and reply.pk > 50


def test_seeded_threads_are_sent_to_triage_like_posted_ones():
    seen = []

    def receiver(sender, thread_id, **kwargs):
        seen.append(thread_id)

    thread_created.connect(receiver)
    try:
        seed("--threads", "12", "--posts", "10", triage="yes")
    finally:
        thread_created.disconnect(receiver)
    assert sorted(seen) == sorted(Thread.objects.values_list("id", flat=True))
