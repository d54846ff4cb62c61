"""Several fans posting heavy screenshots at once to production's gunicorn (issue 12, item 4).

Starts gunicorn with ``config/gunicorn.py`` and 4 workers on port 8123, signs in
``--fans`` fans, and has them all POST one reply with ``--files`` PNGs of ``--side`` x
``--side`` RGBA pixels at the same moment, while /healthz is asked every 100 ms. Prints
each reply's status and time, the resident memory of gunicorn (master and workers)
before and at its peak, and the slowest /healthz answer during the posts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanggap_bench_uploads \
    CACHE_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python bench/uploads/fans_at_once.py --side 6324 --fans 4 --files 4

``--code DIR`` serves another checkout's code (e.g. ``git archive main | tar -x -C DIR``)
with this database, to measure before and after on the same machine. With
``CELERY_BROKER_URL`` set, a Celery worker (one process, ``--pool=solo``) runs beside
gunicorn, and the time until every screenshot is encoded and the worker's peak memory
are printed too.
"""

import argparse
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
WORK = Path(tempfile.gettempdir()) / "tanggap-bench-uploads"
PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_STATIC_MANIFEST": "false",
    "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    "ANONYMOUS_PAGE_CACHE_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update({k: v for k, v in ENV.items() if k not in os.environ})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and all its children."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_rss_kb(int(child)) for child in children)


def _setup(fans: int):
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from forum import services
    from forum.models import Product

    call_command("migrate", verbosity=0)
    product, _ = Product.objects.get_or_create(
        slug="bench-phone", defaults={"brand": "Bench", "marketing_name": "Bench Phone"}
    )
    author, _ = User.objects.get_or_create(email="bench-author@tanggap.local")
    thread = services.create_thread(author=author, title="Heavy screenshots", body="x",
                                    product=product)  # fmt: skip
    cookies = []
    for i in range(fans):
        fan, _ = User.objects.get_or_create(email=f"bench-fan-{i}@tanggap.local")
        User.objects.filter(pk=fan.pk).update(date_joined="2020-01-01T00:00:00Z")
        client = Client()
        client.force_login(fan)
        cookies.append(client.cookies["sessionid"].value)
    return thread.pk, cookies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=6324, help="0: a 1080x2400 screenshot")
    parser.add_argument("--fans", type=int, default=4)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout gunicorn serves")
    args = parser.parse_args()
    from heavy_reply import png

    data = png(args.side)
    thread_id, cookies = _setup(args.fans)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-c", "config/gunicorn.py",
         "--workers", "4", "--bind", f"127.0.0.1:{PORT}", "--timeout", "120"],
        cwd=args.code, env=os.environ.copy(),
    )  # fmt: skip
    worker = None
    if os.environ.get("CELERY_BROKER_URL"):
        worker = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=args.code, env=os.environ.copy(),
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{BASE}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
        sessions = []
        for cookie in cookies:
            session = requests.Session()
            session.cookies.set("sessionid", cookie)
            page = session.get(f"{BASE}/t/{thread_id}/", timeout=30).text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            sessions.append((session, token))
        time.sleep(1)
        rss_before = _rss_kb(server.pid)
        worker_before = _rss_kb(worker.pid) if worker else 0
        peak, worker_peak, health, done = [rss_before], [worker_before], [], threading.Event()

        def sample():
            while not done.is_set():
                peak.append(_rss_kb(server.pid))
                if worker:
                    worker_peak.append(_rss_kb(worker.pid))
                time.sleep(0.05)

        def probe():
            while not done.is_set():
                started = time.perf_counter()
                with contextlib.suppress(requests.RequestException):
                    requests.get(f"{BASE}/healthz", timeout=60)
                health.append(time.perf_counter() - started)
                time.sleep(0.1)

        barrier, results = threading.Barrier(len(sessions)), []

        def post(session, token):
            files = [("screenshots", (f"heavy-{i}.png", data, "image/png"))
                     for i in range(args.files)]  # fmt: skip
            barrier.wait()
            started = time.perf_counter()
            response = session.post(
                f"{BASE}/t/{thread_id}/reply/",
                data={"body": "Lihat screenshot", "csrfmiddlewaretoken": token},
                files=files,
                headers={"Referer": f"{BASE}/t/{thread_id}/"},
                allow_redirects=False,
                timeout=120,
            )
            results.append((response.status_code, time.perf_counter() - started))

        watchers = [threading.Thread(target=sample), threading.Thread(target=probe)]
        posters = [threading.Thread(target=post, args=pair) for pair in sessions]
        for thread in watchers + posters:
            thread.start()
        started = time.perf_counter()
        for thread in posters:
            thread.join()
        encoded = None
        if worker:
            from forum.models import Screenshot

            while Screenshot.objects.filter(original__isnull=False).exists():
                time.sleep(0.05)
            encoded = time.perf_counter() - started
        done.set()
        for thread in watchers:
            thread.join()
    finally:
        for process in (server, worker):
            if process:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    codes = sorted(code for code, _ in results)
    times = [t for _, t in results]
    shape = f"{args.side}x{args.side} RGBA" if args.side else "1080x2400 screenshot"
    print(
        f"{args.fans} fans x {args.files} PNGs of {shape} ({len(data) // 1024} KB"
        f" each), code {args.code}:\n"
        f"  replies: HTTP {codes}, time median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s\n"
        f"  gunicorn memory: {rss_before / 1024:.0f} MB before, peak {max(peak) / 1024:.0f} MB\n"
        f"  /healthz: {len(health)} answers, slowest {max(health, default=0):.2f} s"
    )
    if encoded is not None:
        print(
            f"  worker: every screenshot encoded {encoded:.2f} s after the posts began; "
            f"memory {worker_before / 1024:.0f} MB before, peak {max(worker_peak) / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
