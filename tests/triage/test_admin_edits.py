"""A moderator's change to what a thread says is triaged again, like the author's edit."""

import pytest
from django.urls import reverse

from forum import services as forum_services
from tests.factories import ManagerFactory
from tests.triage.reports import A55, RN13P
from triage.models import ThreadTriage

pytestmark = pytest.mark.django_db


def test_a_moderators_correction_in_the_admin_is_triaged_again(
    client, post, django_capture_on_commit_callbacks
):
    thread = post("Kamera", "kamera kadang lambat", product=A55)
    assert thread.triage.severity == "minor"
    client.force_login(ManagerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:forum_thread_change", args=[thread.pk]),
            {"title": "Baterai kembung", "body": "baterai kembung dan hp berasap",
             "firmware": "", "kind": "problem"},
        )  # fmt: skip
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.edited_at is not None and "berasap" in thread.body_html
    assert ThreadTriage.objects.get(thread=thread).severity == "critical"


def test_a_thread_moved_to_another_product_is_triaged_again(
    post, phones, django_capture_on_commit_callbacks
):
    thread = post("Kamera force close", "aplikasi kamera force close", product=A55)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.move_thread(
            moderator=ManagerFactory(), thread=thread, product=phones[RN13P], reason="wrong phone"
        )
    assert ThreadTriage.objects.get(thread=thread).product_id == phones[RN13P].pk
