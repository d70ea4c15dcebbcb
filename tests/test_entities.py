"""Entity mentions (spaCy + cleaning) and canonical entities (merges in and across articles)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from newsgraph.records import Mention
from newsgraph.stages.canonical import Canonicalizer, norm_key
from newsgraph.stages.entities import extract_mentions, mentions_from_doc, split_chunks

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"

TEXT = (
    "Russian President Vladimir Putin met Turkish President Recep Tayyip Erdoğan in Moscow on "
    "Monday. The Kremlin's spokesman said Mr. Erdogan and Putin spoke for 45 minutes.\n\n"
    "Advertisement\n\n"
    "NATO Secretary General Jens Stoltenberg said the Collective Security Treaty Organisation "
    "(CSTO) was no threat. Stoltenberg's remarks came after Nato's summit.\n\n"
    "READ MORE ON THIS STORY\n\n"
    "Norwegian health official Camilla Stoltenberg said the Defence Ministry of Norway disagreed."
)


@pytest.fixture(scope="module")
def nlp():
    from newsgraph.stages.entities import load_nlp

    return load_nlp()


def ms(text: str, spans: list[tuple[str, str]]) -> list[Mention]:
    """Mentions for the given (surface, label) pairs, found left to right in text."""
    out, pos = [], 0
    for surface, label in spans:
        start = text.index(surface, pos)
        out.append(Mention(start, start + len(surface), surface, label))
        pos = start + len(surface)
    return out


def by_name(canon: Canonicalizer) -> dict[str, object]:
    return {e.name: e for e in canon.entities()}


# --- mentions ---------------------------------------------------------------------------------

def test_mentions_are_cleaned(nlp) -> None:
    found = extract_mentions(TEXT, nlp).mentions
    for m in found:
        assert TEXT[m.start:m.end] == m.text
    texts = [m.text for m in found]
    assert "Vladimir Putin" in texts and "Kremlin" in texts  # title, "the", "'s" cut off
    putin = next(m for m in found if m.text == "Vladimir Putin")
    assert putin.label == "PERSON" and putin.title == "Russian President"
    assert "Erdogan" in texts and "Nato" in texts
    assert not any(t.startswith(("The ", "the ", "Mr", "President")) for t in texts)
    assert not any(t.endswith(("'s", "’s")) for t in texts)
    for junk in ("Advertisement", "READ MORE ON THIS STORY", "Monday", "45 minutes"):
        assert junk not in texts


def test_offsets_with_doc_offset(nlp) -> None:
    text = "Intro line.\n\nAngela Merkel visited Paris."
    doc = nlp(text[13:])
    found = mentions_from_doc(doc, text, offset=13)
    assert [(m.text, text[m.start:m.end]) for m in found][:1] == [("Angela Merkel",) * 2]


def test_long_text_is_capped_on_a_paragraph(nlp) -> None:
    para = "Vladimir Putin spoke in Moscow about NATO and the Kremlin.\n\n"
    text = para * 20_000  # 1.2 MB, over spaCy's max_length
    out = extract_mentions(text, nlp, max_chars=30_000, chunk_chars=10_000)
    assert out.capped and out.note()
    assert out.processed_chars <= 30_000 and text[:out.processed_chars].endswith("\n\n")
    assert len(out.chunks) >= 3
    assert max(m.end for m in out.mentions) <= out.processed_chars
    assert sum(m.text == "Vladimir Putin" for m in out.mentions) == out.processed_chars // len(para)


def test_split_chunks_without_breaks() -> None:
    text = "x" * 250_000
    pieces = split_chunks(text, 40_000)
    assert pieces[0] == (0, 40_000) and pieces[-1][1] == len(text)
    assert all(e - s <= 40_000 for s, e in pieces)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))


# --- canonical entities ------------------------------------------------------------------------

def test_keys_fold_case_diacritics_spelling() -> None:
    assert norm_key("Nato") == norm_key("NATO")
    assert norm_key("Erdoğan") == norm_key("Erdogan")
    assert norm_key("Collective Security Treaty Organisation") == norm_key(
        "Collective Security Treaty Organization")
    assert norm_key("Defence Ministry") == norm_key("Defense Ministry")
    assert norm_key("the Kremlin's") == norm_key("Kremlin")
    assert norm_key("President Vladimir Putin", person=True) == "vladimir putin"
    assert norm_key("U.S.") == norm_key("US")


def test_putin_forms_merge() -> None:
    canon = Canonicalizer()
    a = "Russian President Vladimir Putin spoke. President Vladimir Putin said. Putin left."
    canon.add_article("a1", ms(a, [("Russian President Vladimir Putin", "PERSON"),
                                   ("President Vladimir Putin", "PERSON"), ("Putin", "PERSON")]))
    b = "Putin and the Kremlin's aides."
    canon.add_article("a2", ms(b, [("Putin", "PERSON"), ("Kremlin's", "ORG")]))
    ents = by_name(canon)
    putin = ents["Vladimir Putin"]
    assert putin.type == "PERSON" and putin.mention_count == 4
    assert putin.article_ids == ["a1", "a2"]
    assert ents["Kremlin"].aliases == ["Kremlin's"]


def test_erdogan_nato_csto_merge_across_articles() -> None:
    canon = Canonicalizer()
    a = "Turkish President Tayyip Erdoğan and NATO and the Collective Security Treaty Organization"
    canon.add_article("a1", ms(a, [("Tayyip Erdoğan", "PERSON"), ("NATO", "ORG"),
                                   ("Collective Security Treaty Organization", "FAC")]), a)
    b = ("Recep Tayyip Erdogan warned Nato. The CSTO (Collective Security Treaty Organisation) "
         "met. Erdogan left.")
    canon.add_article("a2", ms(b, [("Recep Tayyip Erdogan", "PERSON"), ("Nato", "ORG"),
                                   ("CSTO", "ORG"),
                                   ("Collective Security Treaty Organisation", "ORG"),
                                   ("Erdogan", "PERSON")]), b)
    c = "The CSTO summit."
    canon.add_article("a3", ms(c, [("CSTO", "ORG")]), c)
    ents = by_name(canon)
    erdogan = ents["Recep Tayyip Erdoğan"]  # longest form, diacritics kept
    assert erdogan.mention_count == 3 and erdogan.article_ids == ["a1", "a2"]
    assert ents["NATO"].aliases == ["NATO", "Nato"]
    csto = [e for e in ents.values() if "CSTO" in e.aliases]
    assert len(csto) == 1 and csto[0].type == "ORG" and csto[0].article_ids == ["a1", "a2", "a3"]
    assert csto[0].name.startswith("Collective Security Treaty Organi")


def test_two_stoltenbergs_stay_apart() -> None:
    canon = Canonicalizer()
    a = "Jens Stoltenberg met Camilla Stoltenberg. Stoltenberg said."
    canon.add_article("a1", ms(a, [("Jens Stoltenberg", "PERSON"),
                                   ("Camilla Stoltenberg", "PERSON"), ("Stoltenberg", "PERSON")]))
    b = "NATO chief Jens Stoltenberg spoke. Stoltenberg said."
    canon.add_article("a2", ms(b, [("Jens Stoltenberg", "PERSON"), ("Stoltenberg", "PERSON")]))
    c = "Camilla Stoltenberg of the health institute. Mrs Stoltenberg said."
    canon.add_article("a3", ms(c, [("Camilla Stoltenberg", "PERSON"),
                                   ("Stoltenberg", "PERSON")]))
    d = "Stoltenberg said nothing."
    canon.add_article("a4", ms(d, [("Stoltenberg", "PERSON")]))
    ents = by_name(canon)
    jens, camilla = ents["Jens Stoltenberg"], ents["Camilla Stoltenberg"]
    assert jens.id != camilla.id
    assert jens.mention_count == 3 and jens.article_ids == ["a1", "a2"]
    assert camilla.mention_count == 3 and camilla.article_ids == ["a1", "a3"]
    bare = ents["Stoltenberg"]  # a1's and a4's bare surname: linked to neither
    assert bare.article_ids == ["a1", "a4"]
    assert bare.evidence["ambiguous"] == ["Camilla Stoltenberg", "Jens Stoltenberg"]


def test_surname_before_full_name_across_articles() -> None:
    canon = Canonicalizer()
    canon.add_article("b1", ms("Lukashenko spoke.", [("Lukashenko", "PERSON")]))
    canon.add_article("b2", ms("Alexander Lukashenko spoke.", [("Alexander Lukashenko", "PERSON")]))
    ents = canon.entities()
    assert [(e.name, e.mention_count) for e in ents] == [("Alexander Lukashenko", 2)]


def test_deterministic_across_input_order() -> None:
    articles = {
        "a1": ms("Putin met Jens Stoltenberg.", [("Putin", "PERSON"),
                                                 ("Jens Stoltenberg", "PERSON")]),
        "a2": ms("Vladimir Putin and Nato.", [("Vladimir Putin", "PERSON"), ("Nato", "ORG")]),
        "a3": ms("NATO and CSTO and the Collective Security Treaty Organization.",
                 [("NATO", "ORG"), ("CSTO", "ORG"),
                  ("Collective Security Treaty Organization", "ORG")]),
        "a4": ms("Stoltenberg and Erdogan.", [("Stoltenberg", "PERSON"), ("Erdogan", "PERSON")]),
    }
    results = []
    for seed in range(4):
        order = sorted(articles)
        random.Random(seed).shuffle(order)
        canon = Canonicalizer()
        handed = {}
        for aid in order:
            fresh = [Mention(m.start, m.end, m.text, m.label) for m in articles[aid]]
            handed[aid] = canon.add_article(aid, fresh)
        ents = canon.entities()
        ids = {(aid, m.text): m.entity_id for aid, ml in handed.items() for m in ml}
        results.append(([(e.id, e.name, e.type, e.aliases, e.mention_count, e.article_ids)
                         for e in ents], ids))
    assert all(r == results[0] for r in results)
    names = {row[1] for row in results[0][0]}
    assert {"Vladimir Putin", "Jens Stoltenberg", "NATO", "Erdogan"} <= names


def test_articles_added_without_assign_still_link_a_later_assigned_one() -> None:
    """assign=False defers the cross-article links to entities(); an article added with
    assign=True afterwards must still see the deferred ones, as if they were linked then."""
    first = ("c1", "Alexander Lukashenko spoke.", [("Alexander Lukashenko", "PERSON")])
    second = ("c2", "Jens Stoltenberg met NATO.", [("Jens Stoltenberg", "PERSON"),
                                                  ("NATO", "ORG")])
    later = ("c3", "Lukashenko and Stoltenberg.", [("Lukashenko", "PERSON"),
                                                   ("Stoltenberg", "PERSON")])
    got = []
    for deferred in (False, True):
        canon = Canonicalizer()
        for aid, text, spans in (first, second):
            canon.add_article(aid, ms(text, spans), text, assign=not deferred)
        aid, text, spans = later
        handed = canon.add_article(aid, ms(text, spans), text)  # assigned now
        got.append([(m.text, m.canonical, m.entity_id) for m in handed])
    assert got[0] == got[1]
    assert [c for _, c, _ in got[1]] == ["Alexander Lukashenko", "Jens Stoltenberg"]


# --- the seed corpus ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_entities(nlp):
    from newsgraph.api import extract_article

    canon = Canonicalizer()
    titles = {}
    for path in sorted(SEEDS.glob("*.txt")):
        art = extract_article(text=path.read_text(encoding="utf-8"))
        found = extract_mentions(art.text, nlp).mentions
        assert all(art.text[m.start:m.end] == m.text for m in found)
        canon.add_article(path.stem, found, art.text)
        titles[path.stem] = art.title
    return {e.name: e for e in canon.entities()}


def test_seed_cross_article_merges(seed_entities) -> None:
    ents = seed_entities
    putin = ents["Vladimir Putin"]
    assert len(putin.article_ids) == 5 and set(putin.aliases) == {"Putin", "Vladimir Putin"}
    nato = ents["NATO"]
    assert len(nato.article_ids) == 5 and set(nato.aliases) == {"NATO", "Nato"}
    erdogan = ents["Recep Tayyip Erdoğan"]
    assert len(erdogan.article_ids) == 2 and erdogan.type == "PERSON"
    csto = ents["Collective Security Treaty Organization"]
    assert "CSTO" in csto.aliases and len(csto.article_ids) == 2 and csto.type == "ORG"
    assert len(ents["Kremlin"].article_ids) == 4
    assert ents["Alexander Lukashenko"].aliases == ["Alexander Lukashenko", "Lukashenko"]
    assert ents["Olaf Scholz"].type == "PERSON"  # "chancellor, Olaf Scholz": not an ORG
    assert ents["Tajikistan"].type == "GPE"
    assert "Kassym-Jomart Tokayev" in ents
    assert not any(n.startswith(("Kazakhstan ", "appropriate")) for n in ents)
    # one Putin, one NATO: nothing else carries their names
    assert sum("Putin" in e.name for e in ents.values()) == 1
