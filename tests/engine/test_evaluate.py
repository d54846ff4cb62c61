from triage.engine.evaluate import (
    bcubed,
    confusion,
    escalation_figures,
    retrieval_metrics,
    run_clusters,
    run_duplicates,
    run_replay,
)


def test_retrieval_metrics_on_a_hand_computed_case():
    figures = retrieval_metrics(
        [
            (["a", "b", "c"], {"a"}),  # first at rank 1
            (["x", "y", "z"], {"y", "z"}),  # ranks 2 and 3
        ]
    )
    assert figures["queries"] == 2
    assert figures["R1"] == 50.0 and figures["R5"] == 100.0
    assert figures["MRR"] == 75.0
    # AP: 1.0 and (1/2 + 2/3) / 2 = 0.5833
    assert figures["MAP"] == 79.2


def test_relevant_items_missing_from_the_ranking_take_one_position_each():
    # "x" is ranked first; "b" and "c" are not ranked at all. Tied one past the end (the
    # old rule) their precisions were 2/2 and 3/2, so AP was (1 + 1 + 1.5) / 3 = 116.7%.
    assert retrieval_metrics([(["x"], {"x", "b", "c"})])["MAP"] == 100.0
    # After two non-relevant ids, the missing ones sit at 3 and 4: (1/3 + 2/4) / 2.
    figures = retrieval_metrics([(["p", "q"], {"a", "b"})])
    assert figures["MAP"] == 41.7
    assert figures["MRR"] == 33.3 and figures["R1"] == 0.0 and figures["R5"] == 100.0


def test_bcubed_of_perfect_and_all_singletons():
    gold = ["a", "a", "b"]
    assert bcubed(["x", "x", "y"], gold)["bcubed_f1"] == 1.0
    alone = bcubed(["1", "2", "3"], gold)
    assert alone["bcubed_precision"] == 1.0
    assert round(alone["bcubed_recall"], 3) == round((0.5 + 0.5 + 1) / 3, 3)
    assert alone["multi_recall"] == 0.5


def test_confusion_matrix_counts_by_gold_then_predicted():
    m = confusion(["minor", "critical"], ["minor", "major"])
    assert m["minor"]["minor"] == 1 and m["major"]["critical"] == 1


def test_cluster_run_reports_product_and_severity_figures():
    rows = [
        {
            "external_id": "1",
            "title": "baterai kembung",
            "body": "casing terangkat",
            "product": "Poco X6 Pro",
            "label": "swell",
            "severity": "critical",
            "created_at": "2025-01-01T10:00:00",
        },
        {
            "external_id": "2",
            "title": "poco x6p baterai menggembung",
            "body": "casing terangkat",
            "product": "",
            "label": "swell",
            "severity": "critical",
            "created_at": "2025-01-01T11:00:00",
        },
        {
            "external_id": "3",
            "title": "saran: tambah fitur dual app",
            "body": "",
            "product": "Redmi Note 13 Pro",
            "label": "dual",
            "severity": "suggestion",
            "created_at": "2025-01-01T12:00:00",
        },
    ]
    figures = run_clusters(rows)
    assert figures["product_accuracy"] == 100.0
    assert figures["severity_accuracy"] == 100.0
    assert figures["labels"] == 2


def test_escalation_figures_count_alerts_against_labels():
    figures = escalation_figures([(True, True), (True, False), (False, True), (False, False)])
    assert figures["escalation_alerts"] == 2 and figures["escalation_true"] == 2
    assert figures["escalation_precision"] == 0.5 and figures["escalation_recall"] == 0.5
    silent = escalation_figures([(False, False)])
    assert silent["escalation_precision"] is None and silent["escalation_recall"] is None


def test_cluster_run_reports_escalation_only_for_rows_that_carry_it():
    rows = [
        {
            "external_id": "1",
            "title": "Layar bergaris hijau",
            "body": "muncul garis hijau di layar setelah update",
            "product": "Poco X6 Pro",
            "label": "green",
            "escalation": False,
        },
        {
            "external_id": "2",
            "title": "Sudah 2 minggu tidak ada respon",
            "body": "saya lapor ke YLKI dan pengacara, ini penipuan!!!",
            "product": "Poco X6 Pro",
            "label": "ignored",
            "escalation": True,
        },
        {"external_id": "3", "title": "baterai boros", "body": "cepat habis", "label": "x"},
    ]
    figures = run_clusters(rows)
    assert figures["escalation_rows"] == 2
    assert figures["escalation_precision"] == 1.0 and figures["escalation_recall"] == 1.0
    assert "escalation_rows" not in run_clusters(rows[2:])


def test_tfidf_baseline_ranks_the_report_sharing_the_most_words_first():
    rows = [
        {"external_id": "a", "title": "NameNode crash", "body": "namenode crashes on restart",
         "duplicates": ["b"]},
        {"external_id": "b", "title": "Crash of NameNode", "body": "namenode restart crashes",
         "duplicates": ["a"]},
        {"external_id": "c", "title": "Upgrade jackson", "body": "bump jackson-databind"},
    ]  # fmt: skip
    figures = run_duplicates(rows, baseline="tfidf")
    assert figures["queries"] == 2 and figures["R1"] == 100.0 and figures["MAP"] == 100.0


def test_replay_fixes_misplacements_and_measures_the_reports_after_them():
    rows = [
        {"external_id": f"a{i}", "title": t, "body": b, "product": "RN13", "label": lab,
         "created_at": f"2025-01-{i + 1:02d}T10:00:00"}
        for i, (t, b, lab) in enumerate([
            ("hp ngelek", "ngelek pas buka aplikasi", "lag"),
            ("hp lemot", "lemot banget buka aplikasi", "lag"),
            ("sinyal hilang", "sinyal hilang no service", "signal"),
            ("ngelek lagi", "ngelek parah", "lag"),
            ("lemot lagi", "lemot parah pas buka aplikasi", "lag"),
        ])
    ]  # fmt: skip
    taught = run_replay(rows, fixes=5, window=0.5)
    alone = run_replay(rows, fixes=5, window=0.5, learn=False)
    assert taught["fixes"] == alone["fixes"] >= 1
    assert taught["lessons"] >= 1 and alone["lessons"] == 0
    assert taught["reports_after_window"] == alone["reports_after_window"] == 3
    assert taught["bcubed_recall"] >= alone["bcubed_recall"]
    untouched = run_replay(rows, fixes=0)
    assert untouched["fixes"] == 0 and 0 < untouched["bcubed_recall"] <= 1
