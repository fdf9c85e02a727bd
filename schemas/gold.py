"""The gold-set format ``capgraph eval`` scores extractors against: per tool, the records a careful
reader would write down, the text that must never become a record, and the tools it competes with.

One TOML file per tool sits beside its description; ``capgraph/evaluation/gold_set.py`` loads a
folder of them and checks every quote against the document capgraph stores for that file.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from schemas.models import StrictModel, Title

JunkKind = Literal[
    "model_list",
    "checkpoint",
    "api_identifier",
    "code_comment",
    "doc_pointer",
    "marketing_lead_in",
    "navigation",
    "install_step",
    "other",
]
"""The classes of text that look like capabilities to a naive reader but are not (issue #8's list)."""

GOLD_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Quote = Annotated[str, Field(min_length=3, max_length=1000)]


class GoldRecord(StrictModel):
    """One capability the description states, with the passage that states it."""

    title: Title
    quote: Quote
    """The passage's visible text (Markdown or reST markup left out), as it reads in the document."""
    also: list[Quote] = Field(default_factory=list)
    """Other passages stating the same capability (a tagline and a later section): a record resting on
    any of them matches this one."""
    unique: Quote | None = None
    """The passage saying what only this tool does here, when the description says so."""
    vs_alternatives: Quote | None = None
    """The passage comparing this capability with other tools, when the description does."""


class GoldJunk(StrictModel):
    """A passage no record may rest on: a record whose evidence falls inside it is a junk record."""

    quote: Quote
    kind: JunkKind


class GoldTool(StrictModel):
    """One gold document and what a perfect extraction of it holds."""

    document: Annotated[str, Field(min_length=1)]
    """The description's file name, relative to this TOML file."""
    name: Title
    """The name capgraph should give the tool from this file alone (no catalog name)."""
    shape: Annotated[str, Field(min_length=3, max_length=200)]
    """What kind of real description this one is written after, e.g. "SDK README, mostly API reference"."""
    category: Annotated[str, Field(min_length=2, max_length=80)]
    competitors: list[str] = Field(default_factory=list)
    """Ids (TOML file stems) of gold tools that a user would weigh against this one."""
    states_capabilities: bool = True
    """False for a description that states no capability at all (an install line only)."""
    records: list[GoldRecord] = Field(default_factory=list)
    junk: list[GoldJunk] = Field(default_factory=list)

    @field_validator("competitors")
    @classmethod
    def _competitor_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not GOLD_ID.match(item):
                raise ValueError(f"competitor {item!r} is not a gold id (a TOML file stem, lowercase)")
        return value

    @model_validator(mode="after")
    def _records_match_claim(self) -> GoldTool:
        if self.states_capabilities and not self.records:
            raise ValueError("states_capabilities is true but no [[records]] are given")
        if not self.states_capabilities and self.records:
            raise ValueError("states_capabilities is false but [[records]] are given")
        return self
