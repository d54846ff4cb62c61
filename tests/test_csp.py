"""The Content-Security-Policy header, and templates that can live under it.

tests/browser/test_csp_browser.py loads every main page in Chromium and fails on any
violation; these check the header itself and catch inline code before a browser does.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from forum import markdown

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_page_gets_a_strict_policy(client):
    directives = policy(client.get("/"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"


def test_a_page_from_the_anonymous_page_cache_carries_the_policy_too(client, settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 10
    client.get("/p/")
    cached = client.get("/p/")
    assert policy(cached)["script-src"] == "'self'"


def test_only_the_api_developer_pages_relax_styles_and_never_scripts(client, django_user_model):
    docs = policy(client.get("/api/docs/"))
    assert docs["style-src"] == "'self' 'unsafe-inline'" and docs["img-src"] == "'self' data:"
    assert docs["script-src"] == "'self'"
    script = client.get("/api/docs/?script")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory())
    browsable = client.get("/api/v1/products/", HTTP_ACCEPT="text/html")
    assert policy(browsable)["style-src"] == "'self' 'unsafe-inline'"
    assert policy(browsable)["script-src"] == "'self'"
    as_json = client.get("/api/v1/products/", HTTP_ACCEPT="application/json")
    assert policy(as_json)["style-src"] == "'self'"


def test_markdown_tables_align_with_classes_not_inline_style():
    html = markdown.render("| a | b |\n|:-:|--:|\n| 1 | 2 |")
    assert 'class="align-center"' in html and 'class="align-right"' in html
    assert "style=" not in html
    assert "<td style" not in markdown.render('<td style="color:red">x</td>')  # shown as text


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def our_templates() -> list[Path]:
    patterns = ["templates/**/*.html", "*/templates/**/*.html", "*/jinja2/**/*.html"]
    return [path for pattern in patterns for path in sorted(ROOT.glob(pattern))]


@pytest.mark.parametrize("path", our_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_no_inline_script_handler_or_style(path):
    source = path.read_text()
    for name, pattern in [("inline <script>", INLINE_SCRIPT), ("inline handler", INLINE_HANDLER),
                          ("inline style", INLINE_STYLE), ("javascript: URL", JS_URL)]:  # fmt: skip
        found = pattern.search(source)
        assert not found, f"{name} in {path.name}: {found.group(0)!r}; move it to static/"
