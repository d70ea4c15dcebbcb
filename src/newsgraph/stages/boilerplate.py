"""Line rules for boilerplate in scraped news text: each rule names the reason a line is dropped.

Rules look at one line alone; the cleaner (clean.py) adds what needs context (title, footer zone,
repeats within the article, lines learned per outlet). A rule must never match a story sentence,
so whole-line matches and short lines are preferred over words found anywhere.
"""

from __future__ import annotations

import re

# Whole lines (compared lower-cased, trailing punctuation and spaces stripped).
EXACT: dict[str, str] = {}
for _reason, _lines in {
    "advertisement": [
        "advertisement", "advertisements", "advert", "ad", "sponsored", "sponsored content",
        "paid content", "promoted", "story continues below advertisement",
        "article continues below advertisement", "continue reading below",
        "scroll to continue with content", "content continues below",
    ],
    "navigation": [
        "back to top", "back to top button", "skip to content", "skip to main content", "menu",
        "main menu", "search", "home", "toggle navigation", "next article", "previous article",
        "next post", "previous post", "trending", "most read", "most popular", "popular",
        "latest news", "top stories", "more news", "loading", "close", "open menu",
        "view comments", "show comments", "hide comments", "jump to comments",
    ],
    "share buttons": [
        "share", "share this", "share this article", "share this story", "share on facebook",
        "share on twitter", "share on linkedin", "share on whatsapp", "share via email",
        "tweet", "email", "print", "copy link", "whatsapp", "facebook", "twitter", "linkedin",
        "pinterest", "reddit", "telegram", "share article", "share story", "share page",
    ],
    "comments": [
        "comments", "comment", "leave a reply", "leave a comment", "comments are closed",
        "post a comment", "join the conversation", "add a comment", "no comments",
        "reply", "cancel reply", "be the first to comment",
    ],
    "related-article teaser": [
        "related articles", "related posts", "related stories", "related", "related news",
        "more stories", "recommended", "recommended for you", "you may also like",
        "you might also like", "read more", "read next", "more from", "see also",
        "also read", "more on this story", "related topics", "related content",
    ],
    "source link": ["source link", "source", "read full article", "source: read full article",
                    "read the full article", "read the original article", "view original"],
    "author box": ["about author", "about the author", "author", "about us", "contact us"],
    "ad-blocker notice": ["adblock detected", "ad blocker detected", "ad-blocker detected"],
    "subscription notice": [
        "subscribe", "subscribe now", "sign up", "log in", "login", "register", "sign in",
        "newsletter", "get our newsletter", "already a subscriber", "more info",
    ],
    "copyright": ["all rights reserved"],
    "media placeholder": ["watch", "video", "listen", "listen to this article", "play video",
                          "watch now", "image", "photo", "gallery", "view gallery"],
}.items():
    for _line in _lines:
        EXACT[_line] = _reason

# (pattern, reason): matched against the stripped line; anchored so a story sentence is safe.
_WORDY = r"[^\n]{0,200}"
# A gate is a few lower-case words of which one must be in the line before the (slower,
# unanchored) pattern is tried: most story lines are turned away by a substring test.
PATTERNS: list[tuple[re.Pattern[str], str] | tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"^(read also|also read|read more|see also|related|recommended|more|watch|"
                r"listen|read next|don'?t miss|must read|also see|trending)\s*[:|»>–—-]\s*\S",
                re.I), "related-article teaser"),
    (re.compile(r"^source\s*:\s*\S.{0,80}$", re.I), "source link"),
    (re.compile(r"^(topics|tags|filed under|categories|category|keywords|related topics)\s*:",
                re.I), "tags"),
    (re.compile(r"^(copyright\b|©|\(c\)\s*\d{4})", re.I), "copyright"),
    (re.compile(r"\ball rights reserved\b", re.I), "copyright", ("all rights reserved",)),
    (re.compile(r"^(photo|image|picture|photograph|video|graphic)s?\s*(credit)?\s*:\s*"
                r"[^.]{1,80}$", re.I), "photo credit"),
    (re.compile(r"\b(photo|image|picture|credit|photograph)s?\s*:\s*[^.:]{1,60}\)?\.?$", re.I),
     "image caption", ("photo", "image", "picture", "credit")),
    (re.compile(r"\((ap|afp|reuters|getty|epa|efe|anadolu|xinhua|tass|sputnik|pa)\s*"
                r"(photo|images?|/)[^)]{0,80}\)\.?$", re.I), "image caption"),
    (re.compile(r"\b(getty images|shutterstock|istock(photo)?|alamy)\s*\)?\.?$", re.I),
     "image caption", ("getty", "shutterstock", "istock", "alamy")),
    (re.compile(r"\bad[ -]?block(er)?s?\b.{0,80}\b(detected|disable|turn off|whitelist|allow)"
                r"|\b(disabl\w*|turn\w* off|whitelist\w*|paus\w*)\b.{0,40}\bad[ -]?block", re.I),
     "ad-blocker notice", ("block",)),
    (re.compile(r"(we use your sign-?up|unsubscribe at any time|sign up (for|to) (our|the)\b"
                r"|subscribe to (our|the) (newsletter|channel)|already (a subscriber|have an "
                r"account)|create a free account|to continue reading|subscribers? only"
                r"|start your (free )?trial|get unlimited access)", re.I),
     "subscription notice", ("sign-up", "signup", "sign up", "subscri", "account",
                             "continue reading", "start your", "unlimited access")),
    (re.compile(r"(your email address will not be published|required fields are marked"
                r"|comments are (closed|moderated)|you must be logged in to (post|comment))",
                re.I), "comments", ("email address", "required fields", "comments are",
                                    "logged in")),
    (re.compile(r"^\d+\s+comments?$", re.I), "comments"),
    (re.compile(r"(expresses the point of view of the site|through programmatic technology"
                r"|not from a human editor|automatically (generated|translated) from"
                r"|has not been edited by .{0,40}staff|published from a syndicated feed"
                r"|views expressed (here|in this article) are)", re.I), "disclaimer",
     ("point of view", "programmatic", "human editor", "automatically", "edited by",
      "syndicated", "views expressed")),
    (re.compile(r"(\bis (our|a|an) (best |senior |staff |freelance |contributing |lead )?"
                r"(writer|reporter|journalist|correspondent|editor|columnist|contributor)\b"
                r".{0,200}\b(writes|covers|loves|email|follow)\b"
                r"|\bwrites about\b.{0,120}\b(email|phone|twitter)\b"
                r"|\bfollow (him|her|them) on (twitter|x|instagram|facebook)\b)", re.I),
     "author bio", ("writer", "reporter", "journalist", "correspondent", "editor", "columnist",
                    "contributor", "writes about", "follow h", "follow t")),
    (re.compile(r"^(email|e-mail|phone|tel)\s*:", re.I), "author bio"),
    (re.compile(r"^[–—-]\s*(aap|ap|afp|reuters|dpa|xinhua|tass|bloomberg|pa|upi|cnn|bbc|efe|"
                r"ians|pti|ani)\s*$", re.I), "wire credit"),
    (re.compile(r"^[Bb][Yy]\s+(?:[A-Z][\w.'’-]*\s*){1,4}"
                r"(?:(?:,|and|\||/|[–—-])\s*(?:[A-Z][\w.'’-]*\s*){1,5})*$"), "byline"),
    (re.compile(r"^(share|follow us) on\b.{0,60}$", re.I), "share buttons"),
    (re.compile(r"^(click here|tap here)\b.{0,120}$", re.I), "navigation"),
]

_EXACT_MAX = max(len(k) for k in EXACT) + 20  # room for edge punctuation and spaces

# Each gate as one compiled alternation: one C-level scan instead of a Python loop of `in`s.
_GATES: list[re.Pattern[str] | None] = [
    re.compile("|".join(re.escape(w) for w in entry[2])) if len(entry) > 2 else None
    for entry in PATTERNS
]
# Every gate word in one alternation: most story lines hold none of them, and one scan tells.
_ANY_GATE = re.compile("|".join(re.escape(w) for entry in PATTERNS if len(entry) > 2
                                for w in entry[2]))

# Words that mark a caption-like line even without a credit (used for repeated lines).
CAPTION_MARK = re.compile(r"\b(photo|image|picture|pictured|file photo|credit)\b", re.I)
_STRIP = " \t.:;,!|•·-–—>»*#"


def line_key(line: str) -> str:
    """Lower-cased, spaces folded, edge punctuation stripped: how lines are compared."""
    return " ".join(line.lower().split()).strip(_STRIP)  # split() folds white space in C


def rule_reason(line: str) -> str | None:
    """Why this line (alone) is boilerplate, or None if no rule says so."""
    stripped = line.strip()
    if not stripped:
        return None
    if len(stripped) <= _EXACT_MAX:  # the whole-line table holds only short lines
        key = line_key(stripped)
        if not key:
            return "punctuation only"
        if key in EXACT:
            return EXACT[key]
    elif len(stripped) > 600:  # long lines are prose
        return None
    low = stripped.lower()
    gated = _ANY_GATE.search(low) is not None
    for (pattern, reason, *_), gate in zip(PATTERNS, _GATES, strict=True):
        if gate is not None and (not gated or gate.search(low) is None):
            continue
        if pattern.search(stripped):
            return reason
    return None
