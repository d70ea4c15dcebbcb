"""Query parameters the JSON API and the pages share: search filters (as one dependency, so
both validate them the same way) and the helpers that turn `api`'s ValueErrors into 422s."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import HTTPException, Query

from newsgraph import api

T = TypeVar("T")

Short = Annotated[str | None, Query(max_length=200)]
Day = Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD, "
                                                              "inclusive.")]

FILTER_NAMES = ("date_from", "date_to", "outlet", "language", "story", "entity", "speaker")


def search_filters(
    date_from: Day = None, date_to: Day = None,
    outlet: Annotated[str | None, Query(max_length=200, description="Outlet name (exact, "
                                                                    "any case).")] = None,
    language: Annotated[str | None, Query(max_length=12, description="Language code, or "
                                                                     "`unknown`.")] = None,
    story: Annotated[str | None, Query(max_length=64, description="Story id or prefix.")] = None,
    entity: Annotated[str | None, Query(max_length=200, description="Entity id, prefix, name "
                                                                    "or alias.")] = None,
    speaker: Annotated[str | None, Query(max_length=200, description="Articles quoting this "
                                                                     "speaker.")] = None,
) -> api.SearchFilters:
    """Search filters from the query string; empty values are no filter (an HTML form sends
    every field)."""
    return api.SearchFilters(date_from or None, date_to or None, outlet or None,
                             language or None, story or None, entity or None, speaker or None)


def unprocessable(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn`; a ValueError (a filter that is malformed or names nothing) becomes a 422."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """`params` with `changes` applied (None removes a key), as a query string for a link."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


_choices: dict[str, tuple[Any, dict[str, list[tuple[str, int]]]]] = {}
_choices_lock = threading.Lock()


def _stamp(db: str) -> tuple[tuple[int, int], ...]:
    out = []
    for path in (db, f"{db}-wal"):
        try:
            st = os.stat(path)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((0, 0))
    return tuple(out)


def choices(db: str) -> dict[str, list[tuple[str, int]]]:
    """The store's outlets and languages with counts (`api.search_choices`), kept until the
    store's files change: the languages cost a pass over every article (no index), seconds
    on a 100k store, too much for each page or keystroke."""
    key = _stamp(db)
    with _choices_lock:  # one pass at a time, not one per waiting request
        hit = _choices.get(db)
        if hit is None or hit[0] != key:
            hit = (key, api.search_choices(db))
            _choices[db] = hit
        return hit[1]


def store_languages(db: str) -> list[str]:
    return [code for code, _ in choices(db)["language"]]
