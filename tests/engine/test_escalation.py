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
    assert any(r.startswith("waiting:") for r in risk.reasons)


def test_naming_an_app_is_not_going_public():
    for title, body in [
        ("baterai boros", "padahal cuma nonton youtube sama buka IG doang"),
        ("foto buram", "kirim foto lewat media wa jadi pecah"),
        ("Battery drain", "only using instagram and facebook, lag parah"),
    ]:
        assert not analyse(title, body).escalation.alert, body


def test_a_social_network_with_a_verb_of_publishing_is_a_threat_to_go_public():
    risk = analyse("bootloop", "kalau tidak dibantu saya posting ke twitter").escalation
    assert risk.alert and any(r.startswith("public:") for r in risk.reasons)
    assert analyse("Kamera mati", "viralkan aja min biar didengar").escalation.alert


def test_tone_alone_ranks_but_does_not_alert():
    angry = analyse("KECEWA BANGET!!!", "hp sampah, nyesel beli, payah").escalation
    assert not angry.alert and angry.score > 0.3
    assert not analyse("lag parah", "lag parah banget pas main game").escalation.alert
    # A symptom described as "parah" is not anger.
    assert analyse("lag parah", "").escalation.score == 0


def test_lasting_silence_or_a_refused_refund_alerts():
    assert analyse("tolong", "sudah 3 hari tidak ada respon dari cs").escalation.alert
    assert analyse("cs", "minta refund tapi tidak dibalas").escalation.alert
    assert not analyse("cs", "tidak ada respon").escalation.alert  # no duration yet
    assert analyse("hp meledak", "saya lapor ke YLKI").escalation.alert


def test_a_title_repeated_in_the_body_counts_once():
    once = analyse("kecewa", "").escalation.score
    assert analyse("kecewa", "kecewa").escalation.score == once
