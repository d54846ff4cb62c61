import pytest

from triage.engine import analyse


@pytest.mark.parametrize(
    ("title", "body", "level"),
    [
        ("baterai kembung", "casing belakang sampai terangkat", "critical"),
        ("Battery swelling", "the back cover is lifting", "critical"),
        ("hp panas bgt pas ngecas", "", "critical"),
        ("stuck di logo", "bootloop terus habis update", "critical"),
        ("foto hilang semua", "setelah update galeri kosong", "critical"),
        ("sinyal ilang terus", "gak bisa telpon", "major"),
        ("Camera app won't open", "black screen when I open the camera", "major"),
        ("gak bisa ngecas", "dicolok charger tidak mengisi", "major"),
        ("baterai boros", "sehari harus cas 3x", "minor"),
        ("lag pas main ml", "patah patah", "minor"),
        ("saran: tambah fitur dual app", "", "suggestion"),
        ("Feature request", "please add an option to hide the notch", "suggestion"),
    ],
)
def test_severity_levels(title, body, level):
    assert analyse(title, body).severity.level == level


def test_negated_symptom_does_not_count():
    decision = analyse("hp tidak panas kok", "cuma baterai boros").severity
    assert decision.level == "minor"
    assert any("negated" in r for r in decision.reasons)


def test_is_it_normal_question_is_not_a_critical_report():
    question = "Is it normal that the phone gets hot while gaming?"
    assert analyse(question, "").severity.level == "minor"
    assert analyse("apakah normal hp panas saat main game?", "").severity.level == "minor"


def test_reasons_name_the_deciding_words():
    reasons = analyse("baterai kembung", "").severity.reasons
    assert "kembung" in reasons[0] and "battery_swelling" in reasons[0]


def test_unknown_problem_defaults_to_minor_with_a_reason():
    decision = analyse("aneh", "ada yang aneh").severity
    assert decision.level == "minor"
    assert "default" in decision.reasons[0]


def test_the_game_free_fire_is_not_a_fire():
    assert analyse("Free Fire force close terus", "").severity.level == "minor"


def test_hedge_needs_a_question_not_just_the_word_normal():
    body = "telpon biasa tidak bisa, normal lagi setelah restart"
    assert analyse("sinyal hilang", body).severity.level == "major"


def test_not_only_is_not_a_negation():
    assert analyse("hp bukan cuma panas", "tapi juga bau hangus").severity.level == "critical"
    assert analyse("not just hot", "").severity.level == "critical"


def test_a_part_with_a_symptom_beside_it_is_that_part_degraded():
    from triage.engine import analyse

    crackle = analyse("speaker kresek", "suara speaker kresek kresek")
    broken = analyse("speaker rusak", "speaker rusak")
    assert "#audio" in {t[2:] for t in crackle.terms} & {t[2:] for t in broken.terms}
    # The generic word yields to the part and adds no feature of its own.
    assert not any("broken" in t for t in broken.terms)
    assert broken.severity.level == "minor"  # audio is not a core function


def test_the_scale_ranks_worse_higher():
    from triage.engine import SEVERITIES, severity_rank

    assert SEVERITIES == ("critical", "major", "minor", "suggestion")
    assert [severity_rank(level) for level in SEVERITIES] == [3, 2, 1, 0]


def test_a_cluster_takes_the_worst_level_a_quarter_of_its_threads_hold():
    from triage.engine import cluster_severity

    assert cluster_severity({"minor": 6, "critical": 2}, 8) == ("critical", 2)
    assert cluster_severity({"minor": 7, "critical": 1, "major": 2}, 10) == ("minor", 7)
    assert cluster_severity({"critical": 1}, 1) == ("critical", 1)
    assert cluster_severity({}, 0) == ("minor", 0)
