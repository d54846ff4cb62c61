"""A deterministic generator of realistic, labelled fan reports about phones.

Pure Python (no Django): ``seed_demo`` fills the forum from it, the triage engine is
evaluated on it, and the benchmarks seed both forums with the same text. Every report
carries the import shape of ``import_threads`` (``external_id``, ``title``, ``body``,
``product``, ``firmware``, ``kind``, ``author``, ``created_at``) plus its labels:
``label`` (one problem of one product: reports with the same label are duplicates),
``duplicates`` (other external_ids with that label, at most ``MAX_DUPLICATES``),
``severity`` (critical/major/minor/suggestion) and ``lang`` (``id`` or ``en``).

The mix is meant to look like a real community forum, not like an easy test: about two
thirds Indonesian (informal, abbreviated, with typos and emoji) and one third English;
problems grow from a few large outbreaks (an update that bootloops one model) to a long
tail of one-off reports; the product field is sometimes left empty and only named,
often abbreviated, in the text; some fans get angry. The same seed always gives the
same reports.

    python -m demo.corpus --threads 1000 --seed 7 --out reports.jsonl
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from random import Random

from demo.catalog import CATALOG, CatalogProduct, firmware_for, firmware_vague

WIB = timezone(timedelta(hours=7), "WIB")
DEFAULT_END = datetime(2026, 11, 15, 23, 0, tzinfo=WIB)
DEFAULT_DAYS = 56
MAX_DUPLICATES = 20
KINDS = ("problem", "suggestion", "question")


@dataclass(frozen=True)
class Scenario:
    """A kind of problem (or wish) with the many ways fans write about it.

    Templates take ``{hp}`` (the phone as the fan names it), ``{brand}``, ``{fw}`` (the
    software version), ``{n}`` (a small number), ``{pct}``, ``{hrs}``, ``{temp}``,
    ``{app}`` (a popular app) and ``{v}`` (the scenario's variant, e.g. an app name).
    """

    key: str
    severity: str
    kind: str
    weight: float
    titles_id: tuple[str, ...]
    titles_en: tuple[str, ...]
    bodies_id: tuple[str, ...]
    bodies_en: tuple[str, ...]
    details_id: tuple[str, ...] = ()
    details_en: tuple[str, ...] = ()
    tips_id: tuple[str, ...] = ()
    tips_en: tuple[str, ...] = ()
    after_update: bool = False
    variants: tuple[str, ...] = ()


APPS = (
    "WhatsApp", "Instagram", "TikTok", "Shopee", "Tokopedia", "Mobile Legends", "Free Fire",
    "PUBG Mobile", "Gojek", "Grab", "DANA", "GoPay", "BCA mobile", "BRImo", "YouTube",
    "Livin' by Mandiri", "Genshin Impact", "CapCut", "Spotify", "Google Maps",
)  # fmt: skip

# The frequent problems: each scenario x product is one label.
MAIN_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "bootloop_after_update", "critical", "problem", 1.0,
        titles_id=(
            "{hp} bootloop setelah update", "habis update {fw} hp jadi bootloop",
            "stuck di logo {brand} abis update", "HP mati nyala terus di logo setelah update OTA",
            "tolong!! {hp} restart terus2an", "bootloop parah abis update, data gimana??",
            "update {fw} bikin hp ga bisa masuk menu", "{hp} nyangkut di logo {brand}",
        ),
        titles_en=(
            "{hp} stuck in bootloop after update", "bootloop after installing {fw}",
            "phone keeps restarting at the {brand} logo", "update bricked my {hp}",
            "stuck on boot logo after OTA", "{hp} boot loop since last night's update",
        ),
        bodies_id=(
            "semalem ada notif update {fw}, saya install, pas restart hp cuma muter2 di logo {brand} terus mati nyala sendiri.",  # noqa: E501
            "abis update hp stuck di logo, udah ditunggu {n} jam tetep ga masuk ke home.",
            "setelah update sistem hp restart sendiri terus, nyala sebentar di logo lalu mati lagi.",  # noqa: E501
            "update otomatis jalan pas saya tidur, pagi2 hp udah bootloop.",
            "hp bootloop abis update {fw}, masuk recovery bisa tapi mau boot normal ga bisa.",
            "baru update ke {fw} langsung bootloop, cuma bisa masuk fastboot.",
        ),
        bodies_en=(
            "got the {fw} update last night, installed it and now the phone just loops on the {brand} logo.",  # noqa: E501
            "after the update the phone is stuck on the boot animation, waited {n} hours and nothing.",  # noqa: E501
            "since updating to {fw} my {hp} reboots every time it reaches the lock screen.",
            "the OTA installed overnight and in the morning it was in a boot loop.",
            "phone only boots to recovery/fastboot after the latest update, normal boot loops forever.",  # noqa: E501
        ),
        details_id=(
            "data belum sempet dibackup, foto anak saya semua di situ 😭",
            "bootloader masih locked, ga pernah oprek.",
            "batre waktu update masih {pct}%.",
            "kerja butuh hp ini buat WA kantor.",
        ),
        details_en=(
            "I never unlocked the bootloader or rooted it.",
            "no backup of my photos, please tell me there's a way without wiping.",
            "battery was at {pct}% when it started updating.",
        ),
        tips_id=(
            "coba masuk recovery, pilih wipe cache/reboot, jangan wipe data dulu",
            "kalau masih garansi bawa ke service center, mereka bisa flash ulang",
        ),
        tips_en=("try recovery > reboot first, don't wipe data yet",),
        after_update=True,
    ),
    Scenario(
        "battery_drain", "minor", "problem", 2.0,
        titles_id=(
            "baterai {hp} boros banget setelah update", "batre cepet abis, sehari 2x ngecas",
            "{hp} batre drop {pct}% dalam sejam", "boros batre parah abis update {fw}",
            "standby semalem batre habis {pct}%", "batre {hp} kok boros bgt ya",
            "SOT cuma {hrs} jam, normal ga sih?",
        ),
        titles_en=(
            "{hp} battery drain after update", "battery drains {pct}% overnight on standby",
            "terrible battery life since {fw}", "battery dies by noon",
            "{hp} screen on time only {hrs} hours",
        ),
        bodies_id=(
            "dari full jam 6 pagi, jam 12 siang udah tinggal {pct}%, padahal cuma WA sama IG.",
            "sejak update {fw} batre boros banget, dulu bisa seharian sekarang sore udah lowbat.",
            "standby doang semalem batre turun {pct}%, data sama wifi udah dimatiin.",
            "screen on time cuma {hrs} jam, padahal dulu bisa 7 jam.",
            "di setelan baterai yang paling boros malah sistem android, bukan aplikasi.",
            "batre cepet banget abisnya, baru beli {n} bulan masa udah drop gini.",
        ),
        bodies_en=(
            "charged to 100% at 7am and by noon it's at {pct}% with light use.",
            "since {fw} the battery drains way faster than before, used to last all day.",
            "lost {pct}% overnight in standby with wifi and data off.",
            "screen on time dropped to about {hrs} hours.",
            "battery usage shows Android System at the top, not any app.",
        ),
        details_id=(
            "mode hemat daya udah nyala terus.", "refresh rate udah saya set 60Hz.",
            "aplikasi cuma WA, IG, sama {app}.", "sinyal di rumah bagus kok.",
        ),
        details_en=(
            "battery saver is on all the time.", "I only use WhatsApp, Instagram and {app}.",
            "refresh rate set to 60Hz already.",
        ),
        tips_id=("coba matiin 5G sama always on display", "kalibrasi batre: pake sampe abis terus cas full"),  # noqa: E501
        tips_en=("turn off 5G and always-on display, helped me",),
        after_update=True,
    ),
    Scenario(
        "overheating", "critical", "problem", 1.5,
        titles_id=(
            "{hp} panas banget pas main game", "hp cepet panas walau cuma buat WA",
            "overheat pas ngecas, sampe muncul peringatan suhu", "{hp} anget terus padahal ga dipake",  # noqa: E501
            "panas parah abis update {fw}", "main {app} bentar hp udah kayak setrika",
        ),
        titles_en=(
            "{hp} overheating while gaming", "phone gets hot while charging",
            "overheating warning after update", "{hp} runs hot even when idle",
        ),
        bodies_id=(
            "main {app} {n} menit aja bagian belakang udah panas banget, sampe ngelag.",
            "lagi ngecas tiba2 muncul notif suhu tinggi, pengisian dihentikan.",
            "ditaruh di meja ga dipake tapi tetep anget, suhu batre {temp} derajat.",
            "pas video call {n} menit hp panas terus kamera nutup sendiri.",
            "semenjak update hp gampang panas, kalau dipegang ga nyaman.",
        ),
        bodies_en=(
            "after {n} minutes of {app} the back gets really hot and frame rate drops.",
            "it shows a high temperature warning while charging and stops charging.",
            "battery temperature sits at {temp}C even when idle on the desk.",
            "video calls make it so hot the camera app closes itself.",
        ),
        details_id=(
            "case udah dilepas tetep panas.",
            "ruangan ber-AC kok.",
            "kecerahan layar ga full.",
        ),
        details_en=("no case on it.", "the room is air-conditioned.",),
        tips_id=("lepas case pas main game, dan jangan main sambil ngecas",),
        tips_en=("don't game while charging, it cooks the battery",),
    ),
    Scenario(
        "swollen_battery", "critical", "problem", 0.3,
        titles_id=(
            "baterai {hp} menggembung!!", "casing belakang {hp} keangkat, batre bengkak",
            "layar keangkat, kayaknya batre kembung", "BAHAYA batre {hp} gembung padahal baru {n} bulan",  # noqa: E501
        ),
        titles_en=(
            "{hp} battery swollen", "back cover lifting, swollen battery?",
            "screen popping out because the battery swelled",
        ),
        bodies_id=(
            "tadi pagi liat casing belakang kebuka dikit, pas ditekan empuk, kayaknya batre menggembung.",  # noqa: E501
            "layar {hp} keangkat dari frame, ada celah, hp jadi ga rata kalo ditaruh di meja.",
            "batre gembung padahal hp baru {n} bulan dan selalu pake charger ori.",
        ),
        bodies_en=(
            "noticed the back cover separating this morning, it feels soft when pressed.",
            "the display is lifting from the frame and the phone wobbles on a table.",
            "battery swelled after only {n} months, always used the original charger.",
        ),
        details_id=("takut meledak, sekarang hp saya matiin.", "anak saya sering pake hp ini, ngeri."),  # noqa: E501
        details_en=("I turned it off, scared it will catch fire.",),
        tips_id=("jangan dicas lagi kak, langsung ke service center, bahaya",),
        tips_en=("stop charging it and take it to service right away",),
    ),
    Scenario(
        "no_signal", "major", "problem", 1.3,
        titles_id=(
            "sinyal {hp} hilang abis update", "SIM tidak terdeteksi di {hp}",
            "no service terus padahal temen sebelah full", "sim 2 ga kebaca", "sinyal ilang timbul, 4G jadi E",  # noqa: E501
            "kartu {v} ga kedetek di {hp}",
        ),
        titles_en=(
            "{hp} no signal after update", "SIM card not detected", "no service on {v}",
            "signal keeps dropping to emergency calls only", "SIM 2 not detected",
        ),
        bodies_id=(
            "dari kemarin sinyal tiba2 ilang, tulisannya tidak ada layanan, padahal kartu {v} temen di hp lain lancar.",  # noqa: E501
            "habis update {fw} sim card ga kebaca sama sekali, udah dicabut pasang tetep sama.",
            "sinyal naik turun, kadang 4G kadang ilang, telpon sering putus.",
            "slot sim 2 ga kedetek, sim 1 normal. kartunya dicoba di hp lain bisa.",
            "cuma bisa panggilan darurat, internet mati total.",
        ),
        bodies_en=(
            "since yesterday it says no service, the same {v} SIM works fine in another phone.",
            "after updating to {fw} the SIM isn't detected at all, reseated it already.",
            "signal keeps dropping from 4G to nothing, calls cut out.",
            "SIM slot 2 not detected, SIM 1 fine, card works elsewhere.",
        ),
        details_id=("udah reset pengaturan jaringan.", "APN udah dicek sesuai."),
        details_en=("reset network settings already.", "APN looks right."),
        tips_id=("coba reset setelan jaringan, terus set jaringan ke 4G aja",),
        tips_en=("reset network settings and force LTE only",),
        after_update=True,
        variants=("Telkomsel", "Indosat", "XL", "Axis", "Tri", "smartfren", "by.U"),
    ),
    Scenario(
        "camera_crash", "major", "problem", 1.0,
        titles_id=(
            "kamera {hp} force close", "aplikasi kamera keluar sendiri", "kamera ga bisa dibuka, layar hitam",  # noqa: E501
            "kamera crash pas ganti ke mode malam", "{hp} kamera error abis update {fw}",
            "kamera depan blank pas video call",
        ),
        titles_en=(
            "{hp} camera app crashes", "camera closes when switching to night mode",
            "camera shows black screen", "camera force closes after {fw}",
        ),
        bodies_id=(
            "buka kamera langsung keluar sendiri, kadang muncul tulisan tidak dapat terhubung ke kamera.",  # noqa: E501
            "pas pindah ke mode malam / portrait kamera crash dan balik ke home.",
            "kamera belakang layar hitam doang, kamera depan bisa.",
            "pas ambil foto 108MP/200MP aplikasi kamera nge-hang terus tutup.",
            "video call di {app} kameranya ngeblank.",
        ),
        bodies_en=(
            "opening the camera closes it straight away, sometimes says can't connect to camera.",
            "switching to night or portrait mode crashes the camera app.",
            "rear camera is a black screen, front works.",
            "the camera freezes when taking a high-res photo then closes.",
        ),
        details_id=("udah clear data aplikasi kamera.", "ga pernah jatuh, ga kena air."),
        details_en=("cleared the camera app data.", "never dropped it."),
        tips_id=("clear cache aplikasi kamera terus restart",),
        tips_en=("clear camera cache and reboot worked for a day for me",),
        after_update=True,
    ),
    Scenario(
        "screen_flicker", "major", "problem", 1.0,
        titles_id=(
            "layar {hp} kedip2", "muncul garis hijau di layar", "green line di layar {hp}",
            "layar flicker kalau kecerahan rendah", "layar berkedip abis update {fw}",
            "ada garis vertikal di layar padahal ga jatuh",
        ),
        titles_en=(
            "{hp} screen flickering", "green line on the display", "screen flickers at low brightness",  # noqa: E501
            "vertical line appeared on screen", "display flicker after {fw}",
        ),
        bodies_id=(
            "layar kedip2 terus terutama pas kecerahan di bawah {pct}%.",
            "tiba2 ada garis hijau vertikal di layar, ga pernah jatuh ga kena air.",
            "sejak update layar suka flicker pas scroll, matanya jadi sakit.",
            "layar kadang jadi ijo semua terus normal lagi.",
        ),
        bodies_en=(
            "the screen flickers constantly, mostly under {pct}% brightness.",
            "a thin green vertical line appeared, never dropped or wet.",
            "since the update the display flickers while scrolling.",
        ),
        details_id=("mode gelap nyala.", "refresh rate 120Hz."),
        details_en=("dark mode on.", "120Hz refresh rate."),
        tips_id=("coba matiin DC dimming / ganti refresh rate",),
        tips_en=("try toggling DC dimming",),
        after_update=True,
    ),
    Scenario(
        "charging", "major", "problem", 1.3,
        titles_id=(
            "{hp} ngga bisa ngecas", "ngecas lama bgt, fast charging ga jalan",
            "charger ori tapi ngisi cuma {pct}% sejam", "hp ga mau dicas sama sekali",
            "ngecas putus nyambung", "{hp} ga bisa fast charging abis update",
        ),
        titles_en=(
            "{hp} not charging", "fast charging stopped working", "charging very slow with the original charger",  # noqa: E501
            "charging keeps connecting and disconnecting",
        ),
        bodies_id=(
            "ngga bs charging sama sekali. boro2 fast charging. udah ganti kabel tetep sama.",
            "ngecas dari {pct}% sampe full {hrs} jam, padahal katanya fast charging.",
            "pas dicolok bunyi terus lepas lagi, putus nyambung terus.",
            "ikon fast charging ga muncul lagi sejak update {fw}.",
            "charger bawaan, kabel bawaan, tetep ngisinya lambat banget.",
        ),
        bodies_en=(
            "won't charge at all, tried another cable and charger.",
            "takes {hrs} hours from {pct}% to full, fast charging is gone.",
            "charging connects and disconnects every few seconds.",
            "fast charging icon disappeared after {fw}.",
        ),
        details_id=("port udah dibersihin pake tusuk gigi.", "stop kontak di rumah normal."),
        details_en=("cleaned the port with a toothpick.",),
        tips_id=("bersihin lubang cas, sering ada debu", "coba charger lain yang ori"),
        tips_en=("clean the USB-C port, lint gets in there",),
    ),
    Scenario(
        "wifi_disconnect", "minor", "problem", 1.0,
        titles_id=(
            "wifi {hp} putus2", "wifi sering disconnect sendiri", "wifi nyambung tapi ga ada internet",  # noqa: E501
            "wifi ga bisa konek ke router rumah abis update",
        ),
        titles_en=(
            "{hp} wifi keeps disconnecting", "wifi connected but no internet", "wifi drops every few minutes",  # noqa: E501
        ),
        bodies_id=(
            "wifi tiba2 putus tiap beberapa menit, hp lain di rumah aman.",
            "tulisannya terhubung tapi tidak ada internet, harus on off wifi dulu baru jalan.",
            "sejak update {fw} wifi 5GHz ga kedetek.",
        ),
        bodies_en=(
            "wifi disconnects every few minutes, other devices are fine.",
            "says connected, no internet, toggling wifi fixes it for a while.",
            "5GHz networks don't show up since {fw}.",
        ),
        tips_id=("lupakan jaringan terus sambung lagi",),
        tips_en=("forget the network and reconnect",),
        after_update=True,
    ),
    Scenario(
        "fingerprint", "minor", "problem", 0.8,
        titles_id=(
            "fingerprint {hp} ga kebaca", "sidik jari susah kebaca abis pasang antigores",
            "fingerprint hilang dari pengaturan", "sensor sidik jari lemot",
        ),
        titles_en=(
            "{hp} fingerprint not working", "fingerprint sensor slow", "fingerprint option disappeared",  # noqa: E501
        ),
        bodies_id=(
            "sidik jari harus ditempel {n} kali baru kebuka.",
            "menu fingerprint di pengaturan ilang, ga bisa daftar jari baru.",
            "sensor di layar sering gagal, padahal jari ga basah.",
        ),
        bodies_en=(
            "needs {n} tries before the fingerprint unlocks.",
            "the fingerprint option vanished from settings.",
            "in-display sensor fails most of the time.",
        ),
        tips_id=("daftarin jari yang sama 2 kali, lumayan ngebantu",),
        tips_en=("register the same finger twice",),
    ),
    Scenario(
        "speaker", "minor", "problem", 0.6,
        titles_id=(
            "speaker {hp} pecah", "suara speaker kecil banget", "speaker bawah mati sebelah",
            "suara kresek2 pas volume full",
        ),
        titles_en=("{hp} speaker crackling", "speaker volume very low", "bottom speaker not working"),  # noqa: E501
        bodies_id=(
            "suara speaker kresek2 kalau volume di atas {pct}%.",
            "speaker bawah ga bunyi, cuma speaker atas.",
            "nonton {app} suaranya kecil bgt walau udah full.",
        ),
        bodies_en=(
            "crackling sound above {pct}% volume.",
            "only the top speaker works.",
            "volume very low even at max when watching {app}.",
        ),
        tips_id=("bersihin lubang speaker pake sikat gigi halus",),
        tips_en=("brush the grille gently",),
    ),
    Scenario(
        "lag", "minor", "problem", 1.2,
        titles_id=(
            "{hp} lemot banget", "hp ngelag abis update {fw}", "buka aplikasi lama, sering freeze",
            "animasi patah2, patah2 pas scroll", "keyboard delay",
        ),
        titles_en=("{hp} lagging", "phone very slow after update", "stutters when scrolling", "apps freeze"),  # noqa: E501
        bodies_id=(
            "sejak update {fw} hp kerasa lemot, buka {app} aja nunggu lama.",
            "scroll di IG patah2, padahal hp baru {n} bulan.",
            "sering freeze beberapa detik terus normal lagi.",
            "multitasking aplikasi suka ke-close sendiri.",
        ),
        bodies_en=(
            "since {fw} everything feels slow, {app} takes ages to open.",
            "scrolling stutters and apps freeze for a few seconds.",
            "background apps get killed all the time.",
        ),
        details_id=("memori masih sisa banyak.", "udah hapus aplikasi yang ga perlu."),
        details_en=("plenty of storage left.",),
        tips_id=("matiin animasi di opsi pengembang",),
        tips_en=("reduce animation scale in developer options",),
        after_update=True,
    ),
    Scenario(
        "data_loss_after_update", "critical", "problem", 0.4,
        titles_id=(
            "foto di galeri hilang semua abis update", "data WA hilang setelah update {fw}",
            "abis update kontak sama foto ilang", "DATA HILANG setelah update sistem",
        ),
        titles_en=(
            "all photos gone after update", "lost my data after updating to {fw}",
            "contacts and gallery empty after update",
        ),
        bodies_id=(
            "habis update, galeri kosong, folder DCIM juga kosong. foto {n} tahun ilang.",
            "chat WA hilang semua padahal ga pernah uninstall.",
            "abis update hp restart sendiri, pas nyala kayak hp baru, semua data ilang.",
        ),
        bodies_en=(
            "after the update the gallery is empty, DCIM is empty too.",
            "WhatsApp chats all gone, never uninstalled it.",
            "the phone rebooted after update like a factory reset, everything gone.",
        ),
        details_id=("google photos ga nyala backupnya 😭",),
        details_en=("no cloud backup, those were my kid's photos.",),
        tips_id=("jangan install apa2 dulu biar datanya ga ketimpa, coba app recovery",),
        tips_en=("stop using it so nothing gets overwritten",),
        after_update=True,
    ),
    Scenario(
        "suggest_dual_app", "suggestion", "suggestion", 0.4,
        titles_id=(
            "saran: tambahin dual app buat {v}", "request fitur dual apps di {hp}",
            "min tolong dual app jangan dibatasi",
        ),
        titles_en=("suggestion: dual apps for {v}", "please add app cloning on {hp}"),
        bodies_id=(
            "butuh 2 akun {v} buat kerja sama pribadi, tolong tambahin di update berikutnya.",
            "dual app cuma buat beberapa aplikasi, {v} ga ada. tolong ditambahin.",
        ),
        bodies_en=(
            "I need two {v} accounts for work and personal, please support cloning it.",
            "dual apps doesn't list {v}, please add it.",
        ),
        variants=("WhatsApp", "Telegram", "Instagram", "Shopee", "Gojek"),
    ),
    Scenario(
        "suggest_call_recording", "suggestion", "suggestion", 0.5,
        titles_id=(
            "saran: balikin fitur rekam panggilan", "rekam panggilan ilang di {hp}",
            "tolong tambahin rekam telepon otomatis",
        ),
        titles_en=("bring back call recording", "call recording missing on {hp}"),
        bodies_id=(
            "dulu ada rekam panggilan, sekarang setelah update {fw} ilang. buat kerja butuh bgt.",
            "tolong rekam panggilan otomatis tanpa notif ke lawan bicara.",
        ),
        bodies_en=(
            "call recording was there before {fw}, I need it for work.",
            "please add automatic call recording.",
        ),
    ),
    Scenario(
        "suggest_dark_mode_schedule", "suggestion", "suggestion", 0.3,
        titles_id=("saran: mode gelap terjadwal", "request jadwal dark mode custom"),
        titles_en=("suggestion: dark mode schedule", "custom dark mode schedule please"),
        bodies_id=(
            "mode gelap mau otomatis nyala jam {hour} malam, sekarang cuma bisa matahari terbenam.",
            "tolong tambahin jadwal mode gelap sendiri, biar ga manual tiap malam.",
        ),
        bodies_en=(
            "I'd like dark mode to switch on at {hour}pm, only sunset is offered.",
            "please add a custom schedule for dark mode.",
        ),
    ),
    Scenario(
        "suggest_no_ads", "suggestion", "suggestion", 0.4,
        titles_id=("iklan di aplikasi sistem ganggu bgt", "saran: hapus iklan di file manager & tema"),  # noqa: E501
        titles_en=("too many ads in system apps", "please remove ads from system apps"),
        bodies_id=(
            "buka file manager / tema / keamanan ada iklan terus, ganggu.",
            "hp udah beli mahal masa masih ada iklan di aplikasi bawaan.",
        ),
        bodies_en=(
            "ads pop up in the file manager and themes, very annoying.",
            "paid for the phone, why are there ads in built-in apps?",
        ),
    ),
)  # fmt: skip

# One-off and rare problems: scenario x variant x product is one label, mostly alone.
TAIL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "app_crash", "minor", "problem", 1.0,
        titles_id=("{v} force close terus di {hp}", "aplikasi {v} keluar sendiri"),
        titles_en=("{v} keeps crashing on {hp}", "{v} closes on launch"),
        bodies_id=("tiap buka {v} langsung keluar, udah uninstall install ulang tetep.",
                   "{v} crash pas login, di hp temen normal."),
        bodies_en=("{v} closes as soon as it opens, reinstalled already.",
                   "{v} crashes at login, works on my friend's phone."),
        variants=APPS,
    ),
    Scenario(
        "nfc", "minor", "problem", 1.0,
        titles_id=("NFC ga bisa baca kartu {v}", "cek saldo {v} ga kedetek NFC"),
        titles_en=("NFC doesn't read {v} card", "can't top up {v} with NFC"),
        bodies_id=("mau cek saldo {v} lewat NFC ga kebaca, posisi kartu udah dipindah2.",),
        bodies_en=("NFC won't read my {v} card, tried every position.",),
        variants=("e-money Mandiri", "Flazz BCA", "Brizzi", "TapCash"),
    ),
    Scenario(
        "gps", "minor", "problem", 1.0,
        titles_id=("GPS ngaco di {v}", "lokasi loncat2 pas pake {v}"),
        titles_en=("GPS inaccurate in {v}", "location jumps around in {v}"),
        bodies_id=("lagi narik pake {v} lokasinya loncat2, orderan jadi kacau.",),
        bodies_en=("location jumps around in {v}, hard to drive with it.",),
        variants=("Google Maps", "Gojek Driver", "Grab Driver", "Maxim"),
    ),
    Scenario(
        "notification_delay", "minor", "problem", 1.0,
        titles_id=("notif {v} telat masuk", "notifikasi {v} baru muncul pas buka app"),
        titles_en=("{v} notifications delayed", "no {v} notifications until I open the app"),
        bodies_id=("notif {v} baru masuk pas hp dibuka, telat {n} menit lebih.",),
        bodies_en=("{v} notifications arrive only when I unlock, {n}+ minutes late.",),
        variants=("WhatsApp", "Telegram", "Gmail", "Shopee", "BCA mobile"),
    ),
    Scenario(
        "ghost_touch", "major", "problem", 0.8,
        titles_id=("layar gerak sendiri (ghost touch)", "touchscreen ngetik sendiri"),
        titles_en=("ghost touch on {hp}", "screen registers touches by itself"),
        bodies_id=("layar suka pencet sendiri, kebuka aplikasi random.",),
        bodies_en=("the screen taps by itself and opens random apps.",),
    ),
    Scenario(
        "proximity", "minor", "problem", 0.8,
        titles_id=("layar gelap pas nelpon ga bisa nyala", "sensor proximity error"),
        titles_en=("screen stays black during calls", "proximity sensor stuck"),
        bodies_id=("pas telpon layar mati terus ga bisa ditutup panggilannya.",),
        bodies_en=("during calls the screen stays off so I can't hang up.",),
    ),
    Scenario(
        "mic", "major", "problem", 0.8,
        titles_id=("lawan bicara ga denger suara saya", "mic {hp} mati pas telpon"),
        titles_en=("people can't hear me on calls", "microphone not working on {hp}"),
        bodies_id=("telpon biasa sama WA call lawan bicara ga denger apa2.",),
        bodies_en=("on normal and WhatsApp calls the other side hears nothing.",),
    ),
    Scenario(
        "volte", "major", "problem", 0.7,
        titles_id=("VoLTE {v} ga muncul di {hp}", "ga bisa aktifin VoLTE {v}"),
        titles_en=("VoLTE missing for {v}", "can't enable VoLTE on {v}"),
        bodies_id=("toggle VoLTE buat kartu {v} ga ada, telpon jadi turun ke 3G/ga bisa.",),
        bodies_en=("no VoLTE toggle for my {v} SIM, calls fail.",),
        variants=("Telkomsel", "Indosat", "XL", "smartfren", "by.U"),
    ),
    Scenario(
        "bluetooth", "minor", "problem", 1.0,
        titles_id=("bluetooth putus2 ke {v}", "{v} ga mau pairing"),
        titles_en=("bluetooth drops with {v}", "can't pair {v}"),
        bodies_id=("konek ke {v} suka putus sendiri tiap beberapa menit.",),
        bodies_en=("{v} disconnects every few minutes.",),
        variants=("TWS", "Redmi Buds 5", "Galaxy Buds FE", "headunit mobil", "smartwatch"),
    ),
    Scenario(
        "alarm", "minor", "problem", 0.6,
        titles_id=("alarm ga bunyi, telat kerja!!", "alarm {hp} kadang ga bunyi"),
        titles_en=("alarm didn't ring", "alarm silently fails on {hp}"),
        bodies_id=("alarm udah diset tapi ga bunyi, gara2 ini telat masuk kerja.",),
        bodies_en=("set the alarm and it never rang, I was late for work.",),
    ),
    Scenario(
        "ota_failed", "minor", "problem", 0.8,
        titles_id=("update gagal terus, instalasi error", "ga bisa update ke versi terbaru"),
        titles_en=("update fails to install", "stuck on 'installation failed'"),
        bodies_id=("download update sampe 100% terus tulisannya gagal memasang.",),
        bodies_en=("the update downloads fully then says installation failed.",),
    ),
    Scenario(
        "storage", "minor", "problem", 0.6,
        titles_id=("memori sistem makan {n}0GB", "penyimpanan penuh padahal file dikit"),
        titles_en=("system takes {n}0GB of storage", "storage full but few files"),
        bodies_id=("di penyimpanan 'lainnya/sistem' makan banyak, file saya dikit.",),
        bodies_en=("'system' uses a huge chunk of storage.",),
    ),
    Scenario(
        "ir_blaster", "minor", "problem", 0.4,
        titles_id=("remote IR ga bisa buat AC {v}",),
        titles_en=("IR remote doesn't work with {v} AC",),
        bodies_id=("aplikasi remote ga respon ke AC {v}, dulu bisa.",),
        bodies_en=("the IR remote app no longer controls my {v} AC.",),
        variants=("Sharp", "Panasonic", "Daikin", "LG", "Polytron"),
    ),
    Scenario(
        "gallery_missing", "minor", "problem", 0.5,
        titles_id=("foto dari {v} ga muncul di galeri",),
        titles_en=("{v} photos missing from gallery",),
        bodies_id=("foto yang dikirim lewat {v} ga muncul di galeri.",),
        bodies_en=("pictures received on {v} don't show up in the gallery.",),
        variants=("WhatsApp", "Telegram", "Instagram"),
    ),
    Scenario(
        "suggest_misc", "suggestion", "suggestion", 0.8,
        titles_id=("saran: {v}", "usul fitur {v}"),
        titles_en=("suggestion: {v}", "feature request: {v}"),
        bodies_id=("semoga di update berikutnya ada {v}, pasti banyak yang butuh.",),
        bodies_en=("would love {v} in the next update.",),
        # "Indonesian|English": one wish, written in the report's language.
        variants=("persentase batre di status bar|battery percentage in the status bar",
                  "always on display custom|a custom always-on display",
                  "tema gratis lebih banyak|more free themes",
                  "gesture navigasi lebih halus|smoother gesture navigation",
                  "info kesehatan baterai|a battery health screen",
                  "batas ngecas 80%|an 80% charging limit"),
    ),
    Scenario(
        "how_to", "minor", "question", 0.6,
        titles_id=("cara {v} di {hp} gimana?", "nanya dong, {v}"),
        titles_en=("how do I {v} on {hp}?", "question: {v}"),
        bodies_id=("maaf nubi, mau {v} tapi ga nemu menunya.",),
        bodies_en=("sorry if obvious, I can't find how to {v}.",),
        variants=("screenshot panjang|take a scrolling screenshot",
                  "pindah data dari hp lama|move my data from my old phone",
                  "matiin update otomatis|turn off automatic updates",
                  "sembunyiin aplikasi|hide apps",
                  "rekam layar pakai suara|record the screen with sound"),
    ),
)  # fmt: skip

OPEN_ID = (
    "", "", "", "halo min,", "permisi kak, mau nanya.", "min tolong.", "gan,", "selamat siang admin.",  # noqa: E501
    "mau lapor nih.", "assalamualaikum min,", "kak mau tanya,", "halo semua,", "admin {brand},",
)  # fmt: skip
OPEN_EN = (
    "",
    "",
    "",
    "hi,",
    "hello admin,",
    "hey guys,",
    "hi team,",
    "not sure where to post this.",
)
CONTEXT_ID = (
    "saya pake {hp}, versi {fw}.", "hp saya {hp} baru beli {n} bulan.", "{hp} saya, sistem {fw}.",
    "hp {hp} saya masih garansi.", "pake {hp} udah {n} bulan.", "{hp} beli di official store.",
)  # fmt: skip
CONTEXT_EN = (
    "I'm on a {hp}, {fw}.", "my {hp} is {n} months old.", "{hp} running {fw}.",
    "have a {hp}, still under warranty.", "bought my {hp} {n} months ago.",
)  # fmt: skip
TRIED_ID = (
    "udah coba restart.", "udah restart berkali2 tetep sama.", "udah reset pabrik tetep aja.",
    "udah clear cache.", "udah coba safe mode.", "udah update semua aplikasi.",
)  # fmt: skip
TRIED_EN = (
    "restarted already.",
    "factory reset didn't help.",
    "tried safe mode.",
    "cleared cache.",
)
PLEA_ID = (
    "mohon solusinya 🙏", "ada yg sama?", "gimana solusinya ya?", "tolong dibantu min.",
    "ini masalah software atau hardware?", "ada yg ngalamin juga?", "makasih.", "tolong fix di update berikutnya.",  # noqa: E501
    "", "",
)  # fmt: skip
PLEA_EN = (
    "any fix?",
    "anyone else?",
    "please help.",
    "is this hardware or software?",
    "thanks.",
    "",
)
ESCALATE_ID = (
    "udah {n} hari gak ada respon dari CS.", "kalau gak ada solusi mau lapor YLKI.",
    "viralin aja kalau gini terus.", "kecewa berat sama {brand}.", "ga bakal beli {brand} lagi.",
    "CS cuma nyuruh ke service center mulu.", "ini udah kedua kalinya, parah.",
    "bakal saya posting di twitter biar rame.",
)  # fmt: skip
ESCALATE_EN = (
    "{n} days and no reply from support.", "I'll report this to consumer protection.",
    "going to post this on twitter if nobody answers.", "never buying {brand} again.",
    "support just tells me to visit a service center.",
)  # fmt: skip
EMOJI = ("😭", "🙏", "😡", "😤", "🥲", "😩", "🙏🙏", "😢", "🤦‍♂️", "!!")

REPLIES_ID = (
    "sama gan, {hp} aku juga gitu.", "+1 min, sama persis.", "aku jg ngalamin, versi {fw}.",
    "coba wipe cache dulu gan.", "udah coba safe mode kak?", "bawa ke service center aja kak, masih garansi kan?",  # noqa: E501
    "nyimak.", "up, semoga cepet ada fix.", "punyaku normal2 aja, beda batch kali.",
    "kemarin aku reset pabrik jadi normal, tapi backup dulu.", "ikut pantau, sama masalahnya.",
    "min ini kapan ada update perbaikan?", "udah lapor lewat feedback di pengaturan juga.",
)  # fmt: skip
REPLIES_EN = (
    "same here on my {hp}.", "+1, exact same issue.", "same on {fw}.", "try safe mode first.",
    "take it to the service center if it's under warranty.", "following.",
    "mine is fine, maybe a different batch.", "factory reset fixed it for me, back up first.",
    "any update on this?", "reported through the feedback app too.",
)  # fmt: skip

# Informal Indonesian: each standard word becomes one of its everyday spellings.
SLANG_ID = {
    "tidak": ("gak", "ga", "nggak", "ngga", "gk", "tdk", "enggak", "g"),
    "ga": ("gak", "nggak", "ngga", "gk", "g", "ga"),
    "sudah": ("udah", "udh", "sdh", "dah"),
    "udah": ("udh", "udah", "dah", "sdh"),
    "banget": ("bgt", "bngt", "bangett", "bgtt"),
    "bgt": ("banget", "bgt", "bgtt"),
    "baterai": ("batre", "batrai", "baterai", "bateray"),
    "batre": ("baterai", "batre", "batrai"),
    "yang": ("yg",),
    "bisa": ("bs", "bisa"),
    "saya": ("aku", "gue", "sy", "gw", "saya"),
    "juga": ("jg",),
    "jg": ("juga", "jg"),
    "lagi": ("lg",),
    "belum": ("blm", "belom"),
    "padahal": ("pdhl", "padahal"),
    "terus": ("trs", "terus", "mulu"),
    "tolong": ("tlg", "plis", "tolongg"),
    "gimana": ("gmn", "gimana"),
    "kenapa": ("knp", "napa"),
    "sama": ("sm", "sama"),
    "hp": ("hape", "HP", "hp", "handphone"),
    "dengan": ("dgn", "sama"),
    "karena": ("krn", "soalnya"),
    "kalau": ("kalo", "klo", "kl"),
    "aplikasi": ("app", "apk", "aplikasi"),
    "sekarang": ("skrg", "sekarang"),
    "pake": ("pakai", "pake"),
    "makasih": ("mksh", "thx", "makasih"),
    "baru": ("br", "baru"),
}
SLANG_EN = {
    "you": ("u",),
    "please": ("pls", "plz"),
    "because": ("cuz", "bc"),
    "i'm": ("im",),
    "don't": ("dont",),
    "can't": ("cant",),
    "doesn't": ("doesnt",),
    "really": ("rly",),
    "thanks": ("thx", "tks"),
    "with": ("w/",),
}
_WORD_RE = re.compile(r"[A-Za-z']+")
_STRETCH = frozenset({"tolong", "parah", "banget", "bgt", "kecewa", "please", "help", "min", "kak",
                      "gan", "lama", "panas", "boros", "plis", "hilang"})  # fmt: skip
# Fans post in the evening and at lunch more than at 4 am.
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 6, 6, 5, 5, 6, 8, 7, 5, 5, 6, 7, 8, 10, 11, 10, 7, 3)
_HOUR_CUM = list(accumulate(_HOUR_WEIGHTS))

FIRST_NAMES = (
    "Andi", "Budi", "Dimas", "Rizky", "Fajar", "Agus", "Yoga", "Bayu", "Hendra", "Ilham",
    "Putri", "Ayu", "Dewi", "Siti", "Nur", "Rina", "Fitri", "Indah", "Wulan", "Sari",
    "Arif", "Reza", "Eko", "Joko", "Teguh", "Rahmat", "Fauzan", "Dinda", "Nadia", "Citra",
    "Kevin", "Michael", "Yohanes", "Made", "Ketut", "Komang", "Ucok", "Asep", "Ujang", "Cecep",
)  # fmt: skip
LAST_NAMES = (
    "Pratama", "Saputra", "Wijaya", "Santoso", "Hidayat", "Nugroho", "Siregar", "Nasution",
    "Lestari", "Permata", "Kurniawan", "Setiawan", "Gunawan", "Hutapea", "Simanjuntak",
    "Wibowo", "Putra", "Sihombing", "Rahayu", "Susanti",
)  # fmt: skip


def fan_names(count: int, seed: int = 0) -> list[str]:
    """``count`` distinct display names of fans: real-looking names and forum handles."""
    rng = Random(f"fans:{seed}")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        style = rng.random()
        if style < 0.45:
            name = f"{first} {last}"
        elif style < 0.7:
            name = f"{first.lower()}{rng.choice(('_', '.', ''))}{rng.randint(1, 999)}"
        elif style < 0.85:
            name = f"{first} {last[0]}."
        else:
            product = rng.choice(CATALOG)
            name = f"{first.lower()}_{product.slug.split('-')[-1]}{rng.randint(1, 99)}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


@dataclass
class _Problem:
    label: str
    scenario: Scenario
    product: CatalogProduct
    variant: str
    firmware: str  # the build the problem came with ("" when not tied to one)
    onset: float  # days from the window's start
    burst: bool


def _pick(rng: Random, cum: Sequence[float]) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _mention(product: CatalogProduct, rng: Random, *, must_name: bool, lang: str) -> str:
    """How a fan names the phone in text: full name, abbreviation, or just 'my phone'."""
    r = rng.random()
    if not must_name and r < 0.35:
        return rng.choice(("hp saya", "hp ini", "hp", "hape")) if lang == "id" else "my phone"
    if r < 0.6 or not product.aliases:
        name = product.marketing_name
        if product.brand not in name and rng.random() < 0.5:
            name = f"{product.brand} {name}"
    else:
        name = rng.choice(product.aliases)
    style = rng.random()
    return name.lower() if style < 0.3 else name.upper() if style < 0.35 else name


def _stretch(word: str, rng: Random) -> str:
    return word + word[-1] * rng.randint(1, 3)


def _typo(word: str, rng: Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def informalise(text: str, rng: Random, lang: str, level: float) -> str:
    """Rewrite text the way a fan types it: slang spellings, stretched words, typos."""
    slang = SLANG_ID if lang == "id" else SLANG_EN

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        options = slang.get(low)
        if options and rng.random() < level:
            return rng.choice(options)
        if low in _STRETCH and rng.random() < level * 0.4:
            return _stretch(word, rng)
        if len(word) > 5 and rng.random() < level * 0.025:
            return _typo(word, rng)
        return word

    return _WORD_RE.sub(swap, text)


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots)


def _sentence_case(text: str, rng: Random) -> str:
    if text and rng.random() < 0.5:
        return text[0].upper() + text[1:]
    return text


def _write(
    problem: _Problem, rng: Random, lang: str, product_field: str, firmware: str, exact_fw: bool
) -> tuple[str, str]:
    """Title and body of one report of ``problem`` in ``lang``, on ``firmware``."""
    scen, product = problem.scenario, problem.product
    must_name = product_field == ""
    exact = rng.random() < (0.5 if exact_fw else 0.2)
    fw_text = firmware if exact else firmware_vague(product, firmware, rng)
    slots = {
        "brand": product.brand,
        "fw": fw_text,
        "n": str(rng.choice((2, 2, 3, 3, 4, 5, 6, 7, 10))),
        "pct": str(rng.choice((10, 15, 20, 30, 35, 40, 50, 60))),
        "hrs": str(rng.choice((2, 3, 3, 4, 5))),
        "temp": str(rng.randint(42, 52)),
        "app": rng.choice(APPS),
        "v": problem.variant.split("|")[0 if lang == "id" else -1],
        "hour": str(rng.choice((6, 7, 8, 9))),
    }
    title_name = rng.random() < (0.7 if must_name else 0.35)
    slots["hp"] = _mention(product, rng, must_name=title_name, lang=lang)
    template = rng.choice(scen.titles_id if lang == "id" else scen.titles_en)
    title = _fill(template, slots)
    level = rng.choice((0.0, 0.3, 0.6, 0.9)) if lang == "id" else rng.choice((0.0, 0.0, 0.4))
    if lang == "id":
        opens, contexts, tried, pleas, escalate = (
            OPEN_ID,
            CONTEXT_ID,
            TRIED_ID,
            PLEA_ID,
            ESCALATE_ID,
        )
        bodies, details = scen.bodies_id, scen.details_id
    else:
        opens, contexts, tried, pleas, escalate = (
            OPEN_EN,
            CONTEXT_EN,
            TRIED_EN,
            PLEA_EN,
            ESCALATE_EN,
        )
        bodies, details = scen.bodies_en, scen.details_en
    parts = [_fill(rng.choice(opens), slots)]
    if must_name or rng.random() < 0.55:
        slots["hp"] = _mention(product, rng, must_name=True, lang=lang)
        parts.append(_fill(rng.choice(contexts), slots))
    slots["hp"] = _mention(product, rng, must_name=False, lang=lang)
    core = rng.sample(bodies, k=min(len(bodies), 1 if rng.random() < 0.6 else 2))
    parts.extend(_fill(c, slots) for c in core)
    if details and rng.random() < 0.45:
        parts.append(_fill(rng.choice(details), slots))
    if scen.kind == "problem" and rng.random() < 0.5:
        parts.append(rng.choice(tried))
    angry = scen.kind == "problem" and rng.random() < (
        0.16 if scen.severity == "critical" else 0.07
    )
    if angry:
        parts.append(_fill(rng.choice(escalate), slots))
    parts.append(rng.choice(pleas))
    if lang == "id" and rng.random() < 0.3:
        parts.append(rng.choice(EMOJI))
    body = " ".join(_sentence_case(p, rng) for p in parts if p)
    body = informalise(body, rng, lang, level)
    title = informalise(title, rng, lang, level * 0.6)
    if angry and rng.random() < 0.3:
        title = title.upper() + rng.choice(("!!", "!!!", " 😡"))
    elif rng.random() < 0.5:
        title = title[0].upper() + title[1:]
    if rng.random() < 0.05:  # some fans write one long line with no punctuation at all
        body = body.replace(". ", " ").replace(", ", " ")
    return title, body


def _problems(rng: Random, days: float) -> tuple[list[_Problem], list[float]]:
    """The frequent problems with their heavy-tailed popularity (a few big outbreaks)."""
    problems: list[_Problem] = []
    weights: list[float] = []
    for scen in MAIN_SCENARIOS:
        for product in CATALOG:
            variants = scen.variants or ("",)
            variant = rng.choice(variants)
            firmware = firmware_for(product, rng, newer=True) if scen.after_update else ""
            label = f"{scen.key}:{product.slug}" + (f":{_variant_slug(variant)}" if variant else "")
            problems.append(
                _Problem(label, scen, product, variant, firmware,
                         onset=rng.uniform(0, days * 0.9),
                         burst=scen.after_update or rng.random() < 0.3)
            )  # fmt: skip
            weights.append(scen.weight * _popularity(product) * rng.lognormvariate(0, 1.3))
    return problems, weights


def _popularity(product: CatalogProduct) -> float:
    return ((product.active_devices or 100_000) / 100_000) ** 0.6


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _variant_slug(variant: str) -> str:
    return _slug(variant.split("|")[0])


def _when(problem: _Problem, rng: Random, start: datetime, days: float) -> datetime:
    if problem.burst and rng.random() < 0.8:
        day = min(days - 0.01, problem.onset + rng.expovariate(1 / 2.0))
    else:
        day = rng.uniform(0, days)
    hour = _pick(rng, _HOUR_CUM)
    moment = start + timedelta(days=int(day), hours=hour, minutes=rng.randrange(60))
    return moment.replace(second=rng.randrange(60))


def generate(
    threads: int,
    seed: int = 0,
    *,
    end: datetime = DEFAULT_END,
    days: float = DEFAULT_DAYS,
    tail_share: float = 0.22,
    id_share: float = 0.68,
) -> list[dict]:
    """``threads`` labelled reports, oldest first, identical for identical arguments."""
    rng = Random(seed)
    start = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0)
    problems, weights = _problems(rng, days)
    cum = list(accumulate(weights))
    tail_cum = list(accumulate(s.weight for s in TAIL_SCENARIOS))
    product_cum = list(accumulate(_popularity(p) for p in CATALOG))
    authors = fan_names(max(20, threads // 3), seed)
    tail_problems: dict[str, _Problem] = {}
    drafts = []
    for _ in range(threads):
        if rng.random() < tail_share:
            scen = TAIL_SCENARIOS[_pick(rng, tail_cum)]
            product = CATALOG[_pick(rng, product_cum)]
            variant = rng.choice(scen.variants) if scen.variants else ""
            label = f"tail:{scen.key}:{product.slug}" + (
                f":{_variant_slug(variant)}" if variant else ""
            )
            problem = tail_problems.get(label)
            if problem is None:
                problem = _Problem(label, scen, product, variant, "", rng.uniform(0, days), False)
                tail_problems[label] = problem
        else:
            problem = problems[_pick(rng, cum)]
        drafts.append(_draft(problem, rng, start, days, authors, id_share))
    drafts.sort(key=lambda d: (d["created_at"], d["title"]))
    by_label: dict[str, list[str]] = {}
    for i, report in enumerate(drafts, start=1):
        report["external_id"] = f"demo-{seed}-{i:06d}"
        by_label.setdefault(report["label"], []).append(report["external_id"])
    reports = []
    for report in drafts:
        group = by_label[report["label"]]
        others = [e for e in group[: MAX_DUPLICATES + 1] if e != report["external_id"]]
        report["duplicates"] = others[:MAX_DUPLICATES]
        report["created_at"] = report["created_at"].isoformat()
        reports.append({key: report[key] for key in FIELDS})
    return reports


FIELDS = (
    "external_id", "title", "body", "product", "firmware", "kind", "author", "created_at",
    "label", "duplicates", "severity", "lang",
)  # fmt: skip


def _draft(
    problem: _Problem,
    rng: Random,
    start: datetime,
    days: float,
    authors: list[str],
    id_share: float,
) -> dict:
    product = problem.product
    lang = "id" if rng.random() < id_share else "en"
    if problem.firmware and rng.random() < 0.8:
        firmware = problem.firmware
    else:
        firmware = firmware_for(product, rng)
    r = rng.random()
    product_field = (
        product.marketing_name if r < 0.72 else rng.choice(product.aliases) if r < 0.82 else ""
    )
    firmware_field = firmware if rng.random() < 0.6 else ""
    title, body = _write(problem, rng, lang, product_field, firmware, bool(firmware_field))
    return {
        "title": title[:200],
        "body": body,
        "product": product_field,
        "firmware": firmware_field,
        "kind": problem.scenario.kind,
        # A few fans post a lot; most post once or twice.
        "author": authors[int(len(authors) * rng.random() ** 2.5)],
        "created_at": _when(problem, rng, start, days),
        "label": problem.label,
        "severity": problem.scenario.severity,
        "lang": lang,
    }


def replies(report: dict, count: int, seed: int = 0) -> list[str]:
    """``count`` replies to ``report`` from other fans, in the report's language."""
    rng = Random(f"replies:{seed}:{report['external_id']}")
    lang = report.get("lang", "id")
    product = _product_named(report)
    scen = _SCENARIO_BY_KEY.get(
        report.get("label", "").split(":")[0]
        if not report.get("label", "").startswith("tail:")
        else ""
    )
    tips = (scen.tips_id if lang == "id" else scen.tips_en) if scen else ()
    pool = (REPLIES_ID if lang == "id" else REPLIES_EN) + tips
    out = []
    for _ in range(count):
        slots = {
            "hp": _mention(product, rng, must_name=False, lang=lang) if product else "hp",
            "fw": report.get("firmware") or "versi terbaru",
        }
        text = _fill(rng.choice(pool), slots)
        out.append(informalise(text, rng, lang, 0.5) if lang == "id" else text)
    return out


_SCENARIO_BY_KEY = {s.key: s for s in MAIN_SCENARIOS}
_PRODUCT_BY_LABEL_SLUG = {p.slug: p for p in CATALOG}


def _product_named(report: dict) -> CatalogProduct | None:
    label = report.get("label", "")
    parts = label.split(":")
    slug = (
        parts[2]
        if label.startswith("tail:") and len(parts) > 2
        else parts[1]
        if len(parts) > 1
        else ""
    )
    return _PRODUCT_BY_LABEL_SLUG.get(slug)


def iter_jsonl(reports: list[dict], *, reply_count: int = 0, seed: int = 0) -> Iterator[str]:
    """The reports as JSON Lines, optionally with ``replies`` added to each."""
    for report in reports:
        if reply_count:
            report = {**report, "replies": replies(report, reply_count, seed)}
        yield json.dumps(report, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1000, help="number of reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="JSON Lines file to write (default: standard output)")
    parser.add_argument("--replies", type=int, default=0, help="add N replies to each report")
    parser.add_argument(
        "--end", default=DEFAULT_END.isoformat(), help="newest possible report (ISO 8601)"
    )
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="weeks covered, in days")
    args = parser.parse_args(argv)
    end = datetime.fromisoformat(args.end)
    if end.tzinfo is None:
        end = end.replace(tzinfo=WIB)
    reports = generate(args.threads, args.seed, end=end, days=args.days)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    try:
        for line in iter_jsonl(reports, reply_count=args.replies, seed=args.seed):
            out.write(line + "\n")
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
