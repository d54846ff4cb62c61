"""The lexicon of the triage engine, kept as plain data so it is easy to extend.

Everything here is written the way a fan types it *after* normalisation (lower case, slang
mapped through ``SLANG``), but terms are normalised again when the matcher is built, so an
entry may be written in slang too ("gak bisa ngecas").

Term syntax: words separated by spaces; a trailing ``*`` on the last word matches any word
that starts with it ("overheat*" matches "overheating", "overheated").
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Informal Indonesian (and a little English chat) spelling -> standard form. A value with a
# space expands to several tokens ("gabisa" -> "tidak bisa").
SLANG: dict[str, str] = {
    # negation
    "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak",
    "ngak": "tidak", "enggak": "tidak", "engga": "tidak", "g": "tidak", "tdk": "tidak",
    "tak": "tidak", "kagak": "tidak", "kaga": "tidak", "ndak": "tidak", "nda": "tidak",
    "gabisa": "tidak bisa", "gbs": "tidak bisa", "gakbisa": "tidak bisa", "tdkbisa": "tidak bisa",
    "gamau": "tidak mau", "gamao": "tidak mau", "gaada": "tidak ada", "gada": "tidak ada",
    "blm": "belum", "blom": "belum", "bkn": "bukan", "bukn": "bukan",
    # the device
    "hp": "hp", "hape": "hp", "handphone": "hp", "henpon": "hp", "ponsel": "hp",
    "batre": "baterai", "batrai": "baterai", "baterei": "baterai", "battery": "battery",
    "batere": "baterai", "btr": "baterai", "bat": "baterai",
    "cas": "cas", "ngecas": "cas", "ngecharge": "cas", "dicas": "cas", "dicharge": "cas",
    "ngecharger": "cas", "charge": "cas", "ngisi": "isi", "cash": "cas",
    "casan": "charger", "cesan": "charger", "carger": "charger", "casn": "charger",
    "kamera": "kamera", "kmra": "kamera", "cam": "kamera",
    "sinyal": "sinyal", "signal": "signal", "sinyl": "sinyal", "jaringan": "jaringan",
    "layr": "layar", "lcd": "layar",
    "apk": "aplikasi", "app": "aplikasi", "apps": "aplikasi", "aplikasinya": "aplikasi",
    "wa": "whatsapp", "ig": "instagram", "yt": "youtube", "fb": "facebook",
    "ml": "mobilelegends", "pubg": "pubg", "ff": "freefire",
    "update": "update", "apdet": "update", "updet": "update", "upgrade": "update",
    "pembaruan": "update", "pembaharuan": "update",
    "restrat": "restart", "restar": "restart",
    "wifi": "wifi", "wi-fi": "wifi", "bt": "bluetooth",
    # common words
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah", "sudh": "sudah",
    "bgt": "banget", "bngt": "banget", "bangt": "banget", "bngtt": "banget", "bget": "banget",
    "yg": "yang", "yng": "yang", "dgn": "dengan", "dg": "dengan", "ama": "sama", "sm": "sama",
    "sy": "saya", "aku": "saya", "gw": "saya", "gue": "saya", "gua": "saya", "ane": "saya",
    "krn": "karena", "karna": "karena", "soalnya": "karena", "coz": "because", "bc": "because",
    "bs": "bisa", "bsa": "bisa", "jd": "jadi", "jdi": "jadi", "tp": "tapi", "tpi": "tapi",
    "lg": "lagi", "lgi": "lagi", "klo": "kalau", "kalo": "kalau", "kl": "kalau",
    "trs": "terus", "trus": "terus", "hrs": "harus", "skrg": "sekarang", "skrng": "sekarang",
    "knp": "kenapa", "napa": "kenapa", "gmn": "bagaimana", "gimana": "bagaimana",
    "gmna": "bagaimana", "min": "admin", "mimin": "admin", "tlg": "tolong", "tolongin": "tolong",
    "mhn": "mohon", "utk": "untuk", "buat": "untuk", "dr": "dari", "dri": "dari",
    "sampe": "sampai", "smp": "sampai", "ampe": "sampai", "abis": "habis", "abs": "habis",
    "cpt": "cepat", "cepet": "cepat", "lmyn": "lumayan", "pake": "pakai", "pke": "pakai",
    "dipake": "dipakai", "gara2": "karena", "emg": "memang", "emang": "memang",
    "aja": "saja", "aj": "saja", "doang": "saja", "bener": "benar", "bnr": "benar",
    "kyk": "seperti", "kayak": "seperti", "kaya": "seperti", "kek": "seperti",
    "jg": "juga", "jga": "juga", "msh": "masih", "masi": "masih", "tau": "tahu", "tw": "tahu",
    "bbrp": "beberapa", "hr": "hari", "mgg": "minggu", "bln": "bulan", "thn": "tahun",
    "ilang": "hilang", "ngilang": "hilang", "ilng": "hilang", "tetep": "tetap",
    "dpt": "dapat", "dapet": "dapat", "nyala": "nyala", "idup": "hidup", "mati2": "mati",
    "ngelag": "lag", "nge-lag": "lag", "ngeleg": "lag", "leg": "lag", "lagg": "lag",
    "ngehang": "hang", "ngefreeze": "freeze", "ngestuck": "stuck", "nyangkut": "stuck",
    "pls": "please", "plz": "please", "pliss": "tolong", "plis": "tolong",
    "thx": "thanks", "tq": "terima kasih", "makasih": "terima kasih", "trims": "terima kasih",
    "u": "you", "ur": "your", "r": "are", "dont": "don't", "doesnt": "doesn't",
    "cant": "can't", "wont": "won't", "isnt": "isn't", "didnt": "didn't", "im": "i'm",
    "respon": "respon", "respons": "respon", "response": "response", "balesan": "balasan",
    "dibales": "dibalas", "bales": "balas", "cs": "cs", "sc": "service center",
    "servis": "service", "sevice": "service", "sercive": "service",
}

# English words of the phone domain -> the Indonesian word fans use, so that an English and
# an Indonesian report share words and not only concepts. Applied like SLANG (and to the
# concept terms too, which are normalised the same way).
GLOSSARY: dict[str, str] = {
    "phone": "hp", "smartphone": "hp", "cellphone": "hp", "device": "hp", "handset": "hp",
    "battery": "baterai", "batteries": "baterai", "screen": "layar", "display": "layar",
    "camera": "kamera", "cameras": "kamera", "photo": "foto", "photos": "foto",
    "picture": "foto", "pictures": "foto", "video": "video", "gallery": "galeri",
    "signal": "sinyal", "network": "jaringan", "charger": "charger", "charging": "cas",
    "charge": "cas", "charges": "cas", "charged": "cas", "cable": "kabel",
    "hot": "panas", "heat": "panas", "heats": "panas", "warm": "hangat",
    "slow": "lemot", "slower": "lemot", "lemot": "lemot", "lelet": "lemot",
    "lagging": "lag", "laggy": "lag", "lags": "lag",
    "game": "game", "games": "game", "gaming": "game", "play": "main", "playing": "main",
    "update": "update", "updates": "update", "updated": "update", "updating": "update",
    "sound": "suara", "voice": "suara", "speaker": "speaker", "speakers": "speaker",
    "call": "telepon", "calls": "telepon", "calling": "telepon", "telpon": "telepon",
    "nelpon": "telepon", "panggilan": "telepon",
    "notification": "notifikasi", "notifications": "notifikasi", "notif": "notifikasi",
    "app": "aplikasi", "application": "aplikasi", "applications": "aplikasi",
    "restart": "restart", "restarts": "restart", "restarting": "restart", "reboot": "restart",
    "reboots": "restart", "rebooting": "restart",
    "overnight": "semalam", "semalem": "semalam", "night": "malam", "malem": "malam",
    "day": "hari", "days": "hari", "week": "minggu", "weeks": "minggu",
    "month": "bulan", "months": "bulan", "hour": "jam", "hours": "jam",
    "minute": "menit", "minutes": "menit", "new": "baru", "still": "masih",
    "broken": "rusak", "damaged": "rusak", "dead": "mati", "off": "mati",
    "fingerprint": "fingerprint", "sidik": "sidik", "button": "tombol", "volume": "volume",
    "back": "belakang", "front": "depan", "line": "garis", "lines": "garis",
    "green": "hijau", "white": "putih", "black": "hitam", "pink": "pink", "purple": "ungu",
    "blurry": "blur", "blurred": "blur", "burem": "blur", "buram": "blur",
    "swollen": "kembung", "swelling": "kembung", "bulging": "kembung", "gembung": "kembung",
    "menggembung": "kembung", "bengkak": "kembung",
    "drain": "boros", "drains": "boros", "draining": "boros",
    "disconnect": "putus", "disconnects": "putus", "disconnecting": "putus",
    "disconnected": "putus", "drops": "putus", "dropping": "putus",
    "missing": "hilang", "gone": "hilang", "lost": "hilang", "disappeared": "hilang",
    "deleted": "terhapus", "erased": "terhapus", "wiped": "terhapus",
    "stuck": "stuck", "logo": "logo", "bootloop": "bootloop", "freeze": "hang",
    "freezes": "hang", "frozen": "hang", "hang": "hang", "hangs": "hang",
    "dies": "mati", "died": "mati", "dying": "mati", "shut": "mati", "shuts": "mati",
    "shutdown": "mati", "flicker": "kedip", "flickers": "kedip", "flickering": "kedip",
    "blinking": "kedip", "ads": "iklan", "ad": "iklan", "advert": "iklan", "touch": "sentuh",
    "slowly": "lemot", "heating": "panas", "overheats": "panas",
    "record": "rekam", "recording": "rekam", "mic": "mic", "microphone": "mic",
    "keyboard": "keyboard", "connect": "konek", "connection": "koneksi",
}

# Names of several words that must stay one token, so their words do not read as symptoms
# ("free fire" is a game, not a fire).
PHRASES: dict[str, str] = {
    "free fire": "freefire", "mobile legends": "mobilelegends", "mobile legend": "mobilelegends",
    "hot wheels": "hotwheels", "fire tv": "firetv", "hot spot": "hotspot",
}

# Dropped from the lexical vector only; concept and severity rules still see them.
# English: scikit-learn's list (Glasgow IR group) plus chat words; Indonesian: our own.
STOPWORDS: frozenset[str] = ENGLISH_STOP_WORDS | frozenset(
    """
    just really please hi hello thanks thank guys anyone doesn't don't didn't isn't i'm
    can't won't
    yang dan di ke dari ini itu dengan untuk pada adalah juga saya kami kita kamu anda dia
    mereka akan sudah lagi karena jadi tapi atau kalau seperti saja sama masih bisa ada
    dalam oleh ya yg nya pun lah kah sih dong deh kok nih tuh loh lho kak gan min admin
    mohon tolong terima kasih halo hai selamat pagi siang sore malam bang bro sis om
    banget sangat sekali tersebut bagaimana apakah apa kenapa mengapa kapan hari
    setelah telah sejak ketika sebelum sesudah saat pas
    """.split()
)


@dataclass(frozen=True)
class Concept:
    """One symptom, function or request, with its Indonesian and English terms.

    ``kind`` decides how the matcher reads context:
    - ``symptom``: the words name a problem; a negation before them cancels it ("tidak panas").
    - ``function``: the words name a part or function of the phone; it is a problem of
      ``severity`` only when a *broken* marker is near ("kamera tidak bisa dibuka"), and of
      ``minor`` severity when only a *degraded* marker is near ("sinyal lemot").
    - ``request``: a suggestion or feature request.
    """

    id: str
    kind: str
    severity: str
    terms: tuple[str, ...]


def _c(id: str, kind: str, severity: str, terms: str) -> Concept:
    return Concept(id, kind, severity, tuple(t.strip() for t in terms.split("|") if t.strip()))


CONCEPTS: tuple[Concept, ...] = (
    # --- critical: safety, data loss, dead or boot-looping device
    _c("overheat", "symptom", "critical",
       "panas | kepanasan | cepat panas | terlalu panas | panas banget | anget | hangat | "
       "overheat* | over heat | heat up | heats up | heating | hot | too hot | very hot | "
       "burning hot | suhu tinggi | suhu naik | "
       "anget banget | panas sekali | mendidih | gets hot | running hot | thermal | "
       "throttl*"),
    _c("battery_swelling", "symptom", "critical",
       "kembung | menggembung | gembung | mengembung | bengkak | membengkak | menggelembung | "
       "swell* | swollen | bulging | bulge* | puffy | puffed up | casing terangkat | "
       "back cover terangkat | backdoor terangkat"),
    _c("fire_smoke", "symptom", "critical",
       "terbakar | kebakar | gosong | hangus | bau hangus | bau terbakar | berasap | "
       "meledak | ledak | meleleh | percikan api | keluar api | keluar asap | "
       "burn* | burnt | smoke | smoking | "
       "fire | flames | explod* | melt* | sparks | burning smell"),
    _c("data_loss", "symptom", "critical",
       "data hilang | foto hilang | file hilang | kontak hilang | chat hilang | "
       "data terhapus | foto terhapus | file terhapus | kehapus | terhapus sendiri | "
       "data lenyap | galeri kosong | lost data | lost all | data loss | data lost | "
       "photos gone | photos deleted | files deleted | wiped | erased | lost my photos | "
       "lost my data | lost my files"),
    _c("bootloop", "symptom", "critical",
       "bootloop | boot loop | boot looping | bootlooping | stuck di logo | stuck logo | "
       "mentok di logo | mentok logo | nyangkut di logo | restart terus | restart terus menerus | "
       "mati nyala terus | hidup mati terus | stuck on logo | stuck at logo | stuck on boot | "
       "stuck at boot | keeps restarting | keeps rebooting | restart loop | reboot loop | "
       "fastboot terus | masuk fastboot | recovery terus | stuck on mi logo | stuck di fastboot | "
       "muter logo | muter muter logo | muter terus logo | logo terus | cuma sampai logo | "
       "sampai logo | reboot terus | nyala mati terus | hidup mati | nyala mati | mati hidup | "
       "stuck boot | stuck at the logo | stuck on the logo | stuck on boot screen | gagal boot | "
       "tidak bisa boot | tidak bisa masuk menu | tidak bisa masuk sistem | can't boot | "
       "cannot boot | boot failure | masuk recovery | mode recovery | stuck recovery"),
    _c("dead_device", "symptom", "critical",
       "mati total | tidak bisa nyala | tidak mau nyala | tidak nyala | tidak bisa hidup | "
       "tidak mau hidup | tidak bisa dihidupkan | tidak bisa menyala | tidak menyala | "
       "mati mendadak tidak bisa nyala | matot | brick* | hardbrick | hard brick | "
       "won't turn on | will not turn on | doesn't turn on | does not turn on | "
       "can't turn on | cannot turn on | not turning on | won't power on | dead phone | "
       "completely dead | totally dead | phone died | phone is dead | layar hitam total | "
       "tidak berfungsi sama sekali | tidak fungsi sama sekali | tidak nyala sama sekali | "
       "tidak hidup sama sekali | tidak bisa hidup sama sekali | mati sama sekali | "
       "rusak total | does nothing at all | doesn't work at all | does not work at all | "
       "tidak bisa on | tidak mau on | won't boot | doesn't boot | will not boot | "
       "mati suri | tidak ada tanda kehidupan | no sign of life | bricked | "
       "won't power up | no power | mati setelah update | mati habis update | "
       "dead after update | died after update"),
    # Broken, without saying which part: a problem of its own unless a part or function
    # is named just before it ("kamera rusak" is the camera broken; see GENERIC_SYMPTOMS).
    _c("broken", "symptom", "major",
       "rusak | cacat | tidak berfungsi | tidak fungsi | tidak bisa dipakai | "
       "tidak bisa digunakan | tidak dapat digunakan | tidak bisa dipake | retak | "
       "bengkok | copot | jebol | pecah | hancur | broken | defective | cracked | unusable"),
    # The box, not the device: a shipping complaint ("packing rusak", "segel rusak").
    _c("packaging", "symptom", "minor",
       "packing rusak | packingnya rusak | kemasan rusak | dus rusak | dusnya rusak | "
       "box rusak | kardus rusak | segel rusak | segel terbuka | packing jelek | "
       "packing kurang | kemasan penyok | dus penyok | box penyok | damaged box | "
       "damaged packaging"),
    # --- major: a core function broken
    _c("calls", "function", "major",
       "telepon | telpon | nelpon | menelepon | panggilan | call* | dialer | volte | "
       "phone call | incoming call | outgoing call"),
    _c("signal", "function", "major",
       "sinyal | signal | jaringan | network | 4g | 5g | lte | no service | "
       "sim | sim card | kartu sim | simcard | provider | operator | data seluler | mobile data"),
    _c("charging", "function", "major",
       "cas | charger | charging | isi daya | mengisi daya | pengisian | fast charging | "
       "fast charge | turbo charge | hypercharge | port usb | port type c | usb c | type c | "
       "ngecas | ngisi | isi ulang | colokan | charging port | port cas | kabel cas"),
    _c("camera", "function", "major",
       "kamera | camera | kamera depan | kamera belakang | front camera | rear camera | "
       "selfie | ultrawide | ultra wide | lensa | lens"),
    _c("display", "function", "major",
       "layar | screen | display | touchscreen | touch screen | sentuh | layar sentuh | "
       "amoled | panel"),
    # Not in the core list of the severity scale (calls, signal, charging, camera, display):
    # broken, these are minor.
    _c("wifi_bluetooth", "function", "minor",
       "wifi | bluetooth | hotspot | tethering | gps | nfc"),
    _c("audio", "function", "minor",
       "speaker | suara | audio | mic | mikrofon | microphone | earpiece | headset | "
       "sound | volume"),
    _c("fingerprint", "function", "minor",
       "fingerprint | sidik jari | face unlock | buka wajah | pemindai | sensor sidik jari | "
       "sensor di layar | sensor layar | in display | in-display | in display sensor | "
       "under display"),
    _c("green_line", "symptom", "major",
       "garis hijau | garis ungu | garis pink | garis putih | garis di layar | layar bergaris | "
       "bergaris | green line | pink line | purple line | lines on screen | vertical line | "
       "horizontal line"),
    _c("ghost_touch", "symptom", "major",
       "ghost touch | sentuh sendiri | touchscreen error | layar tidak responsif | "
       "layar tidak bisa disentuh | touch not working | unresponsive touch | "
       "screen unresponsive | pencet sendiri | klik sendiri | ketik sendiri | "
       "buka aplikasi sendiri | touches by itself | taps by itself | types by itself | "
       "registers touches | phantom touch* | random touches | "
       "gerak sendiri | layar gerak sendiri | kepencet sendiri | ketekan sendiri | "
       "touch sendiri | touch error | touch eror"),
    _c("screen_flicker", "symptom", "major",
       "layar kedip | layar berkedip | layar kedip kedip | layar flicker | "
       "screen flicker* | display flicker* | screen blinking | flicker* | kedip kedip | "
       "kedap kedip | kelap kelip | berkedip kedip | layar kelip"),
    _c("black_screen", "symptom", "major",
       "layar hitam | layar gelap | layar blank | black screen | blank screen | "
       "screen went black | screen goes black"),
    _c("random_restart", "symptom", "major",
       "restart sendiri | reboot sendiri | mati sendiri | mati mendadak | tiba tiba mati | "
       "tiba tiba restart | random restart | random reboot | restarts by itself | "
       "reboots by itself | turns off by itself | shuts down | shut down randomly | "
       "sudden shutdown | random shutdown | "
       "restart tiba tiba | reboot tiba tiba | sering restart | suka restart | "
       "auto restart | auto reboot | restart otomatis | shuts off | turns off randomly | "
       "restarts randomly | reboots randomly | keeps shutting down | keeps turning off"),
    _c("no_sim", "symptom", "major",
       "sim tidak terbaca | sim tidak terdeteksi | sim tidak kebaca | sim tidak kedetek | "
       "kartu sim tidak terbaca | kartu sim tidak kebaca | no sim | no sim card | "
       "sim not detected | sim card not detected | sim isn't detected | sim is not detected | "
       "sim card isn't detected | sim card is not detected | sim not recognized | "
       "emergency calls only | "
       "panggilan darurat saja | imei hilang | imei null | imei unknown"),
    # --- minor: degraded
    _c("battery_drain", "symptom", "minor",
       "boros | boros baterai | baterai boros | baterai cepat habis | cepat habis | "
       "baterai drop | drop drastis | persen turun | drain* | battery drain | "
       "cuma bertahan | hanya bertahan | tidak tahan lama | tidak awet | cepat drop | "
       "baterai tidak tahan | doesn't last | does not last | barely lasts | "
       "battery draining | battery drains | drains fast | battery life | sot | "
       "screen on time | dies quickly | dies fast | "
       "cepat lowbat | lowbat | low bat | baterai bocor | persen cepat turun | "
       "cepat turun | battery dies | battery health | kesehatan baterai | drains quickly | "
       "drains overnight | boros banget"),
    _c("lag", "symptom", "minor",
       "lag | lemot | lelet | lambat | patah patah | ngadat | hang | freeze | "
       "frozen | freezing | stutter* | slow | sluggish | laggy | frame drop | fps drop | "
       "fps turun | tersendat | macet | delay | "
       "ngelemot | berat | loading lama | lama loading | lama buka | jank | choppy | "
       "stutters | macet macet"),
    _c("app_crash", "symptom", "minor",
       "force close | fc | keluar sendiri | aplikasi keluar | tertutup sendiri | crash* | "
       "not responding | tidak merespon | stopped working | berhenti sendiri | "
       "keeps stopping | terus berhenti | "
       "close sendiri | ke close | keclose | aplikasi tertutup | keluar tiba tiba | "
       "crash terus | app closes | force stop | berhenti bekerja | telah berhenti | "
       "has stopped | keeps closing"),
    _c("glitch", "symptom", "minor",
       "bug | glitch* | error | eror | suara pecah | gambar pecah | foto pecah | "
       "video pecah | kresek | krasak krusuk | crackl* | distort* | "
       "tidak muncul | blur | buram | "
       "burem | tidak fokus | out of focus | blurry | noise | grainy | "
       "animasi patah | icon hilang | ikon hilang | tampilan berantakan | ui bug"),
    _c("notification", "symptom", "minor",
       "notifikasi telat | notif telat | notif tidak muncul | notif tidak masuk | notif delay | "
       "notif baru masuk | notifikasi tidak muncul | notifikasi tidak masuk | "
       "notifikasi baru masuk | notification delay | delayed notification | "
       "notifications late | no notifications | notifications don't show | "
       "notifications not showing"),
    # Advertising pushed by the system or its apps.
    _c("ads", "symptom", "minor",
       "iklan | banyak iklan | iklan muncul | popup iklan | pop up iklan | ads | adware | "
       "advertisement | pop up ads | popup ads"),
    # --- suggestions
    _c("feature_request", "request", "suggestion",
       "saran | usul | usulan | masukan | request | req | tambah fitur | tambahkan fitur | "
       "tambahin fitur | fitur baru | mohon ditambahkan | tolong ditambahkan | "
       "tolong tambahkan | mohon tambahkan | harap ditambahkan | semoga ditambahkan | "
       "semoga ada | alangkah baiknya | lebih baik kalau | bagusnya | "
       "suggest* | feature request | please add | would be nice | it would be great | "
       "wish list | wishlist | add an option | add option | add a feature | "
       "should add | consider adding | fitur dual app | dual app | opsi | "
       "tambahin | tambahkan | ditambahin | tolong tambahin | tolong adakan | "
       "kembalikan fitur | balikin fitur | please bring back | bring back | "
       "please remove | remove ads | remove the ads | hapus iklan | hilangkan iklan | "
       "tanpa iklan | no ads | option to | opsi untuk | please allow | allow us to"),
)

# Neighbouring concepts that one problem shows as, in different posts: "won't turn on",
# "boot loop" and "restarts by itself" after one update are one wave. A post reporting a
# concept also gets its family as a weaker shared feature.
FAMILIES: dict[str, str] = {
    "bootloop": "power", "dead_device": "power", "random_restart": "power",
    "black_screen": "screen", "green_line": "screen", "ghost_touch": "screen",
    "screen_flicker": "screen", "display": "screen",
    "battery_drain": "battery", "charging": "battery",
    "overheat": "heat", "battery_swelling": "heat", "fire_smoke": "heat",
    "signal": "network", "no_sim": "network", "calls": "network",
    "lag": "performance", "app_crash": "performance",
}  # fmt: skip

# Symptoms that name no part: with a part or function named just before them in the
# clause ("mic tidak nyala", "kamera rusak") they tell how that part failed, not that the
# device is dead or broken.
GENERIC_SYMPTOMS: frozenset[str] = frozenset({"broken", "dead_device"})

# A negation within NEGATION_WINDOW tokens before a symptom cancels it ("tidak panas").
NEGATORS: frozenset[str] = frozenset(
    "tidak bukan belum tanpa jangan no not never without isn't wasn't doesn't don't "
    "didn't aren't".split()
)
NEGATION_WINDOW = 3

# Markers near a function concept that make it a problem of the concept's severity.
BROKEN_MARKERS: list[str] = (
    "tidak bisa | tidak berfungsi | tidak jalan | tidak ada | tidak mau | tidak terdeteksi | "
    "tidak terbaca | tidak masuk | tidak keluar | tidak nyala | tidak konek | tidak connect | "
    "tidak bunyi | tidak respon | tidak merespon | tidak mengisi | tidak isi | tidak fungsi | "
    "rusak | mati | error | eror | gagal | hilang | hilang hilangan | putus | putus putus | "
    "mendadak hilang | blank | tidak | no | not | can't | cannot | won't | doesn't | isn't | "
    "didn't | broken | dead | fail* | stopped | stops | lost | drops | dropping | keeps dropping | "
    "disconnect* | not working | doesn't work | does not work | stopped working | "
    "not detected | unable | crash* | force close | keluar sendiri | tertutup sendiri | "
    "closes | freezes | ngeblank | kebaca | tidak kebaca | tidak kedetek | isn't detected | "
    "pecah | retak | patah | cacat | copot | jebol | hancur | cracked | bengkok"
).split("|")
DEGRADED_MARKERS: list[str] = (
    "lambat | lemot | lelet | kurang | agak | kadang | kadang kadang | suka | sering | "
    "jelek | buruk | lama | lemah | slow | slower | weak | sometimes | poor | bad | "
    "worse | occasionally | takes long | lebih lama"
).split("|")
MARKER_WINDOW = 4

# A clause that asks whether something is normal is not a confirmed report of it.
HEDGE_WORDS: frozenset[str] = frozenset({"normal", "wajar", "normalkah", "wajarkah"})
QUESTION_WORDS: frozenset[str] = frozenset({"apakah", "apa", "kah", "is", "are", "does", "do"})
# A hedge word followed by one of these asks a question: "normal gak?", "wajar sih?".
HEDGE_TAGS: frozenset[str] = frozenset({"tidak", "sih", "kah", "bukan", "ya", "kan"})


@dataclass(frozen=True)
class EscalationTerm:
    """A phrase that makes a post more likely to become a public problem."""

    category: str
    weight: float
    term: str


def _e(category: str, weight: float, terms: str) -> tuple[EscalationTerm, ...]:
    return tuple(EscalationTerm(category, weight, t.strip()) for t in terms.split("|") if t.strip())


ESCALATION_TERMS: tuple[EscalationTerm, ...] = (
    # Anger raises heat but is not by itself a sign of going public. "parah" ("bad") is
    # left out: fans use it for symptoms ("lag parah").
    *_e("anger", 0.3,
        "kecewa | kecewa berat | sangat kecewa | mengecewakan | marah | kesal | kesel | "
        "jengkel | payah | sampah | zonk | rugi | nyesel | menyesal | kapok | "
        "ampas | bobrok | jelek banget | tidak becus | tidak profesional | "
        "percuma | tidak guna | tidak berguna | kurang ajar | rese | hadeh | capek | "
        "bintang 1 | nyesal | menyesal beli | "
        "disappointed | angry | furious | frustrated | terrible | worst | horrible | "
        "garbage | trash | useless | unacceptable | ridiculous | never again | regret"),
    *_e("anger", 0.4,
        "penipuan | penipu | tipu | bohong | scam | fraud | anjing | anjir | bangsat | "
        "brengsek | tai | wtf | shit"),
    *_e("unanswered", 0.5,
        "tidak ada respon | belum ada respon | tidak direspon | belum direspon | "
        "tidak respon | tidak merespon | no respon | tidak di respon | tidak di balas | "
        "tidak di tanggapi | tidak dtanggapi | tidak ada balasan | belum ada balasan | "
        "tidak dibalas | belum dibalas | tidak ada tanggapan | belum ada tanggapan | "
        "tidak ditanggapi | belum ditanggapi | tidak tanggap | dicuekin | dikacangin | "
        "diabaikan | cuma di read | cuma diread | di read saja | dibaca saja | "
        "tidak ada jawaban | belum ada jawaban | tidak ada solusi | belum ada solusi | "
        "tidak ada kejelasan | belum ada kejelasan | tidak ada tanggung jawab | "
        "tidak bertanggung jawab | tidak mau tanggung jawab | "
        "no response | no reply | no answer | no one answers | nobody answers | ignored | "
        "still no fix | still waiting | masih menunggu | nunggu terus | sampai kapan | "
        "kesekian kali | udah lapor | sudah lapor | "
        "sudah komplain | sudah complain | sudah ke service center | again and again"),
    # How long it has lasted ("udah 3 hari" is read by a pattern in escalation.py).
    *_e("waiting", 0.3,
        "sampai sekarang | sampai saat ini | hingga sekarang | hingga kini | "
        "sampai hari ini | berhari hari | berminggu minggu | dari kemarin | sejak kemarin | "
        "sejak komplain | for days | for weeks | until now | still nothing"),
    # Telling others not to buy: a warning, not yet going public.
    *_e("warning", 0.3,
        "jangan beli | jangan pernah beli | jangan ada yang beli | tidak rekomendasi | "
        "tidak rekomen | tidak recommended | tidak recommend | not recommended | "
        "do not buy | don't buy | avoid"),
    # Asking for money back: serious once it is refused or ignored (with "unanswered").
    *_e("demand", 0.3,
        "refund | uang kembali | uang saya kembali | kembalikan uang | balikin uang | "
        "ganti rugi | money back"),
    *_e("public", 0.8,
        "viral | viralkan | viralin | spill | media massa | wartawan | berita | koran | "
        "jurnalis | journalist | go public | bawa ke media | lapor media | masuk berita"),
    # A social network named is a mention ("nonton youtube", "IG doang"); with a verb of
    # publishing in the same post it is a threat to go public.
    *_e("channel", 0.0,
        "medsos | media sosial | sosmed | social media | twitter | tiktok | instagram | "
        "facebook | youtube | threads | forum lain | grup"),
    *_e("publish", 0.0,
        "sebar | sebarkan | posting | post | upload | unggah | bikin video | bikin review | "
        "review jelek | share | bagikan | laporkan | laporin | kasih tahu semua | tag"),
    *_e("legal", 1.0,
        "ylki | bpsk | lapor polisi | polisi | pengacara | somasi | gugat | tuntut | "
        "jalur hukum | perlindungan konsumen | lembaga konsumen | lembaga perlindungan | "
        "kemendag | ojk | lawyer | sue | lawsuit | legal action | consumer protection | "
        "class action"),
)

# Severity concepts that count as safety words for escalation.
SAFETY_CONCEPTS: frozenset[str] = frozenset({"overheat", "battery_swelling", "fire_smoke"})
SAFETY_WEIGHT = 0.3
