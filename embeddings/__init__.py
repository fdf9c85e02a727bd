"""The embeddings stage: turns capability and tool texts into unit vectors, and finds each tool's
nearest tools by those vectors.

The only package that reads a model (``wordllama``'s files, ``tokenizers``, ``safetensors``) and the
only one doing numpy vector arithmetic. The default model ships inside the ``wordllama`` wheel and is
read from the package's own files, so no run ever downloads anything.
"""

from embeddings.model import BUNDLED_MODEL, TextEmbedder, embedder_model_id, load_embedder
from embeddings.neighbours import nearest_pairs
from embeddings.options import EmbeddingOptions
from embeddings.texts import capability_text

__all__ = [
    "BUNDLED_MODEL",
    "EmbeddingOptions",
    "TextEmbedder",
    "capability_text",
    "embedder_model_id",
    "load_embedder",
    "nearest_pairs",
]
