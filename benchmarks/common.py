"""What the benchmarks share: where the eval data is, and memory of a process tree."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """../shared/eval, or NEWSGRAPH_EVAL_DATA."""
    env = os.environ.get("NEWSGRAPH_EVAL_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "eval"


def rss_by_pid(root: int) -> dict[int, int]:
    """RSS in kB of `root` and every descendant, read from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(entry))
            rss[int(entry)] = int(fields[21]) * page_kb
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while we read
    out, stack = {}, [root]
    while stack:
        pid = stack.pop()
        out[pid] = rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return out
