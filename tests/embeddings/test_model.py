"""The embedding model loads from local files only, and its vectors put meaning before shared words."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from embeddings import BUNDLED_MODEL, EmbeddingOptions, load_embedder
from embeddings import model as model_module
from schemas import CapgraphError

# A vector database and a similarity-search engine described with no word in common; a schema
# migration tool sharing "index" with the first.
VECTOR_STORE = "Stores embedding vectors and answers nearest neighbour queries over them with an HNSW index."
SEARCH_ENGINE = "A similarity search engine: keeps dense float arrays and returns the closest matches."
MIGRATIONS = "Versioned SQL scripts that alter tables and index definitions, applied in order."

_FRESH_PROCESS = """
import logging, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from embeddings import EmbeddingOptions, load_embedder
embedder = load_embedder(EmbeddingOptions())
(vector,) = embedder.embed(["vector search"])
norm = round(sum(v * v for v in vector), 4)
print(embedder.model_id, embedder.dimensions, norm, len(logging.getLogger().handlers))
"""


def test_the_bundled_model_loads_with_every_connection_refused_and_no_cache(tmp_path: Path) -> None:
    # A fresh process, so nothing loaded earlier hides a download; HOME and the caches point at an
    # empty folder, and every socket call fails.
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "HF_HOME": str(home / "hf"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "PATH": "/usr/bin:/bin",
    }
    finished = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS], capture_output=True, text=True, env=environment, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == [BUNDLED_MODEL, "256", "1.0", "0"]
    assert list(home.iterdir()) == []


def test_loading_leaves_the_root_logger_as_it_was() -> None:
    model_module._load.cache_clear()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    load_embedder(EmbeddingOptions())
    assert (list(root.handlers), root.level) == before


def test_a_text_means_more_than_its_words() -> None:
    embedder = load_embedder(EmbeddingOptions())
    store, engine, migrations = (
        np.array(vector) for vector in embedder.embed([VECTOR_STORE, SEARCH_ENGINE, MIGRATIONS])
    )
    assert float(store @ engine) > float(store @ migrations)


def test_vectors_are_unit_length_and_an_empty_text_has_none() -> None:
    vectors = load_embedder(EmbeddingOptions()).embed(["hashing library", ""])
    assert vectors[0] is not None and sum(value * value for value in vectors[0]) == pytest.approx(1.0)
    assert vectors[1] is None


def test_a_local_model_folder_is_loaded_with_its_own_size(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    bundled = Path(model_module.wordllama_folder()) / "tokenizers" / "l2_supercat_tokenizer_config.json"
    (folder / "tokenizer.json").write_text(bundled.read_text(encoding="utf-8"), encoding="utf-8")
    rows = np.random.default_rng(7).standard_normal((32000, 16)).astype(np.float32)
    save_file({"embedding.weight": rows}, str(folder / "tiny.safetensors"))
    embedder = load_embedder(EmbeddingOptions(model=str(folder)))
    (vector,) = embedder.embed(["vector search"])
    assert (embedder.model_id, embedder.dimensions) == (f"local:{folder.resolve()}", 16)
    assert vector is not None and len(vector) == 16


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({}, "needs exactly one .safetensors file and a tokenizer.json"),
        (
            {"tokenizer.json": "{}", "weights.safetensors": "not a tensor file"},
            "cannot load the embedding model",
        ),
    ],
)
def test_a_bad_local_model_is_one_line_naming_the_setting(
    tmp_path: Path, files: dict[str, str], problem: str
) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(CapgraphError) as caught:
        load_embedder(EmbeddingOptions(model=str(folder)))
    line = caught.value.one_line()
    assert "CAPGRAPH_EMBEDDING_MODEL" in line and problem in line and "\n" not in line


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(CapgraphError, match="is not a folder"):
        load_embedder(EmbeddingOptions(model=str(tmp_path / "nowhere")))


def test_the_socket_guard_of_this_suite_is_on() -> None:
    # The in-process loads above ran under tests/conftest.py's guard, which fails any off-machine call.
    with pytest.raises(RuntimeError, match="non-loopback"):
        socket.getaddrinfo("huggingface.co", 443)
