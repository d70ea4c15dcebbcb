"""The PLOVER event lexicon: English predicates -> the current manual's 16 categories.

Written from general knowledge of the CAMEO and PLOVER categories (CAMEO 02 appeal / 10 demand
-> REQUEST, 03 intend to cooperate -> AGREE, 11 disapprove / 09 investigate -> ACCUSE, 18-20
assault, fight, mass violence -> ASSAULT, ...); no gold data was read into it. Keys are base
forms; `verb_category` matches inflected words through `forms` (the NLP model runs without a
lemmatizer, and a suffix table is cheaper than loading one).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

CATEGORIES = (
    "AGREE", "ACCUSE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "MOBILIZE",
    "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT", "THREATEN",
)

# Categories whose negation is a refusal ("did not agree" -> REJECT); the negation of a
# conflictual act ("did not attack") is no event at all.
COOPERATIVE = {"AGREE", "AID", "CONCEDE", "CONSULT", "COOPERATE", "RETREAT", "SUPPORT"}
# Under "will/would/plan to" these are threats (CAMEO 13), and cooperative acts intents (03).
CONFLICTUAL = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"}

_VERBS: dict[str, list[str]] = {
    "AGREE": ["agree", "accept", "sign", "ratify", "pledge", "promise", "offer", "commit",
              "consent", "settle", "approve", "conclude", "initial", "volunteer",
              "vow", "undertake"],
    "CONSULT": ["meet", "talk", "discuss", "visit", "host", "consult", "negotiate", "confer",
                "telephone", "phone", "mediate", "receive", "travel", "arrive"],
    "SUPPORT": ["praise", "support", "endorse", "back", "welcome", "commend", "hail", "applaud",
                "recognize", "recognise", "defend", "thank", "congratulate", "laud",
                "champion", "uphold", "reaffirm", "sympathize", "apologize", "apologise"],
    "COOPERATE": ["cooperate", "collaborate", "coordinate", "partner", "ally", "share",
                  "integrate", "join", "extradite"],
    "AID": ["aid", "help", "assist", "donate", "supply", "provide", "send", "grant", "lend",
            "fund", "finance", "airlift", "shelter", "rescue", "deliver", "contribute"],
    "CONCEDE": ["concede", "yield", "admit", "accede", "pardon", "compromise", "acknowledge",
                "soften", "surrender", "allow", "permit", "shorten"],
    # withdrawing, easing and releasing (CAMEO 08's de-escalation half)
    "RETREAT": ["withdraw", "retreat", "evacuate", "demobilize", "disarm", "disband",
                "decommission", "abandon", "vacate", "ease", "lift", "relax", "resign",
                "release", "free", "return", "restore", "reopen"],
    "REQUEST": ["urge", "appeal", "ask", "demand", "request", "press", "insist", "plead",
                "seek", "petition", "invite", "beg", "implore", "summon", "require", "pressure",
                "pressurize"],
    "ACCUSE": ["accuse", "condemn", "criticize", "criticise", "denounce", "blame", "charge",
               "allege", "investigate", "probe", "deplore", "slam", "censure", "complain",
               "sue", "rebuke", "chastise", "decry", "berate", "lambast", "castigate",
               "indict", "prosecute", "examine", "inspect", "question", "scold", "attack_verbal",
               "disapprove", "object", "fault", "reproach", "protest_formally", "warn_against"],
    "REJECT": ["reject", "refuse", "deny", "veto", "dismiss", "decline", "rebuff", "defy",
               "oppose", "spurn", "repudiate", "renounce", "resist", "disregard", "ignore",
               "disagree", "dispute", "contest", "boycott_talks"],
    "THREATEN": ["threaten", "warn", "menace", "intimidate", "caution"],
    "PROTEST": ["protest", "demonstrate", "rally", "march", "picket", "riot", "strike_labor",
                "boycott", "block", "blockade_road", "obstruct", "occupy_protest"],
    "SANCTION": ["sanction", "embargo", "expel", "suspend", "sever", "freeze", "recall",
                 "ban", "halt", "cancel", "downgrade", "postpone", "cut", "terminate",
                 "blacklist", "isolate", "restrict", "curtail", "break", "prohibit", "reduce",
                 "close"],
    "MOBILIZE": ["mobilize", "mobilise", "deploy", "mass", "station", "reinforce", "muster",
                 "alert", "amass", "redeploy", "arm"],
    "COERCE": ["arrest", "detain", "seize", "confiscate", "deport", "jail", "imprison",
               "raid", "crack", "repress", "censor", "impose", "blockade", "round", "sentence",
               "execute", "hang", "evict", "search", "intern", "confine", "besiege",
               "nationalize", "expropriate", "demolish", "outlaw"],
    "ASSAULT": ["attack", "bomb", "shell", "kill", "shoot", "fire", "strike", "invade",
                "clash", "fight", "assassinate", "massacre", "ambush", "kidnap", "abduct",
                "torture", "wound", "injure", "storm", "bombard", "capture", "destroy",
                "murder", "slaughter", "behead", "beat", "stab", "burn", "loot", "occupy",
                "assault", "hijack", "rape", "gun", "down", "maim", "explode", "detonate",
                "shoot_down", "target", "hit", "pound", "overrun", "engage", "battle",
                "besiege_military", "rocket", "mortar", "airstrike", "annex", "poison"],
}

# Event nouns: an event named by its noun after a light verb ("imposed sanctions", "held talks",
# "staged a protest", "launched an attack") or as the subject of "took place".
_NOUNS: dict[str, list[str]] = {
    "AGREE": ["agreement", "deal", "accord", "treaty", "pact", "pledge", "promise", "offer",
              "truce", "ceasefire", "cease-fire", "armistice", "commitment", "settlement"],
    "CONSULT": ["talks", "meeting", "summit", "visit", "negotiations", "consultations",
                "discussions", "conference", "dialogue", "mediation"],
    "SUPPORT": ["support", "praise", "backing", "endorsement", "recognition", "condolences",
                "solidarity", "ties", "relations"],
    "COOPERATE": ["cooperation", "exercises", "partnership", "alliance", "collaboration"],
    "AID": ["aid", "assistance", "help", "relief", "loan", "grant", "donation", "asylum",
            "supplies", "food", "medicine", "funds", "weapons", "arms"],
    "CONCEDE": ["apology", "concession", "amnesty", "resignation", "release", "pardon"],
    "RETREAT": ["withdrawal", "retreat", "pullout", "evacuation"],
    "REQUEST": ["appeal", "demand", "request", "call", "plea", "ultimatum_request"],
    "ACCUSE": ["accusation", "criticism", "condemnation", "complaint", "charges",
               "investigation", "inquiry", "probe", "lawsuit", "allegations", "hearing",
               "inspectors", "investigators"],
    "REJECT": ["rejection", "refusal", "veto", "denial"],
    "THREATEN": ["threat", "threats", "ultimatum", "warning"],
    "PROTEST": ["protest", "protests", "demonstration", "demonstrations", "rally", "march",
                "sit-in", "boycott", "vigil"],
    "SANCTION": ["sanctions", "embargo", "ban", "restrictions", "tariffs", "blockade_trade"],
    "MOBILIZE": ["troops", "forces", "reinforcements", "mobilization", "alert"],
    "COERCE": ["curfew", "crackdown", "arrests", "raids", "raid", "blockade", "censorship",
               "martial"],
    "ASSAULT": ["attack", "attacks", "offensive", "strike", "strikes", "airstrike",
                "airstrikes", "bombing", "assault", "raid", "invasion", "fire", "clashes",
                "war", "campaign", "shelling", "ambush", "massacre", "fighting", "battle"],
}

# Verbs whose object names the event ("imposed sanctions" is SANCTION, "held talks" CONSULT);
# the noun decides, the verb only carries it.
LIGHT_VERBS = {"impose", "hold", "stage", "launch", "carry", "conduct", "sign", "reach",
               "issue", "make", "give", "provide", "offer", "express", "voice", "mount",
               "open", "begin", "start", "announce", "declare", "extend", "deliver", "send",
               "take", "lodge", "file", "level", "post", "continue", "resume", "intensify",
               "step", "wage", "unleash", "organize", "undertake", "complete", "dispatch",
               "establish", "normalize", "strengthen", "bolster", "boost", "set"}

# Reporting verbs are transparent: "X said Y attacked Z" is Y's attack.
REPORTING = {"say", "tell", "announce", "report", "state", "claim", "add", "note", "declare",
             "confirm", "insist_report", "explain", "believe", "think", "suggest", "indicate"}

# Verb + particle phrases that change the category ("pull out" is RETREAT, "call for" REQUEST).
PARTICLES: dict[tuple[str, str], str] = {
    ("pull", "out"): "RETREAT", ("pull", "back"): "RETREAT", ("back", "down"): "CONCEDE",
    ("step", "down"): "CONCEDE", ("give", "in"): "CONCEDE", ("give", "up"): "CONCEDE",
    ("hand", "over"): "CONCEDE", ("call", "for"): "REQUEST", ("call", "on"): "REQUEST",
    ("call", "off"): "SANCTION", ("break", "off"): "SANCTION", ("cut", "off"): "SANCTION",
    ("crack", "down"): "COERCE", ("round", "up"): "COERCE", ("shut", "down"): "COERCE",
    ("blow", "up"): "ASSAULT", ("open", "fire"): "ASSAULT", ("shoot", "down"): "ASSAULT",
    ("set", "up"): "COOPERATE", ("turn", "down"): "REJECT", ("speak", "out"): "ACCUSE",
    ("lash", "out"): "ACCUSE", ("stand", "by"): "SUPPORT", ("move", "into"): "ASSAULT",
    ("sit", "down"): "CONSULT", ("team", "up"): "COOPERATE", ("walk", "out"): "PROTEST",
}

_IRREGULAR = {
    "met": "meet", "held": "hold", "sent": "send", "lent": "lend", "gave": "give",
    "given": "give", "took": "take", "taken": "take", "made": "make", "shot": "shoot",
    "fought": "fight", "struck": "strike", "stricken": "strike", "beat": "beat",
    "beaten": "beat", "burnt": "burn", "froze": "freeze", "frozen": "freeze", "broke": "break",
    "broken": "break", "cut": "cut", "hit": "hit", "told": "tell", "said": "say",
    "withdrew": "withdraw", "withdrawn": "withdraw", "sought": "seek", "began": "begin",
    "begun": "begin", "brought": "bring", "forbade": "forbid", "forbidden": "forbid",
    "undertook": "undertake", "undertaken": "undertake", "thought": "think", "left": "leave",
    "rose": "rise", "stood": "stand", "set": "set", "put": "put", "led": "lead", "spoke": "speak",
    "spoken": "speak", "arisen": "arise", "blew": "blow", "blown": "blow", "fled": "flee",
    "slew": "slay", "shut": "shut", "won": "win", "sat": "sit", "upheld": "uphold",
    "threw": "throw", "thrown": "throw", "overran": "overrun", "overrun": "overrun",
    "sped": "speed", "dealt": "deal", "hung": "hang",
}


def _inflections(base: str) -> set[str]:
    """Regular English verb forms of `base` (over-generating is harmless: the forms are
    only looked up)."""
    forms = {base, base + "s", base + "es", base + "ed", base + "ing"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ied", base[:-1] + "ies"}
    if len(base) >= 3 and base[-1] not in "aeiouwxy" and base[-2] in "aeiou" \
            and base[-3] not in "aeiou":
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}  # "ban" -> "banned"
    return forms


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    """Inflected form -> base form, for every verb in the lexicons."""
    out: dict[str, str] = {}
    bases = {b for verbs in _VERBS.values() for b in verbs if "_" not in b}
    bases |= LIGHT_VERBS | REPORTING | {v for v, _ in PARTICLES}
    for base in sorted(bases):
        for form in _inflections(base):
            out.setdefault(form, base)
    for form, base in _IRREGULAR.items():
        out[form] = base
    return out


@lru_cache(maxsize=1)
def _verb_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for cat, verbs in _VERBS.items():
        for v in verbs:
            if "_" not in v:  # "strike_labor": a sense note, not a word to match
                index.setdefault(v, cat)
    return index


@lru_cache(maxsize=1)
def _noun_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for cat, nouns in _NOUNS.items():
        for n in nouns:
            if "_" not in n:
                index.setdefault(n, cat)
    return index


def base_form(word: str) -> str:
    w = word.lower()
    return _forms().get(w, w)


def verb_category(word: str) -> str | None:
    return _verb_index().get(base_form(word))


def particle_category(word: str, particle: str) -> str | None:
    return PARTICLES.get((base_form(word), particle.lower()))


def noun_category(word: str) -> str | None:
    w = word.lower()
    return _noun_index().get(w) or _noun_index().get(w.removesuffix("s"))


# Nouns whose modifier changes the category: a hunger strike is a protest, an air strike not.
_PROTEST_STRIKE = {"hunger", "general", "labor", "labour", "workers", "nationwide", "national",
                   "open-ended", "rail", "transport"}
# "lodged a protest", "filed a complaint": a formal complaint is an accusation (CAMEO 11)
FORMAL_COMPLAINT = {"lodge", "file", "level", "register", "voice", "express"}
# the objects that make accepting a concession, and denying a sanction
CONCEDE_OBJECTS = {"demand", "demands", "conditions", "terms", "ultimatum", "resignation"}
SANCTION_OBJECTS = {"entry", "visa", "visas", "access", "landing", "overflight"}


def event_noun_category(noun: Any) -> str | None:
    """The category of an event noun token, its modifiers included ("mediation mission",
    "hunger strike", "24-hour hunger strike")."""
    mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
    if noun.text.lower() in ("strike", "strikes") and any(
            m.text.lower() in _PROTEST_STRIKE for m in mods):
        return "PROTEST"
    for m in mods:
        if m.dep_ == "compound" and (cat := noun_category(m.text)):
            return cat
    return noun_category(noun.text)
