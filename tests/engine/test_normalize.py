from triage.engine.analysis import analyse
from triage.engine.normalize import english_lemma, normalize, parse_firmware


def test_slang_repeated_letters_and_emoji_are_folded():
    tokens = normalize("HP gw panasss bgt pas ngecas 😡 udh 2 hari").tokens
    assert tokens[:6] == ["hp", "saya", "panas", "banget", "pas", "cas"]
    assert "marah" in tokens
    assert "sudah" in tokens


def test_reduplication_and_accents():
    assert normalize("kadang2 sinyál ilang").tokens == ["kadang", "kadang", "sinyal", "hilang"]


def test_variable_parts_become_placeholders_and_keep_raw_values():
    n = normalize(
        "Setelah update OS1.0.3.0.UNFIDXM, IMEI 356789012345678, wa 0812-3456-7890 "
        "lihat https://example.com/x versi 2.1.3"
    )
    assert n.tokens.count("_firmware_") == 1
    assert {p.kind: p.value for p in n.params} == {
        "firmware": "OS1.0.3.0.UNFIDXM",
        "imei": "356789012345678",
        "phone": "0812-3456-7890",
        "url": "https://example.com/x",
        "version": "2.1.3",
    }


def test_two_builds_normalise_to_the_same_text():
    a = normalize("bootloop setelah update OS1.0.3.0.UNFIDXM").text
    b = normalize("bootloop setelah update OS2.0.5.0.VLQIDXM").text
    assert a == b


def test_hyperos_build_is_split_into_parts():
    fw = parse_firmware("OS2.0.5.0.VLQIDXM")
    assert fw is not None
    assert (fw.family, fw.version, fw.android, fw.region, fw.region_name) == (
        "hyperos",
        "2.0.5.0",
        "15",
        "ID",
        "Indonesia",
    )


def test_miui_and_samsung_builds_are_parsed():
    miui = parse_firmware("V14.0.4.0.TMFIDXM")
    assert miui is not None
    assert (miui.family, miui.version, miui.android) == ("miui", "14.0.4.0", "13")
    samsung = parse_firmware("A556EXXU1AXB1")
    assert samsung is not None
    assert (samsung.model, samsung.year, samsung.month) == ("A556E", 2024, 2)


def test_unknown_build_string_is_not_parsed():
    assert parse_firmware("build terbaru") is None


def test_hostile_input_does_not_break_normalisation():
    for text in [
        "",
        "\u200b\u200b",
        "<script>alert(1)</script>",
        "ﷺ" * 50,
        "🔥" * 100,
        "%s%s%n",
        "9" * 400,
    ]:
        normalize(text)


def test_english_domain_words_map_to_the_indonesian_word():
    assert normalize("battery drains, screen flicker").tokens[:2] == ["baterai", "boros"]


def test_game_names_stay_one_token():
    assert normalize("main free fire").tokens == ["main", "freefire"]


def test_firmware_from_the_form_is_parsed_and_kept_as_a_feature():
    from triage.engine import analyse

    a = analyse("bootloop", "stuck di logo", firmware="OS1.0.3.0.UNFIDXM")
    assert a.firmware[0].region == "ID"
    assert a.terms["w:=os1.0.3.0.unfidxm"] == 1.0
    assert a.terms["w:=os1.0"] == 1.0


def test_long_runs_are_normalised_in_linear_time():
    import time

    start = time.process_time()
    normalize("a." * 50_000 + " " + "1." * 50_000)
    # Quadratic patterns took over a minute on this input; linear ones well under a second.
    assert time.process_time() - start < 5


def test_stack_traces_keep_only_the_reporters_own_frames():
    n = normalize(
        "Crash: java.lang.IllegalStateException\n"
        "    at com.example.camera.PreviewFragment.onResume(PreviewFragment.kt:88)\n"
        "    at android.app.Fragment.performResume(Fragment.java:2500)\n"
        "    at java.lang.reflect.Method.invoke(Native Method)\n"
        "    at org.junit.runners.ParentRunner.run(ParentRunner.java:413)\n"
        '  File "/usr/lib/python3.11/json/decoder.py", line 337, in decode\n'
        '  File "/srv/app/camera/views.py", line 12, in upload\n'
    )
    words = set(n.tokens) | set(n.extra_tokens)
    # The app's frames stay (class, method, file), the runtime's and the runner's go.
    assert {"previewfragment", "onresume", "views", "upload"} <= words
    assert not {"performresume", "reflect", "invoke", "junit", "parentrunner", "decoder"} & words
    # The exception type is the reporter's evidence, not a frame: it stays.
    assert "illegalstateexception" in words


def test_affixed_and_colloquial_forms_meet_at_one_root():
    pairs = [
        ("sinyal terputus", "sinyal putus putus"),
        ("layar berkedip", "layarnya kedip kedip"),
        ("hp dimatiin sendiri", "hp matiin sendiri"),
        ("tidak bisa dinyalakan", "gabisa nyalain"),
        ("baterai cepat habis", "baterainya cepet abis"),
        ("wifi tidak nyambung", "wifi tidak tersambung"),
    ]
    for a, b in pairs:
        assert set(normalize(a).tokens) == set(normalize(b).tokens), (a, b)


def test_english_and_loanwords_are_not_stemmed_as_indonesian():
    # An Indonesian slang table would read "to" as "tapi" and "org" as "orang"; the stemmer
    # would cut "login" to "log" and "deleting" to "deting".
    text = "unable to login after deleting the plugin in org.apache"
    assert normalize(text).tokens == normalize(text.upper()).tokens
    assert {"to", "login", "deleting", "plugin", "in", "org"} <= set(normalize(text).tokens)


def test_a_words_affix_is_kept_where_the_vocabulary_needs_it():
    # "masukan" is a suggestion, "masuk" is not; "kehapus" is data loss, "hapus" an action.
    assert "masukan" in normalize("ada masukan untuk kamera").tokens
    assert "masuk" in normalize("notif telat masuk").tokens
    assert "kehapus" in normalize("foto kehapus sendiri").tokens


def test_inflections_of_an_english_word_are_one_term():
    a = analyse("Screen readers are not alerted", "The panel opened without alerts").terms
    b = analyse("Screen reader not alerted", "Panel opens, no alert is given").terms
    assert {"w:reader", "w:alert", "w:open", "t:reader"} <= set(a) & set(b)
    # Indonesian words and short words are left to the Indonesian rules.
    assert english_lemma("panas") == "panas"
    assert english_lemma("baterai") == "baterai"
    assert english_lemma("does") == "does"
