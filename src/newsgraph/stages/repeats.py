"""Lines learned as boilerplate because they repeat across *different* articles of one outlet (or
one folder when the outlet is unknown): mastheads, taglines, disclaimers, newsletter pitches.

Runs in the driver over a round of articles (plus counts kept in the store from earlier runs), so
the result does not depend on how many workers ran. Two guards keep story sentences safe:
- the articles must be different articles, not copies (copies are for dedup to find);
- a full sentence is learned only where it sits at an article's edge (its first line or last two,
  in an article of at least five lines) in most of its occurrences — a background paragraph
  reused mid-story is story text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsgraph.config import Settings
from newsgraph.records import Article
from newsgraph.stages.boilerplate import line_key
from newsgraph.stages.clean import drop_lines, is_prose
from newsgraph.stages.dedup import Signature, jaccard
from newsgraph.stages.remap import remap_annotations

VERSION = "repeats/1"
REASON = "repeated across outlet"
HEAD, TAIL, MIN_LINES_FOR_EDGE = 1, 2, 5


def group_of(article: Article) -> str | None:
    return article.outlet or article.hints.get("group")


def line_hash(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def line_keys(article: Article, settings: Settings) -> list[tuple[str, bool] | None]:
    """(hash, is prose) for each kept line short enough to be boilerplate, else None. Pure:
    runs in the workers, so the driver only counts."""
    out: list[tuple[str, bool] | None] = []
    for seg in article.segments:
        key = ""
        if seg.length <= settings.repeat_max_chars:
            key = line_key(article.text[seg.clean:seg.clean + seg.length])
        out.append((line_hash(key), is_prose(key)) if key else None)
    return out


@dataclass
class LineCount:
    docs: int = 0
    edge: int = 0
    prose: bool = False
    sample: list[str] = field(default_factory=list)  # a few article ids, for the distinct check


@dataclass
class RepeatLearner:
    settings: Settings
    load_counts: Callable[[str, list[str]], dict[str, LineCount]]  # from the store
    counts: dict[tuple[str, str], LineCount] = field(default_factory=dict)
    near_copies: dict[tuple[str, str], bool] = field(default_factory=dict)  # (a, b) -> J > 0.5

    def _lines(self, article: Article) -> list[tuple[int, str, bool]]:
        keys = article.line_keys
        if keys is None or len(keys) != len(article.segments):
            keys = line_keys(article, self.settings)
        return [(i, h, prose) for i, kp in enumerate(keys) if kp is not None for h, prose in [kp]]

    def learn_and_apply(
        self, articles: list[Article], sigs: dict[str, Signature]
    ) -> Iterable[tuple[str, str, LineCount]]:
        """Count the round's lines, then drop learned ones. Returns the updated counts to store."""
        per_article: list[tuple[Article, str, list[tuple[int, str, bool]]]] = []
        wanted: dict[str, set[str]] = {}
        for art in articles:
            grp = group_of(art)
            if grp is None or art.duplicate_of:
                continue
            lines = self._lines(art)
            per_article.append((art, grp, lines))
            wanted.setdefault(grp, set()).update(h for _, h, _ in lines)
        for grp, hashes in wanted.items():
            missing = [h for h in hashes if (grp, h) not in self.counts]
            for h, count in self.load_counts(grp, missing).items():
                self.counts[(grp, h)] = count
        touched: set[tuple[str, str]] = set()
        for art, grp, lines in per_article:
            n = len(art.segments)
            for i, h, prose in lines:
                count = self.counts.get((grp, h))
                if count is None:
                    count = self.counts[(grp, h)] = LineCount(prose=prose)
                if art.id in count.sample or not self._distinct(art.id, count, sigs):
                    continue
                count.docs += 1
                count.edge += int(n >= MIN_LINES_FOR_EDGE and (i < HEAD or i >= n - TAIL))
                if len(count.sample) < 8:
                    count.sample.append(art.id)
                touched.add((grp, h))
        for art, grp, lines in per_article:
            drops = {i: REASON for i, h, _ in lines if self._is_boilerplate(self.counts[(grp, h)])}
            if drops and len(drops) < len(art.segments):  # never empty an article entirely
                old_text, old_segments = art.text, art.segments
                drop_lines(art, drops)
                remap_annotations(art, old_text, old_segments)  # NLP ran on the old text
                art.line_keys = None
            art.versions["repeats"] = VERSION
        return [(g, h, self.counts[(g, h)]) for g, h in sorted(touched)]

    def _distinct(self, article_id: str, count: LineCount, sigs: dict[str, Signature]) -> bool:
        """Not a near-copy of an article already counted for this line."""
        mine = sigs.get(article_id)
        if mine is None or not mine.minhash:
            return True
        for other_id in count.sample:
            pair = (article_id, other_id)
            close = self.near_copies.get(pair)
            if close is None:  # the same two articles meet on every line they share: once
                other = sigs.get(other_id)
                close = self.near_copies[pair] = bool(
                    other is not None and other.minhash
                    and jaccard(mine.minhash, other.minhash) > 0.5)
            if close:
                return False
        return True

    def forget_run(self) -> None:
        """Called once the driver has committed a round (its counts are in the store)."""
        self.counts.clear()
        self.near_copies.clear()

    def _is_boilerplate(self, count: LineCount) -> bool:
        if count.docs < self.settings.repeat_min_docs:
            return False
        if count.prose:
            return count.edge * 3 >= count.docs * 2
        return True
