"""A catalog of phones sold in Indonesia in 2024-2025, with the names fans really type.

Pure Python (no Django): the demo data, the import command, the triage engine's
evaluations and the benchmarks all read it. Model numbers follow the makers' formats;
``active_devices`` is a rough order-of-magnitude estimate for Indonesia, for demos only.
Firmware strings follow each maker's real format, e.g. HyperOS ``OS1.0.3.0.UNFIDXM``
(version, Android letter, device code, region ``ID``, ``XM``), Samsung ``A556EXXU2AXH1``
(model, region, bootloader, One UI update, year letter, month letter, build).
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogProduct:
    """One device model as the forum's product catalog holds it."""

    brand: str
    series: str
    model: str
    marketing_name: str
    slug: str
    aliases: tuple[str, ...]
    release_year: int
    active_devices: int | None
    os_family: str  # hyperos, oneui, coloros, realmeui, funtouch, xos, ios
    device_code: str = ""  # HyperOS two-letter device code, vivo PD code

    @property
    def short_names(self) -> tuple[str, ...]:
        """Abbreviations and nicknames fans use in text (never the full name)."""
        return self.aliases


def _p(
    brand: str,
    series: str,
    model: str,
    name: str,
    slug: str,
    aliases: tuple[str, ...],
    year: int,
    devices: int | None,
    os_family: str,
    code: str = "",
) -> CatalogProduct:
    return CatalogProduct(brand, series, model, name, slug, aliases, year, devices, os_family, code)


CATALOG: tuple[CatalogProduct, ...] = (
    # Xiaomi, Redmi and POCO run HyperOS.
    _p("Xiaomi", "Redmi Note", "23129RAA4G", "Redmi Note 13", "redmi-note-13",
       ("RN13", "rn 13", "Redmi Note 13 4G", "note 13", "redmi note13"), 2024, 2_400_000,
       "hyperos", "TH"),
    _p("Xiaomi", "Redmi Note", "2312DRAABG", "Redmi Note 13 5G", "redmi-note-13-5g",
       ("RN13 5G", "rn13 5g", "note 13 5g"), 2024, 600_000, "hyperos", "NQ"),
    _p("Xiaomi", "Redmi Note", "23117RA68G", "Redmi Note 13 Pro", "redmi-note-13-pro",
       ("RN13 Pro", "rn 13 pro", "rn13pro", "note 13 pro", "Redmi Note 13 Pro 4G"), 2024,
       1_500_000, "hyperos", "NF"),
    _p("Xiaomi", "Redmi Note", "2312DRA50G", "Redmi Note 13 Pro 5G", "redmi-note-13-pro-5g",
       ("RN13 Pro 5G", "rn13 pro 5g", "note 13 pro 5g"), 2024, 450_000, "hyperos", "NR"),
    _p("Xiaomi", "Redmi Note", "23090RA98G", "Redmi Note 13 Pro+ 5G", "redmi-note-13-pro-plus",
       ("RN13 Pro+", "rn13 pro plus", "note 13 pro plus", "rn 13 pro+"), 2024, 300_000,
       "hyperos", "NO"),
    _p("Xiaomi", "Redmi Note", "24117RN76G", "Redmi Note 14", "redmi-note-14",
       ("RN14", "rn 14", "note 14", "Redmi Note 14 4G"), 2025, 1_200_000, "hyperos", "OG"),
    _p("Xiaomi", "Redmi Note", "24116RACCG", "Redmi Note 14 Pro", "redmi-note-14-pro",
       ("RN14 Pro", "rn 14 pro", "note 14 pro", "rn14pro"), 2025, 700_000, "hyperos", "OF"),
    _p("Xiaomi", "Redmi Note", "24115RA8EG", "Redmi Note 14 Pro+ 5G", "redmi-note-14-pro-plus",
       ("RN14 Pro+", "rn14 pro plus", "note 14 pro plus"), 2025, 250_000, "hyperos", "OE"),
    _p("Xiaomi", "Redmi", "24049RN28G", "Redmi 13", "redmi-13",
       ("redmi13", "r13"), 2024, 1_800_000, "hyperos", "NT"),
    _p("Xiaomi", "Redmi", "23100RN82L", "Redmi 13C", "redmi-13c",
       ("13C", "redmi 13 c", "redmi13c"), 2023, 2_200_000, "hyperos", "GU"),
    _p("Xiaomi", "POCO", "23122PCD1G", "POCO X6 5G", "poco-x6",
       ("poco x6", "x6 5g", "pocox6"), 2024, 350_000, "hyperos", "NP"),
    _p("Xiaomi", "POCO", "2311DRK48G", "POCO X6 Pro 5G", "poco-x6-pro",
       ("poco x6p", "x6 pro", "poco x6 pro", "x6p"), 2024, 400_000, "hyperos", "NL"),
    _p("Xiaomi", "POCO", "24069PC21G", "POCO F6", "poco-f6",
       ("pocof6", "poco f6", "f6"), 2024, 250_000, "hyperos", "NI"),
    _p("Xiaomi", "POCO", "2404APC5FG", "POCO M6", "poco-m6",
       ("poco m6", "m6"), 2024, 300_000, "hyperos", "NU"),
    _p("Xiaomi", "Xiaomi", "2406APNFAG", "Xiaomi 14T", "xiaomi-14t",
       ("14T", "mi 14t", "xiaomi14t"), 2024, 150_000, "hyperos", "NE"),
    _p("Xiaomi", "Xiaomi", "2407FPN8EG", "Xiaomi 14T Pro", "xiaomi-14t-pro",
       ("14T Pro", "mi 14t pro", "14tp"), 2024, 90_000, "hyperos", "ND"),
    # Samsung runs One UI; the firmware string starts with the model without "SM-".
    _p("Samsung", "Galaxy A", "SM-A155F", "Galaxy A15", "galaxy-a15",
       ("A15", "samsung a15", "sams a15", "a15 lte"), 2024, 2_000_000, "oneui"),
    _p("Samsung", "Galaxy A", "SM-A156E", "Galaxy A15 5G", "galaxy-a15-5g",
       ("A15 5G", "samsung a15 5g"), 2024, 500_000, "oneui"),
    _p("Samsung", "Galaxy A", "SM-A256E", "Galaxy A25 5G", "galaxy-a25",
       ("A25", "samsung a25", "a25 5g"), 2024, 800_000, "oneui"),
    _p("Samsung", "Galaxy A", "SM-A356E", "Galaxy A35 5G", "galaxy-a35",
       ("A35", "samsung a35", "a35 5g", "sams a35"), 2024, 700_000, "oneui"),
    _p("Samsung", "Galaxy A", "SM-A556E", "Galaxy A55 5G", "galaxy-a55",
       ("A55", "samsung a55", "a55 5g", "sams a55"), 2024, 600_000, "oneui"),
    _p("Samsung", "Galaxy A", "SM-A057F", "Galaxy A05s", "galaxy-a05s",
       ("A05s", "samsung a05s", "a05 s"), 2023, 1_500_000, "oneui"),
    _p("Samsung", "Galaxy S", "SM-S921B", "Galaxy S24", "galaxy-s24",
       ("S24", "samsung s24", "s 24"), 2024, 200_000, "oneui"),
    _p("Samsung", "Galaxy S", "SM-S928B", "Galaxy S24 Ultra", "galaxy-s24-ultra",
       ("S24 Ultra", "s24u", "s24 ultra"), 2024, 150_000, "oneui"),
    # OPPO runs ColorOS; realme runs realme UI (same firmware format).
    _p("OPPO", "Reno", "CPH2625", "OPPO Reno12 5G", "oppo-reno12",
       ("reno 12", "reno12", "oppo reno 12"), 2024, 300_000, "coloros"),
    _p("OPPO", "Reno", "CPH2637", "OPPO Reno12 F 5G", "oppo-reno12-f",
       ("reno 12 f", "reno12f", "reno 12f"), 2024, 400_000, "coloros"),
    _p("OPPO", "Reno", "CPH2603", "OPPO Reno11 F 5G", "oppo-reno11-f",
       ("reno 11 f", "reno11f", "reno 11f"), 2024, 500_000, "coloros"),
    _p("OPPO", "A", "CPH2591", "OPPO A18", "oppo-a18",
       ("oppo a18", "a18"), 2023, 1_600_000, "coloros"),
    _p("OPPO", "A", "CPH2577", "OPPO A58", "oppo-a58",
       ("oppo a58", "a58"), 2023, 900_000, "coloros"),
    _p("OPPO", "A", "CPH2631", "OPPO A60", "oppo-a60",
       ("oppo a60", "a60"), 2024, 700_000, "coloros"),
    _p("realme", "Number", "RMX3840", "realme 12 Pro+ 5G", "realme-12-pro-plus",
       ("realme 12 pro+", "r12 pro plus", "realme 12 pro plus"), 2024, 250_000, "realmeui"),
    _p("realme", "C", "RMX3890", "realme C67", "realme-c67",
       ("c67", "realme c67"), 2024, 900_000, "realmeui"),
    _p("realme", "C", "RMX3910", "realme C65", "realme-c65",
       ("c65", "realme c65"), 2024, 800_000, "realmeui"),
    _p("realme", "Note", "RMX3933", "realme Note 50", "realme-note-50",
       ("note 50", "realme note50"), 2024, 600_000, "realmeui"),
    # vivo runs Funtouch OS.
    _p("vivo", "Y", "V2310", "vivo Y17s", "vivo-y17s",
       ("y17s", "vivo y17 s"), 2023, 1_300_000, "funtouch", "PD2310F"),
    _p("vivo", "Y", "V2315", "vivo Y28", "vivo-y28",
       ("y28", "vivo y28 5g"), 2024, 500_000, "funtouch", "PD2315F"),
    _p("vivo", "Y", "V2342", "vivo Y100", "vivo-y100",
       ("y100", "vivo y100 5g"), 2024, 300_000, "funtouch", "PD2342F"),
    _p("vivo", "V", "V2318", "vivo V30", "vivo-v30",
       ("v30", "vivo v 30"), 2024, 350_000, "funtouch", "PD2318F"),
    _p("vivo", "V", "V2339", "vivo V30e", "vivo-v30e",
       ("v30e", "vivo v30 e"), 2024, 250_000, "funtouch", "PD2339F"),
    # Infinix runs XOS.
    _p("Infinix", "Hot", "X6837", "Infinix Hot 40 Pro", "infinix-hot-40-pro",
       ("hot 40 pro", "hot40pro", "infinix hot40 pro"), 2024, 700_000, "xos"),
    _p("Infinix", "Hot", "X6528B", "Infinix Hot 40i", "infinix-hot-40i",
       ("hot 40i", "hot40i"), 2024, 900_000, "xos"),
    _p("Infinix", "Note", "X6850", "Infinix Note 40 Pro", "infinix-note-40-pro",
       ("note 40 pro", "infinix note40 pro"), 2024, 300_000, "xos"),
    _p("Infinix", "Smart", "X6525", "Infinix Smart 8", "infinix-smart-8",
       ("smart 8", "infinix smart8"), 2024, 800_000, "xos"),
    # Apple.
    _p("Apple", "iPhone", "A3090", "iPhone 15", "iphone-15",
       ("ip 15", "ip15", "iphone15", "ipong 15"), 2023, 400_000, "ios"),
    _p("Apple", "iPhone", "A3106", "iPhone 15 Pro Max", "iphone-15-pro-max",
       ("ip 15 pm", "15 pro max", "ip15pm", "iphone 15 pm"), 2023, 250_000, "ios"),
    _p("Apple", "iPhone", "A2633", "iPhone 13", "iphone-13",
       ("ip 13", "ip13", "iphone13"), 2021, 900_000, "ios"),
    _p("Apple", "iPhone", "A3287", "iPhone 16", "iphone-16",
       ("ip 16", "ip16", "iphone16"), 2024, 200_000, "ios"),
)  # fmt: skip

BY_SLUG = {p.slug: p for p in CATALOG}

# Names of each family's software as fans write it, for vague mentions ("Android 14").
OS_NAMES = {
    "hyperos": ("HyperOS", "Hyper OS", "hyperos"),
    "oneui": ("One UI", "OneUI", "one ui"),
    "coloros": ("ColorOS", "Color OS"),
    "realmeui": ("realme UI", "Realme UI"),
    "funtouch": ("Funtouch OS", "FuntouchOS"),
    "xos": ("XOS", "xos"),
    "ios": ("iOS",),
}

_MONTH_LETTERS = "ABCDEFGHIJKL"
_YEAR_LETTERS = {2023: "W", 2024: "X", 2025: "Y", 2026: "Z"}


def firmware_for(product: CatalogProduct, rng: random.Random, *, newer: bool = False) -> str:
    """A firmware string in the product's real format; ``newer`` picks a recent build."""
    fam = product.os_family
    if fam == "hyperos":
        major = 2 if (newer or product.release_year >= 2025) and rng.random() < 0.8 else 1
        android = (
            "V" if major == 2 else rng.choice("UU" + ("V" if product.release_year > 2024 else "U"))
        )
        minor = rng.randint(1, 9) if major == 2 else rng.randint(2, 12)
        return f"OS{major}.0.{minor}.0.{android}{product.device_code}IDXM"
    if fam == "oneui":
        year = rng.choice((2024, 2025)) if not newer else 2025
        return (
            f"{product.model.removeprefix('SM-')}XXU{rng.randint(1, 4)}"
            f"{rng.choice('ABC')}{_YEAR_LETTERS[year]}"
            f"{rng.choice(_MONTH_LETTERS)}{rng.randint(1, 9)}"
        )
    if fam in ("coloros", "realmeui"):
        return f"{product.model}_11.{rng.choice('ACCDEF')}.{rng.randint(5, 40):02d}"
    if fam == "funtouch":
        android = rng.choice((14, 14, 15))
        return (
            f"{product.device_code}_EX_A_{android}.{rng.randint(0, 2)}.{rng.randint(5, 20)}."
            f"{rng.randint(1, 9)}.W{rng.choice((10, 20, 30))}"
        )
    if fam == "xos":
        day = f"24{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return f"{product.model}-H{rng.randint(690, 899)}ABC-U-GL-{day}V{rng.randint(1000, 1099)}"
    if fam == "ios":
        major = rng.choice((17, 18, 18)) if not newer else 18
        patch = rng.choice(
            ("", f".{rng.randint(0, 6)}", f".{rng.randint(0, 6)}.{rng.randint(1, 2)}")
        )
        return f"iOS {major}{patch}"
    raise ValueError(f"unknown OS family {fam!r}")


def firmware_vague(product: CatalogProduct, firmware: str, rng: random.Random) -> str:
    """How a fan who does not copy the build number names the same software."""
    fam = product.os_family
    if fam == "hyperos":
        short = ".".join(firmware.split(".")[:3])  # OS1.0.3
        return rng.choice((short, f"HyperOS {firmware[2]}", f"hyperos {short[2:]}", "Android 14"))
    if fam == "oneui":
        return rng.choice(("One UI 6.1", "One UI 7", "Android 14", "Android 15"))
    if fam == "ios":
        return firmware
    return rng.choice((f"{OS_NAMES[fam][0]} {rng.choice((14, 15))}", "Android 14", "Android 15"))
