"""Extractors: turn a source document into capability records; the grounding check they all share."""
