"""Writes real ``.dist-info`` folders into a test's own site directory, for metadata edge cases
the installed environment does not happen to contain."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def write_distribution(
    site: Path,
    name: str,
    version: str = "1.0",
    *,
    headers: Sequence[tuple[str, str]] = (),
    body: str | None = None,
) -> Path:
    """A ``NAME-VERSION.dist-info/METADATA`` under ``site`` with ``headers`` and a ``body`` payload."""
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    lines = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}"]
    lines += [f"{key}: {value}" for key, value in headers]
    text = "\n".join(lines) + "\n"
    if body is not None:
        text += "\n" + body
    (folder / "METADATA").write_text(text, encoding="utf-8")
    return folder
