"""Configuration from the environment, the health check and production settings."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import ThreadFactory

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "forum.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://forum.example.com",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_STATIC_MANIFEST": "true",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSRF_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_secret_key_is_refused_without_debug():
    result = manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_default_secret_key_is_accepted_with_debug():
    result = manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_degraded_but_stays_in_service_when_the_broker_is_down(client, settings):
    # Posts are still saved (the sweeper triages them once the broker is back), and a 503
    # would make the load balancer drop every web process at once.
    settings.BROKER_CONFIGURED = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from config import views

    def refused():
        raise ConnectionError

    monkeypatch.setattr(views, "_check_database", refused)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"].startswith("error")


def test_unknown_page_is_a_translated_404_not_a_500(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 404


def test_gunicorn_warms_the_app_in_the_master_and_freezes_its_heap():
    """The Procfile's web process loads config/gunicorn.py: preload, then warm and freeze."""
    import gc
    import runpy

    conf = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    assert conf["preload_app"] is True
    before = gc.get_freeze_count()
    try:
        conf["when_ready"](None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
    assert "-c config/gunicorn.py" in (settings.BASE_DIR / "Procfile").read_text()


def test_proxy_and_cache_settings_come_from_the_environment():
    printed = manage(
        "shell", "--verbosity", "0", "-c",
        "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, "
        "s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, s.CACHES['default']['BACKEND'])",
        DJANGO_DEBUG="true", TRUSTED_PROXY_COUNT="1", TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        CACHE_URL="redis://127.0.0.1:6379/11",
    )  # fmt: skip
    assert printed.stdout.split() == ["1", "X-Real-IP", "config.cache.FailSafeRedisCache"]


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


@pytest.mark.postgres
def test_a_query_a_connection_runs_again_is_prepared_so_postgresql_no_longer_plans_it(
    client, settings
):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    threads = ThreadFactory.create_batch(6)
    for thread in threads:
        assert client.get(f"/t/{thread.pk}/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    # The thread page's own query, with the thread's id as a server-side parameter.
    assert any("FROM forum_thread t" in sql and "$1" in sql for sql in prepared), prepared
