"""Lines learned per outlet/folder: taglines go, reused story paragraphs and copies do not teach."""

from __future__ import annotations

import json
from pathlib import Path

from newsgraph import api
from newsgraph.store import Store

STORIES = [
    ("Storm hits coast", "A powerful storm hit the northern coast on Monday, cutting power to "
     "thousands of homes.", "Emergency crews worked through the night to restore electricity."),
    ("Council approves budget", "The city council approved a new budget after a long debate "
     "over school funding.", "The mayor said the plan would be reviewed again next spring."),
    ("Team wins final", "The home team won the championship final in extra time before a "
     "record crowd.", "Fans celebrated in the streets until the early hours of the morning."),
    ("Factory to close", "The car factory will close next year, the company announced, putting "
     "hundreds of jobs at risk.", "Unions called the decision a betrayal of loyal workers."),
]
TAGLINE = "The Daily Example — independent news since 1901"
BACKGROUND = ("Russia launched its full-scale invasion of Ukraine in February 2022, the largest "
              "war in Europe since 1945.")


def _write(folder: Path, extra_mid: str | None = None, n: int = 4) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, (title, p1, p2) in enumerate(STORIES[:n]):
        mid = f"{extra_mid}\n\n" if extra_mid else ""
        (folder / f"{i}.txt").write_text(
            f"{title}\n\n{p1}\n\n{mid}{p2}\n\n{TAGLINE}\n", encoding="utf-8")


def _texts(db: Path) -> list[tuple[str, list[str]]]:
    with Store(db, readonly=True) as store:
        return [(a.text, [d.reason for d in a.removed]) for a in store.iter_articles()]


def test_outlet_tagline_is_learned(tmp_path: Path) -> None:
    _write(tmp_path / "corpus" / "daily-example")
    api.ingest([str(tmp_path / "corpus")], db=tmp_path / "s.db")
    rows = _texts(tmp_path / "s.db")
    assert len(rows) == 4
    for text, reasons in rows:
        assert TAGLINE not in text
        assert "repeated across outlet" in reasons


def test_below_the_threshold_nothing_is_learned(tmp_path: Path) -> None:
    _write(tmp_path / "corpus" / "x", n=2)
    api.ingest([str(tmp_path / "corpus")], db=tmp_path / "s.db")
    assert all(TAGLINE in text for text, _ in _texts(tmp_path / "s.db"))


def test_a_background_paragraph_mid_story_is_story_text(tmp_path: Path) -> None:
    _write(tmp_path / "corpus" / "x", extra_mid=BACKGROUND)
    api.ingest([str(tmp_path / "corpus")], db=tmp_path / "s.db")
    for text, _ in _texts(tmp_path / "s.db"):
        assert BACKGROUND in text  # a full sentence in mid-story is kept
        assert TAGLINE not in text  # the short edge line is still learned


def test_copies_of_one_article_do_not_teach(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "x"
    folder.mkdir(parents=True)
    title, p1, p2 = STORIES[0]
    body = f"{p1} " * 6
    for i in range(4):  # four reposts of one article (a changed headline each)
        (folder / f"{i}.txt").write_text(f"{title} {i}\n\n{body}\n\n{TAGLINE}\n", "utf-8")
    api.ingest([str(tmp_path / "corpus")], db=tmp_path / "s.db")
    rows = _texts(tmp_path / "s.db")
    assert rows[0][0].endswith(TAGLINE)


def test_counts_carry_over_to_later_runs(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "daily", n=2)
    api.ingest([str(tmp_path / "a")], db=tmp_path / "s.db")
    folder = tmp_path / "b" / "daily"  # the same outlet (from its folder) in a later run
    folder.mkdir(parents=True)
    for i, (title, p1, p2) in enumerate(STORIES[2:]):
        (folder / f"{i}.txt").write_text(f"{title}\n\n{p1}\n\n{p2}\n\n{TAGLINE}\n", "utf-8")
    api.ingest([str(tmp_path / "b")], db=tmp_path / "s.db")
    rows = _texts(tmp_path / "s.db")
    # stored articles are not rewritten; the new ones see the counts from the first run
    assert [TAGLINE in text for text, _ in rows] == [True, True, False, False]


def test_annotations_follow_the_text_when_learned_lines_go(tmp_path: Path) -> None:
    """The workers' NLP runs before the driver drops learned lines: every mention, quote and
    event offset must still point at its own words in the stored (shorter) text."""
    desk = "Daily Example Metro Desk"  # not prose, on every page of the outlet: learned
    folder = tmp_path / "corpus" / "daily-example"
    folder.mkdir(parents=True)
    for i, (title, p1, p2) in enumerate(STORIES):
        quote = f"“We will not give up on the people of district {i + 1},” Mayor Anna Berg said."
        (folder / f"{i}.txt").write_text(
            f"{title}\n\n{desk}\n\n{p1}\n\n{quote}\n\n{p2}\n", encoding="utf-8")
    db = tmp_path / "s.db"
    api.ingest([str(folder)], db=db)
    with Store(db, readonly=True) as store:
        articles = list(store.iter_articles())
        assert len(articles) == 4
        for art in articles:
            assert desk not in art.text and "repeated across outlet" in [
                d.reason for d in art.removed]
            quotes = store.quotes(article_id=art.id)
            assert [q.text for q in quotes if q.type == "direct"] == [
                next(q.text for q in quotes if q.text.startswith("We will not give up"))]
            for q in quotes:
                assert art.text[q.start:q.end] == q.text
                if q.speaker_start is not None:
                    assert art.text[q.speaker_start:q.speaker_end] == q.speaker_mention
            mentions = store.article_mentions(art.id)
            assert any(m.text == "Anna Berg" for m in mentions)
            for m in mentions:
                assert art.text[m.start:m.end] == m.text
            for ev in store.events_view().events(article_id=art.id, limit=1000):
                assert art.text[ev.start:ev.end] == ev.sentence
                assert art.text[ev.trigger_start:ev.trigger_end] == ev.trigger


def test_an_annotation_in_a_dropped_line_goes_and_the_article_says_so() -> None:
    from newsgraph.records import Article, Mention
    from newsgraph.stages.clean import clean_article, drop_lines
    from newsgraph.stages.remap import remap_annotations

    raw = "Title here\n\nFirst line by Alpha.\nSecond line by Beta.\n\nThird line by Gamma.\n"
    art = clean_article(Article(id="a1", source_path="x.txt", raw_text=raw), "text")
    names = ("Alpha", "Beta", "Gamma")
    art.mentions = [Mention(art.text.index(n), art.text.index(n) + len(n), n, "ORG")
                    for n in names]
    second = next(i for i, s in enumerate(art.segments)
                  if art.text[s.clean:s.clean + s.length].startswith("Second"))
    old_text, old_segments = art.text, art.segments
    drop_lines(art, {second: "repeated across outlet"})
    remap_annotations(art, old_text, old_segments)
    assert [m.text for m in art.mentions] == ["Alpha", "Gamma"]
    assert all(art.text[m.start:m.end] == m.text for m in art.mentions)
    assert art.notes["annotations_in_learned_lines"] == {"mentions": 1}


def test_what_is_learned_does_not_depend_on_batches_or_workers(tmp_path: Path) -> None:
    """A round's learned lines depend on which articles it holds: rounds must hold exactly
    `round_size` articles wherever the engine's batches end (they shrink at the end of a run
    with several workers), or 1 and 2 jobs store different texts."""
    import random

    from newsgraph.config import Settings

    words = ["harbour", "council", "river", "station", "budget", "teacher", "engine", "market",
             "winter", "bridge", "museum", "nurse", "farmer", "court", "ferry", "library",
             "tunnel", "orchestra", "election", "vaccine"]
    rng = random.Random(3)
    folder = tmp_path / "corpus" / "daily"
    folder.mkdir(parents=True)
    promo = "Garden Show Weekly — Daily Example"  # short, not prose: learned at 3 articles
    for i in range(10):
        body = [" ".join(rng.choice(words) for _ in range(14)).capitalize() + "."
                for _ in range(4)]
        lines = [f"Report number {i} on {words[i]}", *body[:2], *([promo] if 3 <= i <= 5 else []),
                 *body[2:]]
        (folder / f"{i:02d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    runs = {}
    for jobs, batch in ((1, 3), (1, 5), (2, 3)):
        db = tmp_path / f"j{jobs}b{batch}.db"
        api.ingest([str(folder)], db=db, jobs=jobs,
                   settings=Settings(nlp=False, stories=False, round_size=4, batch_size=batch))
        runs[(jobs, batch)] = _texts(db)
    first = runs[(1, 3)]
    # the line is counted in articles 3 (round 1), 4 and 5 (round 2): learned from round 2 on
    assert [promo in text for text, _ in first][3:6] == [True, False, False]
    assert all(rows == first for rows in runs.values())


def test_line_count_samples_from_older_stores_are_still_read(tmp_path: Path) -> None:
    """Samples were JSON lists before they were space-separated ids: both are read."""
    import sqlite3

    _write(tmp_path / "corpus" / "daily-example")
    db = tmp_path / "s.db"
    api.ingest([str(tmp_path / "corpus")], db=db)
    conn = sqlite3.connect(db)
    grp, h, sample = conn.execute(
        "SELECT grp, line_hash, sample FROM line_counts WHERE docs = 4").fetchone()
    ids = sample.split()
    assert len(ids) == 4 and not sample.startswith("[")
    with Store(db, readonly=True) as store:
        assert store.load_line_counts(grp, [h])[h].sample == ids
    with conn:
        conn.execute("UPDATE line_counts SET sample=? WHERE line_hash=?", (json.dumps(ids), h))
    conn.close()
    with Store(db, readonly=True) as store:
        assert store.load_line_counts(grp, [h])[h].sample == ids
