"""import_threads: good lines land through create_thread, bad ones are reported by line."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from demo import corpus as demo_corpus
from forum.models import Thread
from forum.services import thread_created
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
BLNS = Path(settings.BASE_DIR) / "tests" / "data" / "blns.json"


@pytest.fixture
def catalog():
    call_command("seed_demo", "--threads", "0", stdout=StringIO())


def write(tmp_path, rows) -> Path:
    path = tmp_path / "threads.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_threads", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def row(n, **extra):
    return {"external_id": f"ext-{n}", "title": f"Judul {n}", "body": f"isi {n}", **extra}


def test_good_lines_are_imported_with_their_fields(tmp_path, catalog):
    fan = UserFactory(display_name="Dimas Pratama")
    path = write(tmp_path, [
        row(1, product="rn 13 PRO", firmware="OS1.0.3.0.UNFIDXM", kind="problem",
            author="Dimas Pratama", created_at="2026-10-01T20:15:00+07:00",
            source_url="https://example.com/t/1"),
        row(2, product="Galaxy A55 5G", kind="suggestion", author="someone on twitter"),
    ])  # fmt: skip
    out, err = run(path)
    assert err == ""
    assert "Imported 2 threads" in out
    first = Thread.objects.get(external_id="ext-1")
    assert first.product.slug == "redmi-note-13-pro"
    assert first.author == fan and first.firmware == "OS1.0.3.0.UNFIDXM"
    assert first.created_at.isoformat() == "2026-10-01T13:15:00+00:00"
    assert first.last_activity_at == first.created_at
    assert first.source_url == "https://example.com/t/1"
    second = Thread.objects.get(external_id="ext-2")
    assert second.author is None and second.external_author == "someone on twitter"
    assert second.kind == "suggestion" and second.product.slug == "galaxy-a55"


def test_bad_lines_are_reported_by_number_and_the_good_ones_kept(tmp_path, catalog):
    path = write(tmp_path, [
        row(1),
        "not json at all",
        row(3, product="Nokia 3310"),
        row(4, created_at="yesterday"),
        row(5, created_at="2026-13-40T10:00:00"),
        row(6, created_at="2999-01-01T00:00:00Z"),
        {"external_id": "ext-7", "title": "", "body": "x"},
        {"title": "no id", "body": "x"},
        row(9, kind="rant"),
        "[1, 2]",
        row(11, title="x" * 151),
        row(12, source_url="javascript:alert(1)"),
        row(13, title=5),
        row(14),
    ])  # fmt: skip
    out, err = run(path)
    reported = {int(line.split(":")[0].removeprefix("line ")) for line in err.splitlines()}
    assert reported == {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
    assert "line 3: unknown product 'Nokia 3310'" in err
    assert set(Thread.objects.values_list("external_id", flat=True)) == {"ext-1", "ext-14"}
    assert "Imported 2 threads" in out and "12 bad lines" in out


def test_importing_twice_imports_nothing_new(tmp_path, catalog):
    path = write(tmp_path, [row(1), row(2), row(1)])
    out, _ = run(path)
    assert "Imported 2 threads, skipped 1" in out
    out, _ = run(path)
    assert "Imported 0 threads, skipped 3" in out
    assert Thread.objects.count() == 2


def test_a_file_of_only_bad_lines_fails(tmp_path, catalog):
    with pytest.raises(CommandError):
        run(write(tmp_path, ["{", row(2, product="Nokia 3310")]))


def test_unknown_products_can_be_left_to_triage(tmp_path, catalog):
    path = write(tmp_path, [row(1, product="Nokia 3310"), {**row(2), "product": None}])
    run(path, "--unknown-product-empty")
    assert list(Thread.objects.values_list("product", flat=True)) == [None, None]


def test_every_imported_thread_goes_through_the_triage_hook(
    tmp_path, catalog, django_capture_on_commit_callbacks
):
    seen = []

    def receiver(sender, thread_id, **kwargs):
        seen.append(thread_id)

    thread_created.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(write(tmp_path, [row(1), row(2)]))
    finally:
        thread_created.disconnect(receiver)
    assert sorted(seen) == sorted(Thread.objects.values_list("id", flat=True))


def test_hostile_strings_are_stored_as_given(tmp_path, catalog):
    strings = [s for s in json.loads(BLNS.read_text(encoding="utf-8")) if s.strip()]
    rows = [
        {"external_id": f"blns-{i}", "title": s[:150], "body": s, "author": s[:100],
         "firmware": s[:80]}
        for i, s in enumerate(strings)
    ]  # fmt: skip
    out, err = run(write(tmp_path, rows))
    assert err == ""
    stored = {t.external_id: t for t in Thread.objects.all()}
    assert len(stored) == len(strings)
    for i, s in enumerate(strings):
        thread = stored[f"blns-{i}"]
        assert thread.body == s and thread.title == s[:150].strip()


def test_the_demo_corpus_imports_cleanly(tmp_path, catalog):
    reports = demo_corpus.generate(120, seed=11)
    out, err = run(write(tmp_path, reports))
    assert err == "" and "Imported 120 threads" in out
    named = [r for r in reports if r["product"]]
    with_product = Thread.objects.filter(product__isnull=False).count()
    assert with_product == len(named)


def test_a_custom_product_alias_resolves(tmp_path):
    ProductFactory(marketing_name="Nothing Phone (2a)", aliases="np2a\nnothing 2a")
    run(write(tmp_path, [row(1, product="NOTHING  2A")]))
    assert Thread.objects.get().product.marketing_name == "Nothing Phone (2a)"
