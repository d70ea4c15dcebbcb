"""Cost of the relation pass (relation_pass.rebuild_relations): the full rebuild that runs after
the entity pass at the end of every ingest with NLP, against that entity pass, on one store.

Store: the 982 ECB+ news texts (../shared/eval/stories/ecbplus.jsonl, CC BY 3.0) ingested once
with NLP into a temporary store (not timed), or --db an existing store. Then each pass runs
--repeat times in turn on a copy of it (A B A B …); the table gives medians, and seconds per
1,000 stored articles. No pass/fail: timings vary by machine.

    .venv/bin/python benchmarks/relations.py [--db STORE] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import data_dir
from newsgraph import api
from newsgraph.config import Settings
from newsgraph.ingest import Ingest
from newsgraph.relation_pass import rebuild_relations
from newsgraph.store import Store


def _store(work: Path) -> Path:
    corpus = work / "ecb"
    corpus.mkdir()
    with (data_dir() / "stories" / "ecbplus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            (corpus / f"{rec['doc_id']}.txt").write_text(rec["text"], encoding="utf-8")
    db = work / "ecb.db"
    api.ingest([str(corpus)], db=db, settings=Settings(stories=False))
    return db


def _entity_pass(db: Path) -> None:
    with Store(db) as store:
        run = Ingest(store, Settings(), engine=None, progress=None)
        run.writer = store
        run._resolve_entities()


def _relation_pass(db: Path) -> None:
    with Store(db) as store:
        rebuild_relations(store)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="an existing store (default: ECB+ ingested once)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = Path(args.db) if args.db else _store(work)
        db = work / "bench.db"
        shutil.copy(src, db)
        with Store(db) as store:
            n = store.count()
        times: dict[str, list[float]] = {"entity pass": [], "relation pass": []}
        for _ in range(args.repeat):
            for name, fn in (("entity pass", _entity_pass), ("relation pass", _relation_pass)):
                started = time.perf_counter()
                fn(db)
                times[name].append(time.perf_counter() - started)
        with Store(db, readonly=True) as store:
            edges = store.relations_view().count()
        print(f"{n} articles, {edges} relation edges; median of {args.repeat}")
        print("pass | seconds | seconds per 1k articles")
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"{name} | {med:.3f} | {med * 1000 / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
