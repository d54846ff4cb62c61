"""Posting load with faults: a cache outage, a broker outage and a database restart, in turn.

Runs the production processes on loopback: gunicorn (config/gunicorn.py), one Celery
worker with beat, PostgreSQL, and two private Redis servers (one the broker, one the
cache, so that each can fail alone). Signed-in fans post new threads through the real
views (GET the form, POST it with its CSRF token) from several client threads for each
phase; a fan posts once per phase (the posting limit is one thread per 30 s).

The database outage touches only this run: gunicorn and the worker reach PostgreSQL
through a small TCP proxy in this script, which is stopped (every connection cut, new
ones refused) for --db-down seconds in the middle of the phase and started again, as a
restart of PostgreSQL would look to them. The shared PostgreSQL is never restarted.

Per phase it prints posts sent, posts saved, posts triaged (after the sweeper has had
time to catch up), 5xx answers, connection errors and what /healthz said during it.

    createdb -h 127.0.0.1 -U postgres tanggap_faults
    .venv/bin/python bench/faults/run.py --database postgres://postgres@127.0.0.1:5432/tanggap_faults
"""

import argparse
import contextlib
import os
import re
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-faults-secret-key-not-for-production-0123456789"


class TcpProxy:
    """Forwards 127.0.0.1:port to a target; stop() cuts every connection and refuses new
    ones until start(), like a database server that restarts."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self._listener: socket.socket | None = None
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener:
            listener.close()
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for client, server in pairs:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.add((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            with self._lock:
                self._pairs.discard((client, server))
            client.close()
            server.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A private redis-server that can be stopped and started on the same port."""

    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class Phase:
    name: str
    sent: int = 0
    answers: dict[int, int] = field(default_factory=dict)
    connection_errors: int = 0
    health: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int | None, seconds: float = 0.0) -> None:
        """One answer (None: the connection failed), from any client thread."""
        with self.lock:
            self.seconds.append(seconds)
            if status is None:
                self.connection_errors += 1
            else:
                self.answers[status] = self.answers.get(status, 0) + 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.answers.items() if status >= 500)


def post_thread(base: str, session_key: str, product_id: int, title: str, phase: Phase) -> None:
    """One fan: open the form, post it (as a browser would, CSRF token and all)."""
    browser = requests.Session()
    browser.cookies.set("sessionid", session_key)
    with phase.lock:
        phase.sent += 1
        phase.titles.append(title)
    started = time.monotonic()
    try:
        form = browser.get(f"{base}/new/", timeout=30)
        if form.status_code != 200:
            phase.record(form.status_code, time.monotonic() - started)
            return
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        posted = browser.post(
            f"{base}/new/",
            data={"csrfmiddlewaretoken": token, "product": product_id, "kind": "problem",
                  "title": title, "firmware": "OS1.0.5",
                  "body": "baterai cepat habis setelah update, semalam turun 40 persen"},
            headers={"Referer": f"{base}/new/"}, allow_redirects=False, timeout=60,
        )  # fmt: skip
        phase.record(posted.status_code, time.monotonic() - started)
    except requests.RequestException:
        phase.record(None, time.monotonic() - started)


def watch_health(base: str, phase: Phase, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            answer = requests.get(f"{base}/healthz", timeout=10)
            body = answer.json()
            down = [k for k, v in body.items() if k != "status" and str(v).startswith("error")]
            phase.health.add(f"{answer.status_code} {body['status']}" +
                             (f" ({', '.join(down)} down)" if down else ""))  # fmt: skip
        except (requests.RequestException, ValueError):
            phase.health.add("no answer")
        stop.wait(1)


def make_fans(count: int) -> list[str]:
    """Fans who joined a month ago (the member posting limit), each signed in: their
    session keys."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User

    stamp = int(time.time())
    joined = timezone.now() - timedelta(days=30)
    users = User.objects.bulk_create(
        User(email=f"fault{stamp}-{n}@bench.local", display_name=f"Fan {n}", date_joined=joined)
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users
    )
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--posts", type=int, default=120, help="posts per phase")
    parser.add_argument("--clients", type=int, default=8, help="concurrent fans")
    parser.add_argument("--phase-seconds", type=float, default=20)
    parser.add_argument("--db-down", type=float, default=5, help="seconds the database is away")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--settle", type=float, default=90, help="max wait for triage at the end")
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        parser.error("--database postgres://... (a database of this run's own)")

    db = urlparse(args.database)
    proxy = TcpProxy(free_port(), (db.hostname or "127.0.0.1", db.port or 5432))
    via_proxy = args.database.replace(db.netloc, f"{db.username}@127.0.0.1:{proxy.port}")
    broker, cache = Redis(free_port()), Redis(free_port())
    web_port = free_port()
    base = f"http://127.0.0.1:{web_port}"
    work = Path(tempfile.mkdtemp(prefix="faults-"))
    env = {
        **os.environ, "DJANGO_SECRET_KEY": SECRET, "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false", "DJANGO_STATIC_MANIFEST": "false",
        "DATABASE_URL": via_proxy, "CACHE_URL": f"redis://127.0.0.1:{cache.port}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{broker.port}/0",
        "TRIAGE_SWEEP_SECONDS": "5", "TRIAGE_SWEEP_GRACE_SECONDS": "10", "LOG_LEVEL": "WARNING",
    }  # fmt: skip

    # This process reads and writes the database directly (never through the proxy).
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": SECRET,
                       "DJANGO_DEBUG": "false", "DATABASE_URL": args.database})  # fmt: skip
    sys.path.insert(0, str(ROOT))
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=ROOT, env={**env, "DATABASE_URL": args.database}, check=True)  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "seed_demo", "--if-empty", "--threads", "200"],
                   cwd=ROOT, env={**env, "DATABASE_URL": args.database, "CELERY_BROKER_URL": ""},
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    import django

    django.setup()
    from forum.models import Product, Thread
    from triage.models import ThreadTriage

    product_id = Product.objects.get(marketing_name="Redmi Note 13 Pro").pk
    phases = [Phase("baseline"), Phase("cache down"), Phase("broker down"),
              Phase("database restart")]  # fmt: skip
    fans = make_fans(args.posts * len(phases))
    print(f"{len(fans)} fans signed in; starting services", flush=True)

    proxy.start()
    broker.start()
    cache.start()
    logs = {name: open(work / f"{name}.log", "w") for name in ("web", "worker")}  # noqa: SIM115
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py",
         "--workers", str(args.workers), "--bind", f"127.0.0.1:{web_port}"],
        cwd=ROOT, env=env, stdout=logs["web"], stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--concurrency", "2",
         "-s", str(work / "beat-schedule"), "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(web_port, timeout=60)
        time.sleep(3)  # the worker connects
        faults = {
            "cache down": (cache.stop, cache.start),
            "broker down": (broker.stop, broker.start),
        }
        stamp = int(time.time())
        for number, phase in enumerate(phases):
            mine = fans[number * args.posts : (number + 1) * args.posts]
            stop_watch = threading.Event()
            watcher = threading.Thread(target=watch_health, args=(base, phase, stop_watch))
            begin, end = faults.get(phase.name, (None, None))
            if begin:
                begin()
            watcher.start()
            gap = args.phase_seconds / args.posts * args.clients
            started = time.monotonic()

            def one(n, mine=mine, phase=phase, started=started, gap=gap):
                # Spread each client's posts over the phase.
                time.sleep(max(0.0, started + (n // args.clients) * gap - time.monotonic()))
                post_thread(base, mine[n], product_id, f"[faults {stamp} {phase.name} #{n}] "
                            "baterai boros setelah update", phase)  # fmt: skip

            with ThreadPoolExecutor(args.clients) as pool:
                futures = [pool.submit(one, n) for n in range(args.posts)]
                if phase.name == "database restart":
                    time.sleep(args.phase_seconds / 2 - args.db_down / 2)
                    proxy.stop()
                    time.sleep(args.db_down)
                    proxy.start()
                for future in futures:
                    future.result()
            if end:
                end()
            stop_watch.set()
            watcher.join()
            print(f"phase {phase.name}: {phase.sent} sent in {time.monotonic() - started:.0f} s",
                  flush=True)  # fmt: skip

        # Let the worker and its sweeper catch up, then count.
        deadline = time.monotonic() + args.settle
        everything = [t for p in phases for t in p.titles]
        while time.monotonic() < deadline:
            saved = Thread.objects.filter(title__in=everything)
            if ThreadTriage.objects.filter(thread__in=saved).count() == saved.count():
                break
            time.sleep(2)
        print()
        print("| phase | posts sent | posts saved | posts triaged | 5xx | connection errors "
              "| fan's wait p50 / max s | /healthz during the phase |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|")
        for phase in phases:
            saved = Thread.objects.filter(title__in=phase.titles)
            triaged = ThreadTriage.objects.filter(thread__in=saved, cluster__isnull=False).count()
            seconds = sorted(phase.seconds) or [0.0]
            print(f"| {phase.name} | {phase.sent} | {saved.count()} | {triaged} | "
                  f"{phase.server_errors} | {phase.connection_errors} | "
                  f"{seconds[len(seconds) // 2]:.2f} / {seconds[-1]:.2f} | "
                  f"{'; '.join(sorted(phase.health))} |")  # fmt: skip
        print(f"\nlogs: {work}")
    finally:
        web.terminate()
        worker.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
        broker.stop()
        cache.stop()
        proxy.stop()


if __name__ == "__main__":
    main()
