"""Time and peak memory of one reply carrying heavy screenshots (issue 12, item 4).

Builds (once, cached under /tmp) PNGs of ``--side`` x ``--side`` RGBA pixels that
compress to about 150 KB (or, with ``--side 0``, a phone screenshot), then posts one
reply with ``--files`` of them through the real view (form, rate limit, services,
storage) with Django's test client on a fresh SQLite database. Prints the wall time
(with no broker the screenshots' task runs in-process when the reply commits, so this
is all the work a reply costs), the status code, the screenshots stored and how far the
process's resident memory rose above what it was just before the request.

    .venv/bin/python bench/uploads/heavy_reply.py --side 6324 --files 4
    .venv/bin/python bench/uploads/heavy_reply.py --side 6324 --files 4 --over-limit
    .venv/bin/python bench/uploads/heavy_reply.py --side 0 --files 4

Peak memory is the kernel's high-water mark (VmHWM), reset just before the request
(``/proc/self/clear_refs``), minus the resident size at that moment.
"""

import argparse
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# --code DIR: measure another checkout (e.g. `git archive main | tar -x -C DIR`), read
# before argparse because it decides what is imported.
CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv else ROOT
sys.path.insert(0, str(CODE))
os.chdir(CODE)  # Celery's Django fixup puts the working directory first on sys.path
WORK = Path(tempfile.gettempdir()) / "tanggap-bench-uploads"
WORK.mkdir(exist_ok=True)
# One database per checkout: each is migrated by its own code.
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / f'db-{CODE.name}.sqlite3'}"
os.environ["DJANGO_MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")


def png(side: int) -> bytes:
    """A side x side RGBA PNG of a few flat bands: tiny on disk, huge once decoded.
    ``side`` 0 is a phone screenshot instead: 1080 x 2400 RGB, lines of text above a
    photo-like area (about 700 KB)."""
    cached = WORK / f"heavy-{side}.png"
    if not cached.exists():
        from PIL import Image, ImageDraw, ImageFilter, ImageFont

        if side:
            image = Image.new("RGBA", (side, side), (30, 120, 200, 255))
            draw = ImageDraw.Draw(image)
            for i in range(0, side, max(1, side // 8)):
                draw.rectangle([0, i, side, i + side // 16], fill=(200, 40, 40, 180))
        else:
            image = Image.new("RGB", (1080, 2400), (250, 250, 250))
            draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=36)
            words = "baterai cepat habis setelah update HyperOS layar panas sinyal".split()
            for n, y in enumerate(range(100, 1400, 60)):
                line = " ".join(words[(n * 3 + k) % len(words)] for k in range(6))
                draw.text((40, y), line, fill=(20, 20, 20), font=font)
            photo = Image.effect_noise((1080, 1000), 60).filter(ImageFilter.GaussianBlur(2))
            image.paste(photo.convert("RGB"), (0, 1400))
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        cached.write_bytes(out.getvalue())
    return cached.read_bytes()


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=6324, help="0: a 1080x2400 screenshot")
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument(
        "--over-limit",
        action="store_true",
        help="post a short reply first, so the heavy one is over the posting rate limit",
    )
    args = parser.parse_args()
    data = png(args.side)  # built (if at all) before anything is measured

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import User
    from forum import services
    from forum.models import Product, Screenshot

    setup_test_environment()
    call_command("migrate", verbosity=0)
    fan, _ = User.objects.get_or_create(
        email="bench-fan@tanggap.local", defaults={"display_name": "Bench"}
    )
    User.objects.filter(pk=fan.pk).update(date_joined="2020-01-01T00:00:00Z")
    product, _ = Product.objects.get_or_create(
        slug="bench-phone", defaults={"brand": "Bench", "marketing_name": "Bench Phone"}
    )
    thread = services.create_thread(author=fan, title="Heavy screenshots", body="x",
                                    product=product)  # fmt: skip
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(pk=fan.pk))
    files = [
        SimpleUploadedFile(f"heavy-{i}.png", data, content_type="image/png")
        for i in range(args.files)
    ]
    url = reverse("forum:reply", args=[thread.pk])
    before_shots = Screenshot.objects.count()
    if args.over_limit:  # one reply an hour, and that one is spent
        settings.FORUM_RATE_LIMITS = {t: {"post": [(1, 3600)]} for t in ("new", "member")}
        client.post(url, {"body": "Sama"})

    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    rss_before = _status_kb("VmRSS")
    started = time.perf_counter()
    response = client.post(url, {"body": "Lihat screenshot", "screenshots": files})
    elapsed = time.perf_counter() - started
    peak = _status_kb("VmHWM") - rss_before

    stored = Screenshot.objects.count() - before_shots
    shape = f"{args.side}x{args.side} RGBA" if args.side else "1080x2400 screenshot"
    print(
        f"{args.files} x {shape} PNG ({len(data) / 1024:.0f} KB each): "
        f"HTTP {response.status_code}, {stored} stored, {elapsed:.2f} s, "
        f"peak +{peak / 1024:.0f} MB" + (" (over the rate limit)" if args.over_limit else "")
    )
    if response.status_code == 400:
        from html import unescape

        text = unescape(response.content.decode())
        errors = re.findall(r'class="error[^"]*"[^>]*>([^<]+)<', text)
        print("  form says:", " | ".join(dict.fromkeys(e.strip() for e in errors))[:300])


if __name__ == "__main__":
    main()
