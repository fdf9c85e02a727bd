"""The match graph: each tool's closest alternatives by capability similarity, built in DuckDB SQL.

Terms come from the ``match_tokens`` and ``match_capability_text`` macros of migration 6, so the
build and ``pair_match`` tokenise alike. Capability vectors are tf-idf over current capabilities and
tool vectors tf-idf over tools (both L2-normalised). Given a ``SemanticInput`` (an embedding model
whose tool vectors are stored, and the pairs near by them), a pair of tools that both have vectors is
scored by their embedding cosine blended with the tf-idf cosine. The build keeps each tool's ``top_k``
nearest tools as edges and, for each edge, the capabilities the two share (by tf-idf). The build
runs as a chain of temp tables, each step's SQL reading the earlier ones by name, and then replaces
the stored graph in one transaction. ``pair_match`` tokenises two tools' records with the same macros,
weighs them with the build's stored term statistics and blends in the same embedding cosine; a test
holds its answer to every stored edge.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

import duckdb

from schemas import CapgraphError, PairMatch, SharedPair, TerminalError, utc_now
from warehouse import embedding_store
from warehouse.duck_errors import first_line
from warehouse.named_rows import named_row, named_rows
from warehouse.rows import AlternativeRow, MatchGraphStats
from warehouse.values import as_utc, maybe_utc

LEXICAL_METHOD = "match-v1"
"""A build without embeddings: tf-idf cosines only."""
BLENDED_METHOD = "match-v2"
"""A build with embeddings: the embedding cosine blended with the tf-idf cosine."""
MAX_TOOL_TERMS = 64
"""Each tool vector keeps its heaviest terms only: this bounds the tool-by-tool join."""
COMMON_TERM_MIN_TOOLS = 10
"""From this many tools on, a term found in more than half of them says nothing and is dropped."""
DEFAULT_TOP_K = 5
DEFAULT_MIN_SIMILARITY = 0.05
DEFAULT_PAIR_THRESHOLD = 0.3
"""Also what ``pair_match`` uses before any build; after one, it uses that build's threshold."""
_DECIMALS = 9
"""Cosines are rounded before ranking, so the order of a parallel sum never flips a tie."""
DEFAULT_SEMANTIC_WEIGHT = 0.8
"""Share of the embedding cosine in a pair's similarity when both tools have vectors; the rest is the
lexical cosine. Measured on the dev gold set (see NOTES-similarity.md)."""
LEXICAL_CANDIDATES = 20
"""Each tool's closest tools by the lexical cosine that are scored with the embeddings too."""

# -- the shared SQL: terms, vectors, cosines ------------------------------------------------------


_CURRENT_CAPABILITIES = """
SELECT tool_id, run_id, ordinal, title, description, unique_text FROM current_capabilities
"""


def _capability_terms(capabilities: str) -> str:
    """One row per (capability, term) of the ``capabilities`` relation, with the term's count in it."""
    return f"""
    SELECT tool_id, run_id, ordinal, term, count(*) AS tf
    FROM (
        SELECT tool_id, run_id, ordinal,
               unnest(match_tokens(match_capability_text(title, description, unique_text))) AS term
        FROM {capabilities}
    )
    GROUP BY tool_id, run_id, ordinal, term
    """


def _term_stats(terms: str) -> str:
    return f"""
    SELECT term, count(*) AS capabilities, count(DISTINCT tool_id) AS tools
    FROM {terms}
    GROUP BY term
    """


_CORPUS = f"SELECT count(*) AS capabilities, count(DISTINCT tool_id) AS tools FROM ({_CURRENT_CAPABILITIES})"

# The fragments below read the relations capability_terms, term_stats and corpus (and pairs); the
# build binds them to temp tables over every tool, pair_match to CTEs over two tools.

# A term the statistics have never seen (records changed since the build) counts as found once.
_CAPABILITY_VECTORS = """
SELECT tool_id, run_id, ordinal, term,
       weight / sqrt(sum(weight * weight) OVER (PARTITION BY tool_id, ordinal)) AS weight
FROM (
    SELECT ct.tool_id, ct.run_id, ct.ordinal, ct.term,
           ct.tf * ln(corpus.capabilities / least(coalesce(s.capabilities, 1), corpus.capabilities)) AS weight
    FROM capability_terms AS ct
    CROSS JOIN corpus
    LEFT JOIN term_stats AS s ON s.term = ct.term
)
WHERE weight > 0
"""

_TOOL_VECTORS = f"""
SELECT tool_id, term, weight / sqrt(sum(weight * weight) OVER (PARTITION BY tool_id)) AS weight
FROM (
    SELECT tt.tool_id, tt.term,
           tt.tf * ln(corpus.tools / least(coalesce(s.tools, 1), corpus.tools)) AS weight
    FROM (SELECT tool_id, term, sum(tf) AS tf FROM capability_terms GROUP BY tool_id, term) AS tt
    CROSS JOIN corpus
    LEFT JOIN term_stats AS s ON s.term = tt.term
    WHERE corpus.tools < {COMMON_TERM_MIN_TOOLS} OR 2 * coalesce(s.tools, 1) <= corpus.tools
    -- Zero weights sort last, so numbering them too never pushes a weighted term out.
    QUALIFY weight > 0
        AND row_number() OVER (PARTITION BY tt.tool_id ORDER BY weight DESC, tt.term) <= {MAX_TOOL_TERMS}
)
"""

# Cosine is symmetric: each unordered pair is summed once.
_TOOL_SIMILARITIES = f"""
SELECT a.tool_id AS low_id, b.tool_id AS high_id, round(sum(a.weight * b.weight), {_DECIMALS}) AS similarity
FROM tool_vectors AS a
JOIN tool_vectors AS b ON b.term = a.term AND a.tool_id < b.tool_id
GROUP BY a.tool_id, b.tool_id
"""


def blend_sql(semantic: str, lexical: str) -> str:
    """A pair's similarity from its embedding cosine (NULL: a tool has no vector) and lexical cosine.

    One expression for the build and ``pair_match``, so both compute it alike to the last bit.
    """
    return (
        f"CASE WHEN ({semantic}) IS NULL THEN ({lexical}) ELSE round($semantic_weight * "
        f"greatest({semantic}, 0) + (1 - $semantic_weight) * ({lexical}), {_DECIMALS}) END"
    )


# The pairs scored: every tool's nearest by the embeddings (from the caller) and by the lexical
# cosine. Ranking each side of a pair separately keeps a tool's lexical top n whichever side it is on,
# in the order the edges are ranked, so without vectors the edges are exactly the lexical ones.
_BLENDED = f"""
SELECT c.low_id, c.high_id,
       {blend_sql("list_cosine_similarity(va.vector, vb.vector)", "coalesce(l.similarity, 0)")} AS similarity
FROM (
    SELECT low_id, high_id FROM similarities
    QUALIFY row_number() OVER (PARTITION BY low_id ORDER BY similarity DESC, high_id) <= $lexical_candidates
         OR row_number() OVER (PARTITION BY high_id ORDER BY similarity DESC, low_id) <= $lexical_candidates
    UNION
    SELECT least(tool_id, other_id), greatest(tool_id, other_id)
    FROM (
        SELECT unnest($semantic_tools::VARCHAR[]) AS tool_id, unnest($semantic_others::VARCHAR[]) AS other_id
    )
    WHERE tool_id <> other_id
) AS c
LEFT JOIN similarities AS l ON l.low_id = c.low_id AND l.high_id = c.high_id
LEFT JOIN ({embedding_store.CURRENT_TOOL_VECTORS}) AS va ON va.tool_id = c.low_id
LEFT JOIN ({embedding_store.CURRENT_TOOL_VECTORS}) AS vb ON vb.tool_id = c.high_id
"""

# Each capability of the tool with its best match among the alternative's, kept when close enough.
_CAPABILITY_PAIRS = f"""
SELECT tool_id, alternative_id, tool_ordinal, alternative_ordinal, similarity
FROM (
    SELECT p.tool_id, p.alternative_id, a.ordinal AS tool_ordinal, b.ordinal AS alternative_ordinal,
           round(sum(a.weight * b.weight), {_DECIMALS}) AS similarity
    FROM pairs AS p
    JOIN capability_vectors AS a ON a.tool_id = p.tool_id
    JOIN capability_vectors AS b ON b.tool_id = p.alternative_id AND b.term = a.term
    GROUP BY p.tool_id, p.alternative_id, a.ordinal, b.ordinal
)
QUALIFY row_number() OVER (
        PARTITION BY tool_id, alternative_id, tool_ordinal ORDER BY similarity DESC, alternative_ordinal) = 1
    AND similarity >= $pair_threshold
"""

_NEWEST_BUILD = """
SELECT build_id, built_at, pair_threshold
FROM match_graph_builds
ORDER BY built_at DESC, build_id DESC
LIMIT 1
"""


def _with(ctes: dict[str, str], body: str) -> str:
    return "WITH " + ",\n".join(f"{name} AS ({sql})" for name, sql in ctes.items()) + "\n" + body


# -- the build ----------------------------------------------------------------------------------------

# Each step is a temp table that the next ones read under the fragment's names.
_BUILD_STEPS: tuple[tuple[str, str, str], ...] = (
    ("capability_terms", "match_build_terms", _capability_terms(f"({_CURRENT_CAPABILITIES})")),
    ("term_stats", "match_build_term_stats", _term_stats("capability_terms")),
    ("corpus", "match_build_corpus", _CORPUS),
    ("capability_vectors", "match_build_capability_vectors", _CAPABILITY_VECTORS),
    ("tool_vectors", "match_build_tool_vectors", _TOOL_VECTORS),
    ("similarities", "match_build_similarities", _TOOL_SIMILARITIES),
    ("blended", "match_build_blended", _BLENDED),
    (
        "pairs",
        "match_build_edges",
        """
        SELECT tool_id, alternative_id, similarity,
               row_number() OVER (PARTITION BY tool_id ORDER BY similarity DESC, alternative_id) AS "rank"
        FROM (
            SELECT low_id AS tool_id, high_id AS alternative_id, similarity FROM blended
            UNION ALL
            SELECT high_id, low_id, similarity FROM blended
        )
        WHERE similarity >= $min_similarity
        QUALIFY "rank" <= $top_k
        """,
    ),
    ("capability_pairs", "match_build_pairs", _CAPABILITY_PAIRS),
)


def _compute(connection: duckdb.DuckDBPyConnection, parameters: Mapping[str, object]) -> None:
    try:
        for position, (_, table, sql) in enumerate(_BUILD_STEPS):
            statement = f"CREATE OR REPLACE TEMPORARY TABLE {table} AS {_bound(sql, _BUILD_STEPS[:position])}"
            used = {name: value for name, value in parameters.items() if f"${name}" in sql}
            connection.execute(statement, used or None)
    except duckdb.Error as error:
        raise TerminalError(
            f"rebuilding the match graph failed, nothing was written: {first_line(error)}",
            subject="match graph",
            hint="the stored graph is unchanged; report this as a bug",
        ) from error


def _bound(sql: str, steps: tuple[tuple[str, str, str], ...]) -> str:
    """``sql`` with the fragment names bound to the temp tables of ``steps``."""
    if not steps:
        return sql
    return _with({name: f"FROM {table}" for name, table, _ in steps}, sql)


@dataclass(frozen=True)
class SemanticInput:
    """The embedding side of a build: the model whose stored tool vectors are used, the pairs of tools
    near by those vectors (found by the caller) that are scored besides the lexical ones, and the
    embedding cosine's share of the blended similarity."""

    model: str
    near_pairs: Sequence[tuple[str, str]] = ()
    weight: float = DEFAULT_SEMANTIC_WEIGHT


def rebuild(
    connection: duckdb.DuckDBPyConnection,
    transaction: Callable[[str, str], AbstractContextManager[None]],
    *,
    top_k: int,
    min_similarity: float,
    pair_threshold: float,
    semantic: SemanticInput | None = None,
) -> MatchGraphStats:
    """Compute the graph into temp tables, then replace the stored one inside one ``transaction()``.

    ``transaction`` is the write session's; nothing else writes the file meanwhile, since the session
    holds its write lock. Without ``semantic`` (or for a tool without a vector) it is lexical only.
    """
    _check_build_options(top_k, min_similarity, pair_threshold)
    weight = DEFAULT_SEMANTIC_WEIGHT if semantic is None else semantic.weight
    if not 0 <= weight <= 1:
        raise CapgraphError(
            f"semantic_weight must be between 0 and 1, not {weight}",
            subject="match graph",
            hint="it is the embedding cosine's share of a pair's similarity",
        )
    started = time.perf_counter()
    built_at = utc_now()
    build_id = f"{built_at:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
    near = [] if semantic is None else list(semantic.near_pairs)
    method = LEXICAL_METHOD if semantic is None else BLENDED_METHOD
    parameters = {
        "min_similarity": min_similarity,
        "top_k": top_k,
        "pair_threshold": pair_threshold,
        "lexical_candidates": max(LEXICAL_CANDIDATES, top_k),
        "semantic_tools": [tool_id for tool_id, _ in near],
        "semantic_others": [other_id for _, other_id in near],
        "model": None if semantic is None else semantic.model,
        "semantic_weight": weight,
    }
    try:
        _compute(connection, parameters)
        capabilities, tools = connection.execute(
            "SELECT capabilities, tools FROM match_build_corpus"
        ).fetchone() or (0, 0)
        (edges,) = connection.execute("SELECT count(*) FROM match_build_edges").fetchone() or (0,)
        with transaction("match graph", "rebuilding the match graph"):
            # Only the newest build's rows are kept; the builds table stays as history.
            for table in ("match_edges", "match_capability_pairs", "match_terms"):
                connection.execute(f"DELETE FROM {table}")
            connection.execute(
                "INSERT INTO match_terms "
                "SELECT $build_id, term, capabilities, tools FROM match_build_term_stats",
                {"build_id": build_id},
            )
            connection.execute(
                """
                INSERT INTO match_capability_pairs
                SELECT $build_id, tool_id, alternative_id, tool_ordinal, alternative_ordinal, similarity
                FROM match_build_pairs
                """,
                {"build_id": build_id},
            )
            connection.execute(
                """
                INSERT INTO match_edges
                SELECT $build_id, e.tool_id, e.alternative_id, e."rank", e.similarity,
                       coalesce(p.shared, 0), tc.run_id, ac.run_id
                FROM match_build_edges AS e
                JOIN current_extractions AS tc ON tc.tool_id = e.tool_id
                JOIN current_extractions AS ac ON ac.tool_id = e.alternative_id
                LEFT JOIN (
                    SELECT tool_id, alternative_id, count(*) AS shared
                    FROM match_build_pairs
                    GROUP BY tool_id, alternative_id
                ) AS p ON p.tool_id = e.tool_id AND p.alternative_id = e.alternative_id
                """,
                {"build_id": build_id},
            )
            duration_ms = int((time.perf_counter() - started) * 1000)
            connection.execute(
                """
                INSERT INTO match_graph_builds (build_id, built_at, method_version, tools, capabilities,
                    edges, top_k, min_similarity, pair_threshold, duration_ms, embedding_model,
                    semantic_weight)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    build_id,
                    built_at,
                    method,
                    tools,
                    capabilities,
                    edges,
                    top_k,
                    min_similarity,
                    pair_threshold,
                    duration_ms,
                    parameters["model"],
                    None if semantic is None else weight,
                ],
            )
    finally:
        for _, table, _ in _BUILD_STEPS:
            connection.execute(f"DROP TABLE IF EXISTS temp.main.{table}")
    return MatchGraphStats(
        build_id=build_id,
        tools=int(tools),
        edges=int(edges),
        duration_ms=duration_ms,
        method_version=method,
    )


def _check_build_options(top_k: int, min_similarity: float, pair_threshold: float) -> None:
    if top_k < 1:
        raise CapgraphError(
            f"top_k must be 1 or more, not {top_k}",
            subject="match graph",
            hint="keep at least one alternative",
        )
    for name, value in (("min_similarity", min_similarity), ("pair_threshold", pair_threshold)):
        if not 0 <= value <= 1:
            raise CapgraphError(
                f"{name} must be between 0 and 1, not {value}",
                subject="match graph",
                hint="cosine similarities run from 0 to 1",
            )


# -- reading ------------------------------------------------------------------------------------------

_EDGES_OF = """
SELECT e.alternative_id, t.name, t.kind, e."rank", e.similarity, b.built_at,
       e.tool_run_id, e.alternative_run_id
FROM match_edges AS e
JOIN match_graph_builds AS b ON b.build_id = e.build_id
JOIN tools AS t ON t.id = e.alternative_id
WHERE e.tool_id = $tool_id
ORDER BY e."rank"
LIMIT $limit
"""

_PAIRS_OF = """
SELECT alternative_id, tool_ordinal, alternative_ordinal, similarity
FROM match_capability_pairs
WHERE tool_id = $tool_id
ORDER BY alternative_id, tool_ordinal
"""

_TITLES_OF_RUNS = """
SELECT run_id, ordinal, title FROM capabilities WHERE list_contains($run_ids, run_id) ORDER BY run_id, ordinal
"""

Titles = dict[int, str]
"""A run's capability titles by ordinal."""


def alternatives(
    connection: duckdb.DuckDBPyConnection, tool_id: str, limit: int | None
) -> list[AlternativeRow]:
    """The tool's edges in the stored (newest) build, closest first, with titles of the runs it used.

    Three small queries rather than one with correlated lists: each filters on one key, which DuckDB
    pushes into its scans (~8 ms at 2,000 tools instead of ~40 ms).
    """
    if limit is not None and limit < 0:
        raise CapgraphError(
            f"limit must be 0 or more, not {limit}",
            subject=tool_id,
            hint="pass a limit of 0 or more, or None",
        )
    edges = named_rows(connection.execute(_EDGES_OF, {"tool_id": tool_id, "limit": limit}))
    if not edges:
        return []
    pairs: dict[str, list[tuple[int, int, float]]] = {}
    for pair in named_rows(connection.execute(_PAIRS_OF, {"tool_id": tool_id})):
        pairs.setdefault(pair["alternative_id"], []).append(
            (pair["tool_ordinal"], pair["alternative_ordinal"], pair["similarity"])
        )
    run_ids = {edges[0]["tool_run_id"]} | {edge["alternative_run_id"] for edge in edges}
    titles = _titles(connection, run_ids)
    return [
        _alternative_row(
            tool_id,
            edge["alternative_id"],
            edge["name"],
            edge["kind"],
            rank=int(edge["rank"]),
            similarity=float(edge["similarity"]),
            pairs=pairs.get(edge["alternative_id"], []),
            tool_titles=titles.get(edge["tool_run_id"], {}),
            alternative_titles=titles.get(edge["alternative_run_id"], {}),
            built_at=as_utc(edge["built_at"]),
        )
        for edge in edges
    ]


def built_at(connection: duckdb.DuckDBPyConnection) -> datetime | None:
    row = named_row(connection.execute(_NEWEST_BUILD))
    return None if row is None else as_utc(row["built_at"])


_PAIR_CONTEXT = """
SELECT b.build_id, b.built_at, b.pair_threshold, b.capabilities, b.tools, b.embedding_model,
       b.semantic_weight,
       (SELECT "rank" FROM match_edges WHERE tool_id = $tool_id AND alternative_id = $other_id),
       EXISTS (SELECT 1 FROM tools WHERE id = $tool_id),
       (SELECT struct_pack(name, kind) FROM tools WHERE id = $other_id)
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT build_id, built_at, pair_threshold, capabilities, tools, embedding_model, semantic_weight
    FROM match_graph_builds
    ORDER BY built_at DESC, build_id DESC LIMIT 1
) AS b ON true
"""

# The union keeps one equality per tool, which DuckDB pushes into the capabilities scan.
_PAIR_RECORDS = """
SELECT tool_id, run_id, ordinal, title,
       match_tokens(match_capability_text(title, description, unique_text))
FROM (
    SELECT tool_id, run_id, ordinal, title, description, unique_text
    FROM current_capabilities
    WHERE tool_id = $tool_id
    UNION ALL
    SELECT tool_id, run_id, ordinal, title, description, unique_text
    FROM current_capabilities
    WHERE tool_id = $other_id
)
"""

_STORED_TERM_STATS = """
SELECT term, capabilities, tools FROM match_terms WHERE build_id = $build_id AND list_contains($terms, term)
"""

_CURRENT_TERM_STATS = _with(
    {"capability_terms": _capability_terms(f"({_CURRENT_CAPABILITIES})")},
    f"SELECT * FROM ({_term_stats('capability_terms')}) WHERE list_contains($terms, term)",
)

TermCounts = dict[str, Counter[str]]


def pair_match(
    connection: duckdb.DuckDBPyConnection,
    tool_id: str,
    other_id: str,
) -> AlternativeRow | None:
    """Shared and distinct capabilities of two tools from their current records, weighed with the newest
    build's term statistics (before any build: statistics of every current record, slower); None when
    either tool is not stored.

    The records are tokenised by the build's macros; the weighing of two tools' few dozen records is
    done here, since one SQL statement of the build's shape costs ~30 ms to plan and run at this size.
    It follows the build's SQL term for term, and a test holds every stored edge to its answer.
    """
    names = {"tool_id": tool_id, "other_id": other_id}
    context = connection.execute(_PAIR_CONTEXT, names).fetchone() or (None,) * 10
    build_id, built, threshold, capabilities, tools, model, weight, rank, tool_is_stored, other = context
    if not tool_is_stored or other is None:
        return None
    titles: dict[str, Titles] = {tool_id: {}, other_id: {}}
    records: dict[str, dict[int, Counter[str]]] = {tool_id: {}, other_id: {}}
    for owner, _, ordinal, title, terms in connection.execute(_PAIR_RECORDS, names).fetchall():
        titles[owner][ordinal] = title
        records[owner][ordinal] = Counter(terms)
    wanted = sorted({term for counts in records.values() for terms in counts.values() for term in terms})
    if build_id is None:
        stats = connection.execute(_CURRENT_TERM_STATS, {"terms": wanted}).fetchall()
        capabilities, tools = connection.execute(_CORPUS).fetchone() or (0, 0)
    else:
        stats = connection.execute(_STORED_TERM_STATS, {"build_id": build_id, "terms": wanted}).fetchall()
    weights = _Weights(
        capability_df={term: int(df) for term, df, _ in stats},
        tool_df={term: int(df) for term, _, df in stats},
        capabilities=int(capabilities or 0),
        tools=int(tools or 0),
    )
    pair_threshold = DEFAULT_PAIR_THRESHOLD if threshold is None else float(threshold)
    tool_vectors = {owner: weights.tool_vector(counts) for owner, counts in records.items()}
    capability_vectors = {
        owner: {ordinal: weights.capability_vector(terms) for ordinal, terms in counts.items()}
        for owner, counts in records.items()
    }
    return _alternative_row(
        tool_id,
        other_id,
        other["name"],
        other["kind"],
        rank=None if rank is None else int(rank),
        similarity=_blended(
            connection, names, model, weight, _cosine(tool_vectors[tool_id], tool_vectors[other_id])
        ),
        pairs=_best_pairs(capability_vectors[tool_id], capability_vectors[other_id], pair_threshold),
        tool_titles=titles[tool_id],
        alternative_titles=titles[other_id],
        built_at=maybe_utc(built),
    )


_PAIR_BLEND = f"""
SELECT {blend_sql("list_cosine_similarity(a.vector, b.vector)", "$lexical")}
FROM (SELECT 1) AS one
LEFT JOIN ({embedding_store.CURRENT_TOOL_VECTORS}) AS a ON a.tool_id = $tool_id
LEFT JOIN ({embedding_store.CURRENT_TOOL_VECTORS}) AS b ON b.tool_id = $other_id
"""


def _blended(
    connection: duckdb.DuckDBPyConnection,
    names: dict[str, str],
    model: str | None,
    weight: float | None,
    lexical: float,
) -> float:
    """The pair's similarity as the newest build blends it (lexical only when it used no embeddings)."""
    if model is None or weight is None:
        return lexical
    parameters = {**names, "model": model, "semantic_weight": float(weight), "lexical": float(lexical)}
    (similarity,) = connection.execute(_PAIR_BLEND, parameters).fetchone() or (lexical,)
    return float(similarity)


Vector = dict[str, float]


@dataclass(frozen=True)
class _Weights:
    """tf-idf as the build's SQL computes it; a term the statistics lack counts as found once."""

    capability_df: dict[str, int]
    tool_df: dict[str, int]
    capabilities: int
    tools: int

    def capability_vector(self, counts: Counter[str]) -> Vector:
        return _normalised(
            {
                term: tf
                * math.log(self.capabilities / min(self.capability_df.get(term, 1), self.capabilities))
                for term, tf in counts.items()
            }
            if self.capabilities
            else {}
        )

    def tool_vector(self, records: dict[int, Counter[str]]) -> Vector:
        if not self.tools:
            return {}
        counts: Counter[str] = Counter()
        for terms in records.values():
            counts.update(terms)
        weighted = {
            term: tf * math.log(self.tools / min(self.tool_df.get(term, 1), self.tools))
            for term, tf in counts.items()
            if self.tools < COMMON_TERM_MIN_TOOLS or 2 * self.tool_df.get(term, 1) <= self.tools
        }
        heaviest = sorted(
            ((term, weight) for term, weight in weighted.items() if weight > 0),
            key=lambda item: (-item[1], item[0]),
        )[:MAX_TOOL_TERMS]
        return _normalised(dict(heaviest))


def _normalised(vector: Vector) -> Vector:
    kept = {term: weight for term, weight in vector.items() if weight > 0}
    norm = math.sqrt(sum(weight * weight for weight in kept.values()))
    return {term: weight / norm for term, weight in kept.items()}


def _cosine(left: Vector, right: Vector) -> float:
    return round(sum(weight * right[term] for term, weight in left.items() if term in right), _DECIMALS)


def _best_pairs(
    tool: dict[int, Vector], alternative: dict[int, Vector], threshold: float
) -> list[tuple[int, int, float]]:
    pairs = []
    for tool_ordinal, vector in sorted(tool.items()):
        scored = [
            (_cosine(vector, other), alternative_ordinal)
            for alternative_ordinal, other in sorted(alternative.items())
            if vector.keys() & other.keys()
        ]
        if not scored:
            continue
        similarity, alternative_ordinal = min(scored, key=lambda item: (-item[0], item[1]))
        if similarity >= threshold:
            pairs.append((tool_ordinal, alternative_ordinal, similarity))
    return pairs


def _titles(connection: duckdb.DuckDBPyConnection, run_ids: set[str]) -> dict[str, Titles]:
    found: dict[str, Titles] = {}
    for row in named_rows(connection.execute(_TITLES_OF_RUNS, {"run_ids": sorted(run_ids)})):
        found.setdefault(row["run_id"], {})[row["ordinal"]] = row["title"]
    return found


def _alternative_row(
    tool_id: str,
    alternative_id: str,
    name: str,
    kind: str,
    *,
    rank: int | None,
    similarity: float,
    pairs: Sequence[tuple[int, int, float]],
    tool_titles: Titles,
    alternative_titles: Titles,
    built_at: datetime | None,
) -> AlternativeRow:
    shared = tuple(
        SharedPair(
            left_ordinal=int(tool_ordinal),
            left_title=tool_titles.get(tool_ordinal, ""),
            right_ordinal=int(alternative_ordinal),
            right_title=alternative_titles.get(alternative_ordinal, ""),
            similarity=float(pair_similarity),
        )
        for tool_ordinal, alternative_ordinal, pair_similarity in sorted(pairs)
    )
    paired_tool = {pair.left_ordinal for pair in shared}
    paired_alternative = {pair.right_ordinal for pair in shared}
    match = PairMatch(
        similarity=similarity,
        shared=shared,
        only_left=tuple(
            title for ordinal, title in sorted(tool_titles.items()) if ordinal not in paired_tool
        ),
        only_right=tuple(
            title
            for ordinal, title in sorted(alternative_titles.items())
            if ordinal not in paired_alternative
        ),
    )
    return AlternativeRow(
        tool_id=tool_id,
        alternative_id=alternative_id,
        alternative_name=name,
        alternative_kind=kind,
        rank=rank,
        similarity=similarity,
        match=match,
        built_at=built_at,
    )
