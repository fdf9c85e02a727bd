"""Recognising passages that look like list entries or statements but are never capabilities.

Descriptions carry lists that are not features: the models an inference server runs, a table of
checkpoints, an SDK's parameter names and error attributes, code and its comments, pointers to the
docs, install steps, badge lines, sponsor and contributor lists, licence lines and tables of
contents. Each class has one rule here, written once and named after what it spots; ``junk_kind``
asks them all. The rules read only the passage itself, never a tool's name, so each holds for
any description.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from extractors.heuristic.phrases import Phrases

# -- supported models and checkpoints ---------------------------------------------------------

# "Llama-3-8B", "org/model-name", "t5-small": a model id is a slash-joined pair or a hyphenated
# name carrying a size or version.
_MODEL_ID = re.compile(
    r"^[A-Za-z][\w.-]+/(?=[\w.-]*[\d_-])(?=[\w.-]*[A-Za-z])[\w.-]{3,}$|"
    r"^[A-Za-z][\w.]*(?:-[\w.]+)*-\d+(?:\.\d+)?[bBmM](?:-[\w.]+)*$"
)
_PARAMETER_COUNT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:[BMK]|billion|million)\b(?:\s?(?:params|parameters))?")
_ORG_SLASH_NAME = re.compile(r"(?<![\w/.:])[A-Za-z][\w.-]+/[\w.-]*[A-Za-z][\w.-]*(?![\w/])")
# "(e.g., Llama, Qwen, Gemma)": an example list of three or more capitalised names.
_EXAMPLE_NAMES = re.compile(
    r"\((?:e\.g\.,?|i\.e\.,?|such as|like|incl(?:\.|uding))?\s*"
    r"[A-Z][\w.-]*(?:\s?[\w.-]+)?(?:,\s*(?:and\s+|or\s+)?[A-Z][\w.-]*(?:\s?[\w.-]+)?){2,}(?:,?\s*(?:etc\.?|\.\.\.))?\)"
)
_MODEL_WORDS = re.compile(
    r"\b(?:llms?|models?|checkpoints?|weights|transformers?|encoders?|decoders?|architectures?|"
    r"decoder-only|encoder-only|mixture-of-experts?|moe|vlms?)\b(?! (?:providers?|apis?|hubs?|serving))",
    re.IGNORECASE,
)
_MODEL_LIST_LEAD_WORDS = 5


def is_model_id(text: str) -> bool:
    """Whether ``text`` is a bare model or checkpoint id ("org/name", "tern-7b-chat")."""
    text = text.strip(" `*_")
    return bool(_MODEL_ID.match(text)) and " " not in text


def is_model_list_entry(text: str) -> bool:
    """Whether a list entry names a family of models it supports ("Decoder-only LLMs (e.g.,
    Llama, Qwen, Gemma)") rather than something the tool does."""
    examples = _EXAMPLE_NAMES.search(text)
    if examples is None or len(text.split()) > 14:
        return False
    lead = text[: examples.start()]
    return len(lead.split()) <= _MODEL_LIST_LEAD_WORDS and bool(_MODEL_WORDS.search(lead))


def is_checkpoint(text: str) -> bool:
    """Whether a list entry or row names a checkpoint: a model id, or an "org/name" with a size."""
    if "/" not in text and "-" not in text:
        return False
    words = text.split()
    if words and is_model_id(words[0]) and len(words) <= 8:
        return True
    return "/" in text and (
        bool(_ORG_SLASH_NAME.search(text)) and bool(_PARAMETER_COUNT.search(text)) and len(text.split()) <= 12
    )


# -- API identifiers and code -----------------------------------------------------------------

# snake_case, dotted.names, calls(), CamelCase joined words, --flags and CONSTANTS.
_IDENTIFIER = re.compile(
    r"^(?:[A-Za-z_][\w]*_[\w]*|[A-Za-z_]\w*(?:\.\w+)+(?:\(\))?|[A-Za-z_]\w*\(.*\)|[a-z]+[A-Z]\w*|"
    r"--?[a-z][\w-]*|[A-Z][A-Z0-9]*_[A-Z0-9_]+)$"
)
_LOWER_WORD = re.compile(r"^[a-z][a-z0-9]*$")
# "pull MODEL", "serve [MODEL]", "pw export --static": a command with its placeholders or flags.
_COMMAND_SYNOPSIS = re.compile(
    r"^[a-z][\w-]*(?:\s+[a-z][\w-]*)?"
    r"(?:\s+(?:[A-Z][A-Z0-9_]+|\[[^\]]+\]|<[^>]+>|--?[a-z][\w-]*(?:[= ][A-Z_]+)?))+$"
)
# snake_case and dotted.names inside running text.
_IDENTIFIER_IN_TEXT = re.compile(
    r"(?<![\w.])(?:[A-Za-z]\w*(?:_\w+)+|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[a-z]+[A-Z]\w*)(?![\w.])"
)
_CODE_MARKS = re.compile(r"[=(){};]")
_REFERENCE_IDENTIFIERS = 3
_CODE_OPENING = re.compile(
    r"^(?:#|//|/\*|--\s|>>>|\$\s|import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w|class\s+\w+[(:]|"
    r"(?:const|let|var)\s+\w+\s*=|function\s+\w+\(|async\s+def\b|await\s+\w|return\b|print\()"
)
_CODE_SYNTAX = re.compile(r"[\w\])]\s*(?:=|==|\+=)\s*[\w\"'(\[{]|\w\([^()]*\)\s*$|[{};]\s*$|^\w+\.\w+\(")


def is_api_identifier(name: str) -> bool:
    """Whether a name is a bare identifier of an API (``err.message``, ``api_key``, ``fn``,
    ``inputs``) or a command synopsis (``pull MODEL``) rather than a feature's name: code-shaped,
    or one lower-case word."""
    name = name.strip(" `*_:")
    if _COMMAND_SYNOPSIS.match(name):
        return True
    if not name or " " in name:
        return False
    return bool(_IDENTIFIER.match(name) or _LOWER_WORD.match(name))


def is_code(text: str) -> bool:
    """Whether ``text`` is a line of code or a code comment ("# create a collection", ``x = f()``),
    or reads as API reference: three or more code identifiers ("fields: id, stop_reason, usage")."""
    stripped = text.strip()
    if _CODE_OPENING.match(stripped) or (_CODE_MARKS.search(stripped) and _CODE_SYNTAX.search(stripped)):
        return True
    if "_" not in stripped and "." not in stripped:
        return False
    return len(_IDENTIFIER_IN_TEXT.findall(stripped)) >= _REFERENCE_IDENTIFIERS


# -- pointers, install steps, badges, people, licences, navigation ------------------------------

_DOC_NOUN = (
    r"(?:documentation|docs|tutorials?|guides?|wiki(?: page)?|paper|papers|blog(?: post)?|notebooks?|"
    r"examples?|cookbook|reference|manual|faq|api reference|changelog|website|homepage|readme|arxiv)"
)
_DOC_POINTER = re.compile(
    rf"\b(?:(?:full|complete|detailed|official|online|our|the) {_DOC_NOUN}\b.{{0,40}}\b(?:can be found|"
    rf"is available|are available|lives?|is hosted|here)\b|"
    rf"(?:see|read|check|visit|consult|refer to|browse|follow|start with) (?:the |our |this |a )?"
    rf"(?:[\w-]+ )?{_DOC_NOUN}\b|"
    rf"{_DOC_NOUN} (?:can be found|is available|are available|is hosted|lives)\b|"
    rf"\b(?:the|our|this) (?:[\w-]+ )?{_DOC_NOUN} "
    r"(?:covers|explains|describes|walks you through|shows how)\b|"
    rf"(?:for|more) (?:more |further |full |the full |complete )?(?:details|information|info|examples)\b|"
    rf"^(?:{_DOC_NOUN})\s*[:\-–—]|"
    rf"\bas described in\b|\bexplained in (?:the|our)\b|\bintroduced in (?:the|our|this) paper\b|"
    r"\b(?:full|complete) (?:list|reference|details|set)\b.{0,30}\b(?:is|are|lives?) (?:in|at|on)\b|"
    r"\b(?:in|at|see)\s+\S*(?:docs?/|\.md\b|\.rst\b|\.html?\b))",
    re.IGNORECASE,
)
_INSTALL_STEP = re.compile(
    r"^(?:to install|installation\b|installing\b|install (?:it|this|the (?:package|library|latest)|with|"
    r"via|using|from)\b|pip3? install|python -m pip|uv (?:add|pip)|poetry add|"
    r"conda install|npm (?:i|install)|yarn add|brew install|apt(?:-get)? install|cargo (?:add|install)|"
    r"go get|docker (?:pull|run))|\b(?:pip3? install|npm install|conda install|brew install)\b|"
    r"\bpin\s+`?[\w.-]+\s*[<>=~!]",
    re.IGNORECASE,
)
# What badges say once their images are gone: "PyPI version | build passing | coverage 98%".
_BADGE_WORDS = frozenset(
    (
        *("pypi", "version", "versions", "python", "build", "status", "ci", "tests", "test", "coverage"),
        *("codecov", "license", "licence", "downloads", "docs", "documentation", "discord", "slack"),
        *("twitter", "stars", "code", "style", "black", "ruff", "chat", "conda", "release", "passing"),
        *("failing", "latest", "mit", "apache", "bsd", "pyversions", "wheel", "month", "week", "badge"),
        *("github", "actions", "workflow", "pre", "commit", "mypy", "checked", "forks", "issues", "pr"),
    )
)
_BADGE_TOKEN = re.compile(r"[\w.%+-]+")
_BADGE_VALUE = re.compile(r"^v?\d[\d.]*[%kKmM+]?$")
_BADGE_MAX_CHARS = 160
_PEOPLE = re.compile(
    r"\b(?:sponsor(?:ed|s)? by|our sponsors|backers|thanks to (?:all|our|the)|thank you to|"
    r"(?:our|all|the|\d+) (?:amazing |awesome )?contributors|brought to you by|funded by|"
    r"donat(?:e|ions?)|buy (?:me|us) a coffee|open ?collective|github sponsors)\b|"
    r"(?:@[\w-]+(?:,\s*|\s+and\s+|\s+)){2,}",
    re.IGNORECASE,
)
_MADE_BY = re.compile(r"^(?:made|created|built|maintained|developed) (?:with .{1,12} )?by\b", re.IGNORECASE)
_LICENCE_NAME = re.compile(
    r"^(?:the )?(?:mit|apache(?: license)?(?: 2\.0| v2)?|bsd(?:-\d-clause)?|gpl(?:v?\d)?|lgpl|mpl|isc|"
    r"unlicense|cc[- ]by[\w.-]*)(?: licen[cs]e)?\.?$",
    re.IGNORECASE,
)
_LICENCE_NAME_MAX_CHARS = 40
_LICENCE = re.compile(
    r"\blicen[cs]ed under\b|\breleased under the\b|"
    r"\bunder the (?:terms of the )?(?:\w+ ){0,3}licen[cs]e\b|^copyright\b|©",
    re.IGNORECASE,
)
_SOCIAL_PROOF = re.compile(
    r"\b(?:trusted by|loved by|used (?:in production )?by (?:\d|thousands|hundreds|millions|teams|companies)|"
    r"join (?:\d[\d,.]*\+?|thousands|millions) (?:of )?(?:developers|teams|users))\b|"
    r"\b\d[\d,.]*\s?[kKmM]?\+ (?:teams|companies|users|developers|organi[sz]ations|customers|stars)\b|"
    r"\bone of the most (?:downloaded|popular|widely used|used|starred)\b|"
    r"\bwidely used (?:across|by|in) (?:thousands|hundreds|millions|many)\b",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"^(?:prompt|completion|input|output|request|image|audio)?\s*(?:price|pricing|cost)s?\b.{0,20}[$€£]|"
    r"[$€£]\s?\d[\d.,]*(?:e-?\d+)?\s*(?:per|/)\s*(?:\w+ )?"
    r"(?:tokens?|million|1m|k|gb|month|hour|requests?|seat)\b|"
    r"\bfree (?:tier|plan|trial|credits?)\b|\bno (?:credit )?card (?:needed|required)\b|"
    r"\b\d[\d,.]*\s?[kK]? (?:free )?credits\b",
    re.IGNORECASE,
)
_DOC_POINTER_PHRASES = Phrases(
    _DOC_POINTER,
    (
        *("doc", "tutorial", "guide", "wiki", "paper", "blog", "notebook", "example", "cookbook"),
        *("reference", "manual", "faq", "changelog", "website", "homepage", "readme", "arxiv"),
        *("detail", "info", "described", "explained", "introduced", ".md", ".rst", ".htm"),
    ),
)
_INSTALL_PHRASES = Phrases(
    _INSTALL_STEP,
    (
        *("install", "pip", "uv ", "poetry", "conda", "npm", "yarn", "brew", "apt", "cargo"),
        "go get",
        "docker",
        "pin ",
    ),
)
_PEOPLE_PHRASES = Phrases(
    _PEOPLE,
    (
        *("sponsor", "backer", "thank", "contributor", "brought to you", "funded", "donat", "coffee"),
        *("collective", "@"),
    ),
)
_LICENCE_PHRASES = Phrases(
    _LICENCE,
    ("licen", "copyright", "released under", "©"),
)
_SOCIAL_PROOF_PHRASES = Phrases(_SOCIAL_PROOF, ("trusted", "loved", "used", "join", "+", "one of the most"))
_PRICE_PHRASES = Phrases(_PRICE, ("$", "€", "£", "free ", "card"))
_NAV_SEPARATOR = re.compile(r"\s+[·•|/]\s+|\s+[-–—]\s+")
_NAV_PIECE_WORDS = 3
_NAV_MARKS = ("·", "•", "|", "/", " - ", " – ", " — ")


def is_social_proof(text: str) -> bool:
    """Whether a passage boasts of who uses the tool ("Trusted by 4,000+ teams") instead of
    saying what it does."""
    return _SOCIAL_PROOF_PHRASES.search(text)


def is_price(text: str) -> bool:
    """Whether a passage states a price or a plan's terms ("Prompt price: $3.00e-06 per token",
    "$0.33 per GB", "The free tier holds ...", "no card needed")."""
    return _PRICE_PHRASES.search(text)


def points_to_docs(text: str) -> bool:
    """Whether a passage sends the reader to documentation, tutorials, papers or a wiki ("The full
    documentation can be found on the wiki page") instead of saying what the tool does."""
    return _DOC_POINTER_PHRASES.search(text)


def is_install_step(text: str) -> bool:
    """Whether a passage tells how to install the tool."""
    return _INSTALL_PHRASES.search(text)


def is_badge_line(text: str) -> bool:
    """Whether a line is what a row of badges reads as once their images are gone."""
    first = _BADGE_TOKEN.search(text)
    if len(text) > _BADGE_MAX_CHARS or first is None or first.group().casefold() not in _BADGE_WORDS:
        return False
    tokens = [token.casefold() for token in _BADGE_TOKEN.findall(text)]
    return bool(tokens) and all(
        token in _BADGE_WORDS or _BADGE_VALUE.match(token) or token in "-+" for token in tokens
    )


def names_people(text: str) -> bool:
    """Whether a passage lists sponsors, backers or contributors, or thanks them."""
    return _PEOPLE_PHRASES.search(text) or _MADE_BY.match(text) is not None


def is_licence_line(text: str) -> bool:
    """Whether a passage states the licence or copyright."""
    if len(text) <= _LICENCE_NAME_MAX_CHARS and _LICENCE_NAME.match(text.strip()):
        return True
    return _LICENCE_PHRASES.search(text)


def is_navigation(text: str) -> bool:
    """Whether a line is a table of contents or a navigation bar: three or more short pieces
    ("Install · Features · Docs · Community") and nothing else."""
    if not any(mark in text for mark in _NAV_MARKS) or not _NAV_SEPARATOR.search(text):
        return False
    pieces = [piece for piece in _NAV_SEPARATOR.split(text.strip()) if piece]
    return len(pieces) >= 3 and all(len(piece.split()) <= _NAV_PIECE_WORDS for piece in pieces)


_TRAINING_DETAIL = re.compile(
    r"^(?:the |this )?(?:model|checkpoint|it)\b.{0,20}\b(?:was|were|is) (?:pre-?)?(?:trained|fine-tuned)"
    r" (?:on|with|using)\b|^(?:its |the )?training (?:data|set|corpus) (?:was|is|comes|consists)\b",
    re.IGNORECASE,
)


def is_training_detail(text: str) -> bool:
    """How a model card's model was made ("The model was trained on data up to March 2026"): a fact
    about its history, not something it does for its user."""
    return "train" in text.casefold() and _TRAINING_DETAIL.search(text.strip()) is not None


_CONTINUATION = re.compile(r"^(?:or|and|but|which|so)\b[ ,]", re.IGNORECASE)


def is_continuation(text: str) -> bool:
    """A sentence that only goes on from the one before ("Or, using the command-line client.",
    "Which now allows us to ..."): it says nothing alone, usually between two code examples."""
    return _CONTINUATION.match(text.strip()) is not None


_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("model_list", is_model_list_entry),
    ("checkpoint", is_checkpoint),
    ("code_comment", is_code),
    ("doc_pointer", points_to_docs),
    ("install_step", is_install_step),
    ("badge", is_badge_line),
    ("people", names_people),
    ("licence", is_licence_line),
    ("navigation", is_navigation),
    ("social_proof", is_social_proof),
    ("price", is_price),
    ("training_detail", is_training_detail),
    ("continuation", is_continuation),
)


@lru_cache(maxsize=8192)  # every strategy asks about the same blocks; the answer depends on the text alone
def junk_kind(text: str) -> str | None:
    """The junk class a passage belongs to (``"doc_pointer"``, ``"checkpoint"`` ...), or None when
    it may be a capability."""
    for kind, rule in _RULES:
        if rule(text):
            return kind
    return None


def is_junk_name(name: str) -> bool:
    """Whether an entry's (or a section's) own name shows it is not a capability: an API
    identifier, a call signature or a model id."""
    return is_api_identifier(name) or is_model_id(name) or is_code(name)
