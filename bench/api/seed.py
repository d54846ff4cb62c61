"""Seed the API benchmark's database: 10,000 clusters holding 100,000 threads.

Bulk inserts only (no triage engine): products, fans, threads, one ThreadTriage row a
thread, clusters with realistic figures, a forward for one cluster in ten, and an
engineer with a known API token. Prints the token on the last line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanggap_api_bench \
        .venv/bin/python bench/api/seed.py --clusters 10000 --threads 100000
"""

import argparse
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F, OuterRef, Subquery  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import ENGINEER  # noqa: E402
from forum.models import Product, Thread  # noqa: E402
from triage.models import Cluster, ClusterStatus, Forward, Severity, ThreadTriage  # noqa: E402

TOKEN = "bench000000000000000000000000000000000ab"
FIRMWARE = ["HyperOS 1.0.4.0", "HyperOS 1.0.5.0", "HyperOS 1.0.6.0", "One UI 6.1", "One UI 7.0"]
PROBLEMS = [
    "Baterai cepat habis setelah update",
    "Layar berkedip hijau saat kecerahan rendah",
    "Sinyal 4G hilang setelah panggilan",
    "Kamera depan buram di mode potret",
    "Bootloop setelah update sistem",
    "HP panas saat main game",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=100_000)
    args = parser.parse_args()
    rnd = random.Random(7)
    call_command("migrate", verbosity=0)
    if Cluster.objects.exists():
        sys.exit("the database already holds clusters: use an empty one")
    now = timezone.now()
    with transaction.atomic():
        products = Product.objects.bulk_create(
            Product(brand="Xiaomi", marketing_name=f"Redmi Note {n} Pro", slug=f"rn{n}p",
                    active_devices=1_000_000 + n * 50_000)
            for n in range(1, 21)
        )  # fmt: skip
        fans = User.objects.bulk_create(
            User(email=f"fan{n}@bench.example", display_name=f"Fan {n}") for n in range(2000)
        )
        clusters = Cluster.objects.bulk_create(
            Cluster(
                key=n,
                product=products[n % len(products)],
                label=f"{PROBLEMS[n % len(PROBLEMS)]} #{n}",
                top_terms=["baterai", "update", "panas"],
                severity=rnd.choice(Severity.values),
                severity_reason="3 of 10 reports: major. bootloop",
                status=rnd.choice(ClusterStatus.values),
                heat=round(rnd.random() * 100, 3),
                threads=0,
                first_seen=now - timedelta(days=rnd.randint(1, 300)),
                last_seen=now - timedelta(minutes=rnd.randint(1, 60 * 24 * 30)),
                firmware={f: rnd.randint(1, 30) for f in rnd.sample(FIRMWARE, 3)},
                daily=[
                    [(now - timedelta(days=d)).date().isoformat(), rnd.randint(0, 9)]
                    for d in range(30, 0, -1)
                ],
            )  # fmt: skip
            for n in range(1, args.clusters + 1)
        )
        batch = 5000
        for start in range(0, args.threads, batch):
            threads = Thread.objects.bulk_create(
                Thread(
                    product=products[i % len(products)],
                    author=fans[i % len(fans)],
                    title=f"{PROBLEMS[i % len(PROBLEMS)]} ({i})",
                    body="Sejak update terakhir baterai habis dalam 5 jam. " * 4,
                    firmware=rnd.choice(FIRMWARE),
                    created_at=now - timedelta(minutes=rnd.randint(1, 60 * 24 * 300)),
                    me_too_count=rnd.randint(0, 20),
                    reply_count=rnd.randint(0, 10),
                    external_id=f"kaskus:{i}" if i % 4 == 0 else None,
                )
                for i in range(start, min(start + batch, args.threads))
            )
            ThreadTriage.objects.bulk_create(
                ThreadTriage(
                    thread=t,
                    cluster=clusters[rnd.randrange(len(clusters))],
                    severity=Severity.MAJOR,
                    terms={"baterai": 1.0},
                    content_hash="bench",
                    triaged_at=now,
                )
                for t in threads
            )
        members = (
            ThreadTriage.objects.filter(cluster=OuterRef("pk"))
            .values("cluster")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        Cluster.objects.update(threads=Coalesce(Subquery(members), 0))
        Cluster.objects.update(reporters=F("threads"), me_too=F("threads") * 2)
        Forward.objects.bulk_create(Forward(cluster=c, note="bench") for c in clusters[::10])
        engineer = User.objects.create(email="engineer@bench.example", display_name="Engineer")
        engineer.groups.add(Group.objects.get_or_create(name=ENGINEER)[0])
        Token.objects.create(user=engineer, key=TOKEN)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"{len(clusters)} clusters, {Thread.objects.count()} threads")
    print(TOKEN)


if __name__ == "__main__":
    main()
