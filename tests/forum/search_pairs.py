"""Threads written the way fans write, and queries of one problem that must find the same
threads: Indonesian, English and slang (shared by the search tests and the browser test)."""

from forum import services

BATTERY_DRAIN = [
    ("Baterai boros banget setelah update", "Dari pagi sampai siang sudah tinggal 20%."),
    ("Battery drains overnight", "Lost 40% while the phone was sleeping."),
    ("batre cepet abis padahal ga dipake", "semalem ditinggal tidur turun 30 persen"),
    ("Baterai cepat habis setelah pembaruan", "Sebelumnya awet seharian."),
    ("Since the last update", "The battery is draining fast, about 12% an hour."),
]
SCREEN_FLICKER = [
    ("Layar berkedip saat kecerahan rendah", "Terutama di mode gelap."),
    ("Screen flickering at low brightness", "Only when auto brightness is on."),
    ("layar kedip2 pas buka youtube", "kadang sampe ga bisa dibaca"),
    ("Display flicker after update", "Started with the November update."),
]
OTHERS = [
    ("Baterai kembung, casing belakang terangkat", "Sudah tidak berani dipakai."),
    ("HP panas saat main game", "Suhu sampai 48 derajat."),
    ("Kamera force close", "Aplikasi kamera tertutup sendiri."),
    ("Layar bergaris hijau", "Garis vertikal di tengah layar."),
    ("Suara Dolby Atmos hilang", "Setelah update efek Dolby tidak ada."),
]

# Each group's queries must find exactly that group's threads.
QUERY_GROUPS = {
    "battery drain": (
        ["baterai boros", "batre boros", "battery drain", "baterai cepat habis"],
        BATTERY_DRAIN,
    ),
    "screen flicker": (["layar berkedip", "kedip", "flicker"], SCREEN_FLICKER),
}


def post_threads(author, product) -> dict[str, int]:
    """Post every thread above; returns their ids by title."""
    return {
        title: services.create_thread(author=author, title=title, body=body, product=product).pk
        for title, body in BATTERY_DRAIN + SCREEN_FLICKER + OTHERS
    }
