import pytest

from triage.engine import Catalog, Product, analyse
from triage.engine.products import abbreviations

CATALOG = Catalog(
    [
        Product("rn13pro", "Redmi Note 13 Pro"),
        Product("rn13", "Redmi Note 13"),
        Product("x6pro", "Poco X6 Pro"),
        Product("a55", "Samsung Galaxy A55", aliases=("sgA55",)),
    ]
)


def test_abbreviations_of_a_name():
    assert {"rn13pro", "note13pro", "rn13p"} <= abbreviations("Redmi Note 13 Pro")
    assert {"x6p", "pocox6p"} <= abbreviations("Poco X6 Pro")
    assert {"ip15pm", "ip15promax"} <= abbreviations("iPhone 15 Pro Max")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("RN13 Pro saya panas", "rn13pro"),
        ("rn 13 pro batre boros", "rn13pro"),
        ("redmi note 13 lemot", "rn13"),
        ("poco x6p bootloop", "x6pro"),
        ("Galaxy A55 no signal", "a55"),
        ("sga55 kamera blur", "a55"),
    ],
)
def test_product_detected_from_abbreviations(text, key):
    assert CATALOG.detect(text, "").key == key


def test_no_product_named_gives_none():
    guess = CATALOG.detect("hp saya panas", "")
    assert guess.key is None and guess.confidence == 0


def test_chosen_product_is_kept_when_the_text_agrees_or_is_silent():
    assert CATALOG.detect("hp panas", "", given="x6pro").key == "x6pro"
    assert CATALOG.detect("poco x6 pro panas", "", given="x6pro").confidence == 1.0


def test_wrong_chosen_product_is_corrected_by_the_text():
    guess = CATALOG.detect("Redmi Note 13 Pro saya bootloop", "", given="a55")
    assert guess.key == "rn13pro"
    assert guess.source.startswith("text")


def test_analyse_uses_the_catalog():
    assert analyse("rn13 pro sinyal ilang", "", catalog=CATALOG).product.key == "rn13pro"


def test_a_free_typed_name_list_becomes_one_product_per_model():
    catalog = Catalog.from_names(
        [
            "Redmi 13C",
            "13C",
            "redmi13c",
            "Galaxy A55 5G",
            "sams a55",
            "iPhone 15 Pro Max",
            "15 pro max",
        ]
    )
    assert [p.name for p in catalog.products] == ["iPhone 15 Pro Max", "Galaxy A55 5G", "Redmi 13C"]
    assert catalog.resolve("15 pro max") == "iPhone 15 Pro Max"
    assert catalog.resolve("13C") == "Redmi 13C"
    assert catalog.resolve("sams a55") == "Galaxy A55 5G"


def test_product_names_are_masked_so_their_words_are_not_symptoms():
    catalog = Catalog([Product("hot40", "Infinix Hot 40 Pro")])
    analysis = analyse("Infinix Hot 40 Pro sinyal hilang", "", catalog=catalog)
    assert analysis.product.key == "hot40"
    assert "overheat" not in analysis.concept_ids
    assert analysis.severity.level == "major"


@pytest.mark.parametrize("suffix", ["", " 😡 café"])
def test_masking_keeps_the_rest_of_the_text_as_written(suffix):
    # Masking cuts into the original text, so what reads case still can: camelCase
    # parts, and traceback lines of installed packages (dropped as runtime frames).
    body = (
        f"Redmi Note 13 Pro: CameraService crash{suffix}\n"
        '  File "/usr/lib/python3/site-packages/PIL/Image.py", line 3, in open\n'
    )
    masked = analyse("rn13pro kamera error", body, catalog=CATALOG)
    plain = analyse("kamera error", body.replace("Redmi Note 13 Pro", ""))
    assert masked.product.key == "rn13pro"
    assert {"w:camera", "w:service", "w:cameraservice"} <= set(masked.terms)
    assert "w:image" not in masked.terms
    assert {t for t in masked.terms if "_product_" not in t} == set(plain.terms)
