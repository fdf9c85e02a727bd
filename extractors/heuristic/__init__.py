"""The deterministic ``heuristic`` extractor: capability records read off a description's structure."""

from extractors.heuristic.extractor import RULES_VERSION, HeuristicExtractor

__all__ = ["RULES_VERSION", "HeuristicExtractor"]
