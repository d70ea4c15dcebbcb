"""Link each quote's speaker to a canonical entity: the entity of the mention the speaker words
are, else an entity of the same article whose name or alias is the speaker's name (a pronoun
resolved to "Alexander Lukashenko" finds the entity "Alexander Lukashenko"). Roles that name no
entity ("the ministry") keep their words and no entity id."""

from __future__ import annotations

from newsgraph.records import Entity, Mention, Quote
from newsgraph.stages.canonical import norm_key

SPEAKER_TYPES = ("PERSON", "ORG", "GPE", "NORP")


def link_speakers(quotes: list[Quote], mentions: list[Mention],
                  entities: dict[str, Entity]) -> None:
    by_key: dict[str, str] = {}
    for m in mentions:
        ent = entities.get(m.entity_id or "")
        if ent is None or ent.type not in SPEAKER_TYPES:
            continue
        for form in (m.text, ent.name, *ent.aliases):
            by_key.setdefault(norm_key(form, ent.type == "PERSON"), ent.id)
    for q in quotes:
        found: str | None = None
        how = None
        if q.speaker_start is not None and q.speaker_end is not None:
            for m in mentions:
                ent = entities.get(m.entity_id or "")
                # the mention must be the speaker words' head, not a modifier in them:
                # "A Surrey Police spokeswoman" is a spokeswoman, not Surrey Police
                if ent and ent.type in SPEAKER_TYPES and q.speaker_start <= m.start and \
                        q.speaker_end - 2 <= m.end <= q.speaker_end + 2:
                    found, how = ent.id, "the speaker's words are a mention of it"
                    break
        if found is None and q.speaker:
            found = by_key.get(norm_key(q.speaker, True)) or by_key.get(norm_key(q.speaker))
            how = "the speaker's name is one of its names in this article" if found else None
        if found is not None:
            q.speaker_entity_id = found
            q.speaker = entities[found].name
            q.notes["speaker_entity_how"] = how


def link_within_article(text: str, mentions: list[Mention], quotes: list[Quote]) -> list[Entity]:
    """Entities of one article on its own and its quotes' speakers linked to them: what the
    corpus pass does, for one text (evals, notebooks)."""
    from newsgraph.stages.canonical import Canonicalizer

    canon = Canonicalizer()
    canon.add_article("<article>", mentions, text, assign=False)
    entities = canon.entities()
    link_speakers(quotes, mentions, {e.id: e for e in entities})
    return entities
