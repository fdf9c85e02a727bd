"""An extractor backed by a plain Python function: the test double that ships with capgraph.

Tests, benches and experiments plug their own behaviour into the real pipeline with it (raise for one
tool, spend money through the hooks, return hand-written records) without touching the real extractors.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.base import CallHooks, Extractor
from schemas import CapabilitySet, SourceDocument, Tool

ExtractFunction = Callable[[SourceDocument, Tool | None, CallHooks], CapabilitySet]


class FunctionExtractor(Extractor):
    name = "function"

    def __init__(
        self,
        function: ExtractFunction,
        *,
        model: str | None = None,
        prompt_version: str = "function-v1",
    ) -> None:
        self._function = function
        self._model = model
        self._prompt_version = prompt_version

    @property
    def model(self) -> str | None:
        return self._model

    @property
    def prompt_version(self) -> str:
        return self._prompt_version

    def extract(
        self,
        document: SourceDocument,
        *,
        tool: Tool | None = None,
        hooks: CallHooks | None = None,
    ) -> CapabilitySet:
        return self._function(document, tool, hooks or CallHooks())
