"""Duplicates through the real ingest path: exact, near, chains, determinism, incremental runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgraph import api
from newsgraph.config import Settings
from newsgraph.stages.dedup import _TOKEN, shingles_of, tokens
from newsgraph.store import Store

LEDE = [
    "The city council of Riverton voted on Tuesday evening to approve a new budget for the "
    "coming fiscal year after a long and heated public hearing at the town hall.",
    "The budget includes funding for three new schools, a renovated public library and a "
    "program to repair roads damaged during the unusually harsh winter months.",
    "Council member Anna Lopez said the vote reflected months of negotiation between the "
    "mayor's office and neighbourhood associations across the northern districts.",
    "Opponents argued that the plan raises property taxes too quickly for retired residents "
    "living on fixed incomes and asked for a phased increase over four years.",
    "The mayor is expected to sign the budget into law by the end of the week, according to "
    "a statement released by her spokesman late on Tuesday night.",
    "Local businesses welcomed the road repairs, saying potholes had cost delivery companies "
    "thousands of dollars in damaged tyres and lost working hours since January.",
]
EXTRA = [
    "Teachers' unions said the school funding was a first step but warned that salaries in the "
    "district still lag behind neighbouring counties by nearly ten percent.",
    "The library renovation will close the main reading room for eighteen months, and a "
    "temporary branch will open in the former post office building on Elm Street.",
    "Engineers estimate that more than four hundred potholes will be filled before summer, "
    "starting with the bus routes and the streets around the hospital.",
    "The finance director told reporters that the city's credit rating should not be affected "
    "because the new spending is covered by the tax increase and federal grants.",
    "Several council members said they would push for an independent audit of the road "
    "program next year to make sure contractors deliver the promised repairs.",
    "Residents who want to comment on the spending plan can still send letters to the city "
    "clerk, whose office will publish all submissions online next month.",
]
STORY = "Riverton council approves new budget\n" + "\n".join(LEDE) + "\n"
OTHER_EVENT_ARTICLE = (
    "Riverton budget passes amid tax protests\n"
    "Riverton's council passed its annual spending plan late on Tuesday, ending weeks of debate "
    "over how to pay for new schools and road works in the city.\n"
    "Dozens of residents protested outside the hall, holding signs that criticised the tax rise "
    "and calling on the mayor to veto the measure before it takes effect.\n"
    "Supporters said the schools were overdue, pointing to overcrowded classrooms in the north "
    "of the city where enrolment has doubled over the past decade.\n"
    "A spokesman for the mayor said she would review the plan carefully and decide within days "
    "whether to sign it, declining to comment on the protests.\n"
    "The council will hold another hearing next month on a separate proposal for public "
    "transport, which was left out of this year's budget.\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def by_name(db: Path) -> dict[str, tuple[str, str | None]]:
    with Store(db, readonly=True) as store:
        return {Path(a.source_path).name: (a.id, a.duplicate_of) for a in store.iter_articles()}


def ingest(paths: list[Path], db: Path, jobs: int = 1) -> dict[str, tuple[str, str | None]]:
    report = api.ingest([str(p) for p in paths], db=db, jobs=jobs, settings=Settings())
    assert report.exit_code == 0, report.errors
    return by_name(db)


def test_exact_duplicate_points_to_first_seen(tmp_path: Path) -> None:
    d = tmp_path / "in"
    write(d, "a.txt", STORY)
    write(d, "b.txt", "  " + STORY.upper().replace("\n", "\n\n").replace(" ", "   "))
    got = ingest([d], tmp_path / "db.sqlite")
    assert got["a.txt"][1] is None
    assert got["b.txt"][1] == got["a.txt"][0]


def test_changed_headline_and_extra_paragraph_are_near_duplicates(tmp_path: Path) -> None:
    d = tmp_path / "in"
    write(d, "a.txt", STORY)
    write(d, "b.txt", "BREAKING: Riverton approves budget after heated hearing\n"
          + "\n".join(LEDE) + "\n")
    write(d, "c.txt", STORY + "Read more about the council's decisions in our city section, "
          "where reporters follow every vote, hearing and public meeting in Riverton.\n")
    got = ingest([d], tmp_path / "db.sqlite")
    assert got["b.txt"][1] == got["a.txt"][0]
    assert got["c.txt"][1] == got["a.txt"][0]


def test_same_event_different_article_is_not_a_duplicate(tmp_path: Path) -> None:
    d = tmp_path / "in"
    write(d, "a.txt", STORY)
    write(d, "b.txt", OTHER_EVENT_ARTICLE)
    got = ingest([d], tmp_path / "db.sqlite")
    assert got["a.txt"][1] is None and got["b.txt"][1] is None


def test_chain_points_to_the_root(tmp_path: Path) -> None:
    """B = A + six more lines (a near copy of A); C = A's last two lines + those six (a near copy
    of B, not of A): C.duplicate_of == A, the root, not B."""
    d = tmp_path / "in"
    write(d, "a.txt", STORY)
    write(d, "b.txt", "Riverton budget, full report\n" + "\n".join(LEDE + EXTRA) + "\n")
    write(d, "c.txt", "Budget: the reactions\n" + "\n".join(LEDE[4:] + EXTRA) + "\n")
    got = ingest([d], tmp_path / "db.sqlite")
    a_id = got["a.txt"][0]
    assert got["b.txt"][1] == a_id
    assert got["c.txt"][1] == a_id


def test_deterministic_across_job_counts(tmp_path: Path) -> None:
    d = tmp_path / "in"
    for i in range(12):  # several batches, so two workers really split the work
        write(d, f"{i:02d}a.txt", STORY.replace("Riverton", f"Town{i}"))
        write(d, f"{i:02d}b.txt", "Update\n" + "\n".join(LEDE).replace("Riverton", f"Town{i}"))
        write(d, f"{i:02d}c.txt", OTHER_EVENT_ARTICLE.replace("Riverton", f"Town{i}"))
    settings = Settings(batch_size=4)
    results = []
    for jobs in (1, 2):
        db = tmp_path / f"j{jobs}.sqlite"
        api.ingest([str(d)], db=db, jobs=jobs, settings=settings)
        results.append(by_name(db))
    assert results[0] == results[1]
    assert sum(dup is not None for _, dup in results[0].values()) >= 12


def test_incremental_run_links_to_stored_article(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    first = ingest([write(tmp_path / "run1", "a.txt", STORY)], db)
    repost = "Riverton budget: what we know\n" + "\n".join(LEDE[:5]) + "\nAdvertisement\n"
    second = ingest([write(tmp_path / "run2", "b.txt", repost)], db)
    assert second["b.txt"][1] == first["a.txt"][0]


@pytest.mark.parametrize("edit", ["typo", "exact"])
def test_short_texts_are_exact_only(tmp_path: Path, edit: str) -> None:
    short = "Mayor signs Riverton budget into law on Friday morning"  # < 10 shingles
    d = tmp_path / "in"
    write(d, "a.txt", "Budget news\n" + short + ".\n")
    other = short.replace("signs", "sings") if edit == "typo" else short.lower() + " ."
    write(d, "b.txt", "Budget news\n" + other + "\n")
    got = ingest([d], tmp_path / "db.sqlite")
    expected = None if edit == "typo" else got["a.txt"][0]
    assert got["b.txt"][1] == expected


# ---- the word and shingle fast paths give what the plain definitions give ------------------
_CASED = st.text(alphabet=st.sampled_from(
    list("abcXYZ ΣσςΟΔİıK’'.-_1\n") + ["\u212a", "\u0130", "\u03a3", "ẞ", "ǅ"]), max_size=60)


@given(_CASED | st.text(max_size=60))
def test_tokens_are_the_lower_cased_words(text: str) -> None:
    assert tokens(text) == [t.lower() for t in _TOKEN.findall(text)]


@given(st.lists(st.sampled_from(["a", "b", "c", "dd"]), max_size=12), st.integers(1, 6))
def test_shingles_are_every_run_of_k_words(words: list[str], k: int) -> None:
    assert shingles_of(words, k) == [
        " ".join(words[i:i + k]) for i in range(max(1, len(words) - k + 1))
    ]


def test_greek_final_sigma_inside_a_dotted_word_keeps_its_word_form() -> None:
    # whole-text lower() makes this sigma medial (a letter follows the dot); word by word
    # it is final: the fast path must not be taken
    assert tokens("ΟΔΟΣ.ΑΒ") == ["οδος", "αβ"]
