"""Forum benchmark: Tanggap against Spirit, same data, same pages, same load.

Seeds a PostgreSQL database for each forum with the same generated threads and
replies (ours with ``manage.py seed_demo``, Spirit by copying ours row for row with
``seed_spirit.py``), serves each with gunicorn (4 sync workers, DEBUG off; ours with
production's ``config/gunicorn.py``) on a
loopback port, warms up, and measures every page with wrk for a fixed duration and
number of connections. Writes ``bench/forum/results/forum-<threads>.json`` and ``.md``.

    .venv/bin/python bench/forum/run.py --threads 2000 --posts 20000      # quick check
    .venv/bin/python bench/forum/run.py --threads 100000 --posts 1000000  # the real one

Databases are named after their size (``bench_tanggap_100000``, ``bench_spirit_100000``)
and reused when already seeded (``--reseed`` rebuilds them). Spirit lives in its own
virtualenv under ``bench/work/`` with its own pinned dependencies.
"""

# SQL here is built from our own table names and ids read back from our own databases.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


# --- serving and measuring -------------------------------------------------------------


def serve(name: str, cmd: list[str], env: dict, cwd: Path, port: int) -> subprocess.Popen:
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


def session_cookie(python: str, env: dict, cwd: Path, email: str = "fan@tanggap.local") -> str:
    """A real signed-in session of the demo fan (same account id on both forums)."""
    return sh([python, "-c", SESSION_SNIPPET, email], env=env, cwd=cwd).strip().splitlines()[-1]


PAGES = ("home", "product", "product_deep", "thread", "search")


def pages(args, ours_db: str, spirit_db: str | None) -> dict[str, tuple[str, str, str]]:
    """The same content on both forums: (path on ours, path on Spirit, text both show)."""
    slug, pid, n = psql(
        ours_db,
        "SELECT p.slug, p.id, count(*) FROM forum_thread t JOIN forum_product p "
        "ON p.id = t.product_id GROUP BY p.slug, p.id ORDER BY count(*) DESC, p.id LIMIT 1",
    ).split("|")
    name = psql(ours_db, f"SELECT marketing_name FROM forum_product WHERE id = {pid}")
    # The deep page shows the same rows on both: half-way down the product's threads
    # (we show 25 threads a page, Spirit 20).
    offset = int(n) // 2
    ours_deep, spirit_deep = offset // 25 + 1, offset // 20 + 1
    # A thread with a couple of pages of replies, like the ones people land on.
    tid = psql(
        ours_db,
        "SELECT id FROM forum_thread WHERE reply_count BETWEEN 30 AND 40 ORDER BY id LIMIT 1",
    )
    category = topic = "-"
    if spirit_db:
        category = psql(
            spirit_db,
            f"SELECT id || '/' || slug FROM spirit_category_category WHERE title = '{name[:75]}'",
        )
        topic = psql(
            spirit_db, f"SELECT id || '/' || slug FROM spirit_topic_topic WHERE id = {tid}"
        )
    q = args.query
    every = {
        "home": ("/", "/", ""),
        "product": (f"/p/{slug}/", f"/category/{category}/", name),
        "product_deep": (
            f"/p/{slug}/?page={ours_deep}",
            f"/category/{category}/?page={spirit_deep}",
            name,
        ),
        "thread": (f"/t/{tid}/", f"/topic/{topic}/", ""),
        "search": (f"/search/?q={q}", f"/search/?q={q}", q),
    }
    return {page: every[page] for page in args.pages}


WRK_LINE = re.compile(r"^\s*(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = sh(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s",
              *headers, url])  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    lat = {f"p{p}_ms": round(float(v) * scale[u], 2) for p, v, u in WRK_LINE.findall(out)}
    return {
        "rps": round(rps, 1),
        **lat,
        "requests": requests,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def measure_page(name: str, port: int, path: str, expect: str, cookie: str, args) -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    body = fetch(url, cookie)
    if expect and expect.lower() not in body.lower():
        raise SystemExit(f"{name}: {url} does not show {expect!r}")
    wrk(url, args.warmup, args.connections, cookie)
    result = {
        "path": path,
        "signed_in": bool(cookie),
        **wrk(url, args.duration, args.connections, cookie),
        # The machine is shared: the 1-minute load average says how busy it was.
        "load_avg": round(os.getloadavg()[0], 1),
    }
    log(f"{name:6} {path[:60]:60} {result['rps']:8.1f} req/s  p50 {result.get('p50_ms')} ms  "
        f"p99 {result.get('p99_ms')} ms  non-2xx {result['non_2xx']}")  # fmt: skip
    return result


def report(args, timings: dict, ours: dict, spirit: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = {"search": 20.0}
    rows = []
    for page in ours:
        o, s = ours[page], spirit.get(page)
        ratio = round(o["rps"] / s["rps"], 1) if s and s["rps"] else None
        need = target.get(page, 3.0)
        rows.append({"page": page, "ours": o, "spirit": s, "ratio": ratio, "target": need,
                     "meets": ratio is not None and ratio >= need})  # fmt: skip
    data = {
        "threads": args.threads,
        "posts": args.posts,
        "seed": args.seed,
        "wrk": {"duration_s": args.duration, "connections": args.connections, "threads": 2},
        "gunicorn_workers": args.workers,
        "timings": timings,
        "pages": rows,
        "cpu": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "ours_tree": str(args.ours_tree),
    }
    stem = RESULTS / f"forum-{args.threads}{'-' + args.label if args.label else ''}"
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        f"Threads {args.threads:,}, replies {args.posts:,}; wrk {args.duration}s, "
        f"{args.connections} connections; gunicorn {args.workers} sync workers each.",
        "",
        "| page | ours req/s | ours p50 / p99 ms | Spirit req/s | Spirit p50 / p99 ms | ratio "
        "| target | load avg (ours / Spirit) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        o, s = row["ours"], row["spirit"] or {}
        lines.append(
            f"| {row['page']} | {o['rps']} | {o.get('p50_ms')} / {o.get('p99_ms')} | "
            f"{s.get('rps', '-')} | {s.get('p50_ms', '-')} / {s.get('p99_ms', '-')} | "
            f"{row['ratio'] if row['ratio'] is not None else '-'}x | {row['target']}x"
            f"{'' if row['meets'] else ' (missed)'} | {o.get('load_avg', '-')} / "
            f"{s.get('load_avg', '-')} |"
        )
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of wrk before each")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--query", default="bootloop", help="search words")
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
    parser.add_argument(
        "--pages",
        nargs="+",
        choices=PAGES,
        default=list(PAGES),
        help="measure only these pages (Spirit's search index is built only for search)",
    )
    parser.add_argument(
        "--signed-in", action="store_true", help="measure every page as a signed-in fan"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    WORK.mkdir(parents=True, exist_ok=True)
    ours_db, spirit_db = f"bench_tanggap_{args.threads}", f"bench_spirit_{args.threads}"
    timings: dict = {}
    seed_ours(args, ours_db, timings)
    sh([str(REPO / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput",
        "-v0"], env=ours_env(ours_db), cwd=args.ours_tree)  # fmt: skip
    if args.only != "ours":
        install_spirit()
        seed_spirit(args, spirit_db, ours_db, timings)
        if "search" in args.pages:
            index_spirit(spirit_db, timings)
        sh([str(SPIRIT_VENV / "bin" / "python"), "manage.py", "collectstatic", "--noinput",
            "-v0"], env=spirit_env(spirit_db), cwd=SPIRIT_PROJECT)  # fmt: skip
    if args.prepare_only:
        log(f"prepared: {timings}")
        return
    chosen = pages(args, ours_db, spirit_db if args.only != "ours" else None)
    ours_results: dict = {}
    spirit_results: dict = {}
    gunicorn_args = ["--workers", str(args.workers), "--worker-class", "sync"]
    servers = {}
    try:
        # Both forums run at once and each page is measured on one then the other, so a
        # change in the shared machine's load hits both alike.
        if args.only != "spirit":
            servers["ours"] = serve(
                "ours",
                [str(REPO / ".venv" / "bin" / "gunicorn"), "config.wsgi",
                 "-c", "config/gunicorn.py", *gunicorn_args,
                 "--bind", f"127.0.0.1:{OURS_PORT}"],
                ours_env(ours_db), args.ours_tree, OURS_PORT,
            )  # fmt: skip
            ours_cookie = session_cookie(
                str(REPO / ".venv" / "bin" / "python"), ours_env(ours_db), REPO
            )
        if args.only != "ours":
            servers["spirit"] = serve(
                "spirit",
                [str(SPIRIT_VENV / "bin" / "gunicorn"), "spiritsite.wsgi", *gunicorn_args,
                 "--bind", f"127.0.0.1:{SPIRIT_PORT}"],
                spirit_env(spirit_db), SPIRIT_PROJECT, SPIRIT_PORT,
            )  # fmt: skip
            spirit_cookie = session_cookie(
                str(SPIRIT_VENV / "bin" / "python"), {**spirit_env(spirit_db),
                "PYTHONPATH": str(SPIRIT_PROJECT)}, SPIRIT_PROJECT,
            )  # fmt: skip
        for page, (ours_path, spirit_path, expect) in chosen.items():
            # Spirit's search is for signed-in users only: search is measured signed in on
            # both; the other pages as an anonymous reader.
            signed_in = page == "search" or args.signed_in
            if "ours" in servers:
                ours_results[page] = measure_page(
                    "ours", OURS_PORT, ours_path, expect, ours_cookie if signed_in else "", args
                )
            if "spirit" in servers:
                spirit_results[page] = measure_page(
                    "spirit", SPIRIT_PORT, spirit_path, expect,
                    spirit_cookie if signed_in else "", args,
                )  # fmt: skip
    finally:
        for proc in servers.values():
            stop(proc)
    report(args, timings, ours_results, spirit_results)


if __name__ == "__main__":
    main()
