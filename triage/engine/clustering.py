"""Clusters of threads per product: online assignment, batch consolidation, labels.

Online, a new thread joins the cluster of its product whose centroid is most similar to it
if that similarity reaches ``threshold``; otherwise it opens a new cluster, keyed by the
thread's own key (so two workers never invent clashing keys, and running an assignment
twice changes nothing). The cosine with a centroid needs no stored centroid: with unit
thread vectors, ``cos(v, sum of members) = sum of v.m over members / |sum of members|``, and
the dot products ``v.m`` come from the same inverted-index pass that finds the candidates.

The batch pass (:meth:`ClusterIndex.consolidate`) reweighs every vector with the current
statistics, moves out members that no longer fit their cluster (split), and merges clusters
of one product whose centroids have drifted together, which also repairs two workers racing
to open two clusters for near-identical threads.

State is only ``(thread key, terms, product, cluster key)`` per thread, which the database
holds; :meth:`ClusterIndex.from_state` rebuilds everything else.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from triage.engine.labels import keywords
from triage.engine.similarity import HUB_EXACT_MAX, SimilarityIndex

# Chosen on labelled data (docs/engine.md): join above THRESHOLD, merge two clusters whose
# centroids reach MERGE_THRESHOLD, move out members whose similarity to the rest of their
# cluster fell below SPLIT_THRESHOLD.
THRESHOLD = 0.4
MERGE_THRESHOLD = 0.4
SPLIT_THRESHOLD = 0.25
# In a dense product a thread also joins the cluster of its single most similar thread
# when their cosine reaches LINK_THRESHOLD: the composer suggests threads as "the same
# problem" from this score, so the assignment agrees with the suggestion (docs/engine.md,
# "Links").
LINK_THRESHOLD = 0.3
# A product is *sparse* when it has at least SPARSE_MIN_THREADS threads and fewer than
# SPARSE_REPEAT_RATE of them have a neighbour at PAIR_THRESHOLD or more: there, reports are
# mostly unique, a similar report is weaker evidence of the same problem, and clusters are
# pairs of mutual nearest neighbours at PAIR_THRESHOLD whose similarity beats both one's
# second best by PAIR_MARGIN (a ratio test: docs/engine.md, "Two regimes"; 0.08 since
# English lemmas raised similarities).
PAIR_THRESHOLD = 0.5
PAIR_MARGIN = 0.08
SPARSE_MIN_THREADS = 100
SPARSE_REPEAT_RATE = 0.3
# What a manager's merge or move teaches (``lesson_for_merge``, ``lesson_for_move``,
# ``lesson_for_split``): the most distinctive word of each side, tied at this weight (it
# counts as half an occurrence of the other), and a link threshold for that product that
# moves LEARN_STEP of the way down toward the similarity the manager joined (never below
# LINK_FLOOR), or to APART above the one the manager separated (never above LINK_CEILING).
# Measured by replaying a manager's first fixes (docs/engine.md, "Learning from managers").
TIE_WORDS = 1
TIE_WEIGHT = 0.5
LEARN_STEP = 0.5
LINK_FLOOR = 0.25
LINK_CEILING = 0.45
APART = 0.02
# Clusters considered for a new thread: those of its nearest threads.
CANDIDATE_THREADS = 30


@dataclass(frozen=True)
class StoredThread:
    """What the database keeps for a thread, enough to rebuild the engine's state."""

    key: Hashable
    terms: Mapping[str, float]
    product: object = None
    cluster: Hashable | None = None
    title: str = ""
    neighbour_sims: tuple[float, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """Where a thread went: a cluster key, the similarity that decided, and if it is new."""

    cluster: Hashable
    similarity: float
    created: bool


@dataclass
class Consolidation:
    """What a batch pass changed: ``merges`` as (kept, absorbed) cluster keys and
    ``moves`` as (thread, old cluster, new cluster)."""

    merges: list[tuple[Hashable, Hashable]] = field(default_factory=list)
    moves: list[tuple[Hashable, Hashable, Hashable]] = field(default_factory=list)


@dataclass(frozen=True)
class ClusterLabel:
    """A cluster's most distinctive terms and the title of its most central thread."""

    terms: tuple[str, ...]
    title: str
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class Tie:
    """Two words a manager's correction showed to mean one problem in one product (or
    partition): threads there that use either count as using both, at ``weight``."""

    product: object
    a: str
    b: str
    weight: float = TIE_WEIGHT


@dataclass(frozen=True)
class Lesson:
    """What one correction by a manager teaches about one product (or partition).

    ``ties``: words to count as one. ``joined_at``: the manager put together threads this
    similar, so the product's link threshold moves down toward it. ``apart_at``: the
    manager separated threads this similar, so the threshold moves above it. Lessons are
    applied in order (``learned_link``) and can be withdrawn (an unmerge) by leaving them
    out of the next rebuild.
    """

    product: object
    ties: tuple[Tie, ...] = ()
    joined_at: float | None = None
    apart_at: float | None = None


def learned_link(lessons: Iterable[Lesson], start: float = LINK_THRESHOLD) -> float:
    """A product's link threshold after its lessons, in order: a join moves it
    ``LEARN_STEP`` of the way down toward the similarity the manager joined, a separation
    puts it just above the similarity the manager separated; always within
    ``[LINK_FLOOR, LINK_CEILING]``. Lowering is damped, as it risks wrong links; a
    separation is taken at once, as linking those threads again would undo the manager."""
    link = start
    for lesson in lessons:
        if lesson.joined_at is not None and lesson.joined_at < link:
            link = max(LINK_FLOOR, link - LEARN_STEP * (link - lesson.joined_at))
        if lesson.apart_at is not None and lesson.apart_at >= link:
            link = min(LINK_CEILING, lesson.apart_at + APART)
    return link


@dataclass
class _Cluster:
    product: object
    members: array[int]  # index rows; an array so numpy reads it without copying
    norm2: float


def _rows(cl: _Cluster) -> np.ndarray:
    return np.frombuffer(cl.members, dtype=np.int32)


class ClusterIndex:
    """Threads, their vectors and their clusters, per product."""

    def __init__(
        self,
        threshold: float = THRESHOLD,
        merge_threshold: float = MERGE_THRESHOLD,
        split_threshold: float = SPLIT_THRESHOLD,
        index: SimilarityIndex | None = None,
        link_threshold: float = LINK_THRESHOLD,
        lessons: Iterable[Lesson] = (),
    ) -> None:
        """An empty index; thresholds default to the values chosen on labelled data.

        ``lessons`` are what managers' corrections taught, oldest first: every thread added
        and every draft searched in their product counts a tied word as using its partner
        too, and the product links at its learned threshold.
        """
        self.threshold = threshold
        self.link_threshold = link_threshold
        self._ties: dict[object, dict[str, list[tuple[str, float]]]] = {}
        by_product: dict[object, list[Lesson]] = {}
        for lesson in lessons:
            by_product.setdefault(lesson.product, []).append(lesson)
            for tie in lesson.ties:
                words = self._ties.setdefault(tie.product, {})
                words.setdefault("w:" + tie.a, []).append(("w:" + tie.b, tie.weight))
                words.setdefault("w:" + tie.b, []).append(("w:" + tie.a, tie.weight))
        self._link = {p: learned_link(ls, link_threshold) for p, ls in by_product.items()}
        self.merge_threshold = merge_threshold
        self.split_threshold = split_threshold
        self.index = index or SimilarityIndex()
        self._clusters: dict[Hashable, _Cluster] = {}
        self._cluster_of: dict[int, Hashable] = {}
        self._titles: dict[Hashable, str] = {}
        # Products in the sparse regime, decided from the neighbour similarities by the
        # batch pass and by :meth:`from_state` (so every worker decides alike).
        self.sparse: set[object] = set()

    @classmethod
    def from_state(
        cls, threads: Iterable[StoredThread], lessons: Iterable[Lesson] = (), **options: float
    ) -> ClusterIndex:
        """Rebuild from stored threads (and what managers taught, oldest first); threads
        without a cluster are assigned in order."""
        self = cls(lessons=lessons, **options)  # type: ignore[arg-type]
        pending = []
        stored = list(threads)
        for t in stored:
            self.index.add(t.key, self._tied(t.terms, t.product), t.product)
            self.index.set_neighbour_sims(t.key, t.neighbour_sims)
            self._titles[t.key] = t.title
            if t.cluster is None:
                pending.append(t.key)
            else:
                self._join(t.cluster, self.index.position(t.key), t.product)
        self.index.reweigh()
        self._recount()
        if any(not t.neighbour_sims for t in stored):
            self.index.refresh_neighbours()
        self._decide_regimes()
        for key in pending:
            self.assign(key)
        return self

    # --- reading
    @property
    def clusters(self) -> dict[Hashable, list[Hashable]]:
        """Cluster key -> member thread keys."""
        keys = self.index.keys
        return {c: [keys[m] for m in cl.members] for c, cl in self._clusters.items()}

    def cluster_of(self, thread: Hashable) -> Hashable | None:
        """The cluster a thread belongs to, if any."""
        return self._cluster_of.get(self.index.position(thread))

    def similar(
        self,
        terms: Mapping[str, float],
        k: int = 10,
        product: object = None,
        exclude: Hashable | None = None,
        any_product: bool = False,
        max_terms: int | None = 48,
    ) -> list[tuple[Hashable, float]]:
        """The ``k`` most similar threads to a draft, as the fan types (of ``product``)."""
        vector = self.index.vectorize(terms if any_product else self._tied(terms, product))
        if any_product:
            return self.index.similar(vector, k, exclude=exclude, max_terms=max_terms)
        return self.index.similar(vector, k, product, exclude, max_terms)

    def similar_to(
        self, thread: Hashable, k: int | None = 10, any_product: bool = False
    ) -> list[tuple[Hashable, float]]:
        """The ``k`` threads most similar to a stored thread (of its product, unless
        ``any_product``), best first, as ``(key, cosine)``."""
        vector = self.index.stored_vector(thread)
        if any_product:
            return self.index.similar(vector, k, exclude=thread)
        product = self.index.product_of(self.index.position(thread))
        return self.index.similar(vector, k, product, exclude=thread)

    # --- online
    def add(
        self, key: Hashable, terms: Mapping[str, float], product: object = None, title: str = ""
    ) -> Assignment:
        """Store a new thread and assign it to a cluster of its product (or a new one)."""
        if key in self.index:
            cluster = self.cluster_of(key)
            if cluster is not None:
                return Assignment(cluster, 1.0, False)
        else:
            self.index.add(key, self._tied(terms, product), product)
            self._titles[key] = title
        return self.assign(key)

    def _tied(self, terms: Mapping[str, float], product: object) -> Mapping[str, float]:
        """``terms`` with the partners of tied words of ``product`` added."""
        ties = self._ties.get(product)
        if not ties:
            return terms
        out = dict(terms)
        for term, count in terms.items():
            for partner, weight in ties.get(term, ()):
                out[partner] = out.get(partner, 0.0) + count * weight
        return out

    # --- learning from managers
    def lesson_for_merge(self, kept: Hashable, absorbed: Hashable) -> Lesson | None:
        """What a manager's merge of two clusters teaches: their most distinctive words
        tied, and that their closest threads were this similar. None across products or
        for an unknown cluster."""
        a, b = self._clusters.get(kept), self._clusters.get(absorbed)
        if a is None or b is None or a.product != b.product:
            return None
        rows_a, rows_b = _rows(a), _rows(b)
        return Lesson(
            a.product,
            tuple(self._ties_between(rows_a, rows_b, a.product)),
            joined_at=self._closest(rows_a, rows_b),
        )

    def lesson_for_move(self, threads: Iterable[Hashable], cluster: Hashable) -> Lesson | None:
        """What moving ``threads`` into ``cluster`` teaches: as a merge with the cluster,
        and, for threads the engine had put in another cluster, that they were too far
        from it (``apart_at``: their similarity to it)."""
        target = self._clusters.get(cluster)
        if target is None:
            return None
        rows = [
            self.index.position(k)
            for k in threads
            if k in self.index and self.index.product_of(self.index.position(k)) == target.product
        ]
        if not rows:
            return None
        moved = np.array(rows, dtype=np.int32)
        sources = {self._cluster_of[r] for r in rows if self._cluster_of.get(r) != cluster}
        apart = [
            self._closest(moved, np.array([m for m in _rows(self._clusters[c]) if m not in rows],
                                          dtype=np.int32))
            for c in sources
            if c in self._clusters
        ]  # fmt: skip
        return Lesson(
            target.product,
            tuple(self._ties_between(moved, _rows(target), target.product)),
            joined_at=self._closest(moved, _rows(target)),
            apart_at=max(apart) if apart else None,
        )

    def lesson_for_split(self, threads: Iterable[Hashable], cluster: Hashable) -> Lesson | None:
        """What taking ``threads`` out of ``cluster`` into a cluster of their own teaches:
        they were too far from the rest of it."""
        source = self._clusters.get(cluster)
        if source is None:
            return None
        moved = [self.index.position(k) for k in threads if k in self.index]
        rest = np.array([m for m in _rows(source) if m not in moved], dtype=np.int32)
        if not moved or not len(rest):
            return None
        return Lesson(source.product, apart_at=self._closest(np.array(moved, np.int32), rest))

    def _closest(self, rows_a: np.ndarray, rows_b: np.ndarray) -> float:
        """The highest cosine between a thread of ``rows_a`` and one of ``rows_b``."""
        if not len(rows_a) or not len(rows_b):
            return 0.0
        matrix = self.index.matrix()
        return float((matrix[rows_a] @ matrix[rows_b].T).max())

    def _ties_between(self, rows_a: np.ndarray, rows_b: np.ndarray, product: object) -> list[Tie]:
        words_a, words_b = self._top_words(rows_a), self._top_words(rows_b)
        only_a = [w for w in words_a if w not in words_b][:TIE_WORDS]
        only_b = [w for w in words_b if w not in words_a][:TIE_WORDS]
        return [Tie(product, x, y) for x in only_a for y in only_b]

    def _top_words(self, rows: np.ndarray, n: int = 2 * TIE_WORDS) -> list[str]:
        """The heaviest plain words of these threads' summed vectors (no values, concepts,
        placeholders or title-block terms)."""
        centroid = np.asarray(self.index.matrix()[rows].sum(axis=0)).ravel()
        names = self.index.term_names
        words: list[str] = []
        for tid in np.argsort(-centroid).tolist():
            if centroid[tid] <= 0 or len(words) >= n:
                break
            name = names[tid]
            if name.startswith("w:") and not name.startswith(("w:_", "w:=", "w:#", "w:@")):
                words.append(name[2:])
        return words

    def assign(self, key: Hashable) -> Assignment:
        """Assign a stored thread to the nearest cluster of its product, or a new one."""
        pos = self.index.position(key)
        current = self._cluster_of.get(pos)
        if current is not None:
            return Assignment(current, 1.0, False)
        product = self.index.product_of(pos)
        scores = self.index.scores(self.index.stored_vector(key), product, exclude=key)
        nearest = self.index.nearest(scores, CANDIDATE_THREADS)
        self.index.note_neighbours(key, scores, nearest)
        if product in self.sparse:
            best, best_sim, threshold = *self._mutual_single(scores, nearest), PAIR_THRESHOLD
        else:
            best, best_sim, threshold = *self._best_cluster(scores, nearest), self.threshold
            if (best is None or best_sim < threshold) and len(nearest):
                # The thread most like it, which the composer showed the fan as the same
                # problem, decides too: the assignment agrees with the suggestion.
                row = int(nearest[0])
                link = self._link.get(product, self.link_threshold)
                if float(scores[row]) >= link and row in self._cluster_of:
                    best, best_sim = self._cluster_of[row], float(scores[row])
                    threshold = link
        if best is not None and best_sim >= threshold:
            self._join(best, pos, product, scores)
            return Assignment(best, best_sim, False)
        self._join(key, pos, product, scores)
        return Assignment(key, best_sim, True)

    def _mutual_single(
        self, scores: np.ndarray, nearest: np.ndarray
    ) -> tuple[Hashable | None, float]:
        """The cluster of the nearest thread, if it is alone and this thread is also the
        closest it has seen (a mutual nearest pair), each clearly closer to the other than
        to anything else; with the similarity either way."""
        if not len(nearest):
            return None, 0.0
        row = int(nearest[0])
        sim = float(scores[row])
        runner_up = float(scores[nearest[1]]) if len(nearest) > 1 else 0.0
        cluster = self._cluster_of.get(row)
        if (
            cluster is None
            or len(self._clusters[cluster].members) != 1
            or float(self.index.best_similarity(row)) > sim + 1e-6
            or sim - max(runner_up, self.index.second_similarity(row)) < PAIR_MARGIN
        ):
            return None, sim
        return cluster, sim

    def _best_cluster(
        self, scores: np.ndarray, nearest: np.ndarray
    ) -> tuple[Hashable | None, float]:
        best, best_sim = None, 0.0
        seen = set()
        for pos in nearest.tolist():
            cluster = self._cluster_of.get(pos)
            if cluster is None or cluster in seen:
                continue
            seen.add(cluster)
            sim = self._similarity(cluster, scores)
            if sim > best_sim:
                best, best_sim = cluster, sim
        return best, best_sim

    def _similarity(self, cluster: Hashable, scores: np.ndarray) -> float:
        cl = self._clusters[cluster]
        if cl.norm2 <= 0:
            return 0.0
        return float(scores[_rows(cl)].sum(dtype=np.float64)) / math.sqrt(cl.norm2)

    def _join(
        self, cluster: Hashable, pos: int, product: object, scores: np.ndarray | None = None
    ) -> None:
        cl = self._clusters.get(cluster)
        if cl is None:
            cl = self._clusters[cluster] = _Cluster(product, array("i"), 0.0)
        if scores is not None:
            # |S + v|^2 = |S|^2 + 2 v.S + |v|^2, with v.S from the scores already computed.
            cl.norm2 += 2.0 * float(scores[_rows(cl)].sum(dtype=np.float64)) + 1.0
        cl.members.append(pos)
        self._cluster_of[pos] = cluster

    def _recount(self) -> None:
        """Recompute every cluster's squared centroid norm from the vectors."""
        if not self._clusters:
            return
        matrix = self.index.matrix()
        sums = self._membership() @ matrix
        norms = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
        for (_, cl), n2 in zip(self._clusters.items(), norms.tolist(), strict=True):
            cl.norm2 = n2

    def _membership(self) -> sp.csr_matrix:
        rows: list[int] = []
        cols: list[int] = []
        for r, cl in enumerate(self._clusters.values()):
            rows += [r] * len(cl.members)
            cols += cl.members.tolist()
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix(
            (data, (rows, cols)), shape=(len(self._clusters), len(self.index.keys))
        )

    # --- batch
    def consolidate(self) -> Consolidation:
        """Reweigh, split members that drifted out, then merge clusters that drifted together."""
        result = Consolidation()
        self._reweigh()
        self.index.refresh_neighbours()
        self._decide_regimes()
        self._split(result)
        self._merge(result)
        self._pair(result)
        return result

    def _decide_regimes(self) -> None:
        self.sparse = set()
        for product, rows in self.index.partition_rows().items():
            if len(rows) < SPARSE_MIN_THREADS:
                continue
            repeat_rate = float(np.mean(self.index.best_similarity(rows) >= PAIR_THRESHOLD))
            if repeat_rate < SPARSE_REPEAT_RATE:
                self.sparse.add(product)

    def _pair(self, result: Consolidation) -> None:
        """Re-form the clusters of each sparse product as mutual nearest-neighbour pairs.

        A group that holds the thread which opened a cluster keeps that cluster's key;
        other groups take a free key of their members' clusters, else their first
        member's own key (a thread key, so still unique without coordination).
        """
        keys = self.index.keys
        for product, rows in self.index.partition_rows().items():
            if product not in self.sparse or len(rows) > HUB_EXACT_MAX:
                continue
            pairs = self.index.mutual_nearest(rows, PAIR_THRESHOLD, PAIR_MARGIN)
            paired = {r for pair in pairs for r in pair}
            groups = [list(p) for p in pairs] + [[r] for r in rows.tolist() if r not in paired]
            old = {r: self._cluster_of[r] for r in rows.tolist()}
            live = set(old.values())
            chosen: list[Hashable | None] = [None] * len(groups)
            taken: set[Hashable] = set()
            for g, members in enumerate(groups):
                founder = next((keys[m] for m in members if keys[m] in live), None)
                if founder is not None and founder not in taken:
                    chosen[g] = founder
                    taken.add(founder)
            for g, members in enumerate(groups):
                if chosen[g] is None:
                    free = [old[m] for m in members if old[m] not in taken]
                    chosen[g] = free[0] if free else keys[members[0]]
                    taken.add(chosen[g])
            for c in live:
                del self._clusters[c]
            for members, cluster in zip(groups, chosen, strict=True):
                self._clusters[cluster] = _Cluster(product, array("i", members), 0.0)
                for m in members:
                    self._cluster_of[m] = cluster
                    if old[m] != cluster:
                        result.moves.append((keys[m], old[m], cluster))
        self._recount()

    def _reweigh(self) -> None:
        keys = self.index.keys
        members = {c: [keys[m] for m in cl.members] for c, cl in self._clusters.items()}
        self.index.reweigh()
        pos = self.index.position
        self._cluster_of = {}
        for c, cl in self._clusters.items():
            cl.members = array("i", [pos(k) for k in members[c] if k in self.index])
            for m in cl.members:
                self._cluster_of[m] = c
        self._clusters = {c: cl for c, cl in self._clusters.items() if cl.members}
        self._recount()

    def _split(self, result: Consolidation) -> None:
        matrix = self.index.matrix()
        sums = (self._membership() @ matrix).tocsr()
        keys = self.index.keys
        drifted: list[tuple[int, Hashable]] = []
        for row, (c, cl) in enumerate(self._clusters.items()):
            if len(cl.members) < 3 or cl.product in self.sparse:
                continue
            s = sums.getrow(row)
            dots = np.asarray((matrix[_rows(cl)] @ s.T).todense()).ravel()
            # Similarity of each member to the centroid of the others (leave one out).
            rest2 = np.maximum(cl.norm2 - 2.0 * dots + 1.0, 1e-12)
            loo = (dots - 1.0) / np.sqrt(rest2)
            drifted += [
                (m, c)
                for m, sim in zip(cl.members, loo.tolist(), strict=True)
                if sim < self.split_threshold
            ]
        for pos, old in drifted:
            cl = self._clusters[old]
            cl.members.remove(pos)
            del self._cluster_of[pos]
            if not cl.members:
                del self._clusters[old]
        if drifted:
            self._recount()
        for pos, old in drifted:
            new = self.assign(keys[pos]).cluster
            if new != old:
                result.moves.append((keys[pos], old, new))

    def _merge(self, result: Consolidation) -> None:
        matrix = self.index.matrix()
        names = list(self._clusters)
        sums = (self._membership() @ matrix).tocsr()
        lengths = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
        unit = sp.diags(1.0 / np.maximum(lengths, 1e-12)) @ sums
        unit = unit.tocsr()
        products = [self._clusters[c].product for c in names]
        pairs: list[tuple[float, int, int]] = []
        by_product: dict[object, list[int]] = {}
        for i, p in enumerate(products):
            by_product.setdefault(p, []).append(i)
        for product, rows in by_product.items():
            if product in self.sparse:
                continue
            block = unit[rows]
            for lo in range(0, len(rows), 2000):
                sims = (block[lo : lo + 2000] @ block.T).tocoo()
                for a, b, s in zip(
                    sims.row.tolist(), sims.col.tolist(), sims.data.tolist(), strict=True
                ):
                    if lo + a < b and s >= self.merge_threshold:
                        pairs.append((s, rows[lo + a], rows[b]))
        if not pairs:
            return
        # Greedy, strongest first; re-check with current centroids so merges do not chain.
        pairs.sort(reverse=True)
        parent = list(range(len(names)))
        sum_of = {i: sums.getrow(i) for i in range(len(names))}

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for _, a, b in pairs:
            ra, rb = find(a), find(b)
            if ra == rb:
                continue
            sa, sb = sum_of[ra], sum_of[rb]
            na, nb = math.sqrt(sa.multiply(sa).sum()), math.sqrt(sb.multiply(sb).sum())
            if sa.multiply(sb).sum() / max(na * nb, 1e-12) < self.merge_threshold:
                continue
            keep, gone = (
                (ra, rb)
                if len(self._clusters[names[ra]].members) >= len(self._clusters[names[rb]].members)
                else (rb, ra)
            )
            parent[gone] = keep
            sum_of[keep] = sa + sb
            kept, absorbed = self._clusters[names[keep]], self._clusters.pop(names[gone])
            kept.members += absorbed.members
            for m in absorbed.members:
                self._cluster_of[m] = names[keep]
            result.merges.append((names[keep], names[gone]))
        self._recount()

    # --- labels
    def label(
        self, cluster: Hashable, n_terms: int = 5, hidden: Collection[Hashable] = ()
    ) -> ClusterLabel:
        """The distinctive content words of a cluster (see :func:`labels.keywords`), its
        strongest concepts and the title of its most central thread.

        Threads in ``hidden`` (taken down by a moderator) are left out, so nothing of
        theirs shows as the cluster's label; with none left the label is empty.
        """
        cl = self._clusters[cluster]
        keys = self.index.keys
        rows = np.array([r for r in _rows(cl).tolist() if keys[r] not in hidden], dtype=np.int32)
        if rows.size == 0:
            return ClusterLabel((), "", ())
        matrix = self.index.matrix()[rows]
        centroid = np.asarray(matrix.sum(axis=0)).ravel()
        used = matrix.getnnz(axis=0)
        names = self.index.term_names
        words: dict[str, list] = {}  # word -> [weight in body and title, threads using it]
        concepts: list[tuple[float, str]] = []
        for tid in np.flatnonzero(centroid > 0).tolist():
            block, term = names[tid][:2], names[tid][2:]
            if term[:1] == "#":
                if block == "w:" and not term.endswith("~") and "@" not in term:
                    concepts.append((-centroid[tid], term[1:]))
            elif term[:1] not in ("_", "="):
                # Body and title are blocks of their own: a word of the titles counts twice.
                entry = words.setdefault(term, [0.0, 0])
                entry[0] += float(centroid[tid])
                entry[1] = max(entry[1], int(used[tid]))
        central = int(np.argmax(matrix @ centroid))
        title = self._titles.get(keys[int(rows[central])], "")
        return ClusterLabel(
            tuple(keywords(((w, *e) for w, e in words.items()), int(rows.size), n_terms)),
            title,
            tuple(c for _w, c in sorted(concepts)[:3]),
        )
