"""Speaker rules of the quotes stage (stages/quotes.py, attribution.py, speaker_index.py) on small
texts written for the rule they pin."""

from __future__ import annotations

from typing import Any

import pytest

from newsgraph.stages.quotes import extract_quotes


@pytest.fixture(scope="module")
def nlp() -> Any:
    from newsgraph.stages.nlp import load_nlp

    return load_nlp()


def _speakers(nlp: Any, text: str, title: str | None = None) -> dict[str, str | None]:
    return {q.text: q.speaker for q in extract_quotes(text, doc=nlp(text), title=title)}


LEAD = ("The German chancellor said on Monday that she would not call an early election. "
        "She said that “the coalition has work to do” before the summer.\n\n"
        "Opposition leaders said the vote could not wait.\n\n"
        "Merkel was speaking in Berlin after a meeting of her party.")


def test_a_role_that_opens_the_text_is_the_person_the_headline_names(nlp: Any) -> None:
    got = _speakers(nlp, LEAD, title="Merkel rules out early election")
    assert got["the coalition has work to do"] == "Merkel"
    assert got["she would not call an early election"] == "Merkel"


def test_without_the_headline_the_role_stays_a_role(nlp: Any) -> None:
    got = _speakers(nlp, LEAD)
    assert got["she would not call an early election"] == "The German chancellor"
    assert got["the coalition has work to do"] is None


def test_the_headline_person_must_fit_the_role_origin(nlp: Any) -> None:
    text = LEAD.replace("Merkel was", "French President Emmanuel Macron was")
    got = _speakers(nlp, text, title="Macron rules out early election")
    assert got["she would not call an early election"] == "The German chancellor"


CALL = ("President Jacques Chirac arrived in Berlin on Sunday.\n\n"
        "On Monday, Chirac had a long meeting with the German chancellor, Gerhard Schroeder. "
        "During the meeting, the French president called for “serious” talks on trade.")


def test_a_role_with_an_origin_is_the_one_fitting_person_named_just_before(nlp: Any) -> None:
    assert _speakers(nlp, CALL)["serious"] == "Jacques Chirac"


def test_a_role_with_another_origin_is_not_that_person(nlp: Any) -> None:
    text = CALL.replace("President Jacques Chirac", "Turkish President Recep Erdogan").replace(
        "Chirac had", "Erdogan had")
    assert _speakers(nlp, text)["serious"] == "the French president"


CLAIM = ("Defence Minister Anna Berg accused the rebels of storing “chemical weapons” in the "
         "port.\n\n"
         "According to it, the rebels also train “foreign fighters in the mountains.”")


def test_according_to_it_is_the_speaker_of_what_was_just_reported(nlp: Any) -> None:
    assert _speakers(nlp, CLAIM)["foreign fighters in the mountains."] == "Anna Berg"


def test_according_to_it_after_a_named_document_stays_unknown(nlp: Any) -> None:
    text = CLAIM.replace("According to it", "The army published a report on Friday. "
                         "According to it")
    assert _speakers(nlp, text)["foreign fighters in the mountains."] is None


def test_according_to_him_is_the_last_person_named(nlp: Any) -> None:
    text = ("Police chief Tom Reed arrived at the scene on Monday.\n\n"
            "According to him, the driver was “going far too fast” on the bridge.")
    assert _speakers(nlp, text)["going far too fast"] == "Tom Reed"


@pytest.mark.parametrize("opening", ["According to", "according to"])
def test_according_to_a_name_opening_the_sentence_is_the_speaker(nlp: Any, opening: str) -> None:
    text = ("Fighting went on near the border on Tuesday.\n\n"
            f"{opening} Reuters, “the convoy was hit twice” before it reached the town.")
    quote = next(q for q in extract_quotes(text, doc=nlp(text))
                 if q.text == "the convoy was hit twice")
    assert (quote.speaker, quote.cue) == ("Reuters", opening)
    assert text[quote.speaker_start:quote.speaker_end] == "Reuters"
    assert text[quote.cue_start:quote.cue_end] == opening


def _kinds(nlp: Any, text: str) -> list[tuple[str, str]]:
    return [(q.type, q.text) for q in extract_quotes(text, doc=nlp(text))]


def test_reported_speech_around_a_partial_quote_is_indirect_too(nlp: Any) -> None:
    text = ("The prime minister said the firebombing of the bank was a “raw murderous act” "
            "and would be punished.")
    got = _kinds(nlp, text)
    assert ("partial", "raw murderous act") in got
    assert any(kind == "indirect" and "firebombing" in words and "punished" in words
               for kind, words in got)


def test_a_clause_that_is_all_quote_is_not_indirect_again(nlp: Any) -> None:
    text = "The minister warned that “the reinforcement of troops on the border is a threat.”"
    assert [kind for kind, _ in _kinds(nlp, text)] == ["partial"]


ASIDE = ("Turkey has raised concerns, arguing that the two countries harbor “terrorist groups” – "
         "a position the Finnish president said was “confusing”, noting that Turkish President "
         "Tayyip Erdoğan had previously told him he viewed the offer as “favourable”.")


def _indirect(nlp: Any, text: str) -> dict[str, str | None]:
    return {q.cue: q.speaker for q in extract_quotes(text, doc=nlp(text)) if q.type == "indirect"}


def test_a_participle_inside_an_open_dash_aside_is_the_asides_speaker(nlp: Any) -> None:
    got = _indirect(nlp, ASIDE)
    assert got["noting"] == "the Finnish president"
    assert got["arguing"] == "Turkey"


def test_a_participle_after_a_closed_dash_aside_is_the_main_speaker(nlp: Any) -> None:
    text = ("Turkey raised concerns – a position Niinistö said was confusing – arguing that "
            "Sweden harbours militants and must extradite them.")
    assert _indirect(nlp, text)["arguing"] == "Turkey"


def test_a_participle_after_a_passive_speech_clause_keeps_its_subject(nlp: Any) -> None:
    text = ("Three groups filed suit in San Francisco hours after the changes were announced, "
            "arguing that the regulations failed to follow the public review process.")
    assert _indirect(nlp, text)["arguing"] == "Three groups"


def test_a_participle_after_a_comma_relative_clause_is_the_main_speaker(nlp: Any) -> None:
    text = ("The minister rejected the report, which critics said was biased, saying it ignored "
            "the facts on the ground.")
    assert _indirect(nlp, text)["saying"] == "The minister"


def test_a_participle_hung_on_an_expletive_clause_is_the_nearer_speakers(nlp: Any) -> None:
    text = ("It was discovered shortly after the arrest that Timmons had written an apology "
            "letter to the mother of the girl, saying the bullet was not meant to hit her.")
    assert _indirect(nlp, text)["saying"] == "Timmons"


def test_reported_speech_ends_before_a_dash_aside_that_is_someone_elses(nlp: Any) -> None:
    text = ("The vote depends on the senate, and the opposition has objected, arguing that the "
            "bill would “gut the independent courts” – a charge the justice minister said was "
            "“absurd”, adding that the courts would keep every power.")
    got = {q.text: (q.type, q.speaker) for q in extract_quotes(text, doc=nlp(text))}
    assert got["the bill would “gut the independent courts”"] == ("indirect", "the opposition")
    assert got["absurd"] == ("partial", "the justice minister")
    assert not any("absurd" in t for t, (kind, _) in got.items() if kind == "indirect")


def test_reported_speech_keeps_a_closed_dash_aside(nlp: Any) -> None:
    text = ("The mayor said that the new bridge would open in May – two months later than "
            "planned – and that tolls would stay low.")
    got = {q.text: q.speaker for q in extract_quotes(text, doc=nlp(text))}
    assert got == {"the new bridge would open in May – two months later than planned – and that "
                   "tolls would stay low": "The mayor"}


def test_reported_speech_does_not_end_on_a_hanging_and(nlp: Any) -> None:
    text = ("Moscow demands that the United States and its allies give it guarantees that the bloc "
            "will not expand to the East and asked that the promises made to Ukraine be withdrawn.")
    got = [q.text for q in extract_quotes(text, doc=nlp(text)) if q.type == "indirect"]
    assert got and not any(t.endswith((" and", " or")) for t in got), got
    kept = "The union said the strike would go on until the company raised wages and the bonus."
    assert [q.text for q in extract_quotes(kept, doc=nlp(kept))] == [
        "the strike would go on until the company raised wages and the bonus"]


def test_a_clause_then_its_speaker_and_verb_is_reported_speech(nlp: Any) -> None:
    text = "Three people were killed when the roof of the market collapsed, police said on Monday."
    got = [(q.type, q.text, q.speaker) for q in extract_quotes(text, doc=nlp(text))]
    assert got == [("indirect", "Three people were killed when the roof of the market collapsed",
                    "police")]
    # not when the clause does not open the sentence or the verb does not end it
    for other in ("The roof collapsed in the storm, and the police said nothing about it.",
                  '"We will rebuild the market," the mayor said.'):
        assert all(q.type != "indirect" for q in extract_quotes(other, doc=nlp(other)))


def test_according_to_a_source_is_reported_speech(nlp: Any) -> None:
    for text, clause, source in (
            ("Prices rose sharply in March, according to the statistics office.",
             "Prices rose sharply in March", "the statistics office"),
            ("According to the coast guard, a cargo ship ran aground near the harbour.",
             "a cargo ship ran aground near the harbour", "coast guard")):
        got = [(q.type, q.text, q.cue.lower()) for q in extract_quotes(text, doc=nlp(text))]
        assert got == [("indirect", clause, "according to")], got
        speaker = extract_quotes(text, doc=nlp(text))[0].speaker
        assert speaker and source in speaker
    # a mid-sentence aside is not the end of a clause
    aside = "The plan, according to officials, will cost five million dollars."
    assert extract_quotes(aside, doc=nlp(aside)) == []


def test_according_to_after_a_quote_leaves_the_full_stop_out_of_the_name(nlp: Any) -> None:
    text = 'NATO was "already involved in the conflict", according to Peskov.'
    got = {q.text: q.speaker for q in extract_quotes(text, doc=nlp(text))}
    assert got == {"already involved in the conflict": "Peskov"}
