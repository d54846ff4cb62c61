"""Server time per page, in-process: Django's test Client against a seeded PostgreSQL.

No HTTP server and no network: what one request costs the Python of a worker plus its
queries. Each page type rotates over many URLs (many threads, several products, deep
pages of each), in rounds, signed in as a demo fan (checked: the page must show the
fan's name) and anonymous with the page cache off. Prints the median and the p10/p90
spread of each page type's wall time, its median CPU time in this process (less
disturbed by other work on the machine; the database's time is not in it), and the
queries one request of each makes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_inproc \\
        .venv/bin/python bench/forum/inprocess.py [--rounds 5] [--urls 40]
    ... --profile thread        # cProfile of 50 signed-in requests of one page type

The database is seeded with ``manage.py seed_demo --threads 20000 --posts 200000
--triage no --seed 0`` (see README.md, "In-process page times").
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
for name, value in {
    "DJANGO_SECRET_KEY": "bench-inprocess-only",
    "DJANGO_DEBUG": "false",  # DEBUG keeps every query's SQL: not what production pays
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_STATIC_MANIFEST": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "ANONYMOUS_PAGE_CACHE_SECONDS": "0",  # the page, not the page cache
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

warnings.filterwarnings("ignore", "No directory at")  # whitenoise: no collectstatic here

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.html import escape  # noqa: E402

from accounts.models import User  # noqa: E402
from forum.models import VISIBLE, Thread  # noqa: E402
from forum.selectors import PAGE_SIZE  # noqa: E402

PAGE_TYPES = ("home", "product", "product_deep", "thread")
FAN = "fan@tanggap.local"


def urls(per_type: int, rng: random.Random) -> dict[str, list[str]]:
    """Many URLs of each page type, drawn from the seeded forum."""
    products = list(
        Thread.objects.filter(VISIBLE, product__isnull=False)
        .values_list("product__slug")
        .annotate(n=Count("id"))
        .filter(n__gt=PAGE_SIZE * 4)
        .order_by("-n")[:12]
    )
    home = ["/", "/?sort=new", "/?kind=problem", "/?kind=suggestion", "/?page=2", "/?page=7"]
    product = [f"/p/{slug}/" for slug, _ in products]
    product += [f"/p/{slug}/?kind=problem" for slug, _ in products]
    deep = [
        f"/p/{slug}/?page={rng.randint(n // PAGE_SIZE // 4, n // PAGE_SIZE)}"
        for slug, n in products
        for _ in range(4)
    ]
    # Threads people land on: with a few replies up to several pages of them.
    ids = list(
        Thread.objects.filter(VISIBLE, reply_count__gte=3)
        .order_by("?")
        .values_list("id", "reply_count")[:per_type]
    )
    thread = [f"/t/{pk}/" + ("?page=2" if n > 25 and pk % 3 == 0 else "") for pk, n in ids]
    every = {"home": home, "product": product, "product_deep": deep, "thread": thread}
    return {page: (every[page] * per_type)[:per_type] for page in PAGE_TYPES}


def get(client: Client, url: str) -> tuple[float, float, bytes]:
    """One request: its wall time and this process's CPU time (ms), and the page."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, cpu, response.content


def signed_in_client() -> tuple[Client, str]:
    fan = User.objects.get(email=FAN)
    client = Client()
    client.force_login(fan)
    _, _, html = get(client, "/")
    if b'class="nav-user"' not in html or escape(str(fan)).encode() not in html:
        raise SystemExit(f"signed-in check failed: the home page does not show {fan}")
    return client, str(fan)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(client: Client, pages: dict[str, list[str]], rounds: int) -> dict[str, tuple]:
    """Rounds of every page type in turn; the first round warms caches and is dropped.
    Wall and CPU times per page type."""
    times: dict[str, tuple[list[float], list[float]]] = {page: ([], []) for page in pages}
    for number in range(rounds + 1):
        for page, page_urls in pages.items():
            for url in page_urls:
                elapsed, cpu, _ = get(client, url)
                if number:
                    times[page][0].append(elapsed)
                    times[page][1].append(cpu)
    return times


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured.captured_queries)


def profile(client: Client, page_urls: list[str], requests: int = 50) -> None:
    for url in page_urls[:5]:
        get(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(requests):
        get(client, page_urls[i % len(page_urls)])
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (after one warm-up)")
    parser.add_argument("--urls", type=int, default=40, help="URLs per page type and round")
    parser.add_argument("--profile", choices=PAGE_TYPES, help="profile one page type instead")
    parser.add_argument("--seed", type=int, default=0, help="which URLs are drawn")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to the seeded PostgreSQL database.")
    pages = urls(args.urls, random.Random(args.seed))
    fan, name = signed_in_client()
    if args.profile:
        profile(fan, pages[args.profile])
        return
    anonymous = Client()
    print(
        f"{Thread.objects.count()} threads; {args.urls} URLs a page type x {args.rounds} rounds; "
        f"signed in as {name}; page cache {settings.ANONYMOUS_PAGE_CACHE_SECONDS} s; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'page':<14}{'who':<11}{'median ms':>10}{'p10':>8}{'p90':>8}{'cpu ms':>8}{'queries':>9}"
    )
    for who, client in (("signed in", fan), ("anonymous", anonymous)):
        times = measure(client, pages, args.rounds)
        for page, (wall, cpu) in times.items():
            print(
                f"{page:<14}{who:<11}{statistics.median(wall):>10.2f}"
                f"{percentile(wall, 0.1):>8.2f}{percentile(wall, 0.9):>8.2f}"
                f"{statistics.median(cpu):>8.2f}{queries(client, pages[page][0]):>9}"
            )


if __name__ == "__main__":
    main()
