"""Build devset-prdect.jsonl from prdect-id.csv and the hand labels in prdect-labels.tsv.

    .venv/bin/python bench/data/build_prdect.py --csv /work/shared/data/prdect-id.csv

The CSV is not copied into the repository (it is shared data); the labels are. Each
labelled review becomes one row of the shape ``triage_eval`` and ``import_threads`` read.
How titles, dates and products are made is explained in LABELLING.md and README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Product groups: one key a group of similar products, named so that no review's text
# names a group (the engine would otherwise move a review to the group its text names).
GROUPS = {
    "cable": "PRDECT Kabel Data",
    "charger": "PRDECT Charger dan Adaptor",
    "powerbank": "PRDECT Power Bank",
    "audio-ear": "PRDECT Earphone dan Headset",
    "speaker": "PRDECT Speaker dan Audio Player",
    "phone-line": "PRDECT Telepon dan HT",
    "phone": "PRDECT HP dan Tablet",
    "watch": "PRDECT Smartwatch",
    "phone-acc": "PRDECT Aksesori HP",
    "lcd": "PRDECT LCD Pengganti",
    "tripod": "PRDECT Tripod dan Mount",
    "studio": "PRDECT Ring Light dan Studio Box",
    "camera": "PRDECT Kamera dan Gimbal",
    "drone": "PRDECT Drone",
    "mic": "PRDECT Mikrofon",
    "mouse-kb": "PRDECT Mouse dan Keyboard",
    "webcam": "PRDECT Webcam",
    "storage": "PRDECT Memori dan Storage",
    "laptop": "PRDECT Laptop dan Monitor",
    "laptop-acc": "PRDECT Aksesori Laptop",
    "network": "PRDECT Modem dan Jaringan",
    "gamepad": "PRDECT Gamepad dan Stik",
    "console": "PRDECT Konsol Game",
    "lamp": "PRDECT Lampu dan Senter",
    "home": "PRDECT Elektronik Rumah Tangga",
    "smarthome": "PRDECT CCTV dan Smart Home",
    "tv": "PRDECT TV dan Media Player",
    "printer": "PRDECT Printer dan Mesin Kasir",
}
SEVERITIES = {"critical", "major", "minor", "suggestion"}
TITLE_WORDS = 10
CLAUSE_END = re.compile(r"[.,;:!?]+$")
# Synthetic dates: reviews carry none; spread over 90 days in a fixed random order.
START = datetime(2025, 1, 1)
SPREAD_SECONDS = 90 * 24 * 3600
SEED = 13


def split_title(text: str) -> tuple[str, str]:
    """Title and body from a review, which has no title.

    The first clause (2 to 10 words, up to ``.,;:!?``) is the title and the rest the
    body, so its words are not counted twice. A review with no clause end in its first
    ten words keeps its whole text as the body and its first ten words (or all) as the
    title: a cut inside a clause would split phrases ("gak bisa | di pakai").
    """
    words = list(re.finditer(r"\S+", text))
    for i, word in enumerate(words[:TITLE_WORDS], start=1):
        if i >= 2 and CLAUSE_END.search(word.group()) and i < len(words):
            title = CLAUSE_END.sub("", text[: word.end()]).strip()
            return title[:150], text[words[i].start() :]
    head = text[: words[min(TITLE_WORDS, len(words)) - 1].end()]
    return (CLAUSE_END.sub("", head).strip() or head)[:150], text


def read_labels(path: Path) -> dict[int, tuple[str, str, str, bool]]:
    """Labelled rows: ``{csv row: (group, problem, severity, escalation)}``; skips left out."""
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[1] == "-":
            continue
        row, group, problem, severity, escalation = fields
        if group not in GROUPS or severity not in SEVERITIES or escalation not in ("0", "1"):
            raise ValueError(f"bad label line: {line!r}")
        labels[int(row)] = (group, problem, severity, escalation == "1")
    return labels


def build(csv_path: Path, labels_path: Path) -> list[dict]:
    """The dev-set rows, in the order of the CSV."""
    with open(csv_path, encoding="utf-8", newline="") as f:
        reviews = list(csv.DictReader(f, delimiter=";"))
    labels = read_labels(labels_path)
    order = sorted(labels)
    rng = random.Random(SEED)
    offsets = sorted(rng.randrange(SPREAD_SECONDS) for _ in order)
    rng.shuffle(offsets)
    rows = []
    for row, offset in zip(order, offsets, strict=True):
        group, problem, severity, escalation = labels[row]
        review = reviews[row]
        title, body = split_title(review["Customer Review"].strip())
        rows.append(
            {
                "external_id": f"prdect-{row}",
                "title": title,
                "body": body,
                "product": GROUPS[group],
                "firmware": "",
                "created_at": (START + timedelta(seconds=offset)).isoformat(),
                "label": f"{group}-{problem}",
                "severity": severity,
                "escalation": escalation,
                "source_product": review["Product Name"],
                "rating": int(review["Customer Rating"]),
            }
        )
    members = defaultdict(list)
    for r in rows:
        members[r["label"]].append(r["external_id"])
    for r in rows:
        r["duplicates"] = [k for k in members[r["label"]] if k != r["external_id"]]
    return rows


def main() -> None:
    """Command line: write the JSON Lines file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", required=True, help="path of prdect-id.csv")
    parser.add_argument("--labels", default=str(HERE / "prdect-labels.tsv"))
    parser.add_argument("--out", default=str(HERE / "devset-prdect.jsonl"))
    args = parser.parse_args()
    rows = build(Path(args.csv), Path(args.labels))
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows, {len({r['label'] for r in rows})} labels -> {args.out}")


if __name__ == "__main__":
    main()
