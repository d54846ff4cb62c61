"""Community managers moderate through the admin; every action asks why and is logged."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from forum import services
from forum.models import Flag, ModerationAction, Post, Thread
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(fan, product):
    return services.create_thread(author=fan, title="Iklan HP murah", body="spam", product=product)


def run_action(client, model, action, ids, **form):
    url = reverse(f"admin:forum_{model}_changelist")
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(i) for i in ids]}
    ask = client.post(url, data)
    assert ask.status_code == 200 and "reason" in ask.content.decode()  # asks first
    return client.post(url, {**data, "apply": "1", **form})


def test_manager_hides_a_thread_with_a_reason(client, manager, thread):
    client.force_login(manager)
    run_action(client, "thread", "hide", [thread.pk], reason="Iklan")
    assert Thread.objects.get(pk=thread.pk).is_hidden
    log = ModerationAction.objects.get()
    assert (log.moderator, log.action, log.thread, log.reason) == (manager, "hide", thread, "Iklan")


def test_no_reason_no_action(client, manager, thread):
    client.force_login(manager)
    response = run_action(client, "thread", "lock", [thread.pk], reason="")
    assert response.status_code == 200  # the form again, with its error
    assert not Thread.objects.get(pk=thread.pk).locked
    assert not ModerationAction.objects.exists()


def test_manager_locks_moves_and_sets_status(client, manager, thread):
    client.force_login(manager)
    target = ProductFactory(marketing_name="POCO F6")
    run_action(client, "thread", "lock", [thread.pk], reason="Selesai")
    run_action(client, "thread", "move", [thread.pk], reason="Produk salah", product=target.pk)
    run_action(
        client, "thread", "change_status", [thread.pk], reason="Dari tim", status="fixed",
        fixed_in="OS2.0.1",
    )  # fmt: skip
    thread.refresh_from_db()
    assert thread.locked and thread.product == target and thread.status == "fixed"
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "lock",
        "move",
        "status",
    ]


def test_manager_hides_a_reply_and_suspends_its_author(client, manager, thread, other_fan):
    post = services.create_post(author=other_fan, thread=thread, body="kasar")
    client.force_login(manager)
    run_action(client, "post", "hide", [post.pk], reason="Kasar")
    run_action(client, "post", "suspend_authors", [post.pk], reason="Kasar berulang", days=3)
    other_fan.refresh_from_db()
    assert Post.objects.get(pk=post.pk).is_hidden and other_fan.is_suspended


def test_flags_are_resolved_with_the_flagged_post_hidden(client, manager, thread, other_fan):
    flag = services.flag(reporter=other_fan, thread=thread, post=None, reason="spam", detail="")
    client.force_login(manager)
    changelist = client.get(reverse("admin:forum_flag_changelist")).content.decode()
    assert "Iklan HP murah" in changelist
    run_action(client, "flag", "hide_and_resolve", [flag.pk], reason="Spam jelas")
    flag.refresh_from_db()
    assert flag.status == Flag.FlagStatus.RESOLVED and flag.resolved_by == manager
    assert Thread.objects.get(pk=thread.pk).is_hidden
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {
        "hide",
        "resolve_flag",
    }


def test_the_log_is_read_only(client, manager, thread):
    services.set_locked(moderator=manager, thread=thread, locked=True, reason="x")
    client.force_login(manager)
    log = ModerationAction.objects.get()
    assert client.get(reverse("admin:forum_moderationaction_changelist")).status_code == 200
    response = client.post(
        reverse("admin:forum_moderationaction_change", args=[log.pk]), {"reason": "changed"}
    )
    assert response.status_code == 403
    assert ModerationAction.objects.get().reason == "x"


def test_fans_cannot_reach_the_admin(client, fan):
    client.force_login(fan)
    assert client.get(reverse("admin:forum_thread_changelist")).status_code == 302


def test_a_manager_cannot_change_who_wrote_a_post(client, manager, thread, other_fan):
    client.force_login(manager)
    url = f"/admin/forum/thread/{thread.pk}/change/"
    form = {"title": thread.title, "body": thread.body, "firmware": "", "kind": thread.kind}
    response = client.post(url, {**form, "author": other_fan.pk})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.author_id != other_fan.pk
