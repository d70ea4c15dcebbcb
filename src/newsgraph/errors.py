"""One exception family with stable codes. Messages say what happened and what to do."""

from __future__ import annotations

# code -> short title; the message given at raise time carries the specifics.
CODES: dict[str, str] = {
    "E101": "unreadable file",
    "E102": "empty input",
    "E103": "binary content, not text",
    "E104": "undecodable text",
    "E105": "input too large",
    "E106": "no article text found",
    "E107": "malformed record",
    "E108": "truncated or corrupt archive",
    "E109": "unsupported file type",
    "E110": "path not found",
    "E111": "symlink loop or unreadable folder",
    "E201": "store error",
    "E202": "store is newer than this newsgraph",
    "E203": "store has an unfinished reprocess",
    "E301": "stage failed on this article",
    "E401": "engine cannot start",
    "E501": "bad setting",
}


class NewsgraphError(Exception):
    """Base error: `code` is stable (tests and users grep for it), `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        super().__init__(f"{code} {CODES[code]}: {message}")
        self.code = code
        self.message = message


class InputError(NewsgraphError):
    """A bad input: recorded with its path, the run goes on."""


class StoreError(NewsgraphError):
    """The store cannot be opened or written."""


class EngineError(NewsgraphError):
    """The engine cannot start (its package is missing, the scheduler cannot be reached)."""


class SettingsError(NewsgraphError):
    """A setting from the environment or the config file that cannot be used (a usage error)."""
