"""The ``pypi:NAME`` source: a project's record from the PyPI JSON API (``/pypi/NAME/json``).

The document is the long description in its declared markup. The license, homepage and media type
are read with the same rules as the ``installed:`` source, by handing them the same core-metadata
fields the JSON carries. Signals: ``releases`` (versions with at least one file not yanked) and
``days_since_release`` (since the newest such file was uploaded), both only when the response lists
its releases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import Message
from typing import Any

from schemas import FetchResult, Signal, SourceError, Tool
from sources.base import Source, split_ref
from sources.documents import NAME_CHARS, PLAIN, SUMMARY_CHARS, build_document, condense, outline
from sources.http import HttpClient, HttpNotFound
from sources.installed import (
    VALID_NAME,
    canonical_distribution_name,
    declared_media_type,
    homepage_of,
    license_and_pricing,
)

_UNSET = {"", "UNKNOWN", "NONE"}


class PyPISource(Source):
    """Fetches one PyPI project per ref."""

    scheme = "pypi"

    def __init__(self, client: HttpClient, *, base_url: str) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")

    def fetch(self, ref: str) -> FetchResult:
        _, raw_name = split_ref(ref)
        raw_name = raw_name.strip()
        if not VALID_NAME.match(raw_name):
            raise SourceError(
                "is not a valid PyPI project name", subject=ref, hint="write pypi:NAME, e.g. pypi:requests"
            )
        name = canonical_distribution_name(raw_name)
        tool_id = f"pypi:{name}"
        url = f"{self._base_url}/pypi/{name}/json"
        try:
            payload = self._client.get_json(url, subject=tool_id)
        except HttpNotFound:
            raise SourceError(
                "tool not found at PyPI", subject=tool_id, hint="check the project name on pypi.org"
            ) from None
        info = payload.get("info") if isinstance(payload, dict) else None
        if not isinstance(info, dict):
            raise SourceError(f"{url} returned JSON without an 'info' object", subject=tool_id)
        return _describe(tool_id, name, url, payload, info, observed_at=datetime.now(UTC))


def _describe(
    tool_id: str, name: str, url: str, payload: dict[str, Any], info: dict[str, Any], *, observed_at: datetime
) -> FetchResult:
    fields = _core_metadata(info)
    version = _text(info.get("version")) or "unknown"
    summary = _text(info.get("summary"))
    description = _text(info.get("description"))
    metadata = {"version": version}
    if description:
        media_type = declared_media_type(info.get("description_content_type"), description)
        text = description
    elif summary:
        media_type, text = PLAIN, summary
        metadata["fallback"] = "summary"
    else:
        raise SourceError(
            "has no description on PyPI: neither a long description nor a summary",
            subject=tool_id,
            hint="describe it with a url: or file: ref instead",
        )
    if _text(info.get("requires_python")):
        metadata["requires_python"] = info["requires_python"]
    document = build_document(
        tool_id=tool_id, origin=url, media_type=media_type, text=text, subject=tool_id, metadata=metadata
    )
    license_name, pricing = license_and_pricing(fields)
    summary = summary or outline(document.text, media_type).first_paragraph
    tool = Tool(
        id=tool_id,
        name=condense(_text(info.get("name")) or name, NAME_CHARS),
        kind="Package",
        summary=condense(summary, SUMMARY_CHARS) if summary else None,
        homepage=homepage_of(fields),
        license=license_name,
        version=condense(version, 100),
        pricing=pricing,
    )
    return FetchResult(tool=tool, document=document, signals=_signals(tool_id, payload, observed_at))


def _core_metadata(info: dict[str, Any]) -> Message:
    """The JSON's license, classifier and URL fields as the core-metadata headers they came from."""
    fields = Message()
    for header, key in (
        ("License-Expression", "license_expression"),
        ("License", "license"),
        ("Home-page", "home_page"),
    ):
        value = _text(info.get(key))
        if value:
            fields[header] = value
    for classifier in info.get("classifiers") or []:
        if isinstance(classifier, str):
            fields["Classifier"] = classifier
    project_urls = info.get("project_urls")
    if isinstance(project_urls, dict):
        for label, link in project_urls.items():
            if isinstance(link, str) and link.strip():
                fields["Project-URL"] = f"{label}, {link.strip()}"
    return fields


def _signals(tool_id: str, payload: dict[str, Any], observed_at: datetime) -> list[Signal]:
    releases = payload.get("releases")
    if not isinstance(releases, dict):
        return []  # newer API versions may drop the list: nothing honest to count
    live_uploads: dict[str, list[datetime]] = {}
    for version, files in releases.items():
        uploads = [
            _uploaded_at(item) for item in files or [] if isinstance(item, dict) and not item.get("yanked")
        ]
        live = [when for when in uploads if when is not None]
        if live:
            live_uploads[version] = live
    signals = [
        Signal(
            tool_id=tool_id,
            name="releases",
            value=float(len(live_uploads)),
            observed_at=observed_at,
            source="pypi",
        )
    ]
    if live_uploads:
        newest = max(when for uploads in live_uploads.values() for when in uploads)
        days = max(0.0, (observed_at - newest).total_seconds() / 86400)
        signals.append(
            Signal(
                tool_id=tool_id,
                name="days_since_release",
                value=round(days, 2),
                observed_at=observed_at,
                source="pypi",
            )
        )
    return signals


def _uploaded_at(item: dict[str, Any]) -> datetime | None:
    raw = item.get("upload_time_iso_8601") or item.get("upload_time")
    if not isinstance(raw, str):
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)  # upload_time is UTC


def _text(value: object) -> str | None:
    if not isinstance(value, str) or value.strip().upper() in _UNSET:
        return None
    return value.strip()
