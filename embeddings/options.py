"""What the embeddings stage needs from the outside: which model to load.

Frozen and built by the core from the settings (``capgraph.stage_options``), so the stage never reads
the settings itself.
"""

from __future__ import annotations

from dataclasses import dataclass

BUNDLED_MODEL_NAME = "wordllama-l2_supercat-256"
"""The 256-dimension model inside the ``wordllama`` wheel."""


@dataclass(frozen=True)
class EmbeddingOptions:
    """``model``: the bundled model's name, or the path of a local folder holding a ``*.safetensors``
    file (tensor ``embedding.weight``, one row per token) and its ``tokenizer.json``."""

    model: str = BUNDLED_MODEL_NAME
