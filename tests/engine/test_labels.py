"""A cluster's keywords are its distinctive content words, not the way fans write."""

from triage.engine import ClusterIndex, analyse
from triage.engine.labels import keywords


def test_units_fillers_brands_and_contractions_are_not_keywords():
    candidates = [
        ("there's", 9.0, 1),
        ("menit", 8.0, 1),
        ("mi", 7.5, 1),
        ("ngaruh", 7.0, 1),
        ("47", 6.5, 1),
        ("wifi", 6.0, 1),
        ("5ghz", 5.0, 1),
        ("putus", 4.0, 1),
    ]
    assert keywords(candidates, members=1) == ["wifi", "5ghz", "putus"]


def test_in_a_larger_cluster_the_words_its_threads_share_come_first():
    candidates = [
        ("toggling", 9.0, 1),  # one thread's chatter, however rare the word
        ("wifi", 8.0, 5),
        ("putus", 6.0, 3),
        ("internet", 3.0, 2),
        ("router", 2.0, 2),
    ]
    assert keywords(candidates, members=5, n=3) == ["wifi", "putus", "internet"]
    # Too few shared words: the strongest others fill up to three.
    few = [("toggling", 9.0, 1), ("wifi", 8.0, 5), ("tws", 1.0, 1)]
    assert keywords(few, members=5) == ["wifi", "toggling", "tws"]


def test_a_cluster_label_names_the_problem():
    index = ClusterIndex()
    posts = [
        ("wifi putus terus", "wifi putus nyambung tiap 5 menit, ngaruh ke semua aplikasi"),
        ("Wifi keeps disconnecting", "there's no internet, wifi putus every few minutes"),
        ("wifi sering putus", "wifi putus sendiri, internet mati, udah restart router"),
    ]
    for i, (title, body) in enumerate(posts):
        index.add(f"t{i}", analyse(title, body).terms, "rn13pro", title)
    label = index.label(index.cluster_of("t0"))
    assert set(label.terms[:2]) == {"wifi", "putus"}
    assert not {"menit", "ngaruh", "there's", "keeps", "mi"} & set(label.terms)
    assert label.title in {title for title, _body in posts}
