"""The text that stands for a capability when it is embedded."""

from __future__ import annotations


def capability_text(title: str, description: str) -> str:
    return f"{title.strip()}. {description.strip()}"
