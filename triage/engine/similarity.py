"""Thread vectors and the top-k similar-threads index.

A thread is a bag of *terms* (plain, JSON-serialisable counts) in two blocks:

- ``w:`` words of title and body (stop words out, slang mapped, English words of five
  letters or more as their lemma, so "readers" matches "reader"), the raw values of
  parameters (versions, firmware builds: different builds still match on the placeholder
  while equal builds match a little more), and symptom concepts as ``w:#overheat``, shared
  by Indonesian and English ("panas" and "overheating" are both ``#overheat``), counted
  ``CONCEPT_BOOST`` times. Inside the word block a concept weighs a lot in a short post
  and little in a long technical report, which is what we want;
- ``t:`` the same for the title alone, as a field of its own (titles are dense).

A vector is sublinear tf x idf per term, each block scaled to unit length and weighted by
``BLOCK_WEIGHTS`` (shares of the squared norm), so the cosine of two threads is the weighted
mean of the cosines of their blocks. Document frequencies are counted by the index from the
terms it holds, so the vocabulary needs no fitted state shared between workers and can
always be rebuilt from the stored terms. These choices were measured on dup-hadoop.jsonl
(see docs/engine.md).

Search is an inverted index (term -> documents, weights), so a query only touches threads
that share a term with it.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from triage.engine.normalize import CLAUSE_END, QUESTION_END, NormalizedText, Param, english_lemma
from triage.engine.vocabulary import STOPWORDS

BLOCKS = ("w", "t")
BLOCK_WEIGHTS = {"w": 0.8, "t": 0.2}
CONCEPT_BOOST = 3.0
# Hubness correction of the ranking (measured on dup-hadoop.jsonl, docs/engine.md).
HUB_K = 10
HUB_PENALTY = 0.5
# Up to this many threads in one product, the batch pass recomputes hubness exactly.
HUB_EXACT_MAX = 20_000
# Parameter kinds whose raw value is a useful feature (an IMEI or phone number is not).
_VALUE_PARAMS = frozenset({"firmware", "version"})
_MAJOR_MINOR_RE = re.compile(r"^(?:os|v|miui\s?)?\d+\.\d+(?=\.\d)")
_SKIP = frozenset({CLAUSE_END, QUESTION_END})

Terms = dict[str, float]
ANY_PRODUCT = object()


def _content(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in _SKIP and t not in STOPWORDS and len(t) > 1]


def _field_terms(field: NormalizedText, weight_prefix: str, terms: Terms) -> None:
    for tok in _content(field.tokens) + field.extra_tokens:
        key = weight_prefix + english_lemma(tok)
        terms[key] = terms.get(key, 0.0) + 1.0
    for p in field.params:
        for value in _param_values(p):
            key = weight_prefix + "=" + value
            terms[key] = terms.get(key, 0.0) + 1.0


def _param_values(param: Param) -> list[str]:
    """Raw values kept as features: the value, and for a version of three or more parts its
    ``major.minor`` too, so 3.8.2 and 3.8.3 (or two builds of one OS release) share a term."""
    if param.kind not in _VALUE_PARAMS:
        return []
    value = param.value.lower()
    match = _MAJOR_MINOR_RE.match(value)
    if match and match.group(0) != value:
        return [value, match.group(0)]
    return [value]


def thread_terms(
    title: NormalizedText,
    body: NormalizedText,
    concepts: Mapping[str, float] | None = None,
    title_concepts: Mapping[str, float] | None = None,
    params: Iterable[Param] = (),
) -> Terms:
    """The bag of terms of a thread (see the module docstring); plain data for a DB column.

    ``concepts`` are the concept features of the whole thread, ``title_concepts`` those
    found in the title; ``params`` are parameters given outside the text (the firmware
    field of the form).
    """
    terms: Terms = {}
    _field_terms(title, "w:", terms)
    _field_terms(body, "w:", terms)
    _field_terms(title, "t:", terms)
    for p in params:
        for value in _param_values(p):
            terms["w:=" + value] = terms.get("w:=" + value, 0.0) + 1.0
    for block, found in (("w:#", concepts), ("t:#", title_concepts)):
        for name, count in (found or {}).items():
            terms[block + name] = terms.get(block + name, 0.0) + count * CONCEPT_BOOST
    return terms


class SimilarityIndex:
    """Vectors of threads with an inverted index for top-k cosine search.

    Everything in it is derived from ``(key, terms, product)`` of each thread, which is
    what the database stores; the index is a cache that any worker can rebuild.
    """

    def __init__(self, block_weights: Mapping[str, float] | None = None) -> None:
        """An empty index; ``block_weights`` overrides ``BLOCK_WEIGHTS`` (for measuring)."""
        weights = {**BLOCK_WEIGHTS, **(block_weights or {})}
        self._block_weight = np.array([weights[b] for b in BLOCKS], dtype=np.float64)
        self._term_id: dict[str, int] = {}
        self.term_names: list[str] = []
        self._term_block = array("b")
        self._df = np.zeros(1024, dtype=np.int64)
        self.keys: list[Hashable] = []
        self._pos: dict[Hashable, int] = {}
        self._product_code: dict[object, int] = {}
        self._products: list[object] = []
        self._doc_product = array("i")
        self._alive = bytearray()
        self._doc_ids: list[np.ndarray] = []
        self._doc_tf: list[np.ndarray] = []
        self._doc_w: list[np.ndarray] = []
        # Postings per product partition: code -> term id -> (rows, weights). A search
        # within one product touches only that product's threads.
        self._postings: dict[int, dict[int, tuple[array[int], array[float]]]] = {}
        self._n_removed = 0
        self._n_alive = 0
        # Best similarities of each thread to others (hubness, see ``similar``).
        self._neighbours = np.zeros((1024, HUB_K), dtype=np.float32)

    def __len__(self) -> int:
        return self._n_alive

    def __contains__(self, key: Hashable) -> bool:
        pos = self._pos.get(key)
        return pos is not None and bool(self._alive[pos])

    # --- terms and weights
    def _ids(self, terms: Mapping[str, float], create: bool) -> tuple[np.ndarray, np.ndarray]:
        ids, tf = [], []
        for term, count in terms.items():
            tid = self._term_id.get(term)
            if tid is None:
                if not create:
                    continue
                tid = len(self.term_names)
                self._term_id[term] = tid
                self.term_names.append(term)
                self._term_block.append(BLOCKS.index(term[0]) if term[0] in BLOCKS else 0)
                if tid >= len(self._df):
                    self._df = np.concatenate([self._df, np.zeros_like(self._df)])
            ids.append(tid)
            tf.append(count)
        return np.array(ids, dtype=np.int32), np.array(tf, dtype=np.float64)

    def _weigh(self, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        if len(ids) == 0:
            return np.zeros(0, dtype=np.float32)
        n = max(self._n_alive, 1)
        idf = np.log((1.0 + n) / (1.0 + self._df[ids])) + 1.0
        w = (1.0 + np.log(np.maximum(tf, 1.0))) * idf
        blocks = np.frombuffer(self._term_block, dtype=np.int8)[ids]
        sq = np.bincount(blocks, weights=w * w, minlength=len(BLOCKS))
        present = sq > 0
        share = self._block_weight / self._block_weight[present].sum()
        w = w * np.sqrt(share[blocks] / np.where(present, sq, 1.0)[blocks])
        return w.astype(np.float32)

    def vectorize(self, terms: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """The unit vector ``(term ids, weights)`` of ``terms`` under the current statistics.

        Terms the index has never seen are left out: no stored thread can share them.
        """
        ids, tf = self._ids(terms, create=False)
        return ids, self._weigh(ids, tf)

    def stored_vector(self, key: Hashable) -> tuple[np.ndarray, np.ndarray]:
        """The vector of a thread in the index."""
        pos = self._pos[key]
        return self._doc_ids[pos], self._doc_w[pos]

    # --- adding and removing threads
    def add(self, key: Hashable, terms: Mapping[str, float], product: object = None) -> None:
        """Add (or replace) a thread; its vector uses the statistics including itself."""
        if key in self._pos:
            self.remove(key)
        ids, tf = self._ids(terms, create=True)
        self._df[ids] += 1
        self._n_alive += 1
        pos = len(self.keys)
        self.keys.append(key)
        self._pos[key] = pos
        code = self._product_code.get(product)
        if code is None:
            code = self._product_code[product] = len(self._products)
            self._products.append(product)
        self._doc_product.append(code)
        self._alive.append(1)
        if pos >= len(self._neighbours):
            self._neighbours = np.concatenate([self._neighbours, np.zeros_like(self._neighbours)])
        self._neighbours[pos] = 0.0
        w = self._weigh(ids, tf)
        self._doc_ids.append(ids)
        self._doc_tf.append(tf.astype(np.float32))
        self._doc_w.append(w)
        postings = self._postings.setdefault(code, {})
        for tid, weight in zip(ids.tolist(), w.tolist(), strict=True):
            entry = postings.get(tid)
            if entry is None:
                entry = postings[tid] = (array("i"), array("f"))
            entry[0].append(pos)
            entry[1].append(weight)

    def remove(self, key: Hashable) -> None:
        """Remove a thread (its postings stay until the next :meth:`reweigh`)."""
        pos = self._pos.pop(key)
        if self._alive[pos]:
            self._alive[pos] = 0
            self._df[self._doc_ids[pos]] -= 1
            self._n_alive -= 1
            self._n_removed += 1

    def position(self, key: Hashable) -> int:
        """The internal row of a thread (stable until :meth:`reweigh`)."""
        return self._pos[key]

    def product_of(self, pos: int) -> object:
        """The product partition of the thread at row ``pos``."""
        return self._products[self._doc_product[pos]]

    def reweigh(self) -> None:
        """Recompute every vector with the current document frequencies and compact rows.

        Online additions use the statistics of their moment; the batch pass calls this so
        that early threads are weighed like late ones.
        """
        keep = [pos for pos in range(len(self.keys)) if self._alive[pos]]
        self.keys = [self.keys[p] for p in keep]
        self._pos = {k: i for i, k in enumerate(self.keys)}
        self._doc_product = array("i", [self._doc_product[p] for p in keep])
        self._alive = bytearray([1]) * len(keep)
        self._neighbours = np.concatenate(
            [self._neighbours[keep], np.zeros((1024, HUB_K), dtype=np.float32)]
        )
        self._doc_ids = [self._doc_ids[p] for p in keep]
        self._doc_tf = [self._doc_tf[p] for p in keep]
        self._doc_w = [
            self._weigh(ids, tf) for ids, tf in zip(self._doc_ids, self._doc_tf, strict=True)
        ]
        self._n_removed = 0
        matrix = self.matrix()
        codes = np.frombuffer(self._doc_product, dtype=np.int32)
        self._postings = {}
        for code in np.unique(codes).tolist():
            rows = np.flatnonzero(codes == code).astype(np.int32)
            block = matrix[rows].tocsc()
            postings = self._postings[code] = {}
            for tid in np.flatnonzero(np.diff(block.indptr)).tolist():
                lo, hi = block.indptr[tid], block.indptr[tid + 1]
                docs, weights = array("i"), array("f")
                docs.frombytes(rows[block.indices[lo:hi]].tobytes())
                weights.frombytes(block.data[lo:hi].astype(np.float32).tobytes())
                postings[tid] = (docs, weights)

    def matrix(self) -> sp.csr_matrix:
        """All stored vectors as a sparse matrix (rows in :attr:`keys` order)."""
        n = len(self.keys)
        lengths = np.fromiter((len(i) for i in self._doc_ids), dtype=np.int64, count=n)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        indices = np.concatenate(self._doc_ids) if n else np.zeros(0, dtype=np.int32)
        data = np.concatenate(self._doc_w) if n else np.zeros(0, dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(n, len(self.term_names)))

    # --- search
    def scores(
        self,
        vector: tuple[np.ndarray, np.ndarray],
        product: object = ANY_PRODUCT,
        max_terms: int | None = None,
        exclude: Hashable | None = None,
    ) -> np.ndarray:
        """Cosine of ``vector`` with every row of ``product`` (or of all products); 0 for
        other rows, rows sharing no term, removed rows and ``exclude``.

        ``max_terms`` keeps only the heaviest query terms, trading a little recall for
        speed on long queries.
        """
        ids, w = vector
        if max_terms is not None and len(ids) > max_terms:
            top = np.argpartition(-w, max_terms)[:max_terms]
            ids, w = ids[top], w[top]
        if product is ANY_PRODUCT:
            partitions = list(self._postings.values())
        else:
            code = self._product_code.get(product)
            partitions = [self._postings[code]] if code in self._postings else []
        scores = np.zeros(len(self.keys), dtype=np.float32)
        for tid, qw in zip(ids.tolist(), w.tolist(), strict=True):
            for postings in partitions:
                entry = postings.get(tid)
                if entry is not None:
                    docs = np.frombuffer(entry[0], dtype=np.int32)
                    scores[docs] += qw * np.frombuffer(entry[1], dtype=np.float32)
        if self._n_removed:
            scores *= np.frombuffer(bytes(self._alive), dtype=np.uint8)
        if exclude is not None and exclude in self._pos:
            scores[self._pos[exclude]] = 0.0
        return scores

    def nearest(self, scores: np.ndarray, k: int) -> np.ndarray:
        """Rows of the ``k`` highest positive scores, best first."""
        rows = np.flatnonzero(scores > 0)
        if len(rows) > k:
            rows = rows[np.argpartition(-scores[rows], k)[:k]]
        return rows[np.argsort(-scores[rows], kind="stable")]

    def note_neighbours(
        self, key: Hashable, scores: np.ndarray, nearest: np.ndarray | None = None
    ) -> None:
        """Record a thread's best similarities (its ``scores`` against all others, as
        computed when it arrived) and offer them to those neighbours' own lists.

        ``nearest`` may pass the rows of the best scores, best first, if already known.
        """
        rows = (self.nearest(scores, HUB_K) if nearest is None else nearest)[:HUB_K]
        sims = scores[rows]
        row = np.zeros(HUB_K, dtype=np.float32)
        row[: len(sims)] = sims
        self._neighbours[self._pos[key]] = row
        if len(rows):
            theirs = self._neighbours[rows]
            weakest = theirs.argmin(axis=1)
            better = sims > theirs[np.arange(len(rows)), weakest]
            self._neighbours[rows[better], weakest[better]] = sims[better]

    def partition_rows(self) -> dict[object, np.ndarray]:
        """The rows of the live threads of each product."""
        n = len(self.keys)
        codes = np.frombuffer(self._doc_product, dtype=np.int32)[:n]
        alive = np.frombuffer(bytes(self._alive), dtype=np.uint8)[:n].astype(bool)
        return {
            self._products[c]: rows
            for c in np.unique(codes).tolist()
            if len(rows := np.flatnonzero((codes == c) & alive))
        }

    def _similarity_blocks(
        self, matrix: sp.csr_matrix, rows: np.ndarray
    ) -> Iterable[tuple[int, np.ndarray]]:
        """``(offset, cosines)`` of blocks of ``rows`` against all of ``rows``, self at 0."""
        block = matrix[rows]
        for lo in range(0, len(rows), 512):
            sims = (block[lo : lo + 512] @ block.T).toarray()
            sims[np.arange(sims.shape[0]), np.arange(lo, lo + sims.shape[0])] = 0.0
            yield lo, sims

    def refresh_neighbours(self, max_rows: int = HUB_EXACT_MAX) -> int:
        """Recompute threads' best similarities exactly, product by product.

        Online updates keep them approximately (as of each thread's arrival); this makes
        them exact for every product with at most ``max_rows`` threads (beyond, the sparse
        product of its matrix with itself costs too much, and the estimate stays).
        Returns how many products were refreshed.
        """
        partitions = [rows for rows in self.partition_rows().values() if len(rows) <= max_rows]
        if not partitions:
            return 0
        matrix = self.matrix()
        for rows in partitions:
            for lo, sims in self._similarity_blocks(matrix, rows):
                k = min(HUB_K, sims.shape[1])
                best = -np.partition(-sims, k - 1, axis=1)[:, :k]
                row = np.zeros((sims.shape[0], HUB_K), dtype=np.float32)
                row[:, :k] = np.maximum(best, 0.0)
                self._neighbours[rows[lo : lo + 512]] = row
        return len(partitions)

    def best_similarity(self, rows: np.ndarray | int) -> np.ndarray:
        """The recorded best similarity of each row to any other of its product."""
        return self._neighbours[rows].max(axis=-1)

    def second_similarity(self, row: int) -> float:
        """The recorded second-best similarity of a row to any other of its product."""
        return float(np.partition(self._neighbours[row], -2)[-2])

    def mutual_nearest(
        self, rows: np.ndarray, floor: float, margin: float = 0.0
    ) -> list[tuple[int, int]]:
        """Pairs of ``rows`` each of which is the other's most similar row, with a cosine
        of at least ``floor`` that beats each one's second best by ``margin`` or more
        (exact: one sparse product of the rows with themselves)."""
        nearest = np.full(len(rows), -1, dtype=np.int64)
        best = np.zeros(len(rows))
        second = np.zeros(len(rows))
        for lo, sims in self._similarity_blocks(self.matrix(), rows):
            n, at = len(sims), np.arange(len(sims))
            top = sims.argmax(axis=1)
            nearest[lo : lo + n] = top
            best[lo : lo + n] = sims[at, top]
            sims[at, top] = 0.0
            second[lo : lo + n] = sims.max(axis=1)
        clear = best - second >= margin
        return [
            (int(rows[i]), int(rows[j]))
            for i, j in enumerate(nearest.tolist())
            if i < j and nearest[j] == i and best[i] >= floor and clear[i] and clear[j]
        ]

    def neighbour_sims(self, key: Hashable) -> list[float]:
        """The recorded best similarities of a thread (plain data for the database)."""
        return sorted(self._neighbours[self._pos[key]].tolist(), reverse=True)

    def set_neighbour_sims(self, key: Hashable, sims: Sequence[float]) -> None:
        """Restore recorded best similarities (from the database)."""
        row = np.zeros(HUB_K, dtype=np.float32)
        values = sorted(sims, reverse=True)[:HUB_K]
        row[: len(values)] = values
        self._neighbours[self._pos[key]] = row

    def top(self, scores: np.ndarray, k: int | None) -> list[tuple[Hashable, float]]:
        """The ``k`` best ``(key, cosine)`` pairs among rows with a positive cosine.

        Rows are ranked by the cosine minus ``HUB_PENALTY`` times the row's *hubness* (the
        mean of its best similarities): a thread close to everything (a template, a long
        log) is a weaker sign of a duplicate than one close to this query only. This is
        CSLS (Lample et al. 2018) with the query's own term dropped, as it is the same for
        every row.
        """
        nonzero = np.flatnonzero(scores > 0)
        hub = self._neighbours[: len(scores)].mean(axis=1)
        ranking = scores - HUB_PENALTY * hub
        if k is not None and len(nonzero) > k:
            part = np.argpartition(-ranking[nonzero], k)[:k]
            nonzero = nonzero[part]
        order = nonzero[np.argsort(-ranking[nonzero], kind="stable")]
        return [(self.keys[i], float(scores[i])) for i in order.tolist()]

    def similar(
        self,
        vector: tuple[np.ndarray, np.ndarray],
        k: int | None = 10,
        product: object = ANY_PRODUCT,
        exclude: Hashable | None = None,
        max_terms: int | None = None,
    ) -> list[tuple[Hashable, float]]:
        """The ``k`` most similar stored threads (of ``product`` if given), best first."""
        return self.top(self.scores(vector, product, max_terms, exclude), k)
