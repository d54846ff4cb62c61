"""Every console page reads naturally in Indonesian and in English: no untranslated
label, heading or value, and no raw list or dict where a sentence should be.

The pages are every changelist and change form of the admin the demo manager sees, the
cluster page, the home page and the intermediate pages of the console's actions, each
rendered in both languages over data that exercises every kind of sentence (alerts of
each kind, merges, moves, status changes with a version, an official reply, webhooks).
The fans' own words in that data avoid the UI words checked, so a hit is the UI's.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client

from forum.models import Kind
from tests.factories import ManagerFactory, UserFactory
from triage import services
from triage.models import (
    Alert,
    ClusterStatus,
    ReplyTemplate,
    Severity,
    ThreadTriage,
    Webhook,
    WebhookDelivery,
)

pytestmark = pytest.mark.django_db

# Words of English UI text that an Indonesian page never needs (Indonesian keeps a few
# English words, "thread", "firmware", "engineering", "status", "webhook", which are not
# here).
ENGLISH = set(
    """
    the and of to with from for by is are was were has have had no not yet all none open
    closed cluster clusters threads reports report people person affected heat severity
    alert alerts merged merge kept absorbed answer answered official engine reply replies
    template templates select change add view home queue growth fixed forwarded waiting
    days hours minutes ago just now spike regression escalation suggestion critical major
    minor confirmed yes true false null details what happened cancel apply
    preview posted keywords response times since before after first last age too new
    moved undone
    """.split()
)
# Words of Indonesian UI text that an English page never needs.
INDONESIAN = set(
    """
    klaster laporan orang terdampak peringatan belum sudah dijawab tingkat keparahan jam
    hari menit yang dan dari untuk dengan tidak atau penggemar balasan resmi diperbaiki
    diteruskan lonjakan kritis berat ringan saran baru terbuka ditutup ubah tambah simpan
    hapus beranda antrean kata kunci mesin pratinjau kirim batal pilih semua
    """.split()
)
RAW = re.compile(r"[\[{]\s*['\"\d]|['\"]\s*[\]}]")
# A thread is a "thread" in Indonesian too; "topik" only in "di luar topik" (off topic).
TOPIK = re.compile(r"(?<!luar )\btopik\b", re.IGNORECASE)
# The reply templates' placeholders are written as they are typed.
PLACEHOLDER = re.compile(r"\{(?:product|fixed_in)\}")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles, form values or code blocks.

    Django's picker of single permissions on the user page is left out too: Django
    stores permission names in English ("Can add cluster") and shows them as stored.
    """

    SKIP = {"script", "style", "textarea", "pre", "code", "noscript"}
    SKIP_SELECTS = {"user_permissions", "user_permissions_old"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts, self.skipping = 0, [], []

    def handle_starttag(self, tag, attrs):
        skip = tag in self.SKIP or (
            tag == "select" and dict(attrs).get("name") in self.SKIP_SELECTS
        )
        if tag in self.SKIP or tag == "select":
            self.skipping.append(skip)
            self.depth += skip

    def handle_endtag(self, tag):
        if (tag in self.SKIP or tag == "select") and self.skipping:
            self.depth -= self.skipping.pop()

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def problems(html: str, language: str) -> list[str]:
    """Untranslated words and raw data in a page's visible text."""
    text = PLACEHOLDER.sub("", visible_text(html))
    foreign = ENGLISH if language == "id" else INDONESIAN
    found = sorted({w for w in WORD.findall(text) if w.lower() in foreign})
    if language == "id":
        found += [text[max(0, m.start() - 30) : m.end() + 30] for m in TOPIK.finditer(text)]
    raw = [text[max(0, m.start() - 30) : m.end() + 30] for m in RAW.finditer(text)]
    return found + raw


@pytest.fixture
def console(post, phones, django_capture_on_commit_callbacks):
    """A console with something on every page: clusters merged, moved, forwarded, fixed
    and answered, alerts of every kind, a reply template, a webhook and a delivery."""
    manager = ManagerFactory(display_name="Mira", preferred_language="id")
    swollen = post("Baterai kembung", "baterai kembung parah, casing terangkat, mau saya viralin")
    cams = [
        post("Kamera force close", "kamera force close tiap dibuka", firmware="A1"),
        post("kamera crash terus", "kamera force close terus", firmware="A1"),
    ]
    idea = post("Mode gelap otomatis", "tolong tambahkan mode gelap otomatis", kind=Kind.SUGGESTION)
    camera = ThreadTriage.objects.get(thread=cams[0]).cluster
    swollen_cluster = ThreadTriage.objects.get(thread=swollen).cluster
    other = ThreadTriage.objects.get(thread=idea).cluster
    services.set_severity(other, Severity.MINOR, actor=manager, reason="cuma permintaan fitur")
    record = services.merge_clusters(camera, other, actor=manager, note="sama")
    services.unmerge(record, actor=manager)
    services.move_threads([cams[1].pk], None, actor=manager)
    services.forward_cluster(camera, actor=manager, ticket_url="https://jira.example.com/C-1")
    services.set_status(camera, ClusterStatus.FIXED, actor=manager, fixed_in="A556XXU4")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_official_reply(
            camera, ReplyTemplate(name="", body_id="Beres di {fixed_in}",
                                  body_en="Sorted in {fixed_in}"), actor=manager,
        )  # fmt: skip
        services.open_alert(
            Alert.Kind.SPIKE,
            cluster=camera,
            data={"observed": 12, "expected": 0.4, "window_hours": 3},
        )
        services.open_alert(
            Alert.Kind.PRODUCT_SPIKE,
            product=camera.product,
            data={"observed": 30, "expected": 2.5, "window_hours": 1},
        )
        services.open_alert(Alert.Kind.REGRESSION, cluster=camera,
                            data={"thread": cams[0].pk, "firmware": "A556XXU5",
                                  "fixed_in": "A556XXU4"})  # fmt: skip
    ReplyTemplate.objects.create(name="Sedang dicek", body_id="Sedang dicek di {product}",
                                 body_en="Checking on {product}")  # fmt: skip
    hook = Webhook.objects.create(url="https://hooks.example.com/t", secret="s3cret",
                                  events=["cluster.forwarded"], created_by=manager)  # fmt: skip
    WebhookDelivery.objects.create(webhook=hook, event="cluster.forwarded", payload={"id": 1})
    UserFactory(display_name="Siti")
    assert Alert.objects.filter(kind=Alert.Kind.ESCALATION, cluster=swollen_cluster).exists()
    return manager, camera


def console_pages(client, camera) -> list[tuple[str, str, dict | None]]:
    """(name, url, POST data or None) of every page the manager can open."""
    pages = [("home", "/admin/", None)]
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        if client.get(base).status_code != 200:
            continue  # not the manager's
        pages.append((f"{opts.model_name} list", base, None))
        obj = model._default_manager.order_by("-pk").first()
        if obj is not None:
            pages.append((f"{opts.model_name} page", f"{base}{obj.pk}/change/", None))
    pages.append(("cluster page", f"/admin/triage/cluster/{camera.pk}/change/", None))
    selected = {"_selected_action": [camera.pk], "index": 0}
    for action in ("merge", "set_severity", "set_status", "forward", "mark_fixed", "post_reply"):
        pages.append((f"{action} page", "/admin/triage/cluster/", {**selected, "action": action}))
    template = ReplyTemplate.objects.get(name="Sedang dicek")
    pages.append(
        (
            "reply preview",
            "/admin/triage/cluster/",
            {**selected, "action": "post_reply", "preview": 1, "template": template.pk},
        )
    )
    pages.append(("merge form errors", "/admin/triage/cluster/",
                  {**selected, "action": "merge", "apply": 1}))  # fmt: skip
    return pages


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_console_page_reads_in_the_managers_language(console, language):
    manager, camera = console
    manager.preferred_language = language  # the console speaks the manager's language
    manager.save(update_fields=["preferred_language"])
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(manager)
    failures = {}
    pages = console_pages(client, camera)
    assert len(pages) > 25
    for name, url, data in pages:
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        found = problems(response.content.decode(), language)
        if found:
            failures[name] = found
    assert not failures, "\n".join(f"{name}: {found}" for name, found in failures.items())


def test_the_checks_catch_what_they_are_for():
    assert problems("<p>3 threads</p>", "id") == ["threads"]
    assert problems('<p>Kata kunci: ["panas", "dipakai"]</p>', "id")
    assert problems("<p>Produk terdampak: [3]</p>", "id")
    assert problems("<p>Ada topik baru</p>", "id") == ["Ada topik baru"]
    assert problems("<p>Di luar topik</p>", "id") == []
    assert problems("<p>3 klaster</p>", "en") == ["klaster"]
    assert problems("<script>var x = ['a'];</script><p>3 thread</p>", "id") == []
