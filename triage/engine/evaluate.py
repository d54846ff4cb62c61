"""Measure the engine on labelled JSON Lines files (the shape ``import_threads`` reads).

Each row: ``external_id``, ``title``, ``body``, optionally ``product``, ``firmware``,
``created_at``, and the labels ``duplicates`` (ids of the same problem), ``label`` (rows
with one label are one problem), ``severity`` and ``escalation`` (true/false).

- ``duplicates``: for every row with duplicates, rank all other rows by the engine's
  similarity and report R@1/5/10 (a duplicate in the top k), MRR and MAP, in percent.
  ``--baseline tfidf`` ranks with plain TF-IDF instead (words, English stop words,
  sublinear tf, title + body: the baseline of the shared data's README).
- ``clusters``: feed rows in ``created_at`` order through online assignment, then the batch
  pass; report B-cubed precision/recall/F1, recall over labels with two or more members,
  ARI, cluster and label counts, product accuracy where ``product`` is empty, severity
  accuracy with its confusion matrix where rows carry ``severity``, and escalation
  precision/recall where rows carry ``escalation`` (an alert is what opens one in the
  triage app: ``EscalationRisk.alert``).

Run as ``python -m triage.engine.evaluate duplicates --data FILE`` (or through
``manage.py triage_eval``); the figures are the last line, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from triage.engine.analysis import Analysis, analyse
from triage.engine.clustering import ClusterIndex, Lesson, StoredThread, learned_link
from triage.engine.products import Catalog
from triage.engine.scale import SEVERITIES
from triage.engine.severity import SeverityDecision, from_neighbours

Row = Mapping[str, Any]


def _analyse(row: Row, catalog: Catalog | None) -> Analysis:
    """The engine's reading of one labelled row, as the pipeline reads a thread."""
    return analyse(
        row.get("title", ""),
        row.get("body", ""),
        product=row.get("product") or None,
        firmware=row.get("firmware"),
        catalog=catalog,
    )


def read_jsonl(path: str) -> list[dict[str, Any]]:
    """Rows of a JSON Lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --- metrics (pure functions)
def retrieval_metrics(
    rankings: Iterable[tuple[Sequence[Hashable], set[Hashable]]],
) -> dict[str, float]:
    """R@1/5/10, MRR and MAP in percent over ``(ranked ids, relevant ids)`` queries.

    Relevant ids missing from the ranking count as ranked after it, one position each
    (``len + 1``, ``len + 2``, ...): tied at one position they would give a precision above
    1 at the later ones.
    """
    n = r1 = r5 = r10 = 0
    mrr = ap = 0.0
    for ranked, relevant in rankings:
        if not relevant:
            continue
        n += 1
        position = {key: i + 1 for i, key in enumerate(ranked)}
        found = sorted(position[key] for key in relevant if key in position)
        missing = len(relevant) - len(found)
        ranks = found + list(range(len(ranked) + 1, len(ranked) + 1 + missing))
        r1 += ranks[0] <= 1
        r5 += ranks[0] <= 5
        r10 += ranks[0] <= 10
        mrr += 1.0 / ranks[0]
        ap += sum((i + 1) / rank for i, rank in enumerate(ranks)) / len(ranks)
    if n == 0:
        return {"queries": 0}
    pct = lambda x: round(100.0 * x / n, 1)  # noqa: E731
    return {
        "queries": n,
        "R1": pct(r1),
        "R5": pct(r5),
        "R10": pct(r10),
        "MRR": pct(mrr),
        "MAP": pct(ap),
    }


def bcubed(
    predicted: Sequence[Hashable], gold: Sequence[Hashable], only: Sequence[bool] | None = None
) -> dict[str, float]:
    """B-cubed precision, recall, F1, and recall over items whose gold group has 2+ items;
    averaged over the items ``only`` marks (all by default), against all items."""
    pairs = Counter(zip(predicted, gold, strict=True))
    size_p, size_g = Counter(predicted), Counter(gold)
    p = r = multi = 0.0
    n_multi = 0
    n = 0
    for i, (cp, cg) in enumerate(zip(predicted, gold, strict=True)):
        if only is not None and not only[i]:
            continue
        n += 1
        both = pairs[(cp, cg)]
        p += both / size_p[cp]
        r += both / size_g[cg]
        if size_g[cg] >= 2:
            multi += both / size_g[cg]
            n_multi += 1
    n = max(n, 1)
    precision, recall = p / n, r / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "multi_recall": round(multi / n_multi, 4) if n_multi else 0.0,
    }


def adjusted_rand(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """Adjusted Rand index of two labelings (scikit-learn's)."""
    from sklearn.metrics import adjusted_rand_score

    codes_p = {c: i for i, c in enumerate(dict.fromkeys(predicted))}
    codes_g = {c: i for i, c in enumerate(dict.fromkeys(gold))}
    return round(
        float(adjusted_rand_score([codes_g[g] for g in gold], [codes_p[p] for p in predicted])), 4
    )


def confusion(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, dict[str, int]]:
    """Confusion matrix as ``{gold: {predicted: count}}`` over the fixed severity scale."""
    matrix = {g: dict.fromkeys(SEVERITIES, 0) for g in SEVERITIES}
    for p, g in zip(predicted, gold, strict=True):
        matrix.setdefault(g, dict.fromkeys(SEVERITIES, 0))[p] = matrix[g].get(p, 0) + 1
    return matrix


# --- runs
def _time_key(row: Row) -> tuple[int, datetime | str]:
    value = row.get("created_at") or ""
    for parse in (datetime.fromisoformat, lambda v: datetime.strptime(v, "%d/%b/%y %H:%M")):
        try:
            parsed = parse(value)
            return (0, parsed.replace(tzinfo=None))
        except (TypeError, ValueError):
            continue
    return (1, value)


def run_duplicates(rows: Sequence[Row], baseline: str | None = None) -> dict[str, Any]:
    """Duplicate retrieval figures, with the index built as the product builds it.

    Rows go through online assignment in ``created_at`` order and one batch pass; then,
    for each row with duplicates, every other row is ranked as "similar threads" ranks.
    With ``baseline="tfidf"``, plain TF-IDF ranks instead (``tfidf_ranker``), in the
    file's order: tied scores keep it, as in the shared data's README (on dup-hadoop, time
    order would break ties differently and move R@1 by 1.5 points).
    """
    rank = tfidf_ranker(rows) if baseline == "tfidf" else _engine_ranker(rows)
    ids: set[Hashable] = {str(r["external_id"]) for r in rows}
    queries: list[tuple[Sequence[Hashable], set[Hashable]]] = []
    for row in rows:
        key = str(row["external_id"])
        wanted: set[Hashable] = {str(d) for d in row.get("duplicates") or []}
        relevant = (wanted & ids) - {key}
        if relevant:
            queries.append((rank(key), relevant))
    return {"reports": len(rows), **retrieval_metrics(queries)}


def _engine_ranker(rows: Sequence[Row]) -> Callable[[str], list[Hashable]]:
    index = ClusterIndex()
    for row in sorted(rows, key=_time_key):
        a = analyse(row.get("title", ""), row.get("body", ""), firmware=row.get("firmware"))
        index.add(str(row["external_id"]), a.terms, None, row.get("title", ""))
    index.consolidate()
    return lambda key: [k for k, _ in index.similar_to(key, k=None, any_product=True)]


def tfidf_ranker(rows: Sequence[Row]) -> Callable[[str], list[Hashable]]:
    """Plain TF-IDF ranking of all other rows: words, English stop words, sublinear tf,
    title + body, cosine; ties keep the rows' order."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys = [str(r["external_id"]) for r in rows]
    texts = [f"{r.get('title', '')} {r.get('body', '')}" for r in rows]
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    where = {key: i for i, key in enumerate(keys)}

    def rank(key: str) -> list[Hashable]:
        i = where[key]
        scores = (vectors @ vectors[i].T).toarray().ravel()
        return [keys[j] for j in np.argsort(-scores, kind="stable") if j != i]

    return rank


def _true_products(rows: Sequence[Row]) -> dict[int, str]:
    """Expected product of rows without one: ``true_product`` if given, else the most
    common product among rows of the same label."""
    by_label: dict[str, Counter[str]] = {}
    for row in rows:
        if row.get("product"):
            by_label.setdefault(str(row.get("label")), Counter())[row["product"]] += 1
    expected = {}
    for i, row in enumerate(rows):
        if row.get("product"):
            continue
        if row.get("true_product"):
            expected[i] = row["true_product"]
        elif by_label.get(str(row.get("label"))):
            expected[i] = by_label[str(row.get("label"))].most_common(1)[0][0]
    return expected


def run_clusters(rows: Sequence[Row], **options: float) -> dict[str, Any]:
    """Clustering figures: online assignment in time order, then one batch pass."""
    # The file's product values may spell one product several ways ("Redmi 13C", "13C"):
    # one catalog entry each, with the other spellings as aliases.
    rows, catalog = _catalogued(rows)
    expected_product = _true_products(rows)
    index = ClusterIndex(**options)  # type: ignore[arg-type]
    severities: list[tuple[str, str]] = []
    decisions: dict[str, SeverityDecision] = {}
    alerts: list[tuple[bool, bool]] = []
    product_hits = 0
    for i, row in enumerate(rows):
        a = _analyse(row, catalog)
        if i in expected_product:
            product_hits += a.product.key == expected_product[i]
        key = str(row["external_id"])
        index.add(key, a.terms, a.product.key, row.get("title", ""))
        severity = from_neighbours(
            a.severity,
            [(decisions[k], sim) for k, sim in index.similar_to(key, k=5) if k in decisions],
        )
        decisions[key] = severity
        if row.get("severity"):
            severities.append((severity.level, row["severity"]))
        if isinstance(row.get("escalation"), bool):
            alerts.append((a.escalation.alert, row["escalation"]))
    index.consolidate()
    predicted = [index.cluster_of(str(r["external_id"])) for r in rows]
    gold = [str(r.get("label", r["external_id"])) for r in rows]
    result: dict[str, Any] = {
        "reports": len(rows),
        **bcubed(predicted, gold),
        "ari": adjusted_rand(predicted, gold),
        "clusters": len(set(predicted)),
        "labels": len(set(gold)),
    }
    if expected_product:
        result["product_rows"] = len(expected_product)
        result["product_accuracy"] = round(100.0 * product_hits / len(expected_product), 1)
    if severities:
        hits = sum(p == g for p, g in severities)
        result["severity_rows"] = len(severities)
        result["severity_accuracy"] = round(100.0 * hits / len(severities), 1)
        result["severity_confusion"] = confusion(
            [p for p, _ in severities], [g for _, g in severities]
        )
    if alerts:
        result.update(escalation_figures(alerts))
    return result


def _catalogued(rows: Sequence[Row]) -> tuple[list[dict[str, Any]], Catalog]:
    """Rows in time order with their free-typed product names folded into one catalog."""
    rows = sorted(rows, key=_time_key)
    catalog = Catalog.from_names(r["product"] for r in rows if r.get("product"))
    return [
        {**r, "product": catalog.resolve(r["product"]) if r.get("product") else ""} for r in rows
    ], catalog


def run_replay(
    rows: Sequence[Row], fixes: int, learn: bool = True, window: float = 0.3
) -> dict[str, Any]:
    """A manager fixing the first ``fixes`` misplacements in time order among the first
    ``window`` share of reports, and what the engine learns from it: B-cubed figures over
    the reports that come after that window (the same reports whatever was fixed).

    Reports arrive in ``created_at`` order through online assignment. When one lands away
    from the cluster holding most of its label's earlier reports, the simulated manager
    merges its cluster into that one (if it opened a cluster of its own) or moves it
    there, and the engine is rebuilt with what the correction teaches
    (``ClusterIndex.lesson_for_merge`` / ``lesson_for_move``; nothing with
    ``learn=False``, which measures the fixes alone).
    """
    rows, catalog = _catalogued(rows)
    stored: list[StoredThread] = []
    lessons: list[Lesson] = []
    index = ClusterIndex()
    used, cut = 0, int(len(rows) * window)
    for i, row in enumerate(rows):
        a = _analyse(row, catalog)
        key, label = str(row["external_id"]), str(row.get("label", row["external_id"]))
        placed = index.add(key, a.terms, a.product.key, row.get("title", ""))
        stored.append(StoredThread(key, a.terms, a.product.key, placed.cluster))
        if used >= fixes or i >= cut:
            continue
        homes = Counter(
            index.cluster_of(str(r["external_id"]))
            for r in rows[:i]
            if str(r.get("label", r["external_id"])) == label
        )
        if not homes:
            continue
        home = homes.most_common(1)[0][0]
        if home == placed.cluster:
            continue
        used += 1
        if learn:
            lesson = (
                index.lesson_for_merge(home, placed.cluster)
                if placed.created
                else index.lesson_for_move([key], home)
            )
            if lesson is not None:
                lessons.append(lesson)
        stored = [
            StoredThread(
                t.key, t.terms, t.product, home if t.key == key else index.cluster_of(t.key)
            )
            for t in stored
        ]
        index = ClusterIndex.from_state(stored, lessons=lessons)
    later = rows[cut:]
    predicted = [index.cluster_of(str(r["external_id"])) for r in rows]
    gold = [str(r.get("label", r["external_id"])) for r in rows]
    after = {str(r["external_id"]) for r in later}
    mask = [str(r["external_id"]) in after for r in rows]
    return {
        "reports": len(rows),
        "fixes": used,
        "lessons": len(lessons),
        "learned_link": {
            str(p): round(learned_link([x for x in lessons if x.product == p]), 3)
            for p in {x.product for x in lessons}
        },
        "reports_after_window": len(later),
        **bcubed(predicted, gold, only=mask),
    }


def escalation_figures(alerts: Sequence[tuple[bool, bool]]) -> dict[str, Any]:
    """Precision and recall of escalation alerts over ``(alert raised, labelled true)``.

    Precision is None when no alert was raised, recall None when no row is labelled true.
    """
    raised = sum(p for p, _ in alerts)
    real = sum(g for _, g in alerts)
    hits = sum(p and g for p, g in alerts)
    return {
        "escalation_rows": len(alerts),
        "escalation_alerts": raised,
        "escalation_true": real,
        "escalation_precision": round(hits / raised, 3) if raised else None,
        "escalation_recall": round(hits / real, 3) if real else None,
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Command line: ``duplicates|clusters --data FILE [--baseline tfidf]``; prints figures
    as the last line."""
    parser = argparse.ArgumentParser(prog="triage_eval", description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=("duplicates", "clusters", "replay"))
    parser.add_argument("--data", required=True, help="JSON Lines file of labelled reports")
    parser.add_argument(
        "--fixes",
        type=int,
        default=20,
        help="replay only: how many misplacements the simulated manager fixes",
    )
    parser.add_argument(
        "--window",
        type=float,
        default=0.3,
        help="replay only: the share of reports, in time order, the manager works on",
    )
    parser.add_argument(
        "--no-learning",
        action="store_true",
        help="replay only: the manager's fixes teach the engine nothing (the comparison)",
    )
    parser.add_argument(
        "--baseline",
        choices=("tfidf",),
        help="duplicates only: rank with plain TF-IDF instead of the engine",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="clusters only: a ClusterIndex option for a sweep, e.g. link_threshold=0.35",
    )
    args = parser.parse_args(argv)
    if args.baseline and args.task != "duplicates":
        parser.error("--baseline applies to duplicates only")
    try:
        options = {k: float(v) for k, v in (item.split("=", 1) for item in args.set)}
    except ValueError:
        parser.error("--set takes NAME=NUMBER")
    rows = read_jsonl(args.data)
    if args.task == "duplicates":
        result = run_duplicates(rows, baseline=args.baseline)
    elif args.task == "replay":
        result = run_replay(rows, args.fixes, learn=not args.no_learning, window=args.window)
    else:
        result = run_clusters(rows, **options)
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
