"""What the evals share: where the public eval data is (../shared/eval beside the project, or
NEWSGRAPH_EVAL_DATA), and reading its JSON Lines files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    env = os.environ.get("NEWSGRAPH_EVAL_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "eval"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
