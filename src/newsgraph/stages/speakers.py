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
                if ent and ent.type in SPEAKER_TYPES and m.start < q.speaker_end and \
                        q.speaker_start < m.end:
                    found, how = ent.id, "the speaker's words are a mention of it"
                    break
        if found is None and q.speaker:
            found = by_key.get(norm_key(q.speaker, True)) or by_key.get(norm_key(q.speaker))
            how = "the speaker's name is one of its names in this article" if found else None
        if found is not None:
            q.speaker_entity_id = found
            q.speaker = entities[found].name
            q.notes["speaker_entity_how"] = how
