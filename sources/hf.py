"""The ``hf:ORG/NAME`` (model) and ``hf-dataset:ORG/NAME`` (dataset) sources: the Hugging Face Hub.

Two requests per ref: the Hub API's JSON for the repository (downloads, likes, tags, license,
pipeline tag, last change) and the card, the repository's raw ``README.md``. The card's YAML front
matter becomes document metadata and is cut from the text extractors read, since it is
configuration, not prose. A repository without a card is described by its API facts alone.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from schemas import FetchResult, Signal, SourceError, Tool, ToolKind
from schemas.choices import HubKind
from sources.base import Source, split_ref
from sources.documents import (
    MARKDOWN,
    NAME_CHARS,
    SUMMARY_CHARS,
    build_document,
    condense,
    outline,
    split_front_matter,
)
from sources.http import HttpClient, HttpNotFound
from sources.installed import is_open_expression

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?$")
_MAX_METADATA_VALUE_CHARS = 2000


class HuggingFaceSource(Source):
    """Fetches one Hub model (``hf:``) or dataset (``hf-dataset:``) per ref."""

    scheme = "hf"
    _kinds: ClassVar[dict[HubKind, tuple[str, ToolKind, str]]] = {
        # kind: (scheme, Tool.kind, path prefix of the repository on the Hub)
        "model": ("hf", "Model", ""),
        "dataset": ("hf-dataset", "Dataset", "datasets/"),
    }

    def __init__(self, client: HttpClient, *, base_url: str, kind: HubKind = "model") -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._kind = kind
        self.scheme, self._tool_kind, self._prefix = self._kinds[kind]

    def fetch(self, ref: str) -> FetchResult:
        _, raw_id = split_ref(ref)
        repo_id = raw_id.strip()
        if not _REPO_ID.match(repo_id):
            raise SourceError(
                f"is not a Hugging Face {self._kind} id",
                subject=ref,
                hint=f"write {self.scheme}:ORG/NAME, e.g. {self.scheme}:acme/tiny-{self._kind}",
            )
        tool_id = f"{self.scheme}:{repo_id}"
        api_url = f"{self._base_url}/api/{self._kind}s/{repo_id}"
        try:
            info = self._client.get_json(api_url, subject=tool_id)
        except HttpNotFound:
            raise SourceError(
                "tool not found at Hugging Face",
                subject=tool_id,
                hint=f"check the {self._kind} id at {self._base_url}/{self._prefix}{repo_id}",
            ) from None
        if not isinstance(info, dict):
            raise SourceError(f"{api_url} returned JSON that is not an object", subject=tool_id)
        card_url = f"{self._base_url}/{self._prefix}{repo_id}/raw/main/README.md"
        try:
            card = self._client.get(card_url, subject=tool_id).text
        except HttpNotFound:
            card = ""
        return self._describe(tool_id, repo_id, info, card, card_url)

    def _describe(
        self, tool_id: str, repo_id: str, info: dict[str, Any], card: str, card_url: str
    ) -> FetchResult:
        front_matter, body, front_matter_error = split_front_matter(card)
        card_data = given if isinstance(given := info.get("cardData"), dict) else front_matter
        tags = [tag for tag in info.get("tags") or [] if isinstance(tag, str)]
        license_name = _license(card_data, tags)
        metadata = {f"card_{key}": value for key, value in flatten_metadata(front_matter).items()}
        if front_matter_error:
            metadata["card_front_matter_error"] = front_matter_error
        for key, value in (
            ("pipeline_tag", info.get("pipeline_tag")),
            ("library_name", info.get("library_name")),
            ("last_modified", info.get("lastModified")),
            ("tags", json.dumps(tags[:50]) if tags else None),
        ):
            if isinstance(value, str) and value:
                metadata[key] = value[:_MAX_METADATA_VALUE_CHARS]
        origin = card_url
        if not body.strip():
            body, origin = self._facts_only(repo_id, info, tags, license_name), f"{self._base_url}/api"
            metadata["fallback"] = "api facts (no card)"
        document = build_document(
            tool_id=tool_id,
            origin=origin,
            media_type=MARKDOWN,
            text=body,
            subject=tool_id,
            metadata=metadata,
        )
        parts = outline(document.text, MARKDOWN)
        tool = Tool(
            id=tool_id,
            name=condense(repo_id, NAME_CHARS),
            kind=self._tool_kind,
            summary=condense(parts.first_paragraph, SUMMARY_CHARS) if parts.first_paragraph else None,
            homepage=f"{self._base_url}/{self._prefix}{repo_id}",
            license=condense(license_name, 200) if license_name else None,
            pricing="free" if license_name and _all_open(license_name) else "unknown",
        )
        signals = [
            Signal(tool_id=tool_id, name=name, value=float(info[name]), source="huggingface")
            for name in ("downloads", "likes")
            if isinstance(info.get(name), int | float) and not isinstance(info.get(name), bool)
        ]
        return FetchResult(tool=tool, document=document, signals=signals)

    def _facts_only(
        self, repo_id: str, info: dict[str, Any], tags: list[str], license_name: str | None
    ) -> str:
        lines = [f"# {repo_id}", "", f"A Hugging Face {self._kind} repository without a card.", ""]
        if isinstance(info.get("pipeline_tag"), str):
            lines.append(f"- Task: {info['pipeline_tag']}")
        if isinstance(info.get("library_name"), str):
            lines.append(f"- Library: {info['library_name']}")
        if license_name:
            lines.append(f"- License: {license_name}")
        shown = [tag for tag in tags if ":" not in tag][:20]
        if shown:
            lines.append(f"- Tags: {', '.join(shown)}")
        return "\n".join(lines)


def flatten_metadata(values: dict[str, Any]) -> dict[str, str]:
    """Document metadata is text: scalars as written, lists and mappings as compact JSON."""
    flat: dict[str, str] = {}
    for key, value in values.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
        flat[key] = text[:_MAX_METADATA_VALUE_CHARS]
    return flat


def _all_open(license_names: str) -> bool:
    """Open weights or data under open-source licenses only (several are listed comma-separated)."""
    return all(is_open_expression(name.strip()) for name in license_names.split(","))


def _license(card_data: dict[str, Any], tags: list[str]) -> str | None:
    declared = card_data.get("license")
    if isinstance(declared, list):
        declared = ", ".join(str(item) for item in declared if item)
    if isinstance(declared, str) and declared.strip():
        return declared.strip()
    for tag in tags:
        if tag.startswith("license:") and tag.removeprefix("license:"):
            return tag.removeprefix("license:")
    return None
