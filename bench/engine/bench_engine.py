"""Benchmark the triage engine on N synthetic-but-realistic threads (one process).

The threads come from the demo corpus generator's JSON Lines export
(``python -m demo.corpus --threads N``), written once to ``bench/work/``. Measured:

- online assignment throughput: ``analyse`` + ``ClusterIndex.add`` per thread, in
  ``created_at`` order, threads per second of wall clock and of CPU time (the machine is
  shared, so both), and the two parts separately;
- "similar threads" while a fan types: a draft (title and the first half of the body) is
  analysed and the top 10 of its product are fetched; p50 and p99 latency in ms;
- the batch pass (``consolidate``): seconds, and the process's peak resident memory;
- cluster quality on the same threads (B-cubed against the generator's labels).

    .venv/bin/python bench/engine/bench_engine.py --threads 100000

Prints progress on stderr and the figures as one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from triage.engine import Catalog, ClusterIndex, analyse  # noqa: E402
from triage.engine.evaluate import _time_key, bcubed, read_jsonl  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus(threads: int, seed: int) -> Path:
    """The benchmark corpus, generated once through the demo corpus's JSON Lines export."""
    path = ROOT / "bench" / "work" / f"demo-{threads}-s{seed}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "demo.corpus",
                "--threads",
                str(threads),
                "--seed",
                str(seed),
                "--out",
                str(path),
            ],
            check=True,
            cwd=ROOT,
        )
    return path


def log(message: str) -> None:
    """Progress on stderr, so the last line of stdout stays the figures."""
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()

    rows = sorted(read_jsonl(str(corpus(args.threads, args.seed))), key=_time_key)
    catalog = Catalog.from_names(r["product"] for r in rows if r.get("product"))
    log(f"{len(rows)} threads, {len(catalog)} products; rss {peak_rss_mb():.0f} MB")

    index = ClusterIndex()
    t_analyse = t_assign = 0.0
    cpu0 = time.process_time()
    for n, row in enumerate(rows, 1):
        t0 = time.perf_counter()
        product = catalog.resolve(row["product"]) if row.get("product") else None
        a = analyse(
            row["title"],
            row["body"],
            product=product,
            firmware=row.get("firmware"),
            catalog=catalog,
        )
        t1 = time.perf_counter()
        index.add(row["external_id"], a.terms, a.product.key, row["title"])
        t2 = time.perf_counter()
        t_analyse += t1 - t0
        t_assign += t2 - t1
        if n % 10_000 == 0:
            log(f"  {n}: {n / (t_analyse + t_assign):.0f} threads/s, rss {peak_rss_mb():.0f} MB")
    online_cpu = time.process_time() - cpu0
    online_rss = peak_rss_mb()

    rng = random.Random(args.seed)
    search_ms, typing_ms = [], []
    for row in rng.sample(rows, min(args.queries, len(rows))):
        body = row["body"][: len(row["body"]) // 2]
        t0 = time.perf_counter()
        draft = analyse(row["title"], body, catalog=catalog)
        t1 = time.perf_counter()
        index.similar(draft.terms, k=10, product=draft.product.key)
        t2 = time.perf_counter()
        search_ms.append((t2 - t1) * 1000)
        typing_ms.append((t2 - t0) * 1000)

    t0, c0 = time.perf_counter(), time.process_time()
    result = index.consolidate()
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    log(f"batch pass {batch_s:.1f} s: {len(result.merges)} merges, {len(result.moves)} moves")

    predicted = [index.cluster_of(r["external_id"]) for r in rows]
    quality = bcubed(predicted, [r["label"] for r in rows])
    total = t_analyse + t_assign
    figures = {
        "threads": len(rows),
        "products": len(catalog),
        "online_threads_per_s": round(len(rows) / total, 1),
        "online_threads_per_cpu_s": round(len(rows) / online_cpu, 1),
        "analyse_ms_per_thread": round(1000 * t_analyse / len(rows), 3),
        "assign_ms_per_thread": round(1000 * t_assign / len(rows), 3),
        "similar_top10_ms_p50": round(float(np.percentile(search_ms, 50)), 2),
        "similar_top10_ms_p99": round(float(np.percentile(search_ms, 99)), 2),
        "typing_analyse_and_top10_ms_p50": round(float(np.percentile(typing_ms, 50)), 2),
        "typing_analyse_and_top10_ms_p99": round(float(np.percentile(typing_ms, 99)), 2),
        "batch_pass_s": round(batch_s, 1),
        "batch_pass_cpu_s": round(batch_cpu, 1),
        "batch_merges": len(result.merges),
        "batch_moves": len(result.moves),
        "rss_after_online_mb": round(online_rss),
        "peak_rss_mb": round(peak_rss_mb()),
        "clusters": len(index.clusters),
        **quality,
        "cpu": os.cpu_count(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
