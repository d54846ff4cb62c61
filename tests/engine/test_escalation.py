from triage.engine import analyse


def test_calm_question_has_low_risk():
    assert analyse("cara ganti wallpaper?", "mohon infonya").escalation.score < 0.2


def test_unanswered_followups_and_media_threat_raise_risk():
    risk = analyse(
        "udah 3 hari gak ada respon!!!",
        "kecewa banget, kalau gak ada solusi saya viralkan di twitter dan lapor ylki",
    ).escalation
    assert risk.score > 0.9
    categories = {r.split(":")[0] for r in risk.reasons}
    assert {"anger", "unanswered", "public", "legal"} <= categories


def test_safety_words_raise_risk():
    calm = analyse("wallpaper hilang", "").escalation.score
    burning = analyse("hp berasap dan bau hangus", "").escalation
    assert burning.score > calm
    assert any(r.startswith("safety") for r in burning.reasons)


def test_waiting_days_for_an_answer_is_a_follow_up_signal():
    risk = analyse("masih nunggu", "udah 3 hari nunggu jawaban").escalation
    assert any(r.startswith("unanswered: waiting") for r in risk.reasons)
