"""Input that used to answer 500 (issue 12, item 6) or pass silently (issue 15, the feed's
item 3): each is a 400 that names the parameter or field and says why."""

import base64
import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from triage import services
from triage.models import Cluster, ClusterStatus

pytestmark = pytest.mark.django_db


def refused(response, field):
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert field in body, body
    return " ".join(body[field]) if isinstance(body[field], list) else body[field]


def cursor(text: str) -> str:
    """A cursor as the feed writes them (urlsafe base64 of JSON, no padding)."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# --- fixed-in versions and their public pages -------------------------------------------


@pytest.mark.parametrize(
    "version",
    [
        "-1/2",
        "V14.0.3.0.TMOMIXM/EU",
        "..",
        "a/../b",
        "50% ?#&=",
        "HyperOS 1.0.6.0",
        "版本 2.0",
        "1.0/",
    ],
)
def test_any_written_version_has_a_working_fixed_page(client, engineer_api, make_cluster, version):
    cluster = make_cluster(label="Kamera buram")
    response = engineer_api.patch(
        f"/api/v1/clusters/{cluster.pk}/", {"status": "fixed", "fixed_in": version}, format="json"
    )
    assert response.status_code == 200, response.content
    index = client.get(reverse("triage:fixed_index"))
    assert index.status_code == 200
    link = reverse("triage:fixed", args=[version.strip()])
    assert f'href="{escape(link)}"' in index.content.decode()
    page = client.get(link)
    assert page.status_code == 200 and "Kamera buram" in page.content.decode()


@pytest.mark.parametrize("version", ["1.0\n2.0", "1.0\t(EU)", "1.0\x85EU", "1.0\x1b[31m"])
def test_a_version_with_control_characters_is_refused(engineer_api, make_cluster, version):
    cluster = make_cluster()
    response = engineer_api.patch(
        f"/api/v1/clusters/{cluster.pk}/", {"status": "fixed", "fixed_in": version}, format="json"
    )
    assert "one line" in refused(response, "fixed_in")
    assert Cluster.objects.get(pk=cluster.pk).status == ClusterStatus.NEW


@pytest.mark.parametrize("body", [{"fixed_in": -2.15e16}, {"fixed_in": 2}, {"note": 1.5}])
def test_text_must_be_sent_as_a_string(engineer_api, make_cluster, body):
    """A number is not a version: the schema says string, and so does the API."""
    cluster = make_cluster()
    response = engineer_api.patch(
        f"/api/v1/clusters/{cluster.pk}/", {"status": "fixed", "fixed_in": "2.0", **body},
        format="json",
    )  # fmt: skip
    assert "string" in refused(response, next(iter(body)))
    assert Cluster.objects.get(pk=cluster.pk).status == ClusterStatus.NEW


# --- updated_since ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2025-01-01T00:00:00+16:00", "between -14:00 and +14:00"),
        ("2025-01-01T00:00:00-14:30", "between -14:00 and +14:00"),
        ("2025-01-01T00:00:00", "Give the offset"),
        ("2025-01-01 08:00", "Give the offset"),
        ("2025-02-30T00:00:00Z", "ISO 8601 with offset"),
        ("yesterday", "ISO 8601 with offset"),
        ("", "Empty"),
    ],
)
def test_updated_since_needs_a_real_offset(engineer_api, value, reason):
    response = engineer_api.get("/api/v1/clusters/", {"updated_since": value})
    assert reason in refused(response, "updated_since")


def test_updated_since_takes_every_real_offset_and_the_edges_of_time(engineer_api, make_cluster):
    cluster = make_cluster()
    for value, expected in [
        ("2000-01-01T00:00:00+14:00", [cluster.pk]),
        ("2000-01-01T00:00:00-12:00", [cluster.pk]),
        ("2000-01-01T05:30:00.123456+05:30", [cluster.pk]),
        ("0001-01-01T00:00:00+14:00", [cluster.pk]),  # before year 1 in UTC
        ("9999-12-31T23:59:59-14:00", []),  # after year 9999 in UTC
        ("2999-01-01t00:00:00z", []),
    ]:
        response = engineer_api.get("/api/v1/clusters/", {"updated_since": value})
        assert response.status_code == 200, (value, response.content)
        assert [row["id"] for row in response.json()["results"]] == expected, value


# --- cursors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        cursor('{"o": "-heat", "v": 1.0, "k": 1000000000000000000000000000000, "b": 0}'),
        cursor('{"o": "-heat", "v": 1e400, "k": 1, "b": 0}'),
        cursor('{"o": "-heat", "v": Infinity, "k": 1, "b": 0}'),
        cursor('{"o": "-heat", "v": -Infinity, "k": 1, "b": 0}'),
        cursor('{"o": "-heat", "v": NaN, "k": 1, "b": 0}'),
        cursor('{"o": "-heat", "v": "Infinity", "k": 1, "b": 0}'),
        cursor('{"o": "-heat", "v": 1.0, "k": true, "b": 0}'),
        cursor('{"o": "-heat", "v": 1.0, "k": -5, "b": 0}'),
        cursor('{"o": "-heat", "v": 1.0, "k": 1, "b": 7}'),
        cursor('{"o": "-heat", "v": [1], "k": 1, "b": 0}'),
        cursor("[" * 100_000 + "]" * 100_000),
        cursor("[" * 150 + "]" * 150),
        cursor('{"o": "-heat", "v": ' + "9" * 5000 + ', "k": 1}'),
        cursor("not json at all"),
        "!!!***not-base64***!!!",
        "bm9wZQ",
        "é" * 8,
        "x" * 513,
    ],
    ids=lambda token: token[:24],
)
def test_a_crafted_cursor_is_a_400(engineer_api, make_cluster, token):
    make_cluster()
    response = engineer_api.get("/api/v1/clusters/", {"cursor": token})
    assert "Invalid cursor" in refused(response, "cursor")


@pytest.mark.parametrize(
    ("ordering", "value"),
    [
        ("updated_at", '"9999-12-31T23:59:59-14:00"'),
        ("updated_at", '"2025-01-01T00:00:00"'),
        ("updated_at", '"' + "2" * 50 + '"'),
        ("last_seen", "12"),
    ],
)
def test_a_crafted_date_in_a_cursor_is_a_400(engineer_api, make_cluster, ordering, value):
    make_cluster()
    token = cursor(f'{{"o": "{ordering}", "v": {value}, "k": 1, "b": 0}}')
    response = engineer_api.get("/api/v1/clusters/", {"cursor": token, "ordering": ordering})
    refused(response, "cursor")


def test_the_cursors_the_feed_writes_still_work(engineer_api, make_cluster):
    for heat in (3.0, 2.0, 1.0):
        make_cluster(heat=heat)
    first = engineer_api.get("/api/v1/clusters/", {"page_size": 1}).json()
    second = engineer_api.get(first["next"]).json()
    assert [r["heat"] for r in first["results"] + second["results"]] == [3.0, 2.0]
    assert engineer_api.get(second["previous"]).json()["results"] == first["results"]


# --- filters --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "1", "TRUE", "on", "maybe", ""])
def test_forwarded_takes_only_true_or_false(engineer_api, make_cluster, value):
    make_cluster()
    response = engineer_api.get("/api/v1/clusters/", {"forwarded": value})
    refused(response, "forwarded")


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "3.0", " 3", "9223372036854775808", "x"])
def test_product_is_an_id_from_one(engineer_api, value):
    refused(engineer_api.get("/api/v1/clusters/", {"product": value}), "product")


def test_a_product_id_that_names_no_product_matches_nothing(engineer_api, make_cluster):
    make_cluster()
    response = engineer_api.get("/api/v1/clusters/", {"product": 9_223_372_036_854_775_807})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("value", ["+5", " 5", "٥", "5.0", "1e1"])
def test_page_size_is_plain_digits(engineer_api, value):
    refused(engineer_api.get("/api/v1/clusters/", {"page_size": value}), "page_size")


# --- the write-back -------------------------------------------------------------------


def test_an_unknown_field_is_refused_and_nothing_changes(engineer_api, make_cluster):
    cluster = make_cluster(severity="minor")
    url = f"/api/v1/clusters/{cluster.pk}/"
    response = engineer_api.patch(url, {"severity": "critical"}, format="json")
    assert "Unknown field" in refused(response, "severity")
    assert "status, fixed_in, ticket_url, note" in refused(response, "severity")
    response = engineer_api.patch(
        url, {"status": "acknowledged", "Status": "fixed", "fixedIn": "2.0"}, format="json"
    )
    assert set(response.json()) == {"Status", "fixedIn"}
    cluster.refresh_from_db()
    assert (cluster.severity, cluster.status) == ("minor", ClusterStatus.NEW)


@pytest.mark.parametrize("body", [{}, {"note": "only a note"}])
def test_a_write_back_needs_something_to_write(engineer_api, make_cluster, body):
    cluster = make_cluster()
    response = engineer_api.patch(f"/api/v1/clusters/{cluster.pk}/", body, format="json")
    assert "at least one of" in refused(response, "non_field_errors")


@pytest.mark.parametrize("raw", ["[]", '"fixed"', "12", "null", "{"])
def test_a_body_that_is_not_an_object_is_a_400(engineer_api, make_cluster, raw):
    cluster = make_cluster()
    response = engineer_api.patch(
        f"/api/v1/clusters/{cluster.pk}/", raw, content_type="application/json"
    )
    assert response.status_code == 400


def test_the_schema_states_what_is_refused(engineer_api):
    schema = engineer_api.get("/api/schema/", {"format": "json"}).json()
    clusters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/clusters/"]["get"][
        "parameters"
    ]}  # fmt: skip
    assert clusters["product"]["minimum"] == 1
    assert clusters["forwarded"]["enum"] == ["false", "true"]
    assert "[+-]14:00" in clusters["updated_since"]["pattern"]
    patch = schema["paths"]["/api/v1/clusters/{id}/"]["patch"]["requestBody"]
    assert patch["required"] is True
    ref = patch["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    write = schema["components"]["schemas"][ref]
    assert write["additionalProperties"] is False
    assert write["anyOf"] == [{"required": ["status"]}, {"required": ["fixed_in"]},
                              {"required": ["ticket_url"]}]  # fmt: skip


def test_the_console_writes_odd_versions_the_pages_still_show(client, make_cluster, manager):
    """Whoever writes the version (here the console's service), the pages hold."""
    cluster = make_cluster(label="Sinyal hilang")
    services.set_status(cluster, ClusterStatus.FIXED, actor=manager, fixed_in="2.0/EU #3")
    page = client.get(reverse("triage:fixed", args=["2.0/EU #3"]))
    assert page.status_code == 200 and "Sinyal hilang" in page.content.decode()


def test_a_json_cursor_roundtrip_is_what_the_helper_writes():
    """The helper above writes cursors the way the feed does."""
    assert json.loads(base64.urlsafe_b64decode(cursor('{"a": 1}') + "==")) == {"a": 1}
