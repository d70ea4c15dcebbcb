"""Lines learned per outlet/folder: taglines go, reused story paragraphs and copies do not teach."""

from __future__ import annotations

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
