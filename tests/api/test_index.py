"""/api/v1/ is an index of the feed's endpoints, and the browsable API reads cleanly
(issue 15, the feed's item 4)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_index_lists_every_endpoint_and_each_link_answers(anonymous_api, engineer_api):
    response = anonymous_api.get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    assert links == {
        "products": "http://testserver/api/v1/products/",
        "clusters": "http://testserver/api/v1/clusters/",
        "cluster": "http://testserver/api/v1/clusters/{id}/",
        "cluster_threads": "http://testserver/api/v1/clusters/{id}/threads/",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
    }
    for name in ("products", "clusters", "schema", "docs"):
        assert engineer_api.get(links[name]).status_code == 200, name


def test_the_browsable_api_shows_code_not_markup(client, engineer):
    client.force_login(engineer)
    html = client.get("/api/v1/clusters/", HTTP_ACCEPT="text/html").content.decode()
    assert "<code>updated_at</code>" in html
    assert "``" not in html
    index = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert (
        "<code>docs/api.md</code>" in index and 'href="http://testserver/api/v1/clusters/"' in index
    )
