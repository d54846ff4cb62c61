"""Which words describe a cluster: its distinctive content words.

Managers read a cluster's keywords beside its label, so they must name the problem
("wifi", "putus", "5ghz"), not the way fans write ("keeps", "menit", "there's", "ngaruh").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words that name no problem, part or situation: units of time and amount, the phone
# itself and its brands (a cluster is of one product already), and the verbs, adverbs
# and fillers of chat that the stop-word list leaves in.
NOT_CONTENT = frozenset(
    """
    detik menit jam hari minggu bulan tahun kali persen pagi siang sore malam kemarin
    besok tadi sekarang baru lama second seconds minute minutes hour hours day days week
    weeks month months year years time times percent today yesterday tomorrow ago am pm
    hp hape handphone phone phones smartphone device devices unit
    xiaomi redmi poco mi samsung galaxy oppo vivo realme infinix iphone apple note pro plus
    ultra lite max min
    mau ingin pengen bikin buat jadi kadang langsung terus tiba tanpa perlu suka pernah
    sering selalu belum coba dicoba nyoba gini gitu begini begitu kayak doang ngaruh
    pengaruh berpengaruh banyak sedikit semua setiap tetap biasa padahal cuma hanya
    gimana dapat boleh harus pakai dipakai pake make bener benar udah sudah emang memang
    aja tau tahu lihat liat kasih minta tanya nanya bilang orang teman tidak lalu bentar
    sebentar gampang bagian mulu muncul habis abis walau walaupun pdhl kayaknya setelah
    sebelum sendiri
    keep keeps kept get gets got getting make makes made use used uses using way thing
    things something anything help looks look looking right left also even still back
    really lot lots much every since new old good bad like want need try tried trying
    come comes go goes going know think said say says team guys away latest forever shows
    """.split()
)
# Enough letters to be a word, or a letter and a digit ("5g", "60hz"); not a bare number.
_WORD_RE = re.compile(r"^(?=.*[a-z])(?:[a-z]{3,}|(?=.*[0-9])[a-z0-9]{2,})$")
# A cluster this large names only words at least two of its threads use.
SHARED_FROM = 3
# ... unless fewer than this many such words exist; then the strongest others fill in.
MIN_KEYWORDS = 3


def _is_content_word(word: str) -> bool:
    return "'" not in word and bool(_WORD_RE.match(word)) and word not in NOT_CONTENT


def keywords(candidates: Iterable[tuple[str, float, int]], members: int, n: int = 5) -> list[str]:
    """The ``n`` words that best describe a cluster of ``members`` threads.

    ``candidates`` are ``(word, weight, threads)``: a word of the cluster, its weight in
    the cluster's centroid (tf-idf summed over members, so rare and repeated words weigh
    most) and how many member threads use it. Content words only; in a cluster of
    ``SHARED_FROM`` threads or more, a word one thread alone uses is that thread's
    chatter, not the cluster's, and comes only to fill up to ``MIN_KEYWORDS``.
    """
    ranked = sorted(
        ((w, weight, used) for w, weight, used in candidates if _is_content_word(w)),
        key=lambda c: (-c[1], c[0]),
    )
    if members < SHARED_FROM:
        return [w for w, _weight, _used in ranked[:n]]
    shared = [w for w, _weight, used in ranked if used >= 2][:n]
    if len(shared) >= MIN_KEYWORDS:
        return shared
    others = [w for w, _weight, used in ranked if used < 2]
    return shared + others[: MIN_KEYWORDS - len(shared)]
