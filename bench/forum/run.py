"""Forum benchmark: Tanggap against Spirit, same data, same pages, same load.

Seeds a PostgreSQL database for each forum with the same generated threads and
replies (ours with ``manage.py seed_demo``, Spirit by copying ours row for row with
``seed_spirit.py``), serves each with gunicorn (4 sync workers, DEBUG off; ours with
production's ``config/gunicorn.py``) on a loopback port, and measures each page type
with wrk, every request asking for the next of many URLs of that type (``rotate.lua``):
all products, 30 deep product pages, 500 threads, 500 searches (as shipped) or a query
never asked before per request (caches off). Before measuring, a sample of the URLs is
fetched and checked (200, the expected text, the fan's name and log-out link when signed
in). Each page is measured in ``--rounds`` rounds alternating ours and Spirit, anonymous
and signed in, in two modes: "as-shipped" (our caches on) and "caches-off". Writes
``bench/forum/results/forum-<threads>[-<label>].json`` and ``.md``.

    .venv/bin/python bench/forum/run.py --threads 2000 --posts 20000 --duration 3  # quick
    .venv/bin/python bench/forum/run.py --threads 100000 --posts 1000000  # the real one

Databases are named after their size (``bench_tanggap_100000``, ``bench_spirit_100000``)
and reused when already seeded (``--reseed`` rebuilds them); how long seeding took is kept
beside them in ``bench/work/``. Spirit lives in its own virtualenv under ``bench/work/``
with its own pinned dependencies.
"""

# SQL here is built from our own table names and ids read back from our own databases.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import html
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "bench" / "work"
RESULTS = REPO / "bench" / "forum" / "results"
SPIRIT_VENV = WORK / "spirit-venv"
SPIRIT_PROJECT = WORK / "spiritsite"
SPIRIT_REQUIREMENTS = ["django-spirit==0.14.3", "gunicorn==27.0.1", "psycopg[binary]==3.3.9"]
PG = "postgres://postgres@127.0.0.1:5432"
OURS_PORT, SPIRIT_PORT = 8101, 8102
SPIRIT_SETTINGS = """\
# Written by bench/forum/run.py: Spirit's production settings, on PostgreSQL, DEBUG off.
import os

from .prod import *  # noqa: F403

DEBUG = False
SECRET_KEY = "benchmark-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ST_SITE_URL = "http://127.0.0.1:{port}/"
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["SPIRIT_DB"],
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }}
}}
LOGGING = {{"version": 1, "disable_existing_loggers": False}}
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def sh(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(
        cmd, env={**os.environ, **(env or {})}, cwd=cwd, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}")
    return result.stdout


def psql(db: str, sql: str) -> str:
    return sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql]).strip()


def recreate_db(db: str) -> None:
    psql("postgres", f'DROP DATABASE IF EXISTS "{db}"')
    psql("postgres", f'CREATE DATABASE "{db}"')


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %Z")


def remember_seeding(db: str, started: float) -> float:
    """Seconds since ``started``, also written beside the database's other work files so
    that a later run reusing the database still reports how long seeding took."""
    seconds = round(time.monotonic() - started, 1)
    record = {"seconds": seconds, "when": now(), "load_avg": os.getloadavg()}
    (WORK / f"{db}.seeded.json").write_text(json.dumps(record) + "\n")
    return seconds


def seeded_before(db: str) -> float | None:
    """How long seeding ``db`` took when it was seeded (None if not recorded)."""
    record = WORK / f"{db}.seeded.json"
    return json.loads(record.read_text())["seconds"] if record.exists() else None


def count(db: str, table: str) -> int:
    try:
        return int(psql(db, f"SELECT count(*) FROM {table}") or 0)
    except SystemExit:
        return -1


# --- our forum -------------------------------------------------------------------------


def ours_env(db: str) -> dict:
    return {
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        # Production runs several processes with a shared cache (README).
        "CACHE_URL": "redis://127.0.0.1:6379/5",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def seed_ours(args, db: str, timings: dict) -> None:
    py = str(REPO / ".venv" / "bin" / "python")
    if not args.reseed and count(db, "forum_thread") == args.threads:
        log(f"{db}: already seeded with {args.threads} threads")
        timings["ours_seed_s"] = seeded_before(db)
        return
    recreate_db(db)
    env = ours_env(db)
    sh([py, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=REPO)
    log(f"{db}: seeding {args.threads} threads, {args.posts} replies")
    started = time.monotonic()
    out = sh(
        [py, "manage.py", "seed_demo", "--threads", str(args.threads), "--posts",
         str(args.posts), "--seed", str(args.seed), "--triage", "no"],
        env=env, cwd=REPO,
    )  # fmt: skip
    timings["ours_seed_s"] = remember_seeding(db, started)
    log(next((line for line in out.splitlines() if line.startswith("Created")), out[-300:]))
    log(f"{db}: seeded in {timings['ours_seed_s']}s")


# --- Spirit ----------------------------------------------------------------------------


def spirit_env(db: str) -> dict:
    return {
        "SPIRIT_DB": db,
        "DJANGO_SETTINGS_MODULE": "spiritsite.settings.bench",
        "PATH": f"{SPIRIT_VENV / 'bin'}:{os.environ['PATH']}",
    }


def install_spirit() -> None:
    if not (SPIRIT_VENV / "bin" / "spirit").exists():
        log("installing django-spirit in its own virtualenv")
        sh([sys.executable, "-m", "venv", str(SPIRIT_VENV)])
        sh([str(SPIRIT_VENV / "bin" / "pip"), "install", "-q", *SPIRIT_REQUIREMENTS])
    if not (SPIRIT_PROJECT / "manage.py").exists():
        sh([str(SPIRIT_VENV / "bin" / "spirit"), "startproject", "spiritsite"], cwd=WORK,
           env={"PATH": f"{SPIRIT_VENV / 'bin'}:{os.environ['PATH']}"})  # fmt: skip
    settings = SPIRIT_PROJECT / "spiritsite" / "settings" / "bench.py"
    settings.write_text(SPIRIT_SETTINGS.format(port=SPIRIT_PORT))


def seed_spirit(args, db: str, source_db: str, timings: dict) -> None:
    py = str(SPIRIT_VENV / "bin" / "python")
    if not args.reseed and count(db, "spirit_topic_topic") == args.threads:
        log(f"{db}: already seeded with {args.threads} topics")
        timings["spirit_seed_s"] = seeded_before(db)
        return
    recreate_db(db)
    env = spirit_env(db)
    sh([py, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=SPIRIT_PROJECT)
    sh([py, "manage.py", "createcachetable"], env=env, cwd=SPIRIT_PROJECT)
    log(f"{db}: copying {source_db} into Spirit")
    started = time.monotonic()
    out = sh([py, str(REPO / "bench" / "forum" / "seed_spirit.py"), f"{PG}/{source_db}"],
             env={**env, "PYTHONPATH": str(SPIRIT_PROJECT)}, cwd=SPIRIT_PROJECT)  # fmt: skip
    timings["spirit_seed_s"] = remember_seeding(db, started)
    log(out.strip().splitlines()[-1])
    shutil.rmtree(SPIRIT_PROJECT / "st_search", ignore_errors=True)  # index of the old data


def index_spirit(db: str, timings: dict) -> None:
    """Spirit's Whoosh index of ``db``'s topics (rebuilt when it belongs to another db)."""
    marker = SPIRIT_PROJECT / "st_search" / f"built-for-{db}"
    if marker.exists():
        log(f"{db}: Spirit's search index already built")
        timings["spirit_index_s"] = json.loads(marker.read_text())["seconds"]
        return
    log(f"{db}: building Spirit's search index (Whoosh)")
    started = time.monotonic()
    script = REPO / "bench" / "forum" / "index_spirit.py"
    env = {**spirit_env(db), "PYTHONPATH": str(SPIRIT_PROJECT)}
    out = sh([str(SPIRIT_VENV / "bin" / "python"), str(script)], env=env, cwd=SPIRIT_PROJECT)
    timings["spirit_index_s"] = round(time.monotonic() - started, 1)
    log(out.strip().splitlines()[-1])
    marker.write_text(json.dumps({"seconds": timings["spirit_index_s"], "when": now()}) + "\n")


# --- serving --------------------------------------------------------------------------


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def serve(name: str, cmd: list[str], env: dict, cwd: Path, port: int) -> subprocess.Popen:
    if port_taken(port):
        raise SystemExit(f"port {port} is taken: another server would be measured as {name}")
    logfile = open(WORK / f"gunicorn-{name}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, env={**os.environ, **env}, cwd=cwd, stdout=logfile, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited; see {logfile.name}") from None
            time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"{name} did not answer on port {port}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def start_servers(args, mode: str, forums: list[str], dbs: dict) -> dict:
    """Both forums at once on their ports; ours with the mode's settings."""
    gunicorn_args = ["--workers", str(args.workers), "--worker-class", "sync"]
    servers = {}
    try:
        if "ours" in forums:
            servers["ours"] = serve(
                "ours",
                [str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi",
                 "-c", "config/gunicorn.py", *gunicorn_args,
                 "--bind", f"127.0.0.1:{OURS_PORT}"],
                {**ours_env(dbs["ours"]), **MODES[mode]["env"]}, args.ours_tree, OURS_PORT,
            )  # fmt: skip
        if "spirit" in forums:
            servers["spirit"] = serve(
                "spirit",
                [str(SPIRIT_VENV / "bin" / "gunicorn"), "spiritsite.wsgi", *gunicorn_args,
                 "--bind", f"127.0.0.1:{SPIRIT_PORT}"],
                spirit_env(dbs["spirit"]), SPIRIT_PROJECT, SPIRIT_PORT,
            )  # fmt: skip
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers: dict) -> None:
    for proc in servers.values():
        stop(proc)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (e.g. to a login page) is a failure here, not a page


def fetch(url: str, cookie: str = "") -> str:
    """The page's HTML; fails unless it answers 200 itself (no redirect followed)."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{url} answered {exc.code}, not 200") from None


SESSION_SNIPPET = """
import sys, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(email=sys.argv[1]))
print(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
"""
FAN = "fan@tanggap.local"  # the demo fan: the same account id on both forums


def session_cookie(python: str, env: dict, cwd: Path) -> str:
    """A real signed-in session of the demo fan."""
    return sh([python, "-c", SESSION_SNIPPET, FAN], env=env, cwd=cwd).strip().splitlines()[-1]


# --- what is measured ------------------------------------------------------------------

PAGES = ("home", "product", "product_deep", "thread", "search")
SEARCH_POOL = 500  # as shipped, searches cycle through this many queries
AUDIENCES = ("anonymous", "signed-in")
MODES = {
    "as-shipped": {
        "env": {},
        "about": "our forum as production runs it: anonymous pages are served from the "
        "page cache (ANONYMOUS_PAGE_CACHE_SECONDS, 10 s by default) and a search asked "
        "again within 60 s from the search result cache (forum.selectors."
        "SEARCH_CACHE_SECONDS); searches cycle through "
        f"{SEARCH_POOL} queries, so popular ones come back as they do in real traffic",
    },
    "caches-off": {
        "env": {"ANONYMOUS_PAGE_CACHE_SECONDS": "0"},
        "about": "no anonymous page cache (ANONYMOUS_PAGE_CACHE_SECONDS=0), and every "
        "search request asks a query no other request of the run asked, so the search "
        "result cache (which has no switch) never answers; the small caches inside pages "
        "stay on (thread counts 30 s, hot threads 60 s, product choices 300 s, the replies "
        "of a thread page shared by members)",
    },
}
# The goal of issue 16 (at 100,000 threads): ours / Spirit in requests per second.
GOALS = {"as-shipped": {"signed-in": 4.0}, "caches-off": {"signed-in": 4.0, "anonymous": 4.0}}
SEARCH_GOAL = 20.0  # search uncached, caches off
PER_PAGE = {"ours": 25, "spirit": 20}  # threads per list page
DEEP_PRODUCTS, DEEP_FRACTIONS = 10, (0.25, 0.5, 0.75)
THREAD_URLS = 500
VERIFY_SAMPLE = 5  # URLs of each rotation fetched and checked before measuring
WRK_THREADS = 2
LUA = REPO / "bench" / "forum" / "rotate.lua"
SEP = "\x1f"


@dataclass
class Rotation:
    """A page type's URLs: ``ours[i]`` and ``spirit[i]`` show the same content, which
    contains the text ``expect[i]`` ("" when nothing particular is checked); every page
    of a forum also shows ``shows[forum]``, if any."""

    ours: list[str]
    spirit: list[str]
    expect: list[str]
    shows: dict[str, str] = field(default_factory=dict)
    # Search only: URLs of queries asked nowhere else, handed out round by round when
    # the caches are off (the same URL on both forums).
    fresh: list[str] = field(default_factory=list)


def rows(db: str, sql: str) -> list[list[str]]:
    out = sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAF", SEP, "-c", sql])
    return [line.split(SEP) for line in out.splitlines() if line]


VISIBLE = "NOT t.is_deleted AND NOT t.is_hidden"


def rotations(args, ours_db: str, spirit_db: str | None) -> dict[str, Rotation]:
    """Every page type's URLs on both forums (Spirit's "-" without ``spirit_db``)."""
    products = rows(
        ours_db,
        f"SELECT p.slug, p.marketing_name, count(t.id) FROM forum_product p LEFT JOIN "
        f"forum_thread t ON t.product_id = p.id AND {VISIBLE} GROUP BY p.id "
        f"ORDER BY count(t.id) DESC, p.id",
    )
    category = {}  # Spirit's category path of a product's name
    if spirit_db:
        category = {
            title: f"/category/{pk}/{slug}/"
            for pk, slug, title in rows(
                spirit_db, "SELECT id, slug, title FROM spirit_category_category"
            )
        }
    product = Rotation([], [], [])
    for slug, name, _ in products:
        product.ours.append(f"/p/{slug}/")
        product.spirit.append(category.get(name[:75], "-"))
        product.expect.append(name)
    # Deep pages show the same rows on both: a quarter, half and three quarters down the
    # lists of the products with the most threads.
    deep = Rotation([], [], [])
    for (_, name, n), ours_path, spirit_path in list(
        zip(products, product.ours, product.spirit, strict=True)
    )[:DEEP_PRODUCTS]:
        for fraction in DEEP_FRACTIONS:
            offset = int(int(n) * fraction)
            deep.ours.append(f"{ours_path}?page={offset // PER_PAGE['ours'] + 1}")
            deep.spirit.append(f"{spirit_path}?page={offset // PER_PAGE['spirit'] + 1}")
            deep.expect.append(name)
    # Threads in an order that looks random but is the same every run.
    threads = rows(
        ours_db,
        f"SELECT t.id, t.title FROM forum_thread t WHERE {VISIBLE} "
        f"ORDER BY md5(t.id::text || '{args.seed}') LIMIT {THREAD_URLS}",
    )
    topic = {}
    if spirit_db:
        ids = ",".join(tid for tid, _ in threads)
        topic = dict(
            rows(spirit_db, f"SELECT id, slug FROM spirit_topic_topic WHERE id IN ({ids})")
        )
    thread = Rotation([], [], [])
    for tid, title in threads:
        thread.ours.append(f"/t/{tid}/")
        thread.spirit.append(f"/topic/{tid}/{topic[tid]}/" if tid in topic else "-")
        thread.expect.append(title)
    queries = search_queries(ours_db, args.seed)
    search_paths = [f"/search/?{urllib.parse.urlencode({'q': q})}" for q in queries]
    pool = search_paths[:SEARCH_POOL]
    every = {
        "home": Rotation(["/"], ["/"], [""]),
        "product": product,
        "product_deep": deep,
        "thread": thread,
        # Spirit does not repeat the query on its results page: both must find something.
        "search": Rotation(pool, pool, [""] * len(pool), FOUND, fresh=search_paths[SEARCH_POOL:]),
    }
    missing = [
        f"{page}: {ours}"
        for page, rotation in every.items()
        for ours, spirit in zip(rotation.ours, rotation.spirit, strict=True)
        if spirit_db and spirit == "-"
    ]
    if missing:
        raise SystemExit(f"no Spirit equivalent for {missing[:5]} ({len(missing)} in all)")
    return {page: every[page] for page in args.pages}


def search_queries(ours_db: str, seed: int) -> list[str]:
    """Two-word queries drawn from the seeded data, each finding at least the thread it
    comes from: any two words of a visible thread's title and any two adjacent words of
    its opening post (letters only, 3 or more), distinct, in a shuffled order that is the
    same for the same seed."""
    pairs: dict[str, None] = {}
    # One line a row for rows(): line breaks in a post are spaces here.
    sql = (
        f"SELECT t.title, translate(t.body, E'\\n\\r', '  ') FROM forum_thread t "
        f"WHERE {VISIBLE} ORDER BY t.id"
    )
    for title, body in rows(ours_db, sql):
        in_title = itertools.combinations(title.lower().split(), 2)
        for first, second in itertools.chain(in_title, itertools.pairwise(body.lower().split())):
            if QUERY_WORD.fullmatch(first) and QUERY_WORD.fullmatch(second):
                pairs[f"{first} {second}"] = None
    queries = sorted(pairs)
    random.Random(seed).shuffle(queries)
    return queries


QUERY_WORD = re.compile(r"[a-z]{3,}")
# What a search page shows when it found something (in any language).
FOUND = {"ours": 'class="result-count"', "spirit": 'class="layout__topics__topic'}


def signed_in_marks(forum: str, ours_db: str) -> tuple[str, str]:
    """What a page shows only to the signed-in fan: (their name, the log-out URL)."""
    name = psql(ours_db, f"SELECT display_name FROM accounts_user WHERE email = '{FAN}'")
    return name, LOGOUT_URL[forum]


LOGOUT_URL = {"ours": 'action="/accounts/logout/"', "spirit": 'href="/user/logout/'}


def verify(forum: str, port: int, rotation: Rotation, cookie: str,
           marks: tuple[str, str]) -> None:  # fmt: skip
    """Fetch a sample of the rotation before measuring it: each must answer 200 itself,
    show its expected text and, signed in, the fan's name and log-out link (anonymous:
    no log-out link). Aborts the run otherwise."""
    paths = rotation.ours if forum == "ours" else rotation.spirit
    step = max(1, len(paths) // VERIFY_SAMPLE)
    name, logout = marks
    sample = list(zip(paths, rotation.expect, strict=True))[::step][:VERIFY_SAMPLE]
    for path, expect in sample:
        url = f"http://127.0.0.1:{port}{path}"
        body = html.unescape(fetch(url, cookie))
        for text in (expect, rotation.shows.get(forum, "")):
            if text.lower() not in body.lower():
                raise SystemExit(f"{forum}: {url} does not show {text!r}")
        if cookie and not (name in body and logout in body):
            raise SystemExit(
                f"{forum}: {url} does not show the signed-in fan ({name!r} and {logout!r}): "
                "the session cookie does not sign in, the figures would be anonymous"
            )
        if not cookie and logout in body:
            raise SystemExit(f"{forum}: {url} shows a log-out link to an anonymous reader")


def uptime() -> str:
    return sh(["uptime"]).strip()


def wrk(port: int, paths: list[str], name: str, seconds: int, args, cookie: str) -> dict:
    """One wrk run asking for ``paths`` in turn (see rotate.lua)."""
    paths_file = WORK / "paths" / f"{name}.txt"
    paths_file.parent.mkdir(exist_ok=True)
    paths_file.write_text("\n".join(paths) + "\n")
    before, load_before = uptime(), os.getloadavg()[0]
    out = sh(["wrk", f"-t{WRK_THREADS}", f"-c{args.connections}", f"-d{seconds}s",
              "--timeout", "30s", "-s", str(LUA), f"http://127.0.0.1:{port}",
              "--", str(paths_file), str(WRK_THREADS), *([cookie] if cookie else [])])  # fmt: skip
    raw = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    ms = {f"{key[:-3]}_ms": round(raw[key] / 1000, 1) for key in raw if key.endswith("_us")}
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        **ms,
        "requests": raw["requests"],
        "urls": len(paths),
        "not_200": raw["not_200"],
        "socket_errors": sum(raw["socket_errors"].values()),
        "repeated_urls": raw["wrapped"],
        "uptime_before": before,
        "uptime_after": uptime(),
        "load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def measure(args, mode: str, page: str, audience: str, rotation: Rotation,
            fresh: Iterator[list[str]] | None, forums: list[str], cookies: dict,
            marks: dict) -> dict:  # fmt: skip
    """Verify, warm up, then ``args.rounds`` rounds of ours then Spirit (each round on
    the next list of ``fresh`` URLs, when given, instead of the rotation's)."""
    port = {"ours": OURS_PORT, "spirit": SPIRIT_PORT}
    urls = {"ours": rotation.ours, "spirit": rotation.spirit}
    cookie = {forum: cookies[forum] if audience == "signed-in" else "" for forum in forums}
    for forum in forums:
        verify(forum, port[forum], rotation, cookie[forum], marks[forum])
        settle(wrk(port[forum], urls[forum], "warmup", args.warmup, args, cookie[forum]))
    rounds: dict[str, list] = {forum: [] for forum in forums}
    for n in range(1, args.rounds + 1):
        if fresh is not None:  # the same new queries on both forums
            urls = dict.fromkeys(forums, next(fresh))
        for forum in forums:
            name = f"{mode}-{page}-{audience}-{forum}-{n}"
            result = wrk(port[forum], urls[forum], name, args.duration, args, cookie[forum])
            settle(result)
            rounds[forum].append(result)
            log(f"{mode} {page:12} {audience:9} {forum:6} round {n}: {result['rps']:7.1f} "
                f"req/s  p99 {result['p99_ms']:7.1f} ms  not 200: {result['not_200']}  "
                f"{result['uptime_before'].split('load average: ')[-1]}")  # fmt: skip
    # Without new queries a rotation is asked for again and again: only new ones count.
    fresh_urls = len(urls["ours"]) if fresh is not None else 0
    return summarize(rounds, len(rotation.ours), fresh_urls)


def settle(result: dict) -> None:
    """Let the requests still running when wrk stopped finish before the other forum's
    round: they take at most the slowest request of the round. Without this pause Spirit's
    last requests (up to 0.5 s on its home page, seconds on search) ran into the start of
    our next round and made most of our p99 there (home: 28 ms measured alone, 128 ms
    right after Spirit's round)."""
    time.sleep(min(SETTLE_CAP_S, result["max_ms"] / 1000) + 0.2)


SETTLE_CAP_S = 10


def summarize(rounds: dict[str, list], urls: int, fresh_urls: int) -> dict:
    median = statistics.median
    summary: dict = {"urls": urls, "fresh_urls_a_round": fresh_urls, "rounds": rounds}
    for forum, runs in rounds.items():
        summary[forum] = {
            "rps": round(median(r["rps"] for r in runs), 1),
            "p50_ms": round(median(r["p50_ms"] for r in runs), 1),
            "p99_ms": round(median(r["p99_ms"] for r in runs), 1),
            "not_200": sum(r["not_200"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "repeated_urls": any(r["repeated_urls"] for r in runs),
        }
    if "ours" in rounds and "spirit" in rounds:
        ratios = [
            o["rps"] / s["rps"] for o, s in zip(rounds["ours"], rounds["spirit"], strict=True)
            if s["rps"]
        ]  # fmt: skip
        if ratios:
            summary["ratio"] = round(median(ratios), 2)
            summary["spread"] = [round(min(ratios), 2), round(max(ratios), 2)]
    loads = [x for runs in rounds.values() for r in runs for x in r["load_1min"]]
    summary["load_1min"] = [min(loads), max(loads)]
    return summary


def goal(mode: str, page: str, audience: str) -> float | None:
    if page == "search":
        return SEARCH_GOAL if mode == "caches-off" else None
    return GOALS[mode].get(audience)


# --- reporting -------------------------------------------------------------------------


def versions(args, forums: list[str]) -> dict:
    snippet = "import importlib.metadata as m, sys; print(*(m.version(p) for p in sys.argv[1:]))"
    ours = sh([str(REPO / ".venv" / "bin" / "python"), "-c", snippet, "django", "gunicorn"])
    tree = args.ours_tree
    dirty = sh(["git", "status", "--porcelain", "--untracked-files=no"], cwd=tree).strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    found = {
        "ours_commit": sh(["git", "rev-parse", "HEAD"], cwd=tree).strip()
        + (" (with uncommitted changes)" if dirty else ""),
        "python": sys.version.split()[0],
        "ours_django_gunicorn": ours.strip(),
        "postgresql": psql("postgres", "SHOW server_version"),
        "wrk": wrk_version.split()[1] if wrk_version else "",
    }
    if "spirit" in forums:
        found["spirit_django_gunicorn"] = sh(
            [str(SPIRIT_VENV / "bin" / "python"), "-c", snippet, "django-spirit", "django",
             "gunicorn"]
        ).strip()  # fmt: skip
    return found


def write_report(args, meta: dict, results: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"forum-{args.threads}{'-' + args.label if args.label else ''}"
    stem.with_suffix(".json").write_text(json.dumps({**meta, "results": results}, indent=2) + "\n")
    timings = meta["seeding_s"]
    lines = [
        f"# Forum benchmark: {args.threads:,} threads, {args.posts:,} replies",
        "",
        f"- When: {meta['started']} to {meta['finished']}; {meta['cpus']} CPUs, shared.",
        f"- `uptime` before: {meta['uptime_before']}",
        f"- `uptime` after: {meta['uptime_after']}",
        f"- Command: `{meta['command']}`",
        f"- Versions: {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}",
        f"- Seeding (seconds): ours `seed_demo` {timings.get('ours_seed_s')}, Spirit's copy "
        f"{timings.get('spirit_seed_s')}, Spirit's Whoosh index {timings.get('spirit_index_s')}",
        f"- Load: wrk {WRK_THREADS} threads, {args.connections} connections, "
        f"{args.duration} s a round after {args.warmup} s of warm-up per page; "
        f"{args.rounds} rounds alternating ours, Spirit; gunicorn {args.workers} sync "
        "workers each. Every request asks for the next URL of the page's rotation.",
        "",
        "req/s and p99 are the medians over the rounds; a round's ratio is ours / Spirit "
        "req/s in that round, **ratio** is their median and **spread** the lowest and "
        "highest. Signed in: a real session of the demo fan, checked on a sample of the "
        "URLs before measuring. Spirit serves search only to signed-in users.",
    ]
    for mode, pages in results.items():
        lines += [
            "",
            f"## {mode}",
            "",
            MODES[mode]["about"][0].upper() + MODES[mode]["about"][1:] + ".",
            "",
            "| page | who | URLs | ours req/s | ours p99 ms | Spirit req/s | Spirit p99 ms "
            "| ratio | spread | goal | not 200 (ours/Spirit) | load 1-min |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for page, audiences in pages.items():
            for audience, row in audiences.items():
                o, s = row.get("ours", {}), row.get("spirit", {})
                ratio, need = row.get("ratio"), goal(mode, page, audience)
                spread = "-".join(f"{x:g}" for x in row["spread"]) if "spread" in row else "-"
                sockets = o.get("socket_errors", 0) + s.get("socket_errors", 0)
                errors = f" ({sockets} socket errors)" if sockets else ""
                fresh = row["fresh_urls_a_round"]
                urls = f"{fresh} new a round" if fresh else str(row["urls"])
                if fresh and (o.get("repeated_urls") or s.get("repeated_urls")):
                    urls += " (ran out: some asked twice)"
                lines.append(
                    f"| {page} | {audience} | {urls} | {o.get('rps', '-')} "
                    f"| {o.get('p99_ms', '-')} | {s.get('rps', '-')} | {s.get('p99_ms', '-')} "
                    f"| {f'{ratio:g}x' if ratio else '-'} | {spread} "
                    f"| {f'{need:g}x' if need else '-'}"
                    f"{' (missed)' if need and ratio and ratio < need else ''} "
                    f"| {o.get('not_200', '-')}/{s.get('not_200', '-')}{errors} "
                    f"| {row['load_1min'][0]:g}-{row['load_1min'][1]:g} |"
                )
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return stem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk a round")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before a page")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each forum a page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--reseed", action="store_true", help="rebuild both databases")
    parser.add_argument("--only", choices=["ours", "spirit"], help="measure one forum only")
    parser.add_argument(
        "--ours-tree",
        type=Path,
        default=REPO,
        help="serve our forum from this checkout (to measure a proposed patch); same venv",
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="seed, install and index, measure nothing"
    )
    parser.add_argument("--label", default="", help="suffix of the results file names")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    parser.add_argument("--audiences", nargs="+", choices=AUDIENCES, default=list(AUDIENCES))
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    WORK.mkdir(parents=True, exist_ok=True)
    forums = [forum for forum in ("ours", "spirit") if args.only in (None, forum)]
    dbs = {"ours": f"bench_tanggap_{args.threads}", "spirit": f"bench_spirit_{args.threads}"}
    meta: dict = {
        "threads": args.threads,
        "posts": args.posts,
        "seed": args.seed,
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "started": now(),
        "uptime_before": uptime(),
        "cpus": os.cpu_count(),
        "seeding_s": {},
    }
    seed_ours(args, dbs["ours"], meta["seeding_s"])
    sh([str(REPO / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput",
        "-v0"], env=ours_env(dbs["ours"]), cwd=args.ours_tree)  # fmt: skip
    if "spirit" in forums:
        install_spirit()
        seed_spirit(args, dbs["spirit"], dbs["ours"], meta["seeding_s"])
        if "search" in args.pages:
            index_spirit(dbs["spirit"], meta["seeding_s"])
        sh([str(SPIRIT_VENV / "bin" / "python"), "manage.py", "collectstatic", "--noinput",
            "-v0"], env=spirit_env(dbs["spirit"]), cwd=SPIRIT_PROJECT)  # fmt: skip
    if args.prepare_only:
        log(f"prepared; seeding took {meta['seeding_s']} s")
        return
    meta["versions"] = versions(args, forums)
    chosen = rotations(args, dbs["ours"], dbs["spirit"] if "spirit" in forums else None)
    cookies = {}
    if "ours" in forums:
        py = str(REPO / ".venv" / "bin" / "python")
        cookies["ours"] = session_cookie(py, ours_env(dbs["ours"]), args.ours_tree)
    if "spirit" in forums:
        cookies["spirit"] = session_cookie(
            str(SPIRIT_VENV / "bin" / "python"),
            {**spirit_env(dbs["spirit"]), "PYTHONPATH": str(SPIRIT_PROJECT)}, SPIRIT_PROJECT,
        )  # fmt: skip
    marks = {forum: signed_in_marks(forum, dbs["ours"]) for forum in forums}
    # Search with the caches off: every round its own share of the fresh queries.
    fresh_rounds = (
        len(args.audiences) * args.rounds
        if "caches-off" in args.modes and "search" in args.pages
        else 0
    )
    fresh = chosen["search"].fresh if fresh_rounds else []
    share = len(fresh) // fresh_rounds if fresh_rounds else 0
    if fresh_rounds and not share:
        raise SystemExit(f"only {len(fresh)} queries beyond the first {SEARCH_POOL}: too few")
    fresh_chunks = iter([fresh[i * share : (i + 1) * share] for i in range(fresh_rounds)])
    results: dict = {}
    for mode in args.modes:
        servers = start_servers(args, mode, forums, dbs)
        try:
            for page in args.pages:
                for audience in args.audiences:
                    # Spirit answers search only to signed-in users.
                    measured = [
                        forum for forum in forums
                        if not (forum == "spirit" and page == "search" and audience == "anonymous")
                    ]  # fmt: skip
                    if not measured:
                        continue
                    rotation_fresh = (
                        fresh_chunks if page == "search" and mode == "caches-off" else None
                    )
                    results.setdefault(mode, {}).setdefault(page, {})[audience] = measure(
                        args, mode, page, audience, chosen[page], rotation_fresh, measured,
                        cookies, marks,
                    )  # fmt: skip
        finally:
            stop_servers(servers)
    meta["finished"], meta["uptime_after"] = now(), uptime()
    stem = write_report(args, meta, results)
    bad = [
        f"{mode} {page} {audience} {forum}: {row[forum]['not_200']}"
        for mode, pages in results.items()
        for page, audiences in pages.items()
        for audience, row in audiences.items()
        for forum in forums
        if forum in row and row[forum]["not_200"]
    ]
    if bad:
        raise SystemExit(f"responses other than 200 (figures invalid, see {stem}.md): {bad}")


if __name__ == "__main__":
    main()
