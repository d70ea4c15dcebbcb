"""SQL LIKE patterns built from what a user typed."""

from __future__ import annotations


def like(value: str, prefix: bool = False) -> str:
    """A LIKE pattern matching `value` literally (with `ESCAPE '\\'`): a user's % or _ is no
    wildcard. `prefix`: what starts with it; else what contains it."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%" if prefix else f"%{escaped}%"
