"""Load a static word-embedding model from local files and embed texts with it.

The bundled model is read straight from the ``wordllama`` package folder: its own loader looks for the
tokenizer in a folder that does not exist in the wheel and would then download one, so it is not used.
A model is loaded once per process and model name.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from embeddings.options import BUNDLED_MODEL_NAME, EmbeddingOptions
from schemas import CapgraphError


class _Inference(Protocol):
    """What is used of wordllama's inference object (the package ships no type hints)."""

    def embed(self, texts: list[str], norm: bool = ...) -> Any: ...


BUNDLED_MODEL = BUNDLED_MODEL_NAME
_BUNDLED_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_BUNDLED_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_TENSOR_KEY = "embedding.weight"
_SETTING = "CAPGRAPH_EMBEDDING_MODEL"


@dataclass(frozen=True)
class TextEmbedder:
    """A loaded model: ``model_id`` names it in the warehouse, so vectors of two models never mix."""

    model_id: str
    dimensions: int
    _inference: _Inference

    def embed(self, texts: Sequence[str]) -> list[list[float] | None]:
        """Unit vectors of ``texts`` (mean of their token vectors); None for a text with no token."""
        if not texts:
            return []
        import numpy as np  # here, not at the top: the package is imported by every command, numpy is not

        matrix = np.asarray(self._inference.embed(list(texts), norm=False), dtype=np.float64)
        norms = np.linalg.norm(matrix, axis=1)
        unit = (matrix / np.where(norms == 0.0, 1.0, norms)[:, None]).tolist()
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
        folder = _wordllama_folder()
        weights, tokenizer = folder.joinpath(*_BUNDLED_WEIGHTS), folder.joinpath(*_BUNDLED_TOKENIZER)
    else:
        weights, tokenizer = _local_files(Path(model).expanduser())
    inference, dimensions = _inference(weights, tokenizer)
    model_id = embedder_model_id(EmbeddingOptions(model=model))
    return TextEmbedder(model_id=model_id, dimensions=dimensions, _inference=inference)


def _wordllama_folder() -> Path:
    # Found without importing the package, whose import has side effects (see _inference_class).
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


def _inference(weights: Path, tokenizer_file: Path) -> tuple[_Inference, int]:
    from safetensors import safe_open
    from tokenizers import Tokenizer

    inference_class = _inference_class()
    try:
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        with safe_open(str(weights), framework="np") as tensors:
            matrix = tensors.get_tensor(_TENSOR_KEY)
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
    inference: _Inference = inference_class(matrix, tokenizer)
    return inference, int(matrix.shape[1])


def _inference_class() -> Any:
    # wordllama's inference module calls logging.basicConfig() when imported, which would add a handler
    # to the root logger of whatever program imports it: the root logger is put back as it was.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from wordllama.inference import WordLlamaInference  # type: ignore[import-untyped]
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return WordLlamaInference
