"""Who may call what: every role on every endpoint."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ENGINEER
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/products/",
    "/api/v1/clusters/",
    "/api/v1/clusters/{id}/",
    "/api/v1/clusters/{id}/threads/",
]
WRITE = "/api/v1/clusters/{id}/"


@pytest.fixture
def cluster(make_cluster):
    return make_cluster(threads=2)


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("fan", 403), ("engineer", 200), ("manager", 200), ("staff", 200)],
)
def test_reads_by_role(request, cluster, path, role, expected):
    if role == "staff":
        client = token_client(UserFactory(is_staff=True))
    else:
        client = request.getfixturevalue(f"{role}_api")
    response = client.get(path.format(id=cluster.pk))
    assert response.status_code == expected, response.content
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected == 403:
        assert "engineers and community managers" in response.json()["detail"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("fan", 403), ("engineer", 200), ("manager", 200)],
)
def test_status_write_back_by_role(request, cluster, role, expected):
    client = request.getfixturevalue(f"{role}_api")
    response = client.patch(WRITE.format(id=cluster.pk), {"status": "acknowledged"}, format="json")
    assert response.status_code == expected, response.content
    cluster.refresh_from_db()
    assert cluster.status == ("acknowledged" if expected == 200 else "new")


def test_a_reader_without_the_change_permission_may_read_but_not_write(engineer_api, cluster):
    change = Permission.objects.get(content_type__app_label="triage", codename="change_cluster")
    Group.objects.get(name=ENGINEER).permissions.remove(change)
    assert engineer_api.get(f"/api/v1/clusters/{cluster.pk}/").status_code == 200
    response = engineer_api.patch(
        f"/api/v1/clusters/{cluster.pk}/", {"status": "fixed", "fixed_in": "2.0"}, format="json"
    )
    assert response.status_code == 403
    cluster.refresh_from_db()
    assert cluster.status == "new"


def test_a_bad_token_is_401(anonymous_api, cluster):
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anonymous_api.get("/api/v1/clusters/").status_code == 401


def test_a_manager_signed_in_in_the_browser_gets_the_browsable_api(client, manager, cluster):
    client.force_login(manager)
    response = client.get("/api/v1/clusters/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Tanggap" in response.content or b"Clusters" in response.content


def test_a_fan_signed_in_in_the_browser_is_refused(client, fan, cluster):
    client.force_login(fan)
    assert client.get("/api/v1/clusters/", HTTP_ACCEPT="application/json").status_code == 403


def test_the_schema_and_the_docs_page_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/clusters/{id}/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


@pytest.mark.parametrize("path", ["/api/v1/clusters/", "/api/v1/clusters/{id}/"])
def test_a_demoted_engineer_is_refused_on_the_next_request(
    settings, engineer, engineer_api, cluster, path
):
    # The list page stays cached for everyone else; the role is read on every request.
    settings.FEED_CACHE_SECONDS = 30
    url = path.format(id=cluster.pk)
    assert engineer_api.get(url).status_code == 200
    engineer.groups.remove(Group.objects.get(name=ENGINEER))
    refused = engineer_api.get(url)
    assert refused.status_code == 403
    assert "engineers and community managers" in refused.json()["detail"]
    engineer.groups.add(Group.objects.get(name=ENGINEER))
    assert engineer_api.get(url).status_code == 200


def test_a_deactivated_account_is_refused_with_401(settings, engineer, engineer_api, cluster):
    settings.FEED_CACHE_SECONDS = 30
    assert engineer_api.get("/api/v1/clusters/").status_code == 200
    engineer.is_active = False
    engineer.save(update_fields=["is_active"])
    assert engineer_api.get("/api/v1/clusters/").status_code == 401
