"""Settings from the environment and newsgraph.toml (config.py): a value that cannot be used is
a usage error (E501, exit 2) that says which setting and why, not a traceback and never a
silent default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsgraph.config import load_settings
from newsgraph.errors import SettingsError

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"


def test_a_setting_that_cannot_be_used_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_NLP_MATMUL", "mkl")
    with pytest.raises(SettingsError, match="nlp_matmul 'mkl': choose one of numpy, blis"):
        load_settings()
    monkeypatch.setenv("NEWSGRAPH_NLP_MATMUL", "blis")
    assert load_settings().nlp_matmul == "blis"
    monkeypatch.setenv("NEWSGRAPH_JOBS", "two")
    with pytest.raises(SettingsError) as bad:
        load_settings()
    assert bad.value.code == "E501" and "NEWSGRAPH_JOBS='two' is not an integer" in str(bad.value)
    monkeypatch.delenv("NEWSGRAPH_JOBS")
    monkeypatch.setenv("NEWSGRAPH_NLP", "maybe")  # not silently off
    with pytest.raises(SettingsError, match="NEWSGRAPH_NLP='maybe' is not true or false"):
        load_settings()
    for word, value in (("Yes", True), ("on", True), ("0", False), ("off", False), ("", False)):
        monkeypatch.setenv("NEWSGRAPH_NLP", word)
        assert load_settings().nlp is value


@pytest.mark.parametrize(("name", "value", "why"), [
    ("MAX_FILE_BYTES", "-5", "at least 1"), ("JOBS", "0", "at least 1"),
    ("DEDUP_THRESHOLD", "7", "at most 1"), ("DEDUP_THRESHOLD", "-1", "above 0"),
    ("DEDUP_BANDS", "500", "at most dedup_perms"), ("REPEAT_MIN_DOCS", "1", "at least 2"),
    ("LANGUAGE_MIN_SCORE", "1.5", "between 0 and 1"), ("WORKER_NICE", "-3", "between 0 and 19"),
])
def test_a_number_out_of_its_range_is_a_coded_error(monkeypatch: pytest.MonkeyPatch, name: str,
                                                    value: str, why: str) -> None:
    monkeypatch.setenv(f"NEWSGRAPH_{name}", value)
    with pytest.raises(SettingsError, match=why) as bad:
        load_settings()
    assert bad.value.code == "E501" and name.lower() in str(bad.value)


def test_numbers_at_the_edges_of_their_ranges_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("DEDUP_THRESHOLD", "1"), ("MAX_FILE_BYTES", "1"),
                        ("WORKER_NICE", "0"), ("LANGUAGE_MIN_CHARS", "0")):
        monkeypatch.setenv(f"NEWSGRAPH_{name}", value)
    settings = load_settings()
    assert settings.dedup_threshold == 1.0 and settings.max_file_bytes == 1


def test_a_config_file_value_of_the_wrong_type_is_a_coded_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [k for k in os.environ if k.startswith("NEWSGRAPH_")]:
        monkeypatch.delenv(name)
    toml = tmp_path / "newsgraph.toml"
    toml.write_text('jobs = 2\ndedup_threshold = 1\nnlp = false\nnlp_matmul = "blis"\n')
    got = load_settings(str(toml))
    assert (got.jobs, got.dedup_threshold, got.nlp, got.nlp_matmul) == (2, 1.0, False, "blis")
    for line, says in (('jobs = "two"', "jobs = 'two' is not of the type of its default (int)"),
                       ("jobs = true", "jobs = True is not"),
                       ("nlp = 1", "nlp = 1 is not of the type of its default (bool)"),
                       ("dedup_threshold = \"0.5\"", "dedup_threshold = '0.5' is not"),
                       ("jobs = ", "newsgraph.toml: ")):  # not TOML at all
        toml.write_text(line + "\n")
        with pytest.raises(SettingsError, match=re.escape(says)):
            load_settings(str(toml))


def test_a_named_config_that_is_not_there_or_misspells_a_setting_is_a_coded_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--config FILE` that is missing or a folder, and a key that is no setting, used to leave
    the defaults in force without a word."""
    for name in [k for k in os.environ if k.startswith("NEWSGRAPH_")]:
        monkeypatch.delenv(name)
    with pytest.raises(SettingsError, match=r"E501 .*nosuch\.toml: no such settings file"):
        load_settings(str(tmp_path / "nosuch.toml"))
    with pytest.raises(SettingsError, match=r"E501 .*: a folder, not a settings file"):
        load_settings(str(tmp_path))
    toml = tmp_path / "newsgraph.toml"
    toml.write_text("jobs = 2\ndedup_treshold = 0.5\ncolour = 'red'\n")
    with pytest.raises(SettingsError, match=re.escape(
            "unknown setting(s) colour, dedup_treshold (did you mean dedup_threshold?)")):
        load_settings(str(toml))
    monkeypatch.chdir(tmp_path)  # the default file, found in the working folder, too
    with pytest.raises(SettingsError, match="dedup_treshold"):
        load_settings()
    toml.unlink()
    assert load_settings() == load_settings(None)  # no file at all: the defaults


def test_the_cli_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("newsgraph")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update({"NEWSGRAPH_NLP_MATMUL": "mkl", "NO_COLOR": "1", "COLUMNS": "200"})
    proc = subprocess.run([str(script), "ingest", str(SEEDS), "--db", str(tmp_path / "s.db")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "E501 bad setting: nlp_matmul 'mkl'" in proc.stdout + proc.stderr
    assert not (tmp_path / "s.db").exists()  # nothing was started
