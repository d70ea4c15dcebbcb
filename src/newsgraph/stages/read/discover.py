"""Turn the user's PATH arguments (files, folders, globs) into a sorted list of input files, then
into RawDoc items. Symlink loops, missing paths and unknown types become IngestErrors."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsgraph.config import Settings
from newsgraph.records import IngestError, RawDoc

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
ALL_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES

NOT_REGULAR = ("not a regular file (a device, FIFO or socket, or a link to one): newsgraph "
               "reads files and folders")


def input_format(path: Path) -> str | None:
    name = path.name.lower()
    for fmt, suffixes in (
        ("jsonl", JSONL_SUFFIXES),
        ("warc", WARC_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("text", TEXT_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return fmt
    return None


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    root: Path  # the folder the user named (or the file's own folder)
    fmt: str

    @property
    def folder_group(self) -> str | None:
        """The sub-folder below the named root, e.g. corpus/<outlet>/x.txt -> '<outlet>'."""
        return _folder_group(self.path.parent, self.root)


@lru_cache(maxsize=4096)
def _folder_group(parent: Path, root: Path) -> str | None:
    # once per folder, not per file: pathlib's relative_to is slow next to the rest of a read
    if not parent.is_relative_to(root):
        return None
    rel = parent.relative_to(root)
    return rel.parts[-1] if rel.parts else None


def _shown(path: Path | str) -> str:
    """The path as text the store and the terminal can hold: a name in another encoding than
    UTF-8 (its bytes kept by Python as surrogates) shows those bytes as \\xNN escapes."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")


def _bad_name(path: Path) -> IngestError | None:
    shown = _shown(path)
    if shown == str(path):
        return None
    return IngestError(
        shown, "E101", "the file name is not valid UTF-8: rename the file to read it"
    )


def _walk(root: Path) -> Iterator[tuple[Path, bool] | IngestError]:
    """Recursive, sorted, following symlinks but never entering a folder twice (loops). Each
    file comes with whether it is a symlink (known from the listing, no extra system call)."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            yield IngestError(_shown(folder), "E111", f"cannot enter folder ({exc.strerror})")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield IngestError(_shown(folder), "E111", "symlink loop: this folder was already read")
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield IngestError(_shown(folder), "E111", f"cannot list folder ({exc.strerror})")
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = not is_dir and entry.is_file(follow_symlinks=True)
            except OSError as exc:  # e.g. ELOOP on a self-referencing link
                yield IngestError(_shown(path), "E111", f"unreadable entry ({exc.strerror})")
                continue
            if is_dir:
                if not entry.name.startswith("."):
                    subdirs.append(path)
            elif is_file:
                yield path, entry.is_symlink()
            elif os.path.exists(path):  # a device, FIFO or socket (reading one may never end)
                if input_format(path) is not None:
                    yield IngestError(_shown(path), "E109", NOT_REGULAR)
            elif entry.is_symlink():
                yield IngestError(_shown(path), "E111", "broken or looping symlink")
        stack.extend(reversed(subdirs))  # depth-first, in name order


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _real_key(path: Path, is_link: bool) -> str:
    """The file's real path (the same file reached twice is read once), resolving each folder
    once rather than every component of every file."""
    if is_link:
        return os.path.realpath(path)
    return os.path.join(_real_folder(str(path.parent)), path.name)


def discover_inputs(paths: list[str]) -> Iterator[InputFile | IngestError]:
    """Every supported file under the given paths once, in a stable order."""
    emitted: set[str] = set()
    for arg in paths:
        candidates: list[Path]
        if any(ch in arg for ch in "*?[") and not Path(arg).exists():
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield IngestError(_shown(arg), "E110", "no file matches this pattern")
            candidates = [Path(m) for m in matches]
        else:
            candidates = [Path(arg)]
        for cand in candidates:
            if cand.is_dir():
                for item in _walk(cand):
                    if isinstance(item, IngestError):
                        yield item
                        continue
                    path, is_link = item
                    fmt = input_format(path)
                    if fmt is None:
                        continue  # other files inside a folder are not inputs; not an error
                    key = _real_key(path, is_link)
                    if key not in emitted:
                        emitted.add(key)
                        yield _bad_name(path) or InputFile(path, cand, fmt)
            elif cand.is_file():
                fmt = input_format(cand)
                if fmt is None:
                    yield IngestError(
                        _shown(cand), "E109",
                        "unsupported file type; use .txt, .html/.htm, .jsonl or .warc/.warc.gz",
                    )
                    continue
                key = os.path.realpath(cand)
                if key not in emitted:
                    emitted.add(key)
                    yield _bad_name(cand) or InputFile(cand, cand.parent, fmt)
            elif cand.exists():  # a device, FIFO or socket, or a link to one
                yield IngestError(_shown(cand), "E109", NOT_REGULAR)
            elif cand.is_symlink():
                yield IngestError(_shown(cand), "E111", "broken or looping symlink")
            else:
                yield IngestError(_shown(cand), "E110", "no such file or folder")


def count_inputs(paths: list[str]) -> int:
    """How many input files `discover_inputs` yields, without holding them (its errors are
    left to the walk that reads the files, so each is reported once)."""
    return sum(1 for item in discover_inputs(paths) if not isinstance(item, IngestError))


def read_inputs(item: InputFile, settings: Settings) -> Iterator[RawDoc | IngestError]:
    """The RawDoc items of one input file (one for .txt/.html, many for .jsonl/.warc)."""
    from newsgraph.stages.read import html, jsonl, text, warc

    readers = {"text": text.read, "html": html.read, "jsonl": jsonl.read, "warc": warc.read}
    group = item.folder_group
    base_hints = {"folder": group} if group else {}
    yield from readers[item.fmt](item.path, settings, base_hints)
