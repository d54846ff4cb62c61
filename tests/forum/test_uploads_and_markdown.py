"""Screenshots are real images, re-encoded without metadata; Markdown is sanitised;
the 515 Big List of Naughty Strings all post and render safely, stored as typed."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forum import markdown, uploads
from forum.models import Post, Screenshot, Thread
from tests.forum.conftest import executable_parts, make_png

pytestmark = pytest.mark.django_db

BLNS = json.loads((Path(__file__).parent.parent / "data" / "blns.json").read_text())


def post_thread(client, product, files=(), **extra):
    data = {
        "product": product.pk,
        "title": "Layar bergaris hijau",
        "kind": "problem",
        "firmware": "",
        "body": "Muncul garis hijau.",
        "screenshot_alt": "Garis hijau di tengah layar",
        "screenshots": list(files),
        **extra,
    }
    return client.post(reverse("forum:new_thread"), data)


def test_screenshot_is_stored_with_alt_text_and_shown(
    client, fan, product, png_upload, django_capture_on_commit_callbacks
):
    client.force_login(fan)
    with django_capture_on_commit_callbacks(execute=True):  # the encoding task
        response = post_thread(client, product, [png_upload()])
    assert response.status_code == 302
    shot = Screenshot.objects.get()
    assert (shot.width, shot.height, shot.post) == (40, 30, None)
    assert shot.image.name.startswith("screenshots/") and "layar" not in shot.image.name
    html = client.get(response.url).content.decode()
    assert f'src="{shot.image.url}" alt="Garis hijau di tengah layar"' in html


def test_gps_exif_is_stripped(client, fan, product, django_capture_on_commit_callbacks):
    client.force_login(fan)
    jpeg = make_png(exif_gps=True, fmt="JPEG")
    assert Image.open(io.BytesIO(jpeg)).getexif().get(0x8825)  # the upload has GPS
    upload = SimpleUploadedFile("foto.jpg", jpeg, content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_thread(client, product, [upload]).status_code == 302
    stored = Image.open(Screenshot.objects.get().image.path)
    assert not stored.getexif() and "exif" not in stored.info


def test_text_file_renamed_png_is_a_form_error(client, fan, product):
    client.force_login(fan)
    fake = SimpleUploadedFile("log.png", b"just a log file\n" * 20, content_type="image/png")
    response = post_thread(client, product, [fake])
    assert response.status_code == 400
    html = response.content.decode()
    assert "log.png" in html and 'id="id_screenshots_error"' in html
    assert 'value="Layar bergaris hijau"' in html  # what was typed is kept
    assert not Thread.objects.exists() and not Screenshot.objects.exists()


def test_too_large_and_too_many_files_are_refused(client, fan, product, png_upload, monkeypatch):
    client.force_login(fan)
    response = post_thread(client, product, [png_upload(f"{i}.png") for i in range(5)])
    assert response.status_code == 400 and "at most 4" in response.content.decode()
    monkeypatch.setattr(uploads, "MAX_BYTES", 100)
    response = post_thread(client, product, [png_upload(size=(400, 400))])
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()
    assert not Thread.objects.exists()


def test_truncated_image_is_refused(client, fan, product):
    client.force_login(fan)
    broken = SimpleUploadedFile("half.png", make_png(size=(300, 300))[:200])
    assert post_thread(client, product, [broken]).status_code == 400


def test_reply_with_screenshot(client, fan, other_fan, product, png_upload):
    from forum import services

    thread = services.create_thread(author=fan, title="abcdef", body="x", product=product)
    client.force_login(other_fan)
    url = reverse("forum:reply", args=[thread.pk])
    response = client.post(url, {"body": "Punya saya juga", "screenshots": [png_upload()]})
    assert response.status_code == 302
    assert Screenshot.objects.get().post == Post.objects.get()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("```log\nE/AndroidRuntime: FATAL\n  at x\n```", '<pre><code class="language-log">'),
        ("[situs](https://example.com)", 'rel="nofollow ugc noopener"'),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<table>"),
        ("~~salah~~", "<s>salah</s>"),
    ],
)
def test_markdown_features(source, expected):
    assert expected in markdown.render(source)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](https://evil.example/track.png)",
        '<a href="x" onclick="alert(1)">x</a>',
        "<iframe src=//evil></iframe>",
        "<svg onload=alert(1)><script>alert(2)</script></svg>",
        "```html\n<script>x</script>\n```",
    ],
)
def test_markdown_never_emits_executable_html(source):
    assert executable_parts(markdown.render(source)) == []
    assert "<img" not in markdown.render(source) and "<svg" not in markdown.render(source)


@pytest.mark.django_db(transaction=False)
def test_all_naughty_strings_post_and_render_safely(client, fan, other_fan, product, settings):
    """All 515: as titles and bodies of threads (service) and as replies (form)."""
    from forum import services

    settings.FORUM_RATE_LIMITS = {
        tier: {"thread": [(10_000, 60)], "post": [(10_000, 60)]} for tier in ("new", "member")
    }
    thread = services.create_thread(author=fan, title="BLNS", body="x", product=product)
    client.force_login(other_fan)
    reply_url = reverse("forum:reply", args=[thread.pk])
    posted = 0
    for text in BLNS:
        created = services.create_thread(
            author=fan, title=text[:150] or "(kosong)", body=text or "-", product=product
        )
        stored = Thread.objects.get(pk=created.pk)
        assert stored.body == (text or "-") and stored.title == (text[:150] or "(kosong)").strip()
        assert executable_parts(stored.body_html) == [], text
        response = client.post(reply_url, {"body": text})
        assert response.status_code in (302, 400), text
        if response.status_code == 302:
            posted += 1
            assert Post.objects.latest("pk").body == text
        else:
            assert not text.strip(), text  # only empty or blank bodies are refused
    assert posted == sum(1 for t in BLNS if t.strip())
    pages = Thread.objects.get(pk=thread.pk).reply_count // 25 + 1
    for number in range(1, pages + 1):
        response = client.get(thread.get_absolute_url(), {"page": number})
        assert response.status_code == 200
        assert executable_parts(response.content.decode()) == []
    for number in range(1, len(BLNS) // 25 + 2):
        response = client.get("/", {"page": number})
        assert response.status_code == 200
        assert executable_parts(response.content.decode()) == []
