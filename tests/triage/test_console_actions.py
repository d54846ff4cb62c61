"""The console's actions tell the manager what happened, and the official reply is
previewed, exactly as each fan will read it, before anything is posted."""

import pytest

from forum import services as forum_services
from forum.models import Post
from tests.factories import ManagerFactory, UserFactory
from triage import services
from triage.models import Cluster, ClusterStatus, ReplyTemplate, ThreadTriage, TriageEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

QUEUE = "/admin/triage/cluster/"


@pytest.fixture
def manager():
    return ManagerFactory(display_name="Mira", preferred_language="en")


@pytest.fixture
def clusters(post):
    """Camera crashes (two threads by two fans, one of whom writes in English, and a
    third fan who said "me too") and a lost signal (one thread)."""
    english = UserFactory(preferred_language="en")
    cams = [
        post("Kamera force close", "aplikasi kamera force close saat dibuka"),
        post("Camera force close", "camera app force close when opening", author=english),
    ]
    forum_services.toggle_me_too(user=UserFactory(), thread=cams[0])
    signal = post("Sinyal hilang", "sinyal hilang no service setelah update")
    camera = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=cams[0]).cluster_id)
    for thread in cams[1:]:
        ThreadTriage.objects.filter(thread=thread).update(cluster=camera)
    services.refresh_figures([camera.pk])
    camera.refresh_from_db()
    lost = Cluster.objects.get(pk=ThreadTriage.objects.get(thread=signal).cluster_id)
    return camera, lost


def said(response) -> list[str]:
    """The messages the manager reads on the page the action leads to."""
    return [str(m) for m in response.context["messages"]]


def act(client, cluster, action, **data):
    return client.post(
        QUEUE,
        {"_selected_action": [cluster.pk], "index": 0, "action": action,
         "next": f"{QUEUE}{cluster.pk}/change/", **data},
        follow=True,
    )  # fmt: skip


def test_a_merge_says_what_moved_where(client, manager, clusters):
    camera, lost = clusters
    client.force_login(manager)
    lost.refresh_from_db()
    response = client.post(
        QUEUE,
        {"_selected_action": [camera.pk, lost.pk], "index": 0, "action": "merge", "apply": 1,
         "kept": camera.pk},
        follow=True,
    )  # fmt: skip
    assert said(response) == [f"Merged #{lost.pk} into #{camera.pk}: 1 thread, 1 person moved."]


def test_the_merge_page_shows_numbers_and_sizes_and_can_be_cancelled(client, manager, clusters):
    camera, lost = clusters
    client.force_login(manager)
    html = client.post(
        QUEUE, {"_selected_action": [camera.pk, lost.pk], "index": 0, "action": "merge"}
    ).content.decode()
    assert f"#{camera.pk} · Kamera force close (2 threads, 3 people; Major, New)" in html
    assert f"#{lost.pk} · Sinyal hilang (1 thread, 1 person;" in html
    assert f'href="{QUEUE}" class="button cancel-link">Cancel</a>' in html
    from_page = act(client, camera, "merge").content.decode()
    assert f'href="{QUEUE}{camera.pk}/change/" class="button cancel-link"' in from_page


def test_each_action_says_what_happened(client, manager, clusters):
    camera, _lost = clusters
    client.force_login(manager)
    label = f"#{camera.pk} “{camera.label}”"
    assert said(act(client, camera, "confirm")) == [
        f"Confirmed {label}; fans see it on their threads."
    ]
    assert said(act(client, camera, "confirm")) == [f"Already confirmed: {label}."]
    assert said(act(client, camera, "set_severity", apply=1, level="critical",
                    reason="data hilang")) == [f"Severity of {label} set to critical."]  # fmt: skip
    assert said(
        act(client, camera, "forward", apply=1, ticket_url="https://jira.example.com/C-1", note="")
    ) == [  # fmt: skip
        f"Forwarded {label} to engineering, ticket https://jira.example.com/C-1."
    ]
    assert said(act(client, camera, "mark_fixed", apply=1, fixed_in="A556XXU4", note="")) == [
        f"Marked {label} fixed in A556XXU4; fans were told."
    ]
    event = TriageEvent.objects.filter(cluster=camera, action="status").first()
    assert event.data["fixed_in"] == "A556XXU4"  # the audit entry keeps the version
    page = client.get(f"{QUEUE}{camera.pk}/change/").content.decode()
    assert "Status changed from Forwarded to engineering to Fixed, fixed in A556XXU4." in page


def test_an_official_reply_is_previewed_as_each_fan_will_read_it(
    client, manager, clusters, django_capture_on_commit_callbacks
):
    camera, _lost = clusters
    template = ReplyTemplate.objects.create(
        name="Sedang dicek", body_id="Kami cek masalah di **{product}**.",
        body_en="We are looking into it on **{product}**.",
    )  # fmt: skip
    client.force_login(manager)
    preview = act(client, camera, "post_reply", preview=1, template=template.pk)
    html = preview.content.decode()
    product = camera.product.marketing_name
    assert f"Kami cek masalah di <strong>{product}</strong>." in html
    assert f"We are looking into it on <strong>{product}</strong>." in html
    assert "It reaches 2 threads" in html and "notifies 3 people" in html
    assert "1 thread gets this" in html  # one per language
    assert "Post to 2 threads" in html
    assert not Post.objects.filter(is_official=True).exists()  # nothing posted yet

    stale = act(client, camera, "post_reply", apply=1, template=template.pk, previewed="x")
    assert stale.status_code == 200 and not Post.objects.filter(is_official=True).exists()
    assert "changed since its preview" in " ".join(said(stale))

    with django_capture_on_commit_callbacks(execute=True):
        done = act(client, camera, "post_reply", apply=1, template=template.pk,
                   previewed=preview.context["fingerprint"])  # fmt: skip
    assert done.redirect_chain[-1][0] == f"{QUEUE}{camera.pk}/change/"
    bodies = set(Post.objects.filter(is_official=True).values_list("body", flat=True))
    assert bodies == {f"Kami cek masalah di **{product}**.",
                      f"We are looking into it on **{product}**."}  # fmt: skip
    assert said(done) == [
        f"Posted the official reply in 2 threads of #{camera.pk} “{camera.label}” (1 in "
        "Indonesian, 1 in English); 3 people are being notified."
    ]


def test_a_one_off_reply_needs_no_template_but_both_languages(
    client, manager, clusters, django_capture_on_commit_callbacks
):
    camera, _lost = clusters
    client.force_login(manager)
    one_language = act(client, camera, "post_reply", preview=1, body_id="Sedang kami cek.")
    assert "Write the one-off reply in both languages" in one_language.content.decode()
    nothing = act(client, camera, "post_reply", preview=1)
    assert "Choose a reply template or write a one-off reply." in nothing.content.decode()

    texts = {"body_id": "Sedang kami cek, {product}.", "body_en": "Checking, {product}."}
    preview = act(client, camera, "post_reply", preview=1, **texts)
    assert "Checking, " in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        act(client, camera, "post_reply", apply=1, previewed=preview.context["fingerprint"],
            **texts)  # fmt: skip
    assert Post.objects.filter(is_official=True).count() == 2
    event = TriageEvent.objects.get(action="replied")
    assert event.data["name"] == "" and event.data["languages"] == {"id": 1, "en": 1}
    page = client.get(f"{QUEUE}{camera.pk}/change/").content.decode()
    assert "One-off official reply posted in 2 threads." in page
    assert ReplyTemplate.objects.count() == 0  # no template was needed


def test_the_preview_can_go_back_to_change_the_reply(client, manager, clusters):
    camera, _lost = clusters
    client.force_login(manager)
    texts = {"body_id": "Sedang kami cek.", "body_en": "Checking."}
    back = act(client, camera, "post_reply", edit=1, **texts)
    html = back.content.decode()
    assert "Sedang kami cek.</textarea>" in html and 'name="preview"' in html
    assert Cluster.objects.get(pk=camera.pk).status == ClusterStatus.NEW
