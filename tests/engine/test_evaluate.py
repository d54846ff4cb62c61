from triage.engine.evaluate import bcubed, confusion, retrieval_metrics, run_clusters


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
