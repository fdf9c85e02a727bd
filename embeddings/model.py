"""Load a static token-embedding model from local files and embed texts with it.

A text's vector is the mean of its tokens' rows, normalised to unit length (what wordllama computes).
The bundled model's files are read straight from the ``wordllama`` package folder, which is found
without importing the package: its own loader looks for the tokenizer in a folder the wheel does not
have and would then download one, and importing it configures the root logger. A model is loaded
once per process and model name.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embeddings.options import BUNDLED_MODEL_NAME, EmbeddingOptions
from schemas import CapgraphError

BUNDLED_MODEL = BUNDLED_MODEL_NAME
_BUNDLED_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_BUNDLED_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_TENSOR_KEY = "embedding.weight"
_SETTING = "CAPGRAPH_EMBEDDING_MODEL"
_CHUNK_TEXTS = 1024

Vector = list[float]


@dataclass(frozen=True)
class TextEmbedder:
    """A loaded model: ``model_id`` names it in the warehouse, so vectors of two models never mix."""

    model_id: str
    dimensions: int
    _tokenizer: Any
    _matrix: Any
    """The token rows (numpy, float32), one per token id, then an all-zero row for padding."""

    def embed(self, texts: Sequence[str]) -> list[Vector | None]:
        """Unit vectors of ``texts``; None for a text with no token."""
        return [group for group, _ in self.embed_groups([[text] for text in texts])]

    def embed_groups(
        self, groups: Sequence[Sequence[str]]
    ) -> list[tuple[Vector | None, list[Vector | None]]]:
        """For each group of texts, the vector of all its texts as one (the mean of every token of every
        member) and each member's own vector; tokenised once, so a tool and its records cost one pass."""
        import numpy as np  # here, not at the top: the package is imported by every command, numpy is not

        texts = [text for group in groups for text in group]
        sums = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False) if texts else []
        token_ids = [np.clip(encoding.ids, 0, self._matrix.shape[0] - 2) for encoding in encodings]
        # Texts of like length together, padded with the all-zero last row: the sum over the padded
        # axis is contiguous in memory (a running sum over all tokens measured ~10x slower).
        by_length = sorted(range(len(texts)), key=lambda index: len(token_ids[index]))
        padding = self._matrix.shape[0] - 1
        for first in range(0, len(by_length), _CHUNK_TEXTS):
            chosen = by_length[first : first + _CHUNK_TEXTS]
            width = len(token_ids[chosen[-1]])
            if width == 0:
                continue
            padded = np.full((len(chosen), width), padding, dtype=np.int64)
            for row, index in enumerate(chosen):
                padded[row, : len(token_ids[index])] = token_ids[index]
            sums[chosen] = self._matrix[padded].sum(axis=1)
        members = _units(sums)
        totals = np.zeros((len(groups), self.dimensions), dtype=np.float32)
        start = 0
        for position, group in enumerate(groups):
            totals[position] = sums[start : start + len(group)].sum(axis=0)
            start += len(group)
        starts = np.cumsum([0, *(len(group) for group in groups)])
        return [
            (tool, members[starts[position] : starts[position + 1]])
            for position, tool in enumerate(_units(totals))
        ]


def _units(rows: Any) -> list[Vector | None]:
    """Each row divided by its length (the mean's direction is the sum's); None for an all-zero row."""
    import numpy as np

    norms = np.linalg.norm(rows, axis=1)
    unit = (rows / np.where(norms == 0.0, 1.0, norms)[:, None]).tolist()
    return [None if norm == 0.0 else row for norm, row in zip(norms.tolist(), unit, strict=True)]


def embedder_model_id(options: EmbeddingOptions) -> str:
    """How the warehouse names the vectors of ``options``' model, known without loading it."""
    if options.model == BUNDLED_MODEL:
        return BUNDLED_MODEL
    return f"local:{Path(options.model).expanduser().resolve()}"


def load_embedder(options: EmbeddingOptions) -> TextEmbedder:
    """The model ``options`` name, loaded from local files only; a bad model is one clear error."""
    return _load(options.model)


@functools.lru_cache(maxsize=2)
def _load(model: str) -> TextEmbedder:
    if model == BUNDLED_MODEL:
        folder = wordllama_folder()
        weights, tokenizer_file = folder.joinpath(*_BUNDLED_WEIGHTS), folder.joinpath(*_BUNDLED_TOKENIZER)
    else:
        weights, tokenizer_file = _local_files(Path(model).expanduser())
    tokenizer, matrix = _read(weights, tokenizer_file)
    return TextEmbedder(
        model_id=embedder_model_id(EmbeddingOptions(model=model)),
        dimensions=int(matrix.shape[1]),
        _tokenizer=tokenizer,
        _matrix=matrix,
    )


def wordllama_folder() -> Path:
    """The installed ``wordllama`` package's folder, found without importing it."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise CapgraphError(
            "the wordllama package is not installed",
            subject=_SETTING,
            hint="install capgraph's dependencies (pip install wordllama)",
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _local_files(folder: Path) -> tuple[Path, Path]:
    if not folder.is_dir():
        raise CapgraphError(
            f"{folder} is not a folder",
            subject=_SETTING,
            hint=f"name {BUNDLED_MODEL} or a folder holding a .safetensors file and tokenizer.json",
        )
    weights = sorted(folder.glob("*.safetensors"))
    tokenizer = folder / "tokenizer.json"
    if len(weights) != 1 or not tokenizer.is_file():
        found = "present" if tokenizer.is_file() else "missing"
        raise CapgraphError(
            f"{folder} needs exactly one .safetensors file and a tokenizer.json "
            f"(found {len(weights)} weight files, tokenizer.json {found})",
            subject=_SETTING,
            hint="put the model's token embedding matrix and its tokenizer in that folder",
        )
    return weights[0], tokenizer


def _read(weights: Path, tokenizer_file: Path) -> tuple[Any, Any]:
    import numpy as np
    from safetensors import safe_open
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        with safe_open(str(weights), framework="np") as tensors:
            matrix = np.ascontiguousarray(tensors.get_tensor(_TENSOR_KEY), dtype=np.float32)
    except Exception as error:  # the tokenizers and safetensors errors share no base class
        raise CapgraphError(
            f"cannot load the embedding model from {weights.parent}: {str(error).splitlines()[0]}",
            subject=_SETTING,
            hint=f"the weights need a tensor named {_TENSOR_KEY!r} and a matching tokenizer",
        ) from error
    if matrix.ndim != 2 or matrix.shape[0] < tokenizer.get_vocab_size():
        raise CapgraphError(
            f"the embedding matrix in {weights.name} has shape {matrix.shape}, "
            f"not one row for each of the tokenizer's {tokenizer.get_vocab_size()} tokens",
            subject=_SETTING,
            hint="use the tokenizer the weights were made with",
        )
    # Padding and truncation off: every token of a text counts, and only its own tokens.
    tokenizer.no_padding()
    tokenizer.no_truncation()
    # One all-zero row more, for padding a batch of texts to one length.
    return tokenizer, np.vstack([matrix, np.zeros((1, matrix.shape[1]), dtype=np.float32)])
