"""A story split through the store (stories/7): one ingest and two ingests give the same
stories when the split happens in the second, and a split story's dates, title and lead
weekdays come from its own articles."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from newsgraph import api
from newsgraph.stages.stories import lead_weekday, lead_years
from newsgraph.store import Store
from newsgraph.store.stories import _detail_json, _row_detail
from tests.conftest import read_jsonl

EVAL = Path(os.environ.get("NEWSGRAPH_EVAL_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "eval"))


def _write_topic(folder: Path, topic: int) -> list[str]:
    path = EVAL / "stories" / "ecbplus.jsonl"
    if not path.exists():
        pytest.skip("no ECB+ data")
    names = []
    for i, line in enumerate(path.read_text("utf-8").splitlines()):
        row = json.loads(line)
        if row["topic"] == topic:
            name = f"{i:04d}_{row['doc_id']}.txt"  # file order = first-seen order
            (folder / name).write_text(row["text"], "utf-8")
            names.append(name)
    return names


def _export(db: Path, out: Path) -> tuple[list[dict], dict[str, dict]]:
    api.export(db, out)
    return (read_jsonl(out / "stories.jsonl"),
            {r["id"]: r for r in read_jsonl(out / "articles.jsonl")})


def test_a_split_in_a_later_ingest_gives_the_stories_of_one_ingest(tmp_path: Path) -> None:
    src = tmp_path / "all"
    src.mkdir()
    names = _write_topic(src, 7)  # ten on Klitschko-Rahman, then eleven on Klitschko-Thompson
    one = tmp_path / "one.db"
    api.ingest([str(src)], db=one)
    part = tmp_path / "part"
    part.mkdir()
    two = tmp_path / "two.db"
    for chunk in (names[:12], names[12:]):  # two of the second fight in the first ingest
        for name in chunk:
            (part / name).write_bytes((src / name).read_bytes())
        api.ingest([str(part)], db=two)
    stories_one, articles = _export(one, tmp_path / "out-one")
    stories_two, _ = _export(two, tmp_path / "out-two")
    assert stories_one == stories_two
    assert len(stories_one) == 2
    for story in stories_one:
        arts = [articles[a] for a in story["article_ids"]]
        days = sorted(a["published"][:10] for a in arts if a["published"])
        assert (story["start_date"], story["end_date"]) == ((days[0], days[-1]) if days
                                                            else (None, None))
        titled = [a["title"] for a in arts if a["title"]]
        assert story["title"] == (titled[0] if titled else None)
    # what the next ingest scores a story with comes back from the store: its articles' lead
    # weekdays (stories/8) and years (stories/9), and in its detail each tail article's own
    with Store(two, readonly=True) as store:
        view = store.stories_view()
        ids = [s["id"] for s in stories_two]
        stored, details = view.lookup_stories(ids), view.lookup_detail(ids)
    for story in stories_one:
        days = [lead_weekday(articles[a]["text"]) for a in story["article_ids"]]
        assert stored[story["id"]].weekdays == dict(Counter(str(d) for d in days if d is not None))
        tail = details[story["id"]].tail
        assert [e.weekday for e in tail] == [lead_weekday(articles[e.id]["text"]) for e in tail]
        years = [lead_years(articles[a]["text"], articles[a]["published"])
                 for a in story["article_ids"]]
        counts = Counter(y for ys in years for y in ys)
        if any(years):
            counts["*"] = sum(1 for ys in years if ys)
        assert stored[story["id"]].years == dict(counts)
        assert [e.years or [] for e in tail] == [
            lead_years(articles[e.id]["text"], articles[e.id]["published"]) for e in tail]
    assert any(stored[s["id"]].years for s in stories_one)  # the fights' years are named


def test_a_story_stored_before_weekdays_were_kept_still_loads() -> None:
    old = json.dumps({"tail": [["a1", 3, "Title", None, {"w": 1.0}, {}, {}]],  # stories/7
                      "days": {}, "title_seq": 3})
    detail = _row_detail(old)
    assert [(e.id, e.seq, e.weekday) for e in detail.tail] == [("a1", 3, None)]
    assert _row_detail(_detail_json(detail)).tail == detail.tail
    stories8 = json.dumps({"tail": [["a1", 3, "Title", None, {"w": 1.0}, {}, {}, 2]],
                           "days": {}, "title_seq": 3})
    detail = _row_detail(stories8)
    assert [(e.id, e.weekday, e.years) for e in detail.tail] == [("a1", 2, None)]
