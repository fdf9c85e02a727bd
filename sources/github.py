"""The ``github:OWNER/REPO`` source: a repository's REST API record and its README.

Two requests per ref: ``/repos/OWNER/REPO`` (stars, forks, open issues, license, topics, last push,
homepage, description) and ``/repos/OWNER/REPO/readme`` asked for the raw file. An optional token
goes in the Authorization header only; it is never logged, stored or put in an error message (the
HTTP client drops it on any redirect to another origin).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import SecretStr

from schemas import FetchResult, Signal, SourceError, Tool
from sources.base import Source, split_ref
from sources.documents import (
    NAME_CHARS,
    PLAIN,
    SUMMARY_CHARS,
    build_document,
    condense,
    outline,
    sniff_media_type,
)
from sources.http import HttpClient, HttpNotFound
from sources.installed import is_open_expression

_OWNER_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_API_VERSION = "2022-11-28"
_SIGNALS = (("stars", "stargazers_count"), ("forks", "forks_count"), ("open_issues", "open_issues_count"))


class GitHubSource(Source):
    """Fetches one GitHub repository per ref through the REST API."""

    scheme = "github"

    def __init__(self, client: HttpClient, *, api_url: str, token: SecretStr | None = None) -> None:
        self._client = client
        self._api_url = api_url.rstrip("/")
        self._token = token

    def headers(self, accept: str) -> dict[str, str]:
        headers = {"Accept": accept, "X-GitHub-Api-Version": _API_VERSION}
        if self._token is not None and self._token.get_secret_value():
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return headers

    def fetch(self, ref: str) -> FetchResult:
        _, raw_name = split_ref(ref)
        full_name = raw_name.strip().removesuffix(".git")
        if not _OWNER_REPO.match(full_name):
            raise SourceError(
                "is not a GitHub repository name",
                subject=ref,
                hint="write github:OWNER/REPO, e.g. github:acme/widget",
            )
        tool_id = f"github:{full_name}"
        try:
            repo = self._client.get_json(
                f"{self._api_url}/repos/{full_name}",
                subject=tool_id,
                headers=self.headers("application/vnd.github+json"),
            )
        except HttpNotFound:
            raise SourceError(
                "tool not found at GitHub",
                subject=tool_id,
                hint="check OWNER/REPO; a private repository also needs CAPGRAPH_GITHUB_TOKEN",
            ) from None
        if not isinstance(repo, dict):
            raise SourceError("the GitHub API returned JSON that is not an object", subject=tool_id)
        readme_url = f"{self._api_url}/repos/{full_name}/readme"
        try:
            readme = self._client.get(
                readme_url, subject=tool_id, headers=self.headers("application/vnd.github.raw")
            ).text
        except HttpNotFound:
            readme = ""
        return _describe(tool_id, full_name, repo, readme, readme_url)


def _describe(tool_id: str, full_name: str, repo: dict[str, Any], readme: str, origin: str) -> FetchResult:
    description = _text(repo.get("description"))
    license_info = given if isinstance(given := repo.get("license"), dict) else {}
    spdx = _text(license_info.get("spdx_id"))
    license_name = spdx if spdx and spdx != "NOASSERTION" else _text(license_info.get("name"))
    topics = [topic for topic in repo.get("topics") or [] if isinstance(topic, str)]
    metadata = {
        key: value
        for key, value in (
            ("description", description),
            ("pushed_at", _text(repo.get("pushed_at"))),
            ("default_branch", _text(repo.get("default_branch"))),
            ("language", _text(repo.get("language"))),
            ("topics", json.dumps(topics) if topics else None),
            ("archived", "true" if repo.get("archived") is True else None),
        )
        if value
    }
    if readme.strip():
        media_type = sniff_media_type(readme)
    elif description:
        readme, media_type, origin = description, PLAIN, f"{origin.removesuffix('/readme')} (description)"
        metadata["fallback"] = "description (no README)"
    else:
        raise SourceError(
            "has neither a README nor a description on GitHub",
            subject=tool_id,
            hint="describe it with a url: or file: ref instead",
        )
    document = build_document(
        tool_id=tool_id, origin=origin, media_type=media_type, text=readme, subject=tool_id, metadata=metadata
    )
    summary = description or outline(document.text, media_type).first_paragraph
    homepage = _text(repo.get("homepage")) or _text(repo.get("html_url"))
    tool = Tool(
        id=tool_id,
        name=condense(_text(repo.get("full_name")) or full_name, NAME_CHARS),
        kind="Repository",
        summary=condense(summary, SUMMARY_CHARS) if summary else None,
        homepage=condense(homepage, 2000) if homepage else None,
        license=condense(license_name, 200) if license_name else None,
        pricing="free" if spdx and is_open_expression(spdx) else "unknown",
    )
    signals = [
        Signal(tool_id=tool_id, name=name, value=float(repo[key]), source="github")
        for name, key in _SIGNALS
        if isinstance(repo.get(key), int) and not isinstance(repo.get(key), bool)
    ]
    return FetchResult(tool=tool, document=document, signals=signals)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
