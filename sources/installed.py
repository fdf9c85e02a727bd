"""The ``installed:NAME`` source: a distribution's own metadata, read offline with importlib.metadata.

The document is the long description (what PyPI shows as the project page). The one signal,
``dependents``, counts the other installed distributions that need this one in this environment:
a requirement counts when its marker holds with no extra selected, so dependencies that only an
optional extra pulls in are left out (the extra may well not be installed).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import Message
from importlib import metadata as importlib_metadata
from os import PathLike

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement

from schemas import FetchResult, Pricing, Signal, SourceError, Tool
from sources.base import Source, split_ref
from sources.documents import MARKDOWN, PLAIN, RST, build_document, condense, outline, sniff_media_type
from sources.refs import canonical_distribution_name

_LEADING_NAME = re.compile(r"\s*[A-Z0-9][A-Z0-9._-]*", re.IGNORECASE)
VALID_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_UNSET = {"", "UNKNOWN", "NONE"}
_KNOWN_MEDIA_TYPES = {MARKDOWN, RST, PLAIN}

# Project-URL labels in the order they make a good homepage, compared after folding case and
# dropping punctuation and spaces (the core metadata spec's own normalisation of well-known labels).
_HOMEPAGE_LABELS = ("homepage", "documentation", "docs", "source", "sourcecode", "repository", "repo", "code")

# SPDX identifiers of widely used OSI-approved licenses: enough to call a package free of charge.
_OPEN_SOURCE_SPDX = frozenset(
    {
        "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0", "Artistic-2.0",
        "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CDDL-1.0", "ECL-2.0", "EPL-1.0",
        "EPL-2.0", "EUPL-1.2", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
        "HPND", "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
        "MIT", "MIT-0", "MPL-2.0", "MS-PL", "NCSA", "OSL-3.0", "PostgreSQL", "PSF-2.0", "Python-2.0",
        "UPL-1.0", "Unlicense", "Zlib", "ZPL-2.1",
    }
)  # fmt: skip
_SPDX_OPERATORS = {"AND", "OR", "WITH"}
# Free-text License fields from before License-Expression existed ("BSD", "Apache 2.0", ...).
_OPEN_SOURCE_WORDS = re.compile(
    r"\b(MIT|BSD|Apache|GPL|LGPL|AGPL|MPL|Mozilla Public|ISC|PSF|Python Software Foundation|"
    r"Zlib|Unlicense|Public Domain)\b",
    re.IGNORECASE,
)
_OSI_CLASSIFIER = "License :: OSI Approved :: "


@dataclass(frozen=True)
class _Installed:
    """One installed distribution with its metadata parsed once (parsing is most of a fetch's cost)."""

    distribution: importlib_metadata.Distribution
    fields: Message

    def requirements(self) -> list[str]:
        declared = self.fields.get_all("Requires-Dist")
        if declared is not None:
            return [str(line) for line in declared]
        # Egg-info installs may keep them in requires.txt instead; importlib knows that format.
        if self.distribution.read_text("requires.txt") is None:
            return []
        return self.distribution.requires or []


class InstalledSource(Source):
    """Reads distributions installed in this environment (or on ``search_path`` when given)."""

    scheme = "installed"

    def __init__(self, search_path: Sequence[str | PathLike[str]] | None = None) -> None:
        self._search_path = [str(entry) for entry in search_path] if search_path is not None else None

    def fetch(self, ref: str) -> FetchResult:
        _, raw_name = split_ref(ref)
        raw_name = raw_name.strip()
        if not VALID_NAME.match(raw_name):
            raise SourceError(
                "is not a valid distribution name",
                subject=ref,
                hint="write installed:NAME with the name pip knows, e.g. installed:pydantic-settings",
            )
        name = canonical_distribution_name(raw_name)
        installed = self._installed()
        found = installed.get(name)
        if found is None:
            raise SourceError(
                f"no distribution named {raw_name!r} is installed",
                subject=ref,
                hint=_missing_hint(name, installed),
            )
        return self._describe(f"installed:{name}", name, found, installed)

    def _installed(self) -> dict[str, _Installed]:
        """Every installed distribution by canonical name; the first on the path wins, as for imports."""
        found = (
            importlib_metadata.distributions()
            if self._search_path is None
            else importlib_metadata.distributions(path=self._search_path)
        )
        by_name: dict[str, _Installed] = {}
        for distribution in found:
            fields = _metadata_of(distribution)
            own_name = _field(fields, "Name")
            if own_name is not None and fields is not None:
                by_name.setdefault(canonical_distribution_name(own_name), _Installed(distribution, fields))
        return by_name

    def _describe(
        self,
        tool_id: str,
        name: str,
        found: _Installed,
        installed: dict[str, _Installed],
    ) -> FetchResult:
        fields = found.fields
        version = _field(fields, "Version") or "unknown"
        summary = _field(fields, "Summary")
        license_name, pricing = license_and_pricing(fields)
        text, media_type, document_metadata = _long_description(fields, tool_id)
        if summary is None:
            summary = outline(text, media_type).first_paragraph
        tool = Tool(
            id=tool_id,
            name=condense(_field(fields, "Name") or name, 200),
            kind="Package",
            summary=condense(summary, 1000) if summary else None,
            homepage=homepage_of(fields),
            license=license_name,
            version=condense(version, 100),
            pricing=pricing,
        )
        document = build_document(
            tool_id=tool_id,
            origin=f"{tool_id}=={version} ({_location(found.distribution)})",
            media_type=media_type,
            text=text,
            subject=tool_id,
            metadata={"distribution": tool.name, "version": version, **document_metadata},
        )
        dependents = Signal(
            tool_id=tool_id,
            name="dependents",
            value=float(_count_dependents(name, installed)),
            source="installed",
        )
        return FetchResult(tool=tool, document=document, signals=[dependents])


def _missing_hint(name: str, installed: dict[str, _Installed]) -> str:
    close = difflib.get_close_matches(name, list(installed), n=3, cutoff=0.6)
    if close:
        return f"did you mean {' or '.join(close)}? otherwise install it with `pip install {name}`"
    return f"install it with `pip install {name}` or check the spelling"


def _metadata_of(distribution: importlib_metadata.Distribution) -> Message | None:
    """A distribution's metadata as the email message importlib parses it into (typed only as a protocol
    that lacks the body, where the long description is); None when it has none."""
    fields: object = distribution.metadata
    return fields if isinstance(fields, Message) else None


def _field(fields: Message | None, key: str) -> str | None:
    """A metadata field, or None when absent or a placeholder old setuptools wrote ("UNKNOWN")."""
    if fields is None:
        return None
    value = fields.get(key)
    if value is None or str(value).strip().upper() in _UNSET:
        return None
    return str(value).strip()


def _long_description(fields: Message, subject: str) -> tuple[str, str, dict[str, str]]:
    """The long description, its media type and notes for ``document.metadata``."""
    payload = fields.get_payload()
    text = payload if isinstance(payload, str) else ""
    if not text.strip():
        text = _unfold_description_header(fields.get("Description"))
    if text.strip().upper() in _UNSET:
        text = ""
    if text.strip():
        return text, declared_media_type(fields.get("Description-Content-Type"), text), {}
    summary = _field(fields, "Summary")
    if summary is None:
        raise SourceError(
            "has no description: neither a long description nor a summary is in its metadata",
            subject=subject,
            hint="describe it with a file: ref instead",
        )
    return summary, PLAIN, {"fallback": "summary"}


def _unfold_description_header(header: object) -> str:
    """Older metadata keeps the long description in a header whose continuation lines are indented
    with eight spaces (or seven and a ``|``); strip that indentation back off."""
    if not isinstance(header, str):
        return ""
    first, *rest = header.splitlines()
    unfolded = [first]
    for line in rest:
        if line.startswith("       |") or line.startswith("        "):
            unfolded.append(line[8:])
        else:
            unfolded.append(line.lstrip())
    return "\n".join(unfolded)


def declared_media_type(declared: object, text: str) -> str:
    """The declared Description-Content-Type, or a sniffed one: many packages declare none, and plain
    text is as common as the reStructuredText the spec assumes by default."""
    if isinstance(declared, str):
        base = declared.split(";", 1)[0].strip().lower()
        if base in _KNOWN_MEDIA_TYPES:
            return base
    return sniff_media_type(text)


def homepage_of(fields: Message) -> str | None:
    home_page = _field(fields, "Home-page")
    if home_page is not None:
        return condense(home_page, 2000)
    by_label: dict[str, str] = {}
    for entry in fields.get_all("Project-URL") or []:
        label, sep, url = str(entry).partition(",")
        if sep and url.strip():
            by_label.setdefault(re.sub(r"[\W_]+", "", label).lower(), url.strip())
    for label in _HOMEPAGE_LABELS:
        if label in by_label:
            return condense(by_label[label], 2000)
    return None


def license_and_pricing(fields: Message) -> tuple[str | None, Pricing]:
    """The license as stated (expression, License field or OSI classifiers) and whether it makes the
    package free; anything not recognisably open source stays ``unknown``, never guessed."""
    classifiers = [str(value) for value in fields.get_all("Classifier") or []]
    osi_names = [c.removeprefix(_OSI_CLASSIFIER) for c in classifiers if c.startswith(_OSI_CLASSIFIER)]
    expression = _field(fields, "License-Expression")
    if expression is not None:
        return condense(expression, 200), "free" if is_open_expression(expression) else "unknown"
    legacy = _field(fields, "License")
    # Some packages paste the whole license text into License; that is no name to show.
    if legacy is not None and "\n" not in legacy and len(legacy) <= 200:
        is_open = bool(osi_names) or is_open_expression(legacy) or bool(_OPEN_SOURCE_WORDS.search(legacy))
        return legacy, "free" if is_open else "unknown"
    if osi_names:
        return condense(", ".join(osi_names), 200), "free"
    return None, "unknown"


def is_open_expression(expression: str) -> bool:
    """True when every license an SPDX expression names is open source (exceptions aside)."""
    try:
        canonical = str(canonicalize_license_expression(expression))
    except InvalidLicenseExpression:
        return False
    words = canonical.replace("(", " ").replace(")", " ").split()
    identifiers: list[str] = []
    after_with = False
    for word in words:
        if word in _SPDX_OPERATORS:
            after_with = word == "WITH"
            continue
        if not after_with:
            identifiers.append(word.removesuffix("+"))
        after_with = False
    return bool(identifiers) and all(identifier in _OPEN_SOURCE_SPDX for identifier in identifiers)


def _count_dependents(name: str, installed: dict[str, _Installed]) -> int:
    return sum(
        1
        for other_name, other in installed.items()
        if other_name != name and _requires_in_this_environment(other.requirements(), name)
    )


def _requires_in_this_environment(requirements: Iterable[str], name: str) -> bool:
    for line in requirements:
        leading_name = _LEADING_NAME.match(line)
        if leading_name is None or canonical_distribution_name(leading_name.group(0)) != name:
            continue  # parsing every requirement of every distribution is most of a fetch's cost
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue  # one malformed line in someone else's metadata must not hide the rest
        if canonical_distribution_name(requirement.name) != name:
            continue
        if requirement.marker is None:
            return True
        try:
            if requirement.marker.evaluate({"extra": ""}):
                return True
        except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
            continue
    return False


def _location(distribution: importlib_metadata.Distribution) -> str:
    # importlib.metadata has no public accessor for a distribution's own metadata folder;
    # PathDistribution (the only kind on a normal path) keeps it in ``_path``.
    own_folder = getattr(distribution, "_path", None)
    return str(own_folder if own_folder is not None else distribution.locate_file(""))
