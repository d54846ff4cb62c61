"""The feed speaks English unless Accept-Language asks for Indonesian, and then all of
it does: DRF's own errors, the feed's errors and the severity reasons (issue 15, the
feed's item 2)."""

import pytest

from forum import services as forum_services
from tests.api.conftest import token_client
from tests.factories import EngineerFactory, ThreadFactory
from triage import services as triage_services
from triage.models import Cluster, ClusterStatus

pytestmark = pytest.mark.django_db

ENGLISH_401 = "Authentication credentials were not provided."
INDONESIAN_401 = "Data autentikasi tidak diberikan."


def language_of(response):
    assert response["Content-Language"] in {"en", "id"}
    assert "Accept-Language" in response["Vary"]
    return response["Content-Language"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("id", "id"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("en-US,en;q=0.9,id;q=0.8", "en"),
        ("fr-FR, de;q=0.9, id;q=0.5", "id"),
        ("fr, de", "en"),
        ("*", "en"),
        ("x" * 2000, "en"),
    ],
)
def test_drf_errors_follow_accept_language_and_default_to_english(anonymous_api, header, expected):
    headers = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = anonymous_api.get("/api/v1/clusters/", **headers)
    assert response.status_code == 401
    assert language_of(response) == expected
    assert response.json()["detail"] == (ENGLISH_401 if expected == "en" else INDONESIAN_401)


def test_the_site_default_and_a_fans_cookie_do_not_change_the_api(anonymous_api, settings):
    assert settings.LANGUAGE_CODE == "id"  # the forum's default stays Indonesian
    anonymous_api.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert anonymous_api.get("/api/v1/clusters/").json()["detail"] == ENGLISH_401


def test_a_profile_language_does_not_change_the_api(make_cluster):
    engineer = EngineerFactory(preferred_language="id")
    api = token_client(engineer)
    api.force_login(engineer)  # the browsable API's session too
    response = api.get("/api/v1/clusters/", {"page_size": 0})
    assert response.json()["page_size"] == ["Between 1 and 100."]


@pytest.mark.parametrize(
    ("query", "field", "english", "indonesian"),
    [
        ({"page_size": 0}, "page_size", "Between 1 and 100.", "Antara 1 dan 100."),
        ({"ordering": "x"}, "ordering", "One of: -heat", "Salah satu dari: -heat"),
        ({"cursor": "x"}, "cursor", "Invalid cursor", "Cursor tidak valid"),
        ({"updated_since": "2025-01-01T00:00:00"}, "updated_since", "Give the offset",
         "Sertakan offset"),
        ({"severity": "apocalyptic"}, "severity", "Select a valid choice",
         "Masukkan pilihan yang valid"),
    ],
)  # fmt: skip
def test_the_feeds_own_errors_follow_the_same_language(
    engineer_api, query, field, english, indonesian
):
    assert english in engineer_api.get("/api/v1/clusters/", query).json()[field][0]
    response = engineer_api.get("/api/v1/clusters/", query, HTTP_ACCEPT_LANGUAGE="id")
    assert indonesian in response.json()[field][0]


def test_write_back_errors_follow_the_language(engineer_api, make_cluster):
    url = f"/api/v1/clusters/{make_cluster().pk}/"
    english = engineer_api.patch(url, {"severity": "critical"}, format="json")
    assert english.json()["severity"][0].startswith("Unknown field")
    indonesian = engineer_api.patch(
        url, {"status": "closed"}, format="json", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert "Engineering boleh mengisi" in indonesian.json()["status"][0]


@pytest.fixture
def triaged_cluster(db, product):
    """A cluster the pipeline made from a fan's thread about a swollen battery."""
    thread = forum_services.create_thread(
        author=ThreadFactory().author,
        title="Baterai kembung",
        body="baterai hp saya kembung, casing belakang terangkat",
        product=product,
    )
    return triage_services.triage_thread(thread.pk).cluster


def test_severity_reason_is_worded_in_the_language_of_the_request(engineer_api, triaged_cluster):
    url = f"/api/v1/clusters/{triaged_cluster.pk}/"
    english = engineer_api.get(url).json()["severity_reason"]
    indonesian = engineer_api.get(url, HTTP_ACCEPT_LANGUAGE="id").json()["severity_reason"]
    assert english == "1 of 1 report is critical: swollen battery (“kembung”)."
    assert indonesian == "1 dari 1 laporan tergolong kritis: baterai menggembung (“kembung”)."


def test_a_managers_reason_is_shown_in_their_own_words(engineer_api, triaged_cluster, manager):
    triage_services.set_severity(
        triaged_cluster, "minor", actor=manager, reason="Hanya satu laporan, belum terbukti."
    )
    for language in ("en", "id"):
        body = engineer_api.get(
            f"/api/v1/clusters/{triaged_cluster.pk}/", HTTP_ACCEPT_LANGUAGE=language
        ).json()
        assert body["severity_reason"] == "Hanya satu laporan, belum terbukti."


def test_the_detail_etag_differs_by_language(engineer_api, triaged_cluster):
    url = f"/api/v1/clusters/{triaged_cluster.pk}/"
    english = engineer_api.get(url)["ETag"]
    indonesian = engineer_api.get(url, HTTP_ACCEPT_LANGUAGE="id")
    assert indonesian["ETag"] != english
    again = engineer_api.get(url, HTTP_IF_NONE_MATCH=english, HTTP_ACCEPT_LANGUAGE="id")
    assert again.status_code == 200


def test_merged_conflict_reads_in_the_language(engineer_api, make_cluster):
    kept, gone = make_cluster(), make_cluster()
    Cluster.objects.filter(pk=gone.pk).update(merged_into=kept, status=ClusterStatus.DUPLICATE)
    response = engineer_api.patch(
        f"/api/v1/clusters/{gone.pk}/", {"status": "acknowledged"}, format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Klaster {gone.pk} sudah digabung ke {kept.pk}; tulis ke klaster itu."
    )
