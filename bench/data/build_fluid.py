"""Build dup-fluid-*.jsonl from the Fluid Project's archive of its JIRA issues.

    git --git-dir=FLUID_ARCHIVE_GIT_DIR archive HEAD src/issues | tar -x -C /tmp/fluid
    .venv/bin/python bench/data/build_fluid.py --issues /tmp/fluid/src/issues \\
        --start 2008-01-01 --end 2009-07-01 --out bench/data/dup-fluid-2008.jsonl

The archive (github.com/fluid-project/jira-to-11ty, BSD-3-Clause, copyright the Fluid
Project / OCAD University) holds one Markdown file per issue: a JSON front matter
(summary, dates, priority, environment, issue links) and the description as the body.
A row is every issue created in ``[start, end)``, plus the issues outside the window that
share a duplicate group with one inside it, so groups stay whole. ``duplicates`` are the
issue links of type "Duplicate" (both directions, within the file); ``label`` is the
group of the duplicate graph (``c`` + its smallest key; an issue without duplicates is
its own group), as in dup-hadoop.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, datetime
from pathlib import Path

FRONT_MATTER = re.compile(r"---json\n(.*?)\n---\n(.*)", re.S)


def read_issues(folder: Path) -> dict[str, tuple[dict, str]]:
    """Front matter and description of every issue file, by issue key."""
    issues = {}
    for path in sorted(folder.glob("*.md")):
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if match:
            meta = json.loads(match.group(1))
            issues[meta["title"]] = (meta, match.group(2).strip())
    return issues


def duplicate_groups(issues: dict[str, tuple[dict, str]]) -> dict[str, str]:
    """Group key of every issue in a duplicate link (union-find over the links)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for key, (meta, _) in issues.items():
        for link in meta.get("issueLinks") or []:
            if link["type"] == "Duplicate" and link["key"] in issues:
                parent[find(key)] = find(link["key"])
    return {key: find(key) for key in parent}


def utc(stamp: str) -> str:
    """JIRA's ``2010-12-15T11:01:29.626-0500`` as UTC ``2010-12-15T16:01:29``."""
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def build(issues: dict[str, tuple[dict, str]], start: str, end: str) -> list[dict]:
    """Rows for the issues created in ``[start, end)`` and their duplicate groups."""
    groups = duplicate_groups(issues)
    members: dict[str, list[str]] = {}
    for key, root in groups.items():
        members.setdefault(root, []).append(key)
    chosen = {key for key, (meta, _) in issues.items() if start <= meta["date"][:10] < end}
    for key in list(chosen):
        chosen.update(members.get(groups.get(key, ""), ()))
    rows = []
    for key in sorted(chosen, key=lambda k: utc(issues[k][0]["date"])):
        meta, body = issues[key]
        if meta.get("environment"):
            body = f"{body}\n\nEnvironment: {meta['environment'].strip()}".strip()
        group = members.get(groups.get(key, ""), [key])
        duplicates = sorted(
            {
                link["key"]
                for link in meta.get("issueLinks") or []
                if link["type"] == "Duplicate" and link["key"] in chosen
            }
            | {
                other
                for other in group
                if other != key
                and any(
                    link["type"] == "Duplicate" and link["key"] == key
                    for link in issues[other][0].get("issueLinks") or []
                )
            }
        )
        rows.append(
            {
                "external_id": key,
                "title": meta["summary"],
                "body": body,
                "created_at": utc(meta["date"]),
                "priority": meta.get("priority"),
                "duplicates": duplicates,
                "label": "c" + min(group, key=lambda k: (k.split("-")[0], int(k.split("-")[1]))),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=Path, required=True, help="the archive's src/issues")
    parser.add_argument("--start", required=True, help="first creation date, YYYY-MM-DD")
    parser.add_argument("--end", required=True, help="creation date after the last")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = build(read_issues(args.issues), args.start, args.end)
    with args.out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    groups = {row["label"] for row in rows if row["duplicates"]}
    queries = sum(1 for row in rows if row["duplicates"])
    print(f"{len(rows)} reports, {queries} with duplicates, {len(groups)} groups of 2+")


if __name__ == "__main__":
    main()
