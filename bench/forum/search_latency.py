"""Search latency in process, uncached: each query answered from the database every time.

    DATABASE_URL=postgres://... python bench/forum/search_latency.py [--repeat 20]

Runs the query pairs fans type for one problem (Indonesian, English, slang) and a few
common words through ``forum.selectors.search`` with the result cache off, and prints the
median and 99th percentile per query and over all, plus how many threads each found.
Timings vary with the machine's load: compare runs made one after the other.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.test.utils import override_settings  # noqa: E402

from forum import selectors  # noqa: E402
from forum.models import Thread  # noqa: E402

QUERIES = [
    "baterai boros", "batre boros", "battery drain", "baterai cepat habis",
    "layar berkedip", "kedip", "flicker", "bootloop", "sinyal hilang", "kamera force close",
    "hp panas", "update",
]  # fmt: skip
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{Thread.objects.count()} threads")
    every = []
    with override_settings(CACHES=NO_CACHE):
        for query in QUERIES:
            selectors.search(text=query)  # warm the analyser and the plan
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                page = selectors.search(text=query)
                times.append((time.perf_counter() - started) * 1000)
            every += times
            p99 = statistics.quantiles(times, n=100)[98]
            print(f"{query:22} found {page.total:>5}  p50 {statistics.median(times):6.1f} ms"
                  f"  p99 {p99:6.1f} ms")  # fmt: skip
    p99 = statistics.quantiles(every, n=100)[98]
    print(f"{'all':22}              p50 {statistics.median(every):6.1f} ms  p99 {p99:6.1f} ms")


if __name__ == "__main__":
    main()
