"""The demo corpus: deterministic, labelled consistently, in the import_threads shape."""

import json
from collections import Counter
from datetime import datetime

from demo import corpus as demo_corpus
from demo.catalog import BY_SLUG, CATALOG, firmware_for
from triage.engine import SEVERITIES

IMPORT_FIELDS = {
    "external_id",
    "title",
    "body",
    "product",
    "firmware",
    "kind",
    "author",
    "created_at",
}
LABEL_FIELDS = {"label", "duplicates", "severity", "lang"}


def test_same_seed_gives_the_same_reports_and_another_seed_does_not():
    first = demo_corpus.generate(300, seed=3)
    assert demo_corpus.generate(300, seed=3) == first
    assert demo_corpus.generate(300, seed=4) != first


def test_reports_have_the_import_shape_plus_labels():
    reports = demo_corpus.generate(500, seed=1)
    assert len(reports) == 500
    for report in reports:
        assert set(report) == IMPORT_FIELDS | LABEL_FIELDS
        assert report["title"].strip() and report["body"].strip()
        assert report["severity"] in SEVERITIES
        assert report["kind"] in demo_corpus.KINDS
        assert datetime.fromisoformat(report["created_at"]).tzinfo is not None
    assert len({r["external_id"] for r in reports}) == 500


def test_reports_are_oldest_first_and_spread_over_weeks():
    reports = demo_corpus.generate(1000, seed=2)
    times = [datetime.fromisoformat(r["created_at"]) for r in reports]
    assert times == sorted(times)
    assert (times[-1] - times[0]).days >= 28


def test_duplicates_are_exactly_the_other_reports_with_the_same_label():
    reports = demo_corpus.generate(2000, seed=5)
    by_label: dict[str, list[str]] = {}
    for r in reports:
        by_label.setdefault(r["label"], []).append(r["external_id"])
    labels = {r["external_id"]: r["label"] for r in reports}
    for r in reports:
        group = by_label[r["label"]]
        assert r["external_id"] not in r["duplicates"]
        assert len(r["duplicates"]) == min(len(group) - 1, demo_corpus.MAX_DUPLICATES)
        assert all(labels[d] == r["label"] for d in r["duplicates"])


def test_the_mix_has_outbreaks_a_long_tail_and_both_languages():
    reports = demo_corpus.generate(3000, seed=0)
    sizes = Counter(Counter(r["label"] for r in reports).values())
    assert max(Counter(r["label"] for r in reports).values()) >= 30  # a real outbreak
    assert sizes[1] >= 100  # and many one-off reports
    langs = Counter(r["lang"] for r in reports)
    assert 0.55 < langs["id"] / len(reports) < 0.8
    assert set(Counter(r["severity"] for r in reports)) == set(SEVERITIES)


def test_an_empty_product_field_is_still_named_in_the_text():
    reports = demo_corpus.generate(1500, seed=9)
    empty = [r for r in reports if not r["product"]]
    assert len(empty) > 100
    for r in empty:
        slug = r["label"].split(":")[2 if r["label"].startswith("tail:") else 1]
        product = BY_SLUG[slug]
        names = [product.marketing_name, *product.aliases]
        text = f"{r['title']} {r['body']}".lower()
        assert any(name.lower() in text for name in names), (r["title"], r["body"])


def test_product_field_is_a_catalog_name_or_alias():
    known = {p.marketing_name for p in CATALOG} | {a for p in CATALOG for a in p.aliases}
    for r in demo_corpus.generate(800, seed=4):
        assert r["product"] == "" or r["product"] in known


def test_firmware_strings_follow_each_makers_format():
    import random
    import re

    rng = random.Random(0)
    patterns = {
        "hyperos": r"OS[12]\.0\.\d+\.0\.[UV][A-Z]{2}IDXM",
        "oneui": r"[AS]\d{3}[A-Z]XXU\d[A-C][WXYZ][A-L]\d",
        "coloros": r"CPH\d{4}_11\.[A-F]\.\d{2}",
        "realmeui": r"RMX\d{4}_11\.[A-F]\.\d{2}",
        "funtouch": r"PD\d{4}F_EX_A_1[45]\.\d+\.\d+\.\d\.W\d0",
        "xos": r"X\d{4}[A-Z]?-H\d{3}ABC-U-GL-\d{6}V\d{4}",
        "ios": r"iOS 1[78](\.\d(\.\d)?)?",
    }
    for product in CATALOG:
        for _ in range(5):
            assert re.fullmatch(patterns[product.os_family], firmware_for(product, rng))


def test_replies_are_deterministic_and_in_the_reports_language():
    report = next(r for r in demo_corpus.generate(200, seed=1) if r["lang"] == "en")
    first = demo_corpus.replies(report, 5, seed=1)
    assert first == demo_corpus.replies(report, 5, seed=1)
    assert len(first) == 5 and all(text.strip() for text in first)
    assert all(text in _english_pool(report) for text in first)


def _english_pool(report):
    # English replies are not informalised, so each one is a filled template.
    return {
        demo_corpus._fill(t, {"hp": hp, "fw": report["firmware"] or "versi terbaru"})
        for t in demo_corpus.REPLIES_EN
        + tuple(s for sc in demo_corpus.MAIN_SCENARIOS for s in sc.tips_en)
        for hp in _names(report)
    }


def _names(report):
    slug = report["label"].split(":")[2 if report["label"].startswith("tail:") else 1]
    p = BY_SLUG[slug]
    names = [p.marketing_name, f"{p.brand} {p.marketing_name}", *p.aliases, "my phone"]
    return {v for n in names for v in (n, n.lower(), n.upper())}


def test_cli_writes_json_lines(tmp_path):
    out = tmp_path / "reports.jsonl"
    assert demo_corpus.main(["--threads", "50", "--seed", "2", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 50
    assert [json.loads(line) for line in lines] == demo_corpus.generate(50, seed=2)
