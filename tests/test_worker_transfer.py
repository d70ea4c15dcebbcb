"""What crosses from a worker process to the driver: an article pickled without its cleaned
text (rebuilt from raw text and segments) must come back equal, and one whose text is not
that rebuild must keep its own; the pool's workers run at the configured lower priority."""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
from typing import Any

try:
    import fcntl
except ImportError:  # not POSIX
    fcntl = None  # type: ignore[assignment]

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.config import Settings
from newsgraph.engines.local import PIPE_BYTES, LocalEngine, _widen_pipe
from newsgraph.records import Article, Segment, text_from_segments
from newsgraph.stages.clean import clean_article, drop_lines


def _cleaned(raw: str) -> Article:
    return clean_article(Article(id="a" * 20, source_path="t.txt", raw_text=raw), "text")


def _roundtrip(art: Article) -> Article:
    return pickle.loads(pickle.dumps(art, protocol=pickle.HIGHEST_PROTOCOL))


def test_a_cleaned_article_crosses_without_its_text_and_comes_back_equal() -> None:
    raw = ("Advertisement\n\nPutin warns Finland\n\nRussia said on Monday it would respond.\n"
           "Share this article\nThe summit ended late.\n\n\n\nRead more: other news\n")
    art = _cleaned(raw)
    assert art.removed and art.text  # something was cut, something kept
    data = pickle.dumps(art, protocol=pickle.HIGHEST_PROTOCOL)
    assert data.count(b"The summit ended late.") == 1  # once, in the raw text
    back = pickle.loads(data)
    assert back == art and back.text == art.text


def test_lines_dropped_later_still_rebuild() -> None:
    art = _cleaned("Title line here\n\nFirst kept sentence of the story.\n"
                   "Second kept sentence of the story.\nThird kept sentence of the story.\n")
    drop_lines(art, {1: "repeated"})  # the driver's learned lines, after the worker
    assert text_from_segments(art.raw_text, art.segments) == art.text
    assert _roundtrip(art) == art


def test_a_text_that_is_not_the_rebuild_is_sent_whole() -> None:
    art = _cleaned("Headline\n\nBody sentence one.\nBody sentence two.\n")
    art.text = art.text.upper()  # a stage changed the text: no longer what segments give
    data = pickle.dumps(art)
    assert b"BODY SENTENCE ONE." in data
    assert _roundtrip(art).text == art.text


def test_no_segments_and_odd_gaps() -> None:
    empty = Article(id="b" * 20, source_path="e.txt", raw_text="")
    assert _roundtrip(empty) == empty
    # clean offsets that leave a gap of 3: rebuilt with three newlines, checked either way
    art = Article(id="c" * 20, source_path="g.txt", raw_text="abcXYZdef",
                  text="abc\n\n\ndef", segments=[Segment(0, 0, 3), Segment(6, 6, 3)])
    assert text_from_segments(art.raw_text, art.segments) == art.text
    assert _roundtrip(art) == art


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from(["", "Advertisement", "Share this", "Photo: AP", "\u00a0", "\r"]),
), max_size=25))
def test_any_cleaned_text_survives_the_crossing(lines: list[str]) -> None:
    art = _cleaned("\n".join(lines))
    back = _roundtrip(art)
    assert back == art
    assert back.text == art.text and back.segments == art.segments


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe sizes are a Linux setting")
def test_the_results_pipe_holds_a_whole_result() -> None:
    reader, writer = mp.Pipe(duplex=False)
    try:
        _widen_pipe(writer)
        with open("/proc/sys/fs/pipe-max-size") as f:
            allowed = int(f.read())
        size = fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ)
        assert size == min(allowed, PIPE_BYTES)
    finally:
        reader.close()
        writer.close()
    _widen_pipe(writer)  # a closed connection: ignored, not raised


def _niceness(_worker: Any, _item: Any) -> int:
    return os.nice(0)


@pytest.mark.skipif("fork" not in mp.get_all_start_methods() or not hasattr(os, "nice"),
                    reason="needs fork and os.nice")
def test_pool_workers_run_nicer_than_the_driver() -> None:
    base = os.nice(0)
    engine = LocalEngine(Settings(nlp=False, stories=False, worker_nice=3), jobs=2)
    seen = list(engine.map_tasks(_niceness, [1, 2, 3, 4]))
    assert seen == [min(base + 3, 19)] * 4
    assert os.nice(0) == base  # the driver keeps its priority
    same = LocalEngine(Settings(nlp=False, stories=False, worker_nice=0), jobs=2)
    assert list(same.map_tasks(_niceness, [1, 2])) == [base, base]
