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
    """The token rows (numpy, float32), one per token id."""

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
        # In chunks, so the token rows held at once stay small (a few MB, not one row per token of all).
        for first in range(0, len(texts), _CHUNK_TEXTS):
            encodings = self._tokenizer.encode_batch(
                texts[first : first + _CHUNK_TEXTS], add_special_tokens=False
            )
            lengths = np.array([len(encoding.ids) for encoding in encodings], dtype=np.int64)
            if not lengths.any():
                continue
            ids = np.fromiter((token for encoding in encodings for token in encoding.ids), dtype=np.int64)
            np.clip(ids, 0, self._matrix.shape[0] - 1, out=ids)
            # A text's sum is the difference of running sums at its two ends (float64: no loss).
            running = np.zeros((len(ids) + 1, self.dimensions), dtype=np.float64)
            np.cumsum(self._matrix[ids], axis=0, dtype=np.float64, out=running[1:])
            ends = np.cumsum(lengths)
            sums[first : first + len(encodings)] = running[ends] - running[ends - lengths]
        results = []
        start = 0
        for group in groups:
            members = sums[start : start + len(group)]
            results.append((_unit(members.sum(axis=0)), [_unit(row) for row in members]))
            start += len(group)
        return results


def _unit(row: Any) -> Vector | None:
    import numpy as np

    norm = float(np.linalg.norm(row))
    # The mean's direction is the sum's: dividing by the norm alone gives the unit mean vector.
    return None if norm == 0.0 else (row / norm).tolist()


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
    return tokenizer, matrix
