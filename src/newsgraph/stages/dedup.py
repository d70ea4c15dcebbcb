"""Duplicates: exact (hash of the normalised word sequence) and near (MinHash over word shingles,
LSH banding for candidates, then a check of the estimated Jaccard and containment).

`signature()` is pure and runs in workers; `Deduplicator` is the corpus-level part that runs in
the single driver, in input order, so `duplicate_of` is deterministic whatever the worker count.
`duplicate_of` points to the first-seen article of the group (the root, never a chain). When
several earlier articles pass the check, the most similar one (highest estimated Jaccard; the
first-seen on a tie) decides the group: a repost of B that also overlaps an earlier A (a
background paragraph, a shared wire quote) joins B's group, not A's.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import eq

from newsgraph.config import Settings
from newsgraph.records import Article, positional_pickle

VERSION = "dedup/1"
MIN_NEAR_SHINGLES = 10  # shorter texts are compared exactly only: too few shingles to estimate
MAX_TOKENS = 50_000  # a 5 MB transcript: the signature covers its first 50k words (noted)
_TOKEN = re.compile(r"\w+")
_SEED = 20240405


@positional_pickle
@dataclass(slots=True)
class Signature:
    exact: str
    n_shingles: int
    minhash: array  # array('I') of num_perm values; empty when too short for near matching
    truncated: bool = False
    keys: list[int] = field(default_factory=list)  # band_keys(minhash, bands), made in the worker

    def to_bytes(self) -> bytes:
        return self.minhash.tobytes()


def tokens(text: str) -> list[str]:
    low = text.lower()
    # Lower-casing the whole text first is one C call instead of one per word, and gives the
    # same words unless a letter's lower case is longer (U+0130) or depends on its neighbours
    # (Greek final sigma): then word by word, as always.
    if len(low) == len(text) and "\u03a3" not in text:
        return _TOKEN.findall(low)
    return [t.lower() for t in _TOKEN.findall(text)]


def shingles_of(words: list[str], k: int) -> list[str]:
    """Every run of k words joined by spaces (one run of them all when there are fewer)."""
    if len(words) <= k:
        return [" ".join(words)]
    # the j-th list is shorter by j: zip stops at the last full run of k
    return list(map(" ".join, zip(*(words[j:] for j in range(k)), strict=False)))


def signature(text: str, settings: Settings) -> Signature:
    words = tokens(text)
    truncated = len(words) > MAX_TOKENS
    exact = hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()
    words = words[:MAX_TOKENS]
    k = settings.dedup_shingle
    shingles = shingles_of(words, k)
    if len(shingles) < MIN_NEAR_SHINGLES:
        return Signature(exact, len(shingles), array("I"), truncated)
    from rensa import RMinHash  # lazy: a compiled extension, loaded once per worker

    unique = list(dict.fromkeys(shingles))  # hashing each distinct shingle once is enough
    mh = RMinHash(num_perm=settings.dedup_perms, seed=_SEED)
    mh.update(unique)
    minhash = array("I", mh.digest())
    return Signature(exact, len(unique), minhash, truncated,
                     band_keys(minhash, settings.dedup_bands))


def band_keys(sig: array, bands: int) -> list[int]:
    """One 63-bit key per band of rows: articles sharing any key are candidates."""
    if not sig:
        return []
    rows = len(sig) // bands
    raw = memoryview(sig.tobytes())
    width = rows * sig.itemsize
    blake, from_bytes = hashlib.blake2b, int.from_bytes
    return [
        from_bytes(blake(bytes([b]) + raw[b * width:(b + 1) * width], digest_size=8).digest(),
                   "little") >> 1
        for b in range(bands)
    ]


def _keys(sig: Signature, bands: int) -> list[int]:
    return sig.keys if len(sig.keys) == bands else band_keys(sig.minhash, bands)


def jaccard(a: array, b: array) -> float:
    """Share of equal MinHash values: the Jaccard estimate (the C-level count is ~2x faster than
    a generator sum; this runs for every LSH candidate in the driver)."""
    return list(map(eq, a, b)).count(True) / len(a)


@dataclass
class Candidate:
    article_id: str
    n_shingles: int
    minhash: array
    root: str  # the article it (transitively) duplicates, or itself
    order: int  # first-seen order: the store's seq, then this run's arrival order after it


@dataclass
class Deduplicator:
    """Finds each new article's first-seen duplicate among stored and earlier new articles.

    `lookup_exact` / `lookup_bands` read the store (earlier runs); this run's articles are held
    in memory until the driver has written them.
    """

    settings: Settings
    lookup_exact: Callable[[str], str | None]
    lookup_bands: Callable[[list[int]], Iterable[Candidate]]
    # Optional bulk readers: one query per round instead of one per article (see prefetch).
    bulk_exact: Callable[[list[str]], dict[str, str]] | None = None
    bulk_bands: Callable[[list[int]], dict[int, list[Candidate]]] | None = None
    _exact: dict[str, str] = field(default_factory=dict)
    _bands: dict[int, list[Candidate]] = field(default_factory=dict)
    _stored_exact: dict[str, str] | None = None
    _stored_bands: dict[int, list[Candidate]] | None = None
    _arrivals: int = 0

    def prefetch(self, sigs: Iterable[Signature]) -> None:
        """Read from the store, at once, everything this round's articles can match."""
        if self.bulk_exact is None or self.bulk_bands is None:
            return
        sigs = list(sigs)
        self._stored_exact = self.bulk_exact([s.exact for s in sigs])
        keys = {k for s in sigs if s.minhash for k in _keys(s, self.settings.dedup_bands)}
        self._stored_bands = self.bulk_bands(sorted(keys))

    def _store_exact(self, digest: str) -> str | None:
        if self._stored_exact is not None:
            return self._stored_exact.get(digest)
        return self.lookup_exact(digest)

    def _store_bands(self, keys: list[int]) -> Iterable[Candidate]:
        if self._stored_bands is not None:
            return [c for k in keys for c in self._stored_bands.get(k, ())]
        return self.lookup_bands(keys)

    def check(self, article: Article, sig: Signature) -> None:
        article.versions["dedup"] = VERSION
        root = self._exact.get(sig.exact) or self._store_exact(sig.exact)
        if root is not None and root != article.id:
            article.duplicate_of, article.duplicate_score = root, 1.0
            article.notes["duplicate"] = {"method": "exact"}
        elif sig.minhash:
            self._near(article, sig)
        own_root = article.duplicate_of or article.id
        self._exact.setdefault(sig.exact, own_root)
        if sig.minhash:
            self._arrivals += 1
            cand = Candidate(
                article.id, sig.n_shingles, sig.minhash, own_root, (1 << 62) + self._arrivals
            )
            for key in _keys(sig, self.settings.dedup_bands):
                self._bands.setdefault(key, []).append(cand)

    def _near(self, article: Article, sig: Signature) -> None:
        keys = _keys(sig, self.settings.dedup_bands)
        seen: dict[str, Candidate] = {}
        for cand in self._store_bands(keys):
            seen.setdefault(cand.article_id, cand)
        for key in keys:
            for cand in self._bands.get(key, ()):
                seen.setdefault(cand.article_id, cand)
        cands = sorted((c for c in seen.values() if c.article_id != article.id),
                       key=lambda c: c.order)  # first-seen wins a tie
        if not cands:
            return
        import numpy as np  # lazy: only the driver's near-duplicate check needs it

        # every candidate's Jaccard estimate at once (100k stored: ~33 candidates an article)
        mine = np.frombuffer(sig.minhash, dtype=np.uint32)
        equal = (np.stack([np.frombuffer(c.minhash, dtype=np.uint32) for c in cands])
                 == mine).sum(axis=1)
        estimates = equal / len(mine)  # the same float as jaccard(): one IEEE division
        floor = min(self.settings.dedup_threshold, 0.3)  # below both, no candidate can pass
        best: tuple[float, Candidate, float, float] | None = None
        for idx in np.flatnonzero(estimates >= floor).tolist():
            cand = cands[idx]
            j = float(estimates[idx])
            # |A ∩ B| from the Jaccard estimate, over the smaller set: catches a repost that
            # adds or cuts paragraphs, whose Jaccard falls while containment stays high.
            inter = j * (sig.n_shingles + cand.n_shingles) / (1 + j)
            contain = inter / max(1, min(sig.n_shingles, cand.n_shingles))
            ok = j >= self.settings.dedup_threshold or (
                contain >= self.settings.dedup_containment and j >= 0.3
            )
            if ok and (best is None or j > best[0]):
                best = (j, cand, j, contain)
        if best is not None:
            _, cand, j, contain = best
            article.duplicate_of = cand.root
            article.duplicate_score = round(max(j, min(contain, 1.0)), 4)
            article.notes["duplicate"] = {
                "method": "near", "matched": cand.article_id,
                "jaccard": round(j, 4), "containment": round(min(contain, 1.0), 4),
            }

    def forget_run(self) -> None:
        """Called once the driver has committed this run's articles to the store."""
        self._exact.clear()
        self._bands.clear()
        self._stored_exact = self._stored_bands = None
