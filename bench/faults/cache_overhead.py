"""What config.cache.FailSafeRedisCache costs over Django's RedisCache, and what a call
costs while Redis is down (with and without the wrapper's pause after a failure).

    redis-server --port 6391 --save "" --appendonly no --daemonize yes
    .venv/bin/python bench/faults/cache_overhead.py --port 6391
"""

import argparse
import os
import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.core.cache.backends.redis import RedisCache  # noqa: E402

from config.cache import FailSafeRedisCache  # noqa: E402

OPTIONS = {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}


def one_round_us(cache, calls: int) -> float:
    """The mean time of a set+get pair over ``calls`` pairs, in microseconds."""
    started = time.perf_counter()
    for n in range(calls):
        cache.set("bench:overhead", n, 60)
        cache.get("bench:overhead")
    return (time.perf_counter() - started) / calls * 1e6


def compare_us(caches: list, calls: int, rounds: int = 9) -> list[float]:
    """Median per cache of rounds taken in turn, so that load on the machine hits both."""
    times: list[list[float]] = [[] for _ in caches]
    for _ in range(rounds):
        for cache, into in zip(caches, times, strict=True):
            into.append(one_round_us(cache, calls))
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=6391, help="a running private Redis")
    parser.add_argument("--down-port", type=int, default=6399, help="a port nothing listens on")
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args()
    up = f"redis://127.0.0.1:{args.port}/0"
    down = f"redis://127.0.0.1:{args.down_port}/0"
    plain, safe = compare_us([RedisCache(up, OPTIONS), FailSafeRedisCache(up, OPTIONS)], args.calls)
    print(f"Redis up, set+get: RedisCache {plain:.1f} us, FailSafeRedisCache {safe:.1f} us "
          f"(+{safe - plain:.1f} us, {100 * (safe - plain) / plain:+.1f}%)")  # fmt: skip
    wrapper = FailSafeRedisCache(up, OPTIONS)
    bare = timeit.timeit(lambda: len("x"), number=1_000_000)
    wrapped = timeit.timeit(lambda: wrapper._attempt(len, 0, "x"), number=1_000_000)
    print(f"the wrapper alone (its try and state check around a call): {wrapped - bare:.2f} us")
    broken = FailSafeRedisCache(down, OPTIONS)
    (paused,) = compare_us([broken], args.calls, rounds=3)
    print(f"Redis down, set+get: FailSafeRedisCache {paused:.2f} us "
          f"(pausing {broken.retry_seconds:.0f} s after a failure)")  # fmt: skip
    broken.retry_seconds = broken._down_until = 0
    (retrying,) = compare_us([broken], 200, rounds=3)
    print(f"Redis down, set+get, trying Redis at every call: {retrying:.0f} us")


if __name__ == "__main__":
    main()
