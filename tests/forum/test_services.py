"""The forum's writes: counters, "me too", follows, notifications, moderation log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forum import services
from forum.models import Follow, MeToo, ModerationAction, Notification, Post, Status, Thread
from forum.tasks import fan_out_reply, send_daily_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(fan, product):
    return services.create_thread(
        author=fan, title="Baterai boros setelah update", body="Habis 5 jam.", product=product
    )


def test_create_thread_sets_activity_follows_author_and_renders(thread, fan):
    assert thread.last_activity_at == thread.created_at
    assert Follow.objects.filter(thread=thread, user=fan).exists()
    assert thread.body_html == "<p>Habis 5 jam.</p>\n"


def test_create_thread_for_import_without_product_or_author(product):
    when = timezone.now() - timedelta(days=30)
    thread = services.create_thread(
        author=None,
        external_author="@andi_x",
        title="hp panas",
        body="panas banget",
        product=None,
        created_at=when,
        external_id="x:1",
        source_url="https://example.com/1",
    )
    assert thread.product is None and thread.created_at == when == thread.last_activity_at
    assert not Follow.objects.filter(thread=thread).exists()


def test_thread_created_signal_is_sent_after_commit(
    fan, product, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, thread_id, **kwargs):
        received.append(thread_id)

    services.thread_created.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            thread = services.create_thread(author=fan, title="abcde", body="x", product=product)
            assert received == []
        assert received == [thread.pk]
    finally:
        services.thread_created.disconnect(receiver)


def test_reply_counts_and_bumps_activity(thread, other_fan):
    post = services.create_post(author=other_fan, thread=thread, body="Sama di HP saya")
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert thread.last_activity_at == post.created_at
    assert Follow.objects.filter(thread=thread, user=other_fan).exists()


def test_backdated_import_reply_never_moves_activity_backwards(thread, other_fan):
    before = Thread.objects.get(pk=thread.pk).last_activity_at
    services.create_post(
        author=other_fan, thread=thread, body="lama", created_at=before - timedelta(days=2)
    )
    assert Thread.objects.get(pk=thread.pk).last_activity_at == before


def test_reply_notifies_followers_but_not_its_author(
    thread, fan, other_fan, django_capture_on_commit_callbacks
):
    third = UserFactory()
    services.follow(user=third, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(author=other_fan, thread=thread, body="Saya juga")
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {fan.pk, third.pk}
    # The fan-out is idempotent: a retry notifies nobody twice.
    assert fan_out_reply(post.pk) == 0
    assert Notification.objects.count() == 2


def test_staff_reply_is_official_and_notifies_as_official(
    thread, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(author=manager, thread=thread, body="Kami sedang cek.")
    assert post.is_official
    assert Notification.objects.get().verb == Notification.Verb.OFFICIAL


def test_me_too_twice_counts_once_and_toggles_off(thread, other_fan):
    assert services.toggle_me_too(user=other_fan, thread=thread) == (True, 1)
    assert Follow.objects.filter(thread=thread, user=other_fan).exists()
    assert services.toggle_me_too(user=other_fan, thread=thread) == (False, 0)
    assert services.toggle_me_too(user=other_fan, thread=thread) == (True, 1)
    assert MeToo.objects.filter(thread=thread).count() == 1
    assert Thread.objects.get(pk=thread.pk).me_too_count == 1


def test_me_too_refused_on_own_thread_and_on_questions(thread, fan, other_fan, product):
    with pytest.raises(services.ForumError):
        services.toggle_me_too(user=fan, thread=thread)
    question = services.create_thread(
        author=fan, title="Cara reset?", body="?", product=product, kind="question"
    )
    with pytest.raises(services.ForumError):
        services.toggle_me_too(user=other_fan, thread=question)


def test_a_me_too_on_a_suggestion_is_a_vote(fan, other_fan, product):
    idea = services.create_thread(
        author=fan, title="Saran: dual app", body="tambah dual app", product=product,
        kind="suggestion",
    )  # fmt: skip
    assert services.toggle_me_too(user=other_fan, thread=idea) == (True, 1)


def test_follow_and_unfollow_are_idempotent(thread, other_fan):
    assert services.follow(user=other_fan, thread=thread) is True
    assert services.follow(user=other_fan, thread=thread) is False
    assert services.unfollow(user=other_fan, thread=thread) is True
    assert services.unfollow(user=other_fan, thread=thread) is False


def test_suspended_user_cannot_post(thread, other_fan, product):
    other_fan.suspended_until = timezone.now() + timedelta(days=3)
    other_fan.save()
    with pytest.raises(services.ForumError, match="suspended until"):
        services.create_post(author=other_fan, thread=thread, body="x")
    with pytest.raises(services.ForumError):
        services.create_thread(author=other_fan, title="abcdef", body="x", product=product)


def test_locked_thread_takes_staff_replies_only(thread, other_fan, manager):
    services.set_locked(moderator=manager, thread=thread, locked=True, reason="Duplikat")
    with pytest.raises(services.ForumError):
        services.create_post(author=other_fan, thread=thread, body="x")
    services.create_post(author=manager, thread=thread, body="Ditutup, lihat thread lain.")
    log = ModerationAction.objects.get()
    assert (log.moderator, log.action, log.reason) == (manager, "lock", "Duplikat")


def test_edit_within_window_marks_edited_and_closes_after(thread, fan, other_fan):
    services.edit_thread(
        user=fan, thread=thread, title="Baterai boros (HyperOS)", body="**5 jam**",
        firmware="OS1.0.5", kind="problem",
    )  # fmt: skip
    thread.refresh_from_db()
    assert thread.edited_at and "<strong>5 jam</strong>" in thread.body_html
    with pytest.raises(services.ForumError):
        services.edit_thread(
            user=other_fan, thread=thread, title="x" * 10, body="y", firmware="", kind="problem"
        )
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(days=2))
    thread.refresh_from_db()
    assert not services.can_edit(fan, thread)


def test_soft_deleted_reply_keeps_its_row_and_leaves_the_count(thread, other_fan):
    post = services.create_post(author=other_fan, thread=thread, body="salah thread")
    services.delete_post(user=other_fan, post=post)
    services.delete_post(user=other_fan, post=post)  # twice changes nothing more
    assert Post.objects.get(pk=post.pk).is_deleted
    assert Thread.objects.get(pk=thread.pk).reply_count == 0


def test_hide_and_restore_are_logged_and_keep_counters(thread, other_fan, manager):
    post = services.create_post(author=other_fan, thread=thread, body="spam")
    services.set_hidden(moderator=manager, item=post, hidden=True, reason="Iklan")
    assert Thread.objects.get(pk=thread.pk).reply_count == 0
    services.set_hidden(moderator=manager, item=post, hidden=False, reason="Salah klik")
    assert Thread.objects.get(pk=thread.pk).reply_count == 1
    actions = list(ModerationAction.objects.order_by("pk").values_list("action", "reason"))
    assert actions == [("hide", "Iklan"), ("restore", "Salah klik")]


def test_moderation_needs_a_reason(thread, manager):
    with pytest.raises(services.ForumError):
        services.set_hidden(moderator=manager, item=thread, hidden=True, reason="  ")
    assert not ModerationAction.objects.exists()


def test_move_and_suspend_are_logged(thread, manager, other_fan):
    from tests.factories import ProductFactory

    target = ProductFactory(marketing_name="POCO X6 Pro")
    services.move_thread(moderator=manager, thread=thread, product=target, reason="Salah produk")
    services.suspend_user(moderator=manager, user=other_fan, days=7, reason="Spam berulang")
    other_fan.refresh_from_db()
    assert Thread.objects.get(pk=thread.pk).product == target
    assert other_fan.is_suspended
    assert ModerationAction.objects.filter(action="suspend", target_user=other_fan).exists()


def test_status_change_notifies_followers(thread, fan, other_fan):
    services.toggle_me_too(user=other_fan, thread=thread)
    assert services.set_thread_status(thread=thread, status=Status.FIXED, fixed_in="OS1.0.7")
    notes = Notification.objects.filter(verb="status")
    assert {n.recipient_id for n in notes} == {fan.pk, other_fan.pk}
    assert notes.first().extra == {"old": "open", "new": "fixed", "fixed_in": "OS1.0.7"}
    assert not services.set_thread_status(thread=thread, status=Status.FIXED)


def test_daily_digest_only_to_users_who_want_it(thread, fan, other_fan):
    other_fan.email_digest = False
    other_fan.save()
    services.notify(recipients=[fan, other_fan], verb="status", thread=thread)
    old = services.notify(recipients=[fan], verb="reply", thread=thread)
    assert old == 1
    Notification.objects.filter(verb="reply").update(created_at=timezone.now() - timedelta(days=2))
    assert send_daily_digests() == 1
    assert mail.outbox[0].to == [fan.email]
    assert "Baterai boros setelah update" in mail.outbox[0].body
    assert "/accounts/profile/" in mail.outbox[0].body


def test_flag_again_updates_the_open_flag(thread, other_fan):
    first = services.flag(reporter=other_fan, thread=thread, post=None, reason="spam", detail="")
    again = services.flag(reporter=other_fan, thread=thread, post=None, reason="abuse", detail="x")
    assert first.pk == again.pk and again.reason == "abuse"
