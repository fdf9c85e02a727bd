"""The ``openrouter:VENDOR/MODEL`` source: one model from OpenRouter's public model listing.

The listing (``/models``) describes every model at once, so it is fetched once and shared by every
ref for ``listing_ttl_seconds``. The document is the model's description followed by a short
Markdown section of the listing's facts (context length, modalities, prices), so extractors can
cite them. Prices in the API are USD per token, as strings.
"""

from __future__ import annotations

import re
import threading
import time
from decimal import Decimal, InvalidOperation
from typing import Any

from schemas import FetchResult, Price, Pricing, SourceError, Tool
from sources.base import Source, split_ref
from sources.documents import MARKDOWN, NAME_CHARS, SUMMARY_CHARS, build_document, condense, outline
from sources.http import HttpClient, HttpNotFound, iter_json_items

_MODEL_ID = re.compile(r"^[\w.-]+/[\w.:-]+$")


class OpenRouterSource(Source):
    """Finds one model per ref in OpenRouter's listing."""

    scheme = "openrouter"

    def __init__(self, client: HttpClient, *, base_url: str, listing_ttl_seconds: float = 300.0) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._ttl = listing_ttl_seconds
        self._listing: dict[str, dict[str, Any]] | None = None
        self._fetched_at = 0.0
        # One lock: concurrent workers wait for the one fetch of the listing instead of each starting one.
        self._lock = threading.Lock()

    @property
    def listing_url(self) -> str:
        return f"{self._base_url}/models"

    def listing(self, subject: str) -> dict[str, dict[str, Any]]:
        """Every model in the listing by id, fetched at most once per ``listing_ttl_seconds``."""
        with self._lock:
            if self._listing is None or time.monotonic() - self._fetched_at > self._ttl:
                try:
                    payload = self._client.get_json(self.listing_url, subject=subject)
                except HttpNotFound:
                    raise SourceError(
                        f"{self.listing_url} answered 404",
                        subject=subject,
                        hint="check CAPGRAPH_OPENROUTER_BASE_URL (it ends in /api/v1)",
                    ) from None
                if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
                    raise SourceError(
                        f"{self.listing_url} returned JSON without a 'data' list", subject=subject
                    )
                self._listing = {
                    item["id"]: item
                    for item in iter_json_items(payload, "data")
                    if isinstance(item.get("id"), str)
                }
                self._fetched_at = time.monotonic()
            return self._listing

    def fetch(self, ref: str) -> FetchResult:
        _, raw_id = split_ref(ref)
        model_id = raw_id.strip()
        if not _MODEL_ID.match(model_id):
            raise SourceError(
                "is not an OpenRouter model id",
                subject=ref,
                hint="write openrouter:VENDOR/MODEL, e.g. openrouter:acme/chat-small",
            )
        tool_id = f"openrouter:{model_id}"
        model = self.listing(tool_id).get(model_id)
        if model is None:
            raise SourceError(
                "tool not found at OpenRouter",
                subject=tool_id,
                hint="check the model id in OpenRouter's model list",
            )
        return describe_model(tool_id, model, origin=self.listing_url)


def describe_model(tool_id: str, model: dict[str, Any], *, origin: str) -> FetchResult:
    model_id = tool_id.removeprefix("openrouter:")
    description = given if isinstance(given := model.get("description"), str) else ""
    pricing = listed if isinstance(listed := model.get("pricing"), dict) else {}
    prompt_price = _price(pricing.get("prompt"))
    completion_price = _price(pricing.get("completion"))
    facts = _facts(model, prompt_price, completion_price)
    text = "\n\n".join(part for part in (description.strip(), facts) if part)
    document = build_document(
        tool_id=tool_id,
        origin=f"{origin}#{model_id}",
        media_type=MARKDOWN,
        text=text,
        subject=tool_id,
        metadata=_metadata(model),
    )
    paid: Pricing = "unknown"
    starting_price: Price | None = None
    if prompt_price is not None and completion_price is not None:
        paid = "free" if prompt_price == 0 and completion_price == 0 else "paid"
        if paid == "paid":
            starting_price = Price(amount=prompt_price, unit="prompt token")
    summary = outline(description, MARKDOWN).first_paragraph if description.strip() else None
    name = named if isinstance(named := model.get("name"), str) and named.strip() else model_id
    tool = Tool(
        id=tool_id,
        name=condense(name, NAME_CHARS),
        kind="Model",
        summary=condense(summary, SUMMARY_CHARS) if summary else None,
        pricing=paid,
        starting_price=starting_price,
    )
    return FetchResult(tool=tool, document=document)


def _metadata(model: dict[str, Any]) -> dict[str, str]:
    metadata = {"listing": "openrouter"}
    for key in ("canonical_slug", "hugging_face_id"):
        if isinstance(model.get(key), str) and model[key].strip():
            metadata[key] = model[key].strip()
    if isinstance(model.get("created"), int):
        metadata["created"] = str(model["created"])
    return metadata


def _facts(model: dict[str, Any], prompt_price: Decimal | None, completion_price: Decimal | None) -> str:
    lines: list[str] = []
    context = model.get("context_length")
    if isinstance(context, int) and not isinstance(context, bool) and context > 0:
        lines.append(f"- Context length: {context:,} tokens")
    architecture = given if isinstance(given := model.get("architecture"), dict) else {}
    for label, key in (("Input modalities", "input_modalities"), ("Output modalities", "output_modalities")):
        values = [value for value in architecture.get(key) or [] if isinstance(value, str)]
        if values:
            lines.append(f"- {label}: {', '.join(values)}")
    for label, price in (("Prompt price", prompt_price), ("Completion price", completion_price)):
        if price is not None:
            lines.append(f"- {label}: {_usd(price)} per token" + (" (free)" if price == 0 else ""))
    if not lines:
        return ""
    return "## Listing facts\n\n" + "\n".join(lines)


def _price(value: object) -> Decimal | None:
    """A per-token USD price; None when absent or negative (the listing's mark for a variable price)."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None
    return price if price.is_finite() and price >= 0 else None


def _usd(price: Decimal) -> str:
    return f"${float(price):.2e}" if price else "$0"
