"""Every main page passes the Content-Security-Policy in Chromium at a phone's size: as an
anonymous reader, a signed-in fan (with the composer's and "me too"'s scripts at work), a
community manager in the admin console, and on the API's pages. Any violation, reported
by the browser's console or its securitypolicyviolation event, fails the test."""

import re

import pytest
from playwright.sync_api import expect

from forum import services
from forum.models import Flag
from tests.factories import ManagerFactory, ProductFactory, UserFactory
from triage import index
from triage.models import Cluster

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # the factories' password
TABLE = "| versi | baterai |\n|:--|--:|\n| OS1.0.5 | 40% semalam |"
# Runs before any script of the page; CSP does not apply to it (it comes from the driver).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
  + ' at ' + e.sourceFile + ':' + e.lineNumber));
"""


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    index.forget()
    yield
    index.forget()


class Watcher:
    """Collects CSP violations of every page a browser context opens."""

    def __init__(self, context):
        self.violations: list[str] = []
        context.add_init_script(WATCH)
        context.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.violations.append(message.text)

    def visit(self, page, url, ready="body"):
        response = page.goto(url)
        assert response.status < 500, (url, response.status)
        expect(page.locator(ready).first).to_be_attached()
        # Late requests (fetches, lazy images) may be blocked too, and none may still be
        # running on the server when the test's database is flushed.
        page.wait_for_load_state("networkidle")
        self.violations += [f"{url}: {v}" for v in page.evaluate("window.__csp")]


def log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    expect(page.locator(".nav-user")).to_be_visible()


def test_every_main_page_passes_the_content_security_policy(
    browser, browser_context_args, live_server, artifacts_dir
):
    base = live_server.url
    product = ProductFactory(marketing_name="Redmi Note 13 Pro", aliases="RN13 Pro")
    fan = UserFactory(email="siti@example.com", display_name="Siti")
    ManagerFactory(email="rina@example.com", display_name="Rina CM")
    other = UserFactory(display_name="Budi")
    thread = services.create_thread(
        author=other, title="Baterai boros setelah update", body="baterai cepat habis\n\n" + TABLE,
        product=product, firmware="OS1.0.5",
    )  # fmt: skip
    services.create_post(author=other, thread=thread, body=TABLE)
    Flag.objects.create(thread=thread, reporter=fan, reason="spam")
    cluster = Cluster.objects.get()

    # An anonymous reader.
    context = browser.new_context(**browser_context_args)
    watch = Watcher(context)
    page = context.new_page()
    public = [
        "/", "/p/", product.get_absolute_url(), thread.get_absolute_url(), "/search/?q=baterai",
        f"/p/{product.slug}/known-issues/", "/fixed/", f"/clusters/{cluster.pk}/",
        f"/accounts/u/{other.pk}/", "/accounts/login/", "/accounts/signup/",
        "/accounts/password/reset/",
    ]  # fmt: skip
    for url in public:
        watch.visit(page, base + url)
    context.close()

    # A signed-in fan: the composer's similar-threads lookup and "me too" run their scripts.
    context = browser.new_context(**browser_context_args)
    watch_fan = Watcher(context)
    page = context.new_page()
    log_in(page, base, fan.email)
    for url in [*public[:9], "/notifications/", "/accounts/profile/", "/accounts/email/",
                "/accounts/password/change/", "/new/"]:  # fmt: skip
        watch_fan.visit(page, base + url)
    page.fill("input[name=title]", "baterai boros banget setelah update")
    expect(page.locator("#similar-threads")).to_be_visible()  # the lookup answered
    page.wait_for_load_state("networkidle")
    watch_fan.visit(page, base + thread.get_absolute_url())
    page.locator("button.me-too").click()
    expect(page.locator("button.me-too .count")).to_have_text("1")
    page.screenshot(path=str(artifacts_dir / "csp-thread-fan.png"), full_page=True)
    watch_fan.violations += page.evaluate("window.__csp")
    context.close()

    # A community manager in the admin console, the browsable API and the API docs.
    context = browser.new_context(**browser_context_args)
    watch_admin = Watcher(context)
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "rina@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    admin_pages = [
        "/admin/", "/admin/triage/cluster/", f"/admin/triage/cluster/{cluster.pk}/change/",
        "/admin/triage/alert/", "/admin/triage/webhook/add/", "/admin/triage/replytemplate/add/",
        "/admin/forum/thread/", f"/admin/forum/thread/{thread.pk}/change/", "/admin/forum/flag/",
        "/admin/forum/moderationaction/", "/admin/forum/product/add/", "/admin/accounts/user/",
        f"/admin/accounts/user/{fan.pk}/change/",
    ]  # fmt: skip
    for url in admin_pages:
        watch_admin.visit(page, base + url, ready="#content")
    page.screenshot(path=str(artifacts_dir / "csp-admin-user.png"), full_page=True)
    watch_admin.visit(page, base + admin_pages[2], ready=".triage-console")
    page.screenshot(path=str(artifacts_dir / "csp-admin-cluster.png"), full_page=True)
    watch_admin.visit(page, f"{base}/api/v1/clusters/", ready="#content")
    watch_admin.visit(page, f"{base}/api/docs/", ready=".swagger-ui .info")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "csp-api-docs.png"))
    context.close()

    violations = watch.violations + watch_fan.violations + watch_admin.violations
    assert violations == [], "\n".join(violations)
