"""What one ``capgraph eval`` found: per gold tool and overall, as stored in ``eval_runs``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import Field

from schemas.models import StrictModel


class EvalToolResult(StrictModel):
    """How one gold tool fared: counts from which every figure of the run is summed."""

    gold_id: str
    tool_id: str
    expected_name: str
    given_name: str | None = None
    states_capabilities: bool = True
    failure: str | None = None
    """Why the tool has no records (its ingest's one-line error), or None."""
    stored: int = 0
    gold: int = 0
    matched: int = 0
    junk: int = 0
    grounded: int = 0
    unlocated: int = 0
    """Stored records none of whose evidence could be found in the document's visible text."""
    unique_not_stated: int = 0
    vs_not_stated: int = 0
    competitors: int = 0
    """Gold competitors present in the set (the denominator of this tool's precision@3, up to 3)."""
    competitor_hits: int = 0
    """Gold competitors among the tool's top 3 alternatives."""
    alternatives: list[str] = Field(default_factory=list)
    """Gold ids (or tool ids outside the set) of the top 3 alternatives, best first."""
    missed: list[str] = Field(default_factory=list)
    """Titles of gold records no stored record matched."""
    extra: list[str] = Field(default_factory=list)
    """Titles of stored records that matched no gold record."""
    junk_titles: list[str] = Field(default_factory=list)

    @property
    def name_ok(self) -> bool:
        return self.given_name is not None and self.given_name.casefold() == self.expected_name.casefold()


class EvalRun(StrictModel):
    """One evaluation: which extractor (and model, and prompt or rules version) on which gold set."""

    eval_id: str
    ingest_id: str | None = None
    """The ingest run that extracted the gold documents: its API calls are in the ledger under this id."""
    started_at: datetime
    finished_at: datetime
    gold_root: str
    extractor: str
    model: str | None = None
    prompt_version: str
    cost_usd: Decimal | None = Decimal(0)
    tools: list[EvalToolResult]

    def _sum(self, field: str) -> int:
        return sum(int(getattr(tool, field)) for tool in self.tools)

    @property
    def precision(self) -> float | None:
        stored = self._sum("stored")
        return self._sum("matched") / stored if stored else None

    @property
    def recall(self) -> float | None:
        gold = self._sum("gold")
        return self._sum("matched") / gold if gold else None

    @property
    def grounding_rate(self) -> float | None:
        stored = self._sum("stored")
        return self._sum("grounded") / stored if stored else None

    @property
    def unique_not_stated_share(self) -> float | None:
        stored = self._sum("stored")
        return self._sum("unique_not_stated") / stored if stored else None

    @property
    def vs_not_stated_share(self) -> float | None:
        stored = self._sum("stored")
        return self._sum("vs_not_stated") / stored if stored else None

    @property
    def records_per_tool(self) -> float:
        return self._sum("stored") / len(self.tools) if self.tools else 0.0

    @property
    def junk_records(self) -> int:
        return self._sum("junk")

    @property
    def covered(self) -> tuple[int, int]:
        """(tools that state capabilities and got a record, tools that state capabilities)."""
        stating = [tool for tool in self.tools if tool.states_capabilities]
        return sum(1 for tool in stating if tool.stored), len(stating)

    @property
    def names_right(self) -> tuple[int, int]:
        return sum(1 for tool in self.tools if tool.name_ok), len(self.tools)

    @property
    def precision_at_3(self) -> float | None:
        """Mean over tools with competitors of hits / min(3, competitors): 1.0 when every slot a
        competitor could fill holds one."""
        scored = [tool for tool in self.tools if tool.competitors]
        if not scored:
            return None
        return sum(tool.competitor_hits / min(3, tool.competitors) for tool in scored) / len(scored)

    def figures(self) -> dict[str, float | int | None]:
        """Every headline figure and the counts behind it, by the names ``eval_runs`` stores them under."""
        covered, stating = self.covered
        names_right, _ = self.names_right
        return {
            "tools": len(self.tools),
            "stored_records": self._sum("stored"),
            "gold_records": self._sum("gold"),
            "matched_records": self._sum("matched"),
            "junk_records": self.junk_records,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "grounding_rate": self.grounding_rate,
            "unique_not_stated_share": self.unique_not_stated_share,
            "vs_not_stated_share": self.vs_not_stated_share,
            "records_per_tool": self.records_per_tool,
            "tools_covered": covered,
            "tools_stating": stating,
            "names_right": names_right,
            "precision_at_3": self.precision_at_3,
        }

    @property
    def f1(self) -> float | None:
        precision, recall = self.precision, self.recall
        if precision is None or recall is None or precision + recall == 0:
            return None
        return 2 * precision * recall / (precision + recall)
