import pytest

from triage.engine import ClusterIndex, StoredThread, analyse
from triage.engine.similarity import SimilarityIndex


def add(index, key, title, body, product="rn13pro"):
    a = analyse(title, body)
    return index.add(key, a.terms, product, title)


def test_indonesian_and_english_reports_of_one_symptom_land_together():
    index = ClusterIndex()
    add(index, "id1", "HP panas banget pas ngecas", "baru cas bentar udah panas bgt, takut meledak")
    add(index, "x1", "Baterai boros", "baterai cepat habis sejak update")
    second = add(
        index,
        "en1",
        "Phone overheating while charging",
        "gets very hot when charging, afraid it will explode",
    )
    assert second.cluster == index.cluster_of("id1")
    assert index.cluster_of("x1") != index.cluster_of("id1")


def test_two_problems_on_one_product_stay_apart():
    index = ClusterIndex()
    add(index, "a1", "Sinyal hilang setelah update", "sinyal 4G hilang terus, gak bisa telpon")
    add(index, "a2", "sinyal ilang", "habis update sinyal sering hilang, no service")
    add(index, "b1", "Kamera blur", "kamera belakang blur, gak bisa fokus")
    add(index, "b2", "kamera burem", "foto pakai kamera belakang burem dan tidak fokus")
    index.consolidate()
    assert index.cluster_of("a1") == index.cluster_of("a2")
    assert index.cluster_of("b1") == index.cluster_of("b2")
    assert index.cluster_of("a1") != index.cluster_of("b1")


def test_clusters_are_per_product():
    index = ClusterIndex()
    add(index, "p1", "bootloop setelah update", "stuck di logo", product="rn13pro")
    second = add(index, "p2", "bootloop setelah update", "stuck di logo", product="x6pro")
    assert second.created
    assert index.cluster_of("p1") != index.cluster_of("p2")


def test_assigning_twice_changes_nothing():
    index = ClusterIndex()
    first = add(index, "t1", "layar bergaris hijau", "muncul garis hijau di layar")
    again = add(index, "t1", "layar bergaris hijau", "muncul garis hijau di layar")
    assert again.cluster == first.cluster and not again.created


def test_race_between_two_workers_is_repaired_by_the_batch_pass():
    # Two workers each opened a cluster for the same problem before seeing the other.
    terms_a = analyse("baterai kembung", "baterai menggembung sampai casing terangkat").terms
    terms_b = analyse("baterai kembung!!", "baterai gembung, casing terangkat").terms
    index = ClusterIndex.from_state(
        [
            StoredThread("a", terms_a, "rn13pro", cluster="a"),
            StoredThread("b", terms_b, "rn13pro", cluster="b"),
        ]
    )
    assert index.cluster_of("a") != index.cluster_of("b")
    result = index.consolidate()
    assert result.merges
    assert index.cluster_of("a") == index.cluster_of("b")


def test_state_rebuilt_from_stored_threads_answers_like_the_original():
    index = ClusterIndex()
    texts = {
        "1": ("wifi putus putus", "wifi sering disconnect sendiri"),
        "2": ("wifi disconnect", "wifi keeps disconnecting after update"),
        "3": ("speaker pecah", "suara speaker pecah kalau volume full"),
    }
    stored = []
    for key, (title, body) in texts.items():
        a = analyse(title, body)
        assignment = add(index, key, title, body)
        stored.append(StoredThread(key, a.terms, "rn13pro", assignment.cluster, title))
    rebuilt = ClusterIndex.from_state(stored)
    assert rebuilt.clusters == index.clusters
    query = analyse("wifi sering putus", "").terms
    assert [k for k, _ in rebuilt.similar(query, k=2, product="rn13pro")] == [
        k for k, _ in index.similar(query, k=2, product="rn13pro")
    ]


def test_similar_threads_rank_the_duplicate_first():
    index = ClusterIndex()
    add(index, "d1", "Layar ghost touch", "layar sentuh sendiri, ngetik sendiri")
    add(index, "d2", "Baterai boros", "baterai cepat habis")
    add(index, "d3", "Sinyal hilang", "sinyal ilang terus")
    ranked = index.similar(analyse("ghost touch di layar", "").terms, k=3, product="rn13pro")
    assert ranked[0][0] == "d1"


def test_cluster_label_names_distinctive_terms_and_a_title():
    index = ClusterIndex()
    add(index, "g1", "Garis hijau di layar", "muncul garis hijau vertikal di layar")
    add(index, "g2", "layar ada garis hijau", "garis hijau di layar setelah update")
    label = index.label(index.cluster_of("g1"))
    assert "hijau" in label.terms
    assert label.title in {"Garis hijau di layar", "layar ada garis hijau"}
    assert "green_line" in label.concepts


def test_a_thread_close_to_everything_ranks_below_a_specific_match():
    index = SimilarityIndex()
    index.add("hub", {"w:wifi": 1, "w:putus": 1, "w:update": 1})
    index.add("specific", {"w:wifi": 1, "w:putus": 1, "w:router": 1})
    query = index.vectorize({"w:wifi": 1, "w:putus": 1, "w:update": 1, "w:router": 1})
    # Equal cosine; the hub is very close to ten other threads, the other one is not.
    index.set_neighbour_sims("hub", [0.9] * 10)
    index.set_neighbour_sims("specific", [0.1] * 10)
    assert [k for k, _ in index.similar(query, k=2)] == ["specific", "hub"]
    index.set_neighbour_sims("hub", [0.1] * 10)
    index.set_neighbour_sims("specific", [0.9] * 10)
    assert [k for k, _ in index.similar(query, k=2)] == ["hub", "specific"]


def test_similar_to_a_stored_thread_stays_in_its_product():
    index = ClusterIndex()
    add(index, "a", "sinyal hilang", "sinyal hilang terus", product="rn13pro")
    add(index, "b", "sinyal hilang", "sinyal hilang terus", product="x6pro")
    add(index, "c", "sinyal ilang", "sinyal hilang tiap malam", product="rn13pro")
    assert [k for k, _ in index.similar_to("a")] == ["c"]
    assert {k for k, _ in index.similar_to("a", any_product=True)} == {"b", "c"}


def test_exact_hubness_is_refreshed_only_for_small_products():
    index = SimilarityIndex()
    for n in range(3):
        index.add(f"a{n}", {"w:wifi": 1, "w:putus": 1}, product="small")
    for n in range(5):
        index.add(f"b{n}", {"w:wifi": 1, "w:putus": 1}, product="large")
    assert index.refresh_neighbours(max_rows=4) == 1
    assert index.neighbour_sims("a0")[:2] == pytest.approx([1.0, 1.0])
    assert index.neighbour_sims("b0") == [0.0] * 10


def _tracker(index):
    """A bug tracker's product: 120 unrelated reports, a family of template tasks that
    differ only in the version, and one real duplicate pair. Returns their texts."""
    reports = {f"u{i}": (f"Module{i} fails", f"word{i}a word{i}b word{i}c") for i in range(120)}
    for i, version in enumerate(("4.1.48", "4.1.50", "4.1.61", "4.1.68")):
        reports[f"f{i}"] = (f"Upgrade netty to {version}", "Upgrade netty to the latest release")
    reports["d1"] = ("Jetty crashes on startup with TLS", "jetty crash when ssl keystore set")
    reports["d2"] = ("Jetty startup crash when TLS enabled", "ssl keystore makes jetty crash")
    for key, (title, body) in reports.items():
        add(index, key, title, body, product="hadoop")
    return reports


def test_a_product_of_mostly_unique_reports_clusters_mutual_nearest_pairs():
    index = ClusterIndex()
    _tracker(index)
    index.consolidate()
    assert "hadoop" in index.sparse
    # The template family grew into one cluster online; the batch pass undoes that, and
    # as no member is clearly closer to one other than to the rest, none pairs.
    assert max(len(members) for members in index.clusters.values()) == 2
    assert len({index.cluster_of(f"f{i}") for i in range(4)}) == 4
    assert index.cluster_of("d1") == index.cluster_of("d2")


def test_a_product_where_fans_pile_on_keeps_growing_clusters():
    index = ClusterIndex()
    symptoms = [
        ("layar muncul garis hijau", "garis hijau di layar setelah update"),
        ("baterai boros banget", "baterai cepat habis padahal jarang dipakai"),
        ("sinyal hilang terus", "sinyal 4G hilang, gak bisa telpon"),
    ]
    fillers = ["tolong", "gimana ini", "min", "sudah restart", "udah 2 hari", "parah"]
    for i in range(120):
        title, body = symptoms[i % 3]
        add(index, f"p{i}", title, f"{body} {fillers[i % 6]} {fillers[(i // 6) % 6]}")
    index.consolidate()
    assert "rn13pro" not in index.sparse
    assert max(len(members) for members in index.clusters.values()) >= 30


def test_online_in_a_sparse_product_a_report_only_pairs_with_a_lone_mutual_neighbour():
    built = ClusterIndex()
    reports = _tracker(built)
    built.consolidate()
    index = ClusterIndex.from_state(
        StoredThread(key, analyse(*reports[key]).terms, "hadoop", cluster=cluster)
        for cluster, members in built.clusters.items()
        for key in members
    )
    assert index.sparse == {"hadoop"}
    # d1 and d2 are a pair already: a third report of the same crash opens its own cluster.
    third = add(
        index, "d3", "Jetty crashes on startup with TLS", "jetty crash ssl keystore", "hadoop"
    )
    assert third.created
    # u7 is alone and the new report is the closest thing to it: they pair.
    twin = add(index, "u7b", "Module7 fails", "word7a word7b word7c again", product="hadoop")
    assert twin.cluster == index.cluster_of("u7") and not twin.created


def test_a_managers_merge_teaches_the_engine_for_later_threads_of_that_product():
    from triage.engine import Lesson, learned_link
    from triage.engine.clustering import LINK_FLOOR, LINK_THRESHOLD

    texts = {
        "a": ("hp ngelek parah", "ngelek pas buka aplikasi"),
        "b": ("hp lemot", "lemot banget buka aplikasi"),
        "c": ("sinyal hilang", "sinyal hilang no service"),
    }
    terms = {k: analyse(*t).terms for k, t in texts.items()}
    index = ClusterIndex(threshold=0.9, link_threshold=0.9)  # every thread alone at first
    for key in texts:
        index.add(key, terms[key], "rn13pro", texts[key][0])
    assert index.cluster_of("a") != index.cluster_of("b")

    lesson = index.lesson_for_merge(index.cluster_of("b"), index.cluster_of("a"))
    assert lesson is not None and lesson.product == "rn13pro"
    assert [{t.a, t.b} for t in lesson.ties] == [{"lemot", "ngelek"}]
    assert 0 < lesson.joined_at < 0.9
    assert learned_link([lesson], 0.9) < 0.9
    assert learned_link([Lesson("p", joined_at=0.0)] * 10) == LINK_FLOOR
    assert learned_link([]) == LINK_THRESHOLD

    # Rebuilt with the lesson, a new "ngelek" report finds the "lemot" one.
    stored = [StoredThread(k, terms[k], "rn13pro", k) for k in texts]
    taught = ClusterIndex.from_state(stored, lessons=[lesson])
    untaught = ClusterIndex.from_state(stored)
    draft = analyse("ngelek terus", "ngelek").terms
    assert dict(taught.similar(draft, product="rn13pro")).get("b", 0) > dict(
        untaught.similar(draft, product="rn13pro")
    ).get("b", 0)
    # Another product learns nothing from it.
    assert taught._tied(draft, "a55") == draft


def test_separating_threads_raises_the_products_link_threshold():
    from triage.engine import Lesson, learned_link
    from triage.engine.clustering import LINK_CEILING

    assert learned_link([Lesson("p", apart_at=0.35)], 0.3) > 0.35
    assert learned_link([Lesson("p", apart_at=0.9)] * 5, 0.3) == LINK_CEILING
    assert learned_link([Lesson("p", apart_at=0.1)], 0.3) == 0.3  # already apart
